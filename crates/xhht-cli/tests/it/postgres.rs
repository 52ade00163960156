//! The same commands against PostgreSQL (`--db postgres://…`), when a server is given in
//! `XHHT_TEST_POSTGRES_URL` (CI sets it, with `XHHT_REQUIRE_POSTGRES=1` so a missing server
//! fails instead of skipping).

use std::process::Command;

use super::{stderr, stdout};

fn server() -> Option<String> {
    match std::env::var("XHHT_TEST_POSTGRES_URL") {
        Ok(url) if !url.is_empty() => Some(url),
        _ => {
            assert!(
                std::env::var("XHHT_REQUIRE_POSTGRES").as_deref() != Ok("1"),
                "XHHT_REQUIRE_POSTGRES=1 but XHHT_TEST_POSTGRES_URL is not set"
            );
            println!("skipped: no PostgreSQL server (set XHHT_TEST_POSTGRES_URL)");
            None
        }
    }
}

fn psql(url: &str, sql: &str) {
    let o = Command::new("psql").args([url, "-v", "ON_ERROR_STOP=1", "-q", "-c", sql]).output().expect("psql runs");
    assert!(o.status.success(), "psql {sql}: {}", String::from_utf8_lossy(&o.stderr));
}

#[test]
fn demo_progress_report_and_audit_work_on_postgresql() {
    let Some(url) = server() else { return };
    let name = format!("xhht_cli_{}", std::process::id());
    psql(&url, &format!("DROP DATABASE IF EXISTS {name}"));
    psql(&url, &format!("CREATE DATABASE {name}"));
    let db = match url.rsplit_once('/') {
        Some((base, _)) => format!("{base}/{name}"),
        None => panic!("a URL with a database: {url}"),
    };
    let dir = std::env::temp_dir().join(format!("xhht-cli-pg-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let run = |args: &[&str]| {
        let mut all = vec!["--db", db.as_str(), "--as-of", "2026-11-28"];
        all.extend_from_slice(args);
        Command::new(env!("CARGO_BIN_EXE_xhht")).current_dir(&dir).args(&all).env_remove("XHHT_LANG").output().unwrap()
    };
    let demo = run(&["demo", "--size", "tiny", "--out", "out"]);
    assert!(demo.status.success(), "{}", stderr(&demo));
    let progress = run(&["--format", "csv", "progress", "--year", "2025"]);
    assert!(progress.status.success(), "{}", stderr(&progress));
    assert!(stdout(&progress).contains("target.citizen-title,2025,"));
    let report = run(&["--format", "json", "report", "annual", "--year", "2025", "--out", "r.json"]);
    assert!(report.status.success(), "{}", stderr(&report));
    let audit = run(&["audit", "verify"]);
    assert!(audit.status.success(), "{}", stdout(&audit));
    let f = format!("{}/../../examples/import-areas.csv", env!("CARGO_MANIFEST_DIR"));
    let import = run(&["import", "areas", &f]);
    assert!(import.status.success(), "{}", stderr(&import));
    psql(&url, &format!("DROP DATABASE IF EXISTS {name} WITH (FORCE)"));
    let _ = std::fs::remove_dir_all(&dir);
}
