//! A rulebook compiled for evaluation.

use std::collections::HashMap;

use xhht_core::Text;
use xhht_core::plan::{AnnualDate, DeadlineReading};
use xhht_core::rulebook::{
    Applicability, FactSource, Indicator, IndicatorKind, LoadedRulebook, Outcome as OutcomeDef, Scoring, Subject,
    Version,
};

use crate::error::{Error, Result};
use crate::scale::to_scaled;

/// A threshold, compiled.
#[derive(Debug, Clone)]
pub(crate) struct CThreshold {
    pub(crate) level: Option<u8>,
    pub(crate) min: Option<i64>,
    pub(crate) applies_to: Option<Applicability>,
}

/// An indicator, compiled.
#[derive(Debug, Clone)]
pub(crate) struct CIndicator {
    pub(crate) id: String,
    /// Position of the group and of the indicator in it, in the rulebook.
    pub(crate) at: (usize, usize),
    pub(crate) subject: Subject,
    pub(crate) kind: IndicatorKind,
    pub(crate) max: Option<i64>,
    pub(crate) precision: u32,
    pub(crate) evidence_required: bool,
    pub(crate) applies_to: Option<Applicability>,
    pub(crate) source: FactSource,
    pub(crate) thresholds: Vec<CThreshold>,
    pub(crate) deadline: Option<AnnualDate>,
    pub(crate) reading: DeadlineReading,
}

impl CIndicator {
    /// The threshold that governs level `level` (`None` for points shapes): the entry for that
    /// level, else the one for every level, else the highest lower level's. `None` when the
    /// indicator only has entries for higher levels (it is not required yet).
    pub(crate) fn threshold_at(&self, level: Option<u8>) -> Option<&CThreshold> {
        let Some(k) = level else {
            return self.thresholds.iter().find(|t| t.level.is_none());
        };
        self.thresholds
            .iter()
            .find(|t| t.level == Some(k))
            .or_else(|| self.thresholds.iter().find(|t| t.level.is_none()))
            .or_else(|| self.thresholds.iter().filter(|t| t.level.is_some_and(|l| l < k)).max_by_key(|t| t.level))
    }

    /// The minimum in force at `level`: the governing threshold's, else the nearest lower one's.
    pub(crate) fn min_at(&self, level: Option<u8>) -> Option<i64> {
        if let Some(m) = self.threshold_at(level).and_then(|t| t.min) {
            return Some(m);
        }
        let k = level?;
        self.thresholds.iter().filter(|t| t.level.is_none_or(|l| l <= k)).filter_map(|t| t.min).max()
    }

    /// Whether the indicator is required of a subject with `tags` at `level`.
    pub(crate) fn applies(&self, tags: &[String], level: Option<u8>) -> bool {
        if self.applies_to.as_ref().is_some_and(|a| !a.covers(tags)) {
            return false;
        }
        if self.thresholds.is_empty() {
            return true;
        }
        match self.threshold_at(level) {
            None => level.is_none(),
            Some(t) => t.applies_to.as_ref().is_none_or(|a| a.covers(tags)),
        }
    }
}

/// A points band, compiled.
#[derive(Debug, Clone)]
pub(crate) struct CBand {
    pub(crate) min_total: i64,
    pub(crate) floor: Option<i64>,
}

/// A scoring shape, compiled.
#[derive(Debug, Clone)]
pub(crate) enum CShape {
    Points { max_total: i64, bands: Vec<CBand> },
    Levels { levels: u8 },
}

/// The result of a version's scoring: a band, a level, or the fail outcome.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Outcome {
    /// The fail outcome (`khong_dat`).
    Fail,
    /// A band of a points shape, by index from the highest (0 is the best band).
    Band(u8),
    /// A level of a levels shape (1, 2, …).
    Level(u8),
}

/// A rulebook compiled for evaluation: indicators indexed, thresholds and maxima converted to
/// exact fixed-point, applicability and sources parsed. Build once, evaluate many.
#[derive(Debug, Clone)]
pub struct Engine {
    pub(crate) book: LoadedRulebook,
    pub(crate) indicators: Vec<CIndicator>,
    by_id: HashMap<String, usize>,
    pub(crate) shapes: Vec<CShape>,
}

fn scaled(book: &LoadedRulebook, rule: &str, d: rust_decimal::Decimal) -> Result<i64> {
    to_scaled(d).ok_or_else(|| Error::Inexact {
        rulebook: book.rulebook.id().to_owned(),
        rule: rule.to_owned(),
        value: d.to_string(),
    })
}

impl Engine {
    /// Compiles a validated rulebook.
    pub fn new(book: &LoadedRulebook) -> Result<Self> {
        let rb = &book.rulebook;
        let mut indicators = Vec::new();
        for (gn, g) in rb.groups.iter().enumerate() {
            for (n, i) in g.indicators.iter().enumerate() {
                let rule = format!("{}/groups/{}/indicators/{}", rb.id(), g.id, i.id);
                let mut c = compile_indicator(book, &rule, rb.subject_of(g), i)?;
                c.at = (gn, n);
                indicators.push(c);
            }
        }
        let by_id = indicators.iter().enumerate().map(|(n, i)| (i.id.clone(), n)).collect();
        let shapes = rb.versions.iter().map(|v| compile_shape(book, v)).collect::<Result<Vec<_>>>()?;
        Ok(Self { book: book.clone(), indicators, by_id, shapes })
    }

    /// The rulebook.
    pub fn rulebook(&self) -> &LoadedRulebook {
        &self.book
    }

    /// The position of an indicator in the rulebook (source order).
    pub fn index_of(&self, indicator: &str) -> Option<usize> {
        self.by_id.get(indicator).copied()
    }

    /// The number of indicators in the rulebook.
    pub fn indicator_count(&self) -> usize {
        self.indicators.len()
    }

    /// The positions of the indicators evaluating `subject`, in source order.
    pub fn indicators_of(&self, subject: Subject) -> impl Iterator<Item = usize> + '_ {
        self.indicators.iter().enumerate().filter(move |(_, i)| i.subject == subject).map(|(n, _)| n)
    }

    /// The subjects this rulebook evaluates.
    pub fn subjects(&self) -> Vec<Subject> {
        let mut v: Vec<Subject> = self.indicators.iter().map(|i| i.subject).collect();
        v.sort();
        v.dedup();
        v
    }

    /// The version in force for data year `year` (by the rulebook's version selection).
    pub fn version_for_year(&self, year: i32) -> Result<usize> {
        let rb = &self.book.rulebook;
        let day = rb.reference_day(year);
        day.and_then(|d| rb.versions.iter().position(|v| v.in_force_on(d))).ok_or_else(|| Error::NoVersion {
            rulebook: rb.id().to_owned(),
            what: format!("is in force for data year {year}"),
        })
    }

    /// The version with this id.
    pub fn version_by_id(&self, id: &str) -> Result<usize> {
        let rb = &self.book.rulebook;
        rb.versions
            .iter()
            .position(|v| v.id == id)
            .ok_or_else(|| Error::NoVersion { rulebook: rb.id().to_owned(), what: format!("has the id `{id}`") })
    }

    /// The rulebook's definition of the indicator at position `index`, with its group.
    pub fn definition(&self, index: usize) -> Option<(&xhht_core::rulebook::Group, &Indicator)> {
        let (g, i) = self.indicators.get(index)?.at;
        let group = self.book.rulebook.groups.get(g)?;
        Some((group, group.indicators.get(i)?))
    }

    /// The version at a position.
    pub fn version(&self, index: usize) -> Option<&Version> {
        self.book.rulebook.versions.get(index)
    }

    fn outcome_def(&self, version: usize, outcome: Outcome) -> Option<(&str, &Text, bool)> {
        let v = self.version(version)?;
        match (&v.scoring, outcome) {
            (Scoring::Points(p), Outcome::Band(b)) => {
                p.bands.get(usize::from(b)).map(|b| (b.id.as_str(), &b.label, b.confers_title))
            }
            (Scoring::Levels(l), Outcome::Level(k)) => {
                l.levels.iter().find(|x| x.level == k).map(|x| (x.id.as_str(), &x.label, true))
            }
            (Scoring::Points(p), Outcome::Fail) => Some(fail(&p.fail)),
            (Scoring::Levels(l), Outcome::Fail) => Some(fail(&l.fail)),
            _ => None,
        }
    }

    /// The stable machine id of an outcome (`dat`, `khong_dat`, `tot`, `muc_2`, …).
    pub fn outcome_id(&self, version: usize, outcome: Outcome) -> &str {
        self.outcome_def(version, outcome).map_or("", |(id, _, _)| id)
    }

    /// The label of an outcome.
    pub fn outcome_label(&self, version: usize, outcome: Outcome) -> Option<&Text> {
        self.outcome_def(version, outcome).map(|(_, l, _)| l)
    }

    /// Whether an outcome confers the title (counts towards targets).
    pub fn confers_title(&self, version: usize, outcome: Outcome) -> bool {
        self.outcome_def(version, outcome).is_some_and(|(_, _, c)| c)
    }
}

fn fail(o: &OutcomeDef) -> (&str, &Text, bool) {
    (o.id.as_str(), &o.label, false)
}

fn compile_indicator(book: &LoadedRulebook, rule: &str, subject: Option<Subject>, i: &Indicator) -> Result<CIndicator> {
    let unusable =
        |message: String| Error::Unusable { rulebook: book.rulebook.id().to_owned(), rule: rule.to_owned(), message };
    let subject = subject.ok_or_else(|| unusable("no subject".to_owned()))?;
    let source = match &i.source {
        None => FactSource::Recorded,
        Some(s) => FactSource::parse(s).map_err(unusable)?,
    };
    let max = i.max.map(|m| scaled(book, rule, m)).transpose()?;
    let thresholds = i
        .thresholds
        .iter()
        .map(|t| {
            Ok(CThreshold {
                level: t.level,
                min: t.min.map(|m| scaled(book, rule, m)).transpose()?,
                applies_to: t.applies_to.clone(),
            })
        })
        .collect::<Result<Vec<_>>>()?;
    Ok(CIndicator {
        id: i.id.clone(),
        at: (0, 0),
        subject,
        kind: i.kind,
        max,
        precision: i.precision.unwrap_or(1),
        evidence_required: i.evidence_required,
        applies_to: i.applies_to.clone(),
        source,
        thresholds,
        deadline: i.deadline,
        reading: i.reading.unwrap_or_default(),
    })
}

fn compile_shape(book: &LoadedRulebook, v: &Version) -> Result<CShape> {
    let rule = format!("{}/versions/{}/scoring", book.rulebook.id(), v.id);
    Ok(match &v.scoring {
        Scoring::Points(p) => CShape::Points {
            max_total: scaled(book, &rule, p.max_total)?,
            bands: p
                .bands
                .iter()
                .map(|b| {
                    Ok(CBand {
                        min_total: scaled(book, &rule, b.min_total)?,
                        floor: b.floor.map(|f| scaled(book, &rule, f)).transpose()?,
                    })
                })
                .collect::<Result<Vec<_>>>()?,
        },
        Scoring::Levels(l) if l.levels.len() <= crate::explain::MAX_LEVELS => {
            CShape::Levels { levels: u8::try_from(l.levels.len()).unwrap_or(u8::MAX) }
        }
        Scoring::Levels(_) => {
            return Err(Error::Unusable {
                rulebook: book.rulebook.id().to_owned(),
                rule,
                message: format!("a levels shape may have at most {} levels", crate::explain::MAX_LEVELS),
            });
        }
        _ => {
            return Err(Error::Unusable {
                rulebook: book.rulebook.id().to_owned(),
                rule,
                message: "this scoring shape is not supported by this engine".to_owned(),
            });
        }
    })
}
