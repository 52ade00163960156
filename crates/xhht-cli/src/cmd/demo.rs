//! `xhht demo`: a synthetic Cần Đước in a database, every year evaluated, the reports written.

use std::path::Path;
use std::process::ExitCode;
use std::time::Instant;

use anyhow::{Context, bail};
use chrono::NaiveDate;
use xhht_app::dataset::Records;
use xhht_demo::{Options, Size, generate};
use xhht_report::build::Options as BuildOptions;
use xhht_report::model::{ReportKind, Scope};

use crate::cli::DemoArgs;
use crate::cmd::db::{open, runtime};
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
    let rt = runtime()?;
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
    let (app, history) = rt.block_on(async {
        let app = open(db).await?;
        let who = "xhht demo";
        say("ghi dữ liệu / writing the records");
        let records = Records {
            areas: &data.areas,
            successions: &data.successions,
            organisations: &data.organisations,
            people: &data.people,
            memberships: &data.memberships,
            registrations: &data.registrations,
            commitments: &data.commitments,
            self_study_plans: &data.self_study_plans,
            assessments: &data.assessments,
            recognitions: &data.recognitions,
            report_submissions: &data.report_submissions,
            duty_reports: &data.duty_reports,
            reward_proposals: &data.reward_proposals,
        };
        app.put_records(who, records).await?;
        say("chấm các năm, lưu kết quả / evaluating every year, storing the results");
        let history = app.evaluate_years(who, data.first_year, data.last_year).await?;
        anyhow::Ok((app, history))
    })?;
    say("viết báo cáo / writing the reports");
    std::fs::create_dir_all(&args.out).with_context(|| format!("cannot create {}", args.out.display()))?;
    let last = data.last_year;
    let mut written = Vec::new();
    for (kind, year, stem) in [
        (ReportKind::Annual, last, format!("bao-cao-nam-{last}")),
        (ReportKind::PhasePreliminary, 2025, "bao-cao-so-ket-2023-2025".to_owned()),
    ] {
        if year > last {
            continue;
        }
        let opts = BuildOptions {
            kind,
            year,
            as_of: today,
            scope: Scope::District,
            notice: Some(data.notice.clone()),
            issuer: None,
        };
        let report = app.report_from_history(&history, &opts)?;
        for ext in ["md", "html", "json", "csv", "xlsx", "docx"] {
            written.extend(write_report(&report, o.lang, ext, &args.out.join(format!("{stem}.{ext}")))?);
        }
    }
    if let Some(s) = &spinner {
        s.finish_and_clear();
    }
    // The summary: target progress this year.
    let report = app.report_from_history(
        &history,
        &BuildOptions {
            kind: ReportKind::Annual,
            year: last,
            as_of: today,
            scope: Scope::District,
            notice: None,
            issuer: None,
        },
    )?;
    // Closed in the runtime: SQLite's last connection checkpoints the write-ahead log into the file.
    rt.block_on(app.close());
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
