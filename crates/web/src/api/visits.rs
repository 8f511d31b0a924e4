//! Visits (走访) over JSON: a director's visits to a child and their corrections, the
//! director's due list, the supervisor's review and coverage, and the status of the reports
//! and cases about a child (issue 17).

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath};
use crate::error::{ApiErrorBody, ApiResult};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::Deserialize;
use shouhu_domain::visit::VisitInput;
use shouhu_store::visits::{CaseStatus, DueLine, Supervision, VisitRecord};
use utoipa::ToSchema;

/// Records a visit of a child. Dated in the future or before the child's birth, for a closed
/// file, with the next visit due before it, or finding a child under 16 alone or under 8
/// without care with neither a report's receipt (`report_receipt`, of a report about this
/// child) nor `no_report_reason`: 422 naming the field, nothing written. A child outside the
/// caller's scope: 404. Send an `Idempotency-Key` header to make a retry safe: the same key
/// with the same body answers 200 with the visit first written (`repeated`), no second visit.
#[utoipa::path(post, path = "/api/v1/children/{id}/visits", params(("id" = i64, Path),
        ("Idempotency-Key" = Option<String>, Header, description = "Letters, digits, - and _; at most 100")),
    request_body = VisitInput,
    responses((status = 201, body = VisitRecord), (status = 200, body = VisitRecord, description = "A repeat"),
        (status = 404, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
    ApiJson(visit): ApiJson<VisitInput>,
) -> ApiResult<(StatusCode, Json<VisitRecord>)> {
    let p = user.principal.clone();
    let key = headers.get(super::reports::IDEMPOTENCY_HEADER).and_then(|v| v.to_str().ok()).map(str::to_string);
    let rec = state.run(move |s| s.record_visit(&p, id, visit, key.as_deref())).await?;
    Ok((if rec.repeated { StatusCode::OK } else { StatusCode::CREATED }, Json(rec)))
}

/// The visits of a child, the version in force of each, newest first (recorded in the audit
/// log). Outside the caller's scope: 404.
#[utoipa::path(get, path = "/api/v1/children/{id}/visits", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VisitRecord>), (status = 404, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<VisitRecord>>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.child_visits(&p, id)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CorrectionRequest {
    /// The version the correction starts from; another one stored answers 409 `stale`.
    pub version: i64,
    pub visit: VisitInput,
}

/// Corrects a visit: a new version, the old one kept (`GET /api/v1/visits/{id}/versions`).
/// The correction goes back to the supervisor for review.
#[utoipa::path(put, path = "/api/v1/visits/{id}", params(("id" = i64, Path)), request_body = CorrectionRequest,
    responses((status = 200, body = VisitRecord), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn correct(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<CorrectionRequest>,
) -> ApiResult<Json<VisitRecord>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.correct_visit(&p, id, req.version, req.visit)).await?))
}

/// Every version of a visit, newest first.
#[utoipa::path(get, path = "/api/v1/visits/{id}/versions", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<VisitRecord>), (status = 404, body = ApiErrorBody)))]
pub async fn versions(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<VisitRecord>>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.visit_versions(&p, id)).await?))
}

/// The director's list (今日走访): the children of the caller's scope whose visit is overdue or
/// due within `visits.due_soon_days`, nearest due first, with why each is due.
#[utoipa::path(get, path = "/api/v1/visits/due", responses((status = 200, body = Vec<DueLine>), (status = 403, body = ApiErrorBody)))]
pub async fn due(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<DueLine>>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.due_visits(&p)).await?))
}

/// The visits waiting for the township child supervisor's review, oldest first.
#[utoipa::path(get, path = "/api/v1/visits/review", responses((status = 200, body = Vec<VisitRecord>), (status = 403, body = ApiErrorBody)))]
pub async fn to_review(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<VisitRecord>>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.visits_to_review(&p)).await?))
}

#[derive(Debug, Clone, Copy, Deserialize, ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum Decision {
    Accept,
    SendBack,
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReviewRequest {
    pub version: i64,
    pub decision: Decision,
    /// Required to send a visit back: what the director is to correct.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The supervisor accepts a visit or sends it back with a reason (422 `reason` without one).
/// Only the township's child supervisor (403 for others).
#[utoipa::path(post, path = "/api/v1/visits/{id}/review", params(("id" = i64, Path)), request_body = ReviewRequest,
    responses((status = 200, body = VisitRecord), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ReviewRequest>,
) -> ApiResult<Json<VisitRecord>> {
    let p = user.principal.clone();
    let accept = matches!(req.decision, Decision::Accept);
    Ok(Json(state.run(move |s| s.review_visit(&p, id, req.version, accept, req.reason)).await?))
}

/// The supervisor's page: coverage per village (share of children visited within their
/// cadence) and the directors whose villages have overdue visits.
#[utoipa::path(get, path = "/api/v1/supervision", responses((status = 200, body = Supervision), (status = 403, body = ApiErrorBody)))]
pub async fn supervision(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Supervision>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.supervision(&p)).await?))
}

/// What a village child director or a township child supervisor sees of the reports and
/// cases about a child of their scope: the status only (never the reporter nor the content),
/// and the referrals sent to their own organisation ([M19], [UPL] 43).
#[utoipa::path(get, path = "/api/v1/children/{id}/case-status", params(("id" = i64, Path)),
    responses((status = 200, body = CaseStatus), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn case_status(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<CaseStatus>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.case_status(&p, id)).await?))
}
