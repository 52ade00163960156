//! The commands over stored records: evaluate, explain, progress, deadlines, rewards.

use std::process::ExitCode;

use anyhow::{Context, bail};
use chrono::{Datelike, NaiveDate};
use xhht_core::Lang;
use xhht_core::plan::Plan;
use xhht_core::record::SubjectRef;
use xhht_core::rulebook::Subject;
use xhht_report::build::Options;
use xhht_report::doc::status_word;
use xhht_report::model::{Report, ReportKind, Scope};
use xhht_scoring::year::{YearEngines, YearIndex, evaluate_year, org_result, person_result};

use crate::cmd::db::{History, evaluate_and_keep, open, runtime, stored_report};
use crate::output::{Out, col};

/// `xhht evaluate --year Y`.
pub(crate) fn evaluate(o: &mut Out<'_>, db: &str, year: i32) -> anyhow::Result<ExitCode> {
    let engines = YearEngines::builtin()?;
    let rt = runtime()?;
    let (people, orgs, saved) = rt.block_on(async {
        let store = open(db).await?;
        let (r, saved) = evaluate_and_keep(&store, &engines, "xhht evaluate", year).await?;
        anyhow::Ok((r.people.len(), r.organisations.len(), saved))
    })?;
    o.line(match o.lang {
        Lang::Vi => format!("Năm {year}: đã chấm {people} người, {orgs} đơn vị; lưu {saved} kết quả."),
        Lang::En => format!("{year}: evaluated {people} people and {orgs} organisations; stored {saved} results."),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `xhht explain ENTITY --year Y`.
pub(crate) fn explain(o: &mut Out<'_>, db: &str, entity: &str, year: i32) -> anyhow::Result<ExitCode> {
    let engines = YearEngines::builtin()?;
    let rt = runtime()?;
    let data = rt.block_on(async {
        let store = open(db).await?;
        anyhow::Ok(store.load_year(year).await?)
    })?;
    let lang = o.lang;
    let index = YearIndex::new(data.input())?;
    // Members' titles for the roll-ups come from their own results.
    let results = evaluate_year(&engines, data.input())?;
    let holding: std::collections::HashSet<&str> =
        results.people.iter().filter(|p| p.holds_title).map(|p| p.id.as_str()).collect();
    let holds = |p: &str, t: xhht_core::Title| t == xhht_core::Title::CongDanHocTap && holding.contains(p);
    let mut lines = Vec::new();
    if let Some(person) = data.people.iter().find(|p| p.id == entity) {
        let subject = SubjectRef::Person(person.id.clone());
        let tags = vec![format!("category:{}", person.category.id())];
        let r = person_result(&engines, &index, person, &holds)?;
        if index.assessment(&subject, "cong-dan-hoc-tap").is_some() {
            let f = index.facts(&engines.citizen, Subject::Person, &subject, tags.clone(), &holds);
            let e = engines.citizen.evaluate(&f, year)?;
            lines.extend(engines.citizen.explain(&f, year, &e).lines(lang));
        } else {
            lines.push(
                o.tr(
                    "Chưa có phiếu tự đánh giá “Công dân học tập” năm này.",
                    "No “Công dân học tập” self-assessment this year.",
                )
                .to_owned(),
            );
        }
        lines.push(String::new());
        let f = index.facts(&engines.plan, Subject::Person, &subject, tags, &holds);
        lines.extend(engines.plan.explain(&f, year, &r.criteria).lines(lang));
    } else if let Some(org) = data.organisations.iter().find(|x| x.code == entity) {
        let subject = SubjectRef::Organisation(org.code.clone());
        let r = org_result(&engines, &index, org, &holds)?;
        if let Some(unit) = engines.unit_for(year) {
            if index.assessment(&subject, unit.rulebook().rulebook.id()).is_some() {
                let f = index.facts(unit, Subject::Organisation, &subject, org.tags(), &holds);
                let e = unit.evaluate(&f, year)?;
                lines.extend(unit.explain(&f, year, &e).lines(lang));
            } else {
                lines.push(
                    o.tr(
                        "Chưa có hồ sơ tự đánh giá “Đơn vị học tập” năm này.",
                        "No “Đơn vị học tập” self-assessment this year.",
                    )
                    .to_owned(),
                );
            }
        }
        match (r.title_level, r.title_held_until) {
            (Some(l), Some(until)) => lines.push(match lang {
                Lang::Vi => format!(
                    "Đang giữ danh hiệu “Đơn vị học tập” mức {l} ({}) đến hết năm dữ liệu {until}.",
                    r.title_decision.unwrap_or_default()
                ),
                Lang::En => format!(
                    "Holds “Đơn vị học tập” at level {l} ({}) through data year {until}.",
                    r.title_decision.unwrap_or_default()
                ),
            }),
            _ => lines.push(
                o.tr("Chưa giữ danh hiệu “Đơn vị học tập” trong năm.", "Holds no “Đơn vị học tập” title this year.")
                    .to_owned(),
            ),
        }
        lines.push(String::new());
        let f = index.facts(&engines.plan, Subject::Organisation, &subject, org.tags(), &holds);
        lines.extend(engines.plan.explain(&f, year, &r.criteria).lines(lang));
    } else {
        bail!("no person or organisation `{entity}` in the database (year {year})");
    }
    for l in lines {
        o.line(l)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report_for(db: &str, year: i32, today: NaiveDate, kind: ReportKind) -> anyhow::Result<Report> {
    let engines = YearEngines::builtin()?;
    let plan = Plan::can_duoc_2024();
    let rt = runtime()?;
    let opts = Options { kind, year, as_of: today, scope: Scope::District, notice: None };
    rt.block_on(async {
        let store = open(db).await?;
        stored_report(&store, &engines, plan, &opts).await
    })
}

/// `xhht progress [--year Y] [--by commune|kind]`.
pub(crate) fn progress(
    o: &mut Out<'_>,
    db: &str,
    year: i32,
    today: NaiveDate,
    by: Option<&str>,
) -> anyhow::Result<ExitCode> {
    let r = report_for(db, year, today, ReportKind::Annual)?;
    let lang = o.lang;
    if let Some(by) = by {
        let cols = [
            col("target", "Mục tiêu", "Target"),
            col("key", "Mã", "Code"),
            col(
                "label",
                if by == "kind" { "Loại hình" } else { "Địa bàn" },
                if by == "kind" { "Kind" } else { "Area" },
            ),
            col("met", "Đạt", "Met"),
            col("of", "Tổng số", "Counted"),
            col("share", "Tỷ lệ (%)", "Share (%)"),
            col("note", "Ghi chú", "Note"),
        ];
        let rows: Vec<Vec<String>> = r
            .targets
            .iter()
            .flat_map(|t| {
                let list = if by == "kind" { &t.by_kind } else { &t.by_area };
                list.iter().map(move |b| {
                    vec![
                        t.id.clone(),
                        b.key.clone(),
                        b.label.get(lang).to_owned(),
                        b.count.met.to_string(),
                        b.count.of.to_string(),
                        b.count.share.map(|s| s.to_string()).unwrap_or_default(),
                        b.note.as_ref().map(|n| n.get(lang).to_owned()).unwrap_or_default(),
                    ]
                })
            })
            .collect();
        o.table(&cols, &rows)?;
        return Ok(ExitCode::SUCCESS);
    }
    print_progress(o, &r, year)?;
    Ok(ExitCode::SUCCESS)
}

/// The targets' series, one row per target and year, with the year's standing on the last row.
pub(crate) fn print_progress(o: &mut Out<'_>, r: &Report, year: i32) -> anyhow::Result<()> {
    let lang = o.lang;
    let cols = [
        col("target", "Mục tiêu", "Target"),
        col("year", "Năm", "Year"),
        col("met", "Đạt", "Met"),
        col("of", "Tổng số", "Counted"),
        col("share", "Tỷ lệ (%)", "Share (%)"),
        col("path", "Lộ trình (%)", "Path (%)"),
        col("target_share", "Mục tiêu (%)", "Target (%)"),
        col("on_track", "Đúng tiến độ", "On track"),
        col("gap", "Còn thiếu (điểm %)", "Gap (points)"),
        col("projection", "Dự báo 2030 (%)", "Projected 2030 (%)"),
        col("national", "Mốc quốc gia (%)", "National milestone (%)"),
    ];
    let word = |b: bool| match (b, lang) {
        (true, Lang::Vi) => "có",
        (false, Lang::Vi) => "không",
        (true, Lang::En) => "yes",
        (false, Lang::En) => "no",
    };
    let mut rows = Vec::new();
    for t in &r.targets {
        for p in &t.series {
            let now = p.year == year;
            let national =
                t.milestones.iter().find(|m| m.year == p.year).map(|m| m.share.to_string()).unwrap_or_default();
            rows.push(vec![
                t.id.clone(),
                p.year.to_string(),
                p.count.met.to_string(),
                p.count.of.to_string(),
                p.count.share.map(|s| s.to_string()).unwrap_or_default(),
                p.path.map(|s| s.to_string()).unwrap_or_default(),
                t.target.to_string(),
                if now { t.on_track.map(|b| word(b).to_owned()).unwrap_or_default() } else { String::new() },
                if now { t.gap.map(|b| b.to_string()).unwrap_or_default() } else { String::new() },
                if now { t.projection.map(|b| b.to_string()).unwrap_or_default() } else { String::new() },
                national,
            ]);
        }
    }
    o.table(&cols, &rows)
}

/// `xhht deadlines [--year Y]`.
pub(crate) fn deadlines(o: &mut Out<'_>, db: &str, year: i32, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let r = report_for(db, year, today, ReportKind::Annual)?;
    let d = &r.deadlines;
    let lang = o.lang;
    if o.format == crate::cli::Format::Table {
        o.line(d.reading.get(lang))?;
    }
    let cols = [
        col("actor", "Cơ quan (KH)", "Plan actor"),
        col("code", "Mã", "Code"),
        col("name", "Đơn vị", "Organisation"),
        col("submitted_on", "Ngày nhận", "Received"),
        col("status", "Tình trạng", "Status"),
        col("days_late", "Số ngày trễ", "Days late"),
    ];
    let rows: Vec<Vec<String>> = d
        .rows
        .iter()
        .map(|x| {
            let days = match x.status {
                xhht_report::model::DeadlineStatus::Late { days } => days.to_string(),
                _ => String::new(),
            };
            vec![
                x.actor.clone(),
                x.code.clone(),
                x.name.clone(),
                x.submitted_on.map(|s| xhht_core::format_date(s, lang)).unwrap_or_default(),
                status_word(x.status, lang),
                days,
            ]
        })
        .collect();
    o.table(&cols, &rows)?;
    if o.format == crate::cli::Format::Table {
        o.line(match lang {
            Lang::Vi => format!(
                "Tính đến {}: {} đúng hạn, {} trễ hạn, {} quá hạn chưa nộp, {} chưa đến hạn.",
                xhht_core::format_date(d.as_of, lang),
                d.on_time,
                d.late,
                d.missing,
                d.not_yet_due
            ),
            Lang::En => format!(
                "As of {}: {} on time, {} late, {} missing, {} not yet due.",
                d.as_of, d.on_time, d.late, d.missing, d.not_yet_due
            ),
        })?;
    }
    Ok(ExitCode::SUCCESS)
}

/// `xhht rewards --year Y | --phase N`: every eligible subject (a report lists a sample).
pub(crate) fn rewards(
    o: &mut Out<'_>,
    db: &str,
    year: Option<i32>,
    phase: Option<u8>,
    today: NaiveDate,
) -> anyhow::Result<ExitCode> {
    let plan = Plan::can_duoc_2024();
    let engines = YearEngines::builtin()?;
    let (phase_id, year, from) = match phase {
        Some(p) => {
            let ph = plan.phases.get(usize::from(p) - 1).context("the plan has two phases")?;
            let from = if ph.review == xhht_core::plan::ReviewKind::Final { plan.meta.years[0] } else { ph.from_year };
            (Some(ph.id.clone()), ph.review_year, from)
        }
        None => {
            let y = year.unwrap_or_else(|| today.year());
            (None, y, y)
        }
    };
    let history = runtime()?.block_on(async {
        let store = open(db).await?;
        History::load(&store, &engines, from, year).await
    })?;
    let rules = &engines.set.get(xhht_scoring::year::PLAN_RULEBOOK)?.rulebook;
    let list = match &phase_id {
        Some(id) => xhht_scoring::rewards::phase(rules, &engines.plan, id, &history.results),
        None => match history.results.last() {
            Some(r) => xhht_scoring::rewards::annual(rules, &engines.plan, r),
            None => Vec::new(),
        },
    };
    let names: std::collections::HashMap<&str, &str> = history
        .years
        .last()
        .map(|y| {
            y.people
                .iter()
                .map(|p| (p.id.as_str(), p.full_name.as_str()))
                .chain(y.organisations.iter().map(|x| (x.code.as_str(), x.name.as_str())))
                .collect()
        })
        .unwrap_or_default();
    let lang = o.lang;
    let cols = [
        col("reward", "Hình thức", "Reward"),
        col("subject", "Đối tượng", "Subject"),
        col("id", "Mã", "Id"),
        col("name", "Tên", "Name"),
        col("because", "Căn cứ", "Because"),
    ];
    let rows: Vec<Vec<String>> = list
        .iter()
        .filter(|e| e.eligible)
        .map(|e| {
            let because: Vec<&str> = e.reasons.iter().map(|t| t.get(lang)).collect();
            let (kind, id) = match &e.subject {
                SubjectRef::Person(p) => (o.tr("cá nhân", "person"), p.as_str()),
                other => (o.tr("tập thể", "collective"), other.id()),
            };
            vec![
                e.reward.clone(),
                kind.to_owned(),
                id.to_owned(),
                names.get(id).copied().unwrap_or_default().to_owned(),
                because.join("; "),
            ]
        })
        .collect();
    o.table(&cols, &rows)?;
    if o.format == crate::cli::Format::Table {
        for rule in rules.rewards.iter().filter(|r| list.iter().any(|e| e.reward == r.id)) {
            let of = list.iter().filter(|e| e.reward == rule.id).count();
            let met = list.iter().filter(|e| e.reward == rule.id && e.eligible).count();
            o.line(format!("{}: {met}/{of}", rule.id))?;
            if let Some(j) = &rule.judgement {
                o.line(format!("  {}", j.get(lang)))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
