//! The generator's tests: determinism, "today", the district's names, the reorganisation.

use super::*;

fn tiny() -> Dataset {
    generate(Options { size: Size::Tiny, seed: 7, today: d(2026, 11, 28) }).unwrap()
}

#[test]
fn the_same_seed_gives_the_same_data() {
    let a = tiny();
    let b = tiny();
    assert_eq!(a.people, b.people);
    assert_eq!(a.assessments, b.assessments);
    assert_eq!(a.recognitions, b.recognitions);
    let c = generate(Options { size: Size::Tiny, seed: 8, today: d(2026, 11, 28) }).unwrap();
    assert_ne!(a.people, c.people);
}

#[test]
fn nothing_is_dated_after_today_and_the_current_year_is_in_progress() {
    let today = d(2026, 11, 28);
    let ds = tiny();
    assert!(ds.registrations.iter().all(|r| r.date() <= today));
    assert!(ds.assessments.iter().all(|a| a.date() <= today));
    assert!(ds.report_submissions.iter().all(|s| s.submitted_on <= today));
    assert!(ds.recognitions.iter().all(|r| r.decision_date() <= today && r.year() <= 2025));
    assert!(ds.report_submissions.iter().any(|s| s.year == 2026), "some 2026 reports are in");
    assert!(ds.report_submissions.iter().any(|s| s.submitted_on >= d(s.year, 12, 10)), "some are late");
    // Each submitted report says something, duty by duty, and only submitted reports do.
    for s in &ds.report_submissions {
        assert!(ds.duty_reports.iter().any(|r| r.organisation == s.organisation && r.year == s.year));
    }
    assert!(
        ds.duty_reports
            .iter()
            .all(|r| { ds.report_submissions.iter().any(|s| s.organisation == r.organisation && s.year == r.year) })
    );
    assert_eq!((ds.first_year, ds.last_year), (2023, 2026));
}

#[test]
fn the_district_has_the_real_commune_names_and_the_reform() {
    let ds = generate(Options { size: Size::District, seed: 1, today: d(2026, 11, 28) }).unwrap();
    let communes: Vec<&str> = ds
        .areas
        .iter()
        .filter(|a| a.level == AreaLevel::Commune && a.valid.to().is_some())
        .map(|a| a.name.as_str())
        .collect();
    assert_eq!(communes.len(), 17);
    assert!(communes.contains(&"Thị trấn Cần Đước") && communes.contains(&"Xã Long Hựu Tây"));
    assert!(ds.successions.iter().any(|s| s.from == "80" && s.to == "72"));
    assert!(ds.successions.iter().filter(|s| s.provenance.is_assumed()).count() >= 17);
    assert!((2_000..6_000).contains(&ds.people.len()), "{}", ds.people.len());
    assert!(ds.notice.en.starts_with("Synthetic data"));
    let engines = YearEngines::builtin().unwrap();
    let r = evaluate_year(&engines, ds.input(2025)).unwrap();
    let holding = r.people.iter().filter(|p| p.holds_title).count();
    assert!(holding * 100 / r.people.len() > 30, "a realistic share holds the title: {holding}");
    assert!(r.organisations.iter().any(|o| o.title_level.is_some()), "some units are recognised");
}

mod reorganisation {
    //! The reorganisation of 2025-07-01 in the organisations: the bodies of the district tier
    //! end, their successors begin, the same people carry on in fewer units.

    use std::sync::OnceLock;

    use xhht_core::entity::{MemberRole, Memberships, Organisation};

    use super::{Dataset, Options, Size, YearEngines, d, evaluate_year, generate, tiny};
    use crate::reform;

    fn district() -> &'static Dataset {
        static DS: OnceLock<Dataset> = OnceLock::new();
        DS.get_or_init(|| generate(Options { size: Size::District, seed: 1, today: d(2026, 11, 28) }).unwrap())
    }

    fn worlds() -> [Dataset; 2] {
        [tiny(), district().clone()]
    }

    fn ended(ds: &Dataset) -> Vec<&Organisation> {
        ds.organisations.iter().filter(|o| o.valid.to() == Some(d(2025, 6, 30))).collect()
    }

    #[test]
    fn the_district_bodies_and_the_old_committees_end_and_the_new_communes_have_theirs() {
        let ds = district();
        let codes = |os: Vec<&Organisation>| -> Vec<String> { os.iter().map(|o| o.code.clone()).collect() };
        let gone = codes(ended(ds));
        assert_eq!(gone.len(), 9 + 17, "{gone:?}");
        assert!(gone.contains(&"PNV-CANDUOC".to_owned()) && gone.contains(&"UBND-80602".to_owned()));
        let named = |name: &str| ds.organisations.iter().find(|o| o.name == name).unwrap();
        assert_eq!(named("UBND xã Long Định").valid.to(), Some(d(2025, 6, 30)));
        assert_eq!(named("Phòng Nội vụ huyện Cần Đước").valid.to(), Some(d(2025, 6, 30)));
        // Each new commune has its People's Committee and its culture–society office from 2025-07-01.
        let new: Vec<&str> =
            ds.areas.iter().filter(|a| a.valid.from() == d(2025, 7, 1)).map(|a| a.code.as_str()).collect();
        assert_eq!(new.len(), 6);
        for code in &new {
            let c = ds.organisations.iter().find(|o| o.code == format!("UBND-{code}")).unwrap();
            assert_eq!((c.area.as_str(), c.actor.as_deref()), (*code, Some("actor.ubnd-xa")));
            assert_eq!(c.kind, xhht_core::entity::OrgKind::CommuneCommittee);
            assert_eq!((c.valid.from(), c.valid.to()), (d(2025, 7, 1), None));
            let office = ds.organisations.iter().find(|o| o.code == format!("PVHXH-{code}")).unwrap();
            assert_eq!(office.parent.as_deref(), Some(c.code.as_str()));
        }
        assert_eq!(named("UBND xã Cần Đước").code, "UBND-72001");
        for name in ["Sở Giáo dục và Đào tạo tỉnh Tây Ninh", "Sở Nội vụ tỉnh Tây Ninh", "Hội Khuyến học tỉnh Tây Ninh"]
        {
            assert_eq!(named(name).area, "72");
        }
        assert_eq!(ds.organisations.iter().filter(|o| reform::created(o)).count(), 6 + 6 + 3);
        // Schools and the other units carry on.
        assert!(ds.organisations.iter().filter(|o| o.kind.id() == "school").all(|o| o.valid.to().is_none()));
        assert!(ds.notice.en.contains("assumed") && ds.notice.vi.contains("giả định"), "{:?}", ds.notice);
    }

    #[test]
    fn in_2026_no_body_that_ended_is_in_the_data_or_the_results() {
        let engines = YearEngines::builtin().unwrap();
        for ds in worlds() {
            let gone: Vec<String> = ended(&ds).iter().map(|o| o.code.clone()).collect();
            assert!(!gone.is_empty());
            let valid: Vec<&str> = ds
                .organisations
                .iter()
                .filter(|o| {
                    o.valid.overlaps(&xhht_core::period::DateRange::new(d(2026, 1, 1), Some(d(2026, 12, 31))).unwrap())
                })
                .map(|o| o.code.as_str())
                .collect();
            assert!(valid.iter().all(|c| !gone.iter().any(|g| g == c)), "{valid:?}");
            let r = evaluate_year(&engines, ds.input(2026)).unwrap();
            assert!(r.organisations.iter().all(|o| !gone.contains(&o.code)));
            assert!(ds.report_submissions.iter().all(|s| s.year < 2026 || !gone.contains(&s.organisation)));
        }
    }

    #[test]
    fn everyone_in_a_body_that_ended_carries_on_in_its_successor() {
        for ds in worlds() {
            let held = Memberships::new(&ds.memberships).unwrap();
            let mut moved = 0;
            for o in ended(&ds) {
                let to = reform::successors(&ds, o);
                assert!(!to.is_empty(), "{} has a successor", o.code);
                for p in held.members_of(&o.code, d(2025, 6, 30)) {
                    assert_eq!(held.organisation_of(p, d(2025, 7, 1)).map(|_| ()), Some(()), "{p} carries on");
                    let now = held.organisation_of(p, d(2025, 7, 1)).unwrap();
                    assert!(to.iter().any(|s| s == now), "{p}: {} → {now}, not one of {to:?}", o.code);
                    assert!(held.members_of(&o.code, d(2025, 7, 1)).is_empty());
                    moved += 1;
                }
            }
            assert!(moved > 100, "{moved}");
            // The old commune's committee passes whole into the new commune's.
            let long_dinh = ds.organisations.iter().find(|o| o.name == "UBND xã Long Định").unwrap();
            assert_eq!(reform::successors(&ds, long_dinh), ["UBND-72001"]);
        }
    }

    #[test]
    fn each_organisation_has_one_head_on_each_day() {
        for ds in worlds() {
            for day in [d(2025, 6, 30), d(2025, 7, 1), d(2026, 12, 1)] {
                for o in ds.organisations.iter().filter(|o| o.valid.contains(day)) {
                    let heads = ds
                        .memberships
                        .iter()
                        .filter(|m| m.organisation == o.code && m.role == MemberRole::Head && m.period.contains(day))
                        .count();
                    assert_eq!(heads, 1, "{} on {day}", o.code);
                }
            }
        }
    }

    #[test]
    fn the_same_people_are_counted_in_fewer_units() {
        let engines = YearEngines::builtin().unwrap();
        let ds = district();
        let r2024 = evaluate_year(&engines, ds.input(2024)).unwrap();
        let r2026 = evaluate_year(&engines, ds.input(2026)).unwrap();
        let in_a_unit =
            |r: &xhht_scoring::year::YearResults| r.people.iter().filter(|p| p.organisation.is_some()).count();
        assert_eq!(in_a_unit(&r2024), ds.people.len());
        assert_eq!(in_a_unit(&r2026), ds.people.len());
        // 79 units before (9 district bodies, 17 committees, 53 schools); 68 after (the schools,
        // 6 committees, 6 culture–society offices, 3 provincial bodies).
        assert_eq!((r2024.organisations.len(), r2026.organisations.len()), (79, 68));
    }

    #[test]
    fn the_records_of_a_body_fall_in_its_life() {
        for ds in worlds() {
            let life = |code: &str| ds.organisations.iter().find(|o| o.code == code).map(|o| o.valid).unwrap();
            let org = |s: &xhht_core::record::SubjectRef| match s {
                xhht_core::record::SubjectRef::Organisation(c) => Some(c.clone()),
                _ => None,
            };
            for a in &ds.assessments {
                if let Some(c) = org(a.subject()) {
                    assert!(life(&c).contains(a.date()), "{c}'s assessment of {}", a.date());
                }
            }
            for r in &ds.registrations {
                if let Some(c) = org(r.subject()) {
                    assert!(life(&c).contains(r.date()), "{c}'s registration of {}", r.date());
                }
            }
            for s in &ds.report_submissions {
                assert!(
                    life(&s.organisation).contains(s.submitted_on),
                    "{}'s report of {}",
                    s.organisation,
                    s.submitted_on
                );
            }
            for p in &ds.reward_proposals {
                if let Some(c) = org(p.subject()) {
                    assert!(life(&c).contains(p.proposed_on()), "{c} proposed for {}", p.year());
                }
            }
            // A body that ended sent its last report (of 2025) before it ended; the new ones
            // report from 2025 and are assessed from 2025.
            assert!(ds.report_submissions.iter().any(|s| s.year == 2025 && life(&s.organisation).to().is_some()));
            for year in [2025, 2026] {
                assert!(ds.assessments.iter().any(|a| {
                    a.year() == year
                        && org(a.subject())
                            .is_some_and(|c| reform::created(ds.organisations.iter().find(|o| o.code == c).unwrap()))
                }));
            }
        }
    }
}
