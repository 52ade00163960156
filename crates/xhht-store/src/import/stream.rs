//! The streamed import: a first load of a big file, checked a block of rows at a time, each
//! checked block written at once inside the import's one transaction; any problem anywhere
//! rolls it all back.

use std::collections::{HashMap, HashSet};

use csv::StringRecord;

use super::*;

/// Rows checked and written a block at a time in a streamed import.
pub(super) const STREAM_BLOCK: usize = 16_384;

/// What a streamed import needs besides its rows.
pub(super) struct Streamed {
    pub(super) kind: ImportKind,
    pub(super) file: String,
    pub(super) file_name: String,
    pub(super) sha: String,
    pub(super) header: Header,
    pub(super) ignored_columns: Vec<String>,
    pub(super) ctx: FileCtx,
}

/// Whether a table has no row.
pub(super) struct IsEmpty(pub(super) &'static Table);

impl crate::lite::BulkRead for IsEmpty {
    type Out = bool;

    async fn run<C: Conn>(self, c: &mut C) -> Result<bool> {
        write::is_empty(c, self.0).await
    }
}

/// A message to the writer of a streamed import.
enum Part {
    Rows(Vec<(&'static Table, Row)>),
    Commit,
}

/// The writer of a streamed import: upserts each part as it comes, commits on [`Part::Commit`],
/// and fails (so the transaction rolls back) if the sender goes away without it.
struct StreamJob {
    kind: ImportKind,
    actor: String,
    file_name: String,
    sha: String,
    expected: usize,
    progress: Option<Progress>,
    parts: tokio::sync::mpsc::Receiver<Part>,
}

impl BulkWrite for StreamJob {
    type Out = (WriteReport, Vec<(&'static str, WriteReport)>);

    fn actor(&self) -> &str {
        &self.actor
    }

    async fn run<C: Conn>(mut self, c: &mut C, audit: &mut Audit) -> Result<Self::Out> {
        let mut writers: Vec<(&'static Table, write::Upserter)> = Vec::new();
        loop {
            match self.parts.recv().await {
                Some(Part::Rows(rows)) => {
                    let mut by: Vec<(&'static Table, Vec<Row>)> = Vec::new();
                    for (t, r) in rows {
                        match by.iter_mut().find(|(x, _)| std::ptr::eq(*x, t)) {
                            Some((_, v)) => v.push(r),
                            None => by.push((t, vec![r])),
                        }
                    }
                    for table in ALL_TABLES {
                        let Some(pos) = by.iter().position(|(t, _)| std::ptr::eq(*t, *table)) else { continue };
                        let (_, mine) = by.swap_remove(pos);
                        let n = match writers.iter().position(|(t, _)| std::ptr::eq(*t, *table)) {
                            Some(n) => n,
                            None => {
                                writers.push((table, write::Upserter::new(c, table, self.expected).await?));
                                writers.len() - 1
                            }
                        };
                        let (total, name, progress) = (self.expected as u64, table.name, self.progress.clone());
                        let tick_fn = move |done: u64| {
                            if let Some(p) = &progress {
                                p.tell(&ImportProgress::Writing { table: name, done, total });
                            }
                        };
                        writers[n].1.push(c, mine, audit, Some(&tick_fn)).await?;
                    }
                }
                Some(Part::Commit) => break,
                None => return Err(Error::Task { task: "the import", message: "stopped before its end".to_owned() }),
            }
        }
        let main = main_table(self.kind);
        let mut written = WriteReport::default();
        let mut also = Vec::new();
        for (table, w) in writers {
            let report = w.finish(c, audit).await?;
            if std::ptr::eq(table, main) {
                written = report;
            } else {
                also.push((table.name, report));
            }
        }
        let at = audit.at.clone();
        log_import(c, &at, &self.actor, self.kind, &self.file_name, &self.sha, written, 0).await?;
        Ok((written, also))
    }
}

impl Store {
    /// The streamed import: blocks are parsed and checked here while the writer (its own task,
    /// its own transaction) writes the blocks already checked.
    pub(super) async fn import_streamed(
        &self,
        job: Streamed,
        data_rows: Vec<(u64, StringRecord)>,
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        let Streamed { kind, file, file_name, sha, header, ignored_columns, ctx } = job;
        let total = data_rows.len();
        if let Some(p) = &opts.progress {
            p.tell(&ImportProgress::Read { rows: total });
        }
        let (tx, rx) = tokio::sync::mpsc::channel::<Part>(2);
        let writer_job = StreamJob {
            kind,
            actor: opts.actor.clone(),
            file_name,
            sha,
            expected: total,
            progress: opts.progress.clone(),
            parts: rx,
        };
        let store = self.handle();
        let writer = tokio::spawn(async move { store.bulk_write(writer_job).await });

        let mut errors: Vec<RowError> = Vec::new();
        // Keys seen so far, by a 128-bit fingerprint (the rows themselves go to the writer).
        let mut first: HashMap<u128, u64, FastHash> = HashMap::default();
        let mut known: HashMap<&'static str, HashSet<String>> = HashMap::new();
        let mut pending: Vec<(u64, crate::model::Ref)> = Vec::new();
        let mut sent = Some(tx);
        let mut it = data_rows.into_iter().peekable();
        while it.peek().is_some() {
            let block: Vec<(u64, StringRecord)> = it.by_ref().take(STREAM_BLOCK).collect();
            let mut data = parse_rows(&ctx, &file, &header, block);
            for d in &mut data {
                let mut dup = Vec::new();
                for (table, row) in &d.rows {
                    let key = &row.vals[..table.key];
                    match first.entry(fingerprint(table.name, key)) {
                        std::collections::hash_map::Entry::Occupied(l) => dup.push(RowError {
                            file: file.clone(),
                            line: d.line,
                            field: table.key_cols()[0].name.to_owned(),
                            message: format!("`{}` is already on line {}", key_text(key), l.get()),
                        }),
                        std::collections::hash_map::Entry::Vacant(v) => {
                            v.insert(d.line);
                        }
                    }
                }
                d.errors.extend(dup);
            }
            self.carry_over(kind, &header, &mut data, &file).await?;
            self.check_block_references(&mut data, &mut known, &mut pending).await?;
            self.check_names(&mut data, &file).await?;
            errors.extend(data.iter().flat_map(|d| d.errors.iter().cloned()));
            if errors.is_empty()
                && let Some(tx) = &sent
            {
                let rows: Vec<(&'static Table, Row)> = data.into_iter().flat_map(|d| d.rows).collect();
                if tx.send(Part::Rows(rows)).await.is_err() {
                    // The writer stopped: its error is reported below.
                    sent = None;
                }
            }
        }
        // References to rows that came later in the file.
        for (line, r) in pending {
            if !known.get(r.table.name).is_some_and(|s| s.contains(&r.key)) {
                errors.push(RowError {
                    file: file.clone(),
                    line,
                    field: column_of(r.field).to_owned(),
                    message: write::unknown(&r),
                });
            }
        }
        errors.sort_by_key(|e| e.line);
        if errors.is_empty()
            && let Some(tx) = &sent
        {
            let _ = tx.send(Part::Commit).await;
        }
        drop(sent);
        let outcome = writer.await.map_err(|e| Error::Task { task: "the import", message: e.to_string() })?;
        if !errors.is_empty() {
            return Err(Error::Import { errors });
        }
        let (written, also) = outcome?;
        if let Some(p) = &opts.progress {
            p.tell(&ImportProgress::Committed);
        }
        Ok(ImportReport {
            kind,
            file,
            header_line: header.line,
            rows: total,
            imported: total,
            rejected: 0,
            written,
            also,
            ignored_columns,
            errors: Vec::new(),
        })
    }

    /// The references of one block of a streamed import: known if in the database or among
    /// the file's rows so far; the others are kept in `pending`, to be found later in the file.
    async fn check_block_references(
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
}
