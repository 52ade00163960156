//! The command reference, generated from the clap definition: `docs/cli.md` is this output
//! (`cargo xtask codegen` writes it; a test fails when it is stale).

use std::fmt::Write;

use clap::CommandFactory;

use crate::cli::Cli;

fn walk(out: &mut String, cmd: &clap::Command, path: &str, depth: usize) {
    let name = if path.is_empty() { cmd.get_name().to_owned() } else { format!("{path} {}", cmd.get_name()) };
    if depth > 0 {
        let _ = writeln!(out, "{} `{name}`\n", "#".repeat((depth + 1).min(4)));
    }
    if let Some(about) = cmd.get_long_about().or(cmd.get_about()) {
        let _ = writeln!(out, "{about}\n");
    }
    let mut c = cmd.clone().bin_name(&name);
    let usage = c.render_usage().to_string();
    let _ = writeln!(out, "```\n{}\n```\n", usage.trim_start_matches("Usage: "));
    let args: Vec<&clap::Arg> =
        cmd.get_arguments().filter(|a| !a.is_hide_set() && a.get_id() != "help" && a.get_id() != "version").collect();
    if !args.is_empty() {
        let _ = writeln!(out, "| argument | meaning |\n|---|---|");
        for a in args {
            let flag = match (a.get_short(), a.get_long()) {
                (Some(s), Some(l)) => format!("`-{s}`, `--{l}`"),
                (None, Some(l)) => format!("`--{l}`"),
                (Some(s), None) => format!("`-{s}`"),
                (None, None) => format!("`{}`", a.get_id().as_str().to_uppercase()),
            };
            let mut help = a.get_help().map(ToString::to_string).unwrap_or_default();
            let values: Vec<String> = a.get_possible_values().iter().map(|v| v.get_name().to_owned()).collect();
            if !values.is_empty() {
                let _ = write!(help, " ({})", values.join(", "));
            }
            let defaults: Vec<String> =
                a.get_default_values().iter().map(|v| v.to_string_lossy().into_owned()).collect();
            if !defaults.is_empty() {
                let _ = write!(help, " [default: {}]", defaults.join(", "));
            }
            if let Some(env) = a.get_env() {
                let _ = write!(help, " [env: {}]", env.to_string_lossy());
            }
            let _ = writeln!(out, "| {flag} | {} |", help.replace('|', "\\|"));
        }
        out.push('\n');
    }
    for sub in cmd.get_subcommands().filter(|s| !s.is_hide_set() && s.get_name() != "help") {
        walk(out, sub, &name, depth + 1);
    }
}

/// The reference of every command, as Markdown.
pub fn markdown() -> String {
    let mut out = String::from(
        "# The `xhht` command line\n\nGenerated from the program's own definition by `cargo xtask codegen`; do not edit by hand.\n\n",
    );
    walk(&mut out, &Cli::command(), "", 0);
    out
}
