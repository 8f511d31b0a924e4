//! Census rounds (摸底排查轮次, issue 20): the rounds the city opens, one return per township
//! and per district in each, their frozen figures and their history.
//!
//! Every read and change names the caller's region in its WHERE clause
//! ([`push_unit_scope`]): a township reads its own return only, a district its own and its
//! townships', the city all; a return outside the scope is missing (404). The rules are
//! `shouhu_domain::census_round`'s; the figures are the census summary's (the `shouhu-census`
//! crate compiles and checks them, and hands the store the rows to freeze through the
//! closures the sign-offs take).
//!
//! Speed (issue 20: a district's sign-off under 5 s at 1,000,000 children): a township's
//! sign-off reads its open files once, as counts grouped by village and by the summary's
//! columns ([`Store::census_file_counts`]), never the files' data; a district's sums the
//! frozen total rows of its townships, and reads no file at all.

use crate::audit::{self, Action};
use crate::db::{Conn, Row, Sql};
use crate::error::StoreError;
use crate::users::Principal;
use crate::{Actor, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use shouhu_domain::age::AgeBand;
use shouhu_domain::census_round::{self as rules, ReturnEvent, ReturnState, SignOffs};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::msg;
use shouhu_domain::region::{self, Level};

/// What the city types to open a round.
#[derive(Debug, Clone, Default, Deserialize, utoipa::ToSchema)]
#[serde(deny_unknown_fields)]
pub struct NewRound {
    /// 2027年上半年.
    #[serde(default)]
    pub name: String,
    /// The census's reference date (标准时点).
    #[serde(default, with = "shouhu_domain::iso_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub reference_date: Option<NaiveDate>,
    /// The townships' returns are due on this day; the districts' `rounds.district_days` later.
    #[serde(default, with = "shouhu_domain::iso_date")]
    #[schema(value_type = Option<String>, format = Date)]
    pub deadline: Option<NaiveDate>,
}

/// A round, with how far the caller's part of it has come.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundLine {
    pub id: i64,
    pub name: String,
    #[schema(value_type = String, format = Date)]
    pub reference_date: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub deadline: NaiveDate,
    #[schema(value_type = String, format = Date)]
    pub district_due: NaiveDate,
    pub opened_at: DateTime<Utc>,
    pub opened_by: String,
    /// The caller's own return (a township's or a district's), if any.
    pub my_state: Option<ReturnState>,
    /// The returns of the level below the caller (a district's townships, the city's
    /// districts): how many, and how many accepted.
    pub below: i64,
    pub below_accepted: i64,
}

/// One return as lists show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReturnLine {
    pub id: i64,
    pub round_id: i64,
    /// The township's (9 digits) or district's (6 digits) division code.
    pub unit_code: String,
    pub unit_name: String,
    pub level: Level,
    pub state: ReturnState,
    pub state_label: &'static str,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    /// Not signed off by its due day (as of today): `census_round::late_as_of`.
    pub late: bool,
    /// 合计 of the frozen figures, once signed off.
    pub total: Option<i64>,
    /// The census form's sign-offs, once signed off.
    pub sign_offs: Option<SignOffs>,
    pub signed_at: Option<DateTime<Utc>>,
    pub signed_by: Option<String>,
    #[schema(value_type = Option<String>, format = Date)]
    pub first_signed_on: Option<NaiveDate>,
    pub reviewed_at: Option<DateTime<Utc>>,
    pub reviewed_by: Option<String>,
    /// Why it was sent back (while it is).
    pub sent_back_reason: Option<String>,
    pub version: i64,
}

/// One row of a frozen return: a village of a township's return, a township of a district's,
/// or the total (`code` empty). `values` are the summary's columns in its order: 合计, then
/// each group's (`shouhu_census::summary::headers`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, utoipa::ToSchema)]
pub struct FrozenRow {
    pub code: String,
    pub values: Vec<u64>,
}

/// A row as shown: its name beside its code.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct NamedRow {
    /// Empty for the total row.
    pub code: String,
    pub name: String,
    pub values: Vec<u64>,
}

/// One step of a return's history.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReturnEventLine {
    pub at: DateTime<Utc>,
    pub user_name: String,
    pub event: ReturnEvent,
    pub label: &'static str,
    pub reason: Option<String>,
    /// 合计 as signed off.
    pub total: Option<i64>,
}

/// A return with its frozen rows and history, and what the caller may do with it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReturnDetail {
    pub round: RoundLine,
    #[serde(rename = "return")]
    pub ret: ReturnLine,
    /// The frozen rows (villages or townships, then the total); empty before a sign-off.
    pub rows: Vec<NamedRow>,
    pub events: Vec<ReturnEventLine>,
    /// For a township's return: the state of its district's.
    pub district_state: Option<ReturnState>,
    pub may_sign_off: bool,
    pub may_review: bool,
}

/// A round with the returns the caller sees.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RoundDetail {
    pub round: RoundLine,
    pub returns: Vec<ReturnLine>,
}

/// Open files of one village counted by the summary's columns: the grouped scan a township's
/// sign-off reads. Codes are as stored; `age_band` is the census band at the sign-off day
/// (`None`: 16 and over, or no birth date, the summary's 其他).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FileCount {
    pub village_code: String,
    pub age_band: Option<AgeBand>,
    pub sex: Option<String>,
    pub category: String,
    pub guardianship: Option<String>,
    pub schooling: Option<String>,
    pub health: Option<String>,
    pub n: u64,
}

/// A return not signed off by its due day (for the accountability register).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LateReturn {
    pub round_id: i64,
    pub round_name: String,
    pub return_id: i64,
    pub unit_code: String,
    pub unit_name: String,
    pub level: Level,
    #[schema(value_type = String, format = Date)]
    pub due_on: NaiveDate,
    pub state: ReturnState,
    /// The first sign-off, if it came (late) by the day asked about.
    #[schema(value_type = Option<String>, format = Date)]
    pub signed_on: Option<NaiveDate>,
}

/// One round's figures of a unit.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendPoint {
    pub round_id: i64,
    pub round_name: String,
    #[schema(value_type = String, format = Date)]
    pub reference_date: NaiveDate,
    pub state: ReturnState,
    /// The return's total row, in the summary's column order.
    pub values: Vec<u64>,
}

/// Each figure of a unit over the rounds, oldest first.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Trend {
    pub unit_code: String,
    pub unit_name: String,
    pub points: Vec<TrendPoint>,
}

/// A unit (township or district) whose trend the caller may read.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct TrendUnit {
    pub code: String,
    pub name: String,
}

/// Compiles a township's rows from its grouped counts and checks them (the census crate's):
/// the rows to freeze, or which check fails.
pub type Compile = dyn Fn(&str, &[FileCount]) -> Result<Vec<FrozenRow>, String>;

/// Checks a district's rows (its townships' totals and their sum) before they are frozen.
pub type CheckSum = dyn Fn(&[FrozenRow]) -> Result<(), String>;

/// How the level above decides on a return.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum ReturnReview {
    Accept,
    SendBack,
}

/// The caller's region: every round read and change is inside it. Roles that take no part
/// in rounds are refused.
fn region_of(p: &Principal) -> Result<&str, StoreError> {
    if rules::sees_rounds(p.role) { Ok(p.region_code.as_str()) } else { Err(StoreError::Forbidden) }
}

/// The one place where a caller's region becomes SQL for returns: the units inside it.
fn push_unit_scope(sql: &mut Sql, region: &str, prefix: &str) {
    sql.push(&format!(" AND {prefix}unit_code >= ")).bind(region);
    sql.push(&format!(" AND {prefix}unit_code < ")).bind(region::prefix_upper_bound(region));
}

const RETURN_COLUMNS: &str = "r.id, r.round_id, r.unit_code, r.level, r.state, r.due_on, r.total, r.unit_head, \
     r.reviewer, r.filler, r.signed_on, r.signed_at, r.signed_by, r.first_signed_on, r.reviewed_at, r.reviewed_by, \
     r.sent_back_reason, r.version";

const ROUND_COLUMNS: &str = "d.id, d.name, d.reference_date, d.deadline, d.district_due, d.opened_at, d.opened_by";

fn parse_values(text: &str) -> Result<Vec<u64>, StoreError> {
    Ok(serde_json::from_str(text)?)
}

fn invalid(field: &str, message: String) -> StoreError {
    let mut e = FieldErrors::default();
    e.add(field, message);
    StoreError::Invalid(e)
}

impl Store {
    fn return_line(&self, r: &dyn Row) -> Result<ReturnLine, StoreError> {
        let bad = |w: &str| StoreError::Backend(format!("unknown {w} in census_returns"));
        let unit_code = r.text(2)?;
        let state = ReturnState::parse(&r.text(4)?).ok_or_else(|| bad("state"))?;
        let due_on = r.opt_date(5)?.ok_or_else(|| bad("due_on"))?;
        let signed_on = r.opt_date(10)?;
        let first_signed_on = r.opt_date(13)?;
        let sign_offs = signed_on.map(|_| -> Result<SignOffs, StoreError> {
            Ok(SignOffs {
                unit_head: r.opt_text(7)?.unwrap_or_default(),
                reviewer: r.opt_text(8)?.unwrap_or_default(),
                filler: r.opt_text(9)?.unwrap_or_default(),
                signed_on,
            })
        });
        Ok(ReturnLine {
            id: r.i64(0)?,
            round_id: r.i64(1)?,
            unit_name: self.regions.name(&unit_code).to_string(),
            level: Level::parse(&r.text(3)?).ok_or_else(|| bad("level"))?,
            unit_code,
            state,
            state_label: state.label(),
            late: rules::late_as_of(due_on, first_signed_on, self.today()),
            due_on,
            total: r.opt_i64(6)?,
            sign_offs: sign_offs.transpose()?,
            signed_at: r.opt_ts(11)?,
            signed_by: r.opt_text(12)?,
            first_signed_on,
            reviewed_at: r.opt_ts(14)?,
            reviewed_by: r.opt_text(15)?,
            sent_back_reason: r.opt_text(16)?,
            version: r.i64(17)?,
        })
    }

    fn round_line(r: &dyn Row) -> Result<RoundLine, StoreError> {
        let bad = || StoreError::Backend("census_rounds without a date".into());
        Ok(RoundLine {
            id: r.i64(0)?,
            name: r.text(1)?,
            reference_date: r.opt_date(2)?.ok_or_else(bad)?,
            deadline: r.opt_date(3)?.ok_or_else(bad)?,
            district_due: r.opt_date(4)?.ok_or_else(bad)?,
            opened_at: r.ts(5)?,
            opened_by: r.text(6)?,
            my_state: None,
            below: 0,
            below_accepted: 0,
        })
    }

    /// Fills in the caller's own state and the count of the level below.
    fn round_progress(&self, c: &mut Conn<'_, '_>, region: &str, round: &mut RoundLine) -> Result<(), StoreError> {
        let mut sql = Sql::new("SELECT r.unit_code, r.state FROM census_returns r WHERE r.round_id = ");
        sql.bind(round.id);
        push_unit_scope(&mut sql, region, "r.");
        let below_len = match region.len() {
            2 => 6,
            6 => 9,
            _ => 0,
        };
        for (code, state) in c.query(&sql.text, &sql.params, |r| Ok((r.text(0)?, r.text(1)?)))? {
            let state = ReturnState::parse(&state);
            if code == region {
                round.my_state = state;
            } else if code.len() == below_len {
                round.below += 1;
                if state == Some(ReturnState::Accepted) {
                    round.below_accepted += 1;
                }
            }
        }
        Ok(())
    }

    fn load_round(&self, c: &mut Conn<'_, '_>, region: &str, id: i64) -> Result<RoundLine, StoreError> {
        let mut round = c
            .query_opt(&format!("SELECT {ROUND_COLUMNS} FROM census_rounds d WHERE d.id = $1"), &[id.into()], |r| {
                Self::round_line(r)
            })?
            .ok_or(StoreError::NotFound)?;
        self.round_progress(c, region, &mut round)?;
        Ok(round)
    }

    /// A return of a round by its unit, inside `region`.
    fn load_return(
        &self,
        c: &mut Conn<'_, '_>,
        region: &str,
        round_id: i64,
        unit: &str,
    ) -> Result<ReturnLine, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {RETURN_COLUMNS} FROM census_returns r WHERE r.round_id = "));
        sql.bind(round_id).push(" AND r.unit_code = ").bind(unit);
        push_unit_scope(&mut sql, region, "r.");
        c.query_opt(&sql.text, &sql.params, |r| self.return_line(r))?.ok_or(StoreError::NotFound)
    }

    /// The state of a district's return, read by the store for its rules (no scope: the caller
    /// has been let into one of its townships).
    fn district_state(
        &self,
        c: &mut Conn<'_, '_>,
        round_id: i64,
        unit: &str,
    ) -> Result<Option<ReturnState>, StoreError> {
        let district = region::district_of(unit);
        Ok(c.query_opt(
            "SELECT state FROM census_returns WHERE round_id = $1 AND unit_code = $2",
            &[round_id.into(), district.into()],
            |r| r.text(0),
        )?
        .and_then(|s| ReturnState::parse(&s)))
    }

    /// Opens a round: a return waits from every district and township (pending), due on the
    /// deadline (the districts' `rounds.district_days` later). Refused, naming the field: a
    /// missing name or date, a deadline before the reference date, a name taken.
    pub fn open_census_round(&self, p: &Principal, new: NewRound) -> Result<i64, StoreError> {
        if !rules::may_open_round(p.role) {
            return Err(StoreError::Forbidden);
        }
        let errs = rules::check_round(&new.name, new.reference_date, new.deadline);
        let (Some(reference), Some(deadline)) = (new.reference_date, new.deadline) else {
            return Err(StoreError::Invalid(errs));
        };
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        let name = new.name.trim().to_string();
        let district_due = rules::due_on(Level::District, deadline, self.settings.rounds.district_days);
        let actor = p.actor();
        let now = self.now();
        self.pool.write(|c| {
            if c.query_opt("SELECT id FROM census_rounds WHERE name = $1", &[name.as_str().into()], |r| r.i64(0))?
                .is_some()
            {
                return Err(StoreError::invalid("name", msg::ROUNDS_NAME_TAKEN));
            }
            let id = c
                .query_opt(
                    "INSERT INTO census_rounds (name, reference_date, deadline, district_due, opened_at, opened_by) \
                     VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
                    &[
                        name.as_str().into(),
                        reference.into(),
                        deadline.into(),
                        district_due.into(),
                        now.into(),
                        actor.user_name.as_str().into(),
                    ],
                    |r| r.i64(0),
                )?
                .ok_or_else(|| StoreError::Backend("no round id".into()))?;
            let units = c.query(
                "SELECT code, level FROM regions WHERE level IN ('district', 'township') ORDER BY code",
                &[],
                |r| Ok((r.text(0)?, r.text(1)?)),
            )?;
            for (code, level) in &units {
                let due = if level == "district" { district_due } else { deadline };
                c.exec(
                    "INSERT INTO census_returns (round_id, unit_code, level, state, due_on, updated_at, version) \
                     VALUES ($1, $2, $3, 'pending', $4, $5, 1)",
                    &[id.into(), code.as_str().into(), level.as_str().into(), due.into(), now.into()],
                )?;
            }
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::OpenCensusRound,
                None,
                &format!("round {id} {name}: {} returns", units.len()),
            )?;
            Ok(id)
        })
    }

    /// The rounds, newest first, with the caller's progress in each.
    pub fn census_rounds(&self, p: &Principal) -> Result<Vec<RoundLine>, StoreError> {
        let region = region_of(p)?;
        self.pool.read(|c| {
            let mut rounds = c.query(
                &format!("SELECT {ROUND_COLUMNS} FROM census_rounds d ORDER BY d.reference_date DESC, d.id DESC"),
                &[],
                |r| Self::round_line(r),
            )?;
            for round in &mut rounds {
                self.round_progress(c, region, round)?;
            }
            Ok(rounds)
        })
    }

    /// A round with the returns the caller sees: the city its districts', a district its own
    /// and its townships', a township its own.
    pub fn census_round(&self, p: &Principal, id: i64) -> Result<RoundDetail, StoreError> {
        let region = region_of(p)?;
        self.pool.read(|c| {
            let round = self.load_round(c, region, id)?;
            let mut sql = Sql::new(&format!("SELECT {RETURN_COLUMNS} FROM census_returns r WHERE r.round_id = "));
            sql.bind(id);
            push_unit_scope(&mut sql, region, "r.");
            if region.len() <= 2 {
                sql.push(" AND r.level = 'district'");
            }
            sql.push(" ORDER BY r.unit_code");
            let returns = c.query(&sql.text, &sql.params, |r| self.return_line(r))?;
            Ok(RoundDetail { round, returns })
        })
    }

    /// One return with its frozen rows and history (audited: a return is the figures of a
    /// township's children).
    pub fn census_return(&self, p: &Principal, round_id: i64, unit: &str) -> Result<ReturnDetail, StoreError> {
        let region = region_of(p)?;
        let detail = self.pool.read(|c| {
            let round = self.load_round(c, region, round_id)?;
            let ret = self.load_return(c, region, round_id, unit)?;
            let rows = c.query(
                "SELECT row_code, counts FROM census_return_rows WHERE return_id = $1 ORDER BY row_code = '', row_code",
                &[ret.id.into()],
                |r| {
                    let code = r.text(0)?;
                    let name = if code.is_empty() { msg::ROUNDS_ROW_TOTAL.to_string() } else { self.regions.name(&code).to_string() };
                    Ok(NamedRow { code, name, values: parse_values(&r.text(1)?)? })
                },
            )?;
            let events = c.query(
                "SELECT at, user_name, event, reason, total FROM census_return_events WHERE return_id = $1 ORDER BY seq",
                &[ret.id.into()],
                |r| {
                    let event = ReturnEvent::parse(&r.text(2)?)
                        .ok_or_else(|| StoreError::Backend("unknown event in census_return_events".into()))?;
                    Ok(ReturnEventLine {
                        at: r.ts(0)?,
                        user_name: r.text(1)?,
                        event,
                        label: event.label(),
                        reason: r.opt_text(3)?,
                        total: r.opt_i64(4)?,
                    })
                },
            )?;
            let district_state =
                if ret.level == Level::Township { self.district_state(c, round_id, unit)? } else { None };
            let may_sign_off = rules::signs_off(p.role, ret.level) && rules::sign_off(ret.state).is_ok();
            let may_review = rules::reviews(p.role, ret.level)
                && (rules::accept(ret.state, district_state).is_ok()
                    || rules::send_back(ret.level, ret.state, district_state).is_ok());
            Ok(ReturnDetail { round, ret, rows, events, district_state, may_sign_off, may_review })
        })?;
        self.audit(
            p,
            Action::ViewCensusReturn,
            None,
            &format!("round {round_id} return {unit} {}", detail.ret.state.code()),
        )?;
        Ok(detail)
    }

    /// The open files of a township as the summary counts them, grouped (one scan of the
    /// township's files through the ledger's index, their data never read). Ages are as of
    /// today, like the ledger's export of the same day.
    fn file_counts(&self, c: &mut Conn<'_, '_>, township: &str) -> Result<Vec<FileCount>, StoreError> {
        let today = self.today();
        let rule = self.settings.age_rule;
        let earliest = |b: AgeBand| b.birth_range(today, rule).0;
        let mut sql = Sql::new("SELECT c.village_code, CAST(CASE WHEN c.birth_date IS NULL OR c.birth_date > ");
        sql.bind(today);
        sql.push(" THEN 3 WHEN c.birth_date >= ").bind(earliest(AgeBand::From0To5));
        sql.push(" THEN 0 WHEN c.birth_date >= ").bind(earliest(AgeBand::From6To13));
        sql.push(" THEN 1 WHEN c.birth_date >= ").bind(earliest(AgeBand::From14To16));
        sql.push(
            " THEN 2 ELSE 3 END AS BIGINT), c.sex, c.category, c.guardianship_type, c.schooling, c.health, count(*) \
             FROM children c WHERE c.closed = FALSE",
        );
        crate::children::push_scope_on(&mut sql, &shouhu_domain::role::Scope::Region(township.to_string()), "c.");
        sql.push(" GROUP BY c.village_code, 2, c.sex, c.category, c.guardianship_type, c.schooling, c.health");
        c.query(&sql.text, &sql.params, |r| {
            let band = r.i64(1)?;
            let age_band = usize::try_from(band).ok().and_then(|b| AgeBand::ALL.get(b)).copied();
            Ok(FileCount {
                village_code: r.text(0)?,
                age_band,
                sex: r.opt_text(2)?,
                // `rules::derive`: 16 and over, or no age, is no longer left-behind; the
                // stored category may predate the birthday by a day (the recompute's hour).
                category: if age_band.is_none() {
                    shouhu_domain::codes::Category::NotLeftBehind.code().to_string()
                } else {
                    r.text(3)?
                },
                guardianship: r.opt_text(4)?,
                schooling: r.opt_text(5)?,
                health: r.opt_text(6)?,
                n: u64::try_from(r.i64(7)?).unwrap_or(0),
            })
        })
    }

    /// A township's files counted as its return would freeze them now (shown before the
    /// sign-off). Its scope is its return's: 404 outside.
    pub fn census_file_counts(&self, p: &Principal, round_id: i64, unit: &str) -> Result<Vec<FileCount>, StoreError> {
        let region = region_of(p)?;
        self.pool.read(|c| {
            let ret = self.load_return(c, region, round_id, unit)?;
            if ret.level != Level::Township {
                return Ok(Vec::new());
            }
            self.file_counts(c, unit)
        })
    }

    /// Common steps of a change: the return in scope, its version, the event and the audit.
    #[allow(clippy::too_many_arguments)]
    fn record_event(
        &self,
        c: &mut Conn<'_, '_>,
        actor: &Actor,
        ret: &ReturnLine,
        event: ReturnEvent,
        reason: Option<&str>,
        total: Option<i64>,
        now: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let seq = c
            .query_opt(
                "SELECT COALESCE(MAX(seq), 0) + 1 FROM census_return_events WHERE return_id = $1",
                &[ret.id.into()],
                |r| r.i64(0),
            )?
            .unwrap_or(1);
        c.exec(
            "INSERT INTO census_return_events (return_id, seq, at, user_name, event, reason, total) \
             VALUES ($1, $2, $3, $4, $5, $6, $7)",
            &[
                ret.id.into(),
                seq.into(),
                now.into(),
                actor.user_name.as_str().into(),
                event.code().into(),
                reason.into(),
                total.into(),
            ],
        )?;
        let action =
            if event == ReturnEvent::SignOff { Action::SignOffCensusReturn } else { Action::ReviewCensusReturn };
        audit::record(
            c,
            &self.audit_key,
            now,
            actor,
            action,
            None,
            &format!(
                "round {} return {} {}{}",
                ret.round_id,
                ret.unit_code,
                event.code(),
                match total {
                    Some(t) => format!(" 合计 {t}"),
                    None => String::new(),
                }
            ),
        )
    }

    /// Signs a return off with the census form's sign-offs ([M16]) and freezes its figures:
    /// a township's from its files (`compile` turns the grouped counts into rows and checks
    /// the 勾稽关系, its error naming the check that fails), a district's as the sum of its
    /// townships' frozen returns, every one of which must be accepted (`check` checks the
    /// sum). Refused, nothing changed: another's change first (stale), a state that does not
    /// allow it, a missing sign-off, figures that do not balance.
    #[allow(clippy::too_many_arguments)]
    pub fn sign_off_census_return(
        &self,
        p: &Principal,
        round_id: i64,
        unit: &str,
        version: i64,
        mut sign_offs: SignOffs,
        compile: &Compile,
        check: &CheckSum,
    ) -> Result<ReturnLine, StoreError> {
        let region = region_of(p)?.to_string();
        let today = self.today();
        let errs = rules::check_sign_offs(&mut sign_offs, today);
        let actor = p.actor();
        let now = self.now();
        self.pool.write(|c| {
            let ret = self.load_return(c, &region, round_id, unit)?;
            if !rules::signs_off(p.role, ret.level) {
                return Err(StoreError::Forbidden);
            }
            if ret.version != version {
                return Err(StoreError::Stale { current: ret.version });
            }
            let next = rules::sign_off(ret.state).map_err(StoreError::State)?;
            if !errs.is_empty() {
                return Err(StoreError::Invalid(errs));
            }
            let rows = match ret.level {
                Level::Township => {
                    let counts = self.file_counts(c, unit)?;
                    compile(unit, &counts).map_err(|m| invalid("totals", m))?
                }
                _ => {
                    let mut sql = Sql::new(
                        "SELECT r.unit_code, r.state, w.counts FROM census_returns r \
                         LEFT JOIN census_return_rows w ON w.return_id = r.id AND w.row_code = '' \
                         WHERE r.level = 'township' AND r.round_id = ",
                    );
                    sql.bind(round_id);
                    push_unit_scope(&mut sql, unit, "r.");
                    sql.push(" ORDER BY r.unit_code");
                    let townships =
                        c.query(&sql.text, &sql.params, |r| Ok((r.text(0)?, r.text(1)?, r.opt_text(2)?)))?;
                    let states: Vec<ReturnState> =
                        townships.iter().filter_map(|(_, s, _)| ReturnState::parse(s)).collect();
                    if !rules::district_complete(&states) {
                        let waiting: Vec<String> = townships
                            .iter()
                            .filter(|(_, s, _)| s != ReturnState::Accepted.code())
                            .map(|(code, _, _)| self.regions.name(code).to_string())
                            .collect();
                        return Err(invalid("townships", msg::rounds_townships_waiting(&waiting)));
                    }
                    let mut rows = Vec::with_capacity(townships.len() + 1);
                    let mut total: Vec<u64> = Vec::new();
                    for (code, _, counts) in townships {
                        let values = parse_values(counts.as_deref().unwrap_or("[]"))?;
                        if total.len() < values.len() {
                            total.resize(values.len(), 0);
                        }
                        for (t, v) in total.iter_mut().zip(&values) {
                            *t += v;
                        }
                        rows.push(FrozenRow { code, values });
                    }
                    rows.push(FrozenRow { code: String::new(), values: total });
                    check(&rows).map_err(|m| invalid("totals", m))?;
                    rows
                }
            };
            let total = rows.iter().find(|r| r.code.is_empty()).and_then(|r| r.values.first()).copied().unwrap_or(0);
            let total = i64::try_from(total).unwrap_or(i64::MAX);
            c.exec("DELETE FROM census_return_rows WHERE return_id = $1", &[ret.id.into()])?;
            for row in &rows {
                c.exec(
                    "INSERT INTO census_return_rows (return_id, row_code, counts) VALUES ($1, $2, $3)",
                    &[ret.id.into(), row.code.as_str().into(), serde_json::to_string(&row.values)?.into()],
                )?;
            }
            let n = c.exec(
                "UPDATE census_returns SET state = $1, unit_head = $2, reviewer = $3, filler = $4, signed_on = $5, \
                 signed_at = $6, signed_by = $7, first_signed_on = COALESCE(first_signed_on, $8), total = $9, \
                 sent_back_reason = NULL, updated_at = $6, version = version + 1 WHERE id = $10 AND version = $11",
                &[
                    next.code().into(),
                    sign_offs.unit_head.as_str().into(),
                    sign_offs.reviewer.as_str().into(),
                    sign_offs.filler.as_str().into(),
                    sign_offs.signed_on.into(),
                    now.into(),
                    actor.user_name.as_str().into(),
                    today.into(),
                    total.into(),
                    ret.id.into(),
                    version.into(),
                ],
            )?;
            if n != 1 {
                return Err(StoreError::Stale { current: ret.version + 1 });
            }
            self.record_event(c, &actor, &ret, ReturnEvent::SignOff, None, Some(total), now)?;
            self.load_return(c, &region, round_id, unit)
        })
    }

    /// The level above accepts a return or sends it back with a reason (required).
    pub fn review_census_return(
        &self,
        p: &Principal,
        round_id: i64,
        unit: &str,
        version: i64,
        review: ReturnReview,
        reason: &str,
    ) -> Result<ReturnLine, StoreError> {
        let region = region_of(p)?.to_string();
        let actor = p.actor();
        let now = self.now();
        let reason = reason.trim().to_string();
        self.pool.write(|c| {
            let ret = self.load_return(c, &region, round_id, unit)?;
            if !rules::reviews(p.role, ret.level) {
                return Err(StoreError::Forbidden);
            }
            if ret.version != version {
                return Err(StoreError::Stale { current: ret.version });
            }
            let parent = if ret.level == Level::Township { self.district_state(c, round_id, unit)? } else { None };
            let (next, event, reason) = match review {
                ReturnReview::Accept => {
                    (rules::accept(ret.state, parent).map_err(StoreError::State)?, ReturnEvent::Accept, None)
                }
                ReturnReview::SendBack => {
                    let next = rules::send_back(ret.level, ret.state, parent).map_err(StoreError::State)?;
                    let errs = rules::check_send_back_reason(&reason);
                    if !errs.is_empty() {
                        return Err(StoreError::Invalid(errs));
                    }
                    (next, ReturnEvent::SendBack, Some(reason.as_str()))
                }
            };
            let n = c.exec(
                "UPDATE census_returns SET state = $1, reviewed_at = $2, reviewed_by = $3, sent_back_reason = $4, \
                 updated_at = $2, version = version + 1 WHERE id = $5 AND version = $6",
                &[
                    next.code().into(),
                    now.into(),
                    actor.user_name.as_str().into(),
                    reason.into(),
                    ret.id.into(),
                    version.into(),
                ],
            )?;
            if n != 1 {
                return Err(StoreError::Stale { current: ret.version + 1 });
            }
            self.record_event(c, &actor, &ret, event, reason, None, now)?;
            self.load_return(c, &region, round_id, unit)
        })
    }

    /// The returns not signed off by their due day, as of `as_of` (a day in China), per unit,
    /// inside the caller's region, oldest due first (`census_round::late_as_of`): for the
    /// accountability register (问责, issue 20).
    pub fn late_census_returns(&self, p: &Principal, as_of: NaiveDate) -> Result<Vec<LateReturn>, StoreError> {
        let region = region_of(p)?;
        self.pool.read(|c| {
            let mut sql = Sql::new(
                "SELECT d.id, d.name, r.id, r.unit_code, r.level, r.due_on, r.state, r.first_signed_on \
                 FROM census_returns r JOIN census_rounds d ON d.id = r.round_id WHERE r.due_on < ",
            );
            sql.bind(as_of);
            sql.push(" AND (r.first_signed_on IS NULL OR r.first_signed_on > r.due_on)");
            push_unit_scope(&mut sql, region, "r.");
            sql.push(" ORDER BY r.due_on, r.unit_code");
            let rows = c.query(&sql.text, &sql.params, |r| {
                let bad = || StoreError::Backend("census_returns row".into());
                let unit_code = r.text(3)?;
                Ok(LateReturn {
                    round_id: r.i64(0)?,
                    round_name: r.text(1)?,
                    return_id: r.i64(2)?,
                    unit_name: self.regions.name(&unit_code).to_string(),
                    unit_code,
                    level: Level::parse(&r.text(4)?).ok_or_else(bad)?,
                    due_on: r.opt_date(5)?.ok_or_else(bad)?,
                    state: ReturnState::parse(&r.text(6)?).ok_or_else(bad)?,
                    signed_on: r.opt_date(7)?.filter(|d| *d <= as_of),
                })
            })?;
            Ok(rows.into_iter().filter(|l| rules::late_as_of(l.due_on, l.signed_on, as_of)).collect())
        })
    }

    /// The units whose trend the caller may read: its own, the districts (city) or the
    /// townships (district) below it.
    pub fn census_trend_units(&self, p: &Principal) -> Result<Vec<TrendUnit>, StoreError> {
        let region = region_of(p)?;
        let mut out = Vec::new();
        if let Some(r) = self.regions.get(region).filter(|r| r.level != Level::City) {
            out.push(TrendUnit { code: r.code.clone(), name: r.name.clone() });
        }
        if region.len() <= 6 {
            for r in self.regions.children(region) {
                if rules::returns_figures(r.level) {
                    out.push(TrendUnit { code: r.code.clone(), name: r.name.clone() });
                }
            }
        }
        Ok(out)
    }

    /// Each figure of a unit over the rounds: the total row of each of its signed-off or
    /// accepted returns, oldest round first. 404 outside the caller's region.
    pub fn census_trend(&self, p: &Principal, unit: &str) -> Result<Trend, StoreError> {
        let region = region_of(p)?;
        if !region::within(unit, region) || !self.regions.get(unit).is_some_and(|r| rules::returns_figures(r.level)) {
            return Err(StoreError::NotFound);
        }
        let points = self.pool.read(|c| {
            let mut sql = Sql::new(
                "SELECT d.id, d.name, d.reference_date, r.state, w.counts FROM census_returns r \
                 JOIN census_rounds d ON d.id = r.round_id \
                 JOIN census_return_rows w ON w.return_id = r.id AND w.row_code = '' \
                 WHERE r.state IN ('signed_off', 'accepted') AND r.unit_code = ",
            );
            sql.bind(unit);
            push_unit_scope(&mut sql, region, "r.");
            sql.push(" ORDER BY d.reference_date, d.id");
            c.query(&sql.text, &sql.params, |r| {
                let bad = || StoreError::Backend("census trend row".into());
                Ok(TrendPoint {
                    round_id: r.i64(0)?,
                    round_name: r.text(1)?,
                    reference_date: r.opt_date(2)?.ok_or_else(bad)?,
                    state: ReturnState::parse(&r.text(3)?).ok_or_else(bad)?,
                    values: parse_values(&r.text(4)?)?,
                })
            })
        })?;
        self.audit(p, Action::ViewCensusReturn, None, &format!("trend {unit}"))?;
        Ok(Trend { unit_code: unit.to_string(), unit_name: self.regions.name(unit).to_string(), points })
    }
}

/// A task of the to-do list (`tasks.rs`): the return's id, and the page to act on.
pub fn return_link(round_id: i64, unit: &str) -> String {
    format!("/census-rounds/{round_id}/returns/{unit}")
}

impl Store {
    /// Where a return is (its round and unit), for a link by its id (the to-do list's); 404
    /// outside the caller's region.
    pub fn census_return_location(&self, p: &Principal, id: i64) -> Result<(i64, String), StoreError> {
        let region = region_of(p)?;
        self.pool.read(|c| {
            let mut sql = Sql::new("SELECT r.round_id, r.unit_code FROM census_returns r WHERE r.id = ");
            sql.bind(id);
            push_unit_scope(&mut sql, region, "r.");
            c.query_opt(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text(1)?)))?.ok_or(StoreError::NotFound)
        })
    }
}
