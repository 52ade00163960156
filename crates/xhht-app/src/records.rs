//! Writing records as someone: each write is judged by `xhht_core::access::decide` on the
//! resource it touches (found from the records: a person's organisation on the day, the
//! organisations a move leaves and joins, the head of an organisation on an approval's date),
//! built through the domain constructors, and stored in one transaction.
//!
//! "Today" is a parameter of every write that needs it (the day a membership starts by default,
//! the day a unit's report is received).

use chrono::NaiveDate;
use xhht_core::access::{Action, Decision, Resource, Role, decide};
use xhht_core::entity::{MemberRole, Membership, MembershipChange, Memberships, Organisation, Person};
use xhht_core::period::DateRange;
use xhht_core::record::{
    Assessment, Commitment, DutyReport, IndicatorValue, Recognition, Registration, ReportSubmission, SubjectRef,
};
use xhht_core::workflow::{Kind, State, Step};
use xhht_store::WriteReport;

use crate::App;
use crate::auth::AuthUser;
use crate::error::{Error, FieldProblem, Result};

/// Refuses unless `decide` allows `action` on `res` for `who`.
pub fn require(who: &AuthUser, action: Action, res: &Resource, is_head: bool) -> Result<()> {
    match decide(&who.principal, action, res, is_head) {
        Decision::Allow => Ok(()),
        Decision::Deny(why) => Err(Error::Forbidden(why.to_owned())),
    }
}

/// The organisation `person` belongs to on `day` among `memberships` (or, failing that, their
/// latest one).
pub fn org_of_person(memberships: &[Membership], person: &str, day: NaiveDate) -> Option<String> {
    memberships
        .iter()
        .filter(|m| m.person == person)
        .max_by_key(|m| (m.period.contains(day), m.period.from()))
        .map(|m| m.organisation.clone())
}

/// The head of `org` on `day` among `memberships`.
pub fn head_of(memberships: &[Membership], org: &str, day: NaiveDate) -> Option<String> {
    memberships
        .iter()
        .find(|m| m.organisation == org && m.role == MemberRole::Head && m.period.contains(day))
        .map(|m| m.person.clone())
}

/// A person's fields as every writer checks them: an id and a name of at most 500 characters,
/// an id of letters, digits, `-`, `_` and `.` (no path, no space), a citizen id of 12 (or 9)
/// digits.
pub fn check_person(p: &Person) -> Result<()> {
    use xhht_core::bounds::{MAX_NAME_CHARS, check_len};
    let mut problems = Vec::new();
    let mut bad = |field: &str, message: String| problems.push(FieldProblem { field: field.to_owned(), message });
    if let Err(e) = check_len(&p.id, MAX_NAME_CHARS) {
        bad("id", e.to_string());
    } else if !is_code(&p.id) {
        bad("id", "chỉ gồm chữ, số, “-”, “_”, “.” / letters, digits, `-`, `_` and `.` only".to_owned());
    }
    if let Err(e) = check_len(&p.full_name, MAX_NAME_CHARS) {
        bad("full_name", e.to_string());
    }
    if let Some(Err(e)) = p.citizen_id.as_deref().map(xhht_core::entity::check_citizen_id) {
        bad("citizen_id", e.to_owned());
    }
    if problems.is_empty() { Ok(()) } else { Err(Error::Invalid(problems)) }
}

/// An id or code as records name them: not empty, letters (any script), digits, `-`, `_` and
/// `.`, not starting with `.` (never a path like `../../x`).
pub fn is_code(s: &str) -> bool {
    !s.is_empty() && !s.starts_with('.') && s.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.'))
}

/// A data year an API or a file may name.
pub fn check_year(year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid("year", "a data year between 2000 and 2100"))
    }
}

/// A report submission as a caller gives it: the date received is the caller's only for an
/// administrator (a paper report's date); a unit's report is received today.
#[derive(Debug, Clone)]
pub struct SubmissionIn {
    /// The plan actor reporting.
    pub actor: String,
    /// The organisation sending it.
    pub organisation: String,
    /// The data year.
    pub year: i32,
    /// Annual or a phase review.
    pub kind: xhht_core::record::ReportKind,
    /// When it was received, as an administrator records it.
    pub submitted_on: Option<NaiveDate>,
    /// The document number.
    pub document_number: Option<String>,
}

impl App {
    async fn memberships_of(&self, person: &str) -> Result<Vec<Membership>> {
        Ok(self.store().memberships_of(person).await?.into_iter().map(|v| v.value).collect())
    }

    async fn memberships_in(&self, org: &str) -> Result<Vec<Membership>> {
        Ok(self.store().memberships_in(org).await?.into_iter().map(|v| v.value).collect())
    }

    /// The organisation `person` belongs to on `day` (or their latest), from the records.
    pub async fn organisation_of(&self, person: &str, day: NaiveDate) -> Result<Option<String>> {
        Ok(org_of_person(&self.memberships_of(person).await?, person, day))
    }

    /// The resource a record about `subject` belongs to on `day`: a person's organisation's
    /// records, an organisation's records, or reference data (households, clans, communities,
    /// areas, and people of no organisation: only an administrator writes those).
    pub async fn subject_resource(&self, subject: &SubjectRef, day: NaiveDate) -> Result<Resource> {
        Ok(match subject {
            SubjectRef::Person(p) => {
                self.organisation_of(p, day).await?.map_or(Resource::Reference, Resource::OrganisationRecord)
            }
            SubjectRef::Organisation(c) => Resource::OrganisationRecord(c.clone()),
            _ => Resource::Reference,
        })
    }

    /// Refuses unless `who` may write the records of every organisation writing `new` touches:
    /// the one joined, and every one the person has ever belonged to — not only those over
    /// the new membership's days, so that a unit cannot claim another organisation's person
    /// (and with it the right to read their personal data) by a membership in a year nobody
    /// else covers. A person on no organisation's records may be taken in by any unit.
    fn require_each(who: &AuthUser, held: &[Membership], new: &Membership) -> Result<()> {
        let mut orgs: Vec<&str> = MembershipChange::organisations(held, new);
        orgs.extend(held.iter().map(|m| m.organisation.as_str()));
        orgs.sort_unstable();
        orgs.dedup();
        for org in orgs {
            require(who, Action::Write, &Resource::OrganisationRecord(org.to_owned()), false).map_err(|e| match e {
                Error::Forbidden(_) if org != new.organisation => Error::Forbidden(
                    "người này thuộc hồ sơ của đơn vị khác; quản trị viên chuyển người giữa các đơn vị / this person is on another organisation's records: an administrator moves people between organisations".to_owned(),
                ),
                other => other,
            })?;
        }
        Ok(())
    }

    /// Refuses a change of an organisation's governance fields (kind, managing level, area,
    /// parent, plan actor) by anyone but an administrator.
    fn require_governance(who: &AuthUser, stored: &Organisation, new: &Organisation) -> Result<()> {
        let same = stored.kind == new.kind
            && stored.level == new.level
            && stored.area == new.area
            && stored.parent == new.parent
            && stored.actor == new.actor;
        if same { Ok(()) } else { require(who, Action::Write, &Resource::Governance(new.code.clone()), false) }
    }

    /// Adds or changes an organisation: a new one is reference data (administrators), an
    /// existing one is written by its own unit or an administrator — its governance fields by
    /// an administrator only.
    pub async fn put_organisation(&self, who: &AuthUser, o: Organisation) -> Result<WriteReport> {
        let stored = self.store().organisation(&o.code).await?;
        let res = if stored.is_some() { Resource::Organisation(o.code.clone()) } else { Resource::Reference };
        require(who, Action::Write, &res, false)?;
        if let Some(stored) = &stored {
            Self::require_governance(who, &stored.value, &o)?;
        }
        Ok(self.store().put_organisations(&who.principal.user, &[o]).await?)
    }

    /// Changes an organisation if it is still at version `expected` (its unit or an
    /// administrator; its governance fields, an administrator).
    pub async fn update_organisation(&self, who: &AuthUser, o: &Organisation, expected: i64) -> Result<i64> {
        require(who, Action::Write, &Resource::Organisation(o.code.clone()), false)?;
        if let Some(stored) = self.store().organisation(&o.code).await? {
            Self::require_governance(who, &stored.value, o)?;
        }
        Ok(self.store().update_organisation(&who.principal.user, o, expected).await?)
    }

    /// Writes a person; with `join`, also their membership of that organisation from `since`
    /// (default `today`). Written by the unit the person belongs to or an administrator;
    /// joining another organisation is a move (the membership there ends the day before),
    /// written only by a caller who may write both organisations' records.
    pub async fn put_person(
        &self,
        who: &AuthUser,
        person: Person,
        join: Option<String>,
        since: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        check_person(&person)?;
        let held = self.memberships_of(&person.id).await?;
        let current = org_of_person(&held, &person.id, today);
        let change = match &join {
            Some(o) if current.as_deref() != Some(o.as_str()) => {
                let joined = Membership {
                    person: person.id.clone(),
                    organisation: o.clone(),
                    role: MemberRole::Member,
                    period: DateRange::starting(since.unwrap_or(today)),
                };
                Self::require_each(who, &held, &joined)?;
                Some(MembershipChange::new(&held, joined, true)?)
            }
            _ => None,
        };
        match (&change, &current) {
            (Some(_), _) => {}
            (None, Some(o)) => require(who, Action::Write, &Resource::OrganisationRecord(o.clone()), false)?,
            (None, None) => require(who, Action::Write, &Resource::Reference, false)?,
        }
        if let Some(o) = &join
            && self.store().organisation(o).await?.is_none()
        {
            return Err(Error::invalid("organisation", "no such organisation"));
        }
        let actor = &who.principal.user;
        let mut w = self.store().put_people(actor, &[person]).await?;
        if let Some(c) = change {
            w += self.store().put_memberships(actor, &c.into_writes()).await?;
        }
        Ok(w)
    }

    /// Changes a person if still at version `expected` (their unit or an administrator).
    pub async fn update_person(&self, who: &AuthUser, person: &Person, expected: i64, today: NaiveDate) -> Result<i64> {
        check_person(person)?;
        let res =
            self.organisation_of(&person.id, today).await?.map_or(Resource::Reference, Resource::OrganisationRecord);
        require(who, Action::Write, &res, false)?;
        Ok(self.store().update_person(&who.principal.user, person, expected).await?)
    }

    /// Writes a membership (the organisation's unit or an administrator). A person belongs to
    /// one organisation at a time: when they belong to another over these days, the write
    /// needs the right to write that organisation's records too and `allow_move`, which ends
    /// the membership there the day before ([`Error::Conflict`] without it). Overlapping
    /// memberships in one organisation and two heads of one organisation on the same day are
    /// refused ([`Error::Invalid`]).
    pub async fn put_membership(&self, who: &AuthUser, m: Membership, allow_move: bool) -> Result<WriteReport> {
        require(who, Action::Write, &Resource::OrganisationRecord(m.organisation.clone()), false)?;
        let held = self.memberships_of(&m.person).await?;
        Self::require_each(who, &held, &m)?;
        let change = MembershipChange::new(&held, m.clone(), true)?;
        if !allow_move && !change.close.is_empty() {
            let why = MembershipChange::new(&held, m, false).err().map_or_else(String::new, |e| match e {
                xhht_core::Error::Invalid { message, .. } => message,
                other => other.to_string(),
            });
            return Err(Error::Conflict(why));
        }
        // The same rule the rules engine applies: no overlapping memberships of one person in
        // one organisation and role, no two heads of one organisation on one day.
        let writes = change.into_writes();
        let rewritten = |x: &Membership| {
            writes.iter().any(|w| {
                x.person == w.person
                    && x.organisation == w.organisation
                    && x.role == w.role
                    && x.period.from() == w.period.from()
            })
        };
        let mut around = self.memberships_in(&m.organisation).await?;
        // One role at a time in one organisation: not member and head over the same days.
        if let Some(other) = around
            .iter()
            .find(|x| x.person == m.person && x.role != m.role && x.period.overlaps(&m.period) && !rewritten(x))
        {
            return Err(Error::invalid(
                "role",
                format!(
                    "người này đã giữ vai trò khác ở đơn vị trong những ngày này (từ {}) / the person holds another role in this organisation over these days (from {})",
                    other.period.from(),
                    other.period.from()
                ),
            ));
        }
        around.extend(held.into_iter().filter(|x| x.organisation != m.organisation));
        if let Err(e) = Memberships::new(around.iter().filter(|x| !rewritten(x)).chain(writes.iter())) {
            let field = if m.role == MemberRole::Head { "role" } else { "from" };
            return Err(match e {
                xhht_core::Error::Invalid { message, .. } => Error::invalid(field, message),
                other => Error::invalid(field, other.to_string()),
            });
        }
        Ok(self.store().put_memberships(&who.principal.user, &writes).await?)
    }

    /// Writes a registration (the subject through their own account, its unit, or an
    /// administrator).
    pub async fn put_registration(&self, who: &AuthUser, r: Registration, today: NaiveDate) -> Result<WriteReport> {
        use xhht_core::workflow::{Kind, State, Step};
        self.require_own_records(who, r.subject(), today).await?;
        self.check_step(who, Kind::Registration, r.subject(), State::Absent, Step::Register, today).await?;
        Ok(self.store().put_registrations(&who.principal.user, &[r]).await?)
    }

    /// Writes a commitment (the person through their own account, their unit, or an
    /// administrator).
    pub async fn put_commitment(&self, who: &AuthUser, c: Commitment, today: NaiveDate) -> Result<WriteReport> {
        use xhht_core::workflow::{Kind, State, Step};
        check_year(c.year)?;
        let subject = SubjectRef::Person(c.person.clone());
        self.require_own_records(who, &subject, today).await?;
        self.check_step(who, Kind::Commitment, &subject, State::Absent, Step::Register, today).await?;
        Ok(self.store().put_commitments(&who.principal.user, &[c]).await?)
    }

    /// Submits a self-study plan (the person through their own account, their unit, or an
    /// administrator, who may give the day it was received on paper); refused once approved.
    pub async fn put_self_study_plan(
        &self,
        who: &AuthUser,
        person: String,
        year: i32,
        submitted: NaiveDate,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        self.write_self_study_plan(who, &person, year, None, true, Some(submitted), None, today).await
    }

    /// Approves a self-study plan. Only the head of the person's organisation on the approval
    /// date (from the memberships) may: a unit user approves as the person its account is
    /// linked to, dated `today` (the server's day: a date it sends other than today is
    /// refused); an administrator records an approval `by` the head, on a past day `on` if it
    /// was made on paper, with the `reason` (kept in the audit trail with who recorded it). No
    /// approval is dated after `today`. `expected` is the version read
    /// (none: the stored one). Conflict when the plan is already approved or changed.
    #[allow(clippy::too_many_arguments)]
    pub async fn approve_self_study_plan(
        &self,
        who: &AuthUser,
        person: &str,
        year: i32,
        by: Option<String>,
        on: Option<NaiveDate>,
        reason: Option<String>,
        expected: Option<i64>,
        today: NaiveDate,
    ) -> Result<i64> {
        check_year(year)?;
        let on = on.unwrap_or(today);
        // A back-dated approval (the administrator's) says why, and the audit trail keeps it
        // with who recorded it.
        let mut actor = who.principal.user.clone();
        if on != today && who.principal.role == Role::Admin {
            let why = reason.as_deref().map(str::trim).filter(|r| !r.is_empty()).ok_or_else(|| {
                Error::invalid("reason", "phê duyệt lùi ngày cần lý do / a back-dated approval needs a reason")
            })?;
            xhht_core::bounds::check_len(why, 500).map_err(|e| Error::invalid("reason", e.to_string()))?;
            actor = format!("{actor} (phê duyệt lùi ngày {on} / back-dated to {on}: {why})");
        }
        if on > today {
            return Err(Error::invalid(
                "on",
                "ngày phê duyệt không thể sau hôm nay / an approval cannot be dated after today",
            ));
        }
        if on != today && who.principal.role != Role::Admin {
            return Err(Error::invalid(
                "on",
                "phê duyệt mang ngày hôm nay; phê duyệt lùi ngày do quản trị viên ghi / an approval is dated today, the day it is made; a back-dated one is recorded by an administrator",
            ));
        }
        let org = self.organisation_of(person, on).await?;
        let res = org.clone().map_or(Resource::Reference, Resource::OrganisationRecord);
        let by = match (by, &who.person) {
            (Some(by), Some(me)) if by != *me && who.principal.role != Role::Admin => {
                return Err(Error::Forbidden("you approve only as yourself".to_owned()));
            }
            (Some(by), _) => by,
            (None, Some(me)) => me.clone(),
            (None, None) => String::new(),
        };
        let head = match &org {
            Some(o) => head_of(&self.memberships_in(o).await?, o, on),
            None => None,
        };
        let is_head = !by.is_empty() && head.as_deref() == Some(by.as_str());
        // A unit approves only as the head; an administrator records the head's approval.
        let acting_as_head = is_head && (who.person.as_deref() == Some(by.as_str()));
        require(who, Action::Approve, &res, acting_as_head)?;
        if by.is_empty() {
            return Err(Error::invalid("by", "say who approved (a person id)"));
        }
        if !is_head {
            return Err(Error::invalid("by", format!("{by} was not the head of the person's organisation on {on}")));
        }
        let stored = self
            .store()
            .self_study_plan(person, year)
            .await?
            .ok_or_else(|| Error::NotFound("no self-study plan for this person and year".to_owned()))?;
        let expected = expected.unwrap_or(stored.row_version);
        let state = crate::steps::plan_state(Some(&stored.value));
        let subject = SubjectRef::Person(person.to_owned());
        self.check_step(
            who,
            xhht_core::workflow::Kind::SelfStudyPlan,
            &subject,
            state,
            xhht_core::workflow::Step::Approve,
            on,
        )
        .await?;
        let approved = stored.value.approve(by, on)?;
        Ok(self.store().update_self_study_plan(&actor, &approved, expected).await?)
    }

    /// An assessment checked against its rulebook (every indicator known; values of the right
    /// kind, range and precision), as imports check them.
    pub fn assessment(
        &self,
        subject: SubjectRef,
        rulebook: String,
        year: i32,
        evaluator: String,
        date: NaiveDate,
        values: Vec<IndicatorValue>,
    ) -> Result<Assessment> {
        let set = xhht_core::rulebook::RulebookSet::builtin();
        let book = set.get(&rulebook).map_err(|_| Error::invalid("rulebook", "no such rulebook"))?;
        let engine = xhht_scoring::Engine::new(book)?;
        let mut errors = Vec::new();
        for (n, v) in values.iter().enumerate() {
            if engine.index_of(&v.indicator).is_none() {
                errors.push(FieldProblem {
                    field: format!("values[{n}].indicator"),
                    message: format!("`{}` is no indicator of {rulebook}", v.indicator),
                });
            }
        }
        let kind = match &subject {
            SubjectRef::Person(_) => Some(xhht_core::rulebook::Subject::Person),
            SubjectRef::Organisation(_) => Some(xhht_core::rulebook::Subject::Organisation),
            _ => None,
        };
        if let (Some(kind), true) = (kind, errors.is_empty()) {
            let facts = xhht_scoring::Facts::from_values(&engine, kind, Vec::new(), &values);
            for d in facts.diagnostics() {
                errors.push(FieldProblem { field: "values".to_owned(), message: d.to_string() });
            }
        }
        if !errors.is_empty() {
            return Err(Error::Invalid(errors));
        }
        Ok(Assessment::new(subject, rulebook, year, evaluator, date, values)?)
    }

    /// The resource an assessment of `subject` is: the assessments of its organisation.
    async fn assessment_resource(&self, subject: &SubjectRef, day: NaiveDate) -> Result<Resource> {
        Ok(match self.subject_resource(subject, day).await? {
            Resource::OrganisationRecord(o) => Resource::Assessment(o),
            other => other,
        })
    }

    /// Refuses an official assessment of `a`'s subject by `who` unless the lifecycle allows it
    /// from `state`: a person's by the head of their unit, the reviewer or an administrator; an
    /// organisation's by the reviewer or an administrator (its own is its self-assessment);
    /// never once a recognition decision names the subject for the year (an administrator's
    /// correction then, with a reason).
    async fn check_official(&self, who: &AuthUser, a: &Assessment, state: State, today: NaiveDate) -> Result<()> {
        require(who, Action::Write, &self.assessment_resource(a.subject(), today).await?, false)?;
        self.check_step(who, Kind::Assessment, a.subject(), state, Step::Assess, today).await?;
        let data = self.store().load_year_registers(a.year()).await?;
        if data.recognitions.iter().any(|r| r.subject() == a.subject() && r.year() == a.year()) {
            return Err(Error::Conflict(
                "đã có quyết định công nhận dựa trên đánh giá này; quản trị viên điều chỉnh kèm lý do / a recognition decision rests on this assessment: an administrator corrects it, with a reason"
                    .to_owned(),
            ));
        }
        Ok(())
    }

    /// Writes a new official assessment (see `check_official` for who). One that exists is
    /// never replaced this way ([`Error::Conflict`]): it is changed with
    /// [`App::update_assessment`] and the version read, so nobody overwrites another's
    /// assessment and its evidence unseen. A person's or a unit's own view is a
    /// self-assessment ([`App::write_self_assessment`]), which never counts as this one.
    pub async fn put_assessment(&self, who: &AuthUser, a: Assessment, today: NaiveDate) -> Result<WriteReport> {
        // Who may write it is answered before whether it exists.
        require(who, Action::Write, &self.assessment_resource(a.subject(), today).await?, false)?;
        self.require_party(who, Kind::Assessment, a.subject(), Step::Assess, today).await?;
        if let Some(stored) = self.store().assessment(a.subject(), a.rulebook(), a.year()).await? {
            return Err(Error::Conflict(format!(
                "đã có đánh giá này (phiên bản {v}); sửa bằng PUT kèm phiên bản / this assessment exists (version {v}): change it with PUT and the version you read",
                v = stored.row_version
            )));
        }
        self.check_official(who, &a, State::Absent, today).await?;
        Ok(self.store().put_assessments(&who.principal.user, &[a]).await?)
    }

    /// Changes an official assessment if still at version `expected` (the same parties, while
    /// no recognition rests on it).
    pub async fn update_assessment(
        &self,
        who: &AuthUser,
        a: &Assessment,
        expected: i64,
        today: NaiveDate,
    ) -> Result<i64> {
        self.check_official(who, a, State::Assessed, today).await?;
        Ok(self.store().update_assessment(&who.principal.user, a, expected).await?)
    }

    /// An administrator's correction of an official assessment a recognition rests on, with
    /// `why` kept in the audit trail.
    pub async fn correct_assessment(
        &self,
        who: &AuthUser,
        a: &Assessment,
        expected: i64,
        why: Option<&str>,
        today: NaiveDate,
    ) -> Result<i64> {
        require(who, Action::Write, &self.assessment_resource(a.subject(), today).await?, false)?;
        self.check_step(who, Kind::Assessment, a.subject(), State::Assessed, Step::Correct, today).await?;
        let why = crate::steps::reason("reason", why)?;
        let actor = format!("{} (điều chỉnh / correction: {why})", who.principal.user);
        Ok(self.store().update_assessment(&actor, a, expected).await?)
    }

    /// Records a recognition decision (the study-promotion association as reviewer, or an
    /// administrator): only for a subject registered for the title in the year with a passing
    /// official result, unless an administrator records an exception with `exception` (its
    /// reason, kept in the audit trail). A decision on record is changed only by an
    /// administrator's correction, with `exception` as its reason.
    pub async fn put_recognition(
        &self,
        who: &AuthUser,
        r: Recognition,
        exception: Option<&str>,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        require(who, Action::Write, &Resource::Recognition, false)?;
        let data = self.store().load_year_registers(r.year()).await?;
        let stored = data.recognitions.iter().find(|x| {
            x.decision_number() == r.decision_number() && x.subject() == r.subject() && x.title() == r.title()
        });
        let mut actor = who.principal.user.clone();
        match stored {
            Some(x) if *x == r => return Ok(WriteReport { unchanged: 1, ..WriteReport::default() }),
            Some(_) => {
                self.check_step(who, Kind::Recognition, r.subject(), State::Recognised, Step::Correct, today).await?;
                let why = crate::steps::reason("exception", exception)?;
                actor = format!("{actor} (điều chỉnh / correction: {why})");
            }
            None => {
                self.check_step(who, Kind::Recognition, r.subject(), State::Absent, Step::Recognise, today).await?;
                if let Some(missing) = self.recognition_gap(&r).await? {
                    match (who.principal.role, exception.map(str::trim).filter(|e| !e.is_empty())) {
                        (Role::Admin, Some(_)) => {
                            let why = crate::steps::reason("exception", exception)?;
                            actor = format!("{actor} (công nhận ngoại lệ / exception: {why})");
                        }
                        _ => return Err(Error::invalid("subject", missing)),
                    }
                }
            }
        }
        Ok(self.store().put_recognitions(&actor, &[r]).await?)
    }

    /// Why `r`'s subject may not be recognised yet (not registered for the title in the year,
    /// no official assessment, or a failing one), or `None` when it may.
    async fn recognition_gap(&self, r: &Recognition) -> Result<Option<String>> {
        let (data, results) = self.load_and_evaluate(r.year()).await?;
        if !data.registrations.iter().any(|x| x.subject() == r.subject() && x.title() == r.title()) {
            return Ok(Some(format!(
                "chưa đăng ký danh hiệu {t} năm {y} / not registered for {t} in {y}",
                t = r.title(),
                y = r.year()
            )));
        }
        let engines = self.engines();
        let passed = match r.subject() {
            SubjectRef::Person(p) => results
                .people
                .iter()
                .find(|x| &x.id == p)
                .and_then(|x| x.citizen.as_ref())
                .map(|e| e.outcome.is_some_and(|o| engines.citizen.confers_title(e.version, o))),
            SubjectRef::Organisation(o) => {
                let engine = engines.unit_for(r.year());
                results
                    .organisations
                    .iter()
                    .find(|x| &x.code == o)
                    .and_then(|x| x.unit.as_ref())
                    .and_then(|e| engine.map(|en| e.outcome.is_some_and(|o| en.confers_title(e.version, o))))
            }
            // Households, clans and communities: judged on their own bodies' records.
            _ => Some(true),
        };
        Ok(match passed {
            None => Some("chưa có đánh giá chính thức của năm / no official assessment for the year".to_owned()),
            Some(false) => {
                Some("kết quả đánh giá chính thức không đạt / the official assessment does not pass".to_owned())
            }
            Some(true) => None,
        })
    }

    /// Submits an organisation's report (its unit or an administrator); for a unit the date
    /// received is `today`, whatever it says.
    pub async fn put_report_submission(
        &self,
        who: &AuthUser,
        s: SubmissionIn,
        today: NaiveDate,
    ) -> Result<WriteReport> {
        require(who, Action::Write, &Resource::OrganisationRecord(s.organisation.clone()), false)?;
        let org_subject = SubjectRef::Organisation(s.organisation.clone());
        self.check_step(who, Kind::ReportSubmission, &org_subject, State::Absent, Step::Send, today).await?;
        if s.actor.trim().is_empty() {
            return Err(Error::invalid("actor", "must not be empty"));
        }
        check_year(s.year)?;
        use chrono::Datelike;
        if s.year > today.year() {
            return Err(Error::invalid("year", "báo cáo của một năm chưa đến / a report for a year still to come"));
        }
        if self.plan().actor(&s.actor).is_none() {
            return Err(Error::invalid("actor", "không phải chủ thể của kế hoạch / not an actor of the plan"));
        }
        let org = self
            .store()
            .organisation(&s.organisation)
            .await?
            .ok_or_else(|| Error::invalid("organisation", "không có đơn vị này / no such organisation"))?;
        if let Some(a) = org.value.actor.as_deref()
            && a != s.actor
        {
            return Err(Error::invalid(
                "actor",
                "đơn vị này báo cáo với tư cách chủ thể khác của kế hoạch / this organisation reports as another actor of the plan",
            ));
        }
        let mut submitted_on = if who.principal.role == Role::Admin { s.submitted_on.unwrap_or(today) } else { today };
        if submitted_on > today {
            return Err(Error::invalid(
                "submitted_on",
                "ngày nhận không thể sau hôm nay / a report cannot be received after today",
            ));
        }
        // Received once: sent again, it keeps the day it was first received (an on-time report
        // does not become late); an administrator corrects that day by recording it again.
        if let Some(stored) = self.store().report_submission(&s.actor, &s.organisation, s.year, &s.kind).await?
            && who.principal.role != Role::Admin
        {
            submitted_on = stored.value.submitted_on;
        }
        let r = ReportSubmission {
            actor: s.actor,
            organisation: s.organisation,
            year: s.year,
            kind: s.kind,
            submitted_on,
            document_number: s.document_number,
        };
        Ok(self.store().put_report_submissions(&who.principal.user, &[r]).await?)
    }

    /// Stores duty reports (a filled report form), each with where it came from (`reports[3]`,
    /// `form.xlsx:12`), all or none: the caller must be allowed to write every organisation's
    /// records; each report is checked against the plan and the organisations on record
    /// ([`Error::Invalid`] lists every problem by where it came from).
    pub async fn put_duty_reports(&self, who: &AuthUser, items: Vec<(String, DutyReport)>) -> Result<WriteReport> {
        let mut orgs: Vec<&str> = items.iter().map(|(_, r)| r.organisation.as_str()).collect();
        orgs.sort_unstable();
        orgs.dedup();
        for org in orgs {
            require(who, Action::Write, &Resource::OrganisationRecord(org.to_owned()), false)?;
        }
        let organisations: Vec<Organisation> =
            self.store().organisations().await?.into_iter().map(|v| v.value).collect();
        let problems = xhht_report::forms::check_duty_reports(self.plan(), Some(&organisations), &items);
        if !problems.is_empty() {
            return Err(Error::Invalid(
                problems
                    .into_iter()
                    .map(|p| match p.split_once(": ") {
                        Some((at, rest)) => FieldProblem { field: at.to_owned(), message: rest.to_owned() },
                        None => FieldProblem { field: "reports".to_owned(), message: p },
                    })
                    .collect(),
            ));
        }
        let reports: Vec<DutyReport> = items.into_iter().map(|(_, r)| r).collect();
        Ok(self.store().put_duty_reports(&who.principal.user, &reports).await?)
    }
}
