//! Many files at once, in one transaction: a census import either lands whole or not at all.

use crate::audit::{self, Action};
use crate::db::Sql;
use crate::error::StoreError;
use crate::{Actor, Store};
use shouhu_domain::child::{ChildFile, FileStatus};
use shouhu_domain::msg;
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

/// A checked new file with what its rows need worked out beforehand (its JSON, what is
/// derived from it, its search terms), so the thread that checks does this work and the
/// thread that holds the transaction only writes.
#[derive(Debug, Clone)]
pub struct PreparedFile {
    file: ChildFile,
    data: String,
    derived: shouhu_domain::child::Derived,
    terms: Vec<String>,
}

impl Store {
    pub fn prepare_new(&self, checked: CheckedFile) -> Result<PreparedFile, StoreError> {
        let file = checked.0;
        Ok(PreparedFile {
            data: serde_json::to_string(&file)?,
            derived: shouhu_domain::rules::derive(&file, self.today(), self.age_rule),
            terms: crate::search_terms::terms(&file.name, file.id_number.as_deref()),
            file,
        })
    }
}

/// One file of an import: new, or to be written over an existing file.
#[derive(Debug, Clone)]
pub enum ImportItem {
    New(PreparedFile),
    Update { id: i64, file: CheckedFile },
}

/// New files written together: their ids are consecutive and their search terms sorted.
const BATCH_FILES: usize = 2000;
/// Rows per statement (16 and 11 parameters a row; SQLite allows 32,766 per statement).
const CHILD_ROWS: usize = 200;
/// Search-term rows per statement (7 parameters a row).
const TERM_ROWS: usize = 4000;

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
    pub fn find_by_id_numbers(&self, ids: &[String]) -> Result<HashMap<String, Existing>, StoreError> {
        self.pool.read(|c| {
            let mut out = HashMap::new();
            for chunk in ids.chunks(500) {
                let mut sql =
                    Sql::new("SELECT id_number, id, village_code, school_org_id FROM children WHERE id_number IN (");
                for (i, id) in chunk.iter().enumerate() {
                    if i > 0 {
                        sql.push(", ");
                    }
                    sql.bind(id.as_str());
                }
                sql.push(")");
                for (k, e) in c.query(&sql.text, &sql.params, |r| {
                    Ok((r.text(0)?, Existing { id: r.i64(1)?, village_code: r.text(2)?, school_org_id: r.opt_i64(3)? }))
                })? {
                    out.insert(k, e);
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
        let res = self.pool.write(|c| {
            let mut counts = ImportCounts::default();
            let mut batch: Vec<PreparedFile> = Vec::with_capacity(BATCH_FILES);
            for (n, item) in items.enumerate() {
                match item? {
                    ImportItem::New(file) => {
                        batch.push(file);
                        if batch.len() == BATCH_FILES {
                            self.insert_batch(c, now, actor, source, &batch)?;
                            batch.clear();
                        }
                        counts.created += 1;
                    }
                    ImportItem::Update { id, file } => {
                        let current = self.load(c, &actor.scope, id)?;
                        if matches!(current.status, FileStatus::Closed { .. }) {
                            return Err(StoreError::State(msg::ALREADY_CLOSED));
                        }
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
            self.insert_batch(c, now, actor, source, &batch)?;
            audit::record(
                c,
                now,
                actor,
                Action::Import,
                None,
                &format!("{source}: {} created, {} updated", counts.created, counts.updated),
            )?;
            Ok(counts)
        });
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
    /// Ids for `n` new files: consecutive from a random start, so that each index on the id
    /// grows at one place instead of at random places (a million random inserts into an
    /// index of a million is what made imports slow), yet ids still say nothing about how
    /// many files there are. The range is checked free inside the import's transaction.
    fn id_range(&self, c: &mut crate::db::Conn<'_, '_>, n: usize) -> Result<i64, StoreError> {
        loop {
            let start = crate::children::new_child_id().min((1_i64 << 53) - n as i64 - 1).max(1);
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

    /// Inserts checked new files, a few statements per table (children, their search terms
    /// in term order, their first history row).
    fn insert_batch(
        &self,
        c: &mut crate::db::Conn<'_, '_>,
        now: chrono::DateTime<chrono::Utc>,
        actor: &Actor,
        source: &str,
        files: &[PreparedFile],
    ) -> Result<(), StoreError> {
        if files.is_empty() {
            return Ok(());
        }
        let first_id = self.id_range(c, files.len())?;
        let ids: Vec<i64> = (0..files.len() as i64).map(|i| first_id + i).collect();
        for (chunk, ids) in files.chunks(CHILD_ROWS).zip(ids.chunks(CHILD_ROWS)) {
            let mut children = Sql::new(
                "INSERT INTO children (district_code, id, version, village_code, name, sex, birth_date, id_number, \
                 category, guardianship_type, schooling, health, warnings, school_org_id, closed, close_reason, \
                 close_note, closed_at, data, created_at, updated_at) VALUES ",
            );
            let mut history = Sql::new(
                "INSERT INTO child_history (district_code, child_id, version, seq, changed_at, user_id, user_name, \
                 source, field, old_value, new_value) VALUES ",
            );
            for (i, (prepared, id)) in chunk.iter().zip(ids).enumerate() {
                let (file, derived) = (&prepared.file, &prepared.derived);
                let district = shouhu_domain::region::district_of(&file.village_code);
                children.push(if i == 0 { "(" } else { ", (" });
                children.bind(district).push(", ").bind(*id).push(", 1, ").bind(file.village_code.as_str());
                children.push(", ").bind(file.name.as_str()).push(", ").bind(file.sex.map(|s| s.code()));
                children.push(", ").bind(file.birth_date).push(", ").bind(file.id_number.clone());
                children.push(", ").bind(derived.category.code());
                children.push(", ").bind(file.guardianship_type.map(|g| g.code()));
                children
                    .push(", ")
                    .bind(file.schooling.map(|s| s.code()))
                    .push(", ")
                    .bind(file.health.map(|h| h.code()));
                children.push(", ").bind(shouhu_domain::child::Warning::to_bits(&derived.warnings));
                children.push(", ").bind(file.school_org_id).push(", ").bind(false);
                children.push(", NULL, NULL, NULL, ").bind(prepared.data.as_str());
                children.push(", ").bind(now).push(", ").bind(now).push(")");
                history.push(if i == 0 { "(" } else { ", (" });
                history.bind(district).push(", ").bind(*id).push(", 1, 0, ").bind(now);
                history.push(", ").bind(actor.user_id).push(", ").bind(actor.user_name.as_str());
                history.push(", ").bind(source).push(", '*', NULL, '建档')");
            }
            c.exec(&children.text, &children.params)?;
            c.exec(&history.text, &history.params)?;
        }
        // Search terms of the whole batch in term order: the index takes them in runs.
        let mut term_rows: Vec<(&str, usize)> = Vec::with_capacity(files.len() * 16);
        for (i, f) in files.iter().enumerate() {
            term_rows.extend(f.terms.iter().map(|t| (t.as_str(), i)));
        }
        term_rows.sort_unstable();
        for chunk in term_rows.chunks(TERM_ROWS) {
            let mut terms = Sql::new(
                "INSERT INTO child_search (term, closed, name, child_id, district_code, village_code, school_org_id) VALUES ",
            );
            for (j, (term, i)) in chunk.iter().enumerate() {
                let file = &files[*i].file;
                terms.push(if j == 0 { "(" } else { ", (" });
                terms.bind(*term).push(", ").bind(false).push(", ").bind(file.name.as_str()).push(", ").bind(ids[*i]);
                terms.push(", ").bind(shouhu_domain::region::district_of(&file.village_code));
                terms.push(", ").bind(file.village_code.as_str()).push(", ").bind(file.school_org_id).push(")");
            }
            c.exec(&terms.text, &terms.params)?;
        }
        Ok(())
    }
}
