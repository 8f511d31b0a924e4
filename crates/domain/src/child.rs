//! The child's file (一人一档): what is typed, and what is derived from it.
//! Fields follow the 2016 census registration form ([M16], docs/domain.md §3.1).

use crate::codes::{
    Assistance, Category, CloseReason, GuardianshipType, Health, IncomeSource, Relation, Schooling, Sex,
};
use chrono::{DateTime, NaiveDate, Utc};
use serde::{Deserialize, Serialize};

/// A father or mother, as the census form records them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Parent {
    pub name: String,
    #[serde(with = "crate::iso_date")]
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<String>,
    /// Where they work, to province level (务工地：省).
    pub work_province: Option<String>,
    /// Where they work, to prefecture level (务工地：地市).
    pub work_prefecture: Option<String>,
    pub phone: Option<String>,
    /// Away from home for work (外出务工).
    pub away_for_work: bool,
    /// Capable of guardianship; false when lost through serious illness or disability [M16].
    pub capable: bool,
}

impl Default for Parent {
    /// A parent is capable of guardianship unless the file says otherwise.
    fn default() -> Self {
        Parent {
            name: String::new(),
            birth_date: None,
            id_number: None,
            work_province: None,
            work_prefecture: None,
            phone: None,
            away_for_work: false,
            capable: true,
        }
    }
}

/// A grandparent: the census form asks for name and birth date only.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct Grandparent {
    pub name: String,
    #[serde(with = "crate::iso_date")]
    pub birth_date: Option<NaiveDate>,
}

/// The entrusted guardian (受委托监护人; 被委托人 in the 2020 law) [UPL] 22, [M19].
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct EntrustedGuardian {
    pub name: String,
    pub id_number: Option<String>,
    pub phone: Option<String>,
    pub relation: Option<Relation>,
    pub address: Option<String>,
    /// Date the entrusted-guardianship confirmation (委托监护确认书) was signed [M19].
    #[serde(with = "crate::iso_date")]
    pub confirmed_on: Option<NaiveDate>,
    /// Falls under one of the exclusions of [UPL] 22 (past abuse, drugs, gambling, neglect …).
    pub disqualified: bool,
}

/// Everything a user types into a child's file. Derived facts are not here.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct ChildFile {
    pub name: String,
    pub sex: Option<Sex>,
    pub ethnicity: String,
    #[serde(with = "crate::iso_date")]
    pub birth_date: Option<NaiveDate>,
    pub id_number: Option<String>,
    /// Hukou registered (是否登记户口); null when not filled in (未填写).
    pub hukou_registered: Option<bool>,
    pub hukou_place: Option<String>,
    /// Rural hukou (农村户籍), a condition of the census population [M16]; null when not
    /// filled in (未填写). Neither 否 nor null leaves the file out of anything.
    pub rural_hukou: Option<bool>,
    pub address: String,
    /// 12-digit code of the village or community where the child lives.
    pub village_code: String,
    pub health: Option<Health>,
    pub disability_category: Option<String>,
    pub disability_grade: Option<String>,
    pub illness: Option<String>,
    pub boarding: bool,
    pub schooling: Option<Schooling>,
    pub school_name: Option<String>,
    /// Organisation id of the school or kindergarten, which gives its staff access.
    pub school_org_id: Option<i64>,
    pub father: Parent,
    pub mother: Parent,
    pub paternal_grandfather: Grandparent,
    pub paternal_grandmother: Grandparent,
    pub maternal_grandfather: Grandparent,
    pub maternal_grandmother: Grandparent,
    pub entrusted_guardian: Option<EntrustedGuardian>,
    pub guardianship_type: Option<GuardianshipType>,
    /// Lives apart from any guardian (脱离监护单独居住生活).
    pub lives_alone: bool,
    /// Left without anyone looking after them (无人照料).
    pub unattended: bool,
    pub income_sources: Vec<IncomeSource>,
    pub assistance: Vec<Assistance>,
    pub notes: Option<String>,
}

/// Open or closed: a file is never deleted (§2.1).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(tag = "state", rename_all = "snake_case")]
pub enum FileStatus {
    Open,
    Closed { reason: CloseReason, note: Option<String>, closed_at: DateTime<Utc> },
}

/// A warning that the law is breached for this child (derived, never typed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum Warning {
    /// Under 16 and living alone [S] [13] [UPL] 21.
    Under16LivingAlone,
    /// Under 8 and without care: unattended, living alone or without a guardian [UPL] 21.
    Under8Unattended,
    /// The entrusted guardian is under 18 [UPL] 22.
    EntrustedGuardianMinor,
    /// The entrusted guardian falls under the exclusions of [UPL] 22 or lacks the capacity to care.
    EntrustedGuardianDisqualified,
    /// Nobody is looking after the child (census type 无人监护, or both parents away and
    /// nobody entrusted) [UPL] 21.
    NoGuardian,
}

impl Warning {
    pub const ALL: &'static [Warning] = &[
        Warning::Under16LivingAlone,
        Warning::Under8Unattended,
        Warning::EntrustedGuardianMinor,
        Warning::EntrustedGuardianDisqualified,
        Warning::NoGuardian,
    ];

    /// One bit per warning, to store and filter the set compactly.
    pub fn bit(self) -> i64 {
        1 << (Self::ALL.iter().position(|w| *w == self).unwrap_or(0) as i64)
    }

    pub fn code(self) -> &'static str {
        match self {
            Warning::Under16LivingAlone => "under16_living_alone",
            Warning::Under8Unattended => "under8_unattended",
            Warning::EntrustedGuardianMinor => "entrusted_guardian_minor",
            Warning::EntrustedGuardianDisqualified => "entrusted_guardian_disqualified",
            Warning::NoGuardian => "no_guardian",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Warning::Under16LivingAlone => "未满十六周岁单独居住生活",
            Warning::Under8Unattended => "未满八周岁无人照料",
            Warning::EntrustedGuardianMinor => "受委托监护人未成年",
            Warning::EntrustedGuardianDisqualified => "受委托监护人不符合法定条件",
            Warning::NoGuardian => "无人监护",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|w| w.code() == s)
    }

    pub fn from_bits(bits: i64) -> Vec<Warning> {
        Self::ALL.iter().copied().filter(|w| bits & w.bit() != 0).collect()
    }

    pub fn to_bits(ws: &[Warning]) -> i64 {
        ws.iter().fold(0, |acc, w| acc | w.bit())
    }
}

/// What is derived from a file at a date: shown beside it, stored for filtering.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct Derived {
    /// Age in full years (周岁) at `as_of`.
    pub age: Option<u32>,
    pub age_band: Option<crate::age::AgeBand>,
    pub category: Category,
    pub warnings: Vec<Warning>,
    pub as_of: NaiveDate,
}

/// A stored child's file with its identity, version and derived facts.
#[derive(Debug, Clone, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
pub struct ChildRecord {
    pub id: i64,
    /// 6-digit district code: part of the key, so that data can be distributed by district.
    pub district_code: String,
    /// Incremented by every change; an edit must name the version it started from.
    pub version: i64,
    pub status: FileStatus,
    pub file: ChildFile,
    pub derived: Derived,
    pub created_at: DateTime<Utc>,
    pub updated_at: DateTime<Utc>,
    /// The fields of `file` whose numbers are masked for the reader (`father.phone`, …;
    /// `crate::masking`): `POST /api/v1/children/{id}/reveal` shows one in full, with a reason.
    #[serde(default)]
    pub masked: Vec<String>,
}
