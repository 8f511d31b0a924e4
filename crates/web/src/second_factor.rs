//! The second factor (decision 83): TOTP codes (RFC 6238: HMAC-SHA-1, 6 digits, 30-second
//! steps, one step of clock drift either way, as every authenticator app expects), their QR
//! code, recovery codes, and the rule that a role needing a second factor is nobody without one.

use crate::auth::token_hash;
use rand::RngCore;
use shouhu_store::{Store, StoreError};
use totp_rs::{Algorithm, Builder, Secret, Totp};

/// The issuer authenticator apps show beside the account.
pub const ISSUER: &str = "守护";
/// Seconds a code's time step lasts (RFC 6238 5.2).
pub const STEP_SECONDS: i64 = 30;

/// A new random secret of 160 bits (RFC 4226 4), in base32.
pub fn new_secret() -> String {
    let mut b = [0u8; 20];
    rand::rng().fill_bytes(&mut b);
    Secret::from(b.to_vec()).to_base32()
}

fn totp(secret: &str, account: &str) -> Result<Totp, StoreError> {
    let bytes = Secret::try_from_base32(secret).map_err(|e| StoreError::Backend(format!("totp secret: {e}")))?;
    Builder::new()
        .with_algorithm(Algorithm::SHA1)
        .with_digits(6)
        .with_skew(1)
        .with_step_duration(STEP_SECONDS as u64)
        .with_secret(bytes)
        .with_issuer(Some(ISSUER))
        .with_account_name(account.replace(':', "_"))
        .build()
        .map_err(|e| StoreError::Backend(format!("totp: {e}")))
}

fn unix(t: chrono::DateTime<chrono::Utc>) -> u64 {
    u64::try_from(t.timestamp()).unwrap_or(0)
}

/// The code of `secret` at time `t` (for the test harness and the demo's instructions).
pub fn code_at(secret: &str, t: chrono::DateTime<chrono::Utc>) -> Result<String, StoreError> {
    Ok(totp(secret, "x")?.generate(unix(t)).to_string())
}

/// The time step of `t`.
pub fn step_of(t: chrono::DateTime<chrono::Utc>) -> i64 {
    t.timestamp().div_euclid(STEP_SECONDS)
}

/// The time step whose code `code` is, within one step of `t`, if it is one.
pub fn matching_step(secret: &str, code: &str, t: chrono::DateTime<chrono::Utc>) -> Result<Option<i64>, StoreError> {
    let code: String = code.chars().filter(|c| !c.is_whitespace()).collect();
    if code.len() != 6 || !code.bytes().all(|b| b.is_ascii_digit()) {
        return Ok(None);
    }
    Ok(totp(secret, "x")?.check(&code, unix(t)).and_then(|s| i64::try_from(s).ok()))
}

/// The `otpauth://` address authenticator apps read from the QR code.
pub fn otpauth_url(secret: &str, username: &str) -> Result<String, StoreError> {
    totp(secret, username)?.to_url().map_err(|e| StoreError::Backend(format!("totp url: {e}")))
}

/// The QR code of `text` as an SVG element, rendered here (no script, no outside service).
pub fn qr_svg(text: &str) -> Result<String, StoreError> {
    let code = qrcode::QrCode::new(text.as_bytes()).map_err(|e| StoreError::Backend(format!("qr: {e}")))?;
    let svg = code.render::<qrcode::render::svg::Color>().min_dimensions(220, 220).quiet_zone(true).build();
    // Inline in HTML: without the XML declaration.
    Ok(svg.find("<svg").map_or(svg.clone(), |i| svg[i..].to_string()))
}

/// The secret in groups of four, easier to type into an app.
pub fn grouped(secret: &str) -> String {
    secret.as_bytes().chunks(4).map(|c| String::from_utf8_lossy(c).into_owned()).collect::<Vec<_>>().join(" ")
}

/// Letters and digits that cannot be mistaken for one another.
const RECOVERY_ALPHABET: &[u8] = b"abcdefghjkmnpqrstuvwxyz23456789";

/// `n` new recovery codes (`xxxxx-xxxxx`, about 50 bits each) and their hashes to store.
pub fn new_recovery_codes(n: usize) -> (Vec<String>, Vec<String>) {
    let mut rng = rand::rng();
    let codes: Vec<String> = (0..n)
        .map(|_| {
            let mut s = String::with_capacity(11);
            for i in 0..10 {
                if i == 5 {
                    s.push('-');
                }
                let k = (rng.next_u32() as usize) % RECOVERY_ALPHABET.len();
                s.push(char::from(RECOVERY_ALPHABET[k]));
            }
            s
        })
        .collect();
    let hashes = codes.iter().map(|c| recovery_hash(c)).collect();
    (codes, hashes)
}

/// The stored form of a recovery code: its SHA-256, ignoring case, spaces and dashes.
pub fn recovery_hash(code: &str) -> String {
    let norm: String = code.chars().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    token_hash(&norm)
}

/// Whether `code` looks like a recovery code rather than a TOTP code.
pub fn is_recovery_code(code: &str) -> bool {
    code.chars().filter(char::is_ascii_alphanumeric).count() == 10
}

/// How a second step was passed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Passed {
    Code,
    RecoveryCode,
}

/// Checks a code (TOTP or recovery) of a user with a confirmed second factor and uses it up:
/// a TOTP code is accepted once (RFC 6238 5.2), a recovery code once ever.
pub fn check_and_use(store: &Store, user_id: i64, code: &str) -> Result<Option<Passed>, StoreError> {
    let code = code.trim();
    if is_recovery_code(code) {
        return Ok(store.use_recovery_code(user_id, &recovery_hash(code))?.then_some(Passed::RecoveryCode));
    }
    let Some(f) = store.second_factor(user_id)?.filter(|f| f.confirmed) else {
        return Ok(None);
    };
    match matching_step(&f.secret, code, store.now())? {
        Some(step) if store.use_code_step(user_id, step)? => Ok(Some(Passed::Code)),
        _ => Ok(None),
    }
}

/// The answer to a reset.
#[derive(Debug, serde::Serialize, utoipa::ToSchema)]
pub struct ResetDone {
    pub user_id: i64,
}

/// Resets a user's second factor (administrators only; audited): the user sets up a new one
/// at their next sign-in, and their browser sessions end.
#[utoipa::path(post, path = "/api/v1/users/{id}/second-factor/reset", params(("id" = i64, Path)),
    responses((status = 200, body = ResetDone), (status = 403, body = crate::error::ApiErrorBody),
        (status = 404, body = crate::error::ApiErrorBody)))]
pub async fn api_reset(
    axum::extract::State(state): axum::extract::State<crate::AppState>,
    user: crate::auth::CurrentUser,
    crate::body::IdPath(id): crate::body::IdPath,
) -> crate::error::ApiResult<axum::Json<ResetDone>> {
    user.require(shouhu_domain::role::Role::is_admin)?;
    crate::pages::second_factor::reset(&state, &user, id).await?;
    Ok(axum::Json(ResetDone { user_id: id }))
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn codes_match_rfc_6238_and_one_step_of_drift() {
        // RFC 6238 appendix B: the SHA-1 key "12345678901234567890" at 59 s gives 94287082
        // (8 digits); its last six are the 6-digit code.
        let secret = Secret::from(b"12345678901234567890".to_vec()).to_base32();
        let t = chrono::Utc.timestamp_opt(59, 0).single().expect("time");
        assert_eq!(code_at(&secret, t).expect("code"), "287082");
        assert_eq!(matching_step(&secret, "287082", t).expect("check"), Some(1));
        assert_eq!(matching_step(&secret, "287 082", t + chrono::Duration::seconds(30)).expect("check"), Some(1));
        assert_eq!(matching_step(&secret, "287082", t + chrono::Duration::seconds(61)).expect("check"), None);
        assert_eq!(matching_step(&secret, "28708", t).expect("check"), None);
    }

    #[test]
    fn recovery_codes_are_distinct_and_hashed_loosely() {
        let (codes, hashes) = new_recovery_codes(10);
        assert_eq!(codes.len(), 10);
        assert!(codes.iter().all(|c| c.len() == 11 && is_recovery_code(c)));
        assert_eq!(hashes[0], recovery_hash(&codes[0].to_uppercase().replace('-', " ")));
        assert!(!is_recovery_code("123456"));
        assert!(new_secret().len() == 32);
        assert!(qr_svg("otpauth://totp/x").expect("svg").starts_with("<svg"));
    }
}
