//! Self-assessments in the browser (`/assess/…`): a person's own and a unit's, one field per
//! indicator of the rulebook in force, refused forms coming back as typed with each problem
//! beside its field, evidence files attached, downloaded and removed — and who may not.

use axum::body::Body;
use axum::http::{Request, StatusCode};

use crate::support::{Resp, TestApp, send, world};
use crate::work_pages::{form, login, page};

/// A year no official assessment covers yet: the tests' server reads "today" as 1 February 2027.
const YEAR: &str = "2027";

async fn app(tag: &str) -> TestApp {
    TestApp::with(tag, |c| c.today = chrono::NaiveDate::from_ymd_opt(2027, 2, 1)).await
}

/// A multipart form with `year` and one file, as a browser sends it.
fn file_form(name: &str, bytes: &[u8]) -> (String, Body) {
    let b = "----xhhtassessboundary";
    let mut body = format!("--{b}\r\ncontent-disposition: form-data; name=\"year\"\r\n\r\n{YEAR}\r\n").into_bytes();
    body.extend_from_slice(
        format!(
            "--{b}\r\ncontent-disposition: form-data; name=\"file\"; filename=\"{name}\"\r\ncontent-type: application/pdf\r\n\r\n"
        )
        .as_bytes(),
    );
    body.extend_from_slice(bytes);
    body.extend_from_slice(format!("\r\n--{b}--\r\n").as_bytes());
    (format!("multipart/form-data; boundary={b}"), Body::from(body))
}

async fn upload(app: &TestApp, cookie: &str, uri: &str, name: &str, bytes: &[u8]) -> Resp {
    let (ct, body) = file_form(name, bytes);
    let req = Request::post(uri)
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", cookie)
        .header("content-type", ct)
        .body(body)
        .unwrap();
    send(&app.router, req).await
}

fn saved(r: &Resp, what: &str) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.header("location").contains(&format!("done={what}")), "{}", r.header("location"));
}

/// The `value` of the input named `name` on a page.
fn value_of(html: &str, name: &str) -> Option<String> {
    let at = html.find(&format!("name=\"{name}\""))?;
    let rest = &html[at..];
    let v = rest.find("value=\"")? + 7;
    Some(rest[v..v + rest[v..].find('"')?].to_owned())
}

async fn stored_values(app: &TestApp, cookie: &str, person: &str) -> Option<serde_json::Value> {
    let r = page(app, cookie, &format!("/api/v1/self-assessments?year={YEAR}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let all: serde_json::Value = r.json();
    all.as_array()?
        .iter()
        .find(|a| a["assessment"]["subject"]["id"] == person)
        .map(|a| a["assessment"]["values"].clone())
}

#[tokio::test]
async fn a_person_self_assesses_in_her_page_and_a_bad_form_loses_nothing_typed() {
    let app = app("assess-person").await;
    let w = world();
    let me = login(&app, "member-a").await;
    let path = format!("/assess/person/{}", w.member_a);
    let p = page(&app, &me, &format!("{path}?year={YEAR}")).await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    let html = p.text();
    assert!(html.contains("Tự đánh giá") && html.contains("Sử dụng công nghệ thông tin"), "{html}");
    assert!(html.contains("Lưu bản tự đánh giá"), "the person may write: {html}");
    // Her own page links to it.
    assert!(page(&app, &me, &format!("/me?year={YEAR}")).await.text().contains(&path));

    // A score over the maximum and a word: refused, each beside its field, what was typed kept.
    let bad =
        form(&app, &me, &path, &[("year", YEAR), ("v.1", "12"), ("v.2", "tám"), ("v.5", "9"), ("n.5", "Chứng chỉ B")])
            .await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
    let html = bad.text();
    assert!(html.contains("điểm từ 0 đến 10") && html.contains("không phải số"), "{html}");
    assert!(html.contains("aria-invalid=\"true\""), "{html}");
    assert_eq!(value_of(&html, "v.1").as_deref(), Some("12"));
    assert_eq!(value_of(&html, "v.2").as_deref(), Some("tám"));
    assert_eq!(value_of(&html, "n.5").as_deref(), Some("Chứng chỉ B"));
    assert!(stored_values(&app, &me, &w.member_a).await.is_none(), "nothing stored");

    // Right: saved, shown with a decimal comma, stored as the engine reads it.
    let ok = form(&app, &me, &path, &[("year", YEAR), ("v.1", "8,5"), ("v.5", "9"), ("n.5", "Chứng chỉ B")]).await;
    saved(&ok, "saved");
    let html = page(&app, &me, &format!("{path}?year={YEAR}")).await.text();
    assert!(html.contains("Đã lưu") || html.contains("Lưu lần cuối"), "{html}");
    assert_eq!(value_of(&html, "v.1").as_deref(), Some("8,5"));
    let values = stored_values(&app, &me, &w.member_a).await.expect("stored");
    let text = values.to_string();
    assert!(text.contains("8.5") && text.contains("Chứng chỉ B"), "{text}");

    // A revision sends the version the page was read at; a stale one is refused.
    let version = value_of(&html, "version").expect("the version read");
    saved(&form(&app, &me, &path, &[("year", YEAR), ("version", &version), ("v.1", "9")]).await, "saved");
    let stale = form(&app, &me, &path, &[("year", YEAR), ("version", &version), ("v.1", "7")]).await;
    assert_eq!(stale.status, StatusCode::CONFLICT, "{}", stale.text());
    assert!(stale.text().contains("<html"), "an HTML page");
    let text = stored_values(&app, &me, &w.member_a).await.expect("stored").to_string();
    assert!(text.contains("\"9\"") || text.contains(":9"), "{text}");
}

#[tokio::test]
async fn evidence_files_are_attached_downloaded_and_removed_in_the_page() {
    let app = app("assess-evidence").await;
    let w = world();
    let me = login(&app, "member-a").await;
    let path = format!("/assess/person/{}", w.member_a);
    let pdf = b"%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n";
    saved(&upload(&app, &me, &format!("{path}/evidence"), "chung-chi.pdf", pdf).await, "added");
    let html = page(&app, &me, &format!("{path}?year={YEAR}")).await.text();
    assert!(html.contains("chung-chi.pdf"), "{html}");
    let got = page(&app, &me, &format!("{path}/evidence?year={YEAR}&name=chung-chi.pdf")).await;
    assert_eq!(got.status, StatusCode::OK, "{}", got.text());
    assert_eq!(got.header("content-type"), "application/pdf");
    assert!(got.header("content-disposition").starts_with("attachment"));
    assert_eq!(got.body.as_ref() as &[u8], pdf);
    // Not a file type it takes: an HTML page naming the problem, nothing attached.
    let exe = upload(&app, &me, &format!("{path}/evidence"), "x.exe", b"MZ\x90\x00 not a document").await;
    assert_eq!(exe.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", exe.text());
    assert!(exe.text().contains("<html"));
    // The head of her unit reads it; another unit's account does not.
    let head = login(&app, "unit-a").await;
    assert_eq!(
        page(&app, &head, &format!("{path}/evidence?year={YEAR}&name=chung-chi.pdf")).await.status,
        StatusCode::OK
    );
    let other = login(&app, "unit-b").await;
    let refused = page(&app, &other, &format!("{path}/evidence?year={YEAR}&name=chung-chi.pdf")).await;
    assert_eq!(refused.status, StatusCode::FORBIDDEN);
    assert!(refused.text().contains("<html") && !refused.text().contains("%PDF"));
    // Removed.
    let r = form(&app, &me, &format!("{path}/evidence-remove"), &[("year", YEAR), ("name", "chung-chi.pdf")]).await;
    saved(&r, "removed");
    let html = page(&app, &me, &format!("{path}?year={YEAR}")).await.text();
    assert!(!html.contains("chung-chi.pdf") && html.contains("Chưa có tệp minh chứng"), "{html}");
}

#[tokio::test]
async fn who_may_not_self_assess_is_refused_and_the_reviewer_reads_it_unchanged() {
    let app = app("assess-who").await;
    let w = world();
    let path = format!("/assess/person/{}", w.member_a);
    // Another unit's account and a viewer: 403 pages; their posts change nothing.
    for user in ["unit-b", "viewer"] {
        let c = login(&app, user).await;
        let r = page(&app, &c, &format!("{path}?year={YEAR}")).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}: {}", r.text());
        let post = form(&app, &c, &path, &[("year", YEAR), ("v.1", "10")]).await;
        assert_eq!(post.status, StatusCode::FORBIDDEN, "{user}: {}", post.text());
    }
    // The person writes; the reviewer reads the form, disabled, with no button.
    let me = login(&app, "member-a").await;
    saved(&form(&app, &me, &path, &[("year", YEAR), ("v.3", "7")]).await, "saved");
    let reviewer = login(&app, "reviewer").await;
    let r = page(&app, &reviewer, &format!("{path}?year={YEAR}")).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    assert!(r.text().contains(" disabled") && !r.text().contains("Lưu bản tự đánh giá"), "{}", r.text());
    let post = form(&app, &reviewer, &path, &[("year", YEAR), ("v.3", "1")]).await;
    assert_eq!(post.status, StatusCode::FORBIDDEN, "{}", post.text());
    // 2026 is assessed officially: the person reads her self-assessment, closed.
    let closed = page(&app, &me, &format!("{path}?year=2026")).await.text();
    assert!(closed.contains("id=\"closed\"") && !closed.contains("Lưu bản tự đánh giá"), "{closed}");
    let post = form(&app, &me, &path, &[("year", "2026"), ("v.3", "7")]).await;
    assert_eq!(post.status, StatusCode::CONFLICT, "{}", post.text());
    // No such kind of page.
    assert_eq!(page(&app, &me, "/assess/household/H1").await.status, StatusCode::NOT_FOUND);
}

#[tokio::test]
async fn a_unit_self_assesses_with_shares_and_a_share_over_its_total_is_named() {
    let app = app("assess-unit").await;
    let w = world();
    let head = login(&app, "unit-a").await;
    let path = format!("/assess/organisation/{}", w.org_a);
    let html = page(&app, &head, &format!("{path}?year={YEAR}")).await.text();
    assert!(html.contains("Tổng số") && html.contains("Đạt"), "{html}");
    // The org page links to it for the unit's accounts.
    assert!(page(&app, &head, &format!("/org/{}?year={YEAR}", w.org_a)).await.text().contains(&path));
    let share = html
        .match_indices("name=\"d.")
        .next()
        .map(|(i, _)| html[i + 8..i + 8 + html[i + 8..].find('"').unwrap()].to_owned())
        .expect("a share indicator");
    let bad =
        form(&app, &head, &path, &[("year", YEAR), (&format!("v.{share}"), "30"), (&format!("d.{share}"), "20")]).await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", bad.text());
    assert!(bad.text().contains("không nhỏ hơn số đạt"), "{}", bad.text());
    let ok =
        form(&app, &head, &path, &[("year", YEAR), (&format!("v.{share}"), "18"), (&format!("d.{share}"), "20")]).await;
    saved(&ok, "saved");
    let html = page(&app, &head, &format!("{path}?year={YEAR}")).await.text();
    assert_eq!(value_of(&html, &format!("d.{share}")).as_deref(), Some("20"));
}
