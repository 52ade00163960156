//! Unit tests of rulebook loading and selection.

use super::*;

fn cdht() -> Rulebook {
    let src = BUILTIN_FILES.iter().find(|(id, _)| *id == "cong-dan-hoc-tap").unwrap().1;
    Rulebook::from_toml(src, "cong-dan-hoc-tap.toml").unwrap()
}

#[test]
fn cdht_parses_and_validates_without_errors() {
    let rb = cdht();
    let diags = validate(&rb, "cong-dan-hoc-tap.toml", &[Plan::can_duoc_2024()]);
    let errors: Vec<_> = diags.iter().filter(|d| d.severity == Severity::Error).collect();
    assert!(errors.is_empty(), "{errors:#?}");
    assert_eq!(rb.indicators().count(), 10);
}

#[test]
fn the_version_follows_the_data_year() {
    let rb = cdht();
    assert_eq!(rb.version_for_year(2022).map(|v| v.id.as_str()), Some("thi-diem-2021"));
    assert_eq!(rb.version_for_year(2023).map(|v| v.id.as_str()), Some("qd324-2023"));
    assert_eq!(rb.version_for_year(2030).map(|v| v.id.as_str()), Some("qd324-2023"));
    assert_eq!(rb.version_for_year(2020), None);
}
