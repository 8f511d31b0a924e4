//! 摸底排查轮次 (issue 20): the rounds list (the city opens one there), a round's page per
//! level (the city: its districts' returns; a district: its own and its townships'; a
//! township goes to its return), a return's page (its villages' or townships' rows, the
//! balance, the sign-off form and the level above's accept and send-back forms), and each
//! figure over the rounds.

use super::form::{Kept, Refusal, with_status};
use super::view::{china_time, day};
use super::{Layout, PageResult, render};
use crate::AppState;
use crate::api::census_rounds::{RoundUnit, return_view, sign_off, trend_view};
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use crate::pages::form;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use shouhu_census::summary;
use shouhu_domain::census_round::{self as rules, SignOffs};
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_store::census_rounds::{NamedRow, NewRound, ReturnLine, ReturnReview};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/census-rounds", get(list).post(open))
        .route("/census-rounds/trends", get(trends))
        .route("/census-rounds/returns/{id}", get(by_id))
        .route("/census-rounds/{id}", get(round))
        .route("/census-rounds/{id}/returns/{unit}", get(return_page))
        .route("/census-rounds/{id}/returns/{unit}/sign-off", post(sign_off_post))
        .route("/census-rounds/{id}/returns/{unit}/accept", post(accept_post))
        .route("/census-rounds/{id}/returns/{unit}/send-back", post(send_back_post))
}

/// Whether the home page links to the rounds: the roles that take part in them.
pub fn sees_rounds(user: &CurrentUser) -> bool {
    rules::sees_rounds(user.principal.role)
}

pub struct RoundRow {
    pub id: i64,
    pub name: String,
    pub reference_date: String,
    pub deadline: String,
    pub my_state: String,
    pub progress: String,
}

#[derive(Template)]
#[template(path = "census_rounds/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub rows: Vec<RoundRow>,
    pub may_open: bool,
    pub refusal: Refusal,
    pub name: String,
    pub reference_date: String,
    pub deadline: String,
    pub e_name: String,
    pub e_reference_date: String,
    pub e_deadline: String,
    pub saved: bool,
}

fn label_of(_form: &str, field: &str) -> (String, String) {
    let (label, anchor) = match field {
        "name" => (msg::ROUNDS_NAME, "f-name"),
        "reference_date" => (msg::ROUNDS_REFERENCE_DATE, "f-reference_date"),
        "deadline" => (msg::ROUNDS_DEADLINE, "f-deadline"),
        "unit_head" => (msg::ROUNDS_UNIT_HEAD, "f-unit_head"),
        "reviewer" => (msg::ROUNDS_REVIEWER, "f-reviewer"),
        "filler" => (msg::ROUNDS_FILLER, "f-filler"),
        "signed_on" => (msg::ROUNDS_SIGNED_ON, "f-signed_on"),
        "totals" => (msg::ROUNDS_FIGURES, "figures"),
        "townships" => (msg::ROUNDS_TOWNSHIPS, "townships"),
        "reason" => (msg::ROUNDS_SEND_BACK_REASON, "f-reason"),
        _ => (msg::FORM_HAS_ERRORS, ""),
    };
    (label.to_string(), anchor.to_string())
}

async fn list_page(state: &AppState, user: &CurrentUser, k: Kept, saved: bool) -> PageResult {
    let p = user.principal.clone();
    let rounds = state.run(move |s| s.census_rounds(&p)).await?;
    let role = user.principal.role;
    let rows = rounds
        .into_iter()
        .map(|r| RoundRow {
            id: r.id,
            name: r.name,
            reference_date: day(r.reference_date),
            deadline: day(r.deadline),
            my_state: r.my_state.map(|s| s.label().to_string()).unwrap_or_default(),
            progress: if role == shouhu_domain::role::Role::TownshipStaff {
                String::new()
            } else {
                msg::rounds_progress(r.below_accepted, r.below)
            },
        })
        .collect();
    Ok(render(&ListPage {
        layout: Layout::new(msg::ROUNDS, Some(user)),
        rows,
        may_open: rules::may_open_round(role),
        refusal: k.refusal(label_of),
        name: k.val("open", "name"),
        reference_date: k.val("open", "reference_date"),
        deadline: k.val("open", "deadline"),
        e_name: k.err("open", "name"),
        e_reference_date: k.err("open", "reference_date"),
        e_deadline: k.err("open", "deadline"),
        saved,
    }))
}

#[derive(Deserialize)]
struct Saved {
    saved: Option<String>,
}

async fn list(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<Saved>) -> PageResult {
    user.require(rules::sees_rounds)?;
    list_page(&state, &user, Kept::default(), q.saved.is_some()).await
}

async fn open(State(state): State<AppState>, user: CurrentUser, pairs: FormPairs) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    user.require(rules::may_open_round)?;
    let mut errs = shouhu_domain::error::FieldErrors::default();
    let new = NewRound {
        name: pairs.get("name").unwrap_or("").to_string(),
        reference_date: form::date_field(&pairs, "reference_date", true, &mut errs),
        deadline: form::date_field(&pairs, "deadline", true, &mut errs),
    };
    let p = user.principal.clone();
    let res = if errs.is_empty() {
        state.run(move |s| s.open_census_round(&p, new)).await
    } else {
        Err(AppError::Invalid(errs))
    };
    match res {
        Ok(id) => Ok(Redirect::to(&format!("/census-rounds/{id}?saved=1")).into_response()),
        Err(e) => {
            let (kept, status) = Kept::new("open", pairs).refused(e, msg::ROUNDS_STALE)?;
            Ok(with_status(list_page(&state, &user, kept, false).await?, status))
        }
    }
}

pub struct ReturnRow {
    pub unit_code: String,
    pub unit_name: String,
    pub state: &'static str,
    pub state_label: &'static str,
    pub total: String,
    pub due_on: String,
    pub late: bool,
    pub link: String,
}

impl ReturnRow {
    fn of(r: &ReturnLine) -> ReturnRow {
        ReturnRow {
            unit_code: r.unit_code.clone(),
            unit_name: r.unit_name.clone(),
            state: r.state.code(),
            state_label: r.state_label,
            total: r.total.map(|t| t.to_string()).unwrap_or_default(),
            due_on: day(r.due_on),
            late: r.late,
            link: format!("/census-rounds/{}/returns/{}", r.round_id, r.unit_code),
        }
    }
}

#[derive(Template)]
#[template(path = "census_rounds/round.html")]
pub struct RoundPage {
    pub layout: Layout,
    pub round_id: i64,
    pub reference_date: String,
    pub deadline: String,
    pub district_due: String,
    pub opened_by: String,
    pub saved: bool,
    /// The district's own return (for a district officer).
    pub own: Option<ReturnRow>,
    pub rows_title: &'static str,
    pub rows: Vec<ReturnRow>,
    pub progress: String,
}

async fn round(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<Saved>,
) -> PageResult {
    user.require(rules::sees_rounds)?;
    let p = user.principal.clone();
    let detail = state.run(move |s| s.census_round(&p, id)).await?;
    let region = user.principal.region_code.clone();
    if user.principal.role == shouhu_domain::role::Role::TownshipStaff {
        return Ok(Redirect::to(&format!("/census-rounds/{id}/returns/{region}")).into_response());
    }
    let own = detail.returns.iter().find(|r| r.unit_code == region).map(ReturnRow::of);
    let rows: Vec<ReturnRow> = detail.returns.iter().filter(|r| r.unit_code != region).map(ReturnRow::of).collect();
    let r = detail.round;
    Ok(render(&RoundPage {
        layout: Layout::new(r.name.clone(), Some(&user)),
        round_id: r.id,
        reference_date: day(r.reference_date),
        deadline: day(r.deadline),
        district_due: day(r.district_due),
        opened_by: r.opened_by,
        saved: q.saved.is_some(),
        own,
        rows_title: if region.len() <= 2 { msg::ROUNDS_DISTRICTS } else { msg::ROUNDS_TOWNSHIPS },
        rows,
        progress: msg::rounds_progress(r.below_accepted, r.below),
    }))
}

/// A return by its id (the to-do list's link): to its page.
async fn by_id(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    user.require(rules::sees_rounds)?;
    let p = user.principal.clone();
    let (round, unit) = state.run(move |s| s.census_return_location(&p, id)).await?;
    Ok(Redirect::to(&format!("/census-rounds/{round}/returns/{unit}")).into_response())
}

pub struct Group {
    pub title: &'static str,
    pub span: usize,
}

pub struct Event {
    pub at: String,
    pub user_name: String,
    pub label: &'static str,
    pub reason: String,
    pub total: String,
}

#[derive(Template)]
#[template(path = "census_rounds/return.html")]
pub struct ReturnPage {
    pub layout: Layout,
    pub round_id: i64,
    pub round_name: String,
    pub reference_date: String,
    pub unit_code: String,
    pub unit_name: String,
    pub level_township: bool,
    pub version: i64,
    pub state: &'static str,
    pub state_label: &'static str,
    pub due_on: String,
    pub late: bool,
    pub sent_back_reason: String,
    pub sign_offs: Option<SignOffs>,
    pub signed_at: String,
    pub signed_by: String,
    pub reviewed_at: String,
    pub reviewed_by: String,
    pub groups: Vec<Group>,
    pub columns: Vec<String>,
    /// The frozen rows, or (before the sign-off) the rows as they would be frozen now.
    pub rows: Vec<NamedRow>,
    pub frozen: bool,
    pub live: bool,
    pub balanced: bool,
    pub problem: String,
    pub events: Vec<Event>,
    pub may_sign_off: bool,
    pub may_review: bool,
    pub saved: String,
    /// The refusal of the form that was sent (sign-off or review).
    pub refusal: Refusal,
    pub refused_form: String,
    pub unit_head: String,
    pub reviewer: String,
    pub filler: String,
    pub signed_on: String,
    pub e_unit_head: String,
    pub e_reviewer: String,
    pub e_filler: String,
    pub e_signed_on: String,
    pub reason: String,
    pub e_reason: String,
}

async fn return_page_with(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    unit: String,
    k: Kept,
    saved: String,
) -> PageResult {
    user.require(rules::sees_rounds)?;
    let p = user.principal.clone();
    let view = state.run(move |s| return_view(s, &p, id, &unit)).await?;
    let d = view.detail;
    let ret = d.ret;
    let (rows, frozen, live, balanced, problem) = match view.live {
        Some(l) if d.rows.is_empty() || d.may_sign_off => {
            (l.rows, false, true, l.balanced, l.problem.unwrap_or_default())
        }
        _ => (d.rows, true, false, true, String::new()),
    };
    let today = day(state.store.today());
    let s = ret.sign_offs.clone().unwrap_or_default();
    let sign_default = |v: &str| if ret.sign_offs.is_some() { v.to_string() } else { String::new() };
    let groups = summary::groups().into_iter().map(|(title, cols)| Group { title, span: cols.len() }).collect();
    Ok(render(&ReturnPage {
        layout: Layout::new(format!("{} · {}", ret.unit_name, d.round.name), Some(user)),
        round_id: d.round.id,
        round_name: d.round.name,
        reference_date: day(d.round.reference_date),
        unit_code: ret.unit_code.clone(),
        unit_name: ret.unit_name.clone(),
        level_township: ret.level == Level::Township,
        version: ret.version,
        state: ret.state.code(),
        state_label: ret.state_label,
        due_on: day(ret.due_on),
        late: ret.late,
        sent_back_reason: ret.sent_back_reason.clone().unwrap_or_default(),
        signed_at: ret.signed_at.map(china_time).unwrap_or_default(),
        signed_by: ret.signed_by.clone().unwrap_or_default(),
        reviewed_at: ret.reviewed_at.map(china_time).unwrap_or_default(),
        reviewed_by: ret.reviewed_by.clone().unwrap_or_default(),
        groups,
        columns: view.columns,
        rows,
        frozen,
        live,
        balanced,
        problem,
        events: d
            .events
            .into_iter()
            .map(|e| Event {
                at: china_time(e.at),
                user_name: e.user_name,
                label: e.label,
                reason: e.reason.unwrap_or_default(),
                total: e.total.map(|t| t.to_string()).unwrap_or_default(),
            })
            .collect(),
        may_sign_off: d.may_sign_off,
        may_review: d.may_review,
        saved,
        refusal: k.refusal(label_of),
        refused_form: k.form.clone(),
        unit_head: k.val_or("sign-off", "unit_head", &sign_default(&s.unit_head)),
        reviewer: k.val_or("sign-off", "reviewer", &sign_default(&s.reviewer)),
        filler: k.val_or("sign-off", "filler", &sign_default(&s.filler)),
        signed_on: k.val_or("sign-off", "signed_on", &today),
        e_unit_head: k.err("sign-off", "unit_head"),
        e_reviewer: k.err("sign-off", "reviewer"),
        e_filler: k.err("sign-off", "filler"),
        e_signed_on: k.err("sign-off", "signed_on"),
        reason: k.val("send-back", "reason"),
        e_reason: k.err("send-back", "reason"),
        sign_offs: ret.sign_offs,
    }))
}

#[derive(Deserialize)]
struct Done {
    done: Option<String>,
}

async fn return_page(
    State(state): State<AppState>,
    user: CurrentUser,
    RoundUnit(id, unit): RoundUnit,
    QueryParams(q): QueryParams<Done>,
) -> PageResult {
    let saved = match q.done.as_deref() {
        Some("sign-off") => msg::ROUNDS_SIGNED_OFF,
        Some("accept") => msg::ROUNDS_ACCEPTED,
        Some("send-back") => msg::ROUNDS_SENT_BACK,
        _ => "",
    };
    return_page_with(&state, &user, id, unit, Kept::default(), saved.to_string()).await
}

async fn sign_off_post(
    State(state): State<AppState>,
    user: CurrentUser,
    RoundUnit(id, unit): RoundUnit,
    pairs: FormPairs,
) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let mut errs = shouhu_domain::error::FieldErrors::default();
    let sign_offs = SignOffs {
        unit_head: pairs.get("unit_head").unwrap_or("").to_string(),
        reviewer: pairs.get("reviewer").unwrap_or("").to_string(),
        filler: pairs.get("filler").unwrap_or("").to_string(),
        signed_on: form::date_field(&pairs, "signed_on", true, &mut errs),
    };
    let version = form::version(&pairs);
    let p = user.principal.clone();
    let u = unit.clone();
    let res = if errs.is_empty() {
        state.run(move |s| sign_off(s, &p, id, &u, version, sign_offs)).await.map(|_| ())
    } else {
        Err(AppError::Invalid(errs))
    };
    done_or_refused(&state, &user, id, unit, res, "sign-off", pairs).await
}

async fn done_or_refused(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    unit: String,
    res: Result<(), AppError>,
    form: &str,
    pairs: FormPairs,
) -> PageResult {
    match res {
        Ok(()) => Ok(Redirect::to(&format!("/census-rounds/{id}/returns/{unit}?done={form}")).into_response()),
        Err(e) => {
            let (kept, status) = Kept::new(form, pairs).refused(e, msg::ROUNDS_STALE)?;
            Ok(with_status(return_page_with(state, user, id, unit, kept, String::new()).await?, status))
        }
    }
}

async fn review_post(
    state: AppState,
    user: CurrentUser,
    id: i64,
    unit: String,
    pairs: FormPairs,
    review: ReturnReview,
) -> PageResult {
    user.check_csrf(pairs.get("csrf"))?;
    let version = form::version(&pairs);
    let reason = pairs.get("reason").unwrap_or("").to_string();
    let p = user.principal.clone();
    let u = unit.clone();
    let res = state.run(move |s| s.review_census_return(&p, id, &u, version, review, &reason)).await.map(|_| ());
    let form = if review == ReturnReview::Accept { "accept" } else { "send-back" };
    done_or_refused(&state, &user, id, unit, res, form, pairs).await
}

async fn accept_post(
    State(state): State<AppState>,
    user: CurrentUser,
    RoundUnit(id, unit): RoundUnit,
    pairs: FormPairs,
) -> PageResult {
    review_post(state, user, id, unit, pairs, ReturnReview::Accept).await
}

async fn send_back_post(
    State(state): State<AppState>,
    user: CurrentUser,
    RoundUnit(id, unit): RoundUnit,
    pairs: FormPairs,
) -> PageResult {
    review_post(state, user, id, unit, pairs, ReturnReview::SendBack).await
}

pub struct UnitOpt {
    pub code: String,
    pub name: String,
    pub selected: bool,
}

pub struct TrendColumn {
    pub round_id: i64,
    pub round_name: String,
    pub state_label: &'static str,
}

pub struct TrendLine {
    pub group: &'static str,
    pub column: String,
    pub values: Vec<u64>,
}

#[derive(Template)]
#[template(path = "census_rounds/trends.html")]
pub struct TrendsPage {
    pub layout: Layout,
    pub units: Vec<UnitOpt>,
    pub unit_name: String,
    pub rounds: Vec<TrendColumn>,
    /// One line per figure (合计 and each group's columns), one value per round.
    pub lines: Vec<TrendLine>,
}

#[derive(Deserialize)]
struct TrendQ {
    unit: Option<String>,
}

async fn trends(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<TrendQ>) -> PageResult {
    user.require(rules::sees_rounds)?;
    let p = user.principal.clone();
    let view = state.run(move |s| trend_view(s, &p, q.unit)).await?;
    let selected = view.trend.as_ref().map(|t| t.unit_code.clone()).unwrap_or_default();
    let mut group_of = vec![msg::ROUNDS_ROW_TOTAL];
    for (title, cols) in summary::groups() {
        group_of.extend(std::iter::repeat_n(title, cols.len()));
    }
    let (rounds, lines, unit_name) = match &view.trend {
        Some(t) => (
            t.points
                .iter()
                .map(|p| TrendColumn {
                    round_id: p.round_id,
                    round_name: p.round_name.clone(),
                    state_label: p.state.label(),
                })
                .collect(),
            view.columns
                .iter()
                .enumerate()
                .map(|(i, c)| TrendLine {
                    group: group_of.get(i).copied().unwrap_or(""),
                    column: c.clone(),
                    values: t.points.iter().map(|p| p.values.get(i).copied().unwrap_or(0)).collect(),
                })
                .collect(),
            t.unit_name.clone(),
        ),
        None => (Vec::new(), Vec::new(), String::new()),
    };
    Ok(render(&TrendsPage {
        layout: Layout::new(msg::ROUNDS_TRENDS, Some(&user)),
        units: view
            .units
            .into_iter()
            .map(|u| UnitOpt { selected: u.code == selected, code: u.code, name: u.name })
            .collect(),
        unit_name,
        rounds,
        lines,
    }))
}
