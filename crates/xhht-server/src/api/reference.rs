//! Reference data: the plan, the rulebooks, the areas (read by every role).

use axum::Json;
use axum::extract::{Path, State};
use serde::Serialize;
use utoipa::ToSchema;
use xhht_core::access::{Action, Resource};
use xhht_core::plan::Plan;
use xhht_core::rulebook::RulebookSet;

use super::{Page, PageQuery, Q, paginate};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// The plan (Kế hoạch of Cần Đước, February 2024) with every element's id and text.
#[utoipa::path(get, path = "/plan", tag = "reference",
    responses((status = 200, description = "The plan", body = Object), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn plan(who: Auth) -> Result<Json<&'static Plan>, ApiError> {
    who.require(Action::Read, &Resource::Reference, false)?;
    Ok(Json(Plan::can_duoc_2024()))
}

/// A rulebook in the list.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct RulebookItem {
    /// The id, e.g. `cong-dan-hoc-tap`.
    id: String,
    /// SHA-256 of the file.
    content_hash: String,
    /// The versions' ids.
    versions: Vec<String>,
}

/// The rulebooks that ship with xhht.
#[utoipa::path(get, path = "/rulebooks", tag = "reference",
    responses((status = 200, body = [RulebookItem]), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn rulebooks(who: Auth) -> Result<Json<Vec<RulebookItem>>, ApiError> {
    who.require(Action::Read, &Resource::Reference, false)?;
    Ok(Json(
        RulebookSet::builtin()
            .iter()
            .map(|b| RulebookItem {
                id: b.rulebook.id().to_owned(),
                content_hash: b.content_hash.clone(),
                versions: b.rulebook.versions.iter().map(|v| v.id.clone()).collect(),
            })
            .collect(),
    ))
}

/// One rulebook, whole: indicators, versions, citations and provenance.
#[utoipa::path(get, path = "/rulebooks/{id}", tag = "reference",
    params(("id" = String, Path, description = "The rulebook id")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn rulebook(who: Auth, Path(id): Path<String>) -> Result<Json<serde_json::Value>, ApiError> {
    who.require(Action::Read, &Resource::Reference, false)?;
    let b = RulebookSet::builtin().get(&id).map_err(|_| ApiError::NotFound(format!("no rulebook `{id}`")))?;
    serde_json::to_value(&b.rulebook).map(Json).map_err(|e| ApiError::internal("serialise", e))
}

/// Administrative areas, with their validity (communes merged in 2025 included).
#[utoipa::path(get, path = "/areas", tag = "reference", params(PageQuery),
    responses((status = 200, body = Page), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn areas(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<PageQuery>,
) -> Result<Json<Page>, ApiError> {
    who.require(Action::Read, &Resource::Reference, false)?;
    let areas: Vec<_> = state.store().areas().await?.into_iter().map(|a| a.value).collect();
    paginate(&areas, &q)
}
