//! Closed files at the end of their retention (decision 94): the file, its history and its
//! search terms lose what identifies the child and the family; the reports and cases about
//! the child keep their rows, kinds, dates, regions and outcomes for the statistics, and
//! lose the reporter's contact, names and free text.
//!
//! The work goes in batches of files, each batch in its own transactions: first the
//! reports' (on SQLite another database), then the registry's, which marks the files done
//! (`children.anonymised_at`). A run that stops between two batches, or between the two
//! transactions of one, is resumed by running it again: the reports' part does the same
//! again, and files not marked are taken up again.

use crate::audit::{self, Action};
use crate::db::{Conn, Sql, Val};
use crate::error::StoreError;
use crate::{Actor, Store};
use chrono::NaiveDate;
use shouhu_domain::retention::{self as rules, ANONYMISED};
use std::collections::BTreeMap;

/// Files per batch: each batch's transactions stay short, so the server's writers wait little.
pub const BATCH: usize = 200;

/// What anonymising changes (or, in a dry run, would change) in one district.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DistrictCount {
    pub files: u64,
    pub reports: u64,
    pub cases: u64,
}

/// The counts by district code, in code order.
pub type Counts = BTreeMap<String, DistrictCount>;

/// Keys of a report event's detail that are codes, ids and dates; any other (notes) is free
/// text and goes.
const EVENT_CODES: &[&str] = &[
    "receipt",
    "urgency",
    "situations",
    "district_code",
    "village_code",
    "child_id",
    "late_report",
    "action",
    "carer",
    "step",
    "case_kind",
    "assessment_due",
    "assessment_id",
    "township_code",
];

/// Where the search for files due goes on: after this (birth date, id).
type Cursor = (NaiveDate, i64);

/// Rows of the reports' database about the files: (id, district code).
type Rows = Vec<(i64, String)>;

/// A file due: its id, district and birth date (the cursor's key).
struct Due {
    id: i64,
    district: String,
    birth: NaiveDate,
}

fn in_list(sql: &mut Sql, ids: &[i64]) {
    sql.push("(");
    for (i, id) in ids.iter().enumerate() {
        sql.push(if i == 0 { "" } else { ", " }).bind(*id);
    }
    sql.push(if ids.is_empty() { "NULL)" } else { ")" });
}

impl Store {
    /// The next files due after `after` (birth date, id), at most `limit` candidates read.
    /// Returns the files due and the cursor after the last candidate read (None at the end).
    fn due_after(&self, after: Option<Cursor>, limit: usize) -> Result<(Vec<Due>, Option<Cursor>), StoreError> {
        let today = self.today();
        let years = self.settings.retention.years_after_adulthood;
        let rule = self.settings.age_rule;
        let mut sql = Sql::new(
            "SELECT c.id, c.district_code, c.birth_date FROM children c \
             WHERE c.closed AND c.anonymised_at IS NULL AND c.birth_date <= ",
        );
        sql.bind(rules::latest_birth_due(today, years));
        if let Some((b, id)) = after {
            sql.push(" AND (c.birth_date > ").bind(b);
            sql.push(" OR (c.birth_date = ").bind(b).push(" AND c.id > ").bind(id).push("))");
        }
        sql.push(" ORDER BY c.birth_date, c.id LIMIT ").bind(limit as i64);
        let rows = self.pool.read(|c| {
            c.query(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text(1)?, r.opt_date(2)?.unwrap_or(NaiveDate::MAX))))
        })?;
        let cursor = (rows.len() == limit).then(|| rows.last().map(|(id, _, b)| (*b, *id))).flatten();
        let due = rows
            .into_iter()
            .filter(|(_, _, b)| rules::anonymise_due(*b, today, years, rule))
            .map(|(id, district, birth)| Due { id, district, birth })
            .collect();
        Ok((due, cursor))
    }

    /// Goes through every closed file due, `batch` files at a time ([`BATCH`]); with `apply`
    /// anonymises each batch (see the module), else changes nothing. `on_batch` hears the
    /// counts of each batch done and says whether to go on. Returns the counts by district:
    /// what changed, or would change.
    pub fn retention(
        &self,
        actor: &Actor,
        apply: bool,
        batch: usize,
        mut on_batch: impl FnMut(&Counts) -> bool,
    ) -> Result<Counts, StoreError> {
        let mut total = Counts::new();
        let mut after = None;
        loop {
            let (due, cursor) = self.due_after(after, batch.max(1))?;
            if !due.is_empty() {
                let counts = if apply { self.anonymise_batch(actor, &due)? } else { self.count_batch(&due)? };
                for (d, n) in &counts {
                    let t = total.entry(d.clone()).or_default();
                    t.files += n.files;
                    t.reports += n.reports;
                    t.cases += n.cases;
                }
                if !on_batch(&counts) {
                    return Ok(total);
                }
            }
            match cursor {
                Some(c) => after = Some(c),
                None => return Ok(total),
            }
        }
    }

    /// The report ids and case ids about the files `ids`, with their districts.
    fn reports_and_cases(c: &mut Conn<'_, '_>, ids: &[i64]) -> Result<(Rows, Rows), StoreError> {
        let mut sql = Sql::new("SELECT id, district_code FROM reports WHERE child_id IN ");
        in_list(&mut sql, ids);
        let reports = c.query(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text(1)?)))?;
        let report_ids: Vec<i64> = reports.iter().map(|r| r.0).collect();
        let mut sql = Sql::new("SELECT id, district_code FROM assessments WHERE child_id IN ");
        in_list(&mut sql, ids);
        sql.push(" OR report_id IN ");
        in_list(&mut sql, &report_ids);
        let cases = c.query(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text(1)?)))?;
        Ok((reports, cases))
    }

    fn counts_of(due: &[Due], reports: &[(i64, String)], cases: &[(i64, String)]) -> Counts {
        let mut counts = Counts::new();
        for f in due {
            counts.entry(f.district.clone()).or_default().files += 1;
        }
        for (_, d) in reports {
            counts.entry(d.clone()).or_default().reports += 1;
        }
        for (_, d) in cases {
            counts.entry(d.clone()).or_default().cases += 1;
        }
        counts
    }

    fn count_batch(&self, due: &[Due]) -> Result<Counts, StoreError> {
        let ids: Vec<i64> = due.iter().map(|f| f.id).collect();
        let (reports, cases) = self.reports.read(|c| Self::reports_and_cases(c, &ids))?;
        Ok(Self::counts_of(due, &reports, &cases))
    }

    fn anonymise_batch(&self, actor: &Actor, due: &[Due]) -> Result<Counts, StoreError> {
        let ids: Vec<i64> = due.iter().map(|f| f.id).collect();
        let (reports, cases) = self.reports.write(|c| {
            let (reports, cases) = Self::reports_and_cases(c, &ids)?;
            anonymise_reports(c, &reports.iter().map(|r| r.0).collect::<Vec<_>>())?;
            anonymise_cases(c, &cases.iter().map(|r| r.0).collect::<Vec<_>>())?;
            Ok((reports, cases))
        })?;
        let now = self.now();
        let years = self.settings.retention.years_after_adulthood;
        let done = self.pool.write(|c| {
            let mut done = Vec::new();
            for f in due {
                if self.anonymise_file(c, actor, f.id, now, years)? {
                    done.push(f.id);
                }
            }
            Ok(done)
        })?;
        // A file reopened meanwhile is not counted (its reports lost their free text all the same).
        let files: Vec<Due> = due
            .iter()
            .filter(|f| done.contains(&f.id))
            .map(|f| Due { id: f.id, district: f.district.clone(), birth: f.birth })
            .collect();
        Ok(Self::counts_of(&files, &reports, &cases))
    }

    /// Anonymises one file inside the registry's transaction; false when it is no longer a
    /// closed file waiting for it.
    fn anonymise_file(
        &self,
        c: &mut Conn<'_, '_>,
        actor: &Actor,
        id: i64,
        now: chrono::DateTime<chrono::Utc>,
        years: u32,
    ) -> Result<bool, StoreError> {
        let Some((district, version, data)) = c.query_opt(
            "SELECT district_code, version, data FROM children WHERE id = $1 AND closed AND anonymised_at IS NULL",
            &[id.into()],
            |r| Ok((r.text(0)?, r.i64(1)?, r.text_or_bytes(2)?)),
        )?
        else {
            return Ok(false);
        };
        let before = self.read_file_data(data)?;
        let file = rules::anonymise(&before);
        let bytes_column = c.is_sqlite();
        c.exec(
            "UPDATE children SET name = $1, id_number = NULL, id_blind = NULL, close_note = NULL, data = $2, \
             anonymised_at = $3, version = version + 1, updated_at = $3 WHERE id = $4",
            &[
                ANONYMISED.into(),
                crate::children::seal_file_data(&self.cipher.ring(), &file, bytes_column),
                now.into(),
                id.into(),
            ],
        )?;
        // Dropout cases and school rolls name the child too (issue 18, decision 130): their
        // names, notes, written reports and steps' free text go; kinds, dates and codes stay.
        c.exec(
            "UPDATE dropout_cases SET child_name = $1, note = NULL, report_text = NULL WHERE child_id = $2",
            &[ANONYMISED.into(), id.into()],
        )?;
        c.exec(
            "UPDATE dropout_steps SET detail = '{}' WHERE case_id IN (SELECT id FROM dropout_cases WHERE child_id = $1)",
            &[id.into()],
        )?;
        c.exec("UPDATE school_roster_rows SET name = $1 WHERE child_id = $2", &[ANONYMISED.into(), id.into()])?;
        let history = c.query(
            "SELECT version, seq, field, old_value, new_value FROM child_history WHERE child_id = $1",
            &[id.into()],
            |r| Ok((r.i64(0)?, r.i64(1)?, r.text(2)?, r.opt_text(3)?, r.opt_text(4)?)),
        )?;
        for (v, seq, field, old, new) in history {
            let (o, n) = (
                rules::anonymise_history_value(&field, old.as_deref()),
                rules::anonymise_history_value(&field, new.as_deref()),
            );
            if (&o, &n) != (&old, &new) {
                c.exec(
                    "UPDATE child_history SET old_value = $1, new_value = $2 \
                     WHERE child_id = $3 AND version = $4 AND seq = $5",
                    &[o.into(), n.into(), id.into(), v.into(), seq.into()],
                )?;
            }
        }
        c.exec(
            "INSERT INTO child_history (district_code, child_id, version, seq, changed_at, user_id, user_name, source, \
             field, old_value, new_value) VALUES ($1, $2, $3, 0, $4, $5, $6, 'system', 'status', '销档', $7)",
            &[
                district.as_str().into(),
                id.into(),
                (version + 1).into(),
                now.into(),
                actor.user_id.into(),
                actor.user_name.as_str().into(),
                "销档：已按保存期限匿名化".into(),
            ],
        )?;
        // Its search terms go: the rows of the file as it was (closed), found by their keys.
        let ring = self.cipher.ring();
        let mut terms = crate::search_terms::terms(&before.name, None);
        if let Some(n) = before.id_number.as_deref() {
            terms.extend(ring.suffix_terms(n));
        }
        let owner = crate::children::TermOwner {
            id,
            closed: true,
            name: &before.name,
            district: &district,
            village: &before.village_code,
            school: before.school_org_id,
        };
        crate::children::replace_terms(c, id, Some(&crate::children::Terms { owner, terms }), None)?;
        // Its visits keep their dates and code lists; what names or describes people goes.
        let empty = self.cipher.ring().seal_text(crate::visits::DETAIL_FIELD, "{}");
        c.exec(
            "UPDATE visits SET detail = $1, review_reason = NULL, report_receipt = NULL WHERE child_id = $2",
            &[empty.into(), id.into()],
        )?;
        audit::record(
            c,
            &self.audit_key,
            now,
            actor,
            Action::RetentionAnonymise,
            Some((id, &district)),
            &format!("closed, {years} years after 18"),
        )?;
        Ok(true)
    }
}

/// The reports keep kind, dates, region, step and outcome; the reporter's contact, the
/// names and free text go, and so do the attached photos and documents.
fn anonymise_reports(c: &mut Conn<'_, '_>, ids: &[i64]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("UPDATE reports SET child_name = NULL, child_description = NULL, description = ");
    sql.bind(ANONYMISED);
    sql.push(
        ", reporter_user_id = NULL, reporter_name = NULL, contact_name = NULL, contact_phone = NULL, \
         idem_key = NULL, idem_hash = NULL WHERE id IN ",
    );
    in_list(&mut sql, ids);
    c.exec(&sql.text, &sql.params)?;
    // The reporter's own event names the reporter.
    let mut sql = Sql::new("UPDATE report_events SET user_id = NULL, user_name = ");
    sql.bind(ANONYMISED).push(" WHERE kind = 'filed' AND report_id IN ");
    in_list(&mut sql, ids);
    c.exec(&sql.text, &sql.params)?;
    let mut sql = Sql::new("SELECT id, detail FROM report_events WHERE report_id IN ");
    in_list(&mut sql, ids);
    let events = c.query(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text(1)?)))?;
    for (id, detail) in events {
        let Ok(serde_json::Value::Object(mut m)) = serde_json::from_str::<serde_json::Value>(&detail) else {
            continue;
        };
        let before = m.len();
        m.retain(|k, _| EVENT_CODES.contains(&k.as_str()));
        if m.len() != before {
            c.exec(
                "UPDATE report_events SET detail = $1 WHERE id = $2",
                &[serde_json::Value::Object(m).to_string().into(), id.into()],
            )?;
        }
    }
    let mut sql = Sql::new("UPDATE report_attachments SET data = ");
    sql.bind(Val::Bytes(Vec::new())).push(", file_name = ").bind(ANONYMISED);
    sql.push(", sha256 = '' WHERE report_id IN ");
    in_list(&mut sql, ids);
    c.exec(&sql.text, &sql.params)?;
    Ok(())
}

/// Cases keep their assessment's answers and risk, the plan's kinds and states, the conduct
/// record's kinds and dates, the applications' grounds and outcomes; names and free text go.
fn anonymise_cases(c: &mut Conn<'_, '_>, ids: &[i64]) -> Result<(), StoreError> {
    if ids.is_empty() {
        return Ok(());
    }
    let mut sql = Sql::new("SELECT id, participants FROM assessments WHERE id IN ");
    in_list(&mut sql, ids);
    let rows = c.query(&sql.text, &sql.params, |r| Ok((r.i64(0)?, r.text(1)?)))?;
    for (id, participants) in rows {
        let mut people: Vec<serde_json::Value> = serde_json::from_str(&participants).unwrap_or_default();
        for p in &mut people {
            if let Some(name) = p.get_mut("name") {
                *name = ANONYMISED.into();
            }
        }
        c.exec(
            "UPDATE assessments SET child_name = NULL, participants = $1 WHERE id = $2",
            &[serde_json::Value::Array(people).to_string().into(), id.into()],
        )?;
    }
    let statements = [
        "UPDATE services SET outcome = NULL WHERE assessment_id IN ",
        "UPDATE referrals SET note = NULL, reason = NULL WHERE assessment_id IN ",
        "UPDATE conduct_records SET guardian = $1, evidence = $1 WHERE assessment_id IN ",
        "UPDATE revocation_applications SET applicant_name = $1, new_guardian = NULL, maintenance_owed = NULL \
         WHERE assessment_id IN ",
        "UPDATE placements SET placed_with = $1, note = NULL WHERE assessment_id IN ",
    ];
    for text in statements {
        let mut sql = Sql::new(text);
        if text.contains("$1") {
            sql.params.push(ANONYMISED.into());
        }
        in_list(&mut sql, ids);
        c.exec(&sql.text, &sql.params)?;
    }
    Ok(())
}

/// The stamp of the retention command in the history and the audit log.
pub fn retention_actor() -> Actor {
    Actor {
        user_id: None,
        user_name: "系统（保存期限）".into(),
        role: shouhu_domain::role::Role::CityOfficer,
        scope: shouhu_domain::role::Scope::Region("12".into()),
    }
}
