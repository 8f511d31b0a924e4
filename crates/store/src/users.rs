//! Organisations and user accounts.

use crate::db::{Conn, Row, Val};
use crate::error::StoreError;
use crate::{Actor, Store};
use serde::Serialize;
use shouhu_domain::msg;
use shouhu_domain::role::{AccountKind, Awaiting, OrgType, Role, Scope};

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Organisation {
    pub id: i64,
    pub name: String,
    pub org_type: OrgType,
    pub region_code: String,
}

/// A signed-in user with everything needed to decide what they may do.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Principal {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
    pub org_type: OrgType,
    pub region_code: String,
}

impl Principal {
    pub fn scope(&self) -> Scope {
        Scope::of(self.role, self.org_type, self.org_id, &self.region_code)
    }

    pub fn actor(&self) -> Actor {
        Actor {
            user_id: Some(self.user_id),
            user_name: format!("{}（{}）", self.display_name, self.username),
            role: self.role,
            scope: self.scope(),
        }
    }
}

/// The columns `principal_from_row` reads, from `users u JOIN organisations o`.
pub(crate) const PRINCIPAL_COLUMNS: &str =
    "u.id, u.username, u.display_name, u.role, o.id, o.name, o.org_type, o.region_code";

pub(crate) fn principal_from_row(r: &dyn Row) -> Result<Principal, StoreError> {
    let bad = |what: &str| StoreError::Backend(format!("unknown {what} in users/organisations"));
    Ok(Principal {
        user_id: r.i64(0)?,
        username: r.text(1)?,
        display_name: r.text(2)?,
        role: Role::parse(&r.text(3)?).ok_or_else(|| bad("role"))?,
        org_id: r.i64(4)?,
        org_name: r.text(5)?,
        org_type: OrgType::parse(&r.text(6)?).ok_or_else(|| bad("org_type"))?,
        region_code: r.text(7)?,
    })
}

/// The organisation exists and the role belongs in its kind (decision 211,
/// [`Role::belongs_in`]); otherwise the role is refused with the kinds it belongs in.
pub(crate) fn org_takes(c: &mut Conn<'_, '_>, org_id: i64, role: Role) -> Result<(), StoreError> {
    let org_type = c.query_opt("SELECT org_type FROM organisations WHERE id = $1", &[org_id.into()], |r| r.text(0))?;
    let Some(org_type) = org_type else {
        return Err(StoreError::invalid("org_id", msg::NOT_FOUND));
    };
    let org_type = OrgType::parse(&org_type).ok_or_else(|| StoreError::Backend("unknown org_type".into()))?;
    match role.misfit_in(org_type) {
        None => Ok(()),
        Some(why) => Err(StoreError::invalid("role", why)),
    }
}

fn org_from_row(r: &dyn Row) -> Result<Organisation, StoreError> {
    Ok(Organisation {
        id: r.i64(0)?,
        name: r.text(1)?,
        org_type: OrgType::parse(&r.text(2)?).ok_or_else(|| StoreError::Backend("unknown org_type".into()))?,
        region_code: r.text(3)?,
    })
}

/// A user as the administrator's list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UserSummary {
    pub id: i64,
    pub username: String,
    pub display_name: String,
    pub role: Role,
    pub org_id: i64,
    pub org_name: String,
    pub active: bool,
    pub kind: AccountKind,
    /// A change waiting for a second approval, if any.
    pub awaiting: Option<Awaiting>,
    /// A person's password is set (a new or reset account waits for its link to be used).
    pub password_set: bool,
}

impl Store {
    pub fn create_org(&self, name: &str, org_type: OrgType, region_code: &str) -> Result<i64, StoreError> {
        let name = name.trim();
        let mut errs = shouhu_domain::error::FieldErrors::default();
        if name.is_empty() {
            errs.add("name", msg::REQUIRED);
        } else if name.chars().count() > 100 {
            errs.add("name", msg::too_long(100));
        }
        match self.regions.get(region_code) {
            None => errs.add("region_code", msg::VILLAGE_UNKNOWN),
            Some(r) => {
                if let Some(why) = org_type.misfit_at(r.level) {
                    errs.add("region_code", why);
                }
            }
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let now = self.now();
        self.pool.write(|c| {
            c.query_opt(
                "INSERT INTO organisations (name, org_type, region_code, created_at) VALUES ($1, $2, $3, $4) RETURNING id",
                &[name.into(), org_type.code().into(), region_code.into(), now.into()],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
        })
    }

    pub fn get_org(&self, id: i64) -> Result<Organisation, StoreError> {
        self.pool
            .read(|c| {
                c.query_opt(
                    "SELECT id, name, org_type, region_code FROM organisations WHERE id = $1",
                    &[id.into()],
                    org_from_row,
                )
            })?
            .ok_or(StoreError::NotFound)
    }

    pub fn list_orgs(&self) -> Result<Vec<Organisation>, StoreError> {
        self.pool.read(|c| {
            c.query(
                "SELECT id, name, org_type, region_code FROM organisations ORDER BY region_code, id",
                &[],
                org_from_row,
            )
        })
    }

    /// Creates an account; the password must already be hashed (argon2id, in the web crate).
    pub fn create_user(
        &self,
        username: &str,
        display_name: &str,
        password_hash: &str,
        org_id: i64,
        role: Role,
    ) -> Result<i64, StoreError> {
        let now = self.now();
        let res = self.pool.write(|c| {
            org_takes(c, org_id, role)?;
            c.query_opt(
                "INSERT INTO users (username, display_name, password_hash, org_id, role, active, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) RETURNING id",
                &[
                    username.into(),
                    display_name.into(),
                    password_hash.into(),
                    org_id.into(),
                    role.code().into(),
                    true.into(),
                    now.into(),
                ],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
        });
        match res {
            Err(StoreError::UniqueViolation) => {
                Err(StoreError::Duplicate { field: "username", message: msg::USERNAME_TAKEN.into(), existing: None })
            }
            other => other,
        }
    }

    /// The password hash and principal of an active user, for signing in.
    pub fn user_for_login(&self, username: &str) -> Result<Option<(Principal, String)>, StoreError> {
        self.pool.read(|c| {
            c.query_opt(
                &format!(
                    "SELECT {PRINCIPAL_COLUMNS}, u.password_hash FROM users u JOIN organisations o ON o.id = u.org_id \
                     WHERE u.username = $1 AND u.active = $2 AND u.kind = $3 AND u.password_hash <> ''"
                ),
                &[username.into(), true.into(), AccountKind::Person.code().into()],
                |r| Ok((principal_from_row(r)?, r.text(8)?)),
            )
        })
    }

    pub fn principal(&self, user_id: i64) -> Result<Principal, StoreError> {
        self.active_principal("u.id", user_id.into())
    }

    /// An active user by username: for command-line work done in a user's name and scope.
    pub fn principal_by_username(&self, username: &str) -> Result<Principal, StoreError> {
        self.active_principal("u.username", username.into())
    }

    /// The active user whose `column` is `value` (a fixed column name, never user input).
    fn active_principal(&self, column: &'static str, value: Val) -> Result<Principal, StoreError> {
        self.pool
            .read(|c| {
                c.query_opt(
                    &format!(
                        "SELECT {PRINCIPAL_COLUMNS} FROM users u JOIN organisations o ON o.id = u.org_id \
                         WHERE {column} = $1 AND u.active = $2"
                    ),
                    &[value, true.into()],
                    principal_from_row,
                )
            })?
            .ok_or(StoreError::NotFound)
    }

    pub fn list_users(&self) -> Result<Vec<UserSummary>, StoreError> {
        self.pool.read(|c| {
            c.query(
                "SELECT u.id, u.username, u.display_name, u.role, o.id, o.name, u.active, u.kind, r.what, \
                 u.password_hash <> '' \
                 FROM users u JOIN organisations o ON o.id = u.org_id \
                 LEFT JOIN account_requests r ON r.user_id = u.id ORDER BY u.id",
                &[],
                |r| {
                    Ok(UserSummary {
                        kind: AccountKind::parse(&r.text(7)?)
                            .ok_or_else(|| StoreError::Backend("unknown kind".into()))?,
                        awaiting: r.opt_text(8)?.as_deref().and_then(Awaiting::parse),
                        password_set: r.bool(9)?,
                        id: r.i64(0)?,
                        username: r.text(1)?,
                        display_name: r.text(2)?,
                        role: Role::parse(&r.text(3)?).ok_or_else(|| StoreError::Backend("unknown role".into()))?,
                        org_id: r.i64(4)?,
                        org_name: r.text(5)?,
                        active: r.bool(6)?,
                    })
                },
            )
        })
    }

    /// Deactivates or reactivates an account; deactivation also ends its sessions.
    pub fn set_user_active(&self, user_id: i64, active: bool) -> Result<(), StoreError> {
        self.pool.write(|c| {
            let n = c.exec("UPDATE users SET active = $1 WHERE id = $2", &[active.into(), user_id.into()])?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            if !active {
                c.exec("DELETE FROM sessions WHERE user_id = $1", &[user_id.into()])?;
            }
            Ok(())
        })
    }

    pub fn set_password_hash(&self, user_id: i64, hash: &str) -> Result<(), StoreError> {
        self.pool.write(|c| {
            let n = c.exec("UPDATE users SET password_hash = $1 WHERE id = $2", &[hash.into(), user_id.into()])?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            c.exec("DELETE FROM sessions WHERE user_id = $1", &[user_id.into()])?;
            Ok(())
        })
    }

    pub fn count_admins(&self) -> Result<i64, StoreError> {
        self.pool.read(|c| {
            Ok(c.query_opt(
                "SELECT count(*) FROM users WHERE role = $1 AND active = $2",
                &[Role::Admin.code().into(), true.into()],
                |r| r.i64(0),
            )?
            .unwrap_or(0))
        })
    }

    pub fn count_users(&self) -> Result<i64, StoreError> {
        self.pool.read(|c| Ok(c.query_opt("SELECT count(*) FROM users", &[], |r| r.i64(0))?.unwrap_or(0)))
    }
}

impl From<Role> for Val {
    fn from(r: Role) -> Val {
        Val::Text(r.code().into())
    }
}
