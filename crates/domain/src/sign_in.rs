//! Signing in: how long a failed sign-in holds back the next attempt (decision 81).

use chrono::Duration;

/// The wait before the next sign-in attempt under one key (an account, a known device of an
/// account, or an address) after `failures` failed attempts within the settings' memory:
/// none for the first `free` failures, then `first`, doubling with every further failure,
/// never more than `max`. Never a lock: the right password always gets through once the wait
/// is over, and the owner's known device has a key of its own (issue 21: five wrong
/// passwords used to lock the duty desk's account for a quarter of an hour from anywhere).
///
/// [U] NIST SP 800-63B 5.2.2 (rate limiting: a wait that grows as failures accumulate,
/// trusted devices) and OWASP's "device cookies"; no Chinese text fixes the numbers, which
/// are settings (`sign_in.*`).
pub fn wait_after(failures: i64, free: i64, first: Duration, max: Duration) -> Duration {
    let beyond = failures - free;
    if beyond < 0 {
        return Duration::zero();
    }
    let doubled = first.num_seconds().max(0).saturating_mul(1_i64 << beyond.min(40));
    Duration::seconds(doubled).min(max)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn w(failures: i64) -> i64 {
        wait_after(failures, 5, Duration::seconds(15), Duration::minutes(15)).num_seconds()
    }

    #[test]
    fn free_failures_cost_nothing_then_the_wait_doubles_up_to_the_cap() {
        assert_eq!(w(0), 0);
        assert_eq!(w(4), 0);
        assert_eq!(w(5), 15);
        assert_eq!(w(6), 30);
        assert_eq!(w(7), 60);
        assert_eq!(w(10), 480);
        assert_eq!(w(11), 900, "capped");
        assert_eq!(w(50), 900);
        assert_eq!(w(i64::MAX), 900, "no overflow");
    }
}
