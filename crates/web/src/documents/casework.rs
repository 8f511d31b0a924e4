//! The casework's papers and the census summary as PDF (issue 22, decisions 183–186): the
//! assessment report and the plan of a case, the letter of one of its referrals, the
//! application of one of its revocation applications, and the census summary of the user's
//! scope (the ledger's filters applied).
//!
//! Each reads the case within the user's casework scope (`assessment_detail`: out of scope is
//! missing, 404) or the files within the user's scope, then issues and writes as the other
//! documents do (`issue`, `deliver`).

use super::{Prepared, issue, produce, village_of};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use crate::filters::LedgerQuery;
use axum::http::HeaderMap;
use axum::response::Response;
use shouhu_census::summary::{self as census_summary, Summary};
use shouhu_documents::casework::{self as papers, CaseHead};
use shouhu_documents::summary::{SummaryLine, SummaryTable};
use shouhu_domain::assessment::AssessmentState;
use shouhu_domain::clock::{china_date, china_time};
use shouhu_domain::document::DocumentKind;
use shouhu_domain::guardianship::is_guardian;
use shouhu_domain::msg;
use shouhu_domain::role::Role;
use shouhu_store::casework::AssessmentDetail;
use shouhu_store::documents::IssueRequest;
use shouhu_store::users::Principal;
use shouhu_store::{Store, StoreError};

/// The case's head: the child as the case names it, with sex and birth date from the file
/// when the user may read it.
fn case_head(s: &Store, p: &Principal, d: &AssessmentDetail) -> CaseHead {
    let file = d.summary.child_id.and_then(|id| s.get_child(p, id).ok());
    let child_info = file
        .as_ref()
        .map(|c| {
            let sex = c.file.sex.map(|x| x.label()).unwrap_or_default();
            let birth = c.file.birth_date.map(msg::date_cn).unwrap_or_default();
            [sex.to_string(), birth].into_iter().filter(|x| !x.is_empty()).collect::<Vec<_>>().join("，")
        })
        .unwrap_or_else(|| msg::DOCUMENT_NOT_REGISTERED.to_string());
    CaseHead {
        case_no: msg::document_case_number(d.summary.id),
        child: d.summary.child_name.clone().unwrap_or_else(|| msg::CHILD_NOT_NAMED.to_string()),
        child_info,
        village: village_of(s, &d.summary.village_code),
    }
}

/// The register's request for a paper of case `d`: numbered in the case's district.
fn case_request(kind: DocumentKind, d: &AssessmentDetail, record: String) -> IssueRequest {
    let district = shouhu_domain::region::district_of(&d.summary.village_code).to_string();
    IssueRequest {
        kind,
        child: d.summary.child_id.map(|c| (c, district.clone())),
        district,
        record: Some(record),
        number: None,
        detail: String::new(),
    }
}

/// A time as the papers print it: 2026年11月29日 12:00 (China time).
fn when(at: chrono::DateTime<chrono::Utc>) -> String {
    let t = china_time(at);
    let hm = t.split_once(' ').map_or("", |(_, hm)| hm);
    format!("{} {hm}", msg::date_cn(china_date(at)))
}

type Built = Result<Result<Prepared, AppError>, StoreError>;

fn assessment_report(s: &Store, p: &Principal, id: i64) -> Built {
    let d = s.assessment_detail(p, id)?;
    let (Some(answers), Some(risk), AssessmentState::Completed) = (d.answers, d.summary.risk_level, d.summary.state)
    else {
        return Ok(Err(AppError::State(msg::DOCUMENT_ASSESSMENT_NOT_DONE)));
    };
    let f = papers::AssessmentFacts {
        head: case_head(s, p, &d),
        from_report: d.summary.report_id.is_some(),
        opened_at: when(d.summary.opened_at),
        due_at: when(d.summary.due_at),
        completed_at: d.completed_at.map(when).unwrap_or_default(),
        completed_by: d.completed_by.clone().unwrap_or_default(),
        participants: d.participants.iter().map(|x| (x.party, x.name.clone())).collect(),
        answers,
        risk,
        reasons: d.risk_reasons.clone(),
    };
    let req = case_request(DocumentKind::AssessmentReport, &d, format!("assessment {id}"));
    issue(s, p, vec![papers::assessment_values(&f)], papers::label, req)
}

fn org_name(s: &Store, id: i64) -> String {
    s.get_org(id).map(|o| o.name).unwrap_or_default()
}

fn assistance_plan(s: &Store, p: &Principal, id: i64) -> Built {
    let d = s.assessment_detail(p, id)?;
    if d.services.is_empty() && d.referrals.is_empty() {
        return Ok(Err(AppError::State(msg::DOCUMENT_PLAN_EMPTY)));
    }
    let f = papers::PlanFacts {
        head: case_head(s, p, &d),
        risk: d.summary.risk_level,
        services: d
            .services
            .iter()
            .map(|x| papers::PlanService {
                kind: x.kind,
                provider: x.provider.clone(),
                start: x.start_date,
                status: x.status,
                outcome: x.outcome.clone(),
            })
            .collect(),
        referrals: d
            .referrals
            .iter()
            .map(|r| papers::PlanReferral {
                kind: r.kind,
                org: org_name(s, r.receiving_org_id),
                sent_on: china_date(r.sent_at),
                state: r.state,
                note: r.reason.clone().or_else(|| r.note.clone()).unwrap_or_default(),
            })
            .collect(),
    };
    let req = case_request(DocumentKind::AssistancePlan, &d, format!("assessment {id}"));
    issue(s, p, vec![papers::plan_values(&f)], papers::label, req)
}

fn referral_letter(s: &Store, p: &Principal, id: i64, referral: i64) -> Built {
    let d = s.assessment_detail(p, id)?;
    let Some(r) = d.referrals.iter().find(|r| r.id == referral) else { return Ok(Err(AppError::NotFound)) };
    let head = case_head(s, p, &d);
    let f = papers::ReferralFacts {
        org: org_name(s, r.receiving_org_id),
        kind: r.kind,
        child: head.child,
        village: head.village,
        case_no: head.case_no,
        note: r.note.clone().unwrap_or_default(),
        sender: r.sender_org_name.clone().unwrap_or_else(|| p.org_name.clone()),
        sent_by: r.sent_by.clone().unwrap_or_default(),
        sent_on: china_date(r.sent_at),
        reply_days: s.settings.tasks.referral_days,
    };
    let req = case_request(DocumentKind::ReferralLetter, &d, format!("referral {referral}"));
    issue(s, p, vec![papers::referral_values(&f)], papers::label, req)
}

fn revocation_application(s: &Store, p: &Principal, id: i64, application: i64) -> Built {
    let d = s.assessment_detail(p, id)?;
    let Some(a) = d.applications.iter().find(|a| a.id == application) else { return Ok(Err(AppError::NotFound)) };
    let grounds: Vec<papers::GroundFacts> = a
        .grounds
        .iter()
        .map(|g| {
            let found = d.grounds.iter().find(|f| f.ground == *g);
            papers::GroundFacts {
                ground: *g,
                on: found.and_then(|f| f.on),
                explanation: found.map(|f| f.explanation.clone()).unwrap_or_default(),
                evidence: found.map(|f| f.evidence.clone()).unwrap_or_default(),
            }
        })
        .collect();
    // The respondents: the guardians whose conduct the grounds rest on, once each.
    let mut respondents: Vec<(String, Option<shouhu_domain::guardianship::Standing>)> = Vec::new();
    for e in &d.conduct {
        let cited = grounds.iter().any(|g| g.evidence.contains(&e.record.id));
        let guardian = e.record.standing.is_none_or(is_guardian);
        if cited && guardian && !respondents.iter().any(|(n, _)| *n == e.guardian) {
            respondents.push((e.guardian.clone(), e.record.standing));
        }
    }
    let head = case_head(s, p, &d);
    let address = d
        .summary
        .child_id
        .and_then(|c| s.get_child(p, c).ok())
        .map(|c| c.file.address)
        .unwrap_or_else(|| head.village.clone());
    let f = papers::ApplicationFacts {
        applicant: a.applicant_name.clone(),
        applicant_kind: a.applicant,
        respondents,
        child: head.child,
        child_info: head.child_info,
        child_address: address,
        grounds,
        evidence: d
            .conduct
            .iter()
            .map(|e| papers::EvidenceEntry {
                id: e.record.id,
                date: e.record.date,
                kind: e.record.kind,
                conduct: e.record.conduct,
                evidence: e.record.evidence.clone(),
                recorded_by: e.recorded_by.clone(),
            })
            .collect(),
        court: a.court.clone(),
        filed_on: a.filed_on,
    };
    let req = case_request(DocumentKind::RevocationApplication, &d, format!("revocation application {application}"));
    issue(s, p, vec![papers::application_values(&f)], papers::label, req)
}

/// A census summary as the table the document prints: the township rows named (by
/// `name_of`, from a township's code), then the total row. For the summary of a scope now,
/// and of a frozen return once census rounds keep one.
pub fn summary_table(
    summary: &Summary,
    name_of: impl Fn(&str) -> String,
    scope: &str,
    filter: &str,
    as_of: &str,
) -> SummaryTable {
    SummaryTable {
        groups: census_summary::groups()
            .into_iter()
            .map(|(t, cols)| (t.to_string(), cols.into_iter().map(str::to_string).collect()))
            .collect(),
        rows: summary
            .rows()
            .into_iter()
            .map(|r| match r.township {
                Some(code) => SummaryLine { name: name_of(&code), code, counts: r.counts.values() },
                None => SummaryLine {
                    name: census_summary::TOTAL.to_string(),
                    code: String::new(),
                    counts: r.counts.values(),
                },
            })
            .collect(),
        scope: scope.to_string(),
        filter: filter.to_string(),
        as_of: as_of.to_string(),
        closed: summary.closed(),
    }
}

fn census_summary(s: &Store, p: &Principal, q: &LedgerQuery) -> Built {
    let filter = q.selection(s, p)?;
    let scope = p.scope();
    let mut summary = Summary::new();
    let mut after: Option<(bool, String, i64)> = None;
    const BATCH: u32 = 1_000;
    loop {
        let key = after.as_ref().map(|(c, v, i)| (*c, v.as_str(), *i));
        let batch = s.children_batch(&scope, &filter, key, BATCH)?;
        if let Some(last) = batch.last() {
            after = Some((
                !matches!(last.status, shouhu_domain::child::FileStatus::Open),
                last.file.village_code.clone(),
                last.id,
            ));
        }
        for rec in &batch {
            summary.add(rec);
        }
        if batch.len() < BATCH as usize {
            break;
        }
    }
    if let Err(e) = summary.check() {
        return Ok(Err(AppError::Internal(format!("{}{e}", msg::DOCUMENT_SUMMARY_UNBALANCED))));
    }
    let scope_name = match &scope {
        shouhu_domain::role::Scope::Region(r) => s.regions.path_name(r).replace(" / ", ""),
        _ => p.org_name.clone(),
    };
    let filtered = !q.export_query().is_empty();
    let table = summary_table(
        &summary,
        |code| {
            let n = s.regions.name(code);
            if n.is_empty() { code.to_string() } else { n.to_string() }
        },
        &scope_name,
        if filtered { msg::DOCUMENT_SUMMARY_FILTERED } else { "" },
        &msg::date_cn(s.today()),
    );
    let v = match shouhu_documents::summary::values(&table) {
        Ok(v) => v,
        Err(e) => return Ok(Err(AppError::Internal(e.to_string()))),
    };
    let req = IssueRequest {
        kind: DocumentKind::CensusSummary,
        child: None,
        district: shouhu_domain::region::district_of(&p.region_code).to_string(),
        record: Some(format!("ledger {}", q.export_query())),
        number: None,
        detail: format!("{} files", summary.total().total),
    };
    issue(s, p, vec![v], papers::label, req)
}

/// Which paper of a case.
#[derive(Debug, Clone, Copy)]
pub enum CasePaper {
    AssessmentReport,
    AssistancePlan,
    /// The letter of this referral of the case.
    ReferralLetter(i64),
    /// The application of this revocation application of the case.
    RevocationApplication(i64),
}

/// A paper of case `id`, as PDF. 404 for a case (or its referral, its application) the user
/// may not see; 409 for a report before the assessment is done or a plan with nothing in it.
pub async fn case_paper(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    id: i64,
    paper: CasePaper,
) -> Result<Response, AppError> {
    produce(state, user, headers, move |s, p| match paper {
        CasePaper::AssessmentReport => assessment_report(s, p, id),
        CasePaper::AssistancePlan => assistance_plan(s, p, id),
        CasePaper::ReferralLetter(r) => referral_letter(s, p, id, r),
        CasePaper::RevocationApplication(a) => revocation_application(s, p, id, a),
    })
    .await
}

/// The census summary of the user's scope, the ledger's filters (or search) applied, for the
/// roles that keep the ledger.
pub async fn census_summary_pdf(
    state: &AppState,
    user: &CurrentUser,
    headers: &HeaderMap,
    q: &LedgerQuery,
) -> Result<Response, AppError> {
    user.require(Role::may_export)?;
    let q = q.clone();
    produce(state, user, headers, move |s, p| census_summary(s, p, &q)).await
}
