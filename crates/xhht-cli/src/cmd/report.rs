//! `xhht report annual|phase …`: a report in a file.

use std::path::{Path, PathBuf};

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDate};
use xhht_app::reports::{self, Format as ReportFormat, Which};
use xhht_core::Lang;
use xhht_report::model::{Report, Scope};
use xhht_report::render::{docx, xlsx};

use crate::cli::{Format, ReportArgs};
use crate::cmd::db::{open, runtime};
use crate::output::Out;

/// Parses `district`, `commune:CODE`, `org:CODE` or `actor:ID`.
pub(crate) fn parse_scope(s: &str) -> anyhow::Result<Scope> {
    reports::parse_scope(s)
        .map_err(|_| anyhow::anyhow!("unknown scope `{s}`: use district, commune:CODE, org:CODE or actor:ID"))
}

/// A report builder's error that says what the user got wrong (an unknown scope) as one
/// sentence in `lang`; other errors as they are.
fn in_language(e: anyhow::Error, lang: Lang) -> anyhow::Error {
    match e.downcast_ref::<xhht_app::Error>() {
        Some(xhht_app::Error::Report(r @ xhht_report::Error::UnknownScope { .. })) => anyhow::anyhow!(r.message(lang)),
        _ => e,
    }
}

/// Writes `report` to `path` in `ext` (md, html, json, csv, xlsx, docx). CSV writes one file
/// per table into a folder named like `path` without its extension. Returns what was written.
pub(crate) fn write_report(report: &Report, lang: Lang, ext: &str, path: &Path) -> anyhow::Result<Vec<PathBuf>> {
    let write =
        |p: &Path, bytes: &[u8]| std::fs::write(p, bytes).with_context(|| format!("cannot write {}", p.display()));
    let format = match ext {
        "md" => ReportFormat::Md,
        "html" => ReportFormat::Html,
        "json" => ReportFormat::Json,
        "xlsx" => ReportFormat::Xlsx,
        "docx" => ReportFormat::Docx,
        "csv" => {
            // One file per table, in a folder named after `path` (without `.csv`).
            let dir = path.with_extension("");
            std::fs::create_dir_all(&dir).with_context(|| format!("cannot create {}", dir.display()))?;
            for (name, text) in reports::render_csv(report, lang)? {
                write(&dir.join(format!("{name}.csv")), text.as_bytes())?;
            }
            return Ok(vec![dir]);
        }
        other => bail!("unknown report format `{other}`"),
    };
    write(path, &reports::render(report, format, lang)?)?;
    Ok(vec![path.to_path_buf()])
}

pub(crate) fn run(o: &mut Out<'_>, db: &str, today: NaiveDate, args: &ReportArgs) -> anyhow::Result<ExitCode> {
    let which = match (args.kind.as_str(), args.phase, args.year) {
        ("phase", Some(p), _) => Which::Phase(p),
        ("phase", None, _) => bail!("say which phase: --phase 1 (sơ kết 2023–2025) or --phase 2 (tổng kết 2023–2030)"),
        (_, _, y) => Which::Annual(y.unwrap_or_else(|| today.year())),
    };
    let ext = match o.format {
        Format::Table | Format::Md => "md",
        Format::Html => "html",
        Format::Json => "json",
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
        Format::Docx => "docx",
    };
    let scope = parse_scope(&args.scope)?;
    let lang = o.lang;
    let report = runtime()?
        .block_on(async {
            let app = open(db).await?;
            let opts = app.report_options(which, today, scope)?;
            anyhow::Ok(app.report(&opts).await?)
        })
        .map_err(|e| in_language(e, lang))?;
    let files = write_report(&report, o.lang, ext, &args.out)?;
    for f in files {
        o.line(f.display().to_string())?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `xhht form ACTOR --org CODE --year Y --out FILE`: the actor's report form to fill.
pub(crate) fn form(
    o: &mut Out<'_>,
    actor: &str,
    org: &str,
    name: Option<&str>,
    year: i32,
    today: NaiveDate,
    out: &Path,
) -> anyhow::Result<ExitCode> {
    let plan = xhht_core::plan::Plan::can_duoc_2024();
    let id = if actor.starts_with("actor.") { actor.to_owned() } else { format!("actor.{actor}") };
    let doc = xhht_report::forms::actor_form(plan, &id, year, (org, name.unwrap_or(org)), o.lang, today)?;
    let bytes = match out.extension().and_then(|e| e.to_str()) {
        Some("xlsx") => xlsx::render(&doc)?,
        Some("docx") => docx::render(&doc)?,
        _ => bail!("the form is written as .xlsx (to fill and import) or .docx (to print): name the file so"),
    };
    std::fs::write(out, bytes).with_context(|| format!("cannot write {}", out.display()))?;
    o.line(out.display().to_string())?;
    Ok(ExitCode::SUCCESS)
}
