//! The workflow steps (`xhht_core::workflow`) the record routes do not already take: a
//! self-study plan's draft, submission, return and correction; self-assessments; withdrawals;
//! corrections of decided records; the inbox ("việc cần làm") and a record's processing
//! history. Each handler parses, makes one `xhht-app` call and formats.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use xhht_app::inbox::{HistoryEntry, Inbox, RecordRef};
use xhht_app::proposals::ProposalKey;
use xhht_core::Title;
use xhht_core::record::{IndicatorValue, SubjectRef};

use super::records::user;
use super::{Body, NewVersion, Q, Written, expected_version, if_match, year_or};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// A self-study plan written or sent.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PlanWriteIn {
    /// The plan's text (at most 20,000 characters; none: keep the stored text).
    content: Option<String>,
    /// Send it to the head (`true`), or keep it as a draft (`false`).
    submit: bool,
    /// The day it was received on paper (an administrator's only; others send today).
    on: Option<NaiveDate>,
    /// The version read, when the plan exists (`If-Match` works too).
    version: Option<i64>,
}

/// Writes a self-study plan's text and keeps it as a draft or sends it to the head (the person
/// through their own account, their unit, or an administrator). 409 once approved.
#[utoipa::path(put, path = "/self-study-plans/{person}/{year}", tag = "workflow", request_body = PlanWriteIn,
    params(("person" = String, Path, description = "The person"), ("year" = i32, Path, description = "The data year")),
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn write_plan(
    State(state): State<AppState>,
    who: Auth,
    Path((person, year)): Path<(String, i32)>,
    headers: HeaderMap,
    Body(b): Body<PlanWriteIn>,
) -> Result<Json<Written>, ApiError> {
    let expected = if_match(&headers)?.or(b.version);
    let w = state
        .app()
        .write_self_study_plan(&user(&who), &person, year, b.content, b.submit, b.on, expected, state.today())
        .await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// A reason (a return, a correction).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReasonIn {
    /// Why (required; the person sees it, the audit trail keeps it).
    reason: Option<String>,
    /// The version read (`If-Match` works too).
    version: Option<i64>,
}

/// Sends a submitted self-study plan back to the person with a reason (the head of the
/// person's organisation, or an administrator).
#[utoipa::path(post, path = "/self-study-plans/{person}/{year}/return", tag = "workflow", request_body = ReasonIn,
    params(("person" = String, Path, description = "The person"), ("year" = i32, Path, description = "The data year")),
    responses((status = 200, body = NewVersion), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn return_plan(
    State(state): State<AppState>,
    who: Auth,
    Path((person, year)): Path<(String, i32)>,
    headers: HeaderMap,
    Body(b): Body<ReasonIn>,
) -> Result<Json<NewVersion>, ApiError> {
    let expected = if_match(&headers)?.or(b.version);
    let v = state
        .app()
        .return_self_study_plan(&user(&who), &person, year, b.reason.as_deref(), expected, state.today())
        .await?;
    state.invalidate();
    Ok(Json(NewVersion { version: v }))
}

/// An administrator's correction of an approved self-study plan: back to submitted, with the
/// reason in the audit trail.
#[utoipa::path(post, path = "/self-study-plans/{person}/{year}/correction", tag = "workflow", request_body = ReasonIn,
    params(("person" = String, Path, description = "The person"), ("year" = i32, Path, description = "The data year")),
    responses((status = 200, body = NewVersion), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn correct_plan(
    State(state): State<AppState>,
    who: Auth,
    Path((person, year)): Path<(String, i32)>,
    Body(b): Body<ReasonIn>,
) -> Result<Json<NewVersion>, ApiError> {
    let v = state.app().correct_self_study_plan(&user(&who), &person, year, b.reason.as_deref(), state.today()).await?;
    state.invalidate();
    Ok(Json(NewVersion { version: v }))
}

/// A self-assessment: the person's or the unit's own view, never the official assessment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SelfAssessmentIn {
    /// Who assesses themself: `{"kind": "person", "id": "P1"}` or an organisation.
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The rulebook id.
    rulebook: String,
    /// The data year.
    year: i32,
    /// The values, as for an assessment.
    #[schema(value_type = Vec<Object>)]
    values: Vec<IndicatorValue>,
    /// For a revision: the version read.
    version: Option<i64>,
}

/// Writes a self-assessment (the person through their own account, their unit, or an
/// administrator; a unit's own, by its accounts). Closed once the official assessment exists.
#[utoipa::path(post, path = "/self-assessments", tag = "workflow", request_body = SelfAssessmentIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn self_assess(
    State(state): State<AppState>,
    who: Auth,
    headers: HeaderMap,
    Body(b): Body<SelfAssessmentIn>,
) -> Result<Json<Written>, ApiError> {
    let expected = if_match(&headers)?.or(b.version);
    let today = state.today();
    let a = state.app().assessment(b.subject, b.rulebook, b.year, who.0.principal.user.clone(), today, b.values)?;
    let w = state.app().write_self_assessment(&user(&who), a, expected, today).await?;
    Ok(Json(w.into()))
}

/// Which self-assessments.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct SelfAssessmentQuery {
    /// The data year (default: this year).
    year: Option<i32>,
    /// Only this person's.
    person: Option<String>,
}

/// One self-assessment with its version.
#[derive(Debug, serde::Serialize, ToSchema)]
pub(crate) struct SelfAssessmentOut {
    /// The self-assessment (who, rulebook, year, by whom, when, values).
    #[schema(value_type = Object)]
    assessment: xhht_core::record::Assessment,
    /// Its version, for a revision.
    version: i64,
}

/// The self-assessments of a year the caller may read (the person their own; a unit its own
/// and its people's; the reviewing bodies and the administrator every one).
#[utoipa::path(get, path = "/self-assessments", tag = "workflow", params(SelfAssessmentQuery),
    responses((status = 200, body = [SelfAssessmentOut])))]
pub(crate) async fn list_self_assessments(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<SelfAssessmentQuery>,
) -> Result<Json<Vec<SelfAssessmentOut>>, ApiError> {
    let year = year_or(&state, q.year)?;
    let list = state.app().self_assessments(&user(&who), year, state.today()).await?;
    Ok(Json(
        list.into_iter()
            .filter(|v| q.person.as_deref().is_none_or(|p| v.value.subject().id() == p))
            .map(|v| SelfAssessmentOut { assessment: v.value, version: v.row_version })
            .collect(),
    ))
}

/// A registration withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WithdrawRegistrationIn {
    /// Who registered.
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The title id.
    #[schema(value_type = String)]
    title: Title,
    /// The data year.
    year: i32,
}

/// Withdraws a registration (the subject, its unit, or an administrator) while no recognition
/// decision names it.
#[utoipa::path(post, path = "/registrations/withdrawal", tag = "workflow", request_body = WithdrawRegistrationIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody)))]
pub(crate) async fn withdraw_registration(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<WithdrawRegistrationIn>,
) -> Result<Json<Written>, ApiError> {
    let w = state.app().withdraw_registration(&user(&who), &b.subject, b.title, b.year, state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// A commitment withdrawn.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct WithdrawCommitmentIn {
    /// The person.
    person: String,
    /// The data year.
    year: i32,
}

/// Withdraws a lifelong-learning commitment (the person, their unit, or an administrator).
#[utoipa::path(post, path = "/commitments/withdrawal", tag = "workflow", request_body = WithdrawCommitmentIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn withdraw_commitment(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<WithdrawCommitmentIn>,
) -> Result<Json<Written>, ApiError> {
    let w = state.app().withdraw_commitment(&user(&who), &b.person, b.year, state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// A correction of a decided reward proposal.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ProposalCorrectionIn {
    /// The reward rule id.
    reward: String,
    /// Who was proposed.
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The data year.
    year: i32,
    /// Why (required; kept in the audit trail).
    reason: Option<String>,
}

/// An administrator's correction of a decided proposal: back to verified and undecided, to be
/// decided again.
#[utoipa::path(post, path = "/reward-proposals/correction", tag = "workflow", request_body = ProposalCorrectionIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn correct_proposal(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<ProposalCorrectionIn>,
) -> Result<Json<Written>, ApiError> {
    let key = ProposalKey { reward: b.reward, subject: b.subject, year: b.year };
    let w = state.app().correct_proposal(&user(&who), &key, b.reason.as_deref(), state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// A correction of an official assessment a recognition rests on.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssessmentCorrectionIn {
    /// Who was assessed.
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The rulebook id.
    rulebook: String,
    /// The data year.
    year: i32,
    /// Who entered the values.
    evaluator: String,
    /// When.
    date: NaiveDate,
    /// The corrected values.
    #[schema(value_type = Vec<Object>)]
    values: Vec<IndicatorValue>,
    /// The version read.
    version: Option<i64>,
    /// Why (required; kept in the audit trail).
    reason: Option<String>,
}

/// An administrator's correction of an official assessment, with its reason.
#[utoipa::path(post, path = "/assessments/correction", tag = "workflow", request_body = AssessmentCorrectionIn,
    responses((status = 200, body = NewVersion), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn correct_assessment(
    State(state): State<AppState>,
    who: Auth,
    headers: HeaderMap,
    Body(b): Body<AssessmentCorrectionIn>,
) -> Result<Json<NewVersion>, ApiError> {
    let expected = expected_version(&headers, b.version)?;
    let a = state.app().assessment(b.subject, b.rulebook, b.year, b.evaluator, b.date, b.values)?;
    let v = state.app().correct_assessment(&user(&who), &a, expected, b.reason.as_deref(), state.today()).await?;
    state.invalidate();
    Ok(Json(NewVersion { version: v }))
}

/// The inbox's year.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct InboxQuery {
    /// The data year (default: this year).
    year: Option<i32>,
}

/// What awaits the caller ("việc cần làm"): plans to approve or fix, dossiers to verify,
/// decide or fix, units awaiting recognition, reports to send — with counts and the first
/// records.
#[utoipa::path(get, path = "/inbox", tag = "workflow", params(InboxQuery),
    responses((status = 200, body = Object)))]
pub(crate) async fn inbox(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<InboxQuery>,
) -> Result<Json<Inbox>, ApiError> {
    let year = year_or(&state, q.year)?;
    Ok(Json(state.app().inbox(&user(&who), year, state.today()).await?))
}

/// Which record's history.
#[derive(Debug, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct HistoryQuery {
    /// `self-study-plan`, `reward-proposal`, `assessment` or `self-assessment`.
    record: String,
    /// The data year.
    year: i32,
    /// The person (a self-study plan; or a person subject).
    person: Option<String>,
    /// The organisation (an organisation subject).
    organisation: Option<String>,
    /// The reward rule (a proposal).
    reward: Option<String>,
    /// The rulebook (an assessment).
    rulebook: Option<String>,
}

/// The processing history of one record — who did which step when, with the reasons — for
/// those who may read its subject's records.
#[utoipa::path(get, path = "/history", tag = "workflow", params(HistoryQuery),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn history(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<HistoryQuery>,
) -> Result<Json<Vec<HistoryEntry>>, ApiError> {
    let subject = match (q.person.clone(), q.organisation.clone()) {
        (Some(p), None) => SubjectRef::Person(p),
        (None, Some(o)) => SubjectRef::Organisation(o),
        _ => return Err(ApiError::invalid("person", "name a person or an organisation")),
    };
    let need = |v: Option<String>, field: &str| v.ok_or_else(|| ApiError::invalid(field, "required for this record"));
    let record = match q.record.as_str() {
        "self-study-plan" => RecordRef::SelfStudyPlan { person: need(q.person, "person")?, year: q.year },
        "reward-proposal" => RecordRef::RewardProposal { reward: need(q.reward, "reward")?, subject, year: q.year },
        "assessment" => RecordRef::Assessment { subject, rulebook: need(q.rulebook, "rulebook")?, year: q.year },
        "self-assessment" => {
            RecordRef::SelfAssessment { subject, rulebook: need(q.rulebook, "rulebook")?, year: q.year }
        }
        _ => {
            return Err(ApiError::invalid("record", "self-study-plan, reward-proposal, assessment or self-assessment"));
        }
    };
    Ok(Json(state.app().record_history(&user(&who), &record, state.today()).await?))
}
