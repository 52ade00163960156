//! The records' lifecycles through the API (issue "Workflows with states", items 2, 3, 6, 7 and
//! 8; items 1 and 5 are in `workflow.rs`), and a property test: random steps by random
//! principals, through the API and the import, never reach a state `xhht_core::workflow`'s
//! table forbids.

use axum::http::StatusCode;
use proptest::prelude::*;
use serde_json::{Value, json};
use xhht_core::workflow::{Kind, Party, State, Step, may_import, next};

use crate::support::{TestApp, raw, today, world};

/// Ten scores of `score` on the citizen rulebook's indicators 1–10.
fn scores(score: u8) -> Value {
    Value::Array(
        (1..=10)
            .map(|i| json!({"indicator": i.to_string(), "value": {"type": "score", "value": score.to_string()}}))
            .collect(),
    )
}

/// Adds a person of `org_a`, registered for 2026 when `registered`, and returns their id.
async fn new_person(app: &TestApp, id: &str, registered: bool) {
    let w = world();
    let r = app
        .post(
            "admin",
            "/api/v1/people",
            json!({"id": id, "full_name": "Người Thử Nghiệm", "category": "giao-vien", "organisation": w.org_a, "member_since": "2026-01-01"}),
        )
        .await;
    assert!(r.status.is_success(), "{}", r.text());
    if registered {
        let r = app
            .post(
                "admin",
                "/api/v1/registrations",
                json!({"subject": {"kind": "person", "id": id}, "title": "cong-dan-hoc-tap", "year": 2026, "date": "2026-02-01"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
    }
}

/// A member account for `person`, usable as `user` in `app.send`.
async fn member_account(app: &mut TestApp, user: &str, person: &str) {
    let r = app.post("admin", "/api/v1/users", json!({"name": user, "role": "member", "person": person})).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let r = app.post("admin", &format!("/api/v1/users/{user}/tokens"), json!({"name": "t"})).await;
    assert!(r.status.is_success(), "{}", r.text());
    let token = r.json()["token"].as_str().unwrap().to_owned();
    app.tokens.insert(user.to_owned(), token);
}

fn official(id: &str, score: u8) -> Value {
    json!({"subject": {"kind": "person", "id": id}, "rulebook": "cong-dan-hoc-tap", "year": 2026,
           "evaluator": "Tổ đánh giá", "date": "2026-11-20", "values": scores(score)})
}

#[tokio::test]
async fn a_self_assessment_never_confers_the_title_nor_replaces_the_official_one() {
    for mut app in TestApp::each("self-assessment").await {
        new_person(&app, "P-SELF", true).await;
        member_account(&mut app, "p-self", "P-SELF").await;
        let own = json!({"subject": {"kind": "person", "id": "P-SELF"}, "rulebook": "cong-dan-hoc-tap", "year": 2026, "values": scores(8)});
        let r = app.post("p-self", "/api/v1/self-assessments", own.clone()).await;
        assert!(r.status.is_success(), "{}", r.text());
        // 80/100 by herself: no title, and no official assessment.
        let x = app.get("admin", "/api/v1/explanations/P-SELF?year=2026").await.json();
        assert_eq!(x["holds_title"], false, "{x}");
        let list = app.get("admin", "/api/v1/assessments?year=2026&person=P-SELF").await.json();
        assert_eq!(list["total"], 0, "{list}");
        // Her own account cannot write the official one.
        let r = app.post("p-self", "/api/v1/assessments", official("P-SELF", 9)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        // The evaluating body's assessment stands apart; the self-assessment is then closed.
        let r = app.post("reviewer", "/api/v1/assessments", official("P-SELF", 4)).await;
        assert!(r.status.is_success(), "{}", r.text());
        // She reads her own; a colleague's own account and a viewer do not.
        let mine = app.get("p-self", "/api/v1/self-assessments?year=2026").await.json();
        assert_eq!(mine.as_array().map(Vec::len), Some(1), "{mine}");
        assert_eq!(mine[0]["version"], 1, "{mine}");
        for other in ["member-a", "viewer", "unit-b"] {
            let theirs = app.get(other, "/api/v1/self-assessments?year=2026&person=P-SELF").await.json();
            assert_eq!(theirs.as_array().map(Vec::len), Some(0), "{other}: {theirs}");
        }
        let heads = app.get("unit-a", "/api/v1/self-assessments?year=2026&person=P-SELF").await.json();
        assert_eq!(heads.as_array().map(Vec::len), Some(1), "her unit reads it: {heads}");
        let mut again = own.clone();
        again["version"] = json!(1);
        let r = app.post("p-self", "/api/v1/self-assessments", again).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let x = app.get("admin", "/api/v1/explanations/P-SELF?year=2026").await.json();
        assert_eq!(x["holds_title"], false, "40/100 officially: {x}");
    }
}

#[tokio::test]
async fn a_recognition_needs_a_registered_subject_with_a_passing_official_result() {
    for app in TestApp::each("recognition-checks").await {
        new_person(&app, "P-FAIL", true).await;
        new_person(&app, "P-NOREG", false).await;
        assert!(app.post("reviewer", "/api/v1/assessments", official("P-FAIL", 4)).await.status.is_success());
        assert!(app.post("reviewer", "/api/v1/assessments", official("P-NOREG", 9)).await.status.is_success());
        let rec = |id: &str, n: &str| {
            json!({"subject": {"kind": "person", "id": id}, "title": "cong-dan-hoc-tap", "year": 2026,
                   "decision_number": n, "decision_date": "2026-11-30", "authority": "UBND xã"})
        };
        let r = app.post("reviewer", "/api/v1/recognitions", rec("P-FAIL", "QĐ 1")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("không đạt"), "{}", r.text());
        let r = app.post("reviewer", "/api/v1/recognitions", rec("P-NOREG", "QĐ 2")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("chưa đăng ký"), "{}", r.text());
        // The reviewer's exception is not one: exceptions are the administrator's, with a reason.
        let mut with = rec("P-FAIL", "QĐ 1");
        with["exception"] = json!("xét đặc cách");
        let r = app.post("reviewer", "/api/v1/recognitions", with.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = app.post("admin", "/api/v1/recognitions", with).await;
        assert!(r.status.is_success(), "{}", r.text());
        // The decision on record is changed only by a correction, with a reason.
        let mut changed = rec("P-FAIL", "QĐ 1");
        changed["authority"] = json!("UBND tỉnh");
        let r = app.post("reviewer", "/api/v1/recognitions", changed.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = app.post("admin", "/api/v1/recognitions", changed.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "a correction needs its reason: {}", r.text());
        changed["exception"] = json!("sai cơ quan ký");
        let r = app.post("admin", "/api/v1/recognitions", changed).await;
        assert!(r.status.is_success(), "{}", r.text());
    }
}

#[tokio::test]
async fn a_persons_own_account_and_an_officer_cannot_act_for_the_unit() {
    for app in TestApp::each("own-account").await {
        let w = world();
        let a = &w.org_a;
        // Her own records: yes.
        let r = app
            .post("member-a", "/api/v1/commitments", json!({"person": w.member_a, "year": 2026, "date": "2026-12-01"}))
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        let colleague_plan = json!({"content": "x", "submit": true});
        let r = app
            .send(Some("member-a"), "PUT", &format!("/api/v1/self-study-plans/{}/2027", w.head_a), Some(colleague_plan))
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "a colleague's plan: {}", r.text());
        let me = json!({"kind": "person", "id": w.member_a});
        let propose =
            json!({"reward": "reward.annual.individual", "subject": me, "year": 2026, "exception": "tự đề nghị"});
        let r = app.post("member-a", "/api/v1/reward-proposals", propose.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "proposing herself: {}", r.text());
        let school = json!({"subject": {"kind": "organisation", "id": a}, "rulebook": "don-vi-hoc-tap.tt24-2023", "year": 2026,
                            "evaluator": "x", "date": "2026-11-01", "values": []});
        let r = app.post("member-a", "/api/v1/assessments", school).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the school's assessment: {}", r.text());
        let actor = w.actor_a.clone().unwrap_or_else(|| "actor.ubnd-xa".into());
        let report = json!({"actor": actor, "organisation": a, "year": 2026});
        let r = app.post("member-a", "/api/v1/report-submissions", report.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "the school's report: {}", r.text());
        // A unit account that is not the head's enters records but does not sign for the unit.
        let r = app.post("unit-a-member", "/api/v1/reward-proposals", propose).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        assert!(r.text().contains("thủ trưởng"), "{}", r.text());
        let r = app.post("unit-a-member", "/api/v1/report-submissions", report.clone()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = app.post("unit-a", "/api/v1/report-submissions", report).await;
        assert!(r.status.is_success(), "the head signs: {}", r.text());
        // Her own account reads no one else's personal data.
        let r = app.get("member-a", &format!("/api/v1/people/{}", w.head_a)).await;
        assert!(r.status == StatusCode::FORBIDDEN || r.json()["full_name"].is_null(), "{}", r.text());
    }
}

#[tokio::test]
async fn a_proposal_follows_eligibility_and_a_return_reaches_the_proposer() {
    for app in TestApp::each("proposal-steps").await {
        new_person(&app, "P-WEAK", true).await;
        assert!(app.post("reviewer", "/api/v1/assessments", official("P-WEAK", 4)).await.status.is_success());
        let key =
            json!({"reward": "reward.annual.individual", "subject": {"kind": "person", "id": "P-WEAK"}, "year": 2026});
        let r = app.post("unit-a", "/api/v1/reward-proposals", key.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "not eligible, no exception: {}", r.text());
        assert_eq!(r.json()["errors"][0]["field"], "exception", "{}", r.text());
        let mut with = key.clone();
        with["exception"] = json!("cứu người trong lũ");
        let r = app.post("unit-a", "/api/v1/reward-proposals", with.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        // Returned: a reason is required, and the proposer sees it.
        let mut ret = key.clone();
        ret["outcome"] = json!("refused");
        let r = app.post("verifier", "/api/v1/reward-proposals/verification", ret.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        ret["note"] = json!("thiếu xác nhận của địa phương");
        let r = app.post("verifier", "/api/v1/reward-proposals/verification", ret).await;
        assert!(r.status.is_success(), "{}", r.text());
        let inbox = app.get("unit-a", "/api/v1/inbox?year=2026").await.text();
        assert!(inbox.contains("thiếu xác nhận của địa phương"), "{inbox}");
        // Proposed again, accepted (its exception stated), awarded; then only a correction.
        let r = app.post("unit-a", "/api/v1/reward-proposals", with.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let inbox = app.get("verifier", "/api/v1/inbox?year=2026").await.text();
        assert!(inbox.contains("P-WEAK"), "{inbox}");
        let mut acc = key.clone();
        acc["outcome"] = json!("accepted");
        assert!(app.post("verifier", "/api/v1/reward-proposals/verification", acc).await.status.is_success());
        let mut dec = key.clone();
        dec["decision"] = json!("approved");
        assert!(app.post("admin", "/api/v1/reward-proposals/decision", dec.clone()).await.status.is_success());
        let r = app.post("unit-a", "/api/v1/reward-proposals", with).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let r = app.post("admin", "/api/v1/reward-proposals/correction", key.clone()).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let mut cor = key.clone();
        cor["reason"] = json!("quyết định ghi nhầm người");
        let r = app.post("admin", "/api/v1/reward-proposals/correction", cor).await;
        assert!(r.status.is_success(), "{}", r.text());
        let h = app
            .get(
                "unit-a",
                "/api/v1/history?record=reward-proposal&reward=reward.annual.individual&person=P-WEAK&year=2026",
            )
            .await;
        assert!(h.status.is_success(), "{}", h.text());
        let entries = h.json();
        assert!(entries.as_array().unwrap().len() >= 5, "{entries}");
        assert!(h.text().contains("quyết định ghi nhầm người"), "{}", h.text());
        let r = app
            .get(
                "unit-b",
                "/api/v1/history?record=reward-proposal&reward=reward.annual.individual&person=P-WEAK&year=2026",
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    }
}

#[tokio::test]
async fn a_self_study_plan_has_its_text_a_return_reason_and_a_history() {
    for app in TestApp::each("plan-steps").await {
        let w = world();
        let uri = format!("/api/v1/self-study-plans/{}/2027", w.member_a);
        let draft = json!({"content": "Học tiếng Anh giao tiếp 2 buổi mỗi tuần", "submit": false});
        let r = app.send(Some("member-a"), "PUT", &uri, Some(draft)).await;
        assert!(r.status.is_success(), "{}", r.text());
        // Her plan's text is hers: not in a viewer's list.
        let list = app.get("viewer", &format!("/api/v1/self-study-plans?year=2027&person={}", w.member_a)).await.text();
        assert!(!list.contains("tiếng Anh"), "{list}");
        let list = app.get("unit-a", &format!("/api/v1/self-study-plans?year=2027&person={}", w.member_a)).await.text();
        assert!(list.contains("tiếng Anh") && list.contains("draft"), "{list}");
        // A draft is not approved.
        let r = app.post("unit-a", &format!("{uri}/approval"), json!({})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        let r = app.send(Some("member-a"), "PUT", &uri, Some(json!({"submit": true}))).await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app.post("unit-a", &format!("{uri}/return"), json!({"reason": "nêu rõ thời gian hoàn thành"})).await;
        assert!(r.status.is_success(), "{}", r.text());
        let inbox = app.get("member-a", "/api/v1/inbox?year=2027").await.text();
        assert!(inbox.contains("nêu rõ thời gian hoàn thành"), "{inbox}");
        let fixed = json!({"content": "Học tiếng Anh giao tiếp, xong trước 30/11/2027", "submit": true});
        let r = app.send(Some("member-a"), "PUT", &uri, Some(fixed)).await;
        assert!(r.status.is_success(), "{}", r.text());
        let inbox = app.get("unit-a", "/api/v1/inbox?year=2027").await.text();
        assert!(inbox.contains(&w.member_a), "the head's inbox lists the plan: {inbox}");
        let r = app.post("unit-a", &format!("{uri}/approval"), json!({})).await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app.send(Some("member-a"), "PUT", &uri, Some(json!({"submit": false}))).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "an approved plan is not a draft again: {}", r.text());
        // A file cannot take it back either: the row is refused on its line, nothing written.
        let csv = format!("person,year,submitted,state\n{},2027,01/12/2026,submitted\n", w.member_a);
        let r = raw(&app, "admin", "/api/v1/imports/self-study-plans?file=plans.csv", "text/csv", csv).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert!(r.text().contains("line 2") || r.text().contains("plans.csv:2"), "{}", r.text());
        let list = app.get("unit-a", &format!("/api/v1/self-study-plans?year=2027&person={}", w.member_a)).await.text();
        assert!(list.contains("approved"), "{list}");
        let h = app
            .get("member-a", &format!("/api/v1/history?record=self-study-plan&person={}&year=2027", w.member_a))
            .await;
        assert!(h.status.is_success(), "{}", h.text());
        assert!(h.json().as_array().unwrap().len() >= 5, "{}", h.text());
        let h =
            app.get("member-a", &format!("/api/v1/history?record=self-study-plan&person={}&year=2027", w.head_a)).await;
        assert_eq!(h.status, StatusCode::FORBIDDEN, "{}", h.text());
    }
}

// ---------------------------------------------------------------------------------------------
// The property: random steps by random principals, through the API and the import.

const ACTORS: [&str; 8] = ["admin", "unit-a", "unit-a-member", "member-a", "reviewer", "verifier", "viewer", "unit-b"];

fn party_of(user: &str) -> Option<Party> {
    Some(match user {
        "admin" => Party::Admin,
        "unit-a" => Party::Head,
        "unit-a-member" | "unit-b" => Party::Officer,
        "member-a" => Party::Person,
        "reviewer" => Party::Reviewer,
        "verifier" => Party::Verifier,
        _ => return None,
    })
}

#[derive(Debug, Clone, Copy)]
enum PlanOp {
    Step(Step),
    Import(State),
}

fn plan_op() -> impl Strategy<Value = PlanOp> {
    prop_oneof![
        prop::sample::select(vec![Step::SaveDraft, Step::Submit, Step::Approve, Step::Return, Step::Correct])
            .prop_map(PlanOp::Step),
        prop::sample::select(vec![State::Draft, State::Submitted, State::Returned, State::Approved])
            .prop_map(PlanOp::Import),
    ]
}

fn proposal_step() -> impl Strategy<Value = Step> {
    prop::sample::select(vec![Step::Propose, Step::Accept, Step::Return, Step::Award, Step::Reject, Step::Correct])
}

fn plan_state_of(list: &Value) -> State {
    match list["items"]
        .as_array()
        .and_then(|a| a.first())
        .map(|p| p["state"].as_str().unwrap_or("submitted").to_owned())
    {
        None => State::Absent,
        Some(s) => match s.as_str() {
            "draft" => State::Draft,
            "returned" => State::Returned,
            "approved" => State::Approved,
            _ => State::Submitted,
        },
    }
}

fn proposal_state_of(list: &Value, subject: &str) -> State {
    let Some(p) = list["items"].as_array().and_then(|a| a.iter().find(|p| p["proposal"]["subject"]["id"] == subject))
    else {
        return State::Absent;
    };
    match (p["proposal"]["verification"]["outcome"].as_str(), p["decision"].as_str()) {
        (_, Some("approved")) => State::Awarded,
        (_, Some(_)) => State::Rejected,
        (Some("accepted"), None) => State::Accepted,
        (Some(_), None) => State::Returned,
        (None, None) => State::Proposed,
    }
}

async fn plan_state(app: &TestApp) -> State {
    let w = world();
    plan_state_of(&app.get("admin", &format!("/api/v1/self-study-plans?year=2027&person={}", w.member_a)).await.json())
}

async fn do_plan(app: &TestApp, user: &str, op: PlanOp) -> StatusCode {
    let w = world();
    let uri = format!("/api/v1/self-study-plans/{}/2027", w.member_a);
    match op {
        PlanOp::Step(Step::SaveDraft) => {
            app.send(Some(user), "PUT", &uri, Some(json!({"content": "x", "submit": false}))).await.status
        }
        PlanOp::Step(Step::Submit) => app.send(Some(user), "PUT", &uri, Some(json!({"submit": true}))).await.status,
        PlanOp::Step(Step::Approve) => {
            let body = if user == "admin" { json!({"by": w.head_a}) } else { json!({}) };
            app.post(user, &format!("{uri}/approval"), body).await.status
        }
        PlanOp::Step(Step::Return) => app.post(user, &format!("{uri}/return"), json!({"reason": "r"})).await.status,
        PlanOp::Step(_) => app.post(user, &format!("{uri}/correction"), json!({"reason": "r"})).await.status,
        PlanOp::Import(state) => {
            let day = today().format("%d/%m/%Y").to_string();
            let (by, on) = if state == State::Approved { (w.head_a.as_str(), day.as_str()) } else { ("", "") };
            let id = match state {
                State::Draft => "draft",
                State::Returned => "returned",
                State::Approved => "approved",
                _ => "submitted",
            };
            let note = if state == State::Returned { "bổ sung" } else { "" };
            let csv = format!(
                "person,year,submitted,approved_by,approved_on,state,note\n{},2027,{day},{by},{on},{id},{note}\n",
                w.member_a
            );
            raw(app, "admin", "/api/v1/imports/self-study-plans?file=plans.csv", "text/csv", csv).await.status
        }
    }
}

async fn proposal_state(app: &TestApp) -> State {
    let w = world();
    proposal_state_of(&app.get("admin", "/api/v1/reward-proposals?year=2026&per_page=500").await.json(), &w.member_a)
}

async fn do_proposal(app: &TestApp, user: &str, step: Step) -> StatusCode {
    let w = world();
    let key =
        json!({"reward": "reward.annual.individual", "subject": {"kind": "person", "id": w.member_a}, "year": 2026});
    let with = |k: &str, v: &str| {
        let mut b = key.clone();
        b[k] = json!(v);
        b
    };
    let (uri, body) = match step {
        Step::Propose => ("/api/v1/reward-proposals", with("exception", "thành tích đột xuất")),
        Step::Accept => ("/api/v1/reward-proposals/verification", with("outcome", "accepted")),
        Step::Return => {
            let mut b = with("outcome", "refused");
            b["note"] = json!("thiếu hồ sơ");
            ("/api/v1/reward-proposals/verification", b)
        }
        Step::Award => ("/api/v1/reward-proposals/decision", with("decision", "approved")),
        Step::Reject => ("/api/v1/reward-proposals/decision", with("decision", "rejected")),
        _ => ("/api/v1/reward-proposals/correction", with("reason", "ghi nhầm")),
    };
    app.post(user, uri, body).await.status
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 12, failure_persistence: None, ..ProptestConfig::default() })]

    /// Every answer agrees with the table: a write that succeeds made exactly the transition
    /// the table gives for the caller's party (an import, a move `may_import` allows), a step
    /// the table refuses never succeeds, and a refused write changes nothing.
    #[test]
    fn random_steps_by_random_principals_never_leave_the_table(
        plan_ops in prop::collection::vec((0..ACTORS.len(), plan_op()), 1..10),
        proposal_steps in prop::collection::vec((0..ACTORS.len(), proposal_step()), 1..10),
    ) {
        let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
        rt.block_on(async {
            let app = TestApp::new("lifecycle-prop").await;
            for (who, op) in plan_ops {
                let user = ACTORS[who];
                let before = plan_state(&app).await;
                let status = do_plan(&app, user, op).await;
                let after = plan_state(&app).await;
                assert!(!status.is_server_error(), "{user} {op:?}: {status}");
                match op {
                    PlanOp::Step(step) => {
                        let table = party_of(user).map(|p| next(Kind::SelfStudyPlan, false, before, step, p));
                        if status.is_success() {
                            assert_eq!(table, Some(Ok(after)), "{user} {step:?} from {before:?} reached {after:?}");
                        } else {
                            assert_eq!(after, before, "{user} {step:?} refused ({status}) but changed the plan");
                        }
                    }
                    PlanOp::Import(incoming) => {
                        if status.is_success() {
                            assert!(may_import(Kind::SelfStudyPlan, before, incoming), "import {incoming:?} over {before:?}");
                            assert_eq!(after, incoming);
                        } else {
                            assert_eq!(after, before, "a refused import changed the plan");
                        }
                        if !may_import(Kind::SelfStudyPlan, before, incoming) {
                            assert!(!status.is_success(), "import {incoming:?} over {before:?} was let through");
                        }
                    }
                }
            }
            for (who, step) in proposal_steps {
                let user = ACTORS[who];
                let before = proposal_state(&app).await;
                let status = do_proposal(&app, user, step).await;
                let after = proposal_state(&app).await;
                assert!(!status.is_server_error(), "{user} {step:?}: {status}");
                let table = party_of(user).map(|p| next(Kind::RewardProposal, false, before, step, p));
                if status.is_success() {
                    assert_eq!(table, Some(Ok(after)), "{user} {step:?} from {before:?} reached {after:?}");
                } else {
                    assert_eq!(after, before, "{user} {step:?} refused ({status}) but changed the proposal");
                    if let Some(Ok(_)) = table {
                        // Allowed by the table: refused only for a condition (a verification's
                        // eligibility, dates), never as forbidden.
                        assert_ne!(status, StatusCode::FORBIDDEN, "{user} {step:?} from {before:?}");
                    }
                }
            }
        });
    }
}
