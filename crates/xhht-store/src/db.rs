//! The portable layer over the two backends: values as the store holds them ([`Val`]), column
//! types ([`Ty`]) and one trait, [`Conn`], that runs a statement with bound values on either
//! SQLite or PostgreSQL.
//!
//! SQL is written once, in the subset both engines accept: `$N` placeholders, `ON CONFLICT …
//! DO UPDATE`, row values `(a, b) IN (VALUES …)`. Statement text is built only from the static
//! table and column names of [`crate::schema`] and placeholders; every value is bound. That is
//! why the dynamic strings are wrapped in [`AssertSqlSafe`].

use std::future::Future;

use chrono::NaiveDate;
use sqlx::{AssertSqlSafe, Row};

use crate::error::{Error, Result};

/// A fast hash for natural keys (the std SipHash is several times slower on a million keys).
/// Keys come from the database and from the file an official imports; a pathological file
/// would only make its own import slower.
#[derive(Debug, Default, Clone, Copy)]
pub(crate) struct Fx(u64);

impl std::hash::Hasher for Fx {
    fn finish(&self) -> u64 {
        // The murmur3 finaliser: every input bit reaches the low bits the table indexes by.
        let mut h = self.0;
        h ^= h >> 33;
        h = h.wrapping_mul(0xff51_afd7_ed55_8ccd);
        h ^= h >> 33;
        h = h.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
        h ^ (h >> 33)
    }

    fn write(&mut self, bytes: &[u8]) {
        for chunk in bytes.chunks(8) {
            let mut b = [0u8; 8];
            b[..chunk.len()].copy_from_slice(chunk);
            self.0 = (self.0.rotate_left(5) ^ u64::from_le_bytes(b)).wrapping_mul(0x517c_c1b7_2722_0a95);
        }
    }
}

pub(crate) type FastHash = std::hash::BuildHasherDefault<Fx>;

/// A date as `YYYY-MM-DD` (what SQLite stores and COPY reads), without a format string.
pub(crate) fn iso_date(d: NaiveDate) -> String {
    use chrono::Datelike;
    let (y, m, day) = (d.year(), d.month(), d.day());
    if !(0..=9999).contains(&y) {
        return d.format("%Y-%m-%d").to_string();
    }
    let mut s = String::with_capacity(10);
    let y = y as u32;
    for n in [y / 1000, y / 100 % 10, y / 10 % 10, y % 10] {
        s.push(char::from_digit(n, 10).unwrap_or('0'));
    }
    s.push('-');
    s.push(char::from_digit(m / 10, 10).unwrap_or('0'));
    s.push(char::from_digit(m % 10, 10).unwrap_or('0'));
    s.push('-');
    s.push(char::from_digit(day / 10, 10).unwrap_or('0'));
    s.push(char::from_digit(day % 10, 10).unwrap_or('0'));
    s
}

/// Which database a [`crate::Store`] runs on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Backend {
    /// SQLite, one file, embedded.
    Sqlite,
    /// PostgreSQL 15 or newer.
    Postgres,
}

impl Backend {
    /// `sqlite` or `postgres`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Sqlite => "sqlite",
            Self::Postgres => "postgres",
        }
    }
}

/// The type of a column, as both engines store it: text, a 64-bit integer (also booleans as
/// 0/1 and decimals as ten-thousandths), or a date.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Ty {
    Text,
    Int,
    Date,
}

/// One value of a column; `None` is SQL `NULL`.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(crate) enum Val {
    Text(Option<String>),
    Int(Option<i64>),
    Date(Option<NaiveDate>),
}

impl Val {
    pub(crate) fn text(s: impl Into<String>) -> Val {
        Val::Text(Some(s.into()))
    }

    pub(crate) fn opt_text(s: Option<impl Into<String>>) -> Val {
        Val::Text(s.map(Into::into))
    }

    pub(crate) fn int(i: impl Into<i64>) -> Val {
        Val::Int(Some(i.into()))
    }

    pub(crate) fn date(d: NaiveDate) -> Val {
        Val::Date(Some(d))
    }

    /// The value as JSON, for the audit trail and the PostgreSQL dump.
    pub(crate) fn to_json(&self) -> serde_json::Value {
        match self {
            Val::Text(Some(s)) => serde_json::Value::String(s.clone()),
            Val::Int(Some(i)) => serde_json::Value::from(*i),
            Val::Date(Some(d)) => serde_json::Value::String(d.format("%Y-%m-%d").to_string()),
            _ => serde_json::Value::Null,
        }
    }

    /// Reads a value of type `ty` back from [`Val::to_json`].
    pub(crate) fn from_json(ty: Ty, v: &serde_json::Value) -> Option<Val> {
        Some(match (ty, v) {
            (Ty::Text, serde_json::Value::Null) => Val::Text(None),
            (Ty::Int, serde_json::Value::Null) => Val::Int(None),
            (Ty::Date, serde_json::Value::Null) => Val::Date(None),
            (Ty::Text, serde_json::Value::String(s)) => Val::text(s.clone()),
            (Ty::Int, serde_json::Value::Number(n)) => Val::Int(Some(n.as_i64()?)),
            (Ty::Date, serde_json::Value::String(s)) => Val::date(NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()?),
            _ => return None,
        })
    }

    /// The value as a key part or a cell: text as is, integers in decimal, dates ISO, `NULL`
    /// as the empty string.
    pub(crate) fn display(&self) -> String {
        match self {
            Val::Text(Some(s)) => s.clone(),
            Val::Int(Some(i)) => i.to_string(),
            Val::Date(Some(d)) => d.format("%Y-%m-%d").to_string(),
            _ => String::new(),
        }
    }

    pub(crate) fn as_str(&self) -> Option<&str> {
        match self {
            Val::Text(Some(s)) => Some(s),
            _ => None,
        }
    }

    /// The text, taken.
    pub(crate) fn into_string(self) -> Option<String> {
        match self {
            Val::Text(s) => s,
            _ => None,
        }
    }

    pub(crate) fn as_int(&self) -> Option<i64> {
        match self {
            Val::Int(i) => *i,
            _ => None,
        }
    }

    pub(crate) fn as_date(&self) -> Option<NaiveDate> {
        match self {
            Val::Date(d) => *d,
            _ => None,
        }
    }
}

/// A connection (or a transaction, which dereferences to one) that runs portable SQL.
pub(crate) trait Conn: Send {
    /// The engine behind the connection.
    fn backend(&self) -> Backend;

    /// Runs a statement; returns the number of rows it affected.
    fn exec(&mut self, sql: String, args: Vec<Val>) -> impl Future<Output = Result<u64>> + Send;

    /// Runs a query and decodes every row with `types` (one per selected column).
    fn fetch(
        &mut self,
        sql: String,
        args: Vec<Val>,
        types: Vec<Ty>,
    ) -> impl Future<Output = Result<Vec<Vec<Val>>>> + Send;

    /// Runs a query and hands each decoded row to `each`, without holding them all.
    fn scan(
        &mut self,
        sql: String,
        args: Vec<Val>,
        types: Vec<Ty>,
        each: &mut (dyn FnMut(Vec<Val>) + Send),
    ) -> impl Future<Output = Result<()>> + Send;

    /// How many rows one `INSERT` should carry: many through a driver that pays per statement,
    /// one through a prepared statement that costs nothing to run again (rusqlite).
    fn rows_per_insert(&self, width: usize) -> usize {
        (30_000 / width.max(1)).clamp(1, 1000)
    }

    /// Runs the one-row statement `sql` (`?` placeholders, one per value) once for each row of
    /// `rows`, through one prepared statement: `Some` on a connection that can (rusqlite, where
    /// running a prepared statement again costs little), `None` elsewhere (the caller sends
    /// multi-row statements instead).
    fn run_each(&mut self, sql: &str, rows: &mut dyn Iterator<Item = &[Val]>) -> Option<Result<u64>> {
        let _ = (sql, rows);
        None
    }

    /// Whether [`Conn::copy_in`] works (PostgreSQL).
    fn supports_copy(&self) -> bool {
        false
    }

    /// Runs `COPY … FROM STDIN` with `data` in COPY's text format; returns the rows copied.
    fn copy_in(&mut self, statement: String, data: Vec<u8>) -> impl Future<Output = Result<u64>> + Send {
        let _ = data;
        std::future::ready(Err(Error::corrupt("-", statement, "COPY is a PostgreSQL statement")))
    }

    /// Runs `COPY … FROM STDIN` fed by `chunks` (COPY's text format) as they come, so the
    /// server stores the first while the next are made: `Some(data)` is sent, `None` ends the
    /// COPY (the rows copied are returned). If the sender goes away without `None`, the COPY is
    /// aborted and this fails.
    fn copy_in_stream(
        &mut self,
        statement: String,
        chunks: tokio::sync::mpsc::Receiver<Option<Vec<u8>>>,
    ) -> impl Future<Output = Result<u64>> + Send {
        drop(chunks);
        std::future::ready(Err(Error::corrupt("-", statement, "COPY is a PostgreSQL statement")))
    }
}

/// Appends a row in COPY's text format (tab-separated, `\N` for NULL, backslash escapes).
pub(crate) fn copy_row(out: &mut Vec<u8>, vals: &[Val]) {
    for (n, v) in vals.iter().enumerate() {
        if n > 0 {
            out.push(b'\t');
        }
        match v {
            Val::Text(Some(s)) => {
                for b in s.bytes() {
                    match b {
                        b'\\' => out.extend_from_slice(b"\\\\"),
                        b'\t' => out.extend_from_slice(b"\\t"),
                        b'\n' => out.extend_from_slice(b"\\n"),
                        b'\r' => out.extend_from_slice(b"\\r"),
                        b => out.push(b),
                    }
                }
            }
            Val::Int(Some(i)) => out.extend_from_slice(i.to_string().as_bytes()),
            Val::Date(Some(d)) => out.extend_from_slice(iso_date(*d).as_bytes()),
            _ => out.extend_from_slice(b"\\N"),
        }
    }
    out.push(b'\n');
}

/// Rewrites `$N` placeholders as anonymous `?`, the values reordered (and repeated) to match.
///
/// SQLite resolves a named parameter such as `$17` by scanning the statement's list of names,
/// so a statement with thousands of `$N` costs quadratic time to prepare and bind; anonymous
/// `?` are bound by position. The source keeps the portable `$N` form; the SQLite connection
/// runs this. Quoted strings are left alone.
pub(crate) fn positional(sql: &str, args: Vec<Val>) -> (String, Vec<Val>) {
    if !sql.contains('$') {
        return (sql.to_owned(), args);
    }
    let mut out = String::with_capacity(sql.len());
    let mut vals = Vec::with_capacity(args.len());
    let mut chars = sql.char_indices().peekable();
    let mut quoted = false;
    while let Some((_, c)) = chars.next() {
        if c == '\'' {
            quoted = !quoted;
            out.push(c);
            continue;
        }
        if c == '$' && !quoted && chars.peek().is_some_and(|(_, d)| d.is_ascii_digit()) {
            let mut n = 0usize;
            while let Some((_, d)) = chars.peek().copied().filter(|(_, d)| d.is_ascii_digit()) {
                n = n * 10 + (d as usize - '0' as usize);
                chars.next();
            }
            out.push('?');
            vals.push(args.get(n.wrapping_sub(1)).cloned().unwrap_or(Val::Text(None)));
            continue;
        }
        out.push(c);
    }
    (out, vals)
}

/// The statement as a backend runs it.
trait Dialect {
    fn prepare(sql: String, args: Vec<Val>) -> (String, Vec<Val>);
}

impl Dialect for sqlx::SqliteConnection {
    fn prepare(sql: String, args: Vec<Val>) -> (String, Vec<Val>) {
        positional(&sql, args)
    }
}

impl Dialect for sqlx::PgConnection {
    fn prepare(sql: String, args: Vec<Val>) -> (String, Vec<Val>) {
        (sql, args)
    }
}

macro_rules! impl_conn {
    ($conn:ty, $db:ty, $backend:expr, { $($extra:tt)* }) => {
        impl Conn for $conn {
            $($extra)*

            fn backend(&self) -> Backend {
                $backend
            }

            async fn exec(&mut self, sql: String, args: Vec<Val>) -> Result<u64> {
                let (sql, args) = <$conn as Dialect>::prepare(sql, args);
                let mut q = sqlx::query::<$db>(AssertSqlSafe(sql.clone()));
                for a in args {
                    q = match a {
                        Val::Text(v) => q.bind(v),
                        Val::Int(v) => q.bind(v),
                        Val::Date(v) => q.bind(v),
                    };
                }
                let done = q.execute(&mut *self).await.map_err(Error::db(statement_name(&sql)))?;
                Ok(done.rows_affected())
            }

            async fn scan(
                &mut self,
                sql: String,
                args: Vec<Val>,
                types: Vec<Ty>,
                each: &mut (dyn FnMut(Vec<Val>) + Send),
            ) -> Result<()> {
                use futures_util::TryStreamExt;
                let (sql, args) = <$conn as Dialect>::prepare(sql, args);
                let mut q = sqlx::query::<$db>(AssertSqlSafe(sql.clone()));
                for a in args {
                    q = match a {
                        Val::Text(v) => q.bind(v),
                        Val::Int(v) => q.bind(v),
                        Val::Date(v) => q.bind(v),
                    };
                }
                let mut rows = q.fetch(&mut *self);
                while let Some(row) = rows.try_next().await.map_err(Error::db(statement_name(&sql)))? {
                    each(decode_row(&row, &types).map_err(Error::db(statement_name(&sql)))?);
                }
                Ok(())
            }

            async fn fetch(&mut self, sql: String, args: Vec<Val>, types: Vec<Ty>) -> Result<Vec<Vec<Val>>> {
                let (sql, args) = <$conn as Dialect>::prepare(sql, args);
                let mut q = sqlx::query::<$db>(AssertSqlSafe(sql.clone()));
                for a in args {
                    q = match a {
                        Val::Text(v) => q.bind(v),
                        Val::Int(v) => q.bind(v),
                        Val::Date(v) => q.bind(v),
                    };
                }
                let rows = q.fetch_all(&mut *self).await.map_err(Error::db(statement_name(&sql)))?;
                let mut out = Vec::with_capacity(rows.len());
                for row in rows {
                    out.push(decode_row(&row, &types).map_err(Error::db(statement_name(&sql)))?);
                }
                Ok(out)
            }
        }
    };
}

impl_conn!(sqlx::SqliteConnection, sqlx::Sqlite, Backend::Sqlite, {});
impl_conn!(sqlx::PgConnection, sqlx::Postgres, Backend::Postgres, {
    fn supports_copy(&self) -> bool {
        true
    }

    async fn copy_in(&mut self, statement: String, data: Vec<u8>) -> Result<u64> {
        let mut copy = self.copy_in_raw(&statement).await.map_err(Error::db(statement_name(&statement)))?;
        if let Err(e) = copy.send(data).await {
            let _ = copy.abort("the data could not be sent").await;
            return Err(Error::db(statement_name(&statement))(e));
        }
        copy.finish().await.map_err(Error::db(statement_name(&statement)))
    }

    async fn copy_in_stream(
        &mut self,
        statement: String,
        mut chunks: tokio::sync::mpsc::Receiver<Option<Vec<u8>>>,
    ) -> Result<u64> {
        let mut copy = self.copy_in_raw(&statement).await.map_err(Error::db(statement_name(&statement)))?;
        loop {
            match chunks.recv().await {
                Some(Some(data)) => {
                    if let Err(e) = copy.send(data).await {
                        let _ = copy.abort("the data could not be sent").await;
                        return Err(Error::db(statement_name(&statement))(e));
                    }
                }
                Some(None) => return copy.finish().await.map_err(Error::db(statement_name(&statement))),
                None => {
                    let _ = copy.abort("the import stopped").await;
                    return Err(Error::Task { task: "the import", message: "stopped before its end".to_owned() });
                }
            }
        }
    }
});

/// Decodes a row with `types` (an `INT4` is read as a 64-bit integer too).
fn decode_row<R: Row>(row: &R, types: &[Ty]) -> std::result::Result<Vec<Val>, sqlx::Error>
where
    usize: sqlx::ColumnIndex<R>,
    for<'r> Option<String>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i64>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<i32>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
    for<'r> Option<NaiveDate>: sqlx::Decode<'r, R::Database> + sqlx::Type<R::Database>,
{
    let mut vals = Vec::with_capacity(types.len());
    for (i, ty) in types.iter().enumerate() {
        vals.push(match ty {
            Ty::Text => Val::Text(row.try_get::<Option<String>, _>(i)?),
            Ty::Int => Val::Int(
                row.try_get::<Option<i64>, _>(i)
                    .or_else(|_| row.try_get::<Option<i32>, _>(i).map(|v| v.map(i64::from)))?,
            ),
            Ty::Date => Val::Date(row.try_get::<Option<NaiveDate>, _>(i)?),
        });
    }
    Ok(vals)
}

/// The first words of a statement, to say in an error what was being done without dumping a
/// statement with a thousand placeholders.
fn statement_name(sql: &str) -> String {
    let mut s: String = sql.split_whitespace().take(6).collect::<Vec<_>>().join(" ");
    if s.len() < sql.trim().len() {
        s.push_str(" …");
    }
    s
}

/// `$a, $a+1, …` for `n` placeholders starting at `$a`.
pub(crate) fn placeholders(start: usize, n: usize) -> String {
    let mut s = String::with_capacity(n * 5);
    for i in 0..n {
        if i > 0 {
            s.push_str(", ");
        }
        s.push('$');
        s.push_str(&(start + i).to_string());
    }
    s
}

/// `($1, $2), ($3, $4), …`: `rows` tuples of `width` placeholders.
pub(crate) fn tuples(rows: usize, width: usize) -> String {
    let mut s = String::with_capacity(rows * width * 5);
    for r in 0..rows {
        if r > 0 {
            s.push_str(", ");
        }
        s.push('(');
        s.push_str(&placeholders(1 + r * width, width));
        s.push(')');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbered_placeholders_become_positional() {
        let (sql, args) = positional(
            "SELECT x FROM t WHERE a <= $2 AND (b IS NULL OR b >= $1) AND c = '$1' AND d = $2",
            vec![Val::int(1), Val::int(2)],
        );
        assert_eq!(sql, "SELECT x FROM t WHERE a <= ? AND (b IS NULL OR b >= ?) AND c = '$1' AND d = ?");
        assert_eq!(args, vec![Val::int(2), Val::int(1), Val::int(2)]);
        assert_eq!(tuples(2, 2), "($1, $2), ($3, $4)");
    }
}
