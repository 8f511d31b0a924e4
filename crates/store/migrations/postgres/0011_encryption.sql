-- Encryption at rest (decisions 96-99). The file and the ID number are sealed (crypto.rs);
-- the number's keyed blind index holds the unique key instead of the number.
ALTER TABLE children ADD COLUMN id_blind BYTEA;
DROP INDEX children_id_number;
CREATE UNIQUE INDEX children_id_blind ON children(id_blind) WHERE id_blind IS NOT NULL;
-- The ID number reversed was a search term: gone. Its last digits get a keyed term when the
-- file is sealed (at start-up for the files already there).
DELETE FROM child_search WHERE term >= 'r:' AND term < 'r;';
-- The data key's versions: a check value each, to refuse a wrong key. Never the key.
CREATE TABLE data_keys (
    version BIGINT PRIMARY KEY,
    key_check TEXT NOT NULL,
    added_at TIMESTAMPTZ NOT NULL,
    rotated_at TIMESTAMPTZ,
    retired_at TIMESTAMPTZ
);
-- Tables whose values written before encryption are still to be sealed (at start-up).
CREATE TABLE sealing_backlog (table_name TEXT PRIMARY KEY);
INSERT INTO sealing_backlog (table_name) VALUES ('children'), ('child_history');
