//! Errors of `xhht-scoring`.

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What stops the engine from being built or asked a question. Problems with one entity's facts
/// are not errors: they are [`crate::EntityDiagnostic`]s on that entity's result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A number in the rulebook cannot be held exactly by the engine (more than four decimal
    /// places, or too large).
    #[error("{rulebook}: {rule}: the value {value} has more than 4 decimal places or is too large")]
    Inexact {
        /// The rulebook id.
        rulebook: String,
        /// Where in the rulebook.
        rule: String,
        /// The value.
        value: String,
    },
    /// The rulebook has an element the engine cannot use (e.g. an unparsable source); the static
    /// check reports the same problem.
    #[error("{rulebook}: {rule}: {message}")]
    Unusable {
        /// The rulebook id.
        rulebook: String,
        /// Where in the rulebook.
        rule: String,
        /// Why.
        message: String,
    },
    /// No version of the rulebook is in force for the data year, or the version asked for does
    /// not exist.
    #[error("{rulebook}: no version {what}")]
    NoVersion {
        /// The rulebook id.
        rulebook: String,
        /// For which year, or which id.
        what: String,
    },
}
