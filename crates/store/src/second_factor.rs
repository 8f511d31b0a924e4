//! Second factors (TOTP, RFC 6238), recovery codes and half-done sign-ins (decision 83).
//!
//! The TOTP secret is sealed with the data key (decision 213: the server must compute codes
//! from it, so it cannot be hashed, and a copy of the database must not give an attacker
//! the second factor of every officer); recovery codes and the half-done sign-in's token are
//! stored only as their SHA-256.

use crate::Store;
use crate::crypto::field;
use crate::error::StoreError;
use crate::users::{PRINCIPAL_COLUMNS, Principal, principal_from_row};
use chrono::{DateTime, Utc};

/// A user's second factor.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SecondFactor {
    /// Base32, as authenticator apps take it.
    pub secret: String,
    /// False while the user has not yet entered a first code.
    pub confirmed: bool,
    /// The last time step whose code was accepted: a code is never accepted twice.
    pub last_step: i64,
}

impl Store {
    /// The user's second factor, confirmed or being set up.
    pub fn second_factor(&self, user_id: i64) -> Result<Option<SecondFactor>, StoreError> {
        self.pool.read(|c| {
            c.query_opt(
                "SELECT secret, confirmed_at, last_step FROM second_factors WHERE user_id = $1",
                &[user_id.into()],
                |r| {
                    Ok(SecondFactor {
                        secret: self.cipher.open_text(field::TOTP_SECRET, r.text(0)?)?,
                        confirmed: r.opt_ts(1)?.is_some(),
                        last_step: r.i64(2)?,
                    })
                },
            )
        })
    }

    /// Whether the user has a confirmed second factor.
    pub fn has_second_factor(&self, user_id: i64) -> Result<bool, StoreError> {
        Ok(self.second_factor(user_id)?.is_some_and(|f| f.confirmed))
    }

    /// Starts setting up a second factor with `secret`, or returns the secret of the set-up
    /// already started (so that a reload shows the same code to scan). Refused once confirmed.
    pub fn start_enrolment(&self, user_id: i64, secret: &str) -> Result<String, StoreError> {
        let now = self.now();
        let sealed = self.cipher.ring().seal_text(field::TOTP_SECRET, secret);
        self.pool.write(|c| {
            c.exec(
                "INSERT INTO second_factors (user_id, secret, confirmed_at, last_step, created_at) \
                 VALUES ($1, $2, NULL, 0, $3) ON CONFLICT (user_id) DO NOTHING",
                &[user_id.into(), sealed.into(), now.into()],
            )?;
            let (secret, confirmed) = c
                .query_opt(
                    "SELECT secret, confirmed_at FROM second_factors WHERE user_id = $1",
                    &[user_id.into()],
                    |r| Ok((r.text(0)?, r.opt_ts(1)?.is_some())),
                )?
                .ok_or(StoreError::NotFound)?;
            if confirmed {
                return Err(StoreError::State(shouhu_domain::msg::SECOND_FACTOR_ALREADY));
            }
            self.cipher.open_text(field::TOTP_SECRET, secret)
        })
    }

    /// Confirms the set-up by the first code (of time step `step`) and replaces the user's
    /// recovery codes by `recovery_hashes`, in one transaction.
    pub fn confirm_second_factor(&self, user_id: i64, step: i64, recovery_hashes: &[String]) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            let n = c.exec(
                "UPDATE second_factors SET confirmed_at = $1, last_step = $2 WHERE user_id = $3 AND confirmed_at IS NULL",
                &[now.into(), step.into(), user_id.into()],
            )?;
            if n != 1 {
                return Err(StoreError::State(shouhu_domain::msg::SECOND_FACTOR_ALREADY));
            }
            c.exec("DELETE FROM recovery_codes WHERE user_id = $1", &[user_id.into()])?;
            for h in recovery_hashes {
                c.exec(
                    "INSERT INTO recovery_codes (user_id, code_hash, used_at) VALUES ($1, $2, NULL)",
                    &[user_id.into(), h.as_str().into()],
                )?;
            }
            Ok(())
        })
    }

    /// Accepts a code of time step `step` if no code of that step or a later one was
    /// accepted before (RFC 6238 5.2: a code is used once).
    pub fn use_code_step(&self, user_id: i64, step: i64) -> Result<bool, StoreError> {
        self.pool.write(|c| {
            Ok(c.exec(
                "UPDATE second_factors SET last_step = $1 \
                 WHERE user_id = $2 AND confirmed_at IS NOT NULL AND last_step < $1",
                &[step.into(), user_id.into()],
            )? == 1)
        })
    }

    /// Uses up a recovery code (by its hash); false if it is not the user's or was used.
    pub fn use_recovery_code(&self, user_id: i64, code_hash: &str) -> Result<bool, StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            Ok(c.exec(
                "UPDATE recovery_codes SET used_at = $1 WHERE user_id = $2 AND code_hash = $3 AND used_at IS NULL",
                &[now.into(), user_id.into(), code_hash.into()],
            )? >= 1)
        })
    }

    /// Recovery codes the user has left.
    pub fn recovery_codes_left(&self, user_id: i64) -> Result<i64, StoreError> {
        self.pool.read(|c| {
            Ok(c.query_opt(
                "SELECT count(*) FROM recovery_codes WHERE user_id = $1 AND used_at IS NULL",
                &[user_id.into()],
                |r| r.i64(0),
            )?
            .unwrap_or(0))
        })
    }

    /// Removes a user's second factor and recovery codes, and ends their sessions and
    /// half-done sign-ins: they set up a new one at their next sign-in. Not found if no such user.
    pub fn reset_second_factor(&self, user_id: i64) -> Result<(), StoreError> {
        self.pool.write(|c| {
            if c.query_opt("SELECT id FROM users WHERE id = $1", &[user_id.into()], |r| r.i64(0))?.is_none() {
                return Err(StoreError::NotFound);
            }
            for table in ["second_factors", "recovery_codes", "sessions", "pending_sign_ins"] {
                c.exec(&format!("DELETE FROM {table} WHERE user_id = $1"), &[user_id.into()])?;
            }
            Ok(())
        })
    }

    /// Records a sign-in whose password was right and whose second step is still to come.
    pub fn create_pending_sign_in(
        &self,
        token_hash: &str,
        user_id: i64,
        csrf_token: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            c.exec("DELETE FROM pending_sign_ins WHERE expires_at < $1", &[now.into()])?;
            c.exec(
                "INSERT INTO pending_sign_ins (token_hash, user_id, csrf_token, expires_at) VALUES ($1, $2, $3, $4)",
                &[token_hash.into(), user_id.into(), csrf_token.into(), expires_at.into()],
            )?;
            Ok(())
        })
    }

    /// The user and form token of a live half-done sign-in of an active user.
    pub fn pending_sign_in(&self, token_hash: &str) -> Result<Option<(Principal, String)>, StoreError> {
        let now = self.now();
        self.pool.read(|c| {
            c.query_opt(
                &format!(
                    "SELECT {PRINCIPAL_COLUMNS}, p.csrf_token FROM pending_sign_ins p \
                     JOIN users u ON u.id = p.user_id JOIN organisations o ON o.id = u.org_id \
                     WHERE p.token_hash = $1 AND p.expires_at > $2 AND u.active = $3"
                ),
                &[token_hash.into(), now.into(), true.into()],
                |r| Ok((principal_from_row(r)?, r.text(8)?)),
            )
        })
    }

    pub fn delete_pending_sign_in(&self, token_hash: &str) -> Result<(), StoreError> {
        self.pool
            .write(|c| c.exec("DELETE FROM pending_sign_ins WHERE token_hash = $1", &[token_hash.into()]).map(|_| ()))
    }
}
