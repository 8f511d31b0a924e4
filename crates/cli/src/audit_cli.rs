//! `shouhu audit`: the audit chain's key (decision 90) and the commands that check the chain
//! (`verify`) and, after a lost key, begin a new one (`new-chain`).

use anyhow::Context;
use shouhu_domain::clock::china_time_seconds;
use shouhu_domain::role::{Role, Scope};
use shouhu_store::audit_chain::{self, AuditKey, KEY_BYTES, Place, Verdict};
use shouhu_store::{Actor, DbUrl, Pool};
use std::path::Path;

/// The key as 64 hexadecimal digits; when set, the key file is neither read nor created.
pub const KEY_ENV: &str = "SHOUHU_AUDIT_KEY";

/// The audit key: from `SHOUHU_AUDIT_KEY` if it is set, else from `file` (64 hexadecimal
/// digits, or the 32 bytes themselves). With `create`, a missing file is made with 32 random
/// bytes, readable and writable by shouhu's account only, as the first start writes the
/// settings document.
pub fn load_key(file: &Path, create: bool) -> anyhow::Result<AuditKey> {
    if let Some(text) = std::env::var(KEY_ENV).ok().filter(|t| !t.trim().is_empty()) {
        return AuditKey::from_hex(&text).map_err(|e| anyhow::anyhow!("{KEY_ENV}: {e}"));
    }
    match std::fs::read(file) {
        Ok(bytes) => {
            owner_only(file)?;
            key_from_file(&bytes).map_err(|e| anyhow::anyhow!("audit key file {}: {e}", file.display()))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound && create => {
            let bytes = AuditKey::random_bytes();
            write_new(file, format!("{}\n", hex::encode(bytes)).as_bytes())
                .with_context(|| format!("writing the audit key file {}", file.display()))?;
            tracing::info!(path = %file.display(), "wrote a new audit key: keep a copy of it apart from the database");
            Ok(AuditKey::new(&bytes))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => anyhow::bail!(
            "no audit key: {} does not exist and {KEY_ENV} is not set (the key the audit log was written with is needed)",
            file.display()
        ),
        Err(e) => Err(e).with_context(|| format!("reading the audit key file {}", file.display())),
    }
}

fn key_from_file(bytes: &[u8]) -> Result<AuditKey, String> {
    if let Ok(raw) = <[u8; KEY_BYTES]>::try_from(bytes) {
        return Ok(AuditKey::new(&raw));
    }
    AuditKey::from_hex(std::str::from_utf8(bytes).map_err(|_| "neither 32 bytes nor 64 hexadecimal digits")?)
}

/// Creates `path` (never over an existing file) with mode 0600.
fn write_new(path: &Path, contents: &[u8]) -> std::io::Result<()> {
    use std::io::Write;
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir)?;
    }
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut f = options.open(path)?;
    f.write_all(contents)?;
    f.sync_all()
}

/// A key file others on the machine can read is made shouhu's own.
fn owner_only(path: &Path) -> anyhow::Result<()> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = std::fs::metadata(path)?.permissions().mode();
        if mode & 0o077 != 0 {
            std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
                .with_context(|| format!("restricting {}", path.display()))?;
        }
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

/// Opens the database as it is: no migration, no new file.
fn open_pool(url: &str) -> anyhow::Result<Pool> {
    let url = DbUrl::parse(url)?;
    if let DbUrl::Sqlite(path) = &url {
        anyhow::ensure!(path.exists(), "no database at {}", path.display());
    }
    Ok(Pool::open(&url, 2)?)
}

/// An entry as the operator looks it up: its place in the chain, id and time in China.
fn place(p: &Place) -> String {
    let at = p
        .at
        .map_or_else(|| "a time that is not a time".to_string(), |t| format!("{} China time", china_time_seconds(t)));
    match p.seq {
        Some(seq) => format!("seq {seq} (id {}, {at})", p.id),
        None => format!("id {} ({at}, no seq)", p.id),
    }
}

/// `shouhu audit verify`: walks the chain; prints "audit log intact: N entries" or fails
/// naming the first entry changed, removed or inserted.
pub fn verify(url: &str, key: &AuditKey) -> anyhow::Result<()> {
    let pool = open_pool(url)?;
    let started = std::time::Instant::now();
    let verdict = audit_chain::verify(&pool, key)
        .context("reading the audit chain (a database shouhu has not migrated since the chain came has none)")?;
    match verdict {
        Verdict::Intact { entries, last_mac, chained_at_start, began_at, key_since_seq, key_since } => {
            println!("audit log intact: {entries} {}", if entries == 1 { "entry" } else { "entries" });
            if entries > 0 {
                println!("last entry: seq {entries}, mac {last_mac} (note it elsewhere to catch a cut end later)");
            }
            let day = |t: Option<chrono::DateTime<chrono::Utc>>| {
                t.map(|t| format!("{} China time", china_time_seconds(t))).unwrap_or_default()
            };
            if chained_at_start > 0 {
                println!(
                    "the first {chained_at_start} entries were written before the chain began ({}) and chained then: \
                     changes made to them before that cannot be seen",
                    day(began_at)
                );
            }
            if key_since_seq > 1 {
                println!(
                    "entries 1 to {} were chained with an earlier key, replaced on {}: their order was checked, \
                     their content cannot be",
                    key_since_seq - 1,
                    day(key_since)
                );
            }
            eprintln!("checked in {:.1} s", started.elapsed().as_secs_f64());
            Ok(())
        }
        Verdict::WrongKey => anyhow::bail!(
            "wrong audit key: this key is not the one the audit log was chained with (see {KEY_ENV} and --audit-key-file); \
             nothing was checked"
        ),
        Verdict::NotBegun => anyhow::bail!("the audit log has no chain yet: start shouhu once with its audit key"),
        Verdict::Changed(p) => {
            anyhow::bail!("audit log broken: entry {} was changed (it does not follow the entry before it)", place(&p))
        }
        Verdict::Removed { seq, before, after } => anyhow::bail!(
            "audit log broken: entry seq {seq} was removed (after {}, before {})",
            before.map_or_else(|| "the start".to_string(), |p| place(&p)),
            after.map_or_else(|| "the end".to_string(), |p| place(&p)),
        ),
        Verdict::RemovedAtEnd { first, last, before } => anyhow::bail!(
            "audit log broken: {} removed (the last one there is {})",
            if first == last {
                format!("the last entry, seq {first}, was")
            } else {
                format!("the last entries, seq {first} to {last}, were")
            },
            before.map_or_else(|| "none".to_string(), |p| place(&p)),
        ),
        Verdict::Inserted(p) => {
            anyhow::bail!("audit log broken: entry {} was inserted (it has no place in the chain)", place(&p))
        }
        Verdict::HeadMismatch(p) => anyhow::bail!(
            "audit log broken: the chain's head does not end at entry {}: entries after it were removed",
            place(&p)
        ),
    }
}

/// `shouhu audit new-chain`: after the key was lost, makes the key in use the chain's from
/// the next entry on, and says so in the log.
pub fn new_chain(url: &str, key: &AuditKey, now: chrono::DateTime<chrono::Utc>) -> anyhow::Result<()> {
    let pool = open_pool(url)?;
    shouhu_store::migrate::run(&pool)?;
    let actor = Actor {
        user_id: None,
        user_name: "系统（shouhu audit new-chain）".into(),
        role: Role::Admin,
        scope: Scope::Nothing,
    };
    let first = audit_chain::new_chain(&pool, key, now, &actor)?;
    println!(
        "a new audit chain begins at seq {first} with this key; `shouhu audit verify` checks the order of entries 1 to {} \
         and the content of the rest",
        first - 1
    );
    Ok(())
}
