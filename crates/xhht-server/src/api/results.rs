//! Evaluation (trigger and read) and explanations: parse, one `xhht-app` call, answer (the
//! years from the caches, see [`crate::cache`]).

use axum::Json;
use axum::extract::{Path, State};
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xhht_core::access::{Action, Resource};
use xhht_core::record::SubjectRef;

use super::{Page, PageQuery, Q, paginate, year_or};
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
    let (_, done) = state.app().evaluate(&who.0.principal.user, year).await?;
    state.invalidate();
    tracing::info!(year, stored = done.stored, "evaluation stored");
    Ok(Json(Evaluated {
        year,
        people: done.people as u64,
        organisations: done.organisations as u64,
        stored: done.stored as u64,
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

impl From<xhht_app::explain::Explanation> for ExplanationOut {
    fn from(x: xhht_app::explain::Explanation) -> Self {
        Self {
            entity: x.entity,
            kind: x.kind,
            year: x.year,
            organisation: x.organisation,
            holds_title: x.holds_title,
            lines_vi: x.lines_vi,
            lines_en: x.lines_en,
            missing_vi: x.missing_vi,
            missing_en: x.missing_en,
        }
    }
}

/// The explanation of `entity` in `year` for `who` ([`xhht_app::App::explain_for`], the year
/// from the caches): refused unless `who` may read the subject's records.
pub(crate) async fn explain(state: &AppState, who: &Auth, entity: &str, year: i32) -> Result<ExplanationOut, ApiError> {
    let (data, results) = state.year_results(year).await?;
    Ok(state.app().explain_for(&who.0.principal, data, results, entity, year).await?.into())
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
    Ok(Json(explain(&state, &who, &entity, year).await?))
}
