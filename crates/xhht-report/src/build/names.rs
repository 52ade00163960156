//! Names instead of codes in the reasons a report prints: an organisation's code becomes its
//! name in the text itself (not personal data); a person's id stays in the text, and the report
//! carries the names of the people its reasons mention ([`Report::people_named`]), which a
//! report for a reader who may not see names leaves out — the reader then sees the codes. A
//! report built without the register of people (from digests) names them afterwards
//! ([`Report::fill_names`]).

use std::collections::{BTreeMap, HashMap, HashSet};

use xhht_core::entity::Person;

use xhht_core::Text;

use super::Records;
use crate::model::Report;

/// The words of `s` that could be codes: runs of letters, digits and `-`.
fn words(s: &str) -> impl Iterator<Item = &str> {
    s.split(|c: char| !(c.is_alphanumeric() || c == '-')).filter(|w| w.len() >= 3)
}

fn rename(text: &mut Text, orgs: &HashMap<&str, &str>) {
    for s in [&mut text.vi, &mut text.en] {
        let found: Vec<(String, String)> =
            words(s).filter_map(|w| orgs.get(w).map(|name| (w.to_owned(), (*name).to_owned()))).collect();
        for (code, name) in found {
            *s = replace_word(s, &code, &name);
        }
    }
}

/// `s` with every whole-word `code` replaced by `name`.
fn replace_word(s: &str, code: &str, name: &str) -> String {
    let part = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric() || c == '-');
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(at) = rest.find(code) {
        let before = rest[..at].chars().next_back().or_else(|| out.chars().next_back());
        let after = rest[at + code.len()..].chars().next();
        out.push_str(&rest[..at]);
        out.push_str(if part(before) || part(after) { code } else { name });
        rest = &rest[at + code.len()..];
    }
    out.push_str(rest);
    out
}

/// Puts organisation names in the reasons of `report` and notes the code-like words left in
/// them: the ids of people they may mention, named by [`Report::fill_names`] from the register
/// (or the few people it looks up), which keeps only the ones it finds.
pub(super) fn name_codes(report: &mut Report, records: &Records<'_>) {
    let orgs: HashMap<&str, &str> = records.organisations.iter().map(|o| (o.code.as_str(), o.name.as_str())).collect();
    let mut named = BTreeMap::new();
    let reasons = report
        .criteria
        .unmet
        .iter_mut()
        .flat_map(|u| u.reasons.iter_mut())
        .chain(report.rewards.eligible.iter_mut().flat_map(|r| r.reasons.iter_mut()));
    for text in reasons {
        rename(text, &orgs);
        for w in words(&text.vi).filter(|w| w.chars().any(|c| c.is_ascii_digit()) && !orgs.contains_key(w)) {
            named.insert(w.to_owned(), String::new());
        }
    }
    report.people_named = named;
}

/// `text` with the ids of `named` people replaced by their names.
pub fn with_names(text: &str, named: &BTreeMap<String, String>) -> String {
    if named.is_empty() {
        return text.to_owned();
    }
    let mut out = text.to_owned();
    let found: Vec<&str> = words(text).filter(|w| named.contains_key(*w)).collect();
    for id in found {
        if let Some(name) = named.get(id).filter(|n| !n.is_empty()) {
            out = replace_word(&out, id, name);
        }
    }
    out
}

impl Report {
    /// The ids of the people the report lists (not meeting the criteria, eligible for a
    /// reward) or its reasons may mention, whose names are not filled in yet.
    pub fn unnamed_people(&self) -> Vec<String> {
        let mut ids: Vec<String> = self
            .criteria
            .unmet
            .iter()
            .filter(|u| u.subject == "person" && u.name.is_empty())
            .map(|u| u.id.clone())
            .chain(
                self.rewards
                    .eligible
                    .iter()
                    .filter(|r| r.subject == "person" && r.name.is_empty())
                    .map(|r| r.id.clone()),
            )
            .chain(self.people_named.iter().filter(|(_, name)| name.is_empty()).map(|(id, _)| id.clone()))
            .collect();
        ids.sort_unstable();
        ids.dedup();
        ids
    }

    /// Fills in the names of the people the report lists from `people` (a register or just the
    /// people [`Report::unnamed_people`] asked for).
    pub fn fill_names<'p>(&mut self, people: impl IntoIterator<Item = &'p Person>) {
        let wanted: HashSet<String> = self.unnamed_people().into_iter().collect();
        if wanted.is_empty() {
            return;
        }
        let mut given = false;
        let names: HashMap<&str, &str> = people
            .into_iter()
            .inspect(|_| given = true)
            .filter(|p| wanted.contains(&p.id))
            .map(|p| (p.id.as_str(), p.full_name.as_str()))
            .collect();
        for u in self.criteria.unmet.iter_mut().filter(|u| u.subject == "person") {
            if let Some(n) = names.get(u.id.as_str()) {
                (*n).clone_into(&mut u.name);
            }
        }
        for r in self.rewards.eligible.iter_mut().filter(|r| r.subject == "person") {
            if let Some(n) = names.get(r.id.as_str()) {
                (*n).clone_into(&mut r.name);
            }
        }
        for (id, name) in &mut self.people_named {
            if let Some(n) = names.get(id.as_str()) {
                (*n).clone_into(name);
            }
        }
        // The words looked up and not found are not people (given no one, nothing is known yet).
        if given {
            self.people_named.retain(|_, name| !name.is_empty());
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn whole_codes_are_replaced_and_nothing_else() {
        assert_eq!(
            replace_word("thủ trưởng TH-80601 ngày đó; TH-806010 khác", "TH-80601", "Trường Tiểu học"),
            "thủ trưởng Trường Tiểu học ngày đó; TH-806010 khác"
        );
        let named = BTreeMap::from([("CB0000001".to_owned(), "Nguyễn Văn A".to_owned())]);
        assert_eq!(
            with_names("CB0000001 phê duyệt, CB00000011 không", &named),
            "Nguyễn Văn A phê duyệt, CB00000011 không"
        );
        assert_eq!(with_names("CB0000001", &BTreeMap::new()), "CB0000001");
    }
}
