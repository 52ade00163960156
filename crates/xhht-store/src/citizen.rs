//! One citizen id, one person: the check every write of people ends with, in its transaction
//! (the API's single writes, an import's bulk writes and streamed loads alike).

use crate::db::{Conn, Ty, Val};
use crate::error::{Error, Result};
use crate::schema::{PEOPLE, Table};

/// After a write of `table`: for people, [`check_citizen_ids`] (of the person `only`, or of
/// everyone after a bulk write); nothing for other tables.
pub(crate) async fn after_write<C: Conn>(c: &mut C, table: &Table, only: Option<&Val>) -> Result<()> {
    if std::ptr::eq(table, &PEOPLE) { check_citizen_ids(c, only).await } else { Ok(()) }
}

/// Refuses a write that leaves two people with one citizen id (a citizen id names one person:
/// `xhht_core::entity::check_citizen_id`), naming the id and both people. `only`: the person
/// just written (their citizen id alone is checked); `None`: every citizen id, after a bulk
/// write.
pub(crate) async fn check_citizen_ids<C: Conn>(c: &mut C, only: Option<&Val>) -> Result<()> {
    let (filter, args) = match only {
        Some(id) => ("citizen_id = (SELECT citizen_id FROM people WHERE id = $1)", vec![id.clone()]),
        None => ("citizen_id IS NOT NULL", Vec::new()),
    };
    let sql = format!(
        "SELECT citizen_id, MIN(id), MAX(id) FROM people WHERE {filter} GROUP BY citizen_id HAVING COUNT(*) > 1 \
         ORDER BY citizen_id LIMIT 1"
    );
    let found = c.fetch(sql, args, vec![Ty::Text, Ty::Text, Ty::Text]).await?;
    if let Some(row) = found.into_iter().next() {
        let mut v = row.into_iter().map(|x| x.into_string().unwrap_or_default());
        let (cid, a, b) = (v.next().unwrap_or_default(), v.next().unwrap_or_default(), v.next().unwrap_or_default());
        return Err(Error::Invalid {
            table: PEOPLE.name,
            key: b.clone(),
            field: "citizen_id".to_owned(),
            message: format!(
                "số CCCD {cid} đã thuộc về người {a}; mỗi số CCCD là của một người / citizen id {cid} is already {a}'s: a citizen id names one person ({b})"
            ),
        });
    }
    Ok(())
}
