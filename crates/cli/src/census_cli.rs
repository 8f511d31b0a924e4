//! `shouhu import` and `shouhu export`: the census file and the ledger from the command line.

use indicatif::{ProgressBar, ProgressStyle};
use shouhu_census::import::{self, FileSource, ImportOptions, OnExisting, Phase};
use shouhu_store::Store;
use std::path::Path;

/// Checks and imports `file` as `username`; prints what was wrong, row by row.
pub fn import(
    store: &Store,
    file: &Path,
    username: &str,
    update: bool,
    only_good_rows: bool,
    report: Option<&Path>,
) -> anyhow::Result<()> {
    let principal = store.principal_by_username(username).map_err(|_| anyhow::anyhow!("no active user {username}"))?;
    let actor = principal.clone();
    let opts = ImportOptions {
        on_existing: if update { OnExisting::Update } else { OnExisting::Skip },
        only_good_rows,
        file_name: file.file_name().map(|n| n.to_string_lossy().to_string()).unwrap_or_default(),
        // Indexed below, timed apart from the import.
        index_now: false,
    };
    let bar = ProgressBar::new_spinner();
    bar.set_style(
        ProgressStyle::with_template("{spinner} {msg} [{elapsed}]")
            .unwrap_or_else(|_| ProgressStyle::default_spinner()),
    );
    bar.enable_steady_tick(std::time::Duration::from_millis(200));
    let started = std::time::Instant::now();
    let outcome = import::run(store, &actor, &FileSource(file.to_path_buf()), &opts, &mut |p| {
        bar.set_message(match p.phase {
            Phase::Checking => format!("已检查 {} 行", p.checked),
            Phase::Importing => format!("已检查 {} 行，已导入 {} 行", p.checked, p.imported),
            Phase::Indexing => format!("已建立检索 {} 份", p.indexed),
        });
    })
    .map_err(|e| anyhow::anyhow!(e.message()))?;
    bar.finish_and_clear();
    let secs = started.elapsed().as_secs_f64();
    for (line, message) in outcome.errors.iter().take(100) {
        eprintln!("第{line}行：{message}");
    }
    if outcome.errors.len() > 100 {
        eprintln!("……另有 {} 行有错误", outcome.errors.len() - 100);
    }
    if !outcome.errors.is_empty()
        && let Some(out) = report
    {
        let sheet = shouhu_census::read::open(file).map_err(|e| anyhow::anyhow!(e.message()))?;
        let (format, header_line) = (sheet.format, sheet.header_line);
        drop(sheet);
        shouhu_census::report::write_report(file, format, header_line, &outcome.errors, outcome.written.is_some(), out)
            .map_err(|e| anyhow::anyhow!(e.message()))?;
        eprintln!("标注了错误的表格：{}", out.display());
    }
    match outcome.written {
        Some(w) => eprintln!(
            "{} 行，{:.1} 秒（{:.0} 行/秒）：新建 {}，更新 {}，无变化 {}，跳过已有 {}，错误 {}",
            outcome.rows,
            secs,
            outcome.rows as f64 / secs.max(1e-9),
            w.created,
            w.updated,
            w.unchanged,
            outcome.skipped_existing,
            outcome.errors.len()
        ),
        None => anyhow::bail!("{} 行中有 {} 行有错误，未导入任何档案", outcome.rows, outcome.errors.len()),
    }
    if outcome.index_pending {
        // The import is committed; search finds its files by name once their terms are written.
        let bar = ProgressBar::new_spinner();
        bar.enable_steady_tick(std::time::Duration::from_millis(200));
        let started = std::time::Instant::now();
        let n = store.index_all(|n| bar.set_message(format!("正在建立姓名检索：{n} 份")))?;
        bar.finish_and_clear();
        eprintln!("姓名检索：{n} 份，{:.1} 秒", started.elapsed().as_secs_f64());
    }
    Ok(())
}

/// Exports the ledger of `username`'s scope, if their role keeps the ledger.
pub fn export(store: &Store, username: &str, out: &Path, query: &str) -> anyhow::Result<()> {
    let p = store.principal_by_username(username).map_err(|_| anyhow::anyhow!("no active user {username}"))?;
    if !p.role.may_export() {
        store.audit(&p, shouhu_store::audit::Action::Refused, None, "cli: export")?;
        anyhow::bail!("{username}（{}）{}", p.role.label(), shouhu_domain::msg::FORBIDDEN);
    }
    let q = shouhu_web::filters::LedgerQuery::parse(query).map_err(|e| anyhow::anyhow!("--query: {e}"))?;
    let selection = q.selection(store, &p)?;
    let started = std::time::Instant::now();
    let stats = shouhu_census::export::export_for(store, &p, &selection, &p.org_name, "cli", out)
        .map_err(|e| anyhow::anyhow!(e.message()))?;
    eprintln!("{} 份档案，{} 字节，{:.1} 秒", stats.rows, stats.bytes, started.elapsed().as_secs_f64());
    Ok(())
}
