//! Markdown.

use crate::doc::{Cell, Document, Table};

fn escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

fn table(out: &mut String, t: &Table, doc: &Document) {
    out.push_str(&format!("**{}**\n\n", t.caption));
    out.push_str(&format!("| {} |\n", t.labels.iter().map(|l| escape(l)).collect::<Vec<_>>().join(" | ")));
    let align: Vec<&str> = t
        .rows
        .first()
        .map(|r| {
            r.iter()
                .map(|c| if matches!(c, Cell::Int(_) | Cell::Dec(_) | Cell::Pct(_)) { "---:" } else { "---" })
                .collect()
        })
        .unwrap_or_else(|| t.labels.iter().map(|_| "---").collect());
    out.push_str(&format!("|{}|\n", align.join("|")));
    if t.rows.is_empty() {
        out.push_str(&format!("| {} |\n", vec!["—"; t.labels.len()].join(" | ")));
    }
    for r in &t.rows {
        out.push_str(&format!("| {} |\n", r.iter().map(|c| escape(&c.show(doc.lang))).collect::<Vec<_>>().join(" | ")));
    }
    out.push('\n');
}

/// The document as Markdown (UTF-8).
pub fn render(doc: &Document) -> String {
    let mut out = String::new();
    out.push_str(&format!("{}\n\n# {}\n\n", doc.issuer, doc.title));
    if let Some(n) = &doc.notice {
        out.push_str(&format!("> **{}**\n\n", escape(n)));
    }
    for line in &doc.subtitle {
        out.push_str(&format!("- {line}\n"));
    }
    out.push('\n');
    for s in &doc.sections {
        out.push_str(&format!("## {}\n\n", s.heading));
        for p in &s.paragraphs {
            out.push_str(&format!("{p}\n\n"));
        }
        for t in &s.tables {
            table(&mut out, t, doc);
        }
    }
    out.push_str(&format!("---\n\n_{}_\n", doc.place_date));
    out
}
