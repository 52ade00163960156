//! "Việc cần làm": each role's work in the browser, on the lifecycle steps of
//! `xhht_core::workflow` — the head approves or returns self-study plans (one by one or all at
//! once) and sends the unit's report, the verifier accepts or returns dossiers with a reason,
//! the administrator decides them, the reviewer recognises units, and a person keeps their own
//! registration, commitment and self-study plan on their own page. Every form posts to a route
//! here that makes one `xhht-app` call and comes back to the page with what was done.

use std::collections::HashMap;

use askama::Template;
use askama_web::WebTemplate;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::HeaderMap;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{Datelike, NaiveDate};
use xhht_app::inbox::{Inbox, OwnRecords};
use xhht_app::proposals::ProposalKey;
use xhht_core::Title;
use xhht_core::record::{Commitment, Recognition, Registration, ReportKind, SubjectRef, VerificationOutcome};
use xhht_core::workflow::{Kind, Step};

use crate::error::ApiError;
use crate::http::MaybeAuth;
use crate::state::AppState;

use super::{Frame, PageOpts, error_page, lang_of, require_login, with_cookie};

#[derive(Template, WebTemplate)]
#[template(path = "work.html")]
struct WorkPage {
    frame: Frame,
    year: i32,
    today: String,
    done: bool,
    member: bool,
    /// May propose rewards (a unit's head, the education office).
    proposer: bool,
    inbox: Inbox,
}

impl WorkPage {
    /// The form a task's items get, by its kind and the step it waits for.
    fn form(&self, kind: &Kind, step: &Step) -> &'static str {
        match (kind, step) {
            (Kind::SelfStudyPlan, Step::Approve) => "approve-plan",
            (Kind::RewardProposal, Step::Accept) => "verify",
            (Kind::RewardProposal, Step::Award) => "decide",
            (Kind::RewardProposal, Step::Propose) => "propose-again",
            (Kind::Recognition, Step::Recognise) => "recognise",
            (Kind::ReportSubmission, Step::Send) => "send-report",
            (Kind::SelfStudyPlan | Kind::Registration | Kind::Commitment, _) if self.member => "own-page",
            _ => "list",
        }
    }
}

pub(super) async fn work_page(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Query(opts): Query<WorkOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts.page(), &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/work?year={year}"));
    let member = user.principal.role == xhht_core::access::Role::Member;
    let proposer = matches!(user.principal.role, xhht_core::access::Role::Admin | xhht_core::access::Role::Unit);
    match state.app().inbox(&user, year, state.today()).await {
        Ok(inbox) => with_cookie(
            WorkPage {
                frame,
                year,
                today: state.today().to_string(),
                done: opts.done.is_some(),
                member,
                proposer,
                inbox,
            },
            set,
        ),
        Err(e) => error_page(Some(frame), lang, e.into()),
    }
}

/// The work pages' options (not flattened: a flattened struct reads every query value as text).
#[derive(Debug, Default, serde::Deserialize)]
pub(super) struct WorkOpts {
    lang: Option<String>,
    year: Option<i32>,
    /// Set after a step was taken.
    done: Option<u8>,
}

impl WorkOpts {
    fn page(&self) -> PageOpts {
        PageOpts { lang: self.lang.clone(), year: self.year, target: None, as_of: None }
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "me.html")]
struct MePage {
    frame: Frame,
    done: bool,
    own: OwnRecords,
}

pub(super) async fn me_page(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Query(opts): Query<WorkOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts.page(), &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/me?year={year}"));
    match state.app().own_records(&user, year).await {
        Ok(own) => with_cookie(MePage { frame, done: opts.done.is_some(), own }, set),
        Err(e) => error_page(Some(frame), lang, e.into()),
    }
}

#[derive(Template, WebTemplate)]
#[template(path = "eligible.html")]
struct EligiblePage {
    frame: Frame,
    year: i32,
    rows: Vec<EligibleRow>,
}

/// One subject eligible for a reward and not yet proposed.
struct EligibleRow {
    reward: String,
    reward_name: String,
    kind: &'static str,
    id: String,
    name: String,
    reasons: Vec<String>,
}

/// Who may be proposed for the year's annual rewards and is not yet: a unit's own people and
/// itself (its head proposes them), or everyone (the education office).
pub(super) async fn eligible_page(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    Query(opts): Query<WorkOpts>,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, set) = lang_of(&opts.page(), &headers);
    let year = opts.year.unwrap_or_else(|| state.today().year()).clamp(2000, 2100);
    let frame = Frame::new(lang, &user, &format!("/work/eligible?year={year}"));
    let page = async {
        let who = crate::http::Auth(user.clone());
        who.require_any(xhht_core::access::Action::Write, xhht_core::access::Resource::RewardProposal)?;
        let list = state.app().rewards(xhht_app::reports::Which::Annual(year)).await?;
        let (data, _) = state.year_results(year).await?;
        let org = user.principal.organisation.clone();
        let day = NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(state.today()).min(state.today());
        let mine = |s: &SubjectRef| match (&org, s) {
            (None, _) => true,
            (Some(o), SubjectRef::Organisation(c)) => c == o,
            (Some(o), SubjectRef::Person(p)) => {
                data.memberships.iter().any(|m| &m.person == p && &m.organisation == o && m.period.contains(day))
            }
            _ => false,
        };
        let proposed = |reward: &str, s: &SubjectRef| {
            data.reward_proposals.iter().any(|p| p.reward() == reward && p.subject() == s)
        };
        let rules = &state.app().engines().plan.rulebook().rulebook;
        let rows = list
            .eligible()
            .filter(|e| mine(&e.subject) && !proposed(&e.reward, &e.subject))
            .map(|e| {
                let rule = rules.rewards.iter().find(|r| r.id == e.reward);
                EligibleRow {
                    reward: e.reward.clone(),
                    reward_name: rule.map_or_else(|| e.reward.clone(), |r| r.title.get(lang).to_owned()),
                    kind: xhht_app::inbox::subject_kind(&e.subject),
                    id: e.subject.id().to_owned(),
                    name: list.name_of(&e.subject).to_owned(),
                    reasons: e.reasons.iter().map(|r| r.get(lang).to_owned()).collect(),
                }
            })
            .collect();
        Ok::<_, ApiError>(EligiblePage { frame: frame.clone(), year, rows })
    }
    .await;
    match page {
        Ok(p) => with_cookie(p, set),
        Err(e) => error_page(Some(frame), lang, e),
    }
}

/// A posted form's fields (a name may repeat: the plans ticked for approval).
pub(super) struct Fields(HashMap<String, Vec<String>>);

impl Fields {
    pub(super) fn parse(body: &[u8]) -> Fields {
        let mut map: HashMap<String, Vec<String>> = HashMap::new();
        for (k, v) in form_urlencoded::parse(body) {
            map.entry(k.into_owned()).or_default().push(v.into_owned());
        }
        Fields(map)
    }

    pub(super) fn get(&self, name: &str) -> Option<&str> {
        self.0.get(name).and_then(|v| v.first()).map(String::as_str).filter(|s| !s.trim().is_empty())
    }

    pub(super) fn need(&self, name: &str) -> Result<&str, ApiError> {
        self.get(name).ok_or_else(|| ApiError::invalid(name, "cần điền / required"))
    }

    fn all(&self, name: &str) -> &[String] {
        self.0.get(name).map_or(&[], Vec::as_slice)
    }

    fn year(&self) -> Result<i32, ApiError> {
        self.need("year")?.parse().map_err(|_| ApiError::invalid("year", "một năm, ví dụ 2026 / a year, e.g. 2026"))
    }

    fn date(&self, name: &str) -> Result<NaiveDate, ApiError> {
        let v = self.need(name)?;
        xhht_core::date::parse_date_text(v)
            .map_err(|_| ApiError::invalid(name, "ngày dạng dd/mm/yyyy / a date as dd/mm/yyyy"))
    }

    fn subject(&self) -> Result<SubjectRef, ApiError> {
        let id = self.need("subject")?.to_owned();
        Ok(match self.get("subject_kind") {
            Some("organisation") => SubjectRef::Organisation(id),
            _ => SubjectRef::Person(id),
        })
    }
}

/// Takes one step posted by a form and comes back to `back` (or shows why not).
pub(super) async fn step(
    State(state): State<AppState>,
    MaybeAuth(user): MaybeAuth,
    headers: HeaderMap,
    axum::extract::Path(what): axum::extract::Path<String>,
    body: Bytes,
) -> Response {
    let user = match require_login(user) {
        Ok(u) => u,
        Err(r) => return *r,
    };
    let (lang, _) = lang_of(&PageOpts::default(), &headers);
    let f = Fields::parse(&body);
    let back = if what.starts_with("own-") { "/me" } else { "/work" };
    let frame = Frame::new(lang, &user, back);
    let today = state.today();
    let app = state.app();
    let done: Result<i32, ApiError> = async {
        let year = f.year()?;
        match what.as_str() {
            "approve-plan" => {
                app.approve_self_study_plan(&user, f.need("person")?, year, None, None, None, None, today).await?;
            }
            "approve-plans" => {
                for p in f.all("person") {
                    app.approve_self_study_plan(&user, p, year, None, None, None, None, today).await?;
                }
            }
            "return-plan" => {
                app.return_self_study_plan(&user, f.need("person")?, year, f.get("reason"), None, today).await?;
            }
            "verify" | "return-dossier" => {
                let key = ProposalKey { reward: f.need("reward")?.to_owned(), subject: f.subject()?, year };
                let outcome =
                    if what == "verify" { VerificationOutcome::Accepted } else { VerificationOutcome::Refused };
                app.verify_proposal(&user, &key, outcome, f.get("note").map(str::to_owned), today, today).await?;
            }
            "award" | "reject" => {
                let key = ProposalKey { reward: f.need("reward")?.to_owned(), subject: f.subject()?, year };
                let d = if what == "award" { "approved" } else { "rejected" };
                app.decide_proposal(&user, &key, d, f.get("note").map(str::to_owned), today).await?;
            }
            "propose" => {
                let exception = f.get("exception").map(str::to_owned);
                app.propose(&user, f.need("reward")?.to_owned(), f.subject()?, year, today, exception, today).await?;
            }
            "recognise" => {
                let level = f
                    .get("level")
                    .map(str::parse::<u8>)
                    .transpose()
                    .map_err(|_| ApiError::invalid("level", "mức 1, 2 hoặc 3 / level 1, 2 or 3"))?;
                let r = Recognition::new(
                    f.subject()?,
                    Title::DonViHocTap,
                    level,
                    year,
                    f.need("decision_number")?.to_owned(),
                    f.date("decision_date")?,
                    f.need("authority")?.to_owned(),
                    None,
                )?;
                app.put_recognition(&user, r, f.get("exception"), today).await?;
            }
            "send-report" => {
                let org = user.principal.organisation.clone().ok_or_else(|| {
                    ApiError::Forbidden(
                        "chỉ tài khoản của đơn vị gửi báo cáo / only a unit's account sends its report".to_owned(),
                    )
                })?;
                let actor = state.store().organisation(&org).await?.and_then(|o| o.value.actor).ok_or_else(|| {
                    ApiError::invalid("actor", "đơn vị không là chủ thể báo cáo / the unit is not a reporting actor")
                })?;
                let s = xhht_app::records::SubmissionIn {
                    actor,
                    organisation: org,
                    year,
                    kind: ReportKind::Annual,
                    submitted_on: None,
                    document_number: f.get("document_number").map(str::to_owned),
                };
                app.put_report_submission(&user, s, today).await?;
            }
            "own-register" | "own-commit" | "own-plan" => {
                let me = user.principal.person.clone().ok_or_else(|| {
                    ApiError::Forbidden(
                        "trang này dành cho tài khoản cá nhân / this page is a person's own account's".to_owned(),
                    )
                })?;
                match what.as_str() {
                    "own-register" => {
                        let r = Registration::new(SubjectRef::Person(me), Title::CongDanHocTap, year, today)?;
                        app.put_registration(&user, r, today).await?;
                    }
                    "own-commit" => {
                        app.put_commitment(&user, Commitment { person: me, year, date: today }, today).await?;
                    }
                    _ => {
                        let submit = f.get("submit") == Some("1");
                        let content = f.get("content").map(str::to_owned);
                        let version = f.get("version").and_then(|v| v.parse().ok());
                        app.write_self_study_plan(&user, &me, year, content, submit, None, version, today).await?;
                    }
                }
            }
            _ => return Err(ApiError::NotFound("không có bước này / no such step".to_owned())),
        }
        state.invalidate();
        Ok(year)
    }
    .await;
    match done {
        Ok(year) => Redirect::to(&format!("{back}?year={year}&done=1")).into_response(),
        Err(e) => error_page(Some(frame), lang, e),
    }
}
