//! Evaluating one entity-year.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use xhht_core::rulebook::IndicatorKind;

use crate::engine::{CIndicator, CShape, Engine, Outcome};
use crate::error::Result;
use crate::facts::{DiagnosticKind, EntityDiagnostic, FactValue, Facts};
use crate::scale::{SCALE, from_scaled, ratio_at_least};

/// The result of evaluating one entity-year: which version applied, the outcome, the total
/// (points shapes), and the problems found. It holds no explanation; ask
/// [`Engine::explain`] for one when it is wanted, so results cost nothing extra when nobody does.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Evaluation {
    /// The position of the version used in the rulebook's `versions`.
    pub version: usize,
    /// The outcome; `None` when the facts do not allow a decision (see `diagnostics`).
    pub outcome: Option<Outcome>,
    /// The total in ten-thousandths, for points shapes with every value present.
    pub total: Option<i64>,
    /// Problems with the facts; empty for a clean evaluation.
    pub diagnostics: Vec<EntityDiagnostic>,
}

impl Evaluation {
    /// The total as a decimal.
    pub fn total_decimal(&self) -> Option<Decimal> {
        self.total.map(from_scaled)
    }

    /// The level reached, for levels shapes (0 when no level is reached).
    pub fn level(&self) -> Option<u8> {
        match self.outcome? {
            Outcome::Level(k) => Some(k),
            Outcome::Fail => Some(0),
            Outcome::Band(_) => None,
        }
    }
}

/// How one indicator fares.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Check {
    Pass,
    Fail,
    /// Failed only because evidence is required and none was given.
    NoEvidence,
    NotApplicable,
    Undetermined,
}

/// Checks one indicator at `level` (`None` for points shapes, where only a floor may apply).
pub(crate) fn check_at(ind: &CIndicator, facts: &Facts, index: usize, level: Option<u8>, year: i32) -> Check {
    if !ind.applies(&facts.tags, level) {
        return Check::NotApplicable;
    }
    let value = facts.value(index);
    let min = ind.min_at(level);
    let passed = match (ind.kind, value) {
        (_, FactValue::Missing | FactValue::Invalid) => return Check::Undetermined,
        (IndicatorKind::YesNo, FactValue::Bool(b)) => b,
        (IndicatorKind::Score | IndicatorKind::Share, FactValue::Scaled(v)) => min.is_none_or(|m| v >= m),
        (IndicatorKind::Share, FactValue::Ratio { numerator, denominator }) => {
            min.is_none_or(|m| ratio_at_least(numerator, denominator, m))
        }
        (IndicatorKind::Count, FactValue::Count(c)) => {
            min.is_none_or(|m| i128::from(c) * i128::from(SCALE) >= i128::from(m))
        }
        (IndicatorKind::Deadline, FactValue::Date(d)) => deadline_met(ind, d, year),
        _ => return Check::Undetermined,
    };
    if !passed {
        Check::Fail
    } else if ind.evidence_required && !facts.has_evidence(index) {
        Check::NoEvidence
    } else {
        Check::Pass
    }
}

fn deadline_met(ind: &CIndicator, d: NaiveDate, year: i32) -> bool {
    ind.deadline.and_then(|dl| dl.in_year(year)).is_some_and(|dl| ind.reading.is_met(d, dl))
}

fn missing(ind: &CIndicator, level: Option<u8>) -> EntityDiagnostic {
    let at = level.map_or_else(String::new, |k| format!(" (needed for level {k})"));
    EntityDiagnostic {
        kind: DiagnosticKind::Missing,
        indicator: ind.id.clone(),
        message: format!("no usable value{at}"),
    }
}

impl Engine {
    /// Evaluates `facts` for data year `year` with the version in force for that year.
    pub fn evaluate(&self, facts: &Facts, year: i32) -> Result<Evaluation> {
        Ok(self.evaluate_version(facts, year, self.version_for_year(year)?))
    }

    /// Evaluates `facts` for data year `year` with an explicit version (by position; see
    /// [`Engine::version_by_id`]).
    pub fn evaluate_version(&self, facts: &Facts, year: i32, version: usize) -> Evaluation {
        let mut diagnostics = facts.diagnostics.clone();
        let (outcome, total) = match self.shapes.get(version) {
            Some(CShape::Points { bands, .. }) => {
                // Present values, and the range the missing ones could take ([0, max]).
                let (mut total, mut best_total) = (0i64, 0i64);
                let (mut lowest, mut best_lowest) = (i64::MAX, i64::MAX);
                let mut complete = true;
                for (n, ind) in self.indicators.iter().enumerate() {
                    if ind.subject != facts.subject {
                        continue;
                    }
                    match facts.value(n) {
                        FactValue::Scaled(v) => {
                            total += v;
                            best_total += v;
                            lowest = lowest.min(v);
                            best_lowest = best_lowest.min(v);
                        }
                        other => {
                            complete = false;
                            let max = ind.max.unwrap_or(0);
                            best_total += max;
                            best_lowest = best_lowest.min(max);
                            lowest = 0;
                            if other != FactValue::Invalid {
                                diagnostics.push(missing(ind, None));
                            }
                        }
                    }
                }
                let band_of = |t: i64, l: i64| {
                    bands
                        .iter()
                        .position(|b| t >= b.min_total && b.floor.is_none_or(|f| l >= f))
                        .and_then(|b| u8::try_from(b).ok())
                        .map_or(Outcome::Fail, Outcome::Band)
                };
                let worst = band_of(total, lowest);
                if complete {
                    (Some(worst), Some(total))
                } else {
                    // Decided anyway when no value of the missing ones could change the outcome
                    // (e.g. already below a floor and short of every band at their maximum).
                    let best = band_of(best_total, best_lowest);
                    ((best == worst).then_some(worst), None)
                }
            }
            Some(CShape::Levels { levels }) => (self.levels_outcome(facts, year, *levels, &mut diagnostics), None),
            None => (None, None),
        };
        Evaluation { version, outcome, total, diagnostics }
    }

    fn levels_outcome(
        &self,
        facts: &Facts,
        year: i32,
        levels: u8,
        diagnostics: &mut Vec<EntityDiagnostic>,
    ) -> Option<Outcome> {
        let mut reached = 0u8;
        for k in 1..=levels {
            let mut failed = false;
            let mut undetermined = Vec::new();
            for (n, ind) in self.indicators.iter().enumerate() {
                if ind.subject != facts.subject {
                    continue;
                }
                match check_at(ind, facts, n, Some(k), year) {
                    Check::Pass | Check::NotApplicable => {}
                    Check::Fail | Check::NoEvidence => failed = true,
                    Check::Undetermined => undetermined.push(n),
                }
            }
            if failed {
                break;
            }
            if !undetermined.is_empty() {
                for n in undetermined {
                    if let Some(ind) = self.indicators.get(n)
                        && facts.value(n) == FactValue::Missing
                    {
                        diagnostics.push(missing(ind, Some(k)));
                    }
                }
                if reached == 0 {
                    return None;
                }
                break;
            }
            reached = k;
        }
        Some(if reached == 0 { Outcome::Fail } else { Outcome::Level(reached) })
    }
}
