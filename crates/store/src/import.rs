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

/// One file of an import: new, or to be written over an existing file.
#[derive(Debug, Clone)]
pub enum ImportItem {
    New(ChildFile),
    Update { id: i64, file: ChildFile },
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, serde::Serialize)]
pub struct ImportCounts {
    pub created: usize,
    pub updated: usize,
    pub unchanged: usize,
}

impl Store {
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
    /// Each file is checked again as it is written, and each change goes into the file's
    /// history with `source` (e.g. "import:户籍登记表.xlsx").
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
            for (n, item) in items.enumerate() {
                match item? {
                    ImportItem::New(file) => {
                        let file = self.check_file(c, actor, file)?;
                        self.insert_checked(c, now, actor, source, &file)?;
                        counts.created += 1;
                    }
                    ImportItem::Update { id, file } => {
                        let current = self.load(c, &actor.scope, id)?;
                        if matches!(current.status, FileStatus::Closed { .. }) {
                            return Err(StoreError::State(msg::ALREADY_CLOSED));
                        }
                        let file = self.check_file(c, actor, file)?;
                        match self.update_in(c, now, actor, &current, &file, source)? {
                            Some(_) => counts.updated += 1,
                            None => counts.unchanged += 1,
                        }
                    }
                }
                if (n + 1) % 1000 == 0 {
                    progress(n + 1);
                }
            }
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
