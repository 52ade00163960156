//! Invariants of the engine, checked on generated inputs with proptest.

use proptest::prelude::*;
use rust_decimal::Decimal;
use xhht_core::record::Value;
use xhht_core::rulebook::{RulebookSet, Subject};
use xhht_scoring::scale::SCALE;
use xhht_scoring::{BatchResult, Engine, Facts, Outcome, ScoreTable};

fn cdht() -> Engine {
    Engine::new(RulebookSet::builtin().get("cong-dan-hoc-tap").unwrap()).unwrap()
}

fn tt22() -> Engine {
    Engine::new(RulebookSet::builtin().get("don-vi-hoc-tap.tt22-2020").unwrap()).unwrap()
}

/// Ten CDHT scores in tenths of a point, 0–100 each.
fn tenths() -> impl Strategy<Value = Vec<i64>> {
    prop::collection::vec(0i64..=100, 10)
}

fn facts_of(engine: &Engine, subject: Subject, tenths: &[i64]) -> Facts {
    let mut f = Facts::new(engine, subject);
    let ids: Vec<String> = engine
        .indicators_of(subject)
        .map(|n| engine.rulebook().rulebook.indicators().nth(n).unwrap().1.id.clone())
        .collect();
    for (id, t) in ids.iter().zip(tenths) {
        f.set(engine, id, &Value::Score(Decimal::new(*t, 1)), false);
    }
    f
}

/// A rank where a better outcome is larger: fail < lowest band < … < best band.
fn rank(o: Option<Outcome>) -> i32 {
    match o {
        None => -1,
        Some(Outcome::Fail) => 0,
        Some(Outcome::Band(b)) => 100 - i32::from(b),
        Some(Outcome::Level(k)) => i32::from(k),
    }
}

proptest! {
    #[test]
    fn raising_an_indicator_never_lowers_the_total_or_the_outcome(
        scores in tenths(), which in 0usize..10, raise in 1i64..=100, year in 2021i32..=2030
    ) {
        let e = cdht();
        let before = e.evaluate(&facts_of(&e, Subject::Person, &scores), year).unwrap();
        let mut up = scores.clone();
        up[which] = (up[which] + raise).min(100);
        let after = e.evaluate(&facts_of(&e, Subject::Person, &up), year).unwrap();
        prop_assert!(after.total >= before.total);
        prop_assert!(rank(after.outcome) >= rank(before.outcome));
    }

    #[test]
    fn a_total_lies_within_zero_and_the_maximum(scores in tenths(), year in 2021i32..=2030) {
        let e = cdht();
        let r = e.evaluate(&facts_of(&e, Subject::Person, &scores), year).unwrap();
        let total = r.total.unwrap();
        prop_assert!((0..=100 * SCALE).contains(&total));
        prop_assert!(r.diagnostics.is_empty());
    }

    #[test]
    fn evaluation_is_deterministic(scores in tenths(), year in 2021i32..=2030) {
        let e = cdht();
        let f = facts_of(&e, Subject::Person, &scores);
        prop_assert_eq!(e.evaluate(&f, year).unwrap(), e.evaluate(&f, year).unwrap());
    }

    #[test]
    fn batch_equals_one_at_a_time(
        rows in prop::collection::vec(prop::collection::vec(-5i32..=105, 10), 1..300),
        year in 2021i32..=2030,
    ) {
        let e = cdht();
        let mut table = ScoreTable::new(1, 10);
        for row in &rows {
            for (c, v) in row.iter().enumerate() {
                table.columns[c].push(*v);
            }
        }
        let batch = e.evaluate_points_batch(Subject::Person, &table, year).unwrap();
        for (r, row) in rows.iter().enumerate() {
            let mut f = Facts::new(&e, Subject::Person);
            for (c, v) in row.iter().enumerate() {
                if *v >= 0 {
                    f.set(&e, &(c + 1).to_string(), &Value::Score(Decimal::new(i64::from(*v), 1)), false);
                }
            }
            let single = e.evaluate(&f, year).unwrap();
            prop_assert_eq!(batch.outcome(r), single.outcome, "row {}: {:?}", r, row);
            if let Some(total) = single.total {
                prop_assert_eq!(batch.totals[r] * (SCALE / 10), total);
            }
            if single.outcome.is_none() {
                prop_assert_eq!(batch.outcomes[r], BatchResult::UNDETERMINED);
                prop_assert!(batch.diagnostics.iter().any(|(row, _)| *row == r));
            }
        }
    }

    #[test]
    fn tt22_batch_equals_one_at_a_time_on_grade_edges(
        rows in prop::collection::vec(prop::collection::vec(0i32..=100, 9), 1..200),
    ) {
        // Points in tenths; the TT 22 maxima are 10, 10, 10, 10, 5, 10, 5, 25, 15.
        let e = tt22();
        let maxima = [100, 100, 100, 100, 50, 100, 50, 250, 150];
        let mut table = ScoreTable::new(1, 9);
        let mut facts = Vec::new();
        for row in &rows {
            let mut f = Facts::new(&e, Subject::Organisation);
            for (c, v) in row.iter().enumerate() {
                let v = (*v * maxima[c]) / 100;
                table.columns[c].push(v);
                let id = e.rulebook().rulebook.indicators().nth(c).unwrap().1.id.clone();
                f.set(&e, &id, &Value::Score(Decimal::new(i64::from(v), 1)), false);
            }
            facts.push(f);
        }
        let batch = e.evaluate_points_batch(Subject::Organisation, &table, 2022).unwrap();
        let single = e.evaluate_many(&facts, 2022).unwrap();
        for (r, s) in single.iter().enumerate() {
            prop_assert_eq!(batch.outcome(r), s.outcome);
        }
    }

    #[test]
    fn shares_lie_within_zero_and_a_hundred(n in 0u64..10_000, extra in 0u64..10_000) {
        let d = n + extra;
        if let Some(p) = xhht_scoring::scale::percent_scaled(n, d) {
            prop_assert!((0..=100 * SCALE).contains(&p));
        } else {
            prop_assert_eq!(d, 0);
        }
    }
}
