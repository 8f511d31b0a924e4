//! The law's rules about a child's file: one function per rule, its source in the doc comment.

use crate::age::{self, AgeBand, AgeRule};
use crate::child::{ChildFile, Derived, EntrustedGuardian, Parent, Warning};
use crate::codes::{Category, GuardianshipType};
use crate::entrusted;
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

/// [M16] [UPL] 21: nobody looks after the child. The census type says so (无人监护), or the
/// file shows both parents away for work with nobody entrusted and no type stated: then
/// the file names nobody who has the child. A type of fair or good care says someone does,
/// so an entrusted carer merely not written down is not taken for none.
pub fn no_guardian(file: &ChildFile, category: Category) -> bool {
    file.guardianship_type == Some(GuardianshipType::NoGuardian)
        || category == Category::BothAway && file.entrusted_guardian.is_none() && file.guardianship_type.is_none()
}

/// [UPL] 21: a child is without care when the file says it is unattended (无人照料), when it
/// lives alone (脱离监护单独居住: nobody looks after a child who lives alone), or when it has
/// no guardian at all ([`no_guardian`]). One fact implies the others' consequence, so no
/// single box decides it.
pub fn without_care(file: &ChildFile, category: Category) -> bool {
    file.unattended || file.lives_alone || no_guardian(file, category)
}

/// [UPL] 21: a child under 8 may not be left without care ([`without_care`]).
pub fn unattended_breach(without_care: bool, age: Option<u32>) -> bool {
    without_care && age.is_some_and(|a| !age::may_be_left_unattended(a))
}

/// [UPL] 22: the entrusted carer must be an adult; their age is read from their ID number.
pub fn entrusted_guardian_is_minor(g: &EntrustedGuardian, today: NaiveDate, rule: AgeRule) -> bool {
    g.id_number
        .as_deref()
        .and_then(|s| id_number::parse(s, today).ok())
        .and_then(|id| age::full_years(id.birth_date(), today, rule))
        .is_some_and(|a| !age::may_be_entrusted_carer(a))
}

/// [UPL] 22: the entrusted carer must be able to care and must not fall under the article's
/// exclusions (past abuse, drugs, gambling, neglect …). Either the file marks the carer
/// disqualified, or the census type says the entrusted guardian lacks the capacity to care
/// (受委托监护人监护能力不足, [M16]), or the director found one of the article's exclusions
/// (1)–(4) applies (`entrusted::found_unsuitable`).
pub fn entrusted_guardian_unsuitable(file: &ChildFile) -> bool {
    file.entrusted_guardian.as_ref().is_some_and(|g| g.disqualified || entrusted::found_unsuitable(&g.care))
        || file.guardianship_type == Some(GuardianshipType::EntrustedLacksCapacity)
}

/// Every breach of the law that the file shows at `today`, each from all the facts that
/// imply it. Stored as bits when the file is written (decision 11), so this is the only
/// place a warning is decided.
pub fn warnings(
    file: &ChildFile,
    age: Option<u32>,
    category: Category,
    today: NaiveDate,
    rule: AgeRule,
) -> Vec<Warning> {
    let mut out = Vec::new();
    if living_alone_breach(file.lives_alone, age) {
        out.push(Warning::Under16LivingAlone);
    }
    if unattended_breach(without_care(file, category), age) {
        out.push(Warning::Under8Unattended);
    }
    if file.entrusted_guardian.as_ref().is_some_and(|g| entrusted_guardian_is_minor(g, today, rule)) {
        out.push(Warning::EntrustedGuardianMinor);
    }
    if entrusted_guardian_unsuitable(file) {
        out.push(Warning::EntrustedGuardianDisqualified);
    }
    if no_guardian(file, category) {
        out.push(Warning::NoGuardian);
    }
    if entrusted::entrusted_care_incomplete(file) {
        out.push(Warning::EntrustedCareIncomplete);
    }
    out
}

/// Age, band, category and warnings of a file at `today`: derived, never typed.
///
/// Hukou takes no part. Rural hukou is a condition of the census population [M16], but a
/// file is a child the township has found, and its hukou excludes it from nothing: with
/// 否, or not filled in (`None`, shown 未填写 on every page and in the ledger, where it tells
/// the township what is still to be found out), the file keeps its category and warnings and
/// stays in the ledger and the summary. Leaving out a child whose hukou nobody has checked
/// would hide exactly the files that need a visit.
pub fn derive(file: &ChildFile, today: NaiveDate, rule: AgeRule) -> Derived {
    let age = file.birth_date.and_then(|b| age::full_years(b, today, rule));
    let category = left_behind_category(&file.father, &file.mother, age);
    Derived {
        age,
        age_band: age.and_then(AgeBand::of_age),
        category,
        warnings: warnings(file, age, category, today, rule),
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
        assert!(!unattended_breach(false, Some(3)));
        assert!(!unattended_breach(true, None), "no birth date, no age to hold against");
    }

    fn small(today_age: u32) -> ChildFile {
        // Born 1 May: `today_age` full years on 29 November 2026.
        let year = 2026 - i32::try_from(today_age).expect("small");
        ChildFile {
            birth_date: Some(d(year, 5, 1)),
            father: away(),
            mother: away(),
            guardianship_type: Some(GuardianshipType::Good),
            ..ChildFile::default()
        }
    }

    fn ws(file: &ChildFile) -> Vec<Warning> {
        derive(file, d(2026, 11, 29), AgeRule::default()).warnings
    }

    #[test]
    fn living_alone_is_being_without_care_so_under_8_it_is_also_unattended() {
        let mut f = small(7);
        f.lives_alone = true;
        assert_eq!(ws(&f), vec![Warning::Under16LivingAlone, Warning::Under8Unattended]);
        let mut f = small(8);
        f.lives_alone = true;
        assert_eq!(ws(&f), vec![Warning::Under16LivingAlone], "8 may be left unattended, not live alone");
        let mut f = small(16);
        f.lives_alone = true;
        assert!(ws(&f).is_empty(), "16 may live alone");
    }

    #[test]
    fn no_guardian_by_the_census_type_or_by_both_parents_away_with_nobody_named() {
        let mut f = small(7);
        f.guardianship_type = Some(GuardianshipType::NoGuardian);
        assert_eq!(ws(&f), vec![Warning::Under8Unattended, Warning::NoGuardian]);
        let mut f = small(8);
        f.guardianship_type = None;
        assert_eq!(ws(&f), vec![Warning::NoGuardian], "8: no longer an under-8 breach");
        assert!(no_guardian(&f, Category::BothAway));
        // Someone entrusted, or a type that says someone cares, or one parent at home.
        f.entrusted_guardian = Some(EntrustedGuardian { name: "祖母".into(), ..EntrustedGuardian::default() });
        assert!(!no_guardian(&f, Category::BothAway));
        let mut f = small(7);
        f.guardianship_type = Some(GuardianshipType::Fair);
        assert!(ws(&f).is_empty());
        let mut f = small(7);
        f.guardianship_type = None;
        f.mother = home(true);
        assert!(ws(&f).is_empty(), "a capable mother at home has the child");
        // 16 and over: no longer left-behind, so parents away alone do not make it.
        let mut f = small(16);
        f.guardianship_type = None;
        assert!(ws(&f).is_empty());
    }

    #[test]
    fn without_care_is_any_of_unattended_living_alone_or_no_guardian() {
        let f = small(5);
        assert!(!without_care(&f, Category::BothAway));
        assert!(without_care(&ChildFile { unattended: true, ..f.clone() }, Category::BothAway));
        assert!(without_care(&ChildFile { lives_alone: true, ..f.clone() }, Category::BothAway));
        let none = ChildFile { guardianship_type: Some(GuardianshipType::NoGuardian), ..f };
        assert!(without_care(&none, Category::NotLeftBehind));
    }

    #[test]
    fn a_carer_lacking_capacity_by_the_census_type_is_unsuitable_like_a_disqualified_one() {
        let mut f = small(10);
        f.entrusted_guardian =
            Some(papers_complete(EntrustedGuardian { name: "外婆".into(), ..EntrustedGuardian::default() }));
        assert!(ws(&f).is_empty());
        f.guardianship_type = Some(GuardianshipType::EntrustedLacksCapacity);
        assert_eq!(ws(&f), vec![Warning::EntrustedGuardianDisqualified]);
        f.guardianship_type = Some(GuardianshipType::Good);
        if let Some(g) = f.entrusted_guardian.as_mut() {
            g.disqualified = true;
        }
        assert_eq!(ws(&f), vec![Warning::EntrustedGuardianDisqualified]);
    }

    /// A carer whose notices and signed confirmation are recorded.
    fn papers_complete(mut g: EntrustedGuardian) -> EntrustedGuardian {
        g.confirmed_on = Some(d(2026, 3, 1));
        g.care.school_notice_on = Some(d(2026, 3, 2));
        g.care.village_notice_on = Some(d(2026, 3, 2));
        g.care.signed_by_parents = true;
        g.care.signed_by_carer = true;
        g
    }

    #[test]
    fn an_exclusion_found_makes_the_carer_unsuitable() {
        let mut f = small(10);
        let mut g = papers_complete(EntrustedGuardian { name: "外婆".into(), ..EntrustedGuardian::default() });
        g.care.vices = Some(false);
        f.entrusted_guardian = Some(g.clone());
        assert!(ws(&f).is_empty(), "checked, and not found");
        g.care.vices = Some(true);
        f.entrusted_guardian = Some(g);
        assert_eq!(ws(&f), vec![Warning::EntrustedGuardianDisqualified]);
    }

    #[test]
    fn entrusted_care_without_its_papers_is_flagged() {
        let mut f = small(10);
        let g = papers_complete(EntrustedGuardian { name: "外婆".into(), ..EntrustedGuardian::default() });
        f.entrusted_guardian = Some(EntrustedGuardian { confirmed_on: None, ..g });
        assert_eq!(ws(&f), vec![Warning::EntrustedCareIncomplete]);
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
                Warning::NoGuardian,
                Warning::EntrustedCareIncomplete
            ]
        );
    }

    #[test]
    fn hukou_not_filled_in_or_not_rural_changes_nothing_derived() {
        let file = |registered, rural| ChildFile {
            birth_date: Some(d(2020, 5, 1)),
            lives_alone: true,
            father: away(),
            mother: away(),
            hukou_registered: registered,
            rural_hukou: rural,
            ..ChildFile::default()
        };
        let rural = derive(&file(Some(true), Some(true)), d(2026, 11, 29), AgeRule::default());
        assert_eq!(rural.category, Category::BothAway);
        for (registered, rural_hukou) in [(None, None), (Some(false), Some(false)), (Some(true), None)] {
            let got = derive(&file(registered, rural_hukou), d(2026, 11, 29), AgeRule::default());
            assert_eq!(got, rural, "{registered:?} {rural_hukou:?}");
        }
    }

    fn with_check(first17: &str) -> String {
        let c = id_number::check_character(first17).expect("17 digits");
        format!("{first17}{c}")
    }
}
