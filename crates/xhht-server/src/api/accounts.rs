//! Accounts: API tokens (made, revoked), an account disabled or given a new password — every
//! one administrators' (`Administer` on `Users`).

use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xhht_core::access::{Action, Resource};

use super::Unread;
use crate::error::ApiError;
use crate::http::Auth;
use crate::state::AppState;

/// A new token's name.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct NewToken {
    /// What the token is for, e.g. `sync from the province`.
    name: String,
}

/// A token, shown once.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct TokenShown {
    /// Send it as `Authorization: Bearer <token>`; it is not shown again.
    token: String,
}

/// Creates an API token for a user (administrators only).
#[utoipa::path(post, path = "/users/{name}/tokens", tag = "admin", request_body = NewToken,
    params(("name" = String, Path, description = "The user name")),
    responses((status = 201, body = TokenShown), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn create_token(
    State(state): State<AppState>,
    who: Auth,
    Path(name): Path<String>,
    body: Unread<NewToken>,
) -> Result<(StatusCode, Json<TokenShown>), ApiError> {
    who.require(Action::Administer, &Resource::Users, false)?;
    let t = body.parse().await?;
    let token = state.app().create_token(&who.0.principal.user, &name, &t.name).await.map_err(|e| match e {
        xhht_app::Error::Invalid(p) => {
            ApiError::invalid("name", p.into_iter().map(|p| p.message).collect::<Vec<_>>().join("; "))
        }
        xhht_app::Error::NotFound(m) => ApiError::invalid("name", m),
        other => ApiError::internal("create token", other),
    })?;
    Ok((StatusCode::CREATED, Json(TokenShown { token })))
}

/// A change of an account: a new password, or none.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub(crate) struct AccountChange {
    /// `disable` (no password, every session and token ended) or `password` (a new password;
    /// every session and token ended).
    action: String,
    /// The new password, for `password` (at least 8 characters).
    password: Option<String>,
}

/// Disables an account or gives it a new password (administrators only): either way every
/// session and token it held ends.
#[utoipa::path(post, path = "/users/{name}/account", tag = "admin", request_body = AccountChange,
    params(("name" = String, Path, description = "The user name")),
    responses((status = 204), (status = 403, body = crate::error::ErrorBody),
              (status = 404, body = crate::error::ErrorBody), (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn change_account(
    State(state): State<AppState>,
    who: Auth,
    Path(name): Path<String>,
    body: Unread<AccountChange>,
) -> Result<StatusCode, ApiError> {
    who.require(Action::Administer, &Resource::Users, false)?;
    let b = body.parse().await?;
    let actor = &who.0.principal.user;
    match (b.action.as_str(), b.password.as_deref()) {
        ("disable", None) => state.app().disable_user(actor, &name).await?,
        ("password", Some(p)) => state.app().set_password(actor, &name, Some(p)).await?,
        _ => {
            return Err(ApiError::invalid(
                "action",
                "`disable` (không kèm mật khẩu / without a password) hoặc / or `password` (kèm / with `password`)",
            ));
        }
    }
    state.forget_credentials();
    tracing::info!(user = %name, action = %b.action, "account changed");
    Ok(StatusCode::NO_CONTENT)
}

/// Revokes the API tokens with this prefix (the 8 hex digits after `xhht_`; administrators
/// only).
#[utoipa::path(post, path = "/tokens/{prefix}/revocation", tag = "admin",
    params(("prefix" = String, Path, description = "The token's prefix: the 8 hex digits after `xhht_`")),
    responses((status = 200, body = Revoked), (status = 403, body = crate::error::ErrorBody)))]
pub(crate) async fn revoke_token(
    State(state): State<AppState>,
    who: Auth,
    Path(prefix): Path<String>,
) -> Result<Json<Revoked>, ApiError> {
    who.require(Action::Administer, &Resource::Users, false)?;
    let tokens = state.app().revoke_token(&who.0.principal.user, &prefix).await?;
    state.forget_credentials();
    Ok(Json(Revoked { tokens }))
}

/// How many tokens were revoked.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct Revoked {
    /// Tokens revoked (0 when none had that prefix or all were revoked already).
    tokens: u64,
}
