//! Reward proposals (đề xuất khen thưởng): proposed, verified by the home-affairs office
//! (thẩm định), decided by the competent level. A verification is not before the proposal, a
//! decision only on an accepted dossier, once, and not before its verification.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::{SubjectRef, check_year};
use crate::error::{Error, Result};

/// The outcome of a verification.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VerificationOutcome {
    /// The dossier is complete and the proposal may go forward.
    Accepted,
    /// The dossier is refused.
    Refused,
}

/// The verification (thẩm định) of a reward dossier, by the home-affairs office.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Verification {
    /// Who verified.
    pub by: String,
    /// When.
    #[serde(deserialize_with = "crate::date::de_date")]
    pub on: NaiveDate,
    /// The outcome.
    pub outcome: VerificationOutcome,
    /// Reasons, especially for a refusal.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// The outcome of the decision on a verified proposal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DecisionOutcome {
    /// The reward is given (quyết định khen thưởng).
    Approved,
    /// The reward is not given.
    Rejected,
}

/// The decision on a verified reward proposal, by the competent level the dossier is submitted to
/// (plan §IV.2 and `actor.phong-noivu`: the Giấy khen of the district chairman; from 1 July 2025,
/// of the commune chairman, NĐ 152/2025).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Who decided.
    pub by: String,
    /// When.
    #[serde(deserialize_with = "crate::date::de_date")]
    pub on: NaiveDate,
    /// The outcome.
    pub outcome: DecisionOutcome,
    /// The decision's number or reasons.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A proposal for a reward (đề xuất khen thưởng) and its verification.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRewardProposal", into = "RawRewardProposal")]
pub struct RewardProposal {
    reward: String,
    subject: SubjectRef,
    year: i32,
    proposed_by: String,
    proposed_on: NaiveDate,
    exception: Option<String>,
    verification: Option<Verification>,
    decision: Option<Decision>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRewardProposal {
    reward: String,
    subject: SubjectRef,
    year: i32,
    proposed_by: String,
    #[serde(deserialize_with = "crate::date::de_date")]
    proposed_on: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    exception: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    verification: Option<Verification>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    decision: Option<Decision>,
}

impl RewardProposal {
    /// A proposal of `subject` for reward rule `reward` for data year `year`.
    pub fn new(
        reward: impl Into<String>,
        subject: SubjectRef,
        year: i32,
        proposed_by: impl Into<String>,
        proposed_on: NaiveDate,
    ) -> Result<Self> {
        let reward = reward.into();
        check_year(|| format!("proposal of {subject} for {reward}"), year)?;
        Ok(Self {
            reward,
            subject,
            year,
            proposed_by: proposed_by.into(),
            proposed_on,
            exception: None,
            verification: None,
            decision: None,
        })
    }

    /// The same proposal with the proposer's reason for proposing someone the rules do not
    /// find eligible (an exception the verifier sees); empty text is no reason.
    pub fn with_exception(mut self, reason: Option<String>) -> Self {
        self.exception = reason.filter(|r| !r.trim().is_empty());
        self
    }

    /// The proposer's reason for an exception to the eligibility list, if any.
    pub fn exception(&self) -> Option<&str> {
        self.exception.as_deref()
    }

    /// Records the verification; refused when dated before the proposal or already verified.
    pub fn verify(mut self, v: Verification) -> Result<Self> {
        let entity = || format!("proposal of {} for {}", self.subject, self.reward);
        if self.verification.is_some() {
            return Err(Error::invalid(entity(), "verification", "the proposal is already verified"));
        }
        if v.on < self.proposed_on {
            return Err(Error::invalid(
                entity(),
                "verification",
                format!("verified on {}, before it was proposed on {}", v.on, self.proposed_on),
            ));
        }
        self.verification = Some(v);
        Ok(self)
    }

    /// Records the decision; refused unless the dossier was verified and accepted, when already
    /// decided, or when dated before the verification.
    pub fn decide(mut self, d: Decision) -> Result<Self> {
        let entity = || format!("proposal of {} for {}", self.subject, self.reward);
        if self.decision.is_some() {
            return Err(Error::invalid(entity(), "decision", "the proposal is already decided"));
        }
        let Some(v) = &self.verification else {
            return Err(Error::invalid(entity(), "decision", "the proposal is not verified yet"));
        };
        if v.outcome != VerificationOutcome::Accepted {
            return Err(Error::invalid(entity(), "decision", "the dossier was refused at verification"));
        }
        if d.on < v.on {
            return Err(Error::invalid(
                entity(),
                "decision",
                format!("decided on {}, before it was verified on {}", d.on, v.on),
            ));
        }
        self.decision = Some(d);
        Ok(self)
    }

    /// Takes a decided proposal back to verified and undecided (an administrator's
    /// correction, kept with its reason in the audit trail).
    pub fn undecide(mut self) -> Self {
        self.decision = None;
        self
    }

    /// The reward rule id.
    pub fn reward(&self) -> &str {
        &self.reward
    }

    /// Who is proposed.
    pub fn subject(&self) -> &SubjectRef {
        &self.subject
    }

    /// The data year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Who proposed.
    pub fn proposed_by(&self) -> &str {
        &self.proposed_by
    }

    /// When.
    pub fn proposed_on(&self) -> NaiveDate {
        self.proposed_on
    }

    /// The verification, if done.
    pub fn verification(&self) -> Option<&Verification> {
        self.verification.as_ref()
    }

    /// The decision, if taken.
    pub fn decision(&self) -> Option<&Decision> {
        self.decision.as_ref()
    }
}

impl TryFrom<RawRewardProposal> for RewardProposal {
    type Error = Error;
    fn try_from(r: RawRewardProposal) -> Result<Self> {
        let p = Self::new(r.reward, r.subject, r.year, r.proposed_by, r.proposed_on)?.with_exception(r.exception);
        let p = match r.verification {
            Some(v) => p.verify(v)?,
            None => p,
        };
        match r.decision {
            Some(d) => p.decide(d),
            None => Ok(p),
        }
    }
}

impl From<RewardProposal> for RawRewardProposal {
    fn from(p: RewardProposal) -> Self {
        Self {
            reward: p.reward,
            subject: p.subject,
            year: p.year,
            proposed_by: p.proposed_by,
            proposed_on: p.proposed_on,
            exception: p.exception,
            verification: p.verification,
            decision: p.decision,
        }
    }
}
