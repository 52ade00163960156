//! `xhht score`: stateless scoring of a CSV or a workbook of assessments (`xhht_app::score`,
//! which streams the file on every core); this command parses and lays out a table.
//!
//! The CSV has a header: `id`, then one column per indicator id of the rulebook (any order;
//! `xhht score --rulebook ID --template` prints it), optionally `minh_chung` (the ids of the
//! indicators backed by evidence, separated by `;`, or `*` for all) and `tags` (subject tags
//! separated by `;`). Each row is scored on its own; a bad cell is reported on stderr as
//! `FILE:LINE: column: message`, that row's outcome is left to the engine (undetermined unless no
//! value could change it), the other rows are scored, and the exit code is 1.

use std::process::ExitCode;

use anyhow::bail;
use chrono::Datelike;
use xhht_app::score::{Output, Run, ScoredRow, Scorer};

use crate::cli::{Format, ScoreArgs};
use crate::output::{Out, col};

pub(crate) fn run(o: &mut Out<'_>, args: &ScoreArgs) -> anyhow::Result<ExitCode> {
    let scorer = Scorer::new(&args.rulebook, args.subject.as_deref())?;
    if args.template {
        o.line(scorer.template().join(","))?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(path) = &args.file else { bail!("give a CSV or XLSX file, or --template") };
    let run = Run {
        year: args.year.unwrap_or_else(|| chrono::Local::now().year()),
        version: args.rulebook_version.as_deref(),
        explain: args.explain,
        lang: o.lang,
        output: match o.format {
            Format::Json => Output::JsonLines,
            Format::Csv => Output::Csv,
            Format::Table => Output::Rows,
            Format::Md | Format::Html | Format::Xlsx | Format::Docx => bail!(
                "this command prints a table: use --format table, json or csv (md, html, xlsx and docx are for `xhht report`)"
            ),
        },
        threads: 0,
        block_rows: 0,
    };
    let mut problem = |line: &str| report(line);
    let summary = if run.output == Output::Rows {
        // A table is laid out page by page (a block of rows each), as the blocks come.
        let explain = args.explain && o.format == Format::Table;
        let mut page = |rows: &[ScoredRow]| {
            table_page(o, args.explain, explain, rows)
                .map_err(|e| xhht_app::Error::Io { path: "-".to_owned(), source: std::io::Error::other(e.to_string()) })
        };
        scorer.score_file(path, std::io::sink(), &run, &mut problem, &mut page)?
    } else {
        let mut none = |_: &[ScoredRow]| Ok(());
        scorer.score_file(path, o.writer(), &run, &mut problem, &mut none)?
    };
    Ok(if summary.problems > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

fn table_page(o: &mut Out<'_>, missing: bool, explain: bool, rows: &[ScoredRow]) -> anyhow::Result<()> {
    let mut cols = vec![
        col("id", "Mã", "Id"),
        col("total", "Tổng điểm", "Total"),
        col("outcome", "Kết quả", "Outcome"),
        col("label", "Xếp loại", "Label"),
    ];
    if missing {
        cols.push(col("missing", "Còn thiếu", "Missing"));
    }
    let table: Vec<Vec<String>> = rows
        .iter()
        .map(|r| {
            let mut v = vec![
                r.id.clone(),
                r.total.clone().unwrap_or_default(),
                r.outcome.clone(),
                r.label.clone().unwrap_or_default(),
            ];
            if missing {
                v.push(r.missing.clone().unwrap_or_default());
            }
            v
        })
        .collect();
    o.table(&cols, &table)?;
    if explain {
        for r in rows {
            o.line("")?;
            o.line(format!("{}:", r.id))?;
            for l in r.explanation.iter().flatten() {
                o.line(l)?;
            }
        }
    }
    Ok(())
}

fn report(line: &str) {
    #[allow(clippy::print_stderr, reason = "bad rows are reported on stderr while the others are scored")]
    {
        eprintln!("{line}");
    }
}
