//! Domain values ↔ table rows. Each stored type implements [`Record`]: its table, its row
//! (decimals as ten-thousandths, enums by their file ids, dates as dates), the rows of its
//! child table, and the references the store checks before writing (an organisation's area, a
//! membership's person…). Reading a row back goes through the domain constructors, so a stored
//! row that breaks an invariant comes back as an error, never as an invalid value.

use chrono::NaiveDate;
use serde::Serialize;
use serde::de::DeserializeOwned;
use xhht_core::Title;
use xhht_core::area::{AdminArea, Succession};
use xhht_core::entity::{
    Clan, Community, Household, Membership, OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory,
    SchoolLevel,
};
use xhht_core::period::DateRange;
use xhht_core::record::{
    Approval, Assessment, Commitment, Decision, DutyReport, IndicatorValue, Recognition, Registration, ReportKind,
    ReportSubmission, RewardProposal, SelfStudyPlan, SubjectRef, Value, Verification,
};
use xhht_scoring::scale::{from_scaled, to_scaled};

use crate::db::Val;
use crate::schema::{self, Table};

/// A problem with one field of a record.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) struct FieldError {
    pub(crate) field: String,
    pub(crate) message: String,
}

impl FieldError {
    pub(crate) fn new(field: impl Into<String>, message: impl Into<String>) -> Self {
        Self { field: field.into(), message: message.into() }
    }
}

pub(crate) type FieldResult<T> = Result<T, FieldError>;

/// A row: the table's columns in order, and the child rows (each without the parent key and
/// the position, which the store adds).
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub(crate) struct Row {
    pub(crate) vals: Vec<Val>,
    pub(crate) children: Vec<Vec<Val>>,
}

impl Row {
    fn new(vals: Vec<Val>) -> Self {
        Self { vals, children: Vec::new() }
    }

    /// The natural key, as shown in messages and the audit trail (`a/b/c`).
    pub(crate) fn key_text(&self, table: &Table) -> String {
        key_text(&self.vals[..table.key])
    }
}

pub(crate) fn key_text(key: &[Val]) -> String {
    key.iter().map(Val::display).collect::<Vec<_>>().join("/")
}

/// A reference from a record to a row of another table, checked before writing.
#[derive(Debug, Clone)]
pub(crate) struct Ref {
    pub(crate) field: &'static str,
    pub(crate) table: &'static Table,
    pub(crate) key: String,
}

fn r(field: &'static str, table: &'static Table, key: &str) -> Ref {
    Ref { field, table, key: key.to_owned() }
}

/// A type the store keeps in a table.
pub(crate) trait Record: Sized + Clone + Send + Sync + 'static {
    const TABLE: &'static Table;
    fn to_row(&self) -> FieldResult<Row>;
    /// [`Record::to_row`], consuming the record (cheaper where fields can move).
    fn into_row(self) -> FieldResult<Row> {
        self.to_row()
    }
    fn from_row(row: Row) -> FieldResult<Self>;
    fn refs(&self) -> Vec<Ref>;
}

/// A reader of a row's values, in column order, with field names for errors. It takes the
/// values (no text is copied).
struct Cells {
    table: &'static Table,
    vals: std::vec::IntoIter<Val>,
    n: usize,
}

impl Cells {
    fn new(table: &'static Table, vals: Vec<Val>) -> Self {
        Self { table, vals: vals.into_iter(), n: 0 }
    }

    fn next(&mut self) -> (&'static str, Option<Val>) {
        let name = self.table.cols.get(self.n).map_or("?", |c| c.name);
        self.n += 1;
        (name, self.vals.next())
    }

    fn text(&mut self) -> FieldResult<String> {
        let (name, v) = self.next();
        v.and_then(Val::into_string).ok_or_else(|| FieldError::new(name, "missing"))
    }

    fn opt_text(&mut self) -> Option<String> {
        self.next().1.and_then(Val::into_string)
    }

    fn opt_int(&mut self) -> Option<i64> {
        self.next().1.as_ref().and_then(Val::as_int)
    }

    fn date(&mut self) -> FieldResult<NaiveDate> {
        let (name, v) = self.next();
        v.as_ref().and_then(Val::as_date).ok_or_else(|| FieldError::new(name, "missing"))
    }

    fn opt_date(&mut self) -> Option<NaiveDate> {
        self.next().1.as_ref().and_then(Val::as_date)
    }

    fn year(&mut self) -> FieldResult<i32> {
        let (name, v) = self.next();
        let y = v.as_ref().and_then(Val::as_int).ok_or_else(|| FieldError::new(name, "missing"))?;
        i32::try_from(y).map_err(|_| FieldError::new(name, format!("{y} is not a year")))
    }

    fn parse<T: DeserializeOwned>(&mut self) -> FieldResult<T> {
        let (name, v) = self.next();
        let s = v.as_ref().and_then(Val::as_str).ok_or_else(|| FieldError::new(name, "missing"))?;
        enum_parse(s).ok_or_else(|| FieldError::new(name, format!("unknown value `{s}`")))
    }
}

/// The id serde gives a unit enum variant (`province`, `tier-abolished`…).
pub(crate) fn enum_id<T: Serialize>(v: &T) -> String {
    match serde_json::to_value(v) {
        Ok(serde_json::Value::String(s)) => s,
        _ => String::new(),
    }
}

/// The unit enum variant with this id.
pub(crate) fn enum_parse<T: DeserializeOwned>(s: &str) -> Option<T> {
    let de: serde::de::value::StrDeserializer<'_, serde::de::value::Error> =
        serde::de::IntoDeserializer::into_deserializer(s);
    T::deserialize(de).ok()
}

fn range_from(from: Option<NaiveDate>, to: Option<NaiveDate>, field: &str) -> FieldResult<DateRange> {
    let from = from.ok_or_else(|| FieldError::new(field, "missing"))?;
    DateRange::new(from, to).map_err(|e| FieldError::new("valid_to", e.to_string()))
}

/// The subject kind id used in tables and files.
pub(crate) fn subject_kind(s: &SubjectRef) -> &'static str {
    match s {
        SubjectRef::Person(_) => "person",
        SubjectRef::Organisation(_) => "organisation",
        SubjectRef::Household(_) => "household",
        SubjectRef::Clan(_) => "clan",
        SubjectRef::Community(_) => "community",
        SubjectRef::Area(_) => "area",
        _ => "unknown",
    }
}

/// The subject with this kind id.
pub(crate) fn subject_ref(kind: &str, id: String) -> Option<SubjectRef> {
    Some(match kind {
        "person" => SubjectRef::Person(id),
        "organisation" => SubjectRef::Organisation(id),
        "household" => SubjectRef::Household(id),
        "clan" => SubjectRef::Clan(id),
        "community" => SubjectRef::Community(id),
        "area" => SubjectRef::Area(id),
        _ => return None,
    })
}

fn subject_table(s: &SubjectRef) -> Option<&'static Table> {
    Some(match s {
        SubjectRef::Person(_) => &schema::PEOPLE,
        SubjectRef::Organisation(_) => &schema::ORGANISATIONS,
        SubjectRef::Household(_) => &schema::HOUSEHOLDS,
        SubjectRef::Clan(_) => &schema::CLANS,
        SubjectRef::Community(_) => &schema::COMMUNITIES,
        SubjectRef::Area(_) => &schema::AREAS,
        _ => return None,
    })
}

fn subject_refs(s: &SubjectRef) -> Vec<Ref> {
    subject_table(s).map(|t| r("subject_id", t, s.id())).into_iter().collect()
}

fn read_subject(c: &mut Cells) -> FieldResult<SubjectRef> {
    let kind = c.text()?;
    let id = c.text()?;
    subject_ref(&kind, id).ok_or_else(|| FieldError::new("subject_kind", format!("unknown subject kind `{kind}`")))
}

fn subject_vals(s: &SubjectRef) -> FieldResult<[Val; 2]> {
    let kind = subject_kind(s);
    if kind == "unknown" {
        return Err(FieldError::new("subject_kind", "this kind of subject cannot be stored"));
    }
    Ok([Val::text(kind), Val::text(s.id())])
}

fn parse_title(c: &mut Cells) -> FieldResult<Title> {
    let (name, v) = c.next();
    let s = v.as_ref().and_then(Val::as_str).ok_or_else(|| FieldError::new(name, "missing"))?;
    s.parse().map_err(|e: String| FieldError::new(name, e))
}

fn invalid(e: xhht_core::Error) -> FieldError {
    match e {
        xhht_core::Error::Invalid { field, message, .. } => FieldError::new(field, message),
        other => FieldError::new("-", other.to_string()),
    }
}

impl Record for AdminArea {
    const TABLE: &'static Table = &schema::AREAS;

    fn to_row(&self) -> FieldResult<Row> {
        Ok(Row::new(vec![
            Val::text(&self.code),
            Val::text(&self.name),
            Val::text(enum_id(&self.level)),
            Val::opt_text(self.parent.as_deref()),
            Val::date(self.valid.from()),
            Val::Date(self.valid.to()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        Ok(AdminArea {
            code: c.text()?,
            name: c.text()?,
            level: c.parse()?,
            parent: c.opt_text(),
            valid: range_from(c.opt_date(), c.opt_date(), "valid_from")?,
        })
    }

    fn refs(&self) -> Vec<Ref> {
        self.parent.iter().map(|p| r("parent", &schema::AREAS, p)).collect()
    }
}

impl Record for Succession {
    const TABLE: &'static Table = &schema::SUCCESSIONS;

    fn to_row(&self) -> FieldResult<Row> {
        let provenance =
            serde_json::to_string(&self.provenance).map_err(|e| FieldError::new("provenance", e.to_string()))?;
        Ok(Row::new(vec![
            Val::text(&self.from),
            Val::text(&self.to),
            Val::date(self.date),
            Val::text(enum_id(&self.kind)),
            Val::text(provenance),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let from = c.text()?;
        let to = c.text()?;
        let date = c.date()?;
        let kind = c.parse()?;
        let provenance = serde_json::from_str(&c.text()?).map_err(|e| FieldError::new("provenance", e.to_string()))?;
        Ok(Succession { from, to, date, kind, provenance })
    }

    fn refs(&self) -> Vec<Ref> {
        vec![r("from", &schema::AREAS, &self.from), r("to", &schema::AREAS, &self.to)]
    }
}

/// The kind of an organisation as two columns: the kind id and the school level id.
pub(crate) fn org_kind_vals(kind: OrgKind) -> (String, Option<String>) {
    match kind {
        OrgKind::School(level) => ("school".to_owned(), Some(level.id().to_owned())),
        other => (other.id().to_owned(), None),
    }
}

/// The kind of an organisation from its kind id and school level id.
pub(crate) fn org_kind_parse(kind: &str, level: Option<&str>) -> Result<OrgKind, String> {
    const PLAIN: [OrgKind; 5] =
        [OrgKind::Agency, OrgKind::MassOrganisation, OrgKind::CommuneCommittee, OrgKind::Centre, OrgKind::Enterprise];
    if kind == "school" {
        let level = level.ok_or("a school needs its level (school_level)")?;
        return SchoolLevel::ALL.into_iter().find(|l| l.id() == level).map(OrgKind::School).ok_or_else(|| {
            format!("unknown school level `{level}` (known: {})", SchoolLevel::ALL.map(SchoolLevel::id).join(", "))
        });
    }
    PLAIN.into_iter().find(|k| k.id() == kind).ok_or_else(|| {
        format!("unknown organisation kind `{kind}` (known: school, {})", PLAIN.map(OrgKind::id).join(", "))
    })
}

impl Record for Organisation {
    const TABLE: &'static Table = &schema::ORGANISATIONS;

    fn to_row(&self) -> FieldResult<Row> {
        let (kind, level) = org_kind_vals(self.kind);
        Ok(Row::new(vec![
            Val::text(&self.code),
            Val::text(&self.name),
            Val::text(kind),
            Val::Text(level),
            Val::text(enum_id(&self.ownership)),
            Val::text(self.level.id()),
            Val::text(&self.area),
            Val::opt_text(self.parent.as_deref()),
            Val::opt_text(self.actor.as_deref()),
            Val::date(self.valid.from()),
            Val::Date(self.valid.to()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let code = c.text()?;
        let name = c.text()?;
        let kind = c.text()?;
        let school_level = c.opt_text();
        let kind = org_kind_parse(&kind, school_level.as_deref()).map_err(|m| FieldError::new("kind", m))?;
        let ownership: Ownership = c.parse()?;
        let level: OrgLevel = c.parse()?;
        Ok(Organisation {
            code,
            name,
            kind,
            ownership,
            level,
            area: c.text()?,
            parent: c.opt_text(),
            actor: c.opt_text(),
            valid: range_from(c.opt_date(), c.opt_date(), "valid_from")?,
        })
    }

    fn refs(&self) -> Vec<Ref> {
        let mut v = vec![r("area", &schema::AREAS, &self.area)];
        v.extend(self.parent.iter().map(|p| r("parent", &schema::ORGANISATIONS, p)));
        v
    }
}

impl Record for Person {
    const TABLE: &'static Table = &schema::PEOPLE;

    fn into_row(self) -> FieldResult<Row> {
        Ok(Row::new(vec![
            Val::Text(Some(self.id)),
            Val::Text(Some(self.full_name)),
            Val::Int(self.birth_year.map(i64::from)),
            Val::Text(self.citizen_id),
            Val::text(self.category.id()),
            Val::Text(self.area),
        ]))
    }

    fn to_row(&self) -> FieldResult<Row> {
        Ok(Row::new(vec![
            Val::text(&self.id),
            Val::text(&self.full_name),
            Val::Int(self.birth_year.map(i64::from)),
            Val::opt_text(self.citizen_id.as_deref()),
            Val::text(self.category.id()),
            Val::opt_text(self.area.as_deref()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let id = c.text()?;
        let full_name = c.text()?;
        let birth_year = c.opt_int().map(|y| i32::try_from(y).unwrap_or(i32::MAX));
        let citizen_id = c.opt_text();
        let cat = c.text()?;
        let category =
            PersonCategory::parse(&cat).ok_or_else(|| FieldError::new("category", format!("unknown `{cat}`")))?;
        Ok(Person { id, full_name, birth_year, citizen_id, category, area: c.opt_text() })
    }

    fn refs(&self) -> Vec<Ref> {
        self.area.iter().map(|a| r("area", &schema::AREAS, a)).collect()
    }
}

impl Record for Membership {
    const TABLE: &'static Table = &schema::MEMBERSHIPS;

    fn into_row(self) -> FieldResult<Row> {
        Ok(Row::new(vec![
            Val::Text(Some(self.person)),
            Val::Text(Some(self.organisation)),
            Val::text(enum_id(&self.role)),
            Val::date(self.period.from()),
            Val::Date(self.period.to()),
        ]))
    }

    fn to_row(&self) -> FieldResult<Row> {
        Ok(Row::new(vec![
            Val::text(&self.person),
            Val::text(&self.organisation),
            Val::text(enum_id(&self.role)),
            Val::date(self.period.from()),
            Val::Date(self.period.to()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        Ok(Membership {
            person: c.text()?,
            organisation: c.text()?,
            role: c.parse()?,
            period: range_from(c.opt_date(), c.opt_date(), "valid_from")?,
        })
    }

    fn refs(&self) -> Vec<Ref> {
        vec![r("person", &schema::PEOPLE, &self.person), r("organisation", &schema::ORGANISATIONS, &self.organisation)]
    }
}

impl Record for Household {
    const TABLE: &'static Table = &schema::HOUSEHOLDS;

    fn to_row(&self) -> FieldResult<Row> {
        let mut row = Row::new(vec![
            Val::text(&self.id),
            Val::opt_text(self.head.as_deref()),
            Val::text(&self.community),
            Val::opt_text(self.clan.as_deref()),
        ]);
        row.children = self.members.iter().map(|m| vec![Val::text(m)]).collect();
        Ok(row)
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        let id = c.text()?;
        let head = c.opt_text();
        let community = c.text()?;
        let clan = c.opt_text();
        let members = row
            .children
            .iter()
            .map(|ch| {
                ch.first().and_then(Val::as_str).map(str::to_owned).ok_or_else(|| FieldError::new("person", "missing"))
            })
            .collect::<FieldResult<_>>()?;
        Ok(Household { id, head, community, clan, members })
    }

    fn refs(&self) -> Vec<Ref> {
        let mut v = vec![r("community", &schema::COMMUNITIES, &self.community)];
        v.extend(self.head.iter().map(|h| r("head", &schema::PEOPLE, h)));
        v.extend(self.clan.iter().map(|c| r("clan", &schema::CLANS, c)));
        v.extend(self.members.iter().map(|m| r("members", &schema::PEOPLE, m)));
        v
    }
}

impl Record for Clan {
    const TABLE: &'static Table = &schema::CLANS;

    fn to_row(&self) -> FieldResult<Row> {
        Ok(Row::new(vec![Val::text(&self.id), Val::text(&self.name), Val::text(&self.area)]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        Ok(Clan { id: c.text()?, name: c.text()?, area: c.text()? })
    }

    fn refs(&self) -> Vec<Ref> {
        vec![r("area", &schema::AREAS, &self.area)]
    }
}

impl Record for Community {
    const TABLE: &'static Table = &schema::COMMUNITIES;

    fn to_row(&self) -> FieldResult<Row> {
        Ok(Row::new(vec![
            Val::text(&self.id),
            Val::text(&self.name),
            Val::text(enum_id(&self.kind)),
            Val::text(&self.commune),
            Val::date(self.valid.from()),
            Val::Date(self.valid.to()),
        ]))
    }

    fn from_row(row: Row) -> FieldResult<Self> {
        let mut c = Cells::new(Self::TABLE, row.vals);
        Ok(Community {
            id: c.text()?,
            name: c.text()?,
            kind: c.parse()?,
            commune: c.text()?,
            valid: range_from(c.opt_date(), c.opt_date(), "valid_from")?,
        })
    }

    fn refs(&self) -> Vec<Ref> {
        vec![r("commune", &schema::AREAS, &self.commune)]
    }
}

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
