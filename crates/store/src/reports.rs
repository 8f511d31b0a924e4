//! Mandatory reports and the police's response (强制报告, 应急处置).
//!
//! Every write goes through one group-commit writer on the reports' own database (on SQLite
//! a file with `synchronous=FULL`): a report is acknowledged only once it is on disk, and a
//! hundred reports arriving together cost about one fsync. Reads scope the query itself: the
//! police, the township and civil affairs see the reports of their region; anyone else the
//! reports they filed. A report outside that looks exactly like one that does not exist.

use crate::crypto::field;
use crate::db::{Conn, Row, Sql};
use crate::error::StoreError;
use crate::group_commit::writer_stopped;
use crate::users::Principal;
use crate::{Store, children::push_scope_on};
use chrono::{DateTime, Utc};
use serde::Serialize;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_domain::report::{
    self as rules, CaseKind, Channel, DisposalAction, Intake, Situation, Step, TemporaryCarer, Urgency,
};
use shouhu_domain::role::Scope;
use std::sync::Arc;

pub use shouhu_domain::settings::ReportSettings;

/// Who files a report: a signed-in mandatory reporter, or a member of the public.
#[derive(Debug, Clone)]
pub enum Reporter {
    Member(Principal),
    Public,
}

/// What a reporter gets back: the receipt number, once the report is on disk.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Receipt {
    pub id: i64,
    /// Quoted by the reporter to ask about the outcome; hard to guess.
    pub receipt: String,
    pub reported_at: DateTime<Utc>,
    pub urgency: Urgency,
    /// True when this was a repeat of a submission already received (a double tap, a retry).
    pub repeated: bool,
}

/// A report as a queue or a list shows it (no reporter, no free text).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportSummary {
    pub id: i64,
    pub receipt: String,
    pub village_code: String,
    pub village_name: String,
    pub child_id: Option<i64>,
    pub child_name: Option<String>,
    pub situations: Vec<Situation>,
    pub urgency: Urgency,
    pub discovered_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub step: Step,
    pub step_at: DateTime<Utc>,
    /// Discovered → reported took longer than the limit.
    pub late_report: bool,
    /// Not accepted within the limit of being filed.
    pub late_response: bool,
    pub version: i64,
}

/// Who reported: shown only to the police and civil affairs.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReporterInfo {
    pub channel: Channel,
    pub name: Option<String>,
    pub org_name: Option<String>,
    pub org_type: Option<String>,
    pub contact_name: Option<String>,
    pub contact_phone: Option<String>,
}

/// One entry of a report's timeline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportEvent {
    pub id: i64,
    pub report_id: i64,
    /// `filed`, a step's code, or `action`.
    pub kind: String,
    pub at: DateTime<Utc>,
    /// Who acted; hidden from those outside the police, the township and civil affairs.
    pub user_name: Option<String>,
    #[schema(value_type = Object)]
    pub detail: serde_json::Value,
}

/// A report in full, as far as the viewer may see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportDetail {
    #[serde(flatten)]
    pub summary: ReportSummary,
    pub description: String,
    pub child_description: Option<String>,
    pub reporter: Option<ReporterInfo>,
    pub case_kind: Option<CaseKind>,
    /// Preselects the disposal form.
    pub likely_case_kind: CaseKind,
    /// Required actions of the chosen (or likely) kind of case not yet recorded.
    pub missing_actions: Vec<DisposalAction>,
    pub actions_done: Vec<DisposalAction>,
    /// For a missing child: how far the missing-child alert goes, by the hours since.
    pub release_radius_km: Option<u32>,
    pub station_org_id: Option<i64>,
    pub handed_over_at: Option<DateTime<Utc>>,
    pub assessment_due: Option<DateTime<Utc>>,
    pub events: Vec<ReportEvent>,
    pub attachments: Vec<crate::report_attachments::AttachmentInfo>,
}

/// What the public sees with a receipt number: how far the report has got, nothing more.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportStatus {
    pub receipt: String,
    pub reported_at: DateTime<Utc>,
    pub step: Step,
    pub step_at: DateTime<Utc>,
}

/// A change a connected duty desk should show, sent after its commit (`crate::desk_feed`).
#[derive(Debug, Clone, Serialize)]
pub struct DeskEvent {
    /// The timeline event's id: the stream's event id, to resume after.
    #[serde(skip)]
    pub id: i64,
    /// `filed` or `changed`.
    pub kind: &'static str,
    pub report: ReportSummary,
}

/// A report checked and ready for the writer.
#[derive(Debug, Clone)]
pub struct CheckedReport {
    intake: Intake,
    reporter: Reporter,
    idem_key: Option<String>,
    idem_hash: String,
    village_code: String,
    child_name: Option<String>,
    reported_at: DateTime<Utc>,
    /// The reporter's contact name and phone, sealed (decision 96): here, not on the writer's thread.
    sealed_contact: (Option<String>, Option<String>),
}

/// Which reports a user sees, written into every query.
pub(crate) fn report_scope(p: &Principal) -> ReportScope {
    if rules::may_see_area_reports(p.role) {
        ReportScope::Area(Scope::Region(p.region_code.clone()))
    } else {
        ReportScope::Own(p.user_id)
    }
}

pub(crate) enum ReportScope {
    Area(Scope),
    Own(i64),
    /// Only for telling desks of a committed change; each desk's scope filters the event.
    Everything,
}

pub(crate) fn push_report_scope(sql: &mut Sql, scope: &ReportScope) {
    match scope {
        ReportScope::Everything => {}
        ReportScope::Area(s) => push_scope_on(sql, s, "r."),
        ReportScope::Own(user) => {
            sql.push(" AND r.reporter_user_id = ").bind(*user);
        }
    }
}

pub(crate) const SUMMARY_COLUMNS: &str = "r.id, r.receipt, r.village_code, r.child_id, r.child_name, r.situations, r.urgency, \
     r.discovered_at, r.reported_at, r.step, r.step_at, r.late_report, r.accepted_at, r.version";
/// An event and whether its actor is the report's reporter (the filing, or a photo the
/// reporter added: by the same account, or by the public with the receipt).
const EVENT_COLUMNS: &str = "e.id, e.report_id, e.kind, e.at, e.user_name, e.detail, \
     COALESCE(e.kind = 'filed' OR e.user_id = r.reporter_user_id OR (e.user_id IS NULL AND e.kind = 'attachment'), FALSE)";

/// A timeline event as `role` may see it: the actor's name only where the law allows
/// ([`rules::may_see_event_actor`]).
fn event_from_row(r: &dyn Row, role: shouhu_domain::role::Role, sees_area: bool) -> Result<ReportEvent, StoreError> {
    let by_reporter = r.bool(6)?;
    Ok(ReportEvent {
        id: r.i64(0)?,
        report_id: r.i64(1)?,
        kind: r.text(2)?,
        at: r.ts(3)?,
        user_name: rules::may_see_event_actor(role, sees_area, by_reporter).then(|| r.text(4)).transpose()?,
        detail: serde_json::from_str(&r.text(5)?)?,
    })
}

const DETAIL_COLUMNS: &str = "r.description, r.child_description, r.channel, r.reporter_name, r.reporter_org_name, \
     r.reporter_org_type, r.contact_name, r.contact_phone, r.case_kind, r.station_org_id, r.handed_over_at, \
     r.assessment_due";

/// Longest idempotency key a client may send.
const IDEM_KEY_MAX: usize = 100;

/// Ordering of a desk's queue: most urgent first, then the oldest.
const QUEUE_ORDER: &str = " ORDER BY r.urgency_rank, r.reported_at, r.id";

fn bad(what: &str) -> StoreError {
    StoreError::Backend(format!("unknown {what} in reports"))
}

fn situations_text(s: &[Situation]) -> String {
    s.iter().map(|s| s.code()).collect::<Vec<_>>().join(",")
}

/// A receipt number: the day in China and ten characters from an alphabet without look-alikes
/// (50 random bits: a receipt cannot be guessed to read another report's progress).
fn new_receipt(at: DateTime<Utc>) -> String {
    use rand::Rng;
    const ALPHABET: &[u8] = b"23456789ABCDEFGHJKLMNPQRSTUVWXYZ";
    let mut rng = rand::rng();
    let mut part = || -> String { (0..5).map(|_| ALPHABET[rng.random_range(0..ALPHABET.len())] as char).collect() };
    let day = shouhu_domain::clock::china_date(at).format("%Y%m%d");
    format!("{day}-{}-{}", part(), part())
}

impl Store {
    pub(crate) fn summary_from_row(&self, r: &dyn Row) -> Result<ReportSummary, StoreError> {
        let village_code = r.text(2)?;
        let situations = r
            .text(5)?
            .split(',')
            .map(|c| Situation::parse(c).ok_or_else(|| bad("situation")))
            .collect::<Result<_, _>>()?;
        let reported_at = r.ts(8)?;
        let accepted_at = r.opt_ts(12)?;
        Ok(ReportSummary {
            id: r.i64(0)?,
            receipt: r.text(1)?,
            village_name: self.regions.path_name(&village_code),
            village_code,
            child_id: r.opt_i64(3)?,
            child_name: r.opt_text(4)?,
            situations,
            urgency: Urgency::parse(&r.text(6)?).ok_or_else(|| bad("urgency"))?,
            discovered_at: r.ts(7)?,
            reported_at,
            step: Step::parse(&r.text(9)?).ok_or_else(|| bad("step"))?,
            step_at: r.ts(10)?,
            late_report: r.bool(11)?,
            late_response: rules::response_late(
                reported_at,
                accepted_at,
                self.now(),
                self.settings.reports.late_response_limit,
            ),
            version: r.i64(13)?,
        })
    }

    /// Checks a report as submitted (every wrong field named) and, for a child picked from
    /// the registry, that the reporter may see that child and that the child meets each
    /// situation's condition of sex and age ([MR]). Reads only; nothing is written.
    pub fn check_report(
        &self,
        intake: Intake,
        reporter: Reporter,
        idem_key: Option<&str>,
    ) -> Result<CheckedReport, StoreError> {
        let now = self.now();
        let hash = report_hash(&intake);
        let mut intake = rules::check_intake(intake, now, self.settings.reports.discovery_clock_skew)
            .map_err(StoreError::Invalid)?;
        let mut errs = FieldErrors::default();
        let idem_key = match idem_key.map(str::trim).filter(|k| !k.is_empty()) {
            None => None,
            Some(k)
                if k.len() > IDEM_KEY_MAX || !k.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_') =>
            {
                errs.add("idempotency_key", msg::BAD_REQUEST);
                None
            }
            // Namespaced by who submits, so one reporter's key never finds another's report.
            Some(k) => Some(match &reporter {
                Reporter::Member(p) => format!("u{}:{k}", p.user_id),
                Reporter::Public => format!("p:{k}"),
            }),
        };
        let mut child_name = None;
        let village_code = match (intake.child_id, &reporter) {
            (Some(id), Reporter::Member(p)) => match self.get_child(p, id) {
                Ok(child) => {
                    // Only a child the reporter may read is checked, so the refusal tells
                    // nothing the file does not already show them; one out of reach is
                    // refused as unknown above, whatever the situations.
                    let day = shouhu_domain::clock::china_date(intake.discovered_at.unwrap_or(now));
                    for s in &intake.situations {
                        let fits = rules::situation_fits_registered_child(
                            *s,
                            child.file.sex,
                            child.file.birth_date,
                            day,
                            self.settings.age_rule,
                        );
                        if let Err(instead) = fits {
                            let instead: Vec<&str> = instead.iter().map(|x| x.label()).collect();
                            errs.add("situations", msg::situation_not_for_child(s.label(), &instead));
                        }
                    }
                    child_name = Some(child.file.name.clone());
                    // The registry's village wins over anything typed.
                    intake.village_code = Some(child.file.village_code.clone());
                    child.file.village_code
                }
                Err(StoreError::NotFound) => {
                    errs.add("child_id", msg::REPORT_CHILD_UNKNOWN);
                    String::new()
                }
                Err(e) => return Err(e),
            },
            (Some(_), Reporter::Public) => {
                // The public cannot look children up, so cannot name one by id.
                errs.add("child_id", msg::REPORT_CHILD_UNKNOWN);
                String::new()
            }
            (None, _) => {
                let v = intake.village_code.clone().unwrap_or_default();
                if self.regions.get(&v).is_none_or(|r| r.level != Level::Village) {
                    errs.add("village_code", msg::VILLAGE_UNKNOWN);
                }
                v
            }
        };
        errs.into_result(()).map_err(StoreError::Invalid)?;
        let ring = self.cipher.ring();
        let sealed_contact = (
            intake.contact_name.as_deref().map(|v| ring.seal_text(field::REPORT_CONTACT_NAME, v)),
            intake.contact_phone.as_deref().map(|v| ring.seal_text(field::REPORT_CONTACT_PHONE, v)),
        );
        Ok(CheckedReport {
            intake,
            reporter,
            idem_key,
            idem_hash: hash,
            village_code,
            child_name,
            reported_at: now,
            sealed_contact,
        })
    }

    /// Writes a checked report and answers once it is committed to disk. A repeat of a
    /// submission already received (same key, same content) answers with the first receipt.
    /// Blocks until the writer thread has committed it; no database work runs on the caller's
    /// thread meanwhile.
    pub fn file_report(&self, report: CheckedReport) -> Result<Receipt, StoreError> {
        let settings = self.settings.reports;
        let rx = self.report_writer.submit(move |c| insert_report(c, &report, settings));
        let (receipt, summary) = rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))?;
        if let Some(mut s) = summary {
            s.village_name = self.regions.path_name(&s.village_code);
            self.publish("filed", s);
            self.wake_notifier();
        }
        Ok(receipt)
    }

    /// Tells connected desks about a committed change: this server's notifier reads its
    /// event by position and broadcasts it, as every other server's does (`crate::desk_feed`).
    pub(crate) fn publish(&self, _kind: &'static str, _report: ReportSummary) {
        self.wake_notifier();
    }

    pub(crate) fn load_summary(
        &self,
        c: &mut Conn<'_, '_>,
        scope: &ReportScope,
        id: i64,
    ) -> Result<ReportSummary, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {SUMMARY_COLUMNS} FROM reports r WHERE r.id = "));
        sql.bind(id);
        push_report_scope(&mut sql, scope);
        c.query_opt(&sql.text, &sql.params, |r| self.summary_from_row(r))?.ok_or(StoreError::NotFound)
    }

    /// The open reports of a duty desk's area (or, for anyone else, the reports they may
    /// see), most urgent first, then the oldest.
    pub fn report_queue(&self, p: &Principal) -> Result<Vec<ReportSummary>, StoreError> {
        let scope = report_scope(p);
        self.reports.read(|c| {
            let mut sql = Sql::new(&format!("SELECT {SUMMARY_COLUMNS} FROM reports r WHERE r.step <> 'handed_over'"));
            push_report_scope(&mut sql, &scope);
            sql.push(QUEUE_ORDER).push(" LIMIT 500");
            c.query(&sql.text, &sql.params, |r| self.summary_from_row(r))
        })
    }

    /// Every report the user may see, newest first.
    pub fn list_reports(&self, p: &Principal, limit: i64, offset: i64) -> Result<Vec<ReportSummary>, StoreError> {
        let scope = report_scope(p);
        self.reports.read(|c| {
            let mut sql = Sql::new(&format!("SELECT {SUMMARY_COLUMNS} FROM reports r WHERE 1 = 1"));
            push_report_scope(&mut sql, &scope);
            sql.push(" ORDER BY r.id DESC LIMIT ").bind(limit).push(" OFFSET ").bind(offset);
            c.query(&sql.text, &sql.params, |r| self.summary_from_row(r))
        })
    }

    /// Records that `p` viewed a report; the caller shows it only once this returns.
    pub fn record_report_view(&self, p: &Principal, id: i64) -> Result<(), StoreError> {
        self.record_case_view(p, "view_report", id)
    }

    /// Records a view of a report (`view_report`) or an assessment (`view_assessment`, by
    /// its id) in the reports' access log.
    pub fn record_case_view(&self, p: &Principal, action: &'static str, id: i64) -> Result<(), StoreError> {
        let actor = p.actor();
        let at = self.now();
        // The township signs for a case the police handed over by opening it (decision 141):
        // the hand-over leaves its to-do list. Scoped like every read of the report.
        let receipt =
            (action == "view_report" && p.role == shouhu_domain::role::Role::TownshipStaff).then(|| report_scope(p));
        let rx = self.report_writer.submit(move |c| {
            if let Some(scope) = &receipt {
                let mut sql = Sql::new("UPDATE reports SET acknowledged_at = ");
                sql.bind(at).push(", acknowledged_by = ").bind(actor.user_name.as_str());
                sql.push(" WHERE id = ").bind(id);
                sql.push(" AND step = 'handed_over' AND acknowledged_at IS NULL");
                // push_report_scope qualifies by `r.`: an alias the UPDATE does not have.
                if let ReportScope::Area(s) = scope {
                    push_scope_on(&mut sql, s, "");
                } else {
                    sql.push(" AND 1 = 0");
                }
                c.exec(&sql.text, &sql.params)?;
            }
            record_access(c, at, &actor, id, action, "")
        });
        rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))
    }

    /// A report in full as `p` may see it (record the view with `record_report_view`; the
    /// answer to a change needs none, the change is on the timeline).
    pub fn report_detail(&self, p: &Principal, id: i64) -> Result<ReportDetail, StoreError> {
        let scope = report_scope(p);
        let area_viewer = matches!(scope, ReportScope::Area(_));
        self.reports.read(|c| {
            let mut sql = Sql::new(&format!("SELECT {SUMMARY_COLUMNS}, {DETAIL_COLUMNS} FROM reports r WHERE r.id = "));
            sql.bind(id);
            push_report_scope(&mut sql, &scope);
            let mut detail = c
                .query_opt(&sql.text, &sql.params, |r| {
                    let summary = self.summary_from_row(r)?;
                    let reporter = ReporterInfo {
                        channel: Channel::parse(&r.text(16)?).ok_or_else(|| bad("channel"))?,
                        name: r.opt_text(17)?,
                        org_name: r.opt_text(18)?,
                        org_type: r.opt_text(19)?,
                        contact_name: self.cipher.open_opt_text(field::REPORT_CONTACT_NAME, r.opt_text(20)?)?,
                        contact_phone: self.cipher.open_opt_text(field::REPORT_CONTACT_PHONE, r.opt_text(21)?)?,
                    };
                    Ok(ReportDetail {
                        likely_case_kind: rules::likely_case_kind(&summary.situations),
                        summary,
                        description: r.text(14)?,
                        child_description: r.opt_text(15)?,
                        reporter: rules::may_see_reporter(p.role).then_some(reporter),
                        case_kind: r.opt_text(22)?.and_then(|k| CaseKind::parse(&k)),
                        missing_actions: Vec::new(),
                        actions_done: Vec::new(),
                        release_radius_km: None,
                        station_org_id: r.opt_i64(23)?,
                        handed_over_at: r.opt_ts(24)?,
                        assessment_due: r.opt_ts(25)?,
                        events: Vec::new(),
                        attachments: Vec::new(),
                    })
                })?
                .ok_or(StoreError::NotFound)?;
            detail.events = c.query(
                &format!("SELECT {EVENT_COLUMNS} FROM report_events e JOIN reports r ON r.id = e.report_id WHERE e.report_id = $1 ORDER BY e.id"),
                &[id.into()],
                |r| event_from_row(r, p.role, area_viewer),
            )?;
            detail.attachments = crate::report_attachments::list_in(c, id)?;
            detail.actions_done = actions_done(&detail.events);
            let kind = detail.case_kind.unwrap_or(detail.likely_case_kind);
            detail.missing_actions = rules::missing_actions(kind, &detail.actions_done);
            if kind == CaseKind::Missing {
                detail.release_radius_km = Some(rules::release_radius_km(self.now() - detail.summary.discovered_at));
            }
            Ok(detail)
        })
    }

    /// What the public may learn with a receipt number: the report's progress.
    pub fn report_status(&self, receipt: &str) -> Result<ReportStatus, StoreError> {
        self.reports
            .read(|c| {
                c.query_opt(
                    "SELECT receipt, reported_at, step, step_at FROM reports WHERE receipt = $1",
                    &[receipt.trim().to_ascii_uppercase().into()],
                    |r| {
                        Ok(ReportStatus {
                            receipt: r.text(0)?,
                            reported_at: r.ts(1)?,
                            step: Step::parse(&r.text(2)?).ok_or_else(|| bad("step"))?,
                            step_at: r.ts(3)?,
                        })
                    },
                )
            })?
            .ok_or(StoreError::NotFound)
    }

    /// Moves a report one step on ([S] 二(三)): only a police station's duty desk, only for
    /// its area, only to the next step, and only from the version the officer saw.
    /// Disposal needs the kind of case and its required actions; the hand-over opens the
    /// township's assessment deadline.
    pub fn advance_report(
        &self,
        p: &Principal,
        id: i64,
        to: Step,
        version: i64,
        case_kind: Option<CaseKind>,
    ) -> Result<(), StoreError> {
        if !rules::may_act_as_duty_desk(p.role, p.org_type) {
            return Err(StoreError::Forbidden);
        }
        let desk = p.clone();
        let at = self.now();
        let settings = self.settings.reports;
        let store = self.clone();
        let rx = self.report_writer.submit(move |c| {
            advance_in(c, &desk, id, to, version, case_kind, at, settings)?;
            store.load_summary(c, &ReportScope::Everything, id)
        });
        let summary = rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))?;
        self.publish("changed", summary);
        if to == Step::HandedOver {
            self.wake_notifier();
        }
        Ok(())
    }

    /// Records an action of the disposal, once the police are on scene ([S] 二(三)).
    pub fn record_report_action(
        &self,
        p: &Principal,
        id: i64,
        action: DisposalAction,
        carer: Option<TemporaryCarer>,
        note: Option<String>,
    ) -> Result<(), StoreError> {
        if !rules::may_act_as_duty_desk(p.role, p.org_type) {
            return Err(StoreError::Forbidden);
        }
        let mut errs = FieldErrors::default();
        let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        if note.as_ref().is_some_and(|n| n.chars().count() > rules::DESCRIPTION_MAX) {
            errs.add("note", msg::too_long(rules::DESCRIPTION_MAX));
        }
        if action == DisposalAction::TemporaryCare && carer.is_none() {
            errs.add("carer", msg::REPORT_CARER_REQUIRED);
        }
        if action == DisposalAction::HandOverRecord && note.is_none() {
            errs.add("note", msg::REPORT_NOTE_REQUIRED);
        }
        errs.into_result(()).map_err(StoreError::Invalid)?;
        let desk = p.clone();
        let at = self.now();
        let store = self.clone();
        let rx = self.report_writer.submit(move |c| {
            let scope = ReportScope::Area(Scope::Region(desk.region_code.clone()));
            let (step, _, _) = load_step(c, &scope, id)?;
            if step != Step::OnScene {
                return Err(StoreError::State(msg::REPORT_ACTION_STEP));
            }
            let detail = serde_json::json!({
                "action": action.code(),
                "carer": carer.map(|c| c.code()),
                "note": note,
            });
            insert_event(c, id, "action", at, &desk, &detail)?;
            store.load_summary(c, &ReportScope::Everything, id)
        });
        let summary = rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))?;
        self.publish("changed", summary);
        Ok(())
    }

    /// Events after `after`, oldest first, within the caller's area: the outbox another
    /// system reads. Ids grow in commit order, so a consumer that keeps the last id it
    /// processed and asks again after a failure misses nothing.
    pub fn report_events_after(&self, p: &Principal, after: i64, limit: i64) -> Result<Vec<ReportEvent>, StoreError> {
        let scope = report_scope(p);
        if !matches!(scope, ReportScope::Area(_)) {
            return Err(StoreError::Forbidden);
        }
        self.reports.read(|c| {
            let mut sql = Sql::new(&format!(
                "SELECT {EVENT_COLUMNS} FROM report_events e JOIN reports r ON r.id = e.report_id WHERE e.id > "
            ));
            sql.bind(after);
            push_report_scope(&mut sql, &scope);
            sql.push(" ORDER BY e.id LIMIT ").bind(limit);
            c.query(&sql.text, &sql.params, |r| event_from_row(r, p.role, true))
        })
    }

    /// Subscribes to committed changes (for a duty desk's live queue).
    pub fn desk_events(&self) -> tokio::sync::broadcast::Receiver<Arc<DeskEvent>> {
        self.report_bus.subscribe()
    }
}

/// Whether a desk event belongs on the queue of a user with this principal.
pub fn desk_sees(p: &Principal, e: &DeskEvent) -> bool {
    rules::may_see_area_reports(p.role) && shouhu_domain::region::within(&e.report.village_code, &p.region_code)
}

/// Hash of the submission as sent, to tell a retry (same content) from a reused key.
fn report_hash(intake: &Intake) -> String {
    use sha2::Digest;
    let text = serde_json::to_string(intake).unwrap_or_default();
    hex::encode(sha2::Sha256::digest(text.as_bytes()))
}

fn actions_done(events: &[ReportEvent]) -> Vec<DisposalAction> {
    let mut done = Vec::new();
    for e in events.iter().filter(|e| e.kind == "action") {
        if let Some(a) = action_of(&e.detail)
            && !done.contains(&a)
        {
            done.push(a);
        }
    }
    done
}

/// Writes a report, or finds the one a repeated submission already wrote; with a new report,
/// its summary for the desks (from what was written, without reading it back; the village's
/// name is the caller's to fill in).
fn insert_report(
    c: &mut Conn<'_, '_>,
    r: &CheckedReport,
    settings: ReportSettings,
) -> Result<(Receipt, Option<ReportSummary>), StoreError> {
    if let Some(key) = &r.idem_key {
        let earlier = c.query_opt(
            "SELECT id, receipt, reported_at, urgency, idem_hash FROM reports WHERE idem_key = $1",
            &[key.into()],
            |row| Ok((row.i64(0)?, row.text(1)?, row.ts(2)?, row.text(3)?, row.opt_text(4)?)),
        )?;
        if let Some((id, receipt, reported_at, urgency, hash)) = earlier {
            if hash.as_deref() != Some(r.idem_hash.as_str()) {
                return Err(StoreError::invalid("idempotency_key", msg::REPORT_REPEATED_KEY));
            }
            let urgency = Urgency::parse(&urgency).ok_or_else(|| bad("urgency"))?;
            return Ok((Receipt { id, receipt, reported_at, urgency, repeated: true }, None));
        }
    }
    let i = &r.intake;
    let urgency = rules::urgency(&i.situations);
    let discovered_at = i.discovered_at.unwrap_or(r.reported_at);
    let late = rules::reported_late(discovered_at, r.reported_at, settings.late_report_limit);
    let receipt = new_receipt(r.reported_at);
    let (user_id, name, org_id, org_name, org_type, channel) = match &r.reporter {
        Reporter::Member(p) => (
            Some(p.user_id),
            Some(p.display_name.clone()),
            Some(p.org_id),
            Some(p.org_name.clone()),
            Some(p.org_type.code()),
            Channel::Member,
        ),
        Reporter::Public => (None, None, None, None, None, Channel::Public),
    };
    let district = r.village_code.get(..6).unwrap_or_default().to_string();
    let id = c
        .query_opt(
            "INSERT INTO reports (receipt, idem_key, idem_hash, district_code, village_code, child_id, child_name, \
             child_description, situations, urgency, urgency_rank, description, discovered_at, reported_at, \
             late_report, channel, reporter_user_id, reporter_name, reporter_org_id, reporter_org_name, \
             reporter_org_type, contact_name, contact_phone, step, step_at, version) VALUES \
             ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $14, $15, $16, $17, $18, $19, $20, $21, $22, \
             $23, $24, $14, 1) RETURNING id",
            &[
                receipt.as_str().into(),
                r.idem_key.clone().into(),
                r.idem_hash.as_str().into(),
                district.as_str().into(),
                r.village_code.as_str().into(),
                i.child_id.into(),
                r.child_name.clone().into(),
                i.child_description.clone().into(),
                situations_text(&i.situations).into(),
                urgency.code().into(),
                i64::from(urgency.rank()).into(),
                i.description.as_str().into(),
                discovered_at.into(),
                r.reported_at.into(),
                late.into(),
                channel.code().into(),
                user_id.into(),
                name.clone().into(),
                org_id.into(),
                org_name.into(),
                org_type.into(),
                r.sealed_contact.0.clone().into(),
                r.sealed_contact.1.clone().into(),
                Step::Filed.code().into(),
            ],
            |row| row.i64(0),
        )?
        .ok_or_else(|| StoreError::Backend("insert returned no id".into()))?;
    let detail = serde_json::json!({
        "receipt": receipt,
        "urgency": urgency.code(),
        "situations": i.situations.iter().map(|s| s.code()).collect::<Vec<_>>(),
        "district_code": district,
        "village_code": r.village_code,
        "child_id": i.child_id,
        "late_report": late,
    });
    c.exec(
        "INSERT INTO report_events (report_id, kind, at, user_id, user_name, org_id, detail) \
         VALUES ($1, 'filed', $2, $3, $4, $5, $6)",
        &[
            id.into(),
            r.reported_at.into(),
            user_id.into(),
            name.unwrap_or_else(|| Channel::Public.label().to_string()).into(),
            org_id.into(),
            detail.to_string().into(),
        ],
    )?;
    // The area's duty desk hears of it (decision 151), in the report's own transaction.
    let notice = crate::notify::report_filed(id, &r.village_code, urgency == Urgency::Critical);
    crate::notify::announce_in_reports(c, &notice, r.reported_at)?;
    let summary = ReportSummary {
        id,
        receipt: receipt.clone(),
        village_code: r.village_code.clone(),
        village_name: String::new(),
        child_id: i.child_id,
        child_name: r.child_name.clone(),
        situations: i.situations.clone(),
        urgency,
        discovered_at,
        reported_at: r.reported_at,
        step: Step::Filed,
        step_at: r.reported_at,
        late_report: late,
        late_response: false,
        version: 1,
    };
    Ok((Receipt { id, receipt, reported_at: r.reported_at, urgency, repeated: false }, Some(summary)))
}

/// A report's step, version and village, if it is within the scope.
fn load_step(c: &mut Conn<'_, '_>, scope: &ReportScope, id: i64) -> Result<(Step, i64, String), StoreError> {
    let mut sql = Sql::new("SELECT r.step, r.version, r.village_code FROM reports r WHERE r.id = ");
    sql.bind(id);
    push_report_scope(&mut sql, scope);
    c.query_opt(&sql.text, &sql.params, |r| {
        Ok((Step::parse(&r.text(0)?).ok_or_else(|| bad("step"))?, r.i64(1)?, r.text(2)?))
    })?
    .ok_or(StoreError::NotFound)
}

/// The disposal action an `action` event records.
fn action_of(detail: &serde_json::Value) -> Option<DisposalAction> {
    detail.get("action").and_then(|a| a.as_str()).and_then(DisposalAction::parse)
}

pub(crate) fn insert_event(
    c: &mut Conn<'_, '_>,
    id: i64,
    kind: &str,
    at: DateTime<Utc>,
    who: &Principal,
    detail: &serde_json::Value,
) -> Result<(), StoreError> {
    c.exec(
        "INSERT INTO report_events (report_id, kind, at, user_id, user_name, org_id, detail) VALUES ($1, $2, $3, $4, $5, $6, $7)",
        &[
            id.into(),
            kind.into(),
            at.into(),
            who.user_id.into(),
            who.actor().user_name.into(),
            who.org_id.into(),
            detail.to_string().into(),
        ],
    )?;
    Ok(())
}

#[allow(clippy::too_many_arguments)]
fn advance_in(
    c: &mut Conn<'_, '_>,
    desk: &Principal,
    id: i64,
    to: Step,
    version: i64,
    case_kind: Option<CaseKind>,
    at: DateTime<Utc>,
    settings: ReportSettings,
) -> Result<(), StoreError> {
    let scope = ReportScope::Area(Scope::Region(desk.region_code.clone()));
    let (step, current, village) = load_step(c, &scope, id)?;
    if current != version {
        return Err(StoreError::Stale { current });
    }
    if rules::next_step(step) != Some(to) {
        return Err(StoreError::State(msg::REPORT_STEP_ORDER));
    }
    let mut detail = serde_json::json!({ "step": to.code() });
    let mut sql = Sql::new("UPDATE reports SET step = ");
    sql.bind(to.code()).push(", step_at = ").bind(at).push(", version = version + 1");
    match to {
        Step::Accepted => {
            sql.push(", accepted_at = ").bind(at).push(", station_org_id = ").bind(desk.org_id);
        }
        Step::Disposed => {
            let Some(kind) = case_kind else {
                return Err(StoreError::invalid("case_kind", msg::REPORT_CASE_KIND_REQUIRED));
            };
            let done: Vec<DisposalAction> = c
                .query(
                    "SELECT detail FROM report_events WHERE report_id = $1 AND kind = 'action'",
                    &[id.into()],
                    |r| Ok(serde_json::from_str::<serde_json::Value>(&r.text(0)?)?),
                )?
                .iter()
                .filter_map(action_of)
                .collect();
            let missing = rules::missing_actions(kind, &done);
            if !missing.is_empty() {
                let mut errs = FieldErrors::default();
                let names: Vec<&str> = missing.iter().map(|a| a.label()).collect();
                errs.add("case_kind", format!("{}{}", msg::REPORT_ACTIONS_MISSING, names.join("、")));
                return Err(StoreError::Invalid(errs));
            }
            sql.push(", case_kind = ").bind(kind.code());
            detail["case_kind"] = kind.code().into();
        }
        Step::HandedOver => {
            let due = rules::assessment_due(at, settings.assessment_days);
            sql.push(", handed_over_at = ").bind(at).push(", assessment_due = ").bind(due);
            detail["assessment_due"] = due.to_rfc3339().into();
            // The township's assessment opens with the hand-over, in the same transaction.
            let assessment = crate::casework::open_from_report(c, id, at, &desk.actor().user_name, due)?;
            detail["assessment_id"] = assessment.into();
        }
        Step::Filed | Step::Dispatched | Step::OnScene => {}
    }
    sql.push(" WHERE id = ").bind(id).push(" AND version = ").bind(version);
    if c.exec(&sql.text, &sql.params)? != 1 {
        return Err(StoreError::Stale { current });
    }
    if to == Step::HandedOver {
        // The township of the child's village is notified ([S] 二(三)).
        detail["township_code"] = village.get(..9).into();
        crate::notify::announce_in_reports(c, &crate::notify::report_handed_over(id, &village), at)?;
    }
    insert_event(c, id, to.code(), at, desk, &detail)
}

fn record_access(
    c: &mut Conn<'_, '_>,
    at: DateTime<Utc>,
    actor: &crate::Actor,
    id: i64,
    action: &str,
    detail: &str,
) -> Result<(), StoreError> {
    c.exec(
        "INSERT INTO report_access (at, user_id, user_name, action, report_id, detail) VALUES ($1, $2, $3, $4, $5, $6)",
        &[at.into(), actor.user_id.into(), actor.user_name.as_str().into(), action.into(), id.into(), detail.into()],
    )?;
    Ok(())
}

/// Tables the PostgreSQL writer locks so that event ids are handed out in commit order:
/// a consumer of the outbox that resumes after id N must never find N-1 committed later.
pub fn lock_for_order(c: &mut Conn<'_, '_>) -> Result<(), StoreError> {
    if !c.is_sqlite() {
        // And wakes every server's notifier at commit: desks connected anywhere hear it.
        c.batch(&format!(
            "SELECT pg_advisory_xact_lock(7243001); SELECT pg_notify('{}', '')",
            crate::notify::PG_CHANNEL
        ))?;
    }
    Ok(())
}
