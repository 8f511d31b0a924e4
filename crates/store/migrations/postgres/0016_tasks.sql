-- The to-do list (待办, issue 19; decisions 140-143). Tasks are queries over the workflows'
-- own tables; what is kept here is only when each user last opened their list ("new" is
-- what began waiting after that), and the indexes the city-wide counts need.
CREATE TABLE task_seen (
    user_id BIGINT PRIMARY KEY REFERENCES users(id),
    seen_at TIMESTAMPTZ NOT NULL
);
-- Open files whose child reached 16: a range on the birth date, not a scan of the region.
CREATE INDEX children_open_birth ON children(birth_date, village_code) WHERE closed = FALSE;
-- The home page's warnings: only the files that have one, read from the index alone.
CREATE INDEX children_warned ON children(village_code, warnings) WHERE closed = FALSE AND warnings <> 0;
