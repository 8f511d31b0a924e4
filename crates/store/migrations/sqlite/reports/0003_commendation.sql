-- Public reporters commended ([S] 二(二): 及时给予表扬和奖励), counted in the statistics.
ALTER TABLE reports ADD COLUMN commended_at TEXT;
ALTER TABLE reports ADD COLUMN commended_by TEXT;
CREATE INDEX reports_reported_at ON reports(reported_at);
