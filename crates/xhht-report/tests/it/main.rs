//! The integration tests of `xhht-report`: a fixed synthetic district (seeded), its reports in
//! every format, snapshots of the text formats, and the invariants of the tables.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a failing test should stop with its message"
)]

mod forms;
mod model;
mod office;
mod render;
mod wording;

use std::sync::OnceLock;

use chrono::NaiveDate;
use xhht_core::plan::Plan;
use xhht_core::record::{Decision, DecisionOutcome, RewardProposal, SubjectRef, Verification, VerificationOutcome};
use xhht_demo::{Dataset, Options, Size, generate};
use xhht_report::build::{Options as BuildOptions, Records, build};
use xhht_report::model::{Report, ReportKind, Scope};
use xhht_scoring::year::{YearEngines, YearResults, evaluate_year};

/// "Today" for every test: fixed, never the clock.
pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 28).unwrap()
}

/// The fixed data set: a tiny synthetic district, seed 2024.
pub(crate) fn world() -> &'static (Dataset, Vec<YearResults>, YearEngines) {
    static W: OnceLock<(Dataset, Vec<YearResults>, YearEngines)> = OnceLock::new();
    W.get_or_init(|| {
        let ds = generate(Options { size: Size::Tiny, seed: 2024, today: today() }).unwrap();
        let engines = YearEngines::builtin().unwrap();
        let results = (ds.first_year..=ds.last_year).map(|y| evaluate_year(&engines, ds.input(y)).unwrap()).collect();
        (ds, results, engines)
    })
}

/// Four proposals of 2025 (fixed, synthetic): one waiting for verification, one refused, one
/// approved, and an organisation's waiting for the decision.
pub(crate) fn proposals() -> &'static [RewardProposal] {
    static P: OnceLock<Vec<RewardProposal>> = OnceLock::new();
    P.get_or_init(|| {
        let (ds, _, _) = world();
        let d = |m, day| NaiveDate::from_ymd_opt(2025, m, day).unwrap();
        let person = |i: usize| SubjectRef::Person(ds.people[i].id.clone());
        let propose = |s, reward: &str| RewardProposal::new(reward, s, 2025, "synthetic", d(11, 20)).unwrap();
        let verify = |p: RewardProposal, outcome| {
            p.verify(Verification { by: "noi-vu".into(), on: d(11, 25), outcome, note: None }).unwrap()
        };
        let org = SubjectRef::Organisation(ds.organisations[0].code.clone());
        vec![
            propose(person(0), "reward.annual.individual"),
            verify(propose(person(1), "reward.annual.individual"), VerificationOutcome::Refused),
            verify(propose(person(2), "reward.annual.individual"), VerificationOutcome::Accepted)
                .decide(Decision { by: "ubnd".into(), on: d(12, 5), outcome: DecisionOutcome::Approved, note: None })
                .unwrap(),
            verify(propose(org, "reward.annual.collective"), VerificationOutcome::Accepted),
        ]
    })
}

/// The records of the fixed world, as a report reads them.
pub(crate) fn records() -> Records<'static> {
    let (ds, _, _) = world();
    Records {
        areas: &ds.areas,
        successions: &ds.successions,
        organisations: &ds.organisations,
        people: &ds.people,
        recognitions: &ds.recognitions,
        submissions: &ds.report_submissions,
        duty_reports: &[],
        reward_proposals: proposals(),
    }
}

pub(crate) fn report(kind: ReportKind, year: i32, scope: Scope) -> Report {
    let (ds, results, engines) = world();
    let records = records();
    let opts = BuildOptions { kind, year, as_of: today(), scope, notice: Some(ds.notice.clone()), issuer: None };
    build(&records, results, engines, Plan::can_duoc_2024(), &opts).unwrap()
}
