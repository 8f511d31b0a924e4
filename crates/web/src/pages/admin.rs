//! The administrator's pages: organisations, users, API tokens and the audit log.

use super::view::Opt;
use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::auth::{self, CurrentUser};
use crate::body::FormPairs;
use crate::body::{IdPath, QueryParams};
use crate::error::AppError;
use crate::filters::AuditQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::role::{OrgType, Role};
use shouhu_store::audit::{Action, AuditEntry};
use shouhu_store::regions::Unresolved;
use shouhu_store::users::{Organisation, UserSummary};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/users/{id}/token", post(create_token))
        .route("/admin/orgs", get(orgs).post(create_org))
        .route("/admin/audit", get(audit))
}

pub struct Choice {
    pub code: String,
    pub label: String,
}

#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub users: Vec<UserSummary>,
    pub orgs: Vec<Organisation>,
    pub roles: Vec<Choice>,
    pub errors: Vec<String>,
    pub new_token: String,
}

async fn users_page(state: &AppState, user: &CurrentUser, errors: Vec<String>, new_token: String) -> PageResult {
    let (users, orgs) = state.run(|s| Ok((s.list_users()?, s.list_orgs()?))).await?;
    Ok(render(&UsersPage {
        layout: Layout::new(msg::USERS, Some(user)),
        users,
        orgs,
        roles: Role::ALL.iter().map(|r| Choice { code: r.code().into(), label: r.label().into() }).collect(),
        errors,
        new_token,
    }))
}

async fn users(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    user.require(Role::is_admin)?;
    users_page(&state, &user, Vec::new(), String::new()).await
}

async fn create_user(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    let username = form.get("username").unwrap_or("").trim().to_string();
    let display_name = form.get("display_name").unwrap_or("").trim().to_string();
    let password = form.get("password").unwrap_or("").to_string();
    let role = form.get("role").and_then(Role::parse);
    let org_id = form.get("org_id").and_then(|v| v.parse::<i64>().ok());
    let mut errors = Vec::new();
    if username.is_empty() || username.chars().count() > 50 || username.chars().any(char::is_whitespace) {
        errors.push(format!("{}：{}", msg::USERNAME, msg::REQUIRED));
    }
    if display_name.is_empty() {
        errors.push(format!("{}：{}", msg::DISPLAY_NAME, msg::REQUIRED));
    }
    if let Some(problem) = crate::auth::password_problem(&password, &username, &display_name) {
        errors.push(problem.to_string());
    }
    let (Some(role), Some(org_id)) = (role, org_id) else {
        errors.push(format!("{}、{}：{}", msg::ROLE, msg::ORG, msg::REQUIRED));
        return error_status(users_page(&state, &user, errors, String::new()).await);
    };
    if !errors.is_empty() {
        return error_status(users_page(&state, &user, errors, String::new()).await);
    }
    let hash = tokio::task::spawn_blocking(move || auth::hash_password(&password)).await.map_err(AppError::from)??;
    let actor = user.principal.clone();
    let res = state
        .run(move |s| {
            let id = s.create_user(&username, &display_name, &hash, org_id, role)?;
            s.audit(&actor, Action::CreateUser, None, &format!("user {id} ({})", role.code()))?;
            Ok(id)
        })
        .await;
    match res {
        Ok(_) => Ok(Redirect::to("/admin/users").into_response()),
        Err(e @ (AppError::Duplicate { .. } | AppError::Invalid(_))) => {
            let errs = e.fields().into_iter().map(|f| f.message).collect();
            error_status(users_page(&state, &user, errs, String::new()).await)
        }
        Err(e) => Err(PageError(e)),
    }
}

fn error_status(r: PageResult) -> PageResult {
    r.map(|mut res| {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        res
    })
}

async fn set_active(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    let active = form.get("active") == Some("true");
    let actor = user.principal.clone();
    state
        .run(move |s| {
            s.set_user_active(id, active)?;
            s.audit(&actor, Action::ChangeUser, None, &format!("user {id} active={active}"))
        })
        .await?;
    Ok(Redirect::to("/admin/users").into_response())
}

/// Issues an API token for a user; it is shown once and stored only as its hash.
async fn create_token(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    let token = auth::random_token();
    let h = auth::token_hash(&token);
    let actor = user.principal.clone();
    state
        .run(move |s| {
            s.principal(id)?;
            s.create_api_token(&h, id, "admin")?;
            s.audit(&actor, Action::ChangeUser, None, &format!("user {id} api token issued"))
        })
        .await?;
    users_page(&state, &user, Vec::new(), token).await
}

#[derive(Template)]
#[template(path = "admin_orgs.html")]
pub struct OrgsPage {
    pub layout: Layout,
    pub orgs: Vec<OrgRow>,
    pub types: Vec<Choice>,
    pub errors: Vec<String>,
}

pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub org_type: &'static str,
    pub region: String,
}

async fn orgs_page(state: &AppState, user: &CurrentUser, errors: Vec<String>) -> PageResult {
    let orgs = state.run(|s| s.list_orgs()).await?;
    Ok(render(&OrgsPage {
        layout: Layout::new(msg::ORGS, Some(user)),
        orgs: orgs
            .into_iter()
            .map(|o| OrgRow {
                id: o.id,
                name: o.name,
                org_type: o.org_type.label(),
                region: state.store.regions.path_name(&o.region_code),
            })
            .collect(),
        types: OrgType::ALL.iter().map(|t| Choice { code: t.code().into(), label: t.label().into() }).collect(),
        errors,
    }))
}

async fn orgs(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    user.require(Role::is_admin)?;
    orgs_page(&state, &user, Vec::new()).await
}

async fn create_org(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    let name = form.get("name").unwrap_or("").to_string();
    let Some(org_type) = form.get("org_type").and_then(OrgType::parse) else {
        return error_status(orgs_page(&state, &user, vec![format!("{}：{}", msg::ORG_TYPE, msg::REQUIRED)]).await);
    };
    // A region's name ("武清区梅厂镇") as the report form takes a village's, or its code.
    let region = match state.store.regions.resolve(form.get("region_code").unwrap_or(""), None, "") {
        Ok(r) => r.unwrap_or_default(),
        Err(e) => {
            let m = match e {
                Unresolved::Unknown => msg::REGION_UNKNOWN,
                Unresolved::Ambiguous => msg::REGION_AMBIGUOUS,
            };
            return error_status(orgs_page(&state, &user, vec![format!("{}：{m}", msg::ORG_REGION)]).await);
        }
    };
    let actor = user.principal.clone();
    let res = state
        .run(move |s| {
            let id = s.create_org(&name, org_type, &region)?;
            s.audit(&actor, Action::CreateOrg, None, &format!("org {id}"))
        })
        .await;
    match res {
        Ok(()) => Ok(Redirect::to("/admin/orgs").into_response()),
        Err(AppError::Invalid(f)) => {
            let errs = f.0.into_iter().map(|e| format!("{}：{}", field_name(&e.field), e.message)).collect();
            error_status(orgs_page(&state, &user, errs).await)
        }
        Err(e) => Err(PageError(e)),
    }
}

fn field_name(f: &str) -> &'static str {
    match f {
        "name" => msg::ORG_NAME,
        "region_code" => msg::ORG_REGION,
        _ => msg::FIELD,
    }
}

pub struct AuditRow {
    pub seq: String,
    pub at: String,
    pub user: String,
    pub action: String,
    pub child: String,
    pub detail: String,
}

/// The audit log's page: its filters (with what is wrong with each), a page of entries.
#[derive(Template)]
#[template(path = "admin_audit.html")]
pub struct AuditPage {
    pub layout: Layout,
    pub q: AuditQuery,
    pub filtering: bool,
    pub actions: Vec<Opt>,
    pub errs: FieldErrors,
    pub rows: Vec<AuditRow>,
    pub page: i64,
    pub prev_link: String,
    pub next_link: String,
}

impl AuditPage {
    pub fn err(&self, field: &str) -> &str {
        self.errs.get(field).unwrap_or("")
    }
}

/// Entries a page shows.
const AUDIT_ROWS: i64 = 50;

async fn audit(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<AuditQuery>,
) -> PageResult {
    user.require(Role::is_admin)?;
    let page = q.page.unwrap_or(1).max(1);
    let actions = Action::ALL
        .iter()
        .map(|a| Opt { code: a.code().into(), label: Action::label(a.code()), selected: a.code() == q.action.trim() })
        .collect();
    let (entries, errs) = match q.filter() {
        Ok(filter) => {
            let p = user.principal.clone();
            let entries: Vec<AuditEntry> =
                state.run(move |s| s.audit_entries(&p, &filter, AUDIT_ROWS + 1, (page - 1) * AUDIT_ROWS)).await?;
            (entries, FieldErrors::default())
        }
        Err(errs) => (Vec::new(), errs),
    };
    let more = entries.len() as i64 > AUDIT_ROWS;
    let rows = entries
        .into_iter()
        .take(AUDIT_ROWS as usize)
        .map(|e| AuditRow {
            seq: e.seq.map(|s| s.to_string()).unwrap_or_default(),
            at: super::view::china_time_seconds(e.at),
            user: e.user_name,
            action: Action::label(&e.action),
            child: e.child_id.map(|c| c.to_string()).unwrap_or_default(),
            detail: e.detail,
        })
        .collect();
    let link = |n: i64| format!("/admin/audit?{}", q.with_page(n));
    let refused = !errs.is_empty();
    let view = AuditPage {
        layout: Layout::new(msg::AUDIT_LOG, Some(&user)),
        filtering: q.filtering(),
        actions,
        errs,
        rows,
        page,
        prev_link: if page > 1 && !refused { link(page - 1) } else { String::new() },
        next_link: if more { link(page + 1) } else { String::new() },
        q,
    };
    if refused {
        Ok(super::form::with_status(render(&view), StatusCode::UNPROCESSABLE_ENTITY))
    } else {
        Ok(render(&view))
    }
}
