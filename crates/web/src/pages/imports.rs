//! Pages for census imports and ledger exports.

use super::{Layout, PageError, PageResult, render};
use crate::AppState;
use crate::auth::CurrentUser;
use crate::body::{IdPath, QueryParams};
use crate::error::AppError;
use crate::filters::LedgerQuery;
use crate::imports::{self, JobOutcome, Spool};
use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::header;
use axum::response::{IntoResponse, Redirect, Response};
use axum::routing::get;
use shouhu_census::import::{ImportOptions, OnExisting, Phase};
use shouhu_domain::msg;
use shouhu_domain::role::Role;
use shouhu_store::jobs::ImportJob;
use std::path::{Path, PathBuf};

pub fn router() -> Router<AppState> {
    Router::new()
        .route("/imports", get(list).post(upload).layer(DefaultBodyLimit::disable()))
        .route("/imports/template.xlsx", get(template))
        .route("/imports/{id}", get(show))
        .route("/imports/{id}/report", get(report))
        .route("/export.xlsx", get(export))
}

pub struct JobRow {
    pub id: i64,
    pub file_name: String,
    pub state: &'static str,
    pub at: String,
}

use super::view::china_time;

/// A job's state in words: a finished job that wrote nothing, or not every row, says so.
fn state_label(job: &ImportJob) -> &'static str {
    let outcome: Option<JobOutcome> = job.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok());
    match (job.state.as_str(), outcome) {
        ("done", Some(o)) if !o.written && o.error_rows > 0 => msg::STATE_REFUSED,
        ("done", Some(o)) if o.error_rows > 0 => msg::STATE_PARTLY_DONE,
        ("done", _) => msg::STATE_DONE,
        ("failed", _) => msg::STATE_FAILED,
        _ => msg::STATE_RUNNING,
    }
}

#[derive(Template)]
#[template(path = "imports.html")]
pub struct ImportsPage {
    pub layout: Layout,
    pub jobs: Vec<JobRow>,
    pub error: String,
}

async fn imports_page(state: &AppState, user: &CurrentUser, error: &str) -> PageResult {
    let uid = user.principal.user_id;
    let jobs = state.run(move |s| s.import_jobs(uid, 20)).await?;
    let mut res = render(&ImportsPage {
        layout: Layout::new(msg::IMPORTS, Some(user)),
        jobs: jobs
            .into_iter()
            .map(|j| JobRow { id: j.id, state: state_label(&j), at: china_time(j.created_at), file_name: j.file_name })
            .collect(),
        error: error.to_string(),
    });
    if !error.is_empty() {
        *res.status_mut() = axum::http::StatusCode::UNPROCESSABLE_ENTITY;
    }
    Ok(res)
}

async fn list(State(state): State<AppState>, user: CurrentUser) -> PageResult {
    user.require(Role::may_write_children)?;
    imports_page(&state, &user, "").await
}

/// What an upload form or API call carried.
pub struct Upload {
    pub spooled: PathBuf,
    pub file_name: String,
    pub bytes: u64,
    pub csrf: Option<String>,
    pub options: ImportOptions,
}

/// Reads a multipart upload: the file goes to disk as it arrives; the other fields are small.
pub async fn read_upload(state: &AppState, mp: Multipart) -> Result<Upload, AppError> {
    let got = crate::imports::read_multipart(state, mp, "upload", "upload", &["csrf", "on_existing", "only_good_rows"])
        .await?;
    if got.bytes == 0 {
        let f = vec![shouhu_domain::error::FieldError { field: "file".into(), message: msg::FILE_REQUIRED.into() }];
        return Err(AppError::BadRequest(msg::FILE_REQUIRED.into(), f));
    }
    let options = ImportOptions {
        on_existing: if got.field("on_existing") == Some("update") { OnExisting::Update } else { OnExisting::Skip },
        only_good_rows: matches!(got.field("only_good_rows"), Some("true" | "on" | "1")),
        file_name: got.file_name.clone(),
        index_now: true,
    };
    Ok(Upload {
        csrf: got.field("csrf").map(str::to_string),
        spooled: got.path,
        file_name: got.file_name,
        bytes: got.bytes,
        options,
    })
}

/// Registers the job, moves the upload into place and starts the import.
pub async fn start(state: &AppState, user: &CurrentUser, up: Upload) -> Result<i64, AppError> {
    let uid = user.principal.user_id;
    let (name, opts_json) = (
        up.file_name.clone(),
        serde_json::json!({
            "on_existing": up.options.on_existing,
            "only_good_rows": up.options.only_good_rows,
        })
        .to_string(),
    );
    let job = state.run(move |s| s.create_import_job(uid, &name, &opts_json)).await?;
    tokio::fs::rename(&up.spooled, imports::upload_path(&state.config.work_dir, job))
        .await
        .map_err(|e| AppError::Internal(e.to_string()))?;
    imports::spawn(state, user.principal.clone(), job, up.options);
    Ok(job)
}

async fn upload(State(state): State<AppState>, user: CurrentUser, mp: Multipart) -> PageResult {
    user.require(Role::may_write_children)?;
    let up = match read_upload(&state, mp).await {
        Ok(up) => up,
        Err(AppError::BadRequest(m, _)) => return imports_page(&state, &user, &m).await,
        Err(e) => return Err(PageError(e)),
    };
    if let Err(e) = user.check_csrf(up.csrf.as_deref()) {
        Spool::discard(&up.spooled).await;
        return Err(PageError(e));
    }
    let job = start(&state, &user, up).await?;
    Ok(Redirect::to(&format!("/imports/{job}")).into_response())
}

#[derive(Template)]
#[template(path = "import.html")]
pub struct JobPage {
    pub layout: Layout,
    pub id: i64,
    pub file_name: String,
    pub running: bool,
    pub failed: bool,
    pub message: String,
    pub checked: usize,
    pub imported: usize,
    pub importing: bool,
    pub indexing: bool,
    pub indexed: usize,
    pub outcome: Option<JobOutcome>,
    /// The error report was downloaded (or aged out) and deleted.
    pub report_gone: bool,
}

async fn show(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> PageResult {
    let uid = user.principal.user_id;
    let job: ImportJob = state.run(move |s| s.import_job(uid, id)).await?;
    let progress = state.jobs.progress_of(&job);
    let mut outcome: Option<JobOutcome> = job.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok());
    // A report deleted after its download is no longer offered.
    let report_gone = outcome.as_mut().is_some_and(|o| {
        let gone = o
            .report
            .as_deref()
            .is_some_and(|name| imports::report_path(&state.config.work_dir, name).is_none_or(|path| !path.exists()));
        if gone {
            o.report = None;
        }
        gone
    });
    Ok(render(&JobPage {
        layout: Layout::new(msg::IMPORTS, Some(&user)),
        id,
        file_name: job.file_name,
        running: job.state == "running",
        failed: job.state == "failed",
        message: job.message.unwrap_or_default(),
        checked: progress.map_or(0, |p| p.checked),
        imported: progress.map_or(0, |p| p.imported),
        importing: progress.is_some_and(|p| p.phase != Phase::Checking),
        indexing: progress.is_some_and(|p| p.phase == Phase::Indexing),
        indexed: progress.map_or(0, |p| p.indexed),
        outcome,
        report_gone,
    }))
}

/// Sends a file as a download, streamed from disk.
pub async fn download(
    path: &Path,
    name: &str,
    content_type: &'static str,
    delete_after_open: bool,
) -> Result<Response, AppError> {
    let file = tokio::fs::File::open(path).await.map_err(|_| AppError::NotFound)?;
    if delete_after_open {
        // The open file stays readable; nothing is left behind once it is sent.
        let _ = tokio::fs::remove_file(path).await;
    }
    let len = file.metadata().await.map(|m| m.len()).ok();
    let body = axum::body::Body::from_stream(tokio_util::io::ReaderStream::new(file));
    // RFC 5987: the Chinese file name, percent-encoded.
    let encoded: String = name
        .bytes()
        .map(|b| {
            if b.is_ascii_alphanumeric() || b"-_.".contains(&b) { (b as char).to_string() } else { format!("%{b:02X}") }
        })
        .collect();
    let mut res = Response::new(body);
    let h = res.headers_mut();
    h.insert(header::CONTENT_TYPE, header::HeaderValue::from_static(content_type));
    if let Ok(v) = format!("attachment; filename=\"download\"; filename*=UTF-8''{encoded}").parse() {
        h.insert(header::CONTENT_DISPOSITION, v);
    }
    if let Some(n) = len.and_then(|n| n.to_string().parse().ok()) {
        h.insert(header::CONTENT_LENGTH, n);
    }
    Ok(res)
}

pub const XLSX: &str = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
pub const CSV: &str = "text/csv; charset=utf-8";

async fn report(State(state): State<AppState>, user: CurrentUser, IdPath(id): IdPath) -> Result<Response, PageError> {
    Ok(report_download(&state, &user, id).await?)
}

/// The error report of one of the user's own jobs.
pub async fn report_download(state: &AppState, user: &CurrentUser, id: i64) -> Result<Response, AppError> {
    let uid = user.principal.user_id;
    let job = state.run(move |s| s.import_job(uid, id)).await?;
    let outcome: Option<JobOutcome> = job.outcome.as_deref().and_then(|o| serde_json::from_str(o).ok());
    let Some(name) = outcome.and_then(|o| o.report) else { return Err(AppError::NotFound) };
    let path = imports::report_path(&state.config.work_dir, &name).ok_or(AppError::NotFound)?;
    let (kind, ct) = if name.ends_with(".csv") { ("csv", CSV) } else { ("xlsx", XLSX) };
    let stem = job.file_name.rsplit_once('.').map_or(job.file_name.as_str(), |(s, _)| s).to_string();
    // The report repeats the uploaded sheet: it is deleted once sent (a second copy means
    // importing again), or by the sweep after `limits.work_file_hours` (issue 21).
    download(&path, &format!("{stem}-错误说明.{kind}"), ct, true).await
}

async fn template(State(state): State<AppState>, _user: CurrentUser) -> Result<Response, PageError> {
    let out = state.config.work_dir.join(format!("template-{}.xlsx", &crate::auth::random_token()[..12]));
    let o = out.clone();
    tokio::task::spawn_blocking(move || shouhu_census::report::write_template(&o))
        .await
        .map_err(AppError::from)?
        .map_err(|e| AppError::Internal(e.message()))?;
    Ok(download(&out, "农村留守儿童信息登记表.xlsx", XLSX, true).await?)
}

async fn export(
    State(state): State<AppState>,
    user: CurrentUser,
    QueryParams(q): QueryParams<LedgerQuery>,
) -> Result<Response, PageError> {
    Ok(export_download(&state, &user, &q, "web").await?)
}

/// What the ledger shows for query `q` in the user's scope (its filters, or a search's
/// matches) as .xlsx, written to disk in constant memory, then streamed.
pub async fn export_download(
    state: &AppState,
    user: &CurrentUser,
    q: &LedgerQuery,
    source: &'static str,
) -> Result<Response, AppError> {
    // For those who keep the ledger (decision 88); the refusal is audited as any 403.
    user.require(Role::may_export)?;
    let p = user.principal.clone();
    let q = q.clone();
    let selection = state.run(move |s| q.selection(s, &p)).await?;
    let out = state.config.work_dir.join(format!("export-{}.xlsx", &crate::auth::random_token()[..12]));
    let p = user.principal.clone();
    let o = out.clone();
    let scope_name = match p.scope() {
        shouhu_domain::role::Scope::Region(r) => state.store.regions.path_name(&r).replace(" / ", ""),
        _ => p.org_name.clone(),
    };
    let store = state.store.clone();
    let stats = tokio::task::spawn_blocking(move || {
        shouhu_census::export::export_for(&store, &p, &selection, &scope_name, source, &o)
    })
    .await
    .map_err(AppError::from)?
    .map_err(|e| match e {
        shouhu_census::export::ExportError::Forbidden => AppError::Forbidden,
        e => AppError::BadRequest(e.message(), Vec::new()),
    })?;
    tracing::info!(rows = stats.rows, "ledger exported");
    let date = state.store.today();
    download(&out, &format!("留守儿童台账-{date}.xlsx"), XLSX, true).await
}
