//! Oversight (督导, issue 20): the register of overdue work per unit, accountability measures
//! and commendations (问责, 表扬奖励), and the joint meeting's tasks to named units and people
//! (联席会议).
//!
//! The register judges nothing new: an item is overdue by the to-do list's own deadline
//! rules (`crate::task::deadline_source`, the settings `tasks.*`, `reports.*`, `dropout.*`,
//! `visits.*`); this module names the register's kinds, who may read and write what, and what
//! a measure, a commendation and a meeting task must carry.

use crate::clock::china_date;
use crate::error::FieldErrors;
use crate::msg;
use crate::role::Role;
use crate::task::{TaskKind, day_deadline};
use chrono::{DateTime, Duration, NaiveDate, Utc};

crate::codes::code_list! {
    /// The kinds of overdue work on the register ([S] 四(二)). The code is stable (sent in
    /// the API, stored with a measure's items).
    OverdueKind {
        ReportNotAccepted = "report_not_accepted", "逾期未受理的强制报告";
        ReportNotDisposed = "report_not_disposed", "逾期未处置移交的强制报告";
        HandOverUnacknowledged = "hand_over_unacknowledged", "逾期未签收的公安移交";
        AssessmentOverdue = "assessment_overdue", "逾期未完成的调查评估";
        ReferralUndecided = "referral_undecided", "逾期未答复的转介";
        DropoutStepOverdue = "dropout_step_overdue", "逾期的控辍保学事项";
        VisitOverdue = "visit_overdue", "逾期未走访";
        // The census rounds (issue 20, built apart): a return not signed off by its deadline.
        CensusReturnUnsigned = "census_return_unsigned", "逾期未签报的摸底排查报表";
    }
}

/// [S] 四(二): the to-do kind whose deadline rule makes an item of the register overdue;
/// `None` for the census returns, whose deadline is the round's (counted by the rounds).
pub fn task_kind(kind: OverdueKind) -> Option<TaskKind> {
    use OverdueKind::*;
    Some(match kind {
        ReportNotAccepted => TaskKind::ReportToAccept,
        ReportNotDisposed => TaskKind::ReportToDispose,
        HandOverUnacknowledged => TaskKind::HandOverToAcknowledge,
        AssessmentOverdue => TaskKind::AssessmentDue,
        ReferralUndecided => TaskKind::ReferralToDecide,
        DropoutStepOverdue => TaskKind::DropoutStepDue,
        VisitOverdue => TaskKind::VisitDue,
        CensusReturnUnsigned => return None,
    })
}

/// [S] 四(一)–(二): civil affairs of the district and the city supervise and check the work
/// of their region and hold to account the units whose failings delay help; they read the
/// register, the district its own district only.
pub fn may_read_register(role: Role) -> bool {
    matches!(role, Role::DistrictOfficer | Role::CityOfficer)
}

/// [S] 四(二) 追究相关单位人员的责任; [S] 二(二) 上级机关和有关部门要严肃追责: the city records
/// accountability measures against a unit (decision 167).
pub fn may_record_measure(role: Role) -> bool {
    role == Role::CityOfficer
}

/// [S] 二(二): 其他公民、社会组织积极向公安机关报告的，应及时给予表扬和奖励; the city records
/// the commendation with its basis (decision 168).
pub fn may_record_commendation(role: Role) -> bool {
    role == Role::CityOfficer
}

/// [S] 四(一): 市民政局牵头建立联席会议制度: the city's civil affairs records the meetings and
/// the tasks their decisions give to named units and people.
pub fn may_record_meeting(role: Role) -> bool {
    role == Role::CityOfficer
}

/// [S] 四(二) 将任务和责任逐项分解落实到具体单位和人员: a task's progress is told by the person
/// it names, no one else.
pub fn may_update_task(user_id: i64, owner_user_id: i64) -> bool {
    user_id == owner_user_id
}

crate::codes::code_list! {
    /// Accountability measures ([S] 四(二), [S] 二(二)).
    MeasureKind {
        Interview = "interview", "约谈";
        Criticism = "criticism", "通报批评";
        Accountability = "accountability", "追责";
    }
}

crate::codes::code_list! {
    /// Commendations of a reporter ([S] 二(二)).
    CommendationKind {
        Praise = "praise", "表扬";
        Reward = "reward", "奖励";
    }
}

crate::codes::code_list! {
    /// A meeting task's progress.
    MeetingTaskStatus {
        InProgress = "in_progress", "进行中";
        Done = "done", "已完成";
    }
}

/// The longest basis, decision or progress note kept.
pub const TEXT_MAX: usize = 2000;
/// The longest reference (document) number or title.
pub const SHORT_MAX: usize = 100;

/// [S] 四(二) 追究责任: holding a unit to account (追责) is done by a numbered decision; its
/// reference (文号) is required. An interview or a circulated criticism may carry one.
pub fn measure_needs_reference(kind: MeasureKind) -> bool {
    kind == MeasureKind::Accountability
}

/// What a measure or a commendation must carry ([S] 四(二), [S] 二(二)): its date (not in the
/// future), its basis, and for 追责 its reference; errors name the fields.
pub fn check_record(
    errs: &mut FieldErrors,
    on: Option<NaiveDate>,
    basis: &str,
    reference: Option<&str>,
    needs_reference: bool,
    now: DateTime<Utc>,
) {
    match on {
        None => errs.add("on", msg::REQUIRED),
        Some(d) if d > china_date(now) => errs.add("on", msg::OVERSIGHT_DATE_FUTURE),
        Some(_) => {}
    }
    let basis = basis.trim();
    if basis.is_empty() {
        errs.add("basis", msg::REQUIRED);
    } else if basis.chars().count() > TEXT_MAX {
        errs.add("basis", msg::OVERSIGHT_TEXT_TOO_LONG);
    }
    match reference.map(str::trim).filter(|r| !r.is_empty()) {
        None if needs_reference => errs.add("reference", msg::OVERSIGHT_REFERENCE_REQUIRED),
        Some(r) if r.chars().count() > SHORT_MAX => errs.add("reference", msg::OVERSIGHT_TEXT_TOO_LONG),
        _ => {}
    }
}

/// [S] 四(二) 将任务和责任逐项分解落实到具体单位和人员: a meeting task names its unit and a
/// person of that unit, says what is to be done, and is due on a day. `field` prefixes the
/// errors (`decisions.0.tasks.1`).
pub fn check_task(
    errs: &mut FieldErrors,
    field: &str,
    org: Option<i64>,
    owner: Option<i64>,
    owner_in_org: bool,
    title: &str,
    due: Option<NaiveDate>,
) {
    if org.is_none() {
        errs.add(format!("{field}.org_id"), msg::MEETING_TASK_UNIT_REQUIRED);
    }
    match owner {
        None => errs.add(format!("{field}.owner_user_id"), msg::MEETING_TASK_OWNER_REQUIRED),
        Some(_) if org.is_some() && !owner_in_org => {
            errs.add(format!("{field}.owner_user_id"), msg::MEETING_TASK_OWNER_NOT_OF_UNIT)
        }
        _ => {}
    }
    let t = title.trim();
    if t.is_empty() {
        errs.add(format!("{field}.title"), msg::REQUIRED);
    } else if t.chars().count() > TEXT_MAX {
        errs.add(format!("{field}.title"), msg::OVERSIGHT_TEXT_TOO_LONG);
    }
    if due.is_none() {
        errs.add(format!("{field}.due_on"), msg::REQUIRED);
    }
}

/// A meeting task is overdue from the day after its due day (China time) while not done, as
/// the to-do list's day deadlines are (`task::day_deadline`).
pub fn task_deadline(due_on: NaiveDate) -> DateTime<Utc> {
    day_deadline(due_on)
}

/// The trend's weeks: `weeks` spans of seven days ending at `now`, newest first; the trend
/// counts the open items whose deadline passed within each (decision 169).
pub fn trend_weeks(now: DateTime<Utc>, weeks: i64) -> Vec<(DateTime<Utc>, DateTime<Utc>)> {
    (0..weeks.max(0)).map(|k| (now - Duration::weeks(k + 1), now - Duration::weeks(k))).collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn now() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 6, 4, 0, 0).unwrap()
    }

    #[test]
    fn every_register_kind_but_the_census_reuses_a_task_deadline() {
        for k in OverdueKind::ALL {
            match task_kind(*k) {
                Some(t) => assert!(crate::task::deadline_source(t).is_some(), "{k:?}"),
                None => assert_eq!(*k, OverdueKind::CensusReturnUnsigned),
            }
        }
    }

    #[test]
    fn only_civil_affairs_read_the_register_and_only_the_city_writes() {
        assert!(may_read_register(Role::DistrictOfficer) && may_read_register(Role::CityOfficer));
        assert!(!may_read_register(Role::TownshipStaff) && !may_read_register(Role::Police));
        assert!(may_record_measure(Role::CityOfficer) && !may_record_measure(Role::DistrictOfficer));
        assert!(may_record_commendation(Role::CityOfficer) && !may_record_commendation(Role::Police));
        assert!(may_record_meeting(Role::CityOfficer) && !may_record_meeting(Role::DistrictOfficer));
        assert!(may_update_task(7, 7) && !may_update_task(7, 8));
    }

    #[test]
    fn accountability_needs_its_reference_and_a_basis() {
        let today = china_date(now());
        let mut e = FieldErrors::default();
        check_record(
            &mut e,
            Some(today),
            "未按时受理",
            None,
            measure_needs_reference(MeasureKind::Accountability),
            now(),
        );
        assert_eq!(e.get("reference"), Some(msg::OVERSIGHT_REFERENCE_REQUIRED));
        let mut e = FieldErrors::default();
        check_record(&mut e, Some(today), "  ", None, measure_needs_reference(MeasureKind::Interview), now());
        assert_eq!(e.get("basis"), Some(msg::REQUIRED));
        assert!(e.get("reference").is_none(), "an interview needs no reference");
        let mut e = FieldErrors::default();
        check_record(&mut e, today.succ_opt(), "x", Some("津民〔2026〕1号"), true, now());
        assert_eq!(e.get("on"), Some(msg::OVERSIGHT_DATE_FUTURE));
    }

    #[test]
    fn a_task_without_its_person_is_refused_by_field() {
        let mut e = FieldErrors::default();
        check_task(&mut e, "tasks.0", Some(3), None, false, "摸清底数", NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(e.get("tasks.0.owner_user_id"), Some(msg::MEETING_TASK_OWNER_REQUIRED));
        let mut e = FieldErrors::default();
        check_task(&mut e, "t", Some(3), Some(9), false, "x", NaiveDate::from_ymd_opt(2026, 12, 31));
        assert_eq!(e.get("t.owner_user_id"), Some(msg::MEETING_TASK_OWNER_NOT_OF_UNIT));
        let mut e = FieldErrors::default();
        check_task(&mut e, "t", Some(3), Some(9), true, "x", NaiveDate::from_ymd_opt(2026, 12, 31));
        assert!(e.is_empty());
    }

    #[test]
    fn the_trend_is_weeks_back_from_now() {
        let w = trend_weeks(now(), 3);
        assert_eq!(w.len(), 3);
        assert_eq!(w[0].1, now());
        assert_eq!(w[2].0, now() - Duration::weeks(3));
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).expect("day");
        assert_eq!(task_deadline(d), Utc.with_ymd_and_hms(2026, 12, 6, 16, 0, 0).unwrap());
    }
}
