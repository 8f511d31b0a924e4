//! Accounts (issue 21, decisions 76-80): the administrator never holds another person's
//! credential. A new account or a reset gets a one-time set-password link (stored hashed);
//! an account that reads children waits for a second person's approval before any link or
//! token exists for it; people change their own password, sign out everywhere and manage
//! their own API tokens, which expire; other systems have service accounts.
//!
//! Secrets are made by the caller (the web crate) and reach the store only as hashes.

use crate::Store;
use crate::audit::{self, Action};
use crate::db::Conn;
use crate::error::StoreError;
use crate::users::{PRINCIPAL_COLUMNS, Principal, org_takes, principal_from_row};
use chrono::{DateTime, Duration, Utc};
use serde::Serialize;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::role::{AccountKind, AccountRequest, Awaiting, Role};

/// A token is live when not revoked and not expired; one issued before tokens had an expiry
/// (decision 76) lasts the setting's days from its creation. Binds `$n` (now) and `$n+1`
/// (now less the setting) from `first`.
pub(crate) fn live_token(first: usize) -> String {
    format!(
        "t.revoked = FALSE AND (t.expires_at > ${first} OR (t.expires_at IS NULL AND t.created_at > ${}))",
        first + 1
    )
}

/// What an account operation handed out. The secret itself is the caller's: the store
/// keeps only its hash.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Issued {
    /// A set-password link, to be shown once, usable until `expires_at`.
    Link { expires_at: DateTime<Utc> },
    /// A service account's API token, to be shown once.
    Token { id: i64, expires_at: DateTime<Utc> },
    /// Waits for a second person's approval: nothing was handed out.
    AwaitingApproval,
    /// A change that hands out nothing (a role change).
    Nothing,
}

/// A new account as the administrator asks for it: no password.
#[derive(Debug, Clone)]
pub struct NewAccount {
    pub username: String,
    pub display_name: String,
    pub org_id: i64,
    pub role: Role,
    pub kind: AccountKind,
}

/// A change waiting for approval, as the approvers' list shows it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct PendingAccount {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
    pub kind: AccountKind,
    pub role: Role,
    pub org_name: String,
    pub awaiting: Awaiting,
    /// A role change: the role and organisation the account would get.
    pub new_role: Option<Role>,
    pub new_org_name: Option<String>,
    /// The administrator who asked.
    pub requested_by: String,
    pub requested_at: DateTime<Utc>,
    /// Whether the one reading the list may approve it (not who asked; a service account
    /// only by the city).
    pub may_approve: bool,
}

/// One of a person's own API tokens; never its secret.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ApiToken {
    pub id: i64,
    /// What it is for, as named when it was issued.
    pub name: String,
    pub created_at: DateTime<Utc>,
    pub expires_at: DateTime<Utc>,
}

/// The person a set-password link is for.
#[derive(Debug, Clone)]
pub struct LinkAccount {
    pub user_id: i64,
    pub username: String,
    pub display_name: String,
}

fn require_admin(by: &Principal) -> Result<(), StoreError> {
    if by.role.is_admin() { Ok(()) } else { Err(StoreError::Forbidden) }
}

fn bad(what: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} in users or account_requests"))
}

impl Store {
    /// Creates an account without a password. One that reads children waits for a second
    /// approval; otherwise a person's set-password link (`secret_hash`) is stored at once.
    pub fn create_account(
        &self,
        by: &Principal,
        new: &NewAccount,
        secret_hash: &str,
    ) -> Result<(i64, Issued), StoreError> {
        require_admin(by)?;
        let username = new.username.trim();
        let display_name = new.display_name.trim();
        let mut errs = FieldErrors::default();
        if username.is_empty() || username.chars().any(char::is_whitespace) {
            errs.add("username", msg::REQUIRED);
        } else if username.chars().count() > 50 {
            errs.add("username", msg::too_long(50));
        }
        if display_name.is_empty() {
            errs.add("display_name", msg::REQUIRED);
        } else if display_name.chars().count() > 50 {
            errs.add("display_name", msg::too_long(50));
        }
        if !new.kind.may_have(new.role) {
            errs.add("role", msg::SERVICE_NOT_ADMIN);
        }
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let now = self.now();
        let res = self.pool.write(|c| {
            org_takes(c, new.org_id, new.role)?;
            let id = c
                .query_opt(
                    "INSERT INTO users (username, display_name, password_hash, org_id, role, active, created_at, kind) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                    &[
                        username.into(),
                        display_name.into(),
                        "".into(),
                        new.org_id.into(),
                        new.role.code().into(),
                        true.into(),
                        now.into(),
                        new.kind.code().into(),
                    ],
                    |r| r.i64(0),
                )?
                .ok_or_else(|| StoreError::Backend("insert returned no id".into()))?;
            let issued = if new.role.needs_second_approval() {
                request(c, id, Awaiting::Create, by.user_id, now, None)?;
                Issued::AwaitingApproval
            } else {
                self.issue(c, id, new.kind, secret_hash, now)?
            };
            let detail = format!("user {id} {username} ({}, {}){}", new.role.code(), new.kind.code(), waits(issued));
            audit::record(c, &self.audit_key, now, &by.actor(), Action::CreateUser, None, &detail)?;
            Ok((id, issued))
        });
        match res {
            Err(StoreError::UniqueViolation) => {
                Err(StoreError::Duplicate { field: "username", message: msg::USERNAME_TAKEN.into(), existing: None })
            }
            other => other,
        }
    }

    /// Ends every session and token of an account and takes its password away; a new link
    /// (or a service account's token) follows at once, or after a second approval when the
    /// account reads children.
    pub fn reset_account(&self, by: &Principal, user_id: i64, secret_hash: &str) -> Result<Issued, StoreError> {
        require_admin(by)?;
        let now = self.now();
        self.pool.write(|c| {
            let (kind, role) = account(c, user_id)?;
            no_open_request(c, user_id)?;
            c.exec("DELETE FROM sessions WHERE user_id = $1", &[user_id.into()])?;
            c.exec("UPDATE api_tokens SET revoked = TRUE WHERE user_id = $1", &[user_id.into()])?;
            c.exec(
                "UPDATE users SET password_hash = '', link_hash = NULL, link_expires_at = NULL WHERE id = $1",
                &[user_id.into()],
            )?;
            let issued = if role.needs_second_approval() {
                request(c, user_id, Awaiting::Reset, by.user_id, now, None)?;
                Issued::AwaitingApproval
            } else {
                self.issue(c, user_id, kind, secret_hash, now)?
            };
            audit::record(
                c,
                &self.audit_key,
                now,
                &by.actor(),
                Action::ResetPassword,
                None,
                &format!("user {user_id}{}", waits(issued)),
            )?;
            Ok(issued)
        })
    }

    /// Gives an account another role or organisation: at once when the new role reads no
    /// child, otherwise after a second approval (the old role stays meanwhile).
    pub fn change_account_role(
        &self,
        by: &Principal,
        user_id: i64,
        role: Role,
        org_id: i64,
    ) -> Result<Issued, StoreError> {
        require_admin(by)?;
        let now = self.now();
        self.pool.write(|c| {
            let (kind, _) = account(c, user_id)?;
            if !kind.may_have(role) {
                return Err(StoreError::invalid("role", msg::SERVICE_NOT_ADMIN));
            }
            org_takes(c, org_id, role)?;
            no_open_request(c, user_id)?;
            let issued = if role.needs_second_approval() {
                request(c, user_id, Awaiting::RoleChange, by.user_id, now, Some((role, org_id)))?;
                Issued::AwaitingApproval
            } else {
                c.exec(
                    "UPDATE users SET role = $1, org_id = $2 WHERE id = $3",
                    &[role.code().into(), org_id.into(), user_id.into()],
                )?;
                Issued::Nothing
            };
            let detail = format!("user {user_id} → {} org {org_id}{}", role.code(), waits(issued));
            audit::record(c, &self.audit_key, now, &by.actor(), Action::ChangeRole, None, &detail)?;
            Ok(issued)
        })
    }

    /// Approves the change waiting on an account (`AccountRequest::may_be_approved_by`):
    /// applies a role change, and for a new or reset account stores the link or token
    /// (`secret_hash`) that the approver is shown once.
    pub fn approve_account(&self, by: &Principal, user_id: i64, secret_hash: &str) -> Result<Issued, StoreError> {
        if !by.role.may_approve_accounts() {
            return Err(StoreError::Forbidden);
        }
        let now = self.now();
        self.pool.write(|c| {
            let found = c.query_opt(
                "SELECT r.what, r.requested_by, r.role, r.org_id, u.kind FROM account_requests r \
                 JOIN users u ON u.id = r.user_id WHERE r.user_id = $1 AND u.active = $2",
                &[user_id.into(), true.into()],
                |r| Ok((r.text(0)?, r.i64(1)?, r.opt_text(2)?, r.opt_i64(3)?, r.text(4)?)),
            )?;
            let (what, requested_by, new_role, new_org, kind) = found.ok_or(StoreError::NotFound)?;
            let what = Awaiting::parse(&what).ok_or_else(|| bad("request"))?;
            let kind = AccountKind::parse(&kind).ok_or_else(|| bad("kind"))?;
            if !(AccountRequest { account_id: user_id, kind, requested_by }).may_be_approved_by(by.role, by.user_id) {
                return Err(StoreError::Forbidden);
            }
            if let (Some(role), Some(org)) = (new_role, new_org) {
                // Asked for before decision 211, a change may put a role where it does not
                // belong: it is checked again when it takes effect.
                org_takes(c, org, Role::parse(&role).ok_or_else(|| bad("role"))?)?;
                c.exec(
                    "UPDATE users SET role = $1, org_id = $2 WHERE id = $3",
                    &[role.into(), org.into(), user_id.into()],
                )?;
            }
            let issued = match what {
                Awaiting::Create | Awaiting::Reset => self.issue(c, user_id, kind, secret_hash, now)?,
                Awaiting::RoleChange => Issued::Nothing,
            };
            c.exec("DELETE FROM account_requests WHERE user_id = $1", &[user_id.into()])?;
            let detail = format!("user {user_id}: {} (requested by user {requested_by})", what.code());
            audit::record(c, &self.audit_key, now, &by.actor(), Action::ApproveAccount, None, &detail)?;
            Ok(issued)
        })
    }

    /// The changes waiting for approval, oldest first, for those who may approve.
    pub fn pending_accounts(&self, by: &Principal) -> Result<Vec<PendingAccount>, StoreError> {
        if !by.role.may_approve_accounts() {
            return Err(StoreError::Forbidden);
        }
        self.pool.read(|c| {
            c.query(
                "SELECT u.id, u.username, u.display_name, u.kind, u.role, o.name, r.what, r.role, o2.name, \
                 r.requested_by, q.display_name, q.username, r.requested_at \
                 FROM account_requests r JOIN users u ON u.id = r.user_id JOIN organisations o ON o.id = u.org_id \
                 LEFT JOIN organisations o2 ON o2.id = r.org_id JOIN users q ON q.id = r.requested_by \
                 WHERE u.active = $1 ORDER BY r.requested_at, u.id",
                &[true.into()],
                |r| {
                    let user_id = r.i64(0)?;
                    let kind = AccountKind::parse(&r.text(3)?).ok_or_else(|| bad("kind"))?;
                    let requested_by = r.i64(9)?;
                    let request = AccountRequest { account_id: user_id, kind, requested_by };
                    Ok(PendingAccount {
                        user_id,
                        username: r.text(1)?,
                        display_name: r.text(2)?,
                        kind,
                        role: Role::parse(&r.text(4)?).ok_or_else(|| bad("role"))?,
                        org_name: r.text(5)?,
                        awaiting: Awaiting::parse(&r.text(6)?).ok_or_else(|| bad("request"))?,
                        new_role: r.opt_text(7)?.as_deref().and_then(Role::parse),
                        new_org_name: r.opt_text(8)?,
                        requested_by: format!("{}（{}）", r.text(10)?, r.text(11)?),
                        requested_at: r.ts(12)?,
                        may_approve: request.may_be_approved_by(by.role, by.user_id),
                    })
                },
            )
        })
    }

    /// The person a live set-password link is for.
    pub fn link_account(&self, link_hash: &str) -> Result<Option<LinkAccount>, StoreError> {
        let now = self.now();
        self.pool.read(|c| {
            c.query_opt(
                "SELECT id, username, display_name FROM users \
                 WHERE link_hash = $1 AND link_expires_at > $2 AND active = $3 AND kind = $4",
                &[link_hash.into(), now.into(), true.into(), AccountKind::Person.code().into()],
                |r| Ok(LinkAccount { user_id: r.i64(0)?, username: r.text(1)?, display_name: r.text(2)? }),
            )
        })
    }

    /// Sets the password of a link's person and spends the link; their sessions end.
    pub fn use_link(&self, link_hash: &str, password_hash: &str) -> Result<Principal, StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            let id = c
                .query_opt(
                    "UPDATE users SET password_hash = $1, link_hash = NULL, link_expires_at = NULL \
                     WHERE link_hash = $2 AND link_expires_at > $3 AND active = $4 AND kind = $5 RETURNING id",
                    &[
                        password_hash.into(),
                        link_hash.into(),
                        now.into(),
                        true.into(),
                        AccountKind::Person.code().into(),
                    ],
                    |r| r.i64(0),
                )?
                .ok_or(StoreError::NotFound)?;
            c.exec("DELETE FROM sessions WHERE user_id = $1", &[id.into()])?;
            let p = c
                .query_opt(
                    &format!(
                        "SELECT {PRINCIPAL_COLUMNS} FROM users u JOIN organisations o ON o.id = u.org_id WHERE u.id = $1"
                    ),
                    &[id.into()],
                    principal_from_row,
                )?
                .ok_or(StoreError::NotFound)?;
            audit::record(c, &self.audit_key, now, &p.actor(), Action::SetPassword, None, &format!("user {id}"))?;
            Ok(p)
        })
    }

    /// The signed-in person's password hash, to check their current password.
    pub fn password_hash_of(&self, p: &Principal) -> Result<String, StoreError> {
        self.pool
            .read(|c| c.query_opt("SELECT password_hash FROM users WHERE id = $1", &[p.user_id.into()], |r| r.text(0)))?
            .ok_or(StoreError::NotFound)
    }

    /// Changes the person's own password and ends their other sessions (all of them when
    /// `keep_session` is `None`: a change over the API).
    pub fn change_password(
        &self,
        p: &Principal,
        password_hash: &str,
        keep_session: Option<&str>,
    ) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            let n = c.exec(
                "UPDATE users SET password_hash = $1 WHERE id = $2 AND kind = $3",
                &[password_hash.into(), p.user_id.into(), AccountKind::Person.code().into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            let ended = end_sessions(c, p.user_id, keep_session)?;
            let detail = format!("user {}: {ended} other sessions ended", p.user_id);
            audit::record(c, &self.audit_key, now, &p.actor(), Action::ChangePassword, None, &detail)
        })
    }

    /// Ends every session of the person, this one too; their API tokens only when asked.
    pub fn sign_out_everywhere(&self, p: &Principal, revoke_tokens: bool) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            let ended = end_sessions(c, p.user_id, None)?;
            let revoked = if revoke_tokens {
                c.exec(
                    "UPDATE api_tokens SET revoked = TRUE WHERE user_id = $1 AND revoked = FALSE",
                    &[p.user_id.into()],
                )?
            } else {
                0
            };
            let detail = format!("user {}: {ended} sessions ended, {revoked} tokens revoked", p.user_id);
            audit::record(c, &self.audit_key, now, &p.actor(), Action::SignOutEverywhere, None, &detail)
        })
    }

    /// Notes that a session was used now (the idle timeout counts from here).
    pub fn touch_session(&self, token_hash: &str) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            c.exec("UPDATE sessions SET last_seen_at = $1 WHERE token_hash = $2", &[now.into(), token_hash.into()])
                .map(|_| ())
        })
    }

    /// Issues a person's own API token (after their password was checked), live until
    /// `expires_at`; returns its id.
    pub fn issue_api_token(
        &self,
        p: &Principal,
        token_hash: &str,
        name: &str,
        expires_at: DateTime<Utc>,
    ) -> Result<i64, StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            let id = insert_token(c, p.user_id, token_hash, name, now, expires_at)?;
            audit::record(
                c,
                &self.audit_key,
                now,
                &p.actor(),
                Action::IssueToken,
                None,
                &format!("token {id} until {expires_at}"),
            )?;
            Ok(id)
        })
    }

    /// The person's own live API tokens, newest first.
    pub fn api_tokens_of(&self, p: &Principal) -> Result<Vec<ApiToken>, StoreError> {
        let now = self.now();
        let ttl = self.settings.accounts.api_token_ttl;
        self.pool.read(|c| {
            c.query(
                &format!(
                    "SELECT t.id, t.name, t.created_at, t.expires_at FROM api_tokens t \
                     WHERE t.user_id = $1 AND {} ORDER BY t.created_at DESC, t.id DESC",
                    live_token(2)
                ),
                &[p.user_id.into(), now.into(), (now - ttl).into()],
                |r| {
                    let created_at = r.ts(2)?;
                    Ok(ApiToken {
                        id: r.i64(0)?,
                        name: r.text(1)?,
                        created_at,
                        expires_at: r.opt_ts(3)?.unwrap_or(created_at + ttl),
                    })
                },
            )
        })
    }

    /// Revokes one of the person's own tokens; another's, or one already gone, is missing.
    pub fn revoke_api_token(&self, p: &Principal, id: i64) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            let n = c.exec(
                "UPDATE api_tokens SET revoked = TRUE WHERE id = $1 AND user_id = $2 AND revoked = FALSE",
                &[id.into(), p.user_id.into()],
            )?;
            if n == 0 {
                return Err(StoreError::NotFound);
            }
            audit::record(c, &self.audit_key, now, &p.actor(), Action::RevokeToken, None, &format!("token {id}"))
        })
    }

    /// Stores what a new or reset account is handed: a person's link, a system's token.
    fn issue(
        &self,
        c: &mut Conn<'_, '_>,
        user_id: i64,
        kind: AccountKind,
        secret_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<Issued, StoreError> {
        let a = self.settings.accounts;
        match kind {
            AccountKind::Person => {
                let expires_at = now + a.set_password_link_ttl;
                c.exec(
                    "UPDATE users SET link_hash = $1, link_expires_at = $2 WHERE id = $3",
                    &[secret_hash.into(), expires_at.into(), user_id.into()],
                )?;
                Ok(Issued::Link { expires_at })
            }
            AccountKind::Service => {
                let expires_at = now + a.service_token_ttl;
                let id = insert_token(c, user_id, secret_hash, "service", now, expires_at)?;
                Ok(Issued::Token { id, expires_at })
            }
        }
    }
}

fn waits(issued: Issued) -> &'static str {
    if issued == Issued::AwaitingApproval { ", awaiting approval" } else { "" }
}

/// An account's kind and role.
fn account(c: &mut Conn<'_, '_>, user_id: i64) -> Result<(AccountKind, Role), StoreError> {
    let (kind, role) = c
        .query_opt("SELECT kind, role FROM users WHERE id = $1", &[user_id.into()], |r| Ok((r.text(0)?, r.text(1)?)))?
        .ok_or(StoreError::NotFound)?;
    Ok((AccountKind::parse(&kind).ok_or_else(|| bad("kind"))?, Role::parse(&role).ok_or_else(|| bad("role"))?))
}

/// One request at a time: a second would mix two people's asks in one approval.
fn no_open_request(c: &mut Conn<'_, '_>, user_id: i64) -> Result<(), StoreError> {
    match c.query_opt("SELECT user_id FROM account_requests WHERE user_id = $1", &[user_id.into()], |r| r.i64(0))? {
        Some(_) => Err(StoreError::State(msg::REQUEST_OPEN)),
        None => Ok(()),
    }
}

fn request(
    c: &mut Conn<'_, '_>,
    user_id: i64,
    what: Awaiting,
    by: i64,
    now: DateTime<Utc>,
    change: Option<(Role, i64)>,
) -> Result<(), StoreError> {
    c.exec(
        "INSERT INTO account_requests (user_id, what, requested_by, requested_at, role, org_id) \
         VALUES ($1, $2, $3, $4, $5, $6)",
        &[
            user_id.into(),
            what.code().into(),
            by.into(),
            now.into(),
            change.map(|(r, _)| r.code()).into(),
            change.map(|(_, o)| o).into(),
        ],
    )?;
    Ok(())
}

fn insert_token(
    c: &mut Conn<'_, '_>,
    user_id: i64,
    token_hash: &str,
    name: &str,
    now: DateTime<Utc>,
    expires_at: DateTime<Utc>,
) -> Result<i64, StoreError> {
    c.query_opt(
        "INSERT INTO api_tokens (token_hash, user_id, name, created_at, expires_at, revoked) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
        &[token_hash.into(), user_id.into(), name.into(), now.into(), expires_at.into(), false.into()],
        |r| r.i64(0),
    )?
    .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
}

/// Ends a user's sessions but `keep`; how many.
fn end_sessions(c: &mut Conn<'_, '_>, user_id: i64, keep: Option<&str>) -> Result<u64, StoreError> {
    match keep {
        Some(k) => c.exec("DELETE FROM sessions WHERE user_id = $1 AND token_hash <> $2", &[user_id.into(), k.into()]),
        None => c.exec("DELETE FROM sessions WHERE user_id = $1", &[user_id.into()]),
    }
}

/// Whether a session last seen at `last_seen` is written again now: at most once a minute
/// (the idle setting's unit), so that reading pages does not write on every request.
pub(crate) fn seen_long_ago(last_seen: DateTime<Utc>, now: DateTime<Utc>) -> bool {
    now - last_seen >= Duration::minutes(1)
}
