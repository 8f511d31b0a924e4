//! Oversight pages (issue 20): the register of overdue work (问责台账) drilled down from the
//! district to the unit to the item, measures and commendations, the joint meeting (联席会议)
//! and its tasks' progress.

use super::form::{Kept, Refusal, with_status};
use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shouhu_domain::clock::china_time;
use shouhu_domain::msg;
use shouhu_domain::oversight::{self as rules, CommendationKind, MeasureKind, MeetingTaskStatus};
use shouhu_store::oversight::{
    Commendation, CommendationInput, DecisionInput, MeasureInput, Meeting, MeetingInput, MeetingSummary, MeetingTask,
    MeetingTaskDetail, Person, ProgressInput, Register, TaskInput, UnitDetail,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/accountability", get(register))
        .route("/accountability/units/{key}", get(unit))
        .route("/accountability/units/{key}/measures", post(record_measure))
        .route("/commendations", get(commendations).post(record_commendation))
        .route("/meetings", get(meetings).post(record_meeting))
        .route("/meetings/new", get(new_meeting))
        .route("/meetings/{id}", get(meeting))
        .route("/meeting-tasks/{id}", get(task))
        .route("/meeting-tasks/{id}/progress", post(progress))
}

/// A moment as the pages show it (China time), or a dash.
pub fn when(t: impl Moment) -> String {
    t.moment().map_or_else(|| "—".to_string(), china_time)
}

/// What `when` shows: a moment or none, however the template holds it.
pub trait Moment {
    fn moment(&self) -> Option<DateTime<Utc>>;
}

impl Moment for DateTime<Utc> {
    fn moment(&self) -> Option<DateTime<Utc>> {
        Some(*self)
    }
}

impl<T: Moment> Moment for Option<T> {
    fn moment(&self) -> Option<DateTime<Utc>> {
        self.as_ref().and_then(Moment::moment)
    }
}

impl<T: Moment> Moment for &T {
    fn moment(&self) -> Option<DateTime<Utc>> {
        (*self).moment()
    }
}

/// A trend as the pages show it: the weeks' counts, newest first.
pub fn trend(t: impl std::borrow::Borrow<Vec<i64>>) -> String {
    t.borrow().iter().map(i64::to_string).collect::<Vec<_>>().join(" · ")
}

fn label(_form: &str, field: &str) -> (String, String) {
    let name = field.rsplit('.').next().unwrap_or(field);
    let l = match name {
        "kind" => msg::OVERSIGHT_MEASURE_KIND,
        "reference" => msg::OVERSIGHT_REFERENCE,
        "on" => msg::OVERSIGHT_ON,
        "basis" => msg::OVERSIGHT_BASIS,
        "unit_key" => msg::OVERSIGHT_UNIT,
        "corrects" => msg::OVERSIGHT_CORRECTS,
        "reporter_org_id" => msg::OVERSIGHT_REPORTER_ORG,
        "reporter_name" => msg::OVERSIGHT_REPORTER_NAME,
        "report_id" => msg::OVERSIGHT_REPORT_ID,
        "held_on" => msg::MEETING_HELD_ON,
        "title" if field.contains("tasks") => msg::MEETING_TASK,
        "title" => msg::MEETING_NAME,
        "attendee_org_ids" => msg::MEETING_ATTENDEES,
        "decisions" | "text" => msg::MEETING_DECISION,
        "tasks" => msg::MEETING_TASK,
        "org_id" => msg::MEETING_TASK_UNIT,
        "owner_user_id" => msg::MEETING_TASK_OWNER,
        "due_on" => msg::MEETING_TASK_DUE,
        "note" => msg::MEETING_TASK_PROGRESS,
        "status" => msg::MEETING_TASK_STATUS,
        _ if field.starts_with("items") => msg::OVERSIGHT_ITEMS_REF,
        _ => msg::FORM_HAS_ERRORS,
    };
    (l.to_string(), format!("f-{}", field.replace('.', "-")))
}

/// Every value sent under `name` (a multi-select).
fn all<'a>(pairs: &'a FormPairs, name: &str) -> Vec<&'a str> {
    pairs.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect()
}

// ---- The register ----

#[derive(Deserialize, Default)]
struct RegisterQuery {
    #[serde(default)]
    district: Option<String>,
}

#[derive(Template)]
#[template(path = "oversight/register.html")]
pub struct RegisterPage {
    pub layout: Layout,
    pub reg: Register,
    pub trend_title: String,
    pub is_city: bool,
}

async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<RegisterQuery>,
) -> PageResult {
    user.require(rules::may_read_register)?;
    let p = user.principal.clone();
    let reg = state.run(move |s| s.accountability_register(&p, q.district.as_deref())).await?;
    Ok(render(&RegisterPage {
        layout: Layout::new(msg::ACCOUNTABILITY_TITLE, Some(&user)),
        trend_title: msg::oversight_trend_weeks(reg.weeks.len() as i64),
        reg,
        is_city: rules::may_record_measure(user.principal.role),
    }))
}

// ---- A unit ----

#[derive(Template)]
#[template(path = "oversight/unit.html")]
pub struct UnitPage {
    pub layout: Layout,
    pub u: UnitDetail,
    pub may_record: bool,
    pub saved: bool,
    pub refusal: Refusal,
    pub kept: Kept,
    pub kinds: Vec<(&'static str, &'static str)>,
}

#[derive(Deserialize, Default)]
struct SavedQuery {
    #[serde(default)]
    saved: Option<String>,
}

impl UnitPage {
    /// Whether `value` was chosen in the refused measure form's `name`.
    pub fn sel(&self, name: &str, value: impl AsRef<str>) -> bool {
        self.kept.val("measure", name) == value.as_ref()
    }

    pub fn item_checked(&self, kind: &str, id: impl std::fmt::Display) -> bool {
        let v = format!("{kind}:{}", id);
        self.kept.vals("measure", "items").contains(&v)
    }
}

async fn unit_page(state: &AppState, user: &CurrentUser, key: String, saved: bool, kept: Kept) -> PageResult {
    user.require(rules::may_read_register)?;
    let p = user.principal.clone();
    let u = state.run(move |s| s.accountability_unit(&p, &key)).await?;
    Ok(render(&UnitPage {
        layout: Layout::new(format!("{} · {}", msg::ACCOUNTABILITY_NAV, u.name), Some(user)),
        u,
        may_record: rules::may_record_measure(user.principal.role),
        saved,
        refusal: kept.refusal(label),
        kept,
        kinds: MeasureKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
    }))
}

async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    QueryParams(q): QueryParams<SavedQuery>,
) -> PageResult {
    unit_page(&state, &user, key, q.saved.is_some(), Kept::default()).await
}

async fn record_measure(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
    pairs: FormPairs,
) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let input = MeasureInput {
        unit_key: key.clone(),
        kind: pairs.get("kind").unwrap_or("").to_string(),
        reference: pairs.get("reference").map(str::to_string),
        on: pairs.get("on").map(str::to_string),
        basis: pairs.get("basis").unwrap_or("").to_string(),
        items: all(&pairs, "items").into_iter().map(str::to_string).collect(),
        corrects: pairs.get("corrects").and_then(|c| c.trim().parse().ok()),
    };
    let p = user.principal.clone();
    match state.run(move |s| s.record_measure(&p, &input)).await {
        Ok(_) => Ok(Redirect::to(&format!("/accountability/units/{key}?saved=1")).into_response()),
        Err(e) => {
            let (kept, status) = Kept::new("measure", pairs).refused(e, msg::STALE_VERSION)?;
            Ok(with_status(unit_page(&state, &user, key, false, kept).await?, status))
        }
    }
}

// ---- Commendations ----

#[derive(Template)]
#[template(path = "oversight/commendations.html")]
pub struct CommendationsPage {
    pub layout: Layout,
    pub list: Vec<Commendation>,
    pub may_record: bool,
    pub saved: bool,
    pub refusal: Refusal,
    pub kept: Kept,
    pub kinds: Vec<(&'static str, &'static str)>,
    pub orgs: Vec<(i64, String)>,
}

impl CommendationsPage {
    pub fn sel(&self, name: &str, value: impl AsRef<str>) -> bool {
        self.kept.val("commend", name) == value.as_ref()
    }
}

async fn commendations_page(state: &AppState, user: &CurrentUser, saved: bool, kept: Kept) -> PageResult {
    user.require(rules::may_read_register)?;
    let p = user.principal.clone();
    let may_record = rules::may_record_commendation(p.role);
    let (list, orgs) = state
        .run(move |s| {
            let list = s.commendations_of(&p, None)?;
            let orgs = if may_record { s.list_orgs()? } else { Vec::new() };
            Ok::<_, shouhu_store::StoreError>((list, orgs))
        })
        .await?;
    Ok(render(&CommendationsPage {
        layout: Layout::new(msg::OVERSIGHT_COMMENDATIONS, Some(user)),
        list,
        may_record,
        saved,
        refusal: kept.refusal(label),
        kept,
        kinds: CommendationKind::ALL.iter().map(|k| (k.code(), k.label())).collect(),
        orgs: orgs.into_iter().map(|o| (o.id, o.name)).collect(),
    }))
}

async fn commendations(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<SavedQuery>,
) -> PageResult {
    commendations_page(&state, &user, q.saved.is_some(), Kept::default()).await
}

async fn record_commendation(State(state): State<AppState>, user: CurrentUser, pairs: FormPairs) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let input = CommendationInput {
        kind: pairs.get("kind").unwrap_or("").to_string(),
        reporter_org_id: pairs.get("reporter_org_id").and_then(|v| v.trim().parse().ok()),
        reporter_name: pairs.get("reporter_name").map(str::to_string),
        report_id: pairs.get("report_id").and_then(|v| v.trim().parse().ok()),
        on: pairs.get("on").map(str::to_string),
        basis: pairs.get("basis").unwrap_or("").to_string(),
        corrects: pairs.get("corrects").and_then(|v| v.trim().parse().ok()),
    };
    let p = user.principal.clone();
    match state.run(move |s| s.record_commendation(&p, &input)).await {
        Ok(_) => Ok(Redirect::to("/commendations?saved=1").into_response()),
        Err(e) => {
            let (kept, status) = Kept::new("commend", pairs).refused(e, msg::STALE_VERSION)?;
            Ok(with_status(commendations_page(&state, &user, false, kept).await?, status))
        }
    }
}

// ---- The joint meeting ----

/// Decisions and tasks per decision on the meeting form (more are added by a second form).
pub const FORM_DECISIONS: usize = 2;
pub const FORM_TASKS: usize = 3;

#[derive(Template)]
#[template(path = "oversight/meetings.html")]
pub struct MeetingsPage {
    pub layout: Layout,
    pub list: Vec<MeetingSummary>,
    pub overdue: Vec<MeetingTask>,
    pub saved: bool,
}

async fn meetings(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<SavedQuery>,
) -> PageResult {
    user.require(rules::may_record_meeting)?;
    let p = user.principal.clone();
    let (list, overdue) =
        state.run(move |s| Ok::<_, shouhu_store::StoreError>((s.meetings(&p)?, s.overdue_meeting_tasks(&p)?))).await?;
    Ok(render(&MeetingsPage {
        layout: Layout::new(msg::MEETINGS_TITLE, Some(&user)),
        list,
        overdue,
        saved: q.saved.is_some(),
    }))
}

#[derive(Template)]
#[template(path = "oversight/meeting_form.html")]
pub struct MeetingForm {
    pub layout: Layout,
    pub refusal: Refusal,
    pub kept: Kept,
    pub orgs: Vec<(i64, String)>,
    pub people: Vec<Person>,
    pub decisions: Vec<usize>,
    pub tasks: Vec<usize>,
}

impl MeetingForm {
    /// Whether `id` was chosen in the multi-select `name`.
    pub fn chosen(&self, name: &str, id: impl std::fmt::Display) -> bool {
        self.kept.vals("meeting", name).iter().any(|v| v == &id.to_string())
    }

    /// What was typed into `name` (a field of decision `d`'s task `t` when given).
    pub fn v(&self, name: &str) -> String {
        self.kept.val("meeting", name)
    }

    pub fn e(&self, name: &str) -> String {
        self.kept.err("meeting", name)
    }

    pub fn dv(&self, d: impl std::fmt::Display, name: &str) -> String {
        self.v(&format!("decisions.{}.{name}", d))
    }

    pub fn de(&self, d: impl std::fmt::Display, name: &str) -> String {
        self.e(&format!("decisions.{}.{name}", d))
    }

    pub fn tv(&self, d: impl std::fmt::Display, t: impl std::fmt::Display, name: &str) -> String {
        self.v(&format!("decisions.{}.tasks.{}.{name}", d, t))
    }

    pub fn te(&self, d: impl std::fmt::Display, t: impl std::fmt::Display, name: &str) -> String {
        self.e(&format!("decisions.{}.tasks.{}.{name}", d, t))
    }

    pub fn tsel(
        &self,
        d: impl std::fmt::Display,
        t: impl std::fmt::Display,
        name: &str,
        id: impl std::fmt::Display,
    ) -> bool {
        self.tv(d, t, name) == id.to_string()
    }
}

async fn meeting_form(state: &AppState, user: &CurrentUser, kept: Kept) -> PageResult {
    user.require(rules::may_record_meeting)?;
    let p = user.principal.clone();
    let (orgs, people) =
        state.run(move |s| Ok::<_, shouhu_store::StoreError>((s.list_orgs()?, s.meeting_people(&p)?))).await?;
    Ok(render(&MeetingForm {
        layout: Layout::new(msg::MEETING_NEW, Some(user)),
        refusal: kept.refusal(label),
        kept,
        orgs: orgs.into_iter().map(|o| (o.id, o.name)).collect(),
        people,
        decisions: (0..FORM_DECISIONS).collect(),
        tasks: (0..FORM_TASKS).collect(),
    }))
}

async fn new_meeting(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    meeting_form(&state, &user, Kept::default()).await
}

/// Which form row each decision and task came from: (decision row, its task rows).
type Rows = Vec<(usize, Vec<usize>)>;

/// The form's rows into the meeting: a decision row left wholly empty is no decision, a
/// task row left wholly empty no task.
fn meeting_input(pairs: &FormPairs) -> (MeetingInput, Rows) {
    let get = |k: String| pairs.get(&k).unwrap_or("").trim().to_string();
    let mut decisions = Vec::new();
    let mut rows = Vec::new();
    for d in 0..FORM_DECISIONS {
        let mut tasks = Vec::new();
        let mut task_rows = Vec::new();
        for t in 0..FORM_TASKS {
            let f = |n: &str| get(format!("decisions.{d}.tasks.{t}.{n}"));
            let (org, owner, title, due) = (f("org_id"), f("owner_user_id"), f("title"), f("due_on"));
            if org.is_empty() && owner.is_empty() && title.is_empty() && due.is_empty() {
                continue;
            }
            tasks.push(TaskInput {
                org_id: org.parse().ok(),
                owner_user_id: owner.parse().ok(),
                title,
                due_on: Some(due).filter(|d| !d.is_empty()),
            });
            task_rows.push(t);
        }
        let text = get(format!("decisions.{d}.text"));
        if text.is_empty() && tasks.is_empty() {
            continue;
        }
        decisions.push(DecisionInput { text, tasks });
        rows.push((d, task_rows));
    }
    let input = MeetingInput {
        held_on: pairs.get("held_on").map(str::to_string),
        title: get("title".to_string()),
        attendee_org_ids: all(pairs, "attendee_org_ids").into_iter().filter_map(|v| v.trim().parse().ok()).collect(),
        decisions,
    };
    (input, rows)
}

/// An error's field named by the meeting's decisions and tasks, named by the form's rows.
fn form_field(field: &str, rows: &Rows) -> String {
    let parts: Vec<&str> = field.split('.').collect();
    let idx = |s: &str| s.parse::<usize>().ok();
    match parts.as_slice() {
        ["decisions", i, "tasks", j, rest @ ..] => match (idx(i).and_then(|i| rows.get(i)), idx(j)) {
            (Some((d, ts)), Some(j)) => {
                let t = ts.get(j).copied().unwrap_or(j);
                let mut out = format!("decisions.{d}.tasks.{t}");
                for r in rest {
                    out.push('.');
                    out.push_str(r);
                }
                out
            }
            _ => field.to_string(),
        },
        ["decisions", i, rest @ ..] => match idx(i).and_then(|i| rows.get(i)) {
            Some((d, _)) => {
                let mut out = format!("decisions.{d}");
                for r in rest {
                    out.push('.');
                    out.push_str(r);
                }
                out
            }
            None => field.to_string(),
        },
        _ => field.to_string(),
    }
}

async fn record_meeting(State(state): State<AppState>, user: CurrentUser, pairs: FormPairs) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let (input, rows) = meeting_input(&pairs);
    let p = user.principal.clone();
    match state.run(move |s| s.record_meeting(&p, &input)).await {
        Ok(id) => Ok(Redirect::to(&format!("/meetings/{id}?saved=1")).into_response()),
        Err(e) => {
            let e = match e {
                AppError::Invalid(mut f) => {
                    for err in &mut f.0 {
                        err.field = form_field(&err.field, &rows);
                    }
                    AppError::Invalid(f)
                }
                other => other,
            };
            let (kept, status) = Kept::new("meeting", pairs).refused(e, msg::STALE_VERSION)?;
            Ok(with_status(meeting_form(&state, &user, kept).await?, status))
        }
    }
}

#[derive(Template)]
#[template(path = "oversight/meeting.html")]
pub struct MeetingPage {
    pub layout: Layout,
    pub m: Meeting,
    pub saved: bool,
}

async fn meeting(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<SavedQuery>,
) -> PageResult {
    let p = user.principal.clone();
    let m = state.run(move |s| s.meeting(&p, id)).await?;
    Ok(render(&MeetingPage { layout: Layout::new(m.title.clone(), Some(&user)), m, saved: q.saved.is_some() }))
}

#[derive(Template)]
#[template(path = "oversight/task.html")]
pub struct TaskPage {
    pub layout: Layout,
    pub t: MeetingTaskDetail,
    pub saved: bool,
    pub refusal: Refusal,
    pub kept: Kept,
    pub statuses: Vec<(&'static str, &'static str)>,
}

impl TaskPage {
    /// Whether `code` was the status chosen in the refused form.
    pub fn sel_status(&self, code: &str) -> bool {
        self.kept.val("progress", "status") == code
    }

    /// Whether the task still takes progress reports.
    pub fn open(&self) -> bool {
        self.t.task.status == MeetingTaskStatus::InProgress
    }
}

async fn task_page(state: &AppState, user: &CurrentUser, id: i64, saved: bool, kept: Kept) -> PageResult {
    let p = user.principal.clone();
    let t = state.run(move |s| s.meeting_task(&p, id)).await?;
    Ok(render(&TaskPage {
        layout: Layout::new(format!("{} · {}", msg::MEETING_TASK, t.task.title), Some(user)),
        t,
        saved,
        refusal: kept.refusal(label),
        kept,
        statuses: MeetingTaskStatus::ALL.iter().map(|k| (k.code(), k.label())).collect(),
    }))
}

async fn task(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<SavedQuery>,
) -> PageResult {
    task_page(&state, &user, id, q.saved.is_some(), Kept::default()).await
}

async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    pairs: FormPairs,
) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let input = ProgressInput {
        note: pairs.get("note").unwrap_or("").to_string(),
        status: pairs.get("status").unwrap_or("").to_string(),
    };
    let p = user.principal.clone();
    match state.run(move |s| s.update_meeting_task(&p, id, &input)).await {
        Ok(()) => Ok(Redirect::to(&format!("/meeting-tasks/{id}?saved=1")).into_response()),
        Err(e) => {
            let (kept, status) = Kept::new("progress", pairs).refused(e, msg::STALE_VERSION)?;
            Ok(with_status(task_page(&state, &user, id, false, kept).await?, status))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn errors_name_the_rows_of_the_form() {
        // The second decision row was left empty; the first's second task row too.
        let rows: Rows = vec![(0, vec![0, 2]), (1, vec![1])];
        assert_eq!(form_field("decisions.0.tasks.1.owner_user_id", &rows), "decisions.0.tasks.2.owner_user_id");
        assert_eq!(form_field("decisions.1.tasks.0.title", &rows), "decisions.1.tasks.1.title");
        assert_eq!(form_field("decisions.1.text", &rows), "decisions.1.text");
        assert_eq!(form_field("held_on", &rows), "held_on");
    }
}
