//! The data key's versions in the database, and the pass that seals every value with the
//! current key: values written before encryption (once, at start-up, decision 99) and values
//! under an older key (a rotation, `shouhu keys rotate`, decision 98).
//!
//! The pass walks each table in its key's order, a batch of rows per transaction, and
//! rewrites only values not sealed with the current key, each under a check that the row is
//! still as it was read. Stopped anywhere, it leaves every row readable (each value carries
//! its key version, and every version stays in the key file until it is retired), and run
//! again it finds what is left.

use crate::crypto::{self, Ring, Stored, field};
use crate::db::{Conn, Pool, Sql, Val};
use crate::error::StoreError;
use crate::{Store, file_data};
use chrono::{DateTime, Utc};
use std::sync::Arc;

/// A data key version as the database knows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KeyVersion {
    pub version: u16,
    /// Hex of the version's check value (`Ring::check`).
    pub check: String,
    /// Every value was sealed with this version or a newer one at this time.
    pub rotated_at: Option<DateTime<Utc>>,
    /// Removed from the key file: nothing is sealed with it any more.
    pub retired_at: Option<DateTime<Utc>>,
}

/// The versions registered in the database, oldest first.
pub fn registered(pool: &Pool) -> Result<Vec<KeyVersion>, StoreError> {
    pool.read(|c| {
        c.query("SELECT version, key_check, rotated_at, retired_at FROM data_keys ORDER BY version", &[], |r| {
            Ok(KeyVersion {
                version: u16::try_from(r.i64(0)?).map_err(|_| StoreError::Backend("data key version".into()))?,
                check: r.text(1)?,
                rotated_at: r.opt_ts(2)?,
                retired_at: r.opt_ts(3)?,
            })
        })
    })
}

/// What start-up says when the key given is not the database's: nothing is written then.
fn wrong_key(source: &str, why: String) -> StoreError {
    StoreError::Config(format!(
        "the data key ({source}) is not the one this database's ID and phone numbers were encrypted with: {why}. \
         Start shouhu with its key (--data-key-file or SHOUHU_DATA_KEY); nothing was written"
    ))
}

/// Checks the keys in `ring` against the database's versions and registers new ones. A
/// known version with another key, or a version still in use that the ring lacks, stops
/// start-up before anything is written with a wrong key.
pub fn check_and_register(pool: &Pool, ring: &Ring, source: &str, now: DateTime<Utc>) -> Result<(), StoreError> {
    let known = registered(pool)?;
    for k in &known {
        match ring.check(k.version) {
            Some(c) if hex::encode(c) != k.check => {
                return Err(wrong_key(
                    source,
                    format!(
                        "its version {} has fingerprint {}, the database's {}",
                        k.version,
                        crypto::fingerprint(&c),
                        &k.check[..k.check.len().min(12)]
                    ),
                ));
            }
            None if k.retired_at.is_none() => {
                return Err(wrong_key(
                    source,
                    format!(
                        "values are sealed with key version {} (fingerprint {}), which it does not hold",
                        k.version,
                        &k.check[..k.check.len().min(12)]
                    ),
                ));
            }
            _ => {}
        }
    }
    let in_use = known.iter().any(|k| k.retired_at.is_none());
    for v in ring.versions() {
        if known.iter().any(|k| k.version == v) {
            continue;
        }
        if !known.is_empty() && known.iter().all(|k| k.version > v) {
            return Err(wrong_key(source, format!("its version {v} is older than every version the database knows")));
        }
        // The first key seals everything from the start (or from the start-up pass); a
        // version added beside keys in use waits for the rotation's pass.
        let rotated = (!in_use && v == ring.current()).then_some(now);
        add_version(pool, ring, v, now, rotated)?;
    }
    Ok(())
}

fn add_version(
    pool: &Pool,
    ring: &Ring,
    v: u16,
    now: DateTime<Utc>,
    rotated: Option<DateTime<Utc>>,
) -> Result<(), StoreError> {
    let check = ring.check(v).map(hex::encode).unwrap_or_default();
    pool.write(|c| {
        c.exec(
            "INSERT INTO data_keys (version, key_check, added_at, rotated_at) VALUES ($1, $2, $3, $4) \
             ON CONFLICT (version) DO NOTHING",
            &[i64::from(v).into(), check.into(), now.into(), rotated.into()],
        )
        .map(|_| ())
    })
}

/// Registers a version a rotation has just added to the key file.
pub fn register_new(pool: &Pool, ring: &Ring, now: DateTime<Utc>) -> Result<(), StoreError> {
    add_version(pool, ring, ring.current(), now, None)
}

/// Notes that every value is sealed with `version` (a rotation's pass ended).
pub fn mark_rotated(pool: &Pool, version: u16, now: DateTime<Utc>) -> Result<(), StoreError> {
    pool.write(|c| {
        c.exec(
            "UPDATE data_keys SET rotated_at = $1 WHERE version = $2 AND rotated_at IS NULL",
            &[now.into(), i64::from(version).into()],
        )
        .map(|_| ())
    })
}

/// Notes that the versions below `current` are gone from the key file.
pub fn mark_retired(pool: &Pool, current: u16, now: DateTime<Utc>) -> Result<Vec<u16>, StoreError> {
    pool.write(|c| {
        let gone = c.query(
            "SELECT version FROM data_keys WHERE version < $1 AND retired_at IS NULL ORDER BY version",
            &[i64::from(current).into()],
            |r| Ok(u16::try_from(r.i64(0)?).unwrap_or(0)),
        )?;
        c.exec(
            "UPDATE data_keys SET retired_at = $1 WHERE version < $2 AND retired_at IS NULL",
            &[now.into(), i64::from(current).into()],
        )?;
        Ok(gone)
    })
}

/// What a pass did.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct Resealed {
    /// Rows rewritten.
    pub rows: usize,
    /// Values sealed anew (a child's file and its ID number count as two).
    pub values: usize,
    /// Transactions run.
    pub batches: usize,
    /// Every table was gone through to its end.
    pub finished: bool,
}

impl Resealed {
    fn add(&mut self, other: Resealed) {
        self.rows += other.rows;
        self.values += other.values;
        self.batches += other.batches;
    }
}

/// Rows per transaction of a pass, unless told otherwise.
pub const BATCH: usize = 500;

/// Whether `v` needs sealing anew with `ring`'s current key.
fn stale(ring: &Ring, v: &[u8]) -> bool {
    crypto::stored(v) != Stored::Sealed(ring.current())
}

/// The tables of each database that hold sealed values, in the pass's order.
const REGISTRY_TABLES: [&str; 4] = ["children", "child_history", "visits", "second_factors"];
const REPORT_TABLES: [&str; 2] = ["reports", "revocation_applications"];

impl Store {
    /// Seals every value not sealed with the current key, `batch` rows a transaction, for at
    /// most `max_batches` transactions (then `finished` is false and a new call goes on).
    /// `progress` hears each table's rows gone through.
    pub fn reseal(
        &self,
        batch: usize,
        max_batches: Option<usize>,
        progress: impl FnMut(&str, usize),
    ) -> Result<Resealed, StoreError> {
        self.reseal_tables(|_| true, batch, max_batches, progress)
    }

    /// [`Store::reseal`] of the tables `which` takes.
    fn reseal_tables(
        &self,
        which: impl Fn(&str) -> bool,
        batch: usize,
        max_batches: Option<usize>,
        mut progress: impl FnMut(&str, usize),
    ) -> Result<Resealed, StoreError> {
        let ring = self.cipher.ring();
        let batch = batch.max(1);
        let mut total = Resealed::default();
        for table in REGISTRY_TABLES.into_iter().chain(REPORT_TABLES).filter(|t| which(t)) {
            let left = max_batches.map(|m| m.saturating_sub(total.batches));
            if left == Some(0) {
                return Ok(total);
            }
            let (done, finished) = self.reseal_table(&ring, table, batch, left, &mut progress)?;
            total.add(done);
            if !finished {
                return Ok(total);
            }
        }
        total.finished = true;
        Ok(total)
    }

    fn reseal_table(
        &self,
        ring: &Arc<Ring>,
        table: &str,
        batch: usize,
        max_batches: Option<usize>,
        progress: &mut impl FnMut(&str, usize),
    ) -> Result<(Resealed, bool), StoreError> {
        let mut done = Resealed::default();
        let mut after: Option<Cursor> = None;
        let mut seen = 0;
        loop {
            if max_batches.is_some_and(|m| done.batches >= m) {
                return Ok((done, false));
            }
            let pool = if REPORT_TABLES.contains(&table) { &self.reports } else { &self.pool };
            let step = pool.write(|c| match table {
                "children" => self.reseal_children(c, ring, after.as_ref(), batch),
                "child_history" => reseal_history(c, ring, after.as_ref(), batch),
                "visits" => reseal_visits(c, ring, after.as_ref(), batch),
                "second_factors" => reseal_column(c, ring, &TOTP_SECRETS, after.as_ref(), batch),
                "reports" => reseal_reports(c, ring, after.as_ref(), batch),
                _ => reseal_column(c, ring, &NEW_GUARDIANS, after.as_ref(), batch),
            })?;
            done.batches += 1;
            done.rows += step.rows;
            done.values += step.values;
            seen += step.seen;
            progress(table, seen);
            match step.last {
                Some(last) if step.seen == batch => after = Some(last),
                _ => return Ok((done, true)),
            }
        }
    }

    /// Seals, at start-up, what was written before encryption: once, for the tables the
    /// migrations listed (decision 99), and only those (a table listed later, as the TOTP
    /// secrets were by decision 213, does not walk every child's file again). On SQLite the
    /// databases are then rewritten (`VACUUM`) so that no old page keeps a plain value.
    pub(crate) fn seal_backlog(&self) -> Result<(), StoreError> {
        let pending = |pool: &Pool, table: &str| {
            pool.read(|c| c.query(&format!("SELECT table_name FROM {table}"), &[], |r| r.text(0)))
        };
        let registry = pending(&self.pool, "sealing_backlog")?;
        let reports = pending(&self.reports, "report_sealing_backlog")?;
        if registry.is_empty() && reports.is_empty() {
            return Ok(());
        }
        let started = std::time::Instant::now();
        let listed = |t: &str| registry.iter().chain(&reports).any(|l| l == t);
        let done = self.reseal_tables(listed, BATCH, None, |table, n| {
            if n > 0 && n % 100_000 < BATCH {
                tracing::info!(table, rows = n, "sealing values written before encryption");
            }
        })?;
        self.pool.write(|c| c.exec("DELETE FROM sealing_backlog", &[]).map(|_| ()))?;
        self.reports.write(|c| c.exec("DELETE FROM report_sealing_backlog", &[]).map(|_| ()))?;
        if done.values > 0 {
            tracing::warn!(
                rows = done.rows,
                values = done.values,
                secs = started.elapsed().as_secs_f64(),
                "sealed the values written before encryption"
            );
            for pool in [&self.pool, &self.reports] {
                if pool.is_sqlite() {
                    // Old pages and the log still hold the plain values: rewrite the file.
                    pool.read(|c| c.batch("VACUUM; PRAGMA wal_checkpoint(TRUNCATE);"))?;
                }
            }
        }
        Ok(())
    }

    fn reseal_children(
        &self,
        c: &mut Conn<'_, '_>,
        ring: &Ring,
        after: Option<&Cursor>,
        batch: usize,
    ) -> Result<Step, StoreError> {
        let mut sql = Sql::new(
            "SELECT id, version, data, id_number, closed, name, district_code, village_code, school_org_id \
             FROM children WHERE id > ",
        );
        sql.bind(after.map_or(i64::MIN, |a| a.id));
        sql.push(" ORDER BY id LIMIT ").bind(batch as i64);
        let rows = c.query(&sql.text, &sql.params, |r| {
            Ok(ChildRow {
                id: r.i64(0)?,
                version: r.i64(1)?,
                data: r.text_or_bytes(2)?,
                id_number: r.opt_text(3)?,
                closed: r.bool(4)?,
                name: r.text(5)?,
                district: r.text(6)?,
                village: r.text(7)?,
                school: r.opt_i64(8)?,
            })
        })?;
        let mut step = Step { seen: rows.len(), last: rows.last().map(|r| Cursor::id(r.id)), ..Step::default() };
        let bytes_column = c.is_sqlite();
        for row in rows {
            let id_stale = row.id_number.as_deref().is_some_and(|n| stale(ring, n.as_bytes()));
            if !stale(ring, &row.data) && !id_stale {
                continue;
            }
            let plain = ring.open_vec(field::CHILD_FILE, row.data).map_err(|e| open_failed("children.data", e))?;
            let file = file_data::decode(&plain)?;
            let data = crate::children::seal_file_data(ring, &file, bytes_column);
            let idn = row
                .id_number
                .map(|n| ring.open_text(field::CHILD_ID_NUMBER, n))
                .transpose()
                .map_err(|e| open_failed("children.id_number", e))?;
            let sealed_id = idn.as_deref().map(|n| ring.seal_text(field::CHILD_ID_NUMBER, n));
            let blind = idn.as_deref().map(|n| Val::Bytes(ring.blind(n))).unwrap_or(Val::Null);
            let changed = c.exec(
                "UPDATE children SET data = $1, id_number = $2, id_blind = $3 WHERE id = $4 AND version = $5",
                &[data, sealed_id.into(), blind, row.id.into(), row.version.into()],
            )?;
            if changed == 0 {
                // Written meanwhile, with the keys in force then: the next pass looks again.
                continue;
            }
            step.rows += 1;
            step.values += 1 + usize::from(idn.is_some());
            // The last digits' term is keyed too: the term under any version in force goes, and
            // the number reversed (the term before encryption), the newest's comes.
            if let Some(n) = idn.as_deref() {
                let owner = crate::children::TermOwner {
                    id: row.id,
                    closed: row.closed,
                    name: &row.name,
                    district: &row.district,
                    village: &row.village,
                    school: row.school,
                };
                let mut old_terms = ring.suffix_terms(n);
                old_terms.push(format!("r:{}", n.chars().rev().collect::<String>()));
                let old = crate::children::Terms { owner, terms: old_terms };
                let new = crate::children::Terms { owner, terms: ring.suffix_term(n).into_iter().collect() };
                crate::children::replace_terms(c, row.id, Some(&old), Some(&new))?;
            }
        }
        Ok(step)
    }
}

/// Where a table's walk has got to: the key of the last row gone through.
#[derive(Debug, Clone, Default)]
struct Cursor {
    id: i64,
    district: String,
    version: i64,
    seq: i64,
}

impl Cursor {
    fn id(id: i64) -> Cursor {
        Cursor { id, ..Cursor::default() }
    }
}

/// One transaction's work.
#[derive(Debug, Default)]
struct Step {
    /// Rows read.
    seen: usize,
    rows: usize,
    values: usize,
    last: Option<Cursor>,
}

struct ChildRow {
    id: i64,
    version: i64,
    data: Vec<u8>,
    id_number: Option<String>,
    closed: bool,
    name: String,
    district: String,
    village: String,
    school: Option<i64>,
}

fn open_failed(what: &str, e: crypto::OpenError) -> StoreError {
    StoreError::Backend(format!("a value of {what} does not open ({e:?}); nothing more was sealed"))
}

/// `column` equals `$n` also when both are NULL.
fn same(c: &Conn<'_, '_>, column: &str) -> String {
    if c.is_sqlite() { format!("{column} IS ") } else { format!("{column} IS NOT DISTINCT FROM ") }
}

/// Seals a text value anew when it is not under the current key.
fn reseal_text(ring: &Ring, field: &str, v: &Option<String>) -> Result<Option<Option<String>>, StoreError> {
    match v {
        Some(t) if stale(ring, t.as_bytes()) => {
            let plain = ring.open_text(field, t.clone()).map_err(|e| open_failed(field, e))?;
            Ok(Some(Some(ring.seal_text(field, &plain))))
        }
        _ => Ok(None),
    }
}

fn reseal_history(c: &mut Conn<'_, '_>, ring: &Ring, after: Option<&Cursor>, batch: usize) -> Result<Step, StoreError> {
    let mut sql = Sql::new(
        "SELECT district_code, child_id, version, seq, field, old_value, new_value FROM child_history \
         WHERE (field LIKE '%id_number' OR field LIKE '%phone')",
    );
    if let Some(a) = after {
        sql.push(" AND (district_code, child_id, version, seq) > (").bind(a.district.as_str());
        sql.push(", ").bind(a.id).push(", ").bind(a.version).push(", ").bind(a.seq).push(")");
    }
    sql.push(" ORDER BY district_code, child_id, version, seq LIMIT ").bind(batch as i64);
    type HistoryRow = (String, i64, i64, i64, String, Option<String>, Option<String>);
    let rows: Vec<HistoryRow> = c.query(&sql.text, &sql.params, |r| {
        Ok((r.text(0)?, r.i64(1)?, r.i64(2)?, r.i64(3)?, r.text(4)?, r.opt_text(5)?, r.opt_text(6)?))
    })?;
    let mut step = Step {
        seen: rows.len(),
        last: rows.last().map(|(d, id, v, s, ..)| Cursor { id: *id, district: d.clone(), version: *v, seq: *s }),
        ..Step::default()
    };
    for (district, child, version, seq, path, old, new) in rows {
        if !field::sealed_in_history(&path) {
            continue;
        }
        let o = reseal_text(ring, &field::history(&path, false), &old)?;
        let n = reseal_text(ring, &field::history(&path, true), &new)?;
        if o.is_none() && n.is_none() {
            continue;
        }
        let sql = format!(
            "UPDATE child_history SET old_value = $1, new_value = $2 WHERE district_code = $3 AND child_id = $4 \
             AND version = $5 AND seq = $6 AND {}$7 AND {}$8",
            same(c, "old_value"),
            same(c, "new_value")
        );
        let values = usize::from(o.is_some()) + usize::from(n.is_some());
        let changed = c.exec(
            &sql,
            &[
                o.unwrap_or_else(|| old.clone()).into(),
                n.unwrap_or_else(|| new.clone()).into(),
                district.into(),
                child.into(),
                version.into(),
                seq.into(),
                old.into(),
                new.into(),
            ],
        )?;
        if changed > 0 {
            step.rows += 1;
            step.values += values;
        }
    }
    Ok(step)
}

/// A visit's sealed free text and send-back reason (visits.rs), every version.
fn reseal_visits(c: &mut Conn<'_, '_>, ring: &Ring, after: Option<&Cursor>, batch: usize) -> Result<Step, StoreError> {
    use crate::visits::{DETAIL_FIELD, REVIEW_REASON_FIELD};
    let mut sql = Sql::new("SELECT id, version, detail, review_reason FROM visits");
    if let Some(a) = after {
        sql.push(" WHERE (id, version) > (").bind(a.id).push(", ").bind(a.version).push(")");
    }
    sql.push(" ORDER BY id, version LIMIT ").bind(batch as i64);
    let rows = c.query(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.i64(1)?, r.opt_text(2)?, r.opt_text(3)?)))?;
    let mut step = Step {
        seen: rows.len(),
        last: rows.last().map(|r| Cursor { id: r.0, version: r.1, ..Cursor::default() }),
        ..Step::default()
    };
    for (id, version, detail, reason) in rows {
        let d = reseal_text(ring, DETAIL_FIELD, &detail)?;
        let r = reseal_text(ring, REVIEW_REASON_FIELD, &reason)?;
        if d.is_none() && r.is_none() {
            continue;
        }
        let values = usize::from(d.is_some()) + usize::from(r.is_some());
        let sql = format!(
            "UPDATE visits SET detail = $1, review_reason = $2 WHERE id = $3 AND version = $4 AND {}$5 AND {}$6",
            same(c, "detail"),
            same(c, "review_reason")
        );
        let changed = c.exec(
            &sql,
            &[
                d.unwrap_or_else(|| detail.clone()).into(),
                r.unwrap_or_else(|| reason.clone()).into(),
                id.into(),
                version.into(),
                detail.into(),
                reason.into(),
            ],
        )?;
        if changed > 0 {
            step.rows += 1;
            step.values += values;
        }
    }
    Ok(step)
}

fn reseal_reports(c: &mut Conn<'_, '_>, ring: &Ring, after: Option<&Cursor>, batch: usize) -> Result<Step, StoreError> {
    let rows = c.query(
        "SELECT id, contact_name, contact_phone FROM reports \
         WHERE id > $1 AND (contact_name IS NOT NULL OR contact_phone IS NOT NULL) ORDER BY id LIMIT $2",
        &[after.map_or(i64::MIN, |a| a.id).into(), (batch as i64).into()],
        |r| Ok((r.i64(0)?, r.opt_text(1)?, r.opt_text(2)?)),
    )?;
    let mut step = Step { seen: rows.len(), last: rows.last().map(|r| Cursor::id(r.0)), ..Step::default() };
    for (id, name, phone) in rows {
        let n = reseal_text(ring, field::REPORT_CONTACT_NAME, &name)?;
        let p = reseal_text(ring, field::REPORT_CONTACT_PHONE, &phone)?;
        if n.is_none() && p.is_none() {
            continue;
        }
        let values = usize::from(n.is_some()) + usize::from(p.is_some());
        let sql = format!(
            "UPDATE reports SET contact_name = $1, contact_phone = $2 WHERE id = $3 AND {}$4 AND {}$5",
            same(c, "contact_name"),
            same(c, "contact_phone")
        );
        let changed = c.exec(
            &sql,
            &[
                n.unwrap_or_else(|| name.clone()).into(),
                p.unwrap_or_else(|| phone.clone()).into(),
                id.into(),
                name.into(),
                phone.into(),
            ],
        )?;
        if changed > 0 {
            step.rows += 1;
            step.values += values;
        }
    }
    Ok(step)
}

/// A table whose one sealed text column is resealed a row at a time by its integer key.
struct SealedColumn {
    table: &'static str,
    key: &'static str,
    column: &'static str,
    field: &'static str,
}

/// The court's new guardian of a revocation application.
const NEW_GUARDIANS: SealedColumn =
    SealedColumn { table: "revocation_applications", key: "id", column: "new_guardian", field: field::NEW_GUARDIAN };

/// The TOTP secrets (decision 213).
const TOTP_SECRETS: SealedColumn =
    SealedColumn { table: "second_factors", key: "user_id", column: "secret", field: field::TOTP_SECRET };

fn reseal_column(
    c: &mut Conn<'_, '_>,
    ring: &Ring,
    t: &SealedColumn,
    after: Option<&Cursor>,
    batch: usize,
) -> Result<Step, StoreError> {
    let SealedColumn { table, key, column, field } = t;
    let rows = c.query(
        &format!(
            "SELECT {key}, {column} FROM {table} WHERE {key} > $1 AND {column} IS NOT NULL ORDER BY {key} LIMIT $2"
        ),
        &[after.map_or(i64::MIN, |a| a.id).into(), (batch as i64).into()],
        |r| Ok((r.i64(0)?, r.opt_text(1)?)),
    )?;
    let mut step = Step { seen: rows.len(), last: rows.last().map(|r| Cursor::id(r.0)), ..Step::default() };
    for (id, value) in rows {
        let Some(sealed) = reseal_text(ring, field, &value)? else { continue };
        let changed = c.exec(
            &format!("UPDATE {table} SET {column} = $1 WHERE {key} = $2 AND {column} = $3"),
            &[sealed.into(), id.into(), value.into()],
        )?;
        if changed > 0 {
            step.rows += 1;
            step.values += 1;
        }
    }
    Ok(step)
}
