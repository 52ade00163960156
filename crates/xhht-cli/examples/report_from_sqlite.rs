//! How long `xhht report annual` takes on a province-sized SQLite database whose year digests are
//! kept (`cargo run --release -p xhht-cli --example report_from_sqlite [DB]`, or `cargo xtask
//! bench`).
//!
//! The population is **synthetic** (`xhht_demo::synthetic_results`): 3.3 million people in
//! 15,000 organisations over 100 communes, with results for 2023–2026. The example writes the
//! registers (areas, organisations, every person) into a new SQLite file and keeps each year's
//! digest, as `xhht evaluate` does; then it runs the `xhht` command itself, in this process,
//! once per format, and times each run from opening the database to the file written.

#![allow(clippy::print_stdout, reason = "a benchmark prints its timings")]

use std::time::Instant;

use clap::Parser;
use xhht_app::App;
use xhht_app::dataset::Records;
use xhht_report::build::DIGEST_LIMITS;
use xhht_scoring::digest::YearDigest;
use xhht_scoring::year::YearEngines;

#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

const PEOPLE: usize = 3_300_000;
const ORGS: usize = 15_000;
const COMMUNES: usize = 100;
const WHO: &str = "synthetic benchmark";

fn main() -> anyhow::Result<()> {
    let dir = std::env::temp_dir().join(format!("xhht-report-bench-{}", std::process::id()));
    std::fs::create_dir_all(&dir)?;
    let db = std::env::args().nth(1).map_or_else(|| dir.join("province.db"), std::path::PathBuf::from);
    let db_text = db.display().to_string();
    if !db.exists() {
        let engines = YearEngines::builtin()?;
        let t = Instant::now();
        let s = xhht_demo::synthetic_results(&engines, PEOPLE, ORGS, COMMUNES, 2026);
        println!("synthetic province: {PEOPLE} people, {ORGS} organisations, 4 years (made in {:.1?})", t.elapsed());
        let t = Instant::now();
        tokio::runtime::Builder::new_multi_thread().enable_all().build()?.block_on(async {
            let app = App::open(&db_text).await?;
            let registers = Records {
                areas: &s.areas,
                successions: &[],
                organisations: &s.organisations,
                people: &s.people,
                memberships: &[],
                registrations: &[],
                commitments: &[],
                self_study_plans: &[],
                assessments: &[],
                recognitions: &[],
                report_submissions: &[],
                duty_reports: &[],
                reward_proposals: &[],
            };
            app.put_records(WHO, registers).await?;
            let version = app.db().data_version().await?;
            for r in &s.results {
                let d = YearDigest::of_year(r, &engines, &s.organisations, &[], DIGEST_LIMITS)?;
                app.db().save_digest(&d, version).await?;
            }
            app.close().await;
            anyhow::Ok(())
        })?;
        println!("written to {} with the digests of 2023–2026 in {:.1?}", db.display(), t.elapsed());
    }
    for (format, ext) in
        [("json", "json"), ("md", "md"), ("html", "html"), ("csv", "csv"), ("xlsx", "xlsx"), ("docx", "docx")]
    {
        let out = dir.join(format!("report.{ext}"));
        let args = [
            "xhht",
            "--db",
            &db_text,
            "--as-of",
            "2026-11-28",
            "--format",
            format,
            "report",
            "annual",
            "--year",
            "2026",
            "--out",
            &out.display().to_string(),
        ]
        .map(str::to_owned);
        let t = Instant::now();
        let mut sink = Vec::new();
        xhht_cli::run(xhht_cli::Cli::parse_from(args), &mut sink)?;
        println!("report/province from SQLite, {format}: {:.2?}", t.elapsed());
    }
    Ok(())
}
