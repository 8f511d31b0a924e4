//! Guardianship intervention (监护干预, [S] 二(五)): the record of what a guardian did and
//! what was done about it, the grounds for revoking guardianship that those dated records
//! meet or approach, who may apply to a court, the application's course, and state
//! guardianship. docs/domain.md §2.5, §2.8.

use crate::error::FieldErrors;
use chrono::{Months, NaiveDate};

crate::codes::code_list! {
    /// What a guardian did (or failed to do), in the words of the grounds ([S] 二(五), [G14] 35).
    Conduct {
        Unsupervised = "unsupervised", "置于无人监管和照看状态";
        RefusedDuties = "refused_duties", "拒不履行监护职责";
        DomesticViolence = "domestic_violence", "实施家庭暴力";
        Abuse = "abuse", "虐待";
        Abandonment = "abandonment", "遗弃";
        SexualAssault = "sexual_assault", "性侵害";
        Selling = "selling", "出卖";
        ViolentInjury = "violent_injury", "暴力伤害";
        Addiction = "addiction", "吸毒、赌博、长期酗酒等恶习";
        Imprisonment = "imprisonment", "服刑等原因无法履行监护职责";
        Begging = "begging", "胁迫、诱骗、利用乞讨";
        UsedInCrime = "used_in_crime", "教唆、利用实施违法犯罪行为";
        OtherInfringement = "other_infringement", "其他严重侵害合法权益的行为";
    }
}

crate::codes::code_list! {
    /// Who a conduct record is about, by their standing toward the child ([CC] 27, [UPL] 22).
    Standing {
        Father = "father", "父亲";
        Mother = "mother", "母亲";
        OtherGuardian = "other_guardian", "其他监护人（依法担任或经指定）";
        EntrustedCarer = "entrusted_carer", "受委托照护人（被委托人）";
    }
}

/// [CC] 27: the parents are a minor's guardians; when they are dead or incapable, others
/// take it up in the law's order or are appointed ([CC] 31), or a court appoints one after a
/// revocation ([CC] 36). [UPL] 22: parents who cannot care for the child themselves entrust
/// its care to someone else and stay its guardians; the carer is not a guardian. Revocation
/// ([CC] 36, [G14] 35) takes away a guardian's qualification, so only a guardian's conduct
/// can meet its grounds.
pub fn is_guardian(s: Standing) -> bool {
    !matches!(s, Standing::EntrustedCarer)
}

crate::codes::code_list! {
    /// A record is an incident (what the guardian did) or a measure taken about it ([S] 二(五):
    /// criticism and education, penalties, a criminal case; [UPL] 118: a family-education
    /// guidance order).
    RecordKind {
        Incident = "incident", "侵害或失职行为";
        CriticismEducation = "criticism_education", "批评教育";
        Reprimand = "reprimand", "训诫";
        AdministrativePenalty = "administrative_penalty", "行政处罚";
        FamilyEducationGuidance = "family_education_guidance", "责令接受家庭教育指导";
        CriminalCase = "criminal_case", "刑事立案";
    }
}

impl RecordKind {
    /// Criticism and education and a reprimand are both education in the sense of 经教育不改.
    pub fn is_education(self) -> bool {
        matches!(self, RecordKind::CriticismEducation | RecordKind::Reprimand)
    }
}

/// [S] 二(五): the police criticise and educate, penalise and open criminal cases; the
/// township and civil affairs, who assess the child, may record what the guardian did.
pub fn may_record_conduct(role: crate::role::Role, kind: RecordKind) -> bool {
    use crate::role::Role::*;
    match kind {
        RecordKind::Incident => matches!(role, Police | TownshipStaff | DistrictOfficer | CityOfficer),
        _ => role == Police,
    }
}

/// Revocation applications are followed by the township and civil affairs, who must apply
/// when nobody else does in time ([CC] 36).
pub fn may_follow_application(role: crate::role::Role) -> bool {
    use crate::role::Role::*;
    matches!(role, TownshipStaff | DistrictOfficer | CityOfficer)
}

/// One dated entry of a guardian's conduct record.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ConductRecord {
    pub id: i64,
    /// Whose conduct it is. `None` for records kept before it was asked, when the form asked
    /// for the guardian: they are taken to be about a guardian.
    #[serde(default)]
    pub standing: Option<Standing>,
    /// When it happened, or when the measure was taken.
    pub date: NaiveDate,
    pub kind: RecordKind,
    /// The conduct the incident was, or the measure was about.
    pub conduct: Conduct,
    /// The child's body or mind was seriously harmed, or the child faced death or serious
    /// injury (the grounds' 严重损害 / 面临死亡或者严重伤害危险); for crime, 情节恶劣.
    #[serde(default)]
    pub serious_harm: bool,
    /// The child was left homeless or without means of living (生活无着, 流离失所).
    #[serde(default)]
    pub child_without_means: bool,
    /// The guardian refused to entrust the duties to someone else ([G14] 35(4)).
    #[serde(default)]
    pub refused_to_entrust: bool,
    /// For refused duties: the day they were taken up again, if they were.
    #[serde(default)]
    pub ended: Option<NaiveDate>,
    /// What proves it (documents, statements, the record's number). Required.
    pub evidence: String,
}

/// Longest evidence text.
pub const EVIDENCE_MAX: usize = 2000;

/// Checks a record before it is kept: evidence given, no date in the future, no measure
/// before the case it belongs to was reported, no end before the start. [S] 二(五) acts on
/// what is established: a record without its evidence would let a ground be claimed on
/// nothing.
pub fn check_record(
    mut r: ConductRecord,
    case_opened: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<ConductRecord, FieldErrors> {
    let mut errs = FieldErrors::default();
    crate::validate::required_text(&mut errs, "evidence", &mut r.evidence, EVIDENCE_MAX);
    if r.date > today {
        errs.add("date", crate::msg::DATE_IN_FUTURE);
    }
    if r.kind != RecordKind::Incident
        && let Some(opened) = case_opened
        && r.date < opened
    {
        errs.add("date", crate::msg::MEASURE_BEFORE_CASE);
    }
    if let Some(end) = r.ended {
        if r.conduct != Conduct::RefusedDuties || r.kind != RecordKind::Incident {
            errs.add("ended", crate::msg::ENDED_ONLY_FOR_REFUSAL);
        } else if end < r.date {
            errs.add("ended", crate::msg::ENDED_BEFORE_START);
        } else if end > today {
            errs.add("ended", crate::msg::DATE_IN_FUTURE);
        }
    }
    errs.into_result(r)
}

crate::codes::code_list! {
    /// The grounds for revoking guardianship: the seed's three ([S] 二(五)) and the 2014
    /// opinion's seven ([G14] 35).
    Ground {
        S1Unsupervised = "s1_unsupervised", "置于无人监管和照看状态导致面临危险且经教育不改";
        S2RefusedDuties = "s2_refused_duties", "拒不履行监护职责六个月以上导致生活无着";
        S3ViolenceAbuseAbandonment = "s3_violence_abuse_abandonment", "实施家庭暴力、虐待或遗弃导致身心健康严重受损";
        G1SeriousHarm = "g1_serious_harm", "性侵害、出卖、遗弃、虐待、暴力伤害，严重损害身心健康";
        G2UnsupervisedDanger = "g2_unsupervised_danger", "置于无人监管和照看状态，面临死亡或者严重伤害危险，经教育不改";
        G3RefusedDuties = "g3_refused_duties", "拒不履行监护职责长达六个月以上，导致流离失所或者生活无着";
        G4VicesRefusingToEntrust = "g4_vices_refusing_to_entrust", "有吸毒、赌博、长期酗酒等恶习或服刑等无法履行监护职责，拒绝委托他人代为监护，导致处于困境或者危险状态";
        G5Begging = "g5_begging", "胁迫、诱骗、利用乞讨，经三次以上批评教育拒不改正";
        G6Crime = "g6_crime", "教唆、利用实施违法犯罪行为，情节恶劣";
        G7Other = "g7_other", "有其他严重侵害合法权益行为";
    }
}

impl Ground {
    /// Where the ground is written, by the text's name as the page shows it ([S] is the
    /// Tianjin implementation opinion; its 二(五) lists three grounds in order).
    pub fn source(self) -> &'static str {
        use Ground::*;
        match self {
            S1Unsupervised => "天津市实施意见 二(五)(1)",
            S2RefusedDuties => "天津市实施意见 二(五)(2)",
            S3ViolenceAbuseAbandonment => "天津市实施意见 二(五)(3)",
            G1SeriousHarm => "法发〔2014〕24号 第35条(一)",
            G2UnsupervisedDanger => "法发〔2014〕24号 第35条(二)",
            G3RefusedDuties => "法发〔2014〕24号 第35条(三)",
            G4VicesRefusingToEntrust => "法发〔2014〕24号 第35条(四)",
            G5Begging => "法发〔2014〕24号 第35条(五)",
            G6Crime => "法发〔2014〕24号 第35条(六)",
            G7Other => "法发〔2014〕24号 第35条(七)",
        }
    }
}

/// How far the records go toward a ground.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct GroundFinding {
    pub ground: Ground,
    /// All its elements are on record.
    pub met: bool,
    /// When it was met, or (for a duration) when it will be.
    pub on: Option<NaiveDate>,
    /// The records it rests on.
    pub evidence: Vec<i64>,
    /// In Chinese, for the file and the district's list.
    pub explanation: String,
}

/// [S] 二(五), [G14] 35: which grounds the guardians' records meet, and which they approach
/// (some elements on record, others not yet), each with its evidence. Grounds with no
/// related record are left out.
pub fn evaluate_grounds(records: &[ConductRecord], today: NaiveDate) -> Vec<GroundFinding> {
    // A carer's conduct stays on record, but no ground is met against someone who is not a
    // guardian ([`is_guardian`]), nor do measures about a carer count as a guardian's education.
    let guardians: Vec<ConductRecord> =
        records.iter().filter(|r| r.standing.is_none_or(is_guardian)).cloned().collect();
    let records = guardians.as_slice();
    let mut out = Vec::new();
    refused_duties(records, today, &mut out);
    not_corrected_after_education(records, &mut out);
    serious_harm(records, &mut out);
    vices_refusing_to_entrust(records, &mut out);
    begging(records, &mut out);
    simple_serious(records, Conduct::UsedInCrime, Ground::G6Crime, &mut out);
    simple_serious(records, Conduct::OtherInfringement, Ground::G7Other, &mut out);
    out.sort_by_key(|f| (!f.met, f.ground as u8));
    out
}

fn incidents<'a>(records: &'a [ConductRecord], conduct: &[Conduct]) -> Vec<&'a ConductRecord> {
    records.iter().filter(|r| r.kind == RecordKind::Incident && conduct.contains(&r.conduct)).collect()
}

/// Six calendar months from `since` (a refusal from 3 March reaches six months on 3 September).
pub fn six_months_from(since: NaiveDate) -> NaiveDate {
    since.checked_add_months(Months::new(6)).unwrap_or(NaiveDate::MAX)
}

/// [S] 二(五) (2) and [G14] 35(3): duties refused for six months or more, leaving the child
/// without means (or homeless).
fn refused_duties(records: &[ConductRecord], today: NaiveDate, out: &mut Vec<GroundFinding>) {
    let Some(r) = incidents(records, &[Conduct::RefusedDuties]).into_iter().min_by_key(|r| r.date) else { return };
    let reached = six_months_from(r.date);
    let until = r.ended.unwrap_or(today);
    let long_enough = until >= reached;
    let without_means: Vec<i64> = records.iter().filter(|x| x.child_without_means).map(|x| x.id).collect();
    let met = long_enough && !without_means.is_empty();
    let mut evidence = vec![r.id];
    evidence.extend(without_means.iter().filter(|id| **id != r.id));
    let explanation =
        crate::msg::refused_duties_since(r.date, reached, long_enough, r.ended, !without_means.is_empty());
    for ground in [Ground::S2RefusedDuties, Ground::G3RefusedDuties] {
        out.push(GroundFinding {
            ground,
            met,
            on: Some(reached),
            evidence: evidence.clone(),
            explanation: explanation.clone(),
        });
    }
}

/// [S] 二(五) (1) and [G14] 35(2): the child left unsupervised and in danger, and it went on
/// after education. For the 2014 opinion the danger must be of death or serious injury.
fn not_corrected_after_education(records: &[ConductRecord], out: &mut Vec<GroundFinding>) {
    let educated =
        records.iter().filter(|r| r.kind.is_education() && r.conduct == Conduct::Unsupervised).min_by_key(|r| r.date);
    let incidents = incidents(records, &[Conduct::Unsupervised]);
    if educated.is_none() && incidents.is_empty() {
        return;
    }
    for (ground, needs_serious) in [(Ground::S1Unsupervised, false), (Ground::G2UnsupervisedDanger, true)] {
        let counts = |r: &&&ConductRecord| !needs_serious || r.serious_harm;
        let again = educated.and_then(|e| incidents.iter().filter(|r| r.date > e.date).find(counts));
        let mut evidence: Vec<i64> = educated.map(|e| e.id).into_iter().collect();
        evidence.extend(again.map(|r| r.id).or_else(|| incidents.iter().find(counts).map(|r| r.id)));
        out.push(GroundFinding {
            ground,
            met: again.is_some(),
            on: again.map(|r| r.date),
            evidence,
            explanation: crate::msg::not_corrected(educated.map(|e| e.date), again.map(|r| r.date)),
        });
    }
}

/// [S] 二(五) (3) and [G14] 35(1): violence, abuse, abandonment (and for the 2014 opinion
/// also sexual assault, selling, violent injury) that seriously harmed the child.
fn serious_harm(records: &[ConductRecord], out: &mut Vec<GroundFinding>) {
    use Conduct::*;
    let grounds: [(Ground, &[Conduct]); 2] = [
        (Ground::S3ViolenceAbuseAbandonment, &[DomesticViolence, Abuse, Abandonment]),
        (Ground::G1SeriousHarm, &[SexualAssault, Selling, Abandonment, Abuse, ViolentInjury, DomesticViolence]),
    ];
    for (ground, conduct) in grounds {
        let all = incidents(records, conduct);
        if all.is_empty() {
            continue;
        }
        let serious: Vec<&ConductRecord> = all.iter().copied().filter(|r| r.serious_harm).collect();
        let first = serious.iter().map(|r| r.date).min();
        out.push(GroundFinding {
            ground,
            met: first.is_some(),
            on: first,
            evidence: if serious.is_empty() {
                all.iter().map(|r| r.id).collect()
            } else {
                serious.iter().map(|r| r.id).collect()
            },
            explanation: crate::msg::harm_found(all.len(), serious.len()),
        });
    }
}

/// [G14] 35(4): vices or imprisonment, refusing to entrust the duties, the child in hardship
/// or danger.
fn vices_refusing_to_entrust(records: &[ConductRecord], out: &mut Vec<GroundFinding>) {
    let all = incidents(records, &[Conduct::Addiction, Conduct::Imprisonment]);
    if all.is_empty() {
        return;
    }
    let full = all.iter().find(|r| r.refused_to_entrust && (r.serious_harm || r.child_without_means));
    out.push(GroundFinding {
        ground: Ground::G4VicesRefusingToEntrust,
        met: full.is_some(),
        on: full.map(|r| r.date),
        evidence: full.map_or_else(|| all.iter().map(|r| r.id).collect(), |r| vec![r.id]),
        explanation: crate::msg::vices(full.is_some()),
    });
}

/// Rounds of criticism and education after which begging must have stopped ([G14] 35(5)).
pub const BEGGING_ROUNDS: usize = 3;

/// [G14] 35(5): using the child to beg, and not corrected after three or more rounds of
/// criticism and education: begging recorded again after the third round.
fn begging(records: &[ConductRecord], out: &mut Vec<GroundFinding>) {
    let mut rounds: Vec<&ConductRecord> =
        records.iter().filter(|r| r.kind == RecordKind::CriticismEducation && r.conduct == Conduct::Begging).collect();
    rounds.sort_by_key(|r| r.date);
    let begs = incidents(records, &[Conduct::Begging]);
    if rounds.is_empty() && begs.is_empty() {
        return;
    }
    let third = rounds.get(BEGGING_ROUNDS - 1);
    let again = third.and_then(|t| begs.iter().filter(|b| b.date > t.date).min_by_key(|b| b.date));
    let mut evidence: Vec<i64> = rounds.iter().map(|r| r.id).collect();
    evidence.extend(again.map(|b| b.id));
    out.push(GroundFinding {
        ground: Ground::G5Begging,
        met: again.is_some(),
        on: again.map(|b| b.date),
        evidence,
        explanation: crate::msg::begging_rounds(rounds.len(), again.map(|b| b.date)),
    });
}

/// [G14] 35(6) and (7): an incident of this conduct with serious circumstances.
fn simple_serious(records: &[ConductRecord], conduct: Conduct, ground: Ground, out: &mut Vec<GroundFinding>) {
    let all = incidents(records, &[conduct]);
    if all.is_empty() {
        return;
    }
    let serious = all.iter().filter(|r| r.serious_harm).min_by_key(|r| r.date);
    out.push(GroundFinding {
        ground,
        met: serious.is_some(),
        on: serious.map(|r| r.date),
        evidence: serious.map_or_else(|| all.iter().map(|r| r.id).collect(), |r| vec![r.id]),
        explanation: crate::msg::serious_or_not(serious.is_some()),
    });
}

crate::codes::code_list! {
    /// Who applies to a court for revocation, including those the law does not allow, so
    /// that an application names its applicant truthfully and the check can refuse it.
    Applicant {
        OtherGuardian = "other_guardian", "其他监护人";
        Grandparent = "grandparent", "祖父母、外祖父母";
        ElderSibling = "elder_sibling", "兄、姐";
        CloseRelative = "close_relative", "其他近亲属";
        RelativeOrFriend = "relative_or_friend", "关系密切的其他亲属、朋友";
        VillageCommittee = "village_committee", "村（居）民委员会";
        ParentsEmployer = "parents_employer", "父母所在单位";
        CivilAffairs = "civil_affairs", "民政部门";
        ReliefProtectionAgency = "relief_protection_agency", "民政部门设立的未成年人救助保护机构";
        YouthLeague = "youth_league", "共青团";
        WomensFederation = "womens_federation", "妇联";
        Guangongwei = "guangongwei", "关工委";
        School = "school", "学校";
        MedicalInstitution = "medical_institution", "医疗机构";
        DisabledPersonsFederation = "disabled_persons_federation", "残疾人联合会";
        MinorsProtectionOrganisation = "minors_protection_organisation", "依法设立的未成年人保护组织";
        Police = "police", "公安机关";
        Neighbour = "neighbour", "邻居";
        Other = "other", "其他个人或组织";
    }
}

/// Which text decides who may apply; national law by default (docs/domain.md: where the
/// texts differ, the national law is the default and the other is configuration).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub enum ApplicantRule {
    /// [G14] 27 with [CC] 36.
    #[default]
    National,
    /// [S] 二(五): close relatives, the village committee, district civil affairs.
    Seed,
}

/// Whether `a` may apply to a court to revoke guardianship. [G14] 27: other guardians,
/// grandparents, elder siblings, close relatives and friends; the village committee, the
/// parents' employers; civil affairs and its relief and protection agency; the Youth League,
/// the Women's Federation, 关工委, schools. [CC] 36 adds medical institutions, the Disabled
/// Persons' Federation and minors-protection organisations. The police report and support;
/// they are not applicants, nor are neighbours as such.
pub fn may_apply(a: Applicant, rule: ApplicantRule) -> bool {
    use Applicant::*;
    match rule {
        ApplicantRule::Seed => {
            matches!(a, OtherGuardian | Grandparent | ElderSibling | CloseRelative | VillageCommittee | CivilAffairs)
        }
        ApplicantRule::National => !matches!(a, Police | Neighbour | Other),
    }
}

crate::codes::code_list! {
    /// A revocation application's course through the court.
    ApplicationState {
        Filed = "filed", "已向法院提出申请";
        Accepted = "accepted", "法院已受理";
        Heard = "heard", "已开庭审理";
        Revoked = "revoked", "判决撤销监护人资格";
        Rejected = "rejected", "判决驳回申请";
        GuardianAppointed = "guardian_appointed", "已另行指定监护人";
    }
}

/// [G14] 28–37, [CC] 36: the court accepts, hears and decides; after a revocation it
/// appoints a new guardian. Nothing is skipped or undone; a court may also decline to accept.
pub fn may_move_application(from: ApplicationState, to: ApplicationState) -> bool {
    use ApplicationState::*;
    matches!(
        (from, to),
        (Filed, Accepted | Rejected) | (Accepted, Heard) | (Heard, Revoked | Rejected) | (Revoked, GuardianAppointed)
    )
}

crate::codes::code_list! {
    /// [UPL] 92: when civil affairs takes temporary guardianship.
    TemporaryStateGround {
        UnknownIdentity = "unknown_identity", "流浪乞讨或者身份不明，暂时查找不到父母或者其他监护人";
        GuardianMissing = "guardian_missing", "监护人下落不明且无其他人可以担任监护人";
        GuardianUnable = "guardian_unable", "监护人因自身客观原因或者突发事件不能履行监护职责";
        GuardianNeglect = "guardian_neglect", "监护人拒绝或者怠于履行监护职责，导致处于无人照料的状态";
        UsedInCrime = "used_in_crime", "监护人教唆、利用实施违法犯罪行为，需要被带离安置";
        SeriousHarm = "serious_harm", "遭受监护人严重伤害或者面临人身安全威胁，需要被紧急安置";
        Other = "other", "法律规定的其他情形";
    }
}

crate::codes::code_list! {
    /// [UPL] 94: when civil affairs takes long-term guardianship.
    LongTermStateGround {
        NoGuardian = "no_guardian", "查找不到父母或者其他监护人";
        GuardianDead = "guardian_dead", "监护人死亡或者被宣告死亡且无其他人可以担任监护人";
        GuardianIncapable = "guardian_incapable", "监护人丧失监护能力且无其他人可以担任监护人";
        CourtAppointed = "court_appointed", "人民法院判决撤销监护人资格并指定由民政部门担任监护人";
        Other = "other", "法律规定的其他情形";
    }
}

crate::codes::code_list! {
    /// State guardianship taken by civil affairs ([UPL] 92, 94), recorded as a placement.
    PlacementKind {
        TemporaryState = "temporary_state", "临时监护（民政部门）";
        LongTermState = "long_term_state", "长期监护（民政部门）";
    }
}

/// [UPL] 92 and 94: civil affairs takes state guardianship; they record it.
pub fn may_record_placement(role: crate::role::Role) -> bool {
    use crate::role::Role::*;
    matches!(role, DistrictOfficer | CityOfficer)
}

/// The ground a placement rests on must be one of its own article's: art. 92 for temporary,
/// art. 94 for long-term guardianship; and long-term guardianship after a revocation
/// ([UPL] 94(4)) needs the court's decision on record.
pub fn placement_ground_fits(kind: PlacementKind, ground: &str, revoked_on_record: bool) -> bool {
    match kind {
        PlacementKind::TemporaryState => TemporaryStateGround::parse(ground).is_some(),
        PlacementKind::LongTermState => match LongTermStateGround::parse(ground) {
            Some(LongTermStateGround::CourtAppointed) => revoked_on_record,
            Some(_) => true,
            None => false,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(2026, m, day).expect("valid")
    }

    fn rec(id: i64, date: NaiveDate, kind: RecordKind, conduct: Conduct) -> ConductRecord {
        ConductRecord {
            id,
            standing: Some(Standing::Father),
            date,
            kind,
            conduct,
            serious_harm: false,
            child_without_means: false,
            refused_to_entrust: false,
            ended: None,
            evidence: "村委会证明".into(),
        }
    }

    fn find(f: &[GroundFinding], g: Ground) -> Option<&GroundFinding> {
        f.iter().find(|x| x.ground == g)
    }

    #[test]
    fn every_ground_names_its_text_in_chinese() {
        for g in Ground::ALL {
            assert!(!g.source().contains('['), "{}: a tag, not a name", g.source());
        }
    }

    #[test]
    fn duties_refused_since_3_march_reach_six_months_on_3_september() {
        let mut r = rec(1, d(3, 3), RecordKind::Incident, Conduct::RefusedDuties);
        r.child_without_means = true;
        let before = evaluate_grounds(std::slice::from_ref(&r), d(9, 2));
        let s2 = find(&before, Ground::S2RefusedDuties).expect("approaching");
        assert!(!s2.met);
        assert_eq!(s2.on, Some(d(9, 3)));
        assert!(s2.explanation.contains("3月3日") && s2.explanation.contains("9月3日"), "{}", s2.explanation);
        let after = evaluate_grounds(std::slice::from_ref(&r), d(9, 3));
        assert!(find(&after, Ground::S2RefusedDuties).is_some_and(|f| f.met));
        assert!(find(&after, Ground::G3RefusedDuties).is_some_and(|f| f.met && f.evidence == vec![1]));
    }

    #[test]
    fn six_months_without_the_child_left_without_means_is_not_yet_a_ground() {
        let r = rec(1, d(1, 10), RecordKind::Incident, Conduct::RefusedDuties);
        let f = evaluate_grounds(&[r], d(11, 1));
        let s2 = find(&f, Ground::S2RefusedDuties).expect("listed");
        assert!(!s2.met, "生活无着 is an element too");
    }

    #[test]
    fn duties_taken_up_again_before_six_months_stop_the_count() {
        let mut r = rec(1, d(3, 3), RecordKind::Incident, Conduct::RefusedDuties);
        r.child_without_means = true;
        r.ended = Some(d(6, 1));
        let f = evaluate_grounds(&[r], d(11, 1));
        assert!(find(&f, Ground::S2RefusedDuties).is_some_and(|g| !g.met));
    }

    #[test]
    fn begging_after_the_third_round_of_education_meets_the_ground() {
        let mut records = vec![
            rec(1, d(2, 1), RecordKind::Incident, Conduct::Begging),
            rec(2, d(2, 2), RecordKind::CriticismEducation, Conduct::Begging),
            rec(3, d(3, 2), RecordKind::CriticismEducation, Conduct::Begging),
        ];
        let two = evaluate_grounds(&records, d(12, 1));
        let g5 = find(&two, Ground::G5Begging).expect("approaching");
        assert!(!g5.met && g5.explanation.contains('2'), "{}", g5.explanation);
        records.push(rec(4, d(4, 2), RecordKind::CriticismEducation, Conduct::Begging));
        assert!(
            find(&evaluate_grounds(&records, d(12, 1)), Ground::G5Begging).is_some_and(|g| !g.met),
            "not yet begging again"
        );
        records.push(rec(5, d(4, 20), RecordKind::Incident, Conduct::Begging));
        let met = evaluate_grounds(&records, d(12, 1));
        let g5 = find(&met, Ground::G5Begging).expect("met");
        assert!(g5.met);
        assert_eq!(g5.on, Some(d(4, 20)));
        assert_eq!(g5.evidence, vec![2, 3, 4, 5]);
    }

    #[test]
    fn unsupervised_again_after_education_meets_the_seed_and_with_serious_danger_the_2014_ground() {
        let mut records = vec![
            rec(1, d(5, 1), RecordKind::Incident, Conduct::Unsupervised),
            rec(2, d(5, 2), RecordKind::Reprimand, Conduct::Unsupervised),
            rec(3, d(6, 1), RecordKind::Incident, Conduct::Unsupervised),
        ];
        let f = evaluate_grounds(&records, d(12, 1));
        assert!(find(&f, Ground::S1Unsupervised).is_some_and(|g| g.met && g.on == Some(d(6, 1))));
        assert!(find(&f, Ground::G2UnsupervisedDanger).is_some_and(|g| !g.met));
        records[2].serious_harm = true;
        let f = evaluate_grounds(&records, d(12, 1));
        assert!(find(&f, Ground::G2UnsupervisedDanger).is_some_and(|g| g.met));
        assert_eq!(f.first().map(|g| g.met), Some(true), "met grounds are listed first");
    }

    #[test]
    fn harm_counts_only_when_serious() {
        let mut r = rec(1, d(5, 1), RecordKind::Incident, Conduct::Abuse);
        let f = evaluate_grounds(std::slice::from_ref(&r), d(12, 1));
        assert!(find(&f, Ground::S3ViolenceAbuseAbandonment).is_some_and(|g| !g.met));
        r.serious_harm = true;
        let f = evaluate_grounds(&[r], d(12, 1));
        assert!(find(&f, Ground::S3ViolenceAbuseAbandonment).is_some_and(|g| g.met));
        assert!(find(&f, Ground::G1SeriousHarm).is_some_and(|g| g.met));
        let assault = rec(2, d(5, 1), RecordKind::Incident, Conduct::SexualAssault);
        let f = evaluate_grounds(&[assault], d(12, 1));
        assert!(find(&f, Ground::S3ViolenceAbuseAbandonment).is_none(), "not one of the seed's three");
        assert!(find(&f, Ground::G1SeriousHarm).is_some());
    }

    #[test]
    fn an_entrusted_carers_conduct_meets_no_ground_and_a_guardians_does() {
        assert!(is_guardian(Standing::Father) && is_guardian(Standing::Mother));
        assert!(is_guardian(Standing::OtherGuardian), "appointed by law or by a court");
        assert!(!is_guardian(Standing::EntrustedCarer), "[UPL] 22: the parents stay the guardians");
        let mut abuse = rec(1, d(5, 1), RecordKind::Incident, Conduct::Abuse);
        abuse.serious_harm = true;
        abuse.standing = Some(Standing::EntrustedCarer);
        assert!(evaluate_grounds(std::slice::from_ref(&abuse), d(12, 1)).is_empty());
        // Older records without a standing were kept as a guardian's.
        abuse.standing = None;
        assert!(
            find(&evaluate_grounds(std::slice::from_ref(&abuse), d(12, 1)), Ground::S3ViolenceAbuseAbandonment)
                .is_some_and(|g| g.met)
        );
        // Rounds of education given to a carer do not count toward a parent's begging ground.
        let mut records: Vec<ConductRecord> = [2, 3, 4]
            .iter()
            .map(|&m| {
                let mut r = rec(i64::from(m), d(m, 2), RecordKind::CriticismEducation, Conduct::Begging);
                r.standing = Some(Standing::EntrustedCarer);
                r
            })
            .collect();
        records.push(rec(5, d(6, 1), RecordKind::Incident, Conduct::Begging));
        let g5 = evaluate_grounds(&records, d(12, 1));
        let g5 = find(&g5, Ground::G5Begging).expect("the father's begging is listed");
        assert!(!g5.met);
        assert!(g5.evidence.is_empty(), "none of the carer's rounds counts: {:?}", g5.evidence);
    }

    #[test]
    fn no_records_no_grounds() {
        assert!(evaluate_grounds(&[], d(12, 1)).is_empty());
    }

    #[test]
    fn a_record_needs_evidence_and_possible_dates() {
        let today = d(12, 1);
        let mut r = rec(1, d(11, 1), RecordKind::AdministrativePenalty, Conduct::Abuse);
        r.evidence = "  ".into();
        let e = check_record(r.clone(), Some(d(11, 5)), today).expect_err("invalid");
        assert!(e.get("evidence").is_some());
        assert_eq!(e.get("date"), Some(crate::msg::MEASURE_BEFORE_CASE), "a penalty before the report");
        r.evidence = "处罚决定书".into();
        r.date = d(12, 2);
        assert_eq!(
            check_record(r.clone(), None, today).expect_err("future").get("date"),
            Some(crate::msg::DATE_IN_FUTURE)
        );
        let mut refusal = rec(2, d(3, 3), RecordKind::Incident, Conduct::RefusedDuties);
        refusal.ended = Some(d(3, 1));
        assert!(check_record(refusal.clone(), None, today).expect_err("end").get("ended").is_some());
        refusal.ended = Some(d(6, 1));
        assert!(check_record(refusal, Some(d(11, 1)), today).is_ok(), "an incident may predate the case");
    }

    #[test]
    fn only_those_the_law_names_may_apply() {
        assert!(may_apply(Applicant::School, ApplicantRule::National));
        assert!(may_apply(Applicant::MedicalInstitution, ApplicantRule::National));
        assert!(!may_apply(Applicant::Police, ApplicantRule::National));
        assert!(!may_apply(Applicant::Neighbour, ApplicantRule::National));
        assert!(!may_apply(Applicant::School, ApplicantRule::Seed));
        assert!(may_apply(Applicant::VillageCommittee, ApplicantRule::Seed));
    }

    #[test]
    fn a_placement_rests_on_its_own_articles_ground() {
        assert!(placement_ground_fits(PlacementKind::TemporaryState, "guardian_missing", false));
        assert!(!placement_ground_fits(PlacementKind::TemporaryState, "guardian_dead", false));
        assert!(placement_ground_fits(PlacementKind::LongTermState, "guardian_dead", false));
        assert!(!placement_ground_fits(PlacementKind::LongTermState, "court_appointed", false), "needs the decision");
        assert!(placement_ground_fits(PlacementKind::LongTermState, "court_appointed", true));
        assert!(!may_record_placement(crate::role::Role::TownshipStaff));
    }

    #[test]
    fn an_application_follows_the_court() {
        use ApplicationState::*;
        assert!(may_move_application(Filed, Accepted));
        assert!(may_move_application(Heard, Revoked));
        assert!(may_move_application(Revoked, GuardianAppointed));
        assert!(!may_move_application(Filed, Revoked), "no decision before a hearing");
        assert!(!may_move_application(Rejected, GuardianAppointed));
    }
}
