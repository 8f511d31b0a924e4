//! Sign-in attempts: growing waits per account and per address, and known devices
//! (decision 81).
//!
//! A failed attempt counts against the account and the client's address; once either has
//! used its free failures, each further attempt must wait a doubling time (settings
//! `sign_in.*`), and an attempt before then is answered 429 without looking at the password.
//! A browser where the account's owner signed in before carries a known-device cookie: its
//! attempts count against that device only, so an attacker's failures never keep the owner
//! out of their own browser.

use crate::AppState;
use crate::auth::{self, dummy_hash, token_hash, verify_password};
use crate::client_addr::address_key;
use crate::error::AppError;
use axum::http::HeaderMap;
use shouhu_store::sign_in::{Admission, ThrottleKey};
use shouhu_store::users::Principal;
use std::net::IpAddr;

/// The known-device cookie: a random token, stored hashed and bound to one account.
pub const DEVICE_COOKIE: &str = "shouhu_device";

/// Who is trying to sign in, from where, with which known-device cookie.
#[derive(Debug, Clone)]
pub struct Attempt {
    pub username: String,
    pub addr: IpAddr,
    /// The known-device cookie the browser sent, if any (not yet checked).
    pub device_token: Option<String>,
}

impl Attempt {
    pub fn new(username: &str, addr: IpAddr, headers: &HeaderMap) -> Attempt {
        Attempt {
            username: username.trim().to_string(),
            addr,
            device_token: auth::cookie(headers, DEVICE_COOKIE).filter(|t| !t.is_empty()).map(str::to_string),
        }
    }
}

/// A password found right; the sign-in is done once [`finish`] is called.
#[derive(Debug, Clone)]
pub struct Passed {
    pub principal: Principal,
    /// The known device the attempt came from, if its cookie is this account's.
    pub device: Option<i64>,
    pub device_token: Option<String>,
    /// The attempt's failure rows, withdrawn when it succeeds.
    pub attempt: Vec<i64>,
    /// The account's (or known device's) key, cleared when the sign-in is done.
    pub key: String,
}

impl Passed {
    /// A step passed by `principal` in `attempt`, counted as the failure rows `ids`, from the
    /// known device `device` (the attempt's cookie, if it is one of the account's).
    pub fn new(principal: Principal, attempt: &Attempt, ids: Vec<i64>, device: Option<i64>) -> Passed {
        Passed {
            key: match device {
                Some(id) => format!("device:{id}"),
                None => format!("user:{}", attempt.username),
            },
            principal,
            device,
            device_token: attempt.device_token.clone(),
            attempt: ids,
        }
    }
}

/// Outcome of a sign-in attempt.
pub enum LoginOutcome {
    Ok(Box<Passed>),
    BadCredentials,
    /// Refused unheard: try again in this many seconds.
    Wait(i64),
}

/// The keys an attempt counts under: its known device alone, or the account and the address.
fn keys(state: &AppState, username: &str, addr: IpAddr, device: Option<i64>) -> Vec<ThrottleKey> {
    let s = state.store.settings.sign_in;
    match device {
        Some(id) => vec![ThrottleKey { key: format!("device:{id}"), free: s.free_failures_per_account }],
        None => vec![
            ThrottleKey { key: format!("user:{username}"), free: s.free_failures_per_account },
            ThrottleKey { key: address_key(addr), free: s.free_failures_per_address },
        ],
    }
}

/// Seconds from now until `t`, rounded up, at least 1.
fn seconds_until(state: &AppState, t: chrono::DateTime<chrono::Utc>) -> i64 {
    let ms = (t - state.store.now()).num_milliseconds();
    ((ms + 999) / 1000).max(1)
}

/// Counts an attempt under its keys (its known device's, or the account's and the
/// address's), or says how long it must wait. The device id is the attempt's known device.
pub async fn admit(state: &AppState, attempt: &Attempt) -> Result<Result<(Vec<i64>, Option<i64>), i64>, AppError> {
    let (user, token) = (attempt.username.clone(), attempt.device_token.clone());
    let device = match token {
        Some(t) => state.run(move |s| s.known_device(&token_hash(&t), &user)).await?,
        None => None,
    };
    let keys = keys(state, &attempt.username, attempt.addr, device);
    match state.run(move |s| s.admit_sign_in(&keys)).await? {
        Admission::Go(ids) => Ok(Ok((ids, device))),
        Admission::WaitUntil(t) => Ok(Err(seconds_until(state, t))),
    }
}

/// Checks a username and password, unless the attempt must wait (then the password is not
/// looked at). A failure stays counted; a success is counted as one only once [`finish`]ed.
pub async fn check_password(state: &AppState, attempt: &Attempt, password: &str) -> Result<LoginOutcome, AppError> {
    let (ids, device) = match admit(state, attempt).await? {
        Ok(go) => go,
        Err(seconds) => return Ok(LoginOutcome::Wait(seconds)),
    };
    let (user, pass) = (attempt.username.clone(), password.to_string());
    let store = state.store.clone();
    let found = tokio::task::spawn_blocking(move || -> Result<_, shouhu_store::StoreError> {
        let found = store.user_for_login(&user)?;
        let hash = found.as_ref().map_or(dummy_hash(), |(_, h)| h.as_str());
        Ok(verify_password(&pass, hash).then_some(found).flatten())
    })
    .await??;
    Ok(match found {
        Some((principal, _)) => LoginOutcome::Ok(Box::new(Passed::new(principal, attempt, ids, device))),
        None => LoginOutcome::BadCredentials,
    })
}

/// Withdraws a successful step's failure rows (the password before its second factor).
pub async fn withdraw(state: &AppState, attempt: Vec<i64>) -> Result<(), AppError> {
    state.run(move |s| s.sign_in_succeeded(&attempt, None)).await
}

/// The sign-in is done: the attempt was no failure, and the account's (or device's)
/// failures are forgotten.
pub async fn finish(state: &AppState, passed: &Passed) -> Result<(), AppError> {
    let (attempt, key) = (passed.attempt.clone(), passed.key.clone());
    state.run(move |s| s.sign_in_succeeded(&attempt, Some(&key))).await
}

/// Remembers the browser of a finished sign-in as a known device of the account (its own
/// cookie again, or a new one); returns the cookie to set.
pub async fn remember(state: &AppState, passed: &Passed) -> Result<String, AppError> {
    let (device, user_id) = (passed.device, passed.principal.user_id);
    let token = match (&passed.device_token, device) {
        (Some(t), Some(_)) => t.clone(),
        _ => auth::random_token(),
    };
    let h = token_hash(&token);
    state.run(move |s| s.remember_device(device, &h, user_id)).await?;
    Ok(device_cookie(state, &token))
}

/// The known-device cookie: sent only to the sign-in pages, never readable by scripts, never
/// sent by another site.
pub fn device_cookie(state: &AppState, token: &str) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    let age = state.store.settings.sign_in.known_device_ttl.num_seconds();
    format!("{DEVICE_COOKIE}={token}; Path=/login; HttpOnly; SameSite=Strict; Max-Age={age}{secure}")
}
