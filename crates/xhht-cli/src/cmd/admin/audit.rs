//! `xhht audit verify`: the chain walked (keyed entries with the deployment's audit key), the
//! head printed to be published elsewhere, compared with one published before (`--expect`: it
//! must still be the head; `--checkpoint`: it must still be there), and the deep check
//! (`--deep`: the tables replayed from the trail and compared). The verdict is printed in
//! Vietnamese and English, the details in the language chosen; `--format json` prints the whole
//! report. Exit code 1 when anything is wrong or could not be checked.

use std::process::ExitCode;

use anyhow::Context;
use serde_json::{Value, json};
use xhht_app::io::{AuditCheck, AuditKey, AuditReport, BrokenLink, DifferenceKind, ExpectedHead, HeadCheck};
use xhht_core::Lang;

use crate::cli::{AuditCommand, Format};
use crate::cmd::db::{open, runtime};
use crate::output::Out;

/// The most differences printed as lines (`--format json` gives the report's first 1,000).
const SHOWN: usize = 50;

pub(crate) fn verify(o: &mut Out<'_>, db: &str, command: AuditCommand) -> anyhow::Result<ExitCode> {
    let AuditCommand::Verify { expect, checkpoint, audit_key, deep } = command;
    let mut check = AuditCheck::new().deep(deep);
    if let Some(path) = &audit_key {
        let key = AuditKey::from_file(path)
            .with_context(|| "không đọc được khóa kiểm toán / cannot read the audit key".to_owned())?;
        check = check.key(key);
    }
    let published = match (expect, checkpoint) {
        (Some(text), _) => Some((text, false)),
        (None, Some(text)) => Some((text, true)),
        (None, None) => None,
    };
    if let Some((text, later)) = published {
        let mut head = ExpectedHead::parse(&text).ok_or_else(|| {
            anyhow::anyhow!(
                "`{text}`: không phải đầu chuỗi (SỐ:BĂM hoặc BĂM, như `xhht audit verify` in ra) / not a head \
                 (SEQ:HASH or HASH, as `xhht audit verify` prints it)"
            )
        })?;
        head.later_entries_allowed = later;
        check = check.expect(head);
    }
    let report = runtime()?.block_on(async {
        let app = open(db).await?;
        anyhow::Ok(app.db().audit_check(&check).await?)
    })?;
    if o.format == Format::Json {
        o.json(&as_json(&report))?;
    } else {
        print(o, &report)?;
    }
    Ok(if report.is_verified() { ExitCode::SUCCESS } else { ExitCode::FAILURE })
}

/// A hash shortened for a line (the head is always printed whole).
fn short(hash: &str) -> String {
    if hash.chars().count() > 21 {
        format!("{}…", hash.chars().take(20).collect::<String>())
    } else {
        hash.to_owned()
    }
}

/// `1 entry`, `2 entries`.
fn entries(n: impl Into<i128>) -> String {
    let n = n.into();
    if n == 1 { "1 entry".to_owned() } else { format!("{n} entries") }
}

/// The text of the language chosen.
fn tr(lang: Lang, vi: String, en: String) -> String {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

fn print(o: &mut Out<'_>, r: &AuditReport) -> anyhow::Result<()> {
    let lang = o.lang;
    o.line(if r.is_verified() {
        "Nhật ký kiểm toán còn nguyên / The audit trail is intact"
    } else if r.is_ok() {
        "Chưa kiểm được hết nhật ký kiểm toán: thiếu khóa / The audit trail could not be fully verified: no audit key"
    } else {
        "Nhật ký kiểm toán KHÔNG còn nguyên / The audit trail is NOT intact"
    })?;
    o.line(tr(
        lang,
        format!("Đầu chuỗi (công bố nơi khác để phát hiện mục bị xóa ở cuối): {}", r.head),
        format!("Head (publish it elsewhere to detect entries removed from the end): {}", r.head),
    ))?;
    let (vi, en) = if r.broken.is_none() { (", chuỗi băm khớp", ", the hash chain holds") } else { ("", "") };
    o.line(tr(
        lang,
        format!("Đã kiểm {} mục{vi}: {} có khóa, {} không khóa.", r.entries, r.keyed, r.unkeyed),
        format!("{} checked{en}: {} keyed, {} unkeyed.", entries(r.entries), r.keyed, r.unkeyed),
    ))?;
    if let Some(id) = &r.key_id {
        o.line(tr(lang, format!("Khóa kiểm toán: {id}"), format!("Audit key: {id}")))?;
    }
    if r.key_id.is_some() && r.keyed == 0 && r.unkeyed > 0 {
        o.line(tr(
            lang,
            "Có khóa nhưng không mục nào có khóa: hoặc chưa ghi gì từ khi dùng khóa, hoặc chuỗi đã bị viết lại \
             không có khóa — hãy so với đầu chuỗi đã công bố (--expect)."
                .to_owned(),
            "A key was given but no entry is keyed: either nothing was written since the key was adopted, or \
             the chain was rewritten without it — compare it with a published head (--expect)."
                .to_owned(),
        ))?;
    }
    if r.unchecked > 0 {
        o.line(tr(
            lang,
            format!(
                "{} mục có khóa chưa kiểm được băm: hãy đưa khóa bằng --audit-key hoặc XHHT_AUDIT_KEY_FILE.",
                r.unchecked
            ),
            format!(
                "The hashes of {} keyed entries were not checked: give the key with --audit-key or \
                 XHHT_AUDIT_KEY_FILE.",
                r.unchecked
            ),
        ))?;
    }
    if let Some(b) = &r.broken {
        o.line(broken(lang, b))?;
    }
    if let Some((e, found)) = &r.expected {
        o.line(head_line(lang, e, found))?;
    }
    if let Some(deep) = &r.deep {
        o.line(tr(
            lang,
            format!("Kiểm tra sâu: {} bảng, {} chỗ khác.", deep.tables.len(), deep.total),
            format!("Deep check: {} tables compared, {} differences.", deep.tables.len(), deep.total),
        ))?;
        for d in deep.differences.iter().take(SHOWN) {
            let what = difference(lang, &d.kind);
            o.line(if d.key.is_empty() {
                format!("  {}: {what}", d.table)
            } else {
                format!("  {} {}: {what}", d.table, d.key)
            })?;
        }
        let more = deep.total.saturating_sub(SHOWN as u64);
        if more > 0 {
            o.line(tr(lang, format!("  … và {more} chỗ khác nữa."), format!("  … and {more} more.")))?;
        }
    }
    Ok(())
}

fn broken(lang: Lang, b: &BrokenLink) -> String {
    let seq = b.seq;
    let (vi, en) = match b.check {
        "seq" => (
            format!("Mục {seq}: số thứ tự đứt quãng: có mục bị xóa hoặc chèn"),
            format!("Entry {seq}: the numbering breaks: entries were removed or inserted"),
        ),
        "prev_hash" => (
            format!("Mục {seq} không nối với mục trước nó: có mục bị xóa, chèn hoặc viết lại"),
            format!("Entry {seq} does not link to the entry before it: an entry was removed, inserted or rewritten"),
        ),
        "unkeyed" => (
            format!("Mục {seq} không có khóa mà đứng sau các mục có khóa: bị giả mạo hoặc tính lại không có khóa"),
            format!("Entry {seq} is unkeyed after keyed entries: forged, or recomputed without the key"),
        ),
        _ => (
            format!("Mục {seq} không khớp băm của nó: đã bị sửa (hoặc được ghi bằng khóa khác)"),
            format!("Entry {seq} does not match its hash: it was altered (or written with another key)"),
        ),
    };
    let (e, a) = (short(&b.expected), short(&b.actual));
    tr(lang, format!("{vi} (mong đợi {e}, thấy {a})."), format!("{en} (expected {e}, found {a})."))
}

fn head_line(lang: Lang, e: &ExpectedHead, found: &HeadCheck) -> String {
    match found {
        HeadCheck::Found { seq, after: 0 } => tr(
            lang,
            format!("Đầu chuỗi đúng là đầu chuỗi đã công bố (mục {seq})."),
            format!("The head is the one published (entry {seq})."),
        ),
        HeadCheck::Found { seq, after } if e.later_entries_allowed => tr(
            lang,
            format!("Mục đã công bố {seq} còn nguyên; sau nó có {after} mục."),
            format!("The published entry {seq} is there unchanged; {} follow it.", entries(*after)),
        ),
        HeadCheck::Found { seq, after } => tr(
            lang,
            format!("Mục đã công bố {seq} không còn là đầu chuỗi: có {after} mục được thêm sau nó."),
            format!("The published entry {seq} is no longer the head: {} added after it.", entries(*after)),
        ),
        HeadCheck::Differs { seq, actual } => {
            let a = short(actual);
            tr(
                lang,
                format!("Mục {seq} khác với bản đã công bố: chuỗi đã bị viết lại (mục mang {a})."),
                format!("Entry {seq} differs from the one published: the chain was rewritten (it carries {a})."),
            )
        }
        HeadCheck::Missing { last } => match e.seq {
            Some(seq) => tr(
                lang,
                format!("Không còn mục đã công bố {seq}: chuỗi dừng ở mục {last} — có mục bị xóa ở cuối."),
                format!(
                    "The published entry {seq} is missing: the chain ends at entry {last} — entries were removed from its end."
                ),
            ),
            None => tr(
                lang,
                "Không mục nào mang băm đã công bố: chuỗi đã bị viết lại hoặc cắt bớt.".to_owned(),
                "No entry carries the published hash: the chain was rewritten or cut short.".to_owned(),
            ),
        },
        _ => tr(lang, "Không so được đầu chuỗi.".to_owned(), "The head could not be compared.".to_owned()),
    }
}

fn difference(lang: Lang, kind: &DifferenceKind) -> String {
    match kind {
        DifferenceKind::Missing => tr(
            lang,
            "có trong nhật ký, không có trong bảng (bị xóa ngoài hệ thống)".to_owned(),
            "in the trail, not in the table (deleted behind the store's back)".to_owned(),
        ),
        DifferenceKind::Extra => tr(
            lang,
            "có trong bảng, không có trong nhật ký (bị thêm ngoài hệ thống)".to_owned(),
            "in the table, not in the trail (inserted behind the store's back)".to_owned(),
        ),
        DifferenceKind::Column { column, expected, actual } => tr(
            lang,
            format!("{column}: nhật ký ghi {expected}, bảng có {actual}"),
            format!("{column}: the trail says {expected}, the table holds {actual}"),
        ),
        DifferenceKind::Inconsistent { seq, message } => tr(
            lang,
            format!("mục {seq}: nhật ký tự mâu thuẫn ({message})"),
            format!("entry {seq}: the trail contradicts itself ({message})"),
        ),
        _ => tr(lang, "khác / differs".to_owned(), "differs".to_owned()),
    }
}

/// The report as JSON, for programs.
fn as_json(r: &AuditReport) -> Value {
    let expected = r.expected.as_ref().map(|(e, found)| {
        let (outcome, seq, after, actual, last) = match found {
            HeadCheck::Found { seq, after } => ("found", Some(*seq), Some(*after), None, None),
            HeadCheck::Differs { seq, actual } => ("differs", Some(*seq), None, Some(actual.clone()), None),
            HeadCheck::Missing { last } => ("missing", e.seq, None, None, Some(*last)),
            _ => ("unknown", None, None, None, None),
        };
        json!({
            "seq": e.seq, "hash": e.hash, "later_entries_allowed": e.later_entries_allowed,
            "outcome": outcome, "at": seq, "after": after, "actual": actual, "last": last,
        })
    });
    let deep = r.deep.as_ref().map(|d| {
        let tables: Vec<Value> = d
            .tables
            .iter()
            .map(|t| {
                json!({"table": t.table, "expected_rows": t.expected_rows, "actual_rows": t.actual_rows,
                       "differences": t.differences})
            })
            .collect();
        let differences: Vec<Value> = d
            .differences
            .iter()
            .map(|x| {
                let mut v = json!({"table": x.table, "key": x.key});
                let extra = match &x.kind {
                    DifferenceKind::Missing => json!({"kind": "missing"}),
                    DifferenceKind::Extra => json!({"kind": "extra"}),
                    DifferenceKind::Column { column, expected, actual } => {
                        json!({"kind": "column", "column": column, "expected": expected, "actual": actual})
                    }
                    DifferenceKind::Inconsistent { seq, message } => {
                        json!({"kind": "inconsistent", "seq": seq, "message": message})
                    }
                    _ => json!({"kind": "other"}),
                };
                if let (Some(o), Value::Object(e)) = (v.as_object_mut(), extra) {
                    o.extend(e);
                }
                v
            })
            .collect();
        json!({"total": d.total, "tables": tables, "differences": differences})
    });
    json!({
        "ok": r.is_ok(),
        "verified": r.is_verified(),
        "entries": r.entries,
        "keyed": r.keyed,
        "unkeyed": r.unkeyed,
        "unchecked": r.unchecked,
        "key_id": r.key_id,
        "head": {"seq": r.head.seq, "hash": r.head.hash, "text": r.head.to_string()},
        "broken": r.broken.as_ref().map(|b| json!({"seq": b.seq, "check": b.check, "expected": b.expected, "actual": b.actual})),
        "expected": expected,
        "deep": deep,
    })
}

#[cfg(test)]
mod tests {
    use xhht_app::io::{AuditHead, DeepReport, Difference};

    use super::*;

    /// A report with every kind of finding.
    fn bad() -> AuditReport {
        let diff = |key: &str, kind| Difference { table: "people".into(), key: key.into(), kind };
        let column =
            DifferenceKind::Column { column: "full_name".into(), expected: "\"A\"".into(), actual: "\"B\"".into() };
        let inconsistent = DifferenceKind::Inconsistent { seq: 4, message: "no `before`".into() };
        let differences = vec![
            diff("p1", column),
            diff("p2", DifferenceKind::Missing),
            diff("p3", DifferenceKind::Extra),
            diff("p4", inconsistent),
        ];
        AuditReport {
            entries: 7,
            last_hash: "a".repeat(64),
            broken: Some(BrokenLink { seq: 7, expected: "hmac:…".into(), actual: "b".repeat(64), check: "unkeyed" }),
            head: AuditHead { seq: 7, hash: "b".repeat(64) },
            keyed: 3,
            unkeyed: 4,
            unchecked: 0,
            key_id: Some("0123456789abcdef".into()),
            expected: Some((
                ExpectedHead::parse(&format!("9:{}", "c".repeat(64))).unwrap(),
                HeadCheck::Missing { last: 7 },
            )),
            deep: Some(DeepReport { tables: Vec::new(), differences, total: 60 }),
        }
    }

    #[test]
    fn every_finding_is_a_sentence_in_the_language_chosen() {
        for (lang, words) in [
            (
                Lang::Vi,
                [
                    "không có khóa mà đứng sau",
                    "Không còn mục đã công bố 9",
                    "nhật ký ghi \"A\", bảng có \"B\"",
                    "… và 10",
                ],
            ),
            (
                Lang::En,
                [
                    "unkeyed after keyed entries",
                    "published entry 9 is missing",
                    "the trail says \"A\"",
                    "… and 10 more",
                ],
            ),
        ] {
            let mut buf = Vec::new();
            print(&mut Out::new(&mut buf, lang, Format::Table), &bad()).unwrap();
            let text = String::from_utf8(buf).unwrap();
            assert!(text.starts_with("Nhật ký kiểm toán KHÔNG còn nguyên / The audit trail is NOT intact\n"), "{text}");
            for w in words {
                assert!(text.contains(w), "{w}: {text}");
            }
            assert!(!text.contains("Some(") && !text.contains("BrokenLink") && !text.contains("Column {"), "{text}");
        }
        let v = as_json(&bad());
        assert_eq!((v["ok"].as_bool(), v["expected"]["outcome"].as_str()), (Some(false), Some("missing")));
        assert_eq!(v["deep"]["differences"][0]["column"], "full_name");
    }
}
