//! A child's file as its readers see it, with its cases, and closing and reopening it.

use super::entrusted;
use super::{label_in_section, section_of};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath, QueryParams};
use crate::error::AppError;
use crate::forms::{self, FIELDS};
use crate::pages::form::{self, Kept};
use crate::pages::view::Saved;
use crate::pages::view::{Opt, opts};
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use shouhu_domain::child::{ChildFile, ChildRecord, FileStatus};
use shouhu_domain::codes::{CloseReason, CodeList};
use shouhu_domain::msg;
use shouhu_store::Store;
use shouhu_store::entrusted::ContactLog;

pub struct ShowRow {
    /// The field's dotted path (`father.phone`).
    pub path: String,
    pub label: String,
    pub value: String,
    /// The value is an ID or phone number masked for this reader: "显示完整号码" is offered.
    pub masked: bool,
    /// The value is a masked number shown in full for this one view.
    pub revealed: bool,
    /// "显示完整号码" was refused: the reason typed, the message beside it.
    pub reason: String,
    pub reason_error: String,
}

pub struct ShowSection {
    pub title: &'static str,
    pub rows: Vec<ShowRow>,
}

#[derive(Template)]
#[template(path = "children/child.html")]
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
    /// Some numbers are masked for this reader: the page says so once.
    pub numbers_masked: bool,
    /// A "显示完整号码" refused for another reason than its reason (an unknown field).
    pub reveal_error: String,
    pub can_write: bool,
    pub can_close: bool,
    /// "报告情况" from the child's page, with the child filled in.
    pub can_report: bool,
    /// "发起评估": opens an assessment of the child (评估帮扶).
    pub can_assess: bool,
    pub close_reasons: Vec<Opt>,
    /// The child's assessments (for those who see casework), with revocation grounds.
    pub cases: Vec<CaseView>,
    /// The child's visits (the version in force of each), for those who read visits.
    pub visits: Vec<crate::pages::visits::VisitView>,
    pub reads_visits: bool,
    /// "记录走访" from the child's page.
    pub can_visit: bool,
    /// What a director or a supervisor sees of the reports and cases about the child.
    pub case_status: Option<CaseStatusView>,
    /// The entrusted-care checklist, when the file names a carer.
    pub care: Option<entrusted::CareView>,
    /// The parents' contacts, with the form to record one.
    pub contacts: entrusted::ContactsView,
    /// The contact form's refusal, shown above it.
    pub refusal: form::Refusal,
}

/// The status of the reports and cases about a child, as lines of text.
pub struct CaseStatusView {
    pub reports: Vec<String>,
    pub cases: Vec<String>,
    pub asked: Vec<String>,
}

impl CaseStatusView {
    fn of(c: &shouhu_store::visits::CaseStatus) -> CaseStatusView {
        use crate::pages::view::china_time;
        CaseStatusView {
            reports: c
                .reports
                .iter()
                .map(|r| {
                    format!(
                        "{} {} · {}（{}）",
                        r.receipt,
                        china_time(r.reported_at),
                        r.step.label(),
                        china_time(r.step_at)
                    )
                })
                .collect(),
            cases: c
                .cases
                .iter()
                .map(|a| {
                    format!(
                        "{} · {}{}",
                        china_time(a.opened_at),
                        a.state.label(),
                        a.risk_level.map(|r| format!(" · {}", r.label())).unwrap_or_default()
                    )
                })
                .collect(),
            asked: c
                .asked_of_you
                .iter()
                .map(|f| {
                    format!(
                        "{} · {} · {}{}",
                        china_time(f.sent_at),
                        f.kind.label(),
                        f.state.label(),
                        f.note.as_ref().map(|n| format!("：{n}")).unwrap_or_default()
                    )
                })
                .collect(),
        }
    }
}

/// What the file page adds for visits: the visits and the status of the cases.
type VisitExtras = (Vec<crate::pages::visits::VisitView>, Option<CaseStatusView>);

async fn visit_extras(state: &AppState, user: &CurrentUser, id: i64) -> Result<VisitExtras, PageError> {
    use shouhu_domain::role::Role;
    let p = user.principal.clone();
    let (visits, status) = state
        .run(move |s| {
            let visits =
                if shouhu_domain::visit::may_read_visits(p.role) { s.child_visits(&p, id)? } else { Vec::new() };
            // Those who see the reports themselves have them on their own pages.
            let status = if matches!(p.role, Role::ChildDirector | Role::ChildSupervisor) {
                Some(s.case_status(&p, id)?)
            } else {
                None
            };
            Ok((visits, status))
        })
        .await?;
    Ok((visits.iter().map(crate::pages::visits::VisitView::of).collect(), status.as_ref().map(CaseStatusView::of)))
}

pub struct CaseView {
    pub id: i64,
    pub state: &'static str,
    pub risk: &'static str,
    pub overdue: bool,
    pub met: Vec<&'static str>,
    pub approaching: Vec<&'static str>,
}

/// The file's sections as its readers see them; `school` is the name of the file's school
/// (`school_org_id`), when it has one; `masked` the fields whose numbers are masked.
fn show_sections(store: &Store, file: &ChildFile, school: Option<&str>, masked: &[String]) -> Vec<ShowSection> {
    let values = forms::values_of(file);
    let mut sections: Vec<ShowSection> = Vec::new();
    for (path, _) in FIELDS {
        let title = section_of(path);
        if sections.last().is_none_or(|s| s.title != title) {
            sections.push(ShowSection { title, rows: Vec::new() });
        }
        let value = match (*path, values.get(*path)) {
            ("village_code", Some(raw)) => format!("{}（{raw}）", store.regions.path_name(raw)),
            ("school_org_id", Some(raw)) => school.map_or_else(|| raw.clone(), str::to_string),
            _ => match forms::display_in(&values, path) {
                Some(v) => v,
                None => continue,
            },
        };
        if let Some(s) = sections.last_mut() {
            s.rows.push(ShowRow {
                path: path.to_string(),
                label: label_in_section(path),
                value,
                masked: masked.iter().any(|m| m == path),
                revealed: false,
                reason: String::new(),
                reason_error: String::new(),
            });
        }
    }
    sections.retain(|s| !s.rows.is_empty());
    sections
}

/// The file (its view audited), its cases, its school's name and its parents' contacts.
async fn load(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
) -> Result<(ChildRecord, Vec<CaseView>, Option<String>, ContactLog), PageError> {
    let p = user.principal.clone();
    let (rec, cases, school, log) = state
        .run(move |s| {
            let rec = s.view_child(&p, id)?;
            // A school since removed shows as its number.
            let school = rec.file.school_org_id.and_then(|org| s.get_org(org).ok()).map(|o| o.name);
            Ok((rec, s.child_cases(&p, id)?, school, s.contact_log(&p, id)?))
        })
        .await?;
    let cases = cases
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
    Ok((rec, cases, school, log))
}

/// The file's page, with `kept` a refused form of it (the contact form) to show again.
pub(super) async fn page_with(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    kept: &Kept,
) -> Result<ChildView, PageError> {
    let (rec, cases, school, log) = load(state, user, id).await?;
    let mut page = child_view(state, user, rec, school.as_deref(), false, &log, kept);
    page.cases = cases;
    (page.visits, page.case_status) = visit_extras(state, user, id).await?;
    Ok(page)
}

pub(super) async fn view(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    QueryParams(vq): QueryParams<Saved>,
) -> PageResult {
    let mut page = page_with(&state, &user, id, &Kept::default()).await?;
    page.saved = vq.saved.is_some();
    Ok(render(&page))
}

/// "显示完整号码": one masked number of the file in full, for this one view, once the reason
/// given is in the audit log (decision 87). Without a reason (or for a field that holds no
/// number) nothing is revealed or recorded, and the page says what is missing beside the form.
pub(super) async fn reveal(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let field = form.get("field").unwrap_or("").to_string();
    let reason = form.get("reason").unwrap_or("").to_string();
    let (p, f, r) = (user.principal.clone(), field.clone(), reason.clone());
    let revealed = match state.run(move |s| s.reveal_number(&p, id, &f, &r)).await {
        Ok(v) => Ok(v),
        Err(AppError::Invalid(errs)) => Err(errs),
        Err(AppError::Limited(m)) => {
            // The reader's numbers for the day are used up (decision 212): the file as it
            // was, with until when and whom to call beside the field (where the form's
            // address scrolls to) and at the top.
            let mut page = page_with(&state, &user, id, &Kept::default()).await?;
            let row = page.sections.iter_mut().flat_map(|s| s.rows.iter_mut()).find(|r| r.path == field);
            if let Some(row) = row {
                row.reason = reason;
                row.reason_error = m.clone();
            }
            page.reveal_error = m;
            return form::refused_page(&page, StatusCode::TOO_MANY_REQUESTS);
        }
        Err(e) => return Err(PageError(e)),
    };
    let mut page = page_with(&state, &user, id, &Kept::default()).await?;
    let row = page.sections.iter_mut().flat_map(|s| s.rows.iter_mut()).find(|r| r.path == field);
    match (revealed, row) {
        (Ok(value), Some(row)) => {
            row.value = value.unwrap_or_default();
            row.masked = false;
            row.revealed = true;
            Ok(render(&page))
        }
        (Ok(_), None) => Ok(render(&page)),
        (Err(errs), Some(row)) if errs.get("reason").is_some() && errs.get("field").is_none() => {
            row.reason = reason;
            row.reason_error = errs.get("reason").unwrap_or_default().to_string();
            form::refused_page(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
        (Err(errs), _) => {
            page.reveal_error = errs.0.iter().map(|e| e.message.as_str()).collect::<Vec<_>>().join("；");
            form::refused_page(&page, StatusCode::UNPROCESSABLE_ENTITY)
        }
    }
}

fn child_view(
    state: &AppState,
    user: &CurrentUser,
    rec: ChildRecord,
    school: Option<&str>,
    saved: bool,
    log: &ContactLog,
    kept: &Kept,
) -> ChildView {
    let records = shouhu_domain::entrusted::may_record_entrusted_care(user.principal.role);
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
        sections: show_sections(&state.store, &rec.file, school, &rec.masked),
        saved,
        numbers_masked: !rec.masked.is_empty(),
        reveal_error: String::new(),
        can_write: user.principal.role.may_write_children() && !closed,
        can_close: user.principal.role.may_close_files(),
        can_report: shouhu_domain::report::may_file_member_report(user.principal.role),
        can_assess: shouhu_domain::assessment::may_run_assessment(user.principal.role) && !closed,
        close_reasons: opts(CloseReason::options(), ""),
        cases: Vec::new(),
        visits: Vec::new(),
        reads_visits: shouhu_domain::visit::may_read_visits(user.principal.role),
        can_visit: shouhu_domain::visit::may_record_visit(user.principal.role) && !closed,
        case_status: None,
        care: rec.file.entrusted_guardian.as_ref().map(|g| entrusted::care_view(g, records && !closed)),
        contacts: entrusted::contacts_view(log, records && !closed, state.store.today(), kept),
        refusal: entrusted::contact_refusal(kept),
    }
}

pub(super) async fn close(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let version = form::version(&form);
    let Some(reason) = form.get("reason").and_then(CloseReason::parse) else {
        return Err(PageError(AppError::BadRequest(msg::CLOSE_REASON_REQUIRED.into(), Vec::new())));
    };
    let note = form.get("note").map(str::to_string);
    let actor = user.principal.clone();
    match state.run(move |s| s.close_child(&actor, id, version, reason, note, "web")).await {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}")).into_response()),
        Err(AppError::Invalid(f)) => {
            Err(PageError(AppError::BadRequest(f.0.first().map(|e| e.message.clone()).unwrap_or_default(), f.0)))
        }
        Err(e) => Err(PageError(e)),
    }
}

pub(super) async fn reopen(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    let version = form::version(&form);
    let actor = user.principal.clone();
    state.run(move |s| s.reopen_child(&actor, id, version, "web")).await?;
    Ok(Redirect::to(&format!("/children/{id}")).into_response())
}
