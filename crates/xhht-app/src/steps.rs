//! The steps of the records' lifecycles (`xhht_core::workflow`), as every writer takes them: the
//! dashboard, the API, the command line. Each step is asked of `decide` (may the caller touch
//! this subject's records at all?) and then of the lifecycle table (may this party take this
//! step from the record's stored state?), with the conditions the table names checked on the
//! records; only then is the record written, in one audited transaction.
//!
//! Registrations, commitments, self-study plans and self-assessments are the person's own: a
//! `member` account writes its own person's, a unit writes its people's. The head of a unit is
//! known from the memberships on the day (the unit account's linked person).

use chrono::NaiveDate;
use xhht_core::Title;
use xhht_core::access::{Action, Resource, Role};
use xhht_core::record::{Assessment, PlanState, RewardProposal, SelfStudyPlan, SubjectRef, VerificationOutcome};
use xhht_core::workflow::{self, Kind, Party, State, Step};
use xhht_store::WriteReport;

use crate::App;
use crate::auth::AuthUser;
use crate::error::{Error, Result};
use crate::records::{check_year, head_of, require};

/// The lifecycle state of a stored self-study plan.
pub fn plan_state(p: Option<&SelfStudyPlan>) -> State {
    match p.map(SelfStudyPlan::state) {
        None => State::Absent,
        Some(PlanState::Draft) => State::Draft,
        Some(PlanState::Returned) => State::Returned,
        Some(PlanState::Approved) => State::Approved,
        Some(_) => State::Submitted,
    }
}

/// The lifecycle state of a stored reward proposal.
pub fn proposal_state(p: Option<&RewardProposal>) -> State {
    let Some(p) = p else { return State::Absent };
    match (p.verification().map(|v| v.outcome), p.decision().map(|d| d.outcome)) {
        (_, Some(xhht_core::record::DecisionOutcome::Approved)) => State::Awarded,
        (_, Some(_)) => State::Rejected,
        (Some(VerificationOutcome::Accepted), None) => State::Accepted,
        (Some(_), None) => State::Returned,
        (None, None) => State::Proposed,
    }
}

/// Whether a subject is a collective (an organisation, a household…) rather than a person.
pub fn is_collective(s: &SubjectRef) -> bool {
    !matches!(s, SubjectRef::Person(_))
}

/// A reason as a step needs it: trimmed, not empty, at most 2,000 characters.
pub fn reason(field: &str, r: Option<&str>) -> Result<String> {
    let r = r
        .map(str::trim)
        .filter(|r| !r.is_empty())
        .ok_or_else(|| Error::invalid(field, "cần nêu lý do / a reason is needed"))?;
    xhht_core::bounds::check_len(r, 2_000).map_err(|e| Error::invalid(field, e.to_string()))?;
    Ok(xhht_core::bounds::clean_multiline(r).into_owned())
}

/// The audit trail's actor for a step taken with a reason.
fn actor_with(who: &AuthUser, what: &str, why: &str) -> String {
    format!("{} ({what}: {why})", who.principal.user)
}

impl App {
    /// The party `who` is for a record about `subject` on `day`: the person themself (their
    /// own account), the head of the subject's organisation or another of its accounts, the
    /// reviewer, the verifier or the administrator. Refused for anyone else.
    pub async fn party(&self, who: &AuthUser, subject: &SubjectRef, day: NaiveDate) -> Result<Party> {
        Ok(match who.principal.role {
            Role::Admin => Party::Admin,
            Role::Reviewer => Party::Reviewer,
            Role::Verifier => Party::Verifier,
            Role::Member => match (subject, &who.principal.person) {
                (SubjectRef::Person(p), Some(me)) if p == me => Party::Person,
                _ => {
                    return Err(Error::Forbidden(
                        "tài khoản cá nhân chỉ làm việc với hồ sơ của chính mình / a person's own account works only on their own records"
                            .to_owned(),
                    ));
                }
            },
            Role::Unit => {
                let org = match subject {
                    SubjectRef::Person(p) => self.organisation_of(p, day).await?,
                    SubjectRef::Organisation(o) => Some(o.clone()),
                    _ => None,
                };
                match (org, &who.person) {
                    (Some(o), Some(me)) if who.principal.organisation.as_deref() == Some(o.as_str()) => {
                        let members = self.store().memberships_in(&o).await?;
                        let all: Vec<_> = members.into_iter().map(|v| v.value).collect();
                        if head_of(&all, &o, day).as_deref() == Some(me.as_str()) {
                            Party::Head
                        } else {
                            Party::Officer
                        }
                    }
                    _ => Party::Officer,
                }
            }
            _ => return Err(Error::Forbidden("this role may not change this record".to_owned())),
        })
    }

    /// Refuses unless `who` may write the own records (registration, commitment, self-study
    /// plan, self-assessment) of `subject`: a person through their own account, or the unit
    /// the subject belongs to, or an administrator.
    pub async fn require_own_records(&self, who: &AuthUser, subject: &SubjectRef, day: NaiveDate) -> Result<()> {
        match (who.principal.role, subject) {
            (Role::Member, SubjectRef::Person(p)) => require(who, Action::Write, &Resource::Own(p.clone()), false),
            _ => require(who, Action::Write, &self.subject_resource(subject, day).await?, false),
        }
    }

    /// Asks the lifecycle table: `who` takes `step` on a record of `kind` about `subject` that
    /// is in `state`. Refused ([`Error::Conflict`]) when the step does not follow from the
    /// state, ([`Error::Forbidden`]) when it is not this party's.
    pub async fn check_step(
        &self,
        who: &AuthUser,
        kind: Kind,
        subject: &SubjectRef,
        state: State,
        step: Step,
        day: NaiveDate,
    ) -> Result<State> {
        let party = self.party(who, subject, day).await?;
        workflow::next(kind, is_collective(subject), state, step, party).map_err(|e| match e {
            workflow::Refusal::OutOfOrder { .. } => Error::Conflict(e.to_string()),
            _ => Error::Forbidden(e.to_string()),
        })
    }

    /// Refuses ([`Error::Forbidden`]) unless `who` ever takes `step` on a record of `kind` about
    /// `subject` — asked before the record is read, so that nobody learns whether it exists.
    pub async fn require_party(
        &self,
        who: &AuthUser,
        kind: Kind,
        subject: &SubjectRef,
        step: Step,
        day: NaiveDate,
    ) -> Result<()> {
        let party = self.party(who, subject, day).await?;
        if workflow::takes(kind, is_collective(subject), step, party) {
            Ok(())
        } else {
            Err(Error::Forbidden(workflow::Refusal::NotYours { kind, step, party }.to_string()))
        }
    }

    /// Withdraws a registration (the subject, its unit, or an administrator) while no
    /// recognition decision for the year names it. Not found when there is none.
    pub async fn withdraw_registration(
        &self,
        who: &AuthUser,
        subject: &SubjectRef,
        title: Title,
        year: i32,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        check_year(year)?;
        self.require_own_records(who, subject, today).await?;
        self.check_step(who, Kind::Registration, subject, State::Registered, Step::Withdraw, today).await?;
        let data = self.store().load_year_registers(year).await?;
        if data.recognitions.iter().any(|r| r.subject() == subject && r.title() == title && r.year() == year) {
            return Err(Error::Conflict(
                "đã có quyết định công nhận của năm; không rút đăng ký được / a recognition decision names this registration: it is not withdrawn"
                    .to_owned(),
            ));
        }
        if self.store().delete_registration(&who.principal.user, subject, title, year).await? {
            Ok(WriteReport { changed: 1, ..WriteReport::default() })
        } else {
            Err(Error::NotFound("không có đăng ký này / no such registration".to_owned()))
        }
    }

    /// Withdraws a lifelong-learning commitment (the person, their unit, or an administrator).
    pub async fn withdraw_commitment(
        &self,
        who: &AuthUser,
        person: &str,
        year: i32,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        check_year(year)?;
        let subject = SubjectRef::Person(person.to_owned());
        self.require_own_records(who, &subject, today).await?;
        self.check_step(who, Kind::Commitment, &subject, State::Registered, Step::Withdraw, today).await?;
        if self.store().delete_commitment(&who.principal.user, person, year).await? {
            Ok(WriteReport { changed: 1, ..WriteReport::default() })
        } else {
            Err(Error::NotFound("không có cam kết này / no such commitment".to_owned()))
        }
    }

    /// Writes a self-study plan's text and keeps it as a draft (`submit` false) or sends it to
    /// the head (`submit` true) — the person, their unit, or an administrator; sent on `on`
    /// (an administrator's paper date; anyone else's is today). A plan approved is changed only
    /// by an administrator's correction. `expected`: the version read, when the plan exists.
    #[allow(clippy::too_many_arguments)]
    pub async fn write_self_study_plan(
        &self,
        who: &AuthUser,
        person: &str,
        year: i32,
        content: Option<String>,
        submit: bool,
        on: Option<NaiveDate>,
        expected: Option<i64>,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        check_year(year)?;
        let subject = SubjectRef::Person(person.to_owned());
        self.require_own_records(who, &subject, today).await?;
        let stored = self.store().self_study_plan(person, year).await?;
        let state = plan_state(stored.as_ref().map(|v| &v.value));
        let step = if submit { Step::Submit } else { Step::SaveDraft };
        self.check_step(who, Kind::SelfStudyPlan, &subject, state, step, today).await?;
        let on = match on {
            Some(d) if who.principal.role == Role::Admin => d,
            _ => today,
        };
        if on > today {
            return Err(Error::invalid("submitted", "ngày gửi không thể sau hôm nay / a plan is not sent after today"));
        }
        let content = content.map(|c| xhht_core::bounds::clean_multiline(&c).into_owned());
        match stored {
            Some(v) => {
                let content = content.or_else(|| v.value.content().map(str::to_owned));
                // The state the table gives: sent (again), or a draft (a returned plan being
                // fixed is a draft again until it is sent).
                let plan = v.value.with_content(content)?;
                let plan = if submit { plan.submit(on)? } else { plan.redraft(on)? };
                let version = self
                    .store()
                    .update_self_study_plan(&who.principal.user, &plan, expected.unwrap_or(v.row_version))
                    .await?;
                let _ = version;
                Ok(WriteReport { changed: 1, ..WriteReport::default() })
            }
            None => {
                let plan = if submit {
                    SelfStudyPlan::submitted(person, year, on)?
                } else {
                    SelfStudyPlan::draft(person, year, on)?
                }
                .with_content(content)?;
                Ok(self.store().put_self_study_plans(&who.principal.user, &[plan]).await?)
            }
        }
    }

    /// Sends a submitted self-study plan back to the person with `why` (the head of the
    /// person's organisation on `today`, or an administrator). `expected`: the version read.
    pub async fn return_self_study_plan(
        &self,
        who: &AuthUser,
        person: &str,
        year: i32,
        why: Option<&str>,
        expected: Option<i64>,
        today: NaiveDate,
    ) -> Result<i64> {
        check_year(year)?;
        let subject = SubjectRef::Person(person.to_owned());
        require(who, Action::Write, &self.subject_resource(&subject, today).await?, false)?;
        self.require_party(who, Kind::SelfStudyPlan, &subject, Step::Return, today).await?;
        let why = reason("reason", why)?;
        let stored = self
            .store()
            .self_study_plan(person, year)
            .await?
            .ok_or_else(|| Error::NotFound("không có kế hoạch tự học này / no such self-study plan".to_owned()))?;
        let state = plan_state(Some(&stored.value));
        self.check_step(who, Kind::SelfStudyPlan, &subject, state, Step::Return, today).await?;
        let returned = stored.value.return_with(why)?;
        Ok(self
            .store()
            .update_self_study_plan(&who.principal.user, &returned, expected.unwrap_or(stored.row_version))
            .await?)
    }

    /// An administrator's correction of an approved self-study plan: back to submitted, the
    /// approval removed, with `why` kept in the audit trail.
    pub async fn correct_self_study_plan(
        &self,
        who: &AuthUser,
        person: &str,
        year: i32,
        why: Option<&str>,
        today: NaiveDate,
    ) -> Result<i64> {
        check_year(year)?;
        let subject = SubjectRef::Person(person.to_owned());
        require(who, Action::Write, &self.subject_resource(&subject, today).await?, false)?;
        self.require_party(who, Kind::SelfStudyPlan, &subject, Step::Correct, today).await?;
        let why = reason("reason", why)?;
        let stored = self
            .store()
            .self_study_plan(person, year)
            .await?
            .ok_or_else(|| Error::NotFound("không có kế hoạch tự học này / no such self-study plan".to_owned()))?;
        self.check_step(who, Kind::SelfStudyPlan, &subject, plan_state(Some(&stored.value)), Step::Correct, today)
            .await?;
        let actor = actor_with(who, "điều chỉnh / correction", &why);
        Ok(self.store().update_self_study_plan(&actor, &stored.value.reopen(), stored.row_version).await?)
    }

    /// Writes a self-assessment: a person's own (their account, their unit, an administrator)
    /// or a unit's (its accounts, an administrator). It never counts as the official
    /// assessment and never replaces it; once the official assessment exists it is frozen.
    /// A revision names the version read (`expected`).
    pub async fn write_self_assessment(
        &self,
        who: &AuthUser,
        a: Assessment,
        expected: Option<i64>,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        self.require_own_records(who, a.subject(), today).await?;
        let stored = self.store().self_assessment(a.subject(), a.rulebook(), a.year()).await?;
        let state = if stored.is_some() { State::Assessed } else { State::Absent };
        self.check_step(who, Kind::SelfAssessment, a.subject(), state, Step::Assess, today).await?;
        if self.store().assessment(a.subject(), a.rulebook(), a.year()).await?.is_some() {
            return Err(Error::Conflict(
                "đã có đánh giá chính thức; bản tự đánh giá không sửa được nữa / the official assessment is made: the self-assessment is closed"
                    .to_owned(),
            ));
        }
        match (stored, expected) {
            (None, _) => Ok(self.store().put_self_assessments(&who.principal.user, &[a]).await?),
            (Some(v), Some(exp)) => {
                let _ = v;
                self.store().update_self_assessment(&who.principal.user, &a, exp).await?;
                Ok(WriteReport { changed: 1, ..WriteReport::default() })
            }
            (Some(v), None) => Err(Error::Conflict(format!(
                "đã có bản tự đánh giá (phiên bản {n}); sửa kèm phiên bản đã đọc / a self-assessment exists (version {n}): send the version you read",
                n = v.row_version
            ))),
        }
    }
}

impl App {
    /// The self-assessments of `year` `who` may read: every one for an administrator, the
    /// reviewer and the verifier; a unit's, of itself and of its people (on `today`); a
    /// person's own account, their own; none for a viewer.
    pub async fn self_assessments(
        &self,
        who: &AuthUser,
        year: i32,
        today: NaiveDate,
    ) -> Result<Vec<xhht_store::Versioned<Assessment>>> {
        check_year(year)?;
        let all = self.store().self_assessments_in_year(year).await?;
        Ok(match who.principal.role {
            Role::Admin | Role::Reviewer | Role::Verifier => all,
            Role::Member => {
                let me = who.principal.person.as_deref();
                all.into_iter()
                    .filter(|a| matches!(a.value.subject(), SubjectRef::Person(p) if Some(p.as_str()) == me))
                    .collect()
            }
            Role::Unit => {
                let Some(org) = who.principal.organisation.as_deref() else { return Ok(Vec::new()) };
                let members: Vec<_> = self.store().memberships_in(org).await?.into_iter().map(|v| v.value).collect();
                let day = today.min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
                all.into_iter()
                    .filter(|a| match a.value.subject() {
                        SubjectRef::Organisation(o) => o == org,
                        SubjectRef::Person(p) => members.iter().any(|m| &m.person == p && m.period.contains(day)),
                        _ => false,
                    })
                    .collect()
            }
            _ => Vec::new(),
        })
    }
}
