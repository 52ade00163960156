//! Hostile workbooks for the tests of every writer (the server's uploads, the command line's
//! imports): decompression bombs a few hundred kilobytes packed that unpack to hundreds of
//! megabytes, in each of the shapes a hostile test of the server found (issue "Records no one
//! can bend"). They are written a block at a time, so making one takes little memory.
//!
//! Each is a well-formed XLSX package (content types, relationships, workbook, one sheet) whose
//! first row is a header `id, full_name, category` (the people import's), so a reader that does
//! not measure the package first would go on to read it.

use std::io::{Cursor, Write};

/// The shapes of bomb.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum Bomb {
    /// One cell (an inline string) of `size` bytes.
    HugeCell,
    /// A table of shared strings of `size` bytes (one string), which a reader loads whole.
    HugeSharedStrings,
    /// Rows with a cell in the sheet's last column (XFD), right of the table, `size` bytes of
    /// them.
    RowsRightOfTheTable,
    /// `size` bytes of empty rows.
    EmptyRows,
}

impl Bomb {
    /// Every shape.
    pub const ALL: [Bomb; 4] = [Self::HugeCell, Self::HugeSharedStrings, Self::RowsRightOfTheTable, Self::EmptyRows];

    /// A short name, for messages.
    pub fn name(self) -> &'static str {
        match self {
            Self::HugeCell => "huge-cell",
            Self::HugeSharedStrings => "huge-shared-strings",
            Self::RowsRightOfTheTable => "rows-right-of-the-table",
            Self::EmptyRows => "empty-rows",
        }
    }
}

const CONTENT_TYPES: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/><Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/><Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>"#;
const RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>"#;
const WORKBOOK: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships"><sheets><sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>"#;
const WORKBOOK_RELS: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/><Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings" Target="sharedStrings.xml"/></Relationships>"#;
const SHEET_HEAD: &str = r#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?>
<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData><row r="1"><c r="A1" t="inlineStr"><is><t>id</t></is></c><c r="B1" t="inlineStr"><is><t>full_name</t></is></c><c r="C1" t="inlineStr"><is><t>category</t></is></c></row>"#;
const SHEET_TAIL: &str = "</sheetData></worksheet>";

/// Writes `size` bytes made by `chunk` (called with the count so far) to `w`, a block at a time.
fn fill(w: &mut dyn Write, size: u64, chunk: &mut dyn FnMut(u64) -> String) -> std::io::Result<()> {
    let mut written = 0u64;
    let mut n = 0u64;
    let mut block = String::with_capacity(1 << 20);
    while written < size {
        block.clear();
        while block.len() < 1 << 20 && written + (block.len() as u64) < size {
            block.push_str(&chunk(n));
            n += 1;
        }
        w.write_all(block.as_bytes())?;
        written += block.len() as u64;
    }
    Ok(())
}

/// A bomb of `shape` whose largest part unpacks to about `size` bytes.
///
/// # Errors
/// Only if the ZIP writer fails (it writes to memory).
pub fn workbook(shape: Bomb, size: u64) -> std::io::Result<Vec<u8>> {
    let mut zip = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let o = zip::write::SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .compression_level(Some(6))
        .large_file(size > u64::from(u32::MAX) / 2);
    for (name, text) in [
        ("[Content_Types].xml", CONTENT_TYPES),
        ("_rels/.rels", RELS),
        ("xl/workbook.xml", WORKBOOK),
        ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
    ] {
        zip.start_file(name, o)?;
        zip.write_all(text.as_bytes())?;
    }
    let a = |_| "a".repeat(64);
    zip.start_file("xl/sharedStrings.xml", o)?;
    zip.write_all(br#"<?xml version="1.0" encoding="UTF-8" standalone="yes"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="1" uniqueCount="1"><si><t>"#)?;
    if shape == Bomb::HugeSharedStrings {
        fill(&mut zip, size, &mut { a })?;
    } else {
        zip.write_all(b"x")?;
    }
    zip.write_all(b"</t></si></sst>")?;
    zip.start_file("xl/worksheets/sheet1.xml", o)?;
    zip.write_all(SHEET_HEAD.as_bytes())?;
    match shape {
        Bomb::HugeCell => {
            zip.write_all(
                br#"<row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2" t="inlineStr"><is><t>"#,
            )?;
            fill(&mut zip, size, &mut { a })?;
            zip.write_all(br#"</t></is></c><c r="C2" t="inlineStr"><is><t>giao-vien</t></is></c></row>"#)?;
        }
        Bomb::HugeSharedStrings => {
            zip.write_all(br#"<row r="2"><c r="A2" t="inlineStr"><is><t>P1</t></is></c><c r="B2" t="s"><v>0</v></c><c r="C2" t="inlineStr"><is><t>giao-vien</t></is></c></row>"#)?;
        }
        Bomb::RowsRightOfTheTable => {
            // One row, again and again (a reader takes each as row 2 once more).
            fill(&mut zip, size, &mut |_| r#"<row r="2"><c r="XFD2"><v>1</v></c></row>"#.to_owned())?;
        }
        Bomb::EmptyRows => {
            fill(&mut zip, size, &mut |_| "<row/>".to_owned())?;
        }
    }
    zip.write_all(SHEET_TAIL.as_bytes())?;
    Ok(zip.finish()?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bombs_are_small_packed_and_large_unpacked() {
        for shape in Bomb::ALL {
            let bytes = workbook(shape, 8 << 20).unwrap_or_default();
            assert!(bytes.len() < 200 << 10, "{}: {} bytes", shape.name(), bytes.len());
            let mut zip = zip::ZipArchive::new(Cursor::new(&bytes)).expect("a package");
            let unpacked: u64 = (0..zip.len()).map(|i| zip.by_index(i).map_or(0, |f| f.size())).sum();
            assert!(unpacked >= 8 << 20, "{}: {unpacked}", shape.name());
        }
    }
}
