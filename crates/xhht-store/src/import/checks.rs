//! The checks an import makes against the database before it writes: references (in the
//! database or among the file's good rows), the stored values of columns the file lacks, and
//! the names of memberships' people.

use std::collections::{HashMap, HashSet};

use super::*;

impl Store {
    /// The references of one block of a streamed import: known if in the database or among
    /// the file's rows so far; the others are kept in `pending`, to be found later in the file.
    pub(super) async fn check_block_references(
        &self,
        data: &mut [DataRow],
        known: &mut HashMap<&'static str, HashSet<String>>,
        pending: &mut Vec<(u64, crate::model::Ref)>,
    ) -> Result<()> {
        let referenced: HashSet<&'static str> = data.iter().flat_map(|d| d.refs.iter().map(|r| r.table.name)).collect();
        for d in data.iter().filter(|d| d.errors.is_empty()) {
            for (t, r) in &d.rows {
                if t.key == 1 && (referenced.contains(t.name) || known.contains_key(t.name)) {
                    known.entry(t.name).or_default().insert(r.key_text(t));
                }
            }
        }
        let mut ask: HashMap<&'static str, (&'static Table, HashSet<String>)> = HashMap::new();
        for d in data.iter().filter(|d| d.errors.is_empty()) {
            for r in &d.refs {
                if !known.get(r.table.name).is_some_and(|s| s.contains(&r.key)) {
                    ask.entry(r.table.name).or_insert_with(|| (r.table, HashSet::new())).1.insert(r.key.clone());
                }
            }
        }
        let mut found: HashMap<&'static str, HashSet<String>> = HashMap::new();
        for (name, (table, keys)) in ask {
            found.insert(name, self.bulk_read(ExistingKeys { table, keys }).await?);
        }
        for d in data.iter().filter(|d| d.errors.is_empty()) {
            for r in &d.refs {
                let ok = known.get(r.table.name).is_some_and(|s| s.contains(&r.key))
                    || found.get(r.table.name).is_some_and(|s| s.contains(&r.key));
                if !ok {
                    pending.push((d.line, r.clone()));
                }
            }
        }
        Ok(())
    }

    /// Marks the rows whose references exist neither in the database nor in the file's good
    /// rows; with rows rejected, again until nothing changes (a row referring to a rejected row
    /// is rejected too).
    pub(super) async fn check_references(&self, data: &mut [DataRow], file: &str) -> Result<()> {
        let referenced: HashSet<&'static str> = data.iter().flat_map(|d| d.refs.iter().map(|r| r.table.name)).collect();
        if referenced.is_empty() {
            return Ok(());
        }
        loop {
            let mut defined: HashMap<&'static str, HashSet<String>> = HashMap::new();
            for d in data.iter().filter(|d| d.errors.is_empty()) {
                for (t, r) in &d.rows {
                    if t.key == 1 && referenced.contains(t.name) {
                        defined.entry(t.name).or_default().insert(r.key_text(t));
                    }
                }
            }
            let mut ask: HashMap<&'static str, (&'static Table, HashSet<String>)> = HashMap::new();
            for d in data.iter().filter(|d| d.errors.is_empty()) {
                for r in &d.refs {
                    if !defined.get(r.table.name).is_some_and(|s| s.contains(&r.key)) {
                        ask.entry(r.table.name).or_insert_with(|| (r.table, HashSet::new())).1.insert(r.key.clone());
                    }
                }
            }
            let mut found: HashMap<&'static str, HashSet<String>> = HashMap::new();
            for (name, (table, keys)) in ask {
                let f = self.bulk_read(ExistingKeys { table, keys }).await?;
                found.insert(name, f);
            }
            let mut changed = false;
            for d in data.iter_mut().filter(|d| d.errors.is_empty()) {
                for r in &d.refs {
                    let known = defined.get(r.table.name).is_some_and(|s| s.contains(&r.key))
                        || found.get(r.table.name).is_some_and(|s| s.contains(&r.key));
                    if !known {
                        d.errors.push(RowError {
                            file: file.to_owned(),
                            line: d.line,
                            field: column_of(r.field).to_owned(),
                            message: write::unknown(r),
                        });
                        changed = true;
                    }
                }
            }
            if !changed {
                return Ok(());
            }
        }
    }

    /// For rows that exist already: the values of optional columns the file does not have are
    /// taken from the stored row (a plans file without approval columns keeps the approvals;
    /// a people file with an organisation keeps a membership's end date), and the merged record
    /// is checked again.
    ///
    /// `fresh` is a table that holds nothing but this file's own rows (a streamed first load
    /// into an empty table): there is nothing stored to carry over into it, and asking would
    /// cost PostgreSQL, which cannot see the import's uncommitted rows from another
    /// connection, a scan past all of them for every block.
    pub(super) async fn carry_over(
        &self,
        kind: ImportKind,
        header: &Header,
        data: &mut [DataRow],
        file: &str,
        fresh: Option<&'static Table>,
    ) -> Result<()> {
        let spec = kind.spec();
        let absent = |id: &str| id.is_empty() || spec.iter().zip(&header.at).any(|(c, a)| c.id == id && a.is_none());
        let carried: Vec<(&'static Table, usize)> =
            kinds::carried(kind).iter().filter(|(_, id, _)| absent(id)).map(|(t, _, n)| (*t, *n)).collect();
        let tables: Vec<&'static Table> = {
            let mut v: Vec<&'static Table> = Vec::new();
            for (t, _) in &carried {
                if !v.iter().any(|x| std::ptr::eq(*x, *t)) {
                    v.push(t);
                }
            }
            v
        };
        for table in tables.into_iter().filter(|t| !fresh.is_some_and(|f| std::ptr::eq(f, *t))) {
            // Where each good row of `table` is: (data row, row in it), and its key.
            let mut at: Vec<(usize, usize)> = Vec::new();
            let mut keys: Vec<Vec<Val>> = Vec::new();
            for (n, d) in data.iter().enumerate().filter(|(_, d)| d.errors.is_empty()) {
                for (m, (t, r)) in d.rows.iter().enumerate() {
                    if std::ptr::eq(*t, table) {
                        at.push((n, m));
                        keys.push(r.vals[..table.key].to_vec());
                    }
                }
            }
            if keys.is_empty() {
                continue;
            }
            let cols: Vec<usize> = carried.iter().filter(|(t, _)| std::ptr::eq(*t, table)).map(|(_, n)| *n).collect();
            let stored = self.bulk_read(Carried { table, keys, cols: cols.clone() }).await?;
            for (i, vals) in stored {
                let Some(&(n, m)) = at.get(i) else { continue };
                let Some(d) = data.get_mut(n) else { continue };
                let Some((t, row)) = d.rows.get_mut(m) else { continue };
                for (col, v) in cols.iter().zip(vals) {
                    if let (Some(slot), Some(v)) = (row.vals.get_mut(*col), v) {
                        *slot = v;
                    }
                }
                if let Err(e) = crate::model::revalidate(t, row) {
                    d.errors.push(RowError {
                        file: file.to_owned(),
                        line: d.line,
                        field: e.field,
                        message: format!(
                            "{} (with the stored values of the columns this file does not have)",
                            e.message
                        ),
                    });
                }
            }
        }
        Ok(())
    }

    /// For memberships files with a `full_name` column: the name must be the person's.
    pub(super) async fn check_names(&self, data: &mut [DataRow], file: &str) -> Result<()> {
        let ids: Vec<String> = data
            .iter()
            .filter(|d| d.errors.is_empty())
            .filter_map(|d| d.name_check.as_ref().map(|(p, _)| p.clone()))
            .collect::<HashSet<_>>()
            .into_iter()
            .collect();
        if ids.is_empty() {
            return Ok(());
        }
        let mut names: HashMap<String, String> = HashMap::new();
        for chunk in ids.chunks(1000) {
            let sql = format!("SELECT id, full_name FROM people WHERE id IN ({})", placeholders(1, chunk.len()));
            let args = chunk.iter().map(|s| Val::text(s.as_str())).collect();
            let rows = crate::store::read_tx!(self, |c| { c.fetch(sql, args, vec![Ty::Text, Ty::Text]).await? });
            for r in rows {
                if let (Some(id), Some(n)) = (r[0].as_str(), r[1].as_str()) {
                    names.insert(id.to_owned(), n.to_owned());
                }
            }
        }
        for d in data.iter_mut().filter(|d| d.errors.is_empty()) {
            if let Some((p, n)) = &d.name_check
                && let Some(stored) = names.get(p)
                && header::norm(stored) != header::norm(n)
            {
                d.errors.push(RowError {
                    file: file.to_owned(),
                    line: d.line,
                    field: "full_name".to_owned(),
                    message: format!("person `{p}` is `{stored}`, not `{n}`"),
                });
            }
        }
        Ok(())
    }
}

/// The stored values of columns `cols` of the rows of `table` with these keys: for each key
/// that is stored, its index in `keys` and those values (`None` for a column the table lacks).
/// One pass over the stored rows that keeps only these values.
pub(super) struct Carried {
    pub(super) table: &'static Table,
    pub(super) keys: Vec<Vec<Val>>,
    pub(super) cols: Vec<usize>,
}

impl crate::lite::BulkRead for Carried {
    type Out = Vec<(usize, Vec<Option<Val>>)>;

    async fn run<C: Conn>(self, c: &mut C) -> Result<Self::Out> {
        if write::is_empty(c, self.table).await? {
            return Ok(Vec::new());
        }
        let keys: Vec<&[Val]> = self.keys.iter().map(Vec::as_slice).collect();
        let cols = &self.cols;
        let mut found: Vec<Option<Vec<Option<Val>>>> = vec![None; keys.len()];
        write::each_stored(c, self.table, &keys, &mut |i, vals, _| {
            if let Some(slot) = found.get_mut(i) {
                *slot = Some(cols.iter().map(|n| vals.get(*n).cloned()).collect());
            }
        })
        .await?;
        Ok(found.into_iter().enumerate().filter_map(|(i, v)| Some((i, v?))).collect())
    }
}
