//! What stands between the public report page and a flood: a per-address limit and a
//! simple arithmetic question. Both are in memory (per instance): a restart forgets them,
//! which errs on the side of letting a report in.

use chrono::{DateTime, Duration, Utc};
use sha2::{Digest, Sha256};
use shouhu_domain::settings::{PublicReportSettings, Settings};
use std::collections::{HashMap, VecDeque};
use std::net::IpAddr;
use std::sync::Mutex;

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
    recent: Mutex<HashMap<IpAddr, VecDeque<DateTime<Utc>>>>,
    /// Document verifications per address (`documents.verify_per_address_per_hour`).
    verifications: Mutex<HashMap<IpAddr, VecDeque<DateTime<Utc>>>>,
    /// Questions already used, until they expire: by a report (with its retry key, so a
    /// retry of the same report passes), or by a wrong answer (no key).
    used: Mutex<HashMap<String, (i64, Option<String>)>>,
    settings: PublicReportSettings,
}

/// Used questions remembered at most (pruned of expired ones first); a flood beyond it
/// forgets the oldest, erring on the side of letting a report in.
const USED_MAX: usize = 200_000;

impl Default for PublicGuard {
    fn default() -> Self {
        let mut secret = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
        PublicGuard {
            secret,
            recent: Mutex::default(),
            verifications: Mutex::default(),
            used: Mutex::default(),
            settings: Settings::default().public_reports,
        }
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

    /// The guard with the settings document's limits.
    pub fn new(settings: PublicReportSettings) -> PublicGuard {
        PublicGuard { settings, ..PublicGuard::default() }
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

    /// Whether `answer` answers the question `token` was issued for, and the question is
    /// still unused (or used by this same report, `key` being its retry key). A wrong
    /// answer uses the question up: each question gets one guess (issue 21).
    pub fn check(&self, token: &str, answer: &str, key: Option<&str>, now: DateTime<Utc>) -> Result<(), CheckError> {
        let mut parts = token.splitn(3, '.');
        let (Some(expires), Some(nonce), Some(mac)) = (parts.next(), parts.next(), parts.next()) else {
            return Err(CheckError::Expired);
        };
        let expires: i64 = expires.parse().map_err(|_| CheckError::Expired)?;
        if now.timestamp() > expires {
            return Err(CheckError::Expired);
        }
        if let Ok(used) = self.used.lock()
            && let Some((_, by)) = used.get(token)
            && (by.is_none() || by.as_deref() != key)
        {
            return Err(CheckError::Expired);
        }
        let right = answer
            .trim()
            .parse::<u32>()
            .is_ok_and(|a| crate::auth::constant_time_eq(&self.sign(expires, nonce, a), mac));
        if right {
            Ok(())
        } else {
            self.mark_used(token, expires, None, now);
            Err(CheckError::Wrong)
        }
    }

    /// Marks the question `token` (answered right by [`PublicGuard::check`]) as used by the
    /// report with retry key `key`: one question, one report.
    pub fn redeem(&self, token: &str, key: Option<&str>, now: DateTime<Utc>) {
        let expires = token.split_once('.').and_then(|(e, _)| e.parse::<i64>().ok()).unwrap_or(0);
        self.mark_used(token, expires, key.filter(|k| !k.is_empty()).map(str::to_string), now);
    }

    fn mark_used(&self, token: &str, expires: i64, key: Option<String>, now: DateTime<Utc>) {
        let Ok(mut used) = self.used.lock() else { return };
        if used.len() >= USED_MAX {
            used.retain(|_, (e, _)| *e >= now.timestamp());
            if used.len() >= USED_MAX {
                let mut by_expiry: Vec<i64> = used.values().map(|(e, _)| *e).collect();
                by_expiry.sort_unstable();
                let median = by_expiry[by_expiry.len() / 2];
                used.retain(|_, (e, _)| *e > median);
            }
        }
        used.insert(token.to_string(), (expires, key));
    }

    /// Counts a report from `addr`; false when the address is over its limit (nothing is
    /// counted then).
    pub fn admit(&self, addr: IpAddr, now: DateTime<Utc>) -> bool {
        admit_in(&self.recent, addr, now, self.settings.per_address_per_hour)
    }

    /// Counts a document verification from `addr`; false when the address has had `limit`
    /// in the last hour (nothing is counted then).
    pub fn admit_verification(&self, addr: IpAddr, now: DateTime<Utc>, limit: u32) -> bool {
        admit_in(&self.verifications, addr, now, limit)
    }
}

/// The per-address window: at most `limit` in the last [`WINDOW`].
fn admit_in(
    map: &Mutex<HashMap<IpAddr, VecDeque<DateTime<Utc>>>>,
    addr: IpAddr,
    now: DateTime<Utc>,
    limit: u32,
) -> bool {
    let Ok(mut recent) = map.lock() else { return true };
    if recent.len() > 100_000 {
        // Bounded memory under a spray of addresses: forget the quiet ones.
        recent.retain(|_, q| q.back().is_some_and(|t| now - *t < WINDOW));
    }
    let q = recent.entry(addr).or_default();
    while q.front().is_some_and(|t| now - *t >= WINDOW) {
        q.pop_front();
    }
    if q.len() >= limit as usize {
        return false;
    }
    q.push_back(now);
    true
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
        assert_eq!(g.check(&c.token, &right.to_string(), None, now()), Ok(()));
        assert_eq!(g.check(&c.token, &right.to_string(), None, now()), Ok(()), "answered, not yet used");
        assert_eq!(g.check(&c.token, &(right + 1).to_string(), None, now()), Err(CheckError::Wrong));
        let c = g.challenge(now());
        assert_eq!(g.check(&c.token, "abc", None, now()), Err(CheckError::Wrong));
    }

    #[test]
    fn a_question_gets_one_guess_and_serves_one_report() {
        let g = PublicGuard::default();
        let c = g.challenge(now());
        let right = answer_of(&c.question);
        assert_eq!(g.check(&c.token, &(right + 1).to_string(), None, now()), Err(CheckError::Wrong));
        assert_eq!(g.check(&c.token, &right.to_string(), None, now()), Err(CheckError::Expired), "the guess is spent");

        let c = g.challenge(now());
        let right = answer_of(&c.question).to_string();
        g.redeem(&c.token, Some("key-1"), now());
        assert_eq!(g.check(&c.token, &right, Some("key-1"), now()), Ok(()), "a retry of the same report");
        assert_eq!(g.check(&c.token, &right, Some("key-2"), now()), Err(CheckError::Expired), "another report");
        assert_eq!(g.check(&c.token, &right, None, now()), Err(CheckError::Expired));
    }

    #[test]
    fn a_question_expires_and_a_forged_token_fails() {
        let g = PublicGuard::default();
        let c = g.challenge(now());
        let right = answer_of(&c.question).to_string();
        assert_eq!(
            g.check(
                &c.token,
                &right,
                None,
                now() + Settings::default().public_reports.question_valid + Duration::seconds(1)
            ),
            Err(CheckError::Expired)
        );
        let other = PublicGuard::default();
        assert_eq!(other.check(&c.token, &right, None, now()), Err(CheckError::Wrong));
    }

    #[test]
    fn an_address_is_limited_within_the_window_only() {
        let g = PublicGuard::default();
        let a: IpAddr = "10.0.0.1".parse().expect("ip");
        let b: IpAddr = "10.0.0.2".parse().expect("ip");
        for _ in 0..Settings::default().public_reports.per_address_per_hour {
            assert!(g.admit(a, now()));
        }
        assert!(!g.admit(a, now()));
        assert!(g.admit(b, now()), "another address is not affected");
        assert!(g.admit(a, now() + WINDOW), "the window moves on");
    }
}
