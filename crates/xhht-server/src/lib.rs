//! `xhht-server` — the HTTP API and web dashboard of xhht.
//!
//! It will serve a REST API under `/api/v1` with an OpenAPI document, role-based access control,
//! and a server-rendered dashboard, over the same libraries the CLI uses.
//!
//! What it is not: it holds no business logic; handlers parse requests, call the libraries and
//! render responses.
//!
//! This crate is filled by the server issue; until then it only reports that it is not built yet.

/// The message printed by the binary until the server issue lands.
pub const NOT_YET: &str = "xhht-server: the HTTP server is not built yet (see the server issue); use the `xhht` CLI";
