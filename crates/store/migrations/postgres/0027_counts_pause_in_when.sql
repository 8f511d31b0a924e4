-- A bulk write's pause of the count triggers (shouhu.counts_paused, decision 188) read in each
-- trigger's WHEN (issue 23, decision 203): a row written while paused queues no trigger event
-- and calls no function. Read inside the function, the pause still cost every row of a census
-- import an after-trigger event and a PL/pgSQL call (11.2 against 13.4 s for 100,000 rows
-- with the two insert triggers gone, docs/benchmarks.md).
DROP TRIGGER stat_counts_insert ON children;
DROP TRIGGER stat_counts_delete ON children;
DROP TRIGGER stat_counts_update ON children;
DROP TRIGGER visit_counts_insert ON visit_due;
DROP TRIGGER visit_counts_delete ON visit_due;
DROP TRIGGER visit_counts_update ON visit_due;

CREATE TRIGGER stat_counts_insert AFTER INSERT ON children
    FOR EACH ROW WHEN (NOT NEW.closed AND current_setting('shouhu.counts_paused', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION stat_counts_children();
CREATE TRIGGER stat_counts_delete AFTER DELETE ON children
    FOR EACH ROW WHEN (NOT OLD.closed AND current_setting('shouhu.counts_paused', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION stat_counts_children();
CREATE TRIGGER stat_counts_update AFTER UPDATE OF closed, village_code, category, guardianship_type, schooling,
    warnings, birth_date ON children
    FOR EACH ROW WHEN ((OLD.closed IS DISTINCT FROM NEW.closed OR OLD.village_code IS DISTINCT FROM NEW.village_code
        OR OLD.category IS DISTINCT FROM NEW.category OR OLD.guardianship_type IS DISTINCT FROM NEW.guardianship_type
        OR OLD.schooling IS DISTINCT FROM NEW.schooling OR OLD.warnings IS DISTINCT FROM NEW.warnings
        OR OLD.birth_date IS DISTINCT FROM NEW.birth_date)
        AND current_setting('shouhu.counts_paused', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION stat_counts_children();
CREATE TRIGGER visit_counts_insert AFTER INSERT ON visit_due
    FOR EACH ROW WHEN (current_setting('shouhu.counts_paused', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION visit_counts_due();
CREATE TRIGGER visit_counts_delete AFTER DELETE ON visit_due
    FOR EACH ROW WHEN (current_setting('shouhu.counts_paused', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION visit_counts_due();
CREATE TRIGGER visit_counts_update AFTER UPDATE OF village_code, due_on, last_visit_on ON visit_due
    FOR EACH ROW WHEN ((OLD.village_code IS DISTINCT FROM NEW.village_code OR OLD.due_on IS DISTINCT FROM NEW.due_on
        OR (OLD.last_visit_on IS NULL) IS DISTINCT FROM (NEW.last_visit_on IS NULL))
        AND current_setting('shouhu.counts_paused', true) IS DISTINCT FROM 'on')
    EXECUTE FUNCTION visit_counts_due();
