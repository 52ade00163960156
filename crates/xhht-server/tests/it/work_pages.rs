//! Each role's work through the dashboard's forms (`oneshot`, the posts a browser sends):
//! a person keeps her registration, commitment and self-study plan on her own page, the head
//! returns and approves plans (one by one and ticked together), the verifier returns and
//! accepts a dossier with a reason, the administrator decides it, the head sends the unit's
//! report — each checked in the records and on the next page.

use axum::body::Body;
use axum::http::{Request, StatusCode};
use serde_json::json;

use crate::support::{Resp, TestApp, send, world};

pub(crate) async fn login(app: &TestApp, user: &str) -> String {
    let req = Request::post("/login")
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(format!("user={user}&password={user}-password")))
        .unwrap();
    let r = send(&app.router, req).await;
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    r.header("set-cookie").split(';').next().unwrap().to_owned()
}

pub(crate) async fn page(app: &TestApp, cookie: &str, uri: &str) -> Resp {
    send(&app.router, Request::get(uri).header("cookie", cookie).body(Body::empty()).unwrap()).await
}

/// Posts a form as a same-origin browser does.
pub(crate) async fn form(app: &TestApp, cookie: &str, uri: &str, fields: &[(&str, &str)]) -> Resp {
    let body: String = form_body(fields);
    let req = Request::post(uri)
        .header("host", "localhost")
        .header("origin", "http://localhost")
        .header("cookie", cookie)
        .header("content-type", "application/x-www-form-urlencoded")
        .body(Body::from(body))
        .unwrap();
    send(&app.router, req).await
}

fn form_body(fields: &[(&str, &str)]) -> String {
    fields
        .iter()
        .map(|(k, v)| {
            let enc = |s: &str| {
                s.bytes()
                    .map(|b| match b {
                        b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' => (b as char).to_string(),
                        _ => format!("%{b:02X}"),
                    })
                    .collect::<String>()
            };
            format!("{}={}", enc(k), enc(v))
        })
        .collect::<Vec<_>>()
        .join("&")
}

fn done(r: &Resp) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
    assert!(r.header("location").contains("done=1"), "{}", r.header("location"));
}

#[tokio::test]
async fn a_person_and_her_head_take_the_plan_through_its_steps_in_the_pages() {
    let app = TestApp::new("work-plan").await;
    let w = world();
    let me = login(&app, "member-a").await;
    let head = login(&app, "unit-a").await;
    let own = page(&app, &me, "/me?year=2027").await;
    assert_eq!(own.status, StatusCode::OK, "{}", own.text());
    assert!(own.text().contains("Đăng ký danh hiệu") && own.text().contains("Kế hoạch tự học"), "{}", own.text());
    done(&form(&app, &me, "/work/step/own-register", &[("year", "2027")]).await);
    done(&form(&app, &me, "/work/step/own-commit", &[("year", "2027")]).await);
    let plan = "Học tiếng Anh giao tiếp; đọc 6 đầu sách chuyên môn";
    done(&form(&app, &me, "/work/step/own-plan", &[("year", "2027"), ("content", plan), ("submit", "1")]).await);
    let own = page(&app, &me, "/me?year=2027").await.text();
    assert!(
        own.contains("Đã đăng ký") && own.contains("Đã ký cam kết") && own.contains("chờ thủ trưởng phê duyệt"),
        "{own}"
    );
    // The head's work lists it, with its text; she returns it with a reason.
    let work = page(&app, &head, "/work?year=2027").await.text();
    assert!(work.contains("Phê duyệt hoặc trả lại") && work.contains("tiếng Anh giao tiếp"), "{work}");
    done(
        &form(
            &app,
            &head,
            "/work/step/return-plan",
            &[("year", "2027"), ("person", &w.member_a), ("reason", "Nêu rõ thời hạn")],
        )
        .await,
    );
    let own = page(&app, &me, "/me?year=2027").await.text();
    assert!(own.contains("Nêu rõ thời hạn") && own.contains("bị trả lại"), "{own}");
    let work = page(&app, &me, "/work?year=2027").await.text();
    assert!(work.contains("Nêu rõ thời hạn"), "her work says why: {work}");
    done(
        &form(
            &app,
            &me,
            "/work/step/own-plan",
            &[("year", "2027"), ("content", "Học tiếng Anh, xong trước 30/11/2027"), ("submit", "1")],
        )
        .await,
    );
    // An officer's unit account cannot approve it; the head approves it from her page.
    let officer = login(&app, "unit-a-member").await;
    let r = form(&app, &officer, "/work/step/approve-plan", &[("year", "2027"), ("person", &w.member_a)]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(
        r.text().contains("Không thực hiện được") && r.text().contains("<a href=\"/\""),
        "an HTML page with a way back: {}",
        r.text()
    );
    done(&form(&app, &head, "/work/step/approve-plans", &[("year", "2027"), ("person", &w.member_a)]).await);
    let own = page(&app, &me, "/me?year=2027").await.text();
    assert!(own.contains("đã phê duyệt") && !own.contains("<textarea"), "{own}");
    let list = app.get("admin", &format!("/api/v1/self-study-plans?year=2027&person={}", w.member_a)).await.json();
    assert_eq!(list["items"][0]["state"], "approved", "{list}");
    assert_eq!(list["items"][0]["approval"]["by"], w.head_a.as_str(), "{list}");
}

#[tokio::test]
async fn a_dossier_is_returned_proposed_again_accepted_and_decided_in_the_pages() {
    let app = TestApp::new("work-dossier").await;
    let w = world();
    let key = json!({"reward": "reward.annual.individual", "subject": {"kind": "person", "id": w.member_a}, "year": 2026,
                     "exception": "cứu người trong lũ"});
    assert_eq!(app.post("unit-a", "/api/v1/reward-proposals", key).await.status, StatusCode::CREATED);
    let verifier = login(&app, "verifier").await;
    let work = page(&app, &verifier, "/work?year=2026").await.text();
    assert!(work.contains("chờ thẩm định") && work.contains("cứu người trong lũ"), "{work}");
    let fields = [
        ("year", "2026"),
        ("reward", "reward.annual.individual"),
        ("subject_kind", "person"),
        ("subject", w.member_a.as_str()),
    ];
    let mut ret = fields.to_vec();
    ret.push(("note", "Thiếu xác nhận của xã"));
    done(&form(&app, &verifier, "/work/step/return-dossier", &ret).await);
    let head = login(&app, "unit-a").await;
    let work = page(&app, &head, "/work?year=2026").await.text();
    assert!(work.contains("Thiếu xác nhận của xã") && work.contains("Đề nghị lại"), "{work}");
    let mut again = fields.to_vec();
    again.push(("exception", "cứu người trong lũ, có xác nhận của xã"));
    done(&form(&app, &head, "/work/step/propose", &again).await);
    done(&form(&app, &verifier, "/work/step/verify", &fields).await);
    let admin = login(&app, "admin").await;
    let work = page(&app, &admin, "/work?year=2026").await.text();
    assert!(work.contains("chờ quyết định"), "{work}");
    let mut award = fields.to_vec();
    award.push(("note", "12/QĐ-KT"));
    done(&form(&app, &admin, "/work/step/award", &award).await);
    let list = app.get("admin", "/api/v1/reward-proposals?year=2026&per_page=500").await.text();
    assert!(list.contains("12/QĐ-KT") && list.contains("approved"), "{list}");
}

#[tokio::test]
async fn the_head_sends_the_units_report_from_her_work_and_a_viewer_has_nothing_to_do() {
    let app = TestApp::new("work-report").await;
    let head = login(&app, "unit-a").await;
    let work = page(&app, &head, "/work?year=2026").await.text();
    // The task is there exactly when the unit reports as a plan actor and has not sent its 2026
    // report yet.
    let w = world();
    let sent = app.get("admin", &format!("/api/v1/report-submissions?year=2026&organisation={}", w.org_a)).await.json();
    assert!(w.actor_a.is_some(), "the tests' unit reports as one of the plan's bodies");
    let due = sent["total"] == 0;
    assert_eq!(work.contains("Gửi báo cáo năm của đơn vị"), due, "{work}");
    if due {
        // The unit's form to fill in, linked from the task: an XLSX naming the unit.
        assert!(work.contains("/work/report-form?year=2026"), "{work}");
        let xlsx = page(&app, &head, "/work/report-form?year=2026").await;
        assert_eq!(xlsx.status, StatusCode::OK, "{}", xlsx.text());
        assert!(xlsx.body.starts_with(b"PK"), "an XLSX file");
        assert!(xlsx.header("content-disposition").contains(&format!("mau-bao-cao-{}-2026.xlsx", w.org_a)));
        done(
            &form(&app, &head, "/work/step/send-report", &[("year", "2026"), ("document_number", "15/BC-THCS")]).await,
        );
        let work = page(&app, &head, "/work?year=2026").await.text();
        assert!(!work.contains("Gửi báo cáo năm của đơn vị"), "{work}");
        let sent =
            app.get("admin", &format!("/api/v1/report-submissions?year=2026&organisation={}", w.org_a)).await.text();
        assert!(sent.contains("15/BC-THCS"), "{sent}");
    }
    let viewer = login(&app, "viewer").await;
    let work = page(&app, &viewer, "/work?year=2026").await.text();
    assert!(work.contains("Không có việc nào đang chờ"), "{work}");
    assert!(work.contains("chỉ xem") && !work.contains("(viewer)"), "the role in words: {work}");
    let r = form(&app, &viewer, "/work/step/approve-plan", &[("year", "2026"), ("person", "X")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    // A viewer has no unit and no form: a page saying so, not a file.
    let r = page(&app, &viewer, "/work/report-form?year=2026").await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
    assert!(r.text().contains("<html"), "{}", r.text());
}

#[tokio::test]
async fn a_browser_meets_pages_not_json_for_what_goes_wrong() {
    let app = TestApp::new("work-errors").await;
    let viewer = login(&app, "viewer").await;
    for uri in ["/nope", "/favicon.ico", "/?year=abc", "/work?year=abc"] {
        let r = page(&app, &viewer, uri).await;
        assert!(r.status.is_client_error(), "{uri}: {}", r.status);
        assert!(r.header("content-type").starts_with("text/html"), "{uri}: {}", r.text());
        let html = r.text();
        assert!(!html.contains("Failed to deserialize") && !html.contains("\"code\""), "{uri}: {html}");
        assert!(html.contains("<a href=\"/\""), "{uri}: a way back: {html}");
    }
    let r = page(&app, &viewer, "/nope").await.text();
    assert!(r.contains("Không có trang này"), "{r}");
    // The API still answers in JSON.
    let r = app.get("viewer", "/api/v1/nope").await;
    assert_eq!(r.json()["code"], "not-found", "{}", r.text());
}

#[tokio::test]
async fn the_deadline_board_reads_any_day_and_lists_whom_to_chase() {
    let app = TestApp::new("work-board").await;
    let admin = login(&app, "admin").await;
    let today = page(&app, &admin, "/?year=2026").await.text();
    let later = page(&app, &admin, "/?year=2026&as_of=2026-12-20").await;
    assert_eq!(later.status, StatusCode::OK, "{}", later.text());
    let later = later.text();
    assert!(later.contains("value=\"2026-12-20\""), "the board says its day");
    assert!(later.contains("Cần nhắc gửi báo cáo"), "after the deadline some reporters are to chase");
    assert_ne!(today, later, "the board changes with the day");
    assert!(later.contains("thủ trưởng:"), "the education office sees whom to call");
    let viewer = login(&app, "viewer").await;
    let seen = page(&app, &viewer, "/?year=2026&as_of=2026-12-20").await.text();
    assert!(seen.contains("Cần nhắc gửi báo cáo") && !seen.contains("thủ trưởng:"), "no names for a viewer");
    // One decimal comma on a Vietnamese page.
    let dotted = regex_like_decimal_point(&later);
    assert!(dotted.is_none(), "a decimal point on a Vietnamese page: {dotted:?}");
    let bad = page(&app, &admin, "/?year=2026&as_of=hôm-qua").await;
    assert_eq!(bad.status, StatusCode::UNPROCESSABLE_ENTITY);
    assert!(bad.header("content-type").starts_with("text/html") && bad.text().contains("dd/mm/yyyy"), "{}", bad.text());
}

/// The first "12.34%" written with a point in visible text, if any.
fn regex_like_decimal_point(html: &str) -> Option<String> {
    let b = html.as_bytes();
    (1..b.len().saturating_sub(2)).find_map(|i| {
        (b[i] == b'.' && b[i - 1].is_ascii_digit() && b[i + 1].is_ascii_digit() && {
            let rest = &html[i + 1..];
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            rest[digits.len()..].starts_with('%')
        })
        .then(|| html[i.saturating_sub(4)..(i + 6).min(html.len())].to_owned())
    })
}

#[tokio::test]
async fn the_education_office_manages_accounts_in_the_pages() {
    let app = TestApp::new("work-accounts").await;
    let w = world();
    let admin = login(&app, "admin").await;
    let p = page(&app, &admin, "/accounts").await;
    assert_eq!(p.status, StatusCode::OK, "{}", p.text());
    assert!(p.text().contains("member-a") && p.text().contains("cá nhân"), "{}", p.text());
    // A teacher's own account, then a password, a token shown once, and the account disabled.
    let add = [("name", "gv-moi"), ("role", "member"), ("person", w.member_a.as_str()), ("password", "mật khẩu dài")];
    done_plain(&form(&app, &admin, "/accounts/step/add", &add).await);
    let r = form(&app, &admin, "/accounts/step/add", &[("name", "gv-sai"), ("role", "member"), ("person", "KHONG-CO")])
        .await;
    assert_eq!(r.status, StatusCode::UNPROCESSABLE_ENTITY, "{}", r.text());
    assert!(r.text().contains("không có người"), "{}", r.text());
    done_plain(
        &form(&app, &admin, "/accounts/step/password", &[("name", "gv-moi"), ("password", "một mật khẩu khác")]).await,
    );
    let t = form(&app, &admin, "/accounts/step/token", &[("name", "gv-moi")]).await;
    assert_eq!(t.status, StatusCode::OK, "{}", t.text());
    let html = t.text();
    let start = html.find("xhht_").expect("the token is shown");
    let token: String = html[start..].chars().take(69).collect();
    let r = send(
        &app.router,
        Request::get("/api/v1/auth/me").header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::OK, "{}", r.text());
    done_plain(&form(&app, &admin, "/accounts/step/disable", &[("name", "gv-moi")]).await);
    let r = send(
        &app.router,
        Request::get("/api/v1/auth/me").header("authorization", format!("Bearer {token}")).body(Body::empty()).unwrap(),
    )
    .await;
    assert_eq!(r.status, StatusCode::UNAUTHORIZED, "a disabled account's token ends");
    // Nobody else manages accounts.
    let head = login(&app, "unit-a").await;
    assert_eq!(page(&app, &head, "/accounts").await.status, StatusCode::FORBIDDEN);
    let r = form(&app, &head, "/accounts/step/add", &[("name", "x"), ("role", "admin")]).await;
    assert_eq!(r.status, StatusCode::FORBIDDEN, "{}", r.text());
}

fn done_plain(r: &Resp) {
    assert_eq!(r.status, StatusCode::SEE_OTHER, "{}", r.text());
}

#[tokio::test]
async fn the_head_proposes_from_the_eligibility_list_in_the_pages() {
    let app = TestApp::new("work-eligible").await;
    let head = login(&app, "unit-a").await;
    assert_eq!(page(&app, &head, "/work/eligible?year=2025").await.status, StatusCode::OK);
    // The education office sees every eligible subject: the list is not empty in the demo.
    let admin = login(&app, "admin").await;
    let html = page(&app, &admin, "/work/eligible?year=2025").await.text();
    let find = |name: &str| {
        html.split(&format!("name=\"{name}\" value=\"")).nth(1).and_then(|r| r.split('"').next()).map(str::to_owned)
    };
    let (Some(reward), Some(kind), Some(subject)) = (find("reward"), find("subject_kind"), find("subject")) else {
        panic!("somebody is eligible in 2025: {html}");
    };
    let form_of = |h: &str| h.matches(&format!("name=\"subject\" value=\"{subject}\"")).count();
    let before = form_of(&html);
    let fields =
        [("year", "2025"), ("reward", reward.as_str()), ("subject_kind", kind.as_str()), ("subject", subject.as_str())];
    done(&form(&app, &admin, "/work/step/propose", &fields).await);
    let after = page(&app, &admin, "/work/eligible?year=2025").await.text();
    assert_eq!(form_of(&after), before - 1, "proposed, gone from the list");
    let list = app.get("admin", "/api/v1/reward-proposals?year=2025&per_page=500").await.text();
    assert!(list.contains(&subject), "{list}");
    let viewer = login(&app, "viewer").await;
    assert_eq!(page(&app, &viewer, "/work/eligible?year=2025").await.status, StatusCode::FORBIDDEN);
}
