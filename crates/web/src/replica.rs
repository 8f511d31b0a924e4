//! Read-your-writes with a replica (decision 201): after a signed-in user's request that
//! wrote (any method but GET, HEAD and OPTIONS, answered 2xx or 3xx), the primary's WAL
//! position is recorded in the user's row before the answer leaves, so the user's next read
//! goes to the replica only once it has replayed that write, whichever server answers it.

use crate::AppState;
use crate::refusals::Who;
use axum::body::Body;
use axum::extract::State;
use axum::http::{Method, Request};
use axum::middleware::Next;
use axum::response::Response;

/// The middleware; inside [`crate::refusals::audit_refusals`], which gives the request its
/// [`Who`] slot. Does nothing on a server without a replica.
pub async fn note_writes(State(state): State<AppState>, req: Request<Body>, next: Next) -> Response {
    if state.store.replica().is_none() || matches!(*req.method(), Method::GET | Method::HEAD | Method::OPTIONS) {
        return next.run(req).await;
    }
    let who = req.extensions().get::<Who>().cloned();
    let res = next.run(req).await;
    if (res.status().is_success() || res.status().is_redirection())
        && let Some(p) = who.as_ref().and_then(|w| w.0.get())
    {
        let (store, user) = (state.store.clone(), p.user_id);
        if let Ok(Err(e)) = tokio::task::spawn_blocking(move || store.note_write(user)).await {
            // The write stands; the user's next read may only be older until the replica catches up.
            tracing::warn!(error = %e, "recording a write's position for reads from the replica");
        }
    }
    res
}
