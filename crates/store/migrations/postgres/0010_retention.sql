-- Closed files anonymised at the end of their retention (decision 94): when, and the files
-- still to look at, in the order the retention command goes through them.
ALTER TABLE children ADD COLUMN anonymised_at TIMESTAMPTZ;
CREATE INDEX children_retention ON children(birth_date, id) WHERE closed AND anonymised_at IS NULL;
