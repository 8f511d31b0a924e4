//! Encryption at rest (decisions 96–99): ID numbers, phone numbers and the reporter's contact
//! are sealed with AES-256-GCM where the store writes them, and opened where it reads them,
//! so that the domain's types hold plain values in memory and the database files never do.
//!
//! - A value is sealed with a fresh random 96-bit nonce, and its field's name (`children.data`,
//!   `reports.contact_phone`, ...) as associated data: a value moved to another field, or
//!   changed, does not open.
//! - Each sealed value carries the version of the key that sealed it. The key file may hold
//!   several versions: the newest seals, every one opens, so a rotation can re-seal row by row
//!   while reads go on (`rekey`).
//! - ID numbers are found, and kept unique, by a blind index: HMAC-SHA256 of the normalised
//!   number under a key of its own, never the number or a part of it.
//! - Both keys of a version are derived with HKDF-SHA256 from its 32-byte master key, under
//!   distinct labels. The master key lives in a key file or the environment, never in the
//!   database; the database keeps only a check value per version, to refuse a wrong key.
//!
//! A sealed value is `[SEALED][version: u16 BE][nonce: 12][ciphertext][tag: 16]`; in a text
//! column the same bytes in base64 after [`TEXT_MARK`]. A value without either mark is one
//! written before encryption (read as it is, and sealed at start-up: `rekey`).

use crate::error::StoreError;
use crate::keyfile::{self, Secret};
use aes_gcm::aead::AeadInPlace;
use aes_gcm::{Aes256Gcm, KeyInit, Nonce, Tag};
use base64::Engine;
use hmac::{Hmac, Mac};
use parking_lot::{Mutex, RwLock};
use sha2::Sha256;
use std::borrow::Cow;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

/// The environment variable that may hold the data key(s) instead of a key file.
pub const KEY_ENV: &str = "SHOUHU_DATA_KEY";
/// The key file's name in the data folder, where it is made on first start when no other
/// key is given.
pub const KEY_FILE_NAME: &str = "shouhu-data.key";

/// First byte of a sealed value: never the first byte of UTF-8 text, nor of a child file's
/// other stored forms (1, 2, `{`).
const SEALED: u8 = 0xF5;
/// First character of a sealed value in a text column: a control character, which no text
/// shouhu accepts holds (`validate`), and neither 1, 2 nor `{`.
pub const TEXT_MARK: char = '\u{10}';
const HEAD: usize = 3;
const NONCE: usize = 12;
const TAG: usize = 16;
/// Bytes a sealed value adds to its plain value.
pub const OVERHEAD: usize = HEAD + NONCE + TAG;
/// Bytes of the blind index kept per ID number (of HMAC-SHA256's 32).
pub const BLIND_LEN: usize = 16;
/// Search terms for an ID number's last digits start so (`search_terms`).
pub const SUFFIX_TERM: &str = "s:";
/// How many last digits a suffix term stands for.
pub const SUFFIX_DIGITS: usize = 4;

/// The fields values are sealed for, bound to each value as its associated data.
pub mod field {
    /// A child's whole file (its ID number, parents' and guardian's ID and phone numbers with it).
    pub const CHILD_FILE: &str = "children.data";
    /// The child's ID number beside the file, for the ledger's masked column and the search terms.
    pub const CHILD_ID_NUMBER: &str = "children.id_number";
    pub const REPORT_CONTACT_NAME: &str = "reports.contact_name";
    pub const REPORT_CONTACT_PHONE: &str = "reports.contact_phone";
    /// The court's new guardian, with their phone number.
    pub const NEW_GUARDIAN: &str = "revocation_applications.new_guardian";
    /// A user's TOTP secret (decision 213): whoever reads it makes their codes.
    pub const TOTP_SECRET: &str = "second_factors.secret";

    /// A history row's old or new value of `path` (`father.phone`).
    pub fn history(path: &str, new: bool) -> String {
        format!("child_history.{}.{path}", if new { "new" } else { "old" })
    }

    /// Whether a history row of this field keeps its values sealed: ID and phone numbers.
    pub fn sealed_in_history(path: &str) -> bool {
        matches!(path.rsplit('.').next(), Some("id_number" | "phone"))
    }
}

/// One version's keys.
struct VersionKeys {
    version: u16,
    aead: Aes256Gcm,
    /// HMAC-SHA256 with the blind-index key, its pads already hashed: cloned per use.
    blind: Hmac<Sha256>,
    check: [u8; 16],
}

impl VersionKeys {
    fn new(version: u16, master: &Secret) -> VersionKeys {
        let mut enc = [0u8; 32];
        master.derive(None, b"shouhu data v1 aes-256-gcm", &mut enc);
        let mut blind = [0u8; 32];
        master.derive(None, b"shouhu data v1 hmac-sha256 blind index", &mut blind);
        let mut check = [0u8; 16];
        master.derive(None, b"shouhu data v1 key check", &mut check);
        VersionKeys {
            version,
            aead: Aes256Gcm::new(&enc.into()),
            // HMAC takes a key of any length.
            blind: <Hmac<Sha256> as Mac>::new_from_slice(&blind).unwrap_or_else(|_| unreachable!()),
            check,
        }
    }

    fn mac(&self, kind: &[u8], value: &str) -> [u8; 32] {
        let mut m = self.blind.clone();
        m.update(kind);
        m.update(value.trim().to_ascii_uppercase().as_bytes());
        m.finalize().into_bytes().into()
    }
}

/// Why a sealed value did not open.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OpenError {
    /// Sealed with a key version the key file does not hold.
    UnknownVersion(u16),
    /// Changed, cut, moved from another field, or sealed with another key of the same version.
    Damaged,
}

/// What a stored value is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stored {
    /// Written before encryption.
    Plain,
    /// Sealed with this key version.
    Sealed(u16),
}

/// The keys of every version in the key file; the newest seals.
pub struct Ring {
    /// Ascending by version; never empty.
    keys: Vec<VersionKeys>,
}

impl std::fmt::Debug for Ring {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "Ring(versions {:?})", self.versions())
    }
}

/// A short public name for a key version's check value.
pub fn fingerprint(check: &[u8]) -> String {
    hex::encode(&check[..check.len().min(6)])
}

impl Ring {
    /// Reads a key file's text (or the environment's): one key a line or word, `VERSION:HEX`,
    /// or a bare 64-digit HEX for version 1; `#` starts a comment.
    pub fn parse(text: &str) -> Result<Ring, String> {
        let mut keys: Vec<(u16, Secret)> = Vec::new();
        for line in text.lines() {
            let line = line.split('#').next().unwrap_or("");
            for word in line.split(|c: char| c.is_whitespace() || c == ',').filter(|w| !w.is_empty()) {
                let (version, hex) = match word.split_once(':') {
                    Some((v, h)) => {
                        (v.parse::<u16>().ok().filter(|v| *v > 0).ok_or("a key version must be 1 to 65535")?, h)
                    }
                    None => (1, word),
                };
                let secret = Secret::parse_hex(hex).ok_or("a key must be 64 hex digits")?;
                if keys.iter().any(|(v, _)| *v == version) {
                    return Err(format!("key version {version} is given twice"));
                }
                keys.push((version, secret));
            }
        }
        if keys.is_empty() {
            return Err("no key in it".into());
        }
        Ok(Ring::from_secrets(keys))
    }

    pub fn from_secrets(mut keys: Vec<(u16, Secret)>) -> Ring {
        keys.sort_by_key(|(v, _)| *v);
        Ring { keys: keys.iter().map(|(v, s)| VersionKeys::new(*v, s)).collect() }
    }

    fn newest(&self) -> &VersionKeys {
        // `parse` and `from_secrets` never make an empty ring.
        self.keys.last().unwrap_or_else(|| unreachable!("a ring holds a key"))
    }

    fn get(&self, version: u16) -> Option<&VersionKeys> {
        self.keys.iter().find(|k| k.version == version)
    }

    /// The version that seals.
    pub fn current(&self) -> u16 {
        self.newest().version
    }

    pub fn versions(&self) -> Vec<u16> {
        self.keys.iter().map(|k| k.version).collect()
    }

    /// The check value of a version, as the database keeps it.
    pub fn check(&self, version: u16) -> Option<[u8; 16]> {
        self.get(version).map(|k| k.check)
    }

    /// Seals `plain` for `field` with the current key.
    pub fn seal(&self, field: &str, plain: &[u8]) -> Vec<u8> {
        let k = self.newest();
        let mut out = Vec::with_capacity(plain.len() + OVERHEAD);
        out.push(SEALED);
        out.extend_from_slice(&k.version.to_be_bytes());
        let mut nonce = [0u8; NONCE];
        rand::Rng::fill(&mut rand::rng(), &mut nonce);
        out.extend_from_slice(&nonce);
        out.extend_from_slice(plain);
        // Fails only for a message longer than GCM allows (64 GiB).
        let tag = k
            .aead
            .encrypt_in_place_detached(Nonce::from_slice(&nonce), field.as_bytes(), &mut out[HEAD + NONCE..])
            .unwrap_or_else(|_| unreachable!("a value far below GCM's limit"));
        out.extend_from_slice(&tag);
        out
    }

    /// [`Ring::seal`] for a text column.
    pub fn seal_text(&self, field: &str, plain: &str) -> String {
        self.seal_into_text(field, plain.as_bytes())
    }

    /// [`Ring::seal`] of any bytes for a text column: base64 after [`TEXT_MARK`]. Opened with
    /// [`Ring::open_vec`], which gives the bytes back.
    pub fn seal_into_text(&self, field: &str, plain: &[u8]) -> String {
        let sealed = self.seal(field, plain);
        let mut out = String::with_capacity(1 + sealed.len().div_ceil(3) * 4);
        out.push(TEXT_MARK);
        base64::engine::general_purpose::STANDARD_NO_PAD.encode_string(&sealed, &mut out);
        out
    }

    /// Opens a stored value of `field`: a sealed one is checked and decrypted, a plain one
    /// (written before encryption) is given back as it is.
    pub fn open<'a>(&self, field: &str, stored: &'a [u8]) -> Result<Cow<'a, [u8]>, OpenError> {
        match stored.first() {
            Some(&SEALED) => self.open_sealed(field, stored.to_vec()).map(Cow::Owned),
            Some(&m) if m == TEXT_MARK as u8 => {
                let bytes = base64::engine::general_purpose::STANDARD_NO_PAD
                    .decode(&stored[1..])
                    .map_err(|_| OpenError::Damaged)?;
                if bytes.first() != Some(&SEALED) {
                    return Err(OpenError::Damaged);
                }
                self.open_sealed(field, bytes).map(Cow::Owned)
            }
            _ => Ok(Cow::Borrowed(stored)),
        }
    }

    /// [`Ring::open`] of an owned value, decrypted in place.
    pub fn open_vec(&self, field: &str, stored: Vec<u8>) -> Result<Vec<u8>, OpenError> {
        if stored.first() == Some(&SEALED) {
            return self.open_sealed(field, stored);
        }
        Ok(self.open(field, &stored)?.into_owned())
    }

    /// [`Ring::open`] of a text column's value.
    pub fn open_text(&self, field: &str, stored: String) -> Result<String, OpenError> {
        if !stored.starts_with(TEXT_MARK) {
            return Ok(stored);
        }
        let plain = self.open(field, stored.as_bytes())?.into_owned();
        String::from_utf8(plain).map_err(|_| OpenError::Damaged)
    }

    fn open_sealed(&self, field: &str, mut bytes: Vec<u8>) -> Result<Vec<u8>, OpenError> {
        if bytes.len() < OVERHEAD {
            return Err(OpenError::Damaged);
        }
        let version = u16::from_be_bytes([bytes[1], bytes[2]]);
        let k = self.get(version).ok_or(OpenError::UnknownVersion(version))?;
        let end = bytes.len() - TAG;
        let tag = *Tag::from_slice(&bytes[end..]);
        let nonce = *Nonce::from_slice(&bytes[HEAD..HEAD + NONCE]);
        k.aead
            .decrypt_in_place_detached(&nonce, field.as_bytes(), &mut bytes[HEAD + NONCE..end], &tag)
            .map_err(|_| OpenError::Damaged)?;
        bytes.truncate(end);
        bytes.drain(..HEAD + NONCE);
        Ok(bytes)
    }

    /// The blind index of a (normalised) ID number under the current key.
    pub fn blind(&self, id_number: &str) -> Vec<u8> {
        self.newest().mac(b"id\0", id_number)[..BLIND_LEN].to_vec()
    }

    /// The blind index of an ID number under every version, the current first: what a
    /// lookup searches while a rotation has left rows under an older version.
    pub fn blinds(&self, id_number: &str) -> Vec<Vec<u8>> {
        self.keys.iter().rev().map(|k| k.mac(b"id\0", id_number)[..BLIND_LEN].to_vec()).collect()
    }

    /// The search term for an ID number's last [`SUFFIX_DIGITS`] characters, under the
    /// current key; `None` for a shorter number.
    pub fn suffix_term(&self, id_number: &str) -> Option<String> {
        suffix_of(id_number).map(|s| suffix_term_with(self.newest(), s))
    }

    /// [`Ring::suffix_term`] of the typed last digits under every version.
    pub fn suffix_terms(&self, digits: &str) -> Vec<String> {
        match suffix_of(digits) {
            Some(s) => self.keys.iter().rev().map(|k| suffix_term_with(k, s)).collect(),
            None => Vec::new(),
        }
    }
}

fn suffix_of(s: &str) -> Option<&str> {
    let s = s.trim();
    s.len().checked_sub(SUFFIX_DIGITS).and_then(|at| s.get(at..))
}

fn suffix_term_with(k: &VersionKeys, suffix: &str) -> String {
    // Eight bytes tell the 11,000 possible endings apart with room to spare.
    format!("{SUFFIX_TERM}{}", hex::encode(&k.mac(b"suffix\0", suffix)[..8]))
}

/// What a stored value is, without opening it.
pub fn stored(value: &[u8]) -> Stored {
    match value.first() {
        Some(&SEALED) if value.len() >= HEAD => Stored::Sealed(u16::from_be_bytes([value[1], value[2]])),
        Some(&m) if m == TEXT_MARK as u8 => {
            // The version is in the first base64 quantum (4 characters for 3 bytes).
            let head = value.get(1..5).and_then(|q| base64::engine::general_purpose::STANDARD_NO_PAD.decode(q).ok());
            match head {
                Some(h) if h.first() == Some(&SEALED) => Stored::Sealed(u16::from_be_bytes([h[1], h[2]])),
                _ => Stored::Sealed(0),
            }
        }
        _ => Stored::Plain,
    }
}

/// Where the data key comes from.
#[derive(Debug, Clone)]
pub enum KeySource {
    /// A key file; `create`: the data folder's default one, made on first start if missing.
    File { path: PathBuf, create: bool },
    /// The environment's [`KEY_ENV`].
    Env(String),
}

impl KeySource {
    /// `--data-key-file` if given, else [`KEY_ENV`] if set, else `{data_dir}/shouhu-data.key`.
    pub fn resolve(file: Option<PathBuf>, data_dir: &Path) -> KeySource {
        match (file, std::env::var(KEY_ENV)) {
            (Some(path), _) => KeySource::File { path, create: false },
            (None, Ok(text)) if !text.trim().is_empty() => KeySource::Env(text),
            _ => KeySource::File { path: data_dir.join(KEY_FILE_NAME), create: true },
        }
    }

    /// For a library caller (benchmarks, tests): [`KEY_ENV`] if set, else the key file beside
    /// a SQLite database (made on first start). PostgreSQL has no folder of its own.
    pub fn beside(url: &crate::DbUrl) -> Result<KeySource, StoreError> {
        match (std::env::var(KEY_ENV), url) {
            (Ok(text), _) if !text.trim().is_empty() => Ok(KeySource::Env(text)),
            (_, crate::DbUrl::Sqlite(path)) => {
                Ok(KeySource::File { path: keyfile::folder_of(path).join(KEY_FILE_NAME), create: true })
            }
            (_, crate::DbUrl::Postgres(_)) => {
                Err(StoreError::Config(format!("on PostgreSQL give the data key: a key file, or {KEY_ENV}")))
            }
        }
    }

    /// Where it is, for messages (never the key itself).
    pub fn describe(&self) -> String {
        match self {
            KeySource::File { path, .. } => path.display().to_string(),
            KeySource::Env(_) => KEY_ENV.to_string(),
        }
    }

    pub fn file(&self) -> Option<&Path> {
        match self {
            KeySource::File { path, .. } => Some(path),
            KeySource::Env(_) => None,
        }
    }

    fn read(&self) -> Result<Ring, StoreError> {
        let (text, name) = match self {
            KeySource::File { path, .. } => (keyfile::read(path)?, path.display().to_string()),
            KeySource::Env(text) => (text.clone(), KEY_ENV.to_string()),
        };
        Ring::parse(&text).map_err(|e| StoreError::Config(format!("{name} does not hold a data key: {e}")))
    }
}

/// The text of a new key file holding `keys`.
pub fn key_file_text(keys: &[(u16, Secret)]) -> String {
    let mut text = String::from(
        "# shouhu's data key (decision 97): without it the ID and phone numbers in the database cannot be read.\n\
         # Keep a copy apart from the data and its backups. One key a line, VERSION:HEX; the highest version seals.\n",
    );
    for (v, s) in keys {
        text.push_str(&format!("{v}:{}\n", s.to_hex()));
    }
    text
}

/// A key file's text with the keys of versions other than `keep` left out (comments stay).
pub fn keep_only(text: &str, keep: u16) -> String {
    let mut out = String::new();
    for line in text.lines() {
        let key = line.split('#').next().unwrap_or("").trim();
        let version = match key.split_once(':') {
            Some((v, _)) => v.trim().parse::<u16>().ok(),
            None if key.is_empty() => None,
            None => Some(1),
        };
        if version.is_none_or(|v| v == keep) {
            out.push_str(line);
            out.push('\n');
        }
    }
    out
}

/// The keys in force, read again when the key file changes: a rotation run beside the
/// server adds a version, which the server then opens, and soon seals with.
pub struct FieldCipher {
    source: KeySource,
    ring: RwLock<Arc<Ring>>,
    /// The key file's modification time and length when it was read.
    seen: Mutex<Option<(std::time::SystemTime, u64)>>,
    /// When to look at the key file again, in milliseconds after `born`.
    next_look: AtomicU64,
    /// How often to look, in milliseconds.
    look_every: AtomicU64,
    born: std::time::Instant,
}

impl std::fmt::Debug for FieldCipher {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "FieldCipher({}, {:?})", self.source.describe(), self.ring.read())
    }
}

/// How often a server looks whether its key file changed (a rotation waits longer than this
/// before it re-encrypts, `shouhu keys rotate --wait-secs`).
pub const LOOK_EVERY: std::time::Duration = std::time::Duration::from_secs(2);

fn stamp(path: &Path) -> Option<(std::time::SystemTime, u64)> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.modified().ok()?, m.len()))
}

impl FieldCipher {
    /// Reads the keys; a missing default key file is made when `may_create` (a database that
    /// holds no sealed value yet), and refused otherwise.
    pub fn load(source: KeySource, may_create: bool) -> Result<FieldCipher, StoreError> {
        if let KeySource::File { path, create } = &source
            && !path.exists()
        {
            if !(*create && may_create) {
                return Err(StoreError::Config(format!("no data key at {}", path.display())));
            }
            let mut f = keyfile::create(path)?;
            std::io::Write::write_all(&mut f, key_file_text(&[(1, Secret::random())]).as_bytes())
                .and_then(|()| f.sync_all())
                .map_err(|e| StoreError::Config(format!("writing {}: {e}", path.display())))?;
            tracing::warn!(
                key_file = %path.display(),
                "made a new data key in the data folder: without it no ID or phone number in the database can be \
                 read. Keep a copy elsewhere; in production keep it apart from the data (--data-key-file or \
                 SHOUHU_DATA_KEY, see README.md)"
            );
        }
        let ring = source.read()?;
        let seen = source.file().and_then(stamp);
        Ok(FieldCipher {
            source,
            ring: RwLock::new(Arc::new(ring)),
            seen: Mutex::new(seen),
            next_look: AtomicU64::new(LOOK_EVERY.as_millis() as u64),
            look_every: AtomicU64::new(LOOK_EVERY.as_millis() as u64),
            born: std::time::Instant::now(),
        })
    }

    /// A cipher with the given keys and no file (tests, benchmarks).
    pub fn fixed(ring: Ring) -> FieldCipher {
        FieldCipher {
            source: KeySource::Env(String::new()),
            ring: RwLock::new(Arc::new(ring)),
            seen: Mutex::new(None),
            next_look: AtomicU64::new(u64::MAX),
            look_every: AtomicU64::new(u64::MAX / 2),
            born: std::time::Instant::now(),
        }
    }

    pub fn source(&self) -> &KeySource {
        &self.source
    }

    /// Looks at the key file at most once per `every` (zero: at every use; for tests).
    pub fn look_every(&self, every: std::time::Duration) {
        let ms = every.as_millis() as u64;
        self.look_every.store(ms, Ordering::Relaxed);
        self.next_look.store(self.born.elapsed().as_millis() as u64 + ms, Ordering::Relaxed);
    }

    /// The keys in force: take them once for all the values of one row.
    pub fn ring(&self) -> Arc<Ring> {
        let now = self.born.elapsed().as_millis() as u64;
        if now >= self.next_look.load(Ordering::Relaxed) {
            self.next_look.store(now + self.look_every.load(Ordering::Relaxed), Ordering::Relaxed);
            self.reload();
        }
        self.ring.read().clone()
    }

    /// Reads the key file again if it changed. A file that no longer reads, or that gives a
    /// known version another key, is not taken (the keys in force stay, and it is logged).
    pub fn reload(&self) -> bool {
        let Some(path) = self.source.file() else { return false };
        let now = stamp(path);
        let mut seen = self.seen.lock();
        if now == *seen {
            return false;
        }
        *seen = now;
        let ring = match self.source.read() {
            Ok(r) => r,
            Err(e) => {
                tracing::error!(error = %e, "the data key file changed and does not read; keeping the keys in force");
                return false;
            }
        };
        let old = self.ring.read().clone();
        if let Some(v) = old.versions().into_iter().find(|v| ring.check(*v).is_some_and(|c| Some(c) != old.check(*v))) {
            tracing::error!(version = v, "the data key file changed a key version in force; keeping the keys in force");
            return false;
        }
        tracing::info!(versions = ?ring.versions(), "read the data key file again");
        *self.ring.write() = Arc::new(ring);
        true
    }

    /// The keys to open `stored` with: when it is sealed with a version not in force, the key
    /// file is read again first (a rotation beside the server has added it).
    fn ring_for(&self, stored: &[u8]) -> Arc<Ring> {
        let ring = self.ring();
        match self::stored(stored) {
            Stored::Sealed(v) if ring.check(v).is_none() && self.reload() => self.ring.read().clone(),
            _ => ring,
        }
    }

    /// Opens a stored value (see [`Ring::open`]).
    pub fn open_vec(&self, field: &str, stored: Vec<u8>) -> Result<Vec<u8>, StoreError> {
        self.ring_for(&stored).open_vec(field, stored).map_err(|e| open_error(field, e))
    }

    /// Opens a text column's stored value.
    pub fn open_text(&self, field: &str, stored: String) -> Result<String, StoreError> {
        if !stored.starts_with(TEXT_MARK) {
            return Ok(stored);
        }
        self.ring_for(stored.as_bytes()).open_text(field, stored).map_err(|e| open_error(field, e))
    }

    pub fn open_opt_text(&self, field: &str, stored: Option<String>) -> Result<Option<String>, StoreError> {
        stored.map(|s| self.open_text(field, s)).transpose()
    }
}

fn open_error(field: &str, e: OpenError) -> StoreError {
    match e {
        OpenError::UnknownVersion(v) => StoreError::Backend(format!(
            "a value of {field} is sealed with data key version {v}, which the data key does not hold"
        )),
        OpenError::Damaged => StoreError::Backend(format!(
            "a value of {field} does not open: it was changed, or sealed with another data key"
        )),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ring(versions: &[(u16, u8)]) -> Ring {
        Ring::from_secrets(versions.iter().map(|(v, b)| (*v, Secret::from_bytes([*b; 32]))).collect())
    }

    #[test]
    fn a_value_opens_only_in_its_own_field_and_unchanged() {
        let r = ring(&[(1, 7)]);
        let sealed = r.seal("reports.contact_phone", b"13812345678");
        assert_eq!(sealed.len(), 11 + OVERHEAD);
        assert_eq!(r.open("reports.contact_phone", &sealed).expect("opens").as_ref(), b"13812345678");
        assert_eq!(r.open("reports.contact_name", &sealed), Err(OpenError::Damaged));
        for at in [HEAD, HEAD + NONCE, sealed.len() - 1] {
            let mut bad = sealed.clone();
            bad[at] ^= 1;
            assert_eq!(r.open("reports.contact_phone", &bad), Err(OpenError::Damaged), "flip at {at}");
        }
        assert_eq!(r.open("reports.contact_phone", &sealed[..OVERHEAD - 1]), Err(OpenError::Damaged));
        // Another key of the same version does not open it.
        assert_eq!(ring(&[(1, 8)]).open("reports.contact_phone", &sealed), Err(OpenError::Damaged));
        // Each sealing has its own nonce.
        assert_ne!(r.seal("f", b"x"), r.seal("f", b"x"));
    }

    #[test]
    fn text_values_carry_their_mark_and_plain_values_read_as_they_are() {
        let r = ring(&[(1, 7)]);
        let t = r.seal_text("children.id_number", "120114201503080017");
        assert!(t.starts_with(TEXT_MARK) && !t.contains("0017"));
        assert_eq!(stored(t.as_bytes()), Stored::Sealed(1));
        assert_eq!(r.open_text("children.id_number", t).expect("opens"), "120114201503080017");
        assert_eq!(r.open_text("children.id_number", "13812345678".into()).expect("plain"), "13812345678");
        assert_eq!(stored(b"{\"name\":1}"), Stored::Plain);
        assert_eq!(stored(&[2, 1, 0]), Stored::Plain);
    }

    #[test]
    fn every_version_opens_the_newest_seals_and_a_missing_one_is_named() {
        let old = ring(&[(1, 7)]);
        let both = ring(&[(2, 9), (1, 7)]);
        let sealed_old = old.seal("f", b"a");
        let sealed_new = both.seal("f", b"b");
        assert_eq!(stored(&sealed_new), Stored::Sealed(2));
        assert_eq!(both.open("f", &sealed_old).expect("old opens").as_ref(), b"a");
        assert_eq!(old.open("f", &sealed_new), Err(OpenError::UnknownVersion(2)));
        assert_eq!(both.current(), 2);
        assert_eq!(
            both.blinds("120114201503080017"),
            vec![both.blind("120114201503080017"), old.blind("120114201503080017")]
        );
    }

    #[test]
    fn the_blind_index_is_keyed_normalised_and_not_the_number() {
        let r = ring(&[(1, 7)]);
        let b = r.blind("12011420150308001X");
        assert_eq!(b.len(), BLIND_LEN);
        assert_eq!(b, r.blind(" 12011420150308001x"));
        assert_ne!(b, ring(&[(1, 8)]).blind("12011420150308001X"));
        assert_ne!(b, r.blind("120114201503080027"));
        assert_eq!(r.suffix_term("120114201503080017"), r.suffix_terms("0017").into_iter().next());
        assert!(r.suffix_terms("017").is_empty());
        assert!(!r.suffix_term("120114201503080017").expect("term").contains("0017"));
    }

    #[test]
    fn key_files_read_versions_comments_and_bare_keys() {
        let a = Secret::from_bytes([1; 32]).to_hex();
        let b = Secret::from_bytes([2; 32]).to_hex();
        let r = Ring::parse(&format!("# a comment\n1:{a}\n2:{b}  # newest\n")).expect("parses");
        assert_eq!((r.versions(), r.current()), (vec![1, 2], 2));
        assert_eq!(Ring::parse(&a).expect("bare").versions(), vec![1]);
        assert_eq!(Ring::parse(&format!("1:{a}, 3:{b}")).expect("env form").versions(), vec![1, 3]);
        assert!(Ring::parse("").is_err());
        assert!(Ring::parse(&format!("1:{a}\n1:{b}")).is_err());
        assert!(Ring::parse("1:abcd").is_err());
        assert!(Ring::parse(&format!("0:{a}")).is_err());
        assert_eq!(Ring::parse(&key_file_text(&[(1, Secret::from_bytes([1; 32]))])).expect("ours").versions(), vec![1]);
    }

    #[test]
    fn retiring_keeps_the_current_key_and_the_comments() {
        let a = Secret::from_bytes([1; 32]).to_hex();
        let b = Secret::from_bytes([2; 32]).to_hex();
        let text = format!("# keep me\n1:{a}\n2:{b}\n");
        let kept = keep_only(&text, 2);
        assert_eq!(kept, format!("# keep me\n2:{b}\n"));
        assert_eq!(Ring::parse(&kept).expect("reads").versions(), vec![2]);
        assert_eq!(keep_only(&format!("{a}\n"), 1), format!("{a}\n"));
    }

    #[test]
    fn history_seals_id_and_phone_numbers_only() {
        assert!(field::sealed_in_history("id_number"));
        assert!(field::sealed_in_history("father.phone"));
        assert!(field::sealed_in_history("entrusted_guardian.id_number"));
        assert!(!field::sealed_in_history("father.name"));
        assert!(!field::sealed_in_history("*"));
    }
}
