//! Assessment, assistance and guardianship intervention over JSON (评估帮扶, 监护干预).
//! Every change answers with the assessment as the caller now sees it.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use shouhu_domain::assessment::{Answers, AssistanceKind, ReferralState, ServiceKind, ServiceStatus};
use shouhu_domain::guardianship::{
    Applicant, ApplicationState, Conduct, ConductRecord, Ground, PlacementKind, RecordKind, Standing,
};
use shouhu_store::casework::{
    self as store, AssessmentDetail, AssessmentSummary, GroundsLine, NewGuardian, Participant, ReceivedReferral,
};
use utoipa::{IntoParams, ToSchema};

async fn detail(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<Json<AssessmentDetail>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.assessment_detail(&p, id)).await?))
}

async fn created(state: &AppState, user: &CurrentUser, id: i64) -> ApiResult<(StatusCode, Json<AssessmentDetail>)> {
    Ok((StatusCode::CREATED, detail(state, user, id).await?))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct ListQuery {
    /// Only assessments not yet completed.
    #[serde(default)]
    pub open: bool,
}

/// Assessments of the caller's region (police, townships, civil affairs), open first by deadline.
#[utoipa::path(get, path = "/api/v1/assessments", params(ListQuery),
    responses((status = 200, body = Vec<AssessmentSummary>)))]
pub async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<ListQuery>,
) -> ApiResult<Json<Vec<AssessmentSummary>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.list_assessments(&p, q.open)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct OpenRequest {
    /// A child of the caller's ledger.
    pub child_id: i64,
}

/// Opens an assessment for a registered child (a police hand-over opens one by itself).
#[utoipa::path(post, path = "/api/v1/assessments", request_body = OpenRequest,
    responses((status = 201, body = AssessmentDetail), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn open(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<OpenRequest>,
) -> ApiResult<(StatusCode, Json<AssessmentDetail>)> {
    let id = state.queued_as(&user.principal, move |s, p| s.open_assessment(p, req.child_id)).await?;
    created(&state, &user, id).await
}

/// An assessment with its plan, the guardian's conduct record, the revocation grounds it
/// meets or approaches, and applications. The view is audited.
#[utoipa::path(get, path = "/api/v1/assessments/{id}", params(("id" = i64, Path)),
    responses((status = 200, body = AssessmentDetail), (status = 404, body = ApiErrorBody)))]
pub async fn get(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<AssessmentDetail>> {
    let d = detail(&state, &user, id).await?;
    state.queued_as(&user.principal, move |s, p| s.record_case_view(p, "view_assessment", id)).await?;
    Ok(d)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct CompleteRequest {
    pub version: i64,
    pub answers: Answers,
    pub participants: Vec<Participant>,
}

/// Records the answers of the three dimensions; the risk level follows from them and the
/// child's file.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/complete", params(("id" = i64, Path)), request_body = CompleteRequest,
    responses((status = 200, body = AssessmentDetail), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn complete(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<CompleteRequest>,
) -> ApiResult<Json<AssessmentDetail>> {
    let p = user.principal.clone();
    let facts = state
        .run(move |s| {
            let child = s.assessment_detail(&p, id)?.summary.child_id;
            Ok(s.child_facts(&p, child))
        })
        .await?;
    state
        .queued_as(&user.principal, move |s, p| {
            s.complete_assessment(p, id, req.version, req.answers, req.participants, facts)
        })
        .await?;
    detail(&state, &user, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceRequest {
    pub kind: ServiceKind,
    pub provider: String,
    pub start_date: chrono::NaiveDate,
}

/// Adds a service to the assistance plan.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/services", params(("id" = i64, Path)), request_body = ServiceRequest,
    responses((status = 201, body = AssessmentDetail), (status = 422, body = ApiErrorBody)))]
pub async fn add_service(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ServiceRequest>,
) -> ApiResult<(StatusCode, Json<AssessmentDetail>)> {
    state.queued_as(&user.principal, move |s, p| s.add_service(p, id, req.kind, &req.provider, req.start_date)).await?;
    created(&state, &user, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ServiceStatusRequest {
    pub status: ServiceStatus,
    /// Required when completed or stopped.
    #[serde(default)]
    pub outcome: Option<String>,
}

/// Moves a service on: planned → in progress → completed (or stopped), with its outcome.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/services/{service_id}", request_body = ServiceStatusRequest,
    params(("id" = i64, Path), ("service_id" = i64, Path)),
    responses((status = 200, body = AssessmentDetail), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn move_service(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, service_id)): Path<(i64, i64)>,
    ApiJson(req): ApiJson<ServiceStatusRequest>,
) -> ApiResult<Json<AssessmentDetail>> {
    state.queued_as(&user.principal, move |s, p| s.move_service(p, id, service_id, req.status, req.outcome)).await?;
    detail(&state, &user, id).await
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralRequest {
    pub kind: AssistanceKind,
    /// The organisation that decides (e.g. the district civil-affairs bureau).
    pub receiving_org_id: i64,
    /// Why the family is eligible.
    #[serde(default)]
    pub note: Option<String>,
}

/// Refers the family to social assistance.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/referrals", params(("id" = i64, Path)), request_body = ReferralRequest,
    responses((status = 201, body = AssessmentDetail), (status = 422, body = ApiErrorBody)))]
pub async fn add_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ReferralRequest>,
) -> ApiResult<(StatusCode, Json<AssessmentDetail>)> {
    state
        .queued_as(&user.principal, move |s, p| s.add_referral(p, id, req.kind, req.receiving_org_id, req.note))
        .await?;
    created(&state, &user, id).await
}

/// Referrals sent to the caller's organisation, with what a referral passes on of its case.
#[utoipa::path(get, path = "/api/v1/referrals", responses((status = 200, body = Vec<ReceivedReferral>)))]
pub async fn referrals(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<ReceivedReferral>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.referrals_for_org(&p)).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ReferralDecision {
    pub state: ReferralState,
    /// Required to decline or refuse.
    #[serde(default)]
    pub reason: Option<String>,
}

/// The receiving organisation accepts or declines a referral, then grants or refuses it.
#[utoipa::path(post, path = "/api/v1/referrals/{id}", params(("id" = i64, Path)), request_body = ReferralDecision,
    responses((status = 204), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn decide_referral(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ReferralDecision>,
) -> ApiResult<StatusCode> {
    state.queued_as(&user.principal, move |s, p| s.decide_referral(p, id, req.state, req.reason)).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Adds to the guardian's conduct record (incidents by those who assess, measures by the
/// police); the grounds are evaluated again in the answer.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/conduct", params(("id" = i64, Path)), request_body = NewConduct,
    responses((status = 201, body = AssessmentDetail), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_conduct(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<NewConduct>,
) -> ApiResult<(StatusCode, Json<AssessmentDetail>)> {
    state
        .run_queued({
            let p = user.principal.clone();
            move |s| {
                let person = req.guardian.clone();
                s.add_conduct(&p, id, &person, req.record())
            }
        })
        .await?;
    created(&state, &user, id).await
}

/// Records an application to a court to revoke guardianship: the applicant must be one the
/// law allows and every ground relied on must be met by the conduct record.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/applications", params(("id" = i64, Path)), request_body = NewApplication,
    responses((status = 201, body = AssessmentDetail), (status = 422, body = ApiErrorBody)))]
pub async fn file_application(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<NewApplication>,
) -> ApiResult<(StatusCode, Json<AssessmentDetail>)> {
    state.queued_as(&user.principal, move |s, p| s.file_application(p, id, req.into())).await?;
    created(&state, &user, id).await
}

/// Moves an application on with the court; the appointed guardian is written to the child's file.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/applications/{application_id}", request_body = ApplicationStep,
    params(("id" = i64, Path), ("application_id" = i64, Path)),
    responses((status = 200, body = AssessmentDetail), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn move_application(
    State(state): State<AppState>,
    user: CurrentUser,
    Path((id, application_id)): Path<(i64, i64)>,
    ApiJson(req): ApiJson<ApplicationStep>,
) -> ApiResult<Json<AssessmentDetail>> {
    state.queued_as(&user.principal, move |s, p| s.move_application(p, id, application_id, req.into())).await?;
    detail(&state, &user, id).await
}

/// Records state guardianship (temporary, [UPL] 92; long-term, [UPL] 94) on a case: civil
/// affairs only, on a ground of the article it falls under.
#[utoipa::path(post, path = "/api/v1/assessments/{id}/placements", params(("id" = i64, Path)), request_body = NewPlacement,
    responses((status = 201, body = AssessmentDetail), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn add_placement(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<NewPlacement>,
) -> ApiResult<(StatusCode, Json<AssessmentDetail>)> {
    state.queued_as(&user.principal, move |s, p| s.add_placement(p, id, req.into())).await?;
    created(&state, &user, id).await
}

/// Cases of the caller's region whose conduct record meets or approaches revocation
/// grounds, met first, with the evidence: the list district civil affairs acts on.
#[utoipa::path(get, path = "/api/v1/revocation-grounds", responses((status = 200, body = Vec<GroundsLine>)))]
pub async fn grounds(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<GroundsLine>>> {
    let p = user.principal;
    Ok(Json(state.run(move |s| s.grounds_list(&p)).await?))
}

// ---------------------------------------------------------------- requests
// The API's request bodies: what a client may send, refused field by field when unknown
// (the store's commands carry no serde of their own, decision 61).

/// A new entry of the conduct record, as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewConduct {
    /// The person, by name.
    pub guardian: String,
    /// Father, mother, another guardian or the entrusted carer. Required: grounds for
    /// revocation are met by a guardian's conduct only.
    #[serde(default)]
    pub standing: Option<Standing>,
    pub date: NaiveDate,
    pub kind: RecordKind,
    pub conduct: Conduct,
    #[serde(default)]
    pub serious_harm: bool,
    #[serde(default)]
    pub child_without_means: bool,
    #[serde(default)]
    pub refused_to_entrust: bool,
    #[serde(default)]
    pub ended: Option<NaiveDate>,
    pub evidence: String,
}

impl NewConduct {
    /// The record to keep (its id is the store's to give).
    fn record(self) -> ConductRecord {
        ConductRecord {
            id: 0,
            standing: self.standing,
            date: self.date,
            kind: self.kind,
            conduct: self.conduct,
            serious_harm: self.serious_harm,
            child_without_means: self.child_without_means,
            refused_to_entrust: self.refused_to_entrust,
            ended: self.ended,
            evidence: self.evidence,
        }
    }
}

/// A revocation application, as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewApplication {
    pub applicant: Applicant,
    pub applicant_name: String,
    /// The grounds relied on; each must be met by the conduct record.
    pub grounds: Vec<Ground>,
    pub court: String,
    pub filed_on: NaiveDate,
}

impl From<NewApplication> for store::NewApplication {
    fn from(a: NewApplication) -> Self {
        store::NewApplication {
            applicant: a.applicant,
            applicant_name: a.applicant_name,
            grounds: a.grounds,
            court: a.court,
            filed_on: a.filed_on,
        }
    }
}

/// A step of an application, as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ApplicationStep {
    pub state: ApplicationState,
    pub version: i64,
    /// The day of the hearing or the decision (today if left out).
    #[serde(default)]
    pub date: Option<NaiveDate>,
    /// Required for `guardian_appointed`.
    #[serde(default)]
    pub new_guardian: Option<NewGuardian>,
    #[serde(default)]
    pub maintenance_owed: Option<String>,
}

impl From<ApplicationStep> for store::ApplicationStep {
    fn from(s: ApplicationStep) -> Self {
        store::ApplicationStep {
            state: s.state,
            version: s.version,
            date: s.date,
            new_guardian: s.new_guardian,
            maintenance_owed: s.maintenance_owed,
        }
    }
}

/// A placement, as submitted.
#[derive(Debug, Clone, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewPlacement {
    pub kind: PlacementKind,
    pub ground: String,
    pub placed_with: String,
    pub start_date: NaiveDate,
    #[serde(default)]
    pub note: Option<String>,
}

impl From<NewPlacement> for store::NewPlacement {
    fn from(p: NewPlacement) -> Self {
        store::NewPlacement {
            kind: p.kind,
            ground: p.ground,
            placed_with: p.placed_with,
            start_date: p.start_date,
            note: p.note,
        }
    }
}
