//! `xhht study-plan …` and `xhht proposal …`: the workflow steps the API takes, from the command
//! line. Each opens the database, finds who acts (`--as`, or the local administrator), makes one
//! call of `xhht-app` — which asks `decide` and the lifecycle table — and says what was done.

use std::io::Read;
use std::path::Path;
use std::process::ExitCode;

use anyhow::Context;
use chrono::NaiveDate;
use xhht_app::App;
use xhht_app::auth::AuthUser;
use xhht_app::proposals::ProposalKey;
use xhht_core::Lang;
use xhht_core::record::VerificationOutcome;

use crate::cli::{Acting, ProposalArgs, ProposalCommand, StudyPlanCommand};
use crate::cmd::db::{acting as who_acts, open, runtime};
use crate::output::Out;

/// Opens the database, finds who acts, and runs one use case as them.
pub(crate) fn act<T>(
    db: &str,
    acting: &Acting,
    what: &str,
    step: impl AsyncFnOnce(&App, &AuthUser) -> xhht_app::Result<T>,
) -> anyhow::Result<T> {
    runtime()?.block_on(async {
        let app = open(db).await?;
        let who = who_acts(&app, acting.user.as_deref(), what).await?;
        anyhow::Ok(step(&app, &who).await?)
    })
}

/// A plan's text from a file, or from standard input for `-`.
fn read_text(path: &Path) -> anyhow::Result<String> {
    let shown = path.display();
    if path.as_os_str() == "-" {
        let mut s = String::new();
        std::io::stdin().read_to_string(&mut s).context("không đọc được đầu vào chuẩn / cannot read standard input")?;
        return Ok(s);
    }
    std::fs::read_to_string(path).with_context(|| format!("không đọc được {shown} / cannot read {shown}"))
}

/// `xhht study-plan submit|approve|return|correct`.
pub(crate) fn study_plan(
    o: &mut Out<'_>,
    db: &str,
    today: NaiveDate,
    acting: &Acting,
    cmd: StudyPlanCommand,
) -> anyhow::Result<ExitCode> {
    let line = match cmd {
        StudyPlanCommand::Submit { person, year, text, draft, on } => {
            let content = text.as_deref().map(read_text).transpose()?;
            act(db, acting, "study-plan submit", async |app, who| {
                app.write_self_study_plan(who, &person, year, content, !draft, on, None, today).await
            })
            .with_context(|| {
                format!(
                    "không ghi được kế hoạch tự học của {person} năm {year} / cannot write the self-study plan of {person} for {year}"
                )
            })?;
            match (o.lang, draft) {
                (Lang::Vi, true) => format!("Đã lưu nháp kế hoạch tự học của {person} năm {year}."),
                (Lang::En, true) => format!("Kept the self-study plan of {person} for {year} as a draft."),
                (Lang::Vi, false) => format!("Đã gửi kế hoạch tự học của {person} năm {year} lên thủ trưởng."),
                (Lang::En, false) => format!("Sent the self-study plan of {person} for {year} to the head."),
            }
        }
        StudyPlanCommand::Approve { person, year, by, on, reason } => {
            let v = act(db, acting, "study-plan approve", async |app, who| {
                app.approve_self_study_plan(who, &person, year, by, on, reason, None, today).await
            })
            .with_context(|| {
                format!(
                    "không phê duyệt được kế hoạch tự học của {person} năm {year} / cannot approve the self-study plan of {person} for {year}"
                )
            })?;
            match o.lang {
                Lang::Vi => format!("Đã phê duyệt kế hoạch tự học của {person} năm {year} (phiên bản {v})."),
                Lang::En => format!("Approved the self-study plan of {person} for {year} (version {v})."),
            }
        }
        StudyPlanCommand::Return { person, year, reason } => {
            let v = act(db, acting, "study-plan return", async |app, who| {
                app.return_self_study_plan(who, &person, year, Some(&reason), None, today).await
            })
            .with_context(|| {
                format!(
                    "không trả lại được kế hoạch tự học của {person} năm {year} / cannot return the self-study plan of {person} for {year}"
                )
            })?;
            match o.lang {
                Lang::Vi => format!("Đã trả lại kế hoạch tự học của {person} năm {year} kèm lý do (phiên bản {v})."),
                Lang::En => {
                    format!("Returned the self-study plan of {person} for {year} with the reason (version {v}).")
                }
            }
        }
        StudyPlanCommand::Correct { person, year, reason } => {
            let v = act(db, acting, "study-plan correct", async |app, who| {
                app.correct_self_study_plan(who, &person, year, Some(&reason), today).await
            })
            .with_context(|| {
                format!(
                    "không điều chỉnh được kế hoạch tự học của {person} năm {year} / cannot correct the self-study plan of {person} for {year}"
                )
            })?;
            match o.lang {
                Lang::Vi => format!(
                    "Đã điều chỉnh kế hoạch tự học của {person} năm {year}: trở lại chờ phê duyệt (phiên bản {v})."
                ),
                Lang::En => format!(
                    "Corrected the self-study plan of {person} for {year}: it awaits approval again (version {v})."
                ),
            }
        }
    };
    o.line(line)?;
    Ok(ExitCode::SUCCESS)
}

/// The proposal a command names.
fn key_of(k: &ProposalArgs) -> ProposalKey {
    ProposalKey { reward: k.reward.clone(), subject: k.subject.clone(), year: k.year }
}

/// How a proposal is named in messages: `reward.annual.individual person:GV001 2024`.
pub(crate) fn proposal_name(k: &ProposalArgs) -> String {
    format!("{} {}:{} {}", k.reward, xhht_app::inbox::subject_kind(&k.subject), k.subject.id(), k.year)
}

/// `xhht proposal propose|accept|return|award|reject|correct`.
pub(crate) fn proposal(
    o: &mut Out<'_>,
    db: &str,
    today: NaiveDate,
    acting: &Acting,
    cmd: ProposalCommand,
) -> anyhow::Result<ExitCode> {
    // What the step is called, and where it leaves the proposal.
    let (k, (vi, en), (then_vi, then_en)) = match &cmd {
        ProposalCommand::Propose { key, .. } => {
            (key, ("đề nghị", "proposed"), ("chờ thẩm định", "awaiting verification"))
        }
        ProposalCommand::Accept { key, .. } => {
            (key, ("thẩm định đạt", "accepted"), ("chờ quyết định", "awaiting the decision"))
        }
        ProposalCommand::Return { key, .. } => (
            key,
            ("trả lại", "returned"),
            ("trả về đơn vị đề nghị, kèm lý do", "back with the proposer, with the reason"),
        ),
        ProposalCommand::Award { key, .. } => {
            (key, ("quyết định khen thưởng", "awarded"), ("đã khen thưởng", "the reward is granted"))
        }
        ProposalCommand::Reject { key, .. } => {
            (key, ("quyết định không khen thưởng", "rejected"), ("không khen thưởng", "the reward is not granted"))
        }
        ProposalCommand::Correct { key, .. } => {
            (key, ("điều chỉnh", "corrected"), ("chờ quyết định lại", "awaiting the decision again"))
        }
    };
    let name = proposal_name(k);
    let key = key_of(k);
    let context = || format!("không {vi} được hồ sơ {name} / the proposal {name} was not {en}");
    let done = match cmd {
        ProposalCommand::Propose { key: k, exception } => act(db, acting, "proposal propose", async |app, who| {
            app.propose(who, k.reward, k.subject, k.year, today, exception, today).await
        }),
        ProposalCommand::Accept { note, .. } => act(db, acting, "proposal accept", async |app, who| {
            app.verify_proposal(who, &key, VerificationOutcome::Accepted, note, today, today).await
        }),
        ProposalCommand::Return { note, .. } => act(db, acting, "proposal return", async |app, who| {
            app.verify_proposal(who, &key, VerificationOutcome::Refused, Some(note), today, today).await
        }),
        ProposalCommand::Award { note, .. } => act(db, acting, "proposal award", async |app, who| {
            app.decide_proposal(who, &key, "approved", note, today).await
        }),
        ProposalCommand::Reject { note, .. } => act(db, acting, "proposal reject", async |app, who| {
            app.decide_proposal(who, &key, "rejected", note, today).await
        }),
        ProposalCommand::Correct { reason, .. } => act(db, acting, "proposal correct", async |app, who| {
            app.correct_proposal(who, &key, Some(&reason), today).await
        }),
    };
    let w = done.with_context(context)?;
    o.line(match (o.lang, w.added + w.changed) {
        (Lang::Vi, 0) => format!("Hồ sơ {name}: không có gì thay đổi."),
        (Lang::En, 0) => format!("The proposal {name}: nothing changed."),
        (Lang::Vi, _) => format!("Đã {vi} hồ sơ {name}: {then_vi}."),
        (Lang::En, _) => format!("The proposal {name} is {en}: {then_en}."),
    })?;
    Ok(ExitCode::SUCCESS)
}
