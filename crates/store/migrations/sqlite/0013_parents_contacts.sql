-- Parents' contacts with the child ([UPL] 23, decision 112): an append-only log, one row a
-- contact, and the last contact's date beside the file, which the ledger filters on against
-- today's date (a lapse is never stored: time alone makes it).
CREATE TABLE parents_contacts (
    id INTEGER PRIMARY KEY,
    district_code TEXT NOT NULL,
    child_id INTEGER NOT NULL,
    contact_on TEXT NOT NULL,
    channel TEXT NOT NULL,
    who TEXT NOT NULL,
    source TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX parents_contacts_child ON parents_contacts(child_id, contact_on);
ALTER TABLE children ADD COLUMN parents_contact_on TEXT;
