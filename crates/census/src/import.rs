//! Checking and importing a census sheet.
//!
//! One pass over the file: every row is checked (the registry's rules, the village and the
//! user's scope, duplicates within the file and against the registry) and, while nothing is
//! wrong or when the user chose to import the good rows only, written in one transaction by a
//! second thread. The first wrong row of a sheet that must import whole rolls the transaction
//! back; checking goes on to the end, so every wrong row is named. A failure or an
//! interruption leaves the registry as it was. The files' search terms are written after the
//! commit (decision 40).

use crate::columns::{self, HeaderMap};
use crate::table::RawRow;
use shouhu_domain::child::ChildFile;
use shouhu_domain::error::{FieldError, FieldErrors};
use shouhu_domain::fields::{FIELDS, Kind, Source};
use shouhu_domain::msg;
use shouhu_domain::region::Level;
use shouhu_domain::role::Scope;
use shouhu_store::import::{CheckedFile, Existing, ImportCounts, ImportItem, PreparedFile};
use shouhu_store::regions::Unresolved;
use shouhu_store::users::Principal;
use shouhu_store::{Actor, Store, StoreError};
use std::collections::{BTreeMap, HashMap};
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
    /// Write the imported files' search terms before returning. Otherwise they are left to
    /// the server's indexer (the benchmark times the two apart).
    pub index_now: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Phase {
    /// Checking rows; nothing is being written (a wrong row was found).
    Checking,
    /// Checking rows and writing them.
    Importing,
    /// Committed; writing the new files' search terms.
    Indexing,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct Progress {
    pub phase: Phase,
    pub checked: usize,
    pub imported: usize,
    /// New files whose search terms are written.
    pub indexed: usize,
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
    /// Files written whose search terms are still to be written by the server's indexer.
    pub index_pending: bool,
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
    let mut file = ChildFile::default();
    let mut errs = FieldErrors::default();
    for (i, field) in &map.fields {
        // A cell of a CSV that shouhu wrote (an error report corrected and uploaded
        // again) may carry the apostrophe that kept it from being a formula.
        let cell = crate::csv_safe::restore(row.cell(*i));
        // Bytes the reader could not decode became U+FFFD: the cell is wrong, not its text.
        if cell.contains(char::REPLACEMENT_CHARACTER) {
            errs.add(field.path, msg::CELL_UNREADABLE);
            continue;
        }
        // A village by its name, as the report form takes it: "郭罗庄村" within the
        // importer's region, or "武清区梅厂镇郭罗庄村".
        let village;
        let cell = if field.path == "village_code" {
            match store.regions.resolve(cell, Some(Level::Village), within(&actor.scope)) {
                Ok(code) => {
                    village = code.unwrap_or_default();
                    village.as_str()
                }
                Err(Unresolved::Ambiguous) => {
                    errs.add(field.path, msg::REPORT_VILLAGE_AMBIGUOUS);
                    continue;
                }
                Err(Unresolved::Unknown) => {
                    errs.add(field.path, msg::VILLAGE_UNKNOWN);
                    continue;
                }
            }
        } else {
            cell
        };
        field.read(&mut file, &mut errs, &[cell], Source::Census);
    }
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

/// The region a user's village names are looked up in: their own ("" for all of Tianjin).
fn within(scope: &Scope) -> &str {
    match scope {
        Scope::Region(r) => r.as_str(),
        _ => "",
    }
}

fn merge(into: &mut FieldErrors, more: FieldErrors) {
    for e in more.0 {
        if into.get(&e.field).is_none() {
            into.0.push(e);
        }
    }
}

/// A field's error; a value not on a closed list says what the list holds.
fn message_of(e: &FieldError) -> String {
    let choices = match FIELDS.iter().find(|(p, _)| *p == e.field).map(|(_, k)| k) {
        Some(Kind::Enum(_, all) | Kind::Multi(_, all)) if e.message == msg::UNKNOWN_OPTION => all(),
        _ => return e.message.clone(),
    };
    msg::unknown_option_among(&choices.iter().map(|(_, label)| *label).collect::<Vec<_>>())
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
                message_of(e)
            ),
            None => format!("「{}」：{}", columns::header_of(&e.field), message_of(e)),
        })
        .collect::<Vec<_>>()
        .join("；")
}

/// Rows a checker checks at a time (and asks the registry about at once).
const CHECK_CHUNK: usize = 1024;
/// Threads that check rows: one per core of the 2-core machine the targets are set for. The
/// writer and the reading thread share the cores with them.
const CHECKERS: usize = 2;
/// Chunks each checker may hold (one waiting, one being checked): with its one finished
/// chunk waiting to be taken, a checker never blocks the reading thread.
const IN_FLIGHT: usize = 2;

/// Checked rows waiting for the writer: enough to keep it busy, few enough to bound memory.
const PIPELINE: usize = 4096;

/// How much lower than the writer's a checker's priority is (a nice value, 0–19).
const CHECKER_NICE: i32 = 5;

/// Lowers this checker thread's priority below the writer's. The writer's one thread is the
/// import's longest; with two checkers beside it on two cores, each of the three would get
/// two thirds of a core, and the writer would wait a third of the import to run
/// (docs/benchmarks.md). It also keeps a background import behind the server's requests.
fn yield_to_writer() {
    // Linux sets a nice value per thread (nice(2), NOTES); elsewhere it would slow the whole
    // process. Failing only costs speed.
    #[cfg(target_os = "linux")]
    let _ = rustix::process::nice(CHECKER_NICE);
}

/// A checked row: its line, and its prepared file with the registry's file of the same ID
/// number, or what is wrong with it.
type Checked = (usize, Result<(PreparedFile, Option<Existing>), String>);

/// Checks rows, and asks the registry about the ID numbers of the good ones; a registry that
/// cannot answer fails the import.
fn check_rows(
    store: &Store,
    actor: &Actor,
    map: &HeaderMap,
    headers: &[String],
    rows: &[RawRow],
) -> Result<Vec<Checked>, StoreError> {
    let checked: Vec<(usize, Result<PreparedFile, String>)> = rows
        .iter()
        .map(|r| {
            let checked = check_row(store, actor, map, headers, r).and_then(|f| {
                store.prepare_new(f).map_err(|e| {
                    tracing::error!(error = %e, "preparing a census row");
                    msg::INTERNAL.to_string()
                })
            });
            (r.line, checked)
        })
        .collect();
    let ids: Vec<String> =
        checked.iter().filter_map(|(_, c)| c.as_ref().ok().and_then(|p| p.file().id_number.clone())).collect();
    let mut found = if ids.is_empty() { HashMap::new() } else { store.find_by_id_numbers(&ids)? };
    Ok(checked
        .into_iter()
        .map(|(line, c)| {
            let c = c.map(|p| {
                let existing = p.file().id_number.as_deref().and_then(|idn| found.remove(idn));
                (p, existing)
            });
            (line, c)
        })
        .collect())
}

/// What the pass has learned so far, in row order.
struct Pass<'a> {
    actor: &'a Actor,
    opts: &'a ImportOptions,
    out: ImportOutcome,
    /// The first row of each ID number in the sheet.
    first_line_of: HashMap<String, usize>,
    /// The writer's queue, until writing stops.
    tx: Option<mpsc::SyncSender<Result<ImportItem, StoreError>>>,
}

impl Pass<'_> {
    /// A wrong row: named in the outcome; unless the good rows are to be imported anyway,
    /// nothing of the sheet may be written, so the writer is told to roll back.
    fn refuse(&mut self, line: usize, message: String) {
        self.out.errors.insert(line, message);
        if !self.opts.only_good_rows
            && let Some(tx) = self.tx.take()
        {
            // A closed queue means the writer already stopped; it reports why.
            let _ = tx.send(Err(StoreError::Abandoned));
        }
    }

    /// Takes a chunk's checked rows in row order: duplicates within the sheet, then the
    /// registry's answer about their ID numbers, then what is to be written.
    fn take(&mut self, checked: Vec<Checked>) -> Result<(), ImportError> {
        for (line, result) in checked {
            self.out.rows += 1;
            let (p, existing) = match result {
                Err(m) => {
                    self.refuse(line, m);
                    continue;
                }
                Ok(found) => found,
            };
            if let Some(idn) = p.file().id_number.as_deref() {
                if let Some(first) = self.first_line_of.get(idn) {
                    let m = format!("身份证号码与第{first}行重复");
                    self.refuse(line, m);
                    continue;
                }
                self.first_line_of.insert(idn.to_string(), line);
            }
            let item = match existing {
                None => ImportItem::New(p.into_new_row()),
                Some(e) if !self.actor.scope.covers(&e.village_code, e.school_org_id) => {
                    self.refuse(line, "该身份证号码已在其他地区建档，请联系上级民政部门核实".to_string());
                    continue;
                }
                Some(_) if self.opts.on_existing == OnExisting::Skip => {
                    self.out.skipped_existing += 1;
                    continue;
                }
                Some(e) => ImportItem::Update { id: e.id, file: p.into_checked() },
            };
            if let Some(tx) = &self.tx
                && tx.send(Ok(item)).is_err()
            {
                // The writer stopped on an error of its own: it is reported when it is joined.
                return Err(ImportError::Store(StoreError::Abandoned));
            }
        }
        Ok(())
    }
}

/// The next [`CHECK_CHUNK`] rows that are not blank, counting the blank ones passed over.
fn next_chunk(
    rows: &mut impl Iterator<Item = Result<RawRow, String>>,
    blank_rows: &mut usize,
) -> Result<Vec<RawRow>, ImportError> {
    let mut chunk = Vec::with_capacity(CHECK_CHUNK);
    for row in rows {
        let row = row.map_err(ImportError::Unreadable)?;
        if row.is_blank() {
            *blank_rows += 1;
        } else {
            chunk.push(row);
            if chunk.len() == CHECK_CHUNK {
                break;
            }
        }
    }
    Ok(chunk)
}

/// Checks the whole sheet and imports it if it may be, in `p`'s name and scope.
pub fn run(
    store: &Store,
    p: &Principal,
    source: &dyn RowSource,
    opts: &ImportOptions,
    progress: &mut dyn FnMut(Progress),
) -> Result<ImportOutcome, ImportError> {
    // The rows' checks and writes take the stamp derived once, not a person per row.
    let actor = &p.actor();
    if !actor.role.may_write_children() {
        return Err(ImportError::Forbidden);
    }
    let (headers, rows) = source.open().map_err(ImportError::Unreadable)?;
    let map = columns::match_headers(&headers).map_err(|e| ImportError::Unreadable(e.message()))?;
    let source_name = format!("import:{}", opts.file_name);
    let written = AtomicUsize::new(0);
    let (tx, rx) = mpsc::sync_channel::<Result<ImportItem, StoreError>>(PIPELINE);
    let mut pass = Pass {
        actor,
        opts,
        out: ImportOutcome { unknown_headers: map.unknown.clone(), ..Default::default() },
        first_line_of: HashMap::new(),
        tx: Some(tx),
    };
    let check = |part: &[RawRow]| check_rows(store, actor, &map, &headers, part);
    let (read, written_counts) = std::thread::scope(|scope| {
        let writer = scope
            .spawn(|| store.import_files(actor, &source_name, rx.into_iter(), |n| written.store(n, Ordering::Relaxed)));
        // Two checkers, one per core, take chunks in turn; this thread reads the sheet and
        // takes their results in row order. They run below the writer's priority, so that
        // the writer gets a whole core whenever it has rows (decision 49). They live as long
        // as the pass, so that their caches (the allocator's) are made once.
        let checkers: Vec<_> = (0..CHECKERS)
            .map(|_| {
                let (to_checker, chunks) = mpsc::sync_channel::<Vec<RawRow>>(1);
                let (results, from_checker) = mpsc::sync_channel(1);
                scope.spawn(move || {
                    yield_to_writer();
                    for chunk in chunks {
                        if results.send(check(&chunk)).is_err() {
                            return;
                        }
                    }
                });
                (to_checker, from_checker)
            })
            .collect();
        let read = (|| -> Result<(), ImportError> {
            let checker_failed = || ImportError::Unreadable("checking rows failed".into());
            let mut rows = rows.peekable();
            // Chunks sent and not yet taken, by number; chunk n goes to checker n % CHECKERS.
            let (mut sent, mut taken) = (0_usize, 0_usize);
            loop {
                while sent - taken < CHECKERS * IN_FLIGHT && rows.peek().is_some() {
                    let chunk = next_chunk(&mut rows, &mut pass.out.blank_rows)?;
                    checkers[sent % CHECKERS].0.send(chunk).map_err(|_| checker_failed())?;
                    sent += 1;
                }
                if taken == sent {
                    return Ok(());
                }
                pass.take(checkers[taken % CHECKERS].1.recv().map_err(|_| checker_failed())??)?;
                taken += 1;
                progress(Progress {
                    phase: if pass.tx.is_some() { Phase::Importing } else { Phase::Checking },
                    checked: pass.out.rows,
                    imported: written.load(Ordering::Relaxed),
                    indexed: 0,
                });
            }
        })();
        if read.is_err() {
            // Whatever was written must not be kept: the sheet was not read to its end.
            if let Some(tx) = pass.tx.take() {
                let _ = tx.send(Err(StoreError::Abandoned));
            }
        }
        drop(pass.tx.take());
        drop(checkers);
        let counts = writer.join().unwrap_or_else(|_| Err(StoreError::Backend("the import's writer panicked".into())));
        (read, counts)
    });
    let mut out = pass.out;
    match (read, written_counts) {
        // The writer's own failure explains a queue that closed under the reader.
        (_, Err(e)) if !matches!(e, StoreError::Abandoned) => return Err(ImportError::Store(e)),
        (Err(e), _) => return Err(e),
        (Ok(()), Err(_)) => {}
        (Ok(()), Ok(counts)) => out.written = Some(counts),
    }
    let imported = out.written.map_or(0, |c| c.created + c.updated + c.unchanged);
    let mut report = |phase, indexed| progress(Progress { phase, checked: out.rows, imported, indexed });
    report(Phase::Importing, 0);
    if out.written.is_some_and(|c| c.created > 0) {
        if opts.index_now {
            // The import is committed: a failure here only delays search, which the server's
            // indexer catches up on.
            if let Err(e) = store.index_all(|n| report(Phase::Indexing, n)) {
                tracing::warn!(error = %e, "indexing imported files; left to the server's indexer");
            }
        }
        out.index_pending = store.index_backlog().map(|b| b.files > 0).unwrap_or(true);
    }
    Ok(out)
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
    use shouhu_domain::child::FileStatus;
    use shouhu_domain::clock::FixedClock;
    use shouhu_domain::codes::CloseReason;
    use shouhu_domain::id_number::check_character;
    use shouhu_domain::role::Role;
    use shouhu_store::DbUrl;
    use std::sync::Arc;

    struct Rows(Vec<Vec<&'static str>>);

    impl RowSource for Rows {
        fn open(&self) -> Result<(Vec<String>, Box<dyn Iterator<Item = Result<RawRow, String>> + '_>), String> {
            let headers = self.0[0].iter().map(|s| s.to_string()).collect();
            Ok((headers, Box::new(self.0[1..].iter().enumerate().map(|(i, r)| Ok(RawRow::new(i + 2, r))))))
        }
    }

    fn store() -> (tempfile::TempDir, Store) {
        let dir = tempfile::tempdir().expect("dir");
        let clock =
            Arc::new(FixedClock::new(chrono::Utc.with_ymd_and_hms(2026, 11, 29, 4, 0, 0).single().expect("time")));
        let store = Store::open(
            &DbUrl::Sqlite(dir.path().join("t.db")),
            2,
            clock,
            Default::default(),
            shouhu_store::audit_chain::AuditKey::random(),
        )
        .expect("store");
        (dir, store)
    }

    fn city() -> shouhu_store::users::Principal {
        shouhu_store::users::Principal {
            role: Role::CityOfficer,
            org_type: shouhu_domain::role::OrgType::CityCivilAffairs,
            region_code: "12".into(),
            ..township()
        }
    }

    fn township() -> shouhu_store::users::Principal {
        shouhu_store::users::Principal {
            user_id: 1,
            username: "zhen".into(),
            display_name: "镇".into(),
            role: Role::TownshipStaff,
            org_id: 1,
            org_name: "梅厂镇人民政府".into(),
            org_type: shouhu_domain::role::OrgType::TownshipGovernment,
            region_code: "120114101".into(),
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
        ImportOptions { on_existing, only_good_rows, file_name: "登记表.csv".into(), index_now: true }
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
    fn villages_are_taken_by_their_unique_names_as_the_report_form_takes_them() {
        let (_d, store) = store();
        let rows = Rows(vec![
            HEAD.to_vec(),
            // Within the importer's township, by the village's own name.
            vec!["张一", "男", "2016-05-04", id("20160504", "001"), "一组", "郭罗庄村", "是", "是"],
            // By district, township and village.
            vec!["张二", "男", "2016-05-04", id("20160504", "003"), "一组", "武清区梅厂镇郭罗庄村", "是", "是"],
            vec!["张三", "男", "2016-05-04", id("20160504", "005"), "一组", "没有这个村", "是", "是"],
        ]);
        let out = run(&store, &township(), &rows, &opts(OnExisting::Skip, true), &mut |_| {}).expect("checked");
        assert_eq!(out.errors.keys().copied().collect::<Vec<_>>(), vec![4], "{:?}", out.errors);
        assert!(out.errors[&4].contains(msg::VILLAGE_UNKNOWN), "{}", out.errors[&4]);
        let villages: Vec<String> =
            store.pool.read(|c| c.query("SELECT village_code FROM children", &[], |r| r.text(0))).expect("villages");
        assert_eq!(villages, vec!["120114101204".to_string(); 2]);
    }

    #[test]
    fn a_value_not_on_a_closed_list_names_the_choices() {
        let (_d, store) = store();
        let rows = Rows(vec![
            HEAD.to_vec(),
            vec!["张一", "男孩", "2016-05-04", id("20160504", "001"), "一组", "120114101204", "是", "是"],
        ]);
        let out = run(&store, &township(), &rows, &opts(OnExisting::Skip, false), &mut |_| {}).expect("checked");
        assert_eq!(out.errors[&2], "第B列「性别」：不是可选的选项之一（可选：男、女）");
    }

    #[test]
    fn invalid_gb18030_bytes_are_an_error_of_their_row_and_column() {
        let (d, store) = store();
        let mut bytes = Vec::new();
        let line = |cells: &[&str]| encoding_rs::GB18030.encode(&format!("{}\r\n", cells.join(","))).0.into_owned();
        bytes.extend(line(HEAD));
        bytes.extend(line(&["张一", "男", "2016-05-04", id("20160504", "001"), "一组", "120114101204", "是", "是"]));
        // 张, then 0xFF, which begins no GB18030 character, then 二.
        let mut bad = encoding_rs::GB18030.encode("张").0.into_owned();
        bad.push(0xFF);
        bad.extend(encoding_rs::GB18030.encode("二").0.iter());
        bytes.extend(bad);
        let rest = format!(",男,2016-05-04,{},一组,120114101204,是,是\r\n", id("20160504", "003"));
        bytes.extend(encoding_rs::GB18030.encode(&rest).0.iter());
        let path = d.path().join("gb.csv");
        std::fs::write(&path, &bytes).expect("write");
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        let out =
            run(&store, &township(), &FileSource(path), &opts(OnExisting::Skip, false), &mut |_| {}).expect("checked");
        assert_eq!(out.rows, 2);
        assert_eq!(out.errors.len(), 1, "{:?}", out.errors);
        assert_eq!(out.errors[&3], format!("第A列「姓名」：{}", msg::CELL_UNREADABLE));
        assert!(out.written.is_none());
        assert_eq!(count(&store), 0, "nothing with U+FFFD in it is stored");
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
        let rows = store.search(&city(), "王一", 5).expect("search");
        let hist = store.child_history(&township(), rows[0].id).expect("history");
        assert_eq!(hist[0].field, "address");
        assert_eq!(hist[0].source, "import:登记表.csv");
        assert_eq!(count(&store), 1);
    }

    /// `n` good rows of 120114101204 (births spread over 2015), then `tail`.
    fn many(n: usize, tail: Vec<&'static str>) -> Rows {
        let mut rows = vec![HEAD.to_vec()];
        for i in 0..n {
            let birth = format!("2015{:02}{:02}", 1 + i % 12, 1 + i / 12 % 28);
            let idn = id(&birth, &format!("{:03}", i / 336 % 1000));
            let date: &'static str =
                Box::leak(format!("{}-{}-{}", &birth[..4], &birth[4..6], &birth[6..]).into_boxed_str());
            let name: &'static str = Box::leak(format!("赵{}", i).into_boxed_str());
            let sex = if idn.as_bytes()[16] % 2 == 1 { "男" } else { "女" };
            rows.push(vec![name, sex, date, idn, "一组", "120114101204", "是", "是"]);
        }
        rows.push(tail);
        Rows(rows)
    }

    #[test]
    fn a_wrong_row_after_thousands_written_leaves_the_registry_as_it_was() {
        let (_d, store) = store();
        // Far more rows than one checked chunk, so the writer has written some already.
        let rows = many(5000, vec!["钱一", "男", "2015-01-01", "", "一组", "999999999999", "是", "是"]);
        let mut phases = Vec::new();
        let out = run(&store, &township(), &rows, &opts(OnExisting::Skip, false), &mut |p| phases.push(p.phase))
            .expect("checked");
        assert_eq!(out.rows, 5001);
        assert_eq!(out.errors.len(), 1, "{:?}", out.errors.iter().next());
        assert!(out.errors[&5002].contains("所在村（居）"), "{}", out.errors[&5002]);
        assert!(out.written.is_none());
        assert!(phases.contains(&Phase::Importing), "rows were written before the wrong one was read");
        assert_eq!(count(&store), 0);
        assert_eq!(store.index_backlog().expect("backlog").files, 0);
    }

    #[test]
    fn rows_checked_on_different_threads_are_taken_in_sheet_order() {
        let (_d, store) = store();
        // Many chunks, so that every checker gets several; the last row repeats the first
        // row's ID number, so it is the one refused only if rows are taken in order.
        let n = CHECK_CHUNK * CHECKERS * IN_FLIGHT * 2 + 7;
        let mut rows = many(n, vec![]);
        let mut again = rows.0[1].clone();
        again[0] = "赵重";
        *rows.0.last_mut().expect("tail") = again;
        let out = run(&store, &township(), &rows, &opts(OnExisting::Skip, true), &mut |_| {}).expect("imported");
        assert_eq!(out.errors.len(), 1, "{:?}", out.errors.iter().next());
        assert_eq!(out.errors[&(n + 2)], "身份证号码与第2行重复");
        assert_eq!(out.written.map(|w| w.created), Some(n));
        // Ids are given in the order the writer gets the rows: the sheet's.
        let names: Vec<String> =
            store.pool.read(|c| c.query("SELECT name FROM children ORDER BY id", &[], |r| r.text(0))).expect("names");
        let expected: Vec<String> = (0..n).map(|i| format!("赵{i}")).collect();
        assert!(names == expected, "rows written out of sheet order");
    }

    #[test]
    fn imported_files_are_found_by_name_once_indexed_as_they_are_by_then() {
        let (_d, store) = store();
        let rows = many(3000, vec!["", "", "", "", "", "", "", ""]);
        let o = ImportOptions { index_now: false, ..opts(OnExisting::Skip, false) };
        let out = run(&store, &township(), &rows, &o, &mut |_| {}).expect("imported");
        assert_eq!(out.written.map(|w| w.created), Some(3000));
        assert!(out.index_pending);
        let city = city();
        assert!(store.search(&city, "赵18", 5).expect("search").is_empty(), "not indexed yet");
        let whole = id("20150602", "000");
        let by_id = store.search(&city, whole, 5).expect("search");
        assert_eq!(by_id.len(), 1, "a whole ID number is found before indexing");
        assert_eq!(store.index_backlog().expect("backlog").files, 3000);

        // Renamed before the indexer reaches it: found by the new name only.
        let rec = store.get_child(&city, by_id[0].id).expect("file");
        let mut file = rec.file.clone();
        file.name = "孙小美".into();
        store.update_child(&township(), rec.id, rec.version, file, "test").expect("renamed");

        let mut seen = Vec::new();
        assert_eq!(store.index_all(|n| seen.push(n)).expect("indexed"), 3000);
        assert_eq!(seen.last(), Some(&3000));
        assert!(seen.len() > 1, "indexed a slice per transaction: {seen:?}");
        assert_eq!(store.index_backlog().expect("backlog").files, 0);
        assert_eq!(store.search(&city, "赵18", 5).expect("search")[0].name, "赵18");
        assert_eq!(store.search(&city, "孙小美", 5).expect("search").len(), 1);
        let old = store.search(&city, &by_id[0].name, 100).expect("search");
        assert!(!old.is_empty() && !old.iter().any(|r| r.id == by_id[0].id), "the old name is gone");
        assert_eq!(store.index_all(|_| {}).expect("nothing left"), 0);
    }

    #[test]
    fn files_changed_while_the_indexer_runs_end_with_the_terms_they_have_then() {
        let (_d, store) = store();
        let rows = many(3000, vec!["", "", "", "", "", "", "", ""]);
        let o = ImportOptions { index_now: false, ..opts(OnExisting::Skip, false) };
        run(&store, &township(), &rows, &o, &mut |_| {}).expect("imported");
        let city = city();
        let ids: Vec<i64> =
            store.pool.read(|c| c.query("SELECT id FROM children ORDER BY id", &[], |r| r.i64(0))).expect("ids");
        // Both in the import's second batch of 2,000 files, indexed after the first.
        let (renamed, closed) = (ids[2010], ids[2900]);
        // A file's term rows, and the ones it should have as it is now.
        let terms = |id: i64| {
            let rec = store.get_child(&city, id).expect("file");
            let is_closed = matches!(rec.status, FileStatus::Closed { .. });
            let mut expected: Vec<(String, bool)> =
                store.search_terms_of(&store.cipher.ring(), &rec.file).into_iter().map(|t| (t, is_closed)).collect();
            expected.sort();
            expected.dedup();
            let stored: Vec<(String, bool)> = store
                .pool
                .read(|c| {
                    c.query(
                        "SELECT term, closed FROM child_search WHERE child_id = $1 ORDER BY term, closed",
                        &[id.into()],
                        |r| Ok((r.text(0)?, r.bool(1)?)),
                    )
                })
                .expect("terms");
            (stored, expected, rec.file.name)
        };

        // After the indexer's first transaction: one file renamed, one closed.
        let mut calls = 0;
        store
            .index_all(|_| {
                calls += 1;
                if calls == 1 {
                    let rec = store.get_child(&city, renamed).expect("file");
                    let mut file = rec.file.clone();
                    file.name = "孙小美".into();
                    store.update_child(&township(), renamed, rec.version, file, "test").expect("renamed");
                    let rec = store.get_child(&city, closed).expect("file");
                    store
                        .close_child(&township(), closed, rec.version, CloseReason::MovedOut, None, "test")
                        .expect("closed");
                } else {
                    // The renamed file's edit wrote its terms; the old name's are never written.
                    let (stored, expected, _) = terms(renamed);
                    assert_eq!(stored, expected, "after transaction {calls}");
                }
            })
            .expect("indexed");
        assert!(calls >= 2, "indexed in several transactions: {calls}");

        for id in [renamed, closed, ids[11], ids[2011]] {
            let (stored, expected, name) = terms(id);
            assert_eq!(stored, expected, "terms of {name} ({id})");
        }
    }

    #[test]
    fn a_file_that_is_not_a_census_sheet_is_refused_by_name() {
        let (_d, store) = store();
        let rows = Rows(vec![vec!["品名", "数量"], vec!["苹果", "3"]]);
        let e = run(&store, &township(), &rows, &opts(OnExisting::Skip, false), &mut |_| {}).expect_err("not census");
        assert!(e.message().contains("缺少以下列"), "{}", e.message());
    }
}
