//! The integration tests of `xhht-core`: the shipped plan and rulebooks, and the static check
//! on broken rulebooks (data-driven: each file under `tests/data/rulebooks` says what it expects).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a failing test should stop with its message"
)]

mod builtin;
mod static_check;
