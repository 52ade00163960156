//! Recognition decisions, report submissions and duty reports.

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::ToSchema;
use xhht_core::Title;
use xhht_core::record::{DutyReport, Recognition, ReportKind, ReportSubmission, SubjectRef};

use super::super::{Body, Page, Q, Written, paginate};
use super::{ListQuery, data_for, keep, user};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// A recognition decision.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct RecognitionIn {
    /// Who is recognised.
    #[schema(value_type = Object)]
    subject: SubjectRef,
    /// The title id.
    #[schema(value_type = String)]
    title: Title,
    /// The level, for titles with levels.
    level: Option<u8>,
    /// The data year.
    year: i32,
    /// The decision number.
    decision_number: String,
    /// The decision date.
    decision_date: NaiveDate,
    /// Who signed.
    authority: String,
    /// The last day it holds.
    valid_until: Option<NaiveDate>,
    /// An administrator's reason for recognising a subject not registered or without a passing
    /// official result, or for correcting a decision on record (kept in the audit trail).
    exception: Option<String>,
}

/// Recognition decisions.
#[utoipa::path(get, path = "/recognitions", tag = "records", params(ListQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_recognitions(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (year, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<&Recognition> =
        data.recognitions.iter().filter(|r| r.year() == year && keep(&data, &q, r.subject(), year)).collect();
    paginate(&list, &q.page())
}

/// Records a recognition decision (the study-promotion association as reviewer, or an
/// administrator).
#[utoipa::path(post, path = "/recognitions", tag = "records", request_body = RecognitionIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_recognition(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<RecognitionIn>,
) -> Result<Json<Written>, ApiError> {
    let r = Recognition::new(
        b.subject,
        b.title,
        b.level,
        b.year,
        b.decision_number,
        b.decision_date,
        b.authority,
        b.valid_until,
    )?;
    let w = state.app().put_recognition(&user(&who), r, b.exception.as_deref(), state.today()).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// An annual (or phase review) report sent to the standing body.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct ReportSubmissionIn {
    /// The plan actor reporting, e.g. `actor.ubnd-xa`.
    actor: String,
    /// The organisation sending it.
    organisation: String,
    /// The data year.
    year: i32,
    /// `{"kind": "annual"}` (default) or `{"kind": "phase-review", "phase": "phase.1"}`.
    #[serde(default = "annual")]
    #[schema(value_type = Object)]
    kind: ReportKind,
    /// When it was received: set by the server to today for units (only an administrator
    /// records a paper report's date).
    submitted_on: Option<NaiveDate>,
    /// The document number.
    document_number: Option<String>,
}

fn annual() -> ReportKind {
    ReportKind::Annual
}

/// Report submissions.
#[utoipa::path(get, path = "/report-submissions", tag = "records", params(ListQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_report_submissions(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (_, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<&ReportSubmission> = data
        .report_submissions
        .iter()
        .filter(|r| q.organisation.as_ref().is_none_or(|o| &r.organisation == o))
        .collect();
    paginate(&list, &q.page())
}

/// Submits an organisation's report (its unit or an administrator). For a unit the date
/// received is today, whatever the body says; the deadline board counts it at once.
#[utoipa::path(post, path = "/report-submissions", tag = "records", request_body = ReportSubmissionIn,
    responses((status = 201, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_report_submission(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<ReportSubmissionIn>,
) -> Result<(StatusCode, Json<Written>), ApiError> {
    let s = xhht_app::records::SubmissionIn {
        actor: b.actor,
        organisation: b.organisation,
        year: b.year,
        kind: b.kind,
        submitted_on: b.submitted_on,
        document_number: b.document_number,
    };
    let w = state.app().put_report_submission(&user(&who), s, state.today()).await?;
    state.invalidate();
    Ok((StatusCode::CREATED, Json(w.into())))
}

/// One field of an actor's annual report, for one of its duties in the plan (one row of the
/// form `xhht form` prints).
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DutyReportIn {
    /// The plan actor, e.g. `actor.phong-ldtbxh`.
    actor: String,
    /// The organisation reporting (its code).
    organisation: String,
    /// The data year.
    year: i32,
    /// The duty id in the plan, e.g. `actor.phong-ldtbxh.2`.
    duty: String,
    /// The field id within the duty, e.g. `classes-opened`.
    field: String,
    /// What was reported (a number for numeric fields).
    value: String,
}

/// A filled report form: the fields of an actor's duties with what was done.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct DutyReportsIn {
    /// The filled fields (at most 2000).
    reports: Vec<DutyReportIn>,
}

/// What the actors reported, duty by duty, for a data year.
#[utoipa::path(get, path = "/duty-reports", tag = "records", params(ListQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_duty_reports(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (_, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<&DutyReport> =
        data.duty_reports.iter().filter(|r| q.organisation.as_ref().is_none_or(|o| &r.organisation == o)).collect();
    paginate(&list, &q.page())
}

/// Submits a filled report form (the organisation's unit or an administrator): each field is
/// checked against the plan (the duty is the actor's, the field the duty's, numbers are
/// numbers) and the organisation on record; all fields are stored or none (422 lists every
/// problem by its index in `reports`). The synthesis report quotes them duty by duty.
#[utoipa::path(post, path = "/duty-reports", tag = "records", request_body = DutyReportsIn,
    responses((status = 201, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_duty_reports(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<DutyReportsIn>,
) -> Result<(StatusCode, Json<Written>), ApiError> {
    if b.reports.is_empty() || b.reports.len() > 2000 {
        return Err(ApiError::invalid("reports", "between 1 and 2000 fields"));
    }
    let items: Vec<(String, DutyReport)> = b
        .reports
        .into_iter()
        .enumerate()
        .map(|(i, r)| {
            let DutyReportIn { actor, organisation, year, duty, field, value } = r;
            (format!("reports[{i}]"), DutyReport { actor, organisation, year, duty, field, value })
        })
        .collect();
    let w = store_duty_reports(&state, &who, items).await?;
    Ok((StatusCode::CREATED, Json(w.into())))
}

/// Stores duty reports, each with where it came from (`reports[3]`, `form.xlsx:12`), all or
/// none: the caller must be allowed to write every organisation's records; each report is
/// checked against the plan and the organisations on record (422 lists every problem by where
/// it came from).
pub(crate) async fn store_duty_reports(
    state: &AppState,
    who: &Auth,
    items: Vec<(String, DutyReport)>,
) -> Result<xhht_app::io::WriteReport, ApiError> {
    let w = state.app().put_duty_reports(&user(who), items).await?;
    state.invalidate();
    Ok(w)
}

/// Problems written `WHERE: message` as field errors.
pub(crate) fn problems_error(problems: Vec<String>) -> ApiError {
    ApiError::Invalid(
        problems
            .into_iter()
            .map(|p| match p.split_once(": ") {
                Some((at, rest)) => crate::error::FieldError { field: at.to_owned(), message: rest.to_owned() },
                None => crate::error::FieldError { field: "reports".to_owned(), message: p },
            })
            .collect(),
    )
}
