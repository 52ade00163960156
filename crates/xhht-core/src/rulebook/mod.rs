//! Rulebooks: the rules as versioned, cited data.
//!
//! A rulebook is a TOML file (format: `docs/rulebook-format.md`) that holds one criteria set —
//! "Công dân học tập" under QĐ 324/QĐ-KHVN, "Đơn vị học tập" under TT 24/2023, the Cần Đước plan's
//! emulation criteria and targets, … — with dated versions, and a citation and a provenance on
//! every version, group, indicator and threshold. [`Rulebook::from_toml`] parses one file;
//! [`validate`] checks it statically and returns every problem as a [`Diagnostic`] naming the file
//! and the rule; [`RulebookSet`] holds several (the embedded defaults from [`RulebookSet::builtin`],
//! or files from a folder) and picks the version in force for a data year.
//!
//! What this module does not do: evaluate anything. Scoring lives in `xhht-scoring`.

mod builtin;
mod diff;
mod fact;
mod model;
mod validate;

use std::fmt;
use std::path::Path;

use chrono::NaiveDate;
use sha2::{Digest, Sha256};

pub use builtin::BUILTIN_FILES;
pub use diff::{Change, ChangeKind, diff, diff_versions};
pub use fact::FactSource;
pub use model::*;
pub use validate::{validate, validate_set};

use crate::error::{Error, Result};
use crate::plan::Plan;
use crate::title::Title;

/// How serious a [`Diagnostic`] is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
#[non_exhaustive]
pub enum Severity {
    /// The rulebook cannot be used.
    Error,
    /// Usable, but probably a mistake.
    Warning,
    /// Information: an element is `assumed`, not verified.
    Assumed,
}

impl Severity {
    /// `error`, `warning` or `assumed`.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Error => "error",
            Self::Warning => "warning",
            Self::Assumed => "assumed",
        }
    }
}

/// One finding of the static check.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    /// How serious.
    pub severity: Severity,
    /// The file (or embedded name) checked.
    pub file: String,
    /// The rule, as a path from the rulebook id, e.g. `cong-dan-hoc-tap/groups/I/indicators/2`.
    pub rule: String,
    /// A stable short code, e.g. `duplicate-id`, `points-sum`, `version-gap`.
    pub code: &'static str,
    /// What is wrong, in English.
    pub message: String,
}

/// Formats as `file: severity[code]: rule: message`.
impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}[{}]: {}: {}", self.file, self.severity.as_str(), self.code, self.rule, self.message)
    }
}

/// A rulebook together with where it came from and the hash of its text.
#[derive(Debug, Clone, PartialEq)]
pub struct LoadedRulebook {
    /// The parsed rulebook.
    pub rulebook: Rulebook,
    /// The file it came from (or `<id>.toml (embedded)`).
    pub origin: String,
    /// SHA-256 of the file's bytes, in lower-case hex: what an evaluation records to say
    /// exactly which rules it used.
    pub content_hash: String,
}

impl Rulebook {
    /// Parses a rulebook from TOML text without validating it; `origin` names the file in errors.
    pub fn from_toml(src: &str, origin: &str) -> Result<Rulebook> {
        toml::from_str(src).map_err(|e| Error::toml(origin, src, &e))
    }

    /// The rulebook's id.
    pub fn id(&self) -> &str {
        &self.rulebook.id
    }

    /// Every indicator, in source order, with its group.
    pub fn indicators(&self) -> impl Iterator<Item = (&Group, &Indicator)> {
        self.groups.iter().flat_map(|g| g.indicators.iter().map(move |i| (g, i)))
    }

    /// The indicator with this id.
    pub fn indicator(&self, id: &str) -> Option<(&Group, &Indicator)> {
        self.indicators().find(|(_, i)| i.id == id)
    }

    /// The subject a group evaluates (its own, else the rulebook's).
    pub fn subject_of(&self, group: &Group) -> Option<Subject> {
        group.subject.or(self.rulebook.subject)
    }

    /// The version with this id.
    pub fn version(&self, id: &str) -> Option<&Version> {
        self.versions.iter().find(|v| v.id == id)
    }

    /// The day that decides which version applies to data year `year`.
    pub fn reference_day(&self, year: i32) -> Option<NaiveDate> {
        match self.rulebook.version_selection {
            VersionSelection::EndOfDataYear => NaiveDate::from_ymd_opt(year, 12, 31),
            VersionSelection::StartOfDataYear => NaiveDate::from_ymd_opt(year, 1, 1),
        }
    }

    /// The version in force for data year `year`, if any.
    pub fn version_for_year(&self, year: i32) -> Option<&Version> {
        let day = self.reference_day(year)?;
        self.version_on(day)
    }

    /// The version in force on `day`, if any.
    pub fn version_on(&self, day: NaiveDate) -> Option<&Version> {
        self.versions.iter().find(|v| v.in_force_on(day))
    }

    /// The first day any version is in force, and the last (None while open-ended).
    pub fn in_force(&self) -> Option<(NaiveDate, Option<NaiveDate>)> {
        let from = self.versions.iter().map(|v| v.valid_from).min()?;
        let to = if self.versions.iter().any(|v| v.valid_to.is_none()) {
            None
        } else {
            self.versions.iter().filter_map(|v| v.valid_to).max()
        };
        Some((from, to))
    }

    /// Every `assumed` element, as (rule path, note) pairs, in file order.
    pub fn assumed_items(&self) -> Vec<(String, crate::text::Text)> {
        validate::assumed_items(self)
    }
}

impl LoadedRulebook {
    /// Parses and validates `src`: returns the rulebook when no diagnostic is an error, and
    /// [`Error::InvalidRulebook`] listing every error otherwise.
    pub fn from_toml(src: &str, origin: &str, plans: &[&Plan]) -> Result<LoadedRulebook> {
        let rulebook = Rulebook::from_toml(src, origin)?;
        let errors: Vec<Diagnostic> =
            validate(&rulebook, origin, plans).into_iter().filter(|d| d.severity == Severity::Error).collect();
        if !errors.is_empty() {
            return Err(Error::InvalidRulebook { origin: origin.to_owned(), diagnostics: errors });
        }
        Ok(LoadedRulebook { rulebook, origin: origin.to_owned(), content_hash: sha256_hex(src.as_bytes()) })
    }

    /// Reads, parses and validates a rulebook file.
    pub fn from_path(path: &Path, plans: &[&Plan]) -> Result<LoadedRulebook> {
        let origin = path.display().to_string();
        let src = std::fs::read_to_string(path).map_err(|source| Error::Io { path: origin.clone(), source })?;
        Self::from_toml(&src, &origin, plans)
    }
}

/// Lower-case hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push(char::from_digit(u32::from(b >> 4), 16).unwrap_or('0'));
        out.push(char::from_digit(u32::from(b & 0xf), 16).unwrap_or('0'));
    }
    out
}

/// A set of rulebooks with unique ids.
#[derive(Debug, Clone, Default)]
pub struct RulebookSet {
    books: Vec<LoadedRulebook>,
}

impl RulebookSet {
    /// The rulebooks shipped with xhht, embedded in the crate and validated by its tests.
    pub fn builtin() -> &'static RulebookSet {
        builtin::builtin()
    }

    /// Builds a set, checking each rulebook and the set as a whole (unique ids, no two rulebooks
    /// deciding the same title for the same subject on the same day).
    pub fn new(books: Vec<LoadedRulebook>) -> Result<RulebookSet> {
        let set = RulebookSet { books };
        let errors: Vec<Diagnostic> =
            validate_set(&set).into_iter().filter(|d| d.severity == Severity::Error).collect();
        if errors.is_empty() {
            Ok(set)
        } else {
            Err(Error::InvalidRulebook { origin: "rulebook set".to_owned(), diagnostics: errors })
        }
    }

    /// Loads every `*.toml` file of a folder (sorted by name) as rulebooks.
    pub fn from_dir(dir: &Path, plans: &[&Plan]) -> Result<RulebookSet> {
        let origin = dir.display().to_string();
        let io = |source| Error::Io { path: origin.clone(), source };
        let mut paths: Vec<_> = std::fs::read_dir(dir)
            .map_err(io)?
            .filter_map(|e| e.ok().map(|e| e.path()))
            .filter(|p| p.extension().is_some_and(|x| x == "toml"))
            .collect();
        paths.sort();
        let books = paths.iter().map(|p| LoadedRulebook::from_path(p, plans)).collect::<Result<Vec<_>>>()?;
        Self::new(books)
    }

    /// Every rulebook, in load order.
    pub fn iter(&self) -> impl Iterator<Item = &LoadedRulebook> {
        self.books.iter()
    }

    /// The number of rulebooks.
    pub fn len(&self) -> usize {
        self.books.len()
    }

    /// True when the set holds no rulebook.
    pub fn is_empty(&self) -> bool {
        self.books.is_empty()
    }

    /// The rulebook with this id.
    pub fn get(&self, id: &str) -> Result<&LoadedRulebook> {
        self.books.iter().find(|b| b.rulebook.id() == id).ok_or_else(|| Error::UnknownRulebook(id.to_owned()))
    }

    /// The rulebook deciding `title` for `subject` that is in force for data year `year` — the
    /// regime that applies (e.g. TT 22/2020 for "Đơn vị học tập" in 2023, TT 24/2023 from 2024).
    pub fn regime_for(&self, title: Title, subject: Subject, year: i32) -> Option<&LoadedRulebook> {
        self.books.iter().find(|b| {
            let r = &b.rulebook;
            r.rulebook.decides == Some(title)
                && r.groups.iter().any(|g| r.subject_of(g) == Some(subject))
                && r.version_for_year(year).is_some()
        })
    }
}

#[cfg(test)]
mod tests;
