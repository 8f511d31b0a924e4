//! Printable documents (issue 22): one census form's time (requirement < 200 ms), 1,000
//! forms in one PDF (requirement < 60 s and < 300 MB peak memory), a one-page PDF's size
//! (requirement < 200 KB). The renderer alone, from a demo-like file (no database: the
//! record read and the register row are a point read and one insert).

use crate::report;
use crate::stats::{Samples, ms};
use shouhu_documents::{census, render, sample};
use shouhu_domain::document::DocumentKind;
use std::time::{Duration, Instant};

pub struct Opts {
    pub reps: usize,
    pub forms: usize,
    pub check: bool,
}

/// The process's peak resident memory so far (VmHWM), in MB.
fn peak_mb() -> f64 {
    std::fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|s| {
            s.lines().find(|l| l.starts_with("VmHWM:")).and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok())
        })
        .map_or(0.0, |kb| kb / 1024.0)
}

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    report::header("Printable documents: one census form, 1,000 forms in one PDF");
    let rec = sample::record();
    let issue = sample::issue();
    let values = census::values(&rec, "梅厂镇王三庄村");

    // One form, `reps` times (the first parses the font: reported apart).
    let t = Instant::now();
    let first = render(DocumentKind::CensusForm, std::slice::from_ref(&values), &issue)?;
    let first_ms = t.elapsed().as_secs_f64() * 1000.0;
    let mut samples = Samples::with_capacity(o.reps);
    for _ in 0..o.reps {
        let t = Instant::now();
        let out = render(DocumentKind::CensusForm, std::slice::from_ref(&values), &issue)?;
        samples.push(t.elapsed());
        std::hint::black_box(out.bytes.len());
    }
    let one = samples.summary();
    let size_kb = first.bytes.len() as f64 / 1024.0;

    let before = peak_mb();
    let sections = vec![values; o.forms];
    let t = Instant::now();
    let batch = render(DocumentKind::CensusForms, &sections, &issue)?;
    let batch_time: Duration = t.elapsed();
    let peak = peak_mb();

    println!("- {} renders of one form after a first one (which parses the font: {first_ms:.1} ms)\n", o.reps);
    println!("| what | result | requirement |\n|---|---:|---|");
    println!(
        "| one census form, p50 / p99 / max | {:.1} / {:.1} / {:.1} ms | < 200 ms |",
        ms(one.p50),
        ms(one.p99),
        ms(one.max)
    );
    println!("| one-page PDF size | {size_kb:.1} KB | < 200 KB |");
    println!(
        "| {} forms in one PDF ({} pages, {:.1} MB) | {:.2} s | < 60 s |",
        o.forms,
        batch.pages,
        batch.bytes.len() as f64 / 1_048_576.0,
        batch_time.as_secs_f64()
    );
    println!(
        "| peak memory of the process (VmHWM) after the {} forms (before: {before:.0} MB) | {peak:.0} MB | < 300 MB |",
        o.forms
    );
    let ok = ms(one.p99) < 200.0 && size_kb < 200.0 && batch_time.as_secs() < 60 && peak < 300.0;
    println!("\n**{}**", if ok { "All requirements met." } else { "A requirement is MISSED." });
    Ok(ok || !o.check)
}
