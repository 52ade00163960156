//! The workbook's sheet names: short names in the report's language for the tables
//! ("ĐVHT theo năm", "Đủ điều kiện khen thưởng"), from a table's machine name
//! ([`Table::name`]) or, for a table this module does not know, from its caption; made
//! Excel-safe (at most 31 characters, none of `[]:*?/\`, no quote at either end, not
//! "History") and unique without regard to case, as Excel compares them.

use std::collections::HashSet;

use xhht_core::Lang;

use crate::doc::Table;

/// Excel's limit on the length of a sheet name.
const SHEET_NAME_MAX: usize = 31;

/// The tables' sheet names by machine name: (name, Vietnamese, English).
const NAMES: &[(&str, &str, &str)] = &[
    ("criteria-collective", "Tiêu chí tập thể", "Collective criteria"),
    ("criteria-individual", "Tiêu chí cá nhân", "Individual criteria"),
    ("criteria-unmet", "Chưa đạt và lý do", "Unmet and why"),
    ("titles-recognised", "Danh hiệu được công nhận", "Titles recognised"),
    ("titles-held", "Danh hiệu đang giữ", "Titles held"),
    ("titles-expiring", "Danh hiệu hết hạn", "Titles expiring"),
    ("rewards", "Điều kiện khen thưởng", "Reward conditions"),
    ("rewards-eligible", "Đủ điều kiện khen thưởng", "Eligible for rewards"),
    ("rewards-proposals", "Đề xuất khen thưởng", "Reward proposals"),
    ("deadlines", "Nộp báo cáo", "Reports received"),
    ("actors", "Nhiệm vụ theo Kế hoạch", "Duties under the plan"),
    ("areas", "Đơn vị cũ và kế thừa", "Former and successor areas"),
    ("rulebooks", "Bộ tiêu chí", "Rulebooks"),
];

/// The plan's targets by id: (id, Vietnamese, English) short names.
const TARGETS: &[(&str, &str, &str)] = &[
    ("unit-title", "ĐVHT", "Learning units"),
    ("citizen-title", "CDHT", "Learning citizens"),
    ("family-title", "GĐHT", "Learning families"),
    ("clan-title", "DHHT", "Learning clans"),
    ("community-title", "CĐHT", "Learning communities"),
];

/// The views of a target's tables by suffix: (suffix, Vietnamese, English).
const VIEWS: &[(&str, &str, &str)] = &[
    ("series", "theo năm", "by year"),
    ("milestones", "mốc tham chiếu", "milestones"),
    ("by-area", "theo địa bàn", "by area"),
    ("by-kind", "theo loại hình", "by kind"),
];

fn pick(lang: Lang, vi: &'static str, en: &'static str) -> &'static str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// `s` cut to at most `n` UTF-16 units (as Excel counts), at a whole character.
fn cut(s: &str, n: usize) -> String {
    let mut out = String::new();
    let mut units = 0;
    for c in s.chars() {
        units += c.len_utf16();
        if units > n {
            break;
        }
        out.push(c);
    }
    out.trim_end_matches(|c: char| c == '\'' || c.is_whitespace()).to_owned()
}

/// `s` shortened to `n` units at a word, with an ellipsis when cut.
fn shorten(s: &str, n: usize) -> String {
    if s.encode_utf16().count() <= n {
        return s.to_owned();
    }
    let head = cut(s, n.saturating_sub(1));
    let at_word = head.rfind(' ').filter(|i| *i > head.len() / 2).map_or(head.as_str(), |i| &head[..i]);
    format!("{}…", at_word.trim_end_matches([',', ';', ':', ' ', '—', '-']))
}

/// The name a table's sheet wants, before it is made safe and unique: the short name of its
/// machine name in `lang`, else one made from its caption (the view after the last " — " kept).
pub(super) fn wanted(t: &Table, lang: Lang) -> String {
    if let Some((_, vi, en)) = NAMES.iter().find(|(n, _, _)| *n == t.name) {
        return pick(lang, vi, en).to_owned();
    }
    for (suffix, vi, en) in VIEWS {
        let Some(target) = t.name.strip_suffix(suffix).and_then(|s| s.strip_suffix('-')) else { continue };
        if let Some((_, tvi, ten)) = TARGETS.iter().find(|(id, _, _)| *id == target) {
            return format!("{} {}", pick(lang, tvi, ten), pick(lang, vi, en));
        }
    }
    from_caption(&t.caption)
}

/// A sheet name from a caption: "<subject> — <view>" keeps the view whole and shortens the
/// subject.
pub(super) fn from_caption(caption: &str) -> String {
    match caption.rsplit_once(" — ") {
        Some((subject, view)) if view.encode_utf16().count() + 6 < SHEET_NAME_MAX => {
            let room = SHEET_NAME_MAX - view.encode_utf16().count() - 1;
            format!("{} {view}", shorten(subject, room))
        }
        _ => shorten(caption, SHEET_NAME_MAX),
    }
}

/// An Excel-safe sheet name for `wanted`, unique among `taken` (compared without case, as Excel
/// does); records the name in `taken`.
pub(super) fn sheet_name(wanted: &str, taken: &mut HashSet<String>) -> String {
    let mut base: String = wanted
        .chars()
        .map(|c| if matches!(c, '[' | ']' | ':' | '*' | '?' | '/' | '\\') || c.is_control() { '-' } else { c })
        .collect();
    base = base.trim_matches(|c: char| c == '\'' || c.is_whitespace()).to_owned();
    if base.is_empty() || base.eq_ignore_ascii_case("history") {
        base = format!("{base}sheet");
    }
    let mut name = cut(&base, SHEET_NAME_MAX);
    let mut n = 2;
    while taken.contains(&name.to_lowercase()) {
        let suffix = format!(" ({n})");
        name = format!("{}{suffix}", cut(&base, SHEET_NAME_MAX - suffix.len()));
        n += 1;
    }
    taken.insert(name.to_lowercase());
    name
}

#[cfg(test)]
mod tests {
    use super::*;

    fn table(name: &str, caption: &str) -> Table {
        Table { name: name.into(), caption: caption.into(), keys: vec![], labels: vec![], rows: vec![] }
    }

    #[test]
    fn sheet_names_are_excel_safe_and_unique() {
        let mut taken = HashSet::new();
        assert_eq!(sheet_name("Nộp báo cáo", &mut taken), "Nộp báo cáo");
        assert_eq!(sheet_name("nộp báo cáo", &mut taken), "nộp báo cáo (2)");
        assert_eq!(sheet_name("a/b:c*d?e[f]g\\h", &mut taken), "a-b-c-d-e-f-g-h");
        let long = "Danh sách tập thể và cá nhân đủ điều kiện khen thưởng";
        let a = sheet_name(long, &mut taken);
        let b = sheet_name(long, &mut taken);
        assert!(a.encode_utf16().count() <= 31 && a.len() > 20, "{a}");
        assert!(b.encode_utf16().count() <= 31 && b.ends_with(" (2)") && a != b, "{b}");
        assert_eq!(sheet_name("'quoted'", &mut taken), "quoted");
        assert_eq!(sheet_name("", &mut taken), "sheet");
        assert_eq!(sheet_name("History", &mut taken), "Historysheet");
    }

    #[test]
    fn tables_are_named_in_the_language() {
        let vi = |n: &str| wanted(&table(n, "x"), Lang::Vi);
        let en = |n: &str| wanted(&table(n, "x"), Lang::En);
        assert_eq!(vi("unit-title-series"), "ĐVHT theo năm");
        assert_eq!(vi("citizen-title-by-area"), "CDHT theo địa bàn");
        assert_eq!(vi("criteria-unmet"), "Chưa đạt và lý do");
        assert_eq!(vi("rewards-eligible"), "Đủ điều kiện khen thưởng");
        assert_eq!(en("unit-title-series"), "Learning units by year");
        assert_eq!(en("deadlines"), "Reports received");
        for (n, _, _) in NAMES {
            for lang in [Lang::Vi, Lang::En] {
                let w = wanted(&table(n, "x"), lang);
                assert!(w.encode_utf16().count() <= SHEET_NAME_MAX && !w.contains('-'), "{w}");
            }
        }
        for (t, _, _) in TARGETS {
            for (v, _, _) in VIEWS {
                let w = wanted(&table(&format!("{t}-{v}"), "x"), Lang::En);
                assert!(w.encode_utf16().count() <= SHEET_NAME_MAX, "{w}");
            }
        }
    }

    #[test]
    fn an_unknown_table_is_named_from_its_caption() {
        let t = table(
            "reading-target-series",
            "100% cán bộ, công chức, viên chức, giáo viên đạt “Công dân học tập” — theo năm",
        );
        let w = wanted(&t, Lang::Vi);
        assert!(w.ends_with("… theo năm") && w.starts_with("100% cán bộ"), "{w}");
        assert!(w.encode_utf16().count() <= SHEET_NAME_MAX, "{w}");
        assert_eq!(wanted(&table("x", "Bộ tiêu chí"), Lang::Vi), "Bộ tiêu chí");
        let long = wanted(&table("x", "Một bảng có tên rất dài không có phần xem sau dấu gạch"), Lang::Vi);
        assert!(long.ends_with('…') && long.encode_utf16().count() <= SHEET_NAME_MAX, "{long}");
    }
}
