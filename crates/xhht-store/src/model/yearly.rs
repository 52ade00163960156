//! The yearly records ↔ rows: registrations, commitments, self-study plans, assessments,
//! recognitions, report submissions, duty reports and reward proposals (see the parent module).

use chrono::NaiveDate;
use xhht_core::record::{
    Approval, Assessment, Commitment, Decision, DutyReport, IndicatorValue, PlanState, Recognition, Registration,
    ReportKind, ReportSubmission, RewardProposal, SelfStudyPlan, Value, Verification,
};
use xhht_scoring::scale::{from_scaled, to_scaled};

use super::*;

impl Record for Registration {
    const TABLE: &'static Table = &schema::REGISTRATIONS;

    fn to_row(&self) -> FieldResult<Row> {
        let [k, id] = subject_vals(self.subject())?;
        Ok(Row::new(vec![k, id, Val::text(self.title().id()), Val::int(self.year()), Val::date(self.date())]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let subject = read_subject(&mut c)?;
        let title = parse_title(&mut c)?;
        let year = c.year()?;
        Registration::new(subject, title, year, c.date()?).map_err(invalid)
    }

    fn refs(&self) -> Vec<Ref> {
        subject_refs(self.subject())
    }
}

impl Record for Commitment {
    const TABLE: &'static Table = &schema::COMMITMENTS;

    fn to_row(&self) -> FieldResult<Row> {
        Ok(Row::new(vec![Val::text(&self.person), Val::int(self.year), Val::date(self.date)]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        Ok(Commitment { person: c.text()?, year: c.year()?, date: c.date()? })
    }

    fn refs(&self) -> Vec<Ref> {
        vec![r("person", &schema::PEOPLE, &self.person)]
    }
}

impl Record for SelfStudyPlan {
    const TABLE: &'static Table = &schema::SELF_STUDY_PLANS;

    fn to_row(&self) -> FieldResult<Row> {
        let a = self.approval();
        Ok(Row::new(vec![
            Val::text(self.person()),
            Val::int(self.year()),
            Val::date(self.submitted_on()),
            Val::opt_text(a.map(|a| a.by.as_str())),
            Val::Date(a.map(|a| a.on)),
            Val::text(self.state().id()),
            Val::opt_text(self.content()),
            Val::opt_text(self.note()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let person = c.text()?;
        let year = c.year()?;
        let submitted = c.date()?;
        let approval = match (c.opt_text(), c.opt_date()) {
            (Some(by), Some(on)) => Some((by, on)),
            (None, None) => None,
            _ => return Err(FieldError::new("approved_by", "an approval needs both who and when")),
        };
        // A row with an approval is approved, whatever its state column says.
        let state = match (&approval, c.opt_text()) {
            (Some(_), _) => PlanState::Approved,
            (None, None) => PlanState::Submitted,
            (None, Some(s)) => {
                PlanState::parse(&s).ok_or_else(|| FieldError::new("state", format!("unknown state `{s}`")))?
            }
        };
        build_plan(PlanParts { person, year, submitted, state, content: c.opt_text(), note: c.opt_text(), approval })
    }

    fn refs(&self) -> Vec<Ref> {
        let mut v = vec![r("person", &schema::PEOPLE, self.person())];
        v.extend(self.approval().map(|a: &Approval| r("approved_by", &schema::PEOPLE, &a.by)));
        v
    }
}

/// What a self-study plan is made of, as a row or a file holds it.
#[derive(Debug, Clone)]
pub(crate) struct PlanParts {
    pub(crate) person: String,
    pub(crate) year: i32,
    pub(crate) submitted: NaiveDate,
    pub(crate) state: PlanState,
    pub(crate) content: Option<String>,
    pub(crate) note: Option<String>,
    /// Who approved it and when.
    pub(crate) approval: Option<(String, NaiveDate)>,
}

/// The plan `p` describes, through the domain's constructors: an approved plan needs its
/// approval and a plan with an approval is approved; a returned plan needs its reason; a
/// submitted or approved plan may keep the reason of an earlier return.
pub(crate) fn build_plan(p: PlanParts) -> FieldResult<SelfStudyPlan> {
    let PlanParts { person, year, submitted, state, content, note, approval } = p;
    let note = note.filter(|n| !n.trim().is_empty());
    let base =
        || SelfStudyPlan::submitted(person.clone(), year, submitted).and_then(|p| p.with_content(content.clone()));
    // A submitted plan that keeps the reason it was returned with.
    let resubmitted = |note: Option<String>| match note {
        Some(n) => base().and_then(|p| p.return_with(n)).and_then(|p| p.submit(submitted)),
        None => base(),
    };
    match (state, approval) {
        (PlanState::Approved, Some((by, on))) => resubmitted(note).and_then(|p| p.approve(by, on)).map_err(invalid),
        (PlanState::Approved, None) => Err(FieldError::new(
            "approved_by",
            "kế hoạch đã phê duyệt phải ghi người và ngày phê duyệt / an approved plan names who approved it \
             and when (approved_by, approved_on)",
        )),
        (_, Some(_)) => Err(FieldError::new(
            "state",
            "kế hoạch có phê duyệt thì ở trạng thái đã phê duyệt / a plan with an approval is approved \
             (state `approved`)",
        )),
        (PlanState::Submitted, None) => resubmitted(note).map_err(invalid),
        (PlanState::Returned, None) => base().and_then(|p| p.return_with(note.unwrap_or_default())).map_err(invalid),
        (PlanState::Draft, None) if note.is_none() => {
            SelfStudyPlan::draft(person, year, submitted).and_then(|p| p.with_content(content)).map_err(invalid)
        }
        (PlanState::Draft, None) => {
            // A draft that keeps an earlier return's reason: only the serde form builds one.
            let raw = serde_json::json!({
                "person": person, "year": year, "submitted": submitted.format("%Y-%m-%d").to_string(),
                "state": "draft", "content": content, "note": note,
            });
            serde_json::from_value(raw).map_err(|e| FieldError::new("state", e.to_string()))
        }
        (other, None) => Err(FieldError::new("state", format!("unknown state `{}`", other.id()))),
    }
}

/// Checks that a row still makes a valid record of its table (after values were merged in).
pub(crate) fn revalidate(table: &'static Table, row: &Row) -> FieldResult<()> {
    fn check<T: Record>(row: &Row) -> FieldResult<()> {
        T::from_row(row.clone()).map(|_| ())
    }
    match table.name {
        "areas" => check::<AdminArea>(row),
        "organisations" => check::<Organisation>(row),
        "people" => check::<Person>(row),
        "memberships" => check::<Membership>(row),
        "successions" => check::<Succession>(row),
        "clans" => check::<Clan>(row),
        "communities" => check::<Community>(row),
        "households" => Household::from_row(row.clone()).and_then(|h| check_household_head(&h)),
        "self_study_plans" => check::<SelfStudyPlan>(row),
        "recognitions" => check::<Recognition>(row),
        "report_submissions" => check::<ReportSubmission>(row),
        _ => Ok(()),
    }
}

/// An indicator value as the columns `value_type, amount, denominator, day`.
pub(crate) fn value_vals(v: &Value) -> FieldResult<[Val; 4]> {
    let scaled = |d: &rust_decimal::Decimal| {
        to_scaled(*d)
            .ok_or_else(|| FieldError::new("value", format!("{d} has more than 4 decimal places or is too large")))
    };
    let big = |n: u64| i64::try_from(n).map_err(|_| FieldError::new("value", format!("{n} is too large")));
    let none = || Val::Int(None);
    Ok(match v {
        Value::YesNo(b) => [Val::text("yes-no"), Val::int(i64::from(*b)), none(), Val::Date(None)],
        Value::Score(d) => [Val::text("score"), Val::int(scaled(d)?), none(), Val::Date(None)],
        Value::Percent(d) => [Val::text("percent"), Val::int(scaled(d)?), none(), Val::Date(None)],
        Value::Share { numerator, denominator } => {
            [Val::text("share"), Val::int(big(*numerator)?), Val::int(big(*denominator)?), Val::Date(None)]
        }
        Value::Count(n) => [Val::text("count"), Val::int(big(*n)?), none(), Val::Date(None)],
        Value::Date(d) => [Val::text("date"), none(), none(), Val::date(*d)],
        _ => return Err(FieldError::new("value", "this kind of value cannot be stored")),
    })
}

/// An indicator value back from `value_type, amount, denominator, day`.
pub(crate) fn value_from(
    kind: &str,
    amount: Option<i64>,
    den: Option<i64>,
    day: Option<NaiveDate>,
) -> FieldResult<Value> {
    let amount_or = || amount.ok_or_else(|| FieldError::new("amount", "missing"));
    let unsigned = |v: i64, f: &str| u64::try_from(v).map_err(|_| FieldError::new(f, format!("{v} is negative")));
    Ok(match kind {
        "yes-no" => Value::YesNo(amount_or()? != 0),
        "score" => Value::Score(from_scaled(amount_or()?)),
        "percent" => Value::Percent(from_scaled(amount_or()?)),
        "share" => Value::Share {
            numerator: unsigned(amount_or()?, "amount")?,
            denominator: unsigned(den.ok_or_else(|| FieldError::new("denominator", "missing"))?, "denominator")?,
        },
        "count" => Value::Count(unsigned(amount_or()?, "amount")?),
        "date" => Value::Date(day.ok_or_else(|| FieldError::new("day", "missing"))?),
        other => return Err(FieldError::new("value_type", format!("unknown `{other}`"))),
    })
}

/// An assessment as a row of `table` (`assessments` or `self_assessments`).
fn assessment_row(a: &Assessment) -> FieldResult<Row> {
    let [k, id] = subject_vals(a.subject())?;
    let mut row = Row::new(vec![
        k,
        id,
        Val::text(a.rulebook()),
        Val::int(a.year()),
        Val::text(a.evaluator()),
        Val::date(a.date()),
    ]);
    for v in a.values() {
        let [ty, amount, den, day] =
            value_vals(&v.value).map_err(|e| FieldError::new(v.indicator.clone(), e.message))?;
        row.children.push(vec![Val::text(&v.indicator), ty, amount, den, day, Val::opt_text(v.evidence.as_deref())]);
    }
    Ok(row)
}

/// An assessment back from a row of `table` (`assessments` or `self_assessments`).
fn assessment_from(table: &'static Table, row: Row) -> FieldResult<Assessment> {
    let mut c = Cells::new(table, row.vals);
    let subject = read_subject(&mut c)?;
    let rulebook = c.text()?;
    let year = c.year()?;
    let evaluator = c.text()?;
    let date = c.date()?;
    let mut values = Vec::with_capacity(row.children.len());
    for ch in &row.children {
        let get = |n: usize| ch.get(n).cloned().unwrap_or(Val::Text(None));
        let indicator = get(0).as_str().map(str::to_owned).ok_or_else(|| FieldError::new("indicator", "missing"))?;
        let kind = get(1).as_str().map(str::to_owned).unwrap_or_default();
        let value = value_from(&kind, get(2).as_int(), get(3).as_int(), get(4).as_date())?;
        values.push(IndicatorValue { indicator, value, evidence: get(5).as_str().map(str::to_owned) });
    }
    Assessment::new(subject, rulebook, year, evaluator, date, values).map_err(invalid)
}

impl Record for Assessment {
    const TABLE: &'static Table = &schema::ASSESSMENTS;

    fn to_row(&self) -> FieldResult<Row> {
        assessment_row(self)
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        assessment_from(Self::TABLE, row)
    }

    fn refs(&self) -> Vec<Ref> {
        subject_refs(self.subject())
    }
}

/// A subject's assessment of itself: an [`Assessment`] kept in `self_assessments`, apart
/// from the official ones the rules engine reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct SelfAssessed(pub(crate) Assessment);

impl Record for SelfAssessed {
    const TABLE: &'static Table = &schema::SELF_ASSESSMENTS;

    fn to_row(&self) -> FieldResult<Row> {
        assessment_row(&self.0)
    }

    fn into_row(self) -> FieldResult<Row> {
        assessment_row(&self.0)
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        assessment_from(Self::TABLE, row).map(SelfAssessed)
    }

    fn refs(&self) -> Vec<Ref> {
        subject_refs(self.0.subject())
    }
}

impl Record for Recognition {
    const TABLE: &'static Table = &schema::RECOGNITIONS;

    fn to_row(&self) -> FieldResult<Row> {
        let [k, id] = subject_vals(self.subject())?;
        Ok(Row::new(vec![
            Val::text(self.decision_number()),
            k,
            id,
            Val::text(self.title().id()),
            Val::Int(self.level().map(i64::from)),
            Val::int(self.year()),
            Val::date(self.decision_date()),
            Val::text(self.authority()),
            Val::Date(self.valid_until()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let number = c.text()?;
        let subject = read_subject(&mut c)?;
        let title = parse_title(&mut c)?;
        let level = c
            .opt_int()
            .map(|l| u8::try_from(l).map_err(|_| FieldError::new("level", format!("{l} is not a level"))))
            .transpose()?;
        let year = c.year()?;
        let date = c.date()?;
        let authority = c.text()?;
        Recognition::new(subject, title, level, year, number, date, authority, c.opt_date()).map_err(invalid)
    }

    fn refs(&self) -> Vec<Ref> {
        subject_refs(self.subject())
    }
}

/// A report kind as the columns `kind, phase`.
pub(crate) fn report_kind_vals(k: &ReportKind) -> (&'static str, String) {
    match k {
        ReportKind::Annual => ("annual", String::new()),
        ReportKind::PhaseReview(p) => ("phase-review", p.clone()),
    }
}

impl Record for ReportSubmission {
    const TABLE: &'static Table = &schema::REPORT_SUBMISSIONS;

    fn to_row(&self) -> FieldResult<Row> {
        let (kind, phase) = report_kind_vals(&self.kind);
        Ok(Row::new(vec![
            Val::text(&self.actor),
            Val::text(&self.organisation),
            Val::int(self.year),
            Val::text(kind),
            Val::text(phase),
            Val::date(self.submitted_on),
            Val::opt_text(self.document_number.as_deref()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let actor = c.text()?;
        let organisation = c.text()?;
        let year = c.year()?;
        let kind = match (c.text()?.as_str(), c.opt_text().unwrap_or_default()) {
            ("annual", _) => ReportKind::Annual,
            ("phase-review", p) if !p.is_empty() => ReportKind::PhaseReview(p),
            (k, _) => return Err(FieldError::new("kind", format!("unknown report kind `{k}`"))),
        };
        Ok(ReportSubmission { actor, organisation, year, kind, submitted_on: c.date()?, document_number: c.opt_text() })
    }

    fn refs(&self) -> Vec<Ref> {
        vec![r("organisation", &schema::ORGANISATIONS, &self.organisation)]
    }
}

impl Record for DutyReport {
    const TABLE: &'static Table = &schema::DUTY_REPORTS;

    fn to_row(&self) -> FieldResult<Row> {
        for (field, v) in [("actor", &self.actor), ("duty", &self.duty), ("field", &self.field)] {
            if v.trim().is_empty() {
                return Err(FieldError::new(field, "missing"));
            }
        }
        Ok(Row::new(vec![
            Val::text(&self.actor),
            Val::text(&self.organisation),
            Val::int(self.year),
            Val::text(&self.duty),
            Val::text(&self.field),
            Val::text(&self.value),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        Ok(DutyReport {
            actor: c.text()?,
            organisation: c.text()?,
            year: c.year()?,
            duty: c.text()?,
            field: c.text()?,
            value: c.text()?,
        })
    }

    fn refs(&self) -> Vec<Ref> {
        vec![r("organisation", &schema::ORGANISATIONS, &self.organisation)]
    }
}

impl Record for RewardProposal {
    const TABLE: &'static Table = &schema::REWARD_PROPOSALS;

    fn to_row(&self) -> FieldResult<Row> {
        let [k, id] = subject_vals(self.subject())?;
        let v = self.verification();
        let dec = self.decision();
        Ok(Row::new(vec![
            Val::text(self.reward()),
            k,
            id,
            Val::int(self.year()),
            Val::text(self.proposed_by()),
            Val::date(self.proposed_on()),
            Val::opt_text(v.map(|v| v.by.as_str())),
            Val::Date(v.map(|v| v.on)),
            Val::opt_text(v.map(|v| enum_id(&v.outcome))),
            Val::opt_text(v.and_then(|v| v.note.as_deref())),
            Val::opt_text(dec.map(|d| d.by.as_str())),
            Val::Date(dec.map(|d| d.on)),
            Val::opt_text(dec.map(|d| enum_id(&d.outcome))),
            Val::opt_text(dec.and_then(|d| d.note.as_deref())),
            Val::opt_text(self.exception()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let reward = c.text()?;
        let subject = read_subject(&mut c)?;
        let year = c.year()?;
        let by = c.text()?;
        let on = c.date()?;
        let p = RewardProposal::new(reward, subject, year, by, on).map_err(invalid)?;
        let vby = c.opt_text();
        let von = c.opt_date();
        let outcome = c.opt_text();
        let note = c.opt_text();
        let p = match (vby, von, outcome) {
            (Some(by), Some(on), Some(o)) => {
                let outcome =
                    enum_parse(&o).ok_or_else(|| FieldError::new("outcome", format!("unknown outcome `{o}`")))?;
                p.verify(Verification { by, on, outcome, note }).map_err(invalid)?
            }
            (None, None, None) => p,
            _ => return Err(FieldError::new("verified_by", "a verification needs who, when and the outcome")),
        };
        let p = match (c.opt_text(), c.opt_date(), c.opt_text(), c.opt_text()) {
            (Some(by), Some(on), Some(o), note) => {
                let outcome =
                    enum_parse(&o).ok_or_else(|| FieldError::new("decision", format!("unknown decision `{o}`")))?;
                p.decide(Decision { by, on, outcome, note }).map_err(invalid)?
            }
            (None, None, None, _) => p,
            _ => return Err(FieldError::new("decided_by", "a decision needs who, when and the outcome")),
        };
        Ok(p.with_exception(c.opt_text()))
    }

    fn refs(&self) -> Vec<Ref> {
        subject_refs(self.subject())
    }
}
