//! Dropout control on pages (控辍保学, issue 18): the caller's cases (a school's open ones with
//! the next step due; the written reports' inbox of the education bureau and the township),
//! opening a case, a case as a timeline with its one next action, the written report, and
//! the district table. A refused form comes back with what was typed and each field's error.

use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use crate::pages::form::{Kept, Refusal, date_field, non_empty, refused_page, version};
use crate::pages::view::{Opt, Saved, china_time, day, opt_day, options};
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use axum::routing::get;
use serde::Deserialize;
use shouhu_domain::dropout::{
    self as rules, AbsenceReason, DropoutClose, DropoutMeasure, DropoutStepKind, NoticeChannel, PersuasionOutcome,
    PersuasionParty, Told,
};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_store::dropout::{
    DropoutCaseDetail, DropoutCaseSummary, DropoutFilter, DropoutStepInput, DropoutTable, NewDropoutCase,
};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/dropout", get(list))
        .route("/dropout/new", get(new_form).post(open))
        .route("/dropout/table", get(table))
        .route("/dropout/{id}", get(view).post(step))
        .route("/dropout/{id}/report", get(report))
}

/// Whether the user has dropout pages at all (the menu entry).
pub fn sees_dropout(u: &CurrentUser) -> bool {
    let p = &u.principal;
    rules::case_scope(p.role, p.org_type, p.org_id, &p.region_code) != shouhu_domain::role::Scope::Nothing
}

pub struct CaseRow {
    pub id: i64,
    pub child: String,
    pub school: String,
    pub village: String,
    pub state: &'static str,
    pub state_code: &'static str,
    pub next: String,
    pub due: String,
    pub overdue: bool,
    pub first_absent: String,
    pub report_no: String,
    pub reported_on: String,
}

impl CaseRow {
    fn of(c: &DropoutCaseSummary) -> CaseRow {
        CaseRow {
            id: c.id,
            child: c.child_name.clone(),
            school: c.school_name.clone(),
            village: format!("{}{}", c.township_name, c.village_name),
            state: c.state.label(),
            state_code: c.state.code(),
            next: c.next_action_label.clone(),
            due: opt_day(c.next_due),
            overdue: c.overdue,
            first_absent: day(c.first_absent_on),
            report_no: c.report_no.clone().unwrap_or_default(),
            reported_on: opt_day(c.reported_on),
        }
    }
}

#[derive(Template)]
#[template(path = "dropout/list.html")]
pub struct ListPage {
    pub layout: Layout,
    pub view: &'static str,
    pub school: bool,
    pub receives: bool,
    pub sees_table: bool,
    /// The school's rolls (the school; the township and civil affairs, who check them).
    pub sees_rosters: bool,
    pub rows: Vec<CaseRow>,
}

#[derive(Deserialize)]
pub struct ListQuery {
    #[serde(default)]
    view: Option<String>,
}

async fn list(State(state): State<AppState>, user: CurrentUser, QueryParams(q): QueryParams<ListQuery>) -> PageResult {
    let p = user.principal.clone();
    let receives = rules::receives_reports(p.role);
    let school = rules::is_school_staff(p.role, p.org_type);
    let filter = match q.view.as_deref() {
        Some("open") => DropoutFilter::Open,
        Some("reported") => DropoutFilter::Reported,
        Some("all") => DropoutFilter::All,
        _ if receives => DropoutFilter::Reported,
        _ => DropoutFilter::Open,
    };
    let rows = state.run(move |s| s.dropout_cases(&p, filter)).await?;
    let (view, title) = match filter {
        DropoutFilter::Open => ("open", msg::DROPOUT_OPEN_CASES),
        DropoutFilter::Reported => ("reported", msg::DROPOUT_INBOX),
        DropoutFilter::All => ("all", msg::DROPOUT_ALL_CASES),
    };
    Ok(render(&ListPage {
        layout: Layout::new(title, Some(&user)),
        view,
        school,
        receives,
        sees_table: rules::sees_district_table(user.principal.role),
        sees_rosters: school
            || matches!(
                user.principal.role,
                shouhu_domain::role::Role::TownshipStaff
                    | shouhu_domain::role::Role::DistrictOfficer
                    | shouhu_domain::role::Role::CityOfficer
            ),
        rows: rows.iter().map(CaseRow::of).collect(),
    }))
}

#[derive(Template)]
#[template(path = "dropout/new.html")]
pub struct NewPage {
    pub layout: Layout,
    pub refusal: Refusal,
    pub children: Vec<Opt>,
    pub first_absent_on: String,
    pub reasons: Vec<Opt>,
    pub note: String,
    pub e_child: String,
    pub e_first: String,
    pub e_reasons: String,
    pub e_note: String,
}

fn label_of(_form: &str, field: &str) -> (String, String) {
    let (label, anchor) = match field {
        "child_id" => (msg::REPORT_CHILD, "f-child_id"),
        "first_absent_on" => (msg::DROPOUT_FIRST_ABSENT, "f-first_absent_on"),
        "reasons" => (msg::DROPOUT_REASONS, "f-reasons"),
        "note" => (msg::DROPOUT_NOTE, "f-note"),
        "step" => (msg::DROPOUT_STEP, ""),
        "date" => (msg::DROPOUT_DATE, "f-date"),
        "channel" => (msg::DROPOUT_CHANNEL, "f-channel"),
        "told" => (msg::DROPOUT_TOLD_WHO, "f-told"),
        "parties" => (msg::DROPOUT_PARTIES, "f-parties"),
        "outcome" => (msg::DROPOUT_OUTCOME, "f-outcome"),
        "measure" => (msg::DROPOUT_MEASURE, "f-measure"),
        "close" => (msg::DROPOUT_CLOSE_OUTCOME, "f-close"),
        "school_org_id" => (msg::DROPOUT_SCHOOL, "f-close"),
        _ => (msg::FORM_HAS_ERRORS, ""),
    };
    (label.to_string(), anchor.to_string())
}

async fn new_page(state: &AppState, user: &CurrentUser, k: Kept) -> Result<NewPage, PageError> {
    let p = user.principal.clone();
    let candidates = state.run(move |s| s.dropout_candidates(&p)).await?;
    let chosen = k.val("new", "child_id");
    let reasons = k.vals("new", "reasons");
    Ok(NewPage {
        layout: Layout::new(msg::DROPOUT_NEW, Some(user)),
        refusal: k.refusal(label_of),
        children: candidates
            .into_iter()
            .map(|(id, name)| Opt {
                code: id.to_string(),
                label: format!("{name}（{} {id}）", msg::CHILD_ID),
                selected: chosen == id.to_string(),
            })
            .collect(),
        first_absent_on: k.val("new", "first_absent_on"),
        reasons: AbsenceReason::ALL
            .iter()
            .map(|r| Opt {
                code: r.code().into(),
                label: r.label().into(),
                selected: reasons.iter().any(|x| x == r.code()),
            })
            .collect(),
        note: k.val("new", "note"),
        e_child: k.err("new", "child_id"),
        e_first: k.err("new", "first_absent_on"),
        e_reasons: k.err("new", "reasons"),
        e_note: k.err("new", "note"),
    })
}

#[derive(Deserialize)]
pub struct NewQuery {
    /// The child to preselect (a roster's possible dropout).
    #[serde(default)]
    child_id: Option<i64>,
}

async fn new_form(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<NewQuery>,
) -> PageResult {
    let k = match q.child_id {
        Some(id) => Kept::with_pairs("new", vec![("child_id".into(), id.to_string())]),
        None => Kept::default(),
    };
    Ok(render(&new_page(&state, &user, k).await?))
}

async fn open(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let child_id = form.get("child_id").and_then(|v| v.trim().parse::<i64>().ok());
    if child_id.is_none() {
        errs.add("child_id", msg::REQUIRED);
    }
    let first = date_field(&form, "first_absent_on", true, &mut errs);
    let reasons: Vec<AbsenceReason> =
        form.0.iter().filter(|(k, _)| k == "reasons").filter_map(|(_, v)| AbsenceReason::parse(v)).collect();
    let new = NewDropoutCase {
        child_id: child_id.unwrap_or(-1),
        first_absent_on: first,
        reasons,
        note: non_empty(form.get("note")),
    };
    let p = user.principal.clone();
    // The store's checks too, so that every wrong field is named at once.
    let result = state.run(move |s| merged(errs, s.open_dropout_case(&p, new))).await;
    match result {
        Ok(id) => Ok(Redirect::to(&format!("/dropout/{id}?saved=opened")).into_response()),
        Err(e) => {
            let (kept, status) = Kept::new("new", form).refused(e, msg::DROPOUT_STALE)?;
            refused_page(&new_page(&state, &user, kept).await?, status)
        }
    }
}

/// The form's own findings with the store's: each field named once, the form's first.
fn merged<T>(mut errs: FieldErrors, r: Result<T, shouhu_store::StoreError>) -> Result<T, shouhu_store::StoreError> {
    use shouhu_store::StoreError;
    match r {
        Err(StoreError::Invalid(more)) if !errs.is_empty() => {
            for e in more.0 {
                if errs.get(&e.field).is_none() {
                    errs.0.push(e);
                }
            }
            Err(StoreError::Invalid(errs))
        }
        Ok(_) if !errs.is_empty() => Err(StoreError::Invalid(errs)),
        other => other,
    }
}

pub struct StepRow {
    pub assessment: Option<i64>,
    pub kind: &'static str,
    pub kind_code: &'static str,
    pub date: String,
    pub summary: String,
    pub note: String,
    pub by: String,
    pub at: String,
}

/// One step's form: the fields of its kind.
pub struct StepForm {
    pub kind: &'static str,
    pub label: &'static str,
    pub primary: bool,
    pub date: String,
    pub channels: Vec<Opt>,
    pub told: Vec<Opt>,
    pub parties: Vec<Opt>,
    pub outcomes: Vec<Opt>,
    pub measures: Vec<Opt>,
    pub closes: Vec<Opt>,
    pub note: String,
    pub refusal: Refusal,
    pub e_date: String,
    pub e_channel: String,
    pub e_told: String,
    pub e_parties: String,
    pub e_outcome: String,
    pub e_measure: String,
    pub e_close: String,
    pub e_note: String,
}

pub struct ContactRow {
    pub relation: String,
    pub name: String,
    pub phone: String,
}

#[derive(Template)]
#[template(path = "dropout/case.html")]
pub struct CasePage {
    pub layout: Layout,
    pub id: i64,
    pub version: i64,
    pub saved: bool,
    pub child: String,
    pub sex_age: String,
    pub school: String,
    pub village: String,
    pub contacts: Vec<ContactRow>,
    pub state: &'static str,
    pub state_code: &'static str,
    pub first_absent: String,
    pub reasons: String,
    pub case_note: String,
    pub next: String,
    pub next_code: String,
    pub due: String,
    pub overdue: bool,
    pub report_no: String,
    pub steps: Vec<StepRow>,
    pub forms: Vec<StepForm>,
}

fn form_name(kind: DropoutStepKind) -> String {
    format!("step-{}", kind.code())
}

fn step_form(kind: DropoutStepKind, primary: bool, k: &Kept, today: &str) -> StepForm {
    let f = form_name(kind);
    let sent = |name: &str| k.vals(&f, name);
    let pick = |name: &str| k.val(&f, name);
    let multi = |all: Vec<(&'static str, &'static str)>, chosen: Vec<String>| {
        all.into_iter()
            .map(|(c, l)| Opt { code: c.into(), label: l.into(), selected: chosen.iter().any(|x| x == c) })
            .collect::<Vec<_>>()
    };
    StepForm {
        kind: kind.code(),
        label: kind.label(),
        primary,
        date: if k.is(&f) { pick("date") } else { today.to_string() },
        channels: options(NoticeChannel::ALL, NoticeChannel::code, NoticeChannel::label, &pick("channel")),
        told: multi(Told::options(), sent("told")),
        parties: multi(PersuasionParty::options(), sent("parties")),
        outcomes: options(PersuasionOutcome::ALL, PersuasionOutcome::code, PersuasionOutcome::label, &pick("outcome")),
        measures: options(DropoutMeasure::ALL, DropoutMeasure::code, DropoutMeasure::label, &pick("measure")),
        closes: options(DropoutClose::ALL, DropoutClose::code, DropoutClose::label, &pick("close")),
        note: pick("note"),
        refusal: if k.is(&f) { k.refusal(label_of) } else { Refusal::default() },
        e_date: k.err(&f, "date"),
        e_channel: k.err(&f, "channel"),
        e_told: k.err(&f, "told"),
        e_parties: k.err(&f, "parties"),
        e_outcome: k.err(&f, "outcome"),
        e_measure: k.err(&f, "measure"),
        e_close: [k.err(&f, "close"), k.err(&f, "school_org_id")].concat(),
        e_note: k.err(&f, "note"),
    }
}

use shouhu_domain::codes::CodeList;

/// Which step the case's next action is.
fn primary_step(next: &str) -> Option<DropoutStepKind> {
    Some(match next {
        "notify" => DropoutStepKind::Notified,
        "persuade" => DropoutStepKind::Persuasion,
        "report" => DropoutStepKind::Reported,
        "measures" => DropoutStepKind::Measure,
        "close" => DropoutStepKind::Closed,
        _ => return None,
    })
}

fn case_page(d: &DropoutCaseDetail, user: &CurrentUser, saved: bool, k: &Kept, today: &str) -> CasePage {
    let s = &d.summary;
    let primary = primary_step(&s.next_action);
    // The one next action first and open; the other steps allowed now folded away below it.
    let mut kinds = d.may_record.clone();
    kinds.sort_by_key(|kind| Some(*kind) != primary);
    let sex_age =
        [d.child.sex.map(|x| x.label().to_string()), d.child.age.map(|a| format!("{a}{}", msg::YEARS_OF_AGE))]
            .into_iter()
            .flatten()
            .collect::<Vec<_>>()
            .join("，");
    CasePage {
        layout: Layout::new(format!("{} {}", msg::DROPOUT_CASE, s.child_name), Some(user)),
        id: s.id,
        version: s.version,
        saved,
        child: d.child.name.clone(),
        sex_age,
        school: d.child.school_name.clone(),
        village: format!("{}{}", s.township_name, s.village_name),
        contacts: d
            .child
            .contacts
            .iter()
            .map(|c| ContactRow {
                relation: c.relation.clone(),
                name: c.name.clone(),
                phone: c.phone.clone().unwrap_or_default(),
            })
            .collect(),
        state: s.state.label(),
        state_code: s.state.code(),
        first_absent: day(s.first_absent_on),
        reasons: d.reasons.iter().map(|r| r.label()).collect::<Vec<_>>().join("、"),
        case_note: d.note.clone().unwrap_or_default(),
        next: s.next_action_label.clone(),
        next_code: s.next_action.clone(),
        due: opt_day(s.next_due),
        overdue: s.overdue,
        report_no: s.report_no.clone().unwrap_or_default(),
        steps: d
            .steps
            .iter()
            .rev()
            .map(|st| StepRow {
                assessment: st
                    .assessment_id
                    .filter(|_| shouhu_domain::assessment::has_assessment_list(user.principal.role)),
                kind: st.kind.label(),
                kind_code: st.kind.code(),
                date: day(st.date),
                summary: st.summary.clone(),
                note: st.note.clone().unwrap_or_default(),
                by: format!("{} {}", st.org_name, st.recorded_by),
                at: china_time(st.recorded_at),
            })
            .collect(),
        forms: kinds.iter().map(|kind| step_form(*kind, Some(*kind) == primary, k, today)).collect(),
    }
}

async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(q): QueryParams<Saved>,
) -> PageResult {
    let p = user.principal.clone();
    let d = state.run(move |s| s.dropout_case(&p, id)).await?;
    let today = day(state.store.today());
    Ok(render(&case_page(&d, &user, q.saved.is_some(), &Kept::default(), &today)))
}

async fn step(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let mut errs = FieldErrors::default();
    let kind = form.get("step").and_then(DropoutStepKind::parse);
    let date = date_field(&form, "date", true, &mut errs);
    let many = |name: &str| form.0.iter().filter(|(k, _)| k == name).map(|(_, v)| v.as_str()).collect::<Vec<_>>();
    let input = DropoutStepInput {
        step: kind,
        date,
        channel: form.get("channel").and_then(NoticeChannel::parse),
        told: many("told").into_iter().filter_map(Told::parse).collect(),
        parties: many("parties").into_iter().filter_map(PersuasionParty::parse).collect(),
        outcome: form.get("outcome").and_then(PersuasionOutcome::parse),
        measure: form.get("measure").and_then(DropoutMeasure::parse),
        close: form.get("close").and_then(DropoutClose::parse),
        school_org_id: None,
        note: non_empty(form.get("note")),
    };
    let v = version(&form);
    let p = user.principal.clone();
    let result = state.run(move |s| merged(errs, s.record_dropout_step(&p, id, v, input))).await;
    match result {
        Ok(()) => Ok(Redirect::to(&format!("/dropout/{id}?saved=1")).into_response()),
        Err(e) => {
            let name = kind.map(form_name).unwrap_or_default();
            let (kept, status) = Kept::new(name, form).refused(e, msg::DROPOUT_STALE)?;
            let p = user.principal.clone();
            let d = state.run(move |s| s.dropout_case(&p, id)).await?;
            let today = day(state.store.today());
            let mut page = case_page(&d, &user, false, &kept, &today);
            // A refusal not of a form now on the page (a step no longer allowed) shows above the timeline.
            if !page.forms.iter().any(|f| kept.is(&form_name_of(f.kind))) {
                page.forms.insert(0, stale_form(&kept));
            }
            refused_page(&page, status)
        }
    }
}

fn form_name_of(code: &str) -> String {
    format!("step-{code}")
}

/// A banner-only "form" for a refusal whose form is no longer offered.
fn stale_form(k: &Kept) -> StepForm {
    let mut f = step_form(DropoutStepKind::Opened, false, &Kept::default(), "");
    f.kind = "";
    f.refusal = k.refusal(label_of);
    f
}

#[derive(Template)]
#[template(path = "dropout/report.html")]
pub struct ReportPage {
    pub layout: Layout,
    pub id: i64,
    pub report_no: String,
    pub paragraphs: Vec<String>,
}

async fn report(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    let p = user.principal.clone();
    let d = state.run(move |s| s.dropout_case(&p, id)).await?;
    let Some(text) = d.report_text.clone() else {
        return Err(PageError(AppError::NotFound));
    };
    Ok(render(&ReportPage {
        layout: Layout::new(msg::DROPOUT_WRITTEN_REPORT, Some(&user)),
        id,
        report_no: d.summary.report_no.clone().unwrap_or_default(),
        paragraphs: text.lines().map(str::to_string).collect(),
    }))
}

#[derive(Template)]
#[template(path = "dropout/table.html")]
pub struct TablePage {
    pub layout: Layout,
    pub since: String,
    pub e_since: String,
    pub table: DropoutTable,
}

#[derive(Deserialize)]
pub struct TableQuery {
    #[serde(default)]
    since: Option<String>,
}

async fn table(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<TableQuery>,
) -> PageResult {
    let raw = q.since.unwrap_or_default();
    let mut e_since = String::new();
    let since = match raw.trim() {
        "" => None,
        s => match chrono::NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                e_since = msg::DATE_INVALID.to_string();
                None
            }
        },
    };
    let p = user.principal.clone();
    let table = state.run(move |s| s.dropout_table(&p, since)).await?;
    Ok(render(&TablePage { layout: Layout::new(msg::DROPOUT_TABLE, Some(&user)), since: raw, e_since, table }))
}
