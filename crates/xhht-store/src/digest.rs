//! The data version and the cache of per-year digests.
//!
//! The *data version* ([`Store::data_version`]) is the number of the last audit entry of the
//! last write transaction that changed a record — any audited table but `results`, so saving a
//! year's results leaves it alone. The transaction sets it just before it commits, so whoever
//! reads the same version reads the same records.
//!
//! A *year digest* is a summary derived from a year's records by another crate (opaque text,
//! JSON in practice), kept in `year_digests` with the key of what computed it (`cache_key`,
//! e.g. the rules' content hashes and the code's version) and the data version it was computed
//! from. [`Store::year_digest`] serves it only while that version is still current; a record
//! written since makes it stale. The cache is not records: not audited, never changes the data
//! version, and a restored database starts without digests.
//!
//! The way to use it:
//!
//! 1. `v = store.data_version()`;
//! 2. `store.year_digest(year, key)` — done if it is there;
//! 3. otherwise load the year, compute the digest, and `store.put_year_digest(year, key, v,
//!    body)`: stored only if the version is still `v`, so a digest computed while a write was
//!    committing is never stored under the new version.

use xhht_scoring::digest::{Limits, YearDigest, cache_key};
use xhht_scoring::year::YearEngines;

use crate::audit::has_data_version;
use crate::db::{Conn, Ty, Val};
use crate::error::{Error, Result};
use crate::store::{Store, read_tx, write_tx};

/// The actor of the store's own housekeeping transactions (they audit nothing).
const HOUSEKEEPING: &str = "xhht-store";

impl Store {
    /// The current data version: the number of the last audit entry of the last transaction
    /// that changed a record (any table but `results`); 0 for a database with no record ever
    /// written. It only grows. Needs schema version 5 (an older database gives an
    /// [`Error::Database`]).
    pub async fn data_version(&self) -> Result<i64> {
        read_tx!(self, |c| {
            let rows = c.fetch("SELECT seq FROM data_version WHERE id = 1".to_owned(), vec![], vec![Ty::Int]).await?;
            rows.first()
                .and_then(|r| r.first())
                .and_then(Val::as_int)
                .ok_or_else(|| Error::corrupt("data_version", "1", "the row of the data version is missing"))
        })
    }

    /// The digest stored for data year `year` under `cache_key`, if there is one and it was
    /// computed from the current data version; `None` otherwise (none stored, another key, or
    /// a record written since). Read in one snapshot.
    pub async fn year_digest(&self, year: i32, cache_key: &str) -> Result<Option<String>> {
        read_tx!(self, |c| {
            let rows = c
                .fetch(
                    "SELECT d.body FROM year_digests d JOIN data_version v ON v.id = 1 AND v.seq = d.data_version \
                     WHERE d.year = $1 AND d.cache_key = $2"
                        .to_owned(),
                    vec![Val::int(year), Val::text(cache_key)],
                    vec![Ty::Text],
                )
                .await?;
            Ok::<_, Error>(rows.into_iter().next().and_then(|r| r.into_iter().next()).and_then(Val::into_string))
        })
    }

    /// Stores `body` as the digest of data year `year` under `cache_key` (replacing the
    /// year's digest, whatever its key), computed from data version `data_version` — the
    /// version read *before* the records it was computed from. In one write transaction that
    /// stores it only if `data_version` is still the current version, and returns whether it
    /// did; `false` means a record was written meanwhile and the digest is already stale.
    ///
    /// It appends nothing to the audit trail and does not change the data version. Like every
    /// write it waits for the write in progress, if any, to finish.
    pub async fn put_year_digest(&self, year: i32, cache_key: &str, data_version: i64, body: &str) -> Result<bool> {
        Ok(write_tx!(self, HOUSEKEEPING, |c, audit| {
            // No entry is pushed: the transaction ends without audit entries and leaves the
            // data version as it is.
            let _ = &mut audit;
            let stored = c
                .exec(
                    "INSERT INTO year_digests (year, cache_key, data_version, body) \
                     SELECT $1, $2, $3, $4 FROM data_version WHERE id = 1 AND seq = $3 \
                     ON CONFLICT (year) DO UPDATE SET cache_key = excluded.cache_key, \
                     data_version = excluded.data_version, body = excluded.body"
                        .to_owned(),
                    vec![Val::int(year), Val::text(cache_key), Val::int(data_version), Val::text(body)],
                )
                .await?;
            stored > 0
        }))
    }

    /// After a restore: no digest, and the data version at the restored audit trail's last
    /// entry (what migrating the database to version 5 would have set).
    pub(crate) async fn reset_derived(&self) -> Result<()> {
        write_tx!(self, HOUSEKEEPING, |c, audit| {
            let _ = &mut audit;
            if has_data_version(c).await? {
                c.exec("DELETE FROM year_digests".to_owned(), vec![]).await?;
                c.exec(
                    "UPDATE data_version SET seq = (SELECT COALESCE(MAX(seq), 0) FROM audit_log) WHERE id = 1"
                        .to_owned(),
                    vec![],
                )
                .await?;
            }
        });
        Ok(())
    }
}

impl Store {
    /// The [`YearDigest`] of data year `year` for `engines` and `limits`, if one computed from
    /// the current records with the same rules is stored (see
    /// [`xhht_scoring::digest::cache_key`]); `None` otherwise — also when the stored text no
    /// longer reads as a digest, which is then computed again.
    pub async fn cached_digest(&self, year: i32, engines: &YearEngines, limits: Limits) -> Result<Option<YearDigest>> {
        let key = cache_key(engines, limits);
        Ok(self.year_digest(year, &key).await?.and_then(|body| serde_json::from_str::<YearDigest>(&body).ok()))
    }

    /// Keeps `digest`, computed with `engines` from the records of data version `data_version`
    /// (read before them); returns whether it was kept (`false`: a record was written since).
    pub async fn save_digest(&self, digest: &YearDigest, engines: &YearEngines, data_version: i64) -> Result<bool> {
        let body = serde_json::to_string(digest)
            .map_err(|e| Error::Task { task: "writing a year digest", message: e.to_string() })?;
        self.put_year_digest(digest.year, &cache_key(engines, digest.limits), data_version, &body).await
    }
}
