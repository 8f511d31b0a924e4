//! Oversight (督导, issue 20): the register of overdue work per unit, accountability measures
//! and commendations, and the joint meeting's tasks to named units and people.
//!
//! The register reads the to-do list's own queries (`tasks::Store::sources_of`): the same
//! tables, conditions and deadline rules, in the overseer's region (scope in SQL), grouped
//! by the unit responsible for the work instead of listed for one user (decision 167).

use crate::Store;
use crate::audit::{self, Action};
use crate::db::{Conn, Sql};
use crate::error::StoreError;
use crate::tasks::{Source, append};
use crate::users::Principal;
use chrono::{DateTime, Duration, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shouhu_domain::clock::china_date;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::oversight::{self as rules, CommendationKind, MeasureKind, MeetingTaskStatus, OverdueKind};
use shouhu_domain::region::{self, Level};
use shouhu_domain::task::{TaskKind, day_deadline};
use std::collections::BTreeMap;

/// Who a register item is the work of: an organisation the record names (the station that
/// accepted a report, the organisation a referral was sent to, the school of a dropout
/// case), or, where the record names none, the police of a township (a report not yet
/// accepted), a township (hand-overs, assessments, dropout measures) or a village (visits).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub enum UnitRef {
    Org(i64),
    Police(String),
    Region(String),
}

impl UnitRef {
    /// The stable key in links, the API and the measures: `org-12`, `police-120114101`,
    /// `region-120114101`.
    pub fn key(&self) -> String {
        match self {
            UnitRef::Org(id) => format!("org-{id}"),
            UnitRef::Police(c) => format!("police-{c}"),
            UnitRef::Region(c) => format!("region-{c}"),
        }
    }

    pub fn parse(key: &str) -> Option<UnitRef> {
        let (kind, rest) = key.split_once('-')?;
        let code_ok = |c: &str| !c.is_empty() && c.len() <= 12 && c.bytes().all(|b| b.is_ascii_digit());
        match kind {
            "org" => rest.parse().ok().map(UnitRef::Org),
            "police" if code_ok(rest) => Some(UnitRef::Police(rest.to_string())),
            "region" if code_ok(rest) => Some(UnitRef::Region(rest.to_string())),
            _ => None,
        }
    }
}

/// How a kind's records name their unit: an organisation column (NULL when none yet) and
/// the region the work falls to otherwise.
struct UnitCols {
    org: Option<&'static str>,
    region: &'static str,
    police: bool,
}

fn unit_cols(kind: TaskKind) -> Option<UnitCols> {
    let t = |org, region, police| Some(UnitCols { org, region, police });
    match kind {
        TaskKind::ReportToAccept => t(None, "substr(r.village_code, 1, 9)", true),
        TaskKind::ReportToDispose => t(Some("r.station_org_id"), "substr(r.village_code, 1, 9)", true),
        TaskKind::HandOverToAcknowledge => t(None, "substr(r.village_code, 1, 9)", false),
        TaskKind::AssessmentDue => t(None, "substr(a.village_code, 1, 9)", false),
        TaskKind::ReferralToDecide => t(Some("f.receiving_org_id"), "substr(a.village_code, 1, 9)", false),
        // The school's steps until the written report; the measures are the township's.
        TaskKind::DropoutStepDue => t(
            Some("CASE WHEN d.next_action IN ('notify', 'persuade', 'report', 'close') THEN d.school_org_id END"),
            "substr(d.village_code, 1, 9)",
            false,
        ),
        TaskKind::VisitDue => t(None, "d.village_code", false),
        _ => None,
    }
}

/// One kind's overdue items of a unit (or a district): how many, the oldest deadline.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindCount {
    pub kind: OverdueKind,
    pub label: &'static str,
    pub count: i64,
    pub oldest_due: Option<DateTime<Utc>>,
}

/// A unit's line on the register.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitLine {
    /// `org-12`, `police-120114101` or `region-120114101`.
    pub key: String,
    pub name: String,
    pub district_code: String,
    pub district_name: String,
    pub total: i64,
    pub oldest_due: Option<DateTime<Utc>>,
    pub kinds: Vec<KindCount>,
    /// Items whose deadline passed in each of the trend's weeks, newest week first.
    pub trend: Vec<i64>,
    pub link: String,
}

/// A district's line on the city's register.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DistrictLine {
    pub code: String,
    pub name: String,
    pub total: i64,
    pub units: i64,
    pub oldest_due: Option<DateTime<Utc>>,
    pub kinds: Vec<KindCount>,
    pub trend: Vec<i64>,
    pub link: String,
}

/// A unit with a duty to report that reported late ([S] 二(二)).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LateReporter {
    pub key: String,
    pub org_id: i64,
    pub name: String,
    pub district_code: String,
    pub late: i64,
    pub last_reported_at: Option<DateTime<Utc>>,
    pub link: String,
}

/// One of the trend's weeks.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct WeekSpan {
    pub from: DateTime<Utc>,
    pub to: DateTime<Utc>,
}

/// The register of overdue work of a region: per district (the city without a district
/// chosen) or per unit (a district).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Register {
    /// The district whose units are listed; none for the city's overview.
    pub district: Option<String>,
    pub district_name: Option<String>,
    pub weeks: Vec<WeekSpan>,
    pub districts: Vec<DistrictLine>,
    pub units: Vec<UnitLine>,
    pub late_reporters: Vec<LateReporter>,
}

/// One overdue item as the unit's page shows it: about whom (the child's name, never a
/// bare id), where, due when, and the page of the record.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RegisterItem {
    pub kind: OverdueKind,
    pub record_id: i64,
    pub child_id: Option<i64>,
    pub about: String,
    pub village_name: Option<String>,
    pub due: Option<DateTime<Utc>>,
    pub link: String,
}

/// A kind's overdue items of a unit: the count and the oldest items.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct KindItems {
    pub kind: OverdueKind,
    pub label: &'static str,
    pub count: i64,
    pub items: Vec<RegisterItem>,
}

/// A report filed late by a unit with the duty to report.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LateReport {
    pub id: i64,
    pub about: String,
    pub village_name: String,
    pub discovered_at: DateTime<Utc>,
    pub reported_at: DateTime<Utc>,
    pub link: String,
}

/// An accountability measure, as recorded (append-only).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Measure {
    pub id: i64,
    pub unit_key: String,
    pub unit_name: String,
    pub district_code: String,
    pub kind: MeasureKind,
    pub kind_label: &'static str,
    pub reference: Option<String>,
    pub on: NaiveDate,
    pub basis: String,
    /// Register items it is about, `kind:record_id`.
    pub items: Vec<String>,
    pub corrects: Option<i64>,
    /// Later entries correcting this one.
    pub corrected_by: Vec<i64>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A commendation of a reporter, as recorded (append-only).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Commendation {
    pub id: i64,
    pub kind: CommendationKind,
    pub kind_label: &'static str,
    pub reporter_org_id: Option<i64>,
    pub reporter_name: String,
    pub report_id: Option<i64>,
    pub district_code: String,
    pub on: NaiveDate,
    pub basis: String,
    pub corrects: Option<i64>,
    pub corrected_by: Vec<i64>,
    pub recorded_by: String,
    pub recorded_at: DateTime<Utc>,
}

/// A unit's page: its overdue items per kind, its late reports and the measures against it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct UnitDetail {
    pub key: String,
    pub name: String,
    pub district_code: String,
    pub district_name: String,
    pub total: i64,
    pub kinds: Vec<KindItems>,
    pub late_reports: Vec<LateReport>,
    pub measures: Vec<Measure>,
    pub commendations: Vec<Commendation>,
}

/// A measure to record.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MeasureInput {
    pub unit_key: String,
    /// `interview` (约谈), `criticism` (通报批评) or `accountability` (追责).
    pub kind: String,
    /// The document number (文号); required for `accountability`.
    #[serde(default)]
    pub reference: Option<String>,
    /// YYYY-MM-DD, not after today.
    #[serde(default)]
    pub on: Option<String>,
    pub basis: String,
    /// Register items it is about, each `kind:record_id` (e.g. `assessment_overdue:12`).
    #[serde(default)]
    pub items: Vec<String>,
    /// The entry this one corrects (of the same unit).
    #[serde(default)]
    pub corrects: Option<i64>,
}

/// A commendation to record: of a unit (`reporter_org_id`) or a person (`reporter_name`).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct CommendationInput {
    /// `praise` (表扬) or `reward` (奖励).
    pub kind: String,
    #[serde(default)]
    pub reporter_org_id: Option<i64>,
    #[serde(default)]
    pub reporter_name: Option<String>,
    /// The report it is for, if one.
    #[serde(default)]
    pub report_id: Option<i64>,
    #[serde(default)]
    pub on: Option<String>,
    pub basis: String,
    #[serde(default)]
    pub corrects: Option<i64>,
}

/// A task a decision gives: the unit, the person of it, what, by when.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct TaskInput {
    #[serde(default)]
    pub org_id: Option<i64>,
    #[serde(default)]
    pub owner_user_id: Option<i64>,
    #[serde(default)]
    pub title: String,
    /// YYYY-MM-DD.
    #[serde(default)]
    pub due_on: Option<String>,
}

#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct DecisionInput {
    pub text: String,
    #[serde(default)]
    pub tasks: Vec<TaskInput>,
}

/// A joint meeting to record ([S] 四(一)).
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct MeetingInput {
    /// YYYY-MM-DD.
    #[serde(default)]
    pub held_on: Option<String>,
    pub title: String,
    #[serde(default)]
    pub attendee_org_ids: Vec<i64>,
    #[serde(default)]
    pub decisions: Vec<DecisionInput>,
}

/// A meeting task as its owner and the city see it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingTask {
    pub id: i64,
    pub meeting_id: i64,
    pub meeting_title: String,
    pub held_on: NaiveDate,
    pub decision: String,
    pub org_id: i64,
    pub org_name: String,
    pub owner_user_id: i64,
    pub owner_name: String,
    pub title: String,
    pub due_on: NaiveDate,
    pub status: MeetingTaskStatus,
    pub status_label: &'static str,
    pub overdue: bool,
    pub last_note: Option<String>,
    pub updated_at: DateTime<Utc>,
    pub version: i64,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TaskUpdate {
    pub user_name: String,
    pub note: String,
    pub status: MeetingTaskStatus,
    pub status_label: &'static str,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingTaskDetail {
    #[serde(flatten)]
    pub task: MeetingTask,
    pub updates: Vec<TaskUpdate>,
    /// Whether the caller is the person who reports its progress.
    pub mine: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct DecisionView {
    pub seq: i64,
    pub text: String,
    pub tasks: Vec<MeetingTask>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Meeting {
    pub id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub attendees: Vec<String>,
    pub decisions: Vec<DecisionView>,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct MeetingSummary {
    pub id: i64,
    pub held_on: NaiveDate,
    pub title: String,
    pub tasks: i64,
    pub done: i64,
}

/// A person a meeting task may name: a user of an organisation.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Person {
    pub user_id: i64,
    pub name: String,
    pub org_id: i64,
    pub org_name: String,
}

/// A progress report on a meeting task.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
pub struct ProgressInput {
    pub note: String,
    /// `in_progress` (进行中) or `done` (已完成).
    pub status: String,
}

/// Accumulated counts of a unit or a district.
#[derive(Default, Clone)]
struct Acc {
    total: i64,
    oldest: Option<DateTime<Utc>>,
    kinds: BTreeMap<usize, (i64, Option<DateTime<Utc>>)>,
    trend: Vec<i64>,
    units: i64,
}

impl Acc {
    fn add(&mut self, kind: usize, count: i64, oldest: Option<DateTime<Utc>>, trend: &[i64]) {
        self.total += count;
        self.oldest = min_opt(self.oldest, oldest);
        let k = self.kinds.entry(kind).or_insert((0, None));
        k.0 += count;
        k.1 = min_opt(k.1, oldest);
        if self.trend.len() < trend.len() {
            self.trend.resize(trend.len(), 0);
        }
        for (t, n) in self.trend.iter_mut().zip(trend) {
            *t += n;
        }
    }

    fn kinds(&self) -> Vec<KindCount> {
        self.kinds
            .iter()
            .map(|(i, (count, oldest))| {
                let kind = OverdueKind::ALL[*i];
                KindCount { kind, label: kind.label(), count: *count, oldest_due: *oldest }
            })
            .collect()
    }
}

fn min_opt(a: Option<DateTime<Utc>>, b: Option<DateTime<Utc>>) -> Option<DateTime<Utc>> {
    match (a, b) {
        (Some(x), Some(y)) => Some(x.min(y)),
        (x, y) => x.or(y),
    }
}

fn parse_day(errs: &mut FieldErrors, field: &str, v: Option<&str>) -> Option<NaiveDate> {
    match v.map(str::trim).filter(|s| !s.is_empty()) {
        None => None,
        Some(s) => match NaiveDate::parse_from_str(s, "%Y-%m-%d") {
            Ok(d) => Some(d),
            Err(_) => {
                errs.add(field, msg::DATE_INVALID);
                None
            }
        },
    }
}

/// A group of the register: (district, unit, kind index, count, oldest, trend).
type Group = (String, UnitRef, usize, i64, Option<DateTime<Utc>>, Vec<i64>);

const MEASURE_COLUMNS: &str = "m.id, m.unit_key, m.unit_name, m.district_code, m.kind, m.reference_no, m.measured_on, \
     m.basis, m.items, m.corrects_id, m.recorded_by_name, m.recorded_at";
const COMMENDATION_COLUMNS: &str = "m.id, m.kind, m.reporter_org_id, m.reporter_name, m.report_id, m.district_code, \
     m.commended_on, m.basis, m.corrects_id, m.recorded_by_name, m.recorded_at";
const TASK_COLUMNS: &str = "t.id, t.meeting_id, mt.title, mt.held_on, d.text, t.org_id, o.name, t.owner_user_id, \
     u.display_name, t.title, t.due_on, t.status, t.updated_at, t.version, \
     (SELECT x.note FROM meeting_task_updates x WHERE x.task_id = t.id ORDER BY x.id DESC LIMIT 1)";
const TASK_FROM: &str = " FROM meeting_tasks t JOIN meetings mt ON mt.id = t.meeting_id \
     JOIN meeting_decisions d ON d.id = t.decision_id JOIN organisations o ON o.id = t.org_id \
     JOIN users u ON u.id = t.owner_user_id";

impl Store {
    fn require_register(&self, p: &Principal) -> Result<(), StoreError> {
        if rules::may_read_register(p.role) { Ok(()) } else { Err(StoreError::Forbidden) }
    }

    /// The caller narrowed to `area` (inside its own region): the queries' scope.
    fn narrowed(p: &Principal, area: &str) -> Principal {
        let mut q = p.clone();
        q.region_code = area.to_string();
        q
    }

    fn unit_name(&self, unit: &UnitRef, orgs: &mut BTreeMap<i64, Option<crate::users::Organisation>>) -> String {
        match unit {
            UnitRef::Org(id) => {
                let org = orgs.entry(*id).or_insert_with(|| self.get_org(*id).ok());
                org.as_ref().map_or_else(|| msg::OVERSIGHT_UNIT_UNKNOWN.to_string(), |o| o.name.clone())
            }
            UnitRef::Police(c) => format!("{}{}", self.regions.path_name(c), msg::OVERSIGHT_POLICE_OF),
            UnitRef::Region(c) => self.regions.path_name(c),
        }
    }

    /// The register's sources: each kind's to-do query in `area`, with the kind's index.
    fn register_sources(&self, p: &Principal, area: &str) -> Vec<(usize, Source, UnitCols)> {
        let q = Self::narrowed(p, area);
        let mut out = Vec::new();
        for (i, kind) in OverdueKind::ALL.iter().enumerate() {
            let Some(tk) = rules::task_kind(*kind) else { continue };
            let Some(cols) = unit_cols(tk) else { continue };
            if let Some(mut src) = self.sources_of(&q, vec![tk], true).pop() {
                // The city's overdue visits: a range on the due day (registry migration 0022),
                // not every village's index entries (SQLite, without statistics, would take
                // the villages' index for the city-wide range; decision 180).
                if tk == TaskKind::VisitDue && self.pool.is_sqlite() && area.len() < Level::District.code_len() {
                    src.body.text =
                        src.body.text.replacen("FROM visit_due d ", "FROM visit_due d INDEXED BY visit_due_by_day ", 1);
                }
                out.push((i, src, cols));
            }
        }
        out
    }

    /// The census returns still not signed off after their due day (`late_census_returns`),
    /// as register groups: the township's or the district's own, one item each, its deadline
    /// the end of the due day in China.
    fn census_overdue_groups(&self, p: &Principal, area: &str, weeks: i64) -> Result<Vec<Group>, StoreError> {
        let Some(i) = OverdueKind::ALL.iter().position(|k| *k == OverdueKind::CensusReturnUnsigned) else {
            return Ok(Vec::new());
        };
        let now = self.now();
        let spans = rules::trend_weeks(now, weeks);
        let late = match self.late_census_returns(p, china_date(now)) {
            Ok(late) => late,
            // A role that takes no part in census rounds has none to list.
            Err(StoreError::Forbidden) => return Ok(Vec::new()),
            Err(e) => return Err(e),
        };
        Ok(late
            .into_iter()
            .filter(|l| l.signed_on.is_none() && region::within(&l.unit_code, area))
            .map(|l| {
                let deadline = day_deadline(l.due_on);
                let trend = spans.iter().map(|(from, to)| i64::from(deadline > *from && deadline <= *to)).collect();
                let district = l.unit_code.chars().take(Level::District.code_len()).collect();
                (district, UnitRef::Region(l.unit_code), i, 1, Some(deadline), trend)
            })
            .collect())
    }

    /// Every overdue group of `area`: per district, unit and kind, the count, the oldest
    /// deadline and the trend.
    fn register_groups(&self, p: &Principal, area: &str, weeks: i64) -> Result<Vec<Group>, StoreError> {
        let now = self.now();
        let rule = self.settings.age_rule;
        let spans = rules::trend_weeks(now, weeks);
        let mut out = Vec::new();
        for (i, src, cols) in self.register_sources(p, area) {
            let Some((due, clock)) = src.due else { continue };
            let village = src.village.unwrap_or("''");
            let mut sql = Sql::new(&format!(
                "SELECT substr({village}, 1, 6), {}, {}, count(*), MIN({due})",
                cols.org.unwrap_or("NULL"),
                cols.region
            ));
            for (from, to) in &spans {
                sql.push(&format!(", COALESCE(SUM(CASE WHEN {due} > ")).bind(clock.bound(*from, rule));
                sql.push(&format!(" AND {due} <= ")).bind(clock.bound(*to, rule));
                sql.push(" THEN 1 ELSE 0 END), 0)");
            }
            append(&mut sql, &src.body);
            sql.push(&format!(" AND {due} <= ")).bind(clock.bound(now, rule));
            sql.push(" GROUP BY 1, 2, 3");
            let n = spans.len();
            let read = |c: &mut Conn<'_, '_>| {
                c.query(&sql.text, &sql.params, |r| {
                    let district = r.text(0)?;
                    let org = if cols.org.is_some() { r.opt_i64(1)? } else { None };
                    let region = r.text(2)?;
                    let unit = match org {
                        Some(id) => UnitRef::Org(id),
                        None if cols.police => UnitRef::Police(region),
                        None => UnitRef::Region(region),
                    };
                    let oldest = clock.moment(r, 4, rule)?;
                    let trend = (0..n).map(|k| r.i64(5 + k)).collect::<Result<Vec<_>, _>>()?;
                    Ok((district, unit, i, r.i64(3)?, oldest, trend))
                })
            };
            out.extend(if src.reports_db { self.reports.read(read)? } else { self.pool.read(read)? });
        }
        out.extend(self.census_overdue_groups(p, area, weeks)?);
        Ok(out)
    }

    /// The register of overdue work ([S] 四(二)): for the city, per district (and per unit
    /// of `district` when one is chosen); for a district, per unit of its own. A district
    /// outside the caller's region is not found. Counts only: names no child.
    pub fn accountability_register(&self, p: &Principal, district: Option<&str>) -> Result<Register, StoreError> {
        self.require_register(p)?;
        let district = district.map(str::trim).filter(|d| !d.is_empty());
        let area = match district {
            Some(d) if d.len() == Level::District.code_len() && region::within(d, &p.region_code) => d.to_string(),
            Some(_) => return Err(StoreError::NotFound),
            None => p.region_code.clone(),
        };
        let per_unit = area.len() >= Level::District.code_len();
        let weeks = self.settings.oversight.trend_weeks;
        let groups = self.register_groups(p, &area, weeks)?;
        let mut units: BTreeMap<(String, UnitRef), Acc> = BTreeMap::new();
        let mut districts: BTreeMap<String, Acc> = BTreeMap::new();
        for (d, unit, kind, count, oldest, trend) in groups {
            districts.entry(d.clone()).or_default().add(kind, count, oldest, &trend);
            units.entry((d, unit)).or_default().add(kind, count, oldest, &trend);
        }
        for (d, _) in units.keys() {
            if let Some(acc) = districts.get_mut(d) {
                acc.units += 1;
            }
        }
        let mut orgs = BTreeMap::new();
        let mut unit_lines: Vec<UnitLine> = if per_unit {
            units
                .into_iter()
                .map(|((d, unit), acc)| UnitLine {
                    key: unit.key(),
                    name: self.unit_name(&unit, &mut orgs),
                    district_name: self.regions.name(&d).to_string(),
                    link: format!("/accountability/units/{}", unit.key()),
                    district_code: d,
                    total: acc.total,
                    oldest_due: acc.oldest,
                    kinds: acc.kinds(),
                    trend: acc.trend.clone(),
                })
                .collect()
        } else {
            Vec::new()
        };
        unit_lines.sort_by(|a, b| b.total.cmp(&a.total).then(a.oldest_due.cmp(&b.oldest_due)));
        let mut district_lines: Vec<DistrictLine> = districts
            .into_iter()
            .map(|(code, acc)| DistrictLine {
                name: self.regions.name(&code).to_string(),
                link: format!("/accountability?district={code}"),
                code,
                total: acc.total,
                units: acc.units,
                oldest_due: acc.oldest,
                kinds: acc.kinds(),
                trend: acc.trend.clone(),
            })
            .collect();
        district_lines.sort_by(|a, b| b.total.cmp(&a.total).then(a.code.cmp(&b.code)));
        let late_reporters = self.late_reporters(&Self::narrowed(p, &area))?;
        Ok(Register {
            district_name: per_unit.then(|| self.regions.name(&area).to_string()),
            district: per_unit.then_some(area),
            weeks: rules::trend_weeks(self.now(), weeks).into_iter().map(|(from, to)| WeekSpan { from, to }).collect(),
            districts: district_lines,
            units: unit_lines,
            late_reporters,
        })
    }

    /// Units with a duty to report that reported late within `oversight.late_report_days`,
    /// in the caller's region ([S] 二(二): 负有强制报告责任的单位和人员不履行报告义务的…追责).
    fn late_reporters(&self, p: &Principal) -> Result<Vec<LateReporter>, StoreError> {
        let since = self.now() - Duration::days(self.settings.oversight.late_report_days);
        let mut sql = Sql::new(
            "SELECT r.reporter_org_id, MAX(r.reporter_org_name), substr(r.village_code, 1, 6), count(*), MAX(r.reported_at) \
             FROM reports r WHERE r.late_report = ",
        );
        sql.bind(true).push(" AND r.reporter_org_id IS NOT NULL AND r.reported_at >= ").bind(since);
        crate::children::push_scope_on(&mut sql, &shouhu_domain::role::Scope::Region(p.region_code.clone()), "r.");
        sql.push(" GROUP BY r.reporter_org_id, substr(r.village_code, 1, 6) ORDER BY 4 DESC, 1 LIMIT 500");
        let rows = self.reports.read(|c| {
            c.query(&sql.text, &sql.params, |r| {
                Ok((r.i64(0)?, r.opt_text(1)?.unwrap_or_default(), r.text(2)?, r.i64(3)?, r.opt_ts(4)?))
            })
        })?;
        Ok(rows
            .into_iter()
            .map(|(org_id, name, district_code, late, last)| {
                let key = UnitRef::Org(org_id).key();
                LateReporter {
                    link: format!("/accountability/units/{key}"),
                    key,
                    org_id,
                    name,
                    district_code,
                    late,
                    last_reported_at: last,
                }
            })
            .collect())
    }

    /// The SQL condition that an item of `cols` is the unit's.
    fn push_unit(sql: &mut Sql, unit: &UnitRef, cols: &UnitCols) -> bool {
        match (unit, cols.org) {
            (UnitRef::Org(id), Some(org)) => {
                sql.push(&format!(" AND {org} = ")).bind(*id);
            }
            (UnitRef::Org(_), None) => return false,
            (UnitRef::Police(code), _) | (UnitRef::Region(code), _) => {
                if matches!(unit, UnitRef::Police(_)) != cols.police {
                    return false;
                }
                if let Some(org) = cols.org {
                    sql.push(&format!(" AND {org} IS NULL"));
                }
                sql.push(&format!(" AND {} = ", cols.region)).bind(code.as_str());
            }
        }
        true
    }

    /// A unit's page of the register: its overdue items per kind (the oldest first, at most
    /// `oversight.oldest_items` each) with the child's name, its late reports, and the
    /// measures and commendations recorded. Items outside the caller's region are not read;
    /// a unit with none in it and outside it is not found. The view is audited.
    pub fn accountability_unit(&self, p: &Principal, key: &str) -> Result<UnitDetail, StoreError> {
        self.require_register(p)?;
        let unit = UnitRef::parse(key).ok_or(StoreError::NotFound)?;
        let home = match &unit {
            UnitRef::Org(id) => self.get_org(*id)?.region_code,
            UnitRef::Police(c) | UnitRef::Region(c) => c.clone(),
        };
        let now = self.now();
        let rule = self.settings.age_rule;
        let limit = self.settings.oversight.oldest_items;
        let mut kinds = Vec::new();
        let mut total = 0;
        let mut district: Option<String> = None;
        for (i, src, cols) in self.register_sources(p, &p.region_code) {
            let Some((due, clock)) = src.due else { continue };
            let village = src.village.unwrap_or("NULL");
            let mut cond = Sql::new("");
            append(&mut cond, &src.body);
            cond.push(&format!(" AND {due} <= ")).bind(clock.bound(now, rule));
            if !Self::push_unit(&mut cond, &unit, &cols) {
                continue;
            }
            let mut count_sql = Sql::new("SELECT count(*)");
            append(&mut count_sql, &cond);
            let mut sql = Sql::new(&format!(
                "SELECT {}, {due}, {}, {}, {village}",
                src.id,
                src.child.unwrap_or("NULL"),
                src.name
            ));
            append(&mut sql, &cond);
            sql.push(&format!(" ORDER BY {due}, {} LIMIT ", src.id)).bind(limit);
            let kind = OverdueKind::ALL[i];
            let has_child = src.child.is_some();
            let link = src.link;
            let read = |c: &mut Conn<'_, '_>| {
                let count = c.query_opt(&count_sql.text, &count_sql.params, |r| r.i64(0))?.unwrap_or(0);
                let rows = c.query(&sql.text, &sql.params, |r| {
                    let id = r.i64(0)?;
                    let child = if has_child { r.opt_i64(2)? } else { None };
                    Ok((id, clock.moment(r, 1, rule)?, child, r.opt_text(3)?, r.opt_text(4)?))
                })?;
                Ok((count, rows))
            };
            let (count, rows) = if src.reports_db { self.reports.read(read)? } else { self.pool.read(read)? };
            if count == 0 {
                continue;
            }
            total += count;
            let items = rows
                .into_iter()
                .map(|(id, due, child, name, village)| {
                    if district.is_none() {
                        district = village.as_deref().map(|v| region::district_of(v).to_string());
                    }
                    RegisterItem {
                        kind,
                        record_id: id,
                        child_id: child,
                        about: name.unwrap_or_else(|| msg::TASK_UNNAMED_CHILD.to_string()),
                        village_name: village.as_deref().map(|v| self.regions.path_name(v)),
                        due,
                        link: link(id, child),
                    }
                })
                .collect();
            kinds.push(KindItems { kind, label: kind.label(), count, items });
        }
        let late_reports = match &unit {
            UnitRef::Org(id) => self.late_reports_of(p, *id)?,
            _ => Vec::new(),
        };
        let in_region = region::within(&home, &p.region_code);
        if !in_region && total == 0 && late_reports.is_empty() {
            return Err(StoreError::NotFound);
        }
        let district_code = district.unwrap_or_else(|| region::district_of(&home).to_string());
        let measures = self.measures_of(p, Some(key))?;
        let commendations = match &unit {
            UnitRef::Org(id) => self.commendations_of(p, Some(*id))?,
            _ => Vec::new(),
        };
        let mut orgs = BTreeMap::new();
        self.audit(p, Action::ViewAccountability, None, &format!("{key}: {total}"))?;
        Ok(UnitDetail {
            name: self.unit_name(&unit, &mut orgs),
            key: unit.key(),
            district_name: self.regions.name(&district_code).to_string(),
            district_code,
            total,
            kinds,
            late_reports,
            measures,
            commendations,
        })
    }

    fn late_reports_of(&self, p: &Principal, org: i64) -> Result<Vec<LateReport>, StoreError> {
        let since = self.now() - Duration::days(self.settings.oversight.late_report_days);
        let mut sql = Sql::new(
            "SELECT r.id, r.child_name, r.village_code, r.discovered_at, r.reported_at FROM reports r \
             WHERE r.late_report = ",
        );
        sql.bind(true).push(" AND r.reporter_org_id = ").bind(org).push(" AND r.reported_at >= ").bind(since);
        crate::children::push_scope_on(&mut sql, &shouhu_domain::role::Scope::Region(p.region_code.clone()), "r.");
        sql.push(" ORDER BY r.reported_at DESC LIMIT ").bind(self.settings.oversight.oldest_items);
        let rows = self.reports.read(|c| {
            c.query(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.opt_text(1)?, r.text(2)?, r.ts(3)?, r.ts(4)?)))
        })?;
        Ok(rows
            .into_iter()
            .map(|(id, name, village, discovered_at, reported_at)| LateReport {
                id,
                about: name.unwrap_or_else(|| msg::TASK_UNNAMED_CHILD.to_string()),
                village_name: self.regions.path_name(&village),
                discovered_at,
                reported_at,
                link: format!("/reports/{id}"),
            })
            .collect())
    }

    /// The district a unit belongs to (a city-level organisation: the city's code).
    fn unit_district(&self, unit: &UnitRef) -> Result<String, StoreError> {
        Ok(match unit {
            UnitRef::Org(id) => region::district_of(&self.get_org(*id)?.region_code).to_string(),
            UnitRef::Police(c) | UnitRef::Region(c) => region::district_of(c).to_string(),
        })
    }

    /// Records an accountability measure against a unit of the register ([S] 四(二), [S]
    /// 二(二)): the city only; a correction is a new entry naming the one it corrects, of
    /// the same unit. Audited in the same transaction.
    pub fn record_measure(&self, p: &Principal, input: &MeasureInput) -> Result<Measure, StoreError> {
        if !rules::may_record_measure(p.role) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now();
        let mut errs = FieldErrors::default();
        let kind = match MeasureKind::parse(input.kind.trim()) {
            Some(k) => Some(k),
            None => {
                errs.add("kind", if input.kind.trim().is_empty() { msg::REQUIRED } else { msg::UNKNOWN_OPTION });
                None
            }
        };
        let unit = UnitRef::parse(input.unit_key.trim());
        let mut orgs = BTreeMap::new();
        let (unit_name, district) = match &unit {
            Some(u) => match self.unit_district(u) {
                Ok(d) => (self.unit_name(u, &mut orgs), d),
                Err(_) => {
                    errs.add("unit_key", msg::OVERSIGHT_UNIT_UNKNOWN);
                    (String::new(), String::new())
                }
            },
            None => {
                errs.add("unit_key", msg::OVERSIGHT_UNIT_UNKNOWN);
                (String::new(), String::new())
            }
        };
        let on = parse_day(&mut errs, "on", input.on.as_deref());
        let date_ok = errs.get("on").is_none();
        let mut check = FieldErrors::default();
        rules::check_record(
            &mut check,
            on,
            &input.basis,
            input.reference.as_deref(),
            kind.is_some_and(rules::measure_needs_reference),
            now,
        );
        for e in check.0 {
            if e.field != "on" || date_ok {
                errs.add(e.field, e.message);
            }
        }
        let mut items = Vec::new();
        for (i, it) in input.items.iter().map(|s| s.trim()).filter(|s| !s.is_empty()).enumerate() {
            let ok =
                it.split_once(':').is_some_and(|(k, id)| OverdueKind::parse(k).is_some() && id.parse::<i64>().is_ok());
            if ok {
                items.push(it.to_string());
            } else {
                errs.add(format!("items.{i}"), msg::OVERSIGHT_ITEM_UNKNOWN);
            }
        }
        let key = unit.as_ref().map(UnitRef::key).unwrap_or_default();
        let reference = input.reference.as_deref().map(str::trim).filter(|s| !s.is_empty()).map(str::to_string);
        let basis = input.basis.trim().to_string();
        let corrects = input.corrects;
        let actor = p.actor();
        let id = self.pool.write(|c| {
            if let Some(old) = corrects {
                let same = c.query_opt(
                    "SELECT id FROM accountability_measures WHERE id = $1 AND unit_key = $2",
                    &[old.into(), key.as_str().into()],
                    |r| r.i64(0),
                )?;
                if same.is_none() {
                    errs.add("corrects", msg::OVERSIGHT_CORRECTS_UNKNOWN);
                }
            }
            if !errs.is_empty() {
                return Err(StoreError::Invalid(std::mem::take(&mut errs)));
            }
            let (Some(kind), Some(on)) = (kind, on) else { return Err(StoreError::Backend("checked".into())) };
            let id = c
                .query_opt(
                    "INSERT INTO accountability_measures (unit_key, unit_name, district_code, kind, reference_no, \
                     measured_on, basis, items, corrects_id, recorded_by, recorded_by_name, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11, $12) RETURNING id",
                    &[
                        key.as_str().into(),
                        unit_name.as_str().into(),
                        district.as_str().into(),
                        kind.code().into(),
                        reference.clone().into(),
                        on.into(),
                        basis.as_str().into(),
                        serde_json::to_string(&items).unwrap_or_default().into(),
                        corrects.into(),
                        p.user_id.into(),
                        actor.user_name.as_str().into(),
                        now.into(),
                    ],
                    |r| r.i64(0),
                )?
                .ok_or_else(|| StoreError::Backend("no id returned".into()))?;
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::RecordMeasure,
                None,
                &format!("{key} {} {id}", kind.label()),
            )?;
            Ok(id)
        })?;
        self.measures_of(p, Some(&self.measure_unit(id)?))?.into_iter().find(|m| m.id == id).ok_or(StoreError::NotFound)
    }

    fn measure_unit(&self, id: i64) -> Result<String, StoreError> {
        self.pool
            .read(|c| {
                c.query_opt("SELECT unit_key FROM accountability_measures WHERE id = $1", &[id.into()], |r| r.text(0))
            })?
            .ok_or(StoreError::NotFound)
    }

    /// The measures of the caller's region (of one unit if given), newest first.
    pub fn measures_of(&self, p: &Principal, unit: Option<&str>) -> Result<Vec<Measure>, StoreError> {
        self.require_register(p)?;
        let mut sql = Sql::new(&format!("SELECT {MEASURE_COLUMNS} FROM accountability_measures m WHERE 1 = 1"));
        push_district_scope(&mut sql, &p.region_code);
        if let Some(u) = unit {
            sql.push(" AND m.unit_key = ").bind(u);
        }
        sql.push(" ORDER BY m.id DESC LIMIT 500");
        let mut rows = self.pool.read(|c| {
            c.query(&sql.text, &sql.params, |r| {
                let kind = MeasureKind::parse(&r.text(4)?).ok_or_else(|| StoreError::Backend("measure kind".into()))?;
                Ok(Measure {
                    id: r.i64(0)?,
                    unit_key: r.text(1)?,
                    unit_name: r.text(2)?,
                    district_code: r.text(3)?,
                    kind,
                    kind_label: kind.label(),
                    reference: r.opt_text(5)?,
                    on: r.opt_date(6)?.ok_or_else(|| StoreError::Backend("date".into()))?,
                    basis: r.text(7)?,
                    items: serde_json::from_str(&r.text(8)?).unwrap_or_default(),
                    corrects: r.opt_i64(9)?,
                    corrected_by: Vec::new(),
                    recorded_by: r.text(10)?,
                    recorded_at: r.ts(11)?,
                })
            })
        })?;
        let pairs: Vec<(i64, i64)> = rows.iter().filter_map(|m| m.corrects.map(|c| (c, m.id))).collect();
        for m in &mut rows {
            m.corrected_by = pairs.iter().filter(|(c, _)| *c == m.id).map(|(_, id)| *id).collect();
        }
        Ok(rows)
    }

    /// Records a commendation of a reporter, a unit or a person ([S] 二(二): 应及时给予表扬和
    /// 奖励): the city only; append-only like the measures. Unlike `commend_report` (the
    /// duty desk's mark on one public report, counted in the report statistics), this is
    /// the city's dated decision with its basis, of any reporter (decision 168).
    pub fn record_commendation(&self, p: &Principal, input: &CommendationInput) -> Result<Commendation, StoreError> {
        if !rules::may_record_commendation(p.role) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now();
        let mut errs = FieldErrors::default();
        let kind = CommendationKind::parse(input.kind.trim());
        if kind.is_none() {
            errs.add("kind", if input.kind.trim().is_empty() { msg::REQUIRED } else { msg::UNKNOWN_OPTION });
        }
        let mut district = p.region_code.clone();
        let org = match input.reporter_org_id {
            Some(id) => match self.get_org(id) {
                Ok(o) => {
                    district = region::district_of(&o.region_code).to_string();
                    Some(o)
                }
                Err(_) => {
                    errs.add("reporter_org_id", msg::OVERSIGHT_ORG_UNKNOWN);
                    None
                }
            },
            None => None,
        };
        let typed = input.reporter_name.as_deref().map(str::trim).filter(|s| !s.is_empty());
        let name = match (&org, typed) {
            (Some(o), _) => o.name.clone(),
            (None, Some(n)) if n.chars().count() <= rules::SHORT_MAX => n.to_string(),
            (None, Some(_)) => {
                errs.add("reporter_name", msg::OVERSIGHT_TEXT_TOO_LONG);
                String::new()
            }
            (None, None) => {
                if input.reporter_org_id.is_none() {
                    errs.add("reporter_name", msg::OVERSIGHT_REPORTER_REQUIRED);
                }
                String::new()
            }
        };
        if let Some(rid) = input.report_id {
            let village = self.reports.read(|c| {
                c.query_opt("SELECT r.village_code FROM reports r WHERE r.id = $1", &[rid.into()], |r| r.text(0))
            })?;
            match village {
                Some(v) if region::within(&v, &p.region_code) => {
                    if org.is_none() {
                        district = region::district_of(&v).to_string();
                    }
                }
                _ => errs.add("report_id", msg::OVERSIGHT_REPORT_UNKNOWN),
            }
        }
        let on = parse_day(&mut errs, "on", input.on.as_deref());
        let date_ok = errs.get("on").is_none();
        let mut check = FieldErrors::default();
        rules::check_record(&mut check, on, &input.basis, None, false, now);
        for e in check.0 {
            if e.field != "on" || date_ok {
                errs.add(e.field, e.message);
            }
        }
        let actor = p.actor();
        let basis = input.basis.trim().to_string();
        let id = self.pool.write(|c| {
            if let Some(old) = input.corrects {
                let found = c.query_opt("SELECT id FROM commendations WHERE id = $1", &[old.into()], |r| r.i64(0))?;
                if found.is_none() {
                    errs.add("corrects", msg::OVERSIGHT_CORRECTS_UNKNOWN);
                }
            }
            if !errs.is_empty() {
                return Err(StoreError::Invalid(std::mem::take(&mut errs)));
            }
            let (Some(kind), Some(on)) = (kind, on) else { return Err(StoreError::Backend("checked".into())) };
            let id = c
                .query_opt(
                    "INSERT INTO commendations (kind, reporter_org_id, reporter_name, report_id, district_code, \
                     commended_on, basis, corrects_id, recorded_by, recorded_by_name, recorded_at) \
                     VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &[
                        kind.code().into(),
                        input.reporter_org_id.into(),
                        name.as_str().into(),
                        input.report_id.into(),
                        district.as_str().into(),
                        on.into(),
                        basis.as_str().into(),
                        input.corrects.into(),
                        p.user_id.into(),
                        actor.user_name.as_str().into(),
                        now.into(),
                    ],
                    |r| r.i64(0),
                )?
                .ok_or_else(|| StoreError::Backend("no id returned".into()))?;
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::RecordCommendation,
                None,
                &format!("{} {id}", kind.label()),
            )?;
            Ok(id)
        })?;
        self.commendations_of(p, None)?.into_iter().find(|m| m.id == id).ok_or(StoreError::NotFound)
    }

    /// The commendations of the caller's region (of one reporting unit if given), newest first.
    pub fn commendations_of(&self, p: &Principal, org: Option<i64>) -> Result<Vec<Commendation>, StoreError> {
        self.require_register(p)?;
        let mut sql = Sql::new(&format!("SELECT {COMMENDATION_COLUMNS} FROM commendations m WHERE 1 = 1"));
        push_district_scope(&mut sql, &p.region_code);
        if let Some(o) = org {
            sql.push(" AND m.reporter_org_id = ").bind(o);
        }
        sql.push(" ORDER BY m.id DESC LIMIT 500");
        let mut rows = self.pool.read(|c| {
            c.query(&sql.text, &sql.params, |r| {
                let kind =
                    CommendationKind::parse(&r.text(1)?).ok_or_else(|| StoreError::Backend("commendation".into()))?;
                Ok(Commendation {
                    id: r.i64(0)?,
                    kind,
                    kind_label: kind.label(),
                    reporter_org_id: r.opt_i64(2)?,
                    reporter_name: r.text(3)?,
                    report_id: r.opt_i64(4)?,
                    district_code: r.text(5)?,
                    on: r.opt_date(6)?.ok_or_else(|| StoreError::Backend("date".into()))?,
                    basis: r.text(7)?,
                    corrects: r.opt_i64(8)?,
                    corrected_by: Vec::new(),
                    recorded_by: r.text(9)?,
                    recorded_at: r.ts(10)?,
                })
            })
        })?;
        let pairs: Vec<(i64, i64)> = rows.iter().filter_map(|m| m.corrects.map(|c| (c, m.id))).collect();
        for m in &mut rows {
            m.corrected_by = pairs.iter().filter(|(c, _)| *c == m.id).map(|(_, id)| *id).collect();
        }
        Ok(rows)
    }
}

/// A record of a district (or of the city, code "12") within the caller's region: the
/// district's own and, for the city, every district's.
fn push_district_scope(sql: &mut Sql, region_code: &str) {
    sql.push(" AND m.district_code >= ")
        .bind(region::district_of(region_code))
        .push(" AND m.district_code < ")
        .bind(region::prefix_upper_bound(region::district_of(region_code)));
}

impl Store {
    /// The people a meeting task may name: active users with their organisations.
    pub fn meeting_people(&self, p: &Principal) -> Result<Vec<Person>, StoreError> {
        if !rules::may_record_meeting(p.role) {
            return Err(StoreError::Forbidden);
        }
        self.pool.read(|c| {
            c.query(
                "SELECT u.id, u.display_name, o.id, o.name FROM users u JOIN organisations o ON o.id = u.org_id \
                 WHERE u.active = $1 ORDER BY o.name, u.display_name LIMIT 5000",
                &[true.into()],
                |r| Ok(Person { user_id: r.i64(0)?, name: r.text(1)?, org_id: r.i64(2)?, org_name: r.text(3)? }),
            )
        })
    }

    /// Records a joint meeting, its attendees and its decisions, each broken into tasks to a
    /// named unit and person with a due day ([S] 四(一), 四(二)). One transaction: a task
    /// without its person (or any other fault) refuses the whole meeting, field by field.
    pub fn record_meeting(&self, p: &Principal, input: &MeetingInput) -> Result<i64, StoreError> {
        if !rules::may_record_meeting(p.role) {
            return Err(StoreError::Forbidden);
        }
        let now = self.now();
        let mut errs = FieldErrors::default();
        let held_on = parse_day(&mut errs, "held_on", input.held_on.as_deref());
        if held_on.is_none() && errs.get("held_on").is_none() {
            errs.add("held_on", msg::REQUIRED);
        }
        if held_on.is_some_and(|d| d > china_date(now)) {
            errs.add("held_on", msg::OVERSIGHT_DATE_FUTURE);
        }
        let title = input.title.trim().to_string();
        if title.is_empty() {
            errs.add("title", msg::REQUIRED);
        } else if title.chars().count() > rules::SHORT_MAX {
            errs.add("title", msg::OVERSIGHT_TEXT_TOO_LONG);
        }
        let mut attendees = input.attendee_org_ids.clone();
        attendees.sort_unstable();
        attendees.dedup();
        if attendees.is_empty() {
            errs.add("attendee_org_ids", msg::MEETING_ATTENDEES_REQUIRED);
        }
        if input.decisions.is_empty() {
            errs.add("decisions", msg::MEETING_DECISIONS_REQUIRED);
        }
        let actor = p.actor();
        self.pool.write(|c| {
            for org in &attendees {
                if c.query_opt("SELECT id FROM organisations WHERE id = $1", &[(*org).into()], |r| r.i64(0))?.is_none() {
                    errs.add("attendee_org_ids", msg::OVERSIGHT_ORG_UNKNOWN);
                    break;
                }
            }
            let mut tasks: Vec<Vec<(i64, i64, String, NaiveDate)>> = Vec::new();
            for (i, d) in input.decisions.iter().enumerate() {
                let f = format!("decisions.{i}");
                let text = d.text.trim();
                if text.is_empty() {
                    errs.add(format!("{f}.text"), msg::REQUIRED);
                } else if text.chars().count() > rules::TEXT_MAX {
                    errs.add(format!("{f}.text"), msg::OVERSIGHT_TEXT_TOO_LONG);
                }
                if d.tasks.is_empty() {
                    errs.add(format!("{f}.tasks"), msg::MEETING_DECISION_TASKS_REQUIRED);
                }
                let mut out = Vec::new();
                for (j, t) in d.tasks.iter().enumerate() {
                    let tf = format!("{f}.tasks.{j}");
                    let org = match t.org_id {
                        Some(o) => {
                            let found =
                                c.query_opt("SELECT id FROM organisations WHERE id = $1", &[o.into()], |r| r.i64(0))?;
                            if found.is_none() {
                                errs.add(format!("{tf}.org_id"), msg::OVERSIGHT_ORG_UNKNOWN);
                            }
                            found
                        }
                        None => None,
                    };
                    let in_org = match (org, t.owner_user_id) {
                        (Some(o), Some(u)) => c
                            .query_opt(
                                "SELECT id FROM users WHERE id = $1 AND org_id = $2 AND active = $3",
                                &[u.into(), o.into(), true.into()],
                                |r| r.i64(0),
                            )?
                            .is_some(),
                        _ => false,
                    };
                    let due = parse_day(&mut errs, &format!("{tf}.due_on"), t.due_on.as_deref());
                    let bad_date = errs.get(&format!("{tf}.due_on")).is_some();
                    let mut check = FieldErrors::default();
                    rules::check_task(&mut check, &tf, org, t.owner_user_id, in_org, &t.title, due);
                    for e in check.0 {
                        // A date already refused as unreadable, or a unit already found
                        // unknown, is not told twice.
                        let told = (bad_date && e.field.ends_with(".due_on"))
                            || (t.org_id.is_some() && e.field.ends_with(".org_id"));
                        if !told {
                            errs.add(e.field, e.message);
                        }
                    }
                    if let (Some(o), Some(u), Some(due)) = (org, t.owner_user_id, due) {
                        out.push((o, u, t.title.trim().to_string(), due));
                    }
                }
                tasks.push(out);
            }
            if !errs.is_empty() {
                return Err(StoreError::Invalid(std::mem::take(&mut errs)));
            }
            let Some(held_on) = held_on else { return Err(StoreError::Backend("checked".into())) };
            let id = c
                .query_opt(
                    "INSERT INTO meetings (held_on, title, recorded_by, recorded_at) VALUES ($1, $2, $3, $4) RETURNING id",
                    &[held_on.into(), title.as_str().into(), p.user_id.into(), now.into()],
                    |r| r.i64(0),
                )?
                .ok_or_else(|| StoreError::Backend("no id returned".into()))?;
            for org in &attendees {
                c.exec("INSERT INTO meeting_attendees (meeting_id, org_id) VALUES ($1, $2)", &[id.into(), (*org).into()])?;
            }
            let mut n = 0;
            for (i, (d, ts)) in input.decisions.iter().zip(tasks).enumerate() {
                let did = c
                    .query_opt(
                        "INSERT INTO meeting_decisions (meeting_id, seq, text) VALUES ($1, $2, $3) RETURNING id",
                        &[id.into(), (i as i64 + 1).into(), d.text.trim().into()],
                        |r| r.i64(0),
                    )?
                    .ok_or_else(|| StoreError::Backend("no id returned".into()))?;
                for (org, owner, title, due) in ts {
                    let task = c
                        .query_opt(
                            "INSERT INTO meeting_tasks (meeting_id, decision_id, org_id, owner_user_id, title, due_on, status, \
                             assigned_at, updated_at, version) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $8, 1) RETURNING id",
                            &[
                                id.into(),
                                did.into(),
                                org.into(),
                                owner.into(),
                                title.into(),
                                due.into(),
                                MeetingTaskStatus::InProgress.code().into(),
                                now.into(),
                            ],
                            |r| r.i64(0),
                        )?
                        .ok_or_else(|| StoreError::Backend("no id returned".into()))?;
                    // Its owner hears of it in the same transaction (decision 151).
                    crate::notify::announce(c, &crate::notify::meeting_task_assigned(task, owner), now)?;
                    n += 1;
                }
            }
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::RecordMeeting,
                None,
                &format!("{} {id}：{n}", msg::MEETINGS_TITLE),
            )?;
            Ok(id)
        })
        .inspect(|_| self.wake_notifier())
    }

    fn task_from_row(&self, r: &dyn crate::db::Row) -> Result<MeetingTask, StoreError> {
        let status = MeetingTaskStatus::parse(&r.text(11)?).ok_or_else(|| StoreError::Backend("status".into()))?;
        let due_on = r.opt_date(10)?.ok_or_else(|| StoreError::Backend("date".into()))?;
        Ok(MeetingTask {
            id: r.i64(0)?,
            meeting_id: r.i64(1)?,
            meeting_title: r.text(2)?,
            held_on: r.opt_date(3)?.ok_or_else(|| StoreError::Backend("date".into()))?,
            decision: r.text(4)?,
            org_id: r.i64(5)?,
            org_name: r.text(6)?,
            owner_user_id: r.i64(7)?,
            owner_name: r.text(8)?,
            title: r.text(9)?,
            due_on,
            status,
            status_label: status.label(),
            overdue: status == MeetingTaskStatus::InProgress && day_deadline(due_on) <= self.now(),
            updated_at: r.ts(12)?,
            version: r.i64(13)?,
            last_note: r.opt_text(14)?,
        })
    }

    /// The meetings recorded, newest first (the city).
    pub fn meetings(&self, p: &Principal) -> Result<Vec<MeetingSummary>, StoreError> {
        if !rules::may_record_meeting(p.role) {
            return Err(StoreError::Forbidden);
        }
        self.pool.read(|c| {
            c.query(
                "SELECT m.id, m.held_on, m.title, (SELECT count(*) FROM meeting_tasks t WHERE t.meeting_id = m.id), \
                 (SELECT count(*) FROM meeting_tasks t WHERE t.meeting_id = m.id AND t.status = 'done') \
                 FROM meetings m ORDER BY m.held_on DESC, m.id DESC LIMIT 500",
                &[],
                |r| {
                    Ok(MeetingSummary {
                        id: r.i64(0)?,
                        held_on: r.opt_date(1)?.ok_or_else(|| StoreError::Backend("date".into()))?,
                        title: r.text(2)?,
                        tasks: r.i64(3)?,
                        done: r.i64(4)?,
                    })
                },
            )
        })
    }

    /// A meeting with its attendees, decisions and tasks (the city).
    pub fn meeting(&self, p: &Principal, id: i64) -> Result<Meeting, StoreError> {
        if !rules::may_record_meeting(p.role) {
            return Err(StoreError::NotFound);
        }
        self.pool.read(|c| {
            let (held_on, title) = c
                .query_opt("SELECT held_on, title FROM meetings WHERE id = $1", &[id.into()], |r| {
                    Ok((r.opt_date(0)?.ok_or_else(|| StoreError::Backend("date".into()))?, r.text(1)?))
                })?
                .ok_or(StoreError::NotFound)?;
            let attendees = c.query(
                "SELECT o.name FROM meeting_attendees a JOIN organisations o ON o.id = a.org_id \
                 WHERE a.meeting_id = $1 ORDER BY o.name",
                &[id.into()],
                |r| r.text(0),
            )?;
            let decisions = c.query(
                "SELECT id, seq, text FROM meeting_decisions WHERE meeting_id = $1 ORDER BY seq",
                &[id.into()],
                |r| Ok((r.i64(0)?, r.i64(1)?, r.text(2)?)),
            )?;
            let tasks = c.query(
                &format!("SELECT {TASK_COLUMNS}{TASK_FROM} WHERE t.meeting_id = $1 ORDER BY t.id"),
                &[id.into()],
                |r| Ok((r.i64(0)?, self.task_from_row(r)?)),
            )?;
            let decision_of =
                c.query("SELECT id, decision_id FROM meeting_tasks WHERE meeting_id = $1", &[id.into()], |r| {
                    Ok((r.i64(0)?, r.i64(1)?))
                })?;
            let decisions = decisions
                .into_iter()
                .map(|(did, seq, text)| DecisionView {
                    seq,
                    text,
                    tasks: tasks
                        .iter()
                        .filter(|(tid, _)| decision_of.iter().any(|(t, d)| t == tid && *d == did))
                        .map(|(_, t)| t.clone())
                        .collect(),
                })
                .collect();
            Ok(Meeting { id, held_on, title, attendees, decisions })
        })
    }

    /// The meeting tasks past their due day and not done: the city's page ([S] 四(一) 督促、检查).
    pub fn overdue_meeting_tasks(&self, p: &Principal) -> Result<Vec<MeetingTask>, StoreError> {
        if !rules::may_record_meeting(p.role) {
            return Err(StoreError::Forbidden);
        }
        // Overdue from the day after the due day (task::day_deadline): due before today.
        let today = china_date(self.now());
        self.pool.read(|c| {
            c.query(
                &format!(
                    "SELECT {TASK_COLUMNS}{TASK_FROM} WHERE t.status = $1 AND t.due_on < $2 ORDER BY t.due_on, t.id LIMIT 500"
                ),
                &[MeetingTaskStatus::InProgress.code().into(), today.into()],
                |r| self.task_from_row(r),
            )
        })
    }

    /// A meeting task with its progress reports: its owner's and the city's; anyone else's
    /// request is not found.
    pub fn meeting_task(&self, p: &Principal, id: i64) -> Result<MeetingTaskDetail, StoreError> {
        let task = self
            .pool
            .read(|c| {
                c.query_opt(&format!("SELECT {TASK_COLUMNS}{TASK_FROM} WHERE t.id = $1"), &[id.into()], |r| {
                    self.task_from_row(r)
                })
            })?
            .ok_or(StoreError::NotFound)?;
        let mine = rules::may_update_task(p.user_id, task.owner_user_id);
        if !mine && !rules::may_record_meeting(p.role) {
            return Err(StoreError::NotFound);
        }
        let updates = self.pool.read(|c| {
            c.query(
                "SELECT user_name, note, status, noted_at FROM meeting_task_updates WHERE task_id = $1 ORDER BY id",
                &[id.into()],
                |r| {
                    let status =
                        MeetingTaskStatus::parse(&r.text(2)?).ok_or_else(|| StoreError::Backend("status".into()))?;
                    Ok(TaskUpdate {
                        user_name: r.text(0)?,
                        note: r.text(1)?,
                        status,
                        status_label: status.label(),
                        at: r.ts(3)?,
                    })
                },
            )
        })?;
        Ok(MeetingTaskDetail { task, updates, mine })
    }

    /// The owner reports progress on a meeting task: a note and the status (进行中 or
    /// 已完成). Done, the task leaves the owner's to-do list and the city's overdue page.
    pub fn update_meeting_task(&self, p: &Principal, id: i64, input: &ProgressInput) -> Result<(), StoreError> {
        let now = self.now();
        let actor = p.actor();
        self.pool.write(|c| {
            let (owner, status) = c
                .query_opt("SELECT owner_user_id, status FROM meeting_tasks WHERE id = $1", &[id.into()], |r| {
                    Ok((r.i64(0)?, r.text(1)?))
                })?
                .ok_or(StoreError::NotFound)?;
            if !rules::may_update_task(p.user_id, owner) {
                return Err(if rules::may_record_meeting(p.role) {
                    StoreError::Forbidden
                } else {
                    StoreError::NotFound
                });
            }
            if status == MeetingTaskStatus::Done.code() {
                return Err(StoreError::State(msg::MEETING_TASK_DONE_ALREADY));
            }
            let mut errs = FieldErrors::default();
            let note = input.note.trim();
            if note.is_empty() {
                errs.add("note", msg::REQUIRED);
            } else if note.chars().count() > rules::TEXT_MAX {
                errs.add("note", msg::OVERSIGHT_TEXT_TOO_LONG);
            }
            let new = MeetingTaskStatus::parse(input.status.trim());
            if new.is_none() {
                errs.add("status", if input.status.trim().is_empty() { msg::REQUIRED } else { msg::UNKNOWN_OPTION });
            }
            errs.into_result(()).map_err(StoreError::Invalid)?;
            let new = new.unwrap_or(MeetingTaskStatus::InProgress);
            c.exec(
                "INSERT INTO meeting_task_updates (task_id, user_id, user_name, note, status, noted_at) \
                 VALUES ($1, $2, $3, $4, $5, $6)",
                &[
                    id.into(),
                    p.user_id.into(),
                    actor.user_name.as_str().into(),
                    note.into(),
                    new.code().into(),
                    now.into(),
                ],
            )?;
            c.exec(
                "UPDATE meeting_tasks SET status = $1, updated_at = $2, version = version + 1 WHERE id = $3",
                &[new.code().into(), now.into(), id.into()],
            )?;
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::UpdateMeetingTask,
                None,
                &format!("{} {id}：{}", msg::MEETING_TASK, new.label()),
            )?;
            Ok(())
        })
    }
}
