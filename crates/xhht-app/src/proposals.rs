//! Reward proposals: proposed by the subject's organisation, verified by the home-affairs
//! office (verifier), decided by the administrator. The decision is part of the store's
//! proposal (`xhht_core::record::Decision`), audited like every write.

use chrono::NaiveDate;
use xhht_core::access::{Action, Resource};
use xhht_core::record::{Decision, DecisionOutcome, RewardProposal, SubjectRef, Verification, VerificationOutcome};
use xhht_store::WriteReport;

use crate::App;
use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::records::{check_year, require};

/// Which proposal: a reward rule of the plan, who was proposed, and the data year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProposalKey {
    /// The reward rule id in the plan's rulebook.
    pub reward: String,
    /// Who was proposed.
    pub subject: SubjectRef,
    /// The data year.
    pub year: i32,
}

impl App {
    /// The resource a proposal about `subject` belongs to on `day`.
    async fn proposal_resource(&self, subject: &SubjectRef, day: NaiveDate) -> Result<Resource> {
        Ok(match self.subject_resource(subject, day).await? {
            Resource::OrganisationRecord(o) => Resource::RewardProposal(o),
            r => r,
        })
    }

    async fn proposal(&self, key: &ProposalKey) -> Result<RewardProposal> {
        check_year(key.year)?;
        self.store()
            .load_year_registers(key.year)
            .await?
            .reward_proposals
            .into_iter()
            .find(|p| p.reward() == key.reward && *p.subject() == key.subject && p.year() == key.year)
            .ok_or_else(|| Error::NotFound("no such proposal".to_owned()))
    }

    /// Proposes `subject` for `reward` (a reward rule of the plan) in data year `year` (their
    /// organisation's unit or an administrator), proposed on `on`.
    pub async fn propose(
        &self,
        who: &AuthUser,
        reward: String,
        subject: SubjectRef,
        year: i32,
        on: NaiveDate,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        require(who, Action::Write, &self.proposal_resource(&subject, today).await?, false)?;
        let rules = &self.engines().plan.rulebook().rulebook;
        if !rules.rewards.iter().any(|r| r.id == reward) {
            return Err(Error::invalid("reward", "no such reward rule in the plan"));
        }
        // Proposed once: after its verification (or decision) a proposal is not proposed again,
        // which would erase them.
        let key = ProposalKey { reward: reward.clone(), subject: subject.clone(), year };
        if let Ok(stored) = self.proposal(&key).await
            && (stored.verification().is_some() || stored.decision().is_some())
        {
            return Err(Error::Conflict(
                "đề nghị đã được thẩm định; không đề nghị lại được / the proposal is already verified (or decided): it is not proposed again".to_owned(),
            ));
        }
        let p = RewardProposal::new(reward, subject, year, who.principal.user.clone(), on)?;
        Ok(self.store().put_reward_proposals(&who.principal.user, &[p]).await?)
    }

    /// Verifies a proposal's dossier (the home-affairs office: verifier; or an administrator)
    /// on `on`. Conflict when already verified.
    pub async fn verify_proposal(
        &self,
        who: &AuthUser,
        key: &ProposalKey,
        outcome: VerificationOutcome,
        note: Option<String>,
        on: NaiveDate,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        require(who, Action::Verify, &self.proposal_resource(&key.subject, today).await?, false)?;
        let p = self.proposal(key).await?;
        if p.verification().is_some() {
            return Err(Error::Conflict("the proposal is already verified".to_owned()));
        }
        let verified = p.verify(Verification { by: who.principal.user.clone(), on, outcome, note })?;
        Ok(self.store().put_reward_proposals(&who.principal.user, &[verified]).await?)
    }

    /// Decides a verified proposal on `today` (administrators only): `approved` or
    /// `rejected`. Conflict when it is not verified as accepted, or already decided.
    pub async fn decide_proposal(
        &self,
        who: &AuthUser,
        key: &ProposalKey,
        decision: &str,
        note: Option<String>,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        require(who, Action::Decide, &self.proposal_resource(&key.subject, today).await?, false)?;
        let outcome = match decision {
            "approved" => DecisionOutcome::Approved,
            "rejected" => DecisionOutcome::Rejected,
            _ => return Err(Error::invalid("decision", "approved or rejected")),
        };
        let p = self.proposal(key).await?;
        match p.verification() {
            Some(v) if v.outcome == VerificationOutcome::Accepted => {}
            Some(_) => return Err(Error::Conflict("the dossier was refused at verification".to_owned())),
            None => return Err(Error::Conflict("the proposal is not verified yet".to_owned())),
        }
        if p.decision().is_some() {
            return Err(Error::Conflict("the proposal is already decided".to_owned()));
        }
        let decided = p.decide(Decision { by: who.principal.user.clone(), on: today, outcome, note })?;
        Ok(self.store().put_reward_proposals(&who.principal.user, &[decided]).await?)
    }
}
