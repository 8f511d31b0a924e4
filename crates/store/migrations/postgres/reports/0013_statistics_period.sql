-- The statistics page (issue 20, decision 188): a year's reports and assessments of a region
-- are read from these indexes alone, never from the rows with their descriptions and answers.
CREATE INDEX reports_period ON reports(reported_at, village_code, situations, accepted_at);
CREATE INDEX assessments_period ON assessments(opened_at, village_code, completed_at);
