//! The `xhht-server` binary; see the crate docs of `xhht_server`.

use std::process::ExitCode;

fn main() -> ExitCode {
    #[allow(clippy::print_stderr, reason = "the binary's only output")]
    {
        eprintln!("{}", xhht_server::NOT_YET);
    }
    ExitCode::FAILURE
}
