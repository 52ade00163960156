//! `xhht-server` — the HTTP API and web dashboard of xhht.
//!
//! # Brief overview
//!
//! - [`app`] builds the whole service (API under `/api/v1`, the OpenAPI document at
//!   `/api/openapi.json`, the dashboard at `/`) over one [`AppState`]; [`serve`] runs it on a
//!   socket with graceful shutdown. Tests call `app(state).oneshot(request)` with no socket.
//! - [`AppState`] holds the use cases (`xhht_app::App`: the database, where users, tokens and
//!   sessions live too, so several processes can serve one PostgreSQL, and the rule engines)
//!   and the caches ([`cache`]).
//! - [`auth`]: users (argon2id passwords), API tokens (256-bit, stored as SHA-256), sessions;
//!   `add_user` and `create_token` for the CLI.
//! - Every request is mapped to `xhht_core::access::{Principal, Action, Resource}` and judged
//!   by the one pure function `xhht_core::access::decide`.
//!
//! # What this crate is not
//!
//! It holds no business rule: handlers parse requests, make one `xhht-app` call and render the
//! answers. It does not depend on `xhht-store`: imports, the audit check and plain reads go
//! through `xhht_app::io`.

pub mod api;
pub mod auth;
pub mod cache;
mod dashboard;
mod error;
pub mod http;
mod lru;
mod state;

use std::net::SocketAddr;
use std::time::Duration;

use axum::Router;
use axum::extract::DefaultBodyLimit;
use axum::http::{HeaderName, Method, Request};
use axum::middleware;
use tower::ServiceBuilder;
use tower_http::cors::{AllowOrigin, CorsLayer};
use tower_http::request_id::{MakeRequestUuid, PropagateRequestIdLayer, SetRequestIdLayer};
use tower_http::timeout::TimeoutLayer;
use tower_http::trace::{DefaultOnFailure, DefaultOnResponse, TraceLayer};

pub use cache::{CacheStats, CacheUsage};
pub use error::{ApiError, Error, ErrorBody, FieldError, Result};
pub use state::{AppState, CacheBound, CacheLimits, Config, LOGINS_PER_ACCOUNT, RateLimit};

/// The request id header, set when the client sends none and echoed in the answer.
pub const REQUEST_ID: &str = "x-request-id";

/// The whole service: API, OpenAPI document, dashboard, with the hardening layers (request id,
/// tracing without personal data, timeouts, body limits, rate limits on login and writes and
/// on the reads that build or render, security headers, CORS only for configured origins).
pub fn app(state: AppState) -> Router {
    let config = state.config().clone();
    let reads = state.inner.reads.clone();
    let (api, openapi) = api::router(config.upload_limit, reads.clone()).split_for_parts();
    let doc = std::sync::Arc::new(openapi);
    let cors = if config.cors_origins.is_empty() {
        None
    } else {
        let origins: Vec<_> = config.cors_origins.iter().filter_map(|o| o.parse().ok()).collect();
        Some(
            CorsLayer::new()
                .allow_origin(AllowOrigin::list(origins))
                .allow_methods([Method::GET, Method::POST, Method::PUT])
                .allow_headers([
                    axum::http::header::AUTHORIZATION,
                    axum::http::header::CONTENT_TYPE,
                    axum::http::header::IF_MATCH,
                ]),
        )
    };
    let request_id = HeaderName::from_static(REQUEST_ID);
    let routes = Router::new()
        .merge(api)
        .route(
            "/api/openapi.json",
            axum::routing::get(move || {
                let doc = doc.clone();
                async move { axum::Json((*doc).clone()) }
            }),
        )
        .merge(dashboard::router(config.upload_limit, reads))
        .fallback(|| async { ApiError::NotFound("no such page".to_owned()) })
        .layer(middleware::from_fn_with_state(state.clone(), http::resolve_user))
        .layer(middleware::from_fn_with_state(state.clone(), http::rate_limit))
        .layer(DefaultBodyLimit::max(config.body_limit))
        .layer(middleware::from_fn(http::json_too_large))
        .with_state(state);
    let routes = match cors {
        Some(c) => routes.layer(c),
        None => routes,
    };
    routes.layer(
        ServiceBuilder::new()
            .layer(SetRequestIdLayer::new(request_id.clone(), MakeRequestUuid))
            .layer(
                TraceLayer::new_for_http()
                    .make_span_with(|req: &Request<_>| {
                        // The path only: query strings may carry names typed in a search.
                        let id = req.headers().get(REQUEST_ID).and_then(|v| v.to_str().ok()).unwrap_or("-");
                        tracing::info_span!("request", id = %id, method = %req.method(), path = %req.uri().path(), user = tracing::field::Empty)
                    })
                    .on_request(())
                    .on_response(DefaultOnResponse::new().level(tracing::Level::INFO))
                    .on_failure(DefaultOnFailure::new().level(tracing::Level::WARN)),
            )
            .layer(PropagateRequestIdLayer::new(request_id))
            .layer(middleware::from_fn(http::security_headers))
            .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::REQUEST_TIMEOUT, config.request_timeout)),
    )
}

/// Serves [`app`] on `listener` until `shutdown` resolves, then stops accepting and lets the
/// requests in flight finish (at most `grace`).
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
    grace: Duration,
) -> Result<()> {
    let service = app(state.clone()).into_make_service_with_connect_info::<SocketAddr>();
    let (tx, rx) = tokio::sync::oneshot::channel::<()>();
    let server = axum::serve(listener, service).with_graceful_shutdown(async move {
        shutdown.await;
        let _ = tx.send(());
    });
    let handle = tokio::spawn(async move { server.await });
    let mut handle = handle;
    tokio::select! {
        r = &mut handle => {
            r.map_err(|e| Error::Io { context: "server task".to_owned(), source: std::io::Error::other(e) })?
                .map_err(|e| Error::Io { context: "serving".to_owned(), source: e })?;
        }
        _ = async { let _ = rx.await; tokio::time::sleep(grace).await; } => {
            tracing::warn!("requests still running after the grace period: stopping");
            handle.abort();
        }
    }
    state.close().await;
    Ok(())
}

/// Waits for Ctrl-C or SIGTERM.
pub async fn shutdown_signal() {
    let ctrl_c = async {
        let _ = tokio::signal::ctrl_c().await;
    };
    #[cfg(unix)]
    let term = async {
        match tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate()) {
            Ok(mut s) => {
                s.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let term = std::future::pending::<()>();
    tokio::select! {
        () = ctrl_c => {},
        () = term => {},
    }
    tracing::info!("shutting down: finishing the requests in flight");
}

/// Sets up logging: text or JSON lines on stderr, filtered by `RUST_LOG` (default `info`).
pub fn init_logging(json: bool) {
    let filter = tracing_subscriber::EnvFilter::try_from_default_env()
        .unwrap_or_else(|_| tracing_subscriber::EnvFilter::new("info,sqlx=warn"));
    let builder = tracing_subscriber::fmt().with_env_filter(filter).with_writer(std::io::stderr);
    if json {
        let _ = builder.json().try_init();
    } else {
        let _ = builder.try_init();
    }
}
