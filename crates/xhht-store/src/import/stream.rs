//! The streamed import: a big file, checked a block of rows at a time, each checked block
//! written at once inside the import's one transaction; any problem anywhere rolls it all back.
//!
//! A big CSV file is also *read* a block at a time ([`Store::import_csv_streamed`]), and a big
//! XLSX workbook's first sheet a cell at a time ([`Store::import_xlsx_streamed`]): their rows
//! are never all in memory, and the blocks are parsed and checked here while the writer writes
//! the blocks before. A row that cannot be read as the header says (ragged, a NUL byte, not
//! CSV) stops the streamed import before anything is committed; the file is then read whole
//! and imported the ordinary way, whose messages list every problem of the file; so is a file
//! whose memberships clash (the writer's check finds it, the ordinary way names the line).
//! Skipping bad rows ([`ImportOptions::skip_bad_rows`]), such a row is refused on its line
//! instead, and the rows refused are set aside while the good ones are written (`skip.rs`).
//!
//! Keys given twice are found among the file's own (`seen.rs`). A *first load* fills a table
//! that was empty when the import began, and its writer checks that it still is in its
//! transaction: so nothing is compared with stored rows or carried over from them. Its main
//! table's `insert` audit entries are made on the reading side, a thousand rows each across the
//! blocks (`write::InsertEntries`: the entries the ordinary import makes for the same file); the
//! writer only chains and stores them. On PostgreSQL its rows go in one `COPY` fed as the blocks
//! come (`StreamJob::copy_main`). A *re-import* (the table has rows) carries the columns the file
//! lacks over from the stored rows a block at a time here, and its writer compares each block
//! with what is stored, as the ordinary import does with the whole file: blocks of a multiple
//! of a thousand rows, so its audit entries are those of the ordinary import too.

use std::collections::{HashMap, HashSet};
use std::path::Path;

use csv::StringRecord;

use super::*;

/// Rows checked and written a block at a time in a streamed import.
pub(super) const STREAM_BLOCK: usize = 16_000;

/// CSV files smaller than this are read whole (a streamed import needs more than
/// [`STREAM_BLOCK`] rows anyway).
const STREAM_MIN_BYTES: usize = 256 * 1024;

/// What a streamed import needs besides its rows.
pub(super) struct Streamed {
    pub(super) kind: ImportKind,
    pub(super) file: String,
    pub(super) file_name: String,
    pub(super) header: Header,
    /// The header row's cells (for the rejected rows' file).
    pub(super) header_cells: StringRecord,
    /// Whether the file is a CSV text (a row of another width than the header is a problem).
    pub(super) csv: bool,
    pub(super) ignored_columns: Vec<String>,
    pub(super) ctx: FileCtx,
    /// A first load: the main table was empty when the import began.
    pub(super) fresh: bool,
}

/// The data rows of a streamed import, a block at a time.
pub(super) trait Blocks: Send {
    /// The next block (at most [`STREAM_BLOCK`] rows), `None` at the end, `Err` for a row that
    /// cannot be read as the header says (the streamed import then gives way).
    fn next_block(&mut self) -> Option<std::result::Result<Vec<(u64, StringRecord)>, ()>>;

    /// About how many data rows there are in all.
    fn expected(&self) -> usize;

    /// Whether [`Blocks::expected`] is exact (the rows were all read before).
    fn exact(&self) -> bool;

    /// The SHA-256 of the file (lower-case hex), asked once the rows are all written.
    fn sha256(&mut self) -> String;
}

/// Rows already read (a workbook), in blocks.
pub(super) struct ReadRows {
    pub(super) rows: std::vec::IntoIter<(u64, StringRecord)>,
    pub(super) sha: String,
}

impl Blocks for ReadRows {
    fn next_block(&mut self) -> Option<std::result::Result<Vec<(u64, StringRecord)>, ()>> {
        let block: Vec<(u64, StringRecord)> = self.rows.by_ref().take(STREAM_BLOCK).collect();
        (!block.is_empty()).then_some(Ok(block))
    }

    fn expected(&self) -> usize {
        self.rows.len()
    }

    fn exact(&self) -> bool {
        true
    }

    fn sha256(&mut self) -> String {
        std::mem::take(&mut self.sha)
    }
}

/// Rows of a file read one at a time (a CSV text, an XLSX sheet), each with its line; an
/// `Err` ends them (a row that cannot be read).
pub(super) trait RowSource: Send {
    /// The next row.
    fn next_row(&mut self) -> Option<std::result::Result<(u64, StringRecord), ()>>;

    /// About how many rows the file has in all, given `rows` read so far.
    fn expected(&self, rows: usize) -> usize;
}

impl RowSource for read::CsvRows<'_> {
    fn next_row(&mut self) -> Option<std::result::Result<(u64, StringRecord), ()>> {
        self.next()
    }

    fn expected(&self, rows: usize) -> usize {
        // The rows so far, scaled to the whole text by the bytes they took.
        let read = usize::try_from(self.offset()).unwrap_or(usize::MAX).max(1);
        (rows.saturating_mul(self.text_len()) / read).max(rows)
    }
}

/// The first sheet of an XLSX workbook held in memory, a row at a time.
struct XlsxSource<'a>(crate::sheet::XlsxRows<'a, std::io::Cursor<&'a [u8]>>);

impl RowSource for XlsxSource<'_> {
    fn next_row(&mut self) -> Option<std::result::Result<(u64, StringRecord), ()>> {
        Some(self.0.next_row()?.map(|(line, cells)| (line, StringRecord::from(cells))).map_err(|_| ()))
    }

    fn expected(&self, rows: usize) -> usize {
        usize::try_from(self.0.declared_last_row()).unwrap_or(0).max(rows)
    }
}

/// The data rows of a file, read as they are needed: rows below the header that are not blank
/// (as [`Store::import`] keeps them), each with as many fields as the header and no NUL byte.
/// A CSV row of another width gives way; a sheet's row is made as wide as the header (its
/// empty cells at the right are empty; a cell right of the header's last column, which has no
/// header, is dropped, as the ordinary way ignores it).
struct FileBlocks<'a, S: RowSource> {
    bytes: &'a [u8],
    /// Rows read while looking for the header, not yet handed out.
    first: std::vec::IntoIter<(u64, StringRecord)>,
    rows: S,
    width: usize,
    /// Whether rows are a sheet's (padded to the header's width), not a CSV's.
    sheet: bool,
    /// Skipping bad rows: a row that cannot be read as the header says is handed out (and
    /// refused by its checks), not given way for.
    lenient: bool,
    required: Vec<usize>,
    /// The first block, read to decide whether to stream.
    held: Option<Vec<(u64, StringRecord)>>,
    /// Data rows handed out so far.
    seen: usize,
}

impl<S: RowSource> FileBlocks<'_, S> {
    fn read_block(&mut self) -> std::result::Result<Vec<(u64, StringRecord)>, ()> {
        let mut block = Vec::with_capacity(STREAM_BLOCK);
        while block.len() < STREAM_BLOCK {
            let next = match self.first.next() {
                Some(r) => Some(Ok(r)),
                None => self.rows.next_row(),
            };
            let Some(next) = next else { break };
            let (line, mut cells) = next?;
            let blank = |n: &usize| cells.get(*n).is_none_or(|c| c.trim().is_empty());
            if cells.iter().all(|c| c.trim().is_empty()) || self.required.iter().all(blank) {
                continue;
            }
            if !self.lenient && cells.iter().any(|c| c.contains('\0')) {
                return Err(());
            }
            if self.sheet && cells.len() != self.width {
                // As wide as the header; a cell right of its last column has no header, which
                // the ordinary way ignores too.
                let mut v: Vec<&str> = cells.iter().take(self.width).collect();
                v.resize(self.width, "");
                cells = StringRecord::from(v);
            }
            if !self.lenient && cells.len() != self.width {
                return Err(());
            }
            block.push((line, cells));
        }
        self.seen += block.len();
        Ok(block)
    }
}

impl<S: RowSource> Blocks for FileBlocks<'_, S> {
    fn next_block(&mut self) -> Option<std::result::Result<Vec<(u64, StringRecord)>, ()>> {
        if let Some(b) = self.held.take() {
            return Some(Ok(b));
        }
        match self.read_block() {
            Ok(b) if b.is_empty() => None,
            other => Some(other),
        }
    }

    fn expected(&self) -> usize {
        self.rows.expected(self.seen + self.first.len())
    }

    fn exact(&self) -> bool {
        false
    }

    fn sha256(&mut self) -> String {
        xhht_core::rulebook::sha256_hex(self.bytes)
    }
}

/// The table a file of `kind` writes whose rows the file's own rows may refer to, a block or
/// more later (a people file's memberships refer to the person on their own row).
fn self_referred(kind: ImportKind) -> Option<&'static Table> {
    match kind {
        ImportKind::Areas => Some(&crate::schema::AREAS),
        ImportKind::Organisations => Some(&crate::schema::ORGANISATIONS),
        _ => None,
    }
}

/// Whether a file of `kind` with `header` writes memberships (a memberships file, or a people
/// file with an `organisation` column).
pub(super) fn writes_memberships(kind: ImportKind, header: &Header) -> bool {
    kind == ImportKind::Memberships
        || (kind == ImportKind::People
            && kind.spec().iter().zip(&header.at).any(|(c, at)| c.id == "organisation" && at.is_some()))
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
    Rows {
        /// Rows of the main table, in the file's order.
        main: Vec<Row>,
        /// A first load: the audit entries these rows (all new) completed, made by the sender
        /// ([`write::InsertEntries`]). `None` in a re-import: the writer compares the rows with
        /// the stored ones and audits what changed.
        entries: Option<Vec<write::InsertEntry>>,
        /// Rows of other tables (a people file's memberships).
        others: Vec<(&'static Table, Row)>,
    },
    /// Every row was sent and checked: log the import (the file's SHA-256 and the rows
    /// rejected, when skipping bad rows) and commit, after the main table's last audit entry,
    /// if any.
    Commit { sha: String, rejected: usize, last: Option<write::InsertEntry> },
}

/// The writer of a streamed import: upserts each part as it comes, commits on [`Part::Commit`],
/// and fails (so the transaction rolls back) if the sender goes away without it.
struct StreamJob {
    kind: ImportKind,
    /// A first load (the table was empty when the import began).
    fresh: bool,
    actor: String,
    file_name: String,
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
        let main = main_table(self.kind);
        let mut writers: Writers = Vec::new();
        let mut written = WriteReport::default();
        let (sha, rejected) =
            if self.fresh && c.supports_copy() && main.child.is_none() && write::is_empty(c, main).await? {
                // PostgreSQL: the main table's rows in one COPY that the server stores while the
                // next are made; the rows of other tables (few) after it.
                let (sha, copied, others) = self.copy_main(c, audit).await?;
                written.added = copied;
                self.write_part(c, audit, &mut writers, None, others).await?;
                sha
            } else {
                loop {
                    match self.parts.recv().await {
                        Some(Part::Rows { main, entries, others }) => {
                            self.write_part(c, audit, &mut writers, Some((main, entries)), others).await?;
                        }
                        Some(Part::Commit { sha, rejected, last }) => {
                            if let Some(e) = last {
                                e.push(audit);
                            }
                            break (sha, rejected);
                        }
                        None => return Err(stopped()),
                    }
                }
            };
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
        log_import(c, &at, &self.actor, self.kind, &self.file_name, &sha, written, rejected).await?;
        Ok((written, also))
    }
}

/// The rows of `data` as a part for the writer, the main table's apart (with their audit
/// entries, made by `entries`, in a first load).
fn part(kind: ImportKind, data: Vec<DataRow>, entries: Option<&mut write::InsertEntries>) -> Part {
    let main = main_table(kind);
    let (mut rows, mut others) = (Vec::with_capacity(data.len()), Vec::new());
    for (t, r) in data.into_iter().flat_map(|d| d.rows) {
        if std::ptr::eq(t, main) {
            rows.push(r);
        } else {
            others.push((t, r));
        }
    }
    let entries = entries.map(|e| e.add(&rows));
    Part::Rows { main: rows, entries, others }
}

/// The upsert of each table a streamed import writes.
type Writers = Vec<(&'static Table, write::Upserter)>;

fn stopped() -> Error {
    Error::Task { task: "the import", message: "stopped before its end".to_owned() }
}

/// The bytes of COPY data sent to the server at a time.
const COPY_CHUNK: usize = 1 << 20;

impl StreamJob {
    /// Tells the progress of writing `table`: `done` rows so far.
    fn tick(&self, table: &'static str, done: u64) {
        if let Some(p) = &self.progress {
            // The total of a file still being read is an estimate.
            p.tell(&ImportProgress::Writing { table, done, total: (self.expected as u64).max(done) });
        }
    }

    /// Writes the rows of a part, table by table, parents first: the main table's (a first
    /// load's, new with their audit entries made; a re-import's, compared and upserted) and the
    /// others' (upserted).
    async fn write_part<C: Conn>(
        &self,
        c: &mut C,
        audit: &mut Audit,
        writers: &mut Writers,
        mut main: Option<(Vec<Row>, Option<Vec<write::InsertEntry>>)>,
        others: Vec<(&'static Table, Row)>,
    ) -> Result<()> {
        let main_table = main_table(self.kind);
        let mut by: Vec<(&'static Table, Vec<Row>)> = Vec::new();
        for (t, r) in others {
            match by.iter_mut().find(|(x, _)| std::ptr::eq(*x, t)) {
                Some((_, v)) => v.push(r),
                None => by.push((t, vec![r])),
            }
        }
        for table in ALL_TABLES {
            let is_main = std::ptr::eq(*table, main_table);
            let mine = by.iter().position(|(t, _)| std::ptr::eq(*t, *table)).map(|pos| by.swap_remove(pos).1);
            let new = if is_main { main.take() } else { None };
            if mine.is_none() && new.is_none() {
                continue;
            }
            let n = match writers.iter().position(|(t, _)| std::ptr::eq(*t, *table)) {
                Some(n) => n,
                None => {
                    let w = write::Upserter::new(c, table, self.expected).await?;
                    if is_main && self.fresh && !w.was_empty() {
                        // Rows were checked as a first load (nothing to carry over, nothing to
                        // compare with): refuse rather than write them so.
                        return Err(Error::Task {
                            task: "the import",
                            message: format!(
                                "another writer added rows to `{}` since the import began; import the file again",
                                table.name
                            ),
                        });
                    }
                    writers.push((table, w));
                    writers.len() - 1
                }
            };
            let tick_fn = |done: u64| self.tick(table.name, done);
            if let Some((_, w)) = writers.get_mut(n) {
                match new {
                    Some((rows, Some(entries))) => w.push_new(c, rows, entries, audit, Some(&tick_fn)).await?,
                    Some((rows, None)) => w.push(c, rows, audit, Some(&tick_fn)).await?,
                    None => {}
                }
                if let Some(rows) = mine {
                    w.push(c, rows, audit, Some(&tick_fn)).await?;
                }
            }
        }
        Ok(())
    }

    /// The main table's rows, every one new (the table is empty in this transaction and the
    /// keys were checked distinct), through one `COPY` fed as the parts come: the audit entries
    /// and the COPY text of a part are made while the server stores the part before. The audit
    /// entries are written after the COPY (the connection is busy with it until then). Returns
    /// the file's SHA-256, the rows copied and the rows of other tables.
    async fn copy_main<C: Conn>(
        &mut self,
        c: &mut C,
        audit: &mut Audit,
    ) -> Result<((String, usize), u64, Vec<(&'static Table, Row)>)> {
        let main = main_table(self.kind);
        let (tx, rx) = tokio::sync::mpsc::channel::<Option<Vec<u8>>>(4);
        let statement = format!("COPY {} ({}) FROM STDIN", main.name, main.col_list());
        let mut others = Vec::new();
        let make = async {
            // Owned here, so the COPY ends (aborted) when this stops early.
            let tx = tx;
            let mut data = Vec::with_capacity(COPY_CHUNK + (64 << 10));
            let mut done = 0u64;
            // Memberships: the people whose memberships were added, checked after the COPY.
            let mut touched = Vec::new();
            let send = async |data: &mut Vec<u8>| {
                let chunk = std::mem::replace(data, Vec::with_capacity(COPY_CHUNK + (64 << 10)));
                // A refused send means the COPY failed: its error is the one reported.
                tx.send(Some(chunk)).await.map_err(|_| stopped())
            };
            loop {
                match self.parts.recv().await {
                    Some(Part::Rows { main: rows, entries, others: more }) => {
                        others.extend(more);
                        for r in rows {
                            crate::db::copy_row(&mut data, &r.vals);
                            if std::ptr::eq(main, &crate::schema::MEMBERSHIPS)
                                && let Some(person) = r.vals.first()
                            {
                                touched.push(person.clone());
                            }
                            done += 1;
                            if data.len() >= COPY_CHUNK {
                                send(&mut data).await?;
                            }
                        }
                        for e in entries.into_iter().flatten() {
                            e.push(audit);
                        }
                        self.tick(main.name, done);
                    }
                    Some(Part::Commit { sha, rejected, last }) => {
                        if let Some(e) = last {
                            e.push(audit);
                        }
                        if !data.is_empty() {
                            send(&mut data).await?;
                        }
                        tx.send(None).await.map_err(|_| stopped())?;
                        return Ok(((sha, rejected), touched));
                    }
                    None => return Err(stopped()),
                }
            }
        };
        let (copied, made) = tokio::join!(c.copy_in_stream(statement, rx), make);
        // The COPY's own error first: a failed COPY also makes the sender fail.
        let copied = copied?;
        let (sha, touched) = made?;
        // As every write of memberships ends (see `write::Upserter::finish`).
        crate::membership::check_clashes(c, touched).await?;
        crate::citizen::after_write(c, main, None).await?;
        Ok((sha, copied, others))
    }
}

impl Store {
    /// A big CSV file (`bytes`, named `file` in messages and `file_name` in the log) imported
    /// streamed, a first load or a re-import (see the module documentation). `None` when it is not one, or
    /// when a row cannot be read as the header says: then nothing was written, and the caller
    /// imports it the ordinary way.
    pub(super) async fn import_csv_streamed(
        &self,
        kind: ImportKind,
        file: &str,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<Option<ImportReport>> {
        if crate::sheet::is_workbook(Path::new(file)) {
            return Ok(None);
        }
        let Some(fresh) = self.may_stream(kind, bytes, opts).await? else { return Ok(None) };
        let Ok(text) = read::decode(bytes, file) else { return Ok(None) };
        let spec = kind.spec();
        let Ok(delimiter) = read::delimiter(text, file, &|rows| header::find(spec, rows).is_ok()) else {
            return Ok(None);
        };
        let rows = read::CsvRows::new(text, delimiter);
        self.import_rows_streamed(kind, file, file_name, bytes, rows, (false, fresh), opts).await
    }

    /// A big XLSX workbook (`bytes`, named as [`Store::import_csv_streamed`] says) imported
    /// streamed, its first sheet read a cell at a time: the sheet's rows are never all in
    /// memory. `None` as for a CSV (and for a workbook that cannot be opened: the ordinary way
    /// says why).
    pub(super) async fn import_xlsx_streamed(
        &self,
        kind: ImportKind,
        file: &str,
        file_name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<Option<ImportReport>> {
        if !crate::sheet::is_xlsx(Path::new(file)) {
            return Ok(None);
        }
        let Some(fresh) = self.may_stream(kind, bytes, opts).await? else { return Ok(None) };
        let Ok(mut wb) = crate::sheet::open_xlsx(bytes, file) else { return Ok(None) };
        let Ok(rows) = crate::sheet::XlsxRows::new(&mut wb, file) else { return Ok(None) };
        self.import_rows_streamed(kind, file, file_name, bytes, XlsxSource(rows), (true, fresh), opts).await
    }

    /// Whether an import of `bytes` may be streamed, and if so whether it is a first load (into
    /// an empty table; checked before the file is opened, as opening a workbook reads its shared
    /// strings): a file big enough, not asked to be read whole ([`ImportOptions::whole_file`]).
    /// Assessments go the ordinary way (each value is checked against its rulebook's indicator,
    /// found in the whole file's columns), and so does a memberships file when skipping bad rows
    /// (a clash with a membership further down is refused on its line there).
    async fn may_stream(&self, kind: ImportKind, bytes: &[u8], opts: &ImportOptions) -> Result<Option<bool>> {
        let clashes = opts.skip_bad_rows && kind == ImportKind::Memberships;
        if opts.whole_file || clashes || kind == ImportKind::Assessments || bytes.len() < STREAM_MIN_BYTES {
            return Ok(None);
        }
        Ok(Some(self.bulk_read(IsEmpty(main_table(kind))).await?))
    }

    /// The streamed import of a file's rows (a CSV's or a sheet's, `sheet` saying which; `fresh`
    /// a first load, as [`Store::may_stream`] found): the header found among the first rows,
    /// more than a block of data rows.
    #[allow(clippy::too_many_arguments, reason = "the file's parts, each said once")]
    async fn import_rows_streamed<S: RowSource>(
        &self,
        kind: ImportKind,
        file: &str,
        file_name: &str,
        bytes: &[u8],
        mut rows: S,
        (sheet, fresh): (bool, bool),
        opts: &ImportOptions,
    ) -> Result<Option<ImportReport>> {
        let spec = kind.spec();
        let mut head: Vec<(u64, StringRecord)> = Vec::new();
        while head.len() < header::HEADER_SEARCH_ROWS {
            match rows.next_row() {
                Some(Ok(r)) => head.push(r),
                Some(Err(())) => return Ok(None),
                None => break,
            }
        }
        let Ok(header) = header::find(spec, &head) else { return Ok(None) };
        if !header.twice.is_empty() || (opts.skip_bad_rows && writes_memberships(kind, &header)) {
            // Skipping bad rows, a membership that clashes with another of the person's, maybe
            // further down, is refused on its line by the ordinary import (`clash.rs`).
            return Ok(None);
        }
        let header_cells = head.get(header.index).map(|(_, r)| r.clone()).unwrap_or_default();
        let width = header_cells.len();
        let required: Vec<usize> =
            spec.iter().zip(&header.at).filter(|(c, _)| c.required).filter_map(|(_, a)| *a).collect();
        let ignored_columns: Vec<String> = header.extra.iter().map(|(_, h)| h.clone()).collect();
        let first: Vec<(u64, StringRecord)> = head.into_iter().skip(header.index + 1).collect();
        let lenient = opts.skip_bad_rows;
        let mut blocks =
            FileBlocks { bytes, first: first.into_iter(), rows, width, sheet, lenient, required, held: None, seen: 0 };
        // Streamed only with more than a block of rows.
        let Ok(mut block) = blocks.read_block() else { return Ok(None) };
        match blocks.read_block() {
            Ok(more) if !more.is_empty() => {
                block.extend(more);
            }
            _ => return Ok(None),
        }
        // Handed out as blocks of at most STREAM_BLOCK rows.
        let rest = block.split_off(STREAM_BLOCK);
        blocks.first = rest.into_iter().chain(blocks.first.by_ref()).collect::<Vec<_>>().into_iter();
        blocks.seen -= blocks.first.len().min(blocks.seen);
        blocks.held = Some(block);
        let ctx = FileCtx { kind, engines: Default::default(), indicator_cols: Vec::new() };
        let job = Streamed {
            kind,
            file: file.to_owned(),
            file_name: file_name.to_owned(),
            header,
            header_cells,
            csv: !sheet,
            ignored_columns,
            ctx,
            fresh,
        };
        self.import_streamed(job, &mut blocks, opts).await
    }

    /// The streamed import: blocks are parsed and checked here while the writer (its own task,
    /// its own transaction) writes the blocks already checked. `None` when `blocks` gave way
    /// (nothing was written).
    pub(super) async fn import_streamed(
        &self,
        job: Streamed,
        blocks: &mut dyn Blocks,
        opts: &ImportOptions,
    ) -> Result<Option<ImportReport>> {
        let Streamed { kind, file, file_name, header, header_cells, csv, ignored_columns, ctx, fresh } = job;
        if blocks.exact()
            && let Some(p) = &opts.progress
        {
            p.tell(&ImportProgress::Read { rows: blocks.expected() });
        }
        let (tx, rx) = tokio::sync::mpsc::channel::<Part>(2);
        let writer_job = StreamJob {
            kind,
            fresh,
            actor: opts.actor.clone(),
            file_name,
            expected: blocks.expected(),
            progress: opts.progress.clone(),
            parts: rx,
        };
        let store = self.handle();
        let writer = tokio::spawn(async move { store.bulk_write(writer_job).await });

        let mut errors: Vec<RowError> = Vec::new();
        // Keys seen so far (the rows themselves go to the writer).
        let mut seen = seen::Seen::default();
        // Keys of the file's rows that later rows may refer to: a table's from the first block
        // that refers to it, and from the start the table a kind's rows refer to among
        // themselves (a parent area, a parent organisation: a row may name one of a block
        // before the first block that names any).
        let mut known: HashMap<&'static str, HashSet<String>> =
            self_referred(kind).iter().map(|t| (t.name, HashSet::new())).collect();
        let mut pending: Vec<(u64, crate::model::Ref)> = Vec::new();
        // Skipping bad rows: the rows refused, and those waiting for a row further down.
        let mut skipping = opts.skip_bad_rows.then(skip::Skipping::default);
        let mut sent = Some(tx);
        // The main table's audit entries, made here rather than by the writer.
        let mut entries = write::InsertEntries::new(main_table(kind));
        let mut send = async |data: Vec<DataRow>, sent: &mut Option<tokio::sync::mpsc::Sender<Part>>| {
            if let Some(tx) = sent.as_ref()
                && tx.send(part(kind, data, fresh.then_some(&mut entries))).await.is_err()
            {
                // The writer stopped: its error is reported below.
                *sent = None;
            }
        };
        let mut total = 0usize;
        let mut gave_way = false;
        while let Some(block) = blocks.next_block() {
            let Ok(block) = block else {
                gave_way = true;
                break;
            };
            total += block.len();
            // Skipping bad rows, a ragged row or a NUL byte is the row's one problem, as in the
            // ordinary import (without, such a row made the blocks give way).
            let mut shape = match &skipping {
                Some(_) => shape_errors(&file, csv, &header_cells, &block),
                None => HashMap::new(),
            };
            let mut data = parse_rows(&ctx, &file, &header, block);
            for d in &mut data {
                if let Some(e) = shape.remove(&d.line) {
                    d.errors = vec![e];
                }
                let mut dup = Vec::new();
                for (table, row) in &d.rows {
                    let key = &row.vals[..table.key];
                    if let Some(l) = seen.insert(table.name, key, d.line) {
                        dup.push(RowError {
                            file: file.clone(),
                            line: d.line,
                            field: column_of(table.key_cols()[0].name).to_owned(),
                            message: format!("`{}` is already on line {l}", key_text(key)),
                        });
                    }
                }
                d.errors.extend(dup);
            }
            // A first load: the main table was empty, and the writer checks it still was when it
            // began (nothing stored to carry over).
            let stored = if fresh { Some(main_table(kind)) } else { None };
            self.carry_over(kind, &header, &mut data, &file, stored).await?;
            self.check_lifecycle(kind, &header, &mut data, &file, stored).await?;
            self.check_places(kind, &mut data, &file).await?;
            if let Some(skipping) = &mut skipping {
                self.check_names(&mut data, &file).await?;
                let ready = self.settle(skipping, data, &mut known, &file, false).await?;
                send(ready, &mut sent).await;
                continue;
            }
            self.check_block_references(&mut data, &mut known, &mut pending).await?;
            self.check_names(&mut data, &file).await?;
            errors.extend(data.iter().flat_map(|d| d.errors.iter().cloned()));
            if errors.is_empty() {
                send(data, &mut sent).await;
            }
        }
        if gave_way {
            // Nothing is committed: the writer fails without its `Commit` and rolls back.
            drop(sent);
            let _ = writer.await;
            return Ok(None);
        }
        if !blocks.exact()
            && let Some(p) = &opts.progress
        {
            p.tell(&ImportProgress::Read { rows: total });
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
        // Skipping bad rows: the rows still waiting have their last chance; the others are
        // refused.
        let mut refused = Vec::new();
        if let Some(mut skipping) = skipping.take() {
            let ready = self.settle(&mut skipping, Vec::new(), &mut known, &file, true).await?;
            send(ready, &mut sent).await;
            refused = skipping.refused();
        }
        errors.sort_by_key(|e| e.line);
        if errors.is_empty()
            && let Some(tx) = &sent
        {
            let last = if fresh { entries.finish() } else { None };
            let _ = tx.send(Part::Commit { sha: blocks.sha256(), rejected: refused.len(), last }).await;
        }
        drop(sent);
        let outcome = writer.await.map_err(|e| Error::Task { task: "the import", message: e.to_string() })?;
        if errors.is_empty()
            && let Err(Error::Invalid { table, .. }) = &outcome
            && *table == crate::schema::MEMBERSHIPS.name
        {
            // A membership clashing with another of the person's (the writer's check, which
            // cannot name the line): nothing was committed, and the ordinary way names it.
            return Ok(None);
        }
        if !errors.is_empty() {
            return Err(Error::Import { errors });
        }
        let (written, also) = outcome?;
        if let Some(to) = &opts.rejected_to
            && opts.skip_bad_rows
        {
            write_rejected(to, &header_cells, &refused.iter().collect::<Vec<_>>())?;
        }
        if let Some(p) = &opts.progress {
            p.tell(&ImportProgress::Committed);
        }
        Ok(Some(ImportReport {
            kind,
            file,
            header_line: header.line,
            rows: total,
            imported: total - refused.len(),
            rejected: refused.len(),
            written,
            also,
            ignored_columns,
            errors: refused.into_iter().flat_map(|d| d.errors).collect(),
        }))
    }
}
