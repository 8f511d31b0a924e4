-- Search terms carry what the search sorts and scopes by, so that a common term ("张") is
-- answered from the index in order instead of by sorting every match (docs/benchmarks.md).
CREATE TABLE child_search_new (
    term TEXT COLLATE "C" NOT NULL,
    closed BOOLEAN NOT NULL,
    name TEXT NOT NULL,
    child_id BIGINT NOT NULL,
    district_code TEXT COLLATE "C" NOT NULL,
    village_code TEXT COLLATE "C" NOT NULL,
    school_org_id BIGINT,
    PRIMARY KEY (term, closed, name, child_id)
);
INSERT INTO child_search_new (term, closed, name, child_id, district_code, village_code, school_org_id)
    SELECT s.term, c.closed, c.name, s.child_id, s.district_code, c.village_code, c.school_org_id
    FROM child_search s JOIN children c ON c.id = s.child_id;
DROP TABLE child_search;
ALTER TABLE child_search_new RENAME TO child_search;
ALTER INDEX child_search_new_pkey RENAME TO child_search_pkey;
CREATE INDEX child_search_child ON child_search(child_id);
