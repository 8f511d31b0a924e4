-- State guardianship taken by civil affairs ([UPL] 92, 94), recorded as placements.
CREATE TABLE placements (
    id INTEGER PRIMARY KEY,
    assessment_id INTEGER NOT NULL REFERENCES assessments(id),
    kind TEXT NOT NULL,
    ground TEXT NOT NULL,
    placed_with TEXT NOT NULL,
    start_date TEXT NOT NULL,
    note TEXT,
    recorded_at TEXT NOT NULL,
    recorded_by TEXT NOT NULL
);
CREATE INDEX placements_assessment ON placements(assessment_id);
