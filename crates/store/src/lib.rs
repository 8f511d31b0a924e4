//! shouhu's storage: the registry on SQLite (embedded, the default) or PostgreSQL.
//!
//! Every read and write of a child's data takes the caller's [`Scope`] and puts it into the
//! query's WHERE clause, so that a child outside the scope is exactly as absent as a child
//! that does not exist.

pub mod accounts;
pub mod allowances;
pub mod audit;
pub mod audit_chain;
pub mod audit_sink;
pub mod backup;
pub mod casework;
pub mod children;
pub mod crypto;
pub mod db;
pub mod documents;
pub mod dropout;
pub mod entrusted;
pub mod error;
mod file_binary;
pub mod file_data;
pub mod group_commit;
pub mod history;
pub mod import;
pub mod jobs;
pub mod keyfile;
pub mod migrate;
pub mod notify;
pub mod notify_upkeep;
pub mod overview;
pub mod recompute;
pub mod regions;
pub mod rekey;
pub mod report_attachments;
pub mod report_oversight;
pub mod reports;
pub mod retention;
pub mod roster;
pub mod search_terms;
// Name search that pages and narrows by region (issue 24).
pub mod search;
pub mod second_factor;
pub mod sessions;
pub mod sign_in;
mod stat_counts;
pub mod tasks;
pub mod turned16;
pub mod users;
pub mod visits;
// Oversight: the register of overdue work, accountability, the joint meeting (issue 20).
pub mod oversight;
// Statistics and member departments (issue 20).
pub mod statistics;
// Census rounds (issue 20).
pub mod census_rounds;
// Several servers on one database: leases of background work, the public guards (issue 23).
pub mod desk_feed;
pub mod leases;
pub mod public_guard;
// Refusals audited per user across servers; reads from a replica (issue 23).
pub mod refusals;
pub mod replica;

pub use db::{DbUrl, Pool};
pub use error::StoreError;
pub use shouhu_domain::role::Scope;

use shouhu_domain::clock::Clock;
use shouhu_domain::settings::Settings;
use std::sync::Arc;

/// Who is acting: stamped on history and audit rows, and the scope their queries run in.
#[derive(Debug, Clone)]
pub struct Actor {
    pub user_id: Option<i64>,
    pub user_name: String,
    pub role: shouhu_domain::role::Role,
    pub scope: Scope,
}

/// The database, the region tree, the clock and the rules' settings.
#[derive(Clone)]
pub struct Store {
    pub pool: Pool,
    /// Statements whose plan never depends on their values: who holds a session or an API
    /// token, asked at every request, and the name search's reads of its term index. On
    /// PostgreSQL half the connections, whose statements are planned once (decision 217); on
    /// SQLite the registry's pool.
    pub lookups: Pool,
    pub clock: Arc<dyn Clock>,
    pub regions: Arc<regions::RegionIndex>,
    /// Writes audit rows in group commits.
    pub audit_sink: Arc<audit_sink::AuditSink>,
    /// The audit chain's key (never in the database).
    pub audit_key: Arc<audit_chain::AuditKey>,
    /// Reports: on SQLite a database of their own, synced at every commit; on PostgreSQL
    /// the registry's pool.
    pub reports: Pool,
    /// The only writer of reports: group commits, answered after the commit.
    pub report_writer: Arc<group_commit::GroupCommit>,
    /// Committed report changes, for connected duty desks.
    pub report_bus: tokio::sync::broadcast::Sender<Arc<reports::DeskEvent>>,
    /// Notifications this server dispatches to its connected browsers (decision 152).
    pub notify_bus: tokio::sync::broadcast::Sender<Arc<notify::Notification>>,
    /// Wakes this server's notifier after a commit that announced something.
    pub notify_wake: Arc<notify::Wake>,
    /// The settings document (shouhu.toml), read at start-up.
    pub settings: Arc<Settings>,
    /// Seals and opens ID numbers, phone numbers and the reporter's contact (decision 96).
    pub cipher: Arc<crypto::FieldCipher>,
    /// District- and city-wide figures of the home page, kept for a minute (decision 187).
    pub overview: Arc<overview::OverviewCache>,
    /// This server's name in the leases it holds (host, process, a random part): two stores
    /// opened in one process are two servers (issue 23).
    pub instance: Arc<str>,
    /// A streaming replica that lists and statistics may be read from (decision 201).
    pub replica: Option<Arc<replica::Replica>>,
}

impl Store {
    /// [`Store::open_keyed`] with the data key of [`crypto::KeySource::beside`] `url`.
    pub fn open(
        url: &DbUrl,
        pool_size: u32,
        clock: Arc<dyn Clock>,
        settings: Settings,
        audit_key: audit_chain::AuditKey,
    ) -> Result<Store, StoreError> {
        Store::open_keyed(url, pool_size, clock, settings, crypto::KeySource::beside(url)?, audit_key)
    }

    /// Opens the database, applies pending migrations, checks the audit key against the audit
    /// chain (chaining the entries written before the chain, the first time), checks the data
    /// key against the database's (a wrong one stops here, before anything is written), seals
    /// what was written before encryption, and loads the region tree (seeding it from the
    /// bundled Tianjin division codes on first start).
    pub fn open_keyed(
        url: &DbUrl,
        pool_size: u32,
        clock: Arc<dyn Clock>,
        settings: Settings,
        keys: crypto::KeySource,
        audit_key: audit_chain::AuditKey,
    ) -> Result<Store, StoreError> {
        // On PostgreSQL half the connections plan their statements once.
        let (pool, lookups) = match url {
            DbUrl::Postgres(u) => {
                let lookups = (pool_size / 2).max(1);
                (Pool::open(url, pool_size.saturating_sub(lookups).max(1))?, Pool::open_planned_once(u, lookups)?)
            }
            DbUrl::Sqlite(_) => {
                let pool = Pool::open(url, pool_size)?;
                (pool.clone(), pool)
            }
        };
        // Several servers starting together on one database do this once (decision 195).
        migrate::with_startup_lock(&pool.clone(), || {
            Store::start_up(url, (pool, lookups), pool_size, clock, settings, keys, audit_key)
        })
    }

    /// [`Store::open_keyed`]'s work once its pool is open, under the start-up lock.
    fn start_up(
        url: &DbUrl,
        (pool, lookups): (Pool, Pool),
        pool_size: u32,
        clock: Arc<dyn Clock>,
        settings: Settings,
        keys: crypto::KeySource,
        audit_key: audit_chain::AuditKey,
    ) -> Result<Store, StoreError> {
        migrate::run(&pool)?;
        audit_chain::begin(&pool, &audit_key, clock.now())?;
        regions::seed(&pool, regions::TIANJIN_CSV)?;
        let regions = Arc::new(regions::RegionIndex::load(&pool)?);
        let audit_sink = Arc::new(audit_sink::AuditSink::start(pool.clone(), audit_key.clone())?);
        let reports = match url {
            DbUrl::Sqlite(_) => Pool::open_with(&url.reports(), pool_size, db::Durability::Full)?,
            DbUrl::Postgres(_) => pool.clone(),
        };
        migrate::run_reports(&reports)?;
        let known = rekey::registered(&pool)?;
        let source = keys.describe();
        let cipher = match crypto::FieldCipher::load(keys, known.is_empty()) {
            Ok(c) => Arc::new(c),
            Err(StoreError::Config(e)) if !known.is_empty() => {
                let k = &known[known.len() - 1];
                return Err(StoreError::Config(format!(
                    "{e}: this database's ID and phone numbers are encrypted with data key version {} (fingerprint \
                     {}); start shouhu with that key (--data-key-file or SHOUHU_DATA_KEY). Nothing was written",
                    k.version,
                    &k.check[..k.check.len().min(12)]
                )));
            }
            Err(e) => return Err(e),
        };
        rekey::check_and_register(&pool, &cipher.ring(), &source, clock.now())?;
        let report_writer = Arc::new(group_commit::GroupCommit::start(
            reports.clone(),
            "report-writer",
            Some(reports::lock_for_order),
        )?);
        let (report_bus, _) = tokio::sync::broadcast::channel(1024);
        let store = Store {
            pool,
            lookups,
            clock,
            regions,
            audit_sink,
            audit_key: Arc::new(audit_key),
            reports,
            report_writer,
            report_bus,
            notify_bus: tokio::sync::broadcast::channel(4096).0,
            notify_wake: Arc::default(),
            settings: Arc::new(settings),
            cipher,
            overview: Arc::default(),
            instance: leases::new_instance().into(),
            replica: None,
        };
        store.seal_backlog()?;
        store.visit_due_backlog()?;
        store.stat_counts_backlog()?;
        Ok(store)
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.clock.now()
    }

    pub fn today(&self) -> chrono::NaiveDate {
        self.clock.today()
    }
}
