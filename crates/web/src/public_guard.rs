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
    settings: PublicReportSettings,
}

impl Default for PublicGuard {
    fn default() -> Self {
        let mut secret = [0u8; 32];
        rand::RngCore::fill_bytes(&mut rand::rng(), &mut secret);
        PublicGuard { secret, recent: Mutex::default(), settings: Settings::default().public_reports }
    }
}

impl PublicGuard {
    fn sign(&self, expires: i64, answer: u32) -> String {
        let mut h = Sha256::new();
        h.update(self.secret);
        h.update(format!("|{expires}|{answer}").as_bytes());
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
        Challenge {
            question: format!("{a} 加 {b} 等于几？"),
            token: format!("{expires}.{}", self.sign(expires, a + b)),
        }
    }

    /// Whether `answer` answers the question `token` was issued for.
    pub fn check(&self, token: &str, answer: &str, now: DateTime<Utc>) -> Result<(), CheckError> {
        let (expires, mac) = token.split_once('.').ok_or(CheckError::Expired)?;
        let expires: i64 = expires.parse().map_err(|_| CheckError::Expired)?;
        if now.timestamp() > expires {
            return Err(CheckError::Expired);
        }
        let answer: u32 = answer.trim().parse().map_err(|_| CheckError::Wrong)?;
        if crate::auth::constant_time_eq(&self.sign(expires, answer), mac) { Ok(()) } else { Err(CheckError::Wrong) }
    }

    /// Counts a report from `addr`; false when the address is over its limit (nothing is
    /// counted then).
    pub fn admit(&self, addr: IpAddr, now: DateTime<Utc>) -> bool {
        let Ok(mut recent) = self.recent.lock() else { return true };
        if recent.len() > 100_000 {
            // Bounded memory under a spray of addresses: forget the quiet ones.
            recent.retain(|_, q| q.back().is_some_and(|t| now - *t < WINDOW));
        }
        let q = recent.entry(addr).or_default();
        while q.front().is_some_and(|t| now - *t >= WINDOW) {
            q.pop_front();
        }
        if q.len() >= self.settings.per_address_per_hour as usize {
            return false;
        }
        q.push_back(now);
        true
    }
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
        assert_eq!(g.check(&c.token, &right.to_string(), now()), Ok(()));
        assert_eq!(g.check(&c.token, &(right + 1).to_string(), now()), Err(CheckError::Wrong));
        assert_eq!(g.check(&c.token, "abc", now()), Err(CheckError::Wrong));
    }

    #[test]
    fn a_question_expires_and_a_forged_token_fails() {
        let g = PublicGuard::default();
        let c = g.challenge(now());
        let right = answer_of(&c.question).to_string();
        assert_eq!(
            g.check(&c.token, &right, now() + Settings::default().public_reports.question_valid + Duration::seconds(1)),
            Err(CheckError::Expired)
        );
        let other = PublicGuard::default();
        assert_eq!(other.check(&c.token, &right, now()), Err(CheckError::Wrong));
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
