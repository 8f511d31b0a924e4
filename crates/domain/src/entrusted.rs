//! Entrusted care (委托监护) and the parents' contact with the child: the rules of [UPL] 22–23
//! and [M19] (docs/domain.md §2.6), one function each.

use crate::child::{ChildFile, EntrustedCare, EntrustedGuardian};
use crate::codes::Category;
use crate::error::FieldErrors;
use crate::msg;
use crate::role::Role;
use chrono::NaiveDate;

crate::codes::code_list! {
    /// How the parents were in touch with the child.
    ContactChannel {
        Phone = "phone", "电话";
        Video = "video", "视频";
        Message = "message", "微信或短信";
        HomeVisit = "home_visit", "回家探望";
        Other = "other", "其他";
    }
}

crate::codes::code_list! {
    /// Which parent was in touch; 未说明 when a visit hears when, not which parent.
    ContactWho {
        Father = "father", "父亲";
        Mother = "mother", "母亲";
        Both = "both", "父母双方";
        Unstated = "unstated", "未说明";
    }
}

/// [UPL] 23: the parents contact the child and the carer "at least once a week" (至少每周联系和
/// 交流一次). Seven days is the law's number, not a setting.
pub const CONTACT_DAYS: i64 = 7;

/// [UPL] 23: the parents' contact has lapsed at `at` when the last contact recorded on or
/// before it is more than [`CONTACT_DAYS`] days earlier: a contact exactly 7 days before
/// still counts, 8 days before does not. No contact recorded at all is a lapse: the law asks
/// for a weekly contact, and until someone records one shouhu cannot say it happened. A
/// contact dated after `at` says nothing about `at` and is not a lapse.
///
/// `at` is the visit's date when a visit asks (with the last contact as told there, or
/// recorded before it), and today for the file's flag and the ledger's filter
/// ([`parents_contact_lapsed`], which flags only what the log shows).
pub fn contact_lapsed(last_contact: Option<NaiveDate>, at: NaiveDate) -> bool {
    last_contact.is_none_or(|d| (at - d).num_days() > CONTACT_DAYS)
}

/// [UPL] 22–23: the weekly contact is owed by parents who are away and cannot fully care for
/// the child themselves, which is what makes a child left-behind ([13]): both away, or one
/// away and the other incapable. Whether the file names the carer yet does not matter; a
/// child who is no longer left-behind (a parent back, 16 or over) owes nothing here.
pub fn contact_rule_applies(category: Category) -> bool {
    category != Category::NotLeftBehind
}

/// [UPL] 23: the flag on the file and the ledger's filter at `at` (today): a left-behind
/// child whose last recorded contact is more than 7 days before ([`contact_lapsed`]). A file
/// with no contact recorded is not flagged: the log says nothing yet, and flagging every file
/// nobody has asked about would flag the whole ledger the day a census is imported. A visit
/// asks, and records what it is told; where nothing is told, the visit's own
/// `contact_lapsed(None, visit_date)` is the lapse.
pub fn parents_contact_lapsed(category: Category, last_contact: Option<NaiveDate>, at: NaiveDate) -> bool {
    contact_rule_applies(category) && last_contact.is_some_and(|d| contact_lapsed(Some(d), at))
}

crate::codes::code_list! {
    /// The three papers an entrusted arrangement needs ([UPL] 23, [M19]).
    CareItem {
        SchoolNotice = "school_notice", "书面告知学校（幼儿园）";
        VillageNotice = "village_notice", "书面告知村（居）民委员会";
        Confirmation = "confirmation", "委托监护确认书（父母和被委托人签字）";
    }
}

/// [M19]: the confirmation (委托监护确认书) is there when its date is recorded and it bears
/// the signatures of the parents and of the carer; a date alone (the census form's column)
/// does not say who signed.
pub fn confirmation_signed(g: &EntrustedGuardian) -> bool {
    g.confirmed_on.is_some() && g.care.signed_by_parents && g.care.signed_by_carer
}

/// [UPL] 23, [M19]: the papers still missing for this carer, in the order they are asked for.
/// A written notice is there when the date it was received is recorded.
pub fn missing_items(g: &EntrustedGuardian) -> Vec<CareItem> {
    let mut out = Vec::new();
    if g.care.school_notice_on.is_none() {
        out.push(CareItem::SchoolNotice);
    }
    if g.care.village_notice_on.is_none() {
        out.push(CareItem::VillageNotice);
    }
    if !confirmation_signed(g) {
        out.push(CareItem::Confirmation);
    }
    out
}

/// [UPL] 23, [M19]: the entrusted care is incomplete while either written notice or the signed
/// confirmation is missing. Only a file that names a carer has entrusted care to be complete
/// (a left-behind child with nobody entrusted is [`crate::rules::no_guardian`]'s warning).
pub fn entrusted_care_incomplete(file: &ChildFile) -> bool {
    file.entrusted_guardian.as_ref().is_some_and(|g| !missing_items(g).is_empty())
}

/// [UPL] 22 (1)–(4): the carer was found to fall under one of the article's exclusions. All
/// four count: (4) "otherwise unsuitable" is the law's own ground, and a director who finds
/// it has found the carer unsuitable as surely as under (1)–(3).
pub fn found_unsuitable(care: &EntrustedCare) -> bool {
    [care.past_offences, care.vices, care.neglected_duties, care.otherwise_unsuitable].contains(&Some(true))
}

/// The four findings of [UPL] 22 as (field, answer, evidence, label), in the article's order.
pub fn findings(care: &EntrustedCare) -> [(&'static str, Option<bool>, Option<&str>, &'static str); 4] {
    [
        ("past_offences", care.past_offences, care.past_offences_evidence.as_deref(), msg::CARE_PAST_OFFENCES),
        ("vices", care.vices, care.vices_evidence.as_deref(), msg::CARE_VICES),
        ("neglected_duties", care.neglected_duties, care.neglected_duties_evidence.as_deref(), msg::CARE_NEGLECTED),
        (
            "otherwise_unsuitable",
            care.otherwise_unsuitable,
            care.otherwise_unsuitable_evidence.as_deref(),
            msg::CARE_OTHERWISE,
        ),
    ]
}

/// Whether two entries name the same carer: the same name, or the same ID number. The
/// notices and the confirmation are about one person; a new carer needs new ones.
pub fn same_carer(a: &EntrustedGuardian, b: &EntrustedGuardian) -> bool {
    a.name == b.name || a.id_number.as_ref().is_some_and(|n| b.id_number.as_ref() == Some(n))
}

/// A change of the whole file (the file's form, `PUT /children/{id}`, a census import) keeps
/// the stored entrusted-care facts: none of those carries them. They stay with the carer
/// while it is the same person ([`same_carer`]) and start empty for another.
pub fn carry_care(stored: &ChildFile, new: &mut ChildFile) {
    if let Some(n) = new.entrusted_guardian.as_mut() {
        n.care = match stored.entrusted_guardian.as_ref() {
            Some(s) if same_carer(s, n) => s.care.clone(),
            _ => EntrustedCare::default(),
        };
    }
}

/// [M19] [UPL] 43: the village child director guides the confirmation and keeps the child's
/// information current; the township (乡镇人民政府) keeps the ledger. They record entrusted
/// care and the parents' contacts; others who read the file read them.
pub fn may_record_entrusted_care(role: Role) -> bool {
    matches!(role, Role::ChildDirector | Role::TownshipStaff)
}

/// Who a contact recorded on its own names: a parent, or both. 未说明 belongs only to the
/// contact a visit hears of, when the family told the date but not which parent ([UPL] 23
/// asks each parent to keep in touch, so the director who records one asks which).
pub fn who_may_be_recorded(who: ContactWho) -> bool {
    who != ContactWho::Unstated
}

/// A contact's date: not after today, not before the child was born.
pub fn check_contact_date(
    contact_on: Option<NaiveDate>,
    birth_date: Option<NaiveDate>,
    today: NaiveDate,
) -> Result<NaiveDate, FieldErrors> {
    let mut errs = FieldErrors::default();
    match contact_on {
        None => errs.add("contact_on", msg::REQUIRED),
        Some(d) if d > today => errs.add("contact_on", msg::DATE_IN_FUTURE),
        Some(d) if birth_date.is_some_and(|b| d < b) => errs.add("contact_on", msg::CONTACT_BEFORE_BIRTH),
        Some(_) => {}
    }
    errs.into_result(contact_on.unwrap_or(today))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_contact_recorded_on_its_own_names_the_parent() {
        assert!(who_may_be_recorded(ContactWho::Father) && who_may_be_recorded(ContactWho::Both));
        assert!(!who_may_be_recorded(ContactWho::Unstated));
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn contact_exactly_seven_days_before_holds_eight_lapses() {
        let at = d(2026, 12, 6);
        assert!(!contact_lapsed(Some(d(2026, 11, 29)), at), "7 days before: still within the week");
        assert!(contact_lapsed(Some(d(2026, 11, 28)), at), "8 days before: lapsed");
        assert!(!contact_lapsed(Some(at), at));
        assert!(!contact_lapsed(Some(d(2026, 12, 7)), at), "a later contact is no lapse at `at`");
        assert!(contact_lapsed(None, at), "nothing recorded");
    }

    #[test]
    fn the_contact_rule_is_for_left_behind_children_only() {
        let at = d(2026, 12, 6);
        assert!(parents_contact_lapsed(Category::BothAway, Some(d(2026, 11, 28)), at));
        assert!(parents_contact_lapsed(Category::OneAwayOtherIncapable, Some(d(2026, 11, 1)), at));
        assert!(!parents_contact_lapsed(Category::BothAway, None, at), "nothing recorded: no flag on the file");
        assert!(!parents_contact_lapsed(Category::NotLeftBehind, Some(d(2026, 11, 1)), at));
        assert!(!parents_contact_lapsed(Category::BothAway, Some(d(2026, 11, 29)), at));
    }

    fn carer() -> EntrustedGuardian {
        EntrustedGuardian { name: "王桂兰".into(), ..EntrustedGuardian::default() }
    }

    fn complete() -> EntrustedGuardian {
        let mut g = carer();
        g.confirmed_on = Some(d(2026, 3, 1));
        g.care.school_notice_on = Some(d(2026, 3, 2));
        g.care.village_notice_on = Some(d(2026, 3, 3));
        g.care.signed_by_parents = true;
        g.care.signed_by_carer = true;
        g
    }

    #[test]
    fn care_is_incomplete_while_a_notice_or_the_signed_confirmation_is_missing() {
        let file = |g: EntrustedGuardian| ChildFile { entrusted_guardian: Some(g), ..ChildFile::default() };
        assert!(!entrusted_care_incomplete(&file(complete())));
        assert!(missing_items(&complete()).is_empty());
        let mut g = complete();
        g.care.school_notice_on = None;
        assert_eq!(missing_items(&g), [CareItem::SchoolNotice]);
        assert!(entrusted_care_incomplete(&file(g)));
        let mut g = complete();
        g.care.village_notice_on = None;
        assert_eq!(missing_items(&g), [CareItem::VillageNotice]);
        let mut g = complete();
        g.confirmed_on = None;
        assert_eq!(missing_items(&g), [CareItem::Confirmation]);
        let mut g = complete();
        g.care.signed_by_carer = false;
        assert_eq!(missing_items(&g), [CareItem::Confirmation], "a confirmation the carer did not sign");
        let mut g = complete();
        g.care.signed_by_parents = false;
        assert_eq!(missing_items(&g), [CareItem::Confirmation]);
        assert_eq!(missing_items(&carer()).len(), 3);
        assert!(!entrusted_care_incomplete(&ChildFile::default()), "no carer, no entrusted care");
    }

    #[test]
    fn any_exclusion_found_makes_the_carer_unsuitable_unknown_and_no_do_not() {
        let mut c = EntrustedCare::default();
        assert!(!found_unsuitable(&c));
        c.past_offences = Some(false);
        c.vices = Some(false);
        assert!(!found_unsuitable(&c));
        for set in [
            |c: &mut EntrustedCare| c.past_offences = Some(true),
            |c: &mut EntrustedCare| c.vices = Some(true),
            |c: &mut EntrustedCare| c.neglected_duties = Some(true),
            |c: &mut EntrustedCare| c.otherwise_unsuitable = Some(true),
        ] {
            let mut c = EntrustedCare::default();
            set(&mut c);
            assert!(found_unsuitable(&c));
        }
    }

    #[test]
    fn a_whole_file_change_keeps_the_care_of_the_same_carer_only() {
        let stored = ChildFile { entrusted_guardian: Some(complete()), ..ChildFile::default() };
        let mut same = ChildFile { entrusted_guardian: Some(carer()), ..ChildFile::default() };
        carry_care(&stored, &mut same);
        assert_eq!(same.entrusted_guardian.as_ref().map(|g| &g.care), Some(&complete().care));
        let mut other = ChildFile {
            entrusted_guardian: Some(EntrustedGuardian { name: "李四".into(), ..complete() }),
            ..ChildFile::default()
        };
        carry_care(&stored, &mut other);
        assert_eq!(other.entrusted_guardian.map(|g| g.care), Some(EntrustedCare::default()));
        let mut none = ChildFile::default();
        carry_care(&stored, &mut none);
        assert!(none.entrusted_guardian.is_none());
    }

    #[test]
    fn the_lapse_is_never_among_the_stored_bits() {
        use crate::child::Warning;
        let ws = [Warning::NoGuardian, Warning::ParentsContactLapsed];
        assert_eq!(Warning::from_bits(Warning::to_bits(&ws)), [Warning::NoGuardian]);
    }

    #[test]
    fn directors_and_townships_record() {
        assert!(may_record_entrusted_care(Role::ChildDirector));
        assert!(may_record_entrusted_care(Role::TownshipStaff));
        assert!(!may_record_entrusted_care(Role::Teacher));
        assert!(!may_record_entrusted_care(Role::DistrictOfficer));
    }

    #[test]
    fn a_contact_date_is_not_in_the_future_nor_before_birth() {
        let today = d(2026, 12, 6);
        assert_eq!(check_contact_date(Some(today), Some(d(2015, 1, 1)), today), Ok(today));
        let e = check_contact_date(Some(d(2026, 12, 7)), None, today).expect_err("future");
        assert_eq!(e.get("contact_on"), Some(msg::DATE_IN_FUTURE));
        let e = check_contact_date(Some(d(2014, 12, 31)), Some(d(2015, 1, 1)), today).expect_err("before birth");
        assert_eq!(e.get("contact_on"), Some(msg::CONTACT_BEFORE_BIRTH));
        assert!(check_contact_date(None, None, today).is_err());
    }
}
