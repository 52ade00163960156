//! How long the annual report takes for a province-sized population (`cargo bench -p
//! xhht-report --bench report`, or `cargo xtask bench`).
//!
//! The population is **synthetic**: 3.3 million people in 15,000 organisations over 100
//! communes, with results for 2023–2026 drawn from a fixed pseudo-random sequence. The figures
//! measure the report's own work — building the model from the year results, and rendering it to
//! every format — and say nothing about any real place.

#![allow(clippy::print_stdout, clippy::float_arithmetic, reason = "a benchmark prints its timings")]

use std::time::Instant;

use chrono::NaiveDate;
use xhht_core::Lang;
use xhht_core::area::{AdminArea, AreaLevel};
use xhht_core::entity::{OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory, SchoolLevel};
use xhht_core::period::DateRange;
use xhht_core::plan::Plan;
use xhht_demo::Rng;
use xhht_report::build::{Options, Records, build};
use xhht_report::doc::document;
use xhht_report::model::{ReportKind, Scope};
use xhht_report::render::{csv, docx, html, markdown, xlsx};
use xhht_scoring::year::{OrgResult, PersonResult, YearEngines, YearResults};
use xhht_scoring::{Evaluation, Outcome};

const PEOPLE: usize = 3_300_000;
const ORGS: usize = 15_000;
const COMMUNES: usize = 100;

fn main() {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    let engines = match YearEngines::builtin() {
        Ok(e) => e,
        Err(e) => return println!("cannot build the engines: {e}"),
    };
    let t = Instant::now();
    let mut areas = vec![AdminArea {
        code: "72".into(),
        name: "Tỉnh mô phỏng".into(),
        level: AreaLevel::Province,
        parent: None,
        valid: DateRange::starting(day(2000, 1, 1)),
    }];
    for c in 0..COMMUNES {
        areas.push(AdminArea {
            code: format!("C{c:03}"),
            name: format!("Xã mô phỏng {c:03}"),
            level: AreaLevel::Commune,
            parent: Some("72".into()),
            valid: DateRange::starting(day(2000, 1, 1)),
        });
    }
    let organisations: Vec<Organisation> = (0..ORGS)
        .map(|i| Organisation {
            code: format!("O{i:05}"),
            name: format!("Đơn vị mô phỏng {i:05}"),
            kind: if i % 5 == 0 { OrgKind::Agency } else { OrgKind::School(SchoolLevel::Primary) },
            ownership: Ownership::Public,
            level: OrgLevel::Commune,
            area: format!("C{:03}", i % COMMUNES),
            parent: None,
            actor: (i % 150 == 0).then(|| "actor.ubnd-xa".to_owned()),
            valid: DateRange::starting(day(2000, 1, 1)),
        })
        .collect();
    let people: Vec<Person> = (0..PEOPLE)
        .map(|i| Person {
            id: format!("P{i:07}"),
            full_name: format!("Người mô phỏng {i}"),
            birth_year: Some(1980),
            citizen_id: None,
            category: PersonCategory::GiaoVien,
            area: None,
        })
        .collect();
    let plan_version = engines.plan.version_for_year(2026).unwrap_or(0);
    let eval = |ok: bool| Evaluation {
        version: plan_version,
        outcome: Some(if ok { Outcome::Level(1) } else { Outcome::Fail }),
        total: None,
        diagnostics: Vec::new(),
    };
    let mut rng = Rng::new(2026);
    let results: Vec<YearResults> = (2023..=2026)
        .map(|year| {
            let rate = 55 + (year - 2023) as u64 * 8;
            YearResults {
                year,
                people: people
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let holds = rng.below(100) < rate;
                        PersonResult {
                            id: p.id.clone(),
                            category: p.category,
                            organisation: Some(format!("O{:05}", i % ORGS)),
                            citizen: None,
                            registered: holds || rng.below(100) < 50,
                            holds_title: holds,
                            criteria: eval(holds),
                            criteria_unmet: Vec::new(),
                        }
                    })
                    .collect(),
                organisations: organisations
                    .iter()
                    .map(|o| OrgResult {
                        code: o.code.clone(),
                        unit_rulebook: None,
                        unit: None,
                        title_level: (rng.below(100) < rate / 2).then_some(1),
                        title_expires_after_year: false,
                        title_held_until: None,
                        title_decision: None,
                        criteria: eval(rng.below(100) < 70),
                        criteria_unmet: Vec::new(),
                    })
                    .collect(),
            }
        })
        .collect();
    println!(
        "synthetic province: {PEOPLE} people, {ORGS} organisations, {COMMUNES} communes, 4 years (made in {:.1?})",
        t.elapsed()
    );
    let records = Records {
        areas: &areas,
        successions: &[],
        organisations: &organisations,
        people: &people,
        recognitions: &[],
        submissions: &[],
        duty_reports: &[],
        reward_proposals: &[],
    };
    let opts = Options {
        kind: ReportKind::Annual,
        year: 2026,
        as_of: day(2026, 11, 28),
        scope: Scope::District,
        notice: None,
    };
    let t = Instant::now();
    let report = match build(&records, &results, &engines, Plan::can_duoc_2024(), &opts) {
        Ok(r) => r,
        Err(e) => return println!("build failed: {e}"),
    };
    let built = t.elapsed();
    let t = Instant::now();
    let doc = document(&report, Lang::Vi);
    let md = markdown::render(&doc).len();
    let page = html::render(&doc).len();
    let json = xhht_report::render_json(&report).map(|s| s.len()).unwrap_or(0);
    let tables = csv::render(&doc).map(|t| t.len()).unwrap_or(0);
    let x = xlsx::render(&doc).map(|b| b.len()).unwrap_or(0);
    let d = docx::render(&doc).map(|b| b.len()).unwrap_or(0);
    let rendered = t.elapsed();
    println!(
        "report/province: built in {built:.2?}; rendered to md ({md} B), html ({page} B), json ({json} B), csv ({tables} tables), xlsx ({x} B), docx ({d} B) in {rendered:.2?}"
    );
}
