//! `xhht import` and `export`: officials' files in, all or nothing; bad files leave the database
//! as it was.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use super::{stderr, stdout};

fn examples() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples")
}

fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xhht"))
        .current_dir(dir)
        .args(args)
        .env_remove("XHHT_DATABASE_URL")
        .env_remove("XHHT_LANG")
        .output()
        .unwrap()
}

fn fresh(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("xhht-import-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    for kind in ["areas", "organisations", "people"] {
        let f = examples().join(format!("import-{kind}.csv"));
        let o = run(&dir, &["import", kind, f.to_str().unwrap()]);
        assert!(o.status.success(), "{kind}: {}", stderr(&o));
    }
    dir
}

#[test]
fn a_bad_file_is_refused_whole_with_every_error_and_changes_nothing() {
    let dir = fresh("bad");
    let before = run(&dir, &["export", "people", "--out", "before.csv"]);
    assert!(before.status.success(), "{}", stderr(&before));
    let bad = dir.join("bad-people.csv");
    std::fs::write(
        &bad,
        "id,full_name,birth_year,category,organisation,valid_from\nP-NEW-1,Nguyễn Văn Mới,1990,giao-vien,NOWHERE,01/01/2024\nP-NEW-2,Trần Thị Hai,1991,giao-su,,\nP-NEW-3,Lê Thị Ba,abc,giao-vien,,\n",
    )
    .unwrap();
    let o = run(&dir, &["import", "people", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let err = stderr(&o);
    assert!(err.contains(&format!("{}:2:", bad.display())), "{err}");
    assert!(err.contains(&format!("{}:3:", bad.display())), "{err}");
    assert!(err.contains(&format!("{}:4:", bad.display())), "{err}");
    let after = run(&dir, &["export", "people", "--out", "after.csv"]);
    assert!(after.status.success());
    assert_eq!(
        std::fs::read(dir.join("before.csv")).unwrap(),
        std::fs::read(dir.join("after.csv")).unwrap(),
        "nothing changed"
    );
    let audit = run(&dir, &["audit", "verify"]);
    assert!(audit.status.success(), "{}", stdout(&audit));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn skip_bad_rows_imports_the_good_ones_and_writes_the_rejected() {
    let dir = fresh("skip");
    let bad = dir.join("mixed.csv");
    std::fs::write(
        &bad,
        "id,full_name,birth_year,category\nP-OK-1,Trần Văn Tốt,1985,cong-chuc\nP-BAD-1,Phạm Thị Lỗi,19xx,cong-chuc\n",
    )
    .unwrap();
    let o = run(&dir, &["import", "people", bad.to_str().unwrap(), "--skip-bad-rows"]);
    assert_eq!(o.status.code(), Some(1), "rejected rows make the exit code 1");
    assert!(stdout(&o).contains("nhập 1"), "{}", stdout(&o));
    let rejected = std::fs::read_to_string(format!("{}.rejected.csv", bad.display())).unwrap();
    assert!(rejected.contains("P-BAD-1") && rejected.contains("error"), "{rejected}");
    let again = run(&dir, &["import", "people", bad.to_str().unwrap(), "--skip-bad-rows"]);
    assert!(stdout(&again).contains("không đổi 1"), "re-importing is idempotent: {}", stdout(&again));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn an_officials_xlsx_with_a_title_block_and_vietnamese_headers_imports() {
    let dir = fresh("xlsx");
    let f = examples().join("import-people.xlsx");
    let o = run(&dir, &["import", "people", f.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stderr(&o));
    let unknown = run(&dir, &["import", "galaxies", f.to_str().unwrap()]);
    assert_eq!(unknown.status.code(), Some(1));
    assert!(stderr(&unknown).contains("unknown kind `galaxies`"));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn users_and_tokens_for_the_server_are_made_from_the_command_line() {
    let dir = fresh("users");
    let o = Command::new(env!("CARGO_BIN_EXE_xhht"))
        .current_dir(&dir)
        .args(["user", "add", "nv-admin", "admin", "--password-env", "XHHT_TEST_PW"])
        .env("XHHT_TEST_PW", "mot-mat-khau-dai")
        .env_remove("XHHT_DATABASE_URL")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let t = run(&dir, &["user", "token", "nv-admin"]);
    assert!(t.status.success(), "{}", stderr(&t));
    let token = stdout(&t);
    assert!(token.trim().starts_with("xhht_") && token.trim().len() > 40, "{token}");
    let unit = run(&dir, &["user", "add", "truong-a", "unit"]);
    assert_eq!(unit.status.code(), Some(1), "a unit needs its organisation: {}", stdout(&unit));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_file_with_only_its_header_says_it_holds_no_rows() {
    let dir = fresh("header-only");
    std::fs::write(dir.join("empty.csv"), "id,full_name,birth_year,category,area\n").unwrap();
    let o = run(&dir, &["--lang", "en", "import", "people", "empty.csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("The file holds no data rows"), "{}", stdout(&o));
}

/// The peak resident memory (`VmHWM`, bytes) of a running process, as last seen.
fn peak_of(pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(format!("/proc/{pid}/status")).ok()?;
    let kib =
        status.lines().find_map(|l| l.strip_prefix("VmHWM:"))?.trim().trim_end_matches("kB").trim().parse::<u64>();
    kib.ok().map(|k| k * 1024)
}

#[test]
fn workbook_bombs_are_refused_by_the_command_line_in_bounded_memory() {
    use xhht_demo::hostile::{Bomb, workbook};
    let dir = fresh("bombs");
    for bomb in Bomb::ALL {
        let file = dir.join(format!("{}.xlsx", bomb.name()));
        std::fs::write(&file, workbook(bomb, 300 << 20).unwrap()).unwrap();
        let mut child = Command::new(env!("CARGO_BIN_EXE_xhht"))
            .current_dir(&dir)
            .args(["import", "people", file.to_str().unwrap()])
            .env_remove("XHHT_DATABASE_URL")
            .env_remove("XHHT_LANG")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // The process's own peak, read from it while it runs (every 2 ms until it ends).
        let mut peak = 0;
        while child.try_wait().unwrap().is_none() {
            peak = peak.max(peak_of(child.id()).unwrap_or(0));
            std::thread::sleep(std::time::Duration::from_millis(2));
        }
        let o = child.wait_with_output().unwrap();
        assert!(!o.status.success(), "{}: accepted", bomb.name());
        let err = stderr(&o);
        assert!(err.contains(bomb.name()) || err.contains(".xlsx"), "{}: the error names the file: {err}", bomb.name());
        assert!(peak < 256 << 20, "{}: the process peaked at {} MiB", bomb.name(), peak >> 20);
        // Nothing was stored: the people are those of the example file.
        let o = run(&dir, &["export", "people", "--out", "after.csv"]);
        assert!(o.status.success(), "{}", stderr(&o));
        let after = std::fs::read_to_string(dir.join("after.csv")).unwrap();
        assert!(!after.contains("aaaaaaaa"), "{}", bomb.name());
    }
}
