//! The reorganisation of 2025-07-01 in the demo's organisations and memberships (synthetic; the
//! successor bodies and the moves of staff are **assumed**, after-2025.md's reading [I]).
//!
//! The district bodies and the old communes' People's Committees end on 2025-06-30. From
//! 2025-07-01 each new commune has its People's Committee (`UBND-72xxx`) and the culture–society
//! office of it (`PVHXH-72xxx`, holding the duties of `actor.phong-vhtt`), and the province's
//! education and home-affairs departments and study-promotion association hold the district-wide
//! duties of the Education Office, the Home Affairs Office and the district association
//! ([`names::PROVINCE_BODIES`]). Everyone who belonged to a body that ended belongs from
//! 2025-07-01 to its successor ([`successors`]): the same people, fewer units. Schools and the
//! other units carry on.
//!
//! Nothing here draws from the generator's sequence: the new bodies' quality is a hash of their
//! code, so the rest of the data is what it was before.

use std::collections::{HashMap, HashSet};

use chrono::NaiveDate;
use xhht_core::area::AreaLevel;
use xhht_core::entity::{MemberRole, Membership, OrgKind, OrgLevel, Organisation, Ownership};
use xhht_core::period::DateRange;

use crate::draw::mix;
use crate::names::{self, After};
use crate::{Dataset, Error, d, reform};

/// The last day of the district tier.
pub(crate) fn last_day() -> NaiveDate {
    d(2025, 6, 30)
}

/// The code of the province the old one merged into.
const PROVINCE: &str = "72";
/// The short name in the codes of the province's bodies.
const PROVINCE_SHORT: &str = "TAYNINH";
/// The province's name as it follows a body's name.
const PROVINCE_NAME: &str = "tỉnh Tây Ninh";

/// Whether the reorganisation made `o` (it began on 2025-07-01).
pub(crate) fn created(o: &Organisation) -> bool {
    o.valid.from() == reform()
}

/// Whether `o` ended with the district tier.
pub(crate) fn ended(o: &Organisation) -> bool {
    o.valid.to() == Some(last_day())
}

/// The new communes, in order: (code, name).
fn new_communes(ds: &Dataset) -> Vec<(String, String)> {
    ds.areas
        .iter()
        .filter(|a| a.level == AreaLevel::Commune && a.valid.from() == reform())
        .map(|a| (a.code.clone(), a.name.clone()))
        .collect()
}

/// The new commune an old commune passed into.
fn into(ds: &Dataset, old: &str) -> Option<String> {
    let new: HashSet<String> = new_communes(ds).into_iter().map(|(c, _)| c).collect();
    ds.successions.iter().find(|s| s.from == old && new.contains(&s.to)).map(|s| s.to.clone())
}

/// The new communes the communes of a district passed into, in order, each once.
fn communes_of_district(ds: &Dataset, district: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for a in ds.areas.iter().filter(|a| a.level == AreaLevel::Commune && a.parent.as_deref() == Some(district)) {
        if let Some(n) = into(ds, &a.code)
            && !out.contains(&n)
        {
            out.push(n);
        }
    }
    out
}

/// The district body an organisation that ended was (by its plan actor), with where it went.
fn district_body(o: &Organisation) -> Option<After> {
    names::DISTRICT_BODIES
        .iter()
        .find(|b| o.level == OrgLevel::District && o.kind == b.2 && o.actor.as_deref() == Some(b.3))
        .map(|b| b.4)
}

/// The organisations that carry on an organisation that ended on 2025-06-30: one (a commune's
/// People's Committee → the new commune's; the Education Office → the province's department),
/// or, for a body whose staff were spread over the new communes, each of them in the order
/// the staff are dealt out. Empty for an organisation that did not end.
pub(crate) fn successors(ds: &Dataset, o: &Organisation) -> Vec<String> {
    if !ended(o) {
        return Vec::new();
    }
    if o.kind == OrgKind::CommuneCommittee {
        return into(ds, &o.area).map(|n| vec![format!("UBND-{n}")]).unwrap_or_default();
    }
    let spread = |prefix: &str| -> Vec<String> {
        communes_of_district(ds, &o.area).iter().map(|c| format!("{prefix}-{c}")).collect()
    };
    match district_body(o) {
        Some(After::Province(prefix)) => vec![format!("{prefix}-{PROVINCE_SHORT}")],
        Some(After::CommuneOffice) => spread(names::COMMUNE_OFFICE.0),
        Some(After::Commune) => spread("UBND"),
        None => Vec::new(),
    }
}

/// Ends the district bodies' and old People's Committees' memberships on 2025-06-30 and carries
/// their people on in the successor bodies, which it adds (those nobody moved into are not
/// made). In each successor the first person who was a head of a body whose duties it holds
/// (the People's Committee of the first old commune; the culture office's head) is its head;
/// failing that, the first to arrive; everyone else is a member.
pub(crate) fn reorganise(ds: &mut Dataset, quality: &mut HashMap<String, u64>) -> Result<(), Error> {
    let from = reform();
    let mut made: Vec<Organisation> = Vec::new();
    let body =
        |code: String, name: String, kind, level, area: &str, parent: Option<String>, actor: &str| Organisation {
            code,
            name,
            kind,
            ownership: Ownership::Public,
            level,
            area: area.to_owned(),
            parent,
            actor: Some(actor.to_owned()),
            valid: DateRange::starting(from),
        };
    for (code, name) in new_communes(ds) {
        let place = name.replacen("Xã ", "xã ", 1).replacen("Phường ", "phường ", 1);
        let committee = format!("UBND-{code}");
        made.push(body(
            committee.clone(),
            format!("UBND {place}"),
            OrgKind::CommuneCommittee,
            OrgLevel::Commune,
            &code,
            None,
            "actor.ubnd-xa",
        ));
        let (prefix, office, actor) = names::COMMUNE_OFFICE;
        made.push(body(
            format!("{prefix}-{code}"),
            format!("{office} {place}"),
            OrgKind::Agency,
            OrgLevel::Commune,
            &code,
            Some(committee),
            actor,
        ));
    }
    for (prefix, name, kind, actor) in names::PROVINCE_BODIES {
        made.push(body(
            format!("{prefix}-{PROVINCE_SHORT}"),
            format!("{name} {PROVINCE_NAME}"),
            *kind,
            OrgLevel::Province,
            PROVINCE,
            None,
            actor,
        ));
    }
    let actor_of: HashMap<&str, Option<&str>> = made.iter().map(|o| (o.code.as_str(), o.actor.as_deref())).collect();
    // The bodies that ended, those holding the same duties after first (their heads lead).
    let mut gone: Vec<(&Organisation, Vec<String>)> =
        ds.organisations.iter().filter(|o| ended(o)).map(|o| (o, successors(ds, o))).collect();
    gone.sort_by_key(|(o, to)| {
        to.first().is_none_or(|s| actor_of.get(s.as_str()).copied().flatten() != o.actor.as_deref())
    });
    // Each successor's people in the order they arrive, with whether each was the head of a body
    // whose duties the successor holds.
    let day = last_day();
    let ending: HashSet<String> = gone.iter().map(|(o, _)| o.code.clone()).collect();
    let mut staff_of: HashMap<&str, Vec<&Membership>> = HashMap::new();
    for m in ds.memberships.iter().filter(|m| ending.contains(&m.organisation) && m.period.contains(day)) {
        staff_of.entry(m.organisation.as_str()).or_default().push(m);
    }
    let mut arriving: HashMap<String, Vec<(String, bool)>> = HashMap::new();
    for (o, to) in &gone {
        if to.is_empty() {
            continue;
        }
        let mut staff = staff_of.remove(o.code.as_str()).unwrap_or_default();
        staff.sort_by_key(|m| m.role != MemberRole::Head);
        for (i, m) in staff.into_iter().enumerate() {
            let successor = &to[i % to.len()];
            let leads =
                m.role == MemberRole::Head && actor_of.get(successor.as_str()).copied().flatten() == o.actor.as_deref();
            arriving.entry(successor.clone()).or_default().push((m.person.clone(), leads));
        }
    }
    for m in &mut ds.memberships {
        if ending.contains(&m.organisation) && m.period.contains(day) {
            m.period = DateRange::new(m.period.from(), Some(day))?;
        }
    }
    for o in made {
        let Some(people) = arriving.get(&o.code).filter(|p| !p.is_empty()) else { continue };
        let head = people.iter().position(|p| p.1).unwrap_or(0);
        for (i, (person, _)) in people.iter().enumerate() {
            ds.memberships.push(Membership {
                person: person.clone(),
                organisation: o.code.clone(),
                role: if i == head { MemberRole::Head } else { MemberRole::Member },
                period: DateRange::starting(from),
            });
        }
        quality.insert(o.code.clone(), mix(&[&o.code, "quality"], 0) % 100);
        ds.organisations.push(o);
    }
    Ok(())
}
