//! Office formats: the XLSX read back with calamine, cell by cell against the document's
//! tables; the DOCX opened as a ZIP and its `word/document.xml` checked for the parts of a
//! Vietnamese administrative report; and the DOCX converted to PDF by LibreOffice when it is
//! installed (skipped, with a message, when it is not).

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "a skipped test says why")]

use std::collections::HashSet;
use std::io::{Cursor, Read};
use std::path::{Path, PathBuf};
use std::process::Command;

use calamine::{Data, DataType, Reader, Xlsx, open_workbook_from_rs};
use rust_decimal::prelude::ToPrimitive;
use xhht_core::Lang;
use xhht_report::doc::{Cell, Chart, Document, document};
use xhht_report::model::{ReportKind, Scope};
use xhht_report::render::{docx, xlsx};

use super::report;

fn doc(lang: Lang) -> Document {
    document(&report(ReportKind::Annual, 2025, Scope::District), lang)
}

pub(crate) fn zip_entry(bytes: &[u8], name: &str) -> String {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).unwrap_or_else(|_| panic!("{name} is in the archive"));
    let mut s = String::new();
    f.read_to_string(&mut s).unwrap();
    s
}

fn zip_bytes(bytes: &[u8], name: &str) -> Vec<u8> {
    let mut z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    let mut f = z.by_name(name).unwrap_or_else(|_| panic!("{name} is in the archive"));
    let mut out = Vec::new();
    f.read_to_end(&mut out).unwrap();
    out
}

pub(crate) fn zip_names(bytes: &[u8]) -> Vec<String> {
    let z = zip::ZipArchive::new(Cursor::new(bytes)).unwrap();
    z.file_names().map(|n| n.unwrap().into_owned()).collect()
}

/// What calamine should read back for a document cell.
fn expected(c: &Cell) -> Data {
    match c {
        Cell::Text(s) if s.is_empty() => Data::Empty,
        Cell::Text(s) => Data::String(s.clone()),
        Cell::Int(n) => Data::Float(n.to_f64().unwrap()),
        Cell::Dec(d) | Cell::Pct(Some(d)) => Data::Float(d.to_f64().unwrap()),
        Cell::Year(y) => Data::Float(f64::from(*y)),
        Cell::Pct(None) | Cell::Empty => Data::Empty,
        Cell::Date(_) => Data::Empty, // compared as a date below
    }
}

#[test]
fn xlsx_holds_every_table_cell_by_cell() {
    for lang in [Lang::Vi, Lang::En] {
        let d = doc(lang);
        let bytes = xlsx::render(&d).unwrap();
        let mut wb: Xlsx<_> = open_workbook_from_rs(Cursor::new(bytes.clone())).unwrap();
        let names = wb.sheet_names();
        let tables: Vec<_> = d.all_sections().flat_map(|s| &s.tables).collect();
        // The report sheet, one sheet per table, one for the deadline status chart.
        assert_eq!(names.len(), 1 + tables.len() + 1, "{names:?}");
        assert_eq!(names[0], if lang == Lang::Vi { "Báo cáo" } else { "Report" });
        let lower: HashSet<String> = names.iter().map(|n| n.to_lowercase()).collect();
        assert_eq!(lower.len(), names.len(), "sheet names are unique");
        assert!(names.iter().all(|n| n.chars().count() <= 31 && !n.contains(['[', ']', ':', '*', '?', '/', '\\'])));

        // The report sheet: the Decree 30 frame around the title, the notice and every paragraph,
        // in the order of the DOCX, with a link to each table's sheet by its name.
        let first = wb.worksheet_range(&names[0]).unwrap();
        let cells: Vec<(u32, String)> =
            first.cells().filter_map(|(r, _, c)| c.get_string().map(|s| (r as u32, s.to_owned()))).collect();
        let row_of = |text: &str| -> u32 {
            cells.iter().find(|(_, s)| s == text).map(|(r, _)| *r).unwrap_or_else(|| panic!("not on the sheet: {text}"))
        };
        let vi = lang == Lang::Vi;
        let frame = [
            d.parent.as_ref().unwrap().to_uppercase(),
            d.issuer.to_uppercase(),
            d.number.clone(),
            (if vi { "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM" } else { "SOCIALIST REPUBLIC OF VIETNAM" }).to_owned(),
            (if vi { "Độc lập - Tự do - Hạnh phúc" } else { "Independence - Freedom - Happiness" }).to_owned(),
            d.place_date.clone(),
        ];
        let head = frame.iter().map(|t| row_of(t)).max().unwrap();
        assert!(head < 4, "the heading block is on top: {head}");
        assert_eq!(row_of(&frame[0]), row_of(&frame[3]), "the parent is level with the national title");
        assert_eq!(row_of(&frame[2]), row_of(&frame[5]), "the number is level with the place and date");
        assert!(row_of(&d.title) > head);
        assert!(row_of(d.notice.as_ref().unwrap()) > row_of(&d.title));
        let mut last = row_of(&d.title);
        for s in &d.sections {
            assert!(row_of(&s.heading) > last, "{}", s.heading);
            last = row_of(&s.heading);
            for p in &s.paragraphs {
                assert!(row_of(p) > last, "{p}");
            }
        }
        let to = row_of(if vi { "Nơi nhận:" } else { "Recipients:" });
        assert!(to > last, "the recipients after the body");
        for line in d.recipients.iter().cloned().chain(d.signature.iter().map(|s| s.to_uppercase())) {
            assert!(row_of(&line) >= to, "{line}");
        }
        for a in &d.appendices {
            assert!(row_of(&a.heading) > to, "the appendices after the signature: {}", a.heading);
        }
        // Links name the sheets by their names, never by the tables' machine names.
        let links: Vec<&String> = cells.iter().map(|(_, s)| s).filter(|s| s.contains('“')).collect();
        for name in &names[1..names.len() - 1] {
            assert!(links.iter().any(|s| s.contains(&format!("“{name}”"))), "a link to {name}");
        }
        for t in &tables {
            assert!(!names.contains(&t.name), "the sheet of {} is named in words", t.name);
            assert!(!links.iter().any(|s| s.contains(&format!("“{}”", t.name))), "{}", t.name);
        }
        assert!(names.contains(&(if vi { "ĐVHT theo năm" } else { "Learning units by year" }).to_owned()), "{names:?}");

        // Each table: caption, labels, then the cells, typed.
        let (mut dates, mut numbers) = (0, 0);
        for (t, name) in tables.iter().zip(&names[1..]) {
            let range = wb.worksheet_range(name).unwrap();
            let at = |r: usize, c: usize| range.get_value((r as u32, c as u32)).cloned().unwrap_or(Data::Empty);
            assert_eq!(at(0, 0), Data::String(t.caption.clone()), "{name}");
            for (c, label) in t.labels.iter().enumerate() {
                assert_eq!(at(1, c), Data::String(label.clone()), "{name} label {c}");
            }
            for (r, row) in t.rows.iter().enumerate() {
                for (c, cell) in row.iter().enumerate() {
                    let got = at(r + 2, c);
                    match cell {
                        Cell::Date(day) => {
                            assert_eq!(got.as_date(), Some(*day), "{name} ({r}, {c})");
                            dates += 1;
                        }
                        _ => assert_eq!(got, expected(cell), "{name} ({r}, {c})"),
                    }
                    numbers += usize::from(matches!(got, Data::Float(_)));
                }
            }
            // Nothing under the table.
            assert_eq!(at(t.rows.len() + 2, 0), Data::Empty, "{name}");
        }
        assert!(dates > 5 && numbers > 100, "typed cells were checked: {dates} dates, {numbers} numbers");

        // The status chart's own table.
        let status = names.last().unwrap();
        let range = wb.worksheet_range(status).unwrap();
        let parts = d
            .sections
            .iter()
            .flat_map(|s| &s.charts)
            .find_map(|c| if let Chart::Status { parts, .. } = c { Some(parts) } else { None })
            .unwrap();
        for (i, (label, n, _)) in parts.iter().enumerate() {
            let r = i as u32 + 2;
            assert_eq!(range.get_value((r, 0)), Some(&Data::String(label.clone())));
            assert_eq!(range.get_value((r, 1)), Some(&Data::Float(*n as f64)));
        }

        // Native charts: two progress lines, two bar charts, one pie, each on its table's cells.
        let charts: Vec<String> =
            zip_names(&bytes).into_iter().filter(|n| n.starts_with("xl/charts/chart") && n.ends_with(".xml")).collect();
        assert_eq!(charts.len(), 5, "{charts:?}");
        let xml: Vec<String> = charts.iter().map(|c| zip_entry(&bytes, c)).collect();
        assert_eq!(xml.iter().filter(|x| x.contains("<c:lineChart>")).count(), 2);
        // A series whose rules change draws the change as a thin column (a bar chart) in its line chart.
        let rules_change = |t: &xhht_report::doc::Table| {
            let at = t.keys.iter().position(|k| *k == "rules").unwrap();
            t.rows.iter().map(|r| r[at].show(Lang::Vi)).collect::<HashSet<_>>().len() > 1
        };
        let changes = tables.iter().filter(|t| t.name.ends_with("-series") && rules_change(t)).count();
        assert!(changes > 0, "the fixed world crosses TT 22 → TT 24");
        assert_eq!(xml.iter().filter(|x| x.contains("<c:barChart>")).count(), 2 + changes);
        assert_eq!(xml.iter().filter(|x| x.contains("<c:pieChart>")).count(), 1);
        for (i, (t, name)) in
            tables.iter().zip(&names[1..]).enumerate().filter(|(_, (t, _))| t.name.ends_with("-series"))
        {
            let n = t.rows.len() + 2;
            let share = format!("'{name}'!$D$3:$D${n}");
            let path = format!("'{name}'!$E$3:$E${n}");
            let target = format!("'{name}'!$G$3:$G${n}");
            assert!(xml.iter().any(|x| x.contains(&share) && x.contains(&path) && x.contains(&target)), "{}", t.name);
            let last = if rules_change(t) {
                let rule = format!("'{name}'!$H$3:$H${n}");
                assert!(
                    xml.iter().any(|x| x.contains(&share) && x.contains(&rule) && x.contains("<c:barChart>")),
                    "{}",
                    t.name
                );
                'H'
            } else {
                'G'
            };
            // The autofilter covers the table and the chart's columns beside it.
            let sheet = zip_entry(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 2));
            assert!(sheet.contains(&format!("<autoFilter ref=\"A2:{last}{n}\"")), "{}: {sheet:.300}", t.name);
        }
        for (t, name) in tables.iter().zip(&names[1..]).filter(|(t, _)| t.name.ends_with("-by-area")) {
            let n = t.rows.len() + 2;
            let share = format!("'{name}'!$E$3:$E${n}");
            assert!(xml.iter().any(|x| x.contains("<c:barChart>") && x.contains(&share)), "{}", t.name);
        }
        // Every other table's filter covers its columns.
        for (i, t) in tables.iter().enumerate().filter(|(_, t)| !t.name.ends_with("-series")) {
            let sheet = zip_entry(&bytes, &format!("xl/worksheets/sheet{}.xml", i + 2));
            let last = char::from(b'A' + t.labels.len() as u8 - 1);
            let want = format!("<autoFilter ref=\"A2:{last}{}\"", t.rows.len() + 2);
            assert!(sheet.contains(&want), "{}: {want}", t.name);
        }

        // Properties from the document, dated by the report, not the clock.
        let core = zip_entry(&bytes, "docProps/core.xml");
        assert!(core.contains("2026-11-28T00:00:00Z"), "{core}");
    }
}

#[test]
fn xlsx_is_the_same_for_the_same_report() {
    let d = doc(Lang::Vi);
    assert_eq!(xlsx::render(&d).unwrap(), xlsx::render(&d).unwrap());
}

/// The visible text of `word/document.xml`, with XML entities decoded, runs joined within a
/// paragraph, and paragraphs on their own lines.
fn docx_text(xml: &str) -> String {
    let mut out = String::new();
    let mut rest = xml;
    while let Some(i) = rest.find('<') {
        let (text, tag) = rest.split_at(i);
        out.push_str(text);
        let end = tag.find('>').unwrap();
        let name = &tag[..=end];
        if name.starts_with("</w:p>") || name.starts_with("</w:tc>") {
            out.push('\n');
        }
        if name.starts_with("<w:br") {
            out.push(' ');
        }
        rest = &tag[end + 1..];
    }
    out.push_str(rest);
    // Words bound by no-break spaces (the heading block's names) read as words.
    out.replace("&lt;", "<")
        .replace("&gt;", ">")
        .replace("&quot;", "\"")
        .replace("&apos;", "'")
        .replace("&amp;", "&")
        .replace('\u{a0}', " ")
}

#[test]
fn docx_is_an_administrative_report() {
    let d = doc(Lang::Vi);
    let bytes = docx::render(&d).unwrap();
    let xml = zip_entry(&bytes, "word/document.xml");
    let text = docx_text(&xml);
    let lines: Vec<&str> = text.lines().collect();

    // Times New Roman, A4 portrait, margins 20/20/30/15 mm.
    assert!(xml.contains("w:ascii=\"Times New Roman\""));
    assert!(xml.contains("<w:pgSz w:w=\"11906\" w:h=\"16838\""), "A4");
    for m in ["w:top=\"1134\"", "w:bottom=\"1134\"", "w:left=\"1701\"", "w:right=\"850\""] {
        assert!(xml.contains(m), "{m}");
    }
    // The heading block.
    // The issuer in force on 28/11/2026 (after the district tier ended): the embedded default.
    for line in [
        "UBND TỈNH TÂY NINH",
        "SỞ GIÁO DỤC VÀ ĐÀO TẠO",
        "Số: …/BC-SGDĐT",
        "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
        "Độc lập - Tự do - Hạnh phúc",
        "Tây Ninh, ngày 28 tháng 11 năm 2026",
        "BÁO CÁO",
    ] {
        assert!(lines.contains(&line), "{line}");
    }
    let order: Vec<usize> = ["CỘNG HÒA", "Độc lập - Tự do - Hạnh phúc", "BÁO CÁO", "Nơi nhận:", "GIÁM ĐỐC"]
        .iter()
        .map(|s| text.find(s).unwrap_or_else(|| panic!("{s}")))
        .collect();
    assert!(order.is_sorted(), "heading, title, then the signature block: {order:?}");
    // The title, the notice, the sections.
    let title_rest = d.title.strip_prefix("BÁO CÁO ").unwrap();
    assert!(lines.contains(&title_rest));
    assert!(text.contains(d.notice.as_ref().unwrap()));
    for s in &d.sections {
        assert!(lines.contains(&s.heading.as_str()), "{}", s.heading);
        for p in &s.paragraphs {
            assert!(lines.contains(&p.as_str()), "{p}");
        }
    }
    // Every table's caption, its labels, and a sample of its cells as the text formats show them.
    let mut no = 0;
    for t in d.sections.iter().flat_map(|s| &s.tables) {
        no += 1;
        assert!(lines.contains(&format!("Bảng {no}. {}", t.caption).as_str()), "{}", t.caption);
    }
    for t in d.all_sections().flat_map(|s| &s.tables) {
        for label in &t.labels {
            assert!(lines.contains(&label.as_str()), "{label}");
        }
        for row in t.rows.iter().step_by(3).take(5) {
            for c in row {
                let shown = c.show(Lang::Vi);
                if !shown.is_empty() {
                    assert!(lines.contains(&shown.as_str()), "{}: {shown}", t.name);
                }
            }
        }
    }
    // Header rows repeat on every page: one per table, plus none in the two layout tables.
    let appendix_tables = d.appendices.iter().map(|a| a.tables.len()).sum::<usize>();
    assert!(appendix_tables > 0, "the long lists are in appendices");
    assert_eq!(xml.matches("<w:tblHeader />").count(), no + appendix_tables);
    assert_eq!(xml.matches("<w:tbl>").count(), no + appendix_tables + 2);
    for a in &d.appendices {
        let at = text.find(&a.heading).unwrap_or_else(|| panic!("{}", a.heading));
        assert!(at > text.find("Nơi nhận:").unwrap(), "appendices come after the signature: {}", a.heading);
    }
    // Each chart is an image (PNG, 16 cm wide), with its numbered caption, in its section.
    let charts: Vec<&Chart> = d.sections.iter().flat_map(|s| &s.charts).collect();
    assert_eq!(charts.len(), 5, "two progress lines, two bar charts, the deadlines");
    let media: Vec<String> = zip_names(&bytes).into_iter().filter(|n| n.starts_with("word/media/")).collect();
    assert_eq!(media.len(), charts.len(), "{media:?}");
    for m in &media {
        assert!(m.ends_with(".png") && zip_bytes(&bytes, m).starts_with(b"\x89PNG\r\n\x1a\n"), "{m}");
    }
    assert_eq!(xml.matches("<pic:pic ").count(), charts.len());
    assert_eq!(xml.matches("<wp:extent cx=\"5760000\"").count(), charts.len(), "as wide as 16 cm");
    for no in 1..=charts.len() {
        assert_eq!(xml.matches(&format!("<wp:docPr id=\"{no}\" ")).count(), 1, "picture {no} has its own id");
    }
    let mut no = 0;
    for s in &d.sections {
        for c in &s.charts {
            no += 1;
            let caption = format!("Biểu đồ {no}. {}", c.caption());
            assert!(lines.contains(&caption.as_str()), "{caption}");
            assert!(text.find(&caption).unwrap() > text.find(&s.heading).unwrap(), "{caption}");
        }
    }
    assert!(!text.contains("xem trong bản XLSX"), "the charts are drawn, not pointed to");
    // The signature block.
    assert_eq!(d.recipients.last().map(String::as_str), Some("- Lưu: VT."));
    for line in ["Nơi nhận:", "GIÁM ĐỐC", "(Ký, ghi rõ họ tên, đóng dấu)"]
        .into_iter()
        .chain(d.recipients.iter().map(String::as_str))
    {
        assert!(lines.contains(&line), "{line}");
    }
    // Dated by the report, not the clock.
    assert!(zip_entry(&bytes, "docProps/core.xml").contains("2026-11-28T00:00:00Z"));
}

#[test]
fn docx_is_the_same_for_the_same_report() {
    let d = doc(Lang::Vi);
    assert_eq!(docx::render(&d).unwrap(), docx::render(&d).unwrap());
}

#[test]
fn docx_in_english_uses_english_words() {
    let bytes = docx::render(&doc(Lang::En)).unwrap();
    let text = docx_text(&zip_entry(&bytes, "word/document.xml"));
    for s in [
        "SOCIALIST REPUBLIC OF VIETNAM",
        "Independence - Freedom - Happiness",
        "Tây Ninh, 28 November 2026",
        "ANNUAL REPORT ON THE LEARNING-SOCIETY EMULATION MOVEMENT, 2025",
        "Recipients:",
        "DIRECTOR",
        "Table 1. ",
        "Chart 1. ",
    ] {
        assert!(text.contains(s), "{s}");
    }
    assert!(!text.contains("Độc lập"));
}

fn office() -> Option<PathBuf> {
    ["libreoffice", "soffice"].iter().find_map(|b| {
        let ok = Command::new(b).arg("--version").output().is_ok_and(|o| o.status.success());
        ok.then(|| PathBuf::from(b))
    })
}

/// LibreOffice, or `None` after saying the test is skipped. CI sets XHHT_REQUIRE_LIBREOFFICE=1
/// and installs it: there a missing office is a failure.
fn office_or_skip() -> Option<PathBuf> {
    let bin = office();
    if bin.is_none() {
        assert!(
            std::env::var_os("XHHT_REQUIRE_LIBREOFFICE").is_none(),
            "XHHT_REQUIRE_LIBREOFFICE is set but neither `libreoffice` nor `soffice` runs"
        );
        println!("skipped: neither `libreoffice` nor `soffice` is installed (Debian: libreoffice-writer-nogui)");
    }
    bin
}

fn out_dir(what: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xhht-report-{what}-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

#[test]
fn libreoffice_opens_the_docx() {
    let Some(bin) = office_or_skip() else { return };
    let dir = out_dir("lo");
    let mut files = Vec::new();
    for (lang, stem) in [(Lang::Vi, "bao-cao-2025"), (Lang::En, "report-2025")] {
        let file = dir.join(format!("{stem}.docx"));
        std::fs::write(&file, docx::render(&doc(lang)).unwrap()).unwrap();
        files.push(file);
    }
    for pdf in convert(&bin, &files, &dir) {
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF"), "{}", pdf.display());
        assert!(bytes.len() > 10_000, "{} is {} bytes", pdf.display(), bytes.len());
    }
    // Keep the files for a look when asked (XHHT_KEEP_OFFICE=1), with the workbook beside them,
    // else clean up.
    if std::env::var_os("XHHT_KEEP_OFFICE").is_some() {
        std::fs::write(dir.join("bao-cao-2025.xlsx"), xlsx::render(&doc(Lang::Vi)).unwrap()).unwrap();
        eprintln!("kept: {}", dir.display());
    } else {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}

/// `files` converted to PDF in `dir` by one LibreOffice run (one start-up for them all).
fn convert(bin: &Path, files: &[PathBuf], dir: &Path) -> Vec<PathBuf> {
    // A private profile, so a running LibreOffice or a parallel test does not interfere.
    let profile = dir.join("profile");
    let status = Command::new(bin)
        .arg(format!("-env:UserInstallation=file://{}", profile.display()))
        .args(["--headless", "--convert-to", "pdf", "--outdir"])
        .arg(dir)
        .args(files)
        .output()
        .unwrap();
    assert!(status.status.success(), "{}", String::from_utf8_lossy(&status.stderr));
    files.iter().map(|f| f.with_extension("pdf")).collect()
}

/// The demo district (seed 2024, as `xhht demo` makes it) and its annual report of the last
/// data year, as the official files it.
fn district_doc(lang: Lang) -> Document {
    use std::sync::OnceLock;
    use xhht_core::plan::Plan;
    use xhht_demo::{Options, Size, generate};
    use xhht_report::build::{Options as BuildOptions, Records, build};
    use xhht_report::model::Report;
    use xhht_scoring::year::{YearEngines, evaluate_year};
    static R: OnceLock<Report> = OnceLock::new();
    let r = R.get_or_init(|| {
        let ds = generate(Options { size: Size::District, seed: 2024, today: super::today() }).unwrap();
        let engines = YearEngines::builtin().unwrap();
        let results: Vec<_> =
            (ds.first_year..=ds.last_year).map(|y| evaluate_year(&engines, ds.input(y)).unwrap()).collect();
        let records = Records {
            areas: &ds.areas,
            successions: &ds.successions,
            organisations: &ds.organisations,
            people: &ds.people,
            recognitions: &ds.recognitions,
            submissions: &ds.report_submissions,
            duty_reports: &ds.duty_reports,
            reward_proposals: &[],
        };
        let opts = BuildOptions {
            kind: ReportKind::Annual,
            year: ds.last_year,
            as_of: super::today(),
            scope: Scope::District,
            notice: Some(ds.notice.clone()),
            issuer: None,
        };
        build(&records, &results, &engines, Plan::can_duoc_2024(), &opts).unwrap()
    });
    document(r, lang)
}

/// The pages of a PDF: its page objects (`/Type /Page`, not `/Pages`), as LibreOffice writes
/// them (uncompressed object dictionaries).
fn pdf_pages(pdf: &[u8]) -> usize {
    let mut n = 0;
    for pat in [&b"/Type/Page"[..], &b"/Type /Page"[..]] {
        n += pdf.windows(pat.len() + 1).filter(|w| w.starts_with(pat) && !w[pat.len()].is_ascii_alphanumeric()).count();
    }
    n
}

#[test]
fn the_district_report_body_is_under_fifteen_pages() {
    let Some(bin) = office_or_skip() else { return };
    let started = std::time::Instant::now();
    let whole = district_doc(Lang::Vi);
    assert!(!whole.appendices.is_empty(), "the district's long lists are in appendices");
    let body = Document { appendices: Vec::new(), ..whole.clone() };
    let dir = out_dir("pages");
    let mut files = Vec::new();
    for (d, stem) in [(&whole, "bao-cao-huyen"), (&body, "bao-cao-huyen-than")] {
        let file = dir.join(format!("{stem}.docx"));
        std::fs::write(&file, docx::render(d).unwrap()).unwrap();
        files.push(file);
    }
    let mut pages = Vec::new();
    for pdf in convert(&bin, &files, &dir) {
        let bytes = std::fs::read(&pdf).unwrap();
        assert!(bytes.starts_with(b"%PDF") && bytes.len() > 10_000, "{} opens", pdf.display());
        pages.push(pdf_pages(&bytes));
    }
    let (all, body_pages) = (pages[0], pages[1]);
    eprintln!(
        "district annual report: body {body_pages} pages, with the appendices {all} pages ({:.1?})",
        started.elapsed()
    );
    assert!(body_pages > 2 && body_pages < 15, "the body (to the signature) takes {body_pages} pages");
    assert!(all > body_pages, "the appendices follow from a new page: {all} pages in all");
    if std::env::var_os("XHHT_KEEP_OFFICE").is_some() {
        eprintln!("kept: {}", dir.display());
    } else {
        std::fs::remove_dir_all(&dir).unwrap();
    }
}
