//! The ledger's filters, read from a query string by the ledger page and the API alike.

use serde::Deserialize;
use shouhu_domain::age::AgeBand;
use shouhu_domain::child::Warning;
use shouhu_domain::codes::{Category, GuardianshipType, Schooling};
use shouhu_store::children::{LedgerFilter, StatusFilter};
use shouhu_store::users::Principal;
use shouhu_store::{Store, StoreError};
use utoipa::IntoParams;

/// Search results the ledger page shows (one page, no more).
pub const SEARCH_ROWS: u32 = 50;

/// The ledger's filters and page, as query parameters of the page and of the API.
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct LedgerQuery {
    /// Search box: a name or part of it, pinyin or initials, an ID number or its last digits.
    /// When given, the filters other than `region` are ignored; `region` narrows the search.
    #[serde(default)]
    pub q: String,
    /// A search's next page: the `next` of the page before (give `page` one more too).
    #[serde(default)]
    pub after: String,
    /// Region code prefix (district 6, township 9, village 12 digits).
    #[serde(default)]
    pub region: String,
    /// both_away, one_away_other_incapable, not_left_behind
    #[serde(default)]
    pub category: String,
    /// 0_5, 6_13, 14_16
    #[serde(default)]
    pub age_band: String,
    #[serde(default)]
    pub guardianship_type: String,
    #[serde(default)]
    pub schooling: String,
    /// A warning's code: under16_living_alone, under8_unattended, entrusted_guardian_minor,
    /// entrusted_guardian_disqualified, no_guardian, entrusted_care_incomplete (a carer
    /// without both written notices or the signed confirmation), parents_contact_lapsed (a
    /// left-behind child whose last recorded contact with the parents is more than 7 days
    /// before today).
    #[serde(default)]
    pub warning: String,
    /// open (default), closed, all
    #[serde(default)]
    pub status: String,
    #[serde(default)]
    pub page: Option<u32>,
    /// 1–100, default 20 (the API; pages show 20).
    #[serde(default)]
    pub per_page: Option<u32>,
}

impl LedgerQuery {
    /// Unknown filter values are ignored rather than refused: a stale bookmark still opens.
    pub fn filter(&self) -> LedgerFilter {
        LedgerFilter {
            region: Some(self.region.trim().to_string())
                .filter(|r| !r.is_empty() && r.bytes().all(|b| b.is_ascii_digit())),
            category: Category::parse(&self.category),
            age_band: AgeBand::parse(&self.age_band),
            guardianship_type: GuardianshipType::parse(&self.guardianship_type),
            schooling: Schooling::parse(&self.schooling),
            warning: Warning::parse(&self.warning),
            status: match self.status.as_str() {
                "closed" => StatusFilter::Closed,
                "all" => StatusFilter::All,
                _ => StatusFilter::Open,
            },
            ids: None,
        }
    }

    /// What the ledger shows for this query, as the export's selection: its filters, or for
    /// a search the matches it shows (open and closed, `per_page` or [`SEARCH_ROWS`] of them).
    pub fn selection(&self, store: &Store, p: &Principal) -> Result<LedgerFilter, StoreError> {
        let q = self.q.trim();
        if q.is_empty() {
            return Ok(self.filter());
        }
        let found = store.search_page(p, &self.search(q, self.per_page.unwrap_or(SEARCH_ROWS)))?;
        Ok(LedgerFilter {
            ids: Some(found.rows.iter().map(|r| r.id).collect()),
            status: StatusFilter::All,
            ..Default::default()
        })
    }

    /// The search this query asks for: `q`, narrowed to `region`, the page after `after`.
    pub fn search<'a>(&'a self, q: &'a str, per_page: u32) -> shouhu_store::search::SearchQuery<'a> {
        shouhu_store::search::SearchQuery {
            q,
            region: Some(self.region.trim()).filter(|r| !r.is_empty()),
            after: Some(self.after.trim()).filter(|a| !a.is_empty()),
            page: self.page.unwrap_or(1).max(1),
            per_page,
        }
    }

    /// The next page of a search: the same query after the key `after`.
    pub fn search_next(&self, after: &str, page: u32) -> String {
        let mut s = vec![("q".to_string(), self.q.trim().to_string())];
        if !self.region.trim().is_empty() {
            s.push(("region".into(), self.region.trim().to_string()));
        }
        s.push(("after".into(), after.to_string()));
        s.push(("page".into(), page.to_string()));
        serde_urlencoded::to_string(s).unwrap_or_default()
    }

    /// The first page of a search.
    pub fn search_first(&self) -> String {
        let mut s = vec![("q".to_string(), self.q.trim().to_string())];
        if !self.region.trim().is_empty() {
            s.push(("region".into(), self.region.trim().to_string()));
        }
        serde_urlencoded::to_string(s).unwrap_or_default()
    }

    /// A query string (`status=all&region=120114`, as the ledger's address has it).
    pub fn parse(query: &str) -> Result<LedgerQuery, String> {
        serde_urlencoded::from_str(query.trim_start_matches('?')).map_err(|e| e.to_string())
    }

    /// The search and the filters as a query string: the export link of the ledger showing them.
    pub fn export_query(&self) -> String {
        let mut s = self.filter_pairs();
        if !self.q.trim().is_empty() {
            s.insert(0, ("q".into(), self.q.trim().to_string()));
        }
        serde_urlencoded::to_string(s).unwrap_or_default()
    }

    fn filter_pairs(&self) -> Vec<(String, String)> {
        let pairs = [
            ("region", &self.region),
            ("category", &self.category),
            ("age_band", &self.age_band),
            ("guardianship_type", &self.guardianship_type),
            ("schooling", &self.schooling),
            ("warning", &self.warning),
            ("status", &self.status),
        ];
        pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.to_string(), v.to_string())).collect()
    }

    /// The query string of these filters with another page number.
    pub fn with_page(&self, page: u32) -> String {
        let mut s = self.filter_pairs();
        s.push(("page".into(), page.to_string()));
        serde_urlencoded::to_string(s).unwrap_or_default()
    }
}

/// The audit log's filters and page, as query parameters of the administrator's page and of
/// the API. A child is named by its file's number only: the administrator reads no child's
/// file (decision 6), so no name is shown or searched (decision 91).
#[derive(Debug, Default, Clone, Deserialize, IntoParams)]
#[into_params(parameter_in = Query)]
pub struct AuditQuery {
    /// A user's username, or their name or part of it.
    #[serde(default)]
    pub user: String,
    /// One child's entries, by the file's number (档案编号).
    #[serde(default)]
    #[param(value_type = Option<i64>)]
    pub child: String,
    /// An action's code (`view_child`, `login`, `refused`, …).
    #[serde(default)]
    pub action: String,
    /// From this day in China (2026-11-29) …
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub from: String,
    /// … to this day in China, inclusive.
    #[serde(default)]
    #[param(value_type = Option<String>, format = Date)]
    pub to: String,
    #[serde(default)]
    pub page: Option<i64>,
}

impl AuditQuery {
    /// The store's filter, or what is wrong with each field (422 over the API, the fields'
    /// messages on the page). Days are China's: `from` starts at 00:00 UTC+8, `to` ends at the
    /// next day's 00:00.
    pub fn filter(&self) -> Result<shouhu_store::audit::AuditFilter, shouhu_domain::error::FieldErrors> {
        use shouhu_domain::clock::china_day_start;
        use shouhu_domain::msg;
        let mut errs = shouhu_domain::error::FieldErrors::default();
        let text = |s: &str| Some(s.trim().to_string()).filter(|s| !s.is_empty());
        let child_id = text(&self.child).and_then(|c| {
            let id = c.parse::<i64>().ok();
            if id.is_none() {
                errs.add("child", msg::AUDIT_NOT_A_NUMBER);
            }
            id
        });
        let action = text(&self.action);
        if let Some(a) = &action
            && !shouhu_store::audit::Action::ALL.iter().any(|x| x.code() == a)
        {
            errs.add("action", msg::UNKNOWN_OPTION);
        }
        let mut day = |name: &str, s: &str| {
            shouhu_domain::validate::filter_day(s).unwrap_or_else(|m| {
                errs.add(name, m);
                None
            })
        };
        let (from, to) = (day("from", &self.from), day("to", &self.to));
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            errs.add("to", msg::AUDIT_TO_BEFORE_FROM);
        }
        errs.into_result(shouhu_store::audit::AuditFilter {
            user: text(&self.user),
            child_id,
            action,
            from: from.map(china_day_start),
            until: to.and_then(|t| t.succ_opt()).map(china_day_start),
        })
    }

    /// The filters as a query string with another page number.
    pub fn with_page(&self, page: i64) -> String {
        let pairs = [
            ("user", &self.user),
            ("child", &self.child),
            ("action", &self.action),
            ("from", &self.from),
            ("to", &self.to),
        ];
        let mut s: Vec<(&str, String)> =
            pairs.iter().filter(|(_, v)| !v.trim().is_empty()).map(|(k, v)| (*k, v.trim().to_string())).collect();
        s.push(("page", page.to_string()));
        serde_urlencoded::to_string(s).unwrap_or_default()
    }

    /// Whether any filter is set.
    pub fn filtering(&self) -> bool {
        [&self.user, &self.child, &self.action, &self.from, &self.to].iter().any(|v| !v.trim().is_empty())
    }
}

/// The rows before page `page` (from 1) of `per_page` rows: pages past the end are empty,
/// never an overflow (a page number typed into an address can be any number).
pub fn page_offset(page: i64, per_page: i64) -> i64 {
    (page.max(1) - 1).saturating_mul(per_page)
}

/// Days given to a list or a count as query parameters, each within
/// [`shouhu_domain::validate::plausible_day`]; otherwise 422 naming each.
pub fn check_days(days: &[(&str, Option<chrono::NaiveDate>)]) -> Result<(), crate::error::AppError> {
    let mut errs = shouhu_domain::error::FieldErrors::default();
    for (name, d) in days {
        if d.is_some_and(|d| !shouhu_domain::validate::plausible_day(d)) {
            errs.add(*name, shouhu_domain::msg::DATE_OUT_OF_RANGE);
        }
    }
    if errs.is_empty() { Ok(()) } else { Err(crate::error::AppError::Invalid(errs)) }
}

/// Spends one of `p`'s searches by a whole ID number when the search `q` is one that a
/// reader who sees ID numbers masked makes (decision 212), on the primary before the
/// search's read, which a replica may answer; `AppError::Limited` when they are used up.
pub async fn spend_id_search(state: &crate::AppState, p: &Principal, q: &str) -> Result<(), crate::error::AppError> {
    if !shouhu_store::search::spends_id_search(p, q) {
        return Ok(());
    }
    let (p, q) = (p.clone(), q.to_string());
    state.run(move |s| s.take_id_search(&p, &q)).await
}
