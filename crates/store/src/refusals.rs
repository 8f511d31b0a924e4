//! Each user's hour of refused requests written to the audit log (issue 21), shared by every
//! server of one database (issue 23, decision 200): at most the setting
//! `audit.refusals_per_user_per_hour` a user an hour, whichever servers the requests reach;
//! the rest are counted and told with the first entry of the next hour.

use crate::Store;
use crate::error::StoreError;
use chrono::{DateTime, Duration, Utc};

/// One user's hour: when it began, refusals written in it, and refusals left out.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub started_at: DateTime<Utc>,
    pub written: i64,
    pub left_out: i64,
}

/// The window after one more refusal at `now`, and whether that refusal is written with how
/// many of the previous window were left out (`Some(n)`), or left out (`None`).
pub fn next(w: Window, limit: i64, now: DateTime<Utc>) -> (Window, Option<i64>) {
    let (mut w, left_before) = if now - w.started_at >= Duration::hours(1) {
        (Window { started_at: now, written: 0, left_out: 0 }, w.left_out)
    } else {
        (w, 0)
    };
    if w.written >= limit {
        w.left_out += 1;
        return (w, None);
    }
    w.written += 1;
    (w, Some(left_before))
}

impl Store {
    /// Counts a refused request of `user` now: `Some(n)` if it is to be written to the audit
    /// log (`n` of the previous hour were left out, told with the first entry of an hour),
    /// `None` if this hour's entries are used up. One short transaction; on PostgreSQL the
    /// user's row is locked, so refusals reaching several servers at once are each counted once.
    pub fn note_refusal(&self, user: i64) -> Result<Option<i64>, StoreError> {
        let now = self.now();
        let limit = self.settings.audit.refusals_per_user_per_hour;
        self.pool.write(|c| {
            // A first refusal starts a window that the next step treats as new.
            c.exec(
                "INSERT INTO refusal_windows (user_id, started_at, written, left_out) VALUES ($1, $2, 0, 0) \
                 ON CONFLICT (user_id) DO NOTHING",
                &[user.into(), now.into()],
            )?;
            let lock = if c.is_sqlite() { "" } else { " FOR UPDATE" };
            let w = c
                .query_opt(
                    &format!("SELECT started_at, written, left_out FROM refusal_windows WHERE user_id = $1{lock}"),
                    &[user.into()],
                    |r| Ok(Window { started_at: r.ts(0)?, written: r.i64(1)?, left_out: r.i64(2)? }),
                )?
                .ok_or(StoreError::NotFound)?;
            let (w, verdict) = next(w, limit, now);
            c.exec(
                "UPDATE refusal_windows SET started_at = $2, written = $3, left_out = $4 WHERE user_id = $1",
                &[user.into(), w.started_at.into(), w.written.into(), w.left_out.into()],
            )?;
            Ok(verdict)
        })
    }
}
