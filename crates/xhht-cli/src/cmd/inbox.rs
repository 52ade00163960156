//! `xhht inbox` (what awaits an account) and `xhht history …` (a record's processing history,
//! from the audit trail).

use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use serde_json::{Map, Value};
use xhht_app::inbox::{HistoryEntry, RecordRef, subject_kind};
use xhht_core::record::SubjectRef;
use xhht_core::workflow::State;

use crate::cli::{Acting, Format, HistoryCommand};
use crate::cmd::steps::{act, proposal_name};
use crate::output::{Out, col};

/// How many records of a task are printed as lines (the count says how many wait).
const SHOWN: usize = 10;

fn subject_text(s: &SubjectRef) -> String {
    format!("{}:{}", subject_kind(s), s.id())
}

/// `xhht inbox [--as USER] [--year Y]`.
pub(crate) fn inbox(
    o: &mut Out<'_>,
    db: &str,
    year: i32,
    today: NaiveDate,
    acting: &Acting,
) -> anyhow::Result<ExitCode> {
    let inbox = act(db, acting, "inbox", async |app, who| app.inbox(who, year, today).await)
        .with_context(|| format!("không xem được việc đang chờ năm {year} / cannot list what awaits for {year}"))?;
    match o.format {
        Format::Json => o.json(&inbox)?,
        Format::Table => {
            if inbox.tasks.is_empty() {
                o.line("Không có việc nào đang chờ / nothing waits")?;
            }
            for t in &inbox.tasks {
                o.line(format!("• {} / {}: {}", t.what.vi, t.what.en, t.count))?;
                for item in t.items.iter().take(SHOWN) {
                    let mut l = format!("    {}", subject_text(&item.subject));
                    if let Some(r) = &item.reward {
                        l = format!("    {r} {}", subject_text(&item.subject));
                    }
                    if let Some(n) = &item.note {
                        l.push_str(&format!(" — {}: {n}", o.tr("lý do", "reason")));
                    }
                    o.line(l)?;
                }
                if t.count > SHOWN {
                    o.line(format!("    … {} {}", t.count - SHOWN, o.tr("hồ sơ nữa", "more")))?;
                }
            }
        }
        _ => {
            let cols = [
                col("task", "Việc", "Task"),
                col("count", "Số hồ sơ", "Count"),
                col("subject", "Đối tượng", "Subject"),
                col("reward", "Khen thưởng", "Reward"),
                col("note", "Lý do", "Reason"),
            ];
            let rows: Vec<Vec<String>> = inbox
                .tasks
                .iter()
                .flat_map(|t| {
                    let what = t.what.get(o.lang).to_owned();
                    t.items.iter().map(move |i| {
                        vec![
                            what.clone(),
                            t.count.to_string(),
                            subject_text(&i.subject),
                            i.reward.clone().unwrap_or_default(),
                            i.note.clone().unwrap_or_default(),
                        ]
                    })
                })
                .collect();
            o.table(&cols, &rows)?;
        }
    }
    Ok(ExitCode::SUCCESS)
}

/// The record a history command names, its key columns as the audit JSON holds them, and how
/// it is named in messages.
fn record_of(cmd: HistoryCommand) -> (RecordRef, Vec<(&'static str, String)>, String) {
    match cmd {
        HistoryCommand::StudyPlan { person, year } => {
            let key = vec![("person", person.clone()), ("year", year.to_string())];
            let name = format!("study-plan {person} {year}");
            (RecordRef::SelfStudyPlan { person, year }, key, name)
        }
        HistoryCommand::Proposal { key: k } => {
            let name = proposal_name(&k);
            let key = vec![
                ("reward", k.reward.clone()),
                ("subject_kind", subject_kind(&k.subject).to_owned()),
                ("subject_id", k.subject.id().to_owned()),
                ("year", k.year.to_string()),
            ];
            (RecordRef::RewardProposal { reward: k.reward, subject: k.subject, year: k.year }, key, name)
        }
    }
}

/// The record's columns after a change: the object of an update, or its row among those of an
/// insert (`{"columns": […], "rows": [[…], …]}`).
fn row_after(after: Option<&str>, key: &[(&str, String)]) -> Map<String, Value> {
    let Some(Ok(Value::Object(v))) = after.map(serde_json::from_str::<Value>) else { return Map::new() };
    let (Some(Value::Array(columns)), Some(Value::Array(rows))) = (v.get("columns"), v.get("rows")) else { return v };
    let names: Vec<&str> = columns.iter().map(|c| c.as_str().unwrap_or_default()).collect();
    let same = |a: &Value, b: &str| match a {
        Value::String(s) => s == b,
        Value::Number(n) => n.to_string() == b,
        _ => false,
    };
    rows.iter()
        .filter_map(Value::as_array)
        .find(|row| {
            key.iter().all(|(k, want)| {
                names.iter().position(|n| n == k).and_then(|i| row.get(i)).is_some_and(|v| same(v, want))
            })
        })
        .map(|row| names.iter().map(|n| (*n).to_owned()).zip(row.iter().cloned()).collect())
        .unwrap_or_default()
}

/// A text column of the row, when set.
fn text<'a>(row: &'a Map<String, Value>, name: &str) -> Option<&'a str> {
    row.get(name).and_then(Value::as_str).filter(|s| !s.is_empty())
}

/// Where the record stood after the change, and the note to read with it.
fn state_and_note(o: &Out<'_>, row: &Map<String, Value>) -> (String, String) {
    if row.is_empty() {
        return (String::new(), String::new());
    }
    let label = |s: State| s.label().get(o.lang).to_owned();
    let state = if row.contains_key("reward") {
        match (text(row, "decision"), text(row, "outcome")) {
            (Some("approved"), _) => label(State::Awarded),
            (Some("rejected"), _) => label(State::Rejected),
            (Some(other), _) => other.to_owned(),
            (None, Some("accepted")) => label(State::Accepted),
            (None, Some("refused")) => label(State::Returned),
            (None, Some(other)) => other.to_owned(),
            (None, None) => label(State::Proposed),
        }
    } else {
        let approved = text(row, "approved_by");
        let state = match (text(row, "state"), approved) {
            (_, Some(_)) | (Some("approved"), _) => label(State::Approved),
            (Some("draft"), _) => label(State::Draft),
            (Some("returned"), _) => label(State::Returned),
            (Some("submitted") | None, _) => label(State::Submitted),
            (Some(other), _) => other.to_owned(),
        };
        match (approved, text(row, "approved_on")) {
            (Some(by), Some(on)) => format!("{state} ({by}, {on})"),
            _ => state,
        }
    };
    let note = match (text(row, "decision_note"), text(row, "note"), text(row, "exception")) {
        (Some(n), _, _) | (None, Some(n), _) => n.to_owned(),
        (None, None, Some(e)) => format!("{}: {e}", o.tr("ngoại lệ", "exception")),
        _ => String::new(),
    };
    (state, note)
}

/// `xhht history study-plan PERSON --year Y` and `xhht history proposal REWARD SUBJECT --year Y`.
pub(crate) fn history(
    o: &mut Out<'_>,
    db: &str,
    today: NaiveDate,
    acting: &Acting,
    cmd: HistoryCommand,
) -> anyhow::Result<ExitCode> {
    let (record, key, name) = record_of(cmd);
    let entries: Vec<HistoryEntry> =
        act(db, acting, "history", async |app, who| app.record_history(who, &record, today).await)
            .with_context(|| format!("không xem được quá trình xử lý {name} / cannot show the history of {name}"))?;
    if entries.is_empty() && o.format == Format::Table {
        o.line("Nhật ký chưa ghi gì về hồ sơ này / the audit trail holds nothing about this record")?;
        return Ok(ExitCode::SUCCESS);
    }
    let cols = [
        col("at", "Thời điểm (UTC)", "When (UTC)"),
        col("actor", "Người thực hiện", "Who"),
        col("action", "Thao tác", "Action"),
        col("state", "Trạng thái sau đó", "State after"),
        col("note", "Lý do / ghi chú", "Reason / note"),
    ];
    // A note is shown with the step that wrote it (a plan keeps its return's reason until the
    // head decides; the reason is printed once).
    let mut last_note = String::new();
    let mut rows: Vec<Vec<String>> = Vec::with_capacity(entries.len());
    for e in &entries {
        let (state, note) = state_and_note(o, &row_after(e.after.as_deref(), &key));
        let shown = if note == last_note { String::new() } else { note.clone() };
        last_note = note;
        let action = match e.action.as_str() {
            "insert" => o.tr("tạo", "created").to_owned(),
            "update" => o.tr("sửa", "changed").to_owned(),
            "delete" => o.tr("xóa", "removed").to_owned(),
            other => other.to_owned(),
        };
        rows.push(vec![e.at.clone(), e.actor.clone(), action, state, shown]);
    }
    o.table(&cols, &rows)?;
    Ok(ExitCode::SUCCESS)
}

#[cfg(test)]
mod tests {
    use super::row_after;

    #[test]
    fn the_row_of_an_insert_is_found_by_its_key_and_an_update_is_taken_whole() {
        let key = vec![("person", "GV002".to_owned()), ("year", "2024".to_owned())];
        let insert =
            r#"{"columns":["person","year","state"],"rows":[["GV001",2024,"draft"],["GV002",2024,"submitted"]]}"#;
        assert_eq!(row_after(Some(insert), &key)["state"], "submitted");
        let update = r#"{"person":"GV002","year":2024,"state":"returned","note":"thiếu mục tiêu"}"#;
        assert_eq!(row_after(Some(update), &key)["note"], "thiếu mục tiêu");
        assert!(row_after(None, &key).is_empty() && row_after(Some("not json"), &key).is_empty());
    }
}
