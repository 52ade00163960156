//! A person's yearly self-study plan and its approval.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use super::check_year;
use crate::error::{Error, Result};

/// The approval of a self-study plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Approval {
    /// Who approved it (a person id). Whether that person was the head of the right
    /// organisation on that day is for the rules engine to judge, from the memberships.
    pub by: String,
    /// When.
    #[serde(deserialize_with = "crate::date::de_date")]
    pub on: NaiveDate,
}

/// Where a self-study plan stands (see `crate::workflow`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PlanState {
    /// Written, not yet sent to the head.
    Draft,
    /// Sent to the head of the person's organisation (or sent again after a return).
    Submitted,
    /// Sent back by the head with a reason, to be fixed and sent again.
    Returned,
    /// Approved by the head.
    Approved,
}

impl PlanState {
    /// The id used in files and the API.
    pub fn id(self) -> &'static str {
        match self {
            Self::Draft => "draft",
            Self::Submitted => "submitted",
            Self::Returned => "returned",
            Self::Approved => "approved",
        }
    }

    /// Parses an id.
    pub fn parse(s: &str) -> Option<Self> {
        [Self::Draft, Self::Submitted, Self::Returned, Self::Approved].into_iter().find(|p| p.id() == s)
    }
}

/// The most characters a self-study plan's text or a reason may have.
pub const MAX_PLAN_TEXT: usize = 20_000;

/// A person's yearly self-study plan (kế hoạch tự học, tự bồi dưỡng): its state, its text, the
/// reason it was last returned, and its approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawSelfStudyPlan", into = "RawSelfStudyPlan")]
pub struct SelfStudyPlan {
    person: String,
    year: i32,
    submitted: NaiveDate,
    state: PlanState,
    content: Option<String>,
    note: Option<String>,
    approval: Option<Approval>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawSelfStudyPlan {
    person: String,
    year: i32,
    #[serde(deserialize_with = "crate::date::de_date")]
    submitted: NaiveDate,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    state: Option<PlanState>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    content: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    approval: Option<Approval>,
}

impl SelfStudyPlan {
    /// A plan submitted on `submitted`, not yet approved.
    pub fn submitted(person: impl Into<String>, year: i32, submitted: NaiveDate) -> Result<Self> {
        let person = person.into();
        check_year(|| format!("self-study plan of {person} for {year}"), year)?;
        Ok(Self { person, year, submitted, state: PlanState::Submitted, content: None, note: None, approval: None })
    }

    /// A plan written on `on` and kept as a draft (not yet sent to the head).
    pub fn draft(person: impl Into<String>, year: i32, on: NaiveDate) -> Result<Self> {
        let mut p = Self::submitted(person, year, on)?;
        p.state = PlanState::Draft;
        Ok(p)
    }

    /// The same plan with its text (at most [`MAX_PLAN_TEXT`] characters).
    pub fn with_content(mut self, content: Option<String>) -> Result<Self> {
        if let Some(c) = &content
            && c.chars().count() > MAX_PLAN_TEXT
        {
            return Err(Error::invalid(
                format!("self-study plan of {} for {}", self.person, self.year),
                "content",
                format!("longer than {MAX_PLAN_TEXT} characters"),
            ));
        }
        self.content = content.filter(|c| !c.trim().is_empty());
        Ok(self)
    }

    /// Sends the plan (a draft, a returned plan, or a submitted one changed before approval)
    /// to the head on `on`; the reason of an earlier return is kept until the head decides.
    pub fn submit(mut self, on: NaiveDate) -> Result<Self> {
        if self.state == PlanState::Approved {
            return Err(Error::invalid(
                format!("self-study plan of {} for {}", self.person, self.year),
                "state",
                "the plan is already approved",
            ));
        }
        self.state = PlanState::Submitted;
        self.submitted = on;
        Ok(self)
    }

    /// Takes the plan (a draft, or a returned one being fixed) back to a draft saved on `on`;
    /// the reason of an earlier return is kept. Refused once submitted or approved.
    pub fn redraft(mut self, on: NaiveDate) -> Result<Self> {
        if matches!(self.state, PlanState::Submitted | PlanState::Approved) {
            return Err(Error::invalid(
                format!("self-study plan of {} for {}", self.person, self.year),
                "state",
                "a plan sent to the head (or approved) is not a draft again",
            ));
        }
        self.state = PlanState::Draft;
        self.submitted = on;
        Ok(self)
    }

    /// Sends a submitted plan back to the person with `reason` (not empty).
    pub fn return_with(mut self, reason: impl Into<String>) -> Result<Self> {
        let entity = || format!("self-study plan of {} for {}", self.person, self.year);
        let reason = reason.into();
        if reason.trim().is_empty() || reason.chars().count() > MAX_PLAN_TEXT {
            return Err(Error::invalid(entity(), "note", "a return needs a reason (at most 20,000 characters)"));
        }
        if self.state != PlanState::Submitted {
            return Err(Error::invalid(entity(), "state", "only a submitted plan is returned"));
        }
        self.state = PlanState::Returned;
        self.note = Some(reason);
        Ok(self)
    }

    /// Takes an approved plan back to submitted (an administrator's correction).
    pub fn reopen(mut self) -> Self {
        self.approval = None;
        self.state = PlanState::Submitted;
        self
    }

    /// Records the approval; refused when it is dated before the submission, when the plan
    /// is already approved, or when it is not submitted.
    pub fn approve(mut self, by: impl Into<String>, on: NaiveDate) -> Result<Self> {
        let entity = || format!("self-study plan of {} for {}", self.person, self.year);
        if self.approval.is_some() || self.state == PlanState::Approved {
            return Err(Error::invalid(entity(), "approval", "the plan is already approved"));
        }
        if self.state != PlanState::Submitted {
            return Err(Error::invalid(entity(), "approval", "only a submitted plan is approved"));
        }
        if on < self.submitted {
            return Err(Error::invalid(
                entity(),
                "approval",
                format!("approved on {on}, before it was submitted on {}", self.submitted),
            ));
        }
        self.approval = Some(Approval { by: by.into(), on });
        self.state = PlanState::Approved;
        Ok(self)
    }

    /// Whose plan.
    pub fn person(&self) -> &str {
        &self.person
    }

    /// For which data year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// When it was submitted (for a draft: when it was last saved).
    pub fn submitted_on(&self) -> NaiveDate {
        self.submitted
    }

    /// Where it stands.
    pub fn state(&self) -> PlanState {
        self.state
    }

    /// Its text, if written in the system.
    pub fn content(&self) -> Option<&str> {
        self.content.as_deref()
    }

    /// The reason it was last returned.
    pub fn note(&self) -> Option<&str> {
        self.note.as_deref()
    }

    /// The approval, if any.
    pub fn approval(&self) -> Option<&Approval> {
        self.approval.as_ref()
    }
}

impl TryFrom<RawSelfStudyPlan> for SelfStudyPlan {
    type Error = Error;
    fn try_from(r: RawSelfStudyPlan) -> Result<Self> {
        let mut plan = Self::submitted(r.person, r.year, r.submitted)?.with_content(r.content)?;
        // A plan with an approval is approved, whatever state it names.
        if let Some(a) = r.approval {
            return plan.approve(a.by, a.on);
        }
        match r.state.unwrap_or(PlanState::Submitted) {
            PlanState::Approved => {
                return Err(Error::invalid(
                    format!("self-study plan of {} for {}", plan.person, plan.year),
                    "approval",
                    "an approved plan says who approved it and when",
                ));
            }
            PlanState::Returned => {
                plan = plan.return_with(r.note.unwrap_or_default())?;
            }
            s => {
                plan.state = s;
                plan.note = r.note;
            }
        }
        Ok(plan)
    }
}

impl From<SelfStudyPlan> for RawSelfStudyPlan {
    fn from(p: SelfStudyPlan) -> Self {
        Self {
            person: p.person,
            year: p.year,
            submitted: p.submitted,
            state: Some(p.state),
            content: p.content,
            note: p.note,
            approval: p.approval,
        }
    }
}
