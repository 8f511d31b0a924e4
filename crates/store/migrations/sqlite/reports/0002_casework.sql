-- Casework after the police (评估帮扶, 监护干预): assessments, their plans, the guardian's
-- conduct record, revocation applications. Kept with the reports, so that a hand-over and
-- the assessment it opens are one transaction.

CREATE TABLE assessments (
    id INTEGER PRIMARY KEY,
    report_id INTEGER REFERENCES reports(id),
    child_id INTEGER,
    district_code TEXT NOT NULL,
    village_code TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL,
    due_at TEXT NOT NULL,
    state TEXT NOT NULL,
    participants TEXT NOT NULL,
    answers TEXT,
    risk_level TEXT,
    risk_reasons TEXT,
    completed_at TEXT,
    completed_by TEXT,
    version INTEGER NOT NULL
);
CREATE UNIQUE INDEX assessments_report ON assessments(report_id) WHERE report_id IS NOT NULL;
CREATE INDEX assessments_area ON assessments(village_code, id);

CREATE TABLE services (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    kind TEXT NOT NULL,
    provider TEXT NOT NULL,
    start_date TEXT NOT NULL,
    status TEXT NOT NULL,
    outcome TEXT,
    updated_at TEXT NOT NULL,
    updated_by TEXT NOT NULL
);
CREATE INDEX services_assessment ON services(assessment_id);

CREATE TABLE referrals (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    kind TEXT NOT NULL,
    receiving_org_id INTEGER NOT NULL,
    note TEXT,
    state TEXT NOT NULL,
    reason TEXT,
    sent_at TEXT NOT NULL,
    decided_at TEXT,
    decided_by TEXT
);
CREATE INDEX referrals_assessment ON referrals(assessment_id);
CREATE INDEX referrals_org ON referrals(receiving_org_id, state);

CREATE TABLE conduct_records (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    guardian TEXT NOT NULL,
    on_date TEXT NOT NULL,
    kind TEXT NOT NULL,
    conduct TEXT NOT NULL,
    serious_harm INTEGER NOT NULL,
    child_without_means INTEGER NOT NULL,
    refused_to_entrust INTEGER NOT NULL,
    ended TEXT,
    evidence TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL,
    org_id INTEGER
);
CREATE INDEX conduct_records_assessment ON conduct_records(assessment_id, on_date);

CREATE TABLE revocation_applications (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    applicant TEXT NOT NULL,
    applicant_name TEXT NOT NULL,
    grounds TEXT NOT NULL,
    court TEXT NOT NULL,
    filed_on TEXT NOT NULL,
    state TEXT NOT NULL,
    hearing_on TEXT,
    decided_on TEXT,
    new_guardian TEXT,
    maintenance_owed TEXT,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
CREATE INDEX revocation_applications_assessment ON revocation_applications(assessment_id);
