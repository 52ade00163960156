//! What a reader sees names things by their words, never by internal ids: the annual report and
//! both phase reviews, in every format a person reads (Markdown, HTML, DOCX, XLSX), in
//! Vietnamese and in English. Ids belong to JSON and CSV only.
//!
//! The ids are read from the data, not listed by hand: every element id of the plan
//! (`target.…`, `criterion.…`, `actor.…`, `reward.…`, …), every rulebook id and every indicator
//! id with a letter in it, the organisation kinds' ids (`agency`, `school`, … — English words, so
//! looked for in Vietnamese output only), the subject words `person` / `organisation`, and a
//! command line (`xhht `).

use xhht_core::Lang;
use xhht_core::entity::{OrgKind, SchoolLevel};
use xhht_core::plan::Plan;
use xhht_core::rulebook::RulebookSet;
use xhht_report::doc::{Document, document};
use xhht_report::model::{ReportKind, Scope};
use xhht_report::render::{docx, html, markdown, xlsx};

use super::office::{zip_entry, zip_names};
use super::report;

/// Ids no reader should meet, with whether they are English words (looked for in Vietnamese
/// output only).
fn ids() -> Vec<(String, bool)> {
    let plan = Plan::can_duoc_2024();
    let mut out: Vec<(String, bool)> = plan.elements().iter().map(|(id, _)| ((*id).to_owned(), false)).collect();
    for b in RulebookSet::builtin().iter() {
        out.push((b.rulebook.id().to_owned(), false));
        for (_, i) in b.rulebook.indicators() {
            let id = &i.id;
            if id.chars().any(|c| c.is_ascii_alphabetic()) && id.chars().any(|c| c.is_ascii_digit() || c == '-') {
                out.push((id.clone(), false));
            }
        }
        for r in &b.rulebook.rewards {
            out.push((r.id.clone(), false));
        }
    }
    for k in [
        OrgKind::Agency,
        OrgKind::MassOrganisation,
        OrgKind::School(SchoolLevel::Primary),
        OrgKind::CommuneCommittee,
        OrgKind::Centre,
        OrgKind::Enterprise,
    ] {
        out.push((k.id().to_owned(), true));
    }
    for w in ["person", "organisation", "on-or-before", "reading"] {
        out.push((w.to_owned(), true));
    }
    out.push(("xhht ".to_owned(), false));
    out.sort();
    out.dedup();
    out
}

/// Where `needle` occurs in `hay` as a whole word (not inside a longer word or id).
fn whole_word(hay: &str, needle: &str) -> Option<usize> {
    let part = |c: char| c.is_alphanumeric() || c == '-' || c == '_' || c == '.';
    let mut from = 0;
    while let Some(at) = hay[from..].find(needle) {
        let start = from + at;
        let end = start + needle.len();
        let before = hay[..start].chars().next_back();
        // A sentence may end right after an id: a dot followed by a space or the end still counts.
        let after = hay[end..].chars().next();
        let after_is_stop = after == Some('.') && hay[end + 1..].chars().next().is_none_or(|c| !part(c));
        if before.is_none_or(|c| !part(c)) && (after.is_none_or(|c| !part(c)) || after_is_stop || needle.ends_with(' '))
        {
            return Some(start);
        }
        from = end;
    }
    None
}

fn strip_tags(xml: &str) -> String {
    let mut out = String::with_capacity(xml.len());
    let mut inside = false;
    for c in xml.chars() {
        match c {
            '<' => inside = true,
            '>' => {
                inside = false;
                out.push(' ');
            }
            _ if !inside => out.push(c),
            _ => {}
        }
    }
    out.replace("&amp;", "&").replace("&lt;", "<").replace("&gt;", ">").replace("&quot;", "\"")
}

fn zipped_text(bytes: &[u8], names: &[&str]) -> String {
    let wanted = |name: &str| {
        names.iter().any(|n| name == *n || (n.ends_with('/') && name.starts_with(n) && name.ends_with(".xml")))
    };
    zip_names(bytes).iter().filter(|n| wanted(n)).map(|n| strip_tags(&zip_entry(bytes, n)) + "\n").collect()
}

/// Every format a person reads, as text.
fn readable(d: &Document) -> Vec<(&'static str, String)> {
    vec![
        ("md", markdown::render(d)),
        ("html", strip_tags(&html::render(d))),
        ("docx", zipped_text(&docx::render(d).unwrap(), &["word/document.xml"])),
        (
            "xlsx",
            zipped_text(&xlsx::render(d).unwrap(), &["xl/sharedStrings.xml", "xl/workbook.xml", "xl/worksheets/"]),
        ),
    ]
}

fn reports() -> Vec<(&'static str, xhht_report::model::Report)> {
    vec![
        ("annual 2026", report(ReportKind::Annual, 2026, Scope::District)),
        ("review 2023–2025", report(ReportKind::PhasePreliminary, 2025, Scope::District)),
        ("review 2023–2030 (so far)", report(ReportKind::PhaseFinal, 2026, Scope::District)),
    ]
}

fn leaks(lang: Lang) -> Vec<String> {
    let ids = ids();
    let mut found = Vec::new();
    for (name, r) in reports() {
        let d = document(&r, lang);
        for (format, text) in readable(&d) {
            for (id, english) in &ids {
                if *english && lang == Lang::En {
                    continue;
                }
                if let Some(at) = whole_word(&text, id) {
                    let from = text.floor_char_boundary(at.saturating_sub(60));
                    let to = text.ceil_char_boundary((at + id.len() + 60).min(text.len()));
                    found.push(format!("{name} {format} {lang}: `{id}` in …{}…", text[from..to].replace('\n', " ")));
                }
            }
        }
    }
    found
}

#[test]
fn vietnamese_output_names_things_by_their_words() {
    let found = leaks(Lang::Vi);
    assert!(found.is_empty(), "{} ids in Vietnamese output:\n{}", found.len(), found.join("\n"));
}

#[test]
fn english_output_names_things_by_their_words() {
    let found = leaks(Lang::En);
    assert!(found.is_empty(), "{} ids in English output:\n{}", found.len(), found.join("\n"));
}

#[test]
fn the_id_finder_finds_whole_ids_only() {
    assert_eq!(whole_word("xem target.unit-title.", "target.unit-title"), Some(4));
    assert_eq!(whole_word("| agency | Cơ quan", "agency"), Some(2));
    assert_eq!(whole_word("agencyx agency-like", "agency"), None);
    assert_eq!(whole_word("a3c1f0 c1x", "c1"), None);
    assert!(whole_word("lệnh xhht rewards", "xhht ").is_some());
}

#[test]
fn reasons_name_organisations_and_people_and_codes_only_where_names_are_hidden() {
    let (ds, _, _) = super::world();
    let mut r = report(ReportKind::Annual, 2026, Scope::District);
    let reasons: Vec<&str> = r.criteria.unmet.iter().flat_map(|u| &u.reasons).map(|t| t.vi.as_str()).collect();
    for o in &ds.organisations {
        assert!(reasons.iter().all(|x| whole_word(x, &o.code).is_none()), "{} named by its code", o.code);
    }
    let mentioned: Vec<&xhht_core::entity::Person> =
        ds.people.iter().filter(|p| reasons.iter().any(|x| whole_word(x, &p.id).is_some())).collect();
    assert!(!mentioned.is_empty(), "the demo has reasons that name an approver");
    let shown = markdown::render(&document(&r, Lang::Vi));
    for p in &mentioned {
        assert_eq!(r.people_named.get(&p.id), Some(&p.full_name));
        assert!(shown.contains(&p.full_name), "{}", p.full_name);
    }
    // Where names are hidden, the codes are what the reader sees.
    r.people_named.clear();
    let hidden = markdown::render(&document(&r, Lang::Vi));
    assert!(mentioned.iter().any(|p| whole_word(&hidden, &p.id).is_some()));
}
