//! The import benchmark against the peer tools (not a test): `Store::import` of a **synthetic**
//! people file into a fresh SQLite store against `sqlite3 .import` of the same file into the
//! store's `people` table, runs alternating (A B, B A, …), medians printed with their ratio;
//! with `--postgres`, the same against `psql \copy`. Figures go to `docs/benchmarks.md`.
//!
//! ```sh
//! cargo run --release -p xhht-store --example store_bench_import -- [--people N] [--runs N] \
//!     [--dir DIR] [--postgres postgres://user:password@host/postgres]
//! ```
//!
//! The file is the people file of `store_bench` (the same fixed pseudo-random sequence of
//! Vietnamese-looking names, birth years, citizen ids and categories; no real person). An xhht
//! run is what `xhht import people FILE` does after opening the store: read, check every row,
//! write and audit in one transaction, commit; then the store is closed (so the WAL is
//! checkpointed, as `sqlite3` does when it exits). The store is created (migrated) before the
//! clock starts. Then SQLite's own floor for the same rows: a one-thread rusqlite program
//! storing them from memory (no check, no hash), with and without the audit values (made before
//! its clock starts, as an import makes them on its reading threads), in the store's WAL and in
//! SQLite's default rollback journal. Peak memory is the process's peak resident set during the
//! import (reset before it, Linux only). It measures; nothing asserts on time.

#![allow(clippy::float_arithmetic, reason = "timings are seconds and MiB, printed")]

use std::path::{Path, PathBuf};
use std::process::{Command, ExitCode, Stdio};
use std::time::Instant;

use sqlx::Connection;
use xhht_store::{ImportKind, ImportOptions, Store};

#[path = "common/mod.rs"]
mod common;
use common::{Rng, out};

/// The allocator of the `xhht` and `xhht-server` binaries, so the figures are theirs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// The people file of `store_bench` (the same rows for the same count).
fn people_file(dir: &Path, people: usize) -> std::io::Result<PathBuf> {
    std::fs::create_dir_all(dir)?;
    let path = dir.join(format!("bench-people-{people}.csv"));
    if path.is_file() {
        return Ok(path);
    }
    // The generator of `store_bench` draws the areas and organisations from none of this, so
    // starting from the same seed gives the same people.
    let s = common::people_csv(&mut Rng(2024), people);
    std::fs::write(&path, s)?;
    Ok(path)
}

/// The process's peak resident set in MiB since the last [`reset_peak`] (Linux).
fn peak_mib() -> Option<f64> {
    let s = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = s.lines().find(|l| l.starts_with("VmHWM:"))?;
    let kib: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib / 1024.0)
}

/// CPU seconds of this process (all its threads) and of its waited-for children, from
/// `/proc/self/stat` (clock ticks of 1/100 s; Linux).
fn cpu() -> (f64, f64) {
    let Ok(s) = std::fs::read_to_string("/proc/self/stat") else { return (0.0, 0.0) };
    let rest = s.rsplit_once(')').map_or("", |(_, r)| r);
    let f: Vec<f64> = rest.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
    // After the name: state is field 3; utime 14, stime 15, cutime 16, cstime 17.
    let at = |n: usize| f.get(n - 3).copied().unwrap_or(0.0) / 100.0;
    (at(14) + at(15), at(16) + at(17))
}

fn reset_peak() {
    let _ = std::fs::write("/proc/self/clear_refs", "5");
}

fn median(mut v: Vec<f64>) -> f64 {
    v.sort_by(f64::total_cmp);
    v.get(v.len() / 2).copied().unwrap_or(f64::NAN)
}

fn remove_db(db: &Path) {
    for suffix in ["", "-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", db.display()));
    }
}

/// One xhht run into a fresh SQLite store: seconds, peak MiB, CPU seconds.
async fn xhht_sqlite(dir: &Path, file: &Path) -> Result<(f64, Option<f64>, f64), String> {
    let db = dir.join("xhht-import.db");
    remove_db(&db);
    let store = Store::open(&db.display().to_string()).await.map_err(|e| e.to_string())?;
    reset_peak();
    let c0 = cpu().0;
    let t = Instant::now();
    let r = store.import(ImportKind::People, file, &ImportOptions::new("bench")).await.map_err(|e| e.to_string())?;
    store.close().await;
    let s = t.elapsed().as_secs_f64();
    if r.imported == 0 {
        return Err("nothing imported".to_owned());
    }
    Ok((s, peak_mib(), cpu().0 - c0))
}

/// The store's `people` table as `sqlite3` is given it (the migration's own definition).
const PEOPLE_DDL: &str = "CREATE TABLE people (id TEXT PRIMARY KEY, full_name TEXT NOT NULL, birth_year INTEGER, \
                          citizen_id TEXT, category TEXT NOT NULL, area TEXT, row_version INTEGER NOT NULL DEFAULT \
                          1) WITHOUT ROWID;";

/// One `sqlite3 .import` run (a whole process) into a fresh database with the store's table,
/// with SQLite's default page size or `page` bytes (the store's own databases have 64 KiB
/// pages): seconds, CPU seconds.
fn sqlite3_import(dir: &Path, file: &Path, page: Option<u32>) -> Result<(f64, f64), String> {
    let db = dir.join("sqlite3-import.db");
    remove_db(&db);
    let page = page.map_or_else(String::new, |p| format!("PRAGMA page_size={p};"));
    // The store's table without its last two columns (`area`, `row_version`), which the file
    // does not have: `.import` would bind NULL to them, and `row_version` is NOT NULL.
    let setup = Command::new("sqlite3")
        .arg(&db)
        .arg(format!("{page}PRAGMA journal_mode=WAL;"))
        .arg(PEOPLE_DDL.replace(", area TEXT, row_version INTEGER NOT NULL DEFAULT 1", ""))
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("sqlite3: {e}"))?;
    if !setup.success() {
        return Err("sqlite3 could not create the table".to_owned());
    }
    let c0 = cpu().1;
    let t = Instant::now();
    let status = Command::new("sqlite3")
        .arg(&db)
        .args(["-cmd", "PRAGMA synchronous=NORMAL", ".mode csv"])
        .arg(format!(".import --skip 1 {} people", file.display()))
        .stderr(Stdio::null())
        .status()
        .map_err(|e| format!("sqlite3: {e}"))?;
    let s = t.elapsed().as_secs_f64();
    if !status.success() {
        return Err("sqlite3 .import failed".to_owned());
    }
    Ok((s, cpu().1 - c0))
}

/// The people rows as the floor binds them (cells, the birth year parsed) and the audit values
/// as the store keeps them (an entry per 1,000 rows, `{"columns": […], "rows": [[…], …]}`),
/// both made before any clock starts: in an import they are made by the reading threads, not
/// by SQLite's writer.
struct FloorRows {
    rows: Vec<[String; 4]>,
    years: Vec<Option<i64>>,
    entries: Vec<String>,
}

impl FloorRows {
    fn new(file: &[Vec<String>]) -> FloorRows {
        let cell = |r: &[String], n: usize| r.get(n).cloned().unwrap_or_default();
        let rows: Vec<[String; 4]> = file.iter().map(|r| [cell(r, 0), cell(r, 1), cell(r, 3), cell(r, 4)]).collect();
        let years: Vec<Option<i64>> = file.iter().map(|r| r.get(2).and_then(|y| y.parse().ok())).collect();
        let text = |s: &str| serde_json::to_string(s).unwrap_or_default();
        let entries = rows
            .chunks(1000)
            .zip(years.chunks(1000))
            .map(|(rows, years)| {
                let mut json = String::from(
                    r#"{"columns":["id","full_name","birth_year","citizen_id","category","area","row_version"],"rows":["#,
                );
                for (n, (r, y)) in rows.iter().zip(years).enumerate() {
                    if n > 0 {
                        json.push(',');
                    }
                    let y = y.map_or_else(|| "null".to_owned(), |y| y.to_string());
                    json.push_str(&format!("[{},{},{y},{},{},null,1]", text(&r[0]), text(&r[1]), text(&r[2]), text(&r[3])));
                }
                json.push_str("]}");
                json
            })
            .collect();
        FloorRows { rows, years, entries }
    }
}

/// SQLite's own floor for the same rows: one thread, no xhht, the rows and their audit values
/// already in memory ([`FloorRows`]), bound through one prepared one-row `INSERT` into the
/// store's `people` table in one transaction (with `audit`, also one `INSERT` per audit entry,
/// no hash), then commit and close, in `journal` mode (`WAL`, the store's, or `DELETE`,
/// SQLite's default). Seconds.
fn sqlite_floor(dir: &Path, floor: &FloorRows, page: u32, audit: bool, journal: &str) -> Result<f64, String> {
    let e = |e: rusqlite::Error| e.to_string();
    let db = dir.join("floor.db");
    remove_db(&db);
    let c = rusqlite::Connection::open(&db).map_err(e)?;
    c.execute_batch(&format!(
        "PRAGMA page_size={page}; PRAGMA journal_mode={journal}; {PEOPLE_DDL} \
         CREATE TABLE audit (seq INTEGER PRIMARY KEY, after TEXT NOT NULL);"
    ))
    .map_err(e)?;
    drop(c);
    let t = Instant::now();
    let c = rusqlite::Connection::open(&db).map_err(e)?;
    c.execute_batch("PRAGMA synchronous=NORMAL; PRAGMA cache_size=-131072; BEGIN IMMEDIATE").map_err(e)?;
    {
        let mut insert = c
            .prepare("INSERT INTO people (id, full_name, birth_year, citizen_id, category, area, row_version) VALUES (?, ?, ?, ?, ?, NULL, 1)")
            .map_err(e)?;
        let mut entry = c.prepare("INSERT INTO audit (after) VALUES (?)").map_err(e)?;
        for (i, (r, year)) in floor.rows.iter().zip(&floor.years).enumerate() {
            insert.execute(rusqlite::params![r[0], r[1], year, r[2], r[3]]).map_err(e)?;
            if audit && (i % 1000 == 999 || i + 1 == floor.rows.len()) {
                entry.execute([floor.entries.get(i / 1000).map_or("", String::as_str)]).map_err(e)?;
            }
        }
    }
    c.execute_batch("COMMIT").map_err(e)?;
    c.close().map_err(|(_, err)| err.to_string())?;
    Ok(t.elapsed().as_secs_f64())
}

/// The rows of the people file (after its header), as text cells.
fn file_rows(file: &Path) -> Result<Vec<Vec<String>>, String> {
    let mut r = csv::Reader::from_path(file).map_err(|e| e.to_string())?;
    r.records().map(|rec| rec.map(|x| x.iter().map(str::to_owned).collect()).map_err(|e| e.to_string())).collect()
}

async fn xhht_postgres(url: &str, file: &Path) -> Result<(f64, Option<f64>), String> {
    let store = Store::open(url).await.map_err(|e| e.to_string())?;
    reset_peak();
    let t = Instant::now();
    let r = store.import(ImportKind::People, file, &ImportOptions::new("bench")).await.map_err(|e| e.to_string())?;
    let s = t.elapsed().as_secs_f64();
    store.close().await;
    if r.imported == 0 {
        return Err("nothing imported".to_owned());
    }
    Ok((s, peak_mib()))
}

/// One `psql \copy` run (a whole process) of the file into the store's `people` table.
fn psql_copy(url: &str, file: &Path) -> Result<f64, String> {
    let t = Instant::now();
    let status = Command::new("psql")
        .arg(url)
        .args(["-q", "-v", "ON_ERROR_STOP=1", "-c"])
        .arg(format!(
            "\\copy people (id, full_name, birth_year, citizen_id, category) FROM '{}' WITH (FORMAT csv, HEADER true)",
            file.display()
        ))
        .stdout(Stdio::null())
        .status()
        .map_err(|e| format!("psql: {e}"))?;
    let s = t.elapsed().as_secs_f64();
    if !status.success() {
        return Err("psql \\copy failed".to_owned());
    }
    Ok(s)
}

async fn pg_exec(admin: &str, sql: &str) -> Result<(), String> {
    let mut c = sqlx::PgConnection::connect(admin).await.map_err(|e| e.to_string())?;
    sqlx::query(sqlx::AssertSqlSafe(sql.to_owned())).execute(&mut c).await.map_err(|e| e.to_string())?;
    Ok(())
}

/// A fresh, migrated database for each run, named `name`; its URL.
async fn fresh_pg(admin: &str, name: &str) -> Result<String, String> {
    pg_exec(admin, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)")).await?;
    pg_exec(admin, &format!("CREATE DATABASE {name}")).await?;
    let url = match admin.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => admin.to_owned(),
    };
    Store::open(&url).await.map_err(|e| e.to_string())?.close().await;
    Ok(url)
}

fn report(label: &str, rows: usize, xs: &[f64], xm: &[f64], peer: &str, ps: &[f64], cpu: Option<(&[f64], &[f64])>) {
    let (x, p) = (median(xs.to_vec()), median(ps.to_vec()));
    let rate = |s: f64| (rows as f64 / s).round();
    let mem = if xm.is_empty() { "-".to_owned() } else { format!("{:.0} MiB", median(xm.to_vec())) };
    out(&format!("\n== {label}: {rows} synthetic people, {} runs each, alternating ==", xs.len()));
    out(&format!("xhht import people        median {x:.3} s  {:>9} rows/s  peak {mem}", rate(x)));
    out(&format!("{peer:<25} median {p:.3} s  {:>9} rows/s", rate(p)));
    out(&format!("ratio (xhht rate / peer)  {:.2}×", p / x));
    out(&format!("  xhht runs {xs:.3?}\n  peer runs {ps:.3?}"));
    if let Some((xc, pc)) = cpu {
        out(&format!(
            "CPU seconds (medians)     xhht {:.2} (all threads), peer {:.2}",
            median(xc.to_vec()),
            median(pc.to_vec())
        ));
    }
}

async fn run(args: &[String]) -> Result<(), String> {
    let arg = |name: &str| args.iter().position(|a| a == name).and_then(|i| args.get(i + 1)).cloned();
    let people: usize = arg("--people").and_then(|p| p.parse().ok()).unwrap_or(1_000_000);
    let runs: usize = arg("--runs").and_then(|p| p.parse().ok()).unwrap_or(5);
    let dir = PathBuf::from(arg("--dir").unwrap_or_else(|| "target/store-bench".to_owned()));
    let file = people_file(&dir, people).map_err(|e| format!("cannot write the file: {e}"))?;
    let have_sqlite3 = Command::new("sqlite3").arg("--version").output().is_ok();
    let (mut xs, mut xm, mut ps, mut xc, mut pc) = (Vec::new(), Vec::new(), Vec::new(), Vec::new(), Vec::new());
    let mut ps64 = Vec::new();
    for i in 0..runs {
        for peer in [i % 2 == 1, i % 2 == 0] {
            if peer && have_sqlite3 {
                let (s, c) = sqlite3_import(&dir, &file, None)?;
                ps.push(s);
                pc.push(c);
                ps64.push(sqlite3_import(&dir, &file, Some(65_536))?.0);
            } else if !peer {
                let (s, m, c) = xhht_sqlite(&dir, &file).await?;
                xs.push(s);
                xm.extend(m);
                xc.push(c);
            }
        }
    }
    report("SQLite (WAL, synchronous=NORMAL)", people, &xs, &xm, "sqlite3 .import", &ps, Some((&xc, &pc)));
    if !ps64.is_empty() {
        let (x, p) = (median(xs.clone()), median(ps64.clone()));
        out(&format!(
            "sqlite3 .import, 64 KiB pages (the store's) median {p:.3} s  {:>9} rows/s  ratio {:.2}×\n  runs {ps64:.3?}",
            (people as f64 / p).round(),
            p / x
        ));
    }
    // What SQLite itself needs for the same rows, with no check, no second thread and no hash.
    let floor = FloorRows::new(&file_rows(&file)?);
    let (mut f4, mut f64k, mut fa, mut fd) = (Vec::new(), Vec::new(), Vec::new(), Vec::new());
    for _ in 0..runs {
        f4.push(sqlite_floor(&dir, &floor, 4096, false, "WAL")?);
        f64k.push(sqlite_floor(&dir, &floor, 65_536, false, "WAL")?);
        fa.push(sqlite_floor(&dir, &floor, 65_536, true, "WAL")?);
        fd.push(sqlite_floor(&dir, &floor, 65_536, true, "DELETE")?);
    }
    drop(floor);
    out(&format!(
        "SQLite's floor (rusqlite, rows and audit values made before the clock, one INSERT per row, \
         commit + close), medians:\n  WAL: 4 KiB pages {:.3} s, 64 KiB pages {:.3} s, 64 KiB pages \
         with the audit values {:.3} s; the last in a rollback journal (DELETE) {:.3} s; \
         twice sqlite3 .import would be {:.3} s",
        median(f4),
        median(f64k),
        median(fa),
        median(fd),
        median(ps.clone()) / 2.0
    ));
    if let Some(admin) = arg("--postgres") {
        let (mut xs, mut xm, mut ps) = (Vec::new(), Vec::new(), Vec::new());
        for i in 0..runs {
            for peer in [i % 2 == 1, i % 2 == 0] {
                let url = fresh_pg(&admin, "xhht_import_bench").await?;
                if peer {
                    ps.push(psql_copy(&url, &file)?);
                } else {
                    let (s, m) = xhht_postgres(&url, &file).await?;
                    xs.push(s);
                    xm.extend(m);
                }
            }
        }
        pg_exec(&admin, "DROP DATABASE IF EXISTS xhht_import_bench WITH (FORCE)").await?;
        report("PostgreSQL", people, &xs, &xm, "psql \\copy", &ps, None);
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    match run(&args).await {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            out(&format!("store_bench_import: {e}"));
            ExitCode::FAILURE
        }
    }
}
