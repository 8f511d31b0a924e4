-- Files whose search terms are still to be written. A census import writes its files with a
-- range of consecutive ids here, in its own transaction; the terms are written after the
-- import commits, a slice at a time (decision 40). Whole ID numbers are found without terms.
CREATE TABLE search_backlog (
    first_id INTEGER PRIMARY KEY,
    end_id INTEGER NOT NULL
);
