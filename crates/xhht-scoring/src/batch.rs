//! Batch evaluation over a whole population, on every core, without explanations.
//!
//! [`ScoreTable`] holds a points-shaped population column by column: one `i32` column per
//! indicator, each value a count of `10^-precision` points (tenths when `precision` is 1), so the
//! hot loop is integer adds and compares over contiguous memory, which the compiler vectorises;
//! rows are split across threads with rayon. The results are exactly those of
//! [`Engine::evaluate`] one row at a time (a property test checks this): band thresholds are
//! converted to the table's precision by rounding *up*, which for integer values keeps `≥`
//! comparisons exact.
//!
//! Any population can also go through [`Engine::evaluate_many`], which runs the one-entity path
//! in parallel.

use rayon::prelude::*;
use xhht_core::rulebook::Subject;

use crate::engine::{CShape, Engine, Outcome};
use crate::error::{Error, Result};
use crate::eval::Evaluation;
use crate::facts::{DiagnosticKind, EntityDiagnostic, Facts};
use crate::scale::{SCALE_DIGITS, from_scaled};

/// A population's scores, column by column.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoreTable {
    /// Decimal places of the values (1: tenths of a point). At most 4.
    pub precision: u32,
    /// One column per indicator of the subject, in the rulebook's source order; every column
    /// has the same length. A negative value means "no value".
    pub columns: Vec<Vec<i32>>,
}

impl ScoreTable {
    /// An empty table for `indicators` columns.
    pub fn new(precision: u32, indicators: usize) -> Self {
        Self { precision, columns: vec![Vec::new(); indicators] }
    }

    /// The number of rows.
    pub fn rows(&self) -> usize {
        self.columns.first().map_or(0, Vec::len)
    }
}

/// The outcome code of a batch row: a band index (0 = the best band), [`BatchResult::FAIL`], or
/// [`BatchResult::UNDETERMINED`].
pub type OutcomeCode = u8;

/// The results of a batch, row by row.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BatchResult {
    /// The version used.
    pub version: usize,
    /// One outcome code per row.
    pub outcomes: Vec<OutcomeCode>,
    /// One total per row, in `10^-precision` points (meaningful when the outcome is decided).
    pub totals: Vec<i64>,
    /// The rows with problems, and what the problems are.
    pub diagnostics: Vec<(usize, EntityDiagnostic)>,
}

impl BatchResult {
    /// The code of the fail outcome.
    pub const FAIL: OutcomeCode = 254;
    /// The code of a row whose outcome cannot be decided (see `diagnostics`).
    pub const UNDETERMINED: OutcomeCode = 255;

    /// The outcome of a row as an [`Outcome`] (`None` when undetermined).
    pub fn outcome(&self, row: usize) -> Option<Outcome> {
        match *self.outcomes.get(row)? {
            Self::UNDETERMINED => None,
            Self::FAIL => Some(Outcome::Fail),
            b => Some(Outcome::Band(b)),
        }
    }

    /// How many rows got each outcome code.
    pub fn counts(&self) -> std::collections::BTreeMap<OutcomeCode, usize> {
        let mut m = std::collections::BTreeMap::new();
        for &o in &self.outcomes {
            *m.entry(o).or_insert(0) += 1;
        }
        m
    }
}

/// Rows per task: large enough to amortise scheduling, small enough to stay in cache.
const CHUNK: usize = 16 * 1024;

/// `v` (ten-thousandths) in units of `10^-precision`, rounded up (for `≥` comparisons of
/// integers, `x ≥ v ⇔ x ≥ ceil(v)`), or `None` if it does not fit.
fn ceil_to(v: i64, precision: u32) -> Option<i64> {
    let div = 10i64.checked_pow(SCALE_DIGITS.checked_sub(precision)?)?;
    Some(v.div_euclid(div) + i64::from(v.rem_euclid(div) != 0))
}

/// `v` (ten-thousandths) in units of `10^-precision` when exact.
fn exact_to(v: i64, precision: u32) -> Option<i64> {
    let div = 10i64.checked_pow(SCALE_DIGITS.checked_sub(precision)?)?;
    (v % div == 0).then_some(v / div)
}

impl Engine {
    /// Evaluates a points-shaped population in one call, on every core.
    pub fn evaluate_points_batch(&self, subject: Subject, table: &ScoreTable, year: i32) -> Result<BatchResult> {
        let version = self.version_for_year(year)?;
        self.evaluate_points_batch_version(subject, table, version)
    }

    /// [`Engine::evaluate_points_batch`] with an explicit version.
    pub fn evaluate_points_batch_version(
        &self,
        subject: Subject,
        table: &ScoreTable,
        version: usize,
    ) -> Result<BatchResult> {
        let rulebook = self.book.rulebook.id().to_owned();
        let unusable =
            |message: String| Error::Unusable { rulebook: rulebook.clone(), rule: "batch".to_owned(), message };
        let Some(CShape::Points { bands, .. }) = self.shapes.get(version) else {
            return Err(unusable("the version does not have a points shape".to_owned()));
        };
        let inds: Vec<usize> = self.indicators_of(subject).collect();
        if table.columns.len() != inds.len() {
            return Err(unusable(format!(
                "the table has {} columns but the rulebook has {} indicators for a {subject:?}",
                table.columns.len(),
                inds.len()
            )));
        }
        let rows = table.rows();
        if table.columns.iter().any(|c| c.len() != rows) {
            return Err(unusable("the columns have different lengths".to_owned()));
        }
        let p = table.precision;
        // Per-column maxima and per-band thresholds in the table's units.
        let maxima: Vec<i32> = inds
            .iter()
            .map(|&n| {
                let m = self.indicators.get(n).and_then(|i| i.max).unwrap_or(0);
                exact_to(m, p)
                    .and_then(|m| i32::try_from(m).ok())
                    .ok_or_else(|| unusable(format!("the maximum {} does not fit precision {p}", from_scaled(m))))
            })
            .collect::<Result<_>>()?;
        let compiled: Vec<(i64, i64)> = bands
            .iter()
            .map(|b| {
                let min = ceil_to(b.min_total, p);
                let floor = b.floor.map_or(Some(i64::MIN), |f| ceil_to(f, p));
                min.zip(floor).ok_or_else(|| unusable("a threshold does not fit the table's precision".to_owned()))
            })
            .collect::<Result<_>>()?;

        let mut outcomes = vec![0u8; rows];
        let mut totals = vec![0i64; rows];
        outcomes.par_chunks_mut(CHUNK).zip(totals.par_chunks_mut(CHUNK)).enumerate().for_each(|(c, (out, tot))| {
            let start = c * CHUNK;
            let len = out.len();
            let mut sum = vec![0i32; len];
            let mut lowest = vec![i32::MAX; len];
            let mut bad = vec![0u8; len];
            for (col, &max) in table.columns.iter().zip(&maxima) {
                let Some(col) = col.get(start..start + len) else { continue };
                for (((s, l), b), &v) in sum.iter_mut().zip(lowest.iter_mut()).zip(bad.iter_mut()).zip(col) {
                    *s = s.wrapping_add(v);
                    *l = (*l).min(v);
                    *b |= u8::from(v < 0) | u8::from(v > max);
                }
            }
            for i in 0..len {
                let (s, l) = (i64::from(sum[i]), i64::from(lowest[i]));
                tot[i] = s;
                out[i] = if bad[i] != 0 {
                    BatchResult::UNDETERMINED
                } else {
                    compiled
                        .iter()
                        .position(|&(min, floor)| s >= min && l >= floor)
                        .and_then(|b| u8::try_from(b).ok())
                        .unwrap_or(BatchResult::FAIL)
                };
            }
        });

        // The slow path, only for rows with problems: evaluate them one at a time, so a row
        // with a missing or bad value gets exactly the one-entity result and diagnostics.
        let mut diagnostics = Vec::new();
        let scale = 10i64.pow(SCALE_DIGITS - p);
        for (row, out) in outcomes.iter_mut().enumerate().filter(|(_, o)| **o == BatchResult::UNDETERMINED) {
            let mut facts = Facts::new(self, subject);
            for (col, &n) in table.columns.iter().zip(&inds) {
                let v = col.get(row).copied().unwrap_or(-1);
                let Some(ind) = self.indicators.get(n) else { continue };
                if v < 0 {
                    continue;
                }
                let value = i64::from(v) * scale;
                if ind.max.is_some_and(|m| value > m) {
                    let shown = rust_decimal::Decimal::new(i64::from(v), p);
                    facts.set_at(n, crate::facts::FactValue::Invalid, false);
                    facts.diagnostics.push(EntityDiagnostic {
                        kind: DiagnosticKind::OutOfRange,
                        indicator: ind.id.clone(),
                        message: format!("{shown} is outside [0, {}]", from_scaled(ind.max.unwrap_or(0))),
                    });
                } else {
                    facts.set_at(n, crate::facts::FactValue::Scaled(value), false);
                }
            }
            let single = self.evaluate_version(&facts, 0, version);
            *out = match single.outcome {
                None => BatchResult::UNDETERMINED,
                Some(Outcome::Band(b)) => b,
                Some(_) => BatchResult::FAIL,
            };
            diagnostics.extend(single.diagnostics.into_iter().map(|d| (row, d)));
        }
        Ok(BatchResult { version, outcomes, totals, diagnostics })
    }

    /// Evaluates many entities' facts in parallel with the one-entity path.
    pub fn evaluate_many(&self, facts: &[Facts], year: i32) -> Result<Vec<Evaluation>> {
        let version = self.version_for_year(year)?;
        Ok(facts.par_iter().map(|f| self.evaluate_version(f, year, version)).collect())
    }
}
