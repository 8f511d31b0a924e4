-- The child registry: regions, organisations, users, sessions, children, history, audit.
-- Timestamps are UTC text (RFC 3339, microseconds), dates are YYYY-MM-DD text.

CREATE TABLE regions (
    code TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    parent_code TEXT REFERENCES regions(code),
    level TEXT NOT NULL
);
CREATE INDEX regions_parent ON regions(parent_code);

CREATE TABLE organisations (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL,
    org_type TEXT NOT NULL,
    region_code TEXT NOT NULL REFERENCES regions(code),
    created_at TEXT NOT NULL
);

CREATE TABLE users (
    id INTEGER PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    password_hash TEXT NOT NULL,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    role TEXT NOT NULL,
    active INTEGER NOT NULL,
    created_at TEXT NOT NULL
);

CREATE TABLE sessions (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX sessions_user ON sessions(user_id);

CREATE TABLE api_tokens (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    revoked INTEGER NOT NULL
);

CREATE TABLE login_failures (
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX login_failures_key ON login_failures(key, at);

CREATE TABLE children (
    district_code TEXT NOT NULL,
    id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    village_code TEXT NOT NULL REFERENCES regions(code),
    name TEXT NOT NULL,
    sex TEXT,
    birth_date TEXT,
    id_number TEXT,
    category TEXT NOT NULL,
    guardianship_type TEXT,
    schooling TEXT,
    health TEXT,
    warnings INTEGER NOT NULL,
    school_org_id INTEGER REFERENCES organisations(id),
    closed INTEGER NOT NULL,
    close_reason TEXT,
    close_note TEXT,
    closed_at TEXT,
    data TEXT NOT NULL,
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    PRIMARY KEY (district_code, id)
);
CREATE UNIQUE INDEX children_id ON children(id);
CREATE UNIQUE INDEX children_id_number ON children(id_number) WHERE id_number IS NOT NULL;
CREATE INDEX children_ledger ON children(closed, village_code, id);
CREATE INDEX children_school ON children(school_org_id) WHERE school_org_id IS NOT NULL;

CREATE TABLE child_search (
    term TEXT NOT NULL,
    child_id INTEGER NOT NULL,
    district_code TEXT NOT NULL,
    PRIMARY KEY (term, child_id)
) WITHOUT ROWID;
CREATE INDEX child_search_child ON child_search(child_id);

CREATE TABLE child_history (
    district_code TEXT NOT NULL,
    child_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    source TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    PRIMARY KEY (district_code, child_id, version, seq)
);

CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    child_id INTEGER,
    district_code TEXT,
    detail TEXT NOT NULL
);
CREATE INDEX audit_log_child ON audit_log(child_id);
CREATE INDEX audit_log_at ON audit_log(at);
