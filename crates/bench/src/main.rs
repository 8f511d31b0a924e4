//! `shouhu-bench`: measures shouhu against its performance requirements.
//!
//! - `store`: `Store::get_child` against a plain rusqlite point read of the same row
//!   (requirement: the store costs at most 2× plain rusqlite).
//! - `http`: the server in-process on 127.0.0.1, loaded by N kept-alive connections
//!   (requirements at 1,000,000 children: search p99 < 10 ms, ledger first page p99 < 20 ms).
//! - `reports`: durable report acknowledgements per second on SQLite (requirement ≥ 1,000/s),
//!   and report → connected duty desk latency with 100 desks (requirement p99 < 50 ms).
//! - `import`: the census import of N synthetic rows against a bare SQLite insert of the same
//!   rows in the same run (requirements: ≥ half the bare rate; 1,000,000 rows < 20 s).
//! - `generate`: demo accounts and N synthetic children, with the generation rate.
//! - `audit`: audit entries per second with the chain against the table before it, and
//!   `verify` over N entries (requirement: 1,000,000 entries well under a minute).
//!
//! - `recompute`: the daily recompute on an existing database (requirement at 1,000,000
//!   children: < 60 s on SQLite and PostgreSQL, no batch holding the write lock 1 s).
//! - `dropout`: a school's roll of 3,000 rows matched (requirement < 2 s) and the district
//!   table of dropouts (requirement p99 < 50 ms with 1,000,000 children and 10,000 cases).
//! - `visits`: saving a visit on an existing database (requirement p99 < 20 ms at 1,000,000).
//! - `tasks`: the home page, its counts and the to-do list (requirement at 1,000,000
//!   children, 50,000 reports, 20,000 cases, 2 connections: p99 < 20 ms for a township,
//!   < 50 ms for the city).
//!
//! - `documents`: one census form as PDF (requirement < 200 ms, < 200 KB) and 1,000 forms in
//!   one PDF (requirement < 60 s, < 300 MB peak memory).
//!
//! - `notify`: a notification reaches 200 connected browsers after its cause commits
//!   (requirement < 1 s).
//!
//! - `stats`: the statistics page (issue 20; requirement at 1,000,000 children, 50,000
//!   reports and 20,000 cases, 2 connections: the city's page p99 < 100 ms).
//!
//! Every subcommand prints a Markdown report ready to paste into docs/benchmarks.md.

mod audit;
mod documents;
mod dropout;
mod generate;
mod http;
mod import;
mod notify;
// The register of overdue work (issue 20).
mod oversight;
mod queries;
mod recompute;
mod report;
mod reports;
mod stats;
// The statistics page (issue 20): `shouhu-bench stats`.
mod statistics;
mod store;
mod tasks;
mod visits;

use clap::{Parser, Subcommand};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Parser, Debug)]
#[command(name = "shouhu-bench", about = "shouhu's benchmarks (Markdown output)")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

/// The city-scale workload of the `tasks`, `accountability` and `stats` benches.
#[derive(clap::Args, Debug)]
struct Workload {
    #[arg(long, default_value_t = 1_000_000)]
    children: u64,
    #[arg(long, default_value_t = 50_000)]
    reports: u64,
    #[arg(long, default_value_t = 20_000)]
    cases: u64,
    #[arg(long, default_value_t = 2)]
    concurrency: usize,
    #[arg(long, default_value_t = 10)]
    duration_secs: u64,
    #[arg(long, default_value_t = 2)]
    warmup_secs: u64,
    /// Exit non-zero when a target is missed.
    #[arg(long)]
    check: bool,
    /// Keep the store in this folder, or reuse it (made by `tasks`, `stats` or `accountability`).
    #[arg(long)]
    dir: Option<PathBuf>,
}

impl Workload {
    fn opts(self) -> tasks::Opts {
        let Workload { children, reports, cases, concurrency, duration_secs, warmup_secs, check, dir } = self;
        tasks::Opts { children, reports, cases, concurrency, duration_secs, warmup_secs, check, dir }
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Store::get_child against a direct rusqlite point read of the same row.
    Store {
        /// An existing SQLite database (e.g. DATA_DIR/shouhu.db after `shouhu demo children`).
        #[arg(long)]
        db: PathBuf,
        /// Reads per method, split over the rounds.
        #[arg(long, default_value_t = 100_000)]
        reads: usize,
        /// Random child ids to read (cycled).
        #[arg(long, default_value_t = 1000)]
        ids: usize,
        /// Rounds; each round runs every method once, in turn.
        #[arg(long, default_value_t = 5)]
        rounds: usize,
        /// Exit non-zero when the 2× requirement is missed.
        #[arg(long)]
        check: bool,
    },
    /// HTTP load on the server started in-process on 127.0.0.1.
    Http(http::Opts),
    /// Diagnostic: the store calls behind search and the ledger, one at a time, without HTTP.
    Queries {
        /// An existing SQLite database.
        #[arg(long)]
        db: PathBuf,
        /// Repetitions of each search query (the ledger and the audit write get 20×).
        #[arg(long, default_value_t = 5)]
        reps: usize,
        /// Random children from the database whose names and ID numbers become search queries.
        #[arg(long, default_value_t = 40)]
        sample_children: usize,
        /// Threads for the concurrent part.
        #[arg(long, default_value_t = 8)]
        threads: usize,
        /// Seconds of each concurrent variant.
        #[arg(long, default_value_t = 5)]
        secs: u64,
    },
    /// The census import against a bare insert of the same rows, in the same run.
    Import {
        #[arg(long, default_value_t = 100_000)]
        rows: u64,
        /// Exit non-zero when a target is missed.
        #[arg(long)]
        check: bool,
        /// Leave out the search terms (minutes for a million files; no target covers them).
        #[arg(long)]
        no_index: bool,
    },
    /// Durable report acknowledgements per second, and report → duty desk latency.
    Reports {
        /// Connections filing reports at once.
        #[arg(long, default_value_t = 64)]
        concurrency: usize,
        /// Seconds of each part.
        #[arg(long, default_value_t = 10)]
        secs: u64,
        /// Duty desks holding the live stream open.
        #[arg(long, default_value_t = 100)]
        desks: usize,
        /// Reports per second while the desks listen.
        #[arg(long, default_value_t = 20)]
        rate: u64,
        /// Exit non-zero when a target is missed.
        #[arg(long)]
        check: bool,
    },
    /// Notifications: cause committed → connected browser, with C streams open.
    Notify {
        /// A postgres:// URL (a database is made there and dropped); none: SQLite in a temporary folder.
        #[arg(long)]
        database_url: Option<String>,
        /// Browsers holding their notification stream open (one officer each).
        #[arg(long, default_value_t = 200)]
        clients: usize,
        /// Seconds of reports.
        #[arg(long, default_value_t = 10)]
        secs: u64,
        /// Reports per second.
        #[arg(long, default_value_t = 5)]
        rate: u64,
        /// Exit non-zero when the target is missed.
        #[arg(long)]
        check: bool,
    },
    /// Audit entries per second, chained and as before the chain; `verify` over N entries.
    Audit {
        /// A postgres:// URL (a database is made there and dropped); none: SQLite in a temporary folder.
        #[arg(long)]
        database_url: Option<String>,
        /// Threads writing entries at once, each waiting for its commit as a request does.
        #[arg(long, default_value_t = 16)]
        threads: usize,
        /// Seconds of each part.
        #[arg(long, default_value_t = 5)]
        secs: u64,
        /// Rounds of the two writers in turn.
        #[arg(long, default_value_t = 3)]
        rounds: usize,
        /// Entries in the log `verify` walks.
        #[arg(long, default_value_t = 1_000_000)]
        entries: u64,
        /// Keep the database and print the command that verifies it.
        #[arg(long)]
        keep: bool,
    },
    /// The daily recompute: a full walk, then daily runs a day apart, on an existing database.
    Recompute {
        /// sqlite://PATH (e.g. of `shouhu demo children`) or postgres://…
        #[arg(long)]
        database_url: String,
        /// The data key file (default: the one beside a SQLite database, or SHOUHU_DATA_KEY).
        #[arg(long)]
        data_key_file: Option<PathBuf>,
        /// The audit key file (made if missing).
        #[arg(long)]
        audit_key_file: PathBuf,
        /// Daily runs after the full walk.
        #[arg(long, default_value_t = 3)]
        days: u32,
        /// Exit non-zero when a target is missed.
        #[arg(long)]
        check: bool,
    },
    /// Saving a visit on an existing database (issue 17).
    Visits {
        /// sqlite://PATH (e.g. of `shouhu demo children`) or postgres://…
        #[arg(long)]
        database_url: String,
        /// The data key file (default: the one beside a SQLite database, or SHOUHU_DATA_KEY).
        #[arg(long)]
        data_key_file: Option<PathBuf>,
        /// The audit key file (made if missing).
        #[arg(long)]
        audit_key_file: PathBuf,
        /// Visits saved (one per child of the village).
        #[arg(long, default_value_t = 300)]
        saves: usize,
        /// Exit non-zero when a target is missed.
        #[arg(long)]
        check: bool,
    },
    /// A school's roll matched to the files, and the district table of dropouts (issue 18).
    Dropout {
        #[arg(long, default_value_t = 1_000_000)]
        children: u64,
        #[arg(long, default_value_t = 10_000)]
        cases: u64,
        #[arg(long, default_value_t = 3_000)]
        roster_rows: usize,
        /// Timed reads of the district table.
        #[arg(long, default_value_t = 500)]
        reads: usize,
        /// Exit non-zero when a target is missed.
        #[arg(long)]
        check: bool,
        /// Keep the store in this folder; a later run with the same folder measures the
        /// table again without generating.
        #[arg(long)]
        dir: Option<PathBuf>,
    },
    /// The home page, its task counts and the to-do list for a township and the city (issue 19).
    Tasks(Workload),
    /// Printable documents: one census form, and 1,000 forms in one PDF (issue 22).
    Documents {
        /// Timed renders of one form.
        #[arg(long, default_value_t = 200)]
        reps: usize,
        /// Forms in the one PDF.
        #[arg(long, default_value_t = 1000)]
        forms: usize,
        /// Exit non-zero when a target is missed.
        #[arg(long)]
        check: bool,
    },
    /// The register of overdue work for the city and a district (issue 20).
    Accountability(Workload),
    /// The statistics page for the city and a district (issue 20).
    Stats(Workload),
    /// Demo accounts plus N synthetic children, with the rate.
    Generate {
        #[arg(long)]
        db_dir: PathBuf,
        #[arg(long)]
        children: u64,
        #[arg(long, default_value_t = 1)]
        seed: u64,
    },
}

/// The allocator of the `shouhu` binary, so that what is measured is what runs.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> ExitCode {
    let cli = Cli::parse();
    report::note_start();
    let res = match cli.command {
        Command::Store { db, reads, ids, rounds, check } => store::run(&store::Opts { db, reads, ids, rounds, check }),
        Command::Http(o) => http::run(&o),
        Command::Queries { db, reps, sample_children, threads, secs } => {
            queries::run(&queries::Opts { db, reps, sample_children, threads, secs })
        }
        Command::Import { rows, check, no_index } => import::run(&import::Opts { rows, check, index: !no_index }),
        Command::Reports { concurrency, secs, desks, rate, check } => {
            reports::run(&reports::Opts { concurrency, secs, desks, rate, check })
        }
        Command::Generate { db_dir, children, seed } => generate::run(&db_dir, children, seed),
        Command::Visits { database_url, data_key_file, audit_key_file, saves, check } => {
            visits::run(&visits::Opts { database_url, data_key_file, audit_key_file, saves, check })
        }
        Command::Recompute { database_url, data_key_file, audit_key_file, days, check } => {
            recompute::run(&recompute::Opts { database_url, data_key_file, audit_key_file, days, check })
        }
        Command::Dropout { children, cases, roster_rows, reads, check, dir } => {
            dropout::run(&dropout::Opts { children, cases, roster_rows, reads, check, dir })
        }
        Command::Tasks(w) => tasks::run(&w.opts()),
        Command::Accountability(w) => oversight::run(&w.opts()),
        Command::Stats(w) => statistics::run(&w.opts()),
        Command::Documents { reps, forms, check } => documents::run(&documents::Opts { reps, forms, check }),
        Command::Notify { database_url, clients, secs, rate, check } => {
            notify::run(&notify::Opts { database_url, clients, secs, rate, check })
        }
        Command::Audit { database_url, threads, secs, rounds, entries, keep } => {
            audit::run(&audit::Opts { database_url, threads, secs, rounds, entries, keep })
        }
    };
    match res {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(2),
        Err(e) => {
            eprintln!("shouhu-bench: {e:#}");
            ExitCode::FAILURE
        }
    }
}

/// The audit key of the database at `db` (a file path): the key file beside it, made on first use.
pub fn audit_key(db: &std::path::Path) -> anyhow::Result<shouhu_store::audit_chain::AuditKey> {
    let dir = db.parent().filter(|d| !d.as_os_str().is_empty()).unwrap_or(std::path::Path::new("."));
    shouhu::audit_cli::load_key(&dir.join("audit.key"), true)
}

/// The account a benchmark acts as: a civil-affairs officer of `region` (not in the database;
/// the store reads only its role and region).
pub fn officer(region: &str) -> shouhu_store::users::Principal {
    shouhu_store::users::Principal {
        user_id: 1,
        username: "shouhu-bench".into(),
        display_name: "shouhu-bench".into(),
        role: shouhu_domain::role::Role::CityOfficer,
        org_id: 1,
        org_name: "shouhu-bench".into(),
        org_type: shouhu_domain::role::OrgType::CityCivilAffairs,
        region_code: region.into(),
    }
}
