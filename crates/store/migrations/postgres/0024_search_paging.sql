-- Name search at a city's scale (issue 24, decisions 190-192). The terms are keyed in the order
-- results are shown, with the village inside the key: a search pages through every match
-- from the index, and a region (the caller's scope, a township or village narrowed to) is a
-- range of that key. No index by child: a file's rows are found by their keys, made from the
-- file as stored (its name, ID number, village, whether closed).
CREATE TABLE child_search_new (
    term TEXT COLLATE "C" NOT NULL,
    closed BOOLEAN NOT NULL,
    village_code TEXT COLLATE "C" NOT NULL,
    name TEXT NOT NULL,
    child_id BIGINT NOT NULL,
    district_code TEXT COLLATE "C" NOT NULL,
    school_org_id BIGINT,
    PRIMARY KEY (term, closed, village_code, name, child_id)
);
INSERT INTO child_search_new (term, closed, village_code, name, child_id, district_code, school_org_id)
    SELECT term, closed, village_code, name, child_id, district_code, school_org_id FROM child_search;
DROP TABLE child_search;
ALTER TABLE child_search_new RENAME TO child_search;
ALTER INDEX child_search_new_pkey RENAME TO child_search_pkey;
-- Files of the backlog an edit wrote the terms of while the indexer was at them.
CREATE TABLE search_edited (
    child_id BIGINT PRIMARY KEY
);
