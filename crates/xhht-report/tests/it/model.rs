//! The report model: counts add up, deadlines are judged as of the given day, phases compare.

use proptest::prelude::*;
use xhht_report::model::{DeadlineStatus, ReportKind, Scope};

use super::{report, today, world};

#[test]
fn every_breakdown_adds_up_to_its_total() {
    for year in 2023..=2026 {
        let r = report(ReportKind::Annual, year, Scope::District);
        for t in &r.targets {
            let (met, of) = t.by_area.iter().fold((0, 0), |a, b| (a.0 + b.count.met, a.1 + b.count.of));
            assert_eq!((met, of), (t.count.met, t.count.of), "{} {year} by area", t.id);
            let (met, of) = t.by_kind.iter().fold((0, 0), |a, b| (a.0 + b.count.met, a.1 + b.count.of));
            assert_eq!((met, of), (t.count.met, t.count.of), "{} {year} by kind", t.id);
            assert_eq!(t.series.last().map(|p| p.count), Some(t.count), "the series ends with the year");
        }
        let c = &r.criteria;
        for row in c.collective.iter() {
            assert_eq!(row.count.of, c.collectives_meeting_all.of);
            assert!(row.count.met >= c.collectives_meeting_all.met, "meeting all implies meeting each");
        }
        for row in c.individual.iter() {
            assert_eq!(row.count.of, c.individuals_meeting_all.of);
        }
        assert_eq!(
            c.unmet_total,
            (c.collectives_meeting_all.of - c.collectives_meeting_all.met)
                + (c.individuals_meeting_all.of - c.individuals_meeting_all.met)
        );
        let d = &r.deadlines;
        assert_eq!(d.on_time + d.late + d.missing + d.not_yet_due, d.rows.len() as u64);
    }
}

#[test]
fn deadlines_are_judged_as_of_the_day_given() {
    let r = report(ReportKind::Annual, 2026, Scope::District);
    assert_eq!(r.deadlines.due.to_string(), "2026-12-10");
    assert_eq!(r.deadlines.last_on_time.to_string(), "2026-12-09", "“trước ngày 10/12” read strictly");
    assert_eq!(r.deadlines.missing, 0, "nothing is overdue on 28/11/2026");
    assert!(r.deadlines.not_yet_due > 0, "some reports are not in yet");
    assert!(r.deadlines.rows.iter().all(|row| !matches!(row.status, DeadlineStatus::Late { .. })));
    let last = report(ReportKind::Annual, 2025, Scope::District);
    assert_eq!(last.deadlines.not_yet_due, 0, "2025's deadline has passed");
    for row in &last.deadlines.rows {
        if let (Some(on), DeadlineStatus::Late { days }) = (row.submitted_on, row.status) {
            assert_eq!(days, (on - last.deadlines.last_on_time).num_days());
            assert!(days >= 1);
        }
    }
    assert_eq!(last.deadlines.learning_unit_dossier_due.map(|d| d.to_string()).as_deref(), Some("2026-01-15"));
    let _ = today();
}

#[test]
fn a_commune_scope_counts_only_its_units_and_people() {
    let (ds, _, _) = world();
    let commune = ds.areas.iter().find(|a| a.name == "Xã Long Định").unwrap();
    let all = report(ReportKind::Annual, 2024, Scope::District);
    let one = report(ReportKind::Annual, 2024, Scope::Area { code: commune.code.clone() });
    assert_eq!(one.scope_name.vi, "Xã Long Định");
    for (a, o) in all.targets.iter().zip(&one.targets) {
        assert!(o.count.of < a.count.of && o.count.of > 0, "{}", a.id);
    }
    let after = report(ReportKind::Annual, 2026, Scope::District);
    let note = |code: &str| after.targets[0].by_area.iter().find(|b| b.key == code).and_then(|b| b.note.clone());
    let merged = note("72001").expect("merged communes carry a note");
    assert!(merged.vi.contains("sáp nhập 01/07/2025"), "{merged:?}");
    // The province's own bodies (from 2025-07-01) are counted under it, without a note: the old
    // district's bodies ended on 2025-06-30.
    assert!(after.targets[0].by_area.iter().any(|b| b.key == "72"), "the province's bodies are counted");
    assert_eq!(note("72"), None);
    // A district body still on the records after 2025-07-01 is said to be the old district's, not
    // a merger.
    let (ds, _, engines) = world();
    let mut kept = ds.clone();
    let office = kept.organisations.iter_mut().find(|o| o.name == "Phòng Nội vụ huyện Cần Đước").unwrap();
    office.valid = xhht_core::period::DateRange::starting(office.valid.from());
    let results: Vec<_> = (kept.first_year..=kept.last_year)
        .map(|y| xhht_scoring::year::evaluate_year(engines, kept.input(y)).unwrap())
        .collect();
    let records = xhht_report::build::Records { organisations: &kept.organisations, ..crate::records() };
    let opts = xhht_report::build::Options {
        kind: ReportKind::Annual,
        year: 2026,
        as_of: today(),
        scope: Scope::District,
        notice: None,
        issuer: None,
    };
    let r =
        xhht_report::build::build(&records, &results, engines, xhht_core::plan::Plan::can_duoc_2024(), &opts).unwrap();
    let province = r.targets[0].by_area.iter().find(|b| b.key == "72").and_then(|b| b.note.clone()).unwrap();
    assert!(
        province.vi.contains("cấp huyện của huyện Cần Đước cũ") && !province.vi.contains("sáp nhập"),
        "{province:?}"
    );
}

#[test]
fn the_bodies_that_ended_in_2025_are_not_expected_in_2026_and_fewer_units_count_the_same_people() {
    // The district tier ended on 2025-06-30 (the demo's data): its offices and the old communes'
    // People's Committees send no report of 2026; the new communes' and the province's bodies do.
    let r2026 = report(ReportKind::Annual, 2026, Scope::District);
    let names: Vec<&str> = r2026.deadlines.rows.iter().map(|row| row.name.as_str()).collect();
    for gone in ["UBND xã Long Định", "Phòng Nội vụ huyện Cần Đước", "UBND thị trấn Cần Đước"]
    {
        assert!(!names.contains(&gone), "{gone} in {names:?}");
    }
    for new in ["UBND xã Cần Đước", "Sở Nội vụ tỉnh Tây Ninh"] {
        assert!(names.contains(&new), "{new} not in {names:?}");
    }
    let r2024 = report(ReportKind::Annual, 2024, Scope::District);
    let names_2024: Vec<&str> = r2024.deadlines.rows.iter().map(|row| row.name.as_str()).collect();
    assert!(names_2024.contains(&"UBND xã Long Định") && names_2024.contains(&"Phòng Nội vụ huyện Cần Đước"));
    // The units counted change; the people counted do not.
    let of = |r: &xhht_report::model::Report, id: &str| r.targets.iter().find(|t| t.id == id).unwrap().count.of;
    assert!(of(&r2026, "target.unit-title") < of(&r2024, "target.unit-title"));
    assert_eq!(of(&r2026, "target.citizen-title"), of(&r2024, "target.citizen-title"));
    assert_eq!(r2026.criteria.individuals_meeting_all.of, r2024.criteria.individuals_meeting_all.of);
    assert_ne!(r2026.criteria.collectives_meeting_all.of, r2024.criteria.collectives_meeting_all.of);
}

#[test]
fn the_preliminary_review_compares_the_phase_and_lists_phase_rewards() {
    let r = report(ReportKind::PhasePreliminary, 2025, Scope::District);
    assert_eq!((r.from_year, r.year), (2023, 2025));
    assert_eq!(r.targets[0].series.first().map(|p| p.year), Some(2023));
    assert!(r.rewards.rules.iter().all(|x| x.id.starts_with("reward.phase-1")), "{:?}", r.rewards.rules);
    assert!(!r.rewards.rules.is_empty());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(8))]
    #[test]
    fn shares_are_percentages_of_their_counts(year in 2023i32..=2026) {
        let r = report(ReportKind::Annual, year, Scope::District);
        for t in &r.targets {
            for p in &t.series {
                if let Some(s) = p.count.share {
                    prop_assert!(s >= 0.into() && s <= 100.into());
                    prop_assert!(p.count.met <= p.count.of);
                }
            }
        }
    }
}

#[test]
fn proposals_are_counted_by_where_they_stand_in_the_years_and_scope_of_the_report() {
    let r = report(ReportKind::Annual, 2025, Scope::District);
    let p = &r.rewards.proposals;
    let ind = p.iter().find(|x| x.reward == "reward.annual.individual").unwrap();
    assert_eq!(
        (ind.proposed, ind.awaiting_verification, ind.refused, ind.awaiting_decision, ind.approved, ind.rejected),
        (3, 1, 1, 0, 1, 0)
    );
    assert!(ind.title.is_some(), "the rule's title from the plan's rulebook");
    let col = p.iter().find(|x| x.reward == "reward.annual.collective").unwrap();
    assert_eq!((col.proposed, col.awaiting_decision), (1, 1));
    // Each proposal is in exactly one state.
    for x in p {
        let states = x.awaiting_verification + x.refused + x.awaiting_decision + x.approved + x.rejected;
        assert_eq!(states, x.proposed, "{}", x.reward);
    }
    // Another year's report does not count them; an organisation's covers only its own.
    assert!(report(ReportKind::Annual, 2026, Scope::District).rewards.proposals.is_empty());
    let (ds, _, _) = world();
    let first = ds.organisations[0].code.clone();
    let own = report(ReportKind::Annual, 2025, Scope::Organisation { code: first.clone() });
    assert!(own.rewards.proposals.iter().any(|x| x.reward == "reward.annual.collective"));
    let other = ds.organisations.iter().find(|o| o.code != first).unwrap().code.clone();
    let theirs = report(ReportKind::Annual, 2025, Scope::Organisation { code: other });
    assert!(theirs.rewards.proposals.iter().all(|x| x.reward != "reward.annual.collective"));
}

#[test]
fn an_annual_report_from_stored_digests_is_the_report_from_the_results() {
    use xhht_report::build::{Options as BuildOptions, Records, build, build_from_digests, digest};
    let (ds, results, engines) = world();
    let records = crate::records();
    // As a store keeps them: JSON text.
    let digests: Vec<xhht_scoring::digest::YearDigest> = results
        .iter()
        .map(|r| {
            let json = serde_json::to_string(&digest(r, &records, engines).unwrap()).unwrap();
            serde_json::from_str(&json).unwrap()
        })
        .collect();
    let commune = ds.areas.iter().find(|a| a.name == "Xã Long Định").unwrap().code.clone();
    let org = ds.organisations[0].code.clone();
    let actor = ds.organisations.iter().find_map(|o| o.actor.clone()).unwrap();
    let plan = xhht_core::plan::Plan::can_duoc_2024();
    let mut compared = 0;
    for year in [2023, 2024, 2025, 2026] {
        for scope in [
            Scope::District,
            Scope::Area { code: commune.clone() },
            Scope::Organisation { code: org.clone() },
            Scope::Actor { id: actor.clone() },
        ] {
            let opts = BuildOptions {
                kind: ReportKind::Annual,
                year,
                as_of: crate::today(),
                scope,
                notice: None,
                issuer: None,
            };
            let want = build(&records, results, engines, plan, &opts).unwrap();
            // Without the register of people: the few listed are looked up afterwards.
            let light = Records { people: &[], ..records };
            if matches!(opts.scope, Scope::Organisation { .. }) {
                // A digest lists no one by organisation: that report needs the results.
                assert!(build_from_digests(&light, &digests, engines, plan, &opts).is_err());
                continue;
            }
            let mut got = build_from_digests(&light, &digests, engines, plan, &opts).unwrap();
            let ids = got.unnamed_people();
            assert!(ids.len() <= 200 + 500 * 2, "{}", ids.len());
            got.fill_names(ds.people.iter().filter(|p| ids.contains(&p.id)));
            assert_eq!(got, want, "{year} {:?}", opts.scope);
            compared += usize::from(!want.criteria.unmet.is_empty() || !want.rewards.eligible.is_empty());
        }
    }
    assert!(compared > 4, "the reports compared list people");
    let phase = BuildOptions {
        kind: ReportKind::PhasePreliminary,
        year: 2025,
        as_of: crate::today(),
        scope: Scope::District,
        notice: None,
        issuer: None,
    };
    assert!(build_from_digests(&records, &digests, engines, plan, &phase).is_err(), "a phase review needs results");
}

#[test]
fn a_scope_that_names_nothing_on_record_is_refused_from_results_and_from_digests() {
    use xhht_report::build::{Options as BuildOptions, Records, build, build_from_digests, digest};
    let (ds, results, engines) = world();
    let records = crate::records();
    let digests: Vec<_> = results.iter().map(|r| digest(r, &records, engines).unwrap()).collect();
    let plan = xhht_core::plan::Plan::can_duoc_2024();
    let light = Records { people: &[], ..records };
    let opts = |scope| BuildOptions {
        kind: ReportKind::Annual,
        year: 2026,
        as_of: today(),
        scope,
        notice: None,
        issuer: None,
    };
    for (scope, shown) in [
        (Scope::Actor { id: "actor.../../x".into() }, "actor:../../x"),
        (Scope::Actor { id: "actor.nope".into() }, "actor:nope"),
        (Scope::Organisation { code: "NOPE".into() }, "org:NOPE"),
        (Scope::Area { code: "NOPE".into() }, "commune:NOPE"),
        (Scope::Area { code: String::new() }, "commune:"),
    ] {
        let from_results = build(&records, results, engines, plan, &opts(scope.clone())).unwrap_err();
        assert!(
            matches!(&from_results, xhht_report::Error::UnknownScope { scope, .. } if scope == shown),
            "{from_results:?}"
        );
        assert!(from_results.to_string().contains(&format!("unknown scope `{shown}`")), "{from_results}");
        let vi = from_results.message(xhht_core::Lang::Vi);
        assert!(vi.starts_with(&format!("không có phạm vi `{shown}`")), "{vi}");
        assert_eq!(from_results.message(xhht_core::Lang::En), from_results.to_string());
        let phase = BuildOptions { kind: ReportKind::PhasePreliminary, year: 2025, ..opts(scope.clone()) };
        let err = build(&records, results, engines, plan, &phase).unwrap_err();
        assert!(err.to_string().contains("unknown scope"), "{err}");
        if !matches!(scope, Scope::Organisation { .. }) {
            let from_digests = build_from_digests(&light, &digests, engines, plan, &opts(scope)).unwrap_err();
            assert!(matches!(from_digests, xhht_report::Error::UnknownScope { .. }), "{from_digests:?}");
        }
    }
    // What is on record: an area (a commune that merged in 2025 too), an organisation, an actor
    // of the plan (even one no organisation acts as).
    let merged = ds.areas.iter().find(|a| a.name == "Xã Long Định").unwrap().code.clone();
    let org = ds.organisations[0].code.clone();
    let actor = plan.actors.iter().find(|a| !ds.organisations.iter().any(|o| o.actor.as_ref() == Some(&a.id)));
    let mut known = vec![Scope::District, Scope::Area { code: merged }, Scope::Organisation { code: org }];
    known.extend(actor.map(|a| Scope::Actor { id: a.id.clone() }));
    for scope in known {
        assert!(build(&records, results, engines, plan, &opts(scope.clone())).is_ok(), "{scope:?}");
    }
}

/// Last year's units judged under this year's rules (`xhht progress --comparable`): only those
/// with an assessment under the new rulebook can be judged — in the demo, the units that tried
/// TT 24/2023 in 2023.
#[test]
fn units_of_2023_rescored_under_the_rules_of_2024() {
    use xhht_scoring::rescore::rescore_units;
    let (ds, results, engines) = world();
    let r = rescore_units(engines, ds.input(2023), 2024).unwrap().unwrap();
    assert_eq!(r.rulebook, "don-vi-hoc-tap.tt24-2023");
    assert_eq!(r.organisations, results[0].organisations.len() as u64, "every unit of 2023");
    let pilots = ds.assessments.iter().filter(|a| a.year() == 2023 && a.rulebook() == r.rulebook).count() as u64;
    assert!(pilots > 0 && pilots < r.organisations, "some units tried the new criteria in 2023");
    assert_eq!(r.assessed, pilots);
    assert!(r.meeting <= r.assessed);

    // Without those pilot assessments there is nothing to judge by: none assessed, no share.
    let mut without = ds.clone();
    without.assessments.retain(|a| !(a.year() == 2023 && a.rulebook() == r.rulebook));
    let none = rescore_units(engines, without.input(2023), 2024).unwrap().unwrap();
    assert_eq!((none.organisations, none.assessed, none.meeting, none.share), (r.organisations, 0, 0, None));
    // Under its own year's rules, the re-scoring is the year's evaluation.
    let own = rescore_units(engines, ds.input(2023), 2023).unwrap().unwrap();
    let engine = &engines.unit[&own.rulebook];
    let confers = results[0]
        .organisations
        .iter()
        .filter(|o| o.unit.as_ref().is_some_and(|e| e.outcome.is_some_and(|x| engine.confers_title(e.version, x))))
        .count() as u64;
    assert!(own.assessed > 0 && own.rulebook != r.rulebook);
    assert_eq!(own.meeting, confers);
}

#[test]
fn a_report_of_a_year_after_the_plan_ended_says_so_in_its_heading() {
    let y2026 = report(ReportKind::Annual, 2026, Scope::District);
    assert_eq!(y2026.plan_until, chrono::NaiveDate::from_ymd_opt(2025, 6, 30));
    let doc = xhht_report::doc::document(&y2026, xhht_core::Lang::Vi);
    let md = xhht_report::render::markdown::render(&doc);
    assert!(md.contains("Kế hoạch hết hiệu lực ngày 30/06/2025"), "{md}");
    let y2024 = report(ReportKind::Annual, 2024, Scope::District);
    assert_eq!(y2024.plan_until, None, "in force through 2024");
}

#[test]
fn after_the_plan_ended_each_actor_names_the_body_holding_its_duties_that_day() {
    let y2026 = report(ReportKind::Annual, 2026, Scope::District);
    assert!(y2026.actors.iter().all(|a| a.held_by.is_some()), "every actor says who holds it in 2026");
    let held: Vec<_> = y2026.actors.iter().filter_map(|a| a.held_by.clone().flatten()).collect();
    assert!(!held.is_empty(), "some duties passed to a successor body");
    assert!(held.iter().all(|t| !t.vi.contains("huyện")), "no district body holds a duty in 2026: {held:?}");
    let md = xhht_report::render::markdown::render(&xhht_report::doc::document(&y2026, xhht_core::Lang::Vi));
    assert!(md.contains("(nay: "), "{md}");
    let y2024 = report(ReportKind::Annual, 2024, Scope::District);
    assert!(y2024.actors.iter().all(|a| a.held_by.is_none()), "while the plan is in force, its own actors");
}
