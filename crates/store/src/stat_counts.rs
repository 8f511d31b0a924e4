//! Counts of the open files kept by every write (registry migration 0023, decision 188):
//! per township by category, guardianship type, schooling and warnings mask, per district by
//! birth month, and next visits by due day per district and per township. Triggers on
//! `children` and `visit_due` keep them inside the writing transaction, so a count never
//! disagrees with the ledger; a bulk write pauses the triggers and, before it commits, counts
//! again the districts of the files it changed (`recount`) and adds what its new files add
//! (`Tally`).

use crate::Store;
use crate::db::{Conn, Sql, Val};
use crate::error::StoreError;
use chrono::NaiveDate;
use shouhu_domain::region;
use std::collections::{BTreeSet, HashMap};

/// The district (6-digit code) a village code counts under for birth months.
pub(crate) fn district_of(village_code: &str) -> &str {
    village_code.get(..6).unwrap_or(village_code)
}

/// The count triggers a bulk write took away (SQLite), to be made again before it commits.
#[must_use = "resume_and_recount puts the triggers back"]
pub(crate) struct Paused(Vec<String>);

/// Stops the count triggers for the rest of this transaction. SQLite: the triggers are
/// dropped inside the transaction and made again by [`resume_and_recount`] from their own
/// text, so other connections never see them gone (a rolled-back import restores them too);
/// merely skipping them (`WHEN NOT EXISTS`) still ran each trigger's program and its
/// statement journal for every row, a sixth of a million-row import. PostgreSQL: a
/// transaction-local setting the triggers' `WHEN` reads (decision 203; dropping a trigger
/// there would lock every reader of `children` out until the commit).
pub(crate) fn pause(c: &mut Conn<'_, '_>) -> Result<Paused, StoreError> {
    if !c.is_sqlite() {
        c.query_opt("SELECT set_config('shouhu.counts_paused', 'on', true)", &[], |_| Ok(()))?;
        return Ok(Paused(Vec::new()));
    }
    let triggers: Vec<(String, String)> = c.query(
        "SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name IN ('children', 'visit_due') \
         AND (name LIKE 'stat_counts_%' OR name LIKE 'visit_counts_%') ORDER BY name",
        &[],
        |r| Ok((r.text(0)?, r.text(1)?)),
    )?;
    for (name, _) in &triggers {
        c.exec(&format!("DROP TRIGGER {name}"), &[])?;
    }
    Ok(Paused(triggers.into_iter().map(|(_, sql)| sql).collect()))
}

/// Starts the triggers again, counts the given districts afresh from their files and adds
/// what the bulk write's new files add elsewhere, in the same transaction, so the bulk write
/// commits with exact counts.
pub(crate) fn resume_and_recount(
    c: &mut Conn<'_, '_>,
    paused: Paused,
    districts: &BTreeSet<String>,
    added: Tally,
) -> Result<(), StoreError> {
    if c.is_sqlite() {
        for sql in &paused.0 {
            c.exec(sql, &[])?;
        }
    } else {
        c.query_opt("SELECT set_config('shouhu.counts_paused', 'off', true)", &[], |_| Ok(()))?;
        // Other writers' triggers wait here until this transaction commits, and add their
        // changes to the fresh counts then; one that already wrote commits first and its file
        // is counted by the scan below (read committed: a statement sees what is committed).
        c.exec("LOCK TABLE stat_counts IN SHARE ROW EXCLUSIVE MODE", &[])?;
    }
    for d in districts {
        recount(c, d)?;
    }
    // A recounted district already holds its new files.
    let recounted = |area: &str| districts.iter().any(|d| area.starts_with(d.as_str()));
    let rows: Vec<_> = added.0.into_iter().filter(|((_, area, _), n)| *n != 0 && !recounted(area)).collect();
    write_rows(c, rows, " ON CONFLICT (dim, area, val) DO UPDATE SET n = stat_counts.n + excluded.n")
}

/// Count rows summed in memory: what a recount reads, or what a bulk write's new files add
/// (`(dim, area, value)` to a number), made by the same rules as the triggers of migration 0023.
#[derive(Debug, Default)]
pub(crate) struct Tally(HashMap<(&'static str, String, String), i64>);

impl Tally {
    fn add(&mut self, dim: &'static str, area: &str, val: String) {
        *self.0.entry((dim, area.to_string(), val)).or_default() += 1;
    }

    /// An open file: by category, guardianship, schooling and warnings in its township, by
    /// birth month in its district.
    pub(crate) fn file(
        &mut self,
        village: &str,
        category: String,
        guardianship: Option<String>,
        schooling: Option<String>,
        birth: Option<NaiveDate>,
        warnings: i64,
    ) {
        let (township, district) = (village.get(..9).unwrap_or(village), district_of(village));
        self.add("c", township, category);
        self.add("g", township, guardianship.unwrap_or_default());
        self.add("s", township, schooling.unwrap_or_default());
        self.add("m", district, birth.map(|d| d.format("%Y-%m").to_string()).unwrap_or_default());
        self.add("w", township, warnings.to_string());
    }

    /// A next visit, by due day in its district and township, and among the visited ones
    /// when `visited`.
    pub(crate) fn due(&mut self, village: &str, due_on: Option<NaiveDate>, visited: bool) {
        let (township, district) = (village.get(..9).unwrap_or(village), district_of(village));
        let day = due_on.map(|d| d.format("%Y-%m-%d").to_string()).unwrap_or_default();
        self.add("v6", district, day.clone());
        self.add("v9", township, day.clone());
        if visited {
            self.add("V6", district, day.clone());
            self.add("V9", township, day);
        }
    }
}

/// Writes count rows 500 to a statement, in key order (so two writers never wait on each
/// other in turn), each statement ending with `tail`.
fn write_rows(
    c: &mut Conn<'_, '_>,
    mut rows: Vec<((&'static str, String, String), i64)>,
    tail: &str,
) -> Result<(), StoreError> {
    rows.sort_unstable();
    for chunk in rows.chunks(500) {
        let mut sql = Sql::new("INSERT INTO stat_counts (dim, area, val, n) VALUES ");
        for (i, ((dim, area, val), n)) in chunk.iter().enumerate() {
            sql.push(if i == 0 { "(" } else { ", (" });
            sql.bind(*dim).push(", ").bind(area.as_str()).push(", ").bind(val.as_str()).push(", ").bind(*n).push(")");
        }
        sql.push(tail);
        c.exec(&sql.text, &sql.params)?;
    }
    Ok(())
}

/// Makes the counts of a region (a district's code, or "" for all) again from its open files
/// and next visits: one pass over each table's covering index (registry migrations 0021 and
/// 0012), summed here, as the triggers of migration 0023 would have summed them. Grouping in
/// SQL by a township or a month would sort every row once per dimension.
pub(crate) fn recount(c: &mut Conn<'_, '_>, prefix: &str) -> Result<(), StoreError> {
    let (lo, hi): (Val, Val) = (prefix.into(), region::prefix_upper_bound(prefix).into());
    c.exec(
        "DELETE FROM stat_counts WHERE dim IN ('c', 'g', 'm', 's', 'w', 'V6', 'V9', 'v6', 'v9') \
         AND area >= $1 AND area < $2",
        &[lo.clone(), hi.clone()],
    )?;
    let sqlite = c.is_sqlite();
    let mut counts = Tally::default();
    let files = if sqlite {
        "SELECT village_code, category, guardianship_type, schooling, birth_date, warnings \
         FROM children INDEXED BY children_statistics WHERE closed = FALSE AND village_code >= $1 AND village_code < $2"
    } else {
        "SELECT village_code, category, guardianship_type, schooling, birth_date, warnings \
         FROM children WHERE closed = FALSE AND village_code >= $1 AND village_code < $2"
    };
    c.query(files, &[lo.clone(), hi.clone()], |r| {
        counts.file(&r.text(0)?, r.text(1)?, r.opt_text(2)?, r.opt_text(3)?, r.opt_date(4)?, r.i64(5)?);
        Ok(())
    })?;
    c.query(
        "SELECT village_code, due_on, last_visit_on IS NOT NULL FROM visit_due \
         WHERE village_code >= $1 AND village_code < $2",
        &[lo, hi],
        |r| {
            counts.due(&r.text(0)?, r.opt_date(1)?, r.bool(2)?);
            Ok(())
        },
    )?;
    write_rows(c, counts.0.into_iter().collect(), "")
}

impl Store {
    /// Makes the counts once from the files after migration 0023 (at the first start).
    pub(crate) fn stat_counts_backlog(&self) -> Result<(), StoreError> {
        let pending = self.pool.read(|c| c.query_opt("SELECT pending FROM stat_counts_backlog", &[], |r| r.i64(0)))?;
        if pending.is_none() {
            return Ok(());
        }
        self.pool.write(|c| {
            if !c.is_sqlite() {
                c.exec("LOCK TABLE stat_counts IN SHARE ROW EXCLUSIVE MODE", &[])?;
            }
            recount(c, "")?;
            c.exec("DELETE FROM stat_counts_backlog", &[]).map(|_| ())
        })
    }

    /// Counts every region afresh from the files in one transaction: what a census import
    /// that wrote into every district adds before it commits (`shouhu-bench stats` times it).
    pub fn recount_statistics(&self) -> Result<(), StoreError> {
        self.pool.write(|c| {
            let paused = pause(c)?;
            resume_and_recount(c, paused, &BTreeSet::from([String::new()]), Tally::default())
        })
    }
}
