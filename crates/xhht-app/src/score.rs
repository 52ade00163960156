//! Scoring a file of assessments against a rulebook, no database needed (`xhht score`):
//! streaming, on every core, in bounded memory.
//!
//! The CSV has a header: `id`, then one column per indicator id of the rulebook (any order;
//! [`Scorer::template`] gives it), optionally `minh_chung` (the ids of the indicators backed by
//! evidence, separated by `;`, or `*` for all) and `tags` (subject tags separated by `;`). Each
//! row is scored on its own. A bad cell or a row with more or fewer fields than the header is
//! reported as `FILE:LINE: field: message` (to the `problem` callback, in file order), that row's
//! outcome is left to the engine (undetermined unless no value could change it; a ragged row is
//! undetermined), and every other row is scored.
//!
//! A workbook (`.xlsx`, and `.xls`, `.xlsb`, `.ods`; [`Scorer::score_workbook`]) is read the
//! same way from its first sheet: the header is the first row whose first non-empty cell is
//! `id` (a title may stand above it; the table starts at that column), a number cell reads as
//! the shortest text of its value (`7.5`), a row's missing cells are empty, and problems name
//! rows as Excel numbers them.
//!
//! **How it runs.** One thread reads the file (a CSV with the `csv` crate; an XLSX sheet a cell
//! at a time with `xhht_store::sheet`, so memory does not grow with its rows) in blocks of
//! [`BLOCK_ROWS`] records, flat (one buffer of bytes and one of field ends per block); worker
//! threads, one per core, score each block — scores parsed straight into the engine's
//! ten-thousandths with no decimal built (`Facts::try_set_score`; any other cell goes through
//! `parse_value` and `Facts::set`, so the result and its diagnostics are exactly those of the
//! one-entity path) — and write the block's output (JSON lines or CSV) into a buffer; the calling
//! thread writes the buffers in input order through one buffered writer. At most
//! [`IN_FLIGHT`] blocks exist at once, whatever the file's size.

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};
use std::sync::{Arc, Mutex};

use xhht_core::Lang;
use xhht_core::record::parse_value;
use xhht_core::rulebook::{IndicatorKind, RulebookSet, Subject};
use xhht_scoring::{Engine, FactValue, Facts};

use crate::error::{Error, FieldProblem, Result};

mod read;
use read::{Block, Blocks, Bom, Source, not_utf8};

/// The evidence column.
pub const EVIDENCE: &str = "minh_chung";
/// The tags column.
pub const TAGS: &str = "tags";
/// Records per block.
pub const BLOCK_ROWS: usize = 8 * 1024;
/// The most blocks read but not yet written.
pub const IN_FLIGHT: usize = 8;
/// How many rows of a workbook are looked at for the header (a title may stand above it).
pub const TITLE_ROWS: usize = 10;

/// What scoring writes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Output {
    /// One JSON object per line: `id`, `rulebook`, `version`, `year`, `total`, `outcome`,
    /// `label` (and `explanation`, `missing` when explaining).
    JsonLines,
    /// CSV with the header `id,total,outcome,label` (and `missing`); a cell that would start a
    /// spreadsheet formula is quoted (`xhht_core::csv_cell`).
    Csv,
    /// Nothing written: each block's rows go to the `rows` callback (to be laid out as a table).
    Rows,
}

/// One scored row, as [`Output::Rows`] gives it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ScoredRow {
    /// The `id` cell.
    pub id: String,
    /// The total, when the rulebook's shape has one and it is decided.
    pub total: Option<String>,
    /// The outcome's id (`undetermined` when none).
    pub outcome: String,
    /// The outcome's label in the language asked.
    pub label: Option<String>,
    /// The explanation, line by line, when asked.
    pub explanation: Option<Vec<String>>,
    /// What is missing, when explaining.
    pub missing: Option<String>,
}

/// What a run did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Summary {
    /// Rows scored (bad rows included).
    pub rows: u64,
    /// Problems reported.
    pub problems: u64,
}

/// How to score.
#[derive(Debug, Clone, Copy)]
pub struct Run<'a> {
    /// The data year (chooses the version in force unless `version` is given).
    pub year: i32,
    /// A version id to use instead of the one in force.
    pub version: Option<&'a str>,
    /// Whether to explain each row.
    pub explain: bool,
    /// The language of labels, explanations and problems' own words.
    pub lang: Lang,
    /// What to write.
    pub output: Output,
    /// Worker threads (0: one per core).
    pub threads: usize,
    /// Records per block (0: [`BLOCK_ROWS`]); a table is laid out a block at a time.
    pub block_rows: usize,
}

/// A rulebook compiled for one kind of subject, ready to score files.
#[derive(Debug)]
pub struct Scorer {
    engine: Engine,
    rulebook: String,
    subject: Subject,
    columns: Vec<String>,
}

fn invalid(field: impl Into<String>, message: impl Into<String>) -> Error {
    Error::Invalid(vec![FieldProblem { field: field.into(), message: message.into() }])
}

/// Parses a subject's name (`person`, `organisation`, …).
pub fn parse_subject(s: &str) -> Result<Subject> {
    Ok(match s {
        "person" => Subject::Person,
        "organisation" => Subject::Organisation,
        "household" => Subject::Household,
        "clan" => Subject::Clan,
        "community" => Subject::Community,
        "commune" => Subject::Commune,
        "district" => Subject::District,
        "province" => Subject::Province,
        other => return Err(invalid("subject", format!("unknown subject `{other}`"))),
    })
}

impl Scorer {
    /// The built-in rulebook `rulebook` for `subject` (needed only when the rulebook evaluates
    /// several kinds of subject).
    pub fn new(rulebook: &str, subject: Option<&str>) -> Result<Scorer> {
        let book = RulebookSet::builtin().get(rulebook)?;
        let engine = Engine::new(book)?;
        let subject = match (subject, engine.subjects().as_slice()) {
            (Some(s), _) => parse_subject(s)?,
            (None, [only]) => *only,
            (None, many) => {
                return Err(invalid(
                    "subject",
                    format!(
                        "rulebook `{rulebook}` evaluates several kinds of subject ({many:?}); say which with --subject"
                    ),
                ));
            }
        };
        let columns =
            engine.indicators_of(subject).filter_map(|n| engine.definition(n).map(|(_, i)| i.id.clone())).collect();
        Ok(Scorer { engine, rulebook: book.rulebook.id().to_owned(), subject, columns })
    }

    /// The header of a file to fill: `id`, the indicators, `minh_chung`.
    pub fn template(&self) -> Vec<String> {
        let mut header = vec!["id".to_owned()];
        header.extend(self.columns.iter().cloned());
        header.push(EVIDENCE.to_owned());
        header
    }

    /// Scores the CSV `input` (named `name` in problems) and writes the results to `out` as
    /// `run.output` says; every problem goes to `problem` and, with [`Output::Rows`], every block
    /// of rows to `rows`, both in file order. An error stops the run (an unreadable header, an
    /// unknown column, a file that is not UTF-8); what was scored before it is written.
    pub fn score<R, W>(
        &self,
        name: &str,
        input: R,
        out: W,
        run: &Run<'_>,
        problem: &mut dyn FnMut(&str),
        rows: &mut dyn FnMut(&[ScoredRow]) -> Result<()>,
    ) -> Result<Summary>
    where
        R: Read + Send,
        W: Write,
    {
        let reader = csv::ReaderBuilder::new().flexible(true).has_headers(false).from_reader(Bom::new(input));
        self.score_from(name, Source::Csv(reader), out, run, problem, rows)
    }

    /// Scores the first sheet of the workbook at `path` (XLSX streamed a row at a time; XLS,
    /// XLSB and ODS read whole), as [`Scorer::score`] scores a CSV: the header is the first row
    /// whose first non-empty cell is `id` (rows above it, a title, are skipped, up to
    /// [`TITLE_ROWS`] rows; the table starts at that cell's column), each problem names the row
    /// as Excel numbers it, rows with nothing in the table's columns are skipped, a row's
    /// missing cells are empty, and a row with a value right of the header's last column is a
    /// row with more fields than the header.
    pub fn score_workbook<W: Write>(
        &self,
        path: &Path,
        name: &str,
        out: W,
        run: &Run<'_>,
        problem: &mut dyn FnMut(&str),
        rows: &mut dyn FnMut(&[ScoredRow]) -> Result<()>,
    ) -> Result<Summary> {
        self.score_from(name, Source::<std::io::Empty>::Workbook(path), out, run, problem, rows)
    }

    /// Scores the file at `path`, named in problems as `path` is displayed: a workbook by its
    /// extension (`.xlsx`, `.xlsm`, `.xlsb`, `.xls`, `.ods`, [`Scorer::score_workbook`]), any
    /// other file as CSV ([`Scorer::score`]).
    pub fn score_file<W: Write>(
        &self,
        path: &Path,
        out: W,
        run: &Run<'_>,
        problem: &mut dyn FnMut(&str),
        rows: &mut dyn FnMut(&[ScoredRow]) -> Result<()>,
    ) -> Result<Summary> {
        let name = path.display().to_string();
        let file = std::fs::File::open(path).map_err(|e| Error::Io { path: name.clone(), source: e })?;
        if xhht_store::sheet::is_workbook(path) {
            drop(file);
            return self.score_workbook(path, &name, out, run, problem, rows);
        }
        self.score(&name, file, out, run, problem, rows)
    }

    fn score_from<R: Read + Send, W: Write>(
        &self,
        name: &str,
        source: Source<'_, R>,
        out: W,
        run: &Run<'_>,
        problem: &mut dyn FnMut(&str),
        rows: &mut dyn FnMut(&[ScoredRow]) -> Result<()>,
    ) -> Result<Summary> {
        let version = match run.version {
            Some(v) => self.engine.version_by_id(v)?,
            None => self.engine.version_for_year(run.year)?,
        };
        let threads = if run.threads == 0 {
            std::thread::available_parallelism().map_or(1, std::num::NonZero::get)
        } else {
            run.threads
        };
        let block_rows = if run.block_rows == 0 { BLOCK_ROWS } else { run.block_rows };
        let (header_tx, header_rx) = sync_channel::<Result<(u64, Vec<String>)>>(1);
        let (block_tx, block_rx) = sync_channel::<Block>(IN_FLIGHT);
        // The free blocks: a block is read only into one of them, so at most IN_FLIGHT blocks are
        // between the read and the write; the writer gives each back once written.
        let (free_tx, free_rx) = sync_channel::<Block>(IN_FLIGHT);
        for _ in 0..IN_FLIGHT {
            let _ = free_tx.send(Block::default());
        }
        std::thread::scope(|s| {
            let read = s.spawn(move || {
                let mut blocks = Blocks::new(name, &block_tx, &free_rx, block_rows);
                source.read(name, &header_tx, &mut blocks)
            });
            let ran = (|| -> Result<Summary> {
                let Ok(header) = header_rx.recv() else { return Ok(Summary::default()) };
                let (header_line, header) = header?;
                let header: Vec<String> = header.iter().map(|h| h.trim().to_owned()).collect();
                self.check_header(name, header_line, &header)?;
                let plan = Plan::new(self, &header, version, name, run)?;
                let mut out = std::io::BufWriter::with_capacity(1 << 20, out);
                if run.output == Output::Csv {
                    let mut keys = vec!["id", "total", "outcome", "label"];
                    if run.explain {
                        keys.push("missing");
                    }
                    writeln!(out, "{}", keys.join(",")).map_err(io)?;
                }
                let summary = pipeline(&plan, block_rx, free_tx, threads, &mut out, problem, rows)?;
                out.flush().map_err(io)?;
                Ok(summary)
            })();
            // The reader stops once no free block comes back (the writer's end was dropped).
            let read = read.join().unwrap_or_else(|_| Err(invalid("-", "the reading thread stopped")));
            let summary = ran?;
            read?;
            Ok(summary)
        })
    }

    fn check_header(&self, name: &str, line: u64, header: &[String]) -> Result<()> {
        if header.first().map(String::as_str) != Some("id") {
            return Err(invalid(
                format!("{name}:{line}"),
                format!("the first column must be `id` (see `xhht score --rulebook {} --template`)", self.rulebook),
            ));
        }
        for h in header.iter().skip(1) {
            if h != EVIDENCE && h != TAGS && !self.columns.contains(h) {
                return Err(invalid(
                    format!("{name}:{line}: {h}"),
                    format!("rulebook `{}` has no indicator `{h}` for a {:?}", self.rulebook, self.subject),
                ));
            }
        }
        Ok(())
    }
}

fn io(e: std::io::Error) -> Error {
    Error::Io { path: "-".to_owned(), source: e }
}

/// What a column of the file is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Column {
    Id,
    Evidence,
    Tags,
    /// An indicator: its index in the engine, its kind, and whether the fast path may set it.
    Indicator {
        index: usize,
        kind: IndicatorKind,
        fast: bool,
    },
}

/// Everything a worker needs, decided once.
struct Plan<'a> {
    scorer: &'a Scorer,
    header: &'a [String],
    columns: Vec<Column>,
    evidence_at: Option<usize>,
    tags_at: Option<usize>,
    version: usize,
    year: i32,
    name: &'a str,
    explain: bool,
    lang: Lang,
    output: Output,
    /// `"rulebook":…,"version":…,"year":…,` as JSON, the same for every row.
    json_middle: String,
}

impl<'a> Plan<'a> {
    fn new(scorer: &'a Scorer, header: &'a [String], version: usize, name: &'a str, run: &Run<'_>) -> Result<Self> {
        let engine = &scorer.engine;
        let mut seen = std::collections::HashSet::new();
        let columns = header
            .iter()
            .enumerate()
            .map(|(i, h)| match h.as_str() {
                _ if i == 0 => Column::Id,
                EVIDENCE => Column::Evidence,
                TAGS => Column::Tags,
                h => {
                    let index = engine.index_of(h).unwrap_or(usize::MAX);
                    let kind = engine.definition(index).map_or(IndicatorKind::Score, |(_, d)| d.kind);
                    // A column given twice goes the slow way, which reports the duplicate.
                    let fast = seen.insert(index) && header.iter().filter(|x| *x == h).count() == 1;
                    Column::Indicator { index, kind, fast }
                }
            })
            .collect();
        let version_id = engine.version(version).map(|v| v.id.clone()).unwrap_or_default();
        let json_middle = format!(
            "\"rulebook\":{},\"version\":{},\"year\":{},",
            serde_json::to_string(&scorer.rulebook).map_err(|e| invalid("rulebook", e.to_string()))?,
            serde_json::to_string(&version_id).map_err(|e| invalid("version", e.to_string()))?,
            run.year
        );
        Ok(Plan {
            scorer,
            header,
            columns,
            evidence_at: header.iter().position(|h| h == EVIDENCE),
            tags_at: header.iter().position(|h| h == TAGS),
            version,
            year: run.year,
            name,
            explain: run.explain,
            lang: run.lang,
            output: run.output,
            json_middle,
        })
    }
}

/// What a worker made of a block.
struct Done {
    block: Block,
    problems: Vec<String>,
    rows: Vec<ScoredRow>,
    count: u64,
    error: Option<Error>,
}

fn pipeline<W: Write>(
    plan: &Plan<'_>,
    block_rx: Receiver<Block>,
    free_tx: SyncSender<Block>,
    threads: usize,
    out: &mut W,
    problem: &mut dyn FnMut(&str),
    on_rows: &mut dyn FnMut(&[ScoredRow]) -> Result<()>,
) -> Result<Summary> {
    let (done_tx, done_rx) = std::sync::mpsc::channel::<Done>();
    let block_rx = Arc::new(Mutex::new(block_rx));
    std::thread::scope(|s| {
        for _ in 0..threads.max(1) {
            let rx = Arc::clone(&block_rx);
            let tx = done_tx.clone();
            s.spawn(move || work(plan, &rx, &tx));
        }
        drop(done_tx);
        let written = write_in_order(&done_rx, &free_tx, out, problem, on_rows);
        // Stop the reader (no more free blocks) and drain what is left, so every thread ends.
        drop(free_tx);
        for _ in done_rx.iter() {}
        written
    })
}

fn work(plan: &Plan<'_>, rx: &Mutex<Receiver<Block>>, tx: &std::sync::mpsc::Sender<Done>) {
    let mut facts = Facts::new(&plan.scorer.engine, plan.scorer.subject);
    loop {
        let block = {
            let guard = rx.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
            guard.recv()
        };
        let Ok(block) = block else { return };
        let done = score_block(plan, block, &mut facts);
        if tx.send(done).is_err() {
            return;
        }
    }
}

fn write_in_order<W: Write>(
    rx: &Receiver<Done>,
    free: &SyncSender<Block>,
    out: &mut W,
    problem: &mut dyn FnMut(&str),
    on_rows: &mut dyn FnMut(&[ScoredRow]) -> Result<()>,
) -> Result<Summary> {
    let mut pending: BTreeMap<u64, Done> = BTreeMap::new();
    let mut next = 0u64;
    let mut summary = Summary::default();
    for done in rx.iter() {
        pending.insert(done.block.seq, done);
        while let Some(d) = pending.remove(&next) {
            for p in &d.problems {
                problem(p);
            }
            summary.problems += d.problems.len() as u64;
            summary.rows += d.count;
            out.write_all(&d.block.out).map_err(io)?;
            if !d.rows.is_empty() {
                on_rows(&d.rows)?;
            }
            if let Some(e) = d.error {
                return Err(e);
            }
            next += 1;
            let _ = free.send(d.block);
        }
    }
    Ok(summary)
}

/// Whether the evidence cell (ids separated by `;`, or `*`) backs indicator `h`.
fn backed(evidence: &str, h: &str) -> bool {
    let evidence = evidence.trim();
    !evidence.is_empty() && evidence.split(';').map(str::trim).any(|e| e == "*" || e == h)
}

/// A plain decimal `digits[.|,]digits` (at most 12 digits before the separator, 4 after) as
/// ten-thousandths with the number of significant decimals; anything else is `None` (the slow
/// path reads it, or says why it cannot).
fn fast_decimal(cell: &[u8]) -> Option<(i64, u32)> {
    let cell = cell.trim_ascii();
    let (int, frac) = match cell.iter().position(|&b| b == b'.' || b == b',') {
        Some(at) => (cell.get(..at)?, cell.get(at + 1..)?),
        None => (cell, &[][..]),
    };
    if int.is_empty() || int.len() > 12 || frac.len() > 4 || (frac.is_empty() && cell.len() != int.len()) {
        return None;
    }
    let mut v: i64 = 0;
    for &b in int {
        if !b.is_ascii_digit() {
            return None;
        }
        v = v * 10 + i64::from(b - b'0');
    }
    let mut f: i64 = 0;
    let mut decimals = 0u32;
    for (k, &b) in frac.iter().enumerate() {
        if !b.is_ascii_digit() {
            return None;
        }
        f = f * 10 + i64::from(b - b'0');
        if b != b'0' {
            decimals = u32::try_from(k + 1).unwrap_or(u32::MAX);
        }
    }
    let pad = 10i64.pow(4 - u32::try_from(frac.len()).unwrap_or(4));
    Some((v * 10_000 + f * pad, decimals))
}

fn score_block(plan: &Plan<'_>, mut block: Block, facts: &mut Facts) -> Done {
    let mut out = std::mem::take(&mut block.out);
    let mut problems = Vec::new();
    let mut scored = Vec::new();
    let mut count = 0u64;
    let mut error = None;
    let mut csv_out = (plan.output == Output::Csv).then(|| csv::Writer::from_writer(std::mem::take(&mut out)));
    match std::str::from_utf8(&block.bytes) {
        Err(bad) => {
            // The record holding the first bad byte.
            let field = block.ends.partition_point(|&e| (e as usize) < bad.valid_up_to());
            let row = block.rows.partition_point(|&r| (r as usize) <= field);
            error = Some(not_utf8(plan.name, block.lines.get(row).copied().unwrap_or(0)));
        }
        Ok(text) => {
            let mut sink = Sink { out: &mut out, csv: csv_out.as_mut(), rows: &mut scored, error: &mut error };
            let mut cells: Vec<&str> = Vec::with_capacity(plan.header.len() + 1);
            let mut field = 0usize;
            let mut from = 0usize;
            for (r, &end) in block.rows.iter().enumerate() {
                let line = block.lines.get(r).copied().unwrap_or(0);
                cells.clear();
                while field < end as usize {
                    let to = block.ends.get(field).map_or(from, |&e| e as usize);
                    cells.push(text.get(from..to).unwrap_or_default());
                    from = to + 1;
                    field += 1;
                }
                count += 1;
                score_row(plan, &cells, line, facts, &mut problems, &mut sink);
            }
        }
    }
    if let Some(w) = csv_out {
        match w.into_inner() {
            Ok(bytes) => out = bytes,
            Err(e) => error = Some(invalid("-", e.to_string())),
        }
    }
    block.out = out;
    Done { block, problems, rows: scored, count, error }
}

/// Where a block's results go.
struct Sink<'s> {
    out: &'s mut Vec<u8>,
    csv: Option<&'s mut csv::Writer<Vec<u8>>>,
    rows: &'s mut Vec<ScoredRow>,
    error: &'s mut Option<Error>,
}

fn score_row(
    plan: &Plan<'_>,
    cells: &[&str],
    line: u64,
    facts: &mut Facts,
    problems: &mut Vec<String>,
    sink: &mut Sink<'_>,
) {
    let engine = &plan.scorer.engine;
    let name = plan.name;
    let id = cells.first().map_or("", |c| c.trim());
    if cells.len() != plan.header.len() {
        let (found, width) = (cells.len(), plan.header.len());
        problems.push(format!(
            "{name}:{line}: -: dòng có {found} trường, tiêu đề có {width} / the row has {found} fields, the header has {width}"
        ));
        emit(plan, sink, id, None, None);
        return;
    }
    facts.clear();
    let evidence = plan.evidence_at.and_then(|i| cells.get(i)).copied().unwrap_or("");
    if let Some(t) = plan.tags_at.and_then(|i| cells.get(i)) {
        facts.set_tags(t.trim().split(';').map(|x| x.trim().to_owned()).filter(|x| !x.is_empty()));
    }
    for ((column, h), value) in plan.columns.iter().zip(plan.header).zip(cells) {
        let Column::Indicator { index, kind, fast } = *column else { continue };
        if value.trim().is_empty() || index == usize::MAX {
            continue;
        }
        let backed = backed(evidence, h);
        if fast
            && kind == IndicatorKind::Score
            && let Some((scaled, decimals)) = fast_decimal(value.as_bytes())
            && facts.try_set_score(engine, index, scaled, decimals, backed)
        {
            continue;
        }
        match parse_value(kind, value) {
            Ok(v) => facts.set(engine, h, &v, backed),
            Err(e) => {
                problems.push(format!("{name}:{line}: {h}: {e}"));
                facts.set_at(index, FactValue::Invalid, false);
            }
        }
    }
    let result = engine.evaluate_version(facts, plan.year, plan.version);
    for d in &result.diagnostics {
        problems.push(format!("{name}:{line}: {}: {}", d.indicator, d.message));
    }
    emit(plan, sink, id, Some(&result), Some(&*facts));
}

/// Writes one row's result (`result` is `None` for a ragged row).
fn emit(
    plan: &Plan<'_>,
    sink: &mut Sink<'_>,
    id: &str,
    result: Option<&xhht_scoring::Evaluation>,
    facts: Option<&Facts>,
) {
    let engine = &plan.scorer.engine;
    let outcome = result.and_then(|r| r.outcome);
    let outcome_id = outcome.map_or("undetermined", |x| engine.outcome_id(plan.version, x));
    let label = outcome.and_then(|x| engine.outcome_label(plan.version, x)).map(|l| l.get(plan.lang));
    let total = result.and_then(xhht_scoring::Evaluation::total_decimal);
    let why = match (plan.explain, result, facts) {
        (true, Some(r), Some(f)) => {
            let x = engine.explain(f, plan.year, r);
            Some((x.lines(plan.lang), x.missing_sentence(plan.lang)))
        }
        _ => None,
    };
    match plan.output {
        Output::JsonLines => {
            let o = &mut *sink.out;
            o.extend_from_slice(b"{\"id\":");
            json_str(o, id);
            o.push(b',');
            o.extend_from_slice(plan.json_middle.as_bytes());
            o.extend_from_slice(b"\"total\":");
            match total {
                Some(t) => {
                    let _ = write!(o, "\"{t}\"");
                }
                None => o.extend_from_slice(b"null"),
            }
            o.extend_from_slice(b",\"outcome\":");
            json_str(o, outcome_id);
            o.extend_from_slice(b",\"label\":");
            match label {
                Some(l) => json_str(o, l),
                None => o.extend_from_slice(b"null"),
            }
            if plan.explain {
                o.extend_from_slice(b",\"explanation\":");
                match &why {
                    Some((lines, _)) => {
                        let _ = serde_json::to_writer(&mut *o, lines);
                    }
                    None => o.extend_from_slice(b"null"),
                }
                o.extend_from_slice(b",\"missing\":");
                match &why {
                    Some((_, m)) => json_str(o, m),
                    None => o.extend_from_slice(b"null"),
                }
            }
            o.extend_from_slice(b"}\n");
        }
        Output::Csv => {
            if let Some(w) = sink.csv.as_mut() {
                let total = total.map(|t| t.to_string()).unwrap_or_default();
                let mut cells = vec![
                    xhht_core::csv_cell::neutralise(id),
                    xhht_core::csv_cell::neutralise(&total),
                    xhht_core::csv_cell::neutralise(outcome_id),
                    xhht_core::csv_cell::neutralise(label.unwrap_or_default()),
                ];
                if plan.explain {
                    cells.push(xhht_core::csv_cell::neutralise(why.as_ref().map_or("", |(_, m)| m.as_str())));
                }
                if let Err(e) = w.write_record(cells.iter().map(|c| c.as_bytes())) {
                    *sink.error = Some(invalid("-", e.to_string()));
                }
            }
        }
        Output::Rows => {
            let (explanation, missing) = why.map_or((None, None), |(l, m)| (Some(l), Some(m)));
            sink.rows.push(ScoredRow {
                id: id.to_owned(),
                total: total.map(|t| t.to_string()),
                outcome: outcome_id.to_owned(),
                label: label.map(str::to_owned),
                explanation,
                missing,
            });
        }
    }
}

fn json_str(o: &mut Vec<u8>, s: &str) {
    // Serialising a string into a vector cannot fail.
    let _ = serde_json::to_writer(&mut *o, s);
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::fast_decimal;

    proptest! {
        /// Whatever the fast path reads, the decimal parser reads the same: the same value in
        /// ten-thousandths and the same number of significant decimals.
        #[test]
        fn the_fast_path_agrees_with_the_decimal_parser(s in "[ ]?[0-9]{0,13}([.,][0-9]{0,5})?[ ]?|[-+ .,0-9e]{0,8}") {
            if let Some((scaled, decimals)) = fast_decimal(s.as_bytes()) {
                let d = xhht_core::decimal::parse_decimal(&s);
                prop_assert!(d.is_some(), "{s:?}");
                let d = d.unwrap_or_default();
                prop_assert_eq!(xhht_scoring::scale::to_scaled(d), Some(scaled), "{:?}", s);
                prop_assert_eq!(d.normalize().scale(), decimals, "{:?}", s);
            }
        }
    }

    #[test]
    fn plain_decimals_are_read_straight_into_ten_thousandths() {
        assert_eq!(fast_decimal(b"7.5"), Some((75_000, 1)));
        assert_eq!(fast_decimal(b" 7,5 "), Some((75_000, 1)));
        assert_eq!(fast_decimal(b"10"), Some((100_000, 0)));
        assert_eq!(fast_decimal(b"7.50"), Some((75_000, 1)));
        assert_eq!(fast_decimal(b"0.0001"), Some((1, 4)));
        for slow in [&b"7."[..], b".5", b"+7", b"-1", b"1e2", b"7.12345", b"", b"1,2,3", b"7.5.1", b"x"] {
            assert_eq!(fast_decimal(slow), None, "{}", String::from_utf8_lossy(slow));
        }
    }
}
