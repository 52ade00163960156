//! Evidence files on assessments (`xhht_app::evidence`): attached with the raw bytes as the
//! body, listed, downloaded as an attachment, removed. Each handler parses the query, makes
//! the `xhht-app` call and formats; an upload is read only after the caller is known to be
//! allowed to attach (so a caller who may not is refused whatever it sends), within a body
//! limit of its own ([`xhht_app::evidence::MAX_FILE_BYTES`]: 413 past it).

use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;
use utoipa::IntoParams;
use xhht_app::evidence::{Evidence, EvidenceAdded};
use xhht_core::record::SubjectRef;

use super::{Q, Unread};
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// Which assessment's evidence.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct EvidenceQuery {
    /// `person` or `organisation`.
    subject_kind: String,
    /// The person's id or the organisation's code.
    subject: String,
    /// The rulebook of the assessment.
    rulebook: String,
    /// The data year.
    year: i32,
}

/// Which assessment, and the file's name.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AddQuery {
    /// `person` or `organisation`.
    subject_kind: String,
    /// The person's id or the organisation's code.
    subject: String,
    /// The rulebook of the assessment.
    rulebook: String,
    /// The data year.
    year: i32,
    /// The file's name (kept with letters, digits, `.`, `-`, `_` only, and the extension of the
    /// type found in its bytes).
    file: String,
}

/// Which assessment, and which of its files.
#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct FileQuery {
    /// `person` or `organisation`.
    subject_kind: String,
    /// The person's id or the organisation's code.
    subject: String,
    /// The rulebook of the assessment.
    rulebook: String,
    /// The data year.
    year: i32,
    /// The file's name, as listed.
    name: String,
}

fn subject_of(kind: &str, id: String) -> Result<SubjectRef, ApiError> {
    match kind {
        "person" => Ok(SubjectRef::Person(id)),
        "organisation" => Ok(SubjectRef::Organisation(id)),
        _ => Err(ApiError::invalid("subject_kind", "person hoặc organisation / person or organisation")),
    }
}

/// Attaches a file to the assessment (or self-assessment) of a person or an organisation: the
/// body is the file's bytes, of any `Content-Type`. Whoever may write the subject's
/// assessment or self-assessment may (the person through their own account, the unit, the
/// reviewer, an administrator). The type is found from the bytes: PDF, PNG, JPEG, DOCX, XLSX
/// (anything else, or a zip bomb, 422 naming `file`); at most 10 MiB (413) and 20 files per
/// assessment (422). 201 when added; 200 when these bytes were attached under this name
/// already; 409 when other bytes are.
#[utoipa::path(post, path = "/evidence", tag = "records", params(AddQuery),
    request_body(content = Vec<u8>, content_type = "application/octet-stream"),
    responses((status = 201, description = "Attached", body = Object),
              (status = 200, description = "Already attached: nothing written", body = Object),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 409, body = crate::error::ErrorBody),
              (status = 413, description = "Over 10 MiB", body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn add_evidence(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<AddQuery>,
    body: Unread,
) -> Result<(StatusCode, Json<EvidenceAdded>), ApiError> {
    let subject = subject_of(&q.subject_kind, q.subject)?;
    let app = state.app();
    app.may_add_evidence(&who.0, &subject, state.today()).await?;
    let bytes = body.bytes().await?;
    let done = app.add_evidence(&who.0, subject, &q.rulebook, q.year, &q.file, &bytes, state.today()).await?;
    tracing::info!(added = done.added, size = done.file.size, "evidence");
    let status = if done.added { StatusCode::CREATED } else { StatusCode::OK };
    Ok((status, Json(done)))
}

/// The evidence files of an assessment (names, types, sizes, hashes; not the bytes), for whoever
/// may read the subject's personal records (an administrator, the reviewer, the verifier, the
/// subject's unit, the person through their own account); anyone else 403, whether or not
/// there are files.
#[utoipa::path(get, path = "/evidence", tag = "records", params(EvidenceQuery),
    responses((status = 200, body = Object), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn list_evidence(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<EvidenceQuery>,
) -> Result<Json<Vec<Evidence>>, ApiError> {
    let subject = subject_of(&q.subject_kind, q.subject)?;
    Ok(Json(state.app().evidence_of(&who.0, &subject, &q.rulebook, q.year, state.today()).await?))
}

/// One evidence file's bytes, as an attachment, with the type found when it was added
/// (`X-Content-Type-Options: nosniff`), for whoever may read the subject's personal records;
/// 404 (for them) when there is no such file.
#[utoipa::path(get, path = "/evidence/file", tag = "records", params(FileQuery),
    responses((status = 200, description = "The file's bytes", content_type = "application/octet-stream", body = Vec<u8>),
              (status = 403, body = crate::error::ErrorBody), (status = 404, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn evidence_file(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<FileQuery>,
) -> Result<Response, ApiError> {
    let subject = subject_of(&q.subject_kind, q.subject)?;
    let content = state.app().evidence_file(&who.0, &subject, &q.rulebook, q.year, &q.name, state.today()).await?;
    Ok(crate::http::attachment(content.bytes, &content.file.media_type, &content.file.name))
}

/// Removes an evidence file (whoever may attach one); the audit trail keeps the row as it was.
#[utoipa::path(delete, path = "/evidence/file", tag = "records", params(FileQuery),
    responses((status = 204, description = "Removed"), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn remove_evidence(
    State(state): State<AppState>,
    who: Auth,
    Q(q): Q<FileQuery>,
) -> Result<StatusCode, ApiError> {
    let subject = subject_of(&q.subject_kind, q.subject)?;
    state.app().remove_evidence(&who.0, &subject, &q.rulebook, q.year, &q.name, state.today()).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_download_name_is_given_in_ascii_and_in_utf8() {
        assert_eq!(
            crate::http::disposition("Bảng-điểm.pdf"),
            "attachment; filename=\"B_ng-_i_m.pdf\"; filename*=UTF-8''B%E1%BA%A3ng-%C4%91i%E1%BB%83m.pdf"
        );
    }
}
