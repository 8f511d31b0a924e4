-- A file's village is a region (decision 222), checked by a trigger in place of the foreign
-- key to regions. The foreign key ran a query of its own for every row written, a third of a
-- census import's time on PostgreSQL (docs/benchmarks.md); the trigger's WHEN skips it in an
-- import's transaction, which checked each row's village against the regions itself
-- (shouhu.villages_checked, set for that transaction only), as SQLite's bulk mode skips its
-- foreign keys (decision 43). Every other write is checked as before.
ALTER TABLE children DROP CONSTRAINT children_village_code_fkey;

CREATE FUNCTION children_village_is_region() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    PERFORM 1 FROM regions WHERE code = NEW.village_code;
    IF NOT FOUND THEN
        RAISE foreign_key_violation USING MESSAGE = 'children.village_code is not a region';
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER children_village_inserted AFTER INSERT ON children
    FOR EACH ROW WHEN (current_setting('shouhu.villages_checked', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION children_village_is_region();
CREATE TRIGGER children_village_moved AFTER UPDATE OF village_code ON children
    FOR EACH ROW WHEN (NEW.village_code IS DISTINCT FROM OLD.village_code
        AND current_setting('shouhu.villages_checked', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION children_village_is_region();

-- Without the foreign key's lock a region could go while a file is written into it: regions
-- (the official division codes) are never deleted or given another code; a change of the
-- divisions is a migration of its own.
CREATE FUNCTION regions_are_kept() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    RAISE restrict_violation USING MESSAGE = 'a region is never deleted or given another code';
END;
$$;
CREATE TRIGGER regions_kept BEFORE DELETE OR UPDATE OF code ON regions
    FOR EACH ROW EXECUTE FUNCTION regions_are_kept();
CREATE TRIGGER regions_kept_truncate BEFORE TRUNCATE ON regions
    FOR EACH STATEMENT EXECUTE FUNCTION regions_are_kept();
