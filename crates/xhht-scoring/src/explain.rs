//! Explanations: why an entity-year got its outcome, and what would change it.
//!
//! One trace ([`Explanation`]) is built from the facts and the result; it renders in Vietnamese
//! and English ([`Explanation::lines`]). Each step carries the indicator's value, its requirement,
//! whether it passed, and its citation and provenance; [`Gap`]s say what is missing between the
//! outcome and the next grade or level ("total 78/80: 2 points short; indicator 7 at 4 is below
//! the floor of 5").

use rust_decimal::Decimal;
use serde::Serialize;
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

/// An indicator checked at one level.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LevelCheck {
    /// The level (absent for points shapes).
    pub level: Option<u8>,
    /// The requirement, e.g. `≥ 90%`, or `≥ 5` for a floor; absent when none.
    pub requirement: Option<String>,
    /// The result.
    pub result: StepResult,
}

/// One step of an explanation: one indicator.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Step {
    /// The indicator id.
    pub indicator: String,
    /// Its group id.
    pub group: String,
    /// What it checks.
    pub title: Text,
    /// The value, as shown to people (language-neutral: numbers, dates ISO, `true`/`false`).
    pub value: Option<String>,
    /// Whether evidence was given.
    pub evidence: bool,
    /// Why a value derived from the records is what it is.
    pub reason: Option<Text>,
    /// Points scored (points shapes).
    pub points: Option<Decimal>,
    /// Maximum points (points shapes).
    pub max: Option<Decimal>,
    /// The checks, per level (one for points shapes).
    pub checks: Vec<LevelCheck>,
    /// The source of the indicator.
    pub citation: Citation,
    /// Verified or assumed.
    pub provenance: Provenance,
}

/// What stands between the outcome and the next better one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Gap {
    /// The total is short of the next band's minimum.
    PointsShort {
        /// The band aimed at.
        target: String,
        /// Its label.
        target_label: Text,
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
        target: String,
        /// Its label.
        target_label: Text,
        /// The indicator.
        indicator: String,
        /// Its value.
        value: Decimal,
        /// The floor.
        floor: Decimal,
    },
    /// An indicator does not meet its requirement at the next level.
    Fails {
        /// The level aimed at.
        target: String,
        /// Its label.
        target_label: Text,
        /// The indicator.
        indicator: String,
        /// Its value, if any.
        value: Option<String>,
        /// The requirement.
        requirement: Option<String>,
    },
    /// An indicator meets its requirement but has no evidence.
    NoEvidence {
        /// The level aimed at.
        target: String,
        /// Its label.
        target_label: Text,
        /// The indicator.
        indicator: String,
    },
    /// A value is missing, so the outcome cannot be decided or raised.
    Missing {
        /// The indicator.
        indicator: String,
    },
}

/// Why an entity-year got its outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The schema version of this structure, for stored explanations.
    pub schema: u32,
    /// Rulebook id.
    pub rulebook: String,
    /// Rulebook title.
    pub rulebook_title: Text,
    /// SHA-256 of the rulebook file.
    pub content_hash: String,
    /// Version id.
    pub version: String,
    /// The version's citation.
    pub version_citation: Citation,
    /// The scoring's citation.
    pub scoring_citation: Citation,
    /// The version's provenance.
    pub provenance: Provenance,
    /// Who was evaluated.
    pub subject: Subject,
    /// The data year.
    pub year: i32,
    /// The outcome id, if decided.
    pub outcome: Option<String>,
    /// The outcome label, if decided.
    pub label: Option<Text>,
    /// The total (points shapes).
    pub total: Option<Decimal>,
    /// The maximum total (points shapes).
    pub max_total: Option<Decimal>,
    /// One step per indicator of the subject, in source order.
    pub steps: Vec<Step>,
    /// What would change the outcome; empty at the top outcome.
    pub gaps: Vec<Gap>,
    /// Problems with the facts.
    pub diagnostics: Vec<String>,
}

/// The schema version of [`Explanation`].
pub const EXPLANATION_SCHEMA: u32 = 1;

fn show_value(v: FactValue) -> Option<String> {
    match v {
        FactValue::Missing | FactValue::Invalid => None,
        FactValue::Bool(b) => Some(b.to_string()),
        FactValue::Scaled(x) => Some(from_scaled(x).to_string()),
        FactValue::Ratio { numerator, denominator } => {
            let pct = percent_scaled(numerator, denominator)
                .map_or_else(|| "—".to_owned(), |p| from_scaled(p).round_dp(2).to_string());
            Some(format!("{numerator}/{denominator} ({pct}%)"))
        }
        FactValue::Count(c) => Some(c.to_string()),
        FactValue::Date(d) => Some(d.to_string()),
    }
}

fn requirement(ind: &CIndicator, level: Option<u8>, year: i32) -> Option<String> {
    match ind.kind {
        IndicatorKind::YesNo => Some("true".to_owned()),
        IndicatorKind::Share => ind.min_at(level).map(|m| format!("≥ {}%", from_scaled(m))),
        IndicatorKind::Score | IndicatorKind::Count => ind.min_at(level).map(|m| format!("≥ {}", from_scaled(m))),
        IndicatorKind::Deadline => ind.deadline.and_then(|d| d.in_year(year)).map(|d| match ind.reading {
            xhht_core::plan::DeadlineReading::Before => format!("< {d}"),
            xhht_core::plan::DeadlineReading::OnOrBefore => format!("≤ {d}"),
        }),
        _ => None,
    }
}

impl Engine {
    /// Explains an evaluation of `facts` for data year `year`.
    pub fn explain(&self, facts: &Facts, year: i32, eval: &Evaluation) -> Explanation {
        let rb = &self.book.rulebook;
        let version = self.version(eval.version);
        let shape = self.shapes.get(eval.version);
        let groups: Vec<(&str, &xhht_core::rulebook::Indicator)> =
            rb.indicators().map(|(g, i)| (g.id.as_str(), i)).collect();
        let levels: Vec<Option<u8>> = match shape {
            Some(CShape::Levels { levels }) => (1..=*levels).map(Some).collect(),
            _ => vec![None],
        };
        let points_floor = match shape {
            Some(CShape::Points { bands, .. }) => bands.iter().filter_map(|b| b.floor).min(),
            _ => None,
        };
        let mut steps = Vec::new();
        for (n, ind) in self.indicators.iter().enumerate() {
            if ind.subject != facts.subject {
                continue;
            }
            let Some((group, def)) = groups.get(n) else { continue };
            let value = facts.value(n);
            let checks = match shape {
                Some(CShape::Points { .. }) => {
                    let result = match (value, points_floor) {
                        (FactValue::Missing | FactValue::Invalid, _) => StepResult::Missing,
                        (FactValue::Scaled(v), Some(f)) if v < f => StepResult::Fail,
                        (_, Some(_)) => StepResult::Pass,
                        (_, None) => StepResult::Scored,
                    };
                    vec![LevelCheck {
                        level: None,
                        requirement: points_floor.map(|f| format!("≥ {}", from_scaled(f))),
                        result,
                    }]
                }
                _ => levels
                    .iter()
                    .map(|&k| LevelCheck {
                        level: k,
                        requirement: requirement(ind, k, year),
                        result: check_at(ind, facts, n, k, year).into(),
                    })
                    .collect(),
            };
            let points = match (shape, value) {
                (Some(CShape::Points { .. }), FactValue::Scaled(v)) => Some(from_scaled(v)),
                _ => None,
            };
            steps.push(Step {
                indicator: ind.id.clone(),
                group: (*group).to_owned(),
                title: def.title.clone(),
                value: show_value(value),
                evidence: facts.has_evidence(n),
                reason: facts.reason(n).cloned(),
                points,
                max: ind.max.map(from_scaled),
                checks,
                citation: def.citation.clone(),
                provenance: def.provenance.clone(),
            });
        }
        let gaps = self.gaps(facts, year, eval, &steps);
        let scoring_citation = match version.map(|v| &v.scoring) {
            Some(Scoring::Points(p)) => p.citation.clone(),
            Some(Scoring::Levels(l)) => l.citation.clone(),
            _ => Citation::default(),
        };
        Explanation {
            schema: EXPLANATION_SCHEMA,
            rulebook: rb.id().to_owned(),
            rulebook_title: rb.rulebook.title.clone(),
            content_hash: self.book.content_hash.clone(),
            version: version.map(|v| v.id.clone()).unwrap_or_default(),
            version_citation: version.map(|v| v.citation.clone()).unwrap_or_default(),
            scoring_citation,
            provenance: version.map(|v| v.provenance.clone()).unwrap_or_default(),
            subject: facts.subject,
            year,
            outcome: eval.outcome.map(|o| self.outcome_id(eval.version, o).to_owned()),
            label: eval.outcome.and_then(|o| self.outcome_label(eval.version, o).cloned()),
            total: eval.total.map(from_scaled),
            max_total: match shape {
                Some(CShape::Points { max_total, .. }) => Some(from_scaled(*max_total)),
                _ => None,
            },
            steps,
            gaps,
            diagnostics: eval.diagnostics.iter().map(EntityDiagnostic::to_string).collect(),
        }
    }

    /// What stands between the outcome and the next better one.
    fn gaps(&self, facts: &Facts, year: i32, eval: &Evaluation, steps: &[Step]) -> Vec<Gap> {
        let mut gaps: Vec<Gap> = steps
            .iter()
            .filter(|s| s.checks.iter().all(|c| c.result == StepResult::Missing))
            .map(|s| Gap::Missing { indicator: s.indicator.clone() })
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
                let (Some(band), Some(total)) = (bands.get(t), eval.total) else { return gaps };
                let target_outcome = Outcome::Band(u8::try_from(t).unwrap_or(u8::MAX));
                let target_id = self.outcome_id(eval.version, target_outcome).to_owned();
                let target_label =
                    self.outcome_label(eval.version, target_outcome).cloned().unwrap_or_else(|| Text::new("", ""));
                if total < band.min_total {
                    gaps.push(Gap::PointsShort {
                        target: target_id.clone(),
                        target_label: target_label.clone(),
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
                        if let FactValue::Scaled(v) = facts.value(n) {
                            if v < floor {
                                gaps.push(Gap::BelowFloor {
                                    target: target_id.clone(),
                                    target_label: target_label.clone(),
                                    indicator: ind.id.clone(),
                                    value: from_scaled(v),
                                    floor: from_scaled(floor),
                                });
                            }
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
                let target = self.outcome_id(eval.version, Outcome::Level(next)).to_owned();
                let target_label = self
                    .outcome_label(eval.version, Outcome::Level(next))
                    .cloned()
                    .unwrap_or_else(|| Text::new("", ""));
                for (n, ind) in self.indicators.iter().enumerate() {
                    if ind.subject != facts.subject {
                        continue;
                    }
                    // Every level up to `next` must pass; report the first level at which it does not.
                    for k in 1..=next {
                        match check_at(ind, facts, n, Some(k), year) {
                            Check::Fail => {
                                gaps.push(Gap::Fails {
                                    target: target.clone(),
                                    target_label: target_label.clone(),
                                    indicator: ind.id.clone(),
                                    value: show_value(facts.value(n)),
                                    requirement: requirement(ind, Some(next), year),
                                });
                                break;
                            }
                            Check::NoEvidence => {
                                gaps.push(Gap::NoEvidence {
                                    target: target.clone(),
                                    target_label: target_label.clone(),
                                    indicator: ind.id.clone(),
                                });
                                break;
                            }
                            Check::Undetermined if k == next => {
                                if !gaps.iter().any(|g| matches!(g, Gap::Missing { indicator } if *indicator == ind.id))
                                {
                                    gaps.push(Gap::Missing { indicator: ind.id.clone() });
                                }
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

fn yes_no(v: &str, lang: Lang) -> String {
    match (v, lang) {
        ("true", Lang::Vi) => "có".to_owned(),
        ("false", Lang::Vi) => "không".to_owned(),
        ("true", Lang::En) => "yes".to_owned(),
        ("false", Lang::En) => "no".to_owned(),
        (other, _) => other.to_owned(),
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

fn show_in(value: &str, lang: Lang) -> String {
    if let Ok(d) = chrono::NaiveDate::parse_from_str(value, "%Y-%m-%d") {
        return format_date(d, lang);
    }
    let v = yes_no(value, lang);
    if lang == Lang::Vi { v.replace('.', ",") } else { v }
}

fn num(d: Decimal, lang: Lang) -> String {
    let s = d.normalize().to_string();
    if lang == Lang::Vi { s.replace('.', ",") } else { s }
}

impl Explanation {
    /// The explanation as lines of text in `lang`: the rulebook and version, one line per
    /// indicator with its value, requirement, result and citation, the outcome, and what would
    /// change it.
    pub fn lines(&self, lang: Lang) -> Vec<String> {
        let vi = lang == Lang::Vi;
        let mut out = Vec::new();
        let assumed =
            if self.provenance.is_assumed() { if vi { " [giả định]" } else { " [assumed]" } } else { "" };
        out.push(if vi {
            format!(
                "Bộ tiêu chí {} ({}), phiên bản {} [{}]{assumed}, năm dữ liệu {}",
                self.rulebook, self.rulebook_title.vi, self.version, self.version_citation, self.year
            )
        } else {
            format!(
                "Rulebook {} ({}), version {} [{}]{assumed}, data year {}",
                self.rulebook, self.rulebook_title.en, self.version, self.version_citation, self.year
            )
        });
        for s in &self.steps {
            let title = s.title.get(lang);
            let value = s.value.as_deref().map_or_else(
                || if vi { "không có giá trị".to_owned() } else { "no value".to_owned() },
                |v| show_in(v, lang),
            );
            let value = match (&s.points, &s.max) {
                (Some(p), Some(m)) => {
                    if vi {
                        format!("{} / {} điểm", num(*p, lang), num(*m, lang))
                    } else {
                        format!("{} of {} points", num(*p, lang), num(*m, lang))
                    }
                }
                _ => value,
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
                        .as_deref()
                        .filter(|r| *r != "true")
                        .map_or_else(String::new, |r| format!(" ({})", show_req(r, lang)));
                    format!("{lvl}{}{req}", result_word(c.result, lang))
                })
                .collect();
            let assumed =
                if s.provenance.is_assumed() { if vi { " [giả định]" } else { " [assumed]" } } else { "" };
            let label = if vi { "Chỉ tiêu" } else { "Indicator" };
            let reason = s.reason.as_ref().map_or_else(String::new, |r| format!(" ({})", r.get(lang)));
            out.push(format!(
                "  {label} {} — {title}: {value}{reason} — {} [{}]{assumed}",
                s.indicator,
                checks.join("; "),
                s.citation
            ));
        }
        let outcome = match (&self.label, &self.outcome) {
            (Some(l), Some(id)) => format!("{} ({id})", l.get(lang)),
            _ => {
                if vi {
                    "chưa xác định được (thiếu dữ liệu)".to_owned()
                } else {
                    "undetermined (missing data)".to_owned()
                }
            }
        };
        let total = match (self.total, self.max_total) {
            (Some(t), Some(m)) => {
                if vi {
                    format!("tổng {}/{} điểm; ", num(t, lang), num(m, lang))
                } else {
                    format!("total {}/{} points; ", num(t, lang), num(m, lang))
                }
            }
            _ => String::new(),
        };
        out.push(if vi {
            format!("Kết quả: {total}{outcome} [{}]", self.scoring_citation)
        } else {
            format!("Outcome: {total}{outcome} [{}]", self.scoring_citation)
        });
        for d in &self.diagnostics {
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
                        format!(
                            "total {}/{}: {} points short",
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
                    let v = value.as_deref().map_or_else(String::new, |v| format!(" ({})", show_in(v, lang)));
                    let r =
                        requirement.as_deref().filter(|r| *r != "true").map_or_else(String::new, |r| show_req(r, lang));
                    let goal = target_label.get(lang);
                    match (vi, r.is_empty()) {
                        (true, false) => format!("chỉ tiêu {indicator}{v} chưa đạt {r} (cần cho “{goal}”)"),
                        (true, true) => format!("chỉ tiêu {indicator}{v} chưa đạt (cần cho “{goal}”)"),
                        (false, false) => format!("indicator {indicator}{v} does not meet {r} (needed for “{goal}”)"),
                        (false, true) => format!("indicator {indicator}{v} is not met (needed for “{goal}”)"),
                    }
                }
                Gap::NoEvidence { target_label, indicator, .. } => {
                    let goal = target_label.get(lang);
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

fn show_req(r: &str, lang: Lang) -> String {
    let (op, rest) = r.split_once(' ').unwrap_or(("", r));
    let rest = show_in(rest.trim_end_matches('%'), lang) + if r.ends_with('%') { "%" } else { "" };
    match (op, lang) {
        ("<", Lang::Vi) => format!("trước {rest}"),
        ("<", Lang::En) => format!("before {rest}"),
        ("≤", Lang::Vi) => format!("đến hết {rest}"),
        ("≤", Lang::En) => format!("by {rest}"),
        (op, _) => format!("{op} {rest}"),
    }
}
