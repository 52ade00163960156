//! Reward proposals: proposed by the subject's organisation, verified by the home-affairs
//! office (verifier), decided by the administrator. The decision is part of the store's
//! proposal (`xhht_core::record::Decision`), audited like every write.

use chrono::NaiveDate;
use xhht_core::access::{Action, Resource};
use xhht_core::record::{Decision, DecisionOutcome, RewardProposal, SubjectRef, Verification, VerificationOutcome};
use xhht_core::workflow::{Kind, Step};
use xhht_store::WriteReport;

use crate::App;
use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::records::{check_year, require};
use crate::reports::Which;
use crate::steps::proposal_state;

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

    /// Whether `subject` is on the eligibility list of `reward` for `year` (the annual list,
    /// or the phase list of a phase reviewed that year), with the reasons.
    pub async fn eligibility_of(
        &self,
        reward: &str,
        subject: &SubjectRef,
        year: i32,
    ) -> Result<Option<xhht_scoring::rewards::Eligibility>> {
        let mut whiches = vec![Which::Annual(year)];
        for (n, ph) in self.plan().phases.iter().enumerate() {
            if ph.review_year == year {
                whiches.push(Which::Phase(u8::try_from(n + 1).unwrap_or(u8::MAX)));
            }
        }
        for which in whiches {
            let list = self.rewards(which).await?;
            if let Some(e) = list.considered.into_iter().find(|e| e.reward == reward && e.subject == *subject) {
                return Ok(Some(e));
            }
        }
        Ok(None)
    }

    /// Proposes `subject` for `reward` (a reward rule of the plan) in data year `year` — the
    /// head of the subject's organisation, or an administrator — on `on`. A subject not on the
    /// eligibility list is proposed only with `exception`, the reason the verifier will see.
    /// A proposal returned by the verifier is proposed again this way; a verified or decided
    /// one is not ([`Error::Conflict`]).
    #[allow(clippy::too_many_arguments)]
    pub async fn propose(
        &self,
        who: &AuthUser,
        reward: String,
        subject: SubjectRef,
        year: i32,
        on: NaiveDate,
        exception: Option<String>,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        require(who, Action::Write, &self.proposal_resource(&subject, today).await?, false)?;
        let rules = &self.engines().plan.rulebook().rulebook;
        if !rules.rewards.iter().any(|r| r.id == reward) {
            return Err(Error::invalid("reward", "no such reward rule in the plan"));
        }
        let key = ProposalKey { reward: reward.clone(), subject: subject.clone(), year };
        let stored = self.proposal(&key).await.ok();
        let state = proposal_state(stored.as_ref());
        self.check_step(who, Kind::RewardProposal, &subject, state, Step::Propose, today).await?;
        if on > today {
            return Err(Error::invalid(
                "proposed_on",
                "ngày đề nghị không thể sau hôm nay / a proposal is not dated after today",
            ));
        }
        let exception = match exception.as_deref().map(str::trim).filter(|e| !e.is_empty()) {
            Some(e) => Some(crate::steps::reason("exception", Some(e))?),
            None => None,
        };
        if exception.is_none() {
            let e = self.eligibility_of(&reward, &subject, year).await?;
            if !e.as_ref().is_some_and(|e| e.eligible) {
                let why: Vec<String> = e.map(|e| e.reasons.into_iter().map(|r| r.vi).collect()).unwrap_or_default();
                return Err(Error::invalid(
                    "exception",
                    format!(
                        "không có trong danh sách đủ điều kiện{}; muốn đề nghị ngoại lệ, nêu lý do / not on the eligibility list: to propose an exception, give its reason",
                        if why.is_empty() { String::new() } else { format!(" ({})", why.join("; ")) }
                    ),
                ));
            }
        }
        let p = RewardProposal::new(reward, subject, year, who.principal.user.clone(), on)?.with_exception(exception);
        Ok(self.store().put_reward_proposals(&who.principal.user, &[p]).await?)
    }

    /// Verifies a proposal's dossier (the home-affairs office: verifier; or an administrator)
    /// on `on`: `Accepted` — refused for a subject not on the eligibility list unless the
    /// proposer stated an exception —, or `Refused`, which returns the dossier to the proposer
    /// with `note` as its reason. Conflict when it is not awaiting verification.
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
        let step = if outcome == VerificationOutcome::Accepted { Step::Accept } else { Step::Return };
        self.check_step(who, Kind::RewardProposal, &key.subject, proposal_state(Some(&p)), step, today).await?;
        if on > today {
            return Err(Error::invalid(
                "on",
                "ngày thẩm định không thể sau hôm nay / a verification is not dated after today",
            ));
        }
        let note = match step {
            Step::Return => Some(crate::steps::reason("note", note.as_deref())?),
            _ => note,
        };
        if step == Step::Accept && p.exception().is_none() {
            let e = self.eligibility_of(&key.reward, &key.subject, key.year).await?;
            if !e.is_some_and(|e| e.eligible) {
                return Err(Error::invalid(
                    "outcome",
                    "không có trong danh sách đủ điều kiện và đơn vị không nêu lý do ngoại lệ: trả lại hồ sơ kèm lý do / not on the eligibility list and no exception stated by the proposer: return the dossier with a reason",
                ));
            }
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
        let (outcome, step) = match decision {
            "approved" => (DecisionOutcome::Approved, Step::Award),
            "rejected" => (DecisionOutcome::Rejected, Step::Reject),
            _ => return Err(Error::invalid("decision", "approved or rejected")),
        };
        let p = self.proposal(key).await?;
        self.check_step(who, Kind::RewardProposal, &key.subject, proposal_state(Some(&p)), step, today).await?;
        let decided = p.decide(Decision { by: who.principal.user.clone(), on: today, outcome, note })?;
        Ok(self.store().put_reward_proposals(&who.principal.user, &[decided]).await?)
    }

    /// An administrator's correction of a decided proposal: back to verified and undecided,
    /// with `why` kept in the audit trail; it is then decided again.
    pub async fn correct_proposal(
        &self,
        who: &AuthUser,
        key: &ProposalKey,
        why: Option<&str>,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        require(who, Action::Decide, &self.proposal_resource(&key.subject, today).await?, false)?;
        let why = crate::steps::reason("reason", why)?;
        let p = self.proposal(key).await?;
        self.check_step(who, Kind::RewardProposal, &key.subject, proposal_state(Some(&p)), Step::Correct, today)
            .await?;
        let actor = format!("{} (điều chỉnh / correction: {why})", who.principal.user);
        Ok(self.store().put_reward_proposals(&actor, &[p.undecide()]).await?)
    }
}
