//! XLSX: the report as a workbook officials can sort, filter, recompute and re-chart.
//!
//! # Layout
//!
//! - The first sheet, "Báo cáo" ("Report" in English), holds the title, the issuer, the lines
//!   under the title, the notice and each section's paragraphs, with a link to the sheet of each
//!   of the section's tables.
//! - Then one sheet per table, named after [`Table::name`] (made Excel-safe: at most 31
//!   characters, none of `[]:*?/\`, unique without regard to case). Row 1 is the caption; row 2
//!   the column labels, bold, with an autofilter; the panes are frozen below row 2; the data
//!   start on row 3. Columns are fitted to their contents (long text capped and wrapped, and
//!   its rows made tall enough, which LibreOffice does not do by itself on opening).
//! - Cells are typed: whole numbers and decimals are numbers; **percentages are plain numbers
//!   in percent units** (85.5 means 85.5%, as in the text formats), in a column whose label
//!   already says "(%)", so a formula over them needs no rescaling; dates are Excel dates shown
//!   `dd/mm/yyyy`; years are numbers; an absent percentage or an empty cell is a blank cell.
//! - Charts are native Excel charts referring to the cells, so officials can edit them:
//!   - [`Chart::Progress`]: a line chart on the table of the yearly series (the share and the
//!     straight path), with the target as a constant series written in a helper column to the
//!     right of the table (one blank column between);
//!   - [`Chart::Bars`]: a bar chart on the table by area;
//!   - [`Chart::Status`]: a pie chart on a small status table written on its own sheet.
//!
//!   A chart finds its table by content (the table whose cells say exactly what the chart
//!   says); if none does, its numbers are written on a sheet of their own.
//!
//! The document properties are set from the document (title, issuer) and the creation date is
//! the report's "as of" day ([`Document::as_of`]), never the clock. The ZIP
//! entries carry a fixed timestamp, so the same document gives the same bytes.

use std::collections::HashSet;

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use rust_xlsxwriter::{
    Chart as XChart, ChartFont, ChartLegendPosition, ChartLine, ChartLineDashType, ChartMarker, ChartMarkerType,
    ChartType, DocProperties, ExcelDateTime, Format, FormatAlign, FormatBorder, Url, Workbook, Worksheet, XlsxError,
};
use xhht_core::Lang;

use crate::doc::{Cell, Chart, Document, Table};
use crate::error::{Error, Result};

/// Excel's limit on the length of a sheet name.
const SHEET_NAME_MAX: usize = 31;
/// Column widths, in Excel's units (about one character of the text each): the narrowest and
/// the widest a column is fitted to; longer text wraps.
const MIN_COLUMN: usize = 6;
const MAX_COLUMN: usize = 60;
/// The width of the report sheet's one column.
const REPORT_COLUMN: usize = 110;
/// The height of a line of 12 pt text, in points.
const LINE_PT: u32 = 16;
/// Chart size in pixels.
const CHART_W: u32 = 640;
const CHART_H: u32 = 320;

fn err(e: XlsxError) -> Error {
    Error::Render { format: "xlsx", message: e.to_string() }
}

fn l(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// An Excel-safe sheet name for `wanted`, unique among `taken` (compared without case, as Excel
/// does); records the name in `taken`.
fn sheet_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = wanted
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { '-' } else { c })
        .collect();
    base = base.trim_matches(|c: char| c == '\'' || c.is_whitespace()).to_owned();
    if base.is_empty() || base.eq_ignore_ascii_case("history") {
        base = format!("{base}sheet");
    }
    let cut = |s: &str, n: usize| -> String {
        // Excel counts UTF-16 units; keep whole characters.
        let mut out = String::new();
        let mut units = 0;
        for c in s.chars() {
            units += c.len_utf16();
            if units > n {
                break;
            }
            out.push(c);
        }
        out.trim_end_matches('\'').to_owned()
    };
    let mut name = cut(&base, SHEET_NAME_MAX);
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!("~{n}");
        name = format!("{}{suffix}", cut(&base, SHEET_NAME_MAX - suffix.len()));
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

fn num(d: Decimal) -> f64 {
    d.to_f64().unwrap_or(0.0)
}

fn excel_date(d: NaiveDate) -> Result<ExcelDateTime> {
    let bad = |_| Error::Render { format: "xlsx", message: format!("date out of Excel's range: {d}") };
    let y = u16::try_from(d.year()).map_err(bad)?;
    let m = u8::try_from(d.month()).map_err(bad)?;
    let day = u8::try_from(d.day()).map_err(bad)?;
    ExcelDateTime::from_ymd(y, m, day).map_err(err)
}

/// The cell formats used throughout.
struct Formats {
    title: Format,
    bold: Format,
    caption: Format,
    header: Format,
    text: Format,
    int: Format,
    general: Format,
    date: Format,
    notice: Format,
    para: Format,
    italic: Format,
    link: Format,
}

impl Formats {
    fn new() -> Self {
        let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
        let para = font(Format::new()).set_text_wrap().set_align(FormatAlign::Top);
        Self {
            title: font(Format::new()).set_bold().set_font_size(14).set_text_wrap().set_align(FormatAlign::Center),
            bold: font(Format::new()).set_bold().set_text_wrap(),
            caption: font(Format::new()).set_bold().set_font_size(13),
            header: font(Format::new())
                .set_bold()
                .set_text_wrap()
                .set_align(FormatAlign::Center)
                .set_align(FormatAlign::VerticalCenter)
                .set_background_color("#E7EDF5")
                .set_border(FormatBorder::Thin),
            text: font(Format::new()).set_text_wrap().set_align(FormatAlign::Top).set_border(FormatBorder::Thin),
            int: font(Format::new()).set_num_format("#,##0").set_align(FormatAlign::Top).set_border(FormatBorder::Thin),
            general: font(Format::new()).set_align(FormatAlign::Top).set_border(FormatBorder::Thin),
            date: font(Format::new())
                .set_num_format("dd/mm/yyyy")
                .set_align(FormatAlign::Top)
                .set_align(FormatAlign::Left)
                .set_border(FormatBorder::Thin),
            notice: font(Format::new())
                .set_bold()
                .set_text_wrap()
                .set_font_color("#7C2D12")
                .set_background_color("#FFFBEB")
                .set_border(FormatBorder::Medium)
                .set_border_color("#B45309"),
            para: para.clone(),
            italic: para.set_italic(),
            link: font(Format::new()).set_underline(rust_xlsxwriter::FormatUnderline::Single).set_font_color("#1D4ED8"),
        }
    }
}

/// A sheet to write: a table of the document, or one written for a chart.
#[derive(Debug)]
struct Sheet {
    name: String,
    table: Table,
    /// Charts drawn on this sheet's table.
    charts: Vec<Chart>,
}

fn key(t: &Table, k: &str) -> Option<usize> {
    t.keys.iter().position(|x| *x == k)
}

/// Does `t` hold exactly the points of a progress chart?
fn holds_progress(t: &Table, points: &[(i32, Option<Decimal>, Option<Decimal>)]) -> bool {
    let (Some(y), Some(s), Some(p)) = (key(t, "year"), key(t, "share"), key(t, "path")) else { return false };
    t.rows.len() == points.len()
        && t.rows.iter().zip(points).all(|(r, (yr, share, path))| {
            r.get(y) == Some(&Cell::Year(*yr))
                && r.get(s) == Some(&Cell::Pct(*share))
                && r.get(p) == Some(&Cell::Pct(*path))
        })
}

/// Does `t` hold exactly the bars of a bar chart?
fn holds_bars(t: &Table, bars: &[(String, Option<Decimal>)]) -> bool {
    let (Some(lab), Some(s)) = (key(t, "label"), key(t, "share")) else { return false };
    t.rows.len() == bars.len()
        && t.rows.iter().zip(bars).all(|(r, (label, share))| {
            r.get(lab) == Some(&Cell::Text(label.clone())) && r.get(s) == Some(&Cell::Pct(*share))
        })
}

/// The sheets to write, with each chart attached to the sheet holding its numbers.
fn plan_sheets(doc: &Document, taken: &mut HashSet<String>) -> Vec<Sheet> {
    let lang = doc.lang;
    let mut sheets: Vec<Sheet> = Vec::new();
    for s in doc.all_sections() {
        for t in &s.tables {
            sheets.push(Sheet { name: sheet_name(&t.name, taken), table: t.clone(), charts: Vec::new() });
        }
    }
    let mut extra = 0usize;
    for s in &doc.sections {
        for c in &s.charts {
            let found = match c {
                Chart::Progress { points, .. } => sheets.iter().position(|sh| holds_progress(&sh.table, points)),
                Chart::Bars { bars, .. } => sheets.iter().position(|sh| holds_bars(&sh.table, bars)),
                Chart::Status { .. } => None,
            };
            if let Some(i) = found {
                if let Some(sh) = sheets.get_mut(i) {
                    sh.charts.push(c.clone());
                }
                continue;
            }
            extra += 1;
            let stem = s.tables.first().map_or_else(|| format!("chart-{extra}"), |t| format!("{}-chart", t.name));
            let table = chart_table(c, lang);
            sheets.push(Sheet { name: sheet_name(&stem, taken), table, charts: vec![c.clone()] });
        }
    }
    sheets
}

/// A small table holding a chart's own numbers (for a chart no document table holds).
fn chart_table(c: &Chart, lang: Lang) -> Table {
    match c {
        Chart::Progress { caption, points, legend, .. } => Table {
            name: String::new(),
            caption: caption.clone(),
            keys: vec!["year", "share", "path"],
            labels: vec![l(lang, "Năm", "Year").to_owned(), legend[0].clone(), legend[1].clone()],
            rows: points.iter().map(|(y, s, p)| vec![Cell::Year(*y), Cell::Pct(*s), Cell::Pct(*p)]).collect(),
        },
        Chart::Bars { caption, bars } => Table {
            name: String::new(),
            caption: caption.clone(),
            keys: vec!["label", "share"],
            labels: vec![l(lang, "Địa bàn", "Area").to_owned(), l(lang, "Tỷ lệ (%)", "Share (%)").to_owned()],
            rows: bars.iter().map(|(b, s)| vec![Cell::Text(b.clone()), Cell::Pct(*s)]).collect(),
        },
        Chart::Status { caption, parts } => Table {
            name: String::new(),
            caption: caption.clone(),
            keys: vec!["status", "count"],
            labels: vec![l(lang, "Tình trạng", "Status").to_owned(), l(lang, "Số lượng", "Count").to_owned()],
            rows: parts.iter().map(|(label, n, _)| vec![Cell::Text(label.clone()), Cell::Int(*n)]).collect(),
        },
    }
}

/// Row and column numbers of the table layout.
const CAPTION_ROW: u32 = 0;
const HEADER_ROW: u32 = 1;
const FIRST_DATA_ROW: u32 = 2;

fn col(i: usize) -> Result<u16> {
    u16::try_from(i).map_err(|_| Error::Render { format: "xlsx", message: format!("too many columns: {i}") })
}

fn row(i: usize) -> Result<u32> {
    u32::try_from(i).map_err(|_| Error::Render { format: "xlsx", message: format!("too many rows: {i}") })
}

fn write_cell(ws: &mut Worksheet, r: u32, c: u16, cell: &Cell, f: &Formats) -> Result<()> {
    match cell {
        Cell::Text(s) if s.is_empty() => ws.write_blank(r, c, &f.text).map(|_| ()),
        Cell::Text(s) => ws.write_string_with_format(r, c, s, &f.text).map(|_| ()),
        Cell::Int(n) => ws.write_number_with_format(r, c, u64_to_f64(*n), &f.int).map(|_| ()),
        Cell::Dec(d) | Cell::Pct(Some(d)) => ws.write_number_with_format(r, c, num(*d), &f.general).map(|_| ()),
        Cell::Year(y) => ws.write_number_with_format(r, c, f64::from(*y), &f.general).map(|_| ()),
        Cell::Date(d) => ws.write_datetime_with_format(r, c, excel_date(*d)?, &f.date).map(|_| ()),
        Cell::Pct(None) | Cell::Empty => ws.write_blank(r, c, &f.general).map(|_| ()),
    }
    .map_err(err)
}

fn u64_to_f64(n: u64) -> f64 {
    // Counts of people and organisations: far below 2^53, so exact.
    Decimal::from(n).to_f64().unwrap_or(0.0)
}

/// The length of a cell as shown, in characters.
fn shown_len(c: &Cell) -> usize {
    match c {
        Cell::Text(s) => s.chars().count(),
        Cell::Int(n) => {
            let digits = n.to_string().len();
            digits + (digits - 1) / 3
        }
        Cell::Dec(_) | Cell::Pct(_) | Cell::Year(_) => c.plain().len(),
        Cell::Date(_) => 10,
        Cell::Empty => 0,
    }
}

/// The lines `len` characters take in a column `width` wide, wrapping at spaces.
fn lines_in(len: usize, width: usize) -> usize {
    // As in `fit`: nine tenths of a unit a character, and a wrapped line holds a little less
    // than the column (words do not split).
    (len * 9 / 10).div_ceil(width.saturating_sub(3).max(1)).max(1)
}

/// Fits the columns to their contents (between [`MIN_COLUMN`] and [`MAX_COLUMN`]) and gives
/// each row with wrapped text the height it needs. Done here rather than by Excel's autofit
/// because the row heights need the widths, and LibreOffice does not grow rows to wrapped
/// text on opening; `helpers` columns (the charts' constant series) follow the table.
fn fit(ws: &mut Worksheet, t: &Table, helpers: u16) -> Result<()> {
    let n = t.labels.len();
    let widths: Vec<usize> = (0..n)
        .map(|c| {
            let label = t.labels.get(c).map_or(0, |l| l.chars().count());
            let cells = t.rows.iter().filter_map(|r| r.get(c)).map(shown_len).max().unwrap_or(0);
            // Times New Roman is narrower than the digits Excel measures columns in.
            (label.max(cells) * 9 / 10 + 3).clamp(MIN_COLUMN, MAX_COLUMN)
        })
        .collect();
    for (c, w) in widths.iter().enumerate() {
        ws.set_column_width(col(c)?, u32::try_from(*w).unwrap_or(60)).map_err(err)?;
    }
    for c in col(n + 1)?..helpers {
        ws.set_column_width(c, 14).map_err(err)?;
    }
    for (ri, r) in t.rows.iter().enumerate() {
        let lines = r
            .iter()
            .zip(&widths)
            .filter(|(c, _)| matches!(c, Cell::Text(_)))
            .map(|(c, w)| lines_in(shown_len(c), *w))
            .max()
            .unwrap_or(1);
        if lines > 1 {
            let pt = LINE_PT * u32::try_from(lines).unwrap_or(1);
            ws.set_row_height(FIRST_DATA_ROW + row(ri)?, pt).map_err(err)?;
        }
    }
    Ok(())
}

/// Writes one table sheet with its charts.
fn write_table_sheet(ws: &mut Worksheet, sh: &Sheet, lang: Lang, f: &Formats) -> Result<()> {
    let t = &sh.table;
    ws.set_name(&sh.name).map_err(err)?;
    let ncols = t.labels.len().max(1);
    for (i, label) in t.labels.iter().enumerate() {
        ws.write_string_with_format(HEADER_ROW, col(i)?, label, &f.header).map_err(err)?;
    }
    for (ri, r) in t.rows.iter().enumerate() {
        let rr = FIRST_DATA_ROW + row(ri)?;
        for (ci, cell) in r.iter().enumerate() {
            write_cell(ws, rr, col(ci)?, cell, f)?;
        }
    }
    let last_row = HEADER_ROW + row(t.rows.len())?;
    let last_col = col(ncols - 1)?;
    ws.autofilter(HEADER_ROW, 0, last_row, last_col).map_err(err)?;
    ws.set_freeze_panes(FIRST_DATA_ROW, 0).map_err(err)?;
    // Printed on A4 landscape, as wide as the page, the labels repeated on every page.
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW).map_err(err)?;
    // Progress charts need the target as a constant series: a helper column right beside the
    // table.
    let mut next_free = col(ncols)?;
    let mut target_cols = Vec::new();
    for c in &sh.charts {
        if let Chart::Progress { target, legend, .. } = c {
            let label = format!("{} (%)", legend[2]);
            ws.write_string_with_format(HEADER_ROW, next_free, &label, &f.header).map_err(err)?;
            for ri in 0..t.rows.len() {
                ws.write_number_with_format(FIRST_DATA_ROW + row(ri)?, next_free, num(target.0), &f.general)
                    .map_err(err)?;
            }
            target_cols.push(next_free);
            next_free += 1;
        }
    }
    fit(ws, t, next_free)?;
    ws.write_string_with_format(CAPTION_ROW, 0, &t.caption, &f.caption).map_err(err)?;
    let chart_col = next_free + 1;
    let mut chart_row = HEADER_ROW;
    let mut targets = target_cols.into_iter();
    for c in &sh.charts {
        let mut chart = match c {
            Chart::Progress { caption, .. } => {
                let target_col = targets.next();
                progress_chart(&sh.name, t, caption, target_col, lang)
            }
            Chart::Bars { caption, .. } => bars_chart(&sh.name, t, caption, lang),
            Chart::Status { caption, parts } => status_chart(&sh.name, t, caption, parts),
        };
        if let Some(chart) = chart.as_mut() {
            chart.set_width(CHART_W).set_height(CHART_H);
            ws.insert_chart(chart_row, chart_col, chart).map_err(err)?;
            chart_row += 18;
        }
    }
    Ok(())
}

fn data_rows(t: &Table) -> Option<(u32, u32)> {
    let n = u32::try_from(t.rows.len()).ok()?;
    (n > 0).then(|| (FIRST_DATA_ROW, FIRST_DATA_ROW + n - 1))
}

/// Chart titles are long captions: smaller than Excel's default.
fn title_font() -> ChartFont {
    let mut font = ChartFont::new();
    font.set_size(11).set_bold();
    font
}

fn progress_chart(sheet: &str, t: &Table, caption: &str, target_col: Option<u16>, lang: Lang) -> Option<XChart> {
    let (first, last) = data_rows(t)?;
    let year = col(key(t, "year")?).ok()?;
    let mut chart = XChart::new(ChartType::Line);
    chart.title().set_name(caption).set_font(&title_font());
    let mut series = vec![(col(key(t, "share")?).ok()?, "#1D4ED8", ChartLineDashType::Solid, true)];
    series.push((col(key(t, "path")?).ok()?, "#9CA3AF", ChartLineDashType::Dash, false));
    if let Some(tc) = target_col {
        series.push((tc, "#DC2626", ChartLineDashType::RoundDot, false));
    }
    for (c, colour, dash, marker) in series {
        let s = chart
            .add_series()
            .set_name((sheet, HEADER_ROW, c))
            .set_categories((sheet, first, year, last, year))
            .set_values((sheet, first, c, last, c))
            .set_format(ChartLine::new().set_color(colour).set_width(2.25).set_dash_type(dash));
        if marker {
            s.set_marker(ChartMarker::new().set_type(ChartMarkerType::Circle).set_size(7));
        } else {
            s.set_marker(ChartMarker::new().set_none());
        }
    }
    chart.x_axis().set_name(l(lang, "Năm", "Year"));
    chart.y_axis().set_min(0).set_max(100).set_major_unit(25).set_num_format("0\"%\"");
    chart.legend().set_position(ChartLegendPosition::Bottom);
    Some(chart)
}

fn bars_chart(sheet: &str, t: &Table, caption: &str, lang: Lang) -> Option<XChart> {
    let (first, last) = data_rows(t)?;
    let label = col(key(t, "label")?).ok()?;
    let share = col(key(t, "share")?).ok()?;
    let mut chart = XChart::new(ChartType::Bar);
    chart.title().set_name(caption).set_font(&title_font());
    chart
        .add_series()
        .set_name((sheet, HEADER_ROW, share))
        .set_categories((sheet, first, label, last, label))
        .set_values((sheet, first, share, last, share))
        .set_format(rust_xlsxwriter::ChartSolidFill::new().set_color("#1D4ED8"))
        .set_data_label(rust_xlsxwriter::ChartDataLabel::new().show_value().set_num_format("0.##\"%\""));
    // In a bar chart the categories run up the y axis (reversed: the table's order, top down)
    // and the values along the x axis.
    chart.y_axis().set_reverse();
    chart.x_axis().set_min(0).set_max(100).set_major_unit(25).set_num_format("0\"%\"").set_name(l(
        lang,
        "Tỷ lệ (%)",
        "Share (%)",
    ));
    chart.legend().set_hidden();
    Some(chart)
}

fn status_chart(sheet: &str, t: &Table, caption: &str, parts: &[(String, u64, &'static str)]) -> Option<XChart> {
    let (first, last) = data_rows(t)?;
    let mut chart = XChart::new(ChartType::Pie);
    chart.title().set_name(caption).set_font(&title_font());
    let colours: Vec<&str> = parts
        .iter()
        .map(|p| match p.2 {
            "ok" => "#16A34A",
            "late" => "#F59E0B",
            "missing" => "#DC2626",
            _ => "#94A3B8",
        })
        .collect();
    chart
        .add_series()
        .set_name((sheet, HEADER_ROW, 1))
        .set_categories((sheet, first, 0, last, 0))
        .set_values((sheet, first, 1, last, 1))
        .set_point_colors(&colours)
        .set_data_label(rust_xlsxwriter::ChartDataLabel::new().show_value());
    chart.legend().set_position(ChartLegendPosition::Right);
    Some(chart)
}

/// Writes the first sheet: the report's text, with links to the tables' sheets.
fn write_report_sheet(ws: &mut Worksheet, doc: &Document, sheets: &[Sheet], f: &Formats) -> Result<()> {
    let lang = doc.lang;
    ws.set_column_width(0, u32::try_from(REPORT_COLUMN).unwrap_or(110)).map_err(err)?;
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    let mut r = 0u32;
    let put = |ws: &mut Worksheet, r: &mut u32, text: &str, fmt: &Format| -> Result<()> {
        ws.write_string_with_format(*r, 0, text, fmt).map_err(err)?;
        // Wrapped text gets the height it needs.
        let lines = lines_in(text.chars().count(), REPORT_COLUMN);
        if lines > 1 {
            ws.set_row_height(*r, LINE_PT * u32::try_from(lines).unwrap_or(1)).map_err(err)?;
        }
        *r += 1;
        Ok(())
    };
    put(ws, &mut r, &doc.issuer.to_uppercase(), &f.bold)?;
    put(ws, &mut r, "", &f.para)?;
    // The title: 14 pt bold upper case, about four fifths as many letters a line.
    ws.write_string_with_format(r, 0, &doc.title, &f.title).map_err(err)?;
    let lines = lines_in(doc.title.chars().count(), REPORT_COLUMN * 4 / 5);
    ws.set_row_height(r, 20 * u32::try_from(lines).unwrap_or(1)).map_err(err)?;
    r += 1;
    for line in &doc.subtitle {
        put(ws, &mut r, line, &f.para)?;
    }
    if let Some(n) = &doc.notice {
        put(ws, &mut r, "", &f.para)?;
        put(ws, &mut r, n, &f.notice)?;
    }
    let mut next_sheet = 0usize;
    for s in doc.all_sections() {
        put(ws, &mut r, "", &f.para)?;
        put(ws, &mut r, &s.heading, &f.bold)?;
        for p in &s.paragraphs {
            put(ws, &mut r, p, &f.para)?;
        }
        for t in &s.tables {
            let Some(sh) = sheets.get(next_sheet) else { break };
            next_sheet += 1;
            let url = Url::new(format!("internal:'{}'!A1", sh.name.replace('\'', "''"))).set_text(format!(
                "{} {} — {}",
                l(lang, "Bảng", "Table"),
                sh.name,
                t.caption
            ));
            ws.write_url_with_format(r, 0, url, &f.link).map_err(err)?;
            r += 1;
        }
        if !s.charts.is_empty() {
            put(
                ws,
                &mut r,
                l(
                    lang,
                    "Biểu đồ của mục này nằm trên trang tính của bảng số liệu tương ứng.",
                    "The charts of this section are on the sheets of their tables.",
                ),
                &f.italic,
            )?;
        }
    }
    put(ws, &mut r, "", &f.para)?;
    put(ws, &mut r, &doc.place_date, &f.italic)?;
    Ok(())
}

/// The document as an XLSX workbook.
pub fn render(doc: &Document) -> Result<Vec<u8>> {
    let f = Formats::new();
    let mut taken = HashSet::new();
    let report_name = sheet_name(l(doc.lang, "Báo cáo", "Report"), &mut taken);
    let sheets = plan_sheets(doc, &mut taken);
    let mut wb = Workbook::new();
    let mut props = DocProperties::new()
        .set_title(&doc.title)
        .set_author(&doc.issuer)
        .set_company(&doc.issuer)
        .set_subject(doc.subtitle.first().map_or("", String::as_str))
        .set_comment(doc.notice.as_deref().unwrap_or(""));
    // The creation date is the report's as-of day (never the clock); without one, a fixed day.
    let created = excel_date(doc.as_of)?;
    props = props.set_creation_datetime(&created);
    wb.set_properties(&props);
    {
        let ws = wb.add_worksheet();
        ws.set_name(&report_name).map_err(err)?;
        write_report_sheet(ws, doc, &sheets, &f)?;
    }
    for sh in &sheets {
        let ws = wb.add_worksheet();
        write_table_sheet(ws, sh, doc.lang, &f)?;
    }
    wb.save_to_buffer().map_err(err)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sheet_names_are_excel_safe_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("deadlines", &mut taken), "deadlines");
        assert_eq!(sheet_name("Deadlines", &mut taken), "Deadlines~2");
        assert_eq!(sheet_name("a/b:c*d?e[f]g\\h", &mut taken), "a-b-c-d-e-f-g-h");
        let long = "citizen-title-milestones-and-some-more-words";
        let a = sheet_name(long, &mut taken);
        let b = sheet_name(long, &mut taken);
        assert_eq!(a.chars().count(), 31);
        assert!(b.chars().count() <= 31 && b.ends_with("~2") && a != b);
        assert_eq!(sheet_name("'quoted'", &mut taken), "quoted");
        assert_eq!(sheet_name("", &mut taken), "sheet");
        assert_eq!(sheet_name("History", &mut taken), "Historysheet");
    }
}
