//! `xhht-store-import-probe TARGET KIND FILE [PAUSE_MS]`: imports FILE as KIND into the database
//! TARGET, pausing PAUSE_MS after each chunk written, and prints one line per step on stdout
//! (`read N`, `checked N`, `writing TABLE DONE/TOTAL`, `committed`). A test kills it while it
//! is `writing` to show that a killed import leaves the database as it was.

use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use xhht_store::{ImportKind, ImportOptions, ImportProgress, Progress, Store};

fn say(line: &str) {
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "{line}");
    let _ = out.flush();
}

#[tokio::main]
async fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let (Some(target), Some(kind), Some(file)) =
        (args.first(), args.get(1).and_then(|k| ImportKind::parse(k)), args.get(2))
    else {
        let _ = writeln!(std::io::stderr(), "usage: xhht-store-import-probe TARGET KIND FILE [PAUSE_MS]");
        return ExitCode::from(2);
    };
    let pause = Duration::from_millis(args.get(3).and_then(|p| p.parse().ok()).unwrap_or(0));
    let store = match Store::open(target).await {
        Ok(s) => s,
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{e}");
            return ExitCode::FAILURE;
        }
    };
    let mut opts = ImportOptions::new("import-probe");
    opts.progress = Some(Progress::new(move |p| match p {
        ImportProgress::Read { rows } => say(&format!("read {rows}")),
        ImportProgress::Checked { good, .. } => say(&format!("checked {good}")),
        ImportProgress::Writing { table, done, total } => {
            say(&format!("writing {table} {done}/{total}"));
            std::thread::sleep(pause);
        }
        ImportProgress::Committed => say("committed"),
        _ => {}
    }));
    match store.import(kind, &PathBuf::from(file), &opts).await {
        Ok(r) => {
            say(&format!("imported {}", r.imported));
            ExitCode::SUCCESS
        }
        Err(e) => {
            let _ = writeln!(std::io::stderr(), "{e}");
            ExitCode::FAILURE
        }
    }
}
