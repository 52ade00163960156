//! Recognition over time: which recognitions hold in a data year, when a level-1 holder may ask
//! for level 2, and distinctions for consecutive years.
//!
//! A recognition for data year *Y* covers the data years *Y* … *Y + n − 1*, where *n* is the
//! `validity_years` of the rulebook version that applied to *Y* (TT 24/2023: 3), or only *Y*
//! when the rulebook sets none; a `valid_until` date on the decision, when given, ends it
//! earlier. The regime for *Y* is the rulebook deciding the title in force for *Y*
//! (TT 22/2020 for a learning unit's 2023, TT 24/2023 from 2024).

use chrono::{Months, NaiveDate};
use xhht_core::Title;
use xhht_core::record::{Recognition, SubjectRef};
use xhht_core::rulebook::{RulebookSet, Subject};

/// The subject kind of a record's subject.
pub fn subject_kind(s: &SubjectRef) -> Option<Subject> {
    Some(match s {
        SubjectRef::Person(_) => Subject::Person,
        SubjectRef::Organisation(_) => Subject::Organisation,
        SubjectRef::Household(_) => Subject::Household,
        SubjectRef::Clan(_) => Subject::Clan,
        SubjectRef::Community(_) => Subject::Community,
        SubjectRef::Area(_) => Subject::Commune,
        _ => return None,
    })
}

/// How many data years a recognition covers under the regime of its own data year.
pub fn validity_years(set: &RulebookSet, rec: &Recognition) -> u32 {
    let Some(subject) = subject_kind(rec.subject()) else { return 1 };
    set.regime_for(rec.title(), subject, rec.year())
        .and_then(|b| b.rulebook.version_for_year(rec.year()))
        .and_then(|v| v.recognition.as_ref())
        .and_then(|r| r.validity_years)
        .unwrap_or(1)
        .max(1)
}

/// The last data year a recognition covers.
pub fn last_year_covered(set: &RulebookSet, rec: &Recognition) -> i32 {
    let n = i32::try_from(validity_years(set, rec)).unwrap_or(i32::MAX);
    let mut last = rec.year().saturating_add(n - 1);
    if let Some(until) = rec.valid_until() {
        // A data year is covered only while the decision still holds on its first day.
        last = last.min(chrono::Datelike::year(&until));
    }
    last
}

/// True when `rec` covers data year `year`.
pub fn covers(set: &RulebookSet, rec: &Recognition, year: i32) -> bool {
    rec.year() <= year && year <= last_year_covered(set, rec)
}

/// Where a subject stands with a title in a data year.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TitleStatus<'a> {
    /// The recognition that holds in the year (the highest level, then the latest decision).
    pub held: Option<&'a Recognition>,
    /// The last data year the held recognition covers.
    pub held_until: Option<i32>,
    /// The latest recognition that had expired before the year, if none holds.
    pub expired: Option<&'a Recognition>,
}

impl TitleStatus<'_> {
    /// The level held (1 when the title has no levels), or `None`.
    pub fn level(&self) -> Option<u8> {
        self.held.map(|r| r.level().unwrap_or(1))
    }

    /// True when the held recognition's last covered year is `year` (it expires after it).
    pub fn expires_after(&self, year: i32) -> bool {
        self.held_until == Some(year)
    }
}

/// Where `subject` stands with `title` in data year `year`, from its recognitions.
pub fn title_status<'a>(
    set: &RulebookSet,
    recognitions: impl IntoIterator<Item = &'a Recognition>,
    subject: &SubjectRef,
    title: Title,
    year: i32,
) -> TitleStatus<'a> {
    let mine: Vec<&Recognition> =
        recognitions.into_iter().filter(|r| r.subject() == subject && r.title() == title && r.year() <= year).collect();
    let held = mine
        .iter()
        .filter(|r| covers(set, r, year))
        .max_by_key(|r| (r.level().unwrap_or(1), r.decision_date()))
        .copied();
    let expired = if held.is_some() { None } else { mine.iter().max_by_key(|r| r.decision_date()).copied() };
    TitleStatus { held, held_until: held.map(|r| last_year_covered(set, r)), expired }
}

/// When a holder of level `held` may ask for the next level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UpgradeStatus {
    /// The wait is over (or the rulebook sets none).
    Allowed,
    /// Not before this day.
    NotBefore(NaiveDate),
}

/// Whether the level recognised by `rec` allows asking for the next level on `today`, after
/// the rulebook's `upgrade_wait_months` (TT 24/2023: 12 months from the level-1 decision).
pub fn upgrade_status(set: &RulebookSet, rec: &Recognition, today: NaiveDate) -> UpgradeStatus {
    let wait = subject_kind(rec.subject())
        .and_then(|s| set.regime_for(rec.title(), s, rec.year()))
        .and_then(|b| b.rulebook.version_for_year(rec.year()))
        .and_then(|v| v.recognition.as_ref())
        .and_then(|r| r.upgrade_wait_months);
    let Some(months) = wait else { return UpgradeStatus::Allowed };
    match rec.decision_date().checked_add_months(Months::new(months)) {
        Some(earliest) if today < earliest => UpgradeStatus::NotBefore(earliest),
        _ => UpgradeStatus::Allowed,
    }
}

/// The number of consecutive data years ending with `year` in which the subject held the title,
/// given the years it held it.
pub fn consecutive_years(held_years: &std::collections::BTreeSet<i32>, year: i32) -> u32 {
    let mut n = 0;
    let mut y = year;
    while held_years.contains(&y) {
        n += 1;
        y -= 1;
    }
    n
}
