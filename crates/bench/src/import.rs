//! Census import against a bare SQLite insert of the same rows, in the same run.
//!
//! 1. N synthetic census rows are written to a CSV file (the census form's columns).
//! 2. The real import (`shouhu_census::import::run`, every check on) loads them into a fresh
//!    SQLite registry as the demo `city` user, and commits.
//! 3. The rows the import wrote (children, their history, the search backlog) are read back
//!    and inserted into a second fresh registry with plain prepared statements, one row per
//!    statement, in one transaction: the bare insert of the same rows.
//! 4. The search indexer writes the imported files' terms (after the commit, as the server
//!    does), timed on its own; `--no-index` leaves this out.
//!
//! The requirement: the import at no less than half the bare insert's rate, and 1,000,000
//! rows in under 20 s.

use crate::report;
use anyhow::{Context, ensure};
use shouhu_census::import::{FileSource, ImportOptions, OnExisting};
use shouhu_domain::clock::{Clock, SystemClock};
use std::sync::Arc;
use std::time::Instant;

pub struct Opts {
    pub rows: u64,
    pub check: bool,
    /// Time the search indexer too.
    pub index: bool,
}

const TABLES: [(&str, &str); 3] = [
    (
        "children",
        "district_code, id, version, village_code, name, sex, birth_date, id_number, id_blind, category, \
         guardianship_type, schooling, health, warnings, school_org_id, closed, close_reason, close_note, closed_at, data, \
         created_at, updated_at",
    ),
    (
        "child_history",
        "district_code, child_id, version, seq, changed_at, user_id, user_name, source, field, old_value, new_value",
    ),
    ("search_backlog", "first_id, end_id"),
];

fn fresh(dir: &std::path::Path) -> anyhow::Result<shouhu_store::Store> {
    let _ = std::fs::remove_dir_all(dir);
    std::fs::create_dir_all(dir)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let db = dir.join("shouhu.db");
    shouhu::server::open_store(&format!("sqlite://{}", db.display()), clock, crate::audit_key(&db)?)
}

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    let root = std::env::temp_dir().join(format!("shouhu-bench-import-{}", std::process::id()));
    let (a, b) = (root.join("import"), root.join("bare"));
    let store = fresh(&a)?;
    shouhu::seed::demo(&store)?;
    let csv = root.join("census.csv");
    let mut g = shouhu::demo::Generator::new(99, shouhu::demo::all_villages(&store.regions), store.today());
    shouhu::census_files::write_csv(&mut g, o.rows, &csv)?;

    let actor = store.principal_by_username("city").context("demo user city")?;
    let opts = ImportOptions {
        on_existing: OnExisting::Skip,
        only_good_rows: true,
        file_name: "census.csv".into(),
        index_now: false,
    };
    let started = Instant::now();
    let outcome = shouhu_census::import::run(&store, &actor, &FileSource(csv.clone()), &opts, &mut |_| {})
        .map_err(|e| anyhow::anyhow!(e.message()))?;
    let import_secs = started.elapsed().as_secs_f64();
    let written = outcome.written.map_or(0, |w| w.created);
    ensure!(
        outcome.errors.is_empty(),
        "{} rows were refused: {:?}",
        outcome.errors.len(),
        outcome.errors.iter().next()
    );
    drop(store);

    // The same rows, bare: read back what the import wrote and insert it row by row.
    let bare_store = fresh(&b)?;
    drop(bare_store);
    let src = open_waiting(&a)?;
    let mut dst = rusqlite::Connection::open(b.join("shouhu.db"))?;
    dst.execute_batch("PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA cache_size=-65536;")?;
    let mut rows_by_table: Vec<(usize, Vec<Vec<rusqlite::types::Value>>)> = Vec::new();
    for (table, cols) in TABLES {
        let n = cols.split(',').count();
        let filter = if table == "children" {
            "WHERE id IN (SELECT child_id FROM child_history WHERE source = 'import:census.csv')".to_string()
        } else if table == "child_history" {
            "WHERE source = 'import:census.csv'".to_string()
        } else {
            String::new()
        };
        let mut st = src.prepare(&format!("SELECT {cols} FROM {table} {filter}"))?;
        let rows = st
            .query_map([], |r| (0..n).map(|i| r.get::<_, rusqlite::types::Value>(i)).collect::<Result<Vec<_>, _>>())?
            .collect::<Result<Vec<_>, _>>()?;
        rows_by_table.push((n, rows));
    }
    let total_rows: usize = rows_by_table.iter().map(|(_, r)| r.len()).sum();
    drop(src);

    // The search terms, written after the commit as the server's indexer writes them.
    let index = if o.index {
        let store = shouhu::server::open_store(
            &format!("sqlite://{}/shouhu.db", a.display()),
            Arc::new(SystemClock),
            crate::audit_key(&a.join("shouhu.db"))?,
        )?;
        let wal = a.join("shouhu.db-wal");
        let wal_before = std::fs::metadata(&wal).map_or(0, |m| m.len());
        let written_before = write_bytes();
        let started = Instant::now();
        let indexed = store.index_all(|_| {})?;
        let index_secs = started.elapsed().as_secs_f64();
        let written = write_bytes().saturating_sub(written_before);
        let wal_after = std::fs::metadata(&wal).map_or(0, |m| m.len());
        eprintln!(
            "indexing: {indexed} files in {index_secs:.1} s, {:.2} GB written by the process (write_bytes), \
             WAL {:.1} MB -> {:.1} MB",
            written as f64 / 1e9,
            wal_before as f64 / 1e6,
            wal_after as f64 / 1e6
        );
        Some((indexed, index_secs, count(&a, "child_search")?, written, wal_before, wal_after))
    } else {
        None
    };

    let started = Instant::now();
    let tx = dst.transaction()?;
    for ((table, cols), (n, rows)) in TABLES.iter().zip(&rows_by_table) {
        let marks: Vec<String> = (1..=*n).map(|i| format!("?{i}")).collect();
        let mut st = tx.prepare(&format!("INSERT INTO {table} ({cols}) VALUES ({})", marks.join(", ")))?;
        for r in rows {
            st.execute(rusqlite::params_from_iter(r.iter()))?;
        }
    }
    tx.commit()?;
    let bare_secs = started.elapsed().as_secs_f64();
    let _ = std::fs::remove_dir_all(&root);

    let import_rate = written as f64 / import_secs;
    let bare_rate = written as f64 / bare_secs;
    let ratio = import_rate / bare_rate;
    let projected = 1_000_000.0 / import_rate;
    report::header("Census import against a bare insert of the same rows");
    println!("| measure | rows | time | files/s |");
    println!("|---|---:|---:|---:|");
    println!(
        "| import: CSV, one pass, every check, to the commit ({} files) | {written} | {import_secs:.1} s | {import_rate:.0} |",
        o.rows
    );
    println!(
        "| bare insert of the same {total_rows} rows (children, history, search backlog), prepared, one transaction | {written} | {bare_secs:.1} s | {bare_rate:.0} |"
    );
    if let Some((indexed, index_secs, terms, written, wal_before, wal_after)) = &index {
        println!(
            "| search terms written after the commit ({terms} terms, slices of {} rows) | {indexed} | {index_secs:.1} s | {:.0} |",
            shouhu_store::import::INDEX_SLICE,
            *indexed as f64 / index_secs
        );
        println!();
        println!(
            "Indexing wrote **{:.2} GB** (the process's `write_bytes`, /proc/self/io); the WAL went from {:.1} MB to {:.1} MB.",
            *written as f64 / 1e9,
            *wal_before as f64 / 1e6,
            *wal_after as f64 / 1e6
        );
    }
    println!();
    println!(
        "Import at **{:.0}%** of the bare rate (target ≥ 50%); 1,000,000 rows at this rate: **{projected:.0} s** (target < 20 s).",
        ratio * 100.0
    );
    Ok(!o.check || (ratio >= 0.5 && projected < 20.0))
}

/// Bytes this process has caused to be written to storage so far (`write_bytes` of
/// /proc/self/io; 0 where there is none).
fn write_bytes() -> u64 {
    std::fs::read_to_string("/proc/self/io")
        .ok()
        .and_then(|s| s.lines().find_map(|l| l.strip_prefix("write_bytes: ").and_then(|v| v.trim().parse().ok())))
        .unwrap_or(0)
}

fn count(dir: &std::path::Path, table: &str) -> anyhow::Result<i64> {
    let c = open_waiting(dir)?;
    Ok(c.query_row(&format!("SELECT count(*) FROM {table}"), [], |r| r.get(0))?)
}

/// A connection that waits as long as it takes for the store just dropped: the last of its
/// connections to close copies the import's WAL (up to a gigabyte) into the database under
/// an exclusive lock, longer than the default 5 s wait on a slow minute.
fn open_waiting(dir: &std::path::Path) -> anyhow::Result<rusqlite::Connection> {
    let c = rusqlite::Connection::open(dir.join("shouhu.db"))?;
    c.busy_timeout(std::time::Duration::from_secs(600))?;
    Ok(c)
}
