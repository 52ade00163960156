//! The yearly records ↔ rows: registrations, commitments, self-study plans, assessments,
//! recognitions, report submissions, duty reports and reward proposals (see the parent module).

use chrono::NaiveDate;
use xhht_core::record::{
    Approval, Assessment, Commitment, Decision, DutyReport, IndicatorValue, Recognition, Registration, ReportKind,
    ReportSubmission, RewardProposal, SelfStudyPlan, Value, Verification,
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
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let person = c.text()?;
        let year = c.year()?;
        let plan = SelfStudyPlan::submitted(person, year, c.date()?).map_err(invalid)?;
        match (c.opt_text(), c.opt_date()) {
            (Some(by), Some(on)) => plan.approve(by, on).map_err(invalid),
            (None, None) => Ok(plan),
            _ => Err(FieldError::new("approved_by", "an approval needs both who and when")),
        }
    }

    fn refs(&self) -> Vec<Ref> {
        let mut v = vec![r("person", &schema::PEOPLE, self.person())];
        v.extend(self.approval().map(|a: &Approval| r("approved_by", &schema::PEOPLE, &a.by)));
        v
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

impl Record for Assessment {
    const TABLE: &'static Table = &schema::ASSESSMENTS;

    fn to_row(&self) -> FieldResult<Row> {
        let [k, id] = subject_vals(self.subject())?;
        let mut row = Row::new(vec![
            k,
            id,
            Val::text(self.rulebook()),
            Val::int(self.year()),
            Val::text(self.evaluator()),
            Val::date(self.date()),
        ]);
        for v in self.values() {
            let [ty, amount, den, day] =
                value_vals(&v.value).map_err(|e| FieldError::new(v.indicator.clone(), e.message))?;
            row.children.push(vec![
                Val::text(&v.indicator),
                ty,
                amount,
                den,
                day,
                Val::opt_text(v.evidence.as_deref()),
            ]);
        }
        Ok(row)
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let subject = read_subject(&mut c)?;
        let rulebook = c.text()?;
        let year = c.year()?;
        let evaluator = c.text()?;
        let date = c.date()?;
        let mut values = Vec::with_capacity(row.children.len());
        for ch in &row.children {
            let get = |n: usize| ch.get(n).cloned().unwrap_or(Val::Text(None));
            let indicator =
                get(0).as_str().map(str::to_owned).ok_or_else(|| FieldError::new("indicator", "missing"))?;
            let kind = get(1).as_str().map(str::to_owned).unwrap_or_default();
            let value = value_from(&kind, get(2).as_int(), get(3).as_int(), get(4).as_date())?;
            values.push(IndicatorValue { indicator, value, evidence: get(5).as_str().map(str::to_owned) });
        }
        Assessment::new(subject, rulebook, year, evaluator, date, values).map_err(invalid)
    }

    fn refs(&self) -> Vec<Ref> {
        subject_refs(self.subject())
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
        match (c.opt_text(), c.opt_date(), c.opt_text(), c.opt_text()) {
            (Some(by), Some(on), Some(o), note) => {
                let outcome =
                    enum_parse(&o).ok_or_else(|| FieldError::new("decision", format!("unknown decision `{o}`")))?;
                p.decide(Decision { by, on, outcome, note }).map_err(invalid)
            }
            (None, None, None, _) => Ok(p),
            _ => Err(FieldError::new("decided_by", "a decision needs who, when and the outcome")),
        }
    }

    fn refs(&self) -> Vec<Ref> {
        subject_refs(self.subject())
    }
}
