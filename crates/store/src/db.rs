//! One way to run SQL on either backend.
//!
//! Queries are written once, in PostgreSQL's dialect with `$1` placeholders; for SQLite the
//! placeholders become `?1` (SQLite's numbered parameters), which is the only rewrite. Values
//! cross the boundary as [`Val`] and come back through [`Row`], so that dates and timestamps
//! are native types in PostgreSQL and ISO-8601 text in SQLite. Both drivers are synchronous
//! and call their database directly; the web layer runs them on tokio's blocking pool.

use crate::error::StoreError;
use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use postgres::types::{IsNull, ToSql as PgToSql, Type, to_sql_checked};
use rusqlite::types::{ToSqlOutput, Value as SqliteValue, ValueRef};
use std::borrow::Cow;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

/// A value bound to a query parameter.
#[derive(Debug, Clone, PartialEq)]
pub enum Val {
    Null,
    I64(i64),
    Text(String),
    Bool(bool),
    Date(NaiveDate),
    Ts(DateTime<Utc>),
    Bytes(Vec<u8>),
}

impl From<i64> for Val {
    fn from(v: i64) -> Self {
        Val::I64(v)
    }
}
impl From<&str> for Val {
    fn from(v: &str) -> Self {
        Val::Text(v.to_string())
    }
}
impl From<String> for Val {
    fn from(v: String) -> Self {
        Val::Text(v)
    }
}
impl From<&String> for Val {
    fn from(v: &String) -> Self {
        Val::Text(v.clone())
    }
}
impl From<bool> for Val {
    fn from(v: bool) -> Self {
        Val::Bool(v)
    }
}
impl From<NaiveDate> for Val {
    fn from(v: NaiveDate) -> Self {
        Val::Date(v)
    }
}
impl From<DateTime<Utc>> for Val {
    fn from(v: DateTime<Utc>) -> Self {
        Val::Ts(v)
    }
}
impl<T: Into<Val>> From<Option<T>> for Val {
    fn from(v: Option<T>) -> Self {
        v.map_or(Val::Null, Into::into)
    }
}

/// Timestamps in SQLite: fixed-width UTC text, so that text order is time order.
/// The digits of `s[from..to]` as a number; `None` for anything else.
fn digits(s: &[u8], from: usize, to: usize) -> Option<u32> {
    s.get(from..to)?.iter().try_fold(0u32, |n, b| b.is_ascii_digit().then(|| n * 10 + u32::from(b - b'0')))
}

/// `YYYY-MM-DD` read without chrono's format parser (every ledger row and file has dates).
pub fn fast_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(digits(b, 0, 4)? as i32, digits(b, 5, 7)?, digits(b, 8, 10)?)
}

/// The form [`ts_text`] writes (`2026-12-06T18:00:00.123456Z`) read without the RFC 3339
/// parser (a point read has three); anything else is left to it.
pub fn fast_ts(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() != 27 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b[19] != b'.' || b[26] != b'Z' {
        return None;
    }
    let time = chrono::NaiveTime::from_hms_micro_opt(
        digits(b, 11, 13)?,
        digits(b, 14, 16)?,
        digits(b, 17, 19)?,
        digits(b, 20, 26)?,
    )?;
    Some(fast_date(s.get(..10)?)?.and_time(time).and_utc())
}

pub fn ts_text(t: &DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Micros, true)
}

impl rusqlite::ToSql for Val {
    fn to_sql(&self) -> rusqlite::Result<ToSqlOutput<'_>> {
        Ok(match self {
            Val::Null => ToSqlOutput::Owned(SqliteValue::Null),
            Val::I64(v) => ToSqlOutput::Owned(SqliteValue::Integer(*v)),
            Val::Text(s) => ToSqlOutput::Borrowed(ValueRef::Text(s.as_bytes())),
            Val::Bool(b) => ToSqlOutput::Owned(SqliteValue::Integer(i64::from(*b))),
            Val::Date(d) => ToSqlOutput::Owned(SqliteValue::Text(d.format("%Y-%m-%d").to_string())),
            Val::Ts(t) => ToSqlOutput::Owned(SqliteValue::Text(ts_text(t))),
            Val::Bytes(b) => ToSqlOutput::Borrowed(ValueRef::Blob(b)),
        })
    }
}

impl PgToSql for Val {
    fn to_sql(
        &self,
        ty: &Type,
        out: &mut postgres::types::private::BytesMut,
    ) -> Result<IsNull, Box<dyn std::error::Error + Sync + Send>> {
        match self {
            Val::Null => Ok(IsNull::Yes),
            Val::I64(v) => v.to_sql(ty, out),
            Val::Text(s) => s.to_sql(ty, out),
            Val::Bool(b) => b.to_sql(ty, out),
            Val::Date(d) => d.to_sql(ty, out),
            Val::Ts(t) => t.to_sql(ty, out),
            Val::Bytes(b) => b.to_sql(ty, out),
        }
    }

    fn accepts(_ty: &Type) -> bool {
        // Each variant's own `to_sql` checks the type it is given.
        true
    }

    to_sql_checked!();
}

/// Typed access to a result row, the same on both backends.
pub trait Row {
    fn i64(&self, i: usize) -> Result<i64, StoreError>;
    fn opt_i64(&self, i: usize) -> Result<Option<i64>, StoreError>;
    fn text(&self, i: usize) -> Result<String, StoreError>;
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError>;
    fn bool(&self, i: usize) -> Result<bool, StoreError>;
    fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>, StoreError>;
    fn ts(&self, i: usize) -> Result<DateTime<Utc>, StoreError>;
    fn opt_ts(&self, i: usize) -> Result<Option<DateTime<Utc>>, StoreError>;
    fn bytes(&self, i: usize) -> Result<Vec<u8>, StoreError>;
    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError>;
    /// A column that holds text or bytes (a child's file data), as bytes.
    fn text_or_bytes(&self, i: usize) -> Result<Vec<u8>, StoreError>;
}

impl Row for rusqlite::Row<'_> {
    fn i64(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_i64(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.get(i)?)
    }
    fn bool(&self, i: usize) -> Result<bool, StoreError> {
        Ok(self.get::<_, i64>(i)? != 0)
    }
    fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>, StoreError> {
        // Read in place: the text is not copied to be parsed.
        self.get_ref(i)?
            .as_str_or_null()
            .map_err(|e| StoreError::Backend(format!("bad date in column {i}: {e}")))?
            .map(|s| {
                fast_date(s)
                    .map(Ok)
                    .unwrap_or_else(|| NaiveDate::parse_from_str(s, "%Y-%m-%d"))
                    .map_err(|e| StoreError::Backend(format!("bad date in column {i}: {e}")))
            })
            .transpose()
    }
    fn ts(&self, i: usize) -> Result<DateTime<Utc>, StoreError> {
        self.opt_ts(i)?.ok_or_else(|| StoreError::Backend(format!("null timestamp in column {i}")))
    }
    fn opt_ts(&self, i: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        self.get_ref(i)?
            .as_str_or_null()
            .map_err(|e| StoreError::Backend(format!("bad timestamp in column {i}: {e}")))?
            .map(|s| {
                fast_ts(s)
                    .map(Ok)
                    .unwrap_or_else(|| DateTime::parse_from_rfc3339(s).map(|t| t.with_timezone(&Utc)))
                    .map_err(|e| StoreError::Backend(format!("bad timestamp in column {i}: {e}")))
            })
            .transpose()
    }
    fn bytes(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        Ok(self.get(i)?)
    }
    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.get(i)?)
    }

    fn text_or_bytes(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        match self.get_ref(i)? {
            rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => Ok(b.to_vec()),
            other => Err(StoreError::Backend(format!("column {i} is {:?}, not text or bytes", other.data_type()))),
        }
    }
}

impl Row for postgres::Row {
    fn i64(&self, i: usize) -> Result<i64, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_i64(&self, i: usize) -> Result<Option<i64>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn text(&self, i: usize) -> Result<String, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_text(&self, i: usize) -> Result<Option<String>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn bool(&self, i: usize) -> Result<bool, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_date(&self, i: usize) -> Result<Option<NaiveDate>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn ts(&self, i: usize) -> Result<DateTime<Utc>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_ts(&self, i: usize) -> Result<Option<DateTime<Utc>>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn bytes(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        Ok(self.try_get(i)?)
    }
    fn opt_bytes(&self, i: usize) -> Result<Option<Vec<u8>>, StoreError> {
        Ok(self.try_get(i)?)
    }

    fn text_or_bytes(&self, i: usize) -> Result<Vec<u8>, StoreError> {
        Ok(self.try_get::<_, String>(i)?.into_bytes())
    }
}

/// Rewrites `$N` placeholders to SQLite's `?N`. Our SQL never has `$` inside literals.
pub fn sqlite_sql(sql: &str) -> Cow<'_, str> {
    if sql.contains('$') { Cow::Owned(sql.replace('$', "?")) } else { Cow::Borrowed(sql) }
}

/// A connection (inside a transaction, or not) on either backend.
pub enum Conn<'a, 't> {
    Sqlite(&'a rusqlite::Connection),
    Pg(&'a mut postgres::Transaction<'t>, &'a mut Statements),
    PgClient(&'a mut postgres::Client, &'a mut Statements),
}

impl Conn<'_, '_> {
    pub fn is_sqlite(&self) -> bool {
        matches!(self, Conn::Sqlite(_))
    }

    /// Runs a statement and returns the number of rows it changed.
    pub fn exec(&mut self, sql: &str, params: &[Val]) -> Result<u64, StoreError> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(&sqlite_sql(sql))?;
                Ok(st.execute(rusqlite::params_from_iter(params.iter()))? as u64)
            }
            Conn::Pg(t, s) => {
                let st = s.get(sql, |q| t.prepare(q))?;
                Ok(t.execute(&st, &pg_params(params))?)
            }
            Conn::PgClient(c, s) => {
                let st = s.get(sql, |q| c.prepare(q))?;
                Ok(c.execute(&st, &pg_params(params))?)
            }
        }
    }

    /// Runs a query and maps every row.
    pub fn query<T>(
        &mut self,
        sql: &str,
        params: &[Val],
        mut f: impl FnMut(&dyn Row) -> Result<T, StoreError>,
    ) -> Result<Vec<T>, StoreError> {
        match self {
            Conn::Sqlite(c) => {
                let mut st = c.prepare_cached(&sqlite_sql(sql))?;
                let mut rows = st.query(rusqlite::params_from_iter(params.iter()))?;
                let mut out = Vec::new();
                while let Some(r) = rows.next()? {
                    out.push(f(r)?);
                }
                Ok(out)
            }
            Conn::Pg(t, s) => {
                let st = s.get(sql, |q| t.prepare(q))?;
                t.query(&st, &pg_params(params))?.iter().map(|r| f(r)).collect()
            }
            Conn::PgClient(c, s) => {
                let st = s.get(sql, |q| c.prepare(q))?;
                c.query(&st, &pg_params(params))?.iter().map(|r| f(r)).collect()
            }
        }
    }

    /// Runs a query expected to return at most one row.
    pub fn query_opt<T>(
        &mut self,
        sql: &str,
        params: &[Val],
        f: impl FnMut(&dyn Row) -> Result<T, StoreError>,
    ) -> Result<Option<T>, StoreError> {
        Ok(self.query(sql, params, f)?.into_iter().next())
    }

    /// Writes rows into `table`'s `columns` (PostgreSQL's binary `COPY`, which the server
    /// reads a row at a time without planning a statement for each few hundred). Each row
    /// holds one value per column; the column types are the table's own.
    pub fn copy_rows<'r>(
        &mut self,
        table: &str,
        columns: &str,
        rows: impl Iterator<Item = &'r [Val]>,
    ) -> Result<u64, StoreError> {
        use postgres::binary_copy::BinaryCopyInWriter;
        let probe = format!("SELECT {columns} FROM {table} LIMIT 0");
        let copy = format!("COPY {table} ({columns}) FROM STDIN (FORMAT binary)");
        let t = match self {
            Conn::Pg(t, _) => t,
            _ => return Err(StoreError::Backend("COPY is PostgreSQL's".into())),
        };
        let types: Vec<Type> = t.prepare(&probe)?.columns().iter().map(|c| c.type_().clone()).collect();
        let mut w = BinaryCopyInWriter::new(t.copy_in(&copy)?, &types);
        for row in rows {
            w.write(&pg_params(row))?;
        }
        Ok(w.finish()?)
    }

    /// Runs a batch of statements without parameters (migrations).
    pub fn batch(&mut self, sql: &str) -> Result<(), StoreError> {
        match self {
            Conn::Sqlite(c) => Ok(c.execute_batch(sql)?),
            Conn::Pg(t, _) => Ok(t.batch_execute(sql)?),
            Conn::PgClient(c, _) => Ok(c.batch_execute(sql)?),
        }
    }
}

fn pg_params(params: &[Val]) -> Vec<&(dyn PgToSql + Sync)> {
    params.iter().map(|v| v as &(dyn PgToSql + Sync)).collect()
}

/// Builds SQL with a growing parameter list: `bind` appends `$n` and remembers the value.
#[derive(Debug, Default)]
pub struct Sql {
    pub text: String,
    pub params: Vec<Val>,
}

impl Sql {
    pub fn new(text: &str) -> Self {
        Sql { text: text.to_string(), params: Vec::new() }
    }

    pub fn push(&mut self, s: &str) -> &mut Self {
        self.text.push_str(s);
        self
    }

    pub fn bind(&mut self, v: impl Into<Val>) -> &mut Self {
        self.params.push(v.into());
        self.text.push('$');
        self.text.push_str(&self.params.len().to_string());
        self
    }
}

/// Where the database is.
#[derive(Clone, PartialEq, Eq)]
pub enum DbUrl {
    Sqlite(PathBuf),
    /// `sqlite::memory:` is not offered: a registry must never silently keep data in memory.
    Postgres(String),
}

impl std::fmt::Debug for DbUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            DbUrl::Sqlite(p) => write!(f, "sqlite://{}", p.display()),
            // The URL may carry a password.
            DbUrl::Postgres(_) => f.write_str("postgres://…"),
        }
    }
}

impl DbUrl {
    /// Where reports are kept. On SQLite a file of its own beside the registry
    /// (`shouhu.db` → `shouhu-reports.db`), so that a long import holding the registry's
    /// write lock never delays a report; on PostgreSQL the same database, which has row locks.
    pub fn reports(&self) -> DbUrl {
        match self {
            DbUrl::Sqlite(path) => {
                let stem = path.file_stem().map_or_else(|| "shouhu".into(), |s| s.to_string_lossy().into_owned());
                DbUrl::Sqlite(path.with_file_name(format!("{stem}-reports.db")))
            }
            DbUrl::Postgres(_) => self.clone(),
        }
    }

    /// Parses `sqlite://PATH`, `postgres://…` or `postgresql://…`; any other scheme is an
    /// error, never a new empty database somewhere unexpected.
    pub fn parse(url: &str) -> Result<DbUrl, StoreError> {
        if let Some(path) = url.strip_prefix("sqlite://") {
            if path.is_empty() {
                return Err(StoreError::Config("sqlite:// needs a file path".into()));
            }
            Ok(DbUrl::Sqlite(PathBuf::from(path)))
        } else if url.starts_with("postgres://") || url.starts_with("postgresql://") {
            Ok(DbUrl::Postgres(url.to_string()))
        } else {
            Err(StoreError::Config("unknown database URL scheme: use sqlite://PATH or postgres://…".into()))
        }
    }
}

/// Opens SQLite connections with the settings every connection needs.
#[derive(Debug)]
pub struct SqliteManager {
    pub path: PathBuf,
    pub durability: Durability,
}

/// How far a committed transaction survives on SQLite.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    /// WAL with `synchronous=NORMAL`: a commit is atomic and consistent, and survives a crash
    /// of the process; only a power loss may lose the last commits (the registry).
    Normal,
    /// `synchronous=FULL`: every commit is on disk before it returns (reports, whose
    /// acknowledgement promises exactly that). PostgreSQL always syncs at commit.
    Full,
}

/// Puts a connection's settings back after [`Pool::write_bulk`].
struct RestoreAfterBulk<'a>(&'a rusqlite::Connection);

impl Drop for RestoreAfterBulk<'_> {
    fn drop(&mut self) {
        let restored = self.0.execute_batch(&format!(
            "PRAGMA cache_size=-{CACHE_KIB}; PRAGMA foreign_keys=ON; PRAGMA wal_autocheckpoint=1000; PRAGMA shrink_memory;"
        ));
        if let Err(e) = restored {
            tracing::error!(error = %e, "restoring a connection's settings after a bulk write");
        }
    }
}

/// Each SQLite connection's page cache, in KiB.
const CACHE_KIB: u32 = 65536;

const SQLITE_PRAGMAS: &str = "PRAGMA journal_mode=WAL; \
     PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; \
     PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;";

impl r2d2::ManageConnection for SqliteManager {
    type Connection = rusqlite::Connection;
    type Error = rusqlite::Error;

    fn connect(&self) -> Result<Self::Connection, Self::Error> {
        let c = rusqlite::Connection::open(&self.path)?;
        c.execute_batch(SQLITE_PRAGMAS)?;
        c.execute_batch(&format!("PRAGMA cache_size=-{CACHE_KIB};"))?;
        c.execute_batch(match self.durability {
            Durability::Normal => "PRAGMA synchronous=NORMAL;",
            Durability::Full => "PRAGMA synchronous=FULL;",
        })?;
        c.set_prepared_statement_cache_capacity(128);
        Ok(c)
    }

    fn is_valid(&self, conn: &mut Self::Connection) -> Result<(), Self::Error> {
        conn.execute_batch("")
    }

    fn has_broken(&self, _conn: &mut Self::Connection) -> bool {
        false
    }
}

/// Opens PostgreSQL connections (pure Rust driver; no libpq).
pub struct PgManager {
    pub config: postgres::Config,
    pub plans: Plans,
}

/// How a connection's prepared statements are planned (decision 217).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Plans {
    /// For each call's values (decision 206): a range of village codes or birth dates may
    /// need a lookup for one value and a scan for another.
    PerCall,
    /// Once, for any values: for statements whose plan never depends on them (a lookup by a
    /// unique key), where planning each call cost more than running it.
    Once,
}

/// A PostgreSQL client that may be dropped anywhere. The synchronous driver closes its
/// connection by blocking on its own runtime, which panics on an async thread; there, the
/// client is handed to a plain thread to close.
pub struct PgConn(Option<postgres::Client>, Statements);

impl PgConn {
    fn parts(&mut self) -> (&mut postgres::Client, &mut Statements) {
        (self.0.as_mut().unwrap_or_else(|| unreachable!("only taken in drop")), &mut self.1)
    }
}

/// The statements a PostgreSQL connection has prepared, by their text (decision 206). Sent
/// unnamed, each statement was parsed and analysed again at every call, a round trip of
/// its own before the one that runs it. Plans are still made for each call's values
/// (`plan_cache_mode`, set as the connection opens): a plan made once for any values could
/// scan where the values at hand need a lookup.
#[derive(Default)]
pub struct Statements(std::collections::HashMap<String, postgres::Statement>);

/// Statements one connection keeps; past it the connection starts again with none. Texts
/// built with a varying number of values (lists of ids) would otherwise grow it without end.
const PG_STATEMENTS: usize = 256;

impl Statements {
    fn get(
        &mut self,
        sql: &str,
        prepare: impl FnOnce(&str) -> Result<postgres::Statement, postgres::Error>,
    ) -> Result<postgres::Statement, postgres::Error> {
        if let Some(st) = self.0.get(sql) {
            return Ok(st.clone());
        }
        let st = prepare(sql)?;
        if self.0.len() >= PG_STATEMENTS {
            self.0.clear();
        }
        self.0.insert(sql.to_string(), st.clone());
        Ok(st)
    }
}

impl std::ops::Deref for PgConn {
    type Target = postgres::Client;
    fn deref(&self) -> &postgres::Client {
        self.0.as_ref().unwrap_or_else(|| unreachable!("only taken in drop"))
    }
}

impl std::ops::DerefMut for PgConn {
    fn deref_mut(&mut self) -> &mut postgres::Client {
        self.0.as_mut().unwrap_or_else(|| unreachable!("only taken in drop"))
    }
}

impl Drop for PgConn {
    fn drop(&mut self) {
        if let Some(c) = self.0.take()
            && tokio::runtime::Handle::try_current().is_ok()
        {
            let _ = std::thread::Builder::new().name("pg-close".into()).spawn(move || drop(c));
        }
    }
}

impl r2d2::ManageConnection for PgManager {
    type Connection = PgConn;
    type Error = postgres::Error;

    fn connect(&self) -> Result<Self::Connection, Self::Error> {
        let mut c = self.config.connect(postgres::NoTls)?;
        // Every statement here is short; JIT-compiling one that the planner costs high (a
        // search's plan at 1,000,000 files) took 200 ms of a 0.3 ms query (decision 205).
        // Prepared statements are planned for each call's values (decision 206).
        c.batch_execute(match self.plans {
            Plans::PerCall => "SET jit = off; SET plan_cache_mode = force_custom_plan",
            Plans::Once => "SET jit = off; SET plan_cache_mode = force_generic_plan",
        })?;
        Ok(PgConn(Some(c), Statements::default()))
    }

    fn is_valid(&self, conn: &mut Self::Connection) -> Result<(), Self::Error> {
        conn.simple_query("").map(|_| ())
    }

    fn has_broken(&self, conn: &mut Self::Connection) -> bool {
        conn.is_closed()
    }
}

/// The connection pools of one database. A connection is not tested when it is taken
/// (decision 189): r2d2's test is a round trip to PostgreSQL before every read. One that
/// broke (a restarted server) fails its query like any database error and is dropped when
/// it comes back (`has_broken`).
#[derive(Clone)]
pub enum Pool {
    /// SQLite has one writer at a time; writers queue on the lock here, in order, rather
    /// than in SQLite's busy handler, which sleeps in growing steps and favours no one.
    Sqlite(r2d2::Pool<SqliteManager>, Arc<parking_lot::Mutex<()>>),
    Postgres(r2d2::Pool<PgManager>),
}

/// How long a write waits for another (an import can hold SQLite's lock for minutes)
/// before telling the user to try again.
pub const WRITE_WAIT: Duration = Duration::from_secs(10);

impl Pool {
    pub fn open(url: &DbUrl, size: u32) -> Result<Pool, StoreError> {
        Pool::open_with(url, size, Durability::Normal)
    }

    /// A pool of PostgreSQL connections whose statements are planned once ([`Plans::Once`]).
    pub fn open_planned_once(url: &str, size: u32) -> Result<Pool, StoreError> {
        Pool::open_pg(url, size, Plans::Once)
    }

    fn open_pg(url: &str, size: u32, plans: Plans) -> Result<Pool, StoreError> {
        let config: postgres::Config =
            url.parse().map_err(|e| StoreError::Config(format!("bad PostgreSQL URL: {e}")))?;
        let pool = r2d2::Pool::builder()
            .max_size(size)
            .connection_timeout(Duration::from_secs(10))
            .test_on_check_out(false)
            .build(PgManager { config, plans })?;
        Ok(Pool::Postgres(pool))
    }

    pub fn open_with(url: &DbUrl, size: u32, durability: Durability) -> Result<Pool, StoreError> {
        match url {
            DbUrl::Sqlite(path) => {
                if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
                    std::fs::create_dir_all(dir)
                        .map_err(|e| StoreError::Config(format!("cannot create {}: {e}", dir.display())))?;
                }
                let pool = r2d2::Pool::builder()
                    .max_size(size)
                    .connection_timeout(Duration::from_secs(10))
                    .test_on_check_out(false)
                    .build(SqliteManager { path: path.clone(), durability })?;
                owner_only(path)?;
                Ok(Pool::Sqlite(pool, Arc::default()))
            }
            DbUrl::Postgres(url) => Pool::open_pg(url, size, Plans::PerCall),
        }
    }

    pub fn is_sqlite(&self) -> bool {
        matches!(self, Pool::Sqlite(..))
    }

    /// The most connections the pool holds.
    pub fn max_size(&self) -> u32 {
        match self {
            Pool::Sqlite(p, _) => p.max_size(),
            Pool::Postgres(p) => p.max_size(),
        }
    }

    /// Runs `f` on a connection outside any explicit transaction (single reads).
    pub fn read<T>(&self, f: impl FnOnce(&mut Conn<'_, '_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        match self {
            Pool::Sqlite(p, _) => {
                let c = p.get()?;
                f(&mut Conn::Sqlite(&c))
            }
            Pool::Postgres(p) => {
                let mut c = p.get()?;
                let (client, statements) = c.parts();
                f(&mut Conn::PgClient(client, statements))
            }
        }
    }

    /// [`Pool::write`] for a transaction that writes many rows the caller has checked (a
    /// census import). On SQLite its connection, for the while:
    /// - gets a page cache of `cache_mib`, so that the indexes it adds to at random places
    ///   (ID numbers, villages) stay in memory instead of being spilled to the WAL and read
    ///   back from it (docs/benchmarks.md);
    /// - leaves foreign keys unchecked: the caller has checked each row's village and school
    ///   against the same tables;
    /// - leaves the WAL to be copied into the database by the next ordinary commit (the
    ///   search indexer's, right after an import) instead of at its own.
    ///
    /// On PostgreSQL, the trigger that checks each file's village against the regions is
    /// skipped for the transaction, for the same reason (decision 222).
    pub fn write_bulk<T>(
        &self,
        cache_mib: u32,
        f: impl FnOnce(&mut Conn<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        self.write_with(Some(cache_mib), f)
    }

    /// Runs `f` in one transaction: all of it is committed, or none of it.
    /// SQLite takes the write lock at BEGIN (IMMEDIATE), so writers queue instead of failing
    /// on a lock upgrade.
    pub fn write<T>(&self, f: impl FnOnce(&mut Conn<'_, '_>) -> Result<T, StoreError>) -> Result<T, StoreError> {
        self.write_with(None, f)
    }

    /// [`Pool::write`], in [`Pool::write_bulk`]'s mode with `Some(cache_mib)`.
    fn write_with<T>(
        &self,
        bulk_cache_mib: Option<u32>,
        f: impl FnOnce(&mut Conn<'_, '_>) -> Result<T, StoreError>,
    ) -> Result<T, StoreError> {
        match self {
            Pool::Sqlite(p, writer) => {
                let _turn = writer.try_lock_for(WRITE_WAIT).ok_or(StoreError::Busy)?;
                let c = p.get()?;
                // Dropped after the transaction: the connection goes back to the pool as it
                // came, with its memory returned, whatever happened (an error, a panic).
                let _restore = match bulk_cache_mib {
                    Some(mib) => {
                        c.execute_batch(&format!(
                            "PRAGMA cache_size=-{}; PRAGMA foreign_keys=OFF; PRAGMA wal_autocheckpoint=0;",
                            u64::from(mib) * 1024
                        ))?;
                        Some(RestoreAfterBulk(&c))
                    }
                    None => None,
                };
                let tx = rusqlite::Transaction::new_unchecked(&c, rusqlite::TransactionBehavior::Immediate)?;
                let out = f(&mut Conn::Sqlite(&tx))?;
                tx.commit()?;
                Ok(out)
            }
            Pool::Postgres(p) => {
                let mut c = p.get()?;
                let (client, statements) = c.parts();
                let mut tx = client.transaction()?;
                if bulk_cache_mib.is_some() {
                    tx.execute("SELECT set_config('shouhu.villages_checked', 'on', true)", &[])?;
                }
                let out = f(&mut Conn::Pg(&mut tx, statements))?;
                tx.commit()?;
                Ok(out)
            }
        }
    }
}

/// Children's files are for their owner only: the database and its WAL and shared-memory
/// files are made readable and writable by the server's own account and nobody else,
/// including files an older shouhu created with the default 0644 (issue 21). SQLite gives a
/// new WAL the database file's permissions.
fn owner_only(db: &std::path::Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        for suffix in ["", "-wal", "-shm"] {
            let mut name = db.as_os_str().to_owned();
            name.push(suffix);
            let path = std::path::PathBuf::from(name);
            if path.exists() {
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|e| StoreError::Config(format!("cannot restrict {}: {e}", path.display())))?;
            }
        }
    }
    #[cfg(not(unix))]
    let _ = db;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn timestamps_and_dates_read_fast_as_chrono_reads_them() {
        use super::{fast_date, fast_ts, ts_text};
        let t = chrono::DateTime::parse_from_rfc3339("2026-12-06T18:00:01.000123Z").expect("ts").to_utc();
        assert_eq!(fast_ts(&ts_text(&t)), Some(t));
        assert_eq!(fast_ts("2026-12-06T18:00:01+08:00"), None, "left to chrono");
        assert_eq!(fast_ts("2026-13-06T18:00:01.000123Z"), None);
        assert_eq!(fast_date("2016-05-04"), chrono::NaiveDate::from_ymd_opt(2016, 5, 4));
        assert_eq!(fast_date("2016-5-04"), None);
    }

    use super::*;

    fn settings(pool: &Pool) -> (i64, i64, i64) {
        pool.read(|c| {
            let one = |c: &mut Conn<'_, '_>, pragma: &str| {
                c.query_opt(&format!("PRAGMA {pragma}"), &[], |r| r.i64(0)).map(|v| v.unwrap_or(-1))
            };
            Ok((one(c, "foreign_keys")?, one(c, "cache_size")?, one(c, "wal_autocheckpoint")?))
        })
        .expect("settings")
    }

    #[test]
    fn a_bulk_write_gives_its_connection_back_as_it_came_even_when_it_fails() {
        let dir = tempfile::tempdir().expect("dir");
        // One connection, so that the bulk write and the reads share it.
        let pool = Pool::open(&DbUrl::Sqlite(dir.path().join("t.db")), 1).expect("pool");
        let before = settings(&pool);
        assert_eq!(before, (1, -i64::from(CACHE_KIB), 1000));
        let during = pool
            .write_bulk(16, |c| {
                c.batch("CREATE TABLE t (x INTEGER)")?;
                c.query_opt("PRAGMA foreign_keys", &[], |r| r.i64(0))
            })
            .expect("written");
        assert_eq!(during, Some(0), "foreign keys are the import's own checks while it writes");
        assert_eq!(settings(&pool), before);
        let failed = pool.write_bulk(16, |c| {
            c.batch("INSERT INTO t VALUES (1)")?;
            Err::<(), _>(StoreError::Abandoned)
        });
        assert!(matches!(failed, Err(StoreError::Abandoned)));
        assert_eq!(settings(&pool), before);
        let rows = pool.read(|c| c.query_opt("SELECT count(*) FROM t", &[], |r| r.i64(0))).expect("count");
        assert_eq!(rows, Some(0), "the failed write was rolled back");
    }
}
