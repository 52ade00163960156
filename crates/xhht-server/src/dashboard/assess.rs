//! A self-assessment in the browser: a person's own (their account) or a unit's (its
//! accounts), one field per indicator of the rulebook in force for the year, with the
//! evidence files attached to it (added, downloaded, removed). The form shown, its reading and
//! the checks are `xhht_app::self_assess`; a form refused comes back with what was typed and
//! each problem beside its field, so nothing typed is lost.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{FromRequest, Multipart, Path, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use chrono::Datelike;
use serde::Deserialize;
use xhht_app::self_assess::SelfAssessmentForm;
use xhht_core::Lang;
use xhht_core::record::SubjectRef;

use crate::auth::AuthUser;
use crate::error::ApiError;
use crate::http::MaybeAuth;
use crate::state::AppState;

use super::{Frame, PageOpts, error_page, in_lang, lang_of, require_login, with_cookie};

#[derive(Template, WebTemplate)]
#[template(path = "assess.html")]
struct AssessPage {
    frame: Frame,
    form: SelfAssessmentForm,
    /// The page's own address (`/assess/person/CB001`).
    path: String,
    done: Option<String>,
    /// Problems by form field (`v.1`), and the form-wide ones under `form`.
    problems: HashMap<String, String>,
}

impl AssessPage {
    fn problem(&self, field: &str) -> &str {
        self.problems.get(field).map_or("", String::as_str)
    }

    /// A text in the page's language.
    fn tx<'a>(&self, t: &'a xhht_core::text::Text) -> &'a str {
        t.get(self.frame.lang)
    }

    /// True when the field at `i` opens a group of indicators (its heading is shown).
    fn starts_group(&self, i: &usize) -> bool {
        let f = &self.form.fields;
        *i == 0 || f.get(*i).map(|x| &x.group) != f.get(i - 1).map(|x| &x.group)
    }

    fn has_problem(&self, field: &str) -> bool {
        self.problems.contains_key(field)
    }

    /// A file size as a person reads it (KB, MB, with a decimal comma in Vietnamese).
    fn size(&self, bytes: &u64) -> String {
        let kb = (*bytes).div_ceil(1024);
        let s = if kb >= 1024 {
            let tenths = kb * 10 / 1024;
            format!("{}.{} MB", tenths / 10, tenths % 10)
        } else {
            format!("{kb} KB")
        };
        if self.frame.code() == "vi" { s.replace('.', ",") } else { s }
    }
}

/// The page's options.
#[derive(Debug, Default, Deserialize)]
pub(super) struct AssessOpts {
    lang: Option<String>,
    year: Option<i32>,
    /// What was just done: `saved`, `added`, `removed`.
    done: Option<String>,
    /// The evidence file to download.
    name: Option<String>,
}

fn subject_of(kind: &str, id: String) -> Result<SubjectRef, ApiError> {
    match kind {
        "person" => Ok(SubjectRef::Person(id)),
        "organisation" => Ok(SubjectRef::Organisation(id)),
        _ => Err(ApiError::NotFound("không có trang này / no such page".to_owned())),
    }
}

/// A refused form: the fields as sent, and the problems by field.
type Typed<'a> = (&'a [(String, String)], HashMap<String, String>);

async fn render(
    state: &AppState,
    user: &AuthUser,
    lang: Lang,
    (kind, id): (&str, &str),
    year: i32,
    done: Option<String>,
    typed: Option<Typed<'_>>,
) -> Result<AssessPage, (Frame, ApiError)> {
    let path = format!("/assess/{kind}/{id}");
    let frame = Frame::new(lang, user, &format!("{path}?year={year}"));
    let subject = match subject_of(kind, id.to_owned()) {
        Ok(s) => s,
        Err(e) => return Err((frame, e)),
    };
    let mut form = match state.app().self_assessment_form(user, &subject, year, state.today()).await {
        Ok(f) => f,
        Err(e) => return Err((frame, e.into())),
    };
    let mut problems = HashMap::new();
    if let Some((fields, found)) = typed {
        // Show what was typed, not what is stored, beside the problems.
        let get = |n: &str| fields.iter().rev().find(|(k, _)| k == n).map(|(_, v)| v.clone()).unwrap_or_default();
        for f in &mut form.fields {
            f.value = get(&format!("v.{}", f.id));
            f.denominator = get(&format!("d.{}", f.id));
            f.note = get(&format!("n.{}", f.id));
        }
        problems = found;
    }
    Ok(AssessPage { frame, form, path, done, problems })
}

pub(super) async fn assess_page(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    Query(opts): Query<AssessOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let page_opts = PageOpts { lang: opts.lang.clone(), year: opts.year, target: None, as_of: None };
    let (lang, set) = lang_of(&page_opts, &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    match render(&state, &user, lang, (&kind, &id), year, opts.done, None).await {
        Ok(p) => with_cookie(p, set),
        Err((frame, e)) => error_page(Some(frame), lang, e),
    }
}

/// Saves the self-assessment posted by the form; a refused form comes back filled as it was
/// sent, each problem beside its field (422).
pub(super) async fn assess_submit(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    let fields: Vec<(String, String)> =
        form_urlencoded::parse(&body).map(|(k, v)| (k.into_owned(), v.into_owned())).collect();
    let year = fields
        .iter()
        .find(|(k, _)| k == "year")
        .and_then(|(_, v)| v.trim().parse::<i32>().ok())
        .unwrap_or_else(|| state.today().year());
    let subject = match subject_of(&kind, id.clone()) {
        Ok(s) => s,
        Err(e) => return error_page(Some(Frame::new(lang, &user, "/work")), lang, e),
    };
    match state.app().write_self_assessment_form(&user, subject, year, &fields, state.today()).await {
        Ok(_) => {
            state.invalidate();
            Redirect::to(&format!("/assess/{kind}/{id}?year={year}&done=saved#saved")).into_response()
        }
        Err(xhht_app::Error::Invalid(found)) => {
            let problems: HashMap<String, String> =
                found.into_iter().map(|p| (p.field, in_lang(lang, &p.message, "Giá trị chưa hợp lệ."))).collect();
            match render(&state, &user, lang, (&kind, &id), year, None, Some((&fields, problems))).await {
                Ok(p) => (StatusCode::UNPROCESSABLE_ENTITY, p).into_response(),
                Err((frame, e)) => error_page(Some(frame), lang, e),
            }
        }
        Err(e) => error_page(Some(Frame::new(lang, &user, "/work")), lang, e.into()),
    }
}

/// Attaches the file posted (multipart: `year`, `file`) to the self-assessment's rulebook.
pub(super) async fn evidence_add(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    req: axum::extract::Request,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    let frame = Frame::new(lang, &user, &format!("/assess/{kind}/{id}"));
    let app = state.app();
    let today = state.today();
    let done = async {
        let subject = subject_of(&kind, id.clone())?;
        // Refused before the upload is read.
        app.may_add_evidence(&user, &subject, today).await?;
        let mut form = Multipart::from_request(req, &state)
            .await
            .map_err(|_| ApiError::invalid("file", "không đọc được biểu mẫu / the form could not be read"))?;
        let (mut year, mut file) = (None, None);
        while let Some(field) = form.next_field().await.map_err(|_| {
            ApiError::invalid("file", "tệp quá lớn hoặc không đọc được / the file is too large or unreadable")
        })? {
            match field.name() {
                Some("year") => year = field.text().await.ok().and_then(|t| t.trim().parse::<i32>().ok()),
                Some("file") => {
                    let name = field.file_name().unwrap_or("").to_owned();
                    let bytes = field.bytes().await.map_err(|_| {
                        ApiError::invalid(
                            "file",
                            "tệp quá lớn hoặc không đọc được / the file is too large or unreadable",
                        )
                    })?;
                    file = Some((name, bytes));
                }
                _ => {}
            }
        }
        let year = year.ok_or_else(|| ApiError::invalid("year", "cần điền / required"))?;
        let (name, bytes) = file
            .filter(|(_, b)| !b.is_empty())
            .ok_or_else(|| ApiError::invalid("file", "chưa chọn tệp / no file chosen"))?;
        let rulebook = xhht_app::self_assess::rulebook_for(&subject, year)?.rulebook.id();
        let name = if name.trim().is_empty() { "minh-chung".to_owned() } else { name };
        app.add_evidence(&user, subject, rulebook, year, &name, &bytes, today).await?;
        Ok::<_, ApiError>(year)
    }
    .await;
    match done {
        Ok(year) => Redirect::to(&format!("/assess/{kind}/{id}?year={year}&done=added#evidence")).into_response(),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

/// Removes the evidence file named in the form (`year`, `name`).
pub(super) async fn evidence_remove(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    body: Bytes,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    let frame = Frame::new(lang, &user, &format!("/assess/{kind}/{id}"));
    let f = super::work::Fields::parse(&body);
    let app = state.app();
    let today = state.today();
    let done = async {
        let subject = subject_of(&kind, id.clone())?;
        let year: i32 = f.need("year")?.parse().map_err(|_| ApiError::invalid("year", "một năm / a year"))?;
        let rulebook = xhht_app::self_assess::rulebook_for(&subject, year)?.rulebook.id();
        app.remove_evidence(&user, &subject, rulebook, year, f.need("name")?, today).await?;
        Ok::<_, ApiError>(year)
    }
    .await;
    match done {
        Ok(year) => Redirect::to(&format!("/assess/{kind}/{id}?year={year}&done=removed#evidence")).into_response(),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

/// Downloads an evidence file (`?year=&name=`), as an attachment never shown inline.
pub(super) async fn evidence_get(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Path((kind, id)): Path<(String, String)>,
    Query(opts): Query<AssessOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    let frame = Frame::new(lang, &user, &format!("/assess/{kind}/{id}"));
    let app = state.app();
    let today = state.today();
    let year = opts.year.unwrap_or_else(|| today.year()).clamp(2000, 2100);
    let got = async {
        let subject = subject_of(&kind, id.clone())?;
        let name = opts.name.as_deref().ok_or_else(|| ApiError::invalid("name", "cần điền / required"))?;
        let rulebook = xhht_app::self_assess::rulebook_for(&subject, year)?.rulebook.id();
        Ok::<_, ApiError>(app.evidence_file(&user, &subject, rulebook, year, name, today).await?)
    }
    .await;
    match got {
        Ok(content) => crate::http::attachment(content.bytes, &content.file.media_type, &content.file.name),
        Err(e) => error_page(Some(frame), lang, e),
    }
}
