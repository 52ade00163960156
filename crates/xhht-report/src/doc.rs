//! The report laid out as a document — title, sections, paragraphs, tables and charts — in one
//! language. Every renderer (Markdown, HTML, CSV, XLSX, DOCX) walks this one structure, so the
//! formats say the same thing.

use chrono::NaiveDate;
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
    /// The place written before the date.
    pub place: String,
    /// The issuing body (heading block, left).
    pub issuer: String,
    /// The title.
    pub title: String,
    /// Lines under the title (scope, as-of date, plan).
    pub subtitle: Vec<String>,
    /// A notice to print before everything (synthetic data).
    pub notice: Option<String>,
    /// Sections, in order.
    pub sections: Vec<Section>,
    /// Place-and-date line for the signature block.
    pub place_date: String,
}

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
    let subtitle = vec![
        format!("{}: {}", l("Phạm vi", "Scope"), tx(lang, &r.scope_name)),
        format!("{}: {}", l("Số liệu tính đến ngày", "Figures as of"), date(r.as_of, lang)),
        format!("{}: {} — {}", l("Thực hiện Kế hoạch", "Under the plan"), r.plan.1, tx(lang, &r.plan.2)),
    ];
    let mut sections = Vec::new();
    sections.push(targets_section(r, lang));
    sections.push(criteria_section(r, lang));
    sections.push(titles_section(r, lang));
    sections.push(rewards_section(r, lang));
    sections.push(deadlines_section(r, lang));
    sections.push(actors_section(r, lang));
    sections.push(areas_section(r, lang));
    sections.push(basis_section(r, lang));
    Document {
        lang,
        as_of: r.as_of,
        place: "Cần Đước".to_owned(),
        issuer: tx(lang, &r.issuer).to_owned(),
        title,
        subtitle,
        notice: r.notice.as_ref().map(|n| tx(lang, n).to_owned()),
        sections,
        place_date: match lang {
            Lang::Vi => format!("Cần Đước, ngày {}", date(r.as_of, lang)),
            Lang::En => format!("Cần Đước, {}", date(r.as_of, lang)),
        },
    }
}

fn targets_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let mut s = Section {
        heading: l("1. Tiến độ thực hiện mục tiêu", "1. Progress on the targets"),
        ..Section::default()
    };
    for target in &r.targets {
        let id = target.id.trim_start_matches("target.");
        let track = yes_no(
            target.on_track,
            lang,
            ("đúng tiến độ", "on track"),
            ("chậm so với lộ trình", "behind the straight path"),
        );
        s.paragraphs.push(format!(
            "{}: {} {}/{} ({}); {} {}% {} {}; {} {}; {}; {} {}: {}.",
            tx(lang, &target.title),
            l("đạt", "met by"),
            int(target.count.met, lang),
            int(target.count.of, lang),
            pct(target.count.share, lang),
            l("mục tiêu", "target"),
            dec(target.target, lang),
            l("vào năm", "by"),
            target.by_year,
            l("còn thiếu", "gap"),
            target.gap.map_or_else(
                || "—".to_owned(),
                |g| format!("{} {}", dec(g, lang), l("điểm phần trăm", "percentage points"))
            ),
            track,
            l("dự báo năm", "projected for"),
            target.by_year,
            pct(target.projection, lang),
        ));
        if r.kind != ReportKind::Annual
            && let (Some(first), Some(last)) = (target.series.first(), target.series.last())
        {
            s.paragraphs.push(format!(
                "{} {}: {} {} ({}) {} {} ({}).",
                l("So sánh đầu và cuối giai đoạn", "Phase start and end"),
                id,
                l("từ", "from"),
                pct(first.count.share, lang),
                first.year,
                l("đến", "to"),
                pct(last.count.share, lang),
                last.year,
            ));
        }
        s.charts.push(Chart::Progress {
            caption: format!("{} — {}", tx(lang, &target.title), l("tỷ lệ theo năm", "share by year")),
            points: target.series.iter().map(|p| (p.year, p.count.share, p.path)).collect(),
            target: (target.target, target.by_year),
            legend: [l("Tỷ lệ đạt", "Share"), l("Lộ trình", "Straight path"), l("Mục tiêu", "Target")],
        });
        s.tables.push(Table {
            name: format!("{id}-series"),
            caption: format!("{} — {}", tx(lang, &target.title), l("theo năm", "by year")),
            keys: vec!["year", "met", "of", "share", "path"],
            labels: vec![
                l("Năm", "Year"),
                l("Đạt", "Met"),
                l("Tổng số", "Counted"),
                l("Tỷ lệ (%)", "Share (%)"),
                l("Lộ trình (%)", "Path (%)"),
            ],
            rows: target
                .series
                .iter()
                .map(|p| {
                    vec![
                        Cell::Year(p.year),
                        Cell::Int(p.count.met),
                        Cell::Int(p.count.of),
                        Cell::Pct(p.count.share),
                        Cell::Pct(p.path),
                    ]
                })
                .collect(),
        });
        if !target.milestones.is_empty() {
            s.tables.push(Table {
                name: format!("{id}-milestones"),
                caption: format!("{} — {}", tx(lang, &target.title), l("các mốc tham chiếu", "reference milestones")),
                keys: vec!["year", "share", "scope", "met", "what", "source"],
                labels: vec![
                    l("Năm", "Year"),
                    l("Tỷ lệ (%)", "Share (%)"),
                    l("Cấp", "Scope"),
                    l("Đạt", "Met"),
                    l("Nội dung", "What"),
                    l("Nguồn", "Source"),
                ],
                rows: target
                    .milestones
                    .iter()
                    .map(|m| {
                        let scope = match m.scope.as_str() {
                            "national" => l("quốc gia", "national"),
                            "provincial" => l("tỉnh", "provincial"),
                            _ => l("kế hoạch", "plan"),
                        };
                        let source = if m.assumed {
                            format!("{} [{}]", m.citation, l("giả định", "assumed"))
                        } else {
                            m.citation.clone()
                        };
                        vec![
                            Cell::Year(m.year),
                            Cell::Dec(m.share),
                            text(scope),
                            text(yes_no(m.met, lang, ("đạt", "met"), ("chưa đạt", "not met"))),
                            text(m.note.as_ref().map_or("", |n| tx(lang, n))),
                            text(source),
                        ]
                    })
                    .collect(),
            });
        }
        s.charts.push(Chart::Bars {
            caption: format!("{} — {}", tx(lang, &target.title), l("theo địa bàn", "by area")),
            bars: target.by_area.iter().map(|b| (tx(lang, &b.label).to_owned(), b.count.share)).collect(),
        });
        for (suffix, rows, caption, key_label) in [
            ("by-area", &target.by_area, l("theo địa bàn", "by area"), l("Địa bàn", "Area")),
            ("by-kind", &target.by_kind, l("theo loại hình", "by kind of organisation"), l("Loại hình", "Kind")),
        ] {
            s.tables.push(Table {
                name: format!("{id}-{suffix}"),
                caption: format!("{} — {caption}", tx(lang, &target.title)),
                keys: vec!["key", "label", "met", "of", "share", "note"],
                labels: vec![
                    l("Mã", "Code"),
                    key_label,
                    l("Đạt", "Met"),
                    l("Tổng số", "Counted"),
                    l("Tỷ lệ (%)", "Share (%)"),
                    l("Ghi chú", "Note"),
                ],
                rows: rows
                    .iter()
                    .map(|b| {
                        vec![
                            text(b.key.clone()),
                            text(tx(lang, &b.label)),
                            Cell::Int(b.count.met),
                            Cell::Int(b.count.of),
                            Cell::Pct(b.count.share),
                            text(b.note.as_ref().map_or("", |n| tx(lang, n))),
                        ]
                    })
                    .collect(),
            });
        }
    }
    s
}

fn criteria_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let c = &r.criteria;
    let mut s = Section {
        heading: l("2. Kết quả thực hiện tiêu chí thi đua", "2. The emulation criteria"),
        ..Section::default()
    };
    s.paragraphs.push(format!(
        "{} {}/{} ({}); {} {}/{} ({}).",
        l("Tập thể đạt đủ tiêu chí (mục IV.1.1):", "Collectives meeting every criterion (IV.1.1):"),
        int(c.collectives_meeting_all.met, lang),
        int(c.collectives_meeting_all.of, lang),
        pct(c.collectives_meeting_all.share, lang),
        l("cá nhân đạt đủ tiêu chí (mục IV.1.2):", "individuals meeting every criterion (IV.1.2):"),
        int(c.individuals_meeting_all.met, lang),
        int(c.individuals_meeting_all.of, lang),
        pct(c.individuals_meeting_all.share, lang),
    ));
    for (name, caption, rows) in [
        ("criteria-collective", l("Tiêu chí đối với tập thể", "Criteria for collectives"), &c.collective),
        ("criteria-individual", l("Tiêu chí đối với cá nhân", "Criteria for individuals"), &c.individual),
    ] {
        s.tables.push(Table {
            name: name.to_owned(),
            caption,
            keys: vec!["indicator", "plan", "criterion", "met", "of", "share"],
            labels: vec![
                l("Mã", "Id"),
                l("Mục KH", "Plan §"),
                l("Tiêu chí", "Criterion"),
                l("Đạt", "Met"),
                l("Tổng số", "Counted"),
                l("Tỷ lệ (%)", "Share (%)"),
            ],
            rows: rows
                .iter()
                .map(|x| {
                    vec![
                        text(x.indicator.clone()),
                        text(x.cites.clone()),
                        text(tx(lang, &x.title)),
                        Cell::Int(x.count.met),
                        Cell::Int(x.count.of),
                        Cell::Pct(x.count.share),
                    ]
                })
                .collect(),
        });
    }
    let shown = c.unmet.len() as u64;
    s.paragraphs.push(if shown < c.unmet_total {
        format!(
            "{} {} / {}.",
            l("Danh sách chưa đạt (trích):", "Not meeting the criteria (extract):"),
            int(shown, lang),
            int(c.unmet_total, lang)
        )
    } else {
        format!(
            "{} {}.",
            l("Số tập thể, cá nhân chưa đạt:", "Collectives and individuals not meeting them:"),
            int(c.unmet_total, lang)
        )
    });
    s.tables.push(Table {
        name: "criteria-unmet".into(),
        caption: l("Tập thể, cá nhân chưa đạt và lý do", "Who does not meet the criteria, and why"),
        keys: vec!["subject", "id", "name", "organisation", "reasons"],
        labels: vec![
            l("Đối tượng", "Subject"),
            l("Mã", "Id"),
            l("Tên", "Name"),
            l("Đơn vị", "Organisation"),
            l("Lý do", "Reasons"),
        ],
        rows: c
            .unmet
            .iter()
            .map(|u| {
                let who = if u.subject == "person" { l("cá nhân", "person") } else { l("tập thể", "collective") };
                let reasons: Vec<&str> = u.reasons.iter().map(|x| tx(lang, x)).collect();
                vec![
                    text(who),
                    text(u.id.clone()),
                    text(u.name.clone()),
                    text(u.organisation.clone().unwrap_or_default()),
                    text(reasons.join("; ")),
                ]
            })
            .collect(),
    });
    s
}

fn titles_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let mut s = Section { heading: l("3. Danh hiệu", "3. Titles"), ..Section::default() };
    let level = |lv: Option<u8>| lv.map_or_else(|| "—".to_owned(), |k| format!("{} {k}", l("Mức độ", "Level")));
    for (name, caption, rows) in [
        ("titles-recognised", format!("{} {}", l("Công nhận cho năm", "Recognised for"), r.year), &r.titles.recognised),
        ("titles-held", format!("{} {}", l("Đang giữ danh hiệu trong năm", "Held in"), r.year), &r.titles.held),
    ] {
        s.tables.push(Table {
            name: name.into(),
            caption,
            keys: vec!["title", "level", "count"],
            labels: vec![l("Danh hiệu", "Title"), l("Mức độ", "Level"), l("Số lượng", "Count")],
            rows: rows
                .iter()
                .map(|x| vec![text(tx(lang, &x.label)), text(level(x.level)), Cell::Int(x.count)])
                .collect(),
        });
    }
    s.tables.push(Table {
        name: "titles-expiring".into(),
        caption: format!("{} {}", l("Hết thời hạn công nhận sau năm", "Recognition ending after"), r.year + 1),
        keys: vec!["code", "name", "level", "decision", "last_year"],
        labels: vec![
            l("Mã", "Code"),
            l("Đơn vị", "Unit"),
            l("Mức độ", "Level"),
            l("Quyết định", "Decision"),
            l("Năm cuối", "Last year"),
        ],
        rows: r
            .titles
            .expiring_next_year
            .iter()
            .map(|e| {
                vec![
                    text(e.code.clone()),
                    text(e.name.clone()),
                    text(level(e.level)),
                    text(e.decision.clone()),
                    Cell::Year(e.last_year),
                ]
            })
            .collect(),
    });
    s
}

fn rewards_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let mut s = Section {
        heading: l("4. Đủ điều kiện đề xuất khen thưởng", "4. Eligible for rewards"),
        ..Section::default()
    };
    if let Some(j) = &r.rewards.judgement {
        s.paragraphs.push(format!("{} {}", l("Lưu ý:", "Note:"), tx(lang, j)));
    }
    s.tables.push(Table {
        name: "rewards".into(),
        caption: l("Điều kiện khen thưởng", "Reward rules"),
        keys: vec!["reward", "title", "form", "eligible", "considered", "share"],
        labels: vec![
            l("Mã", "Id"),
            l("Hình thức", "Reward"),
            l("Loại", "Form"),
            l("Đủ điều kiện", "Eligible"),
            l("Xét", "Considered"),
            l("Tỷ lệ (%)", "Share (%)"),
        ],
        rows: r
            .rewards
            .rules
            .iter()
            .map(|x| {
                vec![
                    text(x.id.clone()),
                    text(tx(lang, &x.title)),
                    text(tx(lang, &x.form)),
                    Cell::Int(x.count.met),
                    Cell::Int(x.count.of),
                    Cell::Pct(x.count.share),
                ]
            })
            .collect(),
    });
    if r.rewards.rules.iter().any(|x| x.count.met > r.rewards.eligible_limit) {
        s.paragraphs.push(format!(
            "{} {} {}",
            l("Danh sách dưới đây liệt kê tối đa", "The list below shows at most"),
            int(r.rewards.eligible_limit, lang),
            l(
                "trường hợp cho mỗi hình thức; lệnh `xhht rewards` in đầy đủ.",
                "per reward; `xhht rewards` prints them all."
            )
        ));
    }
    s.tables.push(Table {
        name: "rewards-eligible".into(),
        caption: l("Danh sách đủ điều kiện", "Eligible"),
        keys: vec!["reward", "subject", "id", "name", "because"],
        labels: vec![
            l("Hình thức", "Reward"),
            l("Đối tượng", "Subject"),
            l("Mã", "Id"),
            l("Tên", "Name"),
            l("Căn cứ", "Because"),
        ],
        rows: r
            .rewards
            .eligible
            .iter()
            .map(|x| {
                let because: Vec<&str> = x.reasons.iter().map(|t| tx(lang, t)).collect();
                vec![
                    text(x.reward.clone()),
                    text(x.subject.clone()),
                    text(x.id.clone()),
                    text(x.name.clone()),
                    text(because.join("; ")),
                ]
            })
            .collect(),
    });
    if r.rewards.proposals.is_empty() {
        s.paragraphs.push(l(
            "Chưa có đề xuất khen thưởng nào được ghi nhận cho các năm của báo cáo.",
            "No reward proposal is recorded for the years of the report.",
        ));
    }
    s.tables.push(Table {
        name: "rewards-proposals".into(),
        caption: l(
            "Đề xuất khen thưởng: thẩm định (Phòng Nội vụ) và quyết định",
            "Reward proposals: verification (home affairs) and decision",
        ),
        keys: vec![
            "reward",
            "title",
            "proposed",
            "awaiting_verification",
            "refused",
            "awaiting_decision",
            "approved",
            "rejected",
        ],
        labels: vec![
            l("Mã", "Id"),
            l("Hình thức", "Reward"),
            l("Đã đề xuất", "Proposed"),
            l("Chờ thẩm định", "Awaiting verification"),
            l("Không đạt thẩm định", "Refused at verification"),
            l("Chờ quyết định", "Awaiting decision"),
            l("Được khen thưởng", "Approved"),
            l("Không khen thưởng", "Rejected"),
        ],
        rows: r
            .rewards
            .proposals
            .iter()
            .map(|x| {
                vec![
                    text(x.reward.clone()),
                    text(x.title.as_ref().map_or_else(String::new, |t| tx(lang, t).to_owned())),
                    Cell::Int(x.proposed),
                    Cell::Int(x.awaiting_verification),
                    Cell::Int(x.refused),
                    Cell::Int(x.awaiting_decision),
                    Cell::Int(x.approved),
                    Cell::Int(x.rejected),
                ]
            })
            .collect(),
    });
    s
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
        keys: vec!["actor", "code", "name", "submitted_on", "status"],
        labels: vec![
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
                vec![
                    text(x.actor.clone()),
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
        for d in &a.duties {
            if d.reported.is_empty() {
                unreported += 1;
                rows.push(vec![
                    text(tx(lang, &a.name)),
                    text(d.id.clone()),
                    text(role(&d.role)),
                    text(tx(lang, &d.text)),
                    text(l("(chưa có báo cáo)", "(nobody reported)")),
                ]);
            }
            for (org, field, value) in &d.reported {
                rows.push(vec![
                    text(tx(lang, &a.name)),
                    text(d.id.clone()),
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
        keys: vec!["actor", "duty", "role", "text", "reported"],
        labels: vec![
            l("Cơ quan", "Actor"),
            l("Mã", "Id"),
            l("Vai trò", "Role"),
            l("Nhiệm vụ", "Duty"),
            l("Đã báo cáo", "Reported"),
        ],
        rows,
    });
    s
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
            keys: vec!["rulebook", "version", "content_hash"],
            labels: vec![l("Bộ tiêu chí", "Rulebook"), l("Phiên bản", "Version"), l("Mã băm SHA-256", "SHA-256")],
            rows: r
                .rulebooks
                .iter()
                .map(|b| vec![text(b.id.clone()), text(b.version.clone()), text(b.content_hash.clone())])
                .collect(),
        }],
    }
}
