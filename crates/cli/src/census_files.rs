//! Synthetic census files: what a township hands in after its census, for tests and
//! benchmarks of the import.

use crate::demo::Generator;
use shouhu_census::columns::columns;
use shouhu_census::csv_safe;
use shouhu_domain::child::ChildFile;
use shouhu_domain::fields;
use std::io::Write;
use std::path::Path;

/// Writes `n` synthetic children as a census CSV (UTF-8 with a BOM, as Excel writes it):
/// a header row of the census form's columns, then one row per child, options by their
/// Chinese labels, ticks as 是/否.
pub fn write_csv(g: &mut Generator, n: u64, out: &Path) -> anyhow::Result<()> {
    write_files((0..n).map(|_| g.child()), out)
}

/// Writes files as a census CSV, each cell that a spreadsheet would take for a formula
/// written as text (`shouhu_census::csv_safe`).
fn write_files(files: impl Iterator<Item = ChildFile>, out: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::create(out)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    w.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::Writer::from_writer(w);
    let cols = columns();
    csv_safe::write_record(&mut csv, cols.iter().map(|c| c.header.as_str()))?;
    let mut record: Vec<String> = Vec::with_capacity(cols.len());
    for file in files {
        let values = fields::values_of(&file);
        record.clear();
        for c in &cols {
            record.push(values.get(c.path).map(|v| fields::display(c.path, v)).unwrap_or_default());
        }
        csv_safe::write_record(&mut csv, record.iter().map(String::as_str))?;
    }
    csv.flush()?;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn cells_that_would_be_formulas_are_written_as_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("census.csv");
        let file =
            ChildFile { name: "=HYPERLINK(\"http://x\")".into(), address: "@SUM(A1)".into(), ..Default::default() };
        write_files(std::iter::once(file), &out).expect("write");
        let text = std::fs::read_to_string(&out).expect("read");
        let mut rdr = csv::ReaderBuilder::new().from_reader(text.trim_start_matches('\u{feff}').as_bytes());
        let headers = rdr.headers().expect("headers").clone();
        let row = rdr.records().next().expect("a row").expect("record");
        let cell = |h: &str| row.get(headers.iter().position(|x| x == h).expect(h)).unwrap_or("").to_string();
        assert_eq!(cell("姓名"), "'=HYPERLINK(\"http://x\")");
        assert_eq!(cell("现居住地址"), "'@SUM(A1)");
    }
}
