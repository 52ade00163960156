//! The audit trail's check: the chain, the head published before, and (for administrators)
//! every audited table compared with the trail (`docs/audit.md`).

use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use utoipa::ToSchema;
use xhht_core::access::{Action, Resource};

use crate::error::{ApiError, FieldError};
use crate::http::Auth;
use crate::state::AppState;

/// The audit chain's state.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditState {
    /// Whether every check asked for holds (the chain; with `expect`, the head; with `deep`,
    /// every audited table).
    ok: bool,
    /// Entries checked.
    entries: u64,
    /// The last entry's hash.
    last_hash: String,
    /// The head to publish elsewhere, `SEQ:HASH` (give it back as `expect` to detect entries
    /// removed from the end or a chain rewritten).
    head: String,
    /// Entries keyed with the deployment's audit key, and entries made without one.
    keyed: u64,
    /// Entries made without a key (before the deployment had one).
    unkeyed: u64,
    /// Keyed entries that could not be checked (this server has no key).
    unchecked: u64,
    /// The first broken link, if any: its number and which check failed.
    broken: Option<FieldError>,
    /// With `expect`: whether that entry is still the head, and if not, what became of it.
    expected: Option<String>,
    /// With `deep` (administrators): each row whose table differs from what the trail wrote
    /// (at most 200 listed), and how many in all.
    differences: Option<Vec<AuditDifference>>,
    /// With `deep`: how many differences in all.
    differences_total: Option<u64>,
}

/// One row that differs from the audit trail.
#[derive(Debug, Serialize, ToSchema)]
pub(crate) struct AuditDifference {
    /// The table.
    table: String,
    /// The row's natural key.
    key: String,
    /// `missing` (deleted behind the store's back), `extra` (inserted), `column` (a value
    /// changed), `inconsistent` (the trail contradicts itself).
    kind: String,
    /// The column, for `column`.
    column: Option<String>,
    /// What the trail says (for `column`), or what is wrong (for `inconsistent`).
    expected: Option<String>,
    /// What the table holds (for `column`).
    actual: Option<String>,
}

/// What to check besides the chain.
#[derive(Debug, Default, Deserialize, utoipa::IntoParams)]
#[into_params(parameter_in = Query)]
pub(crate) struct AuditQuery {
    /// A head published before, `SEQ:HASH` (or the hash alone): it must still be the head.
    expect: Option<String>,
    /// Replay every audited table from the trail and compare (administrators only).
    deep: Option<bool>,
}

/// Walks the hash-chained audit trail (every role but viewer); with `expect`, checks the head
/// published before; with `deep` (administrators), compares every audited table with the trail.
#[utoipa::path(get, path = "/audit/verify", tag = "admin", params(AuditQuery),
    responses((status = 200, body = AuditState), (status = 403, body = crate::error::ErrorBody),
              (status = 422, body = crate::error::ErrorBody)))]
pub(crate) async fn audit_verify(
    State(state): State<AppState>,
    who: Auth,
    super::Q(q): super::Q<AuditQuery>,
) -> Result<Json<AuditState>, ApiError> {
    use xhht_app::io::{AuditCheck, DifferenceKind, ExpectedHead, HeadCheck};
    who.require(Action::Read, &Resource::Audit, false)?;
    let deep = q.deep.unwrap_or(false);
    if deep {
        who.require(Action::Administer, &Resource::Audit, false)?;
    }
    let mut check = AuditCheck::new().deep(deep);
    if let Some(e) = &q.expect {
        let head = ExpectedHead::parse(e).ok_or_else(|| ApiError::invalid("expect", "SEQ:HASH, or the hash alone"))?;
        check = check.expect(head);
    }
    let r = state.store().audit_check(&check).await?;
    let expected = r.expected.as_ref().map(|(_, h)| match h {
        HeadCheck::Found { after: 0, .. } => "vẫn là đầu chuỗi / still the head".to_owned(),
        HeadCheck::Found { seq, after } => {
            format!("mục {seq} còn nguyên, sau nó có {after} mục / entry {seq} is intact, {after} entries follow it")
        }
        HeadCheck::Differs { seq, .. } => format!(
            "mục {seq} mang băm khác: chuỗi đã bị viết lại / entry {seq} carries another hash: the chain was rewritten"
        ),
        HeadCheck::Missing { last } => {
            format!("không còn mục đó; chuỗi dừng ở mục {last} / no such entry: the chain ends at entry {last}")
        }
        _ => "không rõ / unknown".to_owned(),
    });
    let (differences, differences_total) = match &r.deep {
        Some(d) => {
            let list = d
                .differences
                .iter()
                .take(200)
                .map(|x| {
                    let (kind, column, expected, actual) = match &x.kind {
                        DifferenceKind::Missing => ("missing", None, None, None),
                        DifferenceKind::Extra => ("extra", None, None, None),
                        DifferenceKind::Column { column, expected, actual } => {
                            ("column", Some(column.clone()), Some(expected.clone()), Some(actual.clone()))
                        }
                        DifferenceKind::Inconsistent { seq, message } => {
                            ("inconsistent", None, Some(format!("{seq}: {message}")), None)
                        }
                        _ => ("other", None, None, None),
                    };
                    AuditDifference {
                        table: x.table.clone(),
                        key: x.key.clone(),
                        kind: kind.to_owned(),
                        column,
                        expected,
                        actual,
                    }
                })
                .collect();
            (Some(list), Some(d.total))
        }
        None => (None, None),
    };
    Ok(Json(AuditState {
        ok: r.is_verified(),
        entries: r.entries,
        last_hash: r.last_hash.clone(),
        head: r.head.to_string(),
        keyed: r.keyed,
        unkeyed: r.unkeyed,
        unchecked: r.unchecked,
        broken: r.broken.map(|b| FieldError { field: b.seq.to_string(), message: b.check.to_owned() }),
        expected,
        differences,
        differences_total,
    }))
}
