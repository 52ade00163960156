//! Officials' workbooks (XLSX, and XLS, XLSB, ODS) read row by row as the text they typed: one
//! rule for every reader of a spreadsheet (`xhht import` and `xhht score`).
//!
//! The first sheet is read. An XLSX sheet is streamed from the file, a cell at a time, so
//! memory does not grow with its rows (the workbook's table of shared strings is read whole, as
//! Excel keeps every distinct text there); the older formats are read whole. Rows with no cell
//! are skipped; each row given is numbered as Excel numbers it (1 for the first), and its cells
//! span from the sheet's first column to its last non-empty cell.

use std::ops::ControlFlow;
use std::path::Path;

use calamine::{Data, Reader, Sheets};
use xhht_core::bounds;

use crate::error::{Error, Result, RowError};

/// True for the file types read as workbooks (by extension, any case).
pub fn is_workbook(path: &Path) -> bool {
    is_xlsx(path) || matches!(extension(path).as_str(), "xlsb" | "xls" | "ods")
}

/// True for the workbooks read a cell at a time (XLSX, XLSM).
pub(crate) fn is_xlsx(path: &Path) -> bool {
    matches!(extension(path).as_str(), "xlsx" | "xlsm")
}

fn extension(path: &Path) -> String {
    path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase()
}

/// A cell as the text an official would have typed: a number as the shortest text that reads
/// back as it (`7.5`, `1985`), a date as `YYYY-MM-DD`, a boolean as `1` or `0`, an error as
/// `#` and its name.
pub(crate) fn cell_text(d: &Data) -> String {
    match d {
        Data::Empty => String::new(),
        Data::String(s) => s.clone(),
        Data::Int(i) => i.to_string(),
        // Rust prints the shortest text that reads back as the same float: 7.5, 1985.
        Data::Float(f) => format!("{f}"),
        Data::Bool(b) => if *b { "1" } else { "0" }.to_owned(),
        Data::DateTime(dt) => match dt.as_datetime() {
            Some(t) => t.date().format("%Y-%m-%d").to_string(),
            None => dt.as_f64().to_string(),
        },
        Data::DateTimeIso(s) => s.split('T').next().unwrap_or(s).to_owned(),
        Data::DurationIso(s) => s.clone(),
        Data::Error(e) => format!("#{e:?}"),
    }
}

fn sheet_error(name: &str, line: u64, message: String) -> Error {
    Error::Import { errors: vec![RowError { file: name.to_owned(), line, field: "-".to_owned(), message }] }
}

/// Reads the first sheet of the workbook at `path` (named `name` in errors) and calls `row`
/// with each row's number and cells, in order, until it returns [`ControlFlow::Break`].
///
/// # Errors
/// A file that is not a readable workbook, a workbook with no sheet, or a sheet that cannot be
/// read past some row (the error names the row reached).
pub fn each_row(path: &Path, name: &str, row: &mut dyn FnMut(u64, &[String]) -> ControlFlow<()>) -> Result<()> {
    check_package_file(path, name)?;
    let wb = calamine::open_workbook_auto(path).map_err(|e| unreadable(name, &e))?;
    match wb {
        Sheets::Xlsx(mut x) => {
            let mut rows = XlsxRows::new(&mut x, name)?;
            // Scoring reads the cells as typed (its output names the ids it read).
            rows.tidy = false;
            while let Some(next) = rows.next_row() {
                let (line, cells) = next?;
                if row(line, &cells).is_break() {
                    return Ok(());
                }
            }
        }
        mut other => {
            let range = other
                .worksheet_range_at(0)
                .ok_or_else(|| no_sheet(name))?
                .map_err(|e| sheet_error(name, 0, format!("{FIRST_SHEET}: {e}")))?;
            let (top, _) = range.start().unwrap_or((0, 0));
            let mut rows = Assembler::default();
            let give = |r: Option<(u64, Vec<String>)>, row: &mut dyn FnMut(u64, &[String]) -> ControlFlow<()>| {
                r.map_or(ControlFlow::Continue(()), |(line, cells)| row(line, &cells))
            };
            for (i, cells) in range.rows().enumerate() {
                let line = u64::from(top) + i as u64 + 1;
                for (c, value) in cells.iter().enumerate() {
                    let c = u32::try_from(c).unwrap_or(u32::MAX);
                    let text = cell_text(value);
                    bound_cell(name, line, c, &text)?;
                    if give(rows.put(line, c, text), row).is_break() {
                        return Ok(());
                    }
                }
            }
            let _ = give(rows.finish(), row);
        }
    }
    Ok(())
}

/// The column letters of a 0-based column, as Excel names it (`A`, `Z`, `AA`).
pub(crate) fn column_name(mut column: u64) -> String {
    let mut out = Vec::new();
    loop {
        out.push(b'A' + (column % 26) as u8);
        if column < 26 {
            break;
        }
        column = column / 26 - 1;
    }
    out.reverse();
    String::from_utf8(out).unwrap_or_default()
}

/// A cell's text as it is kept: composed (NFC), control characters taken out
/// (`xhht_core::bounds::clean`) — but for a cell holding a NUL byte, which the import refuses
/// as not text, naming it.
pub(crate) fn tidy(text: String) -> String {
    if text.contains('\0') {
        return text;
    }
    match bounds::clean(&text) {
        std::borrow::Cow::Borrowed(_) => text,
        std::borrow::Cow::Owned(c) => c,
    }
}

/// The cells of a CSV row bounded and tidied as a sheet's are ([`bound_cell`], [`tidy`]): the
/// record as it was when nothing needed tidying.
pub(crate) fn bound_record(name: &str, line: u64, rec: csv::StringRecord) -> Result<csv::StringRecord> {
    let mut dirty = false;
    for (c, cell) in rec.iter().enumerate() {
        bound_cell(name, line, u32::try_from(c).unwrap_or(u32::MAX), cell)?;
        dirty |= !cell.contains('\0') && matches!(bounds::clean(cell), std::borrow::Cow::Owned(_));
    }
    if !dirty {
        return Ok(rec);
    }
    Ok(rec.iter().map(|c| tidy(c.to_owned())).collect::<Vec<_>>().into())
}

/// Refuses a cell past the bounds of `xhht_core::bounds` (its text too long, its column too far
/// right, its row past the last row a file may have), naming its row and column.
pub(crate) fn bound_cell(name: &str, line: u64, column: u32, text: &str) -> Result<()> {
    let at = |message: String| Error::Import {
        errors: vec![RowError { file: name.to_owned(), line, field: column_name(u64::from(column)), message }],
    };
    if text.is_empty() {
        return Ok(());
    }
    if line > bounds::MAX_ROWS {
        return Err(at(bounds::BoundError::TooManyRows { max: bounds::MAX_ROWS }.to_string()));
    }
    if column as usize >= bounds::MAX_ROW_CELLS {
        return Err(at(
            bounds::BoundError::TooWide { column: column as usize + 1, max: bounds::MAX_ROW_CELLS }.to_string()
        ));
    }
    bounds::check_len(text, bounds::MAX_TEXT_CHARS).map_err(|e| at(e.to_string()))
}

/// Refuses a workbook (a ZIP package) whose parts unpack past `limits`, before it is parsed
/// (`xhht_core::bounds::check_workbook`). Other files pass.
pub(crate) fn check_package(name: &str, bytes: &[u8], limits: bounds::WorkbookLimits) -> Result<()> {
    if is_workbook(Path::new(name)) && bounds::is_zip(bytes) {
        bounds::check_workbook(std::io::Cursor::new(bytes), limits).map_err(|e| sheet_error(name, 0, e.to_string()))?;
    }
    Ok(())
}

/// [`check_package`] for a file on disk, with the command line's limits.
fn check_package_file(path: &Path, name: &str) -> Result<()> {
    use std::io::Read;
    let mut f = std::fs::File::open(path).map_err(|e| unreadable(name, &e))?;
    let mut head = [0u8; 4];
    if f.read_exact(&mut head).is_err() || !bounds::is_zip(&head) {
        return Ok(());
    }
    bounds::check_workbook(std::io::BufReader::new(f), bounds::WorkbookLimits::FILE)
        .map_err(|e| sheet_error(name, 0, e.to_string()))?;
    Ok(())
}

const FIRST_SHEET: &str = "không đọc được trang đầu / cannot read the first sheet";

fn unreadable(name: &str, e: &dyn std::fmt::Display) -> Error {
    sheet_error(name, 0, format!("không đọc được sổ tính / not a readable workbook: {e}"))
}

fn no_sheet(name: &str) -> Error {
    sheet_error(name, 0, "sổ tính không có trang nào / the workbook has no sheet".to_owned())
}

/// Opens an XLSX workbook held in memory (an upload, or a file read for its SHA-256).
pub(crate) fn open_xlsx<'b>(bytes: &'b [u8], name: &str) -> Result<calamine::Xlsx<std::io::Cursor<&'b [u8]>>> {
    calamine::Xlsx::new(std::io::Cursor::new(bytes)).map_err(|e| unreadable(name, &e))
}

/// The rows of an XLSX workbook's first sheet, read a cell at a time from the file.
pub(crate) struct XlsxRows<'a, RS: std::io::Read + std::io::Seek> {
    name: String,
    cells: calamine::XlsxCellReader<'a, RS>,
    /// The sheet's first column (as its dimensions say).
    left: u32,
    rows: Assembler,
    /// The sheet's last row, as its dimensions say (0 when they say nothing).
    last: u64,
    done: bool,
    /// Whether each cell is tidied as the records keep text ([`tidy`]): yes for an import.
    pub(crate) tidy: bool,
}

impl<'a, RS: std::io::Read + std::io::Seek> XlsxRows<'a, RS> {
    pub(crate) fn new(wb: &'a mut calamine::Xlsx<RS>, name: &str) -> Result<Self> {
        let first = wb.sheet_names().first().cloned().ok_or_else(|| no_sheet(name))?;
        let cells =
            wb.worksheet_cells_reader(&first).map_err(|e| sheet_error(name, 0, format!("{FIRST_SHEET}: {e}")))?;
        let d = cells.dimensions();
        let last = if d.end.0 > 0 { u64::from(d.end.0) + 1 } else { 0 };
        Ok(Self {
            name: name.to_owned(),
            cells,
            left: d.start.1,
            rows: Assembler::default(),
            last,
            done: false,
            tidy: true,
        })
    }

    /// The sheet's last row number, as the sheet itself declares (0 when it does not).
    pub(crate) fn declared_last_row(&self) -> u64 {
        self.last
    }

    /// The next row with a non-empty cell: its number (as Excel numbers it) and its cells, from
    /// the sheet's first column to the row's last non-empty cell.
    pub(crate) fn next_row(&mut self) -> Option<Result<(u64, Vec<String>)>> {
        if self.done {
            return None;
        }
        loop {
            match self.cells.next_cell() {
                Err(e) => {
                    self.done = true;
                    let at = self.rows.line.map_or(1, |l| l + 1);
                    return Some(Err(sheet_error(&self.name, at, format!("{FIRST_SHEET}: {e}"))));
                }
                Ok(None) => {
                    self.done = true;
                    return self.rows.finish().map(Ok);
                }
                Ok(Some(cell)) => {
                    let (r, c) = cell.get_position();
                    let text = cell_text(&Data::from(cell.get_value().clone()));
                    let (line, column) = (u64::from(r) + 1, c.saturating_sub(self.left));
                    if let Err(e) = bound_cell(&self.name, line, column, &text) {
                        self.done = true;
                        return Some(Err(e));
                    }
                    let text = if self.tidy { tidy(text) } else { text };
                    if let Some(row) = self.rows.put(line, column, text) {
                        return Some(Ok(row));
                    }
                }
            }
        }
    }
}

/// A row put together from cells that come in row-major order.
#[derive(Default)]
struct Assembler {
    /// The row's number, once a cell of it came.
    line: Option<u64>,
    /// Its cells up to its last non-empty one.
    cells: Vec<String>,
}

impl Assembler {
    /// Adds a cell; when it starts a new row, the row before (if it has a non-empty cell).
    fn put(&mut self, line: u64, column: u32, text: String) -> Option<(u64, Vec<String>)> {
        let before = if self.line == Some(line) {
            None
        } else {
            let done = self.finish();
            self.line = Some(line);
            done
        };
        if !text.is_empty() {
            let at = column as usize;
            if self.cells.len() <= at {
                self.cells.resize(at, String::new());
                self.cells.push(text);
            } else if let Some(c) = self.cells.get_mut(at) {
                *c = text;
            }
        }
        before
    }

    /// The row put together so far, if it has a non-empty cell.
    fn finish(&mut self) -> Option<(u64, Vec<String>)> {
        let line = self.line.take()?;
        let cells = std::mem::take(&mut self.cells);
        (!cells.is_empty()).then_some((line, cells))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(cells: &[(u64, u32, Data)]) -> Vec<(u64, Vec<String>)> {
        let mut got = Vec::new();
        let mut rows = Assembler::default();
        for (l, c, v) in cells {
            got.extend(rows.put(*l, *c, cell_text(v)));
        }
        got.extend(rows.finish());
        got
    }

    #[test]
    fn rows_are_assembled_with_gaps_filled_and_empty_rows_skipped() {
        let got = rows_of(&[
            (1, 0, Data::String("id".into())),
            (1, 1, Data::String("a".into())),
            (2, 0, Data::String("P1".into())),
            (2, 2, Data::Float(7.5)),
            (2, 3, Data::Empty),
            (3, 0, Data::Empty),
            (5, 1, Data::Int(8)),
        ]);
        assert_eq!(
            got,
            vec![
                (1, vec!["id".to_owned(), "a".to_owned()]),
                (2, vec!["P1".to_owned(), String::new(), "7.5".to_owned()]),
                (5, vec![String::new(), "8".to_owned()]),
            ]
        );
    }

    #[test]
    fn a_reused_row_does_not_keep_cells_of_the_row_before() {
        let got = rows_of(&[
            (1, 0, Data::String("x".into())),
            (1, 1, Data::String("y".into())),
            (1, 2, Data::String("z".into())),
            (2, 2, Data::String("w".into())),
        ]);
        assert_eq!(got[1], (2, vec![String::new(), String::new(), "w".to_owned()]));
    }

    #[test]
    fn cells_read_as_typed() {
        assert_eq!(cell_text(&Data::Float(7.1)), "7.1");
        assert_eq!(cell_text(&Data::Float(1985.0)), "1985");
        assert_eq!(cell_text(&Data::Bool(true)), "1");
        assert_eq!(cell_text(&Data::DateTimeIso("2025-07-01T00:00:00".into())), "2025-07-01");
    }
}
