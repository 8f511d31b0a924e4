//! Division codes (GB/T 2260 and the statistical codes below them) and region scope.
//!
//! Codes nest by prefix: 2 digits city, 6 district, 9 township, 12 village. Everything inside
//! a region is every code that starts with the region's code, so scope is a prefix match.

use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Level {
    City,
    District,
    Township,
    Village,
}

impl Level {
    pub fn code_len(self) -> usize {
        match self {
            Level::City => 2,
            Level::District => 6,
            Level::Township => 9,
            Level::Village => 12,
        }
    }

    pub fn parse(s: &str) -> Option<Level> {
        match s {
            "city" => Some(Level::City),
            "district" => Some(Level::District),
            "township" => Some(Level::Township),
            "village" => Some(Level::Village),
            _ => None,
        }
    }

    /// The level's name in the UI.
    pub fn label(self) -> &'static str {
        match self {
            Level::City => "市",
            Level::District => "区",
            Level::Township => "乡镇（街道）",
            Level::Village => "村（社区）",
        }
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Level::City => "city",
            Level::District => "district",
            Level::Township => "township",
            Level::Village => "village",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Region {
    pub code: String,
    pub name: String,
    pub parent_code: Option<String>,
    pub level: Level,
}

/// A 12-digit village or community code.
pub fn is_village_code(s: &str) -> bool {
    s.len() == 12 && s.bytes().all(|b| b.is_ascii_digit())
}

/// The 6-digit district code of a village code, the key by which child data is distributed.
pub fn district_of(code: &str) -> &str {
    code.get(..6).unwrap_or(code)
}

/// Whether `code` lies inside the region `scope` (or is it).
pub fn within(code: &str, scope: &str) -> bool {
    code.starts_with(scope)
}

/// The exclusive upper bound of the codes that start with `prefix`, for a range scan:
/// codes are ASCII digits, and '~' sorts after every digit in byte order.
pub fn prefix_upper_bound(prefix: &str) -> String {
    format!("{prefix}~")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn village_codes_are_twelve_digits() {
        assert!(is_village_code("120114001001"));
        assert!(!is_village_code("12011400100"));
        assert!(!is_village_code("12011400100a"));
    }

    #[test]
    fn scope_is_a_prefix() {
        assert!(within("120114001001", "120114"));
        assert!(within("120114001001", "12"));
        assert!(!within("120115001001", "120114"));
        assert!("120114999999" < prefix_upper_bound("120114").as_str());
        assert!("120115" > prefix_upper_bound("120114").as_str());
        assert_eq!(district_of("120114001001"), "120114");
    }
}
