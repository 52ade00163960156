//! Caches: loaded years, their evaluation, built reports and their rendered bytes, and
//! authenticated credentials.
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
use chrono::NaiveDate;
use xhht_core::Lang;
use xhht_core::plan::{Plan, ReviewKind};
use xhht_report::build::{Options, Records, build};
use xhht_report::doc::document;
use xhht_report::model::{Report, ReportKind, Scope};
use xhht_report::render::{csv, docx, html, markdown, xlsx};
use xhht_scoring::year::{YearResults, evaluate_year};
use xhht_store::YearData;

use crate::auth::AuthUser;
use crate::error::ApiError;
pub use crate::lru::CacheUsage;
use crate::lru::Lru;
use crate::state::{AppState, CacheLimits};

#[derive(Debug, Default)]
struct VersionState {
    value: i64,
    read_at: Option<Instant>,
}

/// Which report.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ReportKey {
    pub(crate) version: i64,
    pub(crate) kind: KindKey,
    pub(crate) year: i32,
    pub(crate) as_of: NaiveDate,
    pub(crate) scope: String,
    /// Whether names of people are kept (false: redacted).
    pub(crate) personal: bool,
}

/// The report kinds, hashable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum KindKey {
    Annual,
    Phase1,
    Phase2,
}

/// What a report is rendered as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Format {
    Md,
    Html,
    Json,
    Csv,
    Xlsx,
    Docx,
    /// The targets section as JSON (the progress endpoint).
    Progress,
    /// The deadline section as JSON.
    Deadlines,
    /// The rewards section as JSON.
    Rewards,
}

impl Format {
    pub(crate) fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "md" | "markdown" => Self::Md,
            "html" => Self::Html,
            "json" => Self::Json,
            "csv" => Self::Csv,
            "xlsx" => Self::Xlsx,
            "docx" => Self::Docx,
            _ => return None,
        })
    }

    pub(crate) fn from_mime(m: &str) -> Option<Format> {
        Some(match m {
            "text/markdown" => Self::Md,
            "text/html" => Self::Html,
            "application/json" => Self::Json,
            "text/csv" => Self::Csv,
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet" => Self::Xlsx,
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document" => Self::Docx,
            _ => return None,
        })
    }

    pub(crate) fn mime(self) -> &'static str {
        match self {
            Self::Md => "text/markdown; charset=utf-8",
            Self::Html => "text/html; charset=utf-8",
            Self::Json | Self::Progress | Self::Deadlines | Self::Rewards => "application/json",
            Self::Csv => "text/csv; charset=utf-8",
            Self::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Self::Docx => "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
        }
    }

    pub(crate) fn ext(self) -> &'static str {
        match self {
            Self::Md => "md",
            Self::Html => "html",
            Self::Csv => "csv",
            Self::Xlsx => "xlsx",
            Self::Docx => "docx",
            Self::Json | Self::Progress | Self::Deadlines | Self::Rewards => "json",
        }
    }
}

type RenderKey = (ReportKey, Format, Lang, Option<String>);

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

/// Parses `district`, `commune:CODE` (or `area:CODE`), `org:CODE` or `actor:ID`.
pub(crate) fn parse_scope(s: &str) -> Option<Scope> {
    Some(match s.split_once(':') {
        None if s == "district" => Scope::District,
        Some(("commune" | "area", code)) if !code.is_empty() => Scope::Area { code: code.to_owned() },
        Some(("org" | "organisation", code)) if !code.is_empty() => Scope::Organisation { code: code.to_owned() },
        Some(("actor", id)) if !id.is_empty() => {
            Scope::Actor { id: if id.starts_with("actor.") { id.to_owned() } else { format!("actor.{id}") } }
        }
        _ => return None,
    })
}

/// A scope as one string, the same for every way of writing it (`area:` or `commune:`,
/// `actor:x` or `actor:actor.x`): what report keys hold.
pub(crate) fn scope_key(scope: &Scope) -> String {
    match scope {
        Scope::District => "district".to_owned(),
        Scope::Area { code } => format!("commune:{code}"),
        Scope::Organisation { code } => format!("org:{code}"),
        Scope::Actor { id } => format!("actor:{id}"),
    }
}

/// The key without its version.
fn shape(k: &ReportKey) -> ReportKey {
    ReportKey { version: 0, ..k.clone() }
}

/// Replaces people's names in a report by `***`.
pub(crate) fn redact(report: &mut Report) {
    for u in &mut report.criteria.unmet {
        if u.subject == "person" {
            "***".clone_into(&mut u.name);
        }
    }
    for r in &mut report.rewards.eligible {
        if r.subject == "person" {
            "***".clone_into(&mut r.name);
        }
    }
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
    pub(crate) async fn data_version(&self) -> Result<i64, ApiError> {
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
        let v = read.map_err(|e| ApiError::internal("data version", e))?;
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
    pub(crate) async fn year_data(&self, year: i32) -> Result<Arc<YearData>, ApiError> {
        let version = self.data_version().await?;
        if let Some((v, d)) = lock(&self.cache().years).get(&year)
            && v == version
        {
            return Ok(d);
        }
        let data = Arc::new(self.store().load_year(year).await.map_err(ApiError::from)?);
        let bytes = weigh::year_data(&data);
        let mut years = lock(&self.cache().years);
        years.retain(|_, (v, _)| *v == version);
        years.insert(year, (version, data.clone()), bytes);
        Ok(data)
    }

    /// One data year's evaluation, once per data version.
    pub(crate) async fn year_results(&self, year: i32) -> Result<(Arc<YearData>, Arc<YearResults>), ApiError> {
        let version = self.data_version().await?;
        let data = self.year_data(year).await?;
        if let Some((v, r)) = lock(&self.cache().results).get(&year)
            && v == version
        {
            return Ok((data, r));
        }
        let state = self.clone();
        let d = data.clone();
        let results = tokio::task::spawn_blocking(move || evaluate_year(state.engines(), d.input()))
            .await
            .map_err(|e| ApiError::internal("evaluation task", e))?
            .map_err(|e| {
                ApiError::Conflict(format!("the records of {year} cannot be evaluated until they are corrected: {e}"))
            })?;
        let results = Arc::new(results);
        let bytes = weigh::year_results(&results);
        let mut map = lock(&self.cache().results);
        map.retain(|_, (v, _)| *v == version);
        map.insert(year, (version, results.clone()), bytes);
        Ok((data, results))
    }

    /// The report for `key`, built once per key.
    pub(crate) async fn report(&self, key: &ReportKey) -> Result<Arc<Report>, ApiError> {
        if let Some(r) = lock(&self.cache().reports).get(key) {
            return Ok(r);
        }
        let report = if key.personal {
            let _building = self.cache().build.lock().await;
            if let Some(r) = lock(&self.cache().reports).get(key) {
                return Ok(r);
            }
            Arc::new(self.build_report(key).await?)
        } else {
            let full = Box::pin(self.report(&ReportKey { personal: true, ..key.clone() })).await?;
            let mut r = (*full).clone();
            redact(&mut r);
            Arc::new(r)
        };
        let bytes = weigh::report(key, &report);
        let mut map = lock(&self.cache().reports);
        // Reports of older versions are never asked for again (a stale one is served from
        // `latest`).
        map.retain(|k, _| k.version >= key.version);
        map.insert(key.clone(), report.clone(), bytes);
        drop(map);
        let mut latest = lock(&self.cache().latest);
        let shape = shape(key);
        if latest.get(&shape).is_none_or(|(v, _)| v <= key.version) {
            latest.insert(shape, (key.version, report.clone()), bytes);
        }
        Ok(report)
    }

    /// The report for `key`, or — when [`crate::Config::stale_reports`] is on and only an older
    /// version is built — that older one while the new one is built in the background. Returns
    /// the version of the report given.
    pub(crate) async fn report_or_stale(&self, key: &ReportKey) -> Result<(i64, Arc<Report>), ApiError> {
        if let Some(r) = lock(&self.cache().reports).get(key) {
            return Ok((key.version, r));
        }
        if self.config().stale_reports {
            let stale = lock(&self.cache().latest).get(&shape(key)).filter(|(v, _)| *v < key.version);
            if let Some((v, r)) = stale {
                // At most one rebuild per entry `latest` may hold; past that, the stale report
                // is served and a later request starts the rebuild.
                let room = self.config().cache.latest.entries;
                let start = {
                    let mut rebuilding = lock(&self.cache().rebuilding);
                    rebuilding.len() < room && rebuilding.insert(key.clone())
                };
                if start {
                    let state = self.clone();
                    let key = key.clone();
                    tokio::spawn(async move {
                        if let Err(e) = state.report(&key).await {
                            tracing::warn!(error = ?e, "rebuilding a report failed");
                        }
                        lock(&state.cache().rebuilding).remove(&key);
                    });
                }
                return Ok((v, r));
            }
        }
        Ok((key.version, self.report(key).await?))
    }

    async fn build_report(&self, key: &ReportKey) -> Result<Report, ApiError> {
        let plan = Plan::can_duoc_2024();
        let first = plan.meta.years.first().copied().unwrap_or(2023);
        let (kind, year) = match key.kind {
            KindKey::Annual => (ReportKind::Annual, key.year),
            KindKey::Phase1 | KindKey::Phase2 => {
                let n = if key.kind == KindKey::Phase1 { 0 } else { 1 };
                let phase = plan.phases.get(n).ok_or_else(|| ApiError::NotFound("no such phase".to_owned()))?;
                let kind = if phase.review == ReviewKind::Final {
                    ReportKind::PhaseFinal
                } else {
                    ReportKind::PhasePreliminary
                };
                (kind, phase.review_year)
            }
        };
        if year < first {
            return Err(ApiError::invalid("year", format!("the plan's data years start in {first}")));
        }
        let scope = parse_scope(&key.scope).ok_or_else(|| ApiError::invalid("scope", "unknown scope"))?;
        let mut results = Vec::new();
        let mut submissions = Vec::new();
        let mut duty_reports = Vec::new();
        let mut reward_proposals = Vec::new();
        let mut last = None;
        for y in first..=year {
            let (data, r) = self.year_results(y).await?;
            submissions.extend(data.report_submissions.iter().cloned());
            duty_reports.extend(data.duty_reports.iter().cloned());
            reward_proposals.extend(data.reward_proposals.iter().cloned());
            results.push((*r).clone());
            last = Some(data);
        }
        let last = last.ok_or_else(|| ApiError::invalid("year", "no data year"))?;
        let state = self.clone();
        let as_of = key.as_of;
        tokio::task::spawn_blocking(move || {
            let records = Records {
                areas: &last.areas,
                successions: &last.successions,
                organisations: &last.organisations,
                people: &last.people,
                recognitions: &last.recognitions,
                submissions: &submissions,
                duty_reports: &duty_reports,
                reward_proposals: &reward_proposals,
            };
            build(&records, &results, state.engines(), plan, &Options { kind, year, as_of, scope, notice: None })
        })
        .await
        .map_err(|e| ApiError::internal("report task", e))?
        .map_err(report_error)
    }

    /// The report for `key` rendered as `format` in `lang` (`table`: one CSV table by name),
    /// once per key.
    pub(crate) async fn rendered(
        &self,
        key: &ReportKey,
        format: Format,
        lang: Lang,
        table: Option<String>,
    ) -> Result<Bytes, ApiError> {
        let rk: RenderKey = (key.clone(), format, lang, table.clone());
        if let Some(b) = lock(&self.cache().rendered).get(&rk) {
            return Ok(b);
        }
        let (version, report) = self.report_or_stale(key).await?;
        let rk: RenderKey = (ReportKey { version, ..key.clone() }, format, lang, table.clone());
        if let Some(b) = lock(&self.cache().rendered).get(&rk) {
            return Ok(b);
        }
        // One rendering at a time: concurrent first requests wait for it instead of each
        // rendering the same bytes.
        let _rendering = self.cache().render.lock().await;
        if let Some(b) = lock(&self.cache().rendered).get(&rk) {
            return Ok(b);
        }
        let bytes = tokio::task::spawn_blocking(move || render(&report, format, lang, table.as_deref()))
            .await
            .map_err(|e| ApiError::internal("render task", e))??;
        let weight = weigh::rendered(&rk, &bytes);
        lock(&self.cache().rendered).insert(rk, bytes.clone(), weight);
        Ok(bytes)
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

    /// Forgets a cached credential (logout).
    pub(crate) fn forget_auth(&self, credential: &str) {
        lock(&self.cache().auth).remove(&credential.to_owned());
    }
}

/// A report builder's error as an answer: an unknown scope is 404, the rest internal.
pub(crate) fn report_error(e: xhht_report::Error) -> ApiError {
    match e {
        e @ xhht_report::Error::UnknownScope { .. } => ApiError::NotFound(e.to_string()),
        other => ApiError::internal("report", other),
    }
}

fn render(report: &Report, format: Format, lang: Lang, table: Option<&str>) -> Result<Bytes, ApiError> {
    let json = |v: &dyn erased::Json| v.to_bytes();
    Ok(match format {
        // The report model as JSON, compact (the same document `xhht_report::render_json`
        // pretty-prints; half the bytes).
        Format::Json => json(report)?,
        Format::Progress => json(&report.targets)?,
        Format::Deadlines => json(&report.deadlines)?,
        Format::Rewards => json(&report.rewards)?,
        Format::Md => Bytes::from(markdown::render(&document(report, lang))),
        Format::Html => Bytes::from(html::render(&document(report, lang))),
        Format::Xlsx => {
            Bytes::from(xlsx::render(&document(report, lang)).map_err(|e| ApiError::internal("render", e))?)
        }
        Format::Docx => {
            Bytes::from(docx::render(&document(report, lang)).map_err(|e| ApiError::internal("render", e))?)
        }
        Format::Csv => {
            let tables = csv::render(&document(report, lang)).map_err(|e| ApiError::internal("render", e))?;
            match table {
                Some(name) => {
                    let (_, text) = tables
                        .into_iter()
                        .find(|(n, _)| n == name)
                        .ok_or_else(|| ApiError::NotFound(format!("no table `{name}` in this report")))?;
                    Bytes::from(text)
                }
                None => {
                    let mut out = String::new();
                    for (name, text) in tables {
                        out.push_str(&format!("# {name}\n{text}\n"));
                    }
                    Bytes::from(out)
                }
            }
        }
    })
}

/// Serialising a section of the report.
mod erased {
    use axum::body::Bytes;

    use crate::error::ApiError;

    pub(super) trait Json {
        fn to_bytes(&self) -> Result<Bytes, ApiError>;
    }

    impl<T: serde::Serialize> Json for T {
        fn to_bytes(&self) -> Result<Bytes, ApiError> {
            serde_json::to_vec(self).map(Bytes::from).map_err(|e| ApiError::internal("serialise", e))
        }
    }
}

/// What the cached values weigh, in bytes: exact for rendered bytes, the JSON size for a
/// report, estimates for loaded and evaluated years (cheap: a sample, or the strings' lengths).
mod weigh {
    use std::io::Write;

    use axum::body::Bytes;
    use serde::Serialize;
    use xhht_report::model::Report;
    use xhht_scoring::year::{Unmet, YearResults};
    use xhht_scoring::{EntityDiagnostic, Evaluation};
    use xhht_store::YearData;

    use super::{RenderKey, ReportKey};
    use crate::auth::AuthUser;

    /// What a map entry costs besides its value (the key, the hash slot, the order).
    const ENTRY: usize = 128;
    /// How many values of a list are serialised to estimate the list's weight.
    const SAMPLE: usize = 32;

    /// Counts the bytes written to it.
    struct Counter(usize);

    impl Write for Counter {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 = self.0.saturating_add(buf.len());
            Ok(buf.len())
        }

        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }

    /// The length of `v` as JSON, without keeping the JSON.
    fn json_len<T: Serialize + ?Sized>(v: &T) -> usize {
        let mut c = Counter(0);
        // Serialising the cached types cannot fail (no map with non-string keys); a failure
        // would only under-weigh an entry.
        let _ = serde_json::to_writer(&mut c, v);
        c.0
    }

    /// A list's weight: its values' inline size, and the JSON size of up to [`SAMPLE`] values
    /// spread over it, scaled to its length.
    fn sampled<T: Serialize>(v: &[T]) -> usize {
        if v.is_empty() {
            return 0;
        }
        let step = (v.len() / SAMPLE).max(1);
        let (n, bytes) =
            v.iter().step_by(step).take(SAMPLE).fold((0usize, 0usize), |(n, b), x| (n + 1, b + json_len(x)));
        let per_value = bytes / n.max(1);
        v.len().saturating_mul(size_of::<T>().saturating_add(per_value))
    }

    pub(super) fn year_data(d: &YearData) -> usize {
        [
            sampled(&d.organisations),
            sampled(&d.people),
            sampled(&d.memberships),
            sampled(&d.registrations),
            sampled(&d.commitments),
            sampled(&d.self_study_plans),
            sampled(&d.assessments),
            sampled(&d.recognitions),
            sampled(&d.areas),
            sampled(&d.successions),
            sampled(&d.report_submissions),
            sampled(&d.reward_proposals),
            sampled(&d.duty_reports),
        ]
        .iter()
        .fold(ENTRY + size_of::<YearData>(), |a, b| a.saturating_add(*b))
    }

    fn evaluation(e: &Evaluation) -> usize {
        // A diagnostic holds an indicator id and a sentence or two.
        e.diagnostics.len() * (size_of::<EntityDiagnostic>() + 96)
    }

    fn unmet(u: &[Unmet]) -> usize {
        u.iter()
            .map(|u| {
                size_of::<Unmet>()
                    + u.indicator.len()
                    + u.reason.as_ref().map_or(0, |r| size_of_val(r) + r.vi.len() + r.en.len())
            })
            .sum()
    }

    pub(super) fn year_results(r: &YearResults) -> usize {
        let people: usize = r
            .people
            .iter()
            .map(|p| {
                size_of_val(p)
                    + p.id.len()
                    + p.organisation.as_ref().map_or(0, String::len)
                    + p.citizen.as_ref().map_or(0, evaluation)
                    + evaluation(&p.criteria)
                    + unmet(&p.criteria_unmet)
            })
            .sum();
        let organisations: usize = r
            .organisations
            .iter()
            .map(|o| {
                size_of_val(o)
                    + o.code.len()
                    + o.unit_rulebook.as_ref().map_or(0, String::len)
                    + o.title_decision.as_ref().map_or(0, String::len)
                    + o.unit.as_ref().map_or(0, evaluation)
                    + evaluation(&o.criteria)
                    + unmet(&o.criteria_unmet)
            })
            .sum();
        ENTRY + size_of::<YearResults>() + people + organisations
    }

    pub(super) fn report(key: &ReportKey, r: &Report) -> usize {
        ENTRY + size_of::<ReportKey>() + key.scope.len() + size_of::<Report>() + json_len(r)
    }

    pub(super) fn rendered(key: &RenderKey, b: &Bytes) -> usize {
        ENTRY + size_of::<RenderKey>() + key.0.scope.len() + key.3.as_ref().map_or(0, String::len) + b.len()
    }

    pub(super) fn auth(credential: &str, user: Option<&AuthUser>) -> usize {
        let user = user.map_or(0, |u| {
            u.principal.user.len()
                + u.principal.organisation.as_ref().map_or(0, String::len)
                + u.person.as_ref().map_or(0, String::len)
        });
        ENTRY + credential.len() + size_of::<Option<AuthUser>>() + user
    }
}
