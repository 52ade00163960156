//! The generic write path: upsert rows by natural key inside the caller's transaction, tell
//! added, changed and unchanged apart, replace child rows with their parent, check references,
//! and append one audit entry per added or changed row.
//!
//! Bulk shape: existing rows are read a chunk of keys at a time (`(k…) IN (VALUES …)`), written
//! with multi-row `INSERT … ON CONFLICT (key) DO UPDATE` statements, and audited with multi-row
//! inserts, so the number of statements grows with the rows divided by a chunk, never with the
//! rows.

use std::collections::{HashMap, HashSet};

use crate::audit::Audit;
use crate::db::{Backend, Conn, FastHash, Ty, Val, placeholders, tuples};
use crate::error::{Error, Result};
use crate::model::{FieldError, Record, Ref, Row, key_text};
use crate::row_json::row_json;
use crate::schema::{MEMBERSHIPS, Table};

mod inserted;
mod stored;
pub(crate) use inserted::{InsertAudit, InsertEntries, InsertEntry};
pub(crate) use stored::each_stored;
use stored::{Was, compare_stored, take_from};

/// How many rows were added, changed and left as they were by a write.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteReport {
    /// Rows that did not exist.
    pub added: u64,
    /// Rows that existed with other values.
    pub changed: u64,
    /// Rows that existed with the same values (nothing written, nothing audited).
    pub unchanged: u64,
}

impl std::ops::AddAssign for WriteReport {
    fn add_assign(&mut self, o: Self) {
        self.added += o.added;
        self.changed += o.changed;
        self.unchanged += o.unchanged;
    }
}

/// Bind parameters per statement, below SQLite's 32,766 and PostgreSQL's 65,535.
const MAX_PARAMS: usize = 30_000;

pub(crate) fn chunk_rows(width: usize) -> usize {
    (MAX_PARAMS / width.max(1)).clamp(1, 1000)
}

/// `WHERE`-able predicate for a chunk of keys: `k IN ($1, …)` or `(k1, k2) IN (VALUES ($1, $2), …)`,
/// with the columns prefixed by `alias.` when given.
pub(crate) fn key_in(table: &Table, alias: &str, n: usize) -> String {
    let cols: Vec<String> = table.key_cols().iter().map(|c| format!("{alias}{}", c.name)).collect();
    if cols.len() == 1 {
        format!("{} IN ({})", cols.join(""), placeholders(1, n))
    } else {
        format!("({}) IN (VALUES {})", cols.join(", "), tuples(n, cols.len()))
    }
}

/// A row as stored, with its version.
#[derive(Debug, Clone)]
pub(crate) struct Stored {
    pub(crate) row: Row,
    pub(crate) version: i64,
}

/// Stored rows by natural key.
pub(crate) type Existing = HashMap<Vec<Val>, Stored, FastHash>;

/// Above this many keys, one scan of the table beats thousands of `IN (…)` lookups.
const SCAN_ABOVE: usize = 20_000;

/// How a stored row is read with its version: the types of its columns, `row_version` last for
/// a versioned table, and what to select after the table's columns (`", row_version"` or
/// nothing). See [`split_version`].
pub(crate) fn with_version(table: &Table) -> (Vec<Ty>, &'static str) {
    let mut types = table.types();
    if table.versioned {
        types.push(Ty::Int);
        (types, ", row_version")
    } else {
        (types, "")
    }
}

/// A row read as [`with_version`] says: its values and its version (0 for a table without).
pub(crate) fn split_version(versioned: bool, mut vals: Vec<Val>) -> (Vec<Val>, i64) {
    let version = if versioned { vals.pop().and_then(|v| v.as_int()).unwrap_or(0) } else { 0 };
    (vals, version)
}

/// Reads the existing rows (and their children) for `keys`: by chunks of keys, or for many
/// keys by one scan of the table.
pub(crate) async fn fetch_existing<C: Conn>(c: &mut C, table: &'static Table, keys: &[Vec<Val>]) -> Result<Existing> {
    let mut out = Existing::default();
    if keys.is_empty() {
        return Ok(out);
    }
    if keys.len() > SCAN_ABOVE {
        return scan_existing(c, table, keys).await;
    }
    let kw = table.key;
    let (types, version_col) = with_version(table);
    for chunk in keys.chunks(chunk_rows(kw)) {
        let sql = format!(
            "SELECT {}{version_col} FROM {} WHERE {}",
            table.col_list(),
            table.name,
            key_in(table, "", chunk.len())
        );
        let args: Vec<Val> = chunk.iter().flatten().cloned().collect();
        for vals in c.fetch(sql, args.clone(), types.clone()).await? {
            let (vals, version) = split_version(table.versioned, vals);
            let key = vals[..kw].to_vec();
            out.insert(key, Stored { row: Row { vals, children: Vec::new() }, version });
        }
        if let Some(child) = table.child {
            let sql = format!(
                "SELECT {} FROM {} WHERE {} ORDER BY {}",
                child.col_list(),
                child.name,
                key_in(table, "", chunk.len()),
                child.key_cols().iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
            );
            for vals in c.fetch(sql, args, child.types()).await? {
                let key = vals[..kw].to_vec();
                if let Some(s) = out.get_mut(&key) {
                    s.row.children.push(vals[kw + 1..].to_vec());
                }
            }
        }
    }
    Ok(out)
}

/// [`fetch_existing`] by scanning the whole table (and its child table) once.
async fn scan_existing<C: Conn>(c: &mut C, table: &'static Table, keys: &[Vec<Val>]) -> Result<Existing> {
    let kw = table.key;
    let wanted: HashSet<&[Val], FastHash> = keys.iter().map(Vec::as_slice).collect();
    let mut out = Existing::default();
    let (types, version_col) = with_version(table);
    let versioned = table.versioned;
    let sql = format!("SELECT {}{version_col} FROM {}", table.col_list(), table.name);
    c.scan(sql, vec![], types, &mut |vals| {
        if wanted.contains(&vals[..kw]) {
            let (vals, version) = split_version(versioned, vals);
            out.insert(vals[..kw].to_vec(), Stored { row: Row { vals, children: Vec::new() }, version });
        }
    })
    .await?;
    if let Some(child) = table.child {
        let order = child.key_cols().iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
        let sql = format!("SELECT {} FROM {} ORDER BY {order}", child.col_list(), child.name);
        c.scan(sql, vec![], child.types(), &mut |vals| {
            if let Some(s) = out.get_mut(&vals[..kw]) {
                s.row.children.push(vals[kw + 1..].to_vec());
            }
        })
        .await?;
    }
    Ok(out)
}

/// True when the table has no row at all (lets a first bulk load skip reading).
pub(crate) async fn is_empty<C: Conn>(c: &mut C, table: &Table) -> Result<bool> {
    let rows = c.fetch(format!("SELECT 1 FROM {} LIMIT 1", table.name), vec![], vec![Ty::Int]).await?;
    Ok(rows.is_empty())
}

/// Called with the number of rows written so far, after each chunk (inside the transaction).
pub(crate) type Tick<'a> = Option<&'a (dyn Fn(u64) + Send + Sync)>;

/// Writes rows of `table` (upsert by natural key) and audits the changes. Rows must have
/// distinct keys and valid references (see [`check_refs`]).
pub(crate) async fn upsert<C: Conn>(
    c: &mut C,
    table: &'static Table,
    rows: Vec<Row>,
    audit: &mut Audit,
    tick: Tick<'_>,
) -> Result<WriteReport> {
    if rows.is_empty() {
        return Ok(WriteReport::default());
    }
    let mut w = Upserter::new(c, table, rows.len()).await?;
    w.push(c, rows, audit, tick).await?;
    w.finish(c, audit).await
}

/// How an upsert's part learns what its rows were.
enum Lookup {
    /// The table was empty: every row is new.
    Empty,
    /// Compared beforehand, one verdict per row in order.
    Compared(std::vec::IntoIter<Was>),
    /// Read beforehand by key (rows with child rows), taken out a chunk at a time.
    Read(Existing),
    /// Read a chunk of keys at a time (rows with child rows).
    PerChunk,
}

/// An upsert fed in parts (a streamed import): the rows of every part must have keys distinct
/// from all other parts.
#[derive(Debug)]
pub(crate) struct Upserter {
    table: &'static Table,
    /// The table had no row when the upsert began: every row is new.
    empty: bool,
    step: usize,
    /// PostgreSQL: rows known to be new go in with COPY, many at a time.
    copy_new: bool,
    pending_new: Vec<Row>,
    report: WriteReport,
    /// For memberships: the people whose memberships were added or changed, checked at
    /// [`Upserter::finish`] (see [`crate::membership::check_clashes`]).
    touched: Vec<Val>,
}

impl Upserter {
    /// Starts an upsert of about `expected` rows.
    pub(crate) async fn new<C: Conn>(c: &mut C, table: &'static Table, expected: usize) -> Result<Upserter> {
        let step = InsertAudit::rows_per_entry(table);
        Ok(Upserter {
            table,
            empty: is_empty(c, table).await?,
            step,
            copy_new: c.supports_copy() && table.child.is_none() && expected >= 2 * step,
            pending_new: Vec::new(),
            report: WriteReport::default(),
            touched: Vec::new(),
        })
    }

    /// Whether the table had no row when the upsert began.
    pub(crate) fn was_empty(&self) -> bool {
        self.empty
    }

    /// Writes a part.
    pub(crate) async fn push<C: Conn>(
        &mut self,
        c: &mut C,
        rows: Vec<Row>,
        audit: &mut Audit,
        tick: Tick<'_>,
    ) -> Result<()> {
        let table = self.table;
        let kw = table.key;
        // Rows into a table that has some: without child rows, a pass over what is stored that
        // keeps a verdict per row and no stored row (`stored::each_stored` picks how to read);
        // with child rows, many at once or a chunk at a time.
        let mut lookup = if self.empty {
            Lookup::Empty
        } else if table.child.is_none() {
            Lookup::Compared(compare_stored(c, table, &rows).await?.into_iter())
        } else if rows.len() > SCAN_ABOVE {
            let keys: Vec<Vec<Val>> = rows.iter().map(|r| r.vals[..kw].to_vec()).collect();
            Lookup::Read(fetch_existing(c, table, &keys).await?)
        } else {
            Lookup::PerChunk
        };
        let mut it = rows.into_iter().peekable();
        while it.peek().is_some() {
            let chunk: Vec<Row> = it.by_ref().take(self.step).collect();
            let was: Vec<Was> = match &mut lookup {
                Lookup::Empty => vec![Was::New; chunk.len()],
                Lookup::Compared(was) => was.by_ref().take(chunk.len()).collect(),
                Lookup::Read(all) => take_from(table, &chunk, all),
                Lookup::PerChunk => {
                    let keys: Vec<Vec<Val>> = chunk.iter().map(|r| r.vals[..kw].to_vec()).collect();
                    take_from(table, &chunk, &mut fetch_existing(c, table, &keys).await?)
                }
            };
            if was.len() != chunk.len() {
                return Err(Error::Task {
                    task: "the import",
                    message: "a row was compared twice or not at all".to_owned(),
                });
            }
            let all_new = was.iter().all(|w| *w == Was::New);
            let report = &mut self.report;
            let mut write = Vec::new();
            let mut replaced_children = Vec::new();
            let mut inserted = InsertAudit::new(table);
            for (row, was) in chunk.into_iter().zip(was) {
                match was {
                    Was::Same => report.unchanged += 1,
                    Was::Changed { version, before } => {
                        report.changed += 1;
                        let key = row.key_text(table);
                        audit.push(
                            table.name,
                            key,
                            "update",
                            Some(before),
                            Some(row_json(table, &row, Some(version + 1))),
                        );
                        if table.child.is_some() {
                            replaced_children.push(row.vals[..kw].to_vec());
                        }
                        write.push(row);
                    }
                    Was::New => {
                        report.added += 1;
                        inserted.add(&row);
                        write.push(row);
                    }
                }
            }
            inserted.end(audit);
            self.write_chunk(c, write, &replaced_children, all_new, audit, tick).await?;
        }
        Ok(())
    }

    /// Writes a chunk whose audit entries are pushed (`all_new`: none of its rows existed):
    /// keeps the people of memberships for [`Upserter::finish`], buffers new rows for a `COPY`
    /// or writes the chunk, writes the audit entries when due, and tells the progress.
    async fn write_chunk<C: Conn>(
        &mut self,
        c: &mut C,
        write: Vec<Row>,
        replaced_children: &[Vec<Val>],
        all_new: bool,
        audit: &mut Audit,
        tick: Tick<'_>,
    ) -> Result<()> {
        let table = self.table;
        if std::ptr::eq(table, &MEMBERSHIPS) {
            self.touched.extend(write.iter().map(|r| r.vals[0].clone()));
        }
        if self.copy_new && all_new {
            self.pending_new.extend(write);
            if self.pending_new.len() >= COPY_ROWS {
                copy_rows(c, table, std::mem::take(&mut self.pending_new)).await?;
            }
        } else {
            write_rows(c, table, write, replaced_children, self.empty).await?;
        }
        if audit.should_flush() {
            audit.flush(c).await?;
        }
        if let Some(t) = tick {
            let r = &self.report;
            t(r.added + r.changed + r.unchanged);
        }
        Ok(())
    }

    /// Writes a part of a first load: rows that are all new (the table was empty when the
    /// upsert began and their keys are distinct from every other part's) with their audit
    /// entries already made ([`InsertEntries`]): nothing is compared, the entries are chained.
    pub(crate) async fn push_new<C: Conn>(
        &mut self,
        c: &mut C,
        rows: Vec<Row>,
        entries: Vec<InsertEntry>,
        audit: &mut Audit,
        tick: Tick<'_>,
    ) -> Result<()> {
        if !self.empty {
            return Err(Error::Task {
                task: "the import",
                message: format!("`{}` was not empty: its rows cannot be written as new", self.table.name),
            });
        }
        for e in entries {
            e.push(audit);
        }
        let mut it = rows.into_iter().peekable();
        while it.peek().is_some() {
            let chunk: Vec<Row> = it.by_ref().take(self.step).collect();
            self.report.added += chunk.len() as u64;
            self.write_chunk(c, chunk, &[], true, audit, tick).await?;
        }
        Ok(())
    }

    /// Writes what is still buffered; returns the counts.
    pub(crate) async fn finish<C: Conn>(mut self, c: &mut C, audit: &mut Audit) -> Result<WriteReport> {
        if !self.pending_new.is_empty() {
            copy_rows(c, self.table, std::mem::take(&mut self.pending_new)).await?;
        }
        crate::membership::check_clashes(c, std::mem::take(&mut self.touched)).await?;
        crate::citizen::after_write(c, self.table, None).await?;
        audit.flush(c).await?;
        Ok(self.report)
    }
}

/// Rows per `COPY` statement.
const COPY_ROWS: usize = 50_000;

/// `COPY table (columns) FROM STDIN` of rows that do not exist yet (a row that appeared
/// meanwhile makes the COPY, and the transaction, fail on the key).
async fn copy_rows<C: Conn>(c: &mut C, table: &'static Table, rows: Vec<Row>) -> Result<()> {
    let mut data = Vec::with_capacity(rows.len() * 16 * table.cols.len());
    for r in &rows {
        crate::db::copy_row(&mut data, &r.vals);
    }
    c.copy_in(format!("COPY {} ({}) FROM STDIN", table.name, table.col_list()), data).await?;
    Ok(())
}

/// `INSERT … ON CONFLICT (key) DO UPDATE SET …, row_version = row_version + 1` for `rows`,
/// after deleting the children of `replaced` parents; then inserts every child row. Into a
/// table that was `empty` when the write began (every row new, keys distinct), a plain
/// `INSERT`: a row that appeared meanwhile fails the statement, and the transaction, on its key.
async fn write_rows<C: Conn>(
    c: &mut C,
    table: &'static Table,
    rows: Vec<Row>,
    replaced: &[Vec<Val>],
    empty: bool,
) -> Result<()> {
    if rows.is_empty() {
        return Ok(());
    }
    let width = table.cols.len();
    let updates: Vec<String> =
        table.cols[table.key..].iter().map(|col| format!("{0} = excluded.{0}", col.name)).collect();
    let mut set = updates.join(", ");
    if table.versioned {
        if !set.is_empty() {
            set.push_str(", ");
        }
        set.push_str(&format!("row_version = {}.row_version + 1", table.name));
    }
    let conflict = if set.is_empty() { "DO NOTHING".to_owned() } else { format!("DO UPDATE SET {set}") };
    let key_list = table.key_cols().iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
    if table.child.is_none() {
        let marks = vec!["?"; width].join(", ");
        let mut one = format!("INSERT INTO {} ({}) VALUES ({marks})", table.name, table.col_list());
        if !empty {
            one.push_str(&format!(" ON CONFLICT ({key_list}) {conflict}"));
        }
        if let Some(done) = c.run_each(&one, &mut rows.iter().map(|r| r.vals.as_slice())) {
            return done.map(|_| ());
        }
    }
    let mut kids: Vec<Vec<Val>> = Vec::new();
    let per = c.rows_per_insert(width);
    let sql_for = |n: usize| {
        format!(
            "INSERT INTO {} ({}) VALUES {} ON CONFLICT ({key_list}) {conflict}",
            table.name,
            table.col_list(),
            tuples(n, width)
        )
    };
    let full = sql_for(per);
    let mut it = rows.into_iter().peekable();
    while it.peek().is_some() {
        let chunk: Vec<Row> = it.by_ref().take(per).collect();
        let sql = if chunk.len() == per { full.clone() } else { sql_for(chunk.len()) };
        let mut args = Vec::with_capacity(chunk.len() * width);
        for r in chunk {
            if !r.children.is_empty() {
                let key = &r.vals[..table.key];
                for (n, ch) in r.children.into_iter().enumerate() {
                    let mut v = key.to_vec();
                    v.push(Val::int(i64::try_from(n).unwrap_or(i64::MAX)));
                    v.extend(ch);
                    kids.push(v);
                }
            }
            args.extend(r.vals);
        }
        c.exec(sql, args).await?;
    }
    if let Some(child) = table.child {
        for chunk in replaced.chunks(chunk_rows(table.key)) {
            let sql = format!("DELETE FROM {} WHERE {}", child.name, key_in(table, "", chunk.len()));
            c.exec(sql, chunk.iter().flatten().cloned().collect()).await?;
        }
        let cw = child.cols.len();
        for chunk in kids.chunks(chunk_rows(cw)) {
            let sql = format!("INSERT INTO {} ({}) VALUES {}", child.name, child.col_list(), tuples(chunk.len(), cw));
            c.exec(sql, chunk.iter().flatten().cloned().collect()).await?;
        }
    }
    Ok(())
}

/// Keys of `table` (single-column keys) among `wanted` that exist in the database.
pub(crate) async fn existing_keys<C: Conn>(
    c: &mut C,
    table: &'static Table,
    wanted: &HashSet<String>,
) -> Result<HashSet<String>> {
    let mut found = HashSet::new();
    let col = table.cols[0].name;
    if wanted.len() > SCAN_ABOVE {
        c.scan(format!("SELECT {col} FROM {}", table.name), vec![], vec![Ty::Text], &mut |r| {
            if let Some(Val::Text(Some(k))) = r.into_iter().next()
                && wanted.contains(&k)
            {
                found.insert(k);
            }
        })
        .await?;
        return Ok(found);
    }
    // SQLite orders text byte by byte, as Rust does: the wanted keys are taken in that order a
    // chunk at a time, and the stored keys between a chunk's least and greatest are one range
    // of the key's index, read in one query when it holds not many more keys than are wanted
    // (a file in key order: a block's references are neighbours), looked up by key otherwise.
    // PostgreSQL's text order is its collation's, which bytes do not bound: by key.
    let mut wanted: Vec<&String> = wanted.iter().collect();
    let ranges = c.backend() == Backend::Sqlite;
    if ranges {
        wanted.sort_unstable();
    }
    for chunk in wanted.chunks(chunk_rows(1)) {
        if ranges && let (Some(lo), Some(hi)) = (chunk.first(), chunk.last()) {
            let limit = 2 * chunk.len() + 16;
            let sql = format!(
                "SELECT {col} FROM {} WHERE {col} >= $1 AND {col} <= $2 ORDER BY {col} LIMIT {limit}",
                table.name
            );
            let rows = c.fetch(sql, vec![Val::text(lo.as_str()), Val::text(hi.as_str())], vec![Ty::Text]).await?;
            if rows.len() < limit {
                for r in rows {
                    if let Some(Val::Text(Some(k))) = r.into_iter().next()
                        && chunk.binary_search(&&k).is_ok()
                    {
                        found.insert(k);
                    }
                }
                continue;
            }
        }
        let sql = format!("SELECT {col} FROM {} WHERE {col} IN ({})", table.name, placeholders(1, chunk.len()));
        let args = chunk.iter().map(|k| Val::text(k.as_str())).collect();
        for r in c.fetch(sql, args, vec![Ty::Text]).await? {
            if let Some(k) = r.first().and_then(Val::as_str) {
                found.insert(k.to_owned());
            }
        }
    }
    Ok(found)
}

/// The references of `items` that exist neither in the database nor among `items` themselves
/// (for self-references such as an organisation's parent): `(item index, reference)`.
pub(crate) async fn check_refs<C: Conn, T: Record>(c: &mut C, items: &[T]) -> Result<Vec<(usize, Ref)>> {
    let refs: Vec<(usize, Ref)> =
        items.iter().enumerate().flat_map(|(n, t)| t.refs().into_iter().map(move |r| (n, r))).collect();
    let own: HashSet<String> = if refs.iter().any(|(_, r)| std::ptr::eq(r.table, T::TABLE)) {
        items.iter().filter_map(|t| t.to_row().ok()).map(|r| r.key_text(T::TABLE)).collect()
    } else {
        HashSet::new()
    };
    let mut by_table: HashMap<&'static str, (&'static Table, HashSet<String>)> = HashMap::new();
    for (_, r) in &refs {
        if std::ptr::eq(r.table, T::TABLE) && own.contains(&r.key) {
            continue;
        }
        by_table.entry(r.table.name).or_insert_with(|| (r.table, HashSet::new())).1.insert(r.key.clone());
    }
    let mut found: HashMap<&'static str, HashSet<String>> = HashMap::new();
    for (name, (table, keys)) in by_table {
        found.insert(name, existing_keys(c, table, &keys).await?);
    }
    Ok(refs
        .into_iter()
        .filter(|(_, r)| {
            let in_items = std::ptr::eq(r.table, T::TABLE) && own.contains(&r.key);
            let in_db = found.get(r.table.name).is_some_and(|s| s.contains(&r.key));
            !in_items && !in_db
        })
        .collect())
}

/// What a reference to a missing row is called in messages (`unknown person`, …).
pub(crate) fn unknown(r: &Ref) -> String {
    let what = match r.table.name {
        "people" => "person",
        "organisations" => "organisation",
        "areas" => "area",
        "communities" => "community",
        "clans" => "clan",
        "households" => "household",
        other => other,
    };
    format!("unknown {what} `{}`", r.key)
}

/// Converts and checks `items` for a write: rows, no key twice, every reference known.
/// Returns the rows, or [`Error::Invalid`] for the first problem.
pub(crate) async fn prepare<C: Conn, T: Record>(c: &mut C, items: &[T]) -> Result<Vec<Row>> {
    let table = T::TABLE;
    let mut rows = Vec::with_capacity(items.len());
    let mut seen = HashSet::with_capacity(items.len());
    for item in items {
        let row = item.to_row().map_err(|FieldError { field, message }| Error::Invalid {
            table: table.name,
            key: item.to_row().map(|r| r.key_text(table)).unwrap_or_default(),
            field,
            message,
        })?;
        if !seen.insert(row.vals[..table.key].to_vec()) {
            return Err(Error::Invalid {
                table: table.name,
                key: row.key_text(table),
                field: "-".to_owned(),
                message: "given twice in one write".to_owned(),
            });
        }
        rows.push(row);
    }
    if let Some((n, r)) = check_refs(c, items).await?.into_iter().next() {
        return Err(Error::Invalid {
            table: table.name,
            key: rows.get(n).map(|row| row.key_text(table)).unwrap_or_default(),
            field: r.field.to_owned(),
            message: unknown(&r),
        });
    }
    Ok(rows)
}

/// Reads the rows of `T` matching `filter` (SQL over the table's columns prefixed `p.`, with
/// `$1…` bound to `args`), with their children and versions, ordered by key.
pub(crate) async fn select<C: Conn, T: Record>(c: &mut C, filter: &str, args: Vec<Val>) -> Result<Vec<(T, i64)>> {
    let table = T::TABLE;
    let kw = table.key;
    let cols: Vec<String> = table.cols.iter().map(|col| format!("p.{}", col.name)).collect();
    let order: Vec<String> = table.key_cols().iter().map(|col| format!("p.{}", col.name)).collect();
    let mut types = table.types();
    let version = if table.versioned {
        types.push(Ty::Int);
        ", p.row_version"
    } else {
        ""
    };
    let sql = format!(
        "SELECT {}{version} FROM {} p WHERE {filter} ORDER BY {}",
        cols.join(", "),
        table.name,
        order.join(", ")
    );
    let mut children: HashMap<Vec<Val>, Vec<Vec<Val>>> = HashMap::new();
    if let Some(child) = table.child {
        let ccols: Vec<String> = child.cols.iter().map(|col| format!("ch.{}", col.name)).collect();
        let join: Vec<String> = table.key_cols().iter().map(|col| format!("ch.{0} = p.{0}", col.name)).collect();
        let corder: Vec<String> = child.key_cols().iter().map(|col| format!("ch.{}", col.name)).collect();
        let csql = format!(
            "SELECT {} FROM {} ch JOIN {} p ON {} WHERE {filter} ORDER BY {}",
            ccols.join(", "),
            child.name,
            table.name,
            join.join(" AND "),
            corder.join(", ")
        );
        c.scan(csql, args.clone(), child.types(), &mut |vals| {
            children.entry(vals[..kw].to_vec()).or_default().push(vals[kw + 1..].to_vec());
        })
        .await?;
    }
    // Rows become domain values as they arrive (no second copy of the table in memory).
    let mut out = Vec::new();
    let mut failed: Option<Error> = None;
    let versioned = table.versioned;
    c.scan(sql, args, types, &mut |vals| {
        if failed.is_some() {
            return;
        }
        let (vals, v) = split_version(versioned, vals);
        let kids = if children.is_empty() { Vec::new() } else { children.remove(&vals[..kw]).unwrap_or_default() };
        let key = vals[..kw].to_vec();
        match T::from_row(Row { vals, children: kids }) {
            Ok(item) => out.push((item, v)),
            Err(e) => {
                failed = Some(Error::corrupt(table.name, key_text(&key), format!("{}: {}", e.field, e.message)));
            }
        }
    })
    .await?;
    match failed {
        Some(e) => Err(e),
        None => Ok(out),
    }
}

/// Updates one row if its version is still `expected`; returns the new version. A different
/// version is [`Error::Conflict`], no row [`Error::NotFound`]; nothing is written then.
pub(crate) async fn update_versioned<C: Conn, T: Record>(
    c: &mut C,
    item: &T,
    expected: i64,
    audit: &mut Audit,
) -> Result<i64> {
    let table = T::TABLE;
    let mut rows = prepare(c, std::slice::from_ref(item)).await?;
    let row = rows.pop().ok_or_else(|| Error::NotFound { table: table.name, key: String::new() })?;
    let key = row.vals[..table.key].to_vec();
    let key_s = row.key_text(table);
    let existing = fetch_existing(c, table, std::slice::from_ref(&key)).await?;
    let Some(old) = existing.get(&key) else {
        return Err(Error::NotFound { table: table.name, key: key_s });
    };
    if old.version != expected {
        return Err(Error::Conflict { table: table.name, key: key_s, expected, actual: old.version });
    }
    if old.row == row {
        return Ok(old.version);
    }
    let n = table.key;
    let set: Vec<String> =
        table.cols[n..].iter().enumerate().map(|(i, col)| format!("{} = ${}", col.name, i + 1)).collect();
    let rest = table.cols.len() - n;
    let cond: Vec<String> =
        table.key_cols().iter().enumerate().map(|(i, col)| format!("{} = ${}", col.name, rest + i + 1)).collect();
    let sql = format!(
        "UPDATE {} SET {}, row_version = row_version + 1 WHERE {} AND row_version = ${}",
        table.name,
        set.join(", "),
        cond.join(" AND "),
        table.cols.len() + 1
    );
    let mut args: Vec<Val> = row.vals[n..].to_vec();
    args.extend(key.iter().cloned());
    args.push(Val::int(expected));
    if c.exec(sql, args).await? != 1 {
        return Err(Error::Conflict { table: table.name, key: key_s, expected, actual: expected + 1 });
    }
    if let Some(child) = table.child {
        let sql = format!("DELETE FROM {} WHERE {}", child.name, key_in(table, "", 1));
        c.exec(sql, key.clone()).await?;
        write_children(c, table, &row).await?;
    }
    if std::ptr::eq(table, &MEMBERSHIPS) {
        crate::membership::check_clashes(c, vec![key[0].clone()]).await?;
    }
    crate::citizen::after_write(c, table, key.first()).await?;
    audit.push(
        table.name,
        key_s,
        "update",
        Some(row_json(table, &old.row, Some(old.version))),
        Some(row_json(table, &row, Some(expected + 1))),
    );
    audit.flush(c).await?;
    Ok(expected + 1)
}

async fn write_children<C: Conn>(c: &mut C, table: &'static Table, row: &Row) -> Result<()> {
    let Some(child) = table.child else { return Ok(()) };
    let key = &row.vals[..table.key];
    let cw = child.cols.len();
    let kids: Vec<Vec<Val>> = row
        .children
        .iter()
        .enumerate()
        .map(|(n, ch)| {
            let mut v = key.to_vec();
            v.push(Val::int(i64::try_from(n).unwrap_or(i64::MAX)));
            v.extend(ch.iter().cloned());
            v
        })
        .collect();
    for chunk in kids.chunks(chunk_rows(cw)) {
        let sql = format!("INSERT INTO {} ({}) VALUES {}", child.name, child.col_list(), tuples(chunk.len(), cw));
        c.exec(sql, chunk.iter().flatten().cloned().collect()).await?;
    }
    Ok(())
}

/// Deletes the rows of `table` with these keys (and their children), auditing each.
pub(crate) async fn delete_rows<C: Conn>(
    c: &mut C,
    table: &'static Table,
    keys: &[Vec<Val>],
    audit: &mut Audit,
) -> Result<u64> {
    if keys.is_empty() {
        return Ok(0);
    }
    let old = fetch_existing(c, table, keys).await?;
    for key in keys {
        if let Some(o) = old.get(key) {
            audit.push(table.name, key_text(key), "delete", Some(row_json(table, &o.row, Some(o.version))), None);
        }
    }
    let mut n = 0;
    for chunk in keys.chunks(chunk_rows(table.key)) {
        if let Some(child) = table.child {
            let sql = format!("DELETE FROM {} WHERE {}", child.name, key_in(table, "", chunk.len()));
            c.exec(sql, chunk.iter().flatten().cloned().collect()).await?;
        }
        let sql = format!("DELETE FROM {} WHERE {}", table.name, key_in(table, "", chunk.len()));
        n += c.exec(sql, chunk.iter().flatten().cloned().collect()).await?;
    }
    audit.flush(c).await?;
    Ok(n)
}
