//! Bounds on every input, in one place: how long a text may be, how wide a row, how many rows a
//! file, how large a workbook once unpacked, and how text is cleaned on the way in. Every writer
//! — the API, the dashboard, the command line and the imports — applies these, so a stored value
//! can never be larger than what a read is built to carry.
//!
//! The numbers, and why:
//!
//! | bound | number | why |
//! |---|---|---|
//! | a text cell or field | [`MAX_TEXT_CHARS`] = 32,767 characters | Excel's own limit for a cell: nothing an official types in a spreadsheet is longer |
//! | a name, id or code | [`MAX_NAME_CHARS`] = 500 characters | the longest agency name in the plan is under 150 |
//! | a row | [`MAX_ROW_CELLS`] = 512 cells | the widest import (an assessment, one column per indicator) has under 60 |
//! | a file | [`MAX_ROWS`] = 10,000,000 rows | three times a province's 3.3 million people |
//! | a workbook, unpacked | [`WorkbookLimits::UPLOAD`]: 256 MiB; [`WorkbookLimits::FILE`]: 4 GiB | an upload is at most 20 MiB packed; a province's file read by the command line |
//! | a workbook part's packing | at most [`WorkbookLimits::max_ratio`] = 100 : 1 once over 4 MiB | a real sheet packs 5–30 : 1; a bomb packs 1,000 : 1 |
//! | a workbook's parts | at most 10,000 | a workbook has a few dozen |
//!
//! Text is cleaned by [`clean`] (a line: names, ids, cells) and [`clean_multiline`] (free
//! text): control characters are taken out and the text is put in Unicode's composed form
//! (NFC), so a name typed on two Vietnamese keyboards (one that composes "ế", one that types
//! "e" and two combining marks) is one name.

use std::borrow::Cow;
use std::io::{Read, Seek};

use unicode_normalization::{UnicodeNormalization, is_nfc_quick};

/// The longest text a cell or a field may hold, in characters (Excel's own limit for a cell).
pub const MAX_TEXT_CHARS: usize = 32_767;

/// The longest name, id, code or other one-line label, in characters.
pub const MAX_NAME_CHARS: usize = 500;

/// The most cells a row of an imported file may have (counting from its first column to its
/// last non-empty cell).
pub const MAX_ROW_CELLS: usize = 512;

/// The most rows an imported file may have.
pub const MAX_ROWS: u64 = 10_000_000;

/// A value over one of the bounds.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum BoundError {
    /// A text is longer than its field allows.
    #[error(
        "dài {chars} ký tự, quá giới hạn {max} ký tự / {chars} characters long, over the limit of {max} characters"
    )]
    TooLong {
        /// Its length, in characters.
        chars: usize,
        /// The limit.
        max: usize,
    },
    /// A row is wider than [`MAX_ROW_CELLS`].
    #[error(
        "dòng có ô ở cột thứ {column}, quá giới hạn {max} cột / the row has a cell in column {column}, over the limit of {max} columns"
    )]
    TooWide {
        /// The column (1-based) of the cell that is too far right.
        column: usize,
        /// The limit.
        max: usize,
    },
    /// A file has more rows than [`MAX_ROWS`].
    #[error("tệp có hơn {max} dòng / the file has more than {max} rows")]
    TooManyRows {
        /// The limit.
        max: u64,
    },
    /// A workbook is not a readable ZIP package.
    #[error("không đọc được sổ tính (tệp nén hỏng) / not a readable workbook (the package is damaged): {0}")]
    Package(String),
    /// A workbook unpacks to more than its limit.
    #[error(
        "sổ tính khi giải nén lớn hơn {max_mib} MiB, quá giới hạn / the workbook unpacks to more than {max_mib} MiB, over the limit"
    )]
    Unpacked {
        /// The limit, in MiB.
        max_mib: u64,
    },
    /// A part of a workbook packs far tighter than real data does (a decompression bomb).
    #[error(
        "phần “{part}” của sổ tính nén quá mức ({ratio}:1, giới hạn {max}:1): tệp có thể là bom giải nén / the workbook's part “{part}” is packed {ratio}:1, over the limit of {max}:1 (a decompression bomb)"
    )]
    Ratio {
        /// The part (file inside the package).
        part: String,
        /// Its unpacked size over its packed size, at least.
        ratio: u64,
        /// The limit.
        max: u64,
    },
    /// A workbook has too many parts.
    #[error("sổ tính có {parts} phần, quá giới hạn {max} / the workbook has {parts} parts, over the limit of {max}")]
    Parts {
        /// How many.
        parts: usize,
        /// The limit.
        max: usize,
    },
}

/// A line of text as it is stored: control characters (tabs and line breaks included) taken
/// out, composed (NFC). Borrowed when already clean.
pub fn clean(s: &str) -> Cow<'_, str> {
    clean_with(s, false)
}

/// Free text as it is stored: control characters taken out but for line breaks and tabs,
/// composed (NFC).
pub fn clean_multiline(s: &str) -> Cow<'_, str> {
    clean_with(s, true)
}

fn is_dropped(c: char, multiline: bool) -> bool {
    c.is_control() && !(multiline && matches!(c, '\n' | '\t'))
}

fn clean_with(s: &str, multiline: bool) -> Cow<'_, str> {
    let has_control = s.chars().any(|c| is_dropped(c, multiline));
    let composed = s.is_ascii() || matches!(is_nfc_quick(s.chars()), unicode_normalization::IsNormalized::Yes);
    if !has_control && composed {
        return Cow::Borrowed(s);
    }
    let kept = s.chars().filter(|c| !is_dropped(*c, multiline));
    if composed { Cow::Owned(kept.collect()) } else { Cow::Owned(kept.nfc().collect()) }
}

/// Refuses a text longer than `max` characters.
///
/// # Errors
/// [`BoundError::TooLong`].
pub fn check_len(s: &str, max: usize) -> Result<(), BoundError> {
    // Bytes bound characters from above: most texts are decided without counting.
    if s.len() <= max {
        return Ok(());
    }
    let chars = s.chars().count();
    if chars > max { Err(BoundError::TooLong { chars, max }) } else { Ok(()) }
}

/// A line of text cleaned ([`clean`]) and checked against `max` characters.
///
/// # Errors
/// [`BoundError::TooLong`].
pub fn line(s: &str, max: usize) -> Result<String, BoundError> {
    check_len(s, max.saturating_mul(4))?;
    let c = clean(s);
    check_len(&c, max)?;
    Ok(c.into_owned())
}

/// How large a workbook (a ZIP package: XLSX, XLSM, ODS) may be once unpacked.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkbookLimits {
    /// The most bytes all its parts may unpack to, together.
    pub max_unpacked: u64,
    /// The most a part may unpack to per packed byte, once it is over [`Self::ratio_from`].
    pub max_ratio: u64,
    /// The unpacked size under which a part's ratio is not checked (small parts of a real
    /// workbook, all empty cells, pack very tightly).
    pub ratio_from: u64,
    /// The most parts.
    pub max_parts: usize,
}

impl WorkbookLimits {
    /// For an upload to the server (at most 20 MiB packed).
    pub const UPLOAD: Self = Self { max_unpacked: 256 << 20, max_ratio: 100, ratio_from: 4 << 20, max_parts: 10_000 };
    /// For a file the command line reads (a province's people).
    pub const FILE: Self = Self { max_unpacked: 4 << 30, max_ratio: 100, ratio_from: 4 << 20, max_parts: 10_000 };
}

/// What [`check_workbook`] measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WorkbookSize {
    /// Its parts.
    pub parts: usize,
    /// The bytes they unpack to, together.
    pub unpacked: u64,
}

/// A sink that counts what is written to it and stops past a limit.
struct Counter {
    n: u64,
    stop: u64,
}

impl std::io::Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.n = self.n.saturating_add(buf.len() as u64);
        if self.n > self.stop { Err(std::io::Error::other("over the limit")) } else { Ok(buf.len()) }
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Checks a workbook's package before it is parsed: every part is unpacked (to nowhere, a
/// block at a time, in constant memory) and counted, whatever its header claims, and refused
/// past `limits`. A non-ZIP file (an old `.xls`) is not a package: it is not checked here
/// (its size is the file's).
///
/// # Errors
/// [`BoundError::Package`], [`BoundError::Parts`], [`BoundError::Ratio`],
/// [`BoundError::Unpacked`].
pub fn check_workbook<R: Read + Seek>(reader: R, limits: WorkbookLimits) -> Result<WorkbookSize, BoundError> {
    let mut zip = zip::ZipArchive::new(reader).map_err(|e| BoundError::Package(e.to_string()))?;
    let parts = zip.len();
    if parts > limits.max_parts {
        return Err(BoundError::Parts { parts, max: limits.max_parts });
    }
    let mut total: u64 = 0;
    for i in 0..parts {
        let mut part = zip.by_index(i).map_err(|e| BoundError::Package(e.to_string()))?;
        let name: String = part.name().map(|n| n.chars().take(100).collect()).unwrap_or_default();
        let packed = part.compressed_size().max(1);
        // The most this part may unpack to: what is left of the total, and (past the size from
        // which ratios count) the ratio times its packed size.
        let left = limits.max_unpacked.saturating_sub(total);
        let by_ratio = limits.ratio_from.max(packed.saturating_mul(limits.max_ratio));
        let stop = left.min(by_ratio);
        let mut sink = Counter { n: 0, stop };
        let copied = std::io::copy(&mut part, &mut sink);
        if sink.n > stop {
            return Err(if stop == left {
                BoundError::Unpacked { max_mib: limits.max_unpacked >> 20 }
            } else {
                BoundError::Ratio { part: name, ratio: sink.n / packed, max: limits.max_ratio }
            });
        }
        copied.map_err(|e| BoundError::Package(e.to_string()))?;
        total = total.saturating_add(sink.n);
    }
    Ok(WorkbookSize { parts, unpacked: total })
}

/// True when `bytes` start as a ZIP package does (XLSX, XLSM, ODS).
pub fn is_zip(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

#[cfg(test)]
mod tests {
    use std::io::{Cursor, Write};

    use super::*;

    fn package(parts: &[(&str, Vec<u8>)]) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Deflated);
        for (name, data) in parts {
            w.start_file(*name, o).ok();
            w.write_all(data).ok();
        }
        w.finish().map(Cursor::into_inner).unwrap_or_default()
    }

    #[test]
    fn text_is_composed_and_stripped_of_control_characters() {
        // "Nguyễn" typed with combining marks (NFD) and with a NUL, a tab and a bell.
        let nfd = "Nguye\u{0302}\u{0303}n";
        assert_eq!(clean(nfd), "Nguyễn");
        assert_eq!(clean("A\u{0}B\tC\u{7}D\u{85}"), "ABCD");
        assert_eq!(clean_multiline("dòng 1\ndòng\t2\r\u{0}"), "dòng 1\ndòng\t2");
        assert!(matches!(clean("Trường THCS"), Cow::Borrowed(_)));
    }

    #[test]
    fn lengths_are_counted_in_characters() {
        let s = "ễ".repeat(10);
        assert!(check_len(&s, 10).is_ok());
        assert_eq!(check_len(&s, 9), Err(BoundError::TooLong { chars: 10, max: 9 }));
        assert!(line(&"a".repeat(40_000), MAX_TEXT_CHARS).is_err());
    }

    #[test]
    fn a_real_workbook_passes_and_bombs_are_refused() {
        let ordinary = package(&[("xl/worksheets/sheet1.xml", b"<row><c><v>1</v></c></row>".repeat(1000))]);
        assert!(check_workbook(Cursor::new(&ordinary), WorkbookLimits::UPLOAD).is_ok());
        // 64 MiB of one letter: packs about 1,000 : 1.
        let bomb = package(&[("xl/sharedStrings.xml", vec![b'a'; 64 << 20])]);
        assert!(bomb.len() < 1 << 20);
        match check_workbook(Cursor::new(&bomb), WorkbookLimits::UPLOAD) {
            Err(BoundError::Ratio { part, max: 100, .. }) => assert_eq!(part, "xl/sharedStrings.xml"),
            other => panic!("{other:?}"),
        }
        let tight = WorkbookLimits { max_unpacked: 1 << 20, ..WorkbookLimits::UPLOAD };
        let big = package(&[("a", vec![b'a'; 2 << 20])]);
        assert_eq!(check_workbook(Cursor::new(&big), tight), Err(BoundError::Unpacked { max_mib: 1 }));
        assert!(matches!(check_workbook(Cursor::new(b"not a zip"), tight), Err(BoundError::Package(_))));
    }
}
