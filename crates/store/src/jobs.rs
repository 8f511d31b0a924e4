//! Import jobs: who started which import, and how it ended. Progress while running is kept
//! in memory by the web server (the import holds SQLite's write lock for its whole write),
//! and on PostgreSQL also in the job's row for the other servers (decision 196). A running
//! job is claimed by its server with a lease (`crate::leases`).

use crate::Store;
use crate::db::Row;
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ImportJob {
    pub id: i64,
    pub user_id: i64,
    pub file_name: String,
    /// The options as chosen (JSON).
    pub options: String,
    /// running, done, failed
    pub state: String,
    /// The outcome (JSON) once finished.
    pub outcome: Option<String>,
    /// What went wrong, in Chinese, when it failed.
    pub message: Option<String>,
    pub created_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// While running, on PostgreSQL: the progress as its server last recorded it (JSON).
    #[serde(skip)]
    pub progress: Option<String>,
}

const JOB_COLUMNS: &str = "id, user_id, file_name, options, state, outcome, message, created_at, finished_at, progress";

fn job(r: &dyn Row) -> Result<ImportJob, StoreError> {
    Ok(ImportJob {
        id: r.i64(0)?,
        user_id: r.i64(1)?,
        file_name: r.text(2)?,
        options: r.text(3)?,
        state: r.text(4)?,
        outcome: r.opt_text(5)?,
        message: r.opt_text(6)?,
        created_at: r.ts(7)?,
        finished_at: r.opt_ts(8)?,
        progress: r.opt_text(9)?,
    })
}

impl Store {
    pub fn create_import_job(&self, user_id: i64, file_name: &str, options: &str) -> Result<i64, StoreError> {
        let (now, until, me) = (self.now(), self.lease_until(), self.instance.to_string());
        self.pool.write(|c| {
            c.query_opt(
                "INSERT INTO import_jobs (user_id, file_name, options, state, created_at, owner, lease_until) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    user_id.into(),
                    file_name.into(),
                    options.into(),
                    "running".into(),
                    now.into(),
                    me.as_str().into(),
                    until.into(),
                ],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
        })
    }

    pub fn finish_import_job(
        &self,
        id: i64,
        state: &str,
        outcome: Option<&str>,
        message: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            c.exec(
                "UPDATE import_jobs SET state = $1, outcome = $2, message = $3, finished_at = $4, progress = NULL \
                 WHERE id = $5",
                &[state.into(), outcome.into(), message.into(), now.into(), id.into()],
            )?;
            // Its user hears that it ended, in the same transaction (decision 151).
            let user = c.query_opt("SELECT user_id FROM import_jobs WHERE id = $1", &[id.into()], |r| r.i64(0))?;
            if let Some(user) = user {
                crate::notify::announce(c, &crate::notify::import_ended(id, user, state != "failed"), now)?;
            }
            Ok(())
        })?;
        self.wake_notifier();
        Ok(())
    }

    /// A job, if it is the user's own: other people's imports look like missing ones.
    pub fn import_job(&self, user_id: i64, id: i64) -> Result<ImportJob, StoreError> {
        self.pool
            .read(|c| {
                c.query_opt(
                    &format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE id = $1 AND user_id = $2"),
                    &[id.into(), user_id.into()],
                    job,
                )
            })?
            .ok_or(StoreError::NotFound)
    }

    pub fn import_jobs(&self, user_id: i64, limit: i64) -> Result<Vec<ImportJob>, StoreError> {
        self.pool.read(|c| {
            c.query(
                &format!("SELECT {JOB_COLUMNS} FROM import_jobs WHERE user_id = $1 ORDER BY id DESC LIMIT $2"),
                &[user_id.into(), limit.into()],
                job,
            )
        })
    }
}
