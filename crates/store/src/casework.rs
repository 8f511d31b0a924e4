//! Casework after the police hand a case over (评估帮扶, 监护干预): the township's
//! assessment, the assistance plan (services and referrals), the guardian's conduct record
//! with the revocation grounds it meets, and revocation applications to the new guardian.
//!
//! Kept in the reports' database and written by the same group-commit writer, so a
//! hand-over and the assessment it opens are one transaction. Every read and write is
//! scoped to the caller's region in the query (the police, townships and civil affairs);
//! a case outside it answers exactly like a missing one.

use crate::db::{Conn, Row, Sql};
use crate::error::StoreError;
use crate::group_commit::writer_stopped;
use crate::users::Principal;
use crate::{Store, children::push_scope_on};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shouhu_domain::assessment::{
    self as rules, Answers, AssessmentState, AssistanceKind, ChildFacts, Party, ReferralState, Risk, RiskLevel,
    RiskReason, ServiceKind, ServiceStatus,
};
use shouhu_domain::codes::Relation;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::guardianship::{
    self as g, Applicant, ApplicationState, Conduct, ConductRecord, Ground, GroundFinding, RecordKind, Standing,
};
use shouhu_domain::msg;
use shouhu_domain::role::Scope;

/// Someone who took part in an assessment.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct Participant {
    pub party: Party,
    pub name: String,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentSummary {
    pub id: i64,
    pub report_id: Option<i64>,
    pub child_id: Option<i64>,
    /// The child's name as the case knows it: the report's, or the file's when the case was
    /// opened from the ledger; none for a described child.
    pub child_name: Option<String>,
    pub village_code: String,
    pub village_name: String,
    pub opened_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    pub state: AssessmentState,
    pub overdue: bool,
    pub risk_level: Option<RiskLevel>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Service {
    pub id: i64,
    pub kind: ServiceKind,
    /// Bought from a social-work agency, rather than a mass organisation's care service.
    pub purchased: bool,
    pub provider: String,
    pub start_date: NaiveDate,
    pub status: ServiceStatus,
    pub outcome: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Referral {
    pub id: i64,
    pub kind: AssistanceKind,
    pub receiving_org_id: i64,
    pub note: Option<String>,
    pub state: ReferralState,
    pub reason: Option<String>,
    pub sent_at: DateTime<Utc>,
    pub decided_at: Option<DateTime<Utc>>,
    /// The organisation that sent it (none for referrals sent before this was kept).
    pub sender_org_name: Option<String>,
    /// Who sent it.
    pub sent_by: Option<String>,
}

/// A referral as the organisation it was sent to sees it: only what
/// `assessment::referral_discloses` passes on; anything else is left out here, in the store.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReceivedReferral {
    #[serde(flatten)]
    pub referral: Referral,
    /// The case's number, to quote to the sender.
    pub assessment_id: Option<i64>,
    pub child_name: Option<String>,
    pub village_code: Option<String>,
    pub village_name: Option<String>,
    /// The receiver may open the case itself: its casework covers the case's village.
    pub case_visible: bool,
}

/// A conduct record with whose conduct it was and who recorded it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GuardianEntry {
    /// The person, by name; their standing toward the child is in the record.
    pub guardian: String,
    #[serde(flatten)]
    pub record: ConductRecord,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// The guardian appointed by the court after a revocation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewGuardian {
    pub name: String,
    #[serde(default)]
    pub relation: Option<Relation>,
    #[serde(default)]
    pub phone: Option<String>,
    #[serde(default)]
    pub address: Option<String>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Application {
    pub id: i64,
    pub applicant: Applicant,
    pub applicant_name: String,
    pub grounds: Vec<Ground>,
    pub court: String,
    pub filed_on: NaiveDate,
    pub state: ApplicationState,
    pub hearing_on: Option<NaiveDate>,
    pub decided_on: Option<NaiveDate>,
    pub new_guardian: Option<NewGuardian>,
    /// Maintenance the former guardian still owes ([UPL] 108, [CC] 37).
    pub maintenance_owed: Option<String>,
    pub version: i64,
}

/// State guardianship recorded for the case.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Placement {
    pub id: i64,
    pub kind: g::PlacementKind,
    /// A code of `TemporaryStateGround` (art. 92) or `LongTermStateGround` (art. 94).
    pub ground: String,
    pub ground_label: &'static str,
    /// The institution or family the child is placed with.
    pub placed_with: String,
    pub start_date: NaiveDate,
    pub note: Option<String>,
    pub recorded_by: String,
}

/// A placement to record (the API's request is the web crate's).
#[derive(Debug, Clone)]
pub struct NewPlacement {
    pub kind: g::PlacementKind,
    pub ground: String,
    pub placed_with: String,
    pub start_date: NaiveDate,
    pub note: Option<String>,
}

/// A case whose conduct record meets or approaches revocation grounds, for civil affairs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GroundsLine {
    pub assessment: AssessmentSummary,
    pub grounds: Vec<GroundFinding>,
}

fn ground_label(kind: g::PlacementKind, code: &str) -> &'static str {
    match kind {
        g::PlacementKind::TemporaryState => g::TemporaryStateGround::parse(code).map_or("", |x| x.label()),
        g::PlacementKind::LongTermState => g::LongTermStateGround::parse(code).map_or("", |x| x.label()),
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct AssessmentDetail {
    #[serde(flatten)]
    pub summary: AssessmentSummary,
    pub participants: Vec<Participant>,
    pub answers: Option<Answers>,
    pub risk_reasons: Vec<RiskReason>,
    pub completed_at: Option<DateTime<Utc>>,
    pub completed_by: Option<String>,
    pub services: Vec<Service>,
    pub referrals: Vec<Referral>,
    pub conduct: Vec<GuardianEntry>,
    /// What the conduct record meets or approaches, met first.
    pub grounds: Vec<GroundFinding>,
    pub applications: Vec<Application>,
    pub placements: Vec<Placement>,
}

/// A revocation application to record.
#[derive(Debug, Clone)]
pub struct NewApplication {
    pub applicant: Applicant,
    pub applicant_name: String,
    /// The grounds relied on; each must be met by the conduct record.
    pub grounds: Vec<Ground>,
    pub court: String,
    pub filed_on: NaiveDate,
}

/// A step of an application to record.
#[derive(Debug, Clone)]
pub struct ApplicationStep {
    pub state: ApplicationState,
    pub version: i64,
    /// The day of the hearing or the decision (today if left out).
    pub date: Option<NaiveDate>,
    /// Required for `guardian_appointed`.
    pub new_guardian: Option<NewGuardian>,
    pub maintenance_owed: Option<String>,
}

const SUMMARY_COLUMNS: &str = "a.id, a.report_id, a.child_id, a.village_code, a.opened_at, a.due_at, a.state, a.risk_level, a.completed_at, a.version, a.child_name";

const REFERRAL_COLUMNS: &str = "f.id, f.kind, f.receiving_org_id, f.note, f.state, f.reason, f.sent_at, f.decided_at, f.sender_org_name, f.sent_by";

fn bad(what: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} in casework"))
}

/// The region whose cases a user sees: the police, townships and civil affairs.
fn case_scope(p: &Principal) -> Scope {
    if shouhu_domain::report::may_see_area_reports(p.role) {
        Scope::Region(p.region_code.clone())
    } else {
        Scope::Nothing
    }
}

fn short_text(errs: &mut FieldErrors, field: &str, v: &str, max: usize) -> String {
    let t = v.trim().to_string();
    if t.is_empty() {
        errs.add(field, msg::REQUIRED);
    } else if t.chars().count() > max {
        errs.add(field, msg::too_long(max));
    }
    t
}

impl Store {
    fn assessment_summary(&self, r: &dyn Row) -> Result<AssessmentSummary, StoreError> {
        let village_code = r.text(3)?;
        let due_at = r.ts(5)?;
        let completed_at = r.opt_ts(8)?;
        Ok(AssessmentSummary {
            id: r.i64(0)?,
            report_id: r.opt_i64(1)?,
            child_id: r.opt_i64(2)?,
            child_name: r.opt_text(10)?,
            village_name: self.regions.path_name(&village_code),
            village_code,
            opened_at: r.ts(4)?,
            due_at,
            state: AssessmentState::parse(&r.text(6)?).ok_or_else(|| bad("state"))?,
            overdue: rules::assessment_overdue(due_at, completed_at, self.now()),
            risk_level: r.opt_text(7)?.and_then(|l| RiskLevel::parse(&l)),
            version: r.i64(9)?,
        })
    }

    /// Open and recent assessments of the caller's region, the most pressing (open, then
    /// by deadline) first.
    pub fn list_assessments(&self, p: &Principal, open_only: bool) -> Result<Vec<AssessmentSummary>, StoreError> {
        let scope = case_scope(p);
        self.reports
            .read(|c| {
                let mut sql = Sql::new(&format!("SELECT {SUMMARY_COLUMNS} FROM assessments a WHERE 1 = 1"));
                push_scope_on(&mut sql, &scope, "a.");
                if open_only {
                    sql.push(" AND a.state = 'open'");
                }
                sql.push(" ORDER BY a.state DESC, a.due_at, a.id LIMIT 500");
                c.query(&sql.text, &sql.params, |r| self.assessment_summary(r))
            })
            .map(|mut rows| {
                self.name_from_registry(p, rows.iter_mut());
                rows
            })
    }

    /// Names the cases opened from the ledger before the name was kept on them, from the
    /// registry in the caller's scope (another database on SQLite: read, not joined). A
    /// child out of the caller's reach stays unnamed.
    fn name_from_registry<'a>(&self, p: &Principal, cases: impl Iterator<Item = &'a mut AssessmentSummary>) {
        for a in cases {
            if let (None, Some(id)) = (&a.child_name, a.child_id) {
                a.child_name = self.get_child(p, id).ok().map(|c| c.file.name);
            }
        }
    }

    /// An assessment with its plan, the conduct record and the grounds it meets.
    pub fn assessment_detail(&self, p: &Principal, id: i64) -> Result<AssessmentDetail, StoreError> {
        let scope = case_scope(p);
        let today = self.today();
        let mut d = self.reports.read(|c| self.load_assessment(c, &scope, id, today))?;
        self.name_from_registry(p, std::iter::once(&mut d.summary));
        Ok(d)
    }

    fn load_assessment(
        &self,
        c: &mut Conn<'_, '_>,
        scope: &Scope,
        id: i64,
        today: NaiveDate,
    ) -> Result<AssessmentDetail, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {SUMMARY_COLUMNS}, a.participants, a.answers, a.risk_reasons, a.completed_by FROM assessments a WHERE a.id = "
        ));
        sql.bind(id);
        push_scope_on(&mut sql, scope, "a.");
        let mut d = c
            .query_opt(&sql.text, &sql.params, |r| {
                let summary = self.assessment_summary(r)?;
                let reasons: Vec<String> =
                    r.opt_text(13)?.map(|t| serde_json::from_str(&t)).transpose()?.unwrap_or_default();
                Ok(AssessmentDetail {
                    completed_at: r.opt_ts(8)?,
                    summary,
                    participants: serde_json::from_str(&r.text(11)?)?,
                    answers: r.opt_text(12)?.map(|t| serde_json::from_str(&t)).transpose()?,
                    risk_reasons: reasons.iter().filter_map(|c| RiskReason::parse(c)).collect(),
                    completed_by: r.opt_text(14)?,
                    services: Vec::new(),
                    referrals: Vec::new(),
                    conduct: Vec::new(),
                    grounds: Vec::new(),
                    applications: Vec::new(),
                    placements: Vec::new(),
                })
            })?
            .ok_or(StoreError::NotFound)?;
        d.services = c.query(
            "SELECT id, kind, provider, start_date, status, outcome FROM services WHERE assessment_id = $1 ORDER BY id",
            &[id.into()],
            |r| {
                let kind = ServiceKind::parse(&r.text(1)?).ok_or_else(|| bad("service"))?;
                Ok(Service {
                    id: r.i64(0)?,
                    kind,
                    purchased: rules::is_purchased_service(kind),
                    provider: r.text(2)?,
                    start_date: r.opt_date(3)?.ok_or_else(|| bad("start date"))?,
                    status: ServiceStatus::parse(&r.text(4)?).ok_or_else(|| bad("status"))?,
                    outcome: r.opt_text(5)?,
                })
            },
        )?;
        d.referrals = c.query(
            &format!("SELECT {REFERRAL_COLUMNS} FROM referrals f WHERE f.assessment_id = $1 ORDER BY f.id"),
            &[id.into()],
            referral_from_row,
        )?;
        d.conduct = load_conduct(c, id)?;
        let records: Vec<ConductRecord> = d.conduct.iter().map(|e| e.record.clone()).collect();
        d.grounds = g::evaluate_grounds(&records, today);
        d.applications = c.query(
            "SELECT id, applicant, applicant_name, grounds, court, filed_on, state, hearing_on, decided_on, new_guardian, \
             maintenance_owed, version FROM revocation_applications WHERE assessment_id = $1 ORDER BY id",
            &[id.into()],
            |r| application_from_row(r, &self.cipher),
        )?;
        d.placements = c.query(
            "SELECT id, kind, ground, placed_with, start_date, note, recorded_by FROM placements WHERE assessment_id = $1 ORDER BY id",
            &[id.into()],
            |r| {
                let kind = g::PlacementKind::parse(&r.text(1)?).ok_or_else(|| bad("placement"))?;
                let ground = r.text(2)?;
                Ok(Placement {
                    id: r.i64(0)?,
                    kind,
                    ground_label: ground_label(kind, &ground),
                    ground,
                    placed_with: r.text(3)?,
                    start_date: r.opt_date(4)?.ok_or_else(|| bad("start date"))?,
                    note: r.opt_text(5)?,
                    recorded_by: r.text(6)?,
                })
            },
        )?;
        Ok(d)
    }

    /// Records state guardianship ([UPL] 92, 94) on a case: by civil affairs, on a ground of
    /// the article it falls under, from a day not before the case nor in the future.
    pub fn add_placement(&self, p: &Principal, id: i64, np: NewPlacement) -> Result<i64, StoreError> {
        if !g::may_record_placement(p.role) {
            return Err(StoreError::Forbidden);
        }
        let mut errs = FieldErrors::default();
        let placed_with = short_text(&mut errs, "placed_with", &np.placed_with, 100);
        let today = self.today();
        if np.start_date > today {
            errs.add("start_date", msg::DATE_IN_FUTURE);
        }
        errs.into_result(()).map_err(StoreError::Invalid)?;
        let (scope, at, who) = (case_scope(p), self.now(), p.actor().user_name);
        let note = np.note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        let rx = self.report_writer.submit(move |c| {
            let opened = assessment_opened(c, &scope, id)?;
            let revoked = c
                .query_opt(
                    "SELECT count(*) FROM revocation_applications WHERE assessment_id = $1 AND state IN ('revoked', 'guardian_appointed')",
                    &[id.into()],
                    |r| r.i64(0),
                )?
                .unwrap_or(0)
                > 0;
            let mut errs = FieldErrors::default();
            if !g::placement_ground_fits(np.kind, &np.ground, revoked) {
                errs.add("ground", msg::PLACEMENT_GROUND);
            }
            if np.start_date < opened {
                errs.add("start_date", msg::MEASURE_BEFORE_CASE);
            }
            errs.into_result(()).map_err(StoreError::Invalid)?;
            c.query_opt(
                "INSERT INTO placements (assessment_id, kind, ground, placed_with, start_date, note, recorded_at, recorded_by) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
                &[
                    id.into(),
                    np.kind.code().into(),
                    np.ground.as_str().into(),
                    placed_with.into(),
                    np.start_date.into(),
                    note.into(),
                    at.into(),
                    who.into(),
                ],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// A child's cases within the caller's reach, newest first, each with the revocation
    /// grounds its conduct record meets or approaches: shown on the child's file.
    pub fn child_cases(&self, p: &Principal, child_id: i64) -> Result<Vec<GroundsLine>, StoreError> {
        let scope = case_scope(p);
        let today = self.today();
        self.reports
            .read(|c| {
                let mut sql = Sql::new(&format!("SELECT {SUMMARY_COLUMNS} FROM assessments a WHERE a.child_id = "));
                sql.bind(child_id);
                push_scope_on(&mut sql, &scope, "a.");
                sql.push(" ORDER BY a.id DESC LIMIT 50");
                let cases = c.query(&sql.text, &sql.params, |r| self.assessment_summary(r))?;
                let mut out = Vec::with_capacity(cases.len());
                for a in cases {
                    let records: Vec<ConductRecord> = load_conduct(c, a.id)?.into_iter().map(|e| e.record).collect();
                    out.push(GroundsLine { grounds: g::evaluate_grounds(&records, today), assessment: a });
                }
                Ok(out)
            })
            .map(|mut lines| {
                self.name_from_registry(p, lines.iter_mut().map(|l| &mut l.assessment));
                lines
            })
    }

    /// The cases of the caller's region whose conduct record meets or approaches a
    /// revocation ground, met first: the list district civil affairs acts on ([S] 二(五)).
    pub fn grounds_list(&self, p: &Principal) -> Result<Vec<GroundsLine>, StoreError> {
        let scope = case_scope(p);
        let today = self.today();
        self.reports
            .read(|c| {
                let mut sql = Sql::new(&format!(
                    "SELECT {SUMMARY_COLUMNS} FROM assessments a WHERE EXISTS \
                 (SELECT 1 FROM conduct_records k WHERE k.assessment_id = a.id)"
                ));
                push_scope_on(&mut sql, &scope, "a.");
                sql.push(" ORDER BY a.id DESC LIMIT 500");
                let cases = c.query(&sql.text, &sql.params, |r| self.assessment_summary(r))?;
                let mut out = Vec::new();
                for a in cases {
                    let records: Vec<ConductRecord> = load_conduct(c, a.id)?.into_iter().map(|e| e.record).collect();
                    let grounds = g::evaluate_grounds(&records, today);
                    if !grounds.is_empty() {
                        out.push(GroundsLine { assessment: a, grounds });
                    }
                }
                out.sort_by_key(|l| !l.grounds.iter().any(|f| f.met));
                Ok(out)
            })
            .map(|mut lines| {
                self.name_from_registry(p, lines.iter_mut().map(|l| &mut l.assessment));
                lines
            })
    }

    /// Opens an assessment directly, for a child of the township's ledger ([S] 二(四) starts
    /// from the police's notice, but a township that learns of a child at risk need not wait).
    pub fn open_assessment(&self, p: &Principal, child_id: i64) -> Result<i64, StoreError> {
        if !rules::may_run_assessment(p.role) {
            return Err(StoreError::Forbidden);
        }
        let child = self.get_child(p, child_id)?;
        let (at, who) = (self.now(), p.actor().user_name);
        let due = shouhu_domain::report::assessment_due(at, self.settings.reports.assessment_days);
        let rx = self.report_writer.submit(move |c| {
            c.query_opt(
                "INSERT INTO assessments (report_id, child_id, district_code, village_code, opened_at, opened_by, due_at, \
                 state, participants, version, child_name) VALUES (NULL, $1, $2, $3, $4, $5, $6, 'open', '[]', 1, $7) RETURNING id",
                &[
                    child.id.into(),
                    child.district_code.as_str().into(),
                    child.file.village_code.as_str().into(),
                    at.into(),
                    who.into(),
                    due.into(),
                    child.file.name.as_str().into(),
                ],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// What the child's file tells the risk rules; nothing when the child is not registered
    /// or (for this user) not visible.
    pub fn child_facts(&self, p: &Principal, child_id: Option<i64>) -> ChildFacts {
        let Some(id) = child_id else { return ChildFacts::default() };
        match self.get_child(p, id) {
            Ok(c) => ChildFacts {
                age: c.derived.age,
                disabled_or_ill: matches!(
                    c.file.health,
                    Some(shouhu_domain::codes::Health::Disabled | shouhu_domain::codes::Health::Ill)
                ),
                living_alone: c.file.lives_alone,
            },
            Err(_) => ChildFacts::default(),
        }
    }

    /// Records the assessment's answers and participants and derives its risk level.
    pub fn complete_assessment(
        &self,
        p: &Principal,
        id: i64,
        version: i64,
        answers: Answers,
        participants: Vec<Participant>,
        facts: ChildFacts,
    ) -> Result<Risk, StoreError> {
        if !rules::may_run_assessment(p.role) {
            return Err(StoreError::Forbidden);
        }
        let mut errs = FieldErrors::default();
        if participants.is_empty() {
            errs.add("participants", msg::PARTICIPANTS_REQUIRED);
        }
        let participants: Vec<Participant> = participants
            .into_iter()
            .enumerate()
            .map(|(i, x)| Participant {
                party: x.party,
                name: short_text(&mut errs, &format!("participants.{i}.name"), &x.name, 100),
            })
            .collect();
        errs.into_result(()).map_err(StoreError::Invalid)?;
        let risk = rules::risk_level(&answers, &facts);
        let (scope, at, who, r) = (case_scope(p), self.now(), p.actor().user_name, risk.clone());
        let rx = self.report_writer.submit(move |c| {
            let (state, current) = assessment_state(c, &scope, id)?;
            if current != version {
                return Err(StoreError::Stale { current });
            }
            if state != AssessmentState::Open {
                return Err(StoreError::State(msg::ASSESSMENT_DONE));
            }
            let reasons: Vec<&str> = r.reasons.iter().map(|x| x.code()).collect();
            c.exec(
                "UPDATE assessments SET state = 'completed', answers = $1, participants = $2, risk_level = $3, \
                 risk_reasons = $4, completed_at = $5, completed_by = $6, version = version + 1 WHERE id = $7 AND version = $8",
                &[
                    serde_json::to_string(&answers)?.into(),
                    serde_json::to_string(&participants)?.into(),
                    r.level.code().into(),
                    serde_json::to_string(&reasons)?.into(),
                    at.into(),
                    who.into(),
                    id.into(),
                    version.into(),
                ],
            )?;
            c.query_opt("SELECT child_id FROM assessments WHERE id = $1", &[id.into()], |r| r.opt_i64(0))
        });
        let child = rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))?.flatten();
        // A high-risk case shortens the child's visit cadence (visits.rs): at once, not only
        // at the next daily recompute.
        if let Some(child_id) = child {
            let today = self.today();
            self.pool.write(|c| self.refresh_visit_due(c, child_id, today))?;
        }
        Ok(risk)
    }

    /// Adds a service to the plan.
    pub fn add_service(
        &self,
        p: &Principal,
        id: i64,
        kind: ServiceKind,
        provider: &str,
        start_date: NaiveDate,
    ) -> Result<i64, StoreError> {
        if !rules::may_run_assessment(p.role) {
            return Err(StoreError::Forbidden);
        }
        let mut errs = FieldErrors::default();
        let provider = short_text(&mut errs, "provider", provider, 100);
        errs.into_result(()).map_err(StoreError::Invalid)?;
        let (scope, at, who) = (case_scope(p), self.now(), p.actor().user_name);
        let rx = self.report_writer.submit(move |c| {
            assessment_state(c, &scope, id)?;
            c.query_opt(
                "INSERT INTO services (assessment_id, kind, provider, start_date, status, updated_at, updated_by) \
                 VALUES ($1, $2, $3, $4, 'planned', $5, $6) RETURNING id",
                &[id.into(), kind.code().into(), provider.into(), start_date.into(), at.into(), who.into()],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// Moves a service on (planned → in progress → completed, or stopped), with its outcome.
    pub fn move_service(
        &self,
        p: &Principal,
        id: i64,
        service_id: i64,
        to: ServiceStatus,
        outcome: Option<String>,
    ) -> Result<(), StoreError> {
        if !rules::may_run_assessment(p.role) {
            return Err(StoreError::Forbidden);
        }
        let outcome = outcome.map(|o| o.trim().to_string()).filter(|o| !o.is_empty());
        if matches!(to, ServiceStatus::Completed | ServiceStatus::Stopped) && outcome.is_none() {
            return Err(StoreError::invalid("outcome", msg::OUTCOME_REQUIRED));
        }
        let (scope, at, who) = (case_scope(p), self.now(), p.actor().user_name);
        let rx = self.report_writer.submit(move |c| {
            assessment_state(c, &scope, id)?;
            let from = c
                .query_opt(
                    "SELECT status FROM services WHERE id = $1 AND assessment_id = $2",
                    &[service_id.into(), id.into()],
                    |r| r.text(0),
                )?
                .and_then(|s| ServiceStatus::parse(&s))
                .ok_or(StoreError::NotFound)?;
            if !rules::may_move_service(from, to) {
                return Err(StoreError::State(msg::STATE_ORDER));
            }
            c.exec(
                "UPDATE services SET status = $1, outcome = COALESCE($2, outcome), updated_at = $3, updated_by = $4 WHERE id = $5",
                &[to.code().into(), outcome.into(), at.into(), who.into(), service_id.into()],
            )?;
            Ok(())
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// Refers the family to social assistance run by `receiving_org_id`.
    pub fn add_referral(
        &self,
        p: &Principal,
        id: i64,
        kind: AssistanceKind,
        receiving_org_id: i64,
        note: Option<String>,
    ) -> Result<i64, StoreError> {
        if !rules::may_run_assessment(p.role) {
            return Err(StoreError::Forbidden);
        }
        let org = self.get_org(receiving_org_id);
        if org.is_err() {
            return Err(StoreError::invalid("receiving_org_id", msg::ORG_UNKNOWN));
        }
        let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        let (scope, at) = (case_scope(p), self.now());
        let (org, org_name, who) = (p.org_id, p.org_name.clone(), p.actor().user_name);
        let rx = self.report_writer.submit(move |c| {
            assessment_state(c, &scope, id)?;
            c.query_opt(
                "INSERT INTO referrals (assessment_id, kind, receiving_org_id, note, state, sent_at, sender_org_id, \
                 sender_org_name, sent_by) VALUES ($1, $2, $3, $4, 'sent', $5, $6, $7, $8) RETURNING id",
                &[
                    id.into(),
                    kind.code().into(),
                    receiving_org_id.into(),
                    note.into(),
                    at.into(),
                    org.into(),
                    org_name.into(),
                    who.into(),
                ],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
            .and_then(|referral| {
                // The receiving organisation hears of it, in the referral's transaction.
                let notice = crate::notify::referral_sent(referral, receiving_org_id);
                crate::notify::announce_in_reports(c, &notice, at)?;
                Ok(referral)
            })
        });
        let id = rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))?;
        self.wake_notifier();
        Ok(id)
    }

    /// Referrals sent to the caller's organisation, with what the referral passes on of its
    /// case (`assessment::referral_discloses`) and nothing more.
    pub fn referrals_for_org(&self, p: &Principal) -> Result<Vec<ReceivedReferral>, StoreError> {
        use rules::{CaseFact, referral_discloses as shows};
        let rows = self.reports.read(|c| {
            c.query(
                &format!(
                    "SELECT {REFERRAL_COLUMNS}, a.id, a.child_id, a.child_name, a.village_code FROM referrals f \
                     JOIN assessments a ON a.id = f.assessment_id WHERE f.receiving_org_id = $1 ORDER BY f.id DESC LIMIT 500"
                ),
                &[p.org_id.into()],
                |r| Ok((referral_from_row(r)?, r.i64(10)?, r.opt_i64(11)?, r.opt_text(12)?, r.text(13)?)),
            )
        })?;
        let scope = case_scope(p);
        Ok(rows
            .into_iter()
            .map(|(mut referral, case, child_id, name, village)| {
                if !shows(CaseFact::Sender) {
                    (referral.sender_org_name, referral.sent_by) = (None, None);
                }
                let name = match (name, child_id) {
                    (None, Some(id)) => self.get_child(p, id).ok().map(|c| c.file.name),
                    (name, _) => name,
                };
                ReceivedReferral {
                    referral,
                    assessment_id: shows(CaseFact::CaseNumber).then_some(case),
                    child_name: name.filter(|_| shows(CaseFact::ChildName)),
                    village_name: shows(CaseFact::Village).then(|| self.regions.path_name(&village)),
                    case_visible: scope.covers(&village, None),
                    village_code: shows(CaseFact::Village).then_some(village),
                }
            })
            .collect())
    }

    /// The receiving organisation accepts or declines a referral (with a reason), and later
    /// grants or refuses the assistance. Only that organisation may; to anyone else the
    /// referral does not exist.
    pub fn decide_referral(
        &self,
        p: &Principal,
        referral_id: i64,
        to: ReferralState,
        reason: Option<String>,
    ) -> Result<(), StoreError> {
        let reason = reason.map(|r| r.trim().to_string()).filter(|r| !r.is_empty());
        if rules::needs_reason(to) && reason.is_none() {
            return Err(StoreError::invalid("reason", msg::REASON_REQUIRED));
        }
        let (org, at, who) = (p.org_id, self.now(), p.actor().user_name);
        let rx = self.report_writer.submit(move |c| {
            let from = c
                .query_opt(
                    "SELECT state FROM referrals WHERE id = $1 AND receiving_org_id = $2",
                    &[referral_id.into(), org.into()],
                    |r| r.text(0),
                )?
                .and_then(|s| ReferralState::parse(&s))
                .ok_or(StoreError::NotFound)?;
            if !rules::may_move_referral(from, to) {
                return Err(StoreError::State(msg::STATE_ORDER));
            }
            c.exec(
                "UPDATE referrals SET state = $1, reason = COALESCE($2, reason), decided_at = $3, decided_by = $4 WHERE id = $5",
                &[to.code().into(), reason.into(), at.into(), who.into(), referral_id.into()],
            )?;
            Ok(())
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// Adds an entry to the conduct record: incidents by those who assess, measures by the
    /// police; whose conduct it is, evidence always, and no measure before the case began.
    /// A carer's conduct is kept like a guardian's; only the grounds leave it out.
    /// `person` is whose conduct it is, by name; the record's id is given by the store.
    pub fn add_conduct(&self, p: &Principal, id: i64, person: &str, entry: ConductRecord) -> Result<i64, StoreError> {
        if !g::may_record_conduct(p.role, entry.kind) {
            return Err(StoreError::Forbidden);
        }
        let mut errs = FieldErrors::default();
        let guardian = short_text(&mut errs, "guardian", person, 100);
        if entry.standing.is_none() {
            errs.add("standing", msg::REQUIRED);
        }
        errs.into_result(()).map_err(StoreError::Invalid)?;
        let (scope, at, who, org, today) = (case_scope(p), self.now(), p.actor().user_name, p.org_id, self.today());
        let rx = self.report_writer.submit(move |c| {
            let opened = assessment_opened(c, &scope, id)?;
            let r =
                g::check_record(ConductRecord { id: 0, ..entry }, Some(opened), today).map_err(StoreError::Invalid)?;
            c.query_opt(
                "INSERT INTO conduct_records (assessment_id, guardian, on_date, kind, conduct, serious_harm, \
                 child_without_means, refused_to_entrust, ended, evidence, recorded_at, recorded_by, org_id, standing) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14) RETURNING id",
                &[
                    id.into(),
                    guardian.into(),
                    r.date.into(),
                    r.kind.code().into(),
                    r.conduct.code().into(),
                    r.serious_harm.into(),
                    r.child_without_means.into(),
                    r.refused_to_entrust.into(),
                    r.ended.into(),
                    r.evidence.into(),
                    at.into(),
                    who.into(),
                    org.into(),
                    r.standing.map(|x| x.code()).into(),
                ],
                |row| row.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// Records a revocation application: only by an applicant the law allows, only on
    /// grounds the conduct record meets, filed no earlier than the case and not in the future.
    pub fn file_application(&self, p: &Principal, id: i64, a: NewApplication) -> Result<i64, StoreError> {
        if !g::may_follow_application(p.role) {
            return Err(StoreError::Forbidden);
        }
        let mut errs = FieldErrors::default();
        if !g::may_apply(a.applicant, self.settings.applicant_rule) {
            errs.add("applicant", msg::APPLICANT_NOT_ALLOWED);
        }
        let name = short_text(&mut errs, "applicant_name", &a.applicant_name, 100);
        let court = short_text(&mut errs, "court", &a.court, 100);
        if a.grounds.is_empty() {
            errs.add("grounds", msg::GROUNDS_REQUIRED);
        }
        let today = self.today();
        if a.filed_on > today {
            errs.add("filed_on", msg::DATE_IN_FUTURE);
        }
        errs.into_result(()).map_err(StoreError::Invalid)?;
        let (scope, at) = (case_scope(p), self.now());
        let rx = self.report_writer.submit(move |c| {
            let opened = assessment_opened(c, &scope, id)?;
            let mut errs = FieldErrors::default();
            if a.filed_on < opened {
                errs.add("filed_on", msg::MEASURE_BEFORE_CASE);
            }
            let records: Vec<ConductRecord> = load_conduct(c, id)?.into_iter().map(|e| e.record).collect();
            let findings = g::evaluate_grounds(&records, today);
            for (i, ground) in a.grounds.iter().enumerate() {
                if !findings.iter().any(|f| f.ground == *ground && f.met) {
                    errs.add(format!("grounds.{i}"), msg::ground_not_met(ground.label()));
                }
            }
            errs.into_result(()).map_err(StoreError::Invalid)?;
            let grounds: Vec<&str> = a.grounds.iter().map(|x| x.code()).collect();
            c.query_opt(
                "INSERT INTO revocation_applications (assessment_id, applicant, applicant_name, grounds, court, filed_on, \
                 state, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, 'filed', $7, 1) RETURNING id",
                &[
                    id.into(),
                    a.applicant.code().into(),
                    name.into(),
                    grounds.join(",").into(),
                    court.into(),
                    a.filed_on.into(),
                    at.into(),
                ],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("insert returned no id".into()))
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// Moves an application on with the court. The appointment of a new guardian is written
    /// to the child's file first (with history, source `revocation:{id}`), then recorded here,
    /// so a failure in between leaves the application where it was, to be done again.
    pub fn move_application(
        &self,
        p: &Principal,
        id: i64,
        application_id: i64,
        step: ApplicationStep,
    ) -> Result<(), StoreError> {
        if !g::may_follow_application(p.role) {
            return Err(StoreError::Forbidden);
        }
        let today = self.today();
        let date = step.date.unwrap_or(today);
        if date > today {
            return Err(StoreError::invalid("date", msg::DATE_IN_FUTURE));
        }
        let scope = case_scope(p);
        let d = self.reports.read(|c| self.load_assessment(c, &scope, id, today))?;
        let current = d.applications.into_iter().find(|a| a.id == application_id).ok_or(StoreError::NotFound)?;
        let child_id = d.summary.child_id;
        if current.version != step.version {
            return Err(StoreError::Stale { current: current.version });
        }
        if !g::may_move_application(current.state, step.state) {
            return Err(StoreError::State(msg::STATE_ORDER));
        }
        if step.state == ApplicationState::Heard && date < current.filed_on
            || matches!(step.state, ApplicationState::Revoked | ApplicationState::Rejected)
                && date < current.hearing_on.unwrap_or(current.filed_on)
        {
            return Err(StoreError::invalid("date", msg::DATE_BEFORE_PREVIOUS_STEP));
        }
        let new_guardian = match (step.state, step.new_guardian) {
            (ApplicationState::GuardianAppointed, None) => {
                return Err(StoreError::invalid("new_guardian", msg::NEW_GUARDIAN_REQUIRED));
            }
            (ApplicationState::GuardianAppointed, Some(mut ng)) => {
                let mut errs = FieldErrors::default();
                ng.name = short_text(&mut errs, "new_guardian.name", &ng.name, 100);
                errs.into_result(()).map_err(StoreError::Invalid)?;
                Some(ng)
            }
            (_, _) => None,
        };
        if let (Some(ng), Some(child)) = (&new_guardian, child_id) {
            self.appoint_guardian(p, child, application_id, ng)?;
        }
        let at = self.now();
        let maintenance = step.maintenance_owed.map(|m| m.trim().to_string()).filter(|m| !m.is_empty());
        let to = step.state;
        // Sealed here (decision 96), not on the writer's thread.
        let new_guardian = match &new_guardian {
            Some(ng) => {
                Some(self.cipher.ring().seal_text(crate::crypto::field::NEW_GUARDIAN, &serde_json::to_string(ng)?))
            }
            None => None,
        };
        let rx = self.report_writer.submit(move |c| {
            let mut sql = Sql::new("UPDATE revocation_applications SET state = ");
            sql.bind(to.code()).push(", updated_at = ").bind(at).push(", version = version + 1");
            match to {
                ApplicationState::Heard => {
                    sql.push(", hearing_on = ").bind(date);
                }
                ApplicationState::Revoked | ApplicationState::Rejected => {
                    sql.push(", decided_on = ").bind(date);
                }
                _ => {}
            }
            if let Some(ng) = &new_guardian {
                sql.push(", new_guardian = ").bind(ng.as_str());
            }
            if let Some(m) = maintenance {
                sql.push(", maintenance_owed = ").bind(m);
            }
            sql.push(" WHERE id = ").bind(application_id).push(" AND assessment_id = ").bind(id);
            sql.push(" AND version = ").bind(step.version);
            if c.exec(&sql.text, &sql.params)? != 1 {
                return Err(StoreError::Stale { current: step.version + 1 });
            }
            Ok(())
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// Writes the court's new guardian into the child's file, with history.
    fn appoint_guardian(
        &self,
        p: &Principal,
        child: i64,
        application_id: i64,
        ng: &NewGuardian,
    ) -> Result<(), StoreError> {
        // The stored file, numbers and all: it is written back.
        let rec = self.get_child_in(&p.scope(), child)?;
        let mut file = rec.file.clone();
        file.entrusted_guardian = Some(shouhu_domain::child::EntrustedGuardian {
            name: ng.name.clone(),
            phone: ng.phone.clone(),
            relation: ng.relation,
            address: ng.address.clone(),
            ..Default::default()
        });
        self.update_child(p, child, rec.version, file, &format!("revocation:{application_id}"))?;
        Ok(())
    }
}

fn referral_from_row(r: &dyn Row) -> Result<Referral, StoreError> {
    Ok(Referral {
        id: r.i64(0)?,
        kind: AssistanceKind::parse(&r.text(1)?).ok_or_else(|| bad("assistance"))?,
        receiving_org_id: r.i64(2)?,
        note: r.opt_text(3)?,
        state: ReferralState::parse(&r.text(4)?).ok_or_else(|| bad("referral state"))?,
        reason: r.opt_text(5)?,
        sent_at: r.ts(6)?,
        decided_at: r.opt_ts(7)?,
        sender_org_name: r.opt_text(8)?,
        sent_by: r.opt_text(9)?,
    })
}

fn application_from_row(r: &dyn Row, cipher: &crate::crypto::FieldCipher) -> Result<Application, StoreError> {
    Ok(Application {
        id: r.i64(0)?,
        applicant: Applicant::parse(&r.text(1)?).ok_or_else(|| bad("applicant"))?,
        applicant_name: r.text(2)?,
        grounds: r.text(3)?.split(',').filter_map(Ground::parse).collect(),
        court: r.text(4)?,
        filed_on: r.opt_date(5)?.ok_or_else(|| bad("filed_on"))?,
        state: ApplicationState::parse(&r.text(6)?).ok_or_else(|| bad("application state"))?,
        hearing_on: r.opt_date(7)?,
        decided_on: r.opt_date(8)?,
        new_guardian: cipher
            .open_opt_text(crate::crypto::field::NEW_GUARDIAN, r.opt_text(9)?)?
            .map(|t| serde_json::from_str(&t))
            .transpose()?,
        maintenance_owed: r.opt_text(10)?,
        version: r.i64(11)?,
    })
}

/// The conduct record of a case, for the to-do list's grounds.
pub(crate) fn conduct_of(c: &mut Conn<'_, '_>, id: i64) -> Result<Vec<ConductRecord>, StoreError> {
    Ok(load_conduct(c, id)?.into_iter().map(|e| e.record).collect())
}

fn load_conduct(c: &mut Conn<'_, '_>, id: i64) -> Result<Vec<GuardianEntry>, StoreError> {
    c.query(
        "SELECT id, guardian, on_date, kind, conduct, serious_harm, child_without_means, refused_to_entrust, ended, \
         evidence, recorded_by, recorded_at, standing FROM conduct_records WHERE assessment_id = $1 ORDER BY on_date, id",
        &[id.into()],
        |r| {
            Ok(GuardianEntry {
                guardian: r.text(1)?,
                record: ConductRecord {
                    id: r.i64(0)?,
                    standing: r.opt_text(12)?.map(|x| Standing::parse(&x).ok_or_else(|| bad("standing"))).transpose()?,
                    date: r.opt_date(2)?.ok_or_else(|| bad("date"))?,
                    kind: RecordKind::parse(&r.text(3)?).ok_or_else(|| bad("record kind"))?,
                    conduct: Conduct::parse(&r.text(4)?).ok_or_else(|| bad("conduct"))?,
                    serious_harm: r.bool(5)?,
                    child_without_means: r.bool(6)?,
                    refused_to_entrust: r.bool(7)?,
                    ended: r.opt_date(8)?,
                    evidence: r.text(9)?,
                },
                recorded_by: r.text(10)?,
                recorded_at: r.ts(11)?,
            })
        },
    )
}

/// The state and version of an assessment inside the scope.
fn assessment_state(c: &mut Conn<'_, '_>, scope: &Scope, id: i64) -> Result<(AssessmentState, i64), StoreError> {
    let mut sql = Sql::new("SELECT a.state, a.version FROM assessments a WHERE a.id = ");
    sql.bind(id);
    push_scope_on(&mut sql, scope, "a.");
    c.query_opt(&sql.text, &sql.params, |r| {
        Ok((AssessmentState::parse(&r.text(0)?).ok_or_else(|| bad("state"))?, r.i64(1)?))
    })?
    .ok_or(StoreError::NotFound)
}

/// The day (in China) an assessment's case began: measures and applications cannot predate it.
fn assessment_opened(c: &mut Conn<'_, '_>, scope: &Scope, id: i64) -> Result<NaiveDate, StoreError> {
    let mut sql = Sql::new(
        "SELECT COALESCE(r.reported_at, a.opened_at) FROM assessments a LEFT JOIN reports r ON r.id = a.report_id WHERE a.id = ",
    );
    sql.bind(id);
    push_scope_on(&mut sql, scope, "a.");
    let at = c.query_opt(&sql.text, &sql.params, |r| r.ts(0))?.ok_or(StoreError::NotFound)?;
    Ok(shouhu_domain::clock::china_date(at))
}

/// Opens the township's assessment for a report the police hand over, in the hand-over's
/// own transaction ([S] 二(三)–(四)).
pub(crate) fn open_from_report(
    c: &mut Conn<'_, '_>,
    report_id: i64,
    at: DateTime<Utc>,
    who: &str,
    due: DateTime<Utc>,
) -> Result<i64, StoreError> {
    c.query_opt(
        "INSERT INTO assessments (report_id, child_id, district_code, village_code, opened_at, opened_by, due_at, state, \
         participants, version, child_name) SELECT id, child_id, district_code, village_code, $1, $2, $3, 'open', '[]', 1, \
         child_name FROM reports WHERE id = $4 RETURNING id",
        &[at.into(), who.into(), due.into(), report_id.into()],
        |r| r.i64(0),
    )?
    .ok_or(StoreError::NotFound)
}
