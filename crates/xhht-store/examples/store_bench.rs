//! The store's benchmark (not a test): imports a synthetic population from CSV into SQLite and,
//! when given a server, PostgreSQL, then loads the data year back for the engine; prints the
//! figures recorded in `docs/benchmarks.md` ("Store").
//!
//! ```sh
//! cargo run --release -p xhht-store --example store_bench -- [--people N] [--dir DIR] \
//!     [--postgres postgres://user:password@host/postgres]
//! ```
//!
//! The population is **synthetic**: a fixed pseudo-random sequence of Vietnamese-looking names,
//! birth years, citizen ids and categories; one province, 100 communes, 1,000 schools, every
//! person a member (or the head) of one school, and for every person a registration, a
//! commitment and a self-study plan of 2024. Nothing in it describes a real person or district.
//! With `--postgres`, the URL must allow creating a database; the benchmark creates
//! `xhht_store_bench` (dropping an older one) and drops it at the end. `sqlite3 .import` of the
//! same people file is timed too when the `sqlite3` command is installed.

use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::time::{Duration, Instant};

use sqlx::Connection;

/// The allocator of the `xhht` and `xhht-server` binaries, so the figures are theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;
use xhht_store::{ImportKind, ImportOptions, Store};

#[path = "common/mod.rs"]
mod common;
use common::{Rng, out};

const SCHOOLS: usize = 1000;

/// Writes the synthetic files; returns their paths by kind.
fn generate(dir: &Path, people: usize) -> std::io::Result<Vec<(ImportKind, PathBuf)>> {
    std::fs::create_dir_all(dir)?;
    let mut rng = Rng(2024);
    let mut files = Vec::new();
    let mut write = |kind: ImportKind, text: String| -> std::io::Result<()> {
        let path = dir.join(format!("bench-{}.csv", kind.id()));
        std::fs::write(&path, text)?;
        files.push((kind, path));
        Ok(())
    };
    let mut s = String::from("code,name,level,parent,valid_from\n80,Tỉnh Thử,province,,01/01/1976\n");
    for c in 0..100 {
        let _ = writeln!(s, "C{c:03},Xã Thử {c},commune,80,01/01/1976");
    }
    write(ImportKind::Areas, s)?;
    let mut s = String::from("code,name,kind,school_level,level,area,valid_from\n");
    for o in 0..SCHOOLS {
        let _ = writeln!(s, "S{o:04},Trường Thử {o},school,primary,commune,C{:03},01/09/1990", o % 100);
    }
    write(ImportKind::Organisations, s)?;
    let s = common::people_csv(&mut rng, people);
    write(ImportKind::People, s)?;
    let mut s = String::with_capacity(people * 40);
    s.push_str("person,organisation,role,valid_from\n");
    for p in 0..people {
        let role = if p < SCHOOLS { "head" } else { "member" };
        let _ = writeln!(s, "P{p:07},S{:04},{role},01/08/2015", p % SCHOOLS);
    }
    write(ImportKind::Memberships, s)?;
    let mut s = String::with_capacity(people * 36);
    s.push_str("subject,year,date\n");
    for p in 0..people {
        let _ = writeln!(s, "P{p:07},2024,10/01/2024");
    }
    write(ImportKind::Registrations, s)?;
    let mut s = String::with_capacity(people * 30);
    s.push_str("person,year,date\n");
    for p in 0..people {
        let _ = writeln!(s, "P{p:07},2024,10/01/2024");
    }
    write(ImportKind::Commitments, s)?;
    let mut s = String::with_capacity(people * 50);
    s.push_str("person,year,submitted,approved_by,approved_on\n");
    for p in 0..people {
        let _ = writeln!(s, "P{p:07},2024,15/01/2024,P{:07},01/02/2024", p % SCHOOLS);
    }
    write(ImportKind::SelfStudyPlans, s)?;
    Ok(files)
}

fn secs(d: Duration) -> String {
    let ms = d.as_millis();
    format!("{}.{:03}", ms / 1000, ms % 1000)
}

fn rate(rows: u64, d: Duration) -> String {
    let per_s = u128::from(rows) * 1000 / d.as_millis().max(1);
    format!("{:>8} s  {per_s:>9} rows/s", secs(d))
}

async fn run(store: &Store, files: &[(ImportKind, PathBuf)], label: &str) -> Result<(), xhht_store::Error> {
    out(&format!("\n== {label} =="));
    let opts = ImportOptions::new("bench");
    for (kind, path) in files {
        let t = Instant::now();
        let r = store.import(*kind, path, &opts).await?;
        out(&format!("import {:<18} {:>9} rows {}", kind.id(), r.imported, rate(r.imported as u64, t.elapsed())));
    }
    let t = Instant::now();
    let r = store.import(ImportKind::People, &files[2].1, &opts).await?;
    out(&format!("re-import people (all unchanged: {}) {}", r.written.unchanged, rate(r.imported as u64, t.elapsed())));
    for n in 0..3 {
        let t = Instant::now();
        let y = store.load_year(2024).await?;
        let rows = y.people.len()
            + y.memberships.len()
            + y.registrations.len()
            + y.commitments.len()
            + y.self_study_plans.len()
            + y.organisations.len();
        out(&format!(
            "load_year 2024 (run {}): {} people, {} rows in all {}",
            n + 1,
            y.people.len(),
            rows,
            rate(rows as u64, t.elapsed())
        ));
    }
    let t = Instant::now();
    let report = store.audit_verify().await?;
    out(&format!("audit_verify: {} entries, ok = {} ({} s)", report.entries, report.is_ok(), secs(t.elapsed())));
    Ok(())
}

fn sqlite3_import(dir: &Path, people: &Path) {
    let Ok(v) = std::process::Command::new("sqlite3").arg("--version").output() else {
        out("sqlite3 not installed: .import not timed");
        return;
    };
    out(&format!(
        "\n== sqlite3 .import (sqlite3 {}) ==",
        String::from_utf8_lossy(&v.stdout).split_whitespace().next().unwrap_or("?")
    ));
    for (label, ddl) in [
        ("into a table without key", "CREATE TABLE people (id, full_name, birth_year, citizen_id, category);"),
        (
            "into the store's people table",
            "CREATE TABLE people (id TEXT PRIMARY KEY, full_name TEXT NOT NULL, birth_year INTEGER, citizen_id TEXT, \
             category TEXT NOT NULL) WITHOUT ROWID;",
        ),
    ] {
        let db = dir.join("sqlite3-import.db");
        let _ = std::fs::remove_file(&db);
        let _ = std::fs::remove_file(dir.join("sqlite3-import.db-wal"));
        let setup = std::process::Command::new("sqlite3").arg(&db).arg("PRAGMA journal_mode=WAL;").arg(ddl).output();
        if setup.is_err() {
            return;
        }
        let t = Instant::now();
        let status = std::process::Command::new("sqlite3")
            .arg(&db)
            .args(["-cmd", "PRAGMA synchronous=NORMAL", ".mode csv"])
            .arg(format!(".import --skip 1 {} people", people.display()))
            .stderr(std::process::Stdio::null())
            .status();
        let lines = std::fs::read_to_string(people).map(|s| s.lines().count().saturating_sub(1)).unwrap_or(0);
        if status.is_ok_and(|s| s.success()) {
            out(&format!(".import {label:<32} {}", rate(lines as u64, t.elapsed())));
        }
    }
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let people: usize = arg("--people").and_then(|p| p.parse().ok()).unwrap_or(1_000_000);
    let dir = PathBuf::from(arg("--dir").unwrap_or_else(|| "target/store-bench".to_owned()));
    out(&format!("synthetic population: {people} people, {SCHOOLS} schools; files in {}", dir.display()));
    let files = match generate(&dir, people) {
        Ok(f) => f,
        Err(e) => {
            out(&format!("cannot write the files: {e}"));
            return ExitCode::FAILURE;
        }
    };
    let db = dir.join("bench.db");
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
    let result = async {
        let store = Store::open(&db.display().to_string()).await?;
        run(&store, &files, "SQLite (WAL, synchronous=NORMAL)").await?;
        store.close().await;
        Ok::<(), xhht_store::Error>(())
    }
    .await;
    if let Err(e) = result {
        out(&format!("SQLite: {e}"));
        return ExitCode::FAILURE;
    }
    sqlite3_import(&dir, &files[2].1);
    if let Some(admin) = arg("--postgres") {
        let bench_db = "xhht_store_bench";
        let Ok(mut c) = sqlx::PgConnection::connect(&admin).await else {
            out("cannot connect to the PostgreSQL server");
            return ExitCode::FAILURE;
        };
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {bench_db} WITH (FORCE)")))
            .execute(&mut c)
            .await;
        if let Err(e) = sqlx::query(sqlx::AssertSqlSafe(format!("CREATE DATABASE {bench_db}"))).execute(&mut c).await {
            out(&format!("cannot create {bench_db}: {e}"));
            return ExitCode::FAILURE;
        }
        let url = match admin.rsplit_once('/') {
            Some((base, _)) => format!("{base}/{bench_db}"),
            None => admin.clone(),
        };
        let result = async {
            let store = Store::open(&url).await?;
            run(&store, &files, "PostgreSQL (COPY)").await?;
            store.close().await;
            Ok::<(), xhht_store::Error>(())
        }
        .await;
        let _ = sqlx::query(sqlx::AssertSqlSafe(format!("DROP DATABASE IF EXISTS {bench_db} WITH (FORCE)")))
            .execute(&mut c)
            .await;
        if let Err(e) = result {
            out(&format!("PostgreSQL: {e}"));
            return ExitCode::FAILURE;
        }
    }
    ExitCode::SUCCESS
}
