//! `generate`: the demo organisations and accounts, then N synthetic children, timed.

use crate::report;
use anyhow::Context;
use shouhu_domain::clock::{Clock, SystemClock};
use std::path::Path;
use std::sync::Arc;
use std::time::Instant;

pub fn run(db_dir: &Path, children: u64, seed: u64) -> anyhow::Result<bool> {
    let db = db_dir.join("shouhu.db");
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let url = format!("sqlite://{}", db.display());
    let started = Instant::now();
    let store = shouhu::server::open_store(&url, clock, crate::audit_key(&db)?).context("opening the store")?;
    shouhu::seed::demo(&store)?;
    let seeded = started.elapsed();
    let t = Instant::now();
    let n = shouhu::seed::synthetic_children(&store, children, seed, |done| {
        eprint!("\r{done}/{children}");
    })?;
    let took = t.elapsed();
    eprintln!();
    drop(store);
    let size = std::fs::metadata(&db).map(|m| m.len()).unwrap_or(0)
        + std::fs::metadata(db_dir.join("shouhu.db-wal")).map(|m| m.len()).unwrap_or(0);
    report::header("Generating synthetic children");
    println!("- database: `{}` ({:.0} MiB with its WAL afterwards)\n", db.display(), size as f64 / 1024.0 / 1024.0);
    println!("| step | children | seconds | children/s |");
    println!("|---|---:|---:|---:|");
    println!("| open + migrate + demo seed | — | {:.1} | — |", seeded.as_secs_f64());
    println!(
        "| synthetic children (batches of 10,000, one transaction each) | {n} | {:.1} | {:.0} |",
        took.as_secs_f64(),
        n as f64 / took.as_secs_f64()
    );
    Ok(true)
}
