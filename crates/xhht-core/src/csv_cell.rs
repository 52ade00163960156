//! Cells of the CSV files xhht writes, safe to open in a spreadsheet (CSV injection, OWASP): a
//! cell that starts with `=`, `+`, `-`, `@`, a tab or a carriage return is a formula to Excel,
//! LibreOffice and Google Sheets, so a name typed as `=HYPERLINK("http://x/","x")` would run as
//! one. [`neutralise`] prefixes such a cell with a single quote `'` (which spreadsheets show as
//! text and hide); a plain number (`-3`, `-2,5`, `+1.5`) is left as it is, so numeric columns
//! stay numbers. [`restore`] is its inverse: the importer applies it to every cell it reads, so
//! a file exported by xhht imports back exactly.
//!
//! Every CSV writer of the project calls [`neutralise`] on every cell; it is the one place the
//! rule lives. It is not an escape for CSV syntax (quotes, commas, newlines): the CSV writer
//! does that.

use std::borrow::Cow;

/// The characters a spreadsheet takes as the start of a formula.
const TRIGGERS: [char; 6] = ['=', '+', '-', '@', '\t', '\r'];

/// A plain number: an optional sign, digits, and at most one `.` or `,` with digits after it.
fn is_plain_number(s: &str) -> bool {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    let (int, frac) = match digits.split_once(['.', ',']) {
        Some((i, f)) => (i, Some(f)),
        None => (digits, None),
    };
    !int.is_empty()
        && int.bytes().all(|b| b.is_ascii_digit())
        && frac.is_none_or(|f| !f.is_empty() && f.bytes().all(|b| b.is_ascii_digit()))
}

/// Whether `cell` would be read as a formula once any leading quotes are taken off.
fn is_formula_like(cell: &str) -> bool {
    let rest = cell.trim_start_matches('\'');
    rest.starts_with(TRIGGERS) && !is_plain_number(rest)
}

/// The cell as written to a CSV file: with a `'` in front when, after any quotes it already
/// starts with, it begins like a formula (and is not a plain number).
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if is_formula_like(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// The cell as read from a CSV file: [`neutralise`] undone (one leading `'` taken off a cell
/// that, after it, begins like a formula).
pub fn restore(cell: &str) -> Cow<'_, str> {
    match cell.strip_prefix('\'') {
        Some(rest) if is_formula_like(rest) => Cow::Borrowed(rest),
        _ => Cow::Borrowed(cell),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formulas_are_quoted_and_numbers_are_not() {
        for (cell, written) in [
            ("=HYPERLINK(\"http://x/\",\"x\")", "'=HYPERLINK(\"http://x/\",\"x\")"),
            ("@SUM(1)", "'@SUM(1)"),
            ("=1+1", "'=1+1"),
            ("+1+2", "'+1+2"),
            ("-1+2", "'-1+2"),
            ("\tx", "'\tx"),
            ("\rx", "'\rx"),
            ("'=x", "''=x"),
            ("-", "'-"),
            ("-3", "-3"),
            ("-2,5", "-2,5"),
            ("+1.5", "+1.5"),
            ("Nguyễn Văn A", "Nguyễn Văn A"),
            ("", ""),
            ("'quoted", "'quoted"),
            ("a=b", "a=b"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(restore(written), cell, "{written:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn restore_undoes_neutralise(s in "['=+@\\t\\r a-z0-9.,-]{0,8}") {
            let w = neutralise(&s);
            proptest::prop_assert_eq!(restore(&w), s.as_str());
        }

        #[test]
        fn a_written_cell_never_starts_a_formula(s in "\\PC{0,12}") {
            let w = neutralise(&s);
            proptest::prop_assert!(!w.starts_with(TRIGGERS) || is_plain_number(&w), "{:?}", w);
        }

        #[test]
        fn any_string_round_trips(s in "\\PC{0,12}") {
            let w = neutralise(&s);
            proptest::prop_assert_eq!(restore(&w), s.as_str());
        }
    }
}
