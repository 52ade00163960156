//! The entities of the movement: organisations, people and their memberships, households,
//! clans and hamlet communities.
//!
//! Rulebook indicators that apply only to some subjects (e.g. TT 24/2023 chỉ tiêu 1.3, only for
//! state agencies and public service units) select them by **tags**: [`Organisation::tags`]
//! derives an organisation's tags from its kind, ownership and level, and [`is_known_tag`] is the
//! vocabulary the rulebook validator accepts.

use std::collections::HashMap;
use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::period::DateRange;
use crate::text::Text;

/// The level of a school (cấp học / loại hình cơ sở giáo dục).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum SchoolLevel {
    /// Nhà trẻ, mẫu giáo, mầm non: nursery, kindergarten, preschool.
    Preschool,
    /// Tiểu học: primary.
    Primary,
    /// Trung học cơ sở (THCS): lower secondary.
    LowerSecondary,
    /// Trung học phổ thông (THPT): upper secondary.
    UpperSecondary,
    /// Trường nhiều cấp học: a multi-level school (its top level decides the tier under TT 24).
    MultiLevel,
    /// Giáo dục thường xuyên (GDTX): continuing education centre.
    ContinuingEducation,
    /// Giáo dục nghề nghiệp: vocational institution.
    Vocational,
    /// Giáo dục đại học: higher education.
    HigherEducation,
}

impl SchoolLevel {
    /// Every level.
    pub const ALL: [SchoolLevel; 8] = [
        Self::Preschool,
        Self::Primary,
        Self::LowerSecondary,
        Self::UpperSecondary,
        Self::MultiLevel,
        Self::ContinuingEducation,
        Self::Vocational,
        Self::HigherEducation,
    ];

    /// The id used in tags and files, e.g. `lower-secondary`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Preschool => "preschool",
            Self::Primary => "primary",
            Self::LowerSecondary => "lower-secondary",
            Self::UpperSecondary => "upper-secondary",
            Self::MultiLevel => "multi-level",
            Self::ContinuingEducation => "continuing-education",
            Self::Vocational => "vocational",
            Self::HigherEducation => "higher-education",
        }
    }

    /// Bilingual name.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::Preschool => ("Mầm non", "Preschool"),
            Self::Primary => ("Tiểu học", "Primary"),
            Self::LowerSecondary => ("Trung học cơ sở", "Lower secondary"),
            Self::UpperSecondary => ("Trung học phổ thông", "Upper secondary"),
            Self::MultiLevel => ("Nhiều cấp học", "Multi-level"),
            Self::ContinuingEducation => ("Giáo dục thường xuyên", "Continuing education"),
            Self::Vocational => ("Giáo dục nghề nghiệp", "Vocational"),
            Self::HigherEducation => ("Giáo dục đại học", "Higher education"),
        };
        Text::new(vi, en)
    }

    /// True for general-education schools (cơ sở giáo dục phổ thông).
    pub fn is_general_education(self) -> bool {
        matches!(self, Self::Primary | Self::LowerSecondary | Self::UpperSecondary | Self::MultiLevel)
    }
}

/// What kind of body an organisation is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "level", rename_all = "kebab-case")]
#[non_exhaustive]
pub enum OrgKind {
    /// A department or agency (phòng, ban, ngành; cơ quan nhà nước).
    Agency,
    /// The Fatherland Front, a socio-political or social organisation (MTTQ, đoàn thể, hội).
    MassOrganisation,
    /// A school or other educational institution, with its level.
    School(SchoolLevel),
    /// A commune or township People's Committee (UBND xã, thị trấn).
    CommuneCommittee,
    /// A centre or other public service unit (trung tâm, đơn vị sự nghiệp).
    Centre,
    /// An enterprise, cooperative or other economic organisation (doanh nghiệp, HTX).
    Enterprise,
}

impl OrgKind {
    /// The id used in tags and files, e.g. `school`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Agency => "agency",
            Self::MassOrganisation => "mass-organisation",
            Self::School(_) => "school",
            Self::CommuneCommittee => "commune-committee",
            Self::Centre => "centre",
            Self::Enterprise => "enterprise",
        }
    }

    /// Bilingual name.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::Agency => ("Cơ quan, phòng ban", "Department or agency"),
            Self::MassOrganisation => ("Mặt trận, đoàn thể, hội", "Front, mass or social organisation"),
            Self::School(level) => {
                let l = level.label();
                return Text::new(format!("Trường {}", l.vi.to_lowercase()), format!("{} school", l.en));
            }
            Self::CommuneCommittee => ("UBND xã, thị trấn", "Commune People's Committee"),
            Self::Centre => ("Trung tâm, đơn vị sự nghiệp", "Centre or public service unit"),
            Self::Enterprise => ("Doanh nghiệp, hợp tác xã", "Enterprise or cooperative"),
        };
        Text::new(vi, en)
    }
}

/// Public or private ownership.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ownership {
    /// Công lập / nhà nước.
    #[default]
    Public,
    /// Ngoài công lập / tư nhân.
    Private,
}

/// The level that manages an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum OrgLevel {
    /// Managed by the province.
    Province,
    /// Managed by the district (a tier that ended on 2025-07-01).
    District,
    /// Managed by the commune.
    Commune,
}

impl OrgLevel {
    /// The id used in tags, e.g. `district`.
    pub fn id(self) -> &'static str {
        match self {
            Self::Province => "province",
            Self::District => "district",
            Self::Commune => "commune",
        }
    }
}

/// An agency, unit, school or enterprise.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Organisation {
    /// A stable code, unique in the database, e.g. `PGD-CANDUOC` or a school's code.
    pub code: String,
    /// The name, as officially written (Vietnamese).
    pub name: String,
    /// What kind of body it is.
    pub kind: OrgKind,
    /// Public or private.
    #[serde(default)]
    pub ownership: Ownership,
    /// Which level manages it.
    pub level: OrgLevel,
    /// The area it belongs to (by code).
    pub area: String,
    /// The organisation it belongs to, if any (e.g. a school under a commune).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The plan actor it acts as, if any (e.g. `actor.phong-gddt`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// When it existed.
    pub valid: DateRange,
}

impl Organisation {
    /// The tags rulebook indicators select on.
    ///
    /// Always the kind (`agency`, `school`, …); for schools `school:<level>`,
    /// `educational-institution`, and `general-education` for primary to upper secondary;
    /// `public` or `private`; `state` for state agencies and public service units (every public
    /// body but enterprises and mass organisations); `economic` for enterprises; and
    /// `managed-by:<level>`.
    pub fn tags(&self) -> Vec<String> {
        let mut t = vec![self.kind.id().to_owned()];
        if let OrgKind::School(level) = self.kind {
            t.push(format!("school:{}", level.id()));
            t.push("educational-institution".to_owned());
            if level.is_general_education() {
                t.push("general-education".to_owned());
            }
        }
        let public = self.ownership == Ownership::Public;
        t.push(if public { "public" } else { "private" }.to_owned());
        let state = public && !matches!(self.kind, OrgKind::Enterprise | OrgKind::MassOrganisation);
        if state {
            t.push("state".to_owned());
        }
        if self.kind == OrgKind::Enterprise {
            t.push("economic".to_owned());
        }
        t.push(format!("managed-by:{}", self.level.id()));
        t
    }
}

/// Tags of communes, households and people that rulebooks may select on.
const OTHER_TAGS: &[&str] = &["difficult-area", "town"];

/// True when `tag` is in the vocabulary rulebooks may use.
pub fn is_known_tag(tag: &str) -> bool {
    const KINDS: &[&str] = &["agency", "mass-organisation", "school", "commune-committee", "centre", "enterprise"];
    const DERIVED: &[&str] =
        &["educational-institution", "general-education", "public", "private", "state", "economic"];
    if KINDS.contains(&tag) || DERIVED.contains(&tag) || OTHER_TAGS.contains(&tag) {
        return true;
    }
    if let Some(level) = tag.strip_prefix("school:") {
        return SchoolLevel::ALL.iter().any(|l| l.id() == level);
    }
    if let Some(level) = tag.strip_prefix("managed-by:") {
        return ["province", "district", "commune"].contains(&level);
    }
    if let Some(cat) = tag.strip_prefix("category:") {
        return PersonCategory::ALL.iter().any(|c| c.id() == cat);
    }
    false
}

/// The category of a person in the plan's targets (CBCCVC-GV-NLĐ).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum PersonCategory {
    /// Cán bộ: elected or appointed cadre.
    CanBo,
    /// Công chức: civil servant.
    CongChuc,
    /// Viên chức: public employee.
    VienChuc,
    /// Giáo viên: teacher.
    GiaoVien,
    /// Người lao động: worker.
    NguoiLaoDong,
    /// Anyone else (a resident, a pupil…): not counted in the staff target.
    Other,
}

impl PersonCategory {
    /// Every category.
    pub const ALL: [PersonCategory; 6] =
        [Self::CanBo, Self::CongChuc, Self::VienChuc, Self::GiaoVien, Self::NguoiLaoDong, Self::Other];

    /// The id used in files, e.g. `cong-chuc`.
    pub fn id(self) -> &'static str {
        match self {
            Self::CanBo => "can-bo",
            Self::CongChuc => "cong-chuc",
            Self::VienChuc => "vien-chuc",
            Self::GiaoVien => "giao-vien",
            Self::NguoiLaoDong => "nguoi-lao-dong",
            Self::Other => "other",
        }
    }

    /// Bilingual name.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::CanBo => ("Cán bộ", "Cadre"),
            Self::CongChuc => ("Công chức", "Civil servant"),
            Self::VienChuc => ("Viên chức", "Public employee"),
            Self::GiaoVien => ("Giáo viên", "Teacher"),
            Self::NguoiLaoDong => ("Người lao động", "Worker"),
            Self::Other => ("Khác", "Other"),
        };
        Text::new(vi, en)
    }

    /// Parses an id (`cong-chuc`) or a Vietnamese label (`Công chức`, any case).
    pub fn parse(s: &str) -> Option<Self> {
        let t = s.trim();
        if let Some(c) = Self::ALL.into_iter().find(|c| c.id() == t) {
            return Some(c);
        }
        let t = t.to_lowercase();
        Self::ALL.into_iter().find(|c| c.label().vi.to_lowercase() == t)
    }

    /// True for the people the plan's staff target counts.
    pub fn is_staff(self) -> bool {
        self != Self::Other
    }
}

/// A person. Name, birth date and citizen id are personal data (Nghị định 13/2023/NĐ-CP).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Person {
    /// A stable id, unique in the database.
    pub id: String,
    /// Full name (họ và tên).
    pub full_name: String,
    /// Year of birth (năm sinh).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub birth_year: Option<i32>,
    /// Citizen id number (số CCCD), when recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub citizen_id: Option<String>,
    /// Category.
    pub category: PersonCategory,
    /// The area where the person lives, when known.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub area: Option<String>,
}

/// What a citizen id must look like, for messages.
pub const CITIZEN_ID_FORMAT: &str =
    "số CCCD gồm 12 chữ số (hoặc số CMND cũ 9 chữ số) / a citizen id is 12 digits (or an old identity card's 9 digits)";

/// Checks a citizen id as it is written: the 12 digits of a căn cước công dân (Luật Căn cước
/// công dân 2014, issued from 2016) or the 9 digits of an old chứng minh nhân dân, nothing
/// else. The number names one person: the store refuses a second person with the same one.
///
/// # Errors
/// [`CITIZEN_ID_FORMAT`].
pub fn check_citizen_id(id: &str) -> std::result::Result<(), &'static str> {
    if matches!(id.len(), 9 | 12) && id.bytes().all(|b| b.is_ascii_digit()) { Ok(()) } else { Err(CITIZEN_ID_FORMAT) }
}

/// A person's role in an organisation.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum MemberRole {
    /// A member (thành viên).
    #[default]
    Member,
    /// The head (thủ trưởng, hiệu trưởng, chủ tịch, giám đốc): approves self-study plans.
    Head,
}

/// A person's membership of an organisation over a date range.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Membership {
    /// The person.
    pub person: String,
    /// The organisation's code.
    pub organisation: String,
    /// Member or head.
    #[serde(default)]
    pub role: MemberRole,
    /// When.
    pub period: DateRange,
}

/// Memberships of one population, indexed by person and by organisation, with queries by day.
#[derive(Debug, Clone, Default)]
pub struct Memberships<'a> {
    by_person: HashMap<&'a str, Vec<&'a Membership>>,
    by_org: HashMap<&'a str, Vec<&'a Membership>>,
}

impl<'a> Memberships<'a> {
    /// Indexes `memberships`. Rejects a person with two overlapping memberships of the same
    /// organisation in the same role, and two heads of one organisation on the same day.
    pub fn new(memberships: impl IntoIterator<Item = &'a Membership>) -> Result<Self> {
        let mut by_person: HashMap<&str, Vec<&Membership>> = HashMap::new();
        let mut by_org: HashMap<&str, Vec<&Membership>> = HashMap::new();
        for m in memberships {
            by_person.entry(m.person.as_str()).or_default().push(m);
            by_org.entry(m.organisation.as_str()).or_default().push(m);
        }
        for list in by_org.values_mut() {
            list.sort_by(|a, b| {
                (&a.person, a.role as u8, a.period.from()).cmp(&(&b.person, b.role as u8, b.period.from()))
            });
            for w in list.windows(2) {
                let (a, b) = (w[0], w[1]);
                if a.person == b.person && a.role == b.role && a.period.overlaps(&b.period) {
                    return Err(Error::invalid(
                        format!("membership of {} in {}", a.person, a.organisation),
                        "period",
                        format!("{} overlaps {}", a.period, b.period),
                    ));
                }
            }
            let mut heads: Vec<&Membership> = list.iter().copied().filter(|m| m.role == MemberRole::Head).collect();
            heads.sort_by_key(|m| m.period.from());
            for w in heads.windows(2) {
                let (a, b) = (w[0], w[1]);
                if a.period.overlaps(&b.period) {
                    return Err(Error::invalid(
                        format!("head of {}", a.organisation),
                        "period",
                        format!("{} ({}) and {} ({}) overlap", a.person, a.period, b.person, b.period),
                    ));
                }
            }
        }
        Ok(Self { by_person, by_org })
    }

    /// The organisation `person` belongs to on `day` (as a member or head), if any. When the
    /// records show several, the one whose membership started last wins.
    pub fn organisation_of(&self, person: &str, day: NaiveDate) -> Option<&'a str> {
        self.by_person
            .get(person)?
            .iter()
            .filter(|m| m.period.contains(day))
            .max_by_key(|m| m.period.from())
            .map(|m| m.organisation.as_str())
    }

    /// The head of `organisation` on `day`, if recorded.
    pub fn head_of(&self, organisation: &str, day: NaiveDate) -> Option<&'a str> {
        self.by_org
            .get(organisation)?
            .iter()
            .find(|m| m.role == MemberRole::Head && m.period.contains(day))
            .map(|m| m.person.as_str())
    }

    /// The people who belong to `organisation` on `day`, sorted and without repeats.
    pub fn members_of(&self, organisation: &str, day: NaiveDate) -> Vec<&'a str> {
        let mut v: Vec<&str> = self
            .by_org
            .get(organisation)
            .map(|l| l.iter().filter(|m| m.period.contains(day)).map(|m| m.person.as_str()).collect())
            .unwrap_or_default();
        v.sort_unstable();
        v.dedup();
        v
    }

    /// Every person with a membership on `day`, with the organisation they belong to then
    /// (see [`Self::organisation_of`]).
    pub fn all_on(&self, day: NaiveDate) -> Vec<(&'a str, &'a str)> {
        let mut v: Vec<(&str, &str)> =
            self.by_person.keys().filter_map(|p| self.organisation_of(p, day).map(|o| (*p, o))).collect();
        v.sort_unstable();
        v
    }
}

/// Two memberships of one person in two organisations over at least one shared day. A person
/// belongs to one organisation at a time: a move ends the membership there before the one here
/// begins. [`first_clash`] finds them; stores refuse to keep them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Clash<'a> {
    /// The membership that starts first (or, starting the same day, of the organisation whose
    /// code sorts first).
    pub held: &'a Membership,
    /// The other one.
    pub other: &'a Membership,
}

impl fmt::Display for Clash<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} thuộc {} ({}) và {} ({}) cùng lúc / belongs to {} ({}) and {} ({}) at the same time",
            self.held.person,
            self.held.organisation,
            self.held.period,
            self.other.organisation,
            self.other.period,
            self.held.organisation,
            self.held.period,
            self.other.organisation,
            self.other.period,
        )
    }
}

/// The first [`Clash`] among `memberships` (any people, any order), if there is one.
pub fn first_clash<'a>(memberships: impl IntoIterator<Item = &'a Membership>) -> Option<Clash<'a>> {
    let mut by_person: HashMap<&str, Vec<&Membership>> = HashMap::new();
    for m in memberships {
        by_person.entry(m.person.as_str()).or_default().push(m);
    }
    let mut people: Vec<&str> = by_person.keys().copied().collect();
    people.sort_unstable();
    for p in people {
        let Some(list) = by_person.get_mut(p) else { continue };
        list.sort_by(|a, b| (a.period.from(), &a.organisation).cmp(&(b.period.from(), &b.organisation)));
        for (i, a) in list.iter().enumerate() {
            if let Some(b) =
                list[i + 1..].iter().find(|b| b.organisation != a.organisation && a.period.overlaps(&b.period))
            {
                return Some(Clash { held: a, other: b });
            }
        }
    }
    None
}

/// What writing a membership does to the person's memberships: the one opened and, for a move,
/// those elsewhere that it overlaps, closed the day before it begins. Access control asks for
/// the right to write the records of every organisation it touches
/// ([`MembershipChange::organisations`]) before it is made.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipChange {
    /// The memberships elsewhere, ended the day before [`MembershipChange::open`] begins.
    pub close: Vec<Membership>,
    /// The membership written.
    pub open: Membership,
}

impl MembershipChange {
    /// The change that writes `new` given the person's memberships on record (`existing`,
    /// anyone's: others are ignored). A membership of the person in another organisation that
    /// overlaps `new` must be closed for `new` to be kept: with `allow_move`, it is closed the
    /// day before `new` begins; without, or when it begins on or after that day (it cannot end
    /// before it began), the answer is [`Error::Invalid`] naming it. A membership of the same
    /// organisation (the same row rewritten, or the other role) is left as it is.
    pub fn new(existing: &[Membership], new: Membership, allow_move: bool) -> Result<Self> {
        let mut close = Vec::new();
        for m in existing.iter().filter(|m| m.person == new.person && m.organisation != new.organisation) {
            if !m.period.overlaps(&new.period) {
                continue;
            }
            let day_before = new.period.from().pred_opt();
            let closed = day_before
                .filter(|d| *d >= m.period.from())
                .and_then(|d| DateRange::new(m.period.from(), Some(d)).ok());
            match closed {
                Some(period) if allow_move => close.push(Membership { period, ..m.clone() }),
                Some(_) => {
                    return Err(Error::invalid(
                        format!("membership of {} in {}", new.person, new.organisation),
                        "organisation",
                        format!(
                            "{} đang thuộc {} ({}): kết thúc tư cách thành viên ở đó trước, hoặc gửi \
                             `move` để chuyển / {} belongs to {} ({}): end that membership first, \
                             or send `move` to move them",
                            new.person, m.organisation, m.period, new.person, m.organisation, m.period
                        ),
                    ));
                }
                None => {
                    return Err(Error::invalid(
                        format!("membership of {} in {}", new.person, new.organisation),
                        "from",
                        format!(
                            "{} thuộc {} từ {} ({}), không trước ngày bắt đầu này / {} belongs to {} \
                             from {} ({}), not before this one begins: give this membership an end \
                             date before that",
                            new.person,
                            m.organisation,
                            m.period.from(),
                            m.period,
                            new.person,
                            m.organisation,
                            m.period.from(),
                            m.period
                        ),
                    ));
                }
            }
        }
        Ok(Self { close, open: new })
    }

    /// Every organisation whose records writing `new` touches, whether or not the change can
    /// be made: the one joined first, then each other one the person belongs to over `new`'s
    /// days, without repeats. Access control asks about these before anything else.
    pub fn organisations<'a>(existing: &'a [Membership], new: &'a Membership) -> Vec<&'a str> {
        let mut v = vec![new.organisation.as_str()];
        for m in existing.iter().filter(|m| m.person == new.person && m.period.overlaps(&new.period)) {
            if !v.contains(&m.organisation.as_str()) {
                v.push(m.organisation.as_str());
            }
        }
        v
    }

    /// The memberships to write, the closed ones first.
    pub fn into_writes(self) -> Vec<Membership> {
        let mut v = self.close;
        v.push(self.open);
        v
    }
}

/// A household (hộ gia đình).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Household {
    /// A stable id.
    pub id: String,
    /// The head of household (chủ hộ), a person id.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub head: Option<String>,
    /// The hamlet community it lives in.
    pub community: String,
    /// The clan it belongs to, if recorded.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clan: Option<String>,
    /// Members (person ids).
    #[serde(default)]
    pub members: Vec<String>,
}

/// A clan or clan branch (dòng họ, chi họ), usually counted within a commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Clan {
    /// A stable id.
    pub id: String,
    /// The clan's name, e.g. `Họ Nguyễn (chi 2)`.
    pub name: String,
    /// The commune it is counted in.
    pub area: String,
}

/// The kind of a hamlet-level community.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum CommunityKind {
    /// Ấp (hamlet, in the South).
    Ap,
    /// Thôn, bản.
    Thon,
    /// Khu phố (urban quarter).
    KhuPho,
    /// Tổ dân phố.
    ToDanPho,
}

/// A hamlet community (thôn, ấp, khu phố, tổ dân phố) inside a commune.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Community {
    /// A stable id.
    pub id: String,
    /// Its name, e.g. `Ấp 3`.
    pub name: String,
    /// The kind.
    pub kind: CommunityKind,
    /// The commune it lies in (area code).
    pub commune: String,
    /// When it existed.
    pub valid: DateRange,
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    fn m(person: &str, org: &str, role: MemberRole, from: NaiveDate, to: Option<NaiveDate>) -> Membership {
        Membership { person: person.into(), organisation: org.into(), role, period: DateRange::new(from, to).unwrap() }
    }

    #[test]
    fn tags_follow_kind_ownership_and_level() {
        let school = Organisation {
            code: "THCS-LK".into(),
            name: "Trường THCS Long Khê".into(),
            kind: OrgKind::School(SchoolLevel::LowerSecondary),
            ownership: Ownership::Public,
            level: OrgLevel::District,
            area: "27700".into(),
            parent: None,
            actor: None,
            valid: DateRange::starting(d(2000, 1, 1)),
        };
        let tags = school.tags();
        for t in ["school", "school:lower-secondary", "general-education", "public", "state", "managed-by:district"] {
            assert!(tags.contains(&t.to_owned()), "{t} in {tags:?}");
        }
        assert!(tags.iter().all(|t| is_known_tag(t)));
        let firm = Organisation { kind: OrgKind::Enterprise, ownership: Ownership::Private, ..school };
        assert!(firm.tags().contains(&"economic".to_owned()) && !firm.tags().contains(&"state".to_owned()));
        assert!(!is_known_tag("school:university") && !is_known_tag("nonsense"));
    }

    #[test]
    fn heads_and_moves_are_answered_by_day() {
        let all = [
            m("p1", "A", MemberRole::Member, d(2020, 1, 1), Some(d(2024, 6, 30))),
            m("p1", "B", MemberRole::Member, d(2024, 7, 1), None),
            m("h1", "A", MemberRole::Head, d(2020, 1, 1), Some(d(2024, 3, 31))),
            m("h2", "A", MemberRole::Head, d(2024, 4, 1), None),
        ];
        let ms = Memberships::new(&all).unwrap();
        assert_eq!(ms.organisation_of("p1", d(2024, 12, 31)), Some("B"));
        assert_eq!(ms.organisation_of("p1", d(2024, 3, 1)), Some("A"));
        assert_eq!(ms.head_of("A", d(2024, 3, 31)), Some("h1"));
        assert_eq!(ms.head_of("A", d(2024, 4, 1)), Some("h2"));
        assert_eq!(ms.members_of("A", d(2024, 1, 1)), ["h1", "p1"]);
    }

    #[test]
    fn a_person_in_two_organisations_at_once_is_a_clash() {
        let moved = [
            m("p1", "A", MemberRole::Member, d(2020, 1, 1), Some(d(2024, 6, 30))),
            m("p1", "B", MemberRole::Member, d(2024, 7, 1), None),
            m("p1", "A", MemberRole::Head, d(2020, 1, 1), None),
        ];
        assert_eq!(first_clash(&moved[..2]), None, "a move is no clash");
        let both = [moved[0].clone(), moved[1].clone(), m("p1", "C", MemberRole::Member, d(2024, 6, 30), None)];
        let c = first_clash(&both).unwrap();
        assert_eq!((c.held.organisation.as_str(), c.other.organisation.as_str()), ("A", "C"));
        assert!(c.to_string().contains("at the same time"), "{c}");
        // The same organisation in two roles is not a clash.
        assert_eq!(first_clash(&[moved[0].clone(), moved[2].clone()]), None);
    }

    #[test]
    fn a_membership_elsewhere_is_closed_only_by_a_move() {
        let held = [
            m("p1", "B", MemberRole::Member, d(2015, 1, 1), None),
            m("p2", "B", MemberRole::Member, d(2015, 1, 1), None),
        ];
        let new = m("p1", "A", MemberRole::Member, d(2024, 1, 1), None);
        let err = MembershipChange::new(&held, new.clone(), false).unwrap_err().to_string();
        assert!(err.contains("belongs to B") && err.contains("move"), "{err}");
        assert_eq!(MembershipChange::organisations(&held, &new), ["A", "B"]);
        let change = MembershipChange::new(&held, new.clone(), true).unwrap();
        assert_eq!(change.close, [m("p1", "B", MemberRole::Member, d(2015, 1, 1), Some(d(2023, 12, 31)))]);
        let writes = change.into_writes();
        assert_eq!(first_clash(&writes), None);
        // A membership elsewhere that begins later cannot be closed before the new one begins.
        let later = [m("p1", "B", MemberRole::Member, d(2025, 1, 1), None)];
        assert_eq!(MembershipChange::organisations(&later, &new), ["A", "B"]);
        let err = MembershipChange::new(&later, new.clone(), true).unwrap_err().to_string();
        assert!(err.contains("end date"), "{err}");
        // Nothing elsewhere (or only the past): nothing to close, one organisation touched.
        let past = [m("p1", "B", MemberRole::Member, d(2015, 1, 1), Some(d(2020, 12, 31)))];
        assert_eq!(MembershipChange::organisations(&past, &new), ["A"]);
        let change = MembershipChange::new(&past, new, false).unwrap();
        assert!(change.close.is_empty());
    }

    #[test]
    fn two_heads_on_one_day_are_rejected() {
        let all =
            [m("h1", "A", MemberRole::Head, d(2020, 1, 1), None), m("h2", "A", MemberRole::Head, d(2024, 4, 1), None)];
        assert!(Memberships::new(&all).unwrap_err().to_string().contains("overlap"));
    }

    #[test]
    fn categories_parse_from_ids_and_vietnamese_labels() {
        assert_eq!(PersonCategory::parse("Giáo viên"), Some(PersonCategory::GiaoVien));
        assert_eq!(PersonCategory::parse("cong-chuc"), Some(PersonCategory::CongChuc));
        assert_eq!(PersonCategory::parse("người lao động"), Some(PersonCategory::NguoiLaoDong));
        assert_eq!(PersonCategory::parse("x"), None);
    }
}
