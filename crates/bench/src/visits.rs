//! `visits` (issue 17): saving a visit (requirement p99 < 20 ms with 1,000,000 children), on an
//! existing database (e.g. of `shouhu demo children`, or `shouhu-bench dropout --dir`).
//!
//! A director of the village with the most open files records one visit for each of `--saves`
//! of its children, as the page's form does: checked, sealed, written with its history, the
//! child's due date refreshed and the audit entry committed, one transaction each.

use crate::report;
use crate::stats::{Samples, ms};
use anyhow::Context;
use shouhu_domain::clock::{Clock, SystemClock};
use shouhu_domain::role::{OrgType, Role};
use shouhu_domain::visit::*;
use std::sync::Arc;
use std::time::Instant;

pub struct Opts {
    /// sqlite://PATH or postgres://…
    pub database_url: String,
    /// The data key file (default: the one beside a SQLite database).
    pub data_key_file: Option<std::path::PathBuf>,
    /// The audit key file.
    pub audit_key_file: std::path::PathBuf,
    pub saves: usize,
    pub check: bool,
}

fn visit(on: chrono::NaiveDate, i: usize) -> VisitInput {
    VisitInput {
        visited_on: on,
        kind: if i % 3 == 2 { VisitKind::Phone } else { VisitKind::Home },
        child_seen: i % 3 != 2,
        lives_with: LivesWith::EntrustedCarer,
        lives_with_note: Some("祖母".into()),
        carer_state: CarerState::Capable,
        safety: VisitSafety::Safe,
        health: VisitHealth::Good,
        schooling: VisitSchooling::Attending,
        mood: VisitMood::Good,
        notes: Some("入户查看生活起居，与照护人交谈".into()),
        guidance: Some("提醒照护人注意冬季取暖安全".into()),
        parents_last_contact_on: Some(on - chrono::Duration::days(3)),
        parents_contact_channel: Some(ContactChannel::Video),
        next_due_on: None,
        report_receipt: None,
        no_report_reason: None,
    }
}

pub fn run(o: &Opts) -> anyhow::Result<bool> {
    let keys = match &o.data_key_file {
        Some(p) => shouhu_store::crypto::KeySource::File { path: p.clone(), create: false },
        None => shouhu_store::crypto::KeySource::beside(&shouhu_store::DbUrl::parse(&o.database_url)?)?,
    };
    let audit_key = shouhu::audit_cli::load_key(&o.audit_key_file, true)?;
    let clock: Arc<dyn Clock> = Arc::new(SystemClock);
    let store = shouhu::server::open_store_keyed(&o.database_url, clock, Default::default(), keys, audit_key)?;
    let files: i64 = store
        .pool
        .read(|c| c.query_opt("SELECT count(*) FROM children WHERE closed = FALSE", &[], |r| r.i64(0)))?
        .unwrap_or(0);
    let village: String = store
        .pool
        .read(|c| {
            c.query_opt(
                "SELECT village_code FROM children WHERE closed = FALSE GROUP BY village_code ORDER BY count(*) DESC LIMIT 1",
                &[],
                |r| r.text(0),
            )
        })?
        .context("no open file")?;
    let children: Vec<i64> = store.pool.read(|c| {
        c.query(
            "SELECT id FROM children WHERE village_code = $1 AND closed = FALSE ORDER BY id LIMIT $2",
            &[village.as_str().into(), (o.saves as i64).into()],
            |r| r.i64(0),
        )
    })?;
    let username = format!("bench-director-{village}");
    let director = match store.principal_by_username(&username) {
        Ok(p) => p,
        Err(_) => {
            let org = store.create_org(&format!("{village}村民委员会"), OrgType::VillageCommittee, &village)?;
            store.create_user(&username, "走访测试", "!", org, Role::ChildDirector)?;
            store.principal_by_username(&username)?
        }
    };
    let today = store.today();
    let mut samples = Samples::with_capacity(children.len());
    let mut refused = 0;
    for (i, &child) in children.iter().enumerate() {
        let t = Instant::now();
        match store.record_visit(&director, child, visit(today, i), None) {
            Ok(_) => samples.push(t.elapsed()),
            // A child born today, say: the check refuses, as it would the form.
            Err(shouhu_store::StoreError::Invalid(_)) => refused += 1,
            Err(e) => return Err(e.into()),
        }
    }
    let s = samples.summary();
    report::header("Visits (issue 17): saving a visit");
    println!(
        "backend: {}, open files: {files}, village {village} ({} of its children visited, {refused} refused by the checks)\n",
        if store.pool.is_sqlite() { "SQLite" } else { "PostgreSQL" },
        s.count
    );
    println!("| what | saves | p50 (ms) | p99 (ms) | max (ms) | requirement |");
    println!("|---|---:|---:|---:|---:|---|");
    println!(
        "| saving a visit (checked, sealed, history, due date, audit; one transaction) | {} | {:.2} | {:.2} | {:.2} | p99 < 20 ms |",
        s.count,
        ms(s.p50),
        ms(s.p99),
        ms(s.max)
    );
    let ok = s.count > 0 && ms(s.p99) < 20.0;
    if o.check && !ok {
        eprintln!("a requirement was missed");
    }
    Ok(ok || !o.check)
}
