//! `queries` (diagnostic): the store calls behind search and the ledger, timed one at a time on
//! one thread, without HTTP, authentication or concurrency, so that the cost of the SQL can be
//! told apart from queueing and lock waits under load.

use crate::http::search_queries;
use crate::report;
use crate::stats::{Samples, ms};
use anyhow::{Context, ensure};
use shouhu_domain::clock::{Clock, SystemClock};

use shouhu_store::Store;
use shouhu_store::audit::Action;
use shouhu_store::children::LedgerFilter;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

/// One store call, run from several threads.
type Call<'a> = dyn Fn() -> anyhow::Result<()> + Sync + 'a;

pub struct Opts {
    pub db: PathBuf,
    pub reps: usize,
    pub sample_children: usize,
    pub threads: usize,
    pub secs: u64,
}

/// `threads` threads call `f` in a loop for `secs` seconds; every call timed.
pub(crate) fn concurrent(
    threads: usize,
    secs: u64,
    f: &(dyn Fn() -> anyhow::Result<()> + Sync),
) -> anyhow::Result<(Samples, f64)> {
    let deadline = Instant::now() + std::time::Duration::from_secs(secs);
    let started = Instant::now();
    let parts: Vec<anyhow::Result<Samples>> = std::thread::scope(|sc| {
        let hs: Vec<_> = (0..threads)
            .map(|_| {
                sc.spawn(move || {
                    let mut s = Samples::default();
                    while Instant::now() < deadline {
                        let t = Instant::now();
                        f()?;
                        s.push(t.elapsed());
                    }
                    anyhow::Ok(s)
                })
            })
            .collect();
        hs.into_iter().map(|h| h.join().unwrap_or_else(|_| Err(anyhow::anyhow!("thread panicked")))).collect()
    });
    let mut all = Samples::default();
    for p in parts {
        all.extend(&p?);
    }
    Ok((all, started.elapsed().as_secs_f64()))
}

fn time(reps: usize, mut f: impl FnMut() -> anyhow::Result<()>) -> anyhow::Result<Samples> {
    f()?; // warm-up
    let mut s = Samples::with_capacity(reps);
    for _ in 0..reps {
        let t = Instant::now();
        f()?;
        s.push(t.elapsed());
    }
    Ok(s)
}

fn row(what: &str, s: &mut Samples) {
    let m = s.summary();
    println!("| {what} | {} | {:.2} | {:.2} | {:.2} |", m.count, ms(m.p50), ms(m.p99), ms(m.max));
}

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    ensure!(o.db.is_file(), "{} does not exist", o.db.display());
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let url = format!("sqlite://{}", o.db.display());
    let store: Store =
        shouhu::server::open_store(&url, clock, crate::audit_key(&o.db)?).context("opening the store")?;
    let (targets, classes) = search_queries(&store, o.sample_children)?;
    let children: i64 =
        store.pool.read(|c| c.query_opt("SELECT count(*) FROM children", &[], |r| r.i64(0)))?.unwrap_or(0);

    report::header("Store calls behind search and the ledger (one thread, no HTTP)");
    println!(
        "- database: `{}`, {children} children; {} repetitions per query after one warm-up\n",
        o.db.display(),
        o.reps
    );
    println!("| call | calls | p50 (ms) | p99 (ms) | max (ms) |");
    println!("|---|---:|---:|---:|---:|");
    let scopes = [("city-wide (12)", crate::officer("12")), ("township (120114101)", crate::officer("120114101"))];
    for (scope_name, scope) in &scopes {
        for (c, class) in classes.iter().enumerate() {
            let mut all = Samples::default();
            for t in targets.iter().filter(|t| t.class == c) {
                let s = time(o.reps, || {
                    black_box(store.search(scope, &t.shown, 20)?);
                    Ok(())
                })?;
                all.extend(&s);
            }
            row(&format!("`Store::search`, {class}, scope {scope_name}"), &mut all);
        }
        let mut s = time(o.reps * 20, || {
            black_box(store.ledger(scope, &LedgerFilter::default(), 1, 20)?);
            Ok(())
        })?;
        row(&format!("`Store::ledger` first page (20 rows + capped count), scope {scope_name}"), &mut s);
    }
    let actor = crate::officer("12");
    let mut s = time(o.reps * 20, || {
        store.audit(&actor, Action::Search, None, "shouhu-bench")?;
        Ok(())
    })?;
    row("`Store::audit` (one audit row, its own write transaction)", &mut s);

    println!("\nThe same calls from {} threads at once for {} s each (no HTTP; city-wide scope):\n", o.threads, o.secs);
    println!("| calls | calls/s | p50 (ms) | p99 (ms) | max (ms) |");
    println!("|---|---:|---:|---:|---:|");
    let city = crate::officer("12");
    let filter = LedgerFilter::default();
    let variants: [(&str, Box<Call<'_>>); 3] = [
        (
            "`Store::ledger` only",
            Box::new(|| {
                black_box(store.ledger(&city, &filter, 1, 20)?);
                Ok(())
            }),
        ),
        (
            "`Store::audit` only",
            Box::new(|| {
                store.audit(&actor, Action::ViewLedger, None, "shouhu-bench")?;
                Ok(())
            }),
        ),
        (
            "`Store::ledger` + `Store::audit` (what the API handler does)",
            Box::new(|| {
                black_box(store.ledger(&city, &filter, 1, 20)?);
                store.audit(&actor, Action::ViewLedger, None, "shouhu-bench")?;
                Ok(())
            }),
        ),
    ];
    for (name, f) in &variants {
        let (mut s, secs) = concurrent(o.threads, o.secs, f.as_ref())?;
        let m = s.summary();
        println!("| {name} | {:.0} | {:.2} | {:.2} | {:.2} |", m.count as f64 / secs, ms(m.p50), ms(m.p99), ms(m.max));
    }
    Ok(true)
}
