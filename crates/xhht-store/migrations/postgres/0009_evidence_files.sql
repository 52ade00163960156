-- xhht store, schema version 9 (PostgreSQL): evidence files on assessments.
--
-- `evidence_files`: a file attached to the assessment (or self-assessment) of a subject under a
-- rulebook for a data year, named `name` within it: the media type sniffed from its bytes, its
-- size, its SHA-256, who added it and on which day. Audited like every record table: the audit
-- trail holds the hash, never the bytes.
-- `evidence_blobs`: the bytes, base64 text keyed by their SHA-256 (content-addressed: one copy
-- of a file attached twice), not audited; a row goes with the last file that names it. The
-- deep audit check hashes every row again.

CREATE TABLE evidence_blobs (
    sha256  TEXT PRIMARY KEY,
    size    BIGINT NOT NULL,
    content TEXT NOT NULL
);

CREATE TABLE evidence_files (
    subject_kind TEXT NOT NULL,
    subject_id   TEXT NOT NULL,
    rulebook     TEXT NOT NULL,
    year         BIGINT NOT NULL,
    name         TEXT NOT NULL,
    media_type   TEXT NOT NULL,
    size         BIGINT NOT NULL,
    sha256       TEXT NOT NULL REFERENCES evidence_blobs (sha256) DEFERRABLE INITIALLY DEFERRED,
    added_by     TEXT NOT NULL,
    added_on     DATE NOT NULL,
    row_version  BIGINT NOT NULL DEFAULT 1,
    PRIMARY KEY (subject_kind, subject_id, rulebook, year, name)
);

CREATE INDEX evidence_files_sha256 ON evidence_files (sha256);
