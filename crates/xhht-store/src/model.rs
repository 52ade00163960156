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
use xhht_core::record::SubjectRef;

use crate::db::Val;
use crate::schema::{self, Table};

mod yearly;

pub(crate) use yearly::{PlanParts, SelfAssessed, build_plan, report_kind_vals, revalidate};

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

/// An imported household's head is one of its members (a file lists every member, the head
/// included).
pub(crate) fn check_household_head(h: &Household) -> FieldResult<()> {
    match &h.head {
        Some(head) if !h.members.contains(head) => Err(FieldError::new(
            "head",
            format!("`{head}` is not among the members (list every member, the head included)"),
        )),
        _ => Ok(()),
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
