//! The tables, as data: names, columns with their types, natural keys and child tables. The
//! migrations under `migrations/{sqlite,postgres}` create them; the generic code (upsert,
//! audit, backup, export) reads these definitions, so a table is described once in Rust.
//!
//! A table's first `key` columns are its natural key. A child table (the values of an
//! assessment, the members of a household, the evaluations of a result) repeats its parent's
//! key, then a `position`, then its own columns; it is replaced as a whole with its parent.

use crate::db::Ty;

/// A column.
#[derive(Debug)]
pub(crate) struct Col {
    pub(crate) name: &'static str,
    pub(crate) ty: Ty,
}

const fn t(name: &'static str) -> Col {
    Col { name, ty: Ty::Text }
}

const fn i(name: &'static str) -> Col {
    Col { name, ty: Ty::Int }
}

const fn d(name: &'static str) -> Col {
    Col { name, ty: Ty::Date }
}

/// A table.
#[derive(Debug)]
pub(crate) struct Table {
    pub(crate) name: &'static str,
    /// Every column but `row_version`, the natural key first.
    pub(crate) cols: &'static [Col],
    /// How many of `cols` form the natural key.
    pub(crate) key: usize,
    /// The child table replaced with each row, if any.
    pub(crate) child: Option<&'static Table>,
    /// Whether the table has a `row_version` column.
    pub(crate) versioned: bool,
}

impl Table {
    pub(crate) fn key_cols(&self) -> &'static [Col] {
        &self.cols[..self.key]
    }

    pub(crate) fn col_list(&self) -> String {
        self.cols.iter().map(|c| c.name).collect::<Vec<_>>().join(", ")
    }

    pub(crate) fn types(&self) -> Vec<Ty> {
        self.cols.iter().map(|c| c.ty).collect()
    }

    /// The columns a dump holds: every column, and `row_version` where there is one.
    pub(crate) fn dump_cols(&self) -> Vec<(&'static str, Ty)> {
        let mut v: Vec<(&'static str, Ty)> = self.cols.iter().map(|c| (c.name, c.ty)).collect();
        if self.versioned {
            v.push(("row_version", Ty::Int));
        }
        v
    }
}

pub(crate) static AREAS: Table = Table {
    name: "areas",
    cols: &[t("code"), t("name"), t("level"), t("parent"), d("valid_from"), d("valid_to")],
    key: 1,
    child: None,
    versioned: true,
};

pub(crate) static SUCCESSIONS: Table = Table {
    name: "successions",
    cols: &[t("from_code"), t("to_code"), d("date"), t("kind"), t("provenance")],
    key: 2,
    child: None,
    versioned: true,
};

pub(crate) static ORGANISATIONS: Table = Table {
    name: "organisations",
    cols: &[
        t("code"),
        t("name"),
        t("kind"),
        t("school_level"),
        t("ownership"),
        t("level"),
        t("area"),
        t("parent"),
        t("actor"),
        d("valid_from"),
        d("valid_to"),
    ],
    key: 1,
    child: None,
    versioned: true,
};

pub(crate) static PEOPLE: Table = Table {
    name: "people",
    cols: &[t("id"), t("full_name"), i("birth_year"), t("citizen_id"), t("category"), t("area")],
    key: 1,
    child: None,
    versioned: true,
};

pub(crate) static MEMBERSHIPS: Table = Table {
    name: "memberships",
    cols: &[t("person"), t("organisation"), t("role"), d("valid_from"), d("valid_to")],
    key: 4,
    child: None,
    versioned: true,
};

pub(crate) static CLANS: Table =
    Table { name: "clans", cols: &[t("id"), t("name"), t("area")], key: 1, child: None, versioned: true };

pub(crate) static COMMUNITIES: Table = Table {
    name: "communities",
    cols: &[t("id"), t("name"), t("kind"), t("commune"), d("valid_from"), d("valid_to")],
    key: 1,
    child: None,
    versioned: true,
};

pub(crate) static HOUSEHOLD_MEMBERS: Table = Table {
    name: "household_members",
    cols: &[t("id"), i("position"), t("person")],
    key: 2,
    child: None,
    versioned: false,
};

pub(crate) static HOUSEHOLDS: Table = Table {
    name: "households",
    cols: &[t("id"), t("head"), t("community"), t("clan")],
    key: 1,
    child: Some(&HOUSEHOLD_MEMBERS),
    versioned: true,
};

pub(crate) static REGISTRATIONS: Table = Table {
    name: "registrations",
    cols: &[t("subject_kind"), t("subject_id"), t("title"), i("year"), d("date")],
    key: 4,
    child: None,
    versioned: true,
};

pub(crate) static COMMITMENTS: Table =
    Table { name: "commitments", cols: &[t("person"), i("year"), d("date")], key: 2, child: None, versioned: true };

pub(crate) static SELF_STUDY_PLANS: Table = Table {
    name: "self_study_plans",
    cols: &[
        t("person"),
        i("year"),
        d("submitted"),
        t("approved_by"),
        d("approved_on"),
        t("state"),
        t("content"),
        t("note"),
    ],
    key: 2,
    child: None,
    versioned: true,
};

/// The columns of an assessment's values (official or self).
const VALUE_COLS: &[Col] = &[
    t("subject_kind"),
    t("subject_id"),
    t("rulebook"),
    i("year"),
    i("position"),
    t("indicator"),
    t("value_type"),
    i("amount"),
    i("denominator"),
    d("day"),
    t("evidence"),
];

/// The columns of an assessment (official or self).
const ASSESSMENT_COLS: &[Col] =
    &[t("subject_kind"), t("subject_id"), t("rulebook"), i("year"), t("evaluator"), d("date")];

pub(crate) static ASSESSMENT_VALUES: Table =
    Table { name: "assessment_values", cols: VALUE_COLS, key: 5, child: None, versioned: false };

pub(crate) static ASSESSMENTS: Table =
    Table { name: "assessments", cols: ASSESSMENT_COLS, key: 4, child: Some(&ASSESSMENT_VALUES), versioned: true };

pub(crate) static SELF_ASSESSMENT_VALUES: Table =
    Table { name: "self_assessment_values", cols: VALUE_COLS, key: 5, child: None, versioned: false };

/// A subject's assessment of itself: the shape of [`ASSESSMENTS`]; never read by the rules
/// engine (not part of a data year's load).
pub(crate) static SELF_ASSESSMENTS: Table = Table {
    name: "self_assessments",
    cols: ASSESSMENT_COLS,
    key: 4,
    child: Some(&SELF_ASSESSMENT_VALUES),
    versioned: true,
};

/// A file attached to an assessment (or self-assessment) as its evidence: its name, the type
/// sniffed from its bytes, its size and SHA-256, who added it and when (schema 9). The bytes
/// are kept apart, by their hash, in `evidence_blobs` (not audited: the trail holds the hash),
/// which [`crate::evidence`] reads and writes.
pub(crate) static EVIDENCE_FILES: Table = Table {
    name: "evidence_files",
    cols: &[
        t("subject_kind"),
        t("subject_id"),
        t("rulebook"),
        i("year"),
        t("name"),
        t("media_type"),
        i("size"),
        t("sha256"),
        t("added_by"),
        d("added_on"),
    ],
    key: 5,
    child: None,
    versioned: true,
};

pub(crate) static RECOGNITIONS: Table = Table {
    name: "recognitions",
    cols: &[
        t("decision_number"),
        t("subject_kind"),
        t("subject_id"),
        t("title"),
        i("level"),
        i("year"),
        d("decision_date"),
        t("authority"),
        d("valid_until"),
    ],
    key: 4,
    child: None,
    versioned: true,
};

pub(crate) static REPORT_SUBMISSIONS: Table = Table {
    name: "report_submissions",
    cols: &[t("actor"), t("organisation"), i("year"), t("kind"), t("phase"), d("submitted_on"), t("document_number")],
    key: 5,
    child: None,
    versioned: true,
};

pub(crate) static DUTY_REPORTS: Table = Table {
    name: "duty_reports",
    cols: &[t("actor"), t("organisation"), i("year"), t("duty"), t("field"), t("value")],
    key: 5,
    child: None,
    versioned: true,
};

pub(crate) static REWARD_PROPOSALS: Table = Table {
    name: "reward_proposals",
    cols: &[
        t("reward"),
        t("subject_kind"),
        t("subject_id"),
        i("year"),
        t("proposed_by"),
        d("proposed_on"),
        t("verified_by"),
        d("verified_on"),
        t("outcome"),
        t("note"),
        t("decided_by"),
        d("decided_on"),
        t("decision"),
        t("decision_note"),
        t("exception"),
    ],
    key: 4,
    child: None,
    versioned: true,
};

pub(crate) static RESULT_EVALUATIONS: Table = Table {
    name: "result_evaluations",
    cols: &[
        i("year"),
        t("subject_kind"),
        t("subject_id"),
        i("position"),
        t("rulebook"),
        t("version_id"),
        t("content_hash"),
        t("outcome"),
        i("confers_title"),
        i("total"),
        i("level"),
        t("diagnostics"),
    ],
    key: 4,
    child: None,
    versioned: false,
};

pub(crate) static RESULTS: Table = Table {
    name: "results",
    cols: &[
        i("year"),
        t("subject_kind"),
        t("subject_id"),
        t("organisation"),
        i("registered"),
        i("holds_title"),
        i("title_level"),
        i("title_expires_after_year"),
    ],
    key: 3,
    child: Some(&RESULT_EVALUATIONS),
    versioned: true,
};

pub(crate) static AUDIT_LOG: Table = Table {
    name: "audit_log",
    cols: &[
        i("seq"),
        t("at"),
        t("actor"),
        t("table_name"),
        t("row_key"),
        t("action"),
        t("before"),
        t("after"),
        t("prev_hash"),
        t("hash"),
    ],
    key: 1,
    child: None,
    versioned: false,
};

pub(crate) static IMPORTS: Table = Table {
    name: "imports",
    cols: &[
        i("id"),
        t("at"),
        t("actor"),
        t("kind"),
        t("file_name"),
        t("file_sha256"),
        i("rows_added"),
        i("rows_changed"),
        i("rows_unchanged"),
        i("rows_rejected"),
    ],
    key: 1,
    child: None,
    versioned: false,
};

/// The value a migration gave column `col` of `table` in the rows stored before it added the
/// column, where that is not NULL, for a row written before (an audit entry, a dump of an older
/// schema); `is_set(c)` tells whether the row's column `c` holds a value. Schema 8 made every
/// self-study plan with an approval `approved`, and every other `submitted`.
pub(crate) fn added_default(table: &str, col: &str, is_set: impl Fn(&str) -> bool) -> Option<&'static str> {
    match (table, col) {
        ("self_study_plans", "state") => Some(if is_set("approved_by") { "approved" } else { "submitted" }),
        _ => None,
    }
}

/// Every table, parents before children (the order a restore loads them in). The bytes of the
/// evidence files (`evidence_blobs`, schema 9) are not listed: they are not audited, and a
/// backup, a restore and the deep check stream them a row at a time
/// ([`crate::evidence`]), since a row may hold megabytes.
pub(crate) static ALL_TABLES: &[&Table] = &[
    &AREAS,
    &SUCCESSIONS,
    &ORGANISATIONS,
    &PEOPLE,
    &MEMBERSHIPS,
    &CLANS,
    &COMMUNITIES,
    &HOUSEHOLDS,
    &HOUSEHOLD_MEMBERS,
    &REGISTRATIONS,
    &COMMITMENTS,
    &SELF_STUDY_PLANS,
    &ASSESSMENTS,
    &ASSESSMENT_VALUES,
    &SELF_ASSESSMENTS,
    &SELF_ASSESSMENT_VALUES,
    &EVIDENCE_FILES,
    &RECOGNITIONS,
    &REPORT_SUBMISSIONS,
    &DUTY_REPORTS,
    &REWARD_PROPOSALS,
    &RESULTS,
    &RESULT_EVALUATIONS,
    &AUDIT_LOG,
    &IMPORTS,
];
