-- Dropout control (控辍保学, issue 18, decision 130): a case per dropout of a child enrolled
-- at a school, its steps in the law's order, and the written reports' numbers. In the
-- registry: opening and closing a case change the child's file in the same transaction.
-- A case holds no ID or phone number (decision 131).

CREATE TABLE dropout_cases (
    id INTEGER PRIMARY KEY,
    district_code TEXT NOT NULL,
    child_id INTEGER NOT NULL,
    child_name TEXT NOT NULL,
    village_code TEXT NOT NULL,
    school_org_id INTEGER NOT NULL REFERENCES organisations(id),
    first_absent_on TEXT NOT NULL,
    reasons TEXT NOT NULL,
    note TEXT,
    prior_schooling TEXT,
    state TEXT NOT NULL,
    next_action TEXT NOT NULL,
    next_due TEXT,
    report_no TEXT,
    reported_on TEXT,
    report_text TEXT,
    close_outcome TEXT,
    closed_on TEXT,
    opened_at TEXT NOT NULL,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
-- One open case a child: a second dropout reopens the first.
CREATE UNIQUE INDEX dropout_cases_open_child ON dropout_cases(child_id) WHERE state <> 'closed';
CREATE UNIQUE INDEX dropout_cases_report_no ON dropout_cases(report_no) WHERE report_no IS NOT NULL;
CREATE INDEX dropout_cases_child ON dropout_cases(child_id);
CREATE INDEX dropout_cases_school ON dropout_cases(school_org_id, state, next_due);
CREATE INDEX dropout_cases_area ON dropout_cases(village_code, state, next_due);

CREATE TABLE dropout_steps (
    case_id INTEGER NOT NULL REFERENCES dropout_cases(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    on_date TEXT NOT NULL,
    code TEXT,
    detail TEXT NOT NULL,
    recorded_at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL,
    org_name TEXT NOT NULL,
    PRIMARY KEY (case_id, seq)
);

CREATE TABLE dropout_report_numbers (
    district_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (district_code, year)
);

-- School rosters (在校留守儿童名册): a school's roll for a term, matched to the files by ID
-- number (blind index), and what the match found, row by row. A row of a child without a
-- file keeps the ID number masked (the first 6 characters): the whole number stays on the
-- school's roll (decision 136).
CREATE TABLE school_rosters (
    id INTEGER PRIMARY KEY,
    school_org_id INTEGER NOT NULL REFERENCES organisations(id),
    region_code TEXT NOT NULL,
    term TEXT NOT NULL,
    file_name TEXT NOT NULL,
    uploaded_at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    rows INTEGER NOT NULL,
    enrolled INTEGER NOT NULL,
    unknown INTEGER NOT NULL,
    missing INTEGER NOT NULL,
    errors INTEGER NOT NULL
);
CREATE INDEX school_rosters_school ON school_rosters(school_org_id, id);
CREATE INDEX school_rosters_region ON school_rosters(region_code, id);

CREATE TABLE school_roster_rows (
    roster_id INTEGER NOT NULL REFERENCES school_rosters(id),
    seq INTEGER NOT NULL,
    kind TEXT NOT NULL,
    line INTEGER,
    child_id INTEGER,
    name TEXT NOT NULL,
    id_masked TEXT,
    grade TEXT NOT NULL,
    class TEXT NOT NULL,
    note TEXT,
    PRIMARY KEY (roster_id, seq)
);
