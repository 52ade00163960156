//! Migrations: from an empty database (every test does that) and from the previous schema
//! version with data in it.

use xhht_store::Store;

use crate::support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_database_at_version_1_with_data_migrates_to_the_latest() {
    each_backend("migrate", async |db| {
        let old = Store::open_with_schema(&db.target, 1).await.unwrap();
        assert_eq!(old.schema_version().await.unwrap(), 1);
        old.put_areas("t", &areas()).await.unwrap();
        old.put_people("t", &[teacher("p1"), teacher("p2")]).await.unwrap();
        // Version 1 has no import log yet.
        let counts = old.counts().await;
        assert!(counts.is_err(), "the imports table arrives with version 2");
        old.close().await;

        let store = db.open().await;
        assert_eq!(store.schema_version().await.unwrap(), 9);
        assert_eq!(store.person("p2").await.unwrap().unwrap().value, teacher("p2"));
        let counts = store.counts().await.unwrap();
        assert!(counts.contains(&("people", 2)) && counts.contains(&("imports", 0)), "{counts:?}");
        assert!(counts.contains(&("duty_reports", 0)), "the duty reports arrive with version 3: {counts:?}");
        // Version 4: a proposal keeps its decision.
        use xhht_core::record::{
            Decision, DecisionOutcome, RewardProposal, SubjectRef, Verification, VerificationOutcome,
        };
        let p = RewardProposal::new(
            "reward.annual.individual",
            SubjectRef::Person("p1".into()),
            2024,
            "u",
            d(2024, 11, 20),
        )
        .unwrap()
        .verify(Verification {
            by: "nv".into(),
            on: d(2024, 11, 25),
            outcome: VerificationOutcome::Accepted,
            note: None,
        })
        .unwrap();
        store.put_reward_proposals("t", std::slice::from_ref(&p)).await.unwrap();
        assert_eq!(store.load_year(2024).await.unwrap().reward_proposals, std::slice::from_ref(&p));
        let decided = p
            .decide(Decision {
                by: "ct".into(),
                on: d(2024, 12, 2),
                outcome: DecisionOutcome::Approved,
                note: Some("QĐ 7".into()),
            })
            .unwrap();
        let w = store.put_reward_proposals("t", std::slice::from_ref(&decided)).await.unwrap();
        assert_eq!((w.added, w.changed), (0, 1));
        assert_eq!(store.load_year(2024).await.unwrap().reward_proposals, [decided]);
        assert!(store.audit_verify().await.unwrap().is_ok(), "the audit chain survives the migration");
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_old_servers_users_tokens_and_sessions_are_carried_over_by_version_6() {
    each_backend("migrate-users", async |db| {
        let old = Store::open_with_schema(&db.target, 5).await.unwrap();
        old.close().await;
        // What a server before version 6 created on its own pool.
        for sql in [
            "CREATE TABLE server_users (name TEXT PRIMARY KEY, role TEXT NOT NULL, organisation TEXT, person TEXT, \
             password_hash TEXT, created BIGINT NOT NULL)",
            "CREATE TABLE server_tokens (hash TEXT PRIMARY KEY, prefix TEXT NOT NULL, name TEXT NOT NULL, \
             user_name TEXT NOT NULL REFERENCES server_users (name), created BIGINT NOT NULL, revoked BIGINT)",
            "CREATE TABLE server_sessions (id_hash TEXT PRIMARY KEY, user_name TEXT NOT NULL REFERENCES server_users (name), \
             expires BIGINT NOT NULL, created BIGINT NOT NULL)",
            "INSERT INTO server_users VALUES ('ana', 'unit', 'THCS-A', 'CB1', '$argon2id$x', 100), ('bo', 'admin', NULL, NULL, NULL, 101)",
            "INSERT INTO server_tokens VALUES ('h1', 'abcd1234', 'laptop', 'ana', 102, NULL), ('h2', 'abcd1234', 'old', 'ana', 90, 95)",
            "INSERT INTO server_sessions VALUES ('s1', 'bo', 4000000000, 103)",
        ] {
            raw_exec(&db, sql).await;
        }
        let store = db.open().await;
        assert_eq!(store.schema_version().await.unwrap(), 9);
        let users = store.users().await.unwrap();
        assert_eq!(users.iter().map(|u| u.name.as_str()).collect::<Vec<_>>(), ["ana", "bo"]);
        assert_eq!(users[0].password_hash.as_deref(), Some("$argon2id$x"));
        assert_eq!((users[0].organisation.as_deref(), users[0].person.as_deref()), (Some("THCS-A"), Some("CB1")));
        let tokens = store.tokens_with_prefix("abcd1234").await.unwrap();
        assert_eq!(tokens.iter().map(|(h, u)| (h.as_str(), u.name.as_str())).collect::<Vec<_>>(), [("h1", "ana")]);
        assert_eq!(store.session_user("s1", 1000).await.unwrap().map(|u| u.name), Some("bo".to_owned()));
        assert!(raw_exec_err(&db, "SELECT 1 FROM server_users").await.is_some(), "the old tables are gone");
        store.close().await;
        // A fresh database gets the tables empty.
        let fresh = db.sibling("fresh").await;
        let s = fresh.open().await;
        assert!(s.users().await.unwrap().is_empty());
        s.close().await;
    })
    .await;
}

/// A SQLite database the store creates has 64 KiB pages; one created before, with SQLite's
/// default 4 KiB, keeps them and is migrated and written as usual.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn new_sqlite_databases_have_64_kib_pages_and_old_ones_keep_theirs() {
    let dir = std::env::temp_dir().join(format!("xhht-pages-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let page_size = |path: &std::path::Path| -> i64 {
        let c = rusqlite::Connection::open(path).unwrap();
        c.query_row("PRAGMA page_size", [], |r| r.get(0)).unwrap()
    };
    let new = dir.join("new.db");
    Store::open(&new.display().to_string()).await.unwrap().close().await;
    assert_eq!(page_size(&new), 65_536);
    let old = dir.join("old.db");
    {
        let c = rusqlite::Connection::open(&old).unwrap();
        c.execute_batch("PRAGMA journal_mode = WAL; CREATE TABLE before_xhht (x INTEGER);").unwrap();
    }
    assert_eq!(page_size(&old), 4096);
    let store = Store::open(&old.display().to_string()).await.unwrap();
    store.put_areas("t", &areas()).await.unwrap();
    store.close().await;
    assert_eq!(page_size(&old), 4096);
    let _ = std::fs::remove_dir_all(&dir);
}
