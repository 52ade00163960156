//! Export: every record of a kind, in the columns its import reads (ids as headers), so an
//! exported file imports back unchanged. CSV is UTF-8 with a byte-order mark (Excel opens it
//! right); XLSX has one sheet named after the kind, dates as Excel dates shown `dd/mm/yyyy`.

use std::collections::BTreeMap;
use std::path::Path;

use chrono::{Datelike, NaiveDate};
use rust_xlsxwriter::{ExcelDateTime, Format, Workbook};
use xhht_core::area::{AdminArea, Succession};
use xhht_core::entity::{Clan, Community, Household, Membership, Organisation, Person};
use xhht_core::record::{Assessment, Commitment, Recognition, Registration, ReportSubmission, SelfStudyPlan, Value};

use super::kinds::ImportKind;
use crate::error::{Error, Result};
use crate::model::{enum_id, org_kind_vals, report_kind_vals, subject_kind};
use crate::store::Store;

/// The file format of an export.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ExportFormat {
    /// CSV, UTF-8 with a byte-order mark.
    Csv,
    /// An Excel workbook.
    Xlsx,
}

/// A cell of an export.
#[derive(Debug, Clone)]
enum Cell {
    Text(String),
    Date(NaiveDate),
    Empty,
}

fn t(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

fn ot(s: Option<impl Into<String>>) -> Cell {
    s.map_or(Cell::Empty, |s| Cell::Text(s.into()))
}

fn od(d: Option<NaiveDate>) -> Cell {
    d.map_or(Cell::Empty, Cell::Date)
}

/// An indicator value as an official writes it (what `parse_value` reads back).
fn value_text(v: &Value) -> String {
    match v {
        Value::YesNo(b) => if *b { "1" } else { "0" }.to_owned(),
        Value::Score(d) => d.normalize().to_string(),
        Value::Percent(d) => format!("{}%", d.normalize()),
        Value::Share { numerator, denominator } => format!("{numerator}/{denominator}"),
        Value::Count(n) => n.to_string(),
        Value::Date(d) => d.format("%Y-%m-%d").to_string(),
        _ => String::new(),
    }
}

impl Store {
    /// Writes every record of `kind` to `out` (CSV or XLSX) in the columns its import reads;
    /// returns the number of data rows.
    pub async fn export(&self, kind: ImportKind, format: ExportFormat, out: &Path) -> Result<usize> {
        let (header, rows) = self.export_rows(kind).await?;
        match format {
            ExportFormat::Csv => write_csv(out, &header, &rows)?,
            ExportFormat::Xlsx => write_xlsx(out, kind, &header, &rows)?,
        }
        Ok(rows.len())
    }

    async fn export_rows(&self, kind: ImportKind) -> Result<(Vec<String>, Vec<Vec<Cell>>)> {
        let all = "1 = 1";
        let cols = |c: &[&str]| c.iter().map(|s| (*s).to_owned()).collect::<Vec<_>>();
        Ok(match kind {
            ImportKind::Areas => {
                let rows = self.list::<AdminArea>(all, vec![]).await?.into_iter().map(|v| {
                    let a = v.value;
                    vec![
                        t(a.code),
                        t(a.name),
                        t(enum_id(&a.level)),
                        ot(a.parent),
                        Cell::Date(a.valid.from()),
                        od(a.valid.to()),
                    ]
                });
                (cols(&["code", "name", "level", "parent", "valid_from", "valid_to"]), rows.collect())
            }
            ImportKind::Successions => {
                let rows = self.list::<Succession>(all, vec![]).await?.into_iter().map(|v| {
                    let s = v.value;
                    let note = s.provenance.note();
                    vec![
                        t(s.from),
                        t(s.to),
                        Cell::Date(s.date),
                        t(enum_id(&s.kind)),
                        ot(note.map(|n| n.vi.clone())),
                        ot(note.map(|n| n.en.clone())),
                    ]
                });
                (cols(&["from", "to", "date", "kind", "note", "note_en"]), rows.collect())
            }
            ImportKind::Clans => {
                let rows = self.list::<Clan>(all, vec![]).await?.into_iter().map(|v| {
                    let c = v.value;
                    vec![t(c.id), t(c.name), t(c.area)]
                });
                (cols(&["id", "name", "area"]), rows.collect())
            }
            ImportKind::Communities => {
                let rows = self.list::<Community>(all, vec![]).await?.into_iter().map(|v| {
                    let c = v.value;
                    vec![
                        t(c.id),
                        t(c.name),
                        t(enum_id(&c.kind)),
                        t(c.commune),
                        Cell::Date(c.valid.from()),
                        od(c.valid.to()),
                    ]
                });
                (cols(&["id", "name", "kind", "commune", "valid_from", "valid_to"]), rows.collect())
            }
            ImportKind::Households => {
                let rows = self.list::<Household>(all, vec![]).await?.into_iter().map(|v| {
                    let h = v.value;
                    vec![t(h.id), ot(h.head), t(h.community), ot(h.clan), t(h.members.join("; "))]
                });
                (cols(&["id", "head", "community", "clan", "members"]), rows.collect())
            }
            ImportKind::Organisations => {
                let rows = self.list::<Organisation>(all, vec![]).await?.into_iter().map(|v| {
                    let o = v.value;
                    let (k, level) = org_kind_vals(o.kind);
                    vec![
                        t(o.code),
                        t(o.name),
                        t(k),
                        ot(level),
                        t(enum_id(&o.ownership)),
                        t(o.level.id()),
                        t(o.area),
                        ot(o.parent),
                        ot(o.actor),
                        Cell::Date(o.valid.from()),
                        od(o.valid.to()),
                    ]
                });
                (
                    cols(&[
                        "code",
                        "name",
                        "kind",
                        "school_level",
                        "ownership",
                        "level",
                        "area",
                        "parent",
                        "actor",
                        "valid_from",
                        "valid_to",
                    ]),
                    rows.collect(),
                )
            }
            ImportKind::People => {
                let rows = self.list::<Person>(all, vec![]).await?.into_iter().map(|v| {
                    let p = v.value;
                    vec![
                        t(p.id),
                        t(p.full_name),
                        ot(p.birth_year.map(|y| y.to_string())),
                        ot(p.citizen_id),
                        t(p.category.id()),
                        ot(p.area),
                    ]
                });
                (cols(&["id", "full_name", "birth_year", "citizen_id", "category", "area"]), rows.collect())
            }
            ImportKind::Memberships => {
                let rows = self.list::<Membership>(all, vec![]).await?.into_iter().map(|v| {
                    let m = v.value;
                    vec![
                        t(m.person),
                        t(m.organisation),
                        t(enum_id(&m.role)),
                        Cell::Date(m.period.from()),
                        od(m.period.to()),
                    ]
                });
                (cols(&["person", "organisation", "role", "valid_from", "valid_to"]), rows.collect())
            }
            ImportKind::Registrations => {
                let rows = self.list::<Registration>(all, vec![]).await?.into_iter().map(|v| {
                    let r = v.value;
                    vec![
                        t(subject_kind(r.subject())),
                        t(r.subject().id()),
                        t(r.title().id()),
                        t(r.year().to_string()),
                        Cell::Date(r.date()),
                    ]
                });
                (cols(&["subject_kind", "subject", "title", "year", "date"]), rows.collect())
            }
            ImportKind::Commitments => {
                let rows = self.list::<Commitment>(all, vec![]).await?.into_iter().map(|v| {
                    let c = v.value;
                    vec![t(c.person), t(c.year.to_string()), Cell::Date(c.date)]
                });
                (cols(&["person", "year", "date"]), rows.collect())
            }
            ImportKind::SelfStudyPlans => {
                let rows = self.list::<SelfStudyPlan>(all, vec![]).await?.into_iter().map(|v| {
                    let p = v.value;
                    vec![
                        t(p.person()),
                        t(p.year().to_string()),
                        Cell::Date(p.submitted_on()),
                        ot(p.approval().map(|a| a.by.clone())),
                        od(p.approval().map(|a| a.on)),
                        t(p.state().id()),
                        ot(p.content()),
                        ot(p.note()),
                    ]
                });
                let names = ["person", "year", "submitted", "approved_by", "approved_on", "state", "content", "note"];
                (cols(&names), rows.collect())
            }
            ImportKind::Assessments => {
                assessments(self.list::<Assessment>(all, vec![]).await?.into_iter().map(|v| v.value).collect())
            }
            ImportKind::Recognitions => {
                let rows = self.list::<Recognition>(all, vec![]).await?.into_iter().map(|v| {
                    let r = v.value;
                    vec![
                        t(r.decision_number()),
                        t(subject_kind(r.subject())),
                        t(r.subject().id()),
                        t(r.title().id()),
                        ot(r.level().map(|l| l.to_string())),
                        t(r.year().to_string()),
                        Cell::Date(r.decision_date()),
                        t(r.authority()),
                        od(r.valid_until()),
                    ]
                });
                (
                    cols(&[
                        "decision_number",
                        "subject_kind",
                        "subject",
                        "title",
                        "level",
                        "year",
                        "decision_date",
                        "authority",
                        "valid_until",
                    ]),
                    rows.collect(),
                )
            }
            ImportKind::ReportSubmissions => {
                let rows = self.list::<ReportSubmission>(all, vec![]).await?.into_iter().map(|v| {
                    let r = v.value;
                    let (k, phase) = report_kind_vals(&r.kind);
                    vec![
                        t(r.actor),
                        t(r.organisation),
                        t(r.year.to_string()),
                        t(k),
                        if phase.is_empty() { Cell::Empty } else { t(phase) },
                        Cell::Date(r.submitted_on),
                        ot(r.document_number),
                    ]
                });
                (
                    cols(&["actor", "organisation", "year", "kind", "phase", "submitted_on", "document_number"]),
                    rows.collect(),
                )
            }
        })
    }
}

/// Assessments: the fixed columns, then one column per indicator met (by rulebook, in order of
/// appearance), then `minh_chung <id>` for indicators with evidence.
fn assessments(all: Vec<Assessment>) -> (Vec<String>, Vec<Vec<Cell>>) {
    let mut indicators: Vec<String> = Vec::new();
    let mut evidence: Vec<String> = Vec::new();
    for a in &all {
        for v in a.values() {
            if !indicators.contains(&v.indicator) {
                indicators.push(v.indicator.clone());
            }
            if v.evidence.is_some() && !evidence.contains(&v.indicator) {
                evidence.push(v.indicator.clone());
            }
        }
    }
    let mut header: Vec<String> =
        ["subject_kind", "subject", "rulebook", "year", "evaluator", "date"].iter().map(|s| (*s).to_owned()).collect();
    header.extend(indicators.iter().cloned());
    header.extend(evidence.iter().map(|i| format!("minh_chung {i}")));
    let rows = all
        .iter()
        .map(|a| {
            let by: BTreeMap<&str, &xhht_core::record::IndicatorValue> =
                a.values().iter().map(|v| (v.indicator.as_str(), v)).collect();
            let mut row = vec![
                t(subject_kind(a.subject())),
                t(a.subject().id()),
                t(a.rulebook()),
                t(a.year().to_string()),
                t(a.evaluator()),
                Cell::Date(a.date()),
            ];
            row.extend(indicators.iter().map(|i| by.get(i.as_str()).map_or(Cell::Empty, |v| t(value_text(&v.value)))));
            row.extend(evidence.iter().map(|i| ot(by.get(i.as_str()).and_then(|v| v.evidence.clone()))));
            row
        })
        .collect();
    (header, rows)
}

fn write_csv(out: &Path, header: &[String], rows: &[Vec<Cell>]) -> Result<()> {
    let mut buf: Vec<u8> = vec![0xEF, 0xBB, 0xBF];
    {
        let mut w = csv::Writer::from_writer(&mut buf);
        let bad = |e: csv::Error| Error::Write { path: out.display().to_string(), message: e.to_string() };
        w.write_record(header.iter().map(|h| xhht_core::csv_cell::neutralise(h).into_owned())).map_err(bad)?;
        for r in rows {
            let cells: Vec<String> = r
                .iter()
                .map(|c| match c {
                    Cell::Text(s) => xhht_core::csv_cell::neutralise(s).into_owned(),
                    Cell::Date(d) => d.format("%Y-%m-%d").to_string(),
                    Cell::Empty => String::new(),
                })
                .collect();
            w.write_record(&cells).map_err(bad)?;
        }
        w.flush().map_err(Error::io(out))?;
    }
    std::fs::write(out, buf).map_err(Error::io(out))
}

fn write_xlsx(out: &Path, kind: ImportKind, header: &[String], rows: &[Vec<Cell>]) -> Result<()> {
    let bad = |e: rust_xlsxwriter::XlsxError| Error::Write { path: out.display().to_string(), message: e.to_string() };
    let mut wb = Workbook::new();
    let bold = Format::new().set_bold();
    let date = Format::new().set_num_format("dd/mm/yyyy");
    let ws = wb.add_worksheet();
    ws.set_name(kind.id()).map_err(bad)?;
    for (c, h) in header.iter().enumerate() {
        ws.write_string_with_format(0, col(c), h, &bold).map_err(bad)?;
    }
    for (r, row) in rows.iter().enumerate() {
        let r = u32::try_from(r + 1).map_err(|_| Error::Write {
            path: out.display().to_string(),
            message: "more rows than a sheet holds; export as CSV".to_owned(),
        })?;
        for (c, cell) in row.iter().enumerate() {
            match cell {
                Cell::Text(s) => {
                    ws.write_string(r, col(c), s).map_err(bad)?;
                }
                Cell::Date(d) => {
                    let x = ExcelDateTime::from_ymd(
                        u16::try_from(d.year()).unwrap_or(1900),
                        u8::try_from(d.month()).unwrap_or(1),
                        u8::try_from(d.day()).unwrap_or(1),
                    )
                    .map_err(bad)?;
                    ws.write_datetime_with_format(r, col(c), &x, &date).map_err(bad)?;
                }
                Cell::Empty => {}
            }
        }
    }
    ws.autofit();
    wb.save(out).map_err(bad)
}

fn col(c: usize) -> u16 {
    u16::try_from(c).unwrap_or(u16::MAX)
}
