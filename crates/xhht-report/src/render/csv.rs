//! CSV: one file per table, with machine keys as the header and plain values (`.` decimals,
//! ISO dates), so any program reads them the same way whatever the report's language. The id
//! columns a reader never sees ([`crate::doc::Document::ids`]) come first. A cell
//! that would start a spreadsheet formula is quoted (`xhht_core::csv_cell::neutralise`).

use xhht_core::csv_cell::neutralise;

use crate::doc::Document;
use crate::error::{Error, Result};

/// Every table as `(name, CSV text)`.
pub fn render(doc: &Document) -> Result<Vec<(String, String)>> {
    let mut out = Vec::new();
    for s in doc.all_sections() {
        for t in &s.tables {
            let mut w = ::csv::Writer::from_writer(Vec::new());
            let err = |e: ::csv::Error| Error::Render { format: "csv", message: e.to_string() };
            let ids = doc.ids_of(&t.name);
            let id_keys = ids.map_or(&[][..], |i| &i.keys[..]);
            w.write_record(id_keys.iter().chain(&t.keys).map(|k| neutralise(k).into_owned())).map_err(err)?;
            for (n, r) in t.rows.iter().enumerate() {
                let id_cells = ids.and_then(|i| i.rows.get(n)).map_or(&[][..], |r| &r[..]);
                w.write_record(id_cells.iter().chain(r).map(|c| neutralise(&c.plain()).into_owned())).map_err(err)?;
            }
            let bytes = w.into_inner().map_err(|e| Error::Render { format: "csv", message: e.to_string() })?;
            let text = String::from_utf8(bytes).map_err(|e| Error::Render { format: "csv", message: e.to_string() })?;
            out.push((t.name.clone(), text));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use rust_decimal::Decimal;
    use xhht_core::Lang;

    use crate::doc::{Cell, Document, Section, Table};

    #[test]
    fn a_cell_that_starts_a_formula_is_quoted_and_numbers_are_not() {
        let table = Table {
            name: "criteria-unmet".to_owned(),
            caption: String::new(),
            keys: vec!["name", "change"],
            labels: vec![String::new(); 2],
            rows: vec![
                vec![Cell::Text("=HYPERLINK(\"http://x/\",\"x\")".to_owned()), Cell::Dec(Decimal::new(-25, 1))],
                vec![Cell::Text("@SUM(1)".to_owned()), Cell::Dec(Decimal::new(-3, 0))],
            ],
        };
        let doc = Document {
            sections: vec![Section { tables: vec![table], ..Section::default() }],
            ..Document::blank(Lang::Vi, NaiveDate::from_ymd_opt(2026, 12, 6).unwrap_or(NaiveDate::MIN))
        };
        let out = super::render(&doc).unwrap_or_default();
        assert_eq!(out[0].1, "name,change\n\"'=HYPERLINK(\"\"http://x/\"\",\"\"x\"\")\",-2.5\n'@SUM(1),-3\n");
    }
}
