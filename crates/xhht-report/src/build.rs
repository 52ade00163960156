//! Building a report model from records and evaluation results.

use std::collections::{BTreeMap, HashMap, HashSet};

use chrono::NaiveDate;
use rust_decimal::{Decimal, RoundingStrategy};
use xhht_core::area::{AdminArea, AreaRegistry, Succession};
use xhht_core::entity::{Organisation, Person};
use xhht_core::issuer::Issuer;
use xhht_core::plan::{DutyRole, Plan};
use xhht_core::record::{
    DecisionOutcome, DutyReport, Recognition, ReportKind as SubmissionKind, ReportSubmission, RewardProposal,
    SubjectRef, VerificationOutcome,
};
use xhht_core::rulebook::{MilestoneScope, Rulebook, Subject};
use xhht_core::{Lang, Text, Title};
use xhht_scoring::digest::{Limits, ListScope, YearDigest};
use xhht_scoring::rewards;
use xhht_scoring::targets::{Tally, TallyIndex, attainment, attainment_under, tally_digest};
use xhht_scoring::year::{PLAN_RULEBOOK, YearEngines, YearResults};

use crate::error::{Error, Result};
use crate::model::*;

mod heading;
mod names;
mod sections;

pub use names::with_names;

use heading::{issuer_for, scope_name};
use sections::{actor_sections, deadline_section, proposal_rows, rewards_section, titles_section};

/// The records a report reads (all years; the builder picks what it needs).
#[derive(Debug, Clone, Copy)]
pub struct Records<'a> {
    /// Administrative areas.
    pub areas: &'a [AdminArea],
    /// Successions between areas.
    pub successions: &'a [Succession],
    /// Organisations.
    pub organisations: &'a [Organisation],
    /// People.
    pub people: &'a [Person],
    /// Recognitions.
    pub recognitions: &'a [Recognition],
    /// Report submissions.
    pub submissions: &'a [ReportSubmission],
    /// What actors reported, duty by duty.
    pub duty_reports: &'a [DutyReport],
    /// Reward proposals with their verification and decision.
    pub reward_proposals: &'a [RewardProposal],
}

/// What report to build.
#[derive(Debug, Clone)]
pub struct Options {
    /// Annual or a phase review.
    pub kind: ReportKind,
    /// The data year (for a phase review, the phase's last year).
    pub year: i32,
    /// The day deadlines are judged on ("today", given explicitly).
    pub as_of: NaiveDate,
    /// What to cover.
    pub scope: Scope,
    /// A notice to print first (e.g. that the data is synthetic).
    pub notice: Option<Text>,
    /// Who issues it: a letterhead for this scope (its `scope` set), taken as it is, or the
    /// whole area's in force on `as_of` (absent: the embedded default of the Cần Đước plan for
    /// that day, [`xhht_core::issuer::Issuers::can_duoc`]), which a commune's, an
    /// organisation's or an actor's report replaces with its own body's.
    pub issuer: Option<Issuer>,
}

fn share(met: u64, of: u64) -> Option<Decimal> {
    (of > 0).then(|| {
        (Decimal::from(met) * Decimal::ONE_HUNDRED / Decimal::from(of))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    })
}

fn count(met: u64, of: u64) -> Count {
    Count { met, of, share: share(met, of) }
}

fn from_tally(t: Tally) -> Count {
    count(t.numerator, t.denominator)
}

/// The limits of the lists a digest must carry for a report.
pub const DIGEST_LIMITS: Limits = Limits { unmet: UNMET_LIMIT, eligible: ELIGIBLE_LIMIT as usize };

/// Digests a year's results for reports: the people proposed for rewards in `records` are those
/// whose organisation the digest remembers.
pub fn digest(results: &YearResults, records: &Records<'_>, engines: &YearEngines) -> Result<YearDigest> {
    YearDigest::of_year(results, engines, records.organisations, records.reward_proposals, DIGEST_LIMITS)
        .map_err(|e| Error::Input(e.to_string()))
}

/// Which organisations a scope covers.
struct ScopeFilter<'a> {
    orgs: HashSet<&'a str>,
}

impl<'a> ScopeFilter<'a> {
    fn new(scope: &Scope, records: &Records<'a>, registry: &AreaRegistry, day: NaiveDate) -> Self {
        let orgs = records
            .organisations
            .iter()
            .filter(|o| match scope {
                Scope::District => true,
                Scope::Organisation { code } => o.code == *code,
                Scope::Actor { id } => o.actor.as_deref() == Some(id.as_str()),
                Scope::Area { code } => {
                    o.area == *code || registry.resolve_on(&o.area, day).iter().any(|a| a.code == *code)
                }
            })
            .map(|o| o.code.as_str())
            .collect();
        Self { orgs }
    }

    fn org(&self, code: &str) -> bool {
        self.orgs.contains(code)
    }
}

/// Keeps the results of a year that fall in the scope (borrowed as they are for the district).
fn scoped<'r>(results: &'r YearResults, filter: &ScopeFilter<'_>, scope: &Scope) -> std::borrow::Cow<'r, YearResults> {
    if *scope == Scope::District {
        return std::borrow::Cow::Borrowed(results);
    }
    std::borrow::Cow::Owned(YearResults {
        year: results.year,
        people: results
            .people
            .iter()
            .filter(|p| p.organisation.as_deref().is_some_and(|o| filter.org(o)))
            .cloned()
            .collect(),
        organisations: results.organisations.iter().filter(|o| filter.org(&o.code)).cloned().collect(),
    })
}

/// Refuses a scope that names nothing on record ([`Error::UnknownScope`]): an area must be in
/// `records.areas` (whatever its validity: a commune merged in 2025 is still a scope), an
/// organisation in `records.organisations`, an actor among the plan's. [`build`] and
/// [`build_from_digests`] check it first; a caller may check it earlier, before it loads or
/// caches anything for the scope.
pub fn check_scope(scope: &Scope, records: &Records<'_>, plan: &Plan) -> Result<()> {
    let known = match scope {
        Scope::District => true,
        Scope::Area { code } => records.areas.iter().any(|a| a.code == *code),
        Scope::Organisation { code } => records.organisations.iter().any(|o| o.code == *code),
        Scope::Actor { id } => plan.actor(id).is_some(),
    };
    if known {
        return Ok(());
    }
    let scope = match scope {
        Scope::District => "district".to_owned(),
        Scope::Area { code } => format!("commune:{code}"),
        Scope::Organisation { code } => format!("org:{code}"),
        Scope::Actor { id } => format!("actor:{}", id.strip_prefix("actor.").unwrap_or(id)),
    };
    Err(Error::UnknownScope { scope })
}

/// Builds a report. `results` holds the evaluation of every data year from the first one up to
/// the report's year (any order); the builder uses each year's for the series. A scope that
/// names nothing on record is refused ([`check_scope`]).
pub fn build(
    records: &Records<'_>,
    results: &[YearResults],
    engines: &YearEngines,
    plan: &Plan,
    opts: &Options,
) -> Result<Report> {
    check_scope(&opts.scope, records, plan)?;
    let registry = registry(records)?;
    let filter = ScopeFilter::new(&opts.scope, records, &registry, year_end(opts.year)?);
    // Digested in scope: the digest's list of everyone is the scope's.
    let digests: Vec<YearDigest> = results
        .iter()
        .filter(|r| r.year <= opts.year)
        .map(|r| digest(&scoped(r, &filter, &opts.scope), records, engines))
        .collect::<Result<_>>()?;
    let phase_rewards = match opts.kind {
        ReportKind::Annual => None,
        _ => {
            // The phase's rewards look at each person's history over the phase: they are
            // judged from the results, not from digests.
            let rules = &engines.set.get(PLAN_RULEBOOK).map_err(|e| Error::Input(e.to_string()))?.rulebook;
            let from_year = from_year(plan, opts);
            let phase = plan.phase_of(opts.year).map(|p| p.id.clone()).unwrap_or_default();
            let mut years: Vec<YearResults> = results
                .iter()
                .filter(|r| (from_year..=opts.year).contains(&r.year))
                .map(|r| scoped(r, &filter, &opts.scope).into_owned())
                .collect();
            years.sort_by_key(|r| r.year);
            let limit = usize::try_from(ELIGIBLE_LIMIT).unwrap_or(usize::MAX);
            Some(rewards::phase_summary(rules, &engines.plan, &phase, &years, limit))
        }
    };
    let lists = |l: &ListScope| *l == ListScope::All;
    let scope = Scoping { registry: &registry, filter: &filter, lists: &lists };
    let mut report = build_inner(records, &digests, phase_rewards, &scope, engines, plan, opts)?;
    report.fill_names(records.people);
    Ok(report)
}

/// Builds an annual report from the digests of every data year from the first one up to the
/// report's year (any order; see [`digest`]) instead of the results. The people listed are
/// named from `records.people`; with an empty register, ask [`Report::unnamed_people`] and
/// call [`Report::fill_names`]. A phase review judges each person's history over the phase,
/// and a digest lists people for everyone, by area and by actor but not by organisation: both
/// need the results ([`build`]) and are refused here, as is a scope that names nothing on
/// record ([`check_scope`]).
pub fn build_from_digests(
    records: &Records<'_>,
    digests: &[YearDigest],
    engines: &YearEngines,
    plan: &Plan,
    opts: &Options,
) -> Result<Report> {
    check_scope(&opts.scope, records, plan)?;
    if opts.kind != ReportKind::Annual {
        return Err(Error::Input(
            "a phase review judges each person's history over the phase: build it from the results".into(),
        ));
    }
    if let Some(d) = digests.iter().find(|d| d.limits.unmet < UNMET_LIMIT || d.limits.eligible < DIGEST_LIMITS.eligible)
    {
        return Err(Error::Input(format!("the digest of {} lists fewer people than a report shows", d.year)));
    }
    if matches!(opts.scope, Scope::Organisation { .. }) {
        return Err(Error::Input(
            "a digest does not list people by organisation: build one organisation's report from the results".into(),
        ));
    }
    let registry = registry(records)?;
    let day = year_end(opts.year)?;
    let filter = ScopeFilter::new(&opts.scope, records, &registry, day);
    // The lists that cover exactly the scope's people.
    let lists = |l: &ListScope| match (&opts.scope, l) {
        (Scope::District, ListScope::All) => true,
        (Scope::Actor { id }, ListScope::Actor(a)) => a == id,
        (Scope::Area { code }, ListScope::Area(a)) => {
            a == code || registry.resolve_on(a, day).iter().any(|r| r.code == *code)
        }
        _ => false,
    };
    let scope = Scoping { registry: &registry, filter: &filter, lists: &lists };
    let mut report = build_inner(records, digests, None, &scope, engines, plan, opts)?;
    report.fill_names(records.people);
    Ok(report)
}

fn year_end(year: i32) -> Result<NaiveDate> {
    NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::Input(format!("year {year}")))
}

/// The first year a report covers: its year for an annual report, the phase's first year for
/// a preliminary review, the plan's first year for the final review.
fn from_year(plan: &Plan, opts: &Options) -> i32 {
    let year = opts.year;
    match opts.kind {
        ReportKind::Annual => year,
        _ => plan
            .phase_of(year)
            .map_or(year, |p| if opts.kind == ReportKind::PhaseFinal { plan.meta.years[0] } else { p.from_year }),
    }
}

/// The areas, the organisations a report's scope covers, and the digest lists that cover its
/// people.
struct Scoping<'s, 'r> {
    registry: &'s AreaRegistry,
    filter: &'s ScopeFilter<'r>,
    lists: &'s dyn Fn(&ListScope) -> bool,
}

fn registry(records: &Records<'_>) -> Result<AreaRegistry> {
    AreaRegistry::new(records.areas.to_vec(), records.successions.to_vec())
        .map_err(|e| Error::Input(format!("areas: {e}")))
}

fn build_inner(
    records: &Records<'_>,
    digests: &[YearDigest],
    phase_rewards: Option<Vec<rewards::RuleSummary>>,
    scope: &Scoping<'_, '_>,
    engines: &YearEngines,
    plan: &Plan,
    opts: &Options,
) -> Result<Report> {
    let year = opts.year;
    let (registry, filter) = (scope.registry, scope.filter);
    let district = opts.scope == Scope::District;
    let mut by_year: Vec<YearDigest> = digests
        .iter()
        .filter(|d| d.year <= year)
        .map(|d| d.scoped(|o| district || filter.org(o), district, scope.lists))
        .collect();
    by_year.sort_by_key(|d| d.year);
    let this: &YearDigest = by_year
        .iter()
        .find(|d| d.year == year)
        .ok_or_else(|| Error::Input(format!("no evaluation results for {year}")))?;
    let set = engines.set;
    let rules = &set.get(PLAN_RULEBOOK).map_err(|e| Error::Input(e.to_string()))?.rulebook;
    let from_year = from_year(plan, opts);
    let orgs: HashMap<&str, &Organisation> = records.organisations.iter().map(|o| (o.code.as_str(), o)).collect();

    let targets = target_sections(rules, set, &by_year, this, records, registry, year)?;
    let criteria = criteria_section(rules, this, &orgs);
    let titles = titles_section(records, this, filter, &orgs, year);
    let mut rewards = rewards_section(rules, phase_rewards, this, &orgs);
    rewards.proposals = proposal_rows(rules, records.reward_proposals, this, filter, &opts.scope, from_year, year);
    rewards.verifier = sections::acting_as(&orgs, sections::VERIFYING_ACTOR, opts.as_of);
    let deadlines = deadline_section(plan, rules, records, filter, year, opts.as_of, engines)?;
    let mut actors = actor_sections(plan, records, filter, year);
    // After the plan ended, each actor's duties are held by whoever acts as it on the day.
    if plan.in_force().1 < NaiveDate::from_ymd_opt(year, 12, 31).unwrap_or(NaiveDate::MAX) {
        for a in &mut actors {
            a.held_by = Some(sections::acting_as(&orgs, &a.id, opts.as_of));
        }
    }
    let areas = records
        .successions
        .iter()
        .map(|s| AreaChange {
            from: s.from.clone(),
            from_name: registry.get(&s.from).map_or_else(String::new, |a| a.name.clone()),
            to: s.to.clone(),
            to_name: registry.get(&s.to).map_or_else(String::new, |a| a.name.clone()),
            date: s.date,
            kind: match s.kind {
                xhht_core::area::SuccessionKind::Merged => "merged",
                xhht_core::area::SuccessionKind::Renamed => "renamed",
                xhht_core::area::SuccessionKind::Split => "split",
                xhht_core::area::SuccessionKind::TierAbolished => "tier-abolished",
            }
            .to_owned(),
            assumed: s.provenance.is_assumed(),
        })
        .collect();
    let rulebook_ref = |b: &xhht_core::rulebook::LoadedRulebook| {
        let version = b.rulebook.version_for_year(year);
        RulebookRef {
            id: b.rulebook.id().to_owned(),
            version: version.map(|v| v.id.clone()).unwrap_or_default(),
            title: b.rulebook.rulebook.title.clone(),
            document: version.map(|v| document_of(&b.rulebook, v)).unwrap_or_default(),
            content_hash: b.content_hash.clone(),
        }
    };
    let mut rulebooks = Vec::new();
    for id in [PLAN_RULEBOOK, "cong-dan-hoc-tap"] {
        if let Ok(b) = set.get(id) {
            rulebooks.push(rulebook_ref(b));
        }
    }
    if let Some(b) = set.regime_for(Title::DonViHocTap, Subject::Organisation, year) {
        rulebooks.push(rulebook_ref(b));
    }
    let issuer = issuer_for(opts, plan, &orgs);
    let mut report = Report {
        schema: SCHEMA_VERSION,
        kind: opts.kind,
        year,
        from_year,
        as_of: opts.as_of,
        scope_name: scope_name(&opts.scope, plan, registry, &orgs, &issuer),
        scope: opts.scope.clone(),
        plan: (plan.meta.id.clone(), plan.meta.number.clone(), plan.meta.title.clone()),
        plan_until: Some(plan.in_force().1)
            .filter(|until| NaiveDate::from_ymd_opt(year, 12, 31).is_some_and(|end| *until < end)),
        issuer,
        notice: opts.notice.clone(),
        rulebooks,
        targets,
        criteria,
        titles,
        rewards,
        deadlines,
        actors,
        areas,
        people_named: std::collections::BTreeMap::new(),
    };
    names::name_codes(&mut report, records);
    Ok(report)
}

/// The document a rulebook version comes from: a version's own citation names it when the
/// rulebook has several (a pilot guide, then the decision); a single version's cites what ended
/// it, so the rulebook's source names it.
fn document_of(book: &Rulebook, version: &xhht_core::rulebook::Version) -> String {
    if book.versions.len() > 1 {
        version.citation.document.clone().unwrap_or_else(|| book.rulebook.source.document.clone())
    } else {
        book.rulebook.source.document.clone()
    }
}

/// The rules that decide `target`'s title in data year `year`.
fn rules_for(
    target: &xhht_core::rulebook::Target,
    set: &xhht_core::rulebook::RulebookSet,
    year: i32,
) -> Option<RulesRef> {
    use xhht_core::rulebook::Population;
    let subject = match target.population {
        Population::Organisations => Subject::Organisation,
        Population::Households => Subject::Household,
        Population::Staff | Population::Citizens => Subject::Person,
        _ => return None,
    };
    let book = &set.regime_for(target.holds, subject, year)?.rulebook;
    let version = book.version_for_year(year)?;
    Some(RulesRef {
        rulebook: book.id().to_owned(),
        version: version.id.clone(),
        document: document_of(book, version),
        title: book.rulebook.title.clone(),
    })
}

/// The share (percent, 2 places) of the organisations counted by `target` whose title is
/// already held through the target year; `None` for other populations or when none is.
fn projection_floor(target: &xhht_core::rulebook::Target, this: &YearDigest) -> Option<Decimal> {
    use xhht_core::rulebook::Population;
    if target.population != Population::Organisations || this.organisations.is_empty() {
        return None;
    }
    let held = this
        .organisations
        .iter()
        .filter(|o| o.title_level.is_some() && o.title_held_until.is_some_and(|y| y >= target.by_year))
        .count();
    (held > 0).then(|| {
        (Decimal::from(held) * Decimal::ONE_HUNDRED / Decimal::from(this.organisations.len()))
            .round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
            .normalize()
    })
}

/// The changes of rules along a series (each point's rules beside the one before).
fn rules_breaks(points: &[SeriesPoint]) -> Vec<RulesBreak> {
    points
        .windows(2)
        .filter_map(|w| {
            let (a, b) = (w.first()?, w.get(1)?);
            let (from, to) = (a.rules.clone()?, b.rules.clone()?);
            (from.rulebook != to.rulebook || from.version != to.version).then(|| RulesBreak {
                year: b.year,
                note: Text::new(
                    format!(
                        "Từ năm dữ liệu {}, danh hiệu được xét theo {} thay cho {}: số liệu trước và sau năm này không so sánh trực tiếp được.",
                        b.year, to.document, from.document
                    ),
                    format!(
                        "From data year {}, the title is judged under {} instead of {}: figures before and after are not directly comparable.",
                        b.year, to.document, from.document
                    ),
                ),
                from,
                to,
            })
        })
        .collect()
}

fn target_sections(
    rules: &Rulebook,
    set: &xhht_core::rulebook::RulebookSet,
    by_year: &[YearDigest],
    this: &YearDigest,
    records: &Records<'_>,
    registry: &AreaRegistry,
    year: i32,
) -> Result<Vec<TargetSection>> {
    let index = TallyIndex::new(records.organisations);
    let mut series: BTreeMap<String, Vec<(i32, Tally)>> = BTreeMap::new();
    for r in by_year {
        for t in tally_digest(&rules.targets, r, &index) {
            series.entry(t.target.clone()).or_default().push((r.year, t.total));
        }
    }
    let now = tally_digest(&rules.targets, this, &index);
    let year_end = NaiveDate::from_ymd_opt(year, 12, 31).ok_or_else(|| Error::Input(format!("year {year}")))?;
    let mut out = Vec::new();
    for t in &rules.targets {
        let s = series.get(&t.id).cloned().unwrap_or_default();
        let mut points: Vec<SeriesPoint> = s
            .iter()
            .map(|&(y, tl)| SeriesPoint {
                year: y,
                count: from_tally(tl),
                path: attainment(t, &s, y).path,
                rules: rules_for(t, set, y),
            })
            .collect();
        let breaks = rules_breaks(&points);
        // Each year's path starts from the first year under that year's rules.
        for p in &mut points {
            let from = breaks.iter().map(|b| b.year).filter(|b| *b <= p.year).max();
            p.path = attainment_under(t, &s, p.year, from).path;
        }
        // Projected only from the years under this year's rules.
        let comparable_from = breaks.iter().map(|b| b.year).filter(|y| *y <= year).max();
        let a = attainment_under(t, &s, year, comparable_from);
        // A projection never below the share whose titles are already held through the target
        // year (a recognition holds for the years its rulebook gives, e.g. 3 under TT 24/2023).
        let floor = projection_floor(t, this);
        let projection = a.projection.map(|p| floor.map_or(p, |f| p.max(f)));
        let current = now.iter().find(|x| x.target == t.id);
        // By area, as the areas stood at the end of the year: an old commune merged in 2025 is
        // counted in its successor, with a note.
        let mut areas: BTreeMap<String, (Tally, Vec<(String, bool)>)> = BTreeMap::new();
        for (code, tl) in current.map(|c| c.by_area.iter().collect::<Vec<_>>()).unwrap_or_default() {
            let now_codes = registry.resolve_on(code, year_end);
            let key = now_codes.first().map_or_else(|| code.clone(), |a| a.code.clone());
            let e = areas.entry(key.clone()).or_default();
            e.0.numerator += tl.numerator;
            e.0.denominator += tl.denominator;
            if key != *code {
                let old = registry.get(code);
                let district = old.is_some_and(|a| a.level == xhht_core::area::AreaLevel::District);
                e.1.push((old.map_or_else(|| code.clone(), |a| a.name.clone()), district));
            }
        }
        // Communes first; the bodies managed above the commune (a province's, or a district's
        // before 2025) after them, named as such — never as if the province were a commune.
        let mut areas: Vec<_> = areas.into_iter().collect();
        let above =
            |code: &str| registry.get(code).map(|a| a.level).filter(|l| *l != xhht_core::area::AreaLevel::Commune);
        areas.sort_by_key(|(code, _)| above(code).is_some());
        let by_area = areas
            .into_iter()
            .map(|(code, (tl, merged))| {
                let plain = registry.get(&code).map_or_else(|| code.clone(), |a| a.name.clone());
                let label = match above(&code) {
                    Some(xhht_core::area::AreaLevel::Province) => Text::new(
                        format!("Cơ quan, đơn vị cấp tỉnh ({plain})"),
                        format!("Province-level bodies ({plain})"),
                    ),
                    Some(_) => Text::new(
                        format!("Cơ quan, đơn vị cấp huyện ({plain})"),
                        format!("District-level bodies ({plain})"),
                    ),
                    None => Text::new(plain.clone(), plain),
                };
                let join = |district: bool| -> Vec<String> {
                    merged.iter().filter(|m| m.1 == district).map(|m| m.0.clone()).collect()
                };
                let (communes, districts) = (join(false), join(true));
                let mut vi = Vec::new();
                let mut en = Vec::new();
                if !communes.is_empty() {
                    vi.push(format!("gồm {} (sáp nhập 01/07/2025)", communes.join(", ")));
                    en.push(format!("includes {} (merged on 2025-07-01)", communes.join(", ")));
                }
                if !districts.is_empty() {
                    vi.push(format!(
                        "các cơ quan, đơn vị cấp huyện của {} cũ (không còn cấp huyện từ 01/07/2025)",
                        districts.join(", ").replacen("Huyện ", "huyện ", 1)
                    ));
                    en.push(format!(
                        "the district-level bodies of the former {} (no district tier from 2025-07-01)",
                        districts.join(", ")
                    ));
                }
                let note = (!vi.is_empty()).then(|| Text::new(vi.join("; "), en.join("; ")));
                BreakdownRow { key: code, label, note, count: from_tally(tl) }
            })
            .collect();
        let by_kind = current
            .map(|c| {
                c.by_kind
                    .iter()
                    .map(|(k, tl)| BreakdownRow {
                        key: k.clone(),
                        label: kind_label(k),
                        note: None,
                        count: from_tally(*tl),
                    })
                    .collect()
            })
            .unwrap_or_default();
        let milestones = t
            .milestones
            .iter()
            .zip(&a.milestones)
            .map(|(m, check)| MilestoneRow {
                year: m.year,
                share: m.share,
                scope: match m.scope {
                    MilestoneScope::Plan => "plan",
                    MilestoneScope::Provincial => "provincial",
                    MilestoneScope::National => "national",
                }
                .to_owned(),
                met: check.met,
                note: m.note.clone(),
                citation: m.citation.to_string(),
                assumed: m.provenance.is_assumed(),
            })
            .collect();
        out.push(TargetSection {
            id: t.id.clone(),
            title: t.title.clone(),
            target: t.share,
            by_year: t.by_year,
            count: from_tally(a.tally),
            gap: a.gap,
            on_track: a.on_track,
            path: a.path,
            projection,
            projection_floor: floor,
            projection_years: a.projection_years,
            needed_per_year: a.needed_per_year,
            breaks,
            comparable: None,
            series: points,
            milestones,
            by_area,
            by_kind,
        });
    }
    Ok(out)
}

/// The bilingual name of an organisation kind id.
pub fn kind_label(k: &str) -> Text {
    let (vi, en) = match k {
        "agency" => ("Cơ quan, phòng ban", "Departments and agencies"),
        "mass-organisation" => ("Mặt trận, đoàn thể, hội", "Front and mass organisations"),
        "school" => ("Trường học", "Schools"),
        "commune-committee" => ("UBND xã, thị trấn", "Commune People's Committees"),
        "centre" => ("Trung tâm, đơn vị sự nghiệp", "Centres and public service units"),
        "enterprise" => ("Doanh nghiệp", "Enterprises"),
        other => (other, other),
    };
    Text::new(vi, en)
}

fn criteria_section(rules: &Rulebook, this: &YearDigest, orgs: &HashMap<&str, &Organisation>) -> CriteriaSection {
    let rows = |subject: Subject, unmet: &dyn Fn(&str) -> u64, of: u64| -> Vec<CriterionRow> {
        rules
            .indicators()
            .filter(|(g, _)| rules.subject_of(g) == Some(subject))
            .map(|(_, i)| CriterionRow {
                indicator: i.id.clone(),
                cites: i.citation.plan.clone().unwrap_or_default(),
                title: i.title.clone(),
                count: count(of - unmet(&i.id).min(of), of),
            })
            .collect()
    };
    let mut org_unmet: HashMap<&str, u64> = HashMap::new();
    for o in &this.organisations {
        for u in &o.criteria_unmet {
            *org_unmet.entry(u.indicator.as_str()).or_default() += 1;
        }
    }
    let mut person_unmet: HashMap<&str, u64> = HashMap::new();
    for g in &this.groups {
        for (k, n) in &g.unmet {
            *person_unmet.entry(k.as_str()).or_default() += n;
        }
    }
    let n_orgs = this.organisations.len() as u64;
    let n_people = this.people();
    let people_meeting: u64 = this.groups.iter().map(|g| g.meeting_criteria).sum();
    // An indicator by the plan's numbering and its words (its id where the plan does not number it).
    let label = |id: &str| -> Text {
        rules.indicator(id).map_or_else(
            || Text::new(id, id),
            |(_, i)| {
                let cites = i.citation.plan.as_deref().unwrap_or_default();
                let number = |lang| crate::doc::plan_number(cites, lang);
                let (vi, en) = (number(Lang::Vi), number(Lang::En));
                if vi.is_empty() {
                    i.title.clone()
                } else {
                    Text::new(format!("{vi}: {}", i.title.vi), format!("{en}: {}", i.title.en))
                }
            },
        )
    };
    let mut unmet = Vec::new();
    let mut unmet_total = 0u64;
    for o in this.organisations.iter().filter(|o| !o.meets_criteria) {
        unmet_total += 1;
        if unmet.len() < UNMET_LIMIT {
            unmet.push(Unmet {
                subject: "organisation".into(),
                id: o.code.clone(),
                name: orgs.get(o.code.as_str()).map_or_else(String::new, |x| x.name.clone()),
                organisation: None,
                reasons: o.criteria_unmet.iter().map(|u| reason(&label(&u.indicator), u)).collect(),
            });
        }
    }
    unmet_total += n_people - people_meeting.min(n_people);
    for p in this.first_unmet(UNMET_LIMIT.saturating_sub(unmet.len())) {
        unmet.push(Unmet {
            subject: "person".into(),
            id: p.id.clone(),
            name: String::new(),
            organisation: p
                .organisation
                .as_ref()
                .map(|code| orgs.get(code.as_str()).map_or_else(|| code.clone(), |o| o.name.clone())),
            reasons: p.unmet.iter().map(|u| reason(&label(&u.indicator), u)).collect(),
        });
    }
    CriteriaSection {
        collectives_meeting_all: count(this.organisations.iter().filter(|o| o.meets_criteria).count() as u64, n_orgs),
        individuals_meeting_all: count(people_meeting, n_people),
        collective: rows(Subject::Organisation, &|id| org_unmet.get(id).copied().unwrap_or(0), n_orgs),
        individual: rows(Subject::Person, &|id| person_unmet.get(id).copied().unwrap_or(0), n_people),
        unmet,
        unmet_total,
    }
}

/// Why a criterion is not met: the criterion by the plan's numbering and words, then the cause
/// the evaluation found.
fn reason(title: &Text, u: &xhht_scoring::year::Unmet) -> Text {
    match &u.reason {
        Some(r) => Text::new(format!("{} — {}", title.vi, r.vi), format!("{} — {}", title.en, r.en)),
        None => title.clone(),
    }
}

#[cfg(test)]
mod floor_tests {
    use rust_decimal::Decimal;
    use xhht_core::rulebook::RulebookSet;
    use xhht_scoring::digest::{Limits, OrgDigest, YearDigest};

    use super::projection_floor;

    fn org(code: &str, level: Option<u8>, until: Option<i32>) -> OrgDigest {
        OrgDigest {
            code: code.to_owned(),
            meets_criteria: true,
            criteria_unmet: Vec::new(),
            title_level: level,
            title_held_until: until,
            title_decision: None,
        }
    }

    #[test]
    fn titles_held_through_the_target_year_are_the_projections_floor() {
        let rules = &RulebookSet::builtin().get("ke-hoach.can-duoc-2024").unwrap().rulebook;
        let unit = rules.targets.iter().find(|t| t.id == "target.unit-title").unwrap();
        let citizen = rules.targets.iter().find(|t| t.id == "target.citizen-title").unwrap();
        let digest = |orgs| YearDigest {
            format: 0,
            year: 2028,
            limits: Limits { unmet: 0, eligible: 0 },
            organisations: orgs,
            groups: Vec::new(),
            lists: Vec::new(),
            person_organisations: Default::default(),
        };
        // Recognised on 2028 data for 3 years: held through 2030.
        let d = digest(vec![org("A", Some(1), Some(2030)), org("B", Some(1), Some(2029)), org("C", None, None)]);
        assert_eq!(projection_floor(unit, &d), Some(Decimal::new(3333, 2)));
        assert_eq!(projection_floor(citizen, &d), None, "people's titles are judged every year");
        let none = digest(vec![org("B", Some(1), Some(2029))]);
        assert_eq!(projection_floor(unit, &none), None);
    }
}
