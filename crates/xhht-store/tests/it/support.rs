//! The test harness: a fresh database per test on each backend, and small builders of domain
//! values.

use std::path::PathBuf;
use std::sync::atomic::{AtomicU32, Ordering};

use chrono::NaiveDate;
use sqlx::Connection;
use xhht_core::area::{AdminArea, AreaLevel};
use xhht_core::entity::{
    MemberRole, Membership, OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory, SchoolLevel,
};
use xhht_core::period::DateRange;
use xhht_store::{Backend, Store};

static COUNTER: AtomicU32 = AtomicU32::new(0);

pub(crate) fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

/// A database made for one test, removed when dropped.
#[derive(Debug)]
pub(crate) struct TestDb {
    pub(crate) backend: Backend,
    pub(crate) target: String,
    /// A directory the test may write files in.
    pub(crate) dir: PathBuf,
    pg: Option<(String, String)>,
}

impl TestDb {
    pub(crate) async fn open(&self) -> Store {
        Store::open(&self.target).await.unwrap_or_else(|e| panic!("open {}: {e}", self.target))
    }

    /// A second, fresh database of the same backend (for restores).
    pub(crate) async fn sibling(&self, label: &str) -> TestDb {
        fresh(self.backend, label).await
    }
}

impl Drop for TestDb {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.dir);
        if let Some((admin, name)) = self.pg.take() {
            // Dropping runs outside the test's runtime, on a thread of its own.
            let _ = std::thread::spawn(move || {
                let rt = tokio::runtime::Builder::new_current_thread().enable_all().build().unwrap();
                rt.block_on(async {
                    if let Ok(mut c) = sqlx::PgConnection::connect(&admin).await {
                        let sql = format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)");
                        let _ = sqlx::query(sqlx::AssertSqlSafe(sql)).execute(&mut c).await;
                    }
                });
            })
            .join();
        }
    }
}

fn pg_admin_url() -> Option<String> {
    let url = std::env::var("XHHT_TEST_POSTGRES_URL").ok().filter(|u| !u.trim().is_empty());
    let required = std::env::var("XHHT_REQUIRE_POSTGRES").is_ok_and(|v| v == "1");
    if url.is_none() && required {
        panic!("XHHT_REQUIRE_POSTGRES=1 but XHHT_TEST_POSTGRES_URL is not set");
    }
    url
}

/// The backends to test: SQLite always, PostgreSQL when configured.
pub(crate) fn backends() -> Vec<Backend> {
    let mut v = vec![Backend::Sqlite];
    if pg_admin_url().is_some() {
        v.push(Backend::Postgres);
    } else {
        eprintln!("note: XHHT_TEST_POSTGRES_URL is not set; PostgreSQL is not tested");
    }
    v
}

fn unique(label: &str) -> String {
    let clean: String =
        label.chars().map(|c| if c.is_ascii_alphanumeric() { c.to_ascii_lowercase() } else { '_' }).take(30).collect();
    let n = COUNTER.fetch_add(1, Ordering::SeqCst);
    let nanos =
        std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH).map(|d| d.subsec_nanos()).unwrap_or(0);
    format!("{clean}_{}_{n}_{nanos}", std::process::id())
}

/// A fresh, empty database on `backend`.
pub(crate) async fn fresh(backend: Backend, label: &str) -> TestDb {
    let name = unique(label);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("xhht-store-tests").join(&name);
    std::fs::create_dir_all(&dir).unwrap();
    match backend {
        Backend::Sqlite => {
            let target = dir.join("xhht.db").display().to_string();
            TestDb { backend, target, dir, pg: None }
        }
        Backend::Postgres => {
            let admin = pg_admin_url().expect("PostgreSQL URL");
            let db = format!("xhht_t_{name}");
            let mut c = sqlx::PgConnection::connect(&admin)
                .await
                .unwrap_or_else(|e| panic!("cannot reach the PostgreSQL server of XHHT_TEST_POSTGRES_URL: {e}"));
            sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {db}"))).execute(&mut c).await.unwrap();
            c.close().await.unwrap();
            let target = with_database(&admin, &db);
            TestDb { backend, target, dir, pg: Some((admin, db)) }
        }
    }
}

/// `url` with its database name replaced by `db`.
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

/// Runs `test` once per backend, each time on a fresh database.
pub(crate) async fn each_backend(label: &str, test: impl AsyncFn(TestDb)) {
    for backend in backends() {
        eprintln!("-- {label} on {}", backend.id());
        let db = fresh(backend, label).await;
        test(db).await;
    }
}

pub(crate) fn area(code: &str, level: AreaLevel, parent: Option<&str>) -> AdminArea {
    AdminArea {
        code: code.into(),
        name: format!("Khu vực {code}"),
        level,
        parent: parent.map(Into::into),
        valid: DateRange::starting(d(2000, 1, 1)),
    }
}

/// A province, a district and two communes.
pub(crate) fn areas() -> Vec<AdminArea> {
    vec![
        area("80", AreaLevel::Province, None),
        area("806", AreaLevel::District, Some("80")),
        area("27700", AreaLevel::Commune, Some("806")),
        area("27703", AreaLevel::Commune, Some("806")),
    ]
}

pub(crate) fn school(code: &str, area: &str) -> Organisation {
    Organisation {
        code: code.into(),
        name: format!("Trường THCS {code}"),
        kind: OrgKind::School(SchoolLevel::LowerSecondary),
        ownership: Ownership::Public,
        level: OrgLevel::District,
        area: area.into(),
        parent: None,
        actor: None,
        valid: DateRange::starting(d(2000, 1, 1)),
    }
}

pub(crate) fn teacher(id: &str) -> Person {
    Person {
        id: id.into(),
        full_name: format!("Nguyễn Văn {id}"),
        birth_year: Some(1985),
        citizen_id: None,
        category: PersonCategory::GiaoVien,
        area: Some("27700".into()),
    }
}

pub(crate) fn member(person: &str, org: &str, role: MemberRole, from: NaiveDate, to: Option<NaiveDate>) -> Membership {
    Membership { person: person.into(), organisation: org.into(), role, period: DateRange::new(from, to).unwrap() }
}

/// Runs raw SQL on the test database behind the store's back (to tamper, or to inspect).
pub(crate) async fn raw_exec(db: &TestDb, sql: &str) {
    match db.backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.target)).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.unwrap();
            c.close().await.unwrap();
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.target).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.unwrap();
            c.close().await.unwrap();
        }
    }
}

/// Runs raw SQL and returns its error message, if it fails.
pub(crate) async fn raw_exec_err(db: &TestDb, sql: &str) -> Option<String> {
    let r = match db.backend {
        Backend::Sqlite => {
            let mut c = sqlx::SqliteConnection::connect(&format!("sqlite://{}", db.target)).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.map(|_| ())
        }
        Backend::Postgres => {
            let mut c = sqlx::PgConnection::connect(&db.target).await.unwrap();
            sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.map(|_| ())
        }
    };
    r.err().map(|e| e.to_string())
}
