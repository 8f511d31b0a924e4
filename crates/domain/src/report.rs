//! Mandatory reporting and police emergency response (强制报告, 应急处置): what may be
//! reported, who must report, how urgent a report is, the order of the police's steps, what
//! the police must do for each kind of case, and the deadlines that accountability counts.
//! docs/domain.md §2.2–2.5.

use crate::role::{OrgType, Role};
use chrono::{DateTime, Duration, Utc};

crate::codes::code_list! {
    /// What a reporter saw: the seed's seven ([S] 二(二)) and the 2020 opinion's nine ([MR]).
    /// Several may apply to one report.
    Situation {
        LivingAlone = "living_alone", "脱离监护单独居住生活";
        Missing = "missing", "失踪";
        GuardianIncapable = "guardian_incapable", "监护人丧失监护能力";
        GuardianNotPerforming = "guardian_not_performing", "监护人不履行监护责任";
        DomesticViolence = "domestic_violence", "疑似遭受家庭暴力";
        AccidentalInjury = "accidental_injury", "疑似遭受意外伤害";
        UnlawfulHarm = "unlawful_harm", "疑似遭受不法侵害";
        GenitalInjury = "genital_injury", "生殖器官或隐私部位遭受或疑似遭受非正常损伤";
        GirlUnder14Sexual = "girl_under_14_sexual", "不满十四周岁的女性遭受或疑似遭受性侵害、怀孕、流产";
        Girl14PlusPregnancyAssault = "girl_14_plus_pregnancy_assault", "十四周岁以上女性因遭受性侵害导致怀孕、流产";
        SevereInjuryAbuse = "severe_injury_abuse", "多处损伤、严重营养不良、意识不清，存在或疑似存在家庭暴力、欺凌、虐待、殴打或被人麻醉等情形";
        AbnormalDisabilityDeath = "abnormal_disability_death", "因自杀、自残、工伤、中毒、被人麻醉、殴打等非正常原因导致伤残、死亡";
        AbandonedUnattended = "abandoned_unattended", "被遗弃或长期处于无人照料状态";
        Trafficked = "trafficked", "来源不明、失踪或者被拐卖、收买";
        OrganisedBegging = "organised_begging", "被组织乞讨";
        OtherSeriousHarm = "other_serious_harm", "其他严重侵害或面临不法侵害危险";
    }
}

crate::codes::code_list! {
    /// How a report came in: from a mandatory reporter's account, or from the public page.
    Channel {
        Member = "member", "机构报告";
        Public = "public", "群众报告";
    }
}

crate::codes::code_list! {
    /// How soon the duty desk must act; the queue is ordered by this, then by age.
    Urgency {
        Critical = "critical", "紧急";
        High = "high", "较急";
        Normal = "normal", "一般";
    }
}

impl Urgency {
    /// Sort key: lower is more urgent (the list is declared most urgent first).
    pub fn rank(self) -> u8 {
        self as u8
    }
}

/// The duty desk's order: a missing child and harm to a child come first, because every
/// hour lost widens the search ([S] 二(三), the missing-child rapid-search mechanism) or
/// lets harm go on ([DV] 15); a child alone or unattended comes next.
pub fn urgency(situations: &[Situation]) -> Urgency {
    use Situation::*;
    let critical = |s: &Situation| {
        matches!(
            s,
            Missing
                | Trafficked
                | DomesticViolence
                | UnlawfulHarm
                | GenitalInjury
                | GirlUnder14Sexual
                | Girl14PlusPregnancyAssault
                | SevereInjuryAbuse
                | AbnormalDisabilityDeath
                | OtherSeriousHarm
        )
    };
    let high = |s: &Situation| {
        matches!(s, LivingAlone | AbandonedUnattended | AccidentalInjury | OrganisedBegging | GuardianIncapable)
    };
    if situations.iter().any(critical) {
        Urgency::Critical
    } else if situations.iter().any(high) {
        Urgency::High
    } else {
        Urgency::Normal
    }
}

/// The age from which [MR] 一(三) applies to a girl instead of 一(二): 14 full years.
pub const MR_GIRL_AGE: u32 = 14;

/// [MR] 一(二)–(三): two of the situations are defined by the child: (2) is a girl under
/// 14 (any sexual assault, pregnancy or abortion), (3) a girl of 14 or over (pregnancy or
/// abortion caused by sexual assault). For a child picked from the registry, `Err` names the
/// situations that fit the registered sex and age instead; a fact the file does not hold
/// (sex or birth date) refuses nothing, so the reporter's account stands. The age is in
/// full years on `on` (the day of discovery in China) under `rule` (decision 17).
pub fn situation_fits_registered_child(
    s: Situation,
    sex: Option<crate::codes::Sex>,
    birth: Option<chrono::NaiveDate>,
    on: chrono::NaiveDate,
    rule: crate::age::AgeRule,
) -> Result<(), &'static [Situation]> {
    use crate::codes::Sex;
    // For a boy, harm to the genitals or private parts, or any other serious harm ([MR] (1), (9)).
    const FOR_A_BOY: &[Situation] = &[Situation::GenitalInjury, Situation::OtherSeriousHarm];
    let under_14 = birth.and_then(|b| crate::age::full_years(b, on, rule)).map(|a| a < MR_GIRL_AGE);
    match s {
        Situation::GirlUnder14Sexual | Situation::Girl14PlusPregnancyAssault if sex == Some(Sex::Male) => {
            Err(FOR_A_BOY)
        }
        // (3) covers only a pregnancy or abortion; any other sexual assault of an older girl is (9).
        Situation::GirlUnder14Sexual if under_14 == Some(false) => {
            Err(&[Situation::Girl14PlusPregnancyAssault, Situation::OtherSeriousHarm])
        }
        Situation::Girl14PlusPregnancyAssault if under_14 == Some(true) => Err(&[Situation::GirlUnder14Sexual]),
        _ => Ok(()),
    }
}

/// The law that makes an organisation of this type, and its staff, report harm to the police
/// at once; `None` for a type no law names (its people may still report, and are praised).
/// [S] 二(二) and [13] name schools, kindergartens, medical institutions, village and
/// residents' committees, social-work service agencies, relief-management agencies and welfare
/// institutions; [MR] adds state organs: governments and their departments (townships,
/// street offices, civil affairs) and the police.
pub fn mandatory_reporter_source(org_type: OrgType) -> Option<&'static str> {
    use OrgType::*;
    // No wildcard: a new kind of organisation does not compile until someone decides from
    // the law whether it must report.
    match org_type {
        School | Kindergarten | Hospital | VillageCommittee | ResidentsCommittee | SocialWorkAgency | ReliefAgency
        | WelfareInstitution => Some("[S] 二(二); [13]"),
        TownshipGovernment | StreetOffice | CityCivilAffairs | DistrictCivilAffairs | PoliceStation => Some("[MR]"),
        // The county-level education bureau is a government department (issue 18).
        DistrictEducationBureau => Some("[MR]"),
        // The joint meeting's member departments (issue 20): the government departments are
        // state organs ([MR]); the mass organisations (unions, Youth League, Women's and
        // Disabled Persons' Federations, 关工委) are not state organs and no text shouhu
        // follows names them, so their people report as anyone does.
        EducationCommission | PublicSecurityBureau | JusticeBureau | HealthCommission | HumanResourcesBureau
        | FinanceBureau => Some("[MR]"),
        TradeUnion | YouthLeague | WomensFederation | DisabledPersonsFederation | CareCommittee => None,
    }
}

/// Whether an organisation of this type must report ([`mandatory_reporter_source`]).
pub fn is_mandatory_reporter(org_type: OrgType) -> bool {
    mandatory_reporter_source(org_type).is_some()
}

/// [S] 二(二): a mandatory reporter must report at once; the law gives no number, so `limit`
/// is the setting `reports.late_report_hours` [U]. A report made more than `limit` after
/// discovery is flagged for the accountability of the reporter's unit.
pub fn reported_late(discovered_at: DateTime<Utc>, reported_at: DateTime<Utc>, limit: Duration) -> bool {
    reported_at - discovered_at > limit
}

/// A discovery cannot lie in the future. The allowance `skew` (setting
/// `reports.discovery_clock_skew_minutes`) absorbs a phone clock running a little fast, which
/// must not make a genuine report fail.
pub fn discovery_in_future(discovered_at: DateTime<Utc>, now: DateTime<Utc>, skew: Duration) -> bool {
    discovered_at > now + skew
}

/// The 团圆 release radius for a missing child, by the time since disappearance: 100 km
/// within the first hour, 200 km within two, 300 km within three, 500 km beyond
/// (docs/domain.md §2.4, national practice of the missing-child rapid-search mechanism).
pub fn release_radius_km(since_disappearance: Duration) -> u32 {
    let minutes = since_disappearance.num_minutes().max(0);
    match minutes {
        0..=60 => 100,
        61..=120 => 200,
        121..=180 => 300,
        _ => 500,
    }
}

crate::codes::code_list! {
    /// The police's part of a report, in order; a report moves one step at a time.
    Step {
        Filed = "filed", "已报告";
        Accepted = "accepted", "已受理";
        Dispatched = "dispatched", "已出警";
        OnScene = "on_scene", "已到达现场";
        Disposed = "disposed", "已处置";
        HandedOver = "handed_over", "已通报乡镇（街道）";
    }
}

/// [S] 二(三): the police accept a report, go out at once, act by the kind of case, and
/// then notify the township government or street office. Each step follows the one before;
/// none may be skipped or repeated, so the timeline shows when each happened.
pub fn next_step(current: Step) -> Option<Step> {
    // `Step` is declared in the law's order.
    Step::ALL.get(current as usize + 1).copied()
}

/// [S] 二(三): the police station receives reports and acts on them; nobody else moves a
/// report through the police's steps.
pub fn may_act_as_duty_desk(role: Role, org_type: OrgType) -> bool {
    role == Role::Police && org_type == OrgType::PoliceStation
}

/// [MR], [DV] 14: the reporter's identity is confidential; only the police and civil
/// affairs may see who reported.
pub fn may_see_reporter(role: Role) -> bool {
    matches!(role, Role::Police | Role::CityOfficer | Role::DistrictOfficer)
}

/// [MR], [DV] 14, with [S] 二(三): who did something on a report's timeline is shown to
/// those who see their area's reports (the police, townships, civil affairs: they work the
/// case together), except where that someone is the reporter (the report filed, a photo the
/// reporter added): the reporter's identity only to those who may know it.
pub fn may_see_event_actor(role: Role, sees_area: bool, actor_is_reporter: bool) -> bool {
    sees_area && (!actor_is_reporter || may_see_reporter(role))
}

/// Who may file a report from an account: everyone but the administrator, who handles
/// accounts and no casework ([S] 二(二) obliges the organisations; anyone else may report).
pub fn may_file_member_report(role: Role) -> bool {
    role != Role::Admin
}

/// [S] 二(二): citizens and organisations who report are to be commended and rewarded in
/// good time; the police who took the report, or civil affairs, say so.
pub fn may_commend(role: Role) -> bool {
    matches!(role, Role::Police | Role::CityOfficer | Role::DistrictOfficer)
}

/// [S] 二(四): the township completes the file of a child a report described; it links the
/// report to the file it created or found.
pub fn may_link_child(role: Role) -> bool {
    matches!(role, Role::TownshipStaff | Role::DistrictOfficer | Role::CityOfficer)
}

/// [S] 二(三)–(四): the police act on the reports of their area, the township receives the
/// case and civil affairs oversee; they see every report of their region. Anyone else sees
/// only the reports they filed themselves (a report names a child and what happened to them).
pub fn may_see_area_reports(role: Role) -> bool {
    matches!(role, Role::Police | Role::TownshipStaff | Role::CityOfficer | Role::DistrictOfficer)
}

crate::codes::code_list! {
    /// The kinds of case the police dispose of differently ([S] 二(三), [13]).
    CaseKind {
        ParentsUnreachable = "parents_unreachable", "联系不上父母";
        Missing = "missing", "失踪";
        Harm = "harm", "家庭暴力、不法侵害或意外伤害";
        LivingAlone = "living_alone", "单独居住生活";
        GuardianIncapable = "guardian_incapable", "监护人无能力或不履行监护责任";
    }
}

crate::codes::code_list! {
    /// What the police record as done in a disposal (docs/domain.md §2.4).
    DisposalAction {
        TemporaryCare = "temporary_care", "就近护送临时照料";
        HandOverRecord = "hand_over_record", "书面交接";
        ParentsContacted = "parents_contacted", "联系并通知父母";
        ParentsToReturnOrEntrust = "parents_to_return_or_entrust", "责令父母返回或重新确定受委托监护人";
        CriminalCaseFiled = "criminal_case_filed", "立即立为刑事案件";
        ReleaseAlert = "release_alert", "发布儿童失踪信息";
        HarmStopped = "harm_stopped", "制止侵害";
        EvidenceGathered = "evidence_gathered", "调查取证";
        MedicalTreatment = "medical_treatment", "协助就医";
        InjuryAssessment = "injury_assessment", "伤情鉴定";
        ShelterRequested = "shelter_requested", "通知民政部门安置";
        Reprimand = "reprimand", "训诫";
    }
}

crate::codes::code_list! {
    /// Where a child is taken for temporary care when the parents cannot be reached ([S] 二(三)).
    TemporaryCarer {
        CloseRelative = "close_relative", "其他近亲属";
        VillageCommittee = "village_committee", "村（居）民委员会";
        ReliefAgency = "relief_agency", "救助管理机构";
        WelfareInstitution = "welfare_institution", "福利机构";
        TemporaryShelter = "temporary_shelter", "临时庇护场所";
    }
}

/// The actions a disposal of this kind must record before the police may close their part
/// ([S] 二(三); [13]; [DV] 15; [G14]: a removal is handed over in writing). Actions that
/// depend on the case (medical treatment, shelter) are optional and not listed.
pub fn required_actions(kind: CaseKind) -> &'static [DisposalAction] {
    use DisposalAction::*;
    match kind {
        CaseKind::ParentsUnreachable => &[TemporaryCare, HandOverRecord, ParentsContacted],
        CaseKind::Missing => &[CriminalCaseFiled, ReleaseAlert],
        CaseKind::Harm => &[HarmStopped, EvidenceGathered],
        CaseKind::LivingAlone => &[ParentsToReturnOrEntrust, Reprimand],
        CaseKind::GuardianIncapable => &[ParentsContacted, ParentsToReturnOrEntrust],
    }
}

/// The required actions a disposal has not recorded yet, in the law's order.
pub fn missing_actions(kind: CaseKind, done: &[DisposalAction]) -> Vec<DisposalAction> {
    required_actions(kind).iter().copied().filter(|a| !done.contains(a)).collect()
}

/// The kind of case a report most likely is, to preselect the disposal form: the most
/// serious situation decides, in the order [S] 二(三) lists the disposals (missing, harm,
/// living alone, guardian incapable; otherwise parents to be reached).
pub fn likely_case_kind(situations: &[Situation]) -> CaseKind {
    use Situation::*;
    if situations.iter().any(|s| matches!(s, Missing | Trafficked)) {
        CaseKind::Missing
    } else if urgency(situations) == Urgency::Critical || situations.contains(&AccidentalInjury) {
        CaseKind::Harm
    } else if situations.contains(&LivingAlone) {
        CaseKind::LivingAlone
    } else if situations.iter().any(|s| matches!(s, GuardianIncapable | GuardianNotPerforming)) {
        CaseKind::GuardianIncapable
    } else {
        CaseKind::ParentsUnreachable
    }
}

/// [S] 二(四): on the police's notice the township assesses the child; the assessment is due
/// `days` after the hand-over (setting `reports.assessment_days`: the draft sets none [U]).
pub fn assessment_due(handed_over_at: DateTime<Utc>, days: i64) -> DateTime<Utc> {
    handed_over_at + Duration::days(days)
}

/// [S] 二(三): the police go out at once ("at once" has no number: `limit` is the setting
/// `reports.late_response_minutes` [U]); a report not accepted within `limit` of being
/// filed is flagged as a late response of the station, whether or not it has been accepted
/// since.
pub fn response_late(
    reported_at: DateTime<Utc>,
    accepted_at: Option<DateTime<Utc>>,
    now: DateTime<Utc>,
    limit: Duration,
) -> bool {
    accepted_at.unwrap_or(now) - reported_at > limit
}

crate::codes::code_list! {
    /// What a report's photo or document may be, recognised by its first bytes ([MR]: evidence
    /// is kept), never by its name.
    AttachmentKind {
        Jpeg = "jpeg", "JPEG 图片";
        Png = "png", "PNG 图片";
        Webp = "webp", "WebP 图片";
        Heic = "heic", "HEIC 图片";
        Pdf = "pdf", "PDF 文档";
    }
}

impl AttachmentKind {
    /// The type it is served with.
    pub fn content_type(self) -> &'static str {
        match self {
            AttachmentKind::Jpeg => "image/jpeg",
            AttachmentKind::Png => "image/png",
            AttachmentKind::Webp => "image/webp",
            AttachmentKind::Heic => "image/heic",
            AttachmentKind::Pdf => "application/pdf",
        }
    }
}

/// Largest attachment: a phone photo, or a scanned document of a few pages.
pub const ATTACHMENT_MAX_BYTES: usize = 10 * 1024 * 1024;
/// Attachments one report may carry.
pub const ATTACHMENTS_PER_REPORT: i64 = 10;

/// The kind of a file by its content (magic bytes): a program renamed `photo.jpg` is none.
pub fn sniff_attachment(b: &[u8]) -> Option<AttachmentKind> {
    if b.starts_with(&[0xFF, 0xD8, 0xFF]) {
        Some(AttachmentKind::Jpeg)
    } else if b.starts_with(b"\x89PNG\r\n\x1a\n") {
        Some(AttachmentKind::Png)
    } else if b.len() >= 12 && &b[..4] == b"RIFF" && &b[8..12] == b"WEBP" {
        Some(AttachmentKind::Webp)
    } else if b.len() >= 12
        && &b[4..8] == b"ftyp"
        && matches!(&b[8..12], b"heic" | b"heix" | b"hevc" | b"heim" | b"heis" | b"mif1" | b"msf1")
    {
        Some(AttachmentKind::Heic)
    } else if b.starts_with(b"%PDF-") {
        Some(AttachmentKind::Pdf)
    } else {
        None
    }
}

/// A report as a reporter submits it, before it is checked.
#[derive(Debug, Clone, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields)]
pub struct Intake {
    /// What was seen; at least one, several allowed.
    pub situations: Vec<Situation>,
    pub discovered_at: Option<DateTime<Utc>>,
    /// The child's file, when the child is registered.
    #[serde(default)]
    pub child_id: Option<i64>,
    /// Who the child is when not registered (name, sex, rough age, what they look like):
    /// opens a provisional file for the township to complete.
    #[serde(default)]
    pub child_description: Option<String>,
    /// Where the child is, when not registered (12-digit village code).
    #[serde(default)]
    pub village_code: Option<String>,
    /// Where and what, in the reporter's words.
    pub description: String,
    /// Optional for the public; confidential ([MR], [DV] 14).
    #[serde(default)]
    pub contact_name: Option<String>,
    #[serde(default)]
    pub contact_phone: Option<String>,
}

/// Longest free text of a report.
pub const DESCRIPTION_MAX: usize = 2000;

/// Checks a report as submitted ([S] 二(二); [MR]): at least one situation (duplicates
/// dropped), a discovery time that has happened, a child who is either picked from the
/// registry or described with a village, and bounded texts. Every wrong field is named.
pub fn check_intake(mut r: Intake, now: DateTime<Utc>, skew: Duration) -> Result<Intake, crate::error::FieldErrors> {
    use crate::validate::{phone, required_text, text};
    let mut errs = crate::error::FieldErrors::default();
    let mut seen = Vec::with_capacity(r.situations.len());
    for s in r.situations.drain(..) {
        if !seen.contains(&s) {
            seen.push(s);
        }
    }
    r.situations = seen;
    if r.situations.is_empty() {
        errs.add("situations", crate::msg::SITUATION_REQUIRED);
    }
    match r.discovered_at {
        None => errs.add("discovered_at", crate::msg::REQUIRED),
        Some(d) if discovery_in_future(d, now, skew) => errs.add("discovered_at", crate::msg::DISCOVERY_IN_FUTURE),
        Some(_) => {}
    }
    text(&mut errs, "child_description", &mut r.child_description, crate::validate::SHORT_TEXT * 5);
    text(&mut errs, "village_code", &mut r.village_code, 12);
    if r.child_id.is_none() {
        if r.child_description.is_none() {
            errs.add("child_description", crate::msg::CHILD_OR_DESCRIPTION);
        }
        match r.village_code.as_deref() {
            None => errs.add("village_code", crate::msg::REPORT_VILLAGE_REQUIRED),
            Some(v) if !crate::region::is_village_code(v) => errs.add("village_code", crate::msg::VILLAGE_CODE_FORMAT),
            Some(_) => {}
        }
    }
    required_text(&mut errs, "description", &mut r.description, DESCRIPTION_MAX);
    text(&mut errs, "contact_name", &mut r.contact_name, crate::validate::SHORT_TEXT);
    phone(&mut errs, "contact_phone", &mut r.contact_phone);
    errs.into_result(r)
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    // The settings' defaults (crate::settings); these rules take whatever the city sets.
    const SKEW: Duration = Duration::minutes(5);
    const LATE_REPORT: Duration = Duration::hours(24);
    const LATE_RESPONSE: Duration = Duration::minutes(30);

    fn at(h: u32, m: u32) -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 12, 1, h, m, 0).single().expect("valid")
    }

    fn intake() -> Intake {
        Intake {
            situations: vec![Situation::LivingAlone],
            discovered_at: Some(at(9, 0)),
            child_description: Some("男孩，约9岁".into()),
            village_code: Some("120114001001".into()),
            description: " 独自在家三天，邻居送饭 ".into(),
            ..Intake::default()
        }
    }

    #[test]
    fn attachments_are_known_by_their_content_not_their_name() {
        assert_eq!(sniff_attachment(&[0xFF, 0xD8, 0xFF, 0xE0, 0, 0x10]), Some(AttachmentKind::Jpeg));
        assert_eq!(sniff_attachment(b"\x89PNG\r\n\x1a\n\0\0"), Some(AttachmentKind::Png));
        assert_eq!(sniff_attachment(b"RIFF\x10\0\0\0WEBPVP8 "), Some(AttachmentKind::Webp));
        assert_eq!(sniff_attachment(b"\0\0\0\x18ftypheic\0\0\0\0"), Some(AttachmentKind::Heic));
        assert_eq!(sniff_attachment(b"%PDF-1.7\n"), Some(AttachmentKind::Pdf));
        assert_eq!(sniff_attachment(b"MZ\x90\0 a Windows program"), None);
        assert_eq!(sniff_attachment(b"<html><script>"), None);
        assert_eq!(sniff_attachment(b""), None);
    }

    #[test]
    fn the_api_names_every_situation_by_its_stored_code() {
        for s in Situation::ALL {
            assert_eq!(serde_json::to_value(s).expect("serialises"), serde_json::json!(s.code()));
        }
        let parsed: Situation = serde_json::from_str("\"girl_under_14_sexual\"").expect("parses");
        assert_eq!(parsed, Situation::GirlUnder14Sexual);
    }

    #[test]
    fn only_the_responsible_see_the_reports_of_an_area() {
        assert!(may_see_area_reports(Role::Police));
        assert!(may_see_area_reports(Role::TownshipStaff));
        assert!(!may_see_area_reports(Role::Teacher));
        assert!(!may_see_area_reports(Role::ChildDirector));
        assert!(!may_see_area_reports(Role::Admin));
    }

    #[test]
    fn a_good_report_is_trimmed_and_kept() {
        let mut r = intake();
        r.situations.push(Situation::LivingAlone);
        let ok = check_intake(r, at(10, 0), SKEW).expect("valid");
        assert_eq!(ok.situations, vec![Situation::LivingAlone]);
        assert_eq!(ok.description, "独自在家三天，邻居送饭");
    }

    #[test]
    fn a_report_without_a_situation_or_with_a_future_discovery_names_both_fields() {
        let mut r = intake();
        r.situations.clear();
        r.discovered_at = Some(at(11, 0));
        let errs = check_intake(r, at(10, 0), SKEW).expect_err("invalid");
        assert_eq!(errs.get("situations"), Some(crate::msg::SITUATION_REQUIRED));
        assert_eq!(errs.get("discovered_at"), Some(crate::msg::DISCOVERY_IN_FUTURE));
    }

    #[test]
    fn an_unregistered_child_needs_a_description_and_a_village() {
        let mut r = intake();
        r.child_description = None;
        r.village_code = Some("12011400100".into());
        let errs = check_intake(r, at(10, 0), SKEW).expect_err("invalid");
        assert_eq!(errs.get("child_description"), Some(crate::msg::CHILD_OR_DESCRIPTION));
        assert_eq!(errs.get("village_code"), Some(crate::msg::VILLAGE_CODE_FORMAT));
        let registered = Intake { child_id: Some(7), child_description: None, village_code: None, ..intake() };
        assert!(check_intake(registered, at(10, 0), SKEW).is_ok());
    }

    #[test]
    fn a_wrong_contact_phone_is_named_and_an_absent_one_is_fine() {
        let r = Intake { contact_phone: Some("12345".into()), ..intake() };
        let errs = check_intake(r, at(10, 0), SKEW).expect_err("invalid");
        assert_eq!(errs.get("contact_phone"), Some(crate::msg::PHONE_INVALID));
        assert!(check_intake(intake(), at(10, 0), SKEW).is_ok());
    }

    #[test]
    fn a_girls_situation_changes_with_her_14th_birthday_under_the_configured_rule() {
        use crate::age::AgeRule;
        use crate::codes::Sex;
        let d = |y, m, day| chrono::NaiveDate::from_ymd_opt(y, m, day).expect("valid");
        let (birth, female) = (Some(d(2012, 11, 28)), Some(Sex::Female));
        let fits = |s, on, rule| situation_fits_registered_child(s, female, birth, on, rule);
        let (under, over) = (Situation::GirlUnder14Sexual, Situation::Girl14PlusPregnancyAssault);
        // The day after the birthday (the default): 13 on the birthday, 14 the day after.
        assert_eq!(fits(under, d(2026, 11, 28), AgeRule::DayAfterBirthday), Ok(()));
        assert_eq!(fits(over, d(2026, 11, 28), AgeRule::DayAfterBirthday), Err(&[under][..]));
        assert_eq!(
            fits(under, d(2026, 11, 29), AgeRule::DayAfterBirthday),
            Err(&[over, Situation::OtherSeriousHarm][..])
        );
        assert_eq!(fits(over, d(2026, 11, 29), AgeRule::DayAfterBirthday), Ok(()));
        // On the birthday itself: 14 on the birthday, 13 the day before.
        assert_eq!(fits(under, d(2026, 11, 27), AgeRule::OnBirthday), Ok(()));
        assert_eq!(fits(under, d(2026, 11, 28), AgeRule::OnBirthday), Err(&[over, Situation::OtherSeriousHarm][..]));
        assert_eq!(fits(over, d(2026, 11, 28), AgeRule::OnBirthday), Ok(()));
    }

    #[test]
    fn a_boy_fits_neither_girls_situation_and_unknown_facts_refuse_nothing() {
        use crate::age::AgeRule;
        use crate::codes::Sex;
        let on = chrono::NaiveDate::from_ymd_opt(2026, 11, 29).expect("valid");
        let young = chrono::NaiveDate::from_ymd_opt(2020, 1, 1);
        let rule = AgeRule::default();
        for s in [Situation::GirlUnder14Sexual, Situation::Girl14PlusPregnancyAssault] {
            let err = situation_fits_registered_child(s, Some(Sex::Male), young, on, rule).expect_err("a boy");
            assert_eq!(err, &[Situation::GenitalInjury, Situation::OtherSeriousHarm]);
            assert_eq!(situation_fits_registered_child(s, None, None, on, rule), Ok(()), "nothing known");
        }
        // Sex unknown, age known: the age alone decides between (2) and (3).
        assert_eq!(situation_fits_registered_child(Situation::GirlUnder14Sexual, None, young, on, rule), Ok(()));
        assert!(situation_fits_registered_child(Situation::Girl14PlusPregnancyAssault, None, young, on, rule).is_err());
        // Sex known, age unknown: a girl fits both.
        for s in [Situation::GirlUnder14Sexual, Situation::Girl14PlusPregnancyAssault] {
            assert_eq!(situation_fits_registered_child(s, Some(Sex::Female), None, on, rule), Ok(()));
        }
        // No other situation has a condition of sex or age.
        for s in Situation::ALL
            .iter()
            .filter(|s| !matches!(s, Situation::GirlUnder14Sexual | Situation::Girl14PlusPregnancyAssault))
        {
            assert_eq!(situation_fits_registered_child(*s, Some(Sex::Male), young, on, rule), Ok(()), "{s:?}");
        }
    }

    #[test]
    fn sixteen_situations_with_unique_codes() {
        assert_eq!(Situation::ALL.len(), 16);
        let codes: std::collections::HashSet<_> = Situation::ALL.iter().map(|s| s.code()).collect();
        assert_eq!(codes.len(), 16);
    }

    #[test]
    fn missing_and_harm_come_first() {
        assert_eq!(urgency(&[Situation::Missing]), Urgency::Critical);
        assert_eq!(urgency(&[Situation::LivingAlone, Situation::DomesticViolence]), Urgency::Critical);
        assert_eq!(urgency(&[Situation::LivingAlone]), Urgency::High);
        assert_eq!(urgency(&[Situation::GuardianNotPerforming]), Urgency::Normal);
        assert!(Urgency::Critical.rank() < Urgency::High.rank());
        assert!(Urgency::High.rank() < Urgency::Normal.rank());
    }

    #[test]
    fn each_organisation_type_must_report_by_the_law_that_names_it() {
        use OrgType::*;
        // Written from the texts, not from the rule: [S] 二(二) lists the first eight, [MR]
        // adds the state organs. A type missing here fails, so a new one gets a decision.
        let law: &[(OrgType, Option<&str>)] = &[
            (School, Some("[S] 二(二); [13]")),
            (Kindergarten, Some("[S] 二(二); [13]")),
            (Hospital, Some("[S] 二(二); [13]")),
            (VillageCommittee, Some("[S] 二(二); [13]")),
            (ResidentsCommittee, Some("[S] 二(二); [13]")),
            (SocialWorkAgency, Some("[S] 二(二); [13]")),
            (ReliefAgency, Some("[S] 二(二); [13]")),
            (WelfareInstitution, Some("[S] 二(二); [13]")),
            (TownshipGovernment, Some("[MR]")),
            (StreetOffice, Some("[MR]")),
            (CityCivilAffairs, Some("[MR]")),
            (DistrictCivilAffairs, Some("[MR]")),
            (PoliceStation, Some("[MR]")),
            (DistrictEducationBureau, Some("[MR]")),
            // The joint meeting's members (issue 20): departments are state organs; the
            // mass organisations are named by no text.
            (EducationCommission, Some("[MR]")),
            (PublicSecurityBureau, Some("[MR]")),
            (JusticeBureau, Some("[MR]")),
            (HealthCommission, Some("[MR]")),
            (HumanResourcesBureau, Some("[MR]")),
            (FinanceBureau, Some("[MR]")),
            (TradeUnion, None),
            (YouthLeague, None),
            (WomensFederation, None),
            (DisabledPersonsFederation, None),
            (CareCommittee, None),
        ];
        for t in OrgType::ALL {
            let expected = law.iter().find(|(l, _)| l == t).unwrap_or_else(|| panic!("{t:?}: which law, if any?")).1;
            assert_eq!(mandatory_reporter_source(*t), expected, "{t:?}");
            assert_eq!(is_mandatory_reporter(*t), expected.is_some(), "{t:?}");
        }
    }

    #[test]
    fn a_report_a_day_after_discovery_is_late_and_one_within_it_is_not() {
        assert!(!reported_late(at(0, 0), at(23, 59), LATE_REPORT));
        assert!(reported_late(at(0, 0), at(0, 0) + Duration::hours(24) + Duration::minutes(1), LATE_REPORT));
        assert!(!reported_late(at(0, 0), at(0, 0) + Duration::hours(24), LATE_REPORT));
    }

    #[test]
    fn a_discovery_in_the_future_is_refused_but_a_fast_phone_clock_is_not() {
        assert!(discovery_in_future(at(10, 6), at(10, 0), SKEW));
        assert!(!discovery_in_future(at(10, 4), at(10, 0), SKEW));
        assert!(!discovery_in_future(at(9, 0), at(10, 0), SKEW));
    }

    #[test]
    fn the_release_radius_grows_with_the_hours() {
        assert_eq!(release_radius_km(Duration::minutes(0)), 100);
        assert_eq!(release_radius_km(Duration::minutes(60)), 100);
        assert_eq!(release_radius_km(Duration::minutes(61)), 200);
        assert_eq!(release_radius_km(Duration::minutes(120)), 200);
        assert_eq!(release_radius_km(Duration::minutes(180)), 300);
        assert_eq!(release_radius_km(Duration::minutes(181)), 500);
        assert_eq!(release_radius_km(Duration::days(3)), 500);
        assert_eq!(release_radius_km(Duration::minutes(-5)), 100);
    }

    #[test]
    fn the_police_steps_go_in_order_and_end_with_the_hand_over() {
        let mut s = Step::Filed;
        let mut seen = vec![s];
        while let Some(n) = next_step(s) {
            seen.push(n);
            s = n;
        }
        assert_eq!(seen, Step::ALL);
        assert_eq!(next_step(Step::HandedOver), None);
    }

    #[test]
    fn only_police_at_a_station_work_the_duty_desk() {
        assert!(may_act_as_duty_desk(Role::Police, OrgType::PoliceStation));
        assert!(!may_act_as_duty_desk(Role::TownshipStaff, OrgType::PoliceStation));
        assert!(!may_act_as_duty_desk(Role::Police, OrgType::DistrictCivilAffairs));
    }

    #[test]
    fn the_reporter_is_named_on_the_timeline_only_to_police_and_civil_affairs() {
        assert!(may_see_event_actor(Role::Police, true, true));
        assert!(may_see_event_actor(Role::DistrictOfficer, true, true));
        assert!(!may_see_event_actor(Role::TownshipStaff, true, true), "the reporter");
        assert!(may_see_event_actor(Role::TownshipStaff, true, false), "the officer who acted");
        assert!(!may_see_event_actor(Role::Teacher, false, false), "a reporter sees no officer's name");
    }

    #[test]
    fn the_reporter_is_hidden_from_all_but_police_and_civil_affairs() {
        assert!(may_see_reporter(Role::Police));
        assert!(may_see_reporter(Role::DistrictOfficer));
        assert!(!may_see_reporter(Role::TownshipStaff));
        assert!(!may_see_reporter(Role::Teacher));
        assert!(!may_see_reporter(Role::ChildDirector));
    }

    #[test]
    fn a_parents_unreachable_disposal_needs_care_a_written_hand_over_and_the_parents_contacted() {
        let done = [DisposalAction::TemporaryCare];
        assert_eq!(
            missing_actions(CaseKind::ParentsUnreachable, &done),
            vec![DisposalAction::HandOverRecord, DisposalAction::ParentsContacted]
        );
        let all = required_actions(CaseKind::ParentsUnreachable);
        assert!(missing_actions(CaseKind::ParentsUnreachable, all).is_empty());
    }

    #[test]
    fn a_missing_child_is_a_criminal_case_at_once() {
        assert!(required_actions(CaseKind::Missing).contains(&DisposalAction::CriminalCaseFiled));
        assert!(required_actions(CaseKind::Harm).contains(&DisposalAction::HarmStopped));
        assert!(required_actions(CaseKind::LivingAlone).contains(&DisposalAction::Reprimand));
    }

    #[test]
    fn the_case_kind_follows_the_most_serious_situation() {
        assert_eq!(likely_case_kind(&[Situation::LivingAlone, Situation::Missing]), CaseKind::Missing);
        assert_eq!(likely_case_kind(&[Situation::LivingAlone, Situation::DomesticViolence]), CaseKind::Harm);
        assert_eq!(likely_case_kind(&[Situation::AccidentalInjury]), CaseKind::Harm);
        assert_eq!(likely_case_kind(&[Situation::LivingAlone]), CaseKind::LivingAlone);
        assert_eq!(likely_case_kind(&[Situation::GuardianNotPerforming]), CaseKind::GuardianIncapable);
    }

    #[test]
    fn the_assessment_is_due_a_week_after_the_hand_over_by_default() {
        assert_eq!(assessment_due(at(8, 0), 7), at(8, 0) + Duration::days(7));
    }

    #[test]
    fn a_report_left_unaccepted_past_the_limit_is_a_late_response() {
        let filed = at(8, 0);
        assert!(!response_late(filed, Some(at(8, 29)), at(12, 0), LATE_RESPONSE));
        assert!(response_late(filed, Some(at(8, 31)), at(12, 0), LATE_RESPONSE));
        assert!(!response_late(filed, None, at(8, 10), LATE_RESPONSE));
        assert!(response_late(filed, None, at(8, 31), LATE_RESPONSE));
    }
}
