//! Assessment and assistance (评估帮扶, [S] 二(四)): the township, with civil affairs and the
//! police, assesses the child's safety, guardianship and physical and mental health, derives
//! a risk level, and arranges services and social assistance. docs/domain.md §2.7, §3.2.

use crate::codes::GuardianshipType;
use chrono::{DateTime, Utc};

crate::codes::code_list! {
    /// Who takes part in an assessment ([S] 二(四)): the township with civil affairs and the
    /// police, helped by the village committee, schools, medical institutions, relatives and
    /// social workers.
    Party {
        Township = "township", "乡镇政府（街道办事处）";
        CivilAffairs = "civil_affairs", "民政部门";
        Police = "police", "公安机关";
        VillageCommittee = "village_committee", "村（居）民委员会";
        School = "school", "中小学校";
        MedicalInstitution = "medical_institution", "医疗机构";
        Relative = "relative", "亲属";
        SocialWorker = "social_worker", "社会工作专业服务机构";
    }
}

crate::codes::code_list! {
    /// An assessment task's state.
    AssessmentState {
        Open = "open", "待评估";
        Completed = "completed", "已评估";
    }
}

crate::codes::code_list! {
    /// [S] 二(四) 安全处境: the child's safety where they are now.
    Safety {
        InDanger = "in_danger", "面临现实危险";
        AtRisk = "at_risk", "存在安全隐患";
        Safe = "safe", "安全";
    }
}

crate::codes::code_list! {
    /// [S] 二(四) 监护情况, graded 较好 / 一般 / 差 by the census definitions ([M16]).
    GuardianshipGrade {
        Poor = "poor", "差";
        Fair = "fair", "一般";
        Good = "good", "较好";
    }
}

crate::codes::code_list! {
    /// [S] 二(四) 身心健康状况, physical and mental alike.
    HealthFinding {
        Serious = "serious", "严重（重伤、重病、需紧急治疗，或有自伤、自杀倾向、严重心理创伤）";
        Concern = "concern", "需要关注（患病、受伤、营养不良，或情绪、行为异常）";
        Good = "good", "良好";
    }
}

/// Which of the two health dimensions a finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HealthAspect {
    Physical,
    Mental,
}

impl HealthFinding {
    /// The finding as the form offers it for one dimension: the physical and the mental
    /// answer each say what they are about, so the two lists never read alike.
    pub fn label_for(self, aspect: HealthAspect) -> &'static str {
        use HealthAspect::*;
        use HealthFinding::*;
        match (aspect, self) {
            (Physical, Serious) => "身体严重受损（重伤、重病或需紧急治疗）",
            (Physical, Concern) => "身体需要关注（患病、受伤或营养不良）",
            (Physical, Good) => "身体健康良好",
            (Mental, Serious) => "心理严重受损（有自伤、自杀倾向或严重心理创伤）",
            (Mental, Concern) => "心理需要关注（情绪或行为异常）",
            (Mental, Good) => "心理健康良好",
        }
    }
}

crate::codes::code_list! {
    /// The assessment's conclusion; the list is declared most serious first.
    RiskLevel {
        High = "high", "高风险";
        Medium = "medium", "中风险";
        Low = "low", "低风险";
    }
}

crate::codes::code_list! {
    /// Why a risk level was given, shown with it.
    RiskReason {
        InDanger = "in_danger", "儿童面临现实危险";
        SeriousHealth = "serious_health", "身体或心理健康状况严重";
        YoungWithPoorCare = "young_with_poor_care", "不满八周岁且监护情况差";
        AtRisk = "at_risk", "存在安全隐患";
        PoorCare = "poor_care", "监护情况差";
        HealthConcern = "health_concern", "身体或心理健康需要关注";
        LivingAlone = "living_alone", "脱离监护单独居住生活";
        FairCareWithNeeds = "fair_care_with_needs", "监护情况一般且儿童残疾或患病";
    }
}

/// [S] 二(四): the township government or street office assesses, together with civil
/// affairs; the district and the city may act on their lists.
pub fn may_run_assessment(role: crate::role::Role) -> bool {
    use crate::role::Role::*;
    matches!(role, TownshipStaff | DistrictOfficer | CityOfficer)
}

/// Who has the list of assessments (评估帮扶) as their work, and so the menu entry to it: those
/// who run the assessment and the assistance ([S] 二(四): the township with civil affairs).
/// The police take part in a case only through the report they handed over ([S] 二(三)) and
/// the measures they record on it ([S] 二(五)); they reach the case from that report.
pub fn has_assessment_list(role: crate::role::Role) -> bool {
    may_run_assessment(role)
}

/// [M16]: the census guardianship types graded for the assessment. No guardian, a parent
/// without capacity, or an entrusted guardian short of capacity is 差; the census's
/// 一般 and 较好 keep their names.
pub fn grade_of(t: GuardianshipType) -> GuardianshipGrade {
    match t {
        GuardianshipType::NoGuardian | GuardianshipType::ParentIncapable | GuardianshipType::EntrustedLacksCapacity => {
            GuardianshipGrade::Poor
        }
        GuardianshipType::Fair => GuardianshipGrade::Fair,
        GuardianshipType::Good => GuardianshipGrade::Good,
    }
}

/// The answers of the seed's three dimensions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Answers {
    pub safety: Safety,
    pub guardianship: GuardianshipGrade,
    pub physical: HealthFinding,
    pub mental: HealthFinding,
}

/// What the child's file adds to the answers.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct ChildFacts {
    /// Full years, when the birth date is known.
    pub age: Option<u32>,
    pub disabled_or_ill: bool,
    pub living_alone: bool,
}

/// A risk level and every reason for it, most serious first.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Risk {
    pub level: RiskLevel,
    pub reasons: Vec<RiskReason>,
}

/// The risk level of an assessment ([S] 二(四) names the dimensions but no scale: these
/// rules are shouhu's [U], and the reasons are shown so the township can disagree).
/// High: a present danger, a serious health finding, or a child under 8 ([UPL] 21: must
/// not be left unattended) whose guardianship is poor. Medium: a safety hazard, poor
/// guardianship, a health concern, living alone ([S] 二(一)), or fair guardianship of a
/// disabled or ill child. Low otherwise.
pub fn risk_level(a: &Answers, facts: &ChildFacts) -> Risk {
    use RiskReason::*;
    let mut high = Vec::new();
    if a.safety == Safety::InDanger {
        high.push(InDanger);
    }
    if a.physical == HealthFinding::Serious || a.mental == HealthFinding::Serious {
        high.push(SeriousHealth);
    }
    if a.guardianship == GuardianshipGrade::Poor && facts.age.is_some_and(|y| y < 8) {
        high.push(YoungWithPoorCare);
    }
    let mut medium = Vec::new();
    if a.safety == Safety::AtRisk {
        medium.push(AtRisk);
    }
    if a.guardianship == GuardianshipGrade::Poor {
        medium.push(PoorCare);
    }
    if a.physical == HealthFinding::Concern || a.mental == HealthFinding::Concern {
        medium.push(HealthConcern);
    }
    if facts.living_alone {
        medium.push(LivingAlone);
    }
    if a.guardianship == GuardianshipGrade::Fair && facts.disabled_or_ill {
        medium.push(FairCareWithNeeds);
    }
    let level = if !high.is_empty() {
        RiskLevel::High
    } else if !medium.is_empty() {
        RiskLevel::Medium
    } else {
        RiskLevel::Low
    };
    high.extend(medium);
    Risk { level, reasons: high }
}

/// [S] 二(四): the assessment is due by its deadline; one not completed by then is overdue
/// (and one completed late stays flagged, so accountability can count it).
pub fn assessment_overdue(due: DateTime<Utc>, completed_at: Option<DateTime<Utc>>, now: DateTime<Utc>) -> bool {
    completed_at.unwrap_or(now) > due
}

crate::codes::code_list! {
    /// Services of an assistance plan ([S] 二(一); docs/domain.md §2.7): care services by
    /// mass organisations, and professional services bought from social-work agencies.
    ServiceKind {
        DayCare = "day_care", "日间照料";
        HomeworkHelp = "homework_help", "课后辅导";
        SelfProtection = "self_protection", "自护教育";
        Counselling = "counselling", "心理辅导";
        GuardianshipGuidance = "guardianship_guidance", "监护指导";
        PsychologicalSupport = "psychological_support", "心理疏导";
        BehaviourCorrection = "behaviour_correction", "行为矫治";
        SocialIntegration = "social_integration", "社会融入";
        FamilyRelations = "family_relations", "家庭关系调适";
    }
}

/// [S] 二(一): the five professional services are bought from social-work agencies
/// (政府购买服务); the other four are the mass organisations' care services.
pub fn is_purchased_service(k: ServiceKind) -> bool {
    use ServiceKind::*;
    matches!(k, GuardianshipGuidance | PsychologicalSupport | BehaviourCorrection | SocialIntegration | FamilyRelations)
}

crate::codes::code_list! {
    /// Where a service stands.
    ServiceStatus {
        Planned = "planned", "已安排";
        InProgress = "in_progress", "进行中";
        Completed = "completed", "已完成";
        Stopped = "stopped", "已中止";
    }
}

/// A service moves forward only: planned → in progress → completed, and may be stopped
/// before it is completed. A completed or stopped service is not reopened (a new one is
/// planned instead, so the record of the first stays as it was).
pub fn may_move_service(from: ServiceStatus, to: ServiceStatus) -> bool {
    use ServiceStatus::*;
    matches!((from, to), (Planned, InProgress) | (InProgress, Completed) | (Planned | InProgress, Stopped))
}

crate::codes::code_list! {
    /// Social assistance a family may be referred to ([S] 二(四), 四(二); [36]).
    AssistanceKind {
        MinimumLiving = "minimum_living", "最低生活保障";
        ExtremePoverty = "extreme_poverty", "特困人员救助供养";
        TemporaryAssistance = "temporary_assistance", "临时救助";
        MedicalAssistance = "medical_assistance", "医疗救助";
        Rehabilitation = "rehabilitation", "残疾儿童康复救助";
        MedicalInsurance = "medical_insurance", "纳入城乡居民医疗保险";
        TemporaryLiving = "temporary_living", "突发事件或重大疾病后的临时生活救助";
    }
}

crate::codes::code_list! {
    /// A referral's way through the receiving organisation.
    ReferralState {
        Sent = "sent", "已转介";
        Accepted = "accepted", "已受理";
        Declined = "declined", "不予受理";
        Granted = "granted", "已获救助";
        Refused = "refused", "经审核不符合条件";
    }
}

/// A referral is accepted or declined by the organisation it was sent to, then granted or
/// refused after its review; nothing goes back.
pub fn may_move_referral(from: ReferralState, to: ReferralState) -> bool {
    use ReferralState::*;
    matches!((from, to), (Sent, Accepted | Declined) | (Accepted, Granted | Refused))
}

crate::codes::code_list! {
    /// What is known of a case, for what a referral passes on to the organisation it is
    /// sent to ([`referral_discloses`]).
    CaseFact {
        ChildName = "child_name", "儿童姓名";
        Village = "village", "所在村（居）";
        Sender = "sender", "转介单位和经办人";
        CaseNumber = "case_number", "评估编号";
        Assessment = "assessment", "评估结果和风险等级";
        ConductRecord = "conduct_record", "监护人行为记录";
        Report = "report", "强制报告内容";
        ChildFile = "child_file", "儿童档案";
    }
}

/// What the organisation a referral is sent to learns of the case. [S] 二(四): "对于监护人
/// 家庭经济困难且符合有关社会救助、社会福利政策的，民政及其他社会救助部门要及时纳入保障范围"
/// — the referral's purpose is that the receiving organisation finds the family and decides
/// on assistance it runs. For that it needs who the child is, the village, who sent the
/// referral (to ask back) and the case's number (to quote when it does), besides the kind of
/// help and the sender's note. The assessment's answers and risk, the guardian's conduct
/// record, the report and the child's file serve the assessment and the intervention, not
/// the assistance, and are not passed on; a receiver that may see the case by its own role
/// and region (casework of its area) opens it as anyone else there would.
pub fn referral_discloses(fact: CaseFact) -> bool {
    use CaseFact::*;
    match fact {
        ChildName | Village | Sender | CaseNumber => true,
        Assessment | ConductRecord | Report | ChildFile => false,
    }
}

/// A decline or a refusal must say why, so the township can act on it (another referral, a
/// different kind of help).
pub fn needs_reason(to: ReferralState) -> bool {
    matches!(to, ReferralState::Declined | ReferralState::Refused)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};

    fn answers(safety: Safety, guardianship: GuardianshipGrade) -> Answers {
        Answers { safety, guardianship, physical: HealthFinding::Good, mental: HealthFinding::Good }
    }

    #[test]
    fn the_census_types_grade_into_three() {
        assert_eq!(grade_of(GuardianshipType::NoGuardian), GuardianshipGrade::Poor);
        assert_eq!(grade_of(GuardianshipType::EntrustedLacksCapacity), GuardianshipGrade::Poor);
        assert_eq!(grade_of(GuardianshipType::Fair), GuardianshipGrade::Fair);
        assert_eq!(grade_of(GuardianshipType::Good), GuardianshipGrade::Good);
    }

    #[test]
    fn a_present_danger_is_high_risk_whatever_else() {
        let r = risk_level(&answers(Safety::InDanger, GuardianshipGrade::Good), &ChildFacts::default());
        assert_eq!((r.level, r.reasons), (RiskLevel::High, vec![RiskReason::InDanger]));
    }

    #[test]
    fn poor_care_is_high_under_eight_and_medium_from_eight() {
        let a = answers(Safety::Safe, GuardianshipGrade::Poor);
        let seven = risk_level(&a, &ChildFacts { age: Some(7), ..ChildFacts::default() });
        assert_eq!(seven.level, RiskLevel::High);
        assert_eq!(seven.reasons, vec![RiskReason::YoungWithPoorCare, RiskReason::PoorCare]);
        let eight = risk_level(&a, &ChildFacts { age: Some(8), ..ChildFacts::default() });
        assert_eq!(eight.level, RiskLevel::Medium);
        let unknown = risk_level(&a, &ChildFacts::default());
        assert_eq!(unknown.level, RiskLevel::Medium, "an unknown age does not raise the level");
    }

    #[test]
    fn serious_health_is_high_and_a_concern_medium() {
        let mut a = answers(Safety::Safe, GuardianshipGrade::Good);
        a.mental = HealthFinding::Serious;
        assert_eq!(risk_level(&a, &ChildFacts::default()).level, RiskLevel::High);
        a.mental = HealthFinding::Concern;
        assert_eq!(risk_level(&a, &ChildFacts::default()).level, RiskLevel::Medium);
    }

    #[test]
    fn fair_care_is_medium_only_with_a_disability_or_illness() {
        let a = answers(Safety::Safe, GuardianshipGrade::Fair);
        assert_eq!(risk_level(&a, &ChildFacts::default()).level, RiskLevel::Low);
        let needs = ChildFacts { disabled_or_ill: true, ..ChildFacts::default() };
        assert_eq!(risk_level(&a, &needs).level, RiskLevel::Medium);
        let alone = ChildFacts { living_alone: true, ..ChildFacts::default() };
        assert_eq!(risk_level(&answers(Safety::Safe, GuardianshipGrade::Good), &alone).level, RiskLevel::Medium);
    }

    #[test]
    fn an_assessment_is_overdue_after_its_deadline_even_once_done() {
        let due = Utc.with_ymd_and_hms(2026, 12, 8, 4, 0, 0).single().expect("valid");
        assert!(!assessment_overdue(due, None, due));
        assert!(assessment_overdue(due, None, due + Duration::seconds(1)));
        assert!(assessment_overdue(due, Some(due + Duration::hours(1)), due + Duration::days(3)));
        assert!(!assessment_overdue(due, Some(due - Duration::hours(1)), due + Duration::days(3)));
    }

    #[test]
    fn the_physical_and_the_mental_findings_never_read_alike() {
        for f in HealthFinding::ALL {
            let (body, mind) = (f.label_for(HealthAspect::Physical), f.label_for(HealthAspect::Mental));
            assert!(body.starts_with("身体") && mind.starts_with("心理"), "{body} / {mind}");
        }
    }

    #[test]
    fn the_assessments_menu_is_for_those_who_assess() {
        use crate::role::Role;
        assert!(has_assessment_list(Role::TownshipStaff) && has_assessment_list(Role::DistrictOfficer));
        assert!(has_assessment_list(Role::CityOfficer));
        assert!(!has_assessment_list(Role::Police) && !has_assessment_list(Role::Teacher));
    }

    #[test]
    fn a_referral_passes_on_who_and_where_but_not_the_assessment() {
        assert!(referral_discloses(CaseFact::ChildName) && referral_discloses(CaseFact::Village));
        assert!(referral_discloses(CaseFact::Sender) && referral_discloses(CaseFact::CaseNumber));
        assert!(!referral_discloses(CaseFact::Assessment) && !referral_discloses(CaseFact::ConductRecord));
        assert!(!referral_discloses(CaseFact::Report) && !referral_discloses(CaseFact::ChildFile));
    }

    #[test]
    fn services_and_referrals_only_move_forward() {
        assert!(may_move_service(ServiceStatus::Planned, ServiceStatus::InProgress));
        assert!(may_move_service(ServiceStatus::InProgress, ServiceStatus::Stopped));
        assert!(!may_move_service(ServiceStatus::Completed, ServiceStatus::InProgress));
        assert!(!may_move_service(ServiceStatus::Planned, ServiceStatus::Completed));
        assert!(may_move_referral(ReferralState::Sent, ReferralState::Declined));
        assert!(!may_move_referral(ReferralState::Declined, ReferralState::Accepted));
        assert!(!may_move_referral(ReferralState::Sent, ReferralState::Granted));
        assert!(needs_reason(ReferralState::Declined) && !needs_reason(ReferralState::Accepted));
        assert!(is_purchased_service(ServiceKind::BehaviourCorrection));
        assert!(!is_purchased_service(ServiceKind::DayCare));
    }
}
