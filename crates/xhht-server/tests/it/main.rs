//! Integration tests of the xhht server: every endpoint through `oneshot` (no socket) for every
//! role, the write × role matrix against `decide`, personal data, validation and conflicts,
//! caching, the dashboard, two instances on one database, a bounded load test on loopback, and
//! (when enabled by environment variables) schemathesis and headless Chromium.
#![allow(clippy::unwrap_used, clippy::expect_used, reason = "tests")]
#![allow(clippy::print_stdout, clippy::print_stderr, reason = "tests say what they skip")]

mod access;
mod api;
mod assess_pages;
mod before;
mod dashboard;
mod evidence;
mod external;
mod hardening;
mod hostile;
mod instances;
mod lifecycle;
mod support;
mod work_pages;
mod workflow;
