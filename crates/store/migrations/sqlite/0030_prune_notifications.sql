-- Read notifications and finished outbox messages are deleted after notify.keep_days
-- (decision 216): found by these indexes, not by reading every row.
CREATE INDEX notifications_read ON notifications(read_at) WHERE read_at IS NOT NULL;
CREATE INDEX notify_outbox_done ON notify_outbox(done_at) WHERE done_at IS NOT NULL;
