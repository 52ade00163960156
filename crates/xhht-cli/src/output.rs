//! Printing: tables for people, CSV for spreadsheets, JSON for programs.

use std::io::Write;

use comfy_table::{ContentArrangement, Table, presets};
use serde_json::{Map, Value};
use xhht_core::Lang;

use crate::cli::Format;

/// A column: a stable machine key (CSV header, JSON field) and a label per language.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Col {
    pub(crate) key: &'static str,
    pub(crate) vi: &'static str,
    pub(crate) en: &'static str,
}

/// Shorthand for a [`Col`].
pub(crate) const fn col(key: &'static str, vi: &'static str, en: &'static str) -> Col {
    Col { key, vi, en }
}

/// Where a command writes, in which language and format.
pub(crate) struct Out<'a> {
    w: &'a mut dyn Write,
    pub(crate) lang: Lang,
    pub(crate) format: Format,
}

impl<'a> Out<'a> {
    pub(crate) fn new(w: &'a mut dyn Write, lang: Lang, format: Format) -> Self {
        Self { w, lang, format }
    }

    /// Picks the text of the current language.
    pub(crate) fn tr<'s>(&self, vi: &'s str, en: &'s str) -> &'s str {
        match self.lang {
            Lang::Vi => vi,
            Lang::En => en,
        }
    }

    /// The writer itself, for a use case that writes its own output (`xhht score`).
    pub(crate) fn writer(&mut self) -> &mut dyn Write {
        &mut *self.w
    }

    /// Writes one line.
    pub(crate) fn line(&mut self, s: impl AsRef<str>) -> anyhow::Result<()> {
        writeln!(self.w, "{}", s.as_ref())?;
        Ok(())
    }

    /// Writes a value as pretty JSON.
    pub(crate) fn json(&mut self, v: &impl serde::Serialize) -> anyhow::Result<()> {
        serde_json::to_writer_pretty(&mut *self.w, v)?;
        writeln!(self.w)?;
        Ok(())
    }

    /// Writes rows in the chosen format: a table, CSV with the column keys as header, or a JSON
    /// array of objects keyed by the column keys.
    pub(crate) fn table(&mut self, cols: &[Col], rows: &[Vec<String>]) -> anyhow::Result<()> {
        match self.format {
            Format::Table => {
                let mut t = Table::new();
                t.load_style(presets::UTF8_FULL_CONDENSED).set_content_arrangement(ContentArrangement::Dynamic);
                if let Some((w, _)) = terminal_width() {
                    t.set_width(w);
                }
                t.set_header(cols.iter().map(|c| self.tr(c.vi, c.en)));
                for r in rows {
                    t.add_row(r);
                }
                writeln!(self.w, "{t}")?;
            }
            Format::Csv => {
                let mut csv = csv::Writer::from_writer(&mut *self.w);
                csv.write_record(cols.iter().map(|c| c.key))?;
                for r in rows {
                    // A cell that would start a spreadsheet formula is quoted.
                    csv.write_record(r.iter().map(|c| xhht_core::csv_cell::neutralise(c).into_owned()))?;
                }
                csv.flush()?;
            }
            Format::Md | Format::Html | Format::Xlsx | Format::Docx => {
                anyhow::bail!(
                    "this command prints a table: use --format table, json or csv (md, html, xlsx and docx are for `xhht report`)"
                );
            }
            Format::Json => {
                let arr: Vec<Value> = rows
                    .iter()
                    .map(|r| {
                        let m: Map<String, Value> =
                            cols.iter().zip(r).map(|(c, v)| (c.key.to_owned(), Value::String(v.clone()))).collect();
                        Value::Object(m)
                    })
                    .collect();
                self.json(&arr)?;
            }
        }
        Ok(())
    }
}

/// The terminal's width when stdout is a terminal with a known `COLUMNS`; tables otherwise
/// use comfy-table's own detection.
fn terminal_width() -> Option<(u16, u16)> {
    let cols = std::env::var("COLUMNS").ok()?.parse().ok()?;
    Some((cols, 0))
}
