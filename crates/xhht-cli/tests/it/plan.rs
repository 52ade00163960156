//! `xhht plan …`

use super::{stdout, xhht};

#[test]
fn targets_show_the_plan_and_the_national_references() {
    let o = xhht(&["plan", "targets", "--format", "csv"]);
    assert!(o.status.success());
    let s = stdout(&o);
    assert!(s.starts_with("id,scope,year,share,what,source,provenance\n"), "{s}");
    assert!(s.contains("target.unit-title,kế hoạch,2030,100,"), "{s}");
    assert!(s.contains("target.citizen-title,kế hoạch,2030,100,"), "{s}");
    assert!(s.contains("quốc gia (tham chiếu),2025,"), "{s}");
}

#[test]
fn the_timeline_gives_each_year_its_deadline_in_both_languages() {
    let vi = stdout(&xhht(&["plan", "timeline", "--format", "json"]));
    let rows: serde_json::Value = serde_json::from_str(&vi).unwrap();
    let y2025 = rows.as_array().unwrap().iter().find(|r| r["year"] == "2025").unwrap();
    assert_eq!(y2025["annual_report_due"], "trước 10/12/2025");
    assert_eq!(y2025["review"], "sơ kết giai đoạn 1");
    let y2023 = rows.as_array().unwrap().iter().find(|r| r["year"] == "2023").unwrap();
    assert!(y2023["learning_unit_dossier_due"].as_str().unwrap().contains("don-vi-hoc-tap.tt22-2020"));
    let y2024 = rows.as_array().unwrap().iter().find(|r| r["year"] == "2024").unwrap();
    assert_eq!(y2024["learning_unit_dossier_due"], "trước 15/01/2025 (don-vi-hoc-tap.tt24-2023)");
    let en = stdout(&xhht(&["--lang", "en", "plan", "timeline", "--format", "json"]));
    assert!(en.contains("\"before 2030-12-10\""), "{en}");
    assert!(en.contains("final review 2023–2030"), "{en}");
}

#[test]
fn actors_list_ten_and_one_actor_shows_its_duties() {
    let o = xhht(&["plan", "actors", "--format", "json"]);
    let rows: serde_json::Value = serde_json::from_str(&stdout(&o)).unwrap();
    assert_eq!(rows.as_array().unwrap().len(), 10);
    let one = stdout(&xhht(&["plan", "actors", "phong-noivu"]));
    assert!(one.starts_with("actor.phong-noivu — Phòng Nội vụ"), "{one}");
    assert!(one.contains("khen thưởng"), "{one}");
    let missing = xhht(&["plan", "actors", "nobody"]);
    assert_eq!(missing.status.code(), Some(1));
    assert!(super::stderr(&missing).contains("no actor `nobody`"));
}

#[test]
fn show_prints_every_section_with_ids() {
    let s = stdout(&xhht(&["plan", "show"]));
    for id in [
        "[basis.qd-1315]",
        "[target.citizen-title]",
        "[content.6]",
        "[criterion.individual.2]",
        "[solution.5]",
        "[phase.2]",
        "[funding.3]",
        "[actor.ubnd-xa]",
        "[reporting.annual]",
    ] {
        assert!(s.contains(id), "{id} missing");
    }
    let json: serde_json::Value = serde_json::from_str(&stdout(&xhht(&["plan", "show", "--format", "json"]))).unwrap();
    assert_eq!(json["actors"].as_array().unwrap().len(), 10);
}

#[test]
fn an_actor_form_is_written_to_fill() {
    let dir = std::env::temp_dir().join(format!("xhht-form-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let xlsx = dir.join("form.xlsx");
    let o = xhht(&[
        "--as-of",
        "2026-11-28",
        "form",
        "phong-ldtbxh",
        "--org",
        "PLDTBXH-CANDUOC",
        "--year",
        "2026",
        "--out",
        xlsx.to_str().unwrap(),
    ]);
    assert!(o.status.success(), "{}", super::stderr(&o));
    assert!(std::fs::metadata(&xlsx).unwrap().len() > 1000);
    let docx = dir.join("form.docx");
    let o = xhht(&["form", "actor.hkh", "--org", "HKH", "--out", docx.to_str().unwrap()]);
    assert!(o.status.success(), "{}", super::stderr(&o));
    let bad = xhht(&["form", "hkh", "--org", "HKH", "--out", dir.join("form.pdf").to_str().unwrap()]);
    assert_eq!(bad.status.code(), Some(1));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn a_plan_file_is_checked_like_a_rulebook_with_each_problem_on_its_line() {
    let dir = std::env::temp_dir().join(format!("xhht-plan-check-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let shipped = include_str!("../../../xhht-core/data/plans/can-duoc-2024.toml");
    let ok = dir.join("ke-hoach.toml");
    std::fs::write(&ok, shipped).unwrap();
    let o = xhht(&["plan", "check", ok.to_str().unwrap()]);
    assert!(o.status.success(), "{}", stdout(&o));
    let s = stdout(&o);
    assert!(s.contains("can-duoc-2024") && s.contains("hiệu lực từ 01/02/2024 đến 30/06/2025"), "{s}");

    // A partner no actor is, and a successor that succeeds itself: each named on its line.
    let bad_text = shipped
        .replacen("\"actor.phong-ldtbxh\", \"actor.phong-vhtt\"", "\"actor.phong-khong-co\", \"actor.phong-vhtt\"", 1)
        .replacen("valid_until = 2025-06-30", "valid_until = 2023-01-01", 1);
    let line = bad_text.lines().position(|l| l.contains("actor.phong-khong-co")).unwrap();
    let id_line = bad_text[..bad_text.find("actor.phong-khong-co").unwrap()]
        .lines()
        .enumerate()
        .filter(|(_, l)| l.trim_start().starts_with("id = "))
        .last()
        .map(|(n, _)| n + 1)
        .unwrap();
    assert!(id_line <= line + 1);
    let bad = dir.join("sai.toml");
    std::fs::write(&bad, &bad_text).unwrap();
    let o = xhht(&["plan", "check", bad.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    let s = stdout(&o);
    assert!(
        s.contains(&format!("sai.toml:{id_line}: ")) && s.contains("`actor.phong-khong-co` is not an actor"),
        "{s}"
    );
    let meta_line = bad_text.lines().position(|l| l == "[meta]").unwrap() + 1;
    assert!(s.contains(&format!("sai.toml:{meta_line}: meta: valid_until 2023-01-01 is before")), "{s}");

    // Not TOML at all: the line and column.
    let broken = dir.join("hong.toml");
    std::fs::write(&broken, "[meta]\nid = \n").unwrap();
    let o = xhht(&["plan", "check", broken.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("hong.toml:2:"), "{}", stdout(&o));
    let _ = std::fs::remove_dir_all(&dir);
}

#[test]
fn the_sample_successor_plan_checks_and_says_it_is_synthetic() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../examples/plans/ke-hoach-xa-can-duoc-2026.toml");
    let o = xhht(&["plan", "check", path]);
    assert!(o.status.success(), "{}", stdout(&o));
    let s = stdout(&o);
    assert!(s.contains("xa-can-duoc-2026") && s.contains("hiệu lực từ 15/01/2026 đến 31/12/2030"), "{s}");
    assert!(s.contains("dữ liệu mô phỏng") && s.contains("giả định"), "{s}");
    let text = std::fs::read_to_string(path).unwrap();
    let plan = xhht_core::plan::Plan::from_toml(&text, path).unwrap();
    assert_eq!(plan.meta.succeeds.as_deref(), Some("can-duoc-2024"));
    let (from, _) = plan.in_force();
    let (_, district_until) = xhht_core::plan::Plan::can_duoc_2024().in_force();
    assert!(from > district_until, "it starts after the district plan ended");
}
