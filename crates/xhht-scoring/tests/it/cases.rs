//! Data-driven evaluation cases.
//!
//! Each file under `tests/data/cases` holds `[[case]]` tables: the rulebook, subject, data year,
//! tags, indicator values (and which have evidence), and what must come out — the outcome id,
//! the total, the version, substrings of the explanation in both languages, the "what would
//! change it" sentence, the diagnostics. One `check` function is the only code that calls the
//! engine; everything else is data.

use std::collections::BTreeMap;
use std::path::Path;

use rust_decimal::Decimal;
use serde::Deserialize;
use xhht_core::Lang;
use xhht_core::record::Value;
use xhht_core::rulebook::{IndicatorKind, RulebookSet, Subject};
use xhht_scoring::{Engine, Facts};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct File {
    case: Vec<Case>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Case {
    name: String,
    rulebook: String,
    subject: Subject,
    year: i32,
    #[serde(default)]
    version: Option<String>,
    #[serde(default)]
    tags: Vec<String>,
    #[serde(default)]
    values: BTreeMap<String, toml::Value>,
    /// Indicator ids backed by evidence, or `["*"]` for all.
    #[serde(default)]
    evidence: Vec<String>,
    expect: Expect,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct Expect {
    /// The outcome id, or "undetermined".
    outcome: String,
    #[serde(default)]
    total: Option<String>,
    #[serde(default)]
    version: Option<String>,
    /// Substrings that must appear in the Vietnamese explanation.
    #[serde(default)]
    vi: Vec<String>,
    /// Substrings that must appear in the English explanation.
    #[serde(default)]
    en: Vec<String>,
    /// The exact English "what would change the outcome" sentence.
    #[serde(default)]
    missing_en: Option<String>,
    /// The exact Vietnamese one.
    #[serde(default)]
    missing_vi: Option<String>,
    /// `code indicator` for every diagnostic, in order.
    #[serde(default)]
    diagnostics: Vec<String>,
}

fn to_value(kind: IndicatorKind, v: &toml::Value) -> Result<Value, String> {
    let dec = |s: &str| s.parse::<Decimal>().map_err(|e| format!("{s}: {e}"));
    Ok(match (kind, v) {
        // Deliberately mismatched input, to test the diagnostics.
        (_, toml::Value::String(s)) if s.starts_with("date:") => {
            Value::Date(s.trim_start_matches("date:").parse().map_err(|e| format!("{s}: {e}"))?)
        }
        (IndicatorKind::YesNo, toml::Value::Boolean(b)) => Value::YesNo(*b),
        (IndicatorKind::Score, toml::Value::Integer(i)) => Value::Score(Decimal::from(*i)),
        (IndicatorKind::Score, toml::Value::String(s)) => Value::Score(dec(s)?),
        (IndicatorKind::Share, toml::Value::String(s)) => match s.split_once('/') {
            Some((n, d)) => Value::Share {
                numerator: n.trim().parse().map_err(|e| format!("{s}: {e}"))?,
                denominator: d.trim().parse().map_err(|e| format!("{s}: {e}"))?,
            },
            None => Value::Percent(dec(s.trim_end_matches('%'))?),
        },
        (IndicatorKind::Count, toml::Value::Integer(i)) => Value::Count(u64::try_from(*i).map_err(|e| e.to_string())?),
        (IndicatorKind::Deadline, toml::Value::Datetime(d)) => {
            Value::Date(d.to_string().parse().map_err(|e| format!("{d}: {e}"))?)
        }
        (kind, v) => return Err(format!("cannot give {v} to a {} indicator", kind.id())),
    })
}

/// Runs one case; returns what differs from the expectation.
fn check(case: &Case) -> Vec<String> {
    let mut bad = Vec::new();
    let set = RulebookSet::builtin();
    let book = match set.get(&case.rulebook) {
        Ok(b) => b,
        Err(e) => return vec![e.to_string()],
    };
    let engine = match Engine::new(book) {
        Ok(e) => e,
        Err(e) => return vec![e.to_string()],
    };
    let mut facts = Facts::new(&engine, case.subject).with_tags(case.tags.clone());
    let all_evidence = case.evidence.iter().any(|e| e == "*");
    for (id, raw) in &case.values {
        let kind = engine
            .index_of(id)
            .and_then(|n| engine.rulebook().rulebook.indicators().nth(n))
            .map_or(IndicatorKind::Score, |(_, i)| i.kind);
        match to_value(kind, raw) {
            Ok(v) => facts.set(&engine, id, &v, all_evidence || case.evidence.contains(id)),
            Err(e) => bad.push(format!("bad case value for {id}: {e}")),
        }
    }
    let result = match &case.version {
        Some(v) => match engine.version_by_id(v) {
            Ok(idx) => engine.evaluate_version(&facts, case.year, idx),
            Err(e) => return vec![e.to_string()],
        },
        None => match engine.evaluate(&facts, case.year) {
            Ok(r) => r,
            Err(e) => return vec![e.to_string()],
        },
    };
    let outcome = result.outcome.map_or("undetermined", |o| engine.outcome_id(result.version, o));
    if outcome != case.expect.outcome {
        bad.push(format!("outcome: expected {}, got {outcome}", case.expect.outcome));
    }
    if let Some(t) = &case.expect.total {
        let got = result.total_decimal().map(|d| d.to_string());
        if got.as_deref() != Some(t.as_str()) {
            bad.push(format!("total: expected {t}, got {got:?}"));
        }
    }
    let version_id = engine.version(result.version).map(|v| v.id.clone()).unwrap_or_default();
    if let Some(v) = &case.expect.version
        && *v != version_id
    {
        bad.push(format!("version: expected {v}, got {version_id}"));
    }
    let diags: Vec<String> = result.diagnostics.iter().map(|d| format!("{} {}", d.kind.code(), d.indicator)).collect();
    if diags != case.expect.diagnostics {
        bad.push(format!("diagnostics: expected {:?}, got {diags:?}", case.expect.diagnostics));
    }
    let why = engine.explain(&facts, case.year, &result);
    for (lang, wanted) in [(Lang::Vi, &case.expect.vi), (Lang::En, &case.expect.en)] {
        let text = why.lines(lang).join("\n");
        for w in wanted {
            if !text.contains(w.as_str()) {
                bad.push(format!("{lang} explanation lacks `{w}`:\n{text}"));
            }
        }
    }
    for (lang, wanted) in [(Lang::En, &case.expect.missing_en), (Lang::Vi, &case.expect.missing_vi)] {
        if let Some(w) = wanted {
            let got = why.missing_sentence(lang);
            if got != *w {
                bad.push(format!("{lang} missing sentence: expected `{w}`, got `{got}`"));
            }
        }
    }
    bad
}

#[test]
fn every_case_file_holds() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/cases");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    let mut count = 0;
    let mut failures = Vec::new();
    for path in files.iter().filter(|p| p.extension().is_some_and(|x| x == "toml")) {
        let name = path.file_name().unwrap().to_string_lossy().into_owned();
        let src = std::fs::read_to_string(path).unwrap();
        let file: File = toml::from_str(&src).unwrap_or_else(|e| panic!("{name}: {e}"));
        for case in &file.case {
            count += 1;
            for problem in check(case) {
                failures.push(format!("{name}: {}: {problem}", case.name));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {count} cases failed:\n{}", failures.len(), failures.join("\n"));
    assert!(count >= 40, "expected at least 40 cases, found {count}");
}
