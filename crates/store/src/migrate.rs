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
];

pub fn run(pool: &Pool) -> Result<(), StoreError> {
    pool.write(|c| {
        c.batch("CREATE TABLE IF NOT EXISTS schema_migrations (version BIGINT PRIMARY KEY, applied_at TEXT NOT NULL)")
    })?;
    for (version, sqlite, pg) in MIGRATIONS {
        pool.write(|c| {
            let done = c
                .query_opt("SELECT version FROM schema_migrations WHERE version = $1", &[Val::I64(*version)], |r| {
                    r.i64(0)
                })?
                .is_some();
            if done {
                return Ok(());
            }
            c.batch(if c.is_sqlite() { sqlite } else { pg })?;
            c.exec(
                "INSERT INTO schema_migrations (version, applied_at) VALUES ($1, $2)",
                &[Val::I64(*version), Val::Text(chrono::Utc::now().to_rfc3339())],
            )?;
            tracing::info!(version, "applied migration");
            Ok(())
        })?;
    }
    Ok(())
}
