//! [`AppState`]: the one context every handler shares — the use cases ([`xhht_app::App`]: the
//! store and the rule engines), the caches and the configuration. It holds no data of its own
//! besides caches: users, tokens and sessions are in the store's tables.

use std::num::NonZeroU32;
use std::sync::Arc;
use std::time::Duration;

use chrono::NaiveDate;
use governor::{DefaultKeyedRateLimiter, Quota, RateLimiter};

use crate::cache::Cache;
use crate::error::{Error, Result};
use crate::http::ReadLimiter;

/// A rate limit: a steady rate and a burst, per client address.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLimit {
    /// Requests replenished per minute.
    pub per_minute: u32,
    /// Requests allowed at once.
    pub burst: u32,
}

/// How much one cache may hold: at most `entries` entries and `bytes` bytes (each entry weighed
/// when it is stored); past either, the least recently used entries are dropped first. An entry
/// heavier than `bytes` on its own is served but not kept.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheBound {
    /// The most entries kept.
    pub entries: usize,
    /// The most bytes kept (as weighed: see [`CacheLimits`]).
    pub bytes: usize,
}

impl CacheBound {
    /// `entries` entries and `mib` MiB.
    pub const fn new(entries: usize, mib: usize) -> Self {
        Self { entries, bytes: mib << 20 }
    }
}

/// The bounds of the server's caches ([`crate::cache`]; `docs/server.md`, "Caching").
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CacheLimits {
    /// Built report models, by (data version, kind, year, as-of day, scope, names kept);
    /// weighed by their JSON size.
    pub reports: CacheBound,
    /// The newest report of each key whatever its data version (served while a newer one is
    /// built, see [`Config::stale_reports`]); the same reports as `reports`, weighed alike.
    pub latest: CacheBound,
    /// Renderings of the reports (formats, languages, CSV tables) and the progress, deadline and
    /// rewards sections as JSON; weighed exactly (their bytes).
    pub rendered: CacheBound,
    /// Loaded data years; weighed by an estimate (the inline size of every record and the JSON
    /// size of a sample of each kind).
    pub years: CacheBound,
    /// Evaluated data years; weighed by an estimate (the size of each result and its strings).
    pub results: CacheBound,
    /// Authenticated credentials (for [`Config::auth_cache_ttl`]), wrong ones included.
    pub auth: CacheBound,
}

impl Default for CacheLimits {
    fn default() -> Self {
        Self {
            reports: CacheBound::new(64, 128),
            latest: CacheBound::new(64, 128),
            rendered: CacheBound::new(256, 128),
            years: CacheBound::new(16, 1024),
            results: CacheBound::new(16, 1024),
            auth: CacheBound::new(4096, 4),
        }
    }
}

/// How the server runs.
#[derive(Debug, Clone)]
pub struct Config {
    /// The database: a path, `sqlite:` URL or `postgres://` URL.
    pub db: String,
    /// A TOML file of the deployment's letterheads (who issues the reports, day by day);
    /// `None` uses the plan's embedded defaults.
    pub issuers: Option<std::path::PathBuf>,
    /// A fixed "today" (tests, demonstrations); `None` reads the clock.
    pub today: Option<NaiveDate>,
    /// How long the data version read from the database is trusted before it is read again
    /// (with several processes, another one's writes are seen after at most this long).
    pub data_version_interval: Duration,
    /// How long an authenticated token or session is trusted before it is checked again (a
    /// revoked token or ended session stops working after at most this long; 0 checks every
    /// request).
    pub auth_cache_ttl: Duration,
    /// How long a dashboard session lasts.
    pub session_ttl: Duration,
    /// Mark the session cookie `Secure` (set when served behind TLS).
    pub secure_cookies: bool,
    /// Rate limit on login and on every write, per client address; `None` for none.
    pub rate_limit: Option<RateLimit>,
    /// Rate limit on the reads that build or render (reports, progress, deadlines, reward
    /// eligibility, explanations, results, the dashboard's overview, organisation and entity
    /// pages), per client address, apart from `rate_limit`; `None` for none.
    pub read_rate_limit: Option<RateLimit>,
    /// Login attempts per account name, whatever the address (on whenever `rate_limit` is).
    pub login_rate_limit: RateLimit,
    /// The bounds of the caches.
    pub cache: CacheLimits,
    /// The longest a request may take.
    pub request_timeout: Duration,
    /// The largest JSON body accepted.
    pub body_limit: usize,
    /// The largest import file accepted.
    pub upload_limit: usize,
    /// Origins allowed by CORS; empty (the default) turns CORS off.
    pub cors_origins: Vec<String>,
    /// Log in JSON (one object per line) instead of text.
    pub json_logs: bool,
    /// After the data changed, answer report requests with the previous report while the new
    /// one is built in the background (no request waits for a rebuild; figures follow a write
    /// within the rebuild time). Off: the first request after a write waits for the rebuild.
    pub stale_reports: bool,
}

impl Config {
    /// The defaults for `db`.
    pub fn new(db: impl Into<String>) -> Self {
        Self {
            db: db.into(),
            issuers: None,
            today: None,
            data_version_interval: Duration::from_millis(500),
            auth_cache_ttl: Duration::from_secs(5),
            session_ttl: Duration::from_secs(12 * 3600),
            secure_cookies: false,
            rate_limit: Some(RateLimit { per_minute: 300, burst: 20 }),
            read_rate_limit: Some(RateLimit { per_minute: 240, burst: 20 }),
            login_rate_limit: LOGINS_PER_ACCOUNT,
            cache: CacheLimits::default(),
            request_timeout: Duration::from_secs(60),
            body_limit: 1 << 20,
            upload_limit: 20 << 20,
            cors_origins: Vec::new(),
            json_logs: false,
            stale_reports: true,
        }
    }
}

pub(crate) struct Inner {
    pub(crate) app: xhht_app::App,
    pub(crate) config: Config,
    pub(crate) cache: Cache,
    pub(crate) limiter: Option<DefaultKeyedRateLimiter<std::net::IpAddr>>,
    /// The limiter of the reads that build or render, given to their routes.
    pub(crate) reads: ReadLimiter,
    /// Login attempts per client address, apart from the writes' quota (an office behind one
    /// address does not lock itself out by working).
    pub(crate) logins_by_address: Option<DefaultKeyedRateLimiter<std::net::IpAddr>>,
    /// Login attempts per account name, whatever the address (guessing one account's password
    /// from many addresses).
    pub(crate) logins_by_account: Option<DefaultKeyedRateLimiter<String>>,
}

/// Login attempts per account by default: 10 a minute, 10 at once. Per address: 120 a minute,
/// 60 at once.
pub const LOGINS_PER_ACCOUNT: RateLimit = RateLimit { per_minute: 10, burst: 10 };
/// See [`LOGINS_PER_ACCOUNT`].
pub(crate) const LOGINS_PER_ADDRESS: RateLimit = RateLimit { per_minute: 120, burst: 60 };

fn keyed<K: std::hash::Hash + Eq + Clone>(r: RateLimit) -> DefaultKeyedRateLimiter<K> {
    let per = NonZeroU32::new(r.per_minute).unwrap_or(NonZeroU32::MIN);
    let burst = NonZeroU32::new(r.burst).unwrap_or(NonZeroU32::MIN);
    RateLimiter::keyed(Quota::per_minute(per).allow_burst(burst))
}

/// The shared state of the server. Cheap to clone.
#[derive(Clone)]
pub struct AppState {
    pub(crate) inner: Arc<Inner>,
}

impl std::fmt::Debug for AppState {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("AppState").field("db", &"…").finish_non_exhaustive()
    }
}

impl AppState {
    /// Opens the database through the use cases (migrating the store's schema) and builds the
    /// rule engines.
    pub async fn new(config: Config) -> Result<AppState> {
        let mut app = xhht_app::App::open(&config.db).await.map_err(|e| Error::Evaluation(e.to_string()))?;
        if let Some(path) = &config.issuers {
            let issuers = xhht_app::App::issuers_from_file(path).map_err(|e| Error::Evaluation(e.to_string()))?;
            app = app.with_issuers(issuers);
        }
        let limiter = config.rate_limit.map(keyed);
        let reads = config.read_rate_limit.map(|r| Arc::new(keyed(r)));
        let cache = Cache::new(&config.cache);
        // The login limits go with the write limit (off when it is off, as in tests).
        let logins_by_address = config.rate_limit.map(|_| keyed(LOGINS_PER_ADDRESS));
        let logins_by_account = config.rate_limit.map(|_| keyed(config.login_rate_limit));
        Ok(AppState {
            inner: Arc::new(Inner { app, config, cache, limiter, reads, logins_by_address, logins_by_account }),
        })
    }

    /// The database's imports, the audit check and plain reads ([`xhht_app::App::db`]).
    pub fn store(&self) -> xhht_app::io::Db<'_> {
        self.inner.app.db()
    }

    /// The use cases.
    pub fn app(&self) -> &xhht_app::App {
        &self.inner.app
    }

    /// The configuration.
    pub fn config(&self) -> &Config {
        &self.inner.config
    }

    pub(crate) fn cache(&self) -> &Cache {
        &self.inner.cache
    }

    /// "Today": the configured day, or the clock's.
    pub fn today(&self) -> NaiveDate {
        self.inner.config.today.unwrap_or_else(|| chrono::Local::now().date_naive())
    }

    /// Closes the database connections (once the last handle on the use cases goes).
    pub async fn close(&self) {
        self.inner.app.clone().close().await;
    }
}
