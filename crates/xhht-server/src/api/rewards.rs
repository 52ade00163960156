//! Rewards: eligibility (from the rules), and proposals — proposed by the person's or unit's
//! organisation, verified by the home-affairs office (verifier), decided by the administrator.
//! The decision is part of the store's proposal (`xhht_core::record::Decision`), audited like
//! every write.

use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::Response;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xhht_app::proposals::ProposalKey;
use xhht_core::Lang;
use xhht_core::access::{Action, Resource};
use xhht_core::record::{DecisionOutcome, RewardProposal, SubjectRef, VerificationOutcome};

use super::records::user;
use super::reports::{Kind, ReportQueryRewards, bytes_response, report_key};
use super::{Page, Q, Unread, Written, paginate, year_or};
use crate::cache::Format;
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// Who is eligible for the plan's rewards in a year, and why (names only for roles allowed).
#[utoipa::path(get, path = "/rewards/eligibility", tag = "rewards", params(ReportQueryRewards),
    responses((status = 200, description = "The rewards section of the report model", body = Object),
              (status = 404, description = "No such scope", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody),
              (status = 429, description = "Too many reads that build or render", body = crate::error::ErrorBody)))]
pub(crate) async fn eligibility(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ReportQueryRewards>,
) -> Result<Response, ApiError> {
    let key = report_key(&state, &who, Kind::Annual, q.year, None, q.scope.as_deref()).await?;
    let bytes = state.rendered(&key, Format::Rewards, Lang::Vi, None).await?;
    Ok(bytes_response(Format::Rewards, bytes, None))
}

/// A proposal with its verification and decision.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct ProposalOut {
    /// The proposal.
    #[schema(value_type = Object)]
    proposal: RewardProposal,
    /// The administrator's decision: `approved` or `rejected`, if decided.
    decision: Option<String>,
}

/// Query of the proposals.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ProposalQuery {
    /// The data year (default: this year).
    year: Option<i32>,
    /// The page.
    page: Option<u32>,
    /// Items per page.
    per_page: Option<u32>,
}

/// Reward proposals of a year.
#[utoipa::path(get, path = "/reward-proposals", tag = "rewards", params(ProposalQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_proposals(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ProposalQuery>,
) -> Result<Json<Page>, ApiError> {
    who.require(Action::Read, &Resource::Results, false)?;
    let year = year_or(&state, q.year)?;
    let data = state.year_data(year).await?;
    let list: Vec<ProposalOut> = data
        .reward_proposals
        .iter()
        .map(|p| ProposalOut {
            decision: p.decision().map(|d| match d.outcome {
                DecisionOutcome::Approved => "approved".to_owned(),
                DecisionOutcome::Rejected => "rejected".to_owned(),
            }),
            proposal: p.clone(),
        })
        .collect();
    paginate(&list, &super::PageQuery { page: q.page, per_page: q.per_page })
}

/// A proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProposalIn {
    /// The reward rule id in the plan's rulebook.
    reward: String,
    /// Who is proposed: `{"kind": "person", "id": "P1"}` or an organisation.
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The data year.
    year: i32,
    /// When it was proposed (default: today).
    proposed_on: Option<NaiveDate>,
    /// Why someone not on the eligibility list is proposed (the verifier sees it); without it,
    /// such a proposal is refused.
    exception: Option<String>,
}

/// Proposes someone for a reward (their organisation's unit or an administrator).
#[utoipa::path(post, path = "/reward-proposals", tag = "rewards", request_body = ProposalIn,
    responses((status = 201, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn propose(
    State(state): State<AppState>,
    who: Auth,
    body: Unread<ProposalIn>,
) -> Result<(StatusCode, Json<Written>), ApiError> {
    who.require_any(Action::Write, Resource::RewardProposal)?;
    let b = body.parse().await?;
    let on = b.proposed_on.unwrap_or_else(|| state.today());
    let w = state.app().propose(&user(&who), b.reward, b.subject, b.year, on, b.exception, state.today()).await?;
    state.invalidate();
    Ok((StatusCode::CREATED, Json(w.into())))
}

/// Which proposal, and the verification.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct VerifyIn {
    /// The reward rule id.
    reward: String,
    /// Who was proposed.
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The data year.
    year: i32,
    /// `accepted` or `refused`.
    #[schema(value_type = String)]
    outcome: VerificationOutcome,
    /// Reasons (for a refusal).
    note: Option<String>,
    /// When (default: today).
    on: Option<NaiveDate>,
}

/// Verifies a proposal's dossier (the home-affairs office: verifier; or an administrator). 409
/// when already verified.
#[utoipa::path(post, path = "/reward-proposals/verification", tag = "rewards", request_body = VerifyIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn verify(
    State(state): State<AppState>,
    who: Auth,
    headers: HeaderMap,
    body: Unread<VerifyIn>,
) -> Result<Json<Written>, ApiError> {
    who.require_any(Action::Verify, Resource::RewardProposal)?;
    let b = body.parse().await?;
    let _ = super::if_match(&headers)?;
    let key = ProposalKey { reward: b.reward, subject: b.subject, year: b.year };
    let on = b.on.unwrap_or_else(|| state.today());
    let w = state.app().verify_proposal(&user(&who), &key, b.outcome, b.note, on, state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// The decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DecideIn {
    /// The reward rule id.
    reward: String,
    /// Who was proposed.
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The data year.
    year: i32,
    /// `approved` or `rejected`.
    decision: String,
    /// A note.
    note: Option<String>,
}

/// Decides a verified proposal (administrators only). 409 when it is not verified as accepted,
/// or already decided.
#[utoipa::path(post, path = "/reward-proposals/decision", tag = "rewards", request_body = DecideIn,
    responses((status = 201, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn decide_proposal(
    State(state): State<AppState>,
    who: Auth,
    body: Unread<DecideIn>,
) -> Result<(StatusCode, Json<Written>), ApiError> {
    who.require_any(Action::Decide, Resource::RewardProposal)?;
    let b = body.parse().await?;
    let key = ProposalKey { reward: b.reward, subject: b.subject, year: b.year };
    let w = state.app().decide_proposal(&user(&who), &key, &b.decision, b.note, state.today()).await?;
    state.invalidate();
    tracing::info!(year = key.year, decision = %b.decision, "reward decided");
    Ok((StatusCode::CREATED, Json(w.into())))
}
