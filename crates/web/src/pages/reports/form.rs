//! The report form, for mandatory reporters signed in and for the public: what was typed
//! comes back whole when refused, and a retry is the same report.

use super::field_label;
use crate::AppState;
use crate::api::reports::{admit_public, check_human};
use crate::auth::{self, CurrentUser, MaybeUser};
use crate::body::{FormPairs, QueryParams};
use crate::client_addr::ClientAddr;
use crate::error::AppError;
use crate::pages::form::{Kept, Refusal, non_empty, refused_page};
use crate::pages::view::{Opt, china_time_input};
use crate::pages::{Layout, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect, Response};
use chrono::{DateTime, Duration, NaiveDateTime, Utc};
use serde::Deserialize;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_domain::report::{self as rules, Intake, Situation};
use shouhu_store::Store;
use shouhu_store::regions::Unresolved;
use shouhu_store::reports::Reporter;

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
    store.regions.resolve(typed, Some(Level::Village), "").map_err(|e| match e {
        Unresolved::Ambiguous => msg::REPORT_VILLAGE_AMBIGUOUS,
        Unresolved::Unknown => msg::VILLAGE_UNKNOWN,
    })
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
        child_description: non_empty(Some(&input.child_description)),
        village_code,
        description: input.description.clone(),
        contact_name: non_empty(Some(&input.contact_name)),
        contact_phone: non_empty(Some(&input.contact_phone)),
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
        let err_of = |field: &str| errs.get(field).unwrap_or("").to_string();
        ReportErrors {
            situations: err_of("situations"),
            discovered_at: err_of("discovered_at"),
            child_id: err_of("child_id"),
            child_description: err_of("child_description"),
            village_code: err_of("village_code"),
            description: err_of("description"),
            contact_name: err_of("contact_name"),
            contact_phone: err_of("contact_phone"),
            challenge_answer: err_of("challenge_answer"),
        }
    }
}

#[derive(Template)]
#[template(path = "reports/report_form.html")]
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
    pub refusal: Refusal,
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
            refusal: Refusal::default(),
            e: ReportErrors::of(&FieldErrors::default()),
        }
    }

    fn refused(mut self, kept: &Kept) -> ReportForm {
        self.refusal = kept.refusal(|_, field| (field_label(field).to_string(), format!("f-{field}")));
        self.e = ReportErrors::of(&kept.errs);
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
pub(super) struct NewQuery {
    #[serde(default)]
    child_id: Option<String>,
    /// From a visit that found a child alone or unattended (issue 17): what it saw, filled in.
    #[serde(default)]
    situation: Option<String>,
    #[serde(default)]
    description: Option<String>,
}

pub(super) async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<NewQuery>,
) -> PageResult {
    user.require(rules::may_file_member_report)?;
    let region = user.principal.region_code.clone();
    // Discovered now, unless the reporter corrects it (decision 68).
    let mut v = ReportInput {
        idempotency_key: auth::random_token(),
        discovered_at: china_time_input(state.store.now()),
        ..Default::default()
    };
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
    if let Some(s) = q.situation.as_deref().and_then(Situation::parse) {
        v.situations = vec![s.code().to_string()];
    }
    if let Some(d) = q.description.as_deref() {
        v.description = d.chars().take(2000).collect();
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

pub(super) async fn file(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(rules::may_file_member_report)?;
    let mut input = ReportInput::from_form(&form);
    let result = match read_intake(&state.store, &input, true) {
        Ok(intake) => {
            let reporter = Reporter::Member(user.principal.clone());
            let key = input.key();
            match state.run(move |s| s.check_report(intake, reporter, key.as_deref())).await {
                Ok(checked) => state.run_queued(move |s| s.file_report(checked)).await,
                Err(e) => Err(e),
            }
        }
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    let e = match result {
        Ok(r) => return Ok(to_receipt("/reports/receipt", &r.receipt, r.repeated)),
        Err(e) => e,
    };
    let (kept, status) = Kept::new("", form).refused(e, msg::FORM_HAS_ERRORS)?;
    if kept.errs.get("idempotency_key").is_some() || input.key().is_none() {
        // The key went with other content: this form is another report.
        input.idempotency_key = auth::random_token();
    }
    let villages = region_villages(&state.store, &user.principal.region_code);
    let page = ReportForm::new(Layout::new(msg::NEW_REPORT, Some(&user)), false, input, villages).refused(&kept);
    refused_page(&page, status)
}

pub(super) async fn public_form(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> PageResult {
    if user.is_some_and(|u| rules::may_file_member_report(u.principal.role)) {
        // A signed-in reporter reports from their account (and is known to the police).
        return Ok(Redirect::to("/reports/new").into_response());
    }
    let c = state.public_guard.challenge(state.store.now());
    let v = ReportInput {
        idempotency_key: auth::random_token(),
        discovered_at: china_time_input(state.store.now()),
        challenge_token: c.token,
        challenge_question: c.question,
        ..Default::default()
    };
    Ok(render(&ReportForm::new(Layout::new(msg::PUBLIC_REPORT, None), true, v, Vec::new())))
}

pub(super) async fn file_public(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    form: FormPairs,
) -> PageResult {
    let mut input = ReportInput::from_form(&form);
    let key = input.key();
    // The question's verdict (a wrong guess uses it up) joins the report's own errors; a
    // report with mistakes uses up neither its question nor the address's allowance, which
    // only a report let in counts.
    let human = check_human(&state, &input.challenge_token, &input.challenge_answer, key.as_deref()).await;
    let k = key.clone();
    let checked = match read_intake(&state.store, &input, false) {
        Ok(intake) => state.run(move |s| s.check_report(intake, Reporter::Public, k.as_deref())).await,
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    let result = match (checked, human) {
        (Ok(checked), Ok(())) => match admit_public(&state, addr, &input.challenge_token, key.as_deref()).await {
            Ok(()) => state.run_queued(move |s| s.file_report(checked)).await,
            Err(e) => Err(e),
        },
        (Ok(_), Err(h)) => Err(AppError::Invalid(h)),
        (Err(AppError::Invalid(mut errs)), human) => {
            if let Err(h) = human {
                errs.0.extend(h.0);
            }
            Err(AppError::Invalid(errs))
        }
        (Err(e), _) => Err(e),
    };
    let e = match result {
        Ok(r) => return Ok(to_receipt("/report/receipt", &r.receipt, r.repeated)),
        Err(e) => e,
    };
    let (kept, status) = Kept::new("", form).refused(e, msg::FORM_HAS_ERRORS)?;
    if kept.errs.get("idempotency_key").is_some() || input.key().is_none() {
        input.idempotency_key = auth::random_token();
    }
    // A question answered right stays answered, with its answer; otherwise a new one.
    if kept.errs.get("challenge_answer").is_some()
        || input.challenge_token.is_empty()
        || input.challenge_question.is_empty()
    {
        let c = state.public_guard.challenge(state.store.now());
        input.challenge_token = c.token;
        input.challenge_question = c.question;
        input.challenge_answer.clear();
    }
    let page = ReportForm::new(Layout::new(msg::PUBLIC_REPORT, None), true, input, Vec::new()).refused(&kept);
    refused_page(&page, status)
}
