//! The integration tests of `xhht-scoring`: data-driven cases (`tests/data/cases/*.toml`) and
//! property tests of the engine's invariants.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a failing test should stop with its message"
)]

mod cases;
mod digest;
mod props;
mod year;
