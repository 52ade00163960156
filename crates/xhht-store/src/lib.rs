//! `xhht-store` — persistence for xhht: SQLite embedded (one file, the default for a district
//! office with no database administrator) and PostgreSQL 15+ (a province or the national level),
//! behind one API.
//!
//! # Brief overview
//!
//! - [`Store::open`] takes a path, a `sqlite:` URL or a `postgres://` URL, applies the migrations
//!   under `migrations/{sqlite,postgres}` (embedded) and records the schema version
//!   ([`Store::schema_version`]). SQLite runs in WAL mode with foreign keys on, `busy_timeout`,
//!   `synchronous=NORMAL` and one writer connection; a database it creates has 64 KiB pages.
//! - Writes: `put_*` ([`Store::put_people`], [`Store::put_memberships`], …) upsert records of
//!   [`xhht_core`] by natural key, idempotently, one transaction each, checking references, and
//!   report rows added, changed and unchanged ([`WriteReport`]); `update_*`
//!   ([`Store::update_person`], …) is an optimistic update naming the `row_version` it read, and
//!   refuses a stale write with [`Error::Conflict`]. Reads return [`Versioned`] records.
//! - Bulk import of officials' CSV and XLSX files ([`Store::import`], [`ImportKind`],
//!   [`ImportOptions`]): the header found below any title block, Vietnamese headers, all or
//!   nothing by default with every problem as `file:line: field: message` ([`RowError`]), or the
//!   good rows with the rejected ones written to a file. [`Store::export`] writes the same shape.
//!   The columns are documented in `docs/data-formats.md` ("Imports").
//! - [`Store::load_year`] reads a data year in bulk ([`YearData`], one query per table, never one
//!   per person; [`YearData::input`] is what `xhht_scoring::year::evaluate_year` takes), and
//!   [`Store::save_results`] keeps the outcomes with the rulebook id, version id and content hash
//!   of the rules used ([`StoredResult`], read back by [`Store::results`]).
//!   [`Store::load_year_registers`] reads only a year's small registers (organisations, areas,
//!   successions, recognitions, report submissions, reward proposals, duty reports — no
//!   people), and [`Store::people_by_ids`] names the few people a report lists.
//! - Lifecycles (schema 8): a self-study plan's state, text and return reason; a proposal's
//!   stated exception; self-assessments ([`Store::put_self_assessments`],
//!   [`Store::self_assessment`]: the shape of an assessment, kept apart, never loaded for the
//!   rules engine); withdrawals ([`Store::delete_registration`], [`Store::delete_commitment`],
//!   audited as deletes); inbox lists ([`Store::self_study_plans_in_state`],
//!   [`Store::reward_proposals_of_year`], [`Store::report_submissions_of_year`]). An import
//!   never takes a record back in its lifecycle (`xhht_core::workflow::may_import`): a plan
//!   approved on record is not made submitted again by a file, and a recognition on record is
//!   not changed by one.
//! - Evidence files (schema 9): [`Store::add_evidence`] attaches a file to an assessment
//!   ([`EvidenceFile`]: subject, rulebook, year, name, media type, size, SHA-256, who, when —
//!   an audited record) and keeps its bytes apart under their SHA-256 (`evidence_blobs`, not
//!   audited, so the trail holds the hash); [`Store::evidence_of`] lists an assessment's files,
//!   [`Store::evidence_bytes`] reads one back checked against its hash,
//!   [`Store::remove_evidence`] removes one (audited). The deep check hashes every stored file
//!   again; backups carry the bytes. [`office_document`] tells a DOCX from an XLSX package.
//! - The audit trail: every change appends hash-chained entries (who, when, what, before and
//!   after) in the transaction that makes it, keyed (HMAC-SHA256) when the store has an
//!   [`AuditKey`] ([`Store::set_audit_key`]; `XHHT_AUDIT_KEY_FILE` at [`Store::open`]);
//!   [`Store::audit_verify`] walks the chain and reports the first broken link and the head
//!   ([`AuditReport`]); [`Store::audit_check`] also compares the head with one published before
//!   and replays the trail into the tables and compares them ([`AuditCheck`],
//!   [`DeepReport`]); [`Store::audit_history`] lists a row's entries. See `docs/audit.md`.
//! - The data version ([`Store::data_version`]): the last audit entry of the last write that
//!   changed a record (saving results does not count). A cache of derived per-year summaries
//!   rests on it: [`Store::put_year_digest`] keeps a digest (opaque text) with the version it
//!   was computed from, and [`Store::year_digest`] serves it only while that version is
//!   current. The cache is not records: not audited, not in a dump, and a restored database
//!   starts without digests.
//! - [`Store::backup`] (SQLite `VACUUM INTO`; PostgreSQL a dump directory of JSON lines) and
//!   [`Store::restore`] (either kind of backup into a new database of either backend).
//!
//! Decimals are stored as integers of ten-thousandths and dates as dates; no float is ever
//! written. Bulk writes and reads on SQLite (imports, a year's results, a year's load) run on a
//! rusqlite connection in a blocking thread — the same SQL and the same generic code as every
//! other write — and on PostgreSQL new rows go in with `COPY` (a big first load in one `COPY`
//! fed while the file is still being read and checked). A big import, a first load or a
//! re-import, is checked and written a block of rows at a time in its one transaction, so its
//! memory does not grow with the file.
//!
//! # What this crate is not
//!
//! It holds no rule: what a record means for a title is decided by `xhht-scoring` from the
//! rulebooks. It is not a query language for reports (`xhht-report` works on loaded values), it
//! does not read the clock (the audit trail takes its time from the database), and it does not
//! expose driver types: callers see domain values and [`Error`].

mod audit;
mod backup;
mod citizen;
mod db;
mod digest;
mod error;
mod evidence;
mod import;
mod legacy;
mod lite;
mod membership;
mod model;
mod row_json;
mod schema;
pub mod sheet;
mod store;
mod users;
mod workflow;
mod write;
mod year;

pub use audit::{
    AUDIT_KEY_ENV, AuditCheck, AuditEntry, AuditHead, AuditKey, AuditReport, BrokenLink, DeepReport, Difference,
    DifferenceKind, ExpectedHead, GENESIS, HeadCheck, TableCheck,
};
pub use db::Backend;
pub use error::{Error, Result, RowError};
pub use evidence::{EvidenceFile, EvidenceWrite, OfficeDocument, office_document};
pub use import::{ExportFormat, ImportKind, ImportOptions, ImportProgress, ImportReport, Progress};
pub use legacy::CarriedOver;
pub use store::{Store, Versioned};
pub use users::{TokenRecord, UserRecord};
pub use write::WriteReport;
pub use year::{StoredEvaluation, StoredResult, YearData};
