//! How long a closed file keeps what identifies the child and the family (decision 94).
//!
//! No text read for shouhu (docs/domain.md and the laws it cites) fixes how long a child's
//! file is kept. PIPL 19 says personal information is kept no longer than its purpose needs,
//! and PIPL 47 that it is then deleted or, where deletion is not possible, no longer used.
//! The purpose of a file ends when the child is no longer a minor and the file is closed;
//! what may still be asked of it afterwards is evidence for a claim the child brings once an
//! adult, and the Civil Code starts the limitation period of a minor's claim for sexual
//! harm when the victim turns 18 ([CC] 191) and makes it 3 years ([CC] 188). Hence the
//! setting `retention.years_after_adulthood`, 3 by default. After it the file is
//! anonymised, not deleted: its row and its codes stay for the statistics.

use crate::age::{AgeRule, reaches_age_on};
use crate::child::ChildFile;
use chrono::{Days, Months, NaiveDate};

/// What replaces a name or other identifying text that is removed.
pub const ANONYMISED: &str = "（已匿名）";

/// Adulthood ([CC] 17).
const ADULT_AGE: u32 = 18;

/// Whether a closed file of a child born on `birth` is to be anonymised on `today`: the
/// child turned 18 (under the age rule in force) more than `years` years before `today`.
/// On the day exactly `years` years after, it is not yet.
pub fn anonymise_due(birth: NaiveDate, today: NaiveDate, years: u32, rule: AgeRule) -> bool {
    let adult = reaches_age_on(birth, ADULT_AGE, rule);
    adult.checked_add_months(Months::new(12 * years)).is_some_and(|end| today > end)
}

/// The latest birth date that may be due on `today`: every file due was born on or before
/// it (a bound for the query; [`anonymise_due`] decides each file).
pub fn latest_birth_due(today: NaiveDate, years: u32) -> NaiveDate {
    today
        .checked_sub_months(Months::new(12 * (ADULT_AGE + years)))
        .and_then(|d| d.checked_add_days(Days::new(1)))
        .unwrap_or(NaiveDate::MIN)
}

/// The fields of a file (dotted paths, as in its history) that identify someone: names, ID
/// numbers, phone numbers, addresses, the relatives' birth dates, and free text. The rest
/// (sex, the child's birth date, ethnicity, village, schooling, health, the parents' work
/// province, categories and flags) is what the statistics count, and stays.
pub const IDENTIFYING: &[&str] = &[
    "name",
    "id_number",
    "hukou_place",
    "address",
    "illness",
    "notes",
    "father.name",
    "father.birth_date",
    "father.id_number",
    "father.phone",
    "mother.name",
    "mother.birth_date",
    "mother.id_number",
    "mother.phone",
    "paternal_grandfather.name",
    "paternal_grandfather.birth_date",
    "paternal_grandmother.name",
    "paternal_grandmother.birth_date",
    "maternal_grandfather.name",
    "maternal_grandfather.birth_date",
    "maternal_grandmother.name",
    "maternal_grandmother.birth_date",
    "entrusted_guardian.name",
    "entrusted_guardian.id_number",
    "entrusted_guardian.phone",
    "entrusted_guardian.address",
    // Who received the notices, and what the carer's suitability rests on: names and free
    // text about people. The director who guided the confirmation is staff, and stays.
    "entrusted_guardian.care.school_notice_received_by",
    "entrusted_guardian.care.village_notice_received_by",
    "entrusted_guardian.care.past_offences_evidence",
    "entrusted_guardian.care.vices_evidence",
    "entrusted_guardian.care.neglected_duties_evidence",
    "entrusted_guardian.care.otherwise_unsuitable_evidence",
];

pub fn is_identifying(path: &str) -> bool {
    IDENTIFYING.contains(&path)
}

/// The file with every [`IDENTIFYING`] field removed, and the child's name replaced.
pub fn anonymise(file: &ChildFile) -> ChildFile {
    let mut f = file.clone();
    f.name = ANONYMISED.to_string();
    f.id_number = None;
    f.hukou_place = None;
    f.address = String::new();
    f.illness = None;
    f.notes = None;
    for p in [&mut f.father, &mut f.mother] {
        p.name = String::new();
        p.birth_date = None;
        p.id_number = None;
        p.phone = None;
    }
    for g in [
        &mut f.paternal_grandfather,
        &mut f.paternal_grandmother,
        &mut f.maternal_grandfather,
        &mut f.maternal_grandmother,
    ] {
        g.name = String::new();
        g.birth_date = None;
    }
    if let Some(e) = f.entrusted_guardian.as_mut() {
        e.name = String::new();
        e.id_number = None;
        e.phone = None;
        e.address = None;
        e.care.school_notice_received_by = None;
        e.care.village_notice_received_by = None;
        e.care.past_offences_evidence = None;
        e.care.vices_evidence = None;
        e.care.neglected_duties_evidence = None;
        e.care.otherwise_unsuitable_evidence = None;
    }
    f
}

/// A value of a file's history after anonymisation: an identifying field's value becomes
/// [`ANONYMISED`]; the closure's note (free text, `销档：原因（说明）`) is cut off.
pub fn anonymise_history_value(field: &str, value: Option<&str>) -> Option<String> {
    let v = value?;
    if is_identifying(field) {
        return Some(ANONYMISED.to_string());
    }
    if field == "status" && v.starts_with("销档：") {
        return Some(v.split_once('（').map_or(v, |(head, _)| head).to_string());
    }
    Some(v.to_string())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::child::{EntrustedCare, EntrustedGuardian, Grandparent, Parent};
    use crate::codes::Relation;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").expect("date")
    }

    #[test]
    fn due_only_after_n_full_years_of_adulthood() {
        // Born 2000-03-10: 18 on 2018-03-11 (the day after the birthday), 3 years later on
        // 2021-03-11.
        let birth = d("2000-03-10");
        let rule = AgeRule::DayAfterBirthday;
        assert!(!anonymise_due(birth, d("2021-03-10"), 3, rule));
        assert!(!anonymise_due(birth, d("2021-03-11"), 3, rule), "exactly 3 years is not more than 3");
        assert!(anonymise_due(birth, d("2021-03-12"), 3, rule));
        assert!(!anonymise_due(birth, d("2021-03-10"), 3, AgeRule::OnBirthday));
        assert!(anonymise_due(birth, d("2021-03-11"), 3, AgeRule::OnBirthday));
        // A 29 February birthday: 18 on 2018-02-28 under the birthday rule.
        assert!(!anonymise_due(d("2000-02-29"), d("2021-02-28"), 3, AgeRule::OnBirthday));
        assert!(anonymise_due(d("2000-02-29"), d("2021-03-01"), 3, AgeRule::OnBirthday));
    }

    #[test]
    fn the_query_bound_leaves_out_no_file_due() {
        let today = d("2026-11-29");
        for years in [1, 3, 10] {
            let bound = latest_birth_due(today, years);
            for rule in [AgeRule::DayAfterBirthday, AgeRule::OnBirthday] {
                let mut b = bound - Days::new(400);
                while b < bound + Days::new(400) {
                    if anonymise_due(b, today, years, rule) {
                        assert!(b <= bound, "{b} due but after the bound {bound}");
                    }
                    b = b + Days::new(1);
                }
            }
        }
    }

    fn full_file() -> ChildFile {
        let parent = |n: &str| Parent {
            name: n.into(),
            birth_date: Some(d("1980-01-01")),
            id_number: Some("11010519491231002X".into()),
            work_province: Some("江苏省".into()),
            work_prefecture: Some("苏州市".into()),
            phone: Some("13912345678".into()),
            away_for_work: true,
            capable: true,
        };
        let gp = |n: &str| Grandparent { name: n.into(), birth_date: Some(d("1950-01-01")) };
        ChildFile {
            name: "张小明".into(),
            ethnicity: "汉族".into(),
            birth_date: Some(d("2000-03-10")),
            id_number: Some("110101200003100017".into()),
            hukou_place: Some("天津市武清区".into()),
            address: "郭罗庄村3号".into(),
            village_code: "120114101204".into(),
            illness: Some("哮喘".into()),
            disability_category: Some("肢体".into()),
            father: parent("张建华"),
            mother: parent("李梅"),
            paternal_grandfather: gp("张一"),
            paternal_grandmother: gp("王二"),
            maternal_grandfather: gp("李三"),
            maternal_grandmother: gp("赵四"),
            entrusted_guardian: Some(EntrustedGuardian {
                name: "张叔".into(),
                id_number: Some("440524188001010014".into()),
                phone: Some("13800000000".into()),
                relation: Some(Relation::OtherRelative),
                address: Some("郭罗庄村5号".into()),
                confirmed_on: Some(d("2010-01-01")),
                disqualified: false,
                care: EntrustedCare {
                    school_notice_on: Some(d("2010-01-02")),
                    school_notice_received_by: Some("王老师（班主任）".into()),
                    village_notice_on: Some(d("2010-01-03")),
                    village_notice_received_by: Some("李主任".into()),
                    signed_by_parents: true,
                    signed_by_carer: true,
                    guided_by: Some("赵儿童主任".into()),
                    past_offences: Some(false),
                    past_offences_evidence: Some("派出所出具无犯罪记录".into()),
                    vices: Some(false),
                    vices_evidence: Some("邻居证实".into()),
                    neglected_duties: Some(false),
                    neglected_duties_evidence: Some("走访核实".into()),
                    otherwise_unsuitable: Some(false),
                    otherwise_unsuitable_evidence: Some("无".into()),
                },
            }),
            notes: Some("父亲电话常换".into()),
            ..Default::default()
        }
    }

    #[test]
    fn anonymising_changes_exactly_the_identifying_fields() {
        let f = full_file();
        let before = crate::fields::flatten(&serde_json::to_value(&f).expect("json"));
        let after = crate::fields::flatten(&serde_json::to_value(anonymise(&f)).expect("json"));
        for path in IDENTIFYING {
            assert!(before.contains_key(*path), "the sample fills {path}");
            let kept = after.get(*path).map(String::as_str);
            assert!(kept.is_none() || (*path == "name" && kept == Some(ANONYMISED)), "{path} kept: {kept:?}");
        }
        for (path, v) in &before {
            if !is_identifying(path) {
                assert_eq!(after.get(path), Some(v), "{path} is for the statistics and stays");
            }
        }
    }

    #[test]
    fn history_values_lose_what_identifies_and_the_closure_note() {
        assert_eq!(anonymise_history_value("father.phone", Some("13912345678")).as_deref(), Some(ANONYMISED));
        assert_eq!(anonymise_history_value("father.phone", None), None);
        assert_eq!(anonymise_history_value("schooling", Some("primary")).as_deref(), Some("primary"));
        assert_eq!(anonymise_history_value("status", Some("销档：其他（随母去广州）")).as_deref(), Some("销档：其他"));
        assert_eq!(anonymise_history_value("status", Some("恢复在档")).as_deref(), Some("恢复在档"));
    }
}
