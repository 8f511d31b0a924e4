//! Census workbooks in and ledgers out, in the layout of the 2016 census registration form
//! ([M16], docs/domain.md §3.1).
//!
//! Reading gives [`table::RawRow`]s of text; [`columns`] maps headers to the fields of a
//! child's file; the checks and the import itself build on the store.

pub mod columns;
pub mod csv_safe;
pub mod export;
pub mod import;
pub mod read;
pub mod report;
pub mod roster;
// Census rounds (issue 20).
pub mod rounds;
pub mod summary;
pub mod table;
// Statistics (issue 20): the statistics page as a workbook.
pub mod statistics;
