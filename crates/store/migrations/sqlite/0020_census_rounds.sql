-- Census rounds (摸底排查轮次, issue 20; decisions 146-149): the rounds the city opens, one
-- return per district and township in each, the figures each froze at its sign-off (the
-- census summary's columns, per village or township and the total row ''), and each
-- return's history. Dates are YYYY-MM-DD text, timestamps UTC text.

CREATE TABLE census_rounds (
    id INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE,
    reference_date TEXT NOT NULL,
    deadline TEXT NOT NULL,
    district_due TEXT NOT NULL,
    opened_at TEXT NOT NULL,
    opened_by TEXT NOT NULL
);

CREATE TABLE census_returns (
    id INTEGER PRIMARY KEY,
    round_id INTEGER NOT NULL REFERENCES census_rounds(id),
    unit_code TEXT NOT NULL,
    level TEXT NOT NULL,
    state TEXT NOT NULL,
    due_on TEXT NOT NULL,
    total INTEGER,
    unit_head TEXT,
    reviewer TEXT,
    filler TEXT,
    signed_on TEXT,
    signed_at TEXT,
    signed_by TEXT,
    first_signed_on TEXT,
    reviewed_at TEXT,
    reviewed_by TEXT,
    sent_back_reason TEXT,
    updated_at TEXT NOT NULL,
    version INTEGER NOT NULL
);
-- A round's returns by unit (scope is a range of unit codes).
CREATE UNIQUE INDEX census_returns_round_unit ON census_returns(round_id, unit_code);
-- A unit's returns over the rounds (trends), and the open returns by due day (late ones).
CREATE INDEX census_returns_unit ON census_returns(unit_code, round_id);
CREATE INDEX census_returns_due ON census_returns(due_on, unit_code);

CREATE TABLE census_return_rows (
    return_id INTEGER NOT NULL REFERENCES census_returns(id),
    row_code TEXT NOT NULL,
    counts TEXT NOT NULL,
    PRIMARY KEY (return_id, row_code)
);

CREATE TABLE census_return_events (
    return_id INTEGER NOT NULL REFERENCES census_returns(id),
    seq INTEGER NOT NULL,
    at TEXT NOT NULL,
    user_name TEXT NOT NULL,
    event TEXT NOT NULL,
    reason TEXT,
    total INTEGER,
    PRIMARY KEY (return_id, seq)
);
