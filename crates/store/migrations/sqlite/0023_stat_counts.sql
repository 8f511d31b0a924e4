-- Counts of the open files kept by every write (issue 20, decision 188): the statistics of a
-- district or of the city read these few thousand rows instead of every file's index entry.
-- Per township (9-digit code): 'c' category, 'g' guardianship type, 's' schooling ('' when not
-- stated) and 'w' the stored warnings mask; per district (6 digits): 'm' the birth month
-- ('YYYY-MM', '' when unknown), since age bands move daily and are finished from the
-- birth-date index at their boundary months. Next visits (visit_due) by due day: 'v6' and
-- 'v9' every due row per district and per township, 'V6' and 'V9' those visited at least
-- once. The dimension leads the key, so a reader takes one dimension of one region as a
-- range. n may reach 0; readers skip such rows.
CREATE TABLE stat_counts (
    area TEXT NOT NULL,
    dim TEXT NOT NULL,
    val TEXT NOT NULL,
    n INTEGER NOT NULL,
    PRIMARY KEY (dim, area, val)
) WITHOUT ROWID;

-- A bulk write (the census import) pauses the triggers inside its own transaction and then
-- counts the districts it touched again (`Store::recount`); a row here is never committed.
CREATE TABLE stat_counts_paused (paused INTEGER NOT NULL);

-- Present until the counts have been made once from the files (at the next start).
CREATE TABLE stat_counts_backlog (pending INTEGER PRIMARY KEY);
INSERT INTO stat_counts_backlog (pending) VALUES (1);

CREATE TRIGGER stat_counts_insert AFTER INSERT ON children
WHEN NEW.closed = 0 AND NOT EXISTS (SELECT 1 FROM stat_counts_paused)
BEGIN
    INSERT INTO stat_counts (area, dim, val, n) VALUES
        (substr(NEW.village_code, 1, 9), 'c', NEW.category, 1),
        (substr(NEW.village_code, 1, 9), 'g', coalesce(NEW.guardianship_type, ''), 1),
        (substr(NEW.village_code, 1, 9), 's', coalesce(NEW.schooling, ''), 1),
        (substr(NEW.village_code, 1, 9), 'w', CAST(NEW.warnings AS TEXT), 1),
        (substr(NEW.village_code, 1, 6), 'm', coalesce(substr(NEW.birth_date, 1, 7), ''), 1)
    ON CONFLICT (dim, area, val) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER stat_counts_delete AFTER DELETE ON children
WHEN OLD.closed = 0 AND NOT EXISTS (SELECT 1 FROM stat_counts_paused)
BEGIN
    INSERT INTO stat_counts (area, dim, val, n) VALUES
        (substr(OLD.village_code, 1, 9), 'c', OLD.category, -1),
        (substr(OLD.village_code, 1, 9), 'g', coalesce(OLD.guardianship_type, ''), -1),
        (substr(OLD.village_code, 1, 9), 's', coalesce(OLD.schooling, ''), -1),
        (substr(OLD.village_code, 1, 9), 'w', CAST(OLD.warnings AS TEXT), -1),
        (substr(OLD.village_code, 1, 6), 'm', coalesce(substr(OLD.birth_date, 1, 7), ''), -1)
    ON CONFLICT (dim, area, val) DO UPDATE SET n = n + excluded.n;
END;

-- An update moves the file out of its old counts and into its new ones, only when a counted
-- column changed (the daily recompute touches warnings and category alone).
CREATE TRIGGER stat_counts_update AFTER UPDATE OF closed, village_code, category, guardianship_type, schooling,
    warnings, birth_date ON children
WHEN (OLD.closed IS NOT NEW.closed OR OLD.village_code IS NOT NEW.village_code OR OLD.category IS NOT NEW.category
      OR OLD.guardianship_type IS NOT NEW.guardianship_type OR OLD.schooling IS NOT NEW.schooling
      OR OLD.warnings IS NOT NEW.warnings OR OLD.birth_date IS NOT NEW.birth_date)
    AND NOT EXISTS (SELECT 1 FROM stat_counts_paused)
BEGIN
    INSERT INTO stat_counts (area, dim, val, n)
    SELECT area, dim, val, sum(d) FROM (
        SELECT substr(OLD.village_code, 1, 9) AS area, 'c' AS dim, OLD.category AS val, -1 AS d WHERE OLD.closed = 0
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 'g', coalesce(OLD.guardianship_type, ''), -1 WHERE OLD.closed = 0
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 's', coalesce(OLD.schooling, ''), -1 WHERE OLD.closed = 0
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 'w', CAST(OLD.warnings AS TEXT), -1 WHERE OLD.closed = 0
        UNION ALL SELECT substr(OLD.village_code, 1, 6), 'm', coalesce(substr(OLD.birth_date, 1, 7), ''), -1 WHERE OLD.closed = 0
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'c', NEW.category, 1 WHERE NEW.closed = 0
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'g', coalesce(NEW.guardianship_type, ''), 1 WHERE NEW.closed = 0
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 's', coalesce(NEW.schooling, ''), 1 WHERE NEW.closed = 0
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'w', CAST(NEW.warnings AS TEXT), 1 WHERE NEW.closed = 0
        UNION ALL SELECT substr(NEW.village_code, 1, 6), 'm', coalesce(substr(NEW.birth_date, 1, 7), ''), 1 WHERE NEW.closed = 0
    ) WHERE TRUE GROUP BY area, dim, val HAVING sum(d) <> 0
    ON CONFLICT (dim, area, val) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER visit_counts_insert AFTER INSERT ON visit_due
WHEN NOT EXISTS (SELECT 1 FROM stat_counts_paused)
BEGIN
    INSERT INTO stat_counts (area, dim, val, n)
    SELECT area, dim, NEW.due_on, 1 FROM (
        SELECT substr(NEW.village_code, 1, 6) AS area, 'v6' AS dim
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'v9'
        UNION ALL SELECT substr(NEW.village_code, 1, 6), 'V6' WHERE NEW.last_visit_on IS NOT NULL
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'V9' WHERE NEW.last_visit_on IS NOT NULL
    ) WHERE TRUE
    ON CONFLICT (dim, area, val) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER visit_counts_delete AFTER DELETE ON visit_due
WHEN NOT EXISTS (SELECT 1 FROM stat_counts_paused)
BEGIN
    INSERT INTO stat_counts (area, dim, val, n)
    SELECT area, dim, OLD.due_on, -1 FROM (
        SELECT substr(OLD.village_code, 1, 6) AS area, 'v6' AS dim
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 'v9'
        UNION ALL SELECT substr(OLD.village_code, 1, 6), 'V6' WHERE OLD.last_visit_on IS NOT NULL
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 'V9' WHERE OLD.last_visit_on IS NOT NULL
    ) WHERE TRUE
    ON CONFLICT (dim, area, val) DO UPDATE SET n = n + excluded.n;
END;

CREATE TRIGGER visit_counts_update AFTER UPDATE OF village_code, due_on, last_visit_on ON visit_due
WHEN (OLD.village_code IS NOT NEW.village_code OR OLD.due_on IS NOT NEW.due_on
      OR (OLD.last_visit_on IS NULL) IS NOT (NEW.last_visit_on IS NULL))
    AND NOT EXISTS (SELECT 1 FROM stat_counts_paused)
BEGIN
    INSERT INTO stat_counts (area, dim, val, n)
    SELECT area, dim, val, sum(d) FROM (
        SELECT substr(OLD.village_code, 1, 6) AS area, 'v6' AS dim, OLD.due_on AS val, -1 AS d
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 'v9', OLD.due_on, -1
        UNION ALL SELECT substr(OLD.village_code, 1, 6), 'V6', OLD.due_on, -1 WHERE OLD.last_visit_on IS NOT NULL
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 'V9', OLD.due_on, -1 WHERE OLD.last_visit_on IS NOT NULL
        UNION ALL SELECT substr(NEW.village_code, 1, 6), 'v6', NEW.due_on, 1
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'v9', NEW.due_on, 1
        UNION ALL SELECT substr(NEW.village_code, 1, 6), 'V6', NEW.due_on, 1 WHERE NEW.last_visit_on IS NOT NULL
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'V9', NEW.due_on, 1 WHERE NEW.last_visit_on IS NOT NULL
    ) WHERE TRUE GROUP BY area, dim, val HAVING sum(d) <> 0
    ON CONFLICT (dim, area, val) DO UPDATE SET n = n + excluded.n;
END;
