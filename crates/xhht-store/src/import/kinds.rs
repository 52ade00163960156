//! The import kinds: their columns (id, required, accepted Vietnamese labels) and how one row
//! becomes records, with every problem of the row reported against its column. The columns are
//! documented in `docs/data-formats.md` ("Imports"); keep the two in step.

use std::collections::HashMap;
use std::sync::LazyLock;

use chrono::{Datelike, NaiveDate};
use csv::StringRecord;
use xhht_core::Title;
use xhht_core::area::{AdminArea, AreaLevel, Succession};
use xhht_core::entity::{
    Clan, Community, Household, MemberRole, Membership, OrgLevel, Organisation, Ownership, Person, PersonCategory,
    SchoolLevel,
};
use xhht_core::period::DateRange;
use xhht_core::plan::Plan;
use xhht_core::record::{
    Assessment, Commitment, IndicatorValue, Recognition, Registration, ReportKind, ReportSubmission, SelfStudyPlan,
    SubjectRef,
};
use xhht_core::rulebook::{RulebookSet, Subject};
use xhht_scoring::{Engine, Facts};

use super::header::{ColSpec, Header, norm, opt, req};
use crate::error::RowError;
use crate::model::{FieldResult, Record, Ref, Row, org_kind_parse, subject_ref};
use crate::schema::{self, Table};

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum ImportKind {
    /// Administrative areas.
    Areas,
    /// Successions of areas: which area carries on one that ended (the 2025 merger of communes).
    Successions,
    /// Organisations (agencies, schools, enterprises…).
    Organisations,
    /// People, optionally with the organisation they belong to (which writes a membership).
    People,
    /// Memberships of people in organisations over time.
    Memberships,
    /// Clans (dòng họ, chi họ).
    Clans,
    /// Hamlet communities (thôn, ấp, khu phố, tổ dân phố).
    Communities,
    /// Learning households: one row per household, its members in one column.
    Households,
    /// Registrations for a title.
    Registrations,
    /// Lifelong-learning commitments.
    Commitments,
    /// Self-study plans: their state, text, return reason and approval.
    SelfStudyPlans,
    /// Assessments: one row per assessment, one column per indicator.
    Assessments,
    /// Recognition decisions.
    Recognitions,
    /// Report submissions.
    ReportSubmissions,
}

impl ImportKind {
    /// Every kind, in the order a district's files are best imported (parents first).
    pub const ALL: [ImportKind; 14] = [
        Self::Areas,
        Self::Successions,
        Self::Organisations,
        Self::People,
        Self::Memberships,
        Self::Clans,
        Self::Communities,
        Self::Households,
        Self::Registrations,
        Self::Commitments,
        Self::SelfStudyPlans,
        Self::Assessments,
        Self::Recognitions,
        Self::ReportSubmissions,
    ];

    /// The id used on the command line and in sample file names, e.g. `self-study-plans`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Areas => "areas",
            Self::Successions => "successions",
            Self::Organisations => "organisations",
            Self::People => "people",
            Self::Memberships => "memberships",
            Self::Clans => "clans",
            Self::Communities => "communities",
            Self::Households => "households",
            Self::Registrations => "registrations",
            Self::Commitments => "commitments",
            Self::SelfStudyPlans => "self-study-plans",
            Self::Assessments => "assessments",
            Self::Recognitions => "recognitions",
            Self::ReportSubmissions => "report-submissions",
        }
    }

    /// The kind with this id.
    pub fn parse(s: &str) -> Option<ImportKind> {
        Self::ALL.into_iter().find(|k| k.id() == s.trim())
    }

    /// The columns of the kind.
    pub(crate) fn spec(self) -> &'static [ColSpec] {
        match self {
            Self::Areas => AREAS,
            Self::Successions => registers::SUCCESSION_COLS,
            Self::Organisations => ORGANISATIONS,
            Self::People => PEOPLE,
            Self::Memberships => MEMBERSHIPS,
            Self::Clans => registers::CLAN_COLS,
            Self::Communities => registers::COMMUNITY_COLS,
            Self::Households => registers::HOUSEHOLD_COLS,
            Self::Registrations => REGISTRATIONS,
            Self::Commitments => COMMITMENTS,
            Self::SelfStudyPlans => SELF_STUDY_PLANS,
            Self::Assessments => ASSESSMENTS,
            Self::Recognitions => RECOGNITIONS,
            Self::ReportSubmissions => REPORT_SUBMISSIONS,
        }
    }

    /// The ids of the columns, in the order exports write them.
    pub fn columns(self) -> Vec<&'static str> {
        self.spec().iter().map(|c| c.id).collect()
    }
}

impl std::fmt::Display for ImportKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id())
    }
}

const VALID_FROM: &[&str] = &["Từ ngày", "Hiệu lực từ", "Ngày bắt đầu", "Ngày thành lập"];
const VALID_TO: &[&str] = &["Đến ngày", "Hiệu lực đến", "Ngày kết thúc", "Ngày giải thể"];
const PERSON: &[&str] = &["Mã người", "Mã cán bộ", "Mã CB", "Mã cá nhân", "Mã định danh", "Mã số"];
const SUBJECT: &[&str] = &["Mã đối tượng", "Đối tượng", "Mã", "Mã số", "Mã đơn vị"];
const SUBJECT_KIND: &[&str] = &["Loại đối tượng"];
const YEAR: &[&str] = &["Năm", "Năm dữ liệu", "Năm đánh giá"];

static AREAS: &[ColSpec] = &[
    req("code", &["Mã", "Mã đơn vị hành chính", "Mã ĐVHC", "Mã địa bàn", "Mã số"]),
    req("name", &["Tên", "Tên đơn vị hành chính", "Tên ĐVHC", "Tên địa bàn", "Đơn vị hành chính"]),
    req("level", &["Cấp", "Cấp hành chính"]),
    opt("parent", &["Mã cấp trên", "Cấp trên", "Thuộc", "Trực thuộc"]),
    req("valid_from", VALID_FROM),
    opt("valid_to", VALID_TO),
];

static ORGANISATIONS: &[ColSpec] = &[
    req("code", &["Mã", "Mã đơn vị", "Mã số", "Mã cơ quan"]),
    req("name", &["Tên", "Tên đơn vị", "Tên cơ quan, đơn vị", "Tên cơ quan", "Tên trường", "Đơn vị"]),
    req("kind", &["Loại", "Loại hình", "Loại đơn vị", "Loại hình đơn vị"]),
    opt("school_level", &["Cấp học", "Bậc học"]),
    opt("ownership", &["Sở hữu", "Loại hình sở hữu", "Công lập"]),
    req("level", &["Cấp quản lý", "Cấp", "Quản lý"]),
    req("area", &["Địa bàn", "Mã địa bàn", "Xã, phường, thị trấn", "Xã, phường", "Khu vực"]),
    opt("parent", &["Đơn vị cấp trên", "Mã đơn vị cấp trên", "Trực thuộc", "Cấp trên"]),
    opt("actor", &["Vai trò trong kế hoạch", "Tác nhân"]),
    opt("valid_from", VALID_FROM),
    opt("valid_to", VALID_TO),
];

static PEOPLE: &[ColSpec] = &[
    opt("id", &["Mã", "Mã người", "Mã cán bộ", "Mã CB", "Mã số", "Mã định danh"]),
    req("full_name", &["Họ và tên", "Họ tên", "Họ, tên", "Tên"]),
    opt("birth_year", &["Năm sinh", "Ngày sinh", "Ngày, tháng, năm sinh"]),
    opt("citizen_id", &["Số CCCD", "CCCD", "Số căn cước", "Số căn cước công dân", "Số định danh cá nhân"]),
    opt("category", &["Đối tượng", "Thành phần", "Loại", "Ngạch"]),
    opt("area", &["Nơi cư trú", "Địa bàn", "Mã địa bàn", "Xã, phường"]),
    opt("organisation", &["Đơn vị", "Mã đơn vị", "Đơn vị công tác", "Cơ quan"]),
    opt("role", &["Chức vụ", "Vai trò"]),
    opt("valid_from", &["Từ ngày", "Ngày", "Ngày nhận nhiệm vụ", "Ngày vào đơn vị"]),
];

static MEMBERSHIPS: &[ColSpec] = &[
    req("person", PERSON),
    req("organisation", &["Đơn vị", "Mã đơn vị", "Đơn vị công tác", "Cơ quan"]),
    opt("role", &["Chức vụ", "Vai trò"]),
    req("valid_from", &["Từ ngày", "Ngày", "Ngày bắt đầu", "Ngày nhận nhiệm vụ"]),
    opt("valid_to", &["Đến ngày", "Ngày kết thúc", "Ngày thôi"]),
    opt("full_name", &["Họ và tên", "Họ tên"]),
];

static REGISTRATIONS: &[ColSpec] = &[
    opt("subject_kind", SUBJECT_KIND),
    req("subject", SUBJECT),
    opt("title", &["Danh hiệu", "Danh hiệu đăng ký"]),
    req("year", YEAR),
    req("date", &["Ngày đăng ký", "Ngày"]),
];

static COMMITMENTS: &[ColSpec] =
    &[req("person", PERSON), req("year", YEAR), req("date", &["Ngày cam kết", "Ngày ký", "Ngày"])];

static SELF_STUDY_PLANS: &[ColSpec] = &[
    req("person", PERSON),
    req("year", YEAR),
    req("submitted", &["Ngày nộp", "Ngày lập", "Ngày nộp kế hoạch", "Ngày"]),
    opt("approved_by", &["Người phê duyệt", "Người duyệt", "Mã người duyệt", "Phê duyệt bởi"]),
    opt("approved_on", &["Ngày phê duyệt", "Ngày duyệt"]),
    opt("state", &["Trạng thái", "Tình trạng"]),
    opt("content", &["Nội dung", "Nội dung kế hoạch"]),
    opt("note", &["Lý do trả lại", "Lý do"]),
];

static ASSESSMENTS: &[ColSpec] = &[
    opt("subject_kind", SUBJECT_KIND),
    req("subject", SUBJECT),
    req("rulebook", &["Bộ tiêu chí", "Bộ tiêu chuẩn", "Tiêu chuẩn"]),
    req("year", YEAR),
    req("evaluator", &["Người đánh giá", "Đơn vị đánh giá", "Người chấm"]),
    req("date", &["Ngày đánh giá", "Ngày chấm", "Ngày"]),
    opt("minh_chung", &["Minh chứng", "Có minh chứng"]),
];

static RECOGNITIONS: &[ColSpec] = &[
    req("decision_number", &["Số quyết định", "Số QĐ", "Quyết định số"]),
    opt("subject_kind", SUBJECT_KIND),
    req("subject", SUBJECT),
    opt("title", &["Danh hiệu"]),
    opt("level", &["Mức", "Mức độ", "Cấp độ"]),
    req("year", YEAR),
    req("decision_date", &["Ngày quyết định", "Ngày QĐ", "Ngày ký"]),
    req("authority", &["Cơ quan ban hành", "Người ký", "Thẩm quyền", "Cấp công nhận"]),
    opt("valid_until", &["Hiệu lực đến", "Có giá trị đến"]),
];

static REPORT_SUBMISSIONS: &[ColSpec] = &[
    req("actor", &["Tác nhân", "Cơ quan báo cáo", "Vai trò"]),
    req("organisation", &["Đơn vị", "Mã đơn vị", "Đơn vị gửi"]),
    req("year", YEAR),
    opt("kind", &["Loại báo cáo", "Loại"]),
    opt("phase", &["Giai đoạn"]),
    req("submitted_on", &["Ngày nhận", "Ngày gửi", "Ngày nộp", "Ngày"]),
    opt("document_number", &["Số văn bản", "Số hiệu", "Số báo cáo"]),
];

/// The optional columns whose stored value a file without the column keeps: (table, column id,
/// or `""` for a value the kind never carries, position in the table's row).
pub(crate) fn carried(kind: ImportKind) -> &'static [(&'static Table, &'static str, usize)] {
    match kind {
        ImportKind::Areas => CARRY_AREAS,
        ImportKind::Successions => registers::CARRY_SUCCESSIONS,
        ImportKind::Organisations => CARRY_ORGANISATIONS,
        ImportKind::People => CARRY_PEOPLE,
        ImportKind::Memberships => CARRY_MEMBERSHIPS,
        ImportKind::Communities => registers::CARRY_COMMUNITIES,
        ImportKind::Households => registers::CARRY_HOUSEHOLDS,
        ImportKind::SelfStudyPlans => CARRY_PLANS,
        ImportKind::Recognitions => CARRY_RECOGNITIONS,
        ImportKind::ReportSubmissions => CARRY_REPORTS,
        ImportKind::Clans | ImportKind::Registrations | ImportKind::Commitments | ImportKind::Assessments => &[],
    }
}

type Carry = &'static [(&'static Table, &'static str, usize)];
static CARRY_AREAS: Carry = &[(&schema::AREAS, "parent", 3), (&schema::AREAS, "valid_to", 5)];
static CARRY_ORGANISATIONS: Carry = &[
    (&schema::ORGANISATIONS, "ownership", 4),
    (&schema::ORGANISATIONS, "parent", 7),
    (&schema::ORGANISATIONS, "actor", 8),
    (&schema::ORGANISATIONS, "valid_from", 9),
    (&schema::ORGANISATIONS, "valid_to", 10),
];
static CARRY_PEOPLE: Carry = &[
    (&schema::PEOPLE, "birth_year", 2),
    (&schema::PEOPLE, "citizen_id", 3),
    (&schema::PEOPLE, "category", 4),
    (&schema::PEOPLE, "area", 5),
    (&schema::MEMBERSHIPS, "", 4),
];
static CARRY_MEMBERSHIPS: Carry = &[(&schema::MEMBERSHIPS, "valid_to", 4)];
static CARRY_PLANS: Carry = &[
    (&schema::SELF_STUDY_PLANS, "approved_by", 3),
    (&schema::SELF_STUDY_PLANS, "approved_on", 4),
    (&schema::SELF_STUDY_PLANS, "content", 6),
    (&schema::SELF_STUDY_PLANS, "note", 7),
];
static CARRY_RECOGNITIONS: Carry = &[(&schema::RECOGNITIONS, "level", 4), (&schema::RECOGNITIONS, "valid_until", 8)];
static CARRY_REPORTS: Carry = &[(&schema::REPORT_SUBMISSIONS, "document_number", 6)];

/// A record parsed from a row, of whichever table it goes to.
#[derive(Debug, Clone)]
pub(crate) enum Rec {
    Area(AdminArea),
    Succession(Succession),
    Organisation(Organisation),
    Person(Person),
    Membership(Membership),
    Clan(Clan),
    Community(Community),
    Household(Household),
    Registration(Registration),
    Commitment(Commitment),
    Plan(SelfStudyPlan),
    Assessment(Assessment),
    Recognition(Recognition),
    Report(ReportSubmission),
}

macro_rules! each_rec {
    ($r:expr, $x:ident => $e:expr) => {
        match $r {
            Rec::Area($x) => $e,
            Rec::Succession($x) => $e,
            Rec::Organisation($x) => $e,
            Rec::Person($x) => $e,
            Rec::Membership($x) => $e,
            Rec::Clan($x) => $e,
            Rec::Community($x) => $e,
            Rec::Household($x) => $e,
            Rec::Registration($x) => $e,
            Rec::Commitment($x) => $e,
            Rec::Plan($x) => $e,
            Rec::Assessment($x) => $e,
            Rec::Recognition($x) => $e,
            Rec::Report($x) => $e,
        }
    };
}

impl Rec {
    pub(crate) fn table(&self) -> &'static Table {
        fn t<T: Record>(_: &T) -> &'static Table {
            T::TABLE
        }
        each_rec!(self, x => t(x))
    }

    pub(crate) fn into_row(self) -> FieldResult<Row> {
        each_rec!(self, x => x.into_row())
    }

    pub(crate) fn refs(&self) -> Vec<Ref> {
        each_rec!(self, x => x.refs())
    }
}

/// The engines of the rulebooks an assessments file names, built once each.
#[derive(Debug, Default)]
pub(crate) struct Engines {
    built: HashMap<String, Result<Engine, String>>,
}

impl Engines {
    pub(crate) fn get(&mut self, id: &str) -> Result<&Engine, String> {
        self.built
            .entry(id.to_owned())
            .or_insert_with(|| {
                let book = RulebookSet::builtin().get(id).map_err(|e| e.to_string())?;
                Engine::new(book).map_err(|e| e.to_string())
            })
            .as_ref()
            .map_err(Clone::clone)
    }
}

/// One row being read: its cells by column id, and its problems.
pub(crate) struct RowCtx<'a> {
    pub(crate) file: &'a str,
    pub(crate) line: u64,
    rec: &'a StringRecord,
    header: &'a Header,
    spec: &'static [ColSpec],
    pub(crate) errors: Vec<RowError>,
}

impl<'a> RowCtx<'a> {
    pub(crate) fn new(
        file: &'a str,
        line: u64,
        rec: &'a StringRecord,
        header: &'a Header,
        spec: &'static [ColSpec],
    ) -> Self {
        Self { file, line, rec, header, spec, errors: Vec::new() }
    }

    /// The trimmed text of column `id`, `None` when the column is absent or the cell empty.
    pub(crate) fn get(&self, id: &str) -> Option<&'a str> {
        // The ids asked for are the spec's own literals: the same address, most often, so the
        // bytes are compared only when it is not (millions of cells in a big file).
        let pos = self.spec.iter().position(|c| std::ptr::eq(c.id, id) || c.id == id)?;
        let cell = self.header.at.get(pos).copied().flatten()?;
        self.cell(cell)
    }

    /// Whether the file has column `id`.
    pub(crate) fn has(&self, id: &str) -> bool {
        let pos = self.spec.iter().position(|c| c.id == id);
        pos.and_then(|p| self.header.at.get(p).copied().flatten()).is_some()
    }

    /// The trimmed text of cell `n`, if not empty.
    pub(crate) fn cell(&self, n: usize) -> Option<&'a str> {
        self.rec.get(n).map(str::trim).filter(|s| !s.is_empty())
    }

    pub(crate) fn err(&mut self, field: &str, message: impl Into<String>) {
        self.errors.push(RowError {
            file: self.file.to_owned(),
            line: self.line,
            field: field.to_owned(),
            message: message.into(),
        });
    }

    /// A required cell; a missing one is an error.
    fn req(&mut self, id: &str) -> Option<&'a str> {
        let v = self.get(id);
        if v.is_none() {
            self.err(id, "missing");
        }
        v
    }

    fn text(&mut self, id: &str) -> Option<String> {
        self.req(id).map(str::to_owned)
    }

    fn opt_text(&self, id: &str) -> Option<String> {
        self.get(id).map(str::to_owned)
    }

    fn date_of(&mut self, id: &str, v: &str) -> Option<NaiveDate> {
        match xhht_core::date::parse_date_text(v) {
            Ok(d) => Some(d),
            Err(m) => {
                self.err(id, m);
                None
            }
        }
    }

    fn date(&mut self, id: &str) -> Option<NaiveDate> {
        let v = self.req(id)?;
        self.date_of(id, v)
    }

    /// An optional date: `Ok(None)` when empty, `Err(())` when not a date (reported).
    fn opt_date(&mut self, id: &str) -> Result<Option<NaiveDate>, ()> {
        match self.get(id) {
            None => Ok(None),
            Some(v) => self.date_of(id, v).map(Some).ok_or(()),
        }
    }

    fn year(&mut self, id: &str) -> Option<i32> {
        let v = self.req(id)?;
        match v.parse::<i32>() {
            Ok(y) if (2000..=2100).contains(&y) => Some(y),
            _ => {
                self.err(id, format!("`{v}` is not a data year (2000–2100)"));
                None
            }
        }
    }

    /// A value from a closed list: `parse` gets the normalised text.
    fn choice<T>(&mut self, id: &str, required: bool, parse: impl Fn(&str) -> Option<T>, expected: &str) -> Option<T> {
        let v = if required { self.req(id)? } else { self.get(id)? };
        let r = parse(v).or_else(|| parse(&norm(v)));
        if r.is_none() {
            self.err(id, format!("`{v}` is not one of: {expected}"));
        }
        r
    }

    fn range(&mut self, from: Option<NaiveDate>, to: Result<Option<NaiveDate>, ()>) -> Option<DateRange> {
        let (from, to) = (from?, to.ok()?);
        match DateRange::new(from, to) {
            Ok(r) => Some(r),
            Err(_) => {
                self.err(
                    "valid_to",
                    format!("{} is before the start {}", to.map(|d| d.to_string()).unwrap_or_default(), from),
                );
                None
            }
        }
    }

    /// Reports a domain constructor's refusal against the column it names.
    fn refused(&mut self, e: &xhht_core::Error, columns: &[(&str, &str)]) {
        match e {
            xhht_core::Error::Invalid { field, message, .. } => {
                let col = columns.iter().find(|(f, _)| f == field).map_or(*field, |(_, c)| *c);
                self.err(col, message.clone());
            }
            other => self.err("-", other.to_string()),
        }
    }
}

fn area_level(s: &str) -> Option<AreaLevel> {
    Some(match s {
        "province" | "tinh" | "thanh pho truc thuoc trung uong" => AreaLevel::Province,
        "district" | "huyen" | "quan" | "thi xa" | "thanh pho thuoc tinh" => AreaLevel::District,
        "commune" | "xa" | "phuong" | "thi tran" | "dac khu" => AreaLevel::Commune,
        _ => return None,
    })
}

fn org_level(s: &str) -> Option<OrgLevel> {
    Some(match s {
        "province" | "tinh" => OrgLevel::Province,
        "district" | "huyen" => OrgLevel::District,
        "commune" | "xa" => OrgLevel::Commune,
        _ => return None,
    })
}

fn ownership(s: &str) -> Option<Ownership> {
    Some(match s {
        "public" | "cong lap" | "nha nuoc" => Ownership::Public,
        "private" | "ngoai cong lap" | "tu thuc" | "tu nhan" | "dan lap" => Ownership::Private,
        _ => return None,
    })
}

/// Normalised ids and Vietnamese labels of a closed list, built once.
type Names<T> = LazyLock<Vec<(String, T)>>;

fn lookup<T: Copy>(names: &Names<T>, s: &str) -> Option<T> {
    names.iter().find(|(k, _)| k == s).map(|(_, v)| *v)
}

static SCHOOL_LEVELS: Names<SchoolLevel> =
    LazyLock::new(|| SchoolLevel::ALL.iter().flat_map(|l| [(norm(l.id()), *l), (norm(&l.label().vi), *l)]).collect());
static PLAIN_KINDS: Names<xhht_core::entity::OrgKind> = LazyLock::new(|| {
    use xhht_core::entity::OrgKind;
    [OrgKind::Agency, OrgKind::MassOrganisation, OrgKind::CommuneCommittee, OrgKind::Centre, OrgKind::Enterprise]
        .iter()
        .flat_map(|k| [(norm(k.id()), *k), (norm(&k.label().vi), *k)])
        .collect()
});
static CATEGORIES: Names<PersonCategory> = LazyLock::new(|| {
    PersonCategory::ALL
        .iter()
        .flat_map(|c| [(c.id().to_owned(), *c), (norm(c.id()), *c), (norm(&c.label().vi), *c)])
        .collect()
});
static TITLES: Names<Title> =
    LazyLock::new(|| Title::ALL.iter().flat_map(|t| [(norm(t.id()), *t), (norm(&t.label().vi), *t)]).collect());

fn school_level(s: &str) -> Option<SchoolLevel> {
    let by_label = lookup(&SCHOOL_LEVELS, s);
    by_label.or(match s {
        "mau giao" | "nha tre" => Some(SchoolLevel::Preschool),
        "thcs" => Some(SchoolLevel::LowerSecondary),
        "thpt" => Some(SchoolLevel::UpperSecondary),
        "gdtx" => Some(SchoolLevel::ContinuingEducation),
        _ => None,
    })
}

/// An organisation kind from its id or Vietnamese label (`school`, `Trường THCS`…), with the
/// school level it implies, if any.
fn org_kind(s: &str) -> Option<(String, Option<SchoolLevel>)> {
    if let Some(k) = lookup(&PLAIN_KINDS, s) {
        return Some((k.id().to_owned(), None));
    }
    let extra = match s {
        "co quan" | "phong ban" | "co quan nha nuoc" => Some("agency"),
        "doan the" | "hoi" | "mat tran" => Some("mass-organisation"),
        "ubnd xa" | "ubnd" => Some("commune-committee"),
        "trung tam" | "don vi su nghiep" => Some("centre"),
        "doanh nghiep" | "hop tac xa" | "htx" => Some("enterprise"),
        _ => None,
    };
    if let Some(k) = extra {
        return Some((k.to_owned(), None));
    }
    let rest = s.strip_prefix("school").or_else(|| s.strip_prefix("truong"))?.trim();
    Some(("school".to_owned(), if rest.is_empty() { None } else { Some(school_level(rest)?) }))
}

fn category(s: &str) -> Option<PersonCategory> {
    lookup(&CATEGORIES, s)
}

/// A role from `member`/`head` or a position's title: the head of a unit is its Hiệu trưởng,
/// Thủ trưởng, Giám đốc, Chủ tịch or Trưởng …; a deputy (Phó …) or anyone else is a member.
fn role(s: &str) -> MemberRole {
    const HEADS: [&str; 7] = ["head", "hieu truong", "thu truong", "giam doc", "chu tich", "truong", "bi thu"];
    let s = s.trim();
    if s.starts_with("pho ") || s == "pho" {
        return MemberRole::Member;
    }
    if HEADS.iter().any(|h| s == *h || s.starts_with(&format!("{h} "))) { MemberRole::Head } else { MemberRole::Member }
}

fn subject_kind_of(s: &str) -> Option<&'static str> {
    Some(match s {
        "person" | "ca nhan" | "nguoi" | "cong dan" => "person",
        "organisation" | "don vi" | "co quan" | "to chuc" => "organisation",
        "household" | "ho gia dinh" | "gia dinh" | "ho" => "household",
        "clan" | "dong ho" | "chi ho" => "clan",
        "community" | "cong dong" | "thon" | "ap" | "khu pho" | "to dan pho" => "community",
        "area" | "dia ban" | "xa" | "huyen" | "tinh" | "phuong" | "thi tran" => "area",
        _ => return None,
    })
}

fn title_of(s: &str) -> Option<Title> {
    lookup(&TITLES, s)
}

/// The title a subject of this kind registers for.
fn default_title(kind: &str) -> Option<Title> {
    Some(match kind {
        "person" => Title::CongDanHocTap,
        "organisation" => Title::DonViHocTap,
        "household" => Title::GiaDinhHocTap,
        "clan" => Title::DongHoHocTap,
        "community" | "area" => Title::CongDongHocTap,
        _ => return None,
    })
}

const KINDS: &str = "person (cá nhân), organisation (đơn vị), household (hộ gia đình), clan (dòng họ), community (thôn, ấp), area (xã, huyện, tỉnh)";

/// Reads the subject of a row: `subject_kind` (or `default`) and `subject`.
fn subject(ctx: &mut RowCtx<'_>, default: Option<&'static str>) -> Option<SubjectRef> {
    let kind = match ctx.get("subject_kind") {
        Some(_) => ctx.choice("subject_kind", true, subject_kind_of, KINDS)?,
        None => match default {
            Some(k) => k,
            None => {
                ctx.err("subject_kind", format!("missing (one of: {KINDS})"));
                return None;
            }
        },
    };
    let id = ctx.text("subject")?;
    subject_ref(kind, id)
}

/// The subject kind an engine evaluates, when it evaluates only one.
fn engine_subject_kind(engine: &Engine) -> Option<&'static str> {
    let subjects = engine.subjects();
    let kinds: Vec<&'static str> = subjects.iter().map(|s| subject_kind_for(*s)).collect();
    match kinds.as_slice() {
        [k, rest @ ..] if rest.iter().all(|r| r == k) => Some(k),
        _ => None,
    }
}

fn subject_kind_for(s: Subject) -> &'static str {
    match s {
        Subject::Person => "person",
        Subject::Organisation => "organisation",
        Subject::Household => "household",
        Subject::Clan => "clan",
        Subject::Community => "community",
        _ => "area",
    }
}

/// The engine subject an assessed subject is evaluated as.
fn engine_subject(engine: &Engine, s: &SubjectRef) -> Subject {
    match s {
        SubjectRef::Person(_) => Subject::Person,
        SubjectRef::Organisation(_) => Subject::Organisation,
        SubjectRef::Household(_) => Subject::Household,
        SubjectRef::Clan(_) => Subject::Clan,
        SubjectRef::Community(_) => Subject::Community,
        _ => engine
            .subjects()
            .into_iter()
            .find(|s| matches!(s, Subject::Commune | Subject::District | Subject::Province))
            .unwrap_or(Subject::Commune),
    }
}

/// The state shared by the rows of one file.
pub(crate) struct FileCtx {
    pub(crate) kind: ImportKind,
    pub(crate) engines: Engines,
    /// Assessments: the indicator columns (cell, what it holds).
    pub(crate) indicator_cols: Vec<(usize, String, IndicatorCol)>,
}

impl FileCtx {
    /// A context for parsing one block of rows on its own thread (its own engine cache).
    pub(crate) fn for_block(&self) -> FileCtx {
        FileCtx { kind: self.kind, engines: Engines::default(), indicator_cols: self.indicator_cols.clone() }
    }

    /// Parses one data row into its records (empty when the row has errors).
    pub(crate) fn parse(&mut self, ctx: &mut RowCtx<'_>) -> Vec<Rec> {
        let out = match self.kind {
            ImportKind::Areas => area(ctx).map(|a| vec![Rec::Area(a)]),
            ImportKind::Successions => registers::succession(ctx).map(|s| vec![Rec::Succession(s)]),
            ImportKind::Organisations => organisation(ctx).map(|o| vec![Rec::Organisation(o)]),
            ImportKind::People => person(ctx),
            ImportKind::Memberships => membership(ctx).map(|m| vec![Rec::Membership(m)]),
            ImportKind::Clans => registers::clan(ctx).map(|c| vec![Rec::Clan(c)]),
            ImportKind::Communities => registers::community(ctx).map(|c| vec![Rec::Community(c)]),
            ImportKind::Households => registers::household(ctx).map(|h| vec![Rec::Household(h)]),
            ImportKind::Registrations => registration(ctx).map(|r| vec![Rec::Registration(r)]),
            ImportKind::Commitments => commitment(ctx).map(|c| vec![Rec::Commitment(c)]),
            ImportKind::SelfStudyPlans => plan(ctx).map(|p| vec![Rec::Plan(p)]),
            ImportKind::Assessments => self.assessment(ctx).map(|a| vec![Rec::Assessment(a)]),
            ImportKind::Recognitions => recognition(ctx).map(|r| vec![Rec::Recognition(r)]),
            ImportKind::ReportSubmissions => report(ctx).map(|r| vec![Rec::Report(r)]),
        };
        if ctx.errors.is_empty() { out.unwrap_or_default() } else { Vec::new() }
    }
}

mod indicators;
mod registers;
mod rows;

pub(crate) use indicators::{IndicatorCol, indicator_col, indicator_of};
pub(crate) use rows::plan_state;
use rows::{area, commitment, membership, organisation, person, plan, recognition, registration, report};

#[cfg(test)]
mod tests;
