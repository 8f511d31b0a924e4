//! Children's files: create, read, change, close, reopen, list and search, always inside
//! the caller's scope, with every change kept in the file's history.

use crate::allowances::Allowance;
use crate::audit::{self, Action};
use crate::crypto::{Ring, field};
use crate::db::{Conn, Row, Sql, Val};
use crate::error::StoreError;
use crate::file_data;
use crate::history::{self, HistoryEntry};
use crate::search_terms;
use crate::users::Principal;
use crate::{Actor, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use shouhu_domain::age::AgeBand;
use shouhu_domain::child::{ChildFile, ChildRecord, FileStatus, Warning};
use shouhu_domain::codes::{Category, CloseReason, GuardianshipType, Schooling, Sex};
use shouhu_domain::error::FieldErrors;
use shouhu_domain::masking;
use shouhu_domain::region::{self, Level};
use shouhu_domain::role::{OrgType, Role, Scope};
use shouhu_domain::{entrusted, msg, rules, validate};

/// Where a change came from, kept in the history ("web", "api", "import:FILE", "demo").
pub type Source<'a> = &'a str;

const RECORD_COLUMNS: &str = "c.id, c.district_code, c.version, c.closed, c.close_reason, c.close_note, c.closed_at, c.data, c.created_at, c.updated_at, c.parents_contact_on";

/// Appends the caller's scope to a WHERE clause on `children c`.
pub fn push_scope(sql: &mut Sql, scope: &Scope) {
    push_scope_on(sql, scope, "c.");
}

/// The one place where scope becomes SQL; `prefix` qualifies the columns ("c." or "").
pub fn push_scope_on(sql: &mut Sql, scope: &Scope, prefix: &str) {
    match scope {
        Scope::Region(region) => {
            sql.push(&format!(" AND {prefix}village_code >= ")).bind(region.as_str());
            sql.push(&format!(" AND {prefix}village_code < ")).bind(region::prefix_upper_bound(region));
        }
        Scope::School(org) => {
            sql.push(&format!(" AND {prefix}school_org_id = ")).bind(*org);
        }
        Scope::Nothing => {
            sql.push(" AND 1 = 0");
        }
    }
}

/// The point read's SQL and parameters. The most frequent query of all (every page that
/// names a child), so its text is built once per kind of scope and backend, by the same
/// [`push_scope`] as every other query, instead of on every call (issue 2: a store read costs
/// at most twice a direct one).
fn load_sql(scope: &Scope, id: i64, sqlite: bool) -> (&'static str, Vec<Val>) {
    use std::sync::LazyLock;
    type Texts = [String; 2];
    fn texts(sample: Scope) -> Texts {
        let mut sql = Sql::new(&format!("SELECT {RECORD_COLUMNS} FROM children c WHERE c.id = "));
        sql.bind(0);
        push_scope(&mut sql, &sample);
        [sql.text.clone(), crate::db::sqlite_sql(&sql.text).into_owned()]
    }
    static REGION: LazyLock<Texts> = LazyLock::new(|| texts(Scope::Region(String::new())));
    static SCHOOL: LazyLock<Texts> = LazyLock::new(|| texts(Scope::School(0)));
    static NOTHING: LazyLock<Texts> = LazyLock::new(|| texts(Scope::Nothing));
    // The values in the order `push_scope` binds them (a test holds the two together).
    let (texts, params) = match scope {
        Scope::Region(r) => (&*REGION, vec![id.into(), r.as_str().into(), region::prefix_upper_bound(r).into()]),
        Scope::School(org) => (&*SCHOOL, vec![id.into(), (*org).into()]),
        Scope::Nothing => (&*NOTHING, vec![id.into()]),
    };
    (&texts[usize::from(sqlite)], params)
}

/// Which files the ledger lists.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Deserialize, utoipa::ToSchema)]
#[serde(rename_all = "snake_case")]
pub enum StatusFilter {
    #[default]
    Open,
    Closed,
    All,
}

/// The ledger's filters; all optional.
#[derive(Debug, Clone, Default)]
pub struct LedgerFilter {
    pub region: Option<String>,
    pub category: Option<Category>,
    pub age_band: Option<AgeBand>,
    pub guardianship_type: Option<GuardianshipType>,
    pub schooling: Option<Schooling>,
    pub warning: Option<Warning>,
    pub status: StatusFilter,
    /// Only these files: a search's matches, exported as the ledger showed them.
    pub ids: Option<Vec<i64>>,
}

/// One line of the ledger or of search results. ID numbers are masked.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerRow {
    pub id: i64,
    pub version: i64,
    pub name: String,
    pub sex: Option<Sex>,
    pub birth_date: Option<NaiveDate>,
    pub age: Option<u32>,
    pub village_code: String,
    pub village_name: String,
    pub category: Category,
    pub guardianship_type: Option<GuardianshipType>,
    pub schooling: Option<Schooling>,
    pub warnings: Vec<Warning>,
    pub id_number_masked: Option<String>,
    pub closed: bool,
}

#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct LedgerPage {
    pub rows: Vec<LedgerRow>,
    pub page: u32,
    pub per_page: u32,
    /// Number of matching files, counted up to the setting `ledger.count_limit` (for a
    /// search, `search.count_limit`, or the rows shown so far when counting would cost more
    /// than the search).
    pub total: i64,
    /// True when more files match than `total`.
    pub total_capped: bool,
    /// A search's next page: pass it as `after` (with `page` one more). Absent on the last
    /// page and for the ledger, which pages by number.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
}

pub(crate) const LEDGER_COLUMNS: &str = "c.id, c.version, c.name, c.sex, c.birth_date, c.village_code, c.category, \
     c.guardianship_type, c.schooling, c.warnings, c.id_number, c.closed, c.parents_contact_on";
/// How many columns [`LEDGER_COLUMNS`] names: a query's next column is read at this index.
pub(crate) const LEDGER_WIDTH: usize = 13;

/// The columns of a new file's `children` row: the values that come from the file
/// ([`Store::new_row_values`]), then its id, the time it was made (twice: created, updated),
/// its version and whether it is closed.
pub(crate) const NEW_ROW_COLUMNS: &str = "district_code, village_code, name, sex, birth_date, id_number, id_blind, \
     category, guardianship_type, schooling, health, warnings, school_org_id, data, id, created_at, updated_at, version, \
     closed";
/// How many of [`NEW_ROW_COLUMNS`] come from the file.
pub(crate) const NEW_ROW_VALUES: usize = 14;

/// A file as its search-term rows describe it: what the term index sorts and scopes by.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct TermOwner<'a> {
    pub id: i64,
    pub closed: bool,
    pub name: &'a str,
    pub district: &'a str,
    pub village: &'a str,
    pub school: Option<i64>,
}

/// Search-term rows per statement (7 parameters a row; SQLite allows 32,766 per statement).
const TERM_ROWS: usize = 4000;

/// Inserts search-term rows, a few thousand per statement. A row already there is left as
/// it is: an edit may have written a file's terms before the indexer came to that file.
pub(crate) fn insert_terms(c: &mut Conn<'_, '_>, rows: &[(&str, &TermOwner<'_>)]) -> Result<(), StoreError> {
    // On SQLite `OR IGNORE` rather than `ON CONFLICT DO NOTHING`: an upsert leaves NOT NULL to
    // abort the statement, so SQLite keeps a journal of every page each statement touches, to
    // undo that statement alone (perf: a fifth of the indexer's time in copying pages to it).
    let insert = if c.is_sqlite() { "INSERT OR IGNORE INTO" } else { "INSERT INTO" };
    let tail = if c.is_sqlite() { "" } else { " ON CONFLICT DO NOTHING" };
    for chunk in rows.chunks(TERM_ROWS) {
        let mut sql = Sql::new(&format!(
            "{insert} child_search (term, closed, village_code, name, child_id, district_code, school_org_id) VALUES "
        ));
        for (j, (term, f)) in chunk.iter().enumerate() {
            sql.push(if j == 0 { "(" } else { ", (" });
            sql.bind(*term).push(", ").bind(f.closed).push(", ").bind(f.village).push(", ").bind(f.name);
            sql.push(", ").bind(f.id).push(", ").bind(f.district).push(", ").bind(f.school).push(")");
        }
        sql.push(tail);
        c.exec(&sql.text, &sql.params)?;
    }
    Ok(())
}

/// A file's search terms where they are, or are to be: its term rows' keys.
pub(crate) struct Terms<'a> {
    pub owner: TermOwner<'a>,
    pub terms: Vec<String>,
}

/// Replaces a file's term rows `old` (as the file was stored: found by their keys, there is no
/// index by child) with `new`, inside the caller's transaction. A file the indexer has yet to
/// reach is noted in `search_edited`, so that the indexer leaves it to this write (decision 191).
pub(crate) fn replace_terms(
    c: &mut Conn<'_, '_>,
    id: i64,
    old: Option<&Terms<'_>>,
    new: Option<&Terms<'_>>,
) -> Result<(), StoreError> {
    if let (Some(o), Some(n)) = (old, new)
        && o.owner == n.owner
        && o.terms == n.terms
    {
        return Ok(());
    }
    // On PostgreSQL the backlog's row is locked (shared) first: the indexer locks it to write
    // a slice, so either it sees this file noted or this delete sees its rows.
    let lock = if c.is_sqlite() { "" } else { " FOR SHARE" };
    let in_backlog = c
        .query_opt(
            &format!("SELECT end_id FROM search_backlog WHERE first_id <= $1 ORDER BY first_id DESC LIMIT 1{lock}"),
            &[id.into()],
            |r| r.i64(0),
        )?
        .is_some_and(|end| end > id);
    if let Some(o) = old {
        for chunk in o.terms.chunks(500) {
            let mut sql = Sql::new("DELETE FROM child_search WHERE term IN (");
            for (i, t) in chunk.iter().enumerate() {
                sql.push(if i == 0 { "" } else { ", " }).bind(t.as_str());
            }
            sql.push(") AND closed = ").bind(o.owner.closed);
            sql.push(" AND village_code = ").bind(o.owner.village);
            sql.push(" AND name = ").bind(o.owner.name);
            sql.push(" AND child_id = ").bind(id);
            c.exec(&sql.text, &sql.params)?;
        }
    }
    if let Some(n) = new {
        insert_terms(c, &n.terms.iter().map(|t| (t.as_str(), &n.owner)).collect::<Vec<_>>())?;
    }
    if in_backlog {
        c.exec("INSERT INTO search_edited (child_id) VALUES ($1) ON CONFLICT DO NOTHING", &[id.into()])?;
    }
    Ok(())
}

impl Store {
    pub(crate) fn ledger_row(&self, r: &dyn Row) -> Result<LedgerRow, StoreError> {
        let birth_date = r.opt_date(4)?;
        let village_code = r.text(5)?;
        let category = Category::parse(&r.text(6)?).unwrap_or(Category::NotLeftBehind);
        // The lapse's bit is never stored (decision 112); one written by mistake is ignored.
        let mut warnings = Warning::from_bits(r.i64(9)? & !Warning::ParentsContactLapsed.bit());
        self.add_contact_lapse(&mut warnings, category, r.opt_date(12)?);
        Ok(LedgerRow {
            id: r.i64(0)?,
            version: r.i64(1)?,
            name: r.text(2)?,
            sex: r.opt_text(3)?.and_then(|s| Sex::parse(&s)),
            birth_date,
            age: birth_date.and_then(|b| shouhu_domain::age::full_years(b, self.today(), self.settings.age_rule)),
            village_name: self.regions.name(&village_code).to_string(),
            village_code,
            category,
            guardianship_type: r.opt_text(7)?.and_then(|s| GuardianshipType::parse(&s)),
            schooling: r.opt_text(8)?.and_then(|s| Schooling::parse(&s)),
            warnings,
            // Lists show the number masked to everyone, as a reader who may not see it does:
            // the file itself shows it in full to those who may.
            id_number_masked: self
                .cipher
                .open_opt_text(field::CHILD_ID_NUMBER, r.opt_text(10)?)?
                .map(|s| masking::mask_id_number(&s)),
            closed: r.bool(11)?,
        })
    }

    /// The parents' contact lapse ([UPL] 23), decided against today's date from the file's
    /// last recorded contact: shown with the file's warnings, never stored among their bits.
    fn add_contact_lapse(&self, warnings: &mut Vec<Warning>, category: Category, last: Option<NaiveDate>) {
        if entrusted::parents_contact_lapsed(category, last, self.today()) {
            warnings.push(Warning::ParentsContactLapsed);
        }
    }

    fn record_from_row(&self, r: &dyn Row) -> Result<ChildRecord, StoreError> {
        let file = self.read_file_data(r.text_or_bytes(7)?)?;
        let status = if r.bool(3)? {
            FileStatus::Closed {
                reason: r.opt_text(4)?.and_then(|s| CloseReason::parse(&s)).unwrap_or(CloseReason::Other),
                note: r.opt_text(5)?,
                closed_at: r.opt_ts(6)?.unwrap_or_default(),
            }
        } else {
            FileStatus::Open
        };
        let mut derived = rules::derive(&file, self.today(), self.settings.age_rule);
        self.add_contact_lapse(&mut derived.warnings, derived.category, r.opt_date(10)?);
        Ok(ChildRecord {
            id: r.i64(0)?,
            district_code: r.text(1)?,
            version: r.i64(2)?,
            status,
            file,
            derived,
            created_at: r.ts(8)?,
            updated_at: r.ts(9)?,
            masked: Vec::new(),
        })
    }

    /// A file as `role` may read it: the numbers it may not see in full masked, and named
    /// in `masked` (`shouhu_domain::masking`). Every file that leaves the store for a user
    /// goes through here; the store's own reads (a change's diff, a court's new guardian)
    /// keep the numbers.
    pub(crate) fn for_reader(rec: ChildRecord, role: Role) -> ChildRecord {
        let mut rec = rec;
        rec.masked = masking::mask_file(&mut rec.file, role);
        rec
    }

    pub(crate) fn load(&self, c: &mut Conn<'_, '_>, scope: &Scope, id: i64) -> Result<ChildRecord, StoreError> {
        let (text, params) = load_sql(scope, id, c.is_sqlite());
        c.query_opt(text, &params, |r| self.record_from_row(r))?.ok_or(StoreError::NotFound)
    }

    /// A child's file, if it exists inside the user's scope (not audited: for naming the
    /// child on another record's page; [`Store::view_child`] opens the file itself). Its
    /// numbers are masked as for the user's role.
    pub fn get_child(&self, p: &Principal, id: i64) -> Result<ChildRecord, StoreError> {
        Ok(Self::for_reader(self.get_child_in(&p.scope(), id)?, p.role))
    }

    pub(crate) fn get_child_in(&self, scope: &Scope, id: i64) -> Result<ChildRecord, StoreError> {
        self.pool.read(|c| self.load(c, scope, id))
    }

    /// A child's file, with the view recorded in the audit log.
    /// The file is returned only once its view is recorded.
    pub fn view_child(&self, p: &Principal, id: i64) -> Result<ChildRecord, StoreError> {
        let actor = p.actor();
        let rec = self.pool.read(|c| self.load(c, &actor.scope, id))?;
        self.audit_as(&actor, Action::ViewChild, Some((rec.id, &rec.district_code)), "")?;
        Ok(Self::for_reader(rec, p.role))
    }

    /// One number of a file in full ("显示完整号码"), for a reader who sees it masked:
    /// `field` names it (`father.phone`), `reason` says why (required; see
    /// `masking::reveal_reason`). The reveal is in the audit log, with the field and the
    /// reason, never the number, before the number is returned; `None` when the field is
    /// empty. A wrong field or a missing reason is refused before anything is read or written.
    pub fn reveal_number(
        &self,
        p: &Principal,
        id: i64,
        field: &str,
        reason: &str,
    ) -> Result<Option<String>, StoreError> {
        let mut errs = FieldErrors::default();
        if let Err(e) = masking::reveal_field(field) {
            errs.0.extend(e.0);
        }
        let reason = masking::reveal_reason(reason).unwrap_or_else(|e| {
            errs.0.extend(e.0);
            String::new()
        });
        if !errs.is_empty() {
            return Err(StoreError::Invalid(errs));
        }
        if !p.role.may_reveal_numbers() {
            return Err(StoreError::Forbidden);
        }
        let actor = p.actor();
        let rec = self.pool.read(|c| self.load(c, &actor.scope, id))?;
        let (child, label) = (Some((rec.id, rec.district_code.as_str())), msg::field_full_label(field));
        self.spend(p, Allowance::Reveal, child, &label)?;
        self.audit_as(&actor, Action::RevealNumber, child, &format!("{label}；理由：{reason}"))?;
        Ok(masking::number_of(&rec.file, field).map(str::to_string))
    }

    /// Whether `village` is a village of the region tree inside the actor's scope: where
    /// the actor may put a child's file.
    pub(crate) fn may_place_in(&self, actor: &Actor, village: &str, school_org_id: Option<i64>) -> bool {
        self.regions.get(village).is_some_and(|r| r.level == Level::Village)
            && actor.scope.covers(village, school_org_id)
    }

    /// Checks the file, and that its village exists and lies in the actor's scope.
    pub(crate) fn check_file(
        &self,
        c: &mut Conn<'_, '_>,
        actor: &Actor,
        file: ChildFile,
    ) -> Result<ChildFile, StoreError> {
        self.check_file_with(actor, file, |org| {
            c.query_opt("SELECT org_type FROM organisations WHERE id = $1", &[org.into()], |r| r.text(0))
        })
    }

    /// The checks of a file to be saved; `org_type_of` reads an organisation's type, and is
    /// called only for a file that names a school.
    pub(crate) fn check_file_with(
        &self,
        actor: &Actor,
        file: ChildFile,
        org_type_of: impl FnOnce(i64) -> Result<Option<String>, StoreError>,
    ) -> Result<ChildFile, StoreError> {
        if !actor.role.may_write_children() {
            return Err(StoreError::Forbidden);
        }
        let file = validate::child_file(file, self.today(), self.settings.age_rule).map_err(StoreError::Invalid)?;
        let mut errs = FieldErrors::default();
        if !self.may_place_in(actor, &file.village_code, file.school_org_id) {
            errs.add("village_code", msg::VILLAGE_UNKNOWN);
        }
        if let Some(org) = file.school_org_id {
            let t = org_type_of(org)?;
            if !t.and_then(|t| OrgType::parse(&t)).is_some_and(OrgType::scoped_by_enrolment) {
                errs.add("school_org_id", msg::SCHOOL_ORG_UNKNOWN);
            }
        }
        errs.into_result(file).map_err(StoreError::Invalid)
    }

    /// Refuses a second file for the same ID number, naming the first when the actor may see it.
    fn check_id_unique(
        &self,
        c: &mut Conn<'_, '_>,
        actor: &Actor,
        file: &ChildFile,
        except: Option<i64>,
    ) -> Result<(), StoreError> {
        let Some(idn) = file.id_number.as_deref() else {
            return Ok(());
        };
        // Under every key version in force: a rotation may have left the file under an older one.
        let mut sql = Sql::new("SELECT id, village_code, school_org_id FROM children WHERE id_blind");
        push_blinds(&mut sql, &self.cipher.ring(), idn);
        let found = c.query_opt(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text(1)?, r.opt_i64(2)?)))?;
        match found {
            Some((id, _, _)) if Some(id) == except => Ok(()),
            Some((id, village, school)) => {
                let visible = actor.scope.covers(&village, school);
                Err(StoreError::Duplicate {
                    field: "id_number",
                    message: if visible {
                        msg::DUPLICATE_ID.to_string()
                    } else {
                        "该身份证号码已在其他地区建档，请联系上级民政部门核实".to_string()
                    },
                    existing: visible.then_some(id),
                })
            }
            None => Ok(()),
        }
    }

    /// A file's term rows as stored in `rec` (closed or not), their ID term under every key
    /// version in force: the rows to delete, whichever key wrote its term.
    pub(crate) fn stored_terms<'a>(&self, rec: &'a ChildRecord) -> Terms<'a> {
        let ring = self.cipher.ring();
        let mut terms = search_terms::terms(&rec.file.name, None);
        if let Some(n) = rec.file.id_number.as_deref() {
            terms.extend(ring.suffix_terms(n));
        }
        Terms {
            owner: TermOwner {
                id: rec.id,
                closed: matches!(rec.status, FileStatus::Closed { .. }),
                name: &rec.file.name,
                district: &rec.district_code,
                village: &rec.file.village_code,
                school: rec.file.school_org_id,
            },
            terms,
        }
    }

    /// A file's term rows to write: its terms under the newest key.
    pub(crate) fn new_terms<'a>(&self, id: i64, closed: bool, district: &'a str, file: &'a ChildFile) -> Terms<'a> {
        Terms {
            owner: TermOwner {
                id,
                closed,
                name: &file.name,
                district,
                village: &file.village_code,
                school: file.school_org_id,
            },
            terms: self.search_terms_of(&self.cipher.ring(), file),
        }
    }

    #[allow(clippy::too_many_arguments)]
    pub(crate) fn write_history(
        &self,
        c: &mut Conn<'_, '_>,
        now: DateTime<Utc>,
        actor: &Actor,
        source: Source<'_>,
        id: i64,
        district: &str,
        version: i64,
        changes: &[(String, Option<String>, Option<String>)],
    ) -> Result<(), StoreError> {
        let ring = self.cipher.ring();
        for (seq, (path, old, new)) in changes.iter().enumerate() {
            let (old, new) = if field::sealed_in_history(path) {
                (
                    old.as_deref().map(|v| ring.seal_text(&field::history(path, false), v)),
                    new.as_deref().map(|v| ring.seal_text(&field::history(path, true), v)),
                )
            } else {
                (old.clone(), new.clone())
            };
            c.exec(
                "INSERT INTO child_history (district_code, child_id, version, seq, changed_at, user_id, user_name, source, field, old_value, new_value) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11)",
                &[
                    district.into(),
                    id.into(),
                    version.into(),
                    (seq as i64).into(),
                    now.into(),
                    actor.user_id.into(),
                    actor.user_name.as_str().into(),
                    source.into(),
                    path.as_str().into(),
                    old.into(),
                    new.into(),
                ],
            )?;
        }
        Ok(())
    }

    /// The values of a new file's `children` row that come from the file, in
    /// [`NEW_ROW_COLUMNS`]'s order; the sealed file as bytes when `bytes_column` (SQLite's
    /// BLOB), else as text. The file and its ID number are sealed, and the number's blind index
    /// made, with the keys in force.
    pub(crate) fn new_row_values(
        &self,
        file: &ChildFile,
        bytes_column: bool,
    ) -> Result<[Val; NEW_ROW_VALUES], StoreError> {
        let derived = rules::derive(file, self.today(), self.settings.age_rule);
        let ring = self.cipher.ring();
        Ok([
            region::district_of(&file.village_code).into(),
            file.village_code.as_str().into(),
            file.name.as_str().into(),
            file.sex.map(|s| s.code()).into(),
            file.birth_date.into(),
            file.id_number.as_deref().map(|n| ring.seal_text(field::CHILD_ID_NUMBER, n)).into(),
            file.id_number.as_deref().map(|n| Val::Bytes(ring.blind(n))).unwrap_or(Val::Null),
            derived.category.code().into(),
            file.guardianship_type.map(|g| g.code()).into(),
            file.schooling.map(|s| s.code()).into(),
            file.health.map(|h| h.code()).into(),
            Warning::to_bits(&derived.warnings).into(),
            file.school_org_id.into(),
            seal_file_data(&ring, file, bytes_column),
        ])
    }

    /// A stored file's data, opened and decoded.
    pub(crate) fn read_file_data(&self, raw: Vec<u8>) -> Result<ChildFile, StoreError> {
        file_data::decode(&self.cipher.open_vec(field::CHILD_FILE, raw)?)
    }

    /// A file's search terms, its ID number's under the keys in `ring`.
    pub fn search_terms_of(&self, ring: &Ring, file: &ChildFile) -> Vec<String> {
        let id_term = file.id_number.as_deref().and_then(|n| ring.suffix_term(n));
        search_terms::terms(&file.name, id_term.as_deref())
    }

    /// Inserts a checked file inside the caller's transaction.
    pub(crate) fn insert_checked(
        &self,
        c: &mut Conn<'_, '_>,
        now: DateTime<Utc>,
        actor: &Actor,
        source: Source<'_>,
        file: &ChildFile,
    ) -> Result<(i64, String), StoreError> {
        self.check_id_unique(c, actor, file, None)?;
        let district = region::district_of(&file.village_code).to_string();
        let id = new_child_id();
        let mut params = Vec::from(self.new_row_values(file, c.is_sqlite())?);
        params.push(id.into());
        params.push(now.into());
        static INSERT: std::sync::LazyLock<String> = std::sync::LazyLock::new(|| {
            let marks: Vec<String> = (1..=NEW_ROW_VALUES + 1).map(|i| format!("${i}")).collect();
            let now = NEW_ROW_VALUES + 2;
            format!("INSERT INTO children ({NEW_ROW_COLUMNS}) VALUES ({}, ${now}, ${now}, 1, FALSE)", marks.join(", "))
        });
        c.exec(&INSERT, &params)?;
        // A new file: no visit and no case yet, its first visit due one period on.
        let derived = rules::derive(file, self.today(), self.settings.age_rule);
        let (due, why) = self.due_of_new(
            Warning::to_bits(&derived.warnings),
            derived.category.code(),
            shouhu_domain::clock::china_date(now),
        );
        crate::visits::upsert_due(c, id, &file.village_code, due, why, None)?;
        replace_terms(c, id, None, Some(&self.new_terms(id, false, &district, file)))?;
        self.write_history(c, now, actor, source, id, &district, 1, &[("*".into(), None, Some("建档".into()))])?;
        Ok((id, district))
    }

    /// Creates a file. The same ID number twice names the existing file instead.
    pub fn create_child(&self, p: &Principal, file: ChildFile, source: Source<'_>) -> Result<ChildRecord, StoreError> {
        let actor = &p.actor();
        let now = self.now();
        let res = self.pool.write(|c| {
            let file = self.check_file(c, actor, file)?;
            let (id, district) = self.insert_checked(c, now, actor, source, &file)?;
            audit::record(c, &self.audit_key, now, actor, Action::CreateChild, Some((id, &district)), source)?;
            self.load(c, &actor.scope, id)
        });
        self.unique_race(res, actor).map(|rec| Self::for_reader(rec, p.role))
    }

    /// Creates many files in one transaction: all of them, or none. A bulk path (demo and
    /// synthetic data, tests): it takes the stamp `actor`, which may be the system's.
    pub fn create_children(
        &self,
        actor: &Actor,
        files: Vec<ChildFile>,
        source: Source<'_>,
    ) -> Result<Vec<i64>, StoreError> {
        let now = self.now();
        let res = self.pool.write(|c| {
            let mut ids = Vec::with_capacity(files.len());
            for file in files {
                let file = self.check_file(c, actor, file)?;
                ids.push(self.insert_checked(c, now, actor, source, &file)?.0);
            }
            audit::record(
                c,
                &self.audit_key,
                now,
                actor,
                Action::CreateChild,
                None,
                &format!("{source}: {} files", ids.len()),
            )?;
            Ok(ids)
        });
        self.unique_race(res, actor)
    }

    /// A unique index refused a row that our check inside the transaction did not see (a
    /// concurrent writer on PostgreSQL): report it as the duplicate it is.
    fn unique_race<T>(&self, res: Result<T, StoreError>, _actor: &Actor) -> Result<T, StoreError> {
        match res {
            Err(StoreError::UniqueViolation) => Err(StoreError::Duplicate {
                field: "id_number",
                message: msg::DUPLICATE_ID.to_string(),
                existing: None,
            }),
            other => other,
        }
    }

    /// Changes a file. `expected_version` is the version the user started from; if someone
    /// saved in between, nothing is written and `Stale` says so.
    pub fn update_child(
        &self,
        p: &Principal,
        id: i64,
        expected_version: i64,
        file: ChildFile,
        source: Source<'_>,
    ) -> Result<ChildRecord, StoreError> {
        let actor = &p.actor();
        let now = self.now();
        let res = self.pool.write(|c| {
            let current = self.load(c, &actor.scope, id)?;
            let file = self.check_file(c, actor, file)?;
            if current.version != expected_version {
                return Err(StoreError::Stale { current: current.version });
            }
            if matches!(current.status, FileStatus::Closed { .. }) {
                return Err(StoreError::State(msg::ALREADY_CLOSED));
            }
            let Some(changes) = self.update_in(c, now, actor, &current, &file, source)? else {
                return Ok(current);
            };
            let district = region::district_of(&file.village_code).to_string();
            audit::record(
                c,
                &self.audit_key,
                now,
                actor,
                Action::UpdateChild,
                Some((id, &district)),
                &format!("{source}: {changes} fields"),
            )?;
            self.load(c, &actor.scope, id)
        });
        self.unique_race(res, actor).map(|rec| Self::for_reader(rec, p.role))
    }

    /// Writes a checked whole file over `current` inside the caller's transaction (the file's
    /// form, the API's PUT, a census import): the entrusted-care facts, which none of them
    /// carries, are kept as stored (`entrusted::carry_care`). `None` when nothing changed.
    pub(crate) fn update_in(
        &self,
        c: &mut Conn<'_, '_>,
        now: DateTime<Utc>,
        actor: &Actor,
        current: &ChildRecord,
        file: &ChildFile,
        source: Source<'_>,
    ) -> Result<Option<usize>, StoreError> {
        let mut file = file.clone();
        entrusted::carry_care(&current.file, &mut file);
        self.write_update(c, now, actor, current, &file, source)
    }

    /// Writes a checked file over `current` exactly as given: the row, its search terms and
    /// one history row per changed field. `None` when nothing changed.
    pub(crate) fn write_update(
        &self,
        c: &mut Conn<'_, '_>,
        now: DateTime<Utc>,
        actor: &Actor,
        current: &ChildRecord,
        file: &ChildFile,
        source: Source<'_>,
    ) -> Result<Option<usize>, StoreError> {
        let id = current.id;
        let changes = history::diff(
            &history::flatten(&serde_json::to_value(&current.file)?),
            &history::flatten(&serde_json::to_value(file)?),
        );
        if changes.is_empty() {
            return Ok(None);
        }
        // A number already on the file was checked when it was written.
        if file.id_number != current.file.id_number {
            self.check_id_unique(c, actor, file, Some(id))?;
        }
        let derived = rules::derive(file, self.today(), self.settings.age_rule);
        let district = region::district_of(&file.village_code).to_string();
        // What the visit cadence reads, as stored before this write (the record's own
        // `derived` is today's derivation, which the stored columns may not have caught up with).
        let stored_before =
            c.query_opt("SELECT village_code, category, warnings FROM children WHERE id = $1", &[id.into()], |r| {
                Ok((r.text(0)?, r.text(1)?, r.i64(2)?))
            })?;
        let mut sql = Sql::new("UPDATE children SET version = version + 1, district_code = ");
        sql.bind(district.as_str());
        sql.push(", village_code = ").bind(file.village_code.as_str());
        sql.push(", name = ").bind(file.name.as_str());
        sql.push(", sex = ").bind(file.sex.map(|s| s.code()));
        sql.push(", birth_date = ").bind(file.birth_date);
        let ring = self.cipher.ring();
        sql.push(", id_number = ").bind(file.id_number.as_deref().map(|n| ring.seal_text(field::CHILD_ID_NUMBER, n)));
        sql.push(", id_blind = ")
            .bind(file.id_number.as_deref().map(|n| Val::Bytes(ring.blind(n))).unwrap_or(Val::Null));
        sql.push(", category = ").bind(derived.category.code());
        sql.push(", guardianship_type = ").bind(file.guardianship_type.map(|g| g.code()));
        sql.push(", schooling = ").bind(file.schooling.map(|s| s.code()));
        sql.push(", health = ").bind(file.health.map(|h| h.code()));
        sql.push(", warnings = ").bind(Warning::to_bits(&derived.warnings));
        sql.push(", school_org_id = ").bind(file.school_org_id);
        sql.push(", data = ").bind(seal_file_data(&ring, file, c.is_sqlite()));
        sql.push(", updated_at = ").bind(now);
        sql.push(" WHERE id = ").bind(id);
        sql.push(" AND version = ").bind(current.version);
        // The scope again, in the statement that writes.
        push_scope_on(&mut sql, &actor.scope, "");
        if c.exec(&sql.text, &sql.params)? == 0 {
            return Err(StoreError::Stale { current: current.version });
        }
        // Only what the rows hold: a file whose name, number, village and school stayed keeps them.
        if file.name != current.file.name
            || file.id_number != current.file.id_number
            || file.village_code != current.file.village_code
            || file.school_org_id != current.file.school_org_id
        {
            let old = self.stored_terms(current);
            replace_terms(c, id, Some(&old), Some(&self.new_terms(id, false, &district, file)))?;
        }
        self.write_history(c, now, actor, source, id, &district, current.version + 1, &changes)?;
        if current.file.village_code != file.village_code {
            // The child moved: its visits are reviewed by the supervisor of its new township.
            c.exec(
                "UPDATE visits SET village_code = $1, district_code = $2 WHERE child_id = $3",
                &[file.village_code.as_str().into(), district.as_str().into(), id.into()],
            )?;
        }
        // Warnings, category and village may have changed: so may the visit cadence.
        let stored_after =
            (file.village_code.clone(), derived.category.code().to_string(), Warning::to_bits(&derived.warnings));
        if stored_before.as_ref() != Some(&stored_after) {
            self.refresh_visit_due(c, id, self.today())?;
        }
        Ok(Some(changes.len()))
    }

    /// Closes a file with a reason (§2.1); it stays in the registry and can be reopened.
    pub fn close_child(
        &self,
        p: &Principal,
        id: i64,
        expected_version: i64,
        reason: CloseReason,
        note: Option<String>,
        source: Source<'_>,
    ) -> Result<ChildRecord, StoreError> {
        let note = note.map(|n| n.trim().to_string()).filter(|n| !n.is_empty());
        if reason == CloseReason::Other && note.is_none() {
            return Err(StoreError::invalid("note", msg::CLOSE_NOTE_REQUIRED));
        }
        if note.as_ref().is_some_and(|n| n.chars().count() > validate::SHORT_TEXT * 2) {
            return Err(StoreError::invalid("note", msg::too_long(validate::SHORT_TEXT * 2)));
        }
        self.set_closed(&p.actor(), id, expected_version, Some((reason, note)), source)
            .map(|rec| Self::for_reader(rec, p.role))
    }

    /// Reopens a closed file.
    pub fn reopen_child(
        &self,
        p: &Principal,
        id: i64,
        expected_version: i64,
        source: Source<'_>,
    ) -> Result<ChildRecord, StoreError> {
        self.set_closed(&p.actor(), id, expected_version, None, source).map(|rec| Self::for_reader(rec, p.role))
    }

    fn set_closed(
        &self,
        actor: &Actor,
        id: i64,
        expected_version: i64,
        close: Option<(CloseReason, Option<String>)>,
        source: Source<'_>,
    ) -> Result<ChildRecord, StoreError> {
        let now = self.now();
        let res = self.pool.write(|c| {
            let current = self.load(c, &actor.scope, id)?;
            if !actor.role.may_close_files() {
                return Err(StoreError::Forbidden);
            }
            if current.version != expected_version {
                return Err(StoreError::Stale { current: current.version });
            }
            let was_closed = matches!(current.status, FileStatus::Closed { .. });
            match (&close, was_closed) {
                (Some(_), true) => return Err(StoreError::State(msg::ALREADY_CLOSED)),
                (None, false) => return Err(StoreError::State(msg::NOT_CLOSED)),
                _ => {}
            }
            // An anonymised file has no child left to reopen (decision 94).
            if close.is_none()
                && c.query_opt(
                    "SELECT id FROM children WHERE id = $1 AND anonymised_at IS NOT NULL",
                    &[id.into()],
                    |r| r.i64(0),
                )?
                .is_some()
            {
                return Err(StoreError::State(msg::ANONYMISED_FILE));
            }
            let (reason, note) = match &close {
                Some((r, n)) => (Some(r.code()), n.clone()),
                None => (None, None),
            };
            let closed_at = close.as_ref().map(|_| now);
            let mut sql = Sql::new("UPDATE children SET version = version + 1, closed = ");
            sql.bind(close.is_some());
            sql.push(", close_reason = ").bind(reason);
            sql.push(", close_note = ").bind(note.clone());
            sql.push(", closed_at = ").bind(closed_at);
            sql.push(", updated_at = ").bind(now);
            sql.push(" WHERE id = ").bind(id);
            sql.push(" AND version = ").bind(expected_version);
            // The scope again, in the statement that writes.
            push_scope_on(&mut sql, &actor.scope, "");
            // No row: another writer changed the file after we read it (PostgreSQL re-reads
            // the row after waiting for its lock), so nothing of ours may be written.
            if c.exec(&sql.text, &sql.params)? == 0 {
                return Err(StoreError::Stale { current: self.load(c, &actor.scope, id)?.version });
            }
            let old = self.stored_terms(&current);
            let new = self.new_terms(id, close.is_some(), &current.district_code, &current.file);
            replace_terms(c, id, Some(&old), Some(&new))?;
            // A closed file is visited no more; a reopened one is due again.
            self.refresh_visit_due(c, id, self.today())?;
            let (old, new) = match &close {
                Some((r, n)) => (
                    "在档".to_string(),
                    format!("销档：{}{}", r.label(), n.as_ref().map(|n| format!("（{n}）")).unwrap_or_default()),
                ),
                None => ("销档".to_string(), "恢复在档".to_string()),
            };
            let district = current.district_code.clone();
            self.write_history(
                c,
                now,
                actor,
                source,
                id,
                &district,
                expected_version + 1,
                &[("status".into(), Some(old), Some(new))],
            )?;
            let action = if close.is_some() { Action::CloseChild } else { Action::ReopenChild };
            audit::record(c, &self.audit_key, now, actor, action, Some((id, &district)), reason.unwrap_or(""))?;
            self.load(c, &actor.scope, id)
        });
        match res {
            // The only unique key written here is the history's (file, version): another
            // writer has taken this version, so the caller's copy is stale.
            Err(StoreError::UniqueViolation) => Err(StoreError::Stale { current: expected_version + 1 }),
            other => other,
        }
    }

    /// The file's history, newest change first, if the file is inside `scope`.
    pub fn child_history(&self, p: &Principal, id: i64) -> Result<Vec<HistoryEntry>, StoreError> {
        let actor = &p.actor();
        let (rec, rows) = self.pool.read(|c| {
            let rec = self.load(c, &actor.scope, id)?;
            let mut sql = Sql::new(
                "SELECT h.version, h.changed_at, h.user_name, h.source, h.field, h.old_value, h.new_value \
                 FROM child_history h WHERE h.child_id = ",
            );
            sql.bind(id);
            sql.push(" AND EXISTS (SELECT 1 FROM children c WHERE c.id = h.child_id");
            push_scope(&mut sql, &actor.scope);
            sql.push(") ORDER BY h.version DESC, h.seq");
            let rows = c.query(&sql.text, &sql.params, |r| {
                // Old versions hold numbers too: opened, then masked as the file is.
                let path = r.text(4)?;
                let old = self.cipher.open_opt_text(&field::history(&path, false), r.opt_text(5)?)?;
                let new = self.cipher.open_opt_text(&field::history(&path, true), r.opt_text(6)?)?;
                let (old_value, old_masked) = masking::history_value(&path, old, p.role);
                let (new_value, new_masked) = masking::history_value(&path, new, p.role);
                Ok(HistoryEntry {
                    version: r.i64(0)?,
                    changed_at: r.ts(1)?,
                    user_name: r.text(2)?,
                    source: r.text(3)?,
                    field: path,
                    old_value,
                    new_value,
                    masked: old_masked || new_masked,
                })
            })?;
            Ok((rec, rows))
        })?;
        self.audit_as(actor, Action::ViewHistory, Some((rec.id, &rec.district_code)), "")?;
        Ok(rows)
    }

    /// One page of the ledger (台账) of the caller's scope.
    pub fn ledger(&self, p: &Principal, f: &LedgerFilter, page: u32, per_page: u32) -> Result<LedgerPage, StoreError> {
        let scope = &p.scope();
        let page = page.max(1);
        let per_page = per_page.clamp(1, 100);
        let limit = self.settings.ledger.count_limit;
        // How many files the filter selects, up to one more than the limit.
        let count = |sql: &mut Sql| {
            sql.push("SELECT count(*) FROM (SELECT 1 FROM children c WHERE 1 = 1");
            push_scope(sql, scope);
            self.push_filter(sql, f);
            sql.push(" LIMIT ").bind(limit + 1).push(") AS capped");
        };
        self.pool.read(|c| {
            // The page carries its count as one more column: one statement, where two were a
            // round trip more on PostgreSQL (issue 23); the subquery runs once. A page past
            // the end has no row to carry it and is counted alone.
            let mut q = Sql::new(&format!("SELECT {LEDGER_COLUMNS}, ("));
            count(&mut q);
            q.push(") FROM children c WHERE 1 = 1");
            push_scope(&mut q, scope);
            self.push_filter(&mut q, f);
            q.push(" ORDER BY c.village_code, c.id LIMIT ").bind(i64::from(per_page));
            q.push(" OFFSET ").bind(i64::from(page - 1) * i64::from(per_page));
            let found = c.query(&q.text, &q.params, |r| Ok((self.ledger_row(r)?, r.i64(LEDGER_WIDTH)?)))?;
            let n = match found.first() {
                Some((_, n)) => *n,
                None => {
                    let mut q = Sql::new("");
                    count(&mut q);
                    c.query_opt(&q.text, &q.params, |r| r.i64(0))?.unwrap_or(0)
                }
            };
            let rows = found.into_iter().map(|(row, _)| row).collect();
            Ok(LedgerPage { rows, page, per_page, total: n.min(limit), total_capped: n > limit, next: None })
        })
    }

    /// Appends the ledger's filters to a WHERE clause on `children c`: the one place where
    /// they become SQL, for the ledger's pages and its export alike.
    fn push_filter(&self, wh: &mut Sql, f: &LedgerFilter) {
        match f.status {
            StatusFilter::Open => {
                wh.push(" AND c.closed = ").bind(false);
            }
            StatusFilter::Closed => {
                wh.push(" AND c.closed = ").bind(true);
            }
            StatusFilter::All => {
                // Keeps the ledger index usable: closed is its first column.
                wh.push(" AND c.closed IN (").bind(false).push(", ").bind(true).push(")");
            }
        }
        if let Some(r) = f.region.as_deref().filter(|r| !r.is_empty()) {
            wh.push(" AND c.village_code >= ").bind(r);
            wh.push(" AND c.village_code < ").bind(region::prefix_upper_bound(r));
        }
        if let Some(cat) = f.category {
            wh.push(" AND c.category = ").bind(cat.code());
        }
        if let Some(band) = f.age_band {
            let (lo, hi) = band.birth_range(self.today(), self.settings.age_rule);
            wh.push(" AND c.birth_date >= ").bind(lo).push(" AND c.birth_date <= ").bind(hi);
        }
        if let Some(g) = f.guardianship_type {
            wh.push(" AND c.guardianship_type = ").bind(g.code());
        }
        if let Some(s) = f.schooling {
            wh.push(" AND c.schooling = ").bind(s.code());
        }
        match f.warning {
            // Decided against today in the query, as `add_contact_lapse` decides it on a row
            // ([UPL] 23): a left-behind child whose last recorded contact is before the day
            // 7 days before today.
            Some(Warning::ParentsContactLapsed) => {
                let cutoff = self.today() - chrono::Days::new(entrusted::CONTACT_DAYS as u64);
                wh.push(" AND c.category <> ").bind(Category::NotLeftBehind.code());
                wh.push(" AND c.parents_contact_on < ").bind(cutoff);
            }
            Some(w) => {
                wh.push(" AND (c.warnings & ").bind(w.bit()).push(") <> 0");
            }
            None => {}
        }
        if let Some(ids) = &f.ids {
            wh.push(" AND c.id IN (");
            for (i, id) in ids.iter().enumerate() {
                wh.push(if i == 0 { "" } else { ", " }).bind(*id);
            }
            // No match: an IN list may not be empty.
            wh.push(if ids.is_empty() { "NULL)" } else { ")" });
        }
    }

    /// One batch of the files in `scope` (a bulk path: exports derive the scope once) that
    /// the ledger's filter `f` selects, open ones first, each part in ledger order, after
    /// the key `after` = (closed, village code, id) of the previous batch's last file. Reading
    /// in the ledger index's own order keeps every batch as cheap as the first, so exports
    /// read a whole scope in constant memory and time per batch.
    pub fn children_batch(
        &self,
        scope: &Scope,
        f: &LedgerFilter,
        after: Option<(bool, &str, i64)>,
        limit: u32,
    ) -> Result<Vec<ChildRecord>, StoreError> {
        let mut sql = Sql::new(&format!("SELECT {RECORD_COLUMNS} FROM children c WHERE 1 = 1"));
        push_scope(&mut sql, scope);
        self.push_filter(&mut sql, f);
        if let Some((closed, village, id)) = after {
            sql.push(" AND (c.closed > ").bind(closed);
            sql.push(" OR (c.closed = ").bind(closed).push(" AND c.village_code > ").bind(village);
            sql.push(") OR (c.closed = ").bind(closed).push(" AND c.village_code = ").bind(village);
            sql.push(" AND c.id > ").bind(id).push("))");
        }
        sql.push(" ORDER BY c.closed, c.village_code, c.id LIMIT ").bind(i64::from(limit.clamp(1, 10_000)));
        self.pool.read(|c| c.query(&sql.text, &sql.params, |r| self.record_from_row(r)))
    }
}

/// `sql` ends with a column holding blind indexes: matches the blind index of `id_number`
/// under every key version in `ring` (one while no rotation is under way).
pub(crate) fn push_blinds(sql: &mut Sql, ring: &Ring, id_number: &str) {
    let blinds = ring.blinds(id_number);
    if let [one] = blinds.as_slice() {
        sql.push(" = ").bind(Val::Bytes(one.clone()));
        return;
    }
    sql.push(" IN (");
    for (i, b) in blinds.into_iter().enumerate() {
        sql.push(if i == 0 { "" } else { ", " }).bind(Val::Bytes(b));
    }
    sql.push(")");
}

/// A file's data as stored: its binary form ([`file_data::encode_binary`]) sealed for
/// `children.data`, as bytes in SQLite's BLOB or as base64 in PostgreSQL's TEXT (decision 204).
pub(crate) fn seal_file_data(ring: &Ring, file: &ChildFile, bytes_column: bool) -> Val {
    let plain = file_data::encode_binary(file);
    if bytes_column {
        Val::Bytes(ring.seal(field::CHILD_FILE, &plain))
    } else {
        Val::Text(ring.seal_into_text(field::CHILD_FILE, &plain))
    }
}

/// A new child id: random below 2^53, so that it is exact in JavaScript and says nothing
/// about how many files exist or in which order they were made.
pub(crate) fn new_child_id() -> i64 {
    use rand::Rng;
    rand::rng().random_range(1..(1_i64 << 53))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_ledger_width_counts_its_columns() {
        assert_eq!(LEDGER_COLUMNS.split(',').count(), LEDGER_WIDTH);
    }

    /// The point read's prebuilt SQL says the same as building it with `push_scope` per
    /// call, on both backends and for every kind of scope: a scope predicate that drifted
    /// would let a reader open a file outside their region.
    #[test]
    fn point_read_sql_is_the_scoped_query() {
        for scope in [Scope::Region("120111".into()), Scope::School(42), Scope::Nothing] {
            let mut built = Sql::new(&format!("SELECT {RECORD_COLUMNS} FROM children c WHERE c.id = "));
            built.bind(7);
            push_scope(&mut built, &scope);
            let (pg, pg_params) = load_sql(&scope, 7, false);
            let (lite, lite_params) = load_sql(&scope, 7, true);
            assert_eq!(pg, built.text);
            assert_eq!(lite, crate::db::sqlite_sql(&built.text));
            assert_eq!(pg_params, built.params);
            assert_eq!(lite_params, built.params);
        }
    }
}
