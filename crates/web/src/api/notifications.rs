//! Notifications over JSON (issue 19): the signed-in user's list and live stream, marking
//! them read, the duty desk's sound; for the administrator, each organisation's channel
//! and the outbox.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{ApiJson, IdPath, QueryParams};
use crate::error::{ApiErrorBody, ApiResult};
use axum::Json;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::sse::{Event, KeepAlive, Sse};
use serde::{Deserialize, Serialize};
use shouhu_domain::notify::{DeliveryState, NotifyChannel};
use shouhu_domain::role::Role;
use shouhu_store::notify::{Attempt, Notification, OrgChannel, OutboxLine};
use shouhu_store::users::Principal;
use std::sync::Arc;
use tokio::sync::broadcast::error::RecvError;
use utoipa::{IntoParams, ToSchema};

#[derive(Debug, Serialize, ToSchema)]
pub struct NotificationList {
    pub unread: i64,
    /// Unread first, then newest first (at most 200).
    pub notifications: Vec<Notification>,
}

/// The signed-in user's notifications: unread first, then the newest.
#[utoipa::path(get, path = "/api/v1/notifications",
    responses((status = 200, body = NotificationList), (status = 401, body = ApiErrorBody)))]
pub async fn list(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<NotificationList>> {
    let p = user.principal;
    let (unread, notifications) =
        state.run(move |s| Ok((s.unread_notifications(&p)?, s.list_notifications(&p, 200)?))).await?;
    Ok(Json(NotificationList { unread, notifications }))
}

/// Marks one of the caller's notifications read (another's is not found).
#[utoipa::path(post, path = "/api/v1/notifications/{id}/read", params(("id" = i64, Path)),
    responses((status = 204), (status = 404, body = ApiErrorBody)))]
pub async fn mark_read(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> ApiResult<StatusCode> {
    let p = user.principal;
    state.run(move |s| s.mark_notifications_read(&p, Some(id))).await?;
    Ok(StatusCode::NO_CONTENT)
}

/// Marks all the caller's notifications read.
#[utoipa::path(post, path = "/api/v1/notifications/read", responses((status = 204), (status = 401, body = ApiErrorBody)))]
pub async fn mark_all_read(State(state): State<AppState>, user: CurrentUser) -> ApiResult<StatusCode> {
    let p = user.principal;
    state.run(move |s| s.mark_notifications_read(&p, None)).await?;
    Ok(StatusCode::NO_CONTENT)
}

#[derive(Debug, Serialize, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NotifySettings {
    /// The sound for a critical report (the police duty desk's; on unless turned off).
    pub sound: bool,
}

/// The caller's own notification settings.
#[utoipa::path(get, path = "/api/v1/notifications/settings", responses((status = 200, body = NotifySettings)))]
pub async fn get_settings(State(state): State<AppState>, user: CurrentUser) -> ApiResult<Json<NotifySettings>> {
    let id = user.principal.user_id;
    Ok(Json(NotifySettings { sound: state.run(move |s| s.notify_sound(id)).await? }))
}

/// Changes the caller's own notification settings.
#[utoipa::path(put, path = "/api/v1/notifications/settings", request_body = NotifySettings,
    responses((status = 200, body = NotifySettings)))]
pub async fn put_settings(
    State(state): State<AppState>,
    user: CurrentUser,
    ApiJson(req): ApiJson<NotifySettings>,
) -> ApiResult<Json<NotifySettings>> {
    let p = user.principal;
    state.run(move |s| s.set_notify_sound(&p, req.sound)).await?;
    Ok(Json(req))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct StreamQuery {
    /// Resume after this notification id (as `Last-Event-ID` does; the header wins).
    #[serde(default)]
    pub after: Option<i64>,
}

/// The first event of a stream: whether this client should sound the alarm for a critical
/// report, and the id it follows from.
#[derive(Debug, Serialize)]
struct Hello {
    sound: bool,
    after: i64,
    /// Unread notifications when the stream opened (the nav's count), including those
    /// resent from before `latest`.
    unread: i64,
    /// The newest notification id when the stream opened: later ones are new to the count.
    latest: i64,
}

fn event_of(n: &Notification) -> Event {
    Event::default().event("notification").id(n.id.to_string()).data(serde_json::to_string(n).unwrap_or_default())
}

/// What a stream holds between events.
struct StreamState {
    state: AppState,
    p: Principal,
    rx: tokio::sync::broadcast::Receiver<Arc<Notification>>,
    /// The last id sent.
    last: i64,
    backlog: std::collections::VecDeque<Notification>,
    hello: Option<Hello>,
}

impl StreamState {
    /// The caller's notifications after `last`, read from the database (a resume, or a gap
    /// after the broadcast lagged).
    async fn catch_up(&mut self) {
        let (p, after) = (self.p.clone(), self.last);
        match self.state.run(move |s| s.notifications_after(&p, after, 500)).await {
            Ok(rows) => self.backlog.extend(rows),
            Err(e) => e.log(),
        }
    }
}

/// The caller's notifications as server-sent events: `hello` first (`sound`: whether to
/// play the alarm for a critical report), then a `notification` event (id = the
/// notification's id) for each new one. A client that reconnects with `Last-Event-ID` (or
/// `?after=`) gets every notification after that id first, so nothing is missed; without
/// one, it follows from now. Works on any server: each reads the committed rows.
#[utoipa::path(get, path = "/api/v1/notifications/stream", params(StreamQuery),
    responses((status = 200, content_type = "text/event-stream", description = "Server-sent events"),
        (status = 401, body = ApiErrorBody)))]
pub async fn stream(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    QueryParams(q): QueryParams<StreamQuery>,
) -> ApiResult<Sse<impl futures_util::Stream<Item = Result<Event, std::convert::Infallible>>>> {
    let p = user.principal;
    let resume = headers
        .get("last-event-id")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.trim().parse::<i64>().ok())
        .or(q.after)
        .filter(|a| *a >= 0);
    // Subscribe before reading, so that nothing committed in between is lost (the ids
    // tell the copies apart).
    let rx = state.store.notification_events();
    let (id, role, org_type, p2) = (p.user_id, p.role, p.org_type, p.clone());
    let (latest, sound, unread) = state
        .run(move |s| Ok((s.latest_notification_id()?, s.notify_sound(id)?, s.unread_notifications(&p2)?)))
        .await?;
    let last = resume.unwrap_or(latest);
    let hello = Hello { sound: shouhu_domain::notify::hears_alarm(role, org_type, sound), after: last, unread, latest };
    let mut st = StreamState { state, p, rx, last, backlog: Default::default(), hello: Some(hello) };
    if resume.is_some() {
        st.catch_up().await;
    }
    let s = futures_util::stream::unfold(st, |mut st| async move {
        if let Some(h) = st.hello.take() {
            let data = serde_json::to_string(&h).unwrap_or_default();
            return Some((Ok(Event::default().event("hello").data(data)), st));
        }
        loop {
            if let Some(n) = st.backlog.pop_front() {
                if n.id > st.last {
                    st.last = n.id;
                    return Some((Ok(event_of(&n)), st));
                }
                continue;
            }
            match st.rx.recv().await {
                Ok(n) if n.user_id == st.p.user_id && n.id > st.last => {
                    st.last = n.id;
                    return Some((Ok(event_of(&n)), st));
                }
                Ok(_) => continue,
                // Too slow to follow: read what was missed from the database.
                Err(RecvError::Lagged(_)) => st.catch_up().await,
                Err(RecvError::Closed) => return None,
            }
        }
    });
    Ok(Sse::new(s).keep_alive(KeepAlive::default()))
}

#[derive(Debug, Deserialize, ToSchema)]
#[serde(deny_unknown_fields)]
pub struct ChannelRequest {
    /// `email` or `webhook`; leave out (or null) to send nothing outside the system.
    #[serde(default)]
    pub channel: Option<NotifyChannel>,
    /// An e-mail address, or the webhook's http(s) URL.
    #[serde(default)]
    pub address: Option<String>,
}

/// How an organisation receives its notifications outside the system (administrators).
#[utoipa::path(get, path = "/api/v1/orgs/{id}/notify-channel", params(("id" = i64, Path)),
    responses((status = 200, body = OrgChannel), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody)))]
pub async fn get_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<OrgChannel>> {
    user.require(Role::is_admin)?;
    let p = user.principal;
    Ok(Json(state.run(move |s| s.org_channel(&p, id)).await?))
}

/// Sets how an organisation receives its notifications: by e-mail or by a webhook (a JSON
/// POST), or not at all (administrators; audited).
#[utoipa::path(put, path = "/api/v1/orgs/{id}/notify-channel", params(("id" = i64, Path)), request_body = ChannelRequest,
    responses((status = 200, body = OrgChannel), (status = 403, body = ApiErrorBody), (status = 404, body = ApiErrorBody),
        (status = 422, body = ApiErrorBody)))]
pub async fn put_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    ApiJson(req): ApiJson<ChannelRequest>,
) -> ApiResult<Json<OrgChannel>> {
    user.require(Role::is_admin)?;
    let p = user.principal;
    let out = state
        .run(move |s| {
            let route = req.channel.map(|c| (c, req.address.unwrap_or_default()));
            s.set_org_channel(&p, id, route.as_ref().map(|(c, a)| (*c, a.as_str())))
        })
        .await?;
    Ok(Json(out))
}

#[derive(Debug, Deserialize, IntoParams)]
#[serde(deny_unknown_fields)]
pub struct OutboxQuery {
    /// Only messages in this state (`failed` for those given up).
    #[serde(default)]
    pub state: Option<DeliveryState>,
}

/// The outbox, newest first, with each message's last error (administrators).
#[utoipa::path(get, path = "/api/v1/notify-outbox", params(OutboxQuery),
    responses((status = 200, body = Vec<OutboxLine>), (status = 403, body = ApiErrorBody)))]
pub async fn outbox(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<OutboxQuery>,
) -> ApiResult<Json<Vec<OutboxLine>>> {
    user.require(Role::is_admin)?;
    let p = user.principal;
    Ok(Json(state.run(move |s| s.outbox(&p, q.state, 500)).await?))
}

/// Every attempt to send one message (administrators).
#[utoipa::path(get, path = "/api/v1/notify-outbox/{id}/attempts", params(("id" = i64, Path)),
    responses((status = 200, body = Vec<Attempt>), (status = 403, body = ApiErrorBody)))]
pub async fn attempts(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
) -> ApiResult<Json<Vec<Attempt>>> {
    user.require(Role::is_admin)?;
    let p = user.principal;
    Ok(Json(state.run(move |s| s.outbox_attempts(&p, id)).await?))
}
