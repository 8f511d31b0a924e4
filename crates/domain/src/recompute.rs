//! What the passing of time changes in a file, and when the daily recompute runs
//! (decisions 120–124).
//!
//! A file's age, age band and left-behind category are derived from its birth date; the
//! category and the warnings are stored with the file when it is written (decision 11), so
//! that the ledger can filter by them. Age and band are computed when read (the ledger's
//! band filter is a birth-date range, [`crate::age::AgeBand::birth_range`]), so they never go
//! stale; the stored category and warnings do, on the day a child or a carer crosses one of
//! the law's ages. Those ages, every one that a rule of `rules.rs` reads:
//!
//! | age | rule | source |
//! |---|---|---|
//! | 8 | a child under 8 may not be left without care ([`crate::rules::unattended_breach`]) | [UPL] 21 |
//! | 16 | a child under 16 may not live alone ([`crate::rules::living_alone_breach`]) | [S] [13] [UPL] 21 |
//! | 16 | a left-behind child is under 16 ([`crate::rules::left_behind_category`]); so is "no guardian" from both parents away ([`crate::rules::no_guardian`]) | [13] |
//! | 18 | the entrusted carer is an adult ([`crate::rules::entrusted_guardian_is_minor`]) | [UPL] 22 |
//!
//! The bands' bounds (6, 14) are not stored anywhere, and 18 for the child ([`crate::age::is_minor`])
//! decides nothing stored. Every stored consequence of these ages ends as the age is
//! reached: time only ever takes a warning or the category away, never adds one. So a file
//! whose stored values hold nothing that its present age has ended cannot have changed, and
//! the recompute need not open it ([`may_have_changed`]).

use crate::age::{self, AgeRule};
use crate::child::Warning;
use crate::codes::Category;
use crate::error::FieldErrors;
use crate::{msg, validate};
use chrono::{DateTime, NaiveDate, Timelike, Utc};

/// The age from which a child is no longer left-behind: under 16 (不满十六周岁).
///
/// Source: [13]; `docs/domain.md` §1 (Left-behind child).
pub const LEFT_BEHIND_UNDER: u32 = 16;

/// Whether the stored category and warnings of a file may differ from what the rules say
/// today, given the child's age today (from the birth date, which is stored in the clear):
/// true when they hold a consequence of an age that has now been reached, or one that
/// depends on the carer's age (which is inside the sealed file).
///
/// Sources: the ages of the module's table, [UPL] 21, 22, [13]. Exact while time moves
/// forward under one age rule; after `age.rule` changes, every file is looked at (decision 121).
pub fn may_have_changed(age: Option<u32>, category: Category, warnings: &[Warning]) -> bool {
    let has = |w: Warning| warnings.contains(&w);
    // [UPL] 22: the carer's birth date is in the sealed file; while the warning stands, look.
    if has(Warning::EntrustedGuardianMinor) {
        return true;
    }
    let Some(age) = age else {
        return false;
    };
    // [UPL] 21: under 8 without care.
    if age::may_be_left_unattended(age) && has(Warning::Under8Unattended) {
        return true;
    }
    // [13], [UPL] 21: under 16. "No guardian" may stand on the census type alone (it stays)
    // or on both parents away (it ends with the category): only the file tells which.
    age >= LEFT_BEHIND_UNDER
        && (category != Category::NotLeftBehind || has(Warning::Under16LivingAlone) || has(Warning::NoGuardian))
}

/// Whether an open file awaits the township's decision because its child has reached 16:
/// close it ("年满十六周岁", `CloseReason::Turned16`) or keep it with a reason. A file kept
/// once is not asked about again.
///
/// Source: [13] (a left-behind child is 不满十六周岁); `docs/domain.md` §1. A file stays open
/// past 16 only by someone's decision: the law's care duties for the child are over, and a
/// file is kept only as long as its purpose needs (PIPL 19), but the township may know a
/// reason (a case still open, a disability, a sibling's file) to keep watching.
pub fn awaits_turned_16_decision(age: Option<u32>, open: bool, kept: bool) -> bool {
    open && !kept && age.is_some_and(|a| a >= LEFT_BEHIND_UNDER)
}

/// The day a child born on `birth` reaches 16 under `rule`: the day its file starts to
/// await the decision ([`awaits_turned_16_decision`]).
pub fn turns_16_on(birth: NaiveDate, rule: AgeRule) -> NaiveDate {
    age::reaches_age_on(birth, LEFT_BEHIND_UNDER, rule)
}

/// The latest birth date of a child who is 16 or over at `today`: the bound of the query
/// for files awaiting the decision.
pub fn latest_birth_16(today: NaiveDate, rule: AgeRule) -> NaiveDate {
    age::latest_birth_of_age(LEFT_BEHIND_UNDER, today, rule)
}

/// The reason given for keeping a file past 16: required (the decision must say why the file
/// stays open), at most 200 characters.
pub fn keep_reason(raw: &str) -> Result<String, FieldErrors> {
    let reason = raw.trim();
    let mut errs = FieldErrors::default();
    if reason.is_empty() {
        errs.add("reason", msg::TURNED_16_KEEP_REASON_REQUIRED);
    } else if reason.chars().count() > validate::SHORT_TEXT * 2 {
        errs.add("reason", msg::too_long(validate::SHORT_TEXT * 2));
    }
    errs.into_result(reason.to_string())
}

/// The day whose daily recompute is due at `now`, if any: today in China once the clock
/// there has reached `hour` o'clock, unless today's run has finished (`last_finished`).
/// A server that was down at the hour runs it when it comes back the same day; a day the
/// servers were down throughout is not made up (the next run recomputes everything the
/// missed day would have: [`may_have_changed`] does not depend on when the last run was).
pub fn due_day(now: DateTime<Utc>, hour: u32, last_finished: Option<NaiveDate>) -> Option<NaiveDate> {
    let local = now + chrono::Duration::hours(8);
    let today = local.date_naive();
    (local.hour() >= hour && last_finished != Some(today)).then_some(today)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn under_8_warning_is_looked_at_from_8() {
        let w = [Warning::Under8Unattended];
        assert!(!may_have_changed(Some(7), Category::NotLeftBehind, &w));
        assert!(may_have_changed(Some(8), Category::NotLeftBehind, &w));
    }

    #[test]
    fn category_and_under_16_warnings_are_looked_at_from_16() {
        for (cat, w) in [
            (Category::BothAway, vec![]),
            (Category::OneAwayOtherIncapable, vec![]),
            (Category::NotLeftBehind, vec![Warning::Under16LivingAlone]),
            (Category::NotLeftBehind, vec![Warning::NoGuardian]),
        ] {
            assert!(!may_have_changed(Some(15), cat, &w), "{cat:?} {w:?}");
            assert!(may_have_changed(Some(16), cat, &w), "{cat:?} {w:?}");
        }
        assert!(!may_have_changed(Some(16), Category::NotLeftBehind, &[Warning::EntrustedGuardianDisqualified]));
    }

    #[test]
    fn a_minor_carer_is_always_looked_at_and_no_birth_date_never() {
        assert!(may_have_changed(None, Category::NotLeftBehind, &[Warning::EntrustedGuardianMinor]));
        assert!(may_have_changed(Some(3), Category::BothAway, &[Warning::EntrustedGuardianMinor]));
        assert!(!may_have_changed(None, Category::NotLeftBehind, &[Warning::NoGuardian]));
    }

    #[test]
    fn turned_16_decision_from_the_day_16_is_reached() {
        assert!(!awaits_turned_16_decision(Some(15), true, false));
        assert!(awaits_turned_16_decision(Some(16), true, false));
        assert!(awaits_turned_16_decision(Some(17), true, false));
        assert!(!awaits_turned_16_decision(Some(16), false, false), "closed");
        assert!(!awaits_turned_16_decision(Some(16), true, true), "kept");
        assert!(!awaits_turned_16_decision(None, true, false), "no birth date");
        let birth = d(2010, 11, 29);
        assert_eq!(turns_16_on(birth, AgeRule::DayAfterBirthday), d(2026, 11, 30));
        assert_eq!(turns_16_on(birth, AgeRule::OnBirthday), d(2026, 11, 29));
        assert_eq!(latest_birth_16(d(2026, 11, 30), AgeRule::DayAfterBirthday), birth);
        assert_eq!(latest_birth_16(d(2026, 11, 29), AgeRule::DayAfterBirthday), d(2010, 11, 28));
    }

    #[test]
    fn keep_reason_is_required_and_short() {
        assert!(keep_reason("  ").is_err());
        assert_eq!(keep_reason(" 个案未结 ").expect("ok"), "个案未结");
        assert!(keep_reason(&"字".repeat(200)).is_ok());
        assert!(keep_reason(&"字".repeat(201)).is_err());
    }

    #[test]
    fn due_from_the_hour_in_china_once_a_day() {
        // 02:00 in China is 18:00 UTC the day before.
        let at = |h: u32, m: u32| Utc.with_ymd_and_hms(2026, 11, 28, h, m, 0).single().expect("valid");
        assert_eq!(due_day(at(17, 59), 2, None), None);
        assert_eq!(due_day(at(18, 0), 2, None), Some(d(2026, 11, 29)));
        assert_eq!(due_day(at(18, 0), 2, Some(d(2026, 11, 28))), Some(d(2026, 11, 29)));
        assert_eq!(due_day(at(18, 0), 2, Some(d(2026, 11, 29))), None);
        assert_eq!(due_day(at(15, 59), 0, Some(d(2026, 11, 28))), None, "23:59 in China: yesterday's done");
        assert_eq!(due_day(at(16, 0), 0, Some(d(2026, 11, 28))), Some(d(2026, 11, 29)));
    }
}
