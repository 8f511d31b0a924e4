//! The integration suite: one test binary (linking several costs minutes on two cores).
//! Runs on SQLite, and on PostgreSQL when `SHOUHU_TEST_PG_URL` is set.

mod harness;

mod audit;
mod auth;
mod casework;
mod casework_pages;
mod casework_people;
mod census;
mod children;
mod durability;
mod files;
mod logs;
mod openapi;
mod pages;
mod registry_pages;
mod report_pages;
mod reports;
mod scope;
mod search;
mod settings;
