-- SQLite only (its children table keyed by id, decision 45): PostgreSQL keeps
-- (district_code, id), the key it would be distributed by.
SELECT 1;
