//! Reading the file to score in blocks: a CSV (its byte-order mark skipped) or a workbook's
//! first sheet (through `xhht_store::sheet`), the header first, then the records gathered into
//! reusable blocks for the workers.

use std::io::Read;
use std::ops::ControlFlow;
use std::path::Path;
use std::sync::mpsc::{Receiver, SyncSender};

use super::{TITLE_ROWS, invalid};
use crate::error::{Error, FieldProblem, Result};

pub(super) fn not_utf8(name: &str, line: u64) -> Error {
    invalid(
        format!("{name}:{line}"),
        "tệp không phải UTF-8: lưu lại dạng “CSV UTF-8” từ Excel / the file is not UTF-8: save it as \"CSV UTF-8\" from Excel",
    )
}

fn utf8_fields(r: &csv::ByteRecord) -> Option<Vec<&str>> {
    r.iter().map(|f| std::str::from_utf8(f).ok()).collect()
}

/// Skips a UTF-8 byte-order mark at the start.
pub(super) struct Bom<R> {
    inner: R,
    start: Option<Vec<u8>>,
}

impl<R: Read> Bom<R> {
    pub(super) fn new(inner: R) -> Self {
        Self { inner, start: None }
    }
}

impl<R: Read> Read for Bom<R> {
    fn read(&mut self, buf: &mut [u8]) -> std::io::Result<usize> {
        if self.start.is_none() {
            let mut head = [0u8; 3];
            let mut n = 0;
            while n < 3 {
                let k = self.inner.read(&mut head[n..])?;
                if k == 0 {
                    break;
                }
                n += k;
            }
            let head = head.get(..n).unwrap_or_default();
            let kept = if head == [0xEF, 0xBB, 0xBF] { Vec::new() } else { head.to_vec() };
            self.start = Some(kept);
        }
        if let Some(start) = self.start.as_mut()
            && !start.is_empty()
        {
            let k = start.len().min(buf.len());
            buf[..k].copy_from_slice(&start[..k]);
            start.drain(..k);
            return Ok(k);
        }
        self.inner.read(buf)
    }
}

/// A block of records, flat: every field's bytes in `bytes`, each followed by a unit separator
/// (`0x1F`, ASCII, so the block is valid UTF-8 exactly when every field is), `ends` the end of
/// each field, `rows` the end (in `ends`) of each record. Blocks and their output buffers go
/// round between the threads and are reused, so a run allocates a few blocks' worth of memory
/// once, whatever the file's size.
#[derive(Default)]
pub(super) struct Block {
    pub(super) seq: u64,
    /// Each record's line in the file (CSV: the record's number + 1, the header being line 1;
    /// a workbook: its row as Excel numbers it).
    pub(super) lines: Vec<u64>,
    pub(super) bytes: Vec<u8>,
    pub(super) ends: Vec<u32>,
    pub(super) rows: Vec<u32>,
    /// The output buffer the block's results are written to (empty, kept for its capacity).
    pub(super) out: Vec<u8>,
}

impl Block {
    pub(super) fn clear(&mut self) {
        self.lines.clear();
        self.bytes.clear();
        self.ends.clear();
        self.rows.clear();
        self.out.clear();
    }
}

/// Where the records come from.
pub(super) enum Source<'p, R: Read> {
    /// A CSV.
    Csv(csv::Reader<Bom<R>>),
    /// The first sheet of a workbook.
    Workbook(&'p Path),
}

impl<R: Read> Source<'_, R> {
    /// Sends the header (its line and cells) to `header`, then the records in blocks; stops
    /// early when the header is refused or the blocks are no longer taken.
    pub(super) fn read(
        self,
        name: &str,
        header: &SyncSender<Result<(u64, Vec<String>)>>,
        blocks: &mut Blocks<'_>,
    ) -> Result<()> {
        match self {
            Source::Csv(mut reader) => {
                let mut record = csv::ByteRecord::new();
                let first = match reader.read_byte_record(&mut record) {
                    Ok(true) => utf8_fields(&record)
                        .map(|h| (1, h.iter().map(|c| (*c).to_owned()).collect()))
                        .ok_or_else(|| not_utf8(name, 1)),
                    Ok(false) => Err(empty(name, 1)),
                    Err(e) => Err(invalid(format!("{name}:1"), format!("cannot read the header: {e}"))),
                };
                let ok = first.is_ok();
                if header.send(first).is_err() || !ok {
                    return Ok(());
                }
                let mut line = 2u64;
                loop {
                    match reader.read_byte_record(&mut record) {
                        Ok(true) => {}
                        Ok(false) => break,
                        Err(e) => return Err(invalid(format!("{name}:{line}"), format!("cannot read the row: {e}"))),
                    }
                    if !blocks.push(line, record.iter())? {
                        return Ok(());
                    }
                    line += 1;
                }
                blocks.finish();
                Ok(())
            }
            Source::Workbook(path) => {
                let mut width = None;
                let mut failed = None;
                // Rows above the header (a sheet's title) are skipped: the header is the first
                // row whose first non-empty cell is `id`, among the first TITLE_ROWS rows with
                // a cell; the table starts at that cell's column (cells left of it are not the
                // table's).
                let mut first: Option<(u64, Vec<String>)> = None;
                let mut above = 0usize;
                let mut left = 0usize;
                let read = xhht_store::sheet::each_row(path, name, &mut |line, cells| {
                    let Some(width) = width else {
                        let at = cells.iter().position(|c| !c.trim().is_empty()).unwrap_or(0);
                        let is_header = cells.get(at).is_some_and(|c| c.trim() == "id");
                        above += 1;
                        if !is_header && above < TITLE_ROWS {
                            first.get_or_insert_with(|| (line, cells.to_vec()));
                            return ControlFlow::Continue(());
                        }
                        let found = if is_header {
                            left = at;
                            (line, cells.get(at..).unwrap_or_default().to_vec())
                        } else {
                            first.take().unwrap_or_default()
                        };
                        width = Some(found.1.len());
                        let ok = header.send(Ok(found)).is_ok() && is_header;
                        return if ok { ControlFlow::Continue(()) } else { ControlFlow::Break(()) };
                    };
                    let cells = cells.get(left..).unwrap_or_default();
                    if cells.iter().all(String::is_empty) {
                        // Nothing in the table's columns.
                        return ControlFlow::Continue(());
                    }
                    // A row's missing cells at the right are empty, as in a CSV row of the header's width.
                    let pad = width.saturating_sub(cells.len());
                    let fields = cells.iter().map(String::as_bytes).chain(std::iter::repeat_n(&b""[..], pad));
                    match blocks.push(line, fields) {
                        Ok(true) => ControlFlow::Continue(()),
                        Ok(false) => ControlFlow::Break(()),
                        Err(e) => {
                            failed = Some(e);
                            ControlFlow::Break(())
                        }
                    }
                });
                let read = read.map_err(sheet_error);
                if width.is_none() {
                    // No header came: the file was empty, had no row starting with `id` (its
                    // first row is refused as the header), or could not be read.
                    let _ = header.send(read.and_then(|()| first.ok_or_else(|| empty(name, 1))));
                    return Ok(());
                }
                if let Some(e) = failed {
                    return Err(e);
                }
                read?;
                blocks.finish();
                Ok(())
            }
        }
    }
}

/// A workbook that cannot be read, said as a problem of the file (not of an import).
fn sheet_error(e: xhht_store::Error) -> Error {
    match e {
        xhht_store::Error::Import { errors } => Error::Invalid(
            errors
                .into_iter()
                .map(|r| FieldProblem {
                    field: if r.line > 0 { format!("{}:{}", r.file, r.line) } else { r.file },
                    message: r.message,
                })
                .collect(),
        ),
        other => Error::from(other),
    }
}

fn empty(name: &str, line: u64) -> Error {
    invalid(format!("{name}:{line}"), "the file is empty: it needs a header")
}

/// Records gathered into blocks and sent to the workers.
pub(super) struct Blocks<'c> {
    name: &'c str,
    tx: &'c SyncSender<Block>,
    free: &'c Receiver<Block>,
    block_rows: usize,
    pub(super) seq: u64,
    /// The block being filled.
    block: Option<Block>,
}

impl<'c> Blocks<'c> {
    /// Blocks of `block_rows` records, taken from `free` and sent to `tx`.
    pub(super) fn new(name: &'c str, tx: &'c SyncSender<Block>, free: &'c Receiver<Block>, block_rows: usize) -> Self {
        Blocks { name, tx, free, block_rows, seq: 0, block: None }
    }

    /// Adds a record at `line`; `false` when the blocks are no longer taken (the run stopped).
    fn push<'f>(&mut self, line: u64, fields: impl Iterator<Item = &'f [u8]>) -> Result<bool> {
        let too_big = || invalid(format!("{}:{line}", self.name), "a block of the file is over 4 GiB");
        if self.block.is_none() {
            let Ok(mut b) = self.free.recv() else { return Ok(false) };
            b.clear();
            b.seq = self.seq;
            self.block = Some(b);
        }
        let Some(block) = self.block.as_mut() else { return Ok(false) };
        for f in fields {
            block.bytes.extend_from_slice(f);
            block.bytes.push(0x1F);
            block.ends.push(u32::try_from(block.bytes.len() - 1).map_err(|_| too_big())?);
        }
        block.rows.push(u32::try_from(block.ends.len()).map_err(|_| too_big())?);
        block.lines.push(line);
        if block.rows.len() >= self.block_rows {
            return Ok(self.send());
        }
        Ok(true)
    }

    /// Sends the block being filled; `false` when the blocks are no longer taken.
    fn send(&mut self) -> bool {
        let Some(block) = self.block.take() else { return true };
        self.seq += 1;
        self.tx.send(block).is_ok()
    }

    /// Sends what is left.
    fn finish(&mut self) {
        let _ = self.send();
    }
}
