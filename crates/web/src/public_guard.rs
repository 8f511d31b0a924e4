//! What stands between the public report page and a flood: a per-address limit and a
//! simple arithmetic question. Any server of one database answers alike (issue 23, decision
//! 198): the question is signed with a key derived from the audit key, which every server
//! holds, and the per-address counts and the used questions are in the database
//! (`shouhu_store::public_guard`). A database error errs on the side of letting a report in.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use shouhu_domain::settings::{PublicReportSettings, Settings};
use shouhu_store::Store;
use std::net::IpAddr;

/// The window of the per-address limit (the setting counts reports per hour).
pub const WINDOW: Duration = Duration::hours(1);

/// A question and the token that proves which question it was.
#[derive(Debug, Clone, serde::Serialize, utoipa::ToSchema)]
pub struct Challenge {
    /// E.g. "3 加 4 等于几？"
    pub question: String,
    /// Sent back with the answer.
    pub token: String,
}

#[derive(Debug, PartialEq, Eq)]
pub enum CheckError {
    Wrong,
    Expired,
}

pub struct PublicGuard {
    secret: [u8; 32],
    settings: PublicReportSettings,
}

impl Default for PublicGuard {
    /// A guard with a random key (tests): its questions are its own.
    fn default() -> Self {
        let mut secret = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
        PublicGuard { secret, settings: Settings::default().public_reports }
    }
}

impl PublicGuard {
    /// The token's signature over its expiry, its nonce (so that two questions with the same
    /// answer are two tokens, each used once) and the answer.
    fn sign(&self, expires: i64, nonce: &str, answer: u32) -> String {
        let mut h = Sha256::new();
        h.update(self.secret);
        h.update(format!("|{expires}|{nonce}|{answer}").as_bytes());
        hex::encode(h.finalize())
    }

    /// The guard with the settings document's limits and the key every server of the
    /// database derives alike (`secret`, from the audit key).
    pub fn new(settings: PublicReportSettings, secret: [u8; 32]) -> PublicGuard {
        PublicGuard { settings, secret }
    }

    /// A new question, valid until `now` plus the setting `public_reports.question_valid_minutes`.
    pub fn challenge(&self, now: DateTime<Utc>) -> Challenge {
        use rand::Rng;
        let mut rng = rand::rng();
        let (a, b) = (rng.random_range(1..10u32), rng.random_range(1..10u32));
        let expires = (now + self.settings.question_valid).timestamp();
        let nonce = crate::auth::random_token()[..16].to_string();
        Challenge {
            question: format!("{a} 加 {b} 等于几？"),
            token: format!("{expires}.{nonce}.{}", self.sign(expires, &nonce, a + b)),
        }
    }

    /// Whether `answer` answers the question `token` was issued for and the question has not
    /// expired: its expiry (Unix seconds) if so. Reads nothing.
    pub fn verify(&self, token: &str, answer: &str, now: DateTime<Utc>) -> Result<i64, CheckError> {
        let mut parts = token.splitn(3, '.');
        let (Some(expires), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CheckError::Expired);
        };
        let expires: i64 = expires.parse().map_err(|_| CheckError::Expired)?;
        if now.timestamp() > expires {
            return Err(CheckError::Expired);
        }
        let right = answer
            .trim()
            .parse::<u32>()
            .is_ok_and(|a| crate::auth::constant_time_eq(&self.sign(expires, nonce, a), mac));
        if right { Ok(expires) } else { Err(CheckError::Wrong) }
    }

    /// [`PublicGuard::verify`], and the question still unused (or used by this same report,
    /// `key` being its retry key). A wrong answer uses the question up: each question gets
    /// one guess (issue 21). Blocks on the database.
    pub fn check(
        &self,
        store: &Store,
        token: &str,
        answer: &str,
        key: Option<&str>,
        now: DateTime<Utc>,
    ) -> Result<(), CheckError> {
        if token.splitn(3, '.').nth(2).is_none() {
            return Err(CheckError::Expired);
        }
        match store.guard_used(token) {
            Ok(Some(by)) if by.is_none() || by.as_deref() != key => return Err(CheckError::Expired),
            Ok(_) => {}
            Err(e) => tracing::warn!(error = %e, "reading used questions; letting the answer be checked"),
        }
        match self.verify(token, answer, now) {
            Err(CheckError::Wrong) => {
                let expires = token.split_once('.').and_then(|(e, _)| e.parse::<i64>().ok()).unwrap_or(0);
                if let Err(e) = store.guard_mark_used(token, expires, None) {
                    tracing::warn!(error = %e, "marking a question used");
                }
                Err(CheckError::Wrong)
            }
            other => other.map(|_| ()),
        }
    }

    /// Marks the question `token` (answered right by [`PublicGuard::check`]) as used by the
    /// report with retry key `key`: one question, one report. Blocks on the database.
    pub fn redeem(&self, store: &Store, token: &str, key: Option<&str>) {
        let expires = token.split_once('.').and_then(|(e, _)| e.parse::<i64>().ok()).unwrap_or(0);
        if let Err(e) = store.guard_mark_used(token, expires, key.filter(|k| !k.is_empty())) {
            tracing::warn!(error = %e, "marking a question used");
        }
    }

    /// Counts a report from `addr`; false when the address is over its limit (nothing is
    /// counted then). Blocks on the database.
    pub fn admit(&self, store: &Store, addr: IpAddr) -> bool {
        admit_in(store, "report", addr, self.settings.per_address_per_hour)
    }

    /// Counts a document verification from `addr`; false when the address has had `limit`
    /// in the last hour (nothing is counted then). Blocks on the database.
    pub fn admit_verification(&self, store: &Store, addr: IpAddr, limit: u32) -> bool {
        admit_in(store, "verify", addr, limit)
    }
}

/// The per-address window: at most `limit` in the last [`WINDOW`], counted in the database.
fn admit_in(store: &Store, kind: &str, addr: IpAddr, limit: u32) -> bool {
    store.guard_admit(kind, &addr.to_string(), limit, WINDOW).unwrap_or_else(|e| {
        tracing::warn!(error = %e, "counting a public request; letting it in");
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).single().expect("valid")
    }

    fn answer_of(q: &str) -> u32 {
        let nums: Vec<u32> = q.split(|c: char| !c.is_ascii_digit()).filter_map(|s| s.parse().ok()).collect();
        nums.iter().sum()
    }

    #[test]
    fn the_right_answer_passes_and_a_wrong_one_does_not() {
        let g = PublicGuard::default();
        let c = g.challenge(now());
        let right = answer_of(&c.question);
        assert!(g.verify(&c.token, &right.to_string(), now()).is_ok());
        assert_eq!(g.verify(&c.token, &(right + 1).to_string(), now()), Err(CheckError::Wrong));
        let c = g.challenge(now());
        assert_eq!(g.verify(&c.token, "abc", now()), Err(CheckError::Wrong));
    }

    #[test]
    fn servers_with_the_same_key_accept_each_others_questions() {
        let (a, b) = (
            PublicGuard::new(Settings::default().public_reports, [7; 32]),
            PublicGuard::new(Settings::default().public_reports, [7; 32]),
        );
        let c = a.challenge(now());
        assert!(b.verify(&c.token, &answer_of(&c.question).to_string(), now()).is_ok());
    }

    #[test]
    fn a_question_expires_and_a_forged_token_fails() {
        let g = PublicGuard::default();
        let c = g.challenge(now());
        let right = answer_of(&c.question).to_string();
        assert_eq!(
            g.verify(
                &c.token,
                &right,
                now() + Settings::default().public_reports.question_valid + Duration::seconds(1)
            ),
            Err(CheckError::Expired)
        );
        let other = PublicGuard::default();
        assert_eq!(other.verify(&c.token, &right, now()), Err(CheckError::Wrong));
    }
}
