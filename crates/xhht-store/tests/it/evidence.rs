//! Evidence files (schema 9): attached, listed, read back, refused past the bound or under a
//! name taken, removed — audited with their hash, never their bytes; their bytes hashed again
//! by the deep check (a tampered file is found and never served) and carried by backups, on
//! both backends and across them.

use sqlx::Connection;
use xhht_core::record::SubjectRef;
use xhht_store::{Backend, EvidenceFile, EvidenceWrite, Store};

use crate::support::*;

const BOOK: &str = "cong-dan-hoc-tap";

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

pub(crate) fn file(person: &str, name: &str, bytes: &[u8]) -> EvidenceFile {
    EvidenceFile {
        subject: SubjectRef::Person(person.into()),
        rulebook: BOOK.into(),
        year: 2024,
        name: name.into(),
        media_type: "application/pdf".into(),
        size: bytes.len() as u64,
        sha256: EvidenceFile::digest(bytes),
        added_by: "u".into(),
        added_on: d(2024, 11, 2),
    }
}

async fn setup(store: &Store) {
    store.put_areas("t", &areas()).await.unwrap();
    store.put_organisations("t", &[school("A", "27700")]).await.unwrap();
    store.put_people("t", &[teacher("p1"), teacher("p2")]).await.unwrap();
}

/// Rows of `evidence_blobs`, counted behind the store's back.
async fn blob_rows(db: &TestDb) -> i64 {
    let sql = "SELECT COUNT(*) FROM evidence_blobs";
    match db.backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.target)).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.target).await.unwrap();
            sqlx::query_scalar(sql).fetch_one(&mut c).await.unwrap()
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn evidence_is_added_listed_read_back_bounded_and_removed_with_its_hash_in_the_trail() {
    each_backend("evidence_round_trip", async |db| {
        let store = db.open().await;
        setup(&store).await;
        let p1 = SubjectRef::Person("p1".into());
        let version = store.data_version().await.unwrap();
        let bytes = pdf("bảng điểm");
        let f = file("p1", "bang-diem.pdf", &bytes);
        assert_eq!(store.add_evidence("u", &f, &bytes, 3).await.unwrap(), EvidenceWrite::Added);
        assert_eq!(store.data_version().await.unwrap(), version, "evidence is not read by the engine");
        let listed = store.evidence_of(&p1, BOOK, 2024).await.unwrap();
        assert_eq!(listed.iter().map(|v| (&v.value, v.row_version)).collect::<Vec<_>>(), [(&f, 1)]);
        let (back, read) = store.evidence_bytes(&p1, BOOK, 2024, "bang-diem.pdf").await.unwrap().unwrap();
        assert_eq!((back.value, read), (f.clone(), bytes.clone()));
        assert!(store.evidence_bytes(&p1, BOOK, 2025, "bang-diem.pdf").await.unwrap().is_none());
        // Sent again: nothing written. Other bytes under the name: refused.
        assert_eq!(store.add_evidence("u", &f, &bytes, 3).await.unwrap(), EvidenceWrite::Unchanged);
        let other = pdf("khác");
        let taken = file("p1", "bang-diem.pdf", &other);
        assert_eq!(store.add_evidence("u", &taken, &other, 3).await.unwrap(), EvidenceWrite::NameTaken);
        // A record that does not describe its bytes, or names nobody, is refused.
        let wrong = EvidenceFile { size: 1, ..file("p1", "x.pdf", &other) };
        let e = store.add_evidence("u", &wrong, &other, 3).await.unwrap_err().to_string();
        assert!(e.contains("size"), "{e}");
        let e = store.add_evidence("u", &file("p9", "x.pdf", &other), &other, 3).await.unwrap_err().to_string();
        assert!(e.contains("subject_id"), "{e}");
        // The trail holds the hash and the size, not the bytes.
        let key = "person/p1/cong-dan-hoc-tap/2024/bang-diem.pdf";
        let history = store.audit_history("evidence_files", key).await.unwrap();
        assert_eq!(history.len(), 1, "{history:?}");
        let after = history[0].after.clone().unwrap();
        assert!(after.contains(&f.sha256) && after.contains(&bytes.len().to_string()), "{after}");
        assert!(!after.contains("PDF") && !after.contains("JVBER"), "no bytes, plain or base64: {after}");
        // The same bytes under a second name are kept once; the bound counts files.
        assert_eq!(
            store.add_evidence("u", &file("p1", "ban-sao.pdf", &bytes), &bytes, 3).await.unwrap(),
            EvidenceWrite::Added
        );
        assert_eq!(blob_rows(&db).await, 1);
        assert_eq!(
            store.add_evidence("u", &file("p1", "khac.pdf", &other), &other, 3).await.unwrap(),
            EvidenceWrite::Added
        );
        let fourth = pdf("thứ tư");
        assert_eq!(
            store.add_evidence("u", &file("p1", "d.pdf", &fourth), &fourth, 3).await.unwrap(),
            EvidenceWrite::Full
        );
        // Another assessment has its own bound.
        let p2 = file("p2", "d.pdf", &fourth);
        assert_eq!(store.add_evidence("u", &p2, &fourth, 3).await.unwrap(), EvidenceWrite::Added);
        assert_eq!(blob_rows(&db).await, 3);
        assert!(store.audit_deep().await.unwrap().is_clean());
        // Removed: audited; the bytes go with the last file that has them.
        assert!(store.remove_evidence("v", &p1, BOOK, 2024, "bang-diem.pdf").await.unwrap());
        assert!(!store.remove_evidence("v", &p1, BOOK, 2024, "bang-diem.pdf").await.unwrap());
        assert_eq!(blob_rows(&db).await, 3, "ban-sao.pdf still has them");
        let (_, again) = store.evidence_bytes(&p1, BOOK, 2024, "ban-sao.pdf").await.unwrap().unwrap();
        assert_eq!(again, bytes);
        assert!(store.remove_evidence("v", &p1, BOOK, 2024, "ban-sao.pdf").await.unwrap());
        assert_eq!(blob_rows(&db).await, 2);
        let history = store.audit_history("evidence_files", key).await.unwrap();
        assert_eq!(
            history.iter().map(|e| (e.action.as_str(), e.actor.as_str())).collect::<Vec<_>>(),
            [("insert", "u"), ("delete", "v")]
        );
        assert_eq!(store.evidence_of(&p1, BOOK, 2024).await.unwrap().len(), 1);
        let deep = store.audit_deep().await.unwrap();
        assert!(deep.is_clean(), "{deep:?}");
        let blobs = deep.tables.iter().find(|t| t.table == "evidence_blobs").unwrap();
        assert_eq!((blobs.expected_rows, blobs.actual_rows), (2, 2));
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bytes_altered_behind_the_stores_back_are_found_by_the_deep_check_and_never_served() {
    each_backend("evidence_tamper", async |db| {
        let store = db.open().await;
        setup(&store).await;
        let p1 = SubjectRef::Person("p1".into());
        let bytes = pdf("minh chứng");
        let f = file("p1", "minh-chung.pdf", &bytes);
        store.add_evidence("u", &f, &bytes, 20).await.unwrap();
        let keep = pdf("giữ nguyên");
        store.add_evidence("u", &file("p2", "giu.pdf", &keep), &keep, 20).await.unwrap();
        assert!(store.audit_check(&xhht_store::AuditCheck::new().deep(true)).await.unwrap().is_verified());
        // Other bytes put under the hash (well-formed base64 of a forged PDF).
        let forged = "JVBERi0xLjQKJSBmb3JnZWQK";
        raw_exec(&db, &format!("UPDATE evidence_blobs SET content = '{forged}' WHERE sha256 = '{}'", f.sha256)).await;
        let report = store.audit_check(&xhht_store::AuditCheck::new().deep(true)).await.unwrap();
        assert!(!report.is_ok(), "the deep check finds it");
        let deep = report.deep.unwrap();
        assert!(
            deep.differences.iter().any(|d| d.table == "evidence_blobs" && d.key == f.sha256),
            "{:?}",
            deep.differences
        );
        assert_eq!(deep.total, 2, "content and size: {:?}", deep.differences);
        let e = store.evidence_bytes(&p1, BOOK, 2024, "minh-chung.pdf").await.unwrap_err();
        assert!(matches!(e, xhht_store::Error::Corrupt { .. }), "{e}");
        // The other file is still served.
        assert!(store.evidence_bytes(&SubjectRef::Person("p2".into()), BOOK, 2024, "giu.pdf").await.unwrap().is_some());
        // Text that is not base64 at all.
        raw_exec(
            &db,
            &format!("UPDATE evidence_blobs SET content = 'không phải base64' WHERE sha256 = '{}'", f.sha256),
        )
        .await;
        let deep = store.audit_deep().await.unwrap();
        assert!(deep.differences.iter().any(|d| d.table == "evidence_blobs"), "{:?}", deep.differences);
        assert!(store.evidence_bytes(&p1, BOOK, 2024, "minh-chung.pdf").await.is_err());
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backups_carry_the_evidence_files_and_their_bytes_across_backends() {
    each_backend("evidence_backup", async |db| {
        let store = db.open().await;
        setup(&store).await;
        let p1 = SubjectRef::Person("p1".into());
        let (a, b) = (pdf("một"), vec![0xffu8, 0xd8, 0xff, 0xe0, 0, 1, 2, 3, 254, 255]);
        store.add_evidence("u", &file("p1", "mot.pdf", &a), &a, 20).await.unwrap();
        let jpeg = EvidenceFile { media_type: "image/jpeg".into(), ..file("p1", "anh.jpg", &b) };
        store.add_evidence("u", &jpeg, &b, 20).await.unwrap();
        let to = db.dir.join(match db.backend {
            Backend::Sqlite => "backup.db",
            Backend::Postgres => "dump",
        });
        store.backup(&to).await.unwrap();
        let mut targets = vec![db.sibling("evidence_restored").await];
        match db.backend {
            Backend::Sqlite if backends().contains(&Backend::Postgres) => {
                targets.push(fresh(Backend::Postgres, "evidence_cross").await);
            }
            Backend::Postgres => targets.push(fresh(Backend::Sqlite, "evidence_cross").await),
            Backend::Sqlite => {}
        }
        for target in targets {
            let restored = Store::restore(&to, &target.target).await.unwrap();
            assert_eq!(
                restored.evidence_of(&p1, BOOK, 2024).await.unwrap(),
                store.evidence_of(&p1, BOOK, 2024).await.unwrap()
            );
            let (_, back) = restored.evidence_bytes(&p1, BOOK, 2024, "anh.jpg").await.unwrap().unwrap();
            assert_eq!(back, b);
            let (_, back) = restored.evidence_bytes(&p1, BOOK, 2024, "mot.pdf").await.unwrap().unwrap();
            assert_eq!(back, a);
            let deep = restored.audit_deep().await.unwrap();
            assert!(deep.is_clean(), "{:?} on {}", deep.differences, target.backend.id());
            restored.close().await;
        }
        store.close().await;
    })
    .await;
}
