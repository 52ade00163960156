//! A person belongs to one organisation at a time, whatever writes the memberships: the store
//! refuses a write (a put, an update, an import) that would leave someone in two organisations
//! on the same day, and loses nothing already stored.

use xhht_core::entity::MemberRole;
use xhht_store::{Error, ImportKind, ImportOptions};

use crate::support::*;

async fn seeded(db: &TestDb) -> xhht_store::Store {
    let store = db.open().await;
    store.put_areas("test", &areas()).await.unwrap();
    store.put_organisations("test", &[school("A", "27700"), school("B", "27703")]).await.unwrap();
    store.put_people("test", &[teacher("p1"), teacher("h1")]).await.unwrap();
    store
        .put_memberships(
            "test",
            &[
                member("h1", "B", MemberRole::Head, d(2015, 1, 1), None),
                member("p1", "B", MemberRole::Member, d(2015, 1, 1), None),
            ],
        )
        .await
        .unwrap();
    store
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_second_open_membership_elsewhere_is_refused_by_the_store() {
    each_backend("clash-put", async |db| {
        let store = seeded(&db).await;
        let before = store.data_version().await.unwrap();
        // Another organisation's head, taken over: refused, nothing written.
        let err = store
            .put_memberships("unit-a", &[member("h1", "A", MemberRole::Member, d(2024, 1, 1), None)])
            .await
            .unwrap_err();
        assert!(
            matches!(&err, Error::Invalid { table: "memberships", .. }) && err.to_string().contains("at the same time"),
            "{err}"
        );
        assert_eq!(store.data_version().await.unwrap(), before);
        // A move (the membership there closed the day before, in the same write) is kept.
        let moved = [
            member("p1", "B", MemberRole::Member, d(2015, 1, 1), Some(d(2023, 12, 31))),
            member("p1", "A", MemberRole::Member, d(2024, 1, 1), None),
        ];
        store.put_memberships("admin", &moved).await.unwrap();
        // Reopening the old one by an update is refused too.
        let reopened = member("p1", "B", MemberRole::Member, d(2015, 1, 1), None);
        let err = store.update_membership("admin", &reopened, 2).await.unwrap_err();
        assert!(err.to_string().contains("at the same time"), "{err}");
        // The same organisation in the other role is no clash.
        store.put_memberships("admin", &[member("p1", "A", MemberRole::Head, d(2024, 1, 1), None)]).await.unwrap();
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_that_puts_someone_in_two_organisations_names_the_line() {
    each_backend("clash-import", async |db| {
        let store = seeded(&db).await;
        let path = db.dir.join("memberships.csv");
        std::fs::write(
            &path,
            "person,organisation,role,valid_from,valid_to\n\
             p1,A,member,2024-01-01,\n",
        )
        .unwrap();
        let err = store.import(ImportKind::Memberships, &path, &ImportOptions::new("unit-a")).await.unwrap_err();
        let Error::Import { errors } = &err else { panic!("{err}") };
        assert_eq!(errors.len(), 1, "{err}");
        assert_eq!((errors[0].line, errors[0].field.as_str()), (2, "organisation"), "{err}");
        assert!(errors[0].message.contains("belongs to A") && errors[0].message.contains("on record"), "{err}");
        // The file that moves them (ends the old one, then opens the new) is imported.
        std::fs::write(
            &path,
            "person,organisation,role,valid_from,valid_to\n\
             p1,A,member,2024-01-01,\n\
             p1,B,member,2015-01-01,2023-12-31\n",
        )
        .unwrap();
        let r = store.import(ImportKind::Memberships, &path, &ImportOptions::new("admin")).await.unwrap();
        assert_eq!(r.imported, 2);
        store.close().await;
    })
    .await;
}
