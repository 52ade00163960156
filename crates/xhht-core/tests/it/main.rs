//! The integration tests of `xhht-core`: the shipped plan and rulebooks, and the static check
//! on broken rulebooks (data-driven: each file under `tests/data/rulebooks` says what it expects).

mod builtin;
mod static_check;
