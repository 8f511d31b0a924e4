//! Sign-in, sign-out, and the first administrator's setup.

use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::auth::{self, CurrentUser, LOGIN_CSRF_COOKIE, MaybeUser};
use crate::body::FormPairs;
use crate::client_addr::ClientAddr;
use crate::error::AppError;
use crate::throttle::{self, Attempt, LoginOutcome, Passed};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use shouhu_domain::msg;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::audit::Action;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login", get(login_page).post(login_submit))
        .route("/logout", axum::routing::post(logout))
        .route("/setup", get(setup_page).post(setup_submit))
}

pub struct DemoRow {
    pub username: String,
    pub role: String,
    pub org: String,
}

#[derive(Template)]
#[template(path = "login.html")]
pub struct LoginPage {
    pub layout: Layout,
    pub login_csrf: String,
    pub username: String,
    pub error: String,
    pub demo: Vec<DemoRow>,
    pub demo_password: String,
    pub needs_setup: bool,
    /// The demo's TOTP secret, grouped, and its QR code.
    pub demo_totp: String,
    pub demo_totp_qr: String,
}

fn login_page_with(state: &AppState, username: &str, error: &str) -> axum::response::Response {
    let token = auth::random_token();
    let demo = state
        .config
        .demo_logins
        .iter()
        .map(|d| DemoRow { username: d.username.clone(), role: d.role.clone(), org: d.org.clone() })
        .collect();
    let page = LoginPage {
        layout: Layout::new(msg::LOGIN, None),
        login_csrf: token.clone(),
        username: username.to_string(),
        error: error.to_string(),
        demo,
        demo_password: state.config.demo_logins.first().map(|d| d.password.clone()).unwrap_or_default(),
        needs_setup: state.setup_token.lock().map(|t| t.is_some()).unwrap_or(false),
        demo_totp: crate::second_factor::grouped(&state.config.demo_totp_secret),
        demo_totp_qr: demo_qr(&state.config.demo_totp_secret),
    };
    let mut res = render(&page);
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let cookie = format!("{LOGIN_CSRF_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age=3600{secure}");
    if let Ok(v) = cookie.parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    res
}

/// The QR code of the demo's TOTP secret (for an authenticator app), if there is one.
fn demo_qr(secret: &str) -> String {
    if secret.is_empty() {
        return String::new();
    }
    crate::second_factor::otpauth_url(secret, "demo")
        .and_then(|url| crate::second_factor::qr_svg(&url))
        .unwrap_or_default()
}

async fn login_page(State(state): State<AppState>, MaybeUser(user): MaybeUser) -> PageResult {
    if let Some(u) = user {
        return Ok(Redirect::to(super::home(u.principal.role)).into_response());
    }
    Ok(login_page_with(&state, "", ""))
}

async fn login_submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    form: FormPairs,
) -> PageResult {
    let sent = form.get("csrf").unwrap_or("");
    let expected = auth::cookie(&headers, LOGIN_CSRF_COOKIE).unwrap_or("");
    if expected.is_empty() || !auth::constant_time_eq(sent, expected) {
        let mut res = login_page_with(&state, "", msg::CSRF);
        *res.status_mut() = StatusCode::FORBIDDEN;
        return Ok(res);
    }
    let username = form.get("username").unwrap_or("").trim().to_string();
    let password = form.get("password").unwrap_or("");
    let attempt = Attempt::new(&username, addr, &headers);
    match throttle::check_password(&state, &attempt, password).await? {
        LoginOutcome::Ok(passed) => match super::second_factor::after_password(&state, &passed).await? {
            Some(second_step) => Ok(second_step),
            None => signed_in(&state, &passed, "web").await,
        },
        LoginOutcome::BadCredentials => {
            let mut res = login_page_with(&state, &username, msg::BAD_CREDENTIALS);
            *res.status_mut() = StatusCode::UNAUTHORIZED;
            Ok(res)
        }
        LoginOutcome::Wait(seconds) => Ok(wait_page(&state, &username, seconds)),
    }
}

/// The sign-in form again, 429, saying when to try again (also in `Retry-After`).
pub(crate) fn wait_page(state: &AppState, username: &str, seconds: i64) -> axum::response::Response {
    let mut res = login_page_with(state, username, &msg::sign_in_wait(seconds));
    *res.status_mut() = StatusCode::TOO_MANY_REQUESTS;
    res.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
    res
}

/// Every step of a sign-in passed: the session starts and the user goes home.
async fn signed_in(state: &AppState, passed: &Passed, how: &'static str) -> PageResult {
    let mut res = Redirect::to(super::home(passed.principal.role)).into_response();
    for c in start_signed_in(state, passed, how).await? {
        if let Ok(v) = c.parse() {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    Ok(res)
}

/// Every step of a sign-in passed: the attempt is no failure, the session starts (audited)
/// and the browser becomes a known device of the account. Returns the cookies to set: the
/// session's first.
pub(crate) async fn start_signed_in(
    state: &AppState,
    passed: &Passed,
    how: &'static str,
) -> Result<Vec<String>, AppError> {
    throttle::finish(state, passed).await?;
    let device = throttle::remember(state, passed).await?;
    let cookie = auth::start_session(state, passed.principal.user_id).await?;
    let actor = passed.principal.clone();
    state.run(move |s| s.audit(&actor, Action::Login, None, how)).await?;
    Ok(vec![cookie, device])
}

async fn logout(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    if let auth::Via::Session { token_hash, .. } = &user.via {
        let h = token_hash.clone();
        let actor = user.principal.clone();
        state
            .run(move |s| {
                s.delete_session(&h)?;
                s.audit(&actor, Action::Logout, None, "web")
            })
            .await?;
    }
    let mut res = Redirect::to("/login").into_response();
    if let Ok(v) = auth::clear_session_cookie().parse() {
        res.headers_mut().append(SET_COOKIE, v);
    }
    Ok(res)
}

#[derive(Template)]
#[template(path = "setup.html")]
pub struct SetupPage {
    pub layout: Layout,
    pub errors: Vec<String>,
    pub username: String,
    pub display_name: String,
}

async fn setup_page(State(state): State<AppState>) -> PageResult {
    if state.setup_token.lock().map(|t| t.is_none()).unwrap_or(true) {
        return Err(PageError(AppError::State(msg::SETUP_DONE)));
    }
    Ok(render(&SetupPage {
        layout: Layout::new(msg::SETUP_TITLE, None),
        errors: Vec::new(),
        username: String::new(),
        display_name: String::new(),
    }))
}

/// Creates the first administrator. Guarded by the one-time token printed at start-up, so
/// that whoever reaches the server first over the network cannot take it over.
async fn setup_submit(State(state): State<AppState>, form: FormPairs) -> PageResult {
    let expected = state.setup_token.lock().ok().and_then(|t| t.clone());
    let Some(expected) = expected else {
        return Err(PageError(AppError::State(msg::SETUP_DONE)));
    };
    let username = form.get("username").unwrap_or("").trim().to_string();
    let display_name = form.get("display_name").unwrap_or("").trim().to_string();
    let password = form.get("password").unwrap_or("").to_string();
    let mut errors = Vec::new();
    if !auth::constant_time_eq(form.get("token").unwrap_or("").trim(), &expected) {
        errors.push(msg::SETUP_TOKEN.to_string());
    }
    if username.is_empty() || display_name.is_empty() {
        errors.push(format!("{}、{}：{}", msg::USERNAME, msg::DISPLAY_NAME, msg::REQUIRED));
    }
    if let Some(problem) = auth::password_problem(&password, &username, &display_name) {
        errors.push(problem.to_string());
    }
    if form.get("password2").unwrap_or("") != password {
        errors.push(msg::PASSWORDS_DIFFER.to_string());
    }
    if !errors.is_empty() {
        let mut res =
            render(&SetupPage { layout: Layout::new(msg::SETUP_TITLE, None), errors, username, display_name });
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        return Ok(res);
    }
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(AppError::from)??;
    state
        .run(move |s| {
            if s.count_admins()? > 0 {
                return Err(shouhu_store::StoreError::State(msg::SETUP_DONE));
            }
            let org = s.create_org(msg::SETUP_ORG_NAME, OrgType::CityCivilAffairs, "12")?;
            s.create_user(&username, &display_name, &hash, org, Role::Admin)
        })
        .await?;
    if let Ok(mut t) = state.setup_token.lock() {
        *t = None;
    }
    Ok(Redirect::to("/login").into_response())
}
