//! Evaluation (trigger and read), explanations, progress, deadlines and reports — served from
//! the caches (see [`crate::cache`]).

use std::collections::HashSet;

use axum::Json;
use axum::body::Body as HttpBody;
use axum::extract::{Path, State};
use axum::http::header::{ACCEPT, CONTENT_DISPOSITION, CONTENT_TYPE};
use axum::http::{HeaderMap, HeaderValue};
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xhht_core::access::{Action, Resource};
use xhht_core::record::SubjectRef;
use xhht_core::rulebook::Subject;
use xhht_core::{Lang, Text, Title};
use xhht_report::build::{Records, check_scope};
use xhht_report::model::Scope;
use xhht_scoring::year::{YearIndex, org_result, person_result};

use super::{Page, PageQuery, Q, paginate, subject_resource, year_or};
use crate::cache::{Format, KindKey, ReportKey, parse_scope, report_error, scope_key};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// What an evaluation did.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Evaluated {
    /// The data year.
    year: i32,
    /// People evaluated.
    people: u64,
    /// Organisations evaluated.
    organisations: u64,
    /// Results added or changed in the database.
    stored: u64,
}

/// Evaluates a data year from the records and stores the results (administrators only).
#[utoipa::path(post, path = "/evaluations/{year}", tag = "results",
    params(("year" = i32, Path, description = "The data year")),
    responses((status = 200, body = Evaluated), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn evaluate(
    State(state): State<AppState>,
    who: Auth,
    Path(year): Path<String>,
) -> Result<Json<Evaluated>, ApiError> {
    who.require(Action::Administer, &Resource::Results, false)?;
    let year = year.parse().map_err(|_| ApiError::invalid("year", "a data year, e.g. 2025"))?;
    let year = year_or(&state, Some(year))?;
    let (data, results) = state.year_results(year).await?;
    let stored = state.store().save_results(&who.0.principal.user, year, &data, &results, state.engines()).await?;
    state.invalidate();
    tracing::info!(year, stored, "evaluation stored");
    Ok(Json(Evaluated {
        year,
        people: results.people.len() as u64,
        organisations: results.organisations.len() as u64,
        stored: stored as u64,
    }))
}

/// A stored result.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ResultOut {
    /// `person` or `organisation`.
    kind: String,
    /// The id or code.
    id: String,
    /// For a person, their organisation on 31 December.
    organisation: Option<String>,
    /// Registered for the title.
    registered: bool,
    /// Holds the title for the year.
    holds_title: bool,
    /// The level of the title held.
    title_level: Option<u8>,
    /// Each rulebook's outcome: (rulebook, version, outcome).
    outcomes: Vec<(String, String, Option<String>)>,
}

/// Query of the results list.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ResultsQuery {
    /// Only results of this organisation and its people.
    organisation: Option<String>,
    /// The page.
    page: Option<u32>,
    /// Items per page (max 500).
    per_page: Option<u32>,
}

/// The results stored by the last evaluation of a year (any role).
#[utoipa::path(get, path = "/results/{year}", tag = "results", params(("year" = i32, Path, description = "The data year"), ResultsQuery),
    responses((status = 200, body = Page), (status = 422, body = crate::error::ErrorBody),
              (status = 429, description = "Too many reads that build or render", body = crate::error::ErrorBody)))]
pub(crate) async fn results(
    State(state): State<AppState>,
    who: Auth,
    Path(year): Path<i32>,
    Q(q): Q<ResultsQuery>,
) -> Result<Json<Page>, ApiError> {
    who.require(Action::Read, &Resource::Results, false)?;
    let year = year_or(&state, Some(year))?;
    let list: Vec<ResultOut> = state
        .store()
        .results(year)
        .await?
        .into_iter()
        .filter(|r| {
            q.organisation.as_ref().is_none_or(|o| {
                r.organisation.as_ref() == Some(o) || matches!(&r.subject, SubjectRef::Organisation(c) if c == o)
            })
        })
        .map(|r| ResultOut {
            kind: match r.subject {
                SubjectRef::Person(_) => "person",
                _ => "organisation",
            }
            .to_owned(),
            id: r.subject.id().to_owned(),
            organisation: r.organisation,
            registered: r.registered,
            holds_title: r.holds_title,
            title_level: r.title_level,
            outcomes: r.evaluations.into_iter().map(|e| (e.rulebook, e.version, e.outcome)).collect(),
        })
        .collect();
    paginate(&list, &PageQuery { page: q.page, per_page: q.per_page })
}

/// An explanation in both languages.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub(crate) struct ExplanationOut {
    /// The person or organisation.
    pub(crate) entity: String,
    /// `person` or `organisation`.
    pub(crate) kind: String,
    /// The data year.
    pub(crate) year: i32,
    /// The organisation (for a person, on 31 December).
    pub(crate) organisation: Option<String>,
    /// Holds its title for the year.
    pub(crate) holds_title: bool,
    /// The trace, line by line, in Vietnamese.
    pub(crate) lines_vi: Vec<String>,
    /// The trace in English.
    pub(crate) lines_en: Vec<String>,
    /// What is missing for the plan's criteria, in Vietnamese (empty when met).
    pub(crate) missing_vi: String,
    /// The same in English.
    pub(crate) missing_en: String,
}

/// Builds the explanation of `entity` for `year` (as `xhht explain` does).
pub(crate) async fn explain(state: &AppState, entity: &str, year: i32) -> Result<ExplanationOut, ApiError> {
    let (data, results) = state.year_results(year).await?;
    let entity = entity.to_owned();
    let state2 = state.clone();
    tokio::task::spawn_blocking(move || {
        let engines = state2.engines();
        let index = YearIndex::new(data.input()).map_err(|e| ApiError::internal("index", e))?;
        let holding: HashSet<&str> = results.people.iter().filter(|p| p.holds_title).map(|p| p.id.as_str()).collect();
        let holds = |p: &str, t: Title| t == Title::CongDanHocTap && holding.contains(p);
        let mut vi = Vec::new();
        let mut en = Vec::new();
        let both = |vi: &mut Vec<String>, en: &mut Vec<String>, t: Text| {
            vi.push(t.vi);
            en.push(t.en);
        };
        let (kind, organisation, holds_title, missing_vi, missing_en);
        if let Some(person) = data.people.iter().find(|p| p.id == entity) {
            let subject = SubjectRef::Person(person.id.clone());
            let tags = vec![format!("category:{}", person.category.id())];
            let r = person_result(engines, &index, person, &holds).map_err(|e| ApiError::internal("explain", e))?;
            if index.assessment(&subject, "cong-dan-hoc-tap").is_some() {
                let f = index.facts(&engines.citizen, Subject::Person, &subject, tags.clone(), &holds);
                let e = engines.citizen.evaluate(&f, year).map_err(|e| ApiError::internal("explain", e))?;
                let x = engines.citizen.explain(&f, year, &e);
                vi.extend(x.lines(Lang::Vi));
                en.extend(x.lines(Lang::En));
            } else {
                both(
                    &mut vi,
                    &mut en,
                    Text::new(
                        "Chưa có phiếu tự đánh giá “Công dân học tập” năm này.",
                        "No “Công dân học tập” self-assessment this year.",
                    ),
                );
            }
            vi.push(String::new());
            en.push(String::new());
            let f = index.facts(&engines.plan, Subject::Person, &subject, tags, &holds);
            let x = engines.plan.explain(&f, year, &r.criteria);
            vi.extend(x.lines(Lang::Vi));
            en.extend(x.lines(Lang::En));
            missing_vi = x.missing_sentence(Lang::Vi);
            missing_en = x.missing_sentence(Lang::En);
            kind = "person";
            organisation = r.organisation.clone();
            holds_title = r.holds_title;
        } else if let Some(org) = data.organisations.iter().find(|o| o.code == entity) {
            let subject = SubjectRef::Organisation(org.code.clone());
            let r = org_result(engines, &index, org, &holds).map_err(|e| ApiError::internal("explain", e))?;
            if let Some(unit) = engines.unit_for(year) {
                if index.assessment(&subject, unit.rulebook().rulebook.id()).is_some() {
                    let f = index.facts(unit, Subject::Organisation, &subject, org.tags(), &holds);
                    let e = unit.evaluate(&f, year).map_err(|e| ApiError::internal("explain", e))?;
                    let x = unit.explain(&f, year, &e);
                    vi.extend(x.lines(Lang::Vi));
                    en.extend(x.lines(Lang::En));
                } else {
                    both(
                        &mut vi,
                        &mut en,
                        Text::new(
                            "Chưa có hồ sơ tự đánh giá “Đơn vị học tập” năm này.",
                            "No “Đơn vị học tập” self-assessment this year.",
                        ),
                    );
                }
            }
            match (r.title_level, r.title_held_until) {
                (Some(l), Some(until)) => {
                    let d = r.title_decision.clone().unwrap_or_default();
                    both(
                        &mut vi,
                        &mut en,
                        Text::new(
                            format!("Đang giữ danh hiệu “Đơn vị học tập” mức {l} ({d}) đến hết năm dữ liệu {until}."),
                            format!("Holds “Đơn vị học tập” at level {l} ({d}) through data year {until}."),
                        ),
                    );
                }
                _ => both(
                    &mut vi,
                    &mut en,
                    Text::new(
                        "Chưa giữ danh hiệu “Đơn vị học tập” trong năm.",
                        "Holds no “Đơn vị học tập” title this year.",
                    ),
                ),
            }
            vi.push(String::new());
            en.push(String::new());
            let f = index.facts(&engines.plan, Subject::Organisation, &subject, org.tags(), &holds);
            let x = engines.plan.explain(&f, year, &r.criteria);
            vi.extend(x.lines(Lang::Vi));
            en.extend(x.lines(Lang::En));
            missing_vi = x.missing_sentence(Lang::Vi);
            missing_en = x.missing_sentence(Lang::En);
            kind = "organisation";
            organisation = Some(org.code.clone());
            holds_title = r.title_level.is_some();
        } else {
            return Err(ApiError::NotFound(format!("no person or organisation `{entity}` in {year}")));
        }
        Ok(ExplanationOut {
            entity,
            kind: kind.to_owned(),
            year,
            organisation,
            holds_title,
            lines_vi: vi,
            lines_en: en,
            missing_vi,
            missing_en,
        })
    })
    .await
    .map_err(|e| ApiError::internal("explain task", e))?
}

/// Query with a year.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct YearQuery {
    /// The data year (default: this year).
    year: Option<i32>,
}

/// Why a person or organisation holds (or not) its title and meets (or not) the plan's
/// criteria: each indicator's value, requirement, result and source, in Vietnamese and
/// English, and what is missing.
#[utoipa::path(get, path = "/explanations/{entity}", tag = "results",
    params(("entity" = String, Path, description = "A person id or organisation code"), YearQuery),
    responses((status = 200, body = ExplanationOut), (status = 404, body = crate::error::ErrorBody),
              (status = 429, description = "Too many reads that build or render", body = crate::error::ErrorBody)))]
pub(crate) async fn explanation(
    State(state): State<AppState>,
    who: Auth,
    Path(entity): Path<String>,
    Q(q): Q<YearQuery>,
) -> Result<Json<ExplanationOut>, ApiError> {
    let year = year_or(&state, q.year)?;
    let x = explain(&state, &entity, year).await?;
    let data = state.year_data(year).await?;
    let subject = if x.kind == "person" { SubjectRef::Person(entity) } else { SubjectRef::Organisation(entity) };
    let day = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MIN);
    let res = match subject_resource(&data, &subject, day) {
        Resource::Reference => Resource::Results,
        r => r,
    };
    who.require(Action::Read, &res, false)?;
    Ok(Json(x))
}

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

/// The days a report may be judged on: from 1 January of the plan's first year to 31 December
/// of the year after its last (the last year's report is due in December and reviewed after).
pub(crate) fn as_of_range() -> (NaiveDate, NaiveDate) {
    let [first, last] = xhht_core::plan::Plan::can_duoc_2024().meta.years;
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    (day(first, 1, 1), day(last + 1, 12, 31))
}

/// The cache key of a report request, with personal data kept only for roles allowed to read
/// it for the scope.
pub(crate) async fn report_key(
    state: &AppState,
    who: &Auth,
    kind: KindKey,
    year: Option<i32>,
    as_of: Option<NaiveDate>,
    scope: Option<&str>,
) -> Result<ReportKey, ApiError> {
    let parsed = parse_scope(scope.unwrap_or("district"))
        .ok_or_else(|| ApiError::invalid("scope", "district, commune:CODE, org:CODE or actor:ID"))?;
    let personal_res = match &parsed {
        Scope::Organisation { code } => Resource::OrganisationRecord(code.clone()),
        _ => Resource::Results,
    };
    who.require(Action::Read, &Resource::Results, false)?;
    let (from, to) = as_of_range();
    let as_of = match as_of {
        Some(day) if !(from..=to).contains(&day) => {
            return Err(ApiError::invalid("as_of", format!("a day from {from} to {to} (the plan's years)")));
        }
        Some(day) => day,
        None => state.today().clamp(from, to),
    };
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
        let records = Records {
            areas: &data.areas,
            successions: &data.successions,
            organisations: &data.organisations,
            people: &[],
            recognitions: &[],
            submissions: &[],
            duty_reports: &[],
            reward_proposals: &[],
        };
        check_scope(&parsed, &records, xhht_core::plan::Plan::can_duoc_2024()).map_err(report_error)?;
    }
    Ok(ReportKey {
        version: state.data_version().await?,
        kind,
        year,
        as_of,
        scope: scope_key(&parsed),
        personal: who.may(Action::ReadPersonal, &personal_res),
    })
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
    let mut key = report_key(&state, &who, KindKey::Annual, q.year, q.as_of, q.scope.as_deref()).await?;
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
    let mut key = report_key(&state, &who, KindKey::Annual, q.year, q.as_of, q.scope.as_deref()).await?;
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
        "annual" => KindKey::Annual,
        "phase-1" => KindKey::Phase1,
        "phase-2" => KindKey::Phase2,
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
