//! Users, API tokens and sessions, kept in the database (tables `server_users`,
//! `server_tokens`, `server_sessions`), so several server processes share them.
//!
//! - **Users** have a name, a role ([`xhht_core::access::Role`]), for a `unit` its organisation's
//!   code, optionally the person they are in the records (to approve self-study plans as a head),
//!   and an argon2id password hash (for the dashboard).
//! - **API tokens** are 32 random bytes from the operating system, shown once as
//!   `xhht_<64 hex digits>`; the database keeps their SHA-256 and an 8-digit prefix to find
//!   them, and the hash is compared in constant time. Clients send `Authorization: Bearer <token>`.
//! - **Sessions** (dashboard login) are 32 random bytes in an HttpOnly, SameSite=Strict cookie;
//!   the database keeps their SHA-256 and expiry.
//!
//! The CLI can call [`add_user`], [`create_token`], [`revoke_token`] and [`link_person`] with the
//! same database URL the server uses.

use std::time::{SystemTime, UNIX_EPOCH};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};
use sqlx::Row;
use subtle::ConstantTimeEq;
use xhht_core::access::{Principal, Role};

use crate::db::{Pool, on_pool};
use crate::error::{Error, Result};

/// The text every token starts with.
pub const TOKEN_PREFIX: &str = "xhht_";

/// An authenticated user: the principal `decide` judges, and the person they are, if linked.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuthUser {
    /// Who, with role and organisation.
    pub principal: Principal,
    /// The person id in the records, when the account is linked to one.
    pub person: Option<String>,
}

/// name, role, organisation, person, password hash.
type UserRow = (String, String, Option<String>, Option<String>, Option<String>);
/// hash, name, role, organisation, person.
type TokenRow = (String, String, String, Option<String>, Option<String>);

pub(crate) fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)).unwrap_or(0)
}

pub(crate) fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

pub(crate) fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

/// 32 random bytes from the operating system, as hex.
pub(crate) fn random_hex() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| Error::Random(e.to_string()))?;
    Ok(hex(&b))
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok { Ok(()) } else { Err(Error::Invalid(format!("`{name}`: a user name is 1–64 letters, digits, - _ . @"))) }
}

/// Hashes a password with argon2id (default parameters, random salt).
pub(crate) fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < 8 {
        return Err(Error::Invalid("a password has at least 8 characters".to_owned()));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Password(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

fn user_from_row(name: String, role: &str, organisation: Option<String>, person: Option<String>) -> Option<AuthUser> {
    let role = Role::parse(role)?;
    Some(AuthUser { principal: Principal { user: name, role, organisation }, person })
}

/// Adds or replaces a user (the password is optional: a user without one logs in only with
/// tokens). A `unit` needs its organisation's code; other roles take none.
pub(crate) async fn add_user_in(
    pool: &Pool,
    name: &str,
    role: Role,
    organisation: Option<&str>,
    password: Option<&str>,
) -> Result<()> {
    check_name(name)?;
    match (role, organisation) {
        (Role::Unit, None) => return Err(Error::Invalid("a unit user needs its organisation's code".to_owned())),
        (Role::Unit, Some(_)) | (_, None) => {}
        (_, Some(_)) => return Err(Error::Invalid(format!("a {role} user belongs to no organisation"))),
    }
    let hash = match password {
        Some(p) => {
            let p = p.to_owned();
            Some(
                tokio::task::spawn_blocking(move || hash_password(&p))
                    .await
                    .map_err(|e| Error::Password(e.to_string()))??,
            )
        }
        None => None,
    };
    const SQL: &str = "INSERT INTO server_users (name, role, organisation, password_hash, created) \
                       VALUES ($1, $2, $3, $4, $5) \
                       ON CONFLICT (name) DO UPDATE SET role = $2, organisation = $3, password_hash = $4";
    on_pool!(pool, |p| sqlx::query(SQL)
        .bind(name)
        .bind(role.id())
        .bind(organisation)
        .bind(hash.as_deref())
        .bind(now_secs())
        .execute(p)
        .await
        .map(|_| ()))
    .map_err(Error::db("add a user"))
}

/// Every user: (name, role, organisation, person).
pub(crate) async fn list_users_in(pool: &Pool) -> Result<Vec<AuthUser>> {
    const SQL: &str = "SELECT name, role, organisation, person FROM server_users ORDER BY name";
    let rows: Vec<(String, String, Option<String>, Option<String>)> =
        on_pool!(pool, |p| sqlx::query_as(SQL).fetch_all(p).await).map_err(Error::db("list users"))?;
    Ok(rows.into_iter().filter_map(|(n, r, o, p)| user_from_row(n, &r, o, p)).collect())
}

pub(crate) async fn user_in(pool: &Pool, name: &str) -> Result<Option<(AuthUser, Option<String>)>> {
    const SQL: &str = "SELECT name, role, organisation, person, password_hash FROM server_users WHERE name = $1";
    let row: Option<UserRow> =
        on_pool!(pool, |p| sqlx::query_as(SQL).bind(name).fetch_optional(p).await).map_err(Error::db("read a user"))?;
    Ok(row.and_then(|(n, r, o, p, h)| user_from_row(n, &r, o, p).map(|u| (u, h))))
}

/// Links a user to a person of the records (or unlinks with `None`).
pub(crate) async fn link_person_in(pool: &Pool, user: &str, person: Option<&str>) -> Result<()> {
    const SQL: &str = "UPDATE server_users SET person = $2 WHERE name = $1";
    let n = on_pool!(pool, |p| sqlx::query(SQL).bind(user).bind(person).execute(p).await.map(|r| r.rows_affected()))
        .map_err(Error::db("link a user to a person"))?;
    if n == 0 { Err(Error::Invalid(format!("no user `{user}`"))) } else { Ok(()) }
}

/// Creates an API token for `user`, named `token_name`; returns it (shown once: only its hash
/// is kept).
pub(crate) async fn create_token_in(pool: &Pool, user: &str, token_name: &str) -> Result<String> {
    if user_in(pool, user).await?.is_none() {
        return Err(Error::Invalid(format!("no user `{user}`")));
    }
    if token_name.trim().is_empty() || token_name.len() > 100 {
        return Err(Error::Invalid("a token name is 1–100 characters".to_owned()));
    }
    let secret = random_hex()?;
    let token = format!("{TOKEN_PREFIX}{secret}");
    let prefix = &secret[..8];
    const SQL: &str = "INSERT INTO server_tokens (hash, prefix, name, user_name, created) VALUES ($1, $2, $3, $4, $5)";
    on_pool!(pool, |p| sqlx::query(SQL)
        .bind(sha256_hex(&token))
        .bind(prefix)
        .bind(token_name)
        .bind(user)
        .bind(now_secs())
        .execute(p)
        .await
        .map(|_| ()))
    .map_err(Error::db("create a token"))?;
    Ok(token)
}

/// Revokes every token whose prefix (the 8 hex digits after `xhht_`) is `prefix`; returns how
/// many.
pub(crate) async fn revoke_token_in(pool: &Pool, prefix: &str) -> Result<u64> {
    const SQL: &str = "UPDATE server_tokens SET revoked = $2 WHERE prefix = $1 AND revoked IS NULL";
    on_pool!(pool, |p| sqlx::query(SQL).bind(prefix).bind(now_secs()).execute(p).await.map(|r| r.rows_affected()))
        .map_err(Error::db("revoke a token"))
}

/// The user a bearer token belongs to, if it is valid and not revoked.
pub(crate) async fn token_user(pool: &Pool, token: &str) -> Result<Option<AuthUser>> {
    let Some(secret) = token.strip_prefix(TOKEN_PREFIX) else { return Ok(None) };
    let Some(prefix) = secret.get(..8) else { return Ok(None) };
    let want = sha256_hex(token);
    const SQL: &str = "SELECT t.hash, u.name, u.role, u.organisation, u.person FROM server_tokens t \
                       JOIN server_users u ON u.name = t.user_name \
                       WHERE t.prefix = $1 AND t.revoked IS NULL";
    let rows: Vec<TokenRow> =
        on_pool!(pool, |p| sqlx::query_as(SQL).bind(prefix).fetch_all(p).await).map_err(Error::db("check a token"))?;
    for (hash, name, role, org, person) in rows {
        if bool::from(hash.as_bytes().ct_eq(want.as_bytes())) {
            return Ok(user_from_row(name, &role, org, person));
        }
    }
    Ok(None)
}

/// Checks a user's password (argon2 on a blocking thread); the user when it matches.
pub(crate) async fn login(pool: &Pool, name: &str, password: &str) -> Result<Option<AuthUser>> {
    let found = user_in(pool, name).await?;
    let (user, hash) = match found {
        Some((u, Some(h))) => (Some(u), h),
        // Spend the same time when the user does not exist, so timing tells nothing.
        _ => (None, dummy_hash()),
    };
    let password = password.to_owned();
    let ok = tokio::task::spawn_blocking(move || verify_password(&password, &hash))
        .await
        .map_err(|e| Error::Password(e.to_string()))?;
    Ok(if ok { user } else { None })
}

/// An argon2id hash of a password nobody has, verified against when the user does not exist.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        Argon2::default().hash_password(b"no such user, no such password").map(|h| h.to_string()).unwrap_or_default()
    })
    .clone()
}

/// Starts a session for `user` lasting `ttl_secs`; returns the cookie value.
pub(crate) async fn create_session(pool: &Pool, user: &str, ttl_secs: i64) -> Result<String> {
    let id = random_hex()?;
    let now = now_secs();
    const SQL: &str = "INSERT INTO server_sessions (id_hash, user_name, expires, created) VALUES ($1, $2, $3, $4)";
    on_pool!(pool, |p| sqlx::query(SQL)
        .bind(sha256_hex(&id))
        .bind(user)
        .bind(now.saturating_add(ttl_secs))
        .bind(now)
        .execute(p)
        .await
        .map(|_| ()))
    .map_err(Error::db("create a session"))?;
    // Expired sessions are removed now and then.
    const PURGE: &str = "DELETE FROM server_sessions WHERE expires < $1";
    on_pool!(pool, |p| sqlx::query(PURGE).bind(now).execute(p).await.map(|_| ()))
        .map_err(Error::db("remove expired sessions"))?;
    Ok(id)
}

/// The user of a session cookie, if the session exists and has not expired.
pub(crate) async fn session_user(pool: &Pool, cookie: &str) -> Result<Option<AuthUser>> {
    if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
        return Ok(None);
    }
    const SQL: &str = "SELECT u.name, u.role, u.organisation, u.person FROM server_sessions s \
                       JOIN server_users u ON u.name = s.user_name WHERE s.id_hash = $1 AND s.expires > $2";
    let row = on_pool!(pool, |p| sqlx::query(SQL)
        .bind(sha256_hex(cookie))
        .bind(now_secs())
        .fetch_optional(p)
        .await
        .and_then(|r| match r {
            Some(r) => Ok(Some((
                r.try_get::<String, _>(0)?,
                r.try_get::<String, _>(1)?,
                r.try_get::<Option<String>, _>(2)?,
                r.try_get::<Option<String>, _>(3)?,
            ))),
            None => Ok(None),
        }))
    .map_err(Error::db("check a session"))?;
    Ok(row.and_then(|(n, r, o, p)| user_from_row(n, &r, o, p)))
}

/// Ends a session.
pub(crate) async fn delete_session(pool: &Pool, cookie: &str) -> Result<()> {
    const SQL: &str = "DELETE FROM server_sessions WHERE id_hash = $1";
    on_pool!(pool, |p| sqlx::query(SQL).bind(sha256_hex(cookie)).execute(p).await.map(|_| ()))
        .map_err(Error::db("end a session"))
}

async fn pool_for(db_url: &str) -> Result<Pool> {
    Pool::open(db_url).await
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
    let role = Role::parse(role)
        .ok_or_else(|| Error::Invalid(format!("unknown role `{role}`: admin, reviewer, verifier, unit or viewer")))?;
    let pool = pool_for(db_url).await?;
    let out = add_user_in(&pool, name, role, organisation, password).await;
    pool.close().await;
    out
}

/// Creates an API token for `user` named `token_name` and returns it. Show it once: only its
/// SHA-256 is kept.
pub async fn create_token(db_url: &str, user: &str, token_name: &str) -> Result<String> {
    let pool = pool_for(db_url).await?;
    let out = create_token_in(&pool, user, token_name).await;
    pool.close().await;
    out
}

/// Revokes the tokens whose prefix (8 hex digits after `xhht_`) is `prefix`; returns how many.
pub async fn revoke_token(db_url: &str, prefix: &str) -> Result<u64> {
    let pool = pool_for(db_url).await?;
    let out = revoke_token_in(&pool, prefix).await;
    pool.close().await;
    out
}

/// Links `user` to the person `person` of the records (a head approves self-study plans as that
/// person), or unlinks it with `None`.
pub async fn link_person(db_url: &str, user: &str, person: Option<&str>) -> Result<()> {
    let pool = pool_for(db_url).await?;
    let out = link_person_in(&pool, user, person).await;
    pool.close().await;
    out
}
