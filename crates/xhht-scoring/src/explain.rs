//! Explanations: why an entity-year got its outcome, and what would change it.
//!
//! One trace ([`Explanation`]) is built from the facts and the result; it renders in Vietnamese
//! and English ([`Explanation::lines`]). Each step carries the indicator's value, its requirement,
//! whether it passed, and its citation and provenance; [`Gap`]s say what is missing between the
//! outcome and the next grade or level ("total 78/80: 2 points short; indicator 7 at 4 is below
//! the floor of 5").
//!
//! An explanation borrows the rulebook's texts and citations from the engine instead of copying
//! them, and keeps values and requirements as numbers until it is rendered: building one costs a
//! few allocations, so explaining a whole population stays cheap.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Serialize, Serializer};
use xhht_core::plan::DeadlineReading;
use xhht_core::rulebook::{IndicatorKind, Scoring, Subject};
use xhht_core::source::{Citation, Provenance};
use xhht_core::{Lang, Text, format_date};

use crate::engine::{CIndicator, CShape, Engine, Outcome};
use crate::eval::{Check, Evaluation, check_at};
use crate::facts::{EntityDiagnostic, FactValue, Facts};
use crate::scale::{from_scaled, percent_scaled};

/// The result of one indicator check.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum StepResult {
    /// Meets the requirement.
    Pass,
    /// Does not meet it.
    Fail,
    /// Meets it on the value, but evidence is required and none was given.
    NoEvidence,
    /// Not required of this subject at this level.
    NotApplicable,
    /// No usable value.
    Missing,
    /// Scored, with no per-indicator requirement (a points shape without a floor).
    Scored,
}

impl From<Check> for StepResult {
    fn from(c: Check) -> Self {
        match c {
            Check::Pass => Self::Pass,
            Check::Fail => Self::Fail,
            Check::NoEvidence => Self::NoEvidence,
            Check::NotApplicable => Self::NotApplicable,
            Check::Undetermined => Self::Missing,
        }
    }
}

/// What an indicator requires, kept as numbers until it is shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Requirement {
    /// A yes/no fact must be true.
    True,
    /// At least this share, in ten-thousandths of a percent.
    AtLeastPercent(i64),
    /// At least this value (a score floor or a count), in ten-thousandths.
    AtLeast(i64),
    /// A date meeting this deadline under this reading.
    Deadline(NaiveDate, DeadlineReading),
}

impl Requirement {
    /// The requirement in words.
    pub fn show(self, lang: Lang) -> String {
        match self {
            Self::True => match lang {
                Lang::Vi => "có".to_owned(),
                Lang::En => "yes".to_owned(),
            },
            Self::AtLeastPercent(m) => format!("≥ {}%", num(from_scaled(m), lang)),
            Self::AtLeast(m) => format!("≥ {}", num(from_scaled(m), lang)),
            Self::Deadline(d, r) => r.describe(d, lang),
        }
    }
}

impl Serialize for Requirement {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.show(Lang::En))
    }
}

/// A value as the explanation shows it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Shown {
    /// The value.
    pub value: FactValue,
    /// True when a scaled value is a percentage (a share given directly).
    pub percent: bool,
}

impl Shown {
    fn of(ind: &CIndicator, value: FactValue) -> Self {
        Self { value, percent: ind.kind == IndicatorKind::Share }
    }

    /// The value in words, `None` when there is none.
    pub fn show(self, lang: Lang) -> Option<String> {
        Some(match self.value {
            FactValue::Missing | FactValue::Invalid => return None,
            FactValue::Bool(b) => match (b, lang) {
                (true, Lang::Vi) => "có".to_owned(),
                (false, Lang::Vi) => "không".to_owned(),
                (true, Lang::En) => "yes".to_owned(),
                (false, Lang::En) => "no".to_owned(),
            },
            FactValue::Scaled(x) if self.percent => format!("{}%", num(from_scaled(x), lang)),
            FactValue::Scaled(x) => num(from_scaled(x), lang),
            FactValue::Ratio { numerator, denominator } => {
                let pct = percent_scaled(numerator, denominator)
                    .map_or_else(|| "—".to_owned(), |p| num(from_scaled(p).round_dp(2), lang));
                format!("{numerator}/{denominator} ({pct}%)")
            }
            FactValue::Count(c) => c.to_string(),
            FactValue::Date(d) => format_date(d, lang),
        })
    }
}

impl Serialize for Shown {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.show(Lang::En) {
            Some(v) => s.serialize_str(&v),
            None => s.serialize_none(),
        }
    }
}

/// An indicator checked at one level.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct LevelCheck {
    /// The level (absent for points shapes).
    pub level: Option<u8>,
    /// The requirement; absent when none applies.
    pub requirement: Option<Requirement>,
    /// The result.
    pub result: StepResult,
}

/// The most levels a levels shape may have (the engine refuses more when compiling).
pub const MAX_LEVELS: usize = 4;

/// An indicator's checks, one per level, held inline (no allocation).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LevelChecks {
    len: u8,
    items: [LevelCheck; MAX_LEVELS],
}

impl LevelChecks {
    const EMPTY: LevelCheck = LevelCheck { level: None, requirement: None, result: StepResult::Missing };

    fn new() -> Self {
        Self { len: 0, items: [Self::EMPTY; MAX_LEVELS] }
    }

    fn push(&mut self, c: LevelCheck) {
        if let Some(slot) = self.items.get_mut(usize::from(self.len)) {
            *slot = c;
            self.len += 1;
        }
    }
}

impl std::ops::Deref for LevelChecks {
    type Target = [LevelCheck];

    fn deref(&self) -> &[LevelCheck] {
        self.items.get(..usize::from(self.len)).unwrap_or(&[])
    }
}

impl Serialize for LevelChecks {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.iter())
    }
}

/// Points in ten-thousandths, shown as a decimal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub struct Points(pub i64);

impl Points {
    /// As a decimal, without trailing zeros.
    pub fn decimal(self) -> Decimal {
        from_scaled(self.0)
    }
}

impl Serialize for Points {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&self.decimal().to_string())
    }
}

/// One step of an explanation: one indicator.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Step<'a> {
    /// The indicator id.
    pub indicator: &'a str,
    /// Its group id.
    pub group: &'a str,
    /// What it checks.
    pub title: &'a Text,
    /// The value.
    pub value: Shown,
    /// Whether evidence was given.
    pub evidence: bool,
    /// Why a value derived from the records is what it is.
    pub reason: Option<&'a Text>,
    /// Points scored (points shapes).
    pub points: Option<Points>,
    /// Maximum points (points shapes).
    pub max: Option<Points>,
    /// The checks, per level (one for points shapes).
    pub checks: LevelChecks,
    /// The source of the indicator.
    pub citation: &'a Citation,
    /// Verified or assumed.
    pub provenance: &'a Provenance,
}

/// What stands between the outcome and the next better one.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Gap<'a> {
    /// The total is short of the next band's minimum.
    PointsShort {
        /// The band aimed at.
        target: &'a str,
        /// Its label.
        target_label: Option<&'a Text>,
        /// The total now.
        total: Decimal,
        /// The band's minimum.
        needed: Decimal,
        /// How many points are missing.
        short: Decimal,
    },
    /// An indicator is below the next band's floor.
    BelowFloor {
        /// The band aimed at.
        target: &'a str,
        /// Its label.
        target_label: Option<&'a Text>,
        /// The indicator.
        indicator: &'a str,
        /// Its value.
        value: Decimal,
        /// The floor.
        floor: Decimal,
    },
    /// An indicator does not meet its requirement at the next level.
    Fails {
        /// The level aimed at.
        target: &'a str,
        /// Its label.
        target_label: Option<&'a Text>,
        /// The indicator.
        indicator: &'a str,
        /// Its value.
        value: Shown,
        /// The requirement.
        requirement: Option<Requirement>,
    },
    /// An indicator meets its requirement but has no evidence.
    NoEvidence {
        /// The level aimed at.
        target: &'a str,
        /// Its label.
        target_label: Option<&'a Text>,
        /// The indicator.
        indicator: &'a str,
    },
    /// A value is missing, so the outcome cannot be decided or raised.
    Missing {
        /// The indicator.
        indicator: &'a str,
    },
}

/// Why an entity-year got its outcome. It borrows from the engine, the facts and the result.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Explanation<'a> {
    /// The schema version of this structure, for stored explanations.
    pub schema: u32,
    /// Rulebook id.
    pub rulebook: &'a str,
    /// Rulebook title.
    pub rulebook_title: &'a Text,
    /// SHA-256 of the rulebook file.
    pub content_hash: &'a str,
    /// Version id.
    pub version: &'a str,
    /// The version's citation.
    pub version_citation: Option<&'a Citation>,
    /// The scoring's citation.
    pub scoring_citation: Option<&'a Citation>,
    /// The version's provenance.
    pub provenance: Option<&'a Provenance>,
    /// Who was evaluated.
    pub subject: Subject,
    /// The data year.
    pub year: i32,
    /// The outcome id, if decided.
    pub outcome: Option<&'a str>,
    /// The outcome label, if decided.
    pub label: Option<&'a Text>,
    /// The total (points shapes).
    pub total: Option<Decimal>,
    /// The maximum total (points shapes).
    pub max_total: Option<Decimal>,
    /// One step per indicator of the subject, in source order.
    pub steps: Vec<Step<'a>>,
    /// What would change the outcome; empty at the top outcome.
    pub gaps: Vec<Gap<'a>>,
    /// Problems with the facts.
    pub diagnostics: &'a [EntityDiagnostic],
}

/// The schema version of [`Explanation`].
pub const EXPLANATION_SCHEMA: u32 = 2;

fn requirement(ind: &CIndicator, level: Option<u8>, year: i32) -> Option<Requirement> {
    match ind.kind {
        IndicatorKind::YesNo => Some(Requirement::True),
        IndicatorKind::Share => ind.min_at(level).map(Requirement::AtLeastPercent),
        IndicatorKind::Score | IndicatorKind::Count => ind.min_at(level).map(Requirement::AtLeast),
        IndicatorKind::Deadline => {
            ind.deadline.and_then(|d| d.in_year(year)).map(|d| Requirement::Deadline(d, ind.reading))
        }
        _ => None,
    }
}

impl Engine {
    /// Explains an evaluation of `facts` for data year `year`.
    pub fn explain<'a>(&'a self, facts: &'a Facts, year: i32, eval: &'a Evaluation) -> Explanation<'a> {
        let rb = &self.book.rulebook;
        let version = self.version(eval.version);
        let shape = self.shapes.get(eval.version);
        let levels: u8 = match shape {
            Some(CShape::Levels { levels }) => *levels,
            _ => 0,
        };
        let points_floor = match shape {
            Some(CShape::Points { bands, .. }) => bands.iter().filter_map(|b| b.floor).min(),
            _ => None,
        };
        let mut steps = Vec::with_capacity(self.indicators.len());
        for (n, ind) in self.indicators.iter().enumerate() {
            if ind.subject != facts.subject {
                continue;
            }
            let Some((group, def)) = self.definition(n) else { continue };
            let value = facts.value(n);
            let mut checks = LevelChecks::new();
            if levels == 0 {
                let result = match (value, points_floor) {
                    (FactValue::Missing | FactValue::Invalid, _) => StepResult::Missing,
                    (FactValue::Scaled(v), Some(f)) if v < f => StepResult::Fail,
                    (_, Some(_)) => StepResult::Pass,
                    (_, None) => StepResult::Scored,
                };
                checks.push(LevelCheck { level: None, requirement: points_floor.map(Requirement::AtLeast), result });
            } else {
                for k in 1..=levels {
                    checks.push(LevelCheck {
                        level: Some(k),
                        requirement: requirement(ind, Some(k), year),
                        result: check_at(ind, facts, n, Some(k), year).into(),
                    });
                }
            }
            let points = match (levels, value) {
                (0, FactValue::Scaled(v)) => Some(Points(v)),
                _ => None,
            };
            steps.push(Step {
                indicator: &ind.id,
                group: &group.id,
                title: &def.title,
                value: Shown::of(ind, value),
                evidence: facts.has_evidence(n),
                reason: facts.reason(n),
                points,
                max: ind.max.map(Points),
                checks,
                citation: &def.citation,
                provenance: &def.provenance,
            });
        }
        let gaps = self.gaps(facts, year, eval, &steps);
        let scoring_citation = match version.map(|v| &v.scoring) {
            Some(Scoring::Points(p)) => Some(&p.citation),
            Some(Scoring::Levels(l)) => Some(&l.citation),
            _ => None,
        };
        Explanation {
            schema: EXPLANATION_SCHEMA,
            rulebook: rb.id(),
            rulebook_title: &rb.rulebook.title,
            content_hash: &self.book.content_hash,
            version: version.map_or("", |v| v.id.as_str()),
            version_citation: version.map(|v| &v.citation),
            scoring_citation,
            provenance: version.map(|v| &v.provenance),
            subject: facts.subject,
            year,
            outcome: eval.outcome.map(|o| self.outcome_id(eval.version, o)),
            label: eval.outcome.and_then(|o| self.outcome_label(eval.version, o)),
            total: eval.total.map(from_scaled),
            max_total: match shape {
                Some(CShape::Points { max_total, .. }) => Some(from_scaled(*max_total)),
                _ => None,
            },
            steps,
            gaps,
            diagnostics: &eval.diagnostics,
        }
    }

    /// What stands between the outcome and the next better one.
    fn gaps<'a>(&'a self, facts: &Facts, year: i32, eval: &Evaluation, steps: &[Step<'a>]) -> Vec<Gap<'a>> {
        let mut gaps: Vec<Gap<'a>> = steps
            .iter()
            .filter(|s| s.checks.iter().all(|c| c.result == StepResult::Missing))
            .map(|s| Gap::Missing { indicator: s.indicator })
            .collect();
        let Some(outcome) = eval.outcome else { return gaps };
        match self.shapes.get(eval.version) {
            Some(CShape::Points { bands, .. }) => {
                let target = match outcome {
                    Outcome::Fail => bands.len().checked_sub(1),
                    Outcome::Band(b) => usize::from(b).checked_sub(1),
                    Outcome::Level(_) => None,
                };
                let Some(t) = target else { return gaps };
                let Some(band) = bands.get(t) else { return gaps };
                let goal = Outcome::Band(u8::try_from(t).unwrap_or(u8::MAX));
                let target = self.outcome_id(eval.version, goal);
                let target_label = self.outcome_label(eval.version, goal);
                if let Some(total) = eval.total.filter(|t| *t < band.min_total) {
                    gaps.push(Gap::PointsShort {
                        target,
                        target_label,
                        total: from_scaled(total),
                        needed: from_scaled(band.min_total),
                        short: from_scaled(band.min_total - total),
                    });
                }
                if let Some(floor) = band.floor {
                    for (n, ind) in self.indicators.iter().enumerate() {
                        if ind.subject != facts.subject {
                            continue;
                        }
                        if let FactValue::Scaled(v) = facts.value(n)
                            && v < floor
                        {
                            gaps.push(Gap::BelowFloor {
                                target,
                                target_label,
                                indicator: &ind.id,
                                value: from_scaled(v),
                                floor: from_scaled(floor),
                            });
                        }
                    }
                }
            }
            Some(CShape::Levels { levels }) => {
                let next = match outcome {
                    Outcome::Fail => 1,
                    Outcome::Level(k) => k.saturating_add(1),
                    Outcome::Band(_) => return gaps,
                };
                if next > *levels {
                    return gaps;
                }
                let target = self.outcome_id(eval.version, Outcome::Level(next));
                let target_label = self.outcome_label(eval.version, Outcome::Level(next));
                for (n, ind) in self.indicators.iter().enumerate() {
                    if ind.subject != facts.subject {
                        continue;
                    }
                    // Every level up to `next` must pass; report the first level at which it does not.
                    for k in 1..=next {
                        match check_at(ind, facts, n, Some(k), year) {
                            Check::Fail => {
                                gaps.push(Gap::Fails {
                                    target,
                                    target_label,
                                    indicator: &ind.id,
                                    value: Shown::of(ind, facts.value(n)),
                                    requirement: requirement(ind, Some(next), year),
                                });
                                break;
                            }
                            Check::NoEvidence => {
                                gaps.push(Gap::NoEvidence { target, target_label, indicator: &ind.id });
                                break;
                            }
                            Check::Undetermined
                                if k == next
                                    && !gaps
                                        .iter()
                                        .any(|g| matches!(g, Gap::Missing { indicator } if *indicator == ind.id)) =>
                            {
                                gaps.push(Gap::Missing { indicator: &ind.id });
                            }
                            _ => {}
                        }
                    }
                }
            }
            None => {}
        }
        gaps
    }
}

fn result_word(r: StepResult, lang: Lang) -> &'static str {
    match (r, lang) {
        (StepResult::Pass, Lang::Vi) => "đạt",
        (StepResult::Pass, Lang::En) => "passes",
        (StepResult::Fail, Lang::Vi) => "không đạt",
        (StepResult::Fail, Lang::En) => "fails",
        (StepResult::NoEvidence, Lang::Vi) => "không đạt (thiếu minh chứng)",
        (StepResult::NoEvidence, Lang::En) => "fails (no evidence)",
        (StepResult::NotApplicable, Lang::Vi) => "không áp dụng",
        (StepResult::NotApplicable, Lang::En) => "not applicable",
        (StepResult::Missing, Lang::Vi) => "thiếu dữ liệu",
        (StepResult::Missing, Lang::En) => "no value",
        (StepResult::Scored, Lang::Vi) => "tính điểm",
        (StepResult::Scored, Lang::En) => "scored",
    }
}

/// A decimal as each language writes it: `79,5` in Vietnamese, `79.5` in English.
fn num(d: Decimal, lang: Lang) -> String {
    let s = d.normalize().to_string();
    if lang == Lang::Vi { s.replace('.', ",") } else { s }
}

fn cite(c: Option<&Citation>) -> String {
    c.map_or_else(String::new, ToString::to_string)
}

impl Explanation<'_> {
    /// The explanation as lines of text in `lang`: the rulebook and version, one line per
    /// indicator with its value, requirement, result and citation, the outcome, and what would
    /// change it.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let vi = lang == Lang::Vi;
        let tag_assumed = |p: &Provenance| match (p.is_assumed(), vi) {
            (false, _) => "",
            (true, true) => " [giả định]",
            (true, false) => " [assumed]",
        };
        let mut out = Vec::with_capacity(self.steps.len() + 4);
        let assumed = self.provenance.map_or("", tag_assumed);
        let vc = cite(self.version_citation);
        out.push(if vi {
            format!(
                "Bộ tiêu chí {} ({}), phiên bản {} [{vc}]{assumed}, năm dữ liệu {}",
                self.rulebook, self.rulebook_title.vi, self.version, self.year
            )
        } else {
            format!(
                "Rulebook {} ({}), version {} [{vc}]{assumed}, data year {}",
                self.rulebook, self.rulebook_title.en, self.version, self.year
            )
        });
        for s in &self.steps {
            let title = s.title.get(lang);
            let value = match (&s.points, &s.max) {
                (Some(p), Some(m)) if vi => format!("{} / {} điểm", num(p.decimal(), lang), num(m.decimal(), lang)),
                (Some(p), Some(m)) => format!("{} of {} points", num(p.decimal(), lang), num(m.decimal(), lang)),
                _ => s.value.show(lang).unwrap_or_else(|| if vi { "không có giá trị" } else { "no value" }.to_owned()),
            };
            let checks: Vec<String> = s
                .checks
                .iter()
                .map(|c| {
                    let lvl = c
                        .level
                        .map_or_else(String::new, |k| if vi { format!("mức {k}: ") } else { format!("level {k}: ") });
                    let req = c
                        .requirement
                        .filter(|r| *r != Requirement::True)
                        .map_or_else(String::new, |r| format!(" ({})", r.show(lang)));
                    format!("{lvl}{}{req}", result_word(c.result, lang))
                })
                .collect();
            let label = if vi { "Chỉ tiêu" } else { "Indicator" };
            let reason = s.reason.map_or_else(String::new, |r| format!(" ({})", r.get(lang)));
            out.push(format!(
                "  {label} {} — {title}: {value}{reason} — {} [{}]{}",
                s.indicator,
                checks.join("; "),
                s.citation,
                tag_assumed(s.provenance)
            ));
        }
        let outcome = match (self.label, self.outcome) {
            (Some(l), Some(id)) => format!("{} ({id})", l.get(lang)),
            _ if vi => "chưa xác định được (thiếu dữ liệu)".to_owned(),
            _ => "undetermined (missing data)".to_owned(),
        };
        let total = match (self.total, self.max_total) {
            (Some(t), Some(m)) if vi => format!("tổng {}/{} điểm; ", num(t, lang), num(m, lang)),
            (Some(t), Some(m)) => format!("total {}/{} points; ", num(t, lang), num(m, lang)),
            _ => String::new(),
        };
        let sc = cite(self.scoring_citation);
        out.push(if vi {
            format!("Kết quả: {total}{outcome} [{sc}]")
        } else {
            format!("Outcome: {total}{outcome} [{sc}]")
        });
        for d in self.diagnostics {
            out.push(if vi { format!("  Lỗi dữ liệu: {d}") } else { format!("  Data problem: {d}") });
        }
        let missing = self.missing_sentence(lang);
        if !missing.is_empty() {
            out.push(if vi {
                format!("Để thay đổi kết quả: {missing}")
            } else {
                format!("To change the outcome: {missing}")
            });
        }
        out
    }

    /// "What would change the outcome" as one sentence, e.g. `total 78/80: 2 points short;
    /// indicator 7 at 4 is below the floor of 5`. Empty at the top outcome.
    pub fn missing_sentence(&self, lang: Lang) -> String {
        let vi = lang == Lang::Vi;
        let parts: Vec<String> = self
            .gaps
            .iter()
            .map(|g| match g {
                Gap::PointsShort { total, needed, short, .. } => {
                    if vi {
                        format!("tổng {}/{}: thiếu {} điểm", num(*total, lang), num(*needed, lang), num(*short, lang))
                    } else {
                        let unit = if *short == Decimal::ONE { "point" } else { "points" };
                        format!(
                            "total {}/{}: {} {unit} short",
                            num(*total, lang),
                            num(*needed, lang),
                            num(*short, lang)
                        )
                    }
                }
                Gap::BelowFloor { indicator, value, floor, .. } => {
                    if vi {
                        format!("chỉ tiêu {indicator} đạt {}, dưới mức sàn {}", num(*value, lang), num(*floor, lang))
                    } else {
                        format!(
                            "indicator {indicator} at {} is below the floor of {}",
                            num(*value, lang),
                            num(*floor, lang)
                        )
                    }
                }
                Gap::Fails { target_label, indicator, value, requirement, .. } => {
                    let v = value.show(lang).map_or_else(String::new, |v| format!(" ({v})"));
                    let r = requirement.filter(|r| *r != Requirement::True).map(|r| r.show(lang));
                    let goal = target_label.map_or("", |t| t.get(lang));
                    match (vi, r) {
                        (true, Some(r)) => format!("chỉ tiêu {indicator}{v} chưa đạt {r} (cần cho “{goal}”)"),
                        (true, None) => format!("chỉ tiêu {indicator}{v} chưa đạt (cần cho “{goal}”)"),
                        (false, Some(r)) => format!("indicator {indicator}{v} does not meet {r} (needed for “{goal}”)"),
                        (false, None) => format!("indicator {indicator}{v} is not met (needed for “{goal}”)"),
                    }
                }
                Gap::NoEvidence { target_label, indicator, .. } => {
                    let goal = target_label.map_or("", |t| t.get(lang));
                    if vi {
                        format!("chỉ tiêu {indicator} thiếu minh chứng (cần cho “{goal}”)")
                    } else {
                        format!("indicator {indicator} lacks evidence (needed for “{goal}”)")
                    }
                }
                Gap::Missing { indicator } => {
                    if vi {
                        format!("chỉ tiêu {indicator} chưa có giá trị")
                    } else {
                        format!("indicator {indicator} has no value")
                    }
                }
            })
            .collect();
        parts.join("; ")
    }
}
