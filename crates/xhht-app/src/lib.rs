//! `xhht-app` — the use cases of xhht, shared by its two front-ends: the `xhht` command line
//! and the `xhht-server` HTTP API (the role rust-analyzer's `ide` crate plays under its LSP
//! server).
//!
//! # Brief overview
//!
//! - [`App::open`] opens (and migrates) the database through `xhht_store::Store`, carries over
//!   what older versions kept elsewhere, and builds the rule engines once.
//! - Years ([`years`]): load a data year, evaluate it, store its results, and keep its digest
//!   for reports — the one cache policy: a digest kept in the store is served while the records
//!   and the rules it was made from are those of now, and computed again otherwise.
//! - Reports ([`reports`]): which report a request names ([`reports::Which`], [`reports::parse_scope`]),
//!   built from the digests (annual reports) or from every year's results (phase reviews, one
//!   organisation), names filled or withheld by the caller's rights, rendered in any format.
//! - Explanations ([`explain`]): why a person or an organisation holds (or lacks) its title and
//!   meets (or not) the plan's criteria, in both languages.
//! - Writing records as someone ([`records`], reward proposals): each write judged by
//!   `decide` on what it touches, found from the records.
//! - Accounts ([`auth`]): users, API tokens, sessions.
//! - The database's imports, exports, backups, audit check and plain reads ([`io`],
//!   [`App::db`]), with the store's plain data they take and give: the front-ends reach the
//!   store only through this crate.
//!
//! Every decision of who may do what is `xhht_core::access::decide`, asked here, not in a
//! front-end.
//!
//! # What this crate is not
//!
//! It parses no command line and no HTTP request and formats no answer: the front-ends do that,
//! and only that. It holds no rule (the rulebooks do, through `xhht-scoring`) and no SQL (the
//! store does). It reads the clock only to stamp accounts and sessions; every "today" a rule
//! uses is a parameter.

pub mod auth;
pub mod dataset;
mod duty;
mod error;
pub mod evidence;
pub mod explain;
pub mod inbox;
pub mod io;
pub mod proposals;
pub mod records;
pub mod reports;
pub mod rewards;
pub mod score;
pub mod self_assess;
pub mod steps;
pub mod years;

use std::sync::Arc;

use xhht_core::issuer::Issuers;
use xhht_core::plan::Plan;
use xhht_scoring::year::YearEngines;
use xhht_store::Store;

pub use error::{Error, FieldProblem, Result};

/// An open database with the rule engines: every use case is a method of it (or of its
/// modules' types). Cheap to clone.
#[derive(Clone)]
pub struct App {
    inner: Arc<Inner>,
    /// Who issues the reports, day by day: the embedded defaults of the plan, or the
    /// deployment's own ([`App::with_issuers`]).
    issuers: Option<Arc<Issuers>>,
}

struct Inner {
    store: Store,
    engines: YearEngines,
    plan: &'static Plan,
}

impl std::fmt::Debug for App {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("App").field("backend", &self.inner.store.backend()).finish_non_exhaustive()
    }
}

impl App {
    /// Opens `db` (a path, a `sqlite:` URL or a `postgres://` URL), applying the migrations and
    /// carrying over what older versions kept outside them (the reward decisions of servers
    /// before schema 4), and builds the rule engines of the embedded rulebooks.
    pub async fn open(db: &str) -> Result<App> {
        let store = Store::open(db).await?;
        store.carry_over_reward_decisions().await?;
        Self::with_store(store)
    }

    /// The use cases over a store already open.
    pub fn with_store(store: Store) -> Result<App> {
        let engines = YearEngines::builtin()?;
        Ok(App { inner: Arc::new(Inner { store, engines, plan: Plan::can_duoc_2024() }), issuers: None })
    }

    /// The same use cases with the deployment's own letterheads: every report takes the one in
    /// force on its date (and a report dated when none is in force is refused).
    pub fn with_issuers(mut self, issuers: Issuers) -> App {
        self.issuers = Some(Arc::new(issuers));
        self
    }

    /// Reads a deployment's letterheads from a TOML file (the shape of
    /// `crates/xhht-core/data/issuers/can-duoc.toml`; `docs/report-schema.md` says how).
    pub fn issuers_from_file(path: &std::path::Path) -> Result<Issuers> {
        let text =
            std::fs::read_to_string(path).map_err(|source| Error::Io { path: path.display().to_string(), source })?;
        Ok(Issuers::from_toml(&text, &path.display().to_string())?)
    }

    /// The deployment's letterheads, when it set its own.
    pub fn issuers(&self) -> Option<&Issuers> {
        self.issuers.as_deref()
    }

    /// The store (records, imports, audit, backups).
    pub fn store(&self) -> &Store {
        &self.inner.store
    }

    /// The rule engines of the embedded rulebooks.
    pub fn engines(&self) -> &YearEngines {
        &self.inner.engines
    }

    /// The plan.
    pub fn plan(&self) -> &'static Plan {
        self.inner.plan
    }

    /// Closes the database connections (pending writes are committed already).
    pub async fn close(self) {
        if let Ok(inner) = Arc::try_unwrap(self.inner) {
            inner.store.close().await;
        }
    }
}
