//! Benchmarks of the rules engine (`cargo xtask bench`, or `cargo bench -p xhht-scoring`).
//!
//! The populations are **synthetic**: scores drawn from a fixed pseudo-random sequence (a
//! xorshift generator with a fixed seed), shaped so that about two thirds of people pass. They
//! measure speed only; no figure here describes a real district.
//!
//! - `batch/cdht_1m`: 1,000,000 people, "Công dân học tập" (10 indicators, tenths of a point),
//!   columnar, all cores, no explanations.
//! - `single/cdht` and `single/cdht_explained`: the one-entity API without and with an
//!   explanation.
//! - `rollup/tt24_10k`: 10,000 organisations under TT 24/2023 with their members' shares.
//! - memory: the resident-set peak after building and scoring 10,000,000 people (printed).

#![allow(clippy::float_arithmetic, clippy::print_stdout, reason = "a benchmark prints rates")]

use std::hint::black_box;
use std::time::Instant;

use criterion::{Criterion, Throughput};
use xhht_core::rulebook::{RulebookSet, Subject};
use xhht_scoring::{Engine, FactValue, Facts, ScoreTable};

/// A small, fixed pseudo-random sequence (synthetic data only).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }

    /// A score in tenths of a point, mostly 6.0–10.0 with a tail down to 3.0.
    fn tenths(&mut self) -> i32 {
        let r = self.next() % 1000;
        let v = if r < 50 { 30 + r % 30 } else { 60 + self.next() % 41 };
        i32::try_from(v).unwrap_or(0)
    }
}

fn synthetic_table(rows: usize) -> ScoreTable {
    let mut rng = Rng(0x9E37_79B9_7F4A_7C15);
    let mut t = ScoreTable::new(1, 10);
    for col in &mut t.columns {
        col.reserve_exact(rows);
    }
    for _ in 0..rows {
        for col in &mut t.columns {
            col.push(rng.tenths());
        }
    }
    t
}

fn engine(id: &str) -> Engine {
    Engine::new(RulebookSet::builtin().get(id).expect("shipped rulebook")).expect("compiles")
}

fn bench_batch(c: &mut Criterion) {
    let e = engine("cong-dan-hoc-tap");
    let rows = 1_000_000;
    let table = synthetic_table(rows);
    let mut g = c.benchmark_group("batch");
    g.throughput(Throughput::Elements(rows as u64));
    g.sample_size(20);
    g.bench_function("cdht_1m", |b| {
        b.iter(|| black_box(e.evaluate_points_batch(Subject::Person, black_box(&table), 2024).expect("batch")))
    });
    g.finish();
}

fn person_facts(e: &Engine, rng: &mut Rng) -> Facts {
    let mut f = Facts::new(e, Subject::Person);
    for n in 0..10 {
        f.set_at(n, FactValue::Scaled(i64::from(rng.tenths()) * 1000), false);
    }
    f
}

fn bench_single(c: &mut Criterion) {
    let e = engine("cong-dan-hoc-tap");
    let mut rng = Rng(42);
    let people: Vec<Facts> = (0..1024).map(|_| person_facts(&e, &mut rng)).collect();
    let mut g = c.benchmark_group("single");
    g.throughput(Throughput::Elements(people.len() as u64));
    g.bench_function("cdht", |b| {
        b.iter(|| {
            for f in &people {
                black_box(e.evaluate(black_box(f), 2024).expect("version"));
            }
        })
    });
    g.bench_function("cdht_explained", |b| {
        b.iter(|| {
            for f in &people {
                let r = e.evaluate(f, 2024).expect("version");
                black_box(e.explain(f, 2024, &r));
            }
        })
    });
    g.finish();
}

fn bench_rollup(c: &mut Criterion) {
    let e = engine("don-vi-hoc-tap.tt24-2023");
    let mut rng = Rng(7);
    let tags: Vec<String> = [
        "school",
        "school:primary",
        "educational-institution",
        "general-education",
        "public",
        "state",
        "managed-by:commune",
    ]
    .iter()
    .map(|s| (*s).to_owned())
    .collect();
    let orgs: Vec<Facts> = (0..10_000)
        .map(|_| {
            let mut f = Facts::new(&e, Subject::Organisation).with_tags(tags.clone());
            for n in e.indicators_of(Subject::Organisation).collect::<Vec<_>>() {
                let kind = e.rulebook().rulebook.indicators().nth(n).map(|(_, i)| i.kind);
                let v = match kind {
                    Some(xhht_core::rulebook::IndicatorKind::Share) => {
                        let den = 20 + rng.next() % 80;
                        FactValue::Ratio { numerator: den - rng.next() % 6, denominator: den }
                    }
                    Some(xhht_core::rulebook::IndicatorKind::Count) => FactValue::Count(1 + rng.next() % 2),
                    _ => FactValue::Bool(!rng.next().is_multiple_of(50)),
                };
                f.set_at(n, v, true);
            }
            f
        })
        .collect();
    let mut g = c.benchmark_group("rollup");
    g.throughput(Throughput::Elements(orgs.len() as u64));
    g.bench_function("tt24_10k", |b| b.iter(|| black_box(e.evaluate_many(black_box(&orgs), 2024).expect("version"))));
    g.finish();
}

/// Peak resident set size in KiB, from /proc (Linux); `None` elsewhere.
fn peak_rss_kib() -> Option<u64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    s.lines().find(|l| l.starts_with("VmHWM:"))?.split_whitespace().nth(1)?.parse().ok()
}

fn memory_10m() {
    let e = engine("cong-dan-hoc-tap");
    let start = Instant::now();
    let table = synthetic_table(10_000_000);
    let built = start.elapsed();
    let t = Instant::now();
    let r = e.evaluate_points_batch(Subject::Person, &table, 2024).expect("batch");
    let scored = t.elapsed();
    let passed = r.outcomes.iter().filter(|&&o| o == 0).count();
    println!(
        "memory/cdht_10m: built in {built:.2?}, scored in {scored:.2?} ({:.1} M/s), {passed} of 10,000,000 pass, peak RSS {} MiB",
        10.0e6 / scored.as_secs_f64() / 1e6,
        peak_rss_kib().map_or(0, |k| k / 1024)
    );
}

fn main() {
    let mut c = Criterion::default().configure_from_args();
    bench_batch(&mut c);
    bench_single(&mut c);
    bench_rollup(&mut c);
    c.final_summary();
    if std::env::args().any(|a| a == "--bench") {
        memory_10m();
    }
}
