//! What can go wrong in the store. `Invalid`, `NotFound`, `Stale`, `Duplicate` and `State`
//! are the user's to fix and carry what to tell them; `Backend` and `Config` are ours.

use shouhu_domain::error::FieldErrors;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// Missing, or outside the caller's scope: the two must look the same.
    #[error("not found")]
    NotFound,
    /// The caller's role does not allow this.
    #[error("forbidden")]
    Forbidden,
    /// The fields that are wrong, with messages for the user.
    #[error("invalid input")]
    Invalid(FieldErrors),
    /// Someone else changed the record since the caller read it.
    #[error("stale version: record is at version {current}")]
    Stale { current: i64 },
    /// A unique value is taken; `existing` is the record that holds it when the caller may see it.
    #[error("duplicate {field}")]
    Duplicate { field: &'static str, message: String, existing: Option<i64> },
    /// The record is not in a state that allows this (a Chinese message for the user).
    #[error("state: {0}")]
    State(&'static str),
    /// The backend refused a row for a unique key: a race lost to another writer, which our
    /// own check inside the transaction could not see.
    #[error("unique violation")]
    UniqueViolation,
    /// A user's allowance of something (numbers shown in full) is used up for now; the
    /// message says until when and what to do meanwhile.
    #[error("limited")]
    Limited(String),
    /// Another long write (an import) holds the database; try again shortly.
    #[error("busy")]
    Busy,
    /// The caller stopped a write of many rows before its end (a census sheet turned out to
    /// have a wrong row): everything it wrote was rolled back.
    #[error("abandoned by the caller")]
    Abandoned,
    #[error("configuration: {0}")]
    Config(String),
    #[error("database: {0}")]
    Backend(String),
}

impl StoreError {
    /// One wrong field, with what to tell the user.
    pub fn invalid(field: &str, message: impl Into<String>) -> StoreError {
        let mut errs = FieldErrors::default();
        errs.add(field, message);
        StoreError::Invalid(errs)
    }
}

impl From<rusqlite::Error> for StoreError {
    fn from(e: rusqlite::Error) -> Self {
        match &e {
            rusqlite::Error::SqliteFailure(f, _)
                if f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_UNIQUE
                    || f.extended_code == rusqlite::ffi::SQLITE_CONSTRAINT_PRIMARYKEY =>
            {
                StoreError::UniqueViolation
            }
            _ => StoreError::Backend(e.to_string()),
        }
    }
}

impl From<postgres::Error> for StoreError {
    fn from(e: postgres::Error) -> Self {
        if e.code() == Some(&postgres::error::SqlState::UNIQUE_VIOLATION) {
            StoreError::UniqueViolation
        } else if e.code() == Some(&postgres::error::SqlState::DATETIME_FIELD_OVERFLOW) {
            // A date typed beyond what PostgreSQL stores (a year past 5874897, or before
            // 4713 BC): the user's to fix, and the transaction is rolled back.
            StoreError::invalid("date", shouhu_domain::msg::DATE_OUT_OF_RANGE)
        } else {
            StoreError::Backend(e.to_string())
        }
    }
}

impl From<r2d2::Error> for StoreError {
    fn from(e: r2d2::Error) -> Self {
        StoreError::Backend(format!("connection pool: {e}"))
    }
}

impl From<serde_json::Error> for StoreError {
    fn from(e: serde_json::Error) -> Self {
        StoreError::Backend(format!("stored JSON: {e}"))
    }
}
