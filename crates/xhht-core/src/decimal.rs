//! Exact decimals in data files.
//!
//! Scores, points, thresholds and percentages are [`rust_decimal::Decimal`], never floats. In a
//! TOML file a decimal is written as an integer (`max = 10`) or a string (`floor = "4.5"`); a TOML
//! float (`4.5` without quotes) is rejected, because it would pass through binary floating point
//! before reaching the rule.

use std::fmt;

use rust_decimal::Decimal;
use serde::de::{self, Deserializer, Visitor};

/// Deserializes a [`Decimal`] from an integer or a string, rejecting floats.
pub(crate) fn de_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    d.deserialize_any(DecimalVisitor)
}

/// Deserializes an optional [`Decimal`]; see [`de_decimal`].
pub(crate) fn de_opt_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Decimal>, D::Error> {
    de_decimal(d).map(Some)
}

struct DecimalVisitor;

impl Visitor<'_> for DecimalVisitor {
    type Value = Decimal;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a decimal written as an integer or a string, e.g. 10 or \"4.5\"")
    }

    fn visit_i64<E: de::Error>(self, v: i64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_u64<E: de::Error>(self, v: u64) -> Result<Decimal, E> {
        Ok(Decimal::from(v))
    }

    fn visit_f64<E: de::Error>(self, v: f64) -> Result<Decimal, E> {
        Err(E::custom(format!(
            "write the decimal {v} as a string (\"{v}\"): a bare float would pass through binary floating point"
        )))
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<Decimal, E> {
        parse_decimal(v).ok_or_else(|| E::custom(format!("`{v}` is not a decimal number")))
    }
}

/// Parses a decimal written with a `.` or a Vietnamese `,` as the decimal separator
/// (`"4.5"`, `"4,5"`). Thousands separators are not accepted. Returns `None` on anything else.
pub fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim();
    if t.is_empty() || t.contains(['e', 'E']) {
        return None;
    }
    let normalised;
    let t = if t.contains(',') && !t.contains('.') && t.matches(',').count() == 1 {
        normalised = t.replace(',', ".");
        normalised.as_str()
    } else {
        t
    };
    t.parse::<Decimal>().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_dot_and_comma() {
        assert_eq!(parse_decimal("4.5"), Some(Decimal::new(45, 1)));
        assert_eq!(parse_decimal(" 4,5 "), Some(Decimal::new(45, 1)));
        assert_eq!(parse_decimal("80"), Some(Decimal::from(80)));
        assert_eq!(parse_decimal("1,234,5"), None);
        assert_eq!(parse_decimal("1e3"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_decimal("abc"), None);
    }

    #[derive(serde::Deserialize)]
    struct T {
        #[serde(deserialize_with = "de_decimal")]
        x: Decimal,
    }

    #[test]
    fn toml_integer_and_string_accepted_float_rejected() {
        let a: T = toml::from_str("x = 10").unwrap();
        assert_eq!(a.x, Decimal::from(10));
        let b: Result<T, _> = toml::from_str("x = \"4.5\"");
        assert_eq!(b.map(|t| t.x).ok(), Some(Decimal::new(45, 1)));
        let c: Result<T, _> = toml::from_str("x = 4.5");
        let msg = c.err().map(|e| e.to_string()).unwrap_or_default();
        assert!(msg.contains("as a string"), "{msg}");
    }
}
