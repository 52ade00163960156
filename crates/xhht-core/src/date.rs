//! Dates in data files.
//!
//! A date in a TOML file is written as a TOML date (`valid_from = 2024-01-26`) or a string
//! (`"2024-01-26"`); JSON uses the string. `de_date` accepts both, so one type reads both.

use std::fmt;

use chrono::NaiveDate;
use serde::de::{self, Deserializer, MapAccess, Visitor};

/// The key under which the `toml` crate hands a TOML date to serde.
const TOML_DATETIME_KEY: &str = "$__toml_private_datetime";

/// Deserializes a [`NaiveDate`] from an ISO `YYYY-MM-DD` string or a TOML date.
pub(crate) fn de_date<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    d.deserialize_any(DateVisitor)
}

/// Deserializes an optional [`NaiveDate`]; see [`de_date`].
pub(crate) fn de_opt_date<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    de_date(d).map(Some)
}

struct DateVisitor;

/// The years a record's date may fall in: a person born in 1900 to a plan's end long after
/// 2030 — `0000-01-01` or `9999-12-31` is a typing slip, never a record's date.
pub const YEARS: std::ops::RangeInclusive<i32> = 1900..=2100;

/// Refuses a date outside [`YEARS`].
///
/// # Errors
/// A message that says the range.
pub fn check_range(d: NaiveDate) -> Result<NaiveDate, String> {
    use chrono::Datelike;
    if YEARS.contains(&d.year()) {
        Ok(d)
    } else {
        Err(format!(
            "ngày {d} nằm ngoài các năm {}–{} / {d} is outside the years {}–{}",
            YEARS.start(),
            YEARS.end(),
            YEARS.start(),
            YEARS.end()
        ))
    }
}

fn parse<E: de::Error>(s: &str) -> Result<NaiveDate, E> {
    NaiveDate::parse_from_str(s, "%Y-%m-%d")
        .map_err(|_| E::custom(format!("`{s}` is not a date written as YYYY-MM-DD (a day that exists)")))
        .and_then(|d| check_range(d).map_err(E::custom))
}

impl<'de> Visitor<'de> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a date, YYYY-MM-DD")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        parse(v)
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<NaiveDate, A::Error> {
        let Some(key) = map.next_key::<String>()? else {
            return Err(de::Error::custom("expected a date, found an empty table"));
        };
        if key != TOML_DATETIME_KEY {
            return Err(de::Error::custom("expected a date, found a table"));
        }
        let s: String = map.next_value()?;
        if s.len() != 10 {
            return Err(de::Error::custom(format!("`{s}` is not a plain date: write YYYY-MM-DD without a time")));
        }
        parse(&s)
    }
}

/// Parses a date written `dd/mm/yyyy` (Vietnamese usage, also `d/m/yyyy`) or `yyyy-mm-dd`.
pub fn parse_date_text(s: &str) -> Result<NaiveDate, String> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%d/%m/%Y")
        .or_else(|_| NaiveDate::parse_from_str(t, "%Y-%m-%d"))
        .map_err(|_| format!("`{t}` is not a date (write dd/mm/yyyy or yyyy-mm-dd, a day that exists)"))
        .and_then(check_range)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[derive(serde::Deserialize, Debug)]
    struct T {
        #[serde(deserialize_with = "de_date")]
        d: NaiveDate,
    }

    #[test]
    fn reads_toml_dates_and_strings_and_rejects_the_rest() {
        let want = NaiveDate::from_ymd_opt(2024, 1, 26).unwrap();
        assert_eq!(toml::from_str::<T>("d = 2024-01-26").unwrap().d, want);
        assert_eq!(toml::from_str::<T>("d = \"2024-01-26\"").unwrap().d, want);
        assert!(toml::from_str::<T>("d = 2024-01-26T10:00:00").unwrap_err().to_string().contains("plain date"));
        assert!(toml::from_str::<T>("d = \"2024-02-30\"").unwrap_err().to_string().contains("YYYY-MM-DD"));
    }
}
