//! The import's check that a file never takes a record back in its lifecycle
//! (`xhht_core::workflow::may_import`), run on every block of rows after the stored values of
//! the columns the file lacks are carried over, both in the ordinary import and in the
//! streamed one:
//!
//! - a self-study plan's state is settled (the file's `state`; else approved when it has an
//!   approval, on file or carried over; else, when the file has no `state` column, the stored
//!   state unless that was approved; else submitted) and compared with the stored plan's: a
//!   row that would take the plan back (an approved plan submitted again, a submitted one made
//!   a draft) is refused on its line, field `state`;
//! - a recognition on record is changed only by an administrator's correction: a row with the
//!   key of a stored recognition and other values is refused on its line, field
//!   `decision_number` (the same row again is fine).
//!
//! The stored rows are read a block of keys at a time, never one query per row
//! (`write::each_stored`). A plan's text or return reason whose line breaks a file could not
//! carry (cells are read as one line) is kept as stored when the file's text is the same but
//! for them.

use xhht_core::record::PlanState;
use xhht_core::workflow::{Kind, State, may_import};

use super::checks::Carried;
use super::*;

/// The columns of `self_study_plans` the check reads and sets.
const APPROVED_BY: usize = 3;
const APPROVED_ON: usize = 4;
const STATE: usize = 5;
const CONTENT: usize = 6;
const NOTE: usize = 7;

/// A plan's state in the lifecycle table.
fn flow_state(s: PlanState) -> Option<State> {
    Some(match s {
        PlanState::Draft => State::Draft,
        PlanState::Submitted => State::Submitted,
        PlanState::Returned => State::Returned,
        PlanState::Approved => State::Approved,
        _ => return None,
    })
}

fn is_null(v: &Val) -> bool {
    matches!(v, Val::Text(None) | Val::Int(None) | Val::Date(None))
}

fn state_of(v: Option<&Val>) -> Option<PlanState> {
    v.and_then(Val::as_str).and_then(PlanState::parse)
}

/// The stored text when the file's is the same but for what a cell cannot hold (line breaks,
/// tabs, surrounding blanks).
fn keep_stored_text(incoming: &mut Val, stored: Option<&Val>) {
    let (Some(new), Some(old)) = (incoming.as_str(), stored.and_then(Val::as_str)) else { return };
    if new != old && xhht_core::bounds::clean(old).trim() == new {
        *incoming = Val::text(old);
    }
}

/// The one problem of a row.
fn refusal(file: &str, line: u64, field: &str, message: String) -> RowError {
    RowError { file: file.to_owned(), line, field: field.to_owned(), message }
}

impl Store {
    /// Settles the state of the self-study plans of `data` and refuses the rows that would take
    /// a stored record back in its lifecycle (see the module documentation). `fresh` is a table
    /// that holds nothing but this file's own rows: nothing is stored to compare with.
    pub(super) async fn check_lifecycle(
        &self,
        kind: ImportKind,
        header: &Header,
        data: &mut [DataRow],
        file: &str,
        fresh: Option<&'static Table>,
    ) -> Result<()> {
        let table = match kind {
            ImportKind::SelfStudyPlans => &schema::SELF_STUDY_PLANS,
            ImportKind::Recognitions => &schema::RECOGNITIONS,
            _ => return Ok(()),
        };
        // Where each good row of `table` is: (data row, row in it), and its key.
        let mut at: Vec<(usize, usize)> = Vec::new();
        let mut keys: Vec<Vec<Val>> = Vec::new();
        for (n, d) in data.iter().enumerate().filter(|(_, d)| d.errors.is_empty()) {
            for (m, (t, r)) in d.rows.iter().enumerate() {
                if std::ptr::eq(*t, table) {
                    at.push((n, m));
                    keys.push(r.vals[..table.key].to_vec());
                }
            }
        }
        if keys.is_empty() {
            return Ok(());
        }
        // The stored rows, each as wide as the table: a plan's state and texts, every column of
        // a recognition.
        let mut stored: Vec<Option<Vec<Option<Val>>>> = vec![None; keys.len()];
        if !fresh.is_some_and(|f| std::ptr::eq(f, table)) {
            let cols: Vec<usize> = match kind {
                ImportKind::SelfStudyPlans => vec![STATE, CONTENT, NOTE],
                _ => (0..table.cols.len()).collect(),
            };
            for (i, vals) in self.bulk_read(Carried { table, keys, cols: cols.clone() }).await? {
                let mut row = vec![None; table.cols.len()];
                for (c, v) in cols.iter().zip(vals) {
                    if let Some(slot) = row.get_mut(*c) {
                        *slot = v;
                    }
                }
                if let Some(slot) = stored.get_mut(i) {
                    *slot = Some(row);
                }
            }
        }
        let state_cell =
            kind.spec().iter().position(|c| c.id == "state").and_then(|p| header.at.get(p).copied().flatten());
        let has = |id: &str| kind.spec().iter().zip(&header.at).any(|(c, a)| c.id == id && a.is_some());
        let approval_in_file = has("approved_by") || has("approved_on");
        for ((n, m), old) in at.into_iter().zip(stored) {
            let Some(d) = data.get_mut(n) else { continue };
            let line = d.line;
            let given = state_cell.and_then(|c| d.cells.get(c)).map(str::trim).filter(|s| !s.is_empty());
            let given = given.and_then(|s| kinds::plan_state(s).or_else(|| kinds::plan_state(&header::norm(s))));
            let Some((t, row)) = d.rows.get_mut(m) else { continue };
            let error = match kind {
                ImportKind::SelfStudyPlans => {
                    let ctx = PlanRow { given, has_state: state_cell.is_some(), approval_in_file };
                    ctx.settle(t, row, old.as_deref(), file, line)
                }
                _ => recognition_change(t, row, old.as_deref(), file, line),
            };
            d.errors.extend(error);
        }
        Ok(())
    }
}

/// What the file says about a plan's state.
struct PlanRow {
    /// The state its `state` cell names, if any.
    given: Option<PlanState>,
    /// Whether it has a `state` column.
    has_state: bool,
    /// Whether it has an approval column.
    approval_in_file: bool,
}

impl PlanRow {
    /// Sets the row's state (see the module documentation), checks the row, and compares it
    /// with the stored plan (`old`, every column): the row's problem, if any.
    fn settle(
        &self,
        table: &'static Table,
        row: &mut Row,
        old: Option<&[Option<Val>]>,
        file: &str,
        line: u64,
    ) -> Option<RowError> {
        let stored_col = |i: usize| old.and_then(|o| o.get(i)).and_then(Option::as_ref);
        let stored = state_of(stored_col(STATE));
        let approved = row.vals.get(APPROVED_BY).is_some_and(|v| !is_null(v));
        let incoming = match self.given {
            Some(PlanState::Approved) => PlanState::Approved,
            Some(s) => {
                if approved && !self.approval_in_file {
                    // The approval was carried over from the stored (approved) plan: the file
                    // says the plan is not approved.
                    for i in [APPROVED_BY, APPROVED_ON] {
                        if let Some(v) = row.vals.get_mut(i) {
                            *v = if i == APPROVED_BY { Val::Text(None) } else { Val::Date(None) };
                        }
                    }
                }
                s
            }
            None if approved => PlanState::Approved,
            None => {
                let note = row.vals.get(NOTE).is_some_and(|v| !is_null(v));
                match stored {
                    Some(PlanState::Returned) if !self.has_state && note => PlanState::Returned,
                    Some(s @ (PlanState::Draft | PlanState::Submitted)) if !self.has_state => s,
                    _ => PlanState::Submitted,
                }
            }
        };
        if let Some(v) = row.vals.get_mut(STATE) {
            *v = Val::text(incoming.id());
        }
        for i in [CONTENT, NOTE] {
            if let Some(v) = row.vals.get_mut(i) {
                keep_stored_text(v, stored_col(i));
            }
        }
        if let Err(e) = crate::model::revalidate(table, row) {
            return Some(refusal(file, line, &e.field, e.message));
        }
        let (Some(from), Some(to)) = (stored.and_then(flow_state), flow_state(incoming)) else { return None };
        if may_import(Kind::SelfStudyPlan, from, to) {
            return None;
        }
        let (a, b) = (from.label(), to.label());
        let message = format!(
            "tệp không được đưa kế hoạch từ «{}» về «{}»: chỉ quản trị viên sửa, có lý do / a file cannot take \
             the plan from {} back to {}: only an administrator's correction, with a reason, does",
            a.vi, b.vi, a.en, b.en
        );
        Some(refusal(file, line, "state", message))
    }
}

/// A recognition row whose key is stored with other values: the row's problem.
fn recognition_change(
    table: &'static Table,
    row: &Row,
    old: Option<&[Option<Val>]>,
    file: &str,
    line: u64,
) -> Option<RowError> {
    let old = old?;
    let differs = table.cols.iter().zip(&row.vals).zip(old).find(|((_, new), old)| match old {
        Some(v) => !(*new == v || (is_null(new) && is_null(v))),
        None => !is_null(new),
    });
    let ((col, new), old) = differs?;
    let old = old.as_ref().map(Val::display).unwrap_or_default();
    let message = format!(
        "quyết định công nhận đã lưu chỉ được sửa bằng đính chính của quản trị viên, có lý do \
         (`{}`: `{old}` đã lưu, `{}` trong tệp) / a recognition decision is changed only by an \
         administrator's correction, with a reason (`{}`: `{old}` on record, `{}` in the file)",
        col.name,
        new.display(),
        col.name,
        new.display()
    );
    Some(refusal(file, line, "decision_number", message))
}
