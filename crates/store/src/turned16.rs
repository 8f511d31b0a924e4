//! Files whose child reached 16, awaiting the township's decision: close ("年满十六周岁") or
//! keep with a reason (issue 17; decision 123).
//!
//! The list is a query, not a table the recompute fills: an open file with a birth date
//! 16 or more years ago under `age.rule` ([`time_rules::latest_birth_16`]) and no decision
//! to keep it. Nothing can go stale or be missed (a day the recompute did not run, a birth
//! date corrected, a file reopened), and the scope is the ledger's, in the query. Only the
//! decisions to keep are stored (`turned16_kept`), with the reason; closing uses the file's
//! own close path.

use crate::Store;
use crate::audit::{self, Action};
use crate::children::push_scope;
use crate::db::{Row, Sql};
use crate::error::StoreError;
use crate::users::Principal;
use chrono::NaiveDate;
use serde::Serialize;
use shouhu_domain::child::{ChildRecord, FileStatus};
use shouhu_domain::recompute as time_rules;
use shouhu_domain::{age, msg};

/// A file awaiting the decision.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Turned16Row {
    pub id: i64,
    /// The file's version, for the close or keep request.
    pub version: i64,
    pub name: String,
    pub village_code: String,
    pub village_name: String,
    pub birth_date: NaiveDate,
    /// The day the child reached 16 under `age.rule`.
    pub turned_16_on: NaiveDate,
    pub age: u32,
}

/// The files awaiting the decision, those who reached 16 first first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Turned16List {
    pub rows: Vec<Turned16Row>,
    /// More files await than `rows` holds.
    pub more: bool,
}

impl Store {
    /// The open files of the caller's scope whose child is 16 or over and that nobody decided
    /// to keep, at most `limit` (1-200). For the roles that close files.
    pub fn turned16_pending(&self, p: &Principal, limit: u32) -> Result<Turned16List, StoreError> {
        if !p.role.may_close_files() {
            return Err(StoreError::Forbidden);
        }
        let today = self.today();
        let rule = self.settings.age_rule;
        let shown = limit.clamp(1, 200) as usize;
        let mut sql = Sql::new(
            "SELECT c.id, c.version, c.name, c.village_code, c.birth_date FROM children c \
             WHERE c.closed = FALSE AND c.birth_date <= ",
        );
        sql.bind(time_rules::latest_birth_16(today, rule));
        push_scope(&mut sql, &p.scope());
        sql.push(" AND NOT EXISTS (SELECT 1 FROM turned16_kept k WHERE k.child_id = c.id)");
        sql.push(" ORDER BY c.birth_date, c.id LIMIT ").bind(shown as i64 + 1);
        let mut rows = self.pool.read(|c| {
            c.query(&sql.text, &sql.params, |r: &dyn Row| {
                let birth = r.opt_date(4)?.unwrap_or_default();
                let village = r.text(3)?;
                Ok(Turned16Row {
                    id: r.i64(0)?,
                    version: r.i64(1)?,
                    name: r.text(2)?,
                    village_name: self.regions.name(&village).to_string(),
                    village_code: village,
                    birth_date: birth,
                    turned_16_on: time_rules::turns_16_on(birth, rule),
                    age: age::full_years(birth, today, rule).unwrap_or(0),
                })
            })
        })?;
        let more = rows.len() > shown;
        rows.truncate(shown);
        self.audit(p, Action::ViewLedger, None, msg::TURNED_16_TITLE)?;
        Ok(Turned16List { rows, more })
    }

    /// Keeps a file whose child reached 16 open, with the reason: recorded in the file's
    /// history and in the audit log; the file no longer awaits the decision. `expected_version`
    /// as for any change of the file.
    pub fn keep_past_16(
        &self,
        p: &Principal,
        id: i64,
        expected_version: i64,
        reason: &str,
        source: &str,
    ) -> Result<ChildRecord, StoreError> {
        let reason = time_rules::keep_reason(reason).map_err(StoreError::Invalid)?;
        let actor = p.actor();
        let now = self.now();
        let today = self.today();
        let rule = self.settings.age_rule;
        let res = self.pool.write(|c| {
            let current = self.load(c, &actor.scope, id)?;
            if !actor.role.may_close_files() {
                return Err(StoreError::Forbidden);
            }
            if current.version != expected_version {
                return Err(StoreError::Stale { current: current.version });
            }
            let kept = c
                .query_opt("SELECT child_id FROM turned16_kept WHERE child_id = $1", &[id.into()], |r| r.i64(0))?
                .is_some();
            let age = current.file.birth_date.and_then(|b| age::full_years(b, today, rule));
            let open = matches!(current.status, FileStatus::Open);
            if !time_rules::awaits_turned_16_decision(age, open, kept) {
                return Err(StoreError::State(msg::TURNED_16_NOT_DUE));
            }
            let district = current.district_code.clone();
            c.exec(
                "INSERT INTO turned16_kept (child_id, district_code, kept_at, user_id, user_name, reason) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    id.into(),
                    district.as_str().into(),
                    now.into(),
                    actor.user_id.into(),
                    actor.user_name.as_str().into(),
                    reason.as_str().into(),
                ],
            )?;
            let mut sql = Sql::new("UPDATE children SET version = version + 1, updated_at = ");
            sql.bind(now).push(" WHERE id = ").bind(id).push(" AND version = ").bind(expected_version);
            crate::children::push_scope_on(&mut sql, &actor.scope, "");
            if c.exec(&sql.text, &sql.params)? == 0 {
                return Err(StoreError::Stale { current: self.load(c, &actor.scope, id)?.version });
            }
            self.write_history(
                c,
                now,
                &actor,
                source,
                id,
                &district,
                expected_version + 1,
                &[("turned_16".into(), None, Some(format!("{}：{reason}", msg::TURNED_16_KEPT)))],
            )?;
            audit::record(c, &self.audit_key, now, &actor, Action::KeepPast16, Some((id, &district)), &reason)?;
            self.load(c, &actor.scope, id)
        });
        match res {
            // Another writer took this version (history's key) or kept it first.
            Err(StoreError::UniqueViolation) => Err(StoreError::Stale { current: expected_version + 1 }),
            other => other.map(|rec| Self::for_reader(rec, p.role)),
        }
    }
}
