//! Printable documents (文书, issue 22; docs/domain.md §10): their kinds, numbers (文号),
//! verification codes and the date written in Chinese. The layout is in `shouhu-documents`.

use crate::msg;
use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};

/// What a printed document is. The code is stored in the register of issued documents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "openapi", derive(utoipa::ToSchema))]
#[serde(rename_all = "snake_case")]
pub enum DocumentKind {
    /// 农村留守儿童信息登记表, one child's file as the 2016 census form [M16].
    CensusForm,
    /// The same form for every file of a ledger selection, a page (or more) per child.
    CensusForms,
    /// 委托监护确认书 [UPL] 22–23, [M19].
    EntrustedConfirmation,
    /// 强制报告回执: the receipt of a report [MR], [UPL] 11.
    ReportReceipt,
    /// 移交通知书: the police's hand-over to the township after the emergency disposal [S], [G14].
    HandoverNotice,
    /// 辍学书面报告: the school's written report when persuasion failed [S] 二(一).
    DropoutReport,
    // Issue 22, the casework's papers and the census summary (decisions 183–186).
    /// 调查评估报告: the township's assessment with its risk level and reasons [S] 二(四).
    AssessmentReport,
    /// 帮扶计划: the assessment's plan, its services and referrals [S] 二(四).
    AssistancePlan,
    /// 转介函: a referral letter to the receiving organisation, only what a referral
    /// discloses (`assessment::referral_discloses`).
    ReferralLetter,
    /// 撤销监护人资格申请书: the application to the court [S] 二(五), [G14] 35.
    RevocationApplication,
    /// 农村留守儿童摸底排查汇总表: the 32-column summary of a scope [M16].
    CensusSummary,
}

impl DocumentKind {
    pub const ALL: [DocumentKind; 11] = [
        DocumentKind::CensusForm,
        DocumentKind::CensusForms,
        DocumentKind::EntrustedConfirmation,
        DocumentKind::ReportReceipt,
        DocumentKind::HandoverNotice,
        DocumentKind::DropoutReport,
        DocumentKind::AssessmentReport,
        DocumentKind::AssistancePlan,
        DocumentKind::ReferralLetter,
        DocumentKind::RevocationApplication,
        DocumentKind::CensusSummary,
    ];

    pub fn code(self) -> &'static str {
        match self {
            DocumentKind::CensusForm => "census_form",
            DocumentKind::CensusForms => "census_forms",
            DocumentKind::EntrustedConfirmation => "entrusted_confirmation",
            DocumentKind::ReportReceipt => "report_receipt",
            DocumentKind::HandoverNotice => "handover_notice",
            DocumentKind::DropoutReport => "dropout_report",
            DocumentKind::AssessmentReport => "assessment_report",
            DocumentKind::AssistancePlan => "assistance_plan",
            DocumentKind::ReferralLetter => "referral_letter",
            DocumentKind::RevocationApplication => "revocation_application",
            DocumentKind::CensusSummary => "census_summary",
        }
    }

    pub fn parse(s: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.code() == s)
    }

    /// The document's title, as printed and as named on the verification page.
    pub fn title(self) -> &'static str {
        msg::document_title(self)
    }

    /// The first characters of its number; the census form and the ledger's forms share one
    /// sequence, being one form.
    fn prefix(self) -> &'static str {
        msg::document_number_prefix(self)
    }
}

/// A document's number (文号): prefix〔year〕district-sequence, one sequence per kind,
/// district and year, as offices number paper (the dropout report's own number, decision
/// 133, has this shape). `seq` starts at 1.
pub fn number(kind: DocumentKind, district: &str, on: NaiveDate, seq: i64) -> String {
    format!("{}〔{}〕{district}-{seq:04}", kind.prefix(), on.year())
}

/// The sequence a number is drawn from: the census form and the ledger's forms share one.
pub fn sequence_key(kind: DocumentKind) -> &'static str {
    match kind {
        DocumentKind::CensusForms => DocumentKind::CensusForm.code(),
        k => k.code(),
    }
}

/// The alphabet of verification codes: Crockford's base 32, without I, L, O and U, so that a
/// code read off paper is typed right.
const CODE_ALPHABET: &[u8; 32] = b"0123456789ABCDEFGHJKMNPQRSTVWXYZ";

/// Characters of a verification code (60 random bits: guessing one is hopeless at the
/// public rate limit).
pub const CODE_LEN: usize = 12;

/// A verification code from 60 random bits, as stored (no separators).
pub fn code_from_bits(bits: u64) -> String {
    (0..CODE_LEN).map(|i| CODE_ALPHABET[((bits >> (5 * i)) & 31) as usize] as char).collect()
}

/// A code as printed: groups of four joined by hyphens (`K7QX-2M9D-4TRE`).
pub fn display_code(code: &str) -> String {
    let chars: Vec<char> = code.chars().collect();
    chars.chunks(4).map(|c| c.iter().collect::<String>()).collect::<Vec<_>>().join("-")
}

/// A code as typed back in: case, hyphens and spaces ignored, O read as 0 and I or L as 1
/// (Crockford). `None` when it cannot be a code (then the answer is "not issued").
pub fn normalise_code(typed: &str) -> Option<String> {
    let mut out = String::with_capacity(CODE_LEN);
    for c in typed.chars() {
        let c = match c.to_ascii_uppercase() {
            '-' | ' ' => continue,
            'O' => '0',
            'I' | 'L' => '1',
            c => c,
        };
        if !c.is_ascii() || !CODE_ALPHABET.contains(&(c as u8)) {
            return None;
        }
        out.push(c);
        if out.len() > CODE_LEN {
            return None;
        }
    }
    (out.len() == CODE_LEN).then_some(out)
}

/// A date written in Chinese numerals, as on a seal's date line (二〇二六年十二月六日).
pub fn chinese_date(d: NaiveDate) -> String {
    const DIGITS: [char; 10] = ['〇', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
    let year: String =
        d.year().to_string().chars().filter_map(|c| c.to_digit(10)).map(|n| DIGITS[n as usize]).collect();
    format!("{year}年{}月{}日", chinese_number(d.month()), chinese_number(d.day()))
}

/// 1–99 in Chinese numerals: 十, 十一, 二十, 二十一.
fn chinese_number(n: u32) -> String {
    const DIGITS: [&str; 10] = ["", "一", "二", "三", "四", "五", "六", "七", "八", "九"];
    let (tens, ones) = ((n / 10) as usize, (n % 10) as usize);
    match tens {
        0 => DIGITS[ones].to_string(),
        1 => format!("十{}", DIGITS[ones]),
        t => format!("{}十{}", DIGITS[t], DIGITS[ones]),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(y: i32, m: u32, day: u32) -> NaiveDate {
        NaiveDate::from_ymd_opt(y, m, day).expect("valid date")
    }

    #[test]
    fn dates_in_chinese_numerals() {
        assert_eq!(chinese_date(d(2026, 12, 6)), "二〇二六年十二月六日");
        assert_eq!(chinese_date(d(2030, 1, 10)), "二〇三〇年一月十日");
        assert_eq!(chinese_date(d(2026, 10, 20)), "二〇二六年十月二十日");
        assert_eq!(chinese_date(d(2026, 11, 30)), "二〇二六年十一月三十日");
        assert_eq!(chinese_date(d(2026, 3, 31)), "二〇二六年三月三十一日");
        assert_eq!(chinese_date(d(2026, 2, 19)), "二〇二六年二月十九日");
    }

    #[test]
    fn numbers_have_the_office_shape() {
        assert_eq!(number(DocumentKind::CensusForm, "120114", d(2026, 12, 6), 7), "留登〔2026〕120114-0007");
        assert_eq!(number(DocumentKind::CensusForms, "120114", d(2026, 1, 1), 12345), "留登〔2026〕120114-12345");
        assert_eq!(sequence_key(DocumentKind::CensusForms), sequence_key(DocumentKind::CensusForm));
        assert_ne!(sequence_key(DocumentKind::ReportReceipt), sequence_key(DocumentKind::HandoverNotice));
    }

    #[test]
    fn codes_round_trip_and_forgive_how_they_are_typed() {
        let c = code_from_bits(0x0FED_CBA9_8765_4321);
        assert_eq!(c.len(), CODE_LEN);
        let shown = display_code(&c);
        assert_eq!(shown.len(), CODE_LEN + 2);
        assert_eq!(normalise_code(&shown).as_deref(), Some(c.as_str()));
        assert_eq!(normalise_code(&shown.to_lowercase()).as_deref(), Some(c.as_str()));
        assert_eq!(normalise_code("oooo-iiii-llll").as_deref(), Some("000011111111"));
        assert_eq!(normalise_code("0000-1111-111"), None, "one short");
        assert_eq!(normalise_code("0000-1111-11111"), None, "one long");
        assert_eq!(normalise_code("0000-1111-111U"), None, "U is not in the alphabet");
        assert_eq!(normalise_code("../../etc/passwd"), None);
        assert_eq!(normalise_code(""), None);
    }

    #[test]
    fn kinds_parse_back() {
        for k in DocumentKind::ALL {
            assert_eq!(DocumentKind::parse(k.code()), Some(k));
            assert!(!k.title().is_empty());
        }
    }
}
