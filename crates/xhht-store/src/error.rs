//! Errors of `xhht-store`: one enum, every variant documented, messages naming the file, line,
//! table, key or field concerned.

use std::fmt;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// One problem found in an import file, located by the file's own line (CSV) or row (XLSX)
/// number. Displays as `file:line: field: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RowError {
    /// The file, as given.
    pub file: String,
    /// The 1-based line (CSV) or row (XLSX) number in the file; 0 for a problem with the file
    /// as a whole.
    pub line: u64,
    /// The column id (see `docs/data-formats.md`), or `-` when the row as a whole is at fault.
    pub field: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for RowError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}: {}", self.file, self.line, self.field, self.message)
    }
}

/// Formats a list of row errors one per line.
struct Lines<'a>(&'a [RowError]);

impl fmt::Display for Lines<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (n, e) in self.0.iter().enumerate() {
            if n > 0 {
                f.write_str("\n")?;
            }
            write!(f, "{e}")?;
        }
        Ok(())
    }
}

/// Everything that can go wrong in the store.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database target is neither a path, a `sqlite:` URL nor a `postgres://` URL, or the
    /// URL is malformed.
    #[error("{target}: not a database target: {message}")]
    Target {
        /// What was given.
        target: String,
        /// Why it is not usable.
        message: String,
    },
    /// The database driver reported an error (connection lost, constraint violated, disk full…).
    #[error("database: {context}: {source}")]
    Database {
        /// What the store was doing.
        context: String,
        /// The driver's error.
        #[source]
        source: sqlx::Error,
    },
    /// The embedded SQLite bulk path (rusqlite) reported an error.
    #[error("database (sqlite): {context}: {source}")]
    Sqlite {
        /// What the store was doing.
        context: String,
        /// The driver's error.
        #[source]
        source: rusqlite::Error,
    },
    /// Applying the schema migrations failed.
    #[error("migrating the database schema: {0}")]
    Migrate(#[source] sqlx::migrate::MigrateError),
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The path.
        path: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
    /// An import file was refused: every problem found, each as `file:line: field: message`.
    /// Nothing was written.
    #[error("{} problem(s), nothing imported:\n{}", .errors.len(), Lines(.errors))]
    Import {
        /// Every problem, in file order.
        errors: Vec<RowError>,
    },
    /// A record given to a write is invalid or refers to something that does not exist; nothing
    /// was written.
    #[error("{table} {key}: {field}: {message}")]
    Invalid {
        /// The table, e.g. `memberships`.
        table: &'static str,
        /// The record's natural key.
        key: String,
        /// The offending field.
        field: String,
        /// Why.
        message: String,
    },
    /// An optimistic update was refused because the record changed since it was read; nothing
    /// was written. Read it again and reapply the change.
    #[error("{table} {key}: changed by someone else (you had version {expected}, it is now at {actual})")]
    Conflict {
        /// The table.
        table: &'static str,
        /// The record's natural key.
        key: String,
        /// The version the caller read.
        expected: i64,
        /// The version in the database.
        actual: i64,
    },
    /// The record to update does not exist.
    #[error("{table} {key}: no such record")]
    NotFound {
        /// The table.
        table: &'static str,
        /// The natural key looked for.
        key: String,
    },
    /// A row read from the database cannot be turned back into a domain value (edited by hand,
    /// or written by a newer xhht).
    #[error("{table} {key}: the stored row is not valid: {message}")]
    Corrupt {
        /// The table.
        table: &'static str,
        /// The row's key.
        key: String,
        /// Why.
        message: String,
    },
    /// A backup or restore could not be done.
    #[error("{path}: {message}")]
    Backup {
        /// The backup file or directory.
        path: String,
        /// Why.
        message: String,
    },
    /// A file could not be written in the format asked for (export, rejected rows).
    #[error("{path}: cannot write: {message}")]
    Write {
        /// The file.
        path: String,
        /// Why.
        message: String,
    },
    /// A background task of the store (a bulk write, a bulk read, the year loader) stopped
    /// before finishing (its thread panicked or the runtime shut down); its transaction was
    /// rolled back.
    #[error("{task} stopped: {message}")]
    Task {
        /// Which task.
        task: &'static str,
        /// Why.
        message: String,
    },
    /// The data kept changing while a year was read on several connections, so no consistent
    /// picture could be taken; try again.
    #[error("the database kept changing while the year was being read; try again")]
    Busy,
    /// The rules engine refused the year (e.g. overlapping heads of one organisation).
    #[error("evaluation: {0}")]
    Scoring(#[from] xhht_scoring::Error),
}

impl Error {
    /// A [`Error::Database`] with context.
    pub(crate) fn db(context: impl Into<String>) -> impl FnOnce(sqlx::Error) -> Error {
        let context = context.into();
        move |source| Error::Database { context, source }
    }

    /// An [`Error::Io`] for `path`.
    pub(crate) fn io(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> Error + '_ {
        move |source| Error::Io { path: path.display().to_string(), source }
    }

    /// A [`Error::Corrupt`].
    pub(crate) fn corrupt(table: &'static str, key: impl Into<String>, message: impl Into<String>) -> Error {
        Error::Corrupt { table, key: key.into(), message: message.into() }
    }
}
