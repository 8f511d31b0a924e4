//! Notifications (提醒, issue 19, decisions 150-156).
//!
//! A notification is written in the transaction of the change that causes it, so that it
//! exists exactly when the change does:
//! - a change in the registry (a visit, an import, a dropout step) calls [`announce`] in its
//!   own transaction, which writes one row per recipient and one outbox message per
//!   recipient organisation;
//! - a change in the reports' database (a report, a hand-over, a referral), which on SQLite
//!   is another file than the users, calls [`announce_in_reports`] in its own transaction:
//!   the cause goes to `notify_causes`, and [`Store::relay_causes`] turns causes into
//!   notifications, moving its cursor in the same registry transaction.
//!
//! Ids of notifications grow in commit order (one writer on SQLite; an advisory lock on
//! PostgreSQL), so a browser that resumes after the last id it saw misses nothing. Each
//! server reads new rows after the highest id it has seen ([`Store::dispatch_new`]) when
//! woken (a local commit, PostgreSQL's NOTIFY from another server) or every `notify.poll_ms`.

use crate::db::{Conn, Row, Sql};
use crate::error::StoreError;
use crate::users::Principal;
use crate::{Store, audit};
use chrono::{DateTime, Utc};
use serde::Serialize;
use shouhu_domain::notify::{self as rules, DeliveryState, NotifyChannel};
use shouhu_domain::role::OrgType;
use shouhu_domain::task::{Owner, TaskKind, done_by};
use std::sync::Arc;

/// PostgreSQL's channel that wakes every server when notifications are committed.
pub const PG_CHANNEL: &str = "shouhu_notify";
/// The advisory lock that orders notification ids by commit (PostgreSQL).
const ORDER_LOCK: i64 = 7_243_017;
/// The relay's cursor over the reports' causes.
const REPORT_CURSOR: &str = "report_causes";

/// What happened, for whom: one cause of notifications.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Notice {
    pub kind: TaskKind,
    pub critical: bool,
    /// Unique per change (`report:12:filed`): a cause announced twice notifies once.
    pub cause: String,
    /// Who must act; the recipients are those of [`done_by`] among them, in scope.
    pub owner: Owner,
    /// A short text from the message catalog: no child's name, no reporter, no ID number.
    pub text: String,
    /// The page to open, relative to the server's public address.
    pub link: String,
}

/// A notification as its recipient sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Notification {
    pub id: i64,
    #[serde(skip)]
    pub user_id: i64,
    pub kind: TaskKind,
    pub kind_label: &'static str,
    pub critical: bool,
    pub text: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    pub read_at: Option<DateTime<Utc>>,
}

const COLUMNS: &str = "n.id, n.user_id, n.kind, n.critical, n.text, n.link, n.created_at, n.read_at";

fn from_row(r: &dyn Row) -> Result<Notification, StoreError> {
    let kind = TaskKind::parse(&r.text(2)?).ok_or_else(|| StoreError::Backend("notification kind".into()))?;
    Ok(Notification {
        id: r.i64(0)?,
        user_id: r.i64(1)?,
        kind,
        kind_label: kind.label(),
        critical: r.bool(3)?,
        text: r.text(4)?,
        link: r.text(5)?,
        created_at: r.ts(6)?,
        read_at: r.opt_ts(7)?,
    })
}

/// Appends the recipients' condition for `owner` and `kind` (users `u` joined with their
/// organisation `o`): active accounts of the roles that do the work, in the owner's region
/// or organisation, or the named user.
fn push_audience(sql: &mut Sql, kind: TaskKind, owner: &Owner) {
    sql.push(" WHERE u.active = ").bind(true);
    match owner {
        Owner::User { id } => {
            sql.push(" AND u.id = ").bind(*id);
            return;
        }
        Owner::Org { id } => {
            sql.push(" AND u.org_id = ").bind(*id);
        }
        Owner::Region { code } => {
            // The organisation's region contains the record's village ([`Scope::covers`]).
            sql.push(" AND substr(").bind(code.as_str()).push(", 1, length(o.region_code)) = o.region_code");
            // A school's staff see the children enrolled there, not its region's.
            sql.push(" AND o.org_type NOT IN (");
            let by_enrolment: Vec<_> = OrgType::ALL.iter().filter(|t| t.scoped_by_enrolment()).collect();
            for (i, t) in by_enrolment.iter().enumerate() {
                if i > 0 {
                    sql.push(", ");
                }
                sql.bind(t.code());
            }
            sql.push(")");
            if let Some(types) = rules::org_types_for(kind) {
                sql.push(" AND o.org_type IN (");
                for (i, t) in types.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.bind(t.code());
                }
                sql.push(")");
            }
        }
    }
    sql.push(" AND u.role IN (");
    for (i, r) in done_by(kind).iter().enumerate() {
        if i > 0 {
            sql.push(", ");
        }
        sql.bind(r.code());
    }
    sql.push(")");
}

/// Takes the lock that orders notification ids by commit and wakes the other servers at
/// commit (PostgreSQL; SQLite has one writer).
fn order_and_wake(c: &mut Conn<'_, '_>) -> Result<(), StoreError> {
    if !c.is_sqlite() {
        c.batch(&format!("SELECT pg_advisory_xact_lock({ORDER_LOCK}); SELECT pg_notify('{PG_CHANNEL}', '')"))?;
    }
    Ok(())
}

/// Writes the notifications of `n` and its outbox messages in the caller's registry
/// transaction. Returns how many users it notified (0 when nobody may act on it).
pub fn announce(c: &mut Conn<'_, '_>, n: &Notice, at: DateTime<Utc>) -> Result<u64, StoreError> {
    order_and_wake(c)?;
    // PostgreSQL reads a parameter in a select list as text unless told its type.
    let (as_bool, as_ts) = if c.is_sqlite() { ("", "") } else { ("::boolean", "::timestamptz") };
    let mut sql =
        Sql::new("INSERT INTO notifications (user_id, kind, critical, cause, text, link, created_at) SELECT u.id, ");
    sql.bind(n.kind.code()).push(", ").bind(n.critical).push(as_bool).push(", ").bind(n.cause.as_str()).push(", ");
    sql.bind(n.text.as_str()).push(", ").bind(n.link.as_str()).push(", ").bind(at).push(as_ts);
    sql.push(" FROM users u JOIN organisations o ON o.id = u.org_id");
    push_audience(&mut sql, n.kind, &n.owner);
    sql.push(" ON CONFLICT DO NOTHING");
    let added = c.exec(&sql.text, &sql.params)?;
    if added > 0 {
        c.exec(
            &format!(
                "INSERT INTO notify_outbox (org_id, kind, cause, text, link, created_at, state, attempts, next_at) \
                 SELECT DISTINCT u.org_id, $1, $2, $3, $4, $5{as_ts}, 'pending', 0, $5{as_ts} FROM notifications n \
                 JOIN users u ON u.id = n.user_id WHERE n.cause = $2 ON CONFLICT DO NOTHING"
            ),
            &[n.kind.code().into(), n.cause.as_str().into(), n.text.as_str().into(), n.link.as_str().into(), at.into()],
        )?;
    }
    Ok(added)
}

/// Writes the cause `n` into the reports' log in the caller's reports transaction; the
/// relay turns it into notifications ([`Store::relay_causes`]).
pub fn announce_in_reports(c: &mut Conn<'_, '_>, n: &Notice, at: DateTime<Utc>) -> Result<(), StoreError> {
    let owner = serde_json::to_string(&n.owner)?;
    c.exec(
        "INSERT INTO notify_causes (kind, critical, cause, owner, text, link, at) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            n.kind.code().into(),
            n.critical.into(),
            n.cause.as_str().into(),
            owner.into(),
            n.text.as_str().into(),
            n.link.as_str().into(),
            at.into(),
        ],
    )?;
    if !c.is_sqlite() {
        c.batch(&format!("SELECT pg_notify('{PG_CHANNEL}', '')"))?;
    }
    Ok(())
}

/// Wakes this server's notifier (after a commit that announced something).
#[derive(Default)]
pub struct Wake {
    woken: parking_lot::Mutex<bool>,
    cv: parking_lot::Condvar,
}

impl Wake {
    pub fn wake(&self) {
        *self.woken.lock() = true;
        self.cv.notify_all();
    }

    /// Waits until woken or `timeout` passes; true if woken.
    pub fn wait(&self, timeout: std::time::Duration) -> bool {
        let mut w = self.woken.lock();
        if !*w {
            let _ = self.cv.wait_for(&mut w, timeout);
        }
        std::mem::replace(&mut *w, false)
    }
}

/// A message of the outbox as the delivery worker sends it.
#[derive(Debug, Clone)]
pub struct OutboxItem {
    pub id: i64,
    pub org_id: i64,
    pub kind: TaskKind,
    pub text: String,
    pub link: String,
    pub created_at: DateTime<Utc>,
    /// Failed attempts so far.
    pub attempts: i64,
    /// The organisation's channel and address, if it has one.
    pub route: Option<(NotifyChannel, String)>,
}

/// A message of the outbox as the administrator sees it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct OutboxLine {
    pub id: i64,
    pub org_id: i64,
    pub org_name: String,
    pub kind: TaskKind,
    pub text: String,
    pub state: DeliveryState,
    pub attempts: i64,
    pub next_at: DateTime<Utc>,
    pub created_at: DateTime<Utc>,
    pub done_at: Option<DateTime<Utc>>,
    pub last_error: Option<String>,
}

/// An attempt to send a message.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Attempt {
    pub at: DateTime<Utc>,
    pub channel: Option<String>,
    pub outcome: String,
    pub error: Option<String>,
}

/// How an organisation receives its messages.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct OrgChannel {
    pub org_id: i64,
    pub channel: Option<NotifyChannel>,
    pub address: Option<String>,
}

impl Store {
    /// Wakes this server's notifier now (a commit announced something).
    pub fn wake_notifier(&self) {
        self.notify_wake.wake();
    }

    /// Turns the causes committed in the reports' database since the cursor into
    /// notifications, with the cursor, in one registry transaction; returns how many
    /// causes it took. Cheap when there is nothing new (two reads, no write).
    pub fn relay_causes(&self) -> Result<usize, StoreError> {
        let mut total = 0;
        loop {
            let position = self.pool.read(cursor)?;
            let newest =
                self.reports.read(|c| c.query_opt("SELECT max(id) FROM notify_causes", &[], |r| r.opt_i64(0)))?;
            if newest.flatten().unwrap_or(0) <= position {
                return Ok(total);
            }
            let now = self.now();
            let taken = self.pool.write(|c| {
                order_and_wake(c)?;
                // Under the lock (or SQLite's one writer): another server may have moved it.
                let position = cursor(c)?;
                let causes = self.reports.read(|r| {
                    r.query(
                        "SELECT id, kind, critical, cause, owner, text, link, at FROM notify_causes WHERE id > $1 \
                         ORDER BY id LIMIT 200",
                        &[position.into()],
                        |row| {
                            let kind = TaskKind::parse(&row.text(1)?)
                                .ok_or_else(|| StoreError::Backend("cause kind".into()))?;
                            let owner: Owner = serde_json::from_str(&row.text(4)?)?;
                            let n = Notice {
                                kind,
                                critical: row.bool(2)?,
                                cause: row.text(3)?,
                                owner,
                                text: row.text(5)?,
                                link: row.text(6)?,
                            };
                            Ok((row.i64(0)?, n, row.ts(7)?))
                        },
                    )
                })?;
                let Some(last) = causes.last().map(|(id, _, _)| *id) else { return Ok(0) };
                for (_, n, at) in &causes {
                    // The time of the cause, not of the relay: the list shows when it happened.
                    announce(c, n, (*at).min(now))?;
                }
                c.exec(
                    "UPDATE notify_cursors SET position = $1 WHERE name = $2",
                    &[last.into(), REPORT_CURSOR.into()],
                )?;
                Ok(causes.len())
            })?;
            if taken == 0 {
                return Ok(total);
            }
            total += taken;
        }
    }

    /// The highest notification id committed (where a server starts following).
    pub fn latest_notification_id(&self) -> Result<i64, StoreError> {
        Ok(self
            .pool
            .read(|c| c.query_opt("SELECT max(id) FROM notifications", &[], |r| r.opt_i64(0)))?
            .flatten()
            .unwrap_or(0))
    }

    /// Relays, then sends every notification after `*high` to this server's connected
    /// browsers (`notify_bus`) and moves `*high`; returns how many.
    pub fn dispatch_new(&self, high: &mut i64) -> Result<usize, StoreError> {
        if let Err(e) = self.relay_causes() {
            tracing::warn!(error = %e, "relaying report causes; trying again at the next wake");
        }
        let mut sent = 0;
        loop {
            let rows = self.pool.read(|c| {
                c.query(
                    &format!("SELECT {COLUMNS} FROM notifications n WHERE n.id > $1 ORDER BY n.id LIMIT 500"),
                    &[(*high).into()],
                    from_row,
                )
            })?;
            let n = rows.len();
            for row in rows {
                *high = row.id;
                let _ = self.notify_bus.send(Arc::new(row));
            }
            sent += n;
            if n < 500 {
                return Ok(sent);
            }
        }
    }

    /// Runs the notifier until `stop` is dropped: relays and dispatches when woken, or every
    /// `notify.poll_ms` (the fallback if a wake-up is lost).
    pub fn run_notifier(&self, stop: &std::sync::mpsc::Receiver<()>) {
        let mut high = self.latest_notification_id().unwrap_or(0);
        // The duty desks' feed follows the reports' events the same way (decision 199).
        let mut desk_high = self.latest_desk_event_id().unwrap_or(0);
        let poll = self.settings.notify.poll.to_std().unwrap_or(std::time::Duration::from_secs(1));
        let late_every = self.settings.notify.late_check.to_std().unwrap_or(std::time::Duration::from_secs(60));
        let mut late_due = std::time::Instant::now();
        loop {
            if std::time::Instant::now() >= late_due {
                late_due = std::time::Instant::now() + late_every;
                if let Err(e) = self.announce_late_reports() {
                    tracing::warn!(error = %e, "announcing reports past their deadline; trying again");
                }
            }
            if let Err(e) = self.dispatch_new(&mut high) {
                tracing::warn!(error = %e, "reading new notifications; trying again");
            }
            if let Err(e) = self.dispatch_desk(&mut desk_high) {
                tracing::warn!(error = %e, "reading new report events; trying again");
            }
            self.notify_wake.wait(poll);
            if let Err(std::sync::mpsc::TryRecvError::Disconnected) = stop.try_recv() {
                return;
            }
        }
    }

    /// On PostgreSQL, listens for other servers' commits and wakes this server's notifier,
    /// until `stop` is dropped; reconnects after an error. Holds one pooled connection.
    pub fn run_pg_listener(&self, stop: &std::sync::mpsc::Receiver<()>) {
        let crate::db::Pool::Postgres(pool) = &self.pool else { return };
        let tick = std::time::Duration::from_secs(1);
        loop {
            let listened = (|| -> Result<(), StoreError> {
                let mut conn = pool.get()?;
                conn.batch_execute(&format!("LISTEN {PG_CHANNEL}"))?;
                loop {
                    {
                        use postgres::fallible_iterator::FallibleIterator;
                        let mut notes = conn.notifications();
                        let mut it = notes.timeout_iter(tick);
                        while it.next()?.is_some() {
                            self.notify_wake.wake();
                        }
                    }
                    if let Err(std::sync::mpsc::TryRecvError::Disconnected) = stop.try_recv() {
                        let _ = conn.batch_execute(&format!("UNLISTEN {PG_CHANNEL}"));
                        return Ok(());
                    }
                }
            })();
            match listened {
                Ok(()) => return,
                Err(e) => {
                    tracing::warn!(error = %e, "listening for notifications; polling until reconnected");
                    if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) = stop.recv_timeout(tick * 5) {
                        return;
                    }
                }
            }
        }
    }

    /// Subscribes to the notifications this server dispatches.
    pub fn notification_events(&self) -> tokio::sync::broadcast::Receiver<Arc<Notification>> {
        self.notify_bus.subscribe()
    }

    /// The caller's notifications after `after`, oldest first (a browser resuming).
    pub fn notifications_after(&self, p: &Principal, after: i64, limit: i64) -> Result<Vec<Notification>, StoreError> {
        self.relay_causes()?;
        self.pool.read(|c| {
            c.query(
                &format!(
                    "SELECT {COLUMNS} FROM notifications n WHERE n.user_id = $1 AND n.id > $2 ORDER BY n.id LIMIT $3"
                ),
                &[p.user_id.into(), after.into(), limit.into()],
                from_row,
            )
        })
    }

    /// The caller's notifications: unread first, then newest first.
    pub fn list_notifications(&self, p: &Principal, limit: i64) -> Result<Vec<Notification>, StoreError> {
        self.relay_causes()?;
        self.pool.read(|c| {
            c.query(
                &format!(
                    "SELECT {COLUMNS} FROM notifications n WHERE n.user_id = $1 \
                     ORDER BY CASE WHEN n.read_at IS NULL THEN 0 ELSE 1 END, n.id DESC LIMIT $2"
                ),
                &[p.user_id.into(), limit.into()],
                from_row,
            )
        })
    }

    /// How many of the caller's notifications are unread.
    pub fn unread_notifications(&self, p: &Principal) -> Result<i64, StoreError> {
        self.relay_causes()?;
        Ok(self
            .pool
            .read(|c| {
                c.query_opt(
                    "SELECT count(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL",
                    &[p.user_id.into()],
                    |r| r.i64(0),
                )
            })?
            .unwrap_or(0))
    }

    /// Marks one of the caller's notifications read (`Some(id)`; another's is missing), or
    /// all of them (`None`). Returns how many changed.
    pub fn mark_notifications_read(&self, p: &Principal, id: Option<i64>) -> Result<u64, StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            let mut sql = Sql::new("UPDATE notifications SET read_at = ");
            sql.bind(now).push(" WHERE user_id = ").bind(p.user_id).push(" AND read_at IS NULL");
            if let Some(id) = id {
                let mine = c.query_opt(
                    "SELECT id FROM notifications WHERE id = $1 AND user_id = $2",
                    &[id.into(), p.user_id.into()],
                    |r| r.i64(0),
                )?;
                if mine.is_none() {
                    return Err(StoreError::NotFound);
                }
                sql.push(" AND id = ").bind(id);
            }
            c.exec(&sql.text, &sql.params)
        })
    }

    /// Whether the user has the duty desk's sound on (their own setting).
    pub fn notify_sound(&self, user_id: i64) -> Result<bool, StoreError> {
        Ok(self
            .pool
            .read(|c| c.query_opt("SELECT notify_sound FROM users WHERE id = $1", &[user_id.into()], |r| r.bool(0)))?
            .unwrap_or(true))
    }

    /// Turns the caller's own sound on or off.
    pub fn set_notify_sound(&self, p: &Principal, on: bool) -> Result<(), StoreError> {
        self.pool.write(|c| {
            c.exec("UPDATE users SET notify_sound = $1 WHERE id = $2", &[on.into(), p.user_id.into()]).map(|_| ())
        })
    }

    /// An organisation's channel (the administrator's).
    pub fn org_channel(&self, p: &Principal, org_id: i64) -> Result<OrgChannel, StoreError> {
        if !p.role.is_admin() {
            return Err(StoreError::Forbidden);
        }
        self.get_org(org_id)?;
        let row = self.pool.read(|c| {
            c.query_opt("SELECT channel, address FROM org_notify_channels WHERE org_id = $1", &[org_id.into()], |r| {
                Ok((r.text(0)?, r.text(1)?))
            })
        })?;
        Ok(OrgChannel {
            org_id,
            channel: row.as_ref().and_then(|(ch, _)| NotifyChannel::parse(ch)),
            address: row.map(|(_, a)| a),
        })
    }

    /// Every organisation's channel (the administrator's).
    pub fn org_channels(&self, p: &Principal) -> Result<Vec<OrgChannel>, StoreError> {
        if !p.role.is_admin() {
            return Err(StoreError::Forbidden);
        }
        self.pool.read(|c| {
            c.query("SELECT org_id, channel, address FROM org_notify_channels ORDER BY org_id", &[], |r| {
                Ok(OrgChannel {
                    org_id: r.i64(0)?,
                    channel: NotifyChannel::parse(&r.text(1)?),
                    address: Some(r.text(2)?),
                })
            })
        })
    }

    /// Sets (or, with `None`, removes) how an organisation receives its messages; the
    /// administrator only, audited.
    pub fn set_org_channel(
        &self,
        p: &Principal,
        org_id: i64,
        route: Option<(NotifyChannel, &str)>,
    ) -> Result<OrgChannel, StoreError> {
        if !p.role.is_admin() {
            return Err(StoreError::Forbidden);
        }
        self.get_org(org_id)?;
        let route = match route {
            None => None,
            Some((ch, a)) => Some((ch, rules::check_address(ch, a).map_err(|m| StoreError::invalid("address", m))?)),
        };
        let (now, actor) = (self.now(), p.actor());
        self.pool.write(|c| {
            c.exec("DELETE FROM org_notify_channels WHERE org_id = $1", &[org_id.into()])?;
            if let Some((ch, a)) = &route {
                c.exec(
                    "INSERT INTO org_notify_channels (org_id, channel, address, updated_at, updated_by) \
                     VALUES ($1, $2, $3, $4, $5)",
                    &[org_id.into(), ch.code().into(), a.as_str().into(), now.into(), actor.user_name.as_str().into()],
                )?;
            }
            let detail = format!("org {org_id}: {}", route.as_ref().map_or("none", |(ch, _)| ch.code()));
            audit::record(c, &self.audit_key, now, &actor, audit::Action::SetNotifyChannel, None, &detail)
        })?;
        Ok(OrgChannel { org_id, channel: route.as_ref().map(|(c, _)| *c), address: route.map(|(_, a)| a) })
    }

    /// Claims up to `notify.batch` messages due now for `owner` (a server), for
    /// `notify.lease`. A claim another server holds is skipped (SKIP LOCKED on PostgreSQL;
    /// SQLite has one writer); one whose lease ran out is taken over.
    pub fn claim_outbox(&self, owner: &str) -> Result<Vec<OutboxItem>, StoreError> {
        let now = self.now();
        let s = self.settings.notify;
        let until = now + s.lease;
        self.pool.write(|c| {
            let lock = if c.is_sqlite() { "" } else { " FOR UPDATE SKIP LOCKED" };
            let ids = c.query(
                &format!(
                    "SELECT id FROM notify_outbox WHERE state = 'pending' AND next_at <= $1 \
                     AND (lease_until IS NULL OR lease_until <= $1) ORDER BY next_at, id LIMIT $2{lock}"
                ),
                &[now.into(), s.batch.into()],
                |r| r.i64(0),
            )?;
            let mut out = Vec::with_capacity(ids.len());
            for id in ids {
                c.exec(
                    "UPDATE notify_outbox SET lease_owner = $1, lease_until = $2 WHERE id = $3",
                    &[owner.into(), until.into(), id.into()],
                )?;
                let item = c.query_opt(
                    "SELECT b.id, b.org_id, b.kind, b.text, b.link, b.created_at, b.attempts, ch.channel, ch.address \
                     FROM notify_outbox b LEFT JOIN org_notify_channels ch ON ch.org_id = b.org_id WHERE b.id = $1",
                    &[id.into()],
                    |r| {
                        let route = match (r.opt_text(7)?, r.opt_text(8)?) {
                            (Some(ch), Some(a)) => NotifyChannel::parse(&ch).map(|ch| (ch, a)),
                            _ => None,
                        };
                        Ok(OutboxItem {
                            id: r.i64(0)?,
                            org_id: r.i64(1)?,
                            kind: TaskKind::parse(&r.text(2)?).ok_or_else(|| StoreError::Backend("kind".into()))?,
                            text: r.text(3)?,
                            link: r.text(4)?,
                            created_at: r.ts(5)?,
                            attempts: r.i64(6)?,
                            route,
                        })
                    },
                )?;
                out.extend(item);
            }
            Ok(out)
        })
    }

    /// Records an attempt at a claimed message: sent, failed (retried after the backoff, or
    /// given up after the last attempt), or not sent for want of a channel. A claim that is
    /// no longer `owner`'s (its lease ran out and another server took it) records nothing.
    pub fn record_attempt(
        &self,
        owner: &str,
        item: &OutboxItem,
        outcome: Result<(), String>,
    ) -> Result<DeliveryState, StoreError> {
        let now = self.now();
        let s = self.settings.notify;
        let (state, attempts, next_at, error) = match (&item.route, &outcome) {
            (None, _) => (DeliveryState::NoChannel, item.attempts, now, None),
            (Some(_), Ok(())) => (DeliveryState::Sent, item.attempts + 1, now, None),
            (Some(_), Err(e)) => {
                let failed = item.attempts + 1;
                let state = if rules::gives_up(failed, &s) { DeliveryState::Failed } else { DeliveryState::Pending };
                (state, failed, now + rules::retry_delay(failed, &s), Some(e.chars().take(500).collect::<String>()))
            }
        };
        let done = (state != DeliveryState::Pending).then_some(now);
        self.pool.write(|c| {
            let changed = c.exec(
                "UPDATE notify_outbox SET state = $1, attempts = $2, next_at = $3, done_at = $4, lease_owner = NULL, \
                 lease_until = NULL WHERE id = $5 AND lease_owner = $6 AND state = 'pending'",
                &[state.code().into(), attempts.into(), next_at.into(), done.into(), item.id.into(), owner.into()],
            )?;
            if changed == 0 {
                return Ok(());
            }
            let outcome_code = match state {
                DeliveryState::Sent => "sent",
                DeliveryState::NoChannel => "no_channel",
                _ => "error",
            };
            c.exec(
                "INSERT INTO notify_attempts (outbox_id, at, channel, address, outcome, error) VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    item.id.into(),
                    now.into(),
                    item.route.as_ref().map(|(ch, _)| ch.code()).into(),
                    item.route.as_ref().map(|(_, a)| a.as_str()).into(),
                    outcome_code.into(),
                    error.as_deref().into(),
                ],
            )?;
            Ok(())
        })?;
        Ok(state)
    }

    /// The outbox for the administrator, newest first, optionally in one state.
    pub fn outbox(
        &self,
        p: &Principal,
        state: Option<DeliveryState>,
        limit: i64,
    ) -> Result<Vec<OutboxLine>, StoreError> {
        if !p.role.is_admin() {
            return Err(StoreError::Forbidden);
        }
        self.pool.read(|c| {
            let mut sql = Sql::new(
                "SELECT b.id, b.org_id, o.name, b.kind, b.text, b.state, b.attempts, b.next_at, b.created_at, b.done_at, \
                 (SELECT a.error FROM notify_attempts a WHERE a.outbox_id = b.id ORDER BY a.id DESC LIMIT 1) \
                 FROM notify_outbox b JOIN organisations o ON o.id = b.org_id WHERE 1 = 1",
            );
            if let Some(st) = state {
                sql.push(" AND b.state = ").bind(st.code());
            }
            sql.push(" ORDER BY b.id DESC LIMIT ").bind(limit);
            c.query(&sql.text, &sql.params, |r| {
                Ok(OutboxLine {
                    id: r.i64(0)?,
                    org_id: r.i64(1)?,
                    org_name: r.text(2)?,
                    kind: TaskKind::parse(&r.text(3)?).ok_or_else(|| StoreError::Backend("kind".into()))?,
                    text: r.text(4)?,
                    state: DeliveryState::parse(&r.text(5)?).ok_or_else(|| StoreError::Backend("state".into()))?,
                    attempts: r.i64(6)?,
                    next_at: r.ts(7)?,
                    created_at: r.ts(8)?,
                    done_at: r.opt_ts(9)?,
                    last_error: r.opt_text(10)?,
                })
            })
        })
    }

    /// Every attempt at one message, oldest first (the administrator's).
    pub fn outbox_attempts(&self, p: &Principal, id: i64) -> Result<Vec<Attempt>, StoreError> {
        if !p.role.is_admin() {
            return Err(StoreError::Forbidden);
        }
        self.pool.read(|c| {
            c.query(
                "SELECT at, channel, outcome, error FROM notify_attempts WHERE outbox_id = $1 ORDER BY id",
                &[id.into()],
                |r| Ok(Attempt { at: r.ts(0)?, channel: r.opt_text(1)?, outcome: r.text(2)?, error: r.opt_text(3)? }),
            )
        })
    }
}

fn cursor(c: &mut Conn<'_, '_>) -> Result<i64, StoreError> {
    Ok(c.query_opt("SELECT position FROM notify_cursors WHERE name = $1", &[REPORT_CURSOR.into()], |r| r.i64(0))?
        .unwrap_or(0))
}

/// The notice of a report filed: the area's duty desk accepts it ([S] 二(二)).
pub fn report_filed(report_id: i64, village_code: &str, critical: bool) -> Notice {
    use shouhu_domain::msg;
    Notice {
        kind: TaskKind::ReportToAccept,
        critical,
        cause: format!("report:{report_id}:filed"),
        owner: Owner::Region { code: village_code.to_string() },
        text: if critical { msg::NOTE_REPORT_FILED_CRITICAL } else { msg::NOTE_REPORT_FILED }.to_string(),
        link: format!("/reports/{report_id}"),
    }
}

/// The notice of a report no duty desk accepted by `reports.late_response_minutes`
/// (decision 215): the area's desk again, critical, so that its alarm sounds again.
pub fn report_late(report_id: i64, village_code: &str) -> Notice {
    Notice {
        kind: TaskKind::ReportToAccept,
        critical: true,
        cause: late_cause(report_id),
        owner: Owner::Region { code: village_code.to_string() },
        text: shouhu_domain::msg::NOTE_REPORT_LATE.to_string(),
        link: format!("/reports/{report_id}"),
    }
}

/// The cause of [`report_late`]: one per report, whichever server sees it first
/// (`Store::announce_late_reports` looks for the same text in SQL).
fn late_cause(report_id: i64) -> String {
    format!("report:{report_id}:late")
}

/// The notice of a hand-over: the child's township acknowledges it and assesses ([S] 二(三)).
pub fn report_handed_over(report_id: i64, village_code: &str) -> Notice {
    Notice {
        kind: TaskKind::HandOverToAcknowledge,
        critical: false,
        cause: format!("report:{report_id}:handed_over"),
        owner: Owner::Region { code: village_code.to_string() },
        text: shouhu_domain::msg::NOTE_HAND_OVER.to_string(),
        link: format!("/reports/{report_id}"),
    }
}

/// The notice of a referral: the receiving organisation answers it.
pub fn referral_sent(referral_id: i64, org_id: i64) -> Notice {
    Notice {
        kind: TaskKind::ReferralToDecide,
        critical: false,
        cause: format!("referral:{referral_id}:sent"),
        owner: Owner::Org { id: org_id },
        text: shouhu_domain::msg::NOTE_REFERRAL.to_string(),
        link: format!("/referrals/{referral_id}"),
    }
}

/// The notice of a visit saved (or corrected): the township's supervisors review it.
pub fn visit_submitted(visit_id: i64, version: i64, village_code: &str) -> Notice {
    Notice {
        kind: TaskKind::VisitToReview,
        critical: false,
        cause: format!("visit:{visit_id}:{version}:submitted"),
        owner: Owner::Region { code: village_code.to_string() },
        text: shouhu_domain::msg::NOTE_VISIT_SUBMITTED.to_string(),
        link: "/supervision".to_string(),
    }
}

/// The notice of a visit sent back: its author corrects it.
pub fn visit_sent_back(visit_id: i64, version: i64, author: i64) -> Notice {
    Notice {
        kind: TaskKind::VisitSentBack,
        critical: false,
        cause: format!("visit:{visit_id}:{version}:sent_back"),
        owner: Owner::User { id: author },
        text: shouhu_domain::msg::NOTE_VISIT_SENT_BACK.to_string(),
        link: format!("/visits/{visit_id}"),
    }
}

/// The notice of an import that ended: its user reads the outcome.
pub fn import_ended(job_id: i64, user_id: i64, finished: bool) -> Notice {
    use shouhu_domain::msg;
    Notice {
        kind: if finished { TaskKind::ImportFinished } else { TaskKind::ImportFailed },
        critical: false,
        cause: format!("import:{job_id}:ended"),
        owner: Owner::User { id: user_id },
        text: if finished { msg::NOTE_IMPORT_FINISHED } else { msg::NOTE_IMPORT_FAILED }.to_string(),
        link: format!("/imports/{job_id}"),
    }
}

/// The notice of a dropout case's written report: the bureau and the township of the
/// child's village take the next measure ([S] 二(一)).
pub fn dropout_reported(case_id: i64, village_code: &str) -> Notice {
    Notice {
        kind: TaskKind::DropoutStepDue,
        critical: false,
        cause: format!("dropout:{case_id}:reported"),
        owner: Owner::Region { code: village_code.to_string() },
        text: shouhu_domain::msg::NOTE_DROPOUT_REPORTED.to_string(),
        link: format!("/dropout/{case_id}"),
    }
}

/// Values of a `Val` list for tests of the audience SQL.
#[cfg(test)]
fn texts(params: &[crate::db::Val]) -> Vec<String> {
    params
        .iter()
        .map(|v| match v {
            crate::db::Val::Text(s) => s.clone(),
            other => format!("{other:?}"),
        })
        .collect()
}

/// A joint meeting's task given to its owner (issue 20): the named person hears of it.
pub fn meeting_task_assigned(task_id: i64, owner: i64) -> Notice {
    use shouhu_domain::msg;
    Notice {
        kind: TaskKind::MeetingTaskDue,
        critical: false,
        cause: format!("meeting_task:{task_id}:assigned"),
        owner: Owner::User { id: owner },
        text: msg::NOTE_MEETING_TASK.to_string(),
        link: format!("/meeting-tasks/{task_id}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_report_reaches_police_stations_of_the_village_only() {
        let mut sql = Sql::new("");
        push_audience(&mut sql, TaskKind::ReportToAccept, &Owner::Region { code: "120114001001".into() });
        assert!(sql.text.contains("o.org_type NOT IN ($3, $4)"), "{}", sql.text);
        assert!(sql.text.contains("o.org_type IN ($5)"), "{}", sql.text);
        assert!(sql.text.contains("u.role IN ($6)"), "{}", sql.text);
        assert_eq!(texts(&sql.params)[1..], ["120114001001", "school", "kindergarten", "police_station", "police"]);
    }

    #[test]
    fn a_named_user_is_the_only_recipient() {
        let mut sql = Sql::new("");
        push_audience(&mut sql, TaskKind::VisitSentBack, &Owner::User { id: 7 });
        assert!(sql.text.ends_with("u.id = $2"), "{}", sql.text);
    }
}
