//! Where a rule comes from: citations and provenance.
//!
//! Every element of the plan and of a rulebook says which document (and article, or plan section
//! id) it rests on, and whether its content was **verified** from that source or is **assumed**
//! because the source is incomplete. An assumed element always carries a note saying what is not
//! known, so no number is ever presented as the law when it is not.

use std::fmt;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::text::Text;

/// A reference to the source of a rule.
///
/// At least one of `document` and `plan` is set (the rulebook validator checks this).
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Citation {
    /// The legal or administrative document, e.g. `TT 24/2023/TT-BGDĐT`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub document: Option<String>,
    /// The article, clause or point inside the document, e.g. `Điều 6, khoản 2, điểm a`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub article: Option<String>,
    /// A stable id of a section of the plan, e.g. `criterion.individual.2` (see `plan.en.md`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub plan: Option<String>,
    /// The research source id in `criteria.md`, e.g. `S100`, or a URL.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub source: Option<String>,
}

impl Citation {
    /// A citation of a plan section id.
    pub fn plan(id: impl Into<String>) -> Self {
        Self { plan: Some(id.into()), ..Self::default() }
    }

    /// A citation of a document and an article.
    pub fn document(document: impl Into<String>, article: Option<&str>) -> Self {
        Self { document: Some(document.into()), article: article.map(str::to_owned), ..Self::default() }
    }

    /// True when nothing is cited.
    pub fn is_empty(&self) -> bool {
        self.document.is_none() && self.plan.is_none()
    }
}

/// Formats as `document, article §plan-id`, e.g. `TT 24/2023/TT-BGDĐT, Điều 6` or
/// `§criterion.individual.2`.
impl fmt::Display for Citation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let mut wrote = false;
        if let Some(doc) = &self.document {
            f.write_str(doc)?;
            wrote = true;
        }
        if let Some(article) = &self.article {
            if wrote {
                f.write_str(", ")?;
            }
            f.write_str(article)?;
            wrote = true;
        }
        if let Some(plan) = &self.plan {
            if wrote {
                f.write_str(" ")?;
            }
            write!(f, "§{plan}")?;
        }
        Ok(())
    }
}

/// Whether an element was read in its source or had to be assumed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "lowercase", deny_unknown_fields)]
#[derive(Default)]
pub enum Provenance {
    /// Read in the cited source (directly or as a secondary source quotes it).
    #[default]
    Verified,
    /// Not given by the sources; the note says what is not known and why this value was chosen.
    Assumed {
        /// What is not known, in Vietnamese and English.
        note: Text,
    },
}

impl Provenance {
    /// True for [`Provenance::Assumed`].
    pub fn is_assumed(&self) -> bool {
        matches!(self, Self::Assumed { .. })
    }

    /// The note of an assumed element.
    pub fn note(&self) -> Option<&Text> {
        match self {
            Self::Verified => None,
            Self::Assumed { note } => Some(note),
        }
    }
}

/// A document a rulebook or plan rests on.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct SourceDocument {
    /// Number and symbol, e.g. `QĐ 324/QĐ-KHVN`.
    pub document: String,
    /// Its title.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub title: Option<Text>,
    /// The date it was signed.
    #[serde(default, deserialize_with = "crate::date::de_opt_date", skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    /// The date it took effect, when known.
    #[serde(default, deserialize_with = "crate::date::de_opt_date", skip_serializing_if = "Option::is_none")]
    pub effective: Option<NaiveDate>,
    /// Who issued it.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub issuer: Option<Text>,
    /// Where a copy can be read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub url: Option<String>,
}
