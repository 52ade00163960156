//! Rows as the audit trail writes them: JSON objects (`{column: value, …}`) for changes, and
//! arrays under one header for inserts, written straight into a `String` without building a
//! JSON tree.

use crate::db::Val;
use crate::model::Row;
use crate::schema::Table;

/// Appends `s` to `out` as a JSON string.
fn json_str(out: &mut String, s: &str) {
    out.push('"');
    if !s.bytes().any(|b| b < 0x20 || b == b'"' || b == b'\\') {
        out.push_str(s);
        out.push('"');
        return;
    }
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            c if (c as u32) < 0x20 => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Appends `s` as the audit JSON writes a text value (for searching the log).
pub(crate) fn row_json_text(out: &mut String, s: &str) {
    json_str(out, s);
}

fn json_val(out: &mut String, v: &Val) {
    match v {
        Val::Text(Some(s)) => json_str(out, s),
        Val::Int(Some(i)) => out.push_str(&i.to_string()),
        Val::Date(Some(d)) => {
            out.push('"');
            out.push_str(&crate::db::iso_date(*d));
            out.push('"');
        }
        _ => out.push_str("null"),
    }
}

fn json_object(out: &mut String, cols: &[crate::schema::Col], vals: &[Val]) {
    out.push('{');
    for (n, (col, v)) in cols.iter().zip(vals).enumerate() {
        if n > 0 {
            out.push(',');
        }
        json_str(out, col.name);
        out.push(':');
        json_val(out, v);
    }
}

/// Appends a row as audit JSON: `{column: value, …, "row_version": n, "<child table>": [{…}, …]}`.
pub(crate) fn write_row_json(out: &mut String, table: &Table, row: &Row, version: Option<i64>) {
    json_object(out, table.cols, &row.vals);
    if let Some(v) = version {
        out.push_str(",\"row_version\":");
        out.push_str(&v.to_string());
    }
    if let Some(child) = table.child {
        out.push(',');
        json_str(out, child.name);
        out.push_str(":[");
        for (n, ch) in row.children.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            json_object(out, &child.cols[table.key + 1..], ch);
            out.push('}');
        }
        out.push(']');
    }
    out.push('}');
}

/// The start of an `insert` entry's JSON: `{"columns": [...], "rows": [` (see the audit module).
pub(crate) fn inserted_header(out: &mut String, table: &Table) {
    out.push_str("{\"columns\":[");
    for (n, col) in table.cols.iter().enumerate() {
        if n > 0 {
            out.push(',');
        }
        json_str(out, col.name);
    }
    out.push_str(",\"row_version\"");
    if let Some(child) = table.child {
        out.push_str(",{");
        json_str(out, child.name);
        out.push_str(":[");
        for (n, col) in child.cols[table.key + 1..].iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            json_str(out, col.name);
        }
        out.push_str("]}");
    }
    out.push_str("],\"rows\":[");
}

/// A new row as an array of its values in the order of [`inserted_header`] (version 1).
pub(crate) fn write_row_array(out: &mut String, table: &Table, row: &Row) {
    out.push('[');
    for v in &row.vals {
        json_val(out, v);
        out.push(',');
    }
    out.push('1');
    if table.child.is_some() {
        out.push_str(",[");
        for (n, ch) in row.children.iter().enumerate() {
            if n > 0 {
                out.push(',');
            }
            out.push('[');
            for (m, v) in ch.iter().enumerate() {
                if m > 0 {
                    out.push(',');
                }
                json_val(out, v);
            }
            out.push(']');
        }
        out.push(']');
    }
    out.push(']');
}

/// A row as audit JSON (see [`write_row_json`]).
pub(crate) fn row_json(table: &Table, row: &Row, version: Option<i64>) -> String {
    let mut s = String::with_capacity(32 * table.cols.len());
    write_row_json(&mut s, table, row, version);
    s
}
