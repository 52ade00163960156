//! Who issues a report and what it covers, in words: the letterhead in force on its day and
//! the scope's name.

use std::collections::HashMap;

use xhht_core::Text;
use xhht_core::area::AreaRegistry;
use xhht_core::entity::{OrgKind, Organisation};
use xhht_core::issuer::{Issuer, Issuers};
use xhht_core::plan::Plan;

use super::Options;
use crate::model::Scope;

/// The letterhead of a report. A letterhead given for the report's own scope (the
/// deployment's issuers file names it) is taken as it is. Otherwise a commune's report is
/// issued by that commune's People's Committee in force on the report's day, an organisation's
/// by the organisation, an actor's by the one body acting as it that day — their letterheads
/// made from the records and marked assumed — and the whole area's (or a scope with no such
/// body) by the whole area's letterhead in force.
pub(super) fn issuer_for(opts: &Options, plan: &Plan, orgs: &HashMap<&str, &Organisation>) -> Issuer {
    let whole = whole_area_issuer(opts, plan);
    if whole.scope.is_some() {
        return whole;
    }
    let day = opts.as_of;
    let body = match &opts.scope {
        Scope::District => None,
        Scope::Area { code } => orgs
            .values()
            .filter(|o| o.kind == OrgKind::CommuneCommittee && o.area == *code && o.valid.contains(day))
            .min_by_key(|o| o.code.as_str())
            .copied(),
        Scope::Organisation { code } => orgs.get(code.as_str()).copied(),
        Scope::Actor { id } => {
            let mut acting = orgs.values().filter(|o| o.actor.as_deref() == Some(id.as_str()) && o.valid.contains(day));
            match (acting.next(), acting.next()) {
                (Some(one), None) => Some(*one),
                _ => None,
            }
        }
    };
    match body {
        Some(o) => issuer_of(o, orgs, &whole),
        None => whole,
    }
}

/// A letterhead made from an organisation on record: its name as the issuing body (a People's
/// Committee's in full), the body above it when it has a parent, its place, and the whole
/// area's issuer first among the recipients. Assumed: no source gives these bodies' own
/// letterheads for this movement.
fn issuer_of(o: &Organisation, orgs: &HashMap<&str, &Organisation>, whole: &Issuer) -> Issuer {
    let committee = o.kind == OrgKind::CommuneCommittee;
    let body = if committee { o.name.replacen("UBND ", "Ủy ban nhân dân ", 1) } else { o.name.clone() };
    let locality = |name: &str| {
        let lower = name.to_lowercase();
        ["xã ", "phường ", "thị trấn "]
            .iter()
            .find_map(|k| lower.find(k).map(|at| name[at + k.len()..].trim().to_owned()))
    };
    let place = locality(&o.name).map_or_else(|| whole.place.clone(), |p| Text::new(p.clone(), p));
    let area = if committee {
        let a = o.name.trim_start_matches("UBND ").to_owned();
        Text::new(a.clone(), a)
    } else {
        Text::new(o.name.clone(), o.name.clone())
    };
    let parent = o.parent.as_deref().and_then(|p| orgs.get(p)).map(|p| Text::new(p.name.clone(), p.name.clone()));
    let (on_behalf, signatory) = if committee {
        (Some(Text::new("TM. ỦY BAN NHÂN DÂN", "ON BEHALF OF THE PEOPLE'S COMMITTEE")), Text::new("CHỦ TỊCH", "CHAIR"))
    } else {
        (None, Text::new("THỦ TRƯỞNG CƠ QUAN, ĐƠN VỊ", "HEAD OF THE BODY"))
    };
    let reports_to = Text::new(format!("{} (b/c)", whole.body.vi), format!("{} (to report)", whole.body.en));
    Issuer {
        // `org:` marks a letterhead made from the records (the report says so).
        id: format!("org:{}", o.code),
        scope: None,
        valid_from: Some(o.valid.from()),
        valid_until: o.valid.to(),
        parent,
        body: Text::new(body.clone(), body),
        symbol: if committee { "BC-UBND".to_owned() } else { "BC".to_owned() },
        place,
        area,
        on_behalf,
        signatory,
        signer: None,
        recipients: vec![reports_to, Text::new("Lưu: VT", "Filed: records office")],
        assumed: true,
        source: format!("giả định: lập từ hồ sơ đơn vị {} (assumed: made from the organisation's record)", o.code),
    }
}

/// The whole area's letterhead (or the one given for the report): the one given, else the
/// embedded default in force on its day, else one made of the plan's own heading.
fn whole_area_issuer(opts: &Options, plan: &Plan) -> Issuer {
    if let Some(i) = &opts.issuer {
        return i.clone();
    }
    if let Some(i) = Issuers::can_duoc().on(opts.as_of) {
        return i.clone();
    }
    let place = plan.meta.place_date.vi.split(',').next().unwrap_or_default().trim().to_owned();
    Issuer {
        id: plan.meta.id.clone(),
        scope: None,
        valid_from: None,
        valid_until: None,
        parent: None,
        body: plan.meta.issuer.clone(),
        symbol: "BC".to_owned(),
        place: Text::new(place.clone(), place),
        area: plan.meta.title.clone(),
        on_behalf: None,
        signatory: plan.meta.signer.clone(),
        signer: None,
        recipients: Vec::new(),
        assumed: true,
        source: format!("{} (heading)", plan.meta.number),
    }
}

pub(super) fn scope_name(
    scope: &Scope,
    plan: &Plan,
    registry: &AreaRegistry,
    orgs: &HashMap<&str, &Organisation>,
    issuer: &Issuer,
) -> Text {
    match scope {
        Scope::District => Text::new(format!("Toàn {}", issuer.area.vi), format!("All of {}", issuer.area.en)),
        Scope::Area { code } => {
            let n = registry.get(code).map_or_else(|| code.clone(), |a| a.name.clone());
            Text::new(n.clone(), n)
        }
        Scope::Organisation { code } => {
            let n = orgs.get(code.as_str()).map_or_else(|| code.clone(), |o| o.name.clone());
            Text::new(n.clone(), n)
        }
        Scope::Actor { id } => plan.actor(id).map_or_else(|| Text::new(id.clone(), id.clone()), |a| a.name.clone()),
    }
}

#[cfg(test)]
mod tests {
    use chrono::NaiveDate;
    use xhht_core::entity::{OrgLevel, Ownership};
    use xhht_core::period::DateRange;

    use super::*;
    use crate::model::ReportKind;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    fn org(
        code: &str,
        name: &str,
        kind: OrgKind,
        area: &str,
        actor: Option<&str>,
        until: Option<NaiveDate>,
    ) -> Organisation {
        Organisation {
            code: code.into(),
            name: name.into(),
            kind,
            ownership: Ownership::Public,
            level: OrgLevel::Commune,
            area: area.into(),
            parent: None,
            actor: actor.map(str::to_owned),
            valid: DateRange::new(day(2000, 1, 1), until).unwrap_or_else(|_| DateRange::starting(day(2000, 1, 1))),
        }
    }

    fn opts(scope: Scope, issuer: Option<Issuer>) -> Options {
        Options { kind: ReportKind::Annual, year: 2026, as_of: day(2026, 12, 7), scope, notice: None, issuer }
    }

    #[test]
    fn each_scope_is_issued_by_its_own_body_in_force_on_the_day() {
        let plan = Plan::can_duoc_2024();
        let old = org(
            "UBND-80601",
            "UBND xã Long Định",
            OrgKind::CommuneCommittee,
            "80601",
            Some("actor.ubnd-xa"),
            Some(day(2025, 6, 30)),
        );
        let new =
            org("UBND-72001", "UBND xã Cần Đước", OrgKind::CommuneCommittee, "72001", Some("actor.ubnd-xa"), None);
        let mut school = org(
            "THCS-1",
            "Trường THCS Long Hựu",
            OrgKind::School(xhht_core::entity::SchoolLevel::LowerSecondary),
            "72001",
            None,
            None,
        );
        school.parent = Some("UBND-72001".into());
        let office = org(
            "PGD",
            "Phòng Giáo dục và Đào tạo huyện Cần Đước",
            OrgKind::Agency,
            "806",
            Some("actor.phong-gddt"),
            Some(day(2025, 6, 30)),
        );
        let orgs: HashMap<&str, &Organisation> =
            [&old, &new, &school, &office].into_iter().map(|o| (o.code.as_str(), o)).collect();

        let whole = issuer_for(&opts(Scope::District, None), plan, &orgs);
        assert_eq!(whole.id, "so-gddt-tay-ninh", "the whole area: the letterhead in force");

        let commune = issuer_for(&opts(Scope::Area { code: "72001".into() }, None), plan, &orgs);
        assert_eq!(commune.body.vi, "Ủy ban nhân dân xã Cần Đước");
        assert_eq!(commune.place.vi, "Cần Đước");
        assert_eq!(commune.signatory.vi, "CHỦ TỊCH");
        assert_eq!(commune.symbol, "BC-UBND");
        assert!(commune.assumed);
        assert_eq!(commune.recipients.first().map(|r| r.vi.as_str()), Some("Sở Giáo dục và Đào tạo (b/c)"));
        assert_eq!(commune.recipients.last().map(|r| r.vi.as_str()), Some("Lưu: VT"));

        // An old commune's People's Committee ended: no body of its own on the day, the whole area's.
        let ended = issuer_for(&opts(Scope::Area { code: "80601".into() }, None), plan, &orgs);
        assert_eq!(ended.id, whole.id);

        let unit = issuer_for(&opts(Scope::Organisation { code: "THCS-1".into() }, None), plan, &orgs);
        assert_eq!(unit.body.vi, "Trường THCS Long Hựu");
        assert_eq!(unit.parent.map(|p| p.vi), Some("UBND xã Cần Đước".to_owned()));

        // An actor held by one body that day is issued by it; one no body holds (ended), by the whole area's.
        let commune_actor = issuer_for(&opts(Scope::Actor { id: "actor.ubnd-xa".into() }, None), plan, &orgs);
        assert_eq!(commune_actor.body.vi, "Ủy ban nhân dân xã Cần Đước");
        let gone = issuer_for(&opts(Scope::Actor { id: "actor.phong-gddt".into() }, None), plan, &orgs);
        assert_eq!(gone.id, whole.id);

        // The deployment's own letterhead for the scope wins.
        let mut own = whole.clone();
        own.id = "ubnd-can-duoc-file".into();
        own.scope = Some("commune:72001".into());
        let given = issuer_for(&opts(Scope::Area { code: "72001".into() }, Some(own)), plan, &orgs);
        assert_eq!(given.id, "ubnd-can-duoc-file");
    }

    #[test]
    fn dossiers_are_verified_by_the_body_acting_as_home_affairs_on_the_day() {
        use super::super::sections::{VERIFYING_ACTOR, acting_as};
        let district = org(
            "PNV",
            "Phòng Nội vụ huyện Cần Đước",
            OrgKind::Agency,
            "806",
            Some(VERIFYING_ACTOR),
            Some(day(2025, 6, 30)),
        );
        let mut province = org("SNV", "Sở Nội vụ tỉnh Tây Ninh", OrgKind::Agency, "72", Some(VERIFYING_ACTOR), None);
        province.valid = DateRange::starting(day(2025, 7, 1));
        let orgs: HashMap<&str, &Organisation> =
            [&district, &province].into_iter().map(|o| (o.code.as_str(), o)).collect();
        assert_eq!(
            acting_as(&orgs, VERIFYING_ACTOR, day(2024, 12, 6)).map(|t| t.vi),
            Some("Phòng Nội vụ huyện Cần Đước".to_owned())
        );
        assert_eq!(
            acting_as(&orgs, VERIFYING_ACTOR, day(2026, 12, 6)).map(|t| t.vi),
            Some("Sở Nội vụ tỉnh Tây Ninh".to_owned())
        );
        assert_eq!(acting_as(&orgs, "actor.none", day(2026, 12, 6)), None);
    }
}
