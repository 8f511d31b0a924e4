//! Files whose child reached 16, awaiting the township's decision, and the daily recompute's
//! last run (issue 17; decisions 120-124).

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult, AppError};
use axum::Json;
use axum::extract::State;
use serde::{Deserialize, Serialize};
use shouhu_domain::child::ChildRecord;
use shouhu_domain::role::Role;
use shouhu_store::recompute::RunRecord;
use shouhu_store::turned16::Turned16List;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct Turned16Query {
    /// At most this many files (1-200, default 50).
    pub limit: Option<u32>,
}

/// The open files of the caller's area whose child is 16 or over and that nobody decided to
/// keep: close each (`POST /api/v1/children/{id}/close`, reason `turned_16`) or keep it with a
/// reason (`POST /api/v1/children/{id}/keep-past-16`). Those who reached 16 first come first.
/// For the roles that close files (township, district, city).
#[utoipa::path(get, path = "/api/v1/turned16", params(Turned16Query),
    responses((status = 200, body = Turned16List), (status = 403, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<Turned16Query>,
) -> ApiResult<Json<Turned16List>> {
    let actor = user.principal.clone();
    let limit = q.limit.unwrap_or(50);
    Ok(Json(state.run(move |s| s.turned16_pending(&actor, limit)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct KeepRequest {
    pub version: i64,
    /// Why the file stays open (required, at most 200 characters); kept in the file's history
    /// and the audit log.
    pub reason: String,
}

/// Keeps open a file whose child reached 16, with the reason; it no longer awaits the
/// decision. 409 when the child is under 16, or the file is closed or already kept.
#[utoipa::path(post, path = "/api/v1/children/{id}/keep-past-16", params(("id" = i64, Path)), request_body = KeepRequest,
    responses((status = 200, body = ChildRecord), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn keep(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<KeepRequest>,
) -> ApiResult<Json<ChildRecord>> {
    let actor = user.principal.clone();
    Ok(Json(state.run(move |s| s.keep_past_16(&actor, id, req.version, &req.reason, "api")).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RecomputeStatus {
    /// The latest run of the daily recompute, finished or not; none before the first.
    pub last: Option<RunRecord>,
}

/// The daily recompute's latest run: when, by which server, files seen and changed. For
/// those who read the settings (the city, the administrator).
#[utoipa::path(get, path = "/api/v1/recompute",
    responses((status = 200, body = RecomputeStatus), (status = 403, body = ApiErrorBody)))]
pub async fn status(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<RecomputeStatus>> {
    if !Role::may_see_settings(user.principal.role) {
        return Err(AppError::Forbidden);
    }
    Ok(Json(RecomputeStatus { last: state.run(|s| s.last_recompute()).await? }))
}
