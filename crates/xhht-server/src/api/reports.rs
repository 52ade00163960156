//! Progress, deadlines and reports, in every format: the request checked and keyed here, the
//! report built by `xhht-app` and kept by the caches (see [`crate::cache`]).

use axum::body::Body as HttpBody;
use axum::extract::{Path, State};
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use xhht_app::reports::{Which, check_scope, may_read_names, parse_scope, scope_key};
use xhht_core::Lang;
use xhht_core::access::{Action, Resource};
use xhht_report::model::Scope;

use super::{Q, year_or};
use crate::cache::{Format, ReportKey};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// Which report, for whom, as of when.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportQuery {
    /// The data year (default: this year; phase reviews use the phase's last year).
    year: Option<i32>,
    /// The day deadlines are judged on (default: today), from 1 January of the plan's first year
    /// to 31 December of the year after its last.
    as_of: Option<NaiveDate>,
    /// `district` (default), `commune:CODE`, `org:CODE` or `actor:ID`.
    scope: Option<String>,
    /// `md`, `html`, `json`, `csv`, `xlsx` or `docx` (default: from `Accept`, else json).
    format: Option<String>,
    /// `vi` (default) or `en`.
    lang: Option<String>,
    /// For CSV: one table by name (default: every table, each after a `# name` line).
    table: Option<String>,
}

/// Which year's rewards, for what scope.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ReportQueryRewards {
    /// The data year (default: this year).
    pub(crate) year: Option<i32>,
    /// `district` (default), `commune:CODE`, `org:CODE` or `actor:ID`.
    pub(crate) scope: Option<String>,
}

/// The cache key of a report request, with personal data kept only for roles allowed to read
/// it for the scope.
pub(crate) async fn report_key(
    state: &AppState,
    who: &Auth,
    kind: Kind,
    year: Option<i32>,
    as_of: Option<NaiveDate>,
    scope: Option<&str>,
) -> Result<ReportKey, ApiError> {
    let parsed = parse_scope(scope.unwrap_or("district"))?;
    who.require(Action::Read, &Resource::Results, false)?;
    let as_of = state.app().as_of(as_of, state.today())?;
    let year = year_or(state, year)?;
    // A report reads every year since the plan's first: no further than next year.
    let first = xhht_core::plan::Plan::can_duoc_2024().meta.years.first().copied().unwrap_or(2023);
    let last = chrono::Datelike::year(&state.today()) + 1;
    if !(first..=last).contains(&year) {
        return Err(ApiError::invalid("year", format!("a report's year is between {first} and {last}")));
    }
    // A scope that names nothing on record is 404 before anything is built or cached for it
    // (the builder refuses it too). Every year's records hold every area and organisation.
    if parsed != Scope::District {
        let data = state.year_data(year).await?;
        check_scope(&parsed, &data)?;
    }
    let which = match kind {
        Kind::Annual => Which::Annual(year),
        Kind::Phase(n) => Which::Phase(n),
    };
    let personal = may_read_names(&who.0.principal, &parsed);
    let opts = state.app().report_options(which, as_of, parsed)?;
    Ok(ReportKey {
        version: state.data_version().await?,
        which,
        year: opts.year,
        as_of,
        scope: scope_key(&opts.scope),
        personal,
    })
}

/// Which report a request names: the annual report of the year asked, or a phase review.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Kind {
    /// The annual report.
    Annual,
    /// The review of phase 1 or 2.
    Phase(u8),
}

fn lang_of(s: Option<&str>) -> Result<Lang, ApiError> {
    match s {
        None => Ok(Lang::Vi),
        Some(l) => Lang::parse(l).ok_or_else(|| ApiError::invalid("lang", "vi or en")),
    }
}

pub(crate) fn bytes_response(format: Format, bytes: axum::body::Bytes, filename: Option<String>) -> Response {
    let mut resp = Response::new(HttpBody::from(bytes));
    resp.headers_mut().insert(CONTENT_TYPE, HeaderValue::from_static(format.mime()));
    if let Some(f) = filename
        && let Ok(v) = HeaderValue::from_str(&format!("attachment; filename=\"{f}\""))
    {
        resp.headers_mut().insert(CONTENT_DISPOSITION, v);
    }
    resp
}

/// Progress on the plan's targets: each target's share this year, the series since 2023, the
/// straight path, milestones, projection, and breakdowns by commune and kind (cached).
#[utoipa::path(get, path = "/progress", tag = "results", params(ReportQuery),
    responses((status = 200, description = "The targets section of the report model", body = Vec<Object>),
              (status = 404, description = "No such scope", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody),
              (status = 429, description = "Too many reads that build or render", body = crate::error::ErrorBody)))]
pub(crate) async fn progress(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ReportQuery>,
) -> Result<Response, ApiError> {
    let mut key = report_key(&state, &who, Kind::Annual, q.year, q.as_of, q.scope.as_deref()).await?;
    key.personal = true;
    let bytes = state.rendered(&key, Format::Progress, Lang::Vi, None).await?;
    Ok(bytes_response(Format::Progress, bytes, None))
}

/// Deadline compliance of the annual report as of a day: on time, late, missing, not yet due.
#[utoipa::path(get, path = "/deadlines", tag = "results", params(ReportQuery),
    responses((status = 200, description = "The deadline section of the report model", body = Object),
              (status = 404, description = "No such scope", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody),
              (status = 429, description = "Too many reads that build or render", body = crate::error::ErrorBody)))]
pub(crate) async fn deadlines(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ReportQuery>,
) -> Result<Response, ApiError> {
    let mut key = report_key(&state, &who, Kind::Annual, q.year, q.as_of, q.scope.as_deref()).await?;
    key.personal = true;
    let bytes = state.rendered(&key, Format::Deadlines, Lang::Vi, None).await?;
    Ok(bytes_response(Format::Deadlines, bytes, None))
}

/// A report in any format: `annual`, `phase-1` (sơ kết 2023–2025) or `phase-2` (tổng kết
/// 2023–2030). The format comes from `?format=` or the `Accept` header. People's names appear
/// only for roles allowed to read them.
#[utoipa::path(get, path = "/reports/{kind}", tag = "results",
    params(("kind" = String, Path, description = "annual, phase-1 or phase-2"), ReportQuery),
    responses((status = 200, description = "The report", content(
        (Object = "application/json"), (String = "text/markdown"), (String = "text/html"), (String = "text/csv"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"),
        (Vec<u8> = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"))),
        (status = 404, description = "No such report kind, scope or CSV table", body = crate::error::ErrorBody),
        (status = 406, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody),
        (status = 429, description = "Too many reads that build or render", body = crate::error::ErrorBody)))]
pub(crate) async fn report(
    State(state): State<AppState>,
    who: Auth,
    Path(kind): Path<String>,
    headers: HeaderMap,
    Q(q): Q<ReportQuery>,
) -> Result<Response, ApiError> {
    let k = match kind.as_str() {
        "annual" => Kind::Annual,
        "phase-1" => Kind::Phase(1),
        "phase-2" => Kind::Phase(2),
        _ => return Err(ApiError::NotFound("reports: annual, phase-1 or phase-2".to_owned())),
    };
    let format = match q.format.as_deref() {
        Some(f) => Format::parse(f).ok_or_else(|| ApiError::invalid("format", "md, html, json, csv, xlsx or docx"))?,
        None => negotiate(&headers)?,
    };
    let lang = lang_of(q.lang.as_deref())?;
    let key = report_key(&state, &who, k, q.year, q.as_of, q.scope.as_deref()).await?;
    let bytes = state.rendered(&key, format, lang, q.table.clone()).await?;
    let name = format!("bao-cao-{kind}-{}.{}", key.year, format.ext());
    Ok(bytes_response(format, bytes, Some(name)))
}

/// A quality value (`1`, `0.8`, `0.05`) in thousandths, without floats.
fn qvalue(v: &str) -> u32 {
    let (int, frac) = v.split_once('.').unwrap_or((v, ""));
    let int: u32 = int.trim().parse().unwrap_or(0);
    let mut f: u32 = 0;
    for (n, c) in frac.chars().take(3).enumerate() {
        let d = c.to_digit(10).unwrap_or(0);
        f += d * [100, 10, 1][n];
    }
    (int * 1000 + f).min(1000)
}

/// The format the `Accept` header prefers (JSON when it says nothing we make).
fn negotiate(headers: &HeaderMap) -> Result<Format, ApiError> {
    let Some(accept) = headers.get(ACCEPT).and_then(|v| v.to_str().ok()) else { return Ok(Format::Json) };
    let mut best: Option<(u32, Format)> = None;
    let mut any = false;
    for part in accept.split(',') {
        let mut it = part.split(';');
        let mime = it.next().unwrap_or_default().trim();
        let q = it.filter_map(|p| p.trim().strip_prefix("q=")).map(qvalue).next().unwrap_or(1000);
        if mime == "*/*" || mime == "application/*" || mime == "text/*" {
            any = true;
        }
        if let Some(f) = Format::from_mime(mime)
            && q > 0
            && best.is_none_or(|(bq, _)| q > bq)
        {
            best = Some((q, f));
        }
    }
    match best {
        Some((_, f)) => Ok(f),
        None if any => Ok(Format::Json),
        None => Err(ApiError::NotAcceptable("reports come as md, html, json, csv, xlsx or docx".to_owned())),
    }
}
