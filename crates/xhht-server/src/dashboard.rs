//! The dashboard: server-rendered HTML (askama), Vietnamese first with an English switch, no
//! script, usable on a phone. Pages: the district overview (target progress charts with the
//! series since 2023, per-commune table and map-like grid, deadline board, report downloads),
//! an organisation's people and their status, an entity's explanation and what is missing, and
//! the upload of an import file with the errors shown line by line. Charts are drawn by
//! `xhht_report::render::svg` from the same report the API serves (cached).

use askama::Template;
use askama_web::WebTemplate;
use axum::Router;
use axum::extract::{DefaultBodyLimit, FromRequest, Multipart, Path, Query, State};
use axum::http::header::{CONTENT_TYPE, SET_COOKIE};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use chrono::{Datelike, NaiveDate};
use serde::Deserialize;
use xhht_core::Lang;
use xhht_core::access::{Action, Resource};
use xhht_report::doc::{Chart, document, status_word};
use xhht_report::model::DeadlineStatus;
use xhht_report::render::svg;
use xhht_store::ImportKind;

use crate::api::admin::{DUTY_REPORTS, end_session, import_duty_form, run_import, session_cookie, start_session};
use crate::api::records::person_out;
use crate::api::reports::{Kind, report_key};
use crate::api::results::explain;
use crate::auth::AuthUser;

use crate::error::ApiError;
use crate::http::{Auth, MaybeAuth, ReadLimiter, cookie};
use crate::state::AppState;

const STYLE: &str = include_str!("../static/style.css");
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
        .route("/entity/{id}", get(entity).layer(limited))
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
            role: user.principal.role.id().to_owned(),
            admin: user.principal.role == xhht_core::access::Role::Admin,
            other_lang_href: format!("{path}{sep}lang={code}"),
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

fn require_login(user: Option<AuthUser>) -> Result<AuthUser, Box<Response>> {
    user.ok_or_else(|| Box::new(Redirect::to("/login").into_response()))
}

fn error_page(frame: Option<Frame>, lang: Lang, e: ApiError) -> Response {
    let (status, message) = match &e {
        ApiError::Forbidden(m) => (StatusCode::FORBIDDEN, m.clone()),
        ApiError::NotFound(m) => (StatusCode::NOT_FOUND, m.clone()),
        ApiError::Invalid(errs) => (
            StatusCode::UNPROCESSABLE_ENTITY,
            errs.iter().map(|f| format!("{}: {}", f.field, f.message)).collect::<Vec<_>>().join("; "),
        ),
        ApiError::Conflict(m) => (StatusCode::CONFLICT, m.clone()),
        // Made JSON like every 413 (`http::json_too_large`).
        ApiError::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too large".to_owned()),
        _ => {
            let _logged = e.into_response();
            (StatusCode::INTERNAL_SERVER_ERROR, "internal error (logged)".to_owned())
        }
    };
    let page = ErrorPage {
        frame: frame.unwrap_or(Frame {
            lang,
            user: String::new(),
            role: String::new(),
            admin: false,
            other_lang_href: "/".to_owned(),
            other_lang_label: "",
        }),
        message,
    };
    (status, page).into_response()
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
            with_cookie(Redirect::to("/"), Some(session_cookie(&state, &value, ttl)))
        }
        Ok(None) => (StatusCode::UNAUTHORIZED, LoginPage { lang, error: true }).into_response(),
        Err(e) => error_page(None, lang, e),
    }
}

async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Response {
    let _ = end_session(&state, &headers).await;
    with_cookie(Redirect::to("/login"), Some(session_cookie(&state, "", 0)))
}

/// A target on the overview.
struct TargetView {
    title: String,
    share: String,
    met: u64,
    of: u64,
    target: String,
    by_year: i32,
    on_track: Option<bool>,
    chart: String,
}

/// A commune in the table and the grid.
struct AreaView {
    code: String,
    label: String,
    share: String,
    met: u64,
    of: u64,
    /// `lvl0`…`lvl4` by share, `none` when nobody is counted.
    class: &'static str,
    note: String,
}

/// A row of the deadline board.
struct DeadlineView {
    code: String,
    name: String,
    actor: String,
    submitted: String,
    status: String,
    class: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "overview.html")]
struct Overview {
    frame: Frame,
    year: i32,
    years: Vec<i32>,
    as_of: String,
    scope_name: String,
    targets: Vec<TargetView>,
    area_target: String,
    /// The targets to choose from for the commune view: (index, title, chosen).
    area_choices: Vec<(usize, String, bool)>,
    areas: Vec<AreaView>,
    status_chart: String,
    on_time: u64,
    late: u64,
    missing: u64,
    not_yet_due: u64,
    due: String,
    deadlines: Vec<DeadlineView>,
    formats: Vec<&'static str>,
}

fn pct(d: Option<rust_decimal::Decimal>) -> String {
    d.map_or_else(|| "—".to_owned(), |d| format!("{d}%"))
}

fn level_class(d: Option<rust_decimal::Decimal>) -> &'static str {
    use rust_decimal::Decimal;
    match d {
        None => "none",
        Some(s) if s >= Decimal::from(80) => "lvl4",
        Some(s) if s >= Decimal::from(60) => "lvl3",
        Some(s) if s >= Decimal::from(40) => "lvl2",
        Some(s) if s >= Decimal::from(20) => "lvl1",
        Some(_) => "lvl0",
    }
}

fn status_class(s: DeadlineStatus) -> &'static str {
    match s {
        DeadlineStatus::OnTime => "ok",
        DeadlineStatus::Late { .. } => "late",
        DeadlineStatus::Missing => "missing",
        DeadlineStatus::NotYetDue => "pending",
    }
}

fn date(d: NaiveDate, lang: Lang) -> String {
    xhht_core::format_date(d, lang)
}

async fn overview(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Query(opts): Query<PageOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts, &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/?year={year}"));
    let who = Auth(user);
    let page = async {
        let key = report_key(&state, &who, Kind::Annual, Some(year), None, None).await?;
        let (_, report) = state.report_or_stale(&key).await?;
        let doc = document(&report, lang);
        let mut progress_charts = Vec::new();
        let mut status_chart = String::new();
        for s in &doc.sections {
            for c in &s.charts {
                match c {
                    Chart::Progress { .. } => progress_charts.push(svg::render(c, lang)),
                    Chart::Status { .. } if status_chart.is_empty() => status_chart = svg::render(c, lang),
                    _ => {}
                }
            }
        }
        let targets = report
            .targets
            .iter()
            .enumerate()
            .map(|(n, t)| TargetView {
                title: t.title.get(lang).to_owned(),
                share: pct(t.count.share),
                met: t.count.met,
                of: t.count.of,
                target: format!("{}%", t.target),
                by_year: t.by_year,
                on_track: t.on_track,
                chart: progress_charts.get(n).cloned().unwrap_or_default(),
            })
            .collect();
        let chosen = opts.target.filter(|n| *n < report.targets.len()).unwrap_or(0);
        let first = report.targets.get(chosen);
        let area_choices =
            report.targets.iter().enumerate().map(|(n, t)| (n, t.title.get(lang).to_owned(), n == chosen)).collect();
        let areas = first
            .map(|t| {
                t.by_area
                    .iter()
                    .map(|b| AreaView {
                        code: b.key.clone(),
                        label: b.label.get(lang).to_owned(),
                        share: pct(b.count.share),
                        met: b.count.met,
                        of: b.count.of,
                        class: level_class(b.count.share),
                        note: b.note.as_ref().map(|n| n.get(lang).to_owned()).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let d = &report.deadlines;
        let plan_first = xhht_core::plan::Plan::can_duoc_2024().meta.years.first().copied().unwrap_or(2023);
        Ok::<_, ApiError>(Overview {
            frame: frame.clone(),
            year,
            years: (plan_first..=state.today().year()).rev().collect(),
            as_of: date(report.as_of, lang),
            scope_name: report.scope_name.get(lang).to_owned(),
            targets,
            area_target: first.map(|t| t.title.get(lang).to_owned()).unwrap_or_default(),
            area_choices,
            areas,
            status_chart,
            on_time: d.on_time,
            late: d.late,
            missing: d.missing,
            not_yet_due: d.not_yet_due,
            due: date(d.due, lang),
            deadlines: d
                .rows
                .iter()
                .map(|r| DeadlineView {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    actor: r.actor.clone(),
                    submitted: r.submitted_on.map(|s| date(s, lang)).unwrap_or_default(),
                    status: status_word(r.status, lang),
                    class: status_class(r.status),
                })
                .collect(),
            formats: vec!["html", "docx", "xlsx", "md", "csv", "json"],
        })
    }
    .await;
    match page {
        Ok(p) => with_cookie(p, set),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

/// A person on an organisation's page.
struct PersonRow {
    id: String,
    name: String,
    category: String,
    holds_title: bool,
    criteria_met: bool,
    missing: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "organisation.html")]
struct OrgPage {
    frame: Frame,
    code: String,
    name: String,
    year: i32,
    holds_title: bool,
    personal: bool,
    people: Vec<PersonRow>,
}

async fn organisation(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(opts): Query<PageOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts, &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/org/{code}?year={year}"));
    let who = Auth(user);
    let page = async {
        who.require(Action::Read, &Resource::Organisation(code.clone()), false)?;
        let (data, results) = state.year_results(year).await?;
        let org = data
            .organisations
            .iter()
            .find(|o| o.code == code)
            .ok_or_else(|| ApiError::NotFound(format!("no organisation {code}")))?;
        let personal = who.may(Action::ReadPersonal, &Resource::OrganisationRecord(code.clone()));
        let people = results
            .people
            .iter()
            .filter(|p| p.organisation.as_deref() == Some(code.as_str()))
            .filter_map(|r| {
                let p = data.people.iter().find(|p| p.id == r.id)?;
                let shown = person_out(&who, p, Some(code.clone()));
                Some(PersonRow {
                    id: p.id.clone(),
                    name: if shown.redacted { "—".to_owned() } else { p.full_name.clone() },
                    category: p.category.label().get(lang).to_owned(),
                    holds_title: r.holds_title,
                    criteria_met: r.criteria_unmet.is_empty(),
                    missing: r
                        .criteria_unmet
                        .iter()
                        .map(|u| u.reason.as_ref().map_or(u.indicator.clone(), |t| t.get(lang).to_owned()))
                        .collect::<Vec<_>>()
                        .join("; "),
                })
            })
            .collect();
        let holds_title = results.organisations.iter().any(|o| o.code == code && o.title_level.is_some());
        Ok::<_, ApiError>(OrgPage {
            frame: frame.clone(),
            code: code.clone(),
            name: org.name.clone(),
            year,
            holds_title,
            personal,
            people,
        })
    }
    .await;
    match page {
        Ok(p) => with_cookie(p, set),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "entity.html")]
struct EntityPage {
    frame: Frame,
    id: String,
    kind: String,
    year: i32,
    organisation: String,
    holds_title: bool,
    lines: Vec<String>,
    missing: String,
}

async fn entity(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(opts): Query<PageOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts, &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/entity/{id}?year={year}"));
    let who = Auth(user);
    let page = async {
        who.require(Action::Read, &Resource::Results, false)?;
        let x = explain(&state, &who, &id, year).await?;
        Ok::<_, ApiError>(EntityPage {
            frame: frame.clone(),
            id: x.entity.clone(),
            kind: x.kind.clone(),
            year,
            organisation: x.organisation.clone().unwrap_or_default(),
            holds_title: x.holds_title,
            lines: if lang == Lang::Vi { x.lines_vi } else { x.lines_en },
            missing: if lang == Lang::Vi { x.missing_vi } else { x.missing_en },
        })
    }
    .await;
    match page {
        Ok(p) => with_cookie(p, set),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

/// What an upload did: done, the message, the errors as (line and column, problem).
type Outcome = (bool, String, Vec<(String, String)>);

#[derive(Template, WebTemplate)]
#[template(path = "upload.html")]
struct UploadPage {
    frame: Frame,
    kinds: Vec<&'static str>,
    /// The kind chosen last.
    selected: String,
    /// Set after an upload.
    outcome: Option<Outcome>,
}

async fn upload_page(MaybeAuth(user): MaybeAuth, headers: HeaderMap, Query(opts): Query<PageOpts>) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts, &headers);
    let frame = Frame::new(lang, &user, "/upload");
    let kinds = upload_kinds();
    with_cookie(UploadPage { frame, kinds, selected: String::new(), outcome: None }, set)
}

async fn upload_submit(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    req: axum::extract::Request,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    let frame = Frame::new(lang, &user, "/upload");
    let who = Auth(user);
    // Before the form is read: a role that may import nothing (neither reference data nor any
    // organisation's report form) is refused whatever it sent.
    if !who.may(Action::Write, &Resource::Reference)
        && let Err(e) = who.require_any(Action::Write, Resource::OrganisationRecord)
    {
        return error_page(Some(frame), lang, e);
    }
    let mut form = match Multipart::from_request(req, &state).await {
        Ok(f) => f,
        Err(rejection) => return rejection.into_response(),
    };
    let kinds = upload_kinds();
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) if name == "kind" => kind = Some(String::from_utf8_lossy(&bytes).into_owned()),
                    Ok(bytes) if name == "file" => {
                        file = Some((file_name.unwrap_or_else(|| "upload.csv".to_owned()), bytes.to_vec()));
                    }
                    Ok(_) => {}
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return ApiError::TooLarge.into_response(),
                    Err(_) => {
                        return error_page(Some(frame), lang, ApiError::invalid("file", "the upload was cut off"));
                    }
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return ApiError::TooLarge.into_response(),
            Err(_) => return error_page(Some(frame), lang, ApiError::invalid("file", "the form could not be read")),
        }
    }
    // A filled report form may come from the organisation's own unit; other files are
    // administrators' (their rows can span organisations).
    let is_form = kind.as_deref() == Some(DUTY_REPORTS);
    if !is_form && let Err(e) = who.require(Action::Write, &Resource::Reference, false) {
        return error_page(Some(frame), lang, e);
    }
    let Some(selected) = kind.filter(|k| is_form || ImportKind::parse(k).is_some()) else {
        return error_page(Some(frame), lang, ApiError::invalid("kind", "choose what the file holds"));
    };
    let Some((name, bytes)) = file else {
        return error_page(Some(frame), lang, ApiError::invalid("file", "choose a file"));
    };
    let done = match ImportKind::parse(&selected) {
        Some(kind) if !is_form => run_import(&state, &who, kind, &name, &bytes).await,
        _ => import_duty_form(&state, &who, &name, &bytes).await,
    };
    let outcome = match done {
        Ok(done) => (
            true,
            match lang {
                Lang::Vi => format!(
                    "Đã nhập {} dòng (thêm {}, sửa {}, giữ nguyên {}).",
                    done.imported, done.added, done.changed, done.unchanged
                ),
                Lang::En => format!(
                    "Imported {} rows ({} added, {} changed, {} unchanged).",
                    done.imported, done.added, done.changed, done.unchanged
                ),
            },
            Vec::new(),
        ),
        Err(ApiError::Invalid(errors)) => (
            false,
            match lang {
                Lang::Vi => format!("Tệp {name} có {} lỗi; chưa nhập dòng nào.", errors.len()),
                Lang::En => format!("{name} has {} problem(s); nothing was imported.", errors.len()),
            },
            errors
                .into_iter()
                .map(|e| {
                    let field = match lang {
                        Lang::Vi => e.field.replacen("line ", "dòng ", 1),
                        Lang::En => e.field,
                    };
                    (field, e.message)
                })
                .collect(),
        ),
        Err(e) => return error_page(Some(frame), lang, e),
    };
    let status = if outcome.0 { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, UploadPage { frame, kinds, selected, outcome: Some(outcome) }).into_response()
}

/// What the upload form offers: the store's import kinds, then filled report forms.
fn upload_kinds() -> Vec<&'static str> {
    ImportKind::ALL.iter().map(|k| k.id()).chain([DUTY_REPORTS]).collect()
}
