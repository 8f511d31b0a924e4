//! Group commit for the audit log. Every view writes an audit row; written one transaction
//! each, views queue behind each other for SQLite's single writer. Here the rows go through
//! a [`GroupCommit`] writer: each caller returns only once its row is committed, so no view
//! goes unrecorded, and a hundred views cost about one commit. Within a batch the chain's
//! head is read (and on PostgreSQL locked) by the first entry, carried on from entry to entry
//! and written once, before the commit.

use crate::Actor;
use crate::audit::{self, Action};
use crate::audit_chain::AuditKey;
use crate::db::Pool;
use crate::error::StoreError;
use crate::group_commit::GroupCommit;
use chrono::{DateTime, Utc};
use std::cell::RefCell;

thread_local! {
    /// The chain's head as the audit writer's open transaction left it (the writer thread's
    /// own); cleared as every batch begins.
    static HEAD: RefCell<crate::audit_chain::Known> = const { RefCell::new(None) };
}

/// Runs as each batch's transaction begins.
fn new_batch(_: &mut crate::db::Conn<'_, '_>) -> Result<(), StoreError> {
    HEAD.with(|h| *h.borrow_mut() = None);
    Ok(())
}

/// Runs before each batch's commit.
fn end_batch(c: &mut crate::db::Conn<'_, '_>) -> Result<(), StoreError> {
    HEAD.with(|h| crate::audit_chain::write_head(c, &h.borrow()))
}

pub struct AuditSink {
    writer: GroupCommit,
    key: AuditKey,
}

impl AuditSink {
    /// Starts the writer thread; it ends when the sink is dropped.
    pub fn start(pool: Pool, key: AuditKey) -> Result<AuditSink, StoreError> {
        Ok(AuditSink {
            writer: GroupCommit::start_with_end(pool, "audit-writer", Some(new_batch), Some(end_batch))?,
            key,
        })
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
        let (actor, child, detail) = (actor.clone(), child.map(|(id, d)| (id, d.to_string())), detail.to_string());
        let key = self.key.clone();
        self.writer.run(move |c| {
            let child = child.as_ref().map(|(id, d)| (*id, d.as_str()));
            let entry = audit::entry(at, &actor, action, child, &detail);
            HEAD.with(|h| crate::audit_chain::append_known(c, &key, entry, &mut h.borrow_mut())).map(|_| ())
        })
    }
}
