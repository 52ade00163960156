-- xhht store, schema version 5 (SQLite): the data version and a cache of per-year digests.
--
-- `data_version` holds one row: `seq` is the number of the last audit entry of the last
-- transaction that changed a record (any audited table but `results`); every such transaction
-- sets it before it commits, so two reads that see the same value see the same records. It
-- starts at the last audit entry there is (0 for an empty log).
--
-- `year_digests` is a cache, not records: a derived summary of a year (`body`, opaque text)
-- kept with the key of what computed it and the data version it was computed from; it is
-- served only while that version is current. Not audited, not part of the record backups.

CREATE TABLE data_version (
    id  INTEGER PRIMARY KEY CHECK (id = 1),
    seq BIGINT NOT NULL
);

INSERT INTO data_version (id, seq) SELECT 1, COALESCE(MAX(seq), 0) FROM audit_log;

CREATE TABLE year_digests (
    year         INTEGER PRIMARY KEY,
    cache_key    TEXT NOT NULL,
    data_version BIGINT NOT NULL,
    body         TEXT NOT NULL
);
