//! The indicator columns of an assessments file: which indicator a header names (without a
//! `Chỉ tiêu` prefix), or whose evidence it holds; and an assessment read from its row.

use super::*;

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

impl FileCtx {
    /// An assessment from its row: each indicator column's value checked against the rulebook.
    pub(super) fn assessment(&mut self, ctx: &mut RowCtx<'_>) -> Option<Assessment> {
        let rulebook = ctx.text("rulebook");
        let engine = match rulebook.as_deref().map(|r| self.engines.get(r)) {
            Some(Ok(e)) => Some(e.clone()),
            Some(Err(m)) => {
                ctx.err("rulebook", m);
                None
            }
            None => None,
        };
        let default_kind = engine.as_ref().and_then(engine_subject_kind);
        if engine.is_some() && default_kind.is_none() && ctx.get("subject_kind").is_none() {
            ctx.err("subject_kind", "missing: this rulebook evaluates several kinds of subject");
        }
        let subject = subject(ctx, default_kind.or(Some("person")));
        let year = ctx.year("year");
        let evaluator = ctx.text("evaluator");
        let date = ctx.date("date");
        let engine = engine?;
        let all_evidence = ctx.get("minh_chung").is_some_and(|v| v == "*");
        let listed: Vec<String> = ctx
            .get("minh_chung")
            .filter(|v| *v != "*")
            .map(|v| v.split([';', ',']).map(norm).filter(|s| !s.is_empty()).collect())
            .unwrap_or_default();
        let mut values: Vec<IndicatorValue> = Vec::new();
        let mut evidence: HashMap<String, String> = HashMap::new();
        for (cell, header, col) in &self.indicator_cols {
            let Some(text) = ctx.cell(*cell) else { continue };
            match col {
                IndicatorCol::Evidence(id) => match indicator_of(&engine, id) {
                    Some((_, ind)) => {
                        evidence.insert(ind.to_owned(), text.to_owned());
                    }
                    None => ctx.err(header, format!("not an indicator of {}", engine.rulebook().rulebook.id())),
                },
                IndicatorCol::Value(id) => match indicator_of(&engine, id) {
                    Some((n, ind)) => {
                        let kind = engine.definition(n).map(|(_, i)| i.kind);
                        let Some(kind) = kind else { continue };
                        match xhht_core::record::parse_value(kind, text) {
                            Ok(value) => {
                                values.push(IndicatorValue { indicator: ind.to_owned(), value, evidence: None })
                            }
                            Err(m) => ctx.err(ind, m),
                        }
                    }
                    None => ctx.err(header, format!("not an indicator of {}", engine.rulebook().rulebook.id())),
                },
            }
        }
        for v in &mut values {
            v.evidence = evidence
                .remove(&v.indicator)
                .or_else(|| (all_evidence || listed.contains(&norm(&v.indicator))).then(|| "có minh chứng".to_owned()));
        }
        for id in evidence.keys() {
            ctx.err(&format!("minh_chung {id}"), "evidence for an indicator without a value");
        }
        let subject = subject?;
        // Values out of range, too precise or of the wrong kind of subject, as the engine sees them.
        let facts = Facts::from_values(&engine, engine_subject(&engine, &subject), Vec::new(), &values);
        for d in facts.diagnostics() {
            if d.kind != xhht_scoring::DiagnosticKind::Missing {
                ctx.err(&d.indicator, d.message.clone());
            }
        }
        match Assessment::new(subject, engine.rulebook().rulebook.id(), year?, evaluator?, date?, values) {
            Ok(a) => Some(a),
            Err(e) => {
                ctx.refused(&e, &[]);
                None
            }
        }
    }
}
