//! The REST API under `/api/v1`, documented by the OpenAPI document [`ApiDoc`] (utoipa): every
//! handler is registered through `utoipa_axum::routes!`, so routing and the document come from
//! one place.

pub(crate) mod accounts;
pub(crate) mod admin;
mod audit;
mod clean;
mod evidence;
pub(crate) mod records;
mod reference;
pub(crate) mod reports;
pub(crate) mod results;
mod rewards;
pub(crate) mod steps;

use axum::Json;
use axum::body::Bytes;
use axum::extract::{FromRequest, FromRequestParts, Request};
use axum::http::HeaderMap;
use axum::http::request::Parts;
use chrono::{Datelike, NaiveDate};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use utoipa::openapi::security::{ApiKey, ApiKeyValue, HttpAuthScheme, HttpBuilder, SecurityScheme};
use utoipa::{IntoParams, Modify, OpenApi, ToSchema};
use utoipa_axum::router::OpenApiRouter;
use utoipa_axum::routes;
use xhht_app::io::YearData;

use crate::error::{ApiError, json_error};
use crate::http::ReadLimiter;
use crate::state::AppState;

/// The largest page a list answers.
pub const MAX_PER_PAGE: u32 = 500;

/// The OpenAPI document's fixed part: title, version, security schemes, tags.
#[derive(OpenApi)]
#[openapi(
    info(
        title = "xhht API",
        description = "Records, rules, results and reports of the learning-society emulation movement \
                       (xây dựng xã hội học tập, 2023–2030). Every request but health, login and this \
                       document needs a bearer token or a dashboard session. Personal data (names, birth \
                       years, citizen ids) is returned only to roles allowed to read it, otherwise null \
                       with `redacted: true`.",
        license(name = "MIT OR Apache-2.0")
    ),
    modifiers(&Security),
    security(("bearer" = []), ("session" = [])),
    tags(
        (name = "system", description = "Health, login, the OpenAPI document"),
        (name = "reference", description = "The plan, rulebooks, areas"),
        (name = "records", description = "Organisations, people and their yearly records"),
        (name = "results", description = "Evaluation, explanations, progress, deadlines, reports"),
        (name = "rewards", description = "Reward eligibility and proposals (propose → verify → decide)"),
        (name = "workflow", description = "Lifecycle steps (docs/workflows.md): drafts, returns, withdrawals, corrections, self-assessments, the inbox, a record's history"),
        (name = "admin", description = "Users, tokens, imports, audit")
    ),
    components(schemas(crate::error::ErrorBody, crate::error::FieldError))
)]
#[derive(Debug)]
pub struct ApiDoc;

struct Security;

impl Modify for Security {
    fn modify(&self, openapi: &mut utoipa::openapi::OpenApi) {
        let c = openapi.components.get_or_insert_with(Default::default);
        c.add_security_scheme(
            "bearer",
            SecurityScheme::Http(
                HttpBuilder::new().scheme(HttpAuthScheme::Bearer).bearer_format("xhht_<64 hex>").build(),
            ),
        );
        c.add_security_scheme(
            "session",
            SecurityScheme::ApiKey(ApiKey::Cookie(ApiKeyValue::new(crate::http::SESSION_COOKIE))),
        );
    }
}

/// The API's routes with their OpenAPI document; imports accept bodies up to `upload_limit`,
/// evidence files up to the smaller of it and `xhht_app::evidence::MAX_FILE_BYTES`;
/// the reads that build or render share the quota of `reads`.
pub(crate) fn router(upload_limit: usize, reads: ReadLimiter) -> OpenApiRouter<AppState> {
    let imports =
        OpenApiRouter::new().routes(routes!(admin::import)).layer(axum::extract::DefaultBodyLimit::max(upload_limit));
    let evidence = OpenApiRouter::new()
        .routes(routes!(evidence::list_evidence, evidence::add_evidence))
        .layer(axum::extract::DefaultBodyLimit::max(upload_limit.min(xhht_app::evidence::MAX_FILE_BYTES)));
    let expensive = OpenApiRouter::new()
        .routes(routes!(results::results))
        .routes(routes!(results::explanation))
        .routes(routes!(reports::progress))
        .routes(routes!(reports::deadlines))
        .routes(routes!(reports::report))
        .routes(routes!(rewards::eligibility))
        .layer(axum::middleware::from_fn_with_state(reads, crate::http::read_limit));
    OpenApiRouter::with_openapi(ApiDoc::openapi()).nest(
        "/api/v1",
        OpenApiRouter::new()
            .routes(routes!(admin::health))
            .routes(routes!(admin::login))
            .routes(routes!(admin::logout))
            .routes(routes!(admin::me))
            .routes(routes!(admin::list_users, admin::add_user))
            .routes(routes!(accounts::create_token))
            .routes(routes!(accounts::change_account))
            .routes(routes!(accounts::revoke_token))
            .merge(imports)
            .routes(routes!(audit::audit_verify))
            .routes(routes!(reference::plan))
            .routes(routes!(reference::rulebooks))
            .routes(routes!(reference::rulebook))
            .routes(routes!(reference::areas))
            .routes(routes!(records::list_organisations, records::put_organisation))
            .routes(routes!(records::get_organisation, records::update_organisation))
            .routes(routes!(records::list_people, records::put_person))
            .routes(routes!(records::get_person, records::update_person))
            .routes(routes!(records::list_memberships, records::put_membership))
            .routes(routes!(records::list_registrations, records::put_registration))
            .routes(routes!(records::list_commitments, records::put_commitment))
            .routes(routes!(records::list_self_study_plans, records::put_self_study_plan))
            .routes(routes!(records::approve_self_study_plan))
            .routes(routes!(records::list_assessments, records::put_assessment, records::update_assessment))
            .routes(routes!(records::list_recognitions, records::put_recognition))
            .routes(routes!(records::list_report_submissions, records::put_report_submission))
            .routes(routes!(records::list_duty_reports, records::put_duty_reports))
            .merge(evidence)
            .routes(routes!(evidence::evidence_file, evidence::remove_evidence))
            .routes(routes!(results::evaluate))
            .merge(expensive)
            .routes(routes!(rewards::list_proposals, rewards::propose))
            .routes(routes!(rewards::verify))
            .routes(routes!(rewards::decide_proposal))
            .routes(routes!(steps::write_plan))
            .routes(routes!(steps::return_plan))
            .routes(routes!(steps::correct_plan))
            .routes(routes!(steps::list_self_assessments, steps::self_assess))
            .routes(routes!(steps::withdraw_registration))
            .routes(routes!(steps::withdraw_commitment))
            .routes(routes!(steps::correct_proposal))
            .routes(routes!(steps::correct_assessment))
            .routes(routes!(steps::inbox))
            .routes(routes!(steps::history)),
    )
}

/// The OpenAPI document as pretty JSON (what `docs/openapi.json` holds).
pub fn openapi_json() -> String {
    let (_, api) = router(0, None).split_for_parts();
    api.to_pretty_json().unwrap_or_else(|e| format!("{{\"error\": \"{e}\"}}"))
}

/// Query parameters of every list.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct PageQuery {
    /// The page, from 1 (default 1).
    pub(crate) page: Option<u32>,
    /// Items per page, 1–500 (default 50).
    pub(crate) per_page: Option<u32>,
}

/// A page of a list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Page {
    /// The items of this page.
    pub(crate) items: Vec<serde_json::Value>,
    /// This page's number, from 1.
    pub(crate) page: u32,
    /// Items per page.
    pub(crate) per_page: u32,
    /// Items in the whole list.
    pub(crate) total: u64,
}

/// Cuts a page out of `items`.
pub(crate) fn paginate<T: Serialize>(items: &[T], q: &PageQuery) -> Result<Json<Page>, ApiError> {
    let page = q.page.unwrap_or(1);
    let per_page = q.per_page.unwrap_or(50);
    if page == 0 {
        return Err(ApiError::invalid("page", "pages are numbered from 1"));
    }
    if per_page == 0 || per_page > MAX_PER_PAGE {
        return Err(ApiError::invalid("per_page", format!("between 1 and {MAX_PER_PAGE}")));
    }
    let start = usize::try_from(u64::from(page - 1) * u64::from(per_page)).unwrap_or(usize::MAX);
    let total = u64::try_from(items.len()).unwrap_or(u64::MAX);
    let items = items
        .iter()
        .skip(start)
        .take(per_page as usize)
        .map(serde_json::to_value)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|e| ApiError::internal("serialise", e))?;
    Ok(Json(Page { items, page, per_page, total }))
}

/// A JSON body, deserialised with field-level errors (422) instead of axum's plain-text ones;
/// over the body limit, 413.
#[derive(Debug)]
pub(crate) struct Body<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequest<S> for Body<T> {
    type Rejection = ApiError;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        if !clean::is_json(req.headers()) {
            return Err(ApiError::UnsupportedMediaType);
        }
        let bytes = read_body(req).await?;
        let mut value: serde_json::Value = serde_json::from_slice(&bytes).map_err(|e| json_error(&e))?;
        let mut problems = Vec::new();
        clean::clean_strings(&mut value, &mut String::new(), &mut problems);
        if !problems.is_empty() {
            return Err(ApiError::Invalid(problems));
        }
        serde_json::from_value(value).map(Body).map_err(|e| json_error(&e))
    }
}

/// A body not read yet: the handler asks `decide` first, then reads it ([`Unread::parse`] for
/// JSON, [`Unread::bytes`] for a file), so that a caller who may not use the route is refused
/// (403) whatever it sent — learning nothing of the body's schema — and its body is not even
/// read. Extracted last, like any body.
pub(crate) struct Unread<T = Bytes> {
    req: Request,
    body: std::marker::PhantomData<fn() -> T>,
}

impl<S: Send + Sync, T> FromRequest<S> for Unread<T> {
    type Rejection = std::convert::Infallible;

    async fn from_request(req: Request, _: &S) -> Result<Self, Self::Rejection> {
        Ok(Self { req, body: std::marker::PhantomData })
    }
}

impl<T> Unread<T> {
    /// The body's bytes, within the route's limit (413 past it).
    pub(crate) async fn bytes(self) -> Result<Bytes, ApiError> {
        read_body(self.req).await
    }
}

impl<T: DeserializeOwned> Unread<T> {
    /// The body as JSON, as [`Body`] reads it (field errors: 422; over the limit: 413).
    pub(crate) async fn parse(self) -> Result<T, ApiError> {
        Body::<T>::from_request(self.req, &()).await.map(|Body(b)| b)
    }
}

/// The whole body of `req`, within the route's limit (`DefaultBodyLimit`): over it, 413.
pub(crate) async fn read_body(req: Request) -> Result<Bytes, ApiError> {
    Bytes::from_request(req, &()).await.map_err(|e| {
        if e.status() == axum::http::StatusCode::PAYLOAD_TOO_LARGE {
            ApiError::TooLarge
        } else {
            ApiError::invalid("body", format!("the body could not be read: {}", e.body_text()))
        }
    })
}

/// Query parameters, with 422 field errors.
#[derive(Debug)]
pub(crate) struct Q<T>(pub(crate) T);

impl<S: Send + Sync, T: DeserializeOwned> FromRequestParts<S> for Q<T> {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        let query = parts.uri.query().unwrap_or_default();
        serde_urlencoded_like(query).map(Q)
    }
}

/// Deserialises a query string through `axum::extract::Query`'s rules.
fn serde_urlencoded_like<T: DeserializeOwned>(query: &str) -> Result<T, ApiError> {
    let uri: axum::http::Uri =
        format!("/?{query}").parse().map_err(|_| ApiError::invalid("query", "the query string is not valid"))?;
    axum::extract::Query::<T>::try_from_uri(&uri).map(|q| q.0).map_err(|e| {
        let text = e.body_text();
        let field = text
            .split_once("missing field `")
            .or_else(|| text.split_once("unknown field `"))
            .and_then(|(_, r)| r.split_once('`'))
            .map_or_else(|| "query".to_owned(), |(f, _)| f.to_owned());
        let field = text
            .split_once(": ")
            .and_then(|(_, r)| r.split_once(':'))
            .map(|(f, _)| f.trim().to_owned())
            .filter(|f| !f.contains(' ') && !f.is_empty())
            .unwrap_or(field);
        ApiError::invalid(field, text)
    })
}

/// A row version from `If-Match: "N"` (or `N`), if given.
pub(crate) fn if_match(headers: &HeaderMap) -> Result<Option<i64>, ApiError> {
    let Some(v) = headers.get(axum::http::header::IF_MATCH) else { return Ok(None) };
    let s = v.to_str().unwrap_or_default().trim().trim_start_matches("W/").trim_matches('"');
    s.parse().map(Some).map_err(|_| ApiError::invalid("If-Match", "give the version as an ETag, e.g. \"3\""))
}

/// The version an optimistic update must name: `If-Match` or the body's `version`.
pub(crate) fn expected_version(headers: &HeaderMap, body: Option<i64>) -> Result<i64, ApiError> {
    match (if_match(headers)?, body) {
        (Some(h), Some(b)) if h != b => Err(ApiError::invalid("version", "If-Match and version disagree")),
        (Some(v), _) | (None, Some(v)) => Ok(v),
        (None, None) => Err(ApiError::invalid("version", "name the version you read (If-Match or `version`)")),
    }
}

/// An ETag header value for a row version.
pub(crate) fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// The data year a request names, or this year.
pub(crate) fn year_or(state: &AppState, year: Option<i32>) -> Result<i32, ApiError> {
    let y = year.unwrap_or_else(|| state.today().year());
    if (2000..=2100).contains(&y) { Ok(y) } else { Err(ApiError::invalid("year", "a data year between 2000 and 2100")) }
}

/// The organisation `person` belongs to on `day` (or, failing that, their latest).
pub(crate) fn org_of_person(data: &YearData, person: &str, day: NaiveDate) -> Option<String> {
    data.memberships
        .iter()
        .filter(|m| m.person == person)
        .max_by_key(|m| (m.period.contains(day), m.period.from()))
        .map(|m| m.organisation.clone())
}

/// What a write did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Written {
    /// Rows added.
    pub(crate) added: u64,
    /// Rows changed.
    pub(crate) changed: u64,
    /// Rows that already held these values.
    pub(crate) unchanged: u64,
}

impl From<xhht_app::io::WriteReport> for Written {
    fn from(w: xhht_app::io::WriteReport) -> Self {
        Self { added: w.added, changed: w.changed, unchanged: w.unchanged }
    }
}

/// The new version after an optimistic update.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct NewVersion {
    /// The row's version now.
    pub(crate) version: i64,
}
