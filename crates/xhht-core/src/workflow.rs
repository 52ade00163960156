//! Lifecycles: which step may follow which, for every kind of record, and who takes it.
//!
//! The plan is a chain of acts by named people (IV.1.2, IV.2, VIII.1): a person registers and
//! commits, writes a self-study plan the head of their unit approves, assesses themself; the
//! body that evaluates assesses; the study-promotion association recognises; a unit's head
//! proposes a Giấy khen, the home-affairs office verifies the dossier, the competent authority
//! decides. This module is that chain as data ([`TABLE`]): for each [`Kind`] of record, from
//! which [`State`]s a [`Step`] leads to which state, and which [`Party`] may take it. It is
//! pure: `xhht-app` works out the stored state and the caller's party, asks [`next`] before
//! every write (API, dashboard, command line), and [`may_import`] for every row a file
//! brings; `docs/workflows.md` prints the table.
//!
//! Who may touch whose records at all (a unit its own, a person their own) is
//! `crate::access::decide`; this table says which step each of them may take. Conditions that
//! need the records (eligibility, a passing result) are checked by `xhht-app`; the table
//! names them in [`Transition::condition`].
//!
//! A record withdrawn (a registration, a commitment) is removed; its history stays in the
//! audit trail, so its state is [`State::Absent`] again.

use std::fmt;

use serde::Serialize;

use crate::text::Text;

/// A kind of record with a lifecycle.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Kind {
    /// A registration for a title (đăng ký danh hiệu).
    Registration,
    /// A person's lifelong-learning commitment (cam kết).
    Commitment,
    /// A person's yearly self-study plan (kế hoạch tự học).
    SelfStudyPlan,
    /// A person's or a unit's own assessment of itself (tự đánh giá).
    SelfAssessment,
    /// The assessment by the body that evaluates (đánh giá chính thức).
    Assessment,
    /// A recognition decision (quyết định công nhận).
    Recognition,
    /// A reward proposal and its dossier (hồ sơ đề nghị khen thưởng).
    RewardProposal,
    /// An annual or phase report sent (báo cáo).
    ReportSubmission,
}

impl Kind {
    /// Every kind.
    pub const ALL: [Kind; 8] = [
        Self::Registration,
        Self::Commitment,
        Self::SelfStudyPlan,
        Self::SelfAssessment,
        Self::Assessment,
        Self::Recognition,
        Self::RewardProposal,
        Self::ReportSubmission,
    ];

    /// Its name in both languages.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::Registration => ("Đăng ký danh hiệu", "Registration for a title"),
            Self::Commitment => ("Cam kết học tập suốt đời", "Lifelong-learning commitment"),
            Self::SelfStudyPlan => ("Kế hoạch tự học", "Self-study plan"),
            Self::SelfAssessment => ("Tự đánh giá", "Self-assessment"),
            Self::Assessment => ("Đánh giá chính thức", "Official assessment"),
            Self::Recognition => ("Quyết định công nhận", "Recognition decision"),
            Self::RewardProposal => ("Hồ sơ đề nghị khen thưởng", "Reward proposal"),
            Self::ReportSubmission => ("Báo cáo gửi", "Report sent"),
        };
        Text::new(vi, en)
    }
}

/// Where a record stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum State {
    /// No record (never made, or withdrawn).
    Absent,
    /// Registered, or committed.
    Registered,
    /// A self-study plan kept as a draft.
    Draft,
    /// A self-study plan sent to the head.
    Submitted,
    /// Sent back with a reason (a self-study plan by the head, a dossier by the verifier).
    Returned,
    /// A self-study plan approved by the head.
    Approved,
    /// An assessment written (self or official).
    Assessed,
    /// A title recognised by decision.
    Recognised,
    /// A reward proposed, its dossier awaiting verification.
    Proposed,
    /// A dossier verified and accepted, awaiting the decision.
    Accepted,
    /// A reward granted by decision.
    Awarded,
    /// A reward refused by decision.
    Rejected,
    /// A report received.
    Received,
}

impl State {
    /// Its name in both languages.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::Absent => ("chưa có (hoặc đã rút)", "none (or withdrawn)"),
            Self::Registered => ("đã đăng ký", "registered"),
            Self::Draft => ("bản nháp", "draft"),
            Self::Submitted => ("đã gửi, chờ phê duyệt", "submitted, awaiting approval"),
            Self::Returned => ("bị trả lại, có lý do", "returned with a reason"),
            Self::Approved => ("đã phê duyệt", "approved"),
            Self::Assessed => ("đã đánh giá", "assessed"),
            Self::Recognised => ("đã công nhận", "recognised"),
            Self::Proposed => ("đã đề nghị, chờ thẩm định", "proposed, awaiting verification"),
            Self::Accepted => ("thẩm định đạt, chờ quyết định", "verified, awaiting the decision"),
            Self::Awarded => ("đã quyết định khen thưởng", "awarded"),
            Self::Rejected => ("quyết định không khen thưởng", "rejected"),
            Self::Received => ("đã nhận", "received"),
        };
        Text::new(vi, en)
    }
}

/// A step someone takes on a record.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Step {
    /// Register (or commit), or change the registration's date.
    Register,
    /// Withdraw a registration or a commitment.
    Withdraw,
    /// Save a self-study plan as a draft.
    SaveDraft,
    /// Send a self-study plan to the head (again, after a return).
    Submit,
    /// Approve a self-study plan.
    Approve,
    /// Send a plan or a dossier back with a reason.
    Return,
    /// Write (or revise) an assessment.
    Assess,
    /// Recognise a title.
    Recognise,
    /// Propose a reward (again, after a return).
    Propose,
    /// Verify a dossier and accept it.
    Accept,
    /// Decide to grant the reward.
    Award,
    /// Decide not to grant it.
    Reject,
    /// Send a report (again: a new version, the first receipt date kept).
    Send,
    /// Correct a decided record: an administrator, with a reason kept in the audit trail.
    Correct,
}

impl Step {
    /// Its name in both languages.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::Register => ("đăng ký / cam kết", "register / commit"),
            Self::Withdraw => ("rút đăng ký / cam kết", "withdraw"),
            Self::SaveDraft => ("lưu nháp", "save a draft"),
            Self::Submit => ("gửi", "submit"),
            Self::Approve => ("phê duyệt", "approve"),
            Self::Return => ("trả lại, nêu lý do", "return with a reason"),
            Self::Assess => ("đánh giá", "assess"),
            Self::Recognise => ("công nhận", "recognise"),
            Self::Propose => ("đề nghị", "propose"),
            Self::Accept => ("thẩm định đạt", "verify and accept"),
            Self::Award => ("quyết định khen thưởng", "award"),
            Self::Reject => ("quyết định không khen thưởng", "reject"),
            Self::Send => ("gửi báo cáo", "send the report"),
            Self::Correct => ("điều chỉnh (có lý do)", "correct (with a reason)"),
        };
        Text::new(vi, en)
    }
}

/// Who takes a step, relative to the record's subject.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Party {
    /// The person the record is about, through their own account.
    Person,
    /// An account of the subject's organisation other than its head's.
    Officer,
    /// The head of the subject's organisation on the day (a unit account linked to that
    /// person): approves, proposes and signs for the unit.
    Head,
    /// The study-promotion association (Hội Khuyến học).
    Reviewer,
    /// The home-affairs office.
    Verifier,
    /// The education office, standing body; it also records others' acts made on paper.
    Admin,
}

impl Party {
    /// Its name in both languages.
    pub fn label(self) -> Text {
        let (vi, en) = match self {
            Self::Person => ("người đó (tài khoản cá nhân)", "the person (own account)"),
            Self::Officer => ("cán bộ nhập liệu của đơn vị", "the unit's officer"),
            Self::Head => ("thủ trưởng đơn vị", "the head of the unit"),
            Self::Reviewer => ("Hội Khuyến học", "study-promotion association"),
            Self::Verifier => ("cơ quan nội vụ", "home-affairs office"),
            Self::Admin => ("Phòng GD&ĐT (quản trị)", "education office (admin)"),
        };
        Text::new(vi, en)
    }
}

/// Which subjects a transition is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Subjects {
    /// Any subject.
    Any,
    /// A person.
    Person,
    /// An organisation (or another collective).
    Collective,
}

/// One row of the table.
#[derive(Debug, Clone, Copy, Serialize)]
pub struct Transition {
    /// The kind of record.
    pub kind: Kind,
    /// The states it starts from.
    pub from: &'static [State],
    /// The step.
    pub step: Step,
    /// Who may take it.
    pub by: &'static [Party],
    /// For which subjects.
    pub subjects: Subjects,
    /// The state it leads to.
    pub to: State,
    /// What must hold besides (checked by `xhht-app` on the records), Vietnamese then English.
    pub condition: (&'static str, &'static str),
}

use Party as P;
use State as S;

const OWN: &[Party] = &[P::Person, P::Officer, P::Head, P::Admin];
const UNIT: &[Party] = &[P::Officer, P::Head, P::Admin];
const HEAD: &[Party] = &[P::Head, P::Admin];
const NONE: (&str, &str) = ("", "");

const fn t(
    kind: Kind,
    from: &'static [State],
    step: Step,
    by: &'static [Party],
    subjects: Subjects,
    to: State,
    condition: (&'static str, &'static str),
) -> Transition {
    Transition { kind, from, step, by, subjects, to, condition }
}

/// The lifecycles, every kind's transitions in order.
pub static TABLE: &[Transition] = &[
    t(Kind::Registration, &[S::Absent, S::Registered], Step::Register, OWN, Subjects::Person, S::Registered, NONE),
    t(Kind::Registration, &[S::Absent, S::Registered], Step::Register, UNIT, Subjects::Collective, S::Registered, NONE),
    t(
        Kind::Registration,
        &[S::Registered],
        Step::Withdraw,
        OWN,
        Subjects::Any,
        S::Absent,
        ("chưa có quyết định công nhận của năm", "no recognition decision for the year yet"),
    ),
    t(Kind::Commitment, &[S::Absent, S::Registered], Step::Register, OWN, Subjects::Person, S::Registered, NONE),
    t(Kind::Commitment, &[S::Registered], Step::Withdraw, OWN, Subjects::Person, S::Absent, NONE),
    t(Kind::SelfStudyPlan, &[S::Absent, S::Draft, S::Returned], Step::SaveDraft, OWN, Subjects::Person, S::Draft, NONE),
    t(
        Kind::SelfStudyPlan,
        &[S::Absent, S::Draft, S::Submitted, S::Returned],
        Step::Submit,
        OWN,
        Subjects::Person,
        S::Submitted,
        NONE,
    ),
    t(
        Kind::SelfStudyPlan,
        &[S::Submitted],
        Step::Approve,
        HEAD,
        Subjects::Person,
        S::Approved,
        (
            "người phê duyệt là thủ trưởng đơn vị của người đó vào ngày phê duyệt",
            "the approver is the head of the person's organisation on the day",
        ),
    ),
    t(
        Kind::SelfStudyPlan,
        &[S::Submitted],
        Step::Return,
        HEAD,
        Subjects::Person,
        S::Returned,
        ("có lý do", "a reason is given"),
    ),
    t(
        Kind::SelfStudyPlan,
        &[S::Approved],
        Step::Correct,
        &[P::Admin],
        Subjects::Person,
        S::Submitted,
        ("có lý do, ghi vào nhật ký", "a reason, kept in the audit trail"),
    ),
    t(
        Kind::SelfAssessment,
        &[S::Absent, S::Assessed],
        Step::Assess,
        OWN,
        Subjects::Person,
        S::Assessed,
        (
            "chưa có đánh giá chính thức; sửa kèm phiên bản đã đọc",
            "no official assessment yet; a revision names the version read",
        ),
    ),
    t(
        Kind::SelfAssessment,
        &[S::Absent, S::Assessed],
        Step::Assess,
        UNIT,
        Subjects::Collective,
        S::Assessed,
        (
            "chưa có đánh giá chính thức; sửa kèm phiên bản đã đọc",
            "no official assessment yet; a revision names the version read",
        ),
    ),
    t(
        Kind::Assessment,
        &[S::Absent, S::Assessed],
        Step::Assess,
        &[P::Head, P::Reviewer, P::Admin],
        Subjects::Person,
        S::Assessed,
        (
            "chưa có quyết định công nhận; sửa kèm phiên bản đã đọc",
            "no recognition decision yet; a revision names the version read",
        ),
    ),
    t(
        Kind::Assessment,
        &[S::Absent, S::Assessed],
        Step::Assess,
        &[P::Reviewer, P::Admin],
        Subjects::Collective,
        S::Assessed,
        (
            "chưa có quyết định công nhận; sửa kèm phiên bản đã đọc (đơn vị tự đánh giá là tự đánh giá)",
            "no recognition decision yet; a revision names the version read (a unit's own is its self-assessment)",
        ),
    ),
    t(
        Kind::Assessment,
        &[S::Assessed],
        Step::Correct,
        &[P::Admin],
        Subjects::Any,
        S::Assessed,
        ("có lý do, ghi vào nhật ký", "a reason, kept in the audit trail"),
    ),
    t(
        Kind::Recognition,
        &[S::Absent],
        Step::Recognise,
        &[P::Reviewer, P::Admin],
        Subjects::Any,
        S::Recognised,
        (
            "đã đăng ký và kết quả đánh giá chính thức đạt (quản trị viên công nhận ngoại lệ phải nêu lý do)",
            "registered, with a passing official result (an administrator's exception states a reason)",
        ),
    ),
    t(
        Kind::Recognition,
        &[S::Recognised],
        Step::Correct,
        &[P::Admin],
        Subjects::Any,
        S::Recognised,
        ("có lý do, ghi vào nhật ký", "a reason, kept in the audit trail"),
    ),
    t(
        Kind::RewardProposal,
        &[S::Absent, S::Proposed, S::Returned],
        Step::Propose,
        HEAD,
        Subjects::Any,
        S::Proposed,
        (
            "có trong danh sách đủ điều kiện, hoặc nêu lý do đề nghị ngoại lệ",
            "on the eligibility list, or an exception with its reason",
        ),
    ),
    t(
        Kind::RewardProposal,
        &[S::Proposed],
        Step::Accept,
        &[P::Verifier, P::Admin],
        Subjects::Any,
        S::Accepted,
        ("đủ điều kiện, hoặc đơn vị đã nêu lý do ngoại lệ", "eligible, or the proposer stated the exception's reason"),
    ),
    t(
        Kind::RewardProposal,
        &[S::Proposed],
        Step::Return,
        &[P::Verifier, P::Admin],
        Subjects::Any,
        S::Returned,
        ("có lý do", "a reason is given"),
    ),
    t(Kind::RewardProposal, &[S::Accepted], Step::Award, &[P::Admin], Subjects::Any, S::Awarded, NONE),
    t(Kind::RewardProposal, &[S::Accepted], Step::Reject, &[P::Admin], Subjects::Any, S::Rejected, NONE),
    t(
        Kind::RewardProposal,
        &[S::Awarded, S::Rejected],
        Step::Correct,
        &[P::Admin],
        Subjects::Any,
        S::Accepted,
        ("có lý do, ghi vào nhật ký", "a reason, kept in the audit trail"),
    ),
    t(
        Kind::ReportSubmission,
        &[S::Absent, S::Received],
        Step::Send,
        HEAD,
        Subjects::Collective,
        S::Received,
        (
            "đơn vị báo cáo với tư cách chủ thể của kế hoạch mà nó giữ; năm đã đến; gửi lại giữ ngày nhận đầu tiên",
            "the unit reports as the plan actor it is; the year has come; sent again keeps the first receipt date",
        ),
    ),
];

/// Why a step is refused.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Refusal {
    /// The step does not follow from the record's state.
    OutOfOrder {
        /// The record's kind.
        kind: Kind,
        /// Its state.
        state: State,
        /// The step asked.
        step: Step,
    },
    /// The step follows, but not by this party.
    NotYours {
        /// The record's kind.
        kind: Kind,
        /// The step asked.
        step: Step,
        /// Who asked.
        party: Party,
    },
}

impl fmt::Display for Refusal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::OutOfOrder { kind, state, step } => {
                let (k, s, st) = (kind.label(), state.label(), step.label());
                write!(
                    f,
                    "{}: không thể “{}” khi hồ sơ đang ở trạng thái “{}” / {}: cannot {} a record that is {}",
                    k.vi, st.vi, s.vi, k.en, st.en, s.en
                )
            }
            Self::NotYours { kind, step, party } => {
                let (k, st, p) = (kind.label(), step.label(), party.label());
                let who: Vec<String> = TABLE
                    .iter()
                    .filter(|t| t.kind == *kind && t.step == *step)
                    .flat_map(|t| t.by.iter())
                    .map(|p| p.label().vi)
                    .collect::<std::collections::BTreeSet<_>>()
                    .into_iter()
                    .collect();
                write!(
                    f,
                    "{}: bước “{}” không do {} thực hiện (do: {}) / {}: {} is not a step for {}",
                    k.vi,
                    st.vi,
                    p.vi,
                    who.join(", "),
                    k.en,
                    st.en,
                    p.en
                )
            }
        }
    }
}

impl std::error::Error for Refusal {}

/// The transition `step` takes a record of `kind` about a subject (an organisation or another
/// collective when `collective`) from `state` by `party`, if the table has one. A step that is
/// never this party's is [`Refusal::NotYours`] whatever the state; one that is, but not from
/// this state, [`Refusal::OutOfOrder`].
pub fn transition(
    kind: Kind,
    collective: bool,
    state: State,
    step: Step,
    party: Party,
) -> Result<&'static Transition, Refusal> {
    let fits = |t: &&Transition| {
        t.kind == kind
            && t.step == step
            && t.by.contains(&party)
            && match t.subjects {
                Subjects::Any => true,
                Subjects::Person => !collective,
                Subjects::Collective => collective,
            }
    };
    let mut mine = TABLE.iter().filter(fits).peekable();
    if mine.peek().is_none() {
        return Err(Refusal::NotYours { kind, step, party });
    }
    mine.find(|t| t.from.contains(&state)).ok_or(Refusal::OutOfOrder { kind, state, step })
}

/// Whether `party` ever takes `step` on a record of `kind` (about a collective when
/// `collective`), from some state.
pub fn takes(kind: Kind, collective: bool, step: Step, party: Party) -> bool {
    !matches!(transition(kind, collective, State::Absent, step, party), Err(Refusal::NotYours { .. }))
}

/// The state a record of `kind` reaches when `party` takes `step` from `state` (a subject that
/// is an organisation or another collective when `collective`).
pub fn next(kind: Kind, collective: bool, state: State, step: Step, party: Party) -> Result<State, Refusal> {
    transition(kind, collective, state, step, party).map(|t| t.to)
}

/// The states reachable from `state` by the steps of the table (any party), `state` included.
pub fn reachable(kind: Kind, state: State) -> Vec<State> {
    let mut seen = vec![state];
    let mut i = 0;
    while let Some(&s) = seen.get(i) {
        for t in TABLE.iter().filter(|t| t.kind == kind && t.from.contains(&s) && t.step != Step::Correct) {
            if !seen.contains(&t.to) {
                seen.push(t.to);
            }
        }
        i += 1;
    }
    seen
}

/// Whether a file (an administrator's import of records kept on paper) may bring a record of
/// `kind` in state `incoming` over the one stored in `stored`: the same state, or one the
/// lifecycle reaches from it without a correction — never back to an earlier step, and a
/// decided record (an approved plan, a recognition, a decided proposal) only unchanged. The
/// rows an import brings are checked by `xhht-store`'s import with this function.
pub fn may_import(kind: Kind, stored: State, incoming: State) -> bool {
    if stored == incoming {
        return true;
    }
    if matches!(stored, S::Approved | S::Recognised | S::Awarded | S::Rejected) {
        return false;
    }
    reachable(kind, stored).contains(&incoming)
}

/// The table as Markdown, one section per kind (what `docs/workflows.md` prints between its
/// `<!-- table -->` markers; a test keeps the two the same).
pub fn markdown() -> String {
    use std::fmt::Write;
    let mut out = String::new();
    for kind in Kind::ALL {
        let k = kind.label();
        let _ = writeln!(out, "### {} / {}\n", k.vi, k.en);
        out.push_str("| từ trạng thái / from | bước / step | ai / who | đối tượng / subject | điều kiện / condition | sang / to |\n");
        out.push_str("|---|---|---|---|---|---|\n");
        for t in TABLE.iter().filter(|t| t.kind == kind) {
            let from: Vec<String> = t.from.iter().map(|s| s.label().vi).collect();
            let by: Vec<String> = t.by.iter().map(|p| p.label().vi).collect();
            let subjects = match t.subjects {
                Subjects::Any => "mọi / any",
                Subjects::Person => "cá nhân / person",
                Subjects::Collective => "tập thể / collective",
            };
            let cond = if t.condition.0.is_empty() {
                "—".to_owned()
            } else {
                format!("{} / {}", t.condition.0, t.condition.1)
            };
            let (st, to) = (t.step.label(), t.to.label());
            let _ = writeln!(
                out,
                "| {} | {} / {} | {} | {subjects} | {cond} | {} / {} |",
                from.join(", "),
                st.vi,
                st.en,
                by.join(", "),
                to.vi,
                to.en
            );
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    /// `docs/workflows.md` prints the table as it is (`XHHT_WRITE_DOCS=1` rewrites it).
    #[test]
    fn the_docs_print_the_table() {
        let path = concat!(env!("CARGO_MANIFEST_DIR"), "/../../docs/workflows.md");
        let doc = std::fs::read_to_string(path).unwrap_or_default();
        let (begin, end) = ("<!-- table -->\n", "<!-- /table -->");
        let (Some(a), Some(b)) = (doc.find(begin), doc.find(end)) else {
            panic!("docs/workflows.md has no <!-- table --> … <!-- /table --> markers");
        };
        let generated = markdown();
        let current = &doc[a + begin.len()..b];
        if current != generated {
            if std::env::var_os("XHHT_WRITE_DOCS").is_some() {
                let new = format!("{}{generated}{}", &doc[..a + begin.len()], &doc[b..]);
                std::fs::write(path, new).unwrap_or_else(|e| panic!("{e}"));
            } else {
                panic!(
                    "docs/workflows.md's table is stale: run `XHHT_WRITE_DOCS=1 cargo test -p xhht-core the_docs_print_the_table`"
                );
            }
        }
    }

    const PARTIES: [Party; 6] = [P::Person, P::Officer, P::Head, P::Reviewer, P::Verifier, P::Admin];
    const STEPS: [Step; 14] = [
        Step::Register,
        Step::Withdraw,
        Step::SaveDraft,
        Step::Submit,
        Step::Approve,
        Step::Return,
        Step::Assess,
        Step::Recognise,
        Step::Propose,
        Step::Accept,
        Step::Award,
        Step::Reject,
        Step::Send,
        Step::Correct,
    ];

    #[test]
    fn a_decided_proposal_is_not_proposed_again_and_only_the_admin_corrects_it() {
        let k = Kind::RewardProposal;
        assert!(matches!(next(k, false, S::Awarded, Step::Propose, P::Head), Err(Refusal::OutOfOrder { .. })));
        assert!(matches!(next(k, false, S::Accepted, Step::Propose, P::Admin), Err(Refusal::OutOfOrder { .. })));
        assert!(matches!(next(k, false, S::Accepted, Step::Propose, P::Verifier), Err(Refusal::NotYours { .. })));
        assert_eq!(next(k, false, S::Returned, Step::Propose, P::Head), Ok(S::Proposed));
        assert!(matches!(next(k, false, S::Absent, Step::Propose, P::Officer), Err(Refusal::NotYours { .. })));
        assert!(matches!(next(k, false, S::Absent, Step::Propose, P::Person), Err(Refusal::NotYours { .. })));
        assert_eq!(next(k, false, S::Awarded, Step::Correct, P::Admin), Ok(S::Accepted));
        assert!(next(k, false, S::Awarded, Step::Correct, P::Verifier).is_err());
    }

    #[test]
    fn a_plan_goes_draft_submitted_returned_submitted_approved() {
        let k = Kind::SelfStudyPlan;
        let mut s = S::Absent;
        for (step, party, want) in [
            (Step::SaveDraft, P::Person, S::Draft),
            (Step::Submit, P::Person, S::Submitted),
            (Step::Return, P::Head, S::Returned),
            (Step::Submit, P::Person, S::Submitted),
            (Step::Approve, P::Head, S::Approved),
        ] {
            s = next(k, false, s, step, party).unwrap_or_else(|e| panic!("{e}"));
            assert_eq!(s, want);
        }
        assert!(next(k, false, s, Step::Submit, P::Person).is_err(), "an approved plan is not resubmitted");
        assert!(next(k, false, S::Submitted, Step::Approve, P::Officer).is_err(), "an officer does not approve");
        assert!(next(k, false, S::Submitted, Step::Approve, P::Person).is_err(), "nobody approves their own plan");
    }

    #[test]
    fn a_unit_assesses_itself_only_as_a_self_assessment() {
        assert!(next(Kind::Assessment, true, S::Absent, Step::Assess, P::Head).is_err());
        assert_eq!(next(Kind::SelfAssessment, true, S::Absent, Step::Assess, P::Head), Ok(S::Assessed));
        assert_eq!(next(Kind::Assessment, false, S::Absent, Step::Assess, P::Head), Ok(S::Assessed));
        assert!(next(Kind::Assessment, false, S::Absent, Step::Assess, P::Person).is_err());
        assert!(next(Kind::Assessment, false, S::Absent, Step::Assess, P::Officer).is_err());
    }

    #[test]
    fn an_import_never_takes_a_record_back() {
        assert!(may_import(Kind::SelfStudyPlan, S::Submitted, S::Approved));
        assert!(!may_import(Kind::SelfStudyPlan, S::Approved, S::Submitted));
        assert!(may_import(Kind::SelfStudyPlan, S::Approved, S::Approved));
        assert!(!may_import(Kind::RewardProposal, S::Accepted, S::Proposed));
        assert!(!may_import(Kind::Recognition, S::Recognised, S::Absent));
    }

    #[test]
    fn every_refusal_says_what_and_why_in_both_languages() {
        let e = Refusal::NotYours { kind: Kind::SelfStudyPlan, step: Step::Approve, party: P::Officer };
        let s = e.to_string();
        assert!(s.contains("thủ trưởng đơn vị") && s.contains(" / "), "{s}");
    }

    #[test]
    fn the_table_has_no_two_rows_for_one_state_step_party_and_subject() {
        for (i, a) in TABLE.iter().enumerate() {
            for b in &TABLE[i + 1..] {
                let subjects_meet =
                    a.subjects == Subjects::Any || b.subjects == Subjects::Any || a.subjects == b.subjects;
                let clash = a.kind == b.kind
                    && a.step == b.step
                    && subjects_meet
                    && a.from.iter().any(|s| b.from.contains(s))
                    && a.by.iter().any(|p| b.by.contains(p));
                assert!(!clash, "{a:?} and {b:?} overlap");
            }
        }
    }

    fn step_strategy() -> impl Strategy<Value = (usize, usize, bool)> {
        (0..STEPS.len(), 0..PARTIES.len(), any::<bool>())
    }

    proptest! {
        /// Any sequence of asks by anyone stays on the table's edges: every state reached is
        /// reached by a row whose `from` holds the state before and whose `by` holds the party,
        /// and only an administrator's correction ever leads out of a decided state.
        #[test]
        fn random_sequences_only_follow_the_table(
            kind in 0..Kind::ALL.len(),
            collective: bool,
            asks in prop::collection::vec(step_strategy(), 0..40),
        ) {
            let kind = Kind::ALL[kind];
            let mut state = S::Absent;
            for (step, party, _) in asks {
                let (step, party) = (STEPS[step], PARTIES[party]);
                if let Ok(to) = next(kind, collective, state, step, party) {
                    let row = TABLE.iter().find(|t| t.kind == kind && t.step == step && t.from.contains(&state) && t.by.contains(&party) && t.to == to);
                    prop_assert!(row.is_some());
                    if matches!(state, S::Approved | S::Recognised | S::Awarded | S::Rejected) {
                        prop_assert!(step == Step::Correct && party == P::Admin);
                    }
                    state = to;
                }
            }
        }
    }
}
