//! Imports: the sample files of `examples/` (title block, `STT`, Vietnamese headers, XLSX),
//! idempotent re-imports, export round trips, the corpus of bad files (all or nothing, every
//! problem as `file:line: field: message`) and skipping bad rows.

use std::path::{Path, PathBuf};

use xhht_scoring::year::{YearEngines, evaluate_year};
use xhht_store::{Error, ExportFormat, ImportKind, ImportOptions, RowError, Store, WriteReport};

use crate::support::*;

pub(crate) fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn bad_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/data/import-bad")
}

fn opts() -> ImportOptions {
    ImportOptions::new("chuyen-vien")
}

/// Imports every sample of `examples/` in order (the XLSX after the CSVs).
pub(crate) async fn import_samples(store: &Store) -> Vec<xhht_store::ImportReport> {
    let mut out = Vec::new();
    for kind in ImportKind::ALL {
        let path = examples().join(format!("import-{}.csv", kind.id()));
        out.push(store.import(kind, &path, &opts()).await.unwrap_or_else(|e| panic!("{}: {e}", path.display())));
    }
    let xlsx = examples().join("import-people.xlsx");
    out.push(store.import(ImportKind::People, &xlsx, &opts()).await.unwrap());
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_samples_import_and_importing_them_again_changes_nothing() {
    each_backend("samples", async |db| {
        let store = db.open().await;
        let first = import_samples(&store).await;
        let at = |kind: ImportKind| ImportKind::ALL.iter().position(|k| *k == kind).unwrap();
        let people = &first[at(ImportKind::People)];
        assert_eq!(people.header_line, 7, "found below the title block");
        assert_eq!(people.rows, 8, "the signature block below the table is not data");
        assert_eq!(people.written, WriteReport { added: 8, changed: 0, unchanged: 0 });
        assert_eq!(people.also, vec![("memberships", WriteReport { added: 8, changed: 0, unchanged: 0 })]);
        let memberships = &first[at(ImportKind::Memberships)];
        assert_eq!(memberships.written, WriteReport { added: 1, changed: 1, unchanged: 0 }, "GV003 moved");
        let xlsx = first.last().unwrap();
        assert_eq!((xlsx.header_line, xlsx.written.added), (7, 3));
        let gv007 = store.person("GV007").await.unwrap().unwrap().value;
        assert_eq!((gv007.birth_year, gv007.full_name.as_str()), (Some(1992), "Trương Thị Kim Chi"));
        let cb002 = store.person("CB002").await.unwrap().unwrap().value;
        assert_eq!(cb002.category, xhht_core::entity::PersonCategory::CongChuc);

        // Again: nothing added or changed — and the people file leaves GV003's end date alone.
        let second = import_samples(&store).await;
        for r in &second {
            assert_eq!((r.written.added, r.written.changed), (0, 0), "{}: {:?}", r.file, r.written);
            for (t, w) in &r.also {
                assert_eq!((w.added, w.changed), (0, 0), "{}: {t}", r.file);
            }
        }
        let counts = store.counts().await.unwrap();
        let imports = 2 * (ImportKind::ALL.len() as i64 + 1);
        assert!(counts.contains(&("imports", imports)), "{counts:?}");
        assert!(counts.contains(&("household_members", 5)), "{counts:?}");

        // The year evaluates from what was imported.
        let data = store.load_year(2024).await.unwrap();
        let engines = YearEngines::builtin().unwrap();
        let results = evaluate_year(&engines, data.input()).unwrap();
        let holds = |id: &str| results.people.iter().find(|p| p.id == id).unwrap().holds_title;
        assert!(holds("GV002"), "80.5 with 7 at 8,5");
        assert!(!holds("GV004"), "79.5");
        assert!(!holds("GV006"), "indicator 7 at 4.5 is below the floor");
        assert_eq!(store.save_results("engine", 2024, &data, &results, &engines).await.unwrap(), 14);
        let stored = store.results(2024).await.unwrap();
        assert_eq!(stored.len(), 14, "11 people and 3 organisations");
        let get = |id: &str| stored.iter().find(|r| r.subject.id() == id).unwrap();
        let gv002 = get("GV002");
        assert!(gv002.holds_title && gv002.registered);
        let cdht = gv002.evaluations.iter().find(|e| e.rulebook == "cong-dan-hoc-tap").unwrap();
        assert_eq!(cdht.total, Some("80.5".parse().unwrap()));
        assert_eq!(
            cdht.content_hash,
            xhht_core::rulebook::RulebookSet::builtin().get("cong-dan-hoc-tap").unwrap().content_hash
        );
        let plan = |id: &str| {
            get(id).evaluations.iter().find(|e| e.rulebook == "ke-hoach.can-duoc-2024").unwrap().outcome.clone()
        };
        assert_eq!(plan("GV004").as_deref(), Some("khong_dat"), "approved by the head of another school");
        assert_eq!(get("GV003").organisation.as_deref(), Some("TH-LT"), "moved on 01/07/2024");
        assert_eq!((get("TH-LT").holds_title, get("TH-LT").title_level), (true, Some(1)));
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_kind_exports_and_imports_back_unchanged() {
    each_backend("export", async |db| {
        let store = db.open().await;
        import_samples(&store).await;
        let before = store.load_year(2024).await.unwrap();
        for format in [ExportFormat::Csv, ExportFormat::Xlsx] {
            let other = db.sibling("export_target").await;
            let target = other.open().await;
            for kind in ImportKind::ALL {
                let ext = if format == ExportFormat::Csv { "csv" } else { "xlsx" };
                let out = db.dir.join(format!("export-{}.{ext}", kind.id()));
                let _ = std::fs::remove_file(&out);
                let n = store.export(kind, format, &out).await.unwrap();
                assert!(n > 0, "{kind}");
                // Exported into itself: nothing changes.
                let same = store.import(kind, &out, &opts()).await.unwrap();
                assert_eq!((same.written.added, same.written.changed), (0, 0), "{kind} {format:?}");
                let r = target.import(kind, &out, &opts()).await.unwrap();
                assert_eq!(r.written.added as usize, n, "{kind} {format:?}");
            }
            assert_eq!(target.load_year(2024).await.unwrap(), before, "{format:?}");
            target.close().await;
        }
        store.close().await;
    })
    .await;
}

fn kind_of(name: &str) -> ImportKind {
    ImportKind::ALL
        .into_iter()
        .filter(|k| name.starts_with(&format!("{}-", k.id())))
        .max_by_key(|k| k.id().len())
        .unwrap_or_else(|| panic!("{name}: no kind"))
}

/// Checks a refused import against `expected` (`line | field | text`).
fn check_errors(name: &str, errors: &[RowError], expected: &str) {
    let want: Vec<(u64, &str, &str)> = expected
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| {
            let parts: Vec<&str> = l.splitn(3, " | ").collect();
            (parts[0].trim().parse().unwrap(), parts[1].trim(), parts[2].trim())
        })
        .collect();
    let shown: Vec<String> = errors.iter().map(ToString::to_string).collect();
    assert_eq!(errors.len(), want.len(), "{name}: got\n{}", shown.join("\n"));
    for (line, field, text) in want {
        assert!(
            errors.iter().any(|e| e.line == line && e.field == field && e.message.contains(text)),
            "{name}: no error `{line} | {field} | {text}` among\n{}",
            shown.join("\n")
        );
    }
    for (e, s) in errors.iter().zip(&shown) {
        assert!(e.file.ends_with(name), "{s}");
        assert!(s.starts_with(&format!("{}:{}: {}: ", e.file, e.line, e.field)), "{s}");
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_files_are_refused_whole_with_every_problem_listed() {
    each_backend("bad", async |db| {
        let store = db.open().await;
        import_samples(&store).await;
        let counts = store.counts().await.unwrap();
        let chain = store.audit_verify().await.unwrap();
        let mut files: Vec<PathBuf> = std::fs::read_dir(bad_dir())
            .unwrap()
            .map(|e| e.unwrap().path())
            .filter(|p| p.extension().is_some_and(|e| e == "csv"))
            .collect();
        files.sort();
        assert!(files.len() >= 13, "{files:?}");
        let mut kinds = std::collections::HashSet::new();
        for path in files {
            let name = path.file_name().unwrap().to_str().unwrap().to_owned();
            let kind = kind_of(&name);
            kinds.insert(kind);
            let expected = std::fs::read_to_string(path.with_extension("expected")).unwrap();
            match store.import(kind, &path, &opts()).await {
                Err(Error::Import { errors }) => check_errors(&name, &errors, &expected),
                Err(other) => panic!("{name}: {other}"),
                Ok(r) => panic!("{name}: imported {r:?}"),
            }
        }
        assert_eq!(kinds.len(), ImportKind::ALL.len(), "a bad file for every kind");
        assert_eq!(store.counts().await.unwrap(), counts, "nothing written");
        assert_eq!(store.audit_verify().await.unwrap(), chain, "nothing audited");
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bad_workbook_is_reported_by_sheet_row() {
    each_backend("bad_xlsx", async |db| {
        let store = db.open().await;
        import_samples(&store).await;
        let path = db.dir.join("bad.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "DANH SÁCH ĐĂNG KÝ").unwrap();
        for (c, h) in ["STT", "Mã đối tượng", "Năm", "Ngày đăng ký"].iter().enumerate() {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        ws.write_number(3, 0, 1.0).unwrap();
        ws.write_string(3, 1, "GV002").unwrap();
        ws.write_number(3, 2, 2025.0).unwrap();
        ws.write_string(3, 3, "32/01/2025").unwrap();
        ws.write_number(4, 0, 2.0).unwrap();
        ws.write_string(4, 1, "GV-NOBODY").unwrap();
        ws.write_number(4, 2, 2025.0).unwrap();
        ws.write_string(4, 3, "15/01/2025").unwrap();
        wb.save(&path).unwrap();
        match store.import(ImportKind::Registrations, &path, &opts()).await {
            Err(Error::Import { errors }) => check_errors(
                "bad.xlsx",
                &errors,
                "4 | date | `32/01/2025` is not a date\n5 | subject | unknown person `GV-NOBODY`",
            ),
            other => panic!("{other:?}"),
        }
        // The same workbook uploaded (from memory, under its own name): the same problems.
        let bytes = std::fs::read(&path).unwrap();
        match store.import_bytes(ImportKind::Registrations, "dang-ky.xlsx", &bytes, &opts()).await {
            Err(Error::Import { errors }) => {
                assert!(errors.iter().all(|e| e.file == "dang-ky.xlsx"), "{errors:?}");
                assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [4, 5]);
            }
            other => panic!("{other:?}"),
        }
        // A sample CSV from memory imports as the file does (already there: all unchanged).
        let csv = std::fs::read(examples().join("import-people.csv")).unwrap();
        let r = store.import_bytes(ImportKind::People, "nguoi.csv", &csv, &opts()).await.unwrap();
        assert_eq!((r.file.as_str(), r.rows, r.written.added, r.written.changed), ("nguoi.csv", 8, 0, 0));
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipping_bad_rows_imports_the_good_ones_and_writes_the_rejected_ones() {
    each_backend("skip", async |db| {
        let store = db.open().await;
        import_samples(&store).await;
        let rejected = db.dir.join("rejected.csv");
        let o = ImportOptions { skip_bad_rows: true, rejected_to: Some(rejected.clone()), ..opts() };
        let file = bad_dir().join("memberships-bad.csv");
        // A good row among the bad ones.
        let mixed = db.dir.join("memberships-mixed.csv");
        let mut text = std::fs::read_to_string(&file).unwrap();
        // (Before GV006 joined TH-LT in 2019: a person is in one organisation at a time.)
        text.push_str("GV006,THCS-LH,member,01/01/2010,31/12/2014,Bùi Thị Ngọc\n");
        std::fs::write(&mixed, text).unwrap();
        let r = store.import(ImportKind::Memberships, &mixed, &o).await.unwrap();
        assert_eq!((r.rows, r.imported, r.rejected), (6, 1, 5));
        assert_eq!(r.written, WriteReport { added: 1, changed: 0, unchanged: 0 });
        assert_eq!(r.errors.len(), 5);
        let out = std::fs::read_to_string(&rejected).unwrap();
        let out = out.trim_start_matches('\u{feff}');
        let lines: Vec<&str> = out.lines().collect();
        assert_eq!(lines.len(), 6, "{out}");
        assert!(lines[0].ends_with(",error"), "{}", lines[0]);
        assert!(lines[1].starts_with("GV999,") && lines[1].contains("unknown person `GV999`"), "{}", lines[1]);
        // The rejected file, once corrected, imports.
        store.close().await;
    })
    .await;
}

/// A people file of `n` synthetic rows, with `bad` (line, cell) replacements.
fn big_people(path: &Path, n: usize, bad: &[(usize, &str)]) {
    let mut s = String::from("id,full_name,birth_year,category,area\n");
    for i in 0..n {
        let line = i + 2;
        let year =
            bad.iter().find(|(l, _)| *l == line).map_or_else(|| (1960 + i % 40).to_string(), |(_, v)| (*v).to_owned());
        s.push_str(&format!("S{i:06},Người Thử {i},{year},giao-vien,27700\n"));
    }
    std::fs::write(path, s).unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_first_load_is_streamed_and_still_all_or_nothing() {
    each_backend("streamed", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let counts = store.counts().await.unwrap();
        let chain = store.audit_verify().await.unwrap();
        // Errors in the first block and in the last, after blocks were already written.
        let file = db.dir.join("people-20k.csv");
        big_people(&file, 20_000, &[(3, "năm ấy"), (19_990, "x")]);
        match store.import(ImportKind::People, &file, &opts()).await {
            Err(Error::Import { errors }) => {
                let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
                assert_eq!(lines, vec![3, 19_990], "{errors:?}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(store.counts().await.unwrap(), counts, "rolled back");
        assert_eq!(store.audit_verify().await.unwrap(), chain);
        // An unknown area in the last block: refused as well.
        let mut text = std::fs::read_to_string(&file).unwrap();
        text = text.replace("năm ấy", "1970").replace(",x,", ",1971,");
        std::fs::write(
            &file,
            text.replace(
                "S019998,Người Thử 19998,1998,giao-vien,27700",
                "S019998,Người Thử 19998,1998,giao-vien,99999",
            ),
        )
        .unwrap();
        match store.import(ImportKind::People, &file, &opts()).await {
            Err(Error::Import { errors }) => {
                assert_eq!(errors.len(), 1, "{errors:?}");
                assert_eq!((errors[0].line, errors[0].field.as_str()), (20_000, "area"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(store.counts().await.unwrap(), counts, "rolled back");
        // Corrected, it goes in whole.
        std::fs::write(&file, std::fs::read_to_string(&file).unwrap().replace(",99999", ",27700")).unwrap();
        let r = store.import(ImportKind::People, &file, &opts()).await.unwrap();
        assert_eq!((r.imported, r.written.added), (20_000, 20_000));
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}

/// A streamed first load audits its rows as the ordinary import does: the same `insert` entries
/// (1,000 rows each, in the file's order), however the file was cut into blocks.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_first_load_is_audited_as_the_same_rows_given_at_once() {
    each_backend("streamed_audit", async |db| {
        let file = db.dir.join("people-20k.csv");
        big_people(&file, 20_000, &[]);
        let streamed = db.open().await;
        streamed.put_areas("t", &areas()).await.unwrap();
        streamed.import(ImportKind::People, &file, &opts()).await.unwrap();
        // The ordinary way: the whole file at once.
        let other = db.sibling("streamed_audit_whole").await;
        let whole = other.open().await;
        whole.put_areas("t", &areas()).await.unwrap();
        let mut o = opts();
        o.whole_file = true;
        assert_eq!(whole.import(ImportKind::People, &file, &o).await.unwrap().imported, 20_000);
        // The first and last rows, either side of an entry's end and of a block's (16,000 rows).
        for key in ["S000000", "S000999", "S001000", "S015999", "S016000", "S016001", "S019999"] {
            let entries = |h: Vec<xhht_store::AuditEntry>| -> Vec<(String, String, Option<String>)> {
                h.into_iter().map(|e| (e.row_key, e.action, e.after)).collect()
            };
            let x = entries(streamed.audit_history("people", key).await.unwrap());
            let y = entries(whole.audit_history("people", key).await.unwrap());
            assert_eq!(x.len(), 1, "{key}: one entry");
            assert_eq!(x, y, "{key}: the same entry");
        }
        assert!(streamed.audit_verify().await.unwrap().is_ok());
        streamed.close().await;
        whole.close().await;
    })
    .await;
}

/// A big people workbook as an official keeps one: a title above the header, a blank row, rows
/// whose last cells are empty (left out of the sheet), a note right of the header's last column.
/// Each item of `bad` is (data row, birth year cell).
fn big_people_xlsx(path: &Path, n: usize, bad: &[(usize, &str)]) -> (String, Vec<u32>) {
    let mut wb = rust_xlsxwriter::Workbook::new();
    let ws = wb.add_worksheet();
    ws.write_string(0, 0, "DANH SÁCH NGƯỜI THỬ (dữ liệu tổng hợp)").unwrap();
    for (c, h) in ["id", "full_name", "birth_year", "category", "area"].iter().enumerate() {
        ws.write_string(2, c as u16, *h).unwrap();
    }
    // The same rows as a CSV (for the import of the CSV to compare with) and each one's row.
    let mut csv = String::from("id,full_name,birth_year,category,area\n");
    let mut rows = Vec::new();
    let mut r: u32 = 3;
    for i in 0..n {
        if i == n / 2 {
            r += 1; // a blank row
        }
        let year =
            bad.iter().find(|(k, _)| *k == i).map_or_else(|| (1960 + i % 40).to_string(), |(_, v)| (*v).to_owned());
        let area = if i % 7 == 0 { "" } else { "27700" };
        ws.write_string(r, 0, format!("S{i:06}")).unwrap();
        ws.write_string(r, 1, format!("Người Thử {i}")).unwrap();
        match year.parse::<f64>() {
            Ok(y) => ws.write_number(r, 2, y).unwrap(),
            Err(_) => ws.write_string(r, 2, &year).unwrap(),
        };
        ws.write_string(r, 3, "giao-vien").unwrap();
        if !area.is_empty() {
            ws.write_string(r, 4, area).unwrap();
        }
        if i == 100 {
            ws.write_string(r, 7, "ghi chú không có cột").unwrap();
        }
        csv.push_str(&format!("S{i:06},Người Thử {i},{year},giao-vien,{area}\n"));
        rows.push(r + 1);
        r += 1;
    }
    wb.save(path).unwrap();
    (csv, rows)
}

/// A big first load from a workbook is read a cell at a time (as a big CSV is read a block at a
/// time): the same rows stored as from the CSV of the same cells, problems named by the sheet's
/// rows, all or nothing.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_workbook_imports_as_the_csv_of_its_cells_with_problems_by_sheet_row() {
    each_backend("streamed_xlsx", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let counts = store.counts().await.unwrap();
        let file = db.dir.join("nguoi-thu.xlsx");
        let n = 20_000;
        let (_, rows) = big_people_xlsx(&file, n, &[(5, "năm ấy"), (19_990, "x")]);
        match store.import(ImportKind::People, &file, &opts()).await {
            Err(Error::Import { errors }) => {
                let lines: Vec<u64> = errors.iter().map(|e| e.line).collect();
                assert_eq!(lines, vec![u64::from(rows[5]), u64::from(rows[19_990])], "{errors:?}");
                assert!(errors.iter().all(|e| e.file.ends_with("nguoi-thu.xlsx") && e.field == "birth_year"));
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(store.counts().await.unwrap(), counts, "nothing stays");
        // Corrected: the rows the CSV of the same cells gives, the same audit values.
        let (csv, _) = big_people_xlsx(&file, n, &[]);
        let r = store.import(ImportKind::People, &file, &opts()).await.unwrap();
        assert_eq!((r.imported, r.written.added as usize, r.header_line), (n, n, 3));
        assert_eq!(r.ignored_columns, Vec::<String>::new());
        let other = db.sibling("streamed_xlsx_csv").await;
        let from_csv = other.open().await;
        from_csv.put_areas("t", &areas()).await.unwrap();
        let csv_file = db.dir.join("nguoi-thu.csv");
        std::fs::write(&csv_file, csv).unwrap();
        from_csv.import(ImportKind::People, &csv_file, &opts()).await.unwrap();
        let (a, b) = (db.dir.join("a.csv"), db.dir.join("b.csv"));
        store.export(ImportKind::People, ExportFormat::Csv, &a).await.unwrap();
        from_csv.export(ImportKind::People, ExportFormat::Csv, &b).await.unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), std::fs::read_to_string(&b).unwrap());
        for key in ["S000000", "S019999"] {
            let (x, y) = (
                store.audit_history("people", key).await.unwrap(),
                from_csv.audit_history("people", key).await.unwrap(),
            );
            assert_eq!(x.len(), 1);
            assert_eq!(x[0].after, y[0].after, "the same values in the audit trail");
        }
        // The same workbook again (a streamed re-import): compared, nothing written.
        let again = store.import(ImportKind::People, &file, &opts()).await.unwrap();
        assert_eq!(again.written, WriteReport { added: 0, changed: 0, unchanged: n as u64 });
        store.export(ImportKind::People, ExportFormat::Csv, &a).await.unwrap();
        assert_eq!(std::fs::read_to_string(&a).unwrap(), std::fs::read_to_string(&b).unwrap());
        assert!(store.audit_verify().await.unwrap().is_ok());
        from_csv.close().await;
        store.close().await;
    })
    .await;
}

/// A big people file with the organisation each person works in: the people go in first (on
/// PostgreSQL in one COPY fed as the file is read), then their memberships; every row audited
/// with its values, the chain whole.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_people_file_with_organisations_writes_people_then_memberships() {
    each_backend("streamed_orgs", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        store.put_organisations("t", &[school("A", "27700"), school("B", "27700")]).await.unwrap();
        let mut s = String::from("id,full_name,birth_year,category,area,organisation,valid_from\n");
        for i in 0..20_000 {
            let org = if i % 2 == 0 { "A" } else { "B" };
            s.push_str(&format!("S{i:06},Người Thử {i},1980,giao-vien,27700,{org},01/09/2020\n"));
        }
        let file = db.dir.join("people-orgs.csv");
        std::fs::write(&file, s).unwrap();
        let r = store.import(ImportKind::People, &file, &opts()).await.unwrap();
        assert_eq!((r.imported, r.written.added), (20_000, 20_000));
        assert_eq!(r.also, vec![("memberships", WriteReport { added: 20_000, changed: 0, unchanged: 0 })]);
        let counts = store.counts().await.unwrap();
        assert!(counts.contains(&("people", 20_000)) && counts.contains(&("memberships", 20_000)), "{counts:?}");
        let history = store.audit_history("people", "S019999").await.unwrap();
        assert_eq!(history.len(), 1, "{history:?}");
        assert!(history[0].after.as_deref().unwrap().contains(r#"["S019999","Người Thử 19999",1980"#));
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}

/// A big first load of memberships that puts someone in two organisations on the same day is
/// refused as a whole, on both backends (on PostgreSQL its rows went in by COPY, and the check
/// every write of memberships ends with still runs).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_memberships_file_with_someone_in_two_places_is_refused() {
    each_backend("streamed_clash", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        store.put_organisations("t", &[school("A", "27700"), school("B", "27700")]).await.unwrap();
        let people = db.dir.join("people-20k.csv");
        big_people(&people, 20_000, &[]);
        store.import(ImportKind::People, &people, &opts()).await.unwrap();
        let counts = store.counts().await.unwrap();
        let mut s = String::from("person,organisation,role,valid_from\n");
        for i in 0..20_000 {
            s.push_str(&format!("S{i:06},A,member,01/09/2020\n"));
        }
        // Line 20,002: S000007 in B as well, from the same day.
        s.push_str("S000007,B,member,01/09/2020\n");
        let file = db.dir.join("memberships-clash.csv");
        std::fs::write(&file, s).unwrap();
        let err = store.import(ImportKind::Memberships, &file, &opts()).await.unwrap_err();
        assert!(err.to_string().contains("S000007"), "{err}");
        assert_eq!(store.counts().await.unwrap(), counts, "nothing written");
        store.close().await;
    })
    .await;
}

/// A key given twice in a big first load is found whether the file is in key order so far or
/// not, each time with the line it was first on (the streamed import compares a sorted file's
/// keys only with the one before; see `import/seen.rs`).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_file_names_both_lines_of_a_key_given_twice() {
    each_backend("streamed_twice", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let counts = store.counts().await.unwrap();
        let file = db.dir.join("people-twice.csv");
        big_people(&file, 20_000, &[]);
        let text = std::fs::read_to_string(&file).unwrap();
        // Line 18,000 repeats line 7 (in key order until then); lines 19,502 and 19,602 both
        // give a key that came nowhere before.
        let text = text
            .replace("S017998,", "S000005,")
            .replace("S019500,", "A000001,")
            .replace("S019600,", "A000001,")
            .replace("S019700,", "S019699,");
        std::fs::write(&file, text).unwrap();
        match store.import(ImportKind::People, &file, &opts()).await {
            Err(Error::Import { errors }) => {
                let got: Vec<(u64, &str, &str)> =
                    errors.iter().map(|e| (e.line, e.field.as_str(), e.message.as_str())).collect();
                assert_eq!(
                    got,
                    vec![
                        (18_000, "id", "`S000005` is already on line 7"),
                        (19_602, "id", "`A000001` is already on line 19502"),
                        (19_702, "id", "`S019699` is already on line 19701"),
                    ]
                );
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(store.counts().await.unwrap(), counts, "nothing written");
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_file_with_a_ragged_row_far_down_is_refused_as_a_whole_read_refuses_it() {
    each_backend("streamed_ragged", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let counts = store.counts().await.unwrap();
        let chain = store.audit_verify().await.unwrap();
        // Blocks are read and written before the ragged row (line 18,000) is reached: the
        // streamed import gives way, the file is read whole, and every problem is listed.
        let file = db.dir.join("people-ragged.csv");
        big_people(&file, 20_000, &[(5, "năm ấy")]);
        let text = std::fs::read_to_string(&file).unwrap();
        let text = text.replace("S017998,Người Thử 17998,1998,giao-vien,27700", "S017998,Người Thử 17998,1998");
        std::fs::write(&file, &text).unwrap();
        let expect = |r: Result<xhht_store::ImportReport, Error>| match r {
            Err(Error::Import { errors }) => {
                let got: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
                assert_eq!(got, vec![(5, "birth_year"), (18_000, "-")], "{errors:?}");
                assert!(errors[1].message.contains("the row has 3 fields, the header has 5"), "{errors:?}");
            }
            other => panic!("{other:?}"),
        };
        expect(store.import(ImportKind::People, &file, &opts()).await);
        expect(store.import_bytes(ImportKind::People, "people-ragged.csv", text.as_bytes(), &opts()).await);
        assert_eq!(store.counts().await.unwrap(), counts, "rolled back");
        assert_eq!(store.audit_verify().await.unwrap(), chain, "nothing audited");
        // Corrected, it goes in whole.
        let fixed = text
            .replace("năm ấy", "1970")
            .replace("S017998,Người Thử 17998,1998\n", "S017998,Người Thử 17998,1998,giao-vien,27700\n");
        std::fs::write(&file, &fixed).unwrap();
        let r = store.import(ImportKind::People, &file, &opts()).await.unwrap();
        assert_eq!((r.rows, r.imported, r.written.added), (20_000, 20_000, 20_000));
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_streamed_file_may_refer_to_rows_further_down() {
    each_backend("forward", async |db| {
        let store = db.open().await;
        // 17,000 communes whose district comes last in the file, a block later.
        let mut s = String::from("code,name,level,parent,valid_from\n80,Tỉnh,province,,01/01/1976\n");
        for i in 0..17_000 {
            s.push_str(&format!("C{i:05},Xã {i},commune,D1,01/01/1976\n"));
        }
        s.push_str("D1,Huyện,district,80,01/01/1976\n");
        let file = db.dir.join("areas-forward.csv");
        std::fs::write(&file, s).unwrap();
        let r = store.import(ImportKind::Areas, &file, &opts()).await.unwrap();
        assert_eq!(r.written.added, 17_002);
        assert_eq!(store.area("C00000").await.unwrap().unwrap().value.parent.as_deref(), Some("D1"));
        store.close().await;
    })
    .await;
}

/// A big re-import into a table that has rows (streamed: checked and compared with the stored
/// rows a block at a time; in key order, each block's stored rows read as one range) tells new,
/// changed and unchanged rows apart, audits only what changed, and keeps the stored values of a
/// column the file lacks. The file in key order, the same file reversed, and the file read whole
/// (the ordinary way) give the same table and the same entries; a
/// bad row far down, after blocks were written, leaves everything as it was.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_big_reimport_in_or_out_of_key_order_tells_new_changed_and_unchanged_rows() {
    each_backend("reimport", async |db| {
        let first = db.dir.join("people-25k.csv");
        big_people(&first, 25_000, &[]);
        // No `area` column (kept as stored); every tenth stored row renamed; 5,000 new rows.
        let mut lines = vec!["id,full_name,birth_year,category".to_owned()];
        for i in 0..30_000 {
            let name = if i % 10 == 3 { format!("Người Đổi Tên {i}") } else { format!("Người Thử {i}") };
            lines.push(format!("S{i:06},{name},{},giao-vien", 1960 + i % 40));
        }
        let sorted = db.dir.join("people-30k.csv");
        std::fs::write(&sorted, lines.join("\n") + "\n").unwrap();
        lines[1..].reverse();
        let reversed = db.dir.join("people-30k-reversed.csv");
        std::fs::write(&reversed, lines.join("\n") + "\n").unwrap();
        let bad = db.dir.join("people-30k-bad.csv");
        std::fs::write(&bad, lines.join("\n") + "\nS999999,Người Cuối,năm ấy,giao-vien\n").unwrap();
        let in_order = db.open().await;
        let other = db.sibling("reimport_reversed").await;
        let out_of_order = other.open().await;
        let third = db.sibling("reimport_whole").await;
        let whole = third.open().await;
        let mut at_once = opts();
        at_once.whole_file = true;
        for (store, file, o) in
            [(&in_order, &sorted, opts()), (&out_of_order, &reversed, opts()), (&whole, &sorted, at_once)]
        {
            store.put_areas("t", &areas()).await.unwrap();
            store.import(ImportKind::People, &first, &opts()).await.unwrap();
            let counts = store.counts().await.unwrap();
            match store.import(ImportKind::People, &bad, &opts()).await {
                Err(Error::Import { errors }) => {
                    assert_eq!(errors.iter().map(|e| e.line).collect::<Vec<_>>(), [30_002])
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(store.counts().await.unwrap(), counts, "nothing written");
            let r = store.import(ImportKind::People, file, &o).await.unwrap();
            assert_eq!(r.written, WriteReport { added: 5_000, changed: 2_500, unchanged: 22_500 }, "{file:?}");
            let kept = store.person("S000013").await.unwrap().unwrap();
            assert_eq!(
                (kept.value.full_name.as_str(), kept.value.area.as_deref()),
                ("Người Đổi Tên 13", Some("27700"))
            );
            assert_eq!(kept.row_version, 2);
            let same = store.person("S000014").await.unwrap().unwrap();
            assert_eq!((same.value.area.as_deref(), same.row_version), (Some("27700"), 1));
            let new = store.person("S029999").await.unwrap().unwrap();
            assert_eq!((new.value.area, new.row_version), (None, 1));
            assert!(store.audit_verify().await.unwrap().is_ok());
        }
        for key in ["S000013", "S000014", "S024993", "S025000", "S029999"] {
            let entries = |h: Vec<xhht_store::AuditEntry>| -> Vec<(String, Option<String>, Option<String>)> {
                h.into_iter().map(|e| (e.action, e.before, e.after)).collect()
            };
            let x = entries(in_order.audit_history("people", key).await.unwrap());
            let y = entries(out_of_order.audit_history("people", key).await.unwrap());
            let z = entries(whole.audit_history("people", key).await.unwrap());
            assert_eq!(x, z, "{key}: the same entries as the ordinary import's");
            let actions: Vec<&str> = x.iter().map(|e| e.0.as_str()).collect();
            let expected: &[&str] = match key {
                "S000013" | "S024993" => &["insert", "update"],
                _ => &["insert"],
            };
            assert_eq!(actions, expected, "{key}");
            if key == "S000013" {
                let (before, after) = (x[1].1.as_deref().unwrap(), x[1].2.as_deref().unwrap());
                assert!(before.contains("Người Thử 13") && after.contains("Người Đổi Tên 13"), "{before} → {after}");
            }
            // (The new rows' `insert` entries hold a thousand rows each in the file's order.)
            if key < "S025000" {
                assert_eq!(x, y, "{key}: the same entries in either order");
            }
        }
        // Every third stored person, every other one of them renamed again: the stored rows
        // in the range of each chunk's keys are too many to read as one range, so they are
        // looked up by key.
        let mut s = String::from("id,full_name,birth_year,category\n");
        for i in (0..25_000).step_by(3) {
            let name = if i % 2 == 0 { format!("Người Thứ Ba {i}") } else { format!("Người Thử {i}") };
            s.push_str(&format!("S{i:06},{name},{},giao-vien\n", 1960 + i % 40));
        }
        let thirds = db.dir.join("people-thirds.csv");
        std::fs::write(&thirds, s).unwrap();
        let r = in_order.import(ImportKind::People, &thirds, &opts()).await.unwrap();
        // 8,334 rows: the 4,167 even ones renamed; of the odd ones, those the re-import above
        // renamed (i % 10 == 3) get their first name back.
        let back = (0..25_000).step_by(3).filter(|i| i % 2 == 1 && i % 10 == 3).count() as u64;
        assert_eq!(r.written, WriteReport { added: 0, changed: 4_167 + back, unchanged: 8_334 - 4_167 - back });
        let p = in_order.person("S000012").await.unwrap().unwrap();
        assert_eq!((p.value.full_name.as_str(), p.value.area.as_deref()), ("Người Thứ Ba 12", Some("27700")));
        in_order.close().await;
        out_of_order.close().await;
        whole.close().await;
    })
    .await;
}

/// References are found whether the people they name are neighbours among the stored ones
/// (read as one range of the key on SQLite) or spread over the whole table (looked up by key):
/// an unknown id is named on its line either way, however near a stored one it sorts.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn references_to_neighbouring_or_scattered_people_are_found_and_unknown_ones_named() {
    each_backend("refs_range", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        store.put_organisations("t", &[school("A", "27700")]).await.unwrap();
        let people = db.dir.join("people-20k.csv");
        big_people(&people, 20_000, &[]);
        store.import(ImportKind::People, &people, &opts()).await.unwrap();
        for (name, ids) in [
            ("neighbours", (100..600).collect::<Vec<usize>>()),
            ("scattered", (0..500).map(|i| i * 40).collect::<Vec<usize>>()),
        ] {
            let counts = store.counts().await.unwrap();
            let mut s = String::from("person,organisation,role,valid_from\n");
            let mut lines = Vec::new();
            for (n, i) in ids.iter().enumerate() {
                s.push_str(&format!("S{i:06},A,member,01/09/2020\n"));
                if n == 250 {
                    // Sorts right after a stored id, and before the next one.
                    s.push_str(&format!("S{i:06}A,A,member,01/09/2020\n"));
                    lines.push(n as u64 + 3);
                }
            }
            s.push_str("Z000001,A,member,01/09/2020\n");
            lines.push(ids.len() as u64 + 3);
            let file = db.dir.join(format!("memberships-{name}.csv"));
            std::fs::write(&file, s).unwrap();
            match store.import(ImportKind::Memberships, &file, &opts()).await {
                Err(Error::Import { errors }) => {
                    let got: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
                    assert_eq!(got, lines.iter().map(|l| (*l, "person")).collect::<Vec<_>>(), "{name}: {errors:?}");
                }
                other => panic!("{name}: {other:?}"),
            }
            assert_eq!(store.counts().await.unwrap(), counts, "{name}: nothing written");
            // Without the unknown ids, every row goes in.
            let good: String = std::fs::read_to_string(&file)
                .unwrap()
                .lines()
                .filter(|l| !l.contains("A,A,") && !l.starts_with('Z'))
                .map(|l| format!("{l}\n"))
                .collect();
            std::fs::write(&file, good).unwrap();
            let r = store.import(ImportKind::Memberships, &file, &opts()).await.unwrap();
            assert_eq!(r.imported, 500, "{name}");
        }
        store.close().await;
    })
    .await;
}
