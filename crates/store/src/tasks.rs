//! The to-do list (待办, issue 19): what is each user's to do, computed from the workflows'
//! own records at every read (decision 140), never a second copy that could disagree.
//!
//! Each kind is one query over its workflow's table with the workflow's own scope in the
//! WHERE clause (a task is visible exactly to those who may see its record), and counted by
//! SQL aggregates: overdue, due today and new (begun since the user last opened the list,
//! decision 142). Two kinds are judged in Rust from few rows: the revocation grounds (the
//! domain evaluates the guardian's conduct record) and accounts awaiting a second approval
//! (who may approve depends on who asked).

use crate::Store;
use crate::audit::Action;
use crate::children::push_scope_on;
use crate::db::{Conn, Row, Sql, Val};
use crate::error::StoreError;
use crate::users::Principal;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::Serialize;
use shouhu_domain::age::AgeRule;
use shouhu_domain::clock::{china_date, china_day_start};
use shouhu_domain::recompute::{latest_birth_16, turns_16_on};
use shouhu_domain::region::Level;
use shouhu_domain::role::{AccountKind, AccountRequest, Scope};
use shouhu_domain::task::{self as rules, Owner, TaskKind, TaskState};

/// One task as the list shows it: what, about whom, since when, due when, and where to act.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskLine {
    pub kind: TaskKind,
    /// The kind in words.
    pub label: &'static str,
    /// The record the task is about (a report, an assessment, a referral, a file, an import,
    /// an account, a visit, a dropout case: by kind).
    pub record_id: i64,
    pub child_id: Option<i64>,
    /// Who or what it is about: the child's name as the workflow shows it to this role (a
    /// report's described child unnamed), an import's file, an account.
    pub about: String,
    pub village_code: Option<String>,
    pub village_name: Option<String>,
    pub since: DateTime<Utc>,
    /// When it is due, if the law or a setting gives a deadline.
    pub due: Option<DateTime<Utc>>,
    pub overdue: bool,
    pub due_today: bool,
    /// Begun since the user last opened the to-do list.
    pub new: bool,
    /// The page where the work is done.
    pub link: String,
    /// Whose work it is.
    #[schema(value_type = Object)]
    pub owner: Owner,
}

/// Open tasks, and of those overdue, due today and new.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Counts {
    pub open: i64,
    pub overdue: i64,
    pub today: i64,
    pub new: i64,
}

impl Counts {
    fn add(&mut self, o: Counts) {
        self.open += o.open;
        self.overdue += o.overdue;
        self.today += o.today;
        self.new += o.new;
    }
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindCounts {
    pub kind: TaskKind,
    pub label: &'static str,
    #[serde(flatten)]
    pub counts: Counts,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegionCounts {
    pub code: String,
    pub name: String,
    #[serde(flatten)]
    pub counts: Counts,
}

/// The home page's numbers: totals, per kind (every kind of the role, zeros included) and,
/// for the district and the city, per township or district (those with an open task).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskCounts {
    #[serde(flatten)]
    pub total: Counts,
    pub kinds: Vec<KindCounts>,
    pub regions: Vec<RegionCounts>,
}

/// The list's filter.
#[derive(Debug, Clone, Copy, Default)]
pub struct TaskFilter {
    pub kind: Option<TaskKind>,
    pub state: Option<TaskState>,
}

/// How a column gives a moment (a task's start or its deadline), and the bound on the
/// column that says "by then" in SQL, so that counting needs no date arithmetic in SQL.
#[derive(Debug, Clone, Copy)]
pub(crate) enum Clock {
    /// A timestamp column, plus a span.
    At(Duration),
    /// A date column: the start (China time) of the day `k` days after it.
    DayStart(i64),
    /// A birth date: the start of the day `k` days after the child reached 16.
    Turned16(i64),
}

impl Clock {
    /// The bound `b` with: moment(col) <= at exactly when col <= b.
    pub(crate) fn bound(self, at: DateTime<Utc>, rule: AgeRule) -> Val {
        match self {
            Clock::At(d) => (at - d).into(),
            Clock::DayStart(k) => (china_date(at) - Duration::days(k)).into(),
            Clock::Turned16(k) => latest_birth_16(china_date(at) - Duration::days(k), rule).into(),
        }
    }

    pub(crate) fn moment(self, r: &dyn Row, i: usize, rule: AgeRule) -> Result<Option<DateTime<Utc>>, StoreError> {
        let plus = |d: NaiveDate, k: i64| china_day_start(d + Duration::days(k));
        Ok(match self {
            Clock::At(d) => r.opt_ts(i)?.map(|t| t + d),
            Clock::DayStart(k) => r.opt_date(i)?.map(|d| plus(d, k)),
            Clock::Turned16(k) => r.opt_date(i)?.map(|b| plus(turns_16_on(b, rule), k)),
        })
    }
}

/// One kind's query: its columns and its FROM … WHERE with the scope.
pub(crate) struct Source {
    pub(crate) kind: TaskKind,
    pub(crate) reports_db: bool,
    pub(crate) id: &'static str,
    pub(crate) child: Option<&'static str>,
    pub(crate) name: &'static str,
    pub(crate) village: Option<&'static str>,
    since: (&'static str, Clock),
    pub(crate) due: Option<(&'static str, Clock)>,
    pub(crate) body: Sql,
    owner: Owner,
    pub(crate) link: fn(i64, Option<i64>) -> String,
}

/// Appends `body` (its text and parameters renumbered) to `sql`.
pub(crate) fn append(sql: &mut Sql, body: &Sql) {
    let mut rest = body.text.as_str();
    while let Some(i) = rest.find('$') {
        sql.push(&rest[..i]);
        let digits = rest[i + 1..].bytes().take_while(u8::is_ascii_digit).count();
        let n: usize = rest[i + 1..i + 1 + digits].parse().unwrap_or(0);
        sql.bind(body.params[n - 1].clone());
        rest = &rest[i + 1 + digits..];
    }
    sql.push(rest);
}

/// What the caller may see of a kind, as the workflow scopes it.
fn case_scope(p: &Principal) -> Scope {
    if shouhu_domain::report::may_see_area_reports(p.role) {
        Scope::Region(p.region_code.clone())
    } else {
        Scope::Nothing
    }
}

fn region_only(scope: Scope) -> Scope {
    match scope {
        Scope::Region(r) => Scope::Region(r),
        _ => Scope::Nothing,
    }
}

fn body(text: &str) -> Sql {
    Sql::new(text)
}

impl Store {
    /// The queries of the kinds on the caller's list (the grounds and accounts aside).
    fn sources(&self, p: &Principal) -> Vec<Source> {
        self.sources_of(p, rules::kinds_for(p.role), false)
    }

    /// The queries of `kinds`. With `oversight` (the register of overdue work, issue 20), a
    /// referral is every referral of the caller's area, not its organisation's.
    pub(crate) fn sources_of(&self, p: &Principal, kinds: Vec<TaskKind>, oversight: bool) -> Vec<Source> {
        let s = &self.settings;
        let region = Owner::Region { code: p.region_code.clone() };
        let mut out = Vec::new();
        for kind in kinds {
            let src = match kind {
                TaskKind::ReportToAccept | TaskKind::ReportToDispose | TaskKind::HandOverToAcknowledge => {
                    let scope = case_scope(p);
                    let (cond, since, due) = match kind {
                        // `step <> 'handed_over'` spelled out so that SQLite reads the
                        // partial index of open reports, not every report of the region.
                        TaskKind::ReportToAccept => (
                            "r.step <> 'handed_over' AND r.step = 'filed'",
                            "r.reported_at",
                            Clock::At(s.reports.late_response_limit),
                        ),
                        TaskKind::ReportToDispose => (
                            "r.step <> 'handed_over' AND r.step IN ('accepted', 'dispatched', 'on_scene', 'disposed')",
                            "r.accepted_at",
                            Clock::At(Duration::hours(s.tasks.hand_over_hours)),
                        ),
                        _ => (
                            "r.step = 'handed_over' AND r.acknowledged_at IS NULL",
                            "r.handed_over_at",
                            Clock::At(Duration::hours(s.tasks.acknowledge_hours)),
                        ),
                    };
                    let mut b = body(&format!(" FROM reports r WHERE {cond}"));
                    push_scope_on(&mut b, &scope, "r.");
                    Source {
                        kind,
                        reports_db: true,
                        id: "r.id",
                        child: Some("r.child_id"),
                        name: "r.child_name",
                        village: Some("r.village_code"),
                        since: (since, Clock::At(Duration::zero())),
                        due: Some((since, due)),
                        body: b,
                        owner: region.clone(),
                        link: |id, _| format!("/reports/{id}"),
                    }
                }
                TaskKind::AssessmentDue => {
                    let mut b = body(" FROM assessments a WHERE a.state = 'open'");
                    push_scope_on(&mut b, &case_scope(p), "a.");
                    Source {
                        kind,
                        reports_db: true,
                        id: "a.id",
                        child: Some("a.child_id"),
                        name: "a.child_name",
                        village: Some("a.village_code"),
                        since: ("a.opened_at", Clock::At(Duration::zero())),
                        due: Some(("a.due_at", Clock::At(Duration::zero()))),
                        body: b,
                        owner: region.clone(),
                        link: |id, _| format!("/assessments/{id}"),
                    }
                }
                TaskKind::ReferralToDecide => {
                    // The receiving organisation's, whatever its region (decide_referral).
                    let mut b =
                        body(" FROM referrals f JOIN assessments a ON a.id = f.assessment_id WHERE f.state = 'sent'");
                    if oversight {
                        push_scope_on(&mut b, &case_scope(p), "a.");
                    } else {
                        b.push(" AND f.receiving_org_id = ").bind(p.org_id);
                    }
                    Source {
                        kind,
                        reports_db: true,
                        id: "f.id",
                        child: None,
                        // What a referral passes on (assessment::referral_discloses).
                        name: if shouhu_domain::assessment::referral_discloses(
                            shouhu_domain::assessment::CaseFact::ChildName,
                        ) {
                            "a.child_name"
                        } else {
                            "NULL"
                        },
                        village: Some("a.village_code"),
                        since: ("f.sent_at", Clock::At(Duration::zero())),
                        due: Some(("f.sent_at", Clock::At(Duration::days(s.tasks.referral_days)))),
                        body: b,
                        owner: Owner::Org { id: p.org_id },
                        link: |_, _| "/referrals".to_string(),
                    }
                }
                TaskKind::ImportFinished | TaskKind::ImportFailed => {
                    let state = if kind == TaskKind::ImportFinished { "done" } else { "failed" };
                    let mut b = body(&format!(" FROM import_jobs j WHERE j.state = '{state}' AND j.user_id = "));
                    b.bind(p.user_id)
                        .push(" AND j.finished_at > ")
                        .bind(self.now() - Duration::days(s.tasks.import_days));
                    Source {
                        kind,
                        reports_db: false,
                        id: "j.id",
                        child: None,
                        name: "j.file_name",
                        village: None,
                        since: ("j.finished_at", Clock::At(Duration::zero())),
                        due: None,
                        body: b,
                        owner: Owner::User { id: p.user_id },
                        link: |id, _| format!("/imports/{id}"),
                    }
                }
                TaskKind::Turned16 => {
                    if !p.role.may_close_files() {
                        continue;
                    }
                    // Without statistics SQLite prefers the ledger's index (every open file of
                    // the region); the birth-date index reads only those over 16.
                    let from = if self.pool.is_sqlite() {
                        " FROM children c INDEXED BY children_open_birth WHERE c.closed = FALSE AND c.birth_date <= "
                    } else {
                        " FROM children c WHERE c.closed = FALSE AND c.birth_date <= "
                    };
                    let mut b = body(from);
                    b.bind(latest_birth_16(self.today(), s.age_rule));
                    push_scope_on(&mut b, &p.scope(), "c.");
                    b.push(" AND NOT EXISTS (SELECT 1 FROM turned16_kept k WHERE k.child_id = c.id)");
                    Source {
                        kind,
                        reports_db: false,
                        id: "c.id",
                        child: Some("c.id"),
                        name: "c.name",
                        village: Some("c.village_code"),
                        since: ("c.birth_date", Clock::Turned16(0)),
                        due: Some(("c.birth_date", Clock::Turned16(s.tasks.turned16_days))),
                        body: b,
                        owner: region.clone(),
                        link: |id, _| format!("/children/{id}"),
                    }
                }
                TaskKind::VisitDue => {
                    let soon = s.visits.due_soon_days;
                    let scope = region_only(p.scope());
                    let mut b = body(" FROM visit_due d JOIN children c ON c.id = d.child_id WHERE d.due_on <= ");
                    b.bind(self.today() + Duration::days(soon));
                    push_scope_on(&mut b, &scope, "d.");
                    push_scope_on(&mut b, &scope, "c.");
                    Source {
                        kind,
                        reports_db: false,
                        id: "d.child_id",
                        child: Some("d.child_id"),
                        name: "c.name",
                        village: Some("d.village_code"),
                        // On the list from `due_soon_days` before the day; overdue the day after.
                        since: ("d.due_on", Clock::DayStart(-soon)),
                        due: Some(("d.due_on", Clock::DayStart(1))),
                        body: b,
                        owner: region.clone(),
                        link: |id, _| format!("/children/{id}/visits/new"),
                    }
                }
                TaskKind::VisitToReview | TaskKind::VisitSentBack => {
                    let scope = region_only(p.scope());
                    let mut b = body(" FROM visits v JOIN children c ON c.id = v.child_id WHERE v.latest");
                    let since = if kind == TaskKind::VisitToReview {
                        b.push(" AND v.review_state = 'submitted'");
                        push_scope_on(&mut b, &scope, "v.");
                        "v.saved_at"
                    } else {
                        b.push(" AND v.review_state = 'sent_back' AND v.user_id = ").bind(p.user_id);
                        "v.reviewed_at"
                    };
                    push_scope_on(&mut b, &scope, "c.");
                    Source {
                        kind,
                        reports_db: false,
                        id: "v.id",
                        child: Some("v.child_id"),
                        name: "c.name",
                        village: Some("v.village_code"),
                        since: (since, Clock::At(Duration::zero())),
                        due: None,
                        body: b,
                        owner: if kind == TaskKind::VisitToReview {
                            region.clone()
                        } else {
                            Owner::User { id: p.user_id }
                        },
                        link: |id, _| format!("/visits/{id}"),
                    }
                }
                TaskKind::DropoutStepDue => {
                    use shouhu_domain::dropout as d;
                    let scope = d::case_scope(p.role, p.org_type, p.org_id, &p.region_code);
                    // The step is the school's until the written report, then the bureau's and
                    // the township's; civil affairs oversee every step.
                    let (steps, owner) = if d::is_school_staff(p.role, p.org_type) {
                        ("('notify', 'persuade', 'report', 'close')", Owner::Org { id: p.org_id })
                    } else if d::may_record_measures(p.role) {
                        ("('measures')", region.clone())
                    } else if rules::oversees(p.role, kind) {
                        ("('notify', 'persuade', 'report', 'measures', 'close')", region.clone())
                    } else {
                        continue;
                    };
                    let mut b =
                        body(&format!(" FROM dropout_cases d WHERE d.state <> 'closed' AND d.next_action IN {steps}"));
                    push_scope_on(&mut b, &scope, "d.");
                    Source {
                        kind,
                        reports_db: false,
                        id: "d.id",
                        child: Some("d.child_id"),
                        name: "d.child_name",
                        village: Some("d.village_code"),
                        since: ("d.updated_at", Clock::At(Duration::zero())),
                        due: Some(("d.next_due", Clock::DayStart(1))),
                        body: b,
                        owner,
                        link: |id, _| format!("/dropout/{id}"),
                    }
                }
                // The joint meeting's tasks (issue 20): the named person's, until reported done.
                TaskKind::MeetingTaskDue => {
                    let mut b = body(" FROM meeting_tasks m WHERE m.status = 'in_progress' AND m.owner_user_id = ");
                    b.bind(p.user_id);
                    Source {
                        kind,
                        reports_db: false,
                        id: "m.id",
                        child: None,
                        name: "m.title",
                        village: None,
                        since: ("m.assigned_at", Clock::At(Duration::zero())),
                        due: Some(("m.due_on", Clock::DayStart(1))),
                        body: b,
                        owner: Owner::User { id: p.user_id },
                        link: |id, _| format!("/meeting-tasks/{id}"),
                    }
                }
                // Census rounds (issue 20): the caller's own return to sign off (a township's
                // or a district's, due on its day), or the returns of the level below waiting for
                // the caller's review (census_round::signs_off, reviews).
                TaskKind::CensusReturnToSignOff | TaskKind::CensusReturnToReview => {
                    use shouhu_domain::census_round as cr;
                    let review = kind == TaskKind::CensusReturnToReview;
                    let level = match (p.role, review) {
                        (r, false) if cr::signs_off(r, Level::Township) => Level::Township,
                        (r, false) if cr::signs_off(r, Level::District) => Level::District,
                        (r, true) if cr::reviews(r, Level::Township) => Level::Township,
                        (r, true) if cr::reviews(r, Level::District) => Level::District,
                        _ => continue,
                    };
                    let mut b = body(&format!(
                        " FROM census_returns r JOIN census_rounds d ON d.id = r.round_id WHERE r.level = '{}' AND r.state {}",
                        level.as_str(),
                        if review { "= 'signed_off'" } else { "IN ('pending', 'sent_back')" }
                    ));
                    if review {
                        b.push(" AND r.unit_code >= ").bind(p.region_code.as_str());
                        b.push(" AND r.unit_code < ").bind(shouhu_domain::region::prefix_upper_bound(&p.region_code));
                    } else {
                        b.push(" AND r.unit_code = ").bind(p.region_code.as_str());
                    }
                    Source {
                        kind,
                        reports_db: false,
                        id: "r.id",
                        child: None,
                        name: "d.name",
                        village: Some("r.unit_code"),
                        since: (if review { "r.signed_at" } else { "r.updated_at" }, Clock::At(Duration::zero())),
                        due: (!review).then_some(("r.due_on", Clock::DayStart(1))),
                        body: b,
                        owner: region.clone(),
                        link: |id, _| format!("/census-rounds/returns/{id}"),
                    }
                }
                TaskKind::GroundsApproaching | TaskKind::GroundsMet | TaskKind::AccountToApprove => continue,
            };
            out.push(src);
        }
        out
    }

    /// When the user last opened the to-do list (none: never).
    pub fn tasks_seen(&self, p: &Principal) -> Result<Option<DateTime<Utc>>, StoreError> {
        let seen = self.pool.read(|c| {
            c.query_opt("SELECT seen_at FROM task_seen WHERE user_id = $1", &[p.user_id.into()], |r| r.ts(0))
        })?;
        Ok(seen)
    }

    /// Records that the user opened the to-do list now: what began before is no longer new.
    pub fn mark_tasks_seen(&self, p: &Principal) -> Result<(), StoreError> {
        let now = self.now();
        self.pool.write(|c| {
            c.exec(
                "INSERT INTO task_seen (user_id, seen_at) VALUES ($1, $2) \
                 ON CONFLICT (user_id) DO UPDATE SET seen_at = excluded.seen_at",
                &[p.user_id.into(), now.into()],
            )
            .map(|_| ())
        })
    }

    /// The caller's open tasks, the most pressing first (overdue, then by deadline, then the
    /// oldest), at most `limit` per kind and in all; the view is audited (it names children).
    pub fn tasks(&self, p: &Principal, filter: TaskFilter, limit: usize) -> Result<Vec<TaskLine>, StoreError> {
        let seen = self.tasks_seen(p)?;
        let now = self.now();
        let rule = self.settings.age_rule;
        let mut out = Vec::new();
        for src in self.sources(p) {
            if filter.kind.is_some_and(|k| k != src.kind) {
                continue;
            }
            let mut cols = vec![src.id, src.since.0];
            if let Some((d, _)) = src.due {
                cols.push(d);
            }
            cols.push(src.child.unwrap_or(src.id));
            cols.push(src.name);
            cols.push(src.village.unwrap_or(src.name));
            let mut sql = Sql::new(&format!("SELECT {}", cols.join(", ")));
            append(&mut sql, &src.body);
            // The state filter in SQL, so that the limit keeps the right rows.
            match filter.state {
                Some(TaskState::Overdue) => match src.due {
                    Some((col, clock)) => {
                        sql.push(&format!(" AND {col} <= ")).bind(clock.bound(now, rule));
                    }
                    None => continue,
                },
                Some(TaskState::Today) => match src.due {
                    Some((col, clock)) => {
                        sql.push(&format!(" AND {col} > ")).bind(clock.bound(now, rule));
                        sql.push(&format!(" AND {col} <= ")).bind(clock.bound(rules::end_of_today(now), rule));
                    }
                    None => continue,
                },
                Some(TaskState::New) => {
                    if let Some(seen) = seen {
                        sql.push(&format!(" AND {} > ", src.since.0)).bind(src.since.1.bound(seen, rule));
                    }
                }
                None => {}
            }
            let order = src.due.map_or(src.since.0, |d| d.0);
            sql.push(&format!(" ORDER BY {order}, {} LIMIT ", src.id)).bind(limit as i64);
            let read = |c: &mut Conn<'_, '_>| {
                c.query(&sql.text, &sql.params, |r| {
                    let mut i = 2;
                    let due = match src.due {
                        Some((_, clock)) => {
                            i += 1;
                            clock.moment(r, 2, rule)?
                        }
                        None => None,
                    };
                    let since = src.since.1.moment(r, 1, rule)?.unwrap_or(now);
                    let id = r.i64(0)?;
                    let child = if src.child.is_some() { r.opt_i64(i)? } else { None };
                    let name = r.opt_text(i + 1)?;
                    let village = if src.village.is_some() { r.opt_text(i + 2)? } else { None };
                    Ok(self.line(src.kind, id, child, name, village, since, due, seen, src.owner.clone(), src.link))
                })
            };
            let rows = if src.reports_db { self.reports.read(read)? } else { self.pool.read(read)? };
            out.extend(rows);
        }
        let wants = |k: TaskKind| filter.kind.is_none_or(|f| f == k);
        if wants(TaskKind::GroundsApproaching) || wants(TaskKind::GroundsMet) {
            out.extend(self.grounds_tasks(p, seen)?.into_iter().filter(|t| wants(t.kind)));
        }
        if wants(TaskKind::AccountToApprove) {
            out.extend(self.account_tasks(p, seen)?);
        }
        out.retain(|t| match filter.state {
            Some(TaskState::Overdue) => t.overdue,
            Some(TaskState::Today) => t.due_today,
            Some(TaskState::New) => t.new,
            None => true,
        });
        out.sort_by_key(|t| (!t.overdue, t.due.is_none(), t.due, t.since));
        out.truncate(limit);
        self.audit(p, Action::ViewTasks, None, &format!("{} tasks", out.len()))?;
        Ok(out)
    }

    #[allow(clippy::too_many_arguments)]
    fn line(
        &self,
        kind: TaskKind,
        id: i64,
        child: Option<i64>,
        name: Option<String>,
        village: Option<String>,
        since: DateTime<Utc>,
        due: Option<DateTime<Utc>>,
        seen: Option<DateTime<Utc>>,
        owner: Owner,
        link: fn(i64, Option<i64>) -> String,
    ) -> TaskLine {
        let now = self.now();
        TaskLine {
            kind,
            label: kind.label(),
            record_id: id,
            child_id: child,
            about: name.unwrap_or_else(|| shouhu_domain::msg::TASK_UNNAMED_CHILD.to_string()),
            village_name: village.as_deref().map(|v| self.regions.path_name(v)),
            village_code: village,
            since,
            due,
            overdue: rules::overdue(due, now),
            due_today: rules::due_today(due, now),
            new: rules::is_new(since, seen),
            link: link(id, child),
            owner,
        }
    }

    /// The counts of the caller's home page and nav badge; names no child, so not audited.
    pub fn task_counts(&self, p: &Principal) -> Result<TaskCounts, StoreError> {
        let seen = self.tasks_seen(p)?;
        let now = self.now();
        let eod = rules::end_of_today(now);
        let rule = self.settings.age_rule;
        let per = rules::counted_per(p.role).map(Level::code_len);
        let mut kinds: Vec<KindCounts> = rules::kinds_for(p.role)
            .into_iter()
            .map(|kind| KindCounts { kind, label: kind.label(), counts: Counts::default() })
            .collect();
        let mut regions: Vec<(String, Counts)> = Vec::new();
        let mut add_region = |code: String, c: Counts| match regions.iter_mut().find(|r| r.0 == code) {
            Some(r) => r.1.add(c),
            None => regions.push((code, c)),
        };
        for src in self.sources(p) {
            let group = match (per, src.village) {
                (Some(len), Some(v)) => Some(format!("substr({v}, 1, {len})")),
                _ => None,
            };
            let mut sql = Sql::new("SELECT ");
            if let Some(g) = &group {
                sql.push(&format!("{g}, "));
            }
            sql.push("count(*)");
            match src.due {
                Some((col, clock)) => {
                    sql.push(&format!(", COALESCE(SUM(CASE WHEN {col} <= ")).bind(clock.bound(now, rule));
                    sql.push(" THEN 1 ELSE 0 END), 0)");
                    sql.push(&format!(", COALESCE(SUM(CASE WHEN {col} > ")).bind(clock.bound(now, rule));
                    sql.push(&format!(" AND {col} <= ")).bind(clock.bound(eod, rule));
                    sql.push(" THEN 1 ELSE 0 END), 0)");
                }
                None => {
                    sql.push(", count(*) * 0, count(*) * 0");
                }
            }
            match seen {
                Some(seen) => {
                    sql.push(&format!(", COALESCE(SUM(CASE WHEN {} > ", src.since.0))
                        .bind(src.since.1.bound(seen, rule));
                    sql.push(" THEN 1 ELSE 0 END), 0)");
                }
                None => {
                    sql.push(", count(*)");
                }
            }
            append(&mut sql, &src.body);
            if group.is_some() {
                sql.push(" GROUP BY 1");
            }
            let off = usize::from(group.is_some());
            let read = |c: &mut Conn<'_, '_>| {
                c.query(&sql.text, &sql.params, |r| {
                    let code = if off == 1 { r.opt_text(0)? } else { None };
                    let counts = Counts {
                        open: r.i64(off)?,
                        overdue: r.i64(off + 1)?,
                        today: r.i64(off + 2)?,
                        new: r.i64(off + 3)?,
                    };
                    Ok((code, counts))
                })
            };
            let rows = if src.reports_db { self.reports.read(read)? } else { self.pool.read(read)? };
            for (code, counts) in rows {
                if let Some(k) = kinds.iter_mut().find(|k| k.kind == src.kind) {
                    k.counts.add(counts);
                }
                if let Some(code) = code {
                    add_region(code, counts);
                }
            }
        }
        let mut special = Vec::new();
        if kinds.iter().any(|k| matches!(k.kind, TaskKind::GroundsApproaching | TaskKind::GroundsMet)) {
            special.extend(self.grounds_tasks(p, seen)?);
        }
        if kinds.iter().any(|k| k.kind == TaskKind::AccountToApprove) {
            special.extend(self.account_tasks(p, seen)?);
        }
        for t in special {
            let c =
                Counts { open: 1, overdue: i64::from(t.overdue), today: i64::from(t.due_today), new: i64::from(t.new) };
            if let Some(k) = kinds.iter_mut().find(|k| k.kind == t.kind) {
                k.counts.add(c);
            }
            if let (Some(len), Some(code)) = (per, &t.village_code) {
                add_region(code.chars().take(len).collect(), c);
            }
        }
        let mut total = Counts::default();
        for k in &kinds {
            total.add(k.counts);
        }
        regions.sort_by(|a, b| a.0.cmp(&b.0));
        let regions = regions
            .into_iter()
            .map(|(code, counts)| RegionCounts { name: self.regions.name(&code).to_string(), code, counts })
            .collect();
        Ok(TaskCounts { total, kinds, regions })
    }

    /// Cases whose guardian's conduct record meets or approaches a revocation ground and for
    /// which no application was filed yet ([S] 二(五); `guardianship::evaluate_grounds`).
    fn grounds_tasks(&self, p: &Principal, seen: Option<DateTime<Utc>>) -> Result<Vec<TaskLine>, StoreError> {
        if !rules::kinds_for(p.role).contains(&TaskKind::GroundsMet) {
            return Ok(Vec::new());
        }
        let today = self.today();
        let mut sql = Sql::new(
            "SELECT a.id, a.child_id, a.child_name, a.village_code, a.opened_at FROM assessments a \
             WHERE EXISTS (SELECT 1 FROM conduct_records k WHERE k.assessment_id = a.id) \
             AND NOT EXISTS (SELECT 1 FROM revocation_applications x WHERE x.assessment_id = a.id)",
        );
        push_scope_on(&mut sql, &case_scope(p), "a.");
        sql.push(" ORDER BY a.id LIMIT 2000");
        let region = Owner::Region { code: p.region_code.clone() };
        self.reports.read(|c| {
            let cases = c.query(&sql.text, &sql.params, |r| {
                Ok((r.i64(0)?, r.opt_i64(1)?, r.opt_text(2)?, r.text(3)?, r.ts(4)?))
            })?;
            let mut out = Vec::new();
            for (id, child, name, village, opened) in cases {
                let records = crate::casework::conduct_of(c, id)?;
                let found = shouhu_domain::guardianship::evaluate_grounds(&records, today);
                let met = found.iter().filter(|f| f.met).filter_map(|f| f.on).min();
                let (kind, since, due) = if found.iter().any(|f| f.met) {
                    (TaskKind::GroundsMet, met.map_or(opened, china_day_start), None)
                } else if !found.is_empty() {
                    let when = found.iter().filter_map(|f| f.on).min().map(china_day_start);
                    (TaskKind::GroundsApproaching, opened, when)
                } else {
                    continue;
                };
                out.push(self.line(kind, id, child, name, Some(village), since, due, seen, region.clone(), |id, _| {
                    format!("/assessments/{id}")
                }));
            }
            Ok(out)
        })
    }

    /// Account changes the caller may approve (not their own request, nor their own account).
    fn account_tasks(&self, p: &Principal, seen: Option<DateTime<Utc>>) -> Result<Vec<TaskLine>, StoreError> {
        if !p.role.may_approve_accounts() {
            return Ok(Vec::new());
        }
        let rows = self.pool.read(|c| {
            c.query(
                "SELECT u.id, u.display_name, u.username, u.kind, r.requested_by, r.requested_at \
                 FROM account_requests r JOIN users u ON u.id = r.user_id WHERE u.active = $1 ORDER BY r.requested_at",
                &[true.into()],
                |r| Ok((r.i64(0)?, r.text(1)?, r.text(2)?, r.text(3)?, r.i64(4)?, r.ts(5)?)),
            )
        })?;
        Ok(rows
            .into_iter()
            .filter_map(|(id, name, username, kind, by, at)| {
                let request = AccountRequest { account_id: id, kind: AccountKind::parse(&kind)?, requested_by: by };
                request.may_be_approved_by(p.role, p.user_id).then(|| {
                    self.line(
                        TaskKind::AccountToApprove,
                        id,
                        None,
                        Some(format!("{name}（{username}）")),
                        None,
                        at,
                        None,
                        seen,
                        Owner::Region { code: p.region_code.clone() },
                        |_, _| "/approvals".to_string(),
                    )
                })
            })
            .collect())
    }
}

impl Store {
    /// How many open files of the caller's scope carry each warning: the home page's
    /// warnings, each a link to the ledger's filter. Counts only, read from the index of
    /// warned files (registry migration 0016); nothing for a role that reads no file.
    pub fn warning_counts(
        &self,
        p: &Principal,
        which: &[shouhu_domain::child::Warning],
    ) -> Result<Vec<(shouhu_domain::child::Warning, i64)>, StoreError> {
        let scope = p.scope();
        if scope == Scope::Nothing || which.is_empty() {
            return Ok(Vec::new());
        }
        // A district or the city: from the counts kept per township and warnings mask
        // (decision 188), a few hundred rows instead of most of the region's files.
        if let Scope::Region(code) = &scope
            && code.len() <= 6
        {
            let masks = self.pool.read(|c| {
                c.query(
                    "SELECT val, n FROM stat_counts WHERE area >= $1 AND area < $2 AND dim = 'w' AND n <> 0",
                    &[code.as_str().into(), shouhu_domain::region::prefix_upper_bound(code).into()],
                    |r| Ok((r.text(0)?.parse::<i64>().unwrap_or(0), r.i64(1)?)),
                )
            })?;
            return Ok(which
                .iter()
                .map(|w| (*w, masks.iter().filter(|(bits, _)| bits & w.bit() != 0).map(|(_, n)| n).sum()))
                .collect());
        }
        let mut sql = Sql::new("SELECT ");
        for (i, w) in which.iter().enumerate() {
            if i > 0 {
                sql.push(", ");
            }
            sql.push("COALESCE(SUM(CASE WHEN (c.warnings & ").bind(w.bit()).push(") <> 0 THEN 1 ELSE 0 END), 0)");
        }
        // On SQLite, the index of warned files by name (without statistics it would take the
        // ledger's index and read every open file of the region).
        sql.push(if self.pool.is_sqlite() {
            " FROM children c INDEXED BY children_warned WHERE c.closed = FALSE AND c.warnings <> 0"
        } else {
            " FROM children c WHERE c.closed = FALSE AND c.warnings <> 0"
        });
        push_scope_on(&mut sql, &scope, "c.");
        let counts = self.pool.read(|c| {
            c.query_opt(&sql.text, &sql.params, |r| (0..which.len()).map(|i| r.i64(i)).collect::<Result<Vec<_>, _>>())
        })?;
        let counts = counts.unwrap_or_else(|| vec![0; which.len()]);
        Ok(which.iter().copied().zip(counts).collect())
    }
}
