//! A sheet as rows of text, whatever file it came from.

/// One data row of a sheet: its 1-based row number as the user sees it in Excel (the header
/// is row 1 when it is the first row), and its cells as text. Dates read from .xlsx date
/// cells are written `YYYY-MM-DD`; numbers without their Excel formatting (an ID number
/// typed as a number is refused by the checks, which then say so).
///
/// The cells are kept in one string: an import reads a million rows of 54 cells, and one
/// allocation a row instead of one a cell is a few percent of its time (docs/benchmarks.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RawRow {
    pub line: usize,
    /// The cells' text, one after another.
    text: String,
    /// Where each cell ends in `text`.
    ends: Vec<usize>,
}

impl RawRow {
    /// A row of these cells, made with one allocation for their text and one for their ends.
    pub fn new<S: AsRef<str>, I: IntoIterator<Item = S, IntoIter: Clone>>(line: usize, cells: I) -> RawRow {
        let cells = cells.into_iter();
        let (n, bytes) = cells.clone().fold((0, 0), |(n, b), c| (n + 1, b + c.as_ref().len()));
        let mut row = RawRow::with_capacity(line, n, bytes);
        for c in cells {
            row.push(c.as_ref());
        }
        row
    }

    /// An empty row with room for `cells` cells of `bytes` bytes in all.
    fn with_capacity(line: usize, cells: usize, bytes: usize) -> RawRow {
        RawRow { line, text: String::with_capacity(bytes), ends: Vec::with_capacity(cells) }
    }

    /// Adds the next cell.
    fn push(&mut self, cell: &str) {
        self.text.push_str(cell);
        self.ends.push(self.text.len());
    }

    /// The cell in column `i` (0-based); empty past the row's last cell.
    pub fn cell(&self, i: usize) -> &str {
        match self.ends.get(i) {
            Some(&end) => &self.text[if i == 0 { 0 } else { self.ends[i - 1] }..end],
            None => "",
        }
    }

    /// How many cells the row has, empty ones included.
    pub fn len(&self) -> usize {
        self.ends.len()
    }

    pub fn is_empty(&self) -> bool {
        self.ends.is_empty()
    }

    pub fn cells(&self) -> impl ExactSizeIterator<Item = &str> + '_ {
        (0..self.ends.len()).map(|i| self.cell(i))
    }

    /// The cells as strings of their own (for a header row).
    pub fn to_strings(&self) -> Vec<String> {
        self.cells().map(str::to_string).collect()
    }

    /// Whether every cell is blank (such rows are skipped, not refused).
    pub fn is_blank(&self) -> bool {
        self.text.trim().is_empty()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_read_back_as_they_were_given_empty_ones_included() {
        let row = RawRow::new(7, ["张三", "", "2015-01-01", ""]);
        assert_eq!(row.len(), 4);
        assert_eq!(row.cells().collect::<Vec<_>>(), ["张三", "", "2015-01-01", ""]);
        assert_eq!(row.cell(2), "2015-01-01");
        assert_eq!(row.cell(9), "", "past the last cell");
        assert!(!row.is_blank());
        assert!(RawRow::new(8, [" ", "", "\u{3000}"]).is_blank());
    }
}
