//! The server's own tables (users, API tokens, sessions) on its own sqlx pool
//! to the same database as the store, SQLite or PostgreSQL, in portable SQL (`$N` placeholders,
//! `TEXT` and `BIGINT` columns only). Created with `CREATE TABLE IF NOT EXISTS` on startup, so
//! several server processes can share one database.

use std::path::PathBuf;
use std::str::FromStr;
use std::time::Duration;

use sqlx::postgres::{PgConnectOptions, PgPool, PgPoolOptions};
use sqlx::sqlite::{SqliteConnectOptions, SqliteJournalMode, SqlitePool, SqlitePoolOptions, SqliteSynchronous};

use crate::error::{Error, Result};

/// A pool on either backend.
#[derive(Debug, Clone)]
pub(crate) enum Pool {
    /// SQLite (a file).
    Sqlite(SqlitePool),
    /// PostgreSQL.
    Postgres(PgPool),
}

/// Runs `$body` with `$p` bound to the backend's pool; both arms must give the same type.
macro_rules! on_pool {
    ($pool:expr, |$p:ident| $body:expr) => {
        match $pool {
            $crate::db::Pool::Sqlite($p) => $body,
            $crate::db::Pool::Postgres($p) => $body,
        }
    };
}
pub(crate) use on_pool;

const SCHEMA: [&str; 5] = [
    "CREATE TABLE IF NOT EXISTS server_users (
        name TEXT PRIMARY KEY,
        role TEXT NOT NULL,
        organisation TEXT,
        person TEXT,
        password_hash TEXT,
        created BIGINT NOT NULL
    )",
    "CREATE TABLE IF NOT EXISTS server_tokens (
        hash TEXT PRIMARY KEY,
        prefix TEXT NOT NULL,
        name TEXT NOT NULL,
        user_name TEXT NOT NULL REFERENCES server_users (name),
        created BIGINT NOT NULL,
        revoked BIGINT
    )",
    "CREATE INDEX IF NOT EXISTS server_tokens_prefix ON server_tokens (prefix)",
    "CREATE TABLE IF NOT EXISTS server_sessions (
        id_hash TEXT PRIMARY KEY,
        user_name TEXT NOT NULL REFERENCES server_users (name),
        expires BIGINT NOT NULL,
        created BIGINT NOT NULL
    )",
    "CREATE INDEX IF NOT EXISTS server_sessions_expires ON server_sessions (expires)",
];

/// What a database target names.
fn sqlite_path(target: &str) -> Option<PathBuf> {
    let t = target.trim();
    if t.starts_with("postgres://") || t.starts_with("postgresql://") {
        return None;
    }
    let path = t.strip_prefix("sqlite://").or_else(|| t.strip_prefix("sqlite:")).unwrap_or(t);
    Some(PathBuf::from(path.split('?').next().unwrap_or(path)))
}

impl Pool {
    /// Connects to `target` (the same forms as `xhht_store::Store::open`) and creates the
    /// server's tables when missing. Call after the store has opened (and migrated) the database.
    pub(crate) async fn open(target: &str) -> Result<Pool> {
        let pool = match sqlite_path(target) {
            Some(path) => {
                let opts = SqliteConnectOptions::new()
                    .filename(path)
                    .create_if_missing(true)
                    .journal_mode(SqliteJournalMode::Wal)
                    .busy_timeout(Duration::from_secs(30))
                    .synchronous(SqliteSynchronous::Normal);
                Pool::Sqlite(
                    SqlitePoolOptions::new()
                        .max_connections(4)
                        .connect_with(opts)
                        .await
                        .map_err(Error::db("open the server's connection pool"))?,
                )
            }
            None => {
                let opts = PgConnectOptions::from_str(target).map_err(Error::db("parse the database URL"))?;
                Pool::Postgres(
                    PgPoolOptions::new()
                        .max_connections(6)
                        .acquire_timeout(Duration::from_secs(30))
                        .connect_with(opts)
                        .await
                        .map_err(Error::db("open the server's connection pool"))?,
                )
            }
        };
        // Two processes starting together may race on CREATE TABLE in PostgreSQL: try again once.
        if pool.create_tables().await.is_err() {
            tokio::time::sleep(Duration::from_millis(200)).await;
            pool.create_tables().await?;
        }
        Ok(pool)
    }

    async fn create_tables(&self) -> Result<()> {
        for sql in SCHEMA {
            on_pool!(self, |p| sqlx::query(sql).execute(p).await.map(|_| ()))
                .map_err(Error::db("create the server's tables"))?;
        }
        Ok(())
    }

    /// The data version: the last audit entry's number (every write through the store appends
    /// one).
    pub(crate) async fn data_version(&self) -> Result<i64> {
        const SQL: &str = "SELECT COALESCE((SELECT MAX(seq) FROM audit_log), 0)";
        on_pool!(self, |p| sqlx::query_scalar::<_, i64>(SQL).fetch_one(p).await)
            .map_err(Error::db("read the data version"))
    }

    /// Closes the pool.
    pub(crate) async fn close(&self) {
        on_pool!(self, |p| p.close().await);
    }
}
