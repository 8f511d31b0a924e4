//! What the public guards share across servers (issue 23, decision 198): the per-address
//! counts of public reports and document verifications, and the questions already used.
//! The question's signature needs no table: its key is derived from the audit key, which
//! every server of one database holds (`shouhu_web::public_guard`).

use crate::Store;
use crate::error::StoreError;
use chrono::Duration;

/// The lock (with the address's hash) that makes counting and checking one step across
/// servers on PostgreSQL; SQLite's write transaction is the lock there.
const HITS_LOCK: i32 = 7_243_199;

impl Store {
    /// Counts a hit of `kind` (`report`, `verify`) from `addr` unless it already had `limit`
    /// within `window`; true if counted.
    pub fn guard_admit(&self, kind: &str, addr: &str, limit: u32, window: Duration) -> Result<bool, StoreError> {
        let now = self.now();
        let since = now - window;
        self.pool.write(|c| {
            if !c.is_sqlite() {
                c.exec(&format!("SELECT pg_advisory_xact_lock({HITS_LOCK}, hashtext($1))"), &[addr.into()])?;
            }
            c.exec("DELETE FROM guard_hits WHERE at <= $1", &[since.into()])?;
            let n = c
                .query_opt(
                    "SELECT count(*) FROM guard_hits WHERE kind = $1 AND addr = $2 AND at > $3",
                    &[kind.into(), addr.into(), since.into()],
                    |r| r.i64(0),
                )?
                .unwrap_or(0);
            if n >= i64::from(limit) {
                return Ok(false);
            }
            c.exec(
                "INSERT INTO guard_hits (kind, addr, at) VALUES ($1, $2, $3)",
                &[kind.into(), addr.into(), now.into()],
            )?;
            Ok(true)
        })
    }

    /// Whether the question `token` was used, and by which report's retry key (`None`: by a
    /// wrong answer).
    pub fn guard_used(&self, token: &str) -> Result<Option<Option<String>>, StoreError> {
        self.pool.read(|c| {
            c.query_opt("SELECT retry_key FROM guard_used WHERE token = $1", &[token.into()], |r| r.opt_text(0))
        })
    }

    /// Marks the question `token` (valid until `expires`, Unix seconds) used by the report
    /// with retry key `key`, or by a wrong answer; the first use stands. Expired ones go.
    pub fn guard_mark_used(&self, token: &str, expires: i64, key: Option<&str>) -> Result<(), StoreError> {
        let now = self.now().timestamp();
        self.pool.write(|c| {
            c.exec("DELETE FROM guard_used WHERE expires < $1", &[now.into()])?;
            c.exec(
                "INSERT INTO guard_used (token, expires, retry_key) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING",
                &[token.into(), expires.into(), key.into()],
            )
            .map(|_| ())
        })
    }
}
