//! `xhht rulebook …`

use super::{core_test_data, stderr, stdout, xhht};

#[test]
fn list_shows_the_six_shipped_rulebooks() {
    let o = xhht(&["rulebook", "list", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let ids: Vec<String> = stdout(&o).lines().skip(1).map(|l| l.split(',').next().unwrap().to_owned()).collect();
    assert_eq!(
        ids,
        [
            "ke-hoach.can-duoc-2024",
            "cong-dan-hoc-tap",
            "don-vi-hoc-tap.tt22-2020",
            "don-vi-hoc-tap.tt24-2023",
            "cong-dong-hoc-tap.tt25-2023",
            "gia-dinh-hoc-tap.qd448"
        ]
    );
}

#[test]
fn show_json_has_an_indicators_array_with_id_kind_and_max() {
    let o = xhht(&["rulebook", "show", "cong-dan-hoc-tap", "--format", "json"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    let ind = v["indicators"].as_array().unwrap();
    assert_eq!(ind.len(), 10);
    assert_eq!(ind[0]["id"], "1");
    assert_eq!(ind[0]["kind"], "score");
    assert_eq!(ind[0]["max"], "10");
    assert_eq!(v["content_hash"].as_str().unwrap().len(), 64);
}

#[test]
fn check_passes_on_the_shipped_rulebooks_and_lists_assumed_items() {
    let o = xhht(&["rulebook", "check"]);
    let s = stdout(&o);
    assert!(o.status.success(), "{s}{}", stderr(&o));
    assert!(s.contains("Các mục giả định"), "{s}");
    assert!(s.contains("cong-dan-hoc-tap/groups/II/indicators/7:"), "{s}");
    assert!(s.contains("6 bộ tiêu chí: 0 lỗi"), "{s}");
}

#[test]
fn check_fails_on_a_broken_rulebook_naming_file_and_rule() {
    let path = core_test_data("points-sum.toml");
    let o = xhht(&["--lang", "en", "rulebook", "check", &path]);
    assert_eq!(o.status.code(), Some(1));
    let s = stdout(&o);
    assert!(s.contains("points-sum.toml: error[points-sum]: thu/groups/G1:"), "{s}");
    assert!(s.contains("1 rulebooks: 5 errors"), "{s}");
    let parse = xhht(&["rulebook", "check", &core_test_data("unknown-field.toml")]);
    assert_eq!(parse.status.code(), Some(1));
    assert!(stdout(&parse).contains("unknown-field.toml:20:1: unknown field `kindd`"), "{}", stdout(&parse));
}

#[test]
fn diff_shows_what_changed_between_two_versions() {
    let o =
        xhht(&["rulebook", "diff", "cong-dan-hoc-tap@thi-diem-2021", "cong-dan-hoc-tap@qd324-2023", "--format", "csv"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("~,scoring/bands/dat/min_total,70,80"), "{}", stdout(&o));
    let same = xhht(&["rulebook", "diff", "cong-dan-hoc-tap", "cong-dan-hoc-tap"]);
    assert!(stdout(&same).contains("Không có khác biệt."));
    let bad = xhht(&["rulebook", "diff", "cong-dan-hoc-tap@nope", "cong-dan-hoc-tap@qd324-2023"]);
    assert_eq!(bad.status.code(), Some(1));
    assert!(stderr(&bad).contains("has no version `nope`"), "{}", stderr(&bad));
}

#[test]
fn unknown_rulebooks_and_bad_usage_have_clear_errors() {
    let o = xhht(&["rulebook", "show", "nope"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stderr(&o).contains("unknown rulebook `nope`"), "{}", stderr(&o));
    let usage = xhht(&["rulebook", "frobnicate"]);
    assert_eq!(usage.status.code(), Some(2));
}
