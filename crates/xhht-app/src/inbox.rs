//! "Việc cần làm" — what awaits a principal — and the processing history of one record.
//!
//! The inbox is worked out from the year's records and the lifecycle states
//! (`xhht_core::workflow`): plans to approve or fix, dossiers to verify, decide or fix,
//! assessments awaiting a recognition decision, reports to send. Each task says which step it
//! waits for, how many records wait, and the first of them. The history of a record is its
//! entries in the audit trail, oldest first, shown to those who may read its subject.

use chrono::{Datelike, NaiveDate};
use serde::Serialize;
use xhht_core::Text;
use xhht_core::access::{Action, Resource, Role};
use xhht_core::record::{ReportKind, SubjectRef};
use xhht_core::workflow::{Kind, Party, State, Step};

use crate::App;
use crate::auth::AuthUser;
use crate::error::Result;
use crate::records::{check_year, head_of, require};
use crate::steps::{plan_state, proposal_state};

/// The most records a task lists (its count says how many wait).
pub const TASK_ITEMS: usize = 50;

/// One record a task waits on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TaskItem {
    /// Who the record is about.
    pub subject: SubjectRef,
    /// The reward rule, for a proposal.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub reward: Option<String>,
    /// A reason to read first (why it was returned).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
    /// The subject's name (every task is about records its principal may read).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub name: Option<String>,
    /// The record's text to read before deciding (a self-study plan's).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub text: Option<String>,
}

/// A kind of work waiting, with its records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Task {
    /// The kind of record.
    pub kind: Kind,
    /// The state the records are in.
    pub state: State,
    /// The step they wait for.
    pub step: Step,
    /// What to do, in both languages.
    pub what: Text,
    /// How many records wait.
    pub count: usize,
    /// The first [`TASK_ITEMS`] of them.
    pub items: Vec<TaskItem>,
}

/// What awaits a principal in a data year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Inbox {
    /// The data year.
    pub year: i32,
    /// The tasks, the most pressing first; empty when nothing waits.
    pub tasks: Vec<Task>,
}

/// One entry of a record's processing history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryEntry {
    /// When (UTC, from the database).
    pub at: String,
    /// Who (with a correction's or an exception's reason).
    pub actor: String,
    /// `insert`, `update` or `delete`.
    pub action: String,
    /// The record after the change (JSON), none when removed.
    pub after: Option<String>,
}

fn task(kind: Kind, state: State, step: Step, what: Text, items: Vec<TaskItem>) -> Option<Task> {
    (!items.is_empty()).then(|| Task {
        kind,
        state,
        step,
        what,
        count: items.len(),
        items: items.into_iter().take(TASK_ITEMS).collect(),
    })
}

fn person(id: &str) -> TaskItem {
    TaskItem { subject: SubjectRef::Person(id.to_owned()), reward: None, note: None, name: None, text: None }
}

fn collective(s: &SubjectRef) -> TaskItem {
    TaskItem { subject: s.clone(), reward: None, note: None, name: None, text: None }
}

/// The subject kind as the store's tables key it.
pub fn subject_kind(s: &SubjectRef) -> &'static str {
    match s {
        SubjectRef::Person(_) => "person",
        SubjectRef::Organisation(_) => "organisation",
        SubjectRef::Household(_) => "household",
        SubjectRef::Clan(_) => "clan",
        SubjectRef::Community(_) => "community",
        _ => "area",
    }
}

impl App {
    /// What awaits `who` in data year `year` (on `today`).
    pub async fn inbox(&self, who: &AuthUser, year: i32, today: NaiveDate) -> Result<Inbox> {
        check_year(year)?;
        // The whole year's records (memberships, plans, registrations): fine for a district; a
        // province needs per-organisation reads (the scale issue).
        let data = self.store().load_year(year).await?;
        let mut tasks: Vec<Option<Task>> = Vec::new();
        let proposals_in = |state: State| -> Vec<TaskItem> {
            data.reward_proposals
                .iter()
                .filter(|p| proposal_state(Some(p)) == state)
                .map(|p| TaskItem {
                    reward: Some(p.reward().to_owned()),
                    note: p.verification().and_then(|v| v.note.clone()).or_else(|| p.exception().map(str::to_owned)),
                    ..collective(p.subject())
                })
                .collect()
        };
        match who.principal.role {
            Role::Member => {
                let Some(me) = who.principal.person.as_deref() else { return Ok(Inbox { year, tasks: Vec::new() }) };
                let plan = data.self_study_plans.iter().find(|p| p.person() == me);
                let state = plan_state(plan);
                let what = match state {
                    State::Absent | State::Draft => Some(Text::new(
                        "Viết và gửi kế hoạch tự học của năm",
                        "Write and send your self-study plan for the year",
                    )),
                    State::Returned => Some(Text::new(
                        "Sửa kế hoạch tự học bị trả lại và gửi lại",
                        "Fix your returned self-study plan and send it again",
                    )),
                    _ => None,
                };
                if let Some(what) = what {
                    let mut item = person(me);
                    item.note = plan.and_then(|p| p.note().map(str::to_owned));
                    tasks.push(task(Kind::SelfStudyPlan, state, Step::Submit, what, vec![item]));
                }
                let subject = SubjectRef::Person(me.to_owned());
                if !data.registrations.iter().any(|r| r.subject() == &subject) {
                    tasks.push(task(
                        Kind::Registration,
                        State::Absent,
                        Step::Register,
                        Text::new("Đăng ký danh hiệu “Công dân học tập”", "Register for “Learning Citizen”"),
                        vec![person(me)],
                    ));
                }
                if !data.commitments.iter().any(|c| c.person == me) {
                    tasks.push(task(
                        Kind::Commitment,
                        State::Absent,
                        Step::Register,
                        Text::new("Ký cam kết học tập suốt đời", "Sign the lifelong-learning commitment"),
                        vec![person(me)],
                    ));
                }
            }
            Role::Unit => {
                let Some(org) = who.principal.organisation.as_deref() else {
                    return Ok(Inbox { year, tasks: Vec::new() });
                };
                let day = today.min(NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(today));
                let staff: std::collections::HashSet<&str> = data
                    .memberships
                    .iter()
                    .filter(|m| m.organisation == org && m.period.contains(day))
                    .map(|m| m.person.as_str())
                    .collect();
                let is_head =
                    who.person.as_deref().is_some_and(|me| head_of(&data.memberships, org, day).as_deref() == Some(me));
                let party = if is_head { Party::Head } else { Party::Officer };
                let plans = |s: State| -> Vec<TaskItem> {
                    data.self_study_plans
                        .iter()
                        .filter(|p| staff.contains(p.person()) && plan_state(Some(p)) == s)
                        .map(|p| TaskItem {
                            note: p.note().map(str::to_owned),
                            text: p.content().map(str::to_owned),
                            ..person(p.person())
                        })
                        .collect()
                };
                if party == Party::Head {
                    tasks.push(task(
                        Kind::SelfStudyPlan,
                        State::Submitted,
                        Step::Approve,
                        Text::new("Phê duyệt hoặc trả lại kế hoạch tự học", "Approve or return self-study plans"),
                        plans(State::Submitted),
                    ));
                    let mine = |t: &TaskItem| match &t.subject {
                        SubjectRef::Person(p) => staff.contains(p.as_str()),
                        SubjectRef::Organisation(o) => o == org,
                        _ => false,
                    };
                    tasks.push(task(
                        Kind::RewardProposal,
                        State::Returned,
                        Step::Propose,
                        Text::new(
                            "Hồ sơ khen thưởng bị trả lại: bổ sung và đề nghị lại",
                            "Returned reward dossiers: complete them and propose again",
                        ),
                        proposals_in(State::Returned).into_iter().filter(mine).collect(),
                    ));
                    let actor = self.store().organisation(org).await?.and_then(|o| o.value.actor);
                    let sent = data
                        .report_submissions
                        .iter()
                        .any(|s| s.organisation == org && s.year == year && matches!(s.kind, ReportKind::Annual));
                    if actor.is_some() && !sent && year <= today.year() {
                        tasks.push(task(
                            Kind::ReportSubmission,
                            State::Absent,
                            Step::Send,
                            Text::new("Gửi báo cáo năm của đơn vị", "Send the unit's annual report"),
                            vec![collective(&SubjectRef::Organisation(org.to_owned()))],
                        ));
                    }
                }
                tasks.push(task(
                    Kind::SelfStudyPlan,
                    State::Returned,
                    Step::Submit,
                    Text::new(
                        "Kế hoạch tự học bị trả lại, chờ người viết sửa",
                        "Self-study plans returned, awaiting their writers' changes",
                    ),
                    plans(State::Returned),
                ));
                let unregistered: Vec<TaskItem> = staff
                    .iter()
                    .filter(|p| {
                        !data
                            .registrations
                            .iter()
                            .any(|r| r.subject().id() == **p && !super::steps::is_collective(r.subject()))
                    })
                    .map(|p| person(p))
                    .collect();
                tasks.push(task(
                    Kind::Registration,
                    State::Absent,
                    Step::Register,
                    Text::new("Người chưa đăng ký “Công dân học tập”", "People not registered for “Learning Citizen”"),
                    unregistered,
                ));
            }
            Role::Reviewer | Role::Admin => {
                // A recognition still covering the year (TT 24/2023: three years) needs no new one.
                let set = self.engines().set;
                let recognised = |s: &SubjectRef| {
                    data.recognitions
                        .iter()
                        .any(|r| r.subject() == s && xhht_scoring::recognition::covers(set, r, year))
                };
                // A unit registered for the title and assessed against the title's rulebook (not
                // the plan's own criteria), once each.
                let plan_book = self.engines().plan.rulebook().rulebook.id().to_owned();
                let mut waiting: Vec<TaskItem> = data
                    .assessments
                    .iter()
                    .filter(|a| a.rulebook() != plan_book)
                    .filter(|a| !recognised(a.subject()))
                    .filter(|a| data.registrations.iter().any(|r| r.subject() == a.subject()))
                    .filter(|a| super::steps::is_collective(a.subject()))
                    .map(|a| collective(a.subject()))
                    .collect();
                waiting.sort_by(|a, b| a.subject.cmp(&b.subject));
                waiting.dedup_by(|a, b| a.subject == b.subject);
                tasks.push(task(
                    Kind::Recognition,
                    State::Absent,
                    Step::Recognise,
                    Text::new(
                        "Đơn vị đã đăng ký và được đánh giá, chờ quyết định công nhận",
                        "Units registered and assessed, awaiting a recognition decision",
                    ),
                    waiting,
                ));
                if who.principal.role == Role::Admin {
                    tasks.push(task(
                        Kind::RewardProposal,
                        State::Accepted,
                        Step::Award,
                        Text::new(
                            "Hồ sơ khen thưởng đã thẩm định, chờ quyết định",
                            "Verified dossiers awaiting the decision",
                        ),
                        proposals_in(State::Accepted),
                    ));
                    tasks.push(task(
                        Kind::RewardProposal,
                        State::Proposed,
                        Step::Accept,
                        Text::new("Hồ sơ khen thưởng chờ thẩm định", "Reward dossiers awaiting verification"),
                        proposals_in(State::Proposed),
                    ));
                }
            }
            Role::Verifier => {
                tasks.push(task(
                    Kind::RewardProposal,
                    State::Proposed,
                    Step::Accept,
                    Text::new("Hồ sơ khen thưởng chờ thẩm định", "Reward dossiers awaiting verification"),
                    proposals_in(State::Proposed),
                ));
            }
            _ => {}
        }
        // Every task is about records its principal may read: name them.
        let names: std::collections::HashMap<&str, &str> = data
            .people
            .iter()
            .map(|p| (p.id.as_str(), p.full_name.as_str()))
            .chain(data.organisations.iter().map(|o| (o.code.as_str(), o.name.as_str())))
            .collect();
        let mut tasks: Vec<Task> = tasks.into_iter().flatten().collect();
        for item in tasks.iter_mut().flat_map(|t| t.items.iter_mut()) {
            item.name = names.get(item.subject.id()).map(|n| (*n).to_owned());
        }
        Ok(Inbox { year, tasks })
    }

    /// The processing history of one record, oldest first, for whoever may read the personal
    /// records of its subject (an administrator, the reviewer, the verifier, the subject's
    /// unit, or the person through their own account).
    pub async fn record_history(
        &self,
        who: &AuthUser,
        record: &RecordRef,
        today: NaiveDate,
    ) -> Result<Vec<HistoryEntry>> {
        let subject = record.subject();
        match (who.principal.role, &subject) {
            (Role::Member, SubjectRef::Person(p)) => {
                require(who, Action::ReadPersonal, &Resource::Own(p.clone()), false)?;
            }
            _ => require(who, Action::ReadPersonal, &self.subject_resource(&subject, today).await?, false)?,
        }
        let (table, key) = record.table_key();
        Ok(self
            .store()
            .audit_history(table, &key)
            .await?
            .into_iter()
            .map(|e| HistoryEntry { at: e.at, actor: e.actor, action: e.action, after: e.after })
            .collect())
    }
}

/// A record with a processing history.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum RecordRef {
    /// A person's self-study plan of a year.
    SelfStudyPlan {
        /// The person.
        person: String,
        /// The data year.
        year: i32,
    },
    /// A reward proposal.
    RewardProposal {
        /// The reward rule.
        reward: String,
        /// Who was proposed.
        subject: SubjectRef,
        /// The data year.
        year: i32,
    },
    /// An official assessment.
    Assessment {
        /// Who was assessed.
        subject: SubjectRef,
        /// Against which rulebook.
        rulebook: String,
        /// The data year.
        year: i32,
    },
    /// A self-assessment.
    SelfAssessment {
        /// Who assessed themself.
        subject: SubjectRef,
        /// Against which rulebook.
        rulebook: String,
        /// The data year.
        year: i32,
    },
}

impl RecordRef {
    /// Who the record is about.
    pub fn subject(&self) -> SubjectRef {
        match self {
            Self::SelfStudyPlan { person, .. } => SubjectRef::Person(person.clone()),
            Self::RewardProposal { subject, .. }
            | Self::Assessment { subject, .. }
            | Self::SelfAssessment { subject, .. } => subject.clone(),
        }
    }

    /// The store's table and natural key (parts joined by `/`).
    fn table_key(&self) -> (&'static str, String) {
        match self {
            Self::SelfStudyPlan { person, year } => ("self_study_plans", format!("{person}/{year}")),
            Self::RewardProposal { reward, subject, year } => {
                ("reward_proposals", format!("{reward}/{}/{}/{year}", subject_kind(subject), subject.id()))
            }
            Self::Assessment { subject, rulebook, year } => {
                ("assessments", format!("{}/{}/{rulebook}/{year}", subject_kind(subject), subject.id()))
            }
            Self::SelfAssessment { subject, rulebook, year } => {
                ("self_assessments", format!("{}/{}/{rulebook}/{year}", subject_kind(subject), subject.id()))
            }
        }
    }
}

/// A person's own records of a data year, as their own page shows them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct OwnRecords {
    /// The person.
    pub person: String,
    /// Their name.
    pub name: String,
    /// The data year.
    pub year: i32,
    /// Registered for "Công dân học tập" in the year.
    pub registered: bool,
    /// Signed the lifelong-learning commitment of the year.
    pub committed: bool,
    /// The self-study plan of the year, with its version.
    pub plan: Option<(xhht_core::record::SelfStudyPlan, i64)>,
    /// Wrote a self-assessment of the year.
    pub self_assessed: bool,
}

impl App {
    /// The caller's own records of `year` (a person's own account).
    pub async fn own_records(&self, who: &AuthUser, year: i32) -> Result<OwnRecords> {
        check_year(year)?;
        let Some(me) = who.principal.person.clone().filter(|_| who.principal.role == Role::Member) else {
            return Err(crate::Error::Forbidden(
                "trang này dành cho tài khoản cá nhân / this page is a person's own account's".to_owned(),
            ));
        };
        require(who, Action::ReadPersonal, &Resource::Own(me.clone()), false)?;
        let subject = SubjectRef::Person(me.clone());
        let person = self.store().person(&me).await?;
        let data = self.store().load_year(year).await?;
        let plan = self.store().self_study_plan(&me, year).await?.map(|v| (v.value, v.row_version));
        let self_assessed =
            !self.store().self_assessments_in_year(year).await?.iter().all(|a| a.value.subject() != &subject);
        Ok(OwnRecords {
            name: person.map(|p| p.value.full_name).unwrap_or_default(),
            year,
            registered: data.registrations.iter().any(|r| r.subject() == &subject),
            committed: data.commitments.iter().any(|c| c.person == me),
            plan,
            self_assessed,
            person: me,
        })
    }
}
