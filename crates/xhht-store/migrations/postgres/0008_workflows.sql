-- xhht store, schema version 8 (PostgreSQL): the records' lifecycles (`xhht_core::workflow`).
--
-- `self_study_plans`: where a plan stands (`state`: draft, submitted, returned, approved), its
-- text (`content`) and the reason it was last returned (`note`). A plan with an approval is
-- approved; every other plan stored before was submitted.
-- `reward_proposals`: the proposer's reason for proposing someone not on the eligibility list
-- (`exception`).
-- `self_assessments` and `self_assessment_values`: a subject's assessment of itself, the shape
-- of `assessments` and `assessment_values`, audited like them; the rules engine never reads
-- them (they are not part of a data year's load).
-- `users.role` also accepts `member` (a person's own account): its CHECK is replaced.

ALTER TABLE self_study_plans
    ADD COLUMN state TEXT NOT NULL DEFAULT 'submitted' CHECK (state IN ('draft', 'submitted', 'returned', 'approved')),
    ADD COLUMN content TEXT,
    ADD COLUMN note TEXT;
UPDATE self_study_plans SET state = 'approved' WHERE approved_by IS NOT NULL;
CREATE INDEX self_study_plans_year_state ON self_study_plans (year, state);

ALTER TABLE reward_proposals ADD COLUMN exception TEXT;
CREATE INDEX reward_proposals_year ON reward_proposals (year);
CREATE INDEX report_submissions_year ON report_submissions (year);

CREATE TABLE self_assessments (
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    rulebook     TEXT NOT NULL,
    year         BIGINT NOT NULL,
    evaluator    TEXT NOT NULL,
    date         DATE NOT NULL,
    row_version  BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (subject_kind, subject_id, rulebook, year)
);

CREATE INDEX self_assessments_year ON self_assessments (year);

-- One indicator value, as in assessment_values.
CREATE TABLE self_assessment_values (
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    rulebook     TEXT NOT NULL,
    year         BIGINT NOT NULL,
    position     BIGINT NOT NULL,
    indicator    TEXT NOT NULL,
    value_type   TEXT NOT NULL CHECK (value_type IN ('yes-no', 'score', 'percent', 'share', 'count', 'date')),
    amount       BIGINT,
    denominator  BIGINT,
    day          DATE,
    evidence     TEXT,
    PRIMARY KEY (subject_kind, subject_id, rulebook, year, position),
    FOREIGN KEY (subject_kind, subject_id, rulebook, year)
        REFERENCES self_assessments (subject_kind, subject_id, rulebook, year) ON DELETE CASCADE DEFERRABLE INITIALLY DEFERRED
);

ALTER TABLE users DROP CONSTRAINT IF EXISTS users_role_check;
ALTER TABLE users ADD CONSTRAINT users_role_check
    CHECK (role IN ('admin', 'reviewer', 'verifier', 'unit', 'viewer', 'member'));
