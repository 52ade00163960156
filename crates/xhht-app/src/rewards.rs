//! Who may be proposed for the plan's rewards (Giấy khen), and why: every eligible subject of
//! a data year (annual rewards) or of a phase (phase rewards), with their names — the full list
//! a report only samples.

use xhht_core::Text;
use xhht_core::plan::ReviewKind;
use xhht_core::record::SubjectRef;
use xhht_scoring::rewards::Eligibility;

use crate::App;
use crate::error::{Error, Result};
use crate::reports::Which;

/// One reward rule's count.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleCount {
    /// The reward rule id.
    pub reward: String,
    /// Subjects eligible.
    pub eligible: usize,
    /// Subjects considered.
    pub considered: usize,
    /// What stays a human judgement.
    pub judgement: Option<Text>,
}

/// Every subject considered, each rule's count, and the names of the subjects.
#[derive(Debug, Clone)]
pub struct RewardList {
    /// Every subject considered for every rule (eligible or not), with the reasons.
    pub considered: Vec<Eligibility>,
    /// Each rule with a subject considered, in the plan's order.
    pub rules: Vec<RuleCount>,
    /// The names of people and organisations, by id (the last year's registers).
    pub names: std::collections::HashMap<String, String>,
}

impl RewardList {
    /// The eligible subjects, in order.
    pub fn eligible(&self) -> impl Iterator<Item = &Eligibility> {
        self.considered.iter().filter(|e| e.eligible)
    }

    /// A subject's name, or the empty string.
    pub fn name_of(&self, subject: &SubjectRef) -> &str {
        self.names.get(subject.id()).map_or("", String::as_str)
    }
}

impl App {
    /// Every subject eligible for the annual rewards of a data year, or for the rewards of a
    /// phase (judged over the phase's years: the whole plan for the final review).
    pub async fn rewards(&self, which: Which) -> Result<RewardList> {
        let (phase_id, year, from) = match which {
            Which::Phase(n) => {
                let ph = usize::from(n)
                    .checked_sub(1)
                    .and_then(|i| self.plan().phases.get(i))
                    .ok_or_else(|| Error::NotFound("the plan has two phases: 1 or 2".to_owned()))?;
                let from = if ph.review == ReviewKind::Final { self.first_year() } else { ph.from_year };
                (Some(ph.id.clone()), ph.review_year, from)
            }
            Which::Annual(y) => (None, y, y),
        };
        let history = self.history(from, year).await?;
        let engines = self.engines();
        let rules = &engines.plan.rulebook().rulebook;
        let considered = match &phase_id {
            Some(id) => xhht_scoring::rewards::phase(rules, &engines.plan, id, &history.results),
            None => match history.results.last() {
                Some(r) => xhht_scoring::rewards::annual(rules, &engines.plan, r),
                None => Vec::new(),
            },
        };
        let names = history
            .years
            .last()
            .map(|y| {
                y.people
                    .iter()
                    .map(|p| (p.id.clone(), p.full_name.clone()))
                    .chain(y.organisations.iter().map(|x| (x.code.clone(), x.name.clone())))
                    .collect()
            })
            .unwrap_or_default();
        let rules = rules
            .rewards
            .iter()
            .filter(|r| considered.iter().any(|e| e.reward == r.id))
            .map(|r| RuleCount {
                reward: r.id.clone(),
                eligible: considered.iter().filter(|e| e.reward == r.id && e.eligible).count(),
                considered: considered.iter().filter(|e| e.reward == r.id).count(),
                judgement: r.judgement.clone(),
            })
            .collect();
        Ok(RewardList { considered, rules, names })
    }
}
