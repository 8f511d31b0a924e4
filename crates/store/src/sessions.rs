//! Server-side sessions and API tokens. Tokens are stored hashed: a copy
//! of the database does not let anyone sign in.

use crate::Store;
use crate::error::StoreError;
use crate::users::{PRINCIPAL_COLUMNS, Principal, principal_from_row};
use chrono::{DateTime, Utc};

/// Whether the user `u` has a confirmed second factor, read with the session or token
/// itself: one query per request instead of two.
const HAS_SECOND_FACTOR: &str =
    "EXISTS (SELECT 1 FROM second_factors f WHERE f.user_id = u.id AND f.confirmed_at IS NOT NULL)";

/// Whether the holder of a session or token may act: a role that needs a second factor is
/// nobody without a confirmed one (decision 83).
fn may_act(p: &Principal, has_second_factor: bool) -> bool {
    has_second_factor || !p.role.needs_second_factor()
}

impl Store {
    pub fn create_session(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            // Expired sessions go whenever a new one starts, so the table stays small.
            c.exec("DELETE FROM sessions WHERE expires_at < $1", &[now.into()])?;
            c.exec(
                "INSERT INTO sessions (token_hash, user_id, csrf_token, created_at, expires_at) VALUES ($1, $2, $3, $4, $5)",
                &[token_hash.into(), user_id.into(), csrf_token.into(), now.into(), expires_at.into()],
            )?;
            Ok(())
        })
    }

    /// The user and CSRF token of a live session of an active user: neither expired nor
    /// unused for the idle setting's minutes (issue 21; its last use is noted here); and the
    /// WAL position of the user's last write, for reads from a replica (decision 201).
    /// A user whose role needs a second factor and has none confirmed is nobody (decision 83).
    pub fn session(&self, token_hash: &str) -> Result<Option<(Principal, String, Option<i64>)>, StoreError> {
        let now = self.now();
        let idle_since = now - self.settings.sign_in.idle_timeout;
        let found = self.lookups.read(|c| {
            c.query_opt(
                &format!(
                    "SELECT {PRINCIPAL_COLUMNS}, s.csrf_token, COALESCE(s.last_seen_at, s.created_at), u.written_lsn, \
                     {HAS_SECOND_FACTOR} FROM sessions s \
                     JOIN users u ON u.id = s.user_id JOIN organisations o ON o.id = u.org_id \
                     WHERE s.token_hash = $1 AND s.expires_at > $2 AND u.active = $3 \
                     AND COALESCE(s.last_seen_at, s.created_at) > $4"
                ),
                &[token_hash.into(), now.into(), true.into(), idle_since.into()],
                |r| Ok((principal_from_row(r)?, r.text(8)?, r.ts(9)?, r.opt_i64(10)?, r.bool(11)?)),
            )
        })?;
        Ok(match found {
            Some((p, csrf, seen, written, second)) if may_act(&p, second) => {
                if crate::accounts::seen_long_ago(seen, now) {
                    self.touch_session(token_hash)?;
                }
                Some((p, csrf, written))
            }
            _ => None,
        })
    }

    pub fn delete_session(&self, token_hash: &str) -> Result<(), StoreError> {
        self.pool.write(|c| c.exec("DELETE FROM sessions WHERE token_hash = $1", &[token_hash.into()]).map(|_| ()))
    }

    /// The user of a live API token (not revoked, not expired: `accounts::live_token`), and
    /// the WAL position of the user's last write (decision 201). As for a session, a role that
    /// needs a second factor without one confirmed is nobody.
    pub fn api_token(&self, token_hash: &str) -> Result<Option<(Principal, Option<i64>)>, StoreError> {
        let now = self.now();
        let oldest = now - self.settings.accounts.api_token_ttl;
        let found = self.lookups.read(|c| {
            c.query_opt(
                &format!(
                    "SELECT {PRINCIPAL_COLUMNS}, u.written_lsn, {HAS_SECOND_FACTOR} FROM api_tokens t \
                     JOIN users u ON u.id = t.user_id JOIN organisations o ON o.id = u.org_id \
                     WHERE t.token_hash = $1 AND u.active = $2 AND {}",
                    crate::accounts::live_token(3)
                ),
                &[token_hash.into(), true.into(), now.into(), oldest.into()],
                |r| Ok((principal_from_row(r)?, r.opt_i64(8)?, r.bool(9)?)),
            )
        })?;
        Ok(found.filter(|(p, _, second)| may_act(p, *second)).map(|(p, written, _)| (p, written)))
    }
}
