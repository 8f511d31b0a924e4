//! Each user's daily allowances of what masking holds back (decision 212). Masking stops a
//! reader collecting ID and phone numbers in bulk; "显示完整号码" must not undo it one
//! number at a time, nor a search by whole ID numbers confirm a masked number one guess at a
//! time. Each is counted per user over 24 hours from the first, in the database, so that the
//! cap holds whichever servers the requests reach.

use crate::Store;
use crate::audit::Action;
use crate::error::StoreError;
use crate::users::Principal;
use chrono::{DateTime, Duration, Utc};
use shouhu_domain::settings::Settings;
use shouhu_domain::{clock, msg};

/// What a user has a daily allowance of.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Allowance {
    /// Numbers shown in full ("显示完整号码"): `limits.reveals_per_user_per_day`.
    Reveal,
    /// Searches by a whole ID number by a reader who sees ID numbers masked:
    /// `limits.id_searches_per_user_per_day`.
    MaskedIdSearch,
}

impl Allowance {
    fn code(self) -> &'static str {
        match self {
            Allowance::Reveal => "reveal",
            Allowance::MaskedIdSearch => "masked_id_search",
        }
    }

    /// What the user is told when it is used up, with the limit and until when.
    fn used_up(self, limit: i64, until: DateTime<Utc>) -> String {
        let until = clock::china_time(until);
        match self {
            Allowance::Reveal => msg::reveals_used_up(limit, &until),
            Allowance::MaskedIdSearch => msg::id_searches_used_up(limit, &until),
        }
    }

    /// What the audit entry of a refusal says.
    fn refused(self) -> &'static str {
        match self {
            Allowance::Reveal => msg::REVEAL_REFUSED_AT_LIMIT,
            Allowance::MaskedIdSearch => msg::ID_SEARCH_REFUSED_AT_LIMIT,
        }
    }

    /// How many a user has in 24 hours.
    pub fn per_day(self, s: &Settings) -> i64 {
        match self {
            Allowance::Reveal => s.limits.reveals_per_user_per_day,
            Allowance::MaskedIdSearch => s.limits.id_searches_per_user_per_day,
        }
    }
}

/// One user's 24 hours of one allowance: when they began and how much was used in them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Window {
    pub started_at: DateTime<Utc>,
    pub used: i64,
}

/// The window after one more use asked for at `now`: `Ok` with the use counted, or `Err`
/// with the time the window ends, when it is used up (and nothing is counted).
pub fn next(w: Window, limit: i64, now: DateTime<Utc>) -> Result<Window, DateTime<Utc>> {
    let w = if now - w.started_at >= Duration::days(1) { Window { started_at: now, used: 0 } } else { w };
    if w.used >= limit {
        return Err(w.started_at + Duration::days(1));
    }
    Ok(Window { used: w.used + 1, ..w })
}

impl Store {
    /// Spends one of `p`'s `what`, or refuses with until when (`StoreError::Limited`). A
    /// refusal goes into the audit log as any refusal does, under the refusals' hourly cap
    /// (`Store::note_refusal`), with `detail` (never a number) and the file it was about: a
    /// reader who reaches the limit is someone the oversight may want to ask.
    pub(crate) fn spend(
        &self,
        p: &Principal,
        what: Allowance,
        child: Option<(i64, &str)>,
        detail: &str,
    ) -> Result<(), StoreError> {
        let Err(until) = self.take_allowance(p.user_id, what)? else { return Ok(()) };
        if let Some(left_out) = self.note_refusal(p.user_id)? {
            let mut entry = format!("{detail}；{}", what.refused());
            if left_out > 0 {
                entry.push_str(&format!("；{}{left_out}", msg::REFUSALS_NOT_RECORDED));
            }
            self.audit_as(&p.actor(), Action::Refused, child, &entry)?;
        }
        Err(StoreError::Limited(what.used_up(what.per_day(&self.settings), until)))
    }

    /// Counts one use of `what` by `user` now, or says until when it is used up. One short
    /// transaction; on PostgreSQL the user's row is locked, so requests reaching several
    /// servers at once are each counted once.
    fn take_allowance(&self, user: i64, what: Allowance) -> Result<Result<(), DateTime<Utc>>, StoreError> {
        let now = self.now();
        let limit = what.per_day(&self.settings);
        self.pool.write(|c| {
            // A first use starts a window that `next` treats as over.
            c.exec(
                "INSERT INTO allowance_windows (user_id, what, started_at, used) VALUES ($1, $2, $3, 0) \
                 ON CONFLICT (user_id, what) DO NOTHING",
                &[user.into(), what.code().into(), (now - Duration::days(1)).into()],
            )?;
            let lock = if c.is_sqlite() { "" } else { " FOR UPDATE" };
            let w = c
                .query_opt(
                    &format!("SELECT started_at, used FROM allowance_windows WHERE user_id = $1 AND what = $2{lock}"),
                    &[user.into(), what.code().into()],
                    |r| Ok(Window { started_at: r.ts(0)?, used: r.i64(1)? }),
                )?
                .ok_or(StoreError::NotFound)?;
            let w = match next(w, limit, now) {
                Ok(w) => w,
                Err(until) => return Ok(Err(until)),
            };
            c.exec(
                "UPDATE allowance_windows SET started_at = $3, used = $4 WHERE user_id = $1 AND what = $2",
                &[user.into(), what.code().into(), w.started_at.into(), w.used.into()],
            )?;
            Ok(Ok(()))
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_day_holds_the_limit_and_the_next_day_starts_again() {
        let t0 = Utc.with_ymd_and_hms(2026, 12, 7, 1, 0, 0).unwrap();
        let mut w = Window { started_at: t0 - Duration::days(1), used: 0 };
        for i in 0..3 {
            w = next(w, 3, t0 + Duration::minutes(i)).expect("within the limit");
        }
        assert_eq!(w, Window { started_at: t0, used: 3 });
        let later = t0 + Duration::hours(23);
        assert_eq!(next(w, 3, later), Err(t0 + Duration::days(1)), "used up until a day after the first");
        assert_eq!(next(w, 3, t0 + Duration::days(1)), Ok(Window { started_at: t0 + Duration::days(1), used: 1 }));
    }
}
