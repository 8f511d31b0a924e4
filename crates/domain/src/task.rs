//! What is someone's to do (待办, issue 19): one notion of a task for every workflow.
//!
//! A task is computed from the records (a report not yet accepted, an assessment not yet
//! done…), never ticked off by hand: it ends by itself when the work it names is done. This
//! module names the kinds, whose they are and which rule or setting gives their deadline;
//! the store computes them in the user's scope, and the notifications announce new ones.

use crate::clock::{china_date, china_day_start};
use crate::region::Level;
use crate::role::Role;
use chrono::{DateTime, Duration, NaiveDate, Utc};

crate::codes::code_list! {
    /// The kinds of work shouhu tells a user about. The code is stable (stored in
    /// notifications, sent in the API); the label is the to-do list's heading.
    TaskKind {
        // Mandatory reporting and the police's response ([S] 二(二)).
        ReportToAccept = "report_to_accept", "待受理的强制报告";
        ReportToDispose = "report_to_dispose", "待出警处置的强制报告";
        HandOverToAcknowledge = "hand_over_to_acknowledge", "待签收的公安移交";
        // The township's assessment and help ([S] 二(三)).
        AssessmentDue = "assessment_due", "待完成的调查评估";
        ReferralToDecide = "referral_to_decide", "待答复的转介";
        // Guardianship intervention ([UPL] 108, [CC] 36).
        GroundsApproaching = "grounds_approaching", "即将满足撤销监护人资格情形";
        GroundsMet = "grounds_met", "已满足撤销监护人资格情形";
        // The registry's upkeep.
        ImportFinished = "import_finished", "已完成的导入";
        ImportFailed = "import_failed", "失败的导入";
        Turned16 = "turned_16", "年满十六周岁待处理的档案";
        AccountToApprove = "account_to_approve", "待审批的账号";
        // The village and the family (issue 17).
        VisitDue = "visit_due", "到期的走访";
        VisitToReview = "visit_to_review", "待审核的走访记录";
        VisitSentBack = "visit_sent_back", "退回修改的走访记录";
        // Dropout control (issue 18).
        DropoutStepDue = "dropout_step_due", "控辍保学待办事项";
        // The joint meeting's tasks to named units and people (issue 20).
        MeetingTaskDue = "meeting_task_due", "联席会议交办的任务";
        // Census rounds (issue 20).
        CensusReturnToSignOff = "census_return_to_sign_off", "待签报的摸底排查报表";
        CensusReturnToReview = "census_return_to_review", "待审核的摸底排查报表";
    }
}

/// Whose a task is: everyone of the given roles in a region, an organisation, or one user.
/// A task is visible exactly to those who may see its record; the owner is who must act.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Owner {
    Region { code: String },
    Org { id: i64 },
    User { id: i64 },
}

/// One piece of work as the to-do list shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Task {
    pub kind: TaskKind,
    pub owner: Owner,
    /// Since when the work waits.
    pub since: DateTime<Utc>,
    /// When it is due, if the law or a setting gives a deadline.
    pub due: Option<DateTime<Utc>>,
}

/// Whether a task is overdue at `now`: due and not yet done by then.
pub fn overdue(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    due.is_some_and(|d| d <= now)
}

crate::codes::code_list! {
    /// Where a task stands on the clock, as the home page counts it and the list filters it.
    TaskState {
        Overdue = "overdue", "已逾期";
        Today = "today", "今日到期";
        New = "new", "新增";
    }
}

/// The moment a deadline given as a day passes: the start of the next day in China (a visit
/// due on the 6th is overdue on the 7th, as `visit::overdue` has it).
pub fn day_deadline(day: NaiveDate) -> DateTime<Utc> {
    china_day_start(day + Duration::days(1))
}

/// The end of `now`'s day in China: a task due by then and not overdue is due today.
pub fn end_of_today(now: DateTime<Utc>) -> DateTime<Utc> {
    day_deadline(china_date(now))
}

/// Whether a task not overdue at `now` is due before the day in China ends.
pub fn due_today(due: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    due.is_some_and(|d| d > now && d <= end_of_today(now))
}

/// Whether a task is new for a user who last opened the to-do list at `seen` (never: every
/// task is new): it began waiting after that (decision 142).
pub fn is_new(since: DateTime<Utc>, seen: Option<DateTime<Utc>>) -> bool {
    seen.is_none_or(|s| since > s)
}

/// Where a kind's deadline comes from: the article that sets the duty and, where the law
/// names no number, the setting that does.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DeadlineSource {
    pub article: &'static str,
    pub setting: Option<&'static str>,
}

/// The rule behind each kind's deadline; `None` for work with no deadline (an import's
/// outcome to read, an account to approve, a visit to review or correct).
pub fn deadline_source(kind: TaskKind) -> Option<DeadlineSource> {
    use TaskKind::*;
    let (article, setting) = match kind {
        // [S] 二(三): the police go out at once; "at once" has no number.
        ReportToAccept => ("[S] 二(三)", Some("reports.late_response_minutes")),
        // [S] 二(三): act by the kind of case, then notify the township.
        ReportToDispose => ("[S] 二(三)", Some("tasks.hand_over_hours")),
        // [S] 二(四): the township receives the case and assesses the child.
        HandOverToAcknowledge => ("[S] 二(四)", Some("tasks.acknowledge_hours")),
        AssessmentDue => ("[S] 二(四)", Some("reports.assessment_days")),
        ReferralToDecide => ("[S] 二(四)", Some("tasks.referral_days")),
        // [UPL] 108, [CC] 36: a ground of a duration is met on its day (guardianship::evaluate_grounds).
        GroundsApproaching => ("[UPL] 108；[CC] 36；[G14] 35", None),
        GroundsMet => return None,
        // [S] 三(一): 一人一档，实行动态管理.
        Turned16 => ("[S] 三(一)", Some("tasks.turned16_days")),
        // [S] 二(一): 定期走访; the cadence follows the child's situation (visit::next_due).
        VisitDue => ("[S] 二(一)", Some("visits.*")),
        // [S] 二(一) 及时; [CE] 58 (dropout::due).
        DropoutStepDue => ("[S] 二(一)；[CE] 58", Some("dropout.*")),
        // [S] 四(二): the meeting sets each task's due day.
        MeetingTaskDue => ("[S] 四(一)；[S] 四(二)", None),
        // [S] 三(一), the round's deadline (census_round::due_on).
        CensusReturnToSignOff => ("[S] 三(一)", Some("rounds.district_days")),
        ImportFinished | ImportFailed | AccountToApprove | VisitToReview | VisitSentBack | CensusReturnToReview => {
            return None;
        }
    };
    Some(DeadlineSource { article, setting })
}

/// The roles that do each kind of work (the law's roles; the store adds the region or
/// organisation: the police and the township of the report's village, the receiving
/// organisation of a referral, an import's or a visit's author, the school of a dropout case).
pub fn done_by(kind: TaskKind) -> &'static [Role] {
    match kind {
        TaskKind::ReportToAccept | TaskKind::ReportToDispose => &[Role::Police],
        TaskKind::HandOverToAcknowledge | TaskKind::AssessmentDue | TaskKind::Turned16 => &[Role::TownshipStaff],
        // Any organisation may receive a referral (a hospital, a school, a social-work agency…);
        // these are the roles that usually answer.
        TaskKind::ReferralToDecide => &[Role::SocialWorker, Role::TownshipStaff, Role::DistrictOfficer],
        // [S] 二(五): civil affairs applies to the court; the township keeps the record.
        TaskKind::GroundsApproaching | TaskKind::GroundsMet => &[Role::TownshipStaff, Role::DistrictOfficer],
        TaskKind::ImportFinished | TaskKind::ImportFailed => {
            &[Role::TownshipStaff, Role::DistrictOfficer, Role::CityOfficer, Role::ChildDirector]
        }
        TaskKind::AccountToApprove => &[Role::Admin, Role::CityOfficer],
        TaskKind::VisitDue | TaskKind::VisitSentBack => &[Role::ChildDirector],
        TaskKind::VisitToReview => &[Role::ChildSupervisor],
        TaskKind::DropoutStepDue => &[Role::Teacher, Role::SchoolAdmin, Role::EducationOfficer, Role::TownshipStaff],
        // [S] 四(二): the meeting names the unit and the person, whatever their role.
        TaskKind::MeetingTaskDue => Role::ALL,
        // [S] 三(一): the township signs its return off, the district its own (census_round::signs_off);
        // the district reviews its townships', the city its districts' (census_round::reviews).
        TaskKind::CensusReturnToSignOff => &[Role::TownshipStaff, Role::DistrictOfficer],
        TaskKind::CensusReturnToReview => &[Role::DistrictOfficer, Role::CityOfficer],
    }
}

/// [S] 四(一): civil affairs of the district and the city oversee the work of their region;
/// their list also holds the kinds others do whose records they see (reports, cases, files
/// that reached 16, dropout steps), counted per township or district. Visits are the
/// directors' and the supervisors' (the city would count hundreds of thousands).
pub fn oversees(role: Role, kind: TaskKind) -> bool {
    use TaskKind::*;
    matches!(role, Role::DistrictOfficer | Role::CityOfficer)
        && matches!(
            kind,
            ReportToAccept
                | ReportToDispose
                | HandOverToAcknowledge
                | AssessmentDue
                | GroundsApproaching
                | GroundsMet
                | Turned16
                | DropoutStepDue
        )
}

/// The kinds on a role's to-do list: its own work and what it oversees. A referral is
/// answered by whoever works at the organisation it was sent to ([S] 二(四) names hospitals,
/// schools, agencies…), so every role but the administrator may have one.
pub fn kinds_for(role: Role) -> Vec<TaskKind> {
    TaskKind::ALL
        .iter()
        .copied()
        .filter(|k| {
            done_by(*k).contains(&role)
                || oversees(role, *k)
                || (*k == TaskKind::ReferralToDecide && role != Role::Admin)
        })
        .collect()
}

/// The level a role's home page counts per: the townships of a district, the districts of
/// the city; none below.
pub fn counted_per(role: Role) -> Option<Level> {
    match role {
        Role::DistrictOfficer => Some(Level::Township),
        Role::CityOfficer => Some(Level::District),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_task_is_overdue_from_its_due_moment_on() {
        let due = Utc.with_ymd_and_hms(2026, 12, 6, 8, 0, 0).unwrap();
        assert!(!overdue(Some(due), due - chrono::Duration::seconds(1)));
        assert!(overdue(Some(due), due));
        assert!(!overdue(None, due), "no deadline, never overdue");
    }

    #[test]
    fn a_day_deadline_passes_at_midnight_in_china() {
        // 2026-12-06 in China ends at 2026-12-06T16:00Z.
        let d = NaiveDate::from_ymd_opt(2026, 12, 6).expect("day");
        let passes = day_deadline(d);
        assert_eq!(passes, Utc.with_ymd_and_hms(2026, 12, 6, 16, 0, 0).unwrap());
        let noon = Utc.with_ymd_and_hms(2026, 12, 6, 4, 0, 0).unwrap();
        assert!(due_today(Some(passes), noon) && !overdue(Some(passes), noon));
        assert!(overdue(Some(passes), passes), "from midnight on");
        assert!(!due_today(Some(passes + Duration::seconds(1)), noon), "tomorrow's");
        assert!(!due_today(None, noon));
    }

    #[test]
    fn new_is_what_began_after_the_list_was_last_opened() {
        let seen = Utc.with_ymd_and_hms(2026, 12, 6, 4, 0, 0).unwrap();
        assert!(!is_new(seen, Some(seen)));
        assert!(is_new(seen + Duration::seconds(1), Some(seen)));
        assert!(is_new(seen, None), "a list never opened: all new");
    }

    #[test]
    fn civil_affairs_oversee_but_visits_stay_with_the_villages() {
        assert!(kinds_for(Role::CityOfficer).contains(&TaskKind::ReportToAccept));
        assert!(kinds_for(Role::CityOfficer).contains(&TaskKind::AccountToApprove));
        assert!(!kinds_for(Role::CityOfficer).contains(&TaskKind::VisitDue));
        assert!(!kinds_for(Role::TownshipStaff).contains(&TaskKind::ReportToAccept));
        assert_eq!(
            kinds_for(Role::Police),
            vec![
                TaskKind::ReportToAccept,
                TaskKind::ReportToDispose,
                TaskKind::ReferralToDecide,
                TaskKind::MeetingTaskDue
            ]
        );
        assert_eq!(
            kinds_for(Role::ChildSupervisor),
            vec![TaskKind::ReferralToDecide, TaskKind::VisitToReview, TaskKind::MeetingTaskDue]
        );
        assert_eq!(
            kinds_for(Role::Doctor),
            vec![TaskKind::ReferralToDecide, TaskKind::MeetingTaskDue],
            "a hospital may receive a referral, and a meeting's task"
        );
        assert_eq!(kinds_for(Role::Admin), vec![TaskKind::AccountToApprove, TaskKind::MeetingTaskDue]);
        assert_eq!(counted_per(Role::DistrictOfficer), Some(Level::Township));
        assert_eq!(counted_per(Role::TownshipStaff), None);
    }

    #[test]
    fn deadlines_name_their_source() {
        assert_eq!(deadline_source(TaskKind::AssessmentDue).and_then(|d| d.setting), Some("reports.assessment_days"));
        assert!(deadline_source(TaskKind::ImportFailed).is_none());
        for k in TaskKind::ALL {
            if let Some(d) = deadline_source(*k) {
                assert!(d.article.starts_with('['), "{k:?}");
            }
        }
    }

    #[test]
    fn every_kind_is_someones_work() {
        for k in TaskKind::ALL {
            assert!(!done_by(*k).is_empty(), "{k:?}");
        }
    }
}
