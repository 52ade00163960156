//! Renderers: each takes a [`crate::doc::Document`] (or the model, for JSON) and returns bytes.

pub mod csv;
pub mod docx;
pub mod html;
pub mod markdown;
pub mod png;
pub mod svg;
pub mod xlsx;
