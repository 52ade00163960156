//! Optimistic concurrency: an update names the version it read; a stale one is refused and
//! changes nothing.

use xhht_core::record::{ReportKind, ReportSubmission, SelfStudyPlan};
use xhht_store::Error;

use crate::support::*;

fn conflict(e: Error) -> (i64, i64) {
    match e {
        Error::Conflict { expected, actual, .. } => (expected, actual),
        other => panic!("expected a conflict, got {other}"),
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_stale_update_is_refused_not_lost() {
    each_backend("stale", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        store.put_organisations("t", &[school("A", "27700")]).await.unwrap();
        store.put_people("t", &[teacher("p1"), teacher("h1")]).await.unwrap();

        // Two officials read person p1 at version 1.
        let read = store.person("p1").await.unwrap().unwrap();
        assert_eq!(read.row_version, 1);
        let mut first = read.value.clone();
        first.full_name = "Phạm Văn An".into();
        let mut second = read.value.clone();
        second.birth_year = Some(1990);
        assert_eq!(store.update_person("official-1", &first, read.row_version).await.unwrap(), 2);
        assert_eq!(conflict(store.update_person("official-2", &second, read.row_version).await.unwrap_err()), (1, 2));
        let now = store.person("p1").await.unwrap().unwrap();
        assert_eq!((now.value, now.row_version), (first, 2), "the first write stands, the stale one is not applied");

        // Organisations.
        let org = store.organisation("A").await.unwrap().unwrap();
        let mut renamed = org.value.clone();
        renamed.name = "Trường THCS Long Hựu Đông".into();
        assert_eq!(store.update_organisation("t", &renamed, 1).await.unwrap(), 2);
        assert_eq!(conflict(store.update_organisation("t", &org.value, 1).await.unwrap_err()), (1, 2));

        // Self-study plans: recording an approval on a stale read is refused.
        let plan = SelfStudyPlan::submitted("p1", 2024, d(2024, 1, 15)).unwrap();
        store.put_self_study_plans("t", std::slice::from_ref(&plan)).await.unwrap();
        let approved = plan.clone().approve("h1", d(2024, 2, 1)).unwrap();
        assert_eq!(store.update_self_study_plan("head", &approved, 1).await.unwrap(), 2);
        let other = plan.approve("p1", d(2024, 2, 2)).unwrap();
        assert_eq!(conflict(store.update_self_study_plan("clerk", &other, 1).await.unwrap_err()), (1, 2));
        let stored = store.self_study_plan("p1", 2024).await.unwrap().unwrap();
        assert_eq!(stored.value.approval().unwrap().by, "h1");

        // Report submissions.
        let sub = ReportSubmission {
            actor: "actor.phong-gddt".into(),
            organisation: "A".into(),
            year: 2024,
            kind: ReportKind::Annual,
            submitted_on: d(2024, 12, 5),
            document_number: None,
        };
        store.put_report_submissions("t", std::slice::from_ref(&sub)).await.unwrap();
        let numbered = ReportSubmission { document_number: Some("12/BC-PGDĐT".into()), ..sub.clone() };
        assert_eq!(store.update_report_submission("t", &numbered, 1).await.unwrap(), 2);
        let late = ReportSubmission { submitted_on: d(2024, 12, 20), ..sub.clone() };
        assert_eq!(conflict(store.update_report_submission("t", &late, 1).await.unwrap_err()), (1, 2));
        let got = store.report_submission("actor.phong-gddt", "A", 2024, &ReportKind::Annual).await.unwrap().unwrap();
        assert_eq!(got.value, numbered);

        // A record that does not exist cannot be updated.
        assert!(matches!(store.update_person("t", &teacher("nobody"), 1).await, Err(Error::NotFound { .. })));
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn of_two_concurrent_updates_from_the_same_version_exactly_one_wins() {
    each_backend("race", async |db| {
        let store = std::sync::Arc::new(db.open().await);
        store.put_areas("t", &areas()).await.unwrap();
        store.put_people("t", &[teacher("p1")]).await.unwrap();
        let mut tasks = Vec::new();
        for n in 0..6 {
            let store = store.clone();
            tasks.push(tokio::spawn(async move {
                let mut p = teacher("p1");
                p.full_name = format!("Writer {n}");
                store.update_person(&format!("w{n}"), &p, 1).await
            }));
        }
        let mut ok = 0;
        for t in tasks {
            match t.await.unwrap() {
                Ok(v) => {
                    assert_eq!(v, 2);
                    ok += 1;
                }
                Err(e) => assert_eq!(conflict(e).0, 1),
            }
        }
        assert_eq!(ok, 1);
        assert_eq!(store.person("p1").await.unwrap().unwrap().row_version, 2);
        assert!(store.audit_verify().await.unwrap().is_ok());
    })
    .await;
}
