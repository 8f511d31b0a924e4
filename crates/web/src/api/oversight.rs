//! Oversight over JSON (issue 20): the register of overdue work per unit, accountability
//! measures and commendations, the joint meeting and its tasks.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use serde::Deserialize;
use shouhu_store::oversight::{
    Commendation, CommendationInput, Measure, MeasureInput, Meeting, MeetingInput, MeetingSummary, MeetingTask,
    MeetingTaskDetail, Person, ProgressInput, Register, UnitDetail,
};
use utoipa::IntoParams;

#[derive(Debug, Default, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct RegisterQuery {
    /// A district's code (6 digits) to list its units; the city's overview without.
    pub district: Option<String>,
}

/// The register of overdue work (问责台账, [S] 四(二)): per district for the city, per
/// unit of a district (the city's chosen one, or the district officer's own): counts per
/// kind, the oldest deadline, the trend per week (`oversight.trend_weeks`), and the units
/// with a duty to report that reported late. District and city civil affairs only; a
/// district outside the caller's region is 404. Counts only, names no child.
#[utoipa::path(get, path = "/api/v1/accountability", params(RegisterQuery),
    responses((status = 200, body = Register), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn register(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<RegisterQuery>,
) -> ApiResult<Json<Register>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.accountability_register(&p, q.district.as_deref())).await?))
}

/// A unit of the register: its overdue items per kind, the oldest first, with the child's
/// name; its late reports; the measures and commendations recorded. Items outside the
/// caller's region are not read; a unit with none there is 404. Audited.
#[utoipa::path(get, path = "/api/v1/accountability/units/{key}",
    params(("key" = String, Path, description = "`org-12`, `police-120114101` or `region-120114101`")),
    responses((status = 200, body = UnitDetail), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn unit(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(key): Path<String>,
) -> ApiResult<Json<UnitDetail>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.accountability_unit(&p, &key)).await?))
}

/// The accountability measures of the caller's region, newest first.
#[utoipa::path(get, path = "/api/v1/accountability/measures",
    responses((status = 200, body = Vec<Measure>), (status = 403, body = ApiErrorBody)))]
pub async fn measures(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Measure>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.measures_of(&p, None)).await?))
}

/// Records a measure (约谈, 通报批评, 追责 with its reference) against a unit of the
/// register, dated, with its basis and optionally the items it is about: the city only.
/// Append-only: a correction is a new entry with `corrects`. 422 names the field.
#[utoipa::path(post, path = "/api/v1/accountability/measures", request_body = MeasureInput,
    responses((status = 201, body = Measure), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_measure(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<MeasureInput>,
) -> ApiResult<(StatusCode, Json<Measure>)> {
    let p = user.principal;
    Ok((StatusCode::CREATED, Json(state.run(move |s| s.record_measure(&p, &req)).await?)))
}

/// The commendations of the caller's region, newest first.
#[utoipa::path(get, path = "/api/v1/commendations",
    responses((status = 200, body = Vec<Commendation>), (status = 403, body = ApiErrorBody)))]
pub async fn commendations(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Commendation>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.commendations_of(&p, None)).await?))
}

/// Records a commendation (表扬, 奖励) of a reporter, a unit or a person, dated, with its
/// basis ([S] 二(二)): the city only; append-only. 422 names the field.
#[utoipa::path(post, path = "/api/v1/commendations", request_body = CommendationInput,
    responses((status = 201, body = Commendation), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_commendation(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<CommendationInput>,
) -> ApiResult<(StatusCode, Json<Commendation>)> {
    let p = user.principal;
    Ok((StatusCode::CREATED, Json(state.run(move |s| s.record_commendation(&p, &req)).await?)))
}

/// The joint meetings recorded (the city).
#[utoipa::path(get, path = "/api/v1/meetings",
    responses((status = 200, body = Vec<MeetingSummary>), (status = 403, body = ApiErrorBody)))]
pub async fn meetings(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<MeetingSummary>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.meetings(&p)).await?))
}

/// Records a joint meeting (联席会议, [S] 四(一)): its day, attendee units and decisions,
/// each broken into tasks to a named unit and a named person of it, with a due day. A task
/// without its person is refused (422 `decisions.N.tasks.M.owner_user_id`), nothing saved.
#[utoipa::path(post, path = "/api/v1/meetings", request_body = MeetingInput,
    responses((status = 201, body = Meeting), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_meeting(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<MeetingInput>,
) -> ApiResult<(StatusCode, Json<Meeting>)> {
    let p = user.principal;
    let m = state
        .run(move |s| {
            let id = s.record_meeting(&p, &req)?;
            s.meeting(&p, id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(m)))
}

/// A meeting with its decisions and tasks (the city).
#[utoipa::path(get, path = "/api/v1/meetings/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = Meeting), (status = 404, body = ApiErrorBody)))]
pub async fn meeting(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> ApiResult<Json<Meeting>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.meeting(&p, id)).await?))
}

/// The people a meeting task may name (the city's form).
#[utoipa::path(get, path = "/api/v1/meetings/people",
    responses((status = 200, body = Vec<Person>), (status = 403, body = ApiErrorBody)))]
pub async fn people(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Person>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.meeting_people(&p)).await?))
}

/// The meeting tasks past their due day and not done (the city's page of overdue tasks).
#[utoipa::path(get, path = "/api/v1/meeting-tasks/overdue",
    responses((status = 200, body = Vec<MeetingTask>), (status = 403, body = ApiErrorBody)))]
pub async fn overdue_tasks(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<MeetingTask>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.overdue_meeting_tasks(&p)).await?))
}

/// A meeting task with its progress: its owner's and the city's; 404 for anyone else.
#[utoipa::path(get, path = "/api/v1/meeting-tasks/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = MeetingTaskDetail), (status = 404, body = ApiErrorBody)))]
pub async fn task(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<MeetingTaskDetail>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.meeting_task(&p, id)).await?))
}

/// The task's owner reports progress: a note and the status (`in_progress`, `done`).
#[utoipa::path(post, path = "/api/v1/meeting-tasks/{id}/progress", params(("id" = i64, Path)), request_body = ProgressInput,
    responses((status = 200, body = MeetingTaskDetail), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn progress(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ProgressInput>,
) -> ApiResult<Json<MeetingTaskDetail>> {
    let p = user.principal;
    Ok(Json(
        state
            .run(move |s| {
                s.update_meeting_task(&p, id, &req)?;
                s.meeting_task(&p, id)
            })
            .await?,
    ))
}
