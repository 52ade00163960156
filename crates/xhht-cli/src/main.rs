//! The `xhht` binary: parses the command line and hands it to [`xhht_cli::run`].

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = xhht_cli::Cli::parse();
    let stdout = std::io::stdout();
    let mut out = stdout.lock();
    match xhht_cli::run(cli, &mut out) {
        Ok(code) => code,
        Err(e) if xhht_cli::is_broken_pipe(&e) => ExitCode::SUCCESS,
        Err(e) => {
            #[allow(clippy::print_stderr, reason = "the binary reports its error")]
            {
                eprintln!("xhht: {e:#}");
            }
            ExitCode::FAILURE
        }
    }
}
