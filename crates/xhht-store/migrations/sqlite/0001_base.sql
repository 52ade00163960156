-- xhht store, schema version 1 (SQLite): every record of the movement, with history.
-- Dates are TEXT 'YYYY-MM-DD'; decimals are INTEGER ten-thousandths; booleans INTEGER 0/1.
-- Every table that is updated has row_version (optimistic concurrency).
-- Foreign keys are deferred to the end of the transaction, so one import may carry a parent
-- and its children in any order. Tables keyed by a natural key of short rows are WITHOUT ROWID
-- (one B-tree instead of a table and its key index).

CREATE TABLE areas (
    code        TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    level       TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    parent      TEXT REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    row_version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE successions (
    from_code   TEXT NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    to_code     TEXT NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    date        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    provenance  TEXT NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (from_code, to_code)
) WITHOUT ROWID;

CREATE TABLE organisations (
    code         TEXT PRIMARY KEY,
    name         TEXT NOT NULL,
    kind         TEXT NOT NULL,
    school_level TEXT,
    ownership    TEXT NOT NULL CHECK (ownership IN ('public', 'private')),
    level        TEXT NOT NULL CHECK (level IN ('province', 'district', 'commune')),
    area         TEXT NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    parent       TEXT REFERENCES organisations (code) DEFERRABLE INITIALLY DEFERRED,
    actor        TEXT,
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    row_version  INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE people (
    id          TEXT PRIMARY KEY,
    full_name   TEXT NOT NULL,
    birth_year  INTEGER,
    citizen_id  TEXT,
    category    TEXT NOT NULL,
    area        TEXT REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    row_version INTEGER NOT NULL DEFAULT 1
) WITHOUT ROWID;

CREATE TABLE memberships (
    person       TEXT NOT NULL REFERENCES people (id) DEFERRABLE INITIALLY DEFERRED,
    organisation TEXT NOT NULL REFERENCES organisations (code) DEFERRABLE INITIALLY DEFERRED,
    role         TEXT NOT NULL CHECK (role IN ('member', 'head')),
    valid_from   TEXT NOT NULL,
    valid_to     TEXT,
    row_version  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (person, organisation, role, valid_from)
) WITHOUT ROWID;

CREATE TABLE clans (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    area        TEXT NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    row_version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE communities (
    id          TEXT PRIMARY KEY,
    name        TEXT NOT NULL,
    kind        TEXT NOT NULL,
    commune     TEXT NOT NULL REFERENCES areas (code) DEFERRABLE INITIALLY DEFERRED,
    valid_from  TEXT NOT NULL,
    valid_to    TEXT,
    row_version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE households (
    id          TEXT PRIMARY KEY,
    head        TEXT REFERENCES people (id) DEFERRABLE INITIALLY DEFERRED,
    community   TEXT NOT NULL REFERENCES communities (id) DEFERRABLE INITIALLY DEFERRED,
    clan        TEXT REFERENCES clans (id) DEFERRABLE INITIALLY DEFERRED,
    row_version INTEGER NOT NULL DEFAULT 1
);

CREATE TABLE household_members (
    id       TEXT NOT NULL REFERENCES households (id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED,
    position INTEGER NOT NULL,
    person   TEXT NOT NULL REFERENCES people (id) DEFERRABLE INITIALLY DEFERRED,
    PRIMARY KEY (id, position)
) WITHOUT ROWID;

CREATE TABLE registrations (
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    title        TEXT NOT NULL,
    year         INTEGER NOT NULL,
    date         TEXT NOT NULL,
    row_version  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (subject_kind, subject_id, title, year)
) WITHOUT ROWID;

CREATE TABLE commitments (
    person      TEXT NOT NULL REFERENCES people (id) DEFERRABLE INITIALLY DEFERRED,
    year        INTEGER NOT NULL,
    date        TEXT NOT NULL,
    row_version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (person, year)
) WITHOUT ROWID;

CREATE TABLE self_study_plans (
    person      TEXT NOT NULL REFERENCES people (id) DEFERRABLE INITIALLY DEFERRED,
    year        INTEGER NOT NULL,
    submitted   TEXT NOT NULL,
    approved_by TEXT REFERENCES people (id) DEFERRABLE INITIALLY DEFERRED,
    approved_on TEXT,
    row_version INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (person, year),
    CHECK ((approved_by IS NULL) = (approved_on IS NULL))
) WITHOUT ROWID;

CREATE TABLE assessments (
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    rulebook     TEXT NOT NULL,
    year         INTEGER NOT NULL,
    evaluator    TEXT NOT NULL,
    date         TEXT NOT NULL,
    row_version  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (subject_kind, subject_id, rulebook, year)
);

-- One indicator value. value_type: yes-no (amount 0/1), score and percent (amount in
-- ten-thousandths), share (amount = numerator, denominator), count (amount), date (day).
CREATE TABLE assessment_values (
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    rulebook     TEXT NOT NULL,
    year         INTEGER NOT NULL,
    position     INTEGER NOT NULL,
    indicator    TEXT NOT NULL,
    value_type   TEXT NOT NULL CHECK (value_type IN ('yes-no', 'score', 'percent', 'share', 'count', 'date')),
    amount       INTEGER,
    denominator  INTEGER,
    day          TEXT,
    evidence     TEXT,
    PRIMARY KEY (subject_kind, subject_id, rulebook, year, position),
    FOREIGN KEY (subject_kind, subject_id, rulebook, year)
        REFERENCES assessments (subject_kind, subject_id, rulebook, year) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;

CREATE TABLE recognitions (
    decision_number TEXT NOT NULL,
    subject_kind    TEXT NOT NULL,
    subject_id      TEXT NOT NULL,
    title           TEXT NOT NULL,
    level           INTEGER,
    year            INTEGER NOT NULL,
    decision_date   TEXT NOT NULL,
    authority       TEXT NOT NULL,
    valid_until     TEXT,
    row_version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (decision_number, subject_kind, subject_id, title)
) WITHOUT ROWID;

-- kind: annual (phase '') or phase-review (phase = the plan's phase id).
CREATE TABLE report_submissions (
    actor           TEXT NOT NULL,
    organisation    TEXT NOT NULL REFERENCES organisations (code) DEFERRABLE INITIALLY DEFERRED,
    year            INTEGER NOT NULL,
    kind            TEXT NOT NULL CHECK (kind IN ('annual', 'phase-review')),
    phase           TEXT NOT NULL DEFAULT '',
    submitted_on    TEXT NOT NULL,
    document_number TEXT,
    row_version     INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (actor, organisation, year, kind, phase)
);

CREATE TABLE reward_proposals (
    reward       TEXT NOT NULL,
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    year         INTEGER NOT NULL,
    proposed_by  TEXT NOT NULL,
    proposed_on  TEXT NOT NULL,
    verified_by  TEXT,
    verified_on  TEXT,
    outcome      TEXT CHECK (outcome IN ('accepted', 'refused')),
    note         TEXT,
    row_version  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (reward, subject_kind, subject_id, year)
);

-- The standing of a person or organisation after a year's evaluation.
CREATE TABLE results (
    year                     INTEGER NOT NULL,
    subject_kind             TEXT NOT NULL,
    subject_id               TEXT NOT NULL,
    organisation             TEXT,
    registered               INTEGER NOT NULL,
    holds_title              INTEGER NOT NULL,
    title_level              INTEGER,
    title_expires_after_year INTEGER NOT NULL,
    row_version              INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (year, subject_kind, subject_id)
) WITHOUT ROWID;

-- One evaluation against one rulebook: which rules exactly (id, version, content hash) and
-- the outcome; total in ten-thousandths; diagnostics as a JSON array of strings.
CREATE TABLE result_evaluations (
    year          INTEGER NOT NULL,
    subject_kind  TEXT NOT NULL,
    subject_id    TEXT NOT NULL,
    position      INTEGER NOT NULL,
    rulebook      TEXT NOT NULL,
    version_id    TEXT NOT NULL,
    content_hash  TEXT NOT NULL,
    outcome       TEXT,
    confers_title INTEGER NOT NULL,
    total         INTEGER,
    level         INTEGER,
    diagnostics   TEXT NOT NULL,
    PRIMARY KEY (year, subject_kind, subject_id, position),
    FOREIGN KEY (year, subject_kind, subject_id)
        REFERENCES results (year, subject_kind, subject_id) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;

-- Append-only, hash-chained: hash = SHA-256 over the canonical form of the entry (see
-- xhht_store::audit), which includes prev_hash, the hash of the entry before.
CREATE TABLE audit_log (
    seq        INTEGER PRIMARY KEY,
    at         TEXT NOT NULL,
    actor      TEXT NOT NULL,
    table_name TEXT NOT NULL,
    row_key    TEXT NOT NULL,
    action     TEXT NOT NULL,
    before     TEXT,
    after      TEXT,
    prev_hash  TEXT NOT NULL,
    hash       TEXT NOT NULL
);

CREATE TRIGGER audit_log_no_update BEFORE UPDATE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;

CREATE TRIGGER audit_log_no_delete BEFORE DELETE ON audit_log
BEGIN
    SELECT RAISE(ABORT, 'audit_log is append-only');
END;
