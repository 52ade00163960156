//! Draws that do not come from the generator's sequence (a stable hash of a key), and a unit's
//! self-assessment values under a rulebook's recorded indicators.

use rust_decimal::Decimal;
use xhht_core::record::{IndicatorValue, Value};
use xhht_core::rulebook::Subject;

use crate::d;
use crate::rng::Rng;

/// A unit's self-assessment values under `engine`'s indicators that the records hold (not the
/// ones the engine derives), strong or weak, with evidence for almost all.
pub(crate) fn unit_values(
    engine: &xhht_scoring::Engine,
    tags: &[String],
    strong: bool,
    code: &str,
    year: i32,
    rng: &mut Rng,
) -> Vec<IndicatorValue> {
    let mut values = Vec::new();
    for n in engine.indicators_of(Subject::Organisation).collect::<Vec<_>>() {
        let Some((_, def)) = engine.definition(n) else { continue };
        if def.source.as_deref().is_some_and(|s| s != "recorded") {
            continue; // derived from the records by the engine
        }
        if def.applies_to.as_ref().is_some_and(|a| !a.covers(tags)) {
            continue;
        }
        let value = match def.kind {
            xhht_core::rulebook::IndicatorKind::Score => {
                let max = def.max.unwrap_or(Decimal::TEN);
                let pct = if strong { 78 + rng.below(23) } else { 20 + rng.below(45) };
                let v = (max * Decimal::from(pct) / Decimal::ONE_HUNDRED).round_dp(1);
                Value::Score(v)
            }
            xhht_core::rulebook::IndicatorKind::Share => {
                let den = 20 + rng.below(30);
                let miss = if strong { rng.below(2) } else { rng.below(6) };
                Value::Share { numerator: den - miss.min(den), denominator: den }
            }
            xhht_core::rulebook::IndicatorKind::Count => Value::Count(1 + u64::from(strong && rng.below(2) == 0)),
            xhht_core::rulebook::IndicatorKind::Deadline => Value::Date(d(year, 12, 1)),
            _ => Value::YesNo(strong || rng.below(100) < 80),
        };
        let evidence = (rng.below(100) < 97).then(|| format!("MC-{code}-{year}-{}", def.id));
        values.push(IndicatorValue { indicator: def.id.clone(), value, evidence });
    }
    values
}

/// A stable 64-bit FNV-1a hash of some strings and a year.
pub(crate) fn mix(parts: &[&str], year: i32) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in parts.iter().flat_map(|p| p.bytes().chain([0])).chain(year.to_le_bytes()) {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0100_0000_01b3);
    }
    h
}
