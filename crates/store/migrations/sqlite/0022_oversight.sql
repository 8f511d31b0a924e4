-- Oversight (issue 20; decisions 167-169, 178-180): accountability measures against a unit of
-- the register of overdue work, commendations of reporters, and the joint meeting's decisions
-- and tasks to named units and people. Measures and commendations are append-only: a
-- correction is a new row naming the one it corrects.
CREATE TABLE accountability_measures (
    id INTEGER PRIMARY KEY,
    unit_key TEXT NOT NULL,
    unit_name TEXT NOT NULL,
    district_code TEXT NOT NULL,
    kind TEXT NOT NULL,
    reference_no TEXT,
    measured_on TEXT NOT NULL,
    basis TEXT NOT NULL,
    items TEXT NOT NULL,
    corrects_id INTEGER REFERENCES accountability_measures(id),
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX accountability_measures_unit ON accountability_measures(unit_key, id);
CREATE INDEX accountability_measures_district ON accountability_measures(district_code, id);

CREATE TABLE commendations (
    id INTEGER PRIMARY KEY,
    kind TEXT NOT NULL,
    reporter_org_id INTEGER REFERENCES organisations(id),
    reporter_name TEXT NOT NULL,
    report_id INTEGER,
    district_code TEXT NOT NULL,
    commended_on TEXT NOT NULL,
    basis TEXT NOT NULL,
    corrects_id INTEGER REFERENCES commendations(id),
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_by_name TEXT NOT NULL,
    recorded_at TEXT NOT NULL
);
CREATE INDEX commendations_district ON commendations(district_code, id);

CREATE TABLE meetings (
    id INTEGER PRIMARY KEY,
    held_on TEXT NOT NULL,
    title TEXT NOT NULL,
    recorded_by INTEGER NOT NULL REFERENCES users(id),
    recorded_at TEXT NOT NULL
);
CREATE TABLE meeting_attendees (
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    PRIMARY KEY (meeting_id, org_id)
);
CREATE TABLE meeting_decisions (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    seq INTEGER NOT NULL,
    text TEXT NOT NULL
);
CREATE INDEX meeting_decisions_meeting ON meeting_decisions(meeting_id, seq);
CREATE TABLE meeting_tasks (
    id INTEGER PRIMARY KEY,
    meeting_id INTEGER NOT NULL REFERENCES meetings(id),
    decision_id INTEGER NOT NULL REFERENCES meeting_decisions(id),
    org_id INTEGER NOT NULL REFERENCES organisations(id),
    owner_user_id INTEGER NOT NULL REFERENCES users(id),
    title TEXT NOT NULL,
    due_on TEXT NOT NULL,
    status TEXT NOT NULL,
    assigned_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX meeting_tasks_owner ON meeting_tasks(owner_user_id, status, due_on);
CREATE INDEX meeting_tasks_open ON meeting_tasks(status, due_on);
CREATE INDEX meeting_tasks_meeting ON meeting_tasks(meeting_id, decision_id);
CREATE TABLE meeting_task_updates (
    id INTEGER PRIMARY KEY,
    task_id INTEGER NOT NULL REFERENCES meeting_tasks(id),
    user_id INTEGER NOT NULL REFERENCES users(id),
    user_name TEXT NOT NULL,
    note TEXT NOT NULL,
    status TEXT NOT NULL,
    noted_at TEXT NOT NULL
);
CREATE INDEX meeting_task_updates_task ON meeting_task_updates(task_id, id);
-- The register's overdue visits: a range on the due day, then the village.
CREATE INDEX visit_due_by_day ON visit_due(due_on, village_code);
