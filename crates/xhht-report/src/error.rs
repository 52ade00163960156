//! Errors of `xhht-report`.

use xhht_core::Lang;

/// The result type of this crate.
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// What stops a report from being built or rendered.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The records or results given are not enough or not consistent (e.g. no results for the
    /// report's year).
    #[error("cannot build the report: {0}")]
    Input(String),
    /// The report's scope names nothing on record: no area in the records, no organisation on
    /// record, no actor of the plan. `scope` is as a user writes it (`commune:CODE`,
    /// `org:CODE`, `actor:ID`); [`Error::message`] says it in Vietnamese or English.
    #[error(
        "unknown scope `{scope}`: no area in the records, organisation on record or actor of the plan has that code"
    )]
    #[non_exhaustive]
    UnknownScope {
        /// The scope asked for.
        scope: String,
    },
    /// A renderer failed (e.g. the spreadsheet library refused a value).
    #[error("cannot render the report as {format}: {message}")]
    Render {
        /// The format.
        format: &'static str,
        /// Why.
        message: String,
    },
}

impl Error {
    /// The error as one sentence in `lang` (the `Display` text is the English one; the
    /// messages not translated yet are English in both).
    pub fn message(&self, lang: Lang) -> String {
        match (self, lang) {
            (Self::UnknownScope { scope }, Lang::Vi) => format!(
                "không có phạm vi `{scope}`: không địa bàn nào trong hồ sơ, đơn vị nào đã ghi nhận hay chủ thể nào \
                 của kế hoạch mang mã đó"
            ),
            _ => self.to_string(),
        }
    }
}
