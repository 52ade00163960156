//! Exact fixed-point arithmetic for the hot paths.
//!
//! Scores, points, thresholds and percentages enter and leave the engine as
//! [`rust_decimal::Decimal`]. Inside, they are `i64` counts of ten-thousandths ([`SCALE`]): a
//! rulebook may not use more than four decimal places (the static check enforces it for scores,
//! [`to_scaled`] refuses anything else), so the conversion is exact and sums and comparisons are
//! plain integer operations — as exact as `Decimal`, and much faster.

use rust_decimal::Decimal;

/// Units per 1: values are held in ten-thousandths.
pub const SCALE: i64 = 10_000;

/// The number of decimal places [`SCALE`] holds.
pub const SCALE_DIGITS: u32 = 4;

/// `d` in ten-thousandths, or `None` when it has more than four decimal places or does not fit.
pub fn to_scaled(d: Decimal) -> Option<i64> {
    let n = d.normalize();
    if n.scale() > SCALE_DIGITS {
        return None;
    }
    let m = n.checked_mul(Decimal::from(SCALE))?;
    i64::try_from(m).ok()
}

/// A scaled value back as a [`Decimal`], with trailing zeros removed (`800000` → `80`).
pub fn from_scaled(v: i64) -> Decimal {
    Decimal::new(v, SCALE_DIGITS).normalize()
}

/// `numerator / denominator` as a percentage in ten-thousandths of a percent, rounded half away
/// from zero; `None` when the denominator is 0.
pub fn percent_scaled(numerator: u64, denominator: u64) -> Option<i64> {
    if denominator == 0 {
        return None;
    }
    let num = i128::from(numerator) * 100 * i128::from(SCALE) * 2 + i128::from(denominator);
    let v = num / (2 * i128::from(denominator));
    i64::try_from(v).ok()
}

/// True when `numerator / denominator ≥ min_percent_scaled / (100 × SCALE)`, decided exactly by
/// cross-multiplication (no rounding).
pub fn ratio_at_least(numerator: u64, denominator: u64, min_percent_scaled: i64) -> bool {
    if denominator == 0 {
        return false;
    }
    i128::from(numerator) * 100 * i128::from(SCALE) >= i128::from(min_percent_scaled) * i128::from(denominator)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversion_is_exact_to_four_places() {
        assert_eq!(to_scaled(Decimal::new(45, 1)), Some(45_000));
        assert_eq!(to_scaled(Decimal::new(12345, 4)), Some(12_345));
        assert_eq!(to_scaled(Decimal::new(123_456, 5)), None);
        assert_eq!(to_scaled(Decimal::new(1_000_000, 5)), Some(100_000), "trailing zeros are fine");
        assert_eq!(from_scaled(800_000), Decimal::from(80));
        assert_eq!(from_scaled(795_000).to_string(), "79.5");
    }

    #[test]
    fn ratios_compare_exactly() {
        assert!(ratio_at_least(9, 10, 90 * SCALE));
        assert!(!ratio_at_least(899, 1000, 90 * SCALE));
        assert!(ratio_at_least(2, 3, 666_666));
        assert!(!ratio_at_least(2, 3, 666_667));
        assert!(!ratio_at_least(0, 0, 0));
        assert_eq!(percent_scaled(1, 3), Some(333_333));
        assert_eq!(percent_scaled(2, 3), Some(666_667));
        assert_eq!(percent_scaled(5, 0), None);
    }
}
