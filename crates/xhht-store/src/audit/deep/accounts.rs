//! The deep check of the accounts: `users` and `api_tokens` replayed from their entries (which
//! carry no hash: a user's entry says whether there is a password, a token's its user, name
//! and prefix, a revocation its prefix and time) and compared with the tables.

use std::collections::{BTreeMap, HashMap};

use serde_json::Value;

use crate::db::{Conn, Ty};
use crate::error::Result;

use super::{Cell, DeepReport, DifferenceKind, TableCheck, cell, entries, select_text, shown};

/// The columns of a user the trail describes, after the name.
const USER_COLS: [&str; 4] = ["role", "organisation", "person", "password_hash"];

/// A user as its entry's JSON describes it: name, then [`USER_COLS`] (the password as `set` or
/// `none`).
fn user_of(v: Option<&Value>) -> Option<(String, [Cell; 4])> {
    let o = v?.as_object()?;
    let name = o.get("name")?.as_str()?.to_owned();
    let password = match o.get("password") {
        Some(Value::Bool(true)) => Some("set".to_owned()),
        Some(Value::Bool(false)) => Some("none".to_owned()),
        other => cell(other),
    };
    Some((name, [cell(o.get("role")), cell(o.get("organisation")), cell(o.get("person")), password]))
}

fn start(report: &mut DeepReport, table: &str) {
    report.tables.push(TableCheck { table: table.to_owned(), expected_rows: 0, actual_rows: 0, differences: 0 });
}

fn tally(report: &mut DeepReport, expected: usize, actual: u64) {
    if let Some(t) = report.tables.last_mut() {
        t.expected_rows = expected as u64;
        t.actual_rows = actual;
    }
}

fn inconsistent(report: &mut DeepReport, table: &str, seq: i64, key: String, message: impl Into<String>) {
    report.add(table, key, DifferenceKind::Inconsistent { seq, message: message.into() });
}

/// Replays `users` and compares it. An update of a user the trail never inserted is taken as
/// it comes: servers before schema 6 kept users the migration carried over without entries.
pub(super) async fn users<C: Conn>(c: &mut C, report: &mut DeepReport) -> Result<()> {
    const T: &str = "users";
    start(report, T);
    let mut expected: HashMap<String, ([Cell; 4], bool)> = HashMap::new();
    entries(c, T, &mut |seq, row_key, action, before, after| {
        let old = user_of(before.as_ref());
        let new = user_of(after.as_ref());
        let Some((name, _)) = new.as_ref().or(old.as_ref()) else {
            return inconsistent(report, T, seq, row_key, "an entry whose user cannot be read");
        };
        if *name != row_key {
            inconsistent(report, T, seq, row_key.clone(), "row_key is not the user's name");
        }
        match (action.as_str(), expected.get(name), &old) {
            ("insert", Some(_), _) => inconsistent(report, T, seq, row_key.clone(), "inserts a user already there"),
            ("update" | "delete", Some((was, _)), Some((_, before))) if was != before => {
                inconsistent(report, T, seq, row_key.clone(), "`before` is not the user as the entries before left it")
            }
            ("insert" | "update" | "delete", _, _) => {}
            (other, _, _) => inconsistent(report, T, seq, row_key.clone(), format!("unknown action `{other}`")),
        }
        match (action.as_str(), new) {
            ("delete", _) => {
                if let Some((name, _)) = old {
                    expected.remove(&name);
                }
            }
            (_, Some((name, cols))) => {
                expected.insert(name, (cols, false));
            }
            (_, None) => inconsistent(report, T, seq, row_key, "an entry without `after`"),
        }
    })
    .await?;
    let cols = ["name", "role", "organisation", "person", "CASE WHEN password_hash IS NULL THEN 'none' ELSE 'set' END"];
    let mut actual = 0u64;
    c.scan(select_text(T, &cols, &["name"]), vec![], vec![Ty::Text; cols.len()], &mut |vals| {
        actual += 1;
        let cells: Vec<Cell> = vals.iter().map(|v| v.as_str().map(str::to_owned)).collect();
        let name = cells.first().cloned().flatten().unwrap_or_default();
        let Some((want, seen)) = expected.get_mut(&name) else {
            return report.add(T, name, DifferenceKind::Extra);
        };
        *seen = true;
        for (i, column) in USER_COLS.iter().enumerate() {
            let have = cells.get(i + 1).cloned().flatten();
            if want[i] != have {
                let kind = DifferenceKind::Column {
                    column: (*column).to_owned(),
                    expected: shown(&want[i]),
                    actual: shown(&have),
                };
                report.add(T, name.clone(), kind);
            }
        }
    })
    .await?;
    let mut missing: Vec<&String> = expected.iter().filter(|(_, (_, seen))| !seen).map(|(k, _)| k).collect();
    missing.sort();
    let missing: Vec<String> = missing.into_iter().cloned().collect();
    for name in missing {
        report.add(T, name, DifferenceKind::Missing);
    }
    tally(report, expected.len(), actual);
    Ok(())
}

/// A token's identity: its user, prefix and name.
type TokenId = (String, String, String);

/// Replays `api_tokens` and compares it: tokens are told apart by user, prefix and name (a
/// token's own hash is not audited), and compared on whether and when they were revoked. A
/// revocation entry without a `user` revokes every token in force with its prefix.
pub(super) async fn tokens<C: Conn>(c: &mut C, report: &mut DeepReport) -> Result<()> {
    const T: &str = "api_tokens";
    start(report, T);
    // Each identity's tokens, by when they were revoked (`None`: in force).
    let mut expected: BTreeMap<TokenId, Vec<Cell>> = BTreeMap::new();
    entries(c, T, &mut |seq, row_key, action, _before, after| {
        let text = |k: &str| after.as_ref().and_then(|a| a.get(k)).and_then(Value::as_str).map(str::to_owned);
        match action.as_str() {
            "insert" => {
                let (Some(user), Some(name), Some(prefix)) = (text("user"), text("name"), text("prefix")) else {
                    return inconsistent(report, T, seq, row_key, "a token entry that cannot be read");
                };
                if format!("{user}/{prefix}") != row_key {
                    inconsistent(report, T, seq, row_key.clone(), "row_key is not the token's user and prefix");
                }
                expected.entry((user, prefix, name)).or_default().push(None);
            }
            "update" => {
                let Some(prefix) = text("prefix") else {
                    return inconsistent(report, T, seq, row_key, "a revocation that cannot be read");
                };
                let at = cell(after.as_ref().and_then(|a| a.get("revoked")));
                // A revocation of one user's tokens names the user; one by prefix alone does not.
                let only = text("user");
                let mut n = 0u64;
                for ((u, p, _), revoked) in expected.iter_mut() {
                    if *p != prefix || only.as_ref().is_some_and(|only| only != u) {
                        continue;
                    }
                    for r in revoked.iter_mut().filter(|r| r.is_none()) {
                        *r = at.clone();
                        n += 1;
                    }
                }
                let said = after.as_ref().and_then(|a| a.get("tokens")).and_then(Value::as_u64);
                if said != Some(n) || prefix != row_key {
                    let message = format!(
                        "revokes {} token(s) with prefix {prefix}; the trail had {n}",
                        shown(&said.map(|s| s.to_string()))
                    );
                    inconsistent(report, T, seq, row_key, message);
                }
            }
            other => inconsistent(report, T, seq, row_key, format!("unknown action `{other}`")),
        }
    })
    .await?;
    let cols = ["user_name", "prefix", "name", "revoked"];
    let mut actual: BTreeMap<TokenId, Vec<Cell>> = BTreeMap::new();
    let mut rows = 0u64;
    c.scan(select_text(T, &cols, &cols), vec![], vec![Ty::Text; cols.len()], &mut |vals| {
        rows += 1;
        let mut it = vals.into_iter().map(|v| v.into_string());
        let mut next = || it.next().flatten();
        let id = (next().unwrap_or_default(), next().unwrap_or_default(), next().unwrap_or_default());
        actual.entry(id).or_default().push(next());
    })
    .await?;
    let count = expected.values().map(Vec::len).sum::<usize>();
    let ids: std::collections::BTreeSet<&TokenId> = expected.keys().chain(actual.keys()).collect();
    for id in ids {
        let key = format!("{}/{}/{}", id.0, id.1, id.2);
        let mut want = expected.get(id).cloned().unwrap_or_default();
        let mut have = actual.get(id).cloned().unwrap_or_default();
        // What both hold is the same; what is left is paired, then missing or extra.
        have.retain(|h| match want.iter().position(|w| w == h) {
            Some(i) => {
                want.remove(i);
                false
            }
            None => true,
        });
        let paired = want.len().min(have.len());
        for (w, h) in want.iter().zip(&have) {
            let kind = DifferenceKind::Column { column: "revoked".to_owned(), expected: shown(w), actual: shown(h) };
            report.add(T, key.clone(), kind);
        }
        for _ in paired..want.len() {
            report.add(T, key.clone(), DifferenceKind::Missing);
        }
        for _ in paired..have.len() {
            report.add(T, key.clone(), DifferenceKind::Extra);
        }
    }
    tally(report, count, rows);
    Ok(())
}
