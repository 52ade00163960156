//! The API endpoint by endpoint: reads for every role, personal data, validation, conflicts,
//! reports in every format, pagination, login and sessions, hardening, logs, the OpenAPI
//! document.

use std::sync::{Arc, Mutex};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::support::{TestApp, USERS, crate_dir, send, tight_limit, world};

/// Every read endpoint with a sample URI.
fn reads() -> Vec<String> {
    let w = world();
    vec![
        "/api/v1/auth/me".into(),
        "/api/v1/plan".into(),
        "/api/v1/rulebooks".into(),
        "/api/v1/rulebooks/cong-dan-hoc-tap".into(),
        "/api/v1/areas".into(),
        "/api/v1/organisations".into(),
        format!("/api/v1/organisations/{}", w.org_a),
        "/api/v1/people?per_page=5".into(),
        format!("/api/v1/people/{}", w.member_a),
        "/api/v1/memberships".into(),
        "/api/v1/registrations?year=2025".into(),
        "/api/v1/commitments?year=2025".into(),
        "/api/v1/self-study-plans?year=2025".into(),
        "/api/v1/assessments?year=2025".into(),
        "/api/v1/recognitions?year=2025".into(),
        "/api/v1/report-submissions?year=2025".into(),
        "/api/v1/results/2025".into(),
        format!("/api/v1/explanations/{}?year=2025", w.member_a),
        format!("/api/v1/explanations/{}?year=2025", w.org_a),
        "/api/v1/progress".into(),
        "/api/v1/deadlines".into(),
        "/api/v1/reports/annual?format=json".into(),
        "/api/v1/rewards/eligibility".into(),
        "/api/v1/reward-proposals".into(),
        "/api/v1/audit/verify".into(),
        "/api/v1/users".into(),
    ]
}

#[tokio::test]
async fn every_read_endpoint_answers_every_role_and_refuses_anonymous() {
    let app = TestApp::new("reads").await;
    for uri in reads() {
        let r = app.send(None, "GET", &uri, None).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "anonymous {uri}");
        for user in USERS {
            let r = app.get(user, &uri).await;
            let expect_forbidden = (uri.ends_with("/users") && user != "admin")
                || (uri.ends_with("/audit/verify") && (user == "viewer" || user == "member-a"));
            if expect_forbidden {
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {uri}: {}", r.text());
            } else {
                assert_eq!(r.status, StatusCode::OK, "{user} {uri}: {}", r.text());
            }
        }
    }
    // The reference endpoints of the system need nothing.
    let r = app.send(None, "GET", "/api/v1/health", None).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["status"], "ok");
}

#[tokio::test]
async fn names_are_shown_only_to_roles_that_may_read_them() {
    let app = TestApp::new("personal").await;
    let w = world();
    let uri = format!("/api/v1/people/{}", w.member_a);
    for (user, sees) in [
        ("admin", true),
        ("reviewer", true),
        ("verifier", true),
        ("unit-a", true),
        ("unit-b", false),
        ("viewer", false),
    ] {
        let p = app.get(user, &uri).await.json();
        assert_eq!(p["redacted"], !sees, "{user}");
        assert_eq!(p["full_name"].as_str() == Some(w.member_a_name.as_str()), sees, "{user}: {p}");
        let list = app.get(user, &format!("/api/v1/people?organisation={}&per_page=500", w.org_a)).await.text();
        assert_eq!(list.contains(&w.member_a_name), sees, "{user} list");
    }
    // Reports: names of people only for roles allowed.
    let viewer = app.get("viewer", "/api/v1/reports/annual?format=json&year=2025").await.json();
    for u in viewer["criteria"]["unmet"].as_array().unwrap() {
        if u["subject"] == "person" {
            assert_eq!(u["name"], "***");
        }
    }
    let admin = app.get("admin", "/api/v1/reports/annual?format=json&year=2025").await.json();
    let named =
        admin["criteria"]["unmet"].as_array().unwrap().iter().any(|u| u["subject"] == "person" && u["name"] != "***");
    let any_person = admin["criteria"]["unmet"].as_array().unwrap().iter().any(|u| u["subject"] == "person");
    assert_eq!(named, any_person);
    // The names of the people a reason mentions (an approver, a head) go only where names may.
    assert!(viewer.get("people_named").is_none(), "{}", viewer["people_named"]);
    let m = admin.get("people_named").expect("the synthetic reasons name an approver or a head");
    assert!(m.as_object().unwrap().values().all(|n| n.as_str().is_some_and(|n| !n.is_empty())), "{m}");
}

#[tokio::test]
async fn writes_are_validated_with_field_errors() {
    let app = TestApp::new("validate").await;
    let w = world();
    let cases = [
        (
            "/api/v1/registrations",
            json!({"subject": {"kind": "person", "id": w.member_a}, "title": "don-vi-hoc-tap", "year": 2026, "date": "2026-01-05"}),
            "title",
        ),
        (
            "/api/v1/registrations",
            json!({"subject": {"kind": "person", "id": w.member_a}, "title": "cong-dan-hoc-tap", "year": 2026, "date": "2020-01-05"}),
            "date",
        ),
        ("/api/v1/commitments", json!({"person": w.member_a, "year": 2026}), "date"),
        ("/api/v1/self-study-plans", json!({"person": w.member_a, "year": 1990, "submitted": "1990-01-01"}), "year"),
        (
            "/api/v1/people",
            json!({"id": "NEW1", "full_name": "", "category": "giao-vien", "organisation": w.org_a}),
            "full_name",
        ),
        (
            "/api/v1/people",
            json!({"id": "NEW1", "full_name": "X", "category": "nobody", "organisation": w.org_a}),
            "category",
        ),
        (
            "/api/v1/assessments",
            json!({"subject": {"kind": "person", "id": w.member_a}, "rulebook": "cong-dan-hoc-tap", "year": 2026, "evaluator": "x", "date": "2026-06-01", "values": [{"indicator": "nope", "value": {"type": "score", "value": "5"}}]}),
            "values[0].indicator",
        ),
        (
            "/api/v1/memberships",
            json!({"person": w.member_a, "organisation": w.org_a, "from": "2026-05-01", "to": "2026-01-01"}),
            "to",
        ),
    ];
    for (uri, body, field) in cases {
        let r = app.post("admin", uri, body).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {}", r.text());
        let v = r.json();
        assert_eq!(v["code"], "invalid");
        assert_eq!(v["errors"][0]["field"], field, "{uri}: {v}");
    }
    // Malformed JSON.
    let req = Request::post("/api/v1/commitments")
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .header("content-type", "application/json")
        .body(Body::from("{not json"))
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(r.json()["errors"][0]["field"], "body");
}

#[tokio::test]
async fn a_stale_write_answers_409() {
    let app = TestApp::new("stale").await;
    let w = world();
    let r = app.get("admin", &format!("/api/v1/people/{}", w.member_a)).await;
    let etag = r.header("etag");
    let p = r.json();
    let body = |name: &str| json!({"id": w.member_a, "full_name": name, "birth_year": p["birth_year"], "category": p["category"]});
    let put = |name: &str, tag: &str| {
        Request::put(format!("/api/v1/people/{}", w.member_a))
            .header("authorization", format!("Bearer {}", app.tokens["unit-a"]))
            .header("content-type", "application/json")
            .header("if-match", tag)
            .body(Body::from(body(name).to_string()))
            .unwrap()
    };
    let first = send(&app.router, put("Tên Mới Một", &etag)).await;
    assert_eq!(first.status, StatusCode::OK, "{}", first.text());
    let second = send(&app.router, put("Tên Mới Hai", &etag)).await;
    assert_eq!(second.status, StatusCode::CONFLICT, "{}", second.text());
    assert!(!second.text().to_lowercase().contains("select"), "no SQL in errors");
    // Without a version: 422.
    let r = app.send(Some("admin"), "PUT", &format!("/api/v1/people/{}", w.member_a), Some(body("X Y"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
}

#[tokio::test]
async fn reports_come_in_every_format_by_parameter_or_negotiation() {
    let app = TestApp::new("formats").await;
    for (fmt, mime, magic) in [
        ("md", "text/markdown", &b""[..]),
        ("html", "text/html", &b"<!DOCTYPE html>"[..]),
        ("json", "application/json", &b"{"[..]),
        ("csv", "text/csv", &b"# "[..]),
        ("xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &b"PK"[..]),
        ("docx", "application/vnd.openxmlformats-officedocument.wordprocessingml.document", &b"PK"[..]),
    ] {
        let r = app.get("viewer", &format!("/api/v1/reports/annual?year=2025&format={fmt}&lang=en")).await;
        assert_eq!(r.status, StatusCode::OK, "{fmt}: {}", r.text());
        assert!(r.header("content-type").starts_with(mime), "{fmt}");
        assert!(r.body.starts_with(magic), "{fmt}");
        assert!(r.header("content-disposition").contains(&format!(".{fmt}")));
        // The same by Accept.
        let req = Request::get("/api/v1/reports/annual?year=2025")
            .header("authorization", format!("Bearer {}", app.tokens["viewer"]))
            .header("accept", format!("{mime}, */*;q=0.1"))
            .body(Body::empty())
            .unwrap();
        let r2 = send(&app.router, req).await;
        assert!(r2.header("content-type").starts_with(mime), "accept {fmt}");
    }
    let req = Request::get("/api/v1/reports/annual?year=2025")
        .header("authorization", format!("Bearer {}", app.tokens["viewer"]))
        .header("accept", "image/png")
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app.router, req).await.status, StatusCode::NOT_ACCEPTABLE);
    let r = app.get("viewer", "/api/v1/reports/phase-1?format=md").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(app.get("viewer", "/api/v1/reports/weekly").await.status, StatusCode::NOT_FOUND);
    assert_eq!(app.get("viewer", "/api/v1/reports/annual?format=pdf").await.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert_eq!(
        app.get("viewer", "/api/v1/reports/annual?scope=nowhere").await.status,
        StatusCode::UNPROCESSABLE_ENTITY
    );
    // A CSV table by name.
    let csv = app.get("viewer", "/api/v1/reports/annual?year=2025&format=csv").await.text();
    let name = csv.lines().next().unwrap().trim_start_matches("# ").to_owned();
    let one = app.get("viewer", &format!("/api/v1/reports/annual?year=2025&format=csv&table={name}")).await;
    assert_eq!(one.status, StatusCode::OK);
    assert!(!one.text().starts_with("# "));
}

#[tokio::test]
async fn lists_are_paginated_with_a_maximum() {
    let app = TestApp::new("pages").await;
    let p = app.get("viewer", "/api/v1/people?page=2&per_page=7").await.json();
    assert_eq!(p["page"], 2);
    assert_eq!(p["per_page"], 7);
    assert_eq!(p["items"].as_array().unwrap().len(), 7);
    assert!(p["total"].as_u64().unwrap() > 14);
    for bad in ["per_page=501", "per_page=0", "page=0", "page=x"] {
        let r = app.get("viewer", &format!("/api/v1/people?{bad}")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}");
    }
}

#[tokio::test]
async fn a_unit_submits_its_report_and_it_counts_on_time() {
    let app = TestApp::new("submit").await;
    let d = app.get("admin", "/api/v1/deadlines?year=2026").await.json();
    // An expected reporter that has not reported yet (the deadline, 10/12, is still ahead).
    let row = d["rows"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["status"]["status"] == "not-yet-due")
        .cloned()
        .expect("a reporter not yet due");
    let (org, actor) = (row["code"].as_str().unwrap().to_owned(), row["actor"].as_str().unwrap().to_owned());
    // Its head's unit account (the head signs the unit's report), created through the API with
    // a token; the organisation gets a head today if it has none on record.
    let of_org = app.get("admin", &format!("/api/v1/memberships?organisation={org}&per_page=500")).await.json();
    let head = of_org["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|m| m["role"] == "head" && m["period"]["to"].is_null())
        .map(|m| m["person"].as_str().unwrap().to_owned());
    let head = match head {
        Some(h) => h,
        None => {
            let p = json!({"id": "HEAD-REPORTER", "full_name": "Thủ Trưởng", "category": "can-bo", "organisation": org, "member_since": "2026-01-01"});
            assert!(app.post("admin", "/api/v1/people", p).await.status.is_success());
            let m = json!({"person": "HEAD-REPORTER", "organisation": org, "role": "head", "from": "2026-01-01", "move": true});
            let r = app.post("admin", "/api/v1/memberships", m).await;
            assert!(r.status.is_success(), "{}", r.text());
            "HEAD-REPORTER".to_owned()
        }
    };
    let r = app
        .post(
            "admin",
            "/api/v1/users",
            json!({"name": "reporter", "role": "unit", "organisation": org, "person": head}),
        )
        .await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let token = app.post("admin", "/api/v1/users/reporter/tokens", json!({"name": "t"})).await.json()["token"]
        .as_str()
        .unwrap()
        .to_owned();
    // A unit cannot backdate: the date received is today.
    let req = Request::post("/api/v1/report-submissions")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"actor": actor, "organisation": org, "year": 2026, "submitted_on": "2026-01-01"}).to_string(),
        ))
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let d = app.get("viewer", "/api/v1/deadlines?year=2026").await.json();
    let after = d["rows"].as_array().unwrap().iter().find(|r| r["code"] == org.as_str()).cloned().unwrap();
    assert_eq!(after["status"]["status"], "on-time", "{after}");
    assert_eq!(after["submitted_on"], "2026-12-01");
    // Another organisation's report is not its to submit.
    let other = d["rows"].as_array().unwrap().iter().find(|r| r["code"] != org.as_str()).cloned().unwrap();
    let req = Request::post("/api/v1/report-submissions")
        .header("authorization", format!("Bearer {token}"))
        .header("content-type", "application/json")
        .body(Body::from(json!({"actor": other["actor"], "organisation": other["code"], "year": 2026}).to_string()))
        .unwrap();
    assert_eq!(send(&app.router, req).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn rewards_go_from_proposal_to_verification_to_decision() {
    let app = TestApp::new("rewards").await;
    let w = world();
    let subject = json!({"kind": "person", "id": w.member_a});
    let key = json!({"reward": "reward.annual.individual", "subject": subject, "year": 2026});
    let mut propose = key.clone();
    propose["exception"] = json!("thành tích đột xuất");
    let r = app.post("unit-a", "/api/v1/reward-proposals", propose).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let mut decide = key.clone();
    decide["decision"] = json!("approved");
    let r = app.post("admin", "/api/v1/reward-proposals/decision", decide.clone()).await;
    assert_eq!(r.status, StatusCode::CONFLICT, "not verified yet: {}", r.text());
    let mut verify = key.clone();
    verify["outcome"] = json!("accepted");
    assert_eq!(
        app.post("reviewer", "/api/v1/reward-proposals/verification", verify.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post("verifier", "/api/v1/reward-proposals/verification", verify.clone()).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(
        app.post("verifier", "/api/v1/reward-proposals/verification", verify).await.status,
        StatusCode::CONFLICT
    );
    assert_eq!(
        app.post("verifier", "/api/v1/reward-proposals/decision", decide.clone()).await.status,
        StatusCode::FORBIDDEN
    );
    let r = app.post("admin", "/api/v1/reward-proposals/decision", decide.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    let again = app.post("admin", "/api/v1/reward-proposals/decision", decide).await;
    assert_eq!(again.status, StatusCode::CONFLICT);
    assert!(!again.text().contains("UNIQUE") && !again.text().contains("server_reward"), "{}", again.text());
    let list = app.get("viewer", "/api/v1/reward-proposals?year=2026").await.json();
    let item = list["items"].as_array().unwrap().iter().find(|i| i["proposal"]["subject"] == subject).cloned().unwrap();
    assert_eq!(item["decision"], "approved");
    // The report's rewards section counts it as approved.
    let rewards = app.get("viewer", "/api/v1/rewards/eligibility?year=2026").await.json();
    let row = rewards["proposals"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["reward"] == "reward.annual.individual")
        .cloned()
        .unwrap_or_else(|| panic!("{rewards}"));
    assert_eq!((row["proposed"].as_u64(), row["approved"].as_u64()), (Some(1), Some(1)), "{row}");
}

#[tokio::test]
async fn decisions_kept_by_an_older_server_move_into_the_store() {
    let app = TestApp::new("reward-carry").await;
    let w = world();
    let subject = json!({"kind": "person", "id": w.member_a});
    let key = json!({"reward": "reward.annual.individual", "subject": subject, "year": 2026});
    let mut propose = key.clone();
    propose["exception"] = json!("thành tích đột xuất");
    assert_eq!(app.post("unit-a", "/api/v1/reward-proposals", propose).await.status, StatusCode::CREATED);
    let mut verify = key.clone();
    verify["outcome"] = json!("accepted");
    assert_eq!(app.post("verifier", "/api/v1/reward-proposals/verification", verify).await.status, StatusCode::OK);
    // What a server before store schema 4 wrote: its own table, outside the audit trail.
    let path = app.db.strip_prefix("sqlite://").unwrap_or(&app.db).to_owned();
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{path}")).await.unwrap();
    sqlx::query(
        "CREATE TABLE server_reward_decisions (reward TEXT NOT NULL, subject_kind TEXT NOT NULL, \
         subject_id TEXT NOT NULL, year BIGINT NOT NULL, decision TEXT NOT NULL, decided_by TEXT NOT NULL, \
         decided_on TEXT NOT NULL, note TEXT, created BIGINT NOT NULL, \
         PRIMARY KEY (reward, subject_kind, subject_id, year))",
    )
    .execute(&pool)
    .await
    .unwrap();
    sqlx::query("INSERT INTO server_reward_decisions VALUES ('reward.annual.individual', 'person', $1, 2026, 'approved', 'admin', '2026-12-01', 'QĐ 5', 0)")
        .bind(&w.member_a)
        .execute(&pool)
        .await
        .unwrap();
    pool.close().await;

    // The next start carries it over: the proposal holds the decision, audited; the table is gone.
    let state = xhht_server::AppState::new(crate::support::test_config(&app.db)).await.unwrap();
    let p = state.store().load_year(2026).await.unwrap().reward_proposals;
    let p = p.iter().find(|p| p.subject().id() == w.member_a).unwrap();
    let d = p.decision().expect("carried over");
    assert_eq!((d.by.as_str(), d.note.as_deref()), ("admin", Some("QĐ 5")));
    assert!(state.store().audit_check(&xhht_app::io::AuditCheck::new()).await.unwrap().is_ok());
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{path}")).await.unwrap();
    let left: i64 = sqlx::query_scalar("SELECT COUNT(*) FROM sqlite_master WHERE name = 'server_reward_decisions'")
        .fetch_one(&pool)
        .await
        .unwrap();
    assert_eq!(left, 0);
    pool.close().await;
    // Deciding again is refused.
    let mut decide = key;
    decide["decision"] = json!("rejected");
    let router = xhht_server::app(state);
    let req = Request::post("/api/v1/reward-proposals/decision")
        .header("authorization", format!("Bearer {}", app.tokens["admin"]))
        .header("content-type", "application/json")
        .body(Body::from(decide.to_string()))
        .unwrap();
    assert_eq!(send(&router, req).await.status, StatusCode::CONFLICT);
}

#[tokio::test]
async fn evaluation_is_stored_and_results_are_read() {
    let app = TestApp::new("evaluate").await;
    let r = app.post("admin", "/api/v1/evaluations/2025", json!({})).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.json()["people"].as_u64().unwrap() > 0);
    let res = app.get("viewer", "/api/v1/results/2025?per_page=3").await.json();
    assert_eq!(res["items"].as_array().unwrap().len(), 3);
    let audit = app.get("reviewer", "/api/v1/audit/verify").await.json();
    assert_eq!(audit["ok"], true);
}

#[tokio::test]
async fn explanations_come_in_both_languages() {
    let app = TestApp::new("explain").await;
    let w = world();
    let x = app.get("viewer", &format!("/api/v1/explanations/{}?year=2025", w.member_a)).await.json();
    assert_eq!(x["kind"], "person");
    assert!(!x["lines_vi"].as_array().unwrap().is_empty());
    assert_eq!(x["lines_vi"].as_array().unwrap().len(), x["lines_en"].as_array().unwrap().len());
    assert_eq!(app.get("viewer", "/api/v1/explanations/NOBODY?year=2025").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn login_sets_a_strict_httponly_cookie_and_logout_ends_the_session() {
    let app = TestApp::new("login").await;
    let bad =
        app.send(None, "POST", "/api/v1/auth/login", Some(json!({"user": "admin", "password": "wrong-one"}))).await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let r = app
        .send(None, "POST", "/api/v1/auth/login", Some(json!({"user": "unit-a", "password": "unit-a-password"})))
        .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cookie = r.header("set-cookie");
    for part in ["xhht_session=", "HttpOnly", "SameSite=Strict", "Path=/"] {
        assert!(cookie.contains(part), "{cookie}");
    }
    assert!(!cookie.contains("Secure"));
    let value = cookie.split(';').next().unwrap().to_owned();
    let me = |c: &str| Request::get("/api/v1/auth/me").header("cookie", c).body(Body::empty()).unwrap();
    let r = send(&app.router, me(&value)).await;
    assert_eq!(r.status, StatusCode::OK);
    assert_eq!(r.json()["role"], "unit");
    let out = Request::post("/api/v1/auth/logout")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &value)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app.router, out).await.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&app.router, me(&value)).await.status, StatusCode::UNAUTHORIZED);
    // A made-up token is no token.
    let fake = Request::get("/api/v1/auth/me")
        .header("authorization", format!("Bearer xhht_{}", "0".repeat(64)))
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app.router, fake).await.status, StatusCode::UNAUTHORIZED);
}

#[tokio::test]
async fn secure_cookies_when_configured() {
    let app = TestApp::with("secure", |c| c.secure_cookies = true).await;
    let r = app
        .send(None, "POST", "/api/v1/auth/login", Some(json!({"user": "viewer", "password": "viewer-password"})))
        .await;
    assert!(r.header("set-cookie").contains("; Secure"));
}

#[tokio::test]
async fn login_and_writes_are_rate_limited_per_client() {
    let app = TestApp::with("ratelimit", |c| {
        c.rate_limit = tight_limit();
        c.login_rate_limit = xhht_server::RateLimit { per_minute: 1, burst: 10 };
    })
    .await;
    // Logins: past the account's quota (10 at once), 429 (`hostile.rs` tests the login quotas).
    let mut statuses = Vec::new();
    for _ in 0..12 {
        let r = app
            .send(None, "POST", "/api/v1/auth/login", Some(json!({"user": "admin", "password": "wrong-password"})))
            .await;
        statuses.push(r.status);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // Writes: past the address's quota (3 at once here), 429.
    let mut statuses = Vec::new();
    for _ in 0..6 {
        let r =
            app.post("viewer", "/api/v1/commitments", json!({"person": "x", "year": 2026, "date": "2026-01-01"})).await;
        statuses.push(r.status);
    }
    assert!(statuses.contains(&StatusCode::TOO_MANY_REQUESTS), "{statuses:?}");
    // Reads are not limited.
    for _ in 0..10 {
        assert_eq!(app.get("viewer", "/api/v1/plan").await.status, StatusCode::OK);
    }
}

#[tokio::test]
async fn answers_carry_security_headers_and_a_request_id() {
    let app = TestApp::new("headers").await;
    let r = app.send(None, "GET", "/api/v1/health", None).await;
    assert!(r.header("content-security-policy").contains("frame-ancestors 'none'"));
    assert_eq!(r.header("x-content-type-options"), "nosniff");
    assert_eq!(r.header("x-frame-options"), "DENY");
    assert_eq!(r.header("referrer-policy"), "same-origin");
    assert!(!r.header("x-request-id").is_empty());
    assert!(r.header("access-control-allow-origin").is_empty(), "CORS is off by default");
    let req = Request::get("/api/v1/health").header("x-request-id", "abc-123").body(Body::empty()).unwrap();
    assert_eq!(send(&app.router, req).await.header("x-request-id"), "abc-123");
}

#[tokio::test]
async fn bodies_over_the_limit_are_refused() {
    let app = TestApp::with("bodylimit", |c| c.body_limit = 1024).await;
    let big = json!({"person": "x".repeat(4096), "year": 2026, "date": "2026-01-01"});
    let r = app.post("admin", "/api/v1/commitments", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    assert_eq!(r.json()["code"], "too-large");
}

#[tokio::test]
async fn cors_answers_only_configured_origins() {
    let app = TestApp::with("cors", |c| c.cors_origins = vec!["https://tinh.example".to_owned()]).await;
    for (origin, allowed) in [("https://tinh.example", true), ("https://evil.example", false)] {
        let req = Request::get("/api/v1/health").header("origin", origin).body(Body::empty()).unwrap();
        let r = send(&app.router, req).await;
        assert_eq!(r.header("access-control-allow-origin") == origin, allowed, "{origin}");
    }
}

/// A writer that collects every log line.
#[derive(Clone, Default)]
struct Captured(Arc<Mutex<Vec<u8>>>);

impl std::io::Write for Captured {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(buf);
        Ok(buf.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[test]
fn personal_data_never_reaches_the_logs() {
    let captured = Captured::default();
    let writer = captured.clone();
    let subscriber = tracing_subscriber::fmt()
        .with_max_level(tracing::Level::TRACE)
        .with_writer(move || writer.clone())
        .with_ansi(false)
        .finish();
    let w = world();
    let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
    tracing::subscriber::with_default(subscriber, || {
        rt.block_on(async {
            let app = TestApp::new("logs").await;
            let name = &w.member_a_name;
            // Read, write, fail validation and conflict with the name in play.
            app.get("admin", &format!("/api/v1/people?organisation={}", w.org_a)).await;
            app.get("admin", &format!("/api/v1/people/{}", w.member_a)).await;
            let body = json!({"id": w.member_a, "full_name": name, "category": "giao-vien", "organisation": w.org_a});
            app.post("admin", "/api/v1/people", body).await;
            app.post("admin", "/api/v1/people", json!({"id": "Z", "full_name": name, "category": "?"})).await;
            app.send(
                Some("admin"),
                "PUT",
                &format!("/api/v1/people/{}", w.member_a),
                Some(json!({"id": w.member_a, "full_name": name, "category": "giao-vien", "version": 99})),
            )
            .await;
            app.get("admin", "/api/v1/reports/annual?format=html&year=2025").await;
            app.send(None, "POST", "/api/v1/auth/login", Some(json!({"user": name, "password": "wrong-password"})))
                .await;
        });
    });
    let logs = String::from_utf8(captured.0.lock().unwrap().clone()).unwrap();
    assert!(!logs.is_empty(), "the logs were captured");
    assert!(!logs.contains(&w.member_a_name), "a name reached the logs");
}

#[tokio::test]
async fn the_openapi_document_is_served_and_committed() {
    let app = TestApp::new("openapi").await;
    let served = app.send(None, "GET", "/api/openapi.json", None).await.json();
    assert_eq!(served["openapi"], "3.1.0");
    assert_eq!(served["info"]["title"], "xhht API");
    let generated: serde_json::Value = serde_json::from_str(&xhht_server::api::openapi_json()).unwrap();
    assert_eq!(served, generated);
    let path = crate_dir().join("../../docs/openapi.json");
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed.trim() == xhht_server::api::openapi_json().trim(),
        "docs/openapi.json is stale: run `cargo run -p xhht-server -- openapi > docs/openapi.json`"
    );
    // Every operation has a tag, a summary and a 2xx answer; every path is under /api/v1.
    for (path, item) in served["paths"].as_object().unwrap() {
        assert!(path.starts_with("/api/v1/"), "{path}");
        for (method, op) in item.as_object().unwrap() {
            assert!(op["tags"].as_array().is_some_and(|t| !t.is_empty()), "{method} {path}");
            assert!(op["responses"].as_object().unwrap().keys().any(|k| k.starts_with('2')), "{method} {path}");
        }
    }
}

#[tokio::test]
async fn errors_never_show_internal_text() {
    let app = TestApp::new("errors").await;
    let r = app.get("viewer", "/no/such/page").await;
    assert_eq!(r.status, StatusCode::NOT_FOUND);
    let r = app.post("admin", "/api/v1/imports/people?file=people.csv", json!("id,full_name\n")).await;
    let text = r.text();
    assert!(!text.contains("sqlx") && !text.contains("SQLITE") && !text.contains("/tmp/"), "{text}");
}

/// With stale reports on (the default), a read after a write never waits for the rebuild: it
/// gets the previous figures while the new report is built, and the new figures follow.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn after_a_write_reports_follow_without_blocking_reads() {
    let app = TestApp::with("stale", |c| c.stale_reports = true).await;
    let d = app.get("admin", "/api/v1/deadlines?year=2026").await.json();
    let row = d["rows"].as_array().unwrap().iter().find(|r| r["status"]["status"] == "not-yet-due").cloned().unwrap();
    let org = row["code"].as_str().unwrap().to_owned();
    let body = json!({"actor": row["actor"], "organisation": org, "year": 2026});
    assert_eq!(app.post("admin", "/api/v1/report-submissions", body).await.status, StatusCode::CREATED);
    let status = |d: &serde_json::Value| {
        d["rows"].as_array().unwrap().iter().find(|r| r["code"] == org.as_str()).unwrap()["status"]["status"].clone()
    };
    // Served at once (stale or fresh), and fresh within a while.
    let first = app.get("viewer", "/api/v1/deadlines?year=2026").await;
    assert_eq!(first.status, StatusCode::OK);
    let mut fresh = status(&first.json()) == "on-time";
    for _ in 0..600 {
        if fresh {
            break;
        }
        tokio::time::sleep(std::time::Duration::from_millis(100)).await;
        fresh = status(&app.get("viewer", "/api/v1/deadlines?year=2026").await.json()) == "on-time";
    }
    assert!(fresh, "the new figures arrive");
}

#[tokio::test]
async fn a_filled_report_form_is_checked_stored_and_quoted_in_the_synthesis() {
    let app = TestApp::new("duty-reports").await;
    let orgs = app.get("admin", "/api/v1/organisations?per_page=500").await.json();
    let org = orgs["items"]
        .as_array()
        .unwrap()
        .iter()
        .find(|o| o["actor"] == "actor.phong-ldtbxh")
        .cloned()
        .expect("the labour office");
    let code = org["code"].as_str().unwrap();
    let field = |duty: &str, field: &str, value: &str| json!({"actor": "actor.phong-ldtbxh", "organisation": code, "year": 2026, "duty": duty, "field": field, "value": value});
    // A number that is not one, a field the duty lacks: 422, every problem named, nothing stored.
    let bad = json!({"reports": [
        field("actor.phong-ldtbxh.2", "classes-opened", "12"),
        field("actor.phong-ldtbxh.2", "women-trained", "nhiều"),
        field("actor.phong-ldtbxh.2", "no-such-field", "1"),
    ]});
    let r = app.post("admin", "/api/v1/duty-reports", bad).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    let errors = r.json()["errors"].as_array().unwrap().clone();
    assert_eq!(errors.len(), 2, "{errors:?}");
    assert_eq!(errors[0]["field"], "reports[1]");
    assert_eq!(errors[1]["field"], "reports[2]");
    let listed = app.get("viewer", &format!("/api/v1/duty-reports?year=2026&organisation={code}")).await.json();
    assert_eq!(listed["total"], 0, "{listed}");
    // Another actor's duty, reported by the labour office: refused.
    let r = app
        .post("admin", "/api/v1/duty-reports", json!({"reports": [{"actor": "actor.ubnd-xa", "organisation": code, "year": 2026, "duty": "actor.ubnd-xa.1", "field": "done", "value": "x"}]}))
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

    let good = json!({"reports": [
        field("actor.phong-ldtbxh.2", "classes-opened", "12"),
        field("actor.phong-ldtbxh.2", "women-trained", "140"),
    ]});
    let r = app.post("admin", "/api/v1/duty-reports", good.clone()).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
    assert_eq!(r.json()["added"], 2);
    // Sending the same form again changes nothing.
    let r = app.post("admin", "/api/v1/duty-reports", good).await;
    assert_eq!(r.json()["unchanged"], 2, "{}", r.text());
    let listed = app.get("viewer", &format!("/api/v1/duty-reports?year=2026&organisation={code}")).await.json();
    assert_eq!(listed["total"], 2, "{listed}");

    // The synthesis quotes them under the duty and no longer flags it as unreported.
    let report = app.get("admin", "/api/v1/reports/annual?year=2026&format=json&as_of=2026-12-01").await.json();
    let actor = report["actors"].as_array().unwrap().iter().find(|a| a["id"] == "actor.phong-ldtbxh").unwrap();
    let duty = actor["duties"].as_array().unwrap().iter().find(|d| d["id"] == "actor.phong-ldtbxh.2").unwrap();
    let reported = duty["reported"].as_array().unwrap();
    assert_eq!(reported.len(), 2, "{duty}");
    assert!(reported.iter().any(|r| r.to_string().contains("140")), "{reported:?}");
    let unreported: Vec<&str> = actor["unreported"].as_array().unwrap().iter().filter_map(|d| d.as_str()).collect();
    assert!(!unreported.contains(&"actor.phong-ldtbxh.2"), "{unreported:?}");
    assert!(unreported.contains(&"actor.phong-ldtbxh.1"), "{unreported:?}");
}
