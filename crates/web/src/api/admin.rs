//! Organisations, users and the audit log over JSON: administrators only; approvals of
//! accounts also for the city.

use crate::AppState;
use crate::accounts::{AccountOutcome, Secret};
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult, AppError};
use crate::filters::AuditQuery;
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use serde::{Deserialize, Serialize};
use shouhu_domain::role::{AccountKind, OrgType, Role};
use shouhu_store::accounts::{NewAccount, PendingAccount};
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
    pub org_id: i64,
    pub role: Role,
    /// A person (the default) or another system's service account.
    #[serde(default)]
    pub kind: Option<AccountKind>,
}

/// Creates an account without a password. A person's one-time set-password link (a
/// system's token) is in the answer, or, for an account that reads children, given to
/// whoever approves it (`POST /api/v1/users/{id}/approve`).
#[utoipa::path(post, path = "/api/v1/users", request_body = NewUser,
    responses((status = 201, body = AccountOutcome), (status = 403, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    ApiJson(u): ApiJson<NewUser>,
) -> ApiResult<(StatusCode, Json<AccountOutcome>)> {
    user.require(Role::is_admin)?;
    let new = NewAccount {
        username: u.username,
        display_name: u.display_name,
        org_id: u.org_id,
        role: u.role,
        kind: u.kind.unwrap_or(AccountKind::Person),
    };
    let secret = Secret::new();
    let (p, h) = (user.principal.clone(), secret.hash.clone());
    let (id, issued) = state.run(move |s| s.create_account(&p, &new, &h)).await?;
    let https = state.config.secure_cookies;
    Ok((StatusCode::CREATED, Json(AccountOutcome::new(id, issued, &secret, &headers, https))))
}

/// Ends the account's sessions and tokens and takes its password away; a new link (a
/// system's token) follows here, or from whoever approves when the account reads children.
#[utoipa::path(post, path = "/api/v1/users/{id}/reset", params(("id" = i64, Path)),
    responses((status = 200, body = AccountOutcome), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody)))]
pub async fn reset_user(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Json<AccountOutcome>> {
    user.require(Role::is_admin)?;
    let secret = Secret::new();
    let (p, h) = (user.principal.clone(), secret.hash.clone());
    let issued = state.run(move |s| s.reset_account(&p, id, &h)).await?;
    Ok(Json(AccountOutcome::new(id, issued, &secret, &headers, state.config.secure_cookies)))
}

#[derive(Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct RoleChange {
    pub role: Role,
    pub org_id: i64,
}

/// Gives an account another role or organisation: at once when the new role reads no
/// child, otherwise after a second approval (the old role stays meanwhile).
#[utoipa::path(post, path = "/api/v1/users/{id}/role", params(("id" = i64, Path)), request_body = RoleChange,
    responses((status = 200, body = AccountOutcome), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody), (status = 409, body = ApiErrorBody), (status = 422, body = ApiErrorBody)))]
pub async fn change_role(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
    ApiJson(c): ApiJson<RoleChange>,
) -> ApiResult<Json<AccountOutcome>> {
    user.require(Role::is_admin)?;
    let p = user.principal.clone();
    let issued = state.run(move |s| s.change_account_role(&p, id, c.role, c.org_id)).await?;
    Ok(Json(AccountOutcome::new(id, issued, &Secret::new(), &headers, state.config.secure_cookies)))
}

/// The changes to accounts waiting for a second approval: for administrators and the city.
#[utoipa::path(get, path = "/api/v1/approvals",
    responses((status = 200, body = Vec<PendingAccount>), (status = 403, body = ApiErrorBody)))]
pub async fn approvals(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<PendingAccount>>> {
    user.require(Role::may_approve_accounts)?;
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.pending_accounts(&p)).await?))
}

/// Approves the change waiting on an account: by another administrator than who asked, or
/// the city; a service account only by the city. A new or reset account's link (a
/// system's token) is in the answer, shown once, for the approver to hand over.
#[utoipa::path(post, path = "/api/v1/users/{id}/approve", params(("id" = i64, Path)),
    responses((status = 200, body = AccountOutcome), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
) -> ApiResult<Json<AccountOutcome>> {
    user.require(Role::may_approve_accounts)?;
    let secret = Secret::new();
    let (p, h) = (user.principal.clone(), secret.hash.clone());
    let issued = state.run(move |s| s.approve_account(&p, id, &h)).await?;
    Ok(Json(AccountOutcome::new(id, issued, &secret, &headers, state.config.secure_cookies)))
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
    Ok(Json(state.run(move |s| s.audit_entries(&p, &filter, 100, crate::filters::page_offset(page, 100))).await?))
}
