//! The audit log: who viewed or changed which child's file, when. Details never carry ID or
//! phone numbers: callers pass masked text. Every entry is chained to the one before by a
//! keyed hash (`audit_chain.rs`).

use crate::audit_chain::{self, AuditKey, Entry};
use crate::db::Conn;
use crate::error::StoreError;
use crate::users::Principal;
use crate::{Actor, Store};
use chrono::{DateTime, Utc};
use serde::Serialize;

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AuditEntry {
    pub id: i64,
    /// The entry's place in the audit chain, by which `shouhu audit verify` names it.
    pub seq: Option<i64>,
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
    /// `shouhu audit new-chain`: the audit key was replaced after it was lost.
    NewAuditKey,
    /// Visits (issue 17): a child's visits or a visit's versions read, a visit recorded or
    /// corrected, a supervisor's review, the director's due list, the supervisor's page, the
    /// status of the reports and cases about a child.
    ViewVisits,
    RecordVisit,
    CorrectVisit,
    ReviewVisit,
    ViewDueVisits,
    ViewSupervision,
    ViewCaseStatus,
    /// Entrusted care (委托监护) recorded: notices, confirmation, suitability ([UPL] 22–23).
    RecordEntrustedCare,
    /// A parents' contact with the child recorded ([UPL] 23).
    RecordParentsContact,
    /// The daily recompute changed what a child's age decides (category, warnings).
    RecomputeChild,
    /// A file whose child turned 16 kept open, with the reason.
    KeepPast16,
    // Dropout control (issue 18): a case or its list viewed, a step recorded.
    ViewDropoutCase,
    ViewDropoutList,
    /// The to-do list, which names children (issue 19).
    ViewTasks,
    ChangeDropoutCase,
    MatchRoster,
    /// A printable document (文书) generated: its kind and number in the detail (issue 22).
    IssueDocument,
    /// How an organisation receives its notifications set by the administrator (issue 19).
    SetNotifyChannel,
    // Oversight (issue 20): the register's unit page (names children), measures,
    // commendations, the joint meeting and its tasks' progress.
    ViewAccountability,
    RecordMeasure,
    RecordCommendation,
    RecordMeeting,
    UpdateMeetingTask,
    /// Census rounds (issue 20): a round opened, a return (or a unit's trend) read, signed
    /// off, accepted or sent back.
    OpenCensusRound,
    ViewCensusReturn,
    SignOffCensusReturn,
    ReviewCensusReturn,
}

impl Action {
    pub const ALL: [Action; 57] = [
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
        Action::NewAuditKey,
        Action::ViewVisits,
        Action::RecordVisit,
        Action::CorrectVisit,
        Action::ReviewVisit,
        Action::ViewDueVisits,
        Action::ViewSupervision,
        Action::ViewCaseStatus,
        Action::RecordEntrustedCare,
        Action::RecordParentsContact,
        Action::RecomputeChild,
        Action::KeepPast16,
        // Dropout control (issue 18).
        Action::ViewDropoutCase,
        Action::ViewDropoutList,
        Action::ViewTasks,
        Action::ChangeDropoutCase,
        Action::MatchRoster,
        // Printable documents (issue 22).
        Action::IssueDocument,
        // Notifications (issue 19).
        Action::SetNotifyChannel,
        // Oversight (issue 20).
        Action::ViewAccountability,
        Action::RecordMeasure,
        Action::RecordCommendation,
        Action::RecordMeeting,
        Action::UpdateMeetingTask,
        // Census rounds (issue 20).
        Action::OpenCensusRound,
        Action::ViewCensusReturn,
        Action::SignOffCensusReturn,
        Action::ReviewCensusReturn,
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
            Action::NewAuditKey => "new_audit_key",
            Action::ViewVisits => "view_visits",
            Action::RecordVisit => "record_visit",
            Action::CorrectVisit => "correct_visit",
            Action::ReviewVisit => "review_visit",
            Action::ViewDueVisits => "view_due_visits",
            Action::ViewSupervision => "view_supervision",
            Action::ViewCaseStatus => "view_case_status",
            Action::RecordEntrustedCare => "record_entrusted_care",
            Action::RecordParentsContact => "record_parents_contact",
            Action::RecomputeChild => "recompute_child",
            Action::KeepPast16 => "keep_past_16",
            // Dropout control (issue 18).
            Action::ViewDropoutCase => "view_dropout_case",
            Action::ViewDropoutList => "view_dropout_list",
            Action::ViewTasks => "view_tasks",
            Action::ChangeDropoutCase => "change_dropout_case",
            Action::MatchRoster => "match_roster",
            Action::IssueDocument => "issue_document",
            Action::SetNotifyChannel => "set_notify_channel",
            Action::ViewAccountability => "view_accountability",
            Action::RecordMeasure => "record_measure",
            Action::RecordCommendation => "record_commendation",
            Action::RecordMeeting => "record_meeting",
            Action::UpdateMeetingTask => "update_meeting_task",
            Action::OpenCensusRound => "open_census_round",
            Action::ViewCensusReturn => "view_census_return",
            Action::SignOffCensusReturn => "sign_off_census_return",
            Action::ReviewCensusReturn => "review_census_return",
        }
    }
}

/// Writes one audit row inside the caller's transaction, so the change and its record are
/// committed together; the row takes the next place in the chain, keyed with `key`.
pub fn record(
    c: &mut Conn<'_, '_>,
    key: &AuditKey,
    at: DateTime<Utc>,
    actor: &Actor,
    action: Action,
    child: Option<(i64, &str)>,
    detail: &str,
) -> Result<(), StoreError> {
    audit_chain::append_all(c, key, &[entry(at, actor, action, child, detail).into()])
}

/// An entry's fields as `record` writes them (its `seq` is the chain's to give).
pub(crate) fn entry<'a>(
    at: DateTime<Utc>,
    actor: &'a Actor,
    action: Action,
    child: Option<(i64, &'a str)>,
    detail: &'a str,
) -> Entry<'a> {
    Entry {
        seq: 0,
        at: audit_chain::stored_time(at),
        user_id: actor.user_id,
        user_name: &actor.user_name,
        action: action.code(),
        child_id: child.map(|(id, _)| id),
        district_code: child.map(|(_, d)| d),
        detail,
    }
}

/// The administrator's filters of the audit log; all of them apply.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct AuditFilter {
    /// A user's username, or their name or part of it.
    pub user: Option<String>,
    pub child_id: Option<i64>,
    /// An [`Action`] code.
    pub action: Option<String>,
    /// From this instant (the start of a day in China) …
    pub from: Option<DateTime<Utc>>,
    /// … to before this one.
    pub until: Option<DateTime<Utc>>,
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

    /// The entries `filter` selects, newest first: the administrator's only (decision 6 keeps
    /// the administrator from children's files, and the log is theirs to read). Each filter
    /// has an index that also gives the order (migration 0009), so a page of a log of
    /// millions of entries reads about a page of rows.
    pub fn audit_entries(
        &self,
        p: &Principal,
        filter: &AuditFilter,
        limit: i64,
        offset: i64,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        if !p.role.is_admin() {
            return Err(StoreError::Forbidden);
        }
        self.pool.read(|c| {
            let mut sql = crate::db::Sql::new(
                "SELECT id, seq, at, user_id, user_name, action, child_id, detail FROM audit_log WHERE TRUE",
            );
            if let Some(u) = &filter.user {
                // The users first (a small table), so that one user's entries are read from
                // their index in order rather than by scanning the log for a list of ids.
                let contains = if c.is_sqlite() { "instr(display_name, $1)" } else { "strpos(display_name, $1)" };
                let ids = c.query(
                    &format!("SELECT id FROM users WHERE username = $1 OR {contains} > 0 ORDER BY id"),
                    &[u.as_str().into()],
                    |r| r.i64(0),
                )?;
                match ids.as_slice() {
                    [] => return Ok(Vec::new()),
                    [id] => {
                        sql.push(" AND user_id = ").bind(*id);
                    }
                    many => {
                        sql.push(" AND user_id IN (");
                        for (i, id) in many.iter().enumerate() {
                            sql.push(if i == 0 { "" } else { ", " }).bind(*id);
                        }
                        sql.push(")");
                    }
                }
            }
            if let Some(id) = filter.child_id {
                sql.push(" AND child_id = ").bind(id);
            }
            if let Some(a) = &filter.action {
                sql.push(" AND action = ").bind(a.as_str());
            }
            if let Some(t) = filter.from {
                sql.push(" AND at >= ").bind(t);
            }
            if let Some(t) = filter.until {
                sql.push(" AND at < ").bind(t);
            }
            sql.push(" ORDER BY at DESC, id DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
            c.query(&sql.text, &sql.params, |r| {
                Ok(AuditEntry {
                    id: r.i64(0)?,
                    seq: r.opt_i64(1)?,
                    at: r.ts(2)?,
                    user_id: r.opt_i64(3)?,
                    user_name: r.text(4)?,
                    action: r.text(5)?,
                    child_id: r.opt_i64(6)?,
                    detail: r.text(7)?,
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
