//! Accounts, for the server's own subcommands (`xhht-server add-user`, `token`) and for tests:
//! each call opens the database through `xhht_app::App` and makes one use-case call. Users,
//! tokens and sessions are the store's tables (`users`, `api_tokens`, `sessions`); the secrets
//! are made and checked by `xhht_app::auth`.

pub use xhht_app::auth::{AuthUser, TOKEN_PREFIX, sha256_hex};

use crate::error::{Error, Result};

/// Who the subcommands act as, in the audit trail.
const ACTOR: &str = "xhht-server (command line)";

async fn open(db_url: &str) -> Result<xhht_app::App> {
    xhht_app::App::open(db_url).await.map_err(app_error)
}

fn app_error(e: xhht_app::Error) -> Error {
    match e {
        e @ xhht_app::Error::Store(_) => Error::App(e),
        xhht_app::Error::Invalid(p) => Error::Invalid(p.into_iter().map(|p| p.message).collect::<Vec<_>>().join("; ")),
        xhht_app::Error::NotFound(m) => Error::Invalid(m),
        other => Error::Evaluation(other.to_string()),
    }
}

/// Adds (or replaces) a user in the database `db_url` names (a path, `sqlite:` URL or
/// `postgres://` URL). `role` is `admin`, `reviewer`, `verifier`, `unit` or `viewer`; a `unit`
/// needs `organisation`. `password` (at least 8 characters) enables dashboard login.
pub async fn add_user(
    db_url: &str,
    name: &str,
    role: &str,
    organisation: Option<&str>,
    password: Option<&str>,
) -> Result<()> {
    let app = open(db_url).await?;
    let out = app.add_user(ACTOR, name, role, organisation, password).await.map_err(app_error);
    app.close().await;
    out
}

/// Adds a person's own account (role `member`) linked to `person`, who must be on record.
pub async fn add_member(db_url: &str, name: &str, person: &str, password: Option<&str>) -> Result<()> {
    let app = open(db_url).await?;
    let out = app.add_member(ACTOR, name, person, password).await.map_err(app_error);
    app.close().await;
    out
}

/// Creates an API token for `user` named `token_name` and returns it. Show it once: only its
/// SHA-256 is kept.
pub async fn create_token(db_url: &str, user: &str, token_name: &str) -> Result<String> {
    let app = open(db_url).await?;
    let out = app.create_token(ACTOR, user, token_name).await.map_err(app_error);
    app.close().await;
    out
}

/// Revokes the tokens whose prefix (8 hex digits after `xhht_`) is `prefix`; returns how many.
pub async fn revoke_token(db_url: &str, prefix: &str) -> Result<u64> {
    let app = open(db_url).await?;
    let out = app.revoke_token(ACTOR, prefix).await.map_err(app_error);
    app.close().await;
    out
}

/// Links `user` to the person `person` of the records (a head approves self-study plans as that
/// person), or unlinks it with `None`.
pub async fn link_person(db_url: &str, user: &str, person: Option<&str>) -> Result<()> {
    let app = open(db_url).await?;
    let out = app.link_person(ACTOR, user, person).await.map_err(app_error);
    app.close().await;
    out
}
