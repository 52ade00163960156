//! A data year in and out: [`YearData`] holds every record `xhht_scoring::year::evaluate_year`
//! needs, read with one query per table (never one per person); [`StoredResult`] is what an
//! evaluation leaves in the database, with the rulebook id, version id and content hash of the
//! rules that produced each outcome.
//!
//! What a year loads: every area, succession, organisation and person; the memberships that
//! overlap the data year or the years on either side (approvals of a year's plans can fall
//! early in the next year); the year's registrations, commitments, self-study plans,
//! assessments, report submissions, duty reports and reward proposals; and the recognitions of that year and
//! every earlier one (an earlier recognition may still hold).
//!
//! [`Store::load_year_registers`] loads only the small registers of a year (organisations,
//! areas, successions, recognitions, report submissions, reward proposals, duty reports), as
//! `load_year` does, and [`Store::people_by_ids`] the few people a report names.

use std::collections::HashSet;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use xhht_core::Title;
use xhht_core::area::{AdminArea, Succession};
use xhht_core::entity::{Membership, Organisation, Person};
use xhht_core::record::{
    Assessment, Commitment, DutyReport, Recognition, Registration, ReportSubmission, RewardProposal, SelfStudyPlan,
    SubjectRef,
};
use xhht_scoring::year::{YearEngines, YearInput, YearResults};
use xhht_scoring::{Engine, Evaluation};

use crate::db::Conn;
use crate::db::Val;
use crate::error::Result;
use crate::model::{FieldError, FieldResult, Record, Row, subject_kind, subject_ref};
use crate::schema::{self, Table};
use crate::store::Store;
use crate::write;

/// Every record of one data year, owned, in the shape the year evaluator borrows.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct YearData {
    /// The data year.
    pub year: i32,
    /// Every organisation.
    pub organisations: Vec<Organisation>,
    /// Every person.
    pub people: Vec<Person>,
    /// Memberships overlapping the year before, the year and the year after.
    pub memberships: Vec<Membership>,
    /// The year's registrations.
    pub registrations: Vec<Registration>,
    /// The year's commitments.
    pub commitments: Vec<Commitment>,
    /// The year's self-study plans.
    pub self_study_plans: Vec<SelfStudyPlan>,
    /// The year's assessments, with their values.
    pub assessments: Vec<Assessment>,
    /// Recognitions of the year and every earlier year.
    pub recognitions: Vec<Recognition>,
    /// Every area.
    pub areas: Vec<AdminArea>,
    /// Every succession.
    pub successions: Vec<Succession>,
    /// The year's report submissions.
    pub report_submissions: Vec<ReportSubmission>,
    /// The year's reward proposals.
    pub reward_proposals: Vec<RewardProposal>,
    /// What the actors reported for the year, duty by duty.
    pub duty_reports: Vec<DutyReport>,
}

impl YearData {
    /// The input of `xhht_scoring::year::evaluate_year`, borrowing from `self`.
    pub fn input(&self) -> YearInput<'_> {
        YearInput {
            year: self.year,
            organisations: &self.organisations,
            people: &self.people,
            memberships: &self.memberships,
            registrations: &self.registrations,
            commitments: &self.commitments,
            self_study_plans: &self.self_study_plans,
            assessments: &self.assessments,
            recognitions: &self.recognitions,
        }
    }
}

/// The first and last day of the membership window of `year`.
pub(crate) fn membership_window(year: i32) -> (NaiveDate, NaiveDate) {
    let from = NaiveDate::from_ymd_opt(year - 1, 1, 1).unwrap_or(NaiveDate::MIN);
    let to = NaiveDate::from_ymd_opt(year + 1, 12, 31).unwrap_or(NaiveDate::MAX);
    (from, to)
}

/// The tables of a year, biggest first (so parallel loaders end together).
#[derive(Debug, Clone, Copy)]
pub(crate) enum YearTable {
    People,
    Memberships,
    Assessments,
    Registrations,
    Commitments,
    Plans,
    Recognitions,
    Organisations,
    Areas,
    Successions,
    Reports,
    Rewards,
    DutyReports,
}

/// Runs `$each!(field)` for the [`YearData`] field of a [`YearTable`] (the record type follows
/// from the field), so the loaders of both backends share one table → field mapping.
macro_rules! by_table {
    ($table:expr, $each:ident) => {
        match $table {
            YearTable::People => $each!(people),
            YearTable::Memberships => $each!(memberships),
            YearTable::Assessments => $each!(assessments),
            YearTable::Registrations => $each!(registrations),
            YearTable::Commitments => $each!(commitments),
            YearTable::Plans => $each!(self_study_plans),
            YearTable::Recognitions => $each!(recognitions),
            YearTable::Organisations => $each!(organisations),
            YearTable::Areas => $each!(areas),
            YearTable::Successions => $each!(successions),
            YearTable::Reports => $each!(report_submissions),
            YearTable::Rewards => $each!(reward_proposals),
            YearTable::DutyReports => $each!(duty_reports),
        }
    };
}

impl YearTable {
    /// Every table of a year ([`Store::load_year`]).
    pub(crate) const ALL: [YearTable; 13] = [
        Self::People,
        Self::Memberships,
        Self::Assessments,
        Self::Registrations,
        Self::Commitments,
        Self::Plans,
        Self::Recognitions,
        Self::Organisations,
        Self::Areas,
        Self::Successions,
        Self::Reports,
        Self::Rewards,
        Self::DutyReports,
    ];

    /// The small registers of a year, without people and without the tables that grow with
    /// them ([`Store::load_year_registers`]).
    pub(crate) const REGISTERS: [YearTable; 7] = [
        Self::Recognitions,
        Self::Organisations,
        Self::Areas,
        Self::Successions,
        Self::Reports,
        Self::Rewards,
        Self::DutyReports,
    ];

    /// Where the SQLite loader takes this table: longest first, so its two threads end
    /// together (per million rows on one thread, in the store benchmark: registrations 0.93 s,
    /// self-study plans 0.87, people 0.75, commitments 0.5, memberships 0.42; assessments,
    /// with a child row per indicator, go early too).
    pub(crate) fn sqlite_rank(self) -> u8 {
        match self {
            Self::Registrations => 0,
            Self::Plans => 1,
            Self::Assessments => 2,
            Self::People => 3,
            Self::Commitments => 4,
            Self::Memberships => 5,
            Self::Recognitions => 6,
            Self::Organisations => 7,
            Self::Areas => 8,
            Self::Successions => 9,
            Self::Reports => 10,
            Self::Rewards => 11,
            Self::DutyReports => 12,
        }
    }

    /// The filter (over columns prefixed `p.`) and the arguments that select this table's part
    /// of data year `year`.
    fn filter(self, year: i32) -> (&'static str, Vec<Val>) {
        use YearFilters as F;
        match self {
            Self::People | Self::Organisations | Self::Areas | Self::Successions => (F::ALL, vec![]),
            Self::Memberships => {
                let (from, to) = membership_window(year);
                (F::MEMBERSHIPS, vec![Val::date(from), Val::date(to)])
            }
            Self::Recognitions => (F::UP_TO_YEAR, vec![Val::int(year)]),
            Self::Assessments
            | Self::Registrations
            | Self::Commitments
            | Self::Plans
            | Self::Reports
            | Self::Rewards
            | Self::DutyReports => (F::YEAR, vec![Val::int(year)]),
        }
    }

    /// Reads this table's part of the year into `data`.
    async fn load<C: crate::db::Conn>(self, c: &mut C, year: i32, data: &std::sync::Mutex<YearData>) -> Result<()> {
        let (filter, args) = self.filter(year);
        macro_rules! into {
            ($field:ident) => {{
                let v = unversioned(write::select(c, filter, args).await?);
                lock(data)?.$field = v;
            }};
        }
        by_table!(self, into);
        Ok(())
    }

    /// Reads this table's part of the year into `data` on a rusqlite connection (the SQLite
    /// loader, [`crate::lite::load_year`]).
    pub(crate) fn load_sync(
        self,
        lite: &mut crate::lite::Lite,
        year: i32,
        data: &std::sync::Mutex<YearData>,
    ) -> Result<()> {
        let (filter, args) = self.filter(year);
        macro_rules! into {
            ($field:ident) => {{
                let v = crate::lite::select_sync(lite, filter, args)?;
                lock(data)?.$field = v;
            }};
        }
        by_table!(self, into);
        Ok(())
    }
}

/// The year being filled, locked.
fn lock(data: &std::sync::Mutex<YearData>) -> Result<std::sync::MutexGuard<'_, YearData>> {
    data.lock().map_err(|_| crate::Error::Task { task: "the year loader", message: "a thread panicked".to_owned() })
}

/// The filters (over columns prefixed `p.`) and arguments of each table of a year.
pub(crate) struct YearFilters;

impl YearFilters {
    pub(crate) const ALL: &'static str = "1 = 1";
    pub(crate) const YEAR: &'static str = "p.year = $1";
    pub(crate) const UP_TO_YEAR: &'static str = "p.year <= $1";
    pub(crate) const MEMBERSHIPS: &'static str = "p.valid_from <= $2 AND (p.valid_to IS NULL OR p.valid_to >= $1)";
}

impl Store {
    /// Loads every record of data year `year` (see the module documentation for what that
    /// covers) in one read snapshot, with one query per table.
    pub async fn load_year(&self, year: i32) -> Result<YearData> {
        self.load_year_tables(year, &YearTable::ALL).await
    }

    /// Loads the small registers of data year `year`, without people: every organisation,
    /// area and succession, the recognitions of the year and every earlier one, and the
    /// year's report submissions, reward proposals and duty reports — each exactly as
    /// [`Store::load_year`] loads it, in one read snapshot. `people`, `memberships`,
    /// `registrations`, `commitments`, `self_study_plans` and `assessments` are left empty
    /// (name the people a report lists with [`Store::people_by_ids`]).
    pub async fn load_year_registers(&self, year: i32) -> Result<YearData> {
        self.load_year_tables(year, &YearTable::REGISTERS).await
    }

    /// The people with these ids, ordered by id; ids not on record are skipped (and an id
    /// given twice gives its person once). One read snapshot; the ids are asked for in chunks,
    /// so thousands of them work on both backends.
    pub async fn people_by_ids(&self, ids: &[String]) -> Result<Vec<Person>> {
        /// Ids per query: well below SQLite's and PostgreSQL's limits on bound values.
        const CHUNK: usize = 500;
        let mut wanted: Vec<&str> = ids.iter().map(String::as_str).collect();
        wanted.sort_unstable();
        wanted.dedup();
        if wanted.is_empty() {
            return Ok(Vec::new());
        }
        let mut out: Vec<Person> = crate::store::read_tx!(self, |c| {
            let mut out = Vec::with_capacity(wanted.len());
            for chunk in wanted.chunks(CHUNK) {
                let filter = format!("p.id IN ({})", crate::db::placeholders(1, chunk.len()));
                let args = chunk.iter().map(|id| Val::text(*id)).collect();
                out.extend(unversioned(write::select::<_, Person>(c, &filter, args).await?));
            }
            out
        });
        // The database's collation may order text otherwise; the order promised is Rust's.
        out.sort_by(|a, b| a.id.cmp(&b.id));
        Ok(out)
    }

    /// Loads `tables` of data year `year` in one read snapshot.
    async fn load_year_tables(&self, year: i32, tables: &'static [YearTable]) -> Result<YearData> {
        if let crate::store::Inner::Sqlite { path, .. } = &self.inner {
            let path = path.clone();
            return tokio::task::spawn_blocking(move || crate::lite::load_year(&path, year, tables))
                .await
                .map_err(|e| crate::Error::Task { task: "the year loader", message: e.to_string() })?;
        }
        let crate::store::Inner::Postgres { pool } = &self.inner else {
            return Ok(YearData { year, ..YearData::default() });
        };
        // One snapshot, exported by a first transaction and shared by two connections that
        // read the tables in parallel.
        let mut lead = pool
            .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
            .await
            .map_err(crate::Error::db("begin a read"))?;
        let lead_conn: &mut sqlx::PgConnection = &mut lead;
        let snap = lead_conn
            .fetch("SELECT pg_export_snapshot()".to_owned(), vec![], vec![crate::db::Ty::Text])
            .await?
            .first()
            .and_then(|r| r.first())
            .and_then(Val::as_str)
            .unwrap_or_default()
            .to_owned();
        let next = std::sync::atomic::AtomicUsize::new(0);
        let data = std::sync::Mutex::new(YearData { year, ..YearData::default() });
        let worker = || async {
            let mut tx = pool
                .begin_with("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")
                .await
                .map_err(crate::Error::db("begin a read"))?;
            let c: &mut sqlx::PgConnection = &mut tx;
            // The snapshot id comes from the server itself; it is quoted as a literal because
            // SET TRANSACTION does not take parameters.
            let quoted = snap.replace('\'', "''");
            c.exec(format!("SET TRANSACTION SNAPSHOT '{quoted}'"), vec![]).await?;
            loop {
                let n = next.fetch_add(1, std::sync::atomic::Ordering::SeqCst);
                let Some(table) = tables.get(n) else { break };
                table.load(c, year, &data).await?;
            }
            tx.rollback().await.map_err(crate::Error::db("end a read"))?;
            Ok::<(), crate::Error>(())
        };
        let (a, b) = tokio::join!(worker(), worker());
        a?;
        b?;
        lead.rollback().await.map_err(crate::Error::db("end a read"))?;
        data.into_inner()
            .map_err(|_| crate::Error::Task { task: "the year loader", message: "a thread panicked".to_owned() })
    }

    /// Stores the results of evaluating `data` (one [`StoredResult`] per person and per
    /// organisation, each evaluation with the rulebook id, version id and content hash of the
    /// rules used), replacing the results stored for the year before; audited under `actor`.
    /// Returns the number of subjects whose results were added or changed.
    pub async fn save_results(
        &self,
        actor: &str,
        year: i32,
        data: &YearData,
        results: &YearResults,
        engines: &YearEngines,
    ) -> Result<usize> {
        let stored = stored_results(year, data, results, engines);
        let rows: Vec<Row> = stored
            .iter()
            .map(|r| {
                r.to_row().map_err(|e| crate::Error::Invalid {
                    table: "results",
                    key: r.subject.to_string(),
                    field: e.field,
                    message: e.message,
                })
            })
            .collect::<Result<_>>()?;
        self.bulk_write(SaveResults { actor: actor.to_owned(), year, rows }).await
    }

    /// The results stored for data year `year`, ordered by subject kind (`organisation`,
    /// `person`) then id.
    pub async fn results(&self, year: i32) -> Result<Vec<StoredResult>> {
        Ok(self
            .list::<StoredResult>(YearFilters::YEAR, vec![Val::int(year)])
            .await?
            .into_iter()
            .map(|v| v.value)
            .collect())
    }
}

/// Saving a year's results: the year's stale rows deleted, the others upserted.
struct SaveResults {
    actor: String,
    year: i32,
    rows: Vec<Row>,
}

impl crate::lite::BulkWrite for SaveResults {
    type Out = usize;

    fn actor(&self) -> &str {
        &self.actor
    }

    async fn run<C: crate::db::Conn>(self, c: &mut C, audit: &mut crate::audit::Audit) -> Result<usize> {
        let key = schema::RESULTS.key;
        let keep: HashSet<Vec<Val>> = self.rows.iter().map(|r| r.vals[..key].to_vec()).collect();
        let sql = format!(
            "SELECT {} FROM results WHERE year = $1",
            schema::RESULTS.key_cols().iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
        );
        let types = schema::RESULTS.key_cols().iter().map(|c| c.ty).collect();
        let old = c.fetch(sql, vec![Val::int(self.year)], types).await?;
        let stale: Vec<Vec<Val>> = old.into_iter().filter(|k| !keep.contains(k)).collect();
        write::delete_rows(c, &schema::RESULTS, &stale, audit).await?;
        let report = write::upsert(c, &schema::RESULTS, self.rows, audit, None).await?;
        Ok(usize::try_from(report.added + report.changed).unwrap_or(usize::MAX))
    }
}

fn unversioned<T>(v: Vec<(T, i64)>) -> Vec<T> {
    v.into_iter().map(|(t, _)| t).collect()
}

/// One evaluation of a subject against one rulebook, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredEvaluation {
    /// The rulebook id, e.g. `cong-dan-hoc-tap`.
    pub rulebook: String,
    /// The id of the version that applied, e.g. `qd324-2023`.
    pub version: String,
    /// SHA-256 of the rulebook file (lower-case hex): exactly which rules were used.
    pub content_hash: String,
    /// The outcome's stable id (`dat`, `khong_dat`, `muc_1`…), or `None` when undetermined.
    pub outcome: Option<String>,
    /// Whether the outcome confers the title.
    pub confers_title: bool,
    /// The total (points shapes with every value present).
    pub total: Option<Decimal>,
    /// The level reached (levels shapes; 0 when none).
    pub level: Option<u8>,
    /// The problems found with the facts, one sentence each.
    pub diagnostics: Vec<String>,
}

/// What a year's evaluation concluded about one person or organisation.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StoredResult {
    /// The data year.
    pub year: i32,
    /// Who.
    pub subject: SubjectRef,
    /// For a person, the organisation they belonged to on 31 December.
    pub organisation: Option<String>,
    /// Whether the subject registered for its title in the year.
    pub registered: bool,
    /// Whether the subject holds its title for the year ("Công dân học tập" for a person, by
    /// assessment or decision; "Đơn vị học tập" for an organisation, by decision).
    pub holds_title: bool,
    /// The level of the title held, for titles with levels.
    pub title_level: Option<u8>,
    /// True when the held recognition covers this year for the last time.
    pub title_expires_after_year: bool,
    /// The evaluations: for a person "Công dân học tập" (when assessed) and the plan's
    /// individual criteria; for an organisation "Đơn vị học tập" (when assessed) and the plan's
    /// collective criteria.
    pub evaluations: Vec<StoredEvaluation>,
}

fn evaluation(engine: &Engine, e: &Evaluation) -> StoredEvaluation {
    let book = engine.rulebook();
    StoredEvaluation {
        rulebook: book.rulebook.id().to_owned(),
        version: engine.version(e.version).map(|v| v.id.clone()).unwrap_or_default(),
        content_hash: book.content_hash.clone(),
        outcome: e.outcome.map(|o| engine.outcome_id(e.version, o).to_owned()),
        confers_title: e.outcome.is_some_and(|o| engine.confers_title(e.version, o)),
        total: e.total_decimal(),
        level: e.level(),
        diagnostics: e.diagnostics.iter().map(ToString::to_string).collect(),
    }
}

/// The results of a year as they are stored.
pub(crate) fn stored_results(
    year: i32,
    data: &YearData,
    results: &YearResults,
    engines: &YearEngines,
) -> Vec<StoredResult> {
    let registered: HashSet<(&SubjectRef, Title)> =
        data.registrations.iter().filter(|r| r.year() == year).map(|r| (r.subject(), r.title())).collect();
    let mut out = Vec::with_capacity(results.people.len() + results.organisations.len());
    for p in &results.people {
        let mut evaluations = Vec::new();
        if let Some(e) = &p.citizen {
            evaluations.push(evaluation(&engines.citizen, e));
        }
        evaluations.push(evaluation(&engines.plan, &p.criteria));
        out.push(StoredResult {
            year,
            subject: SubjectRef::Person(p.id.clone()),
            organisation: p.organisation.clone(),
            registered: p.registered,
            holds_title: p.holds_title,
            title_level: None,
            title_expires_after_year: false,
            evaluations,
        });
    }
    for o in &results.organisations {
        let subject = SubjectRef::Organisation(o.code.clone());
        let mut evaluations = Vec::new();
        if let (Some(e), Some(engine)) = (&o.unit, o.unit_rulebook.as_ref().and_then(|id| engines.unit.get(id))) {
            evaluations.push(evaluation(engine, e));
        }
        evaluations.push(evaluation(&engines.plan, &o.criteria));
        out.push(StoredResult {
            year,
            registered: registered.contains(&(&subject, Title::DonViHocTap)),
            subject,
            organisation: None,
            holds_title: o.title_level.is_some(),
            title_level: o.title_level,
            title_expires_after_year: o.title_expires_after_year,
            evaluations,
        });
    }
    out
}

fn flag(b: bool) -> Val {
    Val::int(i64::from(b))
}

impl Record for StoredResult {
    const TABLE: &'static Table = &schema::RESULTS;

    fn to_row(&self) -> FieldResult<Row> {
        let kind = subject_kind(&self.subject);
        let mut row = Row {
            vals: vec![
                Val::int(self.year),
                Val::text(kind),
                Val::text(self.subject.id()),
                Val::opt_text(self.organisation.as_deref()),
                flag(self.registered),
                flag(self.holds_title),
                Val::Int(self.title_level.map(i64::from)),
                flag(self.title_expires_after_year),
            ],
            children: Vec::new(),
        };
        for e in &self.evaluations {
            let total = e
                .total
                .map(|t| {
                    xhht_scoring::scale::to_scaled(t)
                        .ok_or_else(|| FieldError::new("total", format!("{t} cannot be held in ten-thousandths")))
                })
                .transpose()?;
            let diagnostics =
                serde_json::to_string(&e.diagnostics).map_err(|err| FieldError::new("diagnostics", err.to_string()))?;
            row.children.push(vec![
                Val::text(&e.rulebook),
                Val::text(&e.version),
                Val::text(&e.content_hash),
                Val::opt_text(e.outcome.as_deref()),
                flag(e.confers_title),
                Val::Int(total),
                Val::Int(e.level.map(i64::from)),
                Val::text(diagnostics),
            ]);
        }
        Ok(row)
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let v = &row.vals;
        let get = |n: usize| v.get(n).cloned().unwrap_or(Val::Text(None));
        let year =
            get(0).as_int().and_then(|y| i32::try_from(y).ok()).ok_or_else(|| FieldError::new("year", "missing"))?;
        let kind = get(1).as_str().unwrap_or_default().to_owned();
        let id = get(2).as_str().unwrap_or_default().to_owned();
        let subject =
            subject_ref(&kind, id).ok_or_else(|| FieldError::new("subject_kind", format!("unknown `{kind}`")))?;
        let level = |val: Val, f: &str| {
            val.as_int()
                .map(|l| u8::try_from(l).map_err(|_| FieldError::new(f, format!("{l} is not a level"))))
                .transpose()
        };
        let mut evaluations = Vec::with_capacity(row.children.len());
        for ch in &row.children {
            let g = |n: usize| ch.get(n).cloned().unwrap_or(Val::Text(None));
            let text = |n: usize| g(n).as_str().unwrap_or_default().to_owned();
            let diagnostics: Vec<String> =
                serde_json::from_str(&text(7)).map_err(|e| FieldError::new("diagnostics", e.to_string()))?;
            evaluations.push(StoredEvaluation {
                rulebook: text(0),
                version: text(1),
                content_hash: text(2),
                outcome: g(3).as_str().map(str::to_owned),
                confers_title: g(4).as_int() == Some(1),
                total: g(5).as_int().map(xhht_scoring::scale::from_scaled),
                level: level(g(6), "level")?,
                diagnostics,
            });
        }
        Ok(StoredResult {
            year,
            subject,
            organisation: get(3).as_str().map(str::to_owned),
            registered: get(4).as_int() == Some(1),
            holds_title: get(5).as_int() == Some(1),
            title_level: level(get(6), "title_level")?,
            title_expires_after_year: get(7).as_int() == Some(1),
            evaluations,
        })
    }

    fn refs(&self) -> Vec<crate::model::Ref> {
        Vec::new()
    }
}
