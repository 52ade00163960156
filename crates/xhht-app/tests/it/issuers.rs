//! A deployment's own letterheads: read from its file, taken by every report on its day, and a
//! report dated when none is in force refused.

use chrono::NaiveDate;
use xhht_app::App;
use xhht_app::reports::Which;
use xhht_report::model::Scope;

const OURS: &str = r#"
[[issuers]]
id = "bcd-xa-can-duoc"
valid_from = 2025-07-01
parent = { vi = "UBND xã Cần Đước", en = "Cần Đước commune People's Committee" }
body = { vi = "Ban Chỉ đạo xây dựng xã hội học tập", en = "Steering Committee for Building a Learning Society" }
symbol = "BC-BCĐXHHT"
place = { vi = "Cần Đước", en = "Cần Đước" }
area = { vi = "xã Cần Đước", en = "Cần Đước commune" }
on_behalf = { vi = "TM. BAN CHỈ ĐẠO", en = "ON BEHALF OF THE STEERING COMMITTEE" }
signatory = { vi = "TRƯỞNG BAN", en = "HEAD" }
signer = "Nguyễn Văn A"
recipients = [
    { vi = "UBND tỉnh Tây Ninh (b/c)", en = "Tây Ninh provincial People's Committee (to report)" },
    { vi = "Lưu: VT", en = "Filed: records office" },
]
assumed = false
source = "test deployment"
"#;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_report_takes_the_deployments_issuer_in_force_on_its_day() {
    let dir = std::env::temp_dir().join(format!("xhht-app-it-{}-issuers", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let file = dir.join("issuers.toml");
    std::fs::write(&file, OURS).unwrap();
    let db = dir.join("xhht.db").to_str().unwrap().to_owned();
    let app = App::open(&db).await.unwrap();
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap();

    // Without a configuration: the embedded defaults (the provincial body after 01/07/2025).
    let opts = app.report_options(Which::Annual(2026), day(2026, 12, 6), Scope::District).unwrap();
    assert_eq!(opts.issuer, None);

    let app = app.with_issuers(App::issuers_from_file(&file).unwrap());
    let opts = app.report_options(Which::Annual(2026), day(2026, 12, 6), Scope::District).unwrap();
    let issuer = opts.issuer.clone().unwrap();
    assert_eq!((issuer.id.as_str(), issuer.signer.as_deref()), ("bcd-xa-can-duoc", Some("Nguyễn Văn A")));
    let report = app.report(&opts).await.unwrap();
    assert_eq!(report.issuer.symbol, "BC-BCĐXHHT");
    assert_eq!(report.scope_name.vi, "Toàn xã Cần Đước");
    let md = String::from_utf8(
        xhht_app::reports::render(&report, xhht_app::reports::Format::Md, xhht_core::Lang::Vi).unwrap(),
    )
    .unwrap();
    for line in [
        "UBND XÃ CẦN ĐƯỚC",
        "Số: …/BC-BCĐXHHT",
        "Cần Đước, ngày 06 tháng 12 năm 2026",
        "**TM. BAN CHỈ ĐẠO**",
        "Nguyễn Văn A",
        "- Lưu: VT.",
    ] {
        assert!(md.contains(line), "{line}");
    }

    // No letterhead of the deployment is in force before 01/07/2025: refused, not guessed.
    let e = app.report_options(Which::Annual(2024), day(2025, 3, 1), Scope::District).unwrap_err().to_string();
    assert!(e.contains("no issuer in the deployment's configuration is in force on 2025-03-01"), "{e}");

    // A file that is not valid names itself.
    std::fs::write(&file, "[[issuers]]\nid = 1\n").unwrap();
    let e = App::issuers_from_file(&file).unwrap_err().to_string();
    assert!(e.contains("issuers.toml:2:"), "{e}");
    app.close().await;
    let _ = std::fs::remove_dir_all(&dir);
}
