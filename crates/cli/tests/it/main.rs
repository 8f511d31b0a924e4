//! The integration suite: one test binary (linking several costs minutes on two cores).
//! Runs on SQLite, and on PostgreSQL when `SHOUHU_TEST_PG_URL` is set.

mod harness;

mod accounts;
mod audit;
mod auth;
mod backup;
mod casework;
mod casework_pages;
mod casework_people;
mod census;
mod census_rounds;
mod children;
mod documents;
mod dropout;
mod durability;
mod encryption;
mod entrusted;
mod files;
mod group_commit;
mod logs;
mod masking;
mod notifications;
mod openapi;
mod pages;
mod recompute;
mod registry_pages;
mod report_pages;
mod reports;
mod retention;
mod scope;
mod search;
mod second_factor;
mod settings;
mod sign_in;
// Statistics and member departments (issue 20).
mod statistics;
mod tasks;
mod visits;
// Oversight (issue 20).
mod oversight;
// Several servers on one database (issue 23).
mod servers;
