//! 年满十六周岁待处理: the files whose child reached 16, for the township to close ("年满十六
//! 周岁") or keep with a reason (issue 17; decision 123).

use super::form::{Kept, with_status};
use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::pages::form;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use shouhu_domain::codes::CloseReason;
use shouhu_domain::msg;
use shouhu_domain::role::Role;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/turned16", get(list))
        .route("/turned16/{id}/close", post(close))
        .route("/turned16/{id}/keep", post(keep))
}

pub struct Row {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub village: String,
    pub birth_date: String,
    pub turned_16_on: String,
    pub age: u32,
    /// What was typed into the keep form, when it was refused.
    pub reason_input: String,
    pub e_reason: String,
}

#[derive(Template)]
#[template(path = "turned16/list.html")]
pub struct Turned16View {
    pub layout: Layout,
    pub rows: Vec<Row>,
    pub more: bool,
    pub saved: bool,
    /// The file whose form was refused (0: none), and why.
    pub refused: i64,
    pub banner: String,
}

async fn page(state: &AppState, user: &CurrentUser, saved: bool, refused: i64, k: Kept) -> PageResult {
    user.require(Role::may_close_files)?;
    let p = user.principal.clone();
    let found = state.run(move |s| s.turned16_pending(&p, 100)).await?;
    let rows = found
        .rows
        .into_iter()
        .map(|r| {
            let f = format!("keep-{}", r.id);
            Row {
                reason_input: k.val(&f, "reason"),
                e_reason: k.err(&f, "reason"),
                id: r.id,
                version: r.version,
                name: r.name,
                village: r.village_name,
                birth_date: r.birth_date.to_string(),
                turned_16_on: r.turned_16_on.to_string(),
                age: r.age,
            }
        })
        .collect();
    Ok(render(&Turned16View {
        layout: Layout::new(msg::TURNED_16_TITLE, Some(user)),
        rows,
        more: found.more,
        saved,
        refused,
        banner: k.banner.clone(),
    }))
}

async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<crate::pages::view::Saved>,
) -> PageResult {
    page(&state, &user, q.saved.is_some(), 0, Kept::default()).await
}

async fn close(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, pairs: FormPairs) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let version = form::version(&pairs);
    let actor = user.principal.clone();
    match state.run(move |s| s.close_child(&actor, id, version, CloseReason::Turned16, None, "web")).await {
        Ok(_) => Ok(Redirect::to("/turned16?saved=1").into_response()),
        Err(e) => {
            let (kept, status) = Kept::new(format!("close-{id}"), pairs).refused(e, msg::STALE_VERSION)?;
            Ok(with_status(page(&state, &user, false, id, kept).await?, status))
        }
    }
}

async fn keep(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, pairs: FormPairs) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let version = form::version(&pairs);
    let reason = pairs.get("reason").unwrap_or("").to_string();
    let actor = user.principal.clone();
    match state.run(move |s| s.keep_past_16(&actor, id, version, &reason, "web")).await {
        Ok(_) => Ok(Redirect::to("/turned16?saved=1").into_response()),
        Err(e) => {
            let (kept, status) = Kept::new(format!("keep-{id}"), pairs).refused(e, msg::STALE_VERSION)?;
            Ok(with_status(page(&state, &user, false, id, kept).await?, status))
        }
    }
}
