//! `xhht-store` — persistence for xhht: SQLite embedded (one file, the default for a district
//! office) and PostgreSQL 15+ (a province or the national level), behind one API.
//!
//! # Brief overview
//!
//! - [`Store`]: [`Store::open`] takes a path, a `sqlite:` URL or a `postgres://` URL and applies
//!   the migrations under `migrations/` (the schema version is recorded).
//! - Writes: `put_*` upserts records of [`xhht_core`] by natural key, idempotently, one
//!   transaction each, and reports rows added, changed and unchanged ([`WriteReport`]);
//!   `update_*` does an optimistic update that refuses a stale write ([`Error::Conflict`]).
//! - Bulk import from officials' CSV and XLSX files ([`Store::import`], [`ImportKind`]): all or
//!   nothing by default, every problem listed as `file:line: field: message`.
//! - [`Store::load_year`] reads a data year in bulk ([`YearData`]) for
//!   `xhht_scoring::year::evaluate_year`; [`Store::save_results`] keeps the outcomes with the
//!   rulebook id, version and content hash ([`StoredResult`]).
//! - The audit trail: every change appends a hash-chained entry (who, when, what, before and
//!   after); [`Store::audit_verify`] walks the chain ([`AuditReport`]).
//! - [`Store::backup`] and [`Store::restore`].
//!
//! Decimals are stored as integers of ten-thousandths and dates as dates; no float is ever
//! written.
//!
//! # What this crate is not
//!
//! It holds no rule: what a record means for a title is decided by `xhht-scoring` from the
//! rulebooks. It is not a query language for reports (`xhht-report` works on the loaded values),
//! and it does not expose driver types: callers see domain values and [`Error`].

mod audit;
mod backup;
mod db;
mod error;
mod import;
mod lite;
mod model;
mod schema;
mod store;
mod write;
mod year;

pub use audit::{AuditEntry, AuditReport, BrokenLink, GENESIS};
pub use db::Backend;
pub use error::{Error, Result, RowError};
pub use import::{ExportFormat, ImportKind, ImportOptions, ImportProgress, ImportReport, Progress};
pub use store::{Store, Versioned};
pub use write::WriteReport;
pub use year::{StoredEvaluation, StoredResult, YearData};
