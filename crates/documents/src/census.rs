//! The census registration form's values (templates/census_form.tpl) from a child's file
//! as the reader may see it (numbers already masked for the role).

use crate::template::Values;
use chrono::NaiveDate;
use shouhu_domain::child::{ChildRecord, Grandparent, Parent};
use shouhu_domain::codes::{Assistance, GuardianshipType, Health, IncomeSource, Schooling};
use shouhu_domain::msg;

/// The template's keys and the file's fields they print (for naming a field in a refusal).
const KEYS: &[(&str, &str)] = &[
    ("name", "name"),
    ("ethnicity", "ethnicity"),
    ("id_number", "id_number"),
    ("hukou_place", "hukou_place"),
    ("address", "address"),
    ("health", "illness"),
    ("school_name", "school_name"),
    ("pgf_name", "paternal_grandfather.name"),
    ("pgm_name", "paternal_grandmother.name"),
    ("mgf_name", "maternal_grandfather.name"),
    ("mgm_name", "maternal_grandmother.name"),
    ("father_name", "father.name"),
    ("father_work", "father.work_province"),
    ("mother_name", "mother.name"),
    ("mother_work", "mother.work_province"),
    ("e_name", "entrusted_guardian.name"),
    ("e_address", "entrusted_guardian.address"),
    ("notes", "notes"),
];

/// What the user calls the field a template key prints.
pub fn label(key: &str) -> String {
    KEYS.iter()
        .find(|(k, _)| *k == key)
        .map_or_else(|| key.to_string(), |(_, p)| msg::field_full_label(p).replace(' ', ""))
}

fn date(d: Option<NaiveDate>) -> String {
    d.map(msg::date_cn).unwrap_or_default()
}

fn opt(s: &Option<String>) -> String {
    s.clone().unwrap_or_default()
}

fn tick(on: bool) -> char {
    if on { '☑' } else { '□' }
}

/// Boxes for every option, the chosen ones ticked: how the paper form is filled.
fn boxes<T: Copy + PartialEq>(all: &[T], chosen: &[T], label: impl Fn(T) -> &'static str) -> String {
    all.iter().map(|o| format!("{}{}", tick(chosen.contains(o)), label(*o))).collect::<Vec<_>>().join("　")
}

fn parent_work(p: &Parent) -> String {
    [opt(&p.work_province), opt(&p.work_prefecture)].into_iter().filter(|s| !s.is_empty()).collect::<Vec<_>>().join(" ")
}

fn grandparent(v: &mut Values, key: &str, g: &Grandparent) {
    v.set(&format!("{key}_name"), g.name.clone());
    v.set(&format!("{key}_birth"), date(g.birth_date));
}

/// The form's values for `rec`; `village` is the village's name with its township.
pub fn values(rec: &ChildRecord, village: &str) -> Values {
    let f = &rec.file;
    let mut v = Values::default();
    v.set("village", village);
    v.set("name", f.name.clone());
    v.set("sex", f.sex.map(|s| s.label()).unwrap_or_default());
    v.set("ethnicity", f.ethnicity.clone());
    v.set("birth_date", date(f.birth_date));
    v.set("id_number", opt(&f.id_number));
    v.set("hukou_registered", msg::document_yes_no(f.hukou_registered));
    v.set("rural_hukou", msg::document_yes_no(f.rural_hukou));
    v.set("hukou_place", opt(&f.hukou_place));
    v.set("address", f.address.clone());
    let mut health = boxes(Health::ALL, &f.health.into_iter().collect::<Vec<_>>(), |h| h.label());
    let detail: Vec<String> = [opt(&f.disability_category), opt(&f.disability_grade), opt(&f.illness)]
        .into_iter()
        .filter(|s| !s.is_empty())
        .collect();
    if !detail.is_empty() {
        health.push_str(&format!("（{}）", detail.join("，")));
    }
    v.set("health", health);
    v.set("schooling", boxes(Schooling::ALL, &f.schooling.into_iter().collect::<Vec<_>>(), |s| s.label()));
    v.set("boarding", msg::document_yes_no(Some(f.boarding)));
    v.set("school_name", opt(&f.school_name));
    grandparent(&mut v, "pgf", &f.paternal_grandfather);
    grandparent(&mut v, "pgm", &f.paternal_grandmother);
    grandparent(&mut v, "mgf", &f.maternal_grandfather);
    grandparent(&mut v, "mgm", &f.maternal_grandmother);
    for (key, p) in [("father", &f.father), ("mother", &f.mother)] {
        v.set(&format!("{key}_name"), p.name.clone());
        v.set(&format!("{key}_birth"), date(p.birth_date));
        v.set(&format!("{key}_id"), opt(&p.id_number));
        v.set(&format!("{key}_work"), parent_work(p));
        v.set(&format!("{key}_phone"), opt(&p.phone));
    }
    v.set("away", msg::document_parents_facts(f.father.away_for_work, f.mother.away_for_work, msg::DOCUMENT_AWAY));
    v.set("capable", msg::document_parents_facts(f.father.capable, f.mother.capable, msg::DOCUMENT_CAPABLE));
    let e = f.entrusted_guardian.as_ref();
    v.set("has_entrusted", msg::document_yes_no(Some(e.is_some())));
    v.set("e_name", e.map(|e| e.name.clone()).unwrap_or_default());
    v.set("e_id", e.and_then(|e| e.id_number.clone()).unwrap_or_default());
    v.set("e_phone", e.and_then(|e| e.phone.clone()).unwrap_or_default());
    v.set("e_relation", e.and_then(|e| e.relation).map(|r| r.label()).unwrap_or_default());
    v.set("e_address", e.and_then(|e| e.address.clone()).unwrap_or_default());
    v.set(
        "guardianship",
        boxes(GuardianshipType::ALL, &f.guardianship_type.into_iter().collect::<Vec<_>>(), |g| g.label()),
    );
    v.set("income", boxes(IncomeSource::ALL, &f.income_sources, |i| i.label()));
    v.set("assistance", boxes(Assistance::ALL, &f.assistance, |a| a.label()));
    v.set("notes", opt(&f.notes));
    v
}
