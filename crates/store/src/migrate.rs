//! Schema migrations: one tree per backend, applied in order, each in its own transaction.

use crate::db::{Pool, Val};
use crate::error::StoreError;

/// (version, SQLite text, PostgreSQL text). Append only: never edit an applied migration.
const MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        include_str!("../migrations/sqlite/0001_registry.sql"),
        include_str!("../migrations/postgres/0001_registry.sql"),
    ),
    (
        2,
        include_str!("../migrations/sqlite/0002_import_jobs.sql"),
        include_str!("../migrations/postgres/0002_import_jobs.sql"),
    ),
    (
        3,
        include_str!("../migrations/sqlite/0003_search_covering.sql"),
        include_str!("../migrations/postgres/0003_search_covering.sql"),
    ),
    (
        4,
        include_str!("../migrations/sqlite/0004_search_backlog.sql"),
        include_str!("../migrations/postgres/0004_search_backlog.sql"),
    ),
    (
        5,
        include_str!("../migrations/sqlite/0005_children_by_id.sql"),
        include_str!("../migrations/postgres/0005_children_by_id.sql"),
    ),
    (
        6,
        include_str!("../migrations/sqlite/0006_accounts.sql"),
        include_str!("../migrations/postgres/0006_accounts.sql"),
    ),
    (7, include_str!("../migrations/sqlite/0007_sign_in.sql"), include_str!("../migrations/postgres/0007_sign_in.sql")),
    (
        9,
        include_str!("../migrations/sqlite/0009_audit_chain.sql"),
        include_str!("../migrations/postgres/0009_audit_chain.sql"),
    ),
    (
        10,
        include_str!("../migrations/sqlite/0010_retention.sql"),
        include_str!("../migrations/postgres/0010_retention.sql"),
    ),
    (
        11,
        include_str!("../migrations/sqlite/0011_encryption.sql"),
        include_str!("../migrations/postgres/0011_encryption.sql"),
    ),
    (12, include_str!("../migrations/sqlite/0012_visits.sql"), include_str!("../migrations/postgres/0012_visits.sql")),
    (
        13,
        include_str!("../migrations/sqlite/0013_parents_contacts.sql"),
        include_str!("../migrations/postgres/0013_parents_contacts.sql"),
    ),
    (
        14,
        include_str!("../migrations/sqlite/0014_recompute.sql"),
        include_str!("../migrations/postgres/0014_recompute.sql"),
    ),
    // Dropout control (issue 18, decision 130).
    (
        15,
        include_str!("../migrations/sqlite/0015_dropout.sql"),
        include_str!("../migrations/postgres/0015_dropout.sql"),
    ),
    // The to-do list (issue 19, decision 142).
    (16, include_str!("../migrations/sqlite/0016_tasks.sql"), include_str!("../migrations/postgres/0016_tasks.sql")),
    // Notifications (issue 19, decisions 150-156).
    (
        17,
        include_str!("../migrations/sqlite/0017_notifications.sql"),
        include_str!("../migrations/postgres/0017_notifications.sql"),
    ),
    // Printable documents: the register of issued documents (issue 22, decision 163).
    (
        18,
        include_str!("../migrations/sqlite/0018_documents.sql"),
        include_str!("../migrations/postgres/0018_documents.sql"),
    ),
    // The district table's covering index (decision 138).
    (
        19,
        include_str!("../migrations/sqlite/0019_dropout_counts.sql"),
        include_str!("../migrations/postgres/0019_dropout_counts.sql"),
    ),
    // Census rounds (issue 20, decisions 146-149).
    (
        20,
        include_str!("../migrations/sqlite/0020_census_rounds.sql"),
        include_str!("../migrations/postgres/0020_census_rounds.sql"),
    ),
    // Statistics (issue 20, decision 158): the covering index of the children's counts.
    (
        21,
        include_str!("../migrations/sqlite/0021_statistics.sql"),
        include_str!("../migrations/postgres/0021_statistics.sql"),
    ),
    // Oversight: accountability, commendations, the joint meeting (issue 20, decisions 167-169).
    (
        22,
        include_str!("../migrations/sqlite/0022_oversight.sql"),
        include_str!("../migrations/postgres/0022_oversight.sql"),
    ),
    // Counts of the open files kept by triggers, for the statistics of a district or the
    // city (issue 20, decision 188).
    (
        23,
        include_str!("../migrations/sqlite/0023_stat_counts.sql"),
        include_str!("../migrations/postgres/0023_stat_counts.sql"),
    ),
    // Name search that pages, narrows by region and builds in order (issue 24, decisions 190-192).
    (
        24,
        include_str!("../migrations/sqlite/0024_search_paging.sql"),
        include_str!("../migrations/postgres/0024_search_paging.sql"),
    ),
    // Several servers on one database: import leases, work leases, the public guards (issue 23).
    (
        25,
        include_str!("../migrations/sqlite/0025_servers.sql"),
        include_str!("../migrations/postgres/0025_servers.sql"),
    ),
    // Refusals audited per user across servers; each user's last write position, for reads
    // from a replica (issue 23, decisions 200-201).
    (
        26,
        include_str!("../migrations/sqlite/0026_refusals_replica.sql"),
        include_str!("../migrations/postgres/0026_refusals_replica.sql"),
    ),
    // The count triggers' pause read in their WHEN (issue 23, decision 203).
    (
        27,
        include_str!("../migrations/sqlite/0027_counts_pause_in_when.sql"),
        include_str!("../migrations/postgres/0027_counts_pause_in_when.sql"),
    ),
    // Each user's numbers shown in full and masked ID searches in 24 hours (decision 212).
    (
        28,
        include_str!("../migrations/sqlite/0028_allowances.sql"),
        include_str!("../migrations/postgres/0028_allowances.sql"),
    ),
    // TOTP secrets sealed at the next start (decision 213).
    (
        29,
        include_str!("../migrations/sqlite/0029_totp_sealed.sql"),
        include_str!("../migrations/postgres/0029_totp_sealed.sql"),
    ),
    // What has served is pruned daily (decision 216).
    (
        30,
        include_str!("../migrations/sqlite/0030_prune_notifications.sql"),
        include_str!("../migrations/postgres/0030_prune_notifications.sql"),
    ),
    // A file's village checked by a trigger the import skips, not a foreign key (decision 222).
    (
        31,
        include_str!("../migrations/sqlite/0031_villages_checked.sql"),
        include_str!("../migrations/postgres/0031_villages_checked.sql"),
    ),
];

/// The reports' schema: its own list, because on SQLite reports are a database of their own.
const REPORT_MIGRATIONS: &[(i64, &str, &str)] = &[
    (
        1,
        include_str!("../migrations/sqlite/reports/0001_reports.sql"),
        include_str!("../migrations/postgres/reports/0001_reports.sql"),
    ),
    (
        2,
        include_str!("../migrations/sqlite/reports/0002_casework.sql"),
        include_str!("../migrations/postgres/reports/0002_casework.sql"),
    ),
    (
        3,
        include_str!("../migrations/sqlite/reports/0003_commendation.sql"),
        include_str!("../migrations/postgres/reports/0003_commendation.sql"),
    ),
    (
        4,
        include_str!("../migrations/sqlite/reports/0004_attachments.sql"),
        include_str!("../migrations/postgres/reports/0004_attachments.sql"),
    ),
    (
        5,
        include_str!("../migrations/sqlite/reports/0005_placements.sql"),
        include_str!("../migrations/postgres/reports/0005_placements.sql"),
    ),
    (
        6,
        include_str!("../migrations/sqlite/reports/0006_conduct_standing.sql"),
        include_str!("../migrations/postgres/reports/0006_conduct_standing.sql"),
    ),
    (
        7,
        include_str!("../migrations/sqlite/reports/0007_casework_names.sql"),
        include_str!("../migrations/postgres/reports/0007_casework_names.sql"),
    ),
    (
        8,
        include_str!("../migrations/sqlite/reports/0008_encryption.sql"),
        include_str!("../migrations/postgres/reports/0008_encryption.sql"),
    ),
    (
        10,
        include_str!("../migrations/sqlite/reports/0010_visit_lookups.sql"),
        include_str!("../migrations/postgres/reports/0010_visit_lookups.sql"),
    ),
    // The township's receipt of a hand-over (issue 19, decision 141).
    (
        11,
        include_str!("../migrations/sqlite/reports/0011_hand_over_receipt.sql"),
        include_str!("../migrations/postgres/reports/0011_hand_over_receipt.sql"),
    ),
    // Notifications' causes in the reports' database, for the relay (issue 19, decisions 150-156).
    (
        12,
        include_str!("../migrations/sqlite/reports/0012_notify_causes.sql"),
        include_str!("../migrations/postgres/reports/0012_notify_causes.sql"),
    ),
    // The statistics page's reports and assessments by period, from the indexes alone.
    (
        13,
        include_str!("../migrations/sqlite/reports/0013_statistics_period.sql"),
        include_str!("../migrations/postgres/reports/0013_statistics_period.sql"),
    ),
    // Reports past their deadline announced again, once each (decision 215).
    (
        14,
        include_str!("../migrations/sqlite/reports/0014_late_causes.sql"),
        include_str!("../migrations/postgres/reports/0014_late_causes.sql"),
    ),
];

/// The registry's schema versions this build knows.
pub fn registry_versions() -> Vec<i64> {
    MIGRATIONS.iter().map(|m| m.0).collect()
}

/// The reports' schema versions this build knows.
pub fn report_versions() -> Vec<i64> {
    REPORT_MIGRATIONS.iter().map(|m| m.0).collect()
}

/// Brings the registry's schema up to date.
pub fn run(pool: &Pool) -> Result<(), StoreError> {
    apply(pool, "schema_migrations", MIGRATIONS)
}

/// Brings the reports' schema up to date.
pub fn run_reports(pool: &Pool) -> Result<(), StoreError> {
    apply(pool, "report_schema_migrations", REPORT_MIGRATIONS)
}

/// The session lock (PostgreSQL) that several servers starting together on one database
/// queue on, so that migrating, seeding and the start-up's one-time work run once (decision 195).
const STARTUP_LOCK: i64 = 7_243_195;

/// Runs `f` (a server's start-up work on the database) holding the start-up lock: on
/// PostgreSQL a session advisory lock held by a connection of its own for the while, so a
/// second server starting at the same time waits and then finds the work done. SQLite's
/// writers queue on its write lock, and each step checks inside its write transaction.
pub fn with_startup_lock<T>(pool: &Pool, f: impl FnOnce() -> Result<T, StoreError>) -> Result<T, StoreError> {
    let Pool::Postgres(pg) = pool else { return f() };
    let mut holder = pg.get()?;
    holder.batch_execute(&format!("SELECT pg_advisory_lock({STARTUP_LOCK})"))?;
    let out = f();
    // Ending the session would release it too; unlocking hands the connection back clean.
    let _ = holder.batch_execute(&format!("SELECT pg_advisory_unlock({STARTUP_LOCK})"));
    out
}

/// Refuses a database whose schema has a version this build does not know: a newer shouhu
/// migrated it, and this one would misread it (decision 195).
fn refuse_newer(
    c: &mut crate::db::Conn<'_, '_>,
    table: &str,
    migrations: &[(i64, &str, &str)],
) -> Result<(), StoreError> {
    let known = migrations.iter().map(|m| m.0).max().unwrap_or(0);
    let found =
        c.query_opt(&format!("SELECT max(version) FROM {table}"), &[], |r| r.opt_i64(0))?.flatten().unwrap_or(0);
    if found > known {
        return Err(StoreError::Config(format!(
            "the database's schema ({table}) is at version {found}, newer than this build of shouhu knows (up to \
             {known}): a newer shouhu has migrated it. Start the newer version here too; nothing was changed"
        )));
    }
    Ok(())
}

fn apply(pool: &Pool, table: &str, migrations: &[(i64, &str, &str)]) -> Result<(), StoreError> {
    pool.write(|c| {
        c.batch(&format!("CREATE TABLE IF NOT EXISTS {table} (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)"))?;
        refuse_newer(c, table, migrations)
    })?;
    for (version, sqlite, pg) in migrations {
        pool.write(|c| {
            let done = c
                .query_opt(&format!("SELECT version FROM {table} WHERE version = $1"), &[Val::I64(*version)], |r| {
                    r.i64(0)
                })?
                .is_some();
            if done {
                return Ok(());
            }
            c.batch(if c.is_sqlite() { sqlite } else { pg })?;
            c.exec(
                &format!("INSERT INTO {table} (version, applied_at) VALUES ($1, $2)"),
                &[Val::I64(*version), Val::Text(chrono::Utc::now().to_rfc3339())],
            )?;
            tracing::info!(table, version, "applied migration");
            Ok(())
        })?;
    }
    Ok(())
}
