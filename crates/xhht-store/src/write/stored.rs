//! Stored rows met one at a time, not kept: for a write or an import check that concerns rows
//! of a table that has some, each stored row whose key is wanted is handed to a callback, which
//! keeps what it needs of it (a verdict, a few values) and lets the rest go. Keeping every stored
//! row by key instead cost a re-import of a million unchanged people 1.5 GB and most of its time
//! in hashing and copying keys. How they are read depends on how many keys and their order: one
//! scan of the table (met by a merge on SQLite when the keys are in key order), one range of
//! the key (SQLite, keys in order and dense enough), or lookups a chunk of keys at a time.

use std::collections::HashMap;

use crate::db::{Backend, Conn, FastHash, Val};
use crate::error::Result;
use crate::model::Row;
use crate::row_json::row_json;
use crate::schema::Table;

use super::{Existing, SCAN_ABOVE, chunk_rows, key_in, split_version, with_version};

/// Calls `each(i, values, version)` for every stored row of `table` whose key is `keys[i]`: its
/// values in the table's column order (no child rows) and its `row_version` (0 for a table
/// without versions). Many keys: one scan of the table; few: one range of the key (SQLite, keys
/// in order, not many more stored rows in the range than keys) or lookups a chunk at a time.
/// Keys must be distinct (a repeated key is handed over once, at its last index). A row may be
/// handed over twice (the scan in key order gave up on a key out of order and the hash pass
/// went over the table again): the last call holds.
pub(crate) async fn each_stored<C: Conn>(
    c: &mut C,
    table: &'static Table,
    keys: &[&[Val]],
    each: &mut (dyn FnMut(usize, Vec<Val>, i64) + Send),
) -> Result<()> {
    if keys.is_empty() {
        return Ok(());
    }
    let kw = table.key;
    let (types, version_col) = with_version(table);
    let versioned = table.versioned;
    let split = move |vals: Vec<Val>| split_version(versioned, vals);
    if keys.len() > SCAN_ABOVE {
        let cols = format!("{}{version_col}", table.col_list());
        // SQLite hands the rows of a key-ordered table in its key order, which is `Val`'s (text
        // byte by byte, numbers as numbers): a file given in key order is met by a merge, no
        // hash table. A stored key out of that order (none expected) means the hash pass.
        if c.backend() == Backend::Sqlite && keys.windows(2).all(|w| w[0] < w[1]) {
            let order = table.key_cols().iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
            let sql = format!("SELECT {cols} FROM {} ORDER BY {order}", table.name);
            let (mut walk, mut disordered) = (Merge::default(), false);
            c.scan(sql, vec![], types.clone(), &mut |vals| {
                if disordered {
                    return;
                }
                let Some(k) = vals.get(..kw) else { return };
                match walk.meet(keys, k) {
                    Met::Found(i) => {
                        let (vals, version) = split(vals);
                        each(i, vals, version);
                    }
                    Met::Absent => {}
                    Met::Disordered => disordered = true,
                }
            })
            .await?;
            if !disordered {
                return Ok(());
            }
        }
        let index: HashMap<&[Val], usize, FastHash> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
        let sql = format!("SELECT {cols} FROM {}", table.name);
        return c
            .scan(sql, vec![], types, &mut |vals| {
                if let Some(&i) = vals.get(..kw).and_then(|k| index.get(k)) {
                    let (vals, version) = split(vals);
                    each(i, vals, version);
                }
            })
            .await;
    }
    // A block of a file in key order on SQLite: the stored rows whose first key column lies
    // between the block's first and last are one range of the key, read in one query and met
    // by the merge, when it holds not many more rows than are wanted.
    if c.backend() == Backend::Sqlite
        && keys.windows(2).all(|w| w[0] < w[1])
        && let (Some(lo), Some(hi)) = (keys.first().and_then(|k| k.first()), keys.last().and_then(|k| k.first()))
    {
        let first = table.key_cols().first().map_or("", |c| c.name);
        let order = table.key_cols().iter().map(|c| c.name).collect::<Vec<_>>().join(", ");
        let limit = 2 * keys.len() + 16;
        let sql = format!(
            "SELECT {}{version_col} FROM {} WHERE {first} >= $1 AND {first} <= $2 ORDER BY {order} LIMIT {limit}",
            table.col_list(),
            table.name
        );
        let rows = c.fetch(sql, vec![lo.clone(), hi.clone()], types.clone()).await?;
        if rows.len() < limit {
            let mut walk = Merge::default();
            let mut met = Vec::new();
            let mut in_order = true;
            for vals in rows {
                match vals.get(..kw).map(|k| walk.meet(keys, k)) {
                    Some(Met::Found(i)) => met.push((i, vals)),
                    Some(Met::Disordered) => {
                        in_order = false;
                        break;
                    }
                    _ => {}
                }
            }
            if in_order {
                for (i, vals) in met {
                    let (vals, version) = split(vals);
                    each(i, vals, version);
                }
                return Ok(());
            }
        }
    }
    // PostgreSQL orders text by its collation, which Rust cannot: the server takes the least
    // and the greatest of the keys' first column itself, and the stored rows between them are
    // one range of the key's index, read in one query when it holds not many more rows than are
    // wanted (then it holds every wanted one), matched by hashing.
    if c.backend() == Backend::Postgres
        && keys.len() > 1
        && let Some(firsts) = keys.iter().map(|k| k.first().and_then(Val::as_str)).collect::<Option<Vec<&str>>>()
        && !firsts.iter().any(|k| k.contains('\u{1f}'))
    {
        let first = table.key_cols().first().map_or("", |c| c.name);
        let limit = 2 * keys.len() + 16;
        let bound = |f: &str| format!("(SELECT {f}(k) FROM unnest(string_to_array($1, chr(31))) AS k)");
        let sql = format!(
            "SELECT {}{version_col} FROM {} WHERE {first} >= {} AND {first} <= {} LIMIT {limit}",
            table.col_list(),
            table.name,
            bound("min"),
            bound("max")
        );
        let rows = c.fetch(sql, vec![Val::text(firsts.join("\u{1f}"))], types.clone()).await?;
        if rows.len() < limit {
            let index: HashMap<&[Val], usize, FastHash> = keys.iter().enumerate().map(|(i, k)| (*k, i)).collect();
            for vals in rows {
                if let Some(&i) = vals.get(..kw).and_then(|k| index.get(k)) {
                    let (vals, version) = split(vals);
                    each(i, vals, version);
                }
            }
            return Ok(());
        }
    }
    let step = chunk_rows(kw);
    for (n, chunk) in keys.chunks(step).enumerate() {
        let index: HashMap<&[Val], usize, FastHash> =
            chunk.iter().enumerate().map(|(i, k)| (*k, n * step + i)).collect();
        let sql = format!(
            "SELECT {}{version_col} FROM {} WHERE {}",
            table.col_list(),
            table.name,
            key_in(table, "", chunk.len())
        );
        let args: Vec<Val> = chunk.iter().flat_map(|k| k.iter().cloned()).collect();
        for vals in c.fetch(sql, args, types.clone()).await? {
            if let Some(&i) = vals.get(..kw).and_then(|k| index.get(k)) {
                let (vals, version) = split(vals);
                each(i, vals, version);
            }
        }
    }
    Ok(())
}

/// A walk along keys in ascending order, meeting stored keys in ascending order.
#[derive(Debug, Default)]
struct Merge {
    /// The first key not yet met or passed.
    next: usize,
}

/// Where a stored key is among the wanted keys.
#[derive(Debug, PartialEq, Eq)]
enum Met {
    /// It is `keys[i]`.
    Found(usize),
    /// It is not wanted.
    Absent,
    /// It is at or below a key already met or passed: the stored keys are not in order, and
    /// this walk could miss one.
    Disordered,
}

impl Merge {
    /// Meets the next stored key; `keys` ascending, the same at every call.
    fn meet(&mut self, keys: &[&[Val]], k: &[Val]) -> Met {
        if self.next.checked_sub(1).and_then(|p| keys.get(p)).is_some_and(|w| *w >= k) {
            return Met::Disordered;
        }
        while keys.get(self.next).is_some_and(|w| *w < k) {
            self.next += 1;
        }
        if keys.get(self.next).is_some_and(|w| *w == k) {
            self.next += 1;
            Met::Found(self.next - 1)
        } else {
            Met::Absent
        }
    }
}

/// What a row to write was before: not stored, stored with the same values, or stored with
/// others (its version and the JSON of its values then, for the audit entry).
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Was {
    /// No row with its key.
    New,
    /// Stored with the same values (and child rows).
    Same,
    /// Stored with other values.
    Changed {
        /// The stored row's version.
        version: i64,
        /// The stored row as the audit trail writes it ([`row_json`]).
        before: String,
    },
}

impl Was {
    /// What `row` was, given the stored row with its key.
    pub(crate) fn of(table: &Table, row: &Row, stored: Option<(&Row, i64)>) -> Was {
        match stored {
            None => Was::New,
            Some((old, _)) if old == row => Was::Same,
            Some((old, version)) => Was::Changed { version, before: row_json(table, old, Some(version)) },
        }
    }
}

/// What each of `rows` was (rows of a table without child rows, distinct keys), by one pass over
/// the stored rows that keeps none of them.
pub(crate) async fn compare_stored<C: Conn>(c: &mut C, table: &'static Table, rows: &[Row]) -> Result<Vec<Was>> {
    let kw = table.key;
    let mut was = vec![Was::New; rows.len()];
    let keys: Vec<&[Val]> = rows.iter().map(|r| r.vals.get(..kw).unwrap_or(&[])).collect();
    each_stored(c, table, &keys, &mut |i, vals, version| {
        if let (Some(row), Some(w)) = (rows.get(i), was.get_mut(i)) {
            let old = Row { vals, children: Vec::new() };
            *w = Was::of(table, row, Some((&old, version)));
        }
    })
    .await?;
    Ok(was)
}

/// What each of `rows` was, from stored rows already read by key (taken out of `existing`).
pub(crate) fn take_from(table: &Table, rows: &[Row], existing: &mut Existing) -> Vec<Was> {
    let kw = table.key;
    rows.iter()
        .map(|row| {
            let old = row.vals.get(..kw).and_then(|k| existing.remove(k));
            Was::of(table, row, old.as_ref().map(|s| (&s.row, s.version)))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn key(n: u16) -> Vec<Val> {
        vec![Val::text(format!("K{n:05}"))]
    }

    proptest! {
        /// Stored keys met in ascending order: exactly the wanted ones are found, each at its
        /// index. In any other order: a wanted key is either found at its index or the walk says
        /// it is out of order before it is missed.
        #[test]
        fn a_merge_finds_every_wanted_key_or_says_it_cannot(
            wanted in proptest::collection::btree_set(0u16..300, 0..60),
            stored in proptest::collection::vec(0u16..300, 0..80),
            sort in any::<bool>(),
        ) {
            let mut stored: Vec<u16> = stored;
            if sort {
                stored.sort_unstable();
                stored.dedup();
            }
            let wanted_keys: Vec<Vec<Val>> = wanted.iter().map(|n| key(*n)).collect();
            let keys: Vec<&[Val]> = wanted_keys.iter().map(Vec::as_slice).collect();
            let mut walk = Merge::default();
            let mut found = Vec::new();
            let mut gave_up = false;
            for s in &stored {
                let k = key(*s);
                match walk.meet(&keys, &k) {
                    Met::Found(i) => {
                        prop_assert_eq!(keys[i], k.as_slice());
                        found.push(*s);
                    }
                    Met::Absent => prop_assert!(!wanted.contains(s), "{} missed", s),
                    Met::Disordered => {
                        gave_up = true;
                        break;
                    }
                }
            }
            if sort {
                prop_assert!(!gave_up);
                let expected: Vec<u16> = stored.iter().copied().filter(|s| wanted.contains(s)).collect();
                prop_assert_eq!(found, expected);
            }
        }
    }
}
