//! The census summary (摸底排查汇总表, templates/census_summary.tpl, decision 186): a table of
//! plain rows, so that the summary of a scope today and, later, a frozen return of a census
//! round print the same way. The web crate turns `shouhu_census::summary::Summary` into a
//! [`SummaryTable`]; this crate does not read the store.

use crate::template::Values;
use shouhu_domain::msg;
use std::collections::BTreeMap;

/// The groups of columns after 合计 the template lays out, with how many columns each has.
pub const GROUP_WIDTHS: [usize; 6] = [4, 3, 3, 6, 9, 4];

/// One row: a township (its name and code) or the total (no code).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryLine {
    pub name: String,
    pub code: String,
    /// 合计, then each group's columns, as `census::summary::Counts::values`.
    pub counts: Vec<u64>,
}

/// A summary to print.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SummaryTable {
    /// Group titles and their column headers, as `census::summary::groups`.
    pub groups: Vec<(String, Vec<String>)>,
    /// The township rows, then the total row.
    pub rows: Vec<SummaryLine>,
    /// The scope's name, e.g. 天津市武清区梅厂镇.
    pub scope: String,
    /// What narrowed the rows (the ledger's filters), or empty.
    pub filter: String,
    /// The day the counts are of (ages are as of this day).
    pub as_of: String,
    /// Closed files left out of the table.
    pub closed: u64,
}

/// Why a table cannot be printed: its columns are not the template's.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("the summary's columns are not the template's: {0}")]
pub struct ShapeError(pub String);

/// A header as the font can print it: the age bands' en dash (0–5岁) is not in the font,
/// and a hyphen reads the same on paper.
fn printable(label: &str) -> String {
    if crate::font::has_glyph('\u{2013}') { label.to_string() } else { label.replace('\u{2013}', "-") }
}

/// The summary's values; the table must have the template's shape (six groups of
/// [`GROUP_WIDTHS`] columns, 合计 and every column in each row).
pub fn values(t: &SummaryTable) -> Result<Values, ShapeError> {
    let widths: Vec<usize> = t.groups.iter().map(|(_, c)| c.len()).collect();
    if widths != GROUP_WIDTHS {
        return Err(ShapeError(format!("groups {widths:?}")));
    }
    let n = 1 + GROUP_WIDTHS.iter().sum::<usize>();
    if let Some(r) = t.rows.iter().find(|r| r.counts.len() != n) {
        return Err(ShapeError(format!("{} has {} counts", r.name, r.counts.len())));
    }
    let mut v = Values::default();
    v.set("scope_line", msg::document_summary_scope(&t.scope, &t.filter, &t.as_of));
    for (i, (title, cols)) in t.groups.iter().enumerate() {
        v.set(&format!("g{}", i + 1), printable(title));
        let before: usize = GROUP_WIDTHS[..i].iter().sum();
        for (j, c) in cols.iter().enumerate() {
            v.set(&format!("h{}", before + j + 1), printable(c));
        }
    }
    for r in &t.rows {
        let mut item: BTreeMap<String, String> =
            [("name".to_string(), r.name.clone()), ("code".to_string(), r.code.clone())].into();
        for (i, c) in r.counts.iter().enumerate() {
            item.insert(format!("c{i}"), c.to_string());
        }
        v.push_item("rows", item);
    }
    for line in msg::document_summary_notes(t.closed) {
        v.push_item("notes", [("line".to_string(), line)].into());
    }
    Ok(v)
}
