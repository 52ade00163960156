//! Who issues a report on a given day: the letterhead of the Decree 30/2020 layout (the body
//! above and the issuing body, the number symbol, the place, the recipients and the signature
//! block), each valid for a span of days.
//!
//! The bodies of the movement changed on 01/07/2025 (no district tier; Long An merged into Tây
//! Ninh), so a report takes the letterhead in force on its date ([`Issuers::on`]), never a
//! fixed text. The defaults for the Cần Đước plan ship embedded ([`Issuers::can_duoc`]); a
//! deployment loads its own from a TOML file of the same shape ([`Issuers::from_toml`]).

use std::sync::OnceLock;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::error::{Error, Result};
use crate::text::Text;

const CAN_DUOC: &str = include_str!("../data/issuers/can-duoc.toml");

/// A letterhead valid for a span of days.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuer {
    /// A stable id, e.g. `bcd-huyen-can-duoc`.
    pub id: String,
    /// What reports it issues: absent for the whole plan area's; `commune:CODE`, `org:CODE` or
    /// `actor:ID` (e.g. `actor:actor.phong-gddt`) for that one scope's, which then take it in
    /// place of the letterhead made from the body in force for the scope.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub scope: Option<String>,
    /// The first day it is in force (absent: since always).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::date::de_opt_date")]
    pub valid_from: Option<NaiveDate>,
    /// The last day it is in force (absent: still in force).
    #[serde(default, skip_serializing_if = "Option::is_none", deserialize_with = "crate::date::de_opt_date")]
    pub valid_until: Option<NaiveDate>,
    /// The body the issuer belongs to, printed above it (e.g. "UBND huyện Cần Đước").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub parent: Option<Text>,
    /// The issuing body (e.g. "Ban Chỉ đạo xây dựng xã hội học tập").
    pub body: Text,
    /// The symbol after the number, e.g. `BC-BCĐ` ("Số: …/BC-BCĐ").
    pub symbol: String,
    /// The place written before the date (the issuer's seat).
    pub place: Text,
    /// The area a whole-plan report covers in this span, in words (e.g. "huyện Cần Đước").
    pub area: Text,
    /// The line above the signatory when signing for a collective body ("TM. BAN CHỈ ĐẠO").
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub on_behalf: Option<Text>,
    /// The signatory's title ("TRƯỞNG BAN").
    pub signatory: Text,
    /// The signer's name, when the deployment sets it (absent: a blank line for the name).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub signer: Option<String>,
    /// Who receives the report ("Nơi nhận"), in order; "Lưu: VT" last.
    pub recipients: Vec<Text>,
    /// Whether this letterhead is an assumption rather than taken from a source.
    pub assumed: bool,
    /// Where it comes from.
    pub source: String,
}

impl Issuer {
    /// Whether it is in force on `day`.
    pub fn in_force(&self, day: NaiveDate) -> bool {
        self.valid_from.is_none_or(|f| f <= day) && self.valid_until.is_none_or(|u| day <= u)
    }
}

/// The letterheads of a deployment, at most one in force on any day.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Issuers {
    /// The letterheads, in date order.
    pub issuers: Vec<Issuer>,
}

impl Issuers {
    /// The embedded defaults of the Cần Đước plan: its district steering committee until
    /// 30/06/2025, then an assumed provincial body (see `data/issuers/can-duoc.toml`).
    pub fn can_duoc() -> &'static Issuers {
        static ISSUERS: OnceLock<Issuers> = OnceLock::new();
        ISSUERS.get_or_init(|| {
            #[allow(clippy::expect_used, reason = "embedded data, checked by this crate's tests")]
            Issuers::from_toml(CAN_DUOC, "issuers/can-duoc.toml (embedded)").expect("the embedded issuers are valid")
        })
    }

    /// Parses and checks letterheads from TOML text; `origin` names the file in errors. Every
    /// text must be given in both languages, a span must not end before it starts, and two
    /// spans must not overlap.
    pub fn from_toml(src: &str, origin: &str) -> Result<Issuers> {
        let issuers: Issuers = toml::from_str(src).map_err(|e| Error::toml(origin, src, &e))?;
        let problems = issuers.check();
        if problems.is_empty() {
            Ok(issuers)
        } else {
            Err(Error::Invalid { entity: origin.to_owned(), field: "issuers", message: problems.join("; ") })
        }
    }

    /// The whole plan area's letterhead in force on `day`, if any.
    pub fn on(&self, day: NaiveDate) -> Option<&Issuer> {
        self.issuers.iter().find(|i| i.scope.is_none() && i.in_force(day))
    }

    /// The letterhead the file names for `scope` (`commune:CODE`, `org:CODE`, `actor:ID`) in
    /// force on `day`, if any.
    pub fn for_scope(&self, day: NaiveDate, scope: &str) -> Option<&Issuer> {
        self.issuers.iter().find(|i| i.scope.as_deref() == Some(scope) && i.in_force(day))
    }

    fn check(&self) -> Vec<String> {
        let mut problems = Vec::new();
        if self.issuers.is_empty() {
            problems.push("no issuer is given".to_owned());
        }
        if !self.issuers.iter().any(|i| i.scope.is_none()) {
            problems.push("no issuer is given for the whole plan area (one without `scope`)".to_owned());
        }
        for i in &self.issuers {
            if let Some(scope) = &i.scope {
                let known = ["commune:", "org:", "actor:"];
                if !known.iter().any(|k| scope.strip_prefix(k).is_some_and(|rest| !rest.trim().is_empty())) {
                    problems.push(format!("{}: scope `{scope}` is none of commune:CODE, org:CODE, actor:ID", i.id));
                }
            }
            let mut texts =
                vec![("body", &i.body), ("place", &i.place), ("area", &i.area), ("signatory", &i.signatory)];
            if let Some(p) = &i.parent {
                texts.push(("parent", p));
            }
            if let Some(b) = &i.on_behalf {
                texts.push(("on_behalf", b));
            }
            texts.extend(i.recipients.iter().map(|r| ("recipients", r)));
            for (field, t) in texts {
                if t.is_incomplete() {
                    problems.push(format!("{}: {field} needs both vi and en", i.id));
                }
            }
            if i.symbol.trim().is_empty() {
                problems.push(format!("{}: symbol is empty", i.id));
            }
            if let (Some(f), Some(u)) = (i.valid_from, i.valid_until)
                && u < f
            {
                problems.push(format!("{}: valid_until {u} is before valid_from {f}", i.id));
            }
        }
        for (n, a) in self.issuers.iter().enumerate() {
            for b in self.issuers[n + 1..].iter().filter(|b| b.scope == a.scope) {
                let starts = |x: &Issuer| x.valid_from.unwrap_or(NaiveDate::MIN);
                let ends = |x: &Issuer| x.valid_until.unwrap_or(NaiveDate::MAX);
                if starts(a) <= ends(b) && starts(b) <= ends(a) {
                    problems.push(format!("{} and {} are both in force on {}", a.id, b.id, starts(a).max(starts(b))));
                }
            }
        }
        problems
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn day(y: i32, m: u32, d: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN)
    }

    #[test]
    fn the_defaults_change_on_the_first_of_july_2025() {
        let i = Issuers::can_duoc();
        let before = i.on(day(2025, 6, 30)).map(|x| x.id.as_str());
        let after = i.on(day(2025, 7, 1)).map(|x| x.id.as_str());
        assert_eq!(before, Some("bcd-huyen-can-duoc"));
        assert_eq!(after, Some("so-gddt-tay-ninh"));
        assert!(!i.on(day(2024, 1, 1)).is_some_and(|x| x.assumed), "the plan's own issuer is from the source");
        assert!(i.on(day(2026, 12, 6)).is_some_and(|x| x.assumed), "the post-2025 default is an assumption");
        assert_eq!(i.on(day(2026, 12, 6)).map(|x| x.recipients.last().map(|r| r.vi.as_str())), Some(Some("Lưu: VT")));
    }

    #[test]
    fn a_scope_takes_its_own_letterhead_and_spans_overlap_only_within_a_scope() {
        let one = |id: &str, scope: &str, body: &str| {
            format!(
                "[[issuers]]\nid = \"{id}\"\n{scope}body = {{ vi = \"{body}\", en = \"{body}\" }}\nsymbol = \"BC\"\n\
                 place = {{ vi = \"X\", en = \"X\" }}\narea = {{ vi = \"X\", en = \"X\" }}\n\
                 signatory = {{ vi = \"CHỦ TỊCH\", en = \"CHAIR\" }}\nrecipients = []\nassumed = false\nsource = \"test\"\n"
            )
        };
        let text = one("all", "", "Sở GD&ĐT") + &one("xa", "scope = \"commune:72001\"\n", "UBND xã Cần Đước");
        let i = Issuers::from_toml(&text, "s.toml").unwrap_or_else(|e| panic!("{e}"));
        let d = day(2026, 12, 6);
        assert_eq!(i.on(d).map(|x| x.id.as_str()), Some("all"), "the whole area's is the one without a scope");
        assert_eq!(i.for_scope(d, "commune:72001").map(|x| x.id.as_str()), Some("xa"));
        assert!(i.for_scope(d, "commune:72002").is_none());
        let bad = one("all", "", "A") + &one("x", "scope = \"ward 7\"\n", "B");
        let e = Issuers::from_toml(&bad, "b.toml").map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("x: scope `ward 7` is none of"), "{e}");
        let only_scoped = one("x", "scope = \"org:A\"\n", "B");
        let e = Issuers::from_toml(&only_scoped, "o.toml").map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("no issuer is given for the whole plan area"), "{e}");
    }

    #[test]
    fn overlapping_or_reversed_spans_and_half_texts_are_refused() {
        let one = |id: &str, from: &str, until: &str, en: &str| {
            format!(
                "[[issuers]]\nid = \"{id}\"\n{from}{until}body = {{ vi = \"BCĐ\", en = \"{en}\" }}\nsymbol = \"BC\"\n\
                 place = {{ vi = \"X\", en = \"X\" }}\narea = {{ vi = \"X\", en = \"X\" }}\n\
                 signatory = {{ vi = \"TRƯỞNG BAN\", en = \"HEAD\" }}\nrecipients = []\nassumed = false\nsource = \"test\"\n"
            )
        };
        let ok = one("a", "", "valid_until = 2025-06-30\n", "SC") + &one("b", "valid_from = 2025-07-01\n", "", "SC");
        assert!(Issuers::from_toml(&ok, "ok.toml").is_ok());
        let overlap =
            one("a", "", "valid_until = 2025-07-01\n", "SC") + &one("b", "valid_from = 2025-07-01\n", "", "SC");
        let e = Issuers::from_toml(&overlap, "o.toml").map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("a and b are both in force on 2025-07-01"), "{e}");
        let reversed = one("a", "valid_from = 2025-07-01\n", "valid_until = 2025-06-30\n", "SC");
        let e = Issuers::from_toml(&reversed, "r.toml").map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("valid_until 2025-06-30 is before valid_from 2025-07-01"), "{e}");
        let half = one("a", "", "", "");
        let e = Issuers::from_toml(&half, "h.toml").map(|_| ()).unwrap_err().to_string();
        assert!(e.contains("a: body needs both vi and en"), "{e}");
        let e = Issuers::from_toml("[[issuers]]\nid = 3\n", "bad.toml").map(|_| ()).unwrap_err().to_string();
        assert!(e.starts_with("bad.toml:2:"), "{e}");
    }
}
