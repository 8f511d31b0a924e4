//! What is someone's to do (待办, issue 19): one notion of a task for every workflow.
//!
//! A task is computed from the records (a report not yet accepted, an assessment not yet
//! done…), never ticked off by hand: it ends by itself when the work it names is done. This
//! module names the kinds, whose they are and which rule or setting gives their deadline;
//! the store computes them in the user's scope, and the notifications announce new ones.

use crate::role::Role;
use chrono::{DateTime, Utc};

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

/// The roles that do each kind of work (the law's roles; the store adds the region or
/// organisation). Filled in with the to-do list.
pub fn done_by(kind: TaskKind) -> &'static [Role] {
    match kind {
        TaskKind::ReportToAccept | TaskKind::ReportToDispose => &[Role::Police],
        TaskKind::HandOverToAcknowledge | TaskKind::AssessmentDue | TaskKind::Turned16 => &[Role::TownshipStaff],
        TaskKind::ReferralToDecide => &[Role::SocialWorker, Role::TownshipStaff, Role::DistrictOfficer],
        TaskKind::GroundsApproaching | TaskKind::GroundsMet => &[Role::TownshipStaff, Role::DistrictOfficer],
        TaskKind::ImportFinished | TaskKind::ImportFailed => {
            &[Role::TownshipStaff, Role::DistrictOfficer, Role::CityOfficer, Role::ChildDirector]
        }
        TaskKind::AccountToApprove => &[Role::Admin, Role::CityOfficer],
        TaskKind::VisitDue | TaskKind::VisitSentBack => &[Role::ChildDirector],
        TaskKind::VisitToReview => &[Role::ChildSupervisor],
        TaskKind::DropoutStepDue => &[Role::SchoolAdmin, Role::EducationOfficer, Role::TownshipStaff],
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
    fn every_kind_is_someones_work() {
        for k in TaskKind::ALL {
            assert!(!done_by(*k).is_empty(), "{k:?}");
        }
    }
}
