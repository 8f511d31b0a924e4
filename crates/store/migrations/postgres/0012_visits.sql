-- Visits (走访, issue 17): the village child director's visits, kept as written. A
-- correction is a new row (the same id, the next version); `latest` marks the one in force,
-- which also carries the supervisor's review. What identifies people in free text (who the
-- child lives with, notes, guidance, the reason no report was needed) is in `detail`,
-- sealed (crypto.rs, decision 96), as is the supervisor's reason for sending a visit back.
CREATE TABLE visits (
    id BIGINT NOT NULL,
    version BIGINT NOT NULL,
    latest BOOLEAN NOT NULL,
    child_id BIGINT NOT NULL,
    district_code TEXT COLLATE "C" NOT NULL,
    village_code TEXT COLLATE "C" NOT NULL,
    visited_on DATE NOT NULL,
    kind TEXT NOT NULL,
    child_seen BOOLEAN NOT NULL,
    lives_with TEXT NOT NULL,
    carer_state TEXT NOT NULL,
    safety TEXT NOT NULL,
    health TEXT NOT NULL,
    schooling TEXT NOT NULL,
    mood TEXT NOT NULL,
    parents_last_contact_on DATE,
    parents_contact_channel TEXT,
    next_due_on DATE,
    report_receipt TEXT,
    detail TEXT NOT NULL,
    user_id BIGINT,
    user_name TEXT NOT NULL,
    saved_at TIMESTAMPTZ NOT NULL,
    review_state TEXT NOT NULL,
    reviewed_by TEXT,
    reviewed_at TIMESTAMPTZ,
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
    child_id BIGINT PRIMARY KEY,
    village_code TEXT COLLATE "C" NOT NULL,
    due_on DATE NOT NULL,
    why TEXT NOT NULL,
    last_visit_on DATE
);
CREATE INDEX visit_due_village ON visit_due(village_code, due_on, last_visit_on);

-- Files opened before visits existed get their due date at start-up, once.
CREATE TABLE visit_due_backlog (pending BIGINT PRIMARY KEY);
INSERT INTO visit_due_backlog (pending) VALUES (1);
