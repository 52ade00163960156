//! Users, API tokens and sessions: who may log in, and as whom a request or a command acts.
//!
//! - **Users** have a name, a role ([`xhht_core::access::Role`]), for a `unit` its
//!   organisation's code, optionally the person they are in the records (to approve
//!   self-study plans as a head), and an argon2id password hash (for the dashboard).
//! - **API tokens** are 32 random bytes from the operating system, shown once as
//!   `xhht_<64 hex digits>`; the store keeps their SHA-256 and an 8-digit prefix to find them,
//!   and the hash is compared in constant time.
//! - **Sessions** (dashboard login) are 32 random bytes; the store keeps their SHA-256 and
//!   expiry.
//!
//! The store holds the tables (`users`, `api_tokens`, `sessions`); this module makes and checks
//! the secrets. Times are the clock's: they stamp accounts, they decide no rule.

use std::time::{SystemTime, UNIX_EPOCH};

use argon2::Argon2;
use argon2::password_hash::phc::PasswordHash;
use argon2::password_hash::{PasswordHasher, PasswordVerifier};
use sha2::{Digest, Sha256};
use subtle::ConstantTimeEq;
use xhht_core::access::{Principal, Role};
use xhht_store::{TokenRecord, UserRecord};

use crate::App;
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

impl AuthUser {
    /// Whoever runs the command line on the database: they can open the file (or hold the
    /// database URL's password), so they act as an administrator, named `name` in the audit
    /// trail.
    pub fn local(name: impl Into<String>) -> Self {
        AuthUser {
            principal: Principal { user: name.into(), role: Role::Admin, organisation: None, person: None },
            person: None,
        }
    }
}

impl From<UserRecord> for AuthUser {
    fn from(u: UserRecord) -> Self {
        AuthUser {
            principal: Principal { user: u.name, role: u.role, organisation: u.organisation, person: u.person.clone() },
            person: u.person,
        }
    }
}

fn now_secs() -> i64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map(|d| i64::try_from(d.as_secs()).unwrap_or(i64::MAX)).unwrap_or(0)
}

fn hex(bytes: &[u8]) -> String {
    const DIGITS: &[u8; 16] = b"0123456789abcdef";
    let mut s = String::with_capacity(bytes.len() * 2);
    for b in bytes {
        s.push(char::from(DIGITS[usize::from(b >> 4)]));
        s.push(char::from(DIGITS[usize::from(b & 0xf)]));
    }
    s
}

/// The SHA-256 of `s`, hex: what the store keeps of a token or a session id.
pub fn sha256_hex(s: &str) -> String {
    hex(&Sha256::digest(s.as_bytes()))
}

/// 32 random bytes from the operating system, as hex.
fn random_hex() -> Result<String> {
    let mut b = [0u8; 32];
    getrandom::fill(&mut b).map_err(|e| Error::Random(e.to_string()))?;
    Ok(hex(&b))
}

fn check_name(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.' | '@'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid("name", format!("`{name}`: a user name is 1–64 letters, digits, - _ . @")))
    }
}

/// Hashes a password with argon2id (default parameters, random salt).
fn hash_password(password: &str) -> Result<String> {
    if password.chars().count() < 8 {
        return Err(Error::invalid("password", "a password has at least 8 characters"));
    }
    Argon2::default()
        .hash_password(password.as_bytes())
        .map(|h| h.to_string())
        .map_err(|e| Error::Password(e.to_string()))
}

fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// An argon2id hash of a password nobody has, verified against when the user does not exist.
fn dummy_hash() -> String {
    static HASH: std::sync::OnceLock<String> = std::sync::OnceLock::new();
    HASH.get_or_init(|| {
        Argon2::default().hash_password(b"no such user, no such password").map(|h| h.to_string()).unwrap_or_default()
    })
    .clone()
}

async fn blocking<T: Send + 'static>(f: impl FnOnce() -> T + Send + 'static) -> Result<T> {
    tokio::task::spawn_blocking(f).await.map_err(|e| Error::Task(e.to_string()))
}

impl App {
    /// Adds a user — never replaces one: an existing name is [`Error::Conflict`] (`role`: `admin`, `reviewer`, `verifier`, `unit` or `viewer`; a
    /// `unit` needs its organisation's code, other roles take none). The password (at least 8
    /// characters) is optional: a user without one logs in only with tokens. `actor` is who
    /// does it, for the audit trail.
    pub async fn add_user(
        &self,
        actor: &str,
        name: &str,
        role: &str,
        organisation: Option<&str>,
        password: Option<&str>,
    ) -> Result<()> {
        let role = Role::parse(role).ok_or_else(|| {
            Error::invalid("role", format!("unknown role `{role}`: admin, reviewer, verifier, unit or viewer"))
        })?;
        check_name(name)?;
        if self.store().user(name).await?.is_some() {
            return Err(Error::Conflict(format!(
                "đã có tài khoản “{name}” / there is already a user named “{name}”: change it with `xhht user password` or `xhht user role`"
            )));
        }
        match (role, organisation) {
            (Role::Member, _) => {
                return Err(Error::invalid(
                    "person",
                    "tài khoản cá nhân gắn với một người: dùng `xhht user add TÊN member --person MÃ` / a member account is linked to one person: give --person (App::add_member)",
                ));
            }
            (Role::Unit, None) => {
                return Err(Error::invalid("organisation", "a unit user needs its organisation's code"));
            }
            (Role::Unit, Some(_)) | (_, None) => {}
            (_, Some(_)) => {
                return Err(Error::invalid("organisation", format!("a {role} user belongs to no organisation")));
            }
        }
        let password_hash = match password {
            Some(p) => {
                let p = p.to_owned();
                Some(blocking(move || hash_password(&p)).await??)
            }
            None => None,
        };
        let user = UserRecord {
            name: name.to_owned(),
            role,
            organisation: organisation.map(str::to_owned),
            person: None,
            password_hash,
            created: now_secs(),
        };
        Ok(self.store().put_user(actor, &user).await?)
    }

    /// Adds a person's own account (role `member`) linked to `person`, who must be on record:
    /// it reads and writes that person's own registration, commitment, self-study plan and
    /// self-assessment, nothing else. Conflict when the name is taken.
    pub async fn add_member(&self, actor: &str, name: &str, person: &str, password: Option<&str>) -> Result<()> {
        check_name(name)?;
        if self.store().user(name).await?.is_some() {
            return Err(Error::Conflict(format!("đã có tài khoản “{name}” / there is already a user named “{name}”")));
        }
        if self.store().person(person).await?.is_none() {
            return Err(Error::invalid(
                "person",
                format!("không có người mã “{person}” / no person “{person}” on record"),
            ));
        }
        let password_hash = match password {
            Some(p) => {
                let p = p.to_owned();
                Some(blocking(move || hash_password(&p)).await??)
            }
            None => None,
        };
        let user = UserRecord {
            name: name.to_owned(),
            role: Role::Member,
            organisation: None,
            person: Some(person.to_owned()),
            password_hash,
            created: now_secs(),
        };
        Ok(self.store().put_user(actor, &user).await?)
    }

    /// Every user, by name.
    pub async fn users(&self) -> Result<Vec<AuthUser>> {
        Ok(self.store().users().await?.into_iter().map(AuthUser::from).collect())
    }

    /// Links `user` to the person `person` of the records (a head approves self-study plans as
    /// that person), or unlinks it with `None`.
    pub async fn link_person(&self, actor: &str, user: &str, person: Option<&str>) -> Result<()> {
        if let Some(p) = person
            && self.store().person(p).await?.is_none()
        {
            return Err(Error::invalid("person", format!("không có người mã “{p}” / no person “{p}” on record")));
        }
        if self.store().link_user_person(actor, user, person).await? {
            Ok(())
        } else {
            Err(Error::NotFound(format!("no user `{user}`")))
        }
    }

    /// Creates an API token for `user`, named `token_name`, and returns it: show it once, only
    /// its SHA-256 is kept.
    pub async fn create_token(&self, actor: &str, user: &str, token_name: &str) -> Result<String> {
        if self.store().user(user).await?.is_none() {
            return Err(Error::NotFound(format!("no user `{user}`")));
        }
        if token_name.trim().is_empty() || token_name.len() > 100 {
            return Err(Error::invalid("name", "a token name is 1–100 characters"));
        }
        let secret = random_hex()?;
        let token = format!("{TOKEN_PREFIX}{secret}");
        let record = TokenRecord {
            hash: sha256_hex(&token),
            prefix: secret[..8].to_owned(),
            name: token_name.to_owned(),
            user: user.to_owned(),
            created: now_secs(),
        };
        self.store().add_token(actor, &record).await?;
        Ok(token)
    }

    /// Gives `name` a new password (none: the account logs in only with tokens). Every session
    /// and token of the account ends with the old password.
    pub async fn set_password(&self, actor: &str, name: &str, password: Option<&str>) -> Result<()> {
        let mut user = self.store().user(name).await?.ok_or_else(|| Error::NotFound(format!("no user `{name}`")))?;
        user.password_hash = match password {
            Some(p) => {
                let p = p.to_owned();
                Some(blocking(move || hash_password(&p)).await??)
            }
            None => None,
        };
        user.created = now_secs();
        Ok(self.store().put_user(actor, &user).await?)
    }

    /// Disables `name`: its password is removed and every session and token it holds ends, so
    /// it can no longer log in by any means. An administrator enables it again by giving it a
    /// new password ([`App::set_password`]) or a new token.
    pub async fn disable_user(&self, actor: &str, name: &str) -> Result<()> {
        let mut user = self.store().user(name).await?.ok_or_else(|| Error::NotFound(format!("no user `{name}`")))?;
        user.password_hash = None;
        user.created = now_secs();
        self.store().put_user(actor, &user).await?;
        // Without a password change (it had none), its tokens are revoked here.
        self.store().revoke_user_tokens(actor, name, now_secs()).await?;
        Ok(())
    }

    /// Revokes the tokens whose prefix (8 hex digits after `xhht_`) is `prefix`; returns how
    /// many.
    pub async fn revoke_token(&self, actor: &str, prefix: &str) -> Result<u64> {
        Ok(self.store().revoke_tokens(actor, prefix, now_secs()).await?)
    }

    /// The user a bearer token belongs to, if it is valid and not revoked.
    pub async fn token_user(&self, token: &str) -> Result<Option<AuthUser>> {
        let Some(secret) = token.strip_prefix(TOKEN_PREFIX) else { return Ok(None) };
        let Some(prefix) = secret.get(..8) else { return Ok(None) };
        let want = sha256_hex(token);
        for (hash, user) in self.store().tokens_with_prefix(prefix).await? {
            if bool::from(hash.as_bytes().ct_eq(want.as_bytes())) {
                return Ok(Some(user.into()));
            }
        }
        Ok(None)
    }

    /// Checks a user's password (argon2 on a blocking thread); the user when it matches. An
    /// unknown user costs the same time as a wrong password.
    pub async fn login(&self, name: &str, password: &str) -> Result<Option<AuthUser>> {
        let found = self.store().user(name).await?;
        let (user, hash) = match found {
            Some(u) if u.password_hash.is_some() => {
                let h = u.password_hash.clone().unwrap_or_default();
                (Some(u), h)
            }
            _ => (None, dummy_hash()),
        };
        let password = password.to_owned();
        let ok = blocking(move || verify_password(&password, &hash)).await?;
        Ok(if ok { user.map(AuthUser::from) } else { None })
    }

    /// Starts a session for `user` lasting `ttl_secs`; returns the cookie value.
    pub async fn create_session(&self, user: &str, ttl_secs: i64) -> Result<String> {
        let id = random_hex()?;
        let now = now_secs();
        self.store().add_session(&sha256_hex(&id), user, now.saturating_add(ttl_secs), now).await?;
        Ok(id)
    }

    /// The user of a session cookie, if the session exists and has not expired.
    pub async fn session_user(&self, cookie: &str) -> Result<Option<AuthUser>> {
        if cookie.len() != 64 || !cookie.bytes().all(|b| b.is_ascii_hexdigit()) {
            return Ok(None);
        }
        Ok(self.store().session_user(&sha256_hex(cookie), now_secs()).await?.map(AuthUser::from))
    }

    /// Ends a session.
    pub async fn end_session(&self, cookie: &str) -> Result<()> {
        Ok(self.store().delete_session(&sha256_hex(cookie)).await?)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hashes_are_hex_sha256_and_names_are_checked() {
        assert_eq!(sha256_hex("abc"), "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
        assert!(check_name("unit.a-1@x").is_ok());
        assert!(check_name("").is_err() && check_name("a b").is_err() && check_name(&"x".repeat(65)).is_err());
        assert!(hash_password("short").is_err());
    }
}
