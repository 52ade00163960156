//! The layer checks of `cargo xtask tidy`: the front-ends stay thin and the files small.
//!
//! - A front-end's code (`crates/xhht-cli/src`, `crates/xhht-server/src`) names no rulebook id
//!   outside comments (the ids are read from `crates/xhht-core/data/rulebooks/*.toml`): choosing
//!   a rulebook is a use case of `xhht-app` or below.
//! - A front-end's code holds no SQL (`SELECT`, `INSERT INTO`, `UPDATE … SET`, `DELETE FROM`,
//!   `CREATE TABLE`), comments included: all SQL lives in `xhht-store`.
//! - A front-end neither names the other's crate in code nor depends on it in its manifest.
//! - A front-end neither names `xhht_store` in code nor depends on `xhht-store` in its
//!   manifest, nor reaches the store through `App::store`: it goes through `xhht-app`
//!   (`xhht_app::io` for imports, exports, backups, the audit check and plain reads).
//! - No front-end source file is over [`FRONT_END_LINES`] lines, no other source file over
//!   [`SOURCE_LINES`].

use std::fs;
use std::path::Path;

use super::Problem;

/// The front-end crates: (directory under `crates/`, the crate name in code).
pub(super) const FRONT_ENDS: &[(&str, &str)] = &[("xhht-cli", "xhht_cli"), ("xhht-server", "xhht_server")];
/// The store: (the crate's directory and package name, its name in code), which the front-ends
/// reach only through `xhht-app`.
pub(super) const STORE: (&str, &str) = ("xhht-store", "xhht_store");
/// How a front-end's code would reach the store through the app (`App::store`); `App::db` is
/// the way.
const STORE_THROUGH_APP: &[&str] = &["app.store()", "app().store()"];
/// The most lines a front-end source file may have.
pub(super) const FRONT_END_LINES: usize = 400;
/// The most lines any other source file may have.
pub(super) const SOURCE_LINES: usize = 800;

/// The rulebook ids (`[rulebook] id = "…"`, and the title it `decides`) of the built-in
/// rulebooks under `root`.
pub(super) fn rulebook_ids(root: &Path) -> Vec<String> {
    let mut ids = Vec::new();
    let Ok(entries) = fs::read_dir(root.join("crates/xhht-core/data/rulebooks")) else { return ids };
    let mut paths: Vec<_> = entries.filter_map(Result::ok).map(|e| e.path()).collect();
    paths.sort();
    for path in paths {
        let Ok(text) = fs::read_to_string(&path) else { continue };
        let mut in_rulebook = false;
        for line in text.lines() {
            let line = line.trim();
            if line.starts_with('[') {
                in_rulebook = line == "[rulebook]";
                continue;
            }
            if !in_rulebook {
                continue;
            }
            for key in ["id", "decides"] {
                if let Some(value) = line.strip_prefix(key).and_then(|r| r.trim_start().strip_prefix('='))
                    && let Some(id) = value.trim().strip_prefix('"').and_then(|v| v.split('"').next())
                    && !id.is_empty()
                    && !ids.iter().any(|known| known == id)
                {
                    ids.push(id.to_owned());
                }
            }
        }
    }
    ids
}

/// The part of a line before a `//` comment (a `//` inside a string literal ends it too: the
/// check may miss an id after a URL in a string, never flag a comment).
fn code_of(line: &str) -> &str {
    line.split_once("//").map_or(line, |(code, _)| code)
}

/// The SQL keyword `line` holds, if any.
fn sql_in(line: &str) -> Option<&'static str> {
    let words: Vec<&str> =
        line.split(|c: char| !c.is_ascii_alphanumeric() && c != '_').filter(|w| !w.is_empty()).collect();
    let has = |a: &str, b: &str| words.windows(2).any(|w| w[0] == a && w[1] == b);
    if words.contains(&"SELECT") {
        Some("SELECT")
    } else if has("INSERT", "INTO") {
        Some("INSERT INTO")
    } else if has("DELETE", "FROM") {
        Some("DELETE FROM")
    } else if has("CREATE", "TABLE") {
        Some("CREATE TABLE")
    } else if words.windows(3).any(|w| w[0] == "UPDATE" && w[2] == "SET") {
        Some("UPDATE … SET")
    } else {
        None
    }
}

/// Whether `id` occurs in `code` as a whole token (not inside a longer id).
fn names(code: &str, id: &str) -> bool {
    let is_id_char = |c: char| c.is_ascii_alphanumeric() || c == '-' || c == '_';
    code.match_indices(id).any(|(at, _)| {
        let before = code[..at].chars().next_back();
        let after = code[at + id.len()..].chars().next();
        // `cong-dan-hoc-tap.toml` or `ke-hoach.can-duoc-2024` still name the id: a dot after is
        // part of the name only when another id character follows it.
        let after_ok = match after {
            Some('.') => !code[at + id.len() + 1..].chars().next().is_some_and(is_id_char),
            Some(c) => !is_id_char(c),
            None => true,
        };
        !before.is_some_and(is_id_char) && after_ok
    })
}

/// Checks one source file: `path` relative to the root with `/` separators.
pub(super) fn check_file(path: &str, text: &str, rulebooks: &[String]) -> Vec<Problem> {
    let mut problems = Vec::new();
    let front_end = FRONT_ENDS.iter().find(|(dir, _)| path.starts_with(&format!("crates/{dir}/src/")));
    let is_source = path.ends_with(".rs") && (path.contains("/src/") || path.starts_with("xtask/src/"));
    let lines = text.lines().count();
    let limit = if front_end.is_some() { FRONT_END_LINES } else { SOURCE_LINES };
    if is_source && lines > limit {
        problems.push(Problem::new(
            path,
            limit + 1,
            format!("{lines} lines, over {limit}: split it where a module shows the design"),
        ));
    }
    let Some((own, _)) = front_end else { return problems };
    for (n, line) in text.lines().enumerate() {
        let code = code_of(line);
        if let Some(id) = rulebooks.iter().find(|id| names(code, id)) {
            problems.push(Problem::new(
                path,
                n + 1,
                format!("the front-end names the rulebook `{id}`: choosing rules is a use case of xhht-app"),
            ));
        }
        if let Some(keyword) = sql_in(line) {
            problems.push(Problem::new(
                path,
                n + 1,
                format!("the front-end holds SQL (`{keyword}`): all SQL lives in xhht-store"),
            ));
        }
        if names(code, STORE.1) {
            problems.push(Problem::new(
                path,
                n + 1,
                format!("{own} names the store (`{}`): reach it through xhht-app (`xhht_app::io`)", STORE.1),
            ));
        }
        if let Some(call) = STORE_THROUGH_APP.iter().find(|call| code.contains(*call)) {
            problems.push(Problem::new(
                path,
                n + 1,
                format!("{own} reaches the store through the app (`{call}`): use `App::db` (`xhht_app::io`)"),
            ));
        }
        for (other, in_code) in FRONT_ENDS.iter().filter(|(dir, _)| dir != own) {
            if names(code, in_code) {
                problems.push(Problem::new(
                    path,
                    n + 1,
                    format!("{own} names {other} (`{in_code}`): the front-ends share xhht-app, not each other"),
                ));
            }
        }
    }
    problems
}

/// Checks that no front-end's manifest depends on the other front-end or on the store (a
/// `[dev-dependencies]` entry is not checked).
pub(super) fn check_manifests(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (own, _) in FRONT_ENDS {
        let rel = format!("crates/{own}/Cargo.toml");
        let Ok(text) = fs::read_to_string(root.join(&rel)) else { continue };
        if let Some(line) = super::dependency_line(&text, STORE.0) {
            problems.push(Problem::new(
                &rel,
                line,
                format!("{own} depends on {}: the front-ends reach the store through xhht-app", STORE.0),
            ));
        }
        for (other, _) in FRONT_ENDS.iter().filter(|(dir, _)| dir != own) {
            if let Some(line) = super::dependency_line(&text, other) {
                problems.push(Problem::new(
                    &rel,
                    line,
                    format!("{own} depends on {other}: the front-ends share xhht-app, not each other"),
                ));
            }
        }
    }
    problems
}

#[cfg(test)]
mod tests {
    use super::{check_file, names, sql_in};

    fn ids() -> Vec<String> {
        vec!["cong-dan-hoc-tap".to_owned(), "ke-hoach.can-duoc-2024".to_owned()]
    }

    #[test]
    fn a_rulebook_id_in_front_end_code_is_a_problem_in_a_comment_it_is_not() {
        let code = "//! Scoring.\nfn f() { engine(\"cong-dan-hoc-tap\"); }\n/// e.g. `cong-dan-hoc-tap`.\n";
        let p = check_file("crates/xhht-server/src/api/x.rs", code, &ids());
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].to_string().starts_with("crates/xhht-server/src/api/x.rs:2: "), "{}", p[0]);
        assert!(check_file("crates/xhht-app/src/x.rs", code, &ids()).is_empty(), "the app may name rulebooks");
        assert!(names("x(\"ke-hoach.can-duoc-2024\")", "ke-hoach.can-duoc-2024"));
        assert!(!names("\"cong-dan-hoc-tap-2\"", "cong-dan-hoc-tap"));
        assert!(!names("\"xcong-dan-hoc-tap\"", "cong-dan-hoc-tap"));
    }

    #[test]
    fn sql_and_the_other_front_end_are_problems() {
        assert_eq!(sql_in("sqlx::query(\"SELECT id FROM users\")"), Some("SELECT"));
        assert_eq!(sql_in("\"insert into x\""), None, "lower case is prose, not this project's SQL");
        assert_eq!(sql_in("UPDATE users SET name = ?"), Some("UPDATE … SET"));
        assert_eq!(sql_in("// Select the year"), None);
        let p = check_file("crates/xhht-cli/src/a.rs", "//! A.\nuse xhht_server::auth;\n", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        let p = check_file("crates/xhht-server/src/a.rs", "//! A.\nconst Q: &str = \"DELETE FROM t\";\n", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
    }

    #[test]
    fn the_store_named_or_reached_through_the_app_in_a_front_end_is_a_problem() {
        let p = check_file("crates/xhht-server/src/a.rs", "//! A.\nuse xhht_store::YearData;\n", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        assert!(p[0].to_string().starts_with("crates/xhht-server/src/a.rs:2: "), "{}", p[0]);
        let p = check_file("crates/xhht-cli/src/a.rs", "//! A.\nfn f() { xhht_store::Store::open(db); }\n", &[]);
        assert_eq!(p.len(), 1, "{p:?}");
        let p = check_file("crates/xhht-cli/src/a.rs", "//! A.\nlet s = app.store();\nstate.app().store();\n", &[]);
        assert_eq!(p.len(), 2, "{p:?}");
        let fine = "//! The store (`xhht_store`) is reached through `xhht_app::io`.\nlet d = app.db();\n";
        assert!(check_file("crates/xhht-cli/src/a.rs", fine, &[]).is_empty());
        assert!(check_file("crates/xhht-server/src/a.rs", "//! A.\nlet d = state.store();\n", &[]).is_empty());
        assert!(check_file("crates/xhht-app/src/a.rs", "//! A.\nuse xhht_store::Store;\n", &[]).is_empty());
    }

    #[test]
    fn long_files_are_problems_front_ends_at_400_others_at_800() {
        let text = |n: usize| "//! A.\n".to_owned() + &"x();\n".repeat(n - 1);
        assert_eq!(check_file("crates/xhht-cli/src/a.rs", &text(400), &[]).len(), 0);
        assert_eq!(check_file("crates/xhht-cli/src/a.rs", &text(401), &[]).len(), 1);
        assert_eq!(check_file("crates/xhht-store/src/a.rs", &text(800), &[]).len(), 0);
        assert_eq!(check_file("crates/xhht-store/src/a.rs", &text(801), &[]).len(), 1);
        assert_eq!(check_file("crates/xhht-store/tests/it/a.rs", &text(900), &[]).len(), 0, "tests may be long");
    }
}
