//! Reports: which one a request names, built from the store (digests for annual reports, every
//! year's results for phase reviews and one organisation's report), names kept or withheld by
//! the caller's rights, and rendered.

use chrono::NaiveDate;
use xhht_core::Lang;
use xhht_core::access::{Action, Principal, Resource, decide};
use xhht_core::plan::ReviewKind;
use xhht_report::build::{Options, Records, build, build_from_digests};
use xhht_report::doc::document;
use xhht_report::model::{Report, ReportKind, Scope};
use xhht_report::render::{csv, docx, html, markdown, xlsx};

use crate::App;
use crate::error::{Error, Result};
use crate::years::YearSource;

/// Which report: the annual report of a data year, or the review of a phase of the plan.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Which {
    /// The annual report of a data year.
    Annual(i32),
    /// The review of phase 1 (sơ kết 2023–2025) or 2 (tổng kết 2023–2030).
    Phase(u8),
}

/// Parses a scope: `district`, `commune:CODE` (or `area:CODE`), `org:CODE` (or
/// `organisation:CODE`) or `actor:ID` (`actor.` is added when missing). Whether the area,
/// organisation or actor exists is checked when the report is built.
pub fn parse_scope(s: &str) -> Result<Scope> {
    Ok(match s.split_once(':') {
        None if s == "district" => Scope::District,
        Some(("commune" | "area", code)) if !code.is_empty() => Scope::Area { code: code.to_owned() },
        Some(("org" | "organisation", code)) if !code.is_empty() => Scope::Organisation { code: code.to_owned() },
        Some(("actor", id)) if !id.is_empty() => {
            Scope::Actor { id: if id.starts_with("actor.") { id.to_owned() } else { format!("actor.{id}") } }
        }
        _ => {
            return Err(Error::invalid(
                "scope",
                format!("unknown scope `{s}`: use district, commune:CODE, org:CODE or actor:ID"),
            ));
        }
    })
}

/// A scope as one string, the same for every way of writing it (`area:` or `commune:`,
/// `actor:x` or `actor:actor.x`); [`parse_scope`] reads it back.
pub fn scope_key(scope: &Scope) -> String {
    match scope {
        Scope::District => "district".to_owned(),
        Scope::Area { code } => format!("commune:{code}"),
        Scope::Organisation { code } => format!("org:{code}"),
        Scope::Actor { id } => format!("actor:{id}"),
    }
}

/// Refuses (as [`xhht_report::Error::UnknownScope`]) a scope that names no area, organisation or actor on
/// record in `data` (every data year's records hold every area and organisation), before
/// anything is built for it; the report builder refuses it too.
pub fn check_scope(scope: &Scope, data: &xhht_store::YearData) -> Result<()> {
    let records = Records {
        areas: &data.areas,
        successions: &data.successions,
        organisations: &data.organisations,
        people: &[],
        recognitions: &[],
        submissions: &[],
        duty_reports: &[],
        reward_proposals: &[],
    };
    Ok(xhht_report::build::check_scope(scope, &records, xhht_core::plan::Plan::can_duoc_2024())?)
}

/// Whether `who` may read the names of the people a report of `scope` lists: everyone's for
/// the roles that read personal data, an organisation's own for its unit.
pub fn may_read_names(who: &Principal, scope: &Scope) -> bool {
    let res = match scope {
        Scope::Organisation { code } => Resource::OrganisationRecord(code.clone()),
        _ => Resource::Results,
    };
    decide(who, Action::ReadPersonal, &res, false).allowed()
}

/// Replaces people's names in a report by `***` and drops the names its reasons mention (for a
/// reader who may not read them: they read the people's codes).
pub fn redact(report: &mut Report) {
    report.people_named.clear();
    for u in &mut report.criteria.unmet {
        if u.subject == "person" {
            "***".clone_into(&mut u.name);
        }
    }
    for r in &mut report.rewards.eligible {
        if r.subject == "person" {
            "***".clone_into(&mut r.name);
        }
    }
}

/// A report's formats but CSV (see [`render_csv`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum Format {
    /// Markdown.
    Md,
    /// Self-contained HTML with SVG charts.
    Html,
    /// The report model as pretty JSON (`docs/report-schema.md`).
    Json,
    /// A spreadsheet, a sheet per table, with native charts.
    Xlsx,
    /// A Word document laid out per Nghị định 30/2020/NĐ-CP.
    Docx,
}

/// Renders `report` in `lang` as `format`.
pub fn render(report: &Report, format: Format, lang: Lang) -> Result<Vec<u8>> {
    if format == Format::Json {
        return Ok(xhht_report::render_json(report)?.into_bytes());
    }
    let doc = document(report, lang);
    Ok(match format {
        Format::Md => markdown::render(&doc).into_bytes(),
        Format::Html => html::render(&doc).into_bytes(),
        Format::Xlsx => xlsx::render(&doc)?,
        Format::Docx => docx::render(&doc)?,
        Format::Json => Vec::new(),
    })
}

/// Renders every table of `report` in `lang` as CSV: (table name, text).
pub fn render_csv(report: &Report, lang: Lang) -> Result<Vec<(String, String)>> {
    Ok(csv::render(&document(report, lang))?)
}

impl App {
    /// The build options of report `which` of `scope`, deadlines judged as of `as_of`.
    pub fn report_options(&self, which: Which, as_of: NaiveDate, scope: Scope) -> Result<Options> {
        let (kind, year) = match which {
            Which::Annual(y) => (ReportKind::Annual, y),
            Which::Phase(n) => {
                let phase = usize::from(n)
                    .checked_sub(1)
                    .and_then(|i| self.plan().phases.get(i))
                    .ok_or_else(|| Error::NotFound("the plan has two phases: 1 or 2".to_owned()))?;
                let kind = if phase.review == ReviewKind::Final {
                    ReportKind::PhaseFinal
                } else {
                    ReportKind::PhasePreliminary
                };
                (kind, phase.review_year)
            }
        };
        let first = self.first_year();
        if year < first {
            return Err(Error::invalid("year", format!("the plan's data years start in {first}")));
        }
        // The deployment's letterhead for this scope in force on the day, else its whole area's
        // (which the report replaces with the scope's own body's); without its own, the plan's
        // defaults.
        let issuer = match self.issuers() {
            Some(issuers) => {
                let scoped = issuers.for_scope(as_of, &scope_key(&scope));
                Some(scoped.or_else(|| issuers.on(as_of)).cloned().ok_or_else(|| {
                    Error::invalid(
                        "issuer",
                        format!("no issuer in the deployment's configuration is in force on {as_of}"),
                    )
                })?)
            }
            None => None,
        };
        Ok(Options { kind, year, as_of, scope, notice: None, issuer })
    }

    /// The days a report may be judged on: from 1 January of the plan's first year to 31
    /// December of the year after its last (the last year's report is due in December and
    /// reviewed after).
    pub fn as_of_range(&self) -> (NaiveDate, NaiveDate) {
        let [first, last] = self.plan().meta.years;
        let day = |y, m, d| NaiveDate::from_ymd_opt(y, m, d).unwrap_or(NaiveDate::MIN);
        (day(first, 1, 1), day(last + 1, 12, 31))
    }

    /// The day a report is judged on: `asked`, refused outside [`App::as_of_range`] (a day any
    /// role could otherwise use to build reports without end), or `today` brought into it.
    pub fn as_of(&self, asked: Option<NaiveDate>, today: NaiveDate) -> Result<NaiveDate> {
        let (from, to) = self.as_of_range();
        match asked {
            Some(day) if !(from..=to).contains(&day) => {
                Err(Error::invalid("as_of", format!("a day from {from} to {to} (the plan's years)")))
            }
            Some(day) => Ok(day),
            None => Ok(today.clamp(from, to)),
        }
    }

    /// The plan's first data year.
    pub fn first_year(&self) -> i32 {
        self.plan().meta.years.first().copied().unwrap_or(2023)
    }

    /// Builds a report from the database, with people's names. An annual report starts from
    /// the years' digests ([`crate::years`]), the small registers of its year, and the names
    /// of the people it lists. A phase review judges each person's history over the phase, and
    /// one organisation's report lists its people (digests list them for everyone, by area and
    /// by actor only): those load and evaluate every year.
    pub async fn report(&self, opts: &Options) -> Result<Report> {
        self.report_with(opts, self).await
    }

    /// [`App::report`], the years it loads taken from `source` (a front-end's cache).
    pub async fn report_with<S: YearSource>(&self, opts: &Options, source: &S) -> Result<Report> {
        let mut report = self.build_with(opts, source).await?;
        self.attach_comparable(&mut report, opts).await?;
        Ok(report)
    }

    /// Where the rules that decide a target's title change in the report's year, the comparable
    /// figure (last year's organisations judged under this year's rules), for a whole-plan annual
    /// report.
    async fn attach_comparable(&self, report: &mut Report, opts: &Options) -> Result<()> {
        let year = opts.year;
        if opts.kind != ReportKind::Annual || opts.scope != Scope::District {
            return Ok(());
        }
        if !report.targets.iter().any(|t| t.breaks.iter().any(|b| b.year == year)) {
            return Ok(());
        }
        let Some(c) = self.comparable(year).await? else { return Ok(()) };
        if let Some(t) =
            report.targets.iter_mut().find(|t| t.breaks.iter().any(|b| b.year == year && b.to.rulebook == c.rulebook))
        {
            t.comparable = Some(c);
        }
        Ok(())
    }

    async fn build_with<S: YearSource>(&self, opts: &Options, source: &S) -> Result<Report> {
        let first = self.first_year();
        if opts.kind != ReportKind::Annual || matches!(opts.scope, Scope::Organisation { .. }) {
            let history = self.history_from(source, first, opts.year).await?;
            let app = self.clone();
            let opts = opts.clone();
            return tokio::task::spawn_blocking(move || {
                let records = history.records().ok_or_else(|| Error::NotFound("no data year".to_owned()))?;
                Ok(build(&records, &history.results, app.engines(), app.plan(), &opts)?)
            })
            .await
            .map_err(|e| Error::Task(e.to_string()))?;
        }
        let digests = self.digests_from(source, first, opts.year).await?;
        let registers = self.store().load_year_registers(opts.year).await?;
        let records = Records {
            areas: &registers.areas,
            successions: &registers.successions,
            organisations: &registers.organisations,
            people: &[],
            recognitions: &registers.recognitions,
            submissions: &registers.report_submissions,
            duty_reports: &registers.duty_reports,
            reward_proposals: &registers.reward_proposals,
        };
        let mut report = build_from_digests(&records, &digests, self.engines(), self.plan(), opts)?;
        let people = self.store().people_by_ids(&report.unnamed_people()).await?;
        report.fill_names(&people);
        Ok(report)
    }

    /// [`App::report`] for `who`: any role reads reports; people's names are withheld (`***`)
    /// unless `who` may read them for the scope ([`may_read_names`]).
    pub async fn report_for(&self, who: &Principal, opts: &Options) -> Result<Report> {
        if let xhht_core::access::Decision::Deny(why) = decide(who, Action::Read, &Resource::Results, false) {
            return Err(Error::Forbidden(why.to_owned()));
        }
        let mut report = self.report(opts).await?;
        if !may_read_names(who, &opts.scope) {
            redact(&mut report);
        }
        Ok(report)
    }
}
