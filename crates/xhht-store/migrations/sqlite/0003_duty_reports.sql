-- xhht store, schema version 3 (SQLite): what each actor reported, duty by duty, in its annual
-- report (the filled report form; `xhht_core::record::DutyReport`).

CREATE TABLE duty_reports (
    actor        TEXT NOT NULL,
    organisation TEXT NOT NULL REFERENCES organisations (code) DEFERRABLE INITIALLY DEFERRED,
    year         INTEGER NOT NULL,
    duty         TEXT NOT NULL,
    field        TEXT NOT NULL,
    value        TEXT NOT NULL,
    row_version  INTEGER NOT NULL DEFAULT 1,
    PRIMARY KEY (actor, organisation, year, duty, field)
);

CREATE INDEX duty_reports_year ON duty_reports (year);
CREATE INDEX duty_reports_organisation ON duty_reports (organisation);
