//! Evidence files through the API (`/api/v1/evidence`): attached by those who may write the
//! subject's assessment or self-assessment (the person's own account to her self-assessment,
//! her unit, the reviewer), listed and downloaded only by those who may read her records;
//! only PDF, PNG, JPEG, DOCX and XLSX told from the bytes, within 10 MiB and 20 files; the
//! cross-site rule holds for uploads as for every write.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::Value;

use crate::support::*;

const BOOK: &str = "cong-dan-hoc-tap";

fn pdf(text: &str) -> Vec<u8> {
    format!("%PDF-1.4\n% {text}\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n").into_bytes()
}

/// A real Word document or workbook: an actor's report form, as `xhht form` writes it.
fn office(docx: bool) -> Vec<u8> {
    let plan = xhht_core::plan::Plan::can_duoc_2024();
    let doc = xhht_report::forms::actor_form(plan, "actor.phong-gddt", 2026, ("X", "X"), xhht_core::Lang::Vi, today())
        .unwrap();
    if docx {
        xhht_report::render::docx::render(&doc).unwrap()
    } else {
        xhht_report::render::xlsx::render(&doc).unwrap()
    }
}

/// `s` percent-encoded for a query string.
fn pct(s: &str) -> String {
    s.bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) {
                char::from(b).to_string()
            } else {
                format!("%{b:02X}")
            }
        })
        .collect()
}

fn query(person: &str) -> String {
    format!("subject_kind=person&subject={person}&rulebook={BOOK}&year=2026")
}

async fn upload(app: &TestApp, user: &str, person: &str, file: &str, bytes: Vec<u8>) -> Resp {
    let uri = format!("/api/v1/evidence?{}&file={}", query(person), pct(file));
    raw(app, user, &uri, "application/octet-stream", bytes).await
}

fn field_of(r: &Resp) -> String {
    r.json()["errors"][0]["field"].as_str().unwrap_or_default().to_owned()
}

/// A `member` account of `person` with a token, added to `app`.
async fn member_account(app: &mut TestApp, name: &str, person: &str) {
    xhht_server::auth::add_member(&app.db, name, person, None).await.unwrap();
    let token = xhht_server::auth::create_token(&app.db, name, "tests").await.unwrap();
    app.tokens.insert(name.to_owned(), token);
}

#[tokio::test]
async fn evidence_is_attached_by_its_writers_and_read_only_by_those_who_may_read_the_person() {
    for mut app in TestApp::each("evidence-access").await {
        let w = world();
        let me = w.member_a.as_str();
        member_account(&mut app, "member-other", &w.head_a).await;
        // Her own account attaches to her self-assessment; sent again, nothing is written.
        let bytes = pdf("bảng điểm");
        let r = upload(&app, "member-a", me, "Bảng điểm.pdf", bytes.clone()).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        let j = r.json();
        assert_eq!((j["added"].as_bool(), j["file"]["media_type"].as_str()), (Some(true), Some("application/pdf")));
        let name = j["file"]["name"].as_str().unwrap().to_owned();
        assert_eq!(name, "Bảngđiểm.pdf");
        let r = upload(&app, "member-a", me, "Bảng điểm.pdf", bytes.clone()).await;
        assert_eq!((r.status, r.json()["added"].as_bool()), (StatusCode::OK, Some(false)), "{}", r.text());
        // Other bytes under the same name: a conflict.
        assert_eq!(upload(&app, "member-a", me, "Bảng điểm.pdf", pdf("khác")).await.status, StatusCode::CONFLICT);
        // Her unit (its head) attaches a Word document, the reviewer a workbook.
        let r = upload(&app, "unit-a", me, "bien-ban.docx", office(true)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert!(r.json()["file"]["media_type"].as_str().unwrap().contains("wordprocessingml"));
        let r = upload(&app, "reviewer", me, "ket-qua", office(false)).await;
        assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
        assert_eq!(r.json()["file"]["name"], "ket-qua.xlsx", "the extension of the type found");
        // No one else attaches: another unit, a viewer, the verifier, another person's account.
        for user in ["unit-b", "viewer", "verifier", "member-other"] {
            let r = upload(&app, user, me, "x.pdf", pdf(user)).await;
            assert_eq!(r.status, StatusCode::FORBIDDEN, "{user}: {}", r.text());
        }
        // Those who may read her records list and download.
        let list = format!("/api/v1/evidence?{}", query(me));
        let file = format!("/api/v1/evidence/file?{}&name={}", query(me), pct(&name));
        for user in ["admin", "reviewer", "verifier", "unit-a", "unit-a-member", "member-a"] {
            let r = app.get(user, &list).await;
            assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.text());
            let names: Vec<String> =
                r.json().as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap().to_owned()).collect();
            assert_eq!(names, ["Bảngđiểm.pdf", "bien-ban.docx", "ket-qua.xlsx"], "{user}");
            let r = app.get(user, &file).await;
            assert_eq!(r.status, StatusCode::OK, "{user}: {}", r.text());
            assert_eq!(r.body, bytes, "{user}");
            assert_eq!(r.header("content-type"), "application/pdf");
            assert_eq!(r.header("x-content-type-options"), "nosniff");
            assert!(
                r.header("content-disposition").starts_with("attachment; filename="),
                "{}",
                r.header("content-disposition")
            );
        }
        // Nobody else, whether or not the file exists.
        let missing = format!("/api/v1/evidence/file?{}&name=none.pdf", query(me));
        for user in ["unit-b", "viewer", "member-other"] {
            for uri in [&list, &file, &missing] {
                let r = app.get(user, uri).await;
                assert_eq!(r.status, StatusCode::FORBIDDEN, "{user} {uri}: {}", r.text());
                assert!(!r.text().contains(&w.member_a_name) && !r.text().contains("Bảng"), "{}", r.text());
            }
        }
        assert_eq!(app.get("reviewer", &missing).await.status, StatusCode::NOT_FOUND);
        // Removal: only a writer; then the file is gone.
        let remove =
            |user: &str| Request::delete(&file).header("authorization", format!("Bearer {}", app.tokens[user]));
        let r = send(&app.router, remove("unit-b").body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
        let r = send(&app.router, remove("member-a").body(Body::empty()).unwrap()).await;
        assert_eq!(r.status, StatusCode::NO_CONTENT, "{}", r.text());
        assert_eq!(app.get("reviewer", &file).await.status, StatusCode::NOT_FOUND);
        // The audit trail holds the files' hashes and stays whole.
        let r = app.get("admin", "/api/v1/audit/verify?deep=true").await;
        assert_eq!(r.status, StatusCode::OK, "{}", r.text());
        assert_eq!(r.json()["ok"], Value::Bool(true), "{}", r.text());
    }
}

#[tokio::test]
async fn only_pdf_images_docx_and_xlsx_told_from_the_bytes_within_the_bounds_are_taken() {
    let app = TestApp::new("evidence-types").await;
    let me = world().member_a.as_str();
    // An executable renamed .pdf, an HTML page, a PDF's name on other bytes: 422 naming `file`.
    for (name, bytes) in [
        ("chung-nhan.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff".to_vec()),
        ("trang.pdf", b"<!DOCTYPE html><html><script>alert(1)</script></html>".to_vec()),
        ("trang.html", b"<html><body>x</body></html>".to_vec()),
        ("rong.pdf", Vec::new()),
    ] {
        let r = upload(&app, "admin", me, name, bytes).await;
        assert_eq!(
            (r.status, field_of(&r)),
            (StatusCode::UNPROCESSABLE_ENTITY, "file".to_owned()),
            "{name}: {}",
            r.text()
        );
    }
    // A zip bomb named .docx (64 MiB of one letter packed 1,000 : 1), and a plain archive.
    let bomb = xhht_demo::hostile::workbook(xhht_demo::hostile::Bomb::HugeSharedStrings, 64 << 20).unwrap();
    let r = upload(&app, "admin", me, "bom.docx", bomb).await;
    assert_eq!((r.status, field_of(&r)), (StatusCode::UNPROCESSABLE_ENTITY, "file".to_owned()), "{}", r.text());
    assert!(r.text().contains("bomb"), "{}", r.text());
    // Over 10 MiB: 413 before anything is kept.
    let mut big = pdf("lớn");
    big.resize((10 << 20) + 1, b' ');
    let r = upload(&app, "admin", me, "lon.pdf", big).await;
    assert_eq!(r.status, StatusCode::PAYLOAD_TOO_LARGE, "{}", r.text());
    // A caller who may not attach is refused before the body is read, whatever its size.
    let mut big = pdf("lớn");
    big.resize((10 << 20) + 1, b' ');
    assert_eq!(upload(&app, "viewer", me, "lon.pdf", big).await.status, StatusCode::FORBIDDEN);
    // The query names what it must.
    let r = raw(&app, "admin", &format!("/api/v1/evidence?{}", query(me)), "application/pdf", pdf("x")).await;
    assert_eq!((r.status, field_of(&r)), (StatusCode::UNPROCESSABLE_ENTITY, "file".to_owned()), "{}", r.text());
    let uri = format!("/api/v1/evidence?subject_kind=household&subject=H1&rulebook={BOOK}&year=2026&file=a.pdf");
    assert_eq!(raw(&app, "admin", &uri, "application/pdf", pdf("x")).await.status, StatusCode::UNPROCESSABLE_ENTITY);
    let uri = format!("/api/v1/evidence?subject_kind=person&subject={me}&rulebook=no-such&year=2026&file=a.pdf");
    let r = raw(&app, "admin", &uri, "application/pdf", pdf("x")).await;
    assert_eq!(field_of(&r), "rulebook", "{}", r.text());
    // PNG and JPEG are images, whatever the Content-Type sent.
    let png = b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR".to_vec();
    let r = raw(&app, "admin", &format!("/api/v1/evidence?{}&file=anh.png", query(me)), "text/plain", png).await;
    assert_eq!(
        (r.status, r.json()["file"]["media_type"].as_str()),
        (StatusCode::CREATED, Some("image/png")),
        "{}",
        r.text()
    );
    let jpeg = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00".to_vec();
    let r = upload(&app, "admin", me, "anh.jpg", jpeg).await;
    assert_eq!(r.json()["file"]["media_type"], "image/jpeg", "{}", r.text());
}

#[tokio::test]
async fn an_upload_from_another_sites_page_is_refused() {
    let app = TestApp::new("evidence-csrf").await;
    let login = Request::post("/api/v1/auth/login")
        .header("content-type", "application/json")
        .body(Body::from(r#"{"user": "admin", "password": "admin-password"}"#))
        .unwrap();
    let r = send(&app.router, login).await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    let cookie = r.header("set-cookie").split(';').next().unwrap().to_owned();
    let post = |origin: &str| {
        Request::post(format!("/api/v1/evidence?{}&file=a.pdf", query(&world().member_a)))
            .header("host", "xhht.example")
            .header("origin", origin)
            .header("cookie", &cookie)
            .header("content-type", "application/pdf")
            .body(Body::from(pdf("x")))
            .unwrap()
    };
    assert_eq!(send(&app.router, post("https://evil.example")).await.status, StatusCode::FORBIDDEN);
    let r = send(&app.router, post("http://xhht.example")).await;
    assert_eq!(r.status, StatusCode::CREATED, "{}", r.text());
}

#[tokio::test]
async fn an_assessment_takes_twenty_files_and_refuses_the_twenty_first() {
    for app in TestApp::each("evidence-bound").await {
        let me = world().member_a.as_str();
        for n in 1..=20 {
            let r = upload(&app, "unit-a", me, &format!("tep-{n}.pdf"), pdf(&n.to_string())).await;
            assert_eq!(r.status, StatusCode::CREATED, "{n}: {}", r.text());
        }
        let r = upload(&app, "unit-a", me, "tep-21.pdf", pdf("21")).await;
        assert_eq!((r.status, field_of(&r)), (StatusCode::UNPROCESSABLE_ENTITY, "file".to_owned()), "{}", r.text());
        let r = app.get("unit-a", &format!("/api/v1/evidence?{}", query(me))).await;
        assert_eq!(r.json().as_array().unwrap().len(), 20);
        // Another year is another assessment.
        let uri =
            format!("/api/v1/evidence?subject_kind=person&subject={me}&rulebook={BOOK}&year=2025&file=tep-21.pdf");
        assert_eq!(raw(&app, "unit-a", &uri, "application/pdf", pdf("21")).await.status, StatusCode::CREATED);
    }
}
