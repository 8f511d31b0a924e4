//! The administrator's pages: organisations, accounts and the audit log.

use super::view::Opt;
use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::accounts::{Handover, Secret};
use crate::auth::CurrentUser;
use crate::body::FormPairs;
use crate::body::{IdPath, QueryParams};
use crate::error::AppError;
use crate::filters::AuditQuery;
use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Redirect};
use axum::routing::{get, post};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::role::{AccountKind, OrgType, Role};
use shouhu_store::accounts::NewAccount;
use shouhu_store::audit::{Action, AuditEntry};
use shouhu_store::regions::Unresolved;
use shouhu_store::users::{Organisation, UserSummary};
use std::collections::HashMap;

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/users", get(users).post(create_user))
        .route("/admin/users/{id}", get(user_page))
        .route("/admin/users/{id}/active", post(set_active))
        .route("/admin/users/{id}/reset", post(reset))
        .route("/admin/users/{id}/role", post(change_role))
        .route("/admin/orgs", get(orgs).post(create_org))
        .route("/admin/orgs/{id}/notify-channel", axum::routing::post(set_channel))
        .route("/admin/audit", get(audit))
}

pub struct Choice {
    pub code: String,
    pub label: String,
}

/// A user as the list shows them: what they are and whether they can sign in.
pub struct UserRow {
    pub user: UserSummary,
    pub status: String,
    /// Why the account's role does not belong in its unit (an account made before decision
    /// 211 refused that); empty when it does.
    pub misfit: String,
}

impl UserRow {
    /// The row, with `misfit` said when its unit (`kinds`: each unit's kind by id) is of the
    /// wrong kind.
    fn in_orgs(user: UserSummary, kinds: &HashMap<i64, OrgType>) -> UserRow {
        let misfit = kinds.get(&user.org_id).and_then(|t| user.role.misfit_in(*t)).unwrap_or_default();
        UserRow { misfit, ..UserRow::of(user) }
    }

    fn of(user: UserSummary) -> UserRow {
        let status = if !user.active {
            msg::STATUS_DISABLED.to_string()
        } else if let Some(a) = user.awaiting {
            format!("{}{}", msg::STATUS_AWAITING, a.label())
        } else if user.kind == AccountKind::Person && !user.password_set {
            msg::STATUS_NO_PASSWORD.to_string()
        } else {
            msg::STATUS_READY.to_string()
        };
        UserRow { user, status, misfit: String::new() }
    }
}

#[derive(Template)]
#[template(path = "admin_users.html")]
pub struct UsersPage {
    pub layout: Layout,
    pub users: Vec<UserRow>,
    /// How many accounts have a role their unit does not take (decision 211); empty for none.
    pub misfits: String,
    pub orgs: Vec<Organisation>,
    pub roles: Vec<Choice>,
    pub kinds: Vec<Choice>,
    pub errors: Vec<String>,
    pub handover: Handover,
}

/// Each unit's kind by its id: one look-up per account on a list of thousands.
fn kinds_of(orgs: &[Organisation]) -> HashMap<i64, OrgType> {
    orgs.iter().map(|o| (o.id, o.org_type)).collect()
}

fn roles() -> Vec<Choice> {
    Role::ALL.iter().map(|r| Choice { code: r.code().into(), label: r.label().into() }).collect()
}

async fn users_page(state: &AppState, user: &CurrentUser, errors: Vec<String>, handover: Handover) -> PageResult {
    let (users, orgs) = state.run(|s| Ok((s.list_users()?, s.list_orgs()?))).await?;
    let kinds = kinds_of(&orgs);
    let rows: Vec<UserRow> = users.into_iter().map(|u| UserRow::in_orgs(u, &kinds)).collect();
    Ok(render(&UsersPage {
        layout: Layout::new(msg::USERS, Some(user)),
        misfits: match rows.iter().filter(|r| !r.misfit.is_empty()).count() {
            0 => String::new(),
            n => msg::misfit_accounts(n),
        },
        users: rows,
        orgs,
        roles: roles(),
        kinds: AccountKind::ALL.iter().map(|k| Choice { code: k.code().into(), label: k.label().into() }).collect(),
        errors,
        handover,
    }))
}

async fn users(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    user.require(Role::is_admin)?;
    users_page(&state, &user, Vec::new(), Handover::default()).await
}

/// Creates an account without a password: its person gets a one-time link to set their
/// own, at once or, for an account that reads children, from whoever approves it.
async fn create_user(
    State(state): State<AppState>,
    user: CurrentUser,
    headers: HeaderMap,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    let role = form.get("role").and_then(Role::parse);
    let org_id = form.get("org_id").and_then(|v| v.parse::<i64>().ok());
    let kind = form.get("kind").and_then(AccountKind::parse).unwrap_or(AccountKind::Person);
    let (Some(role), Some(org_id)) = (role, org_id) else {
        let errors = vec![format!("{}、{}：{}", msg::ROLE, msg::ORG, msg::REQUIRED)];
        return error_status(users_page(&state, &user, errors, Handover::default()).await);
    };
    let new = NewAccount {
        username: form.get("username").unwrap_or("").to_string(),
        display_name: form.get("display_name").unwrap_or("").to_string(),
        org_id,
        role,
        kind,
    };
    let secret = Secret::new();
    let h = secret.hash.clone();
    let p = user.principal.clone();
    let res = state.run(move |s| s.create_account(&p, &new, &h)).await;
    match res {
        Ok((_, issued)) => {
            users_page(&state, &user, Vec::new(), Handover::new(&state, issued, &secret, &headers)).await
        }
        Err(e @ (AppError::Duplicate { .. } | AppError::Invalid(_))) => {
            let errs = e.fields().into_iter().map(|f| format!("{}：{}", user_field(&f.field), f.message)).collect();
            error_status(users_page(&state, &user, errs, Handover::default()).await)
        }
        Err(e) => Err(PageError(e)),
    }
}

fn user_field(f: &str) -> &'static str {
    match f {
        "username" => msg::USERNAME,
        "display_name" => msg::DISPLAY_NAME,
        "role" => msg::ROLE,
        "org_id" => msg::ORG,
        _ => msg::FIELD,
    }
}

fn error_status(r: PageResult) -> PageResult {
    r.map(|mut res| {
        *res.status_mut() = StatusCode::UNPROCESSABLE_ENTITY;
        res
    })
}

#[derive(Template)]
#[template(path = "admin_user.html")]
pub struct UserPage {
    pub layout: Layout,
    pub row: UserRow,
    pub orgs: Vec<Organisation>,
    pub roles: Vec<Choice>,
    pub errors: Vec<String>,
    pub handover: Handover,
}

async fn one_user_page(
    state: &AppState,
    user: &CurrentUser,
    id: i64,
    errors: Vec<String>,
    handover: Handover,
) -> PageResult {
    let (users, orgs) = state.run(|s| Ok((s.list_users()?, s.list_orgs()?))).await?;
    let row = users.into_iter().find(|u| u.id == id).ok_or(PageError(AppError::NotFound))?;
    Ok(render(&UserPage {
        layout: Layout::new(format!("{} · {}", msg::USERS, row.username), Some(user)),
        row: UserRow::in_orgs(row, &kinds_of(&orgs)),
        orgs,
        roles: roles(),
        errors,
        handover,
    }))
}

async fn user_page(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    user.require(Role::is_admin)?;
    one_user_page(&state, &user, id, Vec::new(), Handover::default()).await
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
    Ok(Redirect::to(&format!("/admin/users/{id}")).into_response())
}

/// Ends the account's sessions and tokens and takes its password away; a new link (or a
/// system's token) follows, from whoever approves when the account reads children. The
/// administrator never sets or sees a person's password.
async fn reset(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    let secret = Secret::new();
    let h = secret.hash.clone();
    let p = user.principal.clone();
    match state.run(move |s| s.reset_account(&p, id, &h)).await {
        Ok(issued) => {
            let h = Handover::new(&state, issued, &secret, &headers).after_reset();
            one_user_page(&state, &user, id, Vec::new(), h).await
        }
        Err(AppError::State(m)) => {
            error_status(one_user_page(&state, &user, id, vec![m.into()], Handover::default()).await)
        }
        Err(e) => Err(PageError(e)),
    }
}

/// Another role or organisation: at once, or after a second approval when the new role
/// reads children.
async fn change_role(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    headers: HeaderMap,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    let role = form.get("role").and_then(Role::parse);
    let org_id = form.get("org_id").and_then(|v| v.parse::<i64>().ok());
    let (Some(role), Some(org_id)) = (role, org_id) else {
        let errors = vec![format!("{}、{}：{}", msg::ROLE, msg::ORG, msg::REQUIRED)];
        return error_status(one_user_page(&state, &user, id, errors, Handover::default()).await);
    };
    let secret = Secret::new();
    let p = user.principal.clone();
    match state.run(move |s| s.change_account_role(&p, id, role, org_id)).await {
        Ok(issued) => {
            let h = Handover::new(&state, issued, &secret, &headers);
            one_user_page(&state, &user, id, Vec::new(), h).await
        }
        Err(AppError::State(m)) => {
            error_status(one_user_page(&state, &user, id, vec![m.into()], Handover::default()).await)
        }
        Err(e @ AppError::Invalid(_)) => {
            let errs = e.fields().into_iter().map(|f| format!("{}：{}", user_field(&f.field), f.message)).collect();
            error_status(one_user_page(&state, &user, id, errs, Handover::default()).await)
        }
        Err(e) => Err(PageError(e)),
    }
}

#[derive(Template)]
#[template(path = "admin_orgs.html")]
pub struct OrgsPage {
    pub layout: Layout,
    pub orgs: Vec<OrgRow>,
    pub types: Vec<Choice>,
    pub errors: Vec<String>,
    pub channels: Vec<Choice>,
    /// The outbox's latest messages (issue 19), failed ones first.
    pub outbox: Vec<OutboxRow>,
}

pub struct OrgRow {
    pub id: i64,
    pub name: String,
    pub org_type: &'static str,
    pub region: String,
    /// Why the unit's kind does not stand at its region's level (a unit made before decision
    /// 211 refused that); empty when it does.
    pub misfit: String,
    /// The notification channel's code ("" for none) and address, as saved or as typed.
    pub channel: String,
    pub address: String,
}

pub struct OutboxRow {
    pub org: String,
    pub text: String,
    pub state: &'static str,
    pub failed: bool,
    pub attempts: i64,
    pub at: String,
    pub error: String,
}

async fn orgs_page(state: &AppState, user: &CurrentUser, errors: Vec<String>) -> PageResult {
    orgs_page_typed(state, user, errors, None).await
}

/// The page, with what was typed into one organisation's channel form kept (a refusal).
async fn orgs_page_typed(
    state: &AppState,
    user: &CurrentUser,
    errors: Vec<String>,
    typed: Option<(i64, String, String)>,
) -> PageResult {
    let p = user.principal.clone();
    let (orgs, channels, outbox) = state
        .run(move |s| {
            let mut outbox = s.outbox(&p, None, 50)?;
            outbox.sort_by_key(|m| m.state != shouhu_domain::notify::DeliveryState::Failed);
            Ok((s.list_orgs()?, s.org_channels(&p)?, outbox))
        })
        .await?;
    let channel_of = |id: i64| -> (String, String) {
        if let Some((_, c, a)) = typed.as_ref().filter(|t| t.0 == id) {
            return (c.clone(), a.clone());
        }
        channels
            .iter()
            .find(|c| c.org_id == id)
            .map(|c| (c.channel.map_or("", |x| x.code()).to_string(), c.address.clone().unwrap_or_default()))
            .unwrap_or_default()
    };
    Ok(render(&OrgsPage {
        channels: shouhu_domain::notify::NotifyChannel::ALL
            .iter()
            .map(|c| Choice { code: c.code().into(), label: c.label().into() })
            .collect(),
        outbox: outbox
            .into_iter()
            .map(|m| OutboxRow {
                org: m.org_name,
                text: m.text,
                state: m.state.label(),
                failed: m.state == shouhu_domain::notify::DeliveryState::Failed,
                attempts: m.attempts,
                at: super::view::china_time(m.created_at),
                error: m.last_error.unwrap_or_default(),
            })
            .collect(),
        layout: Layout::new(msg::ORGS, Some(user)),
        orgs: orgs
            .into_iter()
            .map(|o| {
                let (channel, address) = channel_of(o.id);
                OrgRow {
                    id: o.id,
                    name: o.name,
                    org_type: o.org_type.label(),
                    misfit: state
                        .store
                        .regions
                        .get(&o.region_code)
                        .and_then(|r| o.org_type.misfit_at(r.level))
                        .unwrap_or_default(),
                    region: state.store.regions.path_name(&o.region_code),
                    channel,
                    address,
                }
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

/// Sets how an organisation receives its notifications (issue 19); a wrong address is
/// re-shown with what was typed.
async fn set_channel(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::is_admin)?;
    let code = form.get("channel").unwrap_or("").to_string();
    let address = form.get("address").unwrap_or("").to_string();
    let channel = shouhu_domain::notify::NotifyChannel::parse(&code);
    let (p, a) = (user.principal.clone(), address.clone());
    let res = state.run(move |s| s.set_org_channel(&p, id, channel.map(|c| (c, a.as_str())))).await;
    match res {
        Ok(_) => Ok(Redirect::to("/admin/orgs").into_response()),
        Err(AppError::Invalid(f)) => {
            let errs = f.0.into_iter().map(|e| format!("{}：{}", msg::NOTIFY_ADDRESS, e.message)).collect();
            error_status(orgs_page_typed(&state, &user, errs, Some((id, code, address))).await)
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
            let entries: Vec<AuditEntry> = state
                .run(move |s| {
                    s.audit_entries(&p, &filter, AUDIT_ROWS + 1, crate::filters::page_offset(page, AUDIT_ROWS))
                })
                .await?;
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
