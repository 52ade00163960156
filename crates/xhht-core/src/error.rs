//! Errors of `xhht-core`.

use std::fmt;

use crate::rulebook::Diagnostic;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What can go wrong when loading data or building a domain value.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A TOML file could not be parsed into the expected shape.
    #[error("{origin}:{line}:{column}: {message}")]
    Toml {
        /// The file (or embedded name) being read.
        origin: String,
        /// 1-based line of the problem (0 when unknown).
        line: usize,
        /// 1-based column of the problem (0 when unknown).
        column: usize,
        /// What is wrong.
        message: String,
    },
    /// A plan file parsed but is not consistent.
    #[error("{origin}: the plan is not consistent: {}", .problems.join("; "))]
    InvalidPlan {
        /// The file.
        origin: String,
        /// One message per problem.
        problems: Vec<String>,
    },
    /// A rulebook parsed but failed validation; every error-level diagnostic is listed.
    #[error("{origin}: the rulebook is invalid:\n{}", DiagList(.diagnostics))]
    InvalidRulebook {
        /// The file.
        origin: String,
        /// Every error found (warnings and notes are not included).
        diagnostics: Vec<Diagnostic>,
    },
    /// A file could not be read.
    #[error("{path}: cannot read the file: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        source: std::io::Error,
    },
    /// No rulebook has this id.
    #[error("unknown rulebook `{0}`")]
    UnknownRulebook(String),
    /// A domain value was built from inconsistent parts (e.g. an approval dated before the
    /// submission it approves).
    #[error("{entity}: {field}: {message}")]
    Invalid {
        /// What was being built, e.g. `self-study plan P-12/2024`.
        entity: String,
        /// The offending field.
        field: &'static str,
        /// Why it is invalid.
        message: String,
    },
}

impl Error {
    /// Builds a [`Error::Toml`] from a parse error, locating it in `src`.
    pub(crate) fn toml(origin: &str, src: &str, e: &toml::de::Error) -> Self {
        let (line, column) = e.span().map_or((0, 0), |span| line_col(src, span.start));
        Self::Toml { origin: origin.to_owned(), line, column, message: e.message().trim().to_owned() }
    }

    /// Builds an [`Error::Invalid`].
    pub(crate) fn invalid(entity: impl Into<String>, field: &'static str, message: impl Into<String>) -> Self {
        Self::Invalid { entity: entity.into(), field, message: message.into() }
    }
}

/// 1-based line and column of byte offset `at` in `src`.
pub(crate) fn line_col(src: &str, at: usize) -> (usize, usize) {
    let at = at.min(src.len());
    let before = src.get(..at).unwrap_or(src);
    let line = before.matches('\n').count() + 1;
    let column = before.rsplit('\n').next().map_or(0, |l| l.chars().count()) + 1;
    (line, column)
}

struct DiagList<'a>(&'a [Diagnostic]);

impl fmt::Display for DiagList<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                f.write_str("\n")?;
            }
            write!(f, "  {d}")?;
        }
        Ok(())
    }
}
