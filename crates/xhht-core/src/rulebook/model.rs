//! The rulebook data model: what a rulebook file deserializes into.
//!
//! See `docs/rulebook-format.md` for the file format with a worked example; every field here is
//! documented there too.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::decimal::{de_decimal, de_opt_decimal};
use crate::plan::{AnnualDate, DeadlineReading};
use crate::source::{Citation, Provenance, SourceDocument};
use crate::text::Text;
use crate::title::Title;

/// A set of rules for one title, or for a plan, with dated versions.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Rulebook {
    /// Identity, source and provenance.
    pub rulebook: RulebookHeader,
    /// Indicator groups (tiêu chí) with their indicators (chỉ tiêu / chỉ số), in source order.
    #[serde(default)]
    pub groups: Vec<Group>,
    /// Versions with their effective date ranges and scoring parameters.
    pub versions: Vec<Version>,
    /// Targets: the share of a population that must hold a title by a year.
    #[serde(default)]
    pub targets: Vec<Target>,
    /// Reward eligibility rules.
    #[serde(default)]
    pub rewards: Vec<RewardRule>,
    /// Reporting obligations and how their deadlines are read.
    #[serde(default)]
    pub reporting: Vec<ReportingRule>,
}

/// The `[rulebook]` table: who a rulebook is.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RulebookHeader {
    /// Stable id, e.g. `cong-dan-hoc-tap` or `don-vi-hoc-tap.tt24-2023`.
    pub id: String,
    /// Name.
    pub title: Text,
    /// The title (danh hiệu) this rulebook decides, if any. Rulebooks deciding the same title
    /// must not be in force on the same day.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decides: Option<Title>,
    /// The plan (by [`crate::plan::PlanMeta::id`]) whose section ids the citations use.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// Who is evaluated when groups do not say otherwise.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// The main source document.
    pub source: SourceDocument,
    /// Where the rulebook as a whole rests.
    pub citation: Citation,
    /// Whether the rulebook as a whole is verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
    /// Free notes for readers (scope, open questions).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub notes: Option<Text>,
    /// How a data year picks its version (default: the version in force on 31 December).
    #[serde(default)]
    pub version_selection: VersionSelection,
}

/// Who a rule evaluates.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Subject {
    /// A person (cá nhân).
    Person,
    /// An agency, unit, school or enterprise (cơ quan, đơn vị, cơ sở giáo dục, doanh nghiệp).
    Organisation,
    /// A household (gia đình, hộ).
    Household,
    /// A clan or clan branch (dòng họ, chi họ).
    Clan,
    /// A hamlet-level community (thôn, ấp, tổ dân phố).
    Community,
    /// A commune, ward or township (xã, phường, thị trấn).
    Commune,
    /// A district (huyện), a tier that ended on 2025-07-01.
    District,
    /// A province (tỉnh).
    Province,
}

impl Subject {
    /// Bilingual name.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::Person => ("cá nhân", "person"),
            Self::Organisation => ("cơ quan, đơn vị", "organisation"),
            Self::Household => ("gia đình", "household"),
            Self::Clan => ("dòng họ", "clan"),
            Self::Community => ("thôn, ấp, tổ dân phố", "hamlet community"),
            Self::Commune => ("xã, phường, thị trấn", "commune"),
            Self::District => ("huyện", "district"),
            Self::Province => ("tỉnh", "province"),
        };
        Text::new(vi, en)
    }
}

/// How the version applying to a data year is chosen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum VersionSelection {
    /// The version in force on 31 December of the data year (data years run 1/1–31/12 and are
    /// assessed after they end).
    #[default]
    EndOfDataYear,
    /// The version in force on 1 January of the data year.
    StartOfDataYear,
}

/// A group of indicators (tiêu chí).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Group {
    /// Id, unique in the rulebook, e.g. `TC1`.
    pub id: String,
    /// Name.
    pub title: Text,
    /// Who the group's indicators evaluate, when it differs from the rulebook's subject.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub subject: Option<Subject>,
    /// The group's maximum points (points shapes), which its indicators' maxima must add up to.
    #[serde(default, deserialize_with = "de_opt_decimal", skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    /// Source.
    pub citation: Citation,
    /// Verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
    /// The indicators, in source order.
    pub indicators: Vec<Indicator>,
}

/// The kind of value an indicator takes.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum IndicatorKind {
    /// A yes/no fact (đạt / không đạt).
    YesNo,
    /// A score in `[0, max]`, decimals allowed up to `precision` places.
    Score,
    /// A share of members or sub-entities meeting a condition, in percent, against a threshold.
    Share,
    /// A whole count against a minimum (also used for a level recorded elsewhere, e.g. the
    /// universal-education level of a commune).
    Count,
    /// A date compared with a deadline.
    Deadline,
}

impl IndicatorKind {
    /// The id used in files and JSON (`yes-no`, `score`, …).
    pub fn id(self) -> &'static str {
        match self {
            Self::YesNo => "yes-no",
            Self::Score => "score",
            Self::Share => "share",
            Self::Count => "count",
            Self::Deadline => "deadline",
        }
    }
}

/// An indicator (chỉ tiêu / chỉ số): one thing that is checked.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Indicator {
    /// Id, unique in the rulebook, e.g. `1.3` or `7`.
    pub id: String,
    /// What is checked.
    pub title: Text,
    /// Its kind.
    pub kind: IndicatorKind,
    /// Scores: the maximum points.
    #[serde(default, deserialize_with = "de_opt_decimal", skip_serializing_if = "Option::is_none")]
    pub max: Option<Decimal>,
    /// Scores: how many decimal places a value may have (default 1: tenths of a point).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub precision: Option<u32>,
    /// When true, a value entered without evidence (minh chứng) fails.
    #[serde(default)]
    pub evidence_required: bool,
    /// Which subjects the indicator applies to; others are "not applicable" and not required.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Applicability>,
    /// Where the value comes from when it is not entered by an evaluator (see [`super::FactSource`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
    /// Shares: who the denominator counts and what the numerator meets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub share_of: Option<Text>,
    /// Counts: the unit of the count (e.g. "mức độ").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub unit: Option<Text>,
    /// Deadlines: the day the date is compared with.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deadline: Option<AnnualDate>,
    /// Deadlines: how the day is read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<DeadlineReading>,
    /// The thresholds: one per level (levels shapes), or one without a level.
    #[serde(default)]
    pub thresholds: Vec<Threshold>,
    /// Source.
    pub citation: Citation,
    /// Verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
}

/// A threshold of an indicator, at one level or for all.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Threshold {
    /// The level it applies at (levels shapes); absent means every level.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub level: Option<u8>,
    /// Shares: the minimum percent; counts: the minimum count; scores: a per-indicator floor.
    #[serde(default, deserialize_with = "de_opt_decimal", skip_serializing_if = "Option::is_none")]
    pub min: Option<Decimal>,
    /// At this level the indicator applies only to these subjects (narrows `applies_to`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub applies_to: Option<Applicability>,
    /// Source, when it differs from the indicator's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
    /// Provenance, when it differs from the indicator's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

/// Which subjects an indicator applies to, by tags (see [`crate::entity::Organisation::tags`]).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Applicability {
    /// Applies when the subject has at least one of these tags (empty: any subject).
    #[serde(default)]
    pub any_of: Vec<String>,
    /// Does not apply when the subject has any of these tags.
    #[serde(default)]
    pub none_of: Vec<String>,
}

impl Applicability {
    /// True when a subject with `tags` is covered.
    pub fn covers<S: AsRef<str>>(&self, tags: &[S]) -> bool {
        let has = |t: &String| tags.iter().any(|x| x.as_ref() == t);
        (self.any_of.is_empty() || self.any_of.iter().any(has)) && !self.none_of.iter().any(has)
    }
}

/// A version of a rulebook: an effective date range and the scoring in force in it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Version {
    /// Id, unique in the rulebook, e.g. `qd324-2023`.
    pub id: String,
    /// First day in force.
    #[serde(deserialize_with = "crate::date::de_date")]
    pub valid_from: NaiveDate,
    /// Last day in force (inclusive); absent while still in force.
    #[serde(default, deserialize_with = "crate::date::de_opt_date", skip_serializing_if = "Option::is_none")]
    pub valid_to: Option<NaiveDate>,
    /// Source of this version.
    pub citation: Citation,
    /// Verified or assumed (e.g. a date range known only approximately).
    #[serde(default)]
    pub provenance: Provenance,
    /// The scoring shape and its parameters.
    pub scoring: Scoring,
    /// Recognition over time: validity, waiting time, deadlines, distinctions.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recognition: Option<Recognition>,
}

impl Version {
    /// True when the version is in force on `day`.
    pub fn in_force_on(&self, day: NaiveDate) -> bool {
        self.valid_from <= day && self.valid_to.is_none_or(|to| day <= to)
    }
}

/// How results are scored.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "shape", rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub enum Scoring {
    /// Points: the indicators' scores add up to a total; bands give the outcome.
    Points(PointsScoring),
    /// Levels: level k is reached when every indicator applicable at levels ≤ k passes at k.
    Levels(LevelsScoring),
}

/// Parameters of a points shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointsScoring {
    /// The maximum total, which the groups' maxima must add up to.
    #[serde(deserialize_with = "de_decimal")]
    pub max_total: Decimal,
    /// Outcome bands from the highest down; the first band whose conditions hold is the outcome.
    pub bands: Vec<Band>,
    /// The outcome when no band holds.
    pub fail: Outcome,
    /// Source of the thresholds.
    pub citation: Citation,
    /// Verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
}

/// An outcome band of a points shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Band {
    /// Stable machine id, e.g. `dat`, `tot`, `kha`, `trung_binh`.
    pub id: String,
    /// Label.
    pub label: Text,
    /// The minimum total (inclusive).
    #[serde(deserialize_with = "de_decimal")]
    pub min_total: Decimal,
    /// The minimum of every indicator (inclusive), if any.
    #[serde(default, deserialize_with = "de_opt_decimal", skip_serializing_if = "Option::is_none")]
    pub floor: Option<Decimal>,
    /// Whether this band confers the title (counts towards targets). Default true.
    #[serde(default = "yes")]
    pub confers_title: bool,
    /// Source of the band's numbers, when it differs from the scoring's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citation: Option<Citation>,
    /// Provenance, when it differs from the scoring's.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub provenance: Option<Provenance>,
}

fn yes() -> bool {
    true
}

/// A named outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Outcome {
    /// Stable machine id, e.g. `khong_dat`.
    pub id: String,
    /// Label.
    pub label: Text,
}

/// Parameters of a levels shape.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LevelsScoring {
    /// The levels, from 1 up.
    pub levels: Vec<Level>,
    /// The outcome when level 1 is not reached.
    pub fail: Outcome,
    /// Source.
    pub citation: Citation,
    /// Verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
}

/// A level of a levels shape.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Level {
    /// The level number, 1, 2, …
    pub level: u8,
    /// Stable machine id, e.g. `muc_1`.
    pub id: String,
    /// Label.
    pub label: Text,
}

/// Recognition over time.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Recognition {
    /// The result is kept for this many years following the year of recognition.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub validity_years: Option<u32>,
    /// A higher level may be requested this many months after the lower level's decision.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub upgrade_wait_months: Option<u32>,
    /// When the dossier for a data year is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub dossier_deadline: Option<AnnualDate>,
    /// When the recognition decision is due.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decision_deadline: Option<AnnualDate>,
    /// How the deadlines are read (default: before, i.e. the day itself is late).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reading: Option<DeadlineReading>,
    /// A distinction earned by holding the title for consecutive years.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub distinction: Option<Distinction>,
    /// Source.
    pub citation: Citation,
    /// Verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
}

/// A distinction for consecutive years of a title.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Distinction {
    /// Stable machine id.
    pub id: String,
    /// Label.
    pub label: Text,
    /// Years in a row the title must be held.
    pub consecutive_years: u32,
}

/// The population a target counts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Population {
    /// Every agency, unit and educational institution under the plan.
    Organisations,
    /// Cadres, civil servants, public employees, teachers and workers (CBCCVC-GV-NLĐ): the
    /// people whose category is not "other".
    Staff,
    /// All adult citizens of an area.
    Citizens,
    /// Households.
    Households,
    /// Clans.
    Clans,
    /// Hamlet communities.
    Communities,
}

/// What a member of the population must meet to count towards a target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum TargetCondition {
    /// Holds the title in the year (recognised and still valid).
    HoldsTitle,
    /// Registered for the title in the year **and** holds it.
    RegisteredAndHolds,
}

/// Whose milestone a reference is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MilestoneScope {
    /// A milestone of this plan.
    Plan,
    /// A provincial programme's milestone.
    Provincial,
    /// A national programme's milestone, shown beside the plan as a reference.
    National,
}

/// A milestone on the way to a target.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Milestone {
    /// The year.
    pub year: i32,
    /// The share, in percent.
    #[serde(deserialize_with = "de_decimal")]
    pub share: Decimal,
    /// Whose milestone.
    pub scope: MilestoneScope,
    /// What the milestone measures, when it is not exactly the target's population.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<Text>,
    /// Source.
    pub citation: Citation,
    /// Verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
}

/// A target: the share of a population that must hold a title by a year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Target {
    /// Stable id (the plan's id, e.g. `target.unit-title`).
    pub id: String,
    /// Name.
    pub title: Text,
    /// Who is counted.
    pub population: Population,
    /// The title they must hold.
    pub holds: Title,
    /// What exactly they must meet.
    pub condition: TargetCondition,
    /// The share to reach, in percent.
    #[serde(deserialize_with = "de_decimal")]
    pub share: Decimal,
    /// The year by which it is reached.
    pub by_year: i32,
    /// Milestones and national references.
    #[serde(default)]
    pub milestones: Vec<Milestone>,
    /// Source.
    pub citation: Citation,
    /// Verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
}

/// When a reward is considered.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
pub enum RewardWhen {
    /// Every year.
    Annual,
    /// At the review closing a phase (by the plan's phase id).
    Phase {
        /// The phase id, e.g. `phase.1`.
        phase: String,
    },
}

/// A condition of reward eligibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "kebab-case", deny_unknown_fields)]
#[non_exhaustive]
pub enum RewardCondition {
    /// Meets every indicator of a group of this rulebook in the year (or, for a phase reward,
    /// in every year of the phase for which there are records).
    MeetsGroup {
        /// The group id.
        group: String,
    },
    /// Holds a title in the year (for a phase reward: in the review year).
    HoldsTitle {
        /// The title.
        title: Title,
    },
}

/// A reward eligibility rule (the proposal itself stays a human decision).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RewardRule {
    /// Stable id, e.g. `reward.annual.collective`.
    pub id: String,
    /// Name.
    pub title: Text,
    /// The reward form, e.g. Giấy khen.
    pub form: Text,
    /// Who may receive it.
    pub subject: Subject,
    /// When.
    pub when: RewardWhen,
    /// Every condition must hold.
    pub conditions: Vec<RewardCondition>,
    /// What stays a human judgement (e.g. "outstanding achievements").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judgement: Option<Text>,
    /// Source.
    pub citation: Citation,
    /// Verified or assumed.
    #[serde(default)]
    pub provenance: Provenance,
}

/// A reporting obligation with its deadline and reading.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ReportingRule {
    /// Stable id, e.g. `reporting.annual`.
    pub id: String,
    /// Name.
    pub title: Text,
    /// The deadline, relative to the data year.
    pub deadline: AnnualDate,
    /// How the deadline is read.
    pub reading: DeadlineReading,
    /// Source.
    pub citation: Citation,
    /// Verified or assumed (the reading of "trước ngày" is a choice; say so).
    #[serde(default)]
    pub provenance: Provenance,
}
