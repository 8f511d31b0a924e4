//! Compares SQLite's two ways of copying a live database (decision 92): the online backup
//! API in one step, and `VACUUM INTO`; each alone and while another connection commits a
//! row every millisecond.
//!
//! `cargo run --release -p shouhu-store --example backup_methods -- data/shouhu.db`
//! (the file is written to: a scratch table is added and dropped).

use rusqlite::Connection;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn backup_api(src: &Path, dst: &Path) -> rusqlite::Result<()> {
    let source = Connection::open(src)?;
    source.busy_timeout(Duration::from_secs(30))?;
    let mut target = Connection::open(dst)?;
    let copy = rusqlite::backup::Backup::new(&source, &mut target)?;
    while copy.step(-1)? != rusqlite::backup::StepResult::Done {
        std::thread::sleep(Duration::from_millis(50));
    }
    Ok(())
}

fn vacuum_into(src: &Path, dst: &Path) -> rusqlite::Result<()> {
    let source = Connection::open(src)?;
    source.busy_timeout(Duration::from_secs(30))?;
    source.execute("VACUUM INTO ?1", [dst.to_string_lossy()])?;
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let src = PathBuf::from(std::env::args().nth(1).ok_or("usage: backup_methods DB")?);
    let scratch = tempfile::tempdir()?;
    let setup = Connection::open(&src)?;
    setup.execute_batch("PRAGMA journal_mode=WAL; CREATE TABLE IF NOT EXISTS bench_writes (x INTEGER)")?;
    println!("database: {} MB", std::fs::metadata(&src)?.len() / 1_000_000);
    for loaded in [false, true] {
        for (name, method) in [
            ("backup API, one step", backup_api as fn(&Path, &Path) -> rusqlite::Result<()>),
            ("VACUUM INTO", vacuum_into),
        ] {
            let stop = Arc::new(AtomicBool::new(false));
            let writes = Arc::new(AtomicU64::new(0));
            let writer = loaded.then(|| {
                let (src, stop, writes) = (src.clone(), stop.clone(), writes.clone());
                std::thread::spawn(move || -> rusqlite::Result<()> {
                    let c = Connection::open(&src)?;
                    c.busy_timeout(Duration::from_secs(5))?;
                    c.execute_batch("PRAGMA synchronous=NORMAL")?;
                    while !stop.load(Ordering::Relaxed) {
                        c.execute("INSERT INTO bench_writes VALUES (1)", [])?;
                        writes.fetch_add(1, Ordering::Relaxed);
                        std::thread::sleep(Duration::from_millis(1));
                    }
                    Ok(())
                })
            });
            let dst = scratch.path().join(format!("{}-{loaded}.db", name.len()));
            let started = Instant::now();
            method(&src, &dst)?;
            let took = started.elapsed();
            stop.store(true, Ordering::Relaxed);
            if let Some(w) = writer {
                w.join().map_err(|_| "writer panicked")??;
            }
            println!(
                "{name:<22} {:<16} {:>7.2} s  copy {:>5} MB  writes meanwhile {}",
                if loaded { "under writes" } else { "alone" },
                took.as_secs_f64(),
                std::fs::metadata(&dst)?.len() / 1_000_000,
                writes.load(Ordering::Relaxed)
            );
            std::fs::remove_file(&dst)?;
        }
    }
    setup.execute_batch("DROP TABLE bench_writes")?;
    Ok(())
}
