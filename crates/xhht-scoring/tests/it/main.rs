//! The integration tests of `xhht-scoring`: data-driven cases (`tests/data/cases/*.toml`) and
//! property tests of the engine's invariants.

mod cases;
mod props;
mod year;
