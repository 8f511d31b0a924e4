-- Encryption at rest (decisions 96-99): the reporter's contact and the court's new guardian
-- are sealed; those written before are sealed at start-up.
CREATE TABLE report_sealing_backlog (table_name TEXT PRIMARY KEY);
INSERT INTO report_sealing_backlog (table_name) VALUES ('reports'), ('revocation_applications');
