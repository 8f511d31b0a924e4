//! Statistics of a region (统计, issue 20): the open files by category, age band,
//! guardianship and schooling, warnings, reports by situation and month, response and
//! assessment times, dropouts and visit coverage, in total and per sub-region.
//!
//! Counts only: no child is named. Every figure is a grouped scan of one table inside the
//! region, with the same conditions as the list it summarises (the ledger's filters, the
//! district table of dropouts, the supervisor's coverage), so a figure and the list of the
//! same scope agree (decision 157).

use crate::Store;
use crate::db::Sql;
use crate::error::StoreError;
use crate::users::Principal;
use chrono::{DateTime, Datelike, NaiveDate, Utc};
use serde::Serialize;
use shouhu_domain::age::AgeBand;
use shouhu_domain::child::Warning;
use shouhu_domain::codes::{Category, GuardianshipType, Schooling};
use shouhu_domain::region;
use shouhu_domain::report::Situation;
use shouhu_domain::statistics as rules;
use std::collections::BTreeMap;

/// One bar of a chart: its label and count.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Bar {
    /// A code for links and tests (a category's code, a month "2027-03", "other").
    pub key: String,
    pub label: String,
    pub count: i64,
}

/// The figures of one sub-region (a district of the city, a township of a district, a
/// village of a township).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct AreaLine {
    pub code: String,
    pub name: String,
    /// Open files.
    pub children: i64,
    /// Open files with at least one stored warning.
    pub warned: i64,
    /// Reports filed in the period.
    pub reports: i64,
    /// Dropout cases not closed.
    pub dropouts_open: i64,
    /// Open files whose visit is overdue.
    pub visits_overdue: i64,
}

impl AreaLine {
    fn add(&mut self, o: &AreaLine) {
        self.children += o.children;
        self.warned += o.warned;
        self.reports += o.reports;
        self.dropouts_open += o.dropouts_open;
        self.visits_overdue += o.visits_overdue;
    }
}

/// A duration's median and 90th percentile (nearest rank), in minutes, over `count` items.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct Times {
    pub count: i64,
    pub median_minutes: Option<i64>,
    pub p90_minutes: Option<i64>,
}

/// Dropouts of the region: as the district table's total (decision 138).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct DropoutFigures {
    pub opened: i64,
    pub returned: i64,
    pub open: i64,
    pub overdue: i64,
}

/// Visit coverage of the region: as the supervisor's page (decision 105).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, utoipa::ToSchema)]
pub struct VisitFigures {
    /// Open files with a next visit.
    pub children: i64,
    /// Visited and not overdue.
    pub covered: i64,
    pub overdue: i64,
}

/// The statistics page's figures.
#[derive(Debug, Clone, Serialize, utoipa::ToSchema)]
pub struct Statistics {
    /// The region the figures are of, and its name.
    pub region: String,
    pub region_name: String,
    /// The first day of the period and the day after its last (reports and assessments).
    pub from: NaiveDate,
    pub to: NaiveDate,
    pub children: i64,
    pub by_category: Vec<Bar>,
    pub by_age: Vec<Bar>,
    pub by_guardianship: Vec<Bar>,
    pub by_schooling: Vec<Bar>,
    pub warnings: Vec<Bar>,
    pub reports: i64,
    /// A report of several situations counts under each.
    pub by_situation: Vec<Bar>,
    pub by_month: Vec<Bar>,
    /// Reported → accepted by the police.
    pub response: Times,
    /// Opened → completed (the township's assessment).
    pub assessment: Times,
    pub dropouts: DropoutFigures,
    pub visits: VisitFigures,
    /// One line per sub-region with figures, in code order.
    pub areas: Vec<AreaLine>,
    pub total: AreaLine,
}

/// What the page asks for: a sub-region of the caller's region (or the region itself) and a
/// period of days in China.
#[derive(Debug, Clone, Default)]
pub struct StatisticsQuery {
    pub region: Option<String>,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
}

fn bar(key: &str, label: &str, count: i64) -> Bar {
    Bar { key: key.to_string(), label: label.to_string(), count }
}

/// The area a village code falls in, at the sub-region level below `region`.
fn area_of(code: &str, len: usize) -> &str {
    code.get(..len).unwrap_or(code)
}

/// Appends the region to a WHERE clause on `column` (a village code, or a count's area): the
/// caller's region and the region asked for, both as bounds in the query, so a sub-region
/// outside the caller's region counts nothing.
fn push_regions(sql: &mut Sql, own: &str, asked: &str, column: &str) {
    for r in [own, asked] {
        sql.push(&format!(" AND {column} >= ")).bind(r);
        sql.push(&format!(" AND {column} < ")).bind(region::prefix_upper_bound(r));
    }
}

impl Store {
    /// The statistics of the caller's region, or of a sub-region of it, for a period
    /// (default: the calendar year to today, in China). Refused (403) to roles without
    /// statistics; a sub-region outside the caller's region, or not a code, is not found.
    pub fn statistics(&self, p: &Principal, q: &StatisticsQuery) -> Result<Statistics, StoreError> {
        let own =
            rules::statistics_region(p.role, p.org_type, &p.region_code).ok_or(StoreError::Forbidden)?.to_string();
        let asked = q.region.as_deref().map(str::trim).filter(|r| !r.is_empty()).unwrap_or(&own).to_string();
        // Outside the caller's region looks like a region that does not exist; the query
        // bounds the rows by both regions anyway.
        let known = asked == own || self.regions.get(&asked).is_some();
        if !asked.bytes().all(|b| b.is_ascii_digit()) || !known || !region::within(&asked, &own) {
            return Err(StoreError::NotFound);
        }
        let today = self.today();
        let from = q.from.unwrap_or_else(|| NaiveDate::from_ymd_opt(today.year(), 1, 1).unwrap_or(today));
        let to = q.to.unwrap_or(today).succ_opt().unwrap_or(today);
        if from >= to {
            return Err(StoreError::invalid("from", shouhu_domain::msg::STATISTICS_PERIOD_INVALID));
        }
        let len = rules::area_len(&asked);
        let mut areas: BTreeMap<String, AreaLine> = BTreeMap::new();

        // Open files: a district's or the city's from the counts every write keeps (registry
        // migration 0023, decision 188), a township's or a village's from one scan of its
        // files' covering index (migration 0021, decision 158).
        let stored: Vec<Warning> =
            Warning::ALL.iter().copied().filter(|w| *w != Warning::ParentsContactLapsed).collect();
        let bands: Vec<(NaiveDate, NaiveDate)> =
            AgeBand::ALL.iter().map(|b| b.birth_range(today, self.settings.age_rule)).collect();
        let files = if asked.len() <= 6 {
            self.file_figures_counted(&own, &asked, &bands, &stored)?
        } else {
            self.file_figures_scanned(&own, &asked, &bands, &stored)?
        };
        let FileFigures { children, category, age, guardianship, schooling, warnings, by_area } = files;
        for (code, (n, warned)) in by_area {
            let area = area_of(&code, len);
            let line = areas
                .entry(area.to_string())
                .or_insert_with(|| AreaLine { code: area.to_string(), ..AreaLine::default() });
            line.children += n;
            line.warned += warned;
        }
        let not_stated = rules::NOT_STATED;
        let by_category =
            Category::ALL.iter().zip(&category).map(|(c, n)| bar(c.code(), c.label(), *n)).collect::<Vec<_>>();
        let mut by_age: Vec<Bar> = AgeBand::ALL.iter().zip(&age).map(|(b, n)| bar(b.code(), b.label(), *n)).collect();
        by_age.push(bar("other", rules::OTHER_AGE, age[AgeBand::ALL.len()]));
        let mut by_guardianship: Vec<Bar> =
            GuardianshipType::ALL.iter().zip(&guardianship).map(|(g, n)| bar(g.code(), g.label(), *n)).collect();
        by_guardianship.push(bar("not_stated", not_stated, guardianship[GuardianshipType::ALL.len()]));
        let mut by_schooling: Vec<Bar> =
            Schooling::ALL.iter().zip(&schooling).map(|(s, n)| bar(s.code(), s.label(), *n)).collect();
        by_schooling.push(bar("not_stated", not_stated, schooling[Schooling::ALL.len()]));
        let warnings = stored.iter().zip(&warnings).map(|(w, n)| bar(w.code(), w.label(), *n)).collect();

        // Reports and assessments of the period, from the reports' database.
        let (start, end) = (shouhu_domain::clock::china_day_start(from), shouhu_domain::clock::china_day_start(to));
        let (report_rows, assessment_rows) = self.reports.read(|c| {
            let mut sql = Sql::new(
                "SELECT r.village_code, r.situations, r.reported_at, r.accepted_at FROM reports r WHERE r.reported_at >= ",
            );
            sql.bind(start).push(" AND r.reported_at < ").bind(end);
            push_regions(&mut sql, &own, &asked, "r.village_code");
            let reports = c.query(&sql.text, &sql.params, |r| Ok((r.text(0)?, r.text(1)?, r.ts(2)?, r.opt_ts(3)?)))?;
            let mut sql = Sql::new("SELECT a.opened_at, a.completed_at FROM assessments a WHERE a.opened_at >= ");
            sql.bind(start).push(" AND a.opened_at < ").bind(end);
            push_regions(&mut sql, &own, &asked, "a.village_code");
            let assessments = c.query(&sql.text, &sql.params, |r| Ok((r.ts(0)?, r.opt_ts(1)?)))?;
            Ok((reports, assessments))
        })?;
        let mut situations = vec![0i64; Situation::ALL.len()];
        let mut months: BTreeMap<String, i64> = BTreeMap::new();
        let mut m = from.with_day(1).unwrap_or(from);
        while m < to {
            months.insert(m.format("%Y-%m").to_string(), 0);
            m = m.checked_add_months(chrono::Months::new(1)).unwrap_or(to);
        }
        let mut response = Vec::new();
        for (village, codes, reported, accepted) in &report_rows {
            for code in codes.split(',') {
                if let Some(i) = Situation::ALL.iter().position(|s| s.code() == code) {
                    situations[i] += 1;
                }
            }
            *months.entry(shouhu_domain::clock::china_date(*reported).format("%Y-%m").to_string()).or_insert(0) += 1;
            if let Some(a) = accepted {
                response.push(minutes(*reported, *a));
            }
            let area = area_of(village, len);
            areas
                .entry(area.to_string())
                .or_insert_with(|| AreaLine { code: area.to_string(), ..AreaLine::default() })
                .reports += 1;
        }
        let by_situation = Situation::ALL
            .iter()
            .zip(&situations)
            .filter(|(_, n)| **n > 0)
            .map(|(s, n)| bar(s.code(), s.label(), *n))
            .collect();
        let by_month = months.into_iter().map(|(k, n)| bar(&k, &rules::month_label(&k), n)).collect();
        let assessment: Vec<i64> = assessment_rows.iter().filter_map(|(o, c)| c.map(|c| minutes(*o, c))).collect();

        // Dropouts and visits: grouped counts of their covering indexes.
        let (dropout_rows, visit_rows) = self.pool.read(|c| {
            let mut sql = Sql::new(
                "SELECT d.village_code, count(*), \
                 sum(CASE WHEN d.close_outcome = 'returned_to_school' THEN 1 ELSE 0 END), \
                 sum(CASE WHEN d.state <> 'closed' THEN 1 ELSE 0 END), \
                 sum(CASE WHEN d.state <> 'closed' AND d.next_due < ",
            );
            sql.bind(today).push(" THEN 1 ELSE 0 END) FROM dropout_cases d WHERE 1 = 1");
            push_regions(&mut sql, &own, &asked, "d.village_code");
            sql.push(" GROUP BY d.village_code");
            let dropouts = c.query(&sql.text, &sql.params, |r| {
                Ok((
                    r.text(0)?,
                    r.i64(1)?,
                    r.opt_i64(2)?.unwrap_or(0),
                    r.opt_i64(3)?.unwrap_or(0),
                    r.opt_i64(4)?.unwrap_or(0),
                ))
            })?;
            let visits = if asked.len() <= 6 {
                // A district's or the city's from the counts by due day (decision 188).
                let (all, visited) = if len <= 6 { ("v6", "V6") } else { ("v9", "V9") };
                let mut sql = Sql::new("SELECT area, dim, val, n FROM stat_counts WHERE dim IN (");
                sql.bind(all).push(", ").bind(visited).push(") AND n <> 0");
                push_regions(&mut sql, &own, &asked, "area");
                let rows = c.query(&sql.text, &sql.params, |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.i64(3)?)))?;
                let today = today.format("%Y-%m-%d").to_string();
                let mut by_area: BTreeMap<String, (i64, i64, i64)> = BTreeMap::new();
                for (area, dim, day, n) in rows {
                    let line = by_area.entry(area).or_default();
                    if dim == all {
                        line.0 += n;
                        if day < today {
                            line.2 += n;
                        }
                    } else if day >= today {
                        line.1 += n;
                    }
                }
                by_area.into_iter().map(|(a, (n, covered, overdue))| (a, n, covered, overdue)).collect()
            } else {
                let mut sql = Sql::new(
                    "SELECT d.village_code, count(*), \
                     sum(CASE WHEN d.last_visit_on IS NOT NULL AND d.due_on >= ",
                );
                sql.bind(today).push(" THEN 1 ELSE 0 END), sum(CASE WHEN d.due_on < ").bind(today);
                sql.push(" THEN 1 ELSE 0 END) FROM visit_due d WHERE 1 = 1");
                push_regions(&mut sql, &own, &asked, "d.village_code");
                sql.push(" GROUP BY d.village_code");
                c.query(&sql.text, &sql.params, |r| {
                    Ok((r.text(0)?, r.i64(1)?, r.opt_i64(2)?.unwrap_or(0), r.opt_i64(3)?.unwrap_or(0)))
                })?
            };
            Ok((dropouts, visits))
        })?;
        let mut dropouts = DropoutFigures::default();
        for (village, opened, returned, open, overdue) in dropout_rows {
            let area = area_of(&village, len).to_string();
            dropouts.opened += opened;
            dropouts.returned += returned;
            dropouts.open += open;
            dropouts.overdue += overdue;
            areas
                .entry(area.clone())
                .or_insert_with(|| AreaLine { code: area, ..AreaLine::default() })
                .dropouts_open += open;
        }
        let mut visits = VisitFigures::default();
        for (village, n, covered, overdue) in visit_rows {
            let area = area_of(&village, len).to_string();
            visits.children += n;
            visits.covered += covered;
            visits.overdue += overdue;
            areas
                .entry(area.clone())
                .or_insert_with(|| AreaLine { code: area, ..AreaLine::default() })
                .visits_overdue += overdue;
        }

        let mut total =
            AreaLine { code: asked.clone(), name: shouhu_domain::msg::TOTAL.to_string(), ..AreaLine::default() };
        let areas: Vec<AreaLine> = areas
            .into_values()
            .map(|mut l| {
                l.name = self.regions.name(&l.code).to_string();
                total.add(&l);
                l
            })
            .collect();
        Ok(Statistics {
            region_name: self.regions.path_name(&asked),
            region: asked,
            from,
            to,
            children,
            by_category,
            by_age,
            by_guardianship,
            by_schooling,
            warnings,
            reports: report_rows.len() as i64,
            by_situation,
            by_month,
            response: times(response),
            assessment: times(assessment),
            dropouts,
            visits,
            areas,
            total,
        })
    }

    /// The sub-regions the caller may choose on the statistics page: their region's
    /// districts, townships or villages, in code order.
    pub fn statistics_regions(&self, p: &Principal, of: &str) -> Vec<(String, String)> {
        let Some(own) = rules::statistics_region(p.role, p.org_type, &p.region_code) else {
            return Vec::new();
        };
        if !region::within(of, own) {
            return Vec::new();
        }
        let list: Vec<_> =
            if of.len() <= 2 { self.regions.roots().collect() } else { self.regions.children(of).collect() };
        list.into_iter().map(|r| (r.code.clone(), r.name.clone())).collect()
    }
}

/// The open files' figures of a region: totals by category, age band (one more for 16 and
/// over or no birth date), guardianship and schooling (one more each for not stated), each
/// stored warning, and per township or village (files, warned files).
struct FileFigures {
    children: i64,
    category: Vec<i64>,
    age: Vec<i64>,
    guardianship: Vec<i64>,
    schooling: Vec<i64>,
    warnings: Vec<i64>,
    by_area: BTreeMap<String, (i64, i64)>,
}

impl FileFigures {
    fn new(stored: &[Warning]) -> FileFigures {
        FileFigures {
            children: 0,
            category: vec![0; Category::ALL.len()],
            age: vec![0; AgeBand::ALL.len() + 1],
            guardianship: vec![0; GuardianshipType::ALL.len() + 1],
            schooling: vec![0; Schooling::ALL.len() + 1],
            warnings: vec![0; stored.len()],
            by_area: BTreeMap::new(),
        }
    }

    /// Counts `n` files of a warnings mask under each stored warning, and the area's warned.
    fn add_warnings(&mut self, stored: &[Warning], area: &str, bits: i64, n: i64) {
        for (i, w) in stored.iter().enumerate() {
            if bits & w.bit() != 0 {
                self.warnings[i] += n;
            }
        }
        if stored.iter().any(|w| bits & w.bit() != 0) {
            self.by_area.entry(area.to_string()).or_default().1 += n;
        }
    }
}

/// The position of a value in its list, or the list's length (not stated, unknown).
fn index_of<T: Copy + PartialEq>(all: &[T], v: Option<T>) -> usize {
    v.and_then(|v| all.iter().position(|x| *x == v)).unwrap_or(all.len())
}

impl Store {
    /// A township's or a village's open files: one grouped scan of its files' covering index,
    /// in the index's own order (village, category, guardianship, schooling) so no sort is
    /// needed, the age bands summed per group as the ledger's birth-date ranges; the warned
    /// files from their partial index (registry migration 0016).
    fn file_figures_scanned(
        &self,
        own: &str,
        asked: &str,
        bands: &[(NaiveDate, NaiveDate)],
        stored: &[Warning],
    ) -> Result<FileFigures, StoreError> {
        let sqlite = self.pool.is_sqlite();
        let mut sql = Sql::new("SELECT c.village_code, c.category, c.guardianship_type, c.schooling, count(*)");
        for (lo, hi) in bands {
            sql.push(", sum(CASE WHEN c.birth_date >= ").bind(*lo).push(" AND c.birth_date <= ").bind(*hi);
            sql.push(" THEN 1 ELSE 0 END)");
        }
        sql.push(if sqlite {
            " FROM children c INDEXED BY children_statistics WHERE c.closed = "
        } else {
            " FROM children c WHERE c.closed = "
        });
        sql.bind(false);
        push_regions(&mut sql, own, asked, "c.village_code");
        sql.push(" GROUP BY c.village_code, c.category, c.guardianship_type, c.schooling");
        let mut wsql = Sql::new(if sqlite {
            "SELECT c.village_code, c.warnings, count(*) FROM children c INDEXED BY children_warned \
             WHERE c.closed = FALSE AND c.warnings <> 0"
        } else {
            "SELECT c.village_code, c.warnings, count(*) FROM children c WHERE c.closed = FALSE AND c.warnings <> 0"
        });
        push_regions(&mut wsql, own, asked, "c.village_code");
        wsql.push(" GROUP BY c.village_code, c.warnings");
        let nbands = bands.len();
        let (groups, warned_rows) = self.pool.read(|c| {
            let groups = c.query(&sql.text, &sql.params, |r| {
                let bands =
                    (0..nbands).map(|i| r.opt_i64(5 + i).map(|v| v.unwrap_or(0))).collect::<Result<Vec<_>, _>>()?;
                Ok((r.text(0)?, r.text(1)?, r.opt_text(2)?, r.opt_text(3)?, r.i64(4)?, bands))
            })?;
            let warned = c.query(&wsql.text, &wsql.params, |r| Ok((r.text(0)?, r.i64(1)?, r.i64(2)?)))?;
            Ok((groups, warned))
        })?;
        let mut f = FileFigures::new(stored);
        for (village, cat, g, s, n, in_bands) in groups {
            f.children += n;
            f.category[index_of(Category::ALL, Category::parse(&cat)).min(Category::ALL.len() - 1)] += n;
            for (a, b) in f.age.iter_mut().zip(&in_bands) {
                *a += b;
            }
            // Outside every band: 16 and over, or no birth date (as the census summary).
            f.age[AgeBand::ALL.len()] += n - in_bands.iter().sum::<i64>();
            f.guardianship[index_of(GuardianshipType::ALL, g.as_deref().and_then(GuardianshipType::parse))] += n;
            f.schooling[index_of(Schooling::ALL, s.as_deref().and_then(Schooling::parse))] += n;
            f.by_area.entry(village).or_default().0 += n;
        }
        for (village, bits, n) in warned_rows {
            f.add_warnings(stored, &village, bits, n);
        }
        Ok(f)
    }

    /// A district's or the city's open files from the kept counts (decision 188): a few
    /// thousand rows per township and per district's birth month. An age band's whole months
    /// come from the counts; the month holding a band's first or last birth date is counted
    /// exactly from the open files' birth-date index (registry migration 0016), a few
    /// thousand entries at most.
    fn file_figures_counted(
        &self,
        own: &str,
        asked: &str,
        bands: &[(NaiveDate, NaiveDate)],
        stored: &[Warning],
    ) -> Result<FileFigures, StoreError> {
        let mut sql =
            Sql::new("SELECT area, dim, val, n FROM stat_counts WHERE dim IN ('c', 'g', 'm', 's', 'w') AND n <> 0");
        push_regions(&mut sql, own, asked, "area");
        let sqlite = self.pool.is_sqlite();
        let mut f = FileFigures::new(stored);
        self.pool.read(|c| {
            let rows = c.query(&sql.text, &sql.params, |r| Ok((r.text(0)?, r.text(1)?, r.text(2)?, r.i64(3)?)))?;
            let mut months: BTreeMap<NaiveDate, i64> = BTreeMap::new();
            for (area, dim, val, n) in rows {
                match dim.as_str() {
                    "c" => {
                        f.children += n;
                        f.category[index_of(Category::ALL, Category::parse(&val)).min(Category::ALL.len() - 1)] += n;
                        f.by_area.entry(area).or_default().0 += n;
                    }
                    "g" => f.guardianship[index_of(GuardianshipType::ALL, GuardianshipType::parse(&val))] += n,
                    "s" => f.schooling[index_of(Schooling::ALL, Schooling::parse(&val))] += n,
                    "w" => f.add_warnings(stored, &area, val.parse().unwrap_or(0), n),
                    "m" => {
                        if let Ok(first) = NaiveDate::parse_from_str(&format!("{val}-01"), "%Y-%m-%d") {
                            *months.entry(first).or_default() += n;
                        }
                    }
                    _ => {}
                }
            }
            // Each band: its whole months from the counts, its partial months from the files.
            for (i, (lo, hi)) in bands.iter().enumerate() {
                for (first, n) in &months {
                    let last =
                        first.checked_add_months(chrono::Months::new(1)).and_then(|d| d.pred_opt()).unwrap_or(*first);
                    if last < *lo || first > hi {
                        continue;
                    }
                    if first >= lo && last <= *hi {
                        f.age[i] += n;
                        continue;
                    }
                    let mut sql = Sql::new(if sqlite {
                        "SELECT count(*) FROM children INDEXED BY children_open_birth WHERE closed = FALSE"
                    } else {
                        "SELECT count(*) FROM children WHERE closed = FALSE"
                    });
                    sql.push(" AND birth_date >= ").bind((*first).max(*lo));
                    sql.push(" AND birth_date <= ").bind(last.min(*hi));
                    push_regions(&mut sql, own, asked, "village_code");
                    f.age[i] += c.query_opt(&sql.text, &sql.params, |r| r.i64(0))?.unwrap_or(0);
                }
            }
            Ok(())
        })?;
        // Outside every band: 16 and over, or no birth date (as the census summary).
        f.age[AgeBand::ALL.len()] = f.children - f.age[..AgeBand::ALL.len()].iter().sum::<i64>();
        Ok(f)
    }
}

fn minutes(from: DateTime<Utc>, to: DateTime<Utc>) -> i64 {
    (to - from).num_minutes().max(0)
}

fn times(mut v: Vec<i64>) -> Times {
    v.sort_unstable();
    Times {
        count: v.len() as i64,
        median_minutes: rules::nearest_rank(&v, 50),
        p90_minutes: rules::nearest_rank(&v, 90),
    }
}

/// How a section is drawn: bars for categories, columns for months.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChartKind {
    Bars,
    Columns,
}

/// One chart of the page with its table: the same rows go to the .xlsx.
#[derive(Debug, Clone)]
pub struct Section {
    pub id: &'static str,
    pub title: &'static str,
    pub kind: ChartKind,
    pub bars: Vec<Bar>,
    /// What a bar's share is of: the open files, the reports, the dropouts opened, the
    /// files with a next visit (a warning or a situation may count twice, so shares need
    /// not add up to 100%).
    pub base: i64,
}

impl Statistics {
    /// The page's charts in order, each with its rows.
    pub fn sections(&self) -> Vec<Section> {
        use shouhu_domain::msg;
        let (files, reports) = (self.children, self.reports);
        let s = |id, title, kind, bars: &Vec<Bar>, base| Section { id, title, kind, bars: bars.clone(), base };
        let d = &self.dropouts;
        let v = &self.visits;
        vec![
            s("category", msg::STATISTICS_BY_CATEGORY, ChartKind::Bars, &self.by_category, files),
            s("age", msg::STATISTICS_BY_AGE, ChartKind::Bars, &self.by_age, files),
            s("guardianship", msg::STATISTICS_BY_GUARDIANSHIP, ChartKind::Bars, &self.by_guardianship, files),
            s("schooling", msg::STATISTICS_BY_SCHOOLING, ChartKind::Bars, &self.by_schooling, files),
            s("warnings", msg::STATISTICS_WARNINGS, ChartKind::Bars, &self.warnings, files),
            s("situation", msg::STATISTICS_BY_SITUATION, ChartKind::Bars, &self.by_situation, reports),
            s("month", msg::STATISTICS_BY_MONTH, ChartKind::Columns, &self.by_month, reports),
            Section {
                id: "dropouts",
                title: msg::STATISTICS_DROPOUTS,
                kind: ChartKind::Bars,
                bars: vec![
                    bar("opened", msg::STATISTICS_DROPOUT_OPENED, d.opened),
                    bar("returned", msg::STATISTICS_DROPOUT_RETURNED, d.returned),
                    bar("open", msg::STATISTICS_DROPOUT_OPEN, d.open),
                    bar("overdue", msg::STATISTICS_DROPOUT_OVERDUE, d.overdue),
                ],
                base: d.opened,
            },
            Section {
                id: "visits",
                title: msg::STATISTICS_VISITS,
                kind: ChartKind::Bars,
                bars: vec![
                    bar("children", msg::STATISTICS_VISIT_CHILDREN, v.children),
                    bar("covered", msg::STATISTICS_VISIT_COVERED, v.covered),
                    bar("overdue", msg::STATISTICS_VISIT_OVERDUE, v.overdue),
                ],
                base: v.children,
            },
        ]
    }
}
