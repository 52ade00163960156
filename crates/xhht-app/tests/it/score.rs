//! `xhht_app::score` against the one-row-at-a-time path it replaced (kept here as the
//! reference): the same JSON lines, CSV and problems, byte for byte, on random files with bad
//! cells, ragged rows, both decimal separators, evidence, tags, quoted and formula-like ids,
//! scored in small blocks on several threads.

use serde_json::json;
use xhht_app::score::{Output, Run, ScoredRow, Scorer};
use xhht_core::Lang;
use xhht_core::record::parse_value;
use xhht_core::rulebook::RulebookSet;
use xhht_demo::Rng;
use xhht_scoring::{Engine, FactValue, Facts};

fn quote(c: &str) -> String {
    if c.contains([',', '"', '\n']) { format!("\"{}\"", c.replace('"', "\"\"")) } else { c.to_owned() }
}

/// A random file of `rows` rows for `cong-dan-hoc-tap` (header: id, the 10 indicators,
/// minh_chung, tags).
fn random_file(seed: u64, rows: usize) -> String {
    // Synthetic test data: the demo's seeded generator.
    let mut rng = Rng::new(seed);
    let cols: Vec<String> = (1..=10).map(|i| i.to_string()).collect();
    let mut out = format!("id,{},minh_chung,tags\n", cols.join(","));
    let odd =
        ["", "abc", "11", "-1", "7.55", "1e2", " 8 ", "7,", "10.0", "9.9999", "+5", "7.5.1", ".5", "0", "10", "8,50"];
    for i in 0..rows {
        let id = match rng.below(200) {
            0 => "=HYPERLINK(\"http://x/\",\"x\")".to_owned(),
            1 => "a\nb".to_owned(),
            2 => " CB spaced ".to_owned(),
            _ => format!("CB{i:07}"),
        };
        let mut cells = vec![id];
        for _ in &cols {
            let v = if rng.below(40) == 0 {
                odd[usize::try_from(rng.below(odd.len() as u64)).unwrap()].to_owned()
            } else {
                let t = 30 + rng.below(71);
                let s = format!("{}.{}", t / 10, t % 10);
                if rng.below(3) == 0 { s.replace('.', ",") } else { s }
            };
            cells.push(v);
        }
        cells.push(["", "*", "1;2", "3", " 4 ; 5 "][usize::try_from(rng.below(5)).unwrap()].to_owned());
        cells.push(["", "category:teacher", "category:worker;x"][usize::try_from(rng.below(3)).unwrap()].to_owned());
        match rng.below(150) {
            0 => cells.truncate(5),
            1 => cells.push("extra".to_owned()),
            _ => {}
        }
        out.push_str(&cells.iter().map(|c| quote(c)).collect::<Vec<_>>().join(","));
        out.push_str(if rng.below(10) == 0 { "\r\n" } else { "\n" });
    }
    out
}

/// What the one-row-at-a-time path wrote: (stdout, problems).
fn reference(text: &str, name: &str, year: i32, explain: bool, csv_out: bool, lang: Lang) -> (String, Vec<String>) {
    let book = RulebookSet::builtin().get("cong-dan-hoc-tap").unwrap();
    let engine = Engine::new(book).unwrap();
    let subject = engine.subjects()[0];
    let version = engine.version_for_year(year).unwrap();
    let version_id = engine.version(version).map(|v| v.id.clone()).unwrap_or_default();
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(text.as_bytes());
    let header: Vec<String> = reader.headers().unwrap().iter().map(|h| h.trim().to_owned()).collect();
    let mut problems = Vec::new();
    let mut out = String::new();
    let mut w = csv::Writer::from_writer(Vec::new());
    let mut keys = vec!["id", "total", "outcome", "label"];
    if explain {
        keys.push("missing");
    }
    w.write_record(&keys).unwrap();
    for (n, record) in reader.records().enumerate() {
        let line = n + 2;
        let record = record.unwrap();
        let id = record.get(0).unwrap_or_default().trim().to_owned();
        let (total, outcome, label, explanation, missing) = if record.len() == header.len() {
            let cell = |key: &str| header.iter().position(|h| h == key).and_then(|i| record.get(i)).map(str::trim);
            let evidence: Vec<&str> =
                cell("minh_chung").map(|e| e.split(';').map(str::trim).collect()).unwrap_or_default();
            let tags: Vec<String> = cell("tags")
                .map(|t| t.split(';').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()).collect())
                .unwrap_or_default();
            let mut facts = Facts::new(&engine, subject).with_tags(tags);
            for (h, value) in header.iter().zip(record.iter()).skip(1) {
                if h == "minh_chung" || h == "tags" || value.trim().is_empty() {
                    continue;
                }
                let Some(kind) = engine.index_of(h).and_then(|i| engine.definition(i)).map(|(_, d)| d.kind) else {
                    continue;
                };
                match parse_value(kind, value) {
                    Ok(v) => facts.set(&engine, h, &v, evidence.contains(&"*") || evidence.contains(&h.as_str())),
                    Err(e) => {
                        problems.push(format!("{name}:{line}: {h}: {e}"));
                        if let Some(i) = engine.index_of(h) {
                            facts.set_at(i, FactValue::Invalid, false);
                        }
                    }
                }
            }
            let result = engine.evaluate_version(&facts, year, version);
            for d in &result.diagnostics {
                problems.push(format!("{name}:{line}: {}: {}", d.indicator, d.message));
            }
            let why = explain.then(|| engine.explain(&facts, year, &result));
            (
                result.total_decimal().map(|t| t.to_string()),
                result.outcome.map(|x| engine.outcome_id(version, x).to_owned()),
                result.outcome.and_then(|x| engine.outcome_label(version, x)).map(|l| l.get(lang).to_owned()),
                why.as_ref().map(|w| w.lines(lang)),
                why.as_ref().map(|w| w.missing_sentence(lang)),
            )
        } else {
            let (found, width) = (record.len(), header.len());
            problems.push(format!(
                "{name}:{line}: -: dòng có {found} trường, tiêu đề có {width} / the row has {found} fields, the header has {width}"
            ));
            (None, None, None, None, None)
        };
        let mut v = json!({
            "id": id, "rulebook": "cong-dan-hoc-tap", "version": version_id, "year": year,
            "total": total, "outcome": outcome.as_deref().unwrap_or("undetermined"), "label": label,
        });
        if explain {
            v["explanation"] = json!(explanation);
            v["missing"] = json!(missing);
        }
        out.push_str(&serde_json::to_string(&v).unwrap());
        out.push('\n');
        let mut row = vec![
            id,
            total.unwrap_or_default(),
            outcome.unwrap_or_else(|| "undetermined".to_owned()),
            label.unwrap_or_default(),
        ];
        if explain {
            row.push(missing.unwrap_or_default());
        }
        w.write_record(row.iter().map(|c| xhht_core::csv_cell::neutralise(c).into_owned())).unwrap();
    }
    if csv_out { (String::from_utf8(w.into_inner().unwrap()).unwrap(), problems) } else { (out, problems) }
}

fn streamed(text: &str, name: &str, run: &Run<'_>) -> (String, Vec<String>, u64) {
    let scorer = Scorer::new("cong-dan-hoc-tap", None).unwrap();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut none = |_: &[ScoredRow]| Ok(());
    let s =
        scorer.score(name, text.as_bytes(), &mut out, run, &mut |p| problems.push(p.to_owned()), &mut none).unwrap();
    assert_eq!(s.problems, problems.len() as u64);
    (String::from_utf8(out).unwrap(), problems, s.rows)
}

#[test]
fn streaming_writes_byte_for_byte_what_the_one_row_path_wrote() {
    for (seed, rows, year, explain, csv_out, lang, threads, block_rows) in [
        (1, 3000, 2024, false, false, Lang::Vi, 2, 37),
        (2, 3000, 2026, false, true, Lang::En, 3, 1000),
        (3, 2000, 2025, true, false, Lang::Vi, 2, 64),
        (4, 2000, 2024, true, true, Lang::En, 1, 5000),
        (5, 1, 2024, false, false, Lang::Vi, 2, 1),
        (6, 0, 2024, false, true, Lang::Vi, 2, 10),
    ] {
        let text = random_file(seed, rows);
        let name = "f.csv";
        let (want, want_problems) = reference(&text, name, year, explain, csv_out, lang);
        let output = if csv_out { Output::Csv } else { Output::JsonLines };
        let run = Run { year, version: None, explain, lang, output, threads, block_rows };
        let (got, problems, n) = streamed(&text, name, &run);
        assert_eq!(n, rows as u64, "seed {seed}");
        assert_eq!(problems, want_problems, "seed {seed}: the problems, in file order");
        if got != want {
            let at = got.lines().zip(want.lines()).position(|(a, b)| a != b).unwrap_or(0);
            panic!(
                "seed {seed}: line {at} differs:\n got: {}\nwant: {}",
                got.lines().nth(at).unwrap_or(""),
                want.lines().nth(at).unwrap_or("")
            );
        }
        assert!(rows < 100 || !want_problems.is_empty(), "the file has bad rows to report");
    }
}

#[test]
fn a_byte_order_mark_is_skipped_and_a_non_utf8_row_names_its_line() {
    let text = "\u{feff}id,1\nA,7.5\n";
    let run = Run {
        year: 2024,
        version: None,
        explain: false,
        lang: Lang::Vi,
        output: Output::JsonLines,
        threads: 1,
        block_rows: 0,
    };
    let (got, problems, _) = streamed(text, "f.csv", &run);
    assert!(got.starts_with("{\"id\":\"A\","), "the header's `id` is found after the mark: {got}");
    assert!(problems.iter().all(|p| p.starts_with("f.csv:2: ")), "{problems:?}");
    let scorer = Scorer::new("cong-dan-hoc-tap", None).unwrap();
    let bytes = b"id,1\nA,7.5\nB,\xff\n";
    let mut none = |_: &[ScoredRow]| Ok(());
    let e = scorer.score("f.csv", &bytes[..], Vec::new(), &run, &mut |_| {}, &mut none).unwrap_err();
    assert!(e.to_string().starts_with("f.csv:3: "), "{e}");
    let e = scorer.score("f.csv", &b"x,1\n"[..], Vec::new(), &run, &mut |_| {}, &mut none).unwrap_err();
    assert!(e.to_string().contains("f.csv:1"), "{e}");
}

#[test]
fn rows_come_a_block_at_a_time_in_file_order() {
    let text = random_file(9, 250);
    let scorer = Scorer::new("cong-dan-hoc-tap", None).unwrap();
    let run = Run {
        year: 2024,
        version: None,
        explain: false,
        lang: Lang::Vi,
        output: Output::Rows,
        threads: 2,
        block_rows: 40,
    };
    let mut blocks = Vec::new();
    let mut collect = |rows: &[ScoredRow]| {
        blocks.push(rows.to_vec());
        Ok(())
    };
    scorer.score("f.csv", text.as_bytes(), std::io::sink(), &run, &mut |_| {}, &mut collect).unwrap();
    assert_eq!(blocks.iter().map(Vec::len).collect::<Vec<_>>(), vec![40, 40, 40, 40, 40, 40, 10]);
    let (json, _) = reference(&text, "f.csv", 2024, false, false, Lang::Vi);
    let ids: Vec<String> = json
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(blocks.concat().iter().map(|r| r.id.clone()).collect::<Vec<_>>(), ids);
}

/// Writes the rows of a CSV text to the first sheet of a new workbook as an official's Excel
/// would hold them: a cell that reads back as the same text from a number is a number (`7.5`,
/// `8`), any other a text; an empty cell is left out. `gap` rows are left empty before each
/// `every`-th data row.
fn workbook_of(text: &str, path: &std::path::Path, title: Option<&str>, gap: Option<(usize, u32)>) -> Vec<u32> {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    let mut r: u32 = 0;
    if let Some(t) = title {
        ws.write_string(0, 0, t).unwrap();
        r = 2;
    }
    let mut rows = Vec::new();
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    for (i, rec) in reader.records().enumerate() {
        if let Some((every, n)) = gap
            && i > 0
            && i % every == 0
        {
            r += n;
        }
        for (c, cell) in rec.unwrap().iter().enumerate() {
            let c = u16::try_from(c).unwrap();
            match cell.parse::<f64>() {
                _ if cell.is_empty() => {}
                Ok(v) if format!("{v}") == cell => {
                    ws.write_number(r, c, v).unwrap();
                }
                _ => {
                    ws.write_string(r, c, cell).unwrap();
                }
            }
        }
        rows.push(r + 1);
        r += 1;
    }
    wb.save(path).unwrap();
    rows
}

/// A CSV's rows made as wide as its header (a workbook's row has no "fewer fields": its missing
/// cells are empty), each ending in `\n`.
fn padded(text: &str) -> String {
    let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut w = csv::WriterBuilder::new().flexible(true).from_writer(Vec::new());
    let mut width = None;
    for rec in reader.records() {
        let mut cells: Vec<String> = rec.unwrap().iter().map(str::to_owned).collect();
        let width = *width.get_or_insert(cells.len());
        while cells.len() < width {
            cells.push(String::new());
        }
        w.write_record(&cells).unwrap();
    }
    String::from_utf8(w.into_inner().unwrap()).unwrap()
}

fn workbook_run(path: &std::path::Path, run: &Run<'_>) -> (String, Vec<String>, u64) {
    let scorer = Scorer::new("cong-dan-hoc-tap", None).unwrap();
    let mut out = Vec::new();
    let mut problems = Vec::new();
    let mut none = |_: &[ScoredRow]| Ok(());
    let s = scorer.score_file(path, &mut out, run, &mut |p| problems.push(p.to_owned()), &mut none).unwrap();
    (String::from_utf8(out).unwrap(), problems, s.rows)
}

#[test]
fn a_workbook_is_scored_as_the_same_rows_in_a_csv() {
    let dir = std::env::temp_dir().join(format!("xhht-app-it-{}-score-xlsx", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    for (seed, rows, csv_out, explain, threads, block_rows) in
        [(11, 2500, false, false, 2, 97), (12, 1500, true, true, 3, 400), (13, 1, false, false, 1, 1)]
    {
        let text = random_file(seed, rows);
        let path = dir.join(format!("f{seed}.xlsx"));
        let lines = workbook_of(&text, &path, None, None);
        assert_eq!(lines.len(), rows + 1);
        let output = if csv_out { Output::Csv } else { Output::JsonLines };
        let run = Run { year: 2024, version: None, explain, lang: Lang::Vi, output, threads, block_rows };
        let name = path.display().to_string();
        let (want, want_problems) = reference(&padded(&text), &name, 2024, explain, csv_out, Lang::Vi);
        let (got, problems, n) = workbook_run(&path, &run);
        assert_eq!(n, rows as u64, "seed {seed}");
        assert_eq!(problems, want_problems, "seed {seed}: the same problems on the same rows");
        assert_eq!(got, want, "seed {seed}: the same output");
        assert!(rows < 100 || problems.iter().any(|p| p.contains("trường")), "a row too wide is reported");
    }
    std::fs::remove_dir_all(&dir).unwrap();
}

#[test]
fn a_workbook_names_excel_rows_past_a_title_and_empty_rows() {
    let dir = std::env::temp_dir().join(format!("xhht-app-it-{}-score-xlsx-rows", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let text = "id,1,2\nA,7.5,abc\nB,8,9\nC,x,\nD,6,6\n";
    let path = dir.join("rows.xlsx");
    // A title in row 1, the header in row 3, two empty rows before every second data row.
    let lines = workbook_of(text, &path, Some("DANH SÁCH CHẤM ĐIỂM CÔNG DÂN HỌC TẬP"), Some((2, 2)));
    assert_eq!(lines, [3, 4, 7, 8, 11]);
    let run = Run {
        year: 2024,
        version: None,
        explain: false,
        lang: Lang::Vi,
        output: Output::JsonLines,
        threads: 2,
        block_rows: 2,
    };
    let (got, problems, n) = workbook_run(&path, &run);
    assert_eq!(n, 4);
    let ids: Vec<String> = got
        .lines()
        .map(|l| serde_json::from_str::<serde_json::Value>(l).unwrap()["id"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(ids, ["A", "B", "C", "D"]);
    let name = path.display().to_string();
    let at: Vec<&str> = problems.iter().map(|p| p.strip_prefix(&format!("{name}:")).unwrap()).collect();
    assert!(at.iter().any(|p| p.starts_with("4: 2: ")), "A's bad cell on row 4: {problems:?}");
    assert!(at.iter().any(|p| p.starts_with("8: 1: ")), "C's bad cell on row 8: {problems:?}");
    let rows: std::collections::BTreeSet<&str> = at.iter().filter_map(|p| p.split(':').next()).collect();
    assert_eq!(rows.into_iter().collect::<Vec<_>>(), ["11", "4", "7", "8"], "every row by its Excel number");

    // The table may start right of column A (the header's first cell says where): the same
    // rows; a note left of the table is not a cell of it.
    let shifted = dir.join("shifted.xlsx");
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 1, "Bảng điểm").unwrap();
    for (c, h) in ["id", "1", "2"].iter().enumerate() {
        ws.write_string(2, c as u16 + 1, *h).unwrap();
    }
    for (r, (id, a, b)) in [("A", 7.5, "abc"), ("B", 8.0, "9")].iter().enumerate() {
        let r = r as u32 + 3;
        ws.write_string(r, 0, "ghi chú").unwrap();
        ws.write_string(r, 1, *id).unwrap();
        ws.write_number(r, 2, *a).unwrap();
        ws.write_string(r, 3, *b).unwrap();
    }
    ws.write_string(5, 0, "chỉ có ghi chú").unwrap();
    wb.save(&shifted).unwrap();
    let (got_shifted, problems_shifted, n) = workbook_run(&shifted, &run);
    assert_eq!(n, 2, "{got_shifted}");
    let plain = dir.join("plain.xlsx");
    workbook_of("id,1,2\nA,7.5,abc\nB,8,9\n", &plain, Some("Bảng điểm"), None);
    let (got_plain, problems_plain, _) = workbook_run(&plain, &run);
    assert_eq!(got_shifted, got_plain);
    let strip = |v: &[String], f: &std::path::Path| {
        v.iter().map(|p| p.replace(&f.display().to_string(), "F")).collect::<Vec<_>>()
    };
    assert_eq!(strip(&problems_shifted, &shifted), strip(&problems_plain, &plain));

    // No row starting with `id` near the top: the first row is refused as the header, by its row.
    let bad = dir.join("no-header.xlsx");
    workbook_of("ma,1\nA,7\n", &bad, Some("Bảng điểm"), None);
    let scorer = Scorer::new("cong-dan-hoc-tap", None).unwrap();
    let mut none = |_: &[ScoredRow]| Ok(());
    let e = scorer.score_file(&bad, Vec::new(), &run, &mut |_| {}, &mut none).unwrap_err();
    assert!(e.to_string().contains("no-header.xlsx:1"), "{e}");
    assert!(e.to_string().contains("`id`"), "{e}");
    // Not a workbook at all.
    let fake = dir.join("fake.xlsx");
    std::fs::write(&fake, "id,1\nA,7\n").unwrap();
    let e = scorer.score_file(&fake, Vec::new(), &run, &mut |_| {}, &mut none).unwrap_err();
    assert!(e.to_string().contains("fake.xlsx") && e.to_string().contains("not a readable workbook"), "{e}");
    assert!(!e.to_string().contains("import"), "not said as an import's problem: {e}");
    let e = scorer.score_file(&dir.join("none.xlsx"), Vec::new(), &run, &mut |_| {}, &mut none).unwrap_err();
    assert!(matches!(e, xhht_app::Error::Io { .. }), "{e}");
    std::fs::remove_dir_all(&dir).unwrap();
}
