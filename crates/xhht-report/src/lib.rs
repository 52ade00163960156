//! `xhht-report` — the reports officials file.
//!
//! It will build report models (annual, phase reviews, deadline compliance, each actor's own
//! report form) from evaluation results and records, and render them as Markdown, HTML with SVG
//! charts, JSON, CSV, XLSX and DOCX.
//!
//! What it is not: it does not query a database itself and never decides who passes a criterion;
//! it presents what [`xhht_scoring`] decided.
//!
//! This crate is filled by the reports issue; until then it holds no public API.
