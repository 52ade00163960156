//! The commands over a database, end to end: `demo` builds a small synthetic district in a
//! temporary folder once; the other commands read it (or a copy).

use std::path::PathBuf;
use std::process::{Command, Output};
use std::sync::OnceLock;

use super::{stderr, stdout};

const TODAY: &str = "2026-11-28";

/// A temporary folder holding the demo database and its reports, made once.
fn demo() -> &'static PathBuf {
    static DIR: OnceLock<PathBuf> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = std::env::temp_dir().join(format!("xhht-cli-demo-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        let o = run_in(&dir, &["--as-of", TODAY, "demo", "--size", "tiny", "--seed", "7", "--out", "out"]);
        assert!(o.status.success(), "demo failed: {}", stderr(&o));
        dir
    })
}

fn run_in(dir: &PathBuf, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xhht"))
        .current_dir(dir)
        .args(args)
        .env_remove("XHHT_DATABASE_URL")
        .env_remove("XHHT_LANG")
        .env("COLUMNS", "200")
        .output()
        .unwrap()
}

fn xhht(args: &[&str]) -> Output {
    let mut all = vec!["--as-of", TODAY];
    all.extend_from_slice(args);
    run_in(demo(), &all)
}

#[test]
fn demo_writes_the_database_and_every_report_format() {
    let dir = demo();
    assert!(dir.join("xhht.db").is_file());
    for f in [
        "bao-cao-nam-2026.md",
        "bao-cao-nam-2026.html",
        "bao-cao-nam-2026.json",
        "bao-cao-nam-2026.xlsx",
        "bao-cao-nam-2026.docx",
        "bao-cao-so-ket-2023-2025.docx",
    ] {
        let p = dir.join("out").join(f);
        assert!(p.is_file() && std::fs::metadata(&p).unwrap().len() > 500, "{f}");
    }
    assert!(dir.join("out/bao-cao-nam-2026/deadlines.csv").is_file());
    let md = std::fs::read_to_string(dir.join("out/bao-cao-nam-2026.md")).unwrap();
    assert!(md.contains("Dữ liệu mô phỏng"), "the report says the data is synthetic");
    let again = run_in(dir, &["--as-of", TODAY, "demo", "--size", "tiny"]);
    assert_eq!(again.status.code(), Some(1));
    assert!(stderr(&again).contains("already exists: pass --force"), "{}", stderr(&again));
}

#[test]
fn progress_gives_each_target_each_year() {
    let o = xhht(&["--format", "csv", "progress", "--year", "2026"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(
        s.starts_with(
            "target,year,met,of,share,path,target_share,on_track,gap,projection,needed_per_year,rules,national\n"
        ),
        "{s}"
    );
    assert!(
        s.contains("target.unit-title,2023,") && s.contains("TT 22/2020/TT-BGDĐT"),
        "each year names its rules: {s}"
    );
    for year in 2023..=2026 {
        assert!(s.contains(&format!("target.citizen-title,{year},")), "{year}: {s}");
        assert!(s.contains(&format!("target.unit-title,{year},")), "{year}: {s}");
    }
    assert!(s.contains("target.citizen-title,2025,") && s.contains(",60\n"), "the 2025 national milestone: {s}");
    // A table names the targets by their words, marks the change of rules and says what the
    // projection rests on.
    let table = stdout(&xhht(&["progress", "--year", "2026"]));
    assert!(!table.contains("target.unit-title"), "{table}");
    assert!(table.contains("Đơn vị học tập") && table.contains("thay cho TT 22/2020/TT-BGDĐT"), "{table}");
    assert!(table.contains("bình phương tối thiểu") || table.contains("chưa đủ số liệu cùng căn cứ"), "{table}");
    let by = xhht(&["--format", "json", "progress", "--year", "2026", "--by", "commune"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&by)).unwrap();
    assert!(rows.as_array().unwrap().iter().any(|r| r["note"].as_str().unwrap_or("").contains("sáp nhập")), "{rows}");
    // Across TT 22 → TT 24 (2023 → 2024), last year's records judged under this year's rules:
    // the synthetic units that tried TT 24/2023 in 2023 are judged, the others are said to have
    // no assessment under it.
    let cmp = stdout(&xhht(&["--format", "json", "progress", "--year", "2024", "--comparable"]));
    let rows: serde_json::Value = serde_json::from_str(&cmp).unwrap();
    let n = |k: &str| rows[0][k].as_str().unwrap().parse::<u64>().unwrap();
    assert_eq!(rows[0]["year"].as_str(), Some("2023"), "{rows}");
    assert!(n("assessed") > 0 && n("assessed") < n("organisations") && n("meeting") <= n("assessed"), "{rows}");
    assert!(rows[0]["rules"].as_str().unwrap().starts_with("don-vi-hoc-tap.tt24-2023@"), "{rows}");
    let cmp = stdout(&xhht(&["progress", "--year", "2024", "--comparable"]));
    assert!(cmp.contains("chấm lại hồ sơ theo căn cứ mới") && cmp.contains("Thông tư"), "{cmp}");
    // The 2024 report says the same beside the change of rules.
    let o = xhht(&["--format", "md", "report", "annual", "--year", "2024", "--out", "cmp-2024.md"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let md = std::fs::read_to_string(demo().join("cmp-2024.md")).unwrap();
    let line = format!("{}/{} đơn vị có hồ sơ đạt yêu cầu", n("meeting"), n("assessed"));
    assert!(md.contains("Số liệu so sánh (hồ sơ năm 2023 chấm lại theo") && md.contains(&line), "{line}: {md:.3000}");
    let same = stdout(&xhht(&["progress", "--year", "2026", "--comparable"]));
    assert!(same.contains("không cần số liệu so sánh"), "{same}");
    // By kind: the table names kinds by their words, JSON keeps the ids.
    let kinds = stdout(&xhht(&["progress", "--year", "2026", "--by", "kind"]));
    assert!(
        kinds.contains("Trường học") && !kinds.contains("commune-committee") && !kinds.contains("school"),
        "{kinds}"
    );
    let json = stdout(&xhht(&["--format", "json", "progress", "--year", "2026", "--by", "kind"]));
    assert!(json.contains("\"key\": \"school\"") || json.contains("\"key\":\"school\""), "{json}");
}

#[test]
fn deadlines_are_judged_as_of_the_day_given() {
    let table = stdout(&xhht(&["deadlines", "--year", "2026"]));
    assert!(!table.contains("actor.") && table.contains("Hội Khuyến học"), "the actors by name: {table}");
    let o = xhht(&["--format", "json", "deadlines", "--year", "2026"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let statuses: Vec<&str> = rows.as_array().unwrap().iter().map(|r| r["status"].as_str().unwrap()).collect();
    assert!(statuses.contains(&"chưa nộp (chưa đến hạn)"), "{statuses:?}");
    assert!(!statuses.iter().any(|s| s.starts_with("trễ")), "nothing can be late before the deadline: {statuses:?}");
    let later =
        run_in(demo(), &["--as-of", "2026-12-20", "--lang", "en", "--format", "json", "deadlines", "--year", "2026"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&later)).unwrap();
    assert!(rows.as_array().unwrap().iter().any(|r| r["status"] == "missing (overdue)"), "{rows}");
}

#[test]
fn reports_are_written_in_every_format() {
    let dir = demo();
    for (format, file) in [
        ("md", "r.md"),
        ("html", "r.html"),
        ("json", "r.json"),
        ("xlsx", "r.xlsx"),
        ("docx", "r.docx"),
        ("csv", "r-csv"),
    ] {
        let o = xhht(&["--format", format, "report", "annual", "--year", "2025", "--out", file]);
        assert!(o.status.success(), "{format}: {}", stderr(&o));
        assert!(dir.join(file).exists(), "{format}");
    }
    let json: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    assert_eq!(json["schema"], 2);
    assert_eq!(json["year"], 2025);
    let phase = xhht(&["--format", "md", "report", "phase", "--phase", "1", "--out", "p.md"]);
    assert!(phase.status.success(), "{}", stderr(&phase));
    assert!(std::fs::read_to_string(dir.join("p.md")).unwrap().contains("SƠ KẾT"));
    let scoped =
        xhht(&["--format", "json", "report", "annual", "--year", "2024", "--scope", "org:TH-80601", "--out", "o.json"]);
    assert!(scoped.status.success(), "{}", stderr(&scoped));
    let bad = xhht(&["report", "annual", "--scope", "galaxy", "--out", "x.md"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("unknown scope `galaxy`"));
    // Each scope under its own body: a new commune's report by its People's Committee, the
    // whole area's by the area's letterhead, in 2026.
    let commune =
        xhht(&["--format", "md", "report", "annual", "--year", "2026", "--scope", "commune:72001", "--out", "c.md"]);
    assert!(commune.status.success(), "{}", stderr(&commune));
    let c = std::fs::read_to_string(dir.join("c.md")).unwrap();
    assert!(c.contains("ỦY BAN NHÂN DÂN XÃ CẦN ĐƯỚC") && c.contains("…/BC-UBND") && c.contains("CHỦ TỊCH"), "{c}");
    assert!(c.contains("được lập từ hồ sơ đơn vị, là giả định"), "{c}");
    let whole = xhht(&["--format", "md", "report", "annual", "--year", "2026", "--out", "w.md"]);
    assert!(whole.status.success(), "{}", stderr(&whole));
    let w = std::fs::read_to_string(dir.join("w.md")).unwrap();
    assert!(w.contains("SỞ GIÁO DỤC VÀ ĐÀO TẠO") && !w.contains("ỦY BAN NHÂN DÂN XÃ CẦN ĐƯỚC"), "{w}");
    assert!(w.contains("Kế hoạch hết hiệu lực ngày 30/06/2025"), "{w}");
}

#[test]
fn a_report_for_a_scope_that_names_nothing_on_record_fails_with_one_sentence() {
    for (scope, shown) in [
        ("actor:nope", "actor:nope"),
        ("actor:../../x", "actor:../../x"),
        ("org:NOPE", "org:NOPE"),
        ("commune:NOPE", "commune:NOPE"),
    ] {
        let en = xhht(&["--lang", "en", "report", "annual", "--year", "2026", "--scope", scope, "--out", "nope.md"]);
        let text = stderr(&en);
        assert_eq!(en.status.code(), Some(1), "{scope}: {text}");
        assert_eq!(text.trim_end().lines().count(), 1, "one sentence: {text}");
        assert!(
            text.starts_with(&format!("xhht: unknown scope `{shown}`: no area in the records, organisation on record or actor of the plan has that code")),
            "{text}"
        );
        let vi = xhht(&["report", "annual", "--year", "2026", "--scope", scope, "--out", "nope.md"]);
        assert_eq!(vi.status.code(), Some(1), "{scope}: {}", stderr(&vi));
        assert!(stderr(&vi).starts_with(&format!("xhht: không có phạm vi `{shown}`: ")), "{}", stderr(&vi));
    }
    assert!(!demo().join("nope.md").exists(), "no report is written");
}

#[test]
fn explain_says_why_in_both_languages() {
    let o = xhht(&["explain", "CB0000002", "--year", "2025"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.contains("Bộ tiêu chí ke-hoach.can-duoc-2024"), "{s}");
    let en = xhht(&["--lang", "en", "explain", "TH-80601", "--year", "2025"]);
    assert!(stdout(&en).contains("Rulebook ke-hoach.can-duoc-2024"), "{}", stdout(&en));
    let none = xhht(&["explain", "NOBODY", "--year", "2025"]);
    assert_eq!(none.status.code(), Some(1));
    assert!(stderr(&none).contains("no person or organisation `NOBODY`"));
}

#[test]
fn the_audit_chain_verifies_and_a_backup_restores() {
    let o = xhht(&["audit", "verify"]);
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
    assert!(stdout(&o).contains("chuỗi băm khớp"), "{}", stdout(&o));
    let b = xhht(&["backup", "backup.db"]);
    assert!(b.status.success(), "{}", stderr(&b));
    let r = xhht(&["--db", "restored.db", "restore", "backup.db"]);
    assert!(r.status.success(), "{}", stderr(&r));
    let before = xhht(&["--format", "csv", "progress", "--year", "2025"]);
    let after = xhht(&["--db", "restored.db", "--format", "csv", "progress", "--year", "2025"]);
    assert_eq!(stdout(&before), stdout(&after));
}

#[test]
fn rewards_list_the_eligible_with_reasons() {
    let o = xhht(&["--format", "csv", "rewards", "--year", "2025"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let s = stdout(&o);
    assert!(s.starts_with("reward,subject,id,name,because\n"), "{s}");
    let phase = xhht(&["--format", "csv", "rewards", "--phase", "1"]);
    assert!(phase.status.success(), "{}", stderr(&phase));
}

#[test]
fn a_table_command_refuses_a_document_format() {
    let o = xhht(&["--format", "docx", "progress"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("use --format table, json or csv"), "{}", stderr(&o));
}

#[test]
fn a_filled_report_form_is_imported_and_quoted_in_the_synthesis() {
    use xhht_report::doc::Cell;
    // A copy of the demo database: this test writes.
    let dir = std::env::temp_dir().join(format!("xhht-cli-duty-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(demo().join("xhht.db"), dir.join("xhht.db")).unwrap();
    let o = run_in(&dir, &["export", "organisations", "--out", "orgs.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let orgs = std::fs::read_to_string(dir.join("orgs.csv")).unwrap();
    let line = orgs.lines().find(|l| l.contains("actor.phong-ldtbxh")).expect("the labour office");
    let code = line.split(',').next().unwrap().to_owned();

    // The form `xhht form` writes, filled as an official would: numbers in numeric fields.
    let plan = xhht_core::plan::Plan::can_duoc_2024();
    let mut doc = xhht_report::forms::actor_form(
        plan,
        "actor.phong-ldtbxh",
        2026,
        (&code, "Phòng LĐ-TB&XH"),
        xhht_core::Lang::Vi,
        chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap(),
    )
    .unwrap();
    let a = plan.actor("actor.phong-ldtbxh").unwrap();
    let rows = &mut doc.sections[0].tables[0].rows;
    for r in rows.iter_mut() {
        let (Cell::Text(duty), Cell::Text(field)) = (r[4].clone(), r[7].clone()) else { panic!("id columns") };
        let d = a.duties.iter().find(|d| d.id == duty).unwrap();
        let numeric = d.report_fields.iter().find(|f| f.id == field).unwrap().numeric;
        r[9] = if numeric { Cell::Int(37) } else { Cell::Text("Đã mở 3 lớp nghề".into()) };
    }
    let n = rows.len();
    std::fs::write(dir.join("form.xlsx"), xhht_report::render::xlsx::render(&doc).unwrap()).unwrap();
    let o = run_in(&dir, &["--lang", "en", "import", "duty-reports", "form.xlsx"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains(&format!("{n} duty results: ")), "{}", stdout(&o));
    let again = run_in(&dir, &["--lang", "en", "import", "duty-reports", "form.xlsx"]);
    assert!(stdout(&again).contains(&format!("{n} unchanged")), "{}", stdout(&again));
    // Exported as JSON, the list imports back unchanged; other formats are refused with a reason.
    let o = run_in(&dir, &["export", "duty-reports", "--out", "duty.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let exported: Vec<serde_json::Value> =
        serde_json::from_slice(&std::fs::read(dir.join("duty.json")).unwrap()).unwrap();
    assert!(exported.iter().filter(|r| r["organisation"] == code.as_str() && r["year"] == 2026).count() >= n);
    let back = run_in(&dir, &["--lang", "en", "import", "duty-reports", "duty.json"]);
    assert!(back.status.success(), "{}", stderr(&back));
    assert!(stdout(&back).contains(" 0 added, 0 changed"), "{}", stdout(&back));
    let o = run_in(&dir, &["export", "duty-reports", "--out", "duty.csv"]);
    assert!(!o.status.success());
    assert!(stderr(&o).contains(".json"), "{}", stderr(&o));

    // A JSON list with a word in a numeric field and an unknown organisation: refused whole.
    let bad = serde_json::json!([
        {"actor": "actor.phong-ldtbxh", "organisation": code, "year": 2026, "duty": "actor.phong-ldtbxh.2", "field": "women-trained", "value": "nhiều"},
        {"actor": "actor.phong-ldtbxh", "organisation": "NOWHERE", "year": 2026, "duty": "actor.phong-ldtbxh.2", "field": "classes-opened", "value": "5"}
    ]);
    std::fs::write(dir.join("bad.json"), bad.to_string()).unwrap();
    let o = run_in(&dir, &["--lang", "en", "import", "duty-reports", "bad.json"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("bad.json: [0]: ") && err.contains("is not a number"), "{err}");
    assert!(err.contains("bad.json: [1]: ") && err.contains("NOWHERE"), "{err}");
    assert!(stdout(&o).contains("nothing imported"), "{}", stdout(&o));

    // The synthesis quotes every field under its duty; no duty of the office is unreported.
    let o =
        run_in(&dir, &["--as-of", TODAY, "--format", "json", "report", "annual", "--year", "2026", "--out", "r.json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let r: serde_json::Value = serde_json::from_str(&std::fs::read_to_string(dir.join("r.json")).unwrap()).unwrap();
    let office = r["actors"].as_array().unwrap().iter().find(|x| x["id"] == "actor.phong-ldtbxh").unwrap();
    let quoted: usize =
        office["duties"].as_array().unwrap().iter().map(|d| d["reported"].as_array().unwrap().len()).sum();
    assert_eq!(quoted, n, "{office}");
    assert_eq!(office["unreported"].as_array().unwrap().len(), 0, "{office}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_annual_report_from_stored_digests_is_the_demos_and_follows_a_change() {
    // A copy of the demo database: this test writes.
    let dir = std::env::temp_dir().join(format!("xhht-cli-digest-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::copy(demo().join("xhht.db"), dir.join("xhht.db")).unwrap();
    let report = |name: &str| -> serde_json::Value {
        let o =
            run_in(&dir, &["--as-of", TODAY, "--format", "json", "report", "annual", "--year", "2026", "--out", name]);
        assert!(o.status.success(), "{}", stderr(&o));
        serde_json::from_slice(&std::fs::read(dir.join(name)).unwrap()).unwrap()
    };
    // The demo built its report from the years' results in memory; `xhht report` builds it from
    // the digests the demo kept in the database: the same report (but for the demo's notice).
    let mut demo_json: serde_json::Value =
        serde_json::from_slice(&std::fs::read(demo().join("out/bao-cao-nam-2026.json")).unwrap()).unwrap();
    demo_json["notice"] = serde_json::Value::Null;
    let before = report("before.json");
    assert_eq!(before, demo_json);

    // Someone listed as not registered registers: the next report counts them (the digest of
    // 2026 was made from older records and is computed again).
    let unmet = before["criteria"]["unmet"].as_array().unwrap();
    let person = unmet
        .iter()
        .find(|u| {
            u["subject"] == "person"
                && u["reasons"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .any(|r| r["en"].as_str().unwrap().starts_with("IV.1.2, item 1: Registers for the"))
        })
        .expect("someone not registered in 2026")["id"]
        .as_str()
        .unwrap()
        .to_owned();
    let met = |r: &serde_json::Value| {
        r["criteria"]["individual"].as_array().unwrap().iter().find(|c| c["indicator"] == "i1-registration").unwrap()
            ["count"]["met"]
            .as_u64()
            .unwrap()
    };
    std::fs::write(
        dir.join("reg.csv"),
        format!("subject,title,year,date\n{person},cong-dan-hoc-tap,2026,2026-01-10\n"),
    )
    .unwrap();
    let o = run_in(&dir, &["import", "registrations", "reg.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let after = report("after.json");
    assert_eq!(met(&after), met(&before) + 1);
    // And the series of earlier years is unchanged.
    assert_eq!(after["targets"][1]["series"][0], before["targets"][1]["series"][0]);
}

/// The outputs of `xhht` before the use cases moved into `xhht-app` (see
/// `crates/xhht-app/tests/data/before/README.md`): explanations and reports, byte for byte.
#[test]
fn explanations_and_reports_are_byte_for_byte_what_they_were_before_the_application_layer() {
    let before = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../xhht-app/tests/data/before");
    // XHHT_BLESS=1 writes the outputs as the new goldens (only when an output is meant to
    // change: see the README there).
    let bless = std::env::var_os("XHHT_BLESS").is_some();
    let golden = |name: &str| std::fs::read(before.join(name)).unwrap_or_else(|e| panic!("{name}: {e}"));
    for (id, year) in [("CB0000002", "2025"), ("CB0000010", "2026"), ("TH-80601", "2026"), ("UBND-80602", "2024")] {
        for lang in ["vi", "en"] {
            let o = xhht(&["--lang", lang, "explain", id, "--year", year]);
            assert!(o.status.success(), "{}", stderr(&o));
            let name = format!("cli-explain-{id}-{year}.{lang}.txt");
            if bless {
                std::fs::write(before.join(&name), stdout(&o)).unwrap();
            }
            assert_eq!(stdout(&o), String::from_utf8(golden(&name)).unwrap(), "{name}");
        }
    }
    let dir = demo();
    for (args, name) in [
        (vec!["--format", "md", "report", "annual", "--year", "2026"], "cli-report-annual-2026.md"),
        (vec!["--format", "json", "report", "annual", "--year", "2026"], "cli-report-annual-2026.json"),
        (vec!["--format", "md", "report", "phase", "--phase", "1"], "cli-report-phase-1.md"),
    ] {
        let out = format!("before-{name}");
        let mut all = vec!["--as-of", TODAY];
        all.extend(args);
        all.extend(["--out", out.as_str()]);
        let o = run_in(dir, &all);
        assert!(o.status.success(), "{}", stderr(&o));
        if bless {
            std::fs::copy(dir.join(&out), before.join(name)).unwrap();
        }
        assert!(std::fs::read(dir.join(&out)).unwrap() == golden(name), "{name} differs from before");
    }
}

#[test]
fn accounts_are_added_once_given_new_passwords_disabled_and_their_tokens_revoked() {
    let dir = std::env::temp_dir().join(format!("xhht-cli-accounts-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let db = dir.join("x.db");
    let db = db.to_str().unwrap();
    let run = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_xhht"))
            .args(["--db", db, "--lang", "en"])
            .args(args)
            .env("PW", "a long password")
            .env("PW2", "another long password")
            .env_remove("XHHT_DATABASE_URL")
            .output()
            .unwrap()
    };
    let o = run(&["user", "add", "ana", "viewer", "--password-env", "PW"]);
    assert!(o.status.success(), "{}", super::stderr(&o));
    let again = run(&["user", "add", "ana", "admin"]);
    assert!(!again.status.success(), "an existing user was replaced");
    assert!(super::stderr(&again).contains("already a user"), "{}", super::stderr(&again));
    let token = super::stdout(&run(&["user", "token", "ana"])).trim().to_owned();
    assert!(token.starts_with("xhht_"), "{token}");
    let o = run(&["user", "password", "ana", "--password-env", "PW2"]);
    assert!(o.status.success(), "{}", super::stderr(&o));
    let token = super::stdout(&run(&["user", "token", "ana"])).trim().to_owned();
    let o = run(&["user", "revoke", &token["xhht_".len().."xhht_".len() + 8]]);
    assert!(super::stdout(&o).contains("Revoked 1 token"), "{}", super::stdout(&o));
    let o = run(&["user", "disable", "ana"]);
    assert!(o.status.success() && super::stdout(&o).contains("Disabled ana"), "{}", super::stderr(&o));
    let o = run(&["user", "disable", "nobody"]);
    assert!(!o.status.success());
}
