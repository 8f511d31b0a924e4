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
    /// When given, the filters are ignored.
    #[serde(default)]
    pub q: String,
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
        let found = store.search_page(p, q, self.per_page.unwrap_or(SEARCH_ROWS))?;
        Ok(LedgerFilter {
            ids: Some(found.rows.iter().map(|r| r.id).collect()),
            status: StatusFilter::All,
            ..Default::default()
        })
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
