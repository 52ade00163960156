//! The hostile cases of issue "Records no one can bend", each of which got through before:
//! decompression bombs uploaded by a unit and by the administrator, a reviewer writing an
//! organisation's records, a unit claiming another organisation's person or rewriting its own
//! governance fields, cross-site requests, a back-dated or future approval, control characters
//! and decomposed text, over-long values. Those that write records run on SQLite and, when CI
//! gives one, on PostgreSQL (`TestApp::each`).

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::{Value, json};
use xhht_demo::hostile::{Bomb, workbook};

use crate::support::{TestApp, raw, send, today, world};

/// The process's peak resident memory so far (`VmHWM`), and its resident memory now
/// (`VmRSS`), in bytes.
fn memory() -> (u64, u64) {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kib = |key: &str| {
        status
            .lines()
            .find_map(|l| l.strip_prefix(key))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse::<u64>().ok())
            .unwrap_or(0)
            * 1024
    };
    (kib("VmHWM:"), kib("VmRSS:"))
}

/// Runs the test `name` alone in a child process of this test binary, so that the peak memory
/// it reads is its own: true in the child (run the test), false in the parent (the child
/// passed).
fn alone(name: &str) -> bool {
    if std::env::var("XHHT_IT_ALONE").as_deref() == Ok(name) {
        return true;
    }
    let out = std::process::Command::new(std::env::current_exe().unwrap())
        .args([name, "--exact", "--nocapture", "--test-threads=1"])
        .env("XHHT_IT_ALONE", name)
        .output()
        .unwrap();
    let (stdout, stderr) = (String::from_utf8_lossy(&out.stdout), String::from_utf8_lossy(&out.stderr));
    assert!(out.status.success(), "{name} in its own process failed:\n{stdout}\n{stderr}");
    assert!(stdout.contains("1 passed"), "{name} did not run in its own process:\n{stdout}");
    false
}

/// Every report and page a user reads answers 200.
async fn every_report_answers(app: &TestApp) {
    for uri in [
        "/api/v1/reports/annual?year=2026",
        "/api/v1/reports/annual?year=2026&format=md",
        "/api/v1/progress?year=2026",
        "/api/v1/deadlines",
        "/api/v1/duty-reports?year=2026",
    ] {
        for user in ["admin", "viewer", "unit-a"] {
            let r = app.get(user, uri).await;
            assert_eq!(r.status, StatusCode::OK, "{user} {uri}: {}", r.text());
        }
    }
}

#[tokio::test]
async fn workbook_bombs_are_refused_through_the_api_as_unit_and_admin_in_bounded_memory() {
    if !alone("hostile::workbook_bombs_are_refused_through_the_api_as_unit_and_admin_in_bounded_memory") {
        return;
    }
    let app = TestApp::new("bombs").await;
    let bombs: Vec<(Bomb, Vec<u8>)> = Bomb::ALL.into_iter().map(|b| (b, workbook(b, 300 << 20).unwrap())).collect();
    every_report_answers(&app).await;
    let (_, before) = memory();
    for (bomb, bytes) in &bombs {
        assert!(bytes.len() < 20 << 20, "{}: {} bytes packed", bomb.name(), bytes.len());
        for (user, uri) in [
            ("admin", "/api/v1/imports/people?file=people.xlsx"),
            ("unit-a", "/api/v1/imports/duty-reports?file=form.xlsx"),
            ("admin", "/api/v1/imports/duty-reports?file=form.xlsx"),
        ] {
            let r = raw(&app, user, uri, "application/octet-stream", bytes.clone()).await;
            assert!(
                matches!(r.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE),
                "{} by {user} at {uri}: {} {}",
                bomb.name(),
                r.status,
                r.text()
            );
        }
    }
    let (peak, _) = memory();
    let grown = peak.saturating_sub(before);
    assert!(grown < 256 << 20, "the bombs grew the process by {} MiB", grown >> 20);
    every_report_answers(&app).await;
}

#[tokio::test]
async fn an_over_long_duty_report_value_is_refused_and_reports_still_answer() {
    for app in TestApp::each("long-value").await {
        let w = world();
        let actor = w.actor_a.clone().unwrap_or_else(|| "actor.ubnd-xa".into());
        let long = "x".repeat(40_000);
        let r = app
        .post(
            "unit-a",
            "/api/v1/duty-reports",
            json!({"reports": [{"actor": actor, "organisation": w.org_a, "year": 2026, "duty": format!("{actor}.1"), "field": "done", "value": long}]}),
        )
        .await;
        assert!(matches!(r.status, StatusCode::UNPROCESSABLE_ENTITY | StatusCode::PAYLOAD_TOO_LARGE), "{}", r.status);
        every_report_answers(&app).await;
    }
}

#[tokio::test]
async fn the_reviewer_writes_assessments_and_recognitions_and_no_other_record() {
    for app in TestApp::each("reviewer").await {
        let w = world();
        let a = &w.org_a;
        let actor = w.actor_a.clone().unwrap_or_else(|| "actor.ubnd-xa".into());
        for (uri, body) in [
            (
                "/api/v1/people",
                json!({"id": w.member_a, "full_name": "Tên Khác", "category": "giao-vien", "organisation": a}),
            ),
            (
                "/api/v1/memberships",
                json!({"person": w.member_a, "organisation": a, "from": "1990-01-01", "to": "1990-12-31"}),
            ),
            ("/api/v1/report-submissions", json!({"actor": actor, "organisation": a, "year": 2026})),
            (
                "/api/v1/duty-reports",
                json!({"reports": [{"actor": actor, "organisation": a, "year": 2026, "duty": format!("{actor}.1"), "field": "done", "value": "x"}]}),
            ),
            ("/api/v1/commitments", json!({"person": w.member_a, "year": 2026, "date": "2026-02-01"})),
            ("/api/v1/self-study-plans", json!({"person": w.member_a, "year": 2026, "submitted": "2026-02-01"})),
        ] {
            let r = app.post("reviewer", uri, body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "reviewer {uri}: {}", r.text());
        }
        let r = app
        .post(
            "reviewer",
            "/api/v1/assessments",
            json!({"subject": {"kind": "person", "id": w.member_a}, "rulebook": "cong-dan-hoc-tap", "year": 2026, "evaluator": "Hội Khuyến học", "date": "2026-06-01", "values": []}),
        )
        .await;
        // Allowed (a new one is written; an existing one is changed with PUT: 409).
        assert!(r.status.is_success() || r.status == StatusCode::CONFLICT, "reviewer assessment: {}", r.text());
    }
}

#[tokio::test]
async fn a_unit_cannot_claim_another_organisations_person_by_a_membership_nobody_else_covers() {
    for app in TestApp::each("claim").await {
        let w = world();
        let r = app
            .post(
                "unit-b",
                "/api/v1/memberships",
                json!({"person": w.member_a, "organisation": w.org_b, "from": "2000-01-01", "to": "2000-01-02"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = app.get("unit-b", &format!("/api/v1/people?person={}&year=2000", w.member_a)).await;
        assert!(!r.text().contains(&w.member_a_name), "the claimed person's name leaked: {}", r.text());
        let r = app
        .post(
            "unit-b",
            "/api/v1/people",
            json!({"id": w.member_a, "full_name": "Tên Mới", "category": "giao-vien", "organisation": w.org_b, "member_since": "2000-01-01"}),
        )
        .await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        // A person on no organisation's records may be taken in.
        let r = app
            .post(
                "admin",
                "/api/v1/people",
                json!({"id": "NEW-P-1", "full_name": "Người Mới", "category": "giao-vien"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app
            .post(
                "unit-b",
                "/api/v1/memberships",
                json!({"person": "NEW-P-1", "organisation": w.org_b, "from": "2026-01-01"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
    }
}

#[tokio::test]
async fn a_unit_changes_its_name_but_not_its_governance_fields() {
    for app in TestApp::each("governance").await {
        let w = world();
        let org = app.get("admin", &format!("/api/v1/organisations/{}", w.org_a)).await.json();
        let base = json!({
            "code": org["code"], "name": org["name"], "kind": org["kind"], "ownership": org["ownership"],
            "level": org["level"], "area": org["area"], "parent": org.get("parent"), "actor": org.get("actor"),
            "valid_from": org["valid"]["from"], "valid_to": org["valid"].get("to"),
        });
        for (field, value) in [
            ("actor", json!("actor.phong-gddt")),
            ("parent", json!(w.org_b)),
            // Another managing level than its own (A may be a provincial body since 2025-07-01).
            ("level", json!(if org["level"] == "province" { "commune" } else { "province" })),
            ("area", json!("00000")),
        ] {
            let mut body = base.clone();
            body[field] = value;
            let r = app.post("unit-a", "/api/v1/organisations", body).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{field}: {}", r.text());
        }
        let mut renamed = base.clone();
        renamed["name"] = json!("Trường Thử Nghiệm");
        let r = app.post("unit-a", "/api/v1/organisations", renamed).await;
        assert!(r.status.is_success(), "{}", r.text());
    }
}

#[tokio::test]
async fn json_routes_take_json_only_and_cookie_requests_must_come_from_the_same_origin() {
    let app = TestApp::new("csrf").await;
    let body = json!({"person": world().member_a, "year": 2026, "date": "2026-02-01"}).to_string();
    for ct in ["text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x"] {
        let r = raw(&app, "admin", "/api/v1/commitments", ct, body.clone()).await;
        assert_eq!(r.status, StatusCode::UNSUPPORTED_MEDIA_TYPE, "{ct}: {}", r.text());
    }
    // A session cookie, from the dashboard's login (same origin).
    let login = |origin: Option<&str>| {
        let mut b = Request::post("/login")
            .header("host", "xhht.example")
            .header("content-type", "application/x-www-form-urlencoded");
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        b.body(Body::from("user=admin&password=admin-password")).unwrap()
    };
    let r = send(&app.router, login(Some("https://evil.example"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "cross-site login: {}", r.text());
    let r = send(&app.router, login(Some("http://xhht.example"))).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    let cookie = r.header("set-cookie").split(';').next().unwrap().to_owned();
    let post = |origin: Option<&str>, referer: Option<&str>| {
        let mut b = Request::post("/api/v1/commitments")
            .header("host", "xhht.example")
            .header("cookie", &cookie)
            .header("content-type", "application/json");
        if let Some(o) = origin {
            b = b.header("origin", o);
        }
        if let Some(r) = referer {
            b = b.header("referer", r);
        }
        b.body(Body::from(body.clone())).unwrap()
    };
    for (origin, referer) in [
        (Some("https://evil.example"), None),
        (Some("http://xhht.example:8081"), None),
        (Some("http://sub.xhht.example"), None),
        (Some("null"), None),
        (None, Some("https://evil.example/page")),
        (None, None),
    ] {
        let r = send(&app.router, post(origin, referer)).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "origin {origin:?} referer {referer:?}: {}", r.text());
    }
    for (origin, referer) in [(Some("http://xhht.example"), None), (None, Some("http://xhht.example/dashboard"))] {
        let r = send(&app.router, post(origin, referer)).await;
        assert!(r.status.is_success(), "origin {origin:?} referer {referer:?}: {} {}", r.status, r.text());
    }
    // Logging out from another site's page is refused too.
    let out = Request::post("/logout")
        .header("host", "xhht.example")
        .header("origin", "https://evil.example")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&app.router, out).await.status, StatusCode::FORBIDDEN);
}

#[tokio::test]
async fn an_approval_is_dated_today_by_the_head_and_never_in_the_future() {
    for app in TestApp::each("approval-date").await {
        let w = world();
        // A new member of A, with a plan of 2026 not yet approved.
        let r = app
        .post(
            "admin",
            "/api/v1/people",
            json!({"id": "P-PLAN", "full_name": "Người Lập Kế Hoạch", "category": "giao-vien", "organisation": w.org_a, "member_since": "2026-01-01"}),
        )
        .await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app
            .post(
                "unit-a",
                "/api/v1/self-study-plans",
                json!({"person": "P-PLAN", "year": 2026, "submitted": "2026-02-01"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        let uri = "/api/v1/self-study-plans/P-PLAN/2026/approval".to_owned();
        for on in ["2026-03-01", "2099-01-01"] {
            let r = app.post("unit-a", &uri, json!({"by": w.head_a, "on": on})).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{on}: {}", r.text());
            assert_eq!(r.json()["errors"][0]["field"], "on");
        }
        let r = app.post("admin", &uri, json!({"by": w.head_a, "on": "2099-01-01"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        // An administrator's back-dated approval says why; the audit trail keeps it.
        let r = app.post("admin", &uri, json!({"by": w.head_a, "on": "2026-03-01"})).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["errors"][0]["field"], "reason");
        let r = app.post("unit-a", &uri, json!({"by": w.head_a})).await;
        assert!(r.status.is_success(), "{}", r.text());
        let plans = app.get("admin", "/api/v1/self-study-plans?person=P-PLAN&year=2026").await.json();
        assert!(plans.to_string().contains(&today().to_string()), "{plans}");
    }
}

#[tokio::test]
async fn text_is_composed_control_characters_are_refused_or_taken_out() {
    for app in TestApp::each("text").await {
        let nul = app
            .post("admin", "/api/v1/people", json!({"id": "P-NUL", "full_name": "A\u{0}B", "category": "giao-vien"}))
            .await;
        assert_eq!(nul.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", nul.text());
        assert_eq!(nul.json()["errors"][0]["field"], "full_name");
        // Decomposed (NFD) with a bell: stored composed, without it.
        let r = app
            .post(
                "admin",
                "/api/v1/people",
                json!({"id": "P-NFD", "full_name": "Nguye\u{0302}\u{0303}n\u{7} Văn A", "category": "giao-vien"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        let p: Value = app.get("admin", "/api/v1/people/P-NFD").await.json();
        assert_eq!(p["full_name"], "Nguyễn Văn A");
    }
}

#[tokio::test]
async fn accounts_are_never_replaced_and_credentials_end_with_a_password_change_or_a_disable() {
    for app in TestApp::each("accounts").await {
        // An existing name: 409, and the account is as it was.
        let r = app.post("admin", "/api/v1/users", json!({"name": "admin", "role": "viewer"})).await;
        assert_eq!(r.status, StatusCode::CONFLICT, "{}", r.text());
        assert_eq!(app.get("admin", "/api/v1/auth/me").await.json()["role"], "admin");
        // A session and a token of the viewer.
        let login = Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(json!({"user": "viewer", "password": "viewer-password"}).to_string()))
            .unwrap();
        let r = send(&app.router, login).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        let cookie = r.header("set-cookie").split(';').next().unwrap().to_owned();
        let me_by_cookie = || Request::get("/api/v1/auth/me").header("cookie", &cookie).body(Body::empty()).unwrap();
        assert_eq!(send(&app.router, me_by_cookie()).await.status, StatusCode::OK);
        assert_eq!(app.get("viewer", "/api/v1/auth/me").await.status, StatusCode::OK);
        // A new password ends both.
        let r = app
            .post(
                "admin",
                "/api/v1/users/viewer/account",
                json!({"action": "password", "password": "another long one"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(send(&app.router, me_by_cookie()).await.status, StatusCode::UNAUTHORIZED);
        assert_eq!(app.get("viewer", "/api/v1/auth/me").await.status, StatusCode::UNAUTHORIZED);
        // Disabled: no password login, and a token made before is revoked.
        let r = app.post("admin", "/api/v1/users/reviewer/account", json!({"action": "disable"})).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(app.get("reviewer", "/api/v1/auth/me").await.status, StatusCode::UNAUTHORIZED);
        let login = Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(json!({"user": "reviewer", "password": "reviewer-password"}).to_string()))
            .unwrap();
        assert_eq!(send(&app.router, login).await.status, StatusCode::UNAUTHORIZED);
        // A token revoked by its prefix.
        let token = &app.tokens["verifier"];
        let prefix = &token["xhht_".len().."xhht_".len() + 8];
        let r = app.post("admin", &format!("/api/v1/tokens/{prefix}/revocation"), json!({})).await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["tokens"], 1);
        assert_eq!(app.get("verifier", "/api/v1/auth/me").await.status, StatusCode::UNAUTHORIZED);
    }
}

#[tokio::test]
async fn a_citizen_id_names_one_person_and_ids_are_codes() {
    for app in TestApp::each("citizen-id").await {
        let person = |id: &str, cid: &str| json!({"id": id, "full_name": "Người Thử", "category": "giao-vien", "citizen_id": cid});
        let r = app.post("admin", "/api/v1/people", person("P-CID-1", "080123456789")).await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app.post("admin", "/api/v1/people", person("P-CID-2", "080123456789")).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["errors"][0]["field"], "citizen_id");
        assert_eq!(app.get("admin", "/api/v1/people/P-CID-2").await.status, StatusCode::NOT_FOUND);
        for bad in ["12345", "08012345678X", "080 123 456 789"] {
            let r = app.post("admin", "/api/v1/people", person("P-CID-3", bad)).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad}: {}", r.text());
        }
        for bad in ["../../x", "a b", ""] {
            let r = app.post("admin", "/api/v1/people", person(bad, "080123456780")).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{bad:?}: {}", r.text());
        }
        // The same rule for a file.
        let csv = "id,full_name,category,citizen_id\nP-CID-4,Người A,giao-vien,080123456781\nP-CID-5,Người B,giao-vien,080123456781\n";
        let r = raw(&app, "admin", "/api/v1/imports/people?file=people.csv", "text/csv", csv).await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(app.get("admin", "/api/v1/people/P-CID-4").await.status, StatusCode::NOT_FOUND);
    }
}

#[tokio::test]
async fn logins_are_throttled_per_account_and_apart_from_the_write_limit() {
    let app = TestApp::with("login-throttle", |c| {
        c.rate_limit = Some(xhht_server::RateLimit { per_minute: 1, burst: 3 });
        // One attempt back a minute: the test's attempts, however slow, stay within the quota.
        c.login_rate_limit = xhht_server::RateLimit { per_minute: 1, burst: 10 };
    })
    .await;
    let login = |user: &str, password: &str| {
        Request::post("/api/v1/auth/login")
            .header("content-type", "application/json")
            .body(Body::from(json!({"user": user, "password": password}).to_string()))
            .unwrap()
    };
    // More logins than the write limit's burst, from one address: the office is not locked out.
    for user in ["admin", "reviewer", "verifier", "viewer", "unit-a", "unit-b"] {
        let r = send(&app.router, login(user, &format!("{user}-password"))).await;
        assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.text());
    }
    // Guessing one account's password: ten tries in all (the login above was one), then 429
    // for that account only.
    for n in 0..9 {
        let r = send(&app.router, login("admin", "wrong guess")).await;
        assert_eq!(r.status, StatusCode::UNAUTHORIZED, "try {n}: {}", r.text());
    }
    let r = send(&app.router, login("admin", "admin-password")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{}", r.text());
    assert_eq!(r.json()["code"], "rate-limited");
    assert_eq!(r.header("retry-after"), "60");
    let r = send(&app.router, login("ADMIN", "wrong")).await;
    assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "the name's case does not reset the count");
    let r = send(&app.router, login("unit-a-member", "unit-a-member-password")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
}

#[tokio::test]
async fn the_low_items_hold() {
    for app in TestApp::each("low").await {
        let w = world();
        let actor = w.actor_a.clone().unwrap_or_else(|| "actor.ubnd-xa".into());
        // Dates outside 1900–2100.
        for date in ["0000-01-01", "9999-12-31"] {
            let r = app
                .post("unit-a", "/api/v1/commitments", json!({"person": w.member_a, "year": 2026, "date": date}))
                .await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{date}: {}", r.text());
        }
        // A report for a year still to come; a made-up actor.
        let r = app
            .post(
                "unit-a",
                "/api/v1/report-submissions",
                json!({"actor": actor, "organisation": w.org_a, "year": 2027}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        let r = app
            .post(
                "unit-a",
                "/api/v1/report-submissions",
                json!({"actor": "actor.made-up", "organisation": w.org_a, "year": 2026}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        // Received once: the first day is kept when it is sent again.
        let r = app
            .post(
                "admin",
                "/api/v1/report-submissions",
                json!({"actor": actor, "organisation": w.org_a, "year": 2026, "submitted_on": "2026-11-20"}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        let r = app
            .post(
                "unit-a",
                "/api/v1/report-submissions",
                json!({"actor": actor, "organisation": w.org_a, "year": 2026}),
            )
            .await;
        assert!(r.status.is_success(), "{}", r.text());
        let list =
            app.get("admin", &format!("/api/v1/report-submissions?year=2026&organisation={}", w.org_a)).await.json();
        assert!(list.to_string().contains("2026-11-20"), "{list}");
        // Member and head of one organisation over the same days.
        let r = app
            .post(
                "admin",
                "/api/v1/memberships",
                json!({"person": w.member_a, "organisation": w.org_a, "role": "head", "from": "2026-11-01"}),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        // A PUT does not move a person (it would be ignored): it says how.
        let r = app
            .send(
                Some("admin"),
                "PUT",
                &format!("/api/v1/people/{}", w.member_a),
                Some(json!({"id": w.member_a, "full_name": "Tên", "category": "giao-vien", "organisation": w.org_b, "version": 1})),
            )
            .await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
        assert_eq!(r.json()["errors"][0]["field"], "organisation");
        // A workbook sent without `file=` is read as a workbook.
        let r = raw(
            &app,
            "admin",
            "/api/v1/imports/people",
            "application/octet-stream",
            workbook(Bomb::EmptyRows, 1 << 10).unwrap(),
        )
        .await;
        assert!(!r.text().contains("UTF-8"), "read as CSV: {}", r.text());
    }
}

#[tokio::test]
async fn the_audit_check_shows_the_head_and_finds_an_edit_made_behind_the_stores_back() {
    let app = TestApp::new("audit").await;
    let r = app.get("reviewer", "/api/v1/audit/verify").await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let state = r.json();
    assert_eq!(state["ok"], true, "{state}");
    let head = state["head"].as_str().unwrap().to_owned();
    assert!(head.contains(':'), "{head}");
    // The head given back: still the head.
    let r = app.get("reviewer", &format!("/api/v1/audit/verify?expect={head}")).await.json();
    assert_eq!(r["ok"], true, "{r}");
    // The deep check is the administrator's.
    assert_eq!(app.get("reviewer", "/api/v1/audit/verify?deep=true").await.status, StatusCode::FORBIDDEN);
    let r = app.get("admin", "/api/v1/audit/verify?deep=true").await.json();
    assert_eq!(r["ok"], true, "{r}");
    assert_eq!(r["differences_total"], 0, "{r}");
    // A name changed behind the store's back (in the file), and a user made administrator.
    let pool = sqlx::SqlitePool::connect(&format!("sqlite://{}", app.db)).await.unwrap();
    sqlx::query("UPDATE people SET full_name = 'Tên Sửa Lén' WHERE id = $1")
        .bind(&world().member_a)
        .execute(&pool)
        .await
        .unwrap();
    sqlx::query("UPDATE users SET role = 'admin' WHERE name = 'viewer'").execute(&pool).await.unwrap();
    pool.close().await;
    let r = app.get("admin", "/api/v1/audit/verify?deep=true").await.json();
    assert_eq!(r["ok"], false, "{r}");
    let found = r["differences"].as_array().unwrap();
    assert!(found.iter().any(|d| d["table"] == "people" && d["column"] == "full_name"), "{r}");
    assert!(found.iter().any(|d| d["table"] == "users" && d["column"] == "role"), "{r}");
    // A head that is not the chain's.
    let r = app.get("reviewer", &format!("/api/v1/audit/verify?expect=1:{}", "0".repeat(64))).await.json();
    assert_eq!(r["ok"], false, "{r}");
}

#[tokio::test]
async fn every_error_answer_of_the_api_is_json() {
    let app = TestApp::new("json-errors").await;
    let bearer = format!("Bearer {}", app.tokens["admin"]);
    for (method, uri) in [
        ("DELETE", "/api/v1/people"),
        ("PATCH", "/api/v1/organisations"),
        ("GET", "/api/v1/results/not-a-year"),
        ("GET", "/api/v1/people?page=abc"),
        ("GET", "/api/v1/nope"),
    ] {
        let req =
            Request::builder().method(method).uri(uri).header("authorization", &bearer).body(Body::empty()).unwrap();
        let r = send(&app.router, req).await;
        assert!(r.status.is_client_error(), "{method} {uri}: {}", r.status);
        assert!(
            r.header("content-type").starts_with("application/json"),
            "{method} {uri}: {} {:?}",
            r.status,
            r.text()
        );
        assert!(r.json()["code"].is_string(), "{method} {uri}: {}", r.text());
    }
}
