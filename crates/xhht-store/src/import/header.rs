//! Columns and the header row: each kind's columns with their documented ids and the
//! Vietnamese labels officials use, matched ignoring case, diacritics, punctuation and spacing;
//! and finding the header row by itself — the first of the first rows that names every
//! required column.

use csv::StringRecord;

/// How many rows from the top may hold the title block before the header.
pub(crate) const HEADER_SEARCH_ROWS: usize = 20;

/// A column of an import kind.
#[derive(Debug)]
pub(crate) struct ColSpec {
    /// The documented id, e.g. `full_name`.
    pub(crate) id: &'static str,
    /// Whether a file must have it.
    pub(crate) required: bool,
    /// Other accepted headers, e.g. `Họ và tên`.
    pub(crate) labels: &'static [&'static str],
}

pub(crate) const fn req(id: &'static str, labels: &'static [&'static str]) -> ColSpec {
    ColSpec { id, required: true, labels }
}

pub(crate) const fn opt(id: &'static str, labels: &'static [&'static str]) -> ColSpec {
    ColSpec { id, required: false, labels }
}

/// Headers ignored wherever they are: row numbers (`STT`) and notes (`Ghi chú`).
const IGNORED: &[&str] = &["stt", "so tt", "tt", "so thu tu", "ghi chu", "note", "notes"];

/// Lower case, Vietnamese diacritics removed (`đ` → `d`), every run of other characters than
/// letters and digits made one space, trimmed: `Họ và tên (*)` → `ho va ten`.
pub(crate) fn norm(s: &str) -> String {
    if s.is_ascii() {
        let mut out = String::with_capacity(s.len());
        for w in s.split(|c: char| !c.is_ascii_alphanumeric()).filter(|w| !w.is_empty()) {
            if !out.is_empty() {
                out.push(' ');
            }
            out.extend(w.chars().map(|c| c.to_ascii_lowercase()));
        }
        return out;
    }
    let mut out = String::with_capacity(s.len());
    let mut space = false;
    for c in s.chars().flat_map(char::to_lowercase) {
        if ('\u{0300}'..='\u{036f}').contains(&c) {
            continue;
        }
        let c = fold(c);
        if c.is_alphanumeric() {
            if space && !out.is_empty() {
                out.push(' ');
            }
            space = false;
            out.push(c);
        } else {
            space = true;
        }
    }
    out
}

/// A lower-case Vietnamese letter without its marks.
fn fold(c: char) -> char {
    const GROUPS: [(&str, char); 7] = [
        ("àáảãạăằắẳẵặâầấẩẫậ", 'a'),
        ("èéẻẽẹêềếểễệ", 'e'),
        ("ìíỉĩị", 'i'),
        ("òóỏõọôồốổỗộơờớởỡợ", 'o'),
        ("ùúủũụưừứửữự", 'u'),
        ("ỳýỷỹỵ", 'y'),
        ("đ", 'd'),
    ];
    if c.is_ascii() {
        return c;
    }
    GROUPS.iter().find(|(set, _)| set.contains(c)).map_or(c, |(_, base)| *base)
}

/// The header: which cell holds each column of the spec, and the cells it did not recognise.
#[derive(Debug)]
pub(crate) struct Header {
    /// The header's line or row in the file.
    pub(crate) line: u64,
    /// Its position among the rows read.
    pub(crate) index: usize,
    /// For each column of the spec, the cell holding it.
    pub(crate) at: Vec<Option<usize>>,
    /// Cells with a header that is no column of the spec: (cell, header as written).
    pub(crate) extra: Vec<(usize, String)>,
    /// Columns named twice: (column id, header as written).
    pub(crate) twice: Vec<(&'static str, String)>,
}

/// A header row matched against a spec: the cell of each column, unknown cells, repeats.
struct Matched {
    at: Vec<Option<usize>>,
    extra: Vec<(usize, String)>,
    twice: Vec<(&'static str, String)>,
}

/// Matches one header row against `spec`.
fn match_row(spec: &[ColSpec], cells: &StringRecord) -> Matched {
    let mut m = Matched { at: vec![None; spec.len()], extra: Vec::new(), twice: Vec::new() };
    for (n, cell) in cells.iter().enumerate() {
        let h = norm(cell);
        // A column's own id is that column even where it is an ignored header elsewhere (a
        // self-study plan's `note`, as its export writes it).
        let by_id = spec.iter().position(|c| norm(c.id) == h);
        if h.is_empty() || (by_id.is_none() && IGNORED.contains(&h.as_str())) {
            continue;
        }
        let found = by_id.or_else(|| spec.iter().position(|c| c.labels.iter().any(|l| norm(l) == h)));
        match found {
            Some(i) if m.at[i].is_none() => m.at[i] = Some(n),
            Some(i) => m.twice.push((spec[i].id, cell.trim().to_owned())),
            None => m.extra.push((n, cell.trim().to_owned())),
        }
    }
    m
}

/// Finds the header among the first rows: the first that names every required column.
/// Otherwise returns the required columns missing from the closest candidate.
pub(crate) fn find(spec: &[ColSpec], rows: &[(u64, StringRecord)]) -> Result<Header, (u64, Vec<&'static str>)> {
    let mut best: Option<(u64, Vec<&'static str>)> = None;
    for (index, (line, cells)) in rows.iter().take(HEADER_SEARCH_ROWS).enumerate() {
        let Matched { at, extra, twice } = match_row(spec, cells);
        let missing: Vec<&'static str> =
            spec.iter().zip(&at).filter(|(c, a)| c.required && a.is_none()).map(|(c, _)| c.id).collect();
        if missing.is_empty() {
            return Ok(Header { line: *line, index, at, extra, twice });
        }
        let found = at.iter().filter(|a| a.is_some()).count();
        if found > 0 && best.as_ref().is_none_or(|(_, b)| missing.len() < b.len()) {
            best = Some((*line, missing));
        }
    }
    Err(best.unwrap_or_else(|| (1, spec.iter().filter(|c| c.required).map(|c| c.id).collect())))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn headers_match_without_case_marks_or_punctuation() {
        assert_eq!(norm("Họ và tên (*)"), "ho va ten");
        assert_eq!(norm("  NĂM SINH "), "nam sinh");
        assert_eq!(norm("Đơn vị"), "don vi");
        assert_eq!(norm("full_name"), "full name");
        // Decomposed marks (as Windows-1258 or macOS write them) fold the same way.
        assert_eq!(norm("Ho\u{0323} va\u{0300} te\u{0302}n"), "ho va ten");
        assert_eq!(norm("Số CCCD"), "so cccd");
    }

    #[test]
    fn the_header_is_found_below_a_title_block() {
        let spec = [req("id", &["Mã"]), req("full_name", &["Họ và tên"]), opt("birth_year", &["Năm sinh"])];
        let rows: Vec<(u64, StringRecord)> = [
            vec!["UBND HUYỆN CẦN ĐƯỚC", "", ""],
            vec!["DANH SÁCH CÁN BỘ", "", ""],
            vec!["", "", ""],
            vec!["STT", "Mã", "HỌ VÀ TÊN", "Năm sinh", "Ghi chú", "Quê quán"],
            vec!["1", "p1", "Nguyễn Văn A", "1980", ""],
        ]
        .into_iter()
        .enumerate()
        .map(|(n, r)| (n as u64 + 1, StringRecord::from(r)))
        .collect();
        let h = find(&spec, &rows).unwrap();
        assert_eq!((h.line, h.index), (4, 3));
        assert_eq!(h.at, vec![Some(1), Some(2), Some(3)]);
        assert_eq!(h.extra, vec![(5, "Quê quán".to_owned())], "STT and Ghi chú are ignored");
        assert_eq!(find(&spec[1..], &rows[..3]).unwrap_err(), (1, vec!["full_name"]));
    }
}
