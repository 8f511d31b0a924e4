//! The written dropout report's values (templates/dropout_report.tpl) from the case's stored
//! snapshot (decision 133): its first line is the title and number, the second the
//! addressees, the last the school and date; the lines between are the body.

use crate::template::Values;
use chrono::NaiveDate;
use shouhu_domain::document::chinese_date;
use shouhu_domain::msg;
use std::collections::BTreeMap;

/// The report's values, or `None` when the case has no written report yet.
pub fn values(
    report_text: Option<&str>,
    report_no: &str,
    school: &str,
    reported_on: Option<NaiveDate>,
) -> Option<Values> {
    let text = report_text?;
    let lines: Vec<&str> = text.lines().collect();
    if lines.len() < 3 {
        return None;
    }
    let mut v = Values::default();
    v.set("title", msg::DROPOUT_REPORT_TITLE);
    v.set("report_no", report_no);
    v.set("to", lines[1]);
    v.set("school", school);
    v.set("date", reported_on.map(chinese_date).unwrap_or_default());
    for l in &lines[2..lines.len() - 1] {
        let item: BTreeMap<String, String> =
            [("line".to_string(), l.trim_start_matches('\u{3000}').to_string())].into();
        v.push_item("body", item);
    }
    Some(v)
}
