//! The repository checks of `cargo xtask tidy`, also run by `cargo test` as the `tidy` test.
//!
//! - Every `.rs` file under `crates/` and `xtask/` starts with a `//!` doc that says what the
//!   file is (not an empty line, nor `FIXME`/`TODO`).
//! - No trailing whitespace in `.rs`, `.toml` and `.md` files under `crates/`, `xtask/`, `docs/`
//!   and at the root.
//! - No ignore or should-panic test attributes in `.rs` files: a test that cannot run is fixed or
//!   deleted, and a failure is asserted on as a returned error.
//! - The dependency boundary: the pure crates (`xhht-core`, `xhht-scoring`) depend, directly or
//!   transitively, through normal edges, on no async runtime, web framework, CLI parser or
//!   database driver (dev-dependencies are allowed).
//! - Every member crate has `[lints] workspace = true`.
//! - Every crate under `crates/` has a `src/lib.rs` (`xhht-cli` may have only `src/main.rs`).
//! - The layers (module `layers`): the front-ends name no rulebook id, hold no SQL, do not
//!   lean on each other and reach the store only through `xhht-app` (no `xhht_store` in their
//!   code, no `xhht-store` in their dependencies); no front-end file over 400 lines, no other
//!   source file over 800.
//!
//! Files are found by walking the working tree (so files not yet committed are checked too),
//! skipping `target/`, `node_modules/` and hidden directories. Test data (anything under a
//! `tests/data` or `fixtures` directory) is data, not code, and is not checked.

use std::env;
use std::ffi::OsString;
use std::fmt;
use std::fs;
use std::path::{Component, Path, PathBuf};
use std::process::{Command, Stdio};

mod layers;

/// One problem found, printed as `path:line: message`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct Problem {
    /// Relative to the project root, with `/` separators.
    path: String,
    /// 1-based.
    line: usize,
    message: String,
}

impl Problem {
    fn new(path: &str, line: usize, message: impl Into<String>) -> Self {
        Self { path: path.to_owned(), line, message: message.into() }
    }
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}:{}: {}", self.path, self.line, self.message)
    }
}

/// The crates that must stay free of I/O frameworks.
const BOUNDARY_CRATES: &[&str] = &["xhht-core", "xhht-scoring"];

/// Packages the boundary crates must not depend on, with what they are.
const FORBIDDEN: &[(&str, &str)] = &[
    ("tokio", "an async runtime"),
    ("async-std", "an async runtime"),
    ("smol", "an async runtime"),
    ("axum", "a web framework"),
    ("hyper", "an HTTP stack"),
    ("actix-web", "a web framework"),
    ("warp", "a web framework"),
    ("rocket", "a web framework"),
    ("tower", "web middleware"),
    ("tower-http", "web middleware"),
    ("clap", "a CLI parser"),
    ("structopt", "a CLI parser"),
    ("argh", "a CLI parser"),
    ("lexopt", "a CLI parser"),
    ("pico-args", "a CLI parser"),
    ("sqlx", "a database driver"),
    ("rusqlite", "a database driver"),
    ("libsqlite3-sys", "a database driver"),
    ("diesel", "a database driver"),
    ("postgres", "a database driver"),
    ("tokio-postgres", "a database driver"),
    ("sea-orm", "a database driver"),
    ("sea-query", "a database query builder"),
    ("redb", "an embedded database"),
    ("sled", "an embedded database"),
];

/// The crate allowed to have no `src/lib.rs`.
const BINARY_ONLY_CRATE: &str = "xhht-cli";

// Built by concatenation so that this file does not contain the attributes it forbids.
const IGNORE_ATTR: &str = concat!("#", "[ignore");
const SHOULD_PANIC_ATTR: &str = concat!("#", "[should_panic");

/// A text file of the working tree.
#[derive(Debug)]
struct SourceFile {
    /// Relative to the project root.
    rel: PathBuf,
    /// `rel` with `/` separators.
    display: String,
    text: String,
}

impl SourceFile {
    fn extension(&self) -> Option<&str> {
        self.rel.extension().and_then(|ext| ext.to_str())
    }

    fn top_dir(&self) -> Option<&str> {
        let mut components = self.rel.components();
        let first = components.next()?;
        // A file directly at the root has no top directory.
        components.next()?;
        first.as_os_str().to_str()
    }

    /// Whether this is Rust code the code checks apply to.
    fn is_checked_code(&self) -> bool {
        self.extension() == Some("rs") && matches!(self.top_dir(), Some("crates" | "xtask")) && !is_test_data(&self.rel)
    }
}

/// Runs every check and returns every problem found, in a stable order.
pub(crate) fn check(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    let files = collect_files(root, &mut problems);

    let rulebooks = layers::rulebook_ids(root);
    for file in &files {
        if file.is_checked_code() {
            problems.extend(check_file_doc(&file.display, &file.text));
            problems.extend(check_test_attributes(&file.display, &file.text));
            problems.extend(layers::check_file(&file.display, &file.text, &rulebooks));
        }
        if !is_test_data(&file.rel) {
            problems.extend(check_trailing_whitespace(&file.display, &file.text));
        }
    }
    problems.extend(check_member_lints(root));
    problems.extend(check_crate_roots(root));
    problems.extend(check_dependency_boundary(root));
    problems.extend(layers::check_manifests(root));
    problems
}

/// Prints the problems; returns whether there were none.
pub(crate) fn report(problems: &[Problem]) -> bool {
    if problems.is_empty() {
        eprintln!("tidy: ok");
        return true;
    }
    for problem in problems {
        eprintln!("{problem}");
    }
    eprintln!("tidy: {} problem(s)", problems.len());
    false
}

/// Whether `rel` lies under a `tests/data` or `fixtures` directory.
fn is_test_data(rel: &Path) -> bool {
    let dirs: Vec<&std::ffi::OsStr> = rel
        .parent()
        .map(|parent| {
            parent
                .components()
                .filter_map(|component| match component {
                    Component::Normal(name) => Some(name),
                    _ => None,
                })
                .collect()
        })
        .unwrap_or_default();
    dirs.iter().any(|dir| *dir == "fixtures") || dirs.windows(2).any(|pair| pair[0] == "tests" && pair[1] == "data")
}

fn display_path(rel: &Path) -> String {
    rel.components().map(|component| component.as_os_str().to_string_lossy()).collect::<Vec<_>>().join("/")
}

/// The `.rs`, `.toml` and `.md` files under `crates/`, `xtask/`, `docs/` and at the root.
fn collect_files(root: &Path, problems: &mut Vec<Problem>) -> Vec<SourceFile> {
    let mut paths = Vec::new();
    // The root itself, not recursively: its subdirectories are the ones below or not ours.
    list_dir(root, Path::new(""), false, &mut paths, problems);
    for dir in ["crates", "xtask", "docs"] {
        if root.join(dir).is_dir() {
            list_dir(root, Path::new(dir), true, &mut paths, problems);
        }
    }

    let mut files = Vec::new();
    for rel in paths {
        let is_text = matches!(rel.extension().and_then(|ext| ext.to_str()), Some("rs" | "toml" | "md"));
        if !is_text {
            continue;
        }
        let display = display_path(&rel);
        match fs::read(root.join(&rel)) {
            Ok(bytes) => match String::from_utf8(bytes) {
                Ok(text) => files.push(SourceFile { rel, display, text }),
                Err(_) => problems.push(Problem::new(&display, 1, "not valid UTF-8")),
            },
            Err(err) => problems.push(Problem::new(&display, 1, format!("cannot read: {err}"))),
        }
    }
    files
}

/// Lists the files of `root/dir` (relative to `root`), sorted, recursing if asked.
fn list_dir(root: &Path, dir: &Path, recursive: bool, out: &mut Vec<PathBuf>, problems: &mut Vec<Problem>) {
    let entries = match fs::read_dir(root.join(dir)) {
        Ok(entries) => entries,
        Err(err) => {
            problems.push(Problem::new(&display_path(dir), 1, format!("cannot list directory: {err}")));
            return;
        }
    };
    let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
    entries.sort_by_key(|entry| entry.file_name());
    for entry in entries {
        let name = entry.file_name();
        let rel = dir.join(&name);
        // Not following symbolic links: `file_type` does not.
        let Ok(file_type) = entry.file_type() else {
            continue;
        };
        if file_type.is_dir() {
            if recursive && !is_skipped_dir(&name) {
                list_dir(root, &rel, true, out, problems);
            }
        } else if file_type.is_file() {
            out.push(rel);
        }
    }
}

fn is_skipped_dir(name: &OsString) -> bool {
    let name = name.to_string_lossy();
    name == "target" || name == "node_modules" || name.starts_with('.')
}

/// (a) The file starts with a `//!` doc saying what it is.
fn check_file_doc(path: &str, text: &str) -> Option<Problem> {
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let Some((index, first)) = text.lines().enumerate().find(|(_, line)| !line.trim().is_empty()) else {
        return Some(Problem::new(path, 1, "empty file: start it with a `//!` doc saying what it is"));
    };
    let line = index + 1;
    let first = first.trim();
    let Some(doc) = first.strip_prefix("//!") else {
        return Some(Problem::new(path, line, "the first line must be a `//!` doc saying what this file is"));
    };
    let doc = doc.trim();
    if doc.is_empty() {
        return Some(Problem::new(path, line, "the first `//!` doc line is empty: say what this file is"));
    }
    for marker in ["FIXME", "TODO"] {
        let is_marker =
            doc.strip_prefix(marker).is_some_and(|after| !after.starts_with(|c: char| c.is_alphanumeric() || c == '_'));
        if is_marker {
            return Some(Problem::new(
                path,
                line,
                format!("the file doc starts with {marker}: it must say what this file is"),
            ));
        }
    }
    None
}

/// (b) No trailing whitespace (nor carriage returns).
fn check_trailing_whitespace(path: &str, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (index, line) in text.split('\n').enumerate() {
        if line.ends_with('\r') {
            problems.push(Problem::new(path, index + 1, "carriage return: use LF line endings"));
        } else if line.ends_with([' ', '\t']) {
            problems.push(Problem::new(path, index + 1, "trailing whitespace"));
        }
    }
    problems
}

/// (c) No ignore or should-panic attributes.
fn check_test_attributes(path: &str, text: &str) -> Vec<Problem> {
    let mut problems = Vec::new();
    for (index, line) in text.lines().enumerate() {
        if line.trim_start().starts_with("//") {
            continue;
        }
        if has_attribute(line, IGNORE_ATTR) {
            problems.push(Problem::new(
                path,
                index + 1,
                format!("`{IGNORE_ATTR}]` is not allowed: fix the test so it runs, or delete it"),
            ));
        }
        if has_attribute(line, SHOULD_PANIC_ATTR) {
            problems.push(Problem::new(
                path,
                index + 1,
                format!("`{SHOULD_PANIC_ATTR}]` is not allowed: return a `Result` and assert on the error"),
            ));
        }
    }
    problems
}

/// Whether `line` has the attribute opened by `needle` (`#[name`), not a longer name.
fn has_attribute(line: &str, needle: &str) -> bool {
    line.match_indices(needle).any(|(at, _)| {
        line[at + needle.len()..].chars().next().is_none_or(|next| !(next.is_alphanumeric() || next == '_'))
    })
}

/// The member crates, as (directory relative to the root, name of that directory).
fn member_dirs(root: &Path) -> Vec<PathBuf> {
    let mut dirs = Vec::new();
    if let Ok(entries) = fs::read_dir(root.join("crates")) {
        let mut entries: Vec<_> = entries.filter_map(Result::ok).collect();
        entries.sort_by_key(|entry| entry.file_name());
        for entry in entries {
            let rel = Path::new("crates").join(entry.file_name());
            if root.join(&rel).join("Cargo.toml").is_file() {
                dirs.push(rel);
            }
        }
    }
    dirs.push(PathBuf::from("xtask"));
    dirs
}

/// (e) Every member crate has `[lints] workspace = true`.
fn check_member_lints(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for dir in member_dirs(root) {
        let manifest = dir.join("Cargo.toml");
        let display = display_path(&manifest);
        match fs::read_to_string(root.join(&manifest)) {
            Ok(text) => problems.extend(check_lints_table(&display, &text)),
            Err(err) => problems.push(Problem::new(&display, 1, format!("cannot read: {err}"))),
        }
    }
    problems
}

fn check_lints_table(path: &str, text: &str) -> Option<Problem> {
    let mut section = String::new();
    let mut lints_line = None;
    for (index, raw) in text.lines().enumerate() {
        let line = raw.split('#').next().unwrap_or_default().trim();
        if line.starts_with('[') {
            section = line.trim_matches(|c| c == '[' || c == ']').trim().to_owned();
            if section == "lints" {
                lints_line = Some(index + 1);
            }
            continue;
        }
        if section == "lints" {
            let compact: String = line.chars().filter(|c| !c.is_whitespace()).collect();
            if compact == "workspace=true" {
                return None;
            }
        }
    }
    let message = "the crate must inherit the workspace lints: add `[lints]` with `workspace = true`";
    Some(Problem::new(path, lints_line.unwrap_or(1), message))
}

/// (f) Every crate under `crates/` has a `src/lib.rs` (its doc is checked by (a)).
fn check_crate_roots(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for dir in member_dirs(root).into_iter().filter(|dir| dir.starts_with("crates")) {
        let src = root.join(&dir).join("src");
        let has_lib = src.join("lib.rs").is_file();
        let is_binary_only = dir.file_name().is_some_and(|name| name == BINARY_ONLY_CRATE);
        let manifest = display_path(&dir.join("Cargo.toml"));
        if is_binary_only {
            if !has_lib && !src.join("main.rs").is_file() {
                problems.push(Problem::new(
                    &manifest,
                    1,
                    format!("{BINARY_ONLY_CRATE} has neither src/main.rs nor src/lib.rs"),
                ));
            }
        } else if !has_lib {
            problems.push(Problem::new(
                &manifest,
                1,
                "the crate has no src/lib.rs: every library crate starts with a `//!` doc saying what it is",
            ));
        }
    }
    problems
}

/// (d) The boundary crates depend on nothing forbidden, through normal edges.
fn check_dependency_boundary(root: &Path) -> Vec<Problem> {
    let mut problems = Vec::new();
    for krate in BOUNDARY_CRATES {
        let manifest_rel = format!("crates/{krate}/Cargo.toml");
        let manifest_text = fs::read_to_string(root.join(&manifest_rel)).unwrap_or_default();
        let tree = match cargo_tree(root, krate) {
            Ok(tree) => tree,
            Err(err) => {
                problems.push(Problem::new(
                    &manifest_rel,
                    1,
                    format!("cannot check the dependency boundary of {krate}: {err}"),
                ));
                continue;
            }
        };
        for chain in forbidden_chains(&tree) {
            let (Some(direct), Some(forbidden)) = (chain.get(1), chain.last()) else {
                continue;
            };
            let what = FORBIDDEN.iter().find(|(name, _)| name == forbidden).map_or("forbidden", |(_, what)| what);
            let how = if chain.len() == 2 { "directly".to_owned() } else { format!("through {}", chain.join(" -> ")) };
            problems.push(Problem::new(
                &manifest_rel,
                dependency_line(&manifest_text, direct).unwrap_or(1),
                format!(
                    "{krate} must not depend on {forbidden} ({what}), but does {how}; \
                     the pure crates take no I/O framework"
                ),
            ));
        }
    }
    problems
}

/// `cargo tree` of `krate`: normal edges only, every feature, with depths.
fn cargo_tree(root: &Path, krate: &str) -> Result<String, String> {
    let mut command = Command::new(env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo")));
    command
        .args(["tree", "-p", krate, "-e", "normal", "--all-features", "--prefix", "depth"])
        .args(["--format", "{p}"])
        .current_dir(root)
        .stdin(Stdio::null());
    if root.join("Cargo.lock").is_file() {
        command.arg("--locked");
    }
    let output = command.output().map_err(|err| format!("cannot run cargo tree: {err}"))?;
    if !output.status.success() {
        let stderr = String::from_utf8_lossy(&output.stderr);
        return Err(format!("cargo tree {}: {}", output.status, stderr.trim()));
    }
    String::from_utf8(output.stdout).map_err(|_| "cargo tree printed invalid UTF-8".to_owned())
}

/// The dependency chains, root first, that end in a forbidden package; one per forbidden package.
///
/// `tree` is `cargo tree --prefix depth --format {p}` output: lines like `2serde v1.0.0 (*)`.
fn forbidden_chains(tree: &str) -> Vec<Vec<String>> {
    let mut chains: Vec<Vec<String>> = Vec::new();
    let mut stack: Vec<String> = Vec::new();
    for line in tree.lines() {
        let digits = line.len() - line.trim_start_matches(|c: char| c.is_ascii_digit()).len();
        let Ok(depth) = line[..digits].parse::<usize>() else {
            continue;
        };
        let Some(name) = line[digits..].split_whitespace().next() else {
            continue;
        };
        stack.truncate(depth);
        stack.push(name.to_owned());
        let is_forbidden = FORBIDDEN.iter().any(|(forbidden, _)| *forbidden == name);
        let seen = chains.iter().any(|chain| chain.last().is_some_and(|last| last == name));
        if depth > 0 && is_forbidden && !seen {
            chains.push(stack.clone());
        }
    }
    chains
}

/// The line of `manifest` declaring the dependency `name`, if found.
fn dependency_line(manifest: &str, name: &str) -> Option<usize> {
    let mut in_dependencies = false;
    for (index, raw) in manifest.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with('[') {
            let section = line.trim_matches(|c| c == '[' || c == ']');
            in_dependencies =
                section == "dependencies" || section.ends_with(".dependencies") || section.starts_with("dependencies.");
            if section == format!("dependencies.{name}") {
                return Some(index + 1);
            }
            continue;
        }
        let declares = line.strip_prefix(name).is_some_and(|after| after.starts_with([' ', '=', '.']));
        if in_dependencies && declares {
            return Some(index + 1);
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::{
        IGNORE_ATTR, Problem, SHOULD_PANIC_ATTR, check, check_file_doc, check_lints_table, check_test_attributes,
        check_trailing_whitespace, dependency_line, forbidden_chains, is_test_data,
    };
    use std::path::Path;

    /// The repository passes its own checks.
    #[test]
    fn tidy() {
        let root = crate::project_root();
        let problems = check(&root);
        let listed: Vec<String> = problems.iter().map(Problem::to_string).collect();
        assert!(
            problems.is_empty(),
            "tidy found {} problem(s):\n{}\n(run `cargo xtask tidy`)",
            problems.len(),
            listed.join("\n")
        );
    }

    fn lines(problems: &[Problem]) -> Vec<usize> {
        problems.iter().map(|problem| problem.line).collect()
    }

    #[test]
    fn file_doc_is_required() {
        assert_eq!(check_file_doc("a.rs", "//! The thing.\nfn f() {}\n"), None);
        assert_eq!(check_file_doc("a.rs", "\n\n//! The thing.\n"), None);
        assert_eq!(check_file_doc("a.rs", "//! TODOs, tracked: the list type.\n"), None);
        let missing = check_file_doc("a.rs", "\nfn f() {}\n");
        assert_eq!(missing.map(|problem| problem.line), Some(2));
        assert!(check_file_doc("a.rs", "/// Item doc.\nfn f() {}\n").is_some());
        assert!(check_file_doc("a.rs", "").is_some());
        assert!(check_file_doc("a.rs", "//!\n//! Text.\n").is_some());
        assert!(check_file_doc("a.rs", "//! FIXME: write the doc\n").is_some());
        assert!(check_file_doc("a.rs", "//! TODO\n").is_some());
    }

    #[test]
    fn problems_print_as_path_line_message() {
        let problem = check_file_doc("crates/x/src/lib.rs", "fn f() {}\n");
        assert_eq!(
            problem.map(|problem| problem.to_string()),
            Some("crates/x/src/lib.rs:1: the first line must be a `//!` doc saying what this file is".to_owned())
        );
    }

    #[test]
    fn trailing_whitespace_is_found_on_every_line() {
        assert!(check_trailing_whitespace("a.md", "clean\nlines\n").is_empty());
        let problems = check_trailing_whitespace("a.md", "a \nb\nc\t\nd\r\n");
        assert_eq!(lines(&problems), [1, 3, 4]);
    }

    #[test]
    fn ignore_and_should_panic_are_found() {
        let text = format!(
            "//! Tests.\n#[test]\n{IGNORE_ATTR}]\nfn a() {{}}\n{IGNORE_ATTR} = \"slow\"]\n\
             {SHOULD_PANIC_ATTR}(expected = \"x\")]\nfn b() {{}}\n// {IGNORE_ATTR}] in a comment\n\
             {IGNORE_ATTR}_not_really]\n"
        );
        assert_eq!(lines(&check_test_attributes("t.rs", &text)), [3, 5, 6]);
        assert!(check_test_attributes("t.rs", "#[test]\nfn ok() {}\n").is_empty());
    }

    #[test]
    fn test_data_is_recognised() {
        assert!(is_test_data(Path::new("crates/a/tests/data/x.rs")));
        assert!(is_test_data(Path::new("crates/a/tests/fixtures/deep/x.rs")));
        assert!(!is_test_data(Path::new("crates/a/tests/x.rs")));
        assert!(!is_test_data(Path::new("crates/a/src/data/x.rs")));
        assert!(!is_test_data(Path::new("crates/a/src/fixtures.rs")));
    }

    #[test]
    fn workspace_lints_are_required() {
        let good = "[package]\nname = \"a\"\n\n[lints]\nworkspace = true # inherit\n";
        assert_eq!(check_lints_table("Cargo.toml", good), None);
        let elsewhere = "[package]\nworkspace = true\n[lints]\n[dependencies]\nworkspace = true\n";
        let problem = check_lints_table("Cargo.toml", elsewhere);
        assert_eq!(problem.map(|problem| problem.line), Some(3));
        assert!(check_lints_table("Cargo.toml", "[package]\nname = \"a\"\n").is_some());
    }

    #[test]
    fn forbidden_dependencies_are_traced() {
        let tree = "\
0xhht-core v0.1.0 (/w/crates/xhht-core)
1chrono v0.4.45
2serde v1.0.0
1helper v1.0.0
2hyper v1.0.0
3tokio v1.0.0
1tokio v1.0.0 (*)
1clap v4.6.0
";
        let chains: Vec<String> = forbidden_chains(tree).iter().map(|chain| chain.join(" -> ")).collect();
        assert_eq!(
            chains,
            ["xhht-core -> helper -> hyper", "xhht-core -> helper -> hyper -> tokio", "xhht-core -> clap",]
        );
        assert!(forbidden_chains("0xhht-core v0.1.0\n1serde v1.0.0\n").is_empty());
    }

    #[test]
    fn dependency_lines_are_found() {
        let manifest = "[package]\nname = \"helper\"\n\n[dependencies]\nchrono.workspace = true\n\
                        helper = \"1\"\n\n[dependencies.other]\nversion = \"1\"\n";
        assert_eq!(dependency_line(manifest, "helper"), Some(6));
        assert_eq!(dependency_line(manifest, "chrono"), Some(5));
        assert_eq!(dependency_line(manifest, "other"), Some(8));
        assert_eq!(dependency_line(manifest, "absent"), None);
    }
}
