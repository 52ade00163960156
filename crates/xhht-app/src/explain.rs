//! Why a person or an organisation holds (or lacks) its title and meets (or not) the plan's
//! criteria in a data year: each indicator's value, requirement, result and source, in
//! Vietnamese and English, and what is missing.

use std::collections::HashSet;

use serde::Serialize;
use xhht_core::access::{Action, Principal, Resource, decide};
use xhht_core::record::SubjectRef;
use xhht_core::rulebook::Subject;
use xhht_core::{Lang, Text, Title};
use xhht_scoring::year::{YearIndex, YearResults, org_result, person_result};
use xhht_store::YearData;

use crate::App;
use crate::error::{Error, Result};

/// An explanation in both languages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Explanation {
    /// The person or organisation.
    pub entity: String,
    /// `person` or `organisation`.
    pub kind: String,
    /// The data year.
    pub year: i32,
    /// The organisation (for a person, on 31 December).
    pub organisation: Option<String>,
    /// Holds its title for the year.
    pub holds_title: bool,
    /// The trace, line by line, in Vietnamese.
    pub lines_vi: Vec<String>,
    /// The trace in English.
    pub lines_en: Vec<String>,
    /// What is missing for the plan's criteria, in Vietnamese (empty when met).
    pub missing_vi: String,
    /// The same in English.
    pub missing_en: String,
}

impl Explanation {
    /// The trace in one language.
    pub fn lines(&self, lang: Lang) -> &[String] {
        match lang {
            Lang::Vi => &self.lines_vi,
            Lang::En => &self.lines_en,
        }
    }
}

/// Both languages' lines, kept side by side.
#[derive(Default)]
struct Lines {
    vi: Vec<String>,
    en: Vec<String>,
}

impl Lines {
    fn text(&mut self, t: Text) {
        self.vi.push(t.vi);
        self.en.push(t.en);
    }

    fn blank(&mut self) {
        self.vi.push(String::new());
        self.en.push(String::new());
    }

    fn trace(&mut self, x: &xhht_scoring::Explanation<'_>) {
        self.vi.extend(x.lines(Lang::Vi));
        self.en.extend(x.lines(Lang::En));
    }
}

/// The explanation of `entity` in `year` from the year's records and results.
pub fn explain(app: &App, data: &YearData, results: &YearResults, entity: &str, year: i32) -> Result<Explanation> {
    let engines = app.engines();
    let index = YearIndex::new(data.input())?;
    // Members' titles for the roll-ups come from their own results.
    let holding: HashSet<&str> = results.people.iter().filter(|p| p.holds_title).map(|p| p.id.as_str()).collect();
    let holds = |p: &str, t: Title| t == Title::CongDanHocTap && holding.contains(p);
    let mut lines = Lines::default();
    let (kind, organisation, holds_title, missing);
    if let Some(person) = data.people.iter().find(|p| p.id == entity) {
        let subject = SubjectRef::Person(person.id.clone());
        let tags = xhht_scoring::year::person_tags(person);
        let r = person_result(engines, &index, person, &holds)?;
        if index.assessment(&subject, engines.citizen.rulebook().rulebook.id()).is_some() {
            let f = index.facts(&engines.citizen, Subject::Person, &subject, tags.clone(), &holds);
            let e = engines.citizen.evaluate(&f, year)?;
            lines.trace(&engines.citizen.explain(&f, year, &e));
        } else {
            lines.text(Text::new(
                "Chưa có phiếu tự đánh giá “Công dân học tập” năm này.",
                "No “Công dân học tập” self-assessment this year.",
            ));
        }
        lines.blank();
        let f = index.facts(&engines.plan, Subject::Person, &subject, tags, &holds);
        let x = engines.plan.explain(&f, year, &r.criteria);
        lines.trace(&x);
        missing = (x.missing_sentence(Lang::Vi), x.missing_sentence(Lang::En));
        kind = "person";
        organisation = r.organisation.clone();
        holds_title = r.holds_title;
    } else if let Some(org) = data.organisations.iter().find(|o| o.code == entity) {
        let subject = SubjectRef::Organisation(org.code.clone());
        let r = org_result(engines, &index, org, &holds)?;
        if let Some(unit) = engines.unit_for(year) {
            if index.assessment(&subject, unit.rulebook().rulebook.id()).is_some() {
                let f = index.facts(unit, Subject::Organisation, &subject, org.tags(), &holds);
                let e = unit.evaluate(&f, year)?;
                lines.trace(&unit.explain(&f, year, &e));
            } else {
                lines.text(Text::new(
                    "Chưa có hồ sơ tự đánh giá “Đơn vị học tập” năm này.",
                    "No “Đơn vị học tập” self-assessment this year.",
                ));
            }
        }
        match (r.title_level, r.title_held_until) {
            (Some(l), Some(until)) => {
                let d = r.title_decision.clone().unwrap_or_default();
                lines.text(Text::new(
                    format!("Đang giữ danh hiệu “Đơn vị học tập” mức {l} ({d}) đến hết năm dữ liệu {until}."),
                    format!("Holds “Đơn vị học tập” at level {l} ({d}) through data year {until}."),
                ));
            }
            _ => lines.text(Text::new(
                "Chưa giữ danh hiệu “Đơn vị học tập” trong năm.",
                "Holds no “Đơn vị học tập” title this year.",
            )),
        }
        lines.blank();
        let f = index.facts(&engines.plan, Subject::Organisation, &subject, org.tags(), &holds);
        let x = engines.plan.explain(&f, year, &r.criteria);
        lines.trace(&x);
        missing = (x.missing_sentence(Lang::Vi), x.missing_sentence(Lang::En));
        kind = "organisation";
        organisation = Some(org.code.clone());
        holds_title = r.title_level.is_some();
    } else {
        return Err(Error::NotFound(format!("no person or organisation `{entity}` in the database (year {year})")));
    }
    Ok(Explanation {
        entity: entity.to_owned(),
        kind: kind.to_owned(),
        year,
        organisation,
        holds_title,
        lines_vi: lines.vi,
        lines_en: lines.en,
        missing_vi: missing.0,
        missing_en: missing.1,
    })
}

/// The resource an explanation of a subject belongs to, for access control: its organisation's
/// records (a person's on 31 December), else the results.
fn resource_of(x: &Explanation) -> Resource {
    match (&x.kind[..], &x.organisation) {
        (_, Some(o)) => Resource::OrganisationRecord(o.clone()),
        _ => Resource::Results,
    }
}

impl App {
    /// Explains `entity` (a person id or an organisation code) in data year `year`, loading and
    /// evaluating the year.
    pub async fn explain(&self, entity: &str, year: i32) -> Result<Explanation> {
        let (data, results) = self.load_and_evaluate(year).await?;
        explain(self, &data, &results, entity, year)
    }

    /// [`explain`] for `who`, from a year already loaded and evaluated (a front-end's cache),
    /// on a blocking thread: refused unless `who` may read the subject's records.
    pub async fn explain_for(
        &self,
        who: &Principal,
        data: std::sync::Arc<YearData>,
        results: std::sync::Arc<YearResults>,
        entity: &str,
        year: i32,
    ) -> Result<Explanation> {
        let app = self.clone();
        let entity = entity.to_owned();
        let x = tokio::task::spawn_blocking(move || explain(&app, &data, &results, &entity, year))
            .await
            .map_err(|e| Error::Task(e.to_string()))??;
        if let xhht_core::access::Decision::Deny(why) = decide(who, Action::Read, &resource_of(&x), false) {
            return Err(Error::Forbidden(why.to_owned()));
        }
        Ok(x)
    }
}
