//! Organisations, people and memberships.

use axum::Json;
use axum::extract::{Path, State};
use axum::http::HeaderMap;
use axum::http::header::ETAG;
use axum::response::{IntoResponse, Response};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xhht_core::access::{Action, Resource};
use xhht_core::entity::{MemberRole, Membership, OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory};
use xhht_core::period::DateRange;
use xhht_core::record::SubjectRef;

use super::super::{Body, NewVersion, Page, Q, Written, etag, expected_version, org_of_person, paginate};
use super::{ListQuery, data_for, dec31, keep, non_empty, user};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

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
    // An update changes the person; a move to another organisation is written with
    // `POST /people` or `POST /memberships`, which check both organisations' rights.
    if let Some(org) = &b.organisation
        && state.app().organisation_of(&id, state.today()).await?.as_deref() != Some(org.as_str())
    {
        return Err(ApiError::invalid(
            "organisation",
            "chuyển đơn vị bằng POST /people hoặc POST /memberships / a move to another organisation is written with POST /people or POST /memberships",
        ));
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
