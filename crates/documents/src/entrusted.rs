//! The entrusted-guardianship confirmation's values (templates/entrusted_confirmation.tpl)
//! from a child's file as the reader may see it.

use crate::template::Values;
use chrono::NaiveDate;
use shouhu_domain::child::{ChildRecord, EntrustedGuardian};
use shouhu_domain::document::chinese_date;
use shouhu_domain::msg;

fn notice(on: Option<NaiveDate>, by: &Option<String>) -> String {
    match on {
        Some(d) => msg::document_notice_given(&msg::date_cn(d), by.as_deref().unwrap_or("")),
        None => msg::DOCUMENT_NOTICE_NOT_GIVEN.to_string(),
    }
}

/// The confirmation's values, or `None` when the file names no entrusted carer (there is
/// nothing to confirm; the page offers no link then).
pub fn values(rec: &ChildRecord, village: &str) -> Option<Values> {
    let f = &rec.file;
    let e: &EntrustedGuardian = f.entrusted_guardian.as_ref()?;
    let mut v = Values::default();
    v.set("father_name", f.father.name.clone());
    v.set("father_phone", f.father.phone.clone().unwrap_or_default());
    v.set("mother_name", f.mother.name.clone());
    v.set("mother_phone", f.mother.phone.clone().unwrap_or_default());
    v.set("carer_name", e.name.clone());
    v.set("carer_phone", e.phone.clone().unwrap_or_default());
    v.set("carer_relation", e.relation.map(|r| r.label()).unwrap_or_default());
    v.set("carer_address", e.address.clone().unwrap_or_default());
    v.set("child_name", f.name.clone());
    v.set("child_sex", f.sex.map(|s| s.label()).unwrap_or_default());
    v.set("child_birth", f.birth_date.map(msg::date_cn).unwrap_or_default());
    v.set("child_address", f.address.clone());
    v.set("school", f.school_name.clone().unwrap_or_default());
    v.set("away", msg::document_who_away(f.father.away_for_work, f.mother.away_for_work));
    v.set("since", e.confirmed_on.map(msg::date_cn).unwrap_or_else(|| msg::DOCUMENT_DATE_BLANK.to_string()));
    v.set("school_notice", notice(e.care.school_notice_on, &e.care.school_notice_received_by));
    v.set("village_notice", notice(e.care.village_notice_on, &e.care.village_notice_received_by));
    v.set("village_committee", msg::document_village_committee(village));
    v.set("date", e.confirmed_on.map(chinese_date).unwrap_or_else(|| msg::DOCUMENT_DATE_BLANK.to_string()));
    Some(v)
}
