//! Casework on pages (评估帮扶, 监护干预): the assessments of a region, one assessment with
//! its answers and risk level, the assistance plan (services and referrals), the guardian's
//! conduct record with the revocation grounds it meets, and revocation applications to the
//! court's new guardian; and the referrals an organisation receives.
//!
//! Every form posts to its own route. A refused form comes back on the assessment's page with
//! each field's error beside it and everything typed kept; an assessment outside the user's
//! region gives the same not-found page as a missing one. Everything works without JavaScript.

use super::view::Opt;
use super::view::china_time;
use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::NaiveDate;
use serde::Deserialize;
use shouhu_domain::assessment::{
    self as rules, Answers, AssessmentState, AssistanceKind, GuardianshipGrade, HealthFinding, Party, ReferralState,
    RiskLevel, Safety, ServiceKind, ServiceStatus,
};
use shouhu_domain::codes::Relation;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::guardianship::{self as g, Applicant, ApplicationState, Conduct, Ground, RecordKind, Standing};
use shouhu_domain::msg;
use shouhu_domain::report::may_see_area_reports;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::casework::{
    Application, ApplicationStep, AssessmentDetail, AssessmentSummary, NewApplication, NewConduct, NewGuardian,
    Participant, Referral,
};
use shouhu_store::users::Organisation;
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/assessments", get(list).post(open))
        .route("/assessments/{id}", get(view))
        .route("/assessments/{id}/complete", post(complete))
        .route("/assessments/{id}/services", post(add_service))
        .route("/assessments/{id}/services/{item}", post(move_service))
        .route("/assessments/{id}/referrals", post(add_referral))
        .route("/assessments/{id}/conduct", post(add_conduct))
        .route("/assessments/{id}/applications", post(file_application))
        .route("/assessments/{id}/applications/{item}", post(move_application))
        .route("/assessments/{id}/placements", post(add_placement))
        .route("/referrals", get(referrals))
        .route("/revocation-grounds", get(grounds_list))
        .route("/referrals/{id}", post(decide_referral))
}

// ---------------------------------------------------------------- shared pieces

/// Participant rows the completion form offers (empty rows are ignored).
const PARTICIPANT_ROWS: usize = 4;
/// The most rows read back from a submitted form.
const MAX_PARTICIPANT_ROWS: usize = 20;

fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

fn options<T: Copy>(all: &[T], code: fn(T) -> &'static str, label: fn(T) -> &'static str, current: &str) -> Vec<Opt> {
    all.iter().map(|v| Opt { code: code(*v).into(), label: label(*v).into(), selected: code(*v) == current }).collect()
}

fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

fn opt_day(d: Option<NaiveDate>) -> String {
    d.map(day).unwrap_or_default()
}

/// A path's second id (`/assessments/{id}/services/{item}`); anything but a number names
/// nothing, like a missing record.
fn item_id(raw: &str) -> Result<i64, PageError> {
    raw.parse().map_err(|_| PageError(AppError::NotFound))
}

fn two_ids((id, item): (String, String)) -> Result<(i64, i64), PageError> {
    Ok((item_id(&id)?, item_id(&item)?))
}

/// A required choice from a code list: "请选择" left as it was is a missing answer.
fn pick<T>(form: &FormPairs, name: &str, parse: fn(&str) -> Option<T>, errs: &mut FieldErrors) -> Option<T> {
    let v = form.get(name).unwrap_or("").trim();
    if v.is_empty() {
        errs.add(name, msg::REQUIRED);
        return None;
    }
    let parsed = parse(v);
    if parsed.is_none() {
        errs.add(name, msg::UNKNOWN_OPTION);
    }
    parsed
}

/// A date field (`<input type="date">`, 2026-11-29).
fn date_field(form: &FormPairs, name: &str, required: bool, errs: &mut FieldErrors) -> Option<NaiveDate> {
    match form.get(name).unwrap_or("").trim() {
        "" => {
            if required {
                errs.add(name, msg::REQUIRED);
            }
            None
        }
        s => {
            let d = NaiveDate::parse_from_str(s, "%Y-%m-%d").ok();
            if d.is_none() {
                errs.add(name, msg::DATE_INVALID);
            }
            d
        }
    }
}

fn required_text(form: &FormPairs, name: &str, errs: &mut FieldErrors) -> String {
    let v = form.get(name).unwrap_or("").to_string();
    if v.trim().is_empty() {
        errs.add(name, msg::REQUIRED);
    }
    v
}

fn non_empty(s: Option<&str>) -> Option<String> {
    s.map(str::trim).filter(|s| !s.is_empty()).map(str::to_string)
}

fn invalid(errs: FieldErrors) -> AppError {
    AppError::Invalid(errs)
}

/// What a refused form brings back to its page: which form, what was typed, what was wrong.
#[derive(Default)]
struct Kept {
    /// `complete`, `service`, `service-12`, `referral`, `conduct`, `application`,
    /// `application-3`, `referral-7` (on the referrals page).
    form: String,
    pairs: Vec<(String, String)>,
    errs: FieldErrors,
    banner: String,
}

impl Kept {
    fn new(form: impl Into<String>, pairs: FormPairs) -> Kept {
        Kept { form: form.into(), pairs: pairs.0, ..Default::default() }
    }

    fn is(&self, form: &str) -> bool {
        self.form == form
    }

    /// The value typed into `name` of `form`, or `default` when another form was sent.
    fn val_or(&self, form: &str, name: &str, default: &str) -> String {
        if self.is(form) {
            self.pairs.iter().find(|(k, _)| k == name).map(|(_, v)| v.clone()).unwrap_or_default()
        } else {
            default.to_string()
        }
    }

    fn val(&self, form: &str, name: &str) -> String {
        self.val_or(form, name, "")
    }

    fn vals(&self, form: &str, name: &str) -> Vec<String> {
        if !self.is(form) {
            return Vec::new();
        }
        self.pairs.iter().filter(|(k, _)| k == name).map(|(_, v)| v.clone()).collect()
    }

    fn checked(&self, form: &str, name: &str) -> bool {
        self.is(form) && self.pairs.iter().any(|(k, _)| k == name)
    }

    fn err(&self, form: &str, field: &str) -> String {
        if self.is(form) { self.errs.get(field).unwrap_or("").to_string() } else { String::new() }
    }

    /// Every message of the fields that start with `prefix` (`grounds`, `grounds.0`, …).
    fn errs_under(&self, form: &str, prefix: &str) -> String {
        if !self.is(form) {
            return String::new();
        }
        let mut out: Vec<&str> = Vec::new();
        for e in &self.errs.0 {
            if (e.field == prefix || e.field.starts_with(&format!("{prefix}."))) && !out.contains(&e.message.as_str()) {
                out.push(&e.message);
            }
        }
        out.join("；")
    }

    /// The page section the refused form belongs to.
    fn section(&self) -> &'static str {
        let head = self.form.split('-').next().unwrap_or("");
        match head {
            "complete" => "complete",
            "service" => "services",
            "referral" => "referrals",
            "conduct" => "conduct",
            "application" => "applications",
            "placement" => "placements",
            _ => "",
        }
    }

    /// Takes in what went wrong; errors that are not the form's (not found, forbidden, a
    /// forged token) are the error page's.
    fn refusal(mut self, e: AppError, stale: &'static str) -> Result<(Kept, StatusCode), PageError> {
        let status = e.status();
        match e {
            AppError::Invalid(f) => {
                self.banner = msg::FORM_HAS_ERRORS.to_string();
                self.errs = f;
            }
            AppError::Stale { .. } => self.banner = stale.to_string(),
            AppError::State(m) => self.banner = m.to_string(),
            AppError::Busy => self.banner = msg::BUSY.to_string(),
            other => return Err(PageError(other)),
        }
        Ok((self, status))
    }
}

pub struct ErrorLine {
    pub anchor: String,
    pub label: String,
    pub message: String,
}

/// The label and the input's id of a wrong field, for the summary above the form.
fn error_line(form: &str, field: &str, message: &str) -> ErrorLine {
    let (head, item) = form.split_once('-').unwrap_or((form, ""));
    let suffix = if item.is_empty() { String::new() } else { format!("-{item}") };
    let (label, anchor): (String, String) = match (head, field) {
        ("complete", "safety") => (msg::SAFETY.into(), "f-safety".into()),
        ("complete", "guardianship") => (msg::GUARDIANSHIP_GRADE.into(), "f-guardianship".into()),
        ("complete", "physical") => (msg::PHYSICAL_HEALTH.into(), "f-physical".into()),
        ("complete", "mental") => (msg::MENTAL_HEALTH.into(), "f-mental".into()),
        ("complete", f) if f.starts_with("participants.") => {
            let mut parts = f.split('.');
            let row: usize = parts.nth(1).and_then(|r| r.parse().ok()).unwrap_or(0);
            let what = if f.ends_with(".party") { msg::PARTY } else { msg::PARTICIPANT_NAME };
            (format!("{} {} {what}", msg::PARTICIPANTS, msg::participant_row(row + 1)), format!("f-{f}"))
        }
        ("complete", _) => (msg::PARTICIPANTS.into(), "f-participants.0.party".into()),
        ("service", "kind") if item.is_empty() => (msg::SERVICE_KIND.into(), "f-service-kind".into()),
        ("service", "provider") => (msg::PROVIDER.into(), "f-provider".into()),
        ("service", "start_date") => (msg::START_DATE.into(), "f-start_date".into()),
        ("service", "status") => (msg::NEXT_STATUS.into(), format!("f-status{suffix}")),
        ("service", _) => (msg::SERVICE_OUTCOME.into(), format!("f-outcome{suffix}")),
        ("referral", "kind") => (msg::ASSISTANCE_KIND.into(), "f-referral-kind".into()),
        ("referral", "receiving_org_id") => (msg::RECEIVING_ORG.into(), "f-receiving_org_id".into()),
        ("referral", "reason") => (msg::REFERRAL_REASON.into(), format!("f-reason{suffix}")),
        ("referral", "state") => (msg::REFERRAL_STATE.into(), format!("f-reason{suffix}")),
        ("referral", _) => (msg::REFERRAL_NOTE.into(), "f-note".into()),
        ("conduct", "guardian") => (msg::CONDUCT_GUARDIAN.into(), "f-guardian".into()),
        ("conduct", "standing") => (msg::CONDUCT_STANDING.into(), "f-standing".into()),
        ("conduct", "date") => (msg::CONDUCT_DATE.into(), "f-date".into()),
        ("conduct", "kind") => (msg::RECORD_KIND.into(), "f-conduct-kind".into()),
        ("conduct", "conduct") => (msg::CONDUCT_WHAT.into(), "f-conduct".into()),
        ("conduct", "ended") => (msg::CONDUCT_ENDED.into(), "f-ended".into()),
        ("conduct", _) => (msg::CONDUCT_EVIDENCE.into(), "f-evidence".into()),
        ("application", f) if item.is_empty() => match f {
            "applicant" => (msg::APPLICANT.into(), "f-applicant".into()),
            "applicant_name" => (msg::APPLICANT_NAME.into(), "f-applicant_name".into()),
            "court" => (msg::COURT.into(), "f-court".into()),
            "filed_on" => (msg::FILED_ON.into(), "f-filed_on".into()),
            _ => (msg::APPLICATION_GROUNDS.into(), "f-grounds".into()),
        },
        ("application", "state") => (msg::NEXT_APPLICATION_STATE.into(), format!("f-state{suffix}")),
        ("application", "date") => (msg::STEP_DATE.into(), format!("f-step_date{suffix}")),
        ("application", "new_guardian.relation") => {
            (msg::NEW_GUARDIAN_RELATION.into(), format!("f-ng_relation{suffix}"))
        }
        ("application", f) if f.ends_with("phone") => (msg::NEW_GUARDIAN_PHONE.into(), format!("f-ng_phone{suffix}")),
        ("application", "maintenance_owed") => (msg::MAINTENANCE_OWED.into(), format!("f-maintenance{suffix}")),
        ("application", f) if f.starts_with("new_guardian") || f.starts_with("entrusted_guardian") => {
            (msg::NEW_GUARDIAN_NAME.into(), format!("f-ng_name{suffix}"))
        }
        _ => (msg::field_full_label(field), String::new()),
    };
    ErrorLine { anchor, label, message: message.to_string() }
}

fn error_lines(k: &Kept) -> Vec<ErrorLine> {
    k.errs.0.iter().map(|e| error_line(&k.form, &e.field, &e.message)).collect()
}

// ---------------------------------------------------------------- the list

pub struct AssessmentRow {
    pub id: i64,
    pub report_id: Option<i64>,
    pub village: String,
    pub registered: bool,
    pub open: bool,
    pub state: &'static str,
    pub opened_at: String,
    pub due_at: String,
    pub overdue: bool,
    pub risk_code: &'static str,
    pub risk: &'static str,
}

impl AssessmentRow {
    fn of(a: &AssessmentSummary) -> AssessmentRow {
        AssessmentRow {
            id: a.id,
            report_id: a.report_id,
            village: a.village_name.clone(),
            registered: a.child_id.is_some(),
            open: a.state == AssessmentState::Open,
            state: a.state.label(),
            opened_at: china_time(a.opened_at),
            due_at: china_time(a.due_at),
            overdue: a.overdue,
            risk_code: a.risk_level.map_or("", |r| r.code()),
            risk: a.risk_level.map_or("", |r| r.label()),
        }
    }
}

#[derive(Template)]
#[template(path = "assessments.html")]
pub struct AssessmentList {
    pub layout: Layout,
    pub open_only: bool,
    pub rows: Vec<AssessmentRow>,
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    view: Option<String>,
}

async fn list(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<ListQuery>) -> PageResult {
    if !may_see_area_reports(user.principal.role) {
        return Err(PageError(AppError::Forbidden));
    }
    let open_only = q.view.as_deref() != Some("all");
    let p = user.principal.clone();
    let rows = state.run(move |s| s.list_assessments(&p, open_only)).await?;
    let title = if open_only { msg::ASSESSMENTS_OPEN } else { msg::ASSESSMENTS_ALL };
    Ok(render(&AssessmentList {
        layout: Layout::new(title, Some(&user)),
        open_only,
        rows: rows.iter().map(AssessmentRow::of).collect(),
    }))
}

#[derive(Template)]
#[template(path = "revocation_grounds.html")]
pub struct GroundsPage {
    pub layout: Layout,
    pub rows: Vec<GroundsRow>,
}

pub struct GroundsRow {
    pub id: i64,
    pub village: String,
    pub state: &'static str,
    pub met: Vec<(&'static str, String)>,
    pub approaching: Vec<(&'static str, String)>,
}

/// The cases of the region whose conduct record meets or approaches revocation grounds, met
/// first: the list district civil affairs acts on ([S] 二(五)).
async fn grounds_list(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    if !may_see_area_reports(user.principal.role) {
        return Err(PageError(AppError::Forbidden));
    }
    let p = user.principal.clone();
    let lines = state.run(move |s| s.grounds_list(&p)).await?;
    let split = |met: bool, l: &shouhu_store::casework::GroundsLine| -> Vec<(&'static str, String)> {
        l.grounds.iter().filter(|f| f.met == met).map(|f| (f.ground.label(), f.explanation.clone())).collect()
    };
    Ok(render(&GroundsPage {
        layout: Layout::new(msg::GROUNDS_LIST, Some(&user)),
        rows: lines
            .iter()
            .map(|l| GroundsRow {
                id: l.assessment.id,
                village: l.assessment.village_name.clone(),
                state: l.assessment.state.label(),
                met: split(true, l),
                approaching: split(false, l),
            })
            .collect(),
    }))
}

/// 发起评估 from a child's page: opens an assessment of the child and goes to it.
async fn open(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let child_id: i64 =
        form.get("child_id").and_then(|v| v.trim().parse().ok()).ok_or(PageError(AppError::NotFound))?;
    let id = state
        .run_queued({
            let p = user.principal.clone();
            move |s| s.open_assessment(&p, child_id)
        })
        .await?;
    Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
}

// ---------------------------------------------------------------- one assessment

pub struct Pair {
    pub label: &'static str,
    pub value: String,
}

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

pub struct ServiceView {
    pub id: i64,
    pub kind: &'static str,
    pub purchased: bool,
    pub provider: String,
    pub start_date: String,
    pub status_code: &'static str,
    pub status: &'static str,
    pub outcome: String,
    pub next: Vec<Opt>,
    pub outcome_input: String,
    pub e_status: String,
    pub e_outcome: String,
}

pub struct ServiceForm {
    pub kinds: Vec<Opt>,
    pub provider: String,
    pub start_date: String,
    pub e_kind: String,
    pub e_provider: String,
    pub e_start_date: String,
}

pub struct ReferralView {
    pub id: i64,
    pub kind: &'static str,
    pub org: String,
    pub note: String,
    pub state_code: &'static str,
    pub state: &'static str,
    pub reason: String,
    pub sent_at: String,
    pub decided_at: String,
}

pub struct ReferralForm {
    pub kinds: Vec<Opt>,
    pub orgs: Vec<Opt>,
    pub note: String,
    pub e_kind: String,
    pub e_org: String,
    pub e_note: String,
}

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

#[derive(Template)]
#[template(path = "assessment.html")]
pub struct AssessmentPage {
    pub layout: Layout,
    pub id: i64,
    pub version: i64,
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
    pub banner: String,
    pub errors: Vec<ErrorLine>,
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

/// Organisations a family may be referred to: civil affairs, townships and street offices,
/// relief and welfare institutions, of the case's city, district or township.
fn referral_targets<'a>(orgs: &'a [Organisation], village: &str) -> Vec<&'a Organisation> {
    orgs.iter()
        .filter(|o| {
            matches!(
                o.org_type,
                OrgType::CityCivilAffairs
                    | OrgType::DistrictCivilAffairs
                    | OrgType::TownshipGovernment
                    | OrgType::StreetOffice
                    | OrgType::ReliefAgency
                    | OrgType::WelfareInstitution
            ) && village.starts_with(&o.region_code)
        })
        .collect()
}

/// Who the user is among an assessment's parties, to fill the first row in.
fn own_party(role: Role) -> Option<Party> {
    match role {
        Role::TownshipStaff => Some(Party::Township),
        Role::DistrictOfficer | Role::CityOfficer => Some(Party::CivilAffairs),
        Role::Police => Some(Party::Police),
        _ => None,
    }
}

fn complete_form(user: &CurrentUser, k: &Kept) -> CompleteForm {
    let f = "complete";
    let choose = |name: &str, all: fn() -> Vec<Opt>| -> Vec<Opt> {
        let current = k.val(f, name);
        all().into_iter().map(|o| Opt { selected: o.code == current, ..o }).collect()
    };
    let rows_sent = if k.is(f) {
        (0..MAX_PARTICIPANT_ROWS)
            .rev()
            .find(|i| k.pairs.iter().any(|(n, _)| n.starts_with(&format!("participants.{i}."))))
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
        physical: choose("physical", || options(HealthFinding::ALL, HealthFinding::code, HealthFinding::label, "")),
        mental: choose("mental", || options(HealthFinding::ALL, HealthFinding::code, HealthFinding::label, "")),
        rows,
        e_safety: k.err(f, "safety"),
        e_guardianship: k.err(f, "guardianship"),
        e_physical: k.err(f, "physical"),
        e_mental: k.err(f, "mental"),
        e_participants: k.err(f, "participants"),
    }
}

fn service_view(s: &shouhu_store::casework::Service, can_assess: bool, k: &Kept) -> ServiceView {
    let f = format!("service-{}", s.id);
    let next: Vec<ServiceStatus> =
        ServiceStatus::ALL.iter().copied().filter(|to| can_assess && rules::may_move_service(s.status, *to)).collect();
    let current = k.val(&f, "status");
    ServiceView {
        id: s.id,
        kind: s.kind.label(),
        purchased: s.purchased,
        provider: s.provider.clone(),
        start_date: day(s.start_date),
        status_code: s.status.code(),
        status: s.status.label(),
        outcome: s.outcome.clone().unwrap_or_default(),
        next: options(&next, ServiceStatus::code, ServiceStatus::label, &current),
        outcome_input: k.val(&f, "outcome"),
        e_status: k.err(&f, "status"),
        e_outcome: k.err(&f, "outcome"),
    }
}

fn conduct_view(e: &shouhu_store::casework::GuardianEntry) -> ConductView {
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

fn new_guardian_text(ng: &NewGuardian) -> String {
    let mut s = ng.name.clone();
    if let Some(r) = ng.relation {
        s.push_str(&format!("（{}）", r.label()));
    }
    if let Some(p) = ng.phone.as_deref().filter(|p| !p.is_empty()) {
        s.push_str(&format!(" {p}"));
    }
    s
}

fn application_view(a: &Application, can_apply: bool, k: &Kept) -> ApplicationView {
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

fn assessment_page(
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
                Pair { label: msg::PHYSICAL_HEALTH, value: a.physical.label().into() },
                Pair { label: msg::MENTAL_HEALTH, value: a.mental.label().into() },
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
        layout: Layout::new(format!("{} {}", msg::ASSESSMENT, s.village_name), Some(user)),
        id: s.id,
        version: s.version,
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
        refused: k.section(),
        banner: k.banner.clone(),
        errors: error_lines(&k),
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

fn placement_form(role: Role, k: &Kept) -> PlacementForm {
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

async fn add_placement(
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
            state
                .run_queued({
                    let p = user.principal.clone();
                    move |s| s.add_placement(&p, id, np)
                })
                .await
                .map(drop)
                .map_err(AppError::from)
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("placement", form), msg::ASSESSMENT_STALE).await
}

/// The assessment as the user may see it, and the organisations (for referrals); the view
/// is recorded before it is shown.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(AssessmentDetail, Vec<Organisation>), PageError> {
    let p = user.principal.clone();
    let loaded = state.run(move |s| Ok((s.assessment_detail(&p, id)?, s.list_orgs()?))).await?;
    state
        .run_queued({
            let p = user.principal.clone();
            move |s| s.record_case_view(&p, "view_assessment", id)
        })
        .await?;
    Ok(loaded)
}

#[derive(Deserialize)]
struct ViewQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<ViewQuery>,
) -> PageResult {
    let (d, orgs) = load(&state, &user, id).await?;
    let saved = q.saved.unwrap_or_default();
    Ok(render(&assessment_page(&user, d, &orgs, saved, Kept::default())))
}

/// After a form: to the page's section on success, or the page again with what was wrong.
async fn finish(
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
            let (saved, anchor) = match kept.section() {
                "complete" => ("complete", "assessment-summary"),
                s => (s, s),
            };
            return Ok(Redirect::to(&format!("/assessments/{id}?saved={saved}#{anchor}")).into_response());
        }
        Err(e) => e,
    };
    let (kept, status) = kept.refusal(e, stale)?;
    let (d, orgs) = load(state, user, id).await?;
    Ok(with_status(render(&assessment_page(user, d, &orgs, String::new(), kept)), status))
}

async fn complete(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let version: i64 = form.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
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
                .run_queued({
                    let p = user.principal.clone();
                    move |s| s.complete_assessment(&p, id, version, answers, participants, facts)
                })
                .await
            {
                Ok(_) => Ok(()),
                Err(e) => Err(match AppError::from(e) {
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

async fn add_service(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let kind = pick(&form, "kind", ServiceKind::parse, &mut errs);
    let provider = required_text(&form, "provider", &mut errs);
    let start = date_field(&form, "start_date", true, &mut errs);
    let result = match (kind, start) {
        (Some(kind), Some(start)) if errs.is_empty() => state
            .run_queued({
                let p = user.principal.clone();
                move |s| s.add_service(&p, id, kind, &provider, start)
            })
            .await
            .map(drop)
            .map_err(AppError::from),
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("service", form), msg::ASSESSMENT_STALE).await
}

async fn move_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ids): Path<(String, String)>,
    form: FormPairs,
) -> PageResult {
    let (id, service) = two_ids(ids)?;
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let to = pick(&form, "status", ServiceStatus::parse, &mut errs);
    let outcome = non_empty(form.get("outcome"));
    let result = match to {
        Some(to) => state
            .run_queued({
                let p = user.principal.clone();
                move |s| s.move_service(&p, id, service, to, outcome)
            })
            .await
            .map_err(AppError::from),
        None => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new(format!("service-{service}"), form), msg::ASSESSMENT_STALE).await
}

async fn add_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let kind = pick(&form, "kind", AssistanceKind::parse, &mut errs);
    let org = match form.get("receiving_org_id").unwrap_or("").trim() {
        "" => {
            errs.add("receiving_org_id", msg::REQUIRED);
            None
        }
        s => {
            let id = s.parse::<i64>().ok();
            if id.is_none() {
                errs.add("receiving_org_id", msg::ORG_UNKNOWN);
            }
            id
        }
    };
    let note = non_empty(form.get("note"));
    let result = match (kind, org) {
        (Some(kind), Some(org)) if errs.is_empty() => state
            .run_queued({
                let p = user.principal.clone();
                move |s| s.add_referral(&p, id, kind, org, note)
            })
            .await
            .map(drop)
            .map_err(AppError::from),
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("referral", form), msg::ASSESSMENT_STALE).await
}

async fn add_conduct(
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
            let entry = NewConduct {
                guardian,
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
            state
                .run_queued({
                    let p = user.principal.clone();
                    move |s| s.add_conduct(&p, id, entry)
                })
                .await
                .map(drop)
                .map_err(AppError::from)
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("conduct", form), msg::ASSESSMENT_STALE).await
}

async fn file_application(
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
            state
                .run_queued({
                    let p = user.principal.clone();
                    move |s| s.file_application(&p, id, a)
                })
                .await
                .map(drop)
                .map_err(AppError::from)
        }
        _ => Err(invalid(errs)),
    };
    finish(&state, &user, id, result, Kept::new("application", form), msg::ASSESSMENT_STALE).await
}

async fn move_application(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(ids): Path<(String, String)>,
    form: FormPairs,
) -> PageResult {
    let (id, application) = two_ids(ids)?;
    user.check_csrf(form.get("csrf"))?;
    let version: i64 = form.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
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
            state
                .run_queued({
                    let p = user.principal.clone();
                    move |s| s.move_application(&p, id, application, step)
                })
                .await
                .map_err(AppError::from)
        }
        _ => Err(invalid(errs)),
    };
    let kept = Kept::new(format!("application-{application}"), form);
    finish(&state, &user, id, result, kept, msg::APPLICATION_STALE).await
}

// ---------------------------------------------------------------- referrals received

pub struct ReceivedReferral {
    pub id: i64,
    pub kind: &'static str,
    pub note: String,
    pub state_code: &'static str,
    pub state: &'static str,
    pub reason: String,
    pub sent_at: String,
    pub decided_at: String,
    /// The decisions open to the organisation now: (state, button text).
    pub buttons: Vec<Pair>,
    pub needs_reason: bool,
    pub reason_input: String,
    pub e_reason: String,
}

#[derive(Template)]
#[template(path = "referrals.html")]
pub struct ReferralList {
    pub layout: Layout,
    pub saved: bool,
    pub refused: i64,
    pub banner: String,
    pub rows: Vec<ReceivedReferral>,
}

fn decision_button(to: ReferralState) -> &'static str {
    match to {
        ReferralState::Accepted => msg::REFERRAL_ACCEPT,
        ReferralState::Declined => msg::REFERRAL_DECLINE,
        ReferralState::Granted => msg::REFERRAL_GRANT,
        ReferralState::Refused | ReferralState::Sent => msg::REFERRAL_REFUSE,
    }
}

fn received(r: &Referral, k: &Kept) -> ReceivedReferral {
    let f = format!("referral-{}", r.id);
    let next: Vec<ReferralState> =
        ReferralState::ALL.iter().copied().filter(|to| rules::may_move_referral(r.state, *to)).collect();
    ReceivedReferral {
        id: r.id,
        kind: r.kind.label(),
        note: r.note.clone().unwrap_or_default(),
        state_code: r.state.code(),
        state: r.state.label(),
        reason: r.reason.clone().unwrap_or_default(),
        sent_at: china_time(r.sent_at),
        decided_at: r.decided_at.map(china_time).unwrap_or_default(),
        needs_reason: next.iter().any(|to| rules::needs_reason(*to)),
        buttons: next.iter().map(|to| Pair { label: decision_button(*to), value: to.code().to_string() }).collect(),
        reason_input: k.val(&f, "reason"),
        e_reason: [k.err(&f, "reason"), k.err(&f, "state")].into_iter().find(|e| !e.is_empty()).unwrap_or_default(),
    }
}

async fn referral_page(state: &AppState, user: &CurrentUser, saved: bool, refused: i64, k: Kept) -> PageResult {
    if user.principal.role.is_admin() {
        return Err(PageError(AppError::Forbidden));
    }
    let p = user.principal.clone();
    let rows = state.run(move |s| s.referrals_for_org(&p)).await?;
    Ok(render(&ReferralList {
        layout: Layout::new(msg::REFERRALS_TO_ME, Some(user)),
        saved,
        refused,
        banner: k.banner.clone(),
        rows: rows.iter().map(|r| received(r, &k)).collect(),
    }))
}

#[derive(Deserialize)]
struct ReferralQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn referrals(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<ReferralQuery>,
) -> PageResult {
    referral_page(&state, &user, q.saved.is_some(), 0, Kept::default()).await
}

async fn decide_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let to = pick(&form, "state", ReferralState::parse, &mut errs);
    let reason = non_empty(form.get("reason"));
    let result = match to {
        Some(to) => state
            .run_queued({
                let p = user.principal.clone();
                move |s| s.decide_referral(&p, id, to, reason)
            })
            .await
            .map_err(AppError::from),
        None => Err(invalid(errs)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/referrals?saved=1#referral-{id}")).into_response()),
        Err(e) => {
            let (kept, status) = Kept::new(format!("referral-{id}"), form).refusal(e, msg::REFERRAL_STALE)?;
            Ok(with_status(referral_page(&state, &user, false, id, kept).await?, status))
        }
    }
}
