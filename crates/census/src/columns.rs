//! The census form's columns: their headers, their order, and how a workbook's headers are
//! matched to them despite extra spaces, full-width characters and another column order.

use shouhu_domain::fields::{FIELDS, Field};
use shouhu_domain::msg;

/// A column of the census form: the field of the child's file it holds, and its header.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Column {
    pub path: &'static str,
    pub header: String,
}

/// Fields that are ours rather than the census form's, left out of workbooks.
const NOT_ON_THE_FORM: &[&str] = &["school_org_id"];

/// Fields a census row must have a column for.
pub const REQUIRED: &[&str] = &["name", "sex", "birth_date", "address", "village_code"];

/// The census form's columns in order: the fields of the file, headed "父亲姓名" style.
pub fn columns() -> Vec<Column> {
    FIELDS
        .iter()
        .filter(|(p, _)| !NOT_ON_THE_FORM.contains(p))
        .map(|(path, _)| Column { path, header: msg::field_full_label(path).replace(' ', "") })
        .collect()
}

/// Folds a header for matching: full-width ASCII to half-width, no white space, Chinese and
/// Latin parentheses alike, no trailing "（必填）" style notes.
pub fn normalise_header(s: &str) -> String {
    let folded: String = s
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .filter(|c| !c.is_whitespace() && *c != '*')
        .collect();

    folded.replace("(必填)", "").replace("(选填)", "")
}

/// Where each census column is in a workbook's header row.
#[derive(Debug, Clone)]
pub struct HeaderMap {
    /// (index of the cell in the row, field path)
    pub positions: Vec<(usize, &'static str)>,
    /// Headers that name no census column (ignored, and reported to the user).
    pub unknown: Vec<String>,
    /// (index of the cell in the row, the field it is read into), looked up once per sheet.
    pub fields: Vec<(usize, Field)>,
}

/// Why a header row cannot be read as a census sheet.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum HeaderError {
    #[error("missing columns: {0:?}")]
    Missing(Vec<String>),
    #[error("column {0} appears twice")]
    Duplicate(String),
}

impl HeaderError {
    /// What to tell the user, in Chinese.
    pub fn message(&self) -> String {
        match self {
            HeaderError::Missing(cols) => {
                format!("这不是摸底排查登记表：缺少以下列：{}", cols.join("、"))
            }
            HeaderError::Duplicate(col) => format!("“{col}”列出现了两次"),
        }
    }
}

/// Matches a header row to the census columns (also accepting a column headed by a field's
/// path, as our own exports of the API do).
pub fn match_headers(headers: &[String]) -> Result<HeaderMap, HeaderError> {
    let cols = columns();
    let mut positions = Vec::new();
    let mut unknown = Vec::new();
    for (i, h) in headers.iter().enumerate() {
        let n = normalise_header(h);
        if n.is_empty() || n == "序号" {
            continue;
        }
        match cols.iter().find(|c| normalise_header(&c.header) == n || c.path == n) {
            Some(c) => {
                if positions.iter().any(|(_, p)| *p == c.path) {
                    return Err(HeaderError::Duplicate(c.header.clone()));
                }
                positions.push((i, c.path));
            }
            None => unknown.push(h.trim().to_string()),
        }
    }
    let missing: Vec<String> = cols
        .iter()
        .filter(|c| REQUIRED.contains(&c.path) && !positions.iter().any(|(_, p)| *p == c.path))
        .map(|c| c.header.clone())
        .collect();
    if !missing.is_empty() {
        return Err(HeaderError::Missing(missing));
    }
    let fields = positions.iter().filter_map(|(i, p)| Some((*i, Field::at(p)?))).collect();
    Ok(HeaderMap { positions, unknown, fields })
}

/// The header of a field's column, for messages that name the column.
pub fn header_of(path: &str) -> String {
    msg::field_full_label(path).replace(' ', "")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn h(v: &[&str]) -> Vec<String> {
        v.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn the_form_has_the_census_columns_in_order() {
        let c = columns();
        assert_eq!(c[0].header, "姓名");
        assert!(c.iter().any(|c| c.header == "父亲联系电话"));
        assert!(c.iter().any(|c| c.header == "受委托监护人姓名"));
        assert!(!c.iter().any(|c| c.path == "school_org_id"));
    }

    #[test]
    fn headers_match_despite_spaces_full_width_and_order() {
        let m = match_headers(&h(&[
            "序号",
            " 性 别 ",
            "姓名（必填）",
            "出生日期",
            "现居住地址",
            "所在村（居）",
            "父亲 联系电话",
            "爱好",
        ]))
        .expect("matches");
        assert_eq!(
            m.positions,
            vec![(1, "sex"), (2, "name"), (3, "birth_date"), (4, "address"), (5, "village_code"), (6, "father.phone")]
        );
        assert_eq!(m.unknown, vec!["爱好".to_string()]);
    }

    #[test]
    fn a_sheet_without_the_census_columns_is_refused_by_name() {
        let e = match_headers(&h(&["品名", "数量"])).expect_err("not a census sheet");
        assert!(e.message().contains("姓名"), "{}", e.message());
    }

    #[test]
    fn a_column_twice_is_refused() {
        let e = match_headers(&h(&["姓名", "姓名"])).expect_err("duplicate");
        assert_eq!(e, HeaderError::Duplicate("姓名".into()));
    }
}
