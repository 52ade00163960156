//! The demo's records in motion (synthetic): reward proposals walked through their lifecycle
//! (`xhht_core::workflow`) and this year's pending self-study plans. Every choice is drawn
//! from a hash of the record's key ([`mix`]), not from the generator's sequence, so the rest of
//! the data is the same with or without them.

use chrono::{Datelike, NaiveDate};
use xhht_core::record::{
    Decision, DecisionOutcome, RewardProposal, SelfStudyPlan, SubjectRef, Verification, VerificationOutcome,
};

use crate::d;
use crate::draw::mix;
use crate::{Dataset, Error};

/// A plan of this year not approved yet: a draft (a third), returned by the head with a
/// reason (a third), or waiting for the head (the rest) — chosen by the day it was written.
pub(crate) fn pending_plan(plan: SelfStudyPlan, written: NaiveDate) -> Result<SelfStudyPlan, Error> {
    let text = Some(
        "Tự học tin học văn phòng và kỹ năng số; đọc 6 đầu sách chuyên môn; tham gia 2 chuyên đề bồi dưỡng (mô phỏng)"
            .to_owned(),
    );
    Ok(match written.day() % 3 {
        0 => SelfStudyPlan::draft(plan.person(), plan.year(), written)?.with_content(text)?,
        1 => plan.with_content(text)?.return_with("Nêu rõ thời gian hoàn thành từng nội dung (mô phỏng)")?,
        _ => plan.with_content(text)?,
    })
}

/// The collective annual reward proposals of `year` for model units (quality ≥ 75), two in
/// three of them, proposed on 1 December and walked as far as `today` allows. Only units that
/// exist on that day are proposed: not a body that ended on 2025-06-30 for 2025 or later, nor one
/// made on 2025-07-01 for the years before. Decisions after the reorganisation are the province
/// Department of Education's, which holds the Education Office's duties in the demo (assumed).
pub(crate) fn walk(
    ds: &mut Dataset,
    quality: &std::collections::HashMap<String, u64>,
    year: i32,
    today: NaiveDate,
) -> Result<(), Error> {
    let proposed_on = d(year, 12, 1);
    if proposed_on > today {
        return Ok(());
    }
    let verified_on = d(year, 12, 5);
    let decided_on = d(year + 1, 1, 15);
    let current = year == today.year();
    let existing: std::collections::HashSet<&str> =
        ds.organisations.iter().filter(|o| o.valid.contains(proposed_on)).map(|o| o.code.as_str()).collect();
    let mut codes: Vec<String> =
        quality.iter().filter(|(c, q)| **q >= 75 && existing.contains(c.as_str())).map(|(c, _)| c.clone()).collect();
    codes.sort();
    let decider = if decided_on >= d(crate::REFORM.0, crate::REFORM.1, crate::REFORM.2) {
        "Sở GD&ĐT (mô phỏng)"
    } else {
        "Phòng GD&ĐT (mô phỏng)"
    };
    for code in &codes {
        let h = mix(&[code, "reward-proposal"], year);
        if h.is_multiple_of(3) {
            continue;
        }
        let subject = SubjectRef::Organisation(code.clone());
        let p = RewardProposal::new(
            "reward.annual.collective",
            subject,
            year,
            format!("thủ trưởng {code} (mô phỏng)"),
            proposed_on,
        )?;
        let verify = |p: RewardProposal, outcome: VerificationOutcome, note: Option<&str>| {
            p.verify(Verification {
                by: "cơ quan nội vụ (mô phỏng)".to_owned(),
                on: verified_on,
                outcome,
                note: note.map(str::to_owned),
            })
        };
        let returned = "Thiếu biên bản họp xét của đơn vị (mô phỏng)";
        let stage = (h / 3) % 10;
        let p = match (current, stage) {
            // This year: awaiting verification, returned with a reason, or verified and waiting.
            (true, _) if verified_on > today => p,
            (true, 0..=3) => p,
            (true, 4..=5) => verify(p, VerificationOutcome::Refused, Some(returned))?,
            (true, _) => verify(p, VerificationOutcome::Accepted, None)?,
            // Earlier years: returned and left, rejected, or awarded.
            (false, 0) => verify(p, VerificationOutcome::Refused, Some(returned))?,
            (false, _) if decided_on > today => verify(p, VerificationOutcome::Accepted, None)?,
            (false, 1) => verify(p, VerificationOutcome::Accepted, None)?.decide(Decision {
                by: decider.to_owned(),
                on: decided_on,
                outcome: DecisionOutcome::Rejected,
                note: Some("Chưa đủ thành tích tiêu biểu (mô phỏng)".to_owned()),
            })?,
            (false, _) => verify(p, VerificationOutcome::Accepted, None)?.decide(Decision {
                by: decider.to_owned(),
                on: decided_on,
                outcome: DecisionOutcome::Approved,
                note: Some(format!("{}/QĐ-KT (mô phỏng)", 100 + h % 900)),
            })?,
        };
        ds.reward_proposals.push(p);
    }
    Ok(())
}
