//! Errors: [`Error`], the library's error, and [`ApiError`], what a request answers. An
//! `ApiError` never carries SQL or internal text to the client: internal causes are logged with
//! the request id and the client sees a generic sentence.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use serde::Serialize;
use utoipa::ToSchema;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong in the server library.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The database failed or refused (through the use cases: `xhht_app::Error::Store`).
    #[error(transparent)]
    App(#[from] xhht_app::Error),
    /// A user, role or token argument is not acceptable.
    #[error("{0}")]
    Invalid(String),
    /// Hashing a password failed.
    #[error("password hashing: {0}")]
    Password(String),
    /// The system's random number generator failed.
    #[error("random number generator: {0}")]
    Random(String),
    /// The rules engine or the report builder failed.
    #[error("evaluation: {0}")]
    Evaluation(String),
    /// Binding or serving the socket failed.
    #[error("{context}: {source}")]
    Io {
        /// What the server was doing.
        context: String,
        /// The underlying error.
        #[source]
        source: std::io::Error,
    },
}

/// One field-level problem with a request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, ToSchema)]
pub struct FieldError {
    /// The field (a JSON field name, a query parameter, or `body`).
    pub field: String,
    /// What is wrong.
    pub message: String,
}

/// What a 413 says (the limits are in `docs/server.md`, "Hardening").
const TOO_LARGE: &str = "the request body is larger than this route accepts";

/// The body of every error answer.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ErrorBody {
    /// A short machine-readable code: `unauthorized`, `forbidden`, `not-found`, `invalid`,
    /// `conflict`, `too-large`, `rate-limited`, `internal`…
    pub code: String,
    /// One sentence for people.
    pub message: String,
    /// Field-level problems (for `invalid`).
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub errors: Vec<FieldError>,
}

/// What a request answers when it fails.
#[derive(Debug)]
pub enum ApiError {
    /// 401: no valid credentials.
    Unauthorized,
    /// 403: the role may not do this; the reason names no personal data.
    Forbidden(String),
    /// 404.
    NotFound(String),
    /// 422 with field-level errors.
    Invalid(Vec<FieldError>),
    /// 409: a stale write or a state that forbids the change.
    Conflict(String),
    /// 400: a malformed request (header, parameter).
    BadRequest(String),
    /// 406: no acceptable representation.
    NotAcceptable(String),
    /// 413: the body is over the route's limit.
    TooLarge,
    /// 429: past a rate limit that is not the address's (a login's per account), with why.
    RateLimited(String),
    /// 415: a body that is not `application/json` sent to a JSON route (a form or plain text
    /// from another site's page, which a browser sends without asking).
    UnsupportedMediaType,
    /// 500: logged with its cause; the client sees a generic sentence.
    Internal(String),
}

impl ApiError {
    /// A 422 with one field error.
    pub fn invalid(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self::Invalid(vec![FieldError { field: field.into(), message: message.into() }])
    }

    /// An internal error: `context` and `cause` are logged, never shown.
    pub fn internal(context: &str, cause: impl std::fmt::Display) -> Self {
        Self::Internal(format!("{context}: {cause}"))
    }
}

impl From<Error> for ApiError {
    fn from(e: Error) -> Self {
        match e {
            Error::App(a) => a.into(),
            Error::Invalid(m) => ApiError::invalid("body", m),
            other => ApiError::Internal(other.to_string()),
        }
    }
}

impl From<xhht_app::Error> for ApiError {
    /// The store's refusals come classified ([`xhht_app::Error::classify`]: a record not valid,
    /// changed since it was read, not found, an import file's rows); any other failure of the
    /// store is internal.
    fn from(e: xhht_app::Error) -> Self {
        use xhht_app::Error as A;
        match e.classify() {
            A::Forbidden(m) => ApiError::Forbidden(m),
            A::NotFound(m) => ApiError::NotFound(m),
            A::Invalid(problems) => ApiError::Invalid(
                problems.into_iter().map(|p| FieldError { field: p.field, message: p.message }).collect(),
            ),
            A::Conflict(m) => ApiError::Conflict(m),
            A::Store(s) => ApiError::Internal(s.to_string()),
            A::Core(c) => c.into(),
            A::Report(e @ xhht_report::Error::UnknownScope { .. }) => ApiError::NotFound(e.to_string()),
            A::Evaluation { year, source } => ApiError::Conflict(format!(
                "the records of {year} cannot be evaluated until they are corrected: {source}"
            )),
            other => ApiError::internal("use case", other),
        }
    }
}

impl From<xhht_core::Error> for ApiError {
    fn from(e: xhht_core::Error) -> Self {
        match e {
            xhht_core::Error::Invalid { field, message, .. } => ApiError::invalid(field, message),
            other => ApiError::invalid("body", other.to_string()),
        }
    }
}

impl IntoResponse for ApiError {
    fn into_response(self) -> Response {
        let (status, code, message, errors) = match self {
            Self::Unauthorized => (
                StatusCode::UNAUTHORIZED,
                "unauthorized",
                "log in or send `Authorization: Bearer <token>`".to_owned(),
                vec![],
            ),
            Self::Forbidden(m) => (StatusCode::FORBIDDEN, "forbidden", m, vec![]),
            Self::NotFound(m) => (StatusCode::NOT_FOUND, "not-found", m, vec![]),
            Self::Invalid(errors) => {
                (StatusCode::UNPROCESSABLE_ENTITY, "invalid", "the request is not valid".to_owned(), errors)
            }
            Self::Conflict(m) => (StatusCode::CONFLICT, "conflict", m, vec![]),
            Self::BadRequest(m) => (StatusCode::BAD_REQUEST, "bad-request", m, vec![]),
            Self::NotAcceptable(m) => (StatusCode::NOT_ACCEPTABLE, "not-acceptable", m, vec![]),
            Self::TooLarge => (StatusCode::PAYLOAD_TOO_LARGE, "too-large", TOO_LARGE.to_owned(), vec![]),
            Self::RateLimited(m) => {
                let mut resp =
                    (StatusCode::TOO_MANY_REQUESTS, Json(ErrorBody { code: "rate-limited".to_owned(), message: m, errors: vec![] }))
                        .into_response();
                resp.headers_mut().insert(axum::http::header::RETRY_AFTER, axum::http::HeaderValue::from_static("60"));
                return resp;
            }
            Self::UnsupportedMediaType => (
                StatusCode::UNSUPPORTED_MEDIA_TYPE,
                "unsupported-media-type",
                "gửi thân yêu cầu dạng JSON, với `Content-Type: application/json` / send the body as JSON, with `Content-Type: application/json`".to_owned(),
                vec![],
            ),
            Self::Internal(cause) => {
                // The cause may hold SQL or driver text: logged (with the request id from the
                // span), never returned.
                tracing::error!(cause = %cause, "internal error");
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    "internal",
                    "an internal error occurred; it was logged with the request id".to_owned(),
                    vec![],
                )
            }
        };
        (status, Json(ErrorBody { code: code.to_owned(), message, errors })).into_response()
    }
}

/// Turns a serde_json error into a field error: the field named in the message when there is
/// one (`missing field `x``, `unknown field `x``), else `body`.
pub(crate) fn json_error(e: &serde_json::Error) -> ApiError {
    let msg = e.to_string();
    let field = ["missing field `", "unknown field `", "duplicate field `"]
        .iter()
        .find_map(|p| msg.split_once(p).and_then(|(_, rest)| rest.split_once('`')).map(|(f, _)| f.to_owned()))
        .unwrap_or_else(|| "body".to_owned());
    // The message can quote a value from the request (a name): it goes back to the sender only.
    let message = msg.split(" at line ").next().unwrap_or(&msg).to_owned();
    ApiError::Invalid(vec![FieldError { field, message }])
}
