-- Each user's 24 hours of numbers shown in full and of searches by a whole ID number made
-- while seeing ID numbers masked, shared by every server (decision 212, settings
-- limits.reveals_per_user_per_day and limits.id_searches_per_user_per_day).
CREATE TABLE allowance_windows (
    user_id INTEGER NOT NULL,
    what TEXT NOT NULL,
    started_at TEXT NOT NULL,
    used INTEGER NOT NULL,
    PRIMARY KEY (user_id, what)
);
