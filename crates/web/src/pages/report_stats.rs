//! The accountability page (责任落实): late reporting per reporting unit and late response
//! per station, unaccepted reports, public reports and commendations, for a period.

use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::QueryParams;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::routing::get;
use serde::Deserialize;
use shouhu_domain::msg;
use shouhu_domain::report as rules;
use shouhu_domain::validate::filter_day;
use shouhu_store::report_oversight::ReportStats;

pub fn router() -> Router<AppState> {
    Router::new().route("/reports/stats", get(page))
}

#[derive(Template)]
#[template(path = "report_stats.html")]
pub struct StatsPage {
    pub layout: Layout,
    pub from: String,
    pub to: String,
    pub error: String,
    pub stats: ReportStats,
    pub org_type_label: fn(&Option<String>) -> &'static str,
}

fn org_type_label(t: &Option<String>) -> &'static str {
    t.as_deref().and_then(shouhu_domain::role::OrgType::parse).map_or(rules::Channel::Public.label(), |o| o.label())
}

#[derive(Deserialize)]
struct Period {
    #[serde(default)]
    from: String,
    #[serde(default)]
    to: String,
}

async fn page(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<Period>) -> PageResult {
    user.require(rules::may_see_area_reports)?;
    let (from, to, error) = match (filter_day(&q.from), filter_day(&q.to)) {
        (Ok(f), Ok(t)) => (f, t, String::new()),
        (Err(m), _) | (_, Err(m)) => (None, None, m.to_string()),
    };
    let p = user.principal.clone();
    let start = from.map(shouhu_domain::clock::china_day_start);
    let end = to.and_then(|d| d.succ_opt()).map(shouhu_domain::clock::china_day_start);
    let stats = state.run(move |s| s.report_stats(&p, start, end)).await.map_err(PageError::from)?;
    Ok(render(&StatsPage {
        layout: Layout::new(msg::REPORT_STATS, Some(&user)),
        from: q.from.trim().to_string(),
        to: q.to.trim().to_string(),
        error,
        stats,
        org_type_label,
    }))
}
