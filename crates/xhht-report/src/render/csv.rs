//! CSV: one file per table, with machine keys as the header and plain values (`.` decimals,
//! ISO dates), so any program reads them the same way whatever the report's language.

use crate::doc::Document;
use crate::error::{Error, Result};

/// Every table as `(name, CSV text)`.
pub fn render(doc: &Document) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for s in &doc.sections {
        for t in &s.tables {
            let mut w = ::csv::Writer::from_writer(Vec::new());
            let err = |e: ::csv::Error| Error::Render { format: "csv", message: e.to_string() };
            w.write_record(&t.keys).map_err(err)?;
            for r in &t.rows {
                w.write_record(r.iter().map(crate::doc::Cell::plain)).map_err(err)?;
            }
            let bytes = w.into_inner().map_err(|e| Error::Render { format: "csv", message: e.to_string() })?;
            let text = String::from_utf8(bytes).map_err(|e| Error::Render { format: "csv", message: e.to_string() })?;
            out.push((t.name.clone(), text));
        }
    }
    Ok(out)
}
