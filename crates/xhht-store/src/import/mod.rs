//! Bulk import from the files officials keep, and export in the same shape.
//!
//! [`Store::import`] reads a CSV or XLSX file (by extension) of one [`ImportKind`], finds the
//! header row below any title block, reads every data row, and checks everything before
//! writing anything: required cells, dates (`dd/mm/yyyy` or ISO), closed lists, references
//! (to the database or to other rows of the file), keys given twice, the domain's own rules
//! (an approval before its plan's submission…), for assessments each value against its
//! rulebook (kind, range, precision), for successions and communities their areas (an area
//! succeeded once it has ended, a community in a commune: `places.rs`), and that no record is
//! taken back in its lifecycle (a plan approved on record made submitted again, a recognition
//! on record changed: `lifecycle.rs`). By default the import is **all or nothing**: any problem
//! and nothing is written, the error listing every problem as `file:line: field: message`.
//! With [`ImportOptions::skip_bad_rows`] the good rows are imported and the rejected ones
//! written to [`ImportOptions::rejected_to`] with an `error` column. Writing is one transaction
//! (upserts by natural key, so importing the same file again changes nothing) that also
//! appends the audit entries and a line to the `imports` log.
//!
//! The columns of each kind are documented in `docs/data-formats.md` ("Imports").

mod checks;
mod clash;
mod export;
pub(crate) mod header;
mod kinds;
mod lifecycle;
mod places;
mod read;
mod seen;
mod skip;
mod stream;

use std::collections::{HashMap, HashSet};
use std::fmt;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use csv::StringRecord;
use xhht_core::bounds::WorkbookLimits;

pub use export::ExportFormat;
pub use kinds::ImportKind;

use self::header::Header;
use self::kinds::{FileCtx, IndicatorCol, RowCtx};
use self::stream::{IsEmpty, STREAM_BLOCK, Streamed};
use crate::audit::Audit;
use crate::db::{Conn, FastHash, Ty, Val, placeholders};
use crate::error::{Error, Result, RowError};
use crate::lite::BulkWrite;
use crate::model::{Row, key_text};
use crate::schema::{self, ALL_TABLES, Table};
use crate::store::Store;
use crate::write::{self, WriteReport};

/// How an import runs.
#[derive(Debug, Clone)]
pub struct ImportOptions {
    /// Import the good rows and reject the bad ones, instead of refusing the whole file.
    pub skip_bad_rows: bool,
    /// Where to write the rejected rows (CSV, UTF-8, the file's columns plus `error`), when
    /// skipping bad rows.
    pub rejected_to: Option<PathBuf>,
    /// Who imports, for the audit trail.
    pub actor: String,
    /// Told how far the import is (for a progress bar).
    pub progress: Option<Progress>,
    /// Read and check the whole file before writing any of it, even a big CSV or XLSX file
    /// that is otherwise read, checked and written a block at a time (in the same one
    /// transaction). What is written, refused and said is the same either way; this way takes
    /// memory for the whole file. For comparing the two.
    pub whole_file: bool,
    /// How large a workbook may be once unpacked (`xhht_core::bounds`): the command line's
    /// limits by default; the server's uploads take [`WorkbookLimits::UPLOAD`].
    pub workbook_limits: WorkbookLimits,
}

impl ImportOptions {
    /// All or nothing, as `actor`.
    pub fn new(actor: impl Into<String>) -> Self {
        Self {
            skip_bad_rows: false,
            rejected_to: None,
            actor: actor.into(),
            progress: None,
            whole_file: false,
            workbook_limits: WorkbookLimits::FILE,
        }
    }
}

/// How far an import is.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum ImportProgress {
    /// The file was read: this many data rows.
    Read {
        /// Data rows (below the header, not blank).
        rows: usize,
    },
    /// Every row was checked.
    Checked {
        /// Rows to import.
        good: usize,
        /// Rows rejected.
        rejected: usize,
    },
    /// Rows of a table were written, inside the import's transaction (nothing is visible to
    /// others, and nothing stays if the process dies now).
    Writing {
        /// The table.
        table: &'static str,
        /// Rows of it done so far.
        done: u64,
        /// Rows of it to do.
        total: u64,
    },
    /// The transaction committed.
    Committed,
}

/// A progress callback.
#[derive(Clone)]
pub struct Progress(Arc<dyn Fn(&ImportProgress) + Send + Sync>);

impl Progress {
    /// Wraps a callback.
    pub fn new(f: impl Fn(&ImportProgress) + Send + Sync + 'static) -> Self {
        Self(Arc::new(f))
    }

    fn tell(&self, p: &ImportProgress) {
        (self.0)(p);
    }
}

impl fmt::Debug for Progress {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("Progress(..)")
    }
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ImportReport {
    /// The kind.
    pub kind: ImportKind,
    /// The file.
    pub file: String,
    /// The line (CSV) or row (XLSX) of the header.
    pub header_line: u64,
    /// Data rows read (not counting blank rows, or rows with every required cell empty such as
    /// a signature block).
    pub rows: usize,
    /// Rows imported.
    pub imported: usize,
    /// Rows rejected (only with `skip_bad_rows`).
    pub rejected: usize,
    /// Rows of the kind's table added, changed and left unchanged.
    pub written: WriteReport,
    /// Rows written to other tables, e.g. the memberships of a people file with an `organisation`
    /// column.
    pub also: Vec<(&'static str, WriteReport)>,
    /// Columns of the file that are no column of the kind (ignored).
    pub ignored_columns: Vec<String>,
    /// The problems of the rejected rows.
    pub errors: Vec<RowError>,
}

/// The kind's own table (the first its rows write).
fn main_table(kind: ImportKind) -> &'static Table {
    match kind {
        ImportKind::Areas => &schema::AREAS,
        ImportKind::Successions => &schema::SUCCESSIONS,
        ImportKind::Organisations => &schema::ORGANISATIONS,
        ImportKind::People => &schema::PEOPLE,
        ImportKind::Memberships => &schema::MEMBERSHIPS,
        ImportKind::Clans => &schema::CLANS,
        ImportKind::Communities => &schema::COMMUNITIES,
        ImportKind::Households => &schema::HOUSEHOLDS,
        ImportKind::Registrations => &schema::REGISTRATIONS,
        ImportKind::Commitments => &schema::COMMITMENTS,
        ImportKind::SelfStudyPlans => &schema::SELF_STUDY_PLANS,
        ImportKind::Assessments => &schema::ASSESSMENTS,
        ImportKind::Recognitions => &schema::RECOGNITIONS,
        ImportKind::ReportSubmissions => &schema::REPORT_SUBMISSIONS,
    }
}

/// One data row of the file and what became of it.
struct DataRow {
    line: u64,
    cells: StringRecord,
    rows: Vec<(&'static Table, Row)>,
    refs: Vec<crate::model::Ref>,
    /// Memberships files: the person's name as written, to check against the person.
    name_check: Option<(String, String)>,
    errors: Vec<RowError>,
}

/// The file column a record field or a table column is reported under.
fn column_of(field: &str) -> &str {
    match field {
        "subject_id" => "subject",
        "from_code" => "from",
        "to_code" => "to",
        other => other,
    }
}

impl Store {
    /// Imports the file at `path` (`.xlsx`, `.xlsm`, `.xls`, `.ods`: the first sheet; anything
    /// else: CSV) as records of `kind`. See the module documentation for the checks and
    /// `docs/data-formats.md` for the columns.
    pub async fn import(&self, kind: ImportKind, path: &Path, opts: &ImportOptions) -> Result<ImportReport> {
        let file = path.display().to_string();
        let file_name = path.file_name().map_or_else(|| file.clone(), |n| n.to_string_lossy().into_owned());
        let bytes = std::fs::read(path).map_err(Error::io(path))?;
        crate::sheet::check_package(&file, &bytes, opts.workbook_limits)?;
        if let Some(report) = self.import_csv_streamed(kind, &file, &file_name, &bytes, opts).await? {
            return Ok(report);
        }
        if let Some(report) = self.import_xlsx_streamed(kind, &file, &file_name, &bytes, opts).await? {
            return Ok(report);
        }
        let sheet = read::read_bytes(&file, &bytes, &|rows| header::find(kind.spec(), rows).is_ok())?;
        drop(bytes);
        self.import_sheet(kind, sheet, file_name, opts).await
    }

    /// Imports a file's content (an upload), as [`Store::import`] imports a file: `name` is the
    /// file's name, used in messages and the import log; its extension says how to read it.
    /// Nothing is written to disk but the database (and `opts.rejected_to`, when set).
    pub async fn import_bytes(
        &self,
        kind: ImportKind,
        name: &str,
        bytes: &[u8],
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        crate::sheet::check_package(name, bytes, opts.workbook_limits)?;
        if let Some(report) = self.import_csv_streamed(kind, name, name, bytes, opts).await? {
            return Ok(report);
        }
        if let Some(report) = self.import_xlsx_streamed(kind, name, name, bytes, opts).await? {
            return Ok(report);
        }
        let sheet = read::read_bytes(name, bytes, &|rows| header::find(kind.spec(), rows).is_ok())?;
        self.import_sheet(kind, sheet, name.to_owned(), opts).await
    }

    async fn import_sheet(
        &self,
        kind: ImportKind,
        sheet: read::Sheet,
        file_name: String,
        opts: &ImportOptions,
    ) -> Result<ImportReport> {
        let spec = kind.spec();
        let file = sheet.file.clone();
        let header = match header::find(spec, &sheet.rows) {
            Ok(h) => h,
            Err((line, missing)) => {
                return Err(Error::Import {
                    errors: vec![RowError {
                        file,
                        line,
                        field: "-".to_owned(),
                        message: format!(
                            "no header row among the first {} rows names the required column(s) {} \
                             (see docs/data-formats.md, Imports)",
                            header::HEADER_SEARCH_ROWS,
                            missing.join(", ")
                        ),
                    }],
                });
            }
        };
        let mut file_errors: Vec<RowError> = header
            .twice
            .iter()
            .map(|(id, h)| RowError {
                file: file.clone(),
                line: header.line,
                field: (*id).to_owned(),
                message: format!("the column is given twice (again as `{h}`)"),
            })
            .collect();
        let mut ctx = FileCtx { kind, engines: Default::default(), indicator_cols: Vec::new() };
        let mut ignored_columns = Vec::new();
        for (cell, h) in &header.extra {
            if kind == ImportKind::Assessments {
                ctx.indicator_cols.push((*cell, h.clone(), kinds::indicator_col(h)));
            } else {
                ignored_columns.push(h.clone());
            }
        }

        let header_cells = sheet.rows.get(header.index).map(|(_, r)| r.clone()).unwrap_or_default();
        let required: Vec<usize> =
            spec.iter().zip(&header.at).filter(|(c, _)| c.required).filter_map(|(_, a)| *a).collect();
        if kind == ImportKind::Assessments {
            unknown_indicator_columns(&mut ctx, &header, &sheet.rows, &file, &mut file_errors);
        }
        let data_rows: Vec<(u64, StringRecord)> = sheet
            .rows
            .into_iter()
            .skip(header.index + 1)
            .filter(|(_, cells)| {
                let blank = |n: &usize| cells.get(*n).is_none_or(|c| c.trim().is_empty());
                !(cells.iter().all(|c| c.trim().is_empty()) || required.iter().all(blank))
            })
            .collect();
        let sha = sheet.sha256.clone();
        let mut shape = shape_errors(&file, sheet.csv, &header_cells, &data_rows);
        // A big file: checked a block at a time, each checked block written at once inside the
        // import's transaction; any problem anywhere rolls it all back.
        // (A file that writes memberships comes here streamed already, or read whole after its
        // streamed import found a clash, which this way names on its line.)
        let whole = opts.skip_bad_rows || opts.whole_file || stream::writes_memberships(kind, &header);
        if !whole && file_errors.is_empty() && shape.is_empty() && data_rows.len() > STREAM_BLOCK {
            let fresh = self.bulk_read(IsEmpty(main_table(kind))).await?;
            let header_cells = header_cells.clone();
            let job =
                Streamed { kind, file, file_name, header, header_cells, csv: sheet.csv, ignored_columns, ctx, fresh };
            let mut blocks = stream::ReadRows { rows: data_rows.into_iter(), sha };
            return self
                .import_streamed(job, &mut blocks, opts)
                .await?
                .ok_or_else(|| Error::Task { task: "the import", message: "a read row changed".to_owned() });
        }
        // Every data row, parsed: on every core, a block of rows at a time, in file order.
        let mut data = parse_rows(&ctx, &file, &header, data_rows);
        // A ragged row or a NUL byte: that is the row's one problem (its cells are not where the
        // header says).
        for d in &mut data {
            if let Some(e) = shape.remove(&d.line) {
                d.errors = vec![e];
            }
        }
        if let Some(p) = &opts.progress {
            p.tell(&ImportProgress::Read { rows: data.len() });
        }

        // Keys given twice.
        let mut twice: Vec<(usize, RowError)> = Vec::new();
        {
            let mut first: HashMap<(&'static str, &[Val]), u64, FastHash> =
                HashMap::with_capacity_and_hasher(data.len(), FastHash::default());
            for (n, d) in data.iter().enumerate() {
                for (table, row) in &d.rows {
                    let key = &row.vals[..table.key];
                    if let Some(l) = first.insert((table.name, key), d.line) {
                        first.insert((table.name, key), l);
                        twice.push((
                            n,
                            RowError {
                                file: file.clone(),
                                line: d.line,
                                field: column_of(table.key_cols()[0].name).to_owned(),
                                message: format!("`{}` is already on line {l}", key_text(key)),
                            },
                        ));
                    }
                }
            }
        }
        for (n, e) in twice {
            data[n].errors.push(e);
        }

        // Columns the file does not have keep their stored values.
        self.carry_over(kind, &header, &mut data, &file, None).await?;
        // No record taken back in its lifecycle.
        self.check_lifecycle(kind, &header, &mut data, &file, None).await?;
        // Successions and communities against the stored areas.
        self.check_places(kind, &mut data, &file).await?;
        // References, and the names of memberships' people.
        self.check_references(&mut data, &file).await?;
        self.check_names(&mut data, &file).await?;
        self.check_membership_clashes(&mut data, &file).await?;

        let rejected: Vec<&DataRow> = data.iter().filter(|d| !d.errors.is_empty()).collect();
        let mut errors: Vec<RowError> = file_errors;
        errors.extend(rejected.iter().flat_map(|d| d.errors.iter().cloned()));
        if !errors.is_empty() && (!opts.skip_bad_rows || errors.iter().any(|e| e.line == header.line)) {
            return Err(Error::Import { errors });
        }
        if let Some(to) = &opts.rejected_to
            && opts.skip_bad_rows
        {
            write_rejected(to, &header_cells, &rejected)?;
        }
        let rejected_n = rejected.len();
        let good: Vec<DataRow> = data.into_iter().filter(|d| d.errors.is_empty()).collect();
        if let Some(p) = &opts.progress {
            p.tell(&ImportProgress::Checked { good: good.len(), rejected: rejected_n });
        }

        // Write, parents first, in one transaction.
        let imported = good.len();
        let mut by_table: HashMap<&'static str, Vec<Row>> = HashMap::new();
        for d in good {
            for (t, r) in d.rows {
                by_table.entry(t.name).or_default().push(r);
            }
        }
        let job = ImportJob {
            kind,
            actor: opts.actor.clone(),
            file_name,
            sha,
            rejected: rejected_n,
            progress: opts.progress.clone(),
            by_table,
        };
        let (written, also) = self.bulk_write(job).await?;
        if let Some(p) = &opts.progress {
            p.tell(&ImportProgress::Committed);
        }
        Ok(ImportReport {
            kind,
            file,
            header_line: header.line,
            rows: imported + rejected_n,
            imported,
            rejected: rejected_n,
            written,
            also,
            ignored_columns,
            errors,
        })
    }
}

/// The rows that cannot be read as the header says, each with its error: in a CSV file, a row
/// with fewer or more fields than the header (a workbook's rows all span its columns); in any
/// file, a cell holding a NUL byte.
fn shape_errors(file: &str, csv: bool, header: &StringRecord, rows: &[(u64, StringRecord)]) -> HashMap<u64, RowError> {
    let width = header.len();
    let mut out = HashMap::new();
    for (line, cells) in rows {
        let error = if csv && cells.len() != width {
            let found = cells.len();
            Some(RowError {
                file: file.to_owned(),
                line: *line,
                field: "-".to_owned(),
                message: format!(
                    "dòng có {found} trường, tiêu đề có {width} / the row has {found} fields, the header has {width}"
                ),
            })
        } else {
            cells.iter().position(|c| c.contains('\0')).map(|n| RowError {
                file: file.to_owned(),
                line: *line,
                field: header.get(n).map_or_else(|| "-".to_owned(), |h| h.trim().to_owned()),
                message: "ô có ký tự NUL (\\0), không phải văn bản / the cell holds a NUL byte (\\0): not text"
                    .to_owned(),
            })
        };
        if let Some(e) = error {
            out.insert(*line, e);
        }
    }
    out
}

/// A 128-bit fingerprint of a table's key (two independent 64-bit hashes): two different keys
/// share one with a probability near 2^-128.
fn fingerprint(table: &str, key: &[Val]) -> u128 {
    use std::hash::BuildHasher;
    let a = FastHash::default().hash_one((table, key));
    let b =
        std::hash::BuildHasherDefault::<std::collections::hash_map::DefaultHasher>::default().hash_one((table, key));
    (u128::from(a) << 64) | u128::from(b)
}

/// Parses rows on every core, a block at a time, keeping the file's order.
fn parse_rows(ctx: &FileCtx, file: &str, header: &Header, rows: Vec<(u64, StringRecord)>) -> Vec<DataRow> {
    use rayon::prelude::*;
    let spec = ctx.kind.spec();
    let blocks: Vec<Vec<DataRow>> = rows
        .into_par_iter()
        .chunks(4096)
        .map(|block| {
            let mut ctx = ctx.for_block();
            block.into_iter().map(|(line, cells)| parse_row(&mut ctx, file, line, cells, header, spec)).collect()
        })
        .collect();
    blocks.into_iter().flatten().collect()
}

/// One data row parsed into its table rows, references and problems.
fn parse_row(
    ctx: &mut FileCtx,
    file: &str,
    line: u64,
    cells: StringRecord,
    header: &Header,
    spec: &'static [header::ColSpec],
) -> DataRow {
    let mut row_ctx = RowCtx::new(file, line, &cells, header, spec);
    let recs = ctx.parse(&mut row_ctx);
    let name_check = (ctx.kind == ImportKind::Memberships)
        .then(|| row_ctx.get("full_name").zip(row_ctx.get("person")))
        .flatten()
        .map(|(n, p)| (p.to_owned(), n.to_owned()));
    let mut errors = row_ctx.errors;
    let mut rows = Vec::new();
    let mut refs = Vec::new();
    for r in recs {
        refs.extend(r.refs());
        let table = r.table();
        match r.into_row() {
            Ok(row) => rows.push((table, row)),
            Err(e) => errors.push(RowError { file: file.to_owned(), line, field: e.field, message: e.message }),
        }
    }
    DataRow { line, cells, rows, refs, name_check, errors }
}

/// Assessments: a column that is an indicator of none of the rulebooks the file names is an
/// error of the file (unless it is empty throughout), reported once and then left out.
fn unknown_indicator_columns(
    ctx: &mut FileCtx,
    header: &Header,
    rows: &[(u64, StringRecord)],
    file: &str,
    errors: &mut Vec<RowError>,
) {
    let spec = ImportKind::Assessments.spec();
    let Some(book_cell) = spec.iter().zip(&header.at).find(|(c, _)| c.id == "rulebook").and_then(|(_, a)| *a) else {
        return;
    };
    let data = &rows[(header.index + 1).min(rows.len())..];
    let books: Vec<String> = data
        .iter()
        .filter_map(|(_, r)| r.get(book_cell).map(str::trim).filter(|s| !s.is_empty()).map(str::to_owned))
        .collect::<std::collections::BTreeSet<_>>()
        .into_iter()
        .filter(|b| ctx.engines.get(b).is_ok())
        .collect();
    if books.is_empty() {
        return;
    }
    let cols = std::mem::take(&mut ctx.indicator_cols);
    for (cell, h, col) in cols {
        let id = match &col {
            IndicatorCol::Value(id) | IndicatorCol::Evidence(id) => id.clone(),
        };
        let known = books.iter().any(|b| ctx.engines.get(b).is_ok_and(|e| kinds::indicator_of(e, &id).is_some()));
        let used = data.iter().any(|(_, r)| r.get(cell).is_some_and(|c| !c.trim().is_empty()));
        if known {
            ctx.indicator_cols.push((cell, h, col));
        } else if used {
            errors.push(RowError {
                file: file.to_owned(),
                line: header.line,
                field: h,
                message: format!(
                    "unknown column: not an indicator of {} (indicator columns are headed by the indicator id, \
                     e.g. `1.3` or `Chỉ tiêu 1.3`)",
                    books.join(", ")
                ),
            });
        }
    }
}

/// Writes the rejected rows: the file's header plus `error`, each row plus its problems.
fn write_rejected(to: &Path, header: &StringRecord, rows: &[&DataRow]) -> Result<()> {
    let width = rows.iter().map(|d| d.cells.len()).chain([header.len()]).max().unwrap_or(0);
    let mut buf: Vec<u8> = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::WriterBuilder::new().flexible(true).from_writer(&mut buf);
        let safe = |c: &str| xhht_core::csv_cell::neutralise(c).into_owned();
        let mut h: Vec<String> = header.iter().map(safe).collect();
        h.resize(width, String::new());
        h.push("error".to_owned());
        w.write_record(&h)
            .map_err(|e| crate::error::Error::Write { path: to.display().to_string(), message: e.to_string() })?;
        for d in rows {
            let mut r: Vec<String> = d.cells.iter().map(safe).collect();
            r.resize(width, String::new());
            r.push(safe(
                &d.errors
                    .iter()
                    .map(|e| format!("line {}: {}: {}", e.line, e.field, e.message))
                    .collect::<Vec<_>>()
                    .join("; "),
            ));
            w.write_record(&r)
                .map_err(|e| crate::error::Error::Write { path: to.display().to_string(), message: e.to_string() })?;
        }
        w.flush().map_err(Error::io(to))?;
    }
    std::fs::write(to, buf).map_err(Error::io(to))
}

/// Which of `keys` exist in `table` (single-column keys).
struct ExistingKeys {
    table: &'static Table,
    keys: HashSet<String>,
}

impl crate::lite::BulkRead for ExistingKeys {
    type Out = HashSet<String>;

    async fn run<C: Conn>(self, c: &mut C) -> Result<Self::Out> {
        write::existing_keys(c, self.table, &self.keys).await
    }
}

/// The writing of an import: every table's rows, parents first, and the log line.
struct ImportJob {
    kind: ImportKind,
    actor: String,
    file_name: String,
    sha: String,
    rejected: usize,
    progress: Option<Progress>,
    by_table: HashMap<&'static str, Vec<Row>>,
}

impl BulkWrite for ImportJob {
    type Out = (WriteReport, Vec<(&'static str, WriteReport)>);

    fn actor(&self) -> &str {
        &self.actor
    }

    async fn run<C: Conn>(mut self, c: &mut C, audit: &mut Audit) -> Result<Self::Out> {
        let main = main_table(self.kind);
        let mut written = WriteReport::default();
        let mut also = Vec::new();
        for table in ALL_TABLES {
            let Some(rows) = self.by_table.remove(table.name) else { continue };
            let total = rows.len() as u64;
            let name = table.name;
            let progress = self.progress.clone();
            let tick_fn = move |done: u64| {
                if let Some(p) = &progress {
                    p.tell(&ImportProgress::Writing { table: name, done, total });
                }
            };
            let report = write::upsert(c, table, rows, audit, Some(&tick_fn)).await?;
            if std::ptr::eq(*table, main) {
                written = report;
            } else {
                also.push((table.name, report));
            }
        }
        let at = audit.at.clone();
        log_import(c, &at, &self.actor, self.kind, &self.file_name, &self.sha, written, self.rejected).await?;
        Ok((written, also))
    }
}

/// Appends the import to the `imports` log.
#[allow(clippy::too_many_arguments, reason = "one row of the log")]
async fn log_import<C: Conn>(
    c: &mut C,
    at: &str,
    actor: &str,
    kind: ImportKind,
    file_name: &str,
    sha: &str,
    w: WriteReport,
    rejected: usize,
) -> Result<()> {
    let next = c.fetch("SELECT COALESCE(MAX(id), 0) + 1 FROM imports".to_owned(), vec![], vec![Ty::Int]).await?;
    let id = next.first().and_then(|r| r.first()).and_then(Val::as_int).unwrap_or(1);
    let n = |v: u64| Val::int(i64::try_from(v).unwrap_or(i64::MAX));
    let sql = format!("INSERT INTO imports ({}) VALUES ({})", schema::IMPORTS.col_list(), placeholders(1, 10));
    c.exec(
        sql,
        vec![
            Val::int(id),
            Val::text(at),
            Val::text(actor),
            Val::text(kind.id()),
            Val::text(file_name),
            Val::text(sha),
            n(w.added),
            n(w.changed),
            n(w.unchanged),
            n(rejected as u64),
        ],
    )
    .await?;
    Ok(())
}
