//! Skipping bad rows in a streamed import: each block's good rows are written as the block is
//! checked, and the bad ones kept aside (with their cells, for the rejected rows' file), so a
//! big file is never all in memory for want of being all or nothing.
//!
//! What is refused, and said, is what the ordinary import refuses for the whole file: a row is
//! written only if each of its references is to a stored row or to a row of the file that is
//! written too. A row that names one not seen yet waits for it (with the rows that name a
//! waiting row); at the end of the file the rows still waiting are refused, a message for each
//! reference they cannot have, as the ordinary import refuses them round after round.

use std::collections::{HashMap, HashSet};

use super::{DataRow, ExistingKeys, column_of};
use crate::error::{Result, RowError};
use crate::schema::Table;
use crate::store::Store;
use crate::write;

/// The rows of a streamed import that skips bad rows and are not written (yet).
#[derive(Default)]
pub(super) struct Skipping {
    /// Rows refused, in the order found.
    refused: Vec<DataRow>,
    /// Rows waiting for a row further down that they refer to, in the file's order.
    waiting: Vec<DataRow>,
    /// Keys found nowhere in the database, so not asked for again (by table).
    absent: HashMap<&'static str, HashSet<String>>,
}

impl Skipping {
    /// The rows refused, in the file's order (each with its problems).
    pub(super) fn refused(self) -> Vec<DataRow> {
        let mut refused = self.refused;
        refused.sort_by_key(|d| d.line);
        refused
    }
}

impl Store {
    /// The rows of `data` (a block, checked but for its references) that may be written now,
    /// with the rows waiting before them that now may be: the others are refused (a problem of
    /// their own) or wait (a reference to a row not seen yet; at the `end` of the file, refused
    /// too). `known` holds the keys of the file's rows written so far that rows may refer to;
    /// it gains those of the rows returned.
    pub(super) async fn settle(
        &self,
        skipping: &mut Skipping,
        data: Vec<DataRow>,
        known: &mut HashMap<&'static str, HashSet<String>>,
        file: &str,
        end: bool,
    ) -> Result<Vec<DataRow>> {
        let mut rows = std::mem::take(&mut skipping.waiting);
        for d in data {
            if d.errors.is_empty() {
                rows.push(d);
            } else {
                skipping.refused.push(d);
            }
        }
        // A reference to a stored row holds from now on; the database is asked once for a key.
        let mut ask: HashMap<&'static str, (&'static Table, HashSet<String>)> = HashMap::new();
        for r in rows.iter().flat_map(|d| &d.refs) {
            let have =
                |m: &HashMap<&'static str, HashSet<String>>| m.get(r.table.name).is_some_and(|s| s.contains(&r.key));
            if !have(known) && !have(&skipping.absent) {
                ask.entry(r.table.name).or_insert_with(|| (r.table, HashSet::new())).1.insert(r.key.clone());
            }
        }
        let mut stored: HashMap<&'static str, HashSet<String>> = HashMap::new();
        for (name, (table, keys)) in ask {
            let found = self.bulk_read(ExistingKeys { table, keys: keys.clone() }).await?;
            skipping.absent.entry(name).or_default().extend(keys.into_iter().filter(|k| !found.contains(k)));
            stored.insert(name, found);
        }
        for d in &mut rows {
            d.refs.retain(|r| !stored.get(r.table.name).is_some_and(|s| s.contains(&r.key)));
        }
        // The greatest set of the rows whose references are all among themselves or known.
        let referenced: HashSet<&'static str> =
            rows.iter().flat_map(|d| d.refs.iter().map(|r| r.table.name)).chain(known.keys().copied()).collect();
        let mut waiting = Vec::new();
        loop {
            let mut defined: HashMap<&'static str, HashSet<String>> = HashMap::new();
            for d in &rows {
                for (t, r) in &d.rows {
                    if t.key == 1 && referenced.contains(t.name) {
                        defined.entry(t.name).or_default().insert(r.key_text(t));
                    }
                }
            }
            let holds = |r: &crate::model::Ref| {
                known.get(r.table.name).is_some_and(|s| s.contains(&r.key))
                    || defined.get(r.table.name).is_some_and(|s| s.contains(&r.key))
            };
            let failing: Vec<bool> = rows.iter().map(|d| !d.refs.iter().all(holds)).collect();
            let unknown: Vec<Vec<RowError>> = rows
                .iter()
                .zip(&failing)
                .map(|(d, fails)| match (fails, end) {
                    (true, true) => d
                        .refs
                        .iter()
                        .filter(|r| !holds(r))
                        .map(|r| RowError {
                            file: file.to_owned(),
                            line: d.line,
                            field: column_of(r.field).to_owned(),
                            message: write::unknown(r),
                        })
                        .collect(),
                    _ => Vec::new(),
                })
                .collect();
            drop(defined);
            if !failing.contains(&true) {
                break;
            }
            let mut kept = Vec::with_capacity(rows.len());
            for ((mut d, fails), errors) in rows.into_iter().zip(failing).zip(unknown) {
                if !fails {
                    kept.push(d);
                } else if end {
                    d.errors = errors;
                    skipping.refused.push(d);
                } else {
                    waiting.push(d);
                }
            }
            rows = kept;
        }
        waiting.sort_by_key(|d| d.line);
        skipping.waiting = waiting;
        for d in &rows {
            for (t, r) in &d.rows {
                if t.key == 1 && referenced.contains(t.name) {
                    known.entry(t.name).or_default().insert(r.key_text(t));
                }
            }
        }
        Ok(rows)
    }
}
