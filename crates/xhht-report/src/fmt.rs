//! Numbers, dates and words as each language writes them.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use xhht_core::{Lang, Text, format_date};

/// Picks the language.
pub(crate) fn t<'a>(lang: Lang, vi: &'a str, en: &'a str) -> &'a str {
    match lang {
        Lang::Vi => vi,
        Lang::En => en,
    }
}

/// A text in the language.
pub(crate) fn tx(lang: Lang, text: &Text) -> &str {
    text.get(lang)
}

/// A whole number: `1.234.567` in Vietnamese, `1,234,567` in English.
pub(crate) fn int(n: u64, lang: Lang) -> String {
    let digits = n.to_string();
    let sep = t(lang, ".", ",");
    let mut out = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

/// A decimal: `85,5` in Vietnamese, `85.5` in English (thousands grouped as [`int`]).
pub(crate) fn dec(d: Decimal, lang: Lang) -> String {
    let d = d.normalize();
    let neg = d.is_sign_negative() && !d.is_zero();
    let s = d.abs().to_string();
    let (whole, frac) = s.split_once('.').unwrap_or((&s, ""));
    let w = whole.parse::<u64>().map_or_else(|_| whole.to_owned(), |n| int(n, lang));
    let mut out = if neg { format!("-{w}") } else { w };
    if !frac.is_empty() {
        out.push_str(t(lang, ",", "."));
        out.push_str(frac);
    }
    out
}

/// A percentage with exactly two decimals (rounded half away from zero), so every share of a
/// report reads alike ("25,00%", "75,80%", "75,95%"), or a dash.
pub(crate) fn pct(d: Option<Decimal>, lang: Lang) -> String {
    d.map_or_else(
        || "—".to_owned(),
        |d| {
            let mut d = d.round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
            d.rescale(2);
            let s = d.abs().to_string();
            let (whole, frac) = s.split_once('.').unwrap_or((&s, "00"));
            let w = whole.parse::<u64>().map_or_else(|_| whole.to_owned(), |n| int(n, lang));
            let sign = if d.is_sign_negative() && !d.is_zero() { "-" } else { "" };
            format!("{sign}{w}{}{frac}%", t(lang, ",", "."))
        },
    )
}

/// A day written out as Decree 30/2020 (Appendix I) asks in Vietnamese — "ngày 06 tháng 12 năm
/// 2026", with a leading zero for days below 10 and for January and February — or "6 December
/// 2026" in English.
pub(crate) fn long_date(d: NaiveDate, lang: Lang) -> String {
    use chrono::Datelike;
    match lang {
        Lang::Vi => {
            let month = if d.month() < 3 { format!("{:02}", d.month()) } else { d.month().to_string() };
            format!("ngày {:02} tháng {month} năm {}", d.day(), d.year())
        }
        Lang::En => format!("{} {}", d.day(), d.format("%B %Y")),
    }
}

/// A date.
pub(crate) fn date(d: NaiveDate, lang: Lang) -> String {
    format_date(d, lang)
}

/// Yes / no / unknown.
pub(crate) fn yes_no(
    b: Option<bool>,
    lang: Lang,
    yes: (&'static str, &'static str),
    no: (&'static str, &'static str),
) -> String {
    match b {
        Some(true) => t(lang, yes.0, yes.1).to_owned(),
        Some(false) => t(lang, no.0, no.1).to_owned(),
        None => "—".to_owned(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_follow_the_language() {
        assert_eq!(int(1_234_567, Lang::Vi), "1.234.567");
        assert_eq!(int(1_234_567, Lang::En), "1,234,567");
        assert_eq!(int(12, Lang::Vi), "12");
        assert_eq!(dec(Decimal::new(123_456_789, 2), Lang::Vi), "1.234.567,89");
        assert_eq!(dec(Decimal::new(855, 1), Lang::En), "85.5");
        assert_eq!(pct(Some(Decimal::new(8550, 2)), Lang::Vi), "85,50%");
        assert_eq!(pct(Some(Decimal::from(25)), Lang::Vi), "25,00%");
        assert_eq!(pct(Some(Decimal::new(75_955, 3)), Lang::En), "75.96%");
        assert_eq!(pct(Some(Decimal::new(-125, 2)), Lang::En), "-1.25%");
        assert_eq!(pct(Some(Decimal::ONE_HUNDRED), Lang::Vi), "100,00%");
        assert_eq!(pct(None, Lang::Vi), "—");
    }

    #[test]
    fn long_dates_follow_decree_30() {
        let d = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
        assert_eq!(long_date(d(2026, 12, 6), Lang::Vi), "ngày 06 tháng 12 năm 2026");
        assert_eq!(long_date(d(2026, 2, 5), Lang::Vi), "ngày 05 tháng 02 năm 2026");
        assert_eq!(long_date(d(2025, 7, 1), Lang::Vi), "ngày 01 tháng 7 năm 2025");
        assert_eq!(long_date(d(2026, 11, 28), Lang::En), "28 November 2026");
    }
}
