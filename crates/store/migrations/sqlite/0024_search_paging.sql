-- Name search at a city's scale (issue 24, decisions 190-192). The terms are keyed in the order
-- results are shown, with the village inside the key: a search pages through every match
-- from the index, and a region (the caller's scope, a township or village narrowed to) is a
-- range of that key, so a page and its count in one township cost what they cost city-wide.
-- No index by child: a file's rows are found by their keys, made from the file as stored
-- (its name, ID number, village, whether closed), so that the indexer writes one B-tree in
-- order instead of a second one at random places (the 90 GB of issue 24).
CREATE TABLE child_search_new (
    term TEXT NOT NULL,
    closed INTEGER NOT NULL,
    village_code TEXT NOT NULL,
    name TEXT NOT NULL,
    child_id INTEGER NOT NULL,
    district_code TEXT NOT NULL,
    school_org_id INTEGER,
    PRIMARY KEY (term, closed, village_code, name, child_id)
) WITHOUT ROWID;
INSERT INTO child_search_new (term, closed, village_code, name, child_id, district_code, school_org_id)
    SELECT term, closed, village_code, name, child_id, district_code, school_org_id FROM child_search
    ORDER BY term, closed, village_code, name, child_id;
DROP TABLE child_search;
ALTER TABLE child_search_new RENAME TO child_search;
-- Files of the backlog an edit wrote the terms of while the indexer was at them: the indexer
-- leaves them out (the edit's terms are the file's as it is now).
CREATE TABLE search_edited (
    child_id INTEGER PRIMARY KEY
);
