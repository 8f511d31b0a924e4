-- Census imports run as background jobs; their outcome outlives the request and the browser.
CREATE TABLE import_jobs (
    id INTEGER PRIMARY KEY,
    user_id INTEGER NOT NULL REFERENCES users(id),
    file_name TEXT NOT NULL,
    options TEXT NOT NULL,
    state TEXT NOT NULL,
    outcome TEXT,
    message TEXT,
    created_at TEXT NOT NULL,
    finished_at TEXT
);
CREATE INDEX import_jobs_user ON import_jobs(user_id, id);
