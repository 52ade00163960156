//! [`Error`]: what a use case answers when it cannot do what was asked. The front-ends map each
//! variant to their own form (an HTTP status, an exit code and one sentence).

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One field-level problem with a request.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct FieldProblem {
    /// The field (a JSON field name, a query parameter, `body`, or `WHERE` of a file's row).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// Everything a use case can refuse or fail with.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The caller's role may not do this (`xhht_core::access::decide`'s reason, which names no
    /// personal data).
    #[error("{0}")]
    Forbidden(String),
    /// What was named does not exist.
    #[error("{0}")]
    NotFound(String),
    /// The request is not acceptable: every problem found.
    #[error("{}", .0.iter().map(|p| format!("{}: {}", p.field, p.message)).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<FieldProblem>),
    /// The records are in a state that forbids the change (already approved, someone changed
    /// it since it was read, a membership elsewhere to end first).
    #[error("{0}")]
    Conflict(String),
    /// The store failed or refused (see [`xhht_store::Error`]).
    #[error(transparent)]
    Store(#[from] xhht_store::Error),
    /// A record is not valid (see [`xhht_core::Error`]).
    #[error(transparent)]
    Core(#[from] xhht_core::Error),
    /// A data year's records cannot be evaluated until they are corrected (e.g. two heads of one
    /// organisation on the same day).
    #[error("cannot evaluate the data year {year}: {source}")]
    Evaluation {
        /// The data year.
        year: i32,
        /// Why.
        #[source]
        source: xhht_scoring::Error,
    },
    /// The rules engine failed (see [`xhht_scoring::Error`]).
    #[error(transparent)]
    Scoring(#[from] xhht_scoring::Error),
    /// A report could not be built or rendered, or its scope names nothing on record (see
    /// [`xhht_report::Error`]; its `message` says it in either language).
    #[error(transparent)]
    Report(#[from] xhht_report::Error),
    /// Hashing a password failed.
    #[error("password hashing: {0}")]
    Password(String),
    /// The system's random number generator failed.
    #[error("random number generator: {0}")]
    Random(String),
    /// A background task of the use case stopped before it finished.
    #[error("a background task failed: {0}")]
    Task(String),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

impl Error {
    /// An [`Error::Invalid`] with one problem.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldProblem { field: field.into(), message: message.into() }])
    }
}
