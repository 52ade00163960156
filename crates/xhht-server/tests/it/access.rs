//! "No endpoint that writes is reachable without a role allowed to write that record": every
//! writing endpoint × every role (and anonymous), the answer checked against `decide`.

use axum::http::StatusCode;
use serde_json::{Value, json};
use xhht_core::access::{Action, Principal, Resource, Role, decide};
use xhht_core::workflow::{Kind, Party, Step, takes};

use crate::support::{TestApp, USERS, today, world};

/// One writing request and what `decide` is asked about it.
struct WriteCase {
    method: &'static str,
    uri: String,
    body: Value,
    action: Action,
    /// What `decide` is asked about: every one must be allowed (a move writes the records of
    /// the organisation left and of the one joined).
    resources: Vec<Resource>,
    /// For approvals: the person who must be acting (the head on the day).
    head: Option<String>,
    /// The lifecycle step taken (`xhht_core::workflow`), about a collective or not: the
    /// caller's party must take it too.
    step: Option<(Kind, Step, bool)>,
    /// A person's own record: a `member` account is asked about `Resource::Own` of the
    /// person (`member_a`).
    own: bool,
}

fn principal(user: &str) -> (Principal, Option<String>) {
    let w = world();
    let (role, org, person) = match user {
        "admin" => (Role::Admin, None, None),
        "reviewer" => (Role::Reviewer, None, None),
        "verifier" => (Role::Verifier, None, None),
        "viewer" => (Role::Viewer, None, None),
        "unit-a" => (Role::Unit, Some(w.org_a.clone()), Some(w.head_a.clone())),
        "unit-a-member" => (Role::Unit, Some(w.org_a.clone()), Some(w.member_a.clone())),
        "unit-b" => (Role::Unit, Some(w.org_b.clone()), None),
        "member-a" => (Role::Member, None, Some(w.member_a.clone())),
        other => panic!("unknown user {other}"),
    };
    (Principal { user: user.to_owned(), role, organisation: org, person: person.clone() }, person)
}

/// The party a test user is for a record of `org_a`'s people (or of `org_a` itself).
fn party(user: &str) -> Option<Party> {
    Some(match user {
        "admin" => Party::Admin,
        "reviewer" => Party::Reviewer,
        "verifier" => Party::Verifier,
        "unit-a" => Party::Head,
        "unit-a-member" | "unit-b" => Party::Officer,
        "member-a" => Party::Person,
        _ => return None,
    })
}

async fn cases(app: &TestApp) -> Vec<WriteCase> {
    let w = world();
    let a = w.org_a.clone();
    let rec = || Resource::OrganisationRecord(a.clone());
    let org = app.get("admin", &format!("/api/v1/organisations/{a}")).await.json();
    let org_in = json!({
        "code": org["code"], "name": org["name"], "kind": org["kind"], "ownership": org["ownership"],
        "level": org["level"], "area": org["area"], "parent": org.get("parent"), "actor": org.get("actor"),
        "valid_from": org["valid"]["from"], "valid_to": org["valid"].get("to"),
    });
    let mut new_org = org_in.clone();
    new_org["code"] = json!("NEW-ORG-1");
    let person = app.get("admin", &format!("/api/v1/people/{}", w.member_a)).await.json();
    let person_in = json!({
        "id": w.member_a, "full_name": person["full_name"], "birth_year": person["birth_year"],
        "category": person["category"], "organisation": a,
    });
    let subject = json!({"kind": "person", "id": w.member_a});
    let day = today().to_string();
    // Two people of B today: a member and its head.
    let b = w.org_b.clone();
    let rec_b = || Resource::OrganisationRecord(b.clone());
    let of_b = app.get("admin", &format!("/api/v1/memberships?organisation={b}&per_page=500")).await.json();
    let in_b = |role: &str| {
        of_b["items"]
            .as_array()
            .unwrap()
            .iter()
            .find(|m| m["role"] == role && m["period"]["to"].is_null())
            .map(|m| m["person"].as_str().unwrap().to_owned())
    };
    let member_b = in_b("member").expect("a member of B");
    // A membership of A's member touches every organisation they have belonged to (A's people
    // may have come from a body that ended on 2025-06-30).
    let of_a = app.get("admin", &format!("/api/v1/memberships?person={}&per_page=500", w.member_a)).await.json();
    let mut ever_a: Vec<Resource> = vec![rec()];
    for m in of_a["items"].as_array().unwrap() {
        let r = Resource::OrganisationRecord(m["organisation"].as_str().unwrap().to_owned());
        if !ever_a.contains(&r) {
            ever_a.push(r);
        }
    }
    let head_b = in_b("head").unwrap_or_else(|| member_b.clone());
    vec![
        WriteCase {
            method: "POST",
            uri: "/api/v1/organisations".into(),
            body: org_in.clone(),
            action: Action::Write,
            resources: vec![Resource::Organisation(a.clone())],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/organisations".into(),
            body: new_org,
            action: Action::Write,
            resources: vec![Resource::Reference],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "PUT",
            uri: format!("/api/v1/organisations/{a}"),
            body: with_version(org_in, 1),
            action: Action::Write,
            resources: vec![Resource::Organisation(a.clone())],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/people".into(),
            body: person_in.clone(),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "PUT",
            uri: format!("/api/v1/people/{}", w.member_a),
            body: with_version(person_in, 1),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/memberships".into(),
            body: json!({"person": w.member_a, "organisation": a, "from": "1990-01-01", "to": "1990-12-31"}),
            action: Action::Write,
            resources: ever_a.clone(),
            head: None,
            step: None,
            own: false,
        },
        // Taking over another organisation's person: the person's organisation must agree
        // (its unit or an administrator), with or without `move`.
        WriteCase {
            method: "POST",
            uri: "/api/v1/memberships".into(),
            body: json!({"person": member_b, "organisation": a, "from": "2024-01-01"}),
            action: Action::Write,
            resources: vec![rec(), rec_b()],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/people".into(),
            // (Joining before B's membership began: refused after the access check, so that
            // no role's answer changes the next one's.)
            body: json!({"id": member_b, "full_name": "Tên Mới", "category": "giao-vien", "organisation": a, "member_since": "2000-01-01"}),
            action: Action::Write,
            resources: vec![rec(), rec_b()],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/memberships".into(),
            body: json!({"person": head_b, "organisation": a, "from": "2000-01-01", "move": true}),
            action: Action::Write,
            resources: vec![rec(), rec_b()],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/registrations".into(),
            body: json!({"subject": subject, "title": "cong-dan-hoc-tap", "year": 2026, "date": "2026-02-01"}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::Registration, Step::Register, false)),
            own: true,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/commitments".into(),
            body: json!({"person": w.member_a, "year": 2026, "date": "2026-02-01"}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::Commitment, Step::Register, false)),
            own: true,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/self-study-plans".into(),
            body: json!({"person": w.member_a, "year": 2026, "submitted": "2026-02-01"}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::SelfStudyPlan, Step::Submit, false)),
            own: true,
        },
        WriteCase {
            method: "POST",
            uri: format!("/api/v1/self-study-plans/{}/2026/approval", w.member_a),
            body: json!({"by": w.head_a, "on": day}),
            action: Action::Approve,
            resources: vec![rec()],
            head: Some(w.head_a.clone()),
            step: Some((Kind::SelfStudyPlan, Step::Approve, false)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/assessments".into(),
            body: json!({"subject": subject, "rulebook": "cong-dan-hoc-tap", "year": 2026, "evaluator": "x", "date": "2026-06-01", "values": []}),
            action: Action::Write,
            resources: vec![Resource::Assessment(a.clone())],
            head: None,
            step: Some((Kind::Assessment, Step::Assess, false)),
            own: false,
        },
        WriteCase {
            method: "PUT",
            uri: "/api/v1/assessments".into(),
            body: json!({"subject": subject, "rulebook": "cong-dan-hoc-tap", "year": 2026, "evaluator": "x", "date": "2026-06-01", "values": [], "version": 1}),
            action: Action::Write,
            resources: vec![Resource::Assessment(a.clone())],
            head: None,
            step: Some((Kind::Assessment, Step::Assess, false)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/recognitions".into(),
            body: json!({"subject": {"kind": "organisation", "id": a}, "title": "don-vi-hoc-tap", "level": 1, "year": 2026, "decision_number": "QĐ 1/TEST", "decision_date": "2026-11-01", "authority": "UBND"}),
            action: Action::Write,
            resources: vec![Resource::Recognition],
            head: None,
            step: Some((Kind::Recognition, Step::Recognise, true)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/report-submissions".into(),
            body: json!({"actor": w.actor_a.clone().unwrap_or_else(|| "actor.ubnd-xa".into()), "organisation": a, "year": 2026}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::ReportSubmission, Step::Send, true)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/duty-reports".into(),
            body: {
                let actor = w.actor_a.clone().unwrap_or_else(|| "actor.ubnd-xa".into());
                json!({"reports": [{"actor": actor, "organisation": a, "year": 2026, "duty": format!("{actor}.1"), "field": "done", "value": "Đã triển khai"}]})
            },
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/reward-proposals".into(),
            body: json!({"reward": "reward.annual.individual", "subject": subject, "year": 2026}),
            action: Action::Write,
            resources: vec![Resource::RewardProposal(a.clone())],
            head: None,
            step: Some((Kind::RewardProposal, Step::Propose, false)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/reward-proposals/verification".into(),
            body: json!({"reward": "reward.annual.individual", "subject": subject, "year": 2026, "outcome": "accepted"}),
            action: Action::Verify,
            resources: vec![Resource::RewardProposal(a.clone())],
            head: None,
            step: Some((Kind::RewardProposal, Step::Accept, false)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/reward-proposals/decision".into(),
            body: json!({"reward": "reward.annual.individual", "subject": subject, "year": 2026, "decision": "approved"}),
            action: Action::Decide,
            resources: vec![Resource::RewardProposal(a.clone())],
            head: None,
            step: Some((Kind::RewardProposal, Step::Award, false)),
            own: false,
        },
        WriteCase {
            method: "PUT",
            uri: format!("/api/v1/self-study-plans/{}/2026", w.member_a),
            body: json!({"content": "Học tin học văn phòng", "submit": false}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::SelfStudyPlan, Step::SaveDraft, false)),
            own: true,
        },
        WriteCase {
            method: "POST",
            uri: format!("/api/v1/self-study-plans/{}/2026/return", w.member_a),
            body: json!({"reason": "bổ sung mục tiêu"}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::SelfStudyPlan, Step::Return, false)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: format!("/api/v1/self-study-plans/{}/2026/correction", w.member_a),
            body: json!({"reason": "phê duyệt nhầm người"}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::SelfStudyPlan, Step::Correct, false)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/self-assessments".into(),
            body: json!({"subject": subject, "rulebook": "cong-dan-hoc-tap", "year": 2026, "values": []}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::SelfAssessment, Step::Assess, false)),
            own: true,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/registrations/withdrawal".into(),
            body: json!({"subject": subject, "title": "cong-dan-hoc-tap", "year": 2026}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::Registration, Step::Withdraw, false)),
            own: true,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/commitments/withdrawal".into(),
            body: json!({"person": w.member_a, "year": 2026}),
            action: Action::Write,
            resources: vec![rec()],
            head: None,
            step: Some((Kind::Commitment, Step::Withdraw, false)),
            own: true,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/reward-proposals/correction".into(),
            body: json!({"reward": "reward.annual.individual", "subject": subject, "year": 2026, "reason": "sai số quyết định"}),
            action: Action::Decide,
            resources: vec![Resource::RewardProposal(a.clone())],
            head: None,
            step: Some((Kind::RewardProposal, Step::Correct, false)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/assessments/correction".into(),
            body: json!({"subject": subject, "rulebook": "cong-dan-hoc-tap", "year": 2026, "evaluator": "x", "date": "2026-06-01", "values": [], "version": 1, "reason": "nhập sai"}),
            action: Action::Write,
            resources: vec![Resource::Assessment(a.clone())],
            head: None,
            step: Some((Kind::Assessment, Step::Correct, false)),
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/evaluations/2026".into(),
            body: json!({}),
            action: Action::Administer,
            resources: vec![Resource::Results],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/imports/organisations?file=o.csv".into(),
            body: json!("not a csv"),
            action: Action::Write,
            resources: vec![Resource::Reference],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/users".into(),
            body: json!({"name": "someone", "role": "viewer"}),
            action: Action::Administer,
            resources: vec![Resource::Users],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/users/viewer/tokens".into(),
            body: json!({"name": "t"}),
            action: Action::Administer,
            resources: vec![Resource::Users],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/users/someone/account".into(),
            body: json!({"action": "password", "password": "a new long password"}),
            action: Action::Administer,
            resources: vec![Resource::Users],
            head: None,
            step: None,
            own: false,
        },
        WriteCase {
            method: "POST",
            uri: "/api/v1/tokens/00000000/revocation".into(),
            body: json!({}),
            action: Action::Administer,
            resources: vec![Resource::Users],
            head: None,
            step: None,
            own: false,
        },
        // Evidence: whoever writes the person's assessment (the reviewer, her unit) or her
        // self-assessment (her own account). The body is not a file the API takes: 422 for
        // those allowed.
        WriteCase {
            method: "POST",
            uri: format!(
                "/api/v1/evidence?subject_kind=person&subject={}&rulebook=cong-dan-hoc-tap&year=2026&file=x.pdf",
                w.member_a
            ),
            body: json!({}),
            action: Action::Write,
            resources: vec![Resource::Assessment(a.clone())],
            head: None,
            step: None,
            own: true,
        },
        WriteCase {
            method: "DELETE",
            uri: format!(
                "/api/v1/evidence/file?subject_kind=person&subject={}&rulebook=cong-dan-hoc-tap&year=2026&name=none.pdf",
                w.member_a
            ),
            body: json!({}),
            action: Action::Write,
            resources: vec![Resource::Assessment(a.clone())],
            head: None,
            step: None,
            own: true,
        },
    ]
}

fn with_version(mut v: Value, version: i64) -> Value {
    v["version"] = json!(version);
    v
}

/// Every writing route of the OpenAPI document is in the matrix.
fn writing_routes() -> Vec<(String, String)> {
    let doc: Value = serde_json::from_str(&xhht_server::api::openapi_json()).unwrap();
    let mut out = Vec::new();
    for (path, item) in doc["paths"].as_object().unwrap() {
        for m in ["post", "put", "patch", "delete"] {
            if item.get(m).is_some() {
                out.push((m.to_uppercase(), path.clone()));
            }
        }
    }
    out.sort();
    out
}

#[tokio::test]
async fn every_writing_endpoint_answers_every_role_as_decide_says() {
    let app = TestApp::new("matrix").await;
    let w = world();
    // A proposal to verify and decide on exists before the matrix runs (it is A's).
    let r = app
        .post(
            "admin",
            "/api/v1/reward-proposals",
            json!({"reward": "reward.annual.individual", "subject": {"kind": "person", "id": w.member_a}, "year": 2026,
                   "exception": "thành tích đột xuất (kiểm thử)"}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let cases = cases(&app).await;

    // The matrix covers every writing route of the API (login and logout excepted).
    let covered: std::collections::BTreeSet<(String, String)> = cases
        .iter()
        .map(|c| {
            let path = c.uri.split('?').next().unwrap().to_owned();
            (c.method.to_owned(), normalise(&path))
        })
        .collect();
    for (m, p) in writing_routes() {
        if p.starts_with("/api/v1/auth/") {
            continue;
        }
        assert!(covered.contains(&(m.clone(), normalise(&p))), "writing route {m} {p} is not in the matrix");
    }

    let mut checked = 0;
    for case in &cases {
        // Anonymous first.
        let r = app.send(None, case.method, &case.uri, Some(case.body.clone())).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous {} {}: {}", case.method, case.uri, r.text());
        // Then every role, verifier before admin so the decision step finds a verified proposal.
        for user in ["viewer", "unit-b", "unit-a-member", "member-a", "reviewer", "unit-a", "verifier", "admin"] {
            assert!(USERS.contains(&user));
            let (p, person) = principal(user);
            let is_head = case.head.is_some() && case.head == person;
            let resources = match (p.role, case.own) {
                (Role::Member, true) => vec![Resource::Own(w.member_a.clone())],
                _ => case.resources.clone(),
            };
            let decided = resources.iter().all(|res| decide(&p, case.action, res, is_head).allowed());
            let stepped =
                case.step.is_none_or(|(k, s, collective)| party(user).is_some_and(|pa| takes(k, collective, s, pa)));
            let allowed = decided && stepped;
            let r = app.send(Some(user), case.method, &case.uri, Some(case.body.clone())).await;
            if allowed {
                assert!(
                    r.status != StatusCode::FORBIDDEN
                        && r.status != StatusCode::UNAUTHORIZED
                        && !r.status.is_server_error(),
                    "{user} {} {} should be allowed, got {}: {}",
                    case.method,
                    case.uri,
                    r.status,
                    r.text()
                );
            } else {
                assert_eq!(
                    r.status,
                    StatusCode::FORBIDDEN,
                    "{user} {} {} should be refused: {}",
                    case.method,
                    case.uri,
                    r.text()
                );
                assert_eq!(r.json()["code"], "forbidden");
            }
            checked += 1;
        }
    }
    assert_eq!(checked, cases.len() * 8);
}

/// `/a/{x}/b` and `/a/X1/b` compare equal.
fn normalise(path: &str) -> String {
    let w = world();
    let segs: Vec<&str> = path.split('/').collect();
    segs.iter()
        .enumerate()
        .map(|(n, seg)| {
            let after_imports = n > 0 && segs[n - 1] == "imports";
            if seg.starts_with('{')
                || after_imports
                || [w.org_a.as_str(), w.member_a.as_str(), "2026", "viewer", "someone", "00000000"].contains(seg)
            {
                "*".to_owned()
            } else {
                (*seg).to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[tokio::test]
async fn a_unit_cannot_write_another_units_records() {
    let app = TestApp::new("cross").await;
    let w = world();
    let r = app
        .post("unit-b", "/api/v1/commitments", json!({"person": w.member_a, "year": 2026, "date": "2026-03-01"}))
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN);
    let r = app
        .post("unit-a", "/api/v1/commitments", json!({"person": w.member_a, "year": 2026, "date": "2026-03-01"}))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn only_the_head_on_the_day_approves_a_self_study_plan() {
    let app = TestApp::new("approve").await;
    let w = world();
    let r = app
        .post(
            "unit-a",
            "/api/v1/self-study-plans",
            json!({"person": w.member_a, "year": 2026, "submitted": "2026-02-01"}),
        )
        .await;
    assert!(r.status.is_success() || r.status == StatusCode::CONFLICT, "{}", r.text());
    let uri = format!("/api/v1/self-study-plans/{}/2026/approval", w.member_a);
    // A member of the unit who is not its head.
    let r = app.post("unit-a-member", &uri, json!({})).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // An administrator naming someone who was not the head: 422.
    let r =
        app.post("admin", &uri, json!({"by": w.member_a, "on": "2026-03-01", "reason": "phê duyệt trên giấy"})).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert_eq!(r.json()["errors"][0]["field"], "by");
    // The head, today (the server's day).
    let r = app.post("unit-a", &uri, json!({})).await;
    assert!(r.status == StatusCode::OK || r.status == StatusCode::CONFLICT, "{}", r.text());
    let again = app.post("unit-a", &uri, json!({})).await;
    assert_eq!(again.status, StatusCode::CONFLICT, "{}", again.text());
}

#[tokio::test]
async fn a_unit_cannot_take_over_another_organisations_person() {
    let app = TestApp::new("takeover").await;
    let w = world();
    let of_b = app.get("admin", &format!("/api/v1/memberships?organisation={}&per_page=500", w.org_b)).await.json();
    let person = of_b["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["period"]["to"].is_null())
        .map(|m| m["person"].as_str().unwrap().to_owned())
        .unwrap();
    let take = json!({"person": person, "organisation": w.org_a, "from": "2024-01-01"});
    let r = app.post("unit-a", "/api/v1/memberships", take.clone()).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let r = app
        .post(
            "unit-a",
            "/api/v1/memberships",
            json!({"person": person, "organisation": w.org_a, "from": "2024-01-01", "move": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // The person stays B's: A does not read their name, nor rename them.
    let got = app.get("unit-a", &format!("/api/v1/people/{person}")).await.json();
    assert_eq!(
        (got["redacted"].as_bool(), got["organisation"].as_str()),
        (Some(true), Some(w.org_b.as_str())),
        "{got}"
    );
    let r = app
        .post(
            "unit-a",
            "/api/v1/people",
            json!({"id": person, "full_name": "Tên Khác", "category": "giao-vien", "organisation": w.org_a}),
        )
        .await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // An administrator's membership elsewhere over the same days is a conflict without `move`…
    let r = app.post("admin", "/api/v1/memberships", take).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
    assert!(r.text().contains("move"), "{}", r.text());
    // … and a move with it: B's membership ends the day before A's begins.
    let r = app
        .post(
            "admin",
            "/api/v1/memberships",
            json!({"person": person, "organisation": w.org_a, "from": "2024-01-01", "move": true}),
        )
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let ms = app.get("admin", &format!("/api/v1/memberships?person={person}&year=2023&per_page=500")).await.json();
    let now = app.get("admin", &format!("/api/v1/memberships?person={person}&per_page=500")).await.json();
    let open: Vec<&str> = now["items"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["period"]["to"].is_null())
        .map(|m| m["organisation"].as_str().unwrap())
        .collect();
    assert_eq!(open, [w.org_a.as_str()], "{now}");
    assert!(
        ms["items"]
            .as_array()
            .unwrap()
            .iter()
            .any(|m| m["organisation"] == w.org_b.as_str() && m["period"]["to"] == "2023-12-31"),
        "{ms}"
    );
}
