-- Sign-in (issue 21, decisions 81-84).
-- Failed attempts, each with an id: an attempt is counted when it starts and withdrawn if it
-- succeeds, so that a burst of parallel guesses cannot slip past the wait. Replaces
-- login_failures (only recent failures matter; none are worth keeping across the upgrade).
DROP TABLE login_failures;
CREATE TABLE sign_in_failures (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL,
    at TEXT NOT NULL
);
CREATE INDEX sign_in_failures_key ON sign_in_failures(key, at);
CREATE INDEX sign_in_failures_at ON sign_in_failures(at);

-- Browsers where an account signed in (the cookie's token, hashed), bound to the account.
CREATE TABLE known_devices (
    id INTEGER PRIMARY KEY,
    token_hash TEXT NOT NULL UNIQUE,
    user_id INTEGER NOT NULL REFERENCES users(id),
    created_at TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX known_devices_user ON known_devices(user_id);

-- Second factors (decision 83): the TOTP secret (base32; the server computes codes from it),
-- confirmed by a first code; the last time step accepted, so that no code is used twice.
CREATE TABLE second_factors (
    user_id INTEGER PRIMARY KEY REFERENCES users(id),
    secret TEXT NOT NULL,
    confirmed_at TEXT,
    last_step INTEGER NOT NULL,
    created_at TEXT NOT NULL
);
-- Recovery codes, as their SHA-256; each used once.
CREATE TABLE recovery_codes (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    code_hash TEXT NOT NULL,
    used_at TEXT
);
CREATE INDEX recovery_codes_user ON recovery_codes(user_id, code_hash);
-- A sign-in whose password was right and whose second step is still to come: no session.
CREATE TABLE pending_sign_ins (
    token_hash TEXT PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    csrf_token TEXT NOT NULL,
    expires_at TEXT NOT NULL
);
CREATE INDEX pending_sign_ins_user ON pending_sign_ins(user_id);
