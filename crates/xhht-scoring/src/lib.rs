//! `xhht-scoring` — the rules engine of xhht.
//!
//! # Brief overview
//!
//! - [`Engine`] compiles one rulebook (from `xhht-core`) for evaluation: indicators indexed,
//!   thresholds converted to exact fixed-point ([`scale`]).
//! - [`Facts`] hold one entity-year's indicator values, aligned to the engine; bad values become
//!   [`EntityDiagnostic`]s on the entity, never panics or silent zeros.
//! - [`Engine::evaluate`] picks the version in force for the data year and returns an
//!   [`Evaluation`]: the outcome (band, level or fail), the total, the diagnostics. It builds no
//!   explanation; [`Engine::explain`] builds one on request — each indicator's value,
//!   requirement, result, citation and provenance, and the [`Gap`]s to the next outcome —
//!   rendered in Vietnamese or English by [`Explanation::lines`].
//!
//! # Example
//!
//! ```
//! use rust_decimal::Decimal;
//! use xhht_core::Lang;
//! use xhht_core::record::Value;
//! use xhht_core::rulebook::{RulebookSet, Subject};
//! use xhht_scoring::{Engine, Facts};
//!
//! let book = RulebookSet::builtin().get("cong-dan-hoc-tap").unwrap();
//! let engine = Engine::new(book).unwrap();
//!
//! // Nine indicators at 8 points and indicator 7 at 4: total 76, below 80 and below the floor.
//! let mut facts = Facts::new(&engine, Subject::Person);
//! for id in ["1", "2", "3", "4", "5", "6", "8", "9", "10"] {
//!     facts.set(&engine, id, &Value::Score(Decimal::from(8)), false);
//! }
//! facts.set(&engine, "7", &Value::Score(Decimal::from(4)), false);
//!
//! let result = engine.evaluate(&facts, 2024).unwrap();
//! assert_eq!(engine.outcome_id(result.version, result.outcome.unwrap()), "khong_dat");
//!
//! let why = engine.explain(&facts, 2024, &result);
//! assert_eq!(
//!     why.missing_sentence(Lang::En),
//!     "total 76/80: 4 points short; indicator 7 at 4 is below the floor of 5"
//! );
//! ```
//!
//! # What this crate is not
//!
//! It does no I/O, knows nothing of databases, HTTP or the command line, and never reads the
//! clock — the data year and any "today" are parameters. It depends on no async runtime (tidy
//! checks this).

mod batch;
pub mod digest;
mod engine;
mod error;
mod eval;
mod explain;
mod facts;
pub mod recognition;
pub mod rescore;
pub mod rewards;
pub mod scale;
pub mod targets;
pub mod year;

pub use batch::{BatchResult, OutcomeCode, ScoreTable};
pub use engine::{Engine, Outcome};
pub use error::{Error, Result};
pub use eval::Evaluation;
pub use explain::{
    EXPLANATION_SCHEMA, Explanation, Gap, LevelCheck, LevelChecks, MAX_LEVELS, Points, Requirement, Shown, Step,
    StepResult,
};
pub use facts::{DiagnosticKind, EntityDiagnostic, FactValue, Facts};
