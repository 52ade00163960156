//! Health, login and logout, users and tokens, imports, and the audit check.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xhht_app::io::{ImportKind, ImportOptions};
use xhht_core::access::{Action, Resource, Role};

use super::{Body, Unread};
use crate::auth::{AuthUser, sha256_hex};
use crate::error::ApiError;
use crate::http::{Auth, SESSION_COOKIE, cookie};
use crate::state::AppState;

/// The health answer.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Health {
    /// `ok`.
    status: String,
    /// The server's version.
    version: String,
}

/// Whether the server is up (no database access, no authentication).
#[utoipa::path(get, path = "/health", tag = "system", security(()),
    responses((status = 200, description = "The server is up", body = Health)))]
pub(crate) async fn health() -> Json<Health> {
    Json(Health { status: "ok".to_owned(), version: env!("CARGO_PKG_VERSION").to_owned() })
}

/// Login credentials.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct Login {
    /// The user name.
    user: String,
    /// The password.
    password: String,
}

/// Who is logged in.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Me {
    /// The user name.
    user: String,
    /// The role: admin, reviewer, verifier, unit or viewer.
    role: String,
    /// For a unit, its organisation's code.
    organisation: Option<String>,
    /// The person in the records the account is, if linked.
    person: Option<String>,
}

impl From<&AuthUser> for Me {
    fn from(u: &AuthUser) -> Self {
        Me {
            user: u.principal.user.clone(),
            role: u.principal.role.id().to_owned(),
            organisation: u.principal.organisation.clone(),
            person: u.person.clone(),
        }
    }
}

/// The `Set-Cookie` value of a session.
pub(crate) fn session_cookie(state: &AppState, value: &str, max_age: i64) -> String {
    let secure = if state.config().secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={value}; Path=/; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// Checks a user's password and starts a session (the HttpOnly, SameSite=Strict cookie
/// `xhht_session`). Rate-limited per client address.
#[utoipa::path(post, path = "/auth/login", tag = "system", security(()), request_body = Login,
    responses((status = 200, description = "Logged in; the session cookie is set", body = Me),
              (status = 401, description = "Wrong user or password", body = crate::error::ErrorBody),
              (status = 422, description = "Malformed body", body = crate::error::ErrorBody),
              (status = 429, description = "Too many attempts", body = crate::error::ErrorBody)))]
pub(crate) async fn login(State(state): State<AppState>, Body(l): Body<Login>) -> Result<Response, ApiError> {
    let cookie = start_session(&state, &l.user, &l.password).await?.ok_or(ApiError::Unauthorized)?;
    let (user, value) = cookie;
    let mut resp = Json(Me::from(&user)).into_response();
    let ttl = i64::try_from(state.config().session_ttl.as_secs()).unwrap_or(i64::MAX);
    if let Ok(v) = session_cookie(&state, &value, ttl).parse() {
        resp.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(resp)
}

/// Checks the password and creates a session: the user and the cookie value.
pub(crate) async fn start_session(
    state: &AppState,
    user: &str,
    password: &str,
) -> Result<Option<(AuthUser, String)>, ApiError> {
    if !crate::http::login_allowed(state, user) {
        tracing::info!("login refused: too many attempts for this account");
        return Err(ApiError::RateLimited(
            "quá nhiều lần đăng nhập vào tài khoản này; thử lại sau ít phút / too many login attempts for this account; try again in a few minutes"
                .to_owned(),
        ));
    }
    let Some(u) = state.app().login(user, password).await.map_err(|e| ApiError::internal("login", e))? else {
        tracing::info!("login refused");
        return Ok(None);
    };
    let ttl = i64::try_from(state.config().session_ttl.as_secs()).unwrap_or(i64::MAX);
    let value =
        state.app().create_session(&u.principal.user, ttl).await.map_err(|e| ApiError::internal("session", e))?;
    tracing::info!(user = %u.principal.user, "logged in");
    Ok(Some((u, value)))
}

/// Ends the session of the cookie sent, if any.
pub(crate) async fn end_session(state: &AppState, headers: &HeaderMap) -> Result<(), ApiError> {
    if let Some(c) = cookie(headers, SESSION_COOKIE) {
        state.app().end_session(&c).await.map_err(|e| ApiError::internal("logout", e))?;
        state.forget_auth(&format!("s:{}", sha256_hex(&c)));
    }
    Ok(())
}

/// Ends the session (the cookie is cleared).
#[utoipa::path(post, path = "/auth/logout", tag = "system", security(()),
    responses((status = 204, description = "Logged out")))]
pub(crate) async fn logout(State(state): State<AppState>, headers: HeaderMap) -> Result<Response, ApiError> {
    end_session(&state, &headers).await?;
    let mut resp = StatusCode::NO_CONTENT.into_response();
    if let Ok(v) = session_cookie(&state, "", 0).parse() {
        resp.headers_mut().insert(SET_COOKIE, v);
    }
    Ok(resp)
}

/// Who is asking.
#[utoipa::path(get, path = "/auth/me", tag = "system",
    responses((status = 200, body = Me), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn me(who: Auth) -> Json<Me> {
    Json(Me::from(&who.0))
}

/// A new user.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewUser {
    /// The user name (letters, digits, - _ . @).
    name: String,
    /// admin, reviewer, verifier, unit, viewer or member (a person's own account: give `person`).
    role: String,
    /// For a unit, its organisation's code.
    organisation: Option<String>,
    /// The person in the records the account is (to approve self-study plans as a head).
    person: Option<String>,
    /// A password (at least 8 characters) for the dashboard; none for token-only accounts.
    password: Option<String>,
}

/// Every user (administrators only).
#[utoipa::path(get, path = "/users", tag = "admin",
    responses((status = 200, body = [Me]), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn list_users(State(state): State<AppState>, who: Auth) -> Result<Json<Vec<Me>>, ApiError> {
    who.require(Action::Administer, &Resource::Users, false)?;
    let users = state.app().users().await?;
    Ok(Json(users.iter().map(Me::from).collect()))
}

/// Adds a user (administrators only); an existing name is 409.
#[utoipa::path(post, path = "/users", tag = "admin", request_body = NewUser,
    responses((status = 201, body = Me), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn add_user(
    State(state): State<AppState>,
    who: Auth,
    body: Unread<NewUser>,
) -> Result<(StatusCode, Json<Me>), ApiError> {
    who.require(Action::Administer, &Resource::Users, false)?;
    let u = body.parse().await?;
    let role = Role::parse(&u.role)
        .ok_or_else(|| ApiError::invalid("role", "admin, reviewer, verifier, unit, viewer or member"))?;
    let actor = &who.0.principal.user;
    let app = state.app();
    if role == Role::Member {
        let person =
            u.person.as_deref().ok_or_else(|| ApiError::invalid("person", "a member account names its person"))?;
        app.add_member(actor, &u.name, person, u.password.as_deref()).await?;
        tracing::info!(user = %u.name, role = %role, "user added");
        let me = Me { user: u.name, role: role.id().to_owned(), organisation: None, person: u.person };
        return Ok((StatusCode::CREATED, Json(me)));
    }
    app.add_user(actor, &u.name, role.id(), u.organisation.as_deref(), u.password.as_deref()).await.map_err(
        |e| match e {
            xhht_app::Error::Invalid(p) => {
                ApiError::invalid("body", p.into_iter().map(|p| p.message).collect::<Vec<_>>().join("; "))
            }
            xhht_app::Error::Conflict(m) => ApiError::Conflict(m),
            other => ApiError::internal("add user", other),
        },
    )?;
    app.link_person(actor, &u.name, u.person.as_deref()).await?;
    tracing::info!(user = %u.name, role = %role, "user added");
    let me = Me { user: u.name, role: role.id().to_owned(), organisation: u.organisation, person: u.person };
    Ok((StatusCode::CREATED, Json(me)))
}

/// What an import did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ImportDone {
    /// Data rows read.
    pub(crate) rows: u64,
    /// Rows imported.
    pub(crate) imported: u64,
    /// Rows of the kind's table added.
    pub(crate) added: u64,
    /// Rows changed.
    pub(crate) changed: u64,
    /// Rows already holding these values.
    pub(crate) unchanged: u64,
    /// Columns of the file that were ignored.
    pub(crate) ignored_columns: Vec<String>,
}

/// Imports a CSV or XLSX file of one kind (the body is the file; `?file=NAME.csv|.xlsx` names
/// it). All or nothing: any problem and nothing is written, the answer (422) listing every
/// problem with its line as `line N: field`. Administrators only (a file's rows can span
/// organisations), except `duty-reports`: a filled actor report form (`xhht form`, `.xlsx`),
/// which the organisation's own unit may send too (problems as `FILE:ROW`).
#[utoipa::path(post, path = "/imports/{kind}", tag = "admin",
    params(("kind" = String, Path, description = "areas, successions, organisations, people, memberships, clans, communities, households, registrations, commitments, self-study-plans, assessments, recognitions, report-submissions; duty-reports (a filled report form, .xlsx)"),
           ("file" = Option<String>, Query, description = "The file's name (its extension, .csv or .xlsx, says how to read it; without it, a ZIP package is read as .xlsx, anything else as .csv)")),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 200, body = ImportDone), (status = 403, body = crate::error::ErrorBody),
              (status = 413, description = "Over the upload limit", body = crate::error::ErrorBody),
              (status = 422, description = "Problems, by line", body = crate::error::ErrorBody)))]
pub(crate) async fn import(
    State(state): State<AppState>,
    who: Auth,
    Path(kind): Path<String>,
    super::Q(q): super::Q<FileQuery>,
    body: Unread,
) -> Result<Json<ImportDone>, ApiError> {
    if kind == DUTY_REPORTS {
        // Each organisation the form reports for is checked once it is read.
        who.require_any(Action::Write, Resource::OrganisationRecord)?;
        let name = q.file.unwrap_or_else(|| "bao-cao.xlsx".to_owned());
        let body = body.bytes().await?;
        return Ok(Json(import_duty_form(&state, &who, &name, &body).await?));
    }
    who.require(Action::Write, &Resource::Reference, false)?;
    let kind = ImportKind::parse(&kind).ok_or_else(|| ApiError::NotFound(format!("no import kind `{kind}`")))?;
    let body = body.bytes().await?;
    // Without a name, the bytes say what the file is: a workbook is a ZIP package.
    let sniffed = if xhht_core::bounds::is_zip(&body) { "xlsx" } else { "csv" };
    let name = q.file.unwrap_or_else(|| format!("{}.{sniffed}", kind.id()));
    let report = run_import(&state, &who, kind, &name, &body).await?;
    Ok(Json(report))
}

/// The import's file name.
#[derive(Debug, Deserialize)]
pub(crate) struct FileQuery {
    file: Option<String>,
}

/// The import kind of filled actor report forms (not a table import of the store).
pub(crate) const DUTY_REPORTS: &str = xhht_report::forms::IMPORT_KIND;

/// Reads a filled report form (the XLSX `xhht form` writes) and stores its fields, all or none:
/// problems come back as field errors `FILE:ROW`; the caller must be allowed to write the
/// records of every organisation the form reports for.
pub(crate) async fn import_duty_form(
    state: &AppState,
    who: &Auth,
    name: &str,
    bytes: &[u8],
) -> Result<ImportDone, ApiError> {
    let base = upload_name(name);
    if !base.to_lowercase().ends_with(".xlsx") {
        return Err(ApiError::invalid("file", "give the filled report form, an .xlsx file"));
    }
    let plan = xhht_core::plan::Plan::can_duoc_2024();
    let reports = xhht_report::forms::read_filled_xlsx(bytes, &base, plan).map_err(super::records::problems_error)?;
    if reports.is_empty() {
        return Err(ApiError::invalid("file", "no field of the form is filled in (column “Kết quả”)"));
    }
    let rows = reports.len() as u64;
    let items = reports.into_iter().map(|r| (base.clone(), r)).collect();
    let w = super::records::store_duty_reports(state, who, items).await?;
    tracing::info!(kind = DUTY_REPORTS, rows, "import");
    Ok(ImportDone {
        rows,
        imported: rows,
        added: w.added,
        changed: w.changed,
        unchanged: w.unchanged,
        ignored_columns: Vec::new(),
    })
}

/// An upload's file name as messages and the import log show it: the last path component, with
/// letters, digits, `.`, `-` and `_` only.
fn upload_name(name: &str) -> String {
    name.rsplit(['/', '\\'])
        .next()
        .unwrap_or_default()
        .chars()
        .filter(|c| c.is_alphanumeric() || matches!(c, '.' | '-' | '_'))
        .collect()
}

/// Imports an upload named `name` (its extension says how to read it) from memory: nothing
/// of it is written to disk but the database. Problems come back as field errors
/// `line N: field`.
pub(crate) async fn run_import(
    state: &AppState,
    who: &Auth,
    kind: ImportKind,
    name: &str,
    bytes: &[u8],
) -> Result<ImportDone, ApiError> {
    let base = upload_name(name);
    let lower = base.to_lowercase();
    if !(lower.ends_with(".csv") || lower.ends_with(".xlsx")) {
        return Err(ApiError::invalid("file", "give a .csv or .xlsx file"));
    }
    let mut opts = ImportOptions::new(who.0.principal.user.clone());
    opts.workbook_limits = xhht_core::bounds::WorkbookLimits::UPLOAD;
    let result = state.store().import_bytes(kind, &base, bytes, &opts).await.map_err(ApiError::from);
    state.invalidate();
    let r = result?;
    tracing::info!(kind = kind.id(), rows = r.rows, imported = r.imported, "import");
    Ok(ImportDone {
        rows: r.rows as u64,
        imported: r.imported as u64,
        added: r.written.added,
        changed: r.written.changed,
        unchanged: r.written.unchanged,
        ignored_columns: r.ignored_columns,
    })
}
