//! A small district through the store: records written, the year loaded in bulk, evaluated by
//! `evaluate_year`, the results saved with the rules' identity and read back.

use rust_decimal::Decimal;
use xhht_core::Title;
use xhht_core::entity::MemberRole;
use xhht_core::record::{
    Assessment, Commitment, IndicatorValue, Recognition, Registration, SelfStudyPlan, SubjectRef, Value,
};
use xhht_core::rulebook::RulebookSet;
use xhht_scoring::year::{YearEngines, evaluate_year};
use xhht_store::{Store, YearData};

use crate::support::*;

fn scores(person: &str, year: i32, each: i64, seventh: &str) -> Assessment {
    let mut values: Vec<IndicatorValue> = ["1", "2", "3", "4", "5", "6", "8", "9", "10"]
        .iter()
        .map(|i| IndicatorValue { indicator: (*i).into(), value: Value::Score(Decimal::from(each)), evidence: None })
        .collect();
    values.push(IndicatorValue {
        indicator: "7".into(),
        value: Value::Score(seventh.parse().unwrap()),
        evidence: None,
    });
    Assessment::new(SubjectRef::Person(person.into()), "cong-dan-hoc-tap", year, "HKH", d(year, 11, 20), values)
        .unwrap()
}

fn participates(subject: SubjectRef, indicator: &str, year: i32) -> Assessment {
    let v = IndicatorValue { indicator: indicator.into(), value: Value::YesNo(true), evidence: None };
    Assessment::new(subject, "ke-hoach.can-duoc-2024", year, "PGD", d(year, 12, 1), vec![v]).unwrap()
}

/// Two schools; h1 heads A until 31/03/2024 and h5 after; h2 heads B; p2 and p4 move to B on
/// 01/07/2024. (The district of `xhht-scoring`'s year test.)
pub(crate) async fn district(store: &Store) {
    let y = 2024;
    let who = ["h1", "h2", "h5", "p1", "p2", "p3", "p4"];
    store.put_areas("t", &areas()).await.unwrap();
    store.put_organisations("t", &[school("A", "27700"), school("B", "27703")]).await.unwrap();
    store.put_people("t", &who.map(teacher)).await.unwrap();
    store
        .put_memberships(
            "t",
            &[
                member("h1", "A", MemberRole::Head, d(2015, 1, 1), Some(d(2024, 3, 31))),
                member("h5", "A", MemberRole::Head, d(2024, 4, 1), None),
                member("h2", "B", MemberRole::Head, d(2015, 1, 1), None),
                member("p1", "A", MemberRole::Member, d(2015, 1, 1), None),
                member("p2", "A", MemberRole::Member, d(2015, 1, 1), Some(d(2024, 6, 30))),
                member("p2", "B", MemberRole::Member, d(2024, 7, 1), None),
                member("p3", "A", MemberRole::Member, d(2015, 1, 1), None),
                member("p4", "A", MemberRole::Member, d(2015, 1, 1), Some(d(2024, 6, 30))),
                member("p4", "B", MemberRole::Member, d(2024, 7, 1), None),
                // Long over: outside the window a year loads.
                member("p1", "B", MemberRole::Member, d(2005, 1, 1), Some(d(2010, 12, 31))),
            ],
        )
        .await
        .unwrap();
    let plan = |p: &str, by: &str, on| SelfStudyPlan::submitted(p, y, d(y, 1, 15)).unwrap().approve(by, on).unwrap();
    store
        .put_self_study_plans(
            "t",
            &[
                plan("p1", "h1", d(y, 2, 1)),
                plan("p2", "h1", d(y, 3, 1)),
                plan("p3", "h2", d(y, 2, 1)),
                plan("p4", "h1", d(y, 8, 1)),
                plan("h5", "h5", d(y, 4, 2)),
            ],
        )
        .await
        .unwrap();
    let mut registrations = Vec::new();
    let mut commitments = Vec::new();
    let mut assessments = Vec::new();
    for p in who {
        registrations
            .push(Registration::new(SubjectRef::Person(p.into()), Title::CongDanHocTap, y, d(y, 1, 10)).unwrap());
        commitments.push(Commitment { person: p.into(), year: y, date: d(y, 1, 10) });
        assessments.push(participates(SubjectRef::Person(p.into()), "i3", y));
    }
    for org in ["A", "B"] {
        registrations
            .push(Registration::new(SubjectRef::Organisation(org.into()), Title::DonViHocTap, y, d(y, 1, 5)).unwrap());
        assessments.push(participates(SubjectRef::Organisation(org.into()), "c3", y));
    }
    assessments.extend([
        scores("p1", y, 8, "10"),
        scores("p2", y, 8, "8"),
        scores("p3", y, 8, "7.5"),
        scores("h5", y, 8, "8"),
        scores("p4", y, 9, "4.5"),
    ]);
    // A commitment of another year is not part of 2024.
    commitments.push(Commitment { person: "p1".into(), year: 2023, date: d(2023, 1, 10) });
    store.put_registrations("t", &registrations).await.unwrap();
    store.put_commitments("t", &commitments).await.unwrap();
    store.put_assessments("t", &assessments).await.unwrap();
    let rec = Recognition::new(
        SubjectRef::Organisation("B".into()),
        Title::DonViHocTap,
        Some(1),
        2024,
        "15/QĐ-UBND",
        d(2025, 2, 10),
        "Chủ tịch UBND huyện Cần Đước",
        None,
    )
    .unwrap();
    store.put_recognitions("t", &[rec]).await.unwrap();
}

fn outcome(r: &xhht_store::StoredResult, rulebook: &str) -> Option<String> {
    r.evaluations.iter().find(|e| e.rulebook == rulebook).and_then(|e| e.outcome.clone())
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_district_year_is_loaded_evaluated_saved_and_read_back() {
    each_backend("year", async |db| {
        let store = db.open().await;
        district(&store).await;
        let data: YearData = store.load_year(2024).await.unwrap();
        assert_eq!((data.people.len(), data.organisations.len()), (7, 2));
        assert_eq!(data.memberships.len(), 9, "the 2005–2010 membership is outside the window");
        assert_eq!(data.commitments.len(), 7, "only the year's commitments");
        assert_eq!(data.assessments.len(), 14);
        assert_eq!(data.recognitions.len(), 1);
        assert_eq!(data.areas.len(), 4);

        let engines = YearEngines::builtin().unwrap();
        let results = evaluate_year(&engines, data.input()).unwrap();
        let person = |id: &str| results.people.iter().find(|p| p.id == id).unwrap();
        assert!(person("p1").holds_title && person("p2").holds_title);
        assert!(!person("p3").holds_title, "79.5 < 80");

        let written = store.save_results("engine", 2024, &data, &results, &engines).await.unwrap();
        assert_eq!(written, 9, "7 people and 2 organisations");
        let stored = store.results(2024).await.unwrap();
        assert_eq!(stored.len(), 9);
        let get = |id: &str| stored.iter().find(|r| r.subject.id() == id).unwrap();
        let cdht = RulebookSet::builtin().get("cong-dan-hoc-tap").unwrap();
        let p1 = get("p1");
        assert!(p1.holds_title && p1.registered);
        assert_eq!(p1.organisation.as_deref(), Some("A"));
        let e = p1.evaluations.iter().find(|e| e.rulebook == "cong-dan-hoc-tap").unwrap();
        assert_eq!(e.content_hash, cdht.content_hash);
        assert_eq!(e.version, cdht.rulebook.version_for_year(2024).unwrap().id);
        assert_eq!(e.total, Some(Decimal::from(82)));
        assert_eq!(outcome(p1, "ke-hoach.can-duoc-2024").as_deref(), Some("dat"));
        assert_eq!(outcome(get("p3"), "ke-hoach.can-duoc-2024").as_deref(), Some("khong_dat"), "wrong head");
        let p3 = get("p3").evaluations.iter().find(|e| e.rulebook == "cong-dan-hoc-tap").unwrap();
        assert_eq!(p3.total, Some("79.5".parse().unwrap()), "decimals come back exactly");
        assert_eq!(get("p2").organisation.as_deref(), Some("B"), "as of 31 December");
        let b = get("B");
        assert_eq!((b.holds_title, b.title_level, b.registered), (true, Some(1), true));

        // Saving the same results again changes nothing; the chain still verifies.
        assert_eq!(store.save_results("engine", 2024, &data, &results, &engines).await.unwrap(), 0);
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn duty_reports_are_stored_by_key_and_loaded_with_their_year() {
    use xhht_core::record::DutyReport;
    each_backend("duty", async |db| {
        let store = db.open().await;
        district(&store).await;
        let field = |org: &str, year: i32, field: &str, value: &str| DutyReport {
            actor: "actor.phong-ldtbxh".into(),
            organisation: org.into(),
            year,
            duty: "actor.phong-ldtbxh.2".into(),
            field: field.into(),
            value: value.into(),
        };
        let w = store
            .put_duty_reports("t", &[field("A", 2024, "classes-opened", "12"), field("A", 2023, "classes-opened", "9")])
            .await
            .unwrap();
        assert_eq!(w.added, 2);
        // Same key, new value: changed, not added.
        let w = store.put_duty_reports("t", &[field("A", 2024, "classes-opened", "14")]).await.unwrap();
        assert_eq!((w.added, w.changed), (0, 1));
        let y = store.load_year(2024).await.unwrap();
        assert_eq!(y.duty_reports, vec![field("A", 2024, "classes-opened", "14")]);
        // An organisation not on record: refused, naming the field; nothing written.
        let e = store
            .put_duty_reports("t", &[field("A", 2024, "women-trained", "3"), field("NOWHERE", 2024, "x", "1")])
            .await
            .unwrap_err();
        assert!(e.to_string().contains("organisation"), "{e}");
        assert_eq!(store.load_year(2024).await.unwrap().duty_reports.len(), 1);
        assert!(store.audit_verify().await.unwrap().is_ok());
        store.close().await;
    })
    .await;
}
