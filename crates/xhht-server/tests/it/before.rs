//! The server's answers before the use cases moved into `xhht-app` (see
//! `crates/xhht-app/tests/data/before/README.md`): explanations, reports and progress for the
//! tiny demo, byte for byte.

use axum::body::Body;
use axum::http::Request;
use chrono::NaiveDate;
use xhht_app::App;
use xhht_app::dataset::Records;
use xhht_demo::{Options, Size, generate};
use xhht_server::{AppState, app};

use crate::support::{send, temp_dir, test_config};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn explanations_reports_and_progress_are_byte_for_byte_what_they_were() {
    let today = NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let dir = temp_dir("before");
    let db = dir.join("xhht.db").to_str().unwrap().to_owned();
    // The database `xhht --as-of 2026-11-28 demo --size tiny --seed 7` makes.
    let data = generate(Options { size: Size::Tiny, seed: 7, today }).unwrap();
    let token = {
        let a = App::open(&db).await.unwrap();
        let records = Records {
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
            duty_reports: &data.duty_reports,
            reward_proposals: &data.reward_proposals,
        };
        a.put_records("xhht demo", records).await.unwrap();
        a.evaluate_years("xhht demo", data.first_year, data.last_year).await.unwrap();
        a.close().await;
        xhht_server::auth::add_user(&db, "admin", "admin", None, None).await.unwrap();
        xhht_server::auth::create_token(&db, "admin", "before").await.unwrap()
    };
    let mut config = test_config(&db);
    config.today = Some(today);
    let router = app(AppState::new(config).await.unwrap());
    let before = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../xhht-app/tests/data/before");
    for (uri, file) in [
        ("/api/v1/explanations/CB0000002?year=2025", "server-explain-CB0000002-2025.json"),
        ("/api/v1/explanations/TH-80601?year=2026", "server-explain-TH-80601-2026.json"),
        ("/api/v1/reports/annual?year=2026&format=json", "server-report-annual-2026.json"),
        ("/api/v1/reports/annual?year=2026&format=md", "cli-report-annual-2026.md"),
        ("/api/v1/reports/phase-1?format=md", "cli-report-phase-1.md"),
        ("/api/v1/progress?year=2026", "server-progress-2026.json"),
    ] {
        let req = Request::get(uri).header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap();
        let r = send(&router, req).await;
        assert!(r.status.is_success(), "{uri}: {} {}", r.status, r.text());
        // XHHT_BLESS=1 writes the answers as the new goldens (see the README there).
        if std::env::var_os("XHHT_BLESS").is_some() && file.starts_with("server-") {
            std::fs::write(before.join(file), &r.body).unwrap();
        }
        let want = std::fs::read(before.join(file)).unwrap();
        assert!(r.body == want, "{uri} differs from {file}:\n{}", r.text().chars().take(400).collect::<String>());
    }
    let _ = std::fs::remove_dir_all(dir);
}
