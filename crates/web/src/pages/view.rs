//! What every page shows the same way: choices of a select box, times in China, how long ago.

use chrono::{DateTime, NaiveDate, Utc};
use shouhu_domain::msg;

pub use shouhu_domain::clock::{china_time, china_time_seconds};

/// An instant as a `datetime-local` input holds it, in China time (2026-11-29T12:00).
pub fn china_time_input(at: DateTime<Utc>) -> String {
    (at + chrono::Duration::hours(8)).format("%Y-%m-%dT%H:%M").to_string()
}

/// A page's `?saved=…` after a form went through (which form, where a page has several):
/// the page says 已保存.
#[derive(Debug, Default, serde::Deserialize)]
pub struct Saved {
    #[serde(default)]
    pub saved: Option<String>,
}

/// An `<option>` of a select box, or a check box of a group.
pub struct Opt {
    pub code: String,
    pub label: String,
    pub selected: bool,
}

/// The options of a code list given as (code, label) pairs, `current` selected.
pub fn opts(list: Vec<(&'static str, &'static str)>, current: &str) -> Vec<Opt> {
    list.into_iter().map(|(c, l)| Opt { code: c.to_string(), label: l.to_string(), selected: c == current }).collect()
}

/// The options of a code list's values, `current` (a code) selected.
pub fn options<T: Copy>(
    all: &[T],
    code: fn(T) -> &'static str,
    label: fn(T) -> &'static str,
    current: &str,
) -> Vec<Opt> {
    all.iter().map(|v| Opt { code: code(*v).into(), label: label(*v).into(), selected: code(*v) == current }).collect()
}

/// A date as forms and pages write it (2026-11-29).
pub fn day(d: NaiveDate) -> String {
    d.format("%Y-%m-%d").to_string()
}

pub fn opt_day(d: Option<NaiveDate>) -> String {
    d.map(day).unwrap_or_default()
}

/// "12 分钟前": how long ago, as the queue shows it (app.js counts on from there).
pub fn ago(now: DateTime<Utc>, at: DateTime<Utc>) -> String {
    let minutes = (now - at).num_minutes().max(0);
    match minutes {
        0 => msg::JUST_NOW.to_string(),
        1..60 => format!("{minutes} {}", msg::MINUTES_AGO),
        60..2880 => format!("{} {}", minutes / 60, msg::HOURS_AGO),
        _ => format!("{} {}", minutes / 1440, msg::DAYS_AGO),
    }
}
