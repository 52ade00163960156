//! [`Store`]: opening a database (SQLite file or PostgreSQL URL), migrations, the write and read
//! transactions every operation runs in, and the record-level API (upserts, optimistic
//! updates, reads).

use std::path::{Path, PathBuf};
use std::str::FromStr;
use std::time::Duration;

use sqlx::migrate::Migrator;
use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};
use xhht_core::area::{AdminArea, Succession};
use xhht_core::entity::{Clan, Community, Household, Membership, Organisation, Person};
use xhht_core::record::{
    Assessment, Commitment, DutyReport, Recognition, Registration, ReportKind, ReportSubmission, RewardProposal,
    SelfStudyPlan, SubjectRef,
};

use crate::audit::{self, AuditCheck, AuditEntry, AuditKey, AuditReport, DeepReport};
use crate::db::{Backend, Conn, Ty, Val};
use crate::error::{Error, Result};
use crate::model::{Record, report_kind_vals};
use crate::write::{self, WriteReport};

pub(crate) static SQLITE_MIGRATOR: Migrator = sqlx::migrate!("migrations/sqlite");
pub(crate) static PG_MIGRATOR: Migrator = sqlx::migrate!("migrations/postgres");

/// How long a SQLite writer waits for another process's write to finish.
const BUSY_TIMEOUT: Duration = Duration::from_secs(30);
/// How long an operation waits for a pooled connection (a long import holds the writer).
const ACQUIRE_TIMEOUT: Duration = Duration::from_secs(600);

/// A record as stored, with the version an optimistic update must name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Versioned<T> {
    /// The record.
    pub value: T,
    /// Its `row_version`: 1 when written first, +1 at every change.
    pub row_version: i64,
}

#[derive(Debug)]
pub(crate) enum Inner {
    Sqlite { writer: SqlitePool, reader: SqlitePool, path: PathBuf },
    Postgres { pool: PgPool },
}

/// The xhht database: SQLite (a file) or PostgreSQL (a URL), the same API on both.
///
/// Every write is one transaction that also appends its audit entries; a failed write leaves
/// the database as it was. Reads that span several tables ([`Store::load_year`]) run in one
/// snapshot.
///
/// A store with an [`AuditKey`] keys the audit entries it writes ([`Store::set_audit_key`];
/// [`Store::open`] reads the key of the file `XHHT_AUDIT_KEY_FILE` names).
#[derive(Debug)]
pub struct Store {
    pub(crate) inner: Inner,
    /// The key of the audit entries this store writes, and of the keyed entries it verifies.
    pub(crate) audit_key: Option<AuditKey>,
}

/// Runs `$body` in a write transaction with `$c` the connection and `$audit` the audit chain
/// of the transaction; commits when `$body` finishes (after `Audit::finish`:
/// the entries written and, when a record changed, the data version set), rolls back when it
/// returns early with `?`.
macro_rules! write_tx {
    ($store:expr, $actor:expr, |$c:ident, $audit:ident| $body:block) => {
        match &$store.inner {
            $crate::store::Inner::Sqlite { writer, .. } => {
                let mut tx = writer
                    .begin_with("BEGIN IMMEDIATE")
                    .await
                    .map_err($crate::error::Error::db("begin a write transaction"))?;
                let out = {
                    let $c: &mut sqlx::SqliteConnection = &mut tx;
                    let mut $audit = $crate::audit::Audit::begin(&mut *$c, $actor, $store.audit_key.clone()).await?;
                    let out = $body;
                    $audit.finish(&mut *$c).await?;
                    out
                };
                tx.commit().await.map_err($crate::error::Error::db("commit"))?;
                out
            }
            $crate::store::Inner::Postgres { pool, .. } => {
                let mut tx = pool.begin().await.map_err($crate::error::Error::db("begin a write transaction"))?;
                let out = {
                    let $c: &mut sqlx::PgConnection = &mut tx;
                    let mut $audit = $crate::audit::Audit::begin(&mut *$c, $actor, $store.audit_key.clone()).await?;
                    let out = $body;
                    $audit.finish(&mut *$c).await?;
                    out
                };
                tx.commit().await.map_err($crate::error::Error::db("commit"))?;
                out
            }
        }
    };
}

/// Runs `$body` in a read-only snapshot with `$c` the connection.
macro_rules! read_tx {
    ($store:expr, |$c:ident| $body:block) => {
        match &$store.inner {
            $crate::store::Inner::Sqlite { reader, .. } => {
                let mut tx = reader.begin().await.map_err($crate::error::Error::db("begin a read"))?;
                let out = {
                    let $c: &mut sqlx::SqliteConnection = &mut tx;
                    $body
                };
                tx.rollback().await.map_err($crate::error::Error::db("end a read"))?;
                out
            }
            $crate::store::Inner::Postgres { pool, .. } => {
                let mut tx = pool
                    .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                    .await
                    .map_err($crate::error::Error::db("begin a read"))?;
                let out = {
                    let $c: &mut sqlx::PgConnection = &mut tx;
                    $body
                };
                tx.rollback().await.map_err($crate::error::Error::db("end a read"))?;
                out
            }
        }
    };
}

pub(crate) use {read_tx, write_tx};

/// What a target string names.
#[derive(Debug)]
pub(crate) enum Target {
    Sqlite(PathBuf),
    Postgres(String),
}

pub(crate) fn parse_target(target: &str) -> Result<Target> {
    let t = target.trim();
    if t.starts_with("postgres://") || t.starts_with("postgresql://") {
        return Ok(Target::Postgres(t.to_owned()));
    }
    let path = t.strip_prefix("sqlite://").or_else(|| t.strip_prefix("sqlite:")).unwrap_or(t);
    let path = path.split('?').next().unwrap_or(path);
    if path.is_empty() || path == ":memory:" || path.starts_with(":memory") {
        return Err(Error::Target {
            target: target.to_owned(),
            message: "give a database file (in-memory databases are not supported)".to_owned(),
        });
    }
    if t.contains("://") && !t.starts_with("sqlite://") {
        return Err(Error::Target {
            target: target.to_owned(),
            message: "use a file path, a sqlite: URL or a postgres:// URL".to_owned(),
        });
    }
    Ok(Target::Sqlite(PathBuf::from(path)))
}

/// The page size of a database the store creates, in bytes.
const NEW_PAGE_SIZE: u32 = 65_536;

fn sqlite_options(path: &Path) -> SqliteConnectOptions {
    SqliteConnectOptions::new()
        .filename(path)
        .create_if_missing(true)
        // For a new file only (SQLite keeps a database's page size once it is in WAL mode):
        // 64 KiB pages, SQLite's largest, store a first load of a million rows in about a
        // quarter less time than the 4 KiB default (docs/benchmarks.md).
        .page_size(NEW_PAGE_SIZE)
        .journal_mode(SqliteJournalMode::Wal)
        .foreign_keys(true)
        .busy_timeout(BUSY_TIMEOUT)
        .synchronous(SqliteSynchronous::Normal)
        .pragma("temp_store", "memory")
}

impl Store {
    /// Opens the database `target` names and brings its schema up to date:
    ///
    /// - a path, `sqlite:PATH` or `sqlite://PATH`: SQLite, the file created if missing, in WAL
    ///   mode with foreign keys on, `busy_timeout` 30 s, `synchronous=NORMAL`, one writer
    ///   connection and a small pool of readers;
    /// - `postgres://…` or `postgresql://…`: PostgreSQL 15 or newer.
    ///
    /// Every migration under `migrations/{sqlite,postgres}` not yet applied is applied; the
    /// schema version is recorded in `_sqlx_migrations` ([`Store::schema_version`]).
    ///
    /// When the environment variable `XHHT_AUDIT_KEY_FILE` names a file, its key keys the
    /// audit entries the store writes and verifies ([`AuditKey::from_env`]); a file that cannot
    /// be read, or holds too short a key, is an error.
    pub async fn open(target: &str) -> Result<Store> {
        Self::open_inner(target, None).await
    }

    /// Like [`Store::open`], but applies the migrations only up to schema version `version`
    /// (for migration tests and for tools that must not upgrade a database).
    pub async fn open_with_schema(target: &str, version: i64) -> Result<Store> {
        Self::open_inner(target, Some(version)).await
    }

    async fn open_inner(target: &str, version: Option<i64>) -> Result<Store> {
        let audit_key = AuditKey::from_env()?;
        match parse_target(target)? {
            Target::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty())
                    && !dir.is_dir()
                {
                    return Err(Error::Target {
                        target: target.to_owned(),
                        message: format!("the directory {} does not exist", dir.display()),
                    });
                }
                let writer = SqlitePoolOptions::new()
                    .max_connections(1)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(sqlite_options(&path))
                    .await
                    .map_err(Error::db(format!("open {}", path.display())))?;
                match version {
                    Some(v) => SQLITE_MIGRATOR.run_to(v, &writer).await,
                    None => SQLITE_MIGRATOR.run(&writer).await,
                }
                .map_err(Error::Migrate)?;
                let reader = SqlitePoolOptions::new()
                    .max_connections(4)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(sqlite_options(&path).create_if_missing(false))
                    .await
                    .map_err(Error::db(format!("open {}", path.display())))?;
                Ok(Store { inner: Inner::Sqlite { writer, reader, path }, audit_key })
            }
            Target::Postgres(url) => {
                let opts = PgConnectOptions::from_str(&url)
                    .map_err(|e| Error::Target { target: redact(&url), message: e.to_string() })?;
                let pool = PgPoolOptions::new()
                    .max_connections(8)
                    .acquire_timeout(ACQUIRE_TIMEOUT)
                    .connect_with(opts)
                    .await
                    .map_err(Error::db(format!("connect to {}", redact(&url))))?;
                match version {
                    Some(v) => PG_MIGRATOR.run_to(v, &pool).await,
                    None => PG_MIGRATOR.run(&pool).await,
                }
                .map_err(Error::Migrate)?;
                Ok(Store { inner: Inner::Postgres { pool }, audit_key })
            }
        }
    }

    /// Another handle on the same pools (for a task that must own its store).
    pub(crate) fn handle(&self) -> Store {
        let inner = match &self.inner {
            Inner::Sqlite { writer, reader, path } => {
                Inner::Sqlite { writer: writer.clone(), reader: reader.clone(), path: path.clone() }
            }
            Inner::Postgres { pool } => Inner::Postgres { pool: pool.clone() },
        };
        Store { inner, audit_key: self.audit_key.clone() }
    }

    /// The engine behind the store.
    pub fn backend(&self) -> Backend {
        match self.inner {
            Inner::Sqlite { .. } => Backend::Sqlite,
            Inner::Postgres { .. } => Backend::Postgres,
        }
    }

    /// The SQLite file, for a SQLite store.
    pub fn sqlite_path(&self) -> Option<&Path> {
        match &self.inner {
            Inner::Sqlite { path, .. } => Some(path),
            Inner::Postgres { .. } => None,
        }
    }

    /// The latest schema version applied (the number of the last migration).
    pub async fn schema_version(&self) -> Result<i64> {
        read_tx!(self, |c| {
            let rows = c
                .fetch("SELECT MAX(version) FROM _sqlx_migrations WHERE success".to_owned(), vec![], vec![Ty::Int])
                .await?;
            Ok(rows.first().and_then(|r| r.first()).and_then(Val::as_int).unwrap_or(0))
        })
    }

    /// The schema version the running code would migrate to.
    pub fn latest_schema_version(backend: Backend) -> i64 {
        let m = match backend {
            Backend::Sqlite => &SQLITE_MIGRATOR,
            Backend::Postgres => &PG_MIGRATOR,
        };
        m.iter().map(|m| m.version).max().unwrap_or(0)
    }

    /// Closes every connection (pending writes are already committed).
    pub async fn close(self) {
        match self.inner {
            Inner::Sqlite { writer, reader, .. } => {
                reader.close().await;
                writer.close().await;
            }
            Inner::Postgres { pool, .. } => pool.close().await,
        }
    }

    pub(crate) async fn put<T: Record>(&self, actor: &str, items: &[T]) -> Result<WriteReport> {
        Ok(write_tx!(self, actor, |c, audit| {
            let rows = write::prepare(c, items).await?;
            write::upsert(c, T::TABLE, rows, &mut audit, None).await?
        }))
    }

    pub(crate) async fn update<T: Record>(&self, actor: &str, item: &T, expected_version: i64) -> Result<i64> {
        Ok(write_tx!(self, actor, |c, audit| { write::update_versioned(c, item, expected_version, &mut audit).await? }))
    }

    pub(crate) async fn list<T: Record>(&self, filter: &str, args: Vec<Val>) -> Result<Vec<Versioned<T>>> {
        let rows = read_tx!(self, |c| { write::select::<_, T>(c, filter, args).await? });
        Ok(rows.into_iter().map(|(value, row_version)| Versioned { value, row_version }).collect())
    }

    async fn one<T: Record>(&self, filter: &str, args: Vec<Val>) -> Result<Option<Versioned<T>>> {
        Ok(self.list(filter, args).await?.into_iter().next())
    }

    /// Walks the audit chain and reports the first broken link, if any (keyed entries checked
    /// with the store's audit key, when it has one).
    pub async fn audit_verify(&self) -> Result<AuditReport> {
        self.audit_check(&AuditCheck::new()).await
    }

    /// Walks the audit chain and does what `check` asks besides: keyed entries checked with
    /// its key (else the store's), the head compared with one published before, the deep
    /// check. One read snapshot.
    pub async fn audit_check(&self, check: &AuditCheck) -> Result<AuditReport> {
        let key = check.key_given().or(self.audit_key.as_ref());
        read_tx!(self, |c| { audit::check(c, key, check).await })
    }

    /// The deep check alone: every audited table replayed from the audit trail and compared
    /// with what it holds.
    pub async fn audit_deep(&self) -> Result<DeepReport> {
        read_tx!(self, |c| { audit::deep_only(c).await })
    }

    /// Sets the key the audit entries this store writes are keyed with, and keyed entries
    /// verified with (`None`: unkeyed). Once the chain holds a keyed entry, a store without
    /// that key refuses to write.
    pub fn set_audit_key(&mut self, key: Option<AuditKey>) {
        self.audit_key = key;
    }

    /// The store's audit key, if it has one.
    pub fn audit_key(&self) -> Option<&AuditKey> {
        self.audit_key.as_ref()
    }

    /// Every audit entry about one row (`table` as in the schema, `row_key` the natural key
    /// with its parts joined by `/`), oldest first.
    pub async fn audit_history(&self, table: &str, row_key: &str) -> Result<Vec<AuditEntry>> {
        read_tx!(self, |c| { audit::history(c, table, row_key).await })
    }
}

/// A URL with its password replaced by `***`, for messages.
pub(crate) fn redact(url: &str) -> String {
    match (url.find("://"), url.rfind('@')) {
        (Some(s), Some(at)) if at > s => {
            let creds = &url[s + 3..at];
            match creds.split_once(':') {
                Some((user, _)) => format!("{}{user}:***{}", &url[..s + 3], &url[at..]),
                None => url.to_owned(),
            }
        }
        _ => url.to_owned(),
    }
}

macro_rules! puts {
    ($($(#[$doc:meta])* $name:ident: $t:ty;)*) => {
        impl Store {
            $(
                $(#[$doc])*
                ///
                /// One transaction: rows are upserted by natural key (re-running with the same
                /// items changes nothing), every reference must exist (in the database or among
                /// `items`), and each added or changed row gets an audit entry naming `actor`.
                pub async fn $name(&self, actor: &str, items: &[$t]) -> Result<WriteReport> {
                    self.put(actor, items).await
                }
            )*
        }
    };
}

puts! {
    /// Writes administrative areas (key: `code`).
    put_areas: AdminArea;
    /// Writes area successions (key: `from`, `to`).
    put_successions: Succession;
    /// Writes organisations (key: `code`).
    put_organisations: Organisation;
    /// Writes people (key: `id`).
    put_people: Person;
    /// Writes memberships (key: person, organisation, role, start date).
    put_memberships: Membership;
    /// Writes households with their members (key: `id`).
    put_households: Household;
    /// Writes clans (key: `id`).
    put_clans: Clan;
    /// Writes hamlet communities (key: `id`).
    put_communities: Community;
    /// Writes registrations (key: subject, title, year).
    put_registrations: Registration;
    /// Writes commitments (key: person, year).
    put_commitments: Commitment;
    /// Writes self-study plans with their approvals (key: person, year).
    put_self_study_plans: SelfStudyPlan;
    /// Writes assessments with their indicator values (key: subject, rulebook, year).
    put_assessments: Assessment;
    /// Writes recognition decisions (key: decision number, subject, title).
    put_recognitions: Recognition;
    /// Writes report submissions (key: actor, organisation, year, kind).
    put_report_submissions: ReportSubmission;
    /// Writes what actors reported duty by duty (key: actor, organisation, year, duty, field).
    put_duty_reports: DutyReport;
    /// Writes reward proposals with their verifications (key: reward, subject, year).
    put_reward_proposals: RewardProposal;
}

macro_rules! updates {
    ($($(#[$doc:meta])* $name:ident: $t:ty;)*) => {
        impl Store {
            $(
                $(#[$doc])*
                ///
                /// Optimistic concurrency: `expected_version` is the `row_version` the caller
                /// read. If the stored row has another version, nothing is written and the
                /// error is [`Error::Conflict`]; a missing row is [`Error::NotFound`]. Returns
                /// the new version (unchanged when the values were already these).
                pub async fn $name(&self, actor: &str, item: &$t, expected_version: i64) -> Result<i64> {
                    self.update(actor, item, expected_version).await
                }
            )*
        }
    };
}

updates! {
    /// Updates one administrative area.
    update_area: AdminArea;
    /// Updates one organisation.
    update_organisation: Organisation;
    /// Updates one person.
    update_person: Person;
    /// Updates one membership (its end date).
    update_membership: Membership;
    /// Updates one household and its members.
    update_household: Household;
    /// Updates one self-study plan (e.g. records its approval).
    update_self_study_plan: SelfStudyPlan;
    /// Updates one assessment and its values.
    update_assessment: Assessment;
    /// Updates one report submission.
    update_report_submission: ReportSubmission;
    /// Updates one reward proposal (e.g. records its verification).
    update_reward_proposal: RewardProposal;
}

impl Store {
    /// One organisation by code, with its version.
    pub async fn organisation(&self, code: &str) -> Result<Option<Versioned<Organisation>>> {
        self.one("p.code = $1", vec![Val::text(code)]).await
    }

    /// One person by id, with its version.
    pub async fn person(&self, id: &str) -> Result<Option<Versioned<Person>>> {
        self.one("p.id = $1", vec![Val::text(id)]).await
    }

    /// Every membership of one person, in any organisation and year, with its version.
    pub async fn memberships_of(&self, person: &str) -> Result<Vec<Versioned<Membership>>> {
        self.list("p.person = $1", vec![Val::text(person)]).await
    }

    /// Every membership in one organisation, of anyone, in any year, with its version.
    pub async fn memberships_in(&self, organisation: &str) -> Result<Vec<Versioned<Membership>>> {
        self.list("p.organisation = $1", vec![Val::text(organisation)]).await
    }

    /// One area by code, with its version.
    pub async fn area(&self, code: &str) -> Result<Option<Versioned<AdminArea>>> {
        self.one("p.code = $1", vec![Val::text(code)]).await
    }

    /// A person's self-study plan for a year, with its version.
    pub async fn self_study_plan(&self, person: &str, year: i32) -> Result<Option<Versioned<SelfStudyPlan>>> {
        self.one("p.person = $1 AND p.year = $2", vec![Val::text(person), Val::int(year)]).await
    }

    /// The assessment of `subject` under `rulebook` for `year`, with its version.
    pub async fn assessment(
        &self,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
    ) -> Result<Option<Versioned<Assessment>>> {
        self.one(
            "p.subject_kind = $1 AND p.subject_id = $2 AND p.rulebook = $3 AND p.year = $4",
            vec![
                Val::text(crate::model::subject_kind(subject)),
                Val::text(subject.id()),
                Val::text(rulebook),
                Val::int(year),
            ],
        )
        .await
    }

    /// A report submission by its key, with its version.
    pub async fn report_submission(
        &self,
        actor: &str,
        organisation: &str,
        year: i32,
        kind: &ReportKind,
    ) -> Result<Option<Versioned<ReportSubmission>>> {
        let (k, phase) = report_kind_vals(kind);
        self.one(
            "p.actor = $1 AND p.organisation = $2 AND p.year = $3 AND p.kind = $4 AND p.phase = $5",
            vec![Val::text(actor), Val::text(organisation), Val::int(year), Val::text(k), Val::text(phase)],
        )
        .await
    }

    /// Every area.
    pub async fn areas(&self) -> Result<Vec<Versioned<AdminArea>>> {
        self.list("1 = 1", vec![]).await
    }

    /// Every organisation.
    pub async fn organisations(&self) -> Result<Vec<Versioned<Organisation>>> {
        self.list("1 = 1", vec![]).await
    }

    /// Every household, with its members.
    pub async fn households(&self) -> Result<Vec<Versioned<Household>>> {
        self.list("1 = 1", vec![]).await
    }

    /// Every clan.
    pub async fn clans(&self) -> Result<Vec<Versioned<Clan>>> {
        self.list("1 = 1", vec![]).await
    }

    /// Every hamlet community.
    pub async fn communities(&self) -> Result<Vec<Versioned<Community>>> {
        self.list("1 = 1", vec![]).await
    }

    /// Every duty report of every year (what the actors reported, duty by duty).
    pub async fn duty_reports(&self) -> Result<Vec<Versioned<DutyReport>>> {
        self.list("1 = 1", vec![]).await
    }

    /// The number of rows in each table, by table name (for reports and checks).
    pub async fn counts(&self) -> Result<Vec<(&'static str, i64)>> {
        read_tx!(self, |c| {
            let mut out = Vec::new();
            for t in crate::schema::ALL_TABLES {
                let rows = c.fetch(format!("SELECT COUNT(*) FROM {}", t.name), vec![], vec![Ty::Int]).await?;
                out.push((t.name, rows.first().and_then(|r| r.first()).and_then(Val::as_int).unwrap_or(0)));
            }
            Ok(out)
        })
    }
}
