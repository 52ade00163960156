//! Backup and restore.
//!
//! - **SQLite**: [`Store::backup`] writes a consistent copy of the database to one file with
//!   `VACUUM INTO` (online: readers and the writer go on). That file is itself an xhht SQLite
//!   database.
//! - **PostgreSQL**: [`Store::backup`] writes a *dump directory*, read in one `REPEATABLE READ`
//!   snapshot:
//!   - `manifest.json`: `{"format": "xhht-store-dump", "format_version": 1,
//!     "schema_version": N, "tables": [{"name": …, "columns": [{"name": …, "type": "text" |
//!     "int" | "date"}], "rows": n, "file": "<table>.jsonl"}, …]}`;
//!   - one `<table>.jsonl` per table: one JSON array per line, the values in the order of
//!     `columns` (text as strings, integers as numbers, dates as `"YYYY-MM-DD"`, NULL as
//!     `null`). Decimals are integers of ten-thousandths, as stored.
//!
//! [`Store::restore`] reads either (a SQLite backup file or a dump directory) into a *new or
//! empty* database of either backend: a SQLite file restored to a SQLite target is copied as
//! is; otherwise every row is inserted, parents first, in one transaction. The audit trail is
//! restored verbatim and verified afterwards, so a restore can neither lose nor invent history.
//!
//! The bytes of the evidence files (`evidence_blobs`, schema 9) are in both: the SQLite copy
//! holds the table, a dump holds `evidence_blobs.jsonl` (hash, size, base64 per line); they are
//! written and restored a row at a time (a row may hold megabytes), before the other tables.
//!
//! Backups hold records; the cache of per-year digests (`year_digests`) and the data version
//! are derived, not records: a dump leaves them out, and a restored database has no digest and
//! its data version at the restored audit trail's last entry (see [`crate::digest`]).

use std::collections::HashMap;
use std::io::{BufRead, BufWriter, Write};
use std::path::Path;

use sqlx::sqlite::{SqliteConnectOptions, SqlitePoolOptions};

use crate::db::{Conn, Ty, Val, tuples};
use crate::error::{Error, Result};
use crate::evidence::blobs;
use crate::schema::{ALL_TABLES, Table};
use crate::store::{Inner, Store, read_tx};

/// The `format` of a dump manifest.
const DUMP_FORMAT: &str = "xhht-store-dump";
/// Rows per page when reading a table for a dump or a copy.
const PAGE: usize = 5_000;

fn backup_err(path: &Path, message: impl Into<String>) -> Error {
    Error::Backup { path: path.display().to_string(), message: message.into() }
}

fn ty_name(ty: Ty) -> &'static str {
    match ty {
        Ty::Text => "text",
        Ty::Int => "int",
        Ty::Date => "date",
    }
}

fn ty_parse(s: &str) -> Option<Ty> {
    Some(match s {
        "text" => Ty::Text,
        "int" => Ty::Int,
        "date" => Ty::Date,
        _ => return None,
    })
}

/// Whether a value is NULL.
fn is_null(v: &Val) -> bool {
    matches!(v, Val::Text(None) | Val::Int(None) | Val::Date(None))
}

/// Fills the columns a backup of an older schema lacks (`absent`, in `dump_cols` order) with
/// the value the migration that added them gave the rows stored then
/// ([`crate::schema::added_default`]); the others stay NULL.
fn fill_added(table: &Table, row: &mut [Val], absent: &[bool]) {
    let cols = table.dump_cols();
    for (i, (name, _)) in cols.iter().enumerate().filter(|(i, _)| absent.get(*i).copied().unwrap_or(false)) {
        let is_set = |n: &str| cols.iter().position(|(c, _)| *c == n).is_some_and(|j| !is_null(&row[j]));
        if let Some(v) = crate::schema::added_default(table.name, name, is_set) {
            row[i] = Val::text(v);
        }
    }
}

/// Reads every row of `table`, a page at a time in key order, handing each page to `each`;
/// columns not `present` (a backup of an older schema) are read as NULL.
async fn scan<C: Conn>(
    c: &mut C,
    table: &Table,
    present: Option<&[bool]>,
    mut each: impl FnMut(Vec<Vec<Val>>) -> Result<()>,
) -> Result<u64> {
    let cols = table.dump_cols();
    let names: Vec<&str> = cols
        .iter()
        .enumerate()
        .map(|(i, (n, _))| if present.is_none_or(|p| p.get(i).copied().unwrap_or(false)) { *n } else { "NULL" })
        .collect();
    let types: Vec<Ty> = cols.iter().map(|(_, t)| *t).collect();
    let key: Vec<&str> = table.key_cols().iter().map(|c| c.name).collect();
    let mut after: Option<Vec<Val>> = None;
    let mut total = 0u64;
    loop {
        let (filter, args) = match &after {
            None => (String::new(), Vec::new()),
            Some(k) => (format!("WHERE ({}) > ({})", key.join(", "), crate::db::placeholders(1, k.len())), k.clone()),
        };
        let sql = format!(
            "SELECT {} FROM {} {filter} ORDER BY {} LIMIT {PAGE}",
            names.join(", "),
            table.name,
            key.join(", ")
        );
        let rows = c.fetch(sql, args, types.clone()).await?;
        let n = rows.len();
        if let Some(last) = rows.last() {
            after = Some(last[..table.key].to_vec());
        }
        total += n as u64;
        each(rows)?;
        if n < PAGE {
            return Ok(total);
        }
    }
}

/// Whether the file starts with the SQLite header.
fn is_sqlite_file(path: &Path) -> bool {
    use std::io::Read;
    let mut head = [0u8; 16];
    std::fs::File::open(path).and_then(|mut f| f.read_exact(&mut head)).is_ok() && &head == b"SQLite format 3\0"
}

impl Store {
    /// Writes a backup to `to`: for SQLite a copy of the database file (`VACUUM INTO`); for
    /// PostgreSQL a dump directory (see the module documentation). `to` must not exist yet.
    pub async fn backup(&self, to: &Path) -> Result<()> {
        if to.exists() {
            return Err(backup_err(to, "already exists; choose a new name"));
        }
        match &self.inner {
            Inner::Sqlite { reader, .. } => {
                let target = to.to_str().ok_or_else(|| backup_err(to, "the path is not valid UTF-8"))?;
                sqlx::query("VACUUM INTO $1")
                    .bind(target)
                    .execute(reader)
                    .await
                    .map_err(Error::db(format!("VACUUM INTO {}", to.display())))?;
                Ok(())
            }
            Inner::Postgres { .. } => self.dump(to).await,
        }
    }

    async fn dump(&self, to: &Path) -> Result<()> {
        std::fs::create_dir_all(to).map_err(Error::io(to))?;
        let version = self.schema_version().await?;
        let mut manifest = Vec::new();
        read_tx!(self, |c| {
            for table in ALL_TABLES {
                let file = format!("{}.jsonl", table.name);
                let path = to.join(&file);
                let mut out = BufWriter::new(std::fs::File::create(&path).map_err(Error::io(&path))?);
                let rows = scan(c, table, None, |rows| {
                    for row in rows {
                        let line = serde_json::Value::Array(row.iter().map(Val::to_json).collect());
                        writeln!(out, "{line}").map_err(Error::io(&path))?;
                    }
                    Ok(())
                })
                .await?;
                out.flush().map_err(Error::io(&path))?;
                let columns: Vec<serde_json::Value> = table
                    .dump_cols()
                    .iter()
                    .map(|(n, t)| serde_json::json!({"name": n, "type": ty_name(*t)}))
                    .collect();
                manifest.push(serde_json::json!({"name": table.name, "columns": columns, "rows": rows, "file": file}));
            }
            let rows = blobs::dump(c, &to.join(blobs::DUMP_FILE)).await?;
            manifest.push(blobs::manifest_entry(rows));
            Ok::<(), Error>(())
        })?;
        let m = serde_json::json!({
            "format": DUMP_FORMAT,
            "format_version": 1,
            "schema_version": version,
            "tables": manifest,
        });
        let path = to.join("manifest.json");
        let text = serde_json::to_string_pretty(&m).map_err(|e| backup_err(&path, e.to_string()))?;
        std::fs::write(&path, text).map_err(Error::io(&path))
    }

    /// Restores the backup at `from` (a SQLite backup file or a dump directory) into `target`
    /// (a path or URL as for [`Store::open`]), which must be new or empty, and opens it. The
    /// schema is brought up to date and the audit chain verified.
    pub async fn restore(from: &Path, target: &str) -> Result<Store> {
        let sqlite_backup = from.is_file() && is_sqlite_file(from);
        if !sqlite_backup && !from.join("manifest.json").is_file() {
            return Err(backup_err(from, "neither a SQLite backup file nor a dump directory (no manifest.json)"));
        }
        if sqlite_backup && let crate::store::Target::Sqlite(path) = crate::store::parse_target(target)? {
            if path.exists() && std::fs::metadata(&path).map(|m| m.len() > 0).unwrap_or(true) {
                return Err(backup_err(&path, "the restore target already exists; restore into a new file"));
            }
            std::fs::copy(from, &path).map_err(Error::io(&path))?;
            let store = Store::open(target).await?;
            store.reset_derived().await?;
            store.check_restored(from).await?;
            return Ok(store);
        }
        let store = Store::open(target).await?;
        if store.counts().await?.iter().any(|(_, n)| *n > 0) {
            return Err(backup_err(from, "the restore target is not empty; restore into a new database"));
        }
        if sqlite_backup {
            let opts = SqliteConnectOptions::new().filename(from).read_only(true);
            let pool = SqlitePoolOptions::new()
                .max_connections(1)
                .connect_with(opts)
                .await
                .map_err(Error::db(format!("open {}", from.display())))?;
            let mut src = pool.acquire().await.map_err(Error::db("read the backup"))?;
            let src: &mut sqlx::SqliteConnection = &mut src;
            store.load_tables(&mut Source::Db(src), from).await?;
        } else {
            store.load_tables(&mut Source::<sqlx::SqliteConnection>::Dump(Dump::open(from)?), from).await?;
        }
        store.reset_derived().await?;
        store.check_restored(from).await?;
        Ok(store)
    }

    async fn check_restored(&self, from: &Path) -> Result<()> {
        let report = self.audit_verify().await?;
        match report.broken {
            None => Ok(()),
            Some(b) => {
                Err(backup_err(from, format!("the restored audit chain is broken at entry {} ({})", b.seq, b.check)))
            }
        }
    }

    async fn load_tables<S: Conn>(&self, src: &mut Source<'_, S>, from: &Path) -> Result<()> {
        crate::store::write_tx!(self, "restore", |c, audit| {
            let _ = &mut audit;
            src.blobs(c).await?;
            for table in ALL_TABLES {
                let rows = src.rows(table, from).await?;
                insert_all(c, table, rows).await?;
            }
        });
        Ok(())
    }
}

/// Where a restore reads from.
enum Source<'a, S: Conn> {
    Db(&'a mut S),
    Dump(Dump),
}

impl<S: Conn> Source<'_, S> {
    /// Copies the bytes of the evidence files (not a table of [`ALL_TABLES`]) into `dst`, a
    /// row at a time.
    async fn blobs<C: Conn>(&mut self, dst: &mut C) -> Result<u64> {
        match self {
            Source::Db(c) => blobs::copy(&mut **c, dst).await,
            Source::Dump(d) => match d.tables.get(blobs::TABLE) {
                Some((_, file)) => blobs::load_dump(dst, &d.dir.join(file)).await,
                None => Ok(0),
            },
        }
    }

    /// Every row of `table`, in the store's column order (`dump_cols`).
    async fn rows(&mut self, table: &Table, from: &Path) -> Result<Vec<Vec<Val>>> {
        match self {
            Source::Db(c) => {
                let exists = c
                    .fetch(
                        "SELECT name FROM sqlite_master WHERE type = 'table' AND name = $1".to_owned(),
                        vec![Val::text(table.name)],
                        vec![Ty::Text],
                    )
                    .await?;
                if exists.is_empty() {
                    return Ok(Vec::new());
                }
                // A backup of an older schema may lack columns added since.
                let have: Vec<String> = c
                    .fetch(
                        "SELECT name FROM pragma_table_info($1)".to_owned(),
                        vec![Val::text(table.name)],
                        vec![Ty::Text],
                    )
                    .await?
                    .into_iter()
                    .filter_map(|r| r.into_iter().next().and_then(Val::into_string))
                    .collect();
                let present: Vec<bool> = table.dump_cols().iter().map(|(n, _)| have.iter().any(|h| h == n)).collect();
                let absent: Vec<bool> = present.iter().map(|p| !p).collect();
                let mut all = Vec::new();
                scan(&mut **c, table, Some(&present), |rows| {
                    all.extend(rows);
                    Ok(())
                })
                .await?;
                for row in &mut all {
                    fill_added(table, row, &absent);
                }
                Ok(all)
            }
            Source::Dump(d) => d.rows(table, from),
        }
    }
}

/// A dump directory and its manifest.
struct Dump {
    dir: std::path::PathBuf,
    tables: HashMap<String, (Vec<(String, Ty)>, String)>,
}

impl Dump {
    fn open(dir: &Path) -> Result<Dump> {
        let path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&path).map_err(Error::io(&path))?;
        let m: serde_json::Value = serde_json::from_str(&text).map_err(|e| backup_err(&path, e.to_string()))?;
        if m["format"] != DUMP_FORMAT || m["format_version"] != 1 {
            return Err(backup_err(&path, "not an xhht-store dump (format xhht-store-dump, version 1)"));
        }
        let mut tables = HashMap::new();
        for t in m["tables"].as_array().into_iter().flatten() {
            let name = t["name"].as_str().unwrap_or_default().to_owned();
            let file = t["file"].as_str().unwrap_or_default().to_owned();
            let cols = t["columns"]
                .as_array()
                .into_iter()
                .flatten()
                .map(|c| {
                    let n = c["name"].as_str().unwrap_or_default().to_owned();
                    let ty = c["type"].as_str().and_then(ty_parse);
                    ty.map(|ty| (n.clone(), ty))
                        .ok_or_else(|| backup_err(&path, format!("table {name}: column {n}: unknown type")))
                })
                .collect::<Result<Vec<_>>>()?;
            tables.insert(name, (cols, file));
        }
        Ok(Dump { dir: dir.to_owned(), tables })
    }

    fn rows(&self, table: &Table, _from: &Path) -> Result<Vec<Vec<Val>>> {
        let Some((cols, file)) = self.tables.get(table.name) else { return Ok(Vec::new()) };
        let want = table.dump_cols();
        // Where each wanted column sits in the dump (a column the dump lacks is NULL).
        let at: Vec<Option<usize>> = want.iter().map(|(n, _)| cols.iter().position(|(c, _)| c == n)).collect();
        let absent: Vec<bool> = at.iter().map(Option::is_none).collect();
        let path = self.dir.join(file);
        let f = std::fs::File::open(&path).map_err(Error::io(&path))?;
        let mut out = Vec::new();
        for (n, line) in std::io::BufReader::new(f).lines().enumerate() {
            let line = line.map_err(Error::io(&path))?;
            if line.trim().is_empty() {
                continue;
            }
            let bad = |m: &str| backup_err(&path, format!("line {}: {m}", n + 1));
            let v: Vec<serde_json::Value> = serde_json::from_str(&line).map_err(|e| bad(&e.to_string()))?;
            let mut row = want
                .iter()
                .zip(&at)
                .map(|((name, ty), pos)| match pos {
                    Some(p) => v
                        .get(*p)
                        .and_then(|x| Val::from_json(*ty, x))
                        .ok_or_else(|| bad(&format!("column {name} does not hold a {}", ty_name(*ty)))),
                    None => Ok(Val::from_json(*ty, &serde_json::Value::Null).unwrap_or(Val::Text(None))),
                })
                .collect::<Result<Vec<_>>>()?;
            fill_added(table, &mut row, &absent);
            out.push(row);
        }
        Ok(out)
    }
}

/// Inserts rows (in `dump_cols` order) as they are, many per statement.
async fn insert_all<C: Conn>(c: &mut C, table: &Table, rows: Vec<Vec<Val>>) -> Result<()> {
    let cols = table.dump_cols();
    let names: Vec<&str> = cols.iter().map(|(n, _)| *n).collect();
    let width = cols.len();
    let step = (30_000 / width).clamp(1, 1000);
    for chunk in rows.chunks(step) {
        let sql = format!("INSERT INTO {} ({}) VALUES {}", table.name, names.join(", "), tuples(chunk.len(), width));
        c.exec(sql, chunk.iter().flatten().cloned().collect()).await?;
    }
    Ok(())
}
