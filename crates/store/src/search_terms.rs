//! The terms under which a child is found by the search box: parts of the Chinese name,
//! full pinyin and pinyin initials from each syllable on, and a keyed term for the ID number's
//! last four characters (`crypto::Ring::suffix_term`): never the number or a part of it
//! (decision 96).

use pinyin::ToPinyin;

/// Chinese name substrings: the term is the substring itself (exact match).
pub const NAME: &str = "c:";
/// Pinyin from each syllable to the end, full and initials (prefix match).
pub const PINYIN: &str = "p:";
/// An ID number's last digits: [`crate::crypto::SUFFIX_TERM`], then a keyed hash.
pub use crate::crypto::SUFFIX_TERM;

/// What a query typed into the search box is looking for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Query {
    /// A whole ID number (15 or 18 characters), normalised.
    IdNumber(String),
    /// A term to match exactly.
    Exact(String),
    /// A term prefix to match.
    Prefix(String),
    /// The last digits of an ID number (4 to 14 characters, upper case), found by the keyed
    /// term of their last four.
    IdSuffix(String),
}

/// Every search term of a child, without duplicates; `id_term` is its ID number's keyed
/// suffix term, made by the store's keys.
pub fn terms(name: &str, id_term: Option<&str>) -> Vec<String> {
    let chars = name_chars(name);
    let mut out = Vec::new();
    for i in 0..chars.len() {
        for j in i + 1..=chars.len() {
            out.push(format!("{NAME}{}", chars[i..j].iter().collect::<String>()));
        }
    }
    push_pinyin(&chars, &mut out);
    if let Some(t) = id_term {
        out.push(t.to_string());
    }
    out.sort();
    out.dedup();
    out
}

/// A name's pinyin terms only (those of [`terms`] a prefix search matches).
pub fn pinyin_terms(name: &str) -> Vec<String> {
    let mut out = Vec::new();
    push_pinyin(&name_chars(name), &mut out);
    out
}

fn name_chars(name: &str) -> Vec<char> {
    name.chars().filter(|c| !c.is_whitespace()).take(12).collect()
}

fn push_pinyin(chars: &[char], out: &mut Vec<String>) {
    let syllables: Vec<(String, char)> = chars
        .iter()
        .map(|c| match c.to_pinyin() {
            Some(p) => (p.plain().to_string(), p.first_letter().chars().next().unwrap_or(*c)),
            None => (c.to_lowercase().collect(), c.to_lowercase().next().unwrap_or(*c)),
        })
        .collect();
    for i in 0..syllables.len() {
        let full: String = syllables[i..].iter().map(|(s, _)| s.as_str()).collect();
        let initials: String = syllables[i..].iter().map(|(_, c)| *c).collect();
        out.push(format!("{PINYIN}{full}"));
        out.push(format!("{PINYIN}{initials}"));
    }
}

/// Reads the search box: digits (and X) are an ID number or its last digits, Latin letters
/// are pinyin, anything else is a part of a Chinese name. `None` when there is nothing to find.
pub fn parse_query(q: &str) -> Option<Query> {
    let q: String = q.chars().filter(|c| !c.is_whitespace()).collect();
    if q.is_empty() || q.chars().count() > 30 {
        return None;
    }
    let upper = q.to_uppercase();
    if upper.chars().all(|c| c.is_ascii_digit() || c == 'X') {
        if upper.len() == 18 || upper.len() == 15 {
            return Some(Query::IdNumber(upper));
        }
        if upper.len() < 4 {
            // Three digits or fewer would match a large part of the registry.
            return None;
        }
        return Some(Query::IdSuffix(upper));
    }
    if q.chars().all(|c| c.is_ascii_alphabetic()) {
        return Some(Query::Prefix(format!("{PINYIN}{}", q.to_lowercase())));
    }
    Some(Query::Exact(format!("{NAME}{q}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn zhang_xiaoming_is_found_by_initials_full_pinyin_and_parts() {
        let t = terms("张小明", Some("s:0123abcd"));
        for want in ["c:张", "c:小明", "c:张小明", "p:zhangxiaoming", "p:zxm", "p:xiaoming", "p:xm", "s:0123abcd"]
        {
            assert!(t.contains(&want.to_string()), "missing {want}: {t:?}");
        }
    }

    #[test]
    fn queries_are_classified() {
        assert_eq!(parse_query("zxm"), Some(Query::Prefix("p:zxm".into())));
        assert_eq!(parse_query("ZhangX"), Some(Query::Prefix("p:zhangx".into())));
        assert_eq!(parse_query("小明"), Some(Query::Exact("c:小明".into())));
        assert_eq!(parse_query("0017"), Some(Query::IdSuffix("0017".into())));
        assert_eq!(parse_query("08001x"), Some(Query::IdSuffix("08001X".into())));
        assert_eq!(parse_query("12011420150308001x"), Some(Query::IdNumber("12011420150308001X".into())));
        assert_eq!(parse_query("17"), None);
        assert_eq!(parse_query("  "), None);
    }
}
