-- The audit log as a hash chain (issue 21, decision 89): each entry carries its place in
-- the chain (`seq`, gap-free) and `mac` = HMAC-SHA256(key, previous mac || the entry's
-- fields), computed by shouhu with a key that is never stored here. Entries written before
-- this migration are chained once, at the first start that has the key (audit_chain.rs).
ALTER TABLE audit_log ADD COLUMN seq INTEGER;
ALTER TABLE audit_log ADD COLUMN mac BLOB;
CREATE UNIQUE INDEX audit_log_seq ON audit_log(seq);

-- The chain's head: one row, locked by every writer of an entry.
CREATE TABLE audit_chain (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    -- The last entry's seq and mac (0 and empty before the first).
    seq INTEGER NOT NULL,
    mac BLOB NOT NULL,
    -- HMAC(key, a fixed text): tells a wrong key from a changed log; NULL until the chain begins.
    key_check TEXT,
    -- When the chain began, and how many entries written before it were chained then.
    began_at TEXT,
    chained_at_start INTEGER NOT NULL DEFAULT 0,
    -- The first entry chained with the present key (`shouhu audit new-chain` after a lost key).
    key_since_seq INTEGER NOT NULL DEFAULT 1,
    key_since TEXT
);
INSERT INTO audit_chain (id, seq, mac) VALUES (1, 0, X'');

-- The administrator's filters (by user, child, action and date; newest first).
DROP INDEX audit_log_child;
DROP INDEX audit_log_at;
-- Most entries name no child (sign-ins, searches, ledger pages): only those that do.
CREATE INDEX audit_log_child ON audit_log(child_id, at, id) WHERE child_id IS NOT NULL;
CREATE INDEX audit_log_at ON audit_log(at, id);
CREATE INDEX audit_log_user ON audit_log(user_id, at, id);
CREATE INDEX audit_log_action ON audit_log(action, at, id);
