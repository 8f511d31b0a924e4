-- Several servers on one database (issue 23, decisions 196-198).
-- A running import is claimed by the server that runs it, until its lease expires; its
-- progress is here for any server to answer with.
ALTER TABLE import_jobs ADD COLUMN owner TEXT;
ALTER TABLE import_jobs ADD COLUMN lease_until TEXT;
ALTER TABLE import_jobs ADD COLUMN progress TEXT;
CREATE INDEX import_jobs_running ON import_jobs(state, lease_until) WHERE state = 'running';
-- Background work that one server at a time does (the search-term indexer's sweep).
CREATE TABLE work_leases (
    name TEXT PRIMARY KEY,
    holder TEXT,
    expires_at TEXT
);
-- The public guards' per-address counts (public reports, document verifications).
CREATE TABLE guard_hits (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    addr TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX guard_hits_by_addr ON guard_hits(kind, addr, at);
CREATE INDEX guard_hits_by_at ON guard_hits(at);
-- Public report questions used up (by a report, with its retry key, or by a wrong answer).
CREATE TABLE guard_used (
    token TEXT PRIMARY KEY,
    expires BIGINT NOT NULL,
    retry_key TEXT
);
CREATE INDEX guard_used_expires ON guard_used(expires);
