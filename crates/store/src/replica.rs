//! Reads from a PostgreSQL streaming replica (issue 23, decision 201): the ledger, the search
//! and the statistics may be read from a hot standby of the primary, named by its URL at
//! start (`--replica-url`). A read goes there only when the replica has replayed the reader's
//! last write: each write of a signed-in user records the primary's WAL position in the
//! user's row (`users.written_lsn`, every server sees it), and the replica's replay position
//! must be at or past it. Otherwise, and whenever the replica fails, the primary answers.
//! Every write, the audit entries of replica reads included, goes to the primary.

use crate::Store;
use crate::db::{DbUrl, PgManager, Pool};
use crate::error::StoreError;
use std::sync::Arc;
use std::sync::atomic::{AtomicI64, AtomicU64, Ordering};
use std::time::Instant;

/// The primary's WAL position in bytes: a number, comparable with [`REPLAY_LSN`].
const CURRENT_LSN: &str = "(pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint";
/// The standby's replay position in bytes; NULL where the function is (not a standby).
const REPLAY_LSN: &str = "(pg_last_wal_replay_lsn() - '0/0'::pg_lsn)::bigint";
/// What makes two servers one database: the cluster's identifier and the database's name.
const IDENTITY: &str = "SELECT (SELECT system_identifier FROM pg_control_system())::text, current_database()";

/// The message of a replica given to a server on SQLite.
pub const SQLITE_HAS_NO_REPLICA: &str = "a replica (--replica-url, SHOUHU_REPLICA_URL) is for PostgreSQL: this \
     server's database is SQLite, which has no replicas. Start it without the replica's URL";

/// A replica of the primary and what this server knows of it.
pub struct Replica {
    pool: Pool,
    /// The replay position last read from the replica (-1: none yet). A standby replays
    /// forward only, so a position once read stays true: a read that needs no more goes to
    /// the replica without asking it again.
    replayed: AtomicI64,
    /// Since when the replica is taken as failed (unreachable, not a standby, a read failed
    /// on it); until `retry` has passed every read goes to the primary.
    down_since: parking_lot::Mutex<Option<Instant>>,
    retry: std::time::Duration,
    /// Reads the replica answered.
    pub served: AtomicU64,
    /// Reads that failed on the replica and were answered by the primary.
    pub fell_back: AtomicU64,
}

impl Replica {
    fn open(
        url: &str,
        size: u32,
        wait: std::time::Duration,
        retry: std::time::Duration,
    ) -> Result<Replica, StoreError> {
        let DbUrl::Postgres(url) = DbUrl::parse(url)? else {
            return Err(StoreError::Config("the replica's URL must be postgres://…".into()));
        };
        let config: postgres::Config =
            url.parse().map_err(|e| StoreError::Config(format!("bad URL of the replica: {e}")))?;
        // No connection opened ahead and none waited for at start: a replica that is down
        // must not stop the server. Its failures are logged here, once, not per attempt.
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .min_idle(Some(0))
            // As the primary's (decision 189): a read that fails here falls back anyway.
            .test_on_check_out(false)
            .connection_timeout(wait)
            .error_handler(Box::new(r2d2::NopErrorHandler))
            .build_unchecked(PgManager { config, plans: crate::db::Plans::PerCall });
        Ok(Replica {
            pool: Pool::Postgres(pool),
            replayed: AtomicI64::new(-1),
            down_since: parking_lot::Mutex::new(None),
            retry,
            served: AtomicU64::new(0),
            fell_back: AtomicU64::new(0),
        })
    }

    /// Whether the replica has replayed the primary's WAL up to `needed` (bytes): from what
    /// is known if that suffices, else by asking it.
    fn has_replayed(&self, needed: i64) -> bool {
        let down = *self.down_since.lock();
        match down {
            Some(t) if t.elapsed() < self.retry => return false,
            // Failed a while ago: ask again.
            Some(_) => {}
            None if self.replayed.load(Ordering::Acquire) >= needed => return true,
            None => {}
        }
        match self.ask() {
            Ok(Some(at)) => {
                self.replayed.fetch_max(at, Ordering::AcqRel);
                self.up();
                self.replayed.load(Ordering::Acquire) >= needed
            }
            Ok(None) => {
                self.failed(
                    "it is not a standby replaying the primary (pg_last_wal_replay_lsn is NULL or recovery ended)",
                );
                false
            }
            Err(e) => {
                self.failed(&e.to_string());
                false
            }
        }
    }

    /// The replica's replay position, `None` if it is not (or no longer) a standby.
    fn ask(&self) -> Result<Option<i64>, StoreError> {
        let row = self.pool.read(|c| {
            c.query_opt(&format!("SELECT pg_is_in_recovery(), {REPLAY_LSN}"), &[], |r| Ok((r.bool(0)?, r.opt_i64(1)?)))
        })?;
        Ok(row.and_then(|(recovering, at)| if recovering { at } else { None }))
    }

    /// Takes the replica as failed from now; logged when it starts failing, not at every
    /// read meanwhile.
    fn failed(&self, why: &str) {
        let mut down = self.down_since.lock();
        if down.is_none() {
            tracing::warn!(
                error = why,
                retry_seconds = self.retry.as_secs(),
                "the replica failed: reads go to the primary, and the replica is tried again after a while"
            );
        }
        *down = Some(Instant::now());
    }

    fn up(&self) {
        if self.down_since.lock().take().is_some() {
            tracing::info!("the replica answers again: lists and statistics may be read from it");
        }
    }

    /// The replay position last known (-1: none yet).
    pub fn replayed(&self) -> i64 {
        self.replayed.load(Ordering::Acquire)
    }
}

impl Store {
    /// This store with reads from the replica at `url` (decision 201). Refused on SQLite, and
    /// for a server that answers but is not a standby of this database (another cluster,
    /// another database, a promoted copy): it would answer with other data. A replica that
    /// does not answer at start is only logged: the primary answers until it does.
    pub fn with_replica(mut self, url: &str) -> Result<Store, StoreError> {
        if self.pool.is_sqlite() {
            return Err(StoreError::Config(SQLITE_HAS_NO_REPLICA.into()));
        }
        let s = &self.settings.servers;
        let wait = s.replica_wait.to_std().unwrap_or(std::time::Duration::from_millis(500));
        let retry = s.replica_retry.to_std().unwrap_or(std::time::Duration::from_secs(10));
        let replica = Replica::open(url, self.pool.max_size(), wait, retry)?;
        let ours = self.pool.read(|c| c.query_opt(IDENTITY, &[], |r| Ok((r.text(0)?, r.text(1)?))))?;
        let theirs = replica.pool.read(|c| {
            c.query_opt(&format!("{IDENTITY}, pg_is_in_recovery(), {REPLAY_LSN}"), &[], |r| {
                Ok(((r.text(0)?, r.text(1)?), r.bool(2)?, r.opt_i64(3)?))
            })
        });
        match theirs {
            Ok(Some((identity, recovering, replayed))) => {
                if Some(&identity) != ours.as_ref() {
                    return Err(StoreError::Config(format!(
                        "the replica (--replica-url) is not a copy of this database: it is database {} of cluster \
                         {}, this server's is {} of cluster {}. Name the same database on the standby",
                        identity.1,
                        identity.0,
                        ours.as_ref().map_or("?", |o| o.1.as_str()),
                        ours.as_ref().map_or("?", |o| o.0.as_str()),
                    )));
                }
                if !recovering {
                    return Err(StoreError::Config(
                        "the replica (--replica-url) is not a standby (it is not in recovery): a promoted or separate \
                         copy would answer with other data. Name a streaming replica of the primary"
                            .into(),
                    ));
                }
                replica.replayed.store(replayed.unwrap_or(-1), Ordering::Release);
            }
            Ok(None) => replica.failed("it answered nothing"),
            Err(e) => replica.failed(&e.to_string()),
        }
        self.replica = Some(Arc::new(replica));
        Ok(self)
    }

    /// The replica, if this server reads from one.
    pub fn replica(&self) -> Option<&Arc<Replica>> {
        self.replica.as_ref()
    }

    /// The store for a read that may be answered by the replica, for a reader whose last
    /// write is at `written` (`users.written_lsn`; none: nothing to wait for): the replica's
    /// when it has replayed that far, else `None` (read from this store, the primary). Only
    /// reads: the replica refuses writes, and audit entries go through the audit writer,
    /// which is the primary's.
    pub fn for_read(&self, written: Option<i64>) -> Option<Store> {
        let r = self.replica.as_ref()?;
        if !r.has_replayed(written.unwrap_or(0)) {
            return None;
        }
        let mut on_replica = self.clone();
        on_replica.pool = r.pool.clone();
        on_replica.lookups = r.pool.clone();
        on_replica.reports = r.pool.clone();
        Some(on_replica)
    }

    /// Counts a read the replica answered.
    pub fn replica_served(&self) {
        if let Some(r) = &self.replica {
            r.served.fetch_add(1, Ordering::Relaxed);
        }
    }

    /// A read failed on the replica (`e`): it is taken as failed for a while, and the caller
    /// reads from the primary.
    pub fn replica_failed(&self, e: &StoreError) {
        if let Some(r) = &self.replica {
            r.fell_back.fetch_add(1, Ordering::Relaxed);
            r.failed(&e.to_string());
        }
    }

    /// Records that `user`'s request wrote: the primary's WAL position now, which any read
    /// of theirs from the replica must wait for (read-your-writes, decision 201). Nothing
    /// without a replica.
    pub fn note_write(&self, user: i64) -> Result<(), StoreError> {
        if self.replica.is_none() {
            return Ok(());
        }
        self.pool.write(|c| {
            c.exec(
                &format!(
                    "UPDATE users SET written_lsn = GREATEST(COALESCE(written_lsn, 0), {CURRENT_LSN}) WHERE id = $1"
                ),
                &[user.into()],
            )
            .map(|_| ())
        })
    }
}
