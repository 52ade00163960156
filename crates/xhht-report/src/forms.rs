//! Each actor's own annual report form, built from its duties in the plan, and reading a filled
//! form back as [`DutyReport`]s.
//!
//! The plan gives every actor duties (lead, coordinate or perform). For an actor and a year,
//! [`actor_form`] lays out the form it must send before 10 December: one row per field of each
//! duty (e.g. the labour office's "rural workers in vocational training"), with an empty
//! "result" column. It renders through the same XLSX and DOCX renderers as the reports. A filled
//! XLSX comes back through [`read_filled_xlsx`]; the same records can also be sent as JSON (a
//! list of `DutyReport`, checked by [`check_duty_reports`]). The synthesis report quotes them duty by duty and flags the duties
//! nobody reported on.

use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};
use xhht_core::Lang;
use xhht_core::bounds;
use xhht_core::entity::Organisation;
use xhht_core::plan::{DutyRole, Plan};
use xhht_core::record::DutyReport;

use crate::doc::{Cell, Document, Section, Table};
use crate::error::{Error, Result};
use crate::fmt::t;

/// The column labels of the form, by language: the reader accepts either.
const LABELS: [(&str, &str, &str); 10] = [
    ("stt", "STT", "No."),
    ("actor", "Cơ quan (KH)", "Plan actor"),
    ("organisation", "Đơn vị báo cáo", "Reporting unit"),
    ("year", "Năm", "Year"),
    ("duty", "Mã nhiệm vụ", "Duty id"),
    ("role", "Vai trò", "Role"),
    ("duty_text", "Nhiệm vụ", "Duty"),
    ("field", "Mã chỉ tiêu", "Field id"),
    ("field_label", "Nội dung báo cáo", "What to report"),
    ("value", "Kết quả (điền vào đây)", "Result (fill in)"),
];

/// The form an actor sends for `year`, for the organisation `organisation` (code, name).
pub fn actor_form(
    plan: &Plan,
    actor: &str,
    year: i32,
    organisation: (&str, &str),
    lang: Lang,
    as_of: chrono::NaiveDate,
) -> Result<Document> {
    let a = plan.actor(actor).ok_or_else(|| Error::Input(format!("no actor `{actor}` in the plan")))?;
    let mut rows = Vec::new();
    let mut n = 0u64;
    for d in &a.duties {
        let role = match d.role {
            DutyRole::Lead => t(lang, "chủ trì", "lead"),
            DutyRole::Coordinate => t(lang, "phối hợp", "coordinate"),
            DutyRole::Perform => t(lang, "thực hiện", "perform"),
        };
        for f in &d.report_fields {
            n += 1;
            rows.push(vec![
                Cell::Int(n),
                Cell::Text(a.id.clone()),
                Cell::Text(organisation.0.to_owned()),
                Cell::Year(year),
                Cell::Text(d.id.clone()),
                Cell::Text(role.to_owned()),
                Cell::Text(d.text.get(lang).to_owned()),
                Cell::Text(f.id.clone()),
                Cell::Text(format!(
                    "{}{}",
                    f.label.get(lang),
                    if f.numeric { t(lang, " (số)", " (number)") } else { "" }
                )),
                Cell::Empty,
            ]);
        }
    }
    let label = |i: usize| LABELS.get(i).map_or("", |l| t(lang, l.1, l.2)).to_owned();
    // The form goes to the body that synthesises the reports on its day (plan VIII.2).
    let receiver = xhht_core::issuer::Issuers::can_duoc().on(as_of);
    let place = receiver.map_or("Cần Đước", |r| r.place.get(lang)).to_owned();
    let mut recipients: Vec<String> = receiver.map(|r| format!("- {};", r.body.get(lang))).into_iter().collect();
    recipients.push(t(lang, "- Lưu: VT.", "- Filed: records office.").to_owned());
    Ok(Document {
        lang,
        as_of,
        place_date: format!("{place}, {}", crate::fmt::long_date(as_of, lang)),
        place,
        parent: None,
        issuer: organisation.1.to_owned(),
        number: t(lang, "Số: …/BC", "No.: …/BC").to_owned(),
        recipients,
        signature: vec![t(lang, "THỦ TRƯỞNG ĐƠN VỊ", "HEAD OF THE UNIT").to_owned()],
        signer: None,
        appendices: Vec::new(),
        ids: Vec::new(),
        title: format!(
            "{} {year}",
            t(
                lang,
                "BÁO CÁO KẾT QUẢ THỰC HIỆN NHIỆM VỤ PHONG TRÀO THI ĐUA XÂY DỰNG XÃ HỘI HỌC TẬP NĂM",
                "REPORT ON THE DUTIES UNDER THE LEARNING-SOCIETY EMULATION MOVEMENT,"
            )
        ),
        subtitle: vec![
            format!("{}: {} ({})", t(lang, "Cơ quan", "Actor"), a.name.get(lang), a.id),
            format!("{}: {} — {}", t(lang, "Đơn vị báo cáo", "Reporting unit"), organisation.0, organisation.1),
            format!("{}: {}", t(lang, "Hạn gửi", "Due"), plan.reporting.annual.wording.get(lang)),
        ],
        notice: None,
        sections: vec![Section {
            heading: t(lang, "Kết quả thực hiện từng nhiệm vụ", "What was done, duty by duty").to_owned(),
            paragraphs: vec![
                t(
                    lang,
                    "Điền cột “Kết quả”; chỉ tiêu ghi (số) điền một số. Không sửa các cột mã.",
                    "Fill in the “Result” column; fields marked (number) take a number. Do not change the id columns.",
                )
                .to_owned(),
            ],
            charts: Vec::new(),
            tables: vec![Table {
                name: "form".into(),
                caption: format!("{} — {}", a.short.get(lang), year),
                keys: LABELS.iter().map(|l| l.0).collect(),
                labels: (0..LABELS.len()).map(label).collect(),
                rows,
            }],
        }],
    })
}

fn cell_text(c: &Data) -> String {
    match c {
        Data::String(s) => s.trim().to_owned(),
        Data::Float(f) => {
            let d = rust_decimal::Decimal::try_from(*f).map(|d| d.normalize().to_string());
            d.unwrap_or_else(|_| String::new())
        }
        Data::Int(i) => i.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::Empty => String::new(),
        other => other.to_string(),
    }
}

/// A sheet's rows (from row 1 and column A), read a cell at a time within the bounds of
/// `xhht_core::bounds` (a cell past them: its row, its column from 1, and why); `None` for a
/// sheet that cannot be read.
#[allow(clippy::type_complexity)]
fn sheet_rows(
    wb: &mut Xlsx<Cursor<&[u8]>>,
    name: &str,
) -> std::result::Result<Option<Vec<Vec<String>>>, (usize, usize, bounds::BoundError)> {
    let Ok(mut cells) = wb.worksheet_cells_reader(name) else { return Ok(None) };
    let mut rows: Vec<Vec<String>> = Vec::new();
    while let Ok(Some(cell)) = cells.next_cell() {
        let (r, c) = cell.get_position();
        let (r, c) = (r as usize, c as usize);
        let text = cell_text(&Data::from(cell.get_value().clone()));
        if text.is_empty() {
            continue;
        }
        let at = |e| (r + 1, c + 1, e);
        if r as u64 >= bounds::MAX_ROWS {
            return Err(at(bounds::BoundError::TooManyRows { max: bounds::MAX_ROWS }));
        }
        if c >= bounds::MAX_ROW_CELLS {
            return Err(at(bounds::BoundError::TooWide { column: c + 1, max: bounds::MAX_ROW_CELLS }));
        }
        bounds::check_len(&text, bounds::MAX_TEXT_CHARS).map_err(at)?;
        if rows.len() <= r {
            rows.resize(r + 1, Vec::new());
        }
        if let Some(row) = rows.get_mut(r) {
            if row.len() <= c {
                row.resize(c + 1, String::new());
            }
            if let Some(slot) = row.get_mut(c) {
                *slot = bounds::clean_multiline(&text).into_owned();
            }
        }
    }
    Ok(Some(rows))
}

/// Reads a filled form (XLSX). Every problem is reported as `file:row: column: message`; the
/// result has a record for every filled row.
pub fn read_filled_xlsx(bytes: &[u8], file: &str, plan: &Plan) -> std::result::Result<Vec<DutyReport>, Vec<String>> {
    if let Err(e) = bounds::check_workbook(Cursor::new(bytes), bounds::WorkbookLimits::UPLOAD) {
        return Err(vec![format!("{file}: {e}")]);
    }
    let mut wb = match Xlsx::new(Cursor::new(bytes)) {
        Ok(w) => w,
        Err(e) => return Err(vec![format!("{file}: not a readable XLSX file: {e}")]),
    };
    let mut out: Vec<(String, DutyReport)> = Vec::new();
    let mut errors = Vec::new();
    let mut found = false;
    for name in wb.sheet_names() {
        let rows = match sheet_rows(&mut wb, &name) {
            Ok(Some(rows)) => rows,
            Ok(None) => continue,
            Err((row, column, e)) => return Err(vec![format!("{file}:{row}: cột {column} / column {column}: {e}")]),
        };
        let Some((h, header)) =
            rows.iter().enumerate().find(|(_, r)| r.iter().any(|c| c == "Mã nhiệm vụ" || c == "Duty id"))
        else {
            continue;
        };
        found = true;
        let col = |key: &str| -> Option<usize> {
            let (_, vi, en) = LABELS.iter().find(|l| l.0 == key)?;
            header.iter().position(|c| c == vi || c == en)
        };
        let (Some(ca), Some(co), Some(cy), Some(cd), Some(cf), Some(cv)) =
            (col("actor"), col("organisation"), col("year"), col("duty"), col("field"), col("value"))
        else {
            errors.push(format!("{file}:{}: the header lacks one of the id columns", h + 1));
            continue;
        };
        for (i, r) in rows.iter().enumerate().skip(h + 1) {
            let get = |c: usize| r.get(c).cloned().unwrap_or_default();
            let value = get(cv);
            if value.is_empty() {
                continue;
            }
            let at = format!("{file}:{}", i + 1);
            let Ok(year) = get(cy).parse::<i32>() else {
                errors.push(format!("{at}: {}: `{}` is not a year", LABELS[3].1, get(cy)));
                continue;
            };
            out.push((
                at,
                DutyReport { actor: get(ca), organisation: get(co), year, duty: get(cd), field: get(cf), value },
            ));
        }
    }
    if !found {
        errors.push(format!("{file}: no sheet has the form's header (a column “Mã nhiệm vụ” / “Duty id”)"));
    }
    errors.extend(check_duty_reports(plan, None, &out));
    if errors.is_empty() { Ok(out.into_iter().map(|(_, r)| r).collect()) } else { Err(errors) }
}

/// The name of filled report forms as a kind of import (`xhht import duty-reports`, the server's
/// `/imports/duty-reports` and its upload page).
pub const IMPORT_KIND: &str = "duty-reports";

/// Checks duty reports against the plan (and, when given, the organisations on record), each
/// with where it came from (`file:line` or `file: [n]`). Every problem is one message
/// `WHERE: field: message`; none means the reports may be stored:
/// - the duty is a duty of the actor in the plan and the field a field of that duty;
/// - a numeric field holds a number;
/// - the organisation exists and, if it acts as a plan actor, as this one;
/// - no duty field is reported twice for the same organisation and year.
pub fn check_duty_reports(
    plan: &Plan,
    organisations: Option<&[Organisation]>,
    reports: &[(String, DutyReport)],
) -> Vec<String> {
    let mut errors = Vec::new();
    let mut seen = std::collections::HashMap::new();
    for (at, r) in reports {
        let long =
            [(LABELS[2].1, &r.organisation, bounds::MAX_NAME_CHARS), (LABELS[9].1, &r.value, bounds::MAX_TEXT_CHARS)]
                .into_iter()
                .find_map(|(label, v, max)| bounds::check_len(v, max).err().map(|e| (label, e)));
        if let Some((label, e)) = long {
            errors.push(format!("{at}: {label}: {e}"));
            continue;
        }
        let Some(actor) = plan.actor(&r.actor) else {
            errors.push(format!("{at}: {}: `{}` is not an actor of the plan", LABELS[1].1, r.actor));
            continue;
        };
        let Some(d) = actor.duties.iter().find(|d| d.id == r.duty) else {
            errors.push(format!("{at}: {}: `{}` is not a duty of `{}` in the plan", LABELS[4].1, r.duty, r.actor));
            continue;
        };
        let Some(f) = d.report_fields.iter().find(|f| f.id == r.field) else {
            errors.push(format!("{at}: {}: `{}` is not a field of duty `{}`", LABELS[7].1, r.field, r.duty));
            continue;
        };
        if f.numeric && xhht_core::decimal::parse_decimal(&r.value).is_none() {
            errors.push(format!("{at}: {}: `{}` is not a number", LABELS[9].1, r.value));
            continue;
        }
        if let Some(orgs) = organisations {
            match orgs.iter().find(|o| o.code == r.organisation) {
                None => {
                    errors.push(format!("{at}: {}: no organisation `{}` on record", LABELS[2].1, r.organisation));
                    continue;
                }
                Some(o) if o.actor.as_deref().is_some_and(|a| a != r.actor) => {
                    errors.push(format!(
                        "{at}: {}: `{}` reports as `{}`, not as `{}`",
                        LABELS[2].1,
                        r.organisation,
                        o.actor.as_deref().unwrap_or_default(),
                        r.actor
                    ));
                    continue;
                }
                Some(_) => {}
            }
        }
        let key = (&r.actor, &r.organisation, r.year, &r.duty, &r.field);
        if let Some(first) = seen.insert(key, at) {
            errors.push(format!("{at}: {}: `{}` is reported twice (first at {first})", LABELS[7].1, r.field));
        }
    }
    errors
}

#[cfg(test)]
mod tests {
    use super::*;
    use xhht_core::plan::Plan;

    #[test]
    fn every_duty_field_of_the_labour_office_is_a_row_to_fill() {
        let plan = Plan::can_duoc_2024();
        let day = chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap();
        let doc =
            actor_form(plan, "actor.phong-ldtbxh", 2026, ("PLDTBXH-CANDUOC", "Phòng LĐ-TB&XH"), Lang::Vi, day).unwrap();
        let a = plan.actor("actor.phong-ldtbxh").unwrap();
        let fields: usize = a.duties.iter().map(|d| d.report_fields.len()).sum();
        let table = &doc.sections[0].tables[0];
        assert_eq!(table.rows.len(), fields);
        assert!(table.rows.iter().all(|r| r[9] == Cell::Empty));
        assert!(actor_form(plan, "actor.nobody", 2026, ("X", "X"), Lang::Vi, day).is_err());
    }
}
