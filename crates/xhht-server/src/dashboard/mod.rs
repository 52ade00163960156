//! The dashboard: server-rendered HTML (askama), Vietnamese first with an English switch, no
//! script, usable on a phone. Pages: the district overview (target progress charts with the
//! series since 2023, per-commune table and map-like grid, deadline board, report downloads),
//! an organisation's people and their status, an entity's explanation and what is missing, and
//! the upload of an import file with the errors shown line by line. Charts are drawn by
//! `xhht_report::render::svg` from the same report the API serves (cached).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Query, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use serde::Deserialize;
use xhht_core::Lang;

use crate::api::admin::{end_session, session_cookie, start_session};
use crate::auth::AuthUser;

use crate::error::ApiError;
use crate::http::{ReadLimiter, cookie};
use crate::state::AppState;

mod accounts;
mod assess;
mod overview;
mod pages;
mod upload;
mod work;

use overview::overview;
use pages::{entity, organisation};
use upload::{upload_page, upload_submit};

const STYLE: &str = include_str!("../../static/style.css");
const LANG_COOKIE: &str = "xhht_lang";

/// The dashboard's routes; uploads accept files up to `upload_limit`; the pages that build or
/// render (overview, organisation, entity) share the quota of `reads` with the API's.
pub(crate) fn router(upload_limit: usize, reads: ReadLimiter) -> Router<AppState> {
    let limited = axum::middleware::from_fn_with_state(reads, crate::http::read_limit);
    Router::new()
        .route("/", get(overview).layer(limited.clone()))
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout))
        .route("/org/{code}", get(organisation).layer(limited.clone()))
        .route("/entity/{id}", get(entity).layer(limited.clone()))
        .route("/work", get(work::work_page))
        .route("/me", get(work::me_page))
        .route("/work/eligible", get(work::eligible_page).layer(limited))
        .route("/work/report-form", get(pages::report_form))
        .route("/work/step/{what}", axum::routing::post(work::step))
        .route("/assess/{kind}/{id}", get(assess::assess_page).post(assess::assess_submit))
        .route(
            "/assess/{kind}/{id}/evidence",
            get(assess::evidence_get).post(assess::evidence_add).layer(DefaultBodyLimit::max(
                upload_limit.min(xhht_app::evidence::MAX_FILE_BYTES).saturating_add(64 * 1024),
            )),
        )
        .route("/assess/{kind}/{id}/evidence-remove", axum::routing::post(assess::evidence_remove))
        .route("/accounts", get(accounts::accounts_page))
        .route("/accounts/step/{what}", axum::routing::post(accounts::account_step))
        .route("/upload", get(upload_page).post(upload_submit).layer(DefaultBodyLimit::max(upload_limit)))
        .route("/static/style.css", get(style))
}

async fn style() -> Response {
    ([(CONTENT_TYPE, HeaderValue::from_static("text/css; charset=utf-8"))], STYLE).into_response()
}

/// Page options common to every page.
#[derive(Debug, Default, Deserialize)]
pub(crate) struct PageOpts {
    lang: Option<String>,
    year: Option<i32>,
    /// Which target the commune table and grid show (its index).
    target: Option<usize>,
    /// The day the deadline board is read on (`yyyy-mm-dd` or `dd/mm/yyyy`; default today).
    as_of: Option<String>,
}

/// The language: `?lang=` (remembered in a cookie), else the cookie, else Vietnamese.
fn lang_of(opts: &PageOpts, headers: &HeaderMap) -> (Lang, Option<String>) {
    match opts.lang.as_deref().and_then(Lang::parse) {
        Some(l) => (l, Some(format!("{LANG_COOKIE}={}; Path=/; SameSite=Strict; Max-Age=31536000", l.code()))),
        None => (cookie(headers, LANG_COOKIE).as_deref().and_then(Lang::parse).unwrap_or(Lang::Vi), None),
    }
}

fn with_cookie(resp: impl IntoResponse, set: Option<String>) -> Response {
    let mut resp = resp.into_response();
    if let Some(c) = set
        && let Ok(v) = HeaderValue::from_str(&c)
    {
        resp.headers_mut().append(SET_COOKIE, v);
    }
    resp
}

/// What every page shows in its frame.
#[derive(Debug, Clone)]
pub(crate) struct Frame {
    lang: Lang,
    user: String,
    role: String,
    admin: bool,
    /// The current path with `lang=` switched, for the language link.
    other_lang_href: String,
    other_lang_label: &'static str,
}

impl Frame {
    fn new(lang: Lang, user: &AuthUser, path: &str) -> Frame {
        let (code, label) = match lang {
            Lang::Vi => ("en", "English"),
            Lang::En => ("vi", "Tiếng Việt"),
        };
        let sep = if path.contains('?') { '&' } else { '?' };
        Frame {
            lang,
            user: user.principal.user.clone(),
            role: role_label(user.principal.role, lang).to_owned(),
            admin: user.principal.role == xhht_core::access::Role::Admin,
            other_lang_href: format!("{path}{sep}lang={code}"),
            other_lang_label: label,
        }
    }

    /// The frame of a page shown to no one in particular (an error before a login).
    fn anonymous(lang: Lang) -> Frame {
        let (href, label) = match lang {
            Lang::Vi => ("/?lang=en", "English"),
            Lang::En => ("/?lang=vi", "Tiếng Việt"),
        };
        Frame {
            lang,
            user: String::new(),
            role: String::new(),
            admin: false,
            other_lang_href: href.to_owned(),
            other_lang_label: label,
        }
    }

    /// Picks the Vietnamese or English text.
    pub(crate) fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    pub(crate) fn code(&self) -> &'static str {
        self.lang.code()
    }
}

/// A role as a person reads it.
pub(super) fn role_label(role: xhht_core::access::Role, lang: Lang) -> &'static str {
    use xhht_core::access::Role;
    let (vi, en) = match role {
        Role::Admin => ("Phòng GD&ĐT, quản trị", "education office, administrator"),
        Role::Reviewer => ("Hội Khuyến học", "study-promotion association"),
        Role::Verifier => ("cơ quan nội vụ", "home-affairs office"),
        Role::Unit => ("đơn vị", "unit"),
        Role::Member => ("cá nhân", "person"),
        _ => ("chỉ xem", "viewer"),
    };
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

fn require_login(user: Option<AuthUser>) -> Result<AuthUser, Box<Response>> {
    user.ok_or_else(|| Box::new(Redirect::to("/login").into_response()))
}

fn error_page(frame: Option<Frame>, lang: Lang, e: ApiError) -> Response {
    let (status, message) = match &e {
        ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, in_lang(lang, m, "Vai trò của bạn không được làm việc này.")),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, in_lang(lang, m, "Không tìm thấy hồ sơ hoặc trang này.")),
        ApiError::Invalid(errs) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errs.iter().map(|f| in_lang(lang, &f.message, "Nội dung điền chưa hợp lệ.")).collect::<Vec<_>>().join("; "),
        ),
        ApiError::Conflict(m) => (StatusCode::CONFLICT, in_lang(lang, m, "Hồ sơ đang ở bước khác; tải lại trang.")),
        // Made JSON like every 413 (`http::json_too_large`).
        ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too large".to_owned()),
        _ => {
            let _logged = e.into_response();
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error (logged)".to_owned())
        }
    };
    let page = ErrorPage { frame: frame.unwrap_or_else(|| Frame::anonymous(lang)), message };
    (status, page).into_response()
}

/// A message written "Vietnamese / English" in the page's language; a message in English only
/// (from a lower layer) becomes `vi_fallback` on a Vietnamese page.
fn in_lang(lang: Lang, m: &str, vi_fallback: &str) -> String {
    match (lang, m.split_once(" / ")) {
        (Lang::Vi, Some((vi, _))) => vi.to_owned(),
        (Lang::En, Some((_, en))) => en.to_owned(),
        (Lang::Vi, None) => vi_fallback.to_owned(),
        (Lang::En, None) => m.to_owned(),
    }
}

/// The language a browser chose (its cookie), for pages made outside a handler.
pub(crate) fn lang_of_headers(headers: &HeaderMap) -> Lang {
    cookie(headers, LANG_COOKIE).as_deref().and_then(Lang::parse).unwrap_or(Lang::Vi)
}

/// An HTML page for an error a browser meets outside a page's own handling (no such page, a
/// query it cannot read, too many requests, too large, an internal error), with a way back.
pub(crate) fn status_page(status: StatusCode, lang: Lang) -> Response {
    let (vi, en) = match status.as_u16() {
        404 => ("Không có trang này.", "There is no such page."),
        405 => ("Trang này không nhận thao tác đó.", "This page does not take that action."),
        413 => ("Tệp hoặc nội dung gửi lên quá lớn.", "The file or form sent is too large."),
        429 => (
            "Quá nhiều lượt truy cập trong ít phút; xin thử lại sau một lát.",
            "Too many requests in a few minutes; please try again shortly.",
        ),
        401 => ("Cần đăng nhập.", "Please log in."),
        403 => ("Vai trò của bạn không được làm việc này.", "Your role may not do this."),
        s if s >= 500 => ("Đã có lỗi bên trong; lỗi đã được ghi lại.", "An internal error occurred; it was logged."),
        _ => ("Địa chỉ hoặc nội dung gửi lên không đọc được.", "The address or the form could not be read."),
    };
    let frame = Frame::anonymous(lang);
    let message = match lang {
        Lang::Vi => vi,
        Lang::En => en,
    };
    (status, ErrorPage { frame, message: message.to_owned() }).into_response()
}

#[derive(Template, WebTemplate)]
#[template(path = "error.html")]
struct ErrorPage {
    frame: Frame,
    message: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "login.html")]
struct LoginPage {
    lang: Lang,
    error: bool,
}

impl LoginPage {
    fn t<'a>(&self, vi: &'a str, en: &'a str) -> &'a str {
        match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }
}

async fn login_page(headers: HeaderMap, Query(opts): Query<PageOpts>) -> Response {
    let (lang, set) = lang_of(&opts, &headers);
    with_cookie(LoginPage { lang, error: false }, set)
}

#[derive(Debug, Deserialize)]
struct LoginForm {
    user: String,
    password: String,
}

async fn login_submit(
    State(state): State<AppState>,
    headers: HeaderMap,
    axum::Form(f): axum::Form<LoginForm>,
) -> Response {
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    match start_session(&state, &f.user, &f.password).await {
        Ok(Some((_, value))) => {
            let ttl = i64::try_from(state.config().session_ttl.as_secs()).unwrap_or(i64::MAX);
            with_cookie(Redirect::to("/work"), Some(session_cookie(&state, &value, ttl)))
        }
        Ok(None) => (StatusCode::UNAUTHORIZED, LoginPage { lang, error: true }).into_response(),
        Err(e) => error_page(None, lang, e),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let _ = end_session(&state, &headers).await;
    with_cookie(Redirect::to("/login"), Some(session_cookie(&state, "", 0)))
}
