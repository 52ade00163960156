//! One module per subcommand.

pub(crate) mod admin;
pub(crate) mod comparable;
pub(crate) mod db;
pub(crate) mod demo;
pub(crate) mod evidence;
pub(crate) mod inbox;
pub(crate) mod plan;
pub(crate) mod records;
pub(crate) mod report;
pub(crate) mod rulebook;
pub(crate) mod score;
pub(crate) mod steps;
