//! Data years: loaded, evaluated, their results stored and their digests kept for reports.
//!
//! **The cache policy** (one, for both front-ends): a year's digest
//! (`xhht_scoring::digest::YearDigest`, what a report needs from the year's results) is kept in
//! the store by [`App::evaluate`], by [`App::digests`] and therefore by every report; it is
//! served while the data version it was computed from and the rules it was computed with are
//! those of now (`Store::cached_digest`), and computed again otherwise. Keeping it is a cache:
//! when the database cannot be written (a user who may only read it), the digest is still
//! returned. A front-end may keep what these calls return in memory on top (the server does):
//! it passes its layer as a [`YearSource`] to the calls that load years
//! ([`App::report_with`], [`App::history_from`], [`App::digests_from`]), so the policy stays
//! here and only where the loaded years are kept differs.

use std::sync::Arc;

use xhht_core::record::{DutyReport, ReportSubmission, RewardProposal};
use xhht_report::build::{DIGEST_LIMITS, Records};
use xhht_scoring::digest::YearDigest;
use xhht_scoring::year::{YearResults, evaluate_year};
use xhht_store::YearData;

use crate::App;
use crate::error::{Error, Result};

/// Every data year from a first one up to a last one, loaded and evaluated.
#[derive(Debug)]
pub struct History {
    /// The loaded years, oldest first.
    pub years: Vec<Arc<YearData>>,
    /// Their results, in the same order.
    pub results: Vec<YearResults>,
    /// Every report submission of those years.
    pub submissions: Vec<ReportSubmission>,
    /// Every duty report of those years.
    pub duty_reports: Vec<DutyReport>,
    /// Every reward proposal of those years.
    pub reward_proposals: Vec<RewardProposal>,
}

impl History {
    /// The last year's registers (organisations, people, areas, recognitions) with every
    /// year's submissions, duty reports and reward proposals, as the report builder reads them.
    pub fn records(&self) -> Option<Records<'_>> {
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

/// What [`App::evaluate`] did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Evaluated {
    /// The data year.
    pub year: i32,
    /// People evaluated.
    pub people: usize,
    /// Organisations evaluated.
    pub organisations: usize,
    /// Results added or changed in the database.
    pub stored: usize,
}

/// Where data years come from, loaded and evaluated: the store ([`App`] itself, every call
/// loads and evaluates), or a front-end's in-memory layer on top of [`App::load_and_evaluate`]
/// (the server keeps years per data version).
pub trait YearSource: Sync {
    /// Data year `year`'s records and their evaluation.
    fn year(&self, year: i32) -> impl Future<Output = Result<(Arc<YearData>, Arc<YearResults>)>> + Send;
}

impl YearSource for App {
    async fn year(&self, year: i32) -> Result<(Arc<YearData>, Arc<YearResults>)> {
        let data = Arc::new(self.store().load_year(year).await?);
        let results = self.evaluate_loaded(year, data.clone()).await?;
        Ok((data, Arc::new(results)))
    }
}

impl App {
    /// Evaluates the records of data year `year` (as loaded: `data`), on a blocking thread.
    pub async fn evaluate_loaded(&self, year: i32, data: std::sync::Arc<YearData>) -> Result<YearResults> {
        let app = self.clone();
        tokio::task::spawn_blocking(move || evaluate_year(app.engines(), data.input()))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
            .map_err(|source| Error::Evaluation { year, source })
    }

    /// The comparable figure across a change of the rules that decide "Đơn vị học tập": the
    /// units of `year - 1` judged under the rules of `year` (`xhht progress --comparable`);
    /// `None` when the same rules decide both years.
    pub async fn comparable(&self, year: i32) -> Result<Option<xhht_scoring::rescore::Rescore>> {
        let id = |y: i32| self.engines().unit_for(y).map(|e| e.rulebook().rulebook.id().to_owned());
        if id(year).is_none() || id(year) == id(year - 1) {
            return Ok(None);
        }
        let data = std::sync::Arc::new(self.store().load_year(year - 1).await?);
        let app = self.clone();
        tokio::task::spawn_blocking(move || xhht_scoring::rescore::rescore_units(app.engines(), data.input(), year))
            .await
            .map_err(|e| Error::Task(e.to_string()))?
            .map_err(|source| Error::Evaluation { year: year - 1, source })
    }

    /// Loads data year `year` and evaluates it.
    pub async fn load_and_evaluate(&self, year: i32) -> Result<(YearData, YearResults)> {
        let data = std::sync::Arc::new(self.store().load_year(year).await?);
        let results = self.evaluate_loaded(year, data.clone()).await?;
        let data = std::sync::Arc::try_unwrap(data).unwrap_or_else(|shared| (*shared).clone());
        Ok((data, results))
    }

    /// Every data year from `first` to `last`, loaded and evaluated.
    pub async fn history(&self, first: i32, last: i32) -> Result<History> {
        self.history_from(self, first, last).await
    }

    /// Every data year from `first` to `last`, from `source`.
    pub async fn history_from<S: YearSource>(&self, source: &S, first: i32, last: i32) -> Result<History> {
        let mut h = History {
            years: Vec::new(),
            results: Vec::new(),
            submissions: Vec::new(),
            duty_reports: Vec::new(),
            reward_proposals: Vec::new(),
        };
        for y in first..=last {
            let (data, r) = source.year(y).await?;
            h.submissions.extend(data.report_submissions.iter().cloned());
            h.duty_reports.extend(data.duty_reports.iter().cloned());
            h.reward_proposals.extend(data.reward_proposals.iter().cloned());
            h.years.push(data);
            h.results.push(Arc::try_unwrap(r).unwrap_or_else(|shared| (*shared).clone()));
        }
        Ok(h)
    }

    /// Digests a year's results for reports and keeps the digest, computed from the records of
    /// data version `version` (read before they were loaded).
    pub async fn keep_digest(&self, data: &YearData, results: &YearResults, version: i64) -> Result<YearDigest> {
        let d =
            YearDigest::of_year(results, self.engines(), &data.organisations, &data.reward_proposals, DIGEST_LIMITS)?;
        let _kept = self.store().save_digest(&d, self.engines(), version).await.unwrap_or(false);
        Ok(d)
    }

    /// Evaluates data year `year` from the records, stores its results (as `actor`) and keeps
    /// its digest for reports; returns the results and what was done.
    pub async fn evaluate(&self, actor: &str, year: i32) -> Result<(YearResults, Evaluated)> {
        let version = self.store().data_version().await?;
        let (data, r) = self.load_and_evaluate(year).await?;
        let stored = self.store().save_results(actor, year, &data, &r, self.engines()).await?;
        self.keep_digest(&data, &r, version).await?;
        let done = Evaluated { year, people: r.people.len(), organisations: r.organisations.len(), stored };
        Ok((r, done))
    }

    /// The digest of every data year from `first` to `last`: the stored one when it was
    /// computed from the records as they are, with the same rules; otherwise the year is
    /// loaded, evaluated and digested, and the digest kept for the next report.
    pub async fn digests(&self, first: i32, last: i32) -> Result<Vec<YearDigest>> {
        self.digests_from(self, first, last).await
    }

    /// [`App::digests`], a year whose digest must be computed again taken from `source`.
    pub async fn digests_from<S: YearSource>(&self, source: &S, first: i32, last: i32) -> Result<Vec<YearDigest>> {
        let mut out = Vec::new();
        for year in first..=last {
            if let Some(d) = self.store().cached_digest(year, self.engines(), DIGEST_LIMITS).await? {
                out.push(d);
                continue;
            }
            let version = self.store().data_version().await?;
            let (data, r) = source.year(year).await?;
            out.push(self.keep_digest(&data, &r, version).await?);
        }
        Ok(out)
    }
}
