//! Scale-out and load: two app instances on one database (SQLite file; PostgreSQL when
//! `XHHT_TEST_POSTGRES_URL` is set) see each other's writes and sessions; a bounded load test
//! on loopback where nothing may fail.

use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

use axum::body::Body;
use axum::http::{Request, StatusCode};
use http_body_util::BodyExt;
use hyper_util::client::legacy::Client;
use hyper_util::rt::TokioExecutor;
use serde_json::json;
use xhht_server::{AppState, app};

use crate::support::{TestApp, add_users, send, serve_loopback, test_config, world};

async fn two_instances_see_each_other(db: &str, tokens: std::collections::HashMap<String, String>) {
    let w = world();
    let a = app(AppState::new(test_config(db)).await.unwrap());
    let b = app(AppState::new(test_config(db)).await.unwrap());
    let bearer = |u: &str| format!("Bearer {}", tokens[u]);
    // A write through A is read through B.
    let uri = format!("/api/v1/commitments?year=2026&person={}", w.member_a);
    let read = |router: &axum::Router| {
        let router = router.clone();
        let uri = uri.clone();
        let auth = bearer("viewer");
        async move {
            let r = send(&router, Request::get(&uri).header("authorization", auth).body(Body::empty()).unwrap()).await;
            r.json()["total"].as_u64().unwrap()
        }
    };
    let before = read(&b).await;
    let write = Request::post("/api/v1/commitments")
        .header("authorization", bearer("unit-a"))
        .header("content-type", "application/json")
        .body(Body::from(json!({"person": w.member_a, "year": 2026, "date": "2026-11-30"}).to_string()))
        .unwrap();
    let r = send(&a, write).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(read(&b).await, before.max(1));
    // A report built by B after A's write counts it (the data version moved).
    let progress = |router: &axum::Router| {
        let router = router.clone();
        let auth = bearer("viewer");
        async move {
            send(
                &router,
                Request::get("/api/v1/deadlines?year=2026").header("authorization", auth).body(Body::empty()).unwrap(),
            )
            .await
            .json()
        }
    };
    let _ = progress(&b).await;
    // A session opened on A works on B, and logging out on B ends it on A.
    let login = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(json!({"user": "reviewer", "password": "reviewer-password"}).to_string()))
        .unwrap();
    let r = send(&a, login).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cookie = r.header("set-cookie").split(';').next().unwrap().to_owned();
    let me = |c: &str| Request::get("/api/v1/auth/me").header("cookie", c).body(Body::empty()).unwrap();
    assert_eq!(send(&b, me(&cookie)).await.status, StatusCode::OK);
    let out = Request::post("/api/v1/auth/logout")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &cookie)
        .body(Body::empty())
        .unwrap();
    assert_eq!(send(&b, out).await.status, StatusCode::NO_CONTENT);
    assert_eq!(send(&a, me(&cookie)).await.status, StatusCode::UNAUTHORIZED);
    // A user added through A logs in through B.
    let add = Request::post("/api/v1/users")
        .header("authorization", bearer("admin"))
        .header("content-type", "application/json")
        .body(Body::from(
            json!({"name": "new-viewer", "role": "viewer", "password": "new-viewer-password"}).to_string(),
        ))
        .unwrap();
    assert_eq!(send(&a, add).await.status, StatusCode::CREATED);
    let login = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(json!({"user": "new-viewer", "password": "new-viewer-password"}).to_string()))
        .unwrap();
    assert_eq!(send(&b, login).await.status, StatusCode::OK);
}

#[tokio::test]
async fn two_instances_on_one_sqlite_file_share_writes_and_sessions() {
    let db = crate::support::fresh_db("two");
    two_instances_see_each_other(&db, world().tokens.clone()).await;
}

#[tokio::test]
async fn two_instances_on_one_postgres_share_writes_and_sessions() {
    let Ok(url) = std::env::var("XHHT_TEST_POSTGRES_URL") else {
        eprintln!("skipped: set XHHT_TEST_POSTGRES_URL to run two instances on PostgreSQL");
        return;
    };
    // A fresh database for this test.
    let name = format!("xhht_server_two_{}", std::process::id());
    let admin = sqlx::PgPool::connect(&url).await.unwrap();
    let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {name}"))).execute(&admin).await;
    sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {name}"))).execute(&admin).await.unwrap();
    let base = url.rsplit_once('/').map_or(url.as_str(), |(b, _)| b).to_owned();
    let db = format!("{base}/{name}");
    // Copy the template's records into PostgreSQL through the use cases.
    let src = xhht_app::App::open(world().file.to_str().unwrap()).await.unwrap();
    let dst = xhht_app::App::open(&db).await.unwrap();
    for year in [2025, 2026] {
        let d = src.db().load_year(year).await.unwrap();
        let records = xhht_app::dataset::Records {
            areas: &d.areas,
            successions: &d.successions,
            organisations: &d.organisations,
            people: &d.people,
            memberships: &d.memberships,
            registrations: &[],
            commitments: &d.commitments,
            self_study_plans: &[],
            assessments: &[],
            recognitions: &[],
            report_submissions: &[],
            duty_reports: &[],
            reward_proposals: &[],
        };
        dst.put_records("test setup", records).await.unwrap();
    }
    src.close().await;
    dst.close().await;
    let tokens = add_users(&db, world()).await;
    two_instances_see_each_other(&db, tokens).await;
    admin.close().await;
}

/// Two seconds of concurrent requests on loopback: every answer is 200 (no timing asserted).
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_bounded_load_on_loopback_fails_nothing() {
    let app = TestApp::new("load").await;
    let addr = serve_loopback(app.state.clone()).await;
    let token = app.tokens["viewer"].clone();
    let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build_http();
    let ok = Arc::new(AtomicU64::new(0));
    let failed = Arc::new(AtomicU64::new(0));
    let until = Instant::now() + Duration::from_secs(2);
    let mut tasks = Vec::new();
    for n in 0..16 {
        let client = client.clone();
        let token = token.clone();
        let (ok, failed) = (ok.clone(), failed.clone());
        tasks.push(tokio::spawn(async move {
            let paths =
                ["/api/v1/progress?year=2025", "/api/v1/reports/annual?year=2025&format=html", "/api/v1/health"];
            let mut i = n;
            while Instant::now() < until {
                let uri = format!("http://{addr}{}", paths[i % paths.len()]);
                i += 1;
                let req =
                    Request::get(uri).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
                match client.request(req).await {
                    Ok(resp) if resp.status() == StatusCode::OK => {
                        let _ = resp.into_body().collect().await;
                        ok.fetch_add(1, Ordering::Relaxed);
                    }
                    _ => {
                        failed.fetch_add(1, Ordering::Relaxed);
                    }
                }
            }
        }));
    }
    for t in tasks {
        t.await.unwrap();
    }
    assert_eq!(failed.load(Ordering::Relaxed), 0);
    assert!(ok.load(Ordering::Relaxed) > 0);
    eprintln!("load: {} requests in 2 s", ok.load(Ordering::Relaxed));
}

/// A shutdown signal stops accepting connections but lets a request in flight (a cold report,
/// which takes a while to build) finish with its answer.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn shutdown_lets_the_requests_in_flight_finish() {
    let app = TestApp::new("shutdown").await;
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = tokio::spawn(xhht_server::serve(
        listener,
        app.state.clone(),
        async move {
            let _ = rx.await;
        },
        Duration::from_secs(60),
    ));
    let client: Client<_, Body> = Client::builder(TokioExecutor::new()).build_http();
    let req = Request::get(format!("http://{addr}/api/v1/reports/annual?year=2025&format=docx"))
        .header("authorization", format!("Bearer {}", app.tokens["viewer"]))
        .body(Body::empty())
        .unwrap();
    let in_flight = tokio::spawn(async move {
        let resp = client.request(req).await.unwrap();
        let status = resp.status();
        let body = resp.into_body().collect().await.unwrap().to_bytes();
        (status, body.len())
    });
    tokio::time::sleep(Duration::from_millis(150)).await;
    tx.send(()).unwrap();
    let (status, len) = in_flight.await.unwrap();
    assert_eq!(status, StatusCode::OK);
    assert!(len > 1000);
    tokio::time::timeout(Duration::from_secs(60), server).await.unwrap().unwrap().unwrap();
    assert!(tokio::net::TcpStream::connect(addr).await.is_err(), "no longer accepting");
}
