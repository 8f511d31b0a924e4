//! Counts of the open files kept by every write (registry migration 0023, decision 188):
//! per township by category, guardianship type, schooling and warnings mask, per district by
//! birth month, and next visits by due day per district and per township. Triggers on
//! `children` and `visit_due` keep them inside the writing transaction, so a count never
//! disagrees with the ledger; a bulk write pauses the triggers and counts the districts it
//! touched again before it commits (`recount`).

use crate::Store;
use crate::db::{Conn, Val};
use crate::error::StoreError;
use shouhu_domain::region;
use std::collections::BTreeSet;

/// The district (6-digit code) a village code counts under for birth months.
pub(crate) fn district_of(village_code: &str) -> &str {
    village_code.get(..6).unwrap_or(village_code)
}

/// Stops the count triggers for the rest of this transaction (SQLite: a row never committed,
/// since [`resume_and_recount`] deletes it; PostgreSQL: a transaction-local setting).
pub(crate) fn pause(c: &mut Conn<'_, '_>) -> Result<(), StoreError> {
    if c.is_sqlite() {
        c.exec("INSERT INTO stat_counts_paused (paused) VALUES (1)", &[])?;
    } else {
        c.query_opt("SELECT set_config('shouhu.counts_paused', 'on', true)", &[], |_| Ok(()))?;
    }
    Ok(())
}

/// Starts the triggers again and counts the given districts afresh from their files, in the
/// same transaction, so the bulk write commits with exact counts.
pub(crate) fn resume_and_recount(c: &mut Conn<'_, '_>, districts: &BTreeSet<String>) -> Result<(), StoreError> {
    if c.is_sqlite() {
        c.exec("DELETE FROM stat_counts_paused", &[])?;
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
    Ok(())
}

/// Makes the counts of a region (a district's code, or "" for all) again from its open files.
pub(crate) fn recount(c: &mut Conn<'_, '_>, prefix: &str) -> Result<(), StoreError> {
    let (lo, hi): (Val, Val) = (prefix.into(), region::prefix_upper_bound(prefix).into());
    c.exec(
        "DELETE FROM stat_counts WHERE dim IN ('c', 'g', 'm', 's', 'w', 'V6', 'V9', 'v6', 'v9') \
         AND area >= $1 AND area < $2",
        &[lo.clone(), hi.clone()],
    )?;
    let sqlite = c.is_sqlite();
    let month =
        if sqlite { "coalesce(substr(birth_date, 1, 7), '')" } else { "coalesce(to_char(birth_date, 'YYYY-MM'), '')" };
    let day = if sqlite { "due_on" } else { "to_char(due_on, 'YYYY-MM-DD')" };
    // (table, condition, area length, dimension, value): as the triggers of migration 0023.
    let dims: [(&str, &str, &str, &str, &str); 9] = [
        ("children", "closed = FALSE", "9", "c", "category"),
        ("children", "closed = FALSE", "9", "g", "coalesce(guardianship_type, '')"),
        ("children", "closed = FALSE", "9", "s", "coalesce(schooling, '')"),
        ("children", "closed = FALSE", "9", "w", "CAST(warnings AS TEXT)"),
        ("children", "closed = FALSE", "6", "m", month),
        ("visit_due", "TRUE", "6", "v6", day),
        ("visit_due", "TRUE", "9", "v9", day),
        ("visit_due", "last_visit_on IS NOT NULL", "6", "V6", day),
        ("visit_due", "last_visit_on IS NOT NULL", "9", "V9", day),
    ];
    for (table, cond, len, dim, val) in dims {
        c.exec(
            &format!(
                "INSERT INTO stat_counts (area, dim, val, n) \
                 SELECT substr(village_code, 1, {len}), '{dim}', {val}, count(*) FROM {table} \
                 WHERE {cond} AND village_code >= $1 AND village_code < $2 \
                 GROUP BY substr(village_code, 1, {len}), {val}"
            ),
            &[lo.clone(), hi.clone()],
        )?;
    }
    Ok(())
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
}
