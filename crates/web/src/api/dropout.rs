//! Dropout control over JSON (控辍保学, issue 18): the school's cases, a case with its steps,
//! recording a step, the written reports' inbox and the district table.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use shouhu_domain::dropout::{
    DropoutClose, DropoutMeasure, DropoutStepKind, NoticeChannel, PersuasionOutcome, PersuasionParty, Told,
};
use shouhu_store::dropout::{
    DropoutCaseDetail, DropoutCaseSummary, DropoutFilter, DropoutStepInput, DropoutTable, NewDropoutCase,
};
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// `open` (default: not closed, the next due first), `reported` (the written reports'
    /// inbox of the education bureau and the township) or `all`.
    #[serde(default)]
    #[param(value_type = Option<String>)]
    pub view: Option<DropoutFilter>,
}

/// The caller's dropout cases: a school's own, the region's for the education bureau, the
/// township, the village and civil affairs. The view is audited.
#[utoipa::path(get, path = "/api/v1/dropout-cases", params(ListQuery),
    responses((status = 200, body = Vec<DropoutCaseSummary>), (status = 403, body = ApiErrorBody)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<Vec<DropoutCaseSummary>>> {
    let p = user.principal;
    let view = q.view.unwrap_or_default();
    Ok(Json(state.run(move |s| s.dropout_cases(&p, view)).await?))
}

/// Opens a case for a child enrolled at the caller's school (teachers and school
/// administrators). The child's file then says 辍学, with history. A child not enrolled at
/// the school (or missing), not of compulsory-education age ([CE] 2, 11) or a first day of
/// absence in the future: 422 naming the field; a child with an open case: 409.
#[utoipa::path(post, path = "/api/v1/dropout-cases", request_body = NewDropoutCase,
    responses((status = 201, body = DropoutCaseDetail), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewDropoutCase>,
) -> ApiResult<(StatusCode, Json<DropoutCaseDetail>)> {
    let p = user.principal;
    let detail = state
        .run(move |s| {
            let id = s.open_dropout_case(&p, req)?;
            s.dropout_case(&p, id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// A case: the child as the case needs them (name, sex, age, school, village, the guardians'
/// contacts; nothing else of the file), every step, the written report once sent, and the
/// steps the caller may record now. Outside the caller's scope: 404. The view is audited.
#[utoipa::path(get, path = "/api/v1/dropout-cases/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = DropoutCaseDetail), (status = 404, body = ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<DropoutCaseDetail>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.dropout_case(&p, id)).await?))
}

/// A step to record, with the case's version the caller started from.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropoutStepRequest {
    pub version: i64,
    /// `notified`, `persuasion`, `reported` (school staff; the report needs a failed round),
    /// `measure` (education bureau, township), `closed`, `reopened` (after a failed return).
    pub step: DropoutStepKind,
    /// The day of the step: not before the last step, not in the future.
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    #[serde(default)]
    pub channel: Option<NoticeChannel>,
    #[serde(default)]
    pub told: Vec<Told>,
    #[serde(default)]
    pub parties: Vec<PersuasionParty>,
    #[serde(default)]
    pub outcome: Option<PersuasionOutcome>,
    #[serde(default)]
    pub measure: Option<DropoutMeasure>,
    #[serde(default)]
    pub close: Option<DropoutClose>,
    #[serde(default)]
    pub school_org_id: Option<i64>,
    #[serde(default)]
    pub note: Option<String>,
}

/// Records the next step of a case, in the law's order: a step out of order, dated before the
/// last or in the future, or missing its fields is refused (422) naming the field; a role
/// that does not take the step: 403; someone else's step first: 409.
#[utoipa::path(post, path = "/api/v1/dropout-cases/{id}/steps", params(("id" = i64, Path)), request_body = DropoutStepRequest,
    responses((status = 200, body = DropoutCaseDetail), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn step(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<DropoutStepRequest>,
) -> ApiResult<Json<DropoutCaseDetail>> {
    let p = user.principal;
    let input = DropoutStepInput {
        step: Some(req.step),
        date: Some(req.date),
        channel: req.channel,
        told: req.told,
        parties: req.parties,
        outcome: req.outcome,
        measure: req.measure,
        close: req.close,
        school_org_id: req.school_org_id,
        note: req.note,
    };
    let version = req.version;
    Ok(Json(
        state
            .run(move |s| {
                s.record_dropout_step(&p, id, version, input)?;
                s.dropout_case(&p, id)
            })
            .await?,
    ))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct TableQuery {
    /// Count only cases whose absence began on or after this day.
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub since: Option<NaiveDate>,
}

/// Dropouts opened, returned to school, open, and open past their deadline, per township and
/// per school of the caller's region (education bureau, township, civil affairs). Counts only.
#[utoipa::path(get, path = "/api/v1/dropout-table", params(TableQuery),
    responses((status = 200, body = DropoutTable), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn table(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<TableQuery>,
) -> ApiResult<Json<DropoutTable>> {
    crate::filters::check_days(&[("since", q.since)])?;
    let p = user.principal;
    Ok(Json(state.run(move |s| s.dropout_table(&p, q.since)).await?))
}
