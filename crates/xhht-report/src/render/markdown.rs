//! Markdown.

use xhht_core::Lang;

use crate::doc::{Cell, Document, Table};

/// A table cell's text as Markdown shows it and no more: `|` and line breaks would break the
/// table; HTML (`<script>`, `<img onerror=…>`) and link syntax (`[x](javascript:…)`) typed in a
/// name are shown as text, never run or followed.
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '|' => out.push_str("\\|"),
            '\\' => out.push_str("\\\\"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '\n' | '\r' => out.push(' '),
            c => out.push(c),
        }
    }
    // No `](` is left to make a link of: `[x](javascript:…)` is shown as typed.
    if out.contains("](") { out.replace("](", "]\\(") } else { out }
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

fn section(out: &mut String, s: &crate::doc::Section, doc: &Document) {
    out.push_str(&format!("## {}\n\n", s.heading));
    for p in &s.paragraphs {
        out.push_str(&format!("{p}\n\n"));
    }
    for t in &s.tables {
        table(out, t, doc);
    }
}

/// The document as Markdown (UTF-8), in the layout of Decree 30/2020: the heading block (the
/// body above, the issuer, the number symbol; the national title, the motto, the place and
/// date) as a two-column table, the title, the body, "Nơi nhận" beside the signature block,
/// then the appendices.
pub fn render(doc: &Document) -> String {
    let (nation, motto, recipients, sign_here) = match doc.lang {
        Lang::Vi => (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Nơi nhận:",
            "(Ký, ghi rõ họ tên, đóng dấu)",
        ),
        Lang::En => (
            "SOCIALIST REPUBLIC OF VIETNAM",
            "Independence - Freedom - Happiness",
            "Recipients:",
            "(Signature, full name, seal)",
        ),
    };
    let mut left: Vec<String> = doc.parent.iter().map(|p| escape(&p.to_uppercase())).collect();
    left.push(format!("**{}**", escape(&doc.issuer.to_uppercase())));
    left.push(escape(&doc.number));
    let right = [format!("**{nation}**"), format!("**{motto}**"), format!("_{}_", escape(&doc.place_date))];
    let mut out = String::new();
    out.push_str(&format!("| {} | {} |\n|:---:|:---:|\n\n", left.join("<br>"), right.join("<br>")));
    out.push_str(&format!("# {}\n\n", doc.title));
    if let Some(n) = &doc.notice {
        out.push_str(&format!("> **{}**\n\n", escape(n)));
    }
    for line in &doc.subtitle {
        out.push_str(&format!("- {line}\n"));
    }
    out.push('\n');
    for s in &doc.sections {
        section(&mut out, s, doc);
    }
    let mut sign: Vec<String> = doc.signature.iter().map(|l| format!("**{}**", escape(&l.to_uppercase()))).collect();
    sign.push(format!("_{sign_here}_"));
    sign.push("<br><br>".to_owned());
    if let Some(name) = &doc.signer {
        sign.push(format!("**{}**", escape(name)));
    }
    let mut to = vec![format!("**_{recipients}_**")];
    to.extend(doc.recipients.iter().map(|r| escape(r)));
    out.push_str(&format!("| {} | {} |\n|:---|:---:|\n\n", to.join("<br>"), sign.join("<br>")));
    for s in &doc.appendices {
        out.push_str("---\n\n");
        section(&mut out, s, doc);
    }
    out
}

#[cfg(test)]
mod tests {
    #[test]
    fn html_and_links_in_a_cell_are_shown_as_text() {
        let e = super::escape("<script>alert(1)</script> [x](javascript:alert(1)) a|b");
        assert_eq!(e, "&lt;script&gt;alert(1)&lt;/script&gt; [x]\\(javascript:alert(1)) a\\|b");
    }
}
