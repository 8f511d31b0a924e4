//! A school's roll (在校留守儿童名册, issue 18): a sheet with a header row naming 姓名, 身份证号码,
//! 年级 and 班级 (in any order, among other columns), as .xlsx (its first worksheet) or CSV
//! (UTF-8 or GB18030; comma, tab or semicolon). A roll is a school's pupils, a few thousand
//! rows at most, so it is read whole; the .xlsx's zip is checked first as a census file's is.

use crate::read::{self, Format, ReadError};
use calamine::{Data, Reader, Xlsx};
use std::io::BufReader;
use std::path::Path;

/// The most rows a roll may have (a large school has about 3,000 pupils).
pub const MAX_ROSTER_ROWS: usize = 20_000;

/// How many rows from the top are searched for the header.
const HEADER_ROWS: usize = 10;

/// One pupil as the roll writes them, with the row's number as Excel shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RosterLine {
    pub line: usize,
    pub name: String,
    pub id_number: String,
    pub grade: String,
    pub class: String,
}

/// Why a roll cannot be read, beyond the reader's own errors.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RosterError {
    Read(ReadError),
    /// No row among the first ones names both 姓名 and 身份证号码.
    NoHeader,
    TooManyRows(usize),
}

impl RosterError {
    pub fn message(&self) -> String {
        match self {
            RosterError::Read(e) => e.message(),
            RosterError::NoHeader => shouhu_domain::msg::ROSTER_NO_HEADER.to_string(),
            RosterError::TooManyRows(n) => shouhu_domain::msg::roster_too_many_rows(*n, MAX_ROSTER_ROWS),
        }
    }
}

impl From<ReadError> for RosterError {
    fn from(e: ReadError) -> Self {
        RosterError::Read(e)
    }
}

/// The columns of the header row: (name, ID number, grade, class).
fn columns_of(cells: &[String]) -> Option<(usize, usize, Option<usize>, Option<usize>)> {
    let find = |f: &dyn Fn(&str) -> bool| cells.iter().position(|c| f(&c.replace([' ', '　'], "")));
    let name = find(&|c| c == "姓名" || c == "学生姓名")?;
    let id = find(&|c| c.contains("身份证"))?;
    let grade = find(&|c| c.contains("年级"));
    let class = find(&|c| c.contains("班级") || c == "班");
    Some((name, id, grade, class))
}

/// Reads a roll: its pupils, blank rows left out.
pub fn read_roster(path: &Path) -> Result<Vec<RosterLine>, RosterError> {
    let rows = match read::format_of(path)? {
        Format::Xlsx => xlsx_rows(path)?,
        Format::Csv => csv_rows(path)?,
    };
    let mut header = None;
    for (i, (_, cells)) in rows.iter().enumerate().take(HEADER_ROWS) {
        if let Some(cols) = columns_of(cells) {
            header = Some((i, cols));
            break;
        }
    }
    let (at, (name, id, grade, class)) = header.ok_or(RosterError::NoHeader)?;
    let cell = |cells: &[String], i: usize| cells.get(i).map(|c| c.trim().to_string()).unwrap_or_default();
    let out: Vec<RosterLine> = rows[at + 1..]
        .iter()
        .filter(|(_, cells)| cells.iter().any(|c| !c.trim().is_empty()))
        .map(|(line, cells)| RosterLine {
            line: *line,
            name: cell(cells, name),
            id_number: cell(cells, id),
            grade: grade.map(|g| cell(cells, g)).unwrap_or_default(),
            class: class.map(|c| cell(cells, c)).unwrap_or_default(),
        })
        .collect();
    if out.len() > MAX_ROSTER_ROWS {
        return Err(RosterError::TooManyRows(out.len()));
    }
    Ok(out)
}

type Rows = Vec<(usize, Vec<String>)>;

fn xlsx_rows(path: &Path) -> Result<Rows, RosterError> {
    read::check_zip(path)?;
    let file = std::fs::File::open(path).map_err(|e| ReadError::Io(e.to_string()))?;
    let mut wb: Xlsx<_> = Xlsx::new(BufReader::new(file)).map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let name = wb.sheet_names().first().cloned().ok_or(ReadError::NoSheet)?;
    let range = wb.worksheet_range(&name).map_err(|e| ReadError::Corrupt(e.to_string()))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    if range.height() > MAX_ROSTER_ROWS + HEADER_ROWS {
        return Err(RosterError::TooManyRows(range.height()));
    }
    Ok(range
        .rows()
        .enumerate()
        .map(|(i, row)| {
            let cells = row
                .iter()
                .map(|d| match d {
                    Data::String(s) => s.clone(),
                    Data::Float(f) => read::render_number(*f),
                    Data::Int(i) => i.to_string(),
                    Data::Empty => String::new(),
                    other => other.to_string(),
                })
                .collect();
            (first_row + i + 1, cells)
        })
        .collect())
}

fn csv_rows(path: &Path) -> Result<Rows, RosterError> {
    let bytes = std::fs::read(path).map_err(|e| ReadError::Io(e.to_string()))?;
    if bytes.is_empty() {
        return Err(ReadError::Empty.into());
    }
    let text = if let Some(rest) = bytes.strip_prefix(&[0xEF, 0xBB, 0xBF]) {
        String::from_utf8_lossy(rest).into_owned()
    } else if let Ok(s) = std::str::from_utf8(&bytes) {
        s.to_string()
    } else {
        encoding_rs::GB18030.decode_without_bom_handling(&bytes).0.into_owned()
    };
    if text.contains('\0') {
        return Err(ReadError::NotATable.into());
    }
    // The delimiter found most in the first rows (a title row has none); a comma on a tie.
    let head: Vec<&str> = text.lines().take(HEADER_ROWS).collect();
    let delim = [(b';', 0), (b'\t', 1), (b',', 2)]
        .into_iter()
        .max_by_key(|(d, rank)| (head.iter().map(|l| l.matches(*d as char).count()).sum::<usize>(), *rank))
        .map_or(b',', |(d, _)| d);
    let mut rdr =
        csv::ReaderBuilder::new().delimiter(delim).has_headers(false).flexible(true).from_reader(text.as_bytes());
    let mut out = Vec::new();
    for (i, rec) in rdr.records().enumerate() {
        let rec = rec.map_err(|e| ReadError::CorruptAt { line: i + 1, detail: e.to_string() })?;
        out.push((i + 1, rec.iter().map(str::to_string).collect()));
        if out.len() > MAX_ROSTER_ROWS + HEADER_ROWS {
            return Err(RosterError::TooManyRows(out.len()));
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::Write;

    #[test]
    fn a_csv_roll_is_read_by_its_headers_in_any_order() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("roll.csv");
        let mut f = std::fs::File::create(&p).expect("file");
        f.write_all("梅厂镇中心小学在校留守儿童名册\n班级,姓名,年级,身份证号码\n3班,张三,四年级,120114201605040011\n,,,\n1班,李四,一年级,12011420190101002X".as_bytes())
            .expect("write");
        let rows = read_roster(&p).expect("read");
        assert_eq!(rows.len(), 2);
        assert_eq!(rows[0].line, 3);
        assert_eq!((rows[0].name.as_str(), rows[0].grade.as_str(), rows[0].class.as_str()), ("张三", "四年级", "3班"));
        assert_eq!(rows[1].id_number, "12011420190101002X", "a last line without a line break");
    }

    #[test]
    fn a_sheet_without_the_headers_is_refused() {
        let dir = tempfile::tempdir().expect("dir");
        let p = dir.path().join("roll.csv");
        std::fs::write(&p, "a,b\n1,2\n").expect("write");
        assert_eq!(read_roster(&p), Err(RosterError::NoHeader));
    }
}
