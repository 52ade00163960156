//! `xhht evidence …`: files attached to a person's assessment from the command line — by her own
//! account and by her unit's head, refused when they are not a PDF, an image, a Word document
//! or a workbook, listed and saved by those who may read her records only.

use std::path::{Path, PathBuf};

use super::steps::{examples_db, ok};

fn fails(dir: &Path, args: &[&str]) -> String {
    super::steps::fails(dir, 1, args)
}

fn args(v: &[String]) -> Vec<&str> {
    v.iter().map(String::as_str).collect()
}

/// The examples' records with the accounts of the head of THCS-LH, of GV002 and of GV004.
fn fresh(name: &str) -> PathBuf {
    examples_db("evidence", name, &[&["gv004", "member", "--person", "GV004"]])
}

#[test]
fn evidence_is_added_listed_saved_and_removed_by_those_who_may() {
    let dir = fresh("add-list");
    let pdf = b"%PDF-1.4\n% bang diem\ntrailer << >>\n%%EOF\n";
    std::fs::write(dir.join("bang-diem.pdf"), pdf).unwrap();
    std::fs::write(dir.join("trang.pdf"), "<!DOCTYPE html><script>alert(1)</script>").unwrap();
    ok(&dir, &["form", "phong-gddt", "--org", "THCS-LH", "--year", "2024", "--out", "bien-ban.docx"]);
    let key = ["person:GV002", "cong-dan-hoc-tap", "--year", "2024"];
    let with = |cmd: &str, rest: &[&str]| -> Vec<String> {
        let mut v = vec!["evidence".to_owned(), cmd.to_owned()];
        v.extend(key.iter().map(|s| (*s).to_owned()));
        v.extend(rest.iter().map(|s| (*s).to_owned()));
        v
    };
    // Her own account attaches to her self-assessment; her head attaches a Word document.
    let out = ok(&dir, &args(&with("add", &["bang-diem.pdf", "--as", "gv002"])));
    assert!(out.contains("Đã đính kèm bang-diem.pdf (application/pdf"), "{out}");
    let out = ok(&dir, &args(&with("add", &["bien-ban.docx", "--as", "ht-lh", "--lang", "en"])));
    assert!(out.contains("Attached bien-ban.docx") && out.contains("wordprocessingml"), "{out}");
    // An HTML page named .pdf is refused, and so is a colleague.
    let err = fails(&dir, &args(&with("add", &["trang.pdf", "--as", "gv002"])));
    assert!(err.contains("file:") && err.contains("PDF"), "{err}");
    let err = fails(&dir, &args(&with("add", &["bang-diem.pdf", "--name", "khac.pdf", "--as", "gv004"])));
    assert!(err.contains("only those who may write"), "{err}");
    // Listed for her, her head and the local administrator; not for a colleague.
    for who in [&["--as", "gv002"][..], &["--as", "ht-lh"], &[]] {
        let out = ok(&dir, &args(&with("list", &[&["--format", "json"], who].concat())));
        let list: serde_json::Value = serde_json::from_str(&out).unwrap();
        let names: Vec<&str> = list.as_array().unwrap().iter().map(|f| f["name"].as_str().unwrap()).collect();
        assert_eq!(names, ["bang-diem.pdf", "bien-ban.docx"], "{who:?}");
    }
    let err = fails(&dir, &args(&with("list", &["--as", "gv004"])));
    assert!(err.contains("evidence is open only to those who may read"), "{err}");
    let table = ok(&dir, &args(&with("list", &[])));
    assert!(table.contains("bang-diem.pdf") && table.contains("gv002"), "{table}");
    // Saved as it was sent; removed by her; the list follows.
    ok(&dir, &args(&with("get", &["bang-diem.pdf", "--out", "ban-sao.pdf", "--as", "ht-lh"])));
    assert_eq!(std::fs::read(dir.join("ban-sao.pdf")).unwrap(), pdf);
    let err = fails(&dir, &args(&with("get", &["bang-diem.pdf", "--out", "ban-sao.pdf"])));
    assert!(err.contains("ban-sao.pdf"), "an existing file is not overwritten: {err}");
    ok(&dir, &args(&with("remove", &["bang-diem.pdf", "--as", "gv002"])));
    let out = ok(&dir, &args(&with("list", &["--format", "csv"])));
    assert!(!out.contains("bang-diem.pdf") && out.contains("bien-ban.docx"), "{out}");
    let out = ok(&dir, &["audit", "verify", "--deep"]);
    assert!(!out.is_empty(), "{out}");
    let _ = std::fs::remove_dir_all(&dir);
}
