//! `xhht demo`: a synthetic Cần Đước in a database, every year evaluated, the reports written.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use xhht_core::plan::Plan;
use xhht_demo::{Options, Size, generate};
use xhht_report::build::{Options as BuildOptions, build};
use xhht_report::model::{ReportKind, Scope};
use xhht_scoring::year::YearEngines;

use crate::cli::DemoArgs;
use crate::cmd::db::{History, keep_digest, open, runtime};
use crate::cmd::report::write_report;
use crate::output::Out;

pub(crate) fn run(o: &mut Out<'_>, db: &str, today: NaiveDate, args: &DemoArgs) -> anyhow::Result<ExitCode> {
    let started = Instant::now();
    let size = match args.size.as_str() {
        "province" => Size::Province,
        "tiny" => Size::Tiny,
        _ => Size::District,
    };
    if !db.contains("://") && !db.starts_with("sqlite:") && Path::new(db).exists() {
        if !args.force {
            bail!("`{db}` already exists: pass --force to replace it, or --db another path");
        }
        for suffix in ["", "-wal", "-shm"] {
            let p = format!("{db}{suffix}");
            if Path::new(&p).exists() {
                std::fs::remove_file(&p).with_context(|| format!("cannot remove {p}"))?;
            }
        }
    }
    let data = generate(Options { size, seed: args.seed, today }).context("cannot generate the demo data")?;
    let engines = YearEngines::builtin()?;
    let rt = runtime()?;
    let plan = Plan::can_duoc_2024();
    // A spinner saying what is going on, on a terminal only.
    let spinner = std::io::IsTerminal::is_terminal(&std::io::stdout()).then(|| {
        let s = indicatif::ProgressBar::new_spinner();
        s.enable_steady_tick(std::time::Duration::from_millis(120));
        s
    });
    let say = |msg: &str| {
        if let Some(s) = &spinner {
            s.set_message(msg.to_owned());
        }
    };
    let history = rt.block_on(async {
        let store = open(db).await?;
        let who = "xhht demo";
        say("ghi dữ liệu / writing the records");
        store.put_areas(who, &data.areas).await?;
        store.put_successions(who, &data.successions).await?;
        store.put_organisations(who, &data.organisations).await?;
        store.put_people(who, &data.people).await?;
        store.put_memberships(who, &data.memberships).await?;
        store.put_registrations(who, &data.registrations).await?;
        store.put_commitments(who, &data.commitments).await?;
        store.put_self_study_plans(who, &data.self_study_plans).await?;
        store.put_assessments(who, &data.assessments).await?;
        store.put_recognitions(who, &data.recognitions).await?;
        store.put_report_submissions(who, &data.report_submissions).await?;
        store.put_duty_reports(who, &data.duty_reports).await?;
        say("chấm các năm / evaluating every year");
        let history = History::load(&store, &engines, data.first_year, data.last_year).await?;
        say("lưu kết quả / storing the results");
        // Nothing was written since the years were loaded: their digests hold for this version.
        let version = store.data_version().await?;
        for (y, r) in history.years.iter().zip(&history.results) {
            store.save_results(who, y.year, y, r, &engines).await?;
            keep_digest(&store, &engines, y, r, version).await?;
        }
        anyhow::Ok(history)
    })?;
    say("viết báo cáo / writing the reports");
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let last = data.last_year;
    let mut written = Vec::new();
    let Some(records) = history.records() else { bail!("no data year was loaded") };
    for (kind, year, stem) in [
        (ReportKind::Annual, last, format!("bao-cao-nam-{last}")),
        (ReportKind::PhasePreliminary, 2025, "bao-cao-so-ket-2023-2025".to_owned()),
    ] {
        if year > last {
            continue;
        }
        let opts = BuildOptions { kind, year, as_of: today, scope: Scope::District, notice: Some(data.notice.clone()) };
        let report = build(&records, &history.results, &engines, plan, &opts)?;
        for ext in ["md", "html", "json", "csv", "xlsx", "docx"] {
            written.extend(write_report(&report, o.lang, ext, &args.out.join(format!("{stem}.{ext}")))?);
        }
    }
    if let Some(s) = &spinner {
        s.finish_and_clear();
    }
    // The summary: target progress this year.
    let report = build(
        &records,
        &history.results,
        &engines,
        plan,
        &BuildOptions { kind: ReportKind::Annual, year: last, as_of: today, scope: Scope::District, notice: None },
    )?;
    o.line(format!("{} ({})", data.notice.get(o.lang), o.tr("CSDL", "database").to_owned() + ": " + db))?;
    crate::cmd::records::print_progress(o, &report, last)?;
    o.line(format!(
        "{} {} ({:.1?}):",
        written.len(),
        o.tr("tệp báo cáo đã ghi", "report files written"),
        started.elapsed()
    ))?;
    for w in &written {
        o.line(format!("  {}", w.display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
