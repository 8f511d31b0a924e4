//! The settings document, shown read-only to the city and the administrator (decision 52).

use super::{Layout, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
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

#[derive(Template)]
#[template(path = "settings.html")]
pub struct SettingsView {
    pub layout: Layout,
    pub rows: Vec<SettingRow>,
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
    Ok(render(&SettingsView { layout: Layout::new(msg::SETTINGS_TITLE, Some(&user)), rows }))
}
