//! One module per subcommand.

pub(crate) mod plan;
pub(crate) mod rulebook;
pub(crate) mod score;
