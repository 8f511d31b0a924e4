//! The casework's papers (issue 22, decisions 183–185): the assessment report and the plan
//! (templates/assessment_report.tpl, assistance_plan.tpl), the referral letter
//! (referral_letter.tpl) and the revocation application (revocation_application.tpl), from a
//! case as the user may see it. The caller reads the case within the user's scope and passes
//! what it prints here; the referral letter leaves out what a referral does not disclose.

use crate::template::Values;
use chrono::NaiveDate;
use shouhu_domain::assessment::{
    Answers, AssistanceKind, CaseFact, HealthAspect, Party, ReferralState, RiskLevel, RiskReason, ServiceKind,
    ServiceStatus, is_purchased_service, referral_discloses,
};
use shouhu_domain::guardianship::{Applicant, Conduct, Ground, RecordKind, Standing};
use shouhu_domain::msg;
use std::collections::BTreeMap;

/// Who and where a case is about, as its papers head it.
#[derive(Debug, Clone, Default)]
pub struct CaseHead {
    /// The case's number as printed (`msg::document_case_number`).
    pub case_no: String,
    /// The child's name, or the report's description of a child not on file.
    pub child: String,
    /// Sex and birth date from the child's file, when the user may read it.
    pub child_info: String,
    /// The village with its township and district.
    pub village: String,
}

/// What the user calls a value of these papers, for naming it when the font lacks one of
/// its characters (the template's keys, items' as `list.key`).
pub fn label(key: &str) -> String {
    let l = match key {
        "child" => "儿童姓名",
        "village" | "child_address" => "住址或所在村（居）",
        "participants.name" => "参与评估人员",
        "completed_by" | "sent_by" => "经办人",
        "services.provider" => "服务提供方",
        "services.outcome" => "服务成效",
        "referrals.org" | "org" => "接收单位",
        "referrals.note" | "note" => "转介说明",
        "sender" => "转介单位",
        "applicant" => "申请人",
        "respondents" => "被申请人",
        "evidence.evidence" => "证据",
        "evidence.recorded_by" => "记录人",
        "court" => "人民法院",
        "grounds.reason" => "事实和理由",
        "rows.name" => "乡镇（街道）",
        _ => return key.to_string(),
    };
    l.to_string()
}

fn item(pairs: &[(&str, String)]) -> BTreeMap<String, String> {
    pairs.iter().map(|(k, v)| (k.to_string(), v.clone())).collect()
}

fn head(v: &mut Values, h: &CaseHead) {
    v.set("case_no", h.case_no.clone());
    v.set("child", h.child.clone());
    v.set("child_info", h.child_info.clone());
    v.set("village", h.village.clone());
}

/// A completed assessment: what its report prints.
#[derive(Debug, Clone)]
pub struct AssessmentFacts {
    pub head: CaseHead,
    /// The case began with a report the police handed over (else the township found it).
    pub from_report: bool,
    pub opened_at: String,
    pub due_at: String,
    pub completed_at: String,
    pub completed_by: String,
    pub participants: Vec<(Party, String)>,
    pub answers: Answers,
    pub risk: RiskLevel,
    pub reasons: Vec<RiskReason>,
}

/// The assessment report's values.
pub fn assessment_values(f: &AssessmentFacts) -> Values {
    let mut v = Values::default();
    head(&mut v, &f.head);
    v.set("source", if f.from_report { msg::DOCUMENT_CASE_FROM_REPORT } else { msg::DOCUMENT_CASE_FROM_TOWNSHIP });
    v.set("opened_at", f.opened_at.clone());
    v.set("due_at", f.due_at.clone());
    v.set("completed_at", f.completed_at.clone());
    v.set("completed_by", f.completed_by.clone());
    for (i, (party, name)) in f.participants.iter().enumerate() {
        v.push_item(
            "participants",
            item(&[("n", (i + 1).to_string()), ("party", party.label().to_string()), ("name", name.clone())]),
        );
    }
    v.set("safety", f.answers.safety.label());
    v.set("guardianship", f.answers.guardianship.label());
    v.set("physical", f.answers.physical.label_for(HealthAspect::Physical));
    v.set("mental", f.answers.mental.label_for(HealthAspect::Mental));
    v.set("risk", f.risk.label());
    let reasons: Vec<String> = f.reasons.iter().enumerate().map(|(i, r)| format!("{}. {}", i + 1, r.label())).collect();
    v.set("reasons", if reasons.is_empty() { msg::DOCUMENT_NONE_YET.to_string() } else { reasons.join("\n") });
    v
}

/// A service of the plan.
#[derive(Debug, Clone)]
pub struct PlanService {
    pub kind: ServiceKind,
    pub provider: String,
    pub start: NaiveDate,
    pub status: ServiceStatus,
    pub outcome: Option<String>,
}

/// A referral of the plan.
#[derive(Debug, Clone)]
pub struct PlanReferral {
    pub kind: AssistanceKind,
    /// The receiving organisation's name.
    pub org: String,
    pub sent_on: NaiveDate,
    pub state: ReferralState,
    /// The sender's note, or the receiver's reason for a decline or a refusal.
    pub note: String,
}

/// A case's plan: what the plan prints.
#[derive(Debug, Clone)]
pub struct PlanFacts {
    pub head: CaseHead,
    pub risk: Option<RiskLevel>,
    pub services: Vec<PlanService>,
    pub referrals: Vec<PlanReferral>,
}

/// The plan's values; an empty list prints one row saying so.
pub fn plan_values(f: &PlanFacts) -> Values {
    let mut v = Values::default();
    head(&mut v, &f.head);
    v.set("risk", f.risk.map_or(msg::DOCUMENT_NONE_YET, |r| r.label()));
    for (i, s) in f.services.iter().enumerate() {
        let way = if is_purchased_service(s.kind) { msg::PURCHASED_SERVICE } else { msg::CARE_SERVICE };
        v.push_item(
            "services",
            item(&[
                ("n", (i + 1).to_string()),
                ("kind", s.kind.label().to_string()),
                ("way", way.to_string()),
                ("provider", s.provider.clone()),
                ("start", msg::date_cn(s.start)),
                ("status", s.status.label().to_string()),
                ("outcome", s.outcome.clone().unwrap_or_default()),
            ]),
        );
    }
    if f.services.is_empty() {
        let none = msg::DOCUMENT_NONE_YET.to_string();
        let keys = ["n", "way", "provider", "start", "status", "outcome"];
        let mut it = item(&keys.map(|k| (k, String::new())));
        it.insert("kind".into(), none);
        v.push_item("services", it);
    }
    for (i, r) in f.referrals.iter().enumerate() {
        v.push_item(
            "referrals",
            item(&[
                ("n", (i + 1).to_string()),
                ("kind", r.kind.label().to_string()),
                ("org", r.org.clone()),
                ("sent", msg::date_cn(r.sent_on)),
                ("state", r.state.label().to_string()),
                ("note", r.note.clone()),
            ]),
        );
    }
    if f.referrals.is_empty() {
        let keys = ["n", "org", "sent", "state", "note"];
        let mut it = item(&keys.map(|k| (k, String::new())));
        it.insert("kind".into(), msg::DOCUMENT_NONE_YET.to_string());
        v.push_item("referrals", it);
    }
    v
}

/// A referral as its letter may print it: each fact of the case is given, and the letter
/// prints it only when `referral_discloses` lets a referral pass it on.
#[derive(Debug, Clone)]
pub struct ReferralFacts {
    /// The receiving organisation.
    pub org: String,
    pub kind: AssistanceKind,
    pub child: String,
    pub village: String,
    pub case_no: String,
    pub note: String,
    /// The organisation that sent it, and who.
    pub sender: String,
    pub sent_by: String,
    pub sent_on: NaiveDate,
    /// Days the receiver has to answer (setting `tasks.referral_days`).
    pub reply_days: i64,
}

/// The referral letter's values.
pub fn referral_values(f: &ReferralFacts) -> Values {
    let shown = |fact: CaseFact, value: &str| {
        if referral_discloses(fact) { value.to_string() } else { msg::DOCUMENT_NOT_DISCLOSED.to_string() }
    };
    let mut v = Values::default();
    v.set("org", f.org.clone());
    v.set("kind", f.kind.label());
    v.set("request", msg::document_referral_request(f.kind.label(), f.reply_days));
    v.set("child", shown(CaseFact::ChildName, &f.child));
    v.set("village", shown(CaseFact::Village, &f.village));
    v.set("case_no", shown(CaseFact::CaseNumber, &f.case_no));
    v.set("sender", shown(CaseFact::Sender, &f.sender));
    v.set("sent_by", shown(CaseFact::Sender, &f.sent_by));
    v.set("note", if f.note.is_empty() { msg::DOCUMENT_NONE_YET.to_string() } else { f.note.clone() });
    v.set("sent_at", msg::date_cn(f.sent_on));
    v.set("confidential", msg::DOCUMENT_REFERRAL_CONFIDENTIAL);
    v
}

/// An entry of the conduct record that proves a ground.
#[derive(Debug, Clone)]
pub struct EvidenceEntry {
    pub id: i64,
    pub date: NaiveDate,
    pub kind: RecordKind,
    pub conduct: Conduct,
    pub evidence: String,
    pub recorded_by: String,
}

/// A ground an application relies on, as `guardianship::evaluate_grounds` finds it.
#[derive(Debug, Clone)]
pub struct GroundFacts {
    pub ground: Ground,
    pub on: Option<NaiveDate>,
    pub explanation: String,
    /// The conduct records it rests on.
    pub evidence: Vec<i64>,
}

/// A revocation application: what it prints.
#[derive(Debug, Clone)]
pub struct ApplicationFacts {
    pub applicant: String,
    pub applicant_kind: Applicant,
    /// The guardians whose conduct the grounds rest on, with their standing.
    pub respondents: Vec<(String, Option<Standing>)>,
    pub child: String,
    pub child_info: String,
    pub child_address: String,
    pub grounds: Vec<GroundFacts>,
    /// The conduct record's entries (those the grounds cite are listed).
    pub evidence: Vec<EvidenceEntry>,
    pub court: String,
    pub filed_on: NaiveDate,
}

/// The application's values: each ground with the day it was met and the numbers of its
/// evidence in the list, the evidence the grounds cite in date order.
pub fn application_values(f: &ApplicationFacts) -> Values {
    let mut v = Values::default();
    v.set("applicant", f.applicant.clone());
    v.set("applicant_kind", f.applicant_kind.label());
    let respondents: Vec<String> = f
        .respondents
        .iter()
        .map(|(name, s)| match s {
            Some(s) => format!("{name}（{}）", s.label()),
            None => name.clone(),
        })
        .collect();
    let respondents = respondents.join("、");
    v.set("respondents", respondents.clone());
    v.set("child", f.child.clone());
    v.set("child_info", f.child_info.clone());
    v.set("child_address", f.child_address.clone());
    let names: Vec<&str> = f.respondents.iter().map(|(n, _)| n.as_str()).collect();
    v.set("request", msg::document_revocation_request(&names.join("、"), &f.child));
    // The evidence the grounds cite, numbered in date order.
    let mut cited: Vec<&EvidenceEntry> =
        f.evidence.iter().filter(|e| f.grounds.iter().any(|g| g.evidence.contains(&e.id))).collect();
    cited.sort_by_key(|e| (e.date, e.id));
    let number_of = |id: i64| cited.iter().position(|e| e.id == id).map(|i| i + 1);
    for (i, g) in f.grounds.iter().enumerate() {
        let mut numbers: Vec<usize> = g.evidence.iter().filter_map(|id| number_of(*id)).collect();
        numbers.sort_unstable();
        let mut reason = msg::document_ground_reason(
            i + 1,
            g.ground.label(),
            g.ground.source(),
            g.explanation.trim_end_matches('。'),
            &g.on.map(msg::date_cn).unwrap_or_default(),
        );
        if !numbers.is_empty() {
            let list: Vec<String> = numbers.iter().map(usize::to_string).collect();
            reason.push_str(&msg::document_ground_evidence(&list.join("、")));
        }
        v.push_item("grounds", item(&[("reason", reason)]));
    }
    for (i, e) in cited.iter().enumerate() {
        v.push_item(
            "evidence",
            item(&[
                ("n", (i + 1).to_string()),
                ("date", msg::date_cn(e.date)),
                ("kind", e.kind.label().to_string()),
                ("conduct", e.conduct.label().to_string()),
                ("evidence", e.evidence.clone()),
                ("recorded_by", e.recorded_by.clone()),
            ]),
        );
    }
    v.set("court", f.court.clone());
    v.set("filed_on", shouhu_domain::document::chinese_date(f.filed_on));
    v
}
