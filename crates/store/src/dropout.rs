//! Dropout cases (控辍保学, issue 18): opened by the school for a child enrolled there, worked
//! step by step in the law's order (`shouhu_domain::dropout`), reported in writing to the
//! education bureau and the township, closed when the child is back or cannot be.
//!
//! Kept in the registry (decision 130): a case opens and closes with a change to the child's
//! file (its schooling, with history), in one transaction with it; the roster matches files;
//! the district table counts by village and school as the ledger does. The case holds no ID
//! or phone number: the guardians' contacts are read from the (sealed) file when the case is
//! shown, and only those (decision 131).

use crate::audit::{self, Action};
use crate::children::push_scope_on;
use crate::db::{Conn, Row, Sql, Val};
use crate::error::StoreError;
use crate::users::Principal;
use crate::{Actor, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shouhu_domain::age;
use shouhu_domain::child::{ChildFile, ChildRecord};
use shouhu_domain::codes::{Schooling, Sex};
use shouhu_domain::dropout::{
    self as rules, AbsenceReason, DropoutClose, DropoutMeasure, DropoutState, DropoutStepKind, NextAction,
    NoticeChannel, PersuasionOutcome, PersuasionParty, Progress, StepFact, Told,
};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::masking;
use shouhu_domain::msg;
use shouhu_domain::region;
use shouhu_domain::role::{OrgType, Role, Scope};

/// The longest note on a step.
pub const NOTE_MAX: usize = 500;

/// What the school types to open a case.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewDropoutCase {
    /// A child enrolled at the caller's school.
    pub child_id: i64,
    /// The first day the child did not come to school.
    #[serde(default, with = "shouhu_domain::iso_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub first_absent_on: Option<NaiveDate>,
    /// What is known of why (at least one).
    #[serde(default)]
    pub reasons: Vec<AbsenceReason>,
    /// Needed with `other`.
    #[serde(default)]
    pub note: Option<String>,
}

/// One step of a case, as typed. Which fields a step needs depends on `step`; a refusal names
/// the field.
#[derive(Debug, Clone, Default, Serialize, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct DropoutStepInput {
    /// `notified`, `persuasion`, `reported`, `measure`, `closed` or `reopened`.
    #[serde(default)]
    pub step: Option<DropoutStepKind>,
    /// The day of the step (for `reopened`: the new first day of absence).
    #[serde(default, with = "shouhu_domain::iso_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub date: Option<NaiveDate>,
    /// `notified`: how.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<NoticeChannel>,
    /// `notified`: who was told (for a child in entrusted care, the carer and a parent).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub told: Vec<Told>,
    /// `persuasion`: who took part.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub parties: Vec<PersuasionParty>,
    /// `persuasion`: how the round ended.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub outcome: Option<PersuasionOutcome>,
    /// `measure`: which.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub measure: Option<DropoutMeasure>,
    /// `closed`: how the case ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub close: Option<DropoutClose>,
    /// `closed` as `returned_to_school` or `enrolled_elsewhere`: the school (an organisation);
    /// a return defaults to the case's school.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub school_org_id: Option<i64>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

/// A case as lists show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DropoutCaseSummary {
    pub id: i64,
    pub child_id: i64,
    pub child_name: String,
    pub village_code: String,
    pub village_name: String,
    pub township_name: String,
    pub school_org_id: i64,
    pub school_name: String,
    pub state: DropoutState,
    #[schema(value_type = String, format = Date)]
    pub first_absent_on: NaiveDate,
    /// `notify`, `persuade`, `report`, `measures`, `close` or `nothing`.
    pub next_action: String,
    pub next_action_label: String,
    /// When the next action is due (`dropout.*` settings); none when no day is set.
    #[schema(value_type = Option<String>, format = Date)]
    pub next_due: Option<NaiveDate>,
    /// The next action is past its day.
    pub overdue: bool,
    pub report_no: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub reported_on: Option<NaiveDate>,
    pub close_outcome: Option<DropoutClose>,
    pub version: i64,
}

/// A guardian the school or the bureau may have to reach: their relation, name and phone
/// (masked for a role that may not see it).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct GuardianContact {
    pub relation: String,
    pub name: String,
    pub phone: Option<String>,
}

/// What a case shows of the child's file, and no more (decision 131): name, sex, age, school,
/// village, the guardians' contacts.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DropoutChild {
    pub name: String,
    pub sex: Option<Sex>,
    pub age: Option<u32>,
    pub school_name: String,
    pub village_name: String,
    pub schooling: Option<Schooling>,
    pub entrusted: bool,
    pub contacts: Vec<GuardianContact>,
}

/// One recorded step.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DropoutStepView {
    pub seq: i64,
    pub kind: DropoutStepKind,
    #[schema(value_type = String, format = Date)]
    pub date: NaiveDate,
    /// The step in words (who was told and how, who took part and the outcome, …).
    pub summary: String,
    pub note: Option<String>,
    /// A referral's assessment (评估帮扶), opened when the township recorded it.
    pub assessment_id: Option<i64>,
    pub recorded_at: DateTime<Utc>,
    pub recorded_by: String,
    pub org_name: String,
}

/// A case with its child, its steps and what the caller may record next.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DropoutCaseDetail {
    pub summary: DropoutCaseSummary,
    pub child: DropoutChild,
    pub reasons: Vec<AbsenceReason>,
    pub note: Option<String>,
    pub steps: Vec<DropoutStepView>,
    /// The written report as sent (once the `reported` step is recorded).
    pub report_text: Option<String>,
    /// The steps the caller may record now.
    pub may_record: Vec<DropoutStepKind>,
}

/// One line of the district table.
#[derive(Debug, Clone, Default, Serialize, utoipa::ToSchema)]
pub struct DropoutTableLine {
    /// A township's code, or a school's organisation id.
    pub key: String,
    pub name: String,
    pub opened: i64,
    pub returned: i64,
    pub open: i64,
    pub overdue: i64,
}

impl DropoutTableLine {
    fn add(&mut self, o: &DropoutTableLine) {
        self.opened += o.opened;
        self.returned += o.returned;
        self.open += o.open;
        self.overdue += o.overdue;
    }
}

/// Dropouts opened, returned, open and open past their deadline, per township and per school.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DropoutTable {
    pub townships: Vec<DropoutTableLine>,
    pub schools: Vec<DropoutTableLine>,
    pub total: DropoutTableLine,
}

/// Which cases a list shows.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum DropoutFilter {
    /// Cases not closed, the next due first.
    #[default]
    Open,
    /// Cases reported in writing (the education bureau's and the township's inbox), newest first.
    Reported,
    /// Every case, newest first.
    All,
}

const SUMMARY_COLUMNS: &str = "d.id, d.child_id, d.child_name, d.village_code, d.school_org_id, o.name, d.state, \
     d.first_absent_on, d.next_action, d.next_due, d.report_no, d.reported_on, d.close_outcome, d.version";

/// Every child's file, for the store's own reads and writes once a case's scope has let the
/// caller in (an education officer reads no file, and a child may have left the school).
fn everywhere() -> Scope {
    Scope::Region(String::new())
}

fn principal_scope(p: &Principal) -> Scope {
    rules::case_scope(p.role, p.org_type, p.org_id, &p.region_code)
}

fn note_of(note: &Option<String>, errs: &mut FieldErrors) -> Option<String> {
    let n = note.as_deref().map(str::trim).filter(|n| !n.is_empty()).map(str::to_string);
    if n.as_ref().is_some_and(|n| n.chars().count() > NOTE_MAX) {
        errs.add("note", msg::too_long(NOTE_MAX));
    }
    if n.as_ref().is_some_and(|n| n.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t')) {
        errs.add("note", msg::CONTROL_CHARS);
    }
    n
}

fn codes<T: Copy>(v: &[T], code: fn(T) -> &'static str) -> String {
    v.iter().map(|x| code(*x)).collect::<Vec<_>>().join(",")
}

fn labels<T: Copy>(v: &[T], label: fn(T) -> &'static str) -> String {
    v.iter().map(|x| label(*x)).collect::<Vec<_>>().join("、")
}

impl Store {
    fn dropout_summary(&self, r: &dyn Row, today: NaiveDate) -> Result<DropoutCaseSummary, StoreError> {
        let bad = |w: &str| StoreError::Backend(format!("unknown {w} in dropout_cases"));
        let village: String = r.text(3)?;
        let next_action = r.text(8)?;
        let next_due = r.opt_date(9)?;
        let state = DropoutState::parse(&r.text(6)?).ok_or_else(|| bad("state"))?;
        Ok(DropoutCaseSummary {
            id: r.i64(0)?,
            child_id: r.i64(1)?,
            child_name: r.text(2)?,
            village_name: self.regions.name(&village).to_string(),
            township_name: self.regions.name(village.get(..9).unwrap_or("")).to_string(),
            village_code: village,
            school_org_id: r.i64(4)?,
            school_name: r.text(5)?,
            state,
            first_absent_on: r.opt_date(7)?.ok_or_else(|| bad("first_absent_on"))?,
            next_action_label: next_action_of(&next_action).label().to_string(),
            next_action,
            overdue: state != DropoutState::Closed && next_due.is_some_and(|d| d < today),
            next_due,
            report_no: r.opt_text(10)?,
            reported_on: r.opt_date(11)?,
            close_outcome: r.opt_text(12)?.and_then(|c| DropoutClose::parse(&c)),
            version: r.i64(13)?,
        })
    }

    fn load_dropout_case(
        &self,
        c: &mut Conn<'_, '_>,
        scope: &Scope,
        id: i64,
    ) -> Result<DropoutCaseSummary, StoreError> {
        let mut sql = Sql::new(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM dropout_cases d JOIN organisations o ON o.id = d.school_org_id WHERE d.id = "
        ));
        sql.bind(id);
        push_scope_on(&mut sql, scope, "d.");
        let today = self.today();
        c.query_opt(&sql.text, &sql.params, |r| self.dropout_summary(r, today))?.ok_or(StoreError::NotFound)
    }

    fn dropout_steps_of(&self, c: &mut Conn<'_, '_>, id: i64) -> Result<Vec<(StepFact, StepRow)>, StoreError> {
        c.query(
            "SELECT seq, kind, on_date, code, detail, recorded_at, user_name, org_name FROM dropout_steps \
             WHERE case_id = $1 ORDER BY seq",
            &[id.into()],
            |r| {
                let kind = DropoutStepKind::parse(&r.text(1)?)
                    .ok_or_else(|| StoreError::Backend("unknown step in dropout_steps".into()))?;
                let on = r.opt_date(2)?.ok_or_else(|| StoreError::Backend("step without a date".into()))?;
                let code = r.opt_text(3)?;
                let fact = StepFact {
                    kind,
                    on,
                    outcome: code
                        .as_deref()
                        .and_then(PersuasionOutcome::parse)
                        .filter(|_| kind == DropoutStepKind::Persuasion),
                    close: code.as_deref().and_then(DropoutClose::parse).filter(|_| kind == DropoutStepKind::Closed),
                };
                let detail: DropoutStepInput = serde_json::from_str(&r.text(4)?)?;
                Ok((
                    fact,
                    StepRow {
                        seq: r.i64(0)?,
                        detail,
                        code,
                        recorded_at: r.ts(5)?,
                        user_name: r.text(6)?,
                        org_name: r.text(7)?,
                    },
                ))
            },
        )
    }

    /// Opens a case for a child enrolled at the caller's school: the child's file then says
    /// 辍学 (with history), and the case waits for the parents' notice. Refused, naming the
    /// field: a child not enrolled at the school (or missing: the same words), not of
    /// compulsory-education age ([CE] 2, 11), a first day of absence in the future; a child
    /// with an open case already.
    pub fn open_dropout_case(&self, p: &Principal, new: NewDropoutCase) -> Result<i64, StoreError> {
        if !rules::is_school_staff(p.role, p.org_type) {
            return Err(StoreError::Forbidden);
        }
        let today = self.today();
        let mut errs = FieldErrors::default();
        match new.first_absent_on {
            None => errs.add("first_absent_on", msg::REQUIRED),
            Some(d) if d > today => errs.add("first_absent_on", msg::DATE_IN_FUTURE),
            _ => {}
        }
        let note = note_of(&new.note, &mut errs);
        errs.0.extend(rules::check_reasons(&new.reasons, note.as_deref()).0);
        let actor = p.actor();
        let now = self.now();
        let school = Scope::School(p.org_id);
        self.pool.write(|c| {
            let child = match self.load(c, &school, new.child_id) {
                Ok(ch) if matches!(ch.status, shouhu_domain::child::FileStatus::Open) => Some(ch),
                Ok(_) | Err(StoreError::NotFound) => {
                    errs.add("child_id", msg::DROPOUT_NOT_ENROLLED);
                    None
                }
                Err(e) => return Err(e),
            };
            if let Some(ch) = &child {
                match ch.file.birth_date.and_then(|b| age::full_years(b, today, self.settings.age_rule)) {
                    None => errs.add("child_id", msg::DROPOUT_NO_BIRTH_DATE),
                    Some(a) if !rules::is_compulsory_age(a) => errs.add("child_id", msg::DROPOUT_NOT_COMPULSORY_AGE),
                    _ => {}
                }
            }
            if !errs.is_empty() {
                return Err(StoreError::Invalid(std::mem::take(&mut errs)));
            }
            let (Some(child), Some(first)) = (child, new.first_absent_on) else {
                return Err(StoreError::Backend("checked above".into()));
            };
            if c.query_opt(
                "SELECT id FROM dropout_cases WHERE child_id = $1 AND state <> 'closed'",
                &[child.id.into()],
                |r| r.i64(0),
            )?
            .is_some()
            {
                return Err(StoreError::State(msg::DROPOUT_ALREADY_OPEN));
            }
            let steps = [StepFact { kind: DropoutStepKind::Opened, on: first, outcome: None, close: None }];
            let progress = rules::progress(&steps).ok_or_else(|| StoreError::Backend("no step".into()))?;
            let next = rules::next_action(&progress);
            let id = c
                .query_opt(
                    "INSERT INTO dropout_cases (district_code, child_id, child_name, village_code, school_org_id, \
                     first_absent_on, reasons, note, prior_schooling, state, next_action, next_due, opened_at, updated_at, version) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12, $13, $13, 1) RETURNING id",
                    &[
                        region::district_of(&child.file.village_code).into(),
                        child.id.into(),
                        child.file.name.as_str().into(),
                        child.file.village_code.as_str().into(),
                        p.org_id.into(),
                        first.into(),
                        codes(&new.reasons, AbsenceReason::code).into(),
                        note.clone().into(),
                        child.file.schooling.map(|s| s.code()).into(),
                        DropoutState::Opened.code().into(),
                        next.code().into(),
                        rules::due(&progress, &self.settings.dropout).into(),
                        now.into(),
                    ],
                    |r| r.i64(0),
                )?
                .ok_or_else(|| StoreError::Backend("no id returned".into()))?;
            let detail = DropoutStepInput { step: Some(DropoutStepKind::Opened), date: Some(first), note, ..Default::default() };
            self.insert_dropout_step(c, id, 1, &detail, None, &actor, &p.org_name, now)?;
            self.set_schooling_for_case(c, &actor, &child, Some(Schooling::DroppedOut), None, id, now)?;
            // An open dropout shortens the visit cadence (decision 104).
            self.refresh_visit_due(c, child.id, self.today())?;
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::ChangeDropoutCase,
                Some((child.id, &child.district_code)),
                &format!("{} {id}：{}", msg::DROPOUT_CASE, DropoutStepKind::Opened.label()),
            )?;
            Ok(id)
        })
    }

    #[allow(clippy::too_many_arguments)]
    fn insert_dropout_step(
        &self,
        c: &mut Conn<'_, '_>,
        case_id: i64,
        seq: i64,
        detail: &DropoutStepInput,
        code: Option<&str>,
        actor: &Actor,
        org_name: &str,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let kind = detail.step.ok_or_else(|| StoreError::Backend("a step without its kind".into()))?;
        let on = detail.date.ok_or_else(|| StoreError::Backend("a step without its date".into()))?;
        c.exec(
            "INSERT INTO dropout_steps (case_id, seq, kind, on_date, code, detail, recorded_at, user_id, user_name, org_name) \
             VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10)",
            &[
                case_id.into(),
                seq.into(),
                kind.code().into(),
                on.into(),
                code.into(),
                serde_json::to_string(detail)?.into(),
                now.into(),
                actor.user_id.into(),
                actor.user_name.as_str().into(),
                org_name.into(),
            ],
        )?;
        Ok(())
    }

    /// Writes the child's schooling (and school) into the file, with history, as the step's
    /// author: the store's own change that a step brings (decision 132).
    #[allow(clippy::too_many_arguments)]
    fn set_schooling_for_case(
        &self,
        c: &mut Conn<'_, '_>,
        actor: &Actor,
        child: &ChildRecord,
        schooling: Option<Schooling>,
        school: Option<(i64, String)>,
        case_id: i64,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut file: ChildFile = child.file.clone();
        file.schooling = schooling;
        if let Some((org, name)) = school {
            file.school_org_id = Some(org);
            file.school_name = Some(name);
        }
        let writer = Actor { scope: everywhere(), ..actor.clone() };
        let source = format!("dropout:{case_id}");
        self.update_in(c, now, &writer, child, &file, &source)?;
        Ok(())
    }

    /// Records a step of a case. `version` is the case's version the caller started from.
    /// The step must follow the last in the law's order, be dated neither before it nor in
    /// the future, and carry its fields; the caller's role must be the one that takes it.
    pub fn record_dropout_step(
        &self,
        p: &Principal,
        id: i64,
        version: i64,
        input: DropoutStepInput,
    ) -> Result<(), StoreError> {
        let scope = principal_scope(p);
        let actor = p.actor();
        let now = self.now();
        let today = self.today();
        let mut input = input;
        let referral = self
            .pool
            .write(|c| {
                let case = self.load_dropout_case(c, &scope, id)?;
                let mut errs = FieldErrors::default();
                let Some(kind) = input.step else {
                    return Err(StoreError::invalid("step", msg::REQUIRED));
                };
                let allowed = match kind {
                    DropoutStepKind::Notified
                    | DropoutStepKind::Persuasion
                    | DropoutStepKind::Reported
                    | DropoutStepKind::Reopened => rules::is_school_staff(p.role, p.org_type),
                    DropoutStepKind::Measure => rules::may_record_measures(p.role),
                    DropoutStepKind::Closed => rules::may_close(p.role, p.org_type),
                    DropoutStepKind::Opened => {
                        errs.add("step", msg::DROPOUT_STEP_OUT_OF_ORDER);
                        true
                    }
                };
                if !allowed {
                    return Err(StoreError::Forbidden);
                }
                if case.version != version {
                    return Err(StoreError::Stale { current: case.version });
                }
                let steps = self.dropout_steps_of(c, id)?;
                let facts: Vec<StepFact> = steps.iter().map(|s| s.0).collect();
                let progress =
                    rules::progress(&facts).ok_or_else(|| StoreError::Backend("a case without steps".into()))?;
                if errs.is_empty()
                    && let Err(m) = rules::may_follow(&progress, kind)
                {
                    errs.add("step", m);
                }
                match input.date {
                    None => errs.add("date", msg::REQUIRED),
                    Some(d) => {
                        if let Err(m) = rules::check_step_date(d, Some(progress.last_on), today) {
                            errs.add("date", m);
                        }
                    }
                }
                input.note = note_of(&input.note, &mut errs);
                let child = self.load(c, &everywhere(), case.child_id)?;
                let mut code: Option<&'static str> = None;
                let mut school: Option<(i64, String)> = None;
                // Only the fields of this kind of step are kept.
                let clean = DropoutStepInput {
                    step: Some(kind),
                    date: input.date,
                    note: input.note.clone(),
                    ..Default::default()
                };
                let mut detail = clean;
                match kind {
                    DropoutStepKind::Notified => {
                        if input.channel.is_none() {
                            errs.add("channel", msg::REQUIRED);
                        }
                        let entrusted =
                            child.file.entrusted_guardian.as_ref().is_some_and(|g| !g.name.trim().is_empty());
                        if let Err(m) = rules::notification_covers(entrusted, &input.told) {
                            errs.add("told", m);
                        }
                        detail.channel = input.channel;
                        detail.told = input.told.clone();
                    }
                    DropoutStepKind::Persuasion => {
                        if input.parties.is_empty() {
                            errs.add("parties", msg::REQUIRED);
                        }
                        match input.outcome {
                            None => errs.add("outcome", msg::REQUIRED),
                            Some(o) => code = Some(o.code()),
                        }
                        detail.parties = input.parties.clone();
                        detail.outcome = input.outcome;
                    }
                    DropoutStepKind::Measure => match input.measure {
                        None => errs.add("measure", msg::REQUIRED),
                        Some(m) => {
                            code = Some(m.code());
                            detail.measure = Some(m);
                        }
                    },
                    DropoutStepKind::Closed => match input.close {
                        None => errs.add("close", msg::REQUIRED),
                        Some(o) => {
                            code = Some(o.code());
                            detail.close = Some(o);
                            match o {
                                DropoutClose::ReturnedToSchool | DropoutClose::EnrolledElsewhere => {
                                    let org = match (o, input.school_org_id) {
                                        (_, Some(org)) => Some(org),
                                        (DropoutClose::ReturnedToSchool, None) => Some(case.school_org_id),
                                        _ => None,
                                    };
                                    if let Some(org) = org {
                                        match self.dropout_school_named(c, org)? {
                                            Some(name) => school = Some((org, name)),
                                            None => errs.add("school_org_id", msg::SCHOOL_ORG_UNKNOWN),
                                        }
                                    } else if detail.note.is_none() {
                                        errs.add("note", msg::DROPOUT_NAME_OTHER_SCHOOL);
                                    }
                                    detail.school_org_id = org;
                                }
                                DropoutClose::PastAge => {
                                    let age = child.file.birth_date.and_then(|b| {
                                        age::full_years(b, input.date.unwrap_or(today), self.settings.age_rule)
                                    });
                                    if age.is_some_and(|a| a <= rules::COMPULSORY_TO) {
                                        errs.add("close", msg::DROPOUT_STILL_COMPULSORY_AGE);
                                    }
                                }
                                DropoutClose::MovedAway => {}
                            }
                        }
                    },
                    DropoutStepKind::Reported | DropoutStepKind::Reopened | DropoutStepKind::Opened => {}
                }
                if !errs.is_empty() {
                    return Err(StoreError::Invalid(errs));
                }
                let on = input.date.ok_or_else(|| StoreError::Backend("checked above".into()))?;
                let mut facts = facts;
                facts.push(StepFact { kind, on, outcome: detail.outcome, close: detail.close });
                let after = rules::progress(&facts).ok_or_else(|| StoreError::Backend("no step".into()))?;
                let next = rules::next_action(&after);
                let seq = steps.last().map_or(0, |s| s.1.seq) + 1;
                let report_no = match kind {
                    DropoutStepKind::Reported => Some(self.next_dropout_report_number(c, &case, on)?),
                    _ => None,
                };
                self.insert_dropout_step(c, id, seq, &detail, report_no.as_deref().or(code), &actor, &p.org_name, now)?;
                let mut sql = Sql::new("UPDATE dropout_cases SET version = version + 1, state = ");
                sql.bind(after.state.code());
                sql.push(", next_action = ").bind(next.code());
                sql.push(", next_due = ").bind(rules::due(&after, &self.settings.dropout));
                sql.push(", updated_at = ").bind(now);
                match kind {
                    DropoutStepKind::Reported => {
                        // The bureau and the township hear of it, in the step's transaction.
                        crate::notify::announce(c, &crate::notify::dropout_reported(id, &case.village_code), now)?;
                        let no = report_no.clone().unwrap_or_default();
                        let text = self.dropout_report_text(&case, &child, &steps, &no, on, detail.note.as_deref());
                        sql.push(", report_no = ").bind(no);
                        sql.push(", reported_on = ").bind(on);
                        sql.push(", report_text = ").bind(text);
                    }
                    DropoutStepKind::Closed => {
                        sql.push(", close_outcome = ").bind(code);
                        sql.push(", closed_on = ").bind(on);
                    }
                    // The report sent before stays on the case (and its number on its step)
                    // until a new one replaces it.
                    DropoutStepKind::Reopened => {
                        sql.push(", close_outcome = ").bind(Val::Null);
                        sql.push(", closed_on = ").bind(Val::Null);
                        sql.push(", first_absent_on = ").bind(on);
                    }
                    _ => {}
                }
                sql.push(" WHERE id = ").bind(id);
                sql.push(" AND version = ").bind(version);
                if c.exec(&sql.text, &sql.params)? == 0 {
                    return Err(StoreError::Stale { current: case.version });
                }
                if matches!(kind, DropoutStepKind::Closed | DropoutStepKind::Reopened) {
                    self.refresh_visit_due(c, child.id, self.today())?;
                }
                // The file follows the case: back in school, at another, or dropped out again.
                match (kind, detail.close) {
                    (
                        DropoutStepKind::Closed,
                        Some(DropoutClose::ReturnedToSchool | DropoutClose::EnrolledElsewhere),
                    ) => {
                        let prior = self.dropout_prior_schooling(c, id)?;
                        let age = child.derived.age.unwrap_or(rules::COMPULSORY_FROM);
                        self.set_schooling_for_case(
                            c,
                            &actor,
                            &child,
                            Some(rules::stage_on_return(prior, age)),
                            school,
                            id,
                            now,
                        )?;
                    }
                    (DropoutStepKind::Reopened, _) => {
                        self.set_schooling_for_case(c, &actor, &child, Some(Schooling::DroppedOut), None, id, now)?;
                    }
                    _ => {}
                }
                audit::record(
                    c,
                    &self.audit_key,
                    now,
                    &actor,
                    Action::ChangeDropoutCase,
                    Some((child.id, &child.district_code)),
                    &format!("{} {id}：{}", msg::DROPOUT_CASE, kind.label()),
                )?;
                // A referral by those who run assessments opens one (below, decision 137).
                let refers = detail.measure == Some(DropoutMeasure::AssessmentReferral)
                    && shouhu_domain::assessment::may_run_assessment(p.role);
                Ok(refers.then_some((child.id, seq)))
            })
            .map_err(|e| match e {
                // Another writer took this step's number first: the caller's copy is stale.
                StoreError::UniqueViolation => StoreError::Stale { current: version + 1 },
                other => other,
            })?;
        self.wake_notifier();
        // The assessment lives with the reports (decision 33), another database on SQLite:
        // opened after the step is committed, and named on the step. If it cannot be opened,
        // the measure stands and the township opens it from the child's file.
        if let Some((child, seq)) = referral {
            match self.open_assessment(p, child) {
                Ok(assessment) => {
                    self.pool.write(|c| {
                        c.exec(
                            "UPDATE dropout_steps SET code = $1 WHERE case_id = $2 AND seq = $3",
                            &[format!("assessment:{assessment}").into(), id.into(), seq.into()],
                        )
                    })?;
                }
                Err(e) => tracing::warn!(case = id, error = %e, "a dropout referral opened no assessment"),
            }
        }
        Ok(())
    }

    fn dropout_prior_schooling(&self, c: &mut Conn<'_, '_>, id: i64) -> Result<Option<Schooling>, StoreError> {
        Ok(c.query_opt("SELECT prior_schooling FROM dropout_cases WHERE id = $1", &[id.into()], |r| r.opt_text(0))?
            .flatten()
            .and_then(|s| Schooling::parse(&s)))
    }

    /// The name of a school or kindergarten, if `org` is one.
    fn dropout_school_named(&self, c: &mut Conn<'_, '_>, org: i64) -> Result<Option<String>, StoreError> {
        let row = c.query_opt("SELECT name, org_type FROM organisations WHERE id = $1", &[org.into()], |r| {
            Ok((r.text(0)?, r.text(1)?))
        })?;
        Ok(row.filter(|(_, t)| OrgType::parse(t).is_some_and(OrgType::scoped_by_enrolment)).map(|(n, _)| n))
    }

    /// The next number of the district's written reports this year (one counter row a
    /// district and year, taken under the row's lock).
    fn next_dropout_report_number(
        &self,
        c: &mut Conn<'_, '_>,
        case: &DropoutCaseSummary,
        on: NaiveDate,
    ) -> Result<String, StoreError> {
        use chrono::Datelike;
        let district = region::district_of(&case.village_code).to_string();
        let seq = c
            .query_opt(
                "INSERT INTO dropout_report_numbers (district_code, year, last) VALUES ($1, $2, 1) \
                 ON CONFLICT (district_code, year) DO UPDATE SET last = dropout_report_numbers.last + 1 RETURNING last",
                &[district.as_str().into(), i64::from(on.year()).into()],
                |r| r.i64(0),
            )?
            .ok_or_else(|| StoreError::Backend("no report number".into()))?;
        Ok(rules::report_number(&district, on, seq))
    }

    /// The written report ([S] 二(一) 书面报告), made from the case as it stands when sent: the
    /// school, the child, the absence, whom the school told and how, every round of
    /// persuasion, the request. It names no ID or phone number.
    fn dropout_report_text(
        &self,
        case: &DropoutCaseSummary,
        child: &ChildRecord,
        steps: &[(StepFact, StepRow)],
        no: &str,
        on: NaiveDate,
        note: Option<&str>,
    ) -> String {
        let district = region::district_of(&case.village_code);
        let township = case.village_code.get(..9).unwrap_or("");
        let mut out = Vec::new();
        out.push(format!("{}　{no}", msg::DROPOUT_REPORT_TITLE));
        out.push(msg::dropout_report_to(self.regions.name(district), self.regions.name(township)));
        let sex = child.file.sex.map(|s| s.label()).unwrap_or("");
        let home = format!("{}{}", self.regions.name(township), case.village_name);
        let since = case.first_absent_on.format(msg::DROPOUT_DATE_FORMAT).to_string();
        out.push(format!(
            "　　{}",
            msg::dropout_report_absence(&case.child_name, sex, child.derived.age, &home, &since)
        ));
        let since = steps
            .iter()
            .rposition(|s| matches!(s.0.kind, DropoutStepKind::Opened | DropoutStepKind::Reopened))
            .unwrap_or(0);
        for (fact, row) in &steps[since..] {
            let line = match fact.kind {
                DropoutStepKind::Opened | DropoutStepKind::Reopened => continue,
                _ => step_summary(&row.detail),
            };
            out.push(format!(
                "　　{}，{line}{}",
                fact.on.format(msg::DROPOUT_DATE_FORMAT),
                note_suffix(&row.detail.note)
            ));
        }
        out.push(format!("　　{}", msg::DROPOUT_REPORT_REQUEST));
        if let Some(n) = note {
            out.push(format!("　　{n}"));
        }
        out.push(format!("{}　{}", case.school_name, on.format(msg::DROPOUT_DATE_FORMAT)));
        out.join("\n")
    }

    /// A case with its child's facts, its steps and what the caller may record next; the
    /// view is in the audit log.
    pub fn dropout_case(&self, p: &Principal, id: i64) -> Result<DropoutCaseDetail, StoreError> {
        let scope = principal_scope(p);
        let (summary, steps, extra, child) = self.pool.read(|c| {
            let summary = self.load_dropout_case(c, &scope, id)?;
            let steps = self.dropout_steps_of(c, id)?;
            let extra = c
                .query_opt("SELECT reasons, note, report_text FROM dropout_cases WHERE id = $1", &[id.into()], |r| {
                    Ok((r.text(0)?, r.opt_text(1)?, r.opt_text(2)?))
                })?
                .ok_or(StoreError::NotFound)?;
            let child = match self.load(c, &everywhere(), summary.child_id) {
                Ok(ch) => Some(ch),
                Err(StoreError::NotFound) => None,
                Err(e) => return Err(e),
            };
            Ok((summary, steps, extra, child))
        })?;
        let district = region::district_of(&summary.village_code).to_string();
        self.audit(
            p,
            Action::ViewDropoutCase,
            Some((summary.child_id, &district)),
            &format!("{} {id}", msg::DROPOUT_CASE),
        )?;
        let facts: Vec<StepFact> = steps.iter().map(|s| s.0).collect();
        let progress = rules::progress(&facts);
        let may_record = progress.map(|pr| self.dropout_may_record(p, &pr)).unwrap_or_default();
        Ok(DropoutCaseDetail {
            child: case_child(child.as_ref(), &summary, p.role),
            reasons: extra.0.split(',').filter_map(AbsenceReason::parse).collect(),
            note: extra.1,
            report_text: extra.2,
            steps: steps
                .into_iter()
                .map(|(f, r)| DropoutStepView {
                    seq: r.seq,
                    kind: f.kind,
                    date: f.on,
                    summary: match (f.kind, &r.code) {
                        (DropoutStepKind::Reported, Some(no)) => format!("{}　{no}", step_summary(&r.detail)),
                        (DropoutStepKind::Measure, Some(code)) if code.starts_with("assessment:") => {
                            msg::dropout_referred(&step_summary(&r.detail), &code["assessment:".len()..])
                        }
                        _ => step_summary(&r.detail),
                    },
                    note: r.detail.note.clone(),
                    assessment_id: r
                        .code
                        .as_deref()
                        .and_then(|c| c.strip_prefix("assessment:"))
                        .and_then(|a| a.parse().ok()),
                    recorded_at: r.recorded_at,
                    recorded_by: r.user_name,
                    org_name: r.org_name,
                })
                .collect(),
            may_record,
            summary,
        })
    }

    /// The steps `p` may record on a case that stands at `pr`.
    fn dropout_may_record(&self, p: &Principal, pr: &Progress) -> Vec<DropoutStepKind> {
        DropoutStepKind::ALL
            .iter()
            .copied()
            .filter(|k| rules::may_follow(pr, *k).is_ok())
            .filter(|k| match k {
                DropoutStepKind::Notified
                | DropoutStepKind::Persuasion
                | DropoutStepKind::Reported
                | DropoutStepKind::Reopened => rules::is_school_staff(p.role, p.org_type),
                DropoutStepKind::Measure => rules::may_record_measures(p.role),
                DropoutStepKind::Closed => rules::may_close(p.role, p.org_type),
                DropoutStepKind::Opened => false,
            })
            .collect()
    }

    /// The caller's cases: open ones (next due first), reported ones (the inbox, newest
    /// report first) or all. The list's view is in the audit log.
    pub fn dropout_cases(&self, p: &Principal, filter: DropoutFilter) -> Result<Vec<DropoutCaseSummary>, StoreError> {
        let scope = principal_scope(p);
        if scope == Scope::Nothing {
            return Err(StoreError::Forbidden);
        }
        if filter == DropoutFilter::Reported && !rules::receives_reports(p.role) {
            return Err(StoreError::Forbidden);
        }
        let mut sql = Sql::new(&format!(
            "SELECT {SUMMARY_COLUMNS} FROM dropout_cases d JOIN organisations o ON o.id = d.school_org_id WHERE 1 = 1"
        ));
        push_scope_on(&mut sql, &scope, "d.");
        match filter {
            DropoutFilter::Open => {
                sql.push(" AND d.state <> 'closed' ORDER BY d.next_due IS NULL, d.next_due, d.id");
            }
            DropoutFilter::Reported => {
                sql.push(" AND d.report_no IS NOT NULL ORDER BY d.reported_on DESC, d.id DESC");
            }
            DropoutFilter::All => {
                sql.push(" ORDER BY d.id DESC");
            }
        }
        sql.push(" LIMIT 1000");
        let today = self.today();
        let rows = self.pool.read(|c| c.query(&sql.text, &sql.params, |r| self.dropout_summary(r, today)))?;
        let what = match filter {
            DropoutFilter::Open => msg::DROPOUT_OPEN_CASES,
            DropoutFilter::Reported => msg::DROPOUT_INBOX,
            DropoutFilter::All => msg::DROPOUT_ALL_CASES,
        };
        self.audit(p, Action::ViewDropoutList, None, &format!("{what}：{}", rows.len()))?;
        Ok(rows)
    }

    /// Dropouts opened, returned, open and open past their deadline, per township and per
    /// school of the caller's region; `since` counts only cases whose (first) absence began
    /// on or after it. Counts only: no child is named, and the view is audited.
    pub fn dropout_table(&self, p: &Principal, since: Option<NaiveDate>) -> Result<DropoutTable, StoreError> {
        if !rules::sees_district_table(p.role) {
            return Err(StoreError::Forbidden);
        }
        let scope = principal_scope(p);
        let today = self.today();
        // One scan of the covering index (decision 138), grouped by village and school: a few
        // hundred groups, summed here per township and per school, instead of a scan per
        // grouping with a join for every case.
        let mut sql = Sql::new(
            "SELECT g.village_code, g.school_org_id, o.name, g.opened, g.returned, g.open, g.overdue FROM (\
             SELECT d.village_code, d.school_org_id, count(*) AS opened, \
             sum(CASE WHEN d.close_outcome = 'returned_to_school' THEN 1 ELSE 0 END) AS returned, \
             sum(CASE WHEN d.state <> 'closed' THEN 1 ELSE 0 END) AS open, \
             sum(CASE WHEN d.state <> 'closed' AND d.next_due < ",
        );
        sql.bind(today);
        sql.push(" THEN 1 ELSE 0 END) AS overdue FROM dropout_cases d WHERE 1 = 1");
        push_scope_on(&mut sql, &scope, "d.");
        if let Some(s) = since {
            sql.push(" AND d.first_absent_on >= ").bind(s);
        }
        sql.push(" GROUP BY d.village_code, d.school_org_id) g JOIN organisations o ON o.id = g.school_org_id");
        let groups = self.pool.read(|c| {
            c.query(&sql.text, &sql.params, |r| {
                let counts = DropoutTableLine {
                    key: String::new(),
                    name: String::new(),
                    opened: r.i64(3)?,
                    returned: r.opt_i64(4)?.unwrap_or(0),
                    open: r.opt_i64(5)?.unwrap_or(0),
                    overdue: r.opt_i64(6)?.unwrap_or(0),
                };
                Ok((r.text(0)?, r.i64(1)?, r.text(2)?, counts))
            })
        })?;
        let mut townships: std::collections::BTreeMap<String, DropoutTableLine> = Default::default();
        let mut schools: std::collections::BTreeMap<i64, DropoutTableLine> = Default::default();
        let mut total = DropoutTableLine { name: msg::TOTAL.to_string(), ..DropoutTableLine::default() };
        for (village, school, school_name, counts) in groups {
            let township = village.get(..9).unwrap_or(&village).to_string();
            townships
                .entry(township.clone())
                .or_insert_with(|| DropoutTableLine {
                    name: self.regions.name(&township).to_string(),
                    key: township,
                    ..DropoutTableLine::default()
                })
                .add(&counts);
            schools
                .entry(school)
                .or_insert_with(|| DropoutTableLine {
                    key: school.to_string(),
                    name: school_name,
                    ..DropoutTableLine::default()
                })
                .add(&counts);
            total.add(&counts);
        }
        let (townships, schools) = (townships.into_values().collect(), schools.into_values().collect());
        self.audit(p, Action::ViewDropoutList, None, msg::DROPOUT_TABLE)?;
        Ok(DropoutTable { townships, schools, total })
    }

    /// Children enrolled at the caller's school of compulsory-education age without an open
    /// case: whom the school may open one for (the form's choice of child).
    pub fn dropout_candidates(&self, p: &Principal) -> Result<Vec<(i64, String)>, StoreError> {
        if !rules::is_school_staff(p.role, p.org_type) {
            return Err(StoreError::Forbidden);
        }
        self.pool.read(|c| {
            c.query(
                "SELECT c.id, c.name FROM children c WHERE c.school_org_id = $1 AND NOT c.closed \
                 AND NOT EXISTS (SELECT 1 FROM dropout_cases d WHERE d.child_id = c.id AND d.state <> 'closed') \
                 ORDER BY c.name, c.id LIMIT 2000",
                &[p.org_id.into()],
                |r| Ok((r.i64(0)?, r.text(1)?)),
            )
        })
    }
}

/// A step's row besides what the order of steps needs.
struct StepRow {
    seq: i64,
    detail: DropoutStepInput,
    /// The persuasion's outcome, the measure, the close, or the written report's number.
    code: Option<String>,
    recorded_at: DateTime<Utc>,
    user_name: String,
    org_name: String,
}

fn next_action_of(code: &str) -> NextAction {
    [
        NextAction::Notify,
        NextAction::Persuade,
        NextAction::Report,
        NextAction::Measures,
        NextAction::Close,
        NextAction::Nothing,
    ]
    .into_iter()
    .find(|a| a.code() == code)
    .unwrap_or(NextAction::Nothing)
}

fn note_suffix(note: &Option<String>) -> String {
    note.as_ref().map(|n| format!("（{n}）")).unwrap_or_default()
}

/// A step in words.
fn step_summary(d: &DropoutStepInput) -> String {
    match d.step {
        Some(DropoutStepKind::Notified) => {
            msg::dropout_notified(d.channel.map(|c| c.label()), &labels(&d.told, Told::label))
        }
        Some(DropoutStepKind::Persuasion) => format!(
            "{}{}，{}",
            labels(&d.parties, PersuasionParty::label),
            msg::DROPOUT_PERSUADED,
            d.outcome.map(|o| o.label()).unwrap_or("")
        ),
        Some(DropoutStepKind::Reported) => msg::DROPOUT_REPORTED_TEXT.to_string(),
        Some(DropoutStepKind::Measure) => d.measure.map(|m| m.label()).unwrap_or("").to_string(),
        Some(DropoutStepKind::Closed) => d.close.map(|c| c.label()).unwrap_or("").to_string(),
        Some(DropoutStepKind::Opened) => msg::DROPOUT_OPENED_TEXT.to_string(),
        Some(DropoutStepKind::Reopened) => msg::DROPOUT_REOPENED_TEXT.to_string(),
        None => String::new(),
    }
}

/// The child as a case shows them (decision 131), phones masked for a role that may not see
/// them in full.
fn case_child(child: Option<&ChildRecord>, case: &DropoutCaseSummary, role: Role) -> DropoutChild {
    let Some(ch) = child else {
        return DropoutChild {
            name: case.child_name.clone(),
            sex: None,
            age: None,
            school_name: case.school_name.clone(),
            village_name: case.village_name.clone(),
            schooling: None,
            entrusted: false,
            contacts: Vec::new(),
        };
    };
    let f = &ch.file;
    let phone = |p: &Option<String>| {
        p.as_ref().map(|n| if role.sees_full_phone_numbers() { n.clone() } else { masking::mask_phone_number(n) })
    };
    let mut contacts = Vec::new();
    for (rel, parent) in [(msg::FATHER, &f.father), (msg::MOTHER, &f.mother)] {
        if !parent.name.trim().is_empty() || parent.phone.is_some() {
            contacts.push(GuardianContact {
                relation: rel.to_string(),
                name: parent.name.clone(),
                phone: phone(&parent.phone),
            });
        }
    }
    let entrusted = f.entrusted_guardian.as_ref().filter(|g| !g.name.trim().is_empty());
    if let Some(g) = entrusted {
        let rel = g
            .relation
            .map_or(msg::ENTRUSTED_CARER.to_string(), |r| format!("{}（{}）", msg::ENTRUSTED_CARER, r.label()));
        contacts.push(GuardianContact { relation: rel, name: g.name.clone(), phone: phone(&g.phone) });
    }
    DropoutChild {
        name: f.name.clone(),
        sex: f.sex,
        age: ch.derived.age,
        school_name: f.school_name.clone().unwrap_or_else(|| case.school_name.clone()),
        village_name: case.village_name.clone(),
        schooling: f.schooling,
        entrusted: entrusted.is_some(),
        contacts,
    }
}
