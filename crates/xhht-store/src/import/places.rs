//! The checks of a successions or communities file against the stored areas, on every block of
//! rows (the ordinary import and the streamed one), so that what a file brings in makes an area
//! history the reports can read (`xhht_core::area::AreaRegistry::new` takes it):
//!
//! - a succession's area that ended (`from`) ended before its date (its last day, `valid_to`,
//!   is before it), and the area that carries it on (`to`) exists that day; a row breaking either
//!   is refused on its line, field `date`;
//! - a community lies in a commune: its `commune` is an area of the commune level.
//!
//! An area not on record is left to the reference check, which names it.

use std::collections::{BTreeSet, HashMap};

use chrono::NaiveDate;
use xhht_core::area::AreaLevel;

use super::checks::Carried;
use super::*;
use crate::model::enum_parse;

/// The columns of `areas` read: level, first and last day.
const LEVEL: usize = 2;
const VALID_FROM: usize = 4;
const VALID_TO: usize = 5;

/// What the checks need of a stored area.
struct Area {
    level: Option<AreaLevel>,
    from: Option<NaiveDate>,
    to: Option<NaiveDate>,
}

impl Area {
    fn exists_on(&self, day: NaiveDate) -> bool {
        self.from.is_some_and(|f| f <= day) && self.to.is_none_or(|t| day <= t)
    }

    fn life(&self) -> String {
        let day = |d: Option<NaiveDate>| d.map(|d| d.to_string()).unwrap_or_default();
        match self.to {
            Some(_) => format!("{} to {}", day(self.from), day(self.to)),
            None => format!("from {}", day(self.from)),
        }
    }
}

fn text(v: Option<&Val>) -> Option<&str> {
    v.and_then(Val::as_str)
}

impl Store {
    /// Checks the good rows of `data` against the stored areas (see the module documentation).
    pub(super) async fn check_places(&self, kind: ImportKind, data: &mut [DataRow], file: &str) -> Result<()> {
        // The area codes each row's check reads: successions `from`, `to`; communities `commune`.
        let cols: &[usize] = match kind {
            ImportKind::Successions => &[0, 1],
            ImportKind::Communities => &[3],
            _ => return Ok(()),
        };
        let main = main_table(kind);
        let codes: BTreeSet<&str> = data
            .iter()
            .filter(|d| d.errors.is_empty())
            .flat_map(|d| d.rows.iter().filter(|(t, _)| std::ptr::eq(*t, main)))
            .flat_map(|(_, r)| cols.iter().filter_map(|c| text(r.vals.get(*c))))
            .collect();
        if codes.is_empty() {
            return Ok(());
        }
        let codes: Vec<String> = codes.into_iter().map(str::to_owned).collect();
        let keys: Vec<Vec<Val>> = codes.iter().map(|c| vec![Val::text(c.as_str())]).collect();
        let read = Carried { table: &schema::AREAS, keys, cols: vec![LEVEL, VALID_FROM, VALID_TO] };
        let mut areas: HashMap<&str, Area> = HashMap::new();
        for (i, vals) in self.bulk_read(read).await? {
            let Some(code) = codes.get(i) else { continue };
            let at = |n: usize| vals.get(n).and_then(Option::as_ref);
            let area = Area {
                level: at(0).and_then(Val::as_str).and_then(enum_parse),
                from: at(1).and_then(Val::as_date),
                to: at(2).and_then(Val::as_date),
            };
            areas.insert(code.as_str(), area);
        }
        for d in data.iter_mut().filter(|d| d.errors.is_empty()) {
            let Some((_, row)) = d.rows.iter().find(|(t, _)| std::ptr::eq(*t, main)) else { continue };
            let problem = match kind {
                ImportKind::Successions => succession_problem(row, &areas),
                _ => community_problem(row, &areas),
            };
            if let Some((field, message)) = problem {
                d.errors.push(RowError { file: file.to_owned(), line: d.line, field: field.to_owned(), message });
            }
        }
        Ok(())
    }
}

/// A succession (`from`, `to`, `date`) whose areas do not fit its date.
fn succession_problem(row: &Row, areas: &HashMap<&str, Area>) -> Option<(&'static str, String)> {
    let (from, to) = (text(row.vals.first())?, text(row.vals.get(1))?);
    let date = row.vals.get(2).and_then(Val::as_date)?;
    if let Some(a) = areas.get(from) {
        let why = "an area is succeeded once it has ended (its valid_to before the succession's date)";
        if a.exists_on(date) {
            return Some(("date", format!("`{from}` still exists on {date} ({}): {why}", a.life())));
        }
        if a.to.is_none_or(|t| t >= date) {
            return Some(("date", format!("`{from}` has not ended by {date} ({}): {why}", a.life())));
        }
    }
    if let Some(a) = areas.get(to)
        && !a.exists_on(date)
    {
        return Some(("date", format!("`{to}` does not exist on {date} ({})", a.life())));
    }
    None
}

/// A community whose `commune` is not a commune.
fn community_problem(row: &Row, areas: &HashMap<&str, Area>) -> Option<(&'static str, String)> {
    let code = text(row.vals.get(3))?;
    let level = areas.get(code)?.level?;
    (level != AreaLevel::Commune)
        .then(|| ("commune", format!("`{code}` is a {}, not a commune", crate::model::enum_id(&level))))
}
