-- Notifications (issue 19, decisions 150-156): one row per recipient, written in the
-- transaction of the change that caused it (or, for a change in the reports' database, by
-- the relay that moves its cause here with the cursor, in one transaction). Ids grow in
-- commit order: a browser resumes after the last id it saw.
CREATE TABLE notifications (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    kind TEXT NOT NULL,
    critical INTEGER NOT NULL,
    cause TEXT NOT NULL,
    text TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    read_at TEXT
);
CREATE UNIQUE INDEX notifications_cause_user ON notifications(cause, user_id);
CREATE INDEX notifications_user ON notifications(user_id, id);

-- The outbox: one message per cause and recipient organisation, sent by e-mail or webhook.
CREATE TABLE notify_outbox (
    id INTEGER PRIMARY KEY,
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    kind TEXT NOT NULL,
    cause TEXT NOT NULL,
    text TEXT NOT NULL,
    link TEXT NOT NULL,
    created_at TEXT NOT NULL,
    state TEXT NOT NULL,
    attempts INTEGER NOT NULL,
    next_at TEXT NOT NULL,
    lease_owner TEXT,
    lease_until TEXT,
    done_at TEXT
);
CREATE UNIQUE INDEX notify_outbox_cause_org ON notify_outbox(cause, org_id);
CREATE INDEX notify_outbox_due ON notify_outbox(state, next_at);

-- Every attempt to send a message, with its outcome.
CREATE TABLE notify_attempts (
    id INTEGER PRIMARY KEY,
    outbox_id INTEGER NOT NULL REFERENCES notify_outbox(id),
    at TEXT NOT NULL,
    channel TEXT,
    address TEXT,
    outcome TEXT NOT NULL,
    error TEXT
);
CREATE INDEX notify_attempts_outbox ON notify_attempts(outbox_id);

-- How each organisation receives its messages (set by the administrator).
CREATE TABLE org_notify_channels (
    org_id INTEGER PRIMARY KEY REFERENCES organisations(id),
    channel TEXT NOT NULL,
    address TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);

-- How far the relay has read each log of causes kept in another database.
CREATE TABLE notify_cursors (
    name TEXT PRIMARY KEY,
    position INTEGER NOT NULL
);
INSERT INTO notify_cursors (name, position) VALUES ('report_causes', 0);

-- The duty desk's sound for a critical report, per user (on unless turned off).
ALTER TABLE users ADD COLUMN notify_sound INTEGER NOT NULL DEFAULT 1;
