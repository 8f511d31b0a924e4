//! Synthetic census files: what a township hands in after its census, for tests and
//! benchmarks of the import.

use crate::demo::Generator;
use shouhu_census::columns::columns;
use shouhu_domain::fields;
use std::io::Write;
use std::path::Path;

/// Writes `n` synthetic children as a census CSV (UTF-8 with a BOM, as Excel writes it):
/// a header row of the census form's columns, then one row per child, options by their
/// Chinese labels, ticks as 是/否.
pub fn write_csv(g: &mut Generator, n: u64, out: &Path) -> anyhow::Result<()> {
    let file = std::fs::File::create(out)?;
    let mut w = std::io::BufWriter::with_capacity(1 << 20, file);
    w.write_all("\u{feff}".as_bytes())?;
    let mut csv = csv::Writer::from_writer(w);
    let cols = columns();
    csv.write_record(cols.iter().map(|c| c.header.as_str()))?;
    let mut record: Vec<String> = Vec::with_capacity(cols.len());
    for _ in 0..n {
        let file = g.child();
        let values = fields::values_of(&file);
        record.clear();
        for c in &cols {
            record.push(values.get(c.path).map(|v| fields::display(c.path, v)).unwrap_or_default());
        }
        csv.write_record(&record)?;
    }
    csv.flush()?;
    Ok(())
}
