//! Yearly records: what happened in a data year.
//!
//! Registrations for a title, lifelong-learning commitments, self-study plans and their approval,
//! assessments (indicator values entered by an evaluator), recognitions, annual report
//! submissions, reward proposals and their verification. Records whose parts must agree are
//! built through constructors that refuse inconsistent parts — an approval dated before the
//! plan was submitted, a recognition valid until before its decision, a verification before the
//! proposal — with an [`Error::Invalid`] naming the record and the field. Deserializing goes
//! through the same constructors.

use std::collections::BTreeSet;
use std::fmt;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::title::Title;

mod reward;
mod study;

pub use reward::{Decision, DecisionOutcome, RewardProposal, Verification, VerificationOutcome};
pub use study::{Approval, MAX_PLAN_TEXT, PlanState, SelfStudyPlan};

/// Who a record is about.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(tag = "kind", content = "id", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SubjectRef {
    /// A person, by id.
    Person(String),
    /// An organisation, by code.
    Organisation(String),
    /// A household, by id.
    Household(String),
    /// A clan, by id.
    Clan(String),
    /// A hamlet community, by id.
    Community(String),
    /// An administrative area (commune, district, province), by code.
    Area(String),
}

impl SubjectRef {
    /// The id or code.
    pub fn id(&self) -> &str {
        match self {
            Self::Person(s)
            | Self::Organisation(s)
            | Self::Household(s)
            | Self::Clan(s)
            | Self::Community(s)
            | Self::Area(s) => s,
        }
    }
}

impl fmt::Display for SubjectRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let kind = match self {
            Self::Person(_) => "person",
            Self::Organisation(_) => "organisation",
            Self::Household(_) => "household",
            Self::Clan(_) => "clan",
            Self::Community(_) => "community",
            Self::Area(_) => "area",
        };
        write!(f, "{kind} {}", self.id())
    }
}

/// `entity` names the record in the error; it is only built when there is one.
fn check_year(entity: impl FnOnce() -> String, year: i32) -> Result<()> {
    if (2000..=2100).contains(&year) {
        Ok(())
    } else {
        Err(Error::invalid(entity(), "year", format!("{year} is not a plausible data year (2000–2100)")))
    }
}

/// A registration for a title in a data year (đăng ký).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRegistration", into = "RawRegistration")]
pub struct Registration {
    subject: SubjectRef,
    title: Title,
    year: i32,
    date: NaiveDate,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRegistration {
    subject: SubjectRef,
    title: Title,
    year: i32,
    #[serde(deserialize_with = "crate::date::de_date")]
    date: NaiveDate,
}

impl Registration {
    /// A registration made on `date` for data year `year`. The date must fall in the data year
    /// or the year before it (registrations open at the start of the year, sometimes late in
    /// the previous one), and the title must suit the subject.
    pub fn new(subject: SubjectRef, title: Title, year: i32, date: NaiveDate) -> Result<Self> {
        let entity = || format!("registration of {subject} for {title} {year}");
        check_year(entity, year)?;
        if date.year() != year && date.year() != year - 1 {
            return Err(Error::invalid(entity(), "date", format!("{date} is not in {year} or the year before")));
        }
        let fits = matches!(
            (&subject, title),
            (SubjectRef::Person(_), Title::CongDanHocTap)
                | (SubjectRef::Organisation(_), Title::DonViHocTap)
                | (SubjectRef::Household(_), Title::GiaDinhHocTap)
                | (SubjectRef::Clan(_), Title::DongHoHocTap)
                | (SubjectRef::Community(_) | SubjectRef::Area(_), Title::CongDongHocTap)
        );
        if !fits {
            return Err(Error::invalid(entity(), "title", format!("a {subject} cannot hold the title {title}")));
        }
        Ok(Self { subject, title, year, date })
    }

    /// Who registered.
    pub fn subject(&self) -> &SubjectRef {
        &self.subject
    }

    /// For which title.
    pub fn title(&self) -> Title {
        self.title
    }

    /// For which data year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// When.
    pub fn date(&self) -> NaiveDate {
        self.date
    }
}

impl TryFrom<RawRegistration> for Registration {
    type Error = Error;
    fn try_from(r: RawRegistration) -> Result<Self> {
        Self::new(r.subject, r.title, r.year, r.date)
    }
}

impl From<Registration> for RawRegistration {
    fn from(r: Registration) -> Self {
        Self { subject: r.subject, title: r.title, year: r.year, date: r.date }
    }
}

/// A person's lifelong-learning commitment for a data year (cam kết học tập suốt đời).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Commitment {
    /// The person.
    pub person: String,
    /// The data year.
    pub year: i32,
    /// When it was signed.
    #[serde(deserialize_with = "crate::date::de_date")]
    pub date: NaiveDate,
}

/// A value entered for an indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", content = "value", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Value {
    /// A yes/no fact.
    YesNo(bool),
    /// A score.
    Score(Decimal),
    /// A share as counts: how many of how many.
    Share {
        /// Members meeting the condition.
        numerator: u64,
        /// Members counted.
        denominator: u64,
    },
    /// A share given directly, in percent.
    Percent(Decimal),
    /// A count.
    Count(u64),
    /// A date.
    Date(NaiveDate),
}

/// One indicator's value in an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct IndicatorValue {
    /// The indicator id in the rulebook.
    pub indicator: String,
    /// The value.
    pub value: Value,
    /// The evidence (minh chứng) cited for it, e.g. a document number or file name.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub evidence: Option<String>,
}

/// An assessment: indicator values entered by an evaluator for one subject and data year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawAssessment", into = "RawAssessment")]
pub struct Assessment {
    subject: SubjectRef,
    rulebook: String,
    year: i32,
    evaluator: String,
    date: NaiveDate,
    values: Vec<IndicatorValue>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawAssessment {
    subject: SubjectRef,
    rulebook: String,
    year: i32,
    evaluator: String,
    #[serde(deserialize_with = "crate::date::de_date")]
    date: NaiveDate,
    values: Vec<IndicatorValue>,
}

impl Assessment {
    /// An assessment; refused when an indicator appears twice or the date is before the data
    /// year began. Whether the indicators exist in the rulebook, and whether their values are
    /// in range, is for the rules engine to diagnose.
    pub fn new(
        subject: SubjectRef,
        rulebook: impl Into<String>,
        year: i32,
        evaluator: impl Into<String>,
        date: NaiveDate,
        values: Vec<IndicatorValue>,
    ) -> Result<Self> {
        let rulebook = rulebook.into();
        let entity = || format!("assessment of {subject} ({rulebook}, {year})");
        check_year(entity, year)?;
        if date.year() < year {
            return Err(Error::invalid(entity(), "date", format!("{date} is before the data year {year} began")));
        }
        let mut seen = BTreeSet::new();
        for v in &values {
            if !seen.insert(v.indicator.as_str()) {
                return Err(Error::invalid(entity(), "values", format!("indicator `{}` is given twice", v.indicator)));
            }
        }
        Ok(Self { subject, rulebook, year, evaluator: evaluator.into(), date, values })
    }

    /// Who is assessed.
    pub fn subject(&self) -> &SubjectRef {
        &self.subject
    }

    /// Against which rulebook.
    pub fn rulebook(&self) -> &str {
        &self.rulebook
    }

    /// The data year.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// Who entered the values.
    pub fn evaluator(&self) -> &str {
        &self.evaluator
    }

    /// When.
    pub fn date(&self) -> NaiveDate {
        self.date
    }

    /// The values.
    pub fn values(&self) -> &[IndicatorValue] {
        &self.values
    }

    /// The value of one indicator.
    pub fn value(&self, indicator: &str) -> Option<&IndicatorValue> {
        self.values.iter().find(|v| v.indicator == indicator)
    }
}

impl TryFrom<RawAssessment> for Assessment {
    type Error = Error;
    fn try_from(r: RawAssessment) -> Result<Self> {
        Self::new(r.subject, r.rulebook, r.year, r.evaluator, r.date, r.values)
    }
}

impl From<Assessment> for RawAssessment {
    fn from(a: Assessment) -> Self {
        Self {
            subject: a.subject,
            rulebook: a.rulebook,
            year: a.year,
            evaluator: a.evaluator,
            date: a.date,
            values: a.values,
        }
    }
}

/// A recognition decision (quyết định công nhận).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(try_from = "RawRecognition", into = "RawRecognition")]
pub struct Recognition {
    subject: SubjectRef,
    title: Title,
    level: Option<u8>,
    year: i32,
    decision_number: String,
    decision_date: NaiveDate,
    authority: String,
    valid_until: Option<NaiveDate>,
}

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawRecognition {
    subject: SubjectRef,
    title: Title,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    level: Option<u8>,
    year: i32,
    decision_number: String,
    #[serde(deserialize_with = "crate::date::de_date")]
    decision_date: NaiveDate,
    authority: String,
    #[serde(default, deserialize_with = "crate::date::de_opt_date", skip_serializing_if = "Option::is_none")]
    valid_until: Option<NaiveDate>,
}

impl Recognition {
    /// A recognition of `subject` for `title` (at `level` when the rulebook has levels) for data
    /// year `year`, by decision `decision_number` of `decision_date` signed by `authority`.
    /// Refused when the decision is dated before the data year began, the decision number is
    /// empty, the level is 0, or `valid_until` is before the decision.
    #[allow(clippy::too_many_arguments, reason = "a decision has this many parts")]
    pub fn new(
        subject: SubjectRef,
        title: Title,
        level: Option<u8>,
        year: i32,
        decision_number: impl Into<String>,
        decision_date: NaiveDate,
        authority: impl Into<String>,
        valid_until: Option<NaiveDate>,
    ) -> Result<Self> {
        let decision_number = decision_number.into();
        let entity = || format!("recognition {decision_number} of {subject}");
        check_year(entity, year)?;
        if decision_number.trim().is_empty() {
            return Err(Error::invalid(entity(), "decision_number", "the decision number is empty"));
        }
        if level == Some(0) {
            return Err(Error::invalid(entity(), "level", "levels start at 1"));
        }
        if decision_date.year() < year {
            return Err(Error::invalid(
                entity(),
                "decision_date",
                format!("{decision_date} is before the data year {year}"),
            ));
        }
        if let Some(until) = valid_until
            && until < decision_date
        {
            return Err(Error::invalid(
                entity(),
                "valid_until",
                format!("{until} is before the decision date {decision_date}"),
            ));
        }
        Ok(Self {
            subject,
            title,
            level,
            year,
            decision_number,
            decision_date,
            authority: authority.into(),
            valid_until,
        })
    }

    /// Who is recognised.
    pub fn subject(&self) -> &SubjectRef {
        &self.subject
    }

    /// The title.
    pub fn title(&self) -> Title {
        self.title
    }

    /// The level, for titles with levels.
    pub fn level(&self) -> Option<u8> {
        self.level
    }

    /// The data year the recognition is for.
    pub fn year(&self) -> i32 {
        self.year
    }

    /// The decision number and symbol.
    pub fn decision_number(&self) -> &str {
        &self.decision_number
    }

    /// The decision date.
    pub fn decision_date(&self) -> NaiveDate {
        self.decision_date
    }

    /// Who signed.
    pub fn authority(&self) -> &str {
        &self.authority
    }

    /// The last day the recognition holds, when the decision or the rulebook sets one.
    pub fn valid_until(&self) -> Option<NaiveDate> {
        self.valid_until
    }
}

impl TryFrom<RawRecognition> for Recognition {
    type Error = Error;
    fn try_from(r: RawRecognition) -> Result<Self> {
        Self::new(r.subject, r.title, r.level, r.year, r.decision_number, r.decision_date, r.authority, r.valid_until)
    }
}

impl From<Recognition> for RawRecognition {
    fn from(r: Recognition) -> Self {
        Self {
            subject: r.subject,
            title: r.title,
            level: r.level,
            year: r.year,
            decision_number: r.decision_number,
            decision_date: r.decision_date,
            authority: r.authority,
            valid_until: r.valid_until,
        }
    }
}

/// Which report was submitted.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "phase", rename_all = "kebab-case")]
pub enum ReportKind {
    /// The annual evaluation report.
    Annual,
    /// A phase review report (by the plan's phase id).
    PhaseReview(String),
}

/// A report an actor sent to the standing body.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportSubmission {
    /// The plan actor reporting, e.g. `actor.phong-vhtt`.
    pub actor: String,
    /// The organisation that sent it (for a collective actor such as the communes, which one).
    pub organisation: String,
    /// The data year.
    pub year: i32,
    /// Which report.
    pub kind: ReportKind,
    /// When it was received.
    #[serde(deserialize_with = "crate::date::de_date")]
    pub submitted_on: NaiveDate,
    /// The document number, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document_number: Option<String>,
}

/// One field of an actor's annual report, for one of its duties in the plan (e.g. the labour
/// office's "rural workers in vocational training" under duty `actor.phong-ldtbxh.3`). The
/// synthesis report quotes these duty by duty and flags duties nobody reported on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DutyReport {
    /// The plan actor, e.g. `actor.phong-ldtbxh`.
    pub actor: String,
    /// The organisation that reported.
    pub organisation: String,
    /// The data year.
    pub year: i32,
    /// The duty id in the plan, e.g. `actor.phong-ldtbxh.3`.
    pub duty: String,
    /// The field id within the duty (see `xhht_core::plan::ReportField`).
    pub field: String,
    /// What was reported (a number for numeric fields).
    pub value: String,
}

/// Parses a cell of a spreadsheet or CSV file as a value for an indicator of `kind`, the way
/// officials write it:
///
/// - yes/no: `1`, `0`, `có`, `không`, `x` (ticked), `đạt`, `không đạt`, `yes`, `no`, `true`, `false`;
/// - score: a decimal with `.` or `,` (`7.5`, `7,5`);
/// - share: counts `45/50`, or a percentage `90%` / `90` (`,` allowed);
/// - count: a whole number;
/// - deadline: a date `dd/mm/yyyy` or `yyyy-mm-dd`.
///
/// The error says what was expected.
pub fn parse_value(kind: crate::rulebook::IndicatorKind, text: &str) -> std::result::Result<Value, String> {
    use crate::rulebook::IndicatorKind as K;
    let t = text.trim();
    let dec = |s: &str| crate::decimal::parse_decimal(s).ok_or_else(|| format!("`{s}` is not a number"));
    match kind {
        K::YesNo => match t.to_lowercase().as_str() {
            "1" | "có" | "co" | "x" | "đạt" | "dat" | "yes" | "true" => Ok(Value::YesNo(true)),
            "0" | "không" | "khong" | "không đạt" | "khong dat" | "no" | "false" => Ok(Value::YesNo(false)),
            _ => Err(format!("`{t}` is not yes/no (write 1 or 0, có or không)")),
        },
        K::Score => dec(t).map(Value::Score),
        K::Share => match t.split_once('/') {
            Some((n, d)) => {
                let n = n.trim().parse().map_err(|_| format!("`{t}`: the part before / is not a whole number"))?;
                let d = d.trim().parse().map_err(|_| format!("`{t}`: the part after / is not a whole number"))?;
                Ok(Value::Share { numerator: n, denominator: d })
            }
            None => dec(t.trim_end_matches('%').trim()).map(Value::Percent),
        },
        K::Count => t.parse().map(Value::Count).map_err(|_| format!("`{t}` is not a whole number")),
        K::Deadline => crate::date::parse_date_text(t).map(Value::Date),
    }
}

#[cfg(test)]
mod parse_tests {
    use super::*;
    use crate::rulebook::IndicatorKind as K;

    #[test]
    fn cells_parse_the_way_officials_write_them() {
        assert_eq!(parse_value(K::YesNo, "Có"), Ok(Value::YesNo(true)));
        assert_eq!(parse_value(K::YesNo, "0"), Ok(Value::YesNo(false)));
        assert_eq!(parse_value(K::Score, "7,5"), Ok(Value::Score(Decimal::new(75, 1))));
        assert_eq!(parse_value(K::Share, "45/50"), Ok(Value::Share { numerator: 45, denominator: 50 }));
        assert_eq!(parse_value(K::Share, "89,99%"), Ok(Value::Percent(Decimal::new(8999, 2))));
        assert_eq!(parse_value(K::Count, "3"), Ok(Value::Count(3)));
        assert_eq!(
            parse_value(K::Deadline, "09/12/2024"),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 12, 9).unwrap()))
        );
        assert_eq!(
            parse_value(K::Deadline, "2024-12-09"),
            Ok(Value::Date(NaiveDate::from_ymd_opt(2024, 12, 9).unwrap()))
        );
        assert!(parse_value(K::Score, "tám").unwrap_err().contains("not a number"));
        assert!(parse_value(K::Deadline, "31/02/2024").unwrap_err().contains("not a date"));
        assert!(parse_value(K::YesNo, "maybe").is_err());
    }
}

#[cfg(test)]
mod tests;
