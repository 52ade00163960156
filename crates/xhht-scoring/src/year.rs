//! A whole data year at once: every person's and organisation's results, from the records.
//!
//! [`evaluate_year`] takes the records of a data year ([`YearInput`]) and returns
//! [`YearResults`]: for each person, the "Công dân học tập" result and the plan's individual
//! emulation criteria (IV.1.2); for each organisation, the "Đơn vị học tập" result under the
//! regime in force for the year (with the share of members holding "Công dân học tập" rolled up
//! from the members' own results), its recognised title, and the plan's collective criteria
//! (IV.1.1). Values an indicator takes from the records ([`FactSource`]) are derived here, with
//! the reason recorded for the explanation; the rest come from assessments.
//!
//! Membership is taken as of 31 December of the data year.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use xhht_core::entity::{Membership, Memberships, Organisation, Person};
use xhht_core::record::{Assessment, Commitment, Recognition, Registration, SelfStudyPlan, SubjectRef};
use xhht_core::rulebook::{FactSource, RulebookSet, Subject};
use xhht_core::{Text, Title, format_date};

use crate::engine::Engine;
use crate::error::{Error, Result};
use crate::eval::Evaluation;
use crate::facts::{FactValue, Facts};
use crate::recognition::title_status;

/// The id of the plan rulebook whose emulation criteria the year evaluates.
pub const PLAN_RULEBOOK: &str = "ke-hoach.can-duoc-2024";
/// The id of the "Công dân học tập" rulebook.
pub const CITIZEN_RULEBOOK: &str = "cong-dan-hoc-tap";

/// The records of one data year (and the standing registers: organisations, people,
/// memberships, recognitions of earlier years).
#[derive(Debug, Clone, Copy)]
pub struct YearInput<'a> {
    /// The data year.
    pub year: i32,
    /// Every organisation.
    pub organisations: &'a [Organisation],
    /// Every person.
    pub people: &'a [Person],
    /// Every membership (any year).
    pub memberships: &'a [Membership],
    /// Registrations (any year; those of `year` are used).
    pub registrations: &'a [Registration],
    /// Commitments.
    pub commitments: &'a [Commitment],
    /// Self-study plans.
    pub self_study_plans: &'a [SelfStudyPlan],
    /// Assessments.
    pub assessments: &'a [Assessment],
    /// Recognitions (all years: a recognition of an earlier year may still hold).
    pub recognitions: &'a [Recognition],
}

/// Indexes of a year's records, for derivation without one scan per person.
#[derive(Debug)]
pub struct YearIndex<'a> {
    year: i32,
    pub(crate) day: NaiveDate,
    input: YearInput<'a>,
    memberships: Memberships<'a>,
    registered: HashSet<(&'a SubjectRef, Title)>,
    committed: HashSet<&'a str>,
    plans: HashMap<&'a str, &'a SelfStudyPlan>,
    assessments: HashMap<(&'a SubjectRef, &'a str), &'a Assessment>,
    members: HashMap<&'a str, Vec<&'a str>>,
    org_of: HashMap<&'a str, &'a str>,
}

impl<'a> YearIndex<'a> {
    /// Indexes the records of `input.year`.
    pub fn new(input: YearInput<'a>) -> Result<Self> {
        let year = input.year;
        let day = NaiveDate::from_ymd_opt(year, 12, 31)
            .ok_or_else(|| Error::NoVersion { rulebook: "-".to_owned(), what: format!("year {year} is not a date") })?;
        let memberships = Memberships::new(input.memberships).map_err(|e| Error::Unusable {
            rulebook: "-".to_owned(),
            rule: "memberships".to_owned(),
            message: e.to_string(),
        })?;
        let registered =
            input.registrations.iter().filter(|r| r.year() == year).map(|r| (r.subject(), r.title())).collect();
        let committed = input.commitments.iter().filter(|c| c.year == year).map(|c| c.person.as_str()).collect();
        let plans = input.self_study_plans.iter().filter(|p| p.year() == year).map(|p| (p.person(), p)).collect();
        let assessments =
            input.assessments.iter().filter(|a| a.year() == year).map(|a| ((a.subject(), a.rulebook()), a)).collect();
        let mut members: HashMap<&str, Vec<&str>> = HashMap::new();
        let mut org_of = HashMap::new();
        for (person, org) in memberships.all_on(day) {
            members.entry(org).or_default().push(person);
            org_of.insert(person, org);
        }
        Ok(Self { year, day, input, memberships, registered, committed, plans, assessments, members, org_of })
    }

    /// The data year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The organisation a person belongs to on 31 December.
    pub fn organisation_of(&self, person: &str) -> Option<&'a str> {
        self.org_of.get(person).copied()
    }

    /// The members of an organisation on 31 December.
    pub fn members_of(&self, org: &str) -> &[&'a str] {
        self.members.get(org).map_or(&[], Vec::as_slice)
    }

    /// The assessment of `subject` against `rulebook` in the year.
    pub fn assessment(&self, subject: &SubjectRef, rulebook: &str) -> Option<&'a Assessment> {
        self.assessments.get(&(subject, rulebook)).copied()
    }

    fn is_registered(&self, subject: &SubjectRef, title: Title) -> bool {
        self.registered.contains(&(subject, title))
    }

    /// Whether the person's self-study plan for the year was approved by the head of the
    /// person's own organisation on the approval date, and why.
    pub fn plan_approved_by_head(&self, person: &str) -> (bool, Text) {
        let Some(plan) = self.plans.get(person) else {
            return (false, Text::new("không có kế hoạch tự học của năm", "no self-study plan for the year"));
        };
        let Some(a) = plan.approval() else {
            return (
                false,
                Text::new(
                    format!(
                        "kế hoạch nộp {} chưa được phê duyệt",
                        format_date(plan.submitted_on(), xhht_core::Lang::Vi)
                    ),
                    format!("the plan submitted on {} is not approved", plan.submitted_on()),
                ),
            );
        };
        let Some(org) = self.memberships.organisation_of(person, a.on) else {
            return (
                false,
                Text::new(
                    format!(
                        "ngày phê duyệt {} người này không thuộc đơn vị nào",
                        format_date(a.on, xhht_core::Lang::Vi)
                    ),
                    format!("on the approval date {} the person belonged to no organisation", a.on),
                ),
            );
        };
        match self.memberships.head_of(org, a.on) {
            Some(head) if head == a.by => (
                true,
                Text::new(
                    format!(
                        "{} phê duyệt ngày {}, là thủ trưởng {org} ngày đó",
                        a.by,
                        format_date(a.on, xhht_core::Lang::Vi)
                    ),
                    format!("approved by {} on {}, the head of {org} that day", a.by, a.on),
                ),
            ),
            Some(head) => (
                false,
                Text::new(
                    format!(
                        "{} phê duyệt ngày {}, nhưng thủ trưởng {org} ngày đó là {head}",
                        a.by,
                        format_date(a.on, xhht_core::Lang::Vi)
                    ),
                    format!("approved by {} on {}, but the head of {org} that day was {head}", a.by, a.on),
                ),
            ),
            None => (
                false,
                Text::new(
                    format!("không có thủ trưởng {org} được ghi nhận ngày {}", format_date(a.on, xhht_core::Lang::Vi)),
                    format!("no head of {org} is recorded on {}", a.on),
                ),
            ),
        }
    }

    /// Builds the facts of `subject` for `engine`'s rulebook: assessment values first, then
    /// every derived source from the records. `holds` answers whether a person holds a title in
    /// the year (from their own results), for roll-ups.
    pub fn facts(
        &self,
        engine: &Engine,
        kind: Subject,
        subject: &SubjectRef,
        tags: Vec<String>,
        holds: &dyn Fn(&str, Title) -> bool,
    ) -> Facts {
        let rulebook = engine.rulebook().rulebook.id();
        let mut facts = match self.assessment(subject, rulebook) {
            Some(a) => Facts::from_values(engine, kind, tags, a.values()),
            None => Facts::new(engine, kind).with_tags(tags),
        };
        let indices: Vec<usize> = engine.indicators_of(kind).collect();
        for n in indices {
            let Some(source) = engine.indicators.get(n).map(|i| i.source) else { continue };
            let id = subject.id();
            match source {
                FactSource::Recorded | FactSource::Participates | FactSource::SupportsStaffLearning => {}
                FactSource::Registered(title) => {
                    facts.set_at(n, FactValue::Bool(self.is_registered(subject, title)), true);
                }
                FactSource::Committed => facts.set_at(n, FactValue::Bool(self.committed.contains(id)), true),
                FactSource::SelfStudyPlanApprovedByHead => {
                    let (ok, why) = self.plan_approved_by_head(id);
                    facts.set_at(n, FactValue::Bool(ok), true);
                    facts.set_reason(n, why);
                }
                FactSource::MembersRegisteredAndCommitted(title) => {
                    let members = self.members_of(id);
                    let num = members
                        .iter()
                        .filter(|p| {
                            self.committed.contains(**p)
                                && self.is_registered(&SubjectRef::Person((**p).to_owned()), title)
                        })
                        .count();
                    facts.set_at(n, ratio(num, members.len()), true);
                    facts.set_reason(n, members_reason(num, members.len()));
                }
                FactSource::MembersHolding(title) => {
                    let members = self.members_of(id);
                    let num = members.iter().filter(|p| holds(p, title)).count();
                    let evidence = facts.has_evidence(n) || !members.is_empty();
                    facts.set_at(n, ratio(num, members.len()), evidence);
                    facts.set_reason(n, members_reason(num, members.len()));
                }
                // Rolled up from areas and sub-units: entered by the evaluator until the area
                // registers carry citizens.
                FactSource::CitizensHolding(_) | FactSource::SubUnitsRecognised(_) => {}
                _ => {}
            }
        }
        facts
    }
}

fn ratio(num: usize, den: usize) -> FactValue {
    FactValue::Ratio { numerator: num as u64, denominator: den as u64 }
}

fn members_reason(num: usize, den: usize) -> Text {
    Text::new(format!("{num}/{den} thành viên tại ngày 31/12"), format!("{num} of {den} members on 31 December"))
}

/// A person's results for the year.
#[derive(Debug, Clone)]
pub struct PersonResult {
    /// The person's id.
    pub id: String,
    /// The person's category (the staff target counts cán bộ, công chức, viên chức, giáo viên
    /// and người lao động).
    pub category: xhht_core::entity::PersonCategory,
    /// The organisation they belong to on 31 December.
    pub organisation: Option<String>,
    /// The "Công dân học tập" evaluation, when the person was assessed.
    pub citizen: Option<Evaluation>,
    /// Whether the person registered for "Công dân học tập" in the year.
    pub registered: bool,
    /// Whether the person holds "Công dân học tập" for the year (by assessment or recognition).
    pub holds_title: bool,
    /// The plan's individual criteria (IV.1.2).
    pub criteria: Evaluation,
    /// The criteria not met, with the reason where the records give one (empty when met).
    pub criteria_unmet: Vec<Unmet>,
}

/// A plan criterion (an indicator of the plan rulebook) that is not met, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct Unmet {
    /// The indicator id, e.g. `i2`.
    pub indicator: String,
    /// Why, when the records say (e.g. who approved the plan and who the head was).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reason: Option<Text>,
}

/// The plan criteria an evaluation does not meet, from its explanation (built only on failure).
fn unmet(engine: &Engine, facts: &Facts, year: i32, e: &Evaluation) -> Vec<Unmet> {
    if e.outcome.is_some_and(|o| engine.confers_title(e.version, o)) {
        return Vec::new();
    }
    let why = engine.explain(facts, year, e);
    why.steps
        .iter()
        .filter(|s| {
            s.checks.iter().any(|c| {
                matches!(c.result, crate::StepResult::Fail | crate::StepResult::NoEvidence | crate::StepResult::Missing)
            })
        })
        .map(|s| {
            let reason = s.reason.cloned().or_else(|| {
                let source = engine.rulebook().rulebook.indicator(s.indicator).and_then(|(_, i)| i.source.as_deref());
                let missing = s.checks.iter().any(|c| matches!(c.result, crate::StepResult::Missing));
                let no_evidence = s.checks.iter().any(|c| matches!(c.result, crate::StepResult::NoEvidence));
                Some(cause(source, missing, no_evidence, year))
            });
            Unmet { indicator: s.indicator.to_owned(), reason }
        })
        .collect()
}

/// What the records lack when a plan criterion is not met and the evaluation gives no reason of
/// its own: said of the criterion's fact (`source`), for the data year.
fn cause(source: Option<&str>, missing: bool, no_evidence: bool, year: i32) -> Text {
    if no_evidence {
        return Text::new(
            format!("hồ sơ năm {year} không kèm minh chứng"),
            format!("the {year} records give no evidence for it"),
        );
    }
    match source {
        Some("committed") => Text::new(
            format!("chưa có bản cam kết học tập suốt đời được ghi nhận cho năm {year}"),
            format!("no lifelong-learning commitment is recorded for {year}"),
        ),
        Some("registered:cong-dan-hoc-tap") => Text::new(
            format!("chưa đăng ký mô hình “Công dân học tập” năm {year}"),
            format!("not registered for the “Learning Citizen” model in {year}"),
        ),
        Some("registered:don-vi-hoc-tap") => Text::new(
            format!("chưa đăng ký mô hình “Đơn vị học tập” năm {year}"),
            format!("not registered for the “Learning Unit” model in {year}"),
        ),
        Some("participates") => Text::new(
            format!(
                "hồ sơ năm {year} không ghi nhận việc tham gia xây dựng xã hội học tập ở cơ quan, đơn vị, địa phương"
            ),
            format!("the {year} records do not show taking part in building the learning society"),
        ),
        Some("supports-staff-learning") => Text::new(
            format!(
                "hồ sơ năm {year} không ghi nhận việc hỗ trợ, tạo điều kiện cho cán bộ, người lao động học tập, bồi dưỡng"
            ),
            format!("the {year} records do not show support for the staff's study and training"),
        ),
        _ if missing => Text::new(
            format!("chưa có hồ sơ cho tiêu chí này trong năm {year}"),
            format!("no record for this criterion in {year}"),
        ),
        _ => Text::new(format!("hồ sơ năm {year} ghi là chưa đạt"), format!("the {year} records say not met")),
    }
}

/// An organisation's results for the year.
#[derive(Debug, Clone)]
pub struct OrgResult {
    /// The organisation's code.
    pub code: String,
    /// The rulebook governing "Đơn vị học tập" for the year, if any.
    pub unit_rulebook: Option<String>,
    /// The self-assessment against it, when assessed.
    pub unit: Option<Evaluation>,
    /// The level of "Đơn vị học tập" held in the year by a recognition decision (1 for titles
    /// without levels), if any.
    pub title_level: Option<u8>,
    /// True when the held recognition covers this year for the last time.
    pub title_expires_after_year: bool,
    /// The last data year the held recognition covers.
    pub title_held_until: Option<i32>,
    /// The decision number of the held recognition.
    pub title_decision: Option<String>,
    /// The plan's collective criteria (IV.1.1).
    pub criteria: Evaluation,
    /// The criteria not met (empty when met).
    pub criteria_unmet: Vec<Unmet>,
}

/// Every result of a data year.
#[derive(Debug, Clone)]
pub struct YearResults {
    /// The data year.
    pub year: i32,
    /// One per person, in input order.
    pub people: Vec<PersonResult>,
    /// One per organisation existing on 31 December, in input order.
    pub organisations: Vec<OrgResult>,
}

/// The engines a year needs, built once.
#[derive(Debug, Clone)]
pub struct YearEngines {
    /// The plan's rulebook.
    pub plan: Engine,
    /// "Công dân học tập".
    pub citizen: Engine,
    /// Every rulebook deciding "Đơn vị học tập", by id.
    pub unit: HashMap<String, Engine>,
    /// The set they came from.
    pub set: &'static RulebookSet,
}

impl YearEngines {
    /// Builds the engines from the shipped rulebooks.
    pub fn builtin() -> Result<Self> {
        let set = RulebookSet::builtin();
        let get = |id: &str| -> Result<Engine> {
            Engine::new(set.get(id).map_err(|e| Error::Unusable {
                rulebook: id.to_owned(),
                rule: String::new(),
                message: e.to_string(),
            })?)
        };
        let unit = set
            .iter()
            .filter(|b| b.rulebook.rulebook.decides == Some(Title::DonViHocTap))
            .map(|b| Ok((b.rulebook.id().to_owned(), Engine::new(b)?)))
            .collect::<Result<_>>()?;
        Ok(Self { plan: get(PLAN_RULEBOOK)?, citizen: get(CITIZEN_RULEBOOK)?, unit, set })
    }

    /// The "Đơn vị học tập" engine in force for `year`.
    pub fn unit_for(&self, year: i32) -> Option<&Engine> {
        let id = self.set.regime_for(Title::DonViHocTap, Subject::Organisation, year)?.rulebook.id();
        self.unit.get(id)
    }
}

/// Evaluates a whole data year. People are evaluated in parallel; organisations follow (their
/// roll-ups need the people's results).
pub fn evaluate_year(engines: &YearEngines, input: YearInput<'_>) -> Result<YearResults> {
    use rayon::prelude::*;
    let index = YearIndex::new(input)?;
    let year = input.year;
    let no_holds = |_: &str, _: Title| false;
    let people: Vec<PersonResult> =
        input.people.par_iter().map(|p| person_result(engines, &index, p, &no_holds)).collect::<Result<_>>()?;
    let holding: HashSet<&str> = people.iter().filter(|r| r.holds_title).map(|r| r.id.as_str()).collect();
    let holds = |p: &str, t: Title| t == Title::CongDanHocTap && holding.contains(p);
    let organisations: Vec<OrgResult> = input
        .organisations
        .par_iter()
        .filter(|o| o.valid.contains(index.day))
        .map(|o| org_result(engines, &index, o, &holds))
        .collect::<Result<_>>()?;
    Ok(YearResults { year, people, organisations })
}

/// The tags a person's rulebook indicators select by (`category:giao-vien`…).
pub fn person_tags(person: &Person) -> Vec<String> {
    vec![format!("category:{}", person.category.id())]
}

/// One person's results (also what `explain` rebuilds for a single person).
pub fn person_result(
    engines: &YearEngines,
    index: &YearIndex<'_>,
    person: &Person,
    holds: &dyn Fn(&str, Title) -> bool,
) -> Result<PersonResult> {
    let year = index.year;
    let subject = SubjectRef::Person(person.id.clone());
    let tags = person_tags(person);
    let citizen = match index.assessment(&subject, CITIZEN_RULEBOOK) {
        Some(_) => {
            let f = index.facts(&engines.citizen, Subject::Person, &subject, tags.clone(), holds);
            Some(engines.citizen.evaluate(&f, year)?)
        }
        None => None,
    };
    let by_assessment =
        citizen.as_ref().is_some_and(|e| e.outcome.is_some_and(|o| engines.citizen.confers_title(e.version, o)));
    let by_decision =
        title_status(engines.set, index.input.recognitions, &subject, Title::CongDanHocTap, year).held.is_some();
    let f = index.facts(&engines.plan, Subject::Person, &subject, tags, holds);
    let criteria = engines.plan.evaluate(&f, year)?;
    let criteria_unmet = unmet(&engines.plan, &f, year, &criteria);
    Ok(PersonResult {
        id: person.id.clone(),
        category: person.category,
        organisation: index.organisation_of(&person.id).map(str::to_owned),
        registered: index.is_registered(&subject, Title::CongDanHocTap),
        holds_title: by_assessment || by_decision,
        citizen,
        criteria,
        criteria_unmet,
    })
}

/// One organisation's results.
pub fn org_result(
    engines: &YearEngines,
    index: &YearIndex<'_>,
    org: &Organisation,
    holds: &dyn Fn(&str, Title) -> bool,
) -> Result<OrgResult> {
    let year = index.year;
    let subject = SubjectRef::Organisation(org.code.clone());
    let tags = org.tags();
    let unit_engine = engines.unit_for(year);
    let unit = match (unit_engine, unit_engine.and_then(|e| index.assessment(&subject, e.rulebook().rulebook.id()))) {
        (Some(e), Some(_)) => {
            let f = index.facts(e, Subject::Organisation, &subject, tags.clone(), holds);
            Some(e.evaluate(&f, year)?)
        }
        _ => None,
    };
    let status = title_status(engines.set, index.input.recognitions, &subject, Title::DonViHocTap, year);
    let f = index.facts(&engines.plan, Subject::Organisation, &subject, tags, holds);
    let criteria = engines.plan.evaluate(&f, year)?;
    let criteria_unmet = unmet(&engines.plan, &f, year, &criteria);
    Ok(OrgResult {
        code: org.code.clone(),
        unit_rulebook: unit_engine.map(|e| e.rulebook().rulebook.id().to_owned()),
        unit,
        title_level: status.level(),
        title_expires_after_year: status.expires_after(year),
        title_held_until: status.held_until,
        title_decision: status.held.map(|r| r.decision_number().to_owned()),
        criteria,
        criteria_unmet,
    })
}
