//! DOCX: the report laid out as a Vietnamese administrative report, following the format of
//! Nghị định 30/2020/NĐ-CP (Phụ lục I) on administrative documents.
//!
//! - A4 portrait; margins top 20 mm, bottom 20 mm, left 30 mm, right 15 mm; Times New Roman
//!   throughout; body 14 pt, tables 12 pt; page numbers centred in the header from page 2.
//! - The heading block, a borderless two-column table: on the left the issuing body (upper
//!   case, bold, 13 pt) under the body it belongs to (upper case, 13 pt), a short rule, and the
//!   number symbol of the issuer in force ("Số: …/BC-BCĐ"); on the right the national title
//!   "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" (upper case, bold, 12 pt), the motto "Độc lập - Tự do -
//!   Hạnh phúc" (bold, 13 pt) with a rule as long as the motto, and the place and date in
//!   italics in the long form ("Tây Ninh, ngày 28 tháng 11 năm 2026"). The names are broken
//!   into even lines where a clerk breaks them (module `lines`: "BAN CHỈ ĐẠO XÂY DỰNG / XÃ HỘI HỌC
//!   TẬP", never inside "XÂY DỰNG"), and the words of each line are bound by no-break spaces,
//!   so a word processor with a wider font wraps between words, not inside one.
//! - The kind "BÁO CÁO" and the title, centred, bold, upper case, with a short rule under them.
//! - The lines under the title, the notice in a bordered paragraph, then the sections: headings
//!   bold, paragraphs justified with a first-line indent; each table with a numbered caption,
//!   borders, and a bold header row repeated on every page.
//! - Charts: docx-rs writes no native charts, so each chart of a section is the HTML's SVG
//!   chart rasterised ([`super::png`]) into a PNG image 16 cm wide (about 175 dpi), centred
//!   after the section's paragraphs and kept with its caption below it, "Biểu đồ N. …"
//!   ("Chart N. …"), numbered through the document. Each picture has its own drawing id and
//!   relationship id (docx-rs would number them from a process-wide counter), so the same
//!   document gives the same bytes. The XLSX has the same charts as editable Excel charts.
//! - The signature block, a borderless two-column table kept on one page: on the left "Nơi
//!   nhận:" (bold italic, 12 pt) and the recipients (11 pt); on the right the signatory lines of the issuer in force
//!   (e.g. "TM. BAN CHỈ ĐẠO" / "TRƯỞNG BAN", bold, upper case), room to sign, and the signer's
//!   name when the deployment sets it.
//! - The appendices (phụ lục) after the signature, from a new page: each long list the body
//!   summarises, under a centred heading.
//!
//! English documents use the same layout with English words. No clock is read: the document
//! properties carry the report's "as of" day.

use chrono::NaiveDate;
use docx_rs::{
    AlignmentType, BorderType, BreakType, Docx, Header, HeightRule, LineSpacing, LineSpacingType, PageMargin, PageNum,
    Paragraph, ParagraphBorder, ParagraphBorderPosition, ParagraphBorders, Pic, Run, RunFonts, SpecialIndentType,
    Table, TableAlignmentType, TableBorder, TableBorderPosition, TableBorders, TableCell, TableLayoutType, TableRow,
    VAlignType, WidthType,
};
use xhht_core::Lang;

use super::png;
use crate::doc::{Cell, Chart, Document, Table as DocTable};
use crate::error::{Error, Result};

/// The font of every run.
const FONT: &str = "Times New Roman";
/// A4 in twentieths of a point (twips).
const PAGE_W: u32 = 11_906;
const PAGE_H: u32 = 16_838;
/// Margins in twips: 20 mm top and bottom, 30 mm left, 15 mm right.
const MARGIN_TOP: i32 = 1_134;
const MARGIN_BOTTOM: i32 = 1_134;
const MARGIN_LEFT: i32 = 1_701;
const MARGIN_RIGHT: i32 = 850;
/// The width of the text between the margins.
const TEXT_W: usize = 11_906 - 1_701 - 850;
/// The first-line indent of body paragraphs (1 cm).
const FIRST_LINE: i32 = 567;
/// Font sizes in half-points.
const BODY: usize = 28;
const TABLE: usize = 24;
/// The heading block's columns: the issuing body, and the national title.
const HEAD_LEFT: usize = 3_900;
const HEAD_RIGHT: usize = TEXT_W - HEAD_LEFT;
/// The signature block's columns: recipients, and the signer.
const SIGN_LEFT: usize = 4_535;
const SIGN_RIGHT: usize = TEXT_W - SIGN_LEFT;

/// A marker put on header rows (a minimum height of one twip, which changes nothing) and
/// replaced by the repeat-as-header-row mark once the XML is written: docx-rs 0.4 cannot write
/// `w:tblHeader` itself.
const HEADER_ROW_MARK: &str = "<w:trHeight w:val=\"1\" w:hRule=\"atLeast\" />";
const HEADER_ROW_XML: &str = "<w:tblHeader />";

mod lines;
mod table;

use lines::{balanced_lines, bind};
use table::{data_table, lines_para};

fn err(message: impl ToString) -> Error {
    Error::Render { format: "docx", message: message.to_string() }
}

fn l(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// How a run looks.
#[derive(Debug, Clone, Copy, Default)]
struct Look {
    size: usize,
    bold: bool,
    italic: bool,
}

const fn look(size: usize) -> Look {
    Look { size, bold: false, italic: false }
}

impl Look {
    const fn bold(mut self) -> Self {
        self.bold = true;
        self
    }
    const fn italic(mut self) -> Self {
        self.italic = true;
        self
    }
}

fn fonts() -> RunFonts {
    RunFonts::new().ascii(FONT).hi_ansi(FONT).east_asia(FONT).cs(FONT)
}

fn run(text: &str, lk: Look) -> Run {
    let mut r = Run::new().add_text(text).fonts(fonts()).size(lk.size);
    if lk.bold {
        r = r.bold();
    }
    if lk.italic {
        r = r.italic();
    }
    r
}

fn spacing(before: u32, after: u32) -> LineSpacing {
    LineSpacing::new().line_rule(LineSpacingType::Auto).line(264).before(before).after(after)
}

/// A paragraph of one run.
fn para(text: &str, lk: Look, align: AlignmentType) -> Paragraph {
    Paragraph::new().add_run(run(text, lk)).align(align).fonts(fonts()).size(lk.size).line_spacing(spacing(0, 0))
}

/// A body paragraph: justified, first-line indent, 6 pt after.
fn body(text: &str, lk: Look) -> Paragraph {
    para(text, lk, AlignmentType::Both)
        .indent(None, Some(SpecialIndentType::FirstLine(FIRST_LINE)), None, None)
        .line_spacing(spacing(0, 120))
}

fn border(position: ParagraphBorderPosition) -> ParagraphBorder {
    ParagraphBorder::new(position).val(BorderType::Single).size(6).space(1).color("000000")
}

/// A centred horizontal rule `width` twips long, in a column `column` twips wide.
fn rule(width: usize, column: usize) -> Paragraph {
    let side = i32::try_from(column.saturating_sub(width) / 2).unwrap_or(0);
    let mut p = Paragraph::new()
        .indent(Some(side), None, Some(side), None)
        .size(4)
        .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(40).before(0).after(0));
    p.property = p.property.set_borders(ParagraphBorders::with_empty().set(border(ParagraphBorderPosition::Bottom)));
    p
}

/// An estimate of the width of `text` in Times New Roman at `lk`, in twips: close enough to
/// draw the rule under the motto as long as the motto, break the heading lines, and size the
/// columns of a table.
fn text_width(text: &str, lk: Look) -> usize {
    // Average advance widths of Times New Roman, in thousandths of an em.
    let em: usize = text
        .chars()
        .map(|c| match c {
            ' ' => 250,
            '-' | '.' | ',' | ':' | ';' | '!' | '(' | ')' | 'i' | 'l' | 'j' | 't' | 'f' | 'I' | 'r' => 300,
            'm' | 'w' | 'M' | 'W' => 800,
            c if c.is_ascii_digit() => 500,
            c if c.is_uppercase() => {
                if lk.bold {
                    720
                } else {
                    670
                }
            }
            _ => {
                if lk.bold {
                    500
                } else {
                    450
                }
            }
        })
        .sum();
    // em/1000 × size/2 pt × 20 twips/pt.
    em * lk.size / 100
}

fn cell(width: usize) -> TableCell {
    TableCell::new().width(width, WidthType::Dxa)
}

fn borderless(cells: Vec<TableCell>, grid: Vec<usize>) -> Table {
    Table::without_borders(vec![TableRow::new(cells).cant_split()])
        .set_grid(grid)
        .width(TEXT_W, WidthType::Dxa)
        .layout(TableLayoutType::Fixed)
        .align(TableAlignmentType::Center)
}

/// A name of the heading block in upper case, broken into lines (see [`balanced_lines`]), each
/// line's words bound ([`bind`]).
fn name_lines(name: &str, lk: Look) -> Vec<String> {
    balanced_lines(&name.to_uppercase(), lk, HEAD_LEFT - 400).iter().map(|l| bind(l)).collect()
}

fn heading_block(doc: &Document, day_line: &str) -> Table {
    let lang = doc.lang;
    let issuer = look(26).bold();
    let nation = look(24).bold();
    let motto_look = look(26).bold();
    let motto = l(lang, "Độc lập - Tự do - Hạnh phúc", "Independence - Freedom - Happiness");
    let mut left = cell(HEAD_LEFT);
    if let Some(parent) = &doc.parent {
        let plain = look(26);
        left = left.add_paragraph(lines_para(&name_lines(parent, plain), plain));
    }
    let left = left
        .add_paragraph(lines_para(&name_lines(&doc.issuer, issuer), issuer))
        .add_paragraph(rule(HEAD_LEFT / 3, HEAD_LEFT))
        .add_paragraph(para(&doc.number, look(26), AlignmentType::Center).line_spacing(spacing(120, 0)));
    let right = cell(HEAD_RIGHT)
        .add_paragraph(para(
            l(lang, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "SOCIALIST REPUBLIC OF VIETNAM"),
            nation,
            AlignmentType::Center,
        ))
        .add_paragraph(para(motto, motto_look, AlignmentType::Center))
        .add_paragraph(rule(text_width(motto, motto_look), HEAD_RIGHT))
        .add_paragraph(para(day_line, look(26).italic(), AlignmentType::Center).line_spacing(spacing(120, 0)));
    borderless(vec![left, right], vec![HEAD_LEFT, HEAD_RIGHT])
}

/// "BÁO CÁO" and the rest of the title, as Nghị định 30 puts the kind above the summary.
fn title_lines(doc: &Document) -> Vec<String> {
    let title = doc.title.trim();
    match doc.lang {
        Lang::Vi => match title.strip_prefix("BÁO CÁO ") {
            Some(rest) => vec!["BÁO CÁO".to_owned(), rest.trim().to_uppercase()],
            None => vec![title.to_uppercase()],
        },
        Lang::En => vec![title.to_uppercase()],
    }
}

fn notice(text: &str) -> Paragraph {
    let mut p = para(text, look(24).italic(), AlignmentType::Both).line_spacing(spacing(120, 120));
    let mut borders = ParagraphBorders::with_empty();
    for pos in [
        ParagraphBorderPosition::Top,
        ParagraphBorderPosition::Bottom,
        ParagraphBorderPosition::Left,
        ParagraphBorderPosition::Right,
    ] {
        borders = borders.set(border(pos).space(4));
    }
    p.property = p.property.set_borders(borders);
    p
}

/// The width a chart is drawn at on the page: 16 cm, in EMU (360,000 a centimetre).
const CHART_EMU: u32 = 16 * 360_000;
/// The tallest a chart is drawn: 22 cm, in EMU (the text is 25.7 cm tall).
const CHART_MAX_H: u32 = 22 * 360_000;
/// The width of a chart's image in pixels: 16 cm at about 175 dpi.
const CHART_PX: u32 = 1_100;

/// A chart as an image as wide as the text, centred, kept with its caption below it.
fn chart_paragraphs(chart: &Chart, no: usize, lang: Lang) -> Result<[Paragraph; 2]> {
    let png = png::chart(chart, lang, CHART_PX)?;
    // As wide as the text, unless that makes it taller than most of a page (bars for many
    // communes): then narrower.
    let (w, h) = (u64::from(png.width.max(1)), u64::from(png.height));
    let (width, height) = match u64::from(CHART_EMU) * h / w {
        tall if tall > u64::from(CHART_MAX_H) => (u64::from(CHART_MAX_H) * w / h.max(1), u64::from(CHART_MAX_H)),
        height => (u64::from(CHART_EMU), height),
    };
    let emu = |v: u64| u32::try_from(v).map_err(|_| err(format!("chart {no} is too large")));
    let pic = Pic::new_with_dimensions(png.bytes, png.width, png.height)
        .size(emu(width)?, emu(height)?)
        .id(format!("rIdChart{no}"));
    let image = Paragraph::new()
        .add_run(Run::new().add_image(pic))
        .align(AlignmentType::Center)
        .line_spacing(spacing(200, 60))
        .keep_next(true);
    let caption = Paragraph::new()
        .add_run(run(&format!("{} {no}. ", l(lang, "Biểu đồ", "Chart")), look(26).bold()))
        .add_run(run(chart.caption(), look(26).bold()))
        .align(AlignmentType::Center)
        .fonts(fonts())
        .size(26)
        .line_spacing(spacing(0, 200));
    Ok([image, caption])
}

/// `xml` with each picture's `wp:docPr` given its own id and a name (docx-rs gives every
/// picture id 1, which Word may report as a damaged file).
fn number_pictures(xml: &str, lang: Lang) -> String {
    const DOC_PR: &str = "<wp:docPr id=\"1\" name=\"Figure\" />";
    let mut out = String::with_capacity(xml.len());
    let mut parts = xml.split(DOC_PR);
    if let Some(first) = parts.next() {
        out.push_str(first);
    }
    for (n, part) in parts.enumerate() {
        let no = n + 1;
        out.push_str(&format!("<wp:docPr id=\"{no}\" name=\"{} {no}\" />", l(lang, "Biểu đồ", "Chart")));
        out.push_str(part);
    }
    out
}

fn signature_block(doc: &Document) -> Table {
    let lang = doc.lang;
    let small = look(22);
    let mut left = cell(SIGN_LEFT).add_paragraph(para(
        l(lang, "Nơi nhận:", "Recipients:"),
        look(24).bold().italic(),
        AlignmentType::Left,
    ));
    for r in &doc.recipients {
        left = left.add_paragraph(para(r, small, AlignmentType::Left));
    }
    let signer = look(BODY).bold();
    let mut right = cell(SIGN_RIGHT);
    for line in &doc.signature {
        right = right.add_paragraph(para(&line.to_uppercase(), signer, AlignmentType::Center));
    }
    right = right.add_paragraph(para(
        l(lang, "(Ký, ghi rõ họ tên, đóng dấu)", "(Signature, full name, seal)"),
        look(26).italic(),
        AlignmentType::Center,
    ));
    for _ in 0..4 {
        right = right.add_paragraph(para("", look(BODY), AlignmentType::Center));
    }
    if let Some(name) = &doc.signer {
        right = right.add_paragraph(para(name, signer, AlignmentType::Center));
    }
    borderless(vec![left, right], vec![SIGN_LEFT, SIGN_RIGHT])
}

/// The `dcterms:created` value: the report's "as of" day at midnight UTC, or a fixed day.
fn created(day: Option<NaiveDate>) -> String {
    day.map_or_else(|| "2000-01-01T00:00:00Z".to_owned(), |d| format!("{}T00:00:00Z", d.format("%Y-%m-%d")))
}

/// The document as a DOCX file.
pub fn render(doc: &Document) -> Result<Vec<u8>> {
    let lang = doc.lang;
    let day = Some(doc.as_of);
    let page_number = Header::new().add_paragraph(
        Paragraph::new().add_page_num(PageNum::new()).align(AlignmentType::Center).fonts(fonts()).size(BODY),
    );
    let mut d = Docx::new()
        .page_size(PAGE_W, PAGE_H)
        .page_margin(
            PageMargin::new()
                .top(MARGIN_TOP)
                .bottom(MARGIN_BOTTOM)
                .left(MARGIN_LEFT)
                .right(MARGIN_RIGHT)
                .header(567)
                .footer(567),
        )
        .default_fonts(fonts())
        .default_size(BODY)
        .header(page_number)
        .first_header(Header::new())
        .title_pg()
        .created_at(&created(day))
        .updated_at(&created(day));

    d = d.add_table(heading_block(doc, &doc.place_date));
    let title = title_lines(doc);
    for (i, line) in title.iter().enumerate() {
        let before = if i == 0 { 360 } else { 0 };
        let lines = balanced_lines(line, look(BODY).bold(), TEXT_W - 600);
        d = d.add_paragraph(lines_para(&lines, look(BODY).bold()).line_spacing(spacing(before, 0)).keep_next(true));
    }
    d = d.add_paragraph(
        rule(TEXT_W / 5, TEXT_W)
            .line_spacing(LineSpacing::new().line_rule(LineSpacingType::Exact).line(80).before(40).after(240)),
    );
    for line in &doc.subtitle {
        d = d.add_paragraph(body(line, look(BODY).italic()));
    }
    if let Some(n) = &doc.notice {
        d = d.add_paragraph(notice(n));
    }
    let (mut table_no, mut chart_no) = (0usize, 0usize);
    for (si, s) in doc.sections.iter().enumerate() {
        d = d.add_paragraph(body(&s.heading, look(BODY).bold()).line_spacing(spacing(120, 120)).keep_next(true));
        // The last lines of the body stay on the page of the signature block, which never
        // stands alone on a page (the last two paragraphs of a section ending the body).
        let last = si + 1 == doc.sections.len() && s.charts.is_empty() && s.tables.is_empty();
        let n = s.paragraphs.len();
        for (pi, p) in s.paragraphs.iter().enumerate() {
            let para = body(p, look(BODY));
            d = d.add_paragraph(if last && pi + 2 >= n { para.keep_next(true) } else { para });
        }
        for c in &s.charts {
            chart_no += 1;
            for p in chart_paragraphs(c, chart_no, lang)? {
                d = d.add_paragraph(p);
            }
        }
        for t in &s.tables {
            table_no += 1;
            d = d.add_paragraph(
                Paragraph::new()
                    .add_run(run(&format!("{} {table_no}. ", l(lang, "Bảng", "Table")), look(26).bold()))
                    .add_run(run(&t.caption, look(26).bold()))
                    .align(AlignmentType::Center)
                    .fonts(fonts())
                    .size(26)
                    .line_spacing(spacing(200, 80))
                    .keep_next(true),
            );
            d = d.add_table(data_table(t, lang));
        }
    }
    d = d.add_paragraph(para("", look(BODY), AlignmentType::Left).line_spacing(spacing(240, 0)).keep_next(true));
    d = d.add_table(signature_block(doc));
    for (n, a) in doc.appendices.iter().enumerate() {
        let heading = para(&a.heading, look(BODY).bold(), AlignmentType::Center).keep_next(true);
        d = d.add_paragraph(if n == 0 {
            heading.page_break_before(true)
        } else {
            heading.line_spacing(spacing(360, 0))
        });
        for p in &a.paragraphs {
            d = d.add_paragraph(para(p, look(26).italic(), AlignmentType::Center).keep_next(true));
        }
        for t in &a.tables {
            d = d.add_table(data_table(t, lang));
        }
    }

    let mut xml = d.build();
    let document = String::from_utf8(xml.document).map_err(err)?;
    xml.document = canonical(&number_pictures(&document.replace(HEADER_ROW_MARK, HEADER_ROW_XML), lang)).into_bytes();
    xml.styles = canonical(&String::from_utf8(xml.styles).map_err(err)?).into_bytes();
    for h in &mut xml.headers {
        *h = canonical(&String::from_utf8(std::mem::take(h)).map_err(err)?).into_bytes();
    }
    let mut stored = std::io::Cursor::new(Vec::new());
    xml.pack(&mut stored).map_err(err)?;
    deflate(&stored.into_inner())
}

/// The children of the property elements in the order the schema (ECMA-376 Part 1) gives:
/// docx-rs writes some out of it (`w:sz` before `w:rFonts` and `w:b`, `w:rPr` first in `w:pPr`,
/// the header references last in `w:sectPr`), which LibreOffice forgives but Word may not (it
/// is reported to drop properties out of sequence).
fn rank(parent: &str, child: &str) -> usize {
    const PPR: &str = "pStyle keepNext keepLines pageBreakBefore framePr widowControl numPr \
        suppressLineNumbers pBdr shd tabs suppressAutoHyphens kinsoku wordWrap overflowPunct topLinePunct \
        autoSpaceDE autoSpaceDN bidi adjustRightInd snapToGrid spacing ind contextualSpacing mirrorIndents \
        suppressOverlap jc textDirection textAlignment textboxTightWrap outlineLvl divId cnfStyle rPr sectPr \
        pPrChange";
    const RPR: &str = "ins del moveFrom moveTo rStyle rFonts b bCs i iCs caps smallCaps strike dstrike \
        outline shadow emboss imprint noProof snapToGrid vanish webHidden color spacing w kern position sz szCs \
        highlight u effect bdr shd fitText vertAlign rtl cs em lang eastAsianLayout specVanish oMath rPrChange";
    const SECTPR: &str = "headerReference footerReference footnotePr endnotePr type pgSz pgMar paperSrc \
        pgBorders lnNumType pgNumType cols formProt vAlign noEndnote titlePg textDirection bidi rtlGutter docGrid \
        printerSettings sectPrChange";
    const TCPR: &str =
        "cnfStyle tcW gridSpan hMerge vMerge tcBorders shd noWrap tcMar textDirection tcFitText vAlign hideMark";
    const PBDR: &str = "top left bottom right between bar";
    const STYLE: &str = "name aliases basedOn next link autoRedefine uiPriority semiHidden unhideWhenUsed \
        qFormat locked personal personalCompose personalReply rsid pPr rPr tblPr trPr tcPr tblStylePr";
    let order = match parent {
        "w:pPr" => PPR,
        "w:rPr" => RPR,
        "w:sectPr" => SECTPR,
        "w:tcPr" => TCPR,
        "w:pBdr" => PBDR,
        "w:style" => STYLE,
        _ => return 0,
    };
    let child = child.strip_prefix("w:").unwrap_or("");
    let mut names = order.split_whitespace();
    let known = names.clone().count();
    names.position(|c| c == child).unwrap_or(known)
}

/// The name of the start tag at the beginning of `s` (`<w:rPr …>` → `w:rPr`), if it is one.
fn start_tag_name(s: &str) -> Option<&str> {
    let rest = s.strip_prefix('<')?;
    if rest.starts_with(['/', '?', '!']) {
        return None;
    }
    let end = rest.find(|c: char| c.is_whitespace() || c == '>' || c == '/')?;
    Some(&rest[..end])
}

/// The length of the element at the beginning of `s` (which starts with its start tag).
fn element_len(s: &str) -> Option<usize> {
    let open = s.find('>')? + 1;
    if s[..open].ends_with("/>") {
        return Some(open);
    }
    let mut depth = 1usize;
    let mut pos = open;
    while depth > 0 {
        let lt = pos + s[pos..].find('<')?;
        let gt = lt + s[lt..].find('>')? + 1;
        let tag = &s[lt..gt];
        if tag.starts_with("</") {
            depth -= 1;
        } else if !tag.starts_with("<?") && !tag.starts_with("<!") && !tag.ends_with("/>") {
            depth += 1;
        }
        pos = gt;
    }
    Some(pos)
}

/// `xml` with the children of the elements [`rank`] knows put in the schema's order, at any
/// depth. An element whose content is not only elements is left as it is.
fn canonical(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut rest = xml;
    while let Some(lt) = rest.find('<') {
        out.push_str(&rest[..lt]);
        rest = &rest[lt..];
        // `rank` of an unknown child is past the end of a known parent's list, 0 for any other.
        let known = start_tag_name(rest).filter(|n| rank(n, "") > 0);
        let Some((name, len)) = known.and_then(|n| element_len(rest).map(|len| (n, len))) else {
            // Not an element to reorder: copy its tag and go on inside it.
            let gt = rest.find('>').map_or(rest.len(), |g| g + 1);
            out.push_str(&rest[..gt]);
            rest = &rest[gt..];
            continue;
        };
        let element = &rest[..len];
        rest = &rest[len..];
        let open = element.find('>').map_or(element.len(), |g| g + 1);
        if element[..open].ends_with("/>") {
            out.push_str(element);
            continue;
        }
        let close = element.len() - format!("</{name}>").len();
        let mut children: Vec<(usize, String)> = Vec::new();
        let mut inner = element[open..close].trim_start();
        let mut plain = true;
        while !inner.is_empty() {
            match (start_tag_name(inner), element_len(inner)) {
                (Some(child), Some(n)) => {
                    children.push((rank(name, child), canonical(&inner[..n])));
                    inner = inner[n..].trim_start();
                }
                _ => {
                    plain = false;
                    break;
                }
            }
        }
        if !plain {
            out.push_str(element);
            continue;
        }
        children.sort_by_key(|c| c.0);
        out.push_str(&element[..open]);
        for (_, c) in children {
            out.push_str(&c);
        }
        out.push_str(&element[close..]);
    }
    out.push_str(rest);
    out
}

/// docx-rs stores its parts uncompressed; the same archive deflated is about a tenth the size.
/// Entries keep their order, and a fixed timestamp (1980-01-01).
fn deflate(stored: &[u8]) -> Result<Vec<u8>> {
    use std::io::{Cursor, Write as _};
    use zip::write::SimpleFileOptions;
    let mut input = zip::ZipArchive::new(Cursor::new(stored)).map_err(err)?;
    let mut out = zip::ZipWriter::new(Cursor::new(Vec::new()));
    let options = SimpleFileOptions::default()
        .compression_method(zip::CompressionMethod::Deflated)
        .last_modified_time(zip::DateTime::default());
    for i in 0..input.len() {
        let mut entry = input.by_index(i).map_err(err)?;
        let name = entry.name().map_err(err)?.into_owned();
        if entry.is_dir() {
            continue;
        }
        let mut bytes = Vec::new();
        std::io::Read::read_to_end(&mut entry, &mut bytes).map_err(err)?;
        out.start_file(name, options).map_err(err)?;
        out.write_all(&bytes).map_err(err)?;
    }
    Ok(out.finish().map_err(err)?.into_inner())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn properties_are_put_in_the_schema_order() {
        let xml = concat!(
            r#"<w:p><w:pPr><w:rPr><w:sz w:val="26" /><w:b /><w:rFonts w:ascii="T" /></w:rPr><w:jc w:val="center" />"#,
            r#"<w:spacing w:after="0" /><w:keepNext /><w:pBdr><w:left /><w:top /></w:pBdr></w:pPr>"#,
            r#"<w:r><w:rPr><w:sz w:val="26" /><w:i /></w:rPr><w:t>a &lt;b&gt; c</w:t></w:r></w:p>"#,
            r#"<w:sectPr><w:pgSz w:w="1" /><w:headerReference r:id="h" /><w:titlePg /></w:sectPr><w:rPr />"#,
        );
        assert_eq!(
            canonical(xml),
            concat!(
                r#"<w:p><w:pPr><w:keepNext /><w:pBdr><w:top /><w:left /></w:pBdr><w:spacing w:after="0" />"#,
                r#"<w:jc w:val="center" /><w:rPr><w:rFonts w:ascii="T" /><w:b /><w:sz w:val="26" /></w:rPr></w:pPr>"#,
                r#"<w:r><w:rPr><w:i /><w:sz w:val="26" /></w:rPr><w:t>a &lt;b&gt; c</w:t></w:r></w:p>"#,
                r#"<w:sectPr><w:headerReference r:id="h" /><w:pgSz w:w="1" /><w:titlePg /></w:sectPr><w:rPr />"#,
            )
        );
        // Anything else is copied as it is.
        let other = r#"<?xml version="1.0"?><w:tbl><w:tblPr><w:tblW /><w:jc /></w:tblPr></w:tbl>"#;
        assert_eq!(canonical(other), other);
    }

    #[test]
    fn a_tall_chart_is_drawn_narrower() {
        let bars = (0..60).map(|i| (format!("Xã {i}"), None)).collect();
        let [image, _] = chart_paragraphs(&Chart::Bars { caption: "x".into(), bars }, 1, Lang::Vi).unwrap();
        let xml = String::from_utf8(docx_rs::BuildXML::build(&image)).unwrap();
        assert!(xml.contains(&format!("cy=\"{CHART_MAX_H}\"")), "{xml:.400}");
        let [image, _] = chart_paragraphs(&Chart::Bars { caption: "x".into(), bars: vec![] }, 1, Lang::Vi).unwrap();
        let xml = String::from_utf8(docx_rs::BuildXML::build(&image)).unwrap();
        assert!(xml.contains(&format!("cx=\"{CHART_EMU}\"")), "{xml:.400}");
    }

    #[test]
    fn the_title_is_split_after_the_kind() {
        let mut d = crate::doc::Document {
            title: "BÁO CÁO SƠ KẾT PHONG TRÀO 2023–2025".into(),
            ..crate::doc::Document::blank(Lang::Vi, chrono::NaiveDate::from_ymd_opt(2026, 11, 28).unwrap())
        };
        assert_eq!(title_lines(&d), ["BÁO CÁO", "SƠ KẾT PHONG TRÀO 2023–2025"]);
        d.lang = Lang::En;
        d.title = "Annual report".into();
        assert_eq!(title_lines(&d), ["ANNUAL REPORT"]);
    }
}
