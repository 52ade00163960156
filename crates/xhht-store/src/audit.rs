//! The audit trail: an append-only, hash-chained log of every change.
//!
//! Each entry says who (`actor`), when (`at`, the database's clock at the start of the
//! transaction, UTC), what (`table_name`, `row_key`, `action` = `insert` | `update` | `delete`,
//! and the row `before` and `after` as JSON), and carries `prev_hash`, the hash of the entry
//! before it (64 zeros for the first), and its own `hash`. An `update` or `delete` entry is about
//! one row (`row_key` its natural key, parts joined by `/`; `before` and `after` are JSON objects,
//! column → value, with `row_version`). An `insert` entry holds up to 1,000 rows added by one
//! write: `row_key` is the key of the first, and `after` is
//! `{"columns": ["id", …, "row_version"], "rows": [["P1", …, 1], …]}` — every value of every row,
//! the column names once (a child table, such as the values of an assessment, is the last
//! column: `{"assessment_values": [its columns]}`, and each row's last element the array of its
//! child rows). A bulk import of a million rows writes a thousand entries, not a million. Every
//! value ever written is in the log, so the tables can be replayed from it.
//!
//! The hash of an entry, over its fields in a canonical form:
//!
//! ```text
//! c(domain) = domain ‖ f(seq) ‖ f(at) ‖ f(actor) ‖ f(table_name) ‖ f(row_key) ‖ f(action)
//!             ‖ f(before) ‖ f(after) ‖ f(prev_hash)
//! f(text)   = decimal byte length ‖ ":" ‖ UTF-8 bytes ‖ "\n";   f(NULL) = "-\n"
//!
//! unkeyed (v1):  hash = hex(SHA-256(c("xhht-audit-v1\n")))
//! keyed (v2):    hash = "hmac:" ‖ hex(HMAC-SHA256(key, c("xhht-audit-v2-hmac\n")))
//! ```
//!
//! in lower-case hex. The length prefixes make the serialisation unambiguous, and the JSON is
//! hashed exactly as stored (it is kept as text, never re-encoded). Entries are numbered from 1
//! with no gaps; `prev_hash` is the previous entry's `hash` column as stored (prefix included).
//! A store given an [`AuditKey`] (a secret kept outside the database, see [`key`]) writes keyed
//! entries; the `hmac:` prefix says which scheme an entry uses, so no schema change was needed
//! and databases written before keep verifying. Once a chain holds a keyed entry, every entry
//! after it must be keyed: a store without the key (or with another key) refuses to extend it,
//! and the verifier reports an unkeyed entry after a keyed one as a break.
//!
//! [`verify`] walks the chain in order and reports the first entry whose hash, link or number
//! does not match, the chain's head (its last entry: publish it elsewhere to detect entries
//! removed from the end later) and, when asked, compares the head with one published before
//! ([`ExpectedHead`]) and replays the trail into the tables it describes and compares them
//! with what they hold ([`deep`]). Writers serialise on the chain: SQLite has one writer;
//! PostgreSQL takes a transaction-scoped advisory lock before reading the last entry.
//!
//! The database also refuses `UPDATE` and `DELETE` on the table (triggers), so changing an entry
//! needs deliberate effort — and the chain shows it. `docs/audit.md` says what each check
//! detects and what it does not.
//!
//! A transaction whose entries touch a record the rules engine reads (any table but `results`,
//! the accounts and the evidence files) also sets the data
//! version to its last entry's number before it commits (`Audit::finish`; see
//! `crate::digest`).

mod deep;
mod key;
mod verify;

pub use deep::{DeepReport, Difference, DifferenceKind, TableCheck};
pub use key::{AUDIT_KEY_ENV, AuditKey};
pub use verify::{AuditCheck, AuditHead, AuditReport, BrokenLink, ExpectedHead, HeadCheck};
pub(crate) use verify::{check, deep_only};

use xhht_core::rulebook::sha256_hex;

use crate::db::{Conn, Ty, Val, tuples};
use crate::error::{Error, Result};
use crate::schema::AUDIT_LOG;

/// The `prev_hash` of the first entry.
pub const GENESIS: &str = "0000000000000000000000000000000000000000000000000000000000000000";

/// The prefix of a keyed entry's hash.
pub(crate) const KEYED_PREFIX: &str = "hmac:";

/// The advisory lock key PostgreSQL writers take (any fixed number; "xhht" in ASCII).
const PG_LOCK_KEY: i64 = 0x7868_6874;

/// One audit entry as stored.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditEntry {
    /// The entry's number, from 1.
    pub seq: i64,
    /// When (UTC, ISO 8601, from the database).
    pub at: String,
    /// Who.
    pub actor: String,
    /// The table changed.
    pub table_name: String,
    /// The natural key of the row, parts joined by `/`.
    pub row_key: String,
    /// `insert`, `update` or `delete`.
    pub action: String,
    /// The row before, as JSON (none for an insert).
    pub before: Option<String>,
    /// The row after, as JSON (none for a delete).
    pub after: Option<String>,
    /// The hash of the entry before.
    pub prev_hash: String,
    /// This entry's hash: 64 hex digits (unkeyed), or `hmac:` and 64 hex digits (keyed).
    pub hash: String,
}

impl AuditEntry {
    /// Appends the canonical form of the entry under `domain` (see the module documentation).
    fn canonical(&self, domain: &[u8], buf: &mut Vec<u8>) {
        buf.reserve(128 + self.before.as_ref().map_or(0, String::len) + self.after.as_ref().map_or(0, String::len));
        buf.extend_from_slice(domain);
        let seq = self.seq.to_string();
        for f in [
            Some(seq.as_str()),
            Some(self.at.as_str()),
            Some(self.actor.as_str()),
            Some(self.table_name.as_str()),
            Some(self.row_key.as_str()),
            Some(self.action.as_str()),
            self.before.as_deref(),
            self.after.as_deref(),
            Some(self.prev_hash.as_str()),
        ] {
            match f {
                Some(s) => {
                    buf.extend_from_slice(s.len().to_string().as_bytes());
                    buf.push(b':');
                    buf.extend_from_slice(s.as_bytes());
                    buf.push(b'\n');
                }
                None => buf.extend_from_slice(b"-\n"),
            }
        }
    }

    /// The unkeyed hash this entry should carry, computed from its fields (SHA-256, domain
    /// `xhht-audit-v1`): what anyone can compute.
    pub fn compute_hash(&self) -> String {
        let mut buf = Vec::new();
        self.canonical(b"xhht-audit-v1\n", &mut buf);
        sha256_hex(&buf)
    }

    /// The keyed hash this entry should carry with `key`: `hmac:` and the HMAC-SHA256 of its
    /// fields (domain `xhht-audit-v2-hmac`).
    pub fn compute_keyed_hash(&self, key: &AuditKey) -> String {
        let mut buf = key.inner_start();
        self.canonical(b"xhht-audit-v2-hmac\n", &mut buf);
        let mut out = String::with_capacity(KEYED_PREFIX.len() + 64);
        out.push_str(KEYED_PREFIX);
        out.push_str(&key.finish(&buf));
        out
    }

    /// Whether the entry carries a keyed hash (`hmac:…`).
    pub fn is_keyed(&self) -> bool {
        self.hash.starts_with(KEYED_PREFIX)
    }

    fn vals(self) -> Vec<Val> {
        vec![
            Val::int(self.seq),
            Val::text(self.at),
            Val::text(self.actor),
            Val::text(self.table_name),
            Val::text(self.row_key),
            Val::text(self.action),
            Val::Text(self.before),
            Val::Text(self.after),
            Val::text(self.prev_hash),
            Val::text(self.hash),
        ]
    }

    pub(crate) fn from_vals(v: Vec<Val>) -> AuditEntry {
        let mut it = v.into_iter();
        let mut text = || match it.next() {
            Some(Val::Text(s)) => s,
            Some(Val::Int(i)) => i.map(|i| i.to_string()),
            _ => None,
        };
        let seq = text().and_then(|s| s.parse().ok()).unwrap_or(0);
        AuditEntry {
            seq,
            at: text().unwrap_or_default(),
            actor: text().unwrap_or_default(),
            table_name: text().unwrap_or_default(),
            row_key: text().unwrap_or_default(),
            action: text().unwrap_or_default(),
            before: text(),
            after: text(),
            prev_hash: text().unwrap_or_default(),
            hash: text().unwrap_or_default(),
        }
    }
}

/// The entries a transaction appends, chained as they are added and written in batches.
#[derive(Debug)]
pub(crate) struct Audit {
    actor: String,
    pub(crate) at: String,
    last_seq: i64,
    last_hash: String,
    /// The key entries are written with (none: unkeyed).
    key: Option<AuditKey>,
    /// The number and hash of the chain's last entry when the transaction began.
    base: (i64, String),
    /// Whether [`Audit::check_base`] found the chain may be extended (checked once, at the
    /// first write of entries).
    base_checked: bool,
    pending: Vec<AuditEntry>,
    /// Bytes of JSON in `pending`.
    pending_bytes: usize,
    /// Whether an entry was pushed for a record table (any table but those of `NOT_RECORDS`): the
    /// transaction changes the data version ([`Audit::finish`]).
    records_changed: bool,
}

/// Audited tables whose changes are not records the rules engine reads (results are derived;
/// users and tokens are accounts; evidence files are read by people, never by the engine): they
/// do not move the data version.
const NOT_RECORDS: [&str; 4] = ["results", "users", "api_tokens", "evidence_files"];

impl Audit {
    /// Starts the entries of a write transaction: takes the chain lock (PostgreSQL), reads the
    /// database's clock and the last entry. With `key`, the entries are keyed.
    pub(crate) async fn begin<C: Conn>(c: &mut C, actor: &str, key: Option<AuditKey>) -> Result<Audit> {
        let now_sql = match c.backend() {
            crate::Backend::Sqlite => "SELECT strftime('%Y-%m-%dT%H:%M:%fZ', 'now')",
            crate::Backend::Postgres => {
                c.exec(format!("SELECT pg_advisory_xact_lock({PG_LOCK_KEY})"), vec![]).await?;
                "SELECT to_char(now() AT TIME ZONE 'UTC', 'YYYY-MM-DD\"T\"HH24:MI:SS.MS\"Z\"')"
            }
        };
        let at = c.fetch(now_sql.to_owned(), vec![], vec![Ty::Text]).await?;
        let at = at.first().and_then(|r| r.first()).and_then(Val::as_str).unwrap_or_default().to_owned();
        let last = c
            .fetch(
                "SELECT seq, hash FROM audit_log ORDER BY seq DESC LIMIT 1".to_owned(),
                vec![],
                vec![Ty::Int, Ty::Text],
            )
            .await?;
        let (last_seq, last_hash) = match last.first() {
            Some(r) => (
                r.first().and_then(Val::as_int).unwrap_or(0),
                r.get(1).and_then(Val::as_str).unwrap_or(GENESIS).to_owned(),
            ),
            None => (0, GENESIS.to_owned()),
        };
        Ok(Audit {
            actor: actor.to_owned(),
            at,
            base: (last_seq, last_hash.clone()),
            base_checked: false,
            last_seq,
            last_hash,
            key,
            pending: Vec::new(),
            pending_bytes: 0,
            records_changed: false,
        })
    }

    /// Appends an entry to the chain (written by [`Audit::flush`]).
    pub(crate) fn push(
        &mut self,
        table: &str,
        row_key: String,
        action: &str,
        before: Option<String>,
        after: Option<String>,
    ) {
        if !NOT_RECORDS.contains(&table) {
            self.records_changed = true;
        }
        let mut e = AuditEntry {
            seq: self.last_seq + 1,
            at: self.at.clone(),
            actor: self.actor.clone(),
            table_name: table.to_owned(),
            row_key,
            action: action.to_owned(),
            before,
            after,
            prev_hash: std::mem::take(&mut self.last_hash),
            hash: String::new(),
        };
        e.hash = match &self.key {
            Some(key) => e.compute_keyed_hash(key),
            None => e.compute_hash(),
        };
        self.pending_bytes += e.before.as_ref().map_or(0, String::len) + e.after.as_ref().map_or(0, String::len);
        self.last_seq = e.seq;
        self.last_hash.clone_from(&e.hash);
        self.pending.push(e);
    }

    /// Whether the pending entries are worth writing now (many, or much JSON held in memory).
    pub(crate) fn should_flush(&self) -> bool {
        self.pending.len() >= 5000 || self.pending_bytes >= 4 << 20
    }

    /// Refuses to extend a keyed chain without its key: a store without a key (or with another
    /// key) would write entries every verifier holding the key reports as a break.
    async fn check_base<C: Conn>(&mut self, c: &mut C) -> Result<()> {
        let (seq, hash) = &self.base;
        if !hash.starts_with(KEYED_PREFIX) {
            self.base_checked = true;
            return Ok(());
        }
        let refuse = |message: String| Error::Invalid {
            table: "audit_log",
            key: seq.to_string(),
            field: "hash".to_owned(),
            message,
        };
        let Some(key) = &self.key else {
            return Err(refuse(format!(
                "the audit trail is keyed and this store has no audit key: set {} to the deployment's key \
                 file (nothing was written)",
                key::AUDIT_KEY_ENV
            )));
        };
        let sql = format!("SELECT {} FROM audit_log WHERE seq = $1", AUDIT_LOG.col_list());
        let rows = c.fetch(sql, vec![Val::int(*seq)], AUDIT_LOG.types()).await?;
        let last = rows.into_iter().next().map(AuditEntry::from_vals);
        if last.is_none_or(|e| e.compute_keyed_hash(key) != e.hash) {
            return Err(refuse(format!(
                "the last audit entry does not verify with this store's audit key ({}): another key, or \
                 the entry was altered (nothing was written; run `xhht audit verify`)",
                key.id()
            )));
        }
        self.base_checked = true;
        Ok(())
    }

    /// Writes the pending entries.
    pub(crate) async fn flush<C: Conn>(&mut self, c: &mut C) -> Result<()> {
        const PER_STATEMENT: usize = 1000;
        const PER_STATEMENT_BYTES: usize = 4 << 20;
        if self.pending.is_empty() {
            return Ok(());
        }
        if !self.base_checked {
            self.check_base(c).await?;
        }
        let width = AUDIT_LOG.cols.len();
        self.pending_bytes = 0;
        let pending = std::mem::take(&mut self.pending);
        // One prepared one-row statement run per entry where that is cheap (SQLite).
        let rows: Vec<Vec<Val>> = pending.into_iter().map(AuditEntry::vals).collect();
        let one = format!("INSERT INTO audit_log ({}) VALUES ({})", AUDIT_LOG.col_list(), vec!["?"; width].join(", "));
        if let Some(done) = c.run_each(&one, &mut rows.iter().map(Vec::as_slice)) {
            return done.map(|_| ());
        }
        // Statements of at most PER_STATEMENT entries and about PER_STATEMENT_BYTES of JSON.
        let mut it = rows.into_iter().peekable();
        while it.peek().is_some() {
            let mut chunk: Vec<Vec<Val>> = Vec::new();
            let mut bytes = 0usize;
            while chunk.len() < PER_STATEMENT && bytes < PER_STATEMENT_BYTES {
                let Some(row) = it.next() else { break };
                bytes += row.iter().map(|v| v.as_str().map_or(8, str::len)).sum::<usize>();
                chunk.push(row);
            }
            let sql = format!("INSERT INTO audit_log ({}) VALUES {}", AUDIT_LOG.col_list(), tuples(chunk.len(), width));
            let args = chunk.into_iter().flatten().collect();
            c.exec(sql, args).await?;
        }
        Ok(())
    }

    /// Ends the entries of a write transaction, just before it commits: writes the pending
    /// entries and, when an entry was about a record (any table but those of `NOT_RECORDS`), sets the data
    /// version to the number of the transaction's last entry — once per transaction.
    ///
    /// A database older than schema version 5 has no data version; nothing is set there.
    pub(crate) async fn finish<C: Conn>(&mut self, c: &mut C) -> Result<()> {
        self.flush(c).await?;
        if self.records_changed && has_data_version(c).await? {
            c.exec("UPDATE data_version SET seq = $1 WHERE id = 1".to_owned(), vec![Val::int(self.last_seq)]).await?;
        }
        Ok(())
    }
}

/// Whether the database has the `data_version` table (schema version 5 and later). Checked in
/// the transaction itself, so a store opened at an older version still keeps the version right
/// once another process has migrated the database.
pub(crate) async fn has_data_version<C: Conn>(c: &mut C) -> Result<bool> {
    let sql = match c.backend() {
        crate::Backend::Sqlite => "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'data_version'",
        crate::Backend::Postgres => "SELECT CASE WHEN to_regclass('data_version') IS NULL THEN 0 ELSE 1 END",
    };
    let rows = c.fetch(sql.to_owned(), vec![], vec![Ty::Int]).await?;
    Ok(rows.first().and_then(|r| r.first()).and_then(Val::as_int).unwrap_or(0) > 0)
}

/// Every entry about one row of one table, oldest first: its `update` and `delete` entries
/// and the `insert` entry whose rows include it.
pub(crate) async fn history<C: Conn>(c: &mut C, table: &str, row_key: &str) -> Result<Vec<AuditEntry>> {
    let Some(def) = crate::schema::ALL_TABLES.iter().find(|t| t.name == table) else {
        // Accounts (`users`, `api_tokens`): one entry per change, under the row's own key.
        let sql = format!(
            "SELECT {} FROM audit_log WHERE table_name = $1 AND row_key = $2 ORDER BY seq",
            AUDIT_LOG.col_list()
        );
        let rows = c.fetch(sql, vec![Val::text(table), Val::text(row_key)], AUDIT_LOG.types()).await?;
        return Ok(rows.into_iter().map(AuditEntry::from_vals).collect());
    };
    let parts: Vec<&str> = row_key.split('/').collect();
    let first = parts.first().copied().unwrap_or_default();
    // The first key value as it appears in the JSON, with LIKE's wildcards escaped.
    let mut quoted = String::new();
    crate::row_json::row_json_text(&mut quoted, first);
    let pattern = format!("%{}%", quoted.replace('!', "!!").replace('%', "!%").replace('_', "!_"));
    let sql = format!(
        "SELECT {} FROM audit_log WHERE table_name = $1 \
         AND (row_key = $2 OR (action = 'insert' AND after LIKE $3 ESCAPE '!')) ORDER BY seq",
        AUDIT_LOG.col_list()
    );
    let args = vec![Val::text(table), Val::text(row_key), Val::text(pattern)];
    let rows = c.fetch(sql, args, AUDIT_LOG.types()).await?;
    let holds = |e: &AuditEntry| {
        if e.action != "insert" || e.row_key == row_key {
            return true;
        }
        let Some(v) = e.after.as_deref().and_then(|a| serde_json::from_str::<serde_json::Value>(a).ok()) else {
            return false;
        };
        let (Some(columns), Some(rows)) = (v["columns"].as_array(), v["rows"].as_array()) else { return false };
        let at: Vec<Option<usize>> =
            def.key_cols().iter().map(|k| columns.iter().position(|c| c.as_str() == Some(k.name))).collect();
        rows.iter().any(|row| {
            at.iter().zip(&parts).all(|(i, part)| match i.and_then(|i| row.get(i)) {
                Some(serde_json::Value::String(s)) => s == part,
                Some(serde_json::Value::Number(n)) => n.to_string() == *part,
                _ => false,
            })
        })
    };
    Ok(rows.into_iter().map(AuditEntry::from_vals).filter(holds).collect())
}
