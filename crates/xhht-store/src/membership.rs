//! A person belongs to one organisation at a time: the check every write of memberships ends
//! with, in its transaction ([`check_clashes`]).

use std::collections::HashSet;

use crate::db::{Conn, Ty, Val, placeholders};
use crate::error::{Error, Result};
use crate::model::Record;
use crate::schema::MEMBERSHIPS;
use crate::write::{chunk_rows, select};

/// Above this many people, the candidates for a clash are found by one pass over the table.
const CLASH_SCAN_ABOVE: usize = 5_000;

/// Refuses the write (so the transaction rolls back) when one of `people` now belongs to two
/// organisations on the same day ([`xhht_core::entity::first_clash`]): whatever writes the
/// memberships — the API, an import, an update — a person is in one organisation at a time, and
/// a move ends the membership there before the one here begins. Only the people whose
/// memberships this write added or changed are checked, so a clash already in an older
/// database does not block unrelated writes.
pub(crate) async fn check_clashes<C: Conn>(c: &mut C, mut people: Vec<Val>) -> Result<()> {
    if people.is_empty() {
        return Ok(());
    }
    people.sort_unstable_by(|a, b| a.as_str().cmp(&b.as_str()));
    people.dedup_by(|a, b| a.as_str() == b.as_str());
    if people.len() > CLASH_SCAN_ABOVE {
        // Only people in two organisations or more can clash: one grouped pass over the key.
        let many = c
            .fetch(
                "SELECT person FROM memberships GROUP BY person HAVING COUNT(DISTINCT organisation) > 1".to_owned(),
                Vec::new(),
                vec![Ty::Text],
            )
            .await?;
        let many: HashSet<String> = many.into_iter().filter_map(|mut v| v.pop().and_then(Val::into_string)).collect();
        people.retain(|p| p.as_str().is_some_and(|p| many.contains(p)));
    }
    for chunk in people.chunks(chunk_rows(1)) {
        let filter = format!("p.person IN ({})", placeholders(1, chunk.len()));
        let held: Vec<xhht_core::entity::Membership> =
            select(c, &filter, chunk.to_vec()).await?.into_iter().map(|(m, _)| m).collect();
        if let Some(clash) = xhht_core::entity::first_clash(&held) {
            let m = clash.other;
            return Err(Error::Invalid {
                table: MEMBERSHIPS.name,
                key: m.to_row().map(|r| r.key_text(&MEMBERSHIPS)).unwrap_or_default(),
                field: "valid_from".to_owned(),
                message: clash.to_string(),
            });
        }
    }
    Ok(())
}
