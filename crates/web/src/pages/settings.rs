//! The settings document, shown read-only to the city and the administrator (decision 52).

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use shouhu_domain::clock::china_time;
use shouhu_domain::msg;
use shouhu_domain::role::Role;
use shouhu_domain::settings::SPECS;

pub fn router() -> Router<AppState> {
    Router::new().route("/settings", get(show))
}

pub struct SettingRow {
    pub key: &'static str,
    pub label: &'static str,
    pub value: String,
    pub default: String,
    pub changed: bool,
    pub unit: &'static str,
    pub source: &'static str,
}

/// The daily recompute's latest run, as the page shows it (decision 124).
pub struct LastRun {
    pub day: String,
    pub started: String,
    /// Empty while it runs (or after it was interrupted, until it is resumed).
    pub finished: String,
    pub files_seen: i64,
    pub changed: i64,
    pub server: String,
}

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsView {
    pub layout: Layout,
    pub rows: Vec<SettingRow>,
    pub last_run: Option<LastRun>,
}

async fn show(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    user.require(Role::may_see_settings)?;
    let settings = &state.store.settings;
    let rows = SPECS
        .iter()
        .map(|spec| {
            let (value, default) = (spec.shown(settings), spec.default_shown());
            SettingRow {
                key: spec.key,
                label: spec.label,
                changed: value != default,
                value,
                default,
                unit: spec.unit.label(),
                source: spec.source,
            }
        })
        .collect();
    let last_run = state.run(|s| s.last_recompute()).await?.map(|r| LastRun {
        day: r.day.to_string(),
        started: china_time(r.started_at),
        finished: r.finished_at.map(china_time).unwrap_or_default(),
        files_seen: r.files_seen,
        changed: r.changed,
        server: r.server,
    });
    Ok(render(&SettingsView { layout: Layout::new(msg::SETTINGS_TITLE, Some(&user)), rows, last_run }))
}
