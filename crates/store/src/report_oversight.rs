//! Oversight of reports (责任落实): late reporting and late response counted per unit,
//! public reporters commended, and reports of unregistered children linked to the file the
//! township completes.

use crate::db::Sql;
use crate::error::StoreError;
use crate::group_commit::writer_stopped;
use crate::reports::{ReportScope, ReportSummary, SUMMARY_COLUMNS, insert_event, push_report_scope, report_scope};
use crate::users::Principal;
use crate::{Store, children::push_scope_on};
use chrono::{DateTime, Utc};
use serde::Serialize;
use shouhu_domain::msg;
use shouhu_domain::report as rules;
use shouhu_domain::role::Scope;

/// Reports filed by one unit (or by the public) and how many were late.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReporterLine {
    /// None for the public.
    pub org_id: Option<i64>,
    pub org_name: String,
    pub org_type: Option<String>,
    pub reports: i64,
    /// Discovered → reported beyond the limit.
    pub late: i64,
}

/// Reports one station accepted and how many it accepted late.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct StationLine {
    pub org_id: i64,
    pub org_name: String,
    pub accepted: i64,
    pub late_response: i64,
}

/// The accountability figures of a region and period.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct ReportStats {
    pub total: i64,
    pub late_reports: i64,
    pub by_reporter: Vec<ReporterLine>,
    pub by_station: Vec<StationLine>,
    /// Not yet accepted, and of those, already past the response limit.
    pub unaccepted: i64,
    pub unaccepted_late: i64,
    pub public_reports: i64,
    pub public_commended: i64,
}

impl Store {
    /// Late reporting per reporting unit and late response per station, for the reports of
    /// the caller's region filed in `[from, to)` ([S] 四(二): units whose failings delay help
    /// are held to account; [S] 二(二): public reporters are commended).
    pub fn report_stats(
        &self,
        p: &Principal,
        from: Option<DateTime<Utc>>,
        to: Option<DateTime<Utc>>,
    ) -> Result<ReportStats, StoreError> {
        let scope = match report_scope(p) {
            ReportScope::Area(s) => ReportScope::Area(s),
            _ => return Err(StoreError::Forbidden),
        };
        let limit = self.settings.reports.late_response_limit;
        let now = self.now();
        let period = |sql: &mut Sql| {
            push_report_scope(sql, &scope);
            if let Some(f) = from {
                sql.push(" AND r.reported_at >= ").bind(f);
            }
            if let Some(t) = to {
                sql.push(" AND r.reported_at < ").bind(t);
            }
        };
        let (mut stats, stations) = self.reports.read(|c| {
            let mut sql = Sql::new(
                "SELECT r.reporter_org_id, r.reporter_org_name, r.reporter_org_type, count(*), \
                 SUM(CASE WHEN r.late_report THEN 1 ELSE 0 END) FROM reports r WHERE 1 = 1",
            );
            period(&mut sql);
            sql.push(" GROUP BY r.reporter_org_id, r.reporter_org_name, r.reporter_org_type ORDER BY 5 DESC, 4 DESC");
            let by_reporter = c.query(&sql.text, &sql.params, |r| {
                Ok(ReporterLine {
                    org_id: r.opt_i64(0)?,
                    org_name: r.opt_text(1)?.unwrap_or_else(|| rules::Channel::Public.label().to_string()),
                    org_type: r.opt_text(2)?,
                    reports: r.i64(3)?,
                    late: r.i64(4)?,
                })
            })?;
            let mut sql = Sql::new(
                "SELECT r.station_org_id, r.reported_at, r.accepted_at, r.channel, r.commended_at FROM reports r WHERE 1 = 1",
            );
            period(&mut sql);
            let rows = c.query(&sql.text, &sql.params, |r| {
                Ok((r.opt_i64(0)?, r.ts(1)?, r.opt_ts(2)?, r.text(3)?, r.opt_ts(4)?.is_some()))
            })?;
            let mut stats = ReportStats {
                total: 0,
                late_reports: by_reporter.iter().map(|l| l.late).sum(),
                by_reporter,
                by_station: Vec::new(),
                unaccepted: 0,
                unaccepted_late: 0,
                public_reports: 0,
                public_commended: 0,
            };
            let mut stations: Vec<(i64, i64, i64)> = Vec::new();
            for (station, reported, accepted, channel, commended) in rows {
                stats.total += 1;
                let late = rules::response_late(reported, accepted, now, limit);
                if channel == rules::Channel::Public.code() {
                    stats.public_reports += 1;
                    stats.public_commended += i64::from(commended);
                }
                match station {
                    Some(s) => match stations.iter_mut().find(|x| x.0 == s) {
                        Some(line) => {
                            line.1 += 1;
                            line.2 += i64::from(late);
                        }
                        None => stations.push((s, 1, i64::from(late))),
                    },
                    None => {
                        stats.unaccepted += 1;
                        stats.unaccepted_late += i64::from(late);
                    }
                }
            }
            Ok((stats, stations))
        })?;
        stats.by_station = stations
            .into_iter()
            .map(|(org_id, accepted, late_response)| StationLine {
                org_id,
                org_name: self.get_org(org_id).map(|o| o.name).unwrap_or_default(),
                accepted,
                late_response,
            })
            .collect();
        stats.by_station.sort_by_key(|l| std::cmp::Reverse((l.late_response, l.accepted)));
        Ok(stats)
    }

    /// Commends a member of the public for a report ([S] 二(二)); counted in the statistics.
    pub fn commend_report(&self, p: &Principal, id: i64, note: Option<String>) -> Result<(), StoreError> {
        if !rules::may_commend(p.role) {
            return Err(StoreError::Forbidden);
        }
        let (desk, at) = (p.clone(), self.now());
        let note =
            note.map(|n| n.trim().chars().take(rules::DESCRIPTION_MAX).collect::<String>()).filter(|n| !n.is_empty());
        let store = self.clone();
        let rx = self.report_writer.submit(move |c| {
            let scope = report_scope(&desk);
            let mut sql = Sql::new("SELECT r.channel, r.commended_at FROM reports r WHERE r.id = ");
            sql.bind(id);
            push_report_scope(&mut sql, &scope);
            let (channel, commended) =
                c.query_opt(&sql.text, &sql.params, |r| Ok((r.text(0)?, r.opt_ts(1)?)))?.ok_or(StoreError::NotFound)?;
            if channel != rules::Channel::Public.code() {
                return Err(StoreError::State(msg::REPORT_NOT_PUBLIC));
            }
            if commended.is_some() {
                return Err(StoreError::State(msg::REPORT_ALREADY_COMMENDED));
            }
            let who = desk.actor().user_name;
            c.exec(
                "UPDATE reports SET commended_at = $1, commended_by = $2, version = version + 1 WHERE id = $3",
                &[at.into(), who.into(), id.into()],
            )?;
            insert_event(c, id, "commended", at, &desk, &serde_json::json!({ "note": note }))?;
            store.load_summary(c, &ReportScope::Everything, id)
        });
        let summary = rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))?;
        self.publish("changed", summary);
        Ok(())
    }

    /// Reports of the caller's region whose child is not yet in the registry: the files
    /// the township is to complete ([S] 二(四)).
    pub fn unregistered_reports(&self, p: &Principal) -> Result<Vec<ReportSummary>, StoreError> {
        let scope = report_scope(p);
        self.reports.read(|c| {
            let mut sql = Sql::new(&format!("SELECT {SUMMARY_COLUMNS} FROM reports r WHERE r.child_id IS NULL"));
            push_report_scope(&mut sql, &scope);
            sql.push(" ORDER BY r.id DESC LIMIT 500");
            c.query(&sql.text, &sql.params, |r| self.summary_from_row(r))
        })
    }

    /// Links a report of an unregistered child (and its assessment) to the file the
    /// township created or found for the child.
    pub fn link_report_child(&self, p: &Principal, id: i64, child_id: i64) -> Result<(), StoreError> {
        if !rules::may_link_child(p.role) {
            return Err(StoreError::Forbidden);
        }
        let child = self.get_child(p, child_id).map_err(|e| match e {
            StoreError::NotFound => {
                let mut errs = shouhu_domain::error::FieldErrors::default();
                errs.add("child_id", msg::REPORT_CHILD_UNKNOWN);
                StoreError::Invalid(errs)
            }
            e => e,
        })?;
        let (desk, at) = (p.clone(), self.now());
        let store = self.clone();
        let rx = self.report_writer.submit(move |c| {
            let area = Scope::Region(desk.region_code.clone());
            let mut sql = Sql::new("SELECT r.child_id FROM reports r WHERE r.id = ");
            sql.bind(id);
            push_scope_on(&mut sql, &area, "r.");
            let linked = c.query_opt(&sql.text, &sql.params, |r| r.opt_i64(0))?.ok_or(StoreError::NotFound)?;
            if linked.is_some() {
                return Err(StoreError::State(msg::REPORT_CHILD_ALREADY_LINKED));
            }
            c.exec(
                "UPDATE reports SET child_id = $1, child_name = $2, version = version + 1 WHERE id = $3",
                &[child.id.into(), child.file.name.as_str().into(), id.into()],
            )?;
            c.exec(
                "UPDATE assessments SET child_id = $1, child_name = $2, version = version + 1 WHERE report_id = $3 \
                 AND child_id IS NULL",
                &[child.id.into(), child.file.name.as_str().into(), id.into()],
            )?;
            insert_event(c, id, "child_linked", at, &desk, &serde_json::json!({ "child_id": child.id }))?;
            store.load_summary(c, &ReportScope::Everything, id)
        });
        let summary = rx.blocking_recv().unwrap_or_else(|_| Err(writer_stopped()))?;
        self.publish("changed", summary);
        Ok(())
    }
}
