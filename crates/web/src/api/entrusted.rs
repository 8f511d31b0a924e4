//! Entrusted care (委托监护) and the parents' contacts over JSON ([UPL] 22–23, [M19]).

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath};
use crate::error::{ApiErrorBody, ApiResult};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use chrono::NaiveDate;
use serde::Deserialize;
use shouhu_domain::child::{ChildRecord, EntrustedCare};
use shouhu_store::entrusted::{ContactLog, NewContact, ParentsContact};
use utoipa::ToSchema;

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct EntrustedCareRequest {
    /// The file's version the change starts from; a different stored version answers 409 `stale`.
    pub version: i64,
    /// The day the entrusted-guardianship confirmation (委托监护确认书) was signed; null while
    /// there is none. The same fact as the file's `entrusted_guardian.confirmed_on`.
    #[serde(default, with = "shouhu_domain::iso_date")]
    pub confirmed_on: Option<NaiveDate>,
    /// The written notices, signatures and suitability findings, all of them: what is left
    /// out is recorded as not there.
    pub care: EntrustedCare,
}

/// Records the entrusted care of the file's carer ([UPL] 22–23, [M19]): the confirmation's
/// date, who signed it and who guided it, the written notices to the school and the village
/// committee, and the carer's suitability under [UPL] 22 (1)–(4). Directors and township
/// staff only (403 for others). A file without a carer: 422 on `entrusted_guardian`; a wrong
/// fact: 422 naming its field (`entrusted_guardian.care.school_notice_received_by` …), and
/// nothing is written. Every change goes into the file's history; the answer is the file,
/// whose warnings say whether the entrusted care is complete (`entrusted_care_incomplete`).
#[utoipa::path(put, path = "/api/v1/children/{id}/entrusted-care", params(("id" = i64, Path)), request_body = EntrustedCareRequest,
    responses((status = 200, body = ChildRecord), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_care(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<EntrustedCareRequest>,
) -> ApiResult<Json<ChildRecord>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.record_entrusted_care(&p, id, req.version, req.confirmed_on, req.care, "api")).await?))
}

/// The parents' contacts with the child, newest first, with the last one and whether the
/// weekly contact of [UPL] 23 has lapsed today (a left-behind child whose last recorded
/// contact is more than 7 days before today; with none recorded, not flagged). The view is audited. Outside the caller's scope: 404.
#[utoipa::path(get, path = "/api/v1/children/{id}/contacts", params(("id" = i64, Path)),
    responses((status = 200, body = ContactLog), (status = 404, body = ApiErrorBody)))]
pub async fn contacts(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<ContactLog>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.parents_contacts(&p, id)).await?))
}

/// Records one contact of the parents with the child (date, channel, who). The log is
/// appended to, never changed. Directors and township staff only (403 for others); a date
/// after today or before the child's birth, or a missing field: 422 naming it, nothing
/// written; a closed file: 409.
#[utoipa::path(post, path = "/api/v1/children/{id}/contacts", params(("id" = i64, Path)), request_body = NewContact,
    responses((status = 201, body = ParentsContact), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn record_contact(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<NewContact>,
) -> ApiResult<(StatusCode, Json<ParentsContact>)> {
    let p = user.principal.clone();
    let contact = state.run(move |s| s.record_parents_contact(&p, id, req, "api")).await?;
    Ok((StatusCode::CREATED, Json(contact)))
}
