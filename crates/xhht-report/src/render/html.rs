//! Self-contained HTML: inline CSS and inline SVG charts, no scripts, no external files.

use crate::doc::{Cell, Document};
use crate::render::svg;

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

const STYLE: &str = "body{font-family:'Times New Roman',Times,serif;max-width:960px;margin:2em auto;padding:0 1em;color:#111;line-height:1.45}\
header{display:flex;justify-content:space-between;gap:1em;font-size:.95em;text-align:center}header .body{font-weight:bold}\
header hr{width:35%;border:0;border-top:1px solid #111;margin:.2em auto .4em}header .date{font-style:italic}\
h1{font-size:1.35em;text-align:center;margin:1.2em 0 .4em}h2{font-size:1.15em;margin-top:1.6em;border-bottom:1px solid #999}\
.notice{border:2px solid #b45309;background:#fffbeb;padding:.6em 1em;margin:1em 0}\
table{border-collapse:collapse;width:100%;margin:.4em 0 1.2em;font-size:.92em}caption{text-align:left;font-weight:bold;padding:.3em 0}\
th,td{border:1px solid #999;padding:.25em .45em;vertical-align:top}th{background:#f1f5f9}td.n{text-align:right;white-space:nowrap}\
.chart{width:100%;max-width:640px;height:auto;display:block;margin:.6em 0}.chart .grid{stroke:#ddd}.chart .axis{font-size:11px;fill:#444}\
.chart .value{font-size:10px;fill:#111}.chart .series{fill:none;stroke:#1d4ed8;stroke-width:2.5}.chart .path{fill:none;stroke:#9ca3af;stroke-dasharray:5 4;stroke-width:1.5}\
.chart .target{stroke:#dc2626;stroke-width:1.5;stroke-dasharray:2 3}.chart .break{stroke:#7c3aed;stroke-width:1.5;stroke-dasharray:6 3}.chart .dot{fill:#1d4ed8}.chart .track{fill:#eef2f7}.chart .bar{fill:#1d4ed8}\
.chart .legend text{font-size:11px}.series-key{fill:#1d4ed8}.path-key{fill:#9ca3af}.target-key{fill:#dc2626}\
.st-ok{fill:#16a34a}.st-late{fill:#f59e0b}.st-missing{fill:#dc2626}.st-pending{fill:#94a3b8}\
figure{margin:1em 0}figcaption{font-weight:bold;font-size:.95em}footer{margin-top:2em;display:flex;justify-content:space-between;gap:1em}footer .to{font-size:.85em}footer .sign{text-align:center;min-width:40%}\
footer .room{height:5em}section.appendix{break-before:page}@media (max-width:600px){header,footer{flex-direction:column}body{margin:1em auto}}";

/// The document as one self-contained HTML page.
pub fn render(doc: &Document) -> String {
    let lang = doc.lang;
    let mut out = String::new();
    out.push_str(&format!(
        "<!DOCTYPE html>\n<html lang=\"{}\"><head><meta charset=\"utf-8\"><meta name=\"viewport\" content=\"width=device-width, initial-scale=1\"><title>{}</title><style>{STYLE}</style></head><body>\n",
        lang.code(),
        esc(&doc.title)
    ));
    let (nation, motto, to, sign_here) = match lang {
        xhht_core::Lang::Vi => (
            "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM",
            "Độc lập - Tự do - Hạnh phúc",
            "Nơi nhận:",
            "(Ký, ghi rõ họ tên, đóng dấu)",
        ),
        xhht_core::Lang::En => (
            "SOCIALIST REPUBLIC OF VIETNAM",
            "Independence - Freedom - Happiness",
            "Recipients:",
            "(Signature, full name, seal)",
        ),
    };
    let parent = doc
        .parent
        .as_ref()
        .map_or_else(String::new, |p| format!("<div class=\"parent\">{}</div>", esc(&p.to_uppercase())));
    out.push_str(&format!(
        "<header><div class=\"issuer\">{parent}<div class=\"body\">{}</div><hr><div class=\"number\">{}</div></div>\
         <div class=\"nation\"><div class=\"body\">{nation}</div><div class=\"body\">{motto}</div><hr><div class=\"date\">{}</div></div></header>\n",
        esc(&doc.issuer.to_uppercase()),
        esc(&doc.number),
        esc(&doc.place_date),
    ));
    out.push_str(&format!("<h1>{}</h1>\n", esc(&doc.title)));
    if let Some(n) = &doc.notice {
        out.push_str(&format!("<p class=\"notice\">{}</p>\n", esc(n)));
    }
    out.push_str("<ul>");
    for l in &doc.subtitle {
        out.push_str(&format!("<li>{}</li>", esc(l)));
    }
    out.push_str("</ul>\n");
    for s in &doc.sections {
        section(&mut out, s, lang, "");
    }
    out.push_str(&format!("<footer><div class=\"to\"><b><i>{}</i></b><br>", esc(to)));
    out.push_str(&doc.recipients.iter().map(|r| esc(r)).collect::<Vec<_>>().join("<br>"));
    out.push_str("</div><div class=\"sign\">");
    for line in &doc.signature {
        out.push_str(&format!("<b>{}</b><br>", esc(&line.to_uppercase())));
    }
    out.push_str(&format!("<i>{}</i><div class=\"room\"></div>", esc(sign_here)));
    if let Some(name) = &doc.signer {
        out.push_str(&format!("<b>{}</b>", esc(name)));
    }
    out.push_str("</div></footer>\n");
    for s in &doc.appendices {
        section(&mut out, s, lang, " class=\"appendix\"");
    }
    out.push_str("</body></html>\n");
    out
}

fn section(out: &mut String, s: &crate::doc::Section, lang: xhht_core::Lang, class: &str) {
    out.push_str(&format!("<section{class}><h2>{}</h2>\n", esc(&s.heading)));
    for p in &s.paragraphs {
        out.push_str(&format!("<p>{}</p>\n", esc(p)));
    }
    for c in &s.charts {
        out.push_str(&format!("<figure><figcaption>{}</figcaption>", esc(c.caption())));
        out.push_str(&svg::render(c, lang));
        out.push_str("</figure>\n");
    }
    for t in &s.tables {
        out.push_str(&format!(
            "<table data-name=\"{}\"><caption>{}</caption><thead><tr>",
            esc(&t.name),
            esc(&t.caption)
        ));
        for l in &t.labels {
            out.push_str(&format!("<th>{}</th>", esc(l)));
        }
        out.push_str("</tr></thead><tbody>");
        for r in &t.rows {
            out.push_str("<tr>");
            for c in r {
                let class = if matches!(c, Cell::Int(_) | Cell::Dec(_) | Cell::Pct(_)) { " class=\"n\"" } else { "" };
                out.push_str(&format!("<td{class}>{}</td>", esc(&c.show(lang))));
            }
            out.push_str("</tr>");
        }
        out.push_str("</tbody></table>\n");
    }
    out.push_str("</section>\n");
}
