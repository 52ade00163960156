//! The facts of one entity-year, aligned to a compiled rulebook.

use std::fmt;

use chrono::NaiveDate;
use rust_decimal::Decimal;
use xhht_core::Text;
use xhht_core::record::{IndicatorValue, Value};
use xhht_core::rulebook::{IndicatorKind, Subject};

use crate::engine::Engine;
use crate::scale::{SCALE, to_scaled};

/// One indicator's value, as the engine holds it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum FactValue {
    /// No value was given.
    Missing,
    /// A value was given but was unusable (out of range, wrong type…); a diagnostic says why.
    Invalid,
    /// A yes/no fact.
    Bool(bool),
    /// A score or a percentage, in ten-thousandths ([`crate::scale::SCALE`]).
    Scaled(i64),
    /// A share as counts.
    Ratio {
        /// How many meet the condition.
        numerator: u64,
        /// How many are counted.
        denominator: u64,
    },
    /// A count.
    Count(u64),
    /// A date.
    Date(NaiveDate),
}

/// What is wrong with an entity's facts. Bad input is not a panic and not a silent zero: it is
/// one of these on the entity's result, and the outcome is left undetermined where it matters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum DiagnosticKind {
    /// The rulebook has no indicator with this id.
    UnknownIndicator,
    /// The indicator evaluates another kind of subject.
    WrongSubject,
    /// The value's type does not fit the indicator (e.g. a date for a score).
    WrongType,
    /// The value lies outside its range (a score outside `[0, max]`, a share above 100%).
    OutOfRange,
    /// The value has more decimal places than the indicator allows.
    TooPrecise,
    /// A value the outcome needs was not given.
    Missing,
    /// The indicator was given twice.
    Duplicate,
    /// A share counts nobody (0 of 0): there is nothing to take a share of.
    EmptyShare,
}

impl DiagnosticKind {
    /// A stable code, e.g. `out-of-range`.
    pub fn code(self) -> &'static str {
        match self {
            Self::UnknownIndicator => "unknown-indicator",
            Self::WrongSubject => "wrong-subject",
            Self::WrongType => "wrong-type",
            Self::OutOfRange => "out-of-range",
            Self::TooPrecise => "too-precise",
            Self::Missing => "missing",
            Self::Duplicate => "duplicate",
            Self::EmptyShare => "empty-share",
        }
    }
}

/// A problem with one entity's facts.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct EntityDiagnostic {
    /// What kind of problem.
    pub kind: DiagnosticKind,
    /// The indicator concerned.
    pub indicator: String,
    /// A message in English naming the value and the rule.
    pub message: String,
}

impl fmt::Display for EntityDiagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "indicator {}: {}", self.indicator, self.message)
    }
}

/// The facts of one entity for one data year: a value (and whether evidence backs it) for each
/// indicator of the rulebook, the subject's tags, and the problems found while setting them.
#[derive(Debug, Clone)]
pub struct Facts {
    pub(crate) subject: Subject,
    pub(crate) values: Vec<FactValue>,
    pub(crate) evidence: Vec<bool>,
    pub(crate) tags: Vec<String>,
    pub(crate) diagnostics: Vec<EntityDiagnostic>,
    pub(crate) reasons: Vec<(usize, Text)>,
}

impl Facts {
    /// Empty facts for `subject` under `engine`'s rulebook.
    pub fn new(engine: &Engine, subject: Subject) -> Self {
        let n = engine.indicator_count();
        Self {
            subject,
            values: vec![FactValue::Missing; n],
            evidence: vec![false; n],
            tags: Vec::new(),
            diagnostics: Vec::new(),
            reasons: Vec::new(),
        }
    }

    /// Builds facts from an assessment's values; every problem becomes a diagnostic.
    pub fn from_values<'v>(
        engine: &Engine,
        subject: Subject,
        tags: impl IntoIterator<Item = String>,
        values: impl IntoIterator<Item = &'v IndicatorValue>,
    ) -> Self {
        let mut f = Self::new(engine, subject).with_tags(tags);
        for v in values {
            f.set(engine, &v.indicator, &v.value, v.evidence.as_deref().is_some_and(|e| !e.trim().is_empty()));
        }
        f
    }

    /// Sets the subject's tags (see `xhht_core::entity::Organisation::tags`).
    pub fn with_tags(mut self, tags: impl IntoIterator<Item = String>) -> Self {
        self.tags = tags.into_iter().collect();
        self
    }

    /// The subject.
    pub fn subject(&self) -> Subject {
        self.subject
    }

    /// The tags.
    pub fn tags(&self) -> &[String] {
        &self.tags
    }

    /// The problems found so far.
    pub fn diagnostics(&self) -> &[EntityDiagnostic] {
        &self.diagnostics
    }

    /// The value held for the indicator at `index`.
    pub fn value(&self, index: usize) -> FactValue {
        self.values.get(index).copied().unwrap_or(FactValue::Missing)
    }

    /// Whether evidence backs the indicator at `index`.
    pub fn has_evidence(&self, index: usize) -> bool {
        self.evidence.get(index).copied().unwrap_or(false)
    }

    fn diag(&mut self, kind: DiagnosticKind, indicator: &str, message: String) {
        self.diagnostics.push(EntityDiagnostic { kind, indicator: indicator.to_owned(), message });
    }

    /// Records why a derived value is what it is (shown in the explanation), e.g. who approved
    /// a self-study plan and who the head was that day.
    pub fn set_reason(&mut self, index: usize, reason: Text) {
        self.reasons.retain(|(i, _)| *i != index);
        self.reasons.push((index, reason));
    }

    /// The reason recorded for the indicator at `index`.
    pub fn reason(&self, index: usize) -> Option<&Text> {
        self.reasons.iter().find(|(i, _)| *i == index).map(|(_, t)| t)
    }

    /// Sets an already-checked value by position (used by derived facts and batch paths).
    pub fn set_at(&mut self, index: usize, value: FactValue, evidence: bool) {
        if let (Some(v), Some(e)) = (self.values.get_mut(index), self.evidence.get_mut(index)) {
            *v = value;
            *e = evidence;
        }
    }

    /// Empties the facts (every value missing, no evidence, tags, diagnostics or reasons) to be
    /// filled again for another entity of the same subject, keeping their allocations.
    pub fn clear(&mut self) {
        self.values.fill(FactValue::Missing);
        self.evidence.fill(false);
        self.tags.clear();
        self.diagnostics.clear();
        self.reasons.clear();
    }

    /// Replaces the tags.
    pub fn set_tags(&mut self, tags: impl IntoIterator<Item = String>) {
        self.tags.clear();
        self.tags.extend(tags);
    }

    /// Sets the score indicator at `index` from a value already in ten-thousandths
    /// (`scaled`, written with `decimals` significant decimal places) when it passes every check
    /// [`Facts::set`] makes of a score — a score indicator of this subject, not yet given, no
    /// more decimals than its precision, within `[0, max]` — and returns `true`; otherwise
    /// changes nothing and returns `false` (then [`Facts::set`] says what is wrong). The fast
    /// path of file scoring: no decimal is built.
    pub fn try_set_score(&mut self, engine: &Engine, index: usize, scaled: i64, decimals: u32, evidence: bool) -> bool {
        let Some(ind) = engine.indicators.get(index) else { return false };
        let fits = ind.kind == IndicatorKind::Score
            && ind.subject == self.subject
            && decimals <= ind.precision
            && scaled >= 0
            && scaled <= ind.max.unwrap_or(i64::MAX)
            && matches!(self.values.get(index), Some(FactValue::Missing));
        if fits {
            self.set_at(index, FactValue::Scaled(scaled), evidence);
        }
        fits
    }

    /// Sets an indicator's value from a record value, checking its type, range and precision.
    /// A problem marks the value invalid and adds a diagnostic; it never panics.
    pub fn set(&mut self, engine: &Engine, indicator: &str, value: &Value, evidence: bool) {
        let Some(index) = engine.index_of(indicator) else {
            let id = engine.rulebook().rulebook.id().to_owned();
            return self.diag(
                DiagnosticKind::UnknownIndicator,
                indicator,
                format!("rulebook `{id}` has no such indicator"),
            );
        };
        let Some(ind) = engine.indicators.get(index) else { return };
        if ind.subject != self.subject {
            return self.diag(
                DiagnosticKind::WrongSubject,
                indicator,
                format!("evaluates a {:?}, not a {:?}", ind.subject, self.subject),
            );
        }
        if !matches!(self.values.get(index), Some(FactValue::Missing)) {
            return self.diag(DiagnosticKind::Duplicate, indicator, "the value is given twice".to_owned());
        }
        let checked = check(ind.kind, ind.max, ind.precision, value);
        match checked {
            Ok(v) => self.set_at(index, v, evidence),
            Err((kind, message)) => {
                self.set_at(index, FactValue::Invalid, evidence);
                self.diag(kind, indicator, message);
            }
        }
    }
}

fn decimals(d: Decimal) -> u32 {
    d.normalize().scale()
}

/// Checks a record value against an indicator's kind, maximum and precision.
fn check(
    kind: IndicatorKind,
    max: Option<i64>,
    precision: u32,
    value: &Value,
) -> Result<FactValue, (DiagnosticKind, String)> {
    let wrong = || (DiagnosticKind::WrongType, format!("a {} indicator cannot take {value:?}", kind.id()));
    match (kind, value) {
        (IndicatorKind::YesNo, Value::YesNo(b)) => Ok(FactValue::Bool(*b)),
        (IndicatorKind::Score, Value::Score(d)) => {
            if decimals(*d) > precision {
                return Err((DiagnosticKind::TooPrecise, format!("{d} has more than {precision} decimal place(s)")));
            }
            let v = to_scaled(*d).ok_or((DiagnosticKind::TooPrecise, format!("{d} cannot be held exactly")))?;
            let max = max.unwrap_or(i64::MAX);
            if v < 0 || v > max {
                let m = crate::scale::from_scaled(max);
                return Err((DiagnosticKind::OutOfRange, format!("{d} is outside [0, {m}]")));
            }
            Ok(FactValue::Scaled(v))
        }
        (IndicatorKind::Share, Value::Share { numerator, denominator }) => {
            if *denominator == 0 {
                return Err((DiagnosticKind::EmptyShare, "0 of 0: the share counts nobody".to_owned()));
            }
            if numerator > denominator {
                return Err((DiagnosticKind::OutOfRange, format!("{numerator} of {denominator} is more than all")));
            }
            Ok(FactValue::Ratio { numerator: *numerator, denominator: *denominator })
        }
        (IndicatorKind::Share, Value::Percent(d)) => {
            let v = to_scaled(*d).ok_or((DiagnosticKind::TooPrecise, format!("{d}% cannot be held exactly")))?;
            if !(0..=100 * SCALE).contains(&v) {
                return Err((DiagnosticKind::OutOfRange, format!("{d}% is outside [0, 100]")));
            }
            Ok(FactValue::Scaled(v))
        }
        (IndicatorKind::Count, Value::Count(c)) => Ok(FactValue::Count(*c)),
        (IndicatorKind::Deadline, Value::Date(d)) => Ok(FactValue::Date(*d)),
        _ => Err(wrong()),
    }
}
