//! The to-do list (待办, issue 19): the caller's open tasks and their counts.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::QueryParams;
use crate::error::{ApiErrorBody, ApiResult, AppError};
use axum::Json;
use axum::extract::State;
use serde::Deserialize;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::task::{TaskKind, TaskState};
use shouhu_store::tasks::{TaskCounts, TaskFilter, TaskLine};
use utoipa::IntoParams;

/// The longest list answered at once.
pub const LIST_MAX: usize = 200;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct TaskQuery {
    /// One kind only (`report_to_accept`, `assessment_due`, … see `TaskKind`).
    pub kind: Option<String>,
    /// `overdue`, `today` (due before the day ends, China time) or `new` (begun since the
    /// to-do page was last opened).
    pub state: Option<String>,
}

impl TaskQuery {
    /// The filter, or which parameter is wrong.
    pub fn filter(&self) -> Result<TaskFilter, FieldErrors> {
        let mut errs = FieldErrors::default();
        let mut parse = |field: &str, v: &Option<String>, codes: Vec<&'static str>| -> Option<String> {
            match v.as_deref().map(str::trim).filter(|s| !s.is_empty()) {
                Some(s) if codes.contains(&s) => Some(s.to_string()),
                Some(_) => {
                    errs.add(field, msg::unknown_option_among(&codes));
                    None
                }
                None => None,
            }
        };
        let kind = parse("kind", &self.kind, TaskKind::ALL.iter().map(|k| k.code()).collect());
        let state = parse("state", &self.state, TaskState::ALL.iter().map(|k| k.code()).collect());
        errs.into_result(())?;
        Ok(TaskFilter {
            kind: kind.as_deref().and_then(TaskKind::parse),
            state: state.as_deref().and_then(TaskState::parse),
        })
    }
}

/// The caller's open tasks, the most pressing first (overdue, then by deadline), at most 200:
/// each with what it is about (the child's name as the caller's role sees it, never a bare
/// id), since when it waits, its deadline and the page where it is done. A task leaves the
/// list when its work is done. Scoped like the records themselves; the view is audited.
#[utoipa::path(get, path = "/api/v1/tasks", params(TaskQuery),
    responses((status = 200, body = Vec<TaskLine>), (status = 422, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<TaskQuery>,
) -> ApiResult<Json<Vec<TaskLine>>> {
    let filter = q.filter().map_err(AppError::Invalid)?;
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.tasks(&p, filter, LIST_MAX)).await?))
}

/// How many tasks are open, overdue, due today and new: in all, per kind of the caller's
/// role and, for the district and the city, per township or district. For the nav badge
/// (`open`) and the home page; names no child.
#[utoipa::path(get, path = "/api/v1/tasks/counts", responses((status = 200, body = TaskCounts)))]
pub async fn counts(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<TaskCounts>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.task_counts(&p)).await?))
}
