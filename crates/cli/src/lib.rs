//! shouhu (守护): the registry and protection workflows for rural left-behind children.
//! This crate is the command line: `serve`, `demo`, `user`, `audit`; and the server's assembly.

pub mod audit_cli;
pub mod backup;
pub mod census_cli;
pub mod census_files;
pub mod cli;
pub mod demo;
pub mod keys_cli;
pub mod recompute_cli;
pub mod retention_cli;
pub mod seed;
pub mod server;
pub mod settings_file;
