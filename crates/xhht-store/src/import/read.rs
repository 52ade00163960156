//! Reading an import file into rows of text cells, each with the file's own line (CSV) or row
//! (XLSX) number: CSV in UTF-8 with or without a byte-order mark, with `,`, `;` or tab between
//! cells, and the first sheet of an XLSX (or XLS, ODS) workbook.
//!
//! A CSV that is not UTF-8 is refused, never guessed: Excel's plain "CSV (Comma delimited)" on a
//! Vietnamese Windows writes Windows-1258, where a letter may be a base letter plus a combining
//! tone mark, so a converted name would not match the same name typed elsewhere. The message
//! says so when the bytes read as Vietnamese in Windows-1258, and says how to save the file.

use std::path::Path;

use calamine::Reader;
use csv::StringRecord;

use crate::error::{Error, Result, RowError};
use crate::sheet::{cell_text, is_workbook};

/// Rows of text, each with its line (CSV) or row (XLSX) number.
pub(crate) type Rows = Vec<(u64, StringRecord)>;

/// The rows of a file, as text.
#[derive(Debug)]
pub(crate) struct Sheet {
    /// The file as named in messages.
    pub(crate) file: String,
    /// Each row with its line (CSV) or row (XLSX) number, 1-based.
    pub(crate) rows: Rows,
    /// SHA-256 of the file's bytes (lower-case hex).
    pub(crate) sha256: String,
    /// Read as CSV (each row has the fields its line has), not from a workbook (whose rows all
    /// span the sheet's columns).
    pub(crate) csv: bool,
}

/// A problem with the file as a whole.
pub(crate) fn file_error(file: &str, message: impl Into<String>) -> Error {
    file_error_at(file, 0, message)
}

/// A problem with the file as a whole, first seen on `line`.
fn file_error_at(file: &str, line: u64, message: impl Into<String>) -> Error {
    Error::Import {
        errors: vec![RowError { file: file.to_owned(), line, field: "-".to_owned(), message: message.into() }],
    }
}

/// Reads a file's content, named `file` (in messages; its extension says how to read it): a
/// workbook by extension, else CSV. `delimiter_ok` tells whether the first rows read with a
/// delimiter hold the header (the CSV delimiter is chosen by it).
pub(crate) fn read_bytes(file: &str, bytes: &[u8], delimiter_ok: &dyn Fn(&Rows) -> bool) -> Result<Sheet> {
    let file = file.to_owned();
    if is_workbook(Path::new(&file)) {
        let mut sheet = read_workbook(bytes, file)?;
        sheet.sha256 = xhht_core::rulebook::sha256_hex(bytes);
        return Ok(sheet);
    }
    let text = decode(bytes, &file)?;
    let chosen = delimiter(text, &file, delimiter_ok)?;
    // The file's hash on one core while the other reads the rows.
    let (rows, sha256) =
        rayon::join(|| parse_csv(text, chosen, None, &file), || xhht_core::rulebook::sha256_hex(bytes));
    Ok(Sheet { rows: rows?, file, sha256, csv: true })
}

/// The delimiter of a CSV text: the first of `,`, `;` and tab with which the first rows hold
/// the header (`delimiter_ok`), else `,`.
pub(crate) fn delimiter(text: &str, file: &str, delimiter_ok: &dyn Fn(&Rows) -> bool) -> Result<u8> {
    for d in [b',', b';', b'\t'] {
        let head = parse_csv(text, d, Some(25), file)?;
        if delimiter_ok(&head) {
            return Ok(d);
        }
    }
    Ok(b',')
}

/// The rows of a CSV text read one at a time, as [`read_bytes`] reads them all: each with its
/// line, cells xhht quoted against formula injection restored. A row that is not readable as
/// CSV (or not UTF-8) ends the rows with an error.
pub(crate) struct CsvRows<'a> {
    reader: csv::Reader<&'a [u8]>,
    text_len: usize,
    failed: bool,
}

impl<'a> CsvRows<'a> {
    pub(crate) fn new(text: &'a str, delimiter: u8) -> Self {
        let reader = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .delimiter(delimiter)
            .from_reader(text.as_bytes());
        Self { reader, text_len: text.len(), failed: false }
    }

    /// Bytes of the text read so far.
    pub(crate) fn offset(&self) -> u64 {
        self.reader.position().byte()
    }

    /// Bytes of the whole text.
    pub(crate) fn text_len(&self) -> usize {
        self.text_len
    }
}

impl Iterator for CsvRows<'_> {
    type Item = std::result::Result<(u64, StringRecord), ()>;

    fn next(&mut self) -> Option<Self::Item> {
        if self.failed {
            return None;
        }
        let mut rec = StringRecord::new();
        match self.reader.read_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map_or(0, csv::Position::line);
                if rec.iter().any(xhht_core::csv_cell::may_be_neutralised) {
                    rec = rec.iter().map(|c| xhht_core::csv_cell::restore(c)).collect::<Vec<_>>().into();
                }
                // A cell past the bounds: the stream gives way, and the whole file's reading
                // names it.
                match crate::sheet::bound_record("", line, rec) {
                    Ok(rec) => Some(Ok((line, rec))),
                    Err(_) => {
                        self.failed = true;
                        Some(Err(()))
                    }
                }
            }
            Ok(false) => None,
            Err(_) => {
                self.failed = true;
                Some(Err(()))
            }
        }
    }
}

/// The text of a CSV file: UTF-8 with its byte-order mark removed, or an error saying what the
/// bytes look like.
pub(crate) fn decode<'a>(bytes: &'a [u8], file: &str) -> Result<&'a str> {
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        // The byte-order mark that says so opens line 1.
        return Err(file_error_at(
            file,
            1,
            "the file is UTF-16 text (Excel's \"Unicode Text\"); save it as \"CSV UTF-8 (Comma delimited) (*.csv)\" \
             or as an Excel workbook (.xlsx) and import that",
        ));
    }
    let body = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]).unwrap_or(bytes);
    match std::str::from_utf8(body) {
        Ok(t) => Ok(t),
        Err(e) => {
            let at = e.valid_up_to();
            let line = body[..at].iter().filter(|b| **b == b'\n').count() + 1;
            let (decoded, _, _) = encoding_rs::WINDOWS_1258.decode(body);
            let bad_line = decoded.lines().nth(line - 1).unwrap_or_default().trim().to_owned();
            let looks_vietnamese = decoded.chars().any(|c| {
                matches!(c, 'ă' | 'Ă' | 'â' | 'Â' | 'đ' | 'Đ' | 'ê' | 'Ê' | 'ô' | 'Ô' | 'ơ' | 'Ơ' | 'ư' | 'Ư')
                    || ('\u{0300}'..='\u{0323}').contains(&c)
            });
            let what = if looks_vietnamese {
                format!(
                    "the file is not UTF-8: it looks like Windows-1258 (Vietnamese ANSI, what Excel writes for \
                     \"CSV (Comma delimited)\"); line {line} reads \"{}\" in that encoding",
                    truncate(&bad_line, 60)
                )
            } else {
                format!("the file is not UTF-8 text (first bad byte on line {line})")
            };
            Err(Error::Import {
                errors: vec![RowError {
                    file: file.to_owned(),
                    line: line as u64,
                    field: "-".to_owned(),
                    message: format!(
                        "{what}. Nothing was imported: open it in Excel and use Save As → \"CSV UTF-8 (Comma \
                         delimited) (*.csv)\", or save it as an Excel workbook (.xlsx), then import again"
                    ),
                }],
            })
        }
    }
}

fn truncate(s: &str, n: usize) -> String {
    let mut out: String = s.chars().take(n).collect();
    if s.chars().count() > n {
        out.push('…');
    }
    out
}

fn parse_csv(text: &str, delimiter: u8, limit: Option<usize>, file: &str) -> Result<Rows> {
    let mut r =
        csv::ReaderBuilder::new().has_headers(false).flexible(true).delimiter(delimiter).from_reader(text.as_bytes());
    let mut out = Vec::new();
    loop {
        if limit.is_some_and(|l| out.len() >= l) {
            break;
        }
        let mut rec = StringRecord::new();
        match r.read_record(&mut rec) {
            Ok(true) => {
                let line = rec.position().map_or(0, csv::Position::line);
                // Cells xhht's own CSV files quoted against formula injection read back as
                // they were (rare: only cells that start with `'`).
                if rec.iter().any(xhht_core::csv_cell::may_be_neutralised) {
                    rec = rec.iter().map(|c| xhht_core::csv_cell::restore(c)).collect::<Vec<_>>().into();
                }
                out.push((line, crate::sheet::bound_record(file, line, rec)?));
            }
            Ok(false) => break,
            Err(e) => {
                let line = e.position().map_or(0, csv::Position::line);
                return Err(Error::Import {
                    errors: vec![RowError {
                        file: file.to_owned(),
                        line,
                        field: "-".to_owned(),
                        message: format!("not readable as CSV: {e}"),
                    }],
                });
            }
        }
    }
    Ok(out)
}

fn read_workbook(bytes: &[u8], file: String) -> Result<Sheet> {
    if crate::sheet::is_xlsx(Path::new(&file)) {
        return read_xlsx(bytes, file);
    }
    let mut wb = calamine::open_workbook_auto_from_rs(std::io::Cursor::new(bytes))
        .map_err(|e| file_error(&file, format!("not a readable workbook: {e}")))?;
    let range = wb
        .worksheet_range_at(0)
        .ok_or_else(|| file_error(&file, "the workbook has no sheet"))?
        .map_err(|e| file_error(&file, format!("cannot read the first sheet: {e}")))?;
    let (row0, _) = range.start().unwrap_or((0, 0));
    let mut rows = Vec::with_capacity(range.height());
    for (i, row) in range.rows().enumerate() {
        let line = u64::from(row0) + i as u64 + 1;
        let cells: Vec<String> = row.iter().map(cell_text).collect();
        rows.push((line, crate::sheet::bound_record(&file, line, StringRecord::from(cells))?));
    }
    Ok(Sheet { file, rows, sha256: String::new(), csv: false })
}

/// An XLSX workbook's first sheet read a cell at a time (never as one rectangle, which a cell
/// far right or far down would make huge), each row as wide as the widest, as a rectangle's
/// rows are; rows with no cell are left out.
fn read_xlsx(bytes: &[u8], file: String) -> Result<Sheet> {
    let mut wb = crate::sheet::open_xlsx(bytes, &file)?;
    let mut reader = crate::sheet::XlsxRows::new(&mut wb, &file)?;
    let mut rows: Vec<(u64, Vec<String>)> = Vec::new();
    while let Some(row) = reader.next_row() {
        rows.push(row?);
    }
    let width = rows.iter().map(|(_, c)| c.len()).max().unwrap_or(0);
    let rows = rows
        .into_iter()
        .map(|(line, mut cells)| {
            cells.resize(width, String::new());
            (line, StringRecord::from(cells))
        })
        .collect();
    Ok(Sheet { file, rows, sha256: String::new(), csv: false })
}
