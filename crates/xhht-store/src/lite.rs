//! The SQLite bulk path: the same portable SQL and the same generic write code ([`Conn`]), run
//! on a rusqlite connection in a blocking thread instead of through sqlx's per-statement worker
//! channel. Imports and the saving of a year's results take it; both are one transaction
//! (`BEGIN IMMEDIATE` … `COMMIT`), with the pragmas of the store's own connections, while the
//! store holds its single sqlx writer so no other write of this process interleaves.
//!
//! rusqlite 0.39 is used because it links the same `libsqlite3-sys` 0.37 as sqlx 0.9 (one
//! bundled SQLite in the binary).

use std::future::Future;
use std::path::Path;
use std::time::Duration;

use chrono::NaiveDate;
use rusqlite::OpenFlags;

use crate::audit::Audit;
use crate::db::{Backend, Conn, Ty, Val, positional};
use crate::error::{Error, Result};
use crate::store::{Inner, Store};
use crate::year::YearTable;

/// A rusqlite connection, as a [`Conn`]. Its futures do their work when first polled and never
/// wait: run them only on a blocking thread (see [`Store::bulk_write`]).
pub(crate) struct Lite {
    conn: rusqlite::Connection,
    /// Statements as written (`$N`) → as SQLite runs them (`?`), for the big repeated ones.
    rewritten: std::collections::HashMap<String, (String, Vec<usize>)>,
}

impl std::fmt::Debug for Lite {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("Lite(..)")
    }
}

fn err(context: &str) -> impl FnOnce(rusqlite::Error) -> Error + '_ {
    move |source| Error::Sqlite { context: context.to_owned(), source }
}

impl Lite {
    pub(crate) fn open(path: &Path) -> Result<Lite> {
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(err("open the database for a bulk write"))?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(err("set busy_timeout"))?;
        // A bigger page cache (128 MiB) keeps a big transaction from spilling pages early.
        // Statement journals (multi-row upserts) in memory, not in a temporary file.
        conn.execute_batch(
            "PRAGMA foreign_keys = ON; PRAGMA synchronous = NORMAL; PRAGMA cache_size = -131072; \
             PRAGMA temp_store = MEMORY;",
        )
        .map_err(err("set pragmas"))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Lite { conn, rewritten: Default::default() })
    }

    /// Opens a read-only connection (for bulk reads). Pages are read through a memory map (up
    /// to SQLite's own limit) rather than copied by `read`: a year of a million people loads
    /// about a quarter faster.
    pub(crate) fn open_read(path: &Path) -> Result<Lite> {
        let conn = rusqlite::Connection::open_with_flags(
            path,
            OpenFlags::SQLITE_OPEN_READ_ONLY | OpenFlags::SQLITE_OPEN_NO_MUTEX | OpenFlags::SQLITE_OPEN_URI,
        )
        .map_err(err("open the database for a bulk read"))?;
        conn.busy_timeout(Duration::from_secs(30)).map_err(err("set busy_timeout"))?;
        conn.execute_batch("PRAGMA cache_size = -131072; PRAGMA mmap_size = 4294967296;")
            .map_err(err("set pragmas"))?;
        conn.set_prepared_statement_cache_capacity(64);
        Ok(Lite { conn, rewritten: Default::default() })
    }

    pub(crate) fn batch(&self, sql: &str) -> Result<()> {
        self.conn.execute_batch(sql).map_err(err(sql))
    }

    fn bind(st: &mut rusqlite::CachedStatement<'_>, args: &[Val]) -> rusqlite::Result<()> {
        for (n, a) in args.iter().enumerate() {
            let i = n + 1;
            match a {
                Val::Text(Some(s)) => st.raw_bind_parameter(i, s.as_str())?,
                Val::Int(Some(v)) => st.raw_bind_parameter(i, *v)?,
                Val::Date(Some(d)) => st.raw_bind_parameter(i, crate::db::iso_date(*d))?,
                _ => st.raw_bind_parameter(i, rusqlite::types::Null)?,
            }
        }
        Ok(())
    }

    /// [`Conn::run_each`]: one prepared statement (kept in the connection's cache), bound and
    /// stepped once per row; no statement text is built or parsed per row.
    pub(crate) fn run_each_now(&mut self, sql: &str, rows: &mut dyn Iterator<Item = &[Val]>) -> Result<u64> {
        let mut st = self.conn.prepare_cached(sql).map_err(err(sql))?;
        let mut n = 0u64;
        for row in rows {
            Self::bind(&mut st, row).map_err(err(sql))?;
            n += st.raw_execute().map_err(err(sql))? as u64;
        }
        Ok(n)
    }

    /// The statement with `?` placeholders and the arguments in their order; statements are
    /// rewritten once and the order remembered.
    fn prepare_args(&mut self, sql: &str, args: Vec<Val>) -> (String, Vec<Val>) {
        if let Some((q, order)) = self.rewritten.get(sql) {
            if order.iter().enumerate().all(|(i, n)| i == *n) && order.len() == args.len() {
                return (q.clone(), args);
            }
            let args = order.iter().map(|n| args.get(*n).cloned().unwrap_or(Val::Text(None))).collect();
            return (q.clone(), args);
        }
        let indexes: Vec<Val> = (0..args.len()).map(|n| Val::Int(Some(n as i64))).collect();
        let (q, order) = positional(sql, indexes);
        let order: Vec<usize> = order.iter().map(|v| v.as_int().unwrap_or(-1) as usize).collect();
        let sorted = order.iter().enumerate().all(|(i, n)| i == *n) && order.len() == args.len();
        let out = if sorted {
            args
        } else {
            order.iter().map(|n| args.get(*n).cloned().unwrap_or(Val::Text(None))).collect()
        };
        if self.rewritten.len() < 64 {
            self.rewritten.insert(sql.to_owned(), (q.clone(), order));
        }
        (q, out)
    }

    pub(crate) fn exec_now(&mut self, sql: &str, args: Vec<Val>) -> Result<u64> {
        let (sql, args) = self.prepare_args(sql, args);
        let mut st = self.conn.prepare_cached(&sql).map_err(err(&sql))?;
        Self::bind(&mut st, &args).map_err(err(&sql))?;
        Ok(st.raw_execute().map_err(err(&sql))? as u64)
    }

    pub(crate) fn fetch_now(&mut self, sql: &str, args: Vec<Val>, types: &[Ty]) -> Result<Vec<Vec<Val>>> {
        let (sql, args) = self.prepare_args(sql, args);
        let mut st = self.conn.prepare_cached(&sql).map_err(err(&sql))?;
        Self::bind(&mut st, &args).map_err(err(&sql))?;
        let mut rows = st.raw_query();
        let mut out = Vec::new();
        while let Some(row) = rows.next().map_err(err(&sql))? {
            out.push(decode(row, types).map_err(err(&sql))?);
        }
        Ok(out)
    }

    /// Runs `sql` and hands each row, decoded, to `each` (no intermediate vector).
    pub(crate) fn for_each(
        &mut self,
        sql: &str,
        args: Vec<Val>,
        types: &[Ty],
        mut each: impl FnMut(Vec<Val>) -> Result<()>,
    ) -> Result<()> {
        let (sql, args) = positional(sql, args);
        let mut st = self.conn.prepare_cached(&sql).map_err(err(&sql))?;
        Self::bind(&mut st, &args).map_err(err(&sql))?;
        let mut rows = st.raw_query();
        while let Some(row) = rows.next().map_err(err(&sql))? {
            each(decode(row, types).map_err(err(&sql))?)?;
        }
        Ok(())
    }
}

fn decode(row: &rusqlite::Row<'_>, types: &[Ty]) -> rusqlite::Result<Vec<Val>> {
    let mut v = Vec::with_capacity(types.len());
    for (i, ty) in types.iter().enumerate() {
        v.push(match ty {
            Ty::Text => Val::Text(row.get(i)?),
            Ty::Int => Val::Int(row.get(i)?),
            Ty::Date => Val::Date(match row.get_ref(i)? {
                rusqlite::types::ValueRef::Text(b) => parse_iso_date(b),
                _ => None,
            }),
        });
    }
    Ok(v)
}

/// A `yyyy-mm-dd` date as the store writes it (`db::iso_date`), read without allocating; any
/// other text falls back to chrono's parser.
fn parse_iso_date(b: &[u8]) -> Option<NaiveDate> {
    let digits = |r: std::ops::Range<usize>| {
        b.get(r)
            .filter(|d| d.iter().all(u8::is_ascii_digit))
            .map(|d| d.iter().fold(0u32, |n, c| n * 10 + u32::from(c - b'0')))
    };
    if b.len() == 10
        && b.get(4) == Some(&b'-')
        && b.get(7) == Some(&b'-')
        && let (Some(y), Some(m), Some(d)) = (digits(0..4), digits(5..7), digits(8..10))
    {
        return NaiveDate::from_ymd_opt(i32::try_from(y).ok()?, m, d);
    }
    NaiveDate::parse_from_str(std::str::from_utf8(b).ok()?, "%Y-%m-%d").ok()
}

impl Conn for Lite {
    fn backend(&self) -> Backend {
        Backend::Sqlite
    }

    fn run_each(&mut self, sql: &str, rows: &mut dyn Iterator<Item = &[Val]>) -> Option<Result<u64>> {
        Some(self.run_each_now(sql, rows))
    }

    fn exec(&mut self, sql: String, args: Vec<Val>) -> impl Future<Output = Result<u64>> + Send {
        std::future::ready(self.exec_now(&sql, args))
    }

    fn fetch(
        &mut self,
        sql: String,
        args: Vec<Val>,
        types: Vec<Ty>,
    ) -> impl Future<Output = Result<Vec<Vec<Val>>>> + Send {
        std::future::ready(self.fetch_now(&sql, args, &types))
    }

    fn scan(
        &mut self,
        sql: String,
        args: Vec<Val>,
        types: Vec<Ty>,
        each: &mut (dyn FnMut(Vec<Val>) + Send),
    ) -> impl Future<Output = Result<()>> + Send {
        std::future::ready(self.for_each(&sql, args, &types, |v| {
            each(v);
            Ok(())
        }))
    }
}

/// A bulk write: run once, in one transaction, with the audit chain of that transaction.
pub(crate) trait BulkWrite: Send + 'static {
    type Out: Send + 'static;
    fn actor(&self) -> &str;
    fn run<C: Conn>(self, c: &mut C, audit: &mut Audit) -> impl Future<Output = Result<Self::Out>> + Send;
}

/// A bulk read: run once, in one read transaction.
pub(crate) trait BulkRead: Send + 'static {
    type Out: Send + 'static;
    fn run<C: Conn>(self, c: &mut C) -> impl Future<Output = Result<Self::Out>> + Send;
}

impl Store {
    /// Runs a bulk read in one read transaction: on SQLite through rusqlite on a blocking
    /// thread, on PostgreSQL through the pool.
    pub(crate) async fn bulk_read<J: BulkRead>(&self, job: J) -> Result<J::Out> {
        match &self.inner {
            Inner::Sqlite { path, .. } => {
                let path = path.clone();
                let rt = tokio::runtime::Handle::current();
                tokio::task::spawn_blocking(move || {
                    let mut lite = Lite::open_read(&path)?;
                    lite.batch("BEGIN")?;
                    let out = rt.block_on(job.run(&mut lite));
                    let _ = lite.batch("COMMIT");
                    out
                })
                .await
                .map_err(|e| Error::Task { task: "the bulk read", message: e.to_string() })?
            }
            Inner::Postgres { .. } => Ok(crate::store::read_tx!(self, |c| { job.run(c).await? })),
        }
    }

    /// Runs a bulk write in one transaction: on SQLite through rusqlite on a blocking thread
    /// (holding the store's writer meanwhile), on PostgreSQL through the pool.
    pub(crate) async fn bulk_write<J: BulkWrite>(&self, job: J) -> Result<J::Out> {
        match &self.inner {
            Inner::Sqlite { writer, path, .. } => {
                let _writer = writer.acquire().await.map_err(Error::db("wait for the writer"))?;
                let path = path.clone();
                let key = self.audit_key.clone();
                let rt = tokio::runtime::Handle::current();
                tokio::task::spawn_blocking(move || {
                    let mut lite = Lite::open(&path)?;
                    lite.batch("BEGIN IMMEDIATE")?;
                    let actor = job.actor().to_owned();
                    let out = rt.block_on(async {
                        let mut audit = Audit::begin(&mut lite, &actor, key).await?;
                        let out = job.run(&mut lite, &mut audit).await?;
                        audit.finish(&mut lite).await?;
                        Ok::<_, Error>(out)
                    });
                    match out {
                        Ok(v) => {
                            lite.batch("COMMIT")?;
                            Ok(v)
                        }
                        Err(e) => {
                            let _ = lite.batch("ROLLBACK");
                            Err(e)
                        }
                    }
                })
                .await
                .map_err(|e| Error::Task { task: "the bulk write", message: e.to_string() })?
            }
            Inner::Postgres { .. } => {
                let actor = job.actor().to_owned();
                Ok(crate::store::write_tx!(self, &actor, |c, audit| { job.run(c, &mut audit).await? }))
            }
        }
    }
}

/// Reads the rows of `T` matching `filter` (over columns prefixed `p.`), with their children,
/// decoding straight into domain values.
pub(crate) fn select_sync<T: crate::model::Record>(lite: &mut Lite, filter: &str, args: Vec<Val>) -> Result<Vec<T>> {
    use crate::model::{Row, key_text};
    let table = T::TABLE;
    let kw = table.key;
    let cols: Vec<String> = table.cols.iter().map(|col| format!("p.{}", col.name)).collect();
    let mut children: std::collections::HashMap<Vec<Val>, Vec<Vec<Val>>> = std::collections::HashMap::new();
    if let Some(child) = table.child {
        let ccols: Vec<String> = child.cols.iter().map(|col| format!("ch.{}", col.name)).collect();
        let join: Vec<String> = table.key_cols().iter().map(|col| format!("ch.{0} = p.{0}", col.name)).collect();
        let order: Vec<String> = child.key_cols().iter().map(|col| format!("ch.{}", col.name)).collect();
        let sql = format!(
            "SELECT {} FROM {} ch JOIN {} p ON {} WHERE {filter} ORDER BY {}",
            ccols.join(", "),
            child.name,
            table.name,
            join.join(" AND "),
            order.join(", ")
        );
        lite.for_each(&sql, args.clone(), &child.types(), |vals| {
            children.entry(vals[..kw].to_vec()).or_default().push(vals[kw + 1..].to_vec());
            Ok(())
        })?;
    }
    let order: Vec<String> = table.key_cols().iter().map(|col| format!("p.{}", col.name)).collect();
    let sql = format!("SELECT {} FROM {} p WHERE {filter} ORDER BY {}", cols.join(", "), table.name, order.join(", "));
    let mut out = Vec::new();
    lite.for_each(&sql, args, &table.types(), |vals| {
        let kids = if children.is_empty() { Vec::new() } else { children.remove(&vals[..kw]).unwrap_or_default() };
        let key = vals[..kw].to_vec();
        let item = T::from_row(Row { vals, children: kids })
            .map_err(|e| Error::corrupt(table.name, key_text(&key), format!("{}: {}", e.field, e.message)))?;
        out.push(item);
        Ok(())
    })?;
    Ok(out)
}

/// The head of the audit chain in a read transaction's snapshot: two snapshots with the same
/// head hold the same audited data.
fn audit_head(lite: &mut Lite) -> Result<i64> {
    let r = lite.fetch_now("SELECT COALESCE(MAX(seq), 0) FROM audit_log", vec![], &[Ty::Int])?;
    Ok(r.first().and_then(|r| r.first()).and_then(Val::as_int).unwrap_or(0))
}

/// Loads `tables` of a data year from a SQLite file on two threads, each in its own read
/// transaction, longest table first ([`YearTable::sqlite_rank`]); retried when a write
/// committed between the two snapshots.
pub(crate) fn load_year(path: &Path, year: i32, tables: &[YearTable]) -> Result<crate::year::YearData> {
    use std::sync::Mutex;
    use std::sync::atomic::{AtomicUsize, Ordering};

    use crate::year::YearData;

    let mut jobs = tables.to_vec();
    jobs.sort_by_key(|t| t.sqlite_rank());
    for _attempt in 0..5 {
        let data = Mutex::new(YearData { year, ..YearData::default() });
        let next = AtomicUsize::new(0);
        let heads: Vec<Result<i64>> = std::thread::scope(|s| {
            let workers: Vec<_> = (0..2)
                .map(|_| {
                    s.spawn(|| -> Result<i64> {
                        let mut lite = Lite::open_read(path)?;
                        lite.batch("BEGIN")?;
                        let head = audit_head(&mut lite)?;
                        loop {
                            let n = next.fetch_add(1, Ordering::SeqCst);
                            let Some(table) = jobs.get(n) else { break };
                            table.load_sync(&mut lite, year, &data)?;
                        }
                        lite.batch("COMMIT")?;
                        Ok(head)
                    })
                })
                .collect();
            workers
                .into_iter()
                .map(|w| {
                    w.join().unwrap_or_else(|_| {
                        Err(Error::Task { task: "the year loader", message: "a thread panicked".to_owned() })
                    })
                })
                .collect()
        });
        let heads = heads.into_iter().collect::<Result<Vec<i64>>>()?;
        if heads.windows(2).all(|w| w[0] == w[1]) {
            return data
                .into_inner()
                .map_err(|_| Error::Task { task: "the year loader", message: "a thread panicked".to_owned() });
        }
    }
    Err(Error::Busy)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_read_back_as_written_and_bad_text_is_no_date() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        assert_eq!(parse_iso_date(b"2024-02-29"), d(2024, 2, 29));
        assert_eq!(parse_iso_date(b"0001-01-01"), d(1, 1, 1));
        assert_eq!(parse_iso_date(b"2023-02-29"), None);
        assert_eq!(parse_iso_date(b"2024-13-01"), None);
        assert_eq!(parse_iso_date(b"2024-1a-01"), None);
        assert_eq!(parse_iso_date(b"24-01-01"), d(24, 1, 1));
        assert_eq!(parse_iso_date(b""), None);
        assert_eq!(parse_iso_date(b"\xff\xfe"), None);
        // Whatever iso_date writes reads back.
        for day in [d(1976, 1, 1), d(2030, 12, 31), d(2025, 7, 1)].into_iter().flatten() {
            assert_eq!(parse_iso_date(crate::db::iso_date(day).as_bytes()), Some(day));
        }
    }
}
