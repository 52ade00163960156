//! XLSX: the report as a workbook officials can sort, filter, recompute and re-chart.
//!
//! # Layout
//!
//! - The first sheet, "Báo cáo" ("Report" in English), is the report laid out as the DOCX
//!   lays it out, in the frame of Nghị định 30/2020: in two columns on top, the body the issuer
//!   belongs to (upper case), the issuer (upper case, bold) and the number symbol on the left,
//!   the national title (bold), the motto and the place-and-date line on the right; then,
//!   across both columns, the title, the lines under it, the notice and each section's
//!   paragraphs, with a link to the sheet of each of the section's tables ("Bảng 3. … (trang
//!   tính “ĐVHT theo địa bàn”)"); then "Nơi nhận:" and the recipients on the left, the
//!   signature lines, room to sign and the signer's name on the right; then the appendices
//!   (phụ lục), each with a link to its list's sheet.
//! - Then one sheet per table, named in the report's language (module `names`: a short name
//!   for each of the report's tables, e.g. "ĐVHT theo năm", "Đủ điều kiện khen thưởng" /
//!   "Learning units by year", "Eligible for rewards"; for a table it does not know, one made
//!   from the caption), Excel-safe (at most 31 characters, none of `[]:*?/\`, unique without
//!   regard to case: a repeated name gets " (2)"). Row 1 is the caption; row 2 the column
//!   labels, bold, with an autofilter over every column written (the charts' helper column
//!   too); the panes are frozen below row 2; the data start on row 3. Columns are fitted to
//!   their contents (long text capped and wrapped, and its rows made tall enough, which
//!   LibreOffice does not do by itself on opening).
//! - Cells are typed: whole numbers and decimals are numbers; **percentages are plain numbers
//!   in percent units** (85.5 means 85.5%, as in the text formats), in a column whose label
//!   already says "(%)", so a formula over them needs no rescaling; dates are Excel dates shown
//!   `dd/mm/yyyy`; years are numbers; an absent percentage or an empty cell is a blank cell.
//! - Charts are native Excel charts referring to the cells, so officials can edit them:
//!   - [`Chart::Progress`]: a line chart on the table of the yearly series (the share and the
//!     straight path), with the target as a constant series written in a helper column right
//!     beside the table, and, where the rules that decide the title change, a thin column at
//!     100% in the first year under the new rules (the vertical rule of the SVG chart; its
//!     legend names the new document) from a second helper column;
//!   - [`Chart::Bars`]: a bar chart on the table by area;
//!   - [`Chart::Status`]: a pie chart on a small status table written on its own sheet.
//!
//!   A chart finds its table by content (the table whose cells say exactly what the chart
//!   says); if none does, its numbers are written on a sheet of their own ("Biểu đồ Nộp báo
//!   cáo", "Reports received chart").
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

use crate::doc::{Cell, Chart, Document, Section, Table};
use crate::error::{Error, Result};

mod names;

use names::{sheet_name, wanted};

/// Column widths, in Excel's units (about one character of the text each): the narrowest and
/// the widest a column is fitted to; longer text wraps.
const MIN_COLUMN: usize = 6;
const MAX_COLUMN: usize = 60;
/// The widths of the report sheet's two columns (the heading block's and the signature's
/// sides), and of both together, where the text runs.
const REPORT_LEFT: usize = 46;
const REPORT_RIGHT: usize = 64;
const REPORT_COLUMN: usize = REPORT_LEFT + REPORT_RIGHT;
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
    center: Format,
    center_bold: Format,
    center_italic: Format,
    motto: Format,
    bold_italic: Format,
    small: Format,
}

impl Formats {
    fn new() -> Self {
        let font = |f: Format| f.set_font_name("Times New Roman").set_font_size(12);
        let para = font(Format::new()).set_text_wrap().set_align(FormatAlign::Top);
        let centred = font(Format::new()).set_text_wrap().set_align(FormatAlign::Center);
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
            link: font(Format::new())
                .set_underline(rust_xlsxwriter::FormatUnderline::Single)
                .set_font_color("#1D4ED8")
                .set_text_wrap()
                .set_align(FormatAlign::Top),
            center: centred.clone(),
            center_bold: centred.clone().set_bold(),
            center_italic: centred.clone().set_italic(),
            motto: centred.set_bold().set_underline(rust_xlsxwriter::FormatUnderline::Single),
            bold_italic: font(Format::new()).set_bold().set_italic(),
            small: font(Format::new()).set_font_size(11).set_text_wrap().set_align(FormatAlign::Top),
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
            sheets.push(Sheet { name: sheet_name(&wanted(t, lang), taken), table: t.clone(), charts: Vec::new() });
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
            let chart = l(lang, "Biểu đồ", "Chart");
            let stem = s.tables.first().map_or_else(
                || format!("{chart} {extra}"),
                |t| match lang {
                    Lang::Vi => format!("{chart} {}", wanted(t, lang)),
                    Lang::En => format!("{} {}", wanted(t, lang), chart.to_lowercase()),
                },
            );
            let table = c.table(lang);
            sheets.push(Sheet { name: sheet_name(&stem, taken), table, charts: vec![c.clone()] });
        }
    }
    sheets
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
    for c in col(n)?..helpers {
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
    ws.set_freeze_panes(FIRST_DATA_ROW, 0).map_err(err)?;
    // Printed on A4 landscape, as wide as the page, the labels repeated on every page.
    ws.set_paper_size(9).set_landscape().set_print_fit_to_pages(1, 0);
    ws.set_repeat_rows(HEADER_ROW, HEADER_ROW).map_err(err)?;
    // Progress charts need the target as a constant series: a helper column right beside the
    // table.
    let mut next_free = col(ncols)?;
    let mut target_cols = Vec::new();
    for c in &sh.charts {
        if let Chart::Progress { target, legend, breaks, .. } = c {
            let label = format!("{} (%)", legend[2]);
            ws.write_string_with_format(HEADER_ROW, next_free, &label, &f.header).map_err(err)?;
            for ri in 0..t.rows.len() {
                ws.write_number_with_format(FIRST_DATA_ROW + row(ri)?, next_free, num(target.0), &f.general)
                    .map_err(err)?;
            }
            // Where the rules change: a column of 100 in the first year under the new rules,
            // drawn as a thin bar across the chart (Excel has no vertical rule).
            let mut break_col = None;
            if !breaks.is_empty() {
                let names: Vec<String> = breaks.iter().map(|(_, doc)| doc.clone()).collect();
                let label = format!("{} ({})", l(lang, "Đổi căn cứ xét", "Rules change"), names.join(", "));
                ws.write_string_with_format(HEADER_ROW, next_free + 1, &label, &f.header).map_err(err)?;
                let year_col = key(t, "year");
                for (ri, r) in t.rows.iter().enumerate() {
                    let y = year_col
                        .and_then(|k| r.get(k))
                        .and_then(|c| if let Cell::Year(y) = c { Some(*y) } else { None });
                    if y.is_some_and(|y| breaks.iter().any(|(b, _)| *b == y)) {
                        ws.write_number_with_format(FIRST_DATA_ROW + row(ri)?, next_free + 1, 100.0, &f.general)
                            .map_err(err)?;
                    }
                }
                break_col = Some(next_free + 1);
            }
            target_cols.push((next_free, break_col));
            next_free += if break_col.is_some() { 2 } else { 1 };
        }
    }
    fit(ws, t, next_free)?;
    // The filter covers every column written, the charts' helper columns too.
    let last_row = HEADER_ROW + row(t.rows.len())?;
    ws.autofilter(HEADER_ROW, 0, last_row, next_free.saturating_sub(1)).map_err(err)?;
    ws.write_string_with_format(CAPTION_ROW, 0, &t.caption, &f.caption).map_err(err)?;
    let chart_col = next_free + 1;
    let mut chart_row = HEADER_ROW;
    let mut targets = target_cols.into_iter();
    for c in &sh.charts {
        let mut chart = match c {
            Chart::Progress { caption, .. } => {
                let (target_col, break_col) = targets.next().map_or((None, None), |(t, b)| (Some(t), b));
                progress_chart(&sh.name, t, caption, target_col, break_col, lang)
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

fn progress_chart(
    sheet: &str,
    t: &Table,
    caption: &str,
    target_col: Option<u16>,
    break_col: Option<u16>,
    lang: Lang,
) -> Option<XChart> {
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
    if let Some(bc) = break_col {
        let mut rule = XChart::new(ChartType::Column);
        rule.add_series()
            .set_name((sheet, HEADER_ROW, bc))
            .set_categories((sheet, first, year, last, year))
            .set_values((sheet, first, bc, last, bc))
            .set_format(rust_xlsxwriter::ChartSolidFill::new().set_color("#7C3AED").set_transparency(55))
            .set_gap(500);
        chart.combine(&rule);
    }
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

/// The report sheet's layout: a left column (the issuer, the recipients) and a right one (the
/// national title, the signature), merged for the text between them.
const LEFT: u16 = 0;
const RIGHT: u16 = 1;

/// Writes the report sheet row by row.
struct ReportSheet<'a> {
    ws: &'a mut Worksheet,
    r: u32,
}

impl ReportSheet<'_> {
    /// `text` across both columns, its row as tall as its wrapped lines.
    fn wide(&mut self, text: &str, fmt: &Format) -> Result<()> {
        if text.is_empty() {
            self.r += 1;
            return Ok(());
        }
        self.ws.merge_range(self.r, LEFT, self.r, RIGHT, text, fmt).map_err(err)?;
        self.fit_row(&[(text, REPORT_COLUMN)])?;
        self.r += 1;
        Ok(())
    }

    /// One row of the two columns.
    fn pair(&mut self, left: Option<(&str, &Format)>, right: Option<(&str, &Format)>) -> Result<()> {
        for (c, cell) in [(LEFT, left), (RIGHT, right)] {
            if let Some((text, fmt)) = cell.filter(|(t, _)| !t.is_empty()) {
                self.ws.write_string_with_format(self.r, c, text, fmt).map_err(err)?;
            }
        }
        let texts = [(left.map_or("", |x| x.0), REPORT_LEFT), (right.map_or("", |x| x.0), REPORT_RIGHT)];
        self.fit_row(&texts)?;
        self.r += 1;
        Ok(())
    }

    fn fit_row(&mut self, texts: &[(&str, usize)]) -> Result<()> {
        let lines = texts.iter().map(|(t, w)| lines_in(t.chars().count(), *w)).max().unwrap_or(1);
        if lines > 1 {
            self.ws.set_row_height(self.r, LINE_PT * u32::try_from(lines).unwrap_or(1)).map_err(err)?;
        }
        Ok(())
    }

    /// A link to a table's sheet, across both columns.
    fn link(&mut self, sheet: &str, text: &str, fmt: &Format) -> Result<()> {
        self.ws.merge_range(self.r, LEFT, self.r, RIGHT, "", fmt).map_err(err)?;
        let url = Url::new(format!("internal:'{}'!A1", sheet.replace('\'', "''"))).set_text(text);
        self.ws.write_url_with_format(self.r, LEFT, url, fmt).map_err(err)?;
        self.fit_row(&[(text, REPORT_COLUMN)])?;
        self.r += 1;
        Ok(())
    }
}

/// Writes the first sheet: the report laid out as the DOCX lays it out (Decree 30/2020's
/// frame: the heading block, the title, the body, "Nơi nhận" and the signature, then the
/// appendices), with links to the tables' sheets.
fn write_report_sheet(ws: &mut Worksheet, doc: &Document, sheets: &[Sheet], f: &Formats) -> Result<()> {
    let lang = doc.lang;
    let width = |w: usize| u32::try_from(w).unwrap_or(60);
    ws.set_column_width(LEFT, width(REPORT_LEFT)).map_err(err)?;
    ws.set_column_width(RIGHT, width(REPORT_RIGHT)).map_err(err)?;
    ws.set_paper_size(9).set_print_fit_to_pages(1, 0);
    let mut w = ReportSheet { ws, r: 0 };
    // The heading block: the issuer under its parent, the number; the national title, the
    // motto, the place and date.
    // Row by row: the parent and the national title, the issuer and the motto, the number and
    // the place and date (without a parent, the issuer is level with the national title).
    let issuer = (doc.issuer.to_uppercase(), &f.center_bold);
    let number = (doc.number.clone(), &f.center);
    let left: [Option<(String, &Format)>; 3] = match &doc.parent {
        Some(parent) => [Some((parent.to_uppercase(), &f.center)), Some(issuer), Some(number)],
        None => [Some(issuer), None, Some(number)],
    };
    let right: [(&str, &Format); 3] = [
        (l(lang, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIETNAM"), &f.center_bold),
        (l(lang, "Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness"), &f.motto),
        (&doc.place_date, &f.center_italic),
    ];
    for (li, ri) in left.iter().zip(right) {
        w.pair(li.as_ref().map(|(t, fmt)| (t.as_str(), *fmt)), Some(ri))?;
    }
    w.wide("", &f.para)?;
    // The title: 14 pt bold upper case, about four fifths as many letters a line.
    w.ws.merge_range(w.r, LEFT, w.r, RIGHT, &doc.title, &f.title).map_err(err)?;
    let lines = lines_in(doc.title.chars().count(), REPORT_COLUMN * 4 / 5);
    w.ws.set_row_height(w.r, 20 * u32::try_from(lines).unwrap_or(1)).map_err(err)?;
    w.r += 1;
    for line in &doc.subtitle {
        w.wide(line, &f.para)?;
    }
    if let Some(n) = &doc.notice {
        w.wide("", &f.para)?;
        w.wide(n, &f.notice)?;
    }
    let mut next_sheet = 0usize;
    let mut table_no = 0usize;
    let mut links = |w: &mut ReportSheet<'_>, s: &Section, numbered: bool| -> Result<()> {
        for t in &s.tables {
            let Some(sh) = sheets.get(next_sheet) else { break };
            next_sheet += 1;
            let text = if numbered {
                table_no += 1;
                format!(
                    "{} {table_no}. {} ({} “{}”)",
                    l(lang, "Bảng", "Table"),
                    t.caption,
                    l(lang, "trang tính", "sheet"),
                    sh.name
                )
            } else {
                format!("{} “{}”: {}", l(lang, "Trang tính", "Sheet"), sh.name, t.caption)
            };
            w.link(&sh.name, &text, &f.link)?;
        }
        Ok(())
    };
    for s in &doc.sections {
        w.wide("", &f.para)?;
        w.wide(&s.heading, &f.bold)?;
        for p in &s.paragraphs {
            w.wide(p, &f.para)?;
        }
        links(&mut w, s, true)?;
        if !s.charts.is_empty() {
            w.wide(
                l(
                    lang,
                    "Biểu đồ của mục này nằm trên trang tính của bảng số liệu tương ứng.",
                    "The charts of this section are on the sheets of their tables.",
                ),
                &f.italic,
            )?;
        }
    }
    // "Nơi nhận" and the recipients on the left, the signature on the right.
    w.wide("", &f.para)?;
    let mut left: Vec<(&str, &Format)> = vec![(l(lang, "Nơi nhận:", "Recipients:"), &f.bold_italic)];
    left.extend(doc.recipients.iter().map(|r| (r.as_str(), &f.small)));
    let signature: Vec<String> = doc.signature.iter().map(|s| s.to_uppercase()).collect();
    let mut right: Vec<(&str, &Format)> = signature.iter().map(|s| (s.as_str(), &f.center_bold)).collect();
    right.push((l(lang, "(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)"), &f.center_italic));
    let room = right.len() + 4;
    let signer = doc.signer.as_deref().unwrap_or("");
    for i in 0..left.len().max(room + 1) {
        let ri = if i == room { Some((signer, &f.center_bold)) } else { right.get(i).copied() };
        w.pair(left.get(i).copied(), ri)?;
    }
    // The appendices, as such.
    if !doc.appendices.is_empty() {
        w.wide("", &f.para)?;
        w.wide(l(lang, "PHỤ LỤC KÈM THEO BÁO CÁO", "APPENDICES TO THE REPORT"), &f.title)?;
    }
    for a in &doc.appendices {
        w.wide("", &f.para)?;
        w.wide(&a.heading, &f.bold)?;
        for p in &a.paragraphs {
            w.wide(p, &f.italic)?;
        }
        links(&mut w, a, false)?;
    }
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
