//! One assessment's page: its answers and risk level, and every form of the case on it; the
//! completion form (who took part, the three dimensions). A refused form comes back in its
//! section with everything typed kept.

use super::intervention::*;
use super::plan::*;
use super::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use crate::pages::form::{Kept, Refusal, pick, with_status};
use crate::pages::view::Saved;
use crate::pages::view::{Opt, china_time, day, opt_day, options};
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use shouhu_domain::assessment::{
    self as rules, Answers, AssessmentState, AssistanceKind, GuardianshipGrade, HealthAspect, HealthFinding, Party,
    RiskLevel, Safety, ServiceKind,
};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::guardianship::{self as g, Applicant, Conduct, RecordKind, Standing};
use shouhu_domain::msg;
use shouhu_domain::role::Role;
use shouhu_store::casework::{AssessmentDetail, Participant};
use shouhu_store::users::Organisation;
use std::collections::HashMap;

pub struct ParticipantRow {
    pub index: usize,
    pub number: usize,
    pub parties: Vec<Opt>,
    pub name: String,
    pub party_error: String,
    pub name_error: String,
}

pub struct CompleteForm {
    pub safety: Vec<Opt>,
    pub guardianship: Vec<Opt>,
    pub physical: Vec<Opt>,
    pub mental: Vec<Opt>,
    pub rows: Vec<ParticipantRow>,
    pub e_safety: String,
    pub e_guardianship: String,
    pub e_physical: String,
    pub e_mental: String,
    pub e_participants: String,
}

#[derive(Template)]
#[template(path = "casework/assessment.html")]
pub struct AssessmentPage {
    pub layout: Layout,
    pub id: i64,
    pub version: i64,
    pub child: String,
    pub village: String,
    pub child_id: Option<i64>,
    pub report_id: Option<i64>,
    pub open: bool,
    pub state: &'static str,
    pub opened_at: String,
    pub due_at: String,
    pub overdue: bool,
    pub risk_code: &'static str,
    pub risk: &'static str,
    pub risk_reasons: Vec<&'static str>,
    pub answers: Vec<Pair>,
    pub participants: Vec<Pair>,
    pub completed_at: String,
    pub completed_by: String,
    /// The section whose form was just saved (its banner, and where the page scrolls to).
    pub saved: String,
    /// The section whose form was refused, with what went wrong.
    pub refused: &'static str,
    pub refusal: Refusal,
    pub can_assess: bool,
    pub can_record: bool,
    pub can_apply: bool,
    pub complete: CompleteForm,
    pub services: Vec<ServiceView>,
    pub service_form: ServiceForm,
    pub referrals: Vec<ReferralView>,
    pub referral_form: ReferralForm,
    pub conduct: Vec<ConductView>,
    pub conduct_form: ConductForm,
    /// Some conduct on record is a carer's: the grounds section says why it is left out.
    pub carer_conduct: bool,
    pub grounds: Vec<GroundView>,
    pub met_grounds: usize,
    pub applications: Vec<ApplicationView>,
    pub application_form: ApplicationForm,
    pub placements: Vec<PlacementView>,
    pub placement_form: PlacementForm,
}

/// Who the user is among an assessment's parties, to fill the first row in.
pub(super) fn own_party(role: Role) -> Option<Party> {
    match role {
        Role::TownshipStaff => Some(Party::Township),
        Role::DistrictOfficer | Role::CityOfficer => Some(Party::CivilAffairs),
        Role::Police => Some(Party::Police),
        _ => None,
    }
}

pub(super) fn complete_form(user: &CurrentUser, k: &Kept) -> CompleteForm {
    let f = "complete";
    let choose = |name: &str, all: fn() -> Vec<Opt>| -> Vec<Opt> {
        let current = k.val(f, name);
        all().into_iter().map(|o| Opt { selected: o.code == current, ..o }).collect()
    };
    let rows_sent = if k.is(f) {
        (0..MAX_PARTICIPANT_ROWS)
            .rev()
            .find(|i| k.names().any(|n| n.starts_with(&format!("participants.{i}."))))
            .map_or(0, |i| i + 1)
    } else {
        0
    };
    let me = own_party(user.principal.role);
    let rows = (0..rows_sent.max(PARTICIPANT_ROWS))
        .map(|i| {
            let (party, name) = if k.is(f) {
                (k.val(f, &format!("participants.{i}.party")), k.val(f, &format!("participants.{i}.name")))
            } else if i == 0 && me.is_some() {
                (
                    me.map_or("", |p| p.code()).to_string(),
                    format!("{} {}", user.principal.org_name, user.principal.display_name),
                )
            } else {
                (String::new(), String::new())
            };
            ParticipantRow {
                index: i,
                number: i + 1,
                parties: options(Party::ALL, Party::code, Party::label, &party),
                name,
                party_error: k.err(f, &format!("participants.{i}.party")),
                name_error: k.err(f, &format!("participants.{i}.name")),
            }
        })
        .collect();
    CompleteForm {
        safety: choose("safety", || options(Safety::ALL, Safety::code, Safety::label, "")),
        guardianship: choose("guardianship", || {
            options(GuardianshipGrade::ALL, GuardianshipGrade::code, GuardianshipGrade::label, "")
        }),
        physical: choose("physical", || {
            options(HealthFinding::ALL, HealthFinding::code, |f| f.label_for(HealthAspect::Physical), "")
        }),
        mental: choose("mental", || {
            options(HealthFinding::ALL, HealthFinding::code, |f| f.label_for(HealthAspect::Mental), "")
        }),
        rows,
        e_safety: k.err(f, "safety"),
        e_guardianship: k.err(f, "guardianship"),
        e_physical: k.err(f, "physical"),
        e_mental: k.err(f, "mental"),
        e_participants: k.err(f, "participants"),
    }
}

pub(super) fn assessment_page(
    user: &CurrentUser,
    d: AssessmentDetail,
    orgs: &[Organisation],
    saved: String,
    k: Kept,
) -> AssessmentPage {
    let role = user.principal.role;
    let s = &d.summary;
    let open = s.state == AssessmentState::Open;
    let can_assess = rules::may_run_assessment(role);
    let can_record = RecordKind::ALL.iter().any(|kind| g::may_record_conduct(role, *kind));
    let can_apply = g::may_follow_application(role);
    let org_names: HashMap<i64, &str> = orgs.iter().map(|o| (o.id, o.name.as_str())).collect();

    let answers = d
        .answers
        .map(|a| {
            vec![
                Pair { label: msg::SAFETY, value: a.safety.label().into() },
                Pair { label: msg::GUARDIANSHIP_GRADE, value: a.guardianship.label().into() },
                Pair { label: msg::PHYSICAL_HEALTH, value: a.physical.label_for(HealthAspect::Physical).into() },
                Pair { label: msg::MENTAL_HEALTH, value: a.mental.label_for(HealthAspect::Mental).into() },
            ]
        })
        .unwrap_or_default();

    let sf = "service";
    let service_form = ServiceForm {
        kinds: options(ServiceKind::ALL, ServiceKind::code, ServiceKind::label, &k.val(sf, "kind")),
        provider: k.val(sf, "provider"),
        start_date: k.val(sf, "start_date"),
        e_kind: k.err(sf, "kind"),
        e_provider: k.err(sf, "provider"),
        e_start_date: k.err(sf, "start_date"),
    };

    let rf = "referral";
    let org_now = k.val(rf, "receiving_org_id");
    let referral_form = ReferralForm {
        kinds: options(AssistanceKind::ALL, AssistanceKind::code, AssistanceKind::label, &k.val(rf, "kind")),
        orgs: referral_targets(orgs, &s.village_code)
            .into_iter()
            .map(|o| Opt {
                code: o.id.to_string(),
                label: format!("{}（{}）", o.name, o.org_type.label()),
                selected: o.id.to_string() == org_now,
            })
            .collect(),
        note: k.val(rf, "note"),
        e_kind: k.err(rf, "kind"),
        e_org: k.err(rf, "receiving_org_id"),
        e_note: k.err(rf, "note"),
    };

    let cf = "conduct";
    let recordable: Vec<RecordKind> =
        RecordKind::ALL.iter().copied().filter(|kind| g::may_record_conduct(role, *kind)).collect();
    // Township and civil affairs record incidents only: nothing to choose.
    let only_kind = if recordable.len() == 1 { recordable[0].code() } else { "" };
    let conduct_form = ConductForm {
        guardian: k.val(cf, "guardian"),
        standings: options(Standing::ALL, Standing::code, Standing::label, &k.val(cf, "standing")),
        e_standing: k.err(cf, "standing"),
        date: k.val(cf, "date"),
        kinds: options(&recordable, RecordKind::code, RecordKind::label, &k.val_or(cf, "kind", only_kind)),
        conducts: options(Conduct::ALL, Conduct::code, Conduct::label, &k.val(cf, "conduct")),
        serious_harm: k.checked(cf, "serious_harm"),
        child_without_means: k.checked(cf, "child_without_means"),
        refused_to_entrust: k.checked(cf, "refused_to_entrust"),
        ended: k.val(cf, "ended"),
        evidence: k.val(cf, "evidence"),
        e_guardian: k.err(cf, "guardian"),
        e_date: k.err(cf, "date"),
        e_kind: k.err(cf, "kind"),
        e_conduct: k.err(cf, "conduct"),
        e_ended: k.err(cf, "ended"),
        e_evidence: k.err(cf, "evidence"),
    };

    let af = "application";
    let chosen = k.vals(af, "grounds");
    let application_form = ApplicationForm {
        applicants: options(Applicant::ALL, Applicant::code, Applicant::label, &k.val(af, "applicant")),
        applicant_name: k.val(af, "applicant_name"),
        grounds: d
            .grounds
            .iter()
            .filter(|f| f.met)
            .map(|f| Opt {
                code: f.ground.code().into(),
                label: f.ground.label().into(),
                selected: chosen.iter().any(|c| c == f.ground.code()),
            })
            .collect(),
        court: k.val(af, "court"),
        filed_on: k.val(af, "filed_on"),
        e_applicant: k.err(af, "applicant"),
        e_applicant_name: k.err(af, "applicant_name"),
        e_grounds: k.errs_under(af, "grounds"),
        e_court: k.err(af, "court"),
        e_filed_on: k.err(af, "filed_on"),
    };

    AssessmentPage {
        layout: Layout::new(format!("{} {}", msg::ASSESSMENT, child_named(s)), Some(user)),
        id: s.id,
        version: s.version,
        child: child_named(s),
        village: s.village_name.clone(),
        child_id: s.child_id,
        report_id: s.report_id,
        open,
        state: s.state.label(),
        opened_at: china_time(s.opened_at),
        due_at: china_time(s.due_at),
        overdue: s.overdue,
        risk_code: s.risk_level.map_or("", RiskLevel::code),
        risk: s.risk_level.map_or(msg::RISK_NOT_YET, RiskLevel::label),
        risk_reasons: d.risk_reasons.iter().map(|r| r.label()).collect(),
        answers,
        participants: d.participants.iter().map(|p| Pair { label: p.party.label(), value: p.name.clone() }).collect(),
        completed_at: d.completed_at.map(china_time).unwrap_or_default(),
        completed_by: d.completed_by.clone().unwrap_or_default(),
        saved,
        refused: section_of(&k.form),
        refusal: refusal_of(&k),
        can_assess,
        can_record,
        can_apply,
        complete: complete_form(user, &k),
        services: d.services.iter().map(|x| service_view(x, can_assess, &k)).collect(),
        service_form,
        referrals: d
            .referrals
            .iter()
            .map(|r| ReferralView {
                id: r.id,
                kind: r.kind.label(),
                org: org_names
                    .get(&r.receiving_org_id)
                    .map_or_else(|| r.receiving_org_id.to_string(), |n| n.to_string()),
                note: r.note.clone().unwrap_or_default(),
                state_code: r.state.code(),
                state: r.state.label(),
                reason: r.reason.clone().unwrap_or_default(),
                sent_at: china_time(r.sent_at),
                decided_at: r.decided_at.map(china_time).unwrap_or_default(),
            })
            .collect(),
        referral_form,
        conduct: d.conduct.iter().map(conduct_view).collect(),
        conduct_form,
        carer_conduct: d.conduct.iter().any(|e| e.record.standing.is_some_and(|x| !g::is_guardian(x))),
        met_grounds: d.grounds.iter().filter(|f| f.met).count(),
        grounds: d
            .grounds
            .iter()
            .map(|f| GroundView {
                code: f.ground.code(),
                label: f.ground.label(),
                source: f.ground.source(),
                met: f.met,
                on_label: if f.met { msg::GROUND_MET_ON } else { msg::GROUND_DUE_ON },
                on: opt_day(f.on),
                explanation: f.explanation.clone(),
                evidence: f.evidence.clone(),
            })
            .collect(),
        applications: d.applications.iter().map(|a| application_view(a, can_apply, &k)).collect(),
        application_form,
        placements: d
            .placements
            .iter()
            .map(|p| PlacementView {
                kind: p.kind.label(),
                ground: p.ground_label,
                placed_with: p.placed_with.clone(),
                start_date: day(p.start_date),
            })
            .collect(),
        placement_form: placement_form(role, &k),
    }
}

/// The assessment as the user may see it, and the organisations (for referrals); the view
/// is recorded before it is shown.
pub(super) async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(AssessmentDetail, Vec<Organisation>), PageError> {
    let p = user.principal.clone();
    let loaded = state.run(move |s| Ok((s.assessment_detail(&p, id)?, s.list_orgs()?))).await?;
    state.queued_as(&user.principal, move |s, p| s.record_case_view(p, "view_assessment", id)).await?;
    Ok(loaded)
}

pub(super) async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<Saved>,
) -> PageResult {
    let (d, orgs) = load(&state, &user, id).await?;
    let saved = q.saved.unwrap_or_default();
    Ok(render(&assessment_page(&user, d, &orgs, saved, Kept::default())))
}

/// After a form: to the page's section on success, or the page again with what was wrong.
pub(super) async fn finish(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    result: Result<(), AppError>,
    kept: Kept,
    stale: &'static str,
) -> PageResult {
    let e = match result {
        Ok(()) => {
            // A completed assessment has no form left: the page opens at its result.
            let (saved, anchor) = match section_of(&kept.form) {
                "complete" => ("complete", "assessment-summary"),
                s => (s, s),
            };
            return Ok(Redirect::to(&format!("/assessments/{id}?saved={saved}#{anchor}")).into_response());
        }
        Err(e) => e,
    };
    let (kept, status) = kept.refused(e, stale)?;
    let (d, orgs) = load(state, user, id).await?;
    Ok(with_status(render(&assessment_page(user, d, &orgs, String::new(), kept)), status))
}

pub(super) async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let version = crate::pages::form::version(&form);
    let mut errs = FieldErrors::default();
    let safety = pick(&form, "safety", Safety::parse, &mut errs);
    let guardianship = pick(&form, "guardianship", GuardianshipGrade::parse, &mut errs);
    let physical = pick(&form, "physical", HealthFinding::parse, &mut errs);
    let mental = pick(&form, "mental", HealthFinding::parse, &mut errs);
    // The rows filled in, with their place on the form (the store names them by position).
    let mut rows: Vec<usize> = Vec::new();
    let mut participants = Vec::new();
    let mut row_errors = false;
    for i in 0..MAX_PARTICIPANT_ROWS {
        let (pf, nf) = (format!("participants.{i}.party"), format!("participants.{i}.name"));
        let party = form.get(&pf).unwrap_or("").trim();
        let name = form.get(&nf).unwrap_or("");
        if party.is_empty() && name.trim().is_empty() {
            continue;
        }
        row_errors = true;
        let parsed = if party.is_empty() {
            errs.add(&pf, msg::REQUIRED);
            None
        } else {
            let p = Party::parse(party);
            if p.is_none() {
                errs.add(&pf, msg::UNKNOWN_OPTION);
            }
            p
        };
        if name.trim().is_empty() {
            errs.add(&nf, msg::REQUIRED);
        }
        if let Some(party) = parsed {
            rows.push(i);
            participants.push(Participant { party, name: name.to_string() });
        }
    }
    if !row_errors {
        errs.add("participants", msg::PARTICIPANTS_REQUIRED);
    }
    let result = match (safety, guardianship, physical, mental) {
        (Some(safety), Some(guardianship), Some(physical), Some(mental)) if errs.is_empty() => {
            let answers = Answers { safety, guardianship, physical, mental };
            let p = user.principal.clone();
            let facts = state
                .run(move |s| {
                    let child = s.assessment_detail(&p, id)?.summary.child_id;
                    Ok(s.child_facts(&p, child))
                })
                .await?;
            match state
                .queued_as(&user.principal, move |s, p| {
                    s.complete_assessment(p, id, version, answers, participants, facts)
                })
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => Err(match e {
                    // The store counts the rows it was given; the form counts every row.
                    AppError::Invalid(f) => invalid(FieldErrors(
                        f.0.into_iter()
                            .map(|mut e| {
                                if let Some(rest) = e.field.strip_prefix("participants.")
                                    && let Some((n, tail)) = rest.split_once('.')
                                    && let Some(row) = n.parse::<usize>().ok().and_then(|n| rows.get(n))
                                {
                                    e.field = format!("participants.{row}.{tail}");
                                }
                                e
                            })
                            .collect(),
                    )),
                    other => other,
                }),
            }
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("complete", form), msg::ASSESSMENT_STALE).await
}
