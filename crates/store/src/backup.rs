//! Consistent copies of the SQLite databases while the server runs, and the checks a copy
//! must pass before it replaces anything (decision 92).
//!
//! A copy is taken with SQLite's online backup API in one step: the step reads the whole
//! source inside one read transaction, so the copy is the database as it was at one commit,
//! and, the databases being in WAL mode, the server's writers go on meanwhile. (In smaller
//! steps a write by the server restarts the copy, which under steady load might never end.)

use crate::error::StoreError;
use rusqlite::{Connection, OpenFlags};
use std::path::Path;
use std::time::Duration;

/// Which of shouhu's databases a file is, and the table that lists its applied migrations.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Database {
    /// `shouhu.db`: the registry, accounts, audit log.
    Registry,
    /// `shouhu-reports.db`: reports and casework.
    Reports,
}

impl Database {
    pub const ALL: [Database; 2] = [Database::Registry, Database::Reports];

    /// Its name in a backup and in messages.
    pub fn code(self) -> &'static str {
        match self {
            Database::Registry => "registry",
            Database::Reports => "reports",
        }
    }

    pub fn parse(s: &str) -> Option<Database> {
        Database::ALL.into_iter().find(|d| d.code() == s)
    }

    fn migrations_table(self) -> &'static str {
        match self {
            Database::Registry => "schema_migrations",
            Database::Reports => "report_schema_migrations",
        }
    }

    /// The schema versions this build knows.
    pub fn known_versions(self) -> Vec<i64> {
        match self {
            Database::Registry => crate::migrate::registry_versions(),
            Database::Reports => crate::migrate::report_versions(),
        }
    }
}

/// Opens an existing database file; never creates one.
fn open_existing(path: &Path) -> Result<Connection, StoreError> {
    if !path.is_file() {
        return Err(StoreError::Config(format!("no database at {}", path.display())));
    }
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_WRITE | OpenFlags::SQLITE_OPEN_NO_MUTEX)?;
    c.busy_timeout(Duration::from_secs(30))?;
    Ok(c)
}

/// Copies the database at `src` (which the server may be writing) to a new file `dst`, as
/// one consistent snapshot, and returns the copy's schema versions.
pub fn snapshot(src: &Path, dst: &Path, db: Database) -> Result<Vec<i64>, StoreError> {
    if dst.exists() {
        return Err(StoreError::Config(format!("{} exists", dst.display())));
    }
    let source = open_existing(src)?;
    {
        let mut target = Connection::open(dst)?;
        let copy = rusqlite::backup::Backup::new(&source, &mut target)?;
        loop {
            match copy.step(-1)? {
                rusqlite::backup::StepResult::Done => break,
                // Another connection holds a lock the first read needs (a checkpoint
                // restarting the WAL): wait and try again.
                _ => std::thread::sleep(Duration::from_millis(50)),
            }
        }
    }
    restrict(dst)?;
    schema_versions(&Connection::open_with_flags(dst, OpenFlags::SQLITE_OPEN_READ_ONLY)?, db)
}

/// The schema versions recorded in a database.
fn schema_versions(c: &Connection, db: Database) -> Result<Vec<i64>, StoreError> {
    let mut st = c.prepare(&format!("SELECT version FROM {} ORDER BY version", db.migrations_table()))?;
    let versions = st.query_map([], |r| r.get::<_, i64>(0))?.collect::<Result<Vec<_>, _>>()?;
    Ok(versions)
}

/// What is wrong with a copy about to be restored.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CopyProblem {
    #[error("the {db} database is damaged: {detail}")]
    Damaged { db: &'static str, detail: String },
    #[error("the {db} database is not one of shouhu's (no schema versions)")]
    NoSchema { db: &'static str },
    #[error(
        "the {db} database has schema versions {unknown:?} that this shouhu does not know: it was made by a newer \
         shouhu; restore it with that version"
    )]
    UnknownSchema { db: &'static str, unknown: Vec<i64> },
}

/// Checks a database copy before it is restored: SQLite's `integrity_check` finds nothing,
/// and every schema version in it is one this build knows (an older copy is fine: the
/// server migrates it when it starts). Returns its versions.
pub fn check_copy(path: &Path, db: Database) -> Result<Result<Vec<i64>, CopyProblem>, StoreError> {
    let c = Connection::open_with_flags(path, OpenFlags::SQLITE_OPEN_READ_ONLY)?;
    let damaged = |detail: String| Ok(Err(CopyProblem::Damaged { db: db.code(), detail }));
    let report = match c
        .prepare("PRAGMA integrity_check")
        .and_then(|mut st| st.query_map([], |r| r.get::<_, String>(0))?.collect::<Result<Vec<_>, _>>())
    {
        Ok(lines) => lines,
        // Not a database at all (SQLITE_NOTADB), or cut short.
        Err(e) => return damaged(e.to_string()),
    };
    if report != ["ok"] {
        return damaged(report.into_iter().take(5).collect::<Vec<_>>().join("; "));
    }
    let versions = match schema_versions(&c, db) {
        Ok(v) if !v.is_empty() => v,
        _ => return Ok(Err(CopyProblem::NoSchema { db: db.code() })),
    };
    let known = db.known_versions();
    let unknown: Vec<i64> = versions.iter().copied().filter(|v| !known.contains(v)).collect();
    if !unknown.is_empty() {
        return Ok(Err(CopyProblem::UnknownSchema { db: db.code(), unknown }));
    }
    Ok(Ok(versions))
}

/// A database file for its owner only (0600), like those the server makes.
fn restrict(path: &Path) -> Result<(), StoreError> {
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))
            .map_err(|e| StoreError::Config(format!("cannot restrict {}: {e}", path.display())))?;
    }
    #[cfg(not(unix))]
    let _ = path;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::db::{DbUrl, Pool};

    #[test]
    fn a_snapshot_is_checked_and_a_damaged_copy_is_named() {
        let dir = tempfile::tempdir().expect("dir");
        let url = DbUrl::Sqlite(dir.path().join("shouhu.db"));
        let pool = Pool::open(&url, 2).expect("pool");
        crate::migrate::run(&pool).expect("migrate");
        let copy = dir.path().join("copy.db");
        let versions = snapshot(&dir.path().join("shouhu.db"), &copy, Database::Registry).expect("snapshot");
        assert_eq!(versions, Database::Registry.known_versions());
        assert_eq!(check_copy(&copy, Database::Registry).expect("check"), Ok(versions));
        // The reports' table is not in the registry.
        assert_eq!(check_copy(&copy, Database::Reports).expect("check"), Err(CopyProblem::NoSchema { db: "reports" }));
        let mut bytes = std::fs::read(&copy).expect("read");
        bytes.truncate(bytes.len() / 2);
        bytes[100..4096].fill(0x55);
        std::fs::write(&copy, bytes).expect("write");
        assert!(matches!(check_copy(&copy, Database::Registry).expect("check"), Err(CopyProblem::Damaged { .. })));
    }
}
