//! Errors of `xhht-report`.

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What stops a report from being built or rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The records or results given are not enough or not consistent (e.g. no results for the
    /// report's year).
    #[error("cannot build the report: {0}")]
    Input(String),
    /// A renderer failed (e.g. the spreadsheet library refused a value).
    #[error("cannot render the report as {format}: {message}")]
    Render {
        /// The format.
        format: &'static str,
        /// Why.
        message: String,
    },
}
