//! Writing a whole dataset (the synthetic demo, a test world) into the store, evaluating every
//! year, and keeping the results and digests — what `xhht demo` does before it writes reports.

use xhht_core::area::{AdminArea, Succession};
use xhht_core::entity::{Membership, Organisation, Person};
use xhht_core::record::{
    Assessment, Commitment, DutyReport, Recognition, Registration, ReportSubmission, RewardProposal, SelfStudyPlan,
};

use crate::App;
use crate::error::Result;
use crate::years::History;

/// The records of a dataset, as the store takes them (borrowed).
#[derive(Debug, Clone, Copy)]
pub struct Records<'a> {
    /// Administrative areas.
    pub areas: &'a [AdminArea],
    /// How areas passed into others.
    pub successions: &'a [Succession],
    /// Organisations.
    pub organisations: &'a [Organisation],
    /// People.
    pub people: &'a [Person],
    /// Memberships.
    pub memberships: &'a [Membership],
    /// Registrations.
    pub registrations: &'a [Registration],
    /// Commitments.
    pub commitments: &'a [Commitment],
    /// Self-study plans.
    pub self_study_plans: &'a [SelfStudyPlan],
    /// Assessments.
    pub assessments: &'a [Assessment],
    /// Recognition decisions.
    pub recognitions: &'a [Recognition],
    /// Report submissions.
    pub report_submissions: &'a [ReportSubmission],
    /// Duty reports.
    pub duty_reports: &'a [DutyReport],
    /// Reward proposals, with their verification and decision.
    pub reward_proposals: &'a [RewardProposal],
}

impl App {
    /// Writes every record of `r` (as `actor`), parents first, each kind in one transaction.
    pub async fn put_records(&self, actor: &str, r: Records<'_>) -> Result<()> {
        let s = self.store();
        s.put_areas(actor, r.areas).await?;
        s.put_successions(actor, r.successions).await?;
        s.put_organisations(actor, r.organisations).await?;
        s.put_people(actor, r.people).await?;
        s.put_memberships(actor, r.memberships).await?;
        s.put_registrations(actor, r.registrations).await?;
        s.put_commitments(actor, r.commitments).await?;
        s.put_self_study_plans(actor, r.self_study_plans).await?;
        s.put_assessments(actor, r.assessments).await?;
        s.put_recognitions(actor, r.recognitions).await?;
        s.put_report_submissions(actor, r.report_submissions).await?;
        s.put_duty_reports(actor, r.duty_reports).await?;
        s.put_reward_proposals(actor, r.reward_proposals).await?;
        Ok(())
    }

    /// Evaluates every data year from `first` to `last`, stores the results (as `actor`) and
    /// keeps each year's digest; returns the history (for reports built from it).
    pub async fn evaluate_years(&self, actor: &str, first: i32, last: i32) -> Result<History> {
        let history = self.history(first, last).await?;
        // Nothing was written since the years were loaded: their digests hold for this version.
        let version = self.store().data_version().await?;
        for (y, r) in history.years.iter().zip(&history.results) {
            self.store().save_results(actor, y.year, y, r, self.engines()).await?;
            self.keep_digest(y, r, version).await?;
        }
        Ok(history)
    }

    /// Builds a report from a history already loaded and evaluated.
    pub fn report_from_history(
        &self,
        history: &History,
        opts: &xhht_report::build::Options,
    ) -> Result<xhht_report::model::Report> {
        let records = history.records().ok_or_else(|| crate::Error::NotFound("no data year was loaded".to_owned()))?;
        Ok(xhht_report::build::build(&records, &history.results, self.engines(), self.plan(), opts)?)
    }
}
