//! Visits on pages (issue 17): the director's phone page 今日走访 (children due or overdue,
//! nearest first, with why), the visit form with the child's warnings at the top, a visit with
//! its versions and its correction, and the township supervisor's page (visits to review,
//! directors with overdue visits, coverage per village).

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use crate::pages::form::{self, Kept, Refusal, date_field, non_empty, pick};
use crate::pages::view::{Opt, Saved, china_time, day, opt_day, options};
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use shouhu_domain::child::ChildRecord;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::visit::{
    self as rules, CarerState, ContactChannel, LivesWith, ReviewState, VisitHealth, VisitInput, VisitKind, VisitMood,
    VisitSafety, VisitSchooling,
};
use shouhu_store::visits::{DueLine, Supervision, VisitRecord};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/visits", get(due_list))
        .route("/children/{id}/visits/new", get(new_form))
        .route("/children/{id}/visits", post(create))
        .route("/visits/{id}", get(visit_page))
        .route("/visits/{id}/edit", get(edit_form).post(correct))
        .route("/visits/{id}/review", post(review))
        .route("/supervision", get(supervision))
}

pub struct DueRow {
    pub child_id: i64,
    pub name: String,
    pub village: String,
    pub age: String,
    pub warnings: Vec<&'static str>,
    pub due_on: String,
    pub why: &'static str,
    pub overdue: bool,
    pub last_visit_on: String,
}

impl DueRow {
    fn of(l: &DueLine) -> DueRow {
        DueRow {
            child_id: l.child_id,
            name: l.child_name.clone(),
            village: l.village_name.clone(),
            age: l.age.map(|a| format!("{a}{}", msg::YEARS_SUFFIX)).unwrap_or_default(),
            warnings: l.warnings.iter().map(|w| w.label()).collect(),
            due_on: day(l.due_on),
            why: l.why.label(),
            overdue: l.overdue,
            last_visit_on: opt_day(l.last_visit_on),
        }
    }
}

#[derive(Template)]
#[template(path = "visits/due.html")]
pub struct DuePage {
    pub layout: Layout,
    pub rows: Vec<DueRow>,
    pub saved: bool,
}

async fn due_list(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<Saved>) -> PageResult {
    user.require(rules::may_read_visits)?;
    let p = user.principal.clone();
    let lines = state.run(move |s| s.due_visits(&p)).await?;
    Ok(render(&DuePage {
        layout: Layout::new(msg::VISITS_TODAY, Some(&user)),
        rows: lines.iter().map(DueRow::of).collect(),
        saved: q.saved.is_some(),
    }))
}

/// The visit form: a new visit (`action` = the child's), or a correction (`version` > 0).
#[derive(Template)]
#[template(path = "visits/form.html")]
pub struct VisitForm {
    pub layout: Layout,
    pub action: String,
    pub version: i64,
    pub child_id: i64,
    pub child_name: String,
    pub age: String,
    pub warnings: Vec<&'static str>,
    pub kept: Kept,
    pub refusal: Refusal,
    pub idempotency_key: String,
    pub kinds: Vec<Opt>,
    pub lives_with: Vec<Opt>,
    pub carer_states: Vec<Opt>,
    pub safety: Vec<Opt>,
    pub health: Vec<Opt>,
    pub schooling: Vec<Opt>,
    pub moods: Vec<Opt>,
    pub channels: Vec<Opt>,
    /// The report-or-reason rule refused the visit: offer to file the report.
    pub report_needed: bool,
    /// The report form, filled in from the visit.
    pub report_link: String,
    pub today: String,
}

const F: &str = "visit";

impl VisitForm {
    fn new(
        state: &AppState,
        user: &CurrentUser,
        child: &ChildRecord,
        kept: Kept,
        action: String,
        version: i64,
    ) -> VisitForm {
        let v = |name: &str| kept.val(F, name);
        let refusal = kept.refusal(|_, field| (field_label(field).to_string(), format!("f-{field}")));
        let report_needed = kept.errs.get("report_receipt").is_some();
        let mut report_link = url_with(
            "/reports/new",
            &[
                ("child_id", child.id.to_string()),
                (
                    "situation",
                    if v("lives_with") == LivesWith::Alone.code() { "living_alone" } else { "abandoned_unattended" }
                        .into(),
                ),
                ("description", report_description(&kept)),
            ],
        );
        if !report_needed {
            report_link.clear();
        }
        VisitForm {
            layout: Layout::new(format!("{} · {}", msg::VISIT_NEW, child.file.name), Some(user)),
            action,
            version,
            child_id: child.id,
            child_name: child.file.name.clone(),
            age: child.derived.age.map(|a| format!("{a}{}", msg::YEARS_SUFFIX)).unwrap_or_default(),
            warnings: child.derived.warnings.iter().map(|w| w.label()).collect(),
            idempotency_key: non_empty(Some(&v("idempotency_key"))).unwrap_or_else(auth::random_token),
            kinds: options(VisitKind::ALL, VisitKind::code, VisitKind::label, &v("kind")),
            lives_with: options(LivesWith::ALL, LivesWith::code, LivesWith::label, &v("lives_with")),
            carer_states: options(CarerState::ALL, CarerState::code, CarerState::label, &v("carer_state")),
            safety: options(VisitSafety::ALL, VisitSafety::code, VisitSafety::label, &v("safety")),
            health: options(VisitHealth::ALL, VisitHealth::code, VisitHealth::label, &v("health")),
            schooling: options(VisitSchooling::ALL, VisitSchooling::code, VisitSchooling::label, &v("schooling")),
            moods: options(VisitMood::ALL, VisitMood::code, VisitMood::label, &v("mood")),
            channels: options(
                ContactChannel::ALL,
                ContactChannel::code,
                ContactChannel::label,
                &v("parents_contact_channel"),
            ),
            report_needed,
            report_link,
            today: day(state.store.today()),
            kept,
            refusal,
        }
    }
}

/// A URL with its query, each value percent-encoded.
fn url_with(base: &str, pairs: &[(&str, String)]) -> String {
    let mut q = form_urlencoded::Serializer::new(String::new());
    for (k, v) in pairs {
        q.append_pair(k, v);
    }
    format!("{base}?{}", q.finish())
}

/// The report's description, written from what the visit found.
fn report_description(kept: &Kept) -> String {
    let label = |name: &str, parse: fn(&str) -> Option<&'static str>| parse(&kept.val(F, name)).unwrap_or("");
    let mut s = format!(
        "{}{}：{}；{}：{}",
        kept.val(F, "visited_on"),
        msg::VISIT_REPORT_FOUND,
        label("lives_with", |c| LivesWith::parse(c).map(LivesWith::label)),
        msg::VISIT_CARER_STATE,
        label("carer_state", |c| CarerState::parse(c).map(CarerState::label)),
    );
    if let Some(n) = non_empty(Some(&kept.val(F, "notes"))) {
        s.push('。');
        s.push_str(&n);
    }
    s
}

fn field_label(field: &str) -> &'static str {
    match field {
        "visited_on" => msg::VISIT_DATE,
        "kind" => msg::VISIT_KIND,
        "child_seen" => msg::VISIT_CHILD_SEEN,
        "lives_with" => msg::VISIT_LIVES_WITH,
        "lives_with_note" => msg::VISIT_LIVES_WITH_NOTE,
        "carer_state" => msg::VISIT_CARER_STATE,
        "safety" => msg::VISIT_SAFETY,
        "health" => msg::VISIT_HEALTH,
        "schooling" => msg::VISIT_SCHOOLING,
        "mood" => msg::VISIT_MOOD,
        "notes" => msg::VISIT_NOTES,
        "guidance" => msg::VISIT_GUIDANCE,
        "parents_last_contact_on" => msg::VISIT_PARENTS_CONTACT,
        "parents_contact_channel" => msg::VISIT_CONTACT_CHANNEL,
        "next_due_on" => msg::VISIT_NEXT_DUE,
        "report_receipt" => msg::VISIT_REPORT_RECEIPT,
        "no_report_reason" => msg::VISIT_NO_REPORT_REASON,
        "child_id" => msg::VISIT_CHILD,
        _ => "",
    }
}

/// Reads the form; what cannot be read is a field error.
fn read_visit(form: &FormPairs) -> Result<VisitInput, FieldErrors> {
    let mut errs = FieldErrors::default();
    let visited_on = date_field(form, "visited_on", true, &mut errs);
    let kind = pick(form, "kind", VisitKind::parse, &mut errs);
    let lives_with = pick(form, "lives_with", LivesWith::parse, &mut errs);
    let carer_state = pick(form, "carer_state", CarerState::parse, &mut errs);
    let safety = pick(form, "safety", VisitSafety::parse, &mut errs);
    let health = pick(form, "health", VisitHealth::parse, &mut errs);
    let schooling = pick(form, "schooling", VisitSchooling::parse, &mut errs);
    let mood = pick(form, "mood", VisitMood::parse, &mut errs);
    let parents_last_contact_on = date_field(form, "parents_last_contact_on", false, &mut errs);
    let next_due_on = date_field(form, "next_due_on", false, &mut errs);
    let channel = match form.get("parents_contact_channel").map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(c) => {
            let parsed = ContactChannel::parse(c);
            if parsed.is_none() {
                errs.add("parents_contact_channel", msg::UNKNOWN_OPTION);
            }
            parsed
        }
    };
    let text = |name: &str| non_empty(form.get(name));
    match (visited_on, kind, lives_with, carer_state, safety, health, schooling, mood) {
        (
            Some(visited_on),
            Some(kind),
            Some(lives_with),
            Some(carer_state),
            Some(safety),
            Some(health),
            Some(schooling),
            Some(mood),
        ) if errs.is_empty() => Ok(VisitInput {
            visited_on,
            kind,
            child_seen: form.get("child_seen").is_some(),
            lives_with,
            lives_with_note: text("lives_with_note"),
            carer_state,
            safety,
            health,
            schooling,
            mood,
            notes: text("notes"),
            guidance: text("guidance"),
            parents_last_contact_on,
            parents_contact_channel: channel,
            next_due_on,
            report_receipt: text("report_receipt"),
            no_report_reason: text("no_report_reason"),
        }),
        _ => Err(errs),
    }
}

/// The form's first values: today, at home, the child seen, all well.
fn fresh_pairs(today: &str) -> Vec<(String, String)> {
    [
        ("visited_on", today),
        ("kind", VisitKind::Home.code()),
        ("child_seen", "on"),
        ("lives_with", LivesWith::EntrustedCarer.code()),
        ("carer_state", CarerState::Capable.code()),
        ("safety", VisitSafety::Safe.code()),
        ("health", VisitHealth::Good.code()),
        ("schooling", VisitSchooling::Attending.code()),
        ("mood", VisitMood::Good.code()),
    ]
    .into_iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect()
}

/// The form's values from a visit (for its correction).
fn pairs_of(v: &VisitInput) -> Vec<(String, String)> {
    let mut p: Vec<(String, String)> = vec![
        ("visited_on".into(), day(v.visited_on)),
        ("kind".into(), v.kind.code().into()),
        ("lives_with".into(), v.lives_with.code().into()),
        ("carer_state".into(), v.carer_state.code().into()),
        ("safety".into(), v.safety.code().into()),
        ("health".into(), v.health.code().into()),
        ("schooling".into(), v.schooling.code().into()),
        ("mood".into(), v.mood.code().into()),
        ("parents_last_contact_on".into(), opt_day(v.parents_last_contact_on)),
        ("parents_contact_channel".into(), v.parents_contact_channel.map(|c| c.code()).unwrap_or("").into()),
        ("next_due_on".into(), opt_day(v.next_due_on)),
    ];
    if v.child_seen {
        p.push(("child_seen".into(), "on".into()));
    }
    for (k, t) in [
        ("lives_with_note", &v.lives_with_note),
        ("notes", &v.notes),
        ("guidance", &v.guidance),
        ("report_receipt", &v.report_receipt),
        ("no_report_reason", &v.no_report_reason),
    ] {
        p.push((k.into(), t.clone().unwrap_or_default()));
    }
    p
}

async fn child_of(state: &AppState, user: &CurrentUser, id: i64) -> Result<ChildRecord, PageError> {
    let p = user.principal.clone();
    Ok(state.run(move |s| s.view_child(&p, id)).await?)
}

async fn new_form(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    user.require(rules::may_record_visit)?;
    let child = child_of(&state, &user, id).await?;
    let kept = Kept::with_pairs(F, fresh_pairs(&day(state.store.today())));
    Ok(render(&VisitForm::new(&state, &user, &child, kept, format!("/children/{id}/visits"), 0)))
}

async fn create(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(rules::may_record_visit)?;
    let result = match read_visit(&form) {
        Ok(v) => {
            let (p, key) = (user.principal.clone(), form.get("idempotency_key").map(str::to_string));
            state.run(move |s| s.record_visit(&p, id, v, key.as_deref())).await.map(|_| ())
        }
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(()) => Ok(Redirect::to("/visits?saved=1").into_response()),
        Err(e) => {
            let (kept, status) = Kept::new(F, form).refused(e, msg::VISIT_STALE)?;
            let child = child_of(&state, &user, id).await?;
            form::refused_page(
                &VisitForm::new(&state, &user, &child, kept, format!("/children/{id}/visits"), 0),
                status,
            )
        }
    }
}

async fn load_visit(state: &AppState, user: &CurrentUser, id: i64) -> Result<Vec<VisitRecord>, PageError> {
    let p = user.principal.clone();
    Ok(state.run(move |s| s.visit_versions(&p, id)).await?)
}

async fn edit_form(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    user.require(rules::may_record_visit)?;
    let versions = load_visit(&state, &user, id).await?;
    let current = versions.first().ok_or(PageError(AppError::NotFound))?;
    let child = child_of(&state, &user, current.child_id).await?;
    let kept = Kept::with_pairs(F, pairs_of(&current.visit));
    let mut page = VisitForm::new(&state, &user, &child, kept, format!("/visits/{id}/edit"), current.version);
    page.layout.title = format!("{} · {}", msg::VISIT_CORRECT, child.file.name);
    Ok(render(&page))
}

async fn correct(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(rules::may_record_visit)?;
    let version = form::version(&form);
    let result = match read_visit(&form) {
        Ok(v) => {
            let p = user.principal.clone();
            state.run(move |s| s.correct_visit(&p, id, version, v)).await.map(|_| ())
        }
        Err(errs) => Err(AppError::Invalid(errs)),
    };
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/visits/{id}?saved=1")).into_response()),
        Err(e) => {
            let (kept, status) = Kept::new(F, form).refused(e, msg::VISIT_STALE)?;
            let versions = load_visit(&state, &user, id).await?;
            let child_id = versions.first().map(|v| v.child_id).ok_or(PageError(AppError::NotFound))?;
            let child = child_of(&state, &user, child_id).await?;
            let mut page = VisitForm::new(&state, &user, &child, kept, format!("/visits/{id}/edit"), version);
            page.layout.title = format!("{} · {}", msg::VISIT_CORRECT, child.file.name);
            form::refused_page(&page, status)
        }
    }
}

/// A visit as its pages show it.
pub struct VisitView {
    pub id: i64,
    pub version: i64,
    pub latest: bool,
    pub child_id: i64,
    pub child_name: String,
    pub village: String,
    pub visited_on: String,
    pub kind: &'static str,
    pub child_seen: bool,
    pub lives_with: &'static str,
    pub lives_with_note: String,
    pub carer_state: &'static str,
    pub findings: Vec<(&'static str, &'static str)>,
    pub notes: String,
    pub guidance: String,
    pub parents_contact: String,
    pub next_due_on: String,
    pub report_receipt: String,
    pub no_report_reason: String,
    pub recorded: String,
    pub review_code: &'static str,
    pub review: &'static str,
    pub review_by: String,
    pub review_reason: String,
    /// The name of its review form on the supervisor's page.
    pub review_form: String,
}

impl VisitView {
    pub fn of(r: &VisitRecord) -> VisitView {
        let v = &r.visit;
        VisitView {
            id: r.id,
            version: r.version,
            latest: r.latest,
            child_id: r.child_id,
            child_name: r.child_name.clone(),
            village: r.village_name.clone(),
            visited_on: day(v.visited_on),
            kind: v.kind.label(),
            child_seen: v.child_seen,
            lives_with: v.lives_with.label(),
            lives_with_note: v.lives_with_note.clone().unwrap_or_default(),
            carer_state: v.carer_state.label(),
            findings: vec![
                (msg::VISIT_SAFETY, v.safety.label()),
                (msg::VISIT_HEALTH, v.health.label()),
                (msg::VISIT_SCHOOLING, v.schooling.label()),
                (msg::VISIT_MOOD, v.mood.label()),
            ],
            notes: v.notes.clone().unwrap_or_default(),
            guidance: v.guidance.clone().unwrap_or_default(),
            parents_contact: match (v.parents_last_contact_on, v.parents_contact_channel) {
                (Some(d), Some(c)) => format!("{}（{}）", day(d), c.label()),
                (Some(d), None) => day(d),
                _ => String::new(),
            },
            next_due_on: opt_day(v.next_due_on),
            report_receipt: v.report_receipt.clone().unwrap_or_default(),
            no_report_reason: v.no_report_reason.clone().unwrap_or_default(),
            recorded: format!("{} {}", r.recorded_by, china_time(r.recorded_at)),
            review_code: r.review.state.code(),
            review: r.review.state.label(),
            review_by: match (&r.review.by, r.review.at) {
                (Some(b), Some(at)) => format!("{b} {}", china_time(at)),
                _ => String::new(),
            },
            review_reason: r.review.reason.clone().unwrap_or_default(),
            review_form: format!("review-{}", r.id),
        }
    }
}

#[derive(Template)]
#[template(path = "visits/visit.html")]
pub struct VisitPage {
    pub layout: Layout,
    pub versions: Vec<VisitView>,
    pub can_correct: bool,
    pub can_review: bool,
    pub saved: bool,
}

async fn visit_page(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<Saved>,
) -> PageResult {
    let versions = load_visit(&state, &user, id).await?;
    let views: Vec<VisitView> = versions.iter().map(VisitView::of).collect();
    let current = versions.first().ok_or(PageError(AppError::NotFound))?;
    Ok(render(&VisitPage {
        layout: Layout::new(format!("{} · {}", msg::VISIT, current.child_name), Some(&user)),
        can_correct: rules::may_record_visit(user.principal.role),
        can_review: rules::may_review_visits(user.principal.role) && current.review.state == ReviewState::Submitted,
        versions: views,
        saved: q.saved.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "visits/supervision.html")]
pub struct SupervisionPage {
    pub layout: Layout,
    pub to_review: Vec<VisitView>,
    pub sup: Supervision,
    pub kept: Kept,
    pub saved: bool,
}

impl SupervisionPage {
    pub fn share(c: &shouhu_store::visits::VillageCoverage) -> String {
        format!("{:.0}%", c.share * 100.0)
    }

    pub fn day(d: &chrono::NaiveDate) -> String {
        day(*d)
    }
}

async fn supervision_page(
    state: &AppState,
    user: &CurrentUser,
    kept: Kept,
    saved: bool,
) -> Result<SupervisionPage, PageError> {
    let p = user.principal.clone();
    let (to_review, sup) = state
        .run(move |s| {
            let queue = if rules::may_review_visits(p.role) { s.visits_to_review(&p)? } else { Vec::new() };
            Ok((queue, s.supervision(&p)?))
        })
        .await?;
    Ok(SupervisionPage {
        layout: Layout::new(msg::SUPERVISION, Some(user)),
        to_review: to_review.iter().map(VisitView::of).collect(),
        sup,
        kept,
        saved,
    })
}

async fn supervision(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<Saved>,
) -> PageResult {
    Ok(render(&supervision_page(&state, &user, Kept::default(), q.saved.is_some()).await?))
}

async fn review(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(rules::may_review_visits)?;
    let version = form::version(&form);
    let accept = form.get("decision") == Some("accept");
    let reason = form.get("reason").map(str::to_string);
    let p = user.principal.clone();
    match state.run(move |s| s.review_visit(&p, id, version, accept, reason)).await {
        Ok(_) => Ok(Redirect::to("/supervision?saved=1").into_response()),
        Err(e) => {
            let (mut kept, status) = Kept::new(format!("review-{id}"), form).refused(e, msg::VISIT_STALE)?;
            if kept.banner.is_empty() {
                kept.banner = msg::FORM_HAS_ERRORS.to_string();
            }
            let page = supervision_page(&state, &user, kept, false).await?;
            form::refused_page(&page, if status == StatusCode::OK { StatusCode::UNPROCESSABLE_ENTITY } else { status })
        }
    }
}
