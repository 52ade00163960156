//! Opening, migrating, writing and reading records on both backends.

use xhht_core::entity::MemberRole;
use xhht_store::{Backend, Error, Store, WriteReport};

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn opens_migrates_and_records_the_schema_version() {
    each_backend("open", async |db| {
        let store = db.open().await;
        assert_eq!(store.backend(), db.backend);
        let latest = Store::latest_schema_version(db.backend);
        assert_eq!(latest, 9);
        assert_eq!(store.schema_version().await.unwrap(), latest);
        store.close().await;
        // Opening again applies nothing and keeps the version.
        let store = db.open().await;
        assert_eq!(store.schema_version().await.unwrap(), latest);
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn puts_are_idempotent_upserts_that_report_what_changed() {
    each_backend("puts", async |db| {
        let store = db.open().await;
        let r = store.put_areas("test", &areas()).await.unwrap();
        assert_eq!(r, WriteReport { added: 4, changed: 0, unchanged: 0 });
        let orgs = vec![school("A", "27700"), school("B", "27703")];
        assert_eq!(store.put_organisations("test", &orgs).await.unwrap().added, 2);
        let people: Vec<_> = ["p1", "p2", "h1"].iter().map(|p| teacher(p)).collect();
        assert_eq!(store.put_people("test", &people).await.unwrap().added, 3);
        let ms = vec![
            member("h1", "A", MemberRole::Head, d(2020, 1, 1), None),
            member("p1", "A", MemberRole::Member, d(2020, 1, 1), Some(d(2024, 6, 30))),
            member("p1", "B", MemberRole::Member, d(2024, 7, 1), None),
        ];
        assert_eq!(store.put_memberships("test", &ms).await.unwrap().added, 3);

        // The same again changes nothing.
        assert_eq!(
            store.put_people("test", &people).await.unwrap(),
            WriteReport { added: 0, changed: 0, unchanged: 3 }
        );
        // One changed, one new.
        let mut p2 = teacher("p2");
        p2.full_name = "Trần Thị Bình".into();
        let r = store.put_people("test", &[p2.clone(), teacher("p9")]).await.unwrap();
        assert_eq!(r, WriteReport { added: 1, changed: 1, unchanged: 0 });
        let got = store.person("p2").await.unwrap().unwrap();
        assert_eq!(got.value, p2);
        assert_eq!(got.row_version, 2);
        assert_eq!(store.organisation("A").await.unwrap().unwrap().value, school("A", "27700"));
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_write_with_an_unknown_reference_is_refused_and_writes_nothing() {
    each_backend("refs", async |db| {
        let store = db.open().await;
        store.put_areas("test", &areas()).await.unwrap();
        let err = store.put_organisations("test", &[school("A", "27700"), school("B", "99999")]).await.unwrap_err();
        match &err {
            Error::Invalid { table, key, field, message } => {
                assert_eq!((*table, key.as_str(), field.as_str()), ("organisations", "B", "area"));
                assert!(message.contains("unknown area `99999`"), "{message}");
            }
            other => panic!("{other}"),
        }
        assert!(store.organisation("A").await.unwrap().is_none(), "all or nothing");
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_in_memory_target_is_refused_with_a_clear_message() {
    let err = Store::open("sqlite::memory:").await.unwrap_err().to_string();
    assert!(err.contains("give a database file"), "{err}");
    assert_eq!(Backend::Sqlite.id(), "sqlite");
}
