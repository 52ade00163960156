//! Filled actor report forms (duty reports) read from a file — the XLSX form `xhht form`
//! writes, or a JSON list — with where each came from, for
//! [`App::put_duty_reports`](crate::App::put_duty_reports).

use xhht_core::record::DutyReport;
use xhht_report::forms;

use crate::App;
use crate::error::{Error, FieldProblem, Result};

impl App {
    /// The duty reports of a filled form named `name` (`.xlsx`, a filled `xhht form`; `.json`,
    /// a list of duty reports), each with where it came from; every problem as
    /// [`Error::Invalid`] (`WHERE: message`).
    pub fn read_duty_reports(&self, name: &str, bytes: &[u8]) -> Result<Vec<(String, DutyReport)>> {
        let parsed = match std::path::Path::new(name).extension().and_then(|e| e.to_str()).map(str::to_ascii_lowercase)
        {
            Some(e) if e == "xlsx" => forms::read_filled_xlsx(bytes, name, self.plan())
                .map(|v| v.into_iter().map(|r| (name.to_owned(), r)).collect()),
            Some(e) if e == "json" => serde_json::from_slice::<Vec<DutyReport>>(bytes)
                .map(|v| v.into_iter().enumerate().map(|(i, r)| (format!("{name}: [{i}]"), r)).collect())
                .map_err(|e| vec![format!("{name}:{}: not a JSON list of duty reports: {e}", e.line())]),
            _ => {
                return Err(Error::invalid(
                    "file",
                    format!("{name}: name the file .xlsx (a filled `xhht form`) or .json (a list of duty reports)"),
                ));
            }
        };
        parsed.map_err(|problems| {
            Error::Invalid(problems.into_iter().map(|p| FieldProblem { field: String::new(), message: p }).collect())
        })
    }
}

impl App {
    /// The report form (VIII.2 duties, one row per figure to report) of the unit `who` speaks
    /// for, for `year`, as an XLSX file to fill in and upload — with its file name. Only a
    /// unit's account whose organisation acts as one of the plan's bodies (and an
    /// administrator naming the organisation) has one.
    ///
    /// # Errors
    /// [`Error::Forbidden`] for any other account; [`Error::NotFound`] for an organisation not
    /// on record or one that is none of the plan's bodies.
    pub async fn unit_report_form(
        &self,
        who: &crate::auth::AuthUser,
        organisation: Option<&str>,
        year: i32,
        lang: xhht_core::Lang,
        today: chrono::NaiveDate,
    ) -> Result<(String, Vec<u8>)> {
        use xhht_core::access::{Action, Resource};
        crate::records::check_year(year)?;
        let code = match (who.principal.organisation.as_deref(), organisation) {
            (Some(own), _) => own.to_owned(),
            (None, Some(named)) => named.to_owned(),
            (None, None) => {
                return Err(Error::Forbidden(
                    "mẫu báo cáo dành cho tài khoản của đơn vị / the report form is a unit account's".to_owned(),
                ));
            }
        };
        crate::records::require(who, Action::Write, &Resource::OrganisationRecord(code.clone()), false)?;
        let org = self
            .store()
            .organisation(&code)
            .await?
            .ok_or_else(|| Error::NotFound(format!("không có đơn vị mã {code} / no organisation {code}")))?
            .value;
        let actor = org.actor.clone().ok_or_else(|| {
            Error::NotFound(
                "đơn vị không là cơ quan được giao nhiệm vụ trong kế hoạch / the unit is none of the plan's bodies"
                    .to_owned(),
            )
        })?;
        let doc = forms::actor_form(self.plan(), &actor, year, (&org.code, &org.name), lang, today)?;
        let bytes = xhht_report::render::xlsx::render(&doc)?;
        Ok((format!("mau-bao-cao-{}-{year}.xlsx", org.code), bytes))
    }
}
