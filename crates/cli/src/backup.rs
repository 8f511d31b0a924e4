//! `shouhu backup`, `shouhu restore` and `shouhu backup-key` (decision 92).
//!
//! A backup file is a header and then a tar archive (`manifest.json`, `shouhu-reports.db`,
//! `shouhu.db`) encrypted with AES-256-GCM in the STREAM construction (`aead::stream`, 64 KiB
//! chunks, each with its own tag and the last one marked), so that neither writing nor
//! reading needs more memory than a chunk, and a chunk changed, removed, reordered or cut off
//! fails authentication. The header is authenticated with every chunk. Each file is
//! encrypted under its own key, derived with HKDF-SHA256 from the key in the key file and
//! the file's random salt, so no (key, nonce) pair is ever used twice. The header also holds
//! a check value derived from the key, so a wrong key is told apart from a damaged file.

use aead::stream::{DecryptorBE32, EncryptorBE32};
use aes_gcm::{Aes256Gcm, KeyInit};
use anyhow::{Context, bail};
use serde::{Deserialize, Serialize};
use shouhu_store::DbUrl;
use shouhu_store::backup::{self as copies, Database};
use shouhu_store::keyfile::{self, Secret, folder_of, inside};
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

/// The first bytes of every backup file.
const MAGIC: &[u8; 8] = b"SHOUHUBK";
/// The file format this build writes and reads.
const FORMAT: u8 = 1;
/// Plaintext bytes per chunk.
const CHUNK: usize = 64 * 1024;
const TAG: usize = 16;
const SALT: usize = 32;
const KEY_CHECK: usize = 16;
/// The STREAM nonce prefix: AES-GCM's 12-byte nonce less the 4-byte counter and the last flag.
const NONCE_PREFIX: usize = 7;
const HEADER: usize = MAGIC.len() + 1 + SALT + KEY_CHECK + NONCE_PREFIX + 4;
/// The name of the environment variable that may hold the key (hex) instead of a key file.
pub const KEY_ENV: &str = "SHOUHU_BACKUP_KEY";

/// A backup key: 32 random bytes, kept as 64 hex digits in a file of its own.
pub struct Key(Secret);

impl Key {
    fn parse(text: &str) -> Option<Key> {
        Secret::parse_hex(text).map(Key)
    }

    fn derive(&self, salt: Option<&[u8]>, info: &[u8], out: &mut [u8]) {
        self.0.derive(salt, info, out);
    }

    /// The value stored in a backup's header to recognise its key without revealing it.
    fn check(&self) -> [u8; KEY_CHECK] {
        let mut out = [0; KEY_CHECK];
        self.derive(None, b"shouhu backup v1 key check", &mut out);
        out
    }

    /// A short name for the key, printed when a key is made and when it is used.
    pub fn fingerprint(&self) -> String {
        hex::encode(&self.check()[..6])
    }

    fn file_key(&self, salt: &[u8]) -> [u8; 32] {
        let mut out = [0; 32];
        self.derive(Some(salt), b"shouhu backup v1 aes-256-gcm", &mut out);
        out
    }
}

/// Where the key comes from: a file given with `--key-file`, or the environment.
pub fn load_key(file: Option<&Path>) -> anyhow::Result<Key> {
    if let Some(path) = file {
        let text = keyfile::read(path)?;
        return Key::parse(&text).with_context(|| format!("{} does not hold a backup key", path.display()));
    }
    match std::env::var(KEY_ENV) {
        Ok(text) => Key::parse(&text).with_context(|| format!("{KEY_ENV} does not hold a backup key (64 hex digits)")),
        Err(_) => {
            bail!("no backup key: give --key-file FILE or set {KEY_ENV} (make one with `shouhu backup-key --out FILE`)")
        }
    }
}

/// `shouhu backup-key --out FILE`: a new random key, in a new file readable by its owner only.
pub fn make_key(out: &Path, data_dir: &Path) -> anyhow::Result<()> {
    if inside(out, data_dir) {
        bail!(
            "the key must not be kept in the data folder {}: whoever has a copy of the data would have the key too",
            data_dir.display()
        );
    }
    let key = Key(Secret::random());
    let mut f = private_file(out)?;
    writeln!(f, "{}", key.0.to_hex())?;
    f.sync_all()?;
    eprintln!(
        "backup key {} written to {} (0600). Keep it apart from the backups and from this machine's data: \
         without it no backup can be read.",
        key.fingerprint(),
        out.display()
    );
    Ok(())
}

/// A new file, 0600, that must not exist yet.
fn private_file(path: &Path) -> anyhow::Result<std::fs::File> {
    Ok(keyfile::create(path)?)
}

/// What the archive says about itself.
#[derive(Debug, Serialize, Deserialize)]
struct Manifest {
    format: u8,
    made_by: String,
    created_at: chrono::DateTime<chrono::Utc>,
    databases: Vec<Entry>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
struct Entry {
    database: String,
    file: String,
    schema_versions: Vec<i64>,
    bytes: u64,
}

/// The two database files of a SQLite URL; PostgreSQL is backed up with its own tools.
fn sqlite_paths(url: &str, what: &str) -> anyhow::Result<[(Database, PathBuf); 2]> {
    match DbUrl::parse(url)? {
        DbUrl::Sqlite(registry) => {
            let DbUrl::Sqlite(reports) = DbUrl::Sqlite(registry.clone()).reports() else {
                unreachable!("a SQLite registry keeps its reports in SQLite")
            };
            // The reports first: see `backup`.
            Ok([(Database::Reports, reports), (Database::Registry, registry)])
        }
        DbUrl::Postgres(_) => bail!(
            "shouhu {what} is for the embedded SQLite databases. On PostgreSQL use its own tools: \
             pg_dump --format=custom --file=shouhu.dump DATABASE_URL, and to restore, into an empty database, \
             pg_restore --dbname=DATABASE_URL --no-owner shouhu.dump (see README.md)"
        ),
    }
}

/// Writes chunks of plaintext as sealed STREAM chunks.
struct Sealer<W: Write> {
    out: W,
    stream: Option<EncryptorBE32<Aes256Gcm>>,
    header: [u8; HEADER],
    buf: Vec<u8>,
}

impl<W: Write> Sealer<W> {
    fn seal_full(&mut self) -> std::io::Result<()> {
        let stream = self.stream.as_mut().ok_or_else(|| std::io::Error::other("backup stream already finished"))?;
        stream.encrypt_next_in_place(&self.header, &mut self.buf).map_err(|_| std::io::Error::other("encrypting"))?;
        self.out.write_all(&self.buf)?;
        self.buf.clear();
        Ok(())
    }

    /// Seals the last chunk (a full one too: it is the one marked last) and returns the output.
    fn finish(mut self) -> std::io::Result<W> {
        let stream = self.stream.take().ok_or_else(|| std::io::Error::other("backup stream already finished"))?;
        stream.encrypt_last_in_place(&self.header, &mut self.buf).map_err(|_| std::io::Error::other("encrypting"))?;
        self.out.write_all(&self.buf)?;
        self.out.flush()?;
        Ok(self.out)
    }
}

impl<W: Write> Write for Sealer<W> {
    fn write(&mut self, mut data: &[u8]) -> std::io::Result<usize> {
        let n = data.len();
        while !data.is_empty() {
            // A full chunk is sealed only once more data follows, so the last chunk always
            // holds data (unless there is none at all) and is the one marked last.
            if self.buf.len() == CHUNK {
                self.seal_full()?;
            }
            let take = (CHUNK - self.buf.len()).min(data.len());
            self.buf.extend_from_slice(&data[..take]);
            data = &data[take..];
        }
        Ok(n)
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// Why reading a backup stopped, when it was the encryption's doing.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Broken {
    /// A chunk's tag did not match: the file was changed or damaged there.
    Tampered { chunk: u64 },
    /// The file ends before its last chunk.
    CutShort,
}

/// Reads a backup's plaintext, checking every chunk's tag before handing out its bytes.
struct Opener<R: Read> {
    inp: R,
    stream: Option<DecryptorBE32<Aes256Gcm>>,
    header: [u8; HEADER],
    /// Ciphertext read ahead of the current chunk (to know whether a chunk is the last).
    ahead: Vec<u8>,
    plain: Vec<u8>,
    pos: usize,
    chunk: u64,
    broken: Option<Broken>,
}

fn read_up_to(r: &mut impl Read, buf: &mut Vec<u8>, want: usize) -> std::io::Result<()> {
    while buf.len() < want {
        let n = r.by_ref().take((want - buf.len()) as u64).read_to_end(buf)?;
        if n == 0 {
            break;
        }
    }
    Ok(())
}

impl<R: Read> Opener<R> {
    fn fail(&mut self, b: Broken) -> std::io::Error {
        self.broken = Some(b);
        std::io::Error::new(std::io::ErrorKind::InvalidData, "the backup does not authenticate")
    }

    fn next_chunk(&mut self) -> std::io::Result<()> {
        let Some(mut stream) = self.stream.take() else {
            return Ok(());
        };
        let mut c = std::mem::take(&mut self.ahead);
        read_up_to(&mut self.inp, &mut c, CHUNK + TAG + 1)?;
        let last = c.len() <= CHUNK + TAG;
        if !last {
            self.ahead = c.split_off(CHUNK + TAG);
        }
        if c.len() < TAG {
            return Err(self.fail(Broken::CutShort));
        }
        let opened = if last {
            stream.decrypt_last_in_place(&self.header, &mut c)
        } else {
            let r = stream.decrypt_next_in_place(&self.header, &mut c);
            self.stream = Some(stream);
            r
        };
        if opened.is_err() {
            self.stream = None;
            return Err(self.fail(Broken::Tampered { chunk: self.chunk }));
        }
        self.chunk += 1;
        self.plain = c;
        self.pos = 0;
        Ok(())
    }
}

impl<R: Read> Read for Opener<R> {
    fn read(&mut self, out: &mut [u8]) -> std::io::Result<usize> {
        if let Some(b) = self.broken {
            return Err(self.fail(b));
        }
        while self.pos == self.plain.len() {
            if self.stream.is_none() {
                return Ok(0);
            }
            self.next_chunk()?;
        }
        let n = out.len().min(self.plain.len() - self.pos);
        out[..n].copy_from_slice(&self.plain[self.pos..self.pos + n]);
        self.pos += n;
        Ok(n)
    }
}

fn new_header(key: &Key) -> [u8; HEADER] {
    let mut h = [0u8; HEADER];
    h[..8].copy_from_slice(MAGIC);
    h[8] = FORMAT;
    let rest = &mut h[9..];
    rand::Rng::fill(&mut rand::rng(), &mut rest[..SALT]);
    rest[SALT..SALT + KEY_CHECK].copy_from_slice(&key.check());
    rand::Rng::fill(&mut rand::rng(), &mut rest[SALT + KEY_CHECK..SALT + KEY_CHECK + NONCE_PREFIX]);
    rest[SALT + KEY_CHECK + NONCE_PREFIX..].copy_from_slice(&(CHUNK as u32).to_be_bytes());
    h
}

fn salt(h: &[u8; HEADER]) -> &[u8] {
    &h[9..9 + SALT]
}

fn key_check(h: &[u8; HEADER]) -> &[u8] {
    &h[9 + SALT..9 + SALT + KEY_CHECK]
}

fn nonce_prefix(h: &[u8; HEADER]) -> &[u8] {
    &h[9 + SALT + KEY_CHECK..9 + SALT + KEY_CHECK + NONCE_PREFIX]
}

fn cipher(key: &Key, h: &[u8; HEADER]) -> Aes256Gcm {
    Aes256Gcm::new(&key.file_key(salt(h)).into())
}

/// `shouhu backup --out FILE`: a consistent copy of both SQLite databases, taken while the
/// server runs, in one encrypted file.
pub fn backup(url: &str, out: &Path, key_file: Option<&Path>) -> anyhow::Result<()> {
    let started = std::time::Instant::now();
    let dbs = sqlite_paths(url, "backup")?;
    let data_dir = folder_of(&dbs[1].1).to_path_buf();
    if let Some(k) = key_file {
        if inside(k, &data_dir) {
            bail!("the key file is in the data folder {}: keep the key apart from the data", data_dir.display());
        }
        if inside(k, folder_of(out)) {
            bail!("the key file is in the folder the backup goes to: keep the key apart from the backups");
        }
    }
    let key = load_key(key_file)?;
    if out.exists() {
        bail!("{} exists: name a new file", out.display());
    }
    // The copies are made beside the output, in a folder of shouhu's account only, removed
    // whatever happens.
    let scratch = tempfile::Builder::new()
        .prefix(".shouhu-backup-")
        .tempdir_in(folder_of(out))
        .with_context(|| format!("making a work folder in {}", folder_of(out).display()))?;
    // The reports are copied first and the registry after: every child, user and
    // organisation a report or case names is in the registry's copy, since the registry
    // never deletes them.
    let mut entries = Vec::new();
    for (db, path) in &dbs {
        let file = path.file_name().map_or_else(|| format!("{}.db", db.code()), |n| n.to_string_lossy().into_owned());
        let copy = scratch.path().join(&file);
        let versions = copies::snapshot(path, &copy, *db).with_context(|| format!("copying {}", path.display()))?;
        let bytes = std::fs::metadata(&copy)?.len();
        entries.push((copy, Entry { database: db.code().into(), file, schema_versions: versions, bytes }));
    }
    let manifest = Manifest {
        format: FORMAT,
        made_by: format!("shouhu {}", env!("CARGO_PKG_VERSION")),
        created_at: chrono::Utc::now(),
        databases: entries.iter().map(|(_, e)| e.clone()).collect(),
    };
    let partial = tempfile::Builder::new()
        .prefix(".shouhu-backup-")
        .suffix(".partial")
        .tempfile_in(folder_of(out))
        .with_context(|| format!("writing in {}", folder_of(out).display()))?;
    let header = new_header(&key);
    let mut file = std::io::BufWriter::with_capacity(CHUNK + TAG, partial.as_file().try_clone()?);
    file.write_all(&header)?;
    let sealer = Sealer {
        out: file,
        stream: Some(EncryptorBE32::from_aead(cipher(&key, &header), nonce_prefix(&header).into())),
        header,
        buf: Vec::with_capacity(CHUNK + TAG),
    };
    let mut tar = tar::Builder::new(sealer);
    let manifest_json = serde_json::to_vec_pretty(&manifest)?;
    let mut h = tar::Header::new_gnu();
    h.set_size(manifest_json.len() as u64);
    h.set_mode(0o600);
    h.set_mtime(manifest.created_at.timestamp().max(0) as u64);
    h.set_cksum();
    tar.append_data(&mut h, "manifest.json", manifest_json.as_slice())?;
    for (copy, e) in &entries {
        let mut h = tar::Header::new_gnu();
        h.set_size(e.bytes);
        h.set_mode(0o600);
        h.set_mtime(manifest.created_at.timestamp().max(0) as u64);
        h.set_cksum();
        tar.append_data(&mut h, &e.file, std::fs::File::open(copy)?)?;
    }
    let file = tar.into_inner()?.finish()?;
    file.into_inner().map_err(|e| e.into_error())?.sync_all()?;
    partial.persist_noclobber(out).map_err(|e| e.error).with_context(|| format!("writing {}", out.display()))?;
    let size = std::fs::metadata(out)?.len();
    eprintln!(
        "backup {} written: {} MB, {} in {:.1} s, key {}",
        out.display(),
        size / 1_000_000,
        entries
            .iter()
            .map(|(_, e)| format!("{} {:?}", e.database, e.schema_versions.last().unwrap_or(&0)))
            .collect::<Vec<_>>()
            .join(", "),
        started.elapsed().as_secs_f64(),
        key.fingerprint()
    );
    Ok(())
}

/// Why a restore refused: shown as it is, with the assurance that nothing was written.
fn refused(why: impl std::fmt::Display) -> anyhow::Error {
    anyhow::anyhow!("{why}; nothing was restored")
}

/// `shouhu restore --from FILE`: checks the backup through and through, then puts its
/// databases where the URL says (by default the data folder).
pub fn restore(url: &str, from: &Path, key_file: Option<&Path>, force: bool) -> anyhow::Result<()> {
    let dbs = sqlite_paths(url, "restore")?;
    let data_dir = folder_of(&dbs[1].1).to_path_buf();
    if !force
        && let Ok(mut entries) = std::fs::read_dir(&data_dir)
        && entries.next().is_some()
    {
        bail!(
            "{} is not empty: stop shouhu, and add --force to replace its databases (only the database files are \
             replaced); nothing was restored",
            data_dir.display()
        );
    }
    let key = load_key(key_file)?;
    let mut inp = std::io::BufReader::with_capacity(
        CHUNK + TAG + 1,
        std::fs::File::open(from).with_context(|| format!("opening {}", from.display()))?,
    );
    let mut header = [0u8; HEADER];
    let mut got = Vec::new();
    read_up_to(&mut inp, &mut got, HEADER)?;
    if got.len() < 9 || &got[..8] != MAGIC {
        return Err(refused(format!("{} is not a shouhu backup", from.display())));
    }
    if got[8] != FORMAT {
        return Err(refused(format!(
            "{} is in backup format {}, which this shouhu does not know (it reads format {FORMAT}): restore it with the \
             shouhu that made it",
            from.display(),
            got[8]
        )));
    }
    if got.len() < HEADER {
        return Err(refused(format!("{} is cut short", from.display())));
    }
    header.copy_from_slice(&got);
    if key_check(&header) != key.check() {
        return Err(refused(format!(
            "wrong key: {} was not made with key {} (or its header is damaged)",
            from.display(),
            key.fingerprint()
        )));
    }
    if u32::from_be_bytes([header[HEADER - 4], header[HEADER - 3], header[HEADER - 2], header[HEADER - 1]])
        != CHUNK as u32
    {
        return Err(refused(format!("{} has a chunk size this shouhu does not read", from.display())));
    }
    let opener = Opener {
        inp,
        stream: Some(DecryptorBE32::from_aead(cipher(&key, &header), nonce_prefix(&header).into())),
        header,
        ahead: Vec::new(),
        plain: Vec::new(),
        pos: 0,
        chunk: 0,
        broken: None,
    };
    let parent = folder_of(&data_dir).to_path_buf();
    std::fs::create_dir_all(&parent).with_context(|| format!("creating {}", parent.display()))?;
    let staging = tempfile::Builder::new()
        .prefix(".shouhu-restore-")
        .tempdir_in(&parent)
        .with_context(|| format!("making a work folder in {}", parent.display()))?;
    let manifest = match unpack(opener, staging.path()) {
        Ok(m) => m,
        Err(Unpack::Broken(Broken::Tampered { chunk })) => {
            return Err(refused(format!(
                "{} has been changed or damaged (the part at about {} MB does not authenticate)",
                from.display(),
                chunk * CHUNK as u64 / 1_000_000
            )));
        }
        Err(Unpack::Broken(Broken::CutShort)) => return Err(refused(format!("{} is cut short", from.display()))),
        Err(Unpack::Other(e)) => return Err(refused(format!("{}: {e:#}", from.display()))),
    };
    for (db, path) in &dbs {
        let name = path.file_name().map(|n| n.to_string_lossy().into_owned()).unwrap_or_default();
        let Some(entry) = manifest.databases.iter().find(|e| e.database == db.code()) else {
            return Err(refused(format!("the backup holds no {} database", db.code())));
        };
        let staged = staging.path().join(&entry.file);
        match copies::check_copy(&staged, *db)? {
            Ok(_) => {}
            Err(problem) => return Err(refused(problem)),
        }
        // Staged under the name the target will have.
        if entry.file != name {
            std::fs::rename(&staged, staging.path().join(&name))?;
        }
    }
    // Everything checked: now, and only now, the data folder is written.
    owner_only_dir(&data_dir)?;
    for (_, path) in &dbs {
        for suffix in ["-wal", "-shm", ""] {
            let mut p = path.as_os_str().to_owned();
            p.push(suffix);
            match std::fs::remove_file(PathBuf::from(p)) {
                Ok(()) => {}
                Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
                Err(e) => return Err(e).with_context(|| format!("removing the old {}", path.display())),
            }
        }
        let name = path.file_name().unwrap_or_default();
        std::fs::rename(staging.path().join(name), path)
            .with_context(|| format!("putting the restored database at {}", path.display()))?;
    }
    std::fs::File::open(&data_dir).and_then(|d| d.sync_all()).ok();
    eprintln!(
        "restored {} into {} (made {}; {}); start shouhu on it",
        from.display(),
        data_dir.display(),
        shouhu_domain::clock::china_time(manifest.created_at),
        manifest
            .databases
            .iter()
            .map(|e| format!("{} schema {:?}", e.database, e.schema_versions.last().unwrap_or(&0)))
            .collect::<Vec<_>>()
            .join(", ")
    );
    Ok(())
}

enum Unpack {
    Broken(Broken),
    Other(anyhow::Error),
}

/// Decrypts and unpacks the archive into `dir`, reading it to its very end, so that the
/// last chunk's tag is checked too.
fn unpack<R: Read>(opener: Opener<R>, dir: &Path) -> Result<Manifest, Unpack> {
    let mut archive = tar::Archive::new(opener);
    let outcome = (|| -> anyhow::Result<Manifest> {
        let mut manifest: Option<Manifest> = None;
        for entry in archive.entries()? {
            let mut entry = entry?;
            let name = entry.path()?.to_string_lossy().into_owned();
            if name == "manifest.json" {
                let mut text = Vec::new();
                entry.by_ref().take(1 << 20).read_to_end(&mut text)?;
                let m: Manifest = serde_json::from_slice(&text).context("its manifest cannot be read")?;
                if m.format != FORMAT {
                    bail!("its archive is in format {}, which this shouhu does not know", m.format);
                }
                manifest = Some(m);
                continue;
            }
            let Some(m) = &manifest else { bail!("its archive does not start with its manifest") };
            let Some(e) = m.databases.iter().find(|e| e.file == name && !name.contains('/')) else {
                bail!("its archive holds a file its manifest does not name: {name}");
            };
            let mut f = private_file(&dir.join(&e.file)).map_err(|e| anyhow::anyhow!("{e:#}"))?;
            let n = std::io::copy(&mut entry, &mut f)?;
            if n != e.bytes {
                bail!("{} holds {n} bytes, its manifest says {}", e.file, e.bytes);
            }
            f.sync_all()?;
        }
        manifest.context("its archive holds no manifest")
    })();
    let mut opener = archive.into_inner();
    // Whatever the archive said, the rest of the stream must authenticate too.
    let drained = std::io::copy(&mut opener, &mut std::io::sink());
    if let Some(b) = opener.broken {
        return Err(Unpack::Broken(b));
    }
    let manifest = outcome.map_err(Unpack::Other)?;
    drained.map_err(|e| Unpack::Other(e.into()))?;
    for db in Database::ALL {
        if !manifest.databases.iter().any(|e| e.database == db.code()) {
            return Err(Unpack::Other(anyhow::anyhow!("the backup holds no {} database", db.code())));
        }
    }
    Ok(manifest)
}

/// The data folder for shouhu's own account only (0700), created if missing.
fn owner_only_dir(dir: &Path) -> anyhow::Result<()> {
    std::fs::create_dir_all(dir).with_context(|| format!("creating {}", dir.display()))?;
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))
            .with_context(|| format!("restricting {}", dir.display()))?;
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sealed(key: &Key, plain: &[u8]) -> Vec<u8> {
        let header = new_header(key);
        let mut out = header.to_vec();
        let mut s = Sealer {
            out: &mut out,
            stream: Some(EncryptorBE32::from_aead(cipher(key, &header), nonce_prefix(&header).into())),
            header,
            buf: Vec::new(),
        };
        s.write_all(plain).expect("write");
        s.finish().expect("finish");
        out
    }

    fn opened(key: &Key, file: &[u8]) -> (Vec<u8>, Option<Broken>) {
        let mut header = [0u8; HEADER];
        header.copy_from_slice(&file[..HEADER]);
        let mut o = Opener {
            inp: &file[HEADER..],
            stream: Some(DecryptorBE32::from_aead(cipher(key, &header), nonce_prefix(&header).into())),
            header,
            ahead: Vec::new(),
            plain: Vec::new(),
            pos: 0,
            chunk: 0,
            broken: None,
        };
        let mut out = Vec::new();
        let _ = o.read_to_end(&mut out);
        (out, o.broken)
    }

    #[test]
    fn what_is_sealed_opens_at_every_length_around_a_chunk() {
        let key = Key(Secret::from_bytes([7; 32]));
        for len in [0, 1, CHUNK - 1, CHUNK, CHUNK + 1, 2 * CHUNK, 2 * CHUNK + 5] {
            let plain: Vec<u8> = (0..len).map(|i| (i % 251) as u8).collect();
            let file = sealed(&key, &plain);
            assert_eq!(opened(&key, &file), (plain, None), "length {len}");
        }
    }

    #[test]
    fn a_flipped_byte_a_cut_or_a_moved_chunk_is_refused() {
        let key = Key(Secret::from_bytes([9; 32]));
        let plain = vec![1u8; 3 * CHUNK + 10];
        let file = sealed(&key, &plain);
        for at in [HEADER + 3, HEADER + CHUNK + TAG + 100, file.len() - 1, 20] {
            let mut bad = file.clone();
            bad[at] ^= 1;
            assert!(matches!(opened(&key, &bad).1, Some(Broken::Tampered { .. })), "flip at {at}");
        }
        // Cut at a chunk's end: the chunk before is not the one marked last.
        let cut = &file[..HEADER + 2 * (CHUNK + TAG)];
        assert!(opened(&key, cut).1.is_some());
        // Two chunks swapped.
        let mut swapped = file[..HEADER].to_vec();
        swapped.extend_from_slice(&file[HEADER + CHUNK + TAG..HEADER + 2 * (CHUNK + TAG)]);
        swapped.extend_from_slice(&file[HEADER..HEADER + CHUNK + TAG]);
        swapped.extend_from_slice(&file[HEADER + 2 * (CHUNK + TAG)..]);
        assert!(matches!(opened(&key, &swapped).1, Some(Broken::Tampered { chunk: 0 })));
    }

    #[test]
    fn each_file_has_its_own_key_and_a_key_is_recognised_by_its_check() {
        let key = Key(Secret::from_bytes([3; 32]));
        let (a, b) = (new_header(&key), new_header(&key));
        assert_ne!(salt(&a), salt(&b));
        assert_ne!(key.file_key(salt(&a)), key.file_key(salt(&b)));
        assert_eq!(key_check(&a), key.check());
        assert_ne!(Key(Secret::from_bytes([4; 32])).check(), key.check());
        assert!(Key::parse(&format!("{}\n", hex::encode([5u8; 32]))).is_some());
        assert!(Key::parse("abcd").is_none());
    }
}
