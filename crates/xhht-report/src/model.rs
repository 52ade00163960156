//! The report model: data first, rendering second.
//!
//! Every figure a renderer prints is in these types; renderers only lay them out. The model
//! serialises to JSON as is (that is the JSON renderer), so its field names are a versioned,
//! documented schema ([`SCHEMA_VERSION`], `docs/report-schema.md`).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use xhht_core::Text;

/// The version of the report JSON schema. Bump it when a field changes meaning or disappears.
pub const SCHEMA_VERSION: u32 = 2;

/// Which report.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum ReportKind {
    /// The annual report of a data year.
    Annual,
    /// The preliminary review of phase 1 (sơ kết 2023–2025).
    PhasePreliminary,
    /// The final review of the movement (tổng kết 2023–2030).
    PhaseFinal,
}

/// What the report covers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Scope {
    /// The whole plan area (the district, and its successors after 2025).
    District,
    /// One area (a commune), by code: its organisations and their people.
    Area {
        /// The area code.
        code: String,
    },
    /// One organisation and its people.
    Organisation {
        /// The organisation code.
        code: String,
    },
    /// The organisations acting as one plan actor.
    Actor {
        /// The actor id, e.g. `actor.ubnd-xa`.
        id: String,
    },
}

/// A rulebook a report's figures rest on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulebookRef {
    /// Rulebook id.
    pub id: String,
    /// The version applied to the report's year.
    pub version: String,
    /// The rulebook's title.
    pub title: Text,
    /// The document the version comes from (e.g. `TT 24/2023/TT-BGDĐT`; empty when none).
    pub document: String,
    /// SHA-256 of the rulebook file.
    pub content_hash: String,
}

/// A count: how many meet something, of how many.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize)]
pub struct Count {
    /// How many meet it.
    pub met: u64,
    /// How many are counted.
    pub of: u64,
    /// The share in percent, 2 places, half away from zero; absent when nobody is counted.
    pub share: Option<Decimal>,
}

/// One year of a target's series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SeriesPoint {
    /// The data year.
    pub year: i32,
    /// The count.
    pub count: Count,
    /// The straight path's value for the year (from the first data year to the target).
    pub path: Option<Decimal>,
    /// The rules that decided the title counted this year (absent when no rulebook decides
    /// it for the year).
    pub rules: Option<RulesRef>,
}

/// The rulebook and version that decided a title in a data year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesRef {
    /// The rulebook id, e.g. `don-vi-hoc-tap.tt24-2023`.
    pub rulebook: String,
    /// The version id.
    pub version: String,
    /// The document the version comes from, e.g. `TT 24/2023/TT-BGDĐT`.
    pub document: String,
    /// The rulebook's title.
    pub title: Text,
}

/// Where a target's series crosses a change of the rules that decide its title: the figures
/// before and after are not comparable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RulesBreak {
    /// The first data year under the new rules.
    pub year: i32,
    /// The rules before.
    pub from: RulesRef,
    /// The rules from `year`.
    pub to: RulesRef,
    /// What changed, in words: which document replaced which, from which year.
    pub note: Text,
}

/// A row of a breakdown (by area or by kind of organisation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakdownRow {
    /// The key: an area code or a kind id.
    pub key: String,
    /// The label.
    pub label: Text,
    /// A note, e.g. "merged into Xã Cần Đước on 01/07/2025".
    pub note: Option<Text>,
    /// The count.
    pub count: Count,
}

/// A milestone beside the target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneRow {
    /// The year.
    pub year: i32,
    /// The share.
    pub share: Decimal,
    /// `plan`, `provincial` or `national`.
    pub scope: String,
    /// Whether this year's share meets it (absent before its year).
    pub met: Option<bool>,
    /// What it measures.
    pub note: Option<Text>,
    /// Its source.
    pub citation: String,
    /// Whether it is assumed.
    pub assumed: bool,
}

/// Progress on one plan target.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetSection {
    /// The target id, e.g. `target.citizen-title`.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// The target share.
    pub target: Decimal,
    /// The target year.
    pub by_year: i32,
    /// This year's count.
    pub count: Count,
    /// Percentage points still missing.
    pub gap: Option<Decimal>,
    /// Whether the share is at or above the straight path.
    pub on_track: Option<bool>,
    /// The straight path's value this year.
    pub path: Option<Decimal>,
    /// The projection to the target year: the least-squares line through the shares of
    /// `projection_years`, clamped to 0–100; absent with fewer than two comparable years.
    pub projection: Option<Decimal>,
    /// The share already held through the target year (titles whose recognition still holds
    /// then): the projection is never below it. Organisations' targets only.
    pub projection_floor: Option<Decimal>,
    /// The years projected from: those up to this year judged under this year's rules.
    pub projection_years: Vec<i32>,
    /// Percentage points a year the share must still rise to reach the target by its year.
    pub needed_per_year: Option<Decimal>,
    /// The changes of rules the series crosses, oldest first.
    pub breaks: Vec<RulesBreak>,
    /// Where the rules changed this year: last year's organisations judged under this year's
    /// rules (the comparable figure; set by the application for a whole-plan annual report,
    /// absent otherwise).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comparable: Option<xhht_scoring::rescore::Rescore>,
    /// The series since the first data year.
    pub series: Vec<SeriesPoint>,
    /// The national (and other) milestones.
    pub milestones: Vec<MilestoneRow>,
    /// By area (the area of the person's or unit's organisation).
    pub by_area: Vec<BreakdownRow>,
    /// By kind of organisation.
    pub by_kind: Vec<BreakdownRow>,
}

/// How many meet one emulation criterion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriterionRow {
    /// The indicator id in the plan rulebook.
    pub indicator: String,
    /// The plan section it cites.
    pub cites: String,
    /// What it asks.
    pub title: Text,
    /// The count.
    pub count: Count,
}

/// Someone who does not meet the criteria, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Unmet {
    /// `person` or `organisation`.
    pub subject: String,
    /// The id or code.
    pub id: String,
    /// The name (personal data: shown only in reports for roles that may see it).
    pub name: String,
    /// The organisation (for a person).
    pub organisation: Option<String>,
    /// The reasons, from the explanation.
    pub reasons: Vec<Text>,
}

/// The emulation criteria of the plan (IV.1.1 and IV.1.2).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CriteriaSection {
    /// Collectives meeting every criterion.
    pub collectives_meeting_all: Count,
    /// Individuals meeting every criterion.
    pub individuals_meeting_all: Count,
    /// Each collective criterion.
    pub collective: Vec<CriterionRow>,
    /// Each individual criterion.
    pub individual: Vec<CriterionRow>,
    /// Who does not meet them (collectives first), at most [`UNMET_LIMIT`] rows.
    pub unmet: Vec<Unmet>,
    /// How many do not meet them in all (the list may be cut).
    pub unmet_total: u64,
}

/// The most eligible subjects a report lists per reward rule.
pub const ELIGIBLE_LIMIT: u64 = 500;

/// The longest "who does not meet the criteria" list a report carries.
pub const UNMET_LIMIT: usize = 200;

/// Titles recognised for the year, by kind and level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TitleCount {
    /// The title id.
    pub title: String,
    /// The title's name.
    pub label: Text,
    /// The level (absent for titles without levels).
    pub level: Option<u8>,
    /// How many.
    pub count: u64,
}

/// A unit whose title ends after next year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Expiring {
    /// The organisation's code.
    pub code: String,
    /// Its name.
    pub name: String,
    /// The level held.
    pub level: Option<u8>,
    /// The decision.
    pub decision: String,
    /// The last data year it covers.
    pub last_year: i32,
}

/// Titles.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TitlesSection {
    /// Recognised for the report's data year (decisions for that year), by title and level.
    pub recognised: Vec<TitleCount>,
    /// Held in the year (by a decision of this or an earlier year), by title and level.
    pub held: Vec<TitleCount>,
    /// Units whose title covers next year for the last time: they must apply again after it.
    pub expiring_next_year: Vec<Expiring>,
}

/// One subject's eligibility for a reward.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RewardRow {
    /// The reward rule id.
    pub reward: String,
    /// `person` or `organisation`.
    pub subject: String,
    /// Id or code.
    pub id: String,
    /// Name.
    pub name: String,
    /// Whether every condition holds.
    pub eligible: bool,
    /// Why or why not.
    pub reasons: Vec<Text>,
}

/// Reward eligibility.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RewardsSection {
    /// Each rule with its counts.
    pub rules: Vec<RewardRule>,
    /// The eligible, per rule, at most [`ELIGIBLE_LIMIT`] per rule (the proposal itself stays a
    /// human decision; `xhht rewards` lists them all).
    pub eligible: Vec<RewardRow>,
    /// The most eligible subjects listed per rule.
    pub eligible_limit: u64,
    /// What stays a human judgement.
    pub judgement: Option<Text>,
    /// Where the proposals of the years covered stand, per reward (the human decisions that
    /// follow eligibility: proposed, verified by the home-affairs office, decided).
    pub proposals: Vec<ProposalRow>,
    /// Who verifies reward dossiers on the report's day: the bodies acting as the plan's
    /// home-affairs office then (the district office until 30/06/2025, its successor after),
    /// from the organisations on record; absent when none does.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub verifier: Option<Text>,
}

/// Where the proposals for one reward stand.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ProposalRow {
    /// The reward rule id.
    pub reward: String,
    /// Its title, when the rule is in the plan's rulebook.
    pub title: Option<Text>,
    /// Proposals made.
    pub proposed: u64,
    /// Not verified yet.
    pub awaiting_verification: u64,
    /// Refused at verification.
    pub refused: u64,
    /// Verified as complete and not decided yet.
    pub awaiting_decision: u64,
    /// Decided: the reward is given.
    pub approved: u64,
    /// Decided: the reward is not given.
    pub rejected: u64,
}

/// A reward rule and how many are eligible.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RewardRule {
    /// The rule id.
    pub id: String,
    /// Its title.
    pub title: Text,
    /// The form (Giấy khen).
    pub form: Text,
    /// Eligible of considered.
    pub count: Count,
}

/// A reporter's standing against the deadline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "status", rename_all = "kebab-case")]
pub enum DeadlineStatus {
    /// Received in time.
    OnTime,
    /// Received late by this many days (counted from the last day that was on time).
    Late {
        /// Days late.
        days: i64,
    },
    /// Not received, and the deadline has passed.
    Missing,
    /// Not received yet, and the deadline has not passed.
    NotYetDue,
}

/// One expected reporter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineRow {
    /// The plan actor.
    pub actor: String,
    /// The organisation expected to report.
    pub code: String,
    /// Its name.
    pub name: String,
    /// When it was received.
    pub submitted_on: Option<NaiveDate>,
    /// The standing.
    pub status: DeadlineStatus,
}

/// Deadline compliance as of a day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineSection {
    /// The day the standing is judged on.
    pub as_of: NaiveDate,
    /// The deadline of the annual report.
    pub due: NaiveDate,
    /// The last day that is on time under the reading used.
    pub last_on_time: NaiveDate,
    /// The reading used, in words, with its provenance.
    pub reading: Text,
    /// Every expected reporter.
    pub rows: Vec<DeadlineRow>,
    /// On time, late, missing, not yet due.
    pub on_time: u64,
    /// Late.
    pub late: u64,
    /// Missing.
    pub missing: u64,
    /// Not yet due.
    pub not_yet_due: u64,
    /// The TT 24/2023 dossier deadline for the year's learning-unit recognition, if it applies.
    pub learning_unit_dossier_due: Option<NaiveDate>,
}

/// A duty of an actor and what was reported on it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DutyRow {
    /// The duty id.
    pub id: String,
    /// `lead`, `coordinate` or `perform`.
    pub role: String,
    /// The duty.
    pub text: Text,
    /// What was reported: (organisation, field label, value).
    pub reported: Vec<(String, Text, String)>,
}

/// An actor's duties and reports.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ActorSection {
    /// The actor id.
    pub id: String,
    /// The plan section that gives its duties, e.g. `VIII.1.7`.
    pub section: String,
    /// Its name.
    pub name: Text,
    /// Its duties, with what was reported.
    pub duties: Vec<DutyRow>,
    /// Duties nobody reported on.
    pub unreported: Vec<String>,
    /// Who holds the actor's duties on the report's day, when the plan ended before the
    /// report's year (the district offices' successors after 30/06/2025): the bodies acting as
    /// it then, by name; `None` there when no body does. Absent while the plan is in force.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub held_by: Option<Option<Text>>,
}

/// An area that changed in the 2025 reorganisation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AreaChange {
    /// The old code.
    pub from: String,
    /// The old name.
    pub from_name: String,
    /// The new code.
    pub to: String,
    /// The new name.
    pub to_name: String,
    /// When.
    pub date: NaiveDate,
    /// How (`merged`, `tier-abolished`, …).
    pub kind: String,
    /// Whether the mapping is illustrative (assumed).
    pub assumed: bool,
}

/// An annual report, or a phase review (which adds the phase comparison).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The schema version.
    pub schema: u32,
    /// Which report.
    pub kind: ReportKind,
    /// The data year (for a phase review, its last year).
    pub year: i32,
    /// The first year covered (phase reviews).
    pub from_year: i32,
    /// The day deadlines are judged on.
    pub as_of: NaiveDate,
    /// What is covered.
    pub scope: Scope,
    /// The scope's name.
    pub scope_name: Text,
    /// The plan: id, number, title.
    pub plan: (String, String, Text),
    /// The last day the plan is in force, when it ends before the report's data year does (the
    /// Cần Đước plan ended with the district tier on 30/06/2025): the report says so.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan_until: Option<NaiveDate>,
    /// Who issues it: the letterhead in force on `as_of` (body, number symbol, place, recipients,
    /// signatory), from the deployment's configuration.
    pub issuer: xhht_core::issuer::Issuer,
    /// A notice to print first (synthetic data, illustrative mappings).
    pub notice: Option<Text>,
    /// The rulebooks used.
    pub rulebooks: Vec<RulebookRef>,
    /// Progress on each target.
    pub targets: Vec<TargetSection>,
    /// The emulation criteria.
    pub criteria: CriteriaSection,
    /// Titles.
    pub titles: TitlesSection,
    /// Reward eligibility (annual; the phase rewards in a phase review).
    pub rewards: RewardsSection,
    /// Deadline compliance.
    pub deadlines: DeadlineSection,
    /// The actors' duties and reports.
    pub actors: Vec<ActorSection>,
    /// Areas changed in 2025, mapped to their successors.
    pub areas: Vec<AreaChange>,
    /// The names of the people the reasons mention, by id (personal data: left out of a report
    /// for a reader who may not see names, who then reads the ids).
    #[serde(skip_serializing_if = "no_names", serialize_with = "names_only")]
    pub people_named: std::collections::BTreeMap<String, String>,
}

/// Whether no id of `people_named` has a name yet.
fn no_names(m: &std::collections::BTreeMap<String, String>) -> bool {
    m.values().all(String::is_empty)
}

/// `people_named` without the ids not named (yet).
fn names_only<S: serde::Serializer>(m: &std::collections::BTreeMap<String, String>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(m.iter().filter(|(_, name)| !name.is_empty()))
}
