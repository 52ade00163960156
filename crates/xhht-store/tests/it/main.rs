//! The integration tests of `xhht-store`. Every test runs against SQLite (a fresh file) and a
//! real PostgreSQL server (a fresh database, dropped afterwards): set `XHHT_TEST_POSTGRES_URL`
//! to a server URL whose role may create databases; with `XHHT_REQUIRE_POSTGRES=1` a missing or
//! unreachable server fails the run instead of being skipped.

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::print_stderr,
    reason = "a failing test should stop with its message"
)]

mod support;

mod audit;
mod basics;
mod clash;
mod concurrency;
mod digest;
mod evidence;
mod import;
mod kill;
mod lifecycle;
mod malformed;
mod migrate;
mod registers;
mod safety;
mod stream;
mod tamper;
mod workflow;
mod year;
