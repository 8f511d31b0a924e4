//! School rosters (在校留守儿童名册, issue 18): a school's roll for a term matched to the files by
//! ID number (the blind index, decision 96). What the match finds is kept row by row: the
//! pupils with a file in the school's region (their files get the school, with history),
//! pupils with no file there (offered to the township to check), and files that say the
//! child attends this school but whose child is not on the roll (a possible dropout).

use crate::audit::{self, Action};
use crate::children::push_blinds;
use crate::db::{Conn, Row, Sql};
use crate::error::StoreError;
use crate::users::Principal;
use crate::{Actor, Store};
use serde::Serialize;
use shouhu_domain::dropout as rules;
use shouhu_domain::masking;
use shouhu_domain::msg;
use shouhu_domain::region;
use shouhu_domain::role::{Role, Scope};

/// A row of the roll as read from the file.
#[derive(Debug, Clone, Default)]
pub struct RosterRow {
    pub line: usize,
    pub name: String,
    pub id_number: String,
    pub grade: String,
    pub class: String,
}

/// What the match found for one row, or one file not on the roll.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum RosterKind {
    /// On the roll, with a file in the school's region.
    Enrolled,
    /// On the roll, without a file in the school's region: for the township to check.
    Unknown,
    /// A file enrolled at this school whose child is not on the roll: a possible dropout.
    Missing,
    /// A row with an error, not matched.
    Error,
}

impl RosterKind {
    fn code(self) -> &'static str {
        match self {
            RosterKind::Enrolled => "enrolled",
            RosterKind::Unknown => "unknown",
            RosterKind::Missing => "missing",
            RosterKind::Error => "error",
        }
    }

    fn parse(s: &str) -> RosterKind {
        match s {
            "enrolled" => RosterKind::Enrolled,
            "unknown" => RosterKind::Unknown,
            "missing" => RosterKind::Missing,
            _ => RosterKind::Error,
        }
    }
}

/// A row of a matched roll.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterLine {
    pub kind: RosterKind,
    /// The row's number in the file (none for a file not on the roll).
    pub line: Option<i64>,
    /// The file, for `enrolled` and `missing`.
    pub child_id: Option<i64>,
    pub name: String,
    /// The ID number's first 6 characters, the rest masked (`unknown`, `error`).
    pub id_masked: Option<String>,
    pub grade: String,
    pub class: String,
    /// `enrolled`: the file was changed to name this school; `error`: what is wrong.
    pub note: Option<String>,
}

/// A roll as lists show it.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterSummary {
    pub id: i64,
    pub school_org_id: i64,
    pub school_name: String,
    pub term: String,
    pub file_name: String,
    pub uploaded_at: chrono::DateTime<chrono::Utc>,
    pub uploaded_by: String,
    pub rows: i64,
    pub enrolled: i64,
    pub unknown: i64,
    pub missing: i64,
    pub errors: i64,
}

/// A roll with its lines; a township sees only the lines it acts on (`unknown`).
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct RosterDetail {
    pub summary: RosterSummary,
    pub lines: Vec<RosterLine>,
}

/// Roll rows written by one statement (10 values each: well under either database's limit).
const ROWS_PER_INSERT: usize = 200;

const SUMMARY: &str = "r.id, r.school_org_id, o.name, r.term, r.file_name, r.uploaded_at, r.user_name, r.rows, \
     r.enrolled, r.unknown, r.missing, r.errors";

fn summary_of(r: &dyn Row) -> Result<RosterSummary, StoreError> {
    Ok(RosterSummary {
        id: r.i64(0)?,
        school_org_id: r.i64(1)?,
        school_name: r.text(2)?,
        term: r.text(3)?,
        file_name: r.text(4)?,
        uploaded_at: r.ts(5)?,
        uploaded_by: r.text(6)?,
        rows: r.i64(7)?,
        enrolled: r.i64(8)?,
        unknown: r.i64(9)?,
        missing: r.i64(10)?,
        errors: r.i64(11)?,
    })
}

/// Who reads rolls: the school its own; the township (which checks the unknown children),
/// district and city civil affairs those of their region.
fn roster_scope(p: &Principal) -> Scope {
    if rules::is_school_staff(p.role, p.org_type) {
        Scope::School(p.org_id)
    } else if matches!(p.role, Role::TownshipStaff | Role::DistrictOfficer | Role::CityOfficer) {
        Scope::Region(p.region_code.clone())
    } else {
        Scope::Nothing
    }
}

fn push_roster_scope(sql: &mut Sql, scope: &Scope) {
    match scope {
        Scope::School(org) => {
            sql.push(" AND r.school_org_id = ").bind(*org);
        }
        Scope::Region(code) => {
            sql.push(" AND r.region_code >= ").bind(code.as_str());
            sql.push(" AND r.region_code < ").bind(region::prefix_upper_bound(code));
        }
        Scope::Nothing => {
            sql.push(" AND 1 = 0");
        }
    }
}

impl Store {
    /// Matches a school's roll for `term` to the files and keeps what it found; the files of
    /// the pupils found get the school (with history). Rows with an error are kept with it
    /// and not matched; the rest go through. One transaction. The caller's school only.
    pub fn match_roster(
        &self,
        p: &Principal,
        term: &str,
        file_name: &str,
        rows: Vec<RosterRow>,
    ) -> Result<i64, StoreError> {
        if !rules::is_school_staff(p.role, p.org_type) {
            return Err(StoreError::Forbidden);
        }
        let term = term.trim().to_string();
        if term.is_empty() {
            return Err(StoreError::invalid("term", msg::REQUIRED));
        }
        if term.chars().count() > rules::ROSTER_TEXT_MAX {
            return Err(StoreError::invalid("term", msg::too_long(rules::ROSTER_TEXT_MAX)));
        }
        let today = self.today();
        let now = self.now();
        let actor = p.actor();
        let school = p.org_id;
        let region = p.region_code.clone();
        let ring = self.cipher.ring();
        let source = format!("roster:{term}");
        self.pool.write(|c| {
            let mut lines: Vec<RosterLine> = Vec::new();
            let mut seen_ids: std::collections::HashSet<String> = std::collections::HashSet::new();
            let mut on_roll: std::collections::HashSet<i64> = std::collections::HashSet::new();
            for row in &rows {
                let masked = (!row.id_number.trim().is_empty()).then(|| masking::mask_id_number(row.id_number.trim()));
                let line = |kind, child_id, note: Option<String>| RosterLine {
                    kind,
                    line: Some(row.line as i64),
                    child_id,
                    name: row.name.trim().to_string(),
                    id_masked: masked.clone(),
                    grade: row.grade.trim().to_string(),
                    class: row.class.trim().to_string(),
                    note,
                };
                let id = match rules::check_roster_row(&row.name, &row.id_number, &row.grade, &row.class, today) {
                    Ok(id) => id,
                    Err(errs) => {
                        let note = errs.0.iter().map(|e| format!("{}：{}", roster_field(&e.field), e.message)).collect::<Vec<_>>().join("；");
                        lines.push(line(RosterKind::Error, None, Some(note)));
                        continue;
                    }
                };
                if !seen_ids.insert(id.clone()) {
                    lines.push(line(RosterKind::Error, None, Some(format!("{}：{}", msg::ROSTER_ID, msg::ROSTER_ID_TWICE))));
                    continue;
                }
                let mut sql = Sql::new("SELECT id, village_code, school_org_id FROM children WHERE NOT closed AND id_blind");
                push_blinds(&mut sql, &ring, &id);
                let found = c.query_opt(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text(1)?, r.opt_i64(2)?)))?;
                match found {
                    Some((child, village, enrolled_at)) if region::within(&village, &region) => {
                        on_roll.insert(child);
                        let mut note = None;
                        if enrolled_at != Some(school) {
                            self.enrol_at(c, &actor, child, school, &p.org_name, &source, now)?;
                            note = Some(msg::ROSTER_FILE_UPDATED.to_string());
                        }
                        lines.push(line(RosterKind::Enrolled, Some(child), note));
                    }
                    _ => lines.push(line(RosterKind::Unknown, None, None)),
                }
            }
            // Files enrolled at the school whose child is not on the roll.
            let enrolled_here = c.query(
                "SELECT id, name FROM children WHERE school_org_id = $1 AND NOT closed ORDER BY name, id",
                &[school.into()],
                |r| Ok((r.i64(0)?, r.text(1)?)),
            )?;
            for (child, name) in enrolled_here.into_iter().filter(|(id, _)| !on_roll.contains(id)) {
                lines.push(RosterLine {
                    kind: RosterKind::Missing,
                    line: None,
                    child_id: Some(child),
                    name,
                    id_masked: None,
                    grade: String::new(),
                    class: String::new(),
                    note: None,
                });
            }
            let count = |k: RosterKind| lines.iter().filter(|l| l.kind == k).count() as i64;
            let id = c
                .query_opt(
                    "INSERT INTO school_rosters (school_org_id, region_code, term, file_name, uploaded_at, user_name, rows, \
                     enrolled, unknown, missing, errors) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) RETURNING id",
                    &[
                        school.into(),
                        region.as_str().into(),
                        term.as_str().into(),
                        file_name.into(),
                        now.into(),
                        actor.user_name.as_str().into(),
                        (rows.len() as i64).into(),
                        count(RosterKind::Enrolled).into(),
                        count(RosterKind::Unknown).into(),
                        count(RosterKind::Missing).into(),
                        count(RosterKind::Error).into(),
                    ],
                    |r| r.i64(0),
                )?
                .ok_or_else(|| StoreError::Backend("no id returned".into()))?;
            // Many rows to a statement: a roll of thousands of rows is one of few round trips.
            for (n, chunk) in lines.chunks(ROWS_PER_INSERT).enumerate() {
                let mut sql = Sql::new(
                    "INSERT INTO school_roster_rows (roster_id, seq, kind, line, child_id, name, id_masked, grade, class, note) VALUES ",
                );
                for (j, l) in chunk.iter().enumerate() {
                    let seq = (n * ROWS_PER_INSERT + j) as i64;
                    sql.push(if j == 0 { "(" } else { ", (" });
                    sql.bind(id).push(", ").bind(seq).push(", ").bind(l.kind.code()).push(", ").bind(l.line);
                    sql.push(", ").bind(l.child_id).push(", ").bind(l.name.as_str()).push(", ").bind(l.id_masked.clone());
                    sql.push(", ").bind(l.grade.as_str()).push(", ").bind(l.class.as_str()).push(", ").bind(l.note.clone());
                    sql.push(")");
                }
                c.exec(&sql.text, &sql.params)?;
            }
            audit::record(
                c,
                &self.audit_key,
                now,
                &actor,
                Action::MatchRoster,
                None,
                &format!("{} {id}：{term}，{} {}", msg::ROSTERS, rows.len(), msg::ROSTER_LINE),
            )?;
            Ok(id)
        })
    }

    /// Writes the school into a pupil's file (with history), as the roll's uploader.
    #[allow(clippy::too_many_arguments)]
    fn enrol_at(
        &self,
        c: &mut Conn<'_, '_>,
        actor: &Actor,
        child: i64,
        school: i64,
        school_name: &str,
        source: &str,
        now: chrono::DateTime<chrono::Utc>,
    ) -> Result<(), StoreError> {
        let everywhere = Scope::Region(String::new());
        let current = self.load(c, &everywhere, child)?;
        let mut file = current.file.clone();
        file.school_org_id = Some(school);
        file.school_name = Some(school_name.to_string());
        let writer = Actor { scope: everywhere, ..actor.clone() };
        self.update_in(c, now, &writer, &current, &file, source)?;
        Ok(())
    }

    /// The rolls the caller reads, newest first.
    pub fn rosters(&self, p: &Principal) -> Result<Vec<RosterSummary>, StoreError> {
        let scope = roster_scope(p);
        if scope == Scope::Nothing {
            return Err(StoreError::Forbidden);
        }
        let mut sql = Sql::new(&format!(
            "SELECT {SUMMARY} FROM school_rosters r JOIN organisations o ON o.id = r.school_org_id WHERE 1 = 1"
        ));
        push_roster_scope(&mut sql, &scope);
        sql.push(" ORDER BY r.id DESC LIMIT 200");
        let rows = self.pool.read(|c| c.query(&sql.text, &sql.params, summary_of))?;
        self.audit(p, Action::ViewDropoutList, None, &format!("{}：{}", msg::ROSTERS, rows.len()))?;
        Ok(rows)
    }

    /// A roll with its lines. The school sees them all; the township and civil affairs, who
    /// check the children without a file, only those (they read no other school list).
    pub fn roster(&self, p: &Principal, id: i64) -> Result<RosterDetail, StoreError> {
        let scope = roster_scope(p);
        let mut sql = Sql::new(&format!(
            "SELECT {SUMMARY} FROM school_rosters r JOIN organisations o ON o.id = r.school_org_id WHERE r.id = "
        ));
        sql.bind(id);
        push_roster_scope(&mut sql, &scope);
        let school_sees_all = matches!(scope, Scope::School(_));
        let (summary, lines) = self.pool.read(|c| {
            let summary = c.query_opt(&sql.text, &sql.params, summary_of)?.ok_or(StoreError::NotFound)?;
            let lines = c.query(
                "SELECT kind, line, child_id, name, id_masked, grade, class, note FROM school_roster_rows \
                 WHERE roster_id = $1 ORDER BY seq",
                &[id.into()],
                |r| {
                    Ok(RosterLine {
                        kind: RosterKind::parse(&r.text(0)?),
                        line: r.opt_i64(1)?,
                        child_id: r.opt_i64(2)?,
                        name: r.text(3)?,
                        id_masked: r.opt_text(4)?,
                        grade: r.text(5)?,
                        class: r.text(6)?,
                        note: r.opt_text(7)?,
                    })
                },
            )?;
            Ok((summary, lines))
        })?;
        let lines = lines.into_iter().filter(|l| school_sees_all || l.kind == RosterKind::Unknown).collect();
        self.audit(p, Action::ViewDropoutList, None, &format!("{} {id}", msg::ROSTERS))?;
        Ok(RosterDetail { summary, lines })
    }
}

/// A roll's column in words, for a row's error.
fn roster_field(field: &str) -> &'static str {
    match field {
        "name" => msg::ROSTER_NAME,
        "id_number" => msg::ROSTER_ID,
        "grade" => msg::ROSTER_GRADE,
        "class" => msg::ROSTER_CLASS,
        _ => msg::ROSTER_LINE,
    }
}
