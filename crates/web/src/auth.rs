//! Sign-in, sessions, API tokens and CSRF (sign-in waits: `throttle`).

use crate::AppState;
use crate::error::AppError;
use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use axum::extract::FromRequestParts;
use axum::http::header::{AUTHORIZATION, COOKIE};
use axum::http::request::Parts;
use axum::http::{HeaderMap, Method};
use chrono::Duration;
use rand::RngCore;
use sha2::{Digest, Sha256};
use shouhu_store::users::Principal;

pub const SESSION_COOKIE: &str = "shouhu_session";
/// Carries the CSRF token of the sign-in form, before any session exists (double submit).
pub const LOGIN_CSRF_COOKIE: &str = "shouhu_login_csrf";
pub const CSRF_HEADER: &str = "x-csrf-token";

/// A random token, hex-encoded (32 bytes of entropy).
pub fn random_token() -> String {
    let mut b = [0u8; 32];
    rand::rng().fill_bytes(&mut b);
    hex::encode(b)
}

/// Tokens are stored as their SHA-256: enough for random 256-bit secrets.
pub fn token_hash(token: &str) -> String {
    hex::encode(Sha256::digest(token.as_bytes()))
}

/// argon2id with the crate's defaults (OWASP's minimum: 19 MiB, 2 passes). Slow on purpose:
/// run it on the blocking pool.
/// What is wrong with a new password, if anything: too short, built on the person's own
/// username or name, or common or easily guessed (zxcvbn's dictionaries of common and
/// leaked passwords, names and keyboard patterns; a score under 3 is guessable in about
/// 10^8 tries). Issue 21: `1234567890` and `password12` were accepted.
pub fn password_problem(password: &str, username: &str, display_name: &str) -> Option<&'static str> {
    if password.chars().count() < 10 {
        return Some(shouhu_domain::msg::PASSWORD_TOO_SHORT);
    }
    let lower = password.to_lowercase();
    let own = [username.trim().to_lowercase(), display_name.trim().to_lowercase()];
    if own.iter().any(|n| n.chars().count() >= 2 && lower.contains(n.as_str())) {
        return Some(shouhu_domain::msg::PASSWORD_HAS_NAME);
    }
    let inputs: Vec<&str> = own.iter().map(String::as_str).filter(|s| !s.is_empty()).collect();
    if zxcvbn::zxcvbn(password, &inputs).score() < zxcvbn::Score::Three {
        return Some(shouhu_domain::msg::PASSWORD_GUESSABLE);
    }
    None
}

pub fn hash_password(password: &str) -> Result<String, AppError> {
    let mut salt = [0u8; 16];
    rand::rng().fill_bytes(&mut salt);
    let salt = SaltString::encode_b64(&salt).map_err(|e| AppError::Internal(e.to_string()))?;
    Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| AppError::Internal(e.to_string()))
}

pub fn verify_password(password: &str, hash: &str) -> bool {
    PasswordHash::new(hash).is_ok_and(|h| Argon2::default().verify_password(password.as_bytes(), &h).is_ok())
}

/// A fixed hash to verify against when the username does not exist, so that the answer
/// takes as long as for a real user and does not reveal which usernames exist.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c2hvdWh1ZHVtbXlzYWx0$2+SNp4j5HrGeOd0Bpc0M5q6vl6wQtoNBcQh6x4N9qbo"
}

/// Compares two secrets in time independent of where they differ.
pub fn constant_time_eq(a: &str, b: &str) -> bool {
    a.len() == b.len() && a.bytes().zip(b.bytes()).fold(0u8, |acc, (x, y)| acc | (x ^ y)) == 0
}

pub fn cookie<'a>(headers: &'a HeaderMap, name: &str) -> Option<&'a str> {
    headers
        .get_all(COOKIE)
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(';'))
        .filter_map(|kv| kv.trim().split_once('='))
        .find(|(k, _)| *k == name)
        .map(|(_, v)| v)
}

pub fn session_cookie(state: &AppState, token: &str, max_age: Duration) -> String {
    let secure = if state.config.secure_cookies { "; Secure" } else { "" };
    format!("{SESSION_COOKIE}={token}; Path=/; HttpOnly; SameSite=Strict; Max-Age={}{secure}", max_age.num_seconds())
}

pub fn clear_session_cookie() -> String {
    format!("{SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0")
}

/// How a request was authenticated: a browser session (which needs CSRF on writes) or an
/// API token (which cannot be sent by another site, so needs none).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Via {
    Session { token_hash: String, csrf: String },
    Token,
}

/// The signed-in user of a request. Extracting it fails with 401 when nobody is signed in.
#[derive(Debug, Clone)]
pub struct CurrentUser {
    pub principal: Principal,
    pub via: Via,
    /// The primary's WAL position after the user's last write: a read from the replica waits
    /// for it (decision 201).
    pub written_lsn: Option<i64>,
    /// The open tasks for the nav badge (待办), where the page counted them anyway (the home
    /// page); elsewhere the badge is filled by the page's script (decision 181).
    pub open_tasks: Option<i64>,
}

impl CurrentUser {
    pub fn csrf(&self) -> &str {
        match &self.via {
            Via::Session { csrf, .. } => csrf,
            Via::Token => "",
        }
    }

    /// Refuses the request unless the user's role allows it (`Role::may_write_children`, …).
    pub fn require(&self, allowed: fn(shouhu_domain::role::Role) -> bool) -> Result<(), AppError> {
        if allowed(self.principal.role) { Ok(()) } else { Err(AppError::Forbidden) }
    }

    /// Checks a form's or header's CSRF token against the session's.
    pub fn check_csrf(&self, sent: Option<&str>) -> Result<(), AppError> {
        match &self.via {
            Via::Token => Ok(()),
            Via::Session { csrf, .. } => match sent {
                Some(s) if constant_time_eq(s, csrf) => Ok(()),
                _ => Err(AppError::Csrf),
            },
        }
    }
}

/// Finds the user of a request from its session cookie or `Authorization: Bearer` token.
pub async fn authenticate(state: &AppState, headers: &HeaderMap) -> Result<Option<CurrentUser>, AppError> {
    if let Some(bearer) =
        headers.get(AUTHORIZATION).and_then(|v| v.to_str().ok()).and_then(|v| v.strip_prefix("Bearer "))
    {
        let h = token_hash(bearer.trim());
        let store = state.store.clone();
        // A role that needs a second factor is nobody without one (decision 83): the store
        // checks it in the same query.
        let found = tokio::task::spawn_blocking(move || store.api_token(&h)).await??;
        // A wrong token is a failed sign-in, not an anonymous request.
        return found
            .map(|(principal, written_lsn)| {
                Some(CurrentUser { principal, via: Via::Token, written_lsn, open_tasks: None })
            })
            .ok_or(AppError::Unauthenticated);
    }
    let Some(token) = cookie(headers, SESSION_COOKIE) else {
        return Ok(None);
    };
    let h = token_hash(token);
    let store = state.store.clone();
    let h2 = h.clone();
    let found = tokio::task::spawn_blocking(move || store.session(&h2)).await??;
    Ok(found.map(|(principal, csrf, written_lsn)| CurrentUser {
        principal,
        via: Via::Session { token_hash: h, csrf },
        written_lsn,
        open_tasks: None,
    }))
}

impl FromRequestParts<AppState> for CurrentUser {
    /// JSON for the API; for pages, the sign-in page or a page with the message.
    type Rejection = axum::response::Response;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        use axum::response::IntoResponse;
        let is_api = parts.uri.path().starts_with("/api/");
        let result = async {
            let user = authenticate(state, &parts.headers).await?.ok_or(AppError::Unauthenticated)?;
            // For the audit of a refusal that follows (crate::refusals).
            if let Some(who) = parts.extensions.get::<crate::refusals::Who>() {
                let _ = who.0.set(user.principal.clone());
            }
            // API writes from a browser session carry the token in a header.
            if is_api && !matches!(parts.method, Method::GET | Method::HEAD) {
                user.check_csrf(parts.headers.get(CSRF_HEADER).and_then(|v| v.to_str().ok()))?;
            }
            Ok::<_, AppError>(user)
        }
        .await;
        result.map_err(|e| if is_api { e.into_response() } else { crate::pages::PageError(e).into_response() })
    }
}

/// The user, if anyone is signed in (for pages that show a sign-in link otherwise).
pub struct MaybeUser(pub Option<CurrentUser>);

impl FromRequestParts<AppState> for MaybeUser {
    type Rejection = AppError;

    async fn from_request_parts(parts: &mut Parts, state: &AppState) -> Result<Self, Self::Rejection> {
        Ok(MaybeUser(authenticate(state, &parts.headers).await?))
    }
}

/// Starts a session; returns the cookie to set.
pub async fn start_session(state: &AppState, user_id: i64) -> Result<String, AppError> {
    let token = random_token();
    let csrf = random_token();
    let ttl = state.store.settings.sign_in.session_ttl;
    let store = state.store.clone();
    let h = token_hash(&token);
    tokio::task::spawn_blocking(move || {
        let expires = store.now() + ttl;
        store.create_session(&h, user_id, &csrf, expires)
    })
    .await??;
    Ok(session_cookie(state, &token, ttl))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn passwords_verify_and_wrong_ones_do_not() {
        let h = hash_password("correct horse battery").expect("hash");
        assert!(verify_password("correct horse battery", &h));
        assert!(!verify_password("wrong", &h));
        assert!(h.starts_with("$argon2id$"));
    }

    #[test]
    fn dummy_hash_parses() {
        assert!(PasswordHash::new(dummy_hash()).is_ok());
        assert!(!verify_password("anything", dummy_hash()));
    }

    #[test]
    fn cookies_are_found_among_others() {
        let mut h = HeaderMap::new();
        h.insert(COOKIE, "a=1; shouhu_session=abc; b=2".parse().expect("header"));
        assert_eq!(cookie(&h, SESSION_COOKIE), Some("abc"));
        assert_eq!(cookie(&h, "c"), None);
    }
}

#[cfg(test)]
mod password_tests {
    use super::password_problem;
    use shouhu_domain::msg;

    #[test]
    fn common_short_or_own_name_passwords_are_refused() {
        assert_eq!(password_problem("123456789", "zhen", "王芳"), Some(msg::PASSWORD_TOO_SHORT));
        assert_eq!(password_problem("1234567890", "zhen", "王芳"), Some(msg::PASSWORD_GUESSABLE));
        assert_eq!(password_problem("password12", "zhen", "王芳"), Some(msg::PASSWORD_GUESSABLE));
        assert_eq!(password_problem("qwertyuiop", "zhen", "王芳"), Some(msg::PASSWORD_GUESSABLE));
        assert_eq!(password_problem("wangfang-2026-xx", "wangfang", "王芳"), Some(msg::PASSWORD_HAS_NAME));
        assert_eq!(password_problem("王芳王芳王芳王芳王芳", "zhen", "王芳"), Some(msg::PASSWORD_HAS_NAME));
        assert_eq!(password_problem("Mei-chang 2026 zhen hu", "laoshi", "李老师"), None);
    }
}
