//! The hardening of issue 15: every cache bounded by entries and bytes, `as_of` within the
//! plan's years, a rate limit on the reads that build or render, 413 in JSON on every route,
//! permission before validation, and unknown scopes answered 404 without filling a cache.

use std::time::Duration;

use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::{Days, NaiveDate};
use serde_json::json;
use xhht_server::{CacheBound, CacheStats, RateLimit};

use crate::support::{Resp, TestApp, raw, send, world};

/// A bound of `entries` entries and more bytes than the tests weigh.
fn entries(entries: usize) -> CacheBound {
    CacheBound { entries, bytes: 256 << 20 }
}

fn within(s: &CacheStats, reports: usize, latest: usize, rendered: usize) -> bool {
    s.reports.entries <= reports && s.latest.entries <= latest && s.rendered.entries <= rendered
}

#[tokio::test]
async fn many_as_of_days_keep_the_report_caches_within_their_entries() {
    let app = TestApp::with("bounded-entries", |c| {
        c.cache.reports = entries(4);
        c.cache.latest = entries(3);
        c.cache.rendered = entries(5);
    })
    .await;
    let first = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    for n in 0..120 {
        let day = first + Days::new(n);
        let uri = if n % 2 == 0 {
            format!("/api/v1/deadlines?year=2026&as_of={day}")
        } else {
            format!("/api/v1/reports/annual?format=md&year=2026&as_of={day}")
        };
        let r = app.get("viewer", &uri).await;
        assert_eq!(r.status, StatusCode::OK, "{uri}: {}", r.text());
        let s = app.state.cache_stats();
        assert!(within(&s, 4, 3, 5), "after {uri}: {s:?}");
    }
    let s = app.state.cache_stats();
    assert!(s.reports.entries >= 2 && s.latest.entries >= 1 && s.rendered.entries >= 1, "the caches are used: {s:?}");
    // The most recent answer is served again from the cache: no entry is added.
    let day = first + Days::new(119);
    let again = app.get("viewer", &format!("/api/v1/reports/annual?format=md&year=2026&as_of={day}")).await;
    assert_eq!(again.status, StatusCode::OK);
    assert_eq!(app.state.cache_stats(), s);
}

#[tokio::test]
async fn the_report_caches_weigh_their_entries_and_hold_no_more_bytes_than_their_bounds() {
    // One report and one rendering, to learn what they weigh.
    let probe = TestApp::new("bounded-bytes-probe").await;
    let r = probe.get("admin", "/api/v1/deadlines?year=2026&as_of=2026-03-01").await;
    assert_eq!(r.status, StatusCode::OK);
    let one = probe.state.cache_stats();
    assert_eq!((one.reports.entries, one.rendered.entries), (1, 1), "{one:?}");
    assert!(one.reports.bytes > 10_000, "a report weighs what its JSON does: {one:?}");
    assert!(one.rendered.bytes >= r.body.len(), "a rendering weighs at least its bytes: {one:?}");
    // Room for about three of each.
    let (reports, rendered) = (one.reports.bytes * 7 / 2, one.rendered.bytes * 7 / 2);
    let app = TestApp::with("bounded-bytes", |c| {
        c.cache.reports = CacheBound { entries: 1000, bytes: reports };
        c.cache.latest = CacheBound { entries: 1000, bytes: reports };
        c.cache.rendered = CacheBound { entries: 1000, bytes: rendered };
    })
    .await;
    let first = NaiveDate::from_ymd_opt(2026, 2, 1).unwrap();
    for n in 0..30 {
        let day = first + Days::new(n);
        let r = app.get("admin", &format!("/api/v1/deadlines?year=2026&as_of={day}")).await;
        assert_eq!(r.status, StatusCode::OK, "{day}: {}", r.text());
        let s = app.state.cache_stats();
        assert!(s.reports.bytes <= reports && s.latest.bytes <= reports && s.rendered.bytes <= rendered, "{s:?}");
    }
    let s = app.state.cache_stats();
    assert!((2..30).contains(&s.reports.entries), "{s:?}");
    assert!((2..30).contains(&s.rendered.entries), "{s:?}");
}

#[tokio::test]
async fn loaded_years_their_results_and_credentials_stay_within_their_bounds() {
    let w = world();
    let app = TestApp::with("bounded-years", |c| {
        c.cache.years = entries(3);
        c.cache.results = entries(2);
        c.cache.auth = entries(4);
        c.auth_cache_ttl = Duration::from_secs(3600);
    })
    .await;
    // Years loaded and evaluated (or not: a year with no rulebook in force is a conflict).
    for year in (2000..2004).chain(2023..=2030) {
        let r = app.get("viewer", &format!("/api/v1/explanations/{}?year={year}", w.member_a)).await;
        assert!(
            [StatusCode::OK, StatusCode::NOT_FOUND, StatusCode::CONFLICT].contains(&r.status),
            "{year}: {}",
            r.text()
        );
        let s = app.state.cache_stats();
        assert!(s.years.entries <= 3 && s.results.entries <= 2, "{year}: {s:?}");
    }
    let s = app.state.cache_stats();
    assert!(s.years.entries >= 1 && s.results.entries >= 1 && s.years.bytes > 0, "{s:?}");
    // Made-up tokens are remembered as wrong, within the bound too.
    for n in 0..40u32 {
        let req = Request::get("/api/v1/auth/me")
            .header("authorization", format!("Bearer xhht_{n:064x}"))
            .body(Body::empty())
            .unwrap();
        assert_eq!(send(&app.router, req).await.status, StatusCode::UNAUTHORIZED);
        assert!(app.state.cache_stats().auth.entries <= 4, "{:?}", app.state.cache_stats());
    }
    assert_eq!(app.get("viewer", "/api/v1/auth/me").await.status, StatusCode::OK);
    assert!(app.state.cache_stats().auth.entries >= 1);
}

#[tokio::test]
async fn as_of_days_outside_the_plan_are_refused() {
    let app = TestApp::new("as-of-range").await;
    for uri in
        ["/api/v1/reports/annual?format=json&year=2026", "/api/v1/progress?year=2026", "/api/v1/deadlines?year=2026"]
    {
        for day in ["0001-01-01", "9999-12-31", "2022-12-31", "2032-01-01"] {
            let r = app.get("viewer", &format!("{uri}&as_of={day}")).await;
            assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri} {day}: {}", r.text());
            assert_eq!(r.json()["errors"][0]["field"], "as_of", "{uri} {day}");
        }
        // From 1 January of the plan's first year to 31 December of the year after its last.
        for day in ["2023-01-01", "2031-12-31"] {
            let r = app.get("viewer", &format!("{uri}&as_of={day}")).await;
            assert_eq!(r.status, StatusCode::OK, "{uri} {day}: {}", r.text());
        }
    }
}

#[tokio::test]
async fn reads_that_build_or_render_are_rate_limited_per_client() {
    let w = world();
    let app = TestApp::with("read-limit", |c| c.read_rate_limit = Some(RateLimit { per_minute: 1, burst: 3 })).await;
    let mut statuses = Vec::new();
    let mut limited = None;
    for _ in 0..8 {
        let r = app.get("viewer", "/api/v1/reports/annual?format=json&year=2026").await;
        statuses.push(r.status);
        if r.status == StatusCode::TOO_MANY_REQUESTS {
            limited = Some(r);
            break;
        }
    }
    let r = limited.unwrap_or_else(|| panic!("no 429 in {statuses:?}"));
    assert!(statuses[0].is_success(), "{statuses:?}");
    assert!(r.header("retry-after").parse::<u64>().unwrap() >= 1);
    assert!(r.header("content-type").starts_with("application/json"));
    assert_eq!(r.json()["code"], "rate-limited");
    // The quota is that of every read that builds or renders, the dashboard's pages included.
    for uri in [
        "/api/v1/progress".to_owned(),
        "/api/v1/deadlines".to_owned(),
        "/api/v1/rewards/eligibility".to_owned(),
        "/api/v1/results/2025".to_owned(),
        format!("/api/v1/explanations/{}?year=2025", w.member_a),
        "/".to_owned(),
        format!("/org/{}", w.org_a),
        format!("/entity/{}", w.member_a),
    ] {
        let r = app.get("viewer", &uri).await;
        assert_eq!(r.status, StatusCode::TOO_MANY_REQUESTS, "{uri}: {}", r.text());
    }
    // Other reads are not counted against it.
    for uri in ["/api/v1/plan", "/api/v1/organisations", "/api/v1/auth/me"] {
        assert_eq!(app.get("viewer", uri).await.status, StatusCode::OK, "{uri}");
    }
}

fn assert_too_large(r: &Resp, what: &str) {
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{what}: {}", r.text());
    assert!(r.header("content-type").starts_with("application/json"), "{what}: {}", r.header("content-type"));
    let v = r.json();
    assert_eq!(v["code"], "too-large", "{what}: {v}");
    assert!(v["message"].as_str().is_some_and(|m| !m.is_empty()), "{what}: {v}");
}

/// A browser's page says it in a page, in Vietnamese, with a way back.
fn assert_page_too_large(r: &Resp, what: &str) {
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{what}: {}", r.text());
    assert!(r.header("content-type").starts_with("text/html"), "{what}: {}", r.header("content-type"));
    let html = r.text();
    assert!(html.contains("quá lớn") && html.contains("<a href=\"/\""), "{what}: {html}");
}

/// A multipart upload form with `kind` and a file.
fn upload_form(kind: &str, name: &str, file: &[u8]) -> (String, Vec<u8>) {
    let boundary = "xhhtboundary7MA4YWxkTrZu0gW";
    let mut body = format!(
        "--{boundary}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(file);
    body.extend_from_slice(format!("\r\n--{boundary}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={boundary}"), body)
}

async fn dashboard_login(app: &TestApp, user: &str) -> String {
    let req = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("user={user}&password={user}-password")))
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    r.header("set-cookie").split(';').next().unwrap().to_owned()
}

#[tokio::test]
async fn bodies_over_the_limit_answer_413_on_every_route_in_json_or_a_page() {
    let app = TestApp::with("too-large", |c| c.upload_limit = 16 << 10).await;
    // Over the 1 MiB JSON limit, with a valid token.
    let big = json!({"person": "x".repeat(1_200_000), "year": 2026, "date": "2026-01-01"}).to_string();
    for uri in [
        "/api/v1/commitments",
        "/api/v1/people",
        "/api/v1/users",
        "/api/v1/users/viewer/tokens",
        "/api/v1/reward-proposals",
        "/api/v1/reward-proposals/verification",
        "/api/v1/reward-proposals/decision",
        "/api/v1/duty-reports",
    ] {
        assert_too_large(&raw(&app, "admin", uri, "application/json", big.clone()).await, uri);
    }
    let login = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(big.clone()))
        .unwrap();
    assert_too_large(&send(&app.router, login).await, "login");
    // The dashboard's login form (axum's `Form`).
    let form = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("user=admin&password={}", "p".repeat(1_200_000))))
        .unwrap();
    assert_page_too_large(&send(&app.router, form).await, "dashboard login");
    // An import over the upload limit (16 KiB here).
    let csv = format!("id,full_name,category\n{}", "P1,Nguyễn Văn A,giao-vien\n".repeat(1000));
    assert!(csv.len() > 16 << 10);
    for uri in ["/api/v1/imports/people?file=people.csv", "/api/v1/imports/duty-reports?file=form.xlsx"] {
        assert_too_large(&raw(&app, "admin", uri, "application/octet-stream", csv.clone()).await, uri);
    }
    // The dashboard's upload form.
    let cookie = dashboard_login(&app, "admin").await;
    let (content_type, body) = upload_form("people", "people.csv", csv.as_bytes());
    let req = Request::post("/upload")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &cookie)
        .header("content-type", content_type)
        .body(Body::from(body))
        .unwrap();
    assert_page_too_large(&send(&app.router, req).await, "dashboard upload");
    // Under the limits, the same routes still read their bodies.
    let r = raw(&app, "admin", "/api/v1/imports/people?file=people.csv", "application/octet-stream", "id\n").await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
}

#[tokio::test]
async fn a_role_that_may_not_use_a_route_is_refused_before_its_body_is_read() {
    let app = TestApp::with("permission-first", |c| c.upload_limit = 16 << 10).await;
    let not_admins: &[&str] = &["unit-a", "viewer", "reviewer", "verifier"];
    let cases: [(&str, &[&str]); 10] = [
        ("/api/v1/users", not_admins),
        ("/api/v1/users/admin/tokens", not_admins),
        ("/api/v1/evaluations/2026", not_admins),
        ("/api/v1/evaluations/not-a-year", not_admins),
        ("/api/v1/imports/people?file=people.csv", not_admins),
        ("/api/v1/imports/areas", not_admins),
        ("/api/v1/imports/duty-reports?file=form.xlsx", &["viewer", "verifier"]),
        ("/api/v1/reward-proposals", &["reviewer", "verifier", "viewer"]),
        ("/api/v1/reward-proposals/verification", &["unit-a", "reviewer", "viewer"]),
        ("/api/v1/reward-proposals/decision", &["unit-a", "reviewer", "verifier", "viewer"]),
    ];
    let over_the_upload_limit = "y".repeat(20 << 10);
    for body in ["", "{not json", "{}", over_the_upload_limit.as_str()] {
        for (uri, users) in cases {
            for user in users {
                let r = raw(&app, user, uri, "application/json", body.to_owned()).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {uri} ({} bytes): {}", body.len(), r.text());
                assert_eq!(r.json()["code"], "forbidden");
            }
        }
    }
    // An administrator is told what is wrong with the body.
    for (uri, field) in [
        ("/api/v1/users", "body"),
        ("/api/v1/users/admin/tokens", "body"),
        ("/api/v1/reward-proposals/verification", "body"),
        ("/api/v1/reward-proposals/decision", "body"),
        ("/api/v1/evaluations/not-a-year", "year"),
    ] {
        let r = raw(&app, "admin", uri, "application/json", "").await;
        assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{uri}: {}", r.text());
        assert_eq!(r.json()["errors"][0]["field"], field, "{uri}");
    }
    // The dashboard's upload: a viewer may upload nothing, whatever the form holds.
    let cookie = dashboard_login(&app, "viewer").await;
    for (content_type, body) in
        [("multipart/form-data; boundary=nope", b"garbage".to_vec()), ("text/plain", b"not a form".to_vec())]
    {
        let req = Request::post("/upload")
            .header("host", "localhost")
            .header("origin", "http://localhost")
            .header("cookie", &cookie)
            .header("content-type", content_type)
            .body(Body::from(body))
            .unwrap();
        let r = send(&app.router, req).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{content_type}: {}", r.text());
    }
}

#[tokio::test]
async fn an_unknown_scope_is_404_and_fills_no_report_cache() {
    let w = world();
    let app = TestApp::new("unknown-scope").await;
    for scope in ["actor:../../x", "actor:nope", "org:NOPE", "commune:NOPE", "area:NOPE"] {
        for uri in [
            "/api/v1/reports/annual?format=json&year=2026",
            "/api/v1/reports/phase-1?format=md",
            "/api/v1/progress?year=2026",
            "/api/v1/deadlines?year=2026",
            "/api/v1/rewards/eligibility?year=2026",
        ] {
            let r = app.get("viewer", &format!("{uri}&scope={scope}")).await;
            assert_eq!(r.status, StatusCode::NOT_FOUND, "{uri} {scope}: {}", r.text());
            assert_eq!(r.json()["code"], "not-found", "{uri} {scope}");
        }
    }
    let s = app.state.cache_stats();
    assert_eq!((s.reports.entries, s.latest.entries, s.rendered.entries), (0, 0, 0), "{s:?}");
    // Scopes that exist still answer: the organisation, its commune, its actor.
    let org = app.get("admin", &format!("/api/v1/organisations/{}", w.org_a)).await.json();
    let mut known = vec![format!("org:{}", w.org_a), format!("commune:{}", org["area"].as_str().unwrap())];
    if let Some(actor) = &w.actor_a {
        known.push(format!("actor:{actor}"));
        known.push(format!("actor:{}", actor.trim_start_matches("actor.")));
    }
    for scope in known {
        let r = app.get("viewer", &format!("/api/v1/reports/annual?format=json&year=2026&scope={scope}")).await;
        assert_eq!(r.status, StatusCode::OK, "{scope}: {}", r.text());
    }
}
