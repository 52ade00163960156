//! **Synthetic** year results for benchmarks at province size, made directly (without records
//! or evaluation, which at 3.3 million people take minutes): areas, organisations, people and
//! the results of 2023–2026 from a fixed pseudo-random sequence, shares rising year on year.
//! Everything here is invented; nothing describes a real place.

use chrono::NaiveDate;
use xhht_core::Text;
use xhht_core::area::{AdminArea, AreaLevel};
use xhht_core::entity::{OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory, SchoolLevel};
use xhht_core::period::DateRange;
use xhht_scoring::year::{OrgResult, PersonResult, Unmet, YearEngines, YearResults};
use xhht_scoring::{Evaluation, Outcome};

use crate::Rng;

/// A synthetic population with its year results.
#[derive(Debug, Clone)]
pub struct SyntheticResults {
    /// The province (code `72`) and its communes (`C000`…).
    pub areas: Vec<AdminArea>,
    /// Organisations `O00000`…, spread over the communes; one in 150 acts as a commune
    /// committee (an actor of the plan).
    pub organisations: Vec<Organisation>,
    /// People `P0000000`…, teachers, spread over the organisations.
    pub people: Vec<Person>,
    /// The results of 2023–2026.
    pub results: Vec<YearResults>,
}

/// Makes `people` people in `orgs` organisations over `communes` communes, with results for
/// 2023–2026 (seeded: the same arguments give the same results). A person who does not meet
/// the criteria has one or two unmet criteria, one with a reason, as an evaluation gives.
pub fn synthetic_results(
    engines: &YearEngines,
    people: usize,
    orgs: usize,
    communes: usize,
    seed: u64,
) -> SyntheticResults {
    let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
    let orgs = orgs.max(1);
    let communes = communes.max(1);
    let mut areas = vec![AdminArea {
        code: "72".into(),
        name: "Tỉnh mô phỏng".into(),
        level: AreaLevel::Province,
        parent: None,
        valid: DateRange::starting(day(2000, 1, 1)),
    }];
    for c in 0..communes {
        areas.push(AdminArea {
            code: format!("C{c:03}"),
            name: format!("Xã mô phỏng {c:03}"),
            level: AreaLevel::Commune,
            parent: Some("72".into()),
            valid: DateRange::starting(day(2000, 1, 1)),
        });
    }
    let organisations: Vec<Organisation> = (0..orgs)
        .map(|i| Organisation {
            code: format!("O{i:05}"),
            name: format!("Đơn vị mô phỏng {i:05}"),
            kind: if i % 5 == 0 { OrgKind::Agency } else { OrgKind::School(SchoolLevel::Primary) },
            ownership: Ownership::Public,
            level: OrgLevel::Commune,
            area: format!("C{:03}", i % communes),
            parent: None,
            actor: (i % 150 == 0).then(|| "actor.ubnd-xa".to_owned()),
            valid: DateRange::starting(day(2000, 1, 1)),
        })
        .collect();
    let persons: Vec<Person> = (0..people)
        .map(|i| Person {
            id: format!("P{i:07}"),
            full_name: format!("Người mô phỏng {i}"),
            birth_year: Some(1980),
            citizen_id: None,
            category: PersonCategory::GiaoVien,
            area: None,
        })
        .collect();
    let plan_version = engines.plan.version_for_year(2026).unwrap_or(0);
    let eval = |ok: bool| Evaluation {
        version: plan_version,
        outcome: Some(if ok { Outcome::Level(1) } else { Outcome::Fail }),
        total: None,
        diagnostics: Vec::new(),
    };
    let reason = Text::new(
        "kế hoạch tự học do người không phải thủ trưởng đơn vị phê duyệt",
        "the self-study plan was approved by someone other than the head of the unit",
    );
    let mut rng = Rng::new(seed);
    let results = (2023..=2026)
        .map(|year| {
            let rate = 55 + u64::try_from(year - 2023).unwrap_or(0) * 8;
            YearResults {
                year,
                people: persons
                    .iter()
                    .enumerate()
                    .map(|(i, p)| {
                        let holds = rng.below(100) < rate;
                        let registered = holds || rng.below(100) < 50;
                        let meets = holds && rng.below(100) < 90;
                        let mut criteria_unmet = Vec::new();
                        if !meets {
                            if !registered {
                                criteria_unmet.push(Unmet { indicator: "i1-registration".into(), reason: None });
                            }
                            if registered || rng.below(2) == 0 {
                                criteria_unmet.push(Unmet { indicator: "i2".into(), reason: Some(reason.clone()) });
                            }
                        }
                        PersonResult {
                            id: p.id.clone(),
                            category: p.category,
                            organisation: Some(format!("O{:05}", i % orgs)),
                            citizen: None,
                            registered,
                            holds_title: holds,
                            criteria: eval(meets),
                            criteria_unmet,
                        }
                    })
                    .collect(),
                organisations: organisations
                    .iter()
                    .map(|o| {
                        let meets = rng.below(100) < 70;
                        OrgResult {
                            code: o.code.clone(),
                            unit_rulebook: None,
                            unit: None,
                            title_level: (rng.below(100) < rate / 2).then_some(1),
                            title_expires_after_year: false,
                            title_held_until: None,
                            title_decision: None,
                            criteria: eval(meets),
                            criteria_unmet: if meets {
                                Vec::new()
                            } else {
                                vec![Unmet { indicator: "c2".into(), reason: None }]
                            },
                        }
                    })
                    .collect(),
            }
        })
        .collect();
    SyntheticResults { areas, organisations, people: persons, results }
}
