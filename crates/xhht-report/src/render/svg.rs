//! Hand-drawn SVG charts: no dependencies, deterministic, and the browser renders the
//! Vietnamese text. Each chart states its numbers as text too (titles on the marks), and says
//! how many data points it draws (`data-points`, the rows of [`Chart::table`]).
//!
//! [`render`] draws 640 units wide, for a page, a report or an office document; [`render_compact`]
//! draws the same chart 320 units wide with 12-unit text, laid out for a narrow column (a phone),
//! so that its text stays about 12 px when it is shown about 320 px wide.

use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;

use crate::doc::Chart;
use crate::fmt::{dec, int, pct};
use xhht_core::Lang;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// A share as a coordinate: 0–100 mapped to `[top, bottom]` pixels. Drawing only; the figures
/// shown are the exact decimals.
fn y_of(share: Decimal, top: i64, bottom: i64) -> i64 {
    let s = share.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED);
    let span = Decimal::from(bottom - top);
    bottom - (s * span / Decimal::ONE_HUNDRED).round().to_i64().unwrap_or(0)
}

/// The chart as an inline SVG element.
pub fn render(chart: &Chart, lang: Lang) -> String {
    match chart {
        Chart::Progress { caption, points, target, legend, breaks } => {
            progress(caption, points, *target, legend, breaks, lang)
        }
        Chart::Bars { caption, bars } => bars_chart(caption, bars, lang),
        Chart::Status { caption, parts } => status(caption, parts, lang),
    }
}

/// The chart as an inline SVG element for a narrow column: 320 units wide, every text 12 units
/// (`class="chart compact"`), legends stacked, bar labels above their bars.
pub fn render_compact(chart: &Chart, lang: Lang) -> String {
    match chart {
        Chart::Progress { caption, points, target, legend, breaks } => {
            progress_compact(caption, points, *target, legend, breaks, lang)
        }
        Chart::Bars { caption, bars } => bars_compact(caption, bars, lang),
        Chart::Status { caption, parts } => status_compact(caption, parts, lang),
    }
}

/// The opening tag and title of a chart.
fn open(class: &str, w: i64, h: i64, caption: &str, points: usize) -> String {
    format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" class=\"{class}\" data-points=\"{points}\"><title>{}</title>",
        esc(caption),
        esc(caption)
    )
}

/// A bar's length in units for a share of `full`.
fn bar_len(share: Option<Decimal>, full: i64) -> i64 {
    share.map_or(0, |v| {
        (v.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED) * Decimal::from(full) / Decimal::ONE_HUNDRED)
            .round()
            .to_i64()
            .unwrap_or(0)
    })
}

/// The smallest step (1, 2, 3, …) such that marks `spacing` units apart, every step-th one
/// labelled, leave `room` units per label.
fn label_step(spacing: i64, room: i64) -> i64 {
    if spacing <= 0 { 1 } else { ((room + spacing - 1) / spacing).max(1) }
}

fn progress(
    caption: &str,
    points: &[(i32, Option<Decimal>, Option<Decimal>)],
    target: (Decimal, i32),
    legend: &[String; 3],
    breaks: &[(i32, String)],
    lang: Lang,
) -> String {
    let (w, h, left, right, top, bottom) = (640i64, 300i64, 48i64, 620i64, 36i64, 250i64);
    let first = points.first().map_or(target.1, |p| p.0).min(target.1);
    let years = i64::from((target.1 - first).max(1));
    let x_of = |y: i32| left + (i64::from(y - first) * (right - left)) / years;
    let mut s = open("chart", w, h, caption, points.len());
    for g in [0, 25, 50, 75, 100] {
        let y = y_of(Decimal::from(g), top, bottom);
        s.push_str(&format!("<line x1=\"{left}\" y1=\"{y}\" x2=\"{right}\" y2=\"{y}\" class=\"grid\"/><text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{g}%</text>", left - 6, y + 4));
    }
    for yr in first..=target.1 {
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{yr}</text>",
            x_of(yr),
            bottom + 18
        ));
    }
    let ty = y_of(target.0, top, bottom);
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{ty}\" x2=\"{right}\" y2=\"{ty}\" class=\"target\"><title>{}: {}%</title></line>",
        esc(&legend[2]),
        dec(target.0, lang)
    ));
    // A change of rules: a vertical rule halfway between the last year before and the first after.
    for (yr, doc) in breaks {
        let x = (x_of(*yr - 1) + x_of(*yr)) / 2;
        s.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" class=\"break\"><title>{}</title></line><text x=\"{}\" y=\"{}\" class=\"axis\">{}</text>",
            esc(doc),
            x + 3,
            top + 10,
            esc(doc)
        ));
    }
    let path: Vec<String> =
        points.iter().filter_map(|(y, _, p)| p.map(|p| format!("{},{}", x_of(*y), y_of(p, top, bottom)))).collect();
    if path.len() > 1 {
        s.push_str(&format!("<polyline points=\"{}\" class=\"path\"/>", path.join(" ")));
    }
    let line: Vec<String> =
        points.iter().filter_map(|(y, v, _)| v.map(|v| format!("{},{}", x_of(*y), y_of(v, top, bottom)))).collect();
    if line.len() > 1 {
        s.push_str(&format!("<polyline points=\"{}\" class=\"series\"/>", line.join(" ")));
    }
    for (y, v, _) in points {
        if let Some(v) = v {
            let (cx, cy) = (x_of(*y), y_of(*v, top, bottom));
            s.push_str(&format!(
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"4\" class=\"dot\"><title>{y}: {}</title></circle><text x=\"{cx}\" y=\"{}\" class=\"value\" text-anchor=\"middle\">{}</text>",
                pct(Some(*v), lang),
                cy - 8,
                pct(Some(*v), lang)
            ));
        }
    }
    s.push_str(&format!(
        "<g class=\"legend\"><rect x=\"{left}\" y=\"8\" width=\"12\" height=\"4\" class=\"series-key\"/><text x=\"{}\" y=\"14\">{}</text><rect x=\"{}\" y=\"8\" width=\"12\" height=\"4\" class=\"path-key\"/><text x=\"{}\" y=\"14\">{}</text><rect x=\"{}\" y=\"8\" width=\"12\" height=\"4\" class=\"target-key\"/><text x=\"{}\" y=\"14\">{} {}%</text></g>",
        left + 16,
        esc(&legend[0]),
        left + 160,
        left + 176,
        esc(&legend[1]),
        left + 320,
        left + 336,
        esc(&legend[2]),
        dec(target.0, lang)
    ));
    s.push_str("</svg>");
    s
}

fn bars_chart(caption: &str, bars: &[(String, Option<Decimal>)], lang: Lang) -> String {
    let row = 22i64;
    let (label_w, bar_w) = (220i64, 360i64);
    let h = 30 + row * i64::try_from(bars.len()).unwrap_or(0);
    let mut s = open("chart", 640, h, caption, bars.len());
    for (i, (label, share)) in bars.iter().enumerate() {
        let y = 20 + row * i64::try_from(i).unwrap_or(0);
        let width = bar_len(*share, bar_w);
        let shown = pct(*share, lang);
        s.push_str(&format!(
            "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{}</text><rect x=\"{label_w}\" y=\"{y}\" width=\"{bar_w}\" height=\"14\" class=\"track\"/><rect x=\"{label_w}\" y=\"{y}\" width=\"{width}\" height=\"14\" class=\"bar\"><title>{}: {shown}</title></rect><text x=\"{}\" y=\"{}\" class=\"value\">{shown}</text>",
            label_w - 8,
            y + 11,
            esc(label),
            esc(label),
            label_w + bar_w + 6,
            y + 11
        ));
    }
    s.push_str("</svg>");
    s
}

fn status(caption: &str, parts: &[(String, u64, &'static str)], lang: Lang) -> String {
    let mut s = open("chart", 640, 90, caption, parts.len());
    let mut x = 20i64;
    for ((label, n, class), w) in parts.iter().zip(part_widths(parts, 600)) {
        if w > 0 {
            s.push_str(&format!("<rect x=\"{x}\" y=\"10\" width=\"{w}\" height=\"26\" class=\"st-{class}\"><title>{}: {}</title></rect>", esc(label), int(*n, lang)));
        }
        x += w;
    }
    let mut lx = 20i64;
    for (label, n, class) in parts {
        s.push_str(&format!("<rect x=\"{lx}\" y=\"52\" width=\"12\" height=\"12\" class=\"st-{class}\"/><text x=\"{}\" y=\"62\" class=\"axis\">{} ({})</text>", lx + 16, esc(label), int(*n, lang)));
        lx += 150;
    }
    s.push_str("</svg>");
    s
}

/// Each part's share of `width` units (none when nothing is counted).
fn part_widths(parts: &[(String, u64, &'static str)], width: i64) -> Vec<i64> {
    let total: u64 = parts.iter().map(|p| p.1).sum();
    parts
        .iter()
        .map(|(_, n, _)| {
            (*n * u64::try_from(width).unwrap_or(0)).checked_div(total).and_then(|v| i64::try_from(v).ok()).unwrap_or(0)
        })
        .collect()
}

fn progress_compact(
    caption: &str,
    points: &[(i32, Option<Decimal>, Option<Decimal>)],
    target: (Decimal, i32),
    legend: &[String; 3],
    breaks: &[(i32, String)],
    lang: Lang,
) -> String {
    let (w, h, left, right, top, bottom) = (320i64, 262i64, 40i64, 304i64, 76i64, 236i64);
    let first = points.first().map_or(target.1, |p| p.0).min(target.1);
    let years = i64::from((target.1 - first).max(1));
    let x_of = |y: i32| left + (i64::from(y - first) * (right - left)) / years;
    let spacing = (right - left) / years;
    let mut s = open("chart compact", w, h, caption, points.len());
    // The legend, one key a line.
    let keys = [
        ("series-key", esc(&legend[0])),
        ("path-key", esc(&legend[1])),
        ("target-key", format!("{} {}%", esc(&legend[2]), dec(target.0, lang))),
    ];
    s.push_str("<g class=\"legend\">");
    for (i, (class, text)) in keys.iter().enumerate() {
        let y = 16 + 18 * i64::try_from(i).unwrap_or(0);
        s.push_str(&format!(
            "<rect x=\"4\" y=\"{}\" width=\"14\" height=\"4\" class=\"{class}\"/><text x=\"24\" y=\"{y}\">{text}</text>",
            y - 5
        ));
    }
    s.push_str("</g>");
    for g in [0, 25, 50, 75, 100] {
        let y = y_of(Decimal::from(g), top, bottom);
        s.push_str(&format!("<line x1=\"{left}\" y1=\"{y}\" x2=\"{right}\" y2=\"{y}\" class=\"grid\"/><text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"end\">{g}%</text>", left - 4, y + 4));
    }
    // Years: every one that leaves room for four digits, counted back from the target year.
    let step = label_step(spacing, 34);
    for yr in first..=target.1 {
        if i64::from(target.1 - yr) % step == 0 {
            s.push_str(&format!(
                "<text x=\"{}\" y=\"{}\" class=\"axis\" text-anchor=\"middle\">{yr}</text>",
                x_of(yr),
                bottom + 20
            ));
        }
    }
    let ty = y_of(target.0, top, bottom);
    s.push_str(&format!(
        "<line x1=\"{left}\" y1=\"{ty}\" x2=\"{right}\" y2=\"{ty}\" class=\"target\"><title>{}: {}%</title></line>",
        esc(&legend[2]),
        dec(target.0, lang)
    ));
    for (yr, doc) in breaks {
        let x = (x_of(*yr - 1) + x_of(*yr)) / 2;
        // The document's name on the side with more room.
        let (tx, anchor) = if x - left > right - x { (x - 3, "end") } else { (x + 3, "start") };
        s.push_str(&format!(
            "<line x1=\"{x}\" y1=\"{top}\" x2=\"{x}\" y2=\"{bottom}\" class=\"break\"><title>{}</title></line><text x=\"{tx}\" y=\"{}\" class=\"axis\" text-anchor=\"{anchor}\">{}</text>",
            esc(doc),
            top + 14,
            esc(doc)
        ));
    }
    let path: Vec<String> =
        points.iter().filter_map(|(y, _, p)| p.map(|p| format!("{},{}", x_of(*y), y_of(p, top, bottom)))).collect();
    if path.len() > 1 {
        s.push_str(&format!("<polyline points=\"{}\" class=\"path\"/>", path.join(" ")));
    }
    let line: Vec<String> =
        points.iter().filter_map(|(y, v, _)| v.map(|v| format!("{},{}", x_of(*y), y_of(v, top, bottom)))).collect();
    if line.len() > 1 {
        s.push_str(&format!("<polyline points=\"{}\" class=\"series\"/>", line.join(" ")));
    }
    // Every point is a dot with its figure as a title; the figures written beside the dots are
    // the latest and every one that leaves room for "100,00%" before it (the table beneath the
    // chart on the page has them all).
    let value_step = label_step(spacing, 50);
    let last = points.iter().rev().find_map(|(y, v, _)| v.map(|_| *y));
    for (y, v, _) in points {
        if let Some(v) = v {
            let (cx, cy) = (x_of(*y), y_of(*v, top, bottom));
            let shown = pct(Some(*v), lang);
            s.push_str(&format!(
                "<circle cx=\"{cx}\" cy=\"{cy}\" r=\"4\" class=\"dot\"><title>{y}: {shown}</title></circle>"
            ));
            if last.is_some_and(|l| i64::from(l - *y) % value_step == 0) {
                // Kept clear of the axis on the left and inside the drawing on the right.
                let (tx, anchor) = if cx + 24 > w {
                    (cx + 2, "end")
                } else if cx - 24 < left {
                    (cx - 2, "start")
                } else {
                    (cx, "middle")
                };
                s.push_str(&format!(
                    "<text x=\"{tx}\" y=\"{}\" class=\"value\" text-anchor=\"{anchor}\">{shown}</text>",
                    cy - 8
                ));
            }
        }
    }
    s.push_str("</svg>");
    s
}

fn bars_compact(caption: &str, bars: &[(String, Option<Decimal>)], lang: Lang) -> String {
    let row = 40i64;
    let (x, bar_w) = (4i64, 250i64);
    let h = 8 + row * i64::try_from(bars.len()).unwrap_or(0);
    let mut s = open("chart compact", 320, h, caption, bars.len());
    for (i, (label, share)) in bars.iter().enumerate() {
        let y = 4 + row * i64::try_from(i).unwrap_or(0);
        let width = bar_len(*share, bar_w);
        let shown = pct(*share, lang);
        s.push_str(&format!(
            "<text x=\"{x}\" y=\"{}\" class=\"axis\">{}</text><rect x=\"{x}\" y=\"{}\" width=\"{bar_w}\" height=\"14\" class=\"track\"/><rect x=\"{x}\" y=\"{}\" width=\"{width}\" height=\"14\" class=\"bar\"><title>{}: {shown}</title></rect><text x=\"316\" y=\"{}\" class=\"value\" text-anchor=\"end\">{shown}</text>",
            y + 12,
            esc(label),
            y + 18,
            y + 18,
            esc(label),
            y + 30
        ));
    }
    s.push_str("</svg>");
    s
}

fn status_compact(caption: &str, parts: &[(String, u64, &'static str)], lang: Lang) -> String {
    let h = 48 + 20 * i64::try_from(parts.len()).unwrap_or(0);
    let mut s = open("chart compact", 320, h, caption, parts.len());
    let mut x = 10i64;
    for ((label, n, class), w) in parts.iter().zip(part_widths(parts, 300)) {
        if w > 0 {
            s.push_str(&format!(
                "<rect x=\"{x}\" y=\"8\" width=\"{w}\" height=\"26\" class=\"st-{class}\"><title>{}: {}</title></rect>",
                esc(label),
                int(*n, lang)
            ));
        }
        x += w;
    }
    for (i, (label, n, class)) in parts.iter().enumerate() {
        let y = 46 + 20 * i64::try_from(i).unwrap_or(0);
        s.push_str(&format!("<rect x=\"10\" y=\"{y}\" width=\"12\" height=\"12\" class=\"st-{class}\"/><text x=\"28\" y=\"{}\" class=\"axis\">{} ({})</text>", y + 11, esc(label), int(*n, lang)));
    }
    s.push_str("</svg>");
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    fn charts() -> Vec<Chart> {
        let d = |n: i64| Some(Decimal::new(n, 2));
        vec![
            Chart::Progress {
                caption: "Đơn vị học tập — tỷ lệ theo năm".into(),
                points: vec![(2023, d(2500), d(2500)), (2024, None, d(3500)), (2025, d(10_000), d(4500))],
                target: (Decimal::from(80), 2030),
                legend: ["Tỷ lệ đạt".into(), "Lộ trình".into(), "Mục tiêu".into()],
                breaks: vec![(2025, "TT 24/2023/TT-BGDĐT".into())],
            },
            Chart::Bars {
                caption: "Theo địa bàn".into(),
                bars: vec![("Xã Mỹ Lệ".into(), d(7550)), ("Xã Tân Lân".into(), None)],
            },
            Chart::Status {
                caption: "Tình hình nộp báo cáo".into(),
                parts: vec![
                    ("Đúng hạn".into(), 3, "ok"),
                    ("Trễ hạn".into(), 1, "late"),
                    ("Chưa đến hạn".into(), 0, "pending"),
                ],
            },
        ]
    }

    /// The numbers of an attribute wherever it is written.
    fn numbers(svg: &str, attr: &str) -> Vec<i64> {
        svg.split(&format!(" {attr}=\"")).skip(1).filter_map(|s| s.split('"').next()?.parse().ok()).collect()
    }

    #[test]
    fn both_drawings_say_how_many_points_they_draw() {
        for c in charts() {
            let n = c.table(Lang::Vi).rows.len();
            for svg in [render(&c, Lang::Vi), render_compact(&c, Lang::Vi)] {
                assert!(svg.contains(&format!("data-points=\"{n}\"")), "{svg}");
            }
        }
    }

    #[test]
    fn the_compact_drawing_is_320_wide_and_its_text_starts_inside() {
        for c in charts() {
            let svg = render_compact(&c, Lang::Vi);
            assert!(svg.contains("viewBox=\"0 0 320 ") && svg.contains("class=\"chart compact\""), "{svg}");
            assert!(numbers(&svg, "x").iter().all(|x| (0..=320).contains(x)), "{svg}");
            // Every mark keeps its figure as a title, in the Vietnamese way.
            assert!(!svg.contains("75.50%") && !svg.contains("100.00%"), "{svg}");
        }
        let progress = render_compact(&charts()[0], Lang::Vi);
        assert!(progress.contains("<title>2025: 100,00%</title>") && progress.contains(">Mục tiêu 80%<"), "{progress}");
        // Eight years 37 units apart: each labelled; the figures of every other point written,
        // counted back from the latest.
        for yr in 2023..=2030 {
            assert!(progress.contains(&format!(">{yr}</text>")), "{progress}");
        }
        assert!(progress.contains(">25,00%</text>") && progress.contains(">100,00%</text>"), "{progress}");
        // Eleven years 26 units apart: every other one, counted back from the target year.
        let Chart::Progress { caption, mut points, target, legend, breaks } = charts().remove(0) else { return };
        points.insert(0, (2020, None, None));
        let long = render_compact(&Chart::Progress { caption, points, target, legend, breaks }, Lang::Vi);
        assert!(
            long.contains(">2020</text>") && long.contains(">2030</text>") && !long.contains(">2021</text>"),
            "{long}"
        );
        let status = render_compact(&charts()[2], Lang::Vi);
        assert!(status.contains(">Chưa đến hạn (0)</text>") && !status.contains("<title>Chưa đến hạn"), "{status}");
    }
}
