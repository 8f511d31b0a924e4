-- Photos and documents attached to a report, checked by content when uploaded.
CREATE TABLE report_attachments (
    id INTEGER PRIMARY KEY,
    report_id INTEGER NOT NULL REFERENCES reports(id),
    file_name TEXT NOT NULL,
    kind TEXT NOT NULL,
    size INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    data BLOB NOT NULL,
    uploaded_at TEXT NOT NULL,
    uploaded_by TEXT NOT NULL,
    user_id INTEGER
);
CREATE INDEX report_attachments_report ON report_attachments(report_id, id);
