//! Organisations, users and the audit log over JSON: administrators only.

use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::body::ApiJson;
use crate::body::QueryParams;
use crate::error::{ApiErrorBody, ApiResult, AppError};
use crate::filters::AuditQuery;
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::{Deserialize, Serialize};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::audit::{Action, AuditEntry};
use shouhu_store::users::{Organisation, UserSummary};
use utoipa::ToSchema;

#[derive(Debug, Serialize, ToSchema)]
pub struct Created {
    pub id: i64,
}

#[utoipa::path(get, path = "/api/v1/orgs", responses((status = 200, body = Vec<Organisation>), (status = 403, body = ApiErrorBody)))]
pub async fn list_orgs(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<Organisation>>> {
    user.require(Role::is_admin)?;
    Ok(Json(state.run(|s| s.list_orgs()).await?))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewOrg {
    pub name: String,
    pub org_type: OrgType,
    /// The region the organisation answers for (a school: where it stands).
    pub region_code: String,
}

#[utoipa::path(post, path = "/api/v1/orgs", request_body = NewOrg,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_org(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(o): ApiJson<NewOrg>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    user.require(Role::is_admin)?;
    let actor = user.principal.clone();
    let id = state
        .run(move |s| {
            let id = s.create_org(&o.name, o.org_type, &o.region_code)?;
            s.audit(&actor, Action::CreateOrg, None, &format!("org {id}"))?;
            Ok(id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

#[utoipa::path(get, path = "/api/v1/users", responses((status = 200, body = Vec<UserSummary>), (status = 403, body = ApiErrorBody)))]
pub async fn list_users(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<UserSummary>>> {
    user.require(Role::is_admin)?;
    Ok(Json(state.run(|s| s.list_users()).await?))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewUser {
    pub username: String,
    pub display_name: String,
    /// At least 10 characters.
    pub password: String,
    pub org_id: i64,
    pub role: Role,
}

#[utoipa::path(post, path = "/api/v1/users", request_body = NewUser,
    responses((status = 201, body = Created), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(u): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<Created>)> {
    user.require(Role::is_admin)?;
    let mut errs = FieldErrors::default();
    let username = u.username.trim().to_string();
    if username.is_empty() || username.chars().any(char::is_whitespace) || username.chars().count() > 50 {
        errs.add("username", msg::REQUIRED);
    }
    if u.display_name.trim().is_empty() {
        errs.add("display_name", msg::REQUIRED);
    }
    if let Some(problem) = auth::password_problem(&u.password, &username, &u.display_name) {
        errs.add("password", problem);
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let password = u.password;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await??;
    let actor = user.principal.clone();
    let (display, org, role) = (u.display_name.trim().to_string(), u.org_id, u.role);
    let id = state
        .run(move |s| {
            let id = s.create_user(&username, &display, &hash, org, role)?;
            s.audit(&actor, Action::CreateUser, None, &format!("user {id} ({})", role.code()))?;
            Ok(id)
        })
        .await?;
    Ok((StatusCode::CREATED, Json(Created { id })))
}

/// The audit log, newest first, 100 entries a page, filtered by user, child, action and
/// days in China.
#[utoipa::path(get, path = "/api/v1/audit", params(AuditQuery),
    responses((status = 200, body = Vec<AuditEntry>), (status = 403, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<AuditQuery>,
) -> ApiResult<Json<Vec<AuditEntry>>> {
    user.require(Role::is_admin)?;
    let filter = q.filter().map_err(AppError::Invalid)?;
    let page = q.page.unwrap_or(1).max(1);
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.audit_entries(&p, &filter, 100, (page - 1) * 100)).await?))
}
