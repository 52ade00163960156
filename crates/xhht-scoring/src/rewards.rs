//! Reward eligibility: who meets the conditions for the annual Giấy khen and the phase reviews,
//! and why or why not. The proposal itself stays a human decision.

use serde::Serialize;
use xhht_core::Text;
use xhht_core::record::SubjectRef;
use xhht_core::rulebook::{RewardCondition, RewardRule, RewardWhen, Rulebook, Subject};

use crate::digest::YearDigest;
use crate::engine::Engine;
use crate::eval::Evaluation;
use crate::year::YearResults;

/// Whether a subject may be proposed for a reward, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Eligibility {
    /// The reward rule id.
    pub reward: String,
    /// Who.
    pub subject: SubjectRef,
    /// Whether every condition holds.
    pub eligible: bool,
    /// One line per condition: "because …" or "not because …".
    pub reasons: Vec<Text>,
    /// What stays a human judgement.
    pub judgement: Option<Text>,
}

fn meets(engine: &Engine, e: &Evaluation) -> bool {
    e.outcome.is_some_and(|o| engine.confers_title(e.version, o))
}

struct Row<'a> {
    kind: Subject,
    id: &'a str,
    criteria: &'a Evaluation,
    holds: bool,
}

impl Row<'_> {
    fn subject(&self) -> SubjectRef {
        match self.kind {
            Subject::Person => SubjectRef::Person(self.id.to_owned()),
            _ => SubjectRef::Organisation(self.id.to_owned()),
        }
    }
}

fn rows(results: &YearResults, subject: Subject) -> Vec<Row<'_>> {
    match subject {
        Subject::Person => results
            .people
            .iter()
            .map(|p| Row { kind: subject, id: &p.id, criteria: &p.criteria, holds: p.holds_title })
            .collect(),
        Subject::Organisation => results
            .organisations
            .iter()
            .map(|o| Row { kind: subject, id: &o.code, criteria: &o.criteria, holds: o.title_level.is_some() })
            .collect(),
        _ => Vec::new(),
    }
}

/// How many are eligible under a rule, of how many considered, and the first eligible ones in
/// full (a province has millions of people: a report lists a sample, the CLI lists all).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleSummary {
    /// The rule id.
    pub reward: String,
    /// How many are eligible.
    pub eligible: u64,
    /// How many were considered.
    pub considered: u64,
    /// The first eligible subjects, in input order, with their reasons.
    pub first: Vec<Eligibility>,
}

/// Whether every condition of `rule` holds, without building any text, given (year, meets the
/// criteria, holds the title) for each year considered (the last is the year of the reward).
pub fn holds_all(rule: &RewardRule, history: &[(i32, bool, bool)]) -> bool {
    !history.is_empty()
        && rule.conditions.iter().all(|c| match c {
            RewardCondition::MeetsGroup { .. } => history.iter().all(|(_, m, _)| *m),
            RewardCondition::HoldsTitle { .. } => history.last().is_some_and(|(_, _, h)| *h),
            _ => false,
        })
}

/// `(year, meets, holds)` of an evaluation history.
fn flags(engine: &Engine, history: &[(i32, &Evaluation, bool)]) -> Vec<(i32, bool, bool)> {
    history.iter().map(|(y, e, h)| (*y, meets(engine, e), *h)).collect()
}

fn holds(rule: &RewardRule, engine: &Engine, history: &[(i32, &Evaluation, bool)]) -> bool {
    holds_all(rule, &flags(engine, history))
}

/// Counts of the annual reward rules, with at most `limit` eligible subjects per rule in full.
pub fn annual_summary(plan: &Rulebook, engine: &Engine, results: &YearResults, limit: usize) -> Vec<RuleSummary> {
    plan.rewards
        .iter()
        .filter(|r| r.when == RewardWhen::Annual)
        .map(|rule| {
            let mut s = RuleSummary { reward: rule.id.clone(), eligible: 0, considered: 0, first: Vec::new() };
            for row in rows(results, rule.subject) {
                let history = [(results.year, row.criteria, row.holds)];
                s.considered += 1;
                if holds(rule, engine, &history) {
                    s.eligible += 1;
                    if s.first.len() < limit {
                        s.first.push(judge(rule, engine, row.subject(), &history));
                    }
                }
            }
            s
        })
        .collect()
}

/// [`annual_summary`] from a year's digest (for the scope the digest was cut to). The people
/// listed are at most `limit` and at most the digest's [`Limits::eligible`](crate::digest::Limits).
pub fn annual_summary_digest(plan: &Rulebook, digest: &YearDigest, limit: usize) -> Vec<RuleSummary> {
    let year = digest.year;
    plan.rewards
        .iter()
        .filter(|r| r.when == RewardWhen::Annual)
        .map(|rule| {
            let mut s = RuleSummary { reward: rule.id.clone(), eligible: 0, considered: 0, first: Vec::new() };
            match rule.subject {
                Subject::Person => {
                    s.considered = digest.people();
                    s.eligible = digest.groups.iter().filter_map(|g| g.rewards.get(&rule.id)).sum();
                    // Eligible means every condition holds: the reasons are those of a subject
                    // meeting the criteria and holding the title.
                    s.first = digest
                        .first_eligible(&rule.id, limit)
                        .into_iter()
                        .map(|p| judge_flags(rule, SubjectRef::Person(p.id.clone()), &[(year, true, true)]))
                        .collect();
                }
                Subject::Organisation => {
                    for o in &digest.organisations {
                        let history = [(year, o.meets_criteria, o.title_level.is_some())];
                        s.considered += 1;
                        if holds_all(rule, &history) {
                            s.eligible += 1;
                            if s.first.len() < limit {
                                s.first.push(judge_flags(rule, SubjectRef::Organisation(o.code.clone()), &history));
                            }
                        }
                    }
                }
                _ => {}
            }
            s
        })
        .collect()
}

/// Counts of a phase's reward rules over the phase's years, with at most `limit` eligible
/// subjects per rule in full.
pub fn phase_summary(
    plan: &Rulebook,
    engine: &Engine,
    phase_id: &str,
    years: &[YearResults],
    limit: usize,
) -> Vec<RuleSummary> {
    let mut out = Vec::new();
    for rule in plan.rewards.iter().filter(|r| matches!(&r.when, RewardWhen::Phase { phase } if phase == phase_id)) {
        let mut s = RuleSummary { reward: rule.id.clone(), eligible: 0, considered: 0, first: Vec::new() };
        let Some(last) = years.last() else {
            out.push(s);
            continue;
        };
        let earlier: Vec<std::collections::HashMap<&str, (&Evaluation, bool)>> = years
            .iter()
            .map(|y| rows(y, rule.subject).into_iter().map(|r| (r.id, (r.criteria, r.holds))).collect())
            .collect();
        for row in rows(last, rule.subject) {
            let history: Vec<(i32, &Evaluation, bool)> =
                years.iter().zip(&earlier).filter_map(|(y, m)| m.get(row.id).map(|(e, h)| (y.year, *e, *h))).collect();
            s.considered += 1;
            if holds(rule, engine, &history) {
                s.eligible += 1;
                if s.first.len() < limit {
                    s.first.push(judge(rule, engine, row.subject(), &history));
                }
            }
        }
        out.push(s);
    }
    out
}

/// Eligibility under every annual reward rule of the plan rulebook, for one year's results.
///
/// A `meets-group` condition is judged on the subject's whole emulation-criteria result: the plan
/// rulebook has one group per subject (IV.1.1 for collectives, IV.1.2 for individuals).
pub fn annual(plan: &Rulebook, engine: &Engine, results: &YearResults) -> Vec<Eligibility> {
    let mut out = Vec::new();
    for rule in plan.rewards.iter().filter(|r| r.when == RewardWhen::Annual) {
        for row in rows(results, rule.subject) {
            out.push(judge(rule, engine, row.subject(), &[(results.year, row.criteria, row.holds)]));
        }
    }
    out
}

/// Eligibility under the reward rules of a phase, given the results of the phase's years
/// (the last one is the review year).
pub fn phase(plan: &Rulebook, engine: &Engine, phase_id: &str, years: &[YearResults]) -> Vec<Eligibility> {
    let mut out = Vec::new();
    for rule in plan.rewards.iter().filter(|r| matches!(&r.when, RewardWhen::Phase { phase } if phase == phase_id)) {
        let Some(last) = years.last() else { continue };
        let by_year: Vec<std::collections::HashMap<&str, (&Evaluation, bool)>> = years
            .iter()
            .map(|y| rows(y, rule.subject).into_iter().map(|r| (r.id, (r.criteria, r.holds))).collect())
            .collect();
        for row in rows(last, rule.subject) {
            let history: Vec<(i32, &Evaluation, bool)> =
                years.iter().zip(&by_year).filter_map(|(y, m)| m.get(row.id).map(|(e, h)| (y.year, *e, *h))).collect();
            out.push(judge(rule, engine, row.subject(), &history));
        }
    }
    out
}

/// Judges one subject under one rule, given (year, criteria result, holds title) for each year
/// considered; the last entry is the year of the reward.
fn judge(rule: &RewardRule, engine: &Engine, subject: SubjectRef, history: &[(i32, &Evaluation, bool)]) -> Eligibility {
    judge_flags(rule, subject, &flags(engine, history))
}

/// Judges one subject under one rule, given (year, meets the criteria, holds the title) for each
/// year considered; the last entry is the year of the reward.
pub fn judge_flags(rule: &RewardRule, subject: SubjectRef, history: &[(i32, bool, bool)]) -> Eligibility {
    let mut eligible = true;
    let mut reasons = Vec::new();
    for cond in &rule.conditions {
        match cond {
            RewardCondition::MeetsGroup { group } => {
                let failed: Vec<i32> = history.iter().filter(|(_, m, _)| !*m).map(|(y, _, _)| *y).collect();
                let years: Vec<String> = history.iter().map(|(y, _, _)| y.to_string()).collect();
                // "năm 2026" for one year, "các năm 2024, 2025, 2026" for several.
                let nam = |n: usize| if n > 1 { "các năm" } else { "năm" };
                if failed.is_empty() && !history.is_empty() {
                    reasons.push(Text::new(
                        format!("đạt đủ tiêu chí thi đua {group} {} {}", nam(years.len()), years.join(", ")),
                        format!("meets every emulation criterion of {group} in {}", years.join(", ")),
                    ));
                } else {
                    eligible = false;
                    let f: Vec<String> = failed.iter().map(ToString::to_string).collect();
                    reasons.push(Text::new(
                        format!("chưa đạt tiêu chí thi đua {group} {} {}", nam(f.len()), f.join(", ")),
                        format!("does not meet the emulation criteria of {group} in {}", f.join(", ")),
                    ));
                }
            }
            RewardCondition::HoldsTitle { title } => {
                let holds = history.last().is_some_and(|(_, _, h)| *h);
                let year = history.last().map_or(0, |(y, _, _)| *y);
                let name = title.label();
                if holds {
                    reasons.push(Text::new(
                        format!("đạt danh hiệu “{}” năm {year}", name.vi),
                        format!("holds the title “{}” in {year}", name.en),
                    ));
                } else {
                    eligible = false;
                    reasons.push(Text::new(
                        format!("chưa đạt danh hiệu “{}” năm {year}", name.vi),
                        format!("does not hold the title “{}” in {year}", name.en),
                    ));
                }
            }
            _ => {
                eligible = false;
                reasons.push(Text::new("điều kiện chưa được hỗ trợ", "a condition this engine does not know"));
            }
        }
    }
    Eligibility { reward: rule.id.clone(), subject, eligible, reasons, judgement: rule.judgement.clone() }
}
