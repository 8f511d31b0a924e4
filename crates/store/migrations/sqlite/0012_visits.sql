-- Visits (走访, issue 17): the village child director's visits, kept as written. A
-- correction is a new row (the same id, the next version); `latest` marks the one in force,
-- which also carries the supervisor's review. What identifies people in free text (who the
-- child lives with, notes, guidance, the reason no report was needed) is in `detail`,
-- sealed (crypto.rs, decision 96), as is the supervisor's reason for sending a visit back.
CREATE TABLE visits (
    id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    latest INTEGER NOT NULL,
    child_id INTEGER NOT NULL,
    district_code TEXT NOT NULL,
    village_code TEXT NOT NULL,
    visited_on TEXT NOT NULL,
    kind TEXT NOT NULL,
    child_seen INTEGER NOT NULL,
    lives_with TEXT NOT NULL,
    carer_state TEXT NOT NULL,
    safety TEXT NOT NULL,
    health TEXT NOT NULL,
    schooling TEXT NOT NULL,
    mood TEXT NOT NULL,
    parents_last_contact_on TEXT,
    parents_contact_channel TEXT,
    next_due_on TEXT,
    report_receipt TEXT,
    detail TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    saved_at TEXT NOT NULL,
    review_state TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TEXT,
    review_reason TEXT,
    idem_key TEXT,
    idem_hash TEXT,
    PRIMARY KEY (id, version)
);
CREATE INDEX visits_child ON visits(child_id, visited_on) WHERE latest;
CREATE INDEX visits_review ON visits(review_state, village_code, saved_at) WHERE latest;
CREATE UNIQUE INDEX visits_idem ON visits(idem_key) WHERE idem_key IS NOT NULL;

-- When each open file's next visit is due and why (visit.rs `next_due`): kept by every
-- write that changes it (a file saved or closed, a visit saved) and by the daily recompute,
-- for the director's list and the supervisor's coverage.
CREATE TABLE visit_due (
    child_id INTEGER PRIMARY KEY,
    village_code TEXT NOT NULL,
    due_on TEXT NOT NULL,
    why TEXT NOT NULL,
    last_visit_on TEXT
);
CREATE INDEX visit_due_village ON visit_due(village_code, due_on, last_visit_on);

-- Files opened before visits existed get their due date at start-up, once.
CREATE TABLE visit_due_backlog (pending INTEGER PRIMARY KEY);
INSERT INTO visit_due_backlog (pending) VALUES (1);
