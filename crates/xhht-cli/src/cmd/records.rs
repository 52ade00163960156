//! The commands over stored records: evaluate, explain, progress, deadlines, rewards.

use std::process::ExitCode;

use chrono::NaiveDate;
use xhht_app::reports::Which;
use xhht_core::Lang;
use xhht_core::record::SubjectRef;
use xhht_report::doc::{projection_text, status_word};
use xhht_report::model::{Report, Scope};

use crate::cmd::db::{open, runtime};
use crate::output::{Out, col};

/// `xhht evaluate --year Y`.
pub(crate) fn evaluate(o: &mut Out<'_>, db: &str, year: i32) -> anyhow::Result<ExitCode> {
    let done = runtime()?.block_on(async {
        let app = open(db).await?;
        anyhow::Ok(app.evaluate("xhht evaluate", year).await?.1)
    })?;
    let (people, orgs, saved) = (done.people, done.organisations, done.stored);
    o.line(match o.lang {
        Lang::Vi => format!("Năm {year}: đã chấm {people} người, {orgs} đơn vị; lưu {saved} kết quả."),
        Lang::En => format!("{year}: evaluated {people} people and {orgs} organisations; stored {saved} results."),
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `xhht explain ENTITY --year Y`.
pub(crate) fn explain(o: &mut Out<'_>, db: &str, entity: &str, year: i32) -> anyhow::Result<ExitCode> {
    let x = runtime()?.block_on(async {
        let app = open(db).await?;
        anyhow::Ok(app.explain(entity, year).await?)
    })?;
    for l in x.lines(o.lang) {
        o.line(l)?;
    }
    Ok(ExitCode::SUCCESS)
}

fn report_for(db: &str, year: i32, today: NaiveDate) -> anyhow::Result<Report> {
    runtime()?.block_on(async {
        let app = open(db).await?;
        let opts = app.report_options(Which::Annual(year), today, Scope::District)?;
        anyhow::Ok(app.report(&opts).await?)
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
    let r = report_for(db, year, today)?;
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
        // A table names targets by their title; JSON and CSV keep the ids.
        let for_people = o.format == crate::cli::Format::Table;
        let rows: Vec<Vec<String>> = r
            .targets
            .iter()
            .flat_map(|t| {
                let list = if by == "kind" { &t.by_kind } else { &t.by_area };
                list.iter().map(move |b| {
                    vec![
                        if for_people { t.title.get(lang).to_owned() } else { t.id.clone() },
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
        if for_people && by == "kind" {
            // A kind's id is not a word: the table shows its label only.
            let cols: Vec<_> = cols.into_iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, c)| c).collect();
            let rows: Vec<Vec<String>> = rows
                .into_iter()
                .map(|r| r.into_iter().enumerate().filter(|(i, _)| *i != 1).map(|(_, c)| c).collect())
                .collect();
            o.table(&cols, &rows)?;
        } else {
            o.table(&cols, &rows)?;
        }
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
        col("needed_per_year", "Cần tăng mỗi năm (điểm %)", "Needed a year (points)"),
        col("rules", "Căn cứ xét", "Rules"),
        col("national", "Mốc quốc gia (%)", "National milestone (%)"),
    ];
    // A table names targets by their title; JSON and CSV keep the ids.
    let for_people = o.format == crate::cli::Format::Table;
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
            let projection = match (now, t.projection) {
                (true, Some(b)) => b.to_string(),
                (true, None) if for_people => {
                    o.tr("chưa đủ số liệu cùng căn cứ", "not enough comparable years").to_owned()
                }
                _ => String::new(),
            };
            rows.push(vec![
                if for_people { t.title.get(lang).to_owned() } else { t.id.clone() },
                p.year.to_string(),
                p.count.met.to_string(),
                p.count.of.to_string(),
                p.count.share.map(|s| s.to_string()).unwrap_or_default(),
                p.path.map(|s| s.to_string()).unwrap_or_default(),
                t.target.to_string(),
                if now { t.on_track.map(|b| word(b).to_owned()).unwrap_or_default() } else { String::new() },
                if now { t.gap.map(|b| b.to_string()).unwrap_or_default() } else { String::new() },
                projection,
                if now { t.needed_per_year.map(|b| b.to_string()).unwrap_or_default() } else { String::new() },
                p.rules.as_ref().map(|r| r.document.clone()).unwrap_or_default(),
                national,
            ]);
        }
    }
    o.table(&cols, &rows)?;
    if for_people {
        for t in &r.targets {
            for b in &t.breaks {
                o.line(b.note.get(lang))?;
            }
            let projected = o.tr("dự báo năm", "projected for");
            o.line(format!("{}: {projected} {}: {}", t.title.get(lang), t.by_year, projection_text(t, lang)))?;
        }
    }
    Ok(())
}

/// `xhht deadlines [--year Y]`.
pub(crate) fn deadlines(o: &mut Out<'_>, db: &str, year: i32, today: NaiveDate) -> anyhow::Result<ExitCode> {
    let r = report_for(db, year, today)?;
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
            // A table names the plan's actors by their name; JSON and CSV keep the ids.
            let actor = match xhht_core::plan::Plan::can_duoc_2024().actor(&x.actor) {
                Some(a) if o.format == crate::cli::Format::Table => a.name.get(lang).to_owned(),
                _ => x.actor.clone(),
            };
            vec![
                actor,
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
    let which = match phase {
        Some(p) => Which::Phase(p),
        None => Which::Annual(year.unwrap_or_else(|| chrono::Datelike::year(&today))),
    };
    let list = runtime()?.block_on(async {
        let app = open(db).await?;
        anyhow::Ok(app.rewards(which).await?)
    })?;
    let lang = o.lang;
    let cols = [
        col("reward", "Hình thức", "Reward"),
        col("subject", "Đối tượng", "Subject"),
        col("id", "Mã", "Id"),
        col("name", "Tên", "Name"),
        col("because", "Căn cứ", "Because"),
    ];
    let rows: Vec<Vec<String>> = list
        .eligible()
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
                list.name_of(&e.subject).to_owned(),
                because.join("; "),
            ]
        })
        .collect();
    o.table(&cols, &rows)?;
    if o.format == crate::cli::Format::Table {
        for rule in &list.rules {
            o.line(format!("{}: {}/{}", rule.reward, rule.eligible, rule.considered))?;
            if let Some(j) = &rule.judgement {
                o.line(format!("  {}", j.get(lang)))?;
            }
        }
    }
    Ok(ExitCode::SUCCESS)
}
