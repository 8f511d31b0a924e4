//! One's own account (我的账号: change password, my API tokens, sign out everywhere), the
//! one-time set-password link, and the second approval of accounts (账号审核). Issue 21,
//! decisions 76-80.

use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::accounts::{Handover, Secret};
use crate::auth::{self, CurrentUser, Via};
use crate::body::{FormPairs, IdPath};
use crate::error::AppError;
use askama::Template;
use axum::Router;
use axum::extract::{Path, State};
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use shouhu_domain::msg;
use shouhu_domain::role::{AccountKind, Role};
use shouhu_store::accounts::{ApiToken, PendingAccount};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/account", get(account))
        .route("/account/password", post(change_password))
        .route("/account/tokens/{id}/revoke", post(revoke_token))
        .route("/account/sign-out-everywhere", post(sign_out_everywhere))
        .route("/account/notify-sound", post(set_notify_sound))
        .route("/set-password/{token}", get(set_password_page).post(set_password))
        .route("/approvals", get(approvals))
        .route("/approvals/{id}", post(approve))
}

pub struct TokenRow {
    pub token: ApiToken,
    pub created: String,
    pub expires: String,
}

#[derive(Template)]
#[template(path = "account.html")]
pub struct AccountPage {
    pub layout: Layout,
    pub username: String,
    pub role: &'static str,
    pub org: String,
    pub tokens: Vec<TokenRow>,
    pub errors: Vec<String>,
    pub notice: String,
    /// The duty desk's sound for a critical report: shown to the duty desk only.
    pub duty_desk: bool,
    pub sound: bool,
}

async fn account_page(state: &AppState, user: &CurrentUser, errors: Vec<String>, notice: &str) -> PageResult {
    let p = user.principal.clone();
    let (tokens, sound) = state.run(move |s| Ok((s.api_tokens_of(&p)?, s.notify_sound(p.user_id)?))).await?;
    Ok(render(&AccountPage {
        duty_desk: shouhu_domain::report::may_act_as_duty_desk(user.principal.role, user.principal.org_type),
        sound,
        layout: Layout::new(msg::MY_ACCOUNT, Some(user)),
        username: user.principal.username.clone(),
        role: user.principal.role.label(),
        org: user.principal.org_name.clone(),
        tokens: tokens
            .into_iter()
            .map(|t| TokenRow {
                created: super::view::china_time(t.created_at),
                expires: super::view::china_time(t.expires_at),
                token: t,
            })
            .collect(),
        errors,
        notice: notice.to_string(),
    }))
}

async fn account(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    account_page(&state, &user, Vec::new(), "").await
}

/// Turns one's own alarm for critical reports on or off (a checkbox: absent is off).
async fn set_notify_sound(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let on = form.get("sound") == Some("1");
    let p = user.principal.clone();
    state.run(move |s| s.set_notify_sound(&p, on)).await?;
    account_page(&state, &user, Vec::new(), msg::NOTIFY_SOUND_SAVED).await
}

/// Checks a new password typed twice: the rules of `auth::password_problem`.
fn new_password_problems(form: &FormPairs, username: &str, display_name: &str) -> Vec<String> {
    let password = form.get("password").unwrap_or("");
    let mut errors = Vec::new();
    if let Some(problem) = auth::password_problem(password, username, display_name) {
        errors.push(format!("{}：{problem}", msg::NEW_PASSWORD));
    }
    if form.get("password2").unwrap_or("") != password {
        errors.push(msg::PASSWORDS_DIFFER.to_string());
    }
    errors
}

/// Changes one's own password: the current one is asked for, the new one checked; every
/// other session ends, this one stays.
async fn change_password(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let p = user.principal.clone();
    let mut errors = new_password_problems(&form, &p.username, &p.display_name);
    let current = form.get("current").unwrap_or("").to_string();
    let hash = state.run(move |s| s.password_hash_of(&p)).await?;
    let right =
        tokio::task::spawn_blocking(move || auth::verify_password(&current, &hash)).await.map_err(AppError::from)?;
    if !right {
        errors.insert(0, format!("{}：{}", msg::CURRENT_PASSWORD, msg::WRONG_CURRENT_PASSWORD));
    }
    if !errors.is_empty() {
        let mut res = account_page(&state, &user, errors, "").await?;
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let password = form.get("password").unwrap_or("").to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(AppError::from)??;
    let keep = match &user.via {
        Via::Session { token_hash, .. } => Some(token_hash.clone()),
        Via::Token => None,
    };
    let p = user.principal.clone();
    state.run(move |s| s.change_password(&p, &hash, keep.as_deref())).await?;
    account_page(&state, &user, Vec::new(), msg::PASSWORD_CHANGED).await
}

async fn revoke_token(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let p = user.principal.clone();
    state.run(move |s| s.revoke_api_token(&p, id)).await?;
    account_page(&state, &user, Vec::new(), msg::TOKEN_REVOKED).await
}

/// Ends every session of the person, this one too; their API tokens only when ticked.
async fn sign_out_everywhere(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let p = user.principal.clone();
    let revoke = form.get("revoke_tokens").is_some();
    state.run(move |s| s.sign_out_everywhere(&p, revoke)).await?;
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = auth::clear_session_cookie().parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "set_password.html")]
pub struct SetPasswordPage {
    pub layout: Layout,
    pub token: String,
    pub username: String,
    pub display_name: String,
    pub errors: Vec<String>,
}

/// A link that is unknown, spent or expired: the same page for all three.
fn link_invalid() -> PageError {
    PageError(AppError::State(msg::LINK_INVALID))
}

async fn set_password_page(State(state): State<AppState>, Path(token): Path<String>) -> PageResult {
    let h = auth::token_hash(&token);
    let found = state.run(move |s| s.link_account(&h)).await?.ok_or_else(link_invalid)?;
    Ok(render(&SetPasswordPage {
        layout: Layout::new(msg::SET_PASSWORD_TITLE, None),
        token,
        username: found.username,
        display_name: found.display_name,
        errors: Vec::new(),
    }))
}

/// The person sets their own password with the link, which is then spent. No sign-in: the
/// link's 256 random bits are the proof.
async fn set_password(State(state): State<AppState>, Path(token): Path<String>, form: FormPairs) -> PageResult {
    let h = auth::token_hash(&token);
    let found = state.run(move |s| s.link_account(&h)).await?.ok_or_else(link_invalid)?;
    let errors = new_password_problems(&form, &found.username, &found.display_name);
    if !errors.is_empty() {
        let mut res = render(&SetPasswordPage {
            layout: Layout::new(msg::SET_PASSWORD_TITLE, None),
            token,
            username: found.username,
            display_name: found.display_name,
            errors,
        });
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let password = form.get("password").unwrap_or("").to_string();
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(AppError::from)??;
    let h = auth::token_hash(&token);
    match state.run(move |s| s.use_link(&h, &hash)).await {
        Ok(_) => Ok(Redirect::to("/login").into_response()),
        Err(AppError::NotFound) => Err(link_invalid()),
        Err(e) => Err(PageError(e)),
    }
}

pub struct PendingRow {
    pub account: PendingAccount,
    pub requested_at: String,
}

#[derive(Template)]
#[template(path = "approvals.html")]
pub struct ApprovalsPage {
    pub layout: Layout,
    pub rows: Vec<PendingRow>,
    pub handover: Handover,
}

async fn approvals_page(state: &AppState, user: &CurrentUser, handover: Handover) -> PageResult {
    let p = user.principal.clone();
    let pending = state.run(move |s| s.pending_accounts(&p)).await?;
    Ok(render(&ApprovalsPage {
        layout: Layout::new(msg::APPROVALS, Some(user)),
        rows: pending
            .into_iter()
            .map(|a| PendingRow { requested_at: super::view::china_time(a.requested_at), account: a })
            .collect(),
        handover,
    }))
}

async fn approvals(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    user.require(Role::may_approve_accounts)?;
    approvals_page(&state, &user, Handover::default()).await
}

/// Approves a change waiting on an account; a new or reset account's link (a system's
/// token) is shown here once, to the approver, who hands it over.
async fn approve(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::may_approve_accounts)?;
    let secret = Secret::new();
    let (p, h) = (user.principal.clone(), secret.hash.clone());
    let issued = state.run(move |s| s.approve_account(&p, id, &h)).await?;
    let handover = Handover::new(&state, issued, &secret, &headers);
    approvals_page(&state, &user, handover).await
}
