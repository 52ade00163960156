//! Bilingual text: Vietnamese first, English beside it.

use std::fmt;

use serde::{Deserialize, Serialize};

/// A language a user-facing label can be shown in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Lang {
    /// Vietnamese, the first language of every label.
    #[default]
    Vi,
    /// English.
    En,
}

impl Lang {
    /// Parses `vi` or `en` (case-insensitive).
    pub fn parse(s: &str) -> Option<Self> {
        match s.to_ascii_lowercase().as_str() {
            "vi" => Some(Self::Vi),
            "en" => Some(Self::En),
            _ => None,
        }
    }

    /// The two-letter code.
    pub fn code(self) -> &'static str {
        match self {
            Self::Vi => "vi",
            Self::En => "en",
        }
    }
}

impl fmt::Display for Lang {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.code())
    }
}

/// A text in Vietnamese and English. The Vietnamese text is authoritative.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Text {
    /// The Vietnamese text.
    pub vi: String,
    /// The English text.
    pub en: String,
}

impl Text {
    /// Builds a text from its two languages.
    pub fn new(vi: impl Into<String>, en: impl Into<String>) -> Self {
        Self { vi: vi.into(), en: en.into() }
    }

    /// The text in `lang`.
    pub fn get(&self, lang: Lang) -> &str {
        match lang {
            Lang::Vi => &self.vi,
            Lang::En => &self.en,
        }
    }

    /// True when either language is empty or only whitespace.
    pub fn is_incomplete(&self) -> bool {
        self.vi.trim().is_empty() || self.en.trim().is_empty()
    }
}

/// Formats a label as "Vietnamese (English)", the form used where both languages are shown.
impl fmt::Display for Text {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.vi == self.en { f.write_str(&self.vi) } else { write!(f, "{} ({})", self.vi, self.en) }
    }
}

/// Formats a date the way each language's officials write it: `dd/mm/yyyy` in Vietnamese,
/// ISO `yyyy-mm-dd` in English.
pub fn format_date(date: chrono::NaiveDate, lang: Lang) -> String {
    match lang {
        Lang::Vi => date.format("%d/%m/%Y").to_string(),
        Lang::En => date.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates_follow_the_language() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 12, 10).unwrap();
        assert_eq!(format_date(d, Lang::Vi), "10/12/2026");
        assert_eq!(format_date(d, Lang::En), "2026-12-10");
    }

    #[test]
    fn display_shows_both_languages() {
        assert_eq!(Text::new("Đạt", "Achieved").to_string(), "Đạt (Achieved)");
        assert_eq!(Text::new("x", "x").to_string(), "x");
        assert!(Text::new("Đạt", " ").is_incomplete());
    }
}
