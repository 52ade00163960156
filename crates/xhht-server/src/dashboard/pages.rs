//! An organisation's people and their status; an entity's explanation and what is missing.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Path, Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::Datelike;
use xhht_core::Lang;
use xhht_core::access::{Action, Resource};

use crate::api::records::person_out;
use crate::api::results::explain;

use crate::error::ApiError;
use crate::http::{Auth, MaybeAuth};
use crate::state::AppState;

use super::{Frame, PageOpts, error_page, lang_of, require_login, with_cookie};

/// A person on an organisation's page.
struct PersonRow {
    id: String,
    name: String,
    category: String,
    holds_title: bool,
    criteria_met: bool,
    missing: String,
}

#[derive(Template, WebTemplate)]
#[template(path = "organisation.html")]
struct OrgPage {
    frame: Frame,
    code: String,
    name: String,
    year: i32,
    holds_title: bool,
    personal: bool,
    people: Vec<PersonRow>,
}

pub(super) async fn organisation(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path(code): Path<String>,
    Query(opts): Query<PageOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts, &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/org/{code}?year={year}"));
    let who = Auth(user);
    let page = async {
        who.require(Action::Read, &Resource::Organisation(code.clone()), false)?;
        let (data, results) = state.year_results(year).await?;
        let org = data
            .organisations
            .iter()
            .find(|o| o.code == code)
            .ok_or_else(|| ApiError::NotFound(format!("no organisation {code}")))?;
        let personal = who.may(Action::ReadPersonal, &Resource::OrganisationRecord(code.clone()));
        let people = results
            .people
            .iter()
            .filter(|p| p.organisation.as_deref() == Some(code.as_str()))
            .filter_map(|r| {
                let p = data.people.iter().find(|p| p.id == r.id)?;
                let shown = person_out(&who, p, Some(code.clone()));
                Some(PersonRow {
                    id: p.id.clone(),
                    name: if shown.redacted { "—".to_owned() } else { p.full_name.clone() },
                    category: p.category.label().get(lang).to_owned(),
                    holds_title: r.holds_title,
                    criteria_met: r.criteria_unmet.is_empty(),
                    missing: r
                        .criteria_unmet
                        .iter()
                        .map(|u| u.reason.as_ref().map_or(u.indicator.clone(), |t| t.get(lang).to_owned()))
                        .collect::<Vec<_>>()
                        .join("; "),
                })
            })
            .collect();
        let holds_title = results.organisations.iter().any(|o| o.code == code && o.title_level.is_some());
        Ok::<_, ApiError>(OrgPage {
            frame: frame.clone(),
            code: code.clone(),
            name: org.name.clone(),
            year,
            holds_title,
            personal,
            people,
        })
    }
    .await;
    match page {
        Ok(p) => with_cookie(p, set),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "entity.html")]
struct EntityPage {
    frame: Frame,
    id: String,
    kind: String,
    year: i32,
    organisation: String,
    holds_title: bool,
    lines: Vec<String>,
    missing: String,
}

pub(super) async fn entity(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path(id): Path<String>,
    Query(opts): Query<PageOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts, &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/entity/{id}?year={year}"));
    let who = Auth(user);
    let page = async {
        who.require(Action::Read, &Resource::Results, false)?;
        let x = explain(&state, &who, &id, year).await?;
        Ok::<_, ApiError>(EntityPage {
            frame: frame.clone(),
            id: x.entity.clone(),
            kind: x.kind.clone(),
            year,
            organisation: x.organisation.clone().unwrap_or_default(),
            holds_title: x.holds_title,
            lines: if lang == Lang::Vi { x.lines_vi } else { x.lines_en },
            missing: if lang == Lang::Vi { x.missing_vi } else { x.missing_en },
        })
    }
    .await;
    match page {
        Ok(p) => with_cookie(p, set),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

/// The unit's report form to fill in (XLSX), for its year (`?year=`): downloaded from the
/// "send the report" task, filled and uploaded on the upload page.
pub(super) async fn report_form(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Query(opts): Query<PageOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&opts, &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/work?year={year}"));
    match state.app().unit_report_form(&user, None, year, lang, state.today()).await {
        Ok((name, bytes)) => {
            crate::http::attachment(bytes, "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", &name)
        }
        Err(e) => error_page(Some(frame), lang, e.into()),
    }
}
