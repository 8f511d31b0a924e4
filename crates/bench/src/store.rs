//! `store`: a child's file read through `Store::get_child` against a direct rusqlite point read
//! of the same row on one connection with a cached prepared statement.
//!
//! Requirement: the store's median read costs at most 2× the direct read.

use crate::report;
use crate::stats::{Samples, Summary, us};
use anyhow::{Context, ensure};
use shouhu_domain::age::AgeRule;
use shouhu_domain::child::ChildFile;
use shouhu_domain::clock::{Clock, SystemClock};

use shouhu_domain::rules;
use std::hint::black_box;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Instant;

pub struct Opts {
    pub db: PathBuf,
    pub reads: usize,
    pub ids: usize,
    pub rounds: usize,
    pub check: bool,
}

const FILE: &str = shouhu_store::crypto::field::CHILD_FILE;

/// The columns `Store::get_child` reads (`RECORD_COLUMNS` in shouhu-store's children.rs).
const DIRECT_SQL: &str = "SELECT id, district_code, version, closed, close_reason, close_note, \
     closed_at, data, created_at, updated_at FROM children WHERE id = ?1";

/// The settings shouhu-store gives every SQLite connection (`SQLITE_PRAGMAS` and `CACHE_KIB` in db.rs), so
/// that both sides read with the same page cache and memory map.
const PRAGMAS: &str = "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; \
     PRAGMA foreign_keys=ON; PRAGMA busy_timeout=5000; PRAGMA cache_size=-65536; \
     PRAGMA temp_store=MEMORY; PRAGMA mmap_size=268435456;";

/// The row as Rust values, as a hand-written reader would have it.
#[allow(dead_code)] // read for the cost of reading, through black_box
struct RawRow {
    id: i64,
    district_code: String,
    version: i64,
    closed: i64,
    close_reason: Option<String>,
    close_note: Option<String>,
    closed_at: Option<String>,
    /// JSON text, compressed JSON (decision 41) or shouhu's binary form (decision 51).
    data: Vec<u8>,
    created_at: String,
    updated_at: String,
}

fn direct_read(conn: &rusqlite::Connection, id: i64) -> anyhow::Result<RawRow> {
    let mut st = conn.prepare_cached(DIRECT_SQL)?;
    let row = st.query_row([id], |r| {
        Ok(RawRow {
            id: r.get(0)?,
            district_code: r.get(1)?,
            version: r.get(2)?,
            closed: r.get(3)?,
            close_reason: r.get(4)?,
            close_note: r.get(5)?,
            closed_at: r.get(6)?,
            data: match r.get_ref(7)? {
                rusqlite::types::ValueRef::Text(b) | rusqlite::types::ValueRef::Blob(b) => b.to_vec(),
                _ => Vec::new(),
            },
            created_at: r.get(8)?,
            updated_at: r.get(9)?,
        })
    })?;
    Ok(row)
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Method {
    /// (a) rusqlite point read into Rust values, `data` as bytes.
    Direct,
    /// (b) `Store::get_child(&Scope::Region("12"), id)`.
    Store,
    /// Diagnostic: (a) plus opening the sealed `data` (AES-256-GCM, decision 96).
    DirectOpen,
    /// Diagnostic: (a) plus opening and `file_data::decode(data)` (the binary form, or decompression and JSON).
    DirectDecode,
    /// Diagnostic: (a) plus the decoding plus `rules::derive` (warnings, category, age).
    DirectDecodeDerive,
}

impl Method {
    fn label(self) -> &'static str {
        match self {
            Method::Direct => "(a) direct rusqlite point read (cached statement, one connection)",
            Method::Store => "(b) `Store::get_child(&Scope::Region(\"12\"), id)`",
            Method::DirectOpen => "diagnostic: (a) + opening the sealed `data` (AES-256-GCM)",
            Method::DirectDecode => "diagnostic: (a) + opening + `file_data::decode(data)`",
            Method::DirectDecodeDerive => "diagnostic: (a) + opening + `file_data::decode` + `rules::derive`",
        }
    }
}

const METHODS: [Method; 5] =
    [Method::Direct, Method::Store, Method::DirectOpen, Method::DirectDecode, Method::DirectDecodeDerive];

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    ensure!(o.rounds >= 1 && o.ids >= 1 && o.reads >= o.rounds, "bad sizes");
    ensure!(
        o.db.is_file(),
        "{} does not exist: make it with `shouhu --data-dir D demo seed` and `shouhu --data-dir D demo children --children N`",
        o.db.display()
    );
    let conn = rusqlite::Connection::open(&o.db).with_context(|| format!("opening {}", o.db.display()))?;
    conn.execute_batch(PRAGMAS)?;
    conn.set_prepared_statement_cache_capacity(128);
    let children: i64 = conn.query_row("SELECT count(*) FROM children", [], |r| r.get(0))?;
    ensure!(children > 0, "no children in {}", o.db.display());
    let ids: Vec<i64> = {
        let mut st = conn.prepare("SELECT id FROM children ORDER BY random() LIMIT ?1")?;
        st.query_map([o.ids as i64], |r| r.get(0))?.collect::<Result<_, _>>()?
    };
    let mean_data_len: f64 = conn.query_row(
        "SELECT avg(length(CAST(data AS BLOB))) FROM children WHERE id IN (SELECT value FROM json_each(?1))",
        [serde_json::to_string(&ids)?],
        |r| r.get(0),
    )?;

    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let today = clock.today();
    let url = format!("sqlite://{}", o.db.display());
    let store = shouhu::server::open_store(&url, clock, crate::audit_key(&o.db)?).context("opening the store")?;
    let scope = crate::officer("12");
    let rule = AgeRule::default();

    let read = |m: Method, id: i64| -> anyhow::Result<()> {
        match m {
            Method::Direct => {
                black_box(direct_read(&conn, id)?);
            }
            Method::Store => {
                black_box(store.get_child(&scope, id)?);
            }
            Method::DirectOpen => {
                let r = direct_read(&conn, id)?;
                black_box(store.cipher.open_vec(FILE, r.data)?);
            }
            Method::DirectDecode => {
                let r = direct_read(&conn, id)?;
                let f: ChildFile = shouhu_store::file_data::decode(&store.cipher.open_vec(FILE, r.data.clone())?)?;
                black_box((r, f));
            }
            Method::DirectDecodeDerive => {
                let r = direct_read(&conn, id)?;
                let f: ChildFile = shouhu_store::file_data::decode(&store.cipher.open_vec(FILE, r.data.clone())?)?;
                let d = rules::derive(&f, today, rule);
                black_box((r, f, d));
            }
        }
        Ok(())
    };

    // Same row both ways.
    for &id in ids.iter().take(50) {
        let a = direct_read(&conn, id)?;
        let b = store.get_child(&scope, id)?;
        ensure!(
            a.id == b.id && a.version == b.version && a.district_code == b.district_code,
            "direct and store reads disagree on child {id}"
        );
    }
    // Warm-up: every id once by every method (pages in cache, statements prepared).
    for &m in &METHODS {
        for &id in &ids {
            read(m, id)?;
        }
    }

    let per_round = o.reads / o.rounds;
    let mut all: Vec<Samples> = METHODS.iter().map(|_| Samples::with_capacity(per_round * o.rounds)).collect();
    let mut rounds: Vec<Vec<Summary>> = Vec::new();
    let started = Instant::now();
    for round in 0..o.rounds {
        // Alternate the order between rounds so that neither side always runs first.
        let order: Vec<usize> =
            if round % 2 == 0 { (0..METHODS.len()).collect() } else { (0..METHODS.len()).rev().collect() };
        let mut this_round = vec![Summary::default(); METHODS.len()];
        for mi in order {
            let m = METHODS[mi];
            let mut s = Samples::with_capacity(per_round);
            for i in 0..per_round {
                let id = ids[(round * per_round + i) % ids.len()];
                let t = Instant::now();
                read(m, id)?;
                s.push(t.elapsed());
            }
            all[mi].extend(&s);
            this_round[mi] = s.summary();
        }
        rounds.push(this_round);
    }
    let took = started.elapsed();
    let sums: Vec<Summary> = all.iter_mut().map(|s| s.summary()).collect();

    report::header("Store point read: `Store::get_child` vs direct rusqlite");
    println!(
        "- database: `{}`, {} children, {:.0} MiB; mean `data` {:.0} bytes",
        o.db.display(),
        children,
        std::fs::metadata(&o.db).map(|m| m.len() as f64 / 1024.0 / 1024.0).unwrap_or(0.0),
        mean_data_len
    );
    println!(
        "- {} random child ids (picked with a direct query), {} reads per method in {} interleaved rounds \
         (order reversed every other round), single thread, after one warm-up pass; {:.1} s measured",
        ids.len(),
        per_round * o.rounds,
        o.rounds,
        took.as_secs_f64()
    );
    println!("- direct SQL: `{DIRECT_SQL}`\n");
    println!("| method | reads | median (µs) | p90 (µs) | p99 (µs) | mean (µs) | max (µs) |");
    println!("|---|---:|---:|---:|---:|---:|---:|");
    for (m, s) in METHODS.iter().zip(&sums) {
        println!(
            "| {} | {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.1} |",
            m.label(),
            s.count,
            us(s.p50),
            us(s.p90),
            us(s.p99),
            s.mean / 1000.0,
            us(s.max)
        );
    }
    println!("\nPer round (median µs):\n");
    println!("| round | (a) direct | (b) store | b/a | (a)+open | (a)+open+decode | (a)+open+decode+derive |");
    println!("|---:|---:|---:|---:|---:|---:|---:|");
    for (i, r) in rounds.iter().enumerate() {
        println!(
            "| {} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} | {:.2} |",
            i + 1,
            us(r[0].p50),
            us(r[1].p50),
            r[1].p50 as f64 / r[0].p50.max(1) as f64,
            us(r[2].p50),
            us(r[3].p50),
            us(r[4].p50)
        );
    }
    let ratio = sums[1].p50 as f64 / sums[0].p50.max(1) as f64;
    let ratio_p99 = sums[1].p99 as f64 / sums[0].p99.max(1) as f64;
    let ok = ratio <= 2.0;
    println!(
        "\n**Ratio store / direct: median {ratio:.2}×, p99 {ratio_p99:.2}×. Requirement ≤ 2× (medians): {}.**",
        if ok { "PASS" } else { "FAIL" }
    );
    let (a, b, opened, c, d) = (us(sums[0].p50), us(sums[1].p50), us(sums[2].p50), us(sums[3].p50), us(sums[4].p50));
    println!(
        "\nThe store's median costs {:.2} µs more than (a); opening the sealed `data` accounts for {:.2} µs of it \
         ({:.0}% of the store's whole read), decoding it for {:.2} µs, `rules::derive` for {:.2} µs; the rest \
         ({:.2} µs) is pool checkout, SQL building, the scope predicate and timestamp parsing.",
        b - a,
        opened - a,
        100.0 * (opened - a) / b.max(1e-9),
        c - opened,
        d - c,
        b - d
    );
    Ok(ok || !o.check)
}
