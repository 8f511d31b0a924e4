//! A sheet as rows of text, whatever file it came from.

/// One data row of a sheet: its 1-based row number as the user sees it in Excel (the header
/// is row 1 when it is the first row), and its cells as text. Dates read from .xlsx date
/// cells are written `YYYY-MM-DD`; numbers without their Excel formatting (an ID number
/// typed as a number is refused by the checks, which then say so).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    pub cells: Vec<String>,
}

impl RawRow {
    /// Whether every cell is blank (such rows are skipped, not refused).
    pub fn is_blank(&self) -> bool {
        self.cells.iter().all(|c| c.trim().is_empty())
    }
}
