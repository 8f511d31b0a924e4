-- Several servers on one database, continued (issue 23, decisions 200-202).
-- Each user's hour of audited refusals, shared by every server (it was each server's memory,
-- so N servers audited N times the setting).
CREATE TABLE refusal_windows (
    user_id INTEGER PRIMARY KEY,
    started_at TEXT NOT NULL,
    written INTEGER NOT NULL,
    left_out INTEGER NOT NULL
);
-- The primary's WAL position after the user's last write (PostgreSQL with a replica only;
-- SQLite has no replica and leaves it empty), decision 201.
ALTER TABLE users ADD COLUMN written_lsn INTEGER;
