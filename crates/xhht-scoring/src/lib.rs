//! `xhht-scoring` — the rules engine of xhht.
//!
//! It will turn a rulebook from [`xhht_core`] and the facts of one data year into results:
//! points, grades and levels with explanations, recognition validity over time, plan-target
//! attainment and reward eligibility; in batch over a whole population as well as one entity at
//! a time.
//!
//! What it is not: it does no I/O, knows nothing of databases, HTTP or the command line, and never
//! reads the clock — "today" is always a parameter.
//!
//! This crate is filled by the rules-engine issue; until then it holds no public API.
