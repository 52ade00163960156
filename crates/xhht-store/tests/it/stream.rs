//! Big files imported a block at a time: references between rows of different blocks, and
//! skipping bad rows without reading the whole file first (the rejected rows, their messages
//! and what is written are those of the same file imported whole).

use std::path::Path;

use xhht_store::{ImportKind, ImportOptions, ImportProgress, Progress};

use crate::support::*;

fn opts() -> ImportOptions {
    ImportOptions::new("chuyen-vien")
}

/// An organisations file of `n` rows (synthetic): the first `top` have no parent, each later
/// one has row `parent_of(i)` as its parent.
fn orgs_file(path: &Path, n: usize, top: usize, parent_of: impl Fn(usize) -> String) {
    let mut s = String::from("code,name,kind,school_level,ownership,level,area,parent\n");
    for i in 0..n {
        let parent = if i < top { String::new() } else { parent_of(i) };
        s.push_str(&format!("O{i:06},Đơn vị thử {i} (tổng hợp),agency,,public,district,27700,{parent}\n"));
    }
    std::fs::write(path, s).unwrap();
}

/// Rows of a later block may name as parent a row of a block already written, even when the
/// first block names no parent at all (the streamed import then had not kept its keys).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_later_block_may_refer_to_rows_of_a_block_already_written() {
    each_backend("stream_refs", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let file = db.dir.join("orgs-20k.csv");
        orgs_file(&file, 20_000, 16_500, |i| format!("O{:06}", i % 100));
        let r = store.import(ImportKind::Organisations, &file, &opts()).await.unwrap();
        assert_eq!((r.imported, r.written.added), (20_000, 20_000));
        store.close().await;
    })
    .await;
}

/// What an import tells its progress callback: whether it checked the whole file before writing
/// (the ordinary way tells `Checked`; a streamed import writes as it checks).
fn told() -> (ImportOptions, std::sync::Arc<std::sync::Mutex<Vec<ImportProgress>>>) {
    let said = std::sync::Arc::new(std::sync::Mutex::new(Vec::new()));
    let mut o = opts();
    let to = said.clone();
    o.progress = Some(Progress::new(move |p: &ImportProgress| to.lock().unwrap().push(p.clone())));
    (o, said)
}

fn checked_whole(said: &std::sync::Mutex<Vec<ImportProgress>>) -> bool {
    said.lock().unwrap().iter().any(|p| matches!(p, ImportProgress::Checked { .. }))
}

/// A big organisations file with bad rows in every block, skipped: read, checked and written a
/// block at a time, it refuses the rows the whole file read at once refuses, with the same
/// messages, writes the same rejected rows' file and the same table. Among them: rows naming
/// as parent a row further down (written once it comes), a row further down that is refused
/// (refused too, and so is a row naming that one), a parent that never comes, a ragged row, a
/// NUL byte, a code given twice and a bad cell.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipping_bad_rows_in_a_big_file_refuses_what_the_whole_file_refuses() {
    each_backend("stream_skip", async |db| {
        let file = db.dir.join("orgs-skip.csv");
        orgs_file(&file, 40_000, 2_000, |i| format!("O{:06}", i % 1_500));
        let mut lines: Vec<String> = std::fs::read_to_string(&file).unwrap().lines().map(str::to_owned).collect();
        // Line n of the file is row n - 2; rows 0 to 1,499 are the parents of the rows from
        // 2,000 on, so the rows changed below are not those.
        let mut set = |line: usize, text: &str| lines[line - 1] = text.to_owned();
        set(1_602, "O001600,Chờ cấp trên ở dưới,agency,,public,district,27700,O035000");
        set(1_702, "O001700,Cấp trên bị từ chối,agency,,public,district,27700,O030000");
        set(30_002, "O030000,Loại sai,khong-biet,,public,district,27700,");
        set(1_802, "O001800,Cấp trên của cấp trên bị từ chối,agency,,public,district,27700,O001700");
        set(17_002, "O017000,Cấp trên không có,agency,,public,district,27700,KHONG-CO");
        set(5_002, "O005000,Dòng thừa ô,agency,,public,district,27700,,thừa");
        set(6_002, "O006000,Ô có \0,agency,,public,district,27700,");
        set(20_002, "O000010,Mã trùng,agency,,public,district,27700,");
        set(39_002, "O039000,Địa bàn không có,agency,,public,district,99999,");
        // A chain of parents each further down, across three blocks.
        set(1_902, "O001900,Chuỗi 1,agency,,public,district,27700,O016500");
        set(16_502, "O016500,Chuỗi 2,agency,,public,district,27700,O033000");
        set(33_002, "O033000,Chuỗi 3,agency,,public,district,27700,O000001");
        std::fs::write(&file, lines.join("\n") + "\n").unwrap();

        let mut results = Vec::new();
        for (label, whole) in [("streamed", false), ("whole", true)] {
            let place = db.sibling(&format!("stream_skip_{label}")).await;
            let store = place.open().await;
            store.put_areas("t", &areas()).await.unwrap();
            let rejected = place.dir.join(format!("rejected-{label}.csv"));
            let (mut o, said) = told();
            o.skip_bad_rows = true;
            o.rejected_to = Some(rejected.clone());
            o.whole_file = whole;
            let r = store.import(ImportKind::Organisations, &file, &o).await.unwrap();
            assert_eq!(checked_whole(&said), whole, "{label}: the way it went");
            let table = store.organisations().await.unwrap();
            assert!(store.audit_verify().await.unwrap().is_ok());
            results.push((r, std::fs::read(&rejected).unwrap(), table));
            store.close().await;
        }
        let (streamed, whole) = (&results[0], &results[1]);
        let refused: Vec<(u64, &str)> = streamed.0.errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(
            refused,
            vec![
                (1_702, "parent"),
                (1_802, "parent"),
                (5_002, "-"),
                (6_002, "name"),
                (17_002, "parent"),
                (20_002, "code"),
                (30_002, "kind"),
                (39_002, "area")
            ],
            "{:?}",
            streamed.0.errors
        );
        assert_eq!(streamed.0.errors, whole.0.errors);
        assert_eq!((streamed.0.rows, streamed.0.imported, streamed.0.rejected), (40_000, 39_992, 8));
        assert_eq!(
            (streamed.0.rows, streamed.0.imported, streamed.0.rejected, streamed.0.written),
            (whole.0.rows, whole.0.imported, whole.0.rejected, whole.0.written)
        );
        assert_eq!(streamed.1, whole.1, "the same rejected rows' file");
        assert_eq!(streamed.2.len(), 39_992);
        assert!(streamed.2 == whole.2, "the same table");
        let parent = |code: &str| streamed.2.iter().find(|o| o.value.code == code).map(|o| o.value.parent.clone());
        assert_eq!(parent("O001600"), Some(Some("O035000".into())), "waited for its parent");
        assert_eq!(parent("O001900"), Some(Some("O016500".into())), "a chain across blocks");
    })
    .await;
}

/// A big people file with bad rows, skipped, streamed: its audit entries are those of the same
/// file read whole (the rows written in the file's order, a thousand to an entry), and a
/// re-import of the corrected rows adds just them.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipping_bad_rows_of_a_big_people_file_audits_as_the_whole_file() {
    each_backend("stream_skip_people", async |db| {
        let file = db.dir.join("people-skip.csv");
        let mut s = String::from("id,full_name,birth_year,category,area\n");
        for i in 0..30_000 {
            let year = if i % 9_000 == 7 { "năm ấy".to_owned() } else { (1960 + i % 40).to_string() };
            let area = if i == 25_000 { "99999" } else { "27700" };
            s.push_str(&format!("S{i:06},Người Thử {i},{year},giao-vien,{area}\n"));
        }
        std::fs::write(&file, s).unwrap();
        let mut stores = Vec::new();
        for (label, whole) in [("streamed", false), ("whole", true)] {
            let place = db.sibling(&format!("stream_skip_people_{label}")).await;
            let store = place.open().await;
            store.put_areas("t", &areas()).await.unwrap();
            let (mut o, said) = told();
            o.skip_bad_rows = true;
            o.whole_file = whole;
            let r = store.import(ImportKind::People, &file, &o).await.unwrap();
            assert_eq!(checked_whole(&said), whole, "{label}: the way it went");
            let lines: Vec<u64> = r.errors.iter().map(|e| e.line).collect();
            assert_eq!(lines, vec![9, 9_009, 18_009, 25_002, 27_009], "{label}");
            assert_eq!((r.imported, r.written.added), (29_995, 29_995), "{label}");
            stores.push((place, store));
        }
        for key in ["S000000", "S000999", "S001000", "S016000", "S024999", "S025001", "S029999"] {
            let entries = |h: Vec<xhht_store::AuditEntry>| -> Vec<(String, String, Option<String>)> {
                h.into_iter().map(|e| (e.row_key, e.action, e.after)).collect()
            };
            let x = entries(stores[0].1.audit_history("people", key).await.unwrap());
            let y = entries(stores[1].1.audit_history("people", key).await.unwrap());
            assert_eq!(x.len(), 1, "{key}: one entry");
            assert_eq!(x, y, "{key}: the same entry");
        }
        for (_, store) in stores {
            assert!(store.audit_verify().await.unwrap().is_ok());
            store.close().await;
        }
    })
    .await;
}

/// A big workbook with bad rows, skipped, is read a cell at a time and written a block at a
/// time as well; a cell holding a NUL byte is its row's problem, as in the ordinary way.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn skipping_bad_rows_of_a_big_workbook_streams_it_too() {
    each_backend("stream_skip_xlsx", async |db| {
        let path = db.dir.join("people-skip.xlsx");
        let mut wb = rust_xlsxwriter::Workbook::new();
        let ws = wb.add_worksheet();
        ws.write_string(0, 0, "DANH SÁCH NGƯỜI THỬ (dữ liệu tổng hợp)").unwrap();
        for (c, h) in ["Mã", "Họ và tên", "Năm sinh", "Đối tượng", "Nơi cư trú"].iter().enumerate() {
            ws.write_string(2, c as u16, *h).unwrap();
        }
        for i in 0..20_000u32 {
            let r = i + 3;
            ws.write_string(r, 0, format!("S{i:06}")).unwrap();
            ws.write_string(r, 1, if i == 10 { "Người \0 Thử".to_owned() } else { format!("Người Thử {i}") }).unwrap();
            match i {
                18_000 => ws.write_string(r, 2, "năm ấy").unwrap(),
                _ => ws.write_number(r, 2, f64::from(1960 + i % 40)).unwrap(),
            };
            ws.write_string(r, 3, "giao-vien").unwrap();
            ws.write_string(r, 4, "27700").unwrap();
        }
        wb.save(&path).unwrap();
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let (mut o, said) = told();
        o.skip_bad_rows = true;
        let r = store.import(ImportKind::People, &path, &o).await.unwrap();
        assert!(!checked_whole(&said), "streamed");
        let refused: Vec<(u64, &str)> = r.errors.iter().map(|e| (e.line, e.field.as_str())).collect();
        assert_eq!(refused, vec![(14, "Họ và tên"), (18_004, "birth_year")], "{:?}", r.errors);
        assert_eq!((r.rows, r.imported, r.written.added), (20_000, 19_998, 19_998));
        store.close().await;
    })
    .await;
}

/// A big memberships file (streamed) that puts someone in two organisations at once is refused
/// with the line named, as a small one is, and nothing is written.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_clash_in_a_big_memberships_file_is_refused_on_its_line() {
    each_backend("stream_clash", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        store.put_organisations("t", &[school("THCS-A", "27700"), school("THCS-B", "27700")]).await.unwrap();
        let people = db.dir.join("people.csv");
        let mut s = String::from("id,full_name,birth_year,category,area\n");
        for i in 0..20_000 {
            s.push_str(&format!("S{i:06},Người Thử {i},1980,giao-vien,27700\n"));
        }
        std::fs::write(&people, s).unwrap();
        store.import(ImportKind::People, &people, &opts()).await.unwrap();
        let counts = store.counts().await.unwrap();
        let file = db.dir.join("memberships.csv");
        let mut s = String::from("person,organisation,role,valid_from,valid_to\n");
        for i in 0..20_000 {
            s.push_str(&format!("S{i:06},THCS-A,member,01/09/2020,\n"));
        }
        // Line 20,002: S017000 in THCS-B too, from 2021, while still in THCS-A.
        s.push_str("S017000,THCS-B,member,01/09/2021,\n");
        std::fs::write(&file, s).unwrap();
        match store.import(ImportKind::Memberships, &file, &opts()).await {
            Err(xhht_store::Error::Import { errors }) => {
                let lines: Vec<(u64, &str)> = errors.iter().map(|e| (e.line, e.field.as_str())).collect();
                assert!(lines.contains(&(20_002, "organisation")), "{errors:?}");
            }
            other => panic!("{other:?}"),
        }
        assert_eq!(store.counts().await.unwrap(), counts, "nothing written");
        store.close().await;
    })
    .await;
}

/// A small xorshift generator: the same synthetic files every run.
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % n
    }
}

/// Random big organisations files (synthetic: parents anywhere in the file, some unknown, bad
/// cells, codes twice, ragged rows), imported streamed and whole, all or nothing and skipping
/// bad rows: the same outcome, messages, rejected rows' file and table every time.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn random_big_files_give_the_same_outcome_streamed_and_whole() {
    each_backend("stream_random", async |db| {
        for seed in [7u64, 1_234_567] {
            let mut rng = Rng(seed);
            let n = 20_000u64;
            let mut s = String::from("code,name,kind,school_level,ownership,level,area,parent\n");
            for i in 0..n {
                let parent = match rng.below(10) {
                    0..=5 => String::new(),
                    6 | 7 => format!("O{:06}", rng.below(n)),
                    8 => format!("O{:06}", rng.below(n)),
                    _ => format!("X{:06}", rng.below(400_000)),
                };
                let kind = if rng.below(3_000) == 0 { "khong-biet" } else { "agency" };
                let code = if rng.below(4_000) == 0 { format!("O{:06}", rng.below(n)) } else { format!("O{i:06}") };
                let extra = if rng.below(5_000) == 0 { ",thừa" } else { "" };
                s.push_str(&format!(
                    "{code},Đơn vị thử {i} (tổng hợp),{kind},,public,district,27700,{parent}{extra}\n"
                ));
            }
            let file = db.dir.join(format!("orgs-random-{seed}.csv"));
            std::fs::write(&file, s).unwrap();
            for skip in [false, true] {
                let mut seen = Vec::new();
                for whole in [false, true] {
                    let place = db.sibling(&format!("stream_random_{seed}_{skip}_{whole}")).await;
                    let store = place.open().await;
                    store.put_areas("t", &areas()).await.unwrap();
                    let rejected = place.dir.join("rejected.csv");
                    let mut o = opts();
                    o.skip_bad_rows = skip;
                    o.rejected_to = skip.then(|| rejected.clone());
                    o.whole_file = whole;
                    let outcome = match store.import(ImportKind::Organisations, &file, &o).await {
                        Ok(r) => Ok((r.rows, r.imported, r.rejected, r.written, r.errors)),
                        Err(xhht_store::Error::Import { errors }) => Err(errors),
                        Err(e) => panic!("{e}"),
                    };
                    let table = store.organisations().await.unwrap();
                    let file_out = if skip { std::fs::read(&rejected).ok() } else { None };
                    seen.push((outcome, table, file_out));
                    store.close().await;
                }
                assert!(seen[0] == seen[1], "seed {seed}, skip {skip}: streamed and whole differ");
                if skip {
                    let Ok((rows, imported, rejected, _, _)) = &seen[0].0 else { panic!("skipping refused the file") };
                    assert_eq!((*rows, imported + rejected), (20_000, 20_000));
                    assert!(*rejected > 0 && *imported > 10_000, "{rejected} rejected");
                }
            }
        }
    })
    .await;
}
