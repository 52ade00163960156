//! Renderers: deterministic, snapshot-tested, and saying what the model says.

use xhht_core::Lang;
use xhht_report::doc::document;
use xhht_report::model::{ReportKind, Scope};
use xhht_report::render::{csv, html, markdown};
use xhht_report::render_json;

use super::report;

#[test]
fn markdown_snapshot() {
    let r = report(ReportKind::Annual, 2025, Scope::District);
    insta::assert_snapshot!("annual-2025-vi.md", markdown::render(&document(&r, Lang::Vi)));
    insta::assert_snapshot!("annual-2025-en.md", markdown::render(&document(&r, Lang::En)));
}

#[test]
fn json_snapshot() {
    let r = report(ReportKind::Annual, 2026, Scope::District);
    insta::assert_snapshot!("annual-2026.json", render_json(&r).unwrap());
}

#[test]
fn csv_snapshot_of_every_table() {
    let r = report(ReportKind::Annual, 2025, Scope::District);
    let tables = csv::render(&document(&r, Lang::Vi)).unwrap();
    let all: String = tables.iter().map(|(name, text)| format!("== {name}\n{text}")).collect();
    insta::assert_snapshot!("annual-2025-tables.csv", all);
}

#[test]
fn html_snapshot_and_charts() {
    let r = report(ReportKind::Annual, 2025, Scope::District);
    let page = html::render(&document(&r, Lang::Vi));
    assert!(page.starts_with("<!DOCTYPE html>"));
    assert_eq!(page.matches("<svg").count(), 5, "two progress charts, two area charts, the deadline chart");
    assert!(
        !page.contains("http://")
            || page.matches("http://").count() == page.matches("xmlns=\"http://www.w3.org/2000/svg\"").count(),
        "no external resources"
    );
    insta::assert_snapshot!("annual-2025-vi.html", page);
}

#[test]
fn the_same_report_renders_byte_for_byte_the_same() {
    let a = report(ReportKind::Annual, 2024, Scope::District);
    let b = report(ReportKind::Annual, 2024, Scope::District);
    for lang in [Lang::Vi, Lang::En] {
        assert_eq!(markdown::render(&document(&a, lang)), markdown::render(&document(&b, lang)));
        assert_eq!(html::render(&document(&a, lang)), html::render(&document(&b, lang)));
        assert_eq!(csv::render(&document(&a, lang)).unwrap(), csv::render(&document(&b, lang)).unwrap());
    }
    assert_eq!(render_json(&a).unwrap(), render_json(&b).unwrap());
}

#[test]
fn the_charts_show_what_the_tables_say() {
    let r = report(ReportKind::Annual, 2025, Scope::District);
    let d = document(&r, Lang::En);
    let page = html::render(&d);
    for t in &r.targets {
        for p in &t.series {
            if let Some(s) = p.count.share {
                assert!(
                    page.contains(&format!("<title>{}: {}%</title>", p.year, s.normalize())),
                    "{} {}",
                    t.id,
                    p.year
                );
            }
        }
    }
    assert!(page.contains(&format!("On time: {}", r.deadlines.on_time)) || r.deadlines.on_time == 0);
}
