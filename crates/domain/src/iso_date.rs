//! A file's dates in JSON: written as chrono writes them (`2015-03-08`), without going
//! through `Display`. A census import writes seven dates for each of a million files, and
//! chrono's formatter machinery was a tenth of the JSON's cost (docs/benchmarks.md).

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Deserializer, Serializer};

/// For `#[serde(with = "crate::iso_date")]` on an `Option<NaiveDate>`.
pub fn serialize<S: Serializer>(date: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
    match date {
        None => s.serialize_none(),
        Some(d) => match four_digit_year(d) {
            Some(buf) => s.serialize_some(std::str::from_utf8(&buf).unwrap_or_default()),
            // chrono's own form for years outside 0–9999 (a sign, more digits).
            None => s.serialize_some(d),
        },
    }
}

pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    Option::<NaiveDate>::deserialize(d)
}

/// `YYYY-MM-DD`, for the years chrono writes that way.
fn four_digit_year(d: &NaiveDate) -> Option<[u8; 10]> {
    let year = u32::try_from(d.year()).ok().filter(|y| *y <= 9999)?;
    let digit = |n: u32| b'0' + (n % 10) as u8;
    let (m, day) = (d.month(), d.day());
    Some([
        digit(year / 1000),
        digit(year / 100),
        digit(year / 10),
        digit(year),
        b'-',
        digit(m / 10),
        digit(m),
        b'-',
        digit(day / 10),
        digit(day),
    ])
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde::Serialize;

    #[derive(Serialize, Deserialize, PartialEq, Debug)]
    struct Ours(#[serde(with = "super")] Option<NaiveDate>);

    #[test]
    fn dates_are_written_exactly_as_chrono_writes_them() {
        // Stored files are compared and compressed as text: a different spelling would be a
        // different file.
        let mut days: Vec<NaiveDate> =
            ["0001-01-01", "0999-12-31", "1949-10-01", "2000-02-29", "2026-12-03", "9999-12-31"]
                .iter()
                .map(|s| s.parse().expect("a date"))
                .collect();
        days.extend([NaiveDate::from_ymd_opt(-1, 1, 1), NaiveDate::from_ymd_opt(10_000, 1, 1)].into_iter().flatten());
        let mut d = NaiveDate::from_ymd_opt(1990, 1, 1).expect("a date");
        while d.year() < 2030 {
            days.push(d);
            d += chrono::Duration::days(13);
        }
        for day in days {
            let ours = serde_json::to_string(&Ours(Some(day))).expect("json");
            assert_eq!(ours, serde_json::to_string(&Some(day)).expect("json"), "{day}");
            assert_eq!(serde_json::from_str::<Ours>(&ours).expect("read back"), Ours(Some(day)));
        }
        assert_eq!(serde_json::to_string(&Ours(None)).expect("json"), "null");
    }
}
