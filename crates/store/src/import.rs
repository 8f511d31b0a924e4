//! Many files at once, in one transaction: a census import either lands whole or not at all.

use crate::audit::{self, Action};
use crate::children::{NEW_ROW_VALUES, TermOwner, insert_terms};
use crate::db::{Conn, Sql, Val};
use crate::error::StoreError;
use crate::stat_counts::Tally;
use crate::{Actor, Store};
use chrono::NaiveDate;
use shouhu_domain::child::{ChildFile, FileStatus};
use shouhu_domain::msg;
use shouhu_domain::visit::DueReason;
use std::collections::HashMap;

/// A file found by its ID number: its id, village and school, to decide whether the caller
/// may see it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Existing {
    pub id: i64,
    pub village_code: String,
    pub school_org_id: Option<i64>,
}

/// A file the registry's rules have passed for one actor (the same checks as a file saved
/// from a form). Only [`Store::check_import_file`] makes one, so the import writes it without
/// checking it a second time.
#[derive(Debug, Clone)]
pub struct CheckedFile(ChildFile);

impl CheckedFile {
    pub fn file(&self) -> &ChildFile {
        &self.0
    }

    pub fn into_file(self) -> ChildFile {
        self.0
    }
}

/// A checked file with its row's values worked out beforehand (its stored form, what is
/// derived from it), so the threads that check do this work and the thread that holds the
/// transaction only writes.
#[derive(Debug, Clone)]
pub struct PreparedFile {
    /// Boxed: the file is large (about 800 bytes) and moves through several queues; moving
    /// it by value costs copies and fresh pages for every chunk's vectors.
    file: Box<CheckedFile>,
    row: NewRow,
}

/// The values of a new file's `children` row that come from the file
/// ([`crate::children::NEW_ROW_COLUMNS`]): all the writer needs of it.
#[derive(Debug, Clone)]
pub struct NewRow(Vec<Val>);

impl PreparedFile {
    pub fn file(&self) -> &ChildFile {
        &self.file.0
    }

    /// The checked file, to be written over an existing one instead.
    pub fn into_checked(self) -> Box<CheckedFile> {
        self.file
    }

    /// The row to insert; the file itself is dropped here rather than on the writer's thread.
    pub fn into_new_row(self) -> NewRow {
        self.row
    }
}

impl Store {
    pub fn prepare_new(&self, checked: CheckedFile) -> Result<PreparedFile, StoreError> {
        let values = self.new_row_values(&checked.0, self.pool.is_sqlite())?;
        Ok(PreparedFile { file: Box::new(checked), row: NewRow(Vec::from(values)) })
    }
}

/// One file of an import: new, or to be written over an existing file.
#[derive(Debug, Clone)]
pub enum ImportItem {
    New(NewRow),
    Update { id: i64, file: Box<CheckedFile> },
}

/// New files written together, with consecutive ids.
const BATCH_FILES: usize = 20_000;
/// Rows per statement (14 and 2 parameters a row; SQLite allows 32,766 per statement).
const CHILD_ROWS: usize = 200;
/// The import's page cache: holds the indexes that grow at random places (ID numbers, the
/// ledger's and the statistics' village order, birth dates, the next visits: about 350 MB
/// per million files) with room to spare; at 256 MiB they no longer fit. Raising it alone
/// took a 1,000,000-row import from 58 to 54 s (docs/benchmarks.md): the village order and
/// the paused triggers did the rest. It is a ceiling: SQLite takes pages only as the import
/// touches them.
const IMPORT_CACHE_MIB: u32 = 1024;
/// Files whose terms one indexing window makes and sorts at once: a million files' terms, sorted
/// in memory, take about 300 MB (decision 191).
pub const INDEX_WINDOW: usize = 1_000_000;
/// Term rows one indexing transaction writes (one stretch of the term index): short enough that
/// other writers wait well under a second.
pub const INDEX_SLICE: usize = 20_000;

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Store {
    /// Checks a file as `check_file` does for a form, without a transaction: the rules, a
    /// village in the actor's scope, and an enrolment organisation that is a school.
    pub fn check_import_file(&self, actor: &Actor, file: ChildFile) -> Result<CheckedFile, StoreError> {
        // A census sheet rarely names a school: the organisation is read only when it does.
        self.check_file_with(actor, file, |org| {
            self.pool
                .read(|c| c.query_opt("SELECT org_type FROM organisations WHERE id = $1", &[org.into()], |r| r.text(0)))
        })
        .map(CheckedFile)
    }

    /// The files that hold any of these (normalised) ID numbers, whoever may see them: the
    /// caller decides what to reveal.
    /// Found by their blind indexes under every key version in force (decision 96).
    pub fn find_by_id_numbers(&self, ids: &[String]) -> Result<HashMap<String, Existing>, StoreError> {
        let ring = self.cipher.ring();
        let mut by_blind: HashMap<Vec<u8>, &str> = HashMap::with_capacity(ids.len() * ring.versions().len());
        for id in ids {
            for b in ring.blinds(id) {
                by_blind.insert(b, id.as_str());
            }
        }
        let blinds: Vec<&Vec<u8>> = by_blind.keys().collect();
        self.pool.read(|c| {
            let mut out = HashMap::new();
            for chunk in blinds.chunks(500) {
                let mut sql =
                    Sql::new("SELECT id_blind, id, village_code, school_org_id FROM children WHERE id_blind IN (");
                for (i, b) in chunk.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.bind(Val::Bytes((*b).clone()));
                }
                sql.push(")");
                for (k, e) in c.query(&sql.text, &sql.params, |r| {
                    Ok((
                        r.bytes(0)?,
                        Existing { id: r.i64(1)?, village_code: r.text(2)?, school_org_id: r.opt_i64(3)? },
                    ))
                })? {
                    if let Some(id) = by_blind.get(&k) {
                        out.insert(id.to_string(), e);
                    }
                }
            }
            Ok(out)
        })
    }

    /// Writes every item in one transaction: all of them, or, on the first error, none.
    /// Each change goes into the file's history with `source` (e.g. "import:户籍登记表.xlsx").
    /// New files are written in batches; an ID number taken meanwhile by another writer is
    /// caught by the unique index and fails the whole import.
    pub fn import_files(
        &self,
        actor: &Actor,
        source: &str,
        items: impl Iterator<Item = Result<ImportItem, StoreError>>,
        mut progress: impl FnMut(usize),
    ) -> Result<ImportCounts, StoreError> {
        let now = self.now();
        let res = self.pool.write_bulk(IMPORT_CACHE_MIB, |c| {
            let mut counts = ImportCounts::default();
            let mut batch: Vec<NewRow> = Vec::with_capacity(BATCH_FILES);
            // The statistics' counts are kept by the import itself instead of by a trigger per
            // file (decision 188): what its new files add is summed as they are written, and
            // the districts of the files it changes are counted again (decision 223).
            let paused = crate::stat_counts::pause(c)?;
            let mut carried = Carried::default();
            let mut districts = std::collections::BTreeSet::new();
            for (n, item) in items.enumerate() {
                match item? {
                    ImportItem::New(row) => {
                        batch.push(row);
                        if batch.len() == BATCH_FILES {
                            self.insert_batch(c, now, actor, source, &mut batch, &mut carried)?;
                            batch.clear();
                        }
                        counts.created += 1;
                    }
                    ImportItem::Update { id, file } => {
                        let current = self.load(c, &actor.scope, id)?;
                        if matches!(current.status, FileStatus::Closed { .. }) {
                            return Err(StoreError::State(msg::ALREADY_CLOSED));
                        }
                        districts.insert(current.district_code.clone());
                        districts.insert(crate::stat_counts::district_of(&file.0.village_code).to_string());
                        match self.update_in(c, now, actor, &current, &file.0, source)? {
                            Some(_) => counts.updated += 1,
                            None => counts.unchanged += 1,
                        }
                    }
                }
                if (n + 1) % 1000 == 0 {
                    progress(n + 1);
                }
            }
            self.insert_batch(c, now, actor, source, &mut batch, &mut carried)?;
            crate::stat_counts::resume_and_recount(c, paused, &districts, carried.added)?;
            audit::record(
                c,
                &self.audit_key,
                now,
                actor,
                Action::Import,
                None,
                &format!("{source}: {} created, {} updated", counts.created, counts.updated),
            )?;
            Ok(counts)
        });
        if let Ok(n) = &res {
            self.analyze_after_bulk("children", "children, child_history, visit_due", n.created);
        }
        match res {
            Err(StoreError::UniqueViolation) => Err(StoreError::Duplicate {
                field: "id_number",
                message: msg::DUPLICATE_ID.to_string(),
                existing: None,
            }),
            other => other,
        }
    }
}

impl Store {
    /// Ids for `n` new files: consecutive, from where the import's last batch ended (`next`)
    /// or else from a random start, so that the table and each index on the id grow at one
    /// place instead of at random places (a million random inserts into an index of a
    /// million is what made imports slow), yet ids still say nothing about how many files
    /// there are. The range is checked free inside the import's transaction.
    fn id_range(&self, c: &mut crate::db::Conn<'_, '_>, n: usize, next: Option<i64>) -> Result<i64, StoreError> {
        let mut start = next;
        loop {
            let start =
                start.take().unwrap_or_else(crate::children::new_child_id).min((1_i64 << 53) - n as i64 - 1).max(1);
            let taken = c
                .query_opt(
                    "SELECT count(*) FROM children WHERE id >= $1 AND id < $2",
                    &[start.into(), (start + n as i64).into()],
                    |r| r.i64(0),
                )?
                .unwrap_or(0);
            if taken == 0 {
                return Ok(start);
            }
        }
    }

    /// Inserts checked new files, a few statements per table (children and their first
    /// history row), and notes their ids for the search indexer. The rows' values were made
    /// by the checking threads; this thread, which holds the transaction, only writes them.
    fn insert_batch(
        &self,
        c: &mut crate::db::Conn<'_, '_>,
        now: chrono::DateTime<chrono::Utc>,
        actor: &Actor,
        source: &str,
        files: &mut [NewRow],
        carried: &mut Carried,
    ) -> Result<(), StoreError> {
        if files.is_empty() {
            return Ok(());
        }
        // In village order, the indexes that lead with the village (the ledger's, the
        // statistics', the warnings', the next visits') grow at neighbouring places.
        files.sort_unstable_by(|a, b| match (a.0.get(1), b.0.get(1)) {
            (Some(Val::Text(x)), Some(Val::Text(y))) => x.cmp(y),
            _ => std::cmp::Ordering::Equal,
        });
        let first_id = self.id_range(c, files.len(), carried.next_id)?;
        carried.next_id = Some(first_id + files.len() as i64);
        let b = Batch { now, actor, source, first_id, opened: shouhu_domain::clock::china_date(now) };
        if c.is_sqlite() {
            self.insert_statements(c, &b, files, &mut carried.added)?;
        } else {
            self.copy_files(c, &b, files, &mut carried.added)?;
        }
        // The search terms are written after the import commits (`index_some`): a million
        // files bring eleven million terms, which alone take several times the 20 s a
        // million-row import may (docs/benchmarks.md).
        c.exec(
            "INSERT INTO search_backlog (first_id, end_id) VALUES ($1, $2)",
            &[first_id.into(), (first_id + files.len() as i64).into()],
        )?;
        Ok(())
    }

    /// The first visit of a new file (visits.rs): from its village, category and warnings.
    fn first_due(&self, values: &[Val], id: i64, opened: NaiveDate) -> Option<(i64, String, NaiveDate, DueReason)> {
        if let (Some(Val::Text(village)), Some(Val::Text(category)), Some(Val::I64(warnings))) =
            (values.get(1), values.get(7), values.get(11))
        {
            let (on, why) = self.due_of_new(*warnings, category, opened);
            return Some((id, village.clone(), on, why));
        }
        None
    }

    /// SQLite: a few statements of `CHILD_ROWS` rows per table.
    fn insert_statements(
        &self,
        c: &mut Conn<'_, '_>,
        b: &Batch<'_>,
        files: &mut [NewRow],
        added: &mut Tally,
    ) -> Result<(), StoreError> {
        let (now, actor, opened) = (b.now, b.actor, b.opened);
        let mut id = b.first_id;
        for chunk in files.chunks_mut(CHILD_ROWS) {
            let mut child_params: Vec<Val> = Vec::with_capacity(1 + chunk.len() * (NEW_ROW_VALUES + 1));
            child_params.push(now.into());
            let mut history_params: Vec<Val> =
                vec![now.into(), actor.user_id.into(), actor.user_name.as_str().into(), b.source.into()];
            let mut due = Vec::with_capacity(chunk.len());
            for row in chunk.iter_mut() {
                let values = std::mem::take(&mut row.0);
                let first = self.first_due(&values, id, opened);
                tally_new(added, &values, first.as_ref().map(|f| f.2));
                due.extend(first);
                history_params.push(values.first().cloned().unwrap_or(Val::Null));
                history_params.push(id.into());
                child_params.extend(values);
                child_params.push(id.into());
                id += 1;
            }
            let sql = BatchSql::get(chunk.len());
            c.exec(&sql.children, &child_params)?;
            c.exec(&sql.history, &history_params)?;
            crate::visits::insert_due_rows(c, &due)?;
        }
        Ok(())
    }

    /// PostgreSQL: each table's rows in one binary `COPY` (decision 193).
    fn copy_files(
        &self,
        c: &mut Conn<'_, '_>,
        b: &Batch<'_>,
        files: &mut [NewRow],
        added: &mut Tally,
    ) -> Result<(), StoreError> {
        let (now, actor, source, opened) = (b.now, b.actor, b.source, b.opened);
        let mut children = Vec::with_capacity(files.len());
        let mut history = Vec::with_capacity(files.len());
        let mut due = Vec::with_capacity(files.len());
        for (id, row) in (b.first_id..).zip(files.iter_mut()) {
            let mut values = std::mem::take(&mut row.0);
            let first = self.first_due(&values, id, opened);
            tally_new(added, &values, first.as_ref().map(|f| f.2));
            if let Some((id, village, on, why)) = first {
                due.push(vec![id.into(), village.into(), on.into(), why.code().into()]);
            }
            history.push(vec![
                values.first().cloned().unwrap_or(Val::Null),
                id.into(),
                1_i64.into(),
                0_i64.into(),
                now.into(),
                actor.user_id.into(),
                actor.user_name.as_str().into(),
                source.into(),
                "*".into(),
                Val::Null,
                "建档".into(),
            ]);
            // Made now (twice), version 1, open.
            values.extend([id.into(), now.into(), now.into(), 1_i64.into(), false.into()]);
            children.push(values);
        }
        c.copy_rows("children", crate::children::NEW_ROW_COLUMNS, children.iter().map(Vec::as_slice))?;
        c.copy_rows("child_history", HISTORY_COLUMNS, history.iter().map(Vec::as_slice))?;
        c.copy_rows("visit_due", "child_id, village_code, due_on, why", due.iter().map(Vec::as_slice))?;
        Ok(())
    }
}

/// Adds a new file (its row's values, [`crate::children::NEW_ROW_COLUMNS`]' order) and its
/// first visit to the statistics' counts.
fn tally_new(added: &mut Tally, values: &[Val], due_on: Option<NaiveDate>) {
    let text = |i: usize| match values.get(i) {
        Some(Val::Text(t)) => Some(t.clone()),
        _ => None,
    };
    if let (Some(village), Some(category), Some(Val::I64(warnings))) = (text(1), text(7), values.get(11)) {
        let birth = match values.get(4) {
            Some(Val::Date(d)) => Some(*d),
            _ => None,
        };
        added.file(&village, category, text(8), text(9), birth, *warnings);
        if due_on.is_some() {
            added.due(&village, due_on, false);
        }
    }
}

/// What an import's batches of new files carry from one to the next.
#[derive(Default)]
struct Carried {
    /// Where the next batch's ids begin.
    next_id: Option<i64>,
    /// What the new files add to the statistics' counts.
    added: Tally,
}

/// What the rows of one batch of new files share.
struct Batch<'a> {
    now: chrono::DateTime<chrono::Utc>,
    actor: &'a Actor,
    source: &'a str,
    first_id: i64,
    /// The day the files are opened (China time), from which their first visits are due.
    opened: NaiveDate,
}

/// The columns of a new file's first history row.
const HISTORY_COLUMNS: &str =
    "district_code, child_id, version, seq, changed_at, user_id, user_name, source, field, old_value, new_value";

/// SQLite: the statements that insert a chunk of new files and their first history rows. Parameters:
/// `children` takes $1 = the time, then per row its values and its id; `child_history` takes
/// $1..$4 = time, user id, user name, source, then per row its district and id.
#[derive(Clone)]
struct BatchSql {
    children: String,
    history: String,
}

impl BatchSql {
    fn new(rows: usize) -> BatchSql {
        use std::fmt::Write;
        // A broken unique key (an ID number another writer took, which the import's checks
        // cannot see) fails the whole import anyway; saying so up front spares SQLite a
        // journal of every page each statement touches, kept to undo that statement alone.
        let insert = "INSERT OR ROLLBACK INTO";
        let mut children = format!("{insert} children ({}) VALUES ", crate::children::NEW_ROW_COLUMNS);
        let mut history = format!("{insert} child_history ({HISTORY_COLUMNS}) VALUES ");
        let per_row = NEW_ROW_VALUES + 1;
        for i in 0..rows {
            let sep = if i == 0 { "" } else { ", " };
            let _ = write!(history, "{sep}(${}, ${}, 1, 0, $1, $2, $3, $4, '*', NULL, '建档')", 5 + 2 * i, 6 + 2 * i);
            children.push_str(sep);
            children.push('(');
            for k in 0..per_row {
                let _ = write!(children, "${}, ", 2 + i * per_row + k);
            }
            // Made now ($1, twice), version 1, open.
            children.push_str("$1, $1, 1, FALSE)");
        }
        BatchSql { children, history }
    }

    /// The statements for `rows` rows; those for a full chunk are made once.
    fn get(rows: usize) -> std::borrow::Cow<'static, BatchSql> {
        static FULL: std::sync::LazyLock<BatchSql> = std::sync::LazyLock::new(|| BatchSql::new(CHILD_ROWS));
        if rows == CHILD_ROWS {
            std::borrow::Cow::Borrowed(&FULL)
        } else {
            std::borrow::Cow::Owned(BatchSql::new(rows))
        }
    }
}

/// What the search indexer has left to do.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct IndexBacklog {
    /// Files whose search terms are not written yet.
    pub files: i64,
}

impl Store {
    /// Files imported whose search terms are still to be written (they are found by whole ID
    /// number and listed in the ledger meanwhile).
    pub fn index_backlog(&self) -> Result<IndexBacklog, StoreError> {
        let files = self
            .pool
            .read(|c| {
                c.query_opt(
                    "SELECT CAST(COALESCE(SUM(end_id - first_id), 0) AS BIGINT) FROM search_backlog",
                    &[],
                    |r| r.i64(0),
                )
            })?
            .unwrap_or(0);
        Ok(IndexBacklog { files })
    }

    /// Writes the search terms of the imported files of up to `max_files` (whole import
    /// batches, the lowest ids first); answers how many files it indexed (0: nothing is left).
    ///
    /// The window's files are read once, their terms made on every core and sorted in the
    /// index's own order, then written [`INDEX_SLICE`] rows a transaction: each transaction
    /// writes one stretch of the term index, once, instead of a few rows on every page of it
    /// (decision 191). A file an edit wrote the terms of meanwhile (`search_edited`) is left
    /// out of every slice after that edit; the edit removed the rows earlier slices wrote, so
    /// edits and indexing interleave in any order and the terms stay those of the file as it is.
    /// `progress` hears the files done, in proportion to the rows written.
    pub fn index_some(&self, max_files: usize, progress: &mut dyn FnMut(usize)) -> Result<usize, StoreError> {
        let ranges: Vec<(i64, i64)> = self.pool.read(|c| {
            c.query("SELECT first_id, end_id FROM search_backlog ORDER BY first_id", &[], |r| {
                Ok((r.i64(0)?, r.i64(1)?))
            })
        })?;
        let mut window = Vec::new();
        let mut files_in = 0i64;
        for r in ranges {
            if files_in > 0 && files_in + (r.1 - r.0) > max_files.max(1) as i64 {
                break;
            }
            files_in += r.1 - r.0;
            window.push(r);
        }
        let (Some(first), Some(last)) = (window.first().map(|r| r.0), window.last().map(|r| r.0)) else {
            return Ok(0);
        };
        let files = self.pool.read(|c| {
            let mut out = Vec::with_capacity(files_in as usize);
            for (from, end) in &window {
                out.extend(c.query(
                    "SELECT id, district_code, village_code, school_org_id, closed, name, id_number FROM children \
                     WHERE id >= $1 AND id < $2",
                    &[(*from).into(), (*end).into()],
                    |r| {
                        Ok(TermSource {
                            id: r.i64(0)?,
                            district: r.text(1)?,
                            village: r.text(2)?,
                            school: r.opt_i64(3)?,
                            closed: r.bool(4)?,
                            name: r.text(5)?,
                            id_number: r.opt_text(6)?,
                        })
                    },
                )?);
            }
            Ok(out)
        })?;
        let sorted = self.sorted_terms(&files)?;
        let owners: Vec<TermOwner<'_>> = files.iter().map(TermSource::owner).collect();
        let total = sorted.entries.len();
        let slices = total.div_ceil(INDEX_SLICE).max(1);
        for k in 0..slices {
            let part = &sorted.entries[(k * INDEX_SLICE).min(total)..((k + 1) * INDEX_SLICE).min(total)];
            let last_slice = k + 1 == slices;
            self.pool.write(|c| {
                if !c.is_sqlite() {
                    // Edits of these files wait for this slice, or this slice for them (`replace_terms`).
                    c.query(
                        "SELECT first_id FROM search_backlog WHERE first_id >= $1 AND first_id <= $2 FOR UPDATE",
                        &[first.into(), last.into()],
                        |r| r.i64(0),
                    )?;
                }
                let edited: std::collections::HashSet<i64> =
                    c.query("SELECT child_id FROM search_edited", &[], |r| r.i64(0))?.into_iter().collect();
                let rows: Vec<(&str, &TermOwner<'_>)> = part
                    .iter()
                    .map(|e| (sorted.term(e), &owners[e.file as usize]))
                    .filter(|(_, o)| !edited.contains(&o.id))
                    .collect();
                insert_terms(c, &rows)?;
                if last_slice {
                    for chunk in window.chunks(500) {
                        let mut sql = Sql::new("DELETE FROM search_backlog WHERE first_id IN (");
                        for (i, (from, _)) in chunk.iter().enumerate() {
                            sql.push(if i == 0 { "" } else { ", " }).bind(*from);
                        }
                        c.exec(&format!("{})", sql.text), &sql.params)?;
                    }
                    for id in edited.iter().filter(|id| in_ranges(&window, **id)) {
                        c.exec("DELETE FROM search_edited WHERE child_id = $1", &[(*id).into()])?;
                    }
                }
                Ok(())
            })?;
            progress((files.len() * (k + 1)) / slices);
        }
        self.analyze_after_bulk("child_search", "child_search", total);
        Ok(files.len())
    }

    /// PostgreSQL: the planner's statistics of `tables`, made again at once after a bulk write
    /// added `rows` to `grown` (decision 205), when that is as many as would make autovacuum
    /// analyze it (the server's own `autovacuum_analyze_threshold` and `_scale_factor`
    /// against its rows as last counted), or it was never analyzed. Until autovacuum's next
    /// analyze, minutes away or never when it is off, the planner takes a million imported
    /// files for the empty table it last saw and plans every search and ledger page as a scan
    /// (seconds each); a township's few rows in a large table change no plan and cost no
    /// analyze. A failure is only logged: the write has committed, and the next analyze mends it.
    fn analyze_after_bulk(&self, grown: &str, tables: &str, rows: usize) {
        if self.pool.is_sqlite() || rows == 0 {
            return;
        }
        let analyzed = self.pool.write(|c| {
            let due = c.query_opt(
                &format!(
                    "SELECT reltuples < 0 OR CAST($1 AS BIGINT) > current_setting('autovacuum_analyze_threshold')::float8 \
                     + current_setting('autovacuum_analyze_scale_factor')::float8 * reltuples \
                     FROM pg_class WHERE oid = '{grown}'::regclass"
                ),
                &[(rows as i64).into()],
                |r| r.bool(0),
            )?;
            if due == Some(true) {
                c.exec(&format!("ANALYZE {tables}"), &[])?;
            }
            Ok(())
        });
        if let Err(e) = analyzed {
            tracing::warn!(error = %e, tables, "refreshing the planner's statistics after a bulk write");
        }
    }

    /// The terms of `files`, made on every core, in the term index's order.
    fn sorted_terms(&self, files: &[TermSource]) -> Result<SortedTerms, StoreError> {
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).clamp(1, 8);
        let per = files.len().div_ceil(threads).max(1);
        let parts: Vec<Result<SortedTerms, StoreError>> = std::thread::scope(|sc| {
            let handles: Vec<_> = files
                .chunks(per)
                .enumerate()
                .map(|(n, chunk)| {
                    sc.spawn(move || {
                        let ring = self.cipher.ring();
                        let mut out = SortedTerms::default();
                        for (i, f) in chunk.iter().enumerate() {
                            // The number's last digits get a term keyed like the rest (decision 96).
                            let idn = self
                                .cipher
                                .open_opt_text(crate::crypto::field::CHILD_ID_NUMBER, f.id_number.clone())?;
                            let id_term = idn.as_deref().and_then(|n| ring.suffix_term(n));
                            for t in crate::search_terms::terms(&f.name, id_term.as_deref()) {
                                out.push(&t, (n * per + i) as u32);
                            }
                        }
                        out.sort(files);
                        Ok(out)
                    })
                })
                .collect();
            handles
                .into_iter()
                .map(|h| h.join().unwrap_or_else(|_| Err(StoreError::Backend("the indexer's thread panicked".into()))))
                .collect()
        });
        let mut all = SortedTerms::default();
        for p in parts {
            all = all.merge(p?, files);
        }
        Ok(all)
    }

    /// Indexes the whole backlog, a window at a time; `progress` hears the files done.
    pub fn index_all(&self, mut progress: impl FnMut(usize)) -> Result<usize, StoreError> {
        let mut done = 0;
        loop {
            let before = done;
            match self.index_some(INDEX_WINDOW, &mut |n| progress(before + n))? {
                0 => return Ok(done),
                n => done += n,
            }
        }
    }
}

fn in_ranges(ranges: &[(i64, i64)], id: i64) -> bool {
    ranges.iter().any(|(from, end)| id >= *from && id < *end)
}

/// One term row to write: its term's bytes in the arena and its file.
#[derive(Debug, Clone, Copy)]
struct Entry {
    at: u32,
    len: u16,
    file: u32,
}

/// Terms of many files, their text in one arena (a million files bring twelve million terms:
/// a `String` each would double the memory).
#[derive(Default)]
struct SortedTerms {
    arena: Vec<u8>,
    entries: Vec<Entry>,
}

impl SortedTerms {
    fn push(&mut self, term: &str, file: u32) {
        self.entries.push(Entry { at: self.arena.len() as u32, len: term.len() as u16, file });
        self.arena.extend_from_slice(term.as_bytes());
    }

    fn bytes(&self, e: &Entry) -> &[u8] {
        &self.arena[e.at as usize..e.at as usize + e.len as usize]
    }

    fn term(&self, e: &Entry) -> &str {
        std::str::from_utf8(self.bytes(e)).unwrap_or_default()
    }

    /// The index's order: (term, closed, village, name, id).
    fn cmp(&self, a: &Entry, other: &SortedTerms, b: &Entry, files: &[TermSource]) -> std::cmp::Ordering {
        let (fa, fb) = (&files[a.file as usize], &files[b.file as usize]);
        self.bytes(a)
            .cmp(other.bytes(b))
            .then(fa.closed.cmp(&fb.closed))
            .then_with(|| fa.village.cmp(&fb.village))
            .then_with(|| fa.name.cmp(&fb.name))
            .then(fa.id.cmp(&fb.id))
    }

    fn sort(&mut self, files: &[TermSource]) {
        let mut entries = std::mem::take(&mut self.entries);
        entries.sort_unstable_by(|a, b| self.cmp(a, self, b, files));
        self.entries = entries;
    }

    /// Two sorted lists as one.
    fn merge(self, other: SortedTerms, files: &[TermSource]) -> SortedTerms {
        if self.entries.is_empty() {
            return other;
        }
        let shift = self.arena.len() as u32;
        let mut out = SortedTerms {
            arena: Vec::with_capacity(self.arena.len() + other.arena.len()),
            entries: Vec::with_capacity(self.entries.len() + other.entries.len()),
        };
        out.arena.extend_from_slice(&self.arena);
        out.arena.extend_from_slice(&other.arena);
        let (mut i, mut j) = (0, 0);
        while i < self.entries.len() || j < other.entries.len() {
            let take_self = j == other.entries.len()
                || (i < self.entries.len()
                    && self.cmp(&self.entries[i], &other, &other.entries[j], files) != std::cmp::Ordering::Greater);
            if take_self {
                out.entries.push(self.entries[i]);
                i += 1;
            } else {
                let e = other.entries[j];
                out.entries.push(Entry { at: e.at + shift, ..e });
                j += 1;
            }
        }
        out
    }
}
/// What a file's search terms are made from.
struct TermSource {
    id: i64,
    district: String,
    village: String,
    school: Option<i64>,
    closed: bool,
    name: String,
    id_number: Option<String>,
}

impl TermSource {
    fn owner(&self) -> TermOwner<'_> {
        TermOwner {
            id: self.id,
            closed: self.closed,
            name: &self.name,
            district: &self.district,
            village: &self.village,
            school: self.school,
        }
    }
}
