//! Guardianship intervention (监护干预): the conduct record with the grounds it meets,
//! revocation applications to the court's new guardian, and state guardianship.

use super::assessment::*;
use super::*;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath};
use crate::error::AppError;
use crate::pages::form::{Kept, date_field, non_empty, pick, required_text};
use crate::pages::view::{Opt, china_time, day, opt_day, options};
use crate::pages::{PageError, PageResult};
use axum::extract::{Path, State};
use shouhu_domain::codes::Relation;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::guardianship::{
    self as g, Applicant, ApplicationState, Conduct, ConductRecord, Ground, RecordKind, Standing,
};
use shouhu_domain::msg;
use shouhu_domain::role::Role;
use shouhu_store::casework::{Application, ApplicationStep, NewApplication, NewGuardian};

pub struct ConductView {
    pub id: i64,
    pub date: String,
    pub kind: &'static str,
    pub measure: bool,
    pub conduct: &'static str,
    pub flags: Vec<&'static str>,
    pub ended: String,
    pub evidence: String,
    pub guardian: String,
    pub standing: &'static str,
    /// An entrusted carer's conduct: recorded, but no ground for revocation.
    pub not_guardian: bool,
    pub recorded_by: String,
    pub recorded_at: String,
}

pub struct ConductForm {
    pub guardian: String,
    pub standings: Vec<Opt>,
    pub e_standing: String,
    pub date: String,
    pub kinds: Vec<Opt>,
    pub conducts: Vec<Opt>,
    pub serious_harm: bool,
    pub child_without_means: bool,
    pub refused_to_entrust: bool,
    pub ended: String,
    pub evidence: String,
    pub e_guardian: String,
    pub e_date: String,
    pub e_kind: String,
    pub e_conduct: String,
    pub e_ended: String,
    pub e_evidence: String,
}

pub struct GroundView {
    pub code: &'static str,
    pub label: &'static str,
    pub source: &'static str,
    pub met: bool,
    pub on_label: &'static str,
    pub on: String,
    pub explanation: String,
    pub evidence: Vec<i64>,
}

pub struct ApplicationView {
    pub id: i64,
    pub version: i64,
    pub applicant: &'static str,
    pub applicant_name: String,
    pub grounds: Vec<&'static str>,
    pub court: String,
    pub filed_on: String,
    pub state_code: &'static str,
    pub state: &'static str,
    pub hearing_on: String,
    pub decided_on: String,
    pub new_guardian: String,
    pub maintenance: String,
    /// The states it may move to next, for those who follow applications.
    pub next: Vec<Opt>,
    /// The next step is the new guardian's appointment: the form asks for them.
    pub appoint: bool,
    pub step_date: String,
    pub ng_name: String,
    pub relations: Vec<Opt>,
    pub ng_phone: String,
    pub maintenance_input: String,
    pub e_state: String,
    pub e_date: String,
    pub e_ng_name: String,
    pub e_ng_relation: String,
    pub e_ng_phone: String,
    pub e_maintenance: String,
}

pub struct ApplicationForm {
    pub applicants: Vec<Opt>,
    pub applicant_name: String,
    pub grounds: Vec<Opt>,
    pub court: String,
    pub filed_on: String,
    pub e_applicant: String,
    pub e_applicant_name: String,
    pub e_grounds: String,
    pub e_court: String,
    pub e_filed_on: String,
}

pub struct PlacementView {
    pub kind: &'static str,
    pub ground: &'static str,
    pub placed_with: String,
    pub start_date: String,
}

/// State guardianship ([UPL] 92, 94), for civil affairs.
pub struct PlacementForm {
    pub can: bool,
    pub kinds: Vec<Opt>,
    /// Every ground of both articles, each labelled with its article.
    pub grounds: Vec<Opt>,
    pub placed_with: String,
    pub start_date: String,
    pub e_kind: String,
    pub e_ground: String,
    pub e_placed_with: String,
    pub e_start_date: String,
}

pub(super) fn conduct_view(e: &shouhu_store::casework::GuardianEntry) -> ConductView {
    let r = &e.record;
    let mut flags = Vec::new();
    if r.serious_harm {
        flags.push(msg::FLAG_SERIOUS_HARM);
    }
    if r.child_without_means {
        flags.push(msg::FLAG_WITHOUT_MEANS);
    }
    if r.refused_to_entrust {
        flags.push(msg::FLAG_REFUSED_TO_ENTRUST);
    }
    ConductView {
        id: r.id,
        date: day(r.date),
        kind: r.kind.label(),
        measure: r.kind != RecordKind::Incident,
        conduct: r.conduct.label(),
        flags,
        ended: opt_day(r.ended),
        evidence: r.evidence.clone(),
        guardian: e.guardian.clone(),
        standing: r.standing.map_or("", |x| x.label()),
        not_guardian: r.standing.is_some_and(|x| !g::is_guardian(x)),
        recorded_by: e.recorded_by.clone(),
        recorded_at: china_time(e.recorded_at),
    }
}

pub(super) fn new_guardian_text(ng: &NewGuardian) -> String {
    let mut s = ng.name.clone();
    if let Some(r) = ng.relation {
        s.push_str(&format!("（{}）", r.label()));
    }
    if let Some(p) = ng.phone.as_deref().filter(|p| !p.is_empty()) {
        s.push_str(&format!(" {p}"));
    }
    s
}

pub(super) fn application_view(a: &Application, can_apply: bool, k: &Kept) -> ApplicationView {
    let f = format!("application-{}", a.id);
    let next: Vec<ApplicationState> =
        ApplicationState::ALL.iter().copied().filter(|to| can_apply && g::may_move_application(a.state, *to)).collect();
    let state_now = k.val(&f, "state");
    ApplicationView {
        id: a.id,
        version: a.version,
        applicant: a.applicant.label(),
        applicant_name: a.applicant_name.clone(),
        grounds: a.grounds.iter().map(|x| x.label()).collect(),
        court: a.court.clone(),
        filed_on: day(a.filed_on),
        state_code: a.state.code(),
        state: a.state.label(),
        hearing_on: opt_day(a.hearing_on),
        decided_on: opt_day(a.decided_on),
        new_guardian: a.new_guardian.as_ref().map(new_guardian_text).unwrap_or_default(),
        maintenance: a.maintenance_owed.clone().unwrap_or_default(),
        appoint: next.contains(&ApplicationState::GuardianAppointed),
        next: options(&next, ApplicationState::code, ApplicationState::label, &state_now),
        step_date: k.val(&f, "date"),
        ng_name: k.val(&f, "new_guardian_name"),
        relations: options(Relation::ALL, Relation::code, Relation::label, &k.val(&f, "new_guardian_relation")),
        ng_phone: k.val(&f, "new_guardian_phone"),
        maintenance_input: k.val(&f, "maintenance_owed"),
        e_state: k.err(&f, "state"),
        e_date: k.err(&f, "date"),
        e_ng_name: [k.err(&f, "new_guardian"), k.err(&f, "new_guardian.name"), k.err(&f, "entrusted_guardian.name")]
            .into_iter()
            .find(|e| !e.is_empty())
            .unwrap_or_default(),
        e_ng_relation: k.err(&f, "new_guardian.relation"),
        e_ng_phone: [k.err(&f, "new_guardian.phone"), k.err(&f, "entrusted_guardian.phone")]
            .into_iter()
            .find(|e| !e.is_empty())
            .unwrap_or_default(),
        e_maintenance: k.err(&f, "maintenance_owed"),
    }
}

pub(super) fn placement_form(role: Role, k: &Kept) -> PlacementForm {
    let ground_now = k.val("placement", "ground");
    let mut grounds: Vec<Opt> = g::TemporaryStateGround::ALL
        .iter()
        .map(|x| Opt { code: x.code().into(), label: format!("第92条：{}", x.label()), selected: false })
        .collect();
    grounds.extend(g::LongTermStateGround::ALL.iter().map(|x| Opt {
        code: x.code().into(),
        label: format!("第94条：{}", x.label()),
        selected: false,
    }));
    // Both articles share codes such as `other`: the first one typed is selected only once.
    if let Some(o) = grounds.iter_mut().find(|o| o.code == ground_now) {
        o.selected = true;
    }
    PlacementForm {
        can: g::may_record_placement(role),
        kinds: options(
            g::PlacementKind::ALL,
            g::PlacementKind::code,
            g::PlacementKind::label,
            &k.val("placement", "kind"),
        ),
        grounds,
        placed_with: k.val("placement", "placed_with"),
        start_date: k.val("placement", "start_date"),
        e_kind: k.err("placement", "kind"),
        e_ground: k.err("placement", "ground"),
        e_placed_with: k.err("placement", "placed_with"),
        e_start_date: k.err("placement", "start_date"),
    }
}

pub(super) async fn add_placement(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let kind = pick(&form, "kind", g::PlacementKind::parse, &mut errs);
    let ground = form.get("ground").unwrap_or("").trim().to_string();
    if ground.is_empty() {
        errs.add("ground", msg::REQUIRED);
    }
    let placed_with = required_text(&form, "placed_with", &mut errs);
    let start_date = date_field(&form, "start_date", true, &mut errs);
    let result = match (kind, start_date) {
        (Some(kind), Some(start_date)) if errs.is_empty() => {
            let np = shouhu_store::casework::NewPlacement { kind, ground, placed_with, start_date, note: None };
            state.queued_as(&user.principal, move |s, p| s.add_placement(p, id, np)).await.map(drop)
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("placement", form), msg::ASSESSMENT_STALE).await
}

pub(super) async fn add_conduct(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let role = user.principal.role;
    if !RecordKind::ALL.iter().any(|k| g::may_record_conduct(role, *k)) {
        return Err(PageError(AppError::Forbidden));
    }
    let mut errs = FieldErrors::default();
    let guardian = required_text(&form, "guardian", &mut errs);
    let standing = pick(&form, "standing", Standing::parse, &mut errs);
    let date = date_field(&form, "date", true, &mut errs);
    let kind = pick(&form, "kind", RecordKind::parse, &mut errs);
    if kind.is_some_and(|k| !g::may_record_conduct(role, k)) {
        errs.add("kind", msg::CONDUCT_KIND_NOT_YOURS);
    }
    let conduct = pick(&form, "conduct", Conduct::parse, &mut errs);
    let ended = date_field(&form, "ended", false, &mut errs);
    let evidence = required_text(&form, "evidence", &mut errs);
    let result = match (date, kind, conduct) {
        (Some(date), Some(kind), Some(conduct)) if errs.is_empty() => {
            let entry = ConductRecord {
                id: 0,
                standing,
                date,
                kind,
                conduct,
                serious_harm: form.get("serious_harm").is_some(),
                child_without_means: form.get("child_without_means").is_some(),
                refused_to_entrust: form.get("refused_to_entrust").is_some(),
                ended,
                evidence,
            };
            state.queued_as(&user.principal, move |s, p| s.add_conduct(p, id, &guardian, entry)).await.map(drop)
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("conduct", form), msg::ASSESSMENT_STALE).await
}

pub(super) async fn file_application(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let applicant = pick(&form, "applicant", Applicant::parse, &mut errs);
    if applicant.is_some_and(|a| !g::may_apply(a, state.store.settings.applicant_rule)) {
        errs.add("applicant", msg::APPLICANT_NOT_ALLOWED);
    }
    let applicant_name = required_text(&form, "applicant_name", &mut errs);
    let mut grounds = Vec::new();
    for (k, v) in &form.0 {
        if k == "grounds" {
            match Ground::parse(v) {
                Some(x) => grounds.push(x),
                None if errs.get("grounds").is_none() => errs.add("grounds", msg::UNKNOWN_OPTION),
                None => {}
            }
        }
    }
    if grounds.is_empty() && errs.get("grounds").is_none() {
        errs.add("grounds", msg::GROUNDS_REQUIRED);
    }
    let court = required_text(&form, "court", &mut errs);
    let filed_on = date_field(&form, "filed_on", true, &mut errs);
    let result = match (applicant, filed_on) {
        (Some(applicant), Some(filed_on)) if errs.is_empty() => {
            let a = NewApplication { applicant, applicant_name, grounds, court, filed_on };
            state.queued_as(&user.principal, move |s, p| s.file_application(p, id, a)).await.map(drop)
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("application", form), msg::ASSESSMENT_STALE).await
}

pub(super) async fn move_application(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ids): Path<(String, String)>,
    form: FormPairs,
) -> PageResult {
    let (id, application) = two_ids(ids)?;
    user.check_csrf(form.get("csrf"))?;
    let version = crate::pages::form::version(&form);
    let mut errs = FieldErrors::default();
    let to = pick(&form, "state", ApplicationState::parse, &mut errs);
    let date = date_field(&form, "date", false, &mut errs);
    let relation = match form.get("new_guardian_relation").unwrap_or("").trim() {
        "" => None,
        r => {
            let parsed = Relation::parse(r);
            if parsed.is_none() {
                errs.add("new_guardian.relation", msg::UNKNOWN_OPTION);
            }
            parsed
        }
    };
    let name = form.get("new_guardian_name").unwrap_or("").to_string();
    let phone = non_empty(form.get("new_guardian_phone"));
    let new_guardian = (to == Some(ApplicationState::GuardianAppointed)
        && (!name.trim().is_empty() || relation.is_some() || phone.is_some()))
    .then_some(NewGuardian { name, relation, phone, address: None });
    let result = match to {
        Some(state_to) if errs.is_empty() => {
            let step = ApplicationStep {
                state: state_to,
                version,
                date,
                new_guardian,
                maintenance_owed: non_empty(form.get("maintenance_owed")),
            };
            state.queued_as(&user.principal, move |s, p| s.move_application(p, id, application, step)).await
        }
        _ => Err(invalid(errs)),
    };
    let kept = Kept::new(format!("application-{application}"), form);
    finish(&state, &user, id, result, kept, msg::APPLICATION_STALE).await
}
