-- Printable documents (文书, issue 22, decision 163): the register of issued documents, by
-- which GET /verify/{code} answers, and the numbers' counters (one sequence per kind,
-- district and year). The register names no child to the public: child_id is for the audit
-- trail and the retention command, never shown by /verify.
CREATE TABLE issued_documents (
    id INTEGER PRIMARY KEY,
    code TEXT NOT NULL,
    number TEXT NOT NULL,
    kind TEXT NOT NULL,
    district_code TEXT NOT NULL,
    child_id INTEGER,
    record_ref TEXT,
    unit TEXT NOT NULL,
    issued_at TEXT NOT NULL,
    user_id INTEGER,
    user_name TEXT NOT NULL
);
CREATE UNIQUE INDEX issued_documents_code ON issued_documents(code);
CREATE INDEX issued_documents_child ON issued_documents(child_id);

CREATE TABLE document_numbers (
    sequence TEXT NOT NULL,
    district_code TEXT NOT NULL,
    year INTEGER NOT NULL,
    last INTEGER NOT NULL,
    PRIMARY KEY (sequence, district_code, year)
);
