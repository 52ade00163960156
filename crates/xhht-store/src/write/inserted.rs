//! The `insert` entries of the audit trail: the rows a write adds, a thousand to an entry, as
//! JSON made once (see [`crate::audit`]), either by the writer as it goes ([`InsertAudit`]) or
//! beforehand by a streamed import's reading side ([`InsertEntries`]).

use crate::audit::Audit;
use crate::model::Row;
use crate::row_json::{inserted_header, write_row_array};
use crate::schema::Table;

use super::chunk_rows;

/// The most rows one `insert` audit entry holds.
pub(crate) const INSERTS_PER_ENTRY: usize = 1000;

/// The rows of one `insert` audit entry, gathered one by one: the JSON of every value (see
/// [`crate::audit`]) and the key of the first row.
#[derive(Debug)]
pub(crate) struct InsertAudit {
    table: &'static Table,
    json: String,
    first: Option<String>,
    rows: usize,
}

impl InsertAudit {
    pub(crate) fn new(table: &'static Table) -> InsertAudit {
        InsertAudit { table, json: String::new(), first: None, rows: 0 }
    }

    /// The rows one entry of `table` holds at most (as many as one multi-row statement writes).
    pub(crate) fn rows_per_entry(table: &Table) -> usize {
        chunk_rows(table.cols.len()).min(INSERTS_PER_ENTRY)
    }

    /// Adds a row that is new.
    pub(crate) fn add(&mut self, row: &Row) {
        if self.first.is_none() {
            inserted_header(&mut self.json, self.table);
            self.first = Some(row.key_text(self.table));
        } else {
            self.json.push(',');
        }
        write_row_array(&mut self.json, self.table, row);
        self.rows += 1;
    }

    /// How many rows were added since the last entry.
    pub(crate) fn len(&self) -> usize {
        self.rows
    }

    /// The entry of the rows added so far, if any, and starts the next.
    fn take(&mut self) -> Option<InsertEntry> {
        self.rows = 0;
        let first = self.first.take()?;
        let mut json = std::mem::take(&mut self.json);
        json.push_str("]}");
        Some(InsertEntry { table: self.table.name, first, json })
    }

    /// Appends the entry of the rows added so far, if any, and starts the next.
    pub(crate) fn end(&mut self, audit: &mut Audit) {
        if let Some(e) = self.take() {
            e.push(audit);
        }
    }
}

/// One `insert` audit entry made, not yet chained: its table, the key of its first row and
/// its JSON (see [`crate::audit`]).
#[derive(Debug)]
pub(crate) struct InsertEntry {
    table: &'static str,
    first: String,
    json: String,
}

impl InsertEntry {
    /// Appends the entry to the chain.
    pub(crate) fn push(self, audit: &mut Audit) {
        audit.push(self.table, self.first, "insert", None, Some(self.json));
    }
}

/// The `insert` entries of a first load's rows, made where the rows are made (a streamed
/// import's reading side, so that its writer only chains and stores them): one per
/// [`InsertAudit::rows_per_entry`] rows in the file's order, across its blocks — the entries
/// an [`Upserter`](super::Upserter) makes for the same rows given at once, whatever the size
/// of the blocks.
#[derive(Debug)]
pub(crate) struct InsertEntries {
    entry: InsertAudit,
    per: usize,
}

impl InsertEntries {
    pub(crate) fn new(table: &'static Table) -> InsertEntries {
        InsertEntries { entry: InsertAudit::new(table), per: InsertAudit::rows_per_entry(table) }
    }

    /// Adds rows of the table, new and in order; returns the entries they completed.
    pub(crate) fn add(&mut self, rows: &[Row]) -> Vec<InsertEntry> {
        let mut done = Vec::new();
        for r in rows {
            self.entry.add(r);
            if self.entry.len() == self.per {
                done.extend(self.entry.take());
            }
        }
        done
    }

    /// The last entry (of fewer rows), if any.
    pub(crate) fn finish(&mut self) -> Option<InsertEntry> {
        self.entry.take()
    }
}
