//! Children's files over JSON.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::ApiJson;
use crate::body::{IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult, AppError};
use crate::filters::LedgerQuery;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shouhu_domain::child::{ChildFile, ChildRecord};
use shouhu_domain::codes::CloseReason;
use shouhu_domain::region::Region;
use shouhu_store::audit::Action;
use shouhu_store::children::LedgerPage;
use shouhu_store::history::HistoryEntry;
use utoipa::ToSchema;

/// The ledger of the caller's scope, one page; or search results when `q` is given, narrowed
/// to `region` if given, a page at a time: `next` is where the following page starts (pass it
/// as `after`, with `page` one more), and `total` counts the matches (up to 1,000; with
/// `total_capped`, more match). ID numbers are masked in lists. Searching by the last digits of an ID number is for roles
/// that see ID numbers in full (others 422, field `q`); a whole ID number finds its file for
/// every reader, and a reader who sees ID numbers masked has
/// `limits.id_searches_per_user_per_day` such searches in 24 hours (then 429, decision 212).
#[utoipa::path(get, path = "/api/v1/children", params(LedgerQuery),
    responses((status = 200, body = LedgerPage), (status = 401, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
        (status = 429, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(p): QueryParams<LedgerQuery>,
) -> ApiResult<Json<LedgerPage>> {
    let actor = user.principal.clone();
    let filter = p.filter();
    let page = p.page.unwrap_or(1);
    let per_page = p.per_page.unwrap_or(20);
    let q = p.q.trim().to_string();
    crate::filters::spend_id_search(&state, &actor, &q).await?;
    // The replica may answer the list (decision 201); the audit writer is the primary's.
    let out = state
        .run_read(&user, move |s| {
            if q.is_empty() {
                let pg = s.ledger(&actor, &filter, page, per_page)?;
                s.audit(&actor, Action::ViewLedger, None, &format!("api page {page}"))?;
                Ok(pg)
            } else {
                let found = s.search_page(&actor, &p.search(&q, per_page))?;
                s.audit(&actor, Action::Search, None, &shouhu_domain::id_number::mask_id(&q))?;
                Ok(LedgerPage {
                    rows: found.rows,
                    page,
                    per_page: per_page.clamp(1, 100),
                    total: found.total,
                    total_capped: found.total_capped,
                    next: found.next,
                })
            }
        })
        .await?;
    Ok(Json(out))
}

/// Creates a child's file. An ID number that already has a file answers 409 `duplicate`
/// with `existing_id` when the caller may see that file.
#[utoipa::path(post, path = "/api/v1/children", request_body = ChildFile,
    responses((status = 201, body = ChildRecord), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(file): ApiJson<ChildFile>,
) -> ApiResult<(StatusCode, Json<ChildRecord>)> {
    let actor = user.principal.clone();
    let rec = state.run(move |s| s.create_child(&actor, file, "api")).await?;
    Ok((StatusCode::CREATED, Json(rec)))
}

/// A child's file (recorded in the audit log). Outside the caller's scope: 404. ID and
/// phone numbers the caller's role does not see in full are masked (`120114************`,
/// `138****5678`) and their fields listed in `masked`; `POST /api/v1/children/{id}/reveal`
/// shows one, with a reason.
#[utoipa::path(get, path = "/api/v1/children/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = ChildRecord), (status = 404, body = ApiErrorBody)))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> ApiResult<Json<ChildRecord>> {
    let actor = user.principal.clone();
    Ok(Json(state.run(move |s| s.view_child(&actor, id)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RevealRequest {
    /// The field whose number to show (one of the record's `masked`): `id_number`,
    /// `father.id_number`, `father.phone`, `mother.id_number`, `mother.phone`,
    /// `entrusted_guardian.id_number` or `entrusted_guardian.phone`.
    pub field: String,
    /// Why the full number is needed (required, at most 100 characters); kept in the audit
    /// log with the field's name. Numbers typed into it are masked there.
    #[serde(default)]
    pub reason: String,
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RevealedNumber {
    pub field: String,
    /// The number in full; null when the field is empty.
    pub value: Option<String>,
}

/// One ID or phone number of a file in full ("显示完整号码"), for a reader who sees it
/// masked: the reveal is in the audit log, with the field and the reason (never the
/// number), before the number is answered. Without a reason, or for a field that holds no
/// number: 422 and nothing recorded. Outside the caller's scope: 404. Past
/// `limits.reveals_per_user_per_day` numbers in 24 hours: 429, saying until when (decision 212).
#[utoipa::path(post, path = "/api/v1/children/{id}/reveal", params(("id" = i64, Path)), request_body = RevealRequest,
    responses((status = 200, body = RevealedNumber), (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody),
        (status = 429, body = ApiErrorBody)))]
pub async fn reveal(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<RevealRequest>,
) -> ApiResult<Json<RevealedNumber>> {
    let actor = user.principal.clone();
    let field = req.field.clone();
    let value = state.run(move |s| s.reveal_number(&actor, id, &req.field, &req.reason)).await?;
    Ok(Json(RevealedNumber { field, value }))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct UpdateRequest {
    /// The version the change starts from; a different stored version answers 409 `stale`.
    pub version: i64,
    pub file: ChildFile,
}

/// Replaces a child's file; every changed field goes into its history.
#[utoipa::path(put, path = "/api/v1/children/{id}", params(("id" = i64, Path)), request_body = UpdateRequest,
    responses((status = 200, body = ChildRecord), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<UpdateRequest>,
) -> ApiResult<Json<ChildRecord>> {
    let actor = user.principal.clone();
    Ok(Json(state.run(move |s| s.update_child(&actor, id, req.version, req.file, "api")).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CloseRequest {
    pub version: i64,
    pub reason: CloseReason,
    #[serde(default)]
    pub note: Option<String>,
}

/// Closes a file with a reason; it is kept and can be reopened.
#[utoipa::path(post, path = "/api/v1/children/{id}/close", params(("id" = i64, Path)), request_body = CloseRequest,
    responses((status = 200, body = ChildRecord), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<CloseRequest>,
) -> ApiResult<Json<ChildRecord>> {
    let actor = user.principal.clone();
    Ok(Json(state.run(move |s| s.close_child(&actor, id, req.version, req.reason, req.note, "api")).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct VersionRequest {
    pub version: i64,
}

/// Reopens a closed file.
#[utoipa::path(post, path = "/api/v1/children/{id}/reopen", params(("id" = i64, Path)), request_body = VersionRequest,
    responses((status = 200, body = ChildRecord), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<VersionRequest>,
) -> ApiResult<Json<ChildRecord>> {
    let actor = user.principal.clone();
    Ok(Json(state.run(move |s| s.reopen_child(&actor, id, req.version, "api")).await?))
}

/// Every change to a file: who, when, which field, old and new value; newest first. Old
/// values of ID and phone numbers are masked as the file's are (`masked` says so).
#[utoipa::path(get, path = "/api/v1/children/{id}/history", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<HistoryEntry>), (status = 404, body = ApiErrorBody)))]
pub async fn history(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<HistoryEntry>>> {
    let actor = user.principal.clone();
    Ok(Json(state.run(move |s| s.child_history(&actor, id)).await?))
}

#[derive(Debug, Serialize, ToSchema)]
pub struct RegionList {
    pub region: Region,
    pub children: Vec<Region>,
}

/// A region and the regions directly under it (`12` is the city).
#[utoipa::path(get, path = "/api/v1/regions/{code}", params(("code" = String, Path)),
    responses((status = 200, body = RegionList), (status = 404, body = ApiErrorBody)))]
pub async fn regions(
    State(state): State<AppState>,
    _user: CurrentUser,
    Path(code): Path<String>,
) -> ApiResult<Json<RegionList>> {
    let idx = &state.store.regions;
    let region = idx.get(&code).cloned().ok_or(AppError::NotFound)?;
    Ok(Json(RegionList { region, children: idx.children(&code).cloned().collect() }))
}
