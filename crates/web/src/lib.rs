//! shouhu's web server: HTML pages in Chinese (server-rendered, usable without JavaScript)
//! and the JSON API under `/api/v1`, over one [`Store`].

pub mod accounts;
pub mod api;
pub mod auth;
pub mod body;
pub mod client_addr;
pub mod delivery;
pub mod documents;
pub mod error;
pub mod filters;
pub mod imports;
pub use shouhu_domain::fields as forms;
pub mod middleware;
pub mod pages;
pub mod public_guard;
pub mod refusals;
pub mod replica;
pub mod rosters;
pub mod second_factor;
pub mod statics;
pub mod throttle;
// Statistics (issue 20): server-drawn SVG charts.
pub mod charts;

use axum::Router;
use shouhu_store::Store;
use std::sync::Arc;

/// Settings of the web server.
#[derive(Debug, Clone)]
pub struct Config {
    /// Mark cookies `Secure` (behind HTTPS).
    pub secure_cookies: bool,
    /// Demo accounts to list on the sign-in page (only with `--demo`).
    pub demo_logins: Vec<DemoLogin>,
    /// The one-time token that lets the first administrator be created; `None` once one exists.
    pub setup_token: Option<String>,
    /// Folder for uploads being imported, error reports and exports being written.
    pub work_dir: std::path::PathBuf,
    /// Proxies whose `X-Forwarded-For` names the client (`client_addr`, decision 82).
    pub trusted_proxies: Vec<ipnet::IpNet>,
    /// The demo accounts' shared TOTP secret, shown on the sign-in page (only with `--demo`).
    pub demo_totp_secret: String,
    /// Run the daily recompute at `recompute.hour` (`shouhu serve`; tests call it themselves).
    pub schedule_recompute: bool,
    /// Deliver the outbox in the background (`shouhu serve`; tests call
    /// `delivery::deliver_once` themselves, with the injected clock).
    pub delivery: Option<delivery::DeliveryConfig>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            secure_cookies: false,
            demo_logins: Vec::new(),
            setup_token: None,
            work_dir: std::env::temp_dir().join("shouhu-work"),
            trusted_proxies: Vec::new(),
            demo_totp_secret: String::new(),
            schedule_recompute: false,
            delivery: None,
        }
    }
}

#[derive(Debug, Clone)]
pub struct DemoLogin {
    pub username: String,
    pub password: String,
    pub role: String,
    pub org: String,
}

/// What every handler gets.
#[derive(Clone)]
pub struct AppState {
    pub store: Store,
    pub config: Arc<Config>,
    /// The setup token while no administrator exists (cleared when one is created).
    pub setup_token: Arc<std::sync::Mutex<Option<String>>>,
    /// Running imports' progress.
    pub jobs: Arc<imports::Jobs>,
    /// Database work running at once: more than the cores can serve only adds waiting
    /// inside the database (docs/benchmarks.md).
    pub db_slots: Arc<tokio::sync::Semaphore>,
    /// The public report page's human check and per-address limit.
    pub public_guard: Arc<public_guard::PublicGuard>,
}

impl AppState {
    pub fn new(store: Store, config: Config) -> AppState {
        let setup_token = Arc::new(std::sync::Mutex::new(config.setup_token.clone()));
        if let Err(e) = std::fs::create_dir_all(&config.work_dir) {
            tracing::error!(error = %e, "cannot create the work folder");
        }
        let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
        AppState {
            public_guard: Arc::new(public_guard::PublicGuard::new(
                store.settings.public_reports,
                store.audit_key.derive("public-report-question"),
            )),
            store,
            config: Arc::new(config),
            setup_token,
            jobs: Arc::default(),
            db_slots: Arc::new(tokio::sync::Semaphore::new(cores * 2)),
        }
    }

    /// Runs store work (the store is synchronous, decision 53) on a blocking thread, at most
    /// twice the cores at once.
    pub async fn run<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, shouhu_store::StoreError> + Send + 'static,
    ) -> Result<T, error::AppError> {
        let store = self.store.clone();
        let _slot = self.db_slots.acquire().await.map_err(|e| error::AppError::Internal(e.to_string()))?;
        Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
    }

    /// Runs a read that the replica may answer (decision 201): the ledger, the search, the
    /// statistics. On the replica's store when it has replayed `user`'s last write, else on
    /// the primary's; a read that fails on the replica is answered by the primary. `read`
    /// writes nothing but its audit entry, which the store's audit writer (the primary's,
    /// whichever store it is called on) commits in the same task.
    pub async fn run_read<T: Send + 'static>(
        &self,
        user: &auth::CurrentUser,
        read: impl Fn(&Store) -> Result<T, shouhu_store::StoreError> + Send + 'static,
    ) -> Result<T, error::AppError> {
        let written = user.written_lsn;
        self.run(move |s| {
            let Some(on_replica) = s.for_read(written) else { return read(s) };
            match read(&on_replica) {
                Err(e @ shouhu_store::StoreError::Backend(_)) => {
                    s.replica_failed(&e);
                    read(s)
                }
                other => {
                    s.replica_served();
                    other
                }
            }
        })
        .await
    }

    /// Runs store work that ends in a group commit (reports, casework, their audit rows) on a
    /// blocking thread without taking one of the database slots: the thread mostly waits for
    /// the writer's commit, and holding a slot meanwhile would cap how many reports one commit
    /// can carry (decision 53).
    /// [`AppState::run_queued`] for work done as `p` (who is handed to the work).
    pub async fn queued_as<T: Send + 'static>(
        &self,
        p: &shouhu_store::users::Principal,
        f: impl FnOnce(&Store, &shouhu_store::users::Principal) -> Result<T, shouhu_store::StoreError> + Send + 'static,
    ) -> Result<T, error::AppError> {
        let p = p.clone();
        self.run_queued(move |s| f(s, &p)).await
    }

    pub async fn run_queued<T: Send + 'static>(
        &self,
        f: impl FnOnce(&Store) -> Result<T, shouhu_store::StoreError> + Send + 'static,
    ) -> Result<T, error::AppError> {
        let store = self.store.clone();
        Ok(tokio::task::spawn_blocking(move || f(&store)).await??)
    }
}

/// The whole application: pages, API, static files, and the layers around them.
pub fn app(state: AppState) -> Router {
    let (api_router, _openapi) = api::router();
    let router = Router::new()
        .merge(pages::router())
        .merge(api_router)
        .merge(statics::router())
        .merge(documents::router())
        .fallback(not_found)
        .layer(axum::middleware::from_fn_with_state(state.clone(), replica::note_writes))
        .layer(axum::middleware::from_fn_with_state(state.clone(), refusals::audit_refusals))
        .with_state(state.clone());
    middleware::apply(router, state.store.settings.limits, state.config.secure_cookies)
}

/// Serves until `shutdown` resolves.
pub async fn serve(
    listener: tokio::net::TcpListener,
    state: AppState,
    shutdown: impl std::future::Future<Output = ()> + Send + 'static,
) -> std::io::Result<()> {
    let app = app(state).into_make_service_with_connect_info::<std::net::SocketAddr>();
    axum::serve(listener, app).with_graceful_shutdown(shutdown).await
}

/// Unknown paths: JSON under `/api/`, a Chinese page elsewhere.
async fn not_found(uri: axum::http::Uri) -> axum::response::Response {
    use axum::response::IntoResponse;
    if uri.path().starts_with("/api/") {
        error::AppError::NotFound.into_response()
    } else {
        pages::PageError(error::AppError::NotFound).into_response()
    }
}
