//! ID and phone numbers as each reader may see them (issue 21): the fields of a child's file
//! that hold them, how a number is masked, the file and its history masked for a role
//! ([`crate::role::Role::sees_full_id_numbers`], [`crate::role::Role::sees_full_phone_numbers`]),
//! and the reason a reader gives to see one in full.

use crate::child::ChildFile;
use crate::error::FieldErrors;
use crate::msg;
use crate::role::Role;

/// The kinds of number a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Number {
    IdNumber,
    Phone,
}

/// Every field of a child's file that holds an ID or phone number, in the form's order.
pub const NUMBER_FIELDS: &[(&str, Number)] = &[
    ("id_number", Number::IdNumber),
    ("father.id_number", Number::IdNumber),
    ("father.phone", Number::Phone),
    ("mother.id_number", Number::IdNumber),
    ("mother.phone", Number::Phone),
    ("entrusted_guardian.id_number", Number::IdNumber),
    ("entrusted_guardian.phone", Number::Phone),
];

/// The kind of number a field holds, or `None` for any other field.
pub fn number_field(path: &str) -> Option<Number> {
    NUMBER_FIELDS.iter().find(|(p, _)| *p == path).map(|(_, n)| *n)
}

impl Role {
    /// Whether this role sees numbers of kind `n` in full.
    pub fn sees_in_full(self, n: Number) -> bool {
        match n {
            Number::IdNumber => self.sees_full_id_numbers(),
            Number::Phone => self.sees_full_phone_numbers(),
        }
    }
}

/// An ID number as a reader who may not see it sees it: the first 6 characters (the
/// address code of the county of registration, which the file's 户籍地 names anyway) and
/// nothing else: `120114************`.
///
/// Why not the usual "first 6 and last 4" (`120114********1234`): the 8 characters it hides
/// are the birth date, which the same page shows, so it hides nothing. Nor "first 3 and
/// last 4": with the birth date shown, the 3 hidden digits of the address are one of a few
/// districts, and the check character shown confirms the right guess. Hiding the sequence
/// and the check character leaves hundreds of candidates and no way to tell which is right.
/// Anything shorter than an ID number (15 or 18) is hidden whole.
pub fn mask_id_number(s: &str) -> String {
    let chars: Vec<char> = s.trim().chars().collect();
    let keep = if chars.len() >= 15 { 6 } else { 0 };
    chars.iter().enumerate().map(|(i, &c)| if i < keep { c } else { '*' }).collect()
}

/// A phone number as a reader who may not see it sees it: a mobile keeps its first 3
/// digits (the carrier) and last 4, `138****5678`, as Chinese receipts and apps show one; a
/// landline keeps its area code and at most its last 4 digits, `022-****5678`. At least 4
/// digits are always hidden (`****678` for a 7-digit local number).
pub fn mask_phone_number(s: &str) -> String {
    let n = crate::id_number::normalise_phone(s).unwrap_or_else(|| s.trim().to_string());
    let (area, local) = match n.split_once('-') {
        Some((a, l)) => (format!("{a}-"), l.to_string()),
        None => (String::new(), n),
    };
    let chars: Vec<char> = local.chars().collect();
    let len = chars.len();
    let mobile = area.is_empty() && len == 11 && local.starts_with('1');
    let head = if mobile { 3 } else { 0 };
    let tail = 4.min(len.saturating_sub(head + 4));
    let masked: String =
        chars.iter().enumerate().map(|(i, &c)| if i < head || i + tail >= len { c } else { '*' }).collect();
    format!("{area}{masked}")
}

/// Masks a value of kind `n`.
pub fn mask(n: Number, value: &str) -> String {
    match n {
        Number::IdNumber => mask_id_number(value),
        Number::Phone => mask_phone_number(value),
    }
}

/// The value of a number field in a file (`None` when empty or not a number field).
pub fn number_of<'a>(file: &'a ChildFile, path: &str) -> Option<&'a str> {
    let g = file.entrusted_guardian.as_ref();
    let v = match path {
        "id_number" => file.id_number.as_deref(),
        "father.id_number" => file.father.id_number.as_deref(),
        "father.phone" => file.father.phone.as_deref(),
        "mother.id_number" => file.mother.id_number.as_deref(),
        "mother.phone" => file.mother.phone.as_deref(),
        "entrusted_guardian.id_number" => g.and_then(|g| g.id_number.as_deref()),
        "entrusted_guardian.phone" => g.and_then(|g| g.phone.as_deref()),
        _ => None,
    };
    v.filter(|v| !v.is_empty())
}

fn number_mut<'a>(file: &'a mut ChildFile, path: &str) -> Option<&'a mut Option<String>> {
    Some(match path {
        "id_number" => &mut file.id_number,
        "father.id_number" => &mut file.father.id_number,
        "father.phone" => &mut file.father.phone,
        "mother.id_number" => &mut file.mother.id_number,
        "mother.phone" => &mut file.mother.phone,
        "entrusted_guardian.id_number" => &mut file.entrusted_guardian.as_mut()?.id_number,
        "entrusted_guardian.phone" => &mut file.entrusted_guardian.as_mut()?.phone,
        _ => return None,
    })
}

/// Masks, in place, every number of `file` that `role` may not see in full; returns the
/// paths of the fields masked (those with a value), in [`NUMBER_FIELDS`]' order.
pub fn mask_file(file: &mut ChildFile, role: Role) -> Vec<String> {
    let mut masked = Vec::new();
    for &(path, n) in NUMBER_FIELDS {
        if role.sees_in_full(n) {
            continue;
        }
        if let Some(v) = number_mut(file, path)
            && let Some(s) = v.as_mut().filter(|s| !s.is_empty())
        {
            *s = mask(n, s);
            masked.push(path.to_string());
        }
    }
    masked
}

/// A value of field `path` in a file's history as `role` sees it, and whether it was
/// masked: old versions hold numbers too.
pub fn history_value(path: &str, value: Option<String>, role: Role) -> (Option<String>, bool) {
    match (number_field(path), value) {
        (Some(n), Some(v)) if !role.sees_in_full(n) && !v.is_empty() => (Some(mask(n, &v)), true),
        (_, v) => (v, false),
    }
}

/// Longest reason for seeing a number in full, in characters.
pub const REASON_MAX: usize = crate::validate::SHORT_TEXT;

/// The reason a reader gives to see a number in full, as the audit log keeps it: required,
/// at most [`REASON_MAX`] characters, without control characters; any number typed into it
/// is masked ([`mask_numbers_in`]), so the log never holds one. Errors name `reason`.
pub fn reveal_reason(raw: &str) -> Result<String, FieldErrors> {
    let mut errs = FieldErrors::default();
    let mut v = raw.to_string();
    crate::validate::required_text(&mut errs, "reason", &mut v, REASON_MAX);
    errs.into_result(mask_numbers_in(&v))
}

/// Checks what is asked to be shown: a number field of the file. Errors name `field`.
pub fn reveal_field(path: &str) -> Result<Number, FieldErrors> {
    number_field(path).ok_or_else(|| {
        let mut errs = FieldErrors::default();
        errs.add("field", msg::REVEAL_FIELD_UNKNOWN);
        errs
    })
}

/// A text with every run of 7 or more digits (with a trailing X, as an ID number ends)
/// masked as the logs mask numbers ([`crate::id_number::mask_id`]).
pub fn mask_numbers_in(text: &str) -> String {
    let chars: Vec<char> = text.chars().collect();
    let mut out = String::with_capacity(text.len());
    let mut i = 0;
    while i < chars.len() {
        let digit = |c: char| c.is_ascii_digit() || ('０'..='９').contains(&c);
        if digit(chars[i]) {
            let start = i;
            while i < chars.len() && digit(chars[i]) {
                i += 1;
            }
            if i < chars.len() && matches!(chars[i], 'X' | 'x' | 'Ｘ' | 'ｘ') {
                i += 1;
            }
            let run: String = chars[start..i].iter().collect();
            if run.chars().filter(|c| digit(*c)).count() >= 7 {
                out.push_str(&crate::id_number::mask_id(&run));
            } else {
                out.push_str(&run);
            }
        } else {
            out.push(chars[i]);
            i += 1;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::child::{EntrustedGuardian, Parent};

    #[test]
    fn id_numbers_keep_only_the_address_code() {
        assert_eq!(mask_id_number("12011420160504001X"), "120114************");
        assert_eq!(mask_id_number(" 120114201605040010 "), "120114************");
        // The birth date, the sequence and the check character are all hidden.
        assert!(!mask_id_number("12011420160504001X").contains("20160504"));
        assert!(!mask_id_number("12011420160504001X").ends_with('X'));
        assert_eq!(mask_id_number("120114160504001"), "120114*********");
        assert_eq!(mask_id_number("E1234567"), "********");
        assert_eq!(mask_id_number(""), "");
    }

    #[test]
    fn phones_hide_at_least_four_digits() {
        assert_eq!(mask_phone_number("13812345678"), "138****5678");
        assert_eq!(mask_phone_number("138 1234 5678"), "138****5678");
        assert_eq!(mask_phone_number("022-12345678"), "022-****5678");
        assert_eq!(mask_phone_number("0755-8765432"), "0755-****432");
        assert_eq!(mask_phone_number("12345678"), "****5678");
        assert_eq!(mask_phone_number("2345678"), "****678");
        assert_eq!(mask_phone_number("02212345678"), "*******5678");
        assert_eq!(mask_phone_number("12345"), "****5");
        for p in ["13812345678", "022-12345678", "2345678", "12345678"] {
            assert!(mask_phone_number(p).matches('*').count() >= 4, "{p}");
        }
    }

    fn file() -> ChildFile {
        ChildFile {
            id_number: Some("12011420160504001X".into()),
            father: Parent {
                id_number: Some("120114198001010011".into()),
                phone: Some("13812345678".into()),
                ..Default::default()
            },
            mother: Parent { phone: Some("022-12345678".into()), ..Default::default() },
            entrusted_guardian: Some(EntrustedGuardian {
                id_number: Some("120114195001010012".into()),
                phone: Some("13900001111".into()),
                ..Default::default()
            }),
            ..Default::default()
        }
    }

    #[test]
    fn a_file_is_masked_per_role() {
        for &role in Role::ALL {
            let mut f = file();
            let masked = mask_file(&mut f, role);
            let ids = ["id_number", "father.id_number", "entrusted_guardian.id_number"];
            let phones = ["father.phone", "mother.phone", "entrusted_guardian.phone"];
            for p in ids {
                assert_eq!(masked.contains(&p.to_string()), !role.sees_full_id_numbers(), "{role:?} {p}");
                assert_eq!(number_of(&f, p) == number_of(&file(), p), role.sees_full_id_numbers(), "{role:?} {p}");
            }
            for p in phones {
                assert_eq!(masked.contains(&p.to_string()), !role.sees_full_phone_numbers(), "{role:?} {p}");
                assert_eq!(number_of(&f, p) == number_of(&file(), p), role.sees_full_phone_numbers(), "{role:?} {p}");
            }
            // An empty field is not named as masked.
            assert!(!masked.contains(&"mother.id_number".to_string()));
        }
        let mut f = file();
        mask_file(&mut f, Role::Doctor);
        assert_eq!(f.id_number.as_deref(), Some("120114************"));
        assert_eq!(f.father.phone.as_deref(), Some("138****5678"));
        assert_eq!(f.mother.phone.as_deref(), Some("022-****5678"));
    }

    #[test]
    fn history_values_are_masked_like_the_file() {
        let v = Some("13812345678".to_string());
        assert_eq!(history_value("father.phone", v.clone(), Role::Doctor), (Some("138****5678".into()), true));
        assert_eq!(history_value("father.phone", v.clone(), Role::Teacher), (v.clone(), false));
        assert_eq!(history_value("name", v.clone(), Role::Doctor), (v, false));
        assert_eq!(history_value("id_number", None, Role::Doctor), (None, false));
        let id = Some("12011420160504001X".to_string());
        assert_eq!(history_value("id_number", id.clone(), Role::Teacher).0.as_deref(), Some("120114************"));
        assert_eq!(history_value("id_number", id.clone(), Role::Police), (id, false));
    }

    #[test]
    fn every_number_field_is_a_field_of_the_form() {
        for (p, _) in NUMBER_FIELDS {
            assert!(crate::fields::FIELDS.iter().any(|(f, _)| f == p), "{p}");
        }
        // And every field of the form that holds a number is listed.
        for (p, _) in crate::fields::FIELDS {
            if p.ends_with("id_number") || p.ends_with("phone") {
                assert!(number_field(p).is_some(), "{p}");
            }
        }
    }

    #[test]
    fn a_reason_is_required_and_keeps_no_number() {
        assert_eq!(reveal_reason("  ").expect_err("empty").get("reason"), Some(msg::REQUIRED));
        assert_eq!(reveal_reason("").expect_err("empty").get("reason"), Some(msg::REQUIRED));
        assert!(reveal_reason(&"字".repeat(REASON_MAX + 1)).is_err());
        assert_eq!(reveal_reason(" 急诊联系监护人 ").expect("ok"), "急诊联系监护人");
        let r = reveal_reason("核对 12011420160504001X 与 13812345678，第3次").expect("ok");
        assert!(!r.contains("20160504") && !r.contains("1234567"), "{r}");
        assert!(r.contains("第3次"), "{r}");
        assert_eq!(reveal_field("father.phone"), Ok(Number::Phone));
        assert!(reveal_field("name").is_err());
    }
}
