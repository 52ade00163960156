//! The upload of an import file or a filled report form, the errors shown line by line.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{FromRequest, Multipart, Query, State};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use xhht_app::io::ImportKind;
use xhht_core::Lang;
use xhht_core::access::{Action, Resource};

use crate::api::admin::{DUTY_REPORTS, import_duty_form, run_import};

use crate::error::ApiError;
use crate::http::{Auth, MaybeAuth};
use crate::state::AppState;

use super::{Frame, PageOpts, error_page, lang_of, require_login, with_cookie};

/// What an upload did: done, the message, the errors as (line and column, problem).
type Outcome = (bool, String, Vec<(String, String)>);

#[derive(Template, WebTemplate)]
#[template(path = "upload.html")]
struct UploadPage {
    frame: Frame,
    kinds: Vec<(&'static str, &'static str, &'static str)>,
    /// The kind chosen last.
    selected: String,
    /// Set after an upload.
    outcome: Option<Outcome>,
}

pub(super) async fn upload_page(
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Query(opts): Query<PageOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts, &headers);
    let frame = Frame::new(lang, &user, "/upload");
    // A role that may import nothing is told so at once, not after choosing a file.
    let who = Auth(user);
    if !who.may(Action::Write, &Resource::Reference)
        && let Err(e) = who.require_any(Action::Write, Resource::OrganisationRecord)
    {
        return error_page(Some(frame), lang, e);
    }
    let kinds = upload_kinds();
    with_cookie(UploadPage { frame, kinds, selected: String::new(), outcome: None }, set)
}

pub(super) async fn upload_submit(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    req: axum::extract::Request,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    let frame = Frame::new(lang, &user, "/upload");
    let who = Auth(user);
    // Before the form is read: a role that may import nothing (neither reference data nor any
    // organisation's report form) is refused whatever it sent.
    if !who.may(Action::Write, &Resource::Reference)
        && let Err(e) = who.require_any(Action::Write, Resource::OrganisationRecord)
    {
        return error_page(Some(frame), lang, e);
    }
    let mut form = match Multipart::from_request(req, &state).await {
        Ok(f) => f,
        Err(rejection) => return rejection.into_response(),
    };
    let kinds = upload_kinds();
    let mut kind = None;
    let mut file: Option<(String, Vec<u8>)> = None;
    loop {
        match form.next_field().await {
            Ok(Some(field)) => {
                let name = field.name().unwrap_or_default().to_owned();
                let file_name = field.file_name().map(str::to_owned);
                match field.bytes().await {
                    Ok(bytes) if name == "kind" => kind = Some(String::from_utf8_lossy(&bytes).into_owned()),
                    Ok(bytes) if name == "file" => {
                        file = Some((file_name.unwrap_or_else(|| "upload.csv".to_owned()), bytes.to_vec()));
                    }
                    Ok(_) => {}
                    Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return ApiError::TooLarge.into_response(),
                    Err(_) => {
                        return error_page(Some(frame), lang, ApiError::invalid("file", "the upload was cut off"));
                    }
                }
            }
            Ok(None) => break,
            Err(e) if e.status() == StatusCode::PAYLOAD_TOO_LARGE => return ApiError::TooLarge.into_response(),
            Err(_) => return error_page(Some(frame), lang, ApiError::invalid("file", "the form could not be read")),
        }
    }
    // A filled report form may come from the organisation's own unit; other files are
    // administrators' (their rows can span organisations).
    let is_form = kind.as_deref() == Some(DUTY_REPORTS);
    if !is_form && let Err(e) = who.require(Action::Write, &Resource::Reference, false) {
        return error_page(Some(frame), lang, e);
    }
    let Some(selected) = kind.filter(|k| is_form || ImportKind::parse(k).is_some()) else {
        return error_page(Some(frame), lang, ApiError::invalid("kind", "choose what the file holds"));
    };
    let Some((name, bytes)) = file else {
        return error_page(Some(frame), lang, ApiError::invalid("file", "choose a file"));
    };
    let done = match ImportKind::parse(&selected) {
        Some(kind) if !is_form => run_import(&state, &who, kind, &name, &bytes).await,
        _ => import_duty_form(&state, &who, &name, &bytes).await,
    };
    let outcome = match done {
        Ok(done) => (
            true,
            match lang {
                Lang::Vi => format!(
                    "Đã nhập {} dòng (thêm {}, sửa {}, giữ nguyên {}).",
                    done.imported, done.added, done.changed, done.unchanged
                ),
                Lang::En => format!(
                    "Imported {} rows ({} added, {} changed, {} unchanged).",
                    done.imported, done.added, done.changed, done.unchanged
                ),
            },
            Vec::new(),
        ),
        Err(ApiError::Invalid(errors)) => (
            false,
            match lang {
                Lang::Vi => format!("Tệp {name} có {} lỗi; chưa nhập dòng nào.", errors.len()),
                Lang::En => format!("{name} has {} problem(s); nothing was imported.", errors.len()),
            },
            errors
                .into_iter()
                .map(|e| {
                    let field = match lang {
                        Lang::Vi => e.field.replacen("line ", "dòng ", 1),
                        Lang::En => e.field,
                    };
                    (field, e.message)
                })
                .collect(),
        ),
        Err(e) => return error_page(Some(frame), lang, e),
    };
    let status = if outcome.0 { StatusCode::OK } else { StatusCode::UNPROCESSABLE_ENTITY };
    (status, UploadPage { frame, kinds, selected, outcome: Some(outcome) }).into_response()
}

/// What the upload form offers: the store's import kinds, then filled report forms — each by
/// its id (the form's value) and its name in both languages (what a person reads).
fn upload_kinds() -> Vec<(&'static str, &'static str, &'static str)> {
    ImportKind::ALL.iter().map(|k| k.id()).chain([DUTY_REPORTS]).map(|id| (id, kind_vi(id), kind_en(id))).collect()
}

fn kind_vi(id: &str) -> &'static str {
    match id {
        "areas" => "Địa bàn hành chính",
        "successions" => "Sắp xếp địa bàn (đơn vị cũ, đơn vị kế thừa)",
        "clans" => "Dòng họ",
        "communities" => "Ấp, khu phố, tổ dân phố",
        "households" => "Gia đình (hộ) và thành viên",
        "organisations" => "Cơ quan, đơn vị, trường học",
        "people" => "Cán bộ, công chức, viên chức, giáo viên, người lao động",
        "memberships" => "Thành viên của đơn vị",
        "registrations" => "Đăng ký danh hiệu",
        "commitments" => "Cam kết học tập suốt đời",
        "self-study-plans" => "Kế hoạch tự học",
        "assessments" => "Kết quả đánh giá",
        "recognitions" => "Quyết định công nhận",
        "report-submissions" => "Báo cáo năm đã nhận",
        "duty-reports" => "Mẫu báo cáo của cơ quan đã điền (.xlsx)",
        _ => "Loại dữ liệu khác",
    }
}

fn kind_en(id: &str) -> &'static str {
    match id {
        "areas" => "Administrative areas",
        "successions" => "Area successions (the old unit and its successor)",
        "clans" => "Clans",
        "communities" => "Hamlets, quarters, residential groups",
        "households" => "Households and their members",
        "organisations" => "Agencies, units, schools",
        "people" => "Cadres, civil servants, public employees, teachers, workers",
        "memberships" => "Members of a unit",
        "registrations" => "Registrations for a title",
        "commitments" => "Lifelong-learning commitments",
        "self-study-plans" => "Self-study plans",
        "assessments" => "Assessments",
        "recognitions" => "Recognition decisions",
        "report-submissions" => "Annual reports received",
        "duty-reports" => "An actor's filled report form (.xlsx)",
        _ => "Other data",
    }
}
