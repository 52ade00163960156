//! The `xhht` binary: parses the command line and hands it to [`xhht_cli::run`].

use std::process::ExitCode;

/// mimalloc rather than the system allocator: bulk imports and year loads allocate a string per
/// cell, and glibc's allocator spent a quarter of an import in `malloc` and `free`
/// (docs/benchmarks.md, "Store"). It is built without transparent huge pages (`no_thp`, in the
/// workspace manifest): each freshly touched 2 MiB page counted whole, and `xhht score` peaked at
/// 105 MiB instead of 39.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

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
                eprintln!("xhht: {}", xhht_cli::error_line(&e));
            }
            ExitCode::FAILURE
        }
    }
}
