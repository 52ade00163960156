//! Tests of record invariants.

use super::*;

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn person(id: &str) -> SubjectRef {
    SubjectRef::Person(id.into())
}

#[test]
fn approval_before_submission_is_rejected_with_a_clear_error() {
    let plan = SelfStudyPlan::submitted("p1", 2024, d(2024, 2, 10)).unwrap();
    let err = plan.clone().approve("h1", d(2024, 2, 9)).unwrap_err().to_string();
    assert_eq!(
        err,
        "self-study plan of p1 for 2024: approval: approved on 2024-02-09, before it was submitted on 2024-02-10"
    );
    let ok = plan.approve("h1", d(2024, 2, 10)).unwrap();
    assert_eq!(ok.approval().map(|a| a.by.as_str()), Some("h1"));
    assert!(ok.approve("h1", d(2024, 3, 1)).unwrap_err().to_string().contains("already approved"));
}

#[test]
fn deserializing_goes_through_the_same_checks() {
    let bad = r#"person = "p1"
year = 2024
submitted = 2024-02-10
approval = { by = "h1", on = 2024-01-01 }"#;
    let err = toml::from_str::<SelfStudyPlan>(bad).unwrap_err().to_string();
    assert!(err.contains("before it was submitted"), "{err}");
}

#[test]
fn registration_dates_and_titles_must_fit() {
    assert!(Registration::new(person("p1"), Title::CongDanHocTap, 2024, d(2023, 12, 20)).is_ok());
    let late = Registration::new(person("p1"), Title::CongDanHocTap, 2024, d(2025, 1, 2)).unwrap_err();
    assert!(late.to_string().contains("not in 2024"));
    let wrong = Registration::new(person("p1"), Title::DonViHocTap, 2024, d(2024, 1, 2)).unwrap_err();
    assert!(wrong.to_string().contains("cannot hold"));
    assert!(Registration::new(person("p1"), Title::CongDanHocTap, 1024, d(1024, 1, 2)).is_err());
}

#[test]
fn assessment_rejects_duplicate_indicators() {
    let v = |i: &str| IndicatorValue { indicator: i.into(), value: Value::Score(Decimal::new(80, 1)), evidence: None };
    let err = Assessment::new(person("p1"), "cong-dan-hoc-tap", 2024, "e1", d(2024, 11, 1), vec![v("1"), v("1")])
        .unwrap_err()
        .to_string();
    assert!(err.contains("indicator `1` is given twice"), "{err}");
    assert!(Assessment::new(person("p1"), "cong-dan-hoc-tap", 2024, "e1", d(2023, 11, 1), vec![v("1")]).is_err());
}

#[test]
fn recognition_validity_cannot_end_before_the_decision() {
    let r = Recognition::new(
        SubjectRef::Organisation("THCS-LK".into()),
        Title::DonViHocTap,
        Some(1),
        2024,
        "123/QĐ-UBND",
        d(2025, 2, 10),
        "Chủ tịch UBND huyện Cần Đước",
        Some(d(2025, 1, 1)),
    );
    assert!(r.unwrap_err().to_string().contains("valid_until"));
    let zero = Recognition::new(
        SubjectRef::Organisation("X".into()),
        Title::DonViHocTap,
        Some(0),
        2024,
        "1/QĐ",
        d(2025, 2, 10),
        "x",
        None,
    );
    assert!(zero.unwrap_err().to_string().contains("levels start at 1"));
}

#[test]
fn verification_before_proposal_is_rejected() {
    let p = RewardProposal::new("reward.annual.individual", person("p1"), 2024, "ORG", d(2024, 11, 20)).unwrap();
    let v =
        Verification { by: "noivu".into(), on: d(2024, 11, 19), outcome: VerificationOutcome::Accepted, note: None };
    assert!(p.verify(v).unwrap_err().to_string().contains("before it was proposed"));
}

#[test]
fn only_an_accepted_dossier_is_decided_once_and_not_before_its_verification() {
    let p = RewardProposal::new("reward.annual.individual", person("p1"), 2024, "ORG", d(2024, 11, 20)).unwrap();
    let decision =
        |on| Decision { by: "ubnd".into(), on, outcome: DecisionOutcome::Approved, note: Some("QĐ 12".into()) };
    let verification = |outcome| Verification { by: "noivu".into(), on: d(2024, 11, 25), outcome, note: None };
    // Not verified yet; verified but refused.
    assert!(p.clone().decide(decision(d(2024, 12, 1))).unwrap_err().to_string().contains("not verified"));
    let refused = p.clone().verify(verification(VerificationOutcome::Refused)).unwrap();
    assert!(refused.decide(decision(d(2024, 12, 1))).unwrap_err().to_string().contains("refused at verification"));
    // Accepted: not before the verification; then once.
    let accepted = p.verify(verification(VerificationOutcome::Accepted)).unwrap();
    assert!(
        accepted.clone().decide(decision(d(2024, 11, 24))).unwrap_err().to_string().contains("before it was verified")
    );
    let decided = accepted.decide(decision(d(2024, 12, 1))).unwrap();
    assert_eq!(decided.decision().map(|d| d.outcome), Some(DecisionOutcome::Approved));
    assert!(decided.clone().decide(decision(d(2024, 12, 2))).unwrap_err().to_string().contains("already decided"));
    // The decision survives JSON, and JSON cannot smuggle in a decision without a verification.
    let json = serde_json::to_value(&decided).unwrap();
    assert_eq!(json["decision"]["outcome"], "approved");
    assert_eq!(serde_json::from_value::<RewardProposal>(json.clone()).unwrap(), decided);
    let mut unverified = json;
    unverified.as_object_mut().unwrap().remove("verification");
    assert!(serde_json::from_value::<RewardProposal>(unverified).is_err());
}
