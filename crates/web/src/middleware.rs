//! Layers around every request: security headers, body limit, timeout, panic catching, and
//! a request log that never records query strings (they can hold ID numbers).

use crate::error::AppError;
use axum::Router;
use axum::body::Body;
use axum::extract::DefaultBodyLimit;
use axum::http::header::{self, HeaderName, HeaderValue};
use axum::http::{Request, Response};
use axum::middleware::Next;
use axum::response::IntoResponse;
use shouhu_domain::settings::LimitSettings;
use std::time::{Duration, Instant};
use tower_http::catch_panic::CatchPanicLayer;
use tower_http::set_header::SetResponseHeaderLayer;
use tower_http::timeout::TimeoutLayer;

/// Scripts and styles only from our own origin: no inline script can run.
pub const CSP: &str = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; \
     connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'";

pub const REQUEST_ID: &str = "x-request-id";

/// Wraps the router in the layers every response needs.
/// `https`: shouhu is served over HTTPS (its cookies are `Secure`), so browsers are told to
/// use nothing else (HSTS, a year).
pub fn apply(router: Router, limits: LimitSettings, https: bool) -> Router {
    let body_limit = limits.body_bytes;
    let header = |name: HeaderName, value: &'static str| {
        SetResponseHeaderLayer::if_not_present(name, HeaderValue::from_static(value))
    };
    let hsts = SetResponseHeaderLayer::if_not_present(
        header::STRICT_TRANSPORT_SECURITY,
        https.then(|| HeaderValue::from_static("max-age=31536000")),
    );
    router
        .layer(axum::middleware::from_fn(move |req, next| refuse_large(limits, req, next)))
        .layer(hsts)
        .layer(axum::middleware::from_fn(request_log))
        .layer(DefaultBodyLimit::max(body_limit))
        .layer(header(header::CONTENT_SECURITY_POLICY, CSP))
        .layer(header(header::X_CONTENT_TYPE_OPTIONS, "nosniff"))
        .layer(header(header::X_FRAME_OPTIONS, "DENY"))
        .layer(header(header::REFERRER_POLICY, "no-referrer"))
        .layer(header(HeaderName::from_static("permissions-policy"), "camera=(), microphone=(), geolocation=()"))
        // Children's data must not stay in shared caches or the browser's back history.
        .layer(header(header::CACHE_CONTROL, "no-store"))
        .layer(TimeoutLayer::with_status_code(axum::http::StatusCode::SERVICE_UNAVAILABLE, Duration::from_secs(30)))
        .layer(CatchPanicLayer::custom(on_panic))
}

fn on_panic(_err: Box<dyn std::any::Any + Send + 'static>) -> Response<Body> {
    AppError::Internal("handler panicked".into()).into_response()
}

/// Routes that take files have limits of their own: census uploads (checked again while
/// they are spooled to disk) and report attachments.
fn upload_limit(path: &str, limits: LimitSettings) -> Option<usize> {
    if matches!(path, "/imports" | "/api/v1/imports") {
        Some(limits.upload_bytes)
    } else if path.starts_with("/api/v1/reports/") && path.ends_with("/attachments")
        || path.starts_with("/reports/") && path.ends_with("/attachments")
        || path == "/report/attachments"
    {
        Some(crate::api::reports::ATTACHMENT_REQUEST_LIMIT)
    } else {
        None
    }
}

/// Answers 413 at once when the declared length is over the limit, instead of reading (or
/// waiting for) a body that will be refused anyway. Bodies without a length are still capped
/// while they are read.
async fn refuse_large(limits: LimitSettings, req: Request<Body>, next: Next) -> Response<Body> {
    let declared =
        req.headers().get(header::CONTENT_LENGTH).and_then(|v| v.to_str().ok()).and_then(|v| v.parse::<u64>().ok());
    let limit = upload_limit(req.uri().path(), limits).unwrap_or(limits.body_bytes);
    if declared.is_some_and(|n| n > limit as u64) {
        let e = AppError::TooLarge;
        let mut res = if req.uri().path().starts_with("/api/") {
            e.into_response()
        } else {
            crate::pages::PageError(e).into_response()
        };
        // The rest of the body is not read: the connection cannot be reused.
        res.headers_mut().insert(header::CONNECTION, HeaderValue::from_static("close"));
        return res;
    }
    next.run(req).await
}

/// Logs method, path (never the query), status and time, under a request id that is also
/// sent back in `x-request-id` so that a user can quote it.
async fn request_log(req: Request<Body>, next: Next) -> Response<Body> {
    let id = crate::auth::random_token()[..12].to_string();
    let method = req.method().clone();
    let path = req.uri().path().to_string();
    let started = Instant::now();
    let span = tracing::info_span!("request", id = %id);
    let mut res = tracing::Instrument::instrument(next.run(req), span.clone()).await;
    let status = res.status();
    let _e = span.enter();
    if status.is_server_error() {
        tracing::error!(%method, path = %redact_path(&path), status = status.as_u16(), ms = started.elapsed().as_millis() as u64, "request failed");
    } else {
        tracing::info!(%method, path = %redact_path(&path), status = status.as_u16(), ms = started.elapsed().as_millis() as u64, "request");
    }
    if let Ok(v) = HeaderValue::from_str(&id) {
        res.headers_mut().insert(REQUEST_ID, v);
    }
    res
}

/// Paths hold record ids, never ID or phone numbers; masks what looks like one all the same.
/// A record id is below 2^53, so at most 16 digits: an 18-digit ID number is never one. A
/// mobile number could be an 11-digit record id; masking such an id costs only a log's detail.
pub fn redact_path(path: &str) -> String {
    path.split('/')
        .map(|seg| {
            let digits = seg.chars().filter(|c| c.is_ascii_digit()).count();
            let all_digits = digits == seg.len();
            let id_number = digits >= 15 && seg.len() <= 20 && (!all_digits || digits > 16);
            let mobile = all_digits && shouhu_domain::id_number::normalise_phone(seg).is_some_and(|p| p.len() == 11);
            // A secret in a path (a set-password link's token: 64 hex digits) is never logged.
            let secret = seg.len() >= 32 && seg.bytes().all(|b| b.is_ascii_hexdigit()) && !all_digits;
            if secret {
                "***".to_string()
            } else if id_number || mobile {
                shouhu_domain::id_number::mask_id(seg)
            } else {
                seg.to_string()
            }
        })
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::redact_path;

    #[test]
    fn id_and_mobile_numbers_in_a_path_are_masked_and_record_ids_kept() {
        assert_eq!(redact_path("/api/v1/children/110101202311012176"), "/api/v1/children/110***********2176");
        assert_eq!(redact_path("/children/11010519491231002X/history"), "/children/110***********002X/history");
        assert_eq!(redact_path("/api/v1/children/13812345678"), "/api/v1/children/138****5678");
        let link = format!("/set-password/{}", "ab12".repeat(16));
        assert_eq!(redact_path(&link), "/set-password/***");
        // Record ids: up to 16 digits (below 2^53).
        assert_eq!(redact_path("/api/v1/children/9007199254740991"), "/api/v1/children/9007199254740991");
        assert_eq!(redact_path("/children/123456789012345/history"), "/children/123456789012345/history");
    }
}
