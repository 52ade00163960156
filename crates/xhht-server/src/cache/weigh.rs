//! What the cached values weigh, in bytes: exact for rendered bytes, the JSON size for a
//! report, estimates for loaded and evaluated years (cheap: a sample, or the strings' lengths).

use std::io::Write;

use axum::body::Bytes;
use serde::Serialize;
use xhht_app::io::YearData;
use xhht_report::model::Report;
use xhht_scoring::year::{Unmet, YearResults};
use xhht_scoring::{EntityDiagnostic, Evaluation};

use super::reports::{RenderKey, ReportKey};
use crate::auth::AuthUser;

/// What a map entry costs besides its value (the key, the hash slot, the order).
const ENTRY: usize = 128;
/// How many values of a list are serialised to estimate the list's weight.
const SAMPLE: usize = 32;

/// Counts the bytes written to it.
struct Counter(usize);

impl Write for Counter {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        self.0 = self.0.saturating_add(buf.len());
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The length of `v` as JSON, without keeping the JSON.
fn json_len<T: Serialize + ?Sized>(v: &T) -> usize {
    let mut c = Counter(0);
    // Serialising the cached types cannot fail (no map with non-string keys); a failure
    // would only under-weigh an entry.
    let _ = serde_json::to_writer(&mut c, v);
    c.0
}

/// A list's weight: its values' inline size, and the JSON size of up to [`SAMPLE`] values
/// spread over it, scaled to its length.
fn sampled<T: Serialize>(v: &[T]) -> usize {
    if v.is_empty() {
        return 0;
    }
    let step = (v.len() / SAMPLE).max(1);
    let (n, bytes) = v.iter().step_by(step).take(SAMPLE).fold((0usize, 0usize), |(n, b), x| (n + 1, b + json_len(x)));
    let per_value = bytes / n.max(1);
    v.len().saturating_mul(size_of::<T>().saturating_add(per_value))
}

pub(crate) fn year_data(d: &YearData) -> usize {
    [
        sampled(&d.organisations),
        sampled(&d.people),
        sampled(&d.memberships),
        sampled(&d.registrations),
        sampled(&d.commitments),
        sampled(&d.self_study_plans),
        sampled(&d.assessments),
        sampled(&d.recognitions),
        sampled(&d.areas),
        sampled(&d.successions),
        sampled(&d.report_submissions),
        sampled(&d.reward_proposals),
        sampled(&d.duty_reports),
    ]
    .iter()
    .fold(ENTRY + size_of::<YearData>(), |a, b| a.saturating_add(*b))
}

fn evaluation(e: &Evaluation) -> usize {
    // A diagnostic holds an indicator id and a sentence or two.
    e.diagnostics.len() * (size_of::<EntityDiagnostic>() + 96)
}

fn unmet(u: &[Unmet]) -> usize {
    u.iter()
        .map(|u| {
            size_of::<Unmet>()
                + u.indicator.len()
                + u.reason.as_ref().map_or(0, |r| size_of_val(r) + r.vi.len() + r.en.len())
        })
        .sum()
}

pub(crate) fn year_results(r: &YearResults) -> usize {
    let people: usize = r
        .people
        .iter()
        .map(|p| {
            size_of_val(p)
                + p.id.len()
                + p.organisation.as_ref().map_or(0, String::len)
                + p.citizen.as_ref().map_or(0, evaluation)
                + evaluation(&p.criteria)
                + unmet(&p.criteria_unmet)
        })
        .sum();
    let organisations: usize = r
        .organisations
        .iter()
        .map(|o| {
            size_of_val(o)
                + o.code.len()
                + o.unit_rulebook.as_ref().map_or(0, String::len)
                + o.title_decision.as_ref().map_or(0, String::len)
                + o.unit.as_ref().map_or(0, evaluation)
                + evaluation(&o.criteria)
                + unmet(&o.criteria_unmet)
        })
        .sum();
    ENTRY + size_of::<YearResults>() + people + organisations
}

pub(crate) fn report(key: &ReportKey, r: &Report) -> usize {
    ENTRY + size_of::<ReportKey>() + key.scope.len() + size_of::<Report>() + json_len(r)
}

pub(crate) fn rendered(key: &RenderKey, b: &Bytes) -> usize {
    ENTRY + size_of::<RenderKey>() + key.0.scope.len() + key.3.as_ref().map_or(0, String::len) + b.len()
}

pub(crate) fn auth(credential: &str, user: Option<&AuthUser>) -> usize {
    let user = user.map_or(0, |u| {
        u.principal.user.len()
            + u.principal.organisation.as_ref().map_or(0, String::len)
            + u.person.as_ref().map_or(0, String::len)
    });
    ENTRY + credential.len() + size_of::<Option<AuthUser>>() + user
}
