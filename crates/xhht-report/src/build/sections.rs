//! The report's later sections built from the year: titles recognised, held and expiring;
//! reward eligibility and where the proposals stand; deadline compliance as of a day; each
//! actor's duties with what it reported.

use super::*;

pub(super) fn titles_section(
    records: &Records<'_>,
    this: &YearDigest,
    filter: &ScopeFilter<'_>,
    orgs: &HashMap<&str, &Organisation>,
    year: i32,
) -> TitlesSection {
    let mut recognised: BTreeMap<(Title, Option<u8>), u64> = BTreeMap::new();
    for r in records.recognitions.iter().filter(|r| r.year() == year) {
        let inside = match r.subject() {
            SubjectRef::Organisation(c) => filter.org(c),
            _ => true,
        };
        if inside {
            *recognised.entry((r.title(), r.level())).or_default() += 1;
        }
    }
    let mut held: BTreeMap<Option<u8>, u64> = BTreeMap::new();
    for o in &this.organisations {
        if let Some(l) = o.title_level {
            *held.entry(Some(l)).or_default() += 1;
        }
    }
    let people_holding: u64 = this.groups.iter().map(|g| g.holding_title).sum();
    let to_rows = |m: BTreeMap<(Title, Option<u8>), u64>| {
        m.into_iter()
            .map(|((t, l), n)| TitleCount { title: t.id().to_owned(), label: t.label(), level: l, count: n })
            .collect::<Vec<_>>()
    };
    let mut held_rows: Vec<TitleCount> = held
        .into_iter()
        .map(|(l, n)| TitleCount {
            title: Title::DonViHocTap.id().into(),
            label: Title::DonViHocTap.label(),
            level: l,
            count: n,
        })
        .collect();
    held_rows.push(TitleCount {
        title: Title::CongDanHocTap.id().into(),
        label: Title::CongDanHocTap.label(),
        level: None,
        count: people_holding,
    });
    let expiring_next_year = this
        .organisations
        .iter()
        .filter(|o| o.title_held_until == Some(year + 1))
        .map(|o| Expiring {
            code: o.code.clone(),
            name: orgs.get(o.code.as_str()).map_or_else(String::new, |x| x.name.clone()),
            level: o.title_level,
            decision: o.title_decision.clone().unwrap_or_default(),
            last_year: year + 1,
        })
        .collect();
    TitlesSection { recognised: to_rows(recognised), held: held_rows, expiring_next_year }
}

pub(super) fn rewards_section(
    rules: &Rulebook,
    phase_rewards: Option<Vec<rewards::RuleSummary>>,
    this: &YearDigest,
    orgs: &HashMap<&str, &Organisation>,
) -> RewardsSection {
    let limit = usize::try_from(ELIGIBLE_LIMIT).unwrap_or(usize::MAX);
    let summaries = phase_rewards.unwrap_or_else(|| rewards::annual_summary_digest(rules, this, limit));
    let rule_rows = summaries
        .iter()
        .filter_map(|s| {
            let r = rules.rewards.iter().find(|r| r.id == s.reward)?;
            Some(RewardRule {
                id: r.id.clone(),
                title: r.title.clone(),
                form: r.form.clone(),
                count: count(s.eligible, s.considered),
            })
        })
        .collect();
    let eligible = summaries
        .iter()
        .flat_map(|s| s.first.iter())
        .map(|e| {
            let (subject, id, name) = match &e.subject {
                SubjectRef::Person(p) => ("person", p.clone(), String::new()),
                SubjectRef::Organisation(o) => {
                    ("organisation", o.clone(), orgs.get(o.as_str()).map_or_else(String::new, |x| x.name.clone()))
                }
                other => ("other", other.id().to_owned(), String::new()),
            };
            RewardRow {
                reward: e.reward.clone(),
                subject: subject.into(),
                id,
                name,
                eligible: true,
                reasons: e.reasons.clone(),
            }
        })
        .collect();
    let judgement = summaries
        .first()
        .and_then(|s| rules.rewards.iter().find(|r| r.id == s.reward))
        .and_then(|r| r.judgement.clone());
    RewardsSection {
        rules: rule_rows,
        eligible,
        eligible_limit: ELIGIBLE_LIMIT,
        judgement,
        proposals: Vec::new(),
        verifier: None,
    }
}

/// Where the proposals of the years `from..=to` stand, per reward, for the subjects in scope (a
/// person by their organisation in this year's results).
pub(super) fn proposal_rows(
    rules: &Rulebook,
    proposals: &[RewardProposal],
    this: &YearDigest,
    filter: &ScopeFilter<'_>,
    scope: &Scope,
    from: i32,
    to: i32,
) -> Vec<ProposalRow> {
    // The digest is cut to the scope: the people it knows the organisation of are in it.
    let in_scope = |s: &SubjectRef| match (scope, s) {
        (Scope::District, _) => true,
        (_, SubjectRef::Person(id)) => this.person_organisations.contains_key(id.as_str()),
        (_, SubjectRef::Organisation(code)) => filter.org(code),
        _ => false,
    };
    let mut rows: BTreeMap<&str, ProposalRow> = BTreeMap::new();
    for p in proposals.iter().filter(|p| (from..=to).contains(&p.year()) && in_scope(p.subject())) {
        let row = rows.entry(p.reward()).or_insert_with(|| ProposalRow {
            reward: p.reward().to_owned(),
            title: rules.rewards.iter().find(|r| r.id == p.reward()).map(|r| r.title.clone()),
            proposed: 0,
            awaiting_verification: 0,
            refused: 0,
            awaiting_decision: 0,
            approved: 0,
            rejected: 0,
        });
        row.proposed += 1;
        match (p.verification().map(|v| v.outcome), p.decision().map(|d| d.outcome)) {
            (None, _) => row.awaiting_verification += 1,
            (Some(VerificationOutcome::Refused), _) => row.refused += 1,
            (Some(VerificationOutcome::Accepted), None) => row.awaiting_decision += 1,
            (Some(VerificationOutcome::Accepted), Some(DecisionOutcome::Approved)) => row.approved += 1,
            (Some(VerificationOutcome::Accepted), Some(DecisionOutcome::Rejected)) => row.rejected += 1,
        }
    }
    rows.into_values().collect()
}

pub(super) fn deadline_section(
    plan: &Plan,
    rules: &Rulebook,
    records: &Records<'_>,
    filter: &ScopeFilter<'_>,
    year: i32,
    as_of: NaiveDate,
    engines: &YearEngines,
) -> Result<DeadlineSection> {
    let rule = rules
        .reporting
        .iter()
        .find(|r| r.id == "reporting.annual")
        .ok_or_else(|| Error::Input("the plan rulebook has no reporting.annual rule".into()))?;
    let due = rule.deadline.in_year(year).ok_or_else(|| Error::Input(format!("no deadline in {year}")))?;
    let last_on_time = rule.reading.last_day(due);
    let reporters: HashSet<&str> = plan.reporting.annual.reporters.iter().map(String::as_str).collect();
    let year_start = NaiveDate::from_ymd_opt(year, 1, 1).unwrap_or(due);
    let mut rows = Vec::new();
    for o in records.organisations.iter().filter(|o| {
        filter.org(&o.code)
            && o.actor.as_deref().is_some_and(|a| reporters.contains(a))
            && o.valid.overlaps(&xhht_core::period::DateRange::new(year_start, Some(due)).unwrap_or(o.valid))
    }) {
        let actor = o.actor.clone().unwrap_or_default();
        let sub = records
            .submissions
            .iter()
            .filter(|s| {
                s.organisation == o.code
                    && s.year == year
                    && s.kind == SubmissionKind::Annual
                    && s.submitted_on <= as_of
            })
            .min_by_key(|s| s.submitted_on);
        let status = match sub {
            Some(s) if rule.reading.is_met(s.submitted_on, due) => DeadlineStatus::OnTime,
            Some(s) => DeadlineStatus::Late { days: (s.submitted_on - last_on_time).num_days() },
            None if as_of > last_on_time => DeadlineStatus::Missing,
            None => DeadlineStatus::NotYetDue,
        };
        rows.push(DeadlineRow {
            actor,
            code: o.code.clone(),
            name: o.name.clone(),
            submitted_on: sub.map(|s| s.submitted_on),
            status,
        });
    }
    let n = |f: fn(&DeadlineStatus) -> bool| rows.iter().filter(|r| f(&r.status)).count() as u64;
    let note = rule.provenance.note();
    let reading = Text::new(
        format!(
            "“{}”: hạn {}; {}",
            plan.reporting.annual.wording.vi,
            rule.reading.describe(due, Lang::Vi),
            note.map_or("", |t| t.vi.as_str())
        ),
        format!(
            "“{}”: due {}; {}",
            plan.reporting.annual.wording.en,
            rule.reading.describe(due, Lang::En),
            note.map_or("", |t| t.en.as_str())
        ),
    );
    let dossier = engines
        .set
        .regime_for(Title::DonViHocTap, Subject::Organisation, year)
        .and_then(|b| b.rulebook.version_for_year(year))
        .and_then(|v| v.recognition.as_ref())
        .and_then(|r| r.dossier_deadline)
        .and_then(|d| d.in_year(year));
    Ok(DeadlineSection {
        as_of,
        due,
        last_on_time,
        reading,
        on_time: n(|s| matches!(s, DeadlineStatus::OnTime)),
        late: n(|s| matches!(s, DeadlineStatus::Late { .. })),
        missing: n(|s| matches!(s, DeadlineStatus::Missing)),
        not_yet_due: n(|s| matches!(s, DeadlineStatus::NotYetDue)),
        rows,
        learning_unit_dossier_due: dossier,
    })
}

pub(super) fn actor_sections(
    plan: &Plan,
    records: &Records<'_>,
    filter: &ScopeFilter<'_>,
    year: i32,
) -> Vec<ActorSection> {
    plan.actors
        .iter()
        .filter(|a| {
            records.organisations.iter().any(|o| filter.org(&o.code) && o.actor.as_deref() == Some(a.id.as_str()))
        })
        .map(|a| {
            let duties: Vec<DutyRow> = a
                .duties
                .iter()
                .map(|d| {
                    let reported = records
                        .duty_reports
                        .iter()
                        .filter(|r| r.year == year && r.duty == d.id && filter.org(&r.organisation))
                        .map(|r| {
                            let label = d
                                .report_fields
                                .iter()
                                .find(|f| f.id == r.field)
                                .map_or_else(|| Text::new(r.field.clone(), r.field.clone()), |f| f.label.clone());
                            (r.organisation.clone(), label, r.value.clone())
                        })
                        .collect();
                    DutyRow {
                        id: d.id.clone(),
                        role: match d.role {
                            DutyRole::Lead => "lead",
                            DutyRole::Coordinate => "coordinate",
                            DutyRole::Perform => "perform",
                        }
                        .to_owned(),
                        text: d.text.clone(),
                        reported,
                    }
                })
                .collect();
            let unreported = duties.iter().filter(|d| d.reported.is_empty()).map(|d| d.id.clone()).collect();
            ActorSection {
                id: a.id.clone(),
                section: a.section.clone(),
                name: a.name.clone(),
                duties,
                unreported,
                held_by: None,
            }
        })
        .collect()
}

/// The plan actor that verifies reward dossiers (plan §IV.2, `actor.phong-noivu`).
pub(super) const VERIFYING_ACTOR: &str = "actor.phong-noivu";

/// The bodies acting as `actor` on `day`, by name, from the organisations on record (their
/// validity is the duty's span: a district office until 30/06/2025, its successor after).
pub(super) fn acting_as(orgs: &HashMap<&str, &Organisation>, actor: &str, day: NaiveDate) -> Option<Text> {
    let mut names: Vec<&str> = orgs
        .values()
        .filter(|o| o.actor.as_deref() == Some(actor) && o.valid.contains(day))
        .map(|o| o.name.as_str())
        .collect();
    names.sort_unstable();
    names.dedup();
    match names.as_slice() {
        [] => None,
        [one] => Some(Text::new(*one, *one)),
        [one, two] => Some(Text::new(format!("{one}, {two}"), format!("{one}, {two}"))),
        [first, rest @ ..] => Some(Text::new(
            format!("{first} và {} cơ quan khác", rest.len()),
            format!("{first} and {} other bodies", rest.len()),
        )),
    }
}
