//! Census rounds (摸底排查轮次, issue 20): the city opens a round, each township compiles its
//! villages' figures and signs its return off, the district reviews each township's return
//! and submits the district's, the city accepts each district's.
//!
//! Sources: [S] 三(一) (市民政局……对行政区域内农村留守儿童进行一次全面、系统、深入摸底排查;
//! 乡镇人民政府（街道办事处）要建立……信息台账); the census form of [M16] (the summary form
//! 汇总表, its sign-offs 单位负责人、审核人、填表人、填报日期 and its 勾稽关系). Who reviews whom
//! follows the administrative ladder of [S] 四(一) (区县 organise, 市民政局 leads).
//!
//! A return is one unit's (a township's or a district's) for one round. Its states, and the
//! events that move it, are the rules below; the store applies them in one transaction with
//! the frozen figures.

use crate::error::FieldErrors;
use crate::msg;
use crate::region::Level;
use crate::role::Role;
use crate::validate::{self, SHORT_TEXT};
use chrono::{DateTime, Duration, NaiveDate, Utc};

crate::codes::code_list! {
    /// Where a return stands: pending (the township compiles; the district waits for its
    /// townships), signed off by its unit (frozen, waiting for the level above), sent back by
    /// the level above with a reason (the unit signs off again), accepted (final).
    ReturnState {
        Pending = "pending", "待签报";
        SignedOff = "signed_off", "已签报待审核";
        SentBack = "sent_back", "已退回";
        Accepted = "accepted", "已审核通过";
    }
}

crate::codes::code_list! {
    /// What happens to a return (its history).
    ReturnEvent {
        SignOff = "sign_off", "签报";
        Accept = "accept", "审核通过";
        SendBack = "send_back", "退回";
    }
}

/// The census form's sign-offs ([M16] 汇总表 表尾): who answers for the figures.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct SignOffs {
    /// 单位负责人.
    #[serde(default)]
    pub unit_head: String,
    /// 审核人.
    #[serde(default)]
    pub reviewer: String,
    /// 填表人.
    #[serde(default)]
    pub filler: String,
    /// 填报日期.
    #[serde(default, with = "crate::iso_date")]
    #[cfg_attr(feature = "openapi", schema(value_type = Option<String>, format = Date))]
    pub signed_on: Option<NaiveDate>,
}

/// The level that compiles a return: townships compile their villages' rows, districts
/// their townships' (accepted) returns. Only these two levels return figures.
pub fn returns_figures(level: Level) -> bool {
    matches!(level, Level::Township | Level::District)
}

/// [S] 三(一): the census is organised by the city's civil affairs (市民政局……联合……摸底排查):
/// only the city officer opens a round.
pub fn may_open_round(role: Role) -> bool {
    role == Role::CityOfficer
}

/// Who sees rounds at all: civil affairs of the city and districts and the townships' staff,
/// the three levels the returns pass through ([S] 三(一)). Everyone else sees none (404).
pub fn sees_rounds(role: Role) -> bool {
    matches!(role, Role::CityOfficer | Role::DistrictOfficer | Role::TownshipStaff)
}

/// [S] 三(一), [M16]: a round is named (2027年上半年), has a reference date (标准时点) and a
/// deadline for the returns, not before the reference date. The name and both dates are
/// required.
pub fn check_round(name: &str, reference_date: Option<NaiveDate>, deadline: Option<NaiveDate>) -> FieldErrors {
    let mut errs = FieldErrors::default();
    let mut n = name.to_string();
    validate::required_text(&mut errs, "name", &mut n, SHORT_TEXT);
    if reference_date.is_none() {
        errs.add("reference_date", msg::REQUIRED);
    }
    match deadline {
        None => errs.add("deadline", msg::REQUIRED),
        Some(d) if reference_date.is_some_and(|r| d < r) => errs.add("deadline", msg::ROUNDS_DEADLINE_BEFORE_REFERENCE),
        _ => {}
    }
    errs
}

/// [M16] 汇总表 表尾: a return is signed off by its unit head, its reviewer and its form
/// filler, by name, on a date that is not in the future. Names are trimmed; every field is
/// required.
pub fn check_sign_offs(s: &mut SignOffs, today: NaiveDate) -> FieldErrors {
    let mut errs = FieldErrors::default();
    for (field, v) in [("unit_head", &mut s.unit_head), ("reviewer", &mut s.reviewer), ("filler", &mut s.filler)] {
        validate::required_text(&mut errs, field, v, SHORT_TEXT);
        if errs.get(field).is_none() && v.chars().any(validate::refused_in_name) {
            errs.add(field, msg::NAME_CHARS);
        }
    }
    match s.signed_on {
        None => errs.add("signed_on", msg::REQUIRED),
        Some(d) if d > today => errs.add("signed_on", msg::DATE_IN_FUTURE),
        _ => {}
    }
    errs
}

/// A return sent back says why ([S] 四(一) 督促、检查: the level above names what to correct).
pub fn check_send_back_reason(reason: &str) -> FieldErrors {
    let mut errs = FieldErrors::default();
    let mut r = reason.to_string();
    validate::required_text(&mut errs, "reason", &mut r, validate::LONG_TEXT);
    errs
}

/// [S] 三(一) 乡镇人民政府（街道办事处）建立台账: a township's return is signed off by the
/// township's staff; a district's by the district's civil affairs officer, who compiles it
/// from its townships.
pub fn signs_off(role: Role, level: Level) -> bool {
    matches!((role, level), (Role::TownshipStaff, Level::Township) | (Role::DistrictOfficer, Level::District))
}

/// The level above reviews: the district its townships' returns, the city its districts'.
pub fn reviews(role: Role, level: Level) -> bool {
    matches!((role, level), (Role::DistrictOfficer, Level::Township) | (Role::CityOfficer, Level::District))
}

/// The census form: a return is signed off while it is pending or after it was sent back;
/// once signed off it is frozen until the level above accepts it or sends it back.
pub fn sign_off(state: ReturnState) -> Result<ReturnState, &'static str> {
    match state {
        ReturnState::Pending | ReturnState::SentBack => Ok(ReturnState::SignedOff),
        ReturnState::SignedOff => Err(msg::ROUNDS_ALREADY_SIGNED_OFF),
        ReturnState::Accepted => Err(msg::ROUNDS_ALREADY_ACCEPTED),
    }
}

/// The level above accepts (审核通过) a return signed off and waiting for it. A district may
/// review its townships only while its own return is still open (pending or sent back): once
/// submitted to the city, the townships' figures are the district's.
pub fn accept(state: ReturnState, parent: Option<ReturnState>) -> Result<ReturnState, &'static str> {
    parent_open(parent)?;
    match state {
        ReturnState::SignedOff => Ok(ReturnState::Accepted),
        ReturnState::Accepted => Err(msg::ROUNDS_ALREADY_ACCEPTED),
        ReturnState::Pending | ReturnState::SentBack => Err(msg::ROUNDS_NOT_SIGNED_OFF),
    }
}

/// The level above sends a return back with a reason: one signed off and waiting; and a
/// district may also send back a township it had accepted, while the district's own return
/// is open (after the city sent the district's back, to correct a township's figures). The
/// city's acceptance of a district is final.
pub fn send_back(level: Level, state: ReturnState, parent: Option<ReturnState>) -> Result<ReturnState, &'static str> {
    parent_open(parent)?;
    match (level, state) {
        (_, ReturnState::SignedOff) | (Level::Township, ReturnState::Accepted) => Ok(ReturnState::SentBack),
        (_, ReturnState::Accepted) => Err(msg::ROUNDS_ALREADY_ACCEPTED),
        _ => Err(msg::ROUNDS_NOT_SIGNED_OFF),
    }
}

/// A township's return is reviewed only while its district's return is open.
fn parent_open(parent: Option<ReturnState>) -> Result<(), &'static str> {
    match parent {
        Some(ReturnState::SignedOff | ReturnState::Accepted) => Err(msg::ROUNDS_DISTRICT_SUBMITTED),
        _ => Ok(()),
    }
}

/// A district's return is the sum of its townships' accepted returns: it is signed off only
/// when every township's return is accepted (none left pending, signed off or sent back).
pub fn district_complete(townships: &[ReturnState]) -> bool {
    townships.iter().all(|s| *s == ReturnState::Accepted)
}

/// When a return is due: the townships' on the round's deadline; the districts' `district_days`
/// (setting `rounds.district_days`) later, to review their townships' returns.
pub fn due_on(level: Level, deadline: NaiveDate, district_days: i64) -> NaiveDate {
    match level {
        Level::District => deadline + Duration::days(district_days),
        _ => deadline,
    }
}

/// The moment a return becomes late: the end of its due day in China (as every deadline
/// given as a day, `task::day_deadline`).
pub fn late_from(due: NaiveDate) -> DateTime<Utc> {
    crate::task::day_deadline(due)
}

/// A return was not signed off by its deadline, as of `as_of` (a day in China): its due day
/// has passed by then, and its first sign-off (a sign-off after a send-back does not count
/// again) came after the due day, or not at all by `as_of`.
pub fn late_as_of(due: NaiveDate, first_signed_on: Option<NaiveDate>, as_of: NaiveDate) -> bool {
    due < as_of && first_signed_on.is_none_or(|d| d > due)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("date")
    }

    #[test]
    fn a_round_needs_a_name_and_dates_in_order() {
        assert!(check_round("2027年上半年", Some(d(2027, 3, 31)), Some(d(2027, 4, 30))).is_empty());
        let e = check_round(" ", None, None);
        assert_eq!(e.get("name"), Some(msg::REQUIRED));
        assert_eq!(e.get("reference_date"), Some(msg::REQUIRED));
        assert_eq!(e.get("deadline"), Some(msg::REQUIRED));
        let e = check_round("x", Some(d(2027, 3, 31)), Some(d(2027, 3, 30)));
        assert_eq!(e.get("deadline"), Some(msg::ROUNDS_DEADLINE_BEFORE_REFERENCE));
    }

    #[test]
    fn the_sign_offs_are_three_names_and_a_past_date() {
        let today = d(2027, 4, 1);
        let mut s = SignOffs {
            unit_head: " 王主任 ".into(),
            reviewer: "李审核".into(),
            filler: "张填表".into(),
            signed_on: Some(today),
        };
        assert!(check_sign_offs(&mut s, today).is_empty());
        assert_eq!(s.unit_head, "王主任", "trimmed");
        let mut s = SignOffs { filler: "a\u{202E}b".into(), signed_on: Some(d(2027, 4, 2)), ..SignOffs::default() };
        let e = check_sign_offs(&mut s, today);
        assert_eq!(e.get("unit_head"), Some(msg::REQUIRED));
        assert_eq!(e.get("reviewer"), Some(msg::REQUIRED));
        assert_eq!(e.get("filler"), Some(msg::NAME_CHARS));
        assert_eq!(e.get("signed_on"), Some(msg::DATE_IN_FUTURE));
    }

    #[test]
    fn a_return_goes_up_and_may_come_back() {
        use ReturnState::*;
        assert_eq!(sign_off(Pending), Ok(SignedOff));
        assert_eq!(sign_off(SentBack), Ok(SignedOff));
        assert!(sign_off(SignedOff).is_err() && sign_off(Accepted).is_err(), "frozen once signed off");
        assert_eq!(accept(SignedOff, Some(Pending)), Ok(Accepted));
        assert_eq!(accept(Pending, None), Err(msg::ROUNDS_NOT_SIGNED_OFF));
        assert_eq!(accept(SignedOff, Some(SignedOff)), Err(msg::ROUNDS_DISTRICT_SUBMITTED));
        assert_eq!(send_back(Level::Township, SignedOff, Some(SentBack)), Ok(SentBack));
        assert_eq!(send_back(Level::Township, Accepted, Some(Pending)), Ok(SentBack), "the district corrects");
        assert_eq!(send_back(Level::Township, Accepted, Some(Accepted)), Err(msg::ROUNDS_DISTRICT_SUBMITTED));
        assert_eq!(send_back(Level::District, Accepted, None), Err(msg::ROUNDS_ALREADY_ACCEPTED), "final");
        assert_eq!(send_back(Level::District, SignedOff, None), Ok(SentBack));
        assert_eq!(send_back(Level::District, Pending, None), Err(msg::ROUNDS_NOT_SIGNED_OFF));
    }

    #[test]
    fn who_signs_and_who_reviews() {
        assert!(signs_off(Role::TownshipStaff, Level::Township));
        assert!(!signs_off(Role::TownshipStaff, Level::District));
        assert!(signs_off(Role::DistrictOfficer, Level::District));
        assert!(!signs_off(Role::CityOfficer, Level::District));
        assert!(reviews(Role::DistrictOfficer, Level::Township));
        assert!(reviews(Role::CityOfficer, Level::District));
        assert!(!reviews(Role::CityOfficer, Level::Township), "the district reviews its townships");
        assert!(may_open_round(Role::CityOfficer) && !may_open_round(Role::DistrictOfficer));
        assert!(!sees_rounds(Role::ChildDirector) && !sees_rounds(Role::Admin));
    }

    #[test]
    fn a_district_signs_off_when_every_township_is_accepted() {
        use ReturnState::*;
        assert!(district_complete(&[Accepted, Accepted]));
        assert!(!district_complete(&[Accepted, SignedOff]));
        assert!(district_complete(&[]));
    }

    #[test]
    fn late_is_after_the_due_day_and_by_the_first_sign_off() {
        let due = d(2027, 4, 30);
        assert!(!late_as_of(due, None, due), "not before the day has passed");
        assert!(late_as_of(due, None, d(2027, 5, 1)));
        assert!(!late_as_of(due, Some(due), d(2027, 6, 1)));
        assert!(late_as_of(due, Some(d(2027, 5, 2)), d(2027, 6, 1)));
        assert_eq!(due_on(Level::District, due, 7), d(2027, 5, 7));
        assert_eq!(due_on(Level::Township, due, 7), due);
    }
}
