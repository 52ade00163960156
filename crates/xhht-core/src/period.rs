//! Date ranges with an optional open end.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};

/// A range of days `[from, to]`, both inclusive; `to` absent means still running.
///
/// A range whose end is before its start cannot be built.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(try_from = "RawRange", into = "RawRange")]
pub struct DateRange {
    from: NaiveDate,
    to: Option<NaiveDate>,
}

#[derive(Serialize, Deserialize)]
struct RawRange {
    #[serde(deserialize_with = "crate::date::de_date")]
    from: NaiveDate,
    #[serde(default, deserialize_with = "crate::date::de_opt_date", skip_serializing_if = "Option::is_none")]
    to: Option<NaiveDate>,
}

impl TryFrom<RawRange> for DateRange {
    type Error = Error;

    fn try_from(r: RawRange) -> Result<Self> {
        DateRange::new(r.from, r.to)
    }
}

impl From<DateRange> for RawRange {
    fn from(r: DateRange) -> Self {
        RawRange { from: r.from, to: r.to }
    }
}

impl DateRange {
    /// A range from `from` to `to` (inclusive), or open-ended when `to` is `None`.
    pub fn new(from: NaiveDate, to: Option<NaiveDate>) -> Result<Self> {
        if let Some(to) = to
            && to < from
        {
            return Err(Error::invalid(
                format!("date range {from}–{to}"),
                "to",
                format!("the end {to} is before the start {from}"),
            ));
        }
        Ok(Self { from, to })
    }

    /// An open-ended range starting on `from`.
    pub fn starting(from: NaiveDate) -> Self {
        Self { from, to: None }
    }

    /// The first day.
    pub fn from(&self) -> NaiveDate {
        self.from
    }

    /// The last day, if the range has ended.
    pub fn to(&self) -> Option<NaiveDate> {
        self.to
    }

    /// True when `day` falls in the range.
    pub fn contains(&self, day: NaiveDate) -> bool {
        self.from <= day && self.to.is_none_or(|to| day <= to)
    }

    /// True when the two ranges share at least one day.
    pub fn overlaps(&self, other: &DateRange) -> bool {
        self.to.is_none_or(|t| other.from <= t) && other.to.is_none_or(|t| self.from <= t)
    }
}

impl fmt::Display for DateRange {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self.to {
            Some(to) => write!(f, "{}–{}", self.from, to),
            None => write!(f, "{}–", self.from),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).unwrap()
    }

    #[test]
    fn rejects_reversed_range() {
        let err = DateRange::new(d(2024, 5, 1), Some(d(2024, 4, 30))).unwrap_err().to_string();
        assert!(err.contains("before the start"), "{err}");
        assert!(DateRange::new(d(2024, 5, 1), Some(d(2024, 5, 1))).is_ok());
    }

    #[test]
    fn contains_and_overlaps() {
        let a = DateRange::new(d(2024, 1, 1), Some(d(2024, 6, 30))).unwrap();
        let b = DateRange::starting(d(2024, 6, 30));
        let c = DateRange::starting(d(2024, 7, 1));
        assert!(a.contains(d(2024, 6, 30)) && !a.contains(d(2024, 7, 1)));
        assert!(a.overlaps(&b) && !a.overlaps(&c) && b.overlaps(&c));
    }

    #[test]
    fn deserializing_a_reversed_range_fails() {
        let r: std::result::Result<DateRange, _> = toml::from_str("from = 2024-05-01\nto = 2024-01-01");
        assert!(r.is_err());
    }
}
