//! A year's digest gives what the results give: for random small districts and every scope a
//! digest lists (everyone, each area, each actor), the digest's target tallies, reward counts and lists, and criteria
//! lists equal those computed from the results one person at a time — with lists cut short
//! (the limits are small here) so the merge of groups is exercised.

use std::collections::{BTreeMap, HashSet};

use chrono::NaiveDate;
use proptest::prelude::*;
use rust_decimal::Decimal;
use xhht_core::Title;
use xhht_core::entity::{
    MemberRole, Membership, OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory, SchoolLevel,
};
use xhht_core::period::DateRange;
use xhht_core::record::{Assessment, Commitment, IndicatorValue, Registration, SelfStudyPlan, SubjectRef, Value};
use xhht_core::rulebook::RulebookSet;
use xhht_scoring::digest::{Limits, ListScope, YearDigest};
use xhht_scoring::rewards;
use xhht_scoring::targets::{TallyIndex, tally_digest, tally_with};
use xhht_scoring::year::{YearEngines, YearInput, YearResults, evaluate_year};

const YEAR: i32 = 2024;

fn d(m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(YEAR, m, day).unwrap()
}

fn org(n: usize) -> Organisation {
    Organisation {
        code: format!("O{n}"),
        name: format!("Trường {n}"),
        kind: if n.is_multiple_of(2) { OrgKind::School(SchoolLevel::Primary) } else { OrgKind::Agency },
        ownership: Ownership::Public,
        level: OrgLevel::Commune,
        area: format!("X{}", n % 3),
        parent: None,
        actor: (n % 3 != 1).then(|| format!("actor.{}", n % 2)),
        valid: DateRange::starting(NaiveDate::from_ymd_opt(2000, 1, 1).unwrap()),
    }
}

/// One person: which organisation (none when `None`), staff or not, and what they did.
#[derive(Debug, Clone)]
struct Who {
    org: Option<usize>,
    staff: bool,
    registered: bool,
    committed: bool,
    participates: bool,
    plan: bool,
    score: Option<i64>,
}

fn who(orgs: usize) -> impl Strategy<Value = Who> {
    (
        prop::option::weighted(0.85, 0..orgs),
        any::<bool>(),
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.7),
        prop::bool::weighted(0.8),
        prop::option::weighted(0.7, 6i64..=10),
    )
        .prop_map(|(org, staff, registered, committed, participates, plan, score)| Who {
            org,
            staff,
            registered,
            committed,
            participates,
            plan,
            score,
        })
}

struct World {
    orgs: Vec<Organisation>,
    people: Vec<Person>,
    memberships: Vec<Membership>,
    registrations: Vec<Registration>,
    commitments: Vec<Commitment>,
    plans: Vec<SelfStudyPlan>,
    assessments: Vec<Assessment>,
}

fn world(orgs: usize, people: &[Who], titled: &[bool]) -> World {
    let mut w = World {
        orgs: (0..orgs).map(org).collect(),
        people: Vec::new(),
        memberships: Vec::new(),
        registrations: Vec::new(),
        commitments: Vec::new(),
        plans: Vec::new(),
        assessments: Vec::new(),
    };
    // Each organisation's head, who approves its members' self-study plans.
    for n in 0..orgs {
        w.people.push(Person {
            id: format!("H{n}"),
            full_name: format!("Hiệu trưởng {n}"),
            birth_year: Some(1970),
            citizen_id: None,
            category: PersonCategory::CanBo,
            area: None,
        });
        w.memberships.push(Membership {
            person: format!("H{n}"),
            organisation: format!("O{n}"),
            role: MemberRole::Head,
            period: DateRange::starting(NaiveDate::from_ymd_opt(2010, 1, 1).unwrap()),
        });
    }
    for (i, p) in people.iter().enumerate() {
        let id = format!("P{i:03}");
        w.people.push(Person {
            id: id.clone(),
            full_name: format!("Người {i}"),
            birth_year: Some(1980),
            citizen_id: None,
            category: if p.staff { PersonCategory::GiaoVien } else { PersonCategory::Other },
            area: None,
        });
        let subject = SubjectRef::Person(id.clone());
        if let Some(o) = p.org {
            w.memberships.push(Membership {
                person: id.clone(),
                organisation: format!("O{o}"),
                role: MemberRole::Member,
                period: DateRange::starting(NaiveDate::from_ymd_opt(2010, 1, 1).unwrap()),
            });
        }
        if let (true, Some(o)) = (p.plan, p.org) {
            w.plans.push(
                SelfStudyPlan::submitted(&id, YEAR, d(1, 15)).unwrap().approve(format!("H{o}"), d(2, 1)).unwrap(),
            );
        }
        if p.registered {
            w.registrations.push(Registration::new(subject.clone(), Title::CongDanHocTap, YEAR, d(1, 10)).unwrap());
        }
        if p.committed {
            w.commitments.push(Commitment { person: id.clone(), year: YEAR, date: d(1, 10) });
        }
        if p.participates {
            let v = IndicatorValue { indicator: "i3".into(), value: Value::YesNo(true), evidence: None };
            w.assessments.push(
                Assessment::new(subject.clone(), "ke-hoach.can-duoc-2024", YEAR, "PGD", d(12, 1), vec![v]).unwrap(),
            );
        }
        if let Some(each) = p.score {
            let values = (1..=10)
                .map(|n| IndicatorValue {
                    indicator: n.to_string(),
                    value: Value::Score(Decimal::from(each)),
                    evidence: None,
                })
                .collect();
            w.assessments.push(Assessment::new(subject, "cong-dan-hoc-tap", YEAR, "HKH", d(11, 20), values).unwrap());
        }
    }
    for (n, t) in titled.iter().enumerate().take(orgs) {
        let subject = SubjectRef::Organisation(format!("O{n}"));
        w.registrations.push(Registration::new(subject.clone(), Title::DonViHocTap, YEAR, d(1, 5)).unwrap());
        if *t {
            let v = IndicatorValue { indicator: "c3".into(), value: Value::YesNo(true), evidence: None };
            w.assessments
                .push(Assessment::new(subject, "ke-hoach.can-duoc-2024", YEAR, "PGD", d(12, 1), vec![v]).unwrap());
        }
    }
    w
}

/// The results restricted to a scope, as the report restricts them.
fn scoped(r: &YearResults, keep: &HashSet<String>, district: bool) -> YearResults {
    YearResults {
        year: r.year,
        people: r
            .people
            .iter()
            .filter(|p| p.organisation.as_ref().map_or(district, |o| keep.contains(o)))
            .cloned()
            .collect(),
        organisations: r.organisations.iter().filter(|o| keep.contains(&o.code)).cloned().collect(),
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 48, ..ProptestConfig::default() })]

    #[test]
    fn a_digest_counts_and_lists_what_the_results_do(
        (orgs, people, titled, limit) in (1usize..6).prop_flat_map(|n| (
            Just(n),
            prop::collection::vec(who(n), 0..40),
            prop::collection::vec(any::<bool>(), n),
            1usize..4,
        ))
    ) {
        let w = world(orgs, &people, &titled);
        let engines = YearEngines::builtin().unwrap();
        let input = YearInput {
            year: YEAR,
            organisations: &w.orgs,
            people: &w.people,
            memberships: &w.memberships,
            registrations: &w.registrations,
            commitments: &w.commitments,
            self_study_plans: &w.plans,
            assessments: &w.assessments,
            recognitions: &[],
        };
        let results = evaluate_year(&engines, input).unwrap();
        let plan = &RulebookSet::builtin().get("ke-hoach.can-duoc-2024").unwrap().rulebook;
        let limits = Limits { unmet: 3, eligible: 2 };
        let noted: HashSet<&str> = w.people.iter().map(|p| p.id.as_str()).step_by(3).collect();
        let digest = YearDigest::new(&results, plan, &engines.plan, &w.orgs, limits, &noted);
        let index = TallyIndex::new(&w.orgs);
        // Every scope a digest lists: everyone, each area, each actor.
        let mut scopes = vec![ListScope::All];
        scopes.extend((0..3).map(|a| ListScope::Area(format!("X{a}"))));
        scopes.extend((0..2).map(|a| ListScope::Actor(format!("actor.{a}"))));
        for list in scopes {
            let district = list == ListScope::All;
            let keep: HashSet<String> = w
                .orgs
                .iter()
                .filter(|o| match &list {
                    ListScope::All => true,
                    ListScope::Area(a) => o.area == *a,
                    ListScope::Actor(a) => o.actor.as_ref() == Some(a),
                })
                .map(|o| o.code.clone())
                .collect();
            let part = digest.scoped(|o| keep.contains(o), district, |l| *l == list);
            let direct = scoped(&results, &keep, district);

            prop_assert_eq!(tally_digest(&plan.targets, &part, &index), tally_with(&plan.targets, &direct, &index));

            let l = limit.min(limits.eligible);
            prop_assert_eq!(
                rewards::annual_summary_digest(plan, &part, l),
                rewards::annual_summary(plan, &engines.plan, &direct, l)
            );

            let meets = |e: &xhht_scoring::Evaluation| e.outcome.is_some_and(|o| engines.plan.confers_title(e.version, o));
            let lu = limit.min(limits.unmet);
            let want: Vec<(&str, &[xhht_scoring::year::Unmet])> = direct
                .people
                .iter()
                .filter(|p| !meets(&p.criteria))
                .take(lu)
                .map(|p| (p.id.as_str(), p.criteria_unmet.as_slice()))
                .collect();
            let got: Vec<(&str, &[xhht_scoring::year::Unmet])> =
                part.first_unmet(lu).into_iter().map(|p| (p.id.as_str(), p.unmet.as_slice())).collect();
            for p in part.first_unmet(lu) {
                let r = direct.people.iter().find(|r| r.id == p.id).unwrap();
                prop_assert_eq!(&p.organisation, &r.organisation);
            }
            prop_assert_eq!(got, want);

            let mut unmet: BTreeMap<String, u64> = BTreeMap::new();
            for p in &direct.people {
                for u in &p.criteria_unmet {
                    *unmet.entry(u.indicator.clone()).or_default() += 1;
                }
            }
            let mut from_digest: BTreeMap<String, u64> = BTreeMap::new();
            for g in &part.groups {
                for (k, v) in &g.unmet {
                    *from_digest.entry(k.clone()).or_default() += v;
                }
            }
            prop_assert_eq!(from_digest, unmet);
            prop_assert_eq!(part.people(), direct.people.len() as u64);
            prop_assert_eq!(
                part.groups.iter().map(|g| g.holding_title).sum::<u64>(),
                direct.people.iter().filter(|p| p.holds_title).count() as u64
            );
            for (id, o) in &part.person_organisations {
                let p = direct.people.iter().find(|p| &p.id == id).unwrap();
                prop_assert_eq!(&p.organisation, o);
            }
        }
        // The digest survives a round trip through JSON (how a store keeps it).
        let json = serde_json::to_string(&digest).unwrap();
        prop_assert_eq!(serde_json::from_str::<YearDigest>(&json).unwrap(), digest);
    }
}
