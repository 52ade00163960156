//! What databases written by older versions hold outside the migrations, carried into the
//! store's own tables when a store opens at the latest schema.
//!
//! Servers before store schema 4 kept reward decisions in a table of their own,
//! `server_reward_decisions`. [`Store::carry_over_reward_decisions`] moves each into its
//! proposal (audited like any write) and drops the table; a decision that no longer fits its
//! proposal (none, already decided otherwise, no date) stays in the table, and is counted, so
//! nothing is lost.

use chrono::NaiveDate;
use xhht_core::record::{Decision, DecisionOutcome, RewardProposal};

use crate::Backend;
use crate::db::{Conn, Ty, Val};
use crate::error::Result;
use crate::store::{Store, read_tx, write_tx};

/// What [`Store::carry_over_reward_decisions`] did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct CarriedOver {
    /// Decisions moved into their proposals (or already there).
    pub carried: usize,
    /// Decisions left in the old table: no proposal, no date, or not acceptable to it.
    pub left: usize,
}

async fn has_old_table<C: Conn>(c: &mut C) -> Result<bool> {
    let sql = match c.backend() {
        Backend::Sqlite => {
            "SELECT COUNT(*) FROM sqlite_master WHERE type = 'table' AND name = 'server_reward_decisions'"
        }
        Backend::Postgres => "SELECT CASE WHEN to_regclass('server_reward_decisions') IS NULL THEN 0 ELSE 1 END",
    };
    let rows = c.fetch(sql.to_owned(), vec![], vec![Ty::Int]).await?;
    Ok(rows.first().and_then(|r| r.first()).and_then(Val::as_int).unwrap_or(0) > 0)
}

/// One old decision: reward, subject kind, subject id, year, decision, by, on, note.
type OldRow = (String, String, String, i64, String, String, String, Option<String>);

impl Store {
    /// Moves the reward decisions of servers before store schema 4 into the store's proposals
    /// (see the module documentation). Nothing to do, and nothing written, for a database that
    /// never had them.
    pub async fn carry_over_reward_decisions(&self) -> Result<CarriedOver> {
        let rows: Vec<OldRow> = read_tx!(self, |c| {
            if !has_old_table(c).await? {
                return Ok(CarriedOver::default());
            }
            let sql = "SELECT reward, subject_kind, subject_id, year, decision, decided_by, decided_on, note \
                       FROM server_reward_decisions ORDER BY year, reward, subject_kind, subject_id";
            let types = vec![Ty::Text, Ty::Text, Ty::Text, Ty::Int, Ty::Text, Ty::Text, Ty::Text, Ty::Text];
            c.fetch(sql.to_owned(), vec![], types)
                .await?
                .into_iter()
                .map(|v| {
                    let mut it = v.into_iter();
                    let mut t = || it.next().unwrap_or(Val::Text(None));
                    let (a, b, c, d) = (t(), t(), t(), t());
                    let (e, f, g, h) = (t(), t(), t(), t());
                    let s = |v: Val| v.into_string().unwrap_or_default();
                    (s(a), s(b), s(c), d.as_int().unwrap_or(0), s(e), s(f), s(g), h.into_string())
                })
                .collect()
        });
        let mut out = CarriedOver::default();
        let mut years: Vec<i64> = rows.iter().map(|r| r.3).collect();
        years.dedup();
        for year in years {
            let Ok(y) = i32::try_from(year) else {
                out.left += rows.iter().filter(|r| r.3 == year).count();
                continue;
            };
            let proposals: Vec<RewardProposal> = self.load_year(y).await?.reward_proposals;
            let mut decided = Vec::new();
            for (reward, kind, id, _, decision, by, on, note) in rows.iter().filter(|r| r.3 == year) {
                let p = proposals.iter().find(|p| {
                    p.reward() == reward
                        && p.subject().id() == id
                        && p.subject().to_string().split(' ').next() == Some(kind.as_str())
                });
                let outcome =
                    if decision == "approved" { DecisionOutcome::Approved } else { DecisionOutcome::Rejected };
                match (p, NaiveDate::parse_from_str(on, "%Y-%m-%d")) {
                    (Some(p), _) if p.decision().is_some() => out.carried += 1,
                    (Some(p), Ok(on)) => {
                        match p.clone().decide(Decision { by: by.clone(), on, outcome, note: note.clone() }) {
                            Ok(d) => decided.push(d),
                            Err(_) => out.left += 1,
                        }
                    }
                    _ => out.left += 1,
                }
            }
            out.carried += decided.len();
            self.put_reward_proposals("xhht (schema 4 carry-over)", &decided).await?;
        }
        if out.left == 0 {
            write_tx!(self, "xhht (schema 4 carry-over)", |c, _audit| {
                c.exec("DROP TABLE IF EXISTS server_reward_decisions".to_owned(), vec![]).await?;
            });
        }
        Ok(out)
    }
}
