//! What the servers do to notifications on their own, with no user's request behind it:
//! reports that no duty desk accepted in time are announced again (decision 215), and what
//! has served is pruned (decision 216).

use crate::Store;
use crate::error::StoreError;
use crate::notify::{announce_in_reports, report_late};

/// Rows one pruning transaction deletes at most: a day's backlog of a province goes in
/// short transactions that never hold the writers for long.
const PRUNE_BATCH: i64 = 5_000;

impl Store {
    /// Announces again, once each, the mandatory reports filed more than
    /// `reports.late_response_minutes` ago that no duty desk has accepted ([S] 二(三): the
    /// police act at once; decision 215). Returns how many. Every server runs it; the cause
    /// is written only where none is, in the reports' writer's transaction.
    pub fn announce_late_reports(&self) -> Result<usize, StoreError> {
        let now = self.now();
        let cutoff = now - self.settings.reports.late_response_limit;
        // `step <> 'handed_over'` spelled out so that SQLite reads the partial index of open reports.
        let find = "SELECT r.id, r.village_code FROM reports r WHERE r.step <> 'handed_over' AND r.step = 'filed' \
                    AND r.reported_at <= $1 AND NOT EXISTS (SELECT 1 FROM notify_causes n \
                    WHERE n.cause = 'report:' || r.id || ':late')";
        let late = self.reports.read(|c| c.query(find, &[cutoff.into()], |r| Ok((r.i64(0)?, r.text(1)?))))?;
        if late.is_empty() {
            return Ok(0);
        }
        let rx = self.report_writer.submit(move |c| {
            // Again in the writer's transaction: another server may have written them since.
            let late = c.query(find, &[cutoff.into()], |r| Ok((r.i64(0)?, r.text(1)?)))?;
            for (id, village) in &late {
                announce_in_reports(c, &report_late(*id, village), now)?;
            }
            Ok(late.len())
        });
        let n = rx.blocking_recv().unwrap_or_else(|_| Err(crate::group_commit::writer_stopped()))?;
        if n > 0 {
            self.wake_notifier();
        }
        Ok(n)
    }

    /// Deletes what has served (decision 216): notifications read more than `notify.keep_days`
    /// ago, and outbox messages sent, given up or without a channel that long ago, with their
    /// attempts. Unread notifications and messages still to be sent stay. Run after the daily
    /// recompute, by the one server that ran it. Returns (notifications, messages) deleted.
    pub fn prune_notifications(&self) -> Result<(u64, u64), StoreError> {
        let before = self.now() - self.settings.notify.keep;
        let mut gone = (0, 0);
        loop {
            let (n, m) = self.pool.write(|c| {
                let n = c.exec(
                    "DELETE FROM notifications WHERE id IN (SELECT id FROM notifications \
                     WHERE read_at IS NOT NULL AND read_at < $1 LIMIT $2)",
                    &[before.into(), PRUNE_BATCH.into()],
                )?;
                let done = "SELECT id FROM notify_outbox WHERE done_at IS NOT NULL AND done_at < $1 LIMIT $2";
                c.exec(
                    &format!("DELETE FROM notify_attempts WHERE outbox_id IN ({done})"),
                    &[before.into(), PRUNE_BATCH.into()],
                )?;
                let m = c.exec(
                    &format!("DELETE FROM notify_outbox WHERE id IN ({done})"),
                    &[before.into(), PRUNE_BATCH.into()],
                )?;
                Ok((n, m))
            })?;
            gone = (gone.0 + n, gone.1 + m);
            if n < PRUNE_BATCH as u64 && m < PRUNE_BATCH as u64 {
                return Ok(gone);
            }
        }
    }
}
