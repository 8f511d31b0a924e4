//! The duty desk's live queue (most urgent first), an area's every report, a reporter's own.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::QueryParams;
use crate::error::AppError;
use crate::pages::view::ago;
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use chrono::{DateTime, Utc};
use serde::Deserialize;
use shouhu_domain::msg;
use shouhu_domain::report::{self as rules, Situation, Step, Urgency};
use shouhu_store::reports::ReportSummary;

pub struct ReportRow {
    pub id: i64,
    pub receipt: String,
    pub urgency_code: &'static str,
    pub urgency_label: &'static str,
    pub critical: bool,
    pub rank: u8,
    pub situations: String,
    pub village: String,
    pub child_name: String,
    pub step_label: &'static str,
    pub reported_iso: String,
    pub reported_ms: i64,
    pub ago: String,
    pub late_report: bool,
    pub late_response: bool,
    pub version: i64,
}

impl ReportRow {
    fn of(r: &ReportSummary, now: DateTime<Utc>) -> ReportRow {
        ReportRow {
            id: r.id,
            receipt: r.receipt.clone(),
            urgency_code: r.urgency.code(),
            urgency_label: r.urgency.label(),
            critical: r.urgency == Urgency::Critical,
            rank: r.urgency.rank(),
            situations: r.situations.iter().map(|s| s.label()).collect::<Vec<_>>().join("、"),
            village: r.village_name.clone(),
            child_name: r.child_name.clone().unwrap_or_default(),
            step_label: r.step.label(),
            reported_iso: r.reported_at.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
            reported_ms: r.reported_at.timestamp_millis(),
            ago: ago(now, r.reported_at),
            late_report: r.late_report,
            late_response: r.late_response,
            version: r.version,
        }
    }
}

#[derive(Template)]
#[template(path = "reports/reports.html")]
pub struct ReportList {
    pub layout: Layout,
    /// The viewer sees the reports of an area (police, township, civil affairs).
    pub area: bool,
    /// The open queue (most urgent first) rather than every report.
    pub queue: bool,
    /// app.js keeps the list current from the live stream.
    pub live: bool,
    pub rows: Vec<ReportRow>,
    /// The code lists' labels, for the rows app.js draws (a data attribute, as JSON).
    pub labels_json: String,
    pub now_ms: i64,
    pub can_report: bool,
    pub page: i64,
    pub prev_link: String,
    pub next_link: String,
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    view: Option<String>,
    #[serde(default)]
    page: Option<i64>,
}

const PER_PAGE: i64 = 50;

fn labels_json() -> String {
    let map = |pairs: Vec<(&str, serde_json::Value)>| -> serde_json::Map<String, serde_json::Value> {
        pairs.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    };
    serde_json::json!({
        "urgency": map(Urgency::ALL.iter().map(|u| (u.code(), serde_json::json!([u.label(), u.rank()]))).collect()),
        "situations": map(Situation::ALL.iter().map(|s| (s.code(), s.label().into())).collect()),
        "steps": map(Step::ALL.iter().map(|s| (s.code(), s.label().into())).collect()),
        "late_report": msg::LATE_REPORT,
        "late_response": msg::LATE_RESPONSE,
        "just_now": msg::JUST_NOW,
        "minutes_ago": msg::MINUTES_AGO,
        "hours_ago": msg::HOURS_AGO,
        "days_ago": msg::DAYS_AGO,
    })
    .to_string()
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<ListQuery>,
) -> PageResult {
    let role = user.principal.role;
    if !rules::may_file_member_report(role) && !rules::may_see_area_reports(role) {
        return Err(PageError(AppError::Forbidden));
    }
    let area = rules::may_see_area_reports(role);
    let queue = area && q.view.as_deref() != Some("all");
    let page = q.page.unwrap_or(1).max(1);
    let p = user.principal.clone();
    let rows = state
        .run(move |s| {
            if queue {
                s.report_queue(&p)
            } else {
                s.list_reports(&p, PER_PAGE + 1, crate::filters::page_offset(page, PER_PAGE))
            }
        })
        .await?;
    let now = state.store.now();
    let more = !queue && rows.len() as i64 > PER_PAGE;
    let base = if area { "/reports?view=all&" } else { "/reports?" };
    let title = if queue {
        msg::REPORT_QUEUE
    } else if area {
        msg::ALL_REPORTS
    } else {
        msg::MY_REPORTS
    };
    let view = ReportList {
        layout: Layout::new(title, Some(&user)),
        area,
        queue,
        live: queue,
        rows: rows.iter().take(PER_PAGE as usize).map(|r| ReportRow::of(r, now)).collect(),
        labels_json: if queue { labels_json() } else { String::new() },
        now_ms: now.timestamp_millis(),
        can_report: rules::may_file_member_report(role),
        page,
        prev_link: if !queue && page > 1 { format!("{base}page={}", page - 1) } else { String::new() },
        next_link: if more { format!("{base}page={}", page + 1) } else { String::new() },
    };
    Ok(render(&view))
}
