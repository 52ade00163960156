//! The report's first sections laid out: the plan's targets (series, path, milestones,
//! charts), the emulation criteria with who does not meet them, the titles, and the rewards.

use super::*;

pub(super) fn targets_section(r: &Report, lang: Lang) -> Section {
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
        let projection = super::projection_text(target, lang);
        let needed = target.needed_per_year.map_or_else(String::new, |n| {
            format!(
                "; {} {} {} {}",
                l("cần tăng", "needs"),
                dec(n, lang),
                l("điểm phần trăm mỗi năm để đạt mục tiêu năm", "percentage points a year to reach the target by"),
                target.by_year
            )
        });
        s.paragraphs.push(format!(
            "{}: {} {}/{} ({}); {} {}% {} {}; {} {}; {}; {} {}: {}{}.",
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
            projection,
            needed,
        ));
        for b in &target.breaks {
            s.paragraphs.push(tx(lang, &b.note).to_owned());
        }
        if let Some(c) = &target.comparable {
            s.paragraphs.push(comparable_text(c, lang));
        }
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
            breaks: target.breaks.iter().map(|b| (b.year, b.to.document.clone())).collect(),
        });
        s.tables.push(Table {
            name: format!("{id}-series"),
            caption: format!("{} — {}", tx(lang, &target.title), l("theo năm", "by year")),
            keys: vec!["year", "met", "of", "share", "path", "rules"],
            labels: vec![
                l("Năm", "Year"),
                l("Đạt", "Met"),
                l("Tổng số", "Counted"),
                l("Tỷ lệ (%)", "Share (%)"),
                l("Lộ trình (%)", "Path (%)"),
                l("Căn cứ xét", "Rules"),
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
                        text(p.rules.as_ref().map_or(String::new(), |r| r.document.clone())),
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
                            Cell::Pct(Some(m.share)),
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

pub(super) fn criteria_section(r: &Report, lang: Lang) -> Section {
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
            keys: vec!["indicator", "plan", "section", "criterion", "met", "of", "share"],
            labels: vec![
                l("Mã", "Id"),
                l("Mã KH", "Plan id"),
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
                        text(plan_number(&x.cites, lang)),
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
                let reasons: Vec<String> =
                    u.reasons.iter().map(|x| crate::build::with_names(tx(lang, x), &r.people_named)).collect();
                vec![
                    text(who),
                    text(u.id.clone()),
                    text(shown_name(&u.name, &u.id)),
                    text(u.organisation.clone().unwrap_or_default()),
                    text(reasons.join("; ")),
                ]
            })
            .collect(),
    });
    s
}

pub(super) fn titles_section(r: &Report, lang: Lang) -> Section {
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

pub(super) fn rewards_section(r: &Report, lang: Lang) -> Section {
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
                "trường hợp cho mỗi hình thức; danh sách đầy đủ lập từ phần mềm theo dõi khi lập hồ sơ đề nghị.",
                "per reward; the full list comes from the tracking software when the proposals are prepared."
            )
        ));
    }
    s.tables.push(Table {
        name: "rewards-eligible".into(),
        caption: l("Danh sách đủ điều kiện", "Eligible"),
        keys: vec!["reward", "reward_title", "subject", "id", "name", "because"],
        labels: vec![
            l("Mã", "Id"),
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
                let because: Vec<String> =
                    x.reasons.iter().map(|t| crate::build::with_names(tx(lang, t), &r.people_named)).collect();
                let title =
                    r.rewards.rules.iter().find(|rule| rule.id == x.reward).map_or("", |rule| tx(lang, &rule.title));
                let who = if x.subject == "person" { l("cá nhân", "person") } else { l("tập thể", "collective") };
                vec![
                    text(x.reward.clone()),
                    text(title),
                    text(who),
                    text(x.id.clone()),
                    text(shown_name(&x.name, &x.id)),
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
    let (verify_vi, verify_en) = match &r.rewards.verifier {
        Some(v) => (
            format!("Đề xuất khen thưởng: thẩm định ({}) và quyết định", v.vi),
            format!("Reward proposals: verification ({}) and decision", v.en),
        ),
        None => (
            "Đề xuất khen thưởng: thẩm định (cơ quan nội vụ) và quyết định".to_owned(),
            "Reward proposals: verification (home affairs) and decision".to_owned(),
        ),
    };
    s.tables.push(Table {
        name: "rewards-proposals".into(),
        caption: t(lang, &verify_vi, &verify_en).to_owned(),
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

/// A person's name, or their code where the report hides names (`***`) or has none.
fn shown_name(name: &str, id: &str) -> String {
    if name.is_empty() || name == "***" { id.to_owned() } else { name.to_owned() }
}

/// The plan's own numbering of a criterion id, as the plan prints it: `criterion.collective.2`
/// → "IV.1.1, ý 2" ("IV.1.1, item 2"). An id the plan does not number this way is left empty.
pub(crate) fn plan_number(id: &str, lang: Lang) -> String {
    let item = t(lang, "ý", "item");
    let (section, n) = match id.rsplit_once('.') {
        Some(("criterion.collective", n)) => ("IV.1.1", n),
        Some(("criterion.individual", n)) => ("IV.1.2", n),
        _ => return String::new(),
    };
    format!("{section}, {item} {n}")
}

/// The comparable figure across a change of rules, in words (the report, the dashboard).
pub fn comparable_text(c: &xhht_scoring::rescore::Rescore, lang: Lang) -> String {
    let rules = tx(lang, &c.title);
    match (lang, c.assessed) {
        (Lang::Vi, 0) => format!(
            "Số liệu so sánh (hồ sơ năm {} chấm lại theo {rules}): không tính được — không đơn vị nào trong {} đơn vị có hồ sơ đánh giá năm {} theo bộ tiêu chí này.",
            c.year,
            int(c.organisations, lang),
            c.year
        ),
        (Lang::En, 0) => format!(
            "Comparable figure ({} records judged under {rules}): cannot be computed — none of the {} units has a {} assessment under these rules.",
            c.year,
            int(c.organisations, lang),
            c.year
        ),
        (Lang::Vi, n) => format!(
            "Số liệu so sánh (hồ sơ năm {} chấm lại theo {rules}): {}/{} đơn vị có hồ sơ đạt yêu cầu ({}); {} đơn vị không có hồ sơ theo bộ tiêu chí này; chưa tính quyết định công nhận.",
            c.year,
            int(c.meeting, lang),
            int(n, lang),
            pct(c.share, lang),
            int(c.organisations - n.min(c.organisations), lang)
        ),
        (Lang::En, n) => format!(
            "Comparable figure ({} records judged under {rules}): {} of {} assessed units meet them ({}); {} units have no assessment under them; recognition decisions not counted.",
            c.year,
            int(c.meeting, lang),
            int(n, lang),
            pct(c.share, lang),
            int(c.organisations - n.min(c.organisations), lang)
        ),
    }
}

#[cfg(test)]
mod tests {
    use rust_decimal::Decimal;

    use super::*;

    #[test]
    fn the_comparable_figure_says_what_it_counts() {
        let mut c = xhht_scoring::rescore::Rescore {
            year: 2023,
            under_year: 2024,
            rulebook: "don-vi-hoc-tap.tt24-2023".into(),
            version: "tt24-2023".into(),
            title: xhht_core::Text::new("TT 24", "TT 24"),
            organisations: 79,
            assessed: 40,
            meeting: 12,
            share: Some(Decimal::from(30)),
        };
        assert_eq!(
            comparable_text(&c, Lang::Vi),
            "Số liệu so sánh (hồ sơ năm 2023 chấm lại theo TT 24): 12/40 đơn vị có hồ sơ đạt yêu cầu (30,00%); 39 đơn vị không có hồ sơ theo bộ tiêu chí này; chưa tính quyết định công nhận."
        );
        (c.assessed, c.meeting, c.share) = (0, 0, None);
        assert!(comparable_text(&c, Lang::En).contains("cannot be computed — none of the 79 units"));
    }
}
