//! The daily recompute of what time changes (issue 17; decisions 120-124).
//!
//! Every open file is walked in batches by id. For each batch:
//! - outside any write lock, the batch's columns are read, and the files whose stored
//!   category and warnings their child's age may have ended
//!   ([`shouhu_domain::recompute::may_have_changed`]; all of them in a full walk) are opened
//!   and derived again ([`rules::derive`]) at today's date;
//! - in one write transaction: the lease is renewed (or the run stops, another server having
//!   taken it over), the files whose values differ are written with their history (source
//!   `system`, by 系统) and an audit entry, each only if nobody changed the file since it was
//!   read (its version), and the visit due date of each file written is recomputed
//!   (`Store::refresh_visit_due`: the cadence follows the warnings); then the run's cursor
//!   moves past the batch.
//!
//! Batches are sized so that one transaction holds SQLite's write lock about
//! `recompute.batch_ms`. A run interrupted anywhere goes on from its cursor when started again
//! the same day; a day's run that has finished is not repeated unless asked (`again`). One
//! lease row in the database lets one server run at a time, whichever database and however
//! many servers share it; a lease left by a stopped server expires after
//! `recompute.lease_seconds`.

use crate::audit::{self, Action};
use crate::db::{Conn, Row, Sql};
use crate::error::StoreError;
use crate::{Actor, Store};
use chrono::{DateTime, NaiveDate, Utc};
use serde::Serialize;
use shouhu_domain::age::{self, AgeRule};
use shouhu_domain::child::Warning;
use shouhu_domain::codes::Category;
use shouhu_domain::recompute as time_rules;
use shouhu_domain::role::{Role, Scope};
use shouhu_domain::{msg, rules};
use std::collections::BTreeMap;
use std::time::{Duration, Instant};

/// One open file as the run sees it: what the batch read, before this run changed anything.
#[derive(Debug, Clone)]
pub struct FileRef {
    pub id: i64,
    pub district_code: String,
    pub village_code: String,
    pub version: i64,
    pub birth_date: Option<NaiveDate>,
}

/// How a run is asked for.
#[derive(Debug, Clone, Default)]
pub struct Options {
    /// Which server runs it (its host name and process), recorded with the run.
    pub server: String,
    /// Walk again though today's run has finished (changes nothing that is already right).
    pub again: bool,
    /// Open and derive every file, not only those whose age may have changed something
    /// (done by itself after `age.rule` changed, and the first time).
    pub full: bool,
    /// Stop after this many batches, leaving the cursor for the next run (tests; the CLI).
    pub max_batches: Option<u32>,
    /// Files per batch, fixed; by default batches are sized by time (`recompute.batch_ms`).
    pub batch_files: Option<usize>,
}

/// One run as recorded.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct RunRecord {
    pub id: i64,
    /// The day (China) whose ages it computed.
    pub day: NaiveDate,
    pub server: String,
    pub started_at: DateTime<Utc>,
    pub finished_at: Option<DateTime<Utc>>,
    /// Every file was opened (the first run, or after `age.rule` changed).
    pub full_walk: bool,
    pub files_seen: i64,
    pub changed: i64,
    pub batches: i64,
    /// The longest a batch held the write lock, in milliseconds.
    pub longest_batch_ms: i64,
}

/// What a run changed, by kind: its output.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Changes {
    /// Files whose category or warnings changed.
    pub files: u64,
    /// Files no longer counted left-behind (the child reached 16).
    pub no_longer_left_behind: u64,
    /// Per warning: (files where it ended, files where it began).
    pub warnings: BTreeMap<&'static str, (u64, u64)>,
    /// Children who reached 16 since the last finished run (their files now await the
    /// township's decision, `turned16`).
    pub turned_16: u64,
}

/// How a run ended.
#[derive(Debug, Clone)]
pub enum Outcome {
    /// The walk reached the last open file.
    Finished { run: RunRecord, changes: Changes, resumed: bool },
    /// Stopped after `max_batches`; the next run goes on from the cursor.
    Stopped { run: RunRecord, changes: Changes },
    /// Today's run had already finished (and `again` was not asked).
    AlreadyDone(RunRecord),
    /// Another server holds the lease (runs it, or stopped less than the lease's time ago).
    Busy { holder: String },
}

/// The name stamped on history and audit rows the recompute writes.
pub fn system_actor() -> Actor {
    Actor {
        user_id: None,
        user_name: msg::SYSTEM_ACTOR.into(),
        role: Role::CityOfficer,
        scope: Scope::Region("12".into()),
    }
}

/// This process's name for the runs table: host name and process id.
pub fn this_server() -> String {
    let host = std::fs::read_to_string("/proc/sys/kernel/hostname")
        .ok()
        .or_else(|| std::env::var("HOSTNAME").ok())
        .map(|h| h.trim().to_string())
        .filter(|h| !h.is_empty())
        .unwrap_or_else(|| "shouhu".into());
    format!("{host}:{}", std::process::id())
}

fn rule_code(rule: AgeRule) -> &'static str {
    match rule {
        AgeRule::DayAfterBirthday => "day_after_birthday",
        AgeRule::OnBirthday => "on_birthday",
    }
}

const RUN_COLUMNS: &str =
    "id, day, server, started_at, finished_at, full_walk, files_seen, changed, batches, longest_batch_ms, cursor_id";

fn run_from_row(r: &dyn Row) -> Result<(RunRecord, i64), StoreError> {
    Ok((
        RunRecord {
            id: r.i64(0)?,
            day: r.opt_date(1)?.unwrap_or_default(),
            server: r.text(2)?,
            started_at: r.ts(3)?,
            finished_at: r.opt_ts(4)?,
            full_walk: r.bool(5)?,
            files_seen: r.i64(6)?,
            changed: r.i64(7)?,
            batches: r.i64(8)?,
            longest_batch_ms: r.i64(9)?,
        },
        r.i64(10)?,
    ))
}

/// Batches sized by time stay within these.
const MIN_BATCH: usize = 100;
const MAX_BATCH: usize = 20_000;
const FIRST_BATCH: usize = 2_000;

/// A file of the batch whose category or warnings change.
struct Change {
    old_category: Category,
    new_category: Category,
    old_warnings: Vec<Warning>,
    new_warnings: Vec<Warning>,
}

/// Where a run starts.
enum Start {
    Busy(String),
    Done(RunRecord),
    Go { run: RunRecord, cursor: i64, resumed: bool, since: Option<NaiveDate> },
}

fn labels(ws: &[Warning]) -> Option<String> {
    (!ws.is_empty()).then(|| ws.iter().map(|w| w.label()).collect::<Vec<_>>().join("、"))
}

impl Store {
    /// The latest run, finished or not.
    pub fn last_recompute(&self) -> Result<Option<RunRecord>, StoreError> {
        self.pool.read(|c| {
            Ok(c.query_opt(&format!("SELECT {RUN_COLUMNS} FROM recompute_runs ORDER BY id DESC LIMIT 1"), &[], |r| {
                run_from_row(r)
            })?
            .map(|(run, _)| run))
        })
    }

    /// The day of the latest finished run.
    fn last_finished_day(c: &mut Conn<'_, '_>) -> Result<Option<(NaiveDate, String)>, StoreError> {
        c.query_opt(
            "SELECT day, age_rule FROM recompute_runs WHERE finished_at IS NOT NULL ORDER BY id DESC LIMIT 1",
            &[],
            |r| Ok((r.opt_date(0)?.unwrap_or_default(), r.text(1)?)),
        )
    }

    /// Runs today's recompute if it is due at the clock's time (`recompute.hour` reached in
    /// China, today's run not finished): what the server's scheduler calls every minute.
    /// `None` when not due.
    pub fn recompute_if_due(&self, server: &str) -> Result<Option<Outcome>, StoreError> {
        let last = self.pool.read(Self::last_finished_day)?.map(|(d, _)| d);
        if time_rules::due_day(self.now(), self.settings.recompute.hour, last).is_none() {
            return Ok(None);
        }
        self.recompute(&Options { server: server.into(), ..Options::default() }).map(Some)
    }

    /// Takes the lease for `token` if it is free, expired or already ours.
    fn take_lease(&self, c: &mut Conn<'_, '_>, token: &str, now: DateTime<Utc>) -> Result<bool, StoreError> {
        let until = now + self.settings.recompute.lease;
        let n = c.exec(
            "UPDATE recompute_lease SET holder = $1, expires_at = $2 \
             WHERE name = 'daily' AND (holder IS NULL OR holder = $1 OR expires_at < $3)",
            &[token.into(), until.into(), now.into()],
        )?;
        Ok(n == 1)
    }

    fn release_lease(c: &mut Conn<'_, '_>, token: &str) -> Result<(), StoreError> {
        c.exec(
            "UPDATE recompute_lease SET holder = NULL, expires_at = NULL WHERE name = 'daily' AND holder = $1",
            &[token.into()],
        )?;
        Ok(())
    }

    fn lease_holder(c: &mut Conn<'_, '_>) -> Result<String, StoreError> {
        Ok(c.query_opt("SELECT holder FROM recompute_lease WHERE name = 'daily'", &[], |r| r.opt_text(0))?
            .flatten()
            .map(|h| h.split('#').next().unwrap_or_default().to_string())
            .unwrap_or_default())
    }

    /// Takes the lease and finds or makes the run to go on with.
    fn start_run(&self, opts: &Options, token: &str, today: NaiveDate) -> Result<Start, StoreError> {
        let now = self.now();
        let rule = rule_code(self.settings.age_rule);
        self.pool.write(|c| {
            if !self.take_lease(c, token, now)? {
                return Ok(Start::Busy(Self::lease_holder(c)?));
            }
            let last = c.query_opt(&format!("SELECT {RUN_COLUMNS} FROM recompute_runs ORDER BY id DESC LIMIT 1"), &[], |r| {
                run_from_row(r)
            })?;
            let finished = Self::last_finished_day(c)?;
            let since = finished.as_ref().map(|(d, _)| *d);
            match last {
                Some((run, _)) if run.day == today && run.finished_at.is_some() && !opts.again => {
                    Self::release_lease(c, token)?;
                    Ok(Start::Done(run))
                }
                Some((mut run, cursor)) if run.day == today && run.finished_at.is_none() => {
                    c.exec("UPDATE recompute_runs SET server = $1 WHERE id = $2", &[opts.server.as_str().into(), run.id.into()])?;
                    run.server = opts.server.clone();
                    Ok(Start::Go { run, cursor, resumed: true, since })
                }
                _ => {
                    // Every file is opened the first time, and when the age rule changed since
                    // the last run: then time is not the only thing that moved (decision 121).
                    let full = opts.full || finished.as_ref().is_none_or(|(_, r)| r != rule);
                    c.exec(
                        "INSERT INTO recompute_runs (day, age_rule, full_walk, server, started_at, cursor_id, files_seen, \
                         changed, batches, longest_batch_ms) VALUES ($1, $2, $3, $4, $5, 0, 0, 0, 0, 0)",
                        &[today.into(), rule.into(), full.into(), opts.server.as_str().into(), now.into()],
                    )?;
                    let (run, cursor) = c
                        .query_opt(
                            &format!("SELECT {RUN_COLUMNS} FROM recompute_runs ORDER BY id DESC LIMIT 1"),
                            &[],
                            run_from_row,
                        )?
                        .ok_or(StoreError::NotFound)?;
                    Ok(Start::Go { run, cursor, resumed: false, since })
                }
            }
        })
    }

    /// Runs (or goes on with) today's recompute: see the module.
    pub fn recompute(&self, opts: &Options) -> Result<Outcome, StoreError> {
        use rand::Rng;
        let token = format!("{}#{:016x}", opts.server, rand::rng().random::<u64>());
        let today = self.today();
        let (mut run, mut cursor, resumed, since) = match self.start_run(opts, &token, today)? {
            Start::Busy(holder) => return Ok(Outcome::Busy { holder }),
            Start::Done(run) => return Ok(Outcome::AlreadyDone(run)),
            Start::Go { run, cursor, resumed, since } => (run, cursor, resumed, since),
        };
        let mut changes = Changes::default();
        let mut size = opts.batch_files.unwrap_or(FIRST_BATCH).max(1);
        let target = self.settings.recompute.batch_hold.to_std().unwrap_or(Duration::from_millis(250));
        let mut batches_here = 0u32;
        loop {
            if opts.max_batches.is_some_and(|m| batches_here >= m) {
                self.pool.write(|c| Self::release_lease(c, &token))?;
                return Ok(Outcome::Stopped { run, changes });
            }
            let (files, read, last_read) = self.batch_after(cursor, size)?;
            let work = self.derive_batch(&files, today, run.full_walk, since)?;
            let now = self.now();
            let started = Instant::now();
            // The transaction ends after the file that reaches the target time (decision 120):
            // a batch with more to write than the last one never holds the lock much longer.
            let deadline = started + target;
            let res = self.pool.write(|c| {
                let renewed = c.exec(
                    "UPDATE recompute_lease SET expires_at = $1 WHERE name = 'daily' AND holder = $2",
                    &[(now + self.settings.recompute.lease).into(), token.as_str().into()],
                )?;
                if renewed == 0 {
                    return Ok(None);
                }
                let mut batch_changes = Changes::default();
                let mut changed = 0i64;
                let mut done = 0usize;
                for (i, f) in files.iter().enumerate() {
                    if let Some(ch) = &work.changes[i]
                        && self.write_change(c, now, f, ch)?
                    {
                        changed += 1;
                        count_change(&mut batch_changes, ch);
                        // The visit cadence follows the warnings and the category (decision
                        // 105): only a file whose warnings changed needs its due date again.
                        self.refresh_visit_due(c, f.0.id, today)?;
                    }
                    if work.turned_16[i] {
                        batch_changes.turned_16 += 1;
                    }
                    done = i + 1;
                    if Instant::now() >= deadline {
                        break;
                    }
                }
                // The last file has been read: the run is over.
                let all = done == files.len() && read < size;
                let last_id = if done == files.len() { last_read } else { files[done - 1].0.id };
                let hold_so_far = started.elapsed().as_millis() as i64;
                c.exec(
                    "UPDATE recompute_runs SET cursor_id = $1, files_seen = files_seen + $2, changed = changed + $3, \
                     batches = batches + 1, longest_batch_ms = CASE WHEN longest_batch_ms < $4 THEN $4 ELSE \
                     longest_batch_ms END, finished_at = $5 WHERE id = $6",
                    &[
                        last_id.into(),
                        (done as i64).into(),
                        changed.into(),
                        hold_so_far.into(),
                        all.then_some(now).into(),
                        run.id.into(),
                    ],
                )?;
                if all {
                    Self::release_lease(c, &token)?;
                }
                Ok(Some((batch_changes, changed, done, last_id, all)))
            })?;
            let held = started.elapsed();
            let Some((batch_changes, changed, done, last_id, read_all)) = res else {
                // Another server took the lease over (ours expired): it goes on from the cursor.
                let holder = self.pool.read(Self::lease_holder)?;
                return Ok(Outcome::Busy { holder });
            };
            merge(&mut changes, batch_changes);
            batches_here += 1;
            cursor = last_id;
            run.files_seen += done as i64;
            run.changed += changed;
            run.batches += 1;
            run.longest_batch_ms = run.longest_batch_ms.max(held.as_millis() as i64);
            if read_all {
                run.finished_at = Some(self.now());
                // The record as stored (its finish time is the last batch's).
                if let Some(stored) = self.last_recompute()?.filter(|r| r.id == run.id) {
                    run = stored;
                }
                return Ok(Outcome::Finished { run, changes, resumed });
            }
            if opts.batch_files.is_none() {
                // A batch cut short by the deadline: read no more than was written next time.
                size = if done < files.len() { done.max(MIN_BATCH) } else { next_size(size, held, target) };
            }
        }
    }

    /// The next `limit` files after id `after`, in id order: the open ones, how many were read
    /// and the last id read. Closed files are read and passed over rather than left out by
    /// the query: `closed = FALSE` in it makes SQLite take the ledger's index (closed first)
    /// and sort every open file by id for each batch.
    #[allow(clippy::type_complexity)]
    fn batch_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<(Vec<(FileRef, Category, Vec<Warning>)>, usize, i64), StoreError> {
        let rows = self.pool.read(|c| {
            c.query(
                "SELECT id, district_code, village_code, version, birth_date, category, warnings, closed FROM children \
                 WHERE id > $1 ORDER BY id LIMIT $2",
                &[after.into(), (limit as i64).into()],
                |r| {
                    Ok((
                        FileRef {
                            id: r.i64(0)?,
                            district_code: r.text(1)?,
                            village_code: r.text(2)?,
                            version: r.i64(3)?,
                            birth_date: r.opt_date(4)?,
                        },
                        Category::parse(&r.text(5)?).unwrap_or(Category::NotLeftBehind),
                        Warning::from_bits(r.i64(6)?),
                        r.bool(7)?,
                    ))
                },
            )
        })?;
        let (read, last) = (rows.len(), rows.last().map_or(after, |r| r.0.id));
        let open = rows.into_iter().filter(|r| !r.3).map(|(f, c, w, _)| (f, c, w)).collect();
        Ok((open, read, last))
    }

    /// Opens the files of the batch whose values may have changed and derives them again.
    fn derive_batch(
        &self,
        batch: &[(FileRef, Category, Vec<Warning>)],
        today: NaiveDate,
        full: bool,
        since: Option<NaiveDate>,
    ) -> Result<BatchWork, StoreError> {
        let rule = self.settings.age_rule;
        let mut work = BatchWork { changes: Vec::new(), turned_16: vec![false; batch.len()] };
        work.changes.resize_with(batch.len(), || None);
        let mut look = Vec::new();
        for (i, (f, category, warnings)) in batch.iter().enumerate() {
            let age = f.birth_date.and_then(|b| age::full_years(b, today, rule));
            // Reached 16 after the last finished run's day (the first run: today).
            let from = since.unwrap_or_else(|| today.pred_opt().unwrap_or(today));
            work.turned_16[i] =
                f.birth_date.map(|b| time_rules::turns_16_on(b, rule)).is_some_and(|on| from < on && on <= today);
            if full || time_rules::may_have_changed(age, *category, warnings) {
                look.push(i);
            }
        }
        if look.is_empty() {
            return Ok(work);
        }
        // Every file of the batch (a full walk): one range read, not an IN list of thousands.
        let sql = if look.len() == batch.len() {
            let mut sql = Sql::new("SELECT id, data FROM children WHERE id >= ");
            sql.bind(batch[0].0.id).push(" AND id <= ").bind(batch[batch.len() - 1].0.id);
            sql
        } else {
            let mut sql = Sql::new("SELECT id, data FROM children WHERE id IN (");
            for (j, i) in look.iter().enumerate() {
                sql.push(if j == 0 { "" } else { ", " }).bind(batch[*i].0.id);
            }
            sql.push(")");
            sql
        };
        let mut data: std::collections::HashMap<i64, Vec<u8>> = self
            .pool
            .read(|c| c.query(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text_or_bytes(1)?))))?
            .into_iter()
            .collect();
        // Opening (decrypting, decoding) and deriving is the walk's CPU: spread over the cores.
        let jobs: Vec<(usize, Vec<u8>)> =
            look.into_iter().filter_map(|i| data.remove(&batch[i].0.id).map(|raw| (i, raw))).collect();
        let derive_one = |(i, raw): (usize, Vec<u8>)| -> Result<(usize, Option<Change>), StoreError> {
            let (_, category, warnings) = &batch[i];
            let file = self.read_file_data(raw)?;
            let derived = rules::derive(&file, today, rule);
            let new_bits = Warning::to_bits(&derived.warnings);
            let changed = derived.category != *category || new_bits != Warning::to_bits(warnings);
            Ok((
                i,
                changed.then(|| Change {
                    old_category: *category,
                    new_category: derived.category,
                    old_warnings: warnings.clone(),
                    new_warnings: Warning::from_bits(new_bits),
                }),
            ))
        };
        let threads = std::thread::available_parallelism().map_or(1, |n| n.get()).min(8);
        let results: Vec<Result<(usize, Option<Change>), StoreError>> = if threads < 2 || jobs.len() < 512 {
            jobs.into_iter().map(derive_one).collect()
        } else {
            let per = jobs.len().div_ceil(threads);
            let mut jobs = jobs;
            let mut parts = Vec::with_capacity(threads);
            while !jobs.is_empty() {
                let rest = jobs.split_off(per.min(jobs.len()));
                parts.push(std::mem::replace(&mut jobs, rest));
            }
            std::thread::scope(|sc| {
                let handles: Vec<_> = parts
                    .into_iter()
                    .map(|part| sc.spawn(move || part.into_iter().map(derive_one).collect::<Vec<_>>()))
                    .collect();
                handles.into_iter().flat_map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e))).collect()
            })
        };
        for r in results {
            let (i, change) = r?;
            work.changes[i] = change;
        }
        Ok(work)
    }

    /// Writes one file's new category and warnings, its history and its audit entry; false
    /// when the file changed since the batch read it (its writer derived them afresh).
    fn write_change(
        &self,
        c: &mut Conn<'_, '_>,
        now: DateTime<Utc>,
        f: &(FileRef, Category, Vec<Warning>),
        ch: &Change,
    ) -> Result<bool, StoreError> {
        let (f, _, _) = f;
        let n = c.exec(
            "UPDATE children SET version = version + 1, category = $1, warnings = $2, updated_at = $3 \
             WHERE id = $4 AND version = $5 AND closed = FALSE",
            &[
                ch.new_category.code().into(),
                Warning::to_bits(&ch.new_warnings).into(),
                now.into(),
                f.id.into(),
                f.version.into(),
            ],
        )?;
        if n == 0 {
            return Ok(false);
        }
        let mut rows = Vec::new();
        if ch.old_category != ch.new_category {
            rows.push((
                "category".to_string(),
                Some(ch.old_category.label().to_string()),
                Some(ch.new_category.label().to_string()),
            ));
        }
        if ch.old_warnings != ch.new_warnings {
            rows.push((
                "warnings".to_string(),
                Some(labels(&ch.old_warnings).unwrap_or_else(|| msg::NO_WARNINGS.into())),
                Some(labels(&ch.new_warnings).unwrap_or_else(|| msg::NO_WARNINGS.into())),
            ));
        }
        let actor = system_actor();
        self.write_history(c, now, &actor, "system", f.id, &f.district_code, f.version + 1, &rows)?;
        let fields: Vec<&str> = rows.iter().map(|(k, _, _)| msg::field_label(k)).collect();
        audit::record(
            c,
            &self.audit_key,
            now,
            &actor,
            Action::RecomputeChild,
            Some((f.id, &f.district_code)),
            &fields.join("、"),
        )?;
        Ok(true)
    }
}

/// What a batch's files need, by their place in the batch.
struct BatchWork {
    changes: Vec<Option<Change>>,
    /// The child reached 16 since the last finished run.
    turned_16: Vec<bool>,
}

fn count_change(out: &mut Changes, ch: &Change) {
    out.files += 1;
    if ch.old_category != Category::NotLeftBehind && ch.new_category == Category::NotLeftBehind {
        out.no_longer_left_behind += 1;
    }
    for w in Warning::ALL {
        let (was, is) = (ch.old_warnings.contains(w), ch.new_warnings.contains(w));
        if was != is {
            let e = out.warnings.entry(w.code()).or_default();
            if was {
                e.0 += 1;
            } else {
                e.1 += 1;
            }
        }
    }
}

fn merge(total: &mut Changes, b: Changes) {
    total.files += b.files;
    total.no_longer_left_behind += b.no_longer_left_behind;
    total.turned_16 += b.turned_16;
    for (k, (e, s)) in b.warnings {
        let t = total.warnings.entry(k).or_default();
        t.0 += e;
        t.1 += s;
    }
}

/// The next batch's size: the last one's, scaled so that it holds the lock about `target`,
/// at most doubled or halved at a time.
fn next_size(size: usize, held: Duration, target: Duration) -> usize {
    let held = held.as_secs_f64().max(1e-4);
    let scaled = (size as f64 * target.as_secs_f64() / held) as usize;
    scaled.clamp(size / 2, size * 2).clamp(MIN_BATCH, MAX_BATCH)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn batches_grow_and_shrink_towards_the_target() {
        let t = Duration::from_millis(250);
        assert_eq!(next_size(2000, Duration::from_millis(1), t), 4000, "at most doubled");
        assert_eq!(next_size(2000, Duration::from_millis(1000), t), 1000, "at most halved");
        assert_eq!(next_size(2000, Duration::from_millis(500), t), 1000);
        assert_eq!(next_size(2000, Duration::from_millis(200), t), 2500);
        assert_eq!(next_size(15_000, Duration::from_millis(1), t), MAX_BATCH);
        assert_eq!(next_size(100, Duration::from_secs(5), t), MIN_BATCH);
    }
}
