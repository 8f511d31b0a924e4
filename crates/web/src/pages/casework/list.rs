//! The assessments of a region (open ones first), opening one for a child of the ledger, and
//! the district's list of revocation grounds met or approaching.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, QueryParams};
use crate::error::AppError;
use crate::pages::view::china_time;
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use serde::Deserialize;
use shouhu_domain::assessment::AssessmentState;
use shouhu_domain::msg;
use shouhu_domain::report::may_see_area_reports;
use shouhu_store::casework::AssessmentSummary;

pub struct AssessmentRow {
    pub id: i64,
    pub report_id: Option<i64>,
    pub child: String,
    pub village: String,
    pub registered: bool,
    pub open: bool,
    pub state: &'static str,
    pub opened_at: String,
    pub due_at: String,
    pub overdue: bool,
    pub risk_code: &'static str,
    pub risk: &'static str,
}

impl AssessmentRow {
    fn of(a: &AssessmentSummary) -> AssessmentRow {
        AssessmentRow {
            id: a.id,
            report_id: a.report_id,
            child: super::child_named(a),
            village: a.village_name.clone(),
            registered: a.child_id.is_some(),
            open: a.state == AssessmentState::Open,
            state: a.state.label(),
            opened_at: china_time(a.opened_at),
            due_at: china_time(a.due_at),
            overdue: a.overdue,
            risk_code: a.risk_level.map_or("", |r| r.code()),
            risk: a.risk_level.map_or("", |r| r.label()),
        }
    }
}

#[derive(Template)]
#[template(path = "casework/assessments.html")]
pub struct AssessmentList {
    pub layout: Layout,
    pub open_only: bool,
    pub rows: Vec<AssessmentRow>,
}

#[derive(Deserialize)]
pub(super) struct ListQuery {
    #[serde(default)]
    view: Option<String>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<ListQuery>,
) -> PageResult {
    if !may_see_area_reports(user.principal.role) {
        return Err(PageError(AppError::Forbidden));
    }
    let open_only = q.view.as_deref() != Some("all");
    let p = user.principal.clone();
    let rows = state.run(move |s| s.list_assessments(&p, open_only)).await?;
    let title = if open_only { msg::ASSESSMENTS_OPEN } else { msg::ASSESSMENTS_ALL };
    Ok(render(&AssessmentList {
        layout: Layout::new(title, Some(&user)),
        open_only,
        rows: rows.iter().map(AssessmentRow::of).collect(),
    }))
}

#[derive(Template)]
#[template(path = "casework/revocation_grounds.html")]
pub struct GroundsPage {
    pub layout: Layout,
    pub rows: Vec<GroundsRow>,
}

pub struct GroundsRow {
    pub id: i64,
    pub child: String,
    pub village: String,
    pub state: &'static str,
    pub met: Vec<(&'static str, String)>,
    pub approaching: Vec<(&'static str, String)>,
}

/// The cases of the region whose conduct record meets or approaches revocation grounds, met
/// first: the list district civil affairs acts on ([S] 二(五)).
pub(super) async fn grounds_list(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    if !may_see_area_reports(user.principal.role) {
        return Err(PageError(AppError::Forbidden));
    }
    let p = user.principal.clone();
    let lines = state.run(move |s| s.grounds_list(&p)).await?;
    let split = |met: bool, l: &shouhu_store::casework::GroundsLine| -> Vec<(&'static str, String)> {
        l.grounds.iter().filter(|f| f.met == met).map(|f| (f.ground.label(), f.explanation.clone())).collect()
    };
    Ok(render(&GroundsPage {
        layout: Layout::new(msg::GROUNDS_LIST, Some(&user)),
        rows: lines
            .iter()
            .map(|l| GroundsRow {
                id: l.assessment.id,
                child: super::child_named(&l.assessment),
                village: l.assessment.village_name.clone(),
                state: l.assessment.state.label(),
                met: split(true, l),
                approaching: split(false, l),
            })
            .collect(),
    }))
}

/// 发起评估 from a child's page: opens an assessment of the child and goes to it.
pub(super) async fn open(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let child_id: i64 =
        form.get("child_id").and_then(|v| v.trim().parse().ok()).ok_or(PageError(AppError::NotFound))?;
    let id = state.queued_as(&user.principal, move |s, p| s.open_assessment(p, child_id)).await?;
    Ok(Redirect::to(&format!("/assessments/{id}")).into_response())
}
