//! Safety: backup and restore round-trip, across backends too.

use xhht_core::entity::MemberRole;
use xhht_core::record::{Assessment, IndicatorValue, SelfStudyPlan, SubjectRef, Value};
use xhht_store::{Backend, Store};

use crate::support::*;

/// A little of everything, so a round trip covers every kind of column and child rows.
async fn fill(store: &Store) {
    store.put_areas("t", &areas()).await.unwrap();
    store.put_organisations("t", &[school("A", "27700")]).await.unwrap();
    store.put_people("t", &[teacher("p1"), teacher("h1")]).await.unwrap();
    store
        .put_memberships(
            "t",
            &[
                member("h1", "A", MemberRole::Head, d(2020, 1, 1), None),
                member("p1", "A", MemberRole::Member, d(2020, 1, 1), None),
            ],
        )
        .await
        .unwrap();
    let plan = SelfStudyPlan::submitted("p1", 2024, d(2024, 1, 15)).unwrap().approve("h1", d(2024, 2, 1)).unwrap();
    store.put_self_study_plans("t", &[plan]).await.unwrap();
    let values = vec![
        IndicatorValue { indicator: "1".into(), value: Value::Score("7.5".parse().unwrap()), evidence: None },
        IndicatorValue {
            indicator: "2".into(),
            value: Value::Score("8".parse().unwrap()),
            evidence: Some("QĐ 12".into()),
        },
    ];
    let a = Assessment::new(SubjectRef::Person("p1".into()), "cong-dan-hoc-tap", 2024, "HKH", d(2024, 11, 20), values)
        .unwrap();
    store.put_assessments("t", &[a]).await.unwrap();
    let mut p1 = teacher("p1");
    p1.full_name = "Võ Thị Lan".into();
    store.update_person("t", &p1, 1).await.unwrap();
}

async fn snapshot(store: &Store) -> (Vec<(&'static str, i64)>, xhht_store::YearData, String) {
    let counts = store.counts().await.unwrap();
    let year = store.load_year(2024).await.unwrap();
    let report = store.audit_verify().await.unwrap();
    assert!(report.is_ok());
    (counts, year, report.last_hash)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn backup_and_restore_round_trip() {
    each_backend("backup", async |db| {
        let store = db.open().await;
        fill(&store).await;
        let before = snapshot(&store).await;
        let to = db.dir.join(match db.backend {
            Backend::Sqlite => "backup.db",
            Backend::Postgres => "dump",
        });
        store.backup(&to).await.unwrap();
        assert!(store.backup(&to).await.unwrap_err().to_string().contains("already exists"));

        let other = db.sibling("restored").await;
        let restored = Store::restore(&to, &other.target).await.unwrap();
        let after = snapshot(&restored).await;
        assert_eq!(before, after, "same rows, same year, same audit chain");
        assert_eq!(restored.person("p1").await.unwrap().unwrap().row_version, 2, "versions survive");
        // A restore never overwrites: the target must be new or empty.
        restored.close().await;
        let again = Store::restore(&to, &other.target).await.unwrap_err().to_string();
        assert!(again.contains("restore into a new"), "{again}");

        // Across backends: a SQLite backup restores into PostgreSQL and a dump into SQLite.
        let cross = match db.backend {
            Backend::Sqlite => backends().contains(&Backend::Postgres).then_some(Backend::Postgres),
            Backend::Postgres => Some(Backend::Sqlite),
        };
        if let Some(b) = cross {
            let third = fresh(b, "cross").await;
            let moved = Store::restore(&to, &third.target).await.unwrap();
            assert_eq!(snapshot(&moved).await, before);
            moved.close().await;
        }
        store.close().await;
    })
    .await;
}
