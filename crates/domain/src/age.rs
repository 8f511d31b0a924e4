//! Ages in full years (周岁), the statistics age bands, and the law's age thresholds.
//!
//! Sources: [M16] the 2016 census notice; [CC] the Civil Code; [UPL] the Minors Protection
//! Law (2020 revision); [13] 国发〔2016〕13号; [S] the Tianjin draft; [U] unconfirmed, and
//! therefore configurable.
//!
//! A child born on 29 February has its birthday on 28 February in common years: the
//! anniversary falls in the same month, and the child reaches each age no later than a
//! child born on 1 March of the same year. Under [`AgeRule::DayAfterBirthday`] such a
//! child therefore reaches a new age on 1 March in every year, leap or common.

use chrono::{Datelike, Days, NaiveDate};
use serde::{Deserialize, Serialize};

/// The day on which a new full year of age is reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
pub enum AgeRule {
    /// The day after the birthday [U]: the rule of the Supreme People's Court for criminal
    /// cases (法释〔2006〕1号 第二条: 周岁 "从周岁生日的第二天起算"), applied by analogy.
    #[default]
    DayAfterBirthday,
    /// On the birthday itself, as in everyday counting.
    OnBirthday,
}

/// The age in full years (周岁) at `at` of someone born on `birth`, under `rule`.
/// `None` if `at` is before `birth`.
///
/// Source: 周岁 counting, [U] for the day the year is reached (see [`AgeRule`]); a 29
/// February birthday falls on 28 February in common years (see the module documentation).
pub fn full_years(birth: NaiveDate, at: NaiveDate, rule: AgeRule) -> Option<u32> {
    if at < birth {
        return None;
    }
    // At most this many: the anniversary in `at`'s year may not be reached yet.
    let years = u32::try_from(at.year() - birth.year()).ok()?;
    if reaches_age_on(birth, years, rule) <= at {
        Some(years)
    } else {
        // The previous anniversary fell at the latest on 1 January of `at`'s year.
        Some(years.saturating_sub(1))
    }
}

/// The date on which someone born on `birth` reaches `years` full years under `rule`.
///
/// Age 0 is reached on the day of birth under both rules. A 29 February birthday falls on
/// 28 February in common years. Saturates at [`NaiveDate::MAX`] beyond chrono's range.
pub fn reaches_age_on(birth: NaiveDate, years: u32, rule: AgeRule) -> NaiveDate {
    if years == 0 {
        return birth;
    }
    let anniversary =
        i32::try_from(years).ok().and_then(|y| birth.year().checked_add(y)).and_then(|year| anniversary(birth, year));
    let Some(anniversary) = anniversary else {
        return NaiveDate::MAX;
    };
    match rule {
        AgeRule::OnBirthday => anniversary,
        AgeRule::DayAfterBirthday => anniversary.succ_opt().unwrap_or(NaiveDate::MAX),
    }
}

/// The birthday of someone born on `birth` in `year`: 29 February becomes 28 February in
/// a common year.
fn anniversary(birth: NaiveDate, year: i32) -> Option<NaiveDate> {
    NaiveDate::from_ymd_opt(year, birth.month(), birth.day())
        .or_else(|| (birth.month() == 2 && birth.day() == 29).then(|| NaiveDate::from_ymd_opt(year, 2, 28)).flatten())
}

/// The age bands of the statistics forms [M16]. Only children under 16 are counted
/// (left-behind children are those under 16 [13]), so the last band, labelled 14–16,
/// holds ages 14 and 15.
///
/// Serialised as its [`AgeBand::code`] (`"6_13"`), like the code lists of [`crate::codes`];
/// the snake_case variant names (`"from6_to13"`) are accepted when deserialising.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub enum AgeBand {
    #[serde(rename = "0_5", alias = "from0_to5")]
    From0To5,
    #[serde(rename = "6_13", alias = "from6_to13")]
    From6To13,
    #[serde(rename = "14_16", alias = "from14_to16")]
    From14To16,
}

impl AgeBand {
    pub const ALL: &'static [AgeBand] = &[AgeBand::From0To5, AgeBand::From6To13, AgeBand::From14To16];

    /// The stable code stored in the database and used in the API.
    pub fn code(self) -> &'static str {
        match self {
            AgeBand::From0To5 => "0_5",
            AgeBand::From6To13 => "6_13",
            AgeBand::From14To16 => "14_16",
        }
    }

    /// The Chinese label shown to users and accepted on import.
    pub fn label(self) -> &'static str {
        match self {
            AgeBand::From0To5 => "0–5岁",
            AgeBand::From6To13 => "6–13岁",
            AgeBand::From14To16 => "14–16岁",
        }
    }

    /// Parses a code or a label; in a label an ASCII hyphen or a `～`/`~` may stand for the
    /// en dash, and the trailing 岁 may be left out.
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim();
        let label = s.replace(['-', '~', '～', '—'], "–");
        let label = label.strip_suffix('岁').unwrap_or(&label);
        Self::ALL
            .iter()
            .copied()
            .find(|b| b.code() == s || b.label() == s || b.label().strip_suffix('岁') == Some(label))
    }

    /// The band of an age in full years [M16]: 0–5, 6–13, and 14–15 for the band labelled
    /// 14–16. `None` from 16 on, since a child of 16 is no longer left-behind [13].
    pub fn of_age(age: u32) -> Option<AgeBand> {
        match age {
            0..=5 => Some(AgeBand::From0To5),
            6..=13 => Some(AgeBand::From6To13),
            14..=15 => Some(AgeBand::From14To16),
            _ => None,
        }
    }

    /// The youngest and oldest ages in the band, inclusive.
    fn ages(self) -> (u32, u32) {
        match self {
            AgeBand::From0To5 => (0, 5),
            AgeBand::From6To13 => (6, 13),
            AgeBand::From14To16 => (14, 15),
        }
    }

    /// The birth dates that fall in this band at `at`: (earliest birth date inclusive,
    /// latest birth date inclusive), consistent with [`full_years`] under `rule` — used to
    /// turn a band filter into a birth-date range query.
    pub fn birth_range(self, at: NaiveDate, rule: AgeRule) -> (NaiveDate, NaiveDate) {
        let (youngest, oldest) = self.ages();
        // Born after the latest birth date that is `oldest + 1` at `at`.
        let earliest = latest_birth_of_age(oldest + 1, at, rule).succ_opt().unwrap_or(NaiveDate::MAX);
        (earliest, latest_birth_of_age(youngest, at, rule))
    }
}

impl std::fmt::Display for AgeBand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.label())
    }
}

/// The latest birth date of someone who is at least `years` old at `at` under `rule`,
/// that is the latest `b` with `reaches_age_on(b, years, rule) <= at`.
///
/// `reaches_age_on` does not decrease as the birth date increases, so the answer is found
/// by starting from the same day `years` years before `at` and moving a few days. Used to
/// turn "reached `years` at `at`" into a birth-date bound a query can use.
pub fn latest_birth_of_age(years: u32, at: NaiveDate, rule: AgeRule) -> NaiveDate {
    let start = i32::try_from(years).ok().and_then(|y| at.year().checked_sub(y)).and_then(|year| anniversary(at, year));
    let Some(mut b) = start else {
        return NaiveDate::MIN;
    };
    let reached = |b: NaiveDate| reaches_age_on(b, years, rule) <= at;
    while !reached(b) {
        match b.checked_sub_days(Days::new(1)) {
            Some(prev) => b = prev,
            None => return NaiveDate::MIN,
        }
    }
    while let Some(next) = b.succ_opt().filter(|&next| reached(next)) {
        b = next;
    }
    b
}

/// Whether someone of `age` full years is a minor: under 18.
///
/// Source: [CC] 17 (不满十八周岁的自然人为未成年人).
pub fn is_minor(age: u32) -> bool {
    age < 18
}

/// Whether a child of `age` full years may be left without anyone looking after them:
/// not under 8.
///
/// Source: [UPL] 21 (不得使未满八周岁……的未成年人处于无人看护状态). The same article
/// also protects older children who need special care for physical or mental reasons;
/// that part is not a matter of age and is not decided here.
pub fn may_be_left_unattended(age: u32) -> bool {
    age >= 8
}

/// Whether a child of `age` full years may live alone, away from guardianship: not under 16.
///
/// Sources: [S]; [13] (不得让不满十六周岁的儿童脱离监护单独居住生活); [UPL] 21
/// (不得使未满十六周岁的未成年人脱离监护单独生活).
pub fn may_live_alone(age: u32) -> bool {
    age >= 16
}

/// Whether someone of `age` full years may be entrusted with a child's care while the
/// parents are away: 18 or over.
///
/// Source: [UPL] 22 (应当委托具有照护能力的完全民事行为能力人代为照护). Only the age is
/// checked here: full civil capacity from 18 ([CC] 18); the other conditions of the article
/// (capacity to care, no disqualifying circumstances) are not a matter of age.
pub fn may_be_entrusted_carer(age: u32) -> bool {
    age >= 18
}

#[cfg(test)]
mod tests {
    use super::*;

    const RULES: [AgeRule; 2] = [AgeRule::DayAfterBirthday, AgeRule::OnBirthday];

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    #[test]
    fn default_rule_is_day_after_birthday() {
        assert_eq!(AgeRule::default(), AgeRule::DayAfterBirthday);
    }

    #[test]
    fn before_birth_is_none() {
        for rule in RULES {
            assert_eq!(full_years(d(2020, 5, 10), d(2020, 5, 9), rule), None);
            assert_eq!(full_years(d(2020, 5, 10), d(2019, 12, 31), rule), None);
        }
    }

    #[test]
    fn day_of_birth_is_age_zero() {
        for rule in RULES {
            assert_eq!(full_years(d(2020, 5, 10), d(2020, 5, 10), rule), Some(0));
            assert_eq!(reaches_age_on(d(2020, 5, 10), 0, rule), d(2020, 5, 10));
        }
    }

    #[test]
    fn day_after_birthday_rule() {
        let birth = d(2010, 5, 10);
        let rule = AgeRule::DayAfterBirthday;
        assert_eq!(full_years(birth, d(2026, 5, 9), rule), Some(15));
        assert_eq!(full_years(birth, d(2026, 5, 10), rule), Some(15));
        assert_eq!(full_years(birth, d(2026, 5, 11), rule), Some(16));
        assert_eq!(reaches_age_on(birth, 16, rule), d(2026, 5, 11));
    }

    #[test]
    fn on_birthday_rule() {
        let birth = d(2010, 5, 10);
        let rule = AgeRule::OnBirthday;
        assert_eq!(full_years(birth, d(2026, 5, 9), rule), Some(15));
        assert_eq!(full_years(birth, d(2026, 5, 10), rule), Some(16));
        assert_eq!(full_years(birth, d(2026, 5, 11), rule), Some(16));
        assert_eq!(reaches_age_on(birth, 16, rule), d(2026, 5, 10));
    }

    #[test]
    fn year_end_births() {
        let birth = d(2009, 12, 31);
        assert_eq!(full_years(birth, d(2025, 12, 31), AgeRule::DayAfterBirthday), Some(15));
        assert_eq!(full_years(birth, d(2026, 1, 1), AgeRule::DayAfterBirthday), Some(16));
        assert_eq!(full_years(birth, d(2025, 12, 31), AgeRule::OnBirthday), Some(16));
        assert_eq!(reaches_age_on(birth, 16, AgeRule::DayAfterBirthday), d(2026, 1, 1));
        let birth = d(2010, 1, 1);
        assert_eq!(full_years(birth, d(2025, 12, 31), AgeRule::OnBirthday), Some(15));
        assert_eq!(full_years(birth, d(2026, 1, 1), AgeRule::OnBirthday), Some(16));
        assert_eq!(full_years(birth, d(2026, 1, 1), AgeRule::DayAfterBirthday), Some(15));
        assert_eq!(full_years(birth, d(2026, 1, 2), AgeRule::DayAfterBirthday), Some(16));
    }

    #[test]
    fn leap_day_birth_in_common_year() {
        let birth = d(2012, 2, 29);
        // 2030 is a common year: the birthday is 28 February.
        let on = AgeRule::OnBirthday;
        assert_eq!(full_years(birth, d(2030, 2, 27), on), Some(17));
        assert_eq!(full_years(birth, d(2030, 2, 28), on), Some(18));
        assert_eq!(full_years(birth, d(2030, 3, 1), on), Some(18));
        assert_eq!(reaches_age_on(birth, 18, on), d(2030, 2, 28));
        let after = AgeRule::DayAfterBirthday;
        assert_eq!(full_years(birth, d(2030, 2, 28), after), Some(17));
        assert_eq!(full_years(birth, d(2030, 3, 1), after), Some(18));
        assert_eq!(reaches_age_on(birth, 18, after), d(2030, 3, 1));
    }

    #[test]
    fn leap_day_birth_in_leap_year() {
        let birth = d(2012, 2, 29);
        let on = AgeRule::OnBirthday;
        assert_eq!(full_years(birth, d(2028, 2, 28), on), Some(15));
        assert_eq!(full_years(birth, d(2028, 2, 29), on), Some(16));
        assert_eq!(reaches_age_on(birth, 16, on), d(2028, 2, 29));
        let after = AgeRule::DayAfterBirthday;
        assert_eq!(full_years(birth, d(2028, 2, 29), after), Some(15));
        assert_eq!(full_years(birth, d(2028, 3, 1), after), Some(16));
        assert_eq!(reaches_age_on(birth, 16, after), d(2028, 3, 1));
    }

    #[test]
    fn birth_on_28_february_of_a_leap_year() {
        let birth = d(2012, 2, 28);
        assert_eq!(full_years(birth, d(2028, 2, 28), AgeRule::OnBirthday), Some(16));
        assert_eq!(full_years(birth, d(2028, 2, 28), AgeRule::DayAfterBirthday), Some(15));
        assert_eq!(full_years(birth, d(2028, 2, 29), AgeRule::DayAfterBirthday), Some(16));
    }

    #[test]
    fn extreme_ages_saturate() {
        assert_eq!(reaches_age_on(d(2020, 1, 1), u32::MAX, AgeRule::OnBirthday), NaiveDate::MAX);
        assert!(full_years(NaiveDate::MIN, NaiveDate::MAX, AgeRule::OnBirthday).is_some());
    }

    #[test]
    fn reaches_age_on_agrees_with_full_years() {
        for rule in RULES {
            let mut birth = d(2007, 12, 25);
            while birth <= d(2013, 3, 5) {
                for years in [1, 6, 8, 14, 16, 18] {
                    let on = reaches_age_on(birth, years, rule);
                    let before = on.pred_opt().expect("in range");
                    assert_eq!(full_years(birth, on, rule), Some(years), "{birth} {years} {rule:?}");
                    assert_eq!(full_years(birth, before, rule), Some(years - 1), "{birth} {years} {rule:?}");
                }
                birth = birth.succ_opt().expect("in range");
            }
        }
    }

    #[test]
    fn thresholds() {
        assert!(is_minor(0) && is_minor(17) && !is_minor(18));
        assert!(!may_be_left_unattended(7) && may_be_left_unattended(8));
        assert!(!may_live_alone(15) && may_live_alone(16));
        assert!(!may_be_entrusted_carer(17) && may_be_entrusted_carer(18));
    }

    #[test]
    fn bands_of_ages() {
        assert_eq!(AgeBand::of_age(0), Some(AgeBand::From0To5));
        assert_eq!(AgeBand::of_age(5), Some(AgeBand::From0To5));
        assert_eq!(AgeBand::of_age(6), Some(AgeBand::From6To13));
        assert_eq!(AgeBand::of_age(13), Some(AgeBand::From6To13));
        assert_eq!(AgeBand::of_age(14), Some(AgeBand::From14To16));
        assert_eq!(AgeBand::of_age(15), Some(AgeBand::From14To16));
        assert_eq!(AgeBand::of_age(16), None);
        assert_eq!(AgeBand::of_age(u32::MAX), None);
    }

    #[test]
    fn band_codes_and_labels() {
        for &band in AgeBand::ALL {
            assert_eq!(AgeBand::parse(band.code()), Some(band));
            assert_eq!(AgeBand::parse(band.label()), Some(band));
            assert_eq!(band.to_string(), band.label());
        }
        assert_eq!(AgeBand::parse(" 6_13 "), Some(AgeBand::From6To13));
        assert_eq!(AgeBand::parse("14-16岁"), Some(AgeBand::From14To16));
        assert_eq!(AgeBand::parse("0～5岁"), Some(AgeBand::From0To5));
        assert_eq!(AgeBand::parse("6-13"), Some(AgeBand::From6To13));
        assert_eq!(AgeBand::parse("16_18"), None);
        assert_eq!(AgeBand::parse(""), None);
    }

    #[test]
    fn band_serde_names_are_the_codes() {
        use serde::de::IntoDeserializer;
        use serde::de::value::{Error, StrDeserializer};
        for &band in AgeBand::ALL {
            let de: StrDeserializer<'_, Error> = band.code().into_deserializer();
            assert_eq!(AgeBand::deserialize(de), Ok(band));
        }
        let de: StrDeserializer<'_, Error> = "from6_to13".into_deserializer();
        assert_eq!(AgeBand::deserialize(de), Ok(AgeBand::From6To13));
        let de: StrDeserializer<'_, Error> = "6-13".into_deserializer();
        assert!(AgeBand::deserialize(de).is_err());
    }

    /// Every birth date in a window around the band boundaries, at reference dates around
    /// 29 February and year ends, under both rules: the band of `full_years` is exactly
    /// membership in `birth_range`.
    #[test]
    fn birth_range_agrees_with_full_years() {
        let reference_dates = [
            d(2024, 2, 28),
            d(2024, 2, 29),
            d(2024, 3, 1),
            d(2025, 2, 28),
            d(2025, 3, 1),
            d(2026, 1, 1),
            d(2026, 6, 15),
            d(2026, 12, 31),
            d(2028, 2, 29),
        ];
        let mut checked = 0;
        for at in reference_dates {
            for rule in RULES {
                let ranges: Vec<_> = AgeBand::ALL.iter().map(|&b| (b, b.birth_range(at, rule))).collect();
                // From 17 years before `at` to a few days after it.
                let mut birth = d(at.year() - 17, 1, 1);
                let last = at.checked_add_days(Days::new(5)).expect("in range");
                while birth <= last {
                    let band = full_years(birth, at, rule).and_then(AgeBand::of_age);
                    for &(b, (earliest, latest)) in &ranges {
                        let inside = earliest <= birth && birth <= latest;
                        assert_eq!(
                            band == Some(b),
                            inside,
                            "birth {birth} at {at} {rule:?} band {b:?} range {earliest}..={latest}"
                        );
                    }
                    checked += 1;
                    birth = birth.succ_opt().expect("in range");
                }
            }
        }
        assert!(checked > 100_000, "{checked}");
    }

    #[test]
    fn birth_range_examples() {
        let at = d(2026, 6, 15);
        assert_eq!(AgeBand::From0To5.birth_range(at, AgeRule::OnBirthday), (d(2020, 6, 16), d(2026, 6, 15)));
        assert_eq!(AgeBand::From14To16.birth_range(at, AgeRule::OnBirthday), (d(2010, 6, 16), d(2012, 6, 15)));
        assert_eq!(AgeBand::From14To16.birth_range(at, AgeRule::DayAfterBirthday), (d(2010, 6, 15), d(2012, 6, 14)));
        // On 1 March of a common year, a 29 February birth has had its (28 February)
        // birthday under both rules.
        let at = d(2025, 3, 1);
        assert_eq!(AgeBand::From6To13.birth_range(at, AgeRule::DayAfterBirthday), (d(2011, 3, 1), d(2019, 2, 28)));
        assert_eq!(AgeBand::From6To13.birth_range(at, AgeRule::OnBirthday), (d(2011, 3, 2), d(2019, 3, 1)));
        let at = d(2024, 2, 29);
        assert_eq!(AgeBand::From6To13.birth_range(at, AgeRule::OnBirthday), (d(2010, 3, 1), d(2018, 2, 28)));
    }
}
