//! Census imports and ledger exports over the API.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult, AppError};
use crate::filters::LedgerQuery;
use crate::imports::JobOutcome;
use crate::pages::imports as pages;
use axum::Json;
use axum::extract::{Multipart, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Serialize;
use shouhu_census::import::Progress;
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct JobStatus {
    pub id: i64,
    pub file_name: String,
    /// running, done, failed
    pub state: String,
    /// While running: rows checked, rows imported, and the phase.
    #[schema(value_type = Option<Object>)]
    pub progress: Option<Progress>,
    pub outcome: Option<JobOutcome>,
    /// Why it failed, in Chinese.
    pub message: Option<String>,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct Started {
    pub id: i64,
}

/// Uploads a census file (multipart/form-data: `file`, and optionally `on_existing` =
/// `skip`|`update` and `only_good_rows` = `true`) and starts checking and importing it in the
/// background. Poll the job for its outcome.
#[utoipa::path(post, path = "/api/v1/imports",
    responses((status = 202, body = Started), (status = 400, body = ApiErrorBody), (status = 403, body = ApiErrorBody), (status = 413, body = ApiErrorBody)))]
pub async fn start(
    State(state): State<AppState>,
    user: CurrentUser,
    mp: Multipart,
) -> ApiResult<(StatusCode, Json<Started>)> {
    if !user.principal.role.may_write_children() {
        return Err(AppError::Forbidden);
    }
    let up = pages::read_upload(&state, mp).await?;
    let id = pages::start(&state, &user, up).await?;
    Ok((StatusCode::ACCEPTED, Json(Started { id })))
}

/// An import of the caller's own: its state, progress while running and outcome when done.
#[utoipa::path(get, path = "/api/v1/imports/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = JobStatus), (status = 404, body = ApiErrorBody)))]
pub async fn status(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<JobStatus>> {
    let uid = user.principal.user_id;
    let job = state.run(move |s| s.import_job(uid, id)).await?;
    Ok(Json(JobStatus {
        id,
        progress: state.jobs.progress_of(&job),
        outcome: job.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok()),
        file_name: job.file_name,
        state: job.state,
        message: job.message,
    }))
}

/// The uploaded file with a column "错误说明" naming what is wrong in each bad row.
#[utoipa::path(get, path = "/api/v1/imports/{id}/report", params(("id" = i64, Path)),
    responses((status = 200, description = "the report (.xlsx or .csv)"), (status = 404, body = ApiErrorBody)))]
pub async fn report(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> ApiResult<Response> {
    pages::report_download(&state, &user, id).await
}

/// What `GET /api/v1/children` lists for the same query (its filters, or a search's
/// matches), in the caller's scope, as .xlsx (census form columns, and a summary sheet),
/// for the roles that keep the ledger (township, district, city; others 403). Every sheet
/// names who exported it and when, and carries a watermark saying so; the export is audited.
#[utoipa::path(get, path = "/api/v1/export", params(LedgerQuery),
    responses((status = 200, description = "the ledger (.xlsx)"), (status = 403, body = ApiErrorBody)))]
pub async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<LedgerQuery>,
) -> ApiResult<Response> {
    pages::export_download(&state, &user, &q, "api").await
}
