//! Sign-in waits and known devices (decision 81).
//!
//! A sign-in attempt is counted as a failure under each of its keys (an account, a known
//! device, an address) when it starts, and withdrawn when it succeeds: a burst of parallel
//! guesses is counted as it arrives, not after the password hashes are compared.

use crate::Store;
use crate::db::Val;
use crate::error::StoreError;
use chrono::{DateTime, Utc};
use shouhu_domain::sign_in::wait_after;
use std::sync::Mutex;

/// Checking the waits and counting the attempt is one step per process (a transaction of
/// PostgreSQL's default isolation would let two attempts read the same count).
static ADMIT: Mutex<()> = Mutex::new(());

/// The same across servers on PostgreSQL: an advisory lock taken by the transaction
/// (decision 198). SQLite's write transaction is the lock there.
const ADMIT_LOCK: i64 = 7_243_198;

/// A key sign-in failures are counted under, with the failures it has for free.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ThrottleKey {
    pub key: String,
    pub free: i64,
}

/// What an attempt may do.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Admission {
    /// Go on; the attempt is counted (these failure rows) until it succeeds.
    Go(Vec<i64>),
    /// Refused unheard: no attempt before this time.
    WaitUntil(DateTime<Utc>),
}

impl Store {
    /// Lets an attempt in if none of its keys must wait, and counts it as a failure under
    /// each; otherwise says until when it must wait (and counts nothing).
    pub fn admit_sign_in(&self, keys: &[ThrottleKey]) -> Result<Admission, StoreError> {
        let s = self.settings.sign_in;
        let now = self.now();
        let since = now - s.failure_memory;
        let _one_at_a_time = ADMIT.lock().unwrap_or_else(std::sync::PoisonError::into_inner);
        self.pool.write(|c| {
            if !c.is_sqlite() {
                c.batch(&format!("SELECT pg_advisory_xact_lock({ADMIT_LOCK})"))?;
            }
            c.exec("DELETE FROM sign_in_failures WHERE at <= $1", &[Val::Ts(since)])?;
            let mut until: Option<DateTime<Utc>> = None;
            for k in keys {
                let (n, last) = c
                    .query_opt(
                        "SELECT count(*), max(at) FROM sign_in_failures WHERE key = $1 AND at > $2",
                        &[k.key.as_str().into(), Val::Ts(since)],
                        |r| Ok((r.i64(0)?, r.opt_ts(1)?)),
                    )?
                    .unwrap_or((0, None));
                if let Some(last) = last {
                    let free_at = last + wait_after(n, k.free, s.first_delay, s.max_delay);
                    if free_at > now && until.is_none_or(|u| free_at > u) {
                        until = Some(free_at);
                    }
                }
            }
            if let Some(u) = until {
                return Ok(Admission::WaitUntil(u));
            }
            let mut ids = Vec::with_capacity(keys.len());
            for k in keys {
                let id = c.query_opt(
                    "INSERT INTO sign_in_failures (key, at) VALUES ($1, $2) RETURNING id",
                    &[k.key.as_str().into(), now.into()],
                    |r| r.i64(0),
                )?;
                ids.extend(id);
            }
            Ok(Admission::Go(ids))
        })
    }

    /// An attempt succeeded: it is no failure, and `clear` (the account's or known device's
    /// key it proved itself under) starts afresh.
    pub fn sign_in_succeeded(&self, attempt: &[i64], clear: Option<&str>) -> Result<(), StoreError> {
        self.pool.write(|c| {
            for id in attempt {
                c.exec("DELETE FROM sign_in_failures WHERE id = $1", &[(*id).into()])?;
            }
            if let Some(key) = clear {
                c.exec("DELETE FROM sign_in_failures WHERE key = $1", &[key.into()])?;
            }
            Ok(())
        })
    }

    /// The known device whose cookie's hash is `token_hash`, if it is one of the active user
    /// `username`'s and has not expired.
    pub fn known_device(&self, token_hash: &str, username: &str) -> Result<Option<i64>, StoreError> {
        let now = self.now();
        self.pool.read(|c| {
            c.query_opt(
                "SELECT d.id FROM known_devices d JOIN users u ON u.id = d.user_id \
                 WHERE d.token_hash = $1 AND u.username = $2 AND u.active = $3 AND d.expires_at > $4",
                &[token_hash.into(), username.into(), true.into(), now.into()],
                |r| r.i64(0),
            )
        })
    }

    /// Remembers the browser of a good sign-in: `device` again for as long as the setting says,
    /// or a new one with `token_hash` (expired devices go then).
    pub fn remember_device(&self, device: Option<i64>, token_hash: &str, user_id: i64) -> Result<(), StoreError> {
        let now = self.now();
        let expires = now + self.settings.sign_in.known_device_ttl;
        self.pool.write(|c| {
            if let Some(id) = device {
                c.exec("UPDATE known_devices SET expires_at = $1 WHERE id = $2", &[expires.into(), id.into()])?;
                return Ok(());
            }
            c.exec("DELETE FROM known_devices WHERE expires_at <= $1", &[now.into()])?;
            c.exec(
                "INSERT INTO known_devices (token_hash, user_id, created_at, expires_at) VALUES ($1, $2, $3, $4)",
                &[token_hash.into(), user_id.into(), now.into(), expires.into()],
            )?;
            Ok(())
        })
    }
}
