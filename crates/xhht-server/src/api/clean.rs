//! A JSON body as every writer takes it: `application/json` only, every string composed and
//! bounded as the records keep text (`xhht_core::bounds`), every date in the years a record
//! may have (`xhht_core::date::YEARS`).

use chrono::NaiveDate;

use crate::error::FieldError;

/// Whether the request says its body is JSON (`application/json`, any parameters, or a
/// `+json` type). A browser sends a form or plain text to another site without asking first;
/// JSON it sends only after a CORS preflight, which this server answers for no foreign origin.
pub(super) fn is_json(headers: &axum::http::HeaderMap) -> bool {
    headers
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.split(';').next())
        .map(|t| t.trim().to_ascii_lowercase())
        .is_some_and(|t| t == "application/json" || (t.starts_with("application/") && t.ends_with("+json")))
}

/// A string written as a date (`YYYY-MM-DD`, a day that exists), as every date of a body is.
fn as_date(s: &str) -> Option<NaiveDate> {
    (s.len() == 10).then(|| NaiveDate::parse_from_str(s, "%Y-%m-%d").ok()).flatten()
}

/// Every string of a JSON body as the records keep text (`xhht_core::bounds`): composed (NFC),
/// control characters but line breaks and tabs taken out, at most 32,767 characters; a NUL
/// byte is refused, as the imports refuse it; a date is in the years 1900–2100
/// (`xhht_core::date::YEARS`). Each problem names the value's path
/// (`values[2].indicator`).
pub(super) fn clean_strings(v: &mut serde_json::Value, path: &mut String, problems: &mut Vec<FieldError>) {
    use xhht_core::bounds;
    match v {
        serde_json::Value::String(s) => {
            let field = || if path.is_empty() { "body".to_owned() } else { path.clone() };
            if s.contains('\0') {
                problems.push(FieldError {
                    field: field(),
                    message: "có ký tự NUL (\\0), không phải văn bản / holds a NUL byte (\\0): not text".to_owned(),
                });
            } else if let Err(e) = bounds::check_len(s, bounds::MAX_TEXT_CHARS) {
                problems.push(FieldError { field: field(), message: e.to_string() });
            } else if let Some(Err(e)) = as_date(s).map(xhht_core::date::check_range) {
                problems.push(FieldError { field: field(), message: e });
            } else if let std::borrow::Cow::Owned(c) = bounds::clean_multiline(s) {
                *s = c;
            }
        }
        serde_json::Value::Array(items) => {
            for (i, item) in items.iter_mut().enumerate() {
                let len = path.len();
                path.push_str(&format!("[{i}]"));
                clean_strings(item, path, problems);
                path.truncate(len);
            }
        }
        serde_json::Value::Object(map) => {
            for (k, item) in map.iter_mut() {
                let len = path.len();
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                clean_strings(item, path, problems);
                path.truncate(len);
            }
        }
        _ => {}
    }
}
