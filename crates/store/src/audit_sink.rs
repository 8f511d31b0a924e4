//! Group commit for the audit log. Every view writes an audit row; written one transaction
//! each, views queue behind each other for SQLite's single writer. Here the rows go through
//! a [`GroupCommit`] writer: each caller returns only once its row is committed, so no view
//! goes unrecorded, and a hundred views cost about one commit. A caller's work only queues
//! its entry; as the batch ends, the chain's head is read (and on PostgreSQL locked) once and
//! the batch's entries are written in a few statements (`audit_chain::append_all`).

use crate::Actor;
use crate::audit::{self, Action};
use crate::audit_chain::{AuditKey, Pending};
use crate::db::Pool;
use crate::error::StoreError;
use crate::group_commit::GroupCommit;
use chrono::{DateTime, Utc};
use std::cell::RefCell;

thread_local! {
    /// The entries of the audit writer's open batch, in the order they came (the writer
    /// thread's own); cleared as every batch begins.
    static PENDING: RefCell<Vec<Pending>> = const { RefCell::new(Vec::new()) };
}

/// Runs as each batch's transaction begins.
fn new_batch(_: &mut crate::db::Conn<'_, '_>) -> Result<(), StoreError> {
    PENDING.with(|p| p.borrow_mut().clear());
    Ok(())
}

pub struct AuditSink {
    writer: GroupCommit,
}

impl AuditSink {
    /// Starts the writer thread; it ends when the sink is dropped.
    pub fn start(pool: Pool, key: AuditKey) -> Result<AuditSink, StoreError> {
        // Before each batch's commit: the entries its work queued, written in their order.
        let end_batch = move |c: &mut crate::db::Conn<'_, '_>| {
            let entries = PENDING.with(|p| std::mem::take(&mut *p.borrow_mut()));
            crate::audit_chain::append_all(c, &key, &entries)
        };
        Ok(AuditSink { writer: GroupCommit::start_queued(pool, "audit-writer", new_batch, Box::new(end_batch))? })
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
        let pending = Pending::from(audit::entry(at, actor, action, child, detail));
        self.writer.run(move |_| {
            PENDING.with(|p| p.borrow_mut().push(pending));
            Ok(())
        })
    }
}
