//! The rulebooks and the plan that ship with xhht load, validate and say what they should.

use xhht_core::Title;
use xhht_core::plan::Plan;
use xhht_core::rulebook::{
    BUILTIN_FILES, IndicatorKind, LoadedRulebook, RulebookSet, Scoring, Severity, Subject, validate,
};

const IDS: [&str; 6] = [
    "ke-hoach.can-duoc-2024",
    "cong-dan-hoc-tap",
    "don-vi-hoc-tap.tt22-2020",
    "don-vi-hoc-tap.tt24-2023",
    "cong-dong-hoc-tap.tt25-2023",
    "gia-dinh-hoc-tap.qd448",
];

#[test]
fn every_shipped_rulebook_loads_and_validates_without_errors() {
    let set = RulebookSet::builtin();
    assert_eq!(set.iter().map(|b| b.rulebook.id()).collect::<Vec<_>>(), IDS);
    for (id, src) in BUILTIN_FILES {
        let loaded = LoadedRulebook::from_toml(src, id, &[Plan::can_duoc_2024()]).unwrap();
        let diags = validate(&loaded.rulebook, id, &[Plan::can_duoc_2024()]);
        let errors: Vec<_> = diags.iter().filter(|d| d.severity != Severity::Assumed).collect();
        assert!(errors.is_empty(), "{id}: {errors:#?}");
        assert_eq!(loaded.content_hash.len(), 64);
    }
}

#[test]
fn every_assumed_item_is_listed_with_a_bilingual_note() {
    let set = RulebookSet::builtin();
    let qd448 = &set.get("gia-dinh-hoc-tap.qd448").unwrap().rulebook;
    let items = qd448.assumed_items();
    assert!(items.len() >= 3, "QĐ 448 is largely assumed: {items:?}");
    for b in set.iter() {
        for (path, note) in b.rulebook.assumed_items() {
            assert!(path.starts_with(b.rulebook.id()), "{path}");
            assert!(!note.is_incomplete(), "{path}: note must be bilingual");
        }
    }
    let cdht = &set.get("cong-dan-hoc-tap").unwrap().rulebook;
    assert!(cdht.assumed_items().iter().any(|(p, _)| p == "cong-dan-hoc-tap/groups/II/indicators/7"));
}

#[test]
fn cdht_has_ten_indicators_of_ten_points_and_two_thresholds() {
    let rb = &RulebookSet::builtin().get("cong-dan-hoc-tap").unwrap().rulebook;
    assert_eq!(rb.groups.len(), 3);
    let ids: Vec<_> = rb.indicators().map(|(_, i)| i.id.as_str()).collect();
    assert_eq!(ids, ["1", "2", "3", "4", "5", "6", "7", "8", "9", "10"], "source order");
    assert!(rb.indicators().all(|(_, i)| i.kind == IndicatorKind::Score && i.max == Some(10.into())));
    let pass = |year| match &rb.version_for_year(year).unwrap().scoring {
        Scoring::Points(p) => (p.bands[0].min_total, p.bands[0].floor),
        other => panic!("{other:?}"),
    };
    assert_eq!(pass(2022), (70.into(), Some(5.into())), "the 2021 pilot");
    assert_eq!(pass(2024), (80.into(), Some(5.into())), "QĐ 324/QĐ-KHVN");
}

#[test]
fn the_learning_unit_regime_follows_the_data_year() {
    let set = RulebookSet::builtin();
    let regime = |year| set.regime_for(Title::DonViHocTap, Subject::Organisation, year).map(|b| b.rulebook.id());
    assert_eq!(regime(2021), Some("don-vi-hoc-tap.tt22-2020"));
    assert_eq!(regime(2023), Some("don-vi-hoc-tap.tt22-2020"));
    assert_eq!(regime(2024), Some("don-vi-hoc-tap.tt24-2023"));
    assert_eq!(regime(2030), Some("don-vi-hoc-tap.tt24-2023"));
    assert_eq!(regime(2019), None, "TT 22/2020 took effect on 21/09/2020");
}

#[test]
fn tt22_grades_and_tt24_levels_are_as_the_circulars_say() {
    let set = RulebookSet::builtin();
    let tt22 = &set.get("don-vi-hoc-tap.tt22-2020").unwrap().rulebook;
    let Scoring::Points(p) = &tt22.version_for_year(2022).unwrap().scoring else { panic!() };
    let bands: Vec<_> = p.bands.iter().map(|b| (b.id.as_str(), b.min_total)).collect();
    assert_eq!(bands, [("tot", 85.into()), ("kha", 70.into()), ("trung_binh", 50.into())]);
    assert_eq!(p.fail.id, "khong_dat");
    let maxima: Vec<_> = tt22.groups.iter().map(|g| g.max.unwrap()).collect();
    assert_eq!(maxima, [30.into(), 30.into(), 40.into()]);

    let tt24 = &set.get("don-vi-hoc-tap.tt24-2023").unwrap().rulebook;
    let v = tt24.version_for_year(2024).unwrap();
    let Scoring::Levels(l) = &v.scoring else { panic!() };
    assert_eq!(l.levels.iter().map(|l| l.id.as_str()).collect::<Vec<_>>(), ["muc_1", "muc_2"]);
    let rec = v.recognition.as_ref().unwrap();
    assert_eq!((rec.validity_years, rec.upgrade_wait_months), (Some(3), Some(12)));
    let dossier = rec.dossier_deadline.unwrap();
    assert_eq!((dossier.day, dossier.month, dossier.year_offset), (15, 1, 1));
    assert!(tt24.indicators().all(|(_, i)| i.evidence_required), "TT 24: no evidence, no pass");
    let mins: Vec<_> = tt24
        .indicators()
        .filter(|(_, i)| i.source.as_deref() == Some("members.holding:cong-dan-hoc-tap"))
        .flat_map(|(_, i)| i.thresholds.iter().map(|t| (t.level, t.min)))
        .collect();
    assert!(mins.contains(&(Some(1), Some(90.into()))) && mins.contains(&(Some(2), Some(95.into()))), "{mins:?}");
}

#[test]
fn tt25_commune_needs_60_then_80_percent_learning_citizens() {
    let rb = &RulebookSet::builtin().get("cong-dong-hoc-tap.tt25-2023").unwrap().rulebook;
    let (g, i) = rb
        .indicators()
        .find(|(g, i)| {
            rb.subject_of(g) == Some(Subject::Commune)
                && i.source.as_deref() == Some("citizens.holding:cong-dan-hoc-tap")
        })
        .unwrap();
    assert_eq!(rb.subject_of(g), Some(Subject::Commune));
    let mins: Vec<_> = i.thresholds.iter().map(|t| (t.level, t.min)).collect();
    assert_eq!(mins, [(Some(1), Some(60.into())), (Some(2), Some(80.into()))]);
    for subject in [Subject::Commune, Subject::District, Subject::Province] {
        assert!(rb.groups.iter().any(|g| rb.subject_of(g) == Some(subject)), "{subject:?} tier");
    }
}

#[test]
fn the_plan_rulebook_holds_targets_criteria_rewards_and_reporting() {
    let rb = &RulebookSet::builtin().get("ke-hoach.can-duoc-2024").unwrap().rulebook;
    assert_eq!(
        rb.targets.iter().map(|t| t.id.as_str()).collect::<Vec<_>>(),
        ["target.unit-title", "target.citizen-title"]
    );
    assert!(rb.targets.iter().all(|t| t.share == 100.into() && t.by_year == 2030));
    let subjects: Vec<_> = rb.groups.iter().map(|g| rb.subject_of(g)).collect();
    assert_eq!(subjects, [Some(Subject::Organisation), Some(Subject::Person)]);
    assert!(rb.rewards.len() >= 2);
    let reporting = rb.reporting.iter().find(|r| r.id == "reporting.annual").unwrap();
    assert_eq!((reporting.deadline.day, reporting.deadline.month), (10, 12));
}
