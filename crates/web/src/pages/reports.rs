//! Mandatory reports on pages: a reporter's form and receipt, the public page with its human
//! check and progress look-up, the queue of a duty desk (live, by server-sent events, when
//! JavaScript runs) or a reporter's own list, and a report's page with the desk's next step
//! and the disposal's actions. Everything works without JavaScript.

use super::children::Opt;
use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::api::reports::guard_public;
use crate::auth::{self, CurrentUser, MaybeUser};
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use crate::public_guard::CheckError;
use askama::Template;
use axum::Router;
use axum::extract::{ConnectInfo, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Deserialize;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_domain::report::{
    self as rules, CaseKind, DisposalAction, Intake, Situation, Step, TemporaryCarer, Urgency,
};
use shouhu_store::Store;
use shouhu_store::reports::{ReportDetail, ReportEvent, ReportStatus, ReportSummary, Reporter};
use std::net::SocketAddr;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/reports", get(list))
        .route("/reports/new", get(new_form).post(file))
        .route("/reports/receipt", get(member_receipt))
        .route("/reports/{id}", get(view))
        .route("/reports/{id}/step", post(step))
        .route("/reports/{id}/action", post(action))
        .route("/reports/{id}/commend", post(commend))
        .route("/reports/{id}/child", post(link_child))
        .route(
            "/reports/{id}/attachments",
            post(upload).layer(axum::extract::DefaultBodyLimit::max(crate::api::reports::ATTACHMENT_REQUEST_LIMIT)),
        )
        .route("/reports/{id}/attachments/{attachment_id}", get(download))
        .route("/report", get(public_form).post(file_public))
        .route("/report/receipt", get(public_receipt))
        .route(
            "/report/attachments",
            post(public_upload)
                .layer(axum::extract::DefaultBodyLimit::max(crate::api::reports::ATTACHMENT_REQUEST_LIMIT)),
        )
        .route("/report/status", get(status))
}

// ---------------------------------------------------------------- shared pieces

/// An instant as people in China read it (UTC+8, no daylight saving).
pub fn china_time(at: DateTime<Utc>) -> String {
    (at + Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string()
}

/// "12 分钟前": how long ago, as the queue shows it (app.js counts on from there).
pub fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes().max(0);
    match minutes {
        0 => msg::JUST_NOW.to_string(),
        1..60 => format!("{minutes} {}", msg::MINUTES_AGO),
        60..2880 => format!("{} {}", minutes / 60, msg::HOURS_AGO),
        _ => format!("{} {}", minutes / 1440, msg::DAYS_AGO),
    }
}

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

/// The label of a report form's field, for the summary of errors above the form.
fn field_label(field: &str) -> &'static str {
    match field {
        "situations" => msg::REPORT_SITUATIONS,
        "discovered_at" => msg::REPORT_DISCOVERED_AT,
        "child_id" => msg::REPORT_CHILD_ID,
        "child_description" => msg::REPORT_CHILD_DESCRIPTION,
        "village_code" => msg::REPORT_VILLAGE,
        "description" => msg::REPORT_DESCRIPTION,
        "contact_name" => msg::REPORT_CONTACT_NAME,
        "contact_phone" => msg::REPORT_CONTACT_PHONE,
        "challenge_answer" => msg::HUMAN_CHECK,
        "case_kind" => msg::CASE_KIND,
        "action" => msg::DISPOSAL_ACTION,
        "carer" => msg::TEMPORARY_CARER,
        "note" => msg::ACTION_NOTE,
        "file" => msg::ATTACHMENTS,
        _ => msg::REPORT_SUBMIT,
    }
}

pub struct ErrorLine {
    pub field: String,
    pub label: &'static str,
    pub message: String,
}

fn error_lines(errs: &FieldErrors) -> Vec<ErrorLine> {
    errs.0
        .iter()
        .map(|e| ErrorLine { field: e.field.clone(), label: field_label(&e.field), message: e.message.clone() })
        .collect()
}

fn err_of(errs: &FieldErrors, field: &str) -> String {
    errs.get(field).unwrap_or("").to_string()
}

fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

// ---------------------------------------------------------------- the report form

/// What the report form holds, exactly as typed: it comes back whole when the form is
/// refused, so nothing the reporter entered is lost.
#[derive(Debug, Clone, Default)]
pub struct ReportInput {
    pub situations: Vec<String>,
    pub discovered_at: String,
    pub child_id: String,
    pub child_description: String,
    pub village_code: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    /// Made when the form is rendered, so a double submit is one report.
    pub idempotency_key: String,
    pub challenge_token: String,
    /// The question as shown (not secret: the token proves which answer is right).
    pub challenge_question: String,
    pub challenge_answer: String,
}

impl ReportInput {
    fn from_form(f: &FormPairs) -> ReportInput {
        let get = |k: &str| f.get(k).unwrap_or("").to_string();
        ReportInput {
            situations: f.0.iter().filter(|(k, _)| k == "situations").map(|(_, v)| v.clone()).collect(),
            discovered_at: get("discovered_at"),
            child_id: get("child_id"),
            child_description: get("child_description"),
            village_code: get("village_code"),
            description: get("description"),
            contact_name: get("contact_name"),
            contact_phone: get("contact_phone"),
            idempotency_key: get("idempotency_key"),
            challenge_token: get("challenge_token"),
            challenge_question: get("challenge_question"),
            challenge_answer: get("challenge_answer"),
        }
    }

    fn key(&self) -> Option<String> {
        Some(self.idempotency_key.trim().to_string()).filter(|k| !k.is_empty())
    }
}

/// A `datetime-local` value (China time) as an instant.
fn parse_china_time(s: &str) -> Option<DateTime<Utc>> {
    let s = s.trim().replace(' ', "T");
    ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S", "%Y-%m-%dT%H:%M:%S%.f"]
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(&s, f).ok())
        .map(|n| n.and_utc() - Duration::hours(8))
}

/// The village a reporter named: a 12-digit code as it is, or a name ("武清区梅厂镇郭罗庄村")
/// that names exactly one village. The public knows names, not codes.
fn resolve_village(store: &Store, typed: &str) -> Result<Option<String>, &'static str> {
    let t: String = typed.chars().filter(|c| !c.is_whitespace() && *c != '/').collect();
    if t.is_empty() {
        return Ok(None);
    }
    if t.chars().all(|c| c.is_ascii_digit()) {
        return Ok(Some(t));
    }
    let mut hits = store.regions.villages().filter(|v| {
        let path: String =
            store.regions.path_name(&v.code).chars().filter(|c| !c.is_whitespace() && *c != '/').collect();
        path.contains(&t)
    });
    match (hits.next(), hits.next()) {
        (Some(v), None) => Ok(Some(v.code.clone())),
        (Some(_), Some(_)) => Err(msg::REPORT_VILLAGE_AMBIGUOUS),
        (None, _) => Err(msg::VILLAGE_UNKNOWN),
    }
}

fn non_empty(s: &str) -> Option<String> {
    Some(s.trim().to_string()).filter(|s| !s.is_empty())
}

/// Reads the form into an intake. What cannot be read (an unknown situation, a time that is
/// not one) is reported together with the domain's checks of the rest.
fn read_intake(store: &Store, input: &ReportInput, member: bool) -> Result<Intake, FieldErrors> {
    let mut errs = FieldErrors::default();
    let mut situations = Vec::new();
    for s in &input.situations {
        match Situation::parse(s) {
            Some(s) => situations.push(s),
            None if errs.get("situations").is_none() => errs.add("situations", msg::UNKNOWN_OPTION),
            None => {}
        }
    }
    let discovered_at = match input.discovered_at.trim() {
        "" => None,
        s => {
            let t = parse_china_time(s);
            if t.is_none() {
                errs.add("discovered_at", msg::REPORT_DATETIME_INVALID);
            }
            t
        }
    };
    let child_id = match input.child_id.trim() {
        "" => None,
        _ if !member => None,
        s => {
            let id = s.parse::<i64>().ok().filter(|id| *id > 0);
            if id.is_none() {
                errs.add("child_id", msg::REPORT_CHILD_UNKNOWN);
            }
            id
        }
    };
    let village_code = match resolve_village(store, &input.village_code) {
        Ok(v) => v,
        Err(m) => {
            if child_id.is_none() && errs.get("child_id").is_none() {
                errs.add("village_code", m);
            }
            None
        }
    };
    let intake = Intake {
        situations,
        discovered_at,
        child_id,
        child_description: non_empty(&input.child_description),
        village_code,
        description: input.description.clone(),
        contact_name: non_empty(&input.contact_name),
        contact_phone: non_empty(&input.contact_phone),
    };
    if errs.is_empty() {
        return Ok(intake);
    }
    if let Err(more) = rules::check_intake(intake, store.now(), store.settings.reports.discovery_clock_skew) {
        for e in more.0 {
            let shadowed = errs.get(&e.field).is_some()
                // A registry child that could not be read stands for the description and village.
                || (errs.get("child_id").is_some() && matches!(e.field.as_str(), "child_description" | "village_code"));
            if !shadowed {
                errs.0.push(e);
            }
        }
    }
    Err(errs)
}

pub struct ReportErrors {
    pub situations: String,
    pub discovered_at: String,
    pub child_id: String,
    pub child_description: String,
    pub village_code: String,
    pub description: String,
    pub contact_name: String,
    pub contact_phone: String,
    pub challenge_answer: String,
}

impl ReportErrors {
    fn of(errs: &FieldErrors) -> ReportErrors {
        ReportErrors {
            situations: err_of(errs, "situations"),
            discovered_at: err_of(errs, "discovered_at"),
            child_id: err_of(errs, "child_id"),
            child_description: err_of(errs, "child_description"),
            village_code: err_of(errs, "village_code"),
            description: err_of(errs, "description"),
            contact_name: err_of(errs, "contact_name"),
            contact_phone: err_of(errs, "contact_phone"),
            challenge_answer: err_of(errs, "challenge_answer"),
        }
    }
}

#[derive(Template)]
#[template(path = "report_form.html")]
pub struct ReportForm {
    pub layout: Layout,
    pub public: bool,
    pub action: &'static str,
    pub intro: &'static str,
    pub v: ReportInput,
    pub situations: Vec<Opt>,
    /// Villages offered as suggestions for the village field (the reporter's region).
    pub villages: Vec<Opt>,
    /// The registry child named by `child_id`, when the form came from a child's page.
    pub child_hint: String,
    pub banner: String,
    pub errors: Vec<ErrorLine>,
    pub e: ReportErrors,
}

impl ReportForm {
    fn new(layout: Layout, public: bool, v: ReportInput, villages: Vec<Opt>) -> ReportForm {
        let situations = Situation::ALL
            .iter()
            .map(|s| Opt {
                code: s.code().into(),
                label: s.label().into(),
                selected: v.situations.iter().any(|c| c == s.code()),
            })
            .collect();
        ReportForm {
            layout,
            public,
            action: if public { "/report" } else { "/reports/new" },
            intro: if public { msg::PUBLIC_REPORT_INTRO } else { msg::REPORT_INTRO },
            v,
            situations,
            villages,
            child_hint: String::new(),
            banner: String::new(),
            errors: Vec::new(),
            e: ReportErrors::of(&FieldErrors::default()),
        }
    }

    fn refused(mut self, errs: &FieldErrors, banner: &str) -> ReportForm {
        self.banner = banner.to_string();
        self.errors = error_lines(errs);
        self.e = ReportErrors::of(errs);
        self
    }
}

/// The villages of a reporter's region, as suggestions (a whole city's are too many).
fn region_villages(store: &Store, region: &str) -> Vec<Opt> {
    let mut villages: Vec<_> = store.regions.villages().filter(|v| v.code.starts_with(region)).collect();
    if region.is_empty() || villages.len() > 1000 {
        return Vec::new();
    }
    villages.sort_by(|a, b| a.code.cmp(&b.code));
    let township = store.regions.get(region).is_some_and(|r| r.level >= Level::Township);
    villages
        .into_iter()
        .map(|v| Opt {
            code: v.code.clone(),
            label: if township { v.name.clone() } else { store.regions.path_name(&v.code) },
            selected: false,
        })
        .collect()
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    child_id: Option<String>,
}

async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<NewQuery>,
) -> PageResult {
    user.require(rules::may_file_member_report)?;
    let region = user.principal.region_code.clone();
    let mut v = ReportInput { idempotency_key: auth::random_token(), ..Default::default() };
    if shouhu_domain::region::is_village_code(&region) {
        v.village_code = region.clone();
    }
    let mut child_hint = String::new();
    if let Some(id) = q.child_id.as_deref().and_then(|s| s.trim().parse::<i64>().ok()) {
        v.child_id = id.to_string();
        let p = user.principal.clone();
        // Only a name the reporter may see anyway; a child out of scope is simply not named.
        if let Ok(child) = state.run(move |s| s.get_child(&p, id)).await {
            child_hint = format!("{}（{}）", child.file.name, state.store.regions.path_name(&child.file.village_code));
        }
    }
    let villages = region_villages(&state.store, &region);
    let mut page = ReportForm::new(Layout::new(msg::NEW_REPORT, Some(&user)), false, v, villages);
    page.child_hint = child_hint;
    Ok(render(&page))
}

/// 303 to the receipt page; the receipt number rides in the query (never logged).
fn to_receipt(base: &str, receipt: &str, repeated: bool) -> Response {
    let q = form_urlencoded::Serializer::new(String::new()).append_pair("receipt", receipt).finish();
    Redirect::to(&format!("{base}?{q}{}", if repeated { "&repeated=1" } else { "" })).into_response()
}

/// What a refused report form says, and with which status; `None` for errors that are not
/// the form's (they get the error page).
fn refusal(e: &AppError) -> Option<(FieldErrors, String, StatusCode)> {
    match e {
        AppError::Invalid(f) => {
            let banner = f.get("idempotency_key").unwrap_or(msg::FORM_HAS_ERRORS).to_string();
            Some((f.clone(), banner, StatusCode::UNPROCESSABLE_ENTITY))
        }
        AppError::Throttled(m) => Some((FieldErrors::default(), (*m).to_string(), StatusCode::TOO_MANY_REQUESTS)),
        AppError::Busy => Some((FieldErrors::default(), msg::BUSY.to_string(), StatusCode::SERVICE_UNAVAILABLE)),
        _ => None,
    }
}

async fn file(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(rules::may_file_member_report)?;
    let mut input = ReportInput::from_form(&form);
    let result = match read_intake(&state.store, &input, true) {
        Ok(intake) => {
            let reporter = Reporter::Member(user.principal.clone());
            let key = input.key();
            match state.run(move |s| s.check_report(intake, reporter, key.as_deref())).await {
                Ok(checked) => state.run_queued(move |s| s.file_report(checked)).await.map_err(AppError::from),
                Err(e) => Err(e),
            }
        }
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    let e = match result {
        Ok(r) => return Ok(to_receipt("/reports/receipt", &r.receipt, r.repeated)),
        Err(e) => e,
    };
    let Some((errs, banner, status)) = refusal(&e) else {
        return Err(PageError(e));
    };
    if errs.get("idempotency_key").is_some() || input.key().is_none() {
        // The key went with other content: this form is another report.
        input.idempotency_key = auth::random_token();
    }
    let villages = region_villages(&state.store, &user.principal.region_code);
    let page =
        ReportForm::new(Layout::new(msg::NEW_REPORT, Some(&user)), false, input, villages).refused(&errs, &banner);
    Ok(with_status(render(&page), status))
}

async fn public_form(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> PageResult {
    if user.is_some_and(|u| rules::may_file_member_report(u.principal.role)) {
        // A signed-in reporter reports from their account (and is known to the police).
        return Ok(Redirect::to("/reports/new").into_response());
    }
    let c = state.public_guard.challenge(state.store.now());
    let v = ReportInput {
        idempotency_key: auth::random_token(),
        challenge_token: c.token,
        challenge_question: c.question,
        ..Default::default()
    };
    Ok(render(&ReportForm::new(Layout::new(msg::PUBLIC_REPORT, None), true, v, Vec::new())))
}

async fn file_public(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    form: FormPairs,
) -> PageResult {
    let mut input = ReportInput::from_form(&form);
    let key = input.key();
    // The report is checked first (reading only), so a report with mistakes uses up none of
    // the address's allowance; the human check's verdict joins its errors.
    let checked = match read_intake(&state.store, &input, false) {
        Ok(intake) => state.run(move |s| s.check_report(intake, Reporter::Public, key.as_deref())).await,
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    let result = match checked {
        Ok(checked) => match guard_public(&state, addr, &input.challenge_token, &input.challenge_answer) {
            Ok(()) => state.run_queued(move |s| s.file_report(checked)).await.map_err(AppError::from),
            Err(e) => Err(e),
        },
        Err(AppError::Invalid(mut errs)) => {
            let verdict = state.public_guard.check(&input.challenge_token, &input.challenge_answer, state.store.now());
            match verdict {
                Ok(()) => {}
                Err(CheckError::Wrong) => errs.add("challenge_answer", msg::HUMAN_CHECK_WRONG),
                Err(CheckError::Expired) => errs.add("challenge_answer", msg::HUMAN_CHECK_EXPIRED),
            }
            Err(AppError::Invalid(errs))
        }
        Err(e) => Err(e),
    };
    let e = match result {
        Ok(r) => return Ok(to_receipt("/report/receipt", &r.receipt, r.repeated)),
        Err(e) => e,
    };
    let Some((errs, banner, status)) = refusal(&e) else {
        return Err(PageError(e));
    };
    if errs.get("idempotency_key").is_some() || input.key().is_none() {
        input.idempotency_key = auth::random_token();
    }
    // A question answered right stays answered, with its answer; otherwise a new one.
    if errs.get("challenge_answer").is_some() || input.challenge_token.is_empty() || input.challenge_question.is_empty()
    {
        let c = state.public_guard.challenge(state.store.now());
        input.challenge_token = c.token;
        input.challenge_question = c.question;
        input.challenge_answer.clear();
    }
    let page = ReportForm::new(Layout::new(msg::PUBLIC_REPORT, None), true, input, Vec::new()).refused(&errs, &banner);
    Ok(with_status(render(&page), status))
}

// ---------------------------------------------------------------- receipt and status

#[derive(Template)]
#[template(path = "report_receipt.html")]
pub struct ReceiptPage {
    pub layout: Layout,
    pub member: bool,
    /// A photo was just added; or what was wrong with the one sent.
    pub uploaded: bool,
    pub file_error: String,
    pub repeated: bool,
    pub receipt: String,
    pub reported_at: String,
    pub step: &'static str,
    pub status_link: String,
}

#[derive(Deserialize)]
struct ReceiptQuery {
    #[serde(default)]
    receipt: String,
    #[serde(default)]
    repeated: Option<String>,
    #[serde(default)]
    uploaded: Option<String>,
}

async fn receipt_page(state: &AppState, user: Option<&CurrentUser>, q: ReceiptQuery) -> PageResult {
    receipt_page_with(state, user, q, String::new()).await
}

async fn receipt_page_with(
    state: &AppState,
    user: Option<&CurrentUser>,
    q: ReceiptQuery,
    file_error: String,
) -> PageResult {
    let status = lookup(state, &q.receipt).await?.ok_or(PageError(AppError::NotFound))?;
    let link = form_urlencoded::Serializer::new(String::new()).append_pair("receipt", &status.receipt).finish();
    Ok(render(&ReceiptPage {
        layout: Layout::new(msg::REPORT_RECEIVED, user),
        member: user.is_some(),
        uploaded: q.uploaded.is_some(),
        file_error,
        repeated: q.repeated.is_some(),
        receipt: status.receipt,
        reported_at: china_time(status.reported_at),
        step: status.step.label(),
        status_link: format!("/report/status?{link}"),
    }))
}

async fn member_receipt(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<ReceiptQuery>,
) -> PageResult {
    receipt_page(&state, Some(&user), q).await
}

async fn public_receipt(State(state): State<AppState>, QueryParams(q): QueryParams<ReceiptQuery>) -> PageResult {
    receipt_page(&state, None, q).await
}

/// A report's progress by its receipt number; `None` when there is no such receipt.
async fn lookup(state: &AppState, receipt: &str) -> Result<Option<ReportStatus>, PageError> {
    let receipt = receipt.trim().to_string();
    if receipt.is_empty() || receipt.len() > 40 {
        return Ok(None);
    }
    match state.run(move |s| s.report_status(&receipt)).await {
        Ok(s) => Ok(Some(s)),
        Err(AppError::NotFound) => Ok(None),
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "report_status.html")]
pub struct StatusPage {
    pub layout: Layout,
    pub receipt: String,
    pub asked: bool,
    pub found: bool,
    pub step: &'static str,
    pub reported_at: String,
    pub step_at: String,
}

#[derive(Deserialize)]
struct StatusQuery {
    #[serde(default)]
    receipt: String,
}

async fn status(State(state): State<AppState>, QueryParams(q): QueryParams<StatusQuery>) -> PageResult {
    let asked = !q.receipt.trim().is_empty();
    let found = if asked { lookup(&state, &q.receipt).await? } else { None };
    let mut page = StatusPage {
        layout: Layout::new(msg::REPORT_STATUS_TITLE, None),
        receipt: q.receipt.trim().to_string(),
        asked,
        found: found.is_some(),
        step: "",
        reported_at: String::new(),
        step_at: String::new(),
    };
    if let Some(s) = &found {
        page.receipt = s.receipt.clone();
        page.step = s.step.label();
        page.reported_at = china_time(s.reported_at);
        page.step_at = china_time(s.step_at);
    }
    let res = render(&page);
    Ok(if asked && found.is_none() { with_status(res, StatusCode::NOT_FOUND) } else { res })
}

// ---------------------------------------------------------------- the queue and the list

pub struct ReportRow {
    pub id: i64,
    pub receipt: String,
    pub urgency_code: &'static str,
    pub urgency_label: &'static str,
    pub critical: bool,
    pub rank: u8,
    pub situations: String,
    pub village: String,
    pub child_name: String,
    pub step_label: &'static str,
    pub reported_iso: String,
    pub reported_ms: i64,
    pub ago: String,
    pub late_report: bool,
    pub late_response: bool,
    pub version: i64,
}

impl ReportRow {
    fn of(r: &ReportSummary, now: DateTime<Utc>) -> ReportRow {
        ReportRow {
            id: r.id,
            receipt: r.receipt.clone(),
            urgency_code: r.urgency.code(),
            urgency_label: r.urgency.label(),
            critical: r.urgency == Urgency::Critical,
            rank: r.urgency.rank(),
            situations: r.situations.iter().map(|s| s.label()).collect::<Vec<_>>().join("、"),
            village: r.village_name.clone(),
            child_name: r.child_name.clone().unwrap_or_default(),
            step_label: r.step.label(),
            reported_iso: r.reported_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            reported_ms: r.reported_at.timestamp_millis(),
            ago: ago(now, r.reported_at),
            late_report: r.late_report,
            late_response: r.late_response,
            version: r.version,
        }
    }
}

#[derive(Template)]
#[template(path = "reports.html")]
pub struct ReportList {
    pub layout: Layout,
    /// The viewer sees the reports of an area (police, township, civil affairs).
    pub area: bool,
    /// The open queue (most urgent first) rather than every report.
    pub queue: bool,
    /// app.js keeps the list current from the live stream.
    pub live: bool,
    pub rows: Vec<ReportRow>,
    /// The code lists' labels, for the rows app.js draws (a data attribute, as JSON).
    pub labels_json: String,
    pub now_ms: i64,
    pub can_report: bool,
    pub page: i64,
    pub prev_link: String,
    pub next_link: String,
}

#[derive(Deserialize)]
struct ListQuery {
    #[serde(default)]
    view: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

const PER_PAGE: i64 = 50;

fn labels_json() -> String {
    let map = |pairs: Vec<(&str, serde_json::Value)>| -> serde_json::Map<String, serde_json::Value> {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    serde_json::json!({
        "urgency": map(Urgency::ALL.iter().map(|u| (u.code(), serde_json::json!([u.label(), u.rank()]))).collect()),
        "situations": map(Situation::ALL.iter().map(|s| (s.code(), s.label().into())).collect()),
        "steps": map(Step::ALL.iter().map(|s| (s.code(), s.label().into())).collect()),
        "late_report": msg::LATE_REPORT,
        "late_response": msg::LATE_RESPONSE,
        "just_now": msg::JUST_NOW,
        "minutes_ago": msg::MINUTES_AGO,
        "hours_ago": msg::HOURS_AGO,
        "days_ago": msg::DAYS_AGO,
    })
    .to_string()
}

async fn list(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<ListQuery>) -> PageResult {
    let role = user.principal.role;
    if !rules::may_file_member_report(role) && !rules::may_see_area_reports(role) {
        return Err(PageError(AppError::Forbidden));
    }
    let area = rules::may_see_area_reports(role);
    let queue = area && q.view.as_deref() != Some("all");
    let page = q.page.unwrap_or(1).max(1);
    let p = user.principal.clone();
    let rows = state
        .run(move |s| if queue { s.report_queue(&p) } else { s.list_reports(&p, PER_PAGE + 1, (page - 1) * PER_PAGE) })
        .await?;
    let now = state.store.now();
    let more = !queue && rows.len() as i64 > PER_PAGE;
    let base = if area { "/reports?view=all&" } else { "/reports?" };
    let title = if queue {
        msg::REPORT_QUEUE
    } else if area {
        msg::ALL_REPORTS
    } else {
        msg::MY_REPORTS
    };
    let view = ReportList {
        layout: Layout::new(title, Some(&user)),
        area,
        queue,
        live: queue,
        rows: rows.iter().take(PER_PAGE as usize).map(|r| ReportRow::of(r, now)).collect(),
        labels_json: if queue { labels_json() } else { String::new() },
        now_ms: now.timestamp_millis(),
        can_report: rules::may_file_member_report(role),
        page,
        prev_link: if !queue && page > 1 { format!("{base}page={}", page - 1) } else { String::new() },
        next_link: if more { format!("{base}page={}", page + 1) } else { String::new() },
    };
    Ok(render(&view))
}

// ---------------------------------------------------------------- a report's page

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
#[template(path = "report.html")]
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
    pub saved: bool,
    pub banner: String,
    pub errors: Vec<ErrorLine>,
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

/// What a refused step or action brings back to the report's page.
#[derive(Default)]
struct Refusal {
    banner: String,
    errs: FieldErrors,
    case_kind: String,
    action: String,
    carer: String,
    note: String,
}

fn options<T: Copy + PartialEq>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    current: &str,
) -> Vec<Opt> {
    all.iter().map(|v| Opt { code: code(*v).into(), label: label(*v).into(), selected: code(*v) == current }).collect()
}

fn report_page(user: &CurrentUser, d: ReportDetail, saved: bool, r: Refusal) -> ReportPage {
    let s = &d.summary;
    let desk = rules::may_act_as_duty_desk(user.principal.role, user.principal.org_type);
    let next = rules::next_step(s.step).filter(|_| desk);
    let kind_now = if r.case_kind.is_empty() {
        d.case_kind.unwrap_or(d.likely_case_kind).code().to_string()
    } else {
        r.case_kind.clone()
    };
    let action_now = if r.action.is_empty() {
        d.missing_actions.first().map(|a| a.code().to_string()).unwrap_or_default()
    } else {
        r.action.clone()
    };
    let commended = d.events.iter().any(|e| e.kind == "commended");
    let public = d.reporter.as_ref().is_some_and(|r| r.channel == rules::Channel::Public);
    ReportPage {
        can_commend: public && !commended && rules::may_commend(user.principal.role),
        commended,
        can_link: d.summary.child_id.is_none() && rules::may_link_child(user.principal.role),
        link_error: err_of(&r.errs, "child_id"),
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
        file_error: err_of(&r.errs, "file"),
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
        saved,
        banner: r.banner.clone(),
        errors: error_lines(&r.errs),
        desk,
        next_step: next.map(|n| n.code().to_string()).unwrap_or_default(),
        next_button: next.map_or("", step_button),
        needs_case_kind: next == Some(Step::Disposed),
        case_kinds: options(CaseKind::ALL, CaseKind::code, CaseKind::label, &kind_now),
        step_error: err_of(&r.errs, "case_kind"),
        on_scene: desk && s.step == Step::OnScene,
        actions: options(DisposalAction::ALL, DisposalAction::code, DisposalAction::label, &action_now),
        carers: options(TemporaryCarer::ALL, TemporaryCarer::code, TemporaryCarer::label, &r.carer),
        note: r.note.clone(),
        action_error: err_of(&r.errs, "action"),
        carer_error: err_of(&r.errs, "carer"),
        note_error: err_of(&r.errs, "note"),
    }
}

/// Loads the report as the user may see it and records the view before it is shown.
async fn load(state: &AppState, user: &CurrentUser, id: i64) -> Result<ReportDetail, PageError> {
    let p = user.principal.clone();
    let detail = state.run(move |s| s.report_detail(&p, id)).await?;
    state
        .run_queued({
            let p = user.principal.clone();
            move |s| s.record_report_view(&p, id)
        })
        .await?;
    Ok(detail)
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
    let d = load(&state, &user, id).await?;
    Ok(render(&report_page(&user, d, q.saved.is_some(), Refusal::default())))
}

/// The report's page again, with what went wrong; errors that are not the page's (a report
/// out of scope, a role that may not act) get the error page.
async fn refused_on_page(state: &AppState, user: &CurrentUser, id: i64, e: AppError, mut r: Refusal) -> PageResult {
    let status = e.status();
    match e {
        AppError::Invalid(f) => {
            r.banner = msg::FORM_HAS_ERRORS.to_string();
            r.errs = f;
        }
        AppError::Stale { .. } => r.banner = msg::REPORT_STALE.to_string(),
        AppError::State(m) => r.banner = m.to_string(),
        AppError::Busy => r.banner = msg::BUSY.to_string(),
        other => return Err(PageError(other)),
    }
    let d = load(state, user, id).await?;
    Ok(with_status(render(&report_page(user, d, false, r)), status))
}

async fn step(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let version: i64 = form.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let Some(to) = form.get("step").and_then(Step::parse) else {
        return Err(PageError(AppError::BadRequest(msg::BAD_REQUEST.into(), Vec::new())));
    };
    let kind_code = form.get("case_kind").unwrap_or("").to_string();
    let case_kind = CaseKind::parse(&kind_code);
    match state
        .run_queued({
            let p = user.principal.clone();
            move |s| s.advance_report(&p, id, to, version, case_kind)
        })
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => {
            refused_on_page(&state, &user, id, e.into(), Refusal { case_kind: kind_code, ..Default::default() }).await
        }
    }
}

async fn action(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let kept = Refusal {
        action: form.get("action").unwrap_or("").to_string(),
        carer: form.get("carer").unwrap_or("").to_string(),
        note: form.get("note").unwrap_or("").to_string(),
        ..Default::default()
    };
    let carer = TemporaryCarer::parse(&kept.carer);
    let note = non_empty(&kept.note);
    let result = match DisposalAction::parse(&kept.action) {
        Some(a) => state
            .run_queued({
                let p = user.principal.clone();
                move |s| s.record_report_action(&p, id, a, carer, note)
            })
            .await
            .map_err(AppError::from),
        None => {
            let mut errs = FieldErrors::default();
            errs.add("action", msg::REPORT_CHOOSE_ACTION);
            Err(AppError::Invalid(errs))
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e, kept).await,
    }
}

/// A photo or document from the report page's upload form (multipart: `csrf`, `file`).
async fn upload(
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
    match state
        .run_queued({
            let p = user.principal.clone();
            move |s| s.add_attachment(&p, id, &name, data.to_vec())
        })
        .await
    {
        Ok(_) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e.into(), Refusal::default()).await,
    }
}

async fn download(
    State(state): State<AppState>,
    user: CurrentUser,
    axum::extract::Path((id, aid)): axum::extract::Path<(i64, i64)>,
) -> PageResult {
    let (info, data) = state
        .run_queued({
            let p = user.principal.clone();
            move |s| s.read_attachment(&p, id, aid)
        })
        .await
        .map_err(AppError::from)?;
    Ok(crate::api::reports::attachment_response(&info, data))
}

/// A photo or document added to a public report with its receipt number (multipart:
/// `receipt`, `file`), within a day of filing; counted in the address's allowance.
async fn public_upload(
    State(state): State<AppState>,
    ConnectInfo(addr): ConnectInfo<SocketAddr>,
    mut mp: axum::extract::Multipart,
) -> PageResult {
    let bad = || PageError(AppError::BadRequest(msg::BAD_REQUEST.into(), Vec::new()));
    let (mut receipt, mut file) = (String::new(), None);
    while let Some(field) = mp.next_field().await.map_err(|_| bad())? {
        match field.name() {
            Some("receipt") => receipt = field.text().await.map_err(|_| bad())?,
            Some("file") => {
                let name = field.file_name().unwrap_or_default().to_string();
                file = Some((name, field.bytes().await.map_err(|_| PageError(AppError::TooLarge))?));
            }
            _ => {}
        }
    }
    let q = |uploaded: bool| ReceiptQuery {
        receipt: receipt.clone(),
        repeated: None,
        uploaded: uploaded.then(|| "1".to_string()),
    };
    if !state.public_guard.admit(addr.ip(), state.store.now()) {
        let page = receipt_page_with(&state, None, q(false), msg::REPORT_THROTTLED.to_string()).await?;
        return Ok(with_status(page, StatusCode::TOO_MANY_REQUESTS));
    }
    let (name, data) = file.unwrap_or_default();
    let r = receipt.clone();
    match state.run_queued(move |s| s.add_public_attachment(&r, &name, data.to_vec())).await {
        Ok(_) => {
            let link = form_urlencoded::Serializer::new(String::new()).append_pair("receipt", &receipt).finish();
            Ok(Redirect::to(&format!("/report/receipt?{link}&uploaded=1")).into_response())
        }
        Err(AppError::Invalid(errs)) => {
            let message = errs.get("file").unwrap_or(msg::FORM_HAS_ERRORS).to_string();
            let page = receipt_page_with(&state, None, q(false), message).await?;
            Ok(with_status(page, StatusCode::UNPROCESSABLE_ENTITY))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn commend(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let note = non_empty(form.get("note").unwrap_or(""));
    match state
        .run_queued({
            let p = user.principal.clone();
            move |s| s.commend_report(&p, id, note)
        })
        .await
    {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e.into(), Refusal::default()).await,
    }
}

async fn link_child(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let result = match form.get("child_id").and_then(|v| v.trim().parse::<i64>().ok()) {
        Some(child) => state
            .run_queued({
                let p = user.principal.clone();
                move |s| s.link_report_child(&p, id, child)
            })
            .await
            .map_err(AppError::from),
        None => {
            let mut errs = FieldErrors::default();
            errs.add("child_id", msg::REPORT_CHILD_UNKNOWN);
            Err(AppError::Invalid(errs))
        }
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/reports/{id}?saved=1")).into_response()),
        Err(e) => refused_on_page(&state, &user, id, e, Refusal::default()).await,
    }
}
