//! Registrations, commitments, self-study plans and their approval, assessments.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use xhht_core::Title;
use xhht_core::access::{Action, Resource};
use xhht_core::record::{Assessment, Commitment, IndicatorValue, Registration, SelfStudyPlan, SubjectRef};

use super::super::{Body, NewVersion, Page, Q, Written, expected_version, paginate};
use super::{ListQuery, data_for, keep, user};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// A registration for a title.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RegistrationIn {
    /// `{"kind": "person", "id": "P1"}` or `{"kind": "organisation", "id": "CODE"}` (also household, clan, community, area).
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The title id, e.g. `cong-dan-hoc-tap`.
    #[schema(value_type = String)]
    title: Title,
    /// The data year.
    year: i32,
    /// When it was made.
    date: NaiveDate,
}

/// Registrations for titles.
#[utoipa::path(get, path = "/registrations", tag = "records", params(ListQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_registrations(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (year, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<&Registration> = data.registrations.iter().filter(|r| keep(&data, &q, r.subject(), year)).collect();
    paginate(&list, &q.page())
}

/// Writes a registration (the subject's unit, a reviewer, or an administrator).
#[utoipa::path(post, path = "/registrations", tag = "records", request_body = RegistrationIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_registration(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<RegistrationIn>,
) -> Result<Json<Written>, ApiError> {
    let r = Registration::new(b.subject, b.title, b.year, b.date)?;
    let w = state.app().put_registration(&user(&who), r, state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// A lifelong-learning commitment.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct CommitmentIn {
    /// The person.
    person: String,
    /// The data year.
    year: i32,
    /// When it was signed.
    date: NaiveDate,
}

/// Commitments.
#[utoipa::path(get, path = "/commitments", tag = "records", params(ListQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_commitments(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (year, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<&Commitment> =
        data.commitments.iter().filter(|c| keep(&data, &q, &SubjectRef::Person(c.person.clone()), year)).collect();
    paginate(&list, &q.page())
}

/// Writes a commitment (the person's unit or an administrator).
#[utoipa::path(post, path = "/commitments", tag = "records", request_body = CommitmentIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_commitment(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<CommitmentIn>,
) -> Result<Json<Written>, ApiError> {
    let c = Commitment { person: b.person, year: b.year, date: b.date };
    let w = state.app().put_commitment(&user(&who), c, state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// A self-study plan submitted.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct SelfStudyPlanIn {
    /// The person.
    person: String,
    /// The data year.
    year: i32,
    /// When it was submitted.
    submitted: NaiveDate,
}

/// Self-study plans and their approvals.
#[utoipa::path(get, path = "/self-study-plans", tag = "records", params(ListQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_self_study_plans(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (year, data) = data_for(&state, &who, q.year).await?;
    // A plan's text and its return reason are the person's: shown to those who may read the
    // person's records (their unit, the person, the reviewing bodies), removed for others.
    let day = super::dec31(year);
    let list: Vec<SelfStudyPlan> = data
        .self_study_plans
        .iter()
        .filter(|p| keep(&data, &q, &SubjectRef::Person(p.person().to_owned()), year))
        .map(|p| {
            let res = super::super::org_of_person(&data, p.person(), day)
                .map_or(Resource::Reference, Resource::OrganisationRecord);
            let own = who.0.principal.person.as_deref() == Some(p.person());
            if own || who.may(Action::ReadPersonal, &res) {
                p.clone()
            } else {
                p.clone().with_content(None).unwrap_or_else(|_| p.clone())
            }
        })
        .collect();
    paginate(&list, &q.page())
}

/// Submits a self-study plan (the person's unit or an administrator).
#[utoipa::path(post, path = "/self-study-plans", tag = "records", request_body = SelfStudyPlanIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_self_study_plan(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<SelfStudyPlanIn>,
) -> Result<Json<Written>, ApiError> {
    let w = state.app().put_self_study_plan(&user(&who), b.person, b.year, b.submitted, state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// An approval.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ApprovalIn {
    /// Who approves (a person id). A unit user approves as the person its account is linked to;
    /// an administrator names the head.
    by: Option<String>,
    /// The approval date: today (the server's day) for a head; an administrator may record a
    /// past day (an approval made on paper). Never after today.
    on: Option<NaiveDate>,
    /// Why an administrator records an approval on a past day (required then; kept in the
    /// audit trail).
    reason: Option<String>,
    /// The plan's version read (optional; `If-Match` works too).
    version: Option<i64>,
}

/// Approves a self-study plan. Only the head of the person's organisation on the approval date
/// (from the memberships) may: a unit user must be linked to that person; an administrator
/// records an approval by the head. 409 when the plan is already approved or changed since read.
#[utoipa::path(post, path = "/self-study-plans/{person}/{year}/approval", tag = "records", request_body = ApprovalIn,
    params(("person" = String, Path, description = "The person"), ("year" = i32, Path, description = "The data year")),
    responses((status = 200, body = NewVersion), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn approve_self_study_plan(
    State(state): State<AppState>,
    who: Auth,
    Path((person, year)): Path<(String, i32)>,
    headers: HeaderMap,
    Body(b): Body<ApprovalIn>,
) -> Result<Json<NewVersion>, ApiError> {
    let expected = match (super::super::if_match(&headers)?, b.version) {
        (None, None) => None,
        (h, v) => Some(expected_version(&headers, h.or(v))?),
    };
    let v = state
        .app()
        .approve_self_study_plan(&user(&who), &person, year, b.by, b.on, b.reason, expected, state.today())
        .await?;
    state.invalidate();
    Ok(Json(NewVersion { version: v }))
}

/// An assessment: indicator values for one subject, rulebook and year.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AssessmentIn {
    /// Who is assessed: `{"kind": "person", "id": "P1"}`…
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
    /// The values: `[{"indicator": "1", "value": {"type": "score", "value": "8"}}]`.
    #[schema(value_type = Vec<Object>)]
    values: Vec<IndicatorValue>,
    /// For an update (`PUT`): the version read.
    version: Option<i64>,
}

/// Assessments.
#[utoipa::path(get, path = "/assessments", tag = "records", params(ListQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_assessments(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (year, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<&Assessment> = data.assessments.iter().filter(|a| keep(&data, &q, a.subject(), year)).collect();
    paginate(&list, &q.page())
}

/// Writes an assessment (the subject's unit, a reviewer, or an administrator). Values are
/// checked against the rulebook (kind, range, precision) as imports check them.
#[utoipa::path(post, path = "/assessments", tag = "records", request_body = AssessmentIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_assessment(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<AssessmentIn>,
) -> Result<Json<Written>, ApiError> {
    let a = assessment(&state, b)?;
    let w = state.app().put_assessment(&user(&who), a, state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// Changes an assessment if it is still at the version read (`If-Match` or `version`); 409 when
/// someone changed it since, 404 when there is none to change.
#[utoipa::path(put, path = "/assessments", tag = "records", request_body = AssessmentIn,
    params(("If-Match" = Option<String>, Header, description = "The version read")),
    responses((status = 200, body = NewVersion), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 409, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn update_assessment(
    State(state): State<AppState>,
    who: Auth,
    headers: HeaderMap,
    Body(b): Body<AssessmentIn>,
) -> Result<Json<NewVersion>, ApiError> {
    let expected = expected_version(&headers, b.version)?;
    let a = assessment(&state, b)?;
    let v = state.app().update_assessment(&user(&who), &a, expected, state.today()).await?;
    state.invalidate();
    Ok(Json(NewVersion { version: v }))
}

fn assessment(state: &AppState, b: AssessmentIn) -> Result<Assessment, ApiError> {
    Ok(state.app().assessment(b.subject, b.rulebook, b.year, b.evaluator, b.date, b.values)?)
}
