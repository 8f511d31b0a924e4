//! Visits (走访, issue 17): the village child director's record of each visit, kept as
//! written (a correction is a new version), the township supervisor's review, the table of
//! when each open file's next visit is due, and what the director and the supervisor see of
//! the reports and cases about a child. Every read scopes the query through the child's file,
//! so a visit of a child outside the caller's scope is as absent as a missing one.

use crate::audit::{self, Action};
use crate::children::push_scope_on;
use crate::crypto::Ring;
use crate::db::{Conn, Row, Sql};
use crate::error::StoreError;
use crate::users::Principal;
use crate::{Actor, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sha2::Digest;
use shouhu_domain::assessment::{AssessmentState, AssistanceKind, ReferralState, RiskLevel};
use shouhu_domain::child::{FileStatus, Warning};
use shouhu_domain::codes::Category;
use shouhu_domain::msg;
use shouhu_domain::region;
use shouhu_domain::report::Step;
use shouhu_domain::role::{Role, Scope};
use shouhu_domain::visit::{
    self as rules, CarerState, ContactChannel, DueReason, LivesWith, ReviewState, VisitContext, VisitHealth,
    VisitInput, VisitKind, VisitMood, VisitSafety, VisitSchooling, VisitSituation,
};

/// The sealed field of a visit's free text (`visits.detail`) and of a send-back reason.
pub const DETAIL_FIELD: &str = "visits.detail";
pub const REVIEW_REASON_FIELD: &str = "visits.review_reason";

/// Longest idempotency key, as for reports.
const IDEM_KEY_MAX: usize = 100;

/// The supervisor's review of a visit.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Review {
    pub state: ReviewState,
    pub by: Option<String>,
    pub at: Option<DateTime<Utc>>,
    /// Why it was sent back.
    pub reason: Option<String>,
}

/// One version of a visit, with the child's name.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VisitRecord {
    pub id: i64,
    pub version: i64,
    /// The version in force (older ones are the visit's history).
    pub latest: bool,
    pub child_id: i64,
    pub child_name: String,
    pub village_code: String,
    pub village_name: String,
    pub visit: VisitInput,
    /// Who wrote this version, and when.
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
    pub review: Review,
    /// True when this was a repeat of a visit already received (the same `Idempotency-Key`).
    pub repeated: bool,
}

/// A child on the director's list: due or overdue for a visit, and why.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DueLine {
    pub child_id: i64,
    pub child_name: String,
    pub village_code: String,
    pub village_name: String,
    pub age: Option<u32>,
    pub warnings: Vec<Warning>,
    pub due_on: NaiveDate,
    pub why: DueReason,
    pub overdue: bool,
    pub last_visit_on: Option<NaiveDate>,
}

/// A village's coverage: open files, and how many were visited within their cadence.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct VillageCoverage {
    pub village_code: String,
    pub village_name: String,
    pub children: i64,
    pub covered: i64,
    pub overdue: i64,
    /// `covered` / `children`, 0 to 1.
    pub share: f64,
}

/// A village child director whose village has overdue visits.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DirectorOverdue {
    pub user_id: i64,
    pub display_name: String,
    pub village_code: String,
    pub village_name: String,
    pub overdue: i64,
    /// The longest wait: the earliest due date passed.
    pub oldest_due_on: NaiveDate,
}

/// The supervisor's page: coverage per village and directors with overdue visits.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Supervision {
    pub coverage: Vec<VillageCoverage>,
    pub overdue_directors: Vec<DirectorOverdue>,
}

/// A report about the child, as a director or supervisor may see it: its receipt, when it
/// was made and how far the police have got; never the reporter nor what was reported.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportStatusLine {
    pub receipt: String,
    pub reported_at: DateTime<Utc>,
    pub step: Step,
    pub step_at: DateTime<Utc>,
}

/// A case (assessment) about the child: whether assessed and how serious; not its content.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseStatusLine {
    pub opened_at: DateTime<Utc>,
    pub state: AssessmentState,
    pub risk_level: Option<RiskLevel>,
}

/// A referral about the child sent to the caller's own organisation: the follow-up asked
/// of them.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct FollowUp {
    pub kind: AssistanceKind,
    pub state: ReferralState,
    pub sent_at: DateTime<Utc>,
    pub note: Option<String>,
}

/// What [`rules::may_see_case_status`] lets a director or supervisor see about a child.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct CaseStatus {
    pub reports: Vec<ReportStatusLine>,
    pub cases: Vec<CaseStatusLine>,
    pub asked_of_you: Vec<FollowUp>,
}

/// The child a visit is written for, as the caller's scope found it.
struct VisitChild {
    id: i64,
    district: String,
    village: String,
}

/// The sealed part of a visit: the free text that names or describes people.
#[derive(Debug, Default, Serialize, Deserialize)]
struct Detail {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    lives_with_note: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    notes: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    guidance: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    no_report_reason: Option<String>,
}

const VISIT_COLUMNS: &str = "v.id, v.version, v.latest, v.child_id, c.name, v.village_code, v.visited_on, v.kind, \
     v.child_seen, v.lives_with, v.carer_state, v.safety, v.health, v.schooling, v.mood, v.parents_last_contact_on, \
     v.parents_contact_channel, v.next_due_on, v.report_receipt, v.detail, v.user_name, v.saved_at, v.review_state, \
     v.reviewed_by, v.reviewed_at, v.review_reason";

fn bad(what: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} in visits"))
}

fn code<T>(r: &dyn Row, i: usize, parse: fn(&str) -> Option<T>, what: &str) -> Result<T, StoreError> {
    parse(&r.text(i)?).ok_or_else(|| bad(what))
}

/// A new visit id: random below 2^53, like a child's.
fn new_visit_id() -> i64 {
    crate::children::new_child_id()
}

/// What makes two submissions "the same body" for an idempotency key.
fn visit_hash(child_id: i64, v: &VisitInput) -> String {
    let text = serde_json::to_string(&(child_id, v)).unwrap_or_default();
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

impl Store {
    fn visit_from_row(&self, r: &dyn Row) -> Result<VisitRecord, StoreError> {
        let detail: Detail = serde_json::from_str(&self.cipher.open_text(DETAIL_FIELD, r.text(19)?)?)?;
        let village_code = r.text(5)?;
        Ok(VisitRecord {
            id: r.i64(0)?,
            version: r.i64(1)?,
            latest: r.bool(2)?,
            child_id: r.i64(3)?,
            child_name: r.text(4)?,
            village_name: self.regions.name(&village_code).to_string(),
            village_code,
            visit: VisitInput {
                visited_on: r.opt_date(6)?.ok_or_else(|| bad("visited_on"))?,
                kind: code(r, 7, VisitKind::parse, "kind")?,
                child_seen: r.bool(8)?,
                lives_with: code(r, 9, LivesWith::parse, "lives_with")?,
                lives_with_note: detail.lives_with_note,
                carer_state: code(r, 10, CarerState::parse, "carer_state")?,
                safety: code(r, 11, VisitSafety::parse, "safety")?,
                health: code(r, 12, VisitHealth::parse, "health")?,
                schooling: code(r, 13, VisitSchooling::parse, "schooling")?,
                mood: code(r, 14, VisitMood::parse, "mood")?,
                notes: detail.notes,
                guidance: detail.guidance,
                parents_last_contact_on: r.opt_date(15)?,
                parents_contact_channel: r.opt_text(16)?.and_then(|s| ContactChannel::parse(&s)),
                next_due_on: r.opt_date(17)?,
                report_receipt: r.opt_text(18)?,
                no_report_reason: detail.no_report_reason,
            },
            recorded_by: r.text(20)?,
            recorded_at: r.ts(21)?,
            review: Review {
                state: code(r, 22, ReviewState::parse, "review_state")?,
                by: r.opt_text(23)?,
                at: r.opt_ts(24)?,
                reason: self.cipher.open_opt_text(REVIEW_REASON_FIELD, r.opt_text(25)?)?,
            },
            repeated: false,
        })
    }

    /// The checks a visit of this child must pass, from the file as the caller sees it.
    fn checked_visit(
        &self,
        c: &mut Conn<'_, '_>,
        actor: &Actor,
        child_id: i64,
        v: VisitInput,
    ) -> Result<(VisitInput, VisitChild), StoreError> {
        let child = self.load(c, &actor.scope, child_id)?;
        if !rules::may_record_visit(actor.role) {
            return Err(StoreError::Forbidden);
        }
        let ctx = VisitContext {
            today: self.today(),
            birth_date: child.file.birth_date,
            file_closed: matches!(child.status, FileStatus::Closed { .. }),
            age_rule: self.settings.age_rule,
        };
        let v = rules::check_visit(v, &ctx).map_err(StoreError::Invalid)?;
        let row = VisitChild {
            id: child.id,
            district: child.district_code.clone(),
            village: child.file.village_code.clone(),
        };
        Ok((v, row))
    }

    /// Whether the report with this receipt exists and is about this child (read from the
    /// reports' database before the visit's transaction).
    fn receipt_is_about(&self, receipt: &str, child_id: i64) -> Result<bool, StoreError> {
        let found = self.reports.read(|c| {
            c.query_opt("SELECT child_id FROM reports WHERE receipt = $1", &[receipt.into()], |r| r.opt_i64(0))
        })?;
        Ok(found.flatten() == Some(child_id))
    }

    fn check_receipt(&self, v: &VisitInput, child_id: i64) -> Result<(), StoreError> {
        match v.report_receipt.as_deref() {
            Some(r) if !self.receipt_is_about(r, child_id)? => {
                Err(StoreError::invalid("report_receipt", msg::VISIT_RECEIPT_UNKNOWN))
            }
            _ => Ok(()),
        }
    }

    /// Writes one version of a visit.
    #[allow(clippy::too_many_arguments)]
    fn insert_visit_row(
        &self,
        c: &mut Conn<'_, '_>,
        ring: &Ring,
        id: i64,
        version: i64,
        child: &VisitChild,
        v: &VisitInput,
        actor: &Actor,
        now: DateTime<Utc>,
        idem: Option<(&str, &str)>,
    ) -> Result<(), StoreError> {
        let detail = Detail {
            lives_with_note: v.lives_with_note.clone(),
            notes: v.notes.clone(),
            guidance: v.guidance.clone(),
            no_report_reason: v.no_report_reason.clone(),
        };
        let sealed = ring.seal_text(DETAIL_FIELD, &serde_json::to_string(&detail)?);
        c.exec(
            "INSERT INTO visits (id, version, latest, child_id, district_code, village_code, visited_on, kind, child_seen, \
             lives_with, carer_state, safety, health, schooling, mood, parents_last_contact_on, parents_contact_channel, \
             next_due_on, report_receipt, detail, user_id, user_name, saved_at, review_state, idem_key, idem_hash) \
             VALUES ($1, $2, TRUE, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, \
             $22, 'submitted', $23, $24)",
            &[
                id.into(),
                version.into(),
                child.id.into(),
                child.district.as_str().into(),
                child.village.as_str().into(),
                v.visited_on.into(),
                v.kind.code().into(),
                v.child_seen.into(),
                v.lives_with.code().into(),
                v.carer_state.code().into(),
                v.safety.code().into(),
                v.health.code().into(),
                v.schooling.code().into(),
                v.mood.code().into(),
                v.parents_last_contact_on.into(),
                v.parents_contact_channel.map(|x| x.code()).into(),
                v.next_due_on.into(),
                v.report_receipt.as_deref().into(),
                sealed.into(),
                actor.user_id.into(),
                actor.user_name.as_str().into(),
                now.into(),
                idem.map(|(k, _)| k).into(),
                idem.map(|(_, h)| h).into(),
            ],
        )?;
        Ok(())
    }

    fn load_visit(&self, c: &mut Conn<'_, '_>, scope: &Scope, id: i64) -> Result<VisitRecord, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {VISIT_COLUMNS} FROM visits v JOIN children c ON c.id = v.child_id WHERE v.id = "
        ));
        sql.bind(id).push(" AND v.latest");
        push_scope(&mut sql, scope);
        c.query_opt(&sql.text, &sql.params, |r| self.visit_from_row(r))?.ok_or(StoreError::NotFound)
    }

    /// Records a visit of a child in the caller's scope. With an idempotency key, a repeat of
    /// a visit already received (same key, same content) answers with that visit
    /// (`repeated`), and writes nothing; the same key with other content is refused.
    pub fn record_visit(
        &self,
        p: &Principal,
        child_id: i64,
        v: VisitInput,
        idem_key: Option<&str>,
    ) -> Result<VisitRecord, StoreError> {
        let actor = p.actor();
        let idem_key = match idem_key.map(str::trim).filter(|k| !k.is_empty()) {
            None => None,
            Some(k)
                if k.len() > IDEM_KEY_MAX || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                return Err(StoreError::invalid("idempotency_key", msg::BAD_REQUEST));
            }
            Some(k) => Some(format!("u{}:{k}", p.user_id)),
        };
        let hash = visit_hash(child_id, &v);
        if let Some(key) = &idem_key
            && let Some(found) = self.repeated_visit(&actor, key, &hash)?
        {
            return Ok(found);
        }
        // A receipt is looked up in the reports' database, outside the visit's transaction,
        // and only after the visit's own checks (scope first: nothing is said of a receipt
        // for a child out of scope). Without one, the transaction's checks are the only ones.
        let v = match v.report_receipt {
            Some(_) => {
                let (v, _) = self.pool.read(|c| self.checked_visit(c, &actor, child_id, v))?;
                self.check_receipt(&v, child_id)?;
                v
            }
            None => v,
        };
        let now = self.now();
        let ring = self.cipher.ring();
        let res = self.pool.write(|c| {
            let (v, child) = self.checked_visit(c, &actor, child_id, v.clone())?;
            let id = new_visit_id();
            let idem = idem_key.as_deref().map(|k| (k, hash.as_str()));
            self.insert_visit_row(c, &ring, id, 1, &child, &v, &actor, now, idem)?;
            crate::notify::announce(c, &crate::notify::visit_submitted(id, 1, &child.village), now)?;
            self.log_told_contact(c, p, child_id, &v, id)?;
            self.refresh_visit_due(c, child_id, self.today())?;
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::RecordVisit,
                Some((child_id, &child.district)),
                &format!("visit {id}"),
            )?;
            self.load_visit(c, &actor.scope, id)
        });
        if res.is_ok() {
            self.wake_notifier();
        }
        match (res, &idem_key) {
            // Another request with the same key won the race: answer as its repeat.
            (Err(StoreError::UniqueViolation), Some(key)) => {
                self.repeated_visit(&actor, key, &hash)?.ok_or(StoreError::UniqueViolation)
            }
            (other, _) => other,
        }
    }

    /// The parents' last contact as the family told it at a visit goes into the contact log
    /// (decision 113), in the visit's transaction, so that the file's lapse flag follows it.
    /// A correction that repeats a contact already logged from this visit adds nothing.
    fn log_told_contact(
        &self,
        c: &mut Conn<'_, '_>,
        p: &Principal,
        child_id: i64,
        v: &VisitInput,
        visit_id: i64,
    ) -> Result<(), StoreError> {
        let (Some(on), Some(channel)) = (v.parents_last_contact_on, v.parents_contact_channel) else {
            return Ok(());
        };
        let source = format!("visit:{visit_id}");
        let logged = c.query_opt(
            "SELECT count(*) FROM parents_contacts WHERE child_id = $1 AND source = $2 AND contact_on = $3 AND channel = $4",
            &[child_id.into(), source.as_str().into(), on.into(), channel.code().into()],
            |r| r.i64(0),
        )?;
        if logged.unwrap_or(0) == 0 {
            self.append_contact(c, p, child_id, on, channel, shouhu_domain::entrusted::ContactWho::Unstated, &source)?;
        }
        Ok(())
    }

    /// The visit an idempotency key already wrote, if any (refused when its content differs).
    fn repeated_visit(&self, actor: &Actor, key: &str, hash: &str) -> Result<Option<VisitRecord>, StoreError> {
        let earlier = self.pool.read(|c| {
            c.query_opt("SELECT id, idem_hash FROM visits WHERE idem_key = $1", &[key.into()], |r| {
                Ok((r.i64(0)?, r.opt_text(1)?))
            })
        })?;
        let Some((id, h)) = earlier else { return Ok(None) };
        if h.as_deref() != Some(hash) {
            return Err(StoreError::invalid("idempotency_key", msg::VISIT_REPEATED_KEY));
        }
        let mut rec = self.pool.read(|c| self.load_visit(c, &actor.scope, id))?;
        rec.repeated = true;
        Ok(Some(rec))
    }

    /// Corrects a visit: a new version written from `expected_version`, the old kept as the
    /// visit's history. The correction goes back to the supervisor for review.
    pub fn correct_visit(
        &self,
        p: &Principal,
        visit_id: i64,
        expected_version: i64,
        v: VisitInput,
    ) -> Result<VisitRecord, StoreError> {
        let actor = p.actor();
        let current = self.pool.read(|c| self.load_visit(c, &actor.scope, visit_id))?;
        let child_id = current.child_id;
        let (v, _) = self.pool.read(|c| self.checked_visit(c, &actor, child_id, v))?;
        self.check_receipt(&v, child_id)?;
        let now = self.now();
        let ring = self.cipher.ring();
        let res = self.pool.write(|c| {
            let current = self.load_visit(c, &actor.scope, visit_id)?;
            if current.version != expected_version {
                return Err(StoreError::Stale { current: current.version });
            }
            let (v, child) = self.checked_visit(c, &actor, child_id, v.clone())?;
            let n = c.exec(
                "UPDATE visits SET latest = FALSE WHERE id = $1 AND version = $2 AND latest",
                &[visit_id.into(), expected_version.into()],
            )?;
            if n == 0 {
                return Err(StoreError::Stale { current: expected_version + 1 });
            }
            self.insert_visit_row(c, &ring, visit_id, expected_version + 1, &child, &v, &actor, now, None)?;
            let notice = crate::notify::visit_submitted(visit_id, expected_version + 1, &child.village);
            crate::notify::announce(c, &notice, now)?;
            self.log_told_contact(c, p, child_id, &v, visit_id)?;
            self.refresh_visit_due(c, child_id, self.today())?;
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::CorrectVisit,
                Some((child_id, &child.district)),
                &format!("visit {visit_id} v{}", expected_version + 1),
            )?;
            self.load_visit(c, &actor.scope, visit_id)
        });
        if res.is_ok() {
            self.wake_notifier();
        }
        match res {
            Err(StoreError::UniqueViolation) => Err(StoreError::Stale { current: expected_version + 1 }),
            other => other,
        }
    }

    /// The visits of a child (the version in force of each), newest first; the view is
    /// audited. A child outside the caller's scope: `NotFound`.
    pub fn child_visits(&self, p: &Principal, child_id: i64) -> Result<Vec<VisitRecord>, StoreError> {
        let actor = p.actor();
        if !rules::may_read_visits(p.role) {
            return Err(StoreError::Forbidden);
        }
        let (district, rows) = self.pool.read(|c| {
            let child = self.load(c, &actor.scope, child_id)?;
            let mut sql = Sql::new(&format!(
                "SELECT {VISIT_COLUMNS} FROM visits v JOIN children c ON c.id = v.child_id WHERE v.child_id = "
            ));
            sql.bind(child_id).push(" AND v.latest");
            push_scope(&mut sql, &actor.scope);
            sql.push(" ORDER BY v.visited_on DESC, v.saved_at DESC LIMIT 500");
            Ok((child.district_code, c.query(&sql.text, &sql.params, |r| self.visit_from_row(r))?))
        })?;
        self.audit_as(&actor, Action::ViewVisits, Some((child_id, &district)), "")?;
        Ok(rows)
    }

    /// Every version of one visit, newest first (its history); audited.
    pub fn visit_versions(&self, p: &Principal, visit_id: i64) -> Result<Vec<VisitRecord>, StoreError> {
        let actor = p.actor();
        if !rules::may_read_visits(p.role) {
            return Err(StoreError::Forbidden);
        }
        let rows = self.pool.read(|c| {
            let mut sql = Sql::new(&format!(
                "SELECT {VISIT_COLUMNS} FROM visits v JOIN children c ON c.id = v.child_id WHERE v.id = "
            ));
            sql.bind(visit_id);
            push_scope(&mut sql, &actor.scope);
            sql.push(" ORDER BY v.version DESC");
            c.query(&sql.text, &sql.params, |r| self.visit_from_row(r))
        })?;
        let first = rows.first().ok_or(StoreError::NotFound)?;
        let district = region::district_of(&first.village_code).to_string();
        self.audit_as(
            &actor,
            Action::ViewVisits,
            Some((first.child_id, &district)),
            &format!("visit {visit_id} history"),
        )?;
        Ok(rows)
    }

    /// The supervisor accepts a visit, or sends it back with a reason.
    pub fn review_visit(
        &self,
        p: &Principal,
        visit_id: i64,
        expected_version: i64,
        accept: bool,
        reason: Option<String>,
    ) -> Result<VisitRecord, StoreError> {
        let actor = p.actor();
        let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        if !accept {
            match &reason {
                None => return Err(StoreError::invalid("reason", msg::VISIT_SEND_BACK_REASON)),
                Some(r) if r.chars().count() > rules::VISIT_TEXT => {
                    return Err(StoreError::invalid("reason", msg::too_long(rules::VISIT_TEXT)));
                }
                _ => {}
            }
        }
        let now = self.now();
        let ring = self.cipher.ring();
        let reviewed = self.pool.write(|c| {
            let current = self.load_visit(c, &actor.scope, visit_id)?;
            if !rules::may_review_visits(actor.role) {
                return Err(StoreError::Forbidden);
            }
            if current.version != expected_version {
                return Err(StoreError::Stale { current: current.version });
            }
            if current.review.state != ReviewState::Submitted {
                return Err(StoreError::State(msg::VISIT_ALREADY_REVIEWED));
            }
            let state = if accept { ReviewState::Accepted } else { ReviewState::SentBack };
            let sealed = if accept { None } else { reason.as_deref().map(|r| ring.seal_text(REVIEW_REASON_FIELD, r)) };
            let changed = c.exec(
                "UPDATE visits SET review_state = $1, reviewed_by = $2, reviewed_at = $3, review_reason = $4 \
                 WHERE id = $5 AND version = $6 AND latest AND review_state = 'submitted'",
                &[
                    state.code().into(),
                    actor.user_name.as_str().into(),
                    now.into(),
                    sealed.into(),
                    visit_id.into(),
                    expected_version.into(),
                ],
            )?;
            if changed == 0 {
                // Another review or a correction came first (PostgreSQL re-reads the row).
                return Err(StoreError::State(msg::VISIT_ALREADY_REVIEWED));
            }
            if !accept {
                let author = c.query_opt(
                    "SELECT user_id FROM visits WHERE id = $1 AND version = $2",
                    &[visit_id.into(), expected_version.into()],
                    |r| r.opt_i64(0),
                )?;
                if let Some(author) = author.flatten() {
                    let notice = crate::notify::visit_sent_back(visit_id, expected_version, author);
                    crate::notify::announce(c, &notice, now)?;
                }
            }
            let district = region::district_of(&current.village_code).to_string();
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::ReviewVisit,
                Some((current.child_id, &district)),
                &format!("visit {visit_id}: {}", state.code()),
            )?;
            self.load_visit(c, &actor.scope, visit_id)
        });
        if reviewed.is_ok() {
            self.wake_notifier();
        }
        reviewed
    }

    /// The visits waiting for the supervisor's review in their scope, oldest first.
    pub fn visits_to_review(&self, p: &Principal) -> Result<Vec<VisitRecord>, StoreError> {
        if !rules::may_review_visits(p.role) {
            return Err(StoreError::Forbidden);
        }
        let scope = p.scope();
        let rows = self.pool.read(|c| {
            let mut sql = Sql::new(&format!(
                "SELECT {VISIT_COLUMNS} FROM visits v JOIN children c ON c.id = v.child_id \
                 WHERE v.review_state = 'submitted' AND v.latest"
            ));
            push_region_on(&mut sql, &scope, "v.");
            push_scope(&mut sql, &scope);
            sql.push(" ORDER BY v.saved_at, v.id LIMIT 200");
            c.query(&sql.text, &sql.params, |r| self.visit_from_row(r))
        })?;
        self.audit(p, Action::ViewSupervision, None, &format!("{} visits to review", rows.len()))?;
        Ok(rows)
    }

    /// The director's list (今日走访): children of the caller's scope whose visit is overdue
    /// or due within `visits.due_soon_days`, nearest due first, with why.
    pub fn due_visits(&self, p: &Principal) -> Result<Vec<DueLine>, StoreError> {
        if !rules::may_read_visits(p.role) {
            return Err(StoreError::Forbidden);
        }
        let scope = p.scope();
        let today = self.today();
        let until = today + chrono::Duration::days(self.settings.visits.due_soon_days);
        let rows = self.pool.read(|c| {
            let mut sql = Sql::new(
                "SELECT d.child_id, c.name, d.village_code, c.birth_date, c.warnings, d.due_on, d.why, d.last_visit_on \
                 FROM visit_due d JOIN children c ON c.id = d.child_id WHERE d.due_on <= ",
            );
            sql.bind(until);
            push_region_on(&mut sql, &scope, "d.");
            push_scope(&mut sql, &scope);
            sql.push(" ORDER BY d.due_on, d.child_id LIMIT 500");
            c.query(&sql.text, &sql.params, |r| {
                let village_code = r.text(2)?;
                let due_on = r.opt_date(5)?.ok_or_else(|| bad("due_on"))?;
                Ok(DueLine {
                    child_id: r.i64(0)?,
                    child_name: r.text(1)?,
                    village_name: self.regions.name(&village_code).to_string(),
                    village_code,
                    age: r.opt_date(3)?.and_then(|b| shouhu_domain::age::full_years(b, today, self.settings.age_rule)),
                    warnings: Warning::from_bits(r.i64(4)?),
                    due_on,
                    why: code(r, 6, DueReason::parse, "why")?,
                    overdue: rules::overdue(due_on, today),
                    last_visit_on: r.opt_date(7)?,
                })
            })
        })?;
        self.audit(p, Action::ViewDueVisits, None, &format!("{} due", rows.len()))?;
        Ok(rows)
    }

    /// The supervisor's page: coverage per village of their scope, and the directors of
    /// villages with overdue visits, most overdue first.
    pub fn supervision(&self, p: &Principal) -> Result<Supervision, StoreError> {
        if !rules::may_review_visits(p.role)
            && !matches!(p.role, Role::TownshipStaff | Role::DistrictOfficer | Role::CityOfficer)
        {
            return Err(StoreError::Forbidden);
        }
        let scope = p.scope();
        let today = self.today();
        let (counts, directors) = self.pool.read(|c| {
            // Per village: files, covered (visited and not overdue), overdue, earliest due.
            let mut sql = Sql::new(
                "SELECT d.village_code, count(*), \
                 sum(CASE WHEN d.last_visit_on IS NOT NULL AND d.due_on >= $1 THEN 1 ELSE 0 END), \
                 sum(CASE WHEN d.due_on < $1 THEN 1 ELSE 0 END), min(d.due_on) FROM visit_due d WHERE 1 = 1",
            );
            sql.params.push(today.into());
            push_region_on(&mut sql, &scope, "d.");
            sql.push(" GROUP BY d.village_code ORDER BY d.village_code LIMIT 10000");
            let counts =
                c.query(&sql.text, &sql.params, |r| Ok((r.text(0)?, r.i64(1)?, r.i64(2)?, r.i64(3)?, r.opt_date(4)?)))?;
            let mut dsql = Sql::new(
                "SELECT u.id, u.display_name, o.region_code FROM users u JOIN organisations o ON o.id = u.org_id \
                 WHERE u.role = 'child_director' AND u.active",
            );
            if let Scope::Region(r) = &scope {
                dsql.push(" AND o.region_code >= ").bind(r.as_str());
                dsql.push(" AND o.region_code < ").bind(region::prefix_upper_bound(r));
            } else {
                dsql.push(" AND 1 = 0");
            }
            dsql.push(" ORDER BY o.region_code, u.id LIMIT 10000");
            let directors = c.query(&dsql.text, &dsql.params, |r| Ok((r.i64(0)?, r.text(1)?, r.text(2)?)))?;
            Ok((counts, directors))
        })?;
        let coverage: Vec<VillageCoverage> = counts
            .iter()
            .map(|(v, n, covered, overdue, _)| VillageCoverage {
                village_code: v.clone(),
                village_name: self.regions.name(v).to_string(),
                children: *n,
                covered: *covered,
                overdue: *overdue,
                share: if *n > 0 { *covered as f64 / *n as f64 } else { 0.0 },
            })
            .collect();
        let mut overdue_directors = Vec::new();
        for (user_id, name, village) in directors {
            // A director's region is their village (or a community): its files' overdue visits.
            let overdue: i64 = counts.iter().filter(|c| region::within(&c.0, &village)).map(|c| c.3).sum();
            if overdue == 0 {
                continue;
            }
            let oldest = counts
                .iter()
                .filter(|c| region::within(&c.0, &village) && c.3 > 0)
                .filter_map(|c| c.4)
                .min()
                .unwrap_or(today);
            overdue_directors.push(DirectorOverdue {
                user_id,
                display_name: name,
                village_name: self.regions.name(&village).to_string(),
                village_code: village,
                overdue,
                oldest_due_on: oldest,
            });
        }
        overdue_directors.sort_by(|a, b| b.overdue.cmp(&a.overdue).then(a.oldest_due_on.cmp(&b.oldest_due_on)));
        self.audit(p, Action::ViewSupervision, None, &format!("{} villages", coverage.len()))?;
        Ok(Supervision { coverage, overdue_directors })
    }

    /// What the caller may see of the reports and cases about a child of their scope
    /// ([`rules::may_see_case_status`]): status only, never the reporter nor the content,
    /// and the referrals sent to the caller's own organisation. Audited.
    pub fn case_status(&self, p: &Principal, child_id: i64) -> Result<CaseStatus, StoreError> {
        let child = self.get_child_in(&p.scope(), child_id)?;
        if !rules::may_see_case_status(p.role) {
            return Err(StoreError::Forbidden);
        }
        let org = p.org_id;
        let out = self.reports.read(|c| {
            let reports = c.query(
                "SELECT receipt, reported_at, step, step_at FROM reports WHERE child_id = $1 ORDER BY id DESC LIMIT 50",
                &[child_id.into()],
                |r| {
                    Ok(ReportStatusLine {
                        receipt: r.text(0)?,
                        reported_at: r.ts(1)?,
                        step: code(r, 2, Step::parse, "step")?,
                        step_at: r.ts(3)?,
                    })
                },
            )?;
            let cases = c.query(
                "SELECT opened_at, state, risk_level FROM assessments WHERE child_id = $1 ORDER BY id DESC LIMIT 50",
                &[child_id.into()],
                |r| {
                    Ok(CaseStatusLine {
                        opened_at: r.ts(0)?,
                        state: code(r, 1, AssessmentState::parse, "state")?,
                        risk_level: r.opt_text(2)?.and_then(|s| RiskLevel::parse(&s)),
                    })
                },
            )?;
            let asked_of_you = c.query(
                "SELECT f.kind, f.state, f.sent_at, f.note FROM referrals f JOIN assessments a ON a.id = f.assessment_id \
                 WHERE a.child_id = $1 AND f.receiving_org_id = $2 ORDER BY f.id DESC LIMIT 50",
                &[child_id.into(), org.into()],
                |r| {
                    Ok(FollowUp {
                        kind: code(r, 0, AssistanceKind::parse, "kind")?,
                        state: code(r, 1, ReferralState::parse, "state")?,
                        sent_at: r.ts(2)?,
                        note: r.opt_text(3)?,
                    })
                },
            )?;
            Ok(CaseStatus { reports, cases, asked_of_you })
        })?;
        self.audit(p, Action::ViewCaseStatus, Some((child_id, &child.district_code)), "")?;
        Ok(out)
    }

    /// Whether a case about the child was assessed high risk (shouhu has no closing of a
    /// case yet: an assessment rated high keeps the child on the high-risk cadence until a
    /// later assessment rates it lower). Read in `c` on PostgreSQL, where reports share the
    /// registry's database, and from the reports' own file on SQLite.
    fn high_risk_case(&self, c: &mut Conn<'_, '_>, child_id: i64) -> Result<bool, StoreError> {
        let q = |c: &mut Conn<'_, '_>| {
            c.query_opt(
                "SELECT risk_level FROM assessments WHERE child_id = $1 AND risk_level IS NOT NULL \
                 ORDER BY completed_at DESC, id DESC LIMIT 1",
                &[child_id.into()],
                |r| r.text(0),
            )
        };
        let latest = if c.is_sqlite() { self.reports.read(q)? } else { q(c)? };
        Ok(latest.as_deref() == Some(RiskLevel::High.code()))
    }

    /// Recomputes when a child's next visit is due and why, inside the caller's transaction
    /// on the registry: from the file's stored warnings and category, an open high-risk case,
    /// the last visit and the date its director planned. A closed or missing file has no due
    /// date. Called by every write that changes one (a file created, changed, closed,
    /// reopened; a visit saved or corrected) and by the daily recompute, after it has brought
    /// the file's warnings up to `today` (ages cross thresholds with time). `today` is the day
    /// the recompute runs for; the dropout input waits for issue 18 (false until then).
    pub fn refresh_visit_due(&self, c: &mut Conn<'_, '_>, child_id: i64, _today: NaiveDate) -> Result<(), StoreError> {
        let file = c.query_opt(
            "SELECT village_code, closed, warnings, category, created_at FROM children WHERE id = $1",
            &[child_id.into()],
            |r| Ok((r.text(0)?, r.bool(1)?, r.i64(2)?, r.text(3)?, r.ts(4)?)),
        )?;
        let Some((village, _, warnings, category, created_at)) = file.filter(|(_, closed, ..)| !closed) else {
            c.exec("DELETE FROM visit_due WHERE child_id = $1", &[child_id.into()])?;
            return Ok(());
        };
        let last = c.query_opt(
            "SELECT visited_on, next_due_on FROM visits WHERE child_id = $1 AND latest \
             ORDER BY visited_on DESC, saved_at DESC LIMIT 1",
            &[child_id.into()],
            |r| Ok((r.opt_date(0)?, r.opt_date(1)?)),
        )?;
        let (last_visit, planned) = last.map_or((None, None), |(v, n)| (v, n));
        let situation = VisitSituation::of_file(
            &Warning::from_bits(warnings),
            Category::parse(&category).unwrap_or(Category::NotLeftBehind),
            self.high_risk_case(c, child_id)?,
            open_dropout(c, child_id)?,
        );
        let period = rules::visit_period(&situation, &self.settings.visits);
        let opened = shouhu_domain::clock::china_date(created_at);
        let (due, why) = rules::next_due(last_visit, opened, planned, period);
        upsert_due(c, child_id, &village, due, why, last_visit)
    }

    /// The latest visit of a child (the day, and the parents' last contact with the child as
    /// the visit was told it), inside the caller's transaction: for the entrusted-care
    /// helper's "parents' contact lapsed" flag ([UPL] 23: at least weekly), which compares
    /// the last contact it knows with the latest visit.
    pub fn latest_visit(
        &self,
        c: &mut Conn<'_, '_>,
        child_id: i64,
    ) -> Result<Option<(NaiveDate, Option<NaiveDate>)>, StoreError> {
        let row = c.query_opt(
            "SELECT visited_on, parents_last_contact_on FROM visits WHERE child_id = $1 AND latest \
             ORDER BY visited_on DESC, saved_at DESC LIMIT 1",
            &[child_id.into()],
            |r| Ok((r.opt_date(0)?, r.opt_date(1)?)),
        )?;
        Ok(row.and_then(|(v, p)| v.map(|v| (v, p))))
    }

    /// The due date of a file just created (no visit, no case yet), for bulk paths that know
    /// the file's derived columns.
    pub(crate) fn due_of_new(&self, warnings: i64, category: &str, opened: NaiveDate) -> (NaiveDate, DueReason) {
        let situation = VisitSituation::of_file(
            &Warning::from_bits(warnings),
            Category::parse(category).unwrap_or(Category::NotLeftBehind),
            false,
            false,
        );
        rules::next_due(None, opened, None, rules::visit_period(&situation, &self.settings.visits))
    }

    /// Recomputes the due date of every file, `batch` files a transaction, in id order after
    /// `after`; returns the last id done, or `None` at the end. For the start-up backlog and
    /// the daily recompute.
    pub fn refresh_visit_due_batch(&self, after: i64, batch: i64, today: NaiveDate) -> Result<Option<i64>, StoreError> {
        self.pool.write(|c| {
            let ids = c.query(
                "SELECT id FROM children WHERE id > $1 ORDER BY id LIMIT $2",
                &[after.into(), batch.into()],
                |r| r.i64(0),
            )?;
            for id in &ids {
                self.refresh_visit_due(c, *id, today)?;
            }
            Ok(ids.last().copied())
        })
    }

    /// Gives every file opened before visits existed its due date, once (migration 0012).
    pub(crate) fn visit_due_backlog(&self) -> Result<(), StoreError> {
        let pending = self.pool.read(|c| c.query_opt("SELECT pending FROM visit_due_backlog", &[], |r| r.i64(0)))?;
        if pending.is_none() {
            return Ok(());
        }
        let today = self.today();
        let mut after = i64::MIN;
        while let Some(last) = self.refresh_visit_due_batch(after, 2000, today)? {
            after = last;
        }
        self.pool.write(|c| c.exec("DELETE FROM visit_due_backlog", &[]).map(|_| ()))
    }
}

/// The region of a region scope on a table that carries the village code (`visits`,
/// `visit_due`), so the query can use that table's index; any other scope matches nothing
/// there (visits are read by region roles only).
fn push_region_on(sql: &mut Sql, scope: &Scope, prefix: &str) {
    match scope {
        Scope::Region(_) => push_scope_on(sql, scope, prefix),
        _ => {
            sql.push(" AND 1 = 0");
        }
    }
}

/// A visit's scope through its child's file.
fn push_scope(sql: &mut Sql, scope: &Scope) {
    crate::children::push_scope(sql, scope);
}

pub(crate) fn upsert_due(
    c: &mut Conn<'_, '_>,
    child_id: i64,
    village: &str,
    due: NaiveDate,
    why: DueReason,
    last_visit: Option<NaiveDate>,
) -> Result<(), StoreError> {
    c.exec(
        "INSERT INTO visit_due (child_id, village_code, due_on, why, last_visit_on) VALUES ($1, $2, $3, $4, $5) \
         ON CONFLICT (child_id) DO UPDATE SET village_code = excluded.village_code, due_on = excluded.due_on, \
         why = excluded.why, last_visit_on = excluded.last_visit_on",
        &[child_id.into(), village.into(), due.into(), why.code().into(), last_visit.into()],
    )?;
    Ok(())
}

/// Due rows for many new files at once: (id, village, due date, why).
pub(crate) fn insert_due_rows(
    c: &mut Conn<'_, '_>,
    rows: &[(i64, String, NaiveDate, DueReason)],
) -> Result<(), StoreError> {
    // New files' ids were checked free in this transaction, so a conflict cannot happen; on
    // SQLite, saying that a broken key fails the whole import spares a statement journal.
    let insert = if c.is_sqlite() { "INSERT OR ROLLBACK INTO" } else { "INSERT INTO" };
    for chunk in rows.chunks(1000) {
        let mut sql = Sql::new(&format!("{insert} visit_due (child_id, village_code, due_on, why) VALUES "));
        for (i, (id, village, due, why)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(*id).push(", ").bind(village.as_str()).push(", ").bind(*due).push(", ").bind(why.code()).push(")");
        }
        c.exec(&sql.text, &sql.params)?;
    }
    Ok(())
}

/// Whether the child has an open dropout case (issue 18), in the registry's transaction.
fn open_dropout(c: &mut Conn<'_, '_>, child_id: i64) -> Result<bool, StoreError> {
    let n = c.query_opt(
        "SELECT count(*) FROM dropout_cases WHERE child_id = $1 AND state <> 'closed'",
        &[child_id.into()],
        |r| r.i64(0),
    )?;
    Ok(n.unwrap_or(0) > 0)
}
