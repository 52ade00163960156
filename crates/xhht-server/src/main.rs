//! The `xhht-server` binary: parses the arguments, builds the state and serves until Ctrl-C or
//! SIGTERM (finishing the requests in flight). See the crate docs of `xhht_server`.

mod cli;

/// mimalloc rather than the system allocator, as in `xhht` (docs/benchmarks.md, "Store").
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

use anyhow::Context;
use clap::Parser;

fn main() -> anyhow::Result<()> {
    let args = cli::Args::parse();
    let rt = tokio::runtime::Builder::new_multi_thread().enable_all().build().context("cannot start the runtime")?;
    rt.block_on(cli::run(args))
}
