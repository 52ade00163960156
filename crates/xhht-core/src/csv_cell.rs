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
/// starts with, it begins like a formula (and is not a plain number) — and so is every part of
/// it after a `;`, since Excel in a Vietnamese (or any European) locale takes `;` as the list
/// separator and splits a CSV line there, so `x;=1+1` would open as a cell `=1+1`.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    if !cell.contains(';') {
        return neutralise_part(cell);
    }
    let parts: Vec<Cow<'_, str>> = cell.split(';').map(neutralise_part).collect();
    if parts.iter().all(|p| matches!(p, Cow::Borrowed(_))) {
        return Cow::Borrowed(cell);
    }
    Cow::Owned(parts.join(";"))
}

fn neutralise_part(cell: &str) -> Cow<'_, str> {
    if is_formula_like(cell) { Cow::Owned(format!("'{cell}")) } else { Cow::Borrowed(cell) }
}

/// The cell as read from a CSV file: [`neutralise`] undone (one leading `'` taken off the cell,
/// and off each part after a `;`, that after it begins like a formula).
pub fn restore(cell: &str) -> Cow<'_, str> {
    if !cell.contains(';') {
        return restore_part(cell);
    }
    let joined = cell.split(';').map(restore_part).collect::<Vec<_>>().join(";");
    if joined == cell { Cow::Borrowed(cell) } else { Cow::Owned(joined) }
}

/// Whether [`neutralise`] may have changed this cell (a `'` at its start or after a `;`): the
/// cells a reader passes through [`restore`].
pub fn may_be_neutralised(cell: &str) -> bool {
    cell.starts_with('\'') || cell.contains(";'")
}

fn restore_part(cell: &str) -> Cow<'_, str> {
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
            ("x;=1+1;", "x;'=1+1;"),
            ("=1;@SUM(1);3", "'=1;'@SUM(1);3"),
            ("a;b;-2", "a;b;-2"),
        ] {
            assert_eq!(neutralise(cell), written, "{cell:?}");
            assert_eq!(restore(written), cell, "{written:?}");
        }
    }

    proptest::proptest! {
        #[test]
        fn restore_undoes_neutralise(s in "['=+@\\t\\r; a-z0-9.,-]{0,8}") {
            let w = neutralise(&s);
            proptest::prop_assert_eq!(restore(&w), s.as_str());
        }

        #[test]
        fn a_written_cell_never_starts_a_formula(s in "\\PC{0,12}") {
            let w = neutralise(&s);
            for part in w.split(';') {
                proptest::prop_assert!(!part.starts_with(TRIGGERS) || is_plain_number(part), "{:?}", w);
            }
        }

        #[test]
        fn any_string_round_trips(s in "\\PC{0,12}") {
            let w = neutralise(&s);
            proptest::prop_assert_eq!(restore(&w), s.as_str());
        }
    }
}
