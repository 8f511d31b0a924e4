-- The child's name on an assessment, as the reports keep it (the registry is another
-- database on SQLite: no join across), and who sent a referral, for the organisation that
-- receives it. Assessments opened from a report take the report's name; those opened from
-- the ledger before this are named from the registry when read.
ALTER TABLE assessments ADD COLUMN child_name TEXT;
UPDATE assessments SET child_name = (SELECT r.child_name FROM reports r WHERE r.id = assessments.report_id)
    WHERE report_id IS NOT NULL;
ALTER TABLE referrals ADD COLUMN sender_org_id INTEGER;
ALTER TABLE referrals ADD COLUMN sender_org_name TEXT;
ALTER TABLE referrals ADD COLUMN sent_by TEXT;
