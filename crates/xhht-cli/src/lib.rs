//! `xhht-cli` — the `xhht` command line.
//!
//! Thin by design: [`Cli`] is the clap definition, [`run`] dispatches each subcommand to the
//! libraries (`xhht-core` for the plan and rulebooks) and prints what they return as a table,
//! CSV or JSON. No rule is decided here.
//!
//! What it is not: a library for other programs — embed `xhht-core` and `xhht-scoring` instead.

mod cli;
mod cmd;
pub mod help;
mod output;

use std::io::Write;
use std::process::ExitCode;

pub use cli::{Cli, Command, Format, PlanCommand, RulebookCommand, ScoreArgs};

/// Runs one command, writing its output to `out`. Returns the exit code for outcomes that are
/// not errors of xhht itself (e.g. `rulebook check` finding problems exits 1 after printing them).
pub fn run(cli: Cli, out: &mut dyn Write) -> anyhow::Result<ExitCode> {
    match cli.command {
        Command::Completions { shell } => {
            let mut c = <Cli as clap::CommandFactory>::command();
            clap_complete::generate(shell, &mut c, "xhht", out);
            return Ok(ExitCode::SUCCESS);
        }
        Command::HelpMarkdown => {
            out.write_all(help::markdown().as_bytes())?;
            return Ok(ExitCode::SUCCESS);
        }
        _ => {}
    }
    let today = cli.as_of.unwrap_or_else(|| chrono::Local::now().date_naive());
    let year_or = |y: Option<i32>| y.unwrap_or_else(|| chrono::Datelike::year(&today));
    let db = cli.db.as_str();
    let mut o = output::Out::new(out, cli.lang.into(), cli.format);
    match cli.command {
        Command::Demo(args) => cmd::demo::run(&mut o, db, today, &args),
        Command::Evaluate { year } => cmd::records::evaluate(&mut o, db, year_or(year)),
        Command::Explain { entity, year } => cmd::records::explain(&mut o, db, &entity, year_or(year)),
        Command::Progress { year, comparable: true, .. } => cmd::comparable::run(&mut o, db, year_or(year)),
        Command::Progress { year, by, .. } => cmd::records::progress(&mut o, db, year_or(year), today, by.as_deref()),
        Command::Deadlines { year } => cmd::records::deadlines(&mut o, db, year_or(year), today),
        Command::Rewards { year, phase } => cmd::records::rewards(&mut o, db, year, phase, today),
        Command::Report(args) => cmd::report::run(&mut o, db, today, &args),
        Command::Form { actor, org, name, year, out } => {
            cmd::report::form(&mut o, &actor, &org, name.as_deref(), year_or(year), today, &out)
        }
        Command::Import { kind, file, skip_bad_rows, rejected } => {
            cmd::admin::import(&mut o, db, &kind, &file, skip_bad_rows, rejected)
        }
        Command::Export { kind, out } => cmd::admin::export(&mut o, db, &kind, &out),
        Command::Backup { file } => cmd::admin::backup(&mut o, db, &file),
        Command::Restore { file } => cmd::admin::restore(&mut o, db, &file),
        Command::Audit { command } => cmd::admin::audit_verify(&mut o, db, command),
        Command::User { command } => cmd::admin::user(&mut o, db, command),
        Command::StudyPlan { acting, command } => cmd::steps::study_plan(&mut o, db, today, &acting, command),
        Command::Proposal { acting, command } => cmd::steps::proposal(&mut o, db, today, &acting, command),
        Command::Evidence { acting, command } => cmd::evidence::run(&mut o, db, today, &acting, command),
        Command::Inbox { acting, year } => cmd::inbox::inbox(&mut o, db, year_or(year), today, &acting),
        Command::History { acting, command } => cmd::inbox::history(&mut o, db, today, &acting, command),
        Command::Plan { command } => cmd::plan::run(&mut o, command),
        Command::Rulebook { command } => cmd::rulebook::run(&mut o, command),
        Command::Score(args) => cmd::score::run(&mut o, &args),
        Command::Completions { .. } | Command::HelpMarkdown => Ok(ExitCode::SUCCESS),
    }
}

/// The error as one line: each cause after the message, unless the message already says it
/// (an error whose text includes its source would otherwise say it twice).
pub fn error_line(e: &anyhow::Error) -> String {
    let mut line = e.to_string();
    for cause in e.chain().skip(1) {
        let c = cause.to_string();
        if !line.contains(&c) {
            line.push_str(": ");
            line.push_str(&c);
        }
    }
    line
}

/// True when the error is a closed pipe (`xhht … | head`), which is not a failure.
pub fn is_broken_pipe(e: &anyhow::Error) -> bool {
    e.chain().any(|c| c.downcast_ref::<std::io::Error>().is_some_and(|io| io.kind() == std::io::ErrorKind::BrokenPipe))
}

#[cfg(test)]
mod error_line_tests {
    #[test]
    fn a_cause_already_in_the_message_is_not_repeated() {
        let io = std::io::Error::new(std::io::ErrorKind::NotFound, "No such file");
        let e = anyhow::Error::new(io).context("x.csv: No such file").context("import");
        assert_eq!(super::error_line(&e), "import: x.csv: No such file");
        let e = anyhow::anyhow!("inner").context("outer");
        assert_eq!(super::error_line(&e), "outer: inner");
    }
}
