//! `xhht-store` — persistence for xhht.
//!
//! It will keep everything the domain records (areas with history, organisations, people,
//! memberships, registrations, assessments, results, recognitions, reports, rewards) in SQLite by
//! default and PostgreSQL at scale, with migrations, all-or-nothing bulk import, a hash-chained
//! audit log, backup and restore.
//!
//! What it is not: it holds no scoring rules; the types it stores come from [`xhht_core`].
//!
//! This crate is filled by the persistence issue; until then it holds no public API.
