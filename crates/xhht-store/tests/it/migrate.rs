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
        assert_eq!(store.schema_version().await.unwrap(), 5);
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
