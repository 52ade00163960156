//! The dashboard pages through `oneshot`: login, the overview with its charts in both
//! languages, the organisation page with names only for roles allowed, the entity page, and the
//! upload with its errors per line.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::{Resp, TestApp, send, world};

async fn login(app: &TestApp, user: &str) -> String {
    let req = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("user={user}&password={user}-password")))
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert_eq!(r.header("location"), "/work", "every role lands on its work");
    r.header("set-cookie").split(';').next().unwrap().to_owned()
}

async fn page(app: &TestApp, cookie: &str, uri: &str) -> Resp {
    send(&app.router, Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap()).await
}

#[tokio::test]
async fn the_overview_needs_a_login_and_shows_progress_charts_in_both_languages() {
    let app = TestApp::new("dash-overview").await;
    let r = send(&app.router, Request::get("/").body(Body::empty()).unwrap()).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER);
    assert_eq!(r.header("location"), "/login");
    let login_page = send(&app.router, Request::get("/login").body(Body::empty()).unwrap()).await;
    assert!(login_page.text().contains("Đăng nhập"));
    let bad = send(
        &app.router,
        Request::post("/login")
            .header("content-type", "application/x-www-form-urlencoded")
            .body(Body::from("user=viewer&password=nope-nope"))
            .unwrap(),
    )
    .await;
    assert_eq!(bad.status, StatusCode::UNAUTHORIZED);
    let cookie = login(&app, "viewer").await;
    let r = page(&app, &cookie, "/?year=2025").await;
    assert_eq!(r.status, StatusCode::OK);
    let html = r.text();
    assert!(r.header("content-type").starts_with("text/html"));
    assert!(html.contains("Tiến độ thực hiện mục tiêu"), "Vietnamese first");
    assert!(html.matches("<svg").count() >= 2, "progress charts");
    // Each chart drawn for a wide and for a narrow column, its figures in a table beneath it.
    let figures = html.matches("<figure class=\"chart-box").count();
    assert!(figures >= 3 && html.matches("class=\"chart compact\"").count() == figures, "{html:.3000}");
    assert_eq!(html.matches("<details class=\"chart-data\"><summary>Bảng số liệu</summary>").count(), figures);
    assert!(html.contains("class=\"grid-map\""));
    assert!(html.contains("id=\"deadlines\""));
    assert!(html.contains("2023"), "the series since 2023");
    assert!(html.contains("format=docx"));
    // Each projection says what it rests on, or that there is not enough to project from; the
    // change from TT 22/2020 to TT 24/2023 is said and drawn.
    assert!(html.contains("Dự báo 2030: "), "{html}");
    assert!(html.contains("cùng căn cứ xét"), "the projection's basis");
    assert!(html.contains("thay cho TT 22/2020/TT-BGDĐT") && html.contains("class=\"break\""), "the change of rules");
    // In the year of the change, the comparable figure stands beside it.
    let change = page(&app, &cookie, "/?year=2024").await.text();
    assert!(change.contains("Số liệu so sánh (hồ sơ năm 2023 chấm lại theo"), "{change:.2000}");
    assert!(!html.contains("Số liệu so sánh"), "no comparable figure where the rules did not change this year");
    let second = page(&app, &cookie, "/?year=2025&target=1").await;
    assert_eq!(second.status, StatusCode::OK);
    let chosen = second.text();
    let strong = chosen.split("class=\"choices\"").nth(1).and_then(|c| c.split("<strong>").nth(1)).unwrap_or_default();
    assert!(
        strong.contains(" cán bộ") && chosen.contains("target=0#communes"),
        "the second target is chosen, by its name: {strong:.80}"
    );
    let en = page(&app, &cookie, "/?year=2025&lang=en").await;
    assert!(en.text().contains("Progress on the targets"));
    assert!(en.header("set-cookie").contains("xhht_lang=en"));
    let css = send(&app.router, Request::get("/static/style.css").body(Body::empty()).unwrap()).await;
    assert!(css.text().contains("@media"), "responsive");
}

#[tokio::test]
async fn the_organisation_page_shows_names_only_to_roles_allowed() {
    let app = TestApp::new("dash-org").await;
    let w = world();
    let uri = format!("/org/{}?year=2026", w.org_a);
    let unit = page(&app, &login(&app, "unit-a").await, &uri).await;
    assert_eq!(unit.status, StatusCode::OK, "{}", unit.text());
    assert!(unit.text().contains(&w.member_a_name));
    let viewer = page(&app, &login(&app, "viewer").await, &uri).await;
    assert_eq!(viewer.status, StatusCode::OK);
    assert!(!viewer.text().contains(&w.member_a_name));
    assert!(viewer.text().contains(&w.member_a), "ids are shown");
    let other = page(&app, &login(&app, "unit-b").await, &uri).await;
    assert!(!other.text().contains(&w.member_a_name));
}

#[tokio::test]
async fn the_entity_page_explains_in_either_language() {
    let app = TestApp::new("dash-entity").await;
    let w = world();
    let cookie = login(&app, "viewer").await;
    let vi = page(&app, &cookie, &format!("/entity/{}?year=2025", w.member_a)).await;
    assert_eq!(vi.status, StatusCode::OK, "{}", vi.text());
    assert!(vi.text().contains("Còn thiếu"));
    let en = page(&app, &cookie, &format!("/entity/{}?year=2025&lang=en", w.org_a)).await;
    assert!(en.text().contains("What is missing"));
    let none = page(&app, &cookie, "/entity/NOBODY?year=2025").await;
    assert_eq!(none.status, StatusCode::NOT_FOUND);
}

fn multipart(kind: &str, name: &str, content: &str) -> (String, Body) {
    let b = "XHHTBOUNDARY";
    let body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: text/csv\r\n\r\n{content}\r\n--{b}--\r\n"
    );
    (format!("multipart/form-data; boundary={b}"), Body::from(body))
}

#[tokio::test]
async fn an_upload_with_a_bad_row_shows_the_error_with_its_line() {
    let app = TestApp::new("dash-upload").await;
    let admin = login(&app, "admin").await;
    assert_eq!(page(&app, &admin, "/upload").await.status, StatusCode::OK);
    let csv = "id,full_name,category\nP-NEW-1,Nguyễn Văn Mới,giao-vien\nP-NEW-2,Trần Thị Lỗi,khong-co\n";
    let (ct, body) = multipart("people", "nguoi.csv", csv);
    let req = Request::post("/upload")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &admin)
        .header("content-type", ct)
        .body(body)
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY);
    let html = r.text();
    assert!(html.contains("dòng 3: category"), "{html}");
    assert!(html.contains("khong-co"));
    // A good file is imported.
    let (ct, body) = multipart("people", "nguoi.csv", "id,full_name,category\nP-NEW-1,Nguyễn Văn Mới,giao-vien\n");
    let req = Request::post("/upload")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &admin)
        .header("content-type", ct)
        .body(body)
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Đã nhập 1 dòng"));
    // Other roles may not import.
    let viewer = login(&app, "viewer").await;
    let (ct, body) = multipart("people", "nguoi.csv", csv);
    let req = Request::post("/upload")
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", &viewer)
        .header("content-type", ct)
        .body(body)
        .unwrap();
    assert_eq!(send(&app.router, req).await.status, StatusCode::FORBIDDEN);
}

/// The report form `xhht form` writes for `actor`, reporting as `org`, with `value` in the row of
/// its first numeric field (no row filled when `value` is None), as XLSX bytes.
fn filled_form(actor: &str, org: &str, value: Option<&str>) -> Vec<u8> {
    use xhht_report::doc::Cell;
    let plan = xhht_core::plan::Plan::can_duoc_2024();
    let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
    let mut doc = xhht_report::forms::actor_form(plan, actor, 2026, (org, org), xhht_core::Lang::Vi, day).unwrap();
    let a = plan.actor(actor).unwrap();
    let numeric = |r: &[Cell]| {
        let (Cell::Text(duty), Cell::Text(field)) = (&r[4], &r[7]) else { panic!("the id columns") };
        let d = a.duties.iter().find(|d| d.id == *duty).unwrap();
        d.report_fields.iter().any(|f| f.id == *field && f.numeric)
    };
    if let Some(v) = value {
        let row = doc.sections[0].tables[0].rows.iter_mut().find(|r| numeric(r)).expect("a numeric field");
        row[9] = Cell::Text(v.into());
    }
    xhht_report::render::xlsx::render(&doc).unwrap()
}

fn multipart_bytes(kind: &str, name: &str, content: &[u8]) -> (String, Body) {
    let b = "XHHTBOUNDARY";
    let mut body = format!(
        "--{b}\r\nContent-Disposition: form-data; name=\"kind\"\r\n\r\n{kind}\r\n--{b}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"{name}\"\r\nContent-Type: application/vnd.openxmlformats-officedocument.spreadsheetml.sheet\r\n\r\n"
    )
    .into_bytes();
    body.extend_from_slice(content);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), Body::from(body))
}

#[tokio::test]
async fn a_unit_uploads_its_filled_report_form_and_only_its_own() {
    let app = TestApp::new("dash-duty-form").await;
    let w = world();
    let unit = login(&app, "unit-a").await;
    let org = app.get("admin", &format!("/api/v1/organisations/{}", w.org_a)).await.json();
    let actor = org["actor"].as_str().unwrap_or("actor.phong-gddt").to_owned();
    let upload = async |cookie: &str, bytes: &[u8]| {
        let (ct, body) = multipart_bytes("duty-reports", "bao-cao-2026.xlsx", bytes);
        send(
            &app.router,
            Request::post("/upload")
                .header("host", "localhost")
                .header("origin", "http://localhost")
                .header("cookie", cookie)
                .header("content-type", ct)
                .body(body)
                .unwrap(),
        )
        .await
    };
    // The upload page offers filled forms to a unit.
    assert!(page(&app, &unit, "/upload").await.text().contains("duty-reports"));

    // A word where a number is wanted: refused, by row.
    let r = upload(&unit, &filled_form(&actor, &w.org_a, Some("nhiều"))).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("bao-cao-2026.xlsx:"), "{}", r.text());
    // Nothing filled in: refused with a reason.
    let r = upload(&unit, &filled_form(&actor, &w.org_a, None)).await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());

    // Its own form, filled: stored, and listed by the API.
    let r = upload(&unit, &filled_form(&actor, &w.org_a, Some("12"))).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains("Đã nhập 1 dòng (thêm 1"), "{}", r.text());
    let listed = app.get("viewer", &format!("/api/v1/duty-reports?year=2026&organisation={}", w.org_a)).await.json();
    assert_eq!(listed["total"], 1, "{listed}");
    assert_eq!(listed["items"][0]["value"], "12");

    // Another organisation's form: forbidden, nothing stored; a viewer may send none.
    let r = upload(&unit, &filled_form(&actor, &w.org_b, Some("12"))).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    let listed = app.get("viewer", &format!("/api/v1/duty-reports?year=2026&organisation={}", w.org_b)).await.json();
    assert_eq!(listed["total"], 0, "{listed}");
    let viewer = login(&app, "viewer").await;
    assert_eq!(upload(&viewer, &filled_form(&actor, &w.org_a, Some("12"))).await.status, StatusCode::FORBIDDEN);

    // The API takes the same file.
    let req = Request::post("/api/v1/imports/duty-reports?file=f.xlsx")
        .header("authorization", format!("Bearer {}", app.tokens["unit-a"]))
        .body(Body::from(filled_form(&actor, &w.org_a, Some("13"))))
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert_eq!(r.json()["changed"], 1, "{}", r.text());
}
