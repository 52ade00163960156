//! `xhht-core` — the domain of the learning-society emulation movement (*xây dựng xã hội học
//! tập*, XDXHHT), 2023–2030.
//!
//! # Brief overview
//!
//! - [`plan::Plan`]: a local plan of the movement as a value — legal bases, targets, emulation
//!   contents and criteria, rewards, solutions, phases, funding, the actors and their duties, the
//!   reporting regime — each element with its stable id and Vietnamese + English text. The plan
//!   of Cần Đước (February 2024) is embedded: [`plan::Plan::can_duoc_2024`].
//! - [`rulebook`]: the rules as versioned, cited data. A [`rulebook::Rulebook`] (a TOML file,
//!   see `docs/rulebook-format.md`) holds indicator groups, dated versions with their scoring
//!   shape (points or levels), recognition rules, targets, reward and reporting rules; every
//!   element carries a [`source::Citation`] and a [`source::Provenance`] (`verified` or
//!   `assumed` with a note). [`rulebook::validate`] is the static check;
//!   [`rulebook::RulebookSet::builtin`] holds the six rulebooks that ship with xhht.
//! - [`issuer`]: who issues a report on a given day (the letterhead in force: body, number
//!   symbol, place, recipients, signatory), configurable per deployment.
//! - Entities: [`area`] (administrative areas with history and successions, so a series
//!   survives the 2025 reorganisation), [`entity`] (organisations, people, memberships over
//!   time, households, clans, hamlet communities).
//! - [`record`]: yearly records — registrations, commitments, self-study plans and approvals,
//!   assessments, recognitions, report submissions, reward proposals — built through
//!   constructors that refuse inconsistent parts.
//!
//! # Example
//!
//! ```
//! use xhht_core::plan::Plan;
//! use xhht_core::rulebook::RulebookSet;
//!
//! let plan = Plan::can_duoc_2024();
//! assert_eq!(plan.targets.len(), 2);
//! let deadline = plan.annual_report_deadline(2026).unwrap();
//! assert_eq!(deadline.to_string(), "2026-12-10");
//!
//! let cdht = RulebookSet::builtin().get("cong-dan-hoc-tap").unwrap();
//! let version = cdht.rulebook.version_for_year(2024).unwrap();
//! assert_eq!(version.citation.document.as_deref(), Some("QĐ 324/QĐ-KHVN"));
//! ```
//!
//! # What this crate is not
//!
//! It does no I/O beyond reading a rulebook or plan file a caller names, never reads the clock,
//! and evaluates nothing: scoring is `xhht-scoring`, persistence `xhht-store`. It depends on no
//! async runtime, web framework, CLI parser or database driver (a tidy test enforces this).

pub mod access;
pub mod area;
pub mod bounds;
pub mod csv_cell;
pub mod date;
pub mod decimal;
pub mod entity;
pub mod error;
pub mod issuer;
pub mod period;
pub mod plan;
pub mod record;
pub mod rulebook;
pub mod source;
pub mod text;
pub mod title;
pub mod workflow;

pub use error::{Error, Result};
pub use text::{Lang, Text, format_date};
pub use title::Title;
