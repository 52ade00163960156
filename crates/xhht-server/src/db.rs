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

    /// Moves the reward decisions that servers before store schema 4 kept in their own table
    /// `server_reward_decisions` into the store's proposals (audited like any write), then drops
    /// that table. A decision that no longer fits its proposal is left in the table and logged.
    pub(crate) async fn carry_over_reward_decisions(&self, store: &xhht_store::Store) -> Result<usize> {
        use xhht_core::record::{Decision, DecisionOutcome};
        let exists = match self {
            Pool::Sqlite(p) => sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'server_reward_decisions'",
            )
            .fetch_one(p)
            .await
            .map_err(Error::db("look for the old reward decisions"))?,
            Pool::Postgres(p) => sqlx::query_scalar::<_, i64>(
                "SELECT COUNT(*) FROM information_schema.tables \
                 WHERE table_schema = current_schema() AND table_name = 'server_reward_decisions'",
            )
            .fetch_one(p)
            .await
            .map_err(Error::db("look for the old reward decisions"))?,
        };
        if exists == 0 {
            return Ok(0);
        }
        type Row = (String, String, String, i64, String, String, String, Option<String>);
        const SQL: &str = "SELECT reward, subject_kind, subject_id, year, decision, decided_by, decided_on, note \
                           FROM server_reward_decisions ORDER BY year, reward, subject_kind, subject_id";
        let rows: Vec<Row> = on_pool!(self, |p| sqlx::query_as::<_, Row>(SQL).fetch_all(p).await)
            .map_err(Error::db("read the old reward decisions"))?;
        let mut carried = 0;
        let mut left = 0;
        let mut years: Vec<i64> = rows.iter().map(|r| r.3).collect();
        years.dedup();
        for year in years {
            let Ok(y) = i32::try_from(year) else {
                left += rows.iter().filter(|r| r.3 == year).count();
                continue;
            };
            let data = store.load_year(y).await?;
            let mut decided = Vec::new();
            for (reward, kind, id, _, decision, by, on, note) in rows.iter().filter(|r| r.3 == year) {
                let p = data.reward_proposals.iter().find(|p| {
                    p.reward() == reward
                        && p.subject().id() == id
                        && p.subject().to_string().split(' ').next() == Some(kind.as_str())
                });
                let outcome =
                    if decision == "approved" { DecisionOutcome::Approved } else { DecisionOutcome::Rejected };
                let on = chrono::NaiveDate::parse_from_str(on, "%Y-%m-%d");
                match (p, on) {
                    (Some(p), _) if p.decision().is_some() => carried += 1,
                    (Some(p), Ok(on)) => {
                        match p.clone().decide(Decision { by: by.clone(), on, outcome, note: note.clone() }) {
                            Ok(d) => decided.push(d),
                            Err(e) => {
                                tracing::warn!(%reward, %id, year, error = %e, "an old reward decision was not carried over");
                                left += 1;
                            }
                        }
                    }
                    _ => {
                        tracing::warn!(%reward, %id, year, "an old reward decision has no proposal or date; not carried over");
                        left += 1;
                    }
                }
            }
            carried += decided.len();
            store.put_reward_proposals("xhht-server (schema 4 carry-over)", &decided).await?;
        }
        if left == 0 {
            on_pool!(self, |p| sqlx::query("DROP TABLE IF EXISTS server_reward_decisions")
                .execute(p)
                .await
                .map(|_| ()))
            .map_err(Error::db("drop the old reward decisions"))?;
        }
        tracing::info!(carried, left, "reward decisions moved into the store");
        Ok(carried)
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
