//! The plan of the movement as a value.
//!
//! A [`Plan`] holds every section of a local plan for the emulation movement — legal bases,
//! purposes and requirements, targets, emulation contents, collective and individual criteria,
//! reward forms, solutions, phases, funding, the actors with their duties, the reporting regime
//! and the recipients — each element with its stable id (the ids of `plan.en.md`) and its text in
//! Vietnamese and English.
//!
//! The plan of Cần Đước (February 2024) ships embedded ([`Plan::can_duoc_2024`]); other plans load
//! from a TOML file of the same shape ([`Plan::from_toml`]). The plan is the *document*: what its
//! rules mean for a given year (who meets a criterion, how far a target is) lives in the rulebook
//! `ke-hoach.can-duoc-2024`, whose citations point back at these ids.

use std::collections::BTreeMap;
use std::sync::OnceLock;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decimal::de_decimal;
use crate::error::{Error, Result};
use crate::text::{Lang, Text, format_date};

/// The embedded plan of the Cần Đước district steering committee.
const CAN_DUOC_2024: &str = include_str!("../data/plans/can-duoc-2024.toml");

/// A local plan for the emulation movement "building a learning society, promoting lifelong
/// learning, 2023–2030".
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// The plan's identity: number, date, issuer, signer, title.
    pub meta: PlanMeta,
    /// Legal bases (`basis.*`).
    pub bases: Vec<Basis>,
    /// Purposes (`purpose.*`).
    pub purposes: Vec<Item>,
    /// Requirements (`requirement.*`).
    pub requirements: Vec<Item>,
    /// Targets to reach (`target.*`).
    pub targets: Vec<PlanTarget>,
    /// The six emulation contents (`content.*`).
    pub contents: Vec<Item>,
    /// Emulation criteria for collectives (`criterion.collective.*`).
    pub collective_criteria: Vec<Item>,
    /// Emulation criteria for individuals (`criterion.individual.*`).
    pub individual_criteria: Vec<Item>,
    /// Reward forms (`reward.*`).
    pub rewards: Vec<RewardForm>,
    /// Solutions (`solution.*`).
    pub solutions: Vec<Item>,
    /// The phases of the movement (`phase.*`).
    pub phases: Vec<Phase>,
    /// Funding sources (`funding.*`).
    pub funding: Vec<Item>,
    /// The actors and their duties (`actor.*`).
    pub actors: Vec<Actor>,
    /// The reporting regime (`reporting.*`).
    pub reporting: Reporting,
    /// Who receives the plan (`recipient.*`).
    pub recipients: Vec<Item>,
}

/// The identity of a plan document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanMeta {
    /// A short stable id of the plan, e.g. `can-duoc-2024`.
    pub id: String,
    /// Number and symbol as printed; the Cần Đước plan left the number blank (`…/KH-BCĐ`).
    pub number: String,
    /// The title of the plan.
    pub title: Text,
    /// The issuing body.
    pub issuer: Text,
    /// Place and date as printed (the day may be blank).
    pub place_date: Text,
    /// The first day of the month the plan is dated (used where a date is needed).
    #[serde(deserialize_with = "crate::date::de_date")]
    pub dated: NaiveDate,
    /// Who signed, and in what capacity.
    pub signer: Text,
    /// The motto the plan spreads.
    pub motto: Text,
    /// The area the plan governs, by official code (see [`crate::area`]).
    pub area_code: String,
    /// The first and last years of the movement the plan covers.
    pub years: [i32; 2],
    /// The first day the plan is in force (absent: the day it is dated).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::date::de_opt_date")]
    pub valid_from: Option<NaiveDate>,
    /// The last day it is in force (absent: 31 December of its last year). The Cần Đước plan
    /// holds until 30/06/2025, when the district tier that issued it ended.
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::date::de_opt_date")]
    pub valid_until: Option<NaiveDate>,
    /// The plan it carries on from (its id), for a successor plan.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub succeeds: Option<String>,
    /// A notice printed with the plan wherever it is cited (e.g. that it is synthetic, or which
    /// of its parts are assumed).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notice: Option<Text>,
}

/// A legal basis of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Basis {
    /// Stable id, e.g. `basis.qd-1315`.
    pub id: String,
    /// Number and symbol, e.g. `Quyết định 1315/QĐ-TTg`.
    pub document: String,
    /// Date signed.
    #[serde(deserialize_with = "crate::date::de_date")]
    pub date: NaiveDate,
    /// Issuer.
    pub issuer: Text,
    /// What it is.
    pub text: Text,
}

/// A numbered element with text only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Item {
    /// Stable id, e.g. `content.3`.
    pub id: String,
    /// A short heading.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The text.
    pub text: Text,
}

/// A target of the plan, as the document states it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PlanTarget {
    /// Stable id, e.g. `target.unit-title`.
    pub id: String,
    /// Who is counted.
    pub measured_over: Text,
    /// The text of the target.
    pub text: Text,
    /// The share to reach, in percent.
    #[serde(deserialize_with = "de_decimal")]
    pub share: Decimal,
    /// The year by which it is reached.
    pub by_year: i32,
}

/// How often a reward is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Cadence {
    /// Every year.
    Annual,
    /// At the close of a phase.
    Phase,
}

/// A reward form of the plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardForm {
    /// Stable id, e.g. `reward.annual`.
    pub id: String,
    /// How often.
    pub cadence: Cadence,
    /// The text.
    pub text: Text,
}

/// The kind of review that closes a phase.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReviewKind {
    /// Sơ kết: a preliminary review.
    Preliminary,
    /// Tổng kết: the final review.
    Final,
}

/// A phase of the movement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Stable id, e.g. `phase.1`.
    pub id: String,
    /// The first year.
    pub from_year: i32,
    /// The last year.
    pub to_year: i32,
    /// The year of the review that closes it.
    pub review_year: i32,
    /// Which review.
    pub review: ReviewKind,
    /// What happens in it.
    pub text: Text,
}

impl Phase {
    /// True when `year` falls in this phase.
    pub fn contains(&self, year: i32) -> bool {
        (self.from_year..=self.to_year).contains(&year)
    }
}

/// The role an actor plays in a duty.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DutyRole {
    /// Chủ trì: leads the duty.
    Lead,
    /// Phối hợp: coordinates with the lead.
    Coordinate,
    /// Thực hiện: carries it out alone.
    Perform,
}

/// A duty of an actor.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Duty {
    /// Stable id, e.g. `actor.phong-gddt.3`.
    pub id: String,
    /// The actor's role in it.
    pub role: DutyRole,
    /// What is to be done.
    pub text: Text,
    /// The other actors it is done with (ids of [`Actor`]s, or free text in `partners_other`).
    #[serde(default)]
    pub partners: Vec<String>,
    /// Partners named in the plan that are not among the ten actors.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub partners_other: Vec<Text>,
    /// What the actor's annual report should give for this duty (fields of its report form).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub report_fields: Vec<ReportField>,
}

/// A field of an actor's annual report form for one duty.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportField {
    /// Stable id inside the duty, e.g. `rural-workers-trained`.
    pub id: String,
    /// The label on the form.
    pub label: Text,
    /// Whether the value is a number (a count) or free text.
    #[serde(default)]
    pub numeric: bool,
}

/// One of the actors of the plan (section VIII.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Actor {
    /// Stable id, e.g. `actor.phong-gddt`.
    pub id: String,
    /// The section of the plan that assigns the duties, e.g. `VIII.1.1`.
    pub section: String,
    /// Full name.
    pub name: Text,
    /// Short name, e.g. `Phòng GD&ĐT`.
    pub short: Text,
    /// True for the standing body of the steering committee (it collects the reports).
    #[serde(default)]
    pub standing_body: bool,
    /// True when the actor stands for several bodies (e.g. every commune People's Committee).
    #[serde(default)]
    pub collective: bool,
    /// The duties.
    pub duties: Vec<Duty>,
}

/// How an annual deadline is read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum DeadlineReading {
    /// "trước ngày D": the report must arrive strictly before day D (D itself is late).
    #[default]
    Before,
    /// "đến ngày D" / "chậm nhất ngày D": day D itself is on time.
    OnOrBefore,
}

impl DeadlineReading {
    /// True when something dated `on` meets `deadline` under this reading.
    pub fn is_met(self, on: NaiveDate, deadline: NaiveDate) -> bool {
        match self {
            Self::Before => on < deadline,
            Self::OnOrBefore => on <= deadline,
        }
    }

    /// The last day that meets `deadline` under this reading.
    pub fn last_day(self, deadline: NaiveDate) -> NaiveDate {
        match self {
            Self::Before => deadline.pred_opt().unwrap_or(deadline),
            Self::OnOrBefore => deadline,
        }
    }

    /// Says the deadline in words: "trước 10/12/2026" / "before 2026-12-10", or
    /// "đến hết 10/12/2026" / "by 2026-12-10 inclusive".
    pub fn describe(self, deadline: NaiveDate, lang: Lang) -> String {
        let d = format_date(deadline, lang);
        match (self, lang) {
            (Self::Before, Lang::Vi) => format!("trước {d}"),
            (Self::Before, Lang::En) => format!("before {d}"),
            (Self::OnOrBefore, Lang::Vi) => format!("đến hết {d}"),
            (Self::OnOrBefore, Lang::En) => format!("by {d} inclusive"),
        }
    }
}

/// A day of the year, relative to a data year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualDate {
    /// Month, 1–12.
    pub month: u32,
    /// Day of the month.
    pub day: u32,
    /// 0 for the data year itself, 1 for the following year (e.g. a dossier due 15 January).
    #[serde(default)]
    pub year_offset: i32,
}

impl AnnualDate {
    /// The date for data year `year`, or `None` if the day does not exist in that year.
    pub fn in_year(self, year: i32) -> Option<NaiveDate> {
        NaiveDate::from_ymd_opt(year + self.year_offset, self.month, self.day)
    }
}

/// The annual report obligation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AnnualReporting {
    /// Stable id: `reporting.annual`.
    pub id: String,
    /// The deadline.
    pub deadline: AnnualDate,
    /// The words of the plan for the deadline, e.g. "trước ngày 10/12 hàng năm".
    pub wording: Text,
    /// The actor that receives the reports.
    pub receiver: String,
    /// The actors that must report.
    pub reporters: Vec<String>,
    /// The text.
    pub text: Text,
}

/// The synthesis the standing body sends upward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SynthesisReporting {
    /// Stable id: `reporting.synthesis`.
    pub id: String,
    /// The actor that synthesises.
    pub by: String,
    /// Who receives the synthesis.
    pub to: Vec<Text>,
    /// The text.
    pub text: Text,
}

/// The reporting regime (section VIII.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Reporting {
    /// The annual report of every actor.
    pub annual: AnnualReporting,
    /// The synthesis.
    pub synthesis: SynthesisReporting,
}

/// What a plan id names, returned by [`Plan::find`].
#[derive(Debug, Clone, Copy)]
#[non_exhaustive]
pub enum PlanElement<'a> {
    /// A legal basis.
    Basis(&'a Basis),
    /// A purpose, requirement, content, criterion, solution, funding source or recipient.
    Item(&'a Item),
    /// A target.
    Target(&'a PlanTarget),
    /// A reward form.
    Reward(&'a RewardForm),
    /// A phase.
    Phase(&'a Phase),
    /// An actor.
    Actor(&'a Actor),
    /// A duty of an actor.
    Duty(&'a Actor, &'a Duty),
    /// The annual report obligation.
    AnnualReporting(&'a AnnualReporting),
    /// The synthesis.
    SynthesisReporting(&'a SynthesisReporting),
}

impl<'a> PlanElement<'a> {
    /// The element's main text.
    pub fn text(&self) -> &'a Text {
        match self {
            Self::Basis(b) => &b.text,
            Self::Item(i) => &i.text,
            Self::Target(t) => &t.text,
            Self::Reward(r) => &r.text,
            Self::Phase(p) => &p.text,
            Self::Actor(a) => &a.name,
            Self::Duty(_, d) => &d.text,
            Self::AnnualReporting(r) => &r.text,
            Self::SynthesisReporting(r) => &r.text,
        }
    }
}

impl Plan {
    /// The plan of the Cần Đước district steering committee, February 2024, embedded in the crate.
    pub fn can_duoc_2024() -> &'static Plan {
        static PLAN: OnceLock<Plan> = OnceLock::new();
        PLAN.get_or_init(|| {
            #[allow(clippy::expect_used, reason = "embedded data, checked by this crate's tests")]
            Plan::from_toml(CAN_DUOC_2024, "can-duoc-2024.toml (embedded)")
                .expect("the embedded plan parses and validates")
        })
    }

    /// Parses and checks a plan from TOML text; `origin` names the file in errors, and each
    /// problem about an element names the line where the element's id is written
    /// (`plan.toml:120: actor.x.2: partner …`).
    pub fn from_toml(src: &str, origin: &str) -> Result<Plan> {
        let plan: Plan = toml::from_str(src).map_err(|e| Error::toml(origin, src, &e))?;
        let problems = plan.check();
        if problems.is_empty() {
            Ok(plan)
        } else {
            let problems = problems.into_iter().map(|p| located(src, origin, p)).collect();
            Err(Error::InvalidPlan { origin: origin.to_owned(), problems })
        }
    }

    /// The first and the last day the plan is in force: from `valid_from` (else the day it is
    /// dated) to `valid_until` (else 31 December of its last year).
    pub fn in_force(&self) -> (NaiveDate, NaiveDate) {
        let from = self.meta.valid_from.unwrap_or(self.meta.dated);
        let last = NaiveDate::from_ymd_opt(self.meta.years[1], 12, 31).unwrap_or(NaiveDate::MAX);
        (from, self.meta.valid_until.unwrap_or(last))
    }

    /// Whether the plan is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        let (from, until) = self.in_force();
        from <= day && day <= until
    }

    /// Every element with its id, in document order.
    pub fn elements(&self) -> Vec<(&str, PlanElement<'_>)> {
        let mut out: Vec<(&str, PlanElement<'_>)> = Vec::new();
        out.extend(self.bases.iter().map(|b| (b.id.as_str(), PlanElement::Basis(b))));
        for list in [&self.purposes, &self.requirements] {
            out.extend(list.iter().map(|i| (i.id.as_str(), PlanElement::Item(i))));
        }
        out.extend(self.targets.iter().map(|t| (t.id.as_str(), PlanElement::Target(t))));
        for list in [&self.contents, &self.collective_criteria, &self.individual_criteria] {
            out.extend(list.iter().map(|i| (i.id.as_str(), PlanElement::Item(i))));
        }
        out.extend(self.rewards.iter().map(|r| (r.id.as_str(), PlanElement::Reward(r))));
        out.extend(self.solutions.iter().map(|i| (i.id.as_str(), PlanElement::Item(i))));
        out.extend(self.phases.iter().map(|p| (p.id.as_str(), PlanElement::Phase(p))));
        out.extend(self.funding.iter().map(|i| (i.id.as_str(), PlanElement::Item(i))));
        for a in &self.actors {
            out.push((a.id.as_str(), PlanElement::Actor(a)));
            out.extend(a.duties.iter().map(|d| (d.id.as_str(), PlanElement::Duty(a, d))));
        }
        out.push((self.reporting.annual.id.as_str(), PlanElement::AnnualReporting(&self.reporting.annual)));
        out.push((self.reporting.synthesis.id.as_str(), PlanElement::SynthesisReporting(&self.reporting.synthesis)));
        out.extend(self.recipients.iter().map(|i| (i.id.as_str(), PlanElement::Item(i))));
        out
    }

    /// The element with this id, if any.
    pub fn find(&self, id: &str) -> Option<PlanElement<'_>> {
        self.elements().into_iter().find(|(i, _)| *i == id).map(|(_, e)| e)
    }

    /// True when `id` names an element of the plan.
    pub fn contains_id(&self, id: &str) -> bool {
        self.find(id).is_some()
    }

    /// The actor with this id.
    pub fn actor(&self, id: &str) -> Option<&Actor> {
        self.actors.iter().find(|a| a.id == id)
    }

    /// The phase containing `year`.
    pub fn phase_of(&self, year: i32) -> Option<&Phase> {
        self.phases.iter().find(|p| p.contains(year))
    }

    /// The deadline of the annual report for data year `year`.
    pub fn annual_report_deadline(&self, year: i32) -> Option<NaiveDate> {
        self.reporting.annual.deadline.in_year(year)
    }

    /// Internal consistency: unique ids, complete bilingual text, known actor references,
    /// phases that tile the plan's years. Returns one message per problem.
    pub fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for (id, el) in self.elements() {
            *seen.entry(id).or_default() += 1;
            if id.trim().is_empty() {
                problems.push("an element has an empty id".to_owned());
            }
            if el.text().is_incomplete() {
                problems.push(format!("{id}: the Vietnamese or English text is empty"));
            }
        }
        for (id, n) in seen {
            if n > 1 {
                problems.push(format!("{id}: the id is used {n} times"));
            }
        }
        let known_actor = |id: &str| self.actors.iter().any(|a| a.id == id);
        for a in &self.actors {
            for d in &a.duties {
                for p in &d.partners {
                    if !known_actor(p) {
                        problems.push(format!("{}: partner `{p}` is not an actor of the plan", d.id));
                    }
                }
            }
        }
        let r = &self.reporting.annual;
        if !known_actor(&r.receiver) {
            problems.push(format!("{}: receiver `{}` is not an actor of the plan", r.id, r.receiver));
        }
        for p in &r.reporters {
            if !known_actor(p) {
                problems.push(format!("{}: reporter `{p}` is not an actor of the plan", r.id));
            }
        }
        if !known_actor(&self.reporting.synthesis.by) {
            problems.push(format!(
                "{}: `{}` is not an actor of the plan",
                self.reporting.synthesis.id, self.reporting.synthesis.by
            ));
        }
        if r.deadline.in_year(self.meta.years[0]).is_none() {
            problems.push(format!("{}: the deadline is not a day of the year", r.id));
        }
        let mut phases: Vec<&Phase> = self.phases.iter().collect();
        phases.sort_by_key(|p| p.from_year);
        let mut next = self.meta.years[0];
        for p in &phases {
            if p.from_year != next {
                problems.push(format!(
                    "{}: starts in {} but the previous phase ends in {}",
                    p.id,
                    p.from_year,
                    next - 1
                ));
            }
            if p.to_year < p.from_year || !(p.from_year..=p.to_year).contains(&p.review_year) {
                problems.push(format!("{}: the years or the review year are out of order", p.id));
            }
            next = p.to_year + 1;
        }
        if next != self.meta.years[1] + 1 {
            problems.push(format!("the phases end in {} but the plan runs to {}", next - 1, self.meta.years[1]));
        }
        let (from, until) = self.in_force();
        if until < from {
            problems.push(format!("meta: valid_until {until} is before the plan is in force ({from})"));
        }
        if self.meta.succeeds.as_deref() == Some(self.meta.id.as_str()) {
            problems.push("meta: a plan cannot succeed itself".to_owned());
        }
        if self.meta.notice.as_ref().is_some_and(Text::is_incomplete) {
            problems.push("meta: the notice needs both vi and en".to_owned());
        }
        problems
    }
}

/// `problem` prefixed with `origin:LINE` where the id it starts with (`actor.x.2: …`) is
/// written in `src` as `id = "…"`; `meta:` problems point at `[meta]`.
fn located(src: &str, origin: &str, problem: String) -> String {
    let Some((id, _)) = problem.split_once(": ") else { return format!("{origin}: {problem}") };
    let needle = if id == "meta" { "[meta]".to_owned() } else { format!("id = \"{id}\"") };
    match src.lines().position(|l| l.trim_start().starts_with(&needle)) {
        Some(n) => format!("{origin}:{}: {problem}", n + 1),
        None => format!("{origin}: {problem}"),
    }
}

#[cfg(test)]
mod tests;
