//! Background work claimed with a lease in the database, so that several servers on one
//! database each do a piece of work once and a stopped server's work is taken up by another
//! (issue 23, decisions 196-197).
//!
//! - A running import names the server that runs it (`import_jobs.owner`) and a lease
//!   (`lease_until`) that server renews while it lives ([`Store::keep_import_leases`]). An
//!   import whose lease expired belonged to a server that stopped: its transaction never
//!   committed, so any server fails it, saying nothing was changed. A server's start-up no
//!   longer fails the imports of the servers still running.
//! - Work that one server at a time does (the search-term indexer's sweep) takes a named
//!   lease ([`Store::take_work_lease`]); the daily recompute and the outbox have their own
//!   (decisions 122, 154).
//!
//! The times are the store's clock, so tests expire a lease by moving the clock.

use crate::Store;
use crate::error::StoreError;
use chrono::{DateTime, Utc};

/// A name for this server in the leases it holds: host and process (as the recompute's runs
/// name it), and a random part, so that two stores in one process are two holders.
pub fn new_instance() -> String {
    let mut r = [0u8; 6];
    rand::RngCore::fill_bytes(&mut rand::rng(), &mut r);
    format!("{}:{}", crate::recompute::this_server(), hex::encode(r))
}

/// What the lease keeper did: the imports it renewed and those of stopped servers it failed.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Kept {
    pub renewed: u64,
    pub failed: u64,
}

/// The message of an import whose server stopped (its user reads it).
pub const STOPPED_SERVER: &str = "运行导入的服务器已停止，导入已中断；档案未作任何改动，请重新上传";

impl Store {
    /// This server's name in leases and import jobs.
    pub fn instance(&self) -> &str {
        &self.instance
    }

    /// When a lease taken now ends (`servers.lease_seconds`).
    pub fn lease_until(&self) -> DateTime<Utc> {
        self.now() + self.settings.servers.lease
    }

    /// Renews the leases of the imports this server runs, and fails the running imports of
    /// other servers whose lease expired (each user hears of it). Run every quarter lease by
    /// the server's keeper thread.
    pub fn keep_import_leases(&self) -> Result<Kept, StoreError> {
        let (now, until, me) = (self.now(), self.lease_until(), self.instance.to_string());
        // Read first: most of the time there is nothing to do, and on SQLite a write would
        // wait behind an import holding the write lock.
        let work = self.pool.read(|c| {
            c.query_opt(
                "SELECT count(*) FROM import_jobs WHERE state = 'running' \
                 AND (owner IS NULL OR owner = $1 OR lease_until < $2)",
                &[me.as_str().into(), now.into()],
                |r| r.i64(0),
            )
        })?;
        if work.unwrap_or(0) == 0 {
            return Ok(Kept::default());
        }
        let kept = self.pool.write(|c| {
            let renewed = c.exec(
                "UPDATE import_jobs SET lease_until = $1 WHERE state = 'running' AND owner = $2",
                &[until.into(), me.as_str().into()],
            )?;
            // Rows from before leases (no owner) are from a server that stopped at an upgrade.
            let stopped = c.query(
                "SELECT id, user_id FROM import_jobs WHERE state = 'running' \
                 AND (owner IS NULL OR (owner <> $1 AND lease_until < $2))",
                &[me.as_str().into(), now.into()],
                |r| Ok((r.i64(0)?, r.i64(1)?)),
            )?;
            for (id, user) in &stopped {
                c.exec(
                    "UPDATE import_jobs SET state = 'failed', message = $1, finished_at = $2, progress = NULL \
                     WHERE id = $3 AND state = 'running'",
                    &[STOPPED_SERVER.into(), now.into(), (*id).into()],
                )?;
                crate::notify::announce(c, &crate::notify::import_ended(*id, *user, false), now)?;
            }
            Ok(Kept { renewed, failed: stopped.len() as u64 })
        })?;
        if kept.failed > 0 {
            self.wake_notifier();
        }
        Ok(kept)
    }

    /// Stores a running import's progress (JSON) for every server to answer with, renewing
    /// its lease. Only on PostgreSQL: on SQLite the import holds the one write lock, and its
    /// server (the only one) answers from memory.
    pub fn record_import_progress(&self, job: i64, progress: &str) -> Result<(), StoreError> {
        if self.pool.is_sqlite() {
            return Ok(());
        }
        let (until, me) = (self.lease_until(), self.instance.to_string());
        self.pool.write(|c| {
            c.exec(
                "UPDATE import_jobs SET progress = $1, lease_until = $2 WHERE id = $3 AND owner = $4 AND state = 'running'",
                &[progress.into(), until.into(), job.into(), me.as_str().into()],
            )
            .map(|_| ())
        })
    }

    /// Takes the lease `name` for `holder` if it is free, expired or already theirs; true if
    /// taken. One statement, so two servers cannot both take it.
    pub fn take_work_lease(&self, name: &str, holder: &str) -> Result<bool, StoreError> {
        let (now, until) = (self.now(), self.lease_until());
        self.pool.write(|c| {
            c.exec("INSERT INTO work_leases (name) VALUES ($1) ON CONFLICT DO NOTHING", &[name.into()])?;
            let n = c.exec(
                "UPDATE work_leases SET holder = $1, expires_at = $2 WHERE name = $3 \
                 AND (holder IS NULL OR holder = $1 OR expires_at < $4)",
                &[holder.into(), until.into(), name.into(), now.into()],
            )?;
            Ok(n == 1)
        })
    }

    /// Gives the lease `name` back, if `holder` holds it.
    pub fn release_work_lease(&self, name: &str, holder: &str) -> Result<(), StoreError> {
        self.pool.write(|c| {
            c.exec(
                "UPDATE work_leases SET holder = NULL, expires_at = NULL WHERE name = $1 AND holder = $2",
                &[name.into(), holder.into()],
            )
            .map(|_| ())
        })
    }

    /// Runs `work` if this server takes the lease `name`, then gives it back; `None` when
    /// another server holds it.
    pub fn under_work_lease<T>(
        &self,
        name: &str,
        work: impl FnOnce() -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        let me = self.instance.to_string();
        if !self.take_work_lease(name, &me)? {
            return Ok(None);
        }
        let out = work();
        self.release_work_lease(name, &me)?;
        out.map(Some)
    }
}
