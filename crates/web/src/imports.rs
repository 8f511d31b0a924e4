//! Census imports as background jobs, and ledger exports.
//!
//! An upload is spooled to the work folder, then checked and imported on a blocking thread
//! that does not depend on the request: closing the browser does not stop it. Progress is
//! kept in memory (the import holds SQLite's write lock, so it cannot be written to the
//! database while running); the outcome is stored with the job.

use crate::AppState;
use crate::error::AppError;
use shouhu_census::import::{self, FileSource, ImportOptions, ImportOutcome, Progress};
use shouhu_census::read::{self, Format};
use shouhu_store::audit::Action;
use shouhu_store::users::Principal;
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Running imports' progress, by job id.
#[derive(Debug, Default)]
pub struct Jobs {
    progress: Mutex<HashMap<i64, Progress>>,
}

impl Jobs {
    pub fn progress(&self, id: i64) -> Option<Progress> {
        self.progress.lock().ok().and_then(|m| m.get(&id).copied())
    }

    /// A job's progress: this server's own if it runs the job, else as its server last
    /// recorded it in the database (PostgreSQL, decision 196), so any server answers.
    pub fn progress_of(&self, job: &shouhu_store::jobs::ImportJob) -> Option<Progress> {
        if job.state != "running" {
            return None;
        }
        self.progress(job.id).or_else(|| job.progress.as_deref().and_then(progress_from_json))
    }

    fn set(&self, id: i64, p: Progress) {
        if let Ok(mut m) = self.progress.lock() {
            m.insert(id, p);
        }
    }

    fn done(&self, id: i64) {
        if let Ok(mut m) = self.progress.lock() {
            m.remove(&id);
        }
    }
}

/// A progress as [`Progress`] serialises it (the census crate only writes it).
fn progress_from_json(text: &str) -> Option<Progress> {
    let v: serde_json::Value = serde_json::from_str(text).ok()?;
    let phase = match v["phase"].as_str()? {
        "checking" => import::Phase::Checking,
        "importing" => import::Phase::Importing,
        "indexing" => import::Phase::Indexing,
        _ => return None,
    };
    let n = |k: &str| v[k].as_u64().and_then(|n| usize::try_from(n).ok());
    Some(Progress { phase, checked: n("checked")?, imported: n("imported")?, indexed: n("indexed")? })
}

/// How often a running import's progress is written for the other servers (PostgreSQL).
const PROGRESS_EVERY: std::time::Duration = std::time::Duration::from_millis(500);

/// Where a job's files live: the upload, and the error report.
pub fn upload_path(work_dir: &Path, job: i64) -> PathBuf {
    work_dir.join(format!("import-{job}.upload"))
}

/// A new, unguessable name for a job's error report. Job ids can repeat if the database is
/// replaced while the work folder stays: a random part keeps one job's report from ever
/// being served for another.
pub fn new_report_name(job: i64, format: Format) -> String {
    let ext = match format {
        Format::Csv => "csv",
        Format::Xlsx => "xlsx",
    };
    format!("import-{job}-{}-report.{ext}", &crate::auth::random_token()[..16])
}

/// The path of a stored report name, refusing anything that is not a plain file name.
pub fn report_path(work_dir: &Path, name: &str) -> Option<PathBuf> {
    let plain = name.starts_with("import-") && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '.');
    plain.then(|| work_dir.join(name))
}

/// The stored outcome of a job, with the report's format when there is one.
#[derive(Debug, Clone, serde::Serialize, serde::Deserialize, utoipa::ToSchema)]
pub struct JobOutcome {
    pub rows: usize,
    pub blank_rows: usize,
    pub error_rows: usize,
    /// The first errors, by sheet row number (all of them are in the report).
    pub first_errors: Vec<(usize, String)>,
    pub skipped_existing: usize,
    pub unknown_headers: Vec<String>,
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
    /// Whether anything was written.
    pub written: bool,
    /// The error report's file name in the work folder, when one was written.
    pub report: Option<String>,
}

impl JobOutcome {
    fn of(o: &ImportOutcome, report: Option<String>) -> JobOutcome {
        let w = o.written.unwrap_or_default();
        JobOutcome {
            rows: o.rows,
            blank_rows: o.blank_rows,
            error_rows: o.errors.len(),
            first_errors: o.errors.iter().take(50).map(|(k, v)| (*k, v.clone())).collect(),
            skipped_existing: o.skipped_existing,
            unknown_headers: o.unknown_headers.clone(),
            created: w.created,
            updated: w.updated,
            unchanged: w.unchanged,
            written: o.written.is_some(),
            report,
        }
    }
}

/// Starts an import of the spooled file `upload` (already at `upload_path(job)`) in the
/// background. Returns at once.
pub fn spawn(state: &AppState, principal: Principal, job: i64, opts: ImportOptions) {
    let state = state.clone();
    tokio::task::spawn_blocking(move || {
        let store = &state.store;
        let actor = principal.clone();
        let upload = upload_path(&state.config.work_dir, job);
        let jobs = state.jobs.clone();
        let mut recorded: Option<std::time::Instant> = None;
        let result = import::run(store, &actor, &FileSource(upload.clone()), &opts, &mut |p| {
            jobs.set(job, p);
            if recorded.is_none_or(|t| t.elapsed() >= PROGRESS_EVERY) {
                recorded = Some(std::time::Instant::now());
                let json = serde_json::to_string(&p).unwrap_or_default();
                if let Err(e) = store.record_import_progress(job, &json) {
                    tracing::debug!(job, error = %e, "recording an import's progress");
                }
            }
        });
        let finished = match result {
            Ok(outcome) => {
                let report = if outcome.errors.is_empty() {
                    None
                } else {
                    write_report(&state.config.work_dir, job, &upload, &outcome)
                };
                let o = JobOutcome::of(&outcome, report);
                let json = serde_json::to_string(&o).unwrap_or_default();
                let detail =
                    format!("job {job}: {} created, {} updated, {} rows wrong", o.created, o.updated, o.error_rows);
                let _ = store.audit(&actor, Action::Import, None, &detail);
                // The import committed after its request was answered: its user's reads from
                // the replica wait for it from here (decision 201), before the job says done.
                if let Err(e) = store.note_write(actor.user_id) {
                    tracing::warn!(job, error = %e, "recording an import's position for reads from the replica");
                }
                store.finish_import_job(job, "done", Some(&json), None)
            }
            Err(e) => {
                tracing::warn!(job, "import failed");
                store.finish_import_job(job, "failed", None, Some(&e.message()))
            }
        };
        if let Err(e) = finished {
            tracing::error!(job, error = %e, "could not record the end of an import");
        }
        jobs.done(job);
        let _ = std::fs::remove_file(&upload);
    });
}

fn write_report(work_dir: &Path, job: i64, upload: &Path, outcome: &ImportOutcome) -> Option<String> {
    let sheet = read::open(upload).ok()?;
    let format = sheet.format;
    let header_line = sheet.header_line;
    drop(sheet);
    let name = new_report_name(job, format);
    let out = work_dir.join(&name);
    match shouhu_census::report::write_report(
        upload,
        format,
        header_line,
        &outcome.errors,
        outcome.written.is_some(),
        &out,
    ) {
        Ok(()) => Some(name),
        Err(e) => {
            tracing::error!(job, error = %e.message(), "could not write the error report");
            None
        }
    }
}

/// Writes an upload to disk chunk by chunk, refusing more than the limit.
pub struct Spool {
    file: tokio::fs::File,
    path: PathBuf,
    total: u64,
    limit: u64,
}

impl Spool {
    /// A file at `path` that refuses to grow past `limit` bytes (and is then deleted).
    pub async fn create(path: PathBuf, limit: usize) -> Result<Spool, AppError> {
        let file = tokio::fs::File::create(&path).await.map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(Spool { file, path, total: 0, limit: limit as u64 })
    }

    pub async fn write(&mut self, chunk: &[u8]) -> Result<(), AppError> {
        use tokio::io::AsyncWriteExt;
        self.total += chunk.len() as u64;
        if self.total > self.limit {
            let _ = tokio::fs::remove_file(&self.path).await;
            return Err(AppError::TooLarge);
        }
        self.file.write_all(chunk).await.map_err(|e| AppError::Internal(e.to_string()))
    }

    pub async fn finish(mut self) -> Result<u64, AppError> {
        use tokio::io::AsyncWriteExt;
        self.file.flush().await.map_err(|e| AppError::Internal(e.to_string()))?;
        Ok(self.total)
    }

    /// Removes a spooled file that will not be imported.
    pub async fn discard(path: &Path) {
        let _ = tokio::fs::remove_file(path).await;
    }
}

/// A multipart upload read: its `file` part spooled to the work folder as it arrived (at most
/// the upload limit), the part's name made safe to show, and the form's other, small, fields.
pub struct Spooled {
    pub path: PathBuf,
    pub file_name: String,
    /// 0 when no file came (the spool is then already removed).
    pub bytes: u64,
    pub fields: Vec<(String, String)>,
}

impl Spooled {
    /// The text of a form field, if it was sent.
    pub fn field(&self, name: &str) -> Option<&str> {
        self.fields.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Reads a multipart upload for the census import and the school roll alike: the file goes to
/// disk chunk by chunk under `prefix`; `unnamed` names a file part sent without a name; of the
/// other parts only those named in `wanted` are read (the rest are skipped unread).
pub async fn read_multipart(
    state: &AppState,
    mut mp: axum::extract::Multipart,
    prefix: &str,
    unnamed: &str,
    wanted: &[&str],
) -> Result<Spooled, AppError> {
    let path = state.config.work_dir.join(format!("{prefix}-{}.part", &crate::auth::random_token()[..16]));
    let mut up = Spooled { path: path.clone(), file_name: String::new(), bytes: 0, fields: Vec::new() };
    let bad = |_| AppError::BadRequest(shouhu_domain::msg::BAD_REQUEST.into(), Vec::new());
    while let Some(mut field) = mp.next_field().await.map_err(bad)? {
        let name = field.name().unwrap_or("").to_string();
        if name == "file" {
            up.file_name = field
                .file_name()
                .unwrap_or(unnamed)
                .chars()
                .filter(|c| !c.is_control() && *c != '/' && *c != '\\')
                .take(100)
                .collect();
            let mut spool = Spool::create(path.clone(), state.store.settings.limits.upload_bytes).await?;
            while let Some(chunk) = field.chunk().await.map_err(bad)? {
                spool.write(&chunk).await?;
            }
            up.bytes = spool.finish().await?;
        } else if wanted.contains(&name.as_str()) {
            let text = field.text().await.map_err(bad)?;
            up.fields.push((name, text));
        }
    }
    if up.bytes == 0 {
        Spool::discard(&path).await;
    }
    Ok(up)
}

/// Deletes the files of `work_dir` last changed more than `age` before `now`: error reports
/// nobody downloaded, uploads a stopped server left. Each repeats children's data from a
/// census sheet, so none stays longer than the setting allows (issue 21). Returns how many.
pub fn sweep(work_dir: &Path, age: chrono::Duration, now: chrono::DateTime<chrono::Utc>) -> usize {
    let Ok(entries) = std::fs::read_dir(work_dir) else { return 0 };
    let cutoff = std::time::SystemTime::from(now) - age.to_std().unwrap_or_default();
    let mut removed = 0;
    for entry in entries.flatten() {
        let old =
            entry.metadata().ok().filter(|m| m.is_file()).and_then(|m| m.modified().ok()).is_some_and(|t| t < cutoff);
        if old && std::fs::remove_file(entry.path()).is_ok() {
            removed += 1;
        }
    }
    removed
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_sweep_deletes_work_files_past_their_age_and_keeps_the_rest() {
        let dir = tempfile::tempdir().expect("dir");
        let now = chrono::Utc::now();
        let touch = |name: &str, hours_ago: i64| {
            let path = dir.path().join(name);
            let f = std::fs::File::create(&path).expect("file");
            f.set_modified(std::time::SystemTime::from(now - chrono::Duration::hours(hours_ago))).expect("mtime");
            path
        };
        let old = touch("import-1-abc-report.csv", 25);
        let fresh = touch("import-2-def-report.csv", 23);
        let running = touch("upload-0123456789abcdef.part", 0);
        assert_eq!(sweep(dir.path(), chrono::Duration::hours(24), now), 1);
        assert!(!old.exists() && fresh.exists() && running.exists());
        assert_eq!(sweep(&dir.path().join("missing"), chrono::Duration::hours(24), now), 0);
    }
}
