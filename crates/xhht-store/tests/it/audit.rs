//! The audit trail: who, when, what, before and after; the hash chain verifies, and tampering
//! with an entry through raw SQL is reported at that entry.

use xhht_store::GENESIS;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn every_change_is_audited_with_before_and_after() {
    each_backend("audit_trail", async |db| {
        let store = db.open().await;
        store.put_areas("chuyen-vien-a", &areas()).await.unwrap();
        store.put_people("chuyen-vien-a", &[teacher("p1")]).await.unwrap();
        let mut p1 = teacher("p1");
        p1.full_name = "Lê Thị Hoa".into();
        store.put_people("chuyen-vien-b", &[p1]).await.unwrap();
        store
            .put_people(
                "chuyen-vien-b",
                &[teacher("p1")].map(|mut p| {
                    p.full_name = "Lê Thị Hoa".into();
                    p
                }),
            )
            .await
            .unwrap(); // unchanged: no entry

        store.put_people("chuyen-vien-a", &[teacher("p10"), teacher("p_1")]).await.unwrap();
        let h = store.audit_history("people", "p1").await.unwrap();
        assert_eq!(h.len(), 2, "p10 and p_1 are other people: {h:#?}");
        assert_eq!((h[0].action.as_str(), h[0].actor.as_str()), ("insert", "chuyen-vien-a"));
        assert!(h[0].before.is_none());
        assert!(h[0].after.as_deref().unwrap().contains("Nguyễn Văn p1"));
        assert_eq!((h[1].action.as_str(), h[1].actor.as_str()), ("update", "chuyen-vien-b"));
        assert!(h[1].before.as_deref().unwrap().contains("Nguyễn Văn p1"));
        let after: serde_json::Value = serde_json::from_str(h[1].after.as_deref().unwrap()).unwrap();
        assert_eq!(after["full_name"], "Lê Thị Hoa");
        assert_eq!(after["row_version"], 2);
        assert!(h[1].at.len() >= 20 && h[1].at.ends_with('Z'), "ISO UTC from the database: {}", h[1].at);
        assert_eq!(h[1].prev_hash, h[0].hash, "consecutive entries");

        let report = store.audit_verify().await.unwrap();
        assert!(report.is_ok(), "{report:?}");
        assert_eq!(report.entries, 4, "the 4 areas in one insert entry, p1's insert, p1's update, p10 and p_1");
        assert_ne!(report.last_hash, GENESIS);
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn tampering_with_an_entry_is_reported_at_that_entry() {
    each_backend("audit_tamper", async |db| {
        let store = db.open().await;
        store.put_areas("a", &areas()).await.unwrap();
        store.put_people("a", &[teacher("p1"), teacher("p2")]).await.unwrap();
        let mut p2 = teacher("p2");
        p2.birth_year = Some(1979);
        store.update_person("a", &p2, 1).await.unwrap();
        assert!(store.audit_verify().await.unwrap().is_ok());
        // Entries: 1 the areas, 2 the insert of p1 and p2, 3 the update of p2.

        // The table refuses updates and deletes…
        let refused = raw_exec_err(&db, "UPDATE audit_log SET actor = 'x' WHERE seq = 2").await;
        assert!(refused.unwrap().contains("append-only"));
        let refused = raw_exec_err(&db, "DELETE FROM audit_log WHERE seq = 3").await;
        assert!(refused.unwrap().contains("append-only"));

        // …but someone with the database's keys can drop the guard and rewrite history.
        let drop_guard = match db.backend {
            xhht_store::Backend::Sqlite => "DROP TRIGGER audit_log_no_update",
            xhht_store::Backend::Postgres => "DROP TRIGGER audit_log_no_change ON audit_log",
        };
        raw_exec(&db, drop_guard).await;
        raw_exec(&db, "UPDATE audit_log SET after = REPLACE(after, 'Nguyễn Văn p1', 'Someone Else') WHERE seq = 2")
            .await;
        let report = store.audit_verify().await.unwrap();
        let broken = report.broken.expect("the tampered entry is found");
        assert_eq!(broken.seq, 2);
        assert_eq!(broken.check, "hash");
        assert_ne!(broken.expected, broken.actual);
        assert_eq!(report.entries, 2, "stopped at the first broken link");

        // Recomputing that entry's hash to hide the change breaks the next link instead.
        let entries = store.audit_history("people", "p1").await.unwrap();
        let forged = entries[0].compute_hash();
        raw_exec(&db, &format!("UPDATE audit_log SET hash = '{forged}' WHERE seq = 2")).await;
        let report = store.audit_verify().await.unwrap();
        let broken = report.broken.expect("the next link is broken");
        assert_eq!((broken.seq, broken.check), (3, "prev_hash"));
        assert_eq!(broken.expected, forged);
        store.close().await;
    })
    .await;
}
