//! Test support: a small synthetic district in a SQLite file (built once, copied per test),
//! users of every role with tokens, and request helpers over `oneshot`.

use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use axum::Router;
use axum::body::Body;
use axum::http::{Request, StatusCode};
use chrono::NaiveDate;
use http_body_util::BodyExt;
use serde_json::Value;
use tower::ServiceExt;
use xhht_core::entity::MemberRole;
use xhht_demo::{Options, Size, generate};
use xhht_server::{AppState, Config, RateLimit, app};

/// "Today" in every test: before the 2026 annual report deadline (10/12).
pub(crate) fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 12, 1).unwrap()
}

/// Facts about the template database the tests rely on.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize)]
pub(crate) struct World {
    /// The template file.
    pub(crate) file: PathBuf,
    /// An organisation with a head and at least one other member today.
    pub(crate) org_a: String,
    /// Its head.
    pub(crate) head_a: String,
    /// A member of A who is not its head.
    pub(crate) member_a: String,
    /// The full name of `member_a` (personal data).
    pub(crate) member_a_name: String,
    /// Another organisation.
    pub(crate) org_b: String,

    /// The plan actor of A, if any.
    pub(crate) actor_a: Option<String>,
    /// A token per test user (the users are in the template).
    pub(crate) tokens: std::collections::HashMap<String, String>,
}

static COUNTER: AtomicU64 = AtomicU64::new(0);

/// A `POST` as `user` (with their token) with a raw body of `content_type`.
pub(crate) async fn raw(app: &TestApp, user: &str, uri: &str, content_type: &str, body: impl Into<Body>) -> Resp {
    let req = Request::post(uri)
        .header("authorization", format!("Bearer {}", app.tokens[user]))
        .header("content-type", content_type)
        .body(body.into())
        .unwrap();
    send(&app.router, req).await
}

/// A fresh temporary directory (removed by the OS's temp cleaning; each is unique).
pub(crate) fn temp_dir(tag: &str) -> PathBuf {
    let n = COUNTER.fetch_add(1, Ordering::Relaxed);
    let dir = std::env::temp_dir().join(format!("xhht-server-it-{}-{tag}-{n}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

/// Builds the template in `dir` (the database and `world.json`) for use from `final_dir`.
fn build_world(dir: &Path, final_dir: &Path) -> World {
    let file = dir.join("template.db");
    let data = generate(Options { size: Size::Tiny, seed: 3, today: today() }).unwrap();
    let day = today();
    // An organisation with a head and another member today, and a second organisation.
    let mut orgs: Vec<&str> = data.organisations.iter().map(|o| o.code.as_str()).collect();
    orgs.sort_unstable();
    let members = |org: &str, role: MemberRole| -> Vec<String> {
        let mut v: Vec<String> = data
            .memberships
            .iter()
            .filter(|m| m.organisation == org && m.role == role && m.period.contains(day))
            .map(|m| m.person.clone())
            .collect();
        v.sort();
        v
    };
    let org_a = orgs
        .iter()
        .find(|o| !members(o, MemberRole::Head).is_empty() && members(o, MemberRole::Member).len() >= 2)
        .expect("an organisation with a head and members")
        .to_string();
    let head_a = members(&org_a, MemberRole::Head)[0].clone();
    let member_a = members(&org_a, MemberRole::Member).into_iter().find(|p| *p != head_a).unwrap();
    // B's people have been B's since before 2024 (the tests move them from 2024-01-01): not a
    // body made by the reorganisation of 2025-07-01.
    let before_2024 = |org: &str| {
        data.organisations
            .iter()
            .any(|o| o.code == org && o.valid.from() < NaiveDate::from_ymd_opt(2024, 1, 1).unwrap())
    };
    let org_b = orgs
        .iter()
        .find(|o| **o != org_a && before_2024(o) && !members(o, MemberRole::Member).is_empty())
        .unwrap()
        .to_string();

    let member_a_name = data.people.iter().find(|p| p.id == member_a).unwrap().full_name.clone();
    let actor_a = data.organisations.iter().find(|o| o.code == org_a).and_then(|o| o.actor.clone());
    let target = file.to_str().unwrap().to_owned();
    let rt = tokio::runtime::Runtime::new().unwrap();
    rt.block_on(load(&target, &data));
    let mut w = World {
        file: final_dir.join("template.db"),
        org_a,
        head_a,
        member_a,
        member_a_name,
        org_b,
        actor_a,
        tokens: Default::default(),
    };
    let tokens = rt.block_on(add_users(&target, &w));
    w.tokens = tokens;
    std::fs::write(dir.join("world.json"), serde_json::to_vec(&w).unwrap()).unwrap();
    w
}

/// The demo district's records (not its duty reports or reward proposals) written into the
/// database at `target`, through the use cases.
async fn load(target: &str, data: &xhht_demo::Dataset) {
    let app = xhht_app::App::open(target).await.unwrap();
    let records = xhht_app::dataset::Records {
        areas: &data.areas,
        successions: &data.successions,
        organisations: &data.organisations,
        people: &data.people,
        memberships: &data.memberships,
        registrations: &data.registrations,
        commitments: &data.commitments,
        self_study_plans: &data.self_study_plans,
        assessments: &data.assessments,
        recognitions: &data.recognitions,
        report_submissions: &data.report_submissions,
        duty_reports: &[],
        reward_proposals: &[],
    };
    app.put_records("test setup", records).await.unwrap();
    app.close().await;
}

/// The PostgreSQL server the tests may use (`XHHT_TEST_POSTGRES_URL`, a role that may create
/// databases), as CI sets it; with `XHHT_REQUIRE_POSTGRES=1` its absence is an error.
pub(crate) fn pg_admin_url() -> Option<String> {
    let url = std::env::var("XHHT_TEST_POSTGRES_URL").ok().filter(|u| !u.trim().is_empty());
    if url.is_none() && std::env::var("XHHT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1") {
        panic!("XHHT_REQUIRE_POSTGRES=1 but XHHT_TEST_POSTGRES_URL is not set");
    }
    url
}

/// `url` with its database replaced by `db`.
fn with_database(url: &str, db: &str) -> String {
    let (base, query) = url.split_once('?').map_or((url, None), |(b, q)| (b, Some(q)));
    let scheme_end = base.find("://").map_or(0, |i| i + 3);
    let base = match base[scheme_end..].find('/') {
        Some(i) => &base[..scheme_end + i],
        None => base,
    };
    match query {
        Some(q) => format!("{base}/{db}?{q}"),
        None => format!("{base}/{db}"),
    }
}

/// The template world: built once per test binary and shared by the test processes (nextest
/// runs each test in its own process) through a directory named after the binary's build.
pub(crate) fn world() -> &'static World {
    static WORLD: OnceLock<World> = OnceLock::new();
    WORLD.get_or_init(|| {
        let exe = std::env::current_exe().unwrap();
        let meta = std::fs::metadata(&exe).unwrap();
        let stamp = meta.modified().ok().and_then(|t| t.duration_since(std::time::UNIX_EPOCH).ok()).unwrap_or_default();
        let key = format!("{}-{}", meta.len(), stamp.as_nanos());
        let final_dir = std::env::temp_dir().join(format!("xhht-server-it-template-{key}"));
        if let Ok(bytes) = std::fs::read(final_dir.join("world.json")) {
            return serde_json::from_slice(&bytes).unwrap();
        }
        let building = temp_dir("template-build");
        let (b, fd) = (building.clone(), final_dir.clone());
        let w = std::thread::spawn(move || build_world(&b, &fd)).join().unwrap();
        if std::fs::rename(&building, &final_dir).is_ok() {
            return w;
        }
        // Another process finished first: use its template.
        match std::fs::read(final_dir.join("world.json")) {
            Ok(bytes) => serde_json::from_slice(&bytes).unwrap(),
            Err(_) => World { file: building.join("template.db"), ..w },
        }
    })
}

/// A copy of the template database in a fresh directory; returns its path.
pub(crate) fn fresh_db(tag: &str) -> String {
    let w = world();
    let dir = temp_dir(tag);
    let file = dir.join("xhht.db");
    std::fs::copy(&w.file, &file).unwrap();
    file.to_str().unwrap().to_owned()
}

/// The roles the tests log in as, with the name of their user.
/// `unit-a` is linked to the head of `org_a` (the head), `unit-a-member` to one of its members
/// (an officer's unit account), `member-a` is that member's own account (role `member`).
pub(crate) const USERS: [&str; 8] =
    ["admin", "reviewer", "verifier", "viewer", "unit-a", "unit-a-member", "unit-b", "member-a"];

/// One app over a fresh database, with a token per user.
pub(crate) struct TestApp {
    pub(crate) state: AppState,
    pub(crate) router: Router,
    #[allow(dead_code, reason = "kept for tests that open the file")]
    pub(crate) db: String,
    pub(crate) tokens: std::collections::HashMap<String, String>,
}

/// The configuration tests use: fixed today, fresh reads, no rate limits unless asked.
pub(crate) fn test_config(db: &str) -> Config {
    let mut c = Config::new(db);
    c.today = Some(today());
    c.data_version_interval = Duration::ZERO;
    c.auth_cache_ttl = Duration::ZERO;
    c.rate_limit = None;
    c.read_rate_limit = None;
    c.stale_reports = false;
    c
}

/// Adds the test users (passwords `<name>-password`) and returns a token for each.
pub(crate) async fn add_users(db: &str, w: &World) -> std::collections::HashMap<String, String> {
    let mut tokens = std::collections::HashMap::new();
    for name in USERS {
        let (role, org) = match name {
            "unit-a" | "unit-a-member" => ("unit", Some(w.org_a.as_str())),
            "unit-b" => ("unit", Some(w.org_b.as_str())),
            other => (other, None),
        };
        if name == "member-a" {
            xhht_server::auth::add_member(db, name, &w.member_a, Some(&format!("{name}-password"))).await.unwrap();
            tokens.insert(name.to_owned(), xhht_server::auth::create_token(db, name, "tests").await.unwrap());
            continue;
        }
        xhht_server::auth::add_user(db, name, role, org, Some(&format!("{name}-password"))).await.unwrap();
        match name {
            "unit-a" => xhht_server::auth::link_person(db, name, Some(&w.head_a)).await.unwrap(),
            "unit-a-member" => xhht_server::auth::link_person(db, name, Some(&w.member_a)).await.unwrap(),
            _ => {}
        }
        tokens.insert(name.to_owned(), xhht_server::auth::create_token(db, name, "tests").await.unwrap());
    }
    tokens
}

impl TestApp {
    /// A new app over a fresh copy of the template.
    pub(crate) async fn new(tag: &str) -> TestApp {
        Self::with(tag, |_| {}).await
    }

    /// A new app over a fresh PostgreSQL database holding the template's records and users
    /// (`None` when no PostgreSQL server is configured).
    pub(crate) async fn on_postgres(tag: &str) -> Option<TestApp> {
        use sqlx::Connection;
        let admin = pg_admin_url()?;
        let n = COUNTER.fetch_add(1, Ordering::Relaxed);
        let clean: String =
            tag.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).collect();
        let db = format!("xhht_srv_{clean}_{}_{n}", std::process::id());
        let mut c = sqlx::PgConnection::connect(&admin).await.unwrap();
        sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&mut c).await.unwrap();
        c.close().await.unwrap();
        let target = with_database(&admin, &db);
        let data = generate(Options { size: Size::Tiny, seed: 3, today: today() }).unwrap();
        load(&target, &data).await;
        let tokens = add_users(&target, world()).await;
        let state = AppState::new(test_config(&target)).await.unwrap();
        let router = app(state.clone());
        Some(TestApp { state, router, db: target, tokens })
    }

    /// The app on every backend the tests run on: SQLite, and PostgreSQL when configured.
    pub(crate) async fn each(tag: &str) -> Vec<TestApp> {
        let mut v = vec![TestApp::new(tag).await];
        v.extend(TestApp::on_postgres(tag).await);
        v
    }

    /// A new app with the configuration changed by `f`.
    pub(crate) async fn with(tag: &str, f: impl FnOnce(&mut Config)) -> TestApp {
        let db = fresh_db(tag);
        let tokens = world().tokens.clone();
        let mut config = test_config(&db);
        f(&mut config);
        let state = AppState::new(config).await.unwrap();
        let router = app(state.clone());
        TestApp { state, router, db, tokens }
    }

    /// Sends a request as `user` (None: anonymous).
    pub(crate) async fn send(&self, user: Option<&str>, method: &str, uri: &str, body: Option<Value>) -> Resp {
        let mut req = Request::builder().method(method).uri(uri);
        if let Some(u) = user {
            req = req.header("authorization", format!("Bearer {}", self.tokens[u]));
        }
        let req = match body {
            Some(b) => req.header("content-type", "application/json").body(Body::from(b.to_string())).unwrap(),
            None => req.body(Body::empty()).unwrap(),
        };
        send(&self.router, req).await
    }

    pub(crate) async fn get(&self, user: &str, uri: &str) -> Resp {
        self.send(Some(user), "GET", uri, None).await
    }

    pub(crate) async fn post(&self, user: &str, uri: &str, body: Value) -> Resp {
        self.send(Some(user), "POST", uri, Some(body)).await
    }
}

/// An answer, read whole.
#[derive(Debug)]
pub(crate) struct Resp {
    pub(crate) status: StatusCode,
    pub(crate) headers: axum::http::HeaderMap,
    pub(crate) body: Vec<u8>,
}

impl Resp {
    pub(crate) fn json(&self) -> Value {
        serde_json::from_slice(&self.body).unwrap_or_else(|e| panic!("{e}: {}", self.text()))
    }

    pub(crate) fn text(&self) -> String {
        String::from_utf8_lossy(&self.body).into_owned()
    }

    pub(crate) fn header(&self, name: &str) -> String {
        self.headers.get(name).map(|v| v.to_str().unwrap().to_owned()).unwrap_or_default()
    }
}

/// Sends a request through the router.
pub(crate) async fn send(router: &Router, req: Request<Body>) -> Resp {
    let resp = router.clone().oneshot(req).await.unwrap();
    let status = resp.status();
    let headers = resp.headers().clone();
    let body = resp.into_body().collect().await.unwrap().to_bytes().to_vec();
    Resp { status, headers, body }
}

/// The crate's folder.
pub(crate) fn crate_dir() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Serves `state` on a loopback port in this process; returns the address and a handle whose
/// drop does not stop it (tests end the runtime).
pub(crate) async fn serve_loopback(state: AppState) -> std::net::SocketAddr {
    let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = xhht_server::serve(listener, state, std::future::pending(), Duration::from_secs(5)).await;
    });
    addr
}

/// A rate limit small enough to hit in a test.
pub(crate) fn tight_limit() -> Option<RateLimit> {
    Some(RateLimit { per_minute: 1, burst: 3 })
}
