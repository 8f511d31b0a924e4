//! Dropout control (控辍保学, 辍学信息通报制度; [S] 二(一), 三(二), 四(二); [CE] 义务教育法):
//! the school tells the parents or guardian of a left-behind child who drops out, school and
//! family persuade the child to return (劝学, 返学), and when persuasion fails the school
//! reports in writing to the county-level education bureau (区教育局) and the township
//! government, which take lawful measures to bring the child back; a dropout gets financial
//! aid or a school place where the parents work. docs/domain.md §3.3 and §7.
//!
//! A case is its steps, in the law's order. This module decides which step may follow which,
//! which dates are allowed, what is due next and by when; the store only records.

use crate::codes::Schooling;
use crate::error::FieldErrors;
use crate::msg;
use crate::role::{OrgType, Role, Scope};
use crate::settings::DropoutSettings;
use chrono::{Datelike, Duration, NaiveDate};

crate::codes::code_list! {
    /// Why the child is absent, as far as the school knows when it opens the case.
    AbsenceReason {
        Work = "work", "外出打工";
        Family = "family", "家庭原因";
        Illness = "illness", "疾病";
        StudyDifficulty = "study_difficulty", "学习困难、厌学";
        Unknown = "unknown", "原因不明";
        Other = "other", "其他";
    }
}

crate::codes::code_list! {
    /// How the parents or guardian were told ([S] 二(一) 及时通报家长或监护人).
    NoticeChannel {
        Phone = "phone", "电话";
        HomeVisit = "home_visit", "家访";
        AtSchool = "at_school", "到校面谈";
        Written = "written", "书面通知";
        Message = "message", "短信或微信";
    }
}

crate::codes::code_list! {
    /// Who was told of the dropout.
    Told {
        Father = "father", "父亲";
        Mother = "mother", "母亲";
        EntrustedCarer = "entrusted_carer", "受委托监护人";
        OtherGuardian = "other_guardian", "其他监护人";
    }
}

crate::codes::code_list! {
    /// Who took part in a round of persuasion ([S] 二(一): school and family; the village
    /// and the township help, [M19], [CE] 58).
    PersuasionParty {
        School = "school", "学校";
        Family = "family", "家庭（家长或监护人）";
        Village = "village", "村（居）民委员会";
        Township = "township", "乡镇政府（街道办事处）";
    }
}

crate::codes::code_list! {
    /// How a round of persuasion ended.
    PersuasionOutcome {
        Returned = "returned", "已返校";
        Continuing = "continuing", "继续劝返";
        Failed = "failed", "劝返无效";
    }
}

crate::codes::code_list! {
    /// What the education bureau or the township does after the written report ([S] 二(一)
    /// 依法采取措施劝返复学, 三(二) 资助或随迁入学; [CE] 58).
    DropoutMeasure {
        FinancialAid = "financial_aid", "给予资助";
        MigrantEnrolment = "migrant_enrolment", "落实随迁入学（父母工作地入学）";
        SpecialEducation = "special_education", "安排特殊教育";
        AssessmentReferral = "assessment_referral", "转介评估帮扶";
        LegalMeasures = "legal_measures", "依法批评教育、责令限期改正（义务教育法第五十八条）";
    }
}

crate::codes::code_list! {
    /// How a case ends.
    DropoutClose {
        ReturnedToSchool = "returned_to_school", "已返校复学";
        EnrolledElsewhere = "enrolled_elsewhere", "已在其他学校就读";
        PastAge = "past_age", "已超过义务教育年龄";
        MovedAway = "moved_away", "已迁出本区";
    }
}

crate::codes::code_list! {
    /// Where a case stands.
    DropoutState {
        Opened = "opened", "已立案";
        Notified = "notified", "已通知家长";
        Persuading = "persuading", "劝返中";
        Reported = "reported", "已书面报告";
        Closed = "closed", "已结案";
    }
}

crate::codes::code_list! {
    /// A step of a case, in the law's order.
    DropoutStepKind {
        Opened = "opened", "立案";
        Notified = "notified", "通知家长或监护人";
        Persuasion = "persuasion", "劝返";
        Reported = "reported", "书面报告";
        Measure = "measure", "采取措施";
        Closed = "closed", "结案";
        Reopened = "reopened", "再次辍学，重新立案";
    }
}

/// [CE] 2 and 11: compulsory education is nine years, and a child enrols when they have
/// reached 6 (where conditions are lacking, 7). A child is of compulsory-education age from 6
/// full years up to and including 16, the age at which a child who started at 7 finishes
/// the ninth year; a case for a younger or older child is refused.
pub fn is_compulsory_age(age: u32) -> bool {
    (COMPULSORY_FROM..=COMPULSORY_TO).contains(&age)
}

/// [CE] 11: the age of enrolment.
pub const COMPULSORY_FROM: u32 = 6;
/// [CE] 2, 11: seven (the latest start) plus nine years.
pub const COMPULSORY_TO: u32 = 16;

/// School staff who open and work a case: a teacher or school administrator of a school or
/// kindergarten ([S] 二(一): 学校要将……辍学信息及时通报家长或监护人).
pub fn is_school_staff(role: Role, org_type: OrgType) -> bool {
    matches!(role, Role::Teacher | Role::SchoolAdmin) && org_type.scoped_by_enrolment()
}

/// Who records the measures after the written report: the county-level education bureau
/// and the township government it was sent to ([S] 二(一) 书面报告县级教育行政部门和乡镇人民政府，
/// 依法采取措施劝返复学; [CE] 58).
pub fn may_record_measures(role: Role) -> bool {
    matches!(role, Role::EducationOfficer | Role::TownshipStaff)
}

/// Who receives the written reports (their inbox): the same two.
pub fn receives_reports(role: Role) -> bool {
    may_record_measures(role)
}

/// Who may close a case: the school, which sees the child back, and the two who act after
/// the report.
pub fn may_close(role: Role, org_type: OrgType) -> bool {
    is_school_staff(role, org_type) || may_record_measures(role)
}

/// Which cases a user reads: school staff those of their school; the education bureau, the
/// township, the village child director (who helps with the return to school, [M19]), the
/// township's child supervisor (who oversees the directors' part, [M19]; [UPL] 43; reading
/// only) and civil affairs (oversight, [S] 四(一)) those of their region. Nobody else.
pub fn case_scope(role: Role, org_type: OrgType, org_id: i64, region_code: &str) -> Scope {
    if is_school_staff(role, org_type) {
        Scope::School(org_id)
    } else if matches!(
        role,
        Role::EducationOfficer
            | Role::TownshipStaff
            | Role::ChildDirector
            | Role::ChildSupervisor
            | Role::DistrictOfficer
            | Role::CityOfficer
    ) {
        Scope::Region(region_code.to_string())
    } else {
        Scope::Nothing
    }
}

/// Who sees the district table of dropouts: the education bureau and civil affairs of the
/// district and the city, and the township for its own.
pub fn sees_district_table(role: Role) -> bool {
    matches!(role, Role::EducationOfficer | Role::TownshipStaff | Role::DistrictOfficer | Role::CityOfficer)
}

/// A recorded step, as far as the order of steps needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct StepFact {
    pub kind: DropoutStepKind,
    pub on: NaiveDate,
    pub outcome: Option<PersuasionOutcome>,
    pub close: Option<DropoutClose>,
}

/// Where a case stands, from its steps (those since its last reopening decide).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Progress {
    pub state: DropoutState,
    /// The latest step's date: no step may be dated before it.
    pub last_on: NaiveDate,
    /// The day the case (or its reopening) says the absence began.
    pub absent_since: NaiveDate,
    pub notified_on: Option<NaiveDate>,
    /// The latest round of persuasion since the case (re)opened.
    pub last_round: Option<(NaiveDate, PersuasionOutcome)>,
    /// Rounds that failed since the case (re)opened.
    pub failed_rounds: u32,
    pub reported_on: Option<NaiveDate>,
    pub measures: u32,
    pub closed: Option<DropoutClose>,
}

/// Reads a case's steps in their order. `None` for no steps (no case).
pub fn progress(steps: &[StepFact]) -> Option<Progress> {
    let first = steps.first()?;
    let mut p = Progress {
        state: DropoutState::Opened,
        last_on: first.on,
        absent_since: first.on,
        notified_on: None,
        last_round: None,
        failed_rounds: 0,
        reported_on: None,
        measures: 0,
        closed: None,
    };
    for s in steps {
        p.last_on = p.last_on.max(s.on);
        match s.kind {
            DropoutStepKind::Opened | DropoutStepKind::Reopened => {
                p = Progress { state: DropoutState::Opened, last_on: p.last_on, absent_since: s.on, ..p };
                p.notified_on = None;
                p.last_round = None;
                p.failed_rounds = 0;
                p.reported_on = None;
                p.measures = 0;
                p.closed = None;
            }
            DropoutStepKind::Notified => {
                p.state = DropoutState::Notified;
                p.notified_on.get_or_insert(s.on);
            }
            DropoutStepKind::Persuasion => {
                p.state = DropoutState::Persuading;
                let o = s.outcome.unwrap_or(PersuasionOutcome::Continuing);
                p.last_round = Some((s.on, o));
                if o == PersuasionOutcome::Failed {
                    p.failed_rounds += 1;
                }
            }
            DropoutStepKind::Reported => {
                p.state = DropoutState::Reported;
                p.reported_on = Some(s.on);
            }
            DropoutStepKind::Measure => p.measures += 1,
            DropoutStepKind::Closed => {
                p.state = DropoutState::Closed;
                p.closed = s.close;
            }
        }
    }
    Some(p)
}

/// Whether `kind` may follow where the case stands ([S] 二(一): notify, then persuade, then,
/// when persuasion fails, report in writing; the measures follow the report). A refusal
/// names the step's field `step` with why.
pub fn may_follow(p: &Progress, kind: DropoutStepKind) -> Result<(), &'static str> {
    use DropoutState as S;
    let ok = match kind {
        DropoutStepKind::Opened => false,
        DropoutStepKind::Notified => matches!(p.state, S::Opened | S::Notified),
        DropoutStepKind::Persuasion => matches!(p.state, S::Notified | S::Persuading),
        DropoutStepKind::Reported => {
            if p.state == S::Persuading && p.failed_rounds == 0 {
                return Err(msg::DROPOUT_REPORT_NEEDS_FAILED_ROUND);
            }
            p.state == S::Persuading
        }
        DropoutStepKind::Measure => p.state == S::Reported,
        DropoutStepKind::Closed => p.state != S::Closed,
        DropoutStepKind::Reopened => p.state == S::Closed && p.closed == Some(DropoutClose::ReturnedToSchool),
    };
    if ok {
        Ok(())
    } else {
        Err(match (kind, p.state) {
            (_, S::Closed) if kind != DropoutStepKind::Reopened => msg::DROPOUT_CASE_CLOSED,
            (DropoutStepKind::Reopened, _) => msg::DROPOUT_REOPEN_ONLY_RETURNED,
            (DropoutStepKind::Persuasion, S::Opened) => msg::DROPOUT_NOTIFY_FIRST,
            (DropoutStepKind::Reported, S::Opened | S::Notified) => msg::DROPOUT_REPORT_NEEDS_FAILED_ROUND,
            (DropoutStepKind::Measure, _) => msg::DROPOUT_MEASURE_AFTER_REPORT,
            _ => msg::DROPOUT_STEP_OUT_OF_ORDER,
        })
    }
}

/// A step's date: not in the future, not before the case's latest step (the steps are the
/// law's order in time too). Named `date` in the refusal.
pub fn check_step_date(on: NaiveDate, last_on: Option<NaiveDate>, today: NaiveDate) -> Result<(), &'static str> {
    if on > today {
        Err(msg::DATE_IN_FUTURE)
    } else if last_on.is_some_and(|l| on < l) {
        Err(msg::DROPOUT_DATE_BEFORE_LAST)
    } else {
        Ok(())
    }
}

/// [S] 二(一) tells the parents *or* the guardian; [UPL] 22–23 keep the parents answerable for
/// an entrusted child, who must be told with the carer: for a child in entrusted care the
/// carer and at least one parent; otherwise anyone of them.
pub fn notification_covers(entrusted: bool, told: &[Told]) -> Result<(), &'static str> {
    if told.is_empty() {
        return Err(msg::REQUIRED);
    }
    if entrusted
        && !(told.contains(&Told::EntrustedCarer) && (told.contains(&Told::Father) || told.contains(&Told::Mother)))
    {
        return Err(msg::DROPOUT_TELL_CARER_AND_PARENT);
    }
    Ok(())
}

/// What the case waits for next.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NextAction {
    Notify,
    /// The first round, or another after one that goes on.
    Persuade,
    /// Persuasion failed: the written report is due.
    Report,
    /// The report is sent: the bureau's or the township's measures.
    Measures,
    /// The child is back (a round says so), or measures are under way: the case may close.
    Close,
    /// Closed; a failed return may reopen it.
    Nothing,
}

impl NextAction {
    pub fn code(self) -> &'static str {
        match self {
            NextAction::Notify => "notify",
            NextAction::Persuade => "persuade",
            NextAction::Report => "report",
            NextAction::Measures => "measures",
            NextAction::Close => "close",
            NextAction::Nothing => "nothing",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NextAction::Notify => msg::DROPOUT_NEXT_NOTIFY,
            NextAction::Persuade => msg::DROPOUT_NEXT_PERSUADE,
            NextAction::Report => msg::DROPOUT_NEXT_REPORT,
            NextAction::Measures => msg::DROPOUT_NEXT_MEASURES,
            NextAction::Close => msg::DROPOUT_NEXT_CLOSE,
            NextAction::Nothing => msg::DROPOUT_NEXT_NOTHING,
        }
    }
}

/// The one next action of a case.
pub fn next_action(p: &Progress) -> NextAction {
    match p.state {
        DropoutState::Opened => NextAction::Notify,
        DropoutState::Notified => NextAction::Persuade,
        DropoutState::Persuading => match p.last_round.map(|r| r.1) {
            Some(PersuasionOutcome::Returned) => NextAction::Close,
            Some(PersuasionOutcome::Failed) => NextAction::Report,
            _ => NextAction::Persuade,
        },
        DropoutState::Reported if p.measures == 0 => NextAction::Measures,
        DropoutState::Reported => NextAction::Close,
        DropoutState::Closed => NextAction::Nothing,
    }
}

/// When the next action is due (settings `dropout.*`; no text fixes these days, [U]): the
/// notice after the first day of absence; the first round after the notice, and each next
/// round after one that goes on; the report after a failed round; the first measure after
/// the report. `None` where nothing is due by a day (a child back, measures under way, closed).
pub fn due(p: &Progress, s: &DropoutSettings) -> Option<NaiveDate> {
    let plus = |d: NaiveDate, days: i64| d.checked_add_signed(Duration::days(days));
    match next_action(p) {
        NextAction::Notify => plus(p.absent_since, s.notify_days),
        NextAction::Persuade => match p.last_round {
            Some((on, _)) => plus(on, s.persuasion_days),
            None => plus(p.notified_on.unwrap_or(p.last_on), s.persuasion_days),
        },
        NextAction::Report => plus(p.last_round.map_or(p.last_on, |r| r.0), s.report_days),
        NextAction::Measures => plus(p.reported_on.unwrap_or(p.last_on), s.measure_days),
        NextAction::Close | NextAction::Nothing => None,
    }
}

/// The stage a file shows while its case is open ([M16] 辍学), and the stage it goes back to
/// when the child returns: the one before, or the stage of the age when the file had none.
pub fn stage_on_return(before: Option<Schooling>, age: u32) -> Schooling {
    match before {
        Some(s @ (Schooling::Primary | Schooling::JuniorHigh)) => s,
        _ if age >= 12 => Schooling::JuniorHigh,
        _ => Schooling::Primary,
    }
}

/// The written report's number: 辍报〔year〕district-sequence, one sequence per district and
/// year, so the bureau files it by year as it files paper.
pub fn report_number(district: &str, on: NaiveDate, seq: i64) -> String {
    format!("辍报〔{}〕{district}-{seq:04}", on.year())
}

/// The reasons typed at opening: at least one; `other` needs a note.
pub fn check_reasons(reasons: &[AbsenceReason], note: Option<&str>) -> FieldErrors {
    let mut errs = FieldErrors::default();
    if reasons.is_empty() {
        errs.add("reasons", msg::REQUIRED);
    }
    if reasons.contains(&AbsenceReason::Other) && note.is_none_or(|n| n.trim().is_empty()) {
        errs.add("note", msg::DROPOUT_OTHER_NEEDS_NOTE);
    }
    errs
}

/// The longest grade, class or term on a school's roll.
pub const ROSTER_TEXT_MAX: usize = 20;

/// A row of a school's roll (在校留守儿童名册; [S] 三(一): schools supply the children enrolled
/// with them to the census): a name, a valid ID number (the match to a file is by it, [M16]),
/// a grade and class of at most [`ROSTER_TEXT_MAX`] characters. Returns the normalised ID
/// number, or the fields at fault (`name`, `id_number`, `grade`, `class`).
pub fn check_roster_row(
    name: &str,
    id_number: &str,
    grade: &str,
    class: &str,
    today: NaiveDate,
) -> Result<String, FieldErrors> {
    let mut errs = FieldErrors::default();
    let name = name.trim();
    if name.is_empty() {
        errs.add("name", msg::REQUIRED);
    } else if name.chars().any(crate::validate::refused_in_name) {
        errs.add("name", msg::NAME_CHARS);
    }
    let id = match crate::id_number::parse(id_number, today) {
        Ok(id) => Some(id.as_str().to_string()),
        Err(e) => {
            errs.add("id_number", crate::validate::id_error_message(&e));
            None
        }
    };
    for (field, v) in [("grade", grade), ("class", class)] {
        if v.chars().count() > ROSTER_TEXT_MAX {
            errs.add(field, msg::too_long(ROSTER_TEXT_MAX));
        }
    }
    match id {
        Some(id) if errs.is_empty() => Ok(id),
        _ => Err(errs),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("date")
    }

    fn step(kind: DropoutStepKind, on: NaiveDate) -> StepFact {
        StepFact { kind, on, outcome: None, close: None }
    }

    fn round(on: NaiveDate, o: PersuasionOutcome) -> StepFact {
        StepFact { kind: DropoutStepKind::Persuasion, on, outcome: Some(o), close: None }
    }

    #[test]
    fn a_roster_row_needs_a_name_and_a_valid_id_number() {
        let today = d(11, 29);
        assert_eq!(
            check_roster_row("张三", "110101202311012176", "一年级", "3班", today),
            Ok("110101202311012176".into())
        );
        let e = check_roster_row("", "12345", "", "", today).expect_err("bad");
        assert!(e.get("name").is_some() && e.get("id_number").is_some());
        let e = check_roster_row("李四", "11010519491231002X", &"年".repeat(21), "", today).expect_err("long");
        assert!(e.get("grade").is_some() && e.get("id_number").is_none());
    }

    #[test]
    fn compulsory_age_is_6_to_16() {
        assert!(!is_compulsory_age(5));
        assert!(is_compulsory_age(6));
        assert!(is_compulsory_age(16));
        assert!(!is_compulsory_age(17));
    }

    #[test]
    fn steps_follow_the_laws_order() {
        let p = progress(&[step(DropoutStepKind::Opened, d(11, 2))]).expect("case");
        assert_eq!(next_action(&p), NextAction::Notify);
        assert_eq!(may_follow(&p, DropoutStepKind::Persuasion), Err(msg::DROPOUT_NOTIFY_FIRST));
        assert_eq!(may_follow(&p, DropoutStepKind::Reported), Err(msg::DROPOUT_REPORT_NEEDS_FAILED_ROUND));
        assert_eq!(may_follow(&p, DropoutStepKind::Measure), Err(msg::DROPOUT_MEASURE_AFTER_REPORT));
        assert!(may_follow(&p, DropoutStepKind::Notified).is_ok());
        assert!(may_follow(&p, DropoutStepKind::Closed).is_ok(), "a child who moved away closes at once");
        let mut steps = vec![step(DropoutStepKind::Opened, d(11, 2)), step(DropoutStepKind::Notified, d(11, 3))];
        steps.push(round(d(11, 5), PersuasionOutcome::Continuing));
        let p = progress(&steps).expect("case");
        assert_eq!(may_follow(&p, DropoutStepKind::Reported), Err(msg::DROPOUT_REPORT_NEEDS_FAILED_ROUND));
        assert_eq!(next_action(&p), NextAction::Persuade);
        steps.push(round(d(11, 9), PersuasionOutcome::Failed));
        let p = progress(&steps).expect("case");
        assert!(may_follow(&p, DropoutStepKind::Reported).is_ok());
        assert_eq!(next_action(&p), NextAction::Report);
        steps.push(step(DropoutStepKind::Reported, d(11, 10)));
        let p = progress(&steps).expect("case");
        assert_eq!(next_action(&p), NextAction::Measures);
        assert!(may_follow(&p, DropoutStepKind::Persuasion).is_err(), "after the report, measures");
        assert!(may_follow(&p, DropoutStepKind::Reported).is_err(), "one report");
        steps.push(step(DropoutStepKind::Measure, d(11, 12)));
        let p = progress(&steps).expect("case");
        assert_eq!(next_action(&p), NextAction::Close);
        steps.push(StepFact {
            kind: DropoutStepKind::Closed,
            on: d(11, 20),
            outcome: None,
            close: Some(DropoutClose::ReturnedToSchool),
        });
        let p = progress(&steps).expect("case");
        assert_eq!(p.state, DropoutState::Closed);
        assert_eq!(may_follow(&p, DropoutStepKind::Notified), Err(msg::DROPOUT_CASE_CLOSED));
        assert!(may_follow(&p, DropoutStepKind::Reopened).is_ok());
        steps.push(step(DropoutStepKind::Reopened, d(11, 25)));
        let p = progress(&steps).expect("case");
        assert_eq!((p.state, p.failed_rounds, p.absent_since), (DropoutState::Opened, 0, d(11, 25)));
        assert_eq!(may_follow(&p, DropoutStepKind::Reported), Err(msg::DROPOUT_REPORT_NEEDS_FAILED_ROUND));
    }

    #[test]
    fn only_a_return_reopens() {
        let steps = [
            step(DropoutStepKind::Opened, d(11, 2)),
            StepFact {
                kind: DropoutStepKind::Closed,
                on: d(11, 3),
                outcome: None,
                close: Some(DropoutClose::MovedAway),
            },
        ];
        let p = progress(&steps).expect("case");
        assert_eq!(may_follow(&p, DropoutStepKind::Reopened), Err(msg::DROPOUT_REOPEN_ONLY_RETURNED));
    }

    #[test]
    fn dates_go_forward_and_not_past_today() {
        let today = d(11, 29);
        assert!(check_step_date(today, Some(d(11, 28)), today).is_ok());
        assert!(check_step_date(d(11, 28), Some(d(11, 28)), today).is_ok(), "the same day");
        assert_eq!(check_step_date(d(11, 27), Some(d(11, 28)), today), Err(msg::DROPOUT_DATE_BEFORE_LAST));
        assert_eq!(check_step_date(d(11, 30), None, today), Err(msg::DATE_IN_FUTURE));
    }

    #[test]
    fn an_entrusted_child_is_told_with_carer_and_a_parent() {
        assert!(notification_covers(false, &[Told::Mother]).is_ok());
        assert_eq!(notification_covers(false, &[]), Err(msg::REQUIRED));
        assert_eq!(notification_covers(true, &[Told::EntrustedCarer]), Err(msg::DROPOUT_TELL_CARER_AND_PARENT));
        assert_eq!(notification_covers(true, &[Told::Father]), Err(msg::DROPOUT_TELL_CARER_AND_PARENT));
        assert!(notification_covers(true, &[Told::EntrustedCarer, Told::Father]).is_ok());
    }

    #[test]
    fn deadlines_follow_the_settings() {
        let s = DropoutSettings { notify_days: 3, persuasion_days: 7, report_days: 5, measure_days: 15 };
        let mut steps = vec![step(DropoutStepKind::Opened, d(11, 2))];
        assert_eq!(due(&progress(&steps).expect("case"), &s), Some(d(11, 5)));
        steps.push(step(DropoutStepKind::Notified, d(11, 4)));
        assert_eq!(due(&progress(&steps).expect("case"), &s), Some(d(11, 11)));
        steps.push(round(d(11, 6), PersuasionOutcome::Failed));
        assert_eq!(due(&progress(&steps).expect("case"), &s), Some(d(11, 11)));
        steps.push(step(DropoutStepKind::Reported, d(11, 7)));
        assert_eq!(due(&progress(&steps).expect("case"), &s), Some(d(11, 22)));
        steps.push(step(DropoutStepKind::Measure, d(11, 8)));
        assert_eq!(due(&progress(&steps).expect("case"), &s), None);
    }

    #[test]
    fn who_works_which_cases() {
        assert_eq!(case_scope(Role::Teacher, OrgType::School, 7, "120114"), Scope::School(7));
        assert_eq!(case_scope(Role::SchoolAdmin, OrgType::School, 7, "120114"), Scope::School(7));
        assert_eq!(case_scope(Role::Teacher, OrgType::TownshipGovernment, 7, "120114"), Scope::Nothing);
        assert_eq!(
            case_scope(Role::EducationOfficer, OrgType::DistrictEducationBureau, 9, "120114"),
            Scope::Region("120114".into())
        );
        assert_eq!(case_scope(Role::Doctor, OrgType::Hospital, 3, "120114"), Scope::Nothing);
        assert_eq!(
            case_scope(Role::ChildSupervisor, OrgType::TownshipGovernment, 4, "120114101"),
            Scope::Region("120114101".into()),
            "the supervisor reads the township's cases"
        );
        assert!(!may_close(Role::ChildSupervisor, OrgType::TownshipGovernment), "and closes none");
        assert!(may_record_measures(Role::EducationOfficer) && may_record_measures(Role::TownshipStaff));
        assert!(!may_record_measures(Role::Teacher));
        assert!(may_close(Role::Teacher, OrgType::School));
        assert!(!may_close(Role::ChildDirector, OrgType::VillageCommittee));
    }

    #[test]
    fn reasons_and_numbers() {
        assert_eq!(check_reasons(&[], None).get("reasons"), Some(msg::REQUIRED));
        assert_eq!(check_reasons(&[AbsenceReason::Other], Some(" ")).get("note"), Some(msg::DROPOUT_OTHER_NEEDS_NOTE));
        assert!(check_reasons(&[AbsenceReason::Work], None).is_empty());
        assert_eq!(report_number("120114", d(11, 9), 7), "辍报〔2026〕120114-0007");
        assert_eq!(stage_on_return(Some(Schooling::JuniorHigh), 9), Schooling::JuniorHigh);
        assert_eq!(stage_on_return(Some(Schooling::DroppedOut), 13), Schooling::JuniorHigh);
        assert_eq!(stage_on_return(None, 8), Schooling::Primary);
    }
}
