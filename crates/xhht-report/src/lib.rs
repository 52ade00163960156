//! `xhht-report` — the reports officials file: the annual report of a data year, the phase
//! reviews (sơ kết 2023–2025, tổng kết 2023–2030), and deadline compliance, for the whole
//! district, a commune, an organisation or a plan actor.
//!
//! # Brief overview
//!
//! - [`build::build`] makes a [`model::Report`] — data first — from the records and the
//!   evaluation results of each year (`xhht_scoring::year::evaluate_year`): target progress with
//!   the series since 2023, the straight path, national milestones and a projection; the
//!   emulation criteria with who does not meet them and why; titles recognised, held and
//!   expiring; reward eligibility; each actor's duties with what it reported; deadline
//!   compliance as of a given day; the 2025 reorganisation.
//! - [`doc::document`] lays the report out in one language; the renderers in [`render`] turn
//!   that one layout into Markdown, HTML with SVG charts, CSV per table, XLSX and DOCX, and
//!   [`render_json`] serialises the model itself (schema [`model::SCHEMA_VERSION`]).
//!
//! Rendering is deterministic: the same report gives byte-identical Markdown, HTML, JSON and CSV.
//!
//! # What this crate is not
//!
//! It reads no database and decides no rule: it presents what `xhht-scoring` decided, from
//! records the caller loads. It never reads the clock: the "as of" day is an option.

pub mod build;
pub mod doc;
mod error;
mod fmt;
pub mod forms;
pub mod model;
pub mod render;

pub use error::{Error, Result};

/// The report model as pretty JSON (the documented, versioned schema).
pub fn render_json(report: &model::Report) -> Result<String> {
    serde_json::to_string_pretty(report).map_err(|e| Error::Render { format: "json", message: e.to_string() })
}
