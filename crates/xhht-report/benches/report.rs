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
use xhht_core::plan::Plan;
use xhht_demo::{SyntheticResults, synthetic_results};
use xhht_report::build::{Options, Records, build};
use xhht_report::doc::document;
use xhht_report::model::{ReportKind, Scope};
use xhht_report::render::{csv, docx, html, markdown, xlsx};
use xhht_scoring::year::YearEngines;

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
    let SyntheticResults { areas, organisations, people, results } =
        synthetic_results(&engines, PEOPLE, ORGS, COMMUNES, 2026);
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
        issuer: None,
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
