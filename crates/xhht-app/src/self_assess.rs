//! A self-assessment as a form: the indicators a person or a unit assesses itself on, under the
//! rulebook in force for the year, with the values written so far and the evidence files
//! attached — and the form's fields read back into a self-assessment, every problem named by
//! its field. Both front-ends' browser pages use this; the JSON API sends the values directly.
//!
//! Which indicators a form holds: those of the rulebook deciding the subject's title
//! ("Công dân học tập" for a person, "Đơn vị học tập" for a unit) in force for the data year,
//! that assess the subject's kind, apply to it (an organisation's tags) and are entered by an
//! evaluator (an indicator the engine takes from other records — registrations, members'
//! titles — is not asked).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use xhht_core::Title;
use xhht_core::access::Action;
use xhht_core::record::{Assessment, IndicatorValue, SubjectRef, Value};
use xhht_core::rulebook::{IndicatorKind, RulebookSet, Subject};
use xhht_core::text::Text;
use xhht_store::WriteReport;

use crate::App;
use crate::auth::AuthUser;
use crate::error::{Error, FieldProblem, Result};
use crate::evidence::Evidence;
use crate::records::{check_year, require};

/// The most fields a self-assessment form is read from (a rulebook has a few dozen indicators,
/// each with at most three fields).
pub const MAX_FORM_FIELDS: usize = 400;
/// The longest evidence note on one indicator, in characters.
pub const MAX_NOTE_CHARS: usize = 500;

/// One indicator on a self-assessment form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct FormField {
    /// The indicator's id in the rulebook (the form's field names are built from it).
    pub id: String,
    /// Its group's name.
    pub group: Text,
    /// What is checked.
    pub title: Text,
    /// `yes-no`, `score`, `share`, `count` or `deadline`.
    pub kind: &'static str,
    /// Scores: the maximum points, as written (`10`).
    pub max: Option<String>,
    /// Counts: what is counted.
    pub unit: Option<Text>,
    /// Shares: who the denominator counts and what the numerator meets.
    pub share_of: Option<Text>,
    /// A value without evidence fails.
    pub evidence_required: bool,
    /// Scores: how many decimal places a value may have.
    pub precision: u32,
    /// The value written so far, as the form shows it: `yes`/`no`, a number with a decimal
    /// comma, a date `yyyy-mm-dd`; for shares the numerator.
    pub value: String,
    /// Shares: the denominator written so far.
    pub denominator: String,
    /// The evidence note written so far.
    pub note: String,
}

/// A subject's self-assessment of a year as a form.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SelfAssessmentForm {
    /// `person` or `organisation`.
    pub subject_kind: &'static str,
    /// The person's id or the organisation's code.
    pub subject: String,
    /// The person's or the organisation's name.
    pub name: String,
    /// The data year.
    pub year: i32,
    /// The rulebook in force for the year.
    pub rulebook: String,
    /// Its name.
    pub rulebook_title: Text,
    /// Its source document (e.g. `QĐ 324/QĐ-KHVN`).
    pub document: String,
    /// The indicators, in the rulebook's order.
    pub fields: Vec<FormField>,
    /// The stored self-assessment's version, when one was written.
    pub version: Option<i64>,
    /// The day it was last written.
    pub written_on: Option<NaiveDate>,
    /// The caller may write it (the person through their own account, the unit, an
    /// administrator) and it is still open.
    pub may_write: bool,
    /// The official assessment exists: the self-assessment is closed.
    pub closed: bool,
    /// The evidence files attached to the assessment.
    pub evidence: Vec<Evidence>,
    /// The caller may attach and remove evidence files.
    pub may_attach: bool,
}

fn title_of(subject: &SubjectRef) -> Result<(Title, Subject)> {
    match subject {
        SubjectRef::Person(_) => Ok((Title::CongDanHocTap, Subject::Person)),
        SubjectRef::Organisation(_) => Ok((Title::DonViHocTap, Subject::Organisation)),
        _ => Err(Error::invalid(
            "subject",
            "tự đánh giá trên trang này dành cho một người hoặc một đơn vị / self-assessment here is for a person or a unit",
        )),
    }
}

fn shown(d: Decimal) -> String {
    d.normalize().to_string().replace('.', ",")
}

/// A decimal as a person types it: `8,5` or `8.5`.
fn parse_decimal(s: &str) -> Option<Decimal> {
    let t = s.trim().replace(',', ".");
    if t.is_empty() || t.len() > 20 {
        return None;
    }
    t.parse::<Decimal>().ok()
}

fn parse_count(s: &str) -> Option<u64> {
    let t = s.trim();
    if t.is_empty() || t.len() > 12 {
        return None;
    }
    t.parse::<u64>().ok()
}

fn parse_date(s: &str) -> Option<NaiveDate> {
    let t = s.trim();
    NaiveDate::parse_from_str(t, "%Y-%m-%d").or_else(|_| NaiveDate::parse_from_str(t, "%d/%m/%Y")).ok()
}

/// The rulebook `subject` is assessed on in `year` (the one deciding its title, in force for
/// the year): the assessment its self-assessment and evidence files belong to.
///
/// # Errors
/// [`Error::Invalid`] for a subject that is neither a person nor an organisation;
/// [`Error::NotFound`] when no rulebook is in force for the year.
pub fn rulebook_for(subject: &SubjectRef, year: i32) -> Result<&'static xhht_core::rulebook::LoadedRulebook> {
    let (title, kind) = title_of(subject)?;
    RulebookSet::builtin().regime_for(title, kind, year).ok_or_else(|| {
        Error::NotFound(format!("không có bộ tiêu chí áp dụng cho năm {year} / no rulebook in force for {year}"))
    })
}

impl App {
    /// The indicators `subject` assesses itself on in `year`, with what it wrote so far and its
    /// evidence files, as `who` may see them on `today`: its writers (the person's own account,
    /// the unit, an administrator) and those who may read its personal records (the reviewer,
    /// the verifier).
    ///
    /// # Errors
    /// [`Error::Forbidden`] for anyone else; [`Error::NotFound`] for a subject not on record;
    /// [`Error::Invalid`] for a year out of range or a subject that is neither a person nor an
    /// organisation; [`Error::NotFound`] when no rulebook is in force for the year.
    pub async fn self_assessment_form(
        &self,
        who: &AuthUser,
        subject: &SubjectRef,
        year: i32,
        today: NaiveDate,
    ) -> Result<SelfAssessmentForm> {
        check_year(year)?;
        let (_, kind) = title_of(subject)?;
        let may_write = match self.require_own_records(who, subject, today).await {
            Ok(()) => true,
            Err(Error::Forbidden(_)) => false,
            Err(e) => return Err(e),
        };
        if !may_write {
            let res = self.subject_resource(subject, today).await?;
            require(who, Action::ReadPersonal, &res, false)?;
        }
        let (name, tags) = match subject {
            SubjectRef::Person(p) => {
                let person = self
                    .store()
                    .person(p)
                    .await?
                    .ok_or_else(|| Error::NotFound(format!("không có người mã {p} / no person {p}")))?;
                (person.value.full_name, Vec::new())
            }
            other => {
                let code = other.id();
                let org =
                    self.store().organisation(code).await?.ok_or_else(|| {
                        Error::NotFound(format!("không có đơn vị mã {code} / no organisation {code}"))
                    })?;
                let tags = org.value.tags();
                (org.value.name, tags)
            }
        };
        let book = rulebook_for(subject, year)?;
        let r = &book.rulebook;
        let stored = self.store().self_assessment(subject, r.id(), year).await?;
        let official = self.store().assessment(subject, r.id(), year).await?.is_some();
        let values = stored.as_ref().map(|v| v.value.values().to_vec()).unwrap_or_default();
        let mut fields = Vec::new();
        for (group, ind) in r.indicators() {
            if r.subject_of(group) != Some(kind) || ind.source.is_some() {
                continue;
            }
            if ind.applies_to.as_ref().is_some_and(|a| !a.covers(&tags)) {
                continue;
            }
            let stored = values.iter().find(|v| v.indicator == ind.id);
            let (value, denominator) = match stored.map(|v| &v.value) {
                Some(Value::YesNo(b)) => ((if *b { "yes" } else { "no" }).to_owned(), String::new()),
                Some(Value::Score(d) | Value::Percent(d)) => (shown(*d), String::new()),
                Some(Value::Share { numerator, denominator }) => (numerator.to_string(), denominator.to_string()),
                Some(Value::Count(n)) => (n.to_string(), String::new()),
                Some(Value::Date(d)) => (d.to_string(), String::new()),
                _ => (String::new(), String::new()),
            };
            fields.push(FormField {
                id: ind.id.clone(),
                group: group.title.clone(),
                title: ind.title.clone(),
                kind: ind.kind.id(),
                max: ind.max.map(shown),
                unit: ind.unit.clone(),
                share_of: ind.share_of.clone(),
                evidence_required: ind.evidence_required,
                precision: ind.precision.unwrap_or(1),
                value,
                denominator,
                note: stored.and_then(|v| v.evidence.clone()).unwrap_or_default(),
            });
        }
        let may_attach = self.may_add_evidence(who, subject, today).await.is_ok();
        let evidence = self.evidence_of(who, subject, r.id(), year, today).await?;
        Ok(SelfAssessmentForm {
            subject_kind: if matches!(subject, SubjectRef::Person(_)) { "person" } else { "organisation" },
            subject: subject.id().to_owned(),
            name,
            year,
            rulebook: r.id().to_owned(),
            rulebook_title: r.rulebook.title.clone(),
            document: r.rulebook.citation.document.clone().unwrap_or_default(),
            fields,
            version: stored.as_ref().map(|v| v.row_version),
            written_on: stored.as_ref().map(|v| v.value.date()),
            may_write: may_write && !official,
            closed: official,
            evidence,
            may_attach,
        })
    }

    /// Reads a self-assessment form's fields — `v.<indicator>` (for a yes/no indicator `yes`,
    /// `no` or empty; a number with a decimal comma or point; a date), `d.<indicator>` (a
    /// share's denominator), `n.<indicator>` (the evidence note) and `version` (the version
    /// read, when one was) — and writes it as `who` on `today` through
    /// [`App::write_self_assessment`]. An indicator left empty is not written.
    ///
    /// # Errors
    /// [`Error::Invalid`] naming every field that cannot be read (`v.1`: "not a number", …) or
    /// that the rulebook refuses; the errors of [`App::write_self_assessment`] (forbidden, a
    /// stale version, the official assessment made).
    pub async fn write_self_assessment_form(
        &self,
        who: &AuthUser,
        subject: SubjectRef,
        year: i32,
        fields: &[(String, String)],
        today: NaiveDate,
    ) -> Result<WriteReport> {
        check_year(year)?;
        if fields.len() > MAX_FORM_FIELDS {
            return Err(Error::invalid(
                "form",
                format!("quá {MAX_FORM_FIELDS} trường / over {MAX_FORM_FIELDS} fields"),
            ));
        }
        let form = self.self_assessment_form(who, &subject, year, today).await?;
        let get = |name: &str| fields.iter().rev().find(|(k, _)| k == name).map(|(_, v)| v.trim());
        let mut problems = Vec::new();
        let mut values = Vec::new();
        for f in &form.fields {
            let field = format!("v.{}", f.id);
            let raw = get(&field).unwrap_or("");
            let note = get(&format!("n.{}", f.id)).unwrap_or("");
            if note.chars().count() > MAX_NOTE_CHARS {
                problems.push(FieldProblem {
                    field: format!("n.{}", f.id),
                    message: format!("dài quá {MAX_NOTE_CHARS} ký tự / longer than {MAX_NOTE_CHARS} characters"),
                });
            }
            let value = match f.kind {
                k if k == IndicatorKind::YesNo.id() => match raw {
                    "" => None,
                    "yes" => Some(Value::YesNo(true)),
                    "no" => Some(Value::YesNo(false)),
                    _ => {
                        problems.push(FieldProblem {
                            field,
                            message: "chọn Đạt hoặc Không đạt / choose met or not met".into(),
                        });
                        None
                    }
                },
                k if k == IndicatorKind::Share.id() => {
                    let den_field = format!("d.{}", f.id);
                    let den = get(&den_field).unwrap_or("");
                    match (raw, den) {
                        ("", "") => None,
                        _ => match (parse_count(raw), parse_count(den)) {
                            (Some(n), Some(d)) if d > 0 && n <= d => {
                                Some(Value::Share { numerator: n, denominator: d })
                            }
                            (Some(_), Some(_)) => {
                                problems.push(FieldProblem {
                                    field: den_field,
                                    message: "tổng số phải lớn hơn 0 và không nhỏ hơn số đạt / the total must be above 0 and at least the number meeting it".into(),
                                });
                                None
                            }
                            (None, _) => {
                                problems.push(FieldProblem {
                                    field,
                                    message: "không phải số nguyên không âm / not a whole number".into(),
                                });
                                None
                            }
                            (_, None) => {
                                problems.push(FieldProblem {
                                    field: den_field,
                                    message: "không phải số nguyên không âm / not a whole number".into(),
                                });
                                None
                            }
                        },
                    }
                }
                k if k == IndicatorKind::Count.id() => match raw {
                    "" => None,
                    _ => parse_count(raw).map(Value::Count).or_else(|| {
                        problems.push(FieldProblem {
                            field,
                            message: "không phải số nguyên không âm / not a whole number".into(),
                        });
                        None
                    }),
                },
                k if k == IndicatorKind::Deadline.id() => match raw {
                    "" => None,
                    _ => parse_date(raw).map(Value::Date).or_else(|| {
                        problems.push(FieldProblem {
                            field,
                            message: "không phải ngày (ngày/tháng/năm) / not a date".into(),
                        });
                        None
                    }),
                },
                _ => match (raw, parse_decimal(raw)) {
                    ("", _) => None,
                    (_, None) => {
                        problems.push(FieldProblem {
                            field,
                            message: "không phải số (ví dụ 8,5) / not a number (e.g. 8.5)".into(),
                        });
                        None
                    }
                    (_, Some(d)) => {
                        let max = f.max.as_deref().and_then(parse_decimal);
                        if d < Decimal::ZERO || max.is_some_and(|m| d > m) {
                            let m = f.max.clone().unwrap_or_default();
                            problems.push(FieldProblem {
                                field,
                                message: format!("điểm từ 0 đến {m} / points from 0 to {m}"),
                            });
                            None
                        } else if d.normalize().scale() > f.precision {
                            let p = f.precision;
                            problems.push(FieldProblem {
                                field,
                                message: format!("tối đa {p} chữ số sau dấu phẩy / at most {p} decimal places"),
                            });
                            None
                        } else {
                            Some(Value::Score(d))
                        }
                    }
                },
            };
            if let Some(value) = value {
                let evidence = (!note.is_empty()).then(|| note.to_owned());
                values.push(IndicatorValue { indicator: f.id.clone(), value, evidence });
            }
        }
        let expected = match get("version").filter(|v| !v.is_empty()) {
            None => None,
            Some(v) => match v.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    problems
                        .push(FieldProblem {
                            field: "version".into(), message: "không đọc được / unreadable".into()
                        });
                    None
                }
            },
        };
        if !problems.is_empty() {
            return Err(Error::Invalid(problems));
        }
        if values.is_empty() {
            return Err(Error::invalid("form", "chưa nhập chỉ số nào / no indicator filled in"));
        }
        let a: Assessment = self
            .assessment(subject, form.rulebook.clone(), year, who.principal.user.clone(), today, values)
            .map_err(|e| match e {
                Error::Invalid(ps) => Error::Invalid(ps.into_iter().map(name_field).collect()),
                other => other,
            })?;
        self.write_self_assessment(who, a, expected, today).await
    }
}

/// The form field a rulebook problem is about: the engine's diagnostics read
/// "indicator <id>: …", which is the form's `v.<id>`; any other problem keeps its field.
fn name_field(p: FieldProblem) -> FieldProblem {
    match p.message.strip_prefix("indicator ").and_then(|rest| rest.split_once(": ")) {
        Some((id, _)) if p.field == "values" => FieldProblem { field: format!("v.{id}"), message: p.message },
        _ => p,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_are_read_with_a_comma_or_a_point() {
        assert_eq!(parse_decimal("8,5"), Some(Decimal::new(85, 1)));
        assert_eq!(parse_decimal(" 8.5 "), Some(Decimal::new(85, 1)));
        assert_eq!(parse_decimal("tám"), None);
        assert_eq!(parse_decimal(""), None);
        assert_eq!(parse_count("12"), Some(12));
        assert_eq!(parse_count("-1"), None);
        assert_eq!(parse_date("10/12/2026"), NaiveDate::from_ymd_opt(2026, 12, 10));
        assert_eq!(parse_date("2026-12-10"), NaiveDate::from_ymd_opt(2026, 12, 10));
        assert_eq!(shown(Decimal::new(850, 2)), "8,5");
    }

    #[test]
    fn an_engine_diagnostic_names_the_indicator_field() {
        let p = name_field(FieldProblem { field: "values".into(), message: "indicator 1.2: above the maximum".into() });
        assert_eq!(p.field, "v.1.2");
        let q = name_field(FieldProblem { field: "rulebook".into(), message: "no such rulebook".into() });
        assert_eq!(q.field, "rulebook");
    }
}
