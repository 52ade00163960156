//! Year digests: what a report needs from a year's results, counted per organisation, without
//! the people one by one.
//!
//! A province's year has millions of [`PersonResult`](crate::year::PersonResult)s; an annual
//! report needs their counts (per target, per criterion, per title, per reward) for a scope —
//! the whole plan area, a commune, an actor's organisations or one organisation, all of them
//! sets of organisations — and the first few hundred people it lists by name. A [`YearDigest`]
//! keeps one [`PeopleGroup`] of counts per organisation (and one for the people in none), so
//! any scope's counts are sums of groups; and [`PeopleLists`] of the first people not meeting
//! the criteria and eligible for each annual reward, in input order, as many as a report lists
//! ([`Limits`]), for everyone, for each area (as recorded on the organisation) and for each
//! actor. A commune's list is the merge of the lists of the areas that make it up at the end of
//! the year, cut at the limit — exact, since no area can give more than the limit to the first
//! of the commune. One organisation's people are not listed (that would be every person
//! again): its report starts from the results.
//!
//! The organisations (thousands, not millions) are kept one by one ([`OrgDigest`]).
//!
//! A digest is plain data (serde): a store can keep it beside the records it was computed from
//! and a report can start from it instead of evaluating the year again (at province size,
//! 3.3 million people, about 11.5 MB of JSON a year). It depends on the plan rulebook (its
//! targets, criteria and rewards): whoever keeps one keys it by [`cache_key`] — the rulebooks'
//! content hashes, the limits and [`DIGEST_FORMAT`].

use std::collections::{BTreeMap, HashMap, HashSet};

use serde::{Deserialize, Serialize};
use xhht_core::entity::Organisation;
use xhht_core::rulebook::{Population, RewardWhen, Rulebook, Subject, TargetCondition};

use crate::engine::Engine;
use crate::eval::Evaluation;
use crate::rewards;
use crate::targets::{FastMap, Tally};
use crate::year::{PLAN_RULEBOOK, Unmet, YearEngines, YearResults};
use xhht_core::record::{RewardProposal, SubjectRef};

/// The version of the digest's shape: a digest of another format is computed again.
pub const DIGEST_FORMAT: u32 = 2;

/// How many subjects a digest lists per group (the most a report shows).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Limits {
    /// Subjects not meeting the emulation criteria.
    pub unmet: usize,
    /// Subjects eligible for each reward.
    pub eligible: usize,
}

/// An organisation's results for the year, as a report reads them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OrgDigest {
    /// The organisation's code.
    pub code: String,
    /// Whether it meets the plan's collective criteria (IV.1.1).
    pub meets_criteria: bool,
    /// The criteria it does not meet, and why (empty when met).
    pub criteria_unmet: Vec<Unmet>,
    /// The level of "Đơn vị học tập" held in the year, if any.
    pub title_level: Option<u8>,
    /// The last data year the held recognition covers.
    pub title_held_until: Option<i32>,
    /// The decision number of the held recognition.
    pub title_decision: Option<String>,
}

/// A person listed by a digest: their position in the year's input and who they are.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ListedPerson {
    /// The position of the person in the year's results (input order).
    pub seq: u64,
    /// The person's id.
    pub id: String,
    /// Their organisation on 31 December (in the lists of people not meeting the criteria).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub organisation: Option<String>,
    /// The criteria not met, and why (empty in eligibility lists).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub unmet: Vec<Unmet>,
}

/// The people of one organisation (or of none), counted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleGroup {
    /// The organisation they belong to on 31 December (`None`: in no organisation).
    pub organisation: Option<String>,
    /// How many people.
    pub people: u64,
    /// How many meet every individual criterion of the plan (IV.1.2).
    pub meeting_criteria: u64,
    /// How many hold "Công dân học tập" for the year.
    pub holding_title: u64,
    /// Per indicator of the plan rulebook: how many do not meet it.
    pub unmet: BTreeMap<String, u64>,
    /// Per target over people (the staff targets): the tally.
    pub targets: BTreeMap<String, Tally>,
    /// Per annual reward for people: how many are eligible (all of `people` are considered).
    pub rewards: BTreeMap<String, u64>,
}

/// Whose people a list covers.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(tag = "kind", content = "code", rename_all = "kebab-case")]
pub enum ListScope {
    /// Everyone (people in no organisation too).
    All,
    /// The people of the organisations whose area is this code (as recorded on the
    /// organisation, before any succession).
    Area(String),
    /// The people of the organisations acting as this actor of the plan.
    Actor(String),
}

/// The first people of a [`ListScope`] a report lists, in input order.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct PeopleLists {
    /// Whose people.
    pub scope: Option<ListScope>,
    /// The first not meeting the criteria, at most [`Limits::unmet`].
    pub unmet: Vec<ListedPerson>,
    /// Per annual reward for people: the first eligible, at most [`Limits::eligible`].
    pub eligible: BTreeMap<String, Vec<ListedPerson>>,
}

impl PeopleLists {
    fn add_unmet(&mut self, limits: Limits, p: impl FnOnce() -> ListedPerson) {
        if self.unmet.len() < limits.unmet {
            self.unmet.push(p());
        }
    }

    fn add_eligible(&mut self, limits: Limits, reward: &str, p: impl FnOnce() -> ListedPerson) {
        let list = match self.eligible.get_mut(reward) {
            Some(l) => l,
            None => self.eligible.entry(reward.to_owned()).or_default(),
        };
        if list.len() < limits.eligible {
            list.push(p());
        }
    }
}

/// What a report needs from a year's results (see the module documentation).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct YearDigest {
    /// [`DIGEST_FORMAT`] when made.
    pub format: u32,
    /// The data year.
    pub year: i32,
    /// How many subjects the groups list.
    pub limits: Limits,
    /// Every organisation existing on 31 December, in input order.
    pub organisations: Vec<OrgDigest>,
    /// The people by organisation, in order of first appearance.
    pub groups: Vec<PeopleGroup>,
    /// The people listed: for everyone, for each area, for each actor (see [`ListScope`]); a
    /// digest cut with [`YearDigest::scoped`] keeps the lists of its scope only.
    pub lists: Vec<PeopleLists>,
    /// For the people asked about when the digest was made (e.g. those proposed for a reward):
    /// their organisation on 31 December (`None` when in none). People absent from the year's
    /// results are absent here.
    pub person_organisations: BTreeMap<String, Option<String>>,
}

/// What a digest depends on besides the records, as one text: the format, the limits and the
/// content hash of every rulebook the year's evaluation used. A digest kept under another key
/// was made by other rules or other code, and is computed again.
pub fn cache_key(engines: &YearEngines, limits: Limits) -> String {
    let mut units: Vec<String> =
        engines.unit.iter().map(|(id, e)| format!("{id}:{}", e.rulebook().content_hash)).collect();
    units.sort_unstable();
    format!(
        "digest-v{DIGEST_FORMAT};unmet={};eligible={};plan={};citizen={};unit={}",
        limits.unmet,
        limits.eligible,
        engines.plan.rulebook().content_hash,
        engines.citizen.rulebook().content_hash,
        units.join(",")
    )
}

/// A group's index and the indexes of its area's and its actor's lists.
type GroupSlots = (usize, Option<usize>, Option<usize>);

fn meets(engine: &Engine, e: &Evaluation) -> bool {
    e.outcome.is_some_and(|o| engine.confers_title(e.version, o))
}

impl YearDigest {
    /// Digests a year's results as a report needs them: with the plan rulebook of `engines`,
    /// remembering the organisation of every person `proposals` name.
    pub fn of_year(
        results: &YearResults,
        engines: &YearEngines,
        organisations: &[Organisation],
        proposals: &[RewardProposal],
        limits: Limits,
    ) -> crate::Result<Self> {
        let plan = &engines
            .set
            .get(PLAN_RULEBOOK)
            .map_err(|e| crate::Error::Unusable {
                rulebook: PLAN_RULEBOOK.to_owned(),
                rule: String::new(),
                message: e.to_string(),
            })?
            .rulebook;
        let noted: HashSet<&str> = proposals
            .iter()
            .filter_map(|p| match p.subject() {
                SubjectRef::Person(id) => Some(id.as_str()),
                _ => None,
            })
            .collect();
        Ok(Self::new(results, plan, &engines.plan, organisations, limits, &noted))
    }

    /// Digests a year's results. `plan` is the plan rulebook and `engine` its compiled engine
    /// (the one the results' `criteria` come from); `organisations` give each organisation's
    /// area and actor (for the lists); `people_of_note` are the people whose organisation the
    /// digest should remember (see [`YearDigest::person_organisations`]).
    pub fn new(
        results: &YearResults,
        plan: &Rulebook,
        engine: &Engine,
        organisations: &[Organisation],
        limits: Limits,
        people_of_note: &HashSet<&str>,
    ) -> Self {
        let org_index: HashMap<&str, &Organisation> = organisations.iter().map(|o| (o.code.as_str(), o)).collect();
        // The lists: everyone's first, then one per area and one per actor.
        let mut lists: Vec<PeopleLists> = vec![PeopleLists { scope: Some(ListScope::All), ..PeopleLists::default() }];
        let mut list_of: HashMap<ListScope, usize> = HashMap::new();
        let mut slot = |scope: ListScope, lists: &mut Vec<PeopleLists>| -> usize {
            *list_of.entry(scope.clone()).or_insert_with(|| {
                lists.push(PeopleLists { scope: Some(scope), ..PeopleLists::default() });
                lists.len() - 1
            })
        };
        let org_digests = results
            .organisations
            .iter()
            .map(|o| OrgDigest {
                code: o.code.clone(),
                meets_criteria: meets(engine, &o.criteria),
                criteria_unmet: o.criteria_unmet.clone(),
                title_level: o.title_level,
                title_held_until: o.title_held_until,
                title_decision: o.title_decision.clone(),
            })
            .collect();
        let staff_targets: Vec<(&str, TargetCondition)> = plan
            .targets
            .iter()
            .filter(|t| t.population == Population::Staff)
            .map(|t| (t.id.as_str(), t.condition))
            .collect();
        let person_rewards: Vec<&xhht_core::rulebook::RewardRule> =
            plan.rewards.iter().filter(|r| r.when == RewardWhen::Annual && r.subject == Subject::Person).collect();
        // Per organisation: its group, and its area's and actor's lists.
        let mut index: FastMap<Option<&str>, GroupSlots> = FastMap::default();
        let mut groups: Vec<PeopleGroup> = Vec::new();
        // The counts of every group side by side, `width` each (people, meeting, holding, then
        // each indicator, each staff target's numerator and denominator, each reward): one
        // place in memory per person instead of a map per count.
        let indicators: Vec<&str> = plan.indicators().map(|(_, i)| i.id.as_str()).collect();
        let (n_ind, n_tgt) = (indicators.len(), staff_targets.len());
        let width = 3 + n_ind + 2 * n_tgt + person_rewards.len();
        let mut counts: Vec<u64> = Vec::new();
        let mut person_organisations = BTreeMap::new();
        for (seq, p) in results.people.iter().enumerate() {
            let seq = seq as u64;
            let org = p.organisation.as_deref();
            let (n, area_list, actor_list) = *index.entry(org).or_insert_with(|| {
                groups.push(PeopleGroup { organisation: p.organisation.clone(), ..PeopleGroup::default() });
                counts.resize(counts.len() + width, 0);
                let o = org.and_then(|c| org_index.get(c));
                let area = o.map(|o| slot(ListScope::Area(o.area.clone()), &mut lists));
                let actor = o.and_then(|o| o.actor.clone()).map(|a| slot(ListScope::Actor(a), &mut lists));
                (groups.len() - 1, area, actor)
            });
            let Some(c) = counts.get_mut(n * width..(n + 1) * width) else { continue };
            let slots = [Some(0), area_list, actor_list];
            if !people_of_note.is_empty() && people_of_note.contains(p.id.as_str()) {
                person_organisations.insert(p.id.clone(), p.organisation.clone());
            }
            let met = meets(engine, &p.criteria);
            c[0] += 1;
            c[1] += u64::from(met);
            c[2] += u64::from(p.holds_title);
            for u in &p.criteria_unmet {
                match indicators.iter().position(|i| *i == u.indicator) {
                    Some(k) => c[3 + k] += 1,
                    // Not an indicator of this plan rulebook: counted by name.
                    None => {
                        if let Some(g) = groups.get_mut(n) {
                            *g.unmet.entry(u.indicator.clone()).or_default() += 1;
                        }
                    }
                }
            }
            if !met {
                for n in slots.iter().flatten() {
                    let Some(l) = lists.get_mut(*n) else { continue };
                    l.add_unmet(limits, || ListedPerson {
                        seq,
                        id: p.id.clone(),
                        organisation: p.organisation.clone(),
                        unmet: p.criteria_unmet.clone(),
                    });
                }
            }
            // The staff targets count people in an organisation (as `targets::tally` does).
            if org.is_some() && p.category.is_staff() {
                for (k, (_, condition)) in staff_targets.iter().enumerate() {
                    let hit = match condition {
                        TargetCondition::HoldsTitle => p.holds_title,
                        TargetCondition::RegisteredAndHolds => p.registered && p.holds_title,
                        _ => false,
                    };
                    c[3 + n_ind + 2 * k] += u64::from(hit);
                    c[3 + n_ind + 2 * k + 1] += 1;
                }
            }
            for (k, rule) in person_rewards.iter().enumerate() {
                if !rewards::holds_all(rule, &[(results.year, met, p.holds_title)]) {
                    continue;
                }
                c[3 + n_ind + 2 * n_tgt + k] += 1;
                for n in slots.iter().flatten() {
                    let Some(l) = lists.get_mut(*n) else { continue };
                    l.add_eligible(limits, &rule.id, || ListedPerson {
                        seq,
                        id: p.id.clone(),
                        organisation: None,
                        unmet: Vec::new(),
                    });
                }
            }
        }
        for (g, c) in groups.iter_mut().zip(counts.chunks_exact(width)) {
            g.people = c[0];
            g.meeting_criteria = c[1];
            g.holding_title = c[2];
            for (id, n) in indicators.iter().zip(&c[3..3 + n_ind]) {
                if *n > 0 {
                    g.unmet.insert((*id).to_owned(), *n);
                }
            }
            for (k, (id, _)) in staff_targets.iter().enumerate() {
                let (num, den) = (c[3 + n_ind + 2 * k], c[3 + n_ind + 2 * k + 1]);
                if den > 0 {
                    g.targets.insert((*id).to_owned(), Tally { numerator: num, denominator: den });
                }
            }
            for (rule, n) in person_rewards.iter().zip(&c[3 + n_ind + 2 * n_tgt..]) {
                if *n > 0 {
                    g.rewards.insert(rule.id.clone(), *n);
                }
            }
        }
        Self {
            format: DIGEST_FORMAT,
            year: results.year,
            limits,
            organisations: org_digests,
            groups,
            lists,
            person_organisations,
        }
    }

    /// The digest restricted to the organisations `keep` accepts (people in no organisation
    /// are kept only when `keep_unattached`), with the lists `lists` accepts only — those
    /// covering exactly the people of the scope, e.g. [`ListScope::All`] for everyone, or the
    /// areas whose organisations make up a commune.
    pub fn scoped(
        &self,
        keep: impl Fn(&str) -> bool,
        keep_unattached: bool,
        lists: impl Fn(&ListScope) -> bool,
    ) -> Self {
        Self {
            format: self.format,
            year: self.year,
            limits: self.limits,
            organisations: self.organisations.iter().filter(|o| keep(&o.code)).cloned().collect(),
            groups: self
                .groups
                .iter()
                .filter(|g| g.organisation.as_deref().map_or(keep_unattached, &keep))
                .cloned()
                .collect(),
            lists: self.lists.iter().filter(|l| l.scope.as_ref().is_some_and(&lists)).cloned().collect(),
            person_organisations: self
                .person_organisations
                .iter()
                .filter(|(_, o)| o.as_deref().map_or(keep_unattached, &keep))
                .map(|(p, o)| (p.clone(), o.clone()))
                .collect(),
        }
    }

    /// How many people.
    pub fn people(&self) -> u64 {
        self.groups.iter().map(|g| g.people).sum()
    }

    /// The first `limit` people not meeting the criteria over the digest's lists, in input
    /// order. Cut the digest to a scope first: an uncut digest lists people in
    /// [`ListScope::All`] and again by area and actor.
    pub fn first_unmet(&self, limit: usize) -> Vec<&ListedPerson> {
        merge_first(self.lists.iter().map(|l| l.unmet.as_slice()), limit)
    }

    /// The first `limit` people eligible for reward `reward` over the digest's lists (see
    /// [`YearDigest::first_unmet`]), in input order.
    pub fn first_eligible(&self, reward: &str, limit: usize) -> Vec<&ListedPerson> {
        merge_first(self.lists.iter().filter_map(|l| l.eligible.get(reward).map(Vec::as_slice)), limit)
    }
}

/// The first `limit` of lists each already in input order, merged in input order.
fn merge_first<'a>(lists: impl Iterator<Item = &'a [ListedPerson]>, limit: usize) -> Vec<&'a ListedPerson> {
    let mut all: Vec<&ListedPerson> = lists.flatten().collect();
    if all.len() > limit {
        all.select_nth_unstable_by_key(limit, |p| p.seq);
        all.truncate(limit);
    }
    all.sort_unstable_by_key(|p| p.seq);
    all
}
