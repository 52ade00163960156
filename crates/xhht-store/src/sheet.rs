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

use crate::error::{Error, Result, RowError};

/// True for the file types read as workbooks (by extension, any case).
pub fn is_workbook(path: &Path) -> bool {
    let ext = path.extension().and_then(|e| e.to_str()).unwrap_or_default().to_ascii_lowercase();
    matches!(ext.as_str(), "xlsx" | "xlsm" | "xlsb" | "xls" | "ods")
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
/// with each row's number and cells, in order, until it returns [`ControlFlow::Break`]. The
/// cells are reused from one row to the next.
///
/// # Errors
/// A file that is not a readable workbook, a workbook with no sheet, or a sheet that cannot be
/// read past some row (the error names the row reached).
pub fn each_row(path: &Path, name: &str, row: &mut dyn FnMut(u64, &[String]) -> ControlFlow<()>) -> Result<()> {
    let wb = calamine::open_workbook_auto(path)
        .map_err(|e| sheet_error(name, 0, format!("không đọc được sổ tính / not a readable workbook: {e}")))?;
    let no_sheet = || sheet_error(name, 0, "sổ tính không có trang nào / the workbook has no sheet".to_owned());
    match wb {
        Sheets::Xlsx(mut x) => {
            let first = x.sheet_names().first().cloned().ok_or_else(no_sheet)?;
            let mut cells = x.worksheet_cells_reader(&first).map_err(|e| {
                sheet_error(name, 0, format!("không đọc được trang đầu / cannot read the first sheet: {e}"))
            })?;
            let left = cells.dimensions().start.1;
            let mut rows = Rows::default();
            loop {
                let cell = cells.next_cell().map_err(|e| {
                    let at = rows.line.map_or(1, |l| l + 1);
                    sheet_error(name, at, format!("không đọc được trang đầu / cannot read the first sheet: {e}"))
                })?;
                let Some(cell) = cell else { break };
                let (r, c) = cell.get_position();
                let value = Data::from(cell.get_value().clone());
                if rows.put(u64::from(r) + 1, c.saturating_sub(left), &value, row).is_break() {
                    return Ok(());
                }
            }
            let _ = rows.finish(row);
        }
        mut other => {
            let range = other.worksheet_range_at(0).ok_or_else(no_sheet)?.map_err(|e| {
                sheet_error(name, 0, format!("không đọc được trang đầu / cannot read the first sheet: {e}"))
            })?;
            let (top, _) = range.start().unwrap_or((0, 0));
            let mut rows = Rows::default();
            for (i, cells) in range.rows().enumerate() {
                let line = u64::from(top) + i as u64 + 1;
                for (c, value) in cells.iter().enumerate() {
                    let c = u32::try_from(c).unwrap_or(u32::MAX);
                    if rows.put(line, c, value, row).is_break() {
                        return Ok(());
                    }
                }
            }
            let _ = rows.finish(row);
        }
    }
    Ok(())
}

/// The row being assembled from cells that come in row-major order.
#[derive(Default)]
struct Rows {
    /// The row's number, once a cell of it came.
    line: Option<u64>,
    /// Its cells (the first `width` are the row's; the rest are kept for their capacity).
    cells: Vec<String>,
    /// Cells up to and including the last non-empty one.
    width: usize,
}

impl Rows {
    fn put(
        &mut self,
        line: u64,
        column: u32,
        value: &Data,
        row: &mut dyn FnMut(u64, &[String]) -> ControlFlow<()>,
    ) -> ControlFlow<()> {
        if self.line != Some(line) {
            self.finish(row)?;
            self.line = Some(line);
        }
        if matches!(value, Data::Empty) {
            return ControlFlow::Continue(());
        }
        let text = cell_text(value);
        if text.is_empty() {
            return ControlFlow::Continue(());
        }
        let at = column as usize;
        while self.cells.len() <= at {
            self.cells.push(String::new());
        }
        for c in self.cells.iter_mut().take(at).skip(self.width) {
            c.clear();
        }
        if let Some(c) = self.cells.get_mut(at) {
            *c = text;
        }
        self.width = self.width.max(at + 1);
        ControlFlow::Continue(())
    }

    /// Gives the row assembled so far, if it has a non-empty cell.
    fn finish(&mut self, row: &mut dyn FnMut(u64, &[String]) -> ControlFlow<()>) -> ControlFlow<()> {
        let (line, width) = (self.line.take(), std::mem::take(&mut self.width));
        match line {
            Some(line) if width > 0 => row(line, self.cells.get(..width).unwrap_or_default()),
            _ => ControlFlow::Continue(()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows_of(cells: &[(u64, u32, Data)]) -> Vec<(u64, Vec<String>)> {
        let mut got = Vec::new();
        let mut rows = Rows::default();
        let mut f = |l: u64, c: &[String]| {
            got.push((l, c.to_vec()));
            ControlFlow::Continue(())
        };
        for (l, c, v) in cells {
            let _ = rows.put(*l, *c, v, &mut f);
        }
        let _ = rows.finish(&mut f);
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
