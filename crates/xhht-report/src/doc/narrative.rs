//! The assessment every such report closes with (đánh giá chung): results achieved,
//! shortcomings and their causes, tasks for the next year, proposals. The factual parts are
//! written from the figures (what rose, what fell, who is late, who must renew); what only the
//! issuing body can say is left as a clearly marked place for its own words.

use super::*;

/// A place for the issuing body's own words, marked so nobody files it unfilled.
fn blank(lang: Lang, what: &str) -> String {
    match lang {
        Lang::Vi => format!("[Phần để cơ quan ban hành viết: {what}]"),
        Lang::En => format!("[For the issuing body to write: {what}]"),
    }
}

/// The change of a target's share from the year before, in words.
fn change(target: &TargetSection, lang: Lang) -> Option<String> {
    use std::cmp::Ordering::{Equal, Greater, Less};
    let n = target.series.len();
    let (prev, last) = (target.series.get(n.checked_sub(2)?)?, target.series.get(n - 1)?);
    let (a, b) = (prev.count.share?, last.count.share?);
    let diff = b - a;
    let caveat = if target.breaks.iter().any(|br| br.year == last.year) {
        t(lang, " (hai năm xét theo hai văn bản khác nhau)", " (the two years were judged under different rules)")
    } else {
        ""
    };
    let title = tx(lang, &target.title);
    let (from, to, year) = (pct(Some(a), lang), pct(Some(b), lang), prev.year);
    let points = pct(Some(diff.abs()), lang).replace('%', "");
    Some(match (lang, diff.cmp(&Decimal::ZERO)) {
        (Lang::Vi, Equal) => format!("{title}: không đổi so với năm {year} ({to}){caveat}."),
        (Lang::Vi, way) => {
            let (dir, towards) = if way == Greater { ("tăng", "lên") } else { ("giảm", "xuống") };
            format!("{title}: {dir} {points} điểm phần trăm so với năm {year} (từ {from} {towards} {to}){caveat}.")
        }
        (Lang::En, Equal) => format!("{title}: did not change from {year} ({to}){caveat}."),
        (Lang::En, way) => {
            let dir = if way == Less { "fell" } else { "rose" };
            format!("{title}: {dir} by {points} percentage points from {year} ({from} to {to}){caveat}.")
        }
    })
}

pub(super) fn assessment_section(r: &Report, lang: Lang) -> Section {
    let l = |vi: &'static str, en: &'static str| t(lang, vi, en).to_owned();
    let mut s = Section { heading: l("8. Đánh giá chung", "8. Overall assessment"), ..Section::default() };

    // Results achieved.
    s.paragraphs.push(l("8.1. Kết quả đạt được", "8.1. Results achieved"));
    for target in &r.targets {
        if let Some(c) = change(target, lang) {
            s.paragraphs.push(c);
        }
    }
    let recognised: u64 = r.titles.recognised.iter().map(|x| x.count).sum();
    s.paragraphs.push(format!(
        "{} {} {}; {} {}/{} ({}), {} {}/{} ({}).",
        l("Số danh hiệu được công nhận cho năm", "Titles recognised for"),
        r.year,
        match lang {
            Lang::Vi => format!("là {}", int(recognised, lang)),
            Lang::En => format!("came to {}", int(recognised, lang)),
        },
        l("tập thể đạt đủ tiêu chí thi đua", "collectives meeting every criterion"),
        int(r.criteria.collectives_meeting_all.met, lang),
        int(r.criteria.collectives_meeting_all.of, lang),
        pct(r.criteria.collectives_meeting_all.share, lang),
        l("cá nhân", "individuals"),
        int(r.criteria.individuals_meeting_all.met, lang),
        int(r.criteria.individuals_meeting_all.of, lang),
        pct(r.criteria.individuals_meeting_all.share, lang),
    ));
    s.paragraphs
        .push(blank(lang, t(lang, "các mô hình, cách làm hay của năm", "the year's good models and practices")));

    // Shortcomings and causes.
    s.paragraphs.push(l("8.2. Tồn tại, hạn chế và nguyên nhân", "8.2. Shortcomings and their causes"));
    for target in r.targets.iter().filter(|x| x.on_track == Some(false)) {
        s.paragraphs.push(match lang {
            Lang::Vi => format!(
                "{}: đạt {}, thấp hơn lộ trình ({}); còn thiếu {} điểm phần trăm so với mục tiêu năm {}.",
                tx(lang, &target.title),
                pct(target.count.share, lang),
                pct(target.path, lang),
                pct(target.gap, lang).replace('%', ""),
                target.by_year
            ),
            Lang::En => format!(
                "{}: {}, below the straight path ({}); {} percentage points short of the {} target.",
                tx(lang, &target.title),
                pct(target.count.share, lang),
                pct(target.path, lang),
                pct(target.gap, lang).replace('%', ""),
                target.by_year
            ),
        });
    }
    let weakest = r
        .criteria
        .collective
        .iter()
        .chain(&r.criteria.individual)
        .filter(|c| c.count.share.is_some_and(|x| x < Decimal::ONE_HUNDRED))
        .min_by_key(|c| c.count.share);
    if let Some(c) = weakest {
        s.paragraphs.push(format!(
            "{} {} ({}): {}.",
            l("Tiêu chí đạt thấp nhất:", "The criterion least met:"),
            tx(lang, &c.title),
            super::plan_number(&c.cites, lang),
            pct(c.count.share, lang)
        ));
    }
    let d = &r.deadlines;
    let late: Vec<&str> = d
        .rows
        .iter()
        .filter(|x| matches!(x.status, DeadlineStatus::Late { .. } | DeadlineStatus::Missing))
        .map(|x| x.name.as_str())
        .collect();
    if !late.is_empty() {
        s.paragraphs.push(format!(
            "{} {}.",
            l("Nộp báo cáo trễ hạn hoặc chưa nộp khi đã quá hạn:", "Reported late, or not at all after the deadline:"),
            late.join(", ")
        ));
    }
    s.paragraphs.push(blank(
        lang,
        t(lang, "nguyên nhân khách quan và chủ quan của các hạn chế trên", "the causes of the shortcomings above"),
    ));

    // Tasks for next year.
    let next = r.year + 1;
    s.paragraphs.push(format!("8.3. {} {next}", l("Nhiệm vụ trọng tâm năm", "Main tasks for")));
    for target in &r.targets {
        if let Some(n) = target.needed_per_year.filter(|n| !n.is_zero()) {
            s.paragraphs.push(match lang {
                Lang::Vi => format!(
                    "{}: phấn đấu tăng ít nhất {} điểm phần trăm mỗi năm để đạt mục tiêu năm {}.",
                    tx(lang, &target.title),
                    pct(Some(n), lang).replace('%', ""),
                    target.by_year
                ),
                Lang::En => format!(
                    "{}: raise the share by at least {} percentage points a year to reach the {} target.",
                    tx(lang, &target.title),
                    pct(Some(n), lang).replace('%', ""),
                    target.by_year
                ),
            });
        }
    }
    let expiring = r.titles.expiring_next_year.len() as u64;
    if expiring > 0 {
        s.paragraphs.push(match lang {
            Lang::Vi => format!(
                "Hướng dẫn {} đơn vị có danh hiệu “Đơn vị học tập” hết thời hạn công nhận sau năm {next} chuẩn bị hồ sơ đề nghị công nhận lại.",
                int(expiring, lang)
            ),
            Lang::En => format!(
                "Guide the {} units whose “Learning Unit” recognition ends after {next} to prepare their dossiers for renewal.",
                int(expiring, lang)
            ),
        });
    }
    if let Some(due) = d.due.with_year(next) {
        s.paragraphs.push(match lang {
            Lang::Vi => format!("Các cơ quan, đơn vị gửi báo cáo năm {next} trước ngày {}.", date(due, lang)),
            Lang::En => format!("Agencies and units send their {next} reports before {}.", date(due, lang)),
        });
    }
    s.paragraphs.push(blank(
        lang,
        t(lang, "các nhiệm vụ, giải pháp khác của năm tới", "other tasks and measures for next year"),
    ));

    // Proposals.
    s.paragraphs.push(l("8.4. Đề xuất, kiến nghị", "8.4. Proposals"));
    s.paragraphs.push(blank(
        lang,
        t(
            lang,
            "đề xuất, kiến nghị với cấp trên (kinh phí, cơ chế, hướng dẫn)",
            "proposals to higher levels (funding, rules, guidance)",
        ),
    ));
    s
}
