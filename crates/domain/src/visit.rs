//! The village child director's visits (走访): what a visit records, the checks a visit must
//! pass, the rule that a visit finding a child alone or unattended cannot be saved without a
//! mandatory report or a reason, how often each child must be visited, and who sees the
//! status of the reports and cases about a child. docs/domain.md §2.6 and §3.4.

use crate::age::{self, AgeRule};
use crate::child::Warning;
use crate::codes::Category;
use crate::error::FieldErrors;
use crate::msg;
use crate::role::Role;
use chrono::{Duration, NaiveDate};
use serde::{Deserialize, Serialize};

crate::codes::code_list! {
    /// How the director visited.
    VisitKind {
        Home = "home", "入户";
        Phone = "phone", "电话";
        School = "school", "在校";
        Other = "other", "其他";
    }
}

crate::codes::code_list! {
    /// Who the child lives with on the day of the visit.
    LivesWith {
        Parents = "parents", "父母";
        OneParent = "one_parent", "父母一方";
        EntrustedCarer = "entrusted_carer", "受委托照护人";
        OtherRelative = "other_relative", "其他亲属";
        Institution = "institution", "寄宿学校或机构";
        Alone = "alone", "独自居住";
    }
}

crate::codes::code_list! {
    /// The carer's state as the director found it ([UPL] 21–22: able to care, or not).
    CarerState {
        Capable = "capable", "照护良好";
        Struggling = "struggling", "照护能力不足";
        Unsuitable = "unsuitable", "不宜照护";
        Absent = "absent", "无人照护";
    }
}

crate::codes::code_list! {
    /// The child's safety ([S] 二(四) names safety as the first thing to look at).
    VisitSafety {
        Safe = "safe", "安全";
        Hazard = "hazard", "存在安全隐患";
        Danger = "danger", "面临现实危险";
    }
}

crate::codes::code_list! {
    /// The child's health as seen.
    VisitHealth {
        Good = "good", "良好";
        Concern = "concern", "需要关注";
        Serious = "serious", "严重问题";
    }
}

crate::codes::code_list! {
    /// The child's schooling as told.
    VisitSchooling {
        Attending = "attending", "正常上学";
        Irregular = "irregular", "经常缺课";
        Dropout = "dropout", "辍学";
        NotInSchool = "not_in_school", "未到学龄或不在学";
    }
}

crate::codes::code_list! {
    /// The child's mood as seen.
    VisitMood {
        Good = "good", "情绪良好";
        Low = "low", "情绪低落";
        Distressed = "distressed", "明显异常";
    }
}

/// How the parents last reached the child ([UPL] 23: at least weekly): the contact log's
/// list, so that a visit's "last contact as told" is written into the log.
pub use crate::entrusted::ContactChannel;

crate::codes::code_list! {
    /// Where a visit stands with the township's child supervisor.
    ReviewState {
        Submitted = "submitted", "待审核";
        Accepted = "accepted", "已通过";
        SentBack = "sent_back", "已退回";
    }
}

crate::codes::code_list! {
    /// Why a child is due for a visit when they are: the situation that sets the period
    /// ([`visit_period`]), or the director's own earlier date.
    DueReason {
        AloneOrUnattended = "alone_or_unattended", "独居或无人照料";
        HighRiskCase = "high_risk_case", "有高风险个案";
        UnsuitableCarer = "unsuitable_carer", "受委托照护人不符合条件";
        Dropout = "dropout", "辍学未返校";
        LeftBehind = "left_behind", "留守儿童定期走访";
        Other = "other", "其他在档儿童定期走访";
        Planned = "planned", "儿童主任约定的下次走访";
    }
}

/// A visit as the director writes it (and as a correction rewrites it).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct VisitInput {
    /// The day of the visit (China).
    pub visited_on: NaiveDate,
    pub kind: VisitKind,
    /// Whether the director saw the child.
    pub child_seen: bool,
    pub lives_with: LivesWith,
    /// Who exactly (name, relation); sealed in the database.
    #[serde(default)]
    pub lives_with_note: Option<String>,
    pub carer_state: CarerState,
    pub safety: VisitSafety,
    pub health: VisitHealth,
    pub schooling: VisitSchooling,
    pub mood: VisitMood,
    /// What the director saw and heard; sealed in the database.
    #[serde(default)]
    pub notes: Option<String>,
    /// Guidance given to the carer or the parents; sealed in the database.
    #[serde(default)]
    pub guidance: Option<String>,
    /// The parents' last contact with the child, as told.
    #[serde(default)]
    pub parents_last_contact_on: Option<NaiveDate>,
    #[serde(default)]
    pub parents_contact_channel: Option<ContactChannel>,
    /// The next visit the director plans; the cadence may make it due earlier.
    #[serde(default)]
    pub next_due_on: Option<NaiveDate>,
    /// The receipt of the mandatory report about this child, when the visit found it alone
    /// or unattended ([`needs_report`]).
    #[serde(default)]
    pub report_receipt: Option<String>,
    /// Or why no report is needed (sealed in the database).
    #[serde(default)]
    pub no_report_reason: Option<String>,
}

/// What the checks of a visit need to know of the child's file.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitContext {
    pub today: NaiveDate,
    pub birth_date: Option<NaiveDate>,
    pub file_closed: bool,
    pub age_rule: AgeRule,
}

/// Longest free text of a visit (notes, guidance, reasons).
pub const VISIT_TEXT: usize = 1000;

/// The child's age in full years on the day of the visit.
pub fn age_at_visit(v: &VisitInput, ctx: &VisitContext) -> Option<u32> {
    ctx.birth_date.and_then(|b| age::full_years(b, v.visited_on, ctx.age_rule))
}

/// [S] [13] [UPL] 21: a child under 16 may not live apart from guardianship; [UPL] 21: a
/// child under 8 may not be left without care. A visit that finds either must lead to a
/// mandatory report to the police ([S] 二(二) (1), [MR] (6)) — or the director records why
/// none is needed (the parents came home that day, the police already know). "Without care"
/// is living alone or a carer found absent. The ages are the existing rules
/// ([`age::may_live_alone`], [`age::may_be_left_unattended`]) on the day of the visit; a file
/// without a birth date holds no age against the child, as for the file's warnings.
pub fn needs_report(v: &VisitInput, age: Option<u32>) -> bool {
    let alone = v.lives_with == LivesWith::Alone;
    let without_care = alone || v.carer_state == CarerState::Absent;
    let Some(age) = age else { return false };
    (alone && !age::may_live_alone(age)) || (without_care && !age::may_be_left_unattended(age))
}

/// The checks of a visit, every wrong field named: a visit dated in the future or before the
/// child's birth, for a closed file, with a next visit due before the visit, a parents'
/// contact after the visit, texts too long, and a child found alone or unattended with
/// neither a report's receipt nor a reason ([`needs_report`]). Whether the receipt exists and
/// is about this child is the store's to check. Texts are trimmed, empty ones dropped.
pub fn check_visit(mut v: VisitInput, ctx: &VisitContext) -> Result<VisitInput, FieldErrors> {
    let mut errs = FieldErrors::default();
    if ctx.file_closed {
        errs.add("child_id", msg::VISIT_FILE_CLOSED);
    }
    if v.visited_on > ctx.today {
        errs.add("visited_on", msg::DATE_IN_FUTURE);
    } else if ctx.birth_date.is_some_and(|b| v.visited_on < b) {
        errs.add("visited_on", msg::VISIT_BEFORE_BIRTH);
    }
    if v.next_due_on.is_some_and(|d| d < v.visited_on) {
        errs.add("next_due_on", msg::VISIT_DUE_BEFORE_VISIT);
    }
    if v.parents_last_contact_on.is_some_and(|d| d > v.visited_on) {
        errs.add("parents_last_contact_on", msg::VISIT_CONTACT_AFTER_VISIT);
    }
    if v.parents_last_contact_on.is_some() && v.parents_contact_channel.is_none() {
        errs.add("parents_contact_channel", msg::REQUIRED);
    }
    let mut text = |field: &str, t: Option<String>, max: usize| -> Option<String> {
        let t = t.map(|s| s.trim().to_string()).filter(|s| !s.is_empty())?;
        if t.chars().count() > max {
            errs.add(field, msg::too_long(max));
        } else if t.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            errs.add(field, msg::CONTROL_CHARS);
        }
        Some(t)
    };
    v.lives_with_note = text("lives_with_note", v.lives_with_note.take(), crate::validate::SHORT_TEXT);
    v.notes = text("notes", v.notes.take(), VISIT_TEXT);
    v.guidance = text("guidance", v.guidance.take(), VISIT_TEXT);
    v.no_report_reason = text("no_report_reason", v.no_report_reason.take(), VISIT_TEXT);
    v.report_receipt = text("report_receipt", v.report_receipt.take(), 40).map(|r| r.to_ascii_uppercase());
    if needs_report(&v, age_at_visit(&v, ctx)) && v.report_receipt.is_none() && v.no_report_reason.is_none() {
        errs.add("report_receipt", msg::VISIT_REPORT_REQUIRED);
    }
    errs.into_result(v)
}

/// The periods of the visit cadence, in days (settings `visits.*`; no text fixes them).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct VisitSettings {
    pub alone_or_unattended_days: i64,
    pub high_risk_case_days: i64,
    pub unsuitable_carer_days: i64,
    pub dropout_days: i64,
    pub left_behind_days: i64,
    pub other_days: i64,
    /// A visit due within this many days is on the director's list already.
    pub due_soon_days: i64,
}

/// What sets how often a child must be visited.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct VisitSituation {
    /// The file warns the child lives alone under 16 or is without care under 8 ([UPL] 21).
    pub alone_or_unattended: bool,
    /// A case about the child was assessed high risk ([S] 二(四)).
    pub high_risk_case: bool,
    /// The entrusted carer is unsuitable ([UPL] 22, `rules::entrusted_guardian_unsuitable`).
    pub unsuitable_carer: bool,
    /// The child dropped out of compulsory education and is not back ([S] 二(一)).
    pub dropout: bool,
    /// A left-behind child ([13]); others in the ledger are visited less often.
    pub left_behind: bool,
}

impl VisitSituation {
    /// The situation a file's stored columns show (warnings, category); the case and the
    /// dropout come from elsewhere.
    pub fn of_file(warnings: &[Warning], category: Category, high_risk_case: bool, dropout: bool) -> Self {
        VisitSituation {
            alone_or_unattended: warnings
                .iter()
                .any(|w| matches!(w, Warning::Under16LivingAlone | Warning::Under8Unattended | Warning::NoGuardian)),
            high_risk_case,
            unsuitable_carer: warnings.contains(&Warning::EntrustedGuardianDisqualified),
            dropout,
            left_behind: category != Category::NotLeftBehind,
        }
    }
}

/// [M19] [UPL] 43: the child director visits regularly; no text fixes how often, so the
/// periods are settings [U] (docs/domain.md §3.4). The child's situation sets the period, the
/// shortest of those that apply: alone or unattended, an open high-risk case, an unsuitable
/// carer, an open dropout, a left-behind child, any other child in the ledger. The reason
/// returned is the one whose period is the shortest (the first of them, in that order, on a
/// tie).
pub fn visit_period(s: &VisitSituation, settings: &VisitSettings) -> (i64, DueReason) {
    let candidates = [
        (s.alone_or_unattended, settings.alone_or_unattended_days, DueReason::AloneOrUnattended),
        (s.high_risk_case, settings.high_risk_case_days, DueReason::HighRiskCase),
        (s.unsuitable_carer, settings.unsuitable_carer_days, DueReason::UnsuitableCarer),
        (s.dropout, settings.dropout_days, DueReason::Dropout),
        (s.left_behind, settings.left_behind_days, DueReason::LeftBehind),
        (true, settings.other_days, DueReason::Other),
    ];
    let mut best = (settings.other_days, DueReason::Other);
    for (applies, days, reason) in candidates.into_iter().rev() {
        if applies && days <= best.0 {
            best = (days, reason);
        }
    }
    best
}

/// When the next visit is due: one period after the last visit, or, for a child never
/// visited, one period after the file was opened (the first visit confirms the file); or the
/// director's own date (`planned`, from the last visit) when it is earlier. A change of
/// situation moves the date at once, so a child whose period shortens may be overdue the day
/// it changes.
pub fn next_due(
    last_visit: Option<NaiveDate>,
    file_opened: NaiveDate,
    planned: Option<NaiveDate>,
    period: (i64, DueReason),
) -> (NaiveDate, DueReason) {
    let by_cadence = last_visit.unwrap_or(file_opened) + Duration::days(period.0);
    match planned {
        Some(p) if last_visit.is_some() && p < by_cadence => (p, DueReason::Planned),
        _ => (by_cadence, period.1),
    }
}

/// Overdue: the day it was due has passed.
pub fn overdue(due_on: NaiveDate, today: NaiveDate) -> bool {
    due_on < today
}

/// On the director's list: overdue, or due within `due_soon_days`.
pub fn on_due_list(due_on: NaiveDate, today: NaiveDate, settings: &VisitSettings) -> bool {
    due_on <= today + Duration::days(settings.due_soon_days)
}

/// Visited within the cadence (the supervisor's coverage): visited at least once, and the
/// next visit is not yet overdue.
pub fn covered(last_visit: Option<NaiveDate>, due_on: NaiveDate, today: NaiveDate) -> bool {
    last_visit.is_some() && !overdue(due_on, today)
}

/// [M19] [UPL] 43: the village child director records visits for the children of their
/// village (the city, district and township who keep the ledger may record one too). The
/// township's child supervisor reviews them and does not write.
pub fn may_record_visit(role: Role) -> bool {
    matches!(role, Role::ChildDirector | Role::TownshipStaff | Role::DistrictOfficer | Role::CityOfficer)
}

/// Who reads visits: whoever records them, and the township's child supervisor, who
/// manages the directors ([M19]); civil affairs oversee. Teachers, doctors, the police and
/// social workers read the file, not the director's notes of a home.
pub fn may_read_visits(role: Role) -> bool {
    may_record_visit(role) || role == Role::ChildSupervisor
}

/// [M19]: the township's child supervisor manages and checks the directors' work: accepts a
/// visit, or sends it back with a reason.
pub fn may_review_visits(role: Role) -> bool {
    role == Role::ChildSupervisor
}

/// [M19] [UPL] 43: the village child director follows the children of the village, reports
/// danger and helps the township; the township's child supervisor manages the directors. Both
/// see, for the children in their scope, the status of the reports and cases about a child
/// (when reported, how far the police have got, whether assessed and how serious) and the
/// follow-up asked of their own organisation — never who reported ([MR], [DV] 14) nor what
/// was reported or found: those stay with the police, the township and civil affairs
/// ([`crate::report::may_see_area_reports`]), who see the reports themselves.
pub fn may_see_case_status(role: Role) -> bool {
    matches!(role, Role::ChildDirector | Role::ChildSupervisor) || crate::report::may_see_area_reports(role)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn visit(on: NaiveDate) -> VisitInput {
        VisitInput {
            visited_on: on,
            kind: VisitKind::Home,
            child_seen: true,
            lives_with: LivesWith::EntrustedCarer,
            lives_with_note: None,
            carer_state: CarerState::Capable,
            safety: VisitSafety::Safe,
            health: VisitHealth::Good,
            schooling: VisitSchooling::Attending,
            mood: VisitMood::Good,
            notes: None,
            guidance: None,
            parents_last_contact_on: None,
            parents_contact_channel: None,
            next_due_on: None,
            report_receipt: None,
            no_report_reason: None,
        }
    }

    fn ctx(birth: NaiveDate) -> VisitContext {
        VisitContext {
            today: d(2026, 11, 29),
            birth_date: Some(birth),
            file_closed: false,
            age_rule: AgeRule::default(),
        }
    }

    fn field_of(r: Result<VisitInput, FieldErrors>) -> Vec<String> {
        r.err().map(|e| e.0.into_iter().map(|f| f.field).collect()).unwrap_or_default()
    }

    #[test]
    fn a_visit_today_is_fine_tomorrow_is_in_the_future() {
        let c = ctx(d(2015, 3, 8));
        assert!(check_visit(visit(d(2026, 11, 29)), &c).is_ok());
        assert_eq!(field_of(check_visit(visit(d(2026, 11, 30)), &c)), ["visited_on"]);
    }

    #[test]
    fn a_visit_on_the_birth_day_is_fine_the_day_before_is_not() {
        let c = ctx(d(2026, 11, 1));
        assert!(check_visit(visit(d(2026, 11, 1)), &c).is_ok());
        assert_eq!(field_of(check_visit(visit(d(2026, 10, 31)), &c)), ["visited_on"]);
    }

    #[test]
    fn a_closed_file_takes_no_visit() {
        let c = VisitContext { file_closed: true, ..ctx(d(2015, 3, 8)) };
        assert_eq!(field_of(check_visit(visit(d(2026, 11, 29)), &c)), ["child_id"]);
    }

    #[test]
    fn the_next_visit_may_be_the_same_day_not_before() {
        let c = ctx(d(2015, 3, 8));
        let same = VisitInput { next_due_on: Some(d(2026, 11, 20)), ..visit(d(2026, 11, 20)) };
        assert!(check_visit(same, &c).is_ok());
        let before = VisitInput { next_due_on: Some(d(2026, 11, 19)), ..visit(d(2026, 11, 20)) };
        assert_eq!(field_of(check_visit(before, &c)), ["next_due_on"]);
    }

    #[test]
    fn the_parents_contact_is_before_the_visit_and_names_its_channel() {
        let c = ctx(d(2015, 3, 8));
        let after = VisitInput {
            parents_last_contact_on: Some(d(2026, 11, 21)),
            parents_contact_channel: Some(ContactChannel::Video),
            ..visit(d(2026, 11, 20))
        };
        assert_eq!(field_of(check_visit(after, &c)), ["parents_last_contact_on"]);
        let no_channel = VisitInput { parents_last_contact_on: Some(d(2026, 11, 20)), ..visit(d(2026, 11, 20)) };
        assert_eq!(field_of(check_visit(no_channel, &c)), ["parents_contact_channel"]);
    }

    /// Born 2010-11-29: 16 on the day after the birthday (the default age rule), so 15 on
    /// 2026-11-29 and 16 on 2026-11-30.
    #[test]
    fn living_alone_needs_a_report_until_the_day_16_is_reached() {
        let birth = d(2010, 11, 29);
        let alone = |on| VisitInput { lives_with: LivesWith::Alone, ..visit(on) };
        let c = VisitContext { today: d(2026, 12, 31), ..ctx(birth) };
        assert_eq!(field_of(check_visit(alone(d(2026, 11, 29)), &c)), ["report_receipt"]);
        assert!(check_visit(alone(d(2026, 11, 30)), &c).is_ok(), "16 may live alone");
        let with_reason =
            VisitInput { no_report_reason: Some("父母当天已返乡".into()), ..alone(d(2026, 11, 29)) };
        assert!(check_visit(with_reason, &c).is_ok());
        let with_receipt = VisitInput { report_receipt: Some("20261129abcd".into()), ..alone(d(2026, 11, 29)) };
        assert_eq!(check_visit(with_receipt, &c).map(|v| v.report_receipt), Ok(Some("20261129ABCD".into())));
    }

    #[test]
    fn without_care_needs_a_report_under_8_only() {
        let c = VisitContext { today: d(2026, 12, 31), ..ctx(d(2018, 11, 29)) };
        let absent = |on| VisitInput { carer_state: CarerState::Absent, ..visit(on) };
        assert_eq!(field_of(check_visit(absent(d(2026, 11, 29)), &c)), ["report_receipt"], "7 on that day");
        assert!(check_visit(absent(d(2026, 11, 30)), &c).is_ok(), "8 may be left unattended");
        let no_birth = VisitContext { birth_date: None, ..c };
        assert!(check_visit(absent(d(2026, 11, 29)), &no_birth).is_ok(), "no age to hold against");
    }

    fn settings() -> VisitSettings {
        VisitSettings {
            alone_or_unattended_days: 7,
            high_risk_case_days: 7,
            unsuitable_carer_days: 14,
            dropout_days: 14,
            left_behind_days: 30,
            other_days: 90,
            due_soon_days: 7,
        }
    }

    #[test]
    fn the_shortest_period_that_applies_sets_the_cadence() {
        let s = settings();
        assert_eq!(visit_period(&VisitSituation::default(), &s), (90, DueReason::Other));
        let lb = VisitSituation { left_behind: true, ..VisitSituation::default() };
        assert_eq!(visit_period(&lb, &s), (30, DueReason::LeftBehind));
        let carer = VisitSituation { unsuitable_carer: true, ..lb };
        assert_eq!(visit_period(&carer, &s), (14, DueReason::UnsuitableCarer));
        let dropout = VisitSituation { dropout: true, ..lb };
        assert_eq!(visit_period(&dropout, &s), (14, DueReason::Dropout));
        let risk = VisitSituation { high_risk_case: true, ..carer };
        assert_eq!(visit_period(&risk, &s), (7, DueReason::HighRiskCase));
        let alone = VisitSituation { alone_or_unattended: true, ..risk };
        assert_eq!(visit_period(&alone, &s), (7, DueReason::AloneOrUnattended), "first on a tie");
        // A city that sets a longer period for a situation than for left-behind children
        // gets the shorter one.
        let odd = VisitSettings { unsuitable_carer_days: 60, ..s };
        assert_eq!(visit_period(&carer, &odd), (30, DueReason::LeftBehind));
    }

    #[test]
    fn the_file_shows_alone_unattended_carer_and_category() {
        let sit = VisitSituation::of_file(&[Warning::NoGuardian], Category::BothAway, false, false);
        assert!(sit.alone_or_unattended && sit.left_behind && !sit.unsuitable_carer);
        let sit =
            VisitSituation::of_file(&[Warning::EntrustedGuardianDisqualified], Category::NotLeftBehind, true, false);
        assert!(!sit.alone_or_unattended && !sit.left_behind && sit.unsuitable_carer && sit.high_risk_case);
    }

    #[test]
    fn due_one_period_after_the_last_visit_or_the_file_or_the_planned_day() {
        let p = (30, DueReason::LeftBehind);
        assert_eq!(next_due(None, d(2026, 11, 1), None, p), (d(2026, 12, 1), DueReason::LeftBehind));
        assert_eq!(next_due(Some(d(2026, 11, 20)), d(2026, 1, 1), None, p), (d(2026, 12, 20), DueReason::LeftBehind));
        let planned = Some(d(2026, 11, 27));
        assert_eq!(next_due(Some(d(2026, 11, 20)), d(2026, 1, 1), planned, p), (d(2026, 11, 27), DueReason::Planned));
        let later = Some(d(2026, 12, 21));
        assert_eq!(next_due(Some(d(2026, 11, 20)), d(2026, 1, 1), later, p).0, d(2026, 12, 20), "cadence wins");
    }

    #[test]
    fn overdue_the_day_after_it_was_due_and_listed_a_week_ahead() {
        let s = settings();
        let due = d(2026, 12, 6);
        assert!(!overdue(due, d(2026, 12, 6)));
        assert!(overdue(due, d(2026, 12, 7)));
        assert!(on_due_list(due, d(2026, 11, 29), &s));
        assert!(!on_due_list(due, d(2026, 11, 28), &s));
        assert!(covered(Some(d(2026, 11, 6)), due, d(2026, 12, 6)));
        assert!(!covered(Some(d(2026, 11, 6)), due, d(2026, 12, 7)));
        assert!(!covered(None, due, d(2026, 11, 29)), "never visited is not covered");
    }

    #[test]
    fn directors_record_supervisors_review_and_both_see_case_status() {
        use Role::*;
        for r in Role::ALL {
            let expect_record = matches!(r, ChildDirector | TownshipStaff | DistrictOfficer | CityOfficer);
            assert_eq!(may_record_visit(*r), expect_record, "{r:?}");
            assert_eq!(may_review_visits(*r), *r == ChildSupervisor, "{r:?}");
        }
        assert!(may_read_visits(ChildSupervisor) && !may_read_visits(Teacher) && !may_read_visits(Admin));
        assert!(may_see_case_status(ChildDirector) && may_see_case_status(ChildSupervisor));
        assert!(!may_see_case_status(Teacher) && !may_see_case_status(Admin));
        assert!(!crate::report::may_see_reporter(ChildDirector) && !crate::report::may_see_reporter(ChildSupervisor));
    }
}
