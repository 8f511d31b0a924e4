//! Refused requests in the audit log (issue 21): a signed-in user's request answered 404 or
//! 403 (a record outside their area looks missing, an action their role may not take) is
//! written to the audit log, so a probe for other areas' children leaves a trace; at most
//! the setting `audit.refusals_per_user_per_hour` a user an hour, the rest counted. The hour
//! is kept in the database (`Store::note_refusal`), so the cap holds across servers (decision 200).

use crate::AppState;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Request, StatusCode};
use axum::middleware::Next;
use axum::response::Response;
use shouhu_store::audit::Action;
use shouhu_store::users::Principal;
use std::sync::{Arc, OnceLock};

/// Who the request turned out to be from, set by the sign-in check (`CurrentUser`) in a
/// slot the middleware gave the request.
#[derive(Clone, Default)]
pub struct Who(pub Arc<OnceLock<Principal>>);

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
        let status = res.status().as_u16();
        let store = state.store.clone();
        let written = tokio::task::spawn_blocking(move || {
            // A database that cannot count errs on the side of the trace: the entry is written.
            let verdict = store.note_refusal(p.user_id).unwrap_or_else(|e| {
                tracing::warn!(error = %e, "counting a refused request");
                Some(0)
            });
            let Some(left_out) = verdict else { return Ok(()) };
            let mut detail = format!("{method} {path} → {status}");
            if left_out > 0 {
                detail.push_str(&format!("；{}{left_out}", shouhu_domain::msg::REFUSALS_NOT_RECORDED));
            }
            store.audit(&p, Action::Refused, None, &detail)
        })
        .await;
        if let Ok(Err(e)) = written {
            tracing::warn!(error = %e, "recording a refused request");
        }
    }
    res
}
