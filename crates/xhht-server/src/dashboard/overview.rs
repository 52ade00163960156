//! The district overview: target progress charts, the per-commune table, the deadline board.

use askama::Template;
use askama_web::WebTemplate;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::Response;
use chrono::{Datelike, NaiveDate};
use xhht_core::Lang;
use xhht_core::access::{Action, Resource};
use xhht_report::doc::{Cell, Chart, comparable_text, document, projection_text, status_word};
use xhht_report::model::DeadlineStatus;
use xhht_report::render::svg;

use crate::api::reports::{Kind, report_key};

use crate::error::ApiError;
use crate::http::{Auth, MaybeAuth};
use crate::state::AppState;

use super::{Frame, PageOpts, error_page, lang_of, require_login, with_cookie};

/// A target on the overview.
struct TargetView {
    title: String,
    share: String,
    met: u64,
    of: u64,
    target: String,
    by_year: i32,
    on_track: Option<bool>,
    /// The projection for the target year and what it rests on, or why there is none.
    projection: String,
    /// The changes of rules the series crosses, in words.
    breaks: Vec<String>,
    chart: ChartView,
}

/// A chart of the report: drawn for a wide and for a narrow column (the page shows the one
/// that fits), with its numbers as a table beneath.
#[derive(Default)]
struct ChartView {
    wide: String,
    compact: String,
    table: ChartTable,
}

/// A chart's own numbers ([`Chart::table`]), written as the chart writes them.
#[derive(Default)]
struct ChartTable {
    caption: String,
    labels: Vec<String>,
    /// Rows of (text, a number to right-align).
    rows: Vec<Vec<(String, bool)>>,
}

impl ChartView {
    fn of(chart: &Chart, lang: Lang) -> Self {
        let t = chart.table(lang);
        Self {
            wide: svg::render(chart, lang),
            compact: svg::render_compact(chart, lang),
            table: ChartTable {
                caption: t.caption,
                labels: t.labels,
                rows: t
                    .rows
                    .iter()
                    .map(|r| {
                        r.iter()
                            .map(|c| (c.show(lang), matches!(c, Cell::Int(_) | Cell::Dec(_) | Cell::Pct(_))))
                            .collect()
                    })
                    .collect(),
            },
        }
    }
}

/// A commune in the table and the grid.
struct AreaView {
    code: String,
    label: String,
    share: String,
    met: u64,
    of: u64,
    /// `lvl0`…`lvl4` by share, `none` when nobody is counted.
    class: &'static str,
    note: String,
}

/// A row of the deadline board.
struct DeadlineView {
    code: String,
    name: String,
    actor: String,
    submitted: String,
    status: String,
    class: &'static str,
}

#[derive(Template, WebTemplate)]
#[template(path = "overview.html")]
struct Overview {
    frame: Frame,
    year: i32,
    years: Vec<i32>,
    as_of: String,
    scope_name: String,
    targets: Vec<TargetView>,
    area_target: String,
    /// The targets to choose from for the commune view: (index, title, chosen).
    area_choices: Vec<(usize, String, bool)>,
    areas: Vec<AreaView>,
    status_chart: ChartView,
    on_time: u64,
    late: u64,
    missing: u64,
    not_yet_due: u64,
    due: String,
    deadlines: Vec<DeadlineView>,
    /// The day the board is read on, for the date field (`yyyy-mm-dd`).
    as_of_input: String,
    /// Late and missing reporters to chase, with the head's name for the roles that may read it.
    chase: Vec<ChaseView>,
    formats: Vec<&'static str>,
}

/// A reporter to chase.
struct ChaseView {
    code: String,
    name: String,
    status: String,
    class: &'static str,
    /// The head of the organisation on the day (a name), when the caller may read it.
    head: String,
}

/// A share as people read it, exactly as the report's tables and the charts print it
/// ("30,38%" in Vietnamese, "30.38%" in English, two decimals); "—" when there is none.
fn pct(d: Option<rust_decimal::Decimal>, lang: Lang) -> String {
    match d {
        Some(_) => xhht_report::doc::Cell::Pct(d).show(lang),
        None => "—".to_owned(),
    }
}

fn level_class(d: Option<rust_decimal::Decimal>) -> &'static str {
    use rust_decimal::Decimal;
    match d {
        None => "none",
        Some(s) if s >= Decimal::from(80) => "lvl4",
        Some(s) if s >= Decimal::from(60) => "lvl3",
        Some(s) if s >= Decimal::from(40) => "lvl2",
        Some(s) if s >= Decimal::from(20) => "lvl1",
        Some(_) => "lvl0",
    }
}

fn status_class(s: DeadlineStatus) -> &'static str {
    match s {
        DeadlineStatus::OnTime => "ok",
        DeadlineStatus::Late { .. } => "late",
        DeadlineStatus::Missing => "missing",
        DeadlineStatus::NotYetDue => "pending",
    }
}

fn date(d: NaiveDate, lang: Lang) -> String {
    xhht_core::format_date(d, lang)
}

pub(super) async fn overview(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Query(opts): Query<PageOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts, &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/?year={year}"));
    let who = Auth(user);
    let page = async {
        let as_of = match opts.as_of.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
            Some(s) => Some(
                xhht_core::date::parse_date_text(s)
                    .map_err(|_| ApiError::invalid("as_of", "ngày dạng dd/mm/yyyy / a date as dd/mm/yyyy"))?,
            ),
            None => None,
        };
        let key = report_key(&state, &who, Kind::Annual, Some(year), as_of, None).await?;
        let (_, report) = state.report_or_stale(&key).await?;
        let doc = document(&report, lang);
        let mut progress_charts = Vec::new();
        let mut status_chart = None;
        for s in &doc.sections {
            for c in &s.charts {
                match c {
                    Chart::Progress { .. } => progress_charts.push(ChartView::of(c, lang)),
                    Chart::Status { .. } if status_chart.is_none() => status_chart = Some(ChartView::of(c, lang)),
                    _ => {}
                }
            }
        }
        let mut progress_charts = progress_charts.into_iter();
        let targets = report
            .targets
            .iter()
            .map(|t| TargetView {
                title: t.title.get(lang).to_owned(),
                share: pct(t.count.share, lang),
                met: t.count.met,
                of: t.count.of,
                target: format!("{}%", t.target),
                by_year: t.by_year,
                on_track: t.on_track,
                projection: format!(
                    "{} {}: {}",
                    match lang {
                        Lang::Vi => "Dự báo",
                        Lang::En => "Projected for",
                    },
                    t.by_year,
                    projection_text(t, lang)
                ),
                breaks: t
                    .breaks
                    .iter()
                    .map(|b| b.note.get(lang).to_owned())
                    .chain(t.comparable.iter().map(|c| comparable_text(c, lang)))
                    .collect(),
                chart: progress_charts.next().unwrap_or_default(),
            })
            .collect();
        let chosen = opts.target.filter(|n| *n < report.targets.len()).unwrap_or(0);
        let first = report.targets.get(chosen);
        let area_choices =
            report.targets.iter().enumerate().map(|(n, t)| (n, t.title.get(lang).to_owned(), n == chosen)).collect();
        let areas = first
            .map(|t| {
                t.by_area
                    .iter()
                    .map(|b| AreaView {
                        code: b.key.clone(),
                        label: b.label.get(lang).to_owned(),
                        share: pct(b.count.share, lang),
                        met: b.count.met,
                        of: b.count.of,
                        class: level_class(b.count.share),
                        note: b.note.as_ref().map(|n| n.get(lang).to_owned()).unwrap_or_default(),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let d = &report.deadlines;
        // Whom to call: the head of each late or missing reporter, for the roles that may read
        // names (the education office, the reviewing bodies).
        let heads: std::collections::HashMap<String, String> = if who.may(Action::ReadPersonal, &Resource::Results) {
            let data = state.year_data(year).await?;
            data.memberships
                .iter()
                .filter(|m| m.role == xhht_core::entity::MemberRole::Head && m.period.contains(report.as_of))
                .filter_map(|m| {
                    let p = data.people.iter().find(|p| p.id == m.person)?;
                    Some((m.organisation.clone(), p.full_name.clone()))
                })
                .collect()
        } else {
            std::collections::HashMap::new()
        };
        let chase = d
            .rows
            .iter()
            .filter(|r| matches!(r.status, DeadlineStatus::Late { .. } | DeadlineStatus::Missing))
            .map(|r| ChaseView {
                code: r.code.clone(),
                name: r.name.clone(),
                status: status_word(r.status, lang),
                class: status_class(r.status),
                head: heads.get(&r.code).cloned().unwrap_or_default(),
            })
            .collect();
        let plan_first = xhht_core::plan::Plan::can_duoc_2024().meta.years.first().copied().unwrap_or(2023);
        Ok::<_, ApiError>(Overview {
            frame: frame.clone(),
            year,
            years: (plan_first..=state.today().year()).rev().collect(),
            as_of: date(report.as_of, lang),
            scope_name: report.scope_name.get(lang).to_owned(),
            targets,
            area_target: first.map(|t| t.title.get(lang).to_owned()).unwrap_or_default(),
            area_choices,
            areas,
            status_chart: status_chart.unwrap_or_default(),
            on_time: d.on_time,
            late: d.late,
            missing: d.missing,
            not_yet_due: d.not_yet_due,
            due: date(d.due, lang),
            deadlines: d
                .rows
                .iter()
                .map(|r| DeadlineView {
                    code: r.code.clone(),
                    name: r.name.clone(),
                    // The plan actor by its short name, never its id.
                    actor: xhht_core::plan::Plan::can_duoc_2024()
                        .actor(&r.actor)
                        .map_or_else(|| r.actor.clone(), |a| a.short.get(lang).to_owned()),
                    submitted: r.submitted_on.map(|s| date(s, lang)).unwrap_or_default(),
                    status: status_word(r.status, lang),
                    class: status_class(r.status),
                })
                .collect(),
            as_of_input: report.as_of.to_string(),
            chase,
            formats: vec!["html", "docx", "xlsx", "md", "csv", "json"],
        })
    }
    .await;
    match page {
        Ok(p) => with_cookie(p, set),
        Err(e) => error_page(Some(frame), lang, e),
    }
}
