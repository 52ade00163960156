//! The static check of rulebooks.
//!
//! [`validate`] reports, for one rulebook: duplicate ids; points that do not add up to the stated
//! maximum; thresholds above their maximum (or a share above 100%); version date ranges that are
//! reversed, overlap or leave gaps; citations to unknown plan ids; unknown sources, tags and
//! levels; incomplete bilingual text; and it lists every `assumed` element as a
//! [`Severity::Assumed`] diagnostic with its note. [`validate_set`] adds the checks across
//! rulebooks.

use std::collections::{BTreeMap, BTreeSet};

use chrono::Days;
use rust_decimal::Decimal;

use super::{
    Applicability, Diagnostic, FactSource, Indicator, IndicatorKind, RewardCondition, RewardWhen, Rulebook,
    RulebookSet, Scoring, Severity, Subject, Version,
};
use crate::entity::is_known_tag;
use crate::plan::{Plan, PlanElement};
use crate::source::{Citation, Provenance};
use crate::text::Text;

const HUNDRED: Decimal = Decimal::ONE_HUNDRED;

struct Checker<'a> {
    file: &'a str,
    root: &'a str,
    plan: Option<&'a Plan>,
    out: Vec<Diagnostic>,
    assumed: Vec<(String, Text)>,
}

impl Checker<'_> {
    fn push(&mut self, severity: Severity, rule: &str, code: &'static str, message: String) {
        let rule = if rule.is_empty() { self.root.to_owned() } else { format!("{}/{rule}", self.root) };
        self.out.push(Diagnostic { severity, file: self.file.to_owned(), rule, code, message });
    }

    fn error(&mut self, rule: &str, code: &'static str, message: String) {
        self.push(Severity::Error, rule, code, message);
    }

    fn warn(&mut self, rule: &str, code: &'static str, message: String) {
        self.push(Severity::Warning, rule, code, message);
    }

    fn text(&mut self, rule: &str, what: &str, t: &Text) {
        if t.is_incomplete() {
            self.error(rule, "incomplete-text", format!("the {what} needs both Vietnamese and English text"));
        }
    }

    fn citation(&mut self, rule: &str, c: &Citation) {
        if c.is_empty() {
            self.error(rule, "missing-citation", "the citation names neither a document nor a plan id".to_owned());
        }
        if let Some(id) = &c.plan {
            match self.plan {
                Some(plan) if plan.contains_id(id) => {}
                Some(plan) => self.error(
                    rule,
                    "unknown-plan-id",
                    format!("the citation names plan id `{id}`, which plan `{}` does not have", plan.meta.id),
                ),
                None => self.error(
                    rule,
                    "unknown-plan-id",
                    format!("the citation names plan id `{id}` but the rulebook's plan is not known"),
                ),
            }
        }
    }

    fn provenance(&mut self, rule: &str, p: &Provenance) {
        if let Provenance::Assumed { note } = p {
            if note.is_incomplete() {
                self.error(
                    rule,
                    "incomplete-text",
                    "an `assumed` element needs a note in Vietnamese and English".to_owned(),
                );
            }
            self.push(Severity::Assumed, rule, "assumed", note.en.clone());
            let path = self.out.last().map(|d| d.rule.clone()).unwrap_or_default();
            self.assumed.push((path, note.clone()));
        }
    }

    fn applicability(&mut self, rule: &str, a: &Applicability) {
        for tag in a.any_of.iter().chain(&a.none_of) {
            if !is_known_tag(tag) {
                self.error(
                    rule,
                    "unknown-tag",
                    format!("`{tag}` is not a known subject tag (see docs/rulebook-format.md)"),
                );
            }
        }
    }

    fn duplicates<'s>(&mut self, rule: &str, what: &str, ids: impl IntoIterator<Item = &'s str>) {
        let mut seen: BTreeMap<&str, usize> = BTreeMap::new();
        for id in ids {
            *seen.entry(id).or_default() += 1;
        }
        for (id, n) in seen {
            if n > 1 {
                self.error(rule, "duplicate-id", format!("{what} id `{id}` is used {n} times"));
            }
            if id.trim().is_empty() {
                self.error(rule, "empty-id", format!("a {what} has an empty id"));
            }
        }
    }
}

/// Checks one rulebook. `plans` are the plans whose ids citations may name; the rulebook's own
/// plan is the one whose id matches `[rulebook].plan`, else the first plan given.
pub fn validate(rb: &Rulebook, file: &str, plans: &[&Plan]) -> Vec<Diagnostic> {
    run(rb, file, plans).out
}

fn run<'a>(rb: &'a Rulebook, file: &'a str, plans: &[&'a Plan]) -> Checker<'a> {
    let h = &rb.rulebook;
    let plan = match &h.plan {
        Some(id) => plans.iter().copied().find(|p| &p.meta.id == id),
        None => plans.first().copied(),
    };
    let mut c = Checker { file, root: &h.id, plan, out: Vec::new(), assumed: Vec::new() };
    if let (Some(id), None) = (&h.plan, plan) {
        c.error("", "unknown-plan", format!("the rulebook names plan `{id}`, which is not loaded"));
    }
    if h.id.is_empty()
        || !h.id.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '-' || ch == '.')
    {
        c.error(
            "",
            "bad-id",
            format!("the rulebook id `{}` must be lower-case ASCII letters, digits, `-` and `.`", h.id),
        );
    }
    c.text("", "title", &h.title);
    c.citation("", &h.citation);
    c.provenance("", &h.provenance);

    check_groups(&mut c, rb);
    check_versions(&mut c, rb);
    check_targets(&mut c, rb);
    check_rewards(&mut c, rb);
    check_reporting(&mut c, rb);
    c
}

fn check_groups(c: &mut Checker<'_>, rb: &Rulebook) {
    c.duplicates("groups", "group", rb.groups.iter().map(|g| g.id.as_str()));
    c.duplicates("groups", "indicator", rb.indicators().map(|(_, i)| i.id.as_str()));
    let level_numbers: BTreeSet<u8> = rb
        .versions
        .iter()
        .filter_map(|v| match &v.scoring {
            Scoring::Levels(l) => Some(l.levels.iter().map(|l| l.level)),
            _ => None,
        })
        .flatten()
        .collect();
    for g in &rb.groups {
        let gp = format!("groups/{}", g.id);
        c.text(&gp, "group title", &g.title);
        c.citation(&gp, &g.citation);
        c.provenance(&gp, &g.provenance);
        if rb.subject_of(g).is_none() {
            c.error(
                &gp,
                "missing-subject",
                "neither the group nor the rulebook says who is evaluated (`subject`)".to_owned(),
            );
        }
        if g.indicators.is_empty() {
            c.error(&gp, "empty-group", "the group has no indicators".to_owned());
        }
        for i in &g.indicators {
            check_indicator(c, &format!("{gp}/indicators/{}", i.id), i, &level_numbers);
        }
        if let Some(max) = g.max {
            let sum: Decimal = g.indicators.iter().filter_map(|i| i.max).sum();
            if sum != max {
                c.error(
                    &gp,
                    "points-sum",
                    format!("the indicators' maxima add up to {sum}, not the group's max of {max}"),
                );
            }
        }
    }
}

fn check_indicator(c: &mut Checker<'_>, p: &str, i: &Indicator, level_numbers: &BTreeSet<u8>) {
    c.text(p, "indicator title", &i.title);
    c.citation(p, &i.citation);
    c.provenance(p, &i.provenance);
    if let Some(a) = &i.applies_to {
        c.applicability(p, a);
    }
    let source = match i.source.as_deref().map(FactSource::parse) {
        None => FactSource::Recorded,
        Some(Ok(s)) => s,
        Some(Err(e)) => {
            c.error(p, "unknown-source", e);
            FactSource::Recorded
        }
    };
    let needs_share = source.is_share();
    match i.kind {
        IndicatorKind::Share if !needs_share && source != FactSource::Recorded => {
            c.error(p, "source-kind", format!("source `{source}` gives a yes/no fact, but the indicator is a share"))
        }
        IndicatorKind::YesNo if needs_share => {
            c.error(p, "source-kind", format!("source `{source}` gives a share, but the indicator is yes/no"))
        }
        IndicatorKind::Score | IndicatorKind::Count | IndicatorKind::Deadline if source != FactSource::Recorded => {
            c.error(p, "source-kind", format!("a {} indicator can only be recorded, not `{source}`", i.kind.id()));
        }
        _ => {}
    }
    match i.kind {
        IndicatorKind::Score => match i.max {
            None => c.error(p, "missing-max", "a score indicator needs `max`".to_owned()),
            Some(m) if m <= Decimal::ZERO => c.error(p, "bad-max", format!("`max` must be above 0, not {m}")),
            Some(_) => {}
        },
        _ if i.max.is_some() => {
            c.error(p, "unexpected-field", format!("`max` applies only to scores, not {}", i.kind.id()))
        }
        _ => {}
    }
    if i.precision.is_some_and(|d| d > 4) {
        c.error(p, "bad-precision", "`precision` may be at most 4 decimal places".to_owned());
    }
    if i.precision.is_some() && i.kind != IndicatorKind::Score {
        c.error(p, "unexpected-field", "`precision` applies only to scores".to_owned());
    }
    match (i.kind, i.deadline) {
        (IndicatorKind::Deadline, None) => {
            c.error(p, "missing-deadline", "a deadline indicator needs `deadline`".to_owned())
        }
        (IndicatorKind::Deadline, Some(d)) if d.in_year(2024).is_none() || d.in_year(2023).is_none() => {
            c.error(p, "bad-date", format!("{}/{} is not a day of every year", d.day, d.month));
        }
        (IndicatorKind::Deadline, Some(_)) => {}
        (_, Some(_)) => c.error(p, "unexpected-field", "`deadline` applies only to deadline indicators".to_owned()),
        (_, None) => {}
    }
    if i.kind == IndicatorKind::Share && i.thresholds.iter().all(|t| t.min.is_none()) {
        c.error(p, "missing-threshold", "a share indicator needs a threshold with `min`".to_owned());
    }
    if i.kind == IndicatorKind::Count && i.thresholds.iter().all(|t| t.min.is_none()) {
        c.error(p, "missing-threshold", "a count indicator needs a threshold with `min`".to_owned());
    }
    let mut levels_seen = BTreeSet::new();
    for t in &i.thresholds {
        let tp = match t.level {
            Some(l) => format!("{p}/thresholds/level-{l}"),
            None => format!("{p}/thresholds/all-levels"),
        };
        if !levels_seen.insert(t.level) {
            c.error(&tp, "duplicate-id", "two thresholds are given for the same level".to_owned());
        }
        if let Some(l) = t.level
            && !level_numbers.contains(&l)
        {
            c.error(&tp, "unknown-level", format!("level {l} is not a level of any version's scoring"));
        }
        if let Some(cit) = &t.citation {
            c.citation(&tp, cit);
        }
        if let Some(pr) = &t.provenance {
            c.provenance(&tp, pr);
        }
        if let Some(a) = &t.applies_to {
            c.applicability(&tp, a);
        }
        if let Some(min) = t.min {
            if min < Decimal::ZERO {
                c.error(&tp, "threshold-range", format!("the threshold {min} is below 0"));
            }
            match i.kind {
                IndicatorKind::Share if min > HUNDRED => {
                    c.error(&tp, "threshold-above-max", format!("the share threshold {min}% is above 100%"));
                }
                IndicatorKind::Score => {
                    if let Some(max) = i.max
                        && min > max
                    {
                        c.error(
                            &tp,
                            "threshold-above-max",
                            format!("the floor {min} is above the indicator's max of {max}"),
                        );
                    }
                }
                IndicatorKind::Count if min.fract() != Decimal::ZERO => {
                    c.error(&tp, "threshold-range", format!("a count threshold must be whole, not {min}"));
                }
                IndicatorKind::YesNo | IndicatorKind::Deadline => {
                    c.error(&tp, "unexpected-field", format!("a {} indicator takes no `min`", i.kind.id()));
                }
                _ => {}
            }
        }
    }
}

fn check_versions(c: &mut Checker<'_>, rb: &Rulebook) {
    c.duplicates("versions", "version", rb.versions.iter().map(|v| v.id.as_str()));
    if rb.versions.is_empty() {
        c.error("versions", "no-version", "the rulebook has no version".to_owned());
    }
    let total_max: Decimal = rb.indicators().filter_map(|(_, i)| i.max).sum();
    for v in &rb.versions {
        let vp = format!("versions/{}", v.id);
        c.citation(&vp, &v.citation);
        c.provenance(&vp, &v.provenance);
        if v.valid_to.is_some_and(|to| to < v.valid_from) {
            c.error(&vp, "version-range", "`valid_to` is before `valid_from`".to_owned());
        }
        check_scoring(c, rb, v, &vp, total_max);
        if let Some(r) = &v.recognition {
            let rp = format!("{vp}/recognition");
            c.citation(&rp, &r.citation);
            c.provenance(&rp, &r.provenance);
            for d in [r.dossier_deadline, r.decision_deadline].into_iter().flatten() {
                if d.in_year(2023).is_none() || d.in_year(2024).is_none() {
                    c.error(&rp, "bad-date", format!("{}/{} is not a day of every year", d.day, d.month));
                }
            }
            if let Some(d) = &r.distinction {
                c.text(&rp, "distinction label", &d.label);
                if d.consecutive_years < 2 {
                    c.error(&rp, "bad-distinction", "a distinction needs at least 2 consecutive years".to_owned());
                }
            }
        }
    }
    // Overlaps and gaps, in date order.
    let mut sorted: Vec<&Version> = rb.versions.iter().collect();
    sorted.sort_by_key(|v| v.valid_from);
    for pair in sorted.windows(2) {
        let (a, b) = (pair[0], pair[1]);
        let vp = format!("versions/{}", b.id);
        match a.valid_to {
            None => {
                c.error(&vp, "version-overlap", format!("version `{}` is open-ended, so `{}` overlaps it", a.id, b.id))
            }
            Some(to) if to >= b.valid_from => c.error(
                &vp,
                "version-overlap",
                format!("overlaps version `{}` ({} to {to}) from {}", a.id, a.valid_from, b.valid_from),
            ),
            Some(to) => {
                if to.checked_add_days(Days::new(1)) != Some(b.valid_from) {
                    c.error(
                        &vp,
                        "version-gap",
                        format!(
                            "leaves a gap after version `{}`: it ends {to} but `{}` starts {}",
                            a.id, b.id, b.valid_from
                        ),
                    );
                }
            }
        }
    }
}

fn check_scoring(c: &mut Checker<'_>, rb: &Rulebook, v: &Version, vp: &str, total_max: Decimal) {
    let sp = format!("{vp}/scoring");
    match &v.scoring {
        Scoring::Points(s) => {
            c.citation(&sp, &s.citation);
            c.provenance(&sp, &s.provenance);
            c.text(&sp, "fail label", &s.fail.label);
            for (_, i) in rb.indicators() {
                if i.kind != IndicatorKind::Score {
                    c.error(
                        &format!("groups/indicators/{}", i.id),
                        "kind-shape",
                        format!("a points shape scores only `score` indicators, not {}", i.kind.id()),
                    );
                }
            }
            if total_max != s.max_total {
                c.error(
                    &sp,
                    "points-sum",
                    format!(
                        "the indicators' maxima add up to {total_max}, not the stated max_total of {}",
                        s.max_total
                    ),
                );
            }
            let group_max: Option<Decimal> = rb.groups.iter().map(|g| g.max).sum();
            if let Some(gm) = group_max
                && gm != s.max_total
            {
                c.error(
                    &sp,
                    "points-sum",
                    format!("the groups' maxima add up to {gm}, not the stated max_total of {}", s.max_total),
                );
            }
            c.duplicates(&sp, "band", s.bands.iter().map(|b| b.id.as_str()).chain([s.fail.id.as_str()]));
            if s.bands.is_empty() {
                c.error(&sp, "no-band", "a points shape needs at least one band".to_owned());
            }
            let smallest_max = rb.indicators().filter_map(|(_, i)| i.max).min();
            for w in s.bands.windows(2) {
                if w[1].min_total >= w[0].min_total {
                    c.error(
                        &sp,
                        "band-order",
                        format!("band `{}` must come after bands with a higher min_total", w[0].id),
                    );
                }
            }
            for b in &s.bands {
                let bp = format!("{sp}/bands/{}", b.id);
                c.text(&bp, "band label", &b.label);
                if let Some(cit) = &b.citation {
                    c.citation(&bp, cit);
                }
                if let Some(pr) = &b.provenance {
                    c.provenance(&bp, pr);
                }
                if b.min_total > s.max_total {
                    c.error(
                        &bp,
                        "threshold-above-max",
                        format!("min_total {} is above max_total {}", b.min_total, s.max_total),
                    );
                }
                if b.min_total < Decimal::ZERO {
                    c.error(&bp, "threshold-range", format!("min_total {} is below 0", b.min_total));
                }
                if let (Some(f), Some(m)) = (b.floor, smallest_max)
                    && f > m
                {
                    c.error(&bp, "threshold-above-max", format!("the floor {f} is above an indicator's max of {m}"));
                }
            }
        }
        Scoring::Levels(s) => {
            c.citation(&sp, &s.citation);
            c.provenance(&sp, &s.provenance);
            c.text(&sp, "fail label", &s.fail.label);
            c.duplicates(&sp, "level", s.levels.iter().map(|l| l.id.as_str()).chain([s.fail.id.as_str()]));
            for (n, l) in s.levels.iter().enumerate() {
                c.text(&format!("{sp}/levels/{}", l.id), "level label", &l.label);
                if usize::from(l.level) != n + 1 {
                    c.error(
                        &sp,
                        "level-order",
                        format!("levels must be numbered 1, 2, … in order; found {} at position {}", l.level, n + 1),
                    );
                }
            }
            if s.levels.is_empty() {
                c.error(&sp, "no-level", "a levels shape needs at least one level".to_owned());
            }
            let top = s.levels.len();
            for (_, i) in rb.indicators() {
                for t in &i.thresholds {
                    if t.level.is_some_and(|l| usize::from(l) > top) {
                        c.error(
                            &format!("groups/indicators/{}", i.id),
                            "unknown-level",
                            format!(
                                "a threshold is set for level {} but version `{}` has {top} level(s)",
                                t.level.unwrap_or(0),
                                v.id
                            ),
                        );
                    }
                }
            }
        }
    }
}

fn check_targets(c: &mut Checker<'_>, rb: &Rulebook) {
    c.duplicates("targets", "target", rb.targets.iter().map(|t| t.id.as_str()));
    for t in &rb.targets {
        let tp = format!("targets/{}", t.id);
        c.text(&tp, "target title", &t.title);
        c.citation(&tp, &t.citation);
        c.provenance(&tp, &t.provenance);
        if t.share <= Decimal::ZERO || t.share > HUNDRED {
            c.error(
                &tp,
                "threshold-above-max",
                format!("the target share {}% must be above 0 and at most 100%", t.share),
            );
        }
        if let Some(PlanElement::Target(pt)) = c.plan.and_then(|p| p.find(&t.id))
            && (pt.share != t.share || pt.by_year != t.by_year)
        {
            c.error(
                &tp,
                "plan-mismatch",
                format!("the plan says {}% by {}, the rulebook {}% by {}", pt.share, pt.by_year, t.share, t.by_year),
            );
        }
        let mut years = BTreeSet::new();
        for m in &t.milestones {
            let mp = format!("{tp}/milestones/{}", m.year);
            c.citation(&mp, &m.citation);
            c.provenance(&mp, &m.provenance);
            if m.share < Decimal::ZERO || m.share > HUNDRED {
                c.error(&mp, "threshold-above-max", format!("the milestone share {}% is outside 0–100%", m.share));
            }
            if m.year > t.by_year {
                c.warn(
                    &mp,
                    "milestone-after-target",
                    format!("the milestone year {} is after the target year {}", m.year, t.by_year),
                );
            }
            if !years.insert((m.year, m.scope as u8)) {
                c.error(&mp, "duplicate-id", format!("two milestones of the same scope in {}", m.year));
            }
        }
    }
}

fn check_rewards(c: &mut Checker<'_>, rb: &Rulebook) {
    c.duplicates("rewards", "reward", rb.rewards.iter().map(|r| r.id.as_str()));
    for r in &rb.rewards {
        let rp = format!("rewards/{}", r.id);
        c.text(&rp, "reward title", &r.title);
        c.text(&rp, "reward form", &r.form);
        c.citation(&rp, &r.citation);
        c.provenance(&rp, &r.provenance);
        if let RewardWhen::Phase { phase } = &r.when
            && !matches!(c.plan.and_then(|p| p.find(phase)), Some(PlanElement::Phase(_)))
        {
            c.error(&rp, "unknown-plan-id", format!("phase `{phase}` is not a phase of the plan"));
        }
        if r.conditions.is_empty() {
            c.error(&rp, "no-condition", "a reward rule needs at least one condition".to_owned());
        }
        for cond in &r.conditions {
            match cond {
                RewardCondition::MeetsGroup { group } => match rb.groups.iter().find(|g| &g.id == group) {
                    None => c.error(
                        &rp,
                        "unknown-group",
                        format!("condition names group `{group}`, which the rulebook does not have"),
                    ),
                    Some(g) if rb.subject_of(g) != Some(r.subject) => c.error(
                        &rp,
                        "subject-mismatch",
                        format!(
                            "group `{group}` evaluates {:?}, but the reward is for {:?}",
                            rb.subject_of(g),
                            r.subject
                        ),
                    ),
                    Some(_) => {}
                },
                RewardCondition::HoldsTitle { title } => {
                    if !title.subjects().contains(&r.subject) {
                        c.error(&rp, "subject-mismatch", format!("a {:?} cannot hold the title `{title}`", r.subject));
                    }
                }
            }
        }
    }
}

fn check_reporting(c: &mut Checker<'_>, rb: &Rulebook) {
    c.duplicates("reporting", "reporting", rb.reporting.iter().map(|r| r.id.as_str()));
    for r in &rb.reporting {
        let rp = format!("reporting/{}", r.id);
        c.text(&rp, "reporting title", &r.title);
        c.citation(&rp, &r.citation);
        c.provenance(&rp, &r.provenance);
        if r.deadline.in_year(2023).is_none() || r.deadline.in_year(2024).is_none() {
            c.error(&rp, "bad-date", format!("{}/{} is not a day of every year", r.deadline.day, r.deadline.month));
        }
        if let Some(PlanElement::AnnualReporting(a)) = c.plan.and_then(|p| p.find(&r.id))
            && (a.deadline.month, a.deadline.day, a.deadline.year_offset)
                != (r.deadline.month, r.deadline.day, r.deadline.year_offset)
        {
            c.error(&rp, "plan-mismatch", "the deadline differs from the plan's".to_owned());
        }
    }
}

/// Every `assumed` element of a rulebook, as (rule path, note), in file order.
pub(super) fn assumed_items(rb: &Rulebook) -> Vec<(String, Text)> {
    run(rb, "", &[]).assumed
}

/// Checks a set of rulebooks: every rulebook's own diagnostics, duplicate rulebook ids, and no two
/// rulebooks deciding the same title for the same subject in force on the same day.
pub fn validate_set(set: &RulebookSet) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    let mut seen: BTreeMap<&str, &str> = BTreeMap::new();
    for b in set.iter() {
        if let Some(first) = seen.insert(b.rulebook.id(), &b.origin) {
            out.push(Diagnostic {
                severity: Severity::Error,
                file: b.origin.clone(),
                rule: b.rulebook.id().to_owned(),
                code: "duplicate-rulebook",
                message: format!("the rulebook id is also used by {first}"),
            });
        }
    }
    let books: Vec<_> = set.iter().collect();
    for (n, a) in books.iter().enumerate() {
        for b in books.iter().skip(n + 1) {
            let (ra, rb) = (&a.rulebook, &b.rulebook);
            let Some(title) = ra.rulebook.decides.filter(|t| Some(*t) == rb.rulebook.decides) else { continue };
            let subjects =
                |r: &Rulebook| -> BTreeSet<Subject> { r.groups.iter().filter_map(|g| r.subject_of(g)).collect() };
            if subjects(ra).is_disjoint(&subjects(rb)) {
                continue;
            }
            let (Some((fa, ta)), Some((fb, tb))) = (ra.in_force(), rb.in_force()) else { continue };
            let overlap = ta.is_none_or(|ta| fb <= ta) && tb.is_none_or(|tb| fa <= tb);
            if overlap {
                out.push(Diagnostic {
                    severity: Severity::Error,
                    file: b.origin.clone(),
                    rule: rb.id().to_owned(),
                    code: "regime-overlap",
                    message: format!(
                        "decides `{title}` for the same subjects on days when `{}` is also in force",
                        ra.id()
                    ),
                });
            }
        }
    }
    out
}
