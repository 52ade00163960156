//! Tests of the plan: the embedded Cần Đước plan is complete and consistent.

use super::*;

#[test]
fn the_embedded_plan_has_every_section_the_document_has() {
    let plan = Plan::can_duoc_2024();
    assert_eq!(plan.bases.len(), 5, "legal bases");
    assert_eq!(plan.purposes.len(), 4, "purposes");
    assert_eq!(plan.requirements.len(), 4, "requirements");
    assert_eq!(plan.targets.len(), 2, "targets");
    assert_eq!(plan.contents.len(), 6, "emulation contents");
    assert_eq!(plan.collective_criteria.len(), 3, "collective criteria");
    assert_eq!(plan.individual_criteria.len(), 3, "individual criteria");
    assert_eq!(plan.rewards.len(), 2, "reward forms");
    assert_eq!(plan.solutions.len(), 6, "solutions");
    assert_eq!(plan.phases.len(), 2, "phases");
    assert_eq!(plan.funding.len(), 3, "funding sources");
    assert_eq!(plan.actors.len(), 10, "actors");
    assert!(plan.actors.iter().all(|a| !a.duties.is_empty()), "every actor has duties");
    assert_eq!(plan.recipients.len(), 10, "recipients");
}

#[test]
fn targets_phases_and_the_reporting_deadline_are_as_written() {
    let plan = Plan::can_duoc_2024();
    for id in ["target.unit-title", "target.citizen-title"] {
        let Some(PlanElement::Target(t)) = plan.find(id) else { panic!("{id} missing") };
        assert_eq!((t.share, t.by_year), (Decimal::ONE_HUNDRED, 2030), "{id}");
    }
    let p1 = plan.phase_of(2024).unwrap();
    assert_eq!((p1.id.as_str(), p1.review_year, p1.review), ("phase.1", 2025, ReviewKind::Preliminary));
    let p2 = plan.phase_of(2030).unwrap();
    assert_eq!((p2.id.as_str(), p2.review_year, p2.review), ("phase.2", 2030, ReviewKind::Final));
    assert!(plan.phase_of(2031).is_none());
    assert_eq!(plan.annual_report_deadline(2025), NaiveDate::from_ymd_opt(2025, 12, 10));
    let annual = &plan.reporting.annual;
    assert_eq!(annual.receiver, "actor.phong-gddt");
    assert_eq!(annual.reporters.len(), 9, "every actor but the standing body reports");
    assert_eq!(plan.reporting.synthesis.by, "actor.phong-gddt");
}

#[test]
fn every_plan_id_of_plan_en_md_is_reachable_with_bilingual_text() {
    let plan = Plan::can_duoc_2024();
    let ids = [
        "basis.qd-1315",
        "basis.kh-3607",
        "basis.kh-2796",
        "basis.qd-1373",
        "basis.qd-9047",
        "purpose.1",
        "purpose.4",
        "requirement.1",
        "requirement.4",
        "target.unit-title",
        "target.citizen-title",
        "content.1",
        "content.6",
        "criterion.collective.1",
        "criterion.collective.3",
        "criterion.individual.1",
        "criterion.individual.3",
        "reward.annual",
        "reward.phase",
        "solution.1",
        "solution.6",
        "phase.1",
        "phase.2",
        "funding.1",
        "funding.3",
        "actor.phong-gddt",
        "actor.phong-ldtbxh",
        "actor.phong-vhtt",
        "actor.phong-noivu",
        "actor.phong-tckh",
        "actor.ldld",
        "actor.hkh",
        "actor.ttvhtt",
        "actor.mttq",
        "actor.ubnd-xa",
        "reporting.annual",
        "reporting.synthesis",
    ];
    for id in ids {
        let el = plan.find(id).unwrap_or_else(|| panic!("{id} is not reachable"));
        assert!(!el.text().is_incomplete(), "{id} lacks Vietnamese or English text");
    }
    let standing: Vec<_> = plan.actors.iter().filter(|a| a.standing_body).map(|a| a.id.as_str()).collect();
    assert_eq!(standing, ["actor.phong-gddt"]);
    let noivu = plan.actor("actor.phong-noivu").unwrap();
    assert!(noivu.duties.iter().any(|d| d.text.vi.contains("khen thưởng")), "Nội vụ verifies reward dossiers");
}

#[test]
fn a_broken_plan_is_rejected_with_every_problem() {
    let src = include_str!("../../data/plans/can-duoc-2024.toml")
        .replace("id = \"content.2\"", "id = \"content.1\"")
        .replace("receiver = \"actor.phong-gddt\"", "receiver = \"actor.nobody\"");
    let err = Plan::from_toml(&src, "broken.toml").unwrap_err().to_string();
    assert!(err.starts_with("broken.toml: the plan is not consistent"), "{err}");
    assert!(err.contains("content.1: the id is used 2 times"), "{err}");
    assert!(err.contains("receiver `actor.nobody`"), "{err}");
}

#[test]
fn a_syntax_error_names_file_line_and_column() {
    let err = Plan::from_toml("[meta]\nid = \n", "bad.toml").unwrap_err();
    let Error::Toml { origin, line, .. } = &err else { panic!("{err}") };
    assert_eq!((origin.as_str(), *line), ("bad.toml", 2));
}

#[test]
fn the_district_plan_is_in_force_until_the_district_tier_ended() {
    let plan = Plan::can_duoc_2024();
    let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).unwrap();
    assert_eq!(plan.in_force(), (d(2024, 2, 1), d(2025, 6, 30)));
    assert!(plan.in_force_on(d(2025, 6, 30)));
    assert!(!plan.in_force_on(d(2025, 7, 1)));
    assert!(plan.meta.succeeds.is_none());
}
