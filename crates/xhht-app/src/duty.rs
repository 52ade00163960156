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
