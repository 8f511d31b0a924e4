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
    /// The written notices, the confirmation's signatures and the carer's suitability
    /// ([UPL] 22–23, [M19]). Written by `PUT /api/v1/children/{id}/entrusted-care` only:
    /// every other change of the file keeps them as stored while the carer stays the same
    /// person (`entrusted::carry_care`).
    pub care: EntrustedCare,
}

/// What an entrusted arrangement rests on ([UPL] 22–23, [M19]; docs/domain.md §2.6): the
/// parents' written notices, who signed the confirmation (its date is
/// [`EntrustedGuardian::confirmed_on`]) and who guided it, and the carer's suitability under
/// [UPL] 22 (1)–(4). A finding is `true` when the exclusion applies to the carer, `false`
/// when it was checked and does not, `null` while not found out; its evidence says how.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(deny_unknown_fields, default)]
pub struct EntrustedCare {
    /// Date the written notice reached the school or kindergarten (书面告知学校、幼儿园) [UPL] 23.
    #[serde(with = "crate::iso_date")]
    pub school_notice_on: Option<NaiveDate>,
    /// Who received it there (name and post); required with the date.
    pub school_notice_received_by: Option<String>,
    /// Date the written notice reached the village or residents' committee (书面告知村（居）委会) [UPL] 23.
    #[serde(with = "crate::iso_date")]
    pub village_notice_on: Option<NaiveDate>,
    /// Who received it there; required with the date.
    pub village_notice_received_by: Option<String>,
    /// The confirmation (委托监护确认书) bears the parents' signature [M19].
    pub signed_by_parents: bool,
    /// The confirmation bears the carer's signature [M19].
    pub signed_by_carer: bool,
    /// The child director who guided parents and carer to sign it [M19].
    pub guided_by: Option<String>,
    /// [UPL] 22 (1): has committed sexual assault, abuse, abandonment, trafficking, violent injury or similar.
    pub past_offences: Option<bool>,
    pub past_offences_evidence: Option<String>,
    /// [UPL] 22 (2): has habits of drug use, heavy drinking or gambling.
    pub vices: Option<bool>,
    pub vices_evidence: Option<String>,
    /// [UPL] 22 (3): has refused or long neglected guardianship or care duties.
    pub neglected_duties: Option<bool>,
    pub neglected_duties_evidence: Option<String>,
    /// [UPL] 22 (4): is otherwise unsuitable to be entrusted.
    pub otherwise_unsuitable: Option<bool>,
    pub otherwise_unsuitable_evidence: Option<String>,
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
    /// The file names an entrusted carer, but a written notice (school or kindergarten,
    /// village committee) or the signed confirmation is not recorded [UPL] 23, [M19].
    EntrustedCareIncomplete,
    /// A left-behind child's last recorded contact with the parents is more than 7 days
    /// before today [UPL] 23. Decided against today's date from the last recorded contact when the file
    /// is read or filtered (`children.parents_contact_on`), never stored as a bit: time alone
    /// changes it. `rules::derive` never gives it; a record read from the store has it.
    ParentsContactLapsed,
}

impl Warning {
    pub const ALL: &'static [Warning] = &[
        Warning::Under16LivingAlone,
        Warning::Under8Unattended,
        Warning::EntrustedGuardianMinor,
        Warning::EntrustedGuardianDisqualified,
        Warning::NoGuardian,
        Warning::EntrustedCareIncomplete,
        Warning::ParentsContactLapsed,
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
            Warning::EntrustedCareIncomplete => "entrusted_care_incomplete",
            Warning::ParentsContactLapsed => "parents_contact_lapsed",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            Warning::Under16LivingAlone => "未满十六周岁单独居住生活",
            Warning::Under8Unattended => "未满八周岁无人照料",
            Warning::EntrustedGuardianMinor => "受委托监护人未成年",
            Warning::EntrustedGuardianDisqualified => "受委托监护人不符合法定条件",
            Warning::NoGuardian => "无人监护",
            Warning::EntrustedCareIncomplete => "委托监护手续不全",
            Warning::ParentsContactLapsed => "父母超过七日未联系",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|w| w.code() == s)
    }

    pub fn from_bits(bits: i64) -> Vec<Warning> {
        Self::ALL.iter().copied().filter(|w| bits & w.bit() != 0).collect()
    }

    /// The bits stored for `ws`: every warning but [`Warning::ParentsContactLapsed`], which
    /// is decided against today when read and never stored (decision 112).
    pub fn to_bits(ws: &[Warning]) -> i64 {
        ws.iter().filter(|w| **w != Warning::ParentsContactLapsed).fold(0, |acc, w| acc | w.bit())
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
