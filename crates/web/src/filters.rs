//! The ledger's filters, read from a query string by the ledger page and the API alike.

use serde::Deserialize;
use shouhu_domain::age::AgeBand;
use shouhu_domain::child::Warning;
use shouhu_domain::codes::{Category, GuardianshipType, Schooling};
use shouhu_store::children::{LedgerFilter, StatusFilter};
use utoipa::IntoParams;

/// The ledger's filters and page, as query parameters of the page and of the API.
#[derive(Debug, Default, Deserialize, IntoParams)]
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
        }
    }

    /// The query string of these filters with another page number.
    pub fn with_page(&self, page: u32) -> String {
        let pairs = [
            ("region", &self.region),
            ("category", &self.category),
            ("age_band", &self.age_band),
            ("guardianship_type", &self.guardianship_type),
            ("schooling", &self.schooling),
            ("warning", &self.warning),
            ("status", &self.status),
        ];
        let mut s: Vec<(String, String)> =
            pairs.iter().filter(|(_, v)| !v.is_empty()).map(|(k, v)| (k.to_string(), v.to_string())).collect();
        s.push(("page".into(), page.to_string()));
        serde_urlencoded::to_string(s).unwrap_or_default()
    }
}
