//! HTML pages: server-rendered, in Chinese, usable without JavaScript on a 360-px phone.

pub mod account;
pub mod admin;
pub mod casework;
pub mod children;
pub mod dropout;
pub mod form;
pub mod home;
pub mod imports;
pub mod login;
pub mod notifications;
pub mod report_stats;
pub mod reports;
pub mod second_factor;
pub mod settings;
pub mod turned16;
pub mod view;
pub mod visits;
// Oversight (issue 20).
pub mod oversight;
// Statistics (issue 20).
pub mod statistics;
// Census rounds (issue 20).
pub mod census_rounds;

use crate::AppState;
use crate::auth::CurrentUser;
use crate::error::AppError;
use askama::Template;
use axum::Router;
use axum::http::StatusCode;
use axum::response::{Html, IntoResponse, Redirect, Response};
use shouhu_domain::msg;

pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/",
            axum::routing::get(|crate::auth::MaybeUser(user): crate::auth::MaybeUser| async move {
                Redirect::to(user.map_or("/children", |u| home(u.principal.role)))
            }),
        )
        .merge(login::router())
        .merge(children::router())
        .merge(admin::router())
        .merge(imports::router())
        .merge(report_stats::router())
        .merge(reports::router())
        .merge(casework::router())
        .merge(settings::router())
        .merge(turned16::router())
        .merge(account::router())
        .merge(second_factor::router())
        .merge(visits::router())
        .merge(dropout::router())
        .merge(home::router())
        .merge(notifications::router())
        .merge(crate::rosters::router())
        // Oversight (issue 20).
        .merge(oversight::router())
        // Statistics (issue 20).
        .merge(statistics::router())
        // Census rounds (issue 20).
        .merge(census_rounds::router())
}

/// Where a user lands after signing in, and what `/` and the brand lead to: the
/// administrator, who sees no child's file, to administration; everyone else to their home
/// page (工作台, issue 19: what is theirs to do).
pub fn home(role: shouhu_domain::role::Role) -> &'static str {
    if role.is_admin() { "/admin/users" } else { "/home" }
}

/// What the frame of every page shows: who is signed in, and the form token.
pub struct Layout {
    pub title: String,
    pub user: Option<LayoutUser>,
    pub csrf: String,
}

pub struct LayoutUser {
    pub name: String,
    pub org: String,
    pub role: &'static str,
    pub is_admin: bool,
    /// Sees the ledger (台账): everyone but the administrator.
    pub sees_ledger: bool,
    pub can_write: bool,
    /// May file a report from the account (everyone but the administrator).
    pub can_report: bool,
    /// Has a reports page: their own reports, or their area's.
    pub sees_reports: bool,
    /// Has the assessments of their area (评估帮扶) as their work: townships and civil affairs.
    pub sees_casework: bool,
    /// Sees the settings document (系统设置).
    pub sees_settings: bool,
    /// Decides on files whose child reached 16 (年满十六周岁待处理): those who close files.
    pub closes_files: bool,
    /// Approves accounts (账号审核): administrators and the city.
    pub approves_accounts: bool,
    /// Visits children (今日走访): the village child director and those who record visits.
    pub visits: bool,
    /// The supervisor's page (走访督导): the township's child supervisor.
    pub supervises: bool,
    /// Has dropout cases (控辍保学, issue 18): schools, the education bureau, townships,
    /// villages and civil affairs.
    pub sees_dropout: bool,
    /// Has a to-do list (待办, issue 19): every role with a kind of task.
    pub has_tasks: bool,
    /// The open tasks, for the nav badge (`data-task-badge`, hidden at 0); `None` where the
    /// page did not count them: the script fills the badge (decision 181).
    pub open_tasks: Option<i64>,
    /// The register of overdue work (问责台账, issue 20): district and city civil affairs.
    pub sees_accountability: bool,
    /// Records the joint meeting (联席会议, issue 20): the city.
    pub records_meetings: bool,
    /// The statistics page (统计分析, issue 20): civil affairs and the member departments.
    pub sees_statistics: bool,
}

impl Layout {
    pub fn new(title: impl Into<String>, user: Option<&CurrentUser>) -> Layout {
        Layout {
            title: title.into(),
            csrf: user.map(|u| u.csrf().to_string()).unwrap_or_default(),
            user: user.map(|u| LayoutUser {
                name: u.principal.display_name.clone(),
                org: u.principal.org_name.clone(),
                role: u.principal.role.label(),
                is_admin: u.principal.role.is_admin(),
                sees_ledger: u.principal.role.may_read_children(),
                can_write: u.principal.role.may_write_children(),
                can_report: shouhu_domain::report::may_file_member_report(u.principal.role),
                sees_reports: shouhu_domain::report::may_file_member_report(u.principal.role)
                    || shouhu_domain::report::may_see_area_reports(u.principal.role),
                sees_casework: shouhu_domain::assessment::has_assessment_list(u.principal.role),
                sees_settings: u.principal.role.may_see_settings(),
                closes_files: u.principal.role.may_close_files(),
                approves_accounts: u.principal.role.may_approve_accounts(),
                visits: u.principal.role == shouhu_domain::role::Role::ChildDirector,
                supervises: shouhu_domain::visit::may_review_visits(u.principal.role),
                sees_dropout: dropout::sees_dropout(u),
                has_tasks: !shouhu_domain::task::kinds_for(u.principal.role).is_empty(),
                open_tasks: u.open_tasks,
                sees_accountability: shouhu_domain::oversight::may_read_register(u.principal.role),
                records_meetings: shouhu_domain::oversight::may_record_meeting(u.principal.role),
                sees_statistics: shouhu_domain::statistics::may_see_statistics(u.principal.role),
            }),
        }
    }
}

/// Renders a template, or the error page if rendering fails.
pub fn render(t: &impl Template) -> Response {
    match t.render() {
        Ok(html) => Html(html).into_response(),
        Err(e) => PageError(AppError::Internal(format!("template: {e}"))).into_response(),
    }
}

#[derive(Template)]
#[template(path = "error.html")]
pub struct ErrorPage {
    pub layout: Layout,
    pub message: String,
}

/// An error on a page: sign-in for the anonymous, a Chinese message page otherwise.
pub struct PageError(pub AppError);

impl From<AppError> for PageError {
    fn from(e: AppError) -> Self {
        PageError(e)
    }
}

impl From<shouhu_store::StoreError> for PageError {
    fn from(e: shouhu_store::StoreError) -> Self {
        PageError(e.into())
    }
}

impl IntoResponse for PageError {
    fn into_response(self) -> Response {
        if matches!(self.0, AppError::Unauthenticated) {
            return Redirect::to("/login").into_response();
        }
        self.0.log();
        let status = self.0.status();
        let page = ErrorPage { layout: Layout::new(msg::ERROR_TITLE, None), message: self.0.message() };
        let mut res = render(&page);
        *res.status_mut() = if res.status() == StatusCode::OK { status } else { res.status() };
        res
    }
}

pub type PageResult = Result<Response, PageError>;
