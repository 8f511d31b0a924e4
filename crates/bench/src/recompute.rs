//! `recompute`: the daily recompute on an existing database (issue 17; decisions 120-124).
//! Requirement at 1,000,000 children: a run < 60 s on SQLite and on PostgreSQL, no batch
//! holding the write lock 1 s or more.
//!
//! The store runs on a clock the bench moves: the first run (every file opened, as a first
//! run or one after `age.rule` changed does), then `--days` daily runs, each one day later
//! (the files whose child's age ended something are opened and written, the rest read).

use crate::report;
use shouhu_domain::clock::{Clock, FixedClock, SystemClock};
use shouhu_store::recompute::{Options, Outcome, RunRecord};
use std::sync::Arc;
use std::time::Instant;

pub struct Opts {
    /// sqlite://PATH or postgres://…
    pub database_url: String,
    /// The data key file (default: the one beside a SQLite database).
    pub data_key_file: Option<std::path::PathBuf>,
    /// The audit key file.
    pub audit_key_file: std::path::PathBuf,
    pub days: u32,
    pub check: bool,
}

struct Timed {
    what: String,
    secs: f64,
    run: RunRecord,
}

fn one(store: &shouhu_store::Store, what: &str, again: bool) -> anyhow::Result<Timed> {
    let started = Instant::now();
    let out = store.recompute(&Options { server: "shouhu-bench".into(), again, ..Options::default() })?;
    let secs = started.elapsed().as_secs_f64();
    match out {
        Outcome::Finished { run, .. } => Ok(Timed { what: what.into(), secs, run }),
        other => anyhow::bail!("the run did not finish: {other:?}"),
    }
}

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    let clock = Arc::new(FixedClock::new(SystemClock.now()));
    let keys = match &o.data_key_file {
        Some(p) => shouhu_store::crypto::KeySource::File { path: p.clone(), create: false },
        None => shouhu_store::crypto::KeySource::beside(&shouhu_store::DbUrl::parse(&o.database_url)?)?,
    };
    let audit_key = shouhu::audit_cli::load_key(&o.audit_key_file, true)?;
    let store = shouhu::server::open_store_keyed(&o.database_url, clock.clone(), Default::default(), keys, audit_key)?;
    let open: i64 = store
        .pool
        .read(|c| c.query_opt("SELECT count(*) FROM children WHERE closed = FALSE", &[], |r| r.i64(0)))?
        .unwrap_or(0);
    let mut runs = vec![one(&store, "full walk (first run, or after age.rule changed)", true)?];
    for d in 1..=o.days {
        clock.advance(chrono::Duration::days(1));
        runs.push(one(&store, &format!("daily run, day {d}"), false)?);
    }
    report::header("Daily recompute (issue 17)");
    println!("backend: {}, open files: {open}\n", if store.pool.is_sqlite() { "SQLite" } else { "PostgreSQL" });
    println!("| run | wall time | files seen | changed | batches | longest write lock |");
    println!("|---|---|---|---|---|---|");
    for t in &runs {
        println!(
            "| {} | {:.1} s | {} | {} | {} | {} ms |",
            t.what, t.secs, t.run.files_seen, t.run.changed, t.run.batches, t.run.longest_batch_ms
        );
    }
    let mut daily: Vec<f64> = runs.iter().skip(1).map(|t| t.secs).collect();
    daily.sort_by(f64::total_cmp);
    let median = daily.get(daily.len() / 2).copied().unwrap_or(runs[0].secs);
    let longest = runs.iter().map(|t| t.run.longest_batch_ms).max().unwrap_or(0);
    let pass = runs.iter().all(|t| t.secs < 60.0) && longest < 1000;
    println!(
        "\nmedian daily run {median:.1} s; full walk {:.1} s; longest write lock {longest} ms: {}",
        runs[0].secs,
        if pass { "**PASS** (< 60 s, < 1 s)" } else { "**MISS**" }
    );
    Ok(pass || !o.check)
}
