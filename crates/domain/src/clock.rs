//! Time is passed in, never read inside the domain, so deadlines are testable.

use chrono::{DateTime, NaiveDate, Utc};
use std::sync::Mutex;

/// The source of "now" for everything that depends on time.
pub trait Clock: Send + Sync + 'static {
    fn now(&self) -> DateTime<Utc>;

    /// Today's date in China (UTC+8), where every deadline and age is counted.
    fn today(&self) -> NaiveDate {
        china_date(self.now())
    }
}

/// The date in China standard time (UTC+8, no daylight saving) of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    (at + chrono::Duration::hours(8)).date_naive()
}

/// An instant as people in China read it, to the minute (2026-11-29 12:00, UTC+8).
pub fn china_time(at: DateTime<Utc>) -> String {
    (at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()
}

/// The same to the second (the audit log).
pub fn china_time_seconds(at: DateTime<Utc>) -> String {
    (at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The instant a day begins in China (00:00 UTC+8).
pub fn china_day_start(day: NaiveDate) -> DateTime<Utc> {
    day.and_time(chrono::NaiveTime::MIN).and_utc() - chrono::Duration::hours(8)
}

/// The real clock.
#[derive(Debug, Default, Clone, Copy)]
pub struct SystemClock;

impl Clock for SystemClock {
    fn now(&self) -> DateTime<Utc> {
        Utc::now()
    }
}

/// A clock that tests set and advance by hand.
#[derive(Debug)]
pub struct FixedClock(Mutex<DateTime<Utc>>);

impl FixedClock {
    pub fn new(at: DateTime<Utc>) -> Self {
        Self(Mutex::new(at))
    }

    pub fn set(&self, at: DateTime<Utc>) {
        *self.0.lock().unwrap_or_else(|e| e.into_inner()) = at;
    }

    pub fn advance(&self, by: chrono::Duration) {
        let mut t = self.0.lock().unwrap_or_else(|e| e.into_inner());
        *t += by;
    }
}

impl Clock for FixedClock {
    fn now(&self) -> DateTime<Utc> {
        *self.0.lock().unwrap_or_else(|e| e.into_inner())
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn china_date_rolls_over_at_16_utc() {
        let before = Utc.with_ymd_and_hms(2026, 1, 1, 15, 59, 59).single().expect("valid");
        let after = Utc.with_ymd_and_hms(2026, 1, 1, 16, 0, 0).single().expect("valid");
        assert_eq!(china_date(before), NaiveDate::from_ymd_opt(2026, 1, 1).expect("valid"));
        assert_eq!(china_date(after), NaiveDate::from_ymd_opt(2026, 1, 2).expect("valid"));
    }

    #[test]
    fn fixed_clock_advances() {
        let c = FixedClock::new(Utc.with_ymd_and_hms(2026, 1, 1, 0, 0, 0).single().expect("valid"));
        c.advance(chrono::Duration::days(2));
        assert_eq!(c.today(), NaiveDate::from_ymd_opt(2026, 1, 3).expect("valid"));
    }
}
