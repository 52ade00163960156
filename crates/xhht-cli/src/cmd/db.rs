//! Opening the database and loading the years a command needs.

use anyhow::Context;
use xhht_report::build::Records;
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
            let data = store.load_year(y).await.with_context(|| format!("cannot load the data year {y}"))?;
            let r =
                evaluate_year(engines, data.input()).with_context(|| format!("cannot evaluate the data year {y}"))?;
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
