-- Visits (issue 17) look up a child's reports and cases by the child: its due date reads the
-- latest assessment's risk at every save of the file, and the director's status of the
-- reports and cases about a child lists them. Without these, each look-up scans the table.
CREATE INDEX assessments_child ON assessments(child_id, completed_at) WHERE child_id IS NOT NULL;
CREATE INDEX reports_child ON reports(child_id, id) WHERE child_id IS NOT NULL;
