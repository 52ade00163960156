//! A year's organisations judged again under the rules of a later year: where the rulebook that
//! decides "Đơn vị học tập" changed (TT 22/2020 → TT 24/2023), the comparable figure is last
//! year's records scored under this year's rules — so a series can be read across the change.
//!
//! Only an organisation with an assessment recorded under the later rulebook can be judged (the
//! two rulebooks check different indicators); the others are counted as not assessed, never as
//! failing. Meeting the rules is not holding the title: under TT 24/2023 the title also needs a
//! recognition decision, which a re-scoring cannot give.

use std::collections::HashSet;

use serde::Serialize;
use xhht_core::record::SubjectRef;
use xhht_core::rulebook::Subject;
use xhht_core::{Text, Title};

use crate::error::Result;
use crate::year::{YearEngines, YearIndex, YearInput, person_result};

/// How a year's organisations fare under the "Đơn vị học tập" rules of a later year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Rescore {
    /// The year of the records.
    pub year: i32,
    /// The year whose rules judge them.
    pub under_year: i32,
    /// That year's rulebook id.
    pub rulebook: String,
    /// Its version in force in `under_year`.
    pub version: String,
    /// The rulebook's title.
    pub title: Text,
    /// Organisations existing at the end of `year`.
    pub organisations: u64,
    /// Of them, those with an assessment of `year` recorded under that rulebook.
    pub assessed: u64,
    /// Of those, the ones whose outcome under the version of `under_year` confers the title.
    pub meeting: u64,
    /// `meeting` of `assessed` in percent, 2 places, half away from zero (absent when none was
    /// assessed).
    pub share: Option<rust_decimal::Decimal>,
}

/// Judges the organisations of `input` (a data year) under the "Đơn vị học tập" rules in force
/// in `under_year`; `None` when no rulebook decides the title in `under_year`.
pub fn rescore_units(engines: &YearEngines, input: YearInput<'_>, under_year: i32) -> Result<Option<Rescore>> {
    use rayon::prelude::*;
    let Some(engine) = engines.unit_for(under_year) else { return Ok(None) };
    let book = &engine.rulebook().rulebook;
    let Some(version) = book.version_for_year(under_year) else { return Ok(None) };
    let index = YearIndex::new(input)?;
    // The people's titles of the records' year, which the units' indicators count.
    let no_holds = |_: &str, _: Title| false;
    let holding: HashSet<String> = input
        .people
        .par_iter()
        .map(|p| person_result(engines, &index, p, &no_holds))
        .filter_map(|r| match r {
            Ok(r) if r.holds_title => Some(Ok(r.id)),
            Ok(_) => None,
            Err(e) => Some(Err(e)),
        })
        .collect::<Result<_>>()?;
    let holds = |p: &str, t: Title| t == Title::CongDanHocTap && holding.contains(p);
    let mut out = Rescore {
        year: input.year,
        under_year,
        rulebook: book.id().to_owned(),
        version: version.id.clone(),
        title: book.rulebook.title.clone(),
        organisations: 0,
        assessed: 0,
        meeting: 0,
        share: None,
    };
    for org in input.organisations.iter().filter(|o| o.valid.contains(index.day)) {
        out.organisations += 1;
        let subject = SubjectRef::Organisation(org.code.clone());
        if index.assessment(&subject, book.id()).is_none() {
            continue;
        }
        out.assessed += 1;
        let facts = index.facts(engine, Subject::Organisation, &subject, org.tags(), &holds);
        let e = engine.evaluate(&facts, under_year)?;
        if e.outcome.is_some_and(|o| engine.confers_title(e.version, o)) {
            out.meeting += 1;
        }
    }
    out.share = crate::targets::Tally { numerator: out.meeting, denominator: out.assessed }.share();
    Ok(Some(out))
}
