//! The law's rules about a child's file: one function per rule, its source in the doc comment.

use crate::age::{self, AgeBand, AgeRule};
use crate::child::{ChildFile, Derived, EntrustedGuardian, Parent, Warning};
use crate::codes::{Category, GuardianshipType};
use crate::id_number;
use chrono::NaiveDate;

/// [13] A left-behind child: both parents away for work, or one away and the other without
/// guardianship capacity; and under 16 (不满十六周岁).
pub fn left_behind_category(father: &Parent, mother: &Parent, age: Option<u32>) -> Category {
    let under_16 = age.is_some_and(|a| a < 16);
    if !under_16 {
        return Category::NotLeftBehind;
    }
    let one_away_other_incapable = |away: &Parent, home: &Parent| away.away_for_work && !home.capable;
    if father.away_for_work && mother.away_for_work {
        Category::BothAway
    } else if one_away_other_incapable(father, mother) || one_away_other_incapable(mother, father) {
        Category::OneAwayOtherIncapable
    } else {
        Category::NotLeftBehind
    }
}

/// [S] [13] [UPL] 21: a child under 16 may not live apart from guardianship.
pub fn living_alone_breach(lives_alone: bool, age: Option<u32>) -> bool {
    lives_alone && age.is_some_and(|a| !age::may_live_alone(a))
}

/// [UPL] 21: a child under 8 may not be left unattended.
pub fn unattended_breach(unattended: bool, age: Option<u32>) -> bool {
    unattended && age.is_some_and(|a| !age::may_be_left_unattended(a))
}

/// [UPL] 22: the entrusted carer must be an adult; their age is read from their ID number.
pub fn entrusted_guardian_is_minor(g: &EntrustedGuardian, today: NaiveDate, rule: AgeRule) -> bool {
    g.id_number
        .as_deref()
        .and_then(|s| id_number::parse(s, today).ok())
        .and_then(|id| age::full_years(id.birth_date(), today, rule))
        .is_some_and(|a| !age::may_be_entrusted_carer(a))
}

/// [UPL] 21: a child with no guardian at all (census type 无人监护) is unattended by law.
pub fn no_guardian(t: Option<GuardianshipType>) -> bool {
    t == Some(GuardianshipType::NoGuardian)
}

/// Every breach of the law that the file shows at `today`.
pub fn warnings(file: &ChildFile, age: Option<u32>, today: NaiveDate, rule: AgeRule) -> Vec<Warning> {
    let mut out = Vec::new();
    if living_alone_breach(file.lives_alone, age) {
        out.push(Warning::Under16LivingAlone);
    }
    if unattended_breach(file.unattended, age) {
        out.push(Warning::Under8Unattended);
    }
    if let Some(g) = &file.entrusted_guardian {
        if entrusted_guardian_is_minor(g, today, rule) {
            out.push(Warning::EntrustedGuardianMinor);
        }
        // [UPL] 22: the exclusions (abuse, drugs, gambling, neglect …) disqualify a carer.
        if g.disqualified {
            out.push(Warning::EntrustedGuardianDisqualified);
        }
    }
    if no_guardian(file.guardianship_type) {
        out.push(Warning::NoGuardian);
    }
    out
}

/// Age, band, category and warnings of a file at `today`: derived, never typed.
pub fn derive(file: &ChildFile, today: NaiveDate, rule: AgeRule) -> Derived {
    let age = file.birth_date.and_then(|b| age::full_years(b, today, rule));
    Derived {
        age,
        age_band: age.and_then(AgeBand::of_age),
        category: left_behind_category(&file.father, &file.mother, age),
        warnings: warnings(file, age, today, rule),
        as_of: today,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    fn away() -> Parent {
        Parent { away_for_work: true, capable: true, ..Parent::default() }
    }

    fn home(capable: bool) -> Parent {
        Parent { away_for_work: false, capable, ..Parent::default() }
    }

    #[test]
    fn both_parents_away_is_left_behind() {
        assert_eq!(left_behind_category(&away(), &away(), Some(10)), Category::BothAway);
    }

    #[test]
    fn one_away_other_incapable_is_left_behind_either_way_round() {
        assert_eq!(left_behind_category(&away(), &home(false), Some(3)), Category::OneAwayOtherIncapable);
        assert_eq!(left_behind_category(&home(false), &away(), Some(3)), Category::OneAwayOtherIncapable);
    }

    #[test]
    fn one_away_other_capable_at_home_is_not_left_behind() {
        assert_eq!(left_behind_category(&away(), &home(true), Some(3)), Category::NotLeftBehind);
    }

    #[test]
    fn sixteen_is_no_longer_left_behind() {
        assert_eq!(left_behind_category(&away(), &away(), Some(15)), Category::BothAway);
        assert_eq!(left_behind_category(&away(), &away(), Some(16)), Category::NotLeftBehind);
        assert_eq!(left_behind_category(&away(), &away(), None), Category::NotLeftBehind);
    }

    #[test]
    fn living_alone_is_a_breach_under_16_only() {
        assert!(living_alone_breach(true, Some(15)));
        assert!(!living_alone_breach(true, Some(16)));
        assert!(!living_alone_breach(false, Some(10)));
    }

    #[test]
    fn unattended_is_a_breach_under_8_only() {
        assert!(unattended_breach(true, Some(7)));
        assert!(!unattended_breach(true, Some(8)));
    }

    #[test]
    fn entrusted_guardian_under_18_is_flagged() {
        // Born 2010-01-01: 16 at 2026-11-29.
        let minor = EntrustedGuardian {
            name: "李某".into(),
            id_number: Some(with_check("12011420100101001")),
            ..EntrustedGuardian::default()
        };
        assert!(entrusted_guardian_is_minor(&minor, d(2026, 11, 29), AgeRule::default()));
        let adult = EntrustedGuardian { id_number: Some("11010519491231002X".into()), ..minor };
        assert!(!entrusted_guardian_is_minor(&adult, d(2026, 11, 29), AgeRule::default()));
    }

    #[test]
    fn derive_collects_warnings() {
        let file = ChildFile {
            birth_date: Some(d(2020, 5, 1)),
            lives_alone: true,
            unattended: true,
            father: away(),
            mother: away(),
            guardianship_type: Some(GuardianshipType::NoGuardian),
            entrusted_guardian: Some(EntrustedGuardian { disqualified: true, ..EntrustedGuardian::default() }),
            ..ChildFile::default()
        };
        let got = derive(&file, d(2026, 11, 29), AgeRule::default());
        assert_eq!(got.age, Some(6));
        assert_eq!(got.age_band, Some(AgeBand::From6To13));
        assert_eq!(got.category, Category::BothAway);
        assert_eq!(
            got.warnings,
            vec![
                Warning::Under16LivingAlone,
                Warning::Under8Unattended,
                Warning::EntrustedGuardianDisqualified,
                Warning::NoGuardian
            ]
        );
    }

    fn with_check(first17: &str) -> String {
        let c = id_number::check_character(first17).expect("17 digits");
        format!("{first17}{c}")
    }
}
