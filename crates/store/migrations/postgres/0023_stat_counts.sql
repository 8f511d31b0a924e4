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
    area TEXT COLLATE "C" NOT NULL,
    dim TEXT COLLATE "C" NOT NULL,
    val TEXT COLLATE "C" NOT NULL,
    n BIGINT NOT NULL,
    PRIMARY KEY (dim, area, val)
);

-- Kept for the schema's likeness with SQLite; PostgreSQL pauses the triggers with the
-- transaction-local setting shouhu.counts_paused instead (`Store::recount`).
CREATE TABLE stat_counts_paused (paused INTEGER NOT NULL);

-- Present until the counts have been made once from the files (at the next start).
CREATE TABLE stat_counts_backlog (pending BIGINT PRIMARY KEY);
INSERT INTO stat_counts_backlog (pending) VALUES (1);

-- A file's contribution to the counts: +1 for the new row, -1 for the old, only for open
-- files; an update adds only the dimensions whose value changed (the others cancel out).
-- Rows are written in key order (dim, area, val) so two writers never wait on each other in turn.
CREATE FUNCTION stat_counts_children() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('shouhu.counts_paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    IF TG_OP = 'INSERT' THEN
        INSERT INTO stat_counts (area, dim, val, n) VALUES
            (substr(NEW.village_code, 1, 9), 'c', NEW.category, 1),
            (substr(NEW.village_code, 1, 9), 'g', coalesce(NEW.guardianship_type, ''), 1),
            (substr(NEW.village_code, 1, 6), 'm', coalesce(to_char(NEW.birth_date, 'YYYY-MM'), ''), 1),
            (substr(NEW.village_code, 1, 9), 's', coalesce(NEW.schooling, ''), 1),
            (substr(NEW.village_code, 1, 9), 'w', NEW.warnings::text, 1)
        ON CONFLICT (dim, area, val) DO UPDATE SET n = stat_counts.n + excluded.n;
    ELSIF TG_OP = 'DELETE' THEN
        INSERT INTO stat_counts (area, dim, val, n) VALUES
            (substr(OLD.village_code, 1, 9), 'c', OLD.category, -1),
            (substr(OLD.village_code, 1, 9), 'g', coalesce(OLD.guardianship_type, ''), -1),
            (substr(OLD.village_code, 1, 6), 'm', coalesce(to_char(OLD.birth_date, 'YYYY-MM'), ''), -1),
            (substr(OLD.village_code, 1, 9), 's', coalesce(OLD.schooling, ''), -1),
            (substr(OLD.village_code, 1, 9), 'w', OLD.warnings::text, -1)
        ON CONFLICT (dim, area, val) DO UPDATE SET n = stat_counts.n + excluded.n;
    ELSE
        INSERT INTO stat_counts (area, dim, val, n)
        SELECT area, dim, val, sum(d) FROM (
            SELECT substr(OLD.village_code, 1, 6) AS area, 'm' AS dim,
                   coalesce(to_char(OLD.birth_date, 'YYYY-MM'), '') AS val, -1 AS d WHERE NOT OLD.closed
            UNION ALL SELECT substr(OLD.village_code, 1, 9), 'c', OLD.category, -1 WHERE NOT OLD.closed
            UNION ALL SELECT substr(OLD.village_code, 1, 9), 'g', coalesce(OLD.guardianship_type, ''), -1 WHERE NOT OLD.closed
            UNION ALL SELECT substr(OLD.village_code, 1, 9), 's', coalesce(OLD.schooling, ''), -1 WHERE NOT OLD.closed
            UNION ALL SELECT substr(OLD.village_code, 1, 9), 'w', OLD.warnings::text, -1 WHERE NOT OLD.closed
            UNION ALL SELECT substr(NEW.village_code, 1, 6), 'm', coalesce(to_char(NEW.birth_date, 'YYYY-MM'), ''), 1
                WHERE NOT NEW.closed
            UNION ALL SELECT substr(NEW.village_code, 1, 9), 'c', NEW.category, 1 WHERE NOT NEW.closed
            UNION ALL SELECT substr(NEW.village_code, 1, 9), 'g', coalesce(NEW.guardianship_type, ''), 1 WHERE NOT NEW.closed
            UNION ALL SELECT substr(NEW.village_code, 1, 9), 's', coalesce(NEW.schooling, ''), 1 WHERE NOT NEW.closed
            UNION ALL SELECT substr(NEW.village_code, 1, 9), 'w', NEW.warnings::text, 1 WHERE NOT NEW.closed
        ) x GROUP BY area, dim, val HAVING sum(d) <> 0 ORDER BY dim, area, val
        ON CONFLICT (dim, area, val) DO UPDATE SET n = stat_counts.n + excluded.n;
    END IF;
    RETURN NULL;
END;
$$;

CREATE TRIGGER stat_counts_insert AFTER INSERT ON children
    FOR EACH ROW WHEN (NOT NEW.closed) EXECUTE FUNCTION stat_counts_children();
CREATE TRIGGER stat_counts_delete AFTER DELETE ON children
    FOR EACH ROW WHEN (NOT OLD.closed) EXECUTE FUNCTION stat_counts_children();
CREATE TRIGGER stat_counts_update AFTER UPDATE OF closed, village_code, category, guardianship_type, schooling,
    warnings, birth_date ON children
    FOR EACH ROW WHEN (OLD.closed IS DISTINCT FROM NEW.closed OR OLD.village_code IS DISTINCT FROM NEW.village_code
        OR OLD.category IS DISTINCT FROM NEW.category OR OLD.guardianship_type IS DISTINCT FROM NEW.guardianship_type
        OR OLD.schooling IS DISTINCT FROM NEW.schooling OR OLD.warnings IS DISTINCT FROM NEW.warnings
        OR OLD.birth_date IS DISTINCT FROM NEW.birth_date)
    EXECUTE FUNCTION stat_counts_children();

-- A next visit's contribution: every due row by its due day, and the visited ones again.
CREATE FUNCTION visit_counts_due() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
    IF current_setting('shouhu.counts_paused', true) = 'on' THEN
        RETURN NULL;
    END IF;
    INSERT INTO stat_counts (area, dim, val, n)
    SELECT area, dim, val, sum(d) FROM (
        SELECT substr(OLD.village_code, 1, 6) AS area, 'v6' AS dim, to_char(OLD.due_on, 'YYYY-MM-DD') AS val, -1 AS d
            WHERE TG_OP <> 'INSERT'
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 'v9', to_char(OLD.due_on, 'YYYY-MM-DD'), -1 WHERE TG_OP <> 'INSERT'
        UNION ALL SELECT substr(OLD.village_code, 1, 6), 'V6', to_char(OLD.due_on, 'YYYY-MM-DD'), -1
            WHERE TG_OP <> 'INSERT' AND OLD.last_visit_on IS NOT NULL
        UNION ALL SELECT substr(OLD.village_code, 1, 9), 'V9', to_char(OLD.due_on, 'YYYY-MM-DD'), -1
            WHERE TG_OP <> 'INSERT' AND OLD.last_visit_on IS NOT NULL
        UNION ALL SELECT substr(NEW.village_code, 1, 6), 'v6', to_char(NEW.due_on, 'YYYY-MM-DD'), 1 WHERE TG_OP <> 'DELETE'
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'v9', to_char(NEW.due_on, 'YYYY-MM-DD'), 1 WHERE TG_OP <> 'DELETE'
        UNION ALL SELECT substr(NEW.village_code, 1, 6), 'V6', to_char(NEW.due_on, 'YYYY-MM-DD'), 1
            WHERE TG_OP <> 'DELETE' AND NEW.last_visit_on IS NOT NULL
        UNION ALL SELECT substr(NEW.village_code, 1, 9), 'V9', to_char(NEW.due_on, 'YYYY-MM-DD'), 1
            WHERE TG_OP <> 'DELETE' AND NEW.last_visit_on IS NOT NULL
    ) x GROUP BY area, dim, val HAVING sum(d) <> 0 ORDER BY dim, area, val
    ON CONFLICT (dim, area, val) DO UPDATE SET n = stat_counts.n + excluded.n;
    RETURN NULL;
END;
$$;

CREATE TRIGGER visit_counts_insert AFTER INSERT ON visit_due FOR EACH ROW EXECUTE FUNCTION visit_counts_due();
CREATE TRIGGER visit_counts_delete AFTER DELETE ON visit_due FOR EACH ROW EXECUTE FUNCTION visit_counts_due();
CREATE TRIGGER visit_counts_update AFTER UPDATE OF village_code, due_on, last_visit_on ON visit_due
    FOR EACH ROW WHEN (OLD.village_code IS DISTINCT FROM NEW.village_code OR OLD.due_on IS DISTINCT FROM NEW.due_on
        OR (OLD.last_visit_on IS NULL) IS DISTINCT FROM (NEW.last_visit_on IS NULL))
    EXECUTE FUNCTION visit_counts_due();
