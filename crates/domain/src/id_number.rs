//! Chinese resident identity numbers (公民身份号码), GB 11643-1999, and phone numbers.
//!
//! An 18-character number is: the address code (6 digits, the GB/T 2260 county where the
//! person was first registered), the birth date (`YYYYMMDD`), a sequence number (3 digits,
//! odd for men and even for women) and a check character (`0`–`9` or `X`).
//! The legacy 15-digit number (GB 11643-1989) has a 2-digit year and no check character;
//! it is upgraded to 18 characters on parsing.
//!
//! ID numbers are personal data: [`IdNumber`]'s `Debug` prints only the masked form, and
//! lists and logs must show [`mask_id`] / [`mask_phone`], never the full value.

use std::fmt;

use chrono::NaiveDate;

use crate::codes::Sex;

/// The weights Wᵢ of the first 17 digits, GB 11643-1999 §7.
const WEIGHTS: [u32; 17] = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];

/// The check character for Y = S mod 11 = 0 … 10, GB 11643-1999 §7.
const CHECK_CHARACTERS: [char; 11] = ['1', '0', 'X', '9', '8', '7', '6', '5', '4', '3', '2'];

/// Birth years before this one are taken for typing errors.
const EARLIEST_BIRTH_YEAR: i32 = 1800;

/// A valid resident ID number: 18 ASCII characters, digits with a final digit or upper-case `X`.
///
/// Only [`parse`] builds one, so every value has a real province code, a real birth date and
/// a correct check character.
#[derive(Clone, PartialEq, Eq, Hash)]
pub struct IdNumber(String);

/// Why a string is not a valid ID number, in the order the checks are made.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum IdNumberError {
    #[error("the ID number is empty")]
    Empty,
    #[error("an ID number has 18 characters (15 in the old format), found {found}")]
    Length { found: usize },
    #[error("an ID number has only digits, with X allowed as the last of 18 characters")]
    Characters,
    #[error("the first two digits of the ID number are not a province-level region code")]
    Province,
    #[error("the birth date in the ID number is not a valid date")]
    BirthDate,
    #[error("the birth date in the ID number is in the future")]
    FutureBirthDate,
    #[error("the check character of the ID number is {found}, but its first 17 digits require {expected}")]
    CheckCharacter { expected: char, found: char },
}

/// Parses and validates an ID number, GB 11643-1999 (18 characters) or GB 11643-1989
/// (15 digits, upgraded to 18).
///
/// Surrounding whitespace is trimmed; full-width digits and `Ｘ`/`ｘ`, and a lower-case `x`,
/// are normalised. The address code is not checked against the current GB/T 2260 list,
/// because codes that have since been retired remain valid in numbers issued under them:
/// only its first two digits must be a province-level code ([`is_province_code`]).
/// The birth date must exist, not be after `today`, and not be before 1800.
pub fn parse(input: &str, today: NaiveDate) -> Result<IdNumber, IdNumberError> {
    let s: String = input.trim().chars().map(normalise_char).collect();
    if s.is_empty() {
        return Err(IdNumberError::Empty);
    }
    let number = match s.chars().count() {
        18 => {
            // At the 17th character, not byte: any other letter may stand anywhere.
            let (first17, last) = s.split_at(s.char_indices().nth(17).map_or(s.len(), |(i, _)| i));
            let last_ok = last.chars().all(|c| c.is_ascii_digit() || c == 'X');
            if !is_ascii_digits(first17) || !last_ok {
                return Err(IdNumberError::Characters);
            }
            s
        }
        15 => upgrade_legacy(&s).ok_or(IdNumberError::Characters)?,
        found => return Err(IdNumberError::Length { found }),
    };
    // From here on `number` is 18 ASCII characters.
    let province: u32 = number[..2].parse().map_err(|_| IdNumberError::Characters)?;
    if !is_province_code(province) {
        return Err(IdNumberError::Province);
    }
    let birth = birth_date_of(&number).ok_or(IdNumberError::BirthDate)?;
    if birth > today {
        return Err(IdNumberError::FutureBirthDate);
    }
    let (first17, last) = number.split_at(17);
    let expected = check_character(first17).ok_or(IdNumberError::Characters)?;
    let found = last.chars().next().ok_or(IdNumberError::Characters)?;
    if found != expected {
        return Err(IdNumberError::CheckCharacter { expected, found });
    }
    Ok(IdNumber(number))
}

/// The check character of an ID number from its first 17 digits, GB 11643-1999 §7:
/// S = Σ aᵢ·Wᵢ, Y = S mod 11, and Y = 0 … 10 gives `1 0 X 9 8 7 6 5 4 3 2`.
///
/// `None` if `first17` is not exactly 17 ASCII digits.
pub fn check_character(first17: &str) -> Option<char> {
    if first17.len() != 17 || !is_ascii_digits(first17) {
        return None;
    }
    let sum: u32 = first17.bytes().zip(WEIGHTS).map(|(b, w)| u32::from(b - b'0') * w).sum();
    // `sum % 11` is at most 10, a valid index.
    CHECK_CHARACTERS.get(usize::try_from(sum % 11).ok()?).copied()
}

/// Whether the first two digits of an address code name a province-level region, GB/T 2260:
/// 11–15, 21–23, 31–37, 41–46, 50–54, 61–65, 71 (Taiwan), 81 (Hong Kong), 82 (Macao) and
/// 83 (Taiwan residents' residence permits).
pub fn is_province_code(code: u32) -> bool {
    matches!(
        code,
        11..=15 | 21..=23 | 31..=37 | 41..=46 | 50..=54 | 61..=65 | 71 | 81..=83
    )
}

impl IdNumber {
    /// The normalised 18 characters. Personal data: do not log it, see [`IdNumber::masked`].
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The birth date, characters 7–14.
    pub fn birth_date(&self) -> NaiveDate {
        // `parse` checked the date, so the fallback is never taken.
        birth_date_of(&self.0).unwrap_or(NaiveDate::MIN)
    }

    /// The sex, from the parity of the sequence number's last digit (character 17):
    /// odd for male, even for female, GB 11643-1999 §6.3.
    pub fn sex(&self) -> Sex {
        // The parity of an ASCII digit's byte is the parity of the digit ('0' is 48).
        if self.0.as_bytes().get(16).is_some_and(|b| b % 2 == 1) { Sex::Male } else { Sex::Female }
    }

    /// The address code, characters 1–6: the county of first registration (GB/T 2260).
    pub fn address_code(&self) -> &str {
        &self.0[..6]
    }

    /// The 6-digit district code: the same digits as [`IdNumber::address_code`].
    pub fn district_code(&self) -> &str {
        self.address_code()
    }

    /// The first 3 and last 4 characters, the rest hidden: `110***********002X`.
    pub fn masked(&self) -> String {
        format!("{}{}{}", &self.0[..3], "*".repeat(11), &self.0[14..])
    }
}

impl fmt::Debug for IdNumber {
    /// Prints the masked form only, so that ID numbers never reach the logs.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_tuple("IdNumber").field(&self.masked()).finish()
    }
}

/// Masks any string that looks like an ID number or phone number for display: keep first 3
/// and last 4 characters (for phones 11 digits: "138****5678"). Used in lists and logs.
///
/// Surrounding whitespace is trimmed. Strings shorter than 11 characters keep only their
/// last 4 characters, and those of 4 characters or fewer are hidden entirely, so that
/// masking never shows most of a value.
pub fn mask_id(s: &str) -> String {
    mask_middle(s.trim())
}

/// Masks a phone number for display like [`mask_id`]: `138****5678`, `010*****5678`.
///
/// A valid number is normalised first ([`normalise_phone`]), so `138 1234 5678` masks to
/// `138****5678`; anything else is masked as typed.
pub fn mask_phone(s: &str) -> String {
    match normalise_phone(s) {
        Some(n) => mask_middle(&n),
        None => mask_middle(s.trim()),
    }
}

/// Validates a mainland mobile (1[3-9]\d{9}) or a landline (digits, optional area code and '-', 7-12 digits total). Returns normalised (spaces and dashes removed for mobile) or None.
///
/// Full-width digits and hyphens are accepted. A mobile may carry a `+86` prefix, which is
/// dropped. A landline is a local number of 7–8 digits not starting with 0, optionally
/// preceded by an area code of 3–4 digits starting with 0; the area code may be separated by
/// `-` or spaces (normalised to a single `-`) or written together with the local number
/// (10–12 digits starting with 0, kept as typed since the split is then unknown).
pub fn normalise_phone(s: &str) -> Option<String> {
    let s: String = s.trim().chars().map(normalise_phone_char).collect();

    let mobile: String = s.strip_prefix("+86").unwrap_or(&s).chars().filter(|c| !matches!(c, ' ' | '-')).collect();
    if is_mobile(&mobile) {
        return Some(mobile);
    }

    let parts: Vec<&str> = s.split(|c: char| c == '-' || c.is_whitespace()).filter(|p| !p.is_empty()).collect();
    match parts.as_slice() {
        [whole] if is_ascii_digits(whole) && whole.starts_with('0') => {
            (10..=12).contains(&whole.len()).then(|| (*whole).to_owned())
        }
        [local] => is_local_number(local).then(|| (*local).to_owned()),
        [area, local] => (is_area_code(area) && is_local_number(local)).then(|| format!("{area}-{local}")),
        _ => None,
    }
}

/// Maps full-width digits and `Ｘ`/`ｘ`, and a lower-case `x`, to their ASCII forms.
fn normalise_char(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' => char::from_digit(u32::from(c) - 0xFF10, 10).unwrap_or(c),
        '\u{FF38}' | '\u{FF58}' | 'x' => 'X',
        _ => c,
    }
}

/// Maps full-width digits, the full-width hyphen and the ideographic space to ASCII.
fn normalise_phone_char(c: char) -> char {
    match c {
        '\u{FF10}'..='\u{FF19}' => char::from_digit(u32::from(c) - 0xFF10, 10).unwrap_or(c),
        '\u{FF0D}' => '-',
        '\u{3000}' => ' ',
        _ => c,
    }
}

fn is_ascii_digits(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_digit())
}

/// A mainland mobile number: `1[3-9]\d{9}`.
fn is_mobile(s: &str) -> bool {
    let b = s.as_bytes();
    b.len() == 11 && is_ascii_digits(s) && b[0] == b'1' && (b'3'..=b'9').contains(&b[1])
}

/// A landline area code: 3–4 digits starting with 0.
fn is_area_code(s: &str) -> bool {
    (3..=4).contains(&s.len()) && is_ascii_digits(s) && s.starts_with('0')
}

/// A landline local number: 7–8 digits, not starting with 0.
fn is_local_number(s: &str) -> bool {
    (7..=8).contains(&s.len()) && is_ascii_digits(s) && !s.starts_with('0')
}

/// Upgrades a 15-digit number (GB 11643-1989) to 18 characters: "19" is inserted before
/// the 2-digit year and the check character is appended. `None` unless 15 ASCII digits.
fn upgrade_legacy(s: &str) -> Option<String> {
    if s.len() != 15 || !is_ascii_digits(s) {
        return None;
    }
    let first17 = format!("{}19{}", &s[..6], &s[6..]);
    let check = check_character(&first17)?;
    Some(format!("{first17}{check}"))
}

/// The birth date in characters 7–14 of an 18-character number, if it is a real date
/// not before [`EARLIEST_BIRTH_YEAR`].
fn birth_date_of(number: &str) -> Option<NaiveDate> {
    let digits = number.get(6..14)?;
    if !is_ascii_digits(digits) {
        return None;
    }
    let year: i32 = digits[..4].parse().ok()?;
    let month: u32 = digits[4..6].parse().ok()?;
    let day: u32 = digits[6..].parse().ok()?;
    if year < EARLIEST_BIRTH_YEAR {
        return None;
    }
    NaiveDate::from_ymd_opt(year, month, day)
}

/// Keeps the first 3 and last 4 characters of a string of 11 or more, the last 4 of a
/// shorter one, none of one of 4 or fewer; every other character becomes `*`.
fn mask_middle(s: &str) -> String {
    let chars: Vec<char> = s.chars().collect();
    let n = chars.len();
    let (head, tail) = match n {
        11.. => (3, 4),
        5..=10 => (0, 4),
        _ => (0, 0),
    };
    chars.iter().enumerate().map(|(i, &c)| if i < head || i >= n - tail { c } else { '*' }).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// 18 characters with a letter of several bytes among them: refused, never a panic on
    /// a byte that is not a character's start (found by a probe of the API).
    #[test]
    fn a_wide_character_anywhere_is_refused_as_a_character() {
        let today = NaiveDate::from_ymd_opt(2026, 12, 7).expect("day");
        for s in ["123456789012345一12", "12345678901234567一", "一23456789012345678", "1234567890123456é7"] {
            assert_eq!(s.chars().count(), 18, "{s}");
            assert_eq!(parse(s, today), Err(IdNumberError::Characters), "{s}");
        }
    }

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid test date")
    }

    fn today() -> NaiveDate {
        d(2026, 6, 1)
    }

    /// Completes 17 digits with their check character.
    fn with_check(first17: &str) -> String {
        let c = check_character(first17).expect("17 digits");
        format!("{first17}{c}")
    }

    #[test]
    fn known_good_female_1949() {
        let id = parse("11010519491231002X", today()).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), d(1949, 12, 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(id.address_code(), "110105");
        assert_eq!(id.district_code(), "110105");
    }

    #[test]
    fn known_good_male_1880() {
        let id = parse("440524188001010014", today()).expect("valid");
        assert_eq!(id.birth_date(), d(1880, 1, 1));
        assert_eq!(id.sex(), Sex::Male);
        assert_eq!(id.address_code(), "440524");
    }

    #[test]
    fn known_good_2023() {
        let id = parse("110101202311012176", today()).expect("valid");
        assert_eq!(id.birth_date(), d(2023, 11, 1));
        assert_eq!(id.sex(), Sex::Male);
    }

    #[test]
    fn check_character_of_known_numbers() {
        assert_eq!(check_character("11010519491231002"), Some('X'));
        assert_eq!(check_character("44052418800101001"), Some('4'));
        assert_eq!(check_character("11010120231101217"), Some('6'));
    }

    #[test]
    fn check_character_rejects_other_input() {
        assert_eq!(check_character(""), None);
        assert_eq!(check_character("1101051949123100"), None);
        assert_eq!(check_character("110105194912310021"), None);
        assert_eq!(check_character("1101051949123100X"), None);
        assert_eq!(check_character("１１０１０５１９４９１２３１００２"), None);
    }

    #[test]
    fn lower_case_x_is_normalised() {
        let id = parse("11010519491231002x", today()).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn surrounding_whitespace_is_trimmed() {
        let id = parse(" \t11010519491231002X\n\u{3000}", today()).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn full_width_input_is_normalised() {
        let id = parse("１１０１０５１９４９１２３１００２Ｘ", today()).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
        let id = parse("１１０１０５１９４９１２３１００２ｘ", today()).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
    }

    #[test]
    fn legacy_15_digits_are_upgraded() {
        let id = parse("110105491231002", today()).expect("valid");
        assert_eq!(id.as_str(), "11010519491231002X");
        assert_eq!(id.birth_date(), d(1949, 12, 31));
        assert_eq!(id.sex(), Sex::Female);
        assert_eq!(upgrade_legacy("110105491231002").as_deref(), Some("11010519491231002X"));
    }

    #[test]
    fn legacy_15_digits_are_checked_too() {
        assert_eq!(parse("110105490230002", today()), Err(IdNumberError::BirthDate));
        assert_eq!(parse("990105491231002", today()), Err(IdNumberError::Province));
        assert_eq!(parse("11010549123100X", today()), Err(IdNumberError::Characters));
    }

    #[test]
    fn error_empty() {
        assert_eq!(parse("", today()), Err(IdNumberError::Empty));
        assert_eq!(parse("   \u{3000} ", today()), Err(IdNumberError::Empty));
    }

    #[test]
    fn error_length() {
        assert_eq!(parse("12345", today()), Err(IdNumberError::Length { found: 5 }));
        assert_eq!(parse("11010519491231002X1", today()), Err(IdNumberError::Length { found: 19 }));
        // Characters, not bytes, are counted.
        assert_eq!(parse("１１０１０５１９４９１２３１００２", today()), Err(IdNumberError::Length { found: 17 }));
        // Inner spaces are not removed.
        assert_eq!(parse("110105 19491231002X", today()), Err(IdNumberError::Length { found: 19 }));
    }

    #[test]
    fn error_characters() {
        assert_eq!(parse("11010519491231002A", today()), Err(IdNumberError::Characters));
        assert_eq!(parse("1101051949123100X2", today()), Err(IdNumberError::Characters));
        assert_eq!(parse("X10105194912310021", today()), Err(IdNumberError::Characters));
        assert_eq!(parse("110105 1949123100X", today()), Err(IdNumberError::Characters));
    }

    #[test]
    fn error_province() {
        for prefix in
            ["00", "10", "16", "20", "24", "30", "38", "40", "47", "55", "60", "66", "70", "72", "80", "84", "91", "99"]
        {
            let id = with_check(&format!("{prefix}010519491231002"));
            assert_eq!(parse(&id, today()), Err(IdNumberError::Province), "{prefix}");
        }
        for prefix in ["11", "15", "21", "23", "31", "37", "41", "46", "50", "54", "61", "65", "71", "81", "82", "83"] {
            let id = with_check(&format!("{prefix}010519491231002"));
            assert!(parse(&id, today()).is_ok(), "{prefix}");
        }
    }

    #[test]
    fn error_birth_date() {
        let impossible = with_check("11010520230230002");
        assert_eq!(parse(&impossible, today()), Err(IdNumberError::BirthDate));
        let month13 = with_check("11010520231301002");
        assert_eq!(parse(&month13, today()), Err(IdNumberError::BirthDate));
        let day0 = with_check("11010520230100002");
        assert_eq!(parse(&day0, today()), Err(IdNumberError::BirthDate));
        let too_early = with_check("11010517991231002");
        assert_eq!(parse(&too_early, today()), Err(IdNumberError::BirthDate));
        let earliest = with_check("11010518000101002");
        assert!(parse(&earliest, today()).is_ok());
    }

    #[test]
    fn february_29() {
        for (first17, ok) in [
            ("11010520200229002", true),  // leap year
            ("11010520000229002", true),  // divisible by 400
            ("11010520230229002", false), // common year
            ("11010519000229002", false), // divisible by 100, not by 400
        ] {
            let got = parse(&with_check(first17), today());
            if ok {
                assert_eq!(got.expect("leap day").birth_date().format("%m-%d").to_string(), "02-29");
            } else {
                assert_eq!(got, Err(IdNumberError::BirthDate), "{first17}");
            }
        }
    }

    #[test]
    fn error_future_birth_date() {
        let id = with_check("11010520260602002");
        assert_eq!(parse(&id, d(2026, 6, 1)), Err(IdNumberError::FutureBirthDate));
        // Born today is fine.
        assert!(parse(&id, d(2026, 6, 2)).is_ok());
    }

    #[test]
    fn error_check_character() {
        assert_eq!(
            parse("110105194912310021", today()),
            Err(IdNumberError::CheckCharacter { expected: 'X', found: '1' })
        );
        assert_eq!(
            parse("44052418800101001X", today()),
            Err(IdNumberError::CheckCharacter { expected: '4', found: 'X' })
        );
    }

    #[test]
    fn error_messages_do_not_contain_the_number() {
        let e = parse("110105194912310021", today()).expect_err("bad check");
        let text = e.to_string();
        assert!(text.contains('X') && text.contains('1'));
        assert!(!text.contains("1101051949"));
    }

    #[test]
    fn debug_prints_only_the_masked_form() {
        let id = parse("11010519491231002X", today()).expect("valid");
        let debug = format!("{id:?}");
        assert_eq!(debug, r#"IdNumber("110***********002X")"#);
        assert!(!debug.contains("11010519491231002X"));
        assert!(!format!("{:?}", Some(&id)).contains("19491231"));
        assert!(!format!("{id:#?}").contains("19491231"));
    }

    #[test]
    fn masking() {
        let id = parse("11010519491231002X", today()).expect("valid");
        assert_eq!(id.masked(), "110***********002X");
        assert_eq!(mask_id("11010519491231002X"), "110***********002X");
        assert_eq!(mask_id(" 11010519491231002X "), "110***********002X");
        assert_eq!(mask_id("110105491231002"), "110********1002");
        assert_eq!(mask_id("13812345678"), "138****5678");
        assert_eq!(mask_id("1234567"), "***4567");
        assert_eq!(mask_id("1234"), "****");
        assert_eq!(mask_id(""), "");
        assert_eq!(mask_id("１１０１０５１９４９１２３１００２Ｘ").chars().count(), 18);
        assert_eq!(mask_phone("13812345678"), "138****5678");
        assert_eq!(mask_phone("138 1234 5678"), "138****5678");
        assert_eq!(mask_phone("+86 138-1234-5678"), "138****5678");
        assert_eq!(mask_phone("010-12345678"), "010*****5678");
        assert_eq!(mask_phone("2345678"), "***5678");
        assert_eq!(mask_phone("not a phone"), "not****hone");
    }

    #[test]
    fn mobiles() {
        assert_eq!(normalise_phone("13812345678").as_deref(), Some("13812345678"));
        assert_eq!(normalise_phone(" 138 1234 5678 ").as_deref(), Some("13812345678"));
        assert_eq!(normalise_phone("138-1234-5678").as_deref(), Some("13812345678"));
        assert_eq!(normalise_phone("+86 13812345678").as_deref(), Some("13812345678"));
        assert_eq!(normalise_phone("１３８１２３４５６７８").as_deref(), Some("13812345678"));
        assert_eq!(normalise_phone("19912345678").as_deref(), Some("19912345678"));
        assert_eq!(normalise_phone("12812345678"), None); // second digit 2
        assert_eq!(normalise_phone("1381234567"), None); // 10 digits
        assert_eq!(normalise_phone("138123456789"), None); // 12 digits
        assert_eq!(normalise_phone("1381234567a"), None);
    }

    #[test]
    fn landlines() {
        assert_eq!(normalise_phone("010-12345678").as_deref(), Some("010-12345678"));
        assert_eq!(normalise_phone("010 12345678").as_deref(), Some("010-12345678"));
        assert_eq!(normalise_phone("0755－8765432").as_deref(), Some("0755-8765432"));
        assert_eq!(normalise_phone("01012345678").as_deref(), Some("01012345678"));
        assert_eq!(normalise_phone("075587654321").as_deref(), Some("075587654321"));
        assert_eq!(normalise_phone("12345678").as_deref(), Some("12345678"));
        assert_eq!(normalise_phone("02345678"), None); // local number starting with 0
        assert_eq!(normalise_phone("12012345678"), None); // neither mobile nor landline
        assert_eq!(normalise_phone("2345678").as_deref(), Some("2345678"));
        assert_eq!(normalise_phone("23456789").as_deref(), Some("23456789"));
        assert_eq!(normalise_phone("234567"), None); // 6 digits
        assert_eq!(normalise_phone("234567890"), None); // 9 digits, no area code
        assert_eq!(normalise_phone("0755876543210"), None); // 13 digits
        assert_eq!(normalise_phone("755-87654321"), None); // area code without 0
        assert_eq!(normalise_phone("010-1234-5678"), None);
        assert_eq!(normalise_phone(""), None);
        assert_eq!(normalise_phone("-"), None);
    }
}
