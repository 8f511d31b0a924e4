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
use std::collections::HashMap;

pub struct HistoryRow {
    /// "第2版".
    pub version: String,
    pub at: String,
    pub user: String,
    pub source: String,
    pub field: String,
    /// The row records the file's creation (建档): no field, no old value.
    pub created: bool,
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
    /// Some old or new values are numbers masked for this reader.
    pub numbers_masked: bool,
}

fn history_row(store: &Store, schools: &HashMap<String, String>, e: HistoryEntry) -> HistoryRow {
    let show = |v: Option<String>| match v {
        None => forms::display_empty(&e.field).unwrap_or_default().to_string(),
        Some(v) if e.field == "village_code" => format!("{}（{v}）", store.regions.path_name(&v)),
        Some(v) if e.field == "school_org_id" => schools.get(&v).cloned().unwrap_or(v),
        Some(v) => forms::display(&e.field, &v),
    };
    let at = china_time(e.changed_at);
    HistoryRow {
        version: msg::file_version(e.version),
        at,
        user: e.user_name.clone(),
        source: msg::change_source(&e.source),
        field: msg::field_full_label(&e.field),
        created: e.field == "*",
        old_value: show(e.old_value.clone()),
        new_value: show(e.new_value.clone()),
    }
}

pub(super) async fn history(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    let actor = user.principal.clone();
    let (rec, entries, schools) = state
        .run(move |s| {
            let rec = s.get_child(&actor, id)?;
            let entries = s.child_history(&actor, id)?;
            // The names of the schools the file has named (its history keeps their numbers).
            let schools: HashMap<String, String> = if entries.iter().any(|e| e.field == "school_org_id") {
                s.list_orgs()?.into_iter().map(|o| (o.id.to_string(), o.name)).collect()
            } else {
                HashMap::new()
            };
            Ok((rec, entries, schools))
        })
        .await?;
    let numbers_masked = entries.iter().any(|e| e.masked);
    let rows = entries.into_iter().map(|e| history_row(&state.store, &schools, e)).collect();
    Ok(render(&HistoryView {
        layout: Layout::new(msg::HISTORY, Some(&user)),
        id,
        name: rec.file.name,
        rows,
        numbers_masked,
    }))
}
