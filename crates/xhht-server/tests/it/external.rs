//! Tests that need tools from outside cargo, each against a server this test runs on a loopback
//! port: schemathesis (`XHHT_RUN_SCHEMATHESIS=1`; `pip install schemathesis`) fuzzes the OpenAPI
//! document with no 5xx allowed, and headless Chromium (`XHHT_RUN_BROWSER=1`; Debian `chromium`
//! and `npm install` in `tests/browser`) logs in, uploads a bad file, sees the chart and
//! downloads a report. Without the variable each says it was skipped and passes.

use std::process::Command;

use crate::support::{TestApp, crate_dir, serve_loopback};

fn enabled(var: &str) -> bool {
    std::env::var(var).is_ok_and(|v| v == "1")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn schemathesis_finds_no_server_error() {
    if !enabled("XHHT_RUN_SCHEMATHESIS") {
        eprintln!("skipped: set XHHT_RUN_SCHEMATHESIS=1 (and pip install schemathesis) to fuzz the API");
        return;
    }
    let app = TestApp::new("schemathesis").await;
    let addr = serve_loopback(app.state.clone()).await;
    let token = app.tokens["admin"].clone();
    let max_time = std::env::var("XHHT_SCHEMATHESIS_SECONDS").unwrap_or_else(|_| "90".to_owned());
    let out = tokio::task::spawn_blocking(move || {
        Command::new("schemathesis")
            .args(["run", &format!("http://{addr}/api/openapi.json")])
            .args(["--checks", "not_a_server_error", "--max-examples", "10", "--seed", "7", "--workers", "2"])
            .args(["--max-time", &max_time, "--request-timeout", "30", "--no-color"])
            .args(["--header", &format!("Authorization: Bearer {token}")])
            .output()
    })
    .await
    .unwrap()
    .expect("schemathesis runs (pip install schemathesis)");
    let stdout = String::from_utf8_lossy(&out.stdout);
    let tail: Vec<&str> = stdout.lines().rev().take(25).collect();
    eprintln!("{}", tail.into_iter().rev().collect::<Vec<_>>().join("\n"));
    assert!(out.status.success(), "schemathesis found failures:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_dashboard_works_in_headless_chromium() {
    if !enabled("XHHT_RUN_BROWSER") {
        eprintln!("skipped: set XHHT_RUN_BROWSER=1 (with Debian chromium and npm install in tests/browser)");
        return;
    }
    let dir = crate_dir().join("tests/browser");
    assert!(
        dir.join("node_modules/playwright-core").is_dir(),
        "run `npm install` in {} first (.ci/run does)",
        dir.display()
    );
    let app = TestApp::new("browser").await;
    let addr = serve_loopback(app.state.clone()).await;
    let out_dir = crate::support::temp_dir("browser-out");
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(dir.join("e2e.mjs"))
            .current_dir(&dir)
            .env("BASE_URL", format!("http://{addr}"))
            .env("XHHT_USER", "admin")
            .env("XHHT_PASSWORD", "admin-password")
            .env("OUT_DIR", &out_dir)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(out.status.success(), "browser test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("browser e2e: all checks passed"));
}

/// Each role's jobs through the pages (`tests/browser/roles.mjs`): the teacher's plan sent,
/// returned, fixed and approved; a dossier returned, proposed again, accepted and awarded;
/// axe-core on every page at 1366 and 390 px; the effects checked here in the records.
#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_role_does_its_work_through_the_pages_in_headless_chromium() {
    if !enabled("XHHT_RUN_BROWSER") {
        eprintln!("skipped: set XHHT_RUN_BROWSER=1 (with Debian chromium and npm install in tests/browser)");
        return;
    }
    let dir = crate_dir().join("tests/browser");
    assert!(dir.join("node_modules/axe-core").is_dir(), "run `npm ci` in {} first (.ci/run does)", dir.display());
    // "Today" is 1 February 2027, so 2027's self-assessments may be written (the tests' usual
    // 1 December 2026 is before the year begins).
    let app = TestApp::with("browser-roles", |c| c.today = chrono::NaiveDate::from_ymd_opt(2027, 2, 1)).await;
    let w = crate::support::world();
    let dossier = serde_json::json!({"reward": "reward.annual.individual", "subject": {"kind": "person", "id": w.member_a},
                                     "year": 2026, "exception": "Cứu người trong lũ"});
    let r = app.post("unit-a", "/api/v1/reward-proposals", dossier).await;
    assert!(r.status.is_success(), "{}", r.text());
    let addr = serve_loopback(app.state.clone()).await;
    let out_dir = std::env::var_os("XHHT_SCREENSHOTS")
        .map_or_else(|| crate::support::temp_dir("browser-roles-out"), std::path::PathBuf::from);
    let member = w.member_a.clone();
    let org = w.org_a.clone();
    let out = tokio::task::spawn_blocking(move || {
        Command::new("node")
            .arg(dir.join("roles.mjs"))
            .current_dir(&dir)
            .env("BASE_URL", format!("http://{addr}"))
            .env("MEMBER", member)
            .env("ORG", org)
            .env("YEAR", "2027")
            .env("OUT_DIR", &out_dir)
            .output()
    })
    .await
    .unwrap()
    .expect("node runs");
    let stdout = String::from_utf8_lossy(&out.stdout);
    eprintln!("{stdout}");
    assert!(out.status.success(), "browser test failed:\n{stdout}\n{}", String::from_utf8_lossy(&out.stderr));
    assert!(stdout.contains("browser roles: all checks passed"));
    // What the pages did is in the records.
    let plans = app.get("admin", &format!("/api/v1/self-study-plans?year=2027&person={}", w.member_a)).await.json();
    assert_eq!(plans["items"][0]["state"], "approved", "{plans}");
    assert_eq!(plans["items"][0]["approval"]["by"], w.head_a.as_str(), "{plans}");
    let own = app.get("admin", &format!("/api/v1/self-assessments?year=2027&person={}", w.member_a)).await.text();
    assert!(own.contains("8.5") && own.contains("Chứng chỉ tin học cơ bản"), "{own}");
    let files =
        format!("/api/v1/evidence?subject_kind=person&subject={}&rulebook=cong-dan-hoc-tap&year=2027", w.member_a);
    assert!(app.get("admin", &files).await.text().contains("chung-chi-tin-hoc.pdf"));
    let unit = app.get("admin", "/api/v1/self-assessments?year=2027").await.text();
    assert!(unit.contains(&format!("\"id\":\"{}\"", w.org_a)), "{unit}");
    let list = app.get("admin", "/api/v1/reward-proposals?year=2026&per_page=500").await.text();
    assert!(list.contains("12/QĐ-KT"), "{list}");
    let h = app
        .get("admin", &format!("/api/v1/history?record=self-study-plan&person={}&year=2027", w.member_a))
        .await
        .json();
    assert!(h.as_array().is_some_and(|a| a.len() >= 4), "{h}");
}
