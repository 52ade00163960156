//! The data version (moved by every record write, not by saving results), the cache of year
//! digests that rests on it, the small registers of a year and people by id.

use xhht_core::Title;
use xhht_core::area::Succession;
use xhht_core::record::{DutyReport, Recognition, ReportKind, ReportSubmission, RewardProposal, SubjectRef};
use xhht_scoring::year::{YearEngines, evaluate_year};
use xhht_store::{Backend, ImportKind, ImportOptions, Store};

use crate::support::*;
use crate::year::district;

/// The number of the last audit entry.
async fn last_seq(store: &Store) -> i64 {
    let report = store.audit_verify().await.unwrap();
    assert!(report.is_ok());
    i64::try_from(report.entries).unwrap()
}

/// Evaluates 2024 and saves its results.
async fn save_2024(store: &Store) -> usize {
    let data = store.load_year(2024).await.unwrap();
    let engines = YearEngines::builtin().unwrap();
    let results = evaluate_year(&engines, data.input()).unwrap();
    store.save_results("engine", 2024, &data, &results, &engines).await.unwrap()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_data_version_moves_with_record_writes_and_not_with_results() {
    each_backend("data_version", async |db| {
        let store = db.open().await;
        assert_eq!(store.data_version().await.unwrap(), 0, "an empty database");
        district(&store).await;
        let v1 = store.data_version().await.unwrap();
        assert!(v1 > 0);
        assert_eq!(v1, last_seq(&store).await, "the last entry of the last record write");

        // Saving results audits them but leaves the data version alone.
        assert!(save_2024(&store).await > 0);
        let seq = last_seq(&store).await;
        assert!(seq > v1, "the results were audited");
        assert_eq!(store.data_version().await.unwrap(), v1);

        // A write that changes nothing audits nothing and moves nothing.
        store.put_people("t", &[teacher("p1")]).await.unwrap();
        assert_eq!(store.data_version().await.unwrap(), v1);

        // A record write moves it to its own last entry, past the results' entries.
        let mut p1 = teacher("p1");
        p1.full_name = "Đặng Thị Mai".into();
        store.put_people("t", &[p1.clone()]).await.unwrap();
        let v2 = store.data_version().await.unwrap();
        assert_eq!(v2, last_seq(&store).await);
        assert!(v2 > seq);

        // So does an optimistic update, and an import (on SQLite, the bulk path).
        p1.birth_year = Some(1990);
        store.update_person("t", &p1, 2).await.unwrap();
        let v3 = store.data_version().await.unwrap();
        assert!(v3 > v2);
        let csv =
            "id,full_name,birth_year,category\nK1,Người Thử Một,1970,giao-vien\nK2,Người Thử Hai,1971,giao-vien\n";
        let r = store.import_bytes(ImportKind::People, "people.csv", csv.as_bytes(), &ImportOptions::new("cv")).await;
        assert_eq!(r.unwrap().written.added, 2);
        let v4 = store.data_version().await.unwrap();
        assert!(v4 > v3);
        assert_eq!(v4, last_seq(&store).await);

        // A refused write leaves it where it was.
        assert!(store.put_organisations("t", &[school("X", "99999")]).await.is_err());
        assert_eq!(store.data_version().await.unwrap(), v4);
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_year_digest_is_served_while_its_data_version_is_current() {
    each_backend("digest", async |db| {
        let store = db.open().await;
        district(&store).await;
        let v = store.data_version().await.unwrap();
        assert_eq!(store.year_digest(2024, "k1").await.unwrap(), None, "nothing stored yet");
        let body = r#"{"people":7,"title":"Công dân học tập"}"#;
        assert!(store.put_year_digest(2024, "k1", v, body).await.unwrap());
        // The cache is not records: no audit entry, no new data version.
        assert_eq!(last_seq(&store).await, v);
        assert_eq!(store.data_version().await.unwrap(), v);

        assert_eq!(store.year_digest(2024, "k1").await.unwrap().as_deref(), Some(body));
        assert_eq!(store.year_digest(2024, "k2").await.unwrap(), None, "another cache key");
        assert_eq!(store.year_digest(2023, "k1").await.unwrap(), None, "another year");

        // Saving results does not make it stale.
        save_2024(&store).await;
        assert_eq!(store.year_digest(2024, "k1").await.unwrap().as_deref(), Some(body));

        // A record write does.
        store.put_people("t", &[teacher("p9")]).await.unwrap();
        assert_eq!(store.year_digest(2024, "k1").await.unwrap(), None);

        // A digest computed from the old version is refused; from the current one it is kept,
        // replacing the year's digest whatever its key.
        assert!(!store.put_year_digest(2024, "k1", v, "stale").await.unwrap());
        assert_eq!(store.year_digest(2024, "k1").await.unwrap(), None);
        let v2 = store.data_version().await.unwrap();
        assert!(v2 > v);
        assert!(store.put_year_digest(2024, "k2", v2, "{}").await.unwrap());
        assert_eq!(store.year_digest(2024, "k2").await.unwrap().as_deref(), Some("{}"));
        assert_eq!(store.year_digest(2024, "k1").await.unwrap(), None, "replaced");
        assert!(store.put_year_digest(2023, "k1", v2, "[]").await.unwrap());
        assert_eq!(store.year_digest(2023, "k1").await.unwrap().as_deref(), Some("[]"));
        assert!(store.put_year_digest(2024, "k2", v2, "{\"again\":1}").await.unwrap(), "an upsert");
        assert_eq!(store.year_digest(2024, "k2").await.unwrap().as_deref(), Some("{\"again\":1}"));
        assert!(!store.put_year_digest(2024, "k2", v2 + 1, "future").await.unwrap(), "not yet current");
        assert_eq!(store.data_version().await.unwrap(), v2);
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restored_database_has_no_digest_and_its_data_version_at_the_last_entry() {
    each_backend("digest_restore", async |db| {
        let store = db.open().await;
        district(&store).await;
        save_2024(&store).await;
        let v = store.data_version().await.unwrap();
        assert!(store.put_year_digest(2024, "k", v, "{}").await.unwrap());
        let to = db.dir.join(match db.backend {
            Backend::Sqlite => "backup.db",
            Backend::Postgres => "dump",
        });
        store.backup(&to).await.unwrap();
        let other = db.sibling("digest_restored").await;
        let restored = Store::restore(&to, &other.target).await.unwrap();
        assert_eq!(restored.year_digest(2024, "k").await.unwrap(), None);
        let seq = last_seq(&restored).await;
        assert!(seq > v, "the results' entries are restored too");
        assert_eq!(restored.data_version().await.unwrap(), seq);
        assert_eq!(restored.counts().await.unwrap(), store.counts().await.unwrap());
        // The cache works on the restored database.
        assert!(restored.put_year_digest(2024, "k", seq, "{}").await.unwrap());
        assert_eq!(restored.year_digest(2024, "k").await.unwrap().as_deref(), Some("{}"));
        restored.close().await;
        store.close().await;
    })
    .await;
}

/// What the district lacks for the registers: a succession, report submissions, reward
/// proposals, duty reports, and records of other years on either side.
async fn registers(store: &Store) {
    store.put_areas("t", &[area("27799", xhht_core::area::AreaLevel::Commune, Some("806"))]).await.unwrap();
    let succession = Succession {
        from: "27703".into(),
        to: "27799".into(),
        date: d(2025, 7, 1),
        kind: xhht_core::area::SuccessionKind::Merged,
        provenance: Default::default(),
    };
    store.put_successions("t", &[succession]).await.unwrap();
    let submission = |year: i32, org: &str| ReportSubmission {
        actor: "actor.phong-gddt".into(),
        organisation: org.into(),
        year,
        kind: ReportKind::Annual,
        submitted_on: d(year, 12, 5),
        document_number: Some(format!("{year}/BC")),
    };
    store
        .put_report_submissions("t", &[submission(2024, "A"), submission(2024, "B"), submission(2023, "A")])
        .await
        .unwrap();
    let duty = |year: i32, value: &str| DutyReport {
        actor: "actor.phong-ldtbxh".into(),
        organisation: "A".into(),
        year,
        duty: "actor.phong-ldtbxh.2".into(),
        field: "classes-opened".into(),
        value: value.into(),
    };
    store.put_duty_reports("t", &[duty(2024, "12"), duty(2025, "3")]).await.unwrap();
    let proposal = |year: i32, who: &str| {
        RewardProposal::new("reward.annual.individual", SubjectRef::Person(who.into()), year, "u", d(year, 11, 20))
            .unwrap()
    };
    store.put_reward_proposals("t", &[proposal(2024, "p1"), proposal(2025, "p2")]).await.unwrap();
    let recognition = |year: i32, number: &str| {
        Recognition::new(
            SubjectRef::Organisation("A".into()),
            Title::DonViHocTap,
            Some(1),
            year,
            number,
            d(year + 1, 2, 10),
            "Chủ tịch UBND huyện Cần Đước",
            None,
        )
        .unwrap()
    };
    store.put_recognitions("t", &[recognition(2022, "3/QĐ-UBND"), recognition(2026, "9/QĐ-UBND")]).await.unwrap();
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_registers_of_a_year_are_those_of_load_year_without_people() {
    each_backend("registers", async |db| {
        let store = db.open().await;
        district(&store).await;
        registers(&store).await;
        let full = store.load_year(2024).await.unwrap();
        let small = store.load_year_registers(2024).await.unwrap();
        assert_eq!(small.year, 2024);
        assert_eq!(small.organisations, full.organisations);
        assert_eq!(small.areas, full.areas);
        assert_eq!(small.successions, full.successions);
        assert_eq!(small.recognitions, full.recognitions);
        assert_eq!(small.report_submissions, full.report_submissions);
        assert_eq!(small.reward_proposals, full.reward_proposals);
        assert_eq!(small.duty_reports, full.duty_reports);
        // Each of them holds something, and only what a year holds.
        assert_eq!((small.organisations.len(), small.areas.len(), small.successions.len()), (2, 5, 1));
        assert_eq!(small.recognitions.len(), 2, "B's of 2024 and A's of 2022, not A's of 2026");
        assert_eq!(small.report_submissions.len(), 2);
        assert_eq!((small.reward_proposals.len(), small.duty_reports.len()), (1, 1));
        // No people, nor anything that grows with them.
        assert!(!full.people.is_empty() && !full.memberships.is_empty());
        assert!(small.people.is_empty() && small.memberships.is_empty());
        assert!(small.registrations.is_empty() && small.commitments.is_empty());
        assert!(small.self_study_plans.is_empty() && small.assessments.is_empty());
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn people_are_found_by_id_in_chunks_and_unknown_ids_skipped() {
    each_backend("people_by_ids", async |db| {
        let store = db.open().await;
        store.put_areas("t", &areas()).await.unwrap();
        let people: Vec<_> = (0..2500).map(|i| teacher(&format!("P{i:05}"))).collect();
        store.put_people("t", &people).await.unwrap();

        assert!(store.people_by_ids(&[]).await.unwrap().is_empty());
        let ids = ["P00007", "nobody", "P00002", "P00007"].map(String::from);
        let found = store.people_by_ids(&ids).await.unwrap();
        assert_eq!(found, vec![teacher("P00002"), teacher("P00007")], "by id, once each, unknown skipped");

        // Thousands of ids, many unknown, in reverse order.
        let mut ids: Vec<String> = (0..2600).rev().map(|i| format!("P{i:05}")).collect();
        ids.push("P0'; DROP TABLE people; --".into());
        let found = store.people_by_ids(&ids).await.unwrap();
        assert_eq!(found, people);
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_version_4_database_migrates_and_gets_its_data_version() {
    each_backend("migrate_v4", async |db| {
        let old = Store::open_with_schema(&db.target, 4).await.unwrap();
        assert_eq!(old.schema_version().await.unwrap(), 4);
        // Writes work without a data version, and there is none to read. (Records whose
        // tables later versions leave alone: today's code writes a self-study plan's state,
        // which version 4 has no column for.)
        old.put_areas("t", &areas()).await.unwrap();
        old.put_people("t", &["h1", "h2", "h5", "p1", "p2", "p3", "p4"].map(teacher)).await.unwrap();
        assert!(old.data_version().await.is_err(), "the data version arrives with version 5");
        let seq = last_seq(&old).await;
        old.close().await;

        let store = db.open().await;
        assert_eq!(store.schema_version().await.unwrap(), Store::latest_schema_version(db.backend));
        assert_eq!(store.data_version().await.unwrap(), seq, "initialised at the last audit entry");
        assert_eq!(store.load_year(2024).await.unwrap().people.len(), 7, "the records are all there");
        assert_eq!(store.year_digest(2024, "k").await.unwrap(), None);
        assert!(store.put_year_digest(2024, "k", seq, "{}").await.unwrap());
        assert_eq!(store.year_digest(2024, "k").await.unwrap().as_deref(), Some("{}"));

        // A store opened at an older schema version on the migrated database still moves the
        // data version when it writes a record.
        let older = Store::open_with_schema(&db.target, 4).await.unwrap();
        older.put_people("t", &[teacher("p8")]).await.unwrap();
        older.close().await;
        let v = store.data_version().await.unwrap();
        assert!(v > seq);
        assert_eq!(v, last_seq(&store).await);
        assert_eq!(store.year_digest(2024, "k").await.unwrap(), None, "stale after the write");
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}
