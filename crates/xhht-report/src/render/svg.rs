//! Hand-drawn SVG charts: no dependencies, deterministic, and the browser renders the
//! Vietnamese text. Each chart states its numbers as text too (titles on the marks).

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
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 {w} {h}\" role=\"img\" aria-label=\"{}\" class=\"chart\">",
        esc(caption)
    );
    s.push_str(&format!("<title>{}</title>", esc(caption)));
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
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 {h}\" role=\"img\" aria-label=\"{}\" class=\"chart\"><title>{}</title>",
        esc(caption),
        esc(caption)
    );
    for (i, (label, share)) in bars.iter().enumerate() {
        let y = 20 + row * i64::try_from(i).unwrap_or(0);
        let width = share.map_or(0, |v| {
            (v.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED) * Decimal::from(bar_w) / Decimal::ONE_HUNDRED)
                .round()
                .to_i64()
                .unwrap_or(0)
        });
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
    let total: u64 = parts.iter().map(|p| p.1).sum();
    let width = 600i64;
    let mut s = format!(
        "<svg xmlns=\"http://www.w3.org/2000/svg\" viewBox=\"0 0 640 90\" role=\"img\" aria-label=\"{}\" class=\"chart\"><title>{}</title>",
        esc(caption),
        esc(caption)
    );
    let mut x = 20i64;
    for (label, n, class) in parts {
        let w = (*n * u64::try_from(width).unwrap_or(0))
            .checked_div(total)
            .and_then(|v| i64::try_from(v).ok())
            .unwrap_or(0);
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
