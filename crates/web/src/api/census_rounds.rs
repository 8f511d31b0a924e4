//! Census rounds over JSON (摸底排查轮次, issue 20): the city opens a round, the township signs
//! off its return, the district reviews its townships' and signs off its own, the city
//! reviews the districts'; each figure over the rounds.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult, AppError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shouhu_census::rounds as figures;
use shouhu_census::summary;
use shouhu_domain::census_round::SignOffs;
use shouhu_store::Store;
use shouhu_store::census_rounds::{
    NamedRow, NewRound, ReturnDetail, ReturnLine, ReturnReview, RoundDetail, RoundLine, Trend, TrendUnit,
};
use shouhu_store::users::Principal;
use utoipa::{IntoParams, ToSchema};

/// A round and a unit from the path (`/census-rounds/{id}/returns/{unit}`); anything else
/// names nothing: 404.
pub struct RoundUnit(pub i64, pub String);

impl<S: Send + Sync> axum::extract::FromRequestParts<S> for RoundUnit {
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut axum::http::request::Parts, state: &S) -> Result<Self, Self::Rejection> {
        match axum::extract::Path::<(i64, String)>::from_request_parts(parts, state).await {
            Ok(axum::extract::Path((id, unit))) if unit.bytes().all(|b| b.is_ascii_digit()) => Ok(RoundUnit(id, unit)),
            _ => Err(crate::body::reject(parts.uri.path(), AppError::NotFound)),
        }
    }
}

/// A return's rows as they would be frozen now (a township's, before its sign-off).
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct LiveRows {
    pub rows: Vec<NamedRow>,
    /// The 勾稽关系 hold: the return may be signed off.
    pub balanced: bool,
    /// Which check fails, when one does.
    pub problem: Option<String>,
}

/// A return with the names of its columns and, for a township's not yet signed off, its
/// current figures.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct ReturnView {
    #[serde(flatten)]
    pub detail: ReturnDetail,
    /// The columns of every row's `values`: 合计, then each group's (the summary's).
    pub columns: Vec<String>,
    pub live: Option<LiveRows>,
}

/// The columns of a return's rows.
pub fn columns() -> Vec<String> {
    summary::headers().into_iter().map(str::to_string).collect()
}

/// A return as pages and the API show it (its view audited by the store).
pub fn return_view(
    s: &Store,
    p: &Principal,
    round_id: i64,
    unit: &str,
) -> Result<ReturnView, shouhu_store::StoreError> {
    let detail = s.census_return(p, round_id, unit)?;
    let live = if detail.may_sign_off && detail.ret.level == shouhu_domain::region::Level::Township {
        let counts = s.census_file_counts(p, round_id, unit)?;
        let compiled = figures::compile_township(&s.regions, unit, &counts);
        let problem = figures::check(&compiled, |c| s.regions.name(c).to_string()).err();
        let rows = compiled
            .frozen()
            .into_iter()
            .map(|r| NamedRow {
                name: if r.code.is_empty() {
                    shouhu_domain::msg::ROUNDS_ROW_TOTAL.to_string()
                } else {
                    s.regions.name(&r.code).to_string()
                },
                code: r.code,
                values: r.values,
            })
            .collect();
        Some(LiveRows { rows, balanced: problem.is_none(), problem })
    } else {
        None
    };
    Ok(ReturnView { detail, columns: columns(), live })
}

/// Signs a return off, freezing its figures (the census crate compiles and checks them).
pub fn sign_off(
    s: &Store,
    p: &Principal,
    round_id: i64,
    unit: &str,
    version: i64,
    sign_offs: SignOffs,
) -> Result<ReturnLine, shouhu_store::StoreError> {
    let regions = s.regions.clone();
    let regions2 = s.regions.clone();
    s.sign_off_census_return(
        p,
        round_id,
        unit,
        version,
        sign_offs,
        &move |township, counts| figures::township_return(&regions, township, counts),
        &move |rows| figures::check_district(&regions2, rows),
    )
}

/// The rounds, newest first, with the caller's progress in each: the city's, districts' and
/// townships' civil-affairs staff (others: 403).
#[utoipa::path(get, path = "/api/v1/census-rounds",
    responses((status = 200, body = Vec<RoundLine>), (status = 403, body = ApiErrorBody)))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<RoundLine>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.census_rounds(&p)).await?))
}

/// Opens a round (the city officer, [S] 三(一)): a return then waits from every district and
/// township. A missing name or date, a deadline before the reference date or a name taken:
/// 422 naming the field.
#[utoipa::path(post, path = "/api/v1/census-rounds", request_body = NewRound,
    responses((status = 201, body = RoundDetail), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NewRound>,
) -> ApiResult<(StatusCode, Json<RoundDetail>)> {
    let p = user.principal;
    let detail = state
        .run(move |s| {
            let id = s.open_census_round(&p, req)?;
            s.census_round(&p, id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(detail)))
}

/// A round with the returns the caller sees: the city the districts', a district its own and
/// its townships', a township its own.
#[utoipa::path(get, path = "/api/v1/census-rounds/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = RoundDetail), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> ApiResult<Json<RoundDetail>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.census_round(&p, id)).await?))
}

/// A return (a township's by its 9-digit code, a district's by its 6-digit code): its state,
/// sign-offs, frozen rows and history and, for a township's not yet signed off, its current
/// figures with their balance. Outside the caller's region: 404. The view is audited.
#[utoipa::path(get, path = "/api/v1/census-rounds/{id}/returns/{unit}",
    params(("id" = i64, Path), ("unit" = String, Path)),
    responses((status = 200, body = ReturnView), (status = 404, body = ApiErrorBody)))]
pub async fn get_return(
    State(state): State<AppState>,
    user: CurrentUser,
    RoundUnit(id, unit): RoundUnit,
) -> ApiResult<Json<ReturnView>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| return_view(s, &p, id, &unit)).await?))
}

/// The census form's sign-offs, with the return's version the caller started from.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOffRequest {
    pub version: i64,
    #[serde(flatten)]
    pub sign_offs: SignOffs,
}

/// Signs a return off (a township's by its staff, a district's by its officer once every
/// township's is accepted) and freezes its figures: later changes of files never change
/// them. Figures that do not balance (勾稽关系) or a sign-off missing: 422 naming the check or
/// the field, nothing changed; signed off already or accepted: 409; someone else first: 409.
#[utoipa::path(post, path = "/api/v1/census-rounds/{id}/returns/{unit}/sign-off",
    params(("id" = i64, Path), ("unit" = String, Path)), request_body = SignOffRequest,
    responses((status = 200, body = ReturnLine), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn sign_off_return(
    State(state): State<AppState>,
    user: CurrentUser,
    RoundUnit(id, unit): RoundUnit,
    ApiJson(req): ApiJson<SignOffRequest>,
) -> ApiResult<Json<ReturnLine>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| sign_off(s, &p, id, &unit, req.version, req.sign_offs)).await?))
}

/// The level above's decision on a return.
#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReturnReviewRequest {
    pub version: i64,
    /// `accept` (审核通过) or `send_back` (退回, with a reason).
    pub decision: ReturnReview,
    #[serde(default)]
    pub reason: String,
}

/// The district accepts a township's signed-off return or sends it back with a reason; the
/// city a district's. A return not signed off, or a township's once its district's return is
/// submitted: 409; no reason for a send-back: 422.
#[utoipa::path(post, path = "/api/v1/census-rounds/{id}/returns/{unit}/review",
    params(("id" = i64, Path), ("unit" = String, Path)), request_body = ReturnReviewRequest,
    responses((status = 200, body = ReturnLine), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn review(
    State(state): State<AppState>,
    user: CurrentUser,
    RoundUnit(id, unit): RoundUnit,
    ApiJson(req): ApiJson<ReturnReviewRequest>,
) -> ApiResult<Json<ReturnLine>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.review_census_return(&p, id, &unit, req.version, req.decision, &req.reason)).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
#[serde(deny_unknown_fields)]
pub struct TrendQuery {
    /// A district's or township's code inside the caller's region (default: the caller's own
    /// unit, or the first listed).
    pub unit: Option<String>,
}

/// Each figure of a unit over the rounds, with the units the caller may choose from.
#[derive(Debug, Clone, Serialize, ToSchema)]
pub struct TrendView {
    pub units: Vec<TrendUnit>,
    /// The columns of each point's `values`.
    pub columns: Vec<String>,
    pub trend: Option<Trend>,
}

/// Loads the trend of `unit` (or of the first unit the caller may read).
pub fn trend_view(s: &Store, p: &Principal, unit: Option<String>) -> Result<TrendView, shouhu_store::StoreError> {
    let units = s.census_trend_units(p)?;
    let unit = unit.filter(|u| !u.is_empty()).or_else(|| units.first().map(|u| u.code.clone()));
    let trend = match unit {
        Some(u) => Some(s.census_trend(p, &u)?),
        None => None,
    };
    Ok(TrendView { units, columns: columns(), trend })
}

/// Each figure of a district or township over the rounds (the total row of each signed-off
/// or accepted return, oldest round first). A unit outside the caller's region: 404.
#[utoipa::path(get, path = "/api/v1/census-rounds/trends", params(TrendQuery),
    responses((status = 200, body = TrendView), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn trends(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<TrendQuery>,
) -> ApiResult<Json<TrendView>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| trend_view(s, &p, q.unit)).await?))
}
