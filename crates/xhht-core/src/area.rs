//! Administrative areas with history.
//!
//! Areas change: on 2025-07-01 the district tier was abolished, Long An merged into Tây Ninh,
//! and communes were merged. A record keeps the area it was made in; a multi-year series stays
//! comparable by following [`Succession`] links from an old area to the areas that took it over.
//! An [`AreaRegistry`] holds areas with their validity and successions and answers "what was
//! this area's parent on that day" and "which areas carry this one on, on that day".

use std::collections::{BTreeMap, BTreeSet};

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::period::DateRange;
use crate::source::Provenance;

/// The tier of an administrative area.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AreaLevel {
    /// Tỉnh, thành phố trực thuộc trung ương.
    Province,
    /// Huyện, quận, thị xã, thành phố thuộc tỉnh (abolished on 2025-07-01).
    District,
    /// Xã, phường, thị trấn, đặc khu.
    Commune,
}

/// An administrative area over the days it existed under this code and name.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct AdminArea {
    /// The official code (mã đơn vị hành chính), e.g. `806` for the former Cần Đước district.
    pub code: String,
    /// The name with its kind, as officially written, e.g. `Xã Long Hựu Đông`, `Thị trấn Cần Đước`.
    pub name: String,
    /// The tier.
    pub level: AreaLevel,
    /// The code of the parent area, absent for a province.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<String>,
    /// The days the area existed.
    pub valid: DateRange,
}

/// How an area passed into another.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SuccessionKind {
    /// Merged with others into the successor (sáp nhập).
    Merged,
    /// Renamed or recoded, same territory.
    Renamed,
    /// Split; this successor took part of the territory.
    Split,
    /// The tier was abolished and the successor took over its duties (e.g. a district's duties
    /// passing to the province and communes on 2025-07-01).
    TierAbolished,
}

/// A link from an area to one that took it over.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Succession {
    /// The code of the area that ended.
    pub from: String,
    /// The code of the area that carries it on.
    pub to: String,
    /// The first day of the successor's role.
    #[serde(deserialize_with = "crate::date::de_date")]
    pub date: NaiveDate,
    /// How.
    pub kind: SuccessionKind,
    /// Verified, or assumed (e.g. an illustrative mapping where the real one is not known).
    #[serde(default)]
    pub provenance: Provenance,
}

/// Areas and successions, checked for consistency.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct AreaRegistry {
    areas: BTreeMap<String, AdminArea>,
    successions: Vec<Succession>,
}

impl AreaRegistry {
    /// Builds a registry. Rejects duplicate codes, unknown parents, a parent of the wrong tier
    /// or not existing when the child starts, and successions between unknown areas or dated
    /// outside the areas' lives.
    pub fn new(areas: Vec<AdminArea>, successions: Vec<Succession>) -> Result<Self> {
        let mut map = BTreeMap::new();
        for a in areas {
            if map.contains_key(&a.code) {
                return Err(Error::invalid(format!("area {}", a.code), "code", "the code is used twice"));
            }
            map.insert(a.code.clone(), a);
        }
        for a in map.values() {
            let entity = || format!("area {} ({})", a.code, a.name);
            match (&a.parent, a.level) {
                (None, AreaLevel::Province) => {}
                (None, _) => return Err(Error::invalid(entity(), "parent", "only a province has no parent")),
                (Some(p), level) => {
                    let parent = map
                        .get(p)
                        .ok_or_else(|| Error::invalid(entity(), "parent", format!("unknown parent area `{p}`")))?;
                    if parent.level >= level {
                        return Err(Error::invalid(entity(), "parent", format!("parent `{p}` is not a higher tier")));
                    }
                    if !parent.valid.contains(a.valid.from()) {
                        return Err(Error::invalid(
                            entity(),
                            "parent",
                            format!("parent `{p}` does not exist on {}", a.valid.from()),
                        ));
                    }
                }
            }
        }
        for s in &successions {
            let entity = || format!("succession {} → {}", s.from, s.to);
            let from = map.get(&s.from).ok_or_else(|| Error::invalid(entity(), "from", "unknown area"))?;
            let to = map.get(&s.to).ok_or_else(|| Error::invalid(entity(), "to", "unknown area"))?;
            if from.valid.contains(s.date) {
                return Err(Error::invalid(entity(), "date", format!("`{}` still exists on {}", s.from, s.date)));
            }
            if !to.valid.contains(s.date) {
                return Err(Error::invalid(entity(), "date", format!("`{}` does not exist on {}", s.to, s.date)));
            }
        }
        Ok(Self { areas: map, successions })
    }

    /// The area with this code.
    pub fn get(&self, code: &str) -> Option<&AdminArea> {
        self.areas.get(code)
    }

    /// Every area, by code.
    pub fn areas(&self) -> impl Iterator<Item = &AdminArea> {
        self.areas.values()
    }

    /// Every succession.
    pub fn successions(&self) -> &[Succession] {
        &self.successions
    }

    /// The parent of `code` on `day`, if both exist then.
    pub fn parent_on(&self, code: &str, day: NaiveDate) -> Option<&AdminArea> {
        let a = self.areas.get(code)?;
        let p = self.areas.get(a.parent.as_deref()?)?;
        p.valid.contains(day).then_some(p)
    }

    /// The areas directly under `code` that exist on `day`.
    pub fn children_on(&self, code: &str, day: NaiveDate) -> Vec<&AdminArea> {
        self.areas.values().filter(|a| a.parent.as_deref() == Some(code) && a.valid.contains(day)).collect()
    }

    /// The areas that stand for `code` on `day`: the area itself if it exists then, else the
    /// areas its successions lead to (followed through several changes), sorted by code.
    /// Empty when the area has no successor on that day (e.g. `day` is before it existed).
    pub fn resolve_on(&self, code: &str, day: NaiveDate) -> Vec<&AdminArea> {
        let mut out = BTreeSet::new();
        let mut todo = vec![code];
        let mut seen = BTreeSet::new();
        while let Some(c) = todo.pop() {
            if !seen.insert(c) {
                continue;
            }
            let Some(a) = self.areas.get(c) else { continue };
            if a.valid.contains(day) {
                out.insert(c);
                continue;
            }
            if a.valid.to().is_some_and(|to| to < day) {
                todo.extend(self.successions.iter().filter(|s| s.from == c && s.date <= day).map(|s| s.to.as_str()));
            }
        }
        out.into_iter().filter_map(|c| self.areas.get(c)).collect()
    }

    /// The successions that led from `code` to the areas of [`Self::resolve_on`], for notes
    /// such as "merged into …" in reports.
    pub fn path_on(&self, code: &str, day: NaiveDate) -> Vec<&Succession> {
        let mut out = Vec::new();
        let mut todo = vec![code];
        let mut seen = BTreeSet::new();
        while let Some(c) = todo.pop() {
            if !seen.insert(c) {
                continue;
            }
            for s in self.successions.iter().filter(|s| s.from == c && s.date <= day) {
                out.push(s);
                todo.push(&s.to);
            }
        }
        out
    }
}

#[cfg(test)]
mod tests;
