//! Steps of the workflows that may not be undone by writing again (issue "Workflows with
//! states", items 1 and 5): a verified or decided reward proposal is not proposed again, and an
//! assessment is not replaced by a second `POST`.

use axum::http::StatusCode;
use serde_json::json;

use crate::support::{TestApp, world};

#[tokio::test]
async fn a_verified_or_decided_proposal_is_not_erased_by_proposing_it_again() {
    for app in TestApp::each("proposal-again").await {
        let w = world();
        let proposal = json!({"reward": "reward.annual.individual", "subject": {"kind": "person", "id": w.member_a}, "year": 2026, "exception": "thành tích đột xuất"});
        let r = app.post("unit-a", "/api/v1/reward-proposals", proposal.clone()).await;
        assert!(r.status.is_success(), "{}", r.text());
        // Proposed again before any verification: the same proposal, no harm.
        let r = app.post("unit-a", "/api/v1/reward-proposals", proposal.clone()).await;
        assert!(r.status.is_success(), "{}", r.text());
        let mut verified = proposal.clone();
        verified.as_object_mut().unwrap().remove("exception");
        verified["outcome"] = json!("accepted");
        verified["note"] = json!("hồ sơ đầy đủ");
        let r = app.post("verifier", "/api/v1/reward-proposals/verification", verified).await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app.post("unit-a", "/api/v1/reward-proposals", proposal.clone()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let mut decided = proposal.clone();
        decided.as_object_mut().unwrap().remove("exception");
        decided["decision"] = json!("approved");
        let r = app.post("admin", "/api/v1/reward-proposals/decision", decided).await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app.post("admin", "/api/v1/reward-proposals", proposal.clone()).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        // The verification, its note and the decision are all still there.
        let list = app.get("admin", "/api/v1/reward-proposals?year=2026").await.text();
        assert!(list.contains("hồ sơ đầy đủ") && list.contains("approved"), "{list}");
    }
}

#[tokio::test]
async fn an_assessment_is_changed_with_its_version_never_replaced_by_a_second_post() {
    for app in TestApp::each("assessment-again").await {
        let w = world();
        let body = |evaluator: &str| {
            json!({"subject": {"kind": "person", "id": "P-ASSESS"}, "rulebook": "cong-dan-hoc-tap", "year": 2026,
                   "evaluator": evaluator, "date": "2026-06-01", "values": []})
        };
        let r = app
            .post(
                "admin",
                "/api/v1/people",
                json!({"id": "P-ASSESS", "full_name": "Người Được Đánh Giá", "category": "giao-vien", "organisation": w.org_a, "member_since": "2026-01-01"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app.post("reviewer", "/api/v1/assessments", body("Tổ đánh giá")).await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app.post("unit-a", "/api/v1/assessments", body("Tự đánh giá")).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let mut put = body("Tổ đánh giá (sửa)");
        put["version"] = json!(1);
        let r = app.send(Some("reviewer"), "PUT", "/api/v1/assessments", Some(put)).await;
        assert!(r.status.is_success(), "{}", r.text());
        let list = app.get("admin", "/api/v1/assessments?year=2026&person=P-ASSESS").await.text();
        assert!(list.contains("Tổ đánh giá (sửa)") && !list.contains("Tự đánh giá"), "{list}");
    }
}
