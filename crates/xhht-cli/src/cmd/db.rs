//! Opening the database and loading the years a command needs.

use anyhow::Context;
use xhht_core::plan::Plan;
use xhht_report::build::{DIGEST_LIMITS, Options, Records, build, build_from_digests};
use xhht_report::model::{Report, ReportKind, Scope};
use xhht_scoring::digest::YearDigest;
use xhht_scoring::year::{YearEngines, YearResults, evaluate_year};
use xhht_store::{Store, YearData};

/// A runtime for the store's async API (the CLI itself is synchronous).
pub(crate) fn runtime() -> anyhow::Result<tokio::runtime::Runtime> {
    tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the async runtime")
}

/// Opens (and migrates) the database.
pub(crate) async fn open(db: &str) -> anyhow::Result<Store> {
    Store::open(db)
        .await
        .with_context(|| format!("cannot open the database `{db}` (give another with --db or XHHT_DATABASE_URL)"))
}

/// Every data year from the plan's first up to `to_year`, loaded and evaluated.
pub(crate) struct History {
    /// The loaded years, oldest first.
    pub(crate) years: Vec<YearData>,
    /// Their results, in the same order.
    pub(crate) results: Vec<YearResults>,
    /// Every report submission of those years.
    pub(crate) submissions: Vec<xhht_core::record::ReportSubmission>,
    /// Every duty report of those years.
    pub(crate) duty_reports: Vec<xhht_core::record::DutyReport>,
    /// Every reward proposal of those years.
    pub(crate) reward_proposals: Vec<xhht_core::record::RewardProposal>,
}

impl History {
    pub(crate) async fn load(store: &Store, engines: &YearEngines, first: i32, to_year: i32) -> anyhow::Result<Self> {
        let mut years = Vec::new();
        let mut results = Vec::new();
        let mut submissions = Vec::new();
        let mut duty_reports = Vec::new();
        let mut reward_proposals = Vec::new();
        for y in first..=to_year {
            let (data, r) = load_and_evaluate(store, engines, y).await?;
            submissions.extend(data.report_submissions.iter().cloned());
            duty_reports.extend(data.duty_reports.iter().cloned());
            reward_proposals.extend(data.reward_proposals.iter().cloned());
            years.push(data);
            results.push(r);
        }
        Ok(Self { years, results, submissions, duty_reports, reward_proposals })
    }

    /// The last year's registers (organisations, people, areas, recognitions) with every
    /// year's submissions, duty reports and reward proposals, as the report builder reads them.
    pub(crate) fn records(&self) -> Option<Records<'_>> {
        let last = self.years.last()?;
        Some(Records {
            areas: &last.areas,
            successions: &last.successions,
            organisations: &last.organisations,
            people: &last.people,
            recognitions: &last.recognitions,
            submissions: &self.submissions,
            duty_reports: &self.duty_reports,
            reward_proposals: &self.reward_proposals,
        })
    }
}

/// Loads data year `year` and evaluates it.
async fn load_and_evaluate(store: &Store, engines: &YearEngines, year: i32) -> anyhow::Result<(YearData, YearResults)> {
    let data = store.load_year(year).await.with_context(|| format!("cannot load the data year {year}"))?;
    let r = evaluate_year(engines, data.input()).with_context(|| format!("cannot evaluate the data year {year}"))?;
    Ok((data, r))
}

/// Digests a year's results for reports and keeps the digest, computed from the records of data
/// version `version` (read before they were loaded). Keeping it is a cache: when the database
/// cannot be written (a user who may only read it), the digest is still returned.
pub(crate) async fn keep_digest(
    store: &Store,
    engines: &YearEngines,
    data: &YearData,
    results: &YearResults,
    version: i64,
) -> anyhow::Result<YearDigest> {
    let d = YearDigest::of_year(results, engines, &data.organisations, &data.reward_proposals, DIGEST_LIMITS)?;
    let _kept = store.save_digest(&d, engines, version).await.unwrap_or(false);
    Ok(d)
}

/// Evaluates data year `year`, stores its results and its digest for reports; returns the
/// results and how many were stored.
pub(crate) async fn evaluate_and_keep(
    store: &Store,
    engines: &YearEngines,
    who: &str,
    year: i32,
) -> anyhow::Result<(YearResults, usize)> {
    let version = store.data_version().await?;
    let (data, r) = load_and_evaluate(store, engines, year).await?;
    let saved = store.save_results(who, year, &data, &r, engines).await?;
    keep_digest(store, engines, &data, &r, version).await?;
    Ok((r, saved))
}

/// The digest of every data year from `first` to `to`: the stored one when it was computed from
/// the records as they are, with the same rules; otherwise the year is loaded, evaluated and
/// digested, and the digest kept for the next report.
pub(crate) async fn digests(
    store: &Store,
    engines: &YearEngines,
    first: i32,
    to: i32,
) -> anyhow::Result<Vec<YearDigest>> {
    let mut out = Vec::new();
    for year in first..=to {
        if let Some(d) = store.cached_digest(year, engines, DIGEST_LIMITS).await? {
            out.push(d);
            continue;
        }
        let version = store.data_version().await?;
        let (data, r) = load_and_evaluate(store, engines, year).await?;
        out.push(keep_digest(store, engines, &data, &r, version).await?);
    }
    Ok(out)
}
/// Builds a report from the database. An annual report starts from the years' digests (kept
/// by `xhht evaluate` or by the previous report, computed again when the records or the rules
/// changed), the small registers of its year, and the names of the people it lists. A phase
/// review judges each person's history over the phase, and one organisation's report lists its
/// people (digests list them for everyone, by area and by actor only): those load and evaluate
/// every year.
pub(crate) async fn stored_report(
    store: &Store,
    engines: &YearEngines,
    plan: &Plan,
    opts: &Options,
) -> anyhow::Result<Report> {
    let first = plan.meta.years[0];
    if opts.kind != ReportKind::Annual || matches!(opts.scope, Scope::Organisation { .. }) {
        let history = History::load(store, engines, first, opts.year).await?;
        let records = history.records().context("no data year was loaded")?;
        return Ok(build(&records, &history.results, engines, plan, opts)?);
    }
    let digests = digests(store, engines, first, opts.year).await?;
    let registers = store.load_year_registers(opts.year).await?;
    let records = Records {
        areas: &registers.areas,
        successions: &registers.successions,
        organisations: &registers.organisations,
        people: &[],
        recognitions: &registers.recognitions,
        submissions: &registers.report_submissions,
        duty_reports: &registers.duty_reports,
        reward_proposals: &registers.reward_proposals,
    };
    let mut report = build_from_digests(&records, &digests, engines, plan, opts)?;
    let people = store.people_by_ids(&report.unnamed_people()).await?;
    report.fill_names(&people);
    Ok(report)
}
