//! What the records' lifecycles (`xhht_core::workflow`) need of the store besides the upserts:
//! self-assessments (table `self_assessments`, schema 8), withdrawals of registrations and
//! commitments, and the lists an inbox shows (plans in a state, a year's proposals and
//! reports).
//!
//! A self-assessment has the shape of an official [`Assessment`] but is kept apart: the rules
//! engine never reads it ([`Store::load_year`] does not load it), so a subject's own scores
//! never decide a title. A withdrawal removes the row; the audit trail keeps it (a `delete`
//! entry with the row as it was, and no `after`), as every delete.

use xhht_core::Title;
use xhht_core::record::{Assessment, PlanState, ReportSubmission, RewardProposal, SelfStudyPlan, SubjectRef};

use crate::db::Val;
use crate::error::Result;
use crate::model::{SelfAssessed, subject_kind};
use crate::schema::{self, Table};
use crate::store::{Store, Versioned, write_tx};
use crate::write::{self, WriteReport};

fn unwrap_self(v: Versioned<SelfAssessed>) -> Versioned<Assessment> {
    Versioned { value: v.value.0, row_version: v.row_version }
}

impl Store {
    /// Writes self-assessments with their indicator values (key: subject, rulebook, year),
    /// apart from the official assessments.
    ///
    /// One transaction: rows are upserted by natural key (re-running with the same items
    /// changes nothing), every subject must exist, and each added or changed row gets an audit
    /// entry naming `actor`.
    pub async fn put_self_assessments(&self, actor: &str, items: &[Assessment]) -> Result<WriteReport> {
        let items: Vec<SelfAssessed> = items.iter().cloned().map(SelfAssessed).collect();
        self.put(actor, &items).await
    }

    /// Updates one self-assessment and its values.
    ///
    /// Optimistic concurrency: `expected_version` is the `row_version` the caller read. If the
    /// stored row has another version, nothing is written and the error is
    /// [`crate::Error::Conflict`]; a missing row is [`crate::Error::NotFound`]. Returns the new
    /// version (unchanged when the values were already these).
    pub async fn update_self_assessment(&self, actor: &str, item: &Assessment, expected_version: i64) -> Result<i64> {
        self.update(actor, &SelfAssessed(item.clone()), expected_version).await
    }

    /// The self-assessment of `subject` under `rulebook` for `year`, with its version.
    pub async fn self_assessment(
        &self,
        subject: &SubjectRef,
        rulebook: &str,
        year: i32,
    ) -> Result<Option<Versioned<Assessment>>> {
        let filter = "p.subject_kind = $1 AND p.subject_id = $2 AND p.rulebook = $3 AND p.year = $4";
        let args = vec![Val::text(subject_kind(subject)), Val::text(subject.id()), Val::text(rulebook), Val::int(year)];
        Ok(self.list::<SelfAssessed>(filter, args).await?.into_iter().next().map(unwrap_self))
    }

    /// Every self-assessment of data year `year`, with its values and version, ordered by
    /// subject kind, subject, rulebook.
    pub async fn self_assessments_in_year(&self, year: i32) -> Result<Vec<Versioned<Assessment>>> {
        let all = self.list::<SelfAssessed>("p.year = $1", vec![Val::int(year)]).await?;
        Ok(all.into_iter().map(unwrap_self).collect())
    }

    /// Withdraws the registration of `subject` for `title` in `year`: the row is deleted, and
    /// the audit trail keeps it (`delete`, before as it was, no after). True when there was
    /// one to withdraw; false, and nothing written, when there was none.
    pub async fn delete_registration(
        &self,
        actor: &str,
        subject: &SubjectRef,
        title: Title,
        year: i32,
    ) -> Result<bool> {
        let key =
            vec![Val::text(subject_kind(subject)), Val::text(subject.id()), Val::text(title.id()), Val::int(year)];
        self.delete_one(actor, &schema::REGISTRATIONS, key).await
    }

    /// Withdraws `person`'s lifelong-learning commitment for `year`, as
    /// [`Store::delete_registration`] withdraws a registration. True when there was one.
    pub async fn delete_commitment(&self, actor: &str, person: &str, year: i32) -> Result<bool> {
        self.delete_one(actor, &schema::COMMITMENTS, vec![Val::text(person), Val::int(year)]).await
    }

    async fn delete_one(&self, actor: &str, table: &'static Table, key: Vec<Val>) -> Result<bool> {
        let n = write_tx!(self, actor, |c, audit| { write::delete_rows(c, table, &[key], &mut audit).await? });
        Ok(n > 0)
    }

    /// The self-study plans of data year `year` in `state` (an approver's inbox: the
    /// submitted ones), with their versions, ordered by person.
    pub async fn self_study_plans_in_state(
        &self,
        year: i32,
        state: PlanState,
    ) -> Result<Vec<Versioned<SelfStudyPlan>>> {
        self.list("p.year = $1 AND p.state = $2", vec![Val::int(year), Val::text(state.id())]).await
    }

    /// Every reward proposal of data year `year`, with its verification, decision and
    /// version, ordered by reward, subject kind and subject.
    pub async fn reward_proposals_of_year(&self, year: i32) -> Result<Vec<Versioned<RewardProposal>>> {
        self.list("p.year = $1", vec![Val::int(year)]).await
    }

    /// Every report submission of data year `year`, with its version, ordered by actor,
    /// organisation and kind.
    pub async fn report_submissions_of_year(&self, year: i32) -> Result<Vec<Versioned<ReportSubmission>>> {
        self.list("p.year = $1", vec![Val::int(year)]).await
    }
}
