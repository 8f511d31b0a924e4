-- Several servers on one database, continued (issue 23, decisions 200-202).
-- Each user's hour of audited refusals, shared by every server (it was each server's memory,
-- so N servers audited N times the setting).
CREATE TABLE refusal_windows (
    user_id BIGINT PRIMARY KEY,
    started_at TIMESTAMPTZ NOT NULL,
    written BIGINT NOT NULL,
    left_out BIGINT NOT NULL
);
-- The primary's WAL position (bytes) after the user's last write, so that a read may go to a
-- replica only once it has replayed that far (read-your-writes, decision 201).
ALTER TABLE users ADD COLUMN written_lsn BIGINT;
