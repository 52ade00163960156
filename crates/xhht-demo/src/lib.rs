//! `xhht-demo` — **synthetic** data for xhht: a district shaped like Cần Đước (the township and
//! its 16 communes by their real names, the departments and organisations the plan names,
//! schools by level, a few thousand staff) or a province-sized population, with yearly records
//! from 2023 to the year of "today" and the 2025 reorganisation.
//!
//! Every person, score, date and decision here is invented by a seeded pseudo-random generator:
//! the same [`Options`] give the same [`Dataset`], byte for byte. The mapping of the old communes
//! to the communes formed on 2025-07-01 is **illustrative** (the real one, NQ 1656/NQ-UBTVQH15,
//! is not in the sources) and every such succession is marked `assumed`. [`Dataset::notice`]
//! says so in both languages; reports built from it repeat it.
//!
//! The story it tells: units assessed under TT 22/2020 (points, one year) in 2023 and under
//! TT 24/2023 (levels, a dossier, a 3-year recognition) from 2024, decisions each February,
//! renewals when a recognition ends, level 2 as the rules allow it after level 1; two units in five
//! also tried the TT 24/2023 criteria in 2023 (a pilot self-assessment), so 2023 can be judged
//! under the rules of 2024 (`xhht progress --comparable`); communes merged on 2025-07-01.
//!
//! The district tier ends in the organisations too: the district's offices and the old
//! communes' People's Committees are valid until 2025-06-30. From 2025-07-01 each new commune
//! has its People's Committee (`UBND-72xxx`) and its culture–society office (`PVHXH-72xxx`), and
//! the province's education and home-affairs departments and study-promotion association
//! (`SGDDT-TAYNINH`, `SNV-TAYNINH`, `HKH-TAYNINH`) hold the plan's district-wide duties — an
//! **assumed** reading of the 2025 texts (the notice says so). Everyone in a body that ended
//! carries on in its successor, so the same people are counted in fewer units; schools carry on.
//! A body's own records (assessments, registrations, reports, reward proposals) fall within its
//! life: the old bodies' last reports are of 2025, sent before they ended.
//!
//! What it is not: a source of facts about any real district, or a test oracle — tests that
//! need exact expectations build their own small worlds.

mod draw;
pub mod hostile;
mod names;
mod proposals;
mod reform;
mod results;
mod rng;

use draw::{mix, unit_values};

use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;
use xhht_core::area::{AdminArea, AreaLevel, Succession, SuccessionKind};
use xhht_core::entity::{
    MemberRole, Membership, OrgKind, OrgLevel, Organisation, Ownership, Person, PersonCategory, SchoolLevel,
};
use xhht_core::period::DateRange;
use xhht_core::record::{
    Assessment, Commitment, DutyReport, IndicatorValue, Recognition, Registration, ReportKind, ReportSubmission,
    SelfStudyPlan, SubjectRef, Value,
};
use xhht_core::source::Provenance;
use xhht_core::{Text, Title};
use xhht_scoring::year::{YearEngines, YearInput, evaluate_year};

pub use results::{SyntheticResults, synthetic_results};
pub use rng::Rng;

/// How big a population to make.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Size {
    /// One district: 17 communes, ~150 organisations, ~3,000 staff.
    District,
    /// A province: 100 communes in 15 districts, ~15,000 organisations, ~3.3 million people
    /// (for benchmarks; generating it takes a while).
    Province,
    /// A tiny world for fast tests: 2 communes, a dozen organisations, ~150 people.
    Tiny,
}

/// What to generate.
#[derive(Debug, Clone, Copy)]
pub struct Options {
    /// The size.
    pub size: Size,
    /// The seed of the pseudo-random generator.
    pub seed: u64,
    /// "Today": records dated after it are not generated (the current year is in progress).
    pub today: NaiveDate,
}

/// A generated population with its records.
#[derive(Debug, Clone, Default)]
pub struct Dataset {
    /// What this data is, in both languages (it is synthetic).
    pub notice: Text,
    /// The first data year.
    pub first_year: i32,
    /// The last data year (the year of "today").
    pub last_year: i32,
    /// Administrative areas, before and after 2025-07-01.
    pub areas: Vec<AdminArea>,
    /// How the old areas passed into the new ones.
    pub successions: Vec<Succession>,
    /// Organisations, the district tier's ending on 2025-06-30 and their successors beginning on
    /// 2025-07-01.
    pub organisations: Vec<Organisation>,
    /// People.
    pub people: Vec<Person>,
    /// Memberships (those in a body that ended pass on 2025-07-01 to its successor).
    pub memberships: Vec<Membership>,
    /// Registrations.
    pub registrations: Vec<Registration>,
    /// Lifelong-learning commitments.
    pub commitments: Vec<Commitment>,
    /// Self-study plans.
    pub self_study_plans: Vec<SelfStudyPlan>,
    /// Assessments.
    pub assessments: Vec<Assessment>,
    /// Recognition decisions.
    pub recognitions: Vec<Recognition>,
    /// Annual report submissions.
    pub report_submissions: Vec<ReportSubmission>,
    /// What the submitted reports said, duty by duty (most duties filled, some left blank).
    pub duty_reports: Vec<DutyReport>,
    /// Reward proposals of model units, walked through their steps: past years' verified and
    /// decided (most awarded, some rejected, some returned and left), this year's some awaiting
    /// verification, some returned with a reason, some verified and awaiting the decision.
    pub reward_proposals: Vec<xhht_core::record::RewardProposal>,
}

impl Dataset {
    /// The records as a [`YearInput`] for `year`.
    pub fn input(&self, year: i32) -> YearInput<'_> {
        YearInput {
            year,
            organisations: &self.organisations,
            people: &self.people,
            memberships: &self.memberships,
            registrations: &self.registrations,
            commitments: &self.commitments,
            self_study_plans: &self.self_study_plans,
            assessments: &self.assessments,
            recognitions: &self.recognitions,
        }
    }
}

/// What can go wrong while generating (a bug in the generator, reported rather than panicking).
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// A domain constructor refused a generated record.
    Domain(xhht_core::Error),
    /// The engine refused to evaluate a generated year.
    Scoring(xhht_scoring::Error),
}

impl std::fmt::Display for Error {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Self::Domain(e) => write!(f, "the demo generator built an invalid record: {e}"),
            Self::Scoring(e) => write!(f, "the demo generator could not evaluate a year: {e}"),
        }
    }
}

impl std::error::Error for Error {}

impl From<xhht_core::Error> for Error {
    fn from(e: xhht_core::Error) -> Self {
        Self::Domain(e)
    }
}

impl From<xhht_scoring::Error> for Error {
    fn from(e: xhht_scoring::Error) -> Self {
        Self::Scoring(e)
    }
}

fn d(y: i32, m: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, day).unwrap_or(NaiveDate::MIN)
}

/// The day the district tier ended.
pub const REFORM: (i32, u32, u32) = (2025, 7, 1);

fn reform() -> NaiveDate {
    d(REFORM.0, REFORM.1, REFORM.2)
}

fn illustrative() -> Provenance {
    Provenance::Assumed {
        note: Text::new(
            "Phân bổ minh họa: việc sắp xếp thực tế (NQ 1656/NQ-UBTVQH15) chưa có trong nguồn.",
            "Illustrative mapping: the real arrangement (NQ 1656/NQ-UBTVQH15) is not in the sources.",
        ),
    }
}

/// Generates a dataset.
pub fn generate(opts: Options) -> Result<Dataset, Error> {
    let mut g = Gen {
        rng: Rng::new(opts.seed),
        today: opts.today,
        ds: Dataset::default(),
        next_person: 0,
        quality: std::collections::HashMap::new(),
    };
    g.ds.notice = Text::new(
        "Dữ liệu mô phỏng (tổng hợp ngẫu nhiên có hạt giống), không phải số liệu thật của địa phương nào. \
         Tên xã, thị trấn của Cần Đước là thật; việc sắp xếp xã sau ngày 01/07/2025 là minh họa. Các cơ quan \
         cấp huyện và UBND các xã cũ kết thúc ngày 30/06/2025; cơ quan kế nhiệm (UBND và Phòng Văn hóa - Xã hội \
         các xã mới; Sở GD&ĐT, Sở Nội vụ, Hội Khuyến học tỉnh Tây Ninh), việc giao nhiệm vụ của kế hoạch và \
         chuyển cán bộ sang đó là giả định.",
        "Synthetic data (seeded pseudo-random), not the figures of any real place. The names of Cần Đước's \
         communes are real; the mapping of communes after 01/07/2025 is illustrative. The district's bodies \
         and the old communes' People's Committees end on 30/06/2025; the successor bodies (the new communes' \
         People's Committees and culture–society offices; Tây Ninh's Department of Education and Training, \
         Department of Home Affairs and Study Promotion Association), the passing of the plan's duties to them \
         and the moves of staff are assumed.",
    );
    g.ds.first_year = 2023;
    g.ds.last_year = opts.today.year().max(2023);
    let communes = g.areas(opts.size)?;
    g.organisations(opts.size, &communes);
    g.people();
    reform::reorganise(&mut g.ds, &mut g.quality)?;
    for year in g.ds.first_year..=g.ds.last_year {
        g.year(year)?;
    }
    for year in g.ds.first_year..=g.ds.last_year {
        proposals::walk(&mut g.ds, &g.quality, year, opts.today)?;
    }
    Ok(g.ds)
}

struct Gen {
    rng: Rng,
    today: NaiveDate,
    ds: Dataset,
    next_person: u64,
    /// How committed each organisation is to the movement, 0–99: the top quarter are model units.
    quality: std::collections::HashMap<String, u64>,
}

/// A commune before the reform, with the code of the commune it passed into.
struct Commune {
    code: String,
    name: String,
    town: bool,
}

impl Gen {
    fn areas(&mut self, size: Size) -> Result<Vec<Commune>, Error> {
        let origin = d(2000, 1, 1);
        let before = d(2025, 6, 30);
        let range = |from, to| DateRange::new(from, to);
        let mut areas = vec![
            AdminArea {
                code: "80".into(),
                name: "Tỉnh Long An".into(),
                level: AreaLevel::Province,
                parent: None,
                valid: range(origin, Some(before))?,
            },
            AdminArea {
                code: "72".into(),
                name: "Tỉnh Tây Ninh".into(),
                level: AreaLevel::Province,
                parent: None,
                valid: range(origin, None)?,
            },
        ];
        let mut successions = vec![Succession {
            from: "80".into(),
            to: "72".into(),
            date: reform(),
            kind: SuccessionKind::Merged,
            provenance: Provenance::Verified,
        }];
        let districts: Vec<(String, String)> = match size {
            Size::Province => {
                (0..15).map(|i| (format!("8{:02}", i + 1), format!("Huyện mô phỏng {:02}", i + 1))).collect()
            }
            _ => vec![("806".into(), "Huyện Cần Đước".into())],
        };
        let mut communes = Vec::new();
        for (dn, (dcode, dname)) in districts.iter().enumerate() {
            areas.push(AdminArea {
                code: dcode.clone(),
                name: dname.clone(),
                level: AreaLevel::District,
                parent: Some("80".into()),
                valid: range(origin, Some(before))?,
            });
            successions.push(Succession {
                from: dcode.clone(),
                to: "72".into(),
                date: reform(),
                kind: SuccessionKind::TierAbolished,
                provenance: Provenance::Verified,
            });
            let names: Vec<(String, bool)> = match size {
                Size::District => names::CAN_DUOC_COMMUNES.iter().map(|(n, t)| ((*n).to_owned(), *t)).collect(),
                Size::Tiny => names::CAN_DUOC_COMMUNES.iter().take(2).map(|(n, t)| ((*n).to_owned(), *t)).collect(),
                Size::Province => {
                    let per = if dn < 10 { 7 } else { 6 };
                    (0..per).map(|i| (format!("Xã mô phỏng {dcode}-{:02}", i + 1), false)).collect()
                }
            };
            for (i, (name, town)) in names.into_iter().enumerate() {
                let code = format!("{dcode}{:02}", i + 1);
                areas.push(AdminArea {
                    code: code.clone(),
                    name: name.clone(),
                    level: AreaLevel::Commune,
                    parent: Some(dcode.clone()),
                    valid: range(origin, Some(before))?,
                });
                communes.push(Commune { code, name, town });
            }
        }
        // After the reform: roughly three old communes form one new commune (illustrative).
        let mut new_codes = Vec::new();
        for (n, chunk) in communes.chunks(3).enumerate() {
            let code = format!("72{:03}", n + 1);
            let name = match (size, n) {
                (Size::Province, _) => format!("Xã mô phỏng mới {:03}", n + 1),
                (_, 0) => "Xã Cần Đước".to_owned(),
                _ => format!("Xã {}", chunk[0].name.trim_start_matches("Xã ").trim_start_matches("Thị trấn ")),
            };
            areas.push(AdminArea {
                code: code.clone(),
                name,
                level: AreaLevel::Commune,
                parent: Some("72".into()),
                valid: range(reform(), None)?,
            });
            for c in chunk {
                successions.push(Succession {
                    from: c.code.clone(),
                    to: code.clone(),
                    date: reform(),
                    kind: SuccessionKind::Merged,
                    provenance: illustrative(),
                });
            }
            new_codes.push(code);
        }
        // Check the history is consistent before handing it out.
        xhht_core::area::AreaRegistry::new(areas.clone(), successions.clone())?;
        self.ds.areas = areas;
        self.ds.successions = successions;
        Ok(communes)
    }

    #[allow(clippy::too_many_arguments, reason = "an organisation has this many parts")]
    fn org(
        &mut self,
        code: String,
        name: String,
        kind: OrgKind,
        level: OrgLevel,
        area: &str,
        actor: Option<&str>,
        until: Option<NaiveDate>,
    ) {
        let q = self.rng.below(100);
        self.quality.insert(code.clone(), q);
        self.ds.organisations.push(Organisation {
            code,
            name,
            kind,
            ownership: Ownership::Public,
            level,
            area: area.to_owned(),
            parent: None,
            actor: actor.map(str::to_owned),
            valid: DateRange::new(d(2000, 1, 1), until).unwrap_or_else(|_| DateRange::starting(d(2000, 1, 1))),
        });
    }

    fn organisations(&mut self, size: Size, communes: &[Commune]) {
        let district_codes: Vec<String> =
            self.ds.areas.iter().filter(|a| a.level == AreaLevel::District).map(|a| a.code.clone()).collect();
        for dcode in &district_codes {
            let short = if dcode == "806" { "CANDUOC".to_owned() } else { format!("H{dcode}") };
            let place = if dcode == "806" {
                "huyện Cần Đước".to_owned()
            } else {
                format!("huyện mô phỏng {dcode}")
            };
            for (suffix, name, kind, actor, _) in names::DISTRICT_BODIES {
                self.org(
                    format!("{suffix}-{short}"),
                    format!("{name} {place}"),
                    *kind,
                    OrgLevel::District,
                    dcode,
                    Some(actor),
                    Some(reform::last_day()),
                );
            }
        }
        let tiny = size == Size::Tiny;
        for c in communes {
            let short = c.code.clone();
            self.org(
                format!("UBND-{short}"),
                format!("UBND {}", c.name.replacen("Xã ", "xã ", 1).replacen("Thị trấn ", "thị trấn ", 1)),
                OrgKind::CommuneCommittee,
                OrgLevel::District,
                &c.code,
                Some("actor.ubnd-xa"),
                Some(reform::last_day()),
            );
            let plain = c.name.trim_start_matches("Xã ").trim_start_matches("Thị trấn ").to_owned();
            let schools: &[(SchoolLevel, &str, &str)] = if tiny {
                &[(SchoolLevel::Primary, "TH", "Trường Tiểu học")]
            } else if c.town {
                &[
                    (SchoolLevel::Preschool, "MN", "Trường Mầm non"),
                    (SchoolLevel::Primary, "TH", "Trường Tiểu học"),
                    (SchoolLevel::Primary, "TH2", "Trường Tiểu học số 2"),
                    (SchoolLevel::LowerSecondary, "THCS", "Trường THCS"),
                    (SchoolLevel::UpperSecondary, "THPT", "Trường THPT"),
                ]
            } else {
                &[
                    (SchoolLevel::Preschool, "MN", "Trường Mầm non"),
                    (SchoolLevel::Primary, "TH", "Trường Tiểu học"),
                    (SchoolLevel::LowerSecondary, "THCS", "Trường THCS"),
                ]
            };
            for (level, code, label) in schools {
                let managed =
                    if *level == SchoolLevel::UpperSecondary { OrgLevel::Province } else { OrgLevel::District };
                self.org(
                    format!("{code}-{short}"),
                    format!("{label} {plain}"),
                    OrgKind::School(*level),
                    managed,
                    &c.code,
                    None,
                    None,
                );
            }
            if size == Size::Province {
                // A province has many more units per commune: schools of every level and agencies.
                for i in 0..140 {
                    let (kind, label) = if i % 4 == 0 {
                        (OrgKind::Centre, "Đơn vị sự nghiệp")
                    } else {
                        (OrgKind::School(SchoolLevel::Primary), "Điểm trường")
                    };
                    self.org(
                        format!("DV{i:03}-{short}"),
                        format!("{label} mô phỏng {i:03} {plain}"),
                        kind,
                        OrgLevel::Commune,
                        &c.code,
                        None,
                        None,
                    );
                }
            }
        }
    }

    fn person(&mut self, category: PersonCategory) -> String {
        self.next_person += 1;
        let id = format!("CB{:07}", self.next_person);
        let name = names::full_name(&mut self.rng);
        let birth = 1965 + i32::try_from(self.rng.below(37)).unwrap_or(0);
        self.ds.people.push(Person {
            id: id.clone(),
            full_name: name,
            birth_year: Some(birth),
            citizen_id: None,
            category,
            area: None,
        });
        id
    }

    fn people(&mut self) {
        let orgs: Vec<(String, OrgKind)> = self.ds.organisations.iter().map(|o| (o.code.clone(), o.kind)).collect();
        let start = d(2015, 1, 1);
        let province = self.ds.organisations.len() > 5_000;
        for (code, kind) in orgs {
            let (n, category) = match kind {
                OrgKind::School(SchoolLevel::Preschool) => (18 + self.rng.below(12), PersonCategory::GiaoVien),
                OrgKind::School(SchoolLevel::UpperSecondary) => (60 + self.rng.below(30), PersonCategory::GiaoVien),
                OrgKind::School(_) => (30 + self.rng.below(25), PersonCategory::GiaoVien),
                OrgKind::CommuneCommittee => (18 + self.rng.below(8), PersonCategory::CongChuc),
                OrgKind::Agency => (8 + self.rng.below(10), PersonCategory::CongChuc),
                OrgKind::Centre => (10 + self.rng.below(10), PersonCategory::VienChuc),
                _ => (6 + self.rng.below(6), PersonCategory::CanBo),
            };
            let n = if province { n * 8 } else { n };
            let head = self.person(if category == PersonCategory::GiaoVien {
                PersonCategory::VienChuc
            } else {
                PersonCategory::CanBo
            });
            self.ds.memberships.push(Membership {
                person: head,
                organisation: code.clone(),
                role: MemberRole::Head,
                period: DateRange::starting(start),
            });
            for i in 0..n {
                let cat = if i % 9 == 8 { PersonCategory::NguoiLaoDong } else { category };
                let p = self.person(cat);
                self.ds.memberships.push(Membership {
                    person: p,
                    organisation: code.clone(),
                    role: MemberRole::Member,
                    period: DateRange::starting(start),
                });
            }
        }
    }

    /// The share of people who register in `year`: rising towards the plan's 100% by 2030.
    fn rate(year: i32, base: u64, step: u64) -> u64 {
        let k = u64::try_from((year - 2023).max(0)).unwrap_or(0);
        (base + step * k).min(99)
    }

    fn year(&mut self, year: i32) -> Result<(), Error> {
        let today = self.today;
        let people: Vec<(String, PersonCategory)> = self.ds.people.iter().map(|p| (p.id.clone(), p.category)).collect();
        // Who heads a person's organisation on a day (the organisations changed on 2025-07-01).
        let held = xhht_core::entity::Memberships::new(&self.ds.memberships)?;
        let head_on = |person: &str, day| held.organisation_of(person, day).and_then(|o| held.head_of(o, day));
        // How committed a person is goes with them: the quality of the unit they started in.
        let mut org_of: std::collections::HashMap<&str, &str> = std::collections::HashMap::new();
        for m in &self.ds.memberships {
            org_of.entry(m.person.as_str()).or_insert(m.organisation.as_str());
        }
        let assessed_by = |day: NaiveDate| day <= today;
        let reg_rate = Self::rate(year, 72, 9);
        for (id, _) in &people {
            let subject = SubjectRef::Person(id.clone());
            let reg_day = d(year, 1, 5 + u32::try_from(self.rng.below(50)).unwrap_or(0) % 25);
            if reg_day > today {
                continue;
            }
            let q = org_of.get(id.as_str()).and_then(|o| self.quality.get(*o)).copied().unwrap_or(50);
            let model = q >= 75;
            let registered = self.rng.below(100) < if model { 99 } else { reg_rate };
            if registered {
                self.ds.registrations.push(Registration::new(subject.clone(), Title::CongDanHocTap, year, reg_day)?);
            }
            if registered && self.rng.below(100) < 97 {
                self.ds.commitments.push(Commitment { person: id.clone(), year, date: reg_day });
            }
            // The self-study plan: usually approved by the head; sometimes by someone else.
            if self.rng.below(100) < 90 {
                let submitted = d(year, 2, 1 + u32::try_from(self.rng.below(20)).unwrap_or(0));
                if submitted <= today {
                    let plan = SelfStudyPlan::submitted(id.clone(), year, submitted)?;
                    let approve_on = d(year, 3, 1 + u32::try_from(self.rng.below(25)).unwrap_or(0));
                    let plan = match (self.rng.below(100), head_on(id, approve_on)) {
                        (0..=92, Some(h)) if approve_on <= today => plan.approve(h, approve_on)?,
                        (93..=95, _) if approve_on <= today => plan.approve("CB0000001", approve_on)?,
                        // This year's plans not approved yet are still moving: some drafts, some
                        // returned by the head with a reason (chosen by the day, not drawn, so the
                        // rest of the data does not change).
                        _ if year == today.year() => proposals::pending_plan(plan, submitted)?,
                        _ => plan,
                    };
                    self.ds.self_study_plans.push(plan);
                }
            }
            // Taking part (criterion IV.1.2, 3), recorded by the unit at the year's end.
            let day = d(year, 11, 25);
            if assessed_by(day) {
                let v = IndicatorValue {
                    indicator: "i3".into(),
                    value: Value::YesNo(self.rng.below(100) < 94),
                    evidence: None,
                };
                self.ds.assessments.push(Assessment::new(
                    subject.clone(),
                    "ke-hoach.can-duoc-2024",
                    year,
                    "UNIT",
                    day,
                    vec![v],
                )?);
            }
            // "Công dân học tập" self-assessment, in November, for those who registered.
            let day = d(year, 11, 10 + u32::try_from(self.rng.below(15)).unwrap_or(0));
            if registered && assessed_by(day) {
                let ability = 62 + self.rng.below(30) + q / 5 + u64::try_from((year - 2023).max(0)).unwrap_or(0) * 2;
                let values = (1..=10)
                    .map(|i| {
                        let spread = self.rng.below(25);
                        let t = (ability + spread).saturating_sub(12).min(100);
                        let t = if !model && self.rng.below(100) < 2 { t.min(45) } else { t };
                        IndicatorValue {
                            indicator: i.to_string(),
                            value: Value::Score(Decimal::new(i64::try_from(t).unwrap_or(0), 1)),
                            evidence: None,
                        }
                    })
                    .collect();
                self.ds.assessments.push(Assessment::new(subject, "cong-dan-hoc-tap", year, "HKH", day, values)?);
            }
        }
        self.org_year(year)?;
        Ok(())
    }

    fn org_year(&mut self, year: i32) -> Result<(), Error> {
        let today = self.today;
        let orgs: Vec<Organisation> = self.ds.organisations.clone();
        let reg_rate = Self::rate(year, 80, 7);
        let unit_rulebook = if year <= 2023 { "don-vi-hoc-tap.tt22-2020" } else { "don-vi-hoc-tap.tt24-2023" };
        let engines = YearEngines::builtin()?;
        let unit_engine = engines.unit_for(year);
        for o in &orgs {
            // A body the reorganisation made draws from its own sequence from the year it began;
            // one that ended draws as before, but keeps only what is dated while it existed. So
            // the other units' records are what they were before the reorganisation.
            if reform::created(o) && o.valid.from() > d(year, 12, 31) {
                continue;
            }
            let mut own = Rng::new(mix(&[&o.code, "records"], year));
            let rng = if reform::created(o) { &mut own } else { &mut self.rng };
            let subject = SubjectRef::Organisation(o.code.clone());
            let day = d(year, 1, 8).max(o.valid.from());
            if day <= today && rng.below(100) < reg_rate && o.valid.contains(day) {
                self.ds.registrations.push(Registration::new(subject.clone(), Title::DonViHocTap, year, day)?);
            }
            let day = d(year, 11, 28);
            if day > today {
                continue;
            }
            let exists = o.valid.contains(day);
            let c3 =
                IndicatorValue { indicator: "c3".into(), value: Value::YesNo(rng.below(100) < 96), evidence: None };
            if exists {
                let c3 = vec![c3];
                self.ds.assessments.push(Assessment::new(
                    subject.clone(),
                    "ke-hoach.can-duoc-2024",
                    year,
                    "PGD",
                    day,
                    c3,
                )?);
            }
            // The unit's self-assessment for "Đơn vị học tập".
            let Some(engine) = unit_engine else { continue };
            let tags = o.tags();
            let q = self.quality.get(&o.code).copied().unwrap_or(50);
            let strong = q >= 60 || rng.below(100) < 50 + u64::try_from((year - 2023).max(0)).unwrap_or(0) * 5;
            let values = unit_values(engine, &tags, strong, &o.code, year, rng);
            if exists {
                self.ds.assessments.push(Assessment::new(
                    subject.clone(),
                    unit_rulebook,
                    year,
                    "TO-DANH-GIA",
                    day,
                    values,
                )?);
            }
            // Two units in five tried the TT 24/2023 criteria in 2023, before they applied
            // (synthetic): their pilot self-assessment lets 2023 be judged under the rules of 2024.
            // Drawn from a hash, not from the generator, so the rest of the data does not change.
            if year == 2023
                && mix(&[&o.code, "pilot-tt24"], year) % 5 < 2
                && let Some(pilot) = engines.unit_for(2024)
            {
                let mut own = Rng::new(mix(&[&o.code, "pilot-tt24-values"], year));
                let values = unit_values(pilot, &tags, strong, &o.code, year, &mut own);
                let book = pilot.rulebook().rulebook.id().to_owned();
                self.ds.assessments.push(Assessment::new(subject, book, year, "TO-DANH-GIA (thí điểm)", day, values)?);
            }
        }
        // Recognition decisions for the year, issued on 10 February of the next year.
        let decided = d(year + 1, 2, 10);
        if decided <= today {
            let results = evaluate_year(&engines, self.ds.input(year))?;
            let mut n = 0;
            for r in &results.organisations {
                let (Some(e), Some(rb)) = (&r.unit, &r.unit_rulebook) else { continue };
                let Some(engine) = engines.unit.get(rb) else { continue };
                let Some(outcome) = e.outcome.filter(|o| engine.confers_title(e.version, *o)) else { continue };
                let level = match outcome {
                    xhht_scoring::Outcome::Level(k) => Some(k),
                    _ => None,
                };
                if r.title_level.is_some() && level <= r.title_level {
                    continue; // still holds the title at that level
                }
                n += 1;
                self.ds.recognitions.push(Recognition::new(
                    SubjectRef::Organisation(r.code.clone()),
                    Title::DonViHocTap,
                    level,
                    year,
                    format!("{}/QĐ-UBND", (year - 2020) * 1000 + n),
                    decided,
                    "Chủ tịch UBND (mô phỏng)",
                    None,
                )?);
            }
        }
        // Annual reports of the plan's actors, due before 10 December.
        // A body the reorganisation made reports from its first year, from its own sequence; one
        // that ended during a year sent that year's report in its last fortnight (assumed).
        for o in orgs.iter().filter(|o| o.actor.as_deref().is_some_and(|a| a != "actor.phong-gddt")) {
            if reform::created(o) && o.valid.from() > d(year, 12, 31) {
                continue;
            }
            let mut own = Rng::new(mix(&[&o.code, "report"], year));
            let rng = if reform::created(o) { &mut own } else { &mut self.rng };
            let roll = rng.below(100);
            let day = match roll {
                0..=69 => d(year, 11, 20 + u32::try_from(rng.below(10)).unwrap_or(0)),
                70..=79 => d(year, 12, 1 + u32::try_from(rng.below(9)).unwrap_or(0)),
                80..=91 => d(year, 12, 10 + u32::try_from(rng.below(12)).unwrap_or(0)),
                _ => continue, // never sent
            };
            let day = match o.valid.to() {
                Some(end) if day > end && end >= d(year, 1, 1) => end - chrono::Days::new(roll % 14),
                _ => day,
            };
            if day > today {
                continue;
            }
            let number = 10 + rng.below(90);
            if !o.valid.contains(day) {
                continue; // it had ended
            }
            let actor = o.actor.clone().unwrap_or_default();
            self.duty_reports(&actor, &o.code, year);
            self.ds.report_submissions.push(ReportSubmission {
                actor: o.actor.clone().unwrap_or_default(),
                organisation: o.code.clone(),
                year,
                kind: ReportKind::Annual,
                submitted_on: day,
                document_number: Some(format!("{number}/BC-{}", o.code)),
            });
        }
        Ok(())
    }
}

impl Gen {
    /// The fields of a submitted report: every field of the first duty and of about five other duties in six, a number or a
    /// sentence marked synthetic. Drawn from a hash of the key, not from the generator's
    /// sequence, so the rest of the data does not depend on them.
    fn duty_reports(&mut self, actor: &str, org: &str, year: i32) {
        let Some(a) = xhht_core::plan::Plan::can_duoc_2024().actor(actor) else { return };
        let reportable = a.duties.iter().filter(|d| !d.report_fields.is_empty());
        for (i, duty) in reportable.enumerate() {
            if i > 0 && mix(&[org, &duty.id], year).is_multiple_of(6) {
                continue; // not reported on (the first duty always is)
            }
            for f in &duty.report_fields {
                let h = mix(&[org, &duty.id, &f.id], year);
                let value = if f.numeric {
                    (1 + h % 120).to_string()
                } else {
                    format!("Đã triển khai theo kế hoạch năm {year} (dữ liệu mô phỏng / synthetic)")
                };
                self.ds.duty_reports.push(DutyReport {
                    actor: actor.to_owned(),
                    organisation: org.to_owned(),
                    year,
                    duty: duty.id.clone(),
                    field: f.id.clone(),
                    value,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests;
