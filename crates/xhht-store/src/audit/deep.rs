//! The deep check: every audited table replayed from the audit trail — the rows the `insert`
//! entries hold, then each `update` and `delete` in order — and compared with what the table
//! holds, row by row and column by column, accounts and tokens included; then the evidence
//! files' bytes, which the trail holds only the hashes of, hashed again (`evidence`).
//!
//! Values are compared as text on both engines (`CAST(column AS TEXT)`: integers in decimal,
//! dates as `YYYY-MM-DD`, as the trail's JSON writes them), so a value of the wrong type put in
//! by hand is a difference, not an error. Users are compared without their password hash (the
//! trail says only whether there is one) and tokens without theirs; `created` is not audited
//! either. One table is replayed at a time: memory grows with the largest table, not the
//! database. The entries are also checked against each other: an `update` or `delete` whose
//! `before` is not the row as the entries before it left it, an update of a row never inserted,
//! a row inserted twice — the trail edited, or a table changed behind the store's back before
//! a later write covered it up.

mod accounts;
mod evidence;

use std::collections::HashMap;

use serde_json::Value;

use crate::db::{Conn, Ty, Val};
use crate::error::Result;
use crate::schema::{ALL_TABLES, Table};

/// The most differences a report keeps (all are counted).
const KEPT: usize = 1000;
/// The most characters of a value a difference shows.
const SHOWN: usize = 40;

/// One difference between what the trail says a table holds and what it holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Difference {
    /// The table (a child table under its own name, e.g. `assessment_values`).
    pub table: String,
    /// The row's natural key, parts joined by `/` (a child row: its parent's key, then its
    /// position; a token: its user, prefix and name).
    pub key: String,
    /// What differs.
    pub kind: DifferenceKind,
}

/// What differs about a row.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum DifferenceKind {
    /// The trail has the row and the table does not: deleted behind the store's back.
    Missing,
    /// The table has the row and the trail never wrote it: inserted behind the store's back
    /// (or kept from before the trail, such as accounts a server had before schema 6).
    Extra,
    /// A column holds another value than the trail's last entry for the row gave it.
    Column {
        /// The column.
        column: String,
        /// What the trail says, shortened to 40 characters (`NULL` for none).
        expected: String,
        /// What the table holds, shortened likewise.
        actual: String,
    },
    /// The trail contradicts itself at entry `seq`.
    Inconsistent {
        /// The entry.
        seq: i64,
        /// What is wrong, in English.
        message: String,
    },
}

/// One table's tally.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TableCheck {
    /// The table.
    pub table: String,
    /// Rows the trail says it holds.
    pub expected_rows: u64,
    /// Rows it holds.
    pub actual_rows: u64,
    /// Differences found in it (and its child table).
    pub differences: u64,
}

/// The outcome of the deep check.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct DeepReport {
    /// Every audited table, in the order checked.
    pub tables: Vec<TableCheck>,
    /// The first 1,000 differences.
    pub differences: Vec<Difference>,
    /// How many differences there are in all.
    pub total: u64,
}

impl DeepReport {
    /// True when every table holds what the trail says and the trail is consistent.
    pub fn is_clean(&self) -> bool {
        self.total == 0
    }

    fn add(&mut self, table: &str, key: String, kind: DifferenceKind) {
        self.total += 1;
        if let Some(t) = self.tables.last_mut() {
            t.differences += 1;
        }
        if self.differences.len() < KEPT {
            self.differences.push(Difference { table: table.to_owned(), key, kind });
        }
    }
}

/// A value as text, as the comparison sees it (`None`: NULL).
type Cell = Option<String>;

/// A value shortened for a message.
fn shown(v: &Cell) -> String {
    match v {
        None => "NULL".to_owned(),
        Some(s) if s.chars().count() > SHOWN => {
            let cut: String = s.chars().take(SHOWN - 1).collect();
            format!("\"{cut}…\"")
        }
        Some(s) => format!("\"{s}\""),
    }
}

/// A JSON value of the trail as text (`null` as NULL).
fn cell(v: Option<&Value>) -> Cell {
    match v? {
        Value::Null => None,
        Value::String(s) => Some(s.clone()),
        Value::Bool(b) => Some(if *b { "1" } else { "0" }.to_owned()),
        other => Some(other.to_string()),
    }
}

fn key_text(key: &[Cell]) -> String {
    key.iter().map(|k| k.as_deref().unwrap_or_default()).collect::<Vec<_>>().join("/")
}

/// The tables whose changes are audited with rows (every table with a natural key that is not
/// a child table, the audit log or the import log).
fn record_tables() -> impl Iterator<Item = &'static Table> {
    ALL_TABLES.iter().copied().filter(|t| {
        let is_child = ALL_TABLES.iter().any(|p| p.child.is_some_and(|c| std::ptr::eq(c, *t)));
        !is_child && t.name != "audit_log" && t.name != "imports"
    })
}

/// Runs the deep check.
pub(crate) async fn run<C: Conn>(c: &mut C) -> Result<DeepReport> {
    let mut report = DeepReport::default();
    unknown_tables(c, &mut report).await?;
    for table in record_tables() {
        check_table(c, table, &mut report).await?;
    }
    accounts::users(c, &mut report).await?;
    accounts::tokens(c, &mut report).await?;
    evidence::blobs(c, &mut report).await?;
    Ok(report)
}

/// Entries about tables the store does not audit.
async fn unknown_tables<C: Conn>(c: &mut C, report: &mut DeepReport) -> Result<()> {
    let sql = "SELECT table_name, MIN(seq) FROM audit_log GROUP BY table_name ORDER BY table_name";
    let rows = c.fetch(sql.to_owned(), vec![], vec![Ty::Text, Ty::Int]).await?;
    for r in rows {
        let name = r.first().and_then(Val::as_str).unwrap_or_default();
        if !record_tables().any(|t| t.name == name) && name != "users" && name != "api_tokens" {
            let seq = r.get(1).and_then(Val::as_int).unwrap_or(0);
            let message = format!("entries about `{name}`, a table the store does not audit");
            report.add(name, String::new(), DifferenceKind::Inconsistent { seq, message });
        }
    }
    Ok(())
}

/// Streams the entries about `table` in order, handing each to `each` as (seq, row key,
/// action, before, after).
pub(super) async fn entries<C: Conn>(
    c: &mut C,
    table: &str,
    each: &mut (dyn FnMut(i64, String, String, Option<Value>, Option<Value>) + Send),
) -> Result<()> {
    let sql = "SELECT seq, row_key, action, before, after FROM audit_log WHERE table_name = $1 ORDER BY seq";
    let types = vec![Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text];
    c.scan(sql.to_owned(), vec![Val::text(table)], types, &mut |r| {
        let mut it = r.into_iter();
        let seq = it.next().and_then(|v| v.as_int()).unwrap_or(0);
        let mut text = || it.next().and_then(Val::into_string);
        let (row_key, action) = (text().unwrap_or_default(), text().unwrap_or_default());
        let parse = |s: Option<String>| s.map(|s| serde_json::from_str(&s).unwrap_or(Value::Null));
        let before = parse(text());
        let after = parse(text());
        each(seq, row_key, action, before, after);
    })
    .await
}

/// `SELECT CAST(a AS TEXT), … FROM table ORDER BY …`.
pub(super) fn select_text(table: &str, cols: &[&str], order: &[&str]) -> String {
    let list: Vec<String> = cols.iter().map(|c| format!("CAST({c} AS TEXT)")).collect();
    format!("SELECT {} FROM {table} ORDER BY {}", list.join(", "), order.join(", "))
}

/// A row as the trail left it.
#[derive(Debug, Clone, PartialEq)]
struct Expected {
    vals: Vec<Cell>,
    version: Cell,
    children: Vec<Vec<Cell>>,
}

/// A row the replay holds, with what the comparison met of it.
#[derive(Debug)]
struct Slot {
    row: Expected,
    seen: bool,
    kids_seen: Vec<bool>,
}

/// The replay of one table.
struct Replay<'r> {
    table: &'static Table,
    rows: HashMap<Vec<Cell>, Slot>,
    report: &'r mut DeepReport,
}

impl Replay<'_> {
    fn inconsistent(&mut self, seq: i64, key: String, message: impl Into<String>) {
        self.report.add(self.table.name, key, DifferenceKind::Inconsistent { seq, message: message.into() });
    }

    /// A row from an `update` or `delete` entry's JSON object.
    fn read_object(&self, v: &Value) -> Option<Expected> {
        let o = v.as_object()?;
        let mut vals: Vec<Cell> = self.table.cols.iter().map(|c| cell(o.get(c.name))).collect();
        let absent: Vec<bool> = self.table.cols.iter().map(|c| !o.contains_key(c.name)).collect();
        self.fill_added(&mut vals, &absent);
        let children = match self.table.child {
            None => Vec::new(),
            Some(child) => {
                let names = &child.cols[self.table.key + 1..];
                let kids = o.get(child.name).and_then(Value::as_array).map(Vec::as_slice).unwrap_or_default();
                kids.iter()
                    .map(|k| names.iter().map(|c| cell(k.as_object().and_then(|k| k.get(c.name)))).collect())
                    .collect()
            }
        };
        Some(Expected { vals, version: cell(o.get("row_version")), children })
    }

    /// The rows of an `insert` entry's `{"columns": …, "rows": …}`.
    fn read_insert(&self, v: &Value) -> Option<Vec<Expected>> {
        let columns = v.get("columns")?.as_array()?;
        let at = |name: &str| columns.iter().position(|c| c.as_str() == Some(name));
        let cols: Vec<Option<usize>> = self.table.cols.iter().map(|c| at(c.name)).collect();
        let absent: Vec<bool> = cols.iter().map(Option::is_none).collect();
        let version = at("row_version");
        let child = self.table.child.and_then(|child| {
            let i = columns.iter().position(|c| c.get(child.name).is_some())?;
            let header = columns[i].get(child.name)?.as_array()?;
            let names = &child.cols[self.table.key + 1..];
            let map: Vec<Option<usize>> =
                names.iter().map(|n| header.iter().position(|h| h.as_str() == Some(n.name))).collect();
            Some((i, map))
        });
        let rows = v.get("rows")?.as_array()?;
        let mut out = Vec::with_capacity(rows.len());
        for row in rows {
            let row = row.as_array()?;
            let get = |i: Option<usize>| cell(i.and_then(|i| row.get(i)));
            let children = match &child {
                None => Vec::new(),
                Some((i, map)) => row
                    .get(*i)
                    .and_then(Value::as_array)
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                    .iter()
                    .map(|k| map.iter().map(|m| cell(m.and_then(|m| k.get(m)))).collect())
                    .collect(),
            };
            let mut vals: Vec<Cell> = cols.iter().map(|i| get(*i)).collect();
            self.fill_added(&mut vals, &absent);
            out.push(Expected { vals, version: get(version), children });
        }
        Some(out)
    }

    /// The columns an entry written before a migration added them does not name: the value
    /// the migration gave the rows stored then (`schema::added_default`), else NULL.
    fn fill_added(&self, vals: &mut [Cell], absent: &[bool]) {
        let cols = self.table.cols;
        for (i, col) in cols.iter().enumerate().filter(|(i, _)| absent.get(*i).copied().unwrap_or(false)) {
            let is_set = |name: &str| cols.iter().position(|c| c.name == name).is_some_and(|j| vals[j].is_some());
            if let Some(v) = crate::schema::added_default(self.table.name, col.name, is_set) {
                vals[i] = Some(v.to_owned());
            }
        }
    }

    fn key_of(&self, e: &Expected) -> Vec<Cell> {
        e.vals[..self.table.key].to_vec()
    }

    /// The first way `before` differs from the replayed row, if any.
    fn differs(&self, before: &Expected, replayed: &Expected) -> Option<String> {
        for (c, (b, r)) in self.table.cols.iter().zip(before.vals.iter().zip(&replayed.vals)) {
            if b != r {
                return Some(format!("{}: {} in `before`, {} replayed", c.name, shown(b), shown(r)));
            }
        }
        if before.version != replayed.version {
            return Some(format!(
                "row_version: {} in `before`, {} replayed",
                shown(&before.version),
                shown(&replayed.version)
            ));
        }
        (before.children != replayed.children).then(|| "its child rows differ from those replayed".to_owned())
    }

    fn apply(&mut self, seq: i64, row_key: String, action: String, before: Option<Value>, after: Option<Value>) {
        match action.as_str() {
            "insert" => {
                let Some(rows) = after.as_ref().and_then(|a| self.read_insert(a)) else {
                    return self.inconsistent(seq, row_key, "an insert entry whose rows cannot be read");
                };
                if rows.first().is_none_or(|r| key_text(&self.key_of(r)) != row_key) {
                    self.inconsistent(seq, row_key.clone(), "row_key is not the key of the entry's first row");
                }
                for row in rows {
                    let key = self.key_of(&row);
                    let kids_seen = vec![false; row.children.len()];
                    if self.rows.insert(key.clone(), Slot { row, seen: false, kids_seen }).is_some() {
                        self.inconsistent(seq, key_text(&key), "inserts a row that is already there");
                    }
                }
            }
            "update" | "delete" => {
                let old = before.as_ref().and_then(|b| self.read_object(b));
                let new = after.as_ref().and_then(|a| self.read_object(a));
                let Some(key) = old.as_ref().or(new.as_ref()).map(|r| self.key_of(r)) else {
                    return self.inconsistent(seq, row_key, format!("an {action} entry whose row cannot be read"));
                };
                if key_text(&key) != row_key {
                    self.inconsistent(seq, row_key.clone(), "row_key is not the key of the entry's row");
                }
                match (self.rows.get(&key), &old) {
                    (None, _) => {
                        self.inconsistent(seq, row_key.clone(), format!("an {action} of a row never inserted"))
                    }
                    (Some(_), None) => self.inconsistent(seq, row_key.clone(), "no `before`"),
                    (Some(slot), Some(old)) => {
                        if let Some(d) = self.differs(old, &slot.row) {
                            let message = format!("`before` is not the row as the entries before left it: {d}");
                            self.inconsistent(seq, row_key.clone(), message);
                        }
                    }
                }
                match (action.as_str(), new) {
                    ("delete", _) => {
                        self.rows.remove(&key);
                    }
                    (_, Some(new)) => {
                        if self.key_of(&new) != key {
                            self.inconsistent(seq, row_key, "`before` and `after` have different keys");
                        }
                        let kids_seen = vec![false; new.children.len()];
                        self.rows.insert(key, Slot { row: new, seen: false, kids_seen });
                    }
                    (_, None) => self.inconsistent(seq, row_key, "an update entry without `after`"),
                }
            }
            other => self.inconsistent(seq, row_key, format!("unknown action `{other}`")),
        }
    }

    fn column(&mut self, table: &str, key: &str, column: &str, expected: &Cell, actual: &Cell) {
        if expected != actual {
            let kind =
                DifferenceKind::Column { column: column.to_owned(), expected: shown(expected), actual: shown(actual) };
            self.report.add(table, key.to_owned(), kind);
        }
    }
}

/// Replays `table` and compares it (and its child table) with what is stored.
async fn check_table<C: Conn>(c: &mut C, table: &'static Table, report: &mut DeepReport) -> Result<()> {
    report.tables.push(TableCheck { table: table.name.to_owned(), expected_rows: 0, actual_rows: 0, differences: 0 });
    let mut replay = Replay { table, rows: HashMap::new(), report };
    entries(c, table.name, &mut |seq, row_key, action, before, after| {
        replay.apply(seq, row_key, action, before, after);
    })
    .await?;
    let kw = table.key;
    let mut cols: Vec<&str> = table.cols.iter().map(|c| c.name).collect();
    let order: Vec<&str> = cols[..kw].to_vec();
    if table.versioned {
        cols.push("row_version");
    }
    let types = vec![Ty::Text; cols.len()];
    let mut actual_rows = 0u64;
    c.scan(select_text(table.name, &cols, &order), vec![], types, &mut |vals| {
        actual_rows += 1;
        let key = vals[..kw].iter().map(|v| v.as_str().map(str::to_owned)).collect::<Vec<_>>();
        let key_s = key_text(&key);
        let Some(slot) = replay.rows.get_mut(&key) else {
            return replay.report.add(table.name, key_s, DifferenceKind::Extra);
        };
        slot.seen = true;
        let expected = slot.row.clone();
        for (i, name) in cols.iter().enumerate() {
            let actual = vals.get(i).and_then(|v| v.as_str().map(str::to_owned));
            let want = if i < table.cols.len() { &expected.vals[i] } else { &expected.version };
            replay.column(table.name, &key_s, name, want, &actual);
        }
    })
    .await?;
    let mut missing: Vec<Vec<Cell>> = replay.rows.iter().filter(|(_, s)| !s.seen).map(|(k, _)| k.clone()).collect();
    missing.sort();
    for key in missing {
        replay.report.add(table.name, key_text(&key), DifferenceKind::Missing);
    }
    if let Some(child) = table.child {
        let ccols: Vec<&str> = child.cols.iter().map(|c| c.name).collect();
        let corder: Vec<&str> = ccols[..child.key].to_vec();
        c.scan(select_text(child.name, &ccols, &corder), vec![], vec![Ty::Text; ccols.len()], &mut |vals| {
            let cells: Vec<Cell> = vals.iter().map(|v| v.as_str().map(str::to_owned)).collect();
            let key = cells[..kw].to_vec();
            let position = cells.get(kw).cloned().flatten().unwrap_or_default();
            let key_s = format!("{}/{position}", key_text(&key));
            let slot = replay.rows.get_mut(&key).filter(|s| s.seen);
            let at = position.parse::<usize>().ok();
            let Some((slot, at)) = slot.zip(at).filter(|(s, at)| *at < s.row.children.len()) else {
                return replay.report.add(child.name, key_s, DifferenceKind::Extra);
            };
            slot.kids_seen[at] = true;
            let expected = slot.row.children[at].clone();
            for (i, name) in ccols.iter().enumerate().skip(kw + 1) {
                replay.column(child.name, &key_s, name, &expected[i - kw - 1], &cells[i]);
            }
        })
        .await?;
        let mut missing: Vec<String> = Vec::new();
        for (key, slot) in replay.rows.iter().filter(|(_, s)| s.seen) {
            for (n, _) in slot.kids_seen.iter().enumerate().filter(|(_, seen)| !**seen) {
                missing.push(format!("{}/{n}", key_text(key)));
            }
        }
        missing.sort();
        for key in missing {
            replay.report.add(child.name, key, DifferenceKind::Missing);
        }
    }
    let expected_rows = replay.rows.len() as u64;
    if let Some(t) = report.tables.last_mut() {
        t.expected_rows = expected_rows;
        t.actual_rows = actual_rows;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Entries written before schema 8 name no `state`, `content` or `note`: a plan replays
    /// with the state the migration gave it (approved with an approval, else submitted).
    #[test]
    fn plans_audited_before_the_state_column_replay_with_the_migrations_state() {
        let mut report = DeepReport::default();
        let mut replay = Replay { table: &crate::schema::SELF_STUDY_PLANS, rows: HashMap::new(), report: &mut report };
        let insert = serde_json::json!({
            "columns": ["person", "year", "submitted", "approved_by", "approved_on", "row_version"],
            "rows": [["p1", 2024, "2024-01-15", "h1", "2024-02-01", 1], ["p2", 2024, "2024-01-16", null, null, 1]],
        });
        replay.apply(1, "p1/2024".into(), "insert".into(), None, Some(insert));
        let state = |r: &Replay<'_>, p: &str| {
            let key = vec![Some(p.to_owned()), Some("2024".to_owned())];
            r.rows.get(&key).map(|s| (s.row.vals[5].clone(), s.row.vals[6].clone(), s.row.vals[7].clone()))
        };
        assert_eq!(state(&replay, "p1"), Some((Some("approved".into()), None, None)));
        assert_eq!(state(&replay, "p2"), Some((Some("submitted".into()), None, None)));
        // An update written before the migration, then one after: both consistent.
        let old = |approved: bool, version: i64| {
            serde_json::json!({
                "person": "p2", "year": 2024, "submitted": "2024-01-16",
                "approved_by": if approved { Value::from("h1") } else { Value::Null },
                "approved_on": if approved { Value::from("2024-02-03") } else { Value::Null },
                "row_version": version,
            })
        };
        replay.apply(2, "p2/2024".into(), "update".into(), Some(old(false, 1)), Some(old(true, 2)));
        assert_eq!(state(&replay, "p2"), Some((Some("approved".into()), None, None)));
        let mut new = old(true, 3);
        new["state"] = "approved".into();
        new["content"] = "Đọc sách".into();
        replay.apply(3, "p2/2024".into(), "update".into(), Some(old(true, 2)), Some(new));
        assert_eq!(state(&replay, "p2"), Some((Some("approved".into()), Some("Đọc sách".into()), None)));
        assert!(report.differences.is_empty(), "{:?}", report.differences);
    }
}
