-- xhht store, schema version 6 (SQLite): users, API tokens and dashboard sessions are the store's.
--
-- Until version 5 the HTTP server kept them in tables of its own (`server_users`,
-- `server_tokens`, `server_sessions`), created outside the migrations on its own connection
-- pool. They are carried over here, unchanged, and the old tables dropped; a database that
-- never had a server gets empty tables.
--
-- `users`: a name, a role, for a `unit` its organisation's code, optionally the person of the
-- records the account is (a head approves self-study plans as that person), and an argon2id
-- password hash (none: the account logs in only with tokens). `api_tokens`: the SHA-256 of each
-- token (never the token), the 8 hex digits after `xhht_` to find it, its name, and when it was
-- revoked. `sessions`: the SHA-256 of each dashboard session id and its expiry. Times are Unix
-- seconds. Changes to users and tokens are audited (without the hashes); sessions are not.

CREATE TABLE IF NOT EXISTS server_users (
    name TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    organisation TEXT,
    person TEXT,
    password_hash TEXT,
    created BIGINT NOT NULL
);

CREATE TABLE IF NOT EXISTS server_tokens (
    hash TEXT PRIMARY KEY,
    prefix TEXT NOT NULL,
    name TEXT NOT NULL,
    user_name TEXT NOT NULL REFERENCES server_users (name),
    created BIGINT NOT NULL,
    revoked BIGINT
);

CREATE TABLE IF NOT EXISTS server_sessions (
    id_hash TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES server_users (name),
    expires BIGINT NOT NULL,
    created BIGINT NOT NULL
);

CREATE TABLE users (
    name          TEXT PRIMARY KEY,
    role          TEXT NOT NULL CHECK (role IN ('admin', 'reviewer', 'verifier', 'unit', 'viewer')),
    organisation  TEXT,
    person        TEXT,
    password_hash TEXT,
    created       BIGINT NOT NULL
);

CREATE TABLE api_tokens (
    hash      TEXT PRIMARY KEY,
    prefix    TEXT NOT NULL,
    name      TEXT NOT NULL,
    user_name TEXT NOT NULL REFERENCES users (name),
    created   BIGINT NOT NULL,
    revoked   BIGINT
);

CREATE INDEX api_tokens_prefix ON api_tokens (prefix);

CREATE TABLE sessions (
    id_hash   TEXT PRIMARY KEY,
    user_name TEXT NOT NULL REFERENCES users (name),
    expires   BIGINT NOT NULL,
    created   BIGINT NOT NULL
);

CREATE INDEX sessions_expires ON sessions (expires);

INSERT INTO users (name, role, organisation, person, password_hash, created)
    SELECT name, role, organisation, person, password_hash, created FROM server_users;
INSERT INTO api_tokens (hash, prefix, name, user_name, created, revoked)
    SELECT hash, prefix, name, user_name, created, revoked FROM server_tokens;
INSERT INTO sessions (id_hash, user_name, expires, created)
    SELECT id_hash, user_name, expires, created FROM server_sessions;

DROP TABLE server_sessions;
DROP TABLE server_tokens;
DROP TABLE server_users;
