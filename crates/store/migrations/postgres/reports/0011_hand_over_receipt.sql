-- The township signs for a case the police handed over by opening it (issue 19, decision 141).
ALTER TABLE reports ADD COLUMN acknowledged_at TIMESTAMPTZ;
ALTER TABLE reports ADD COLUMN acknowledged_by TEXT;
CREATE INDEX reports_unacknowledged ON reports(village_code, handed_over_at) WHERE step = 'handed_over' AND acknowledged_at IS NULL;
-- Open assessments by region and deadline, for the to-do counts.
CREATE INDEX assessments_open ON assessments(village_code, due_at) WHERE state = 'open';
