//! End-to-end tests of the `xhht` binary: each runs the built program and checks what it prints
//! and its exit code.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stdout,
    reason = "a failing test should stop with its message; a skipped test says so on stdout"
)]

mod audit;
mod docs;
mod evidence;
mod import;
mod plan;
mod postgres;
mod rulebook;
mod score;
mod steps;
mod store;

use std::process::{Command, Output};

/// Runs `xhht` with `args` and returns its output.
pub(crate) fn xhht(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xhht"))
        .args(args)
        .env_remove("XHHT_LANG")
        .env("COLUMNS", "200")
        .output()
        .expect("the xhht binary runs")
}

/// Stdout as text.
pub(crate) fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Stderr as text.
pub(crate) fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// The path of a file of the core crate's test corpus.
pub(crate) fn core_test_data(name: &str) -> String {
    format!("{}/../xhht-core/tests/data/rulebooks/{name}", env!("CARGO_MANIFEST_DIR"))
}
