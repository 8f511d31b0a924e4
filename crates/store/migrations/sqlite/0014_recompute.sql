-- The daily recompute of what time changes (decisions 120-124): one row per run, with the
-- cursor an interrupted run resumes from; the one lease that lets a single server run it;
-- the files kept open past 16 with the reason (decision 123).
CREATE TABLE recompute_runs (
    id INTEGER PRIMARY KEY,
    day TEXT NOT NULL,
    age_rule TEXT NOT NULL,
    full_walk INTEGER NOT NULL,
    server TEXT NOT NULL,
    started_at TEXT NOT NULL,
    finished_at TEXT,
    cursor_id INTEGER NOT NULL,
    files_seen INTEGER NOT NULL,
    changed INTEGER NOT NULL,
    batches INTEGER NOT NULL,
    longest_batch_ms INTEGER NOT NULL
);
CREATE TABLE recompute_lease (
    name TEXT PRIMARY KEY,
    holder TEXT,
    expires_at TEXT
);
INSERT INTO recompute_lease (name) VALUES ('daily');
CREATE TABLE turned16_kept (
    child_id INTEGER PRIMARY KEY,
    district_code TEXT NOT NULL,
    kept_at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    reason TEXT NOT NULL
);
