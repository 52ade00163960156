//! The indicator columns of an assessments file: which indicator a header names (without a
//! `Chỉ tiêu` prefix), or whose evidence it holds.

use xhht_scoring::Engine;

use super::norm;

/// An indicator column: which indicator (by the header, without a `Chỉ tiêu` prefix), or the
/// evidence of an indicator (`Minh chứng 1.3`, `1.3 minh_chung`).
#[derive(Debug, Clone)]
pub(crate) enum IndicatorCol {
    Value(String),
    Evidence(String),
}

pub(crate) fn indicator_col(header: &str) -> IndicatorCol {
    let h = norm(header);
    for p in ["minh chung ", "evidence "] {
        if let Some(rest) = h.strip_prefix(p) {
            return IndicatorCol::Evidence(strip_indicator_prefix(rest).to_owned());
        }
    }
    for s in [" minh chung", " evidence"] {
        if let Some(rest) = h.strip_suffix(s) {
            return IndicatorCol::Evidence(strip_indicator_prefix(rest).to_owned());
        }
    }
    IndicatorCol::Value(strip_indicator_prefix(&h).to_owned())
}

fn strip_indicator_prefix(h: &str) -> &str {
    for p in ["chi tieu ", "tieu chi ", "chi so ", "indicator "] {
        if let Some(rest) = h.strip_prefix(p) {
            return rest;
        }
    }
    h
}

/// The indicator of `engine` whose normalised id is `col`.
pub(crate) fn indicator_of<'e>(engine: &'e Engine, col: &str) -> Option<(usize, &'e str)> {
    (0..engine.indicator_count())
        .filter_map(|n| engine.definition(n).map(|(_, i)| (n, i.id.as_str())))
        .find(|(_, id)| norm(id) == col)
}
