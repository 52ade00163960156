//! Target attainment: how far a population is from a plan target, year by year.
//!
//! [`tally`] counts, for a data year, the members of each target's population and those who
//! meet it — in total, by area and by organisation kind — from [`YearResults`].
//! [`attainment`] compares a year's share with the target, with a straight path from the first
//! data year to the target year, and with the national milestones the rulebook references, and
//! projects the series to the target year.
//!
//! Decisions (on track or not, milestone met or not) compare exact rationals. Shares, gaps,
//! path values and projections are *shown* as decimals rounded to 2 places, half away from zero.

use std::collections::BTreeMap;

use rust_decimal::{Decimal, RoundingStrategy};
use serde::Serialize;
use xhht_core::entity::Organisation;
use xhht_core::rulebook::{MilestoneScope, Population, Target, TargetCondition};

use crate::digest::YearDigest;
use crate::year::YearResults;

/// How many are counted and how many meet the target.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, serde::Deserialize)]
pub struct Tally {
    /// How many meet the target.
    pub numerator: u64,
    /// How many are counted.
    pub denominator: u64,
}

impl Tally {
    fn add(&mut self, meets: bool) {
        self.denominator += 1;
        self.numerator += u64::from(meets);
    }

    /// The share in percent, rounded to 2 places half away from zero; `None` for an empty
    /// population.
    pub fn share(&self) -> Option<Decimal> {
        (self.denominator > 0)
            .then(|| round2(Decimal::from(self.numerator) * Decimal::ONE_HUNDRED / Decimal::from(self.denominator)))
    }
}

/// A target's count for one data year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct TargetTally {
    /// The target id.
    pub target: String,
    /// The data year.
    pub year: i32,
    /// The whole population.
    pub total: Tally,
    /// By area code (the organisation's area).
    pub by_area: BTreeMap<String, Tally>,
    /// By organisation kind id (`school`, `agency`, …).
    pub by_kind: BTreeMap<String, Tally>,
}

/// What a tally needs to know about the registers, built once for many years.
#[derive(Debug)]
pub struct TallyIndex<'a> {
    orgs: std::collections::HashMap<&'a str, &'a Organisation>,
}

impl<'a> TallyIndex<'a> {
    /// Indexes the organisations (their area and kind).
    pub fn new(organisations: &'a [Organisation]) -> Self {
        Self { orgs: organisations.iter().map(|o| (o.code.as_str(), o)).collect() }
    }
}

/// Counts every target of `targets` for the year of `results`.
pub fn tally(targets: &[Target], results: &YearResults, organisations: &[Organisation]) -> Vec<TargetTally> {
    tally_with(targets, results, &TallyIndex::new(organisations))
}

/// A hasher for short trusted keys (organisation codes): FNV-1a, much cheaper than SipHash
/// for millions of lookups, and the keys come from the registers, not from an attacker.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Fnv(u64);

impl Default for Fnv {
    fn default() -> Self {
        Self(0xcbf2_9ce4_8422_2325)
    }
}

impl std::hash::Hasher for Fnv {
    fn finish(&self) -> u64 {
        self.0
    }

    fn write(&mut self, bytes: &[u8]) {
        for b in bytes {
            self.0 ^= u64::from(*b);
            self.0 = self.0.wrapping_mul(0x0100_0000_01b3);
        }
    }
}

pub(crate) type FastMap<K, V> = std::collections::HashMap<K, V, std::hash::BuildHasherDefault<Fnv>>;

fn add<'k>(total: &mut Tally, by_org: &mut FastMap<&'k str, Tally>, org: Option<&'k str>, meets: bool) {
    total.add(meets);
    if let Some(o) = org {
        by_org.entry(o).or_default().add(meets);
    }
}

/// [`tally`] with the registers indexed once.
pub fn tally_with(targets: &[Target], results: &YearResults, index: &TallyIndex<'_>) -> Vec<TargetTally> {
    let mut out = Vec::new();
    for t in targets {
        let mut total = Tally::default();
        // Counted by the organisation first (no allocation per row), then by area and kind.
        let mut by_org: FastMap<&str, Tally> = FastMap::default();
        match t.population {
            Population::Organisations => {
                for r in &results.organisations {
                    let meets = match t.condition {
                        TargetCondition::HoldsTitle | TargetCondition::RegisteredAndHolds => r.title_level.is_some(),
                        _ => false,
                    };
                    add(&mut total, &mut by_org, Some(r.code.as_str()), meets);
                }
            }
            Population::Staff => {
                for r in &results.people {
                    let Some(org) = r.organisation.as_deref() else { continue };
                    if !r.category.is_staff() {
                        continue;
                    }
                    let meets = match t.condition {
                        TargetCondition::HoldsTitle => r.holds_title,
                        TargetCondition::RegisteredAndHolds => r.registered && r.holds_title,
                        _ => false,
                    };
                    add(&mut total, &mut by_org, Some(org), meets);
                }
            }
            _ => continue,
        }
        out.push(roll_up(t, results.year, total, by_org, index));
    }
    out
}

/// A target's tally from the counts per organisation, by area and kind.
fn roll_up<'k>(
    t: &Target,
    year: i32,
    total: Tally,
    by_org: impl IntoIterator<Item = (&'k str, Tally)>,
    index: &TallyIndex<'_>,
) -> TargetTally {
    let mut by_area: BTreeMap<String, Tally> = BTreeMap::new();
    let mut by_kind: BTreeMap<String, Tally> = BTreeMap::new();
    for (code, tl) in by_org {
        let Some(o) = index.orgs.get(code) else { continue };
        for (map, key) in [(&mut by_area, o.area.as_str()), (&mut by_kind, o.kind.id())] {
            let e = map.entry(key.to_owned()).or_default();
            e.numerator += tl.numerator;
            e.denominator += tl.denominator;
        }
    }
    TargetTally { target: t.id.clone(), year, total, by_area, by_kind }
}

/// [`tally_with`] from a year's digest (made with the same plan rulebook): the same counts.
pub fn tally_digest(targets: &[Target], digest: &YearDigest, index: &TallyIndex<'_>) -> Vec<TargetTally> {
    let mut out = Vec::new();
    for t in targets {
        let mut total = Tally::default();
        let mut by_org: Vec<(&str, Tally)> = Vec::new();
        match t.population {
            Population::Organisations => {
                for o in &digest.organisations {
                    let meets =
                        matches!(t.condition, TargetCondition::HoldsTitle | TargetCondition::RegisteredAndHolds)
                            && o.title_level.is_some();
                    let tl = Tally { numerator: u64::from(meets), denominator: 1 };
                    total.numerator += tl.numerator;
                    total.denominator += 1;
                    by_org.push((o.code.as_str(), tl));
                }
            }
            Population::Staff => {
                for g in &digest.groups {
                    let (Some(org), Some(tl)) = (g.organisation.as_deref(), g.targets.get(&t.id)) else { continue };
                    total.numerator += tl.numerator;
                    total.denominator += tl.denominator;
                    by_org.push((org, *tl));
                }
            }
            _ => continue,
        }
        out.push(roll_up(t, digest.year, total, by_org, index));
    }
    out
}

/// A milestone compared with a year's share.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MilestoneCheck {
    /// The milestone's year.
    pub year: i32,
    /// Its share, in percent.
    pub share: Decimal,
    /// Whose milestone.
    pub scope: MilestoneScope,
    /// Whether the share meets it (`None` when the milestone's year has not come yet).
    pub met: Option<bool>,
}

/// A target's attainment in one data year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attainment {
    /// The target id.
    pub target: String,
    /// The data year.
    pub year: i32,
    /// The count.
    pub tally: Tally,
    /// The share now, rounded to 2 places.
    pub share: Option<Decimal>,
    /// The target share.
    pub target_share: Decimal,
    /// The target year.
    pub by_year: i32,
    /// Percentage points still missing (0 when reached).
    pub gap: Option<Decimal>,
    /// The share a straight path from the first data year to the target would have reached by now.
    pub path: Option<Decimal>,
    /// Whether the share is at or above the straight path.
    pub on_track: Option<bool>,
    /// Milestones of the target compared with this year's share: those of this year and
    /// earlier are met or not; later ones are shown as upcoming.
    pub milestones: Vec<MilestoneCheck>,
    /// The share projected for the target year: the least-squares line through the yearly
    /// shares of [`Attainment::projection_years`], read at the target year, clamped to 0–100;
    /// `None` with fewer than two such years (not enough comparable years).
    pub projection: Option<Decimal>,
    /// The years the projection is made from: those up to this year judged under the same
    /// rules as this year (see [`attainment_under`]), oldest first.
    pub projection_years: Vec<i32>,
    /// Percentage points a year the share must still rise to reach the target by its year
    /// (the gap over the years left), rounded to 2 places; `None` once the target year is
    /// reached or without a share.
    pub needed_per_year: Option<Decimal>,
    /// Whether the projection reaches the target.
    pub projected_to_reach: Option<bool>,
}

fn round2(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero).normalize()
}

/// A fraction of integers, compared exactly.
#[derive(Debug, Clone, Copy)]
struct Ratio {
    n: i128,
    d: i128,
}

impl Ratio {
    fn percent(t: Tally) -> Option<Self> {
        (t.denominator > 0).then(|| Self { n: i128::from(t.numerator) * 100, d: i128::from(t.denominator) })
    }

    fn of(d: Decimal) -> Self {
        // Decimals in rulebooks have at most a few places: mantissa / 10^scale is exact.
        Self { n: d.mantissa(), d: 10i128.pow(d.scale()) }
    }

    fn ge(self, o: Self) -> bool {
        self.n * o.d >= o.n * self.d
    }

    fn to_decimal(self) -> Option<Decimal> {
        let n = Decimal::try_from_i128_with_scale(self.n, 0).ok()?;
        let d = Decimal::try_from_i128_with_scale(self.d, 0).ok()?;
        n.checked_div(d)
    }
}

/// The attainment of `target` in data year `year`, given the tallies of every year so far
/// (`series`, any order; years after `year` are ignored), every year comparable.
pub fn attainment(target: &Target, series: &[(i32, Tally)], year: i32) -> Attainment {
    attainment_under(target, series, year, None)
}

/// [`attainment`] when the rules that decide the title changed: only the years from
/// `comparable_from` (the first data year under the rules of `year`) are projected from — a
/// straight line through a change of rules projects the change, not the trend — and the straight
/// path to the target starts again from the first of them.
pub fn attainment_under(
    target: &Target,
    series: &[(i32, Tally)],
    year: i32,
    comparable_from: Option<i32>,
) -> Attainment {
    let mut past: Vec<(i32, Tally)> = series.iter().copied().filter(|(y, t)| *y <= year && t.denominator > 0).collect();
    past.sort_by_key(|(y, _)| *y);
    let tally = series.iter().find(|(y, _)| *y == year).map(|(_, t)| *t).unwrap_or_default();
    let now = Ratio::percent(tally);
    let goal = Ratio::of(target.share);
    let share = tally.share();
    let gap = share.map(|s| (target.share - s).max(Decimal::ZERO));

    // The straight path from the first year with data to the target — from the first year under
    // this year's rules when they changed: the new rules set a new starting point.
    let start = past.iter().find(|(y, _)| comparable_from.is_none_or(|from| *y >= from)).or(past.first());
    let path_ratio = start.and_then(|&(y0, t0)| {
        let s0 = Ratio::percent(t0)?;
        let span = i128::from(target.by_year - y0);
        if span <= 0 || year < y0 {
            return None;
        }
        let k = i128::from(year.min(target.by_year) - y0);
        // s0 + (goal − s0) × k / span, over a common denominator.
        let n = s0.n * goal.d * span + (goal.n * s0.d - s0.n * goal.d) * k;
        Some(Ratio { n, d: s0.d * goal.d * span })
    });
    let path = path_ratio.and_then(Ratio::to_decimal).map(round2);
    let on_track = now.zip(path_ratio).map(|(n, p)| n.ge(p));

    let milestones = target
        .milestones
        .iter()
        .map(|m| MilestoneCheck {
            year: m.year,
            share: m.share,
            scope: m.scope,
            met: (m.year <= year).then(|| now.is_some_and(|n| n.ge(Ratio::of(m.share)))),
        })
        .collect();

    let comparable: Vec<(i32, Tally)> =
        past.iter().copied().filter(|(y, _)| comparable_from.is_none_or(|from| *y >= from)).collect();
    let projection = project(&comparable, target.by_year);
    let left = target.by_year - year;
    let needed_per_year = gap.filter(|_| left > 0).map(|g| round2(g / Decimal::from(left)));
    Attainment {
        target: target.id.clone(),
        year,
        tally,
        share,
        target_share: target.share,
        by_year: target.by_year,
        gap,
        path,
        on_track,
        milestones,
        projection,
        projection_years: if projection.is_some() { comparable.iter().map(|(y, _)| *y).collect() } else { Vec::new() },
        needed_per_year,
        projected_to_reach: projection.map(|p| p >= target.share),
    }
}

/// The least-squares line through the yearly shares, read at `at`, clamped to 0–100 and
/// rounded to 2 places.
fn project(past: &[(i32, Tally)], at: i32) -> Option<Decimal> {
    if past.len() < 2 {
        return None;
    }
    let pts: Vec<(Decimal, Decimal)> =
        past.iter().filter_map(|&(y, t)| Some((Decimal::from(y), Ratio::percent(t)?.to_decimal()?))).collect();
    let n = Decimal::from(pts.len());
    let mx = pts.iter().map(|p| p.0).sum::<Decimal>() / n;
    let my = pts.iter().map(|p| p.1).sum::<Decimal>() / n;
    let sxx: Decimal = pts.iter().map(|p| (p.0 - mx) * (p.0 - mx)).sum();
    let sxy: Decimal = pts.iter().map(|p| (p.0 - mx) * (p.1 - my)).sum();
    let slope = sxy.checked_div(sxx)?;
    let v = my + slope * (Decimal::from(at) - mx);
    Some(round2(v.clamp(Decimal::ZERO, Decimal::ONE_HUNDRED)))
}

#[cfg(test)]
mod tests {
    use super::*;
    use xhht_core::rulebook::RulebookSet;

    fn citizen_target() -> Target {
        let rb = &RulebookSet::builtin().get("ke-hoach.can-duoc-2024").unwrap().rulebook;
        rb.targets.iter().find(|t| t.id == "target.citizen-title").unwrap().clone()
    }

    fn t(n: u64, d: u64) -> Tally {
        Tally { numerator: n, denominator: d }
    }

    #[test]
    fn on_the_straight_path_exactly_is_on_track() {
        let target = citizen_target();
        // 2023: 30%; the path to 100% in 2030 rises 10 points a year: 2025 needs 50%.
        let series = [(2023, t(30, 100)), (2024, t(40, 100)), (2025, t(50, 100))];
        let a = attainment(&target, &series, 2025);
        assert_eq!(a.share, Some(Decimal::from(50)));
        assert_eq!(a.path, Some(Decimal::from(50)));
        assert_eq!(a.on_track, Some(true));
        assert_eq!(a.gap, Some(Decimal::from(50)));
        assert_eq!(a.projection, Some(Decimal::from(100)));
        assert_eq!(a.projected_to_reach, Some(true));
        let behind = attainment(&target, &[(2023, t(30, 100)), (2025, t(4999, 10000))], 2025);
        assert_eq!(behind.on_track, Some(false), "49.99% is behind a path at 50%");
    }

    #[test]
    fn national_milestones_are_checked_once_their_year_comes() {
        let target = citizen_target();
        let a = attainment(&target, &[(2025, t(59, 100))], 2025);
        let m2025 = a.milestones.iter().find(|m| m.year == 2025).unwrap();
        assert_eq!(m2025.met, Some(false), "60% of officials by 2025 (QĐ 677)");
        let m2030 = a.milestones.iter().find(|m| m.year == 2030).unwrap();
        assert_eq!(m2030.met, None);
        assert_eq!(a.projection, None, "one year is not a series");
    }

    #[test]
    fn a_change_of_rules_is_not_projected_through() {
        let target = citizen_target();
        // 76% under the old rules, then 20% and 29% under the new: a line through all three
        // falls to 0; through the two comparable years it rises 9 points a year.
        let series = [(2023, t(76, 100)), (2024, t(20, 100)), (2025, t(29, 100))];
        let all = attainment(&target, &series, 2025);
        assert_eq!(all.projection, Some(Decimal::ZERO), "the old straight line through the change");
        let a = attainment_under(&target, &series, 2025, Some(2024));
        assert_eq!(a.projection_years, vec![2024, 2025]);
        assert_eq!(a.projection, Some(Decimal::from(74)), "29 + 9 × 5");
        assert_eq!(a.needed_per_year, Some(Decimal::new(142, 1)), "71 points over 5 years");
        let one = attainment_under(&target, &series, 2025, Some(2025));
        assert_eq!((one.projection, one.projection_years.len()), (None, 0), "one comparable year is not a series");
        let done = attainment_under(&target, &[(2030, t(99, 100))], 2030, None);
        assert_eq!(done.needed_per_year, None, "no year is left");
        let high = attainment_under(&target, &[(2024, t(60, 100)), (2025, t(90, 100))], 2025, None);
        assert_eq!(high.projection, Some(Decimal::ONE_HUNDRED), "a share stays within 0–100");
    }

    #[test]
    fn an_empty_population_has_no_share() {
        let a = attainment(&citizen_target(), &[(2024, t(0, 0))], 2024);
        assert_eq!((a.share, a.on_track, a.gap), (None, None, None));
    }
}
