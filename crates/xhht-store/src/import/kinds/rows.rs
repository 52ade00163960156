//! One file row → the records it writes, for each kind (areas, organisations, people with their
//! membership, memberships, registrations, commitments, self-study plans, recognitions, report
//! submissions), every cell read through [`RowCtx`] so problems are reported by column.

use xhht_core::record::PlanState;

use super::*;
use crate::model::{PlanParts, build_plan};

pub(super) fn area(ctx: &mut RowCtx<'_>) -> Option<AdminArea> {
    let code = ctx.text("code");
    let name = ctx.text("name");
    let level =
        ctx.choice("level", true, area_level, "province (tỉnh), district (huyện), commune (xã, phường, thị trấn)");
    let parent = ctx.opt_text("parent");
    let from = ctx.date("valid_from");
    let to = ctx.opt_date("valid_to");
    let valid = ctx.range(from, to);
    Some(AdminArea { code: code?, name: name?, level: level?, parent, valid: valid? })
}

pub(super) fn organisation(ctx: &mut RowCtx<'_>) -> Option<Organisation> {
    let code = ctx.text("code");
    let name = ctx.text("name");
    let kind = ctx.choice(
        "kind",
        true,
        org_kind,
        "agency, mass-organisation, school (or Trường + cấp học), commune-committee, centre, enterprise",
    );
    let level_col = ctx.choice(
        "school_level",
        false,
        school_level,
        "preschool (mầm non), primary (tiểu học), lower-secondary (THCS), upper-secondary (THPT), multi-level, continuing-education (GDTX), vocational, higher-education",
    );
    let ownership = match ctx.get("ownership") {
        None => Some(Ownership::Public),
        Some(_) => ctx.choice("ownership", true, ownership, "public (công lập), private (ngoài công lập, tư thục)"),
    };
    let level = ctx.choice("level", true, org_level, "province (tỉnh), district (huyện), commune (xã)");
    let area = ctx.text("area");
    let parent = ctx.opt_text("parent");
    let actor = ctx.opt_text("actor");
    if let Some(a) = &actor
        && Plan::can_duoc_2024().actor(a).is_none()
    {
        ctx.err("actor", format!("`{a}` is not an actor of the plan (e.g. actor.phong-gddt)"));
    }
    let from = match ctx.get("valid_from") {
        None => NaiveDate::from_ymd_opt(1900, 1, 1),
        Some(_) => ctx.date("valid_from"),
    };
    let to = ctx.opt_date("valid_to");
    let valid = ctx.range(from, to);
    let (kind_id, implied) = kind?;
    let kind = match org_kind_parse(&kind_id, level_col.or(implied).map(SchoolLevel::id)) {
        Ok(k) => k,
        Err(m) => {
            ctx.err(if kind_id == "school" { "school_level" } else { "kind" }, m);
            return None;
        }
    };
    Some(Organisation {
        code: code?,
        name: name?,
        kind,
        ownership: ownership?,
        level: level?,
        area: area?,
        parent,
        actor,
        valid: valid?,
    })
}

pub(super) fn person(ctx: &mut RowCtx<'_>) -> Option<Vec<Rec>> {
    let citizen_id = ctx.opt_text("citizen_id");
    if let Some(Err(e)) = citizen_id.as_deref().map(xhht_core::entity::check_citizen_id) {
        ctx.err("citizen_id", e);
    }
    let id = match (ctx.opt_text("id"), &citizen_id) {
        (Some(id), _) => Some(id),
        (None, Some(c)) => Some(c.clone()),
        (None, None) => {
            ctx.err("id", "missing (give an id, or a citizen id to serve as one)");
            None
        }
    };
    let full_name = ctx.text("full_name");
    let birth_year = match ctx.get("birth_year") {
        None => Ok(None),
        Some(v) => match v.parse::<i32>() {
            Ok(y) if (1900..=2100).contains(&y) => Ok(Some(y)),
            _ => match xhht_core::date::parse_date_text(v) {
                Ok(d) => Ok(Some(d.year())),
                Err(_) => {
                    ctx.err("birth_year", format!("`{v}` is neither a year nor a date of birth"));
                    Err(())
                }
            },
        },
    };
    let category = match ctx.get("category") {
        None => Some(PersonCategory::Other),
        Some(_) => ctx.choice(
            "category",
            true,
            category,
            "can-bo (cán bộ), cong-chuc (công chức), vien-chuc (viên chức), giao-vien (giáo viên), nguoi-lao-dong (người lao động), other (khác)",
        ),
    };
    let area = ctx.opt_text("area");
    let organisation = ctx.opt_text("organisation");
    let role = ctx.get("role").map(|r| role(&norm(r))).unwrap_or_default();
    let from = match (&organisation, ctx.get("valid_from")) {
        (Some(_), _) => ctx.date("valid_from"),
        (None, Some(_)) => {
            ctx.err("valid_from", "a start date without an organisation");
            None
        }
        (None, None) => None,
    };
    if organisation.is_none() && ctx.get("role").is_some() {
        ctx.err("role", "a role without an organisation");
    }
    let person =
        Person { id: id?, full_name: full_name?, birth_year: birth_year.ok()?, citizen_id, category: category?, area };
    let mut out = vec![];
    if let Some(org) = organisation {
        out.push(Rec::Membership(Membership {
            person: person.id.clone(),
            organisation: org,
            role,
            period: DateRange::starting(from?),
        }));
    }
    out.insert(0, Rec::Person(person));
    Some(out)
}

pub(super) fn membership(ctx: &mut RowCtx<'_>) -> Option<Membership> {
    let person = ctx.text("person");
    let organisation = ctx.text("organisation");
    let role = ctx.get("role").map(|r| role(&norm(r))).unwrap_or_default();
    let from = ctx.date("valid_from");
    let to = ctx.opt_date("valid_to");
    let period = ctx.range(from, to);
    Some(Membership { person: person?, organisation: organisation?, role, period: period? })
}

pub(super) fn registration(ctx: &mut RowCtx<'_>) -> Option<Registration> {
    let subject = subject(ctx, Some("person"));
    let title = ctx.choice(
        "title",
        false,
        title_of,
        "cong-dan-hoc-tap, don-vi-hoc-tap, gia-dinh-hoc-tap, dong-ho-hoc-tap, cong-dong-hoc-tap",
    );
    let year = ctx.year("year");
    let date = ctx.date("date");
    let subject = subject?;
    let title = title.or_else(|| default_title(crate::model::subject_kind(&subject)))?;
    match Registration::new(subject, title, year?, date?) {
        Ok(r) => Some(r),
        Err(e) => {
            ctx.refused(&e, &[]);
            None
        }
    }
}

pub(super) fn commitment(ctx: &mut RowCtx<'_>) -> Option<Commitment> {
    let person = ctx.text("person");
    let year = ctx.year("year");
    let date = ctx.date("date");
    Some(Commitment { person: person?, year: year?, date: date? })
}

/// A plan's state from its id or a Vietnamese label.
pub(crate) fn plan_state(s: &str) -> Option<PlanState> {
    PlanState::parse(s).or(match s {
        "nhap" | "ban nhap" => Some(PlanState::Draft),
        "da gui" | "gui" | "da nop" | "cho phe duyet" | "cho duyet" => Some(PlanState::Submitted),
        "tra lai" | "bi tra lai" | "da tra lai" => Some(PlanState::Returned),
        "da phe duyet" | "phe duyet" | "da duyet" | "duyet" => Some(PlanState::Approved),
        _ => None,
    })
}

/// The states a plans file may name, for messages.
pub(crate) const PLAN_STATES: &str =
    "draft (bản nháp), submitted (đã gửi, chờ phê duyệt), returned (bị trả lại), approved (đã phê duyệt)";

pub(super) fn plan(ctx: &mut RowCtx<'_>) -> Option<SelfStudyPlan> {
    let person = ctx.text("person");
    let year = ctx.year("year");
    let submitted = ctx.date("submitted");
    let by = ctx.opt_text("approved_by");
    let on = ctx.opt_date("approved_on");
    let given = ctx.choice("state", false, plan_state, PLAN_STATES);
    let bad_state = ctx.get("state").is_some() && given.is_none();
    let content = ctx.opt_text("content");
    let note = ctx.opt_text("note");
    let approval = match (by, on.ok()?) {
        (None, None) => None,
        (Some(by), Some(on)) => Some((by, on)),
        (Some(_), None) => {
            ctx.err("approved_on", "missing: an approval needs its date");
            return None;
        }
        (None, Some(_)) => {
            ctx.err("approved_by", "missing: an approval needs who approved");
            return None;
        }
    };
    if bad_state {
        return None;
    }
    // Without a state: approved when approved, else submitted. A state that needs a column the
    // file does not have (an approval, a reason) is settled once the stored values are carried
    // over (`import::lifecycle`).
    let state = match given.unwrap_or(if approval.is_some() { PlanState::Approved } else { PlanState::Submitted }) {
        PlanState::Approved if approval.is_none() && !ctx.has("approved_by") && !ctx.has("approved_on") => {
            PlanState::Submitted
        }
        PlanState::Returned if note.is_none() && !ctx.has("note") => PlanState::Submitted,
        s => s,
    };
    let parts = PlanParts { person: person?, year: year?, submitted: submitted?, state, content, note, approval };
    match build_plan(parts) {
        Ok(p) => Some(p),
        Err(e) => {
            let field = if e.field == "approval" { "approved_on" } else { e.field.as_str() };
            ctx.err(field, e.message);
            None
        }
    }
}

pub(super) fn recognition(ctx: &mut RowCtx<'_>) -> Option<Recognition> {
    let number = ctx.text("decision_number");
    let subject = subject(ctx, Some("person"));
    let title = ctx.choice(
        "title",
        false,
        title_of,
        "cong-dan-hoc-tap, don-vi-hoc-tap, gia-dinh-hoc-tap, dong-ho-hoc-tap, cong-dong-hoc-tap",
    );
    let level = match ctx.get("level") {
        None => Ok(None),
        Some(v) => {
            let digits: String = norm(v).trim_start_matches("muc ").to_owned();
            match digits.parse::<u8>() {
                Ok(l) => Ok(Some(l)),
                Err(_) => {
                    ctx.err("level", format!("`{v}` is not a level (1, 2, …)"));
                    Err(())
                }
            }
        }
    };
    let year = ctx.year("year");
    let date = ctx.date("decision_date");
    let authority = ctx.text("authority");
    let until = ctx.opt_date("valid_until");
    let subject = subject?;
    let title = title.or_else(|| default_title(crate::model::subject_kind(&subject)))?;
    match Recognition::new(subject, title, level.ok()?, year?, number?, date?, authority?, until.ok()?) {
        Ok(r) => Some(r),
        Err(e) => {
            ctx.refused(&e, &[]);
            None
        }
    }
}

pub(super) fn report(ctx: &mut RowCtx<'_>) -> Option<ReportSubmission> {
    let plan = Plan::can_duoc_2024();
    let actor = ctx.req("actor").and_then(|a| {
        let n = norm(a);
        let found = plan.actors.iter().find(|x| x.id == a || norm(&x.short.vi) == n || norm(&x.name.vi) == n);
        if found.is_none() {
            ctx.err(
                "actor",
                format!("`{a}` is not an actor of the plan (write its id, e.g. actor.phong-gddt, or its short name)"),
            );
        }
        found.map(|x| x.id.clone())
    });
    let organisation = ctx.text("organisation");
    let year = ctx.year("year");
    let kind = match ctx.get("kind").map(norm).as_deref() {
        None | Some("annual" | "hang nam" | "nam" | "bao cao nam") => Some(ReportKind::Annual),
        Some("phase review" | "so ket" | "tong ket" | "giai doan") => match ctx.get("phase") {
            Some(p) if plan.phases.iter().any(|x| x.id == p) => Some(ReportKind::PhaseReview(p.to_owned())),
            Some(p) => {
                ctx.err("phase", format!("`{p}` is not a phase of the plan (e.g. phase.1)"));
                None
            }
            None => {
                ctx.err("phase", "missing: a phase review names its phase");
                None
            }
        },
        Some(_) => {
            let v = ctx.get("kind").unwrap_or_default().to_owned();
            ctx.err("kind", format!("`{v}` is not one of: annual (hằng năm), phase-review (sơ kết, tổng kết)"));
            None
        }
    };
    let submitted_on = ctx.date("submitted_on");
    let document_number = ctx.opt_text("document_number");
    Some(ReportSubmission {
        actor: actor?,
        organisation: organisation?,
        year: year?,
        kind: kind?,
        submitted_on: submitted_on?,
        document_number,
    })
}
