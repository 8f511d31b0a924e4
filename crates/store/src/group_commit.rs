//! Group commit: one thread writes whatever work is waiting in one transaction, and each
//! caller hears back only once its work is committed. A hundred callers cost about one
//! commit (one fsync), which is what lets durable writes keep up with many at once.
//!
//! Each piece of work runs inside its own savepoint, so one that fails (a bad row, a lost
//! race) is rolled back alone and told why, while the rest of the batch commits. A queued
//! writer's work writes nothing itself (`GroupCommit::start_queued`): it needs none.

use crate::db::{Conn, Pool};
use crate::error::StoreError;
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, Sender};
use tokio::sync::oneshot;

/// What a piece of work leaves to do once the batch's commit is known: tell its caller.
type Finish = Box<dyn FnOnce(&CommitOutcome) + Send>;
/// A piece of work, told whether it is its batch's only one; it answers what to tell its
/// caller and whether it succeeded.
type Job = Box<dyn FnOnce(&mut Conn<'_, '_>, bool) -> (Finish, bool) + Send>;

/// The commit's outcome, shared by every job of the batch (StoreError is not Clone).
#[derive(Clone)]
enum CommitOutcome {
    Committed,
    Busy,
    Failed(String),
}

/// Work done in one transaction at most.
const BATCH: usize = 512;

/// Runs before every batch, inside its transaction (PostgreSQL takes a lock there so that
/// ids are handed out in commit order).
pub type BatchStart = fn(&mut Conn<'_, '_>) -> Result<(), StoreError>;

/// Runs after a batch's work, before its commit, inside its transaction (the audit writer
/// writes the batch's entries there); an error fails the whole batch.
pub type BatchEnd = Box<dyn Fn(&mut Conn<'_, '_>) -> Result<(), StoreError> + Send>;

pub struct GroupCommit {
    queue: Mutex<Sender<Job>>,
    /// Each job in a savepoint of its own when its batch has others; without, for work that
    /// only queues what the batch's end writes.
    savepoints: bool,
}

impl GroupCommit {
    /// Starts the writer thread; it ends when the `GroupCommit` is dropped.
    pub fn start(pool: Pool, name: &str, on_batch: Option<BatchStart>) -> Result<GroupCommit, StoreError> {
        GroupCommit::start_with(pool, name, on_batch, None, true)
    }

    /// A writer whose jobs write nothing themselves: each queues what `on_end` writes for the
    /// whole batch before its commit (the audit writer's entries), so no job needs a
    /// savepoint, and an error fails the batch.
    pub fn start_queued(
        pool: Pool,
        name: &str,
        on_batch: BatchStart,
        on_end: BatchEnd,
    ) -> Result<GroupCommit, StoreError> {
        GroupCommit::start_with(pool, name, Some(on_batch), Some(on_end), false)
    }

    fn start_with(
        pool: Pool,
        name: &str,
        on_batch: Option<BatchStart>,
        on_end: Option<BatchEnd>,
        savepoints: bool,
    ) -> Result<GroupCommit, StoreError> {
        let (tx, rx) = mpsc::channel::<Job>();
        std::thread::Builder::new()
            .name(name.into())
            .spawn(move || write_loop(pool, rx, on_batch, on_end))
            .map_err(|e| StoreError::Backend(format!("{e}")))?;
        Ok(GroupCommit { queue: Mutex::new(tx), savepoints })
    }

    /// Queues `work`; the receiver answers once it is committed (or failed); callers wait
    /// with `blocking_recv`.
    pub fn submit<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Conn<'_, '_>) -> Result<T, StoreError> + Send + 'static,
    ) -> oneshot::Receiver<Result<T, StoreError>> {
        let (tx, rx) = oneshot::channel();
        let savepoints = self.savepoints;
        let job: Job = Box::new(move |c, alone| {
            // Alone in its batch, a job needs no savepoint: if it fails, the batch's
            // transaction is rolled back instead (two statements fewer for each lone write).
            let result = if alone || !savepoints { work(c) } else { in_savepoint(c, work) };
            let ok = result.is_ok();
            let finish: Finish = Box::new(move |outcome: &CommitOutcome| {
                let _ = tx.send(match (result, outcome) {
                    // Its own error first: the batch may have failed because of it.
                    (Err(e), _) => Err(e),
                    (ok, CommitOutcome::Committed) => ok,
                    (_, CommitOutcome::Busy) => Err(StoreError::Busy),
                    (_, CommitOutcome::Failed(m)) => Err(StoreError::Backend(m.clone())),
                });
            });
            (finish, ok)
        });
        match self.queue.lock() {
            // If the writer is gone the job is dropped with its sender, and the caller's
            // receiver reports that.
            Ok(q) => {
                let _ = q.send(job);
            }
            Err(_) => tracing::error!("group-commit queue poisoned"),
        }
        rx
    }

    /// Queues `work` and waits for its commit (for callers outside async code).
    pub fn run<T: Send + 'static>(
        &self,
        work: impl FnOnce(&mut Conn<'_, '_>) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        self.submit(work).blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }
}

/// What a caller is told when the writer thread has gone away.
pub fn writer_stopped() -> StoreError {
    StoreError::Backend("writer thread stopped".into())
}

fn in_savepoint<T>(
    c: &mut Conn<'_, '_>,
    work: impl FnOnce(&mut Conn<'_, '_>) -> Result<T, StoreError>,
) -> Result<T, StoreError> {
    c.batch("SAVEPOINT job")?;
    match work(c) {
        Ok(v) => {
            c.batch("RELEASE SAVEPOINT job")?;
            Ok(v)
        }
        Err(e) => {
            c.batch("ROLLBACK TO SAVEPOINT job")?;
            c.batch("RELEASE SAVEPOINT job")?;
            Err(e)
        }
    }
}

fn write_loop(pool: Pool, rx: Receiver<Job>, on_batch: Option<BatchStart>, on_end: Option<BatchEnd>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(j) => batch.push(j),
                Err(_) => break,
            }
        }
        let mut finishes = Vec::with_capacity(batch.len());
        let alone = batch.len() == 1;
        let mut lone_failed = false;
        let result = pool.write(|c| {
            if let Some(start) = on_batch {
                start(c)?;
            }
            for job in batch.drain(..) {
                let (finish, ok) = job(c, alone);
                finishes.push(finish);
                if alone && !ok {
                    // Roll back; the job's caller hears its own error.
                    lone_failed = true;
                    return Err(StoreError::State("the batch's only job failed"));
                }
            }
            if let Some(end) = &on_end {
                end(c)?;
            }
            Ok(())
        });
        let outcome = match result {
            Ok(()) => CommitOutcome::Committed,
            Err(e) if lone_failed => CommitOutcome::Failed(e.to_string()),
            Err(StoreError::Busy) => CommitOutcome::Busy,
            Err(e) => {
                tracing::error!(error = %e, "group commit failed");
                CommitOutcome::Failed(e.to_string())
            }
        };
        // Jobs the failed transaction never ran are dropped here; their callers hear that
        // the writer stopped, which is as true for them as it needs to be.
        drop(batch);
        for finish in finishes {
            finish(&outcome);
        }
    }
}
