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

/// China standard time (UTC+8, no daylight saving) of an instant. At the very ends of what
/// chrono can hold (a date typed as year -262143 or +262142) the instant as it is: a day
/// off there is harmless, an overflow would fail the request.
fn in_china(at: DateTime<Utc>) -> chrono::NaiveDateTime {
    let local = at.naive_utc();
    local.checked_add_signed(chrono::Duration::hours(8)).unwrap_or(local)
}

/// The date in China standard time (UTC+8, no daylight saving) of an instant.
pub fn china_date(at: DateTime<Utc>) -> NaiveDate {
    in_china(at).date()
}

/// An instant as people in China read it, to the minute (2026-11-29 12:00, UTC+8).
pub fn china_time(at: DateTime<Utc>) -> String {
    in_china(at).format("%Y-%m-%d %H:%M").to_string()
}

/// The same to the second (the audit log).
pub fn china_time_seconds(at: DateTime<Utc>) -> String {
    in_china(at).format("%Y-%m-%d %H:%M:%S").to_string()
}

/// The instant a day begins in China (00:00 UTC+8); as [`china_date`] at chrono's ends.
pub fn china_day_start(day: NaiveDate) -> DateTime<Utc> {
    let midnight = day.and_time(chrono::NaiveTime::MIN);
    midnight.checked_sub_signed(chrono::Duration::hours(8)).unwrap_or(midnight).and_utc()
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

    /// Dates typed into a query at the ends of what chrono holds do not overflow.
    #[test]
    fn the_ends_of_the_calendar_do_not_overflow() {
        assert_eq!(china_date(china_day_start(NaiveDate::MIN)), NaiveDate::MIN);
        assert_eq!(china_date(china_day_start(NaiveDate::MAX)), NaiveDate::MAX);
        assert!(!china_time(DateTime::<Utc>::MAX_UTC).is_empty());
        let day = NaiveDate::from_ymd_opt(2026, 12, 7).expect("day");
        assert_eq!(china_day_start(day).to_rfc3339(), "2026-12-06T16:00:00+00:00");
        assert_eq!(china_date(china_day_start(day)), day);
    }

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
