-- Causes of notifications committed with a report or a case (issue 19, decision 151): on
-- SQLite the reports are another database than the users, so the change writes its cause
-- here, in its own transaction, and the relay turns it into notifications. Ids grow in
-- commit order (the report writer's lock on PostgreSQL).
CREATE TABLE notify_causes (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    critical INTEGER NOT NULL,
    cause TEXT NOT NULL,
    owner TEXT NOT NULL,
    text TEXT NOT NULL,
    link TEXT NOT NULL,
    at TEXT NOT NULL
);
