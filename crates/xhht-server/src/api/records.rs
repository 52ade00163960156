//! Organisations, people and their yearly records: lists (paginated, people's personal data
//! redacted for roles without `ReadPersonal` on the person's organisation) and writes (each
//! mapped to an `Action` on a `Resource` and judged by `decide`; bodies built through the same
//! domain constructors the imports use; optimistic updates with `If-Match` or `version`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::header::ETAG;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::{IntoParams, ToSchema};
use xhht_core::Title;
use xhht_core::access::{Action, Resource};
use xhht_core::entity::{MemberRole, Membership, OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory};
use xhht_core::period::DateRange;
use xhht_core::record::{
    Assessment, Commitment, DutyReport, IndicatorValue, Recognition, Registration, ReportKind, ReportSubmission,
    SelfStudyPlan, SubjectRef,
};
use xhht_store::YearData;

use super::{Body, NewVersion, Page, PageQuery, Q, Written, etag, expected_version, org_of_person, paginate, year_or};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// Filters of the record lists.
#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct ListQuery {
    /// The data year (default: this year).
    year: Option<i32>,
    /// Only records of this organisation (its code).
    organisation: Option<String>,
    /// Only records of this person.
    person: Option<String>,
    /// The page, from 1.
    page: Option<u32>,
    /// Items per page, 1–500 (default 50).
    per_page: Option<u32>,
}

impl ListQuery {
    fn page(&self) -> PageQuery {
        PageQuery { page: self.page, per_page: self.per_page }
    }
}

fn dec31(year: i32) -> NaiveDate {
    NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MIN)
}

/// Whether a record about `subject` passes the list's organisation and person filters.
fn keep(data: &YearData, q: &ListQuery, subject: &SubjectRef, year: i32) -> bool {
    if let Some(p) = &q.person
        && !matches!(subject, SubjectRef::Person(x) if x == p)
    {
        return false;
    }
    match &q.organisation {
        None => true,
        Some(o) => match subject {
            SubjectRef::Person(p) => org_of_person(data, p, dec31(year)).as_deref() == Some(o.as_str()),
            SubjectRef::Organisation(c) => c == o,
            _ => false,
        },
    }
}

async fn data_for(
    state: &AppState,
    who: &Auth,
    year: Option<i32>,
) -> Result<(i32, std::sync::Arc<YearData>), ApiError> {
    who.require(Action::Read, &Resource::Results, false)?;
    let year = year_or(state, year)?;
    Ok((year, state.year_data(year).await?))
}

/// An organisation, as written.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct OrganisationIn {
    /// A stable code, e.g. `THCS-LONGKHE`.
    code: String,
    /// The official name.
    name: String,
    /// `{"kind": "agency"}`, `{"kind": "school", "level": "primary"}`, `{"kind": "commune-committee"}`…
    #[schema(value_type = Object)]
    kind: OrgKind,
    /// `public` (default) or `private`.
    #[serde(default)]
    #[schema(value_type = String)]
    ownership: Ownership,
    /// The managing level: `province`, `district` or `commune`.
    #[schema(value_type = String)]
    level: OrgLevel,
    /// The area's code.
    area: String,
    /// The parent organisation's code.
    parent: Option<String>,
    /// The plan actor it acts as, e.g. `actor.ubnd-xa`.
    actor: Option<String>,
    /// From when it exists.
    valid_from: NaiveDate,
    /// Until when (absent: still).
    valid_to: Option<NaiveDate>,
    /// For an update: the version read.
    version: Option<i64>,
}

/// The caller as the use cases know it.
fn user(who: &Auth) -> xhht_app::auth::AuthUser {
    xhht_app::auth::AuthUser { principal: who.0.principal.clone(), person: who.0.person.clone() }
}

fn non_empty(field: &str, v: &str) -> Result<(), ApiError> {
    if v.trim().is_empty() { Err(ApiError::invalid(field, "must not be empty")) } else { Ok(()) }
}

impl OrganisationIn {
    fn into_domain(self) -> Result<(Organisation, Option<i64>), ApiError> {
        non_empty("code", &self.code)?;
        non_empty("name", &self.name)?;
        non_empty("area", &self.area)?;
        let valid = DateRange::new(self.valid_from, self.valid_to).map_err(|_| {
            ApiError::invalid(
                "valid_to",
                format!("the end {:?} is before the start {}", self.valid_to, self.valid_from),
            )
        })?;
        let o = Organisation {
            code: self.code,
            name: self.name,
            kind: self.kind,
            ownership: self.ownership,
            level: self.level,
            area: self.area,
            parent: self.parent,
            actor: self.actor,
            valid,
        };
        Ok((o, self.version))
    }
}

/// Organisations (any role).
#[utoipa::path(get, path = "/organisations", tag = "records", params(ListQuery),
    responses((status = 200, body = Page), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn list_organisations(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (_, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<&Organisation> =
        data.organisations.iter().filter(|o| q.organisation.as_ref().is_none_or(|c| &o.code == c)).collect();
    paginate(&list, &q.page())
}

/// Writes (adds or changes) an organisation. A new organisation is reference data
/// (administrators); an existing one is written by its own unit or an administrator.
#[utoipa::path(post, path = "/organisations", tag = "records", request_body = OrganisationIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_organisation(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<OrganisationIn>,
) -> Result<Json<Written>, ApiError> {
    let (o, _) = b.into_domain()?;
    let w = state.app().put_organisation(&user(&who), o).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

/// One organisation, with its version in `ETag`.
#[utoipa::path(get, path = "/organisations/{code}", tag = "records",
    params(("code" = String, Path, description = "The organisation's code")),
    responses((status = 200, body = Object), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_organisation(
    State(state): State<AppState>,
    who: Auth,
    Path(code): Path<String>,
) -> Result<Response, ApiError> {
    who.require(Action::Read, &Resource::Organisation(code.clone()), false)?;
    let v =
        state.store().organisation(&code).await?.ok_or_else(|| ApiError::NotFound("no such organisation".into()))?;
    Ok(([(ETAG, etag(v.row_version))], Json(v.value)).into_response())
}

/// Changes an organisation if it is still at the version read (`If-Match` or `version`); 409
/// when someone changed it since.
#[utoipa::path(put, path = "/organisations/{code}", tag = "records", request_body = OrganisationIn,
    params(("code" = String, Path, description = "The organisation's code"),
           ("If-Match" = Option<String>, Header, description = "The version read, e.g. \"3\"")),
    responses((status = 200, body = NewVersion), (status = 409, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn update_organisation(
    State(state): State<AppState>,
    who: Auth,
    Path(code): Path<String>,
    headers: HeaderMap,
    Body(b): Body<OrganisationIn>,
) -> Result<Json<NewVersion>, ApiError> {
    let (o, version) = b.into_domain()?;
    if o.code != code {
        return Err(ApiError::invalid("code", "the body's code is not the one in the path"));
    }
    let expected = expected_version(&headers, version)?;
    let v = state.app().update_organisation(&user(&who), &o, expected).await?;
    state.invalidate();
    Ok(Json(NewVersion { version: v }))
}

/// A person as answered: personal fields are `null` and `redacted` true for roles that may not
/// read them.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct PersonOut {
    /// The person's id.
    id: String,
    /// Full name (personal data).
    full_name: Option<String>,
    /// Year of birth (personal data).
    birth_year: Option<i32>,
    /// Citizen id (personal data).
    citizen_id: Option<String>,
    /// Category.
    category: String,
    /// Area of residence.
    area: Option<String>,
    /// The organisation on 31 December of the year asked (or today).
    organisation: Option<String>,
    /// True when the personal fields were withheld.
    pub(crate) redacted: bool,
}

pub(crate) fn person_out(who: &Auth, p: &Person, org: Option<String>) -> PersonOut {
    let res = org.clone().map_or(Resource::Reference, Resource::OrganisationRecord);
    let personal = who.may(Action::ReadPersonal, &res);
    PersonOut {
        id: p.id.clone(),
        full_name: personal.then(|| p.full_name.clone()),
        birth_year: if personal { p.birth_year } else { None },
        citizen_id: if personal { p.citizen_id.clone() } else { None },
        category: p.category.id().to_owned(),
        area: p.area.clone(),
        organisation: org,
        redacted: !personal,
    }
}

/// People (names only for roles allowed to read them).
#[utoipa::path(get, path = "/people", tag = "records", params(ListQuery),
    responses((status = 200, body = Page), (status = 401, body = crate::error::ErrorBody)))]
pub(crate) async fn list_people(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (year, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<PersonOut> = data
        .people
        .iter()
        .filter(|p| keep(&data, &q, &SubjectRef::Person(p.id.clone()), year))
        .map(|p| person_out(&who, p, org_of_person(&data, &p.id, dec31(year))))
        .collect();
    paginate(&list, &q.page())
}

/// A person, as written.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct PersonIn {
    /// A stable id.
    id: String,
    /// Full name.
    full_name: String,
    /// Year of birth.
    birth_year: Option<i32>,
    /// Citizen id number.
    citizen_id: Option<String>,
    /// `can-bo`, `cong-chuc`, `vien-chuc`, `giao-vien`, `nguoi-lao-dong` or `other`.
    category: String,
    /// Area of residence (code).
    area: Option<String>,
    /// For a new person: the organisation they join (writes a membership from `member_since`).
    organisation: Option<String>,
    /// From when they belong to `organisation` (default: today).
    member_since: Option<NaiveDate>,
    /// For an update: the version read.
    version: Option<i64>,
}

impl PersonIn {
    fn person(&self) -> Result<Person, ApiError> {
        non_empty("id", &self.id)?;
        non_empty("full_name", &self.full_name)?;
        if let Some(y) = self.birth_year
            && !(1900..=2100).contains(&y)
        {
            return Err(ApiError::invalid("birth_year", "a year between 1900 and 2100"));
        }
        let category = PersonCategory::parse(&self.category).ok_or_else(|| {
            ApiError::invalid("category", "can-bo, cong-chuc, vien-chuc, giao-vien, nguoi-lao-dong or other")
        })?;
        Ok(Person {
            id: self.id.clone(),
            full_name: self.full_name.clone(),
            birth_year: self.birth_year,
            citizen_id: self.citizen_id.clone(),
            category,
            area: self.area.clone(),
        })
    }
}

/// Writes a person; with `organisation`, also their membership. Written by the unit the person
/// belongs to or an administrator; joining another organisation is a move (the membership
/// there ends the day before), written only by a caller who may write both organisations'
/// records.
#[utoipa::path(post, path = "/people", tag = "records", request_body = PersonIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_person(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<PersonIn>,
) -> Result<Json<Written>, ApiError> {
    let person = b.person()?;
    let w = state.app().put_person(&user(&who), person, b.organisation, b.member_since, state.today()).await;
    state.invalidate();
    Ok(Json(w?.into()))
}

/// One person (personal fields only for roles allowed), with the version in `ETag`.
#[utoipa::path(get, path = "/people/{id}", tag = "records",
    params(("id" = String, Path, description = "The person's id")),
    responses((status = 200, body = PersonOut), (status = 404, body = crate::error::ErrorBody)))]
pub(crate) async fn get_person(
    State(state): State<AppState>,
    who: Auth,
    Path(id): Path<String>,
) -> Result<Response, ApiError> {
    who.require(Action::Read, &Resource::Results, false)?;
    let v = state.store().person(&id).await?.ok_or_else(|| ApiError::NotFound("no such person".into()))?;
    let org = state.app().organisation_of(&id, state.today()).await?;
    Ok(([(ETAG, etag(v.row_version))], Json(person_out(&who, &v.value, org))).into_response())
}

/// Changes a person if still at the version read (409 otherwise).
#[utoipa::path(put, path = "/people/{id}", tag = "records", request_body = PersonIn,
    params(("id" = String, Path, description = "The person's id"),
           ("If-Match" = Option<String>, Header, description = "The version read")),
    responses((status = 200, body = NewVersion), (status = 409, body = crate::error::ErrorBody),
              (status = 403, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn update_person(
    State(state): State<AppState>,
    who: Auth,
    Path(id): Path<String>,
    headers: HeaderMap,
    Body(b): Body<PersonIn>,
) -> Result<Json<NewVersion>, ApiError> {
    let person = b.person()?;
    if person.id != id {
        return Err(ApiError::invalid("id", "the body's id is not the one in the path"));
    }
    let expected = expected_version(&headers, b.version)?;
    let v = state.app().update_person(&user(&who), &person, expected, state.today()).await?;
    state.invalidate();
    Ok(Json(NewVersion { version: v }))
}

/// A membership, as written.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct MembershipIn {
    /// The person.
    person: String,
    /// The organisation's code.
    organisation: String,
    /// `member` (default) or `head`.
    #[serde(default)]
    #[schema(value_type = String)]
    role: MemberRole,
    /// From.
    from: NaiveDate,
    /// To (absent: still).
    to: Option<NaiveDate>,
    /// When the person belongs to another organisation over these days: end that membership the
    /// day before this one begins (a move; it needs the right to write both organisations'
    /// records). Without it, such a membership is refused (409).
    #[serde(default, rename = "move")]
    move_: bool,
}

/// Memberships of people in organisations.
#[utoipa::path(get, path = "/memberships", tag = "records", params(ListQuery),
    responses((status = 200, body = Page)))]
pub(crate) async fn list_memberships(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<ListQuery>,
) -> Result<Json<Page>, ApiError> {
    let (_, data) = data_for(&state, &who, q.year).await?;
    let list: Vec<&Membership> = data
        .memberships
        .iter()
        .filter(|m| q.organisation.as_ref().is_none_or(|o| &m.organisation == o))
        .filter(|m| q.person.as_ref().is_none_or(|p| &m.person == p))
        .collect();
    paginate(&list, &q.page())
}

/// Writes a membership (the organisation's unit or an administrator). A person belongs to one
/// organisation at a time: when they belong to another over these days, the write needs the
/// right to write that organisation's records too (403 otherwise) and `move: true`, which ends
/// the membership there the day before (409 without it). Overlapping memberships in one
/// organisation and two heads of one organisation on the same day are refused (422).
#[utoipa::path(post, path = "/memberships", tag = "records", request_body = MembershipIn,
    responses((status = 200, body = Written), (status = 403, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn put_membership(
    State(state): State<AppState>,
    who: Auth,
    Body(b): Body<MembershipIn>,
) -> Result<Json<Written>, ApiError> {
    let period = DateRange::new(b.from, b.to).map_err(|_| ApiError::invalid("to", "the end is before the start"))?;
    let m = Membership { person: b.person, organisation: b.organisation, role: b.role, period };
    let w = state.app().put_membership(&user(&who), m, b.move_).await?;
    state.invalidate();
    Ok(Json(w.into()))
}

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
    let list: Vec<&SelfStudyPlan> = data
        .self_study_plans
        .iter()
        .filter(|p| keep(&data, &q, &SubjectRef::Person(p.person().to_owned()), year))
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
    /// The approval date (default: today).
    on: Option<NaiveDate>,
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
    let on = b.on.unwrap_or_else(|| state.today());
    let expected = match (super::if_match(&headers)?, b.version) {
        (None, None) => None,
        (h, v) => Some(expected_version(&headers, h.or(v))?),
    };
    let v = state.app().approve_self_study_plan(&user(&who), &person, year, b.by, on, expected).await?;
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
    let w = state.app().put_recognition(&user(&who), r).await?;
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
) -> Result<xhht_store::WriteReport, ApiError> {
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
