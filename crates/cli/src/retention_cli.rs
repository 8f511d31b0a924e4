//! `shouhu retention --dry-run | --apply` (decision 94).

use shouhu_store::Store;
use shouhu_store::retention::{BATCH, Counts, retention_actor};

/// Goes through the closed files due; prints, per district, the files, reports and cases
/// that change (or, in a dry run, would change).
pub fn run(store: &Store, apply: bool) -> anyhow::Result<()> {
    let years = store.settings.retention.years_after_adulthood;
    let mut batches = 0u64;
    let counts = store.retention(&retention_actor(), apply, BATCH, |batch: &Counts| {
        batches += 1;
        if apply {
            let files: u64 = batch.values().map(|c| c.files).sum();
            eprintln!("batch {batches}: {files} files anonymised");
        }
        true
    })?;
    println!(
        "{} closed files whose child turned 18 more than {years} years ago (retention.years_after_adulthood):",
        if apply { "Anonymised" } else { "Dry run, nothing changed. Would anonymise" }
    );
    println!("{:<8} {:<12} {:>8} {:>8} {:>8}", "code", "district", "files", "reports", "cases");
    let mut total = (0, 0, 0);
    for (code, c) in &counts {
        println!("{code:<8} {:<12} {:>8} {:>8} {:>8}", store.regions.name(code), c.files, c.reports, c.cases);
        total = (total.0 + c.files, total.1 + c.reports, total.2 + c.cases);
    }
    println!("{:<8} {:<12} {:>8} {:>8} {:>8}", "", "total", total.0, total.1, total.2);
    Ok(())
}
