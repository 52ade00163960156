//! Reports: built by [`xhht_app::App::report_with`] (the years it loads from the server's
//! caches), kept by key, served stale while rebuilt when configured, and rendered once per
//! format, language and table.

use std::sync::Arc;

use axum::body::Bytes;
use chrono::NaiveDate;
use xhht_app::reports::{Which, redact};
use xhht_core::Lang;
use xhht_report::model::Report;

use super::{Cached, lock, weigh};
use crate::error::ApiError;
use crate::state::AppState;

/// Which report.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub(crate) struct ReportKey {
    pub(crate) version: i64,
    pub(crate) which: Which,
    /// The report's data year (a phase review's last year).
    pub(crate) year: i32,
    pub(crate) as_of: NaiveDate,
    /// The scope as one string (`xhht_app::reports::scope_key`).
    pub(crate) scope: String,
    /// Whether names of people are kept (false: redacted).
    pub(crate) personal: bool,
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

pub(crate) type RenderKey = (ReportKey, Format, Lang, Option<String>);

/// The key without its version.
fn shape(k: &ReportKey) -> ReportKey {
    ReportKey { version: 0, ..k.clone() }
}

impl AppState {
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
            let scope = xhht_app::reports::parse_scope(&key.scope)?;
            let opts = self.app().report_options(key.which, key.as_of, scope)?;
            Arc::new(self.app().report_with(&opts, &Cached(self)).await?)
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
}

/// The JSON of a report or one of its sections, compact (the same document
/// `xhht_report::render_json` pretty-prints; half the bytes).
fn json<T: serde::Serialize>(v: &T) -> Result<Bytes, ApiError> {
    serde_json::to_vec(v).map(Bytes::from).map_err(|e| ApiError::internal("serialise", e))
}

fn render(report: &Report, format: Format, lang: Lang, table: Option<&str>) -> Result<Bytes, ApiError> {
    use xhht_app::reports::{Format as F, render as doc};
    Ok(match format {
        Format::Json => json(report)?,
        Format::Progress => json(&report.targets)?,
        Format::Deadlines => json(&report.deadlines)?,
        Format::Rewards => json(&report.rewards)?,
        Format::Md => Bytes::from(doc(report, F::Md, lang)?),
        Format::Html => Bytes::from(doc(report, F::Html, lang)?),
        Format::Xlsx => Bytes::from(doc(report, F::Xlsx, lang)?),
        Format::Docx => Bytes::from(doc(report, F::Docx, lang)?),
        Format::Csv => {
            let tables = xhht_app::reports::render_csv(report, lang)?;
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
