-- Accounts (issue 21, decisions 76-80): who an account is for, a one-time set-password
-- link (stored hashed), changes waiting for a second approval, a session's last use, and
-- API tokens with an id (to list and revoke them) and an expiry.
ALTER TABLE users ADD COLUMN kind TEXT NOT NULL DEFAULT 'person';
ALTER TABLE users ADD COLUMN link_hash TEXT;
ALTER TABLE users ADD COLUMN link_expires_at TEXT;
CREATE UNIQUE INDEX users_link ON users(link_hash);

-- One open request an account: what waits (create, reset, role), who asked, and the role
-- and organisation it would get (a role change).
CREATE TABLE account_requests (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    what TEXT NOT NULL,
    requested_by INTEGER NOT NULL REFERENCES users(id),
    requested_at TEXT NOT NULL,
    role TEXT,
    org_id INTEGER REFERENCES organisations(id)
);

-- Written at most once a minute (the idle setting's unit); a session started before this
-- migration counts from its start.
ALTER TABLE sessions ADD COLUMN last_seen_at TEXT;

-- Tokens issued before have no expiry column: they last the setting's days from their
-- creation. Those the administrator issued for other people (named 'admin') are revoked.
CREATE TABLE api_tokens_new (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    name TEXT NOT NULL,
    created_at TEXT NOT NULL,
    expires_at TEXT,
    revoked INTEGER NOT NULL
);
INSERT INTO api_tokens_new (token_hash, user_id, name, created_at, expires_at, revoked)
    SELECT token_hash, user_id, name, created_at, NULL, CASE WHEN name = 'admin' THEN 1 ELSE revoked END
    FROM api_tokens ORDER BY created_at;
DROP TABLE api_tokens;
ALTER TABLE api_tokens_new RENAME TO api_tokens;
CREATE INDEX api_tokens_user ON api_tokens(user_id);
