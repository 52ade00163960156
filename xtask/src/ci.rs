//! `cargo xtask ci`: every check CI runs, in order, stopping at the first failure.
//!
//! The steps are fmt, clippy, test (cargo-nextest when installed, else `cargo test`), doctest
//! (nextest does not run doctests), doc (with `RUSTDOCFLAGS=-D warnings`) and tidy. Each step
//! prints a header; a failure names the step. `--locked` is passed whenever `Cargo.lock` exists,
//! so CI never silently re-resolves dependencies.
//!
//! When the environment variable `XTASK_CI_REPORT` names a file, the outcome is also written
//! there as one line, `PASS` or `FAIL <step>`, for `.ci/run` to print its closing line.

use std::env;
use std::ffi::OsString;
use std::fs;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

use crate::tidy;

/// What a step runs.
#[derive(Debug)]
enum Action {
    /// `cargo <args>`, with extra environment variables.
    Cargo { args: Vec<String>, env: Vec<(&'static str, OsString)> },
    /// The tidy checks, in-process.
    Tidy,
}

#[derive(Debug)]
struct Step {
    name: &'static str,
    action: Action,
}

/// Runs every step; on failure returns the name of the failing step.
pub(crate) fn run(root: &Path) -> Result<(), &'static str> {
    let outcome = run_steps(root);
    let line = match outcome {
        Ok(()) => "PASS".to_owned(),
        Err(step) => format!("FAIL {step}"),
    };
    if let Some(report) = env::var_os("XTASK_CI_REPORT").filter(|path| !path.is_empty())
        && let Err(err) = fs::write(&report, format!("{line}\n"))
    {
        eprintln!("xtask ci: cannot write XTASK_CI_REPORT file {report:?}: {err}");
    }
    outcome
}

fn run_steps(root: &Path) -> Result<(), &'static str> {
    let steps = plan(root);
    let total = steps.len();
    let started = Instant::now();
    let mut timings = Vec::with_capacity(total);
    for (index, step) in steps.iter().enumerate() {
        eprintln!();
        eprintln!("==> xtask ci [{}/{total}] {}: {}", index + 1, step.name, describe(&step.action));
        let step_started = Instant::now();
        let result = execute(root, &step.action);
        let elapsed = step_started.elapsed();
        match result {
            Ok(()) => {
                eprintln!("==> ok: {} ({})", step.name, format_duration(elapsed));
                timings.push((step.name, elapsed));
            }
            Err(reason) => {
                eprintln!();
                eprintln!("==> xtask ci: FAIL at step `{}` after {}: {reason}", step.name, format_duration(elapsed));
                return Err(step.name);
            }
        }
    }
    eprintln!();
    for (name, elapsed) in &timings {
        eprintln!("    {name:<8} {}", format_duration(*elapsed));
    }
    eprintln!("==> xtask ci: PASS, {total} steps in {}", format_duration(started.elapsed()));
    Ok(())
}

/// The steps, in order.
fn plan(root: &Path) -> Vec<Step> {
    let locked = root.join("Cargo.lock").is_file();
    let cargo = |args: &[&str]| {
        let mut args: Vec<String> = args.iter().map(|arg| (*arg).to_owned()).collect();
        if locked {
            // `--locked` must come before a `--` that passes arguments on to a tool.
            let at = args.iter().position(|arg| arg == "--").unwrap_or(args.len());
            args.insert(at, "--locked".to_owned());
        }
        args
    };

    let test_args = if has_nextest() {
        cargo(&["nextest", "run", "--workspace", "--no-tests=warn"])
    } else {
        cargo(&["test", "--workspace"])
    };

    let mut rustdocflags = env::var_os("RUSTDOCFLAGS").unwrap_or_default();
    if !rustdocflags.is_empty() {
        rustdocflags.push(" ");
    }
    rustdocflags.push("-D warnings");

    vec![
        Step {
            name: "fmt",
            // `cargo fmt` takes no `--locked`.
            action: Action::Cargo { args: ["fmt", "--all", "--", "--check"].map(str::to_owned).to_vec(), env: vec![] },
        },
        Step {
            name: "clippy",
            action: Action::Cargo {
                args: cargo(&["clippy", "--workspace", "--all-targets", "--", "-D", "warnings"]),
                env: vec![],
            },
        },
        Step { name: "test", action: Action::Cargo { args: test_args, env: vec![] } },
        Step { name: "doctest", action: Action::Cargo { args: cargo(&["test", "--workspace", "--doc"]), env: vec![] } },
        Step {
            name: "doc",
            action: Action::Cargo {
                args: cargo(&["doc", "--workspace", "--no-deps"]),
                env: vec![("RUSTDOCFLAGS", rustdocflags)],
            },
        },
        Step { name: "tidy", action: Action::Tidy },
    ]
}

/// The cargo to run: the one running us when there is one (`cargo xtask` sets `CARGO`).
fn cargo_program() -> OsString {
    env::var_os("CARGO").unwrap_or_else(|| OsString::from("cargo"))
}

/// Whether `cargo nextest` is installed.
fn has_nextest() -> bool {
    Command::new(cargo_program())
        .args(["nextest", "--version"])
        .stdin(Stdio::null())
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .status()
        .is_ok_and(|status| status.success())
}

fn describe(action: &Action) -> String {
    match action {
        Action::Cargo { args, env } => {
            let mut text = String::new();
            for (key, value) in env {
                text.push_str(&format!("{key}='{}' ", value.to_string_lossy()));
            }
            text.push_str("cargo ");
            text.push_str(&args.join(" "));
            text
        }
        Action::Tidy => "cargo xtask tidy".to_owned(),
    }
}

fn execute(root: &Path, action: &Action) -> Result<(), String> {
    match action {
        Action::Cargo { args, env } => {
            let mut command = Command::new(cargo_program());
            command.args(args).current_dir(root).stdin(Stdio::null());
            for (key, value) in env {
                command.env(key, value);
            }
            let status = command.status().map_err(|err| format!("cannot run `{}`: {err}", describe(action)))?;
            if status.success() { Ok(()) } else { Err(format!("`{}` {status}", describe(action))) }
        }
        Action::Tidy => {
            let problems = tidy::check(root);
            if tidy::report(&problems) {
                Ok(())
            } else {
                Err(format!("tidy found {} problem(s), listed above", problems.len()))
            }
        }
    }
}

fn format_duration(duration: Duration) -> String {
    let seconds = duration.as_secs();
    if seconds >= 60 {
        format!("{}m{:02}s", seconds / 60, seconds % 60)
    } else {
        format!("{}.{}s", seconds, duration.subsec_millis() / 100)
    }
}

#[cfg(test)]
mod tests {
    use std::path::Path;
    use std::time::Duration;

    use super::{Action, format_duration, plan};

    #[test]
    fn steps_are_in_order_and_locked() {
        let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
        let steps = plan(&root);
        let names: Vec<&str> = steps.iter().map(|step| step.name).collect();
        assert_eq!(names, ["fmt", "clippy", "test", "doctest", "doc", "tidy"]);
        let Action::Cargo { args, .. } = &steps[1].action else {
            panic!("clippy runs cargo");
        };
        assert_eq!(
            args.join(" "),
            "clippy --workspace --all-targets --locked -- -D warnings",
            "the lock file is committed, so clippy runs --locked"
        );
        let Action::Cargo { env, .. } = &steps[4].action else {
            panic!("doc runs cargo");
        };
        assert!(
            env.iter()
                .any(|(key, value)| { *key == "RUSTDOCFLAGS" && value.to_string_lossy().ends_with("-D warnings") })
        );
    }

    #[test]
    fn durations_are_short() {
        assert_eq!(format_duration(Duration::from_millis(1_250)), "1.2s");
        assert_eq!(format_duration(Duration::from_secs(125)), "2m05s");
    }
}
