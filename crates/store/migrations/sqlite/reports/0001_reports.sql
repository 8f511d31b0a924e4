-- Mandatory reports and the police response (强制报告, 应急处置). On SQLite this is a file of
-- its own (synchronous=FULL), so reports never wait for the registry's write lock.
-- child_id, reporter_user_id and org ids refer to the registry, which is another file: no FK.

CREATE TABLE reports (
    id INTEGER PRIMARY KEY,
    receipt TEXT NOT NULL UNIQUE,
    idem_key TEXT UNIQUE,
    idem_hash TEXT,
    district_code TEXT NOT NULL,
    village_code TEXT NOT NULL,
    child_id INTEGER,
    child_name TEXT,
    child_description TEXT,
    situations TEXT NOT NULL,
    urgency TEXT NOT NULL,
    urgency_rank INTEGER NOT NULL,
    description TEXT NOT NULL,
    discovered_at TEXT NOT NULL,
    reported_at TEXT NOT NULL,
    late_report INTEGER NOT NULL,
    channel TEXT NOT NULL,
    reporter_user_id INTEGER,
    reporter_name TEXT,
    reporter_org_id INTEGER,
    reporter_org_name TEXT,
    reporter_org_type TEXT,
    contact_name TEXT,
    contact_phone TEXT,
    step TEXT NOT NULL,
    step_at TEXT NOT NULL,
    accepted_at TEXT,
    station_org_id INTEGER,
    case_kind TEXT,
    handed_over_at TEXT,
    assessment_due TEXT,
    version INTEGER NOT NULL
);
CREATE INDEX reports_open ON reports(village_code) WHERE step <> 'handed_over';
CREATE INDEX reports_area ON reports(village_code, id);
CREATE INDEX reports_reporter ON reports(reporter_user_id, id) WHERE reporter_user_id IS NOT NULL;

-- Every step, action and hand-over, in order: the report's timeline and the outbox that
-- other systems read (ids grow in commit order).
CREATE TABLE report_events (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    kind TEXT NOT NULL,
    at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    org_id INTEGER,
    detail TEXT NOT NULL
);
CREATE INDEX report_events_report ON report_events(report_id, id);

-- Who viewed a report (the registry's audit log is another database on SQLite).
CREATE TABLE report_access (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    action TEXT NOT NULL,
    report_id INTEGER NOT NULL,
    detail TEXT NOT NULL
);
CREATE INDEX report_access_report ON report_access(report_id);
