//! Files that are not what their header says: ragged rows, NUL bytes, UTF-16, a header with no
//! rows — each an error naming the file and line (or, for no rows, an empty import), nothing
//! written; and cells that would start a spreadsheet formula, quoted in every CSV the store
//! writes and read back as they were.

use xhht_store::{Error, ExportFormat, ImportKind, ImportOptions};

use crate::support::*;

fn opts() -> ImportOptions {
    ImportOptions::new("chuyen-vien")
}

async fn seeded(db: &TestDb) -> xhht_store::Store {
    let store = db.open().await;
    store.put_areas("test", &areas()).await.unwrap();
    store
}

const HEADER: &str = "id,full_name,birth_year,category,area\n";

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_row_with_fewer_or_more_fields_than_the_header_is_an_error_on_its_line() {
    each_backend("ragged", async |db| {
        let store = seeded(&db).await;
        let path = db.dir.join("people.csv");
        let text = format!(
            "{HEADER}p1,Nguyễn Văn A,1980,giao-vien,27700\np2,Trần Thị B\np3,Lê C,1990,giao-vien,27700,extra\n"
        );
        std::fs::write(&path, text).unwrap();
        let before = store.data_version().await.unwrap();
        let err = store.import(ImportKind::People, &path, &opts()).await.unwrap_err();
        let Error::Import { errors } = &err else { panic!("{err}") };
        let got: Vec<(u64, &str, &str)> =
            errors.iter().map(|e| (e.line, e.field.as_str(), e.message.as_str())).collect();
        assert_eq!(
            got,
            [
                (3, "-", "dòng có 2 trường, tiêu đề có 5 / the row has 2 fields, the header has 5"),
                (4, "-", "dòng có 6 trường, tiêu đề có 5 / the row has 6 fields, the header has 5"),
            ],
            "{err}"
        );
        assert_eq!(store.data_version().await.unwrap(), before, "nothing written");
        assert!(store.person("p1").await.unwrap().is_none());
        // Skipping bad rows: the ragged ones are rejected, the good one imported.
        let rejected = db.dir.join("rejected.csv");
        let o = ImportOptions { skip_bad_rows: true, rejected_to: Some(rejected.clone()), ..opts() };
        let r = store.import(ImportKind::People, &path, &o).await.unwrap();
        assert_eq!((r.rows, r.imported, r.rejected), (3, 1, 2));
        assert!(std::fs::read_to_string(&rejected).unwrap().contains("the row has 2 fields"));
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nul_bytes_utf16_and_a_header_alone_are_said_as_such() {
    each_backend("nul", async |db| {
        let store = seeded(&db).await;
        let path = db.dir.join("people.csv");
        std::fs::write(&path, format!("{HEADER}p1,Nguyễn\0Văn A,1980,giao-vien,27700\n")).unwrap();
        let err = store.import(ImportKind::People, &path, &opts()).await.unwrap_err();
        let Error::Import { errors } = &err else { panic!("{err}") };
        assert_eq!((errors.len(), errors[0].line, errors[0].field.as_str()), (1, 2, "full_name"), "{err}");
        assert!(errors[0].message.contains("NUL"), "{err}");

        let utf16: Vec<u8> = [0xFF, 0xFE].into_iter().chain(HEADER.encode_utf16().flat_map(u16::to_le_bytes)).collect();
        std::fs::write(&path, utf16).unwrap();
        let err = store.import(ImportKind::People, &path, &opts()).await.unwrap_err();
        let Error::Import { errors } = &err else { panic!("{err}") };
        assert_eq!(errors[0].line, 1, "{err}");
        assert!(err.to_string().contains("people.csv:1: -: the file is UTF-16"), "{err}");

        std::fs::write(&path, HEADER).unwrap();
        let r = store.import(ImportKind::People, &path, &opts()).await.unwrap();
        assert_eq!((r.rows, r.imported, r.written.added), (0, 0, 0));
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn formula_like_names_are_quoted_in_the_export_and_read_back_as_they_were() {
    each_backend("injection", async |db| {
        let store = seeded(&db).await;
        let names =
            ["=HYPERLINK(\"http://x/\",\"x\")", "@SUM(1)", "=1+1", "+1", "-1+2", "\tTab", "'=quoted", "Nguyễn Văn A"];
        let people: Vec<_> = names
            .iter()
            .enumerate()
            .map(|(n, name)| {
                let mut p = teacher(&format!("p{n}"));
                (*name).clone_into(&mut p.full_name);
                p
            })
            .collect();
        store.put_people("test", &people).await.unwrap();
        let out = db.dir.join("people.csv");
        store.export(ImportKind::People, ExportFormat::Csv, &out).await.unwrap();
        let text = std::fs::read_to_string(&out).unwrap();
        for line in text.lines().skip(1) {
            let name = line.split(',').nth(1).unwrap_or_default().trim_matches('"');
            // (A plain number such as `+1` is a number to a spreadsheet, not a formula: left as is.)
            let number = name == "+1";
            assert!(number || !name.starts_with(['=', '+', '-', '@', '\t', '\r']), "a formula in the export: {line:?}");
        }
        assert!(text.contains("'=1+1") && text.contains("'@SUM(1)") && text.contains("''=quoted"), "{text}");
        // Imported into another database, the export gives the same names (an import trims the
        // spaces and tabs around a cell, as always).
        let other = db.sibling("injection-back").await;
        let back = seeded(&other).await;
        back.import(ImportKind::People, &out, &opts()).await.unwrap();
        for p in &people {
            assert_eq!(back.person(&p.id).await.unwrap().unwrap().value.full_name, p.full_name.trim());
        }
        back.close().await;
        store.close().await;
    })
    .await;
}
