//! 工作台 and 待办 (issue 19): every role's home page, with what is theirs to do (due today,
//! overdue, new, per kind and, for the district and the city, per township or district) and
//! the warnings of their scope; and the to-do list those counts link to.
//!
//! The counts are also served alone at `/home/tasks`, an HTML fragment a script may fetch
//! again to refresh the home page without reloading it (`data-live-tasks`).

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::api::tasks::{LIST_MAX, TaskQuery};
use crate::auth::CurrentUser;
use crate::body::QueryParams;
use crate::error::AppError;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use shouhu_domain::child::Warning;
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_domain::task::{self as rules, TaskState};
use shouhu_store::tasks::{TaskCounts, TaskFilter};

pub fn router() -> Router<AppState> {
    Router::new().route("/home", get(home)).route("/home/tasks", get(fragment)).route("/tasks", get(list))
}

/// The warnings the home page shows (issue 19): a child living alone, one left unattended,
/// entrusted care without its paperwork; and a child with no guardian at all.
const HOME_WARNINGS: [Warning; 4] =
    [Warning::Under16LivingAlone, Warning::Under8Unattended, Warning::NoGuardian, Warning::EntrustedCareIncomplete];

pub struct KindRow {
    pub code: &'static str,
    pub label: &'static str,
    pub open: i64,
    pub overdue: i64,
}

pub struct RegionRow {
    pub code: String,
    pub name: String,
    pub open: i64,
    pub overdue: i64,
    pub today: i64,
    pub new: i64,
}

pub struct WarningRow {
    pub code: &'static str,
    pub label: &'static str,
    pub count: i64,
}

#[derive(Template)]
#[template(path = "home/tasks.html")]
pub struct TasksFragment {
    pub counts: TaskCounts,
    /// The kinds with an open task.
    pub kinds: Vec<KindRow>,
    pub regions: Vec<RegionRow>,
    pub regions_title: &'static str,
}

#[derive(Template)]
#[template(path = "home/home.html")]
pub struct HomeView {
    pub layout: Layout,
    pub counts: TaskCounts,
    pub kinds: Vec<KindRow>,
    pub regions: Vec<RegionRow>,
    pub regions_title: &'static str,
    pub warnings: Vec<WarningRow>,
    /// When a district's or the city's warnings were counted (decision 187); none when live.
    pub warnings_as_of: Option<String>,
    /// Takes part in census rounds (issue 20): a link to them.
    pub sees_rounds: bool,
}

async fn fragment_of(state: &AppState, user: &CurrentUser) -> Result<TasksFragment, AppError> {
    let p = user.principal.clone();
    let counts = state.run(move |s| s.task_counts(&p)).await?;
    let kinds = counts
        .kinds
        .iter()
        .filter(|k| k.counts.open > 0)
        .map(|k| KindRow { code: k.kind.code(), label: k.label, open: k.counts.open, overdue: k.counts.overdue })
        .collect();
    let regions = counts
        .regions
        .iter()
        .map(|r| RegionRow {
            code: r.code.clone(),
            name: r.name.clone(),
            open: r.counts.open,
            overdue: r.counts.overdue,
            today: r.counts.today,
            new: r.counts.new,
        })
        .collect();
    let regions_title = match rules::counted_per(user.principal.role) {
        Some(Level::District) => msg::TASKS_PER_DISTRICT,
        _ => msg::TASKS_PER_TOWNSHIP,
    };
    Ok(TasksFragment { counts, kinds, regions, regions_title })
}

async fn home(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    if user.principal.role.is_admin() {
        return Ok(axum::response::IntoResponse::into_response(axum::response::Redirect::to(super::home(
            user.principal.role,
        ))));
    }
    let f = fragment_of(&state, &user).await?;
    // The badge from the counts the page shows, not counted a second time.
    let mut user = user;
    user.open_tasks = Some(f.counts.total.open);
    let p = user.principal.clone();
    let (warnings, as_of) = state.run(move |s| s.overview_warning_counts(&p, &HOME_WARNINGS)).await?;
    let warnings =
        warnings.into_iter().map(|(w, count)| WarningRow { code: w.code(), label: w.label(), count }).collect();
    let warnings_as_of =
        as_of.map(|at| msg::overview_as_of(&(at + chrono::Duration::hours(8)).format("%H:%M").to_string()));
    Ok(render(&HomeView {
        layout: Layout::new(msg::HOME, Some(&user)),
        counts: f.counts,
        kinds: f.kinds,
        regions: f.regions,
        regions_title: f.regions_title,
        warnings,
        warnings_as_of,
        sees_rounds: super::census_rounds::sees_rounds(&user),
    }))
}

/// The home page's task counts alone, for a script to swap in (`data-live-tasks`).
async fn fragment(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    Ok(render(&fragment_of(&state, &user).await?))
}

pub struct TaskRow {
    pub kind: &'static str,
    pub record_id: i64,
    pub label: &'static str,
    pub about: String,
    pub village: String,
    pub since: String,
    pub due: String,
    pub overdue: bool,
    pub due_today: bool,
    pub new: bool,
    pub link: String,
}

pub struct Filter {
    pub id: String,
    pub label: String,
    pub href: String,
    pub selected: bool,
}

#[derive(Template)]
#[template(path = "home/list.html")]
pub struct ListView {
    pub layout: Layout,
    pub filters: Vec<Filter>,
    pub kind_label: String,
    pub rows: Vec<TaskRow>,
    pub more: bool,
}

/// 待办: the caller's open tasks, filtered by kind and state. Opening it marks what is on it
/// as seen: it is "new" no more (decision 142).
async fn list(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<TaskQuery>) -> PageResult {
    let filter: TaskFilter = q.filter().map_err(AppError::Invalid)?;
    let p = user.principal.clone();
    let rows = state
        .run(move |s| {
            let rows = s.tasks(&p, filter, LIST_MAX + 1)?;
            s.mark_tasks_seen(&p)?;
            Ok(rows)
        })
        .await?;
    let more = rows.len() > LIST_MAX;
    let kind_q = filter.kind.map(|k| format!("kind={}&", k.code())).unwrap_or_default();
    let mut filters = vec![Filter {
        id: "all".into(),
        label: msg::TASKS_ALL.into(),
        href: format!("/tasks?{}", kind_q.trim_end_matches('&')),
        selected: filter.state.is_none(),
    }];
    for s in TaskState::ALL {
        filters.push(Filter {
            id: s.code().into(),
            label: s.label().into(),
            href: format!("/tasks?{kind_q}state={}", s.code()),
            selected: filter.state == Some(*s),
        });
    }
    let time = |t: chrono::DateTime<chrono::Utc>| super::view::china_time(t);
    let rows = rows
        .into_iter()
        .take(LIST_MAX)
        .map(|t| TaskRow {
            kind: t.kind.code(),
            record_id: t.record_id,
            label: t.label,
            about: t.about,
            village: t.village_name.unwrap_or_default(),
            since: time(t.since),
            due: t.due.map_or_else(|| msg::TASKS_NO_DEADLINE.to_string(), time),
            overdue: t.overdue,
            due_today: t.due_today,
            new: t.new,
            link: t.link,
        })
        .collect();
    Ok(render(&ListView {
        layout: Layout::new(msg::TASKS, Some(&user)),
        filters,
        kind_label: filter.kind.map(|k| k.label().to_string()).unwrap_or_default(),
        rows,
        more,
    }))
}
