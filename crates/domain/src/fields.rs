//! The fields of a child's file as text: one list of fields, used to fill a form or a census
//! row from a file and to read a file back from a submitted form or an imported row, with a
//! message for every field that cannot be read.

use crate::child::{ChildFile, EntrustedGuardian};
use crate::codes::{Assistance, CodeList, GuardianshipType, Health, IncomeSource, Relation, Schooling, Sex};
use crate::error::FieldErrors;
use crate::msg;
use chrono::NaiveDate;
use std::collections::{BTreeMap, HashMap};

/// How a form field is read.
#[derive(Clone, Copy)]
pub enum Kind {
    Text,
    Date,
    Bool,
    /// 是, 否 or not filled in (未填写, `None`): a select with all three, never a checkbox,
    /// which would turn 未填写 into 否 whenever the file is saved. Empty is 未填写, in a form
    /// and in a census cell alike.
    YesNoUnknown,
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
    ("hukou_registered", Kind::YesNoUnknown),
    ("hukou_place", Kind::Text),
    ("rural_hukou", Kind::YesNoUnknown),
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
    let v = serde_json::to_value(file).unwrap_or(serde_json::Value::Null);
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

const YES: &[&str] = &["true", "on", "1", "yes", "y", "是", "√", "有"];
const NO: &[&str] = &["false", "off", "0", "no", "n", "否", "×", "无"];

/// A tick read from text: yes, no, or neither.
fn yes_no(v: &str) -> Option<bool> {
    if YES.iter().any(|y| y.eq_ignore_ascii_case(v)) {
        Some(true)
    } else if NO.iter().any(|n| n.eq_ignore_ascii_case(v)) {
        Some(false)
    } else {
        None
    }
}

/// A field's text once read by its kind. Text is never empty: an empty field sets nothing.
pub enum Value<'a> {
    Text(&'a str),
    Date(NaiveDate),
    Bool(bool),
    /// 是, 否 or 未填写.
    Maybe(Option<bool>),
    Int(i64),
    /// The items of a multi-select, each a code or a label.
    List(Vec<&'a str>),
}

impl Value<'_> {
    fn string(&self) -> String {
        match self {
            Value::Text(s) => (*s).to_string(),
            _ => String::new(),
        }
    }

    fn text(&self) -> Option<String> {
        Some(self.string())
    }

    fn date(&self) -> Option<NaiveDate> {
        match self {
            Value::Date(d) => Some(*d),
            _ => None,
        }
    }

    fn flag(&self) -> bool {
        matches!(self, Value::Bool(true))
    }

    fn maybe(&self) -> Option<bool> {
        match self {
            Value::Maybe(b) => *b,
            _ => None,
        }
    }

    fn int(&self) -> Option<i64> {
        match self {
            Value::Int(n) => Some(*n),
            _ => None,
        }
    }

    /// The entry of a closed list named by its code or its label.
    fn code<T: CodeList>(&self) -> Option<T> {
        match self {
            Value::Text(s) => T::all().iter().copied().find(|v| v.code() == *s || v.label() == *s),
            _ => None,
        }
    }

    /// Every entry of a multi-select; `None` when one is not on the list.
    fn codes<T: CodeList>(&self) -> Option<Vec<T>> {
        match self {
            Value::List(items) => {
                items.iter().map(|s| T::all().iter().copied().find(|v| v.code() == *s || v.label() == *s)).collect()
            }
            _ => None,
        }
    }
}

/// Writes a read value into its field of the file; false when the value is not on the
/// field's list.
pub type Setter = fn(&mut ChildFile, &Value<'_>) -> bool;

/// Names a closure as a [`Setter`], so that its argument types are inferred.
const fn set(f: Setter) -> Setter {
    f
}

/// The entrusted guardian, made when one of its fields is first given.
fn guardian(f: &mut ChildFile) -> &mut EntrustedGuardian {
    f.entrusted_guardian.get_or_insert_with(EntrustedGuardian::default)
}

/// Where each field's value goes in the file. Every path of [`FIELDS`] has one (tested).
fn setter(path: &str) -> Option<Setter> {
    // `put!(member = how)`: the member takes the value as `Value::how` reads it.
    // `pick!(member)`: the member takes an entry of its closed list; false when not on it.
    macro_rules! put {
        ($($m:ident).+ = $how:ident) => {
            set(|f, v| {
                f.$($m).+ = v.$how();
                true
            })
        };
    }
    // `guard!(member = how)`: the same for a member of the entrusted guardian, who exists
    // once any of their fields is given.
    macro_rules! guard {
        ($m:ident = $how:ident) => {
            set(|f, v| {
                guardian(f).$m = v.$how();
                true
            })
        };
    }
    macro_rules! pick {
        ($($m:ident).+) => {
            set(|f, v| {
                f.$($m).+ = v.code();
                f.$($m).+.is_some()
            })
        };
    }
    macro_rules! parent {
        ($p:ident, $rest:expr) => {
            match $rest {
                "name" => put!($p.name = string),
                "birth_date" => put!($p.birth_date = date),
                "id_number" => put!($p.id_number = text),
                "work_province" => put!($p.work_province = text),
                "work_prefecture" => put!($p.work_prefecture = text),
                "phone" => put!($p.phone = text),
                "away_for_work" => put!($p.away_for_work = flag),
                "capable" => put!($p.capable = flag),
                _ => return None,
            }
        };
    }
    macro_rules! grandparent {
        ($p:ident, $rest:expr) => {
            match $rest {
                "name" => put!($p.name = string),
                "birth_date" => put!($p.birth_date = date),
                _ => return None,
            }
        };
    }
    let (head, rest) = path.split_once('.').unwrap_or((path, ""));
    Some(match (head, rest) {
        ("father", r) => parent!(father, r),
        ("mother", r) => parent!(mother, r),
        ("paternal_grandfather", r) => grandparent!(paternal_grandfather, r),
        ("paternal_grandmother", r) => grandparent!(paternal_grandmother, r),
        ("maternal_grandfather", r) => grandparent!(maternal_grandfather, r),
        ("maternal_grandmother", r) => grandparent!(maternal_grandmother, r),
        // The entrusted guardian exists when any of its fields is filled in (an unticked box
        // is not filling it in).
        ("entrusted_guardian", "name") => guard!(name = string),
        ("entrusted_guardian", "id_number") => guard!(id_number = text),
        ("entrusted_guardian", "phone") => guard!(phone = text),
        ("entrusted_guardian", "relation") => set(|f, v| {
            let r = v.code();
            if r.is_some() {
                guardian(f).relation = r;
            }
            r.is_some()
        }),
        ("entrusted_guardian", "address") => guard!(address = text),
        ("entrusted_guardian", "confirmed_on") => guard!(confirmed_on = date),
        ("entrusted_guardian", "disqualified") => set(|f, v| {
            if v.flag() {
                guardian(f).disqualified = true;
            }
            true
        }),
        ("name", "") => put!(name = string),
        ("sex", "") => pick!(sex),
        ("ethnicity", "") => put!(ethnicity = string),
        ("birth_date", "") => put!(birth_date = date),
        ("id_number", "") => put!(id_number = text),
        ("hukou_registered", "") => put!(hukou_registered = maybe),
        ("hukou_place", "") => put!(hukou_place = text),
        ("rural_hukou", "") => put!(rural_hukou = maybe),
        ("address", "") => put!(address = string),
        ("village_code", "") => put!(village_code = string),
        ("health", "") => pick!(health),
        ("disability_category", "") => put!(disability_category = text),
        ("disability_grade", "") => put!(disability_grade = text),
        ("illness", "") => put!(illness = text),
        ("boarding", "") => put!(boarding = flag),
        ("schooling", "") => pick!(schooling),
        ("school_name", "") => put!(school_name = text),
        ("school_org_id", "") => put!(school_org_id = int),
        ("guardianship_type", "") => pick!(guardianship_type),
        ("lives_alone", "") => put!(lives_alone = flag),
        ("unattended", "") => put!(unattended = flag),
        ("income_sources", "") => set(|f, v| v.codes().map(|c| f.income_sources = c).is_some()),
        ("assistance", "") => set(|f, v| v.codes().map(|c| f.assistance = c).is_some()),
        ("notes", "") => put!(notes = text),
        _ => return None,
    })
}

/// A field of the file ready to be read from text: looked up once, used for every row.
#[derive(Clone, Copy)]
pub struct Field {
    pub path: &'static str,
    kind: Kind,
    set: Setter,
}

impl std::fmt::Debug for Field {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Field").field(&self.path).finish()
    }
}

impl Field {
    /// The field at `path`, if the file has one.
    pub fn at(path: &str) -> Option<Field> {
        let (path, kind) = FIELDS.iter().find(|(p, _)| *p == path)?;
        Some(Field { path, kind: *kind, set: setter(path)? })
    }

    /// Reads the field's text (several values for a multi-select or a repeated checkbox)
    /// into the file, or says in `errs` why it cannot be read. What a value means beyond its
    /// kind (a check digit, a date in the future) is for the domain's checks.
    pub fn read(&self, file: &mut ChildFile, errs: &mut FieldErrors, values: &[&str], source: Source) {
        let first = values.first().map(|s| s.trim()).unwrap_or("");
        let census = source == Source::Census;
        let value = match self.kind {
            Kind::Text | Kind::Enum(..) | Kind::Date | Kind::Int if first.is_empty() => return,
            Kind::Text | Kind::Enum(..) => Value::Text(first),
            Kind::Date => match parse_date(first) {
                Some(d) => Value::Date(d),
                None => return errs.add(self.path, msg::DATE_INVALID),
            },
            Kind::Int => match first.parse::<i64>() {
                Ok(n) => Value::Int(n),
                Err(_) => return errs.add(self.path, msg::UNKNOWN_OPTION),
            },
            Kind::Bool if census && first.is_empty() => return,
            Kind::Bool if census => match yes_no(first) {
                Some(b) => Value::Bool(b),
                None => return errs.add(self.path, msg::YES_OR_NO),
            },
            Kind::Bool => Value::Bool(values.iter().any(|v| yes_no(v.trim()) == Some(true))),
            Kind::YesNoUnknown if first.is_empty() || first == msg::NOT_FILLED_IN => Value::Maybe(None),
            Kind::YesNoUnknown => match yes_no(first) {
                Some(b) => Value::Maybe(Some(b)),
                None => return errs.add(self.path, msg::YES_NO_OR_NOT_FILLED_IN),
            },
            Kind::Multi(..) => {
                let items: Vec<&str> = values
                    .iter()
                    .flat_map(|v| v.split([',', '，', '、', ';', '；', '/']))
                    .map(str::trim)
                    .filter(|v| !v.is_empty())
                    .collect();
                if items.is_empty() && census {
                    return;
                }
                Value::List(items)
            }
        };
        if !(self.set)(file, &value) {
            errs.add(self.path, msg::UNKNOWN_OPTION);
        }
    }
}

/// Reads (path, text) pairs into a file; see [`read`].
pub fn read_from(pairs: &[(String, String)], source: Source) -> (ChildFile, FieldErrors) {
    let mut errs = FieldErrors::default();
    let mut given: HashMap<&str, Vec<&str>> = HashMap::new();
    for (k, v) in pairs {
        given.entry(k.as_str()).or_default().push(v.as_str());
    }
    let mut file = ChildFile::default();
    for (path, _) in FIELDS {
        if let Some(field) = Field::at(path) {
            field.read(&mut file, &mut errs, given.get(path).map_or(&[][..], |v| v.as_slice()), source);
        }
    }
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
    // YYYY-MM-DD, as every export and most sheets write it, without the general parser.
    let b = s.as_bytes();
    if b.len() == 10 && b[4] == b'-' && b[7] == b'-' {
        let num = |r: std::ops::Range<usize>| {
            let part = s.get(r)?;
            part.bytes().all(|c| c.is_ascii_digit()).then(|| part.parse::<u32>().ok())?
        };
        if let (Some(y), Some(m), Some(d)) = (num(0..4), num(5..7), num(8..10)) {
            return NaiveDate::from_ymd_opt(y as i32, m, d);
        }
    }
    if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        return NaiveDate::parse_from_str(s, "%Y%m%d").ok();
    }
    let norm: String = s.chars().map(|c| if matches!(c, '/' | '.' | '年' | '月') { '-' } else { c }).collect();
    let norm = norm.trim_end_matches('日');
    NaiveDate::parse_from_str(norm, "%Y-%m-%d").ok()
}

/// How a stored value reads to a person: labels for codes, 是/否 for ticks.
pub fn display(path: &str, raw: &str) -> String {
    // The entrusted-care facts (not on the file's form): signatures and findings read 是/否.
    if path.starts_with(CARE) && (raw == "true" || raw == "false") {
        return if raw == "true" { msg::YES } else { msg::NO }.to_string();
    }
    let kind = FIELDS.iter().find(|(p, _)| *p == path).map(|(_, k)| *k);
    match kind {
        Some(Kind::Bool | Kind::YesNoUnknown) => if raw == "true" { msg::YES } else { msg::NO }.to_string(),
        Some(Kind::Enum(label, _)) => label(raw).unwrap_or(raw).to_string(),
        Some(Kind::Multi(label, _)) => raw.split(',').map(|c| label(c).unwrap_or(c)).collect::<Vec<_>>().join("、"),
        _ => raw.to_string(),
    }
}

/// Where the entrusted-care facts sit in a file's paths.
const CARE: &str = "entrusted_guardian.care.";

/// How a field without a value reads to a person: 未填写 for a yes/no/unknown field, where
/// empty is an answer of its own; nothing for the others, whose empty fields are left out.
pub fn display_empty(path: &str) -> Option<&'static str> {
    // A finding of [UPL] 22 without an answer was not found out.
    if let Some(f) = path.strip_prefix(CARE)
        && ["past_offences", "vices", "neglected_duties", "otherwise_unsuitable"].contains(&f)
    {
        return Some(msg::CARE_FOUND_UNKNOWN);
    }
    let kind = FIELDS.iter().find(|(p, _)| *p == path).map(|(_, k)| *k);
    matches!(kind, Some(Kind::YesNoUnknown)).then_some(msg::NOT_FILLED_IN)
}

/// How a field of a file reads to a person, from the file's [`values_of`]: [`display`] of
/// its value, or [`display_empty`] when it has none.
pub fn display_in(values: &HashMap<String, String>, path: &str) -> Option<String> {
    match values.get(path) {
        Some(raw) => Some(display(path, raw)),
        None => display_empty(path).map(str::to_string),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn pairs(v: &[(&str, &str)]) -> Vec<(String, String)> {
        v.iter().map(|(a, b)| (a.to_string(), b.to_string())).collect()
    }

    #[test]
    fn entrusted_care_facts_read_in_words() {
        assert_eq!(display("entrusted_guardian.care.signed_by_carer", "true"), msg::YES);
        assert_eq!(display("entrusted_guardian.care.vices", "false"), msg::NO);
        assert_eq!(display("entrusted_guardian.care.guided_by", "赵敏"), "赵敏");
        assert_eq!(display_empty("entrusted_guardian.care.vices"), Some(msg::CARE_FOUND_UNKNOWN));
        assert_eq!(display_empty("entrusted_guardian.care.vices_evidence"), None);
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
    fn every_field_of_the_form_has_a_place_in_the_file() {
        for (path, _) in FIELDS {
            assert!(Field::at(path).is_some(), "{path} is read nowhere");
        }
        assert!(Field::at("father.nickname").is_none());
    }

    #[test]
    fn the_entrusted_guardian_exists_only_when_something_of_it_is_given() {
        let (f, _) = read(&pairs(&[("name", "李四")]));
        assert!(f.entrusted_guardian.is_none(), "an unticked box alone gives no guardian");
        let (f, _) = read(&pairs(&[("entrusted_guardian.disqualified", "on")]));
        assert!(f.entrusted_guardian.is_some_and(|g| g.disqualified));
        let (f, errs) = read_from(&pairs(&[("entrusted_guardian.relation", "祖父母")]), Source::Census);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!(f.entrusted_guardian.and_then(|g| g.relation), Relation::parse("祖父母"));
    }

    #[test]
    fn dates_are_read_in_the_forms_people_type_and_impossible_ones_refused() {
        let d = NaiveDate::from_ymd_opt(2015, 3, 8);
        for s in ["2015-03-08", " 2015-03-08 ", "2015/3/8", "2015.3.8", "20150308", "2015年3月8日", "2015-3-8"] {
            assert_eq!(parse_date(s), d, "{s}");
        }
        for s in ["2015-02-30", "2015-+3-08", "2015-03-0x", "08-03-2015", ""] {
            assert_eq!(parse_date(s), None, "{s}");
        }
    }

    #[test]
    fn a_multi_select_with_an_item_off_the_list_is_refused_once() {
        let (_, errs) = read_from(&pairs(&[("income_sources", "务工收入、彩票")]), Source::Census);
        assert_eq!(errs.0.len(), 1);
        assert_eq!(errs.get("income_sources"), Some(msg::UNKNOWN_OPTION));
    }

    #[test]
    fn hukou_is_yes_no_or_not_filled_in_and_empty_is_not_no() {
        // A blank census cell, as the template says, is not filled in; so is the export's 未填写.
        for (cell, want) in [("", None), ("  ", None), ("未填写", None), ("是", Some(true)), ("否", Some(false))] {
            let (f, errs) = read_from(&pairs(&[("hukou_registered", cell), ("rural_hukou", cell)]), Source::Census);
            assert!(errs.is_empty(), "{cell}: {errs:?}");
            assert_eq!((f.hukou_registered, f.rural_hukou), (want, want), "{cell:?}");
        }
        let (f, _) = read_from(&pairs(&[("name", "李四")]), Source::Census);
        assert_eq!((f.hukou_registered, f.rural_hukou), (None, None), "no column is not filled in either");
        let (_, errs) = read_from(&pairs(&[("rural_hukou", "也许")]), Source::Census);
        assert_eq!(errs.get("rural_hukou"), Some(msg::YES_NO_OR_NOT_FILLED_IN));
        // The form's select sends true, false or nothing chosen.
        let (f, errs) = read(&pairs(&[("hukou_registered", "false"), ("rural_hukou", "")]));
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!((f.hukou_registered, f.rural_hukou), (Some(false), None));
    }

    #[test]
    fn not_filled_in_reads_as_such_and_round_trips_through_the_form() {
        let f = ChildFile { name: "李四".into(), hukou_registered: Some(false), ..Default::default() };
        let values = values_of(&f);
        assert_eq!(display_in(&values, "hukou_registered").as_deref(), Some(msg::NO));
        assert_eq!(display_in(&values, "rural_hukou").as_deref(), Some(msg::NOT_FILLED_IN));
        assert_eq!(display_in(&values, "notes"), None, "other empty fields are left out");
        let back: Vec<(String, String)> = values.into_iter().collect();
        let (g, errs) = read(&back);
        assert!(errs.is_empty(), "{errs:?}");
        assert_eq!((g.hukou_registered, g.rural_hukou), (Some(false), None));
    }

    #[test]
    fn census_rows_name_unreadable_ticks() {
        let (_, errs) = read_from(&pairs(&[("boarding", "也许")]), Source::Census);
        assert_eq!(errs.get("boarding"), Some(msg::YES_OR_NO));
    }
}
