//! The HTTP plumbing shared by the API and the dashboard: who is asking (bearer token or
//! session cookie, resolved once per request by `resolve_user`), the extractors [`Auth`] and
//! [`MaybeAuth`], the rate limits on login and writes and on the reads that build or render,
//! the security headers, and access checks through [`xhht_core::access::decide`].

use std::net::{IpAddr, Ipv4Addr, SocketAddr};

use axum::extract::{ConnectInfo, FromRequestParts, Request, State};
use axum::http::header::{AUTHORIZATION, COOKIE, RETRY_AFTER};
use axum::http::request::Parts;
use axum::http::{HeaderMap, HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use governor::DefaultKeyedRateLimiter;
use xhht_core::access::{Action, Decision, Resource, decide};

use crate::auth::{AuthUser, sha256_hex};
use crate::error::{ApiError, ErrorBody};
use crate::state::AppState;

/// The limiter of the reads that build or render (see [`crate::Config::read_rate_limit`]),
/// shared by their routes; `None` for no limit.
pub(crate) type ReadLimiter = Option<std::sync::Arc<DefaultKeyedRateLimiter<Reader>>>;

/// Whose quota a read that builds or renders counts against: a logged-in account's own (an
/// office's staff share one address behind its router), else the address's.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) enum Reader {
    /// A logged-in account, by name.
    Account(String),
    /// Anyone else, by address.
    Address(IpAddr),
}

/// The session cookie's name.
pub const SESSION_COOKIE: &str = "xhht_session";

/// Who is asking, as resolved by [`resolve_user`]: put in the request's extensions.
#[derive(Debug, Clone)]
pub(crate) struct CurrentUser(pub(crate) Option<AuthUser>);

/// The value of cookie `name` in the request, if any.
pub(crate) fn cookie(headers: &HeaderMap, name: &str) -> Option<String> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v.to_owned())
}

fn bearer(headers: &HeaderMap) -> Option<&str> {
    let v = headers.get(AUTHORIZATION)?.to_str().ok()?;
    let (scheme, token) = v.split_once(' ')?;
    scheme.eq_ignore_ascii_case("bearer").then(|| token.trim())
}

/// Resolves the bearer token or session cookie to a user (cached for
/// [`crate::Config::auth_cache_ttl`]) and records it in the request. A wrong or revoked
/// credential is the same as none.
pub(crate) async fn resolve_user(State(state): State<AppState>, mut req: Request, next: Next) -> Response {
    let headers = req.headers();
    if !is_safe(req.method()) && bearer(headers).is_none() && !same_origin(headers, &state.config().cors_origins) {
        return ApiError::Forbidden(CROSS_SITE.to_owned()).into_response();
    }
    let (credential, token, session) = match (bearer(headers), cookie(headers, SESSION_COOKIE)) {
        (Some(t), _) => (Some(format!("t:{}", sha256_hex(t))), Some(t.to_owned()), None),
        (None, Some(s)) => (Some(format!("s:{}", sha256_hex(&s))), None, Some(s)),
        (None, None) => (None, None, None),
    };
    let user = match credential {
        None => None,
        Some(c) => match state.cached_auth(&c) {
            Some(u) => u,
            None => {
                let found = match (&token, &session) {
                    (Some(t), _) => state.app().token_user(t).await,
                    (None, Some(s)) => state.app().session_user(s).await,
                    (None, None) => Ok(None),
                };
                match found {
                    Ok(u) => {
                        state.remember_auth(c, u.clone());
                        u
                    }
                    Err(e) => return ApiError::internal("authentication", e).into_response(),
                }
            }
        },
    };
    if let Some(u) = &user {
        tracing::Span::current().record("user", u.principal.user.as_str());
    }
    req.extensions_mut().insert(CurrentUser(user));
    next.run(req).await
}

/// Why a cross-site request is refused.
const CROSS_SITE: &str =
    "yêu cầu đến từ trang của nơi khác, không được nhận / a request from another site's page is refused";

fn is_safe(m: &Method) -> bool {
    matches!(*m, Method::GET | Method::HEAD | Method::OPTIONS)
}

/// The `scheme://host[:port]` of a URL (an `Origin` or a `Referer`), lower case.
fn origin_of(url: &str) -> Option<String> {
    let (scheme, rest) = url.split_once("://")?;
    let authority = rest.split(['/', '?', '#']).next()?;
    (!authority.is_empty()).then(|| format!("{}://{}", scheme.to_ascii_lowercase(), authority.to_ascii_lowercase()))
}

/// Against cross-site request forgery: whether an unsafe request that carries no bearer token
/// (a browser's: a session cookie, or a login form) comes from this server's own pages. Its
/// `Origin` (or, failing that, `Referer`) must name the host the request was sent to
/// (`Host`), or one of the origins CORS allows. With neither header, a request that carries a
/// session cookie is refused (every browser sends `Origin` on a POST); one without (a script's
/// login) passes.
pub(crate) fn same_origin(headers: &HeaderMap, allowed: &[String]) -> bool {
    let text = |h| headers.get(h).and_then(|v: &HeaderValue| v.to_str().ok());
    let from = match text(axum::http::header::ORIGIN) {
        Some(o) => Some(o),
        None => text(axum::http::header::REFERER),
    };
    let Some(from) = from else { return cookie(headers, SESSION_COOKIE).is_none() };
    let Some(origin) = origin_of(from) else { return false };
    let host = text(axum::http::header::HOST).map(str::to_ascii_lowercase);
    let authority = origin.split_once("://").map(|(_, a)| a);
    (host.is_some() && authority == host.as_deref())
        || allowed.iter().any(|a| origin_of(a).is_some_and(|a| a == origin))
}

/// An authenticated user; answers 401 when there is none.
#[derive(Debug, Clone)]
pub struct Auth(pub AuthUser);

impl<S: Send + Sync> FromRequestParts<S> for Auth {
    type Rejection = ApiError;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        match parts.extensions.get::<CurrentUser>() {
            Some(CurrentUser(Some(u))) => Ok(Auth(u.clone())),
            _ => Err(ApiError::Unauthorized),
        }
    }
}

/// The user, if any.
#[derive(Debug, Clone)]
pub struct MaybeAuth(pub Option<AuthUser>);

impl<S: Send + Sync> FromRequestParts<S> for MaybeAuth {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(parts: &mut Parts, _: &S) -> Result<Self, Self::Rejection> {
        Ok(MaybeAuth(parts.extensions.get::<CurrentUser>().and_then(|c| c.0.clone())))
    }
}

impl Auth {
    /// Refuses with 403 unless `decide` allows `action` on `resource` (`is_head` as for
    /// [`decide`]).
    pub fn require(&self, action: Action, resource: &Resource, is_head: bool) -> Result<(), ApiError> {
        match decide(&self.0.principal, action, resource, is_head) {
            Decision::Allow => Ok(()),
            Decision::Deny(why) => Err(ApiError::Forbidden(why.to_owned())),
        }
    }

    /// Refuses with 403 when `decide` refuses `action` on every resource of this kind the caller
    /// could name: asked about the caller's own organisation (for a unit; none for the other
    /// roles), which `decide` never grants less than another's. For routes whose record is named
    /// only in the body: checked before the body is read, so that a role that may never do it is
    /// refused whatever it sent; the full check follows once the body names the record.
    pub fn require_any(&self, action: Action, kind: fn(String) -> Resource) -> Result<(), ApiError> {
        let own = self.0.principal.organisation.clone().unwrap_or_default();
        self.require(action, &kind(own), false)
    }

    /// Whether `decide` allows `action` on `resource`.
    pub fn may(&self, action: Action, resource: &Resource) -> bool {
        decide(&self.0.principal, action, resource, false).allowed()
    }
}

fn client_ip(req: &Request) -> IpAddr {
    req.extensions()
        .get::<ConnectInfo<SocketAddr>>()
        .map_or(IpAddr::V4(Ipv4Addr::UNSPECIFIED), |ConnectInfo(addr)| addr.ip())
}

/// 429 with `Retry-After` and the JSON error when `ip` is past `limiter`'s quota (and keeps the
/// limiter's table small).
fn over_quota<K: std::hash::Hash + Eq + Clone>(
    limiter: &DefaultKeyedRateLimiter<K>,
    key: K,
    message: &str,
) -> Option<Response> {
    let checked = limiter.check_key(&key);
    if limiter.len() > 10_000 {
        limiter.retain_recent();
    }
    let not_until = checked.err()?;
    let wait = not_until.wait_time_from(governor::clock::Clock::now(&governor::clock::DefaultClock::default()));
    let body = ErrorBody { code: "rate-limited".to_owned(), message: message.to_owned(), errors: vec![] };
    let mut resp = (StatusCode::TOO_MANY_REQUESTS, axum::Json(body)).into_response();
    if let Ok(v) = HeaderValue::from_str(&(wait.as_secs() + 1).to_string()) {
        resp.headers_mut().insert(RETRY_AFTER, v);
    }
    Some(resp)
}

/// Limits login attempts and writes (every method but GET, HEAD and OPTIONS) per client
/// address: 429 with `Retry-After` past the limit.
pub(crate) async fn rate_limit(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let safe = is_safe(req.method());
    let login = matches!(req.uri().path(), "/login" | "/api/v1/auth/login");
    let limiter = if login { state.inner.logins_by_address.as_ref() } else { state.inner.limiter.as_ref() };
    if let (false, Some(limiter)) = (safe, limiter)
        && let Some(refused) = over_quota(
            limiter,
            client_ip(&req),
            "quá nhiều yêu cầu từ địa chỉ này; thử lại sau ít phút / too many requests from this address; try again shortly",
        )
    {
        return refused;
    }
    next.run(req).await
}

/// Whether a login attempt for `user` is within the account's quota (whatever the address).
pub(crate) fn login_allowed(state: &AppState, user: &str) -> bool {
    let Some(limiter) = state.inner.logins_by_account.as_ref() else { return true };
    let key: String = xhht_core::bounds::clean(user).to_lowercase().chars().take(100).collect();
    let allowed = limiter.check_key(&key).is_ok();
    if limiter.len() > 10_000 {
        limiter.retain_recent();
    }
    allowed
}

/// Limits the reads that build or render (the routes it is layered on: reports, progress,
/// deadlines, reward eligibility, explanations, results, the dashboard's pages) per client
/// address, with its own quota ([`crate::Config::read_rate_limit`]): 429 with `Retry-After`.
pub(crate) async fn read_limit(State(limiter): State<ReadLimiter>, req: Request, next: Next) -> Response {
    if let Some(limiter) = limiter.as_deref()
        && let Some(refused) = over_quota(
            limiter,
            match req.extensions().get::<CurrentUser>().and_then(|c| c.0.as_ref()) {
                Some(u) => Reader::Account(u.principal.user.clone()),
                None => Reader::Address(client_ip(&req)),
            },
            "quá nhiều lượt xem báo cáo, giải thích, kết quả; thử lại sau ít phút / too many reports, explanations or results; try again shortly",
        )
    {
        return refused;
    }
    next.run(req).await
}

/// Turns every 413 that is not JSON yet (axum's own extractors — `Bytes`, `Form`, `Multipart` —
/// answer in plain text) into the JSON error `{"code": "too-large", …}`.
///
/// Likewise every other error answer that is neither JSON nor one of the dashboard's HTML
/// pages — axum's plain-text 400 (a path or query it cannot read), its empty 405 (a method a
/// route does not take, `Allow` kept) and 415 — becomes the JSON error with its code. (A URI or
/// headers too long for the HTTP parser, 414 and 431, are answered by hyper before any route:
/// those stay as hyper writes them.)
///
/// A browser's page (any path outside `/api`) gets an HTML page instead, in the language it
/// chose, with a way back: never raw JSON or framework text.
pub(crate) async fn json_too_large(req: Request, next: Next) -> Response {
    let page = !req.uri().path().starts_with("/api");
    let lang = crate::dashboard::lang_of_headers(req.headers());
    let resp = next.run(req).await;
    let status = resp.status();
    if !(status.is_client_error() || status.is_server_error()) {
        return resp;
    }
    let kind = resp.headers().get(axum::http::header::CONTENT_TYPE).and_then(|v| v.to_str().ok()).unwrap_or("");
    if kind.starts_with("text/html") {
        return resp;
    }
    if page {
        let mut out = crate::dashboard::status_page(status, lang);
        for name in [RETRY_AFTER, axum::http::header::ALLOW] {
            if let Some(v) = resp.headers().get(&name) {
                out.headers_mut().insert(name, v.clone());
            }
        }
        return out;
    }
    if kind.starts_with("application/json") {
        return resp;
    }
    if status == StatusCode::PAYLOAD_TOO_LARGE {
        return ApiError::TooLarge.into_response();
    }
    let (code, message) = match status {
        StatusCode::METHOD_NOT_ALLOWED => {
            ("method-not-allowed", "đường dẫn này không nhận phương thức đó / this path does not take that method")
        }
        StatusCode::UNSUPPORTED_MEDIA_TYPE => {
            ("unsupported-media-type", "gửi thân yêu cầu dạng JSON / send the body as JSON")
        }
        StatusCode::NOT_FOUND => ("not-found", "không có trang này / no such page"),
        s if s.is_server_error() => {
            ("internal", "đã có lỗi bên trong, đã ghi nhật ký / an internal error occurred; it was logged")
        }
        _ => ("bad-request", "yêu cầu không đọc được / the request could not be read"),
    };
    let allow = resp.headers().get(axum::http::header::ALLOW).cloned();
    let body = ErrorBody { code: code.to_owned(), message: message.to_owned(), errors: vec![] };
    let mut out = (status, axum::Json(body)).into_response();
    if let Some(a) = allow {
        out.headers_mut().insert(axum::http::header::ALLOW, a);
    }
    out
}

/// The Content-Security-Policy: only this origin; inline styles and SVG for the reports and
/// the dashboard; no framing.
pub const CSP: &str = "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; \
                       script-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; \
                       frame-ancestors 'none'";

/// Adds the security headers to every answer.
pub(crate) async fn security_headers(req: Request, next: Next) -> Response {
    let mut resp = next.run(req).await;
    let h = resp.headers_mut();
    for (name, value) in [
        ("content-security-policy", CSP),
        ("x-content-type-options", "nosniff"),
        ("x-frame-options", "DENY"),
        ("referrer-policy", "same-origin"),
        ("cross-origin-opener-policy", "same-origin"),
    ] {
        h.insert(name, HeaderValue::from_static(value));
    }
    if !h.contains_key("cache-control") {
        h.insert("cache-control", HeaderValue::from_static("no-store"));
    }
    resp
}

/// `Content-Disposition: attachment` with the name, ASCII (`filename`) and UTF-8
/// (`filename*`, RFC 6266).
pub(crate) fn disposition(name: &str) -> String {
    let ascii: String =
        name.chars().map(|c| if c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_') { c } else { '_' }).collect();
    let mut encoded = String::new();
    for b in name.bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b'_') {
            encoded.push(char::from(b));
        } else {
            encoded.push_str(&format!("%{b:02X}"));
        }
    }
    format!("attachment; filename=\"{ascii}\"; filename*=UTF-8''{encoded}")
}

/// A file sent as an attachment, never shown inline: its media type (`application/octet-stream`
/// when it cannot be a header), its name in ASCII and UTF-8, not sniffed, not cached.
pub(crate) fn attachment(bytes: Vec<u8>, media_type: &str, name: &str) -> axum::response::Response {
    use axum::http::{HeaderValue, header};
    use axum::response::IntoResponse;
    let mut resp = bytes.into_response();
    let h = resp.headers_mut();
    let kind =
        HeaderValue::from_str(media_type).unwrap_or_else(|_| HeaderValue::from_static("application/octet-stream"));
    h.insert(header::CONTENT_TYPE, kind);
    if let Ok(v) = HeaderValue::from_str(&disposition(name)) {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    h.insert(header::X_CONTENT_TYPE_OPTIONS, HeaderValue::from_static("nosniff"));
    h.insert(header::CACHE_CONTROL, HeaderValue::from_static("private, no-store"));
    resp
}
