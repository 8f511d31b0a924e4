//! A file's dates in JSON: written as chrono writes them (`2015-03-08`), without going
//! through `Display`. A census import writes seven dates for each of a million files, and
//! chrono's formatter machinery was a tenth of the JSON's cost (docs/benchmarks.md).

use chrono::{Datelike, NaiveDate};
use serde::de::{self, Visitor};
use serde::{Deserializer, Serializer};

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

/// Reads what [`serialize`] writes without chrono's general parser (which reading a file
/// spent about a microsecond on); anything else chrono reads is still read.
pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
    d.deserialize_option(MaybeDate)
}

struct MaybeDate;

impl<'de> Visitor<'de> for MaybeDate {
    type Value = Option<NaiveDate>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a date (YYYY-MM-DD) or null")
    }

    fn visit_none<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
        Ok(None)
    }

    fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
        d.deserialize_str(Date).map(Some)
    }
}

struct Date;

impl Visitor<'_> for Date {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a date (YYYY-MM-DD)")
    }

    fn visit_str<E: de::Error>(self, v: &str) -> Result<NaiveDate, E> {
        match parse_four_digit_year(v.as_bytes()) {
            Some(d) => Ok(d),
            None => v.parse().map_err(E::custom),
        }
    }
}

/// `YYYY-MM-DD` with four digits of year, as [`four_digit_year`] writes it.
fn parse_four_digit_year(b: &[u8]) -> Option<NaiveDate> {
    let &[y1, y2, y3, y4, b'-', m1, m2, b'-', d1, d2] = b else { return None };
    let mut n = [0u32; 8];
    for (slot, c) in n.iter_mut().zip([y1, y2, y3, y4, m1, m2, d1, d2]) {
        *slot = u32::from(c.checked_sub(b'0').filter(|d| *d <= 9)?);
    }
    let year = n[0] * 1000 + n[1] * 100 + n[2] * 10 + n[3];
    NaiveDate::from_ymd_opt(year as i32, n[4] * 10 + n[5], n[6] * 10 + n[7])
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
    use serde::{Deserialize, Serialize};

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

    #[test]
    fn dates_read_back_as_chrono_reads_them_and_nonsense_is_refused() {
        for text in ["\"2015-03-08\"", "\"2015-3-8\"", "\"+10000-01-01\"", "\"-0001-01-01\"", "null"] {
            let ours = serde_json::from_str::<Ours>(text).expect(text);
            assert_eq!(ours.0, serde_json::from_str::<Option<NaiveDate>>(text).expect(text), "{text}");
        }
        for bad in ["\"2015-02-30\"", "\"2015/03/08\"", "\"20150308\"", "\"\"", "17"] {
            assert!(serde_json::from_str::<Ours>(bad).is_err(), "{bad}");
            assert!(serde_json::from_str::<Option<NaiveDate>>(bad).is_err(), "chrono refuses {bad} too");
        }
    }
}
