-- On SQLite a file's id is its table's own key (rowid), and history is one B-tree: a new
-- file then writes four B-trees instead of seven, which a million-row census import feels
-- (decision 45). The district code stays in every row; PostgreSQL keeps (district_code, id)
-- as the key it would be distributed by.
CREATE TABLE children_new (
    district_code TEXT NOT NULL,
    id INTEGER PRIMARY KEY,
    version INTEGER NOT NULL,
    village_code TEXT NOT NULL REFERENCES regions(code),
    name TEXT NOT NULL,
    sex TEXT,
    birth_date TEXT,
    id_number TEXT,
    category TEXT NOT NULL,
    guardianship_type TEXT,
    schooling TEXT,
    health TEXT,
    warnings INTEGER NOT NULL,
    school_org_id INTEGER REFERENCES organisations(id),
    closed INTEGER NOT NULL,
    close_reason TEXT,
    close_note TEXT,
    closed_at TEXT,
    data BLOB NOT NULL, -- JSON text, or compressed JSON (decision 41)
    created_at TEXT NOT NULL,
    updated_at TEXT NOT NULL
);
INSERT INTO children_new (district_code, id, version, village_code, name, sex, birth_date, id_number, category,
    guardianship_type, schooling, health, warnings, school_org_id, closed, close_reason, close_note, closed_at, data,
    created_at, updated_at)
SELECT district_code, id, version, village_code, name, sex, birth_date, id_number, category, guardianship_type,
    schooling, health, warnings, school_org_id, closed, close_reason, close_note, closed_at, data, created_at,
    updated_at
FROM children ORDER BY id;
DROP TABLE children;
ALTER TABLE children_new RENAME TO children;
CREATE UNIQUE INDEX children_id_number ON children(id_number) WHERE id_number IS NOT NULL;
CREATE INDEX children_ledger ON children(closed, village_code, id);
CREATE INDEX children_school ON children(school_org_id) WHERE school_org_id IS NOT NULL;

CREATE TABLE child_history_new (
    district_code TEXT NOT NULL,
    child_id INTEGER NOT NULL,
    version INTEGER NOT NULL,
    seq INTEGER NOT NULL,
    changed_at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    source TEXT NOT NULL,
    field TEXT NOT NULL,
    old_value TEXT,
    new_value TEXT,
    PRIMARY KEY (district_code, child_id, version, seq)
) WITHOUT ROWID;
INSERT INTO child_history_new SELECT district_code, child_id, version, seq, changed_at, user_id, user_name, source,
    field, old_value, new_value FROM child_history;
DROP TABLE child_history;
ALTER TABLE child_history_new RENAME TO child_history;
