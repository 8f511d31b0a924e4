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
