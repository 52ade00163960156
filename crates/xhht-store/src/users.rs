//! Users, API tokens and dashboard sessions (tables `users`, `api_tokens`, `sessions`, schema
//! version 6), on both backends, so several server processes and the CLI share them.
//!
//! The store keeps what it is given: password hashes, token hashes and session id hashes are
//! made by the caller (`xhht-app`'s `auth`), never the secrets themselves. Adding or changing a
//! user and creating or revoking a token append an audit entry (without any hash) in the same
//! transaction; they do not move the data version, since no record changed. Sessions are not
//! audited. Times are Unix seconds, given by the caller (the store reads no clock).

use xhht_core::access::Role;

use crate::db::{Conn, Ty, Val};
use crate::error::{Error, Result};
use crate::store::{Store, read_tx, write_tx};

/// A user as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UserRecord {
    /// The user name (the principal's `user`).
    pub name: String,
    /// The role.
    pub role: Role,
    /// For a `unit`, its organisation's code.
    pub organisation: Option<String>,
    /// The person of the records this account is, if linked.
    pub person: Option<String>,
    /// The argon2id hash of the password (PHC string); `None`: tokens only.
    pub password_hash: Option<String>,
    /// When the user was first added (Unix seconds).
    pub created: i64,
}

/// A new API token, as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TokenRecord {
    /// The SHA-256 of the whole token, hex.
    pub hash: String,
    /// The 8 hex digits after `xhht_`, to find it.
    pub prefix: String,
    /// What the token is for.
    pub name: String,
    /// Whose it is.
    pub user: String,
    /// When it was made (Unix seconds).
    pub created: i64,
}

const USER_COLS: &str = "u.name, u.role, u.organisation, u.person, u.password_hash, u.created";

fn user_types() -> Vec<Ty> {
    vec![Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Text, Ty::Int]
}

fn user_from(vals: Vec<Val>) -> Result<UserRecord> {
    let mut it = vals.into_iter();
    let mut text = || it.next().and_then(Val::into_string);
    let name = text().unwrap_or_default();
    let role_id = text().unwrap_or_default();
    let role = Role::parse(&role_id)
        .ok_or_else(|| Error::corrupt("users", name.clone(), format!("role: `{role_id}` is no role")))?;
    let organisation = text();
    let person = text();
    let password_hash = text();
    let created = it.next().and_then(|v| v.as_int()).unwrap_or(0);
    Ok(UserRecord { name, role, organisation, person, password_hash, created })
}

/// The audit entry's JSON for a user: everything but the hash, which is only said to be there.
fn user_json(u: &UserRecord) -> String {
    serde_json::json!({
        "name": u.name,
        "role": u.role.id(),
        "organisation": u.organisation,
        "person": u.person,
        "password": u.password_hash.is_some(),
    })
    .to_string()
}

async fn fetch_user<C: Conn>(c: &mut C, name: &str) -> Result<Option<UserRecord>> {
    let sql = format!("SELECT {USER_COLS} FROM users u WHERE u.name = $1");
    c.fetch(sql, vec![Val::text(name)], user_types()).await?.into_iter().next().map(user_from).transpose()
}

impl Store {
    /// Adds a user, or changes an existing one's role, organisation and password hash (the
    /// linked person and the creation time are kept). Audited as `actor`.
    pub async fn put_user(&self, actor: &str, user: &UserRecord) -> Result<()> {
        write_tx!(self, actor, |c, audit| {
            let before = fetch_user(c, &user.name).await?;
            c.exec(
                "INSERT INTO users (name, role, organisation, person, password_hash, created) \
                 VALUES ($1, $2, $3, $4, $5, $6) \
                 ON CONFLICT (name) DO UPDATE SET role = excluded.role, organisation = excluded.organisation, \
                 password_hash = excluded.password_hash"
                    .to_owned(),
                vec![
                    Val::text(&user.name),
                    Val::text(user.role.id()),
                    Val::opt_text(user.organisation.clone()),
                    Val::opt_text(user.person.clone()),
                    Val::opt_text(user.password_hash.clone()),
                    Val::int(user.created),
                ],
            )
            .await?;
            let after = fetch_user(c, &user.name).await?;
            // A change of role, organisation or password ends the user's sessions and revokes
            // their tokens: what was granted under the old one does not outlive it.
            // Revoked at the time of the change (the record's `created` is the caller's now).
            if let (Some(b), Some(a)) = (&before, &after)
                && (b.role != a.role || b.organisation != a.organisation || b.password_hash != a.password_hash)
            {
                end_credentials(c, &mut audit, &user.name, user.created.max(0)).await?;
            }
            if before != after {
                let action = if before.is_some() { "update" } else { "insert" };
                audit.push(
                    "users",
                    user.name.clone(),
                    action,
                    before.as_ref().map(user_json),
                    after.as_ref().map(user_json),
                );
            }
        });
        Ok(())
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<UserRecord>> {
        let sql = format!("SELECT {USER_COLS} FROM users u ORDER BY u.name");
        let rows = read_tx!(self, |c| { c.fetch(sql, vec![], user_types()).await? });
        rows.into_iter().map(user_from).collect()
    }

    /// One user.
    pub async fn user(&self, name: &str) -> Result<Option<UserRecord>> {
        read_tx!(self, |c| { fetch_user(c, name).await })
    }

    /// Links a user to a person of the records (`None` unlinks); false when there is no such
    /// user. Audited as `actor`.
    pub async fn link_user_person(&self, actor: &str, user: &str, person: Option<&str>) -> Result<bool> {
        Ok(write_tx!(self, actor, |c, audit| {
            match fetch_user(c, user).await? {
                None => false,
                Some(before) => {
                    c.exec(
                        "UPDATE users SET person = $2 WHERE name = $1".to_owned(),
                        vec![Val::text(user), Val::opt_text(person)],
                    )
                    .await?;
                    let after = UserRecord { person: person.map(str::to_owned), ..before.clone() };
                    if after != before {
                        audit.push(
                            "users",
                            user.to_owned(),
                            "update",
                            Some(user_json(&before)),
                            Some(user_json(&after)),
                        );
                    }
                    true
                }
            }
        }))
    }

    /// Keeps a new API token (its hash). The user must exist. Audited as `actor` (name and
    /// prefix only).
    pub async fn add_token(&self, actor: &str, token: &TokenRecord) -> Result<()> {
        write_tx!(self, actor, |c, audit| {
            if fetch_user(c, &token.user).await?.is_none() {
                return Err(Error::NotFound { table: "users", key: token.user.clone() });
            }
            c.exec(
                "INSERT INTO api_tokens (hash, prefix, name, user_name, created) VALUES ($1, $2, $3, $4, $5)"
                    .to_owned(),
                vec![
                    Val::text(&token.hash),
                    Val::text(&token.prefix),
                    Val::text(&token.name),
                    Val::text(&token.user),
                    Val::int(token.created),
                ],
            )
            .await?;
            let after = serde_json::json!({"user": token.user, "name": token.name, "prefix": token.prefix});
            audit.push(
                "api_tokens",
                format!("{}/{}", token.user, token.prefix),
                "insert",
                None,
                Some(after.to_string()),
            );
        });
        Ok(())
    }

    /// The tokens not revoked whose prefix is `prefix`, each as (hash, its user).
    pub async fn tokens_with_prefix(&self, prefix: &str) -> Result<Vec<(String, UserRecord)>> {
        let sql = format!(
            "SELECT t.hash, {USER_COLS} FROM api_tokens t JOIN users u ON u.name = t.user_name \
             WHERE t.prefix = $1 AND t.revoked IS NULL ORDER BY t.hash"
        );
        let mut types = vec![Ty::Text];
        types.extend(user_types());
        let rows = read_tx!(self, |c| { c.fetch(sql, vec![Val::text(prefix)], types).await? });
        rows.into_iter()
            .map(|mut vals| {
                let hash = vals.remove(0).into_string().unwrap_or_default();
                Ok((hash, user_from(vals)?))
            })
            .collect()
    }

    /// Revokes, at `at`, every token not yet revoked whose prefix is `prefix`; returns how many.
    /// Audited as `actor`.
    pub async fn revoke_tokens(&self, actor: &str, prefix: &str, at: i64) -> Result<u64> {
        Ok(write_tx!(self, actor, |c, audit| {
            let n = c
                .exec(
                    "UPDATE api_tokens SET revoked = $2 WHERE prefix = $1 AND revoked IS NULL".to_owned(),
                    vec![Val::text(prefix), Val::int(at)],
                )
                .await?;
            if n > 0 {
                let after = serde_json::json!({"prefix": prefix, "revoked": at, "tokens": n});
                audit.push("api_tokens", prefix.to_owned(), "update", None, Some(after.to_string()));
            }
            n
        }))
    }

    /// Ends every session of `user` and revokes, at `at`, every token of theirs not yet revoked
    /// (audited per token prefix, as [`Store::revoke_tokens`]); returns how many tokens.
    pub async fn revoke_user_tokens(&self, actor: &str, user: &str, at: i64) -> Result<u64> {
        Ok(write_tx!(self, actor, |c, audit| { end_credentials(c, &mut audit, user, at).await? }))
    }

    /// Starts a session (the hash of its id) for `user`, valid until `expires`; removes the
    /// sessions that expired before `now`.
    pub async fn add_session(&self, id_hash: &str, user: &str, expires: i64, now: i64) -> Result<()> {
        write_tx!(self, "session", |c, _audit| {
            c.exec(
                "INSERT INTO sessions (id_hash, user_name, expires, created) VALUES ($1, $2, $3, $4)".to_owned(),
                vec![Val::text(id_hash), Val::text(user), Val::int(expires), Val::int(now)],
            )
            .await?;
            c.exec("DELETE FROM sessions WHERE expires < $1".to_owned(), vec![Val::int(now)]).await?;
        });
        Ok(())
    }

    /// The user of a session (by the hash of its id), if it exists and has not expired at `now`.
    pub async fn session_user(&self, id_hash: &str, now: i64) -> Result<Option<UserRecord>> {
        let sql = format!(
            "SELECT {USER_COLS} FROM sessions s JOIN users u ON u.name = s.user_name \
             WHERE s.id_hash = $1 AND s.expires > $2"
        );
        let rows = read_tx!(self, |c| { c.fetch(sql, vec![Val::text(id_hash), Val::int(now)], user_types()).await? });
        rows.into_iter().next().map(user_from).transpose()
    }

    /// Ends a session.
    pub async fn delete_session(&self, id_hash: &str) -> Result<()> {
        write_tx!(self, "session", |c, _audit| {
            c.exec("DELETE FROM sessions WHERE id_hash = $1".to_owned(), vec![Val::text(id_hash)]).await?;
        });
        Ok(())
    }
}

/// Ends every session of `user` and revokes, at `at`, every token of theirs not yet revoked,
/// audited per token prefix as [`Store::revoke_tokens`] audits it; returns how many tokens.
async fn end_credentials<C: Conn>(c: &mut C, audit: &mut crate::audit::Audit, user: &str, at: i64) -> Result<u64> {
    c.exec("DELETE FROM sessions WHERE user_name = $1".to_owned(), vec![Val::text(user)]).await?;
    let live = c
        .fetch(
            "SELECT DISTINCT prefix FROM api_tokens WHERE user_name = $1 AND revoked IS NULL ORDER BY prefix"
                .to_owned(),
            vec![Val::text(user)],
            vec![Ty::Text],
        )
        .await?;
    let mut total = 0;
    for row in live {
        let prefix = row.into_iter().next().and_then(Val::into_string).unwrap_or_default();
        let n = c
            .exec(
                "UPDATE api_tokens SET revoked = $2 WHERE prefix = $1 AND user_name = $3 AND revoked IS NULL"
                    .to_owned(),
                vec![Val::text(&prefix), Val::int(at), Val::text(user)],
            )
            .await?;
        if n > 0 {
            let after = serde_json::json!({"prefix": prefix, "user": user, "revoked": at, "tokens": n});
            audit.push("api_tokens", prefix.clone(), "update", None, Some(after.to_string()));
        }
        total += n;
    }
    Ok(total)
}
