//! Refused requests in the audit log (issue 21): a signed-in user's request answered 404 or
//! 403 (a record outside their area looks missing, an action their role may not take) is
//! written to the audit log, so a probe for other areas' children leaves a trace; at most
//! the setting `audit.refusals_per_user_per_hour` a user an hour, the rest counted.

use crate::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use chrono::{DateTime, Utc};
use shouhu_store::audit::Action;
use shouhu_store::users::Principal;
use std::collections::HashMap;
use std::sync::{Arc, Mutex, OnceLock};

/// Who the request turned out to be from, set by the sign-in check (`CurrentUser`) in a
/// slot the middleware gave the request.
#[derive(Clone, Default)]
pub struct Who(pub Arc<OnceLock<Principal>>);

/// One user's hour: when it began, refusals written in it, and refusals left out.
type Window = (DateTime<Utc>, i64, i64);

/// Per user, the current hour's window.
#[derive(Default)]
pub struct Refusals {
    users: Mutex<HashMap<i64, Window>>,
}

impl Refusals {
    /// Whether this refusal is written, and how many of the previous window were left out
    /// (told with the first entry of a new window).
    pub fn note(&self, user: i64, limit: i64, now: DateTime<Utc>) -> Option<i64> {
        let Ok(mut users) = self.users.lock() else { return Some(0) };
        if users.len() > 100_000 {
            users.retain(|_, (start, _, _)| now - *start < chrono::Duration::hours(1));
        }
        let e = users.entry(user).or_insert((now, 0, 0));
        let mut left_out = 0;
        if now - e.0 >= chrono::Duration::hours(1) {
            left_out = e.2;
            *e = (now, 0, 0);
        }
        if e.1 >= limit {
            e.2 += 1;
            return None;
        }
        e.1 += 1;
        Some(left_out)
    }
}

/// The middleware: gives the request a [`Who`] slot and audits a refusal of a signed-in
/// user before answering (a missing record and one out of scope are both audited, so they
/// still take the same time).
pub async fn audit_refusals(State(state): State<AppState>, mut req: Request<Body>, next: Next) -> Response {
    let who = Who::default();
    req.extensions_mut().insert(who.clone());
    let (method, path) = (req.method().clone(), crate::middleware::redact_path(req.uri().path()));
    let res = next.run(req).await;
    if matches!(res.status(), StatusCode::NOT_FOUND | StatusCode::FORBIDDEN)
        && let Some(p) = who.0.get().cloned()
    {
        let now = state.store.now();
        if let Some(left_out) =
            state.refusals.note(p.user_id, state.store.settings.audit.refusals_per_user_per_hour, now)
        {
            let mut detail = format!("{method} {path} → {}", res.status().as_u16());
            if left_out > 0 {
                detail.push_str(&format!("；{}{left_out}", shouhu_domain::msg::REFUSALS_NOT_RECORDED));
            }
            let store = state.store.clone();
            let written = tokio::task::spawn_blocking(move || store.audit(&p, Action::Refused, None, &detail)).await;
            if let Ok(Err(e)) = written {
                tracing::warn!(error = %e, "recording a refused request");
            }
        }
    }
    res
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn a_user_s_refusals_are_written_up_to_the_limit_an_hour_and_the_rest_counted() {
        let r = Refusals::default();
        let t0 = Utc.with_ymd_and_hms(2026, 12, 1, 8, 0, 0).single().expect("time");
        assert_eq!(r.note(1, 2, t0), Some(0));
        assert_eq!(r.note(1, 2, t0), Some(0));
        assert_eq!(r.note(1, 2, t0), None);
        assert_eq!(r.note(1, 2, t0), None);
        assert_eq!(r.note(2, 2, t0), Some(0), "another user is not affected");
        assert_eq!(r.note(1, 2, t0 + chrono::Duration::minutes(59)), None);
        assert_eq!(
            r.note(1, 2, t0 + chrono::Duration::hours(1)),
            Some(3),
            "the next hour tells how many were left out"
        );
        assert_eq!(r.note(1, 2, t0 + chrono::Duration::hours(1)), Some(0));
    }
}
