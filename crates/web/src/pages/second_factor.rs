//! The second step of signing in, setting up a second factor, and its reset by an
//! administrator (decision 83).
//!
//! A right password for a user with a second factor (or whose role needs one) does not start
//! a session: it starts a half-done sign-in, a cookie for the sign-in pages only, with which
//! nothing can be read. The session starts once the code is right, or once a user who must
//! set up a second factor has done so.

use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::auth::{self, CurrentUser, random_token, token_hash};
use crate::body::{FormPairs, IdPath};
use crate::client_addr::ClientAddr;
use crate::error::AppError;
use crate::second_factor::{self as factor, Passed as How};
use crate::throttle::{self, Attempt, Passed};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::header::SET_COOKIE;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::{get, post};
use shouhu_domain::msg;
use shouhu_domain::role::Role;
use shouhu_store::audit::Action;
use shouhu_store::users::Principal;

/// The half-done sign-in's cookie: for the sign-in pages only.
pub const PENDING_COOKIE: &str = "shouhu_pending";

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/login/code", get(code_page).post(code_submit))
        .route("/login/enrol", get(enrol_page).post(enrol_submit))
        .route("/second-factor", get(own_page).post(own_confirm))
        .route("/admin/users/{id}/second-factor/reset", post(admin_reset))
}

#[derive(Template)]
#[template(path = "second_factor_code.html")]
pub struct CodePage {
    pub layout: Layout,
    pub csrf: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "second_factor_enrol.html")]
pub struct EnrolPage {
    pub layout: Layout,
    /// Where the form goes: the sign-in's enrolment or the signed-in user's own page.
    pub action: &'static str,
    pub csrf: String,
    pub required: bool,
    pub qr_svg: String,
    pub secret: String,
    pub error: String,
}

#[derive(Template)]
#[template(path = "second_factor_codes.html")]
pub struct CodesPage {
    pub layout: Layout,
    pub codes: Vec<String>,
    pub next: &'static str,
}

#[derive(Template)]
#[template(path = "second_factor.html")]
pub struct OwnPage {
    pub layout: Layout,
    pub left: i64,
}

fn with_status(mut res: Response, status: StatusCode) -> Response {
    *res.status_mut() = status;
    res
}

fn with_cookies(mut res: Response, cookies: &[String]) -> Response {
    for c in cookies {
        if let Ok(v) = c.parse() {
            res.headers_mut().append(SET_COOKIE, v);
        }
    }
    res
}

fn pending_cookie(state: &AppState, token: &str, max_age: i64) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!("{PENDING_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={max_age}{secure}")
}

/// After a right password: the second step, if the user has a second factor or their role
/// needs one (`None`: the password was enough). The password attempt is withdrawn; the
/// account's failures are forgotten only when the second step is passed too.
pub(crate) async fn after_password(state: &AppState, passed: &Passed) -> Result<Option<Response>, AppError> {
    let (uid, role) = (passed.principal.user_id, passed.principal.role);
    let has = state.run(move |s| s.has_second_factor(uid)).await?;
    let to = match (has, role.needs_second_factor()) {
        (true, _) => "/login/code",
        (false, true) => "/login/enrol",
        (false, false) => return Ok(None),
    };
    throttle::withdraw(state, passed.attempt.clone()).await?;
    let (token, csrf) = (random_token(), random_token());
    let ttl = state.store.settings.sign_in.second_step;
    let h = token_hash(&token);
    state.run(move |s| s.create_pending_sign_in(&h, uid, &csrf, s.now() + ttl)).await?;
    let res = Redirect::to(to).into_response();
    Ok(Some(with_cookies(res, &[pending_cookie(state, &token, ttl.num_seconds())])))
}

struct Pending {
    principal: Principal,
    csrf: String,
    token_hash: String,
}

async fn pending(state: &AppState, headers: &HeaderMap) -> Result<Option<Pending>, AppError> {
    let Some(token) = auth::cookie(headers, PENDING_COOKIE).filter(|t| !t.is_empty()) else {
        return Ok(None);
    };
    let h = token_hash(token);
    let h2 = h.clone();
    let found = state.run(move |s| s.pending_sign_in(&h2)).await?;
    Ok(found.map(|(principal, csrf)| Pending { principal, csrf, token_hash: h }))
}

/// Back to the password: the half-done sign-in is gone or timed out.
fn start_again() -> PageResult {
    Ok(Redirect::to("/login").into_response())
}

fn code_page_with(csrf: &str, error: &str, status: StatusCode) -> Response {
    let page =
        CodePage { layout: Layout::new(msg::SECOND_FACTOR_CODE_TITLE, None), csrf: csrf.into(), error: error.into() };
    with_status(render(&page), status)
}

async fn code_page(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let Some(p) = pending(&state, &headers).await? else { return start_again() };
    let uid = p.principal.user_id;
    if !state.run(move |s| s.has_second_factor(uid)).await? {
        return Ok(Redirect::to("/login/enrol").into_response());
    }
    Ok(code_page_with(&p.csrf, "", StatusCode::OK))
}

/// Counts a second-step attempt like a password's (the known device's key, or the account's
/// and the address's); `Err` is the response of an attempt that must wait.
async fn admit(
    state: &AppState,
    p: &Pending,
    addr: std::net::IpAddr,
    headers: &HeaderMap,
    refused: impl Fn(&str, StatusCode) -> Response,
) -> Result<Result<Passed, Response>, AppError> {
    let attempt = Attempt::new(&p.principal.username, addr, headers);
    Ok(match throttle::admit(state, &attempt).await? {
        Ok((ids, device)) => Ok(Passed::new(p.principal.clone(), &attempt, ids, device)),
        Err(seconds) => {
            let mut res = refused(&msg::sign_in_wait(seconds), StatusCode::TOO_MANY_REQUESTS);
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
            Err(res)
        }
    })
}

async fn code_submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    form: FormPairs,
) -> PageResult {
    let Some(p) = pending(&state, &headers).await? else { return start_again() };
    if !auth::constant_time_eq(form.get("csrf").unwrap_or(""), &p.csrf) {
        return Err(PageError(AppError::Csrf));
    }
    let csrf = p.csrf.clone();
    let passed = match admit(&state, &p, addr, &headers, |m, s| code_page_with(&csrf, m, s)).await? {
        Ok(passed) => passed,
        Err(res) => return Ok(res),
    };
    let (uid, code) = (p.principal.user_id, form.get("code").unwrap_or("").to_string());
    let Some(how) = state.run(move |s| factor::check_and_use(s, uid, &code)).await? else {
        return Ok(code_page_with(&p.csrf, msg::SECOND_FACTOR_BAD_CODE, StatusCode::UNAUTHORIZED));
    };
    let h = p.token_hash.clone();
    let actor = p.principal.clone();
    state
        .run(move |s| {
            s.delete_pending_sign_in(&h)?;
            if how == How::RecoveryCode {
                let left = s.recovery_codes_left(actor.user_id)?;
                s.audit(&actor, Action::UseRecoveryCode, None, &format!("{}{left}", msg::RECOVERY_CODES_LEFT))?;
            }
            Ok(())
        })
        .await?;
    let cookies = super::login::start_signed_in(&state, &passed, "web").await?;
    let res = Redirect::to(super::home(passed.principal.role)).into_response();
    Ok(with_cookies(res, &[cookies, vec![pending_cookie(&state, "", 0)]].concat()))
}

async fn enrol_page_for(
    state: &AppState,
    who: &Principal,
    action: &'static str,
    csrf: &str,
    error: &str,
    status: StatusCode,
    layout: Layout,
) -> PageResult {
    let (fresh, user_id) = (factor::new_secret(), who.user_id);
    let secret = state.run(move |s| s.start_enrolment(user_id, &fresh)).await?;
    let page = EnrolPage {
        layout,
        action,
        csrf: csrf.into(),
        required: action == "/login/enrol",
        qr_svg: factor::qr_svg(&factor::otpauth_url(&secret, &who.username)?)?,
        secret: factor::grouped(&secret),
        error: error.into(),
    };
    Ok(with_status(render(&page), status))
}

async fn enrol_page(State(state): State<AppState>, headers: HeaderMap) -> PageResult {
    let Some(p) = pending(&state, &headers).await? else { return start_again() };
    let uid = p.principal.user_id;
    if state.run(move |s| s.has_second_factor(uid)).await? {
        return Ok(Redirect::to("/login/code").into_response());
    }
    let layout = Layout::new(msg::SECOND_FACTOR_ENROL_TITLE, None);
    enrol_page_for(&state, &p.principal, "/login/enrol", &p.csrf, "", StatusCode::OK, layout).await
}

/// Confirms a set-up by its first code: new recovery codes, audited. `None` if the code is
/// wrong (or the set-up was not started).
async fn confirm(state: &AppState, who: &Principal, code: &str) -> Result<Option<Vec<String>>, AppError> {
    let (uid, code) = (who.user_id, code.to_string());
    let n = usize::try_from(state.store.settings.sign_in.recovery_codes).unwrap_or(10);
    let (codes, hashes) = factor::new_recovery_codes(n);
    let actor = who.clone();
    let done = state
        .run(move |s| {
            let Some(f) = s.second_factor(uid)?.filter(|f| !f.confirmed) else { return Ok(false) };
            let Some(step) = factor::matching_step(&f.secret, &code, s.now())? else { return Ok(false) };
            s.confirm_second_factor(uid, step, &hashes)?;
            s.audit(&actor, Action::EnrolSecondFactor, None, "")?;
            Ok(true)
        })
        .await?;
    Ok(done.then_some(codes))
}

async fn enrol_submit(
    State(state): State<AppState>,
    ClientAddr(addr): ClientAddr,
    headers: HeaderMap,
    form: FormPairs,
) -> PageResult {
    let Some(p) = pending(&state, &headers).await? else { return start_again() };
    if !auth::constant_time_eq(form.get("csrf").unwrap_or(""), &p.csrf) {
        return Err(PageError(AppError::Csrf));
    }
    let refused = |error: String, status: StatusCode| {
        let layout = Layout::new(msg::SECOND_FACTOR_ENROL_TITLE, None);
        let (state, who, csrf) = (state.clone(), p.principal.clone(), p.csrf.clone());
        async move { enrol_page_for(&state, &who, "/login/enrol", &csrf, &error, status, layout).await }
    };
    let attempt = Attempt::new(&p.principal.username, addr, &headers);
    let passed = match throttle::admit(&state, &attempt).await? {
        Ok((ids, device)) => Passed::new(p.principal.clone(), &attempt, ids, device),
        Err(seconds) => {
            let mut res = refused(msg::sign_in_wait(seconds), StatusCode::TOO_MANY_REQUESTS).await?;
            res.headers_mut().insert(axum::http::header::RETRY_AFTER, seconds.into());
            return Ok(res);
        }
    };
    let Some(codes) = confirm(&state, &p.principal, form.get("code").unwrap_or("")).await? else {
        return refused(msg::SECOND_FACTOR_BAD_CODE.into(), StatusCode::UNAUTHORIZED).await;
    };
    let h = p.token_hash.clone();
    state.run(move |s| s.delete_pending_sign_in(&h)).await?;
    let cookies = super::login::start_signed_in(&state, &passed, "web").await?;
    let page = CodesPage {
        layout: Layout::new(msg::RECOVERY_CODES_TITLE, None),
        codes,
        next: super::home(passed.principal.role),
    };
    Ok(with_cookies(render(&page), &[cookies, vec![pending_cookie(&state, "", 0)]].concat()))
}

/// The signed-in user's second factor: its state, or setting one up.
async fn own_page(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    let uid = user.principal.user_id;
    if state.run(move |s| s.has_second_factor(uid)).await? {
        let left = state.run(move |s| s.recovery_codes_left(uid)).await?;
        return Ok(render(&OwnPage { layout: Layout::new(msg::SECOND_FACTOR, Some(&user)), left }));
    }
    let layout = Layout::new(msg::SECOND_FACTOR_ENROL_TITLE, Some(&user));
    enrol_page_for(&state, &user.principal, "/second-factor", user.csrf(), "", StatusCode::OK, layout).await
}

async fn own_confirm(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let Some(codes) = confirm(&state, &user.principal, form.get("code").unwrap_or("")).await? else {
        let layout = Layout::new(msg::SECOND_FACTOR_ENROL_TITLE, Some(&user));
        return enrol_page_for(
            &state,
            &user.principal,
            "/second-factor",
            user.csrf(),
            msg::SECOND_FACTOR_BAD_CODE,
            StatusCode::UNPROCESSABLE_ENTITY,
            layout,
        )
        .await;
    };
    Ok(render(&CodesPage {
        layout: Layout::new(msg::RECOVERY_CODES_TITLE, Some(&user)),
        codes,
        next: "/second-factor",
    }))
}

/// An administrator resets a user's second factor (a lost phone): the user sets up a new one
/// at their next sign-in; their sessions end. Audited.
async fn admin_reset(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    reset(&state, &user, id).await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// The reset, for the page and the API.
pub async fn reset(state: &AppState, user: &CurrentUser, id: i64) -> Result<(), AppError> {
    let actor = user.principal.clone();
    state
        .run(move |s| {
            s.reset_second_factor(id)?;
            s.audit(&actor, Action::ResetSecondFactor, None, &format!("user {id}"))
        })
        .await
}
