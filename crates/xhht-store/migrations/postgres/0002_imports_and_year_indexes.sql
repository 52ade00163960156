-- xhht store, schema version 2 (PostgreSQL): a log of bulk imports, indexes for loading a
-- data year in bulk and on foreign-key columns, and fast compression of the audit JSON.

CREATE TABLE imports (
    id             BIGINT PRIMARY KEY,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    file_sha256    TEXT NOT NULL,
    rows_added     BIGINT NOT NULL,
    rows_changed   BIGINT NOT NULL,
    rows_unchanged BIGINT NOT NULL,
    rows_rejected  BIGINT NOT NULL
);

CREATE INDEX registrations_year ON registrations (year);
CREATE INDEX commitments_year ON commitments (year);
CREATE INDEX self_study_plans_year ON self_study_plans (year);
CREATE INDEX assessments_year ON assessments (year);
CREATE INDEX recognitions_year ON recognitions (year);
CREATE INDEX memberships_organisation ON memberships (organisation);

-- Foreign-key columns of the child side: with deferred constraints, SQLite looks children up
-- when a parent row arrives in the same transaction (quadratic without an index, e.g. a file of
-- communes listed before their district); PostgreSQL uses them when a parent changes.
CREATE INDEX areas_parent ON areas (parent);
CREATE INDEX organisations_parent ON organisations (parent);
CREATE INDEX organisations_area ON organisations (area);
CREATE INDEX successions_to ON successions (to_code);
CREATE INDEX clans_area ON clans (area);
CREATE INDEX communities_commune ON communities (commune);
CREATE INDEX households_community ON households (community);
CREATE INDEX household_members_person ON household_members (person);
CREATE INDEX self_study_plans_approved_by ON self_study_plans (approved_by);
CREATE INDEX report_submissions_organisation ON report_submissions (organisation);

-- The audit trail's JSON is written in bulk by imports: compress it with lz4 (fast) where the
-- server supports it, else store it uncompressed (pglz, the default, is several times slower).
DO $$
BEGIN
    ALTER TABLE audit_log ALTER COLUMN before SET COMPRESSION lz4, ALTER COLUMN after SET COMPRESSION lz4;
EXCEPTION WHEN OTHERS THEN
    ALTER TABLE audit_log ALTER COLUMN before SET STORAGE EXTERNAL, ALTER COLUMN after SET STORAGE EXTERNAL;
END
$$;
