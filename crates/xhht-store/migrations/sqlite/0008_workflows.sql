-- xhht store, schema version 8 (SQLite): the records' lifecycles (`xhht_core::workflow`).
--
-- `self_study_plans`: where a plan stands (`state`: draft, submitted, returned, approved), its
-- text (`content`) and the reason it was last returned (`note`). A plan with an approval is
-- approved; every other plan stored before was submitted.
-- `reward_proposals`: the proposer's reason for proposing someone not on the eligibility list
-- (`exception`).
-- `self_assessments` and `self_assessment_values`: a subject's assessment of itself, the shape
-- of `assessments` and `assessment_values`, audited like them; the rules engine never reads
-- them (they are not part of a data year's load).
-- `users.role` also accepts `member` (a person's own account). SQLite cannot change a CHECK:
-- `users`, and the two tables that refer to it (`api_tokens`, `sessions`), are copied into new
-- tables and the old ones dropped, children first, inside this migration's transaction; with
-- foreign keys on, renaming `users_new` to `users` makes the copies' references name `users`.
-- Every user, token and session is kept as it was.

ALTER TABLE self_study_plans
    ADD COLUMN state TEXT NOT NULL DEFAULT 'submitted' CHECK (state IN ('draft', 'submitted', 'returned', 'approved'));
ALTER TABLE self_study_plans ADD COLUMN content TEXT;
ALTER TABLE self_study_plans ADD COLUMN note TEXT;
UPDATE self_study_plans SET state = 'approved' WHERE approved_by IS NOT NULL;
CREATE INDEX self_study_plans_year_state ON self_study_plans (year, state);

ALTER TABLE reward_proposals ADD COLUMN exception TEXT;
CREATE INDEX reward_proposals_year ON reward_proposals (year);
CREATE INDEX report_submissions_year ON report_submissions (year);

CREATE TABLE self_assessments (
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    rulebook     TEXT NOT NULL,
    year         INTEGER NOT NULL,
    evaluator    TEXT NOT NULL,
    date         TEXT NOT NULL,
    row_version  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (subject_kind, subject_id, rulebook, year)
);

CREATE INDEX self_assessments_year ON self_assessments (year);

-- One indicator value, as in assessment_values.
CREATE TABLE self_assessment_values (
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
        REFERENCES self_assessments (subject_kind, subject_id, rulebook, year) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
) WITHOUT ROWID;

CREATE TABLE users_new (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'verifier', 'unit', 'viewer', 'member')),
    organisation  TEXT,
    person        TEXT,
    password_hash TEXT,
    created       BIGINT NOT NULL
);

CREATE TABLE api_tokens_new (
    hash      TEXT PRIMARY KEY,
    prefix    TEXT NOT NULL,
    name      TEXT NOT NULL,
    user_name TEXT NOT NULL REFERENCES users_new (name),
    created   BIGINT NOT NULL,
    revoked   BIGINT
);

CREATE TABLE sessions_new (
    id_hash   TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users_new (name),
    expires   BIGINT NOT NULL,
    created   BIGINT NOT NULL
);

INSERT INTO users_new (name, role, organisation, person, password_hash, created)
    SELECT name, role, organisation, person, password_hash, created FROM users;
INSERT INTO api_tokens_new (hash, prefix, name, user_name, created, revoked)
    SELECT hash, prefix, name, user_name, created, revoked FROM api_tokens;
INSERT INTO sessions_new (id_hash, user_name, expires, created)
    SELECT id_hash, user_name, expires, created FROM sessions;

DROP TABLE sessions;
DROP TABLE api_tokens;
DROP TABLE users;

ALTER TABLE users_new RENAME TO users;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
ALTER TABLE sessions_new RENAME TO sessions;

CREATE INDEX api_tokens_prefix ON api_tokens (prefix);
CREATE INDEX sessions_expires ON sessions (expires);
