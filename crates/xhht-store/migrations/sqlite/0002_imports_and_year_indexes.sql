-- xhht store, schema version 2 (SQLite): a log of bulk imports, indexes for loading a data
-- year in bulk, and indexes on foreign-key columns.

CREATE TABLE imports (
    id             INTEGER PRIMARY KEY,
    at             TEXT NOT NULL,
    actor          TEXT NOT NULL,
    kind           TEXT NOT NULL,
    file_name      TEXT NOT NULL,
    file_sha256    TEXT NOT NULL,
    rows_added     INTEGER NOT NULL,
    rows_changed   INTEGER NOT NULL,
    rows_unchanged INTEGER NOT NULL,
    rows_rejected  INTEGER NOT NULL
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
