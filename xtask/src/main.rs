//! See <https://github.com/matklad/cargo-xtask/>.
//!
//! `xtask` holds the project's development tasks as plain Rust, run with `cargo xtask <task>`
//! from anywhere in the workspace (it changes to the workspace root first). `ci` runs the whole
//! gate CI runs, in order and stopping at the first failure: formatting, clippy, tests, doctests,
//! docs and tidy. `tidy` runs the repository checks (file docs, whitespace, no ignored or
//! should-panic tests, the dependency boundary of the pure crates, workspace lints, crate roots);
//! they also run as an ordinary test, so `cargo test` catches them too. `bench` runs the
//! benchmarks, `codegen` regenerates `docs/cli.md` and `docs/openapi.json`, `demo-data` builds the demo database and
//! `e2e` runs the end-to-end tests.
//!
//! It has no dependencies, so that it builds in seconds on a fresh machine.

#![allow(clippy::print_stdout, clippy::print_stderr, reason = "xtask is a terminal program")]

mod ci;
mod peers;
mod tidy;

use std::env;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

const USAGE: &str = "\
Usage: cargo xtask <task> [options]

Tasks:
  ci                 Run every CI check in order, stopping at the first failure:
                       fmt      cargo fmt --all -- --check
                       clippy   cargo clippy --workspace --all-targets --locked -- -D warnings
                       test     cargo nextest run --workspace --locked --no-tests=warn
                                (cargo test --workspace --locked without cargo-nextest)
                       doctest  cargo test --workspace --doc --locked
                       doc      cargo doc --workspace --no-deps --locked, RUSTDOCFLAGS=-D warnings
                       tidy     the checks of `cargo xtask tidy`
  tidy               Run the repository checks; every problem is printed as
                     `path:line: message`. They also run as a test of this crate.
  codegen [--check]  Regenerate docs/cli.md (from the CLI's definition) and docs/openapi.json
                     (from the server's); with --check, only verify they are up to date.
  e2e                Run the end-to-end tests: the CLI's (the built binary on a demo database),
                     and the server's in headless Chromium and under schemathesis (needs
                     chromium, `npm ci` in crates/xhht-server/tests/browser, and schemathesis on
                     PATH, e.g. in target/ci-python/bin; `.ci/run` installs them).
  demo-data          Build the synthetic demo database xhht.db and its reports in xhht-demo/
                     (release build of `xhht demo --force`).
  bench              Run the benchmarks in release mode: the rules engine (criterion, and the
                     10-million-person memory run), the province-sized report from memory
                     and from a SQLite file with its digests kept. Figures:
                     docs/benchmarks.md.
  bench --peers      xhht against peer tools on the same synthetic files, alternating runs:
                     `xhht score` against DuckDB (installed from PyPI into target/peers/venv)
                     and `xhht import people` against `sqlite3 .import`; prints medians and
                     ratios.
  help               Print this help (also: -h, --help, or no task).

Exit status: 0 success; 1 a check or step failed; 2 usage error.
";

/// A task named on the command line.
#[derive(Debug, PartialEq, Eq)]
enum Task {
    Help,
    Ci,
    Tidy,
    Bench { peers: bool },
    DemoData,
    E2e,
    Codegen { check: bool },
}

fn main() -> ExitCode {
    let args: Vec<String> = env::args_os().skip(1).map(|arg| arg.to_string_lossy().into_owned()).collect();
    let task = match parse_args(&args) {
        Ok(task) => task,
        Err(message) => {
            eprintln!("xtask: {message}\nRun `cargo xtask help` for the tasks.");
            return ExitCode::from(2);
        }
    };

    let root = project_root();
    if let Err(err) = env::set_current_dir(&root) {
        eprintln!("xtask: cannot change to the project root {}: {err}", root.display());
        return ExitCode::FAILURE;
    }

    match task {
        Task::Help => {
            print!("{USAGE}");
            ExitCode::SUCCESS
        }
        Task::Ci => match ci::run(&root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(_) => ExitCode::FAILURE,
        },
        Task::Tidy => {
            let problems = tidy::check(&root);
            if tidy::report(&problems) { ExitCode::SUCCESS } else { ExitCode::FAILURE }
        }
        Task::Bench { peers: true } => match peers::run(&root) {
            Ok(()) => ExitCode::SUCCESS,
            Err(err) => {
                eprintln!("xtask bench --peers: {err}");
                ExitCode::FAILURE
            }
        },
        Task::Bench { peers: false } => {
            let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let benches: [&[&str]; 3] = [
                &["bench", "-p", "xhht-scoring", "--bench", "engine"],
                &["bench", "-p", "xhht-report", "--bench", "report"],
                &["run", "--release", "-p", "xhht-cli", "--example", "report_from_sqlite"],
            ];
            for args in benches {
                match std::process::Command::new(&cargo).args(args).status() {
                    Ok(s) if s.success() => {}
                    Ok(_) => return ExitCode::FAILURE,
                    Err(err) => {
                        eprintln!("xtask bench: cannot run cargo: {err}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Task::Codegen { check } => codegen(&root, check),
        Task::E2e => {
            let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
            let steps: [(&str, &[&str]); 2] = [
                ("cli", &["test", "--package", "xhht-cli", "--test", "it"]),
                ("server", &["test", "--package", "xhht-server", "--test", "it", "external"]),
            ];
            for (name, args) in steps {
                println!("==> xtask e2e: {name}");
                let status = std::process::Command::new(&cargo)
                    .args(args)
                    .env("XHHT_RUN_BROWSER", "1")
                    .env("XHHT_RUN_SCHEMATHESIS", "1")
                    .status();
                match status {
                    Ok(s) if s.success() => {}
                    Ok(_) => return ExitCode::FAILURE,
                    Err(err) => {
                        eprintln!("xtask e2e: cannot run cargo: {err}");
                        return ExitCode::FAILURE;
                    }
                }
            }
            ExitCode::SUCCESS
        }
        Task::DemoData => {
            let status = std::process::Command::new(env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned()))
                .args(["run", "--release", "--package", "xhht-cli", "--bin", "xhht", "--", "demo", "--force"])
                .status();
            match status {
                Ok(s) if s.success() => ExitCode::SUCCESS,
                Ok(_) => ExitCode::FAILURE,
                Err(err) => {
                    eprintln!("xtask demo-data: cannot run cargo: {err}");
                    ExitCode::FAILURE
                }
            }
        }
    }
}

/// Regenerates the generated documents — `docs/cli.md` (`xhht help-markdown`) and
/// `docs/openapi.json` (`xhht-server openapi`) — or, with `check`, verifies they are current.
fn codegen(root: &Path, check: bool) -> ExitCode {
    let cargo = env::var("CARGO").unwrap_or_else(|_| "cargo".to_owned());
    let targets: [(&str, &[&str]); 2] = [
        ("docs/cli.md", &["run", "--quiet", "--package", "xhht-cli", "--bin", "xhht", "--", "help-markdown"]),
        ("docs/openapi.json", &["run", "--quiet", "--package", "xhht-server", "--bin", "xhht-server", "--", "openapi"]),
    ];
    let mut stale = false;
    for (file, args) in targets {
        let generated = match std::process::Command::new(&cargo).args(args).output() {
            Ok(o) if o.status.success() => o.stdout,
            Ok(o) => {
                eprintln!("xtask codegen: {file}: the generator failed:\n{}", String::from_utf8_lossy(&o.stderr));
                return ExitCode::FAILURE;
            }
            Err(err) => {
                eprintln!("xtask codegen: cannot run cargo: {err}");
                return ExitCode::FAILURE;
            }
        };
        let path = root.join(file);
        if check {
            if std::fs::read(&path).unwrap_or_default() == generated {
                println!("{file} is up to date");
            } else {
                eprintln!("{file} is stale: run `cargo xtask codegen`");
                stale = true;
            }
        } else if let Err(err) = std::fs::write(&path, generated) {
            eprintln!("xtask codegen: cannot write {}: {err}", path.display());
            return ExitCode::FAILURE;
        } else {
            println!("wrote {file}");
        }
    }
    if stale { ExitCode::FAILURE } else { ExitCode::SUCCESS }
}

/// Parses the arguments after `cargo xtask`.
fn parse_args(args: &[String]) -> Result<Task, String> {
    let Some((first, rest)) = args.split_first() else {
        return Ok(Task::Help);
    };
    if rest.iter().any(|arg| arg == "-h" || arg == "--help") {
        return Ok(Task::Help);
    }
    let (task, allowed): (Task, &[&str]) = match first.as_str() {
        "help" | "-h" | "--help" => (Task::Help, &[]),
        "ci" => (Task::Ci, &[]),
        "tidy" => (Task::Tidy, &[]),
        "bench" => (Task::Bench { peers: rest.iter().any(|a| a == "--peers") }, &["--peers"]),
        "demo-data" => (Task::DemoData, &[]),
        "e2e" => (Task::E2e, &[]),
        "codegen" => (Task::Codegen { check: rest.iter().any(|a| a == "--check") }, &["--check"]),
        other => return Err(format!("unknown task `{other}`")),
    };
    if let Some(unexpected) = rest.iter().find(|arg| !allowed.contains(&arg.as_str())) {
        return Err(format!("unexpected argument `{unexpected}` for `{first}`"));
    }
    Ok(task)
}

/// The workspace root: the parent of this crate's manifest directory.
fn project_root() -> PathBuf {
    let manifest_dir = Path::new(env!("CARGO_MANIFEST_DIR"));
    manifest_dir.parent().unwrap_or(manifest_dir).to_path_buf()
}

#[cfg(test)]
mod tests {
    use super::{Task, parse_args};

    fn parse(args: &[&str]) -> Result<Task, String> {
        let args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        parse_args(&args)
    }

    #[test]
    fn help_is_the_default() {
        assert_eq!(parse(&[]), Ok(Task::Help));
        assert_eq!(parse(&["help"]), Ok(Task::Help));
        assert_eq!(parse(&["--help"]), Ok(Task::Help));
        assert_eq!(parse(&["-h"]), Ok(Task::Help));
        assert_eq!(parse(&["ci", "--help"]), Ok(Task::Help));
    }

    #[test]
    fn tasks_parse() {
        assert_eq!(parse(&["ci"]), Ok(Task::Ci));
        assert_eq!(parse(&["tidy"]), Ok(Task::Tidy));
        assert_eq!(parse(&["bench"]), Ok(Task::Bench { peers: false }));
        assert_eq!(parse(&["bench", "--peers"]), Ok(Task::Bench { peers: true }));
        assert_eq!(parse(&["demo-data"]), Ok(Task::DemoData));
        assert_eq!(parse(&["e2e"]), Ok(Task::E2e));
        assert_eq!(parse(&["codegen"]), Ok(Task::Codegen { check: false }));
        assert_eq!(parse(&["codegen", "--check"]), Ok(Task::Codegen { check: true }));
    }

    #[test]
    fn bad_arguments_are_rejected() {
        assert!(parse(&["frobnicate"]).is_err());
        assert!(parse(&["ci", "--check"]).is_err());
        assert!(parse(&["tidy", "extra"]).is_err());
    }
}
