//! 提醒: what arrived for the signed-in user, unread first (issue 19). New ones also appear
//! on any open page through the live stream (static/app.js).

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use shouhu_domain::msg;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/notifications", get(page))
        .route("/notifications/read", post(read_all))
        .route("/notifications/{id}/read", post(read_one))
}

pub struct Line {
    pub id: i64,
    pub kind: &'static str,
    pub critical: bool,
    pub text: String,
    pub link: String,
    pub at: String,
    pub unread: bool,
}

#[derive(Template)]
#[template(path = "notifications.html")]
pub struct NotificationsPage {
    pub layout: Layout,
    pub unread: i64,
    pub lines: Vec<Line>,
}

async fn page(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    let p = user.principal.clone();
    let (unread, rows) = state.run(move |s| Ok((s.unread_notifications(&p)?, s.list_notifications(&p, 200)?))).await?;
    Ok(render(&NotificationsPage {
        layout: Layout::new(msg::NOTIFICATIONS, Some(&user)),
        unread,
        lines: rows
            .into_iter()
            .map(|n| Line {
                id: n.id,
                kind: n.kind_label,
                critical: n.critical,
                at: super::view::china_time(n.created_at),
                unread: n.read_at.is_none(),
                text: n.text,
                link: n.link,
            })
            .collect(),
    }))
}

async fn read_one(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let p = user.principal.clone();
    state.run(move |s| s.mark_notifications_read(&p, Some(id))).await?;
    // Opening the notification's page, if asked; else back to the list.
    let next = form.get("open").filter(|l| l.starts_with('/') && !l.starts_with("//")).unwrap_or("/notifications");
    Ok(Redirect::to(next).into_response())
}

async fn read_all(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let p = user.principal.clone();
    state.run(move |s| s.mark_notifications_read(&p, None)).await?;
    Ok(Redirect::to("/notifications").into_response())
}
