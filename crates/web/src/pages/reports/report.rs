//! A report's page: its timeline, the duty desk's one next step and the disposal's actions,
//! attachments, and the township's link to the child's file.

use super::field_label;
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use crate::pages::form::{self, Kept, Refusal, non_empty, refused_page};
use crate::pages::view::Saved;
use crate::pages::view::{Opt, china_time, options};
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use chrono::{DateTime, Utc};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::report::{self as rules, CaseKind, DisposalAction, Step, TemporaryCarer, Urgency};
use shouhu_store::reports::{ReportDetail, ReportEvent};

/// The button that moves a report to `step`.
fn step_button(step: Step) -> &'static str {
    match step {
        Step::Filed | Step::Accepted => msg::STEP_ACCEPT,
        Step::Dispatched => msg::STEP_DISPATCH,
        Step::OnScene => msg::STEP_ARRIVE,
        Step::Disposed => msg::STEP_DISPOSE,
        Step::HandedOver => msg::STEP_HAND_OVER,
    }
}

pub struct EventView {
    pub at: String,
    pub what: String,
    pub who: String,
    pub detail: String,
}

fn event_view(e: &ReportEvent) -> EventView {
    let text = |k: &str| e.detail.get(k).and_then(|v| v.as_str()).map(str::to_string);
    let (what, detail) = match e.kind.as_str() {
        "filed" => (msg::EVENT_FILED.to_string(), String::new()),
        "attachment" => (msg::EVENT_ATTACHMENT.to_string(), String::new()),
        "commended" => (msg::EVENT_COMMENDED.to_string(), text("note").unwrap_or_default()),
        "child_linked" => (msg::EVENT_CHILD_LINKED.to_string(), String::new()),
        "action" => {
            let action = text("action").and_then(|a| DisposalAction::parse(&a)).map_or("", |a| a.label());
            let carer = text("carer").and_then(|c| TemporaryCarer::parse(&c)).map(|c| c.label().to_string());
            let parts: Vec<String> = [carer, text("note")].into_iter().flatten().collect();
            (format!("{}：{action}", msg::EVENT_ACTION), parts.join("；"))
        }
        kind => {
            let label = Step::parse(kind).map_or(kind, |s| s.label()).to_string();
            let detail = match kind {
                "disposed" => text("case_kind")
                    .and_then(|k| CaseKind::parse(&k))
                    .map(|k| format!("{}：{}", msg::CASE_KIND, k.label()))
                    .unwrap_or_default(),
                "handed_over" => text("assessment_due")
                    .and_then(|d| DateTime::parse_from_rfc3339(&d).ok())
                    .map(|d| format!("{}：{}", msg::ASSESSMENT_DUE, china_time(d.with_timezone(&Utc))))
                    .unwrap_or_default(),
                _ => String::new(),
            };
            (label, detail)
        }
    };
    EventView { at: china_time(e.at), what, who: e.user_name.clone().unwrap_or_default(), detail }
}

pub struct ReporterView {
    pub channel: &'static str,
    pub name: String,
    pub org: String,
    pub contact_name: String,
    pub contact_phone: String,
}

pub struct AttachmentView {
    pub id: i64,
    pub name: String,
    pub kind: &'static str,
    pub size: String,
}

#[derive(Template)]
#[template(path = "reports/report.html")]
pub struct ReportPage {
    pub layout: Layout,
    /// A public reporter not yet commended, seen by the police or civil affairs.
    pub can_commend: bool,
    pub commended: bool,
    /// A described child, for the township to link to the file it completed.
    pub can_link: bool,
    pub link_error: String,
    pub attachments: Vec<AttachmentView>,
    pub file_error: String,
    pub id: i64,
    pub version: i64,
    pub receipt: String,
    pub urgency_code: &'static str,
    pub urgency_label: &'static str,
    pub critical: bool,
    pub situations: Vec<&'static str>,
    pub description: String,
    pub child_description: String,
    pub child_id: Option<i64>,
    pub child_name: String,
    pub village: String,
    pub step_label: &'static str,
    pub discovered_at: String,
    pub reported_at: String,
    pub late_report: bool,
    pub late_response: bool,
    pub reporter: Option<ReporterView>,
    pub events: Vec<EventView>,
    pub case_kind: &'static str,
    pub likely_case_kind: &'static str,
    pub missing_actions: Vec<&'static str>,
    pub actions_done: Vec<&'static str>,
    pub release_radius: String,
    pub handed_over_at: String,
    pub assessment_due: String,
    /// The case the hand-over opened, for those whose casework covers the report's area.
    pub assessment_id: Option<i64>,
    pub saved: bool,
    pub refusal: Refusal,
    /// The duty desk of the report's area: may move it on and record actions.
    pub desk: bool,
    pub next_step: String,
    pub next_button: &'static str,
    pub needs_case_kind: bool,
    pub case_kinds: Vec<Opt>,
    pub step_error: String,
    pub on_scene: bool,
    pub actions: Vec<Opt>,
    pub carers: Vec<Opt>,
    pub note: String,
    pub action_error: String,
    pub carer_error: String,
    pub note_error: String,
}

fn report_page(user: &CurrentUser, d: ReportDetail, saved: bool, k: &Kept) -> ReportPage {
    let s = &d.summary;
    let desk = rules::may_act_as_duty_desk(user.principal.role, user.principal.org_type);
    let next = rules::next_step(s.step).filter(|_| desk);
    // What a refused form sent, or what the report suggests.
    let kind_now = Some(k.val("step", "case_kind"))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| d.case_kind.unwrap_or(d.likely_case_kind).code().to_string());
    let action_now = Some(k.val("action", "action"))
        .filter(|v| !v.is_empty())
        .unwrap_or_else(|| d.missing_actions.first().map(|a| a.code().to_string()).unwrap_or_default());
    let commended = d.events.iter().any(|e| e.kind == "commended");
    let public = d.reporter.as_ref().is_some_and(|r| r.channel == rules::Channel::Public);
    ReportPage {
        can_commend: public && !commended && rules::may_commend(user.principal.role),
        commended,
        can_link: d.summary.child_id.is_none() && rules::may_link_child(user.principal.role),
        link_error: k.err("link", "child_id"),
        attachments: d
            .attachments
            .iter()
            .map(|a| AttachmentView {
                id: a.id,
                name: a.file_name.clone(),
                kind: a.kind.label(),
                size: format!("{:.1} KB", a.size as f64 / 1024.0),
            })
            .collect(),
        file_error: k.err("upload", "file"),
        layout: Layout::new(format!("{} {}", msg::REPORTS, s.receipt), Some(user)),
        id: s.id,
        version: s.version,
        receipt: s.receipt.clone(),
        urgency_code: s.urgency.code(),
        urgency_label: s.urgency.label(),
        critical: s.urgency == Urgency::Critical,
        situations: s.situations.iter().map(|x| x.label()).collect(),
        description: d.description.clone(),
        child_description: d.child_description.clone().unwrap_or_default(),
        child_id: s.child_id,
        child_name: s.child_name.clone().unwrap_or_default(),
        village: s.village_name.clone(),
        step_label: s.step.label(),
        discovered_at: china_time(s.discovered_at),
        reported_at: china_time(s.reported_at),
        late_report: s.late_report,
        late_response: s.late_response,
        reporter: d.reporter.as_ref().map(|p| ReporterView {
            channel: p.channel.label(),
            name: p.name.clone().unwrap_or_default(),
            org: p.org_name.clone().unwrap_or_default(),
            contact_name: p.contact_name.clone().unwrap_or_default(),
            contact_phone: p.contact_phone.clone().unwrap_or_default(),
        }),
        events: d.events.iter().map(event_view).collect(),
        case_kind: d.case_kind.map_or("", |k| k.label()),
        likely_case_kind: d.likely_case_kind.label(),
        missing_actions: d.missing_actions.iter().map(|a| a.label()).collect(),
        actions_done: d.actions_done.iter().map(|a| a.label()).collect(),
        release_radius: d.release_radius_km.map(|k| format!("{k} {}", msg::KM)).unwrap_or_default(),
        handed_over_at: d.handed_over_at.map(china_time).unwrap_or_default(),
        assessment_due: d.assessment_due.map(china_time).unwrap_or_default(),
        assessment_id: d
            .events
            .iter()
            .rev()
            .find(|e| e.kind == Step::HandedOver.code())
            .and_then(|e| e.detail["assessment_id"].as_i64())
            .filter(|_| {
                rules::may_see_area_reports(user.principal.role)
                    && shouhu_domain::region::within(&s.village_code, &user.principal.region_code)
            }),
        saved,
        refusal: k.refusal(|_, field| (field_label(field).to_string(), String::new())),
        desk,
        next_step: next.map(|n| n.code().to_string()).unwrap_or_default(),
        next_button: next.map_or("", step_button),
        needs_case_kind: next == Some(Step::Disposed),
        case_kinds: options(CaseKind::ALL, CaseKind::code, CaseKind::label, &kind_now),
        step_error: k.err("step", "case_kind"),
        on_scene: desk && s.step == Step::OnScene,
        actions: options(DisposalAction::ALL, DisposalAction::code, DisposalAction::label, &action_now),
        carers: options(TemporaryCarer::ALL, TemporaryCarer::code, TemporaryCarer::label, &k.val("action", "carer")),
        note: k.val("action", "note"),
        action_error: k.err("action", "action"),
        carer_error: k.err("action", "carer"),
        note_error: k.err("action", "note"),
    }
}

/// Loads the report as the user may see it and records the view before it is shown.
async fn load(state: &AppState, user: &CurrentUser, id: i64) -> Result<ReportDetail, PageError> {
    let p = user.principal.clone();
    let detail = state.run(move |s| s.report_detail(&p, id)).await?;
    state.queued_as(&user.principal, move |s, p| s.record_report_view(p, id)).await?;
    Ok(detail)
}

pub(super) async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<Saved>,
) -> PageResult {
    let d = load(&state, &user, id).await?;
    Ok(render(&report_page(&user, d, q.saved.is_some(), &Kept::default())))
}

/// The report's page again, with what went wrong; errors that are not the page's (a report
/// out of scope, a role that may not act) get the error page.
async fn refused_on_page(state: &AppState, user: &CurrentUser, id: i64, e: AppError, kept: Kept) -> PageResult {
    let (kept, status) = kept.refused(e, msg::REPORT_STALE)?;
    let d = load(state, user, id).await?;
    refused_page(&report_page(user, d, false, &kept), status)
}

pub(super) async fn step(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let version = form::version(&form);
    let Some(to) = form.get("step").and_then(Step::parse) else {
        return Err(PageError(AppError::BadRequest(msg::BAD_REQUEST.into(), Vec::new())));
    };
    let kind_code = form.get("case_kind").unwrap_or("").to_string();
    let case_kind = CaseKind::parse(&kind_code);
    match state.queued_as(&user.principal, move |s, p| s.advance_report(p, id, to, version, case_kind)).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e, Kept::new("step", form)).await,
    }
}

pub(super) async fn action(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let carer = form.get("carer").and_then(TemporaryCarer::parse);
    let note = non_empty(form.get("note"));
    let result = match form.get("action").and_then(DisposalAction::parse) {
        Some(a) => state.queued_as(&user.principal, move |s, p| s.record_report_action(p, id, a, carer, note)).await,
        None => {
            let mut errs = FieldErrors::default();
            errs.add("action", msg::REPORT_CHOOSE_ACTION);
            Err(AppError::Invalid(errs))
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e, Kept::new("action", form)).await,
    }
}

/// A photo or document from the report page's upload form (multipart: `csrf`, `file`).
pub(super) async fn upload(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    mut mp: axum::extract::Multipart,
) -> PageResult {
    let bad = || PageError(AppError::BadRequest(msg::BAD_REQUEST.into(), Vec::new()));
    let (mut csrf, mut file) = (None, None);
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("csrf") => csrf = Some(field.text().await.map_err(|_| bad())?),
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                let data = field.bytes().await.map_err(|_| PageError(AppError::TooLarge))?;
                file = Some((name, data));
            }
            _ => {}
        }
    }
    user.check_csrf(csrf.as_deref())?;
    let (name, data) = file.unwrap_or_default();
    match state.queued_as(&user.principal, move |s, p| s.add_attachment(p, id, &name, data.to_vec())).await {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e, Kept::with_pairs("upload", Vec::new())).await,
    }
}

pub(super) async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Path((id, aid)): axum::extract::Path<(i64, i64)>,
) -> PageResult {
    let (info, data) = state.queued_as(&user.principal, move |s, p| s.read_attachment(p, id, aid)).await?;
    Ok(crate::api::reports::attachment_response(&info, data))
}

pub(super) async fn commend(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let note = non_empty(form.get("note"));
    match state.queued_as(&user.principal, move |s, p| s.commend_report(p, id, note)).await {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e, Kept::new("commend", form)).await,
    }
}

pub(super) async fn link_child(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let result = match form.get("child_id").and_then(|v| v.trim().parse::<i64>().ok()) {
        Some(child) => state.queued_as(&user.principal, move |s, p| s.link_report_child(p, id, child)).await,
        None => {
            let mut errs = FieldErrors::default();
            errs.add("child_id", msg::REPORT_CHILD_UNKNOWN);
            Err(AppError::Invalid(errs))
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e, Kept::new("link", form)).await,
    }
}
