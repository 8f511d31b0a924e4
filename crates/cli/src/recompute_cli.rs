//! `shouhu recompute`: the daily recompute on demand (decisions 120-124).

use shouhu_domain::child::Warning;
use shouhu_store::Store;
use shouhu_store::recompute::{Changes, Options, Outcome, RunRecord, this_server};

/// Runs (or goes on with) today's recompute and prints what changed.
pub fn run(store: &Store, again: bool, full: bool, max_batches: Option<u32>) -> anyhow::Result<()> {
    let opts = Options { server: this_server(), again, full, max_batches, batch_files: None };
    match store.recompute(&opts)? {
        Outcome::Finished { run, changes, resumed } => {
            if resumed {
                println!("Resumed the interrupted run of {}.", run.day);
            }
            print_changes(&changes);
            print_run("Finished", &run);
        }
        Outcome::Stopped { run, changes } => {
            print_changes(&changes);
            print_run("Stopped after the batches asked for; run again to go on", &run);
        }
        Outcome::AlreadyDone(run) => {
            print_run("Today's recompute already ran (--again to walk again)", &run);
        }
        Outcome::Busy { holder } => {
            anyhow::bail!("another server ({holder}) is running the recompute; it goes on from where it is")
        }
    }
    Ok(())
}

/// What changed, one line a kind.
pub fn print_changes(c: &Changes) {
    println!("files changed: {}", c.files);
    println!("  no longer left-behind (reached 16): {}", c.no_longer_left_behind);
    for (code, (ended, began)) in &c.warnings {
        let label = Warning::parse(code).map_or(*code, |w| w.label());
        println!("  warning {code} ({label}): ended {ended}, began {began}");
    }
    println!("children who reached 16 (now awaiting the township's decision): {}", c.turned_16);
}

fn print_run(what: &str, r: &RunRecord) {
    println!(
        "{what}: run {} for {} by {}, {} files seen, {} changed, {} batches, longest write {} ms{}",
        r.id,
        r.day,
        r.server,
        r.files_seen,
        r.changed,
        r.batches,
        r.longest_batch_ms,
        if r.full_walk { ", every file opened" } else { "" }
    );
}
