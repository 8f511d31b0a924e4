//! One's own account over JSON (issue 21, decision 79): API tokens listed and revoked one by
//! one, the password changed, every session ended.

use crate::AppState;
use crate::auth::{self, CurrentUser, Via};
use crate::body::{ApiJson, IdPath};
use crate::error::{ApiErrorBody, ApiResult, AppError};
use axum::Json;
use axum::extract::State;
use axum::http::StatusCode;
use serde::Deserialize;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_store::accounts::ApiToken;
use utoipa::ToSchema;

/// How long a new token of one's own lives: the days asked for, at most the setting's.
pub fn token_life(state: &AppState, days: Option<i64>) -> Result<chrono::Duration, AppError> {
    let max = state.store.settings.accounts.api_token_ttl;
    match days {
        None => Ok(max),
        Some(d) if (1..=max.num_days()).contains(&d) => Ok(chrono::Duration::days(d)),
        Some(_) => {
            let mut errs = FieldErrors::default();
            errs.add("expires_in_days", msg::token_days(max.num_days()));
            Err(AppError::Invalid(errs))
        }
    }
}

/// The signed-in person's own live API tokens, newest first; never their secrets.
#[utoipa::path(get, path = "/api/v1/tokens", responses((status = 200, body = Vec<ApiToken>), (status = 401, body = ApiErrorBody)))]
pub async fn list_tokens(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<Vec<ApiToken>>> {
    let p = user.principal.clone();
    Ok(Json(state.run(move |s| s.api_tokens_of(&p)).await?))
}

/// Revokes one of the signed-in person's own tokens (another's is not found).
#[utoipa::path(delete, path = "/api/v1/tokens/{id}", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ApiErrorBody)))]
pub async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<StatusCode> {
    let p = user.principal.clone();
    state.run(move |s| s.revoke_api_token(&p, id)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct PasswordChange {
    pub current_password: String,
    /// At least 10 characters, not common or guessable, without one's own name.
    pub new_password: String,
}

/// Changes the signed-in person's own password; every other session ends (tokens stay).
#[utoipa::path(post, path = "/api/v1/me/password", request_body = PasswordChange,
    responses((status = 204), (status = 422, body = ApiErrorBody)))]
pub async fn change_password(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<PasswordChange>,
) -> ApiResult<StatusCode> {
    let p = user.principal.clone();
    let mut errs = FieldErrors::default();
    if let Some(problem) = auth::password_problem(&req.new_password, &p.username, &p.display_name) {
        errs.add("new_password", problem);
    }
    let hash = state.run(move |s| s.password_hash_of(&p)).await?;
    let current = req.current_password;
    if !tokio::task::spawn_blocking(move || auth::verify_password(&current, &hash)).await? {
        errs.add("current_password", msg::WRONG_CURRENT_PASSWORD);
    }
    if !errs.is_empty() {
        return Err(AppError::Invalid(errs));
    }
    let password = req.new_password;
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await??;
    let keep = match &user.via {
        Via::Session { token_hash, .. } => Some(token_hash.clone()),
        Via::Token => None,
    };
    let p = user.principal.clone();
    state.run(move |s| s.change_password(&p, &hash, keep.as_deref())).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Default, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct SignOutEverywhere {
    /// Also revoke every API token of the person (this request's too).
    #[serde(default)]
    pub revoke_tokens: bool,
}

/// Ends every session of the signed-in person; their API tokens only when asked.
#[utoipa::path(post, path = "/api/v1/me/sign-out-everywhere", request_body = SignOutEverywhere,
    responses((status = 204), (status = 401, body = ApiErrorBody)))]
pub async fn sign_out_everywhere(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<SignOutEverywhere>,
) -> ApiResult<StatusCode> {
    let p = user.principal.clone();
    state.run(move |s| s.sign_out_everywhere(&p, req.revoke_tokens)).await?;
    Ok(StatusCode::NO_CONTENT)
}
