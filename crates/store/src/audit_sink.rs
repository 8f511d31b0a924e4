//! Group commit for the audit log. Every view writes an audit row; written one transaction
//! each, views queue behind each other for SQLite's single writer. Here one thread writes
//! whatever rows are waiting in one transaction, and each caller returns only once its row
//! is committed: no view goes unrecorded, and a hundred views cost about one commit.

use crate::Actor;
use crate::audit::{self, Action};
use crate::db::Pool;
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use std::sync::Mutex;
use std::sync::mpsc::{self, Receiver, SyncSender};

/// One row to write, and where to say it was written.
struct Pending {
    at: DateTime<Utc>,
    actor: Actor,
    action: Action,
    child: Option<(i64, String)>,
    detail: String,
    done: SyncSender<Result<(), String>>,
}

/// Rows written in one transaction at most.
const BATCH: usize = 512;

pub struct AuditSink {
    queue: Mutex<mpsc::Sender<Pending>>,
}

impl AuditSink {
    /// Starts the writer thread; it ends when the sink is dropped.
    pub fn start(pool: Pool) -> Result<AuditSink, StoreError> {
        let (tx, rx) = mpsc::channel::<Pending>();
        std::thread::Builder::new()
            .name("audit-writer".into())
            .spawn(move || write_loop(pool, rx))
            .map_err(|e| StoreError::Backend(format!("audit writer thread: {e}")))?;
        Ok(AuditSink { queue: Mutex::new(tx) })
    }

    /// Records a row and returns once it is committed.
    pub fn record(
        &self,
        at: DateTime<Utc>,
        actor: &Actor,
        action: Action,
        child: Option<(i64, &str)>,
        detail: &str,
    ) -> Result<(), StoreError> {
        let (done, wait) = mpsc::sync_channel(1);
        let p = Pending {
            at,
            actor: actor.clone(),
            action,
            child: child.map(|(id, d)| (id, d.to_string())),
            detail: detail.to_string(),
            done,
        };
        self.queue
            .lock()
            .map_err(|_| StoreError::Backend("audit queue poisoned".into()))?
            .send(p)
            .map_err(|_| StoreError::Backend("audit writer stopped".into()))?;
        match wait.recv() {
            Ok(Ok(())) => Ok(()),
            Ok(Err(m)) if m == "busy" => Err(StoreError::Busy),
            Ok(Err(m)) => Err(StoreError::Backend(m)),
            Err(_) => Err(StoreError::Backend("audit writer stopped".into())),
        }
    }
}

fn write_loop(pool: Pool, rx: Receiver<Pending>) {
    while let Ok(first) = rx.recv() {
        let mut batch = vec![first];
        while batch.len() < BATCH {
            match rx.try_recv() {
                Ok(p) => batch.push(p),
                Err(_) => break,
            }
        }
        let result = pool.write(|c| {
            for p in &batch {
                audit::record(
                    c,
                    p.at,
                    &p.actor,
                    p.action,
                    p.child.as_ref().map(|(id, d)| (*id, d.as_str())),
                    &p.detail,
                )?;
            }
            Ok(())
        });
        let outcome = match result {
            Ok(()) => Ok(()),
            Err(StoreError::Busy) => Err("busy".to_string()),
            Err(e) => Err(e.to_string()),
        };
        for p in batch {
            let _ = p.done.send(outcome.clone());
        }
    }
}
