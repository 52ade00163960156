//! `xhht score`: stateless scoring of a CSV of assessments.
//!
//! The CSV has a header: `id`, then one column per indicator id of the rulebook (any order;
//! `xhht score --rulebook ID --template` prints it), optionally `minh_chung` (the ids of the
//! indicators backed by evidence, separated by `;`, or `*` for all) and `tags` (subject tags
//! separated by `;`). Each row is scored on its own; a bad cell is reported on stderr as
//! `FILE:LINE: column: message`, that row's outcome is left to the engine (undetermined unless no
//! value could change it), the other rows are scored, and the exit code is 1.

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::Datelike;
use serde_json::json;
use xhht_core::record::parse_value;
use xhht_core::rulebook::{RulebookSet, Subject};
use xhht_scoring::{Engine, FactValue, Facts};

use crate::cli::{Format, ScoreArgs};
use crate::output::{Out, col};

const EVIDENCE: &str = "minh_chung";
const TAGS: &str = "tags";

pub(crate) fn run(o: &mut Out<'_>, args: &ScoreArgs) -> anyhow::Result<ExitCode> {
    let book = RulebookSet::builtin().get(&args.rulebook)?;
    let engine = Engine::new(book)?;
    let subjects = engine.subjects();
    let subject = match (&args.subject, subjects.as_slice()) {
        (Some(s), _) => parse_subject(s)?,
        (None, [only]) => *only,
        (None, many) => bail!(
            "rulebook `{}` evaluates several kinds of subject ({many:?}); say which with --subject",
            args.rulebook
        ),
    };
    let columns: Vec<String> =
        engine.indicators_of(subject).filter_map(|n| engine.definition(n).map(|(_, i)| i.id.clone())).collect();
    if args.template {
        let mut header = vec!["id".to_owned()];
        header.extend(columns);
        header.push(EVIDENCE.to_owned());
        o.line(header.join(","))?;
        return Ok(ExitCode::SUCCESS);
    }
    let Some(path) = &args.file else { bail!("give a CSV file, or --template") };
    let name = path.display().to_string();
    let year = args.year.unwrap_or_else(|| chrono::Local::now().year());
    let version = match &args.rulebook_version {
        Some(v) => engine.version_by_id(v)?,
        None => engine.version_for_year(year)?,
    };
    let version_id = engine.version(version).map(|v| v.id.clone()).unwrap_or_default();
    let bytes = std::fs::read(path).with_context(|| format!("cannot read {name}"))?;
    let text = String::from_utf8(bytes)
        .with_context(|| format!("{name} is not UTF-8: save it as \"CSV UTF-8\" from Excel"))?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(&text);
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader
        .headers()
        .with_context(|| format!("{name}: cannot read the header"))?
        .iter()
        .map(|h| h.trim().to_owned())
        .collect();
    if header.first().map(String::as_str) != Some("id") {
        bail!("{name}:1: the first column must be `id` (see `xhht score --rulebook {} --template`)", args.rulebook);
    }
    let mut problems = 0usize;
    for h in header.iter().skip(1) {
        if h != EVIDENCE && h != TAGS && !columns.contains(h) {
            bail!("{name}:1: {h}: rulebook `{}` has no indicator `{h}` for a {subject:?}", args.rulebook);
        }
    }
    let lang = o.lang;
    let mut rows = Vec::new();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.with_context(|| format!("{name}:{line}: cannot read the row"))?;
        let id = record.get(0).unwrap_or_default().trim().to_owned();
        if record.len() != header.len() {
            // A ragged row: its cells are not where the header says; reported, left undetermined.
            problems += 1;
            let (found, width) = (record.len(), header.len());
            report(&format!(
                "{name}:{line}: -: dòng có {found} trường, tiêu đề có {width} / the row has {found} fields, the header has {width}"
            ));
            rows.push(Row { id, total: None, outcome: None, label: None, explanation: None, missing: None });
            continue;
        }
        let cell = |key: &str| header.iter().position(|h| h == key).and_then(|i| record.get(i)).map(str::trim);
        let evidence: Vec<&str> = cell(EVIDENCE).map(|e| e.split(';').map(str::trim).collect()).unwrap_or_default();
        let tags: Vec<String> = cell(TAGS)
            .map(|t| t.split(';').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect())
            .unwrap_or_default();
        let mut facts = Facts::new(&engine, subject).with_tags(tags);
        for (h, value) in header.iter().zip(record.iter()).skip(1) {
            if h == EVIDENCE || h == TAGS || value.trim().is_empty() {
                continue;
            }
            let Some(kind) = engine.index_of(h).and_then(|i| engine.definition(i)).map(|(_, d)| d.kind) else {
                continue;
            };
            match parse_value(kind, value) {
                Ok(v) => facts.set(&engine, h, &v, evidence.contains(&"*") || evidence.contains(&h.as_str())),
                Err(e) => {
                    problems += 1;
                    report(&format!("{name}:{line}: {h}: {e}"));
                    if let Some(i) = engine.index_of(h) {
                        facts.set_at(i, FactValue::Invalid, false);
                    }
                }
            }
        }
        let result = engine.evaluate_version(&facts, year, version);
        for d in &result.diagnostics {
            problems += 1;
            report(&format!("{name}:{line}: {}: {}", d.indicator, d.message));
        }
        let outcome = result.outcome.map(|x| engine.outcome_id(version, x).to_owned());
        let label = result.outcome.and_then(|x| engine.outcome_label(version, x)).map(|l| l.get(lang).to_owned());
        let total = result.total_decimal().map(|t| t.to_string());
        let why = args.explain.then(|| engine.explain(&facts, year, &result));
        rows.push(Row {
            id,
            total,
            outcome,
            label,
            explanation: why.as_ref().map(|w| w.lines(lang)),
            missing: why.as_ref().map(|w| w.missing_sentence(lang)),
        });
    }
    let rulebook = book.rulebook.id();
    match o.format {
        Format::Json => {
            for r in &rows {
                let mut v = json!({
                    "id": r.id, "rulebook": rulebook, "version": version_id, "year": year,
                    "total": r.total, "outcome": r.outcome.as_deref().unwrap_or("undetermined"), "label": r.label,
                });
                if args.explain {
                    v["explanation"] = json!(r.explanation);
                    v["missing"] = json!(r.missing);
                }
                o.line(serde_json::to_string(&v)?)?;
            }
        }
        _ => {
            let mut cols = vec![
                col("id", "Mã", "Id"),
                col("total", "Tổng điểm", "Total"),
                col("outcome", "Kết quả", "Outcome"),
                col("label", "Xếp loại", "Label"),
            ];
            if args.explain {
                cols.push(col("missing", "Còn thiếu", "Missing"));
            }
            let table: Vec<Vec<String>> = rows
                .iter()
                .map(|r| {
                    let mut v = vec![
                        r.id.clone(),
                        r.total.clone().unwrap_or_default(),
                        r.outcome.clone().unwrap_or_else(|| "undetermined".to_owned()),
                        r.label.clone().unwrap_or_default(),
                    ];
                    if args.explain {
                        v.push(r.missing.clone().unwrap_or_default());
                    }
                    v
                })
                .collect();
            o.table(&cols, &table)?;
            if args.explain && o.format == Format::Table {
                for r in &rows {
                    o.line("")?;
                    o.line(format!("{}:", r.id))?;
                    for l in r.explanation.iter().flatten() {
                        o.line(l)?;
                    }
                }
            }
        }
    }
    Ok(if problems > 0 { ExitCode::FAILURE } else { ExitCode::SUCCESS })
}

struct Row {
    id: String,
    total: Option<String>,
    outcome: Option<String>,
    label: Option<String>,
    explanation: Option<Vec<String>>,
    missing: Option<String>,
}

fn report(line: &str) {
    #[allow(clippy::print_stderr, reason = "bad rows are reported on stderr while the others are scored")]
    {
        eprintln!("{line}");
    }
}

fn parse_subject(s: &str) -> anyhow::Result<Subject> {
    Ok(match s {
        "person" => Subject::Person,
        "organisation" => Subject::Organisation,
        "household" => Subject::Household,
        "clan" => Subject::Clan,
        "community" => Subject::Community,
        "commune" => Subject::Commune,
        "district" => Subject::District,
        "province" => Subject::Province,
        other => bail!("unknown subject `{other}`"),
    })
}
