//! The ledger, the child's file, its form and its history.

use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::FormPairs;
use crate::body::{IdPath, QueryParams};
use crate::error::AppError;
pub use crate::filters::LedgerQuery;
use crate::forms::{self, FIELDS, Kind};
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use serde::Deserialize;
use shouhu_domain::age::AgeBand;
use shouhu_domain::child::{ChildFile, ChildRecord, FileStatus, Warning};
use shouhu_domain::codes::{Category, CloseReason, CodeList, GuardianshipType, Schooling};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_domain::role::{Role, Scope};
use shouhu_store::audit::Action;
use shouhu_store::children::{LedgerPage, LedgerRow};
use shouhu_store::history::HistoryEntry;
use shouhu_store::{Store, StoreError};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/children", get(ledger))
        .route("/children/new", get(new_form).post(create))
        .route("/children/{id}", get(view))
        .route("/children/{id}/edit", get(edit_form).post(update))
        .route("/children/{id}/close", post(close))
        .route("/children/{id}/reopen", post(reopen))
        .route("/children/{id}/history", get(history))
}

/// An `<option>` of a select box.
pub struct Opt {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

fn opts(list: Vec<(&'static str, &'static str)>, current: &str) -> Vec<Opt> {
    list.into_iter().map(|(c, l)| Opt { code: c.to_string(), label: l.to_string(), selected: c == current }).collect()
}

// ---------------------------------------------------------------- ledger

pub struct RowView {
    pub id: i64,
    pub name: String,
    pub sex: &'static str,
    pub age: String,
    pub village: String,
    pub category: &'static str,
    pub guardianship: &'static str,
    pub schooling: &'static str,
    pub warnings: Vec<&'static str>,
    pub id_masked: String,
    pub closed: bool,
}

impl RowView {
    pub fn of(r: &LedgerRow) -> RowView {
        RowView {
            id: r.id,
            name: r.name.clone(),
            sex: r.sex.map_or("", |s| s.label()),
            age: r.age.map(|a| format!("{a}{}", msg::YEARS_SUFFIX)).unwrap_or_default(),
            village: r.village_name.clone(),
            category: r.category.label(),
            guardianship: r.guardianship_type.map_or("", |g| g.label()),
            schooling: r.schooling.map_or("", |s| s.label()),
            warnings: r.warnings.iter().map(|w| w.label()).collect(),
            id_masked: r.id_number_masked.clone().unwrap_or_default(),
            closed: r.closed,
        }
    }
}

#[derive(Template)]
#[template(path = "ledger.html")]
pub struct LedgerView {
    pub layout: Layout,
    pub q: String,
    pub searching: bool,
    /// A filter is set: the filter panel stays open (closed by default, to leave the phone's
    /// first screen to the list).
    pub filtering: bool,
    pub rows: Vec<RowView>,
    pub total_text: String,
    pub page: u32,
    pub prev_link: String,
    pub next_link: String,
    pub regions: Vec<Opt>,
    pub categories: Vec<Opt>,
    pub age_bands: Vec<Opt>,
    pub guardianship_types: Vec<Opt>,
    pub schoolings: Vec<Opt>,
    pub warnings: Vec<Opt>,
    pub statuses: Vec<Opt>,
}

/// The regions a user can filter by: their region's subtree down to townships, and villages
/// when their region is a township.
pub fn region_options(store: &Store, scope: &Scope, current: &str) -> Vec<Opt> {
    let Scope::Region(root) = scope else {
        return Vec::new();
    };
    let mut out = Vec::new();
    let mut stack = vec![(root.clone(), 0usize)];
    while let Some((code, depth)) = stack.pop() {
        let Some(r) = store.regions.get(&code) else {
            continue;
        };
        out.push(Opt {
            code: r.code.clone(),
            label: format!("{}{}", "　".repeat(depth), r.name),
            selected: r.code == current,
        });
        let root_is_township = store.regions.get(root).is_some_and(|r| r.level >= Level::Township);
        let kids: Vec<String> = store
            .regions
            .children(&code)
            .filter(|c| c.level != Level::Village || root_is_township)
            .map(|c| c.code.clone())
            .collect();
        for k in kids.into_iter().rev() {
            stack.push((k, depth + 1));
        }
    }
    out
}

async fn ledger(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<LedgerQuery>,
) -> PageResult {
    let scope = user.principal.scope();
    let actor = user.principal.actor();
    let filter = q.filter();
    let page_no = q.page.unwrap_or(1).max(1);
    let query_text = q.q.trim().to_string();
    let searching = !query_text.is_empty();
    let (rows, total_text, has_next) = {
        let scope = scope.clone();
        let filter = filter.clone();
        let qt = query_text.clone();
        state
            .run(move |s| {
                if !qt.is_empty() {
                    let found = s.search_page(&scope, &qt, 50)?;
                    s.audit(&actor, Action::Search, None, &shouhu_domain::id_number::mask_id(&qt))?;
                    let n = found.rows.len();
                    let text = if found.more {
                        format!("{}{n}{}", msg::MORE_THAN, msg::TOTAL_SUFFIX)
                    } else {
                        format!("{}{n}{}", msg::TOTAL_PREFIX, msg::TOTAL_SUFFIX)
                    };
                    Ok((found.rows, text, false))
                } else {
                    let p: LedgerPage = s.ledger(&scope, &filter, page_no, 20)?;
                    s.audit(&actor, Action::ViewLedger, None, &format!("page {page_no}"))?;
                    let more = p.total_capped || i64::from(p.page * p.per_page) < p.total;
                    let text = if p.total_capped {
                        format!("{}{}{}{}", msg::MORE_THAN, p.total, "", msg::TOTAL_SUFFIX)
                    } else {
                        format!("{}{}{}", msg::TOTAL_PREFIX, p.total, msg::TOTAL_SUFFIX)
                    };
                    Ok((p.rows, text, more))
                }
            })
            .await?
    };
    let view = LedgerView {
        layout: Layout::new(msg::LEDGER, Some(&user)),
        q: query_text,
        searching,
        filtering: [&q.region, &q.category, &q.age_band, &q.guardianship_type, &q.schooling, &q.warning, &q.status]
            .iter()
            .any(|v| !v.is_empty()),
        rows: rows.iter().map(RowView::of).collect(),
        total_text,
        page: page_no,
        prev_link: if page_no > 1 { format!("/children?{}", q.with_page(page_no - 1)) } else { String::new() },
        next_link: if has_next { format!("/children?{}", q.with_page(page_no + 1)) } else { String::new() },
        regions: region_options(&state.store, &scope, &q.region),
        categories: opts(Category::options(), &q.category),
        age_bands: AgeBand::ALL
            .iter()
            .map(|b| Opt { code: b.code().into(), label: b.label().into(), selected: b.code() == q.age_band })
            .collect(),
        guardianship_types: opts(GuardianshipType::options(), &q.guardianship_type),
        schoolings: opts(Schooling::options(), &q.schooling),
        warnings: Warning::ALL
            .iter()
            .map(|w| Opt { code: w.code().into(), label: w.label().into(), selected: w.code() == q.warning })
            .collect(),
        statuses: opts(
            vec![("open", msg::STATUS_OPEN), ("closed", msg::STATUS_CLOSED), ("all", msg::ALL)],
            if q.status.is_empty() { "open" } else { &q.status },
        ),
    };
    Ok(render(&view))
}

// ---------------------------------------------------------------- the file

pub struct ShowRow {
    pub label: &'static str,
    pub value: String,
}

pub struct ShowSection {
    pub title: &'static str,
    pub rows: Vec<ShowRow>,
}

#[derive(Template)]
#[template(path = "child.html")]
pub struct ChildView {
    pub layout: Layout,
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub closed: bool,
    pub closed_text: String,
    pub age: String,
    pub age_band: String,
    pub category: &'static str,
    pub warnings: Vec<&'static str>,
    pub village_path: String,
    pub sections: Vec<ShowSection>,
    pub saved: bool,
    pub can_write: bool,
    pub can_close: bool,
    /// "报告情况" from the child's page, with the child filled in.
    pub can_report: bool,
    /// "发起评估": opens an assessment of the child (评估帮扶).
    pub can_assess: bool,
    pub close_reasons: Vec<Opt>,
    /// The child's assessments (for those who see casework), with revocation grounds.
    pub cases: Vec<CaseView>,
}

pub struct CaseView {
    pub id: i64,
    pub state: &'static str,
    pub risk: &'static str,
    pub overdue: bool,
    pub met: Vec<&'static str>,
    pub approaching: Vec<&'static str>,
}

/// The form's sections, by the first segment of each field's path.
fn section_of(path: &str) -> &'static str {
    match path.split_once('.').map(|(h, _)| h) {
        Some("father") => msg::SECTION_FATHER,
        Some("mother") => msg::SECTION_MOTHER,
        Some("paternal_grandfather" | "paternal_grandmother" | "maternal_grandfather" | "maternal_grandmother") => {
            msg::SECTION_GRANDPARENTS
        }
        Some("entrusted_guardian") => msg::SECTION_GUARDIAN,
        _ => match path {
            "guardianship_type" | "lives_alone" | "unattended" | "income_sources" | "assistance" | "notes" => {
                msg::SECTION_FAMILY
            }
            _ => msg::SECTION_CHILD,
        },
    }
}

fn show_sections(store: &Store, file: &ChildFile) -> Vec<ShowSection> {
    let values = forms::values_of(file);
    let mut sections: Vec<ShowSection> = Vec::new();
    for (path, _) in FIELDS {
        let title = section_of(path);
        if sections.last().is_none_or(|s| s.title != title) {
            sections.push(ShowSection { title, rows: Vec::new() });
        }
        let Some(raw) = values.get(*path) else {
            continue;
        };
        let value = match *path {
            "village_code" => format!("{}（{raw}）", store.regions.path_name(raw)),
            _ => forms::display(path, raw),
        };
        if let Some(s) = sections.last_mut() {
            s.rows.push(ShowRow { label: msg::field_label(path), value });
        }
    }
    sections.retain(|s| !s.rows.is_empty());
    sections
}

#[derive(Deserialize)]
struct ViewQuery {
    #[serde(default)]
    saved: Option<String>,
}

async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(vq): QueryParams<ViewQuery>,
) -> PageResult {
    let (actor, p) = (user.principal.actor(), user.principal.clone());
    let (rec, cases) = state.run(move |s| Ok((s.view_child(&actor, id)?, s.child_cases(&p, id)?))).await?;
    let mut page = child_view(&state, &user, rec, vq.saved.is_some());
    page.cases = cases
        .iter()
        .map(|l| CaseView {
            id: l.assessment.id,
            state: l.assessment.state.label(),
            risk: l.assessment.risk_level.map_or("", |r| r.label()),
            overdue: l.assessment.overdue,
            met: l.grounds.iter().filter(|g| g.met).map(|g| g.ground.label()).collect(),
            approaching: l.grounds.iter().filter(|g| !g.met).map(|g| g.ground.label()).collect(),
        })
        .collect();
    Ok(render(&page))
}

fn child_view(state: &AppState, user: &CurrentUser, rec: ChildRecord, saved: bool) -> ChildView {
    let (closed, closed_text) = match &rec.status {
        FileStatus::Open => (false, String::new()),
        FileStatus::Closed { reason, note, closed_at } => (
            true,
            format!(
                "{}：{}{}（{}）",
                msg::STATUS_CLOSED,
                reason.label(),
                note.as_ref().map(|n| format!("，{n}")).unwrap_or_default(),
                shouhu_domain::clock::china_date(*closed_at)
            ),
        ),
    };
    ChildView {
        layout: Layout::new(rec.file.name.clone(), Some(user)),
        id: rec.id,
        version: rec.version,
        name: rec.file.name.clone(),
        closed,
        closed_text,
        age: rec.derived.age.map(|a| format!("{a}{}", msg::YEARS_SUFFIX)).unwrap_or_default(),
        age_band: rec.derived.age_band.map(|b| b.label().to_string()).unwrap_or_default(),
        category: rec.derived.category.label(),
        warnings: rec.derived.warnings.iter().map(|w| w.label()).collect(),
        village_path: state.store.regions.path_name(&rec.file.village_code),
        sections: show_sections(&state.store, &rec.file),
        saved,
        can_write: user.principal.role.may_write_children() && !closed,
        can_close: user.principal.role.may_close_files(),
        can_report: shouhu_domain::report::may_file_member_report(user.principal.role),
        can_assess: shouhu_domain::assessment::may_run_assessment(user.principal.role) && !closed,
        close_reasons: opts(CloseReason::options(), ""),
        cases: Vec::new(),
    }
}

// ---------------------------------------------------------------- the form

pub struct FieldView {
    pub path: &'static str,
    pub label: &'static str,
    /// text, date, bool, select, multi, textarea
    pub kind: &'static str,
    pub value: String,
    pub checked: bool,
    pub error: String,
    pub options: Vec<Opt>,
    pub required: bool,
}

pub struct FormSection {
    pub title: &'static str,
    pub fields: Vec<FieldView>,
}

pub struct ErrorLine {
    pub field: String,
    pub label: String,
    pub message: String,
}

#[derive(Template)]
#[template(path = "child_form.html")]
pub struct ChildForm {
    pub layout: Layout,
    pub action: String,
    pub cancel: String,
    pub version: i64,
    pub sections: Vec<FormSection>,
    pub errors: Vec<ErrorLine>,
    pub banner: String,
    pub existing_link: String,
}

const REQUIRED_FIELDS: &[&str] = &["name", "sex", "birth_date", "address", "village_code"];

/// The villages a user may put a child in, when few enough for a select box.
fn village_options(store: &Store, scope: &Scope, current: &str) -> Option<Vec<Opt>> {
    let Scope::Region(root) = scope else {
        return None;
    };
    let mut villages: Vec<_> = store.regions.villages().filter(|v| v.code.starts_with(root.as_str())).collect();
    if villages.len() > 1500 {
        return None;
    }
    villages.sort_by(|a, b| a.code.cmp(&b.code));
    Some(
        villages
            .into_iter()
            .map(|v| Opt { code: v.code.clone(), label: store.regions.path_name(&v.code), selected: v.code == current })
            .collect(),
    )
}

fn build_form(
    store: &Store,
    scope: &Scope,
    schools: &[(i64, String)],
    values: &HashMap<String, String>,
    errs: &FieldErrors,
) -> Vec<FormSection> {
    let mut sections: Vec<FormSection> = Vec::new();
    for (path, kind) in FIELDS {
        let title = section_of(path);
        if sections.last().is_none_or(|s| s.title != title) {
            sections.push(FormSection { title, fields: Vec::new() });
        }
        let value = values.get(*path).cloned().unwrap_or_default();
        let (kind_name, options) = match (*path, kind) {
            ("village_code", _) => match village_options(store, scope, &value) {
                Some(o) => ("select", o),
                None => ("text", Vec::new()),
            },
            ("school_org_id", _) => (
                "select",
                schools
                    .iter()
                    .map(|(id, n)| Opt { code: id.to_string(), label: n.clone(), selected: id.to_string() == value })
                    .collect(),
            ),
            ("notes", _) => ("textarea", Vec::new()),
            (_, Kind::Text | Kind::Int) => ("text", Vec::new()),
            (_, Kind::Date) => ("date", Vec::new()),
            (_, Kind::Bool) => ("bool", Vec::new()),
            (_, Kind::Enum(_, all)) => ("select", opts(all(), &value)),
            (_, Kind::Multi(_, all)) => {
                let chosen: Vec<&str> = value.split(',').collect();
                (
                    "multi",
                    all()
                        .into_iter()
                        .map(|(c, l)| Opt { code: c.into(), label: l.into(), selected: chosen.contains(&c) })
                        .collect(),
                )
            }
        };
        let field = FieldView {
            path,
            label: msg::field_label(path),
            kind: kind_name,
            checked: value == "true",
            value,
            error: errs.get(path).unwrap_or("").to_string(),
            options,
            required: REQUIRED_FIELDS.contains(path),
        };
        if let Some(s) = sections.last_mut() {
            s.fields.push(field);
        }
    }
    sections
}

/// Schools and kindergartens a user may enrol a child at: inside their region, or serving it.
fn schools_in_scope(store: &Store, scope: &Scope) -> Result<Vec<(i64, String)>, StoreError> {
    let Scope::Region(root) = scope else {
        return Ok(Vec::new());
    };
    Ok(store
        .list_orgs()?
        .into_iter()
        // A village's children go to the schools of its township, and a district's to all of its own.
        .filter(|o| {
            o.org_type.scoped_by_enrolment()
                && (o.region_code.starts_with(root.as_str()) || root.starts_with(o.region_code.as_str()))
        })
        .map(|o| (o.id, o.name))
        .collect())
}

#[allow(clippy::too_many_arguments)]
fn form_page(
    state: &AppState,
    user: &CurrentUser,
    schools: &[(i64, String)],
    title: &str,
    action: String,
    cancel: String,
    version: i64,
    values: &HashMap<String, String>,
    errs: &FieldErrors,
    banner: &str,
    existing: Option<i64>,
) -> ChildForm {
    let scope = user.principal.scope();
    ChildForm {
        layout: Layout::new(title, Some(user)),
        action,
        cancel,
        version,
        sections: build_form(&state.store, &scope, schools, values, errs),
        errors: errs
            .0
            .iter()
            .map(|e| ErrorLine {
                field: e.field.clone(),
                label: msg::field_full_label(&e.field),
                message: e.message.clone(),
            })
            .collect(),
        banner: banner.to_string(),
        existing_link: existing.map(|id| format!("/children/{id}")).unwrap_or_default(),
    }
}

async fn new_form(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    user.require(Role::may_write_children)?;
    let scope = user.principal.scope();
    let schools = state.run(move |s| schools_in_scope(s, &scope)).await?;
    let mut values = HashMap::new();
    values.insert("ethnicity".to_string(), "汉族".to_string());
    values.insert("hukou_registered".to_string(), "true".to_string());
    values.insert("rural_hukou".to_string(), "true".to_string());
    values.insert("father.capable".to_string(), "true".to_string());
    values.insert("mother.capable".to_string(), "true".to_string());
    if let Scope::Region(r) = user.principal.scope()
        && shouhu_domain::region::is_village_code(&r)
    {
        values.insert("village_code".into(), r);
    }
    let page = form_page(
        &state,
        &user,
        &schools,
        msg::NEW_CHILD,
        "/children/new".into(),
        "/children".into(),
        0,
        &values,
        &FieldErrors::default(),
        "",
        None,
    );
    Ok(render(&page))
}

/// Shows the submitted form again with every error beside its field; nothing is lost.
#[allow(clippy::too_many_arguments)]
fn refused(
    state: &AppState,
    user: &CurrentUser,
    schools: &[(i64, String)],
    title: &str,
    action: String,
    cancel: String,
    version: i64,
    pairs: &[(String, String)],
    err: AppError,
) -> PageResult {
    let mut values: HashMap<String, String> = HashMap::new();
    for (k, v) in pairs {
        values
            .entry(k.clone())
            .and_modify(|e| {
                e.push(',');
                e.push_str(v);
            })
            .or_insert_with(|| v.clone());
    }
    let (errs, banner, existing, status) = match err {
        AppError::Invalid(f) => (f, msg::FORM_HAS_ERRORS.to_string(), None, StatusCode::UNPROCESSABLE_ENTITY),
        AppError::Duplicate { field, message, existing } => {
            let mut f = FieldErrors::default();
            f.add(field, message.clone());
            (f, message, existing, StatusCode::CONFLICT)
        }
        AppError::Stale { .. } => (FieldErrors::default(), msg::STALE_VERSION.to_string(), None, StatusCode::CONFLICT),
        AppError::State(m) => (FieldErrors::default(), m.to_string(), None, StatusCode::CONFLICT),
        AppError::Busy => (FieldErrors::default(), msg::BUSY.to_string(), None, StatusCode::SERVICE_UNAVAILABLE),
        other => return Err(PageError(other)),
    };
    let page = form_page(state, user, schools, title, action, cancel, version, &values, &errs, &banner, existing);
    let mut res = render(&page);
    *res.status_mut() = status;
    Ok(res)
}

/// Reads the form; parse errors and the domain's checks are reported together.
fn read_form(state: &AppState, pairs: &[(String, String)]) -> Result<ChildFile, AppError> {
    let (file, mut errs) = forms::read(pairs);
    if errs.is_empty() {
        return Ok(file);
    }
    if let Err(more) = shouhu_domain::validate::child_file(file, state.store.today(), state.store.age_rule) {
        for e in more.0 {
            if errs.get(&e.field).is_none() {
                errs.0.push(e);
            }
        }
    }
    Err(AppError::Invalid(errs))
}

async fn create(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::may_write_children)?;
    let scope = user.principal.scope();
    let schools = state.run(move |s| schools_in_scope(s, &scope)).await?;
    let result = match read_form(&state, &form.0) {
        Ok(file) => {
            let actor = user.principal.actor();
            state.run(move |s| s.create_child(&actor, file, "web")).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(rec) => Ok(Redirect::to(&format!("/children/{}?saved=1", rec.id)).into_response()),
        Err(e) => {
            refused(&state, &user, &schools, msg::NEW_CHILD, "/children/new".into(), "/children".into(), 0, &form.0, e)
        }
    }
}

async fn edit_form(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    user.require(Role::may_write_children)?;
    let actor = user.principal.actor();
    let scope = user.principal.scope();
    let (rec, schools) = state.run(move |s| Ok((s.view_child(&actor, id)?, schools_in_scope(s, &scope)?))).await?;
    if matches!(rec.status, FileStatus::Closed { .. }) {
        return Err(PageError(AppError::State(msg::ALREADY_CLOSED)));
    }
    let values = forms::values_of(&rec.file);
    let page = form_page(
        &state,
        &user,
        &schools,
        msg::EDIT_CHILD,
        format!("/children/{id}/edit"),
        format!("/children/{id}"),
        rec.version,
        &values,
        &FieldErrors::default(),
        "",
        None,
    );
    Ok(render(&page))
}

async fn update(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::may_write_children)?;
    let version: i64 = form.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let scope = user.principal.scope();
    let schools = state.run(move |s| schools_in_scope(s, &scope)).await?;
    let result = match read_form(&state, &form.0) {
        Ok(file) => {
            let actor = user.principal.actor();
            state.run(move |s| s.update_child(&actor, id, version, file, "web")).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?saved=1")).into_response()),
        Err(AppError::NotFound) => Err(PageError(AppError::NotFound)),
        Err(e) => refused(
            &state,
            &user,
            &schools,
            msg::EDIT_CHILD,
            format!("/children/{id}/edit"),
            format!("/children/{id}"),
            version,
            &form.0,
            e,
        ),
    }
}

async fn close(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let version: i64 = form.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let Some(reason) = form.get("reason").and_then(CloseReason::parse) else {
        return Err(PageError(AppError::BadRequest(msg::CLOSE_REASON_REQUIRED.into(), Vec::new())));
    };
    let note = form.get("note").map(str::to_string);
    let actor = user.principal.actor();
    match state.run(move |s| s.close_child(&actor, id, version, reason, note)).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}")).into_response()),
        Err(AppError::Invalid(f)) => {
            Err(PageError(AppError::BadRequest(f.0.first().map(|e| e.message.clone()).unwrap_or_default(), f.0)))
        }
        Err(e) => Err(PageError(e)),
    }
}

async fn reopen(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let version: i64 = form.get("version").and_then(|v| v.parse().ok()).unwrap_or(-1);
    let actor = user.principal.actor();
    state.run(move |s| s.reopen_child(&actor, id, version)).await?;
    Ok(Redirect::to(&format!("/children/{id}")).into_response())
}

// ---------------------------------------------------------------- history

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
#[template(path = "history.html")]
pub struct HistoryView {
    pub layout: Layout,
    pub id: i64,
    pub name: String,
    pub rows: Vec<HistoryRow>,
}

fn history_row(store: &Store, e: HistoryEntry) -> HistoryRow {
    let show = |v: Option<String>| match v {
        None => String::new(),
        Some(v) if e.field == "village_code" => format!("{}（{v}）", store.regions.path_name(&v)),
        Some(v) => forms::display(&e.field, &v),
    };
    let at = (e.changed_at + chrono::Duration::hours(8)).format("%Y-%m-%d %H:%M").to_string();
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

async fn history(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    let actor = user.principal.actor();
    let scope = user.principal.scope();
    let (rec, entries) = state.run(move |s| Ok((s.get_child(&scope, id)?, s.child_history(&actor, id)?))).await?;
    let rows = entries.into_iter().map(|e| history_row(&state.store, e)).collect();
    Ok(render(&HistoryView { layout: Layout::new(msg::HISTORY, Some(&user)), id, name: rec.file.name, rows }))
}
