//! shouhu's domain: the registry's types and the law's rules.
//!
//! No I/O lives here: no SQL, no HTTP, no clock reads. Time comes in through [`clock::Clock`].
//! Each rule of the law is one function whose doc comment cites its source; the tags are
//! those of `docs/domain.md` ([S] the Tianjin draft, [13] 国发〔2016〕13号, [UPL] the Minors
//! Protection Law, [M16] the 2016 census notice, [CC] the Civil Code …).

pub mod age;
pub mod assessment;
pub mod child;
pub mod clock;
pub mod codes;
pub mod document;
pub mod dropout;
pub mod entrusted;
pub mod error;
pub mod fields;
pub mod guardianship;
pub mod id_number;
pub mod iso_date;
pub mod masking;
pub mod msg;
pub mod notify;
pub mod recompute;
pub mod region;
pub mod report;
pub mod retention;
pub mod role;
pub mod rules;
pub mod settings;
pub mod sign_in;
pub mod task;
pub mod validate;
pub mod visit;
// Oversight: the register of overdue work, accountability, the joint meeting (issue 20).
pub mod oversight;
// Statistics and member departments (issue 20).
pub mod statistics;
// Census rounds (issue 20).
pub mod census_round;
