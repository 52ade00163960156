//! The database's input and output that is no use case of its own — importing and exporting
//! officials' files, backing up and restoring, the audit check, plain reads of one record or
//! one table — for the front-ends, which name no `xhht_store` type and do not depend on the
//! store.
//!
//! - [`App::db`] gives a [`Db`]: those operations over the open database, each answering this
//!   crate's [`Error`] (a store's failure is [`Error::Store`]).
//! - [`App::restore`] restores a backup into a database named as [`App::open`] names one.
//! - [`Error::classify`] turns the store's refusals (a record not valid, changed since it was
//!   read or not found; an import file refused row by row) into this crate's own variants, so a
//!   front-end maps one enum to its answers.
//! - The values these operations take and give are the store's plain data, re-exported here:
//!   import kinds and options ([`ImportKind`], [`ImportOptions`], [`Progress`]), what a write or
//!   an import did ([`WriteReport`], [`ImportReport`]), a loaded year ([`YearData`]), a record
//!   with its version ([`Versioned`]), stored results ([`StoredResult`]), and the audit check and
//!   its report ([`AuditCheck`], [`AuditReport`] and the types they hold).
//!
//! None of these calls asks `decide`: the front-end checks the caller's role for an import, an
//! export or the audit check before it makes the call (as for any administration of the whole
//! database).

use std::path::Path;

use xhht_core::area::AdminArea;
use xhht_core::entity::{Organisation, Person};
use xhht_core::record::DutyReport;
use xhht_scoring::digest::YearDigest;
use xhht_store::Store;

pub use xhht_store::{
    AuditCheck, AuditHead, AuditKey, AuditReport, BrokenLink, DeepReport, Difference, DifferenceKind, ExpectedHead,
    ExportFormat, HeadCheck, ImportKind, ImportOptions, ImportProgress, ImportReport, Progress, StoredResult,
    Versioned, WriteReport, YearData,
};

use crate::App;
use crate::auth::AuthUser;
use crate::error::{Error, FieldProblem, Result};

/// The open database's plain operations ([`App::db`]; see the module documentation). Cheap to
/// copy: it borrows the [`App`].
#[derive(Clone, Copy)]
pub struct Db<'a> {
    app: &'a App,
    store: &'a Store,
}

impl std::fmt::Debug for Db<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Db").field("backend", &self.store.backend()).finish_non_exhaustive()
    }
}

impl App {
    /// The database's imports, exports, backups, audit check and plain reads.
    pub fn db(&self) -> Db<'_> {
        Db { app: self, store: self.store() }
    }

    /// Restores the backup `from` (a SQLite backup file or a dump directory) into `db` (a path,
    /// a `sqlite:` URL or a `postgres://` URL), which must hold no records yet.
    pub async fn restore(from: &Path, db: &str) -> Result<()> {
        Store::restore(from, db).await?.close().await;
        Ok(())
    }
}

impl Db<'_> {
    /// The data version: the last audit entry of the last transaction that changed a record.
    pub async fn data_version(&self) -> Result<i64> {
        Ok(self.store.data_version().await?)
    }

    /// Every record of data year `year`, as the rules engine reads them.
    pub async fn load_year(&self, year: i32) -> Result<YearData> {
        Ok(self.store.load_year(year).await?)
    }

    /// One organisation by code, with its version.
    pub async fn organisation(&self, code: &str) -> Result<Option<Versioned<Organisation>>> {
        Ok(self.store.organisation(code).await?)
    }

    /// One person by id, with its version.
    pub async fn person(&self, id: &str) -> Result<Option<Versioned<Person>>> {
        Ok(self.store.person(id).await?)
    }

    /// Every administrative area.
    pub async fn areas(&self) -> Result<Vec<Versioned<AdminArea>>> {
        Ok(self.store.areas().await?)
    }

    /// The stored results of data year `year`.
    pub async fn results(&self, year: i32) -> Result<Vec<StoredResult>> {
        Ok(self.store.results(year).await?)
    }

    /// Every duty report.
    pub async fn duty_reports(&self) -> Result<Vec<Versioned<DutyReport>>> {
        Ok(self.store.duty_reports().await?)
    }

    /// The account `name`, as the use cases take a caller, when there is one.
    pub async fn user(&self, name: &str) -> Result<Option<AuthUser>> {
        Ok(self.store.user(name).await?.map(AuthUser::from))
    }

    /// Walks the audit trail as `check` asks (the key given, or the deployment's; a head
    /// published before; the deep check).
    pub async fn audit_check(&self, check: &AuditCheck) -> Result<AuditReport> {
        Ok(self.store.audit_check(check).await?)
    }

    /// Imports the file at `path` as records of `kind`, all or nothing (or its good rows, with
    /// `opts.skip_bad_rows`).
    pub async fn import(&self, kind: ImportKind, path: &Path, opts: &ImportOptions) -> Result<ImportReport> {
        Ok(self.store.import(kind, path, opts).await?)
    }

    /// Imports a file's content (an upload) as [`Db::import`] imports a file: `name` is the
    /// file's name, for messages and the import log; its extension says how to read it.
    pub async fn import_bytes(
        &self,
        kind: ImportKind,
        name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        Ok(self.store.import_bytes(kind, name, bytes, opts).await?)
    }

    /// Writes every record of `kind` to `out` as the import takes them back; returns the rows.
    pub async fn export(&self, kind: ImportKind, format: ExportFormat, out: &Path) -> Result<usize> {
        Ok(self.store.export(kind, format, out).await?)
    }

    /// Backs the database up to `to` (a new file or directory).
    pub async fn backup(&self, to: &Path) -> Result<()> {
        Ok(self.store.backup(to).await?)
    }

    /// Keeps a year's digest made elsewhere (a benchmark's synthetic year) as computed from data
    /// version `version` with the app's rules; false when it was not kept.
    pub async fn save_digest(&self, digest: &YearDigest, version: i64) -> Result<bool> {
        Ok(self.store.save_digest(digest, self.app.engines(), version).await?)
    }
}

impl Error {
    /// The same error with a refusal of the store as this crate's own variant: a record not
    /// valid is [`Error::Invalid`], an update refused because the record changed since it was
    /// read is [`Error::Conflict`], a record to update that does not exist is
    /// [`Error::NotFound`], and an import file refused is [`Error::Invalid`] with one problem per
    /// row (field `line N: column`). Any other error is returned as it is.
    pub fn classify(self) -> Error {
        use xhht_store::Error as S;
        let Error::Store(s) = self else { return self };
        match s {
            S::Invalid { field, message, .. } => Error::Invalid(vec![FieldProblem { field, message }]),
            S::Conflict { expected, actual, .. } => Error::Conflict(format!(
                "the record changed since it was read (you had version {expected}, it is now at {actual}); read it again"
            )),
            S::NotFound { table, .. } => Error::NotFound(format!("no such record in {table}")),
            S::Import { errors } => Error::Invalid(
                errors
                    .into_iter()
                    .map(|r| FieldProblem { field: format!("line {}: {}", r.line, r.field), message: r.message })
                    .collect(),
            ),
            other => Error::Store(other),
        }
    }
}
