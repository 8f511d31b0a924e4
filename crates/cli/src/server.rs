//! Assembling and starting the server: store, settings, listener.

use shouhu_domain::clock::Clock;
use shouhu_domain::settings::Settings;
use shouhu_store::audit_chain::AuditKey;
use shouhu_store::crypto::KeySource;
use shouhu_store::{DbUrl, Store};
use shouhu_web::{AppState, Config};
use std::sync::Arc;

/// Opens the database (migrating it) with every setting at its default.
pub fn open_store(url: &str, clock: Arc<dyn Clock>, audit_key: AuditKey) -> anyhow::Result<Store> {
    open_store_with(url, clock, Settings::default(), audit_key)
}

/// Opens the database (migrating it) and returns the store, with the settings document's values,
/// the audit chain's key and the data key of `KeySource::beside` (SHOUHU_DATA_KEY, else the file
/// beside a SQLite database).
pub fn open_store_with(
    url: &str,
    clock: Arc<dyn Clock>,
    settings: Settings,
    audit_key: AuditKey,
) -> anyhow::Result<Store> {
    let keys = KeySource::beside(&DbUrl::parse(url)?)?;
    open_store_keyed(url, clock, settings, keys, audit_key)
}

/// [`open_store_with`] with the data key from `keys`.
pub fn open_store_keyed(
    url: &str,
    clock: Arc<dyn Clock>,
    settings: Settings,
    keys: KeySource,
    audit_key: AuditKey,
) -> anyhow::Result<Store> {
    let url = DbUrl::parse(url)?;
    let pool_size = match url {
        // SQLite has one writer; more connections only help readers.
        DbUrl::Sqlite(_) => 8,
        DbUrl::Postgres(_) => 16,
    };
    Ok(Store::open_keyed(&url, pool_size, clock, settings, keys, audit_key)?)
}

/// A running server: its address and the handle that stops it.
pub struct Running {
    pub addr: std::net::SocketAddr,
    pub stop: tokio::sync::oneshot::Sender<()>,
    pub done: tokio::task::JoinHandle<std::io::Result<()>>,
    /// Dropped with the server, which ends the search indexer.
    _indexer: std::sync::mpsc::Sender<()>,
    /// Dropped with the server, which ends the import leases' keeper.
    _leases: std::sync::mpsc::Sender<()>,
    /// Dropped with the server, which ends the recompute's scheduler (if it runs).
    _recompute: Option<std::sync::mpsc::Sender<()>>,
    /// Dropped with the server, which ends the notifier, its PostgreSQL listener and the
    /// outbox's delivery (if it runs).
    _notifier: std::sync::mpsc::Sender<()>,
    _delivery: Option<tokio::sync::oneshot::Sender<()>>,
}

/// Starts the notifier (relays report causes and pushes new notifications to this server's
/// browsers, decision 152) and, on PostgreSQL, the listener that wakes it when another
/// server commits. Both end when the returned sender is dropped.
fn start_notifier(store: Store) -> std::io::Result<std::sync::mpsc::Sender<()>> {
    let (tx, stop) = std::sync::mpsc::channel::<()>();
    let (tx2, stop2) = std::sync::mpsc::channel::<()>();
    let listener = store.clone();
    if !store.pool.is_sqlite() {
        std::thread::Builder::new().name("shouhu-pg-listen".into()).spawn(move || {
            listener.run_pg_listener(&stop2);
        })?;
    }
    std::thread::Builder::new().name("shouhu-notifier".into()).spawn(move || {
        // Holds the listener's sender: it ends with the notifier.
        let _listener = tx2;
        store.run_notifier(&stop);
    })?;
    Ok(tx)
}

/// How often the indexer looks for files imported without search terms (by another process,
/// or before a restart); a web import indexes its own files as soon as it commits.
const INDEX_EVERY: std::time::Duration = std::time::Duration::from_secs(30);

/// Writes the search terms of imported files in the background until `stop` is dropped,
/// and deletes work files (error reports, abandoned uploads) older than the setting
/// `limits.work_file_hours`.
fn start_indexer(store: Store, work_dir: std::path::PathBuf) -> std::io::Result<std::sync::mpsc::Sender<()>> {
    let (tx, stop) = std::sync::mpsc::channel::<()>();
    std::thread::Builder::new().name("shouhu-indexer".into()).spawn(move || {
        loop {
            let removed = shouhu_web::imports::sweep(&work_dir, store.settings.limits.work_file_age, store.now());
            if removed > 0 {
                tracing::info!(removed, "deleted work files past their age");
            }
            // One server at a time sweeps (decision 197); the others find the lease taken.
            if let Err(e) = store.under_work_lease("search_indexer", || store.index_all(|_| {})) {
                tracing::warn!(error = %e, "indexing imported files; trying again later");
            }
            if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) = stop.recv_timeout(INDEX_EVERY) {
                return;
            }
        }
    })?;
    Ok(tx)
}

/// Renews the leases of this server's running imports every quarter of `servers.lease_seconds`,
/// and fails the imports of servers that stopped (decision 196), until `stop` is dropped.
fn start_lease_keeper(store: Store) -> std::io::Result<std::sync::mpsc::Sender<()>> {
    let (tx, stop) = std::sync::mpsc::channel::<()>();
    let every = (store.settings.servers.lease / 4).to_std().unwrap_or(std::time::Duration::from_secs(15));
    std::thread::Builder::new().name("shouhu-leases".into()).spawn(move || {
        loop {
            match store.keep_import_leases() {
                Ok(k) if k.failed > 0 => tracing::info!(failed = k.failed, "failed the imports of a stopped server"),
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "renewing import leases; trying again"),
            }
            if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) = stop.recv_timeout(every) {
                return;
            }
        }
    })?;
    Ok(tx)
}

/// How often the scheduler asks whether the daily recompute is due. It reads the time from
/// the store's clock (`Store::recompute_if_due`), so tests call that directly, without waiting.
const RECOMPUTE_EVERY: std::time::Duration = std::time::Duration::from_secs(60);

/// Runs the daily recompute when it is due (`recompute.hour`, China time) until `stop` is
/// dropped. Several servers on one database: the lease lets one of them run it (decision 122).
fn start_recompute_scheduler(store: Store) -> std::io::Result<std::sync::mpsc::Sender<()>> {
    let (tx, stop) = std::sync::mpsc::channel::<()>();
    let server = shouhu_store::recompute::this_server();
    std::thread::Builder::new().name("shouhu-recompute".into()).spawn(move || {
        loop {
            match store.recompute_if_due(&server) {
                Ok(Some(shouhu_store::recompute::Outcome::Finished { run, changes, .. })) => {
                    tracing::info!(
                        day = %run.day,
                        files = run.files_seen,
                        changed = run.changed,
                        turned_16 = changes.turned_16,
                        longest_batch_ms = run.longest_batch_ms,
                        "daily recompute finished"
                    );
                    // The day's other housekeeping, by the server that ran it (decision 216).
                    match store.prune_notifications() {
                        Ok((n, m)) => tracing::info!(notifications = n, messages = m, "pruned what has served"),
                        Err(e) => tracing::warn!(error = %e, "pruning notifications; again tomorrow"),
                    }
                }
                Ok(Some(shouhu_store::recompute::Outcome::Busy { holder })) => {
                    tracing::debug!(holder, "daily recompute: another server runs it")
                }
                Ok(_) => {}
                Err(e) => tracing::warn!(error = %e, "daily recompute stopped; it goes on from its cursor next time"),
            }
            if let Err(std::sync::mpsc::RecvTimeoutError::Disconnected) = stop.recv_timeout(RECOMPUTE_EVERY) {
                return;
            }
        }
    })?;
    Ok(tx)
}

/// Binds `bind` (port 0 for any free port) and serves in the background.
pub async fn start(bind: &str, store: Store, config: Config) -> anyhow::Result<Running> {
    let listener = tokio::net::TcpListener::bind(bind).await?;
    let addr = listener.local_addr()?;
    let (stop, stopped) = tokio::sync::oneshot::channel::<()>();
    let indexer = start_indexer(store.clone(), config.work_dir.clone())?;
    let leases = start_lease_keeper(store.clone())?;
    let recompute = if config.schedule_recompute { Some(start_recompute_scheduler(store.clone())?) } else { None };
    let notifier = start_notifier(store.clone())?;
    let delivery = config.delivery.clone().map(|cfg| {
        let (tx, rx) = tokio::sync::oneshot::channel::<()>();
        tokio::spawn(shouhu_web::delivery::run(store.clone(), cfg, async move {
            let _ = rx.await;
        }));
        tx
    });
    let state = AppState::new(store, config);
    let done = tokio::spawn(shouhu_web::serve(listener, state, async move {
        let _ = stopped.await;
    }));
    Ok(Running {
        addr,
        stop,
        done,
        _indexer: indexer,
        _leases: leases,
        _recompute: recompute,
        _notifier: notifier,
        _delivery: delivery,
    })
}
