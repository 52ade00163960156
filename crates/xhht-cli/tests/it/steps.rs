//! The workflow steps from the command line: self-study plans, reward proposals, the inbox and a
//! record's history, taken as the local administrator or, with `--as`, as a stored account — on
//! a small database imported from the examples.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{stderr, stdout};

/// The day the commands take as today.
const TODAY: &str = "2024-12-10";

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

pub(super) fn run(dir: &Path, args: &[&str]) -> Output {
    let mut all = vec!["--as-of", TODAY];
    all.extend_from_slice(args);
    Command::new(env!("CARGO_BIN_EXE_xhht"))
        .current_dir(dir)
        .args(all)
        .env_remove("XHHT_DATABASE_URL")
        .env_remove("XHHT_LANG")
        .env("COLUMNS", "250")
        .output()
        .unwrap()
}

/// Runs a command that must succeed; its stdout.
pub(super) fn ok(dir: &Path, args: &[&str]) -> String {
    let o = run(dir, args);
    assert!(o.status.success(), "{args:?}: {}{}", stdout(&o), stderr(&o));
    stdout(&o)
}

/// Runs a command that must fail with `code`; its stderr.
pub(super) fn fails(dir: &Path, code: i32, args: &[&str]) -> String {
    let o = run(dir, args);
    assert_eq!(o.status.code(), Some(code), "{args:?}: {}{}", stdout(&o), stderr(&o));
    stderr(&o)
}

/// A database (in a fresh directory named after `tag` and `name`) with the examples' areas,
/// organisations, people (GV001 heads THCS-LH, where GV002 and GV004 teach) and memberships, the
/// account of the head of THCS-LH and of GV002, and `more` accounts (`user add` arguments).
pub(super) fn examples_db(tag: &str, name: &str, more: &[&[&str]]) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xhht-{tag}-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for kind in ["areas", "organisations", "people", "memberships"] {
        let f = examples().join(format!("import-{kind}.csv"));
        ok(&dir, &["import", kind, f.to_str().unwrap()]);
    }
    ok(&dir, &["user", "add", "ht-lh", "unit", "--organisation", "THCS-LH", "--person", "GV001"]);
    ok(&dir, &["user", "add", "gv002", "member", "--person", "GV002"]);
    for account in more {
        let mut all = vec!["user", "add"];
        all.extend_from_slice(account);
        ok(&dir, &all);
    }
    dir
}

/// [`examples_db`] with the home-affairs office's account.
fn fresh(name: &str) -> PathBuf {
    examples_db("steps", name, &[&["noi-vu", "verifier"]])
}

#[test]
fn a_member_account_names_a_person_on_record() {
    let dir = fresh("member");
    let err = fails(&dir, 2, &["user", "add", "gv003", "member"]);
    assert!(err.contains("--person"), "{err}");
    let err = fails(&dir, 1, &["user", "add", "gv003", "member", "--person", "NOBODY"]);
    assert!(err.contains("NOBODY"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_plan_is_returned_sent_again_and_approved_by_the_head_and_its_history_lists_each_step() {
    let dir = fresh("plan");
    let sent = ok(&dir, &["study-plan", "submit", "GV002", "--year", "2024", "--as", "gv002"]);
    assert!(sent.contains("Đã gửi kế hoạch tự học của GV002 năm 2024"), "{sent}");
    let err = fails(&dir, 2, &["study-plan", "return", "GV002", "--year", "2024", "--as", "ht-lh"]);
    assert!(err.contains("--reason"), "a return needs a reason: {err}");
    ok(
        &dir,
        &["study-plan", "return", "GV002", "--year", "2024", "--reason", "Thiếu mục tiêu cụ thể", "--as", "ht-lh"],
    );
    std::fs::write(dir.join("plan.txt"), "Học tiếng Anh đạt B1; mục tiêu: 60 giờ.\n").unwrap();
    ok(&dir, &["study-plan", "submit", "GV002", "--year", "2024", "--text", "plan.txt", "--as", "gv002"]);
    let err = fails(&dir, 1, &["study-plan", "approve", "GV002", "--year", "2024", "--as", "gv002"]);
    assert!(err.contains("cannot approve the self-study plan of GV002 for 2024"), "{err}");
    let approved = ok(&dir, &["--lang", "en", "study-plan", "--as", "ht-lh", "approve", "GV002", "--year", "2024"]);
    assert!(approved.contains("Approved the self-study plan of GV002 for 2024"), "{approved}");
    let again = fails(&dir, 1, &["study-plan", "approve", "GV002", "--year", "2024", "--as", "ht-lh"]);
    assert!(again.contains("GV002"), "an approved plan is not approved twice: {again}");

    let csv = ok(&dir, &["--format", "csv", "history", "study-plan", "GV002", "--year", "2024"]);
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(lines[0], "at,actor,action,state,note", "{csv}");
    assert_eq!(lines.len(), 5, "submitted, returned, sent again, approved: {csv}");
    assert!(lines[1].contains(",gv002,tạo,") && lines[1].contains("đã gửi, chờ phê duyệt"), "{csv}");
    assert!(lines[2].contains(",ht-lh,sửa,") && lines[2].ends_with(",Thiếu mục tiêu cụ thể"), "{csv}");
    assert!(lines[3].contains(",gv002,sửa,") && lines[3].contains("đã gửi, chờ phê duyệt"), "{csv}");
    assert!(lines[4].contains(",ht-lh,sửa,") && lines[4].contains("đã phê duyệt (GV001, 2024-12-10)"), "{csv}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_administrator_records_a_paper_approval_with_its_day_and_reason_and_corrects_it() {
    let dir = fresh("paper");
    ok(&dir, &["study-plan", "submit", "GV004", "--year", "2024", "--on", "15/01/2024"]);
    let err =
        fails(&dir, 2, &["study-plan", "approve", "GV004", "--year", "2024", "--by", "GV001", "--on", "01/02/2024"]);
    assert!(err.contains("--reason"), "a back-dated approval needs a reason: {err}");
    let err =
        fails(&dir, 1, &["study-plan", "approve", "GV004", "--year", "2024", "--on", "01/02/2024", "--reason", "x"]);
    assert!(err.contains("say who approved"), "the administrator names the head: {err}");
    let err = fails(&dir, 1, &["study-plan", "approve", "GV004", "--year", "2024", "--by", "GV002"]);
    assert!(err.contains("GV002 was not the head"), "{err}");
    ok(
        &dir,
        &[
            "study-plan",
            "approve",
            "GV004",
            "--year",
            "2024",
            "--by",
            "GV001",
            "--on",
            "01/02/2024",
            "--reason",
            "Phê duyệt trên giấy",
        ],
    );
    ok(&dir, &["study-plan", "correct", "GV004", "--year", "2024", "--reason", "Nhầm người phê duyệt"]);
    let h = ok(&dir, &["--lang", "en", "history", "study-plan", "GV004", "--year", "2024"]);
    assert!(h.contains("back-dated to 2024-02-01: Phê duyệt trên giấy"), "{h}");
    assert!(h.contains("approved (GV001, 2024-02-01)"), "{h}");
    assert!(h.contains("correction: Nhầm người phê duyệt"), "{h}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_proposal_not_eligible_needs_an_exception_and_then_waits_for_the_verifier() {
    let dir = fresh("proposal");
    let empty = ok(&dir, &["inbox", "--as", "noi-vu", "--year", "2024"]);
    assert!(empty.contains("Không có việc nào đang chờ / nothing waits"), "{empty}");
    let key = ["reward.annual.individual", "person:GV002", "--year", "2024"];
    let mut propose = vec!["proposal", "propose", key[0], key[1], key[2], key[3], "--as", "ht-lh"];
    let err = fails(&dir, 1, &propose);
    assert!(err.contains("không có trong danh sách đủ điều kiện"), "{err}");
    propose.extend(["--exception", "Giáo viên dạy giỏi cấp tỉnh"]);
    let done = ok(&dir, &propose);
    assert!(done.contains("chờ thẩm định"), "{done}");

    let inbox = ok(&dir, &["inbox", "--as", "noi-vu", "--year", "2024"]);
    assert!(inbox.contains("Hồ sơ khen thưởng chờ thẩm định / Reward dossiers awaiting verification: 1"), "{inbox}");
    assert!(inbox.contains("reward.annual.individual person:GV002"), "{inbox}");
    let json = ok(&dir, &["--format", "json", "inbox", "--as", "noi-vu", "--year", "2024"]);
    let v: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(v["tasks"][0]["items"][0]["subject"]["id"], "GV002", "{json}");

    let verify = ["proposal", "accept", key[0], key[1], key[2], key[3]];
    let err = fails(&dir, 1, &[&verify[..], &["--as", "ht-lh"]].concat());
    assert!(err.contains("home-affairs"), "a head does not verify: {err}");
    let err = fails(&dir, 2, &["proposal", "return", key[0], key[1], key[2], key[3], "--as", "noi-vu"]);
    assert!(err.contains("--note"), "a return needs a note: {err}");
    ok(&dir, &["proposal", "return", key[0], key[1], key[2], key[3], "--as", "noi-vu", "--note", "Thiếu minh chứng"]);
    ok(&dir, &["proposal", "propose", key[0], key[1], key[2], key[3], "--as", "ht-lh", "--exception", "Có minh chứng"]);
    ok(&dir, &[&verify[..], &["--as", "noi-vu"]].concat());
    let err = fails(&dir, 1, &["proposal", "award", key[0], key[1], key[2], key[3], "--as", "noi-vu"]);
    assert!(err.contains("was not awarded"), "{err}");
    ok(&dir, &["proposal", "award", key[0], key[1], key[2], key[3], "--note", "QĐ 12/QĐ-UBND"]);

    let h = ok(&dir, &["--format", "csv", "history", "proposal", key[0], key[1], key[2], key[3]]);
    let lines: Vec<&str> = h.lines().collect();
    assert_eq!(lines.len(), 6, "proposed, returned, proposed, accepted, awarded: {h}");
    assert!(lines[1].contains(",ht-lh,") && lines[1].ends_with("ngoại lệ: Giáo viên dạy giỏi cấp tỉnh"), "{h}");
    assert!(
        lines[2].contains(",noi-vu,") && lines[2].contains("bị trả lại") && lines[2].ends_with("Thiếu minh chứng"),
        "{h}"
    );
    assert!(lines[4].contains(",noi-vu,") && lines[4].contains("thẩm định đạt"), "{h}");
    assert!(lines[5].contains("đã quyết định khen thưởng") && lines[5].ends_with("QĐ 12/QĐ-UBND"), "{h}");
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_typo_a_bare_subject_or_an_unknown_account_is_refused_with_a_clear_message() {
    let dir = fresh("typos");
    let err = fails(&dir, 2, &["study-plan", "apporve", "GV002", "--year", "2024"]);
    assert!(err.contains("unrecognized subcommand 'apporve'") && err.contains("'approve'"), "{err}");
    let err = fails(&dir, 2, &["proposal", "propose", "reward.annual.individual", "GV002", "--year", "2024"]);
    assert!(err.contains("person:MÃ hoặc organisation:MÃ") && err.contains("person:ID or organisation:CODE"), "{err}");
    let err = fails(&dir, 2, &["history", "proposal", "reward.annual.individual", "org:TH-LT", "--year", "2024"]);
    assert!(err.contains("organisation:CODE"), "{err}");
    let err = fails(&dir, 1, &["inbox", "--as", "nobody"]);
    assert!(err.contains("no account named “nobody”"), "{err}");
    let _ = std::fs::remove_dir_all(&dir);
}
