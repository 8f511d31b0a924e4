//! The audit log: who viewed or changed which child's file, when. Details never carry ID or
//! phone numbers: callers pass masked text.

use crate::db::Conn;
use crate::error::StoreError;
use crate::{Actor, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub action: String,
    pub child_id: Option<i64>,
    pub detail: String,
}

/// What happened, as stored in `audit_log.action`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    ViewChild,
    CreateChild,
    UpdateChild,
    CloseChild,
    ReopenChild,
    ViewHistory,
    ViewLedger,
    Search,
    Login,
    Logout,
    CreateUser,
    ChangeUser,
    CreateOrg,
    Import,
    Export,
    /// A read or change refused: a record outside the user's scope (answered as missing)
    /// or an action their role may not take.
    Refused,
    /// A closed file anonymised at the end of its retention (decision 94).
    RetentionAnonymise,
    /// Accounts (issue 21): a reset, a role change, a second approval, a password set by
    /// link or changed by its owner, signing out everywhere, API tokens issued and revoked.
    ResetPassword,
    ChangeRole,
    ApproveAccount,
    SetPassword,
    ChangePassword,
    SignOutEverywhere,
    IssueToken,
    RevokeToken,
    /// A masked ID or phone number shown in full, with the reason given (never the number).
    RevealNumber,
    /// A second factor set up, reset by an administrator, or passed with a recovery code.
    EnrolSecondFactor,
    ResetSecondFactor,
    UseRecoveryCode,
}

impl Action {
    pub const ALL: [Action; 29] = [
        Action::ViewChild,
        Action::CreateChild,
        Action::UpdateChild,
        Action::CloseChild,
        Action::ReopenChild,
        Action::ViewHistory,
        Action::ViewLedger,
        Action::Search,
        Action::Login,
        Action::Logout,
        Action::CreateUser,
        Action::ChangeUser,
        Action::CreateOrg,
        Action::Import,
        Action::Export,
        Action::Refused,
        Action::RetentionAnonymise,
        Action::ResetPassword,
        Action::ChangeRole,
        Action::ApproveAccount,
        Action::SetPassword,
        Action::ChangePassword,
        Action::SignOutEverywhere,
        Action::IssueToken,
        Action::RevokeToken,
        Action::RevealNumber,
        Action::EnrolSecondFactor,
        Action::ResetSecondFactor,
        Action::UseRecoveryCode,
    ];

    /// The action in words, from the message catalog.
    pub fn label(code: &str) -> String {
        shouhu_domain::msg::audit_action(code).map_or_else(|| code.to_string(), str::to_string)
    }

    pub fn code(self) -> &'static str {
        match self {
            Action::ViewChild => "view_child",
            Action::CreateChild => "create_child",
            Action::UpdateChild => "update_child",
            Action::CloseChild => "close_child",
            Action::ReopenChild => "reopen_child",
            Action::ViewHistory => "view_history",
            Action::ViewLedger => "view_ledger",
            Action::Search => "search",
            Action::Login => "login",
            Action::Logout => "logout",
            Action::CreateUser => "create_user",
            Action::ChangeUser => "change_user",
            Action::CreateOrg => "create_org",
            Action::Import => "import",
            Action::Export => "export",
            Action::Refused => "refused",
            Action::RetentionAnonymise => "retention_anonymise",
            Action::ResetPassword => "reset_password",
            Action::ChangeRole => "change_role",
            Action::ApproveAccount => "approve_account",
            Action::SetPassword => "set_password",
            Action::ChangePassword => "change_password",
            Action::SignOutEverywhere => "sign_out_everywhere",
            Action::IssueToken => "issue_token",
            Action::RevokeToken => "revoke_token",
            Action::RevealNumber => "reveal_number",
            Action::EnrolSecondFactor => "enrol_second_factor",
            Action::ResetSecondFactor => "reset_second_factor",
            Action::UseRecoveryCode => "use_recovery_code",
        }
    }
}

/// Writes one audit row inside the caller's transaction, so the change and its record are
/// committed together.
pub fn record(
    c: &mut Conn<'_, '_>,
    at: DateTime<Utc>,
    actor: &Actor,
    action: Action,
    child: Option<(i64, &str)>,
    detail: &str,
) -> Result<(), StoreError> {
    c.exec(
        "INSERT INTO audit_log (at, user_id, user_name, action, child_id, district_code, detail) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            at.into(),
            actor.user_id.into(),
            actor.user_name.as_str().into(),
            action.code().into(),
            child.map(|(id, _)| id).into(),
            child.map(|(_, d)| d).into(),
            detail.into(),
        ],
    )?;
    Ok(())
}

impl Store {
    /// Records an action (a view, a sign-in) and returns once it is committed, in a group
    /// commit with whatever other rows are waiting.
    pub fn audit(
        &self,
        p: &crate::users::Principal,
        action: Action,
        child: Option<(i64, &str)>,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.audit_as(&p.actor(), action, child, detail)
    }

    /// The same for a stamp already derived (the store's own methods, bulk paths).
    pub fn audit_as(
        &self,
        actor: &Actor,
        action: Action,
        child: Option<(i64, &str)>,
        detail: &str,
    ) -> Result<(), StoreError> {
        self.audit_sink.record(self.now(), actor, action, child, detail)
    }

    /// The newest entries first, optionally for one child.
    pub fn audit_entries(&self, child_id: Option<i64>, limit: i64, offset: i64) -> Result<Vec<AuditEntry>, StoreError> {
        self.pool.read(|c| {
            let mut sql =
                crate::db::Sql::new("SELECT id, at, user_id, user_name, action, child_id, detail FROM audit_log");
            if let Some(id) = child_id {
                sql.push(" WHERE child_id = ").bind(id);
            }
            sql.push(" ORDER BY id DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
            c.query(&sql.text, &sql.params, |r| {
                Ok(AuditEntry {
                    id: r.i64(0)?,
                    at: r.ts(1)?,
                    user_id: r.opt_i64(2)?,
                    user_name: r.text(3)?,
                    action: r.text(4)?,
                    child_id: r.opt_i64(5)?,
                    detail: r.text(6)?,
                })
            })
        })
    }
}

#[cfg(test)]
mod tests {
    use super::Action;

    #[test]
    fn every_action_has_words_in_the_catalog() {
        // `code` matches every action: a new one needs a code, and then a place in ALL.
        let codes: std::collections::BTreeSet<&str> = Action::ALL.iter().map(|a| a.code()).collect();
        assert_eq!(codes.len(), Action::ALL.len());
        assert!(codes.contains(Action::Refused.code()));
        for a in Action::ALL {
            assert!(shouhu_domain::msg::audit_action(a.code()).is_some(), "{} has no words", a.code());
        }
    }
}
