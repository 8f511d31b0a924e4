-- The statistics page (issue 20, decision 158): its count of open files by category,
-- guardianship, schooling, age band and warnings reads only this index, never the files'
-- rows. The ledger's first columns (closed, village code) lead, so a region is a range.
CREATE INDEX children_statistics
    ON children(closed, village_code, category, guardianship_type, schooling, birth_date, warnings);
