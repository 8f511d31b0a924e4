//! CSV cells that a spreadsheet would take for a formula (CSV injection). Excel, WPS and
//! LibreOffice evaluate a cell that begins with `=`, `+`, `-` or `@` (and a tab or carriage
//! return before one), so a name typed as `=HYPERLINK(…)` in an uploaded sheet would run as
//! a formula when its error report is opened. Every CSV shouhu writes puts an apostrophe
//! before such a cell, which spreadsheets show as text; an import takes the apostrophe off
//! again, so a report corrected and uploaded again reads as the sheet it came from.

use std::borrow::Cow;

/// Whether a cell beginning with `c` would be read as a formula. The full-width forms are
/// included: some East Asian spreadsheet settings turn them into their ASCII forms.
fn starts_formula(c: char) -> bool {
    matches!(c, '=' | '+' | '-' | '@' | '\t' | '\r' | '＝' | '＋' | '－' | '＠')
}

/// The cell as it is safe to write in a CSV.
pub fn neutralise(cell: &str) -> Cow<'_, str> {
    match cell.chars().next() {
        Some(c) if starts_formula(c) => Cow::Owned(format!("'{cell}")),
        _ => Cow::Borrowed(cell),
    }
}

/// A cell read from a sheet, without the apostrophe [`neutralise`] put before it.
pub fn restore(cell: &str) -> &str {
    match cell.strip_prefix('\'') {
        Some(rest) if rest.chars().next().is_some_and(starts_formula) => rest,
        _ => cell,
    }
}

/// Writes one record, each cell neutralised.
pub fn write_record<'a, W: std::io::Write>(
    w: &mut csv::Writer<W>,
    cells: impl IntoIterator<Item = &'a str>,
) -> csv::Result<()> {
    w.write_record(cells.into_iter().map(neutralise).collect::<Vec<_>>().iter().map(|c| c.as_bytes()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn formula_cells_are_written_as_text_and_read_back_as_they_were() {
        for cell in ["=1+1", "+8613812345678", "-", "@SUM(A1)", "\t=1", "\r=1", "＝1", "=HYPERLINK(\"x\")"] {
            let safe = neutralise(cell);
            assert!(safe.starts_with('\''), "{cell:?}");
            assert_eq!(restore(&safe), cell);
        }
        for cell in ["张三", "", "2015-01-01", "'quoted", "120224001001", "a=b"] {
            assert_eq!(neutralise(cell), cell);
            assert_eq!(restore(cell), cell);
        }
    }
}
