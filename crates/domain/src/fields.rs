//! The fields of a child's file as text: one list of fields, used to fill a form or a census
//! row from a file and to read a file back from a submitted form or an imported row, with a
//! message for every field that cannot be read.

use crate::child::ChildFile;
use crate::codes::{Assistance, CodeList, GuardianshipType, Health, IncomeSource, Relation, Schooling, Sex};
use crate::error::FieldErrors;
use crate::msg;
use chrono::NaiveDate;
use serde_json::{Map, Value};
use std::collections::{BTreeMap, HashMap};

/// How a form field is read.
#[derive(Clone, Copy)]
pub enum Kind {
    Text,
    Date,
    Bool,
    Int,
    /// One of a closed list: the label of a code (None when not on the list), and all options.
    Enum(fn(&str) -> Option<&'static str>, fn() -> Vec<(&'static str, &'static str)>),
    /// Several of a closed list (repeated checkboxes).
    Multi(fn(&str) -> Option<&'static str>, fn() -> Vec<(&'static str, &'static str)>),
}

/// Every field of the form: its dotted path (as in `ChildFile`'s JSON) and kind.
pub const FIELDS: &[(&str, Kind)] = &[
    ("name", Kind::Text),
    ("sex", Kind::Enum(<Sex as CodeList>::label_of, <Sex as CodeList>::options)),
    ("ethnicity", Kind::Text),
    ("birth_date", Kind::Date),
    ("id_number", Kind::Text),
    ("hukou_registered", Kind::Bool),
    ("hukou_place", Kind::Text),
    ("rural_hukou", Kind::Bool),
    ("address", Kind::Text),
    ("village_code", Kind::Text),
    ("health", Kind::Enum(<Health as CodeList>::label_of, <Health as CodeList>::options)),
    ("disability_category", Kind::Text),
    ("disability_grade", Kind::Text),
    ("illness", Kind::Text),
    ("boarding", Kind::Bool),
    ("schooling", Kind::Enum(<Schooling as CodeList>::label_of, <Schooling as CodeList>::options)),
    ("school_name", Kind::Text),
    ("school_org_id", Kind::Int),
    ("father.name", Kind::Text),
    ("father.birth_date", Kind::Date),
    ("father.id_number", Kind::Text),
    ("father.work_province", Kind::Text),
    ("father.work_prefecture", Kind::Text),
    ("father.phone", Kind::Text),
    ("father.away_for_work", Kind::Bool),
    ("father.capable", Kind::Bool),
    ("mother.name", Kind::Text),
    ("mother.birth_date", Kind::Date),
    ("mother.id_number", Kind::Text),
    ("mother.work_province", Kind::Text),
    ("mother.work_prefecture", Kind::Text),
    ("mother.phone", Kind::Text),
    ("mother.away_for_work", Kind::Bool),
    ("mother.capable", Kind::Bool),
    ("paternal_grandfather.name", Kind::Text),
    ("paternal_grandfather.birth_date", Kind::Date),
    ("paternal_grandmother.name", Kind::Text),
    ("paternal_grandmother.birth_date", Kind::Date),
    ("maternal_grandfather.name", Kind::Text),
    ("maternal_grandfather.birth_date", Kind::Date),
    ("maternal_grandmother.name", Kind::Text),
    ("maternal_grandmother.birth_date", Kind::Date),
    ("entrusted_guardian.name", Kind::Text),
    ("entrusted_guardian.id_number", Kind::Text),
    ("entrusted_guardian.phone", Kind::Text),
    ("entrusted_guardian.relation", Kind::Enum(<Relation as CodeList>::label_of, <Relation as CodeList>::options)),
    ("entrusted_guardian.address", Kind::Text),
    ("entrusted_guardian.confirmed_on", Kind::Date),
    ("entrusted_guardian.disqualified", Kind::Bool),
    (
        "guardianship_type",
        Kind::Enum(<GuardianshipType as CodeList>::label_of, <GuardianshipType as CodeList>::options),
    ),
    ("lives_alone", Kind::Bool),
    ("unattended", Kind::Bool),
    ("income_sources", Kind::Multi(<IncomeSource as CodeList>::label_of, <IncomeSource as CodeList>::options)),
    ("assistance", Kind::Multi(<Assistance as CodeList>::label_of, <Assistance as CodeList>::options)),
    ("notes", Kind::Text),
];

/// The values a form shows for a file: dotted path → text ("true" for a ticked box, codes
/// joined by commas for multi-selects).
pub fn values_of(file: &ChildFile) -> HashMap<String, String> {
    let v = serde_json::to_value(file).unwrap_or(Value::Null);
    flatten(&v).into_iter().collect()
}

/// Where the text comes from, which decides what an empty field means.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Source {
    /// An HTML form: an unticked box is not sent, so absent means no.
    Form,
    /// A census row: an empty cell means not stated, and the file's default holds (a parent
    /// is capable of guardianship unless the row says otherwise).
    Census,
}

/// Reads a submitted form into a file. Fields that cannot be read (a date that is not a date,
/// an option not on the list) are reported; everything else is left to the domain's checks.
/// Names that are not fields of the form (the CSRF token, the version) are ignored.
pub fn read(pairs: &[(String, String)]) -> (ChildFile, FieldErrors) {
    read_from(pairs, Source::Form)
}

/// The code of an option given by its code or its Chinese label.
fn option_code(options: fn() -> Vec<(&'static str, &'static str)>, v: &str) -> Option<&'static str> {
    options().into_iter().find(|(c, l)| *c == v || *l == v).map(|(c, _)| c)
}

const YES: &[&str] = &["true", "on", "1", "yes", "y", "是", "√", "有"];
const NO: &[&str] = &["false", "off", "0", "no", "n", "否", "×", "无"];

/// Reads (path, text) pairs into a file; see [`read`].
pub fn read_from(pairs: &[(String, String)], source: Source) -> (ChildFile, FieldErrors) {
    let mut errs = FieldErrors::default();
    let mut given: BTreeMap<&str, Vec<&str>> = BTreeMap::new();
    for (k, v) in pairs {
        given.entry(k.as_str()).or_default().push(v.as_str());
    }
    let mut root = Map::new();
    for (path, kind) in FIELDS {
        let values = given.get(path).cloned().unwrap_or_default();
        let first = values.first().map(|s| s.trim()).unwrap_or("");
        let value = match kind {
            Kind::Text if first.is_empty() => continue,
            Kind::Text => Value::String(first.to_string()),
            Kind::Date if first.is_empty() => continue,
            Kind::Date => match parse_date(first) {
                Some(d) => Value::String(d.format("%Y-%m-%d").to_string()),
                None => {
                    errs.add(*path, msg::DATE_INVALID);
                    continue;
                }
            },
            Kind::Bool if source == Source::Census && first.is_empty() => continue,
            Kind::Bool if source == Source::Census => {
                let v = first.to_lowercase();
                if YES.contains(&v.as_str()) {
                    Value::Bool(true)
                } else if NO.contains(&v.as_str()) {
                    Value::Bool(false)
                } else {
                    errs.add(*path, msg::YES_OR_NO);
                    continue;
                }
            }
            Kind::Bool => Value::Bool(values.iter().any(|v| YES.contains(&v.trim().to_lowercase().as_str()))),
            Kind::Int if first.is_empty() => continue,
            Kind::Int => match first.parse::<i64>() {
                Ok(n) => Value::from(n),
                Err(_) => {
                    errs.add(*path, msg::UNKNOWN_OPTION);
                    continue;
                }
            },
            Kind::Enum(..) if first.is_empty() => continue,
            Kind::Enum(_, options) => match option_code(*options, first) {
                Some(code) => Value::String(code.to_string()),
                None => {
                    errs.add(*path, msg::UNKNOWN_OPTION);
                    continue;
                }
            },
            Kind::Multi(_, options) => {
                let mut items = Vec::new();
                for v in values
                    .iter()
                    .flat_map(|v| v.split([',', '，', '、', ';', '；', '/']))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                {
                    match option_code(*options, v) {
                        Some(code) => items.push(Value::String(code.to_string())),
                        None => errs.add(*path, msg::UNKNOWN_OPTION),
                    }
                }
                if items.is_empty() && source == Source::Census {
                    continue;
                }
                Value::Array(items)
            }
        };
        insert_path(&mut root, path, value);
    }
    // The entrusted guardian exists when any of its fields was filled in.
    if let Some(Value::Object(g)) = root.get("entrusted_guardian") {
        let any = g.iter().any(|(_, v)| !matches!(v, Value::Bool(false)));
        if !any {
            root.remove("entrusted_guardian");
        }
    }
    // Codes were checked above, so this only fails on a bug; never lose the submission.
    let file = serde_json::from_value(Value::Object(root)).unwrap_or_default();
    (file, errs)
}

/// Flattens a JSON value into dotted paths and display strings; lists become comma-joined
/// codes. Empty strings and nulls are absent, so that "" → null is not a change.
pub fn flatten(v: &serde_json::Value) -> BTreeMap<String, String> {
    let mut out = BTreeMap::new();
    walk("", v, &mut out);
    out
}

fn walk(prefix: &str, v: &serde_json::Value, out: &mut BTreeMap<String, String>) {
    use serde_json::Value;
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                let p = if prefix.is_empty() { k.clone() } else { format!("{prefix}.{k}") };
                walk(&p, v, out);
            }
        }
        Value::Null => {}
        Value::String(s) if s.is_empty() => {}
        Value::String(s) => {
            out.insert(prefix.to_string(), s.clone());
        }
        Value::Array(items) => {
            let joined: Vec<String> = items
                .iter()
                .map(|i| match i {
                    Value::String(s) => s.clone(),
                    other => other.to_string(),
                })
                .collect();
            if !joined.is_empty() {
                out.insert(prefix.to_string(), joined.join(","));
            }
        }
        other => {
            out.insert(prefix.to_string(), other.to_string());
        }
    }
}

/// Accepts 2015-03-08, 2015/3/8, 2015.3.8 and 20150308, which people type.
pub fn parse_date(s: &str) -> Option<NaiveDate> {
    let s = s.trim();
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let norm: String = s.chars().map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c }).collect();
    let norm = norm.trim_end_matches('日');
    NaiveDate::parse_from_str(norm, "%Y-%m-%d").ok()
}

fn insert_path(root: &mut Map<String, Value>, path: &str, value: Value) {
    match path.split_once('.') {
        None => {
            root.insert(path.to_string(), value);
        }
        Some((head, rest)) => {
            let entry = root.entry(head.to_string()).or_insert_with(|| Value::Object(Map::new()));
            if let Value::Object(m) = entry {
                insert_path(m, rest, value);
            }
        }
    }
}

/// How a stored value reads to a person: labels for codes, 是/否 for ticks.
pub fn display(path: &str, raw: &str) -> String {
    let kind = FIELDS.iter().find(|(p, _)| *p == path).map(|(_, k)| *k);
    match kind {
        Some(Kind::Bool) => if raw == "true" { msg::YES } else { msg::NO }.to_string(),
        Some(Kind::Enum(label, _)) => label(raw).unwrap_or(raw).to_string(),
        Some(Kind::Multi(label, _)) => raw.split(',').map(|c| label(c).unwrap_or(c)).collect::<Vec<_>>().join("、"),
        _ => raw.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn reads_nested_fields_and_checkboxes() {
        let (f, errs) = read(&pairs(&[
            ("name", "张小明"),
            ("sex", "male"),
            ("birth_date", "2015/3/8"),
            ("father.away_for_work", "true"),
            ("father.capable", "true"),
            ("income_sources", "wages"),
            ("income_sources", "farming"),
            ("csrf", "x"),
        ]));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(f.name, "张小明");
        assert_eq!(f.birth_date, NaiveDate::from_ymd_opt(2015, 3, 8));
        assert!(f.father.away_for_work);
        assert!(!f.mother.capable, "an unticked box is false");
        assert_eq!(f.income_sources.len(), 2);
        assert!(f.entrusted_guardian.is_none());
    }

    #[test]
    fn unreadable_fields_are_named() {
        let (_, errs) = read(&pairs(&[("birth_date", "2015-02-30"), ("sex", "x"), ("father.birth_date", "昨天")]));
        assert_eq!(errs.get("birth_date"), Some(msg::DATE_INVALID));
        assert_eq!(errs.get("sex"), Some(msg::UNKNOWN_OPTION));
        assert_eq!(errs.get("father.birth_date"), Some(msg::DATE_INVALID));
    }

    #[test]
    fn a_file_survives_the_round_trip_through_the_form() {
        let (f, _) = read(&pairs(&[
            ("name", "李四"),
            ("entrusted_guardian.name", "李奶奶"),
            ("entrusted_guardian.relation", "paternal_grandparent"),
            ("father.capable", "true"),
            ("mother.capable", "true"),
            ("assistance", "medical"),
        ]));
        let back: Vec<(String, String)> = values_of(&f)
            .into_iter()
            .flat_map(|(k, v)| {
                if k == "assistance" || k == "income_sources" {
                    v.split(',').map(|x| (k.clone(), x.to_string())).collect::<Vec<_>>()
                } else {
                    vec![(k, v)]
                }
            })
            .collect();
        let (g, errs) = read(&back);
        assert!(errs.is_empty());
        assert_eq!(f, g);
    }

    #[test]
    fn census_rows_use_labels_and_leave_empty_cells_to_the_defaults() {
        let (f, errs) = read_from(
            &pairs(&[
                ("sex", "女"),
                ("schooling", "小学"),
                ("father.away_for_work", "是"),
                ("father.capable", ""),
                ("mother.away_for_work", "否"),
                ("income_sources", "务工收入、种植养殖"),
                ("assistance", ""),
            ]),
            Source::Census,
        );
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(f.sex, Some(Sex::Female));
        assert_eq!(f.schooling, Some(Schooling::Primary));
        assert!(f.father.away_for_work);
        assert!(f.father.capable, "an empty cell keeps the default: capable");
        assert!(!f.mother.away_for_work);
        assert_eq!(f.income_sources, vec![IncomeSource::Wages, IncomeSource::Farming]);
    }

    #[test]
    fn census_rows_name_unreadable_ticks() {
        let (_, errs) = read_from(&pairs(&[("boarding", "也许")]), Source::Census);
        assert_eq!(errs.get("boarding"), Some(msg::YES_OR_NO));
    }
}
