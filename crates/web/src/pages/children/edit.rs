//! A child's file as a form: new and edit, shown again with every error beside its field
//! when refused.

use super::{label_in_section, section_of};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{FormPairs, IdPath};
use crate::error::AppError;
use crate::forms::{self, FIELDS, Kind};
use crate::pages::form::{self, Kept, Refusal, refused_page};
use crate::pages::view::{Opt, opts};
use crate::pages::{Layout, PageError, PageResult, render};
use askama::Template;
use axum::extract::State;
use axum::response::{IntoResponse, Redirect};
use shouhu_domain::child::{ChildFile, FileStatus};
use shouhu_domain::msg;
use shouhu_domain::role::{Role, Scope};
use shouhu_store::{Store, StoreError};

pub struct FieldView {
    pub path: &'static str,
    pub label: String,
    /// text, date, bool, select, multi, textarea
    pub kind: &'static str,
    pub value: String,
    pub checked: bool,
    pub error: String,
    pub options: Vec<Opt>,
    /// A select's first, empty option: 请选择, or 未填写 where empty is an answer.
    pub blank: &'static str,
    pub required: bool,
}

pub struct FormSection {
    pub title: &'static str,
    pub fields: Vec<FieldView>,
}

#[derive(Template)]
#[template(path = "children/form.html")]
pub struct ChildForm {
    pub layout: Layout,
    pub action: String,
    pub cancel: String,
    pub version: i64,
    pub sections: Vec<FormSection>,
    pub refusal: Refusal,
}

/// Where the form is: its title, where it posts, where 取消 leads, the version it edits.
struct Target {
    title: &'static str,
    action: String,
    cancel: String,
    version: i64,
}

impl Target {
    fn new_file() -> Target {
        Target { title: msg::NEW_CHILD, action: "/children/new".into(), cancel: "/children".into(), version: 0 }
    }

    fn edit(id: i64, version: i64) -> Target {
        Target {
            title: msg::EDIT_CHILD,
            action: format!("/children/{id}/edit"),
            cancel: format!("/children/{id}"),
            version,
        }
    }
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

fn build_form(store: &Store, scope: &Scope, schools: &[(i64, String)], kept: &Kept) -> Vec<FormSection> {
    let values = kept.values();
    let mut sections: Vec<FormSection> = Vec::new();
    for (path, kind) in FIELDS {
        let title = section_of(path);
        if sections.last().is_none_or(|s| s.title != title) {
            sections.push(FormSection { title, fields: Vec::new() });
        }
        let value = values.get(*path).cloned().unwrap_or_default();
        let mut blank = msg::CHOOSE;
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
            (_, Kind::YesNoUnknown) => {
                blank = msg::NOT_FILLED_IN;
                ("select", opts(vec![("true", msg::YES), ("false", msg::NO)], &value))
            }
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
            label: label_in_section(path),
            kind: kind_name,
            checked: value == "true",
            value,
            error: kept.err("", path),
            options,
            blank,
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

fn form_page(state: &AppState, user: &CurrentUser, schools: &[(i64, String)], t: Target, kept: &Kept) -> ChildForm {
    let scope = user.principal.scope();
    ChildForm {
        layout: Layout::new(t.title, Some(user)),
        action: t.action,
        cancel: t.cancel,
        version: t.version,
        sections: build_form(&state.store, &scope, schools, kept),
        refusal: kept.refusal(|_, field| (msg::field_full_label(field), format!("f-{field}"))),
    }
}

pub(super) async fn new_form(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    user.require(Role::may_write_children)?;
    let scope = user.principal.scope();
    let schools = state.run(move |s| schools_in_scope(s, &scope)).await?;
    let mut values: Vec<(String, String)> = [
        ("ethnicity", "汉族"),
        ("hukou_registered", "true"),
        ("rural_hukou", "true"),
        ("father.capable", "true"),
        ("mother.capable", "true"),
    ]
    .iter()
    .map(|(k, v)| (k.to_string(), v.to_string()))
    .collect();
    if let Scope::Region(r) = user.principal.scope()
        && shouhu_domain::region::is_village_code(&r)
    {
        values.push(("village_code".into(), r));
    }
    let page = form_page(&state, &user, &schools, Target::new_file(), &Kept::with_pairs("", values));
    Ok(render(&page))
}

/// Shows the submitted form again with every error beside its field; nothing is lost.
fn refused(
    state: &AppState,
    user: &CurrentUser,
    schools: &[(i64, String)],
    t: Target,
    form: FormPairs,
    err: AppError,
) -> PageResult {
    let (kept, status) = Kept::new("", form).refused(err, msg::STALE_VERSION)?;
    refused_page(&form_page(state, user, schools, t, &kept), status)
}

/// Reads the form; parse errors and the domain's checks are reported together.
fn read_form(state: &AppState, pairs: &[(String, String)]) -> Result<ChildFile, AppError> {
    let (file, mut errs) = forms::read(pairs);
    if errs.is_empty() {
        return Ok(file);
    }
    if let Err(more) = shouhu_domain::validate::child_file(file, state.store.today(), state.store.settings.age_rule) {
        for e in more.0 {
            if errs.get(&e.field).is_none() {
                errs.0.push(e);
            }
        }
    }
    Err(AppError::Invalid(errs))
}

pub(super) async fn create(State(state): State<AppState>, user: CurrentUser, form: FormPairs) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::may_write_children)?;
    let scope = user.principal.scope();
    let schools = state.run(move |s| schools_in_scope(s, &scope)).await?;
    let result = match read_form(&state, &form.0) {
        Ok(file) => {
            let p = user.principal.clone();
            state.run(move |s| s.create_child(&p, file, "web")).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(rec) => Ok(Redirect::to(&format!("/children/{}?saved=1", rec.id)).into_response()),
        Err(e) => refused(&state, &user, &schools, Target::new_file(), form, e),
    }
}

pub(super) async fn edit_form(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    user.require(Role::may_write_children)?;
    let p = user.principal.clone();
    let scope = user.principal.scope();
    let (rec, schools) = state.run(move |s| Ok((s.view_child(&p, id)?, schools_in_scope(s, &scope)?))).await?;
    if matches!(rec.status, FileStatus::Closed { .. }) {
        return Err(PageError(AppError::State(msg::ALREADY_CLOSED)));
    }
    let values = forms::values_of(&rec.file).into_iter().collect();
    let page = form_page(&state, &user, &schools, Target::edit(id, rec.version), &Kept::with_pairs("", values));
    Ok(render(&page))
}

pub(super) async fn update(
    State(state): State<AppState>,
    user: CurrentUser,
    IdPath(id): IdPath,
    form: FormPairs,
) -> PageResult {
    user.check_csrf(form.get("csrf"))?;
    user.require(Role::may_write_children)?;
    let version = form::version(&form);
    let scope = user.principal.scope();
    let schools = state.run(move |s| schools_in_scope(s, &scope)).await?;
    let result = match read_form(&state, &form.0) {
        Ok(file) => {
            let p = user.principal.clone();
            state.run(move |s| s.update_child(&p, id, version, file, "web")).await
        }
        Err(e) => Err(e),
    };
    match result {
        Ok(_) => Ok(Redirect::to(&format!("/children/{id}?saved=1")).into_response()),
        Err(AppError::NotFound) => Err(PageError(AppError::NotFound)),
        Err(e) => refused(&state, &user, &schools, Target::edit(id, version), form, e),
    }
}
