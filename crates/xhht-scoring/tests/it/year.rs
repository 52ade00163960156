//! A small district, evaluated a year at a time from its records: self-study plans approved by
//! the right head (or not), a person who moved, roll-ups of members' titles, recognitions that
//! expire, the wait before level 2, target tallies and reward eligibility.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use xhht_core::entity::{
    MemberRole, Membership, OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory, SchoolLevel,
};
use xhht_core::period::DateRange;
use xhht_core::record::{
    Assessment, Commitment, IndicatorValue, Recognition, Registration, SelfStudyPlan, SubjectRef, Value,
};
use xhht_core::rulebook::{RulebookSet, Subject};
use xhht_core::{Lang, Title};
use xhht_scoring::recognition::{UpgradeStatus, title_status, upgrade_status};
use xhht_scoring::year::{YearEngines, YearIndex, YearInput, evaluate_year};
use xhht_scoring::{Outcome, rewards, targets};

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap()
}

fn school(code: &str) -> Organisation {
    Organisation {
        code: code.into(),
        name: format!("Trường THCS {code}"),
        kind: OrgKind::School(SchoolLevel::LowerSecondary),
        ownership: Ownership::Public,
        level: OrgLevel::District,
        area: format!("area-{code}"),
        parent: None,
        actor: None,
        valid: DateRange::starting(d(2000, 1, 1)),
    }
}

fn teacher(id: &str) -> Person {
    Person {
        id: id.into(),
        full_name: format!("Giáo viên {id}"),
        birth_year: Some(1985),
        citizen_id: None,
        category: PersonCategory::GiaoVien,
        area: None,
    }
}

fn member(person: &str, org: &str, role: MemberRole, from: NaiveDate, to: Option<NaiveDate>) -> Membership {
    Membership { person: person.into(), organisation: org.into(), role, period: DateRange::new(from, to).unwrap() }
}

fn scores(person: &str, year: i32, each: i64, seventh: &str) -> Assessment {
    let mut values: Vec<IndicatorValue> = ["1", "2", "3", "4", "5", "6", "8", "9", "10"]
        .iter()
        .map(|i| IndicatorValue { indicator: (*i).into(), value: Value::Score(Decimal::from(each)), evidence: None })
        .collect();
    values.push(IndicatorValue {
        indicator: "7".into(),
        value: Value::Score(seventh.parse().unwrap()),
        evidence: None,
    });
    Assessment::new(SubjectRef::Person(person.into()), "cong-dan-hoc-tap", year, "HKH", d(year, 11, 20), values)
        .unwrap()
}

fn participates(subject: SubjectRef, indicator: &str, year: i32) -> Assessment {
    let v = IndicatorValue { indicator: indicator.into(), value: Value::YesNo(true), evidence: None };
    Assessment::new(subject, "ke-hoach.can-duoc-2024", year, "PGD", d(year, 12, 1), vec![v]).unwrap()
}

struct World {
    orgs: Vec<Organisation>,
    people: Vec<Person>,
    memberships: Vec<Membership>,
    registrations: Vec<Registration>,
    commitments: Vec<Commitment>,
    plans: Vec<SelfStudyPlan>,
    assessments: Vec<Assessment>,
    recognitions: Vec<Recognition>,
}

/// Two schools, A and B. h1 heads A until 31/03/2024, h5 from 01/04/2024; h2 heads B.
/// p1 stays in A; p2 moves from A to B on 01/07/2024; p3 stays in A.
fn world() -> World {
    let y = 2024;
    let people: Vec<Person> = ["h1", "h2", "h5", "p1", "p2", "p3", "p4"].iter().map(|p| teacher(p)).collect();
    let memberships = vec![
        member("h1", "A", MemberRole::Head, d(2015, 1, 1), Some(d(2024, 3, 31))),
        member("h5", "A", MemberRole::Head, d(2024, 4, 1), None),
        member("h2", "B", MemberRole::Head, d(2015, 1, 1), None),
        member("p1", "A", MemberRole::Member, d(2015, 1, 1), None),
        member("p2", "A", MemberRole::Member, d(2015, 1, 1), Some(d(2024, 6, 30))),
        member("p2", "B", MemberRole::Member, d(2024, 7, 1), None),
        member("p3", "A", MemberRole::Member, d(2015, 1, 1), None),
        member("p4", "A", MemberRole::Member, d(2015, 1, 1), Some(d(2024, 6, 30))),
        member("p4", "B", MemberRole::Member, d(2024, 7, 1), None),
    ];
    let plan = |p: &str, by: &str, on: NaiveDate| {
        SelfStudyPlan::submitted(p, y, d(y, 1, 15)).unwrap().approve(by, on).unwrap()
    };
    let plans = vec![
        plan("p1", "h1", d(y, 2, 1)), // h1 heads A that day: approved by the head
        plan("p2", "h1", d(y, 3, 1)), // p2 still in A, h1 its head: approved by the head
        plan("p3", "h2", d(y, 2, 1)), // h2 heads B, not p3's A: not the head
        plan("p4", "h1", d(y, 8, 1)), // p4 moved to B in July; h1 never headed B
        plan("h5", "h5", d(y, 4, 2)),
    ];
    let mut registrations = Vec::new();
    let mut commitments = Vec::new();
    let mut assessments = Vec::new();
    for p in ["h1", "h2", "h5", "p1", "p2", "p3", "p4"] {
        registrations
            .push(Registration::new(SubjectRef::Person(p.into()), Title::CongDanHocTap, y, d(y, 1, 10)).unwrap());
        commitments.push(Commitment { person: p.into(), year: y, date: d(y, 1, 10) });
        assessments.push(participates(SubjectRef::Person(p.into()), "i3", y));
    }
    for org in ["A", "B"] {
        registrations
            .push(Registration::new(SubjectRef::Organisation(org.into()), Title::DonViHocTap, y, d(y, 1, 5)).unwrap());
        assessments.push(participates(SubjectRef::Organisation(org.into()), "c3", y));
    }
    // CDHT: p1 82 (holds), p2 80 (holds), p3 79.5 (fails), h5 80, p4 80 with 7 at 4.5 (fails on the floor).
    assessments.push(scores("p1", y, 8, "10"));
    assessments.push(scores("p2", y, 8, "8"));
    assessments.push(scores("p3", y, 8, "7.5"));
    assessments.push(scores("h5", y, 8, "8"));
    assessments.push(scores("p4", y, 9, "4.5"));
    let recognitions = vec![
        // B: recognised at level 1 for data year 2024 under TT 24 (decision 10/02/2025).
        Recognition::new(
            SubjectRef::Organisation("B".into()),
            Title::DonViHocTap,
            Some(1),
            2024,
            "15/QĐ-UBND",
            d(2025, 2, 10),
            "Chủ tịch UBND huyện Cần Đước",
            None,
        )
        .unwrap(),
    ];
    World {
        orgs: vec![school("A"), school("B")],
        people,
        memberships,
        registrations,
        commitments,
        plans,
        assessments,
        recognitions,
    }
}

fn input(w: &World, year: i32) -> YearInput<'_> {
    YearInput {
        year,
        organisations: &w.orgs,
        people: &w.people,
        memberships: &w.memberships,
        registrations: &w.registrations,
        commitments: &w.commitments,
        self_study_plans: &w.plans,
        assessments: &w.assessments,
        recognitions: &w.recognitions,
    }
}

#[test]
fn a_plan_counts_only_when_approved_by_the_head_of_the_persons_own_unit_that_day() {
    let w = world();
    let index = YearIndex::new(input(&w, 2024)).unwrap();
    let (ok, why) = index.plan_approved_by_head("p1");
    assert!(ok, "{why}");
    let (ok, why) = index.plan_approved_by_head("p2");
    assert!(ok, "p2 was in A with h1 its head on 01/03: {why}");
    let (ok, why) = index.plan_approved_by_head("p3");
    assert!(!ok);
    assert_eq!(why.en, "approved by h2 on 2024-02-01, but the head of A that day was h1");
    let (ok, why) = index.plan_approved_by_head("p4");
    assert!(!ok);
    assert_eq!(why.en, "approved by h1 on 2024-08-01, but the head of B that day was h2");
    assert_eq!(index.organisation_of("p2"), Some("B"), "membership as of 31 December");
}

#[test]
fn the_year_evaluates_people_then_units_with_roll_ups() {
    let w = world();
    let engines = YearEngines::builtin().unwrap();
    let r = evaluate_year(&engines, input(&w, 2024)).unwrap();
    let person = |id: &str| r.people.iter().find(|p| p.id == id).unwrap();
    let dat = |e: &xhht_scoring::Evaluation| engines.plan.outcome_id(e.version, e.outcome.unwrap()).to_owned();
    assert_eq!(dat(&person("p1").criteria), "dat");
    assert_eq!(dat(&person("p3").criteria), "khong_dat", "plan approved by the wrong head");
    assert_eq!(dat(&person("p4").criteria), "khong_dat", "plan approved after moving, by the old head");
    assert!(person("p1").holds_title && person("p2").holds_title);
    assert!(!person("p3").holds_title, "79.5 < 80");

    // The explanation of p3's criteria names the approver and the head that day.
    let index = YearIndex::new(input(&w, 2024)).unwrap();
    let facts = index.facts(&engines.plan, Subject::Person, &SubjectRef::Person("p3".into()), vec![], &|_, _| false);
    let eval = engines.plan.evaluate(&facts, 2024).unwrap();
    let why = engines.plan.explain(&facts, 2024, &eval);
    let text = why.lines(Lang::Vi).join("\n");
    assert!(text.contains("h2 phê duyệt ngày 01/02/2024, nhưng thủ trưởng A ngày đó là h1"), "{text}");
    assert!(why.missing_sentence(Lang::En).contains("indicator i2"), "{}", why.missing_sentence(Lang::En));

    // A on 31/12: h5, p1, p3 (p2 and p4 left). Holding CDHT: h5 and p1 → 2 of 3.
    let a = r.organisations.iter().find(|o| o.code == "A").unwrap();
    assert_eq!(a.title_level, None);
    let a_facts = index.facts(
        engines.unit_for(2024).unwrap(),
        Subject::Organisation,
        &SubjectRef::Organisation("A".into()),
        school("A").tags(),
        &|p, t| t == Title::CongDanHocTap && ["h5", "p1"].contains(&p),
    );
    let unit = engines.unit_for(2024).unwrap();
    let e = unit.evaluate(&a_facts, 2024).unwrap();
    let why = unit.explain(&a_facts, 2024, &e);
    let line = why.lines(Lang::En).into_iter().find(|l| l.contains("huyen.3.1 ")).unwrap();
    assert!(line.contains("2/3 (66.67%) (2 of 3 members on 31 December)"), "{line}");
    assert!(line.contains("level 1: fails (≥ 90%)"), "{line}");
    let b = r.organisations.iter().find(|o| o.code == "B").unwrap();
    assert_eq!(b.title_level, Some(1));
}

#[test]
fn a_tt24_recognition_holds_three_data_years_then_expires() {
    let w = world();
    let set = RulebookSet::builtin();
    let b = SubjectRef::Organisation("B".into());
    for (year, held) in [(2023, false), (2024, true), (2025, true), (2026, true), (2027, false)] {
        let s = title_status(set, &w.recognitions, &b, Title::DonViHocTap, year);
        assert_eq!(s.held.is_some(), held, "{year}");
    }
    let s = title_status(set, &w.recognitions, &b, Title::DonViHocTap, 2026);
    assert!(s.expires_after(2026), "2026 is the last year covered");
    let gone = title_status(set, &w.recognitions, &b, Title::DonViHocTap, 2027);
    assert_eq!(gone.expired.map(|r| r.decision_number()), Some("15/QĐ-UBND"));

    // Under TT 22/2020 (data year 2023) a recognition covers its own year only.
    let old =
        Recognition::new(b.clone(), Title::DonViHocTap, None, 2022, "9/QĐ", d(2023, 3, 1), "UBND huyện", None).unwrap();
    let s = title_status(set, [&old], &b, Title::DonViHocTap, 2023);
    assert!(s.held.is_none());
}

#[test]
fn level_two_may_be_asked_for_twelve_months_after_level_one() {
    let w = world();
    let set = RulebookSet::builtin();
    let rec = &w.recognitions[0];
    assert_eq!(upgrade_status(set, rec, d(2025, 12, 1)), UpgradeStatus::NotBefore(d(2026, 2, 10)));
    assert_eq!(upgrade_status(set, rec, d(2026, 2, 9)), UpgradeStatus::NotBefore(d(2026, 2, 10)));
    assert_eq!(upgrade_status(set, rec, d(2026, 2, 10)), UpgradeStatus::Allowed);
}

#[test]
fn targets_count_staff_who_registered_and_hold_and_units_with_the_title() {
    let w = world();
    let engines = YearEngines::builtin().unwrap();
    let r = evaluate_year(&engines, input(&w, 2024)).unwrap();
    let plan = &RulebookSet::builtin().get("ke-hoach.can-duoc-2024").unwrap().rulebook;
    let tallies = targets::tally(&plan.targets, &r, &w.orgs);
    let citizens = tallies.iter().find(|t| t.target == "target.citizen-title").unwrap();
    // Holding: h1? no membership on 31/12 (left as head 31/03) → not counted. Counted: h2, h5,
    // p1, p2, p3, p4 = 6; registered and holding: h5, p1, p2 = 3 (h2 has no assessment).
    assert_eq!((citizens.total.numerator, citizens.total.denominator), (3, 6));
    assert_eq!(citizens.by_area.get("area-A").map(|t| (t.numerator, t.denominator)), Some((2, 3)));
    let units = tallies.iter().find(|t| t.target == "target.unit-title").unwrap();
    assert_eq!((units.total.numerator, units.total.denominator), (1, 2));
    assert_eq!(units.by_kind.get("school").map(|t| t.denominator), Some(2));
}

#[test]
fn annual_rewards_say_why_or_why_not() {
    let w = world();
    let engines = YearEngines::builtin().unwrap();
    let r = evaluate_year(&engines, input(&w, 2024)).unwrap();
    let plan = &RulebookSet::builtin().get("ke-hoach.can-duoc-2024").unwrap().rulebook;
    let list = rewards::annual(plan, &engines.plan, &r);
    let of = |id: &str| {
        list.iter().find(|e| e.subject == SubjectRef::Person(id.into()) && e.reward.ends_with("individual")).unwrap()
    };
    assert!(of("p1").eligible, "{:?}", of("p1").reasons);
    assert!(!of("p3").eligible);
    let reasons: Vec<&str> = of("p3").reasons.iter().map(|t| t.en.as_str()).collect();
    assert!(
        reasons.iter().any(|r| r.starts_with("does not meet the emulation criteria of IV.1.2 in 2024")),
        "{reasons:?}"
    );
    assert!(reasons.iter().any(|r| r.starts_with("does not hold the title")), "{reasons:?}");
    assert!(of("p1").judgement.is_some(), "the outstanding-achievement part stays human");
    let _ = Outcome::Fail;
}
