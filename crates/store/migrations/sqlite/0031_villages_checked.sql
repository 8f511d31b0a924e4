-- A file's village is a region (decision 222). SQLite keeps its foreign key (its check costs
-- little in-process, and the import's bulk mode skips it, decision 43); regions are never
-- deleted or given another code here either, as on PostgreSQL.
CREATE TRIGGER regions_kept_delete BEFORE DELETE ON regions
BEGIN
    SELECT RAISE(ABORT, 'a region is never deleted or given another code');
END;
CREATE TRIGGER regions_kept_recode BEFORE UPDATE OF code ON regions
BEGIN
    SELECT RAISE(ABORT, 'a region is never deleted or given another code');
END;
