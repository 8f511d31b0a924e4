//! Checks and normalises a child's file before it is stored. Every problem is reported with
//! the field it belongs to, and all problems are reported at once.

use crate::age::{self, AgeRule};
use crate::child::{ChildFile, EntrustedGuardian, Grandparent, Parent};
use crate::codes::{Health, Sex};
use crate::error::FieldErrors;
use crate::id_number::{self, IdNumberError};
use crate::msg;
use chrono::NaiveDate;

/// Longest free text in a short field, in characters.
pub const SHORT_TEXT: usize = 100;
/// Longest notes field, in characters.
pub const LONG_TEXT: usize = 2000;

/// The Chinese message for an ID-number error.
pub fn id_error_message(e: &IdNumberError) -> String {
    match e {
        IdNumberError::Empty => msg::ID_EMPTY.into(),
        IdNumberError::Length { .. } => msg::ID_LENGTH.into(),
        IdNumberError::Characters => msg::ID_CHARACTERS.into(),
        IdNumberError::Province => msg::ID_PROVINCE.into(),
        IdNumberError::BirthDate => msg::ID_BIRTH_DATE.into(),
        IdNumberError::FutureBirthDate => msg::ID_FUTURE.into(),
        IdNumberError::CheckCharacter { .. } => "身份证号码校验位不正确，请逐位核对（最后一位可能是X）".into(),
    }
}

/// Trims a text and checks its length and characters; empty becomes `None`.
pub(crate) fn text(errs: &mut FieldErrors, field: &str, v: &mut Option<String>, max: usize) {
    if let Some(s) = v.take() {
        // Most text arrives trimmed (an import trims every cell): keep it without a copy.
        let t = if s.trim().len() == s.len() { s } else { s.trim().to_string() };
        if t.is_empty() {
            return;
        }
        if t.chars().count() > max {
            errs.add(field, msg::too_long(max));
        } else if t.chars().any(|c| c.is_control() && c != '\n' && c != '\r' && c != '\t') {
            errs.add(field, msg::CONTROL_CHARS);
        }
        *v = Some(t);
    }
}

/// Characters a name may not hold: controls (C0 and C1, tabs and line breaks included), the
/// marks and overrides that change the direction text is shown in (U+202E would show
/// "张三\u{202E}abc" as "张三cba"), and U+FFFD, which stands for bytes that could not be
/// read.
pub fn refused_in_name(c: char) -> bool {
    c.is_control()
        || matches!(c, '\u{061C}' | '\u{200E}' | '\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2066}'..='\u{2069}')
        || c == char::REPLACEMENT_CHARACTER
}

/// A name: a text whose characters are all shown as they are.
fn name(errs: &mut FieldErrors, field: &str, v: &mut String, max: usize, required: bool) {
    let mut o = Some(std::mem::take(v));
    text(errs, field, &mut o, max);
    match o {
        Some(s) => {
            if s.chars().any(refused_in_name) && errs.get(field).is_none() {
                errs.add(field, msg::NAME_CHARS);
            }
            *v = s;
        }
        None if required => errs.add(field, msg::REQUIRED),
        None => {}
    }
}

/// A required text: trimmed, non-empty, bounded.
pub(crate) fn required_text(errs: &mut FieldErrors, field: &str, v: &mut String, max: usize) {
    let mut o = Some(std::mem::take(v));
    text(errs, field, &mut o, max);
    match o {
        Some(s) => *v = s,
        None => errs.add(field, msg::REQUIRED),
    }
}

fn past_date(errs: &mut FieldErrors, field: &str, v: Option<NaiveDate>, today: NaiveDate) {
    if v.is_some_and(|d| d > today) {
        errs.add(field, msg::DATE_IN_FUTURE);
    }
}

fn id(errs: &mut FieldErrors, field: &str, v: &mut Option<String>, today: NaiveDate) -> Option<id_number::IdNumber> {
    text(errs, field, v, 30);
    let raw = v.as_deref()?;
    match id_number::parse(raw, today) {
        Ok(parsed) => {
            *v = Some(parsed.as_str().to_string());
            Some(parsed)
        }
        Err(e) => {
            errs.add(field, id_error_message(&e));
            None
        }
    }
}

pub(crate) fn phone(errs: &mut FieldErrors, field: &str, v: &mut Option<String>) {
    text(errs, field, v, 30);
    if let Some(raw) = v.as_deref() {
        match id_number::normalise_phone(raw) {
            Some(p) => *v = Some(p),
            None => errs.add(field, msg::PHONE_INVALID),
        }
    }
}

/// The paths of a relative's fields in a file, made at compile time: a census import checks
/// six relatives in each of a million rows, and formatting their paths for every row, error
/// or not, was two fifths of `child_file`'s instructions (docs/benchmarks.md).
struct Paths {
    name: &'static str,
    birth_date: &'static str,
    id_number: &'static str,
    work_province: &'static str,
    work_prefecture: &'static str,
    phone: &'static str,
}

macro_rules! paths {
    ($who:literal) => {
        Paths {
            name: concat!($who, ".name"),
            birth_date: concat!($who, ".birth_date"),
            id_number: concat!($who, ".id_number"),
            work_province: concat!($who, ".work_province"),
            work_prefecture: concat!($who, ".work_prefecture"),
            phone: concat!($who, ".phone"),
        }
    };
}

const FATHER: Paths = paths!("father");
const MOTHER: Paths = paths!("mother");
const PATERNAL_GRANDFATHER: Paths = paths!("paternal_grandfather");
const PATERNAL_GRANDMOTHER: Paths = paths!("paternal_grandmother");
const MATERNAL_GRANDFATHER: Paths = paths!("maternal_grandfather");
const MATERNAL_GRANDMOTHER: Paths = paths!("maternal_grandmother");

fn parent(errs: &mut FieldErrors, f: &Paths, p: &mut Parent, child_birth: Option<NaiveDate>, today: NaiveDate) {
    relative_name(errs, f, &mut p.name);
    past_date(errs, f.birth_date, p.birth_date, today);
    if let (Some(pb), Some(cb)) = (p.birth_date, child_birth)
        && pb >= cb
    {
        errs.add(f.birth_date, msg::PARENT_BIRTH_AFTER_CHILD);
    }
    if let Some(parsed) = id(errs, f.id_number, &mut p.id_number, today)
        && p.birth_date.is_some_and(|b| b != parsed.birth_date())
    {
        errs.add(f.birth_date, msg::ID_BIRTH_MISMATCH);
    }
    text(errs, f.work_province, &mut p.work_province, SHORT_TEXT);
    text(errs, f.work_prefecture, &mut p.work_prefecture, SHORT_TEXT);
    phone(errs, f.phone, &mut p.phone);
}

/// A relative's name: trimmed and bounded, and may be empty.
fn relative_name(errs: &mut FieldErrors, f: &Paths, v: &mut String) {
    name(errs, f.name, v, SHORT_TEXT, false);
}

fn grandparent(errs: &mut FieldErrors, f: &Paths, g: &mut Grandparent, today: NaiveDate) {
    relative_name(errs, f, &mut g.name);
    past_date(errs, f.birth_date, g.birth_date, today);
}

fn guardian(errs: &mut FieldErrors, g: &mut EntrustedGuardian, today: NaiveDate) {
    name(errs, "entrusted_guardian.name", &mut g.name, SHORT_TEXT, true);
    id(errs, "entrusted_guardian.id_number", &mut g.id_number, today);
    phone(errs, "entrusted_guardian.phone", &mut g.phone);
    text(errs, "entrusted_guardian.address", &mut g.address, SHORT_TEXT * 2);
    past_date(errs, "entrusted_guardian.confirmed_on", g.confirmed_on, today);
    care(errs, g, today);
}

/// The entrusted-care facts ([UPL] 22–23, [M19]): each notice's date with who received it,
/// signatures only on a dated confirmation, and evidence for every exclusion found.
fn care(errs: &mut FieldErrors, g: &mut EntrustedGuardian, today: NaiveDate) {
    const P: &str = "entrusted_guardian.care.";
    let c = &mut g.care;
    for (on, by, date, who) in [
        ("school_notice_on", "school_notice_received_by", c.school_notice_on, &mut c.school_notice_received_by),
        ("village_notice_on", "village_notice_received_by", c.village_notice_on, &mut c.village_notice_received_by),
    ] {
        past_date(errs, &format!("{P}{on}"), date, today);
        let mut v = Some(who.take().unwrap_or_default());
        text(errs, &format!("{P}{by}"), &mut v, SHORT_TEXT);
        if v.as_deref().is_some_and(|s| s.chars().any(refused_in_name)) && errs.get(&format!("{P}{by}")).is_none() {
            errs.add(format!("{P}{by}"), msg::NAME_CHARS);
        }
        match (date, &v) {
            (Some(_), None) => errs.add(format!("{P}{by}"), msg::CARE_RECEIVER_REQUIRED),
            (None, Some(_)) => errs.add(format!("{P}{on}"), msg::CARE_DATE_REQUIRED),
            _ => {}
        }
        *who = v;
    }
    text(errs, &format!("{P}guided_by"), &mut c.guided_by, SHORT_TEXT);
    if (c.signed_by_parents || c.signed_by_carer || c.guided_by.is_some()) && g.confirmed_on.is_none() {
        errs.add("entrusted_guardian.confirmed_on", msg::CARE_CONFIRMATION_DATE_REQUIRED);
    }
    for (field, answer, evidence) in [
        ("past_offences_evidence", c.past_offences, &mut c.past_offences_evidence),
        ("vices_evidence", c.vices, &mut c.vices_evidence),
        ("neglected_duties_evidence", c.neglected_duties, &mut c.neglected_duties_evidence),
        ("otherwise_unsuitable_evidence", c.otherwise_unsuitable, &mut c.otherwise_unsuitable_evidence),
    ] {
        text(errs, &format!("{P}{field}"), evidence, SHORT_TEXT * 2);
        if answer == Some(true) && evidence.is_none() {
            errs.add(format!("{P}{field}"), msg::CARE_EVIDENCE_REQUIRED);
        }
    }
}

/// A day asked of a list or a count (a period, a "since"): within 1900–2100. The law's
/// records begin in this century; a year far outside is a typing slip, and chrono's whole
/// range (years ±262,143) is more than PostgreSQL stores.
pub fn plausible_day(d: NaiveDate) -> bool {
    use chrono::Datelike;
    (1900..=2100).contains(&d.year())
}

/// A day typed into a filter as YYYY-MM-DD: none when left empty, or what is wrong with it.
pub fn filter_day(s: &str) -> Result<Option<NaiveDate>, &'static str> {
    match s.trim() {
        "" => Ok(None),
        t => match NaiveDate::parse_from_str(t, "%Y-%m-%d") {
            Ok(d) if plausible_day(d) => Ok(Some(d)),
            Ok(_) => Err(msg::DATE_OUT_OF_RANGE),
            Err(_) => Err(msg::DATE_INVALID),
        },
    }
}

/// Checks a child's file and returns it normalised (trimmed texts, 18-digit upper-case ID
/// numbers, bare phone numbers), or every field that is wrong.
///
/// The ID number must agree with the birth date and sex typed on the form (GB 11643-1999:
/// digits 7–14 are the birth date, digit 17 is odd for a man), so that a slip in either is
/// caught where it was made. Whether the village exists and lies in the user's scope is
/// checked by the store, which knows the regions.
pub fn child_file(mut f: ChildFile, today: NaiveDate, rule: AgeRule) -> Result<ChildFile, FieldErrors> {
    let mut errs = FieldErrors::default();
    name(&mut errs, "name", &mut f.name, 50, true);
    if f.sex.is_none() {
        errs.add("sex", msg::REQUIRED);
    }
    let mut ethnicity = Some(std::mem::take(&mut f.ethnicity));
    text(&mut errs, "ethnicity", &mut ethnicity, 20);
    f.ethnicity = ethnicity.unwrap_or_default();
    match f.birth_date {
        None => errs.add("birth_date", msg::REQUIRED),
        Some(b) if b > today => errs.add("birth_date", msg::DATE_IN_FUTURE),
        Some(b) => {
            if age::full_years(b, today, rule).is_some_and(|a| age::is_minor(a).eq(&false)) {
                errs.add("birth_date", msg::NOT_A_MINOR);
            }
        }
    }
    if let Some(parsed) = id(&mut errs, "id_number", &mut f.id_number, today) {
        if f.birth_date.is_some_and(|b| b != parsed.birth_date()) {
            errs.add("birth_date", msg::ID_BIRTH_MISMATCH);
        }
        if f.sex.is_some_and(|s: Sex| s != parsed.sex()) {
            errs.add("sex", msg::ID_SEX_MISMATCH);
        }
    }
    text(&mut errs, "hukou_place", &mut f.hukou_place, SHORT_TEXT * 2);
    required_text(&mut errs, "address", &mut f.address, SHORT_TEXT * 2);
    f.village_code = f.village_code.trim().to_string();
    if f.village_code.is_empty() {
        errs.add("village_code", msg::REQUIRED);
    } else if !crate::region::is_village_code(&f.village_code) {
        errs.add("village_code", msg::VILLAGE_CODE_FORMAT);
    }
    text(&mut errs, "disability_category", &mut f.disability_category, SHORT_TEXT);
    text(&mut errs, "disability_grade", &mut f.disability_grade, SHORT_TEXT);
    text(&mut errs, "illness", &mut f.illness, SHORT_TEXT);
    match f.health {
        Some(Health::Disabled) if f.disability_category.is_none() => {
            errs.add("disability_category", msg::DISABILITY_REQUIRED)
        }
        Some(Health::Ill) if f.illness.is_none() => errs.add("illness", msg::ILLNESS_REQUIRED),
        _ => {}
    }
    text(&mut errs, "school_name", &mut f.school_name, SHORT_TEXT);
    parent(&mut errs, &FATHER, &mut f.father, f.birth_date, today);
    parent(&mut errs, &MOTHER, &mut f.mother, f.birth_date, today);
    grandparent(&mut errs, &PATERNAL_GRANDFATHER, &mut f.paternal_grandfather, today);
    grandparent(&mut errs, &PATERNAL_GRANDMOTHER, &mut f.paternal_grandmother, today);
    grandparent(&mut errs, &MATERNAL_GRANDFATHER, &mut f.maternal_grandfather, today);
    grandparent(&mut errs, &MATERNAL_GRANDMOTHER, &mut f.maternal_grandmother, today);
    if let Some(g) = f.entrusted_guardian.as_mut() {
        guardian(&mut errs, g, today);
    }
    f.income_sources.sort_by_key(|s| s.code());
    f.income_sources.dedup();
    f.assistance.sort_by_key(|s| s.code());
    f.assistance.dedup();
    text(&mut errs, "notes", &mut f.notes, LONG_TEXT);
    errs.into_result(f)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn today() -> NaiveDate {
        d(2026, 11, 29)
    }

    /// A valid file for a boy born 2015-03-08 with a matching ID number.
    fn valid() -> ChildFile {
        let first17 = "12011420150308001";
        let check = id_number::check_character(first17).expect("17 digits");
        ChildFile {
            name: " 张小明 ".into(),
            sex: Some(Sex::Male),
            birth_date: Some(d(2015, 3, 8)),
            id_number: Some(format!("{first17}{check}").to_lowercase()),
            address: "武清区某村".into(),
            village_code: "120114001001".into(),
            ..ChildFile::default()
        }
    }

    #[test]
    fn entrusted_care_facts_are_checked_by_their_fields() {
        let with = |set: fn(&mut EntrustedGuardian)| {
            let mut f = valid();
            let mut g = EntrustedGuardian { name: "王桂兰".into(), ..EntrustedGuardian::default() };
            set(&mut g);
            f.entrusted_guardian = Some(g);
            child_file(f, today(), AgeRule::default())
        };
        let fields = |r: Result<ChildFile, FieldErrors>| -> Vec<String> {
            r.err().map(|e| e.0.into_iter().map(|e| e.field).collect()).unwrap_or_default()
        };
        assert!(fields(with(|_| {})).is_empty());
        let ok = with(|g| {
            g.care.school_notice_on = Some(d(2026, 11, 1));
            g.care.school_notice_received_by = Some(" 刘老师 ".into());
        })
        .expect("a dated notice with its receiver");
        assert_eq!(ok.entrusted_guardian.map(|g| g.care.school_notice_received_by), Some(Some("刘老师".into())));
        assert_eq!(
            fields(with(|g| g.care.school_notice_on = Some(d(2026, 11, 1)))),
            ["entrusted_guardian.care.school_notice_received_by"]
        );
        assert_eq!(
            fields(with(|g| g.care.village_notice_received_by = Some("文书".into()))),
            ["entrusted_guardian.care.village_notice_on"]
        );
        assert_eq!(
            fields(with(|g| {
                g.care.village_notice_on = Some(d(2026, 11, 30));
                g.care.village_notice_received_by = Some("文书".into());
            })),
            ["entrusted_guardian.care.village_notice_on"],
            "tomorrow"
        );
        assert_eq!(fields(with(|g| g.care.signed_by_carer = true)), ["entrusted_guardian.confirmed_on"]);
        assert_eq!(fields(with(|g| g.care.vices = Some(true))), ["entrusted_guardian.care.vices_evidence"]);
        assert!(fields(with(|g| g.care.vices = Some(false))).is_empty(), "no evidence needed for 否");
    }

    #[test]
    fn valid_file_is_normalised() {
        let f = child_file(valid(), today(), AgeRule::default()).expect("valid");
        assert_eq!(f.name, "张小明");
    }

    #[test]
    fn names_refuse_controls_direction_overrides_and_unreadable_characters() {
        for bad in [
            "张\u{202E}三",
            "张\u{202D}三",
            "张\u{200E}三",
            "张\u{200F}三",
            "张\u{2066}三",
            "张\u{2069}三",
            "张\u{061C}三",
            "张\u{FFFD}三",
            "张\t三",
            "张\u{85}三",
        ] {
            let mut f = valid();
            f.name = bad.into();
            f.father.name = bad.into();
            f.mother.name = bad.into();
            f.paternal_grandfather.name = bad.into();
            f.paternal_grandmother.name = bad.into();
            f.maternal_grandfather.name = bad.into();
            f.maternal_grandmother.name = bad.into();
            f.entrusted_guardian = Some(EntrustedGuardian { name: bad.into(), ..Default::default() });
            let errs = child_file(f, today(), AgeRule::default()).expect_err(bad);
            for field in [
                "name",
                "father.name",
                "mother.name",
                "paternal_grandfather.name",
                "paternal_grandmother.name",
                "maternal_grandfather.name",
                "maternal_grandmother.name",
                "entrusted_guardian.name",
            ] {
                let m = errs.get(field).unwrap_or_else(|| panic!("{bad:?} in {field} is refused"));
                assert!(m == msg::NAME_CHARS || m == msg::CONTROL_CHARS, "{field}: {m}");
            }
        }
        // Names as people write them are kept.
        for good in ["欧阳娜娜", "阿依古丽·买买提", "Anna-Lena", "王 小明"] {
            let mut f = valid();
            f.name = good.into();
            f.father.name = good.into();
            assert_eq!(child_file(f, today(), AgeRule::default()).expect(good).name, good);
        }
    }

    #[test]
    fn missing_required_fields_are_all_named() {
        let errs = child_file(ChildFile::default(), today(), AgeRule::default()).expect_err("invalid");
        for field in ["name", "sex", "birth_date", "address", "village_code"] {
            assert_eq!(errs.get(field), Some(msg::REQUIRED), "{field}");
        }
    }

    #[test]
    fn each_relative_wrong_field_is_named_by_its_own_path() {
        let future = Some(d(2030, 1, 1));
        let mut f = valid();
        f.father.birth_date = future;
        f.mother.phone = Some("12".into());
        f.paternal_grandfather.birth_date = future;
        f.paternal_grandmother.birth_date = future;
        f.maternal_grandfather.birth_date = future;
        f.maternal_grandmother.name = "长".repeat(SHORT_TEXT + 1);
        let errs = child_file(f, today(), AgeRule::default()).expect_err("invalid");
        let mut named: Vec<&str> = errs.0.iter().map(|e| e.field.as_str()).collect();
        named.sort_unstable();
        named.dedup(); // the father born after the child is told so too
        assert_eq!(
            named,
            [
                "father.birth_date",
                "maternal_grandfather.birth_date",
                "maternal_grandmother.name",
                "mother.phone",
                "paternal_grandfather.birth_date",
                "paternal_grandmother.birth_date",
            ]
        );
    }

    #[test]
    fn birth_date_must_agree_with_id_number() {
        let f = ChildFile { birth_date: Some(d(2015, 3, 9)), ..valid() };
        let errs = child_file(f, today(), AgeRule::default()).expect_err("mismatch");
        assert_eq!(errs.get("birth_date"), Some(msg::ID_BIRTH_MISMATCH));
    }

    #[test]
    fn sex_must_agree_with_id_number() {
        let f = ChildFile { sex: Some(Sex::Female), ..valid() };
        let errs = child_file(f, today(), AgeRule::default()).expect_err("mismatch");
        assert_eq!(errs.get("sex"), Some(msg::ID_SEX_MISMATCH));
    }

    #[test]
    fn future_birth_date_is_refused() {
        let f = ChildFile { birth_date: Some(d(2027, 1, 1)), id_number: None, ..valid() };
        let errs = child_file(f, today(), AgeRule::default()).expect_err("future");
        assert_eq!(errs.get("birth_date"), Some(msg::DATE_IN_FUTURE));
    }

    #[test]
    fn adults_are_refused() {
        let f = ChildFile { birth_date: Some(d(2000, 1, 1)), id_number: None, ..valid() };
        let errs = child_file(f, today(), AgeRule::default()).expect_err("adult");
        assert_eq!(errs.get("birth_date"), Some(msg::NOT_A_MINOR));
    }

    #[test]
    fn long_and_control_texts_are_refused() {
        let f = ChildFile { name: "张".repeat(51), address: "a\u{0}b".into(), ..valid() };
        let errs = child_file(f, today(), AgeRule::default()).expect_err("bad text");
        assert_eq!(errs.get("name"), Some(msg::too_long(50).as_str()));
        assert_eq!(errs.get("address"), Some(msg::CONTROL_CHARS));
    }

    #[test]
    fn quotes_and_sql_metacharacters_are_ordinary_text() {
        let f = ChildFile { name: "O'Brien\"; DROP TABLE children;--".into(), ..valid() };
        let got = child_file(f, today(), AgeRule::default()).expect("quotes are fine");
        assert_eq!(got.name, "O'Brien\"; DROP TABLE children;--");
    }

    #[test]
    fn errors_in_nested_sections_name_their_path() {
        let mut f = valid();
        f.father.phone = Some("12345".into());
        f.entrusted_guardian =
            Some(EntrustedGuardian { id_number: Some("110105194912310021".into()), ..Default::default() });
        let errs = child_file(f, today(), AgeRule::default()).expect_err("bad");
        assert_eq!(errs.get("father.phone"), Some(msg::PHONE_INVALID));
        assert_eq!(errs.get("entrusted_guardian.name"), Some(msg::REQUIRED));
        assert!(errs.get("entrusted_guardian.id_number").is_some());
    }

    #[test]
    fn disability_needs_its_category() {
        let f = ChildFile { health: Some(Health::Disabled), ..valid() };
        let errs = child_file(f, today(), AgeRule::default()).expect_err("bad");
        assert_eq!(errs.get("disability_category"), Some(msg::DISABILITY_REQUIRED));
    }
}
