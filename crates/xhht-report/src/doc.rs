//! The report laid out as a document — title, sections, paragraphs, tables and charts — in one
//! language. Every renderer (Markdown, HTML, CSV, XLSX, DOCX) walks this one structure, so the
//! formats say the same thing.

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use xhht_core::Lang;

use crate::fmt::{date, dec, int, pct, t, tx, yes_no};
use crate::model::*;

/// A table cell, typed so spreadsheets get numbers and dates, not text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Text.
    Text(String),
    /// A whole number.
    Int(u64),
    /// A decimal.
    Dec(Decimal),
    /// A percentage (absent: nobody counted).
    Pct(Option<Decimal>),
    /// A date.
    Date(NaiveDate),
    /// A year (printed without grouping).
    Year(i32),
    /// Nothing.
    Empty,
}

impl Cell {
    /// As text in `lang` (Vietnamese number style in Vietnamese).
    pub fn show(&self, lang: Lang) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(n) => int(*n, lang),
            Self::Dec(d) => dec(*d, lang),
            Self::Pct(p) => pct(*p, lang),
            Self::Date(d) => date(*d, lang),
            Self::Year(y) => y.to_string(),
            Self::Empty => String::new(),
        }
    }

    /// As text for machines (CSV): `.` decimals, ISO dates, no grouping.
    pub fn plain(&self) -> String {
        match self {
            Self::Text(s) => s.clone(),
            Self::Int(n) => n.to_string(),
            Self::Dec(d) => d.normalize().to_string(),
            Self::Pct(p) => p.map_or_else(String::new, |d| d.normalize().to_string()),
            Self::Date(d) => d.to_string(),
            Self::Year(y) => y.to_string(),
            Self::Empty => String::new(),
        }
    }
}

/// A table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Table {
    /// A stable machine name (CSV file suffix, sheet name), e.g. `target-citizen-title-series`.
    pub name: String,
    /// The caption.
    pub caption: String,
    /// Column keys (CSV header).
    pub keys: Vec<&'static str>,
    /// Column labels in the language.
    pub labels: Vec<String>,
    /// Rows.
    pub rows: Vec<Vec<Cell>>,
}

/// A chart, drawn from the same numbers as a table.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Chart {
    /// Yearly share against the straight path and the target line.
    Progress {
        /// Caption.
        caption: String,
        /// (year, share, path).
        points: Vec<(i32, Option<Decimal>, Option<Decimal>)>,
        /// The target share and year.
        target: (Decimal, i32),
        /// Legend labels: share, path, target.
        legend: [String; 3],
        /// Where the rules that decide the title change: (the first year under the new rules,
        /// the new rules' document), drawn as a vertical rule.
        breaks: Vec<(i32, String)>,
    },
    /// Shares by category (e.g. by commune), horizontal bars.
    Bars {
        /// Caption.
        caption: String,
        /// (label, share).
        bars: Vec<(String, Option<Decimal>)>,
    },
    /// Counts of statuses (e.g. on time / late / missing / not yet due).
    Status {
        /// Caption.
        caption: String,
        /// (label, count, colour class).
        parts: Vec<(String, u64, &'static str)>,
    },
}

impl Chart {
    /// The chart's caption.
    pub fn caption(&self) -> &str {
        match self {
            Self::Progress { caption, .. } | Self::Bars { caption, .. } | Self::Status { caption, .. } => caption,
        }
    }

    /// The chart's own numbers as a small table, one row a data point (a year, a bar, a
    /// status): what a spreadsheet charts and a page shows beneath the drawing.
    pub fn table(&self, lang: Lang) -> Table {
        match self {
            Self::Progress { caption, points, legend, .. } => Table {
                name: String::new(),
                caption: caption.clone(),
                keys: vec!["year", "share", "path"],
                labels: vec![t(lang, "Năm", "Year").to_owned(), legend[0].clone(), legend[1].clone()],
                rows: points.iter().map(|(y, s, p)| vec![Cell::Year(*y), Cell::Pct(*s), Cell::Pct(*p)]).collect(),
            },
            Self::Bars { caption, bars } => Table {
                name: String::new(),
                caption: caption.clone(),
                keys: vec!["label", "share"],
                labels: vec![t(lang, "Địa bàn", "Area").to_owned(), t(lang, "Tỷ lệ (%)", "Share (%)").to_owned()],
                rows: bars.iter().map(|(b, s)| vec![Cell::Text(b.clone()), Cell::Pct(*s)]).collect(),
            },
            Self::Status { caption, parts } => Table {
                name: String::new(),
                caption: caption.clone(),
                keys: vec!["status", "count"],
                labels: vec![t(lang, "Tình trạng", "Status").to_owned(), t(lang, "Số lượng", "Count").to_owned()],
                rows: parts.iter().map(|(label, n, _)| vec![Cell::Text(label.clone()), Cell::Int(*n)]).collect(),
            },
        }
    }
}

/// A section.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Section {
    /// The heading.
    pub heading: String,
    /// Paragraphs, before the tables.
    pub paragraphs: Vec<String>,
    /// Charts.
    pub charts: Vec<Chart>,
    /// Tables.
    pub tables: Vec<Table>,
}

/// The document.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Document {
    /// The language.
    pub lang: Lang,
    /// The day the figures are as of (the report's date).
    pub as_of: NaiveDate,
    /// The place written before the date (the issuer's seat).
    pub place: String,
    /// The body the issuer belongs to, printed above it in the heading block (Decree 30/2020:
    /// "tên cơ quan, tổ chức chủ quản"), when there is one.
    pub parent: Option<String>,
    /// The issuing body (heading block, left).
    pub issuer: String,
    /// The number and symbol line, e.g. "Số: …/BC-BCĐ" (the number is left for the records
    /// office).
    pub number: String,
    /// The title.
    pub title: String,
    /// Lines under the title (scope, as-of date, plan).
    pub subtitle: Vec<String>,
    /// A notice to print before everything (synthetic data, assumed letterhead).
    pub notice: Option<String>,
    /// Sections, in order.
    pub sections: Vec<Section>,
    /// The place-and-date line of the heading block, written out as Decree 30/2020 asks:
    /// "Cần Đước, ngày 06 tháng 12 năm 2026".
    pub place_date: String,
    /// Who receives it ("Nơi nhận"), one line each, in order.
    pub recipients: Vec<String>,
    /// The signature block's lines above the signature ("TM. BAN CHỈ ĐẠO", "TRƯỞNG BAN").
    pub signature: Vec<String>,
    /// The signer's name (absent: a blank line is left for it).
    pub signer: Option<String>,
    /// Appendices (phụ lục), after the signature: the long lists the body summarises.
    pub appendices: Vec<Section>,
    /// The id columns of the tables, by table name: written to CSV (before the table's own
    /// columns) and never shown to a reader, who sees names and the plan's numbering instead.
    pub ids: Vec<(String, IdColumns)>,
}

/// A table's columns of ids (codes, rule ids), kept for machines (CSV) only.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct IdColumns {
    /// The column keys (CSV header).
    pub keys: Vec<&'static str>,
    /// One row of ids per row of the table.
    pub rows: Vec<Vec<Cell>>,
}

impl Table {
    /// Takes the columns `keys` out of the table (in the table's order) and returns them.
    fn take_columns(&mut self, keys: &[&str]) -> IdColumns {
        let at: Vec<usize> = (0..self.keys.len()).filter(|&i| keys.contains(&self.keys[i])).collect();
        let mut out = IdColumns { keys: at.iter().map(|&i| self.keys[i]).collect(), rows: Vec::new() };
        for row in &mut self.rows {
            out.rows.push(at.iter().map(|&i| row.get(i).cloned().unwrap_or(Cell::Empty)).collect());
        }
        for &i in at.iter().rev() {
            self.keys.remove(i);
            if i < self.labels.len() {
                self.labels.remove(i);
            }
            for row in &mut self.rows {
                if i < row.len() {
                    row.remove(i);
                }
            }
        }
        out
    }
}

/// The columns of each table (by the end of its name) that hold ids, not words.
const ID_COLUMNS: &[(&str, &[&str])] = &[
    ("-by-kind", &["key"]),
    ("criteria-collective", &["indicator", "plan"]),
    ("criteria-individual", &["indicator", "plan"]),
    ("criteria-unmet", &["id"]),
    ("titles-expiring", &["code"]),
    ("rewards", &["reward"]),
    ("rewards-eligible", &["reward", "id"]),
    ("rewards-proposals", &["reward"]),
    ("deadlines", &["actor", "code"]),
    ("actors", &["duty"]),
    ("rulebooks", &["rulebook", "version"]),
];

/// Moves the id columns of every table out of `sections`.
fn take_ids(sections: &mut [Section]) -> Vec<(String, IdColumns)> {
    let mut out = Vec::new();
    for s in sections {
        for t in &mut s.tables {
            if let Some((_, keys)) = ID_COLUMNS.iter().find(|(end, _)| t.name.ends_with(end)) {
                let ids = t.take_columns(keys);
                if !ids.keys.is_empty() {
                    out.push((t.name.clone(), ids));
                }
            }
        }
    }
    out
}

impl Document {
    /// The body's sections, then the appendices: every table of the document once, in order.
    pub fn all_sections(&self) -> impl Iterator<Item = &Section> {
        self.sections.iter().chain(&self.appendices)
    }

    /// A document with nothing in it yet, in `lang`, dated `as_of`.
    pub fn blank(lang: Lang, as_of: NaiveDate) -> Document {
        Document {
            lang,
            as_of,
            place: String::new(),
            parent: None,
            issuer: String::new(),
            number: String::new(),
            title: String::new(),
            subtitle: Vec::new(),
            notice: None,
            sections: Vec::new(),
            place_date: String::new(),
            recipients: Vec::new(),
            signature: Vec::new(),
            signer: None,
            appendices: Vec::new(),
            ids: Vec::new(),
        }
    }

    /// The id columns kept for machines of the table named `name`.
    pub fn ids_of(&self, name: &str) -> Option<&IdColumns> {
        self.ids.iter().find(|(n, _)| n == name).map(|(_, c)| c)
    }
}

mod narrative;
mod sections;

pub use sections::comparable_text;
pub(crate) use sections::plan_number;

use sections::{criteria_section, rewards_section, targets_section, titles_section};

fn text(s: impl Into<String>) -> Cell {
    Cell::Text(s.into())
}

/// Lays a report out in `lang`.
pub fn document(r: &Report, lang: Lang) -> Document {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let title = match r.kind {
        ReportKind::Annual => format!(
            "{} {}",
            l(
                "BÁO CÁO KẾT QUẢ THỰC HIỆN PHONG TRÀO THI ĐUA XÂY DỰNG XÃ HỘI HỌC TẬP, ĐẨY MẠNH HỌC TẬP SUỐT ĐỜI NĂM",
                "ANNUAL REPORT ON THE LEARNING-SOCIETY EMULATION MOVEMENT,"
            ),
            r.year
        ),
        ReportKind::PhasePreliminary => format!(
            "{} {}–{}",
            l(
                "BÁO CÁO SƠ KẾT PHONG TRÀO THI ĐUA XÂY DỰNG XÃ HỘI HỌC TẬP GIAI ĐOẠN",
                "PRELIMINARY REVIEW OF THE LEARNING-SOCIETY EMULATION MOVEMENT,"
            ),
            r.from_year,
            r.year
        ),
        ReportKind::PhaseFinal => format!(
            "{} {}–{}",
            l(
                "BÁO CÁO TỔNG KẾT PHONG TRÀO THI ĐUA XÂY DỰNG XÃ HỘI HỌC TẬP GIAI ĐOẠN",
                "FINAL REVIEW OF THE LEARNING-SOCIETY EMULATION MOVEMENT,"
            ),
            r.from_year,
            r.year
        ),
    };
    let mut subtitle = vec![
        format!("{}: {}", l("Phạm vi", "Scope"), tx(lang, &r.scope_name)),
        match lang {
            Lang::Vi => format!(
                "Số liệu: hồ sơ {} tính đến ngày 31/12 {}; tình hình nộp báo cáo tính đến ngày {}",
                if r.from_year >= r.year {
                    format!("năm {}", r.year)
                } else {
                    format!("các năm {}–{}", r.from_year, r.year)
                },
                if r.from_year >= r.year { "của năm" } else { "của mỗi năm" },
                date(r.as_of, lang)
            ),
            Lang::En => format!(
                "Figures: the records of {} as of 31 December{}; reports received as of {}",
                years_words(r.from_year, r.year),
                if r.from_year >= r.year { "" } else { " of each year" },
                date(r.as_of, lang)
            ),
        },
        format!("{}: {} — {}", l("Thực hiện Kế hoạch", "Under the plan"), r.plan.1, tx(lang, &r.plan.2)),
    ];
    if let Some(until) = r.plan_until {
        subtitle.push(match lang {
            Lang::Vi => format!(
                "Kế hoạch hết hiệu lực ngày {}; các mục tiêu của Kế hoạch tiếp tục được theo dõi trên địa bàn của Kế hoạch.",
                date(until, lang)
            ),
            Lang::En => format!(
                "The plan ceased to be in force on {}; its targets are still followed over the plan's area.",
                date(until, lang)
            ),
        });
    }
    if r.kind != ReportKind::Annual && r.as_of.year() > r.year {
        subtitle.push(match lang {
            Lang::Vi => format!(
                "Báo cáo lập ngày {} cho giai đoạn {} đã kết thúc: số liệu của giai đoạn không thay đổi theo ngày lập.",
                date(r.as_of, lang),
                years_words(r.from_year, r.year)
            ),
            Lang::En => format!(
                "Written on {} for the phase {}, which has ended: the phase's figures do not depend on that day.",
                date(r.as_of, lang),
                years_words(r.from_year, r.year)
            ),
        });
    }
    let sections = vec![
        targets_section(r, lang),
        criteria_section(r, lang),
        titles_section(r, lang),
        rewards_section(r, lang),
        deadlines_section(r, lang),
        actors_section(r, lang),
        areas_section(r, lang),
        narrative::assessment_section(r, lang),
        basis_section(r, lang),
    ];
    let i = &r.issuer;
    let place = tx(lang, &i.place).to_owned();
    let mut notice = r.notice.as_ref().map(|n| tx(lang, n).to_owned());
    if i.assumed {
        let from = i.valid_from.map(|d| date(d, lang)).unwrap_or_default();
        let made_from_records = i.id.starts_with("org:");
        let note = match lang {
            Lang::Vi if made_from_records => format!(
                "Phần tiêu đề của cơ quan ban hành ({}) được lập từ hồ sơ đơn vị, là giả định.",
                tx(lang, &i.body)
            ),
            Lang::En if made_from_records => format!(
                "The issuing body's heading ({}) is made from the unit's record: an assumption.",
                tx(lang, &i.body)
            ),
            Lang::Vi => format!(
                "Cơ quan ban hành ({}) là giả định mặc định cho thời gian từ {from}, khi không còn cấp huyện; đơn vị triển khai tự khai báo cơ quan của mình.",
                tx(lang, &i.body)
            ),
            Lang::En => format!(
                "The issuing body ({}) is an assumed default for the time from {from}, when there is no district tier; a deployment declares its own.",
                tx(lang, &i.body)
            ),
        };
        notice = Some(notice.map_or_else(|| note.clone(), |n| format!("{n} {note}")));
    }
    let mut recipients: Vec<String> = i.recipients.iter().map(|x| format!("- {}", tx(lang, x))).collect();
    let last = recipients.len().saturating_sub(1);
    for (n, line) in recipients.iter_mut().enumerate() {
        line.push(if n == last { '.' } else { ';' });
    }
    let mut signature: Vec<String> = i.on_behalf.iter().map(|b| tx(lang, b).to_owned()).collect();
    signature.push(tx(lang, &i.signatory).to_owned());
    let mut sections = sections;
    let ids = take_ids(&mut sections);
    // The rules applied (rulebooks and their hashes) are for checking, not for reading: the
    // last appendix.
    let basis = sections.pop();
    let (mut appendices, sections) = appendices(sections, lang);
    if let Some(mut b) = basis {
        let n = appendices.len() + 1;
        b.heading = match lang {
            Lang::Vi => format!("Phụ lục {n}. {}", b.heading),
            Lang::En => format!("Appendix {n}. {}", b.heading),
        };
        appendices.push(b);
    }
    Document {
        lang,
        as_of: r.as_of,
        parent: i.parent.as_ref().map(|p| tx(lang, p).to_owned()),
        issuer: tx(lang, &i.body).to_owned(),
        number: format!("{} …/{}", l("Số:", "No.:"), i.symbol),
        title,
        subtitle,
        notice,
        sections,
        place_date: format!("{place}, {}", crate::fmt::long_date(r.as_of, lang)),
        place,
        recipients,
        signature,
        signer: i.signer.clone(),
        appendices,
        ids,
    }
}

/// "2026" for one year, "2023–2025" for several.
fn years_words(from: i32, to: i32) -> String {
    if from >= to { to.to_string() } else { format!("{from}–{to}") }
}

/// Moves the long tables (more than [`APPENDIX_ROWS`] rows) out of the body into numbered
/// appendices (phụ lục), leaving a sentence in their place that says how many rows and where
/// they are.
fn appendices(mut sections: Vec<Section>, lang: Lang) -> (Vec<Section>, Vec<Section>) {
    let mut out = Vec::new();
    for s in &mut sections {
        let (long, short): (Vec<Table>, Vec<Table>) =
            std::mem::take(&mut s.tables).into_iter().partition(|t| t.rows.len() > APPENDIX_ROWS);
        s.tables = short;
        for t in long {
            let n = out.len() + 1;
            s.paragraphs.push(match lang {
                Lang::Vi => format!("{} ({} dòng): xem Phụ lục {n}.", t.caption, int(t.rows.len() as u64, lang)),
                Lang::En => format!("{} ({} rows): see Appendix {n}.", t.caption, int(t.rows.len() as u64, lang)),
            });
            out.push(Section {
                heading: match lang {
                    Lang::Vi => format!("Phụ lục {n}. {}", t.caption),
                    Lang::En => format!("Appendix {n}. {}", t.caption),
                },
                paragraphs: vec![match lang {
                    Lang::Vi => format!("(Kèm theo báo cáo; {}.)", s.heading),
                    Lang::En => format!("(Attached to the report; {}.)", s.heading),
                }],
                charts: Vec::new(),
                tables: vec![t],
            });
        }
    }
    (out, sections)
}

/// The longest table kept in the body of a report; longer ones go to an appendix.
pub const APPENDIX_ROWS: usize = 25;

/// A target's projection in words: the share projected for the target year and what it rests
/// on (the least-squares line through the years under the same rules, or the titles already
/// held then), or that there are not enough comparable years. The report, the dashboard and the
/// CLI say it alike.
pub fn projection_text(target: &TargetSection, lang: Lang) -> String {
    let Some(p) = target.projection else {
        return t(
            lang,
            "chưa đủ số liệu (cần ít nhất hai năm cùng căn cứ xét)",
            "not enough comparable years (at least two under the same rules)",
        )
        .to_owned();
    };
    let years: Vec<String> = target.projection_years.iter().map(ToString::to_string).collect();
    let floor = match target.projection_floor {
        Some(f) if f == p => format!(
            "; {} {}",
            t(lang, "bằng tỷ lệ đơn vị có danh hiệu còn hiệu lực đến năm", "the share whose titles still hold in"),
            target.by_year
        ),
        _ => String::new(),
    };
    format!(
        "{} ({} {}{floor})",
        pct(Some(p), lang),
        t(
            lang,
            "đường thẳng bình phương tối thiểu qua các năm cùng căn cứ xét:",
            "least-squares line through the years under the same rules:"
        ),
        years.join(", ")
    )
}

/// The status of a reporter in words.
pub fn status_word(st: DeadlineStatus, lang: Lang) -> String {
    match st {
        DeadlineStatus::OnTime => t(lang, "đúng hạn", "on time").to_owned(),
        DeadlineStatus::Late { days } => match lang {
            Lang::Vi => format!("trễ {days} ngày"),
            Lang::En => format!("late by {days} days"),
        },
        DeadlineStatus::Missing => t(lang, "chưa nộp (quá hạn)", "missing (overdue)").to_owned(),
        DeadlineStatus::NotYetDue => t(lang, "chưa nộp (chưa đến hạn)", "not yet in (not yet due)").to_owned(),
    }
}

fn deadlines_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let d = &r.deadlines;
    let mut s = Section {
        heading: l("5. Chế độ báo cáo: tình hình nộp báo cáo năm", "5. Reporting: annual reports received"),
        ..Section::default()
    };
    s.paragraphs.push(tx(lang, &d.reading).to_owned());
    s.paragraphs.push(format!(
        "{} {}: {} {}, {} {}, {} {}, {} {}.",
        l("Tính đến", "As of"),
        date(d.as_of, lang),
        int(d.on_time, lang),
        l("đúng hạn", "on time"),
        int(d.late, lang),
        l("trễ hạn", "late"),
        int(d.missing, lang),
        l("chưa nộp (quá hạn)", "missing"),
        int(d.not_yet_due, lang),
        l("chưa đến hạn", "not yet due"),
    ));
    if let Some(dossier) = d.learning_unit_dossier_due {
        s.paragraphs.push(format!(
            "{} {} ({}).",
            l(
                "Hạn nộp hồ sơ đề nghị công nhận “Đơn vị học tập” của năm này:",
                "The dossier for this year's “Learning Unit” recognition is due"
            ),
            crate::fmt::date(dossier, lang),
            l("trước ngày, TT 24/2023/TT-BGDĐT Điều 10", "before that day, TT 24/2023/TT-BGDĐT Art. 10")
        ));
    }
    s.charts.push(Chart::Status {
        caption: l("Tình hình nộp báo cáo", "Reports received"),
        parts: vec![
            (l("Đúng hạn", "On time"), d.on_time, "ok"),
            (l("Trễ hạn", "Late"), d.late, "late"),
            (l("Quá hạn chưa nộp", "Missing"), d.missing, "missing"),
            (l("Chưa đến hạn", "Not yet due"), d.not_yet_due, "pending"),
        ],
    });
    s.tables.push(Table {
        name: "deadlines".into(),
        caption: format!("{} {}", l("Báo cáo năm, hạn", "Annual reports, due"), date(d.due, lang)),
        keys: vec!["actor", "actor_name", "code", "name", "submitted_on", "status"],
        labels: vec![
            l("Mã", "Id"),
            l("Cơ quan (KH)", "Plan actor"),
            l("Mã", "Code"),
            l("Đơn vị", "Organisation"),
            l("Ngày nhận", "Received"),
            l("Tình trạng", "Status"),
        ],
        rows: d
            .rows
            .iter()
            .map(|x| {
                let actor = r.actors.iter().find(|a| a.id == x.actor).map_or(x.actor.as_str(), |a| tx(lang, &a.name));
                vec![
                    text(x.actor.clone()),
                    text(actor),
                    text(x.code.clone()),
                    text(x.name.clone()),
                    x.submitted_on.map_or(Cell::Empty, Cell::Date),
                    text(status_word(x.status, lang)),
                ]
            })
            .collect(),
    });
    s
}

fn actors_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let mut s = Section {
        heading: l("6. Kết quả thực hiện nhiệm vụ của các cơ quan, đơn vị", "6. What each actor did, duty by duty"),
        ..Section::default()
    };
    let role = |r: &str| match r {
        "lead" => l("chủ trì", "lead"),
        "coordinate" => l("phối hợp", "coordinate"),
        _ => l("thực hiện", "perform"),
    };
    let mut rows = Vec::new();
    let mut unreported = 0u64;
    for a in &r.actors {
        let name = match &a.held_by {
            None => tx(lang, &a.name).to_owned(),
            Some(Some(by)) => format!("{} ({} {})", tx(lang, &a.name), l("nay:", "now:"), tx(lang, by)),
            Some(None) => {
                format!("{} ({})", tx(lang, &a.name), l("nay không cơ quan nào đảm nhiệm", "no body holds it now"))
            }
        };
        for d in &a.duties {
            if d.reported.is_empty() {
                unreported += 1;
                rows.push(vec![
                    text(name.clone()),
                    text(d.id.clone()),
                    text(duty_number(&a.section, &d.id, lang)),
                    text(role(&d.role)),
                    text(tx(lang, &d.text)),
                    text(l("(chưa có báo cáo)", "(nobody reported)")),
                ]);
            }
            for (org, field, value) in &d.reported {
                rows.push(vec![
                    text(name.clone()),
                    text(d.id.clone()),
                    text(duty_number(&a.section, &d.id, lang)),
                    text(role(&d.role)),
                    text(tx(lang, &d.text)),
                    text(format!("{org}: {}: {value}", tx(lang, field))),
                ]);
            }
        }
    }
    s.paragraphs.push(format!(
        "{} {}.",
        l("Số nhiệm vụ chưa có báo cáo:", "Duties nobody reported on:"),
        int(unreported, lang)
    ));
    s.tables.push(Table {
        name: "actors".into(),
        caption: l("Nhiệm vụ theo Kế hoạch và kết quả báo cáo", "Duties under the plan and what was reported"),
        keys: vec!["actor", "duty", "section", "role", "text", "reported"],
        labels: vec![
            l("Cơ quan", "Actor"),
            l("Mã", "Id"),
            l("Mục KH", "Plan §"),
            l("Vai trò", "Role"),
            l("Nhiệm vụ", "Duty"),
            l("Đã báo cáo", "Reported"),
        ],
        rows,
    });
    s
}

/// A duty by the plan's numbering: the actor's section and the duty's place in it, e.g.
/// "VIII.1.7, ý 3" for the third duty of the actor of section VIII.1.7.
fn duty_number(section: &str, duty: &str, lang: Lang) -> String {
    let n = duty.rsplit_once('.').map_or("", |(_, n)| n);
    format!("{section}, {} {n}", t(lang, "ý", "item"))
}

fn areas_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let mut s = Section {
        heading: l("7. Sắp xếp đơn vị hành chính năm 2025", "7. The 2025 reorganisation of areas"),
        ..Section::default()
    };
    s.paragraphs.push(l(
        "Từ ngày 01/07/2025 không tổ chức cấp huyện; số liệu của các xã cũ được cộng vào xã mới kế thừa để chuỗi số liệu so sánh được.",
        "From 2025-07-01 there is no district tier; the figures of the old communes are counted in the communes that succeeded them, so the series stay comparable.",
    ));
    if r.areas.iter().any(|a| a.assumed) {
        s.paragraphs.push(l(
            "Các dòng đánh dấu [minh họa] là phân bổ giả định.",
            "Rows marked [illustrative] are an assumed mapping.",
        ));
    }
    s.tables.push(Table {
        name: "areas".into(),
        caption: l("Đơn vị cũ và đơn vị kế thừa", "Old areas and their successors"),
        keys: vec!["from", "from_name", "to", "to_name", "date", "kind"],
        labels: vec![
            l("Mã cũ", "Old code"),
            l("Tên cũ", "Old name"),
            l("Mã mới", "New code"),
            l("Tên mới", "New name"),
            l("Từ ngày", "From"),
            l("Hình thức", "How"),
        ],
        rows: r
            .areas
            .iter()
            .map(|a| {
                let kind = match a.kind.as_str() {
                    "merged" => l("sáp nhập", "merged"),
                    "tier-abolished" => l("kết thúc cấp huyện", "tier abolished"),
                    "renamed" => l("đổi tên", "renamed"),
                    _ => l("chia tách", "split"),
                };
                let kind = if a.assumed { format!("{kind} [{}]", l("minh họa", "illustrative")) } else { kind };
                vec![
                    text(a.from.clone()),
                    text(a.from_name.clone()),
                    text(a.to.clone()),
                    text(a.to_name.clone()),
                    Cell::Date(a.date),
                    text(kind),
                ]
            })
            .collect(),
    });
    s
}

fn basis_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    Section {
        heading: l("Căn cứ tính toán", "Rules applied"),
        paragraphs: vec![l(
            "Số liệu được tính từ hồ sơ theo các bộ tiêu chí dưới đây (mã băm xác định đúng phiên bản quy tắc đã dùng).",
            "The figures are computed from the records under the rulebooks below (the hash identifies exactly the rules used).",
        )],
        charts: Vec::new(),
        tables: vec![Table {
            name: "rulebooks".into(),
            caption: l("Bộ tiêu chí", "Rulebooks"),
            keys: vec!["rulebook", "version", "title", "document", "content_hash"],
            labels: vec![
                l("Mã", "Id"),
                l("Phiên bản", "Version"),
                l("Bộ tiêu chí", "Rulebook"),
                l("Văn bản", "Document"),
                l("Mã băm SHA-256", "SHA-256"),
            ],
            rows: r
                .rulebooks
                .iter()
                .map(|b| {
                    vec![
                        text(b.id.clone()),
                        text(b.version.clone()),
                        text(tx(lang, &b.title)),
                        text(b.document.clone()),
                        text(b.content_hash.clone()),
                    ]
                })
                .collect(),
        }],
    }
}
