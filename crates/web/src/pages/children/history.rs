//! A file's history: every change, field by field, with who made it and when.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::IdPath;
use crate::forms;
use crate::pages::view::china_time;
use crate::pages::{Layout, PageResult, render};
use askama::Template;
use axum::extract::State;
use shouhu_domain::msg;
use shouhu_store::Store;
use shouhu_store::history::HistoryEntry;

pub struct HistoryRow {
    pub version: i64,
    pub at: String,
    pub user: String,
    pub source: String,
    pub field: String,
    pub old_value: String,
    pub new_value: String,
}

#[derive(Template)]
#[template(path = "children/history.html")]
pub struct HistoryView {
    pub layout: Layout,
    pub id: i64,
    pub name: String,
    pub rows: Vec<HistoryRow>,
}

fn history_row(store: &Store, e: HistoryEntry) -> HistoryRow {
    let show = |v: Option<String>| match v {
        None => forms::display_empty(&e.field).unwrap_or_default().to_string(),
        Some(v) if e.field == "village_code" => format!("{}（{v}）", store.regions.path_name(&v)),
        Some(v) => forms::display(&e.field, &v),
    };
    let at = china_time(e.changed_at);
    HistoryRow {
        version: e.version,
        at,
        user: e.user_name.clone(),
        source: e.source.clone(),
        field: msg::field_full_label(&e.field),
        old_value: show(e.old_value.clone()),
        new_value: show(e.new_value.clone()),
    }
}

pub(super) async fn history(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    let actor = user.principal.clone();
    let (rec, entries) = state.run(move |s| Ok((s.get_child(&actor, id)?, s.child_history(&actor, id)?))).await?;
    let rows = entries.into_iter().map(|e| history_row(&state.store, e)).collect();
    Ok(render(&HistoryView { layout: Layout::new(msg::HISTORY, Some(&user)), id, name: rec.file.name, rows }))
}
