//! Organisations, people and their yearly records: lists (paginated, people's personal data
//! redacted for roles without `ReadPersonal` on the person's organisation) and writes (each
//! mapped to an `Action` on a `Resource` and judged by `decide`; bodies built through the same
//! domain constructors the imports use; optimistic updates with `If-Match` or `version`).

use chrono::NaiveDate;
use serde::Deserialize;
use utoipa::IntoParams;
use xhht_app::io::YearData;
use xhht_core::access::{Action, Resource};
use xhht_core::record::SubjectRef;

use super::{PageQuery, org_of_person, year_or};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

mod decisions;
mod people;
mod titles;

pub(crate) use decisions::*;
pub(crate) use people::*;
pub(crate) use titles::*;

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

/// The caller as the use cases know it.
pub(crate) fn user(who: &Auth) -> xhht_app::auth::AuthUser {
    xhht_app::auth::AuthUser { principal: who.0.principal.clone(), person: who.0.person.clone() }
}

fn non_empty(field: &str, v: &str) -> Result<(), ApiError> {
    if v.trim().is_empty() { Err(ApiError::invalid(field, "must not be empty")) } else { Ok(()) }
}
