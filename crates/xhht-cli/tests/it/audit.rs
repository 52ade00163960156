//! `xhht audit verify`, end to end: the head printed, a published head compared (`--expect`,
//! `--checkpoint`), a keyed trail (`XHHT_AUDIT_KEY_FILE`, `--audit-key`), the deep check, the
//! JSON report; the verdict in Vietnamese and English, never a Rust debug dump, and exit code 1
//! whenever something is wrong or could not be checked.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{stderr, stdout};

/// Runs `xhht` in `dir` (its `xhht.db`), with the audit key file `key` if given.
fn run(dir: &Path, key: Option<&Path>, args: &[&str]) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_xhht"));
    c.current_dir(dir).args(args).env_remove("XHHT_DATABASE_URL").env_remove("XHHT_LANG");
    match key {
        Some(k) => c.env("XHHT_AUDIT_KEY_FILE", k),
        None => c.env_remove("XHHT_AUDIT_KEY_FILE"),
    };
    c.output().unwrap()
}

/// A new folder with a database holding a few writes (with the key file `key`, if given).
fn fresh(name: &str, key: Option<&Path>) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xhht-audit-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let examples = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples");
    for kind in ["areas", "organisations", "people"] {
        let f = examples.join(format!("import-{kind}.csv"));
        let o = run(&dir, key, &["import", kind, f.to_str().unwrap()]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
    }
    dir
}

/// The head `audit verify` printed (`SEQ:HASH`, the last word of the line that names it).
fn head_of(out: &str) -> String {
    let line = out.lines().find(|l| l.starts_with("Đầu chuỗi") || l.starts_with("Head")).unwrap_or_default();
    line.rsplit(' ').next().unwrap_or_default().to_owned()
}

/// No Rust `Debug` output reaches the user.
fn no_dump(o: &Output) {
    let all = format!("{}{}", stdout(o), stderr(o));
    for dump in ["AuditReport", "BrokenLink", "HeadCheck", "Some(", "None", " { seq"] {
        assert!(!all.contains(dump), "a debug dump ({dump}): {all}");
    }
}

#[test]
fn the_head_is_printed_and_a_published_head_is_checked() {
    let dir = fresh("head", None);
    let o = run(&dir, None, &["audit", "verify"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(out.starts_with("Nhật ký kiểm toán còn nguyên / The audit trail is intact\n"), "{out}");
    let head = head_of(&out);
    let (seq, hash) = head.split_once(':').unwrap();
    assert!(seq.parse::<u32>().unwrap() >= 3 && hash.len() == 64, "{out}");
    no_dump(&o);

    let o = run(&dir, None, &["audit", "verify", "--expect", &head]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert!(stdout(&o).contains(&format!("Đầu chuỗi đúng là đầu chuỗi đã công bố (mục {seq})")), "{}", stdout(&o));
    let o = run(&dir, None, &["--lang", "en", "audit", "verify", "--expect", hash]);
    assert!(stdout(&o).contains("The head is the one published"), "the hash alone: {}", stdout(&o));

    // An entry removed from the end looks, to the chain alone, like a shorter chain: only the
    // published head tells (an entry number past the end stands for it here).
    let missing = format!("{}:{hash}", seq.parse::<u32>().unwrap() + 1);
    let o = run(&dir, None, &["audit", "verify", "--expect", &missing]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.starts_with("Nhật ký kiểm toán KHÔNG còn nguyên / The audit trail is NOT intact\n"), "{out}");
    assert!(out.contains("có mục bị xóa ở cuối"), "{out}");
    no_dump(&o);
    let o = run(&dir, None, &["--lang", "en", "audit", "verify", "--expect", &missing]);
    assert!(stdout(&o).contains("entries were removed from its end"), "{}", stdout(&o));

    // The entry is there with another hash: the chain was rewritten.
    let other = format!("{seq}:{}", "0".repeat(64));
    let o = run(&dir, None, &["--lang", "en", "audit", "verify", "--expect", &other]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains(&format!("Entry {seq} differs from the one published")), "{}", stdout(&o));

    // A write since: the published head is no longer the head, but still a checkpoint.
    let o = run(&dir, None, &["user", "add", "ana", "viewer"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&dir, None, &["--lang", "en", "audit", "verify", "--expect", &head]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("is no longer the head: 1 entry added after it"), "{}", stdout(&o));
    let o = run(&dir, None, &["audit", "verify", "--checkpoint", &head]);
    assert!(o.status.success(), "{}", stdout(&o));
    assert_ne!(head_of(&stdout(&o)), head);

    // Not a head at all: an error, said in both languages.
    let o = run(&dir, None, &["audit", "verify", "--expect", "12:abc"]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains("không phải đầu chuỗi") && err.contains("not a head"), "{err}");
    no_dump(&o);
}

#[test]
fn a_keyed_trail_needs_its_key_and_the_deep_check_runs() {
    let keys = std::env::temp_dir().join(format!("xhht-audit-keys-{}", std::process::id()));
    std::fs::create_dir_all(&keys).unwrap();
    let key = keys.join("audit.key");
    std::fs::write(&key, format!("{}\n", "5a".repeat(32))).unwrap();
    let other = keys.join("other.key");
    std::fs::write(&other, "6b".repeat(32)).unwrap();
    let short = keys.join("short.key");
    std::fs::write(&short, "too short").unwrap();
    let dir = fresh("keyed", Some(&key));

    let o = run(&dir, Some(&key), &["audit", "verify", "--deep"]);
    assert!(o.status.success(), "{}", stdout(&o));
    let out = stdout(&o);
    assert!(head_of(&out).contains(":hmac:"), "{out}");
    assert!(out.contains("Kiểm tra sâu: 22 bảng, 0 chỗ khác."), "{out}");
    no_dump(&o);

    // Without the key the hashes of keyed entries cannot be checked: not a success.
    let o = run(&dir, None, &["--lang", "en", "audit", "verify"]);
    assert_eq!(o.status.code(), Some(1));
    let out = stdout(&o);
    assert!(out.contains("could not be fully verified") && out.contains("--audit-key"), "{out}");
    let o = run(&dir, None, &["audit", "verify", "--audit-key", key.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    // …and nothing can be written without it.
    let o = run(&dir, None, &["user", "add", "ana", "viewer"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("XHHT_AUDIT_KEY_FILE"), "{}", stderr(&o));

    // Another key: the first keyed entry does not verify.
    let o = run(&dir, None, &["--lang", "en", "audit", "verify", "--audit-key", other.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("Entry 1 does not match its hash"), "{}", stdout(&o));
    no_dump(&o);
    let o = run(&dir, None, &["audit", "verify", "--audit-key", short.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("at least 32"), "{}", stderr(&o));

    // JSON for programs.
    let o = run(&dir, Some(&key), &["--format", "json", "audit", "verify", "--deep"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!((v["ok"].as_bool(), v["verified"].as_bool()), (Some(true), Some(true)));
    assert!(v["head"]["text"].as_str().unwrap().contains(":hmac:"));
    assert_eq!(v["keyed"], v["entries"]);
    assert_eq!(v["deep"]["total"], 0);
    let _ = std::fs::remove_dir_all(&keys);
}
