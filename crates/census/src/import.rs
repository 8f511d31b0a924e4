//! Checking and importing a census sheet.
//!
//! Two passes over the file, so that memory does not grow with it: the first checks every
//! row (the registry's rules, the village and the user's scope, duplicates within the file
//! and against the registry) and keeps only the messages; the second, when there is nothing
//! wrong or the user chose to import the good rows only, reads the file again and writes
//! every file in one transaction. A failure or an interruption leaves the registry as it was.

use crate::columns::{self, HeaderMap};
use crate::table::RawRow;
use shouhu_domain::error::FieldErrors;
use shouhu_domain::fields::{self, Source};
use shouhu_domain::msg;
use shouhu_store::import::{CheckedFile, Existing, ImportCounts, ImportItem};
use shouhu_store::{Actor, Store, StoreError};
use std::collections::{BTreeMap, HashMap, HashSet};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

/// A sheet that can be read from the start as often as needed.
pub trait RowSource {
    /// The header row's cells and the data rows after it.
    #[allow(clippy::type_complexity)]
    fn open(&self) -> Result<(Vec<String>, Box<dyn Iterator<Item = Result<RawRow, String>> + '_>), String>;
}

/// A census file on disk (.xlsx or CSV), read by [`crate::read::open`].
pub struct FileSource(pub std::path::PathBuf);

impl RowSource for FileSource {
    fn open(&self) -> Result<(Vec<String>, Box<dyn Iterator<Item = Result<RawRow, String>> + '_>), String> {
        let sheet = crate::read::open(&self.0).map_err(|e| e.message())?;
        Ok((sheet.headers, Box::new(sheet.rows.map(|r| r.map_err(|e| e.message())))))
    }
}

/// What to do with a row whose ID number already has a file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Deserialize, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum OnExisting {
    /// Write the row over the file; each change goes into its history as from this import.
    Update,
    /// Leave the file as it is.
    Skip,
}

#[derive(Debug, Clone)]
pub struct ImportOptions {
    pub on_existing: OnExisting,
    /// Import the good rows even when some rows are wrong.
    pub only_good_rows: bool,
    /// The file's name, recorded in history and audit as "import:NAME".
    pub file_name: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    Checking,
    Importing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub phase: Phase,
    pub checked: usize,
    pub imported: usize,
}

/// The result of an import: what was checked, what was wrong, what was written.
#[derive(Debug, Clone, Default, serde::Serialize)]
pub struct ImportOutcome {
    /// Data rows read, blank rows not counted.
    pub rows: usize,
    pub blank_rows: usize,
    /// Sheet row number → what is wrong with that row, in Chinese.
    pub errors: BTreeMap<usize, String>,
    /// Rows whose file exists and was left alone (`OnExisting::Skip`).
    pub skipped_existing: usize,
    /// Headers that name no census column (ignored).
    pub unknown_headers: Vec<String>,
    /// What was written; `None` when nothing was (errors, and not only the good rows).
    pub written: Option<ImportCounts>,
}

#[derive(Debug, thiserror::Error)]
pub enum ImportError {
    /// The file cannot be read, or is not a census sheet: nothing was checked.
    #[error("{0}")]
    Unreadable(String),
    /// The user's role may not write files.
    #[error("forbidden")]
    Forbidden,
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ImportError {
    pub fn message(&self) -> String {
        match self {
            ImportError::Unreadable(m) => m.clone(),
            ImportError::Forbidden => msg::FORBIDDEN.to_string(),
            ImportError::Store(StoreError::Duplicate { message, .. }) => {
                format!("{message}（导入期间另有人登记了同一身份证号码，本次导入未保存，请重新导入）")
            }
            ImportError::Store(e) => format!("导入失败，档案未作任何改动：{e}"),
        }
    }
}

pub use crate::read::column_letter;

/// Checks one row: the file it holds, or what is wrong with it ("第F列「出生日期」：…；…").
pub fn check_row(
    store: &Store,
    actor: &Actor,
    map: &HeaderMap,
    headers: &[String],
    row: &RawRow,
) -> Result<CheckedFile, String> {
    let pairs: Vec<(String, String)> = map
        .positions
        .iter()
        .map(|(i, path)| (path.to_string(), row.cells.get(*i).map(|c| c.trim().to_string()).unwrap_or_default()))
        .collect();
    let (file, mut errs) = fields::read_from(&pairs, Source::Census);
    // The store's own check (the same as a form's), so the import need not check again.
    match store.check_import_file(actor, file) {
        Ok(f) if errs.is_empty() => Ok(f),
        Ok(_) => Err(describe(map, headers, &errs)),
        Err(StoreError::Invalid(more)) => {
            merge(&mut errs, more);
            Err(describe(map, headers, &errs))
        }
        Err(e) => {
            tracing::error!(error = %e, "checking a census row");
            Err(msg::INTERNAL.to_string())
        }
    }
}

fn merge(into: &mut FieldErrors, more: FieldErrors) {
    for e in more.0 {
        if into.get(&e.field).is_none() {
            into.0.push(e);
        }
    }
}

/// Names each wrong field by the workbook's own column letter and header.
fn describe(map: &HeaderMap, headers: &[String], errs: &FieldErrors) -> String {
    errs.0
        .iter()
        .map(|e| match map.positions.iter().find(|(_, p)| *p == e.field) {
            Some((i, _)) => format!(
                "第{}列「{}」：{}",
                column_letter(*i),
                headers.get(*i).map(|h| h.trim().to_string()).unwrap_or_else(|| columns::header_of(&e.field)),
                e.message
            ),
            None => format!("「{}」：{}", columns::header_of(&e.field), e.message),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Rows checked together in the first pass, split over two threads.
const CHECK_CHUNK: usize = 2048;

/// Checked rows waiting for the writer: enough to keep it busy, few enough to bound memory.
const PIPELINE: usize = 4096;

/// A checked row waiting for the registry's answer about its ID number.
struct Pending {
    line: usize,
    id_number: String,
}

/// Checks the whole sheet, then imports it if it may be.
pub fn run(
    store: &Store,
    actor: &Actor,
    source: &dyn RowSource,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportOutcome, ImportError> {
    if !actor.role.may_write_children() {
        return Err(ImportError::Forbidden);
    }
    let (headers, rows) = source.open().map_err(ImportError::Unreadable)?;
    let map = columns::match_headers(&headers).map_err(|e| ImportError::Unreadable(e.message()))?;
    let mut out = ImportOutcome { unknown_headers: map.unknown.clone(), ..Default::default() };

    // Pass 1: check every row; keep messages and ID numbers only.
    let mut first_line_of: HashMap<String, usize> = HashMap::new();
    let mut updates: HashMap<usize, i64> = HashMap::new();
    let mut skips: HashSet<usize> = HashSet::new();
    let mut pending: Vec<Pending> = Vec::new();
    // Rows are read here and checked on both cores, a chunk at a time; what is learned from
    // them (duplicates, existing files) is taken in row order.
    let mut rows = rows.peekable();
    while rows.peek().is_some() {
        let mut chunk: Vec<RawRow> = Vec::with_capacity(CHECK_CHUNK);
        for row in rows.by_ref() {
            let row = row.map_err(ImportError::Unreadable)?;
            if row.is_blank() {
                out.blank_rows += 1;
                continue;
            }
            chunk.push(row);
            if chunk.len() == CHECK_CHUNK {
                break;
            }
        }
        let (left, right) = chunk.split_at(chunk.len() / 2);
        let check = |part: &[RawRow]| -> Vec<Result<Option<String>, String>> {
            part.iter().map(|r| check_row(store, actor, &map, &headers, r).map(|f| f.into_file().id_number)).collect()
        };
        let (mut checked, rest) = std::thread::scope(|scope| {
            let other = scope.spawn(|| check(right));
            let mine = check(left);
            (mine, other.join())
        });
        checked.extend(rest.map_err(|_| ImportError::Unreadable("checking rows failed".into()))?);
        for (row, result) in chunk.iter().zip(checked) {
            out.rows += 1;
            match result {
                Err(m) => {
                    out.errors.insert(row.line, m);
                }
                Ok(Some(idn)) => match first_line_of.get(&idn) {
                    Some(first) => {
                        out.errors.insert(row.line, format!("身份证号码与第{first}行重复"));
                    }
                    None => {
                        first_line_of.insert(idn.clone(), row.line);
                        pending.push(Pending { line: row.line, id_number: idn });
                    }
                },
                Ok(None) => {}
            }
            if pending.len() >= 1000 {
                resolve_existing(store, actor, opts, &mut pending, &mut out, &mut updates, &mut skips)?;
            }
            if out.rows.is_multiple_of(1000) {
                progress(Progress { phase: Phase::Checking, checked: out.rows, imported: 0 });
            }
        }
    }
    resolve_existing(store, actor, opts, &mut pending, &mut out, &mut updates, &mut skips)?;
    progress(Progress { phase: Phase::Checking, checked: out.rows, imported: 0 });
    drop(first_line_of);
    if !out.errors.is_empty() && !opts.only_good_rows {
        return Ok(out);
    }

    // Pass 2: read again and write the good rows, all in one transaction. Reading and
    // checking run here while another thread writes what is ready (2 cores: the two halves
    // overlap instead of taking turns).
    let (_, rows) = source.open().map_err(ImportError::Unreadable)?;
    let errors = &out.errors;
    let source_name = format!("import:{}", opts.file_name);
    let written = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<Result<ImportItem, StoreError>>(PIPELINE);
    let counts = std::thread::scope(|scope| {
        let writer = scope
            .spawn(|| store.import_files(actor, &source_name, rx.into_iter(), |n| written.store(n, Ordering::Relaxed)));
        let mut sent = 0usize;
        for row in rows {
            let item = match row {
                Err(m) => Err(StoreError::Backend(format!("re-reading the file: {m}"))),
                Ok(row) if row.is_blank() || errors.contains_key(&row.line) || skips.contains(&row.line) => continue,
                Ok(row) => match check_row(store, actor, &map, &headers, &row) {
                    // The file changed between the passes: stop rather than write something unchecked.
                    Err(m) => Err(StoreError::Backend(format!("row {} changed while importing: {m}", row.line))),
                    Ok(file) => match updates.get(&row.line) {
                        Some(id) => Ok(ImportItem::Update { id: *id, file }),
                        None => store.prepare_new(file).map(ImportItem::New),
                    },
                },
            };
            let failed = item.is_err();
            // A closed channel means the writer stopped on an error; it reports it.
            if tx.send(item).is_err() || failed {
                break;
            }
            sent += 1;
            if sent.is_multiple_of(1000) {
                progress(Progress {
                    phase: Phase::Importing,
                    checked: out.rows,
                    imported: written.load(Ordering::Relaxed),
                });
            }
        }
        drop(tx);
        writer.join().unwrap_or_else(|_| Err(StoreError::Backend("the import's writer panicked".into())))
    })?;
    progress(Progress {
        phase: Phase::Importing,
        checked: out.rows,
        imported: counts.created + counts.updated + counts.unchanged,
    });
    out.written = Some(counts);
    Ok(out)
}

/// Asks the registry about the ID numbers of checked rows: a file the user may see is
/// updated or skipped as they chose; one they may not see makes the row wrong, without
/// saying where it is.
fn resolve_existing(
    store: &Store,
    actor: &Actor,
    opts: &ImportOptions,
    pending: &mut Vec<Pending>,
    out: &mut ImportOutcome,
    updates: &mut HashMap<usize, i64>,
    skips: &mut HashSet<usize>,
) -> Result<(), ImportError> {
    if pending.is_empty() {
        return Ok(());
    }
    let ids: Vec<String> = pending.iter().map(|p| p.id_number.clone()).collect();
    let found: HashMap<String, Existing> = store.find_by_id_numbers(&ids)?;
    for p in pending.drain(..) {
        let Some(e) = found.get(&p.id_number) else {
            continue;
        };
        if !actor.scope.covers(&e.village_code, e.school_org_id) {
            out.errors.insert(p.line, "该身份证号码已在其他地区建档，请联系上级民政部门核实".to_string());
        } else if opts.on_existing == OnExisting::Skip {
            skips.insert(p.line);
            out.skipped_existing += 1;
        } else {
            updates.insert(p.line, e.id);
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn columns_are_named_as_excel_names_them() {
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(25), "Z");
        assert_eq!(column_letter(26), "AA");
        assert_eq!(column_letter(27), "AB");
        assert_eq!(column_letter(701), "ZZ");
        assert_eq!(column_letter(702), "AAA");
    }

    use chrono::TimeZone;
    use shouhu_domain::clock::FixedClock;
    use shouhu_domain::id_number::check_character;
    use shouhu_domain::role::{Role, Scope};
    use shouhu_store::DbUrl;
    use std::sync::Arc;

    struct Rows(Vec<Vec<&'static str>>);

    impl RowSource for Rows {
        fn open(&self) -> Result<(Vec<String>, Box<dyn Iterator<Item = Result<RawRow, String>> + '_>), String> {
            let headers = self.0[0].iter().map(|s| s.to_string()).collect();
            Ok((
                headers,
                Box::new(
                    self.0[1..]
                        .iter()
                        .enumerate()
                        .map(|(i, r)| Ok(RawRow { line: i + 2, cells: r.iter().map(|s| s.to_string()).collect() })),
                ),
            ))
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("dir");
        let clock =
            Arc::new(FixedClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 29, 4, 0, 0).single().expect("time")));
        let store = Store::open(&DbUrl::Sqlite(dir.path().join("t.db")), 2, clock).expect("store");
        (dir, store)
    }

    fn township() -> Actor {
        Actor {
            user_id: None,
            user_name: "镇".into(),
            role: Role::TownshipStaff,
            scope: Scope::Region("120114101".into()),
        }
    }

    fn id(birth: &str, seq: &str) -> &'static str {
        let first17 = format!("120114{birth}{seq}");
        let c = check_character(&first17).expect("17 digits");
        Box::leak(format!("{first17}{c}").into_boxed_str())
    }

    const HEAD: &[&str] =
        &["姓名", "性别", "出生日期", "身份证号码", "现居住地址", "所在村（居）", "父亲外出务工", "母亲外出务工"];

    fn opts(on_existing: OnExisting, only_good_rows: bool) -> ImportOptions {
        ImportOptions { on_existing, only_good_rows, file_name: "登记表.csv".into() }
    }

    fn count(store: &Store) -> i64 {
        store
            .pool
            .read(|c| c.query_opt("SELECT count(*) FROM children", &[], |r| r.i64(0)))
            .expect("count")
            .unwrap_or(0)
    }

    #[test]
    fn a_sheet_with_a_bad_row_imports_nothing_and_names_row_and_column() {
        let (_d, store) = store();
        let rows = Rows(vec![
            HEAD.to_vec(),
            vec!["张一", "男", "2016-05-04", id("20160504", "001"), "一组", "120114101204", "是", "是"],
            vec!["张二", "男", "2016/5/4", "120114201605040110", "一组", "120114101204", "是", "是"],
            vec!["", "", "", "", "", "", "", ""],
            vec!["张三", "男", "2016-05-04", id("20160504", "001"), "一组", "120114101204", "是", "是"],
            vec!["李四", "女", "2015-01-01", "", "一组", "120114102201", "是", "是"],
        ]);
        let out = run(&store, &township(), &rows, &opts(OnExisting::Skip, false), &mut |_| {}).expect("checked");
        assert_eq!(out.rows, 4);
        assert_eq!(out.blank_rows, 1);
        assert!(out.written.is_none());
        assert!(out.errors[&3].starts_with("第D列「身份证号码」："), "{}", out.errors[&3]);
        assert_eq!(out.errors[&5], "身份证号码与第2行重复");
        assert!(out.errors[&6].contains("第F列「所在村（居）」"), "{}", out.errors[&6]);
        assert_eq!(count(&store), 0);
    }

    #[test]
    fn the_good_rows_only_when_asked_and_existing_files_updated_or_skipped() {
        let (_d, store) = store();
        let rows = Rows(vec![
            HEAD.to_vec(),
            vec!["王一", "男", "2016-05-04", id("20160504", "003"), "一组", "120114101204", "是", "是"],
            vec!["王二", "男", "2016-05-04", "bad", "一组", "120114101204", "是", "是"],
        ]);
        let out = run(&store, &township(), &rows, &opts(OnExisting::Skip, true), &mut |_| {}).expect("imported");
        assert_eq!(out.written.map(|w| w.created), Some(1));
        assert_eq!(out.errors.len(), 1);
        assert_eq!(count(&store), 1);

        // Again, with a changed address: skipped, then updated with history from the import.
        let again = Rows(vec![
            HEAD.to_vec(),
            vec!["王一", "男", "2016-05-04", id("20160504", "003"), "二组", "120114101204", "是", "是"],
        ]);
        let out = run(&store, &township(), &again, &opts(OnExisting::Skip, false), &mut |_| {}).expect("skipped");
        assert_eq!(out.skipped_existing, 1);
        assert_eq!(out.written.map(|w| w.created + w.updated), Some(0));
        let out = run(&store, &township(), &again, &opts(OnExisting::Update, false), &mut |_| {}).expect("updated");
        assert_eq!(out.written.map(|w| w.updated), Some(1));
        let rows = store.search(&Scope::Region("12".into()), "王一", 5).expect("search");
        let hist = store.child_history(&township(), rows[0].id).expect("history");
        assert_eq!(hist[0].field, "address");
        assert_eq!(hist[0].source, "import:登记表.csv");
        assert_eq!(count(&store), 1);
    }

    #[test]
    fn a_file_that_is_not_a_census_sheet_is_refused_by_name() {
        let (_d, store) = store();
        let rows = Rows(vec![vec!["品名", "数量"], vec!["苹果", "3"]]);
        let e = run(&store, &township(), &rows, &opts(OnExisting::Skip, false), &mut |_| {}).expect_err("not census");
        assert!(e.message().contains("缺少以下列"), "{}", e.message());
    }
}
