//! What changed between two rulebooks, or two versions of one.
//!
//! [`diff`] flattens both sides into `path = value` pairs — arrays of tables that carry an `id`
//! are keyed by it, so a moved indicator is not reported as a change — and lists every path
//! added, removed or changed, in path order.

use std::collections::BTreeMap;
use std::fmt;

use super::{Rulebook, Version};

/// How a path differs.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChangeKind {
    /// Only on the right.
    Added,
    /// Only on the left.
    Removed,
    /// On both sides with different values.
    Changed,
}

/// One difference.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    /// How.
    pub kind: ChangeKind,
    /// Where, e.g. `groups/I/indicators/2/max`.
    pub path: String,
    /// The left value.
    pub before: Option<String>,
    /// The right value.
    pub after: Option<String>,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match (self.kind, &self.before, &self.after) {
            (ChangeKind::Added, _, Some(a)) => write!(f, "+ {}: {a}", self.path),
            (ChangeKind::Removed, Some(b), _) => write!(f, "- {}: {b}", self.path),
            (_, b, a) => write!(
                f,
                "~ {}: {} → {}",
                self.path,
                b.as_deref().unwrap_or("(none)"),
                a.as_deref().unwrap_or("(none)")
            ),
        }
    }
}

/// The differences between two rulebooks.
pub fn diff(left: &Rulebook, right: &Rulebook) -> Vec<Change> {
    compare(flatten(left), flatten(right))
}

/// The differences between two versions (of one rulebook or of two): effective dates, scoring
/// and recognition.
pub fn diff_versions(left: &Version, right: &Version) -> Vec<Change> {
    compare(flatten(left), flatten(right))
}

fn flatten<T: serde::Serialize>(value: &T) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    match toml::Value::try_from(value) {
        Ok(v) => walk("", &v, &mut out),
        Err(e) => {
            out.insert("(unserialisable)".to_owned(), e.to_string());
        }
    }
    out
}

fn join(prefix: &str, key: &str) -> String {
    if prefix.is_empty() { key.to_owned() } else { format!("{prefix}/{key}") }
}

fn walk(prefix: &str, v: &toml::Value, out: &mut BTreeMap<String, String>) {
    match v {
        toml::Value::Table(t) => {
            for (k, v) in t {
                walk(&join(prefix, k), v, out);
            }
        }
        toml::Value::Array(items)
            if items.iter().all(|i| i.get("id").and_then(toml::Value::as_str).is_some()) && !items.is_empty() =>
        {
            for item in items {
                let id = item.get("id").and_then(toml::Value::as_str).unwrap_or_default();
                walk(&join(prefix, id), item, out);
            }
        }
        toml::Value::Array(items) => {
            for (n, item) in items.iter().enumerate() {
                walk(&join(prefix, &n.to_string()), item, out);
            }
        }
        toml::Value::String(s) => {
            out.insert(prefix.to_owned(), s.clone());
        }
        other => {
            out.insert(prefix.to_owned(), other.to_string());
        }
    }
}

fn compare(left: BTreeMap<String, String>, right: BTreeMap<String, String>) -> Vec<Change> {
    let mut out = Vec::new();
    for (path, b) in &left {
        match right.get(path) {
            None => {
                out.push(Change { kind: ChangeKind::Removed, path: path.clone(), before: Some(b.clone()), after: None })
            }
            Some(a) if a != b => out.push(Change {
                kind: ChangeKind::Changed,
                path: path.clone(),
                before: Some(b.clone()),
                after: Some(a.clone()),
            }),
            Some(_) => {}
        }
    }
    for (path, a) in &right {
        if !left.contains_key(path) {
            out.push(Change { kind: ChangeKind::Added, path: path.clone(), before: None, after: Some(a.clone()) });
        }
    }
    out.sort_by(|x, y| x.path.cmp(&y.path));
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rulebook::BUILTIN_FILES;

    fn cdht() -> Rulebook {
        let src = BUILTIN_FILES.iter().find(|(id, _)| *id == "cong-dan-hoc-tap").unwrap().1;
        Rulebook::from_toml(src, "cdht").unwrap()
    }

    #[test]
    fn a_rulebook_does_not_differ_from_itself() {
        assert!(diff(&cdht(), &cdht()).is_empty());
    }

    #[test]
    fn the_pilot_and_qd324_differ_in_the_pass_mark() {
        let rb = cdht();
        let changes = diff_versions(&rb.versions[0], &rb.versions[1]);
        let pass = changes.iter().find(|c| c.path == "scoring/bands/dat/min_total").unwrap();
        assert_eq!((pass.before.as_deref(), pass.after.as_deref()), (Some("70"), Some("80")));
        assert!(changes.iter().any(|c| c.path == "valid_to" && c.kind == ChangeKind::Removed));
    }

    #[test]
    fn edits_are_reported_by_id_path() {
        let a = cdht();
        let mut b = cdht();
        b.groups[1].indicators[2].max = Some(rust_decimal::Decimal::from(8));
        b.groups[1].max = Some(rust_decimal::Decimal::from(38));
        b.groups[2].indicators.pop();
        let changes: Vec<String> = diff(&a, &b).iter().map(ToString::to_string).collect();
        assert!(changes.contains(&"~ groups/II/indicators/7/max: 10 → 8".to_owned()), "{changes:#?}");
        assert!(changes.iter().any(|c| c.starts_with("- groups/III/indicators/10/")), "{changes:#?}");
    }
}
