//! Caches: loaded years, their evaluation, built reports and their rendered bytes, and
//! authenticated credentials — the server's in-memory layer on top of `xhht-app`'s calls (the
//! application's own cache policy, year digests kept in the store, applies under it).
//!
//! Everything derived from the records is keyed by the **data version** — the last audit entry's
//! number (every write through the store appends one) — read
//! from the database at most once per [`crate::Config::data_version_interval`] and at once after
//! a write through this process. With several processes, another process's write is seen within
//! that interval. When the version moves on, entries of older versions are dropped.
//!
//! Every cache is an `Lru` bounded by entries and by bytes ([`crate::CacheLimits`]): what is
//! kept does not grow with the requests (450 reports with distinct as-of days once took the
//! server from 187 MB to 758 MB). Rendered bytes weigh exactly their length; a report weighs its
//! JSON size; loaded and evaluated years weigh an estimate (module `weigh`).

use std::collections::HashSet;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Instant;

use axum::body::Bytes;
use xhht_app::io::YearData;
use xhht_report::model::Report;
use xhht_scoring::year::YearResults;

use crate::auth::AuthUser;
pub use crate::lru::CacheUsage;
use crate::lru::Lru;
use crate::state::{AppState, CacheLimits};

mod reports;
mod weigh;

use reports::RenderKey;
pub(crate) use reports::{Format, ReportKey};

#[derive(Debug, Default)]
struct VersionState {
    value: i64,
    read_at: Option<Instant>,
}

/// The caches (see the module documentation).
pub(crate) struct Cache {
    version: Mutex<VersionState>,
    refreshing: AtomicBool,
    years: Mutex<Lru<i32, (i64, Arc<YearData>)>>,
    results: Mutex<Lru<i32, (i64, Arc<YearResults>)>>,
    reports: Mutex<Lru<ReportKey, Arc<Report>>>,
    /// The newest report built for each key without its version: (version, report).
    latest: Mutex<Lru<ReportKey, (i64, Arc<Report>)>>,
    /// Reports being rebuilt in the background (at most as many as `latest` holds entries).
    rebuilding: Mutex<HashSet<ReportKey>>,
    rendered: Mutex<Lru<RenderKey, Bytes>>,
    auth: Mutex<Lru<String, (Instant, Option<AuthUser>)>>,
    build: tokio::sync::Mutex<()>,
    render: tokio::sync::Mutex<()>,
}

impl Cache {
    pub(crate) fn new(limits: &CacheLimits) -> Self {
        Self {
            version: Mutex::default(),
            refreshing: AtomicBool::new(false),
            years: Mutex::new(Lru::new(limits.years)),
            results: Mutex::new(Lru::new(limits.results)),
            reports: Mutex::new(Lru::new(limits.reports)),
            latest: Mutex::new(Lru::new(limits.latest)),
            rebuilding: Mutex::default(),
            rendered: Mutex::new(Lru::new(limits.rendered)),
            auth: Mutex::new(Lru::new(limits.auth)),
            build: tokio::sync::Mutex::new(()),
            render: tokio::sync::Mutex::new(()),
        }
    }
}

/// How full each cache is (see [`crate::CacheLimits`]).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CacheStats {
    /// Built report models.
    pub reports: CacheUsage,
    /// The newest report of each key whatever its version.
    pub latest: CacheUsage,
    /// Rendered reports and sections.
    pub rendered: CacheUsage,
    /// Loaded data years.
    pub years: CacheUsage,
    /// Evaluated data years.
    pub results: CacheUsage,
    /// Authenticated credentials.
    pub auth: CacheUsage,
}

fn lock<T>(m: &Mutex<T>) -> std::sync::MutexGuard<'_, T> {
    m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
}

impl AppState {
    /// How full each cache is now (entries and bytes as weighed; see [`crate::CacheLimits`]).
    pub fn cache_stats(&self) -> CacheStats {
        let c = self.cache();
        CacheStats {
            reports: lock(&c.reports).usage(),
            latest: lock(&c.latest).usage(),
            rendered: lock(&c.rendered).usage(),
            years: lock(&c.years).usage(),
            results: lock(&c.results).usage(),
            auth: lock(&c.auth).usage(),
        }
    }

    /// The data version (see the module documentation).
    pub(crate) async fn data_version(&self) -> xhht_app::Result<i64> {
        let cache = self.cache();
        let interval = self.config().data_version_interval;
        let (value, fresh) = {
            let v = lock(&cache.version);
            (v.value, v.read_at.is_some_and(|at| at.elapsed() < interval))
        };
        if fresh {
            return Ok(value);
        }
        // One request refreshes; the others keep using the value they have, unless it was
        // invalidated by a write (then everyone reads).
        let invalidated = lock(&cache.version).read_at.is_none();
        if !invalidated && cache.refreshing.swap(true, Ordering::AcqRel) {
            return Ok(value);
        }
        let read = self.store().data_version().await;
        cache.refreshing.store(false, Ordering::Release);
        let v = read?;
        let mut st = lock(&cache.version);
        st.value = v;
        st.read_at = Some(Instant::now());
        Ok(v)
    }

    /// Forgets the data version after a write, so the next read sees it.
    pub(crate) fn invalidate(&self) {
        lock(&self.cache().version).read_at = None;
    }

    /// One data year's records, loaded once per data version.
    pub(crate) async fn year_data(&self, year: i32) -> xhht_app::Result<Arc<YearData>> {
        let version = self.data_version().await?;
        if let Some((v, d)) = lock(&self.cache().years).get(&year)
            && v == version
        {
            return Ok(d);
        }
        let data = Arc::new(self.store().load_year(year).await?);
        let bytes = weigh::year_data(&data);
        let mut years = lock(&self.cache().years);
        years.retain(|_, (v, _)| *v == version);
        years.insert(year, (version, data.clone()), bytes);
        Ok(data)
    }

    /// One data year's evaluation ([`xhht_app::App::evaluate_loaded`]), once per data version.
    pub(crate) async fn year_results(&self, year: i32) -> xhht_app::Result<(Arc<YearData>, Arc<YearResults>)> {
        let version = self.data_version().await?;
        let data = self.year_data(year).await?;
        if let Some((v, r)) = lock(&self.cache().results).get(&year)
            && v == version
        {
            return Ok((data, r));
        }
        let results = Arc::new(self.app().evaluate_loaded(year, data.clone()).await?);
        let bytes = weigh::year_results(&results);
        let mut map = lock(&self.cache().results);
        map.retain(|_, (v, _)| *v == version);
        map.insert(year, (version, results.clone()), bytes);
        Ok((data, results))
    }

    /// A cached authentication answer for a credential hash, if still fresh.
    pub(crate) fn cached_auth(&self, credential: &str) -> Option<Option<AuthUser>> {
        let ttl = self.config().auth_cache_ttl;
        if ttl.is_zero() {
            return None;
        }
        let key = credential.to_owned();
        let mut map = lock(&self.cache().auth);
        match map.get(&key) {
            Some((at, user)) if at.elapsed() < ttl => Some(user),
            Some(_) => {
                map.remove(&key);
                None
            }
            None => None,
        }
    }

    /// Remembers an authentication answer.
    pub(crate) fn remember_auth(&self, credential: String, user: Option<AuthUser>) {
        let ttl = self.config().auth_cache_ttl;
        if ttl.is_zero() {
            return;
        }
        let bytes = weigh::auth(&credential, user.as_ref());
        lock(&self.cache().auth).insert(credential, (Instant::now(), user), bytes);
    }

    /// Forgets every cached credential (an account disabled, a password changed, a token
    /// revoked: on this instance at once, on others within the cache's time to live).
    pub(crate) fn forget_credentials(&self) {
        lock(&self.cache().auth).retain(|_, _| false);
    }

    /// Forgets a cached credential (logout).
    pub(crate) fn forget_auth(&self, credential: &str) {
        lock(&self.cache().auth).remove(&credential.to_owned());
    }
}

/// The server's years as the application's [`xhht_app::years::YearSource`]: what a report or a
/// digest loads comes from (and stays in) the caches above.
pub(crate) struct Cached<'a>(pub(crate) &'a AppState);

impl xhht_app::years::YearSource for Cached<'_> {
    async fn year(&self, year: i32) -> xhht_app::Result<(Arc<YearData>, Arc<YearResults>)> {
        self.0.year_results(year).await
    }
}
