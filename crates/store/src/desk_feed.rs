//! The duty desks' live queue across servers (issue 23, decision 199, replacing decision
//! 27's in-process broadcast).
//!
//! Every change of a report writes a timeline event (`report_events`) whose id grows in
//! commit order (the report writer's lock, `reports::lock_for_order`, which on PostgreSQL
//! also wakes every server with `NOTIFY`). Each server's notifier reads the events after the
//! last one it has seen ([`Store::dispatch_desk`]) and broadcasts them, with the report as it
//! now is, to its connected desks; a desk that reconnects, to any server, with the last event
//! id it got reads the events after it from the database ([`Store::desk_events_after`]).

use crate::Store;
use crate::db::Sql;
use crate::error::StoreError;
use crate::reports::{DeskEvent, ReportScope, SUMMARY_COLUMNS, push_report_scope, report_scope};
use crate::users::Principal;
use std::sync::Arc;

/// Events read at once.
const BATCH: i64 = 500;

/// The event kind a desk hears: a report filed, or a change of one.
fn desk_kind(event_kind: &str) -> &'static str {
    if event_kind == "filed" { "filed" } else { "changed" }
}

impl Store {
    /// The highest report event id committed (where a server starts following).
    pub fn latest_desk_event_id(&self) -> Result<i64, StoreError> {
        Ok(self
            .reports
            .read(|c| c.query_opt("SELECT max(id) FROM report_events", &[], |r| r.opt_i64(0)))?
            .flatten()
            .unwrap_or(0))
    }

    /// Events after `after` (at most [`BATCH`]), each with its report as it now is, within
    /// `scope`.
    fn desk_events_in(&self, scope: &ReportScope, after: i64) -> Result<Vec<DeskEvent>, StoreError> {
        self.reports.read(|c| {
            let mut sql = Sql::new(&format!(
                "SELECT {SUMMARY_COLUMNS}, e.id, e.kind FROM report_events e JOIN reports r ON r.id = e.report_id \
                 WHERE e.id > "
            ));
            sql.bind(after);
            push_report_scope(&mut sql, scope);
            sql.push(" ORDER BY e.id LIMIT ").bind(BATCH);
            c.query(&sql.text, &sql.params, |r| {
                Ok(DeskEvent { id: r.i64(14)?, kind: desk_kind(&r.text(15)?), report: self.summary_from_row(r)? })
            })
        })
    }

    /// Sends every report event after `*high` to this server's connected desks and moves
    /// `*high`; returns how many.
    pub fn dispatch_desk(&self, high: &mut i64) -> Result<usize, StoreError> {
        let mut sent = 0;
        loop {
            let events = self.desk_events_in(&ReportScope::Everything, *high)?;
            let n = events.len();
            for e in events {
                *high = e.id;
                let _ = self.report_bus.send(Arc::new(e));
            }
            sent += n;
            if n < BATCH as usize {
                return Ok(sent);
            }
        }
    }

    /// The events of the desk's area after `after`, oldest first: a desk resuming after a
    /// reconnect, to this server or another.
    pub fn desk_events_after(&self, p: &Principal, after: i64) -> Result<Vec<DeskEvent>, StoreError> {
        let scope = report_scope(p);
        if !matches!(scope, ReportScope::Area(_)) {
            return Err(StoreError::Forbidden);
        }
        let (mut all, mut after) = (Vec::new(), after);
        loop {
            let batch = self.desk_events_in(&scope, after)?;
            let n = batch.len();
            after = batch.last().map_or(after, |e| e.id);
            all.extend(batch);
            if n < BATCH as usize {
                return Ok(all);
            }
        }
    }
}
