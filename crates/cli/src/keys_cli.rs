//! `shouhu keys new | rotate | retire`: the data key (decisions 97, 98).

use anyhow::{Context, bail};
use shouhu_store::Store;
use shouhu_store::crypto::{self, Ring};
use shouhu_store::keyfile::{self, Secret};
use shouhu_store::rekey;
use std::path::Path;
use std::time::Duration;

/// `shouhu keys new --out FILE`: a new data key (version 1) in a new file, 0600, outside the
/// data folder, for `--data-key-file` or, its text, `SHOUHU_DATA_KEY`.
pub fn new_key(out: &Path, data_dir: &Path) -> anyhow::Result<()> {
    if keyfile::inside(out, data_dir) {
        bail!(
            "keep the data key apart from the data folder {}: whoever has a copy of the data would have the key too",
            data_dir.display()
        );
    }
    let text = crypto::key_file_text(&[(1, Secret::random())]);
    let mut f = keyfile::create(out)?;
    std::io::Write::write_all(&mut f, text.as_bytes())?;
    f.sync_all()?;
    let ring = Ring::parse(&text).map_err(anyhow::Error::msg)?;
    eprintln!(
        "data key {} written to {} (0600). Start shouhu with --data-key-file {} and keep a copy apart from the data \
         and its backups: without it no ID or phone number can be read.",
        ring.check(1).map(|c| crypto::fingerprint(&c)).unwrap_or_default(),
        out.display(),
        out.display()
    );
    Ok(())
}

/// How a rotation goes: rows per transaction, a limit of transactions for this run, and how
/// long to give running servers to read a new key before re-encrypting.
#[derive(Debug, Clone, Copy)]
pub struct RotateOpts {
    pub batch: usize,
    pub max_batches: Option<usize>,
    pub settle: Duration,
}

/// `shouhu keys rotate`: when every value is sealed with the newest key, adds a new key
/// version to the key file; then re-encrypts, in batches, every value not sealed with the
/// newest. Stopped (or limited with `--max-batches`), it goes on where it is when run again.
pub fn rotate(store: &Store, opts: RotateOpts) -> anyhow::Result<rekey::Resealed> {
    let ring = store.cipher.ring();
    let known = rekey::registered(&store.pool)?;
    let current = ring.current();
    let rotated = known.iter().find(|k| k.version == current).is_some_and(|k| k.rotated_at.is_some());
    let target = if rotated {
        let Some(path) = store.cipher.source().file() else {
            bail!(
                "the data key comes from {}, which this command cannot change: add a new version to it \
                 (`VERSION:HEX`, a version above {current}; `shouhu keys new --out FILE` makes a key), restart shouhu, \
                 and run `shouhu keys rotate` again to re-encrypt",
                crypto::KEY_ENV
            );
        };
        let next = known.iter().map(|k| k.version).chain([current]).max().unwrap_or(current).checked_add(1);
        let next = next.context("no key version is left above 65535")?;
        let mut text = keyfile::read(path)?;
        if !text.ends_with('\n') {
            text.push('\n');
        }
        text.push_str(&format!("{next}:{}\n", Secret::random().to_hex()));
        keyfile::replace(path, &text)?;
        store.cipher.reload();
        let ring = store.cipher.ring();
        anyhow::ensure!(ring.current() == next, "the key file {} did not take the new key", path.display());
        rekey::register_new(&store.pool, &ring, store.now())?;
        eprintln!(
            "added data key version {next} (fingerprint {}) to {}; the older versions stay in it until every value is \
             re-encrypted and `shouhu keys retire` removes them",
            ring.check(next).map(|c| crypto::fingerprint(&c)).unwrap_or_default(),
            path.display()
        );
        if !opts.settle.is_zero() {
            eprintln!("waiting {} s for a running shouhu to read the new key", opts.settle.as_secs());
            std::thread::sleep(opts.settle);
        }
        next
    } else {
        eprintln!("going on re-encrypting with data key version {current}");
        current
    };
    let started = std::time::Instant::now();
    let done = store.reseal(opts.batch, opts.max_batches, |table, n| eprint!("\r{table}: {n} rows gone through   "))?;
    eprintln!();
    if done.finished {
        rekey::mark_rotated(&store.pool, target, store.now())?;
        eprintln!(
            "every value is sealed with data key version {target}: {} values in {} rows re-encrypted in {:.1} s. Run \
             `shouhu keys retire` to remove the older versions from the key file once every running shouhu has been \
             restarted or has run for a minute since the new key was added.",
            done.values,
            done.rows,
            started.elapsed().as_secs_f64()
        );
    } else {
        eprintln!(
            "stopped after {} batches ({} rows re-encrypted); every value reads meanwhile. Run `shouhu keys rotate` \
             again to go on.",
            done.batches, done.rows
        );
    }
    Ok(done)
}

/// `shouhu keys retire`: re-encrypts anything still under an older version (a server that
/// had not yet read the new key may have written some), then removes the older versions
/// from the key file and notes them retired.
pub fn retire(store: &Store) -> anyhow::Result<Vec<u16>> {
    let ring = store.cipher.ring();
    let current = ring.current();
    let done = store.reseal(rekey::BATCH, None, |_, _| {})?;
    if done.values > 0 {
        eprintln!("re-encrypted {} values still under an older key version", done.values);
    }
    rekey::mark_rotated(&store.pool, current, store.now())?;
    let older: Vec<u16> = ring.versions().into_iter().filter(|v| *v < current).collect();
    if let Some(path) = store.cipher.source().file() {
        if !older.is_empty() {
            keyfile::replace(path, &crypto::keep_only(&keyfile::read(path)?, current))?;
        }
    } else if !older.is_empty() {
        eprintln!("remove versions {older:?} from {} yourself", crypto::KEY_ENV);
    }
    let retired = rekey::mark_retired(&store.pool, current, store.now())?;
    eprintln!("data key version {current} seals everything; retired versions: {retired:?}");
    Ok(retired)
}
