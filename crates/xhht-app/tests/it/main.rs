//! The integration tests of `xhht-app`: the use cases over a real database (SQLite; PostgreSQL
//! when `XHHT_TEST_POSTGRES_URL` is set).

#![allow(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    reason = "a failing test should stop with its message"
)]

mod accounts;
mod issuers;
mod score;
