//! The audit log as a hash chain (issue 21, decision 89): every entry carries `seq`, its
//! gap-free place in the chain, and `mac` = HMAC-SHA256(key, previous entry's mac || the
//! entry's canonical encoding). The key is never in the database, so whoever can write to the
//! database but has not the key can change, remove or insert an entry, but cannot make the
//! chain follow again: [`verify`] names the first entry that does not follow.
//!
//! The head of the chain (the last seq and mac) is one row, `audit_chain`, that every writer
//! of an entry reads and updates in its own transaction: locked `FOR UPDATE` on PostgreSQL
//! (several servers may write to one database), under the one write lock on SQLite. So two
//! writers can never take the same place in the chain, and a rolled-back entry leaves no gap.
//!
//! Entries written before the chain existed are chained once, by the first start that has a
//! key ([`begin`]); after that an entry without a place in the chain is an insertion.
//! What is not caught: removing the last entries together with setting the head back to an
//! earlier entry (the head carries no history of its own); `verify` prints the head so that
//! it can be kept elsewhere and compared.

use crate::db::{Conn, Pool, Row, Val};
use crate::error::StoreError;
use chrono::{DateTime, SubsecRound, Utc};
use hmac::{Hmac, Mac};
use sha2::Sha256;

type HmacSha256 = Hmac<Sha256>;

/// The key's length in bytes.
pub const KEY_BYTES: usize = 32;

/// What the key-check value is the MAC of.
const KEY_CHECK_TEXT: &[u8] = b"shouhu audit key check v1";

/// The previous mac of a chain's first entry.
const GENESIS: [u8; 32] = [0; 32];

/// Rows read or chained per query.
const BATCH: i64 = 10_000;

/// The secret the chain is keyed with: 32 random bytes from the key file or the environment.
#[derive(Clone)]
pub struct AuditKey {
    keyed: HmacSha256,
}

impl std::fmt::Debug for AuditKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("AuditKey(…)")
    }
}

impl AuditKey {
    pub fn new(bytes: &[u8; KEY_BYTES]) -> AuditKey {
        AuditKey { keyed: <HmacSha256 as Mac>::new_from_slice(bytes).unwrap_or_else(|_| unreachable!("any length")) }
    }

    /// 32 bytes from the operating system's generator (through `rand`'s thread generator).
    pub fn random_bytes() -> [u8; KEY_BYTES] {
        use rand::RngCore;
        let mut b = [0u8; KEY_BYTES];
        rand::rng().fill_bytes(&mut b);
        b
    }

    /// A key nobody keeps (tests, benchmarks on a throw-away database).
    pub fn random() -> AuditKey {
        AuditKey::new(&AuditKey::random_bytes())
    }

    /// 64 hexadecimal digits (surrounding white space ignored).
    pub fn from_hex(text: &str) -> Result<AuditKey, String> {
        let bytes = hex::decode(text.trim()).map_err(|_| "not hexadecimal".to_string())?;
        let bytes: [u8; KEY_BYTES] =
            bytes.try_into().map_err(|_| format!("{KEY_BYTES} bytes (64 hexadecimal digits) expected"))?;
        Ok(AuditKey::new(&bytes))
    }

    /// The MAC of a fixed text: stored with the chain, so that a wrong key is told apart from
    /// a changed log. It reveals nothing of the key.
    pub fn check(&self) -> String {
        let mut m = self.keyed.clone();
        m.update(KEY_CHECK_TEXT);
        hex::encode(m.finalize().into_bytes())
    }

    /// A key for another purpose, derived from this one (the MAC of a label): every server of
    /// one database holds the audit key, so each derives the same one (the public report
    /// question's, decision 198), and it reveals nothing of the audit key.
    pub fn derive(&self, label: &str) -> [u8; 32] {
        let mut m = self.keyed.clone();
        m.update(b"shouhu-derive\0");
        m.update(label.as_bytes());
        let mut out = [0u8; 32];
        out.copy_from_slice(&m.finalize().into_bytes()[..32]);
        out
    }

    /// The mac of `e` following `prev` (empty: the first entry of a chain).
    pub fn mac(&self, prev: &[u8], e: &Entry<'_>) -> Vec<u8> {
        let mut m = self.keyed.clone();
        m.update(if prev.is_empty() { &GENESIS } else { prev });
        encode(&mut m, e);
        m.finalize().into_bytes().to_vec()
    }

    fn follows(&self, prev: &[u8], e: &Entry<'_>, mac: &[u8]) -> bool {
        let mut m = self.keyed.clone();
        m.update(if prev.is_empty() { &GENESIS } else { prev });
        encode(&mut m, e);
        m.verify_slice(mac).is_ok()
    }
}

/// An entry's fields, as the mac covers them (every column but `id` and `mac`; an entry's
/// place is its `seq`).
#[derive(Debug, Clone, Copy)]
pub struct Entry<'a> {
    pub seq: i64,
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub user_name: &'a str,
    pub action: &'a str,
    pub child_id: Option<i64>,
    pub district_code: Option<&'a str>,
    pub detail: &'a str,
}

/// The canonical encoding: a version byte, then each field in order, numbers as 8 bytes
/// big-endian, the time as microseconds since 1970 (what both databases keep), texts as their
/// UTF-8 length (8 bytes) and bytes, a missing value as a 0 byte and a present one after a 1.
fn encode(m: &mut HmacSha256, e: &Entry<'_>) {
    fn text(m: &mut HmacSha256, s: &str) {
        m.update(&(s.len() as u64).to_be_bytes());
        m.update(s.as_bytes());
    }
    m.update(&[1]);
    m.update(&e.seq.to_be_bytes());
    m.update(&e.at.timestamp_micros().to_be_bytes());
    match e.user_id {
        Some(v) => m.update(&[&[1u8][..], &v.to_be_bytes()].concat()),
        None => m.update(&[0]),
    }
    text(m, e.user_name);
    text(m, e.action);
    match e.child_id {
        Some(v) => m.update(&[&[1u8][..], &v.to_be_bytes()].concat()),
        None => m.update(&[0]),
    }
    match e.district_code {
        Some(d) => {
            m.update(&[1]);
            text(m, d);
        }
        None => m.update(&[0]),
    }
    text(m, e.detail);
}

/// An entry's time as stored: to the microsecond, which both databases keep.
pub fn stored_time(at: DateTime<Utc>) -> DateTime<Utc> {
    at.trunc_subsecs(6)
}

/// The chain's head row.
#[derive(Debug, Clone)]
pub struct Head {
    pub seq: i64,
    pub mac: Vec<u8>,
    pub key_check: Option<String>,
    pub began_at: Option<DateTime<Utc>>,
    pub chained_at_start: i64,
    pub key_since_seq: i64,
    pub key_since: Option<DateTime<Utc>>,
}

/// Reads the head; `lock` takes it for the rest of the transaction on PostgreSQL (SQLite's
/// writer already holds the database).
pub fn head(c: &mut Conn<'_, '_>, lock: bool) -> Result<Head, StoreError> {
    let sql = if lock && !c.is_sqlite() { HEAD_FOR_UPDATE } else { HEAD };
    c.query_opt(sql, &[], |r| {
        Ok(Head {
            seq: r.i64(0)?,
            mac: r.bytes(1)?,
            key_check: r.opt_text(2)?,
            began_at: r.opt_ts(3)?,
            chained_at_start: r.i64(4)?,
            key_since_seq: r.i64(5)?,
            key_since: r.opt_ts(6)?,
        })
    })?
    .ok_or_else(|| StoreError::Backend("audit_chain has no head row".into()))
}

const HEAD: &str = "SELECT seq, mac, key_check, began_at, chained_at_start, key_since_seq, key_since \
                    FROM audit_chain WHERE id = 1";
const HEAD_FOR_UPDATE: &str = "SELECT seq, mac, key_check, began_at, chained_at_start, key_since_seq, key_since \
                               FROM audit_chain WHERE id = 1 FOR UPDATE";

/// An entry waiting for its place in the chain: [`Entry`] with owned fields.
#[derive(Debug, Clone)]
pub struct Pending {
    pub at: DateTime<Utc>,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub action: String,
    pub child_id: Option<i64>,
    pub district_code: Option<String>,
    pub detail: String,
}

impl From<Entry<'_>> for Pending {
    fn from(e: Entry<'_>) -> Pending {
        Pending {
            at: e.at,
            user_id: e.user_id,
            user_name: e.user_name.to_string(),
            action: e.action.to_string(),
            child_id: e.child_id,
            district_code: e.district_code.map(str::to_string),
            detail: e.detail.to_string(),
        }
    }
}

impl Pending {
    fn entry(&self, seq: i64) -> Entry<'_> {
        Entry {
            seq,
            at: self.at,
            user_id: self.user_id,
            user_name: &self.user_name,
            action: &self.action,
            child_id: self.child_id,
            district_code: self.district_code.as_deref(),
            detail: &self.detail,
        }
    }
}

/// Entries one `INSERT` writes at most: a statement per batch size up to it is prepared, so
/// a writer's connection keeps a bounded set.
const ROWS_PER_INSERT: usize = 32;

/// Appends entries (their `seq` is the chain's to give) inside the caller's transaction: the
/// head is read (and on PostgreSQL locked) once, the entries are written with one `INSERT`
/// per [`ROWS_PER_INSERT`], and the head moves once, with the last of them on PostgreSQL. The
/// audit writer's batches (issue 23): one statement per entry, each in a savepoint, was three
/// round trips an entry, and the head stayed locked meanwhile against the other servers'
/// writers.
pub fn append_all(c: &mut Conn<'_, '_>, key: &AuditKey, entries: &[Pending]) -> Result<(), StoreError> {
    if entries.is_empty() {
        return Ok(());
    }
    let sqlite = c.is_sqlite();
    let (mut seq, mut prev) = read_last(c)?;
    let chunks = entries.chunks(ROWS_PER_INSERT).count();
    for (i, chunk) in entries.chunks(ROWS_PER_INSERT).enumerate() {
        let mut values = Vec::with_capacity(chunk.len() * 9);
        for p in chunk {
            seq += 1;
            let e = p.entry(seq);
            prev = key.mac(&prev, &e);
            values.extend(params(&e, prev.clone()));
        }
        let advance = i + 1 == chunks && !sqlite;
        c.exec(insert_rows(chunk.len(), advance), &values)?;
    }
    if sqlite {
        c.exec("UPDATE audit_chain SET seq = $1, mac = $2 WHERE id = 1", &[Val::I64(seq), Val::Bytes(prev)])?;
    }
    Ok(())
}

/// `INSERT` of `rows` entries (1 to [`ROWS_PER_INSERT`]); with `advance`, a statement that also
/// moves the head to the last. Made once for each size.
fn insert_rows(rows: usize, advance: bool) -> &'static str {
    static TEXTS: std::sync::OnceLock<Vec<[String; 2]>> = std::sync::OnceLock::new();
    let texts = TEXTS.get_or_init(|| {
        (1..=ROWS_PER_INSERT)
            .map(|rows| {
                let values: Vec<String> = (0..rows)
                    .map(|r| format!("({})", (1..=9).map(|k| format!("${}", r * 9 + k)).collect::<Vec<_>>().join(", ")))
                    .collect();
                let insert = format!(
                    "INSERT INTO audit_log (seq, mac, at, user_id, user_name, action, child_id, district_code, detail) \
                     VALUES {}",
                    values.join(", ")
                );
                let last = (rows - 1) * 9;
                let advance = format!(
                    "WITH e AS ({insert}) UPDATE audit_chain SET seq = ${}, mac = ${} WHERE id = 1",
                    last + 1,
                    last + 2
                );
                [insert, advance]
            })
            .collect()
    });
    &texts[rows - 1][usize::from(advance)]
}

/// Reads the head's last seq and mac, locking it on PostgreSQL (SQLite's writer holds the
/// whole database).
fn read_last(c: &mut Conn<'_, '_>) -> Result<(i64, Vec<u8>), StoreError> {
    let sql = if c.is_sqlite() { "SELECT seq, mac FROM audit_chain WHERE id = 1" } else { LAST_FOR_UPDATE };
    c.query_opt(sql, &[], |r| Ok((r.i64(0)?, r.bytes(1)?)))?
        .ok_or_else(|| StoreError::Backend("audit_chain has no head row".into()))
}

fn params(e: &Entry<'_>, mac: Vec<u8>) -> [Val; 9] {
    [
        Val::I64(e.seq),
        Val::Bytes(mac),
        e.at.into(),
        e.user_id.into(),
        e.user_name.into(),
        e.action.into(),
        e.child_id.into(),
        e.district_code.into(),
        e.detail.into(),
    ]
}

const LAST_FOR_UPDATE: &str = "SELECT seq, mac FROM audit_chain WHERE id = 1 FOR UPDATE";
/// What start-up says when the key is not the chain's.
pub const WRONG_KEY: &str = "the audit key (audit.key or SHOUHU_AUDIT_KEY) is not the key the audit log was chained \
     with: restore the original key. If it is lost, `shouhu audit new-chain` begins a new chain with this key; \
     the entries before it can then no longer be verified";

/// At start-up: checks that `key` is the chain's key, and the first time (the chain not yet
/// begun) chains every entry written before, in the order of their ids, in one transaction.
/// Returns how many entries it chained.
pub fn begin(pool: &Pool, key: &AuditKey, now: DateTime<Utc>) -> Result<i64, StoreError> {
    pool.write(|c| {
        let h = head(c, true)?;
        match &h.key_check {
            Some(k) if *k == key.check() => return Ok(0),
            Some(_) => return Err(StoreError::Config(WRONG_KEY.into())),
            None => {}
        }
        let (mut seq, mut prev, mut after) = (h.seq, h.mac.clone(), i64::MIN);
        loop {
            let rows = c.query(
                &format!("SELECT {COLUMNS} FROM audit_log WHERE seq IS NULL AND id > $1 ORDER BY id LIMIT {BATCH}"),
                &[Val::I64(after)],
                stored_row,
            )?;
            let Some(last) = rows.last() else { break };
            after = last.id;
            if let Some(r) = rows.iter().find(|r| r.garbled) {
                return Err(StoreError::Backend(format!("audit entry {} cannot be read", r.id)));
            }
            let mut chained = Vec::with_capacity(rows.len());
            for r in &rows {
                seq += 1;
                let mac = key.mac(&prev, &Entry { seq, ..r.entry() });
                chained.push((r.id, seq, mac.clone()));
                prev = mac;
            }
            set_places(c, &chained)?;
        }
        c.exec(
            "UPDATE audit_chain SET seq = $1, mac = $2, key_check = $3, began_at = $4, chained_at_start = $5, \
             key_since = $4 WHERE id = 1",
            &[Val::I64(seq), Val::Bytes(prev), key.check().into(), now.into(), Val::I64(seq - h.seq)],
        )?;
        if seq > h.seq {
            tracing::info!(entries = seq - h.seq, "chained the audit entries written before the chain began");
        }
        Ok(seq - h.seq)
    })
}

/// Writes (id, seq, mac) to entries: one statement each on SQLite (in-process), a thousand
/// at a time on PostgreSQL (one round trip).
fn set_places(c: &mut Conn<'_, '_>, rows: &[(i64, i64, Vec<u8>)]) -> Result<(), StoreError> {
    if c.is_sqlite() {
        for (id, seq, mac) in rows {
            c.exec(
                "UPDATE audit_log SET seq = $1, mac = $2 WHERE id = $3",
                &[Val::I64(*seq), Val::Bytes(mac.clone()), Val::I64(*id)],
            )?;
        }
        return Ok(());
    }
    for part in rows.chunks(1000) {
        let mut sql = crate::db::Sql::new("UPDATE audit_log AS a SET seq = v.seq, mac = v.mac FROM (VALUES ");
        for (i, (id, seq, mac)) in part.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(*id).push("::bigint, ").bind(*seq).push("::bigint, ").bind(Val::Bytes(mac.clone()));
            sql.push("::bytea)");
        }
        sql.push(") AS v(id, seq, mac) WHERE a.id = v.id");
        c.exec(&sql.text, &sql.params)?;
    }
    Ok(())
}

/// The columns an entry is read with, in [`stored_row`]'s order.
const COLUMNS: &str = "id, seq, mac, at, user_id, user_name, action, child_id, district_code, detail";

/// An entry as stored. A field that cannot be read as its type (a time that is no time,
/// written into SQLite's text column by hand) makes the entry `garbled`: changed.
#[derive(Debug, Clone)]
pub struct Stored {
    pub id: i64,
    pub seq: Option<i64>,
    pub mac: Option<Vec<u8>>,
    pub at: Option<DateTime<Utc>>,
    pub user_id: Option<i64>,
    pub user_name: String,
    pub action: String,
    pub child_id: Option<i64>,
    pub district_code: Option<String>,
    pub detail: String,
    pub garbled: bool,
}

impl Stored {
    fn entry(&self) -> Entry<'_> {
        Entry {
            seq: self.seq.unwrap_or(0),
            at: self.at.unwrap_or_default(),
            user_id: self.user_id,
            user_name: &self.user_name,
            action: &self.action,
            child_id: self.child_id,
            district_code: self.district_code.as_deref(),
            detail: &self.detail,
        }
    }

    fn place(&self) -> Place {
        Place { seq: self.seq, id: self.id, at: self.at }
    }
}

fn stored_row(r: &dyn Row) -> Result<Stored, StoreError> {
    fn ok<T>(garbled: &mut bool, v: Result<T, StoreError>) -> Option<T> {
        *garbled |= v.is_err();
        v.ok()
    }
    let g = &mut false;
    let seq = ok(g, r.opt_i64(1)).flatten();
    let mac = ok(g, r.opt_bytes(2)).flatten();
    let at = ok(g, r.ts(3));
    let user_id = ok(g, r.opt_i64(4)).flatten();
    let user_name = ok(g, r.text(5)).unwrap_or_default();
    let action = ok(g, r.text(6)).unwrap_or_default();
    let child_id = ok(g, r.opt_i64(7)).flatten();
    let district_code = ok(g, r.opt_text(8)).flatten();
    let detail = ok(g, r.text(9)).unwrap_or_default();
    let garbled = *g;
    Ok(Stored { id: r.i64(0)?, seq, mac, at, user_id, user_name, action, child_id, district_code, detail, garbled })
}

/// Where an entry is: its place in the chain (none for an entry outside it), id and time
/// (none when it is not a time).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Place {
    pub seq: Option<i64>,
    pub id: i64,
    pub at: Option<DateTime<Utc>>,
}

/// What `verify` found.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Every entry follows. `entries` were checked, seq 1 to `entries`; the first `chained_at_start` of them were
    /// written before the chain began (on `began_at`) and chained then; those before seq
    /// `key_since_seq` were chained with an earlier key (replaced on `key_since`), so only
    /// their order was checked.
    Intact {
        entries: i64,
        /// The last entry's mac (its seq is `entries`), to be noted elsewhere.
        last_mac: String,
        chained_at_start: i64,
        began_at: Option<DateTime<Utc>>,
        key_since_seq: i64,
        key_since: Option<DateTime<Utc>>,
    },
    /// The entry's content (or its mac) is not what was chained there: changed, or put in
    /// the place of a removed one.
    Changed(Place),
    /// The entry at `seq` is missing; `before` and `after` are its neighbours still there.
    Removed { seq: i64, before: Option<Place>, after: Option<Place> },
    /// The last entries, from `first` to `last`, are missing.
    RemovedAtEnd { first: i64, last: i64, before: Option<Place> },
    /// An entry outside the chain (no place, or a place the chain never reached).
    Inserted(Place),
    /// The head names another last entry than `Place`, the last one there: entries after it
    /// were removed and the head's seq set back.
    HeadMismatch(Place),
    /// The key is not the one the chain was made with.
    WrongKey,
    /// No chain yet: shouhu has not started on this database since the chain came.
    NotBegun,
}

/// Walks the chain from its first entry, `BATCH` entries at a time, and says whether every
/// entry follows; else the first that does not. Entries appended while it runs are checked
/// as they come.
pub fn verify(pool: &Pool, key: &AuditKey) -> Result<Verdict, StoreError> {
    let h = pool.read(|c| head(c, false))?;
    match &h.key_check {
        None => return Ok(Verdict::NotBegun),
        Some(k) if *k != key.check() => return Ok(Verdict::WrongKey),
        Some(_) => {}
    }
    let mut prev: Vec<u8> = Vec::new();
    let mut expected = 1;
    let mut last: Option<Place> = None;
    loop {
        let rows = pool.read(|c| {
            c.query(
                &format!("SELECT {COLUMNS} FROM audit_log WHERE seq >= $1 ORDER BY seq LIMIT {BATCH}"),
                &[Val::I64(expected)],
                stored_row,
            )
        })?;
        if rows.is_empty() {
            break;
        }
        for r in &rows {
            let seq = r.seq.unwrap_or_default();
            if seq != expected {
                return Ok(if expected > h.seq {
                    Verdict::Inserted(r.place())
                } else {
                    Verdict::Removed { seq: expected, before: last, after: Some(r.place()) }
                });
            }
            if seq == h.key_since_seq {
                prev.clear();
            }
            let mac = r.mac.as_deref().unwrap_or_default();
            if seq >= h.key_since_seq && (r.garbled || !key.follows(&prev, &r.entry(), mac)) {
                return Ok(if seq > h.seq { Verdict::Inserted(r.place()) } else { Verdict::Changed(r.place()) });
            }
            prev = mac.to_vec();
            last = Some(r.place());
            expected += 1;
        }
    }
    let checked = expected - 1;
    if checked < h.seq {
        return Ok(Verdict::RemovedAtEnd { first: expected, last: h.seq, before: last });
    }
    if checked == h.seq
        && let Some(p) = last
        && prev != h.mac
    {
        return Ok(Verdict::HeadMismatch(p));
    }
    let outside = pool.read(|c| {
        c.query_opt(&format!("SELECT {COLUMNS} FROM audit_log WHERE seq IS NULL ORDER BY id LIMIT 1"), &[], stored_row)
    })?;
    if let Some(r) = outside {
        return Ok(Verdict::Inserted(r.place()));
    }
    Ok(Verdict::Intact {
        entries: checked,
        last_mac: hex::encode(&prev),
        chained_at_start: h.chained_at_start,
        began_at: h.began_at,
        key_since_seq: h.key_since_seq,
        key_since: h.key_since,
    })
}

/// After a lost key: makes `key` the chain's key from the next entry on, which starts afresh
/// (as the first entry does) and records the change as an audit entry in `actor`'s name.
/// Entries before it keep their places and macs; `verify` checks their order only. Returns
/// the seq of the entry that begins the new chain.
pub fn new_chain(pool: &Pool, key: &AuditKey, now: DateTime<Utc>, actor: &crate::Actor) -> Result<i64, StoreError> {
    pool.write(|c| {
        let h = head(c, true)?;
        if h.key_check.is_none() {
            return Err(StoreError::Config(
                "the audit chain has not begun: start shouhu, which begins it with this key".into(),
            ));
        }
        if h.key_check.as_deref() == Some(key.check().as_str()) {
            return Err(StoreError::Config(
                "this key is already the audit log's key: there is no chain to replace".into(),
            ));
        }
        let first = h.seq + 1;
        c.exec(
            "UPDATE audit_chain SET mac = $1, key_check = $2, key_since_seq = $3, key_since = $4, \
             began_at = COALESCE(began_at, $4) WHERE id = 1",
            &[Val::Bytes(Vec::new()), key.check().into(), Val::I64(first), now.into()],
        )?;
        crate::audit::record(
            c,
            key,
            now,
            actor,
            crate::audit::Action::NewAuditKey,
            None,
            &format!("entries 1–{} were chained with the earlier key", h.seq),
        )?;
        Ok(first)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn entry(seq: i64) -> Entry<'static> {
        Entry {
            seq,
            at: Utc.with_ymd_and_hms(2026, 11, 29, 4, 0, 0).single().expect("valid"),
            user_id: Some(3),
            user_name: "张三（zhang）",
            action: "view_child",
            child_id: Some(42),
            district_code: Some("120114"),
            detail: "",
        }
    }

    #[test]
    fn the_mac_covers_every_field_and_the_previous_entry() {
        let key = AuditKey::new(&[7; 32]);
        let base = key.mac(&[], &entry(1));
        assert_eq!(base.len(), 32);
        assert_eq!(base, key.mac(&[], &entry(1)), "deterministic");
        assert_eq!(key.mac(&[], &entry(1)), key.mac(&GENESIS, &entry(1)), "the first entry follows zeros");
        let changed = [
            Entry { seq: 2, ..entry(1) },
            Entry { at: entry(1).at + chrono::Duration::microseconds(1), ..entry(1) },
            Entry { user_id: None, ..entry(1) },
            Entry { user_name: "张三（zhan）", ..entry(1) },
            Entry { action: "view_history", ..entry(1) },
            Entry { child_id: Some(43), ..entry(1) },
            Entry { district_code: None, ..entry(1) },
            Entry { detail: "x", ..entry(1) },
        ];
        for e in changed {
            assert_ne!(key.mac(&[], &e), base, "{e:?}");
        }
        assert_ne!(key.mac(&base, &entry(1)), base, "the previous mac is covered");
        assert_ne!(AuditKey::new(&[8; 32]).mac(&[], &entry(1)), base, "and the key");
        // Field boundaries are unambiguous: moving text from one field to the next changes it.
        let a = Entry { user_name: "ab", action: "c", ..entry(1) };
        let b = Entry { user_name: "a", action: "bc", ..entry(1) };
        assert_ne!(key.mac(&[], &a), key.mac(&[], &b));
    }

    #[test]
    fn a_key_is_64_hex_digits_and_its_check_is_not_the_key() {
        let hex_key = "07".repeat(32);
        let key = AuditKey::from_hex(&format!(" {hex_key}\n")).expect("valid");
        assert_eq!(key.check(), AuditKey::new(&[7; 32]).check());
        assert!(!key.check().contains(&hex_key));
        assert!(AuditKey::from_hex(&"07".repeat(31)).is_err());
        assert!(AuditKey::from_hex(&"zz".repeat(32)).is_err());
        assert_eq!(format!("{key:?}"), "AuditKey(…)", "never printed");
    }

    #[test]
    fn a_writer_appends_a_batch_in_order_and_moves_the_head_to_its_last() {
        let dir = tempfile::tempdir().expect("dir");
        let pool = Pool::open(&crate::DbUrl::Sqlite(dir.path().join("t.db")), 2).expect("pool");
        crate::migrate::run(&pool).expect("migrate");
        let key = AuditKey::new(&[7; 32]);
        begin(&pool, &key, entry(1).at).expect("begin");
        let pending = |i: usize| Pending {
            at: entry(0).at,
            user_id: Some(1),
            user_name: "u".into(),
            action: "login".into(),
            child_id: None,
            district_code: None,
            detail: format!("entry {i}"),
        };
        // More than one INSERT's worth, then one alone.
        let many: Vec<Pending> = (0..ROWS_PER_INSERT + 5).map(pending).collect();
        pool.write(|c| append_all(c, &key, &many)).expect("written");
        pool.write(|c| append_all(c, &key, &[pending(99)])).expect("written");
        pool.write(|c| append_all(c, &key, &[])).expect("nothing to write");
        let (head, last) = pool
            .read(|c| {
                let h = head(c, false)?;
                let d = c.query_opt("SELECT detail FROM audit_log WHERE seq = $1", &[h.seq.into()], |r| r.text(0))?;
                Ok((h, d))
            })
            .expect("head");
        assert_eq!(head.seq, ROWS_PER_INSERT as i64 + 6);
        assert_eq!(last.as_deref(), Some("entry 99"), "the head is the last entry written");
        match verify(&pool, &key).expect("verify") {
            Verdict::Intact { entries, .. } => assert_eq!(entries, ROWS_PER_INSERT as i64 + 6),
            other => panic!("{other:?}"),
        }
    }
}
