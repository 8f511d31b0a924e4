//! The search box's answer (issue 24, decisions 190-192): a page of matches in a stable order,
//! the key the next page starts after, how many match, narrowed to a region in the same query
//! and always inside the caller's scope.
//!
//! Term rows are keyed `(term, closed, village_code, name, child_id)`. An exact term (a part of
//! a Chinese name) pages through its rows in key order, open files first, then by village and
//! name; the region is a range of the key, so a page and its count in one township cost what
//! they cost city-wide. A prefix (pinyin, initials) pages in key order over its range of terms,
//! a child shown under the first of its own terms the prefix matches. The last digits of an ID
//! number and a whole ID number match few files: they are sorted in memory.

use crate::Store;
use crate::allowances::Allowance;
use crate::children::{LEDGER_COLUMNS, LEDGER_WIDTH, LedgerRow, push_blinds, push_scope};
use crate::crypto::field;
use crate::db::{Conn, Sql};
use crate::error::StoreError;
use crate::search_terms::{self, Query};
use crate::users::Principal;
use shouhu_domain::id_number;
use shouhu_domain::msg;
use shouhu_domain::region;
use shouhu_domain::role::Scope;

/// A search: the text typed, a region to narrow to, and which page.
#[derive(Debug, Clone, Default)]
pub struct SearchQuery<'a> {
    pub q: &'a str,
    /// A region code (district, township or village) inside the caller's scope; one outside
    /// it finds nothing.
    pub region: Option<&'a str>,
    /// The `next` of the previous page; none for the first page.
    pub after: Option<&'a str>,
    /// This page's number (1 for the first), to count the rows shown so far.
    pub page: u32,
    pub per_page: u32,
}

/// One page of search results.
#[derive(Debug, Clone, Default)]
pub struct SearchPage {
    pub rows: Vec<LedgerRow>,
    /// More files match after these.
    pub more: bool,
    /// Where the next page starts (opaque); `None` on the last page.
    pub next: Option<String>,
    /// Files that match; when `total_capped`, more files than this match.
    pub total: i64,
    pub total_capped: bool,
}

/// Where the matches may be: the caller's scope narrowed to the region asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Area {
    /// Village codes in `[lo, hi)`: a range of the term key.
    Range(String, String),
    /// A school's pupils, in a region's range if one was asked for.
    School(i64, Option<(String, String)>),
    Nothing,
}

impl Area {
    fn of(scope: &Scope, region: Option<&str>) -> Area {
        let narrow = region.map(str::trim).filter(|r| !r.is_empty());
        let range = |r: &str| (r.to_string(), region::prefix_upper_bound(r));
        match (scope, narrow) {
            (Scope::Region(r), None) => Area::Range(r.clone(), region::prefix_upper_bound(r)),
            (Scope::Region(r), Some(n)) if n.starts_with(r.as_str()) => {
                let (lo, hi) = range(n);
                Area::Range(lo, hi)
            }
            (Scope::Region(r), Some(n)) if r.starts_with(n) => Area::Range(r.clone(), region::prefix_upper_bound(r)),
            (Scope::Region(_), Some(_)) => Area::Nothing,
            (Scope::School(org), n) => Area::School(*org, n.map(range)),
            (Scope::Nothing, _) => Area::Nothing,
        }
    }

    /// Appends the area to a WHERE clause on a table whose columns start with `prefix`.
    fn push(&self, sql: &mut Sql, prefix: &str) {
        let mut range = |lo: &str, hi: &str| {
            sql.push(&format!(" AND {prefix}village_code >= ")).bind(lo);
            sql.push(&format!(" AND {prefix}village_code < ")).bind(hi);
        };
        match self {
            Area::Range(lo, hi) => range(lo, hi),
            Area::School(org, r) => {
                if let Some((lo, hi)) = r {
                    range(lo, hi);
                }
                sql.push(&format!(" AND {prefix}school_org_id = ")).bind(*org);
            }
            Area::Nothing => {
                sql.push(" AND 1 = 0");
            }
        }
    }
}

/// A search's count: how many match (up to the limit), and whether that stopped short;
/// `None` when it was not counted within its cost.
type Counted = Option<(i64, bool)>;

/// A row's place in the order results are shown (the term only for a prefix search).
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
struct Key {
    term: String,
    closed: bool,
    village: String,
    name: String,
    id: i64,
}

impl Key {
    fn of(row: &LedgerRow, term: String) -> Key {
        Key { term, closed: row.closed, village: row.village_code.clone(), name: row.name.clone(), id: row.id }
    }

    /// The page cursor: the key as hex, so that it passes any URL as it is.
    fn encode(&self) -> String {
        let text = format!(
            "{}\u{1f}{}\u{1f}{}\u{1f}{}\u{1f}{}",
            self.term,
            u8::from(self.closed),
            self.village,
            self.name,
            self.id
        );
        hex::encode(text.as_bytes())
    }

    fn decode(s: &str) -> Result<Key, StoreError> {
        let bad = || StoreError::invalid("after", msg::SEARCH_AFTER_INVALID);
        let text = String::from_utf8(hex::decode(s.trim()).map_err(|_| bad())?).map_err(|_| bad())?;
        let parts: Vec<&str> = text.split('\u{1f}').collect();
        let [term, closed, village, name, id] = parts.as_slice() else {
            return Err(bad());
        };
        Ok(Key {
            term: (*term).to_string(),
            closed: match *closed {
                "0" => false,
                "1" => true,
                _ => return Err(bad()),
            },
            village: (*village).to_string(),
            name: (*name).to_string(),
            id: id.parse().map_err(|_| bad())?,
        })
    }
}

/// The term rows `s` joined to their files `c`, the start of every search's statement. A term
/// row whose file no longer carries it (which the writes never leave) is not a match: the row
/// must say what the file says. PostgreSQL reads each file inside a `LATERAL` subquery that is
/// not pulled up (`OFFSET 0`): as a plain join, it took the four equal columns for one row in
/// a million, hashed every file and sorted the matches, 2.3 s where the term index's own order
/// and a lookup per row take 0.4 ms (decision 205). SQLite walks the term index either way.
fn terms_with_files(c: &Conn<'_, '_>, columns: &str) -> String {
    format!("SELECT {columns}{}", from_terms_with_files(c))
}

/// [`terms_with_files`] from its `FROM`.
fn from_terms_with_files(c: &Conn<'_, '_>) -> String {
    if c.is_sqlite() {
        " FROM child_search s JOIN children c ON c.id = s.child_id \
         AND c.name = s.name AND c.village_code = s.village_code AND c.closed = s.closed WHERE "
            .to_string()
    } else {
        format!(
            " FROM child_search s CROSS JOIN LATERAL (SELECT {LEDGER_COLUMNS} FROM children c \
             WHERE c.id = s.child_id AND c.name = s.name AND c.village_code = s.village_code \
             AND c.closed = s.closed OFFSET 0) c WHERE "
        )
    }
}

/// Whether a search for `q` spends one of `p`'s searches by a whole ID number (decision
/// 212): a reader who sees ID numbers masked confirms or rules out a guess at a masked
/// number with each. Asked before the search, whose read a replica may answer.
pub fn spends_id_search(p: &Principal, q: &str) -> bool {
    !p.role.sees_full_id_numbers() && matches!(search_terms::parse_query(q), Some(Query::IdNumber(_)))
}

impl Store {
    /// Spends one of `p`'s searches by a whole ID number ([`spends_id_search`]), on the
    /// primary, or refuses with until when (`StoreError::Limited`).
    pub fn take_id_search(&self, p: &Principal, q: &str) -> Result<(), StoreError> {
        self.spend(p, Allowance::MaskedIdSearch, None, &id_number::mask_id(q))
    }

    /// The search box: a name or part of it, pinyin or initials, an ID number or its last
    /// digits. Open and closed files alike, inside the caller's scope: the first `limit`.
    pub fn search(&self, p: &Principal, q: &str, limit: u32) -> Result<Vec<LedgerRow>, StoreError> {
        Ok(self.search_page(p, &SearchQuery { q, per_page: limit, page: 1, ..SearchQuery::default() })?.rows)
    }

    /// One page of a search (see the module's comment for the order), with the key of the next
    /// page and the number of matches.
    pub fn search_page(&self, p: &Principal, s: &SearchQuery<'_>) -> Result<SearchPage, StoreError> {
        let Some(query) = search_terms::parse_query(s.q) else {
            return Ok(SearchPage::default());
        };
        // The last digits of an ID number are a question anyone may ask only of the numbers
        // they see: for a reader who sees them masked, each answer would tell one more digit.
        if matches!(&query, Query::IdSuffix(_)) && !p.role.sees_full_id_numbers() {
            return Err(StoreError::invalid("q", msg::SEARCH_ID_WHOLE));
        }
        let after = s.after.map(str::trim).filter(|a| !a.is_empty()).map(Key::decode).transpose()?;
        let scope = p.scope();
        let area = Area::of(&scope, s.region);
        let shown = s.per_page.clamp(1, 100) as usize;
        // One more than is shown, to know whether there are more.
        let want = shown + 1;
        // On the connections whose statements are planned once (decision 217): every
        // statement here reads the term index in its own order, whatever its values.
        self.lookups.read(|c| {
            let (mut found, counted) = match &query {
                Query::IdNumber(raw) => (self.by_id_number(c, &scope, &area, raw)?, None),
                Query::IdSuffix(digits) if digits.len() == crate::crypto::SUFFIX_DIGITS => {
                    self.by_last_four(c, digits, &area, after.as_ref(), want)?
                }
                Query::IdSuffix(digits) => {
                    let (all, capped) = self.by_suffix(c, &area, digits)?;
                    let n = all.len() as i64;
                    (all, Some((n, capped)))
                }
                Query::Exact(term) => self.exact_counted(c, term, &area, after.as_ref(), want)?,
                Query::Prefix(term) => {
                    let rows = self.prefix_page(c, term, &area, after.as_ref(), want)?;
                    (rows, self.count_prefix(c, term, &area)?)
                }
            };
            if matches!(query, Query::IdNumber(_) | Query::IdSuffix(_)) {
                // Few matches: sorted here, the page cut after the cursor.
                found.sort_by(|a, b| a.1.cmp(&b.1));
                if let Some(k) = &after {
                    found.retain(|(_, key)| key > k);
                }
                found.truncate(want);
            }
            let more = found.len() > shown;
            found.truncate(shown);
            let next = if more { found.last().map(|(_, k)| k.encode()) } else { None };
            let rows: Vec<LedgerRow> = found.into_iter().map(|(r, _)| r).collect();
            // Without a count within its cost: the rows shown so far, and more if there are.
            let through = i64::from(s.page.max(1) - 1) * shown as i64 + rows.len() as i64;
            let (total, total_capped) = match counted {
                Some((n, _)) if n > self.settings.search.count_limit => (self.settings.search.count_limit, true),
                Some((n, false)) => (n, false),
                _ => (through, more),
            };
            Ok(SearchPage { rows, more, next, total, total_capped })
        })
    }

    fn by_id_number(
        &self,
        c: &mut Conn<'_, '_>,
        scope: &Scope,
        area: &Area,
        raw: &str,
    ) -> Result<Vec<(LedgerRow, Key)>, StoreError> {
        // A 15-digit number is stored upgraded to 18.
        let normalised =
            id_number::parse(raw, self.today()).map(|i| i.as_str().to_string()).unwrap_or_else(|_| raw.to_string());
        let mut sql = Sql::new(&format!("SELECT {LEDGER_COLUMNS} FROM children c WHERE c.id_blind"));
        push_blinds(&mut sql, &self.cipher.ring(), &normalised);
        push_scope(&mut sql, scope);
        area.push(&mut sql, "c.");
        c.query(&sql.text, &sql.params, |r| {
            let row = self.ledger_row(r)?;
            let key = Key::of(&row, String::new());
            Ok((row, key))
        })
    }

    /// Files whose ID number ends with these four characters: a page of their term's rows in
    /// the index's order, and their count, as for a name. Reading every match to sort it here
    /// cost a search 30 ms at 10,000,000 files, where the four match about 900 (issue 23).
    /// While the data key is being rotated a file may have a term under each key version:
    /// the pages of all the terms are merged, each file once.
    fn by_last_four(
        &self,
        c: &mut Conn<'_, '_>,
        digits: &str,
        area: &Area,
        after: Option<&Key>,
        want: usize,
    ) -> Result<(Vec<(LedgerRow, Key)>, Counted), StoreError> {
        let terms = self.cipher.ring().suffix_terms(digits);
        let (mut rows, mut total) = (Vec::with_capacity(want), Some((0, false)));
        for term in &terms {
            let (page, counted) = self.exact_counted(c, term, area, after, want)?;
            rows.extend(page);
            total = match (total, counted) {
                (Some((n, a)), Some((m, b))) => Some((n + m, a || b)),
                _ => None,
            };
        }
        if terms.len() > 1 {
            rows.sort_by(|a, b| a.1.cmp(&b.1));
            rows.dedup_by_key(|(r, _)| r.id);
            rows.truncate(want);
        }
        Ok((rows, total))
    }

    /// Files whose ID number ends with `digits` (more than four): the term of their last
    /// four, then those whose number ends with every digit typed. Also says whether the
    /// candidates were cut at `search.id_tail_candidates`.
    fn by_suffix(
        &self,
        c: &mut Conn<'_, '_>,
        area: &Area,
        digits: &str,
    ) -> Result<(Vec<(LedgerRow, Key)>, bool), StoreError> {
        let mut sql = Sql::new(&terms_with_files(c, LEDGER_COLUMNS));
        sql.push("s.term IN (");
        for (i, t) in self.cipher.ring().suffix_terms(digits).into_iter().enumerate() {
            sql.push(if i == 0 { "" } else { ", " }).bind(t);
        }
        sql.push(")");
        area.push(&mut sql, "s.");
        sql.push(" LIMIT ").bind(self.settings.search.id_tail_candidates + 1);
        let longer = digits.len() > crate::crypto::SUFFIX_DIGITS;
        let mut candidates = c.query(&sql.text, &sql.params, |r| {
            let idn = if longer { self.cipher.open_opt_text(field::CHILD_ID_NUMBER, r.opt_text(10)?)? } else { None };
            let row = self.ledger_row(r)?;
            let key = Key::of(&row, String::new());
            Ok((row, key, idn))
        })?;
        let capped = candidates.len() as i64 > self.settings.search.id_tail_candidates;
        candidates.truncate(self.settings.search.id_tail_candidates as usize);
        // The term stands for the last four: keep those that end with every digit typed.
        let kept = candidates
            .into_iter()
            .filter(|(_, _, idn)| !longer || idn.as_deref().is_some_and(|n| n.ends_with(digits)))
            .map(|(r, k, _)| (r, k))
            .collect();
        Ok((kept, capped))
    }

    /// An exact term's page and its count. Where the area is a range, the page's first
    /// statement carries the count as one more column (a round trip fewer on PostgreSQL,
    /// issue 23); a first statement with no rows, or a school's scope, is counted alone.
    fn exact_counted(
        &self,
        c: &mut Conn<'_, '_>,
        term: &str,
        area: &Area,
        after: Option<&Key>,
        want: usize,
    ) -> Result<(Vec<(LedgerRow, Key)>, Counted), StoreError> {
        let mut carried = None;
        let rows = self.exact_page(c, term, area, after, want, &mut carried)?;
        let counted = match carried {
            Some(n) => Some((n, false)),
            None => self.count_exact(c, term, area)?,
        };
        Ok((rows, counted))
    }

    /// An exact term's page: open files, then closed ones, each by village, name and id, after
    /// `after`; the count in `carried` where the first statement could carry it.
    fn exact_page(
        &self,
        c: &mut Conn<'_, '_>,
        term: &str,
        area: &Area,
        after: Option<&Key>,
        want: usize,
        carried: &mut Option<i64>,
    ) -> Result<Vec<(LedgerRow, Key)>, StoreError> {
        let mut out = Vec::with_capacity(want);
        let mut first = true;
        for closed in [false, true] {
            if after.is_some_and(|k| k.closed && !closed) || out.len() >= want {
                continue;
            }
            let carry = std::mem::take(&mut first) && matches!(area, Area::Range(..));
            let mut sql = if carry {
                let mut sql = Sql::new(&format!("SELECT {LEDGER_COLUMNS}, ("));
                push_exact_count(&mut sql, term, area, self.settings.search.count_limit);
                sql.push(")").push(&from_terms_with_files(c));
                sql
            } else {
                Sql::new(&terms_with_files(c, LEDGER_COLUMNS))
            };
            sql.push("s.term = ").bind(term).push(" AND s.closed = ").bind(closed);
            let from = after.filter(|k| k.closed == closed);
            match (area, from) {
                // The page's first village as the range's lower bound, which the index is read from.
                (Area::Range(lo, hi), Some(k)) if k.village > *lo => {
                    Area::Range(k.village.clone(), hi.clone()).push(&mut sql, "s.")
                }
                _ => area.push(&mut sql, "s."),
            }
            if let Some(k) = from {
                sql.push(" AND (s.village_code, s.name, s.child_id) > (").bind(k.village.as_str());
                sql.push(", ").bind(k.name.as_str()).push(", ").bind(k.id).push(")");
            }
            sql.push(" ORDER BY s.village_code, s.name, s.child_id LIMIT ").bind((want - out.len()) as i64);
            out.extend(c.query(&sql.text, &sql.params, |r| {
                if carry {
                    *carried = Some(r.i64(LEDGER_WIDTH)?);
                }
                let row = self.ledger_row(r)?;
                let key = Key::of(&row, String::new());
                Ok((row, key))
            })?);
        }
        Ok(out)
    }

    /// A prefix's page: in term order, each child once (under the first of its terms the
    /// prefix matches), after `after`.
    fn prefix_page(
        &self,
        c: &mut Conn<'_, '_>,
        prefix: &str,
        area: &Area,
        after: Option<&Key>,
        want: usize,
    ) -> Result<Vec<(LedgerRow, Key)>, StoreError> {
        let hi = format!("{prefix}~");
        let batch = (want * 2).max(32);
        let mut out = Vec::with_capacity(want);
        let mut from = after.cloned();
        loop {
            let mut sql = Sql::new(&terms_with_files(c, &format!("{LEDGER_COLUMNS}, s.term")));
            sql.push("s.term >= ");
            // One lower bound on the term, where the page starts: the range the index is read from.
            let lo = from.as_ref().map_or(prefix, |k| k.term.as_str().max(prefix));
            sql.bind(lo).push(" AND s.term < ").bind(hi.as_str());
            if let Some(k) = &from {
                sql.push(" AND (s.term, s.closed, s.village_code, s.name, s.child_id) > (").bind(k.term.as_str());
                sql.push(", ").bind(k.closed).push(", ").bind(k.village.as_str());
                sql.push(", ").bind(k.name.as_str()).push(", ").bind(k.id).push(")");
            }
            area.push(&mut sql, "s.");
            sql.push(" ORDER BY s.term, s.closed, s.village_code, s.name, s.child_id LIMIT ").bind(batch as i64);
            let rows = c.query(&sql.text, &sql.params, |r| {
                let row = self.ledger_row(r)?;
                let key = Key::of(&row, r.text(13)?);
                Ok((row, key))
            })?;
            let ended = rows.len() < batch;
            for (row, key) in rows {
                from = Some(key.clone());
                if !first_match(&key.name, &key.term, prefix, &hi) {
                    continue;
                }
                out.push((row, key));
                if out.len() == want {
                    return Ok(out);
                }
            }
            if ended {
                return Ok(out);
            }
        }
    }

    /// An exact term's matches in a range of the key, up to the cap; `None` where the scope is
    /// not a range (a school), counted then within `search.count_budget_rows`.
    fn count_exact(&self, c: &mut Conn<'_, '_>, term: &str, area: &Area) -> Result<Counted, StoreError> {
        if !matches!(area, Area::Range(..)) {
            return self.count_scan(c, term, None, area);
        }
        let mut sql = Sql::new("");
        push_exact_count(&mut sql, term, area, self.settings.search.count_limit);
        Ok(Some((c.query_opt(&sql.text, &sql.params, |r| r.i64(0))?.unwrap_or(0), false)))
    }

    fn count_prefix(&self, c: &mut Conn<'_, '_>, prefix: &str, area: &Area) -> Result<Counted, StoreError> {
        self.count_scan(c, prefix, Some(format!("{prefix}~")), area)
    }

    /// Reads at most `search.count_budget_rows` term rows (a term, or the range `[term, hi)`) and counts
    /// the files among them in the area, stopping once there are more than `search.count_limit`.
    /// `None` when the rows read were not all there are and fewer than the cap were found.
    ///
    /// PostgreSQL hashes every row a `DISTINCT` reads before it counts any: a common prefix
    /// read the whole budget to say "more than the cap". Twice the cap's rows come first; only
    /// where they hold no more files than the cap is the rest of the budget read (issue 23).
    fn count_scan(
        &self,
        c: &mut Conn<'_, '_>,
        term: &str,
        hi: Option<String>,
        area: &Area,
    ) -> Result<Counted, StoreError> {
        let (limit, budget) = (self.settings.search.count_limit, self.settings.search.count_budget_rows);
        let push_rows = |sql: &mut Sql, rows: i64| {
            match &hi {
                Some(hi) => sql.push("term >= ").bind(term).push(" AND term < ").bind(hi.as_str()),
                None => sql.push("term = ").bind(term),
            };
            sql.push(" LIMIT ").bind(rows + 1);
        };
        // The files among the first `rows` + 1 term rows, up to one more than the cap. A child
        // matching by several terms is counted once.
        let files_within = |c: &mut Conn<'_, '_>, rows: i64| -> Result<i64, StoreError> {
            let mut sql = Sql::new(
                "SELECT count(*) FROM (SELECT DISTINCT s.child_id FROM \
                 (SELECT child_id, village_code, school_org_id FROM child_search WHERE ",
            );
            push_rows(&mut sql, rows);
            sql.push(") AS s WHERE 1 = 1");
            area.push(&mut sql, "s.");
            sql.push(" LIMIT ").bind(limit + 1).push(") AS x");
            Ok(c.query_opt(&sql.text, &sql.params, |r| r.i64(0))?.unwrap_or(0))
        };
        let first = budget.min(2 * limit);
        let n = files_within(c, first)?;
        if n > limit {
            return Ok(Some((n, false)));
        }
        let mut sql = Sql::new("SELECT count(*) FROM (SELECT 1 FROM child_search WHERE ");
        push_rows(&mut sql, budget);
        sql.push(") AS x");
        let read = c.query_opt(&sql.text, &sql.params, |r| r.i64(0))?.unwrap_or(0);
        if read <= first {
            // The first reading saw every row.
            return Ok(Some((n, false)));
        }
        let n = if first < budget { files_within(c, budget)? } else { n };
        Ok((n > limit || read <= budget).then_some((n, false)))
    }
}

/// The count of an exact term's matches in an area, up to one more than `limit`. Open and
/// closed files in one statement: the index is read at each of the term's two `closed`
/// values from the range's start.
fn push_exact_count(sql: &mut Sql, term: &str, area: &Area, limit: i64) {
    sql.push("SELECT count(*) FROM (SELECT 1 FROM child_search s WHERE s.term = ");
    sql.bind(term).push(" AND s.closed IN (").bind(false).push(", ").bind(true).push(")");
    area.push(sql, "s.");
    sql.push(" LIMIT ").bind(limit + 1).push(") AS x");
}

/// Whether `term` is the first of the name's own pinyin terms in `[prefix, hi)`: a child that
/// matches a prefix by several terms is shown and counted under the first.
fn first_match(name: &str, term: &str, prefix: &str, hi: &str) -> bool {
    !search_terms::pinyin_terms(name).iter().any(|t| t.as_str() >= prefix && t.as_str() < term && t.as_str() < hi)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_page_key_reads_back_as_written() {
        let k =
            Key {
                term: "p:zhang".into(), closed: true, village: "120114101001".into(), name: "张 三".into(), id: 42
            };
        assert_eq!(Key::decode(&k.encode()).expect("key"), k);
        assert!(Key::decode("zz").is_err());
        assert!(Key::decode(&hex::encode("a\u{1f}2\u{1f}v\u{1f}n\u{1f}1")).is_err());
    }

    #[test]
    fn a_region_narrows_the_scope_and_never_widens_it() {
        let town = Scope::Region("120114101".into());
        assert_eq!(Area::of(&town, Some("120114101001")), Area::Range("120114101001".into(), "120114101001~".into()));
        assert_eq!(Area::of(&town, Some("120114")), Area::Range("120114101".into(), "120114101~".into()));
        assert_eq!(Area::of(&town, Some("120114102")), Area::Nothing);
        assert_eq!(Area::of(&town, Some(" ")), Area::Range("120114101".into(), "120114101~".into()));
    }

    #[test]
    fn a_child_matching_a_prefix_twice_counts_under_its_first_term() {
        // 张张: p:zhangzhang and p:zhang both start with "zh".
        assert!(first_match("张张", "p:zhang", "p:zh", "p:zh~"));
        assert!(!first_match("张张", "p:zhangzhang", "p:zh", "p:zh~"));
        assert!(!first_match("张小明", "p:zxm", "p:z", "p:z~"));
        assert!(first_match("张小明", "p:zhangxiaoming", "p:z", "p:z~"));
    }
}
