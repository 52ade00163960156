//! Which Office document a ZIP package is: a Word document (DOCX) or an Excel workbook (XLSX),
//! from the main part its `[Content_Types].xml` names. The package is measured first
//! (`xhht_core::bounds::check_workbook` with [`WorkbookLimits::UPLOAD`]), so a decompression
//! bomb is refused before any part is read, and the part is read bounded.

use std::io::{Cursor, Read};

use xhht_core::bounds::{BoundError, WorkbookLimits, check_workbook};

/// What an Office Open XML package holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum OfficeDocument {
    /// A Word document (`.docx`): its main part is `wordprocessingml.document.main+xml`.
    Word,
    /// An Excel workbook (`.xlsx`): its main part is `spreadsheetml.sheet.main+xml`.
    Spreadsheet,
}

/// The most bytes of `[Content_Types].xml` read (a real one is a few kilobytes).
const MAX_CONTENT_TYPES: u64 = 1 << 20;

/// Which Office document the ZIP package `bytes` is, from its `[Content_Types].xml`: `None`
/// for any other package (none named, both named, a template, a macro-enabled document — whose
/// main parts have other types —, an OpenDocument file, a plain archive).
///
/// # Errors
/// Whatever [`check_workbook`] refuses (a damaged package, too many parts, a part packed like
/// a bomb, more than 256 MiB unpacked), and a `[Content_Types].xml` that cannot be read.
pub fn office_document(bytes: &[u8]) -> Result<Option<OfficeDocument>, BoundError> {
    check_workbook(Cursor::new(bytes), WorkbookLimits::UPLOAD)?;
    let mut zip = zip::ZipArchive::new(Cursor::new(bytes)).map_err(|e| BoundError::Package(e.to_string()))?;
    let Ok(part) = zip.by_name("[Content_Types].xml") else { return Ok(None) };
    let mut text = Vec::new();
    part.take(MAX_CONTENT_TYPES).read_to_end(&mut text).map_err(|e| BoundError::Package(e.to_string()))?;
    let text = String::from_utf8_lossy(&text);
    let word = text.contains("officedocument.wordprocessingml.document.main+xml");
    let sheet = text.contains("officedocument.spreadsheetml.sheet.main+xml");
    Ok(match (word, sheet) {
        (true, false) => Some(OfficeDocument::Word),
        (false, true) => Some(OfficeDocument::Spreadsheet),
        _ => None,
    })
}

#[cfg(test)]
mod tests {
    use std::io::Write;

    use super::*;

    fn package(content_types: &str) -> Vec<u8> {
        let mut w = zip::ZipWriter::new(Cursor::new(Vec::new()));
        let o = zip::write::SimpleFileOptions::default();
        w.start_file("[Content_Types].xml", o).unwrap_or_default();
        w.write_all(content_types.as_bytes()).unwrap_or_default();
        w.finish().map(Cursor::into_inner).unwrap_or_default()
    }

    #[test]
    fn word_and_excel_are_told_apart_by_their_main_part() {
        let word = r#"<Override PartName="/word/document.xml" ContentType="application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"/>"#;
        let sheet = r#"<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>"#;
        let macros = r#"<Override PartName="/word/document.xml" ContentType="application/vnd.ms-word.document.macroEnabled.main+xml"/>"#;
        assert_eq!(office_document(&package(word)), Ok(Some(OfficeDocument::Word)));
        assert_eq!(office_document(&package(sheet)), Ok(Some(OfficeDocument::Spreadsheet)));
        assert_eq!(office_document(&package(macros)), Ok(None));
        assert_eq!(office_document(&package(&format!("{word}{sheet}"))), Ok(None));
        assert!(office_document(b"PK\x03\x04 not really").is_err());
    }
}
