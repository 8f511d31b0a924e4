//! What goes back to the township worker: the uploaded sheet with a column that says, in
//! Chinese, what is wrong in each bad row; and the blank census template.

use crate::columns;
use crate::csv_safe;
use crate::read::{self, Format, ReadError, Sheet};
use crate::table::RawRow;
use rust_xlsxwriter::{
    Color, DataValidation, Format as XFormat, FormatAlign, FormatBorder, Note, Workbook, Worksheet, XlsxError,
};
use shouhu_domain::fields::{FIELDS, Kind};
use std::collections::BTreeMap;
use std::fs::File;
use std::io::{BufWriter, Write};
use std::path::Path;

/// The header of the added column.
pub const ERROR_HEADER: &str = "错误说明";
/// The title of the census form, above its header.
pub const FORM_TITLE: &str = "农村留守儿童信息登记表";
/// Excel's limit for the text of a cell.
const MAX_CELL_CHARS: usize = 32_767;

impl From<XlsxError> for ReadError {
    fn from(e: XlsxError) -> Self {
        ReadError::Write(e.to_string())
    }
}

impl From<csv::Error> for ReadError {
    fn from(e: csv::Error) -> Self {
        ReadError::Write(e.to_string())
    }
}

/// Writes the error report: the rows of `src` (read as [`read::open`] reads them, so the
/// same worksheet of an .xlsx) with a column "错误说明" after the header's last column; the
/// header row gets the column's header, the rows in `errors` (by Excel row number) their
/// message, other rows nothing. Rows above the header are copied as they are.
///
/// For CSV the report is CSV in UTF-8 with a byte order mark (so that Excel opens it
/// right), comma-separated, a cell that a spreadsheet would take for a formula written as
/// text ([`csv_safe`]); for .xlsx it is a new .xlsx with every cell as text, the
/// messages in red and the header row frozen. A row's number is the same in the report as
/// in the uploaded file, so "第12行" points to the same row in both.
///
/// With `imported` (the good rows were imported, only the wrong ones were not) the good
/// rows are left blank: the report, corrected and uploaded again, repeats nothing.
pub fn write_report(
    src: &Path,
    format: Format,
    header_line: usize,
    errors: &BTreeMap<usize, String>,
    imported: bool,
    out: &Path,
) -> Result<(), ReadError> {
    let sheet = read::open(src)?;
    if sheet.header_line != header_line {
        return Err(ReadError::Changed);
    }
    match format {
        Format::Csv => csv_report(sheet, errors, imported, out),
        Format::Xlsx => xlsx_report(sheet, errors, imported, out),
    }
}

/// Where the added column goes: after the header's last non-empty cell.
fn error_column(headers: &[String]) -> usize {
    headers.iter().rposition(|h| !h.trim().is_empty()).map_or(0, |i| i + 1)
}

/// The header's own message, if the caller gave one for the header row.
fn header_text(errors: &BTreeMap<usize, String>, line: usize) -> String {
    match errors.get(&line) {
        Some(m) => format!("{ERROR_HEADER}（表头：{m}）"),
        None => ERROR_HEADER.to_string(),
    }
}

fn csv_report(sheet: Sheet, errors: &BTreeMap<usize, String>, imported: bool, out: &Path) -> Result<(), ReadError> {
    let mut file = BufWriter::new(File::create(out).map_err(write_err)?);
    file.write_all(&[0xEF, 0xBB, 0xBF]).map_err(write_err)?;
    let mut w = csv::WriterBuilder::new().flexible(true).terminator(csv::Terminator::CRLF).from_writer(file);
    let col = error_column(&sheet.headers);
    let mut next_line = 1;
    let mut blank_to = |w: &mut csv::Writer<_>, line: usize| -> Result<(), ReadError> {
        while next_line < line {
            w.write_record([""; 0])?;
            next_line += 1;
        }
        next_line = line + 1;
        Ok(())
    };
    for row in &sheet.preamble {
        blank_to(&mut w, row.line)?;
        csv_safe::write_record(&mut w, row.cells())?;
    }
    blank_to(&mut w, sheet.header_line)?;
    csv_safe::write_record(
        &mut w,
        with_message(sheet.headers.iter().map(String::as_str), col, Some(&header_text(errors, sheet.header_line))),
    )?;
    for row in sheet.rows {
        let row = row?;
        let message = errors.get(&row.line).map(String::as_str);
        if imported && message.is_none() {
            // Left blank by the next row written (or the end).
            continue;
        }
        blank_to(&mut w, row.line)?;
        if row.is_blank() && message.is_none() {
            w.write_record([""; 0])?;
        } else {
            csv_safe::write_record(&mut w, with_message(row.cells(), col, message))?;
        }
    }
    let mut file = w.into_inner().map_err(|e| write_err(e.into_error()))?;
    file.flush().map_err(write_err)?;
    Ok(())
}

/// The cells up to the error column, the message (or nothing), then any cells beyond.
fn with_message<'a>(
    mut cells: impl ExactSizeIterator<Item = &'a str>,
    col: usize,
    message: Option<&'a str>,
) -> Vec<&'a str> {
    let mut out: Vec<&str> = Vec::with_capacity(cells.len().max(col) + 1);
    out.extend(cells.by_ref().take(col));
    out.resize(col, "");
    out.push(message.unwrap_or(""));
    out.extend(cells);
    out
}

fn write_err(e: std::io::Error) -> ReadError {
    ReadError::Write(e.to_string())
}

/// Cuts a cell's text to what Excel can hold.
fn cell_text(s: &str) -> &str {
    match s.char_indices().nth(MAX_CELL_CHARS) {
        Some((i, _)) => &s[..i],
        None => s,
    }
}

/// A column's width in Excel's units for its header: a Chinese character is about two.
fn width_for(header: &str) -> f64 {
    let units: usize = header.chars().map(|c| if c.is_ascii() { 1 } else { 2 }).sum();
    (units as f64 + 2.0).clamp(8.0, 30.0)
}

fn write_row(ws: &mut Worksheet, row: &RawRow) -> Result<(), ReadError> {
    let r = excel_row(row.line)?;
    for (c, v) in row.cells().enumerate() {
        if !v.is_empty() {
            ws.write_string(r, excel_col(c)?, cell_text(v))?;
        }
    }
    Ok(())
}

fn excel_row(line: usize) -> Result<u32, ReadError> {
    u32::try_from(line.saturating_sub(1)).map_err(|_| ReadError::Write("row out of range".into()))
}

fn excel_col(c: usize) -> Result<u16, ReadError> {
    u16::try_from(c).map_err(|_| ReadError::Write("column out of range".into()))
}

fn xlsx_report(sheet: Sheet, errors: &BTreeMap<usize, String>, imported: bool, out: &Path) -> Result<(), ReadError> {
    let mut wb = Workbook::new();
    let ws = wb.add_worksheet_with_constant_memory()?;
    let name = sheet.sheet_name.clone().unwrap_or_else(|| "登记表".into());
    // A name Excel refuses (too long, odd characters) is not worth failing the report for.
    if ws.set_name(&name).is_err() {
        ws.set_name("登记表")?;
    }
    let col = error_column(&sheet.headers);
    let ecol = excel_col(col)?;
    let header_fmt = XFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin);
    let error_header_fmt = header_fmt.clone().set_font_color(Color::Red);
    let error_fmt = XFormat::new().set_font_color(Color::Red).set_text_wrap().set_align(FormatAlign::Top);
    for (c, h) in sheet.headers.iter().enumerate().take(col) {
        ws.set_column_width(excel_col(c)?, width_for(h))?;
    }
    ws.set_column_width(ecol, 60)?;
    ws.set_freeze_panes(excel_row(sheet.header_line + 1)?, 0)?;

    for row in &sheet.preamble {
        write_row(ws, row)?;
    }
    let hr = excel_row(sheet.header_line)?;
    for (c, h) in sheet.headers.iter().enumerate() {
        if !h.is_empty() {
            ws.write_string_with_format(hr, excel_col(c)?, cell_text(h), &header_fmt)?;
        }
    }
    let head = header_text(errors, sheet.header_line);
    ws.write_string_with_format(hr, ecol, head, &error_header_fmt)?;
    for row in sheet.rows {
        let row = row?;
        if imported && !errors.contains_key(&row.line) {
            continue;
        }
        write_row(ws, &row)?;
        if let Some(m) = errors.get(&row.line) {
            ws.write_string_with_format(excel_row(row.line)?, ecol, cell_text(m), &error_fmt)?;
        }
    }
    wb.save(out)?;
    Ok(())
}

/// Writes the blank census template: the form's title, a unit and date row, the header row
/// of [`columns::columns`] (required columns in red, with a note), drop-down lists for the
/// columns with a closed list of answers, every cell formatted as text so that ID and phone
/// numbers keep their digits; and a second sheet "填写说明" saying what each column takes.
pub fn write_template(out: &Path) -> Result<(), ReadError> {
    let cols = columns::columns();
    let last = excel_col(cols.len().saturating_sub(1))?;
    let mut wb = Workbook::new();

    let title_fmt = XFormat::new()
        .set_bold()
        .set_font_size(16)
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter);
    let header_fmt = XFormat::new()
        .set_bold()
        .set_text_wrap()
        .set_align(FormatAlign::Center)
        .set_align(FormatAlign::VerticalCenter)
        .set_background_color(Color::RGB(0xF2F2F2))
        .set_border(FormatBorder::Thin);
    let required_fmt = header_fmt.clone().set_font_color(Color::Red);
    let text_fmt = XFormat::new().set_num_format("@");
    const FIRST_DATA_ROW: u32 = 3;
    const LAST_DATA_ROW: u32 = FIRST_DATA_ROW + 9_999;

    let ws = wb.add_worksheet();
    ws.set_name("登记表")?;
    ws.merge_range(0, 0, 0, last, FORM_TITLE, &title_fmt)?;
    ws.set_row_height(0, 30)?;
    ws.write_string(1, 0, "填报单位（盖章）：")?;
    ws.write_string(1, 4.min(last), "填表人：")?;
    ws.write_string(1, 8.min(last), "填表日期：    年  月  日")?;
    ws.set_row_height(2, 32)?;
    for (i, c) in cols.iter().enumerate() {
        let col = excel_col(i)?;
        let required = columns::REQUIRED.contains(&c.path);
        let fmt = if required { &required_fmt } else { &header_fmt };
        ws.write_string_with_format(2, col, &c.header, fmt)?;
        if required {
            ws.insert_note(2, col, &Note::new("必填").add_author_prefix(false))?;
        }
        ws.set_column_width(col, width_for(&c.header).max(column_width(c.path)))?;
        ws.set_column_format(col, &text_fmt)?;
        if let Some(list) = choices(c.path) {
            let dv = DataValidation::new().allow_list_strings(&list)?.ignore_blank(true);
            ws.add_data_validation(FIRST_DATA_ROW, col, LAST_DATA_ROW, col, &dv)?;
        }
    }
    ws.set_freeze_panes(FIRST_DATA_ROW, 1)?;

    let help = wb.add_worksheet();
    help.set_name("填写说明")?;
    let bold = XFormat::new().set_bold();
    let wrap = XFormat::new().set_text_wrap().set_align(FormatAlign::Top);
    help.write_string_with_format(0, 0, "填写说明", &title_fmt)?;
    let notes = [
        "1. 在“登记表”第 4 行起每行填写一名儿童；标题行和表头行请勿删除，表头文字请勿修改，列的顺序可以调整。",
        "2. 表头为红色的列为必填项；其余各列知道的都请填写。",
        "3. 日期写作 2015-03-08、2015/3/8 或 20150308；身份证号码、电话号码请按文字输入（模板各列已设为文本格式）。",
        "4. 也可以在 Excel 中“另存为”CSV 文件后上传；上传后系统逐行检查，有错误的行会在“错误说明”列中写明，改正后重新上传即可。",
    ];
    for (i, n) in notes.iter().enumerate() {
        help.write_string(1 + i as u32, 0, *n)?;
    }
    let top = 1 + notes.len() as u32 + 1;
    help.write_string_with_format(top, 0, "列名", &header_fmt)?;
    help.write_string_with_format(top, 1, "是否必填", &header_fmt)?;
    help.write_string_with_format(top, 2, "填写要求", &header_fmt)?;
    for (i, c) in cols.iter().enumerate() {
        let r = top + 1 + i as u32;
        let required = columns::REQUIRED.contains(&c.path);
        help.write_string_with_format(r, 0, &c.header, &bold)?;
        help.write_string(r, 1, if required { "必填" } else { "" })?;
        help.write_string_with_format(r, 2, requirement(c.path), &wrap)?;
    }
    help.set_column_width(0, 24)?;
    help.set_column_width(1, 10)?;
    help.set_column_width(2, 90)?;

    wb.save(out)?;
    Ok(())
}

fn kind_of(path: &str) -> Option<Kind> {
    FIELDS.iter().find(|(p, _)| *p == path).map(|(_, k)| *k)
}

/// The answers of a column with a closed list, for a drop-down list.
fn choices(path: &str) -> Option<Vec<&'static str>> {
    match kind_of(path)? {
        Kind::Bool => Some(vec![shouhu_domain::msg::YES, shouhu_domain::msg::NO]),
        Kind::YesNoUnknown => {
            Some(vec![shouhu_domain::msg::YES, shouhu_domain::msg::NO, shouhu_domain::msg::NOT_FILLED_IN])
        }
        Kind::Enum(_, options) => Some(options().into_iter().map(|(_, l)| l).collect()),
        _ => None,
    }
}

fn column_width(path: &str) -> f64 {
    if path.ends_with("id_number") {
        21.0
    } else if path.ends_with("address") || path == "hukou_place" || path == "notes" {
        28.0
    } else if path.ends_with("phone") || path == "village_code" || path.ends_with("date") {
        14.0
    } else {
        8.0
    }
}

/// What a column takes, in Chinese.
fn requirement(path: &str) -> String {
    let labels = |options: fn() -> Vec<(&'static str, &'static str)>| {
        options().into_iter().map(|(_, l)| l).collect::<Vec<_>>().join("、")
    };
    match kind_of(path) {
        Some(Kind::Date) => "日期，如 2015-03-08、2015/3/8 或 20150308".into(),
        Some(Kind::Bool) => "填“是”或“否”（可从下拉列表选择）；空白表示未填".into(),
        Some(Kind::YesNoUnknown) => "填“是”或“否”（可从下拉列表选择）；不清楚时留空或填“未填写”，不会当作“否”".into(),
        Some(Kind::Enum(_, options)) => {
            format!("下列之一（可从下拉列表选择）：{}", labels(options))
        }
        Some(Kind::Multi(_, options)) => {
            format!("可填多项，用顿号“、”分隔：{}", labels(options))
        }
        _ if path.ends_with("id_number") => "18 位居民身份证号码，末位可为 X；请按文字输入，不要输入成数字".into(),
        _ if path.ends_with("phone") => "手机号码或固定电话号码".into(),
        _ if path == "village_code" => "所在村（居）委会的 12 位统计用区划代码，如 120224001001".into(),
        _ if path == "name" => "儿童姓名".into(),
        _ => "文字".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use calamine::{Data, Reader, Xlsx, open_workbook};

    fn census_csv() -> String {
        "农村留守儿童信息登记表\n\
         姓名,性别,出生日期,现居住地址,所在村（居）,,\n\
         张三,男,2015-01-01,某村,120224001001\n\
         \n\
         李四,女,2015-02-30,某村,120224001001\n\
         王五,男,2015-01-03,\"某村\n5号\",120224001001\n"
            .to_string()
    }

    fn errors() -> BTreeMap<usize, String> {
        BTreeMap::from([(5, "第C列「出生日期」：日期无效".to_string()), (6, "身份证号码与已有档案重复".to_string())])
    }

    #[test]
    fn a_csv_report_adds_the_column_and_keeps_the_rows_where_they_were() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("up.csv");
        let text = census_csv();
        let (gb, _, _) = encoding_rs::GB18030.encode(&text);
        std::fs::write(&src, &gb).expect("write");
        let out = dir.path().join("report.csv");
        write_report(&src, Format::Csv, 2, &errors(), false, &out).expect("report");

        let bytes = std::fs::read(&out).expect("read");
        assert!(bytes.starts_with(&[0xEF, 0xBB, 0xBF]), "UTF-8 with a BOM");
        // Read back as a census sheet: same rows at the same numbers, and the added column.
        let sheet = read::open(&out).expect("opens");
        assert_eq!(sheet.header_line, 2);
        assert_eq!(sheet.headers[5], ERROR_HEADER);
        assert_eq!(sheet.preamble[0].to_strings(), vec![FORM_TITLE.to_string()]);
        let rows: Vec<RawRow> = sheet.rows.map(|r| r.expect("row")).collect();
        assert_eq!(rows.len(), 4, "{rows:?}");
        assert_eq!(rows[0].line, 3);
        assert_eq!(rows[0].cell(0), "张三");
        assert_eq!(rows[0].cell(5), "");
        assert!(rows[1].is_blank());
        assert_eq!(rows[2].line, 5);
        assert_eq!(rows[2].cell(0), "李四");
        assert_eq!(rows[2].cell(5), "第C列「出生日期」：日期无效");
        assert_eq!(rows[3].line, 6);
        assert_eq!(rows[3].cell(3), "某村\n5号");
        assert_eq!(rows[3].cell(5), "身份证号码与已有档案重复");

        // A header line that is not the file's means the file is not the one checked.
        assert_eq!(write_report(&src, Format::Csv, 1, &errors(), false, &out), Err(ReadError::Changed));
    }

    #[test]
    fn after_importing_the_good_rows_the_report_holds_only_the_wrong_ones() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("up.csv");
        std::fs::write(&src, census_csv()).expect("write");
        let out = dir.path().join("report.csv");
        write_report(&src, Format::Csv, 2, &errors(), true, &out).expect("report");
        let sheet = read::open(&out).expect("opens");
        let rows: Vec<RawRow> = sheet.rows.map(|r| r.expect("row")).filter(|r| !r.is_blank()).collect();
        // 张三 was imported: not repeated; the wrong rows keep their numbers.
        assert_eq!(rows.iter().map(|r| (r.line, r.cell(0))).collect::<Vec<_>>(), vec![(5, "李四"), (6, "王五")]);
        assert!(!std::fs::read_to_string(&out).expect("text").contains("张三"));
    }

    #[test]
    fn a_csv_report_writes_cells_that_would_be_formulas_as_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("up.csv");
        let cells = ["=HYPERLINK(\"http://x\",\"点击\")", "+1", "@SUM(A1)", "-", "\t=1+1", "120224001001"];
        let text = format!(
            "姓名,性别,出生日期,现居住地址,所在村（居）,备注\n{}\n",
            cells.map(|c| format!("\"{}\"", c.replace('"', "\"\""))).join(",")
        );
        std::fs::write(&src, text).expect("write");
        let out = dir.path().join("report.csv");
        let errors = BTreeMap::from([(2, "=1+1".to_string())]);
        write_report(&src, Format::Csv, 1, &errors, false, &out).expect("report");

        let written = String::from_utf8(std::fs::read(&out).expect("read")).expect("UTF-8");
        let mut rdr = csv::ReaderBuilder::new()
            .has_headers(false)
            .flexible(true)
            .from_reader(written.trim_start_matches('\u{feff}').as_bytes());
        let rows: Vec<csv::StringRecord> = rdr.records().map(|r| r.expect("record")).collect();
        let row: Vec<&str> = rows[1].iter().collect();
        assert_eq!(
            row,
            vec!["'=HYPERLINK(\"http://x\",\"点击\")", "'+1", "'@SUM(A1)", "'-", "'\t=1+1", "120224001001", "'=1+1"],
            "no cell begins a formula"
        );
        // Uploaded again, the cells read as they were.
        let sheet = read::open(&out).expect("opens");
        let back: Vec<RawRow> = sheet.rows.map(|r| r.expect("row")).collect();
        let restored: Vec<&str> = (0..6).map(|i| crate::csv_safe::restore(back[0].cell(i))).collect();
        assert_eq!(restored, cells.to_vec());
    }

    fn cell(range: &calamine::Range<Data>, row: u32, col: u32) -> String {
        range.get_value((row, col)).map(|d| d.to_string()).unwrap_or_default()
    }

    #[test]
    fn an_xlsx_report_adds_the_column_in_red() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("up.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("某镇").expect("name");
        ws.write(0, 0, FORM_TITLE).expect("w");
        for (c, h) in ["姓名", "性别", "出生日期", "现居住地址", "所在村（居）"].iter().enumerate() {
            ws.write(1, c as u16, *h).expect("w");
        }
        ws.write(2, 0, "张三").expect("w");
        ws.write(2, 4, 120224001001.0).expect("w");
        ws.write(4, 0, "李四").expect("w");
        ws.write(5, 0, "王五").expect("w");
        wb.save(&src).expect("save");

        let out = dir.path().join("report.xlsx");
        write_report(&src, Format::Xlsx, 2, &errors(), false, &out).expect("report");
        let mut back: Xlsx<_> = open_workbook(&out).expect("opens");
        assert_eq!(back.sheet_names(), vec!["某镇".to_string()]);
        let range = back.worksheet_range("某镇").expect("sheet");
        assert_eq!(cell(&range, 0, 0), FORM_TITLE);
        assert_eq!(cell(&range, 1, 5), ERROR_HEADER);
        assert_eq!(cell(&range, 2, 0), "张三");
        assert_eq!(cell(&range, 2, 4), "120224001001", "as text");
        assert_eq!(cell(&range, 2, 5), "");
        assert_eq!(cell(&range, 4, 0), "李四");
        assert_eq!(cell(&range, 4, 5), "第C列「出生日期」：日期无效");
        assert_eq!(cell(&range, 5, 5), "身份证号码与已有档案重复");
        // The report is itself a census sheet, so the corrected file can be uploaded again.
        let sheet = read::open(&out).expect("opens");
        assert_eq!(sheet.header_line, 2);
        let styles = back.worksheet_style("某镇").expect("styles");
        let red = styles.get((4, 5)).and_then(|s| s.font.as_ref()).and_then(|f| f.color).expect("a colour");
        assert_eq!((red.red, red.green, red.blue), (0xFF, 0, 0));

        // After the good rows were imported, they are not repeated.
        write_report(&src, Format::Xlsx, 2, &errors(), true, &out).expect("report");
        let mut back: Xlsx<_> = open_workbook(&out).expect("opens");
        let range = back.worksheet_range("某镇").expect("sheet");
        assert_eq!(cell(&range, 2, 0), "", "the imported row is left out");
        assert_eq!(cell(&range, 4, 0), "李四");
        assert_eq!(cell(&range, 5, 0), "王五");
    }

    #[test]
    fn the_template_is_a_census_sheet_with_no_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let out = dir.path().join("template.xlsx");
        write_template(&out).expect("template");
        let sheet = read::open(&out).expect("opens");
        assert_eq!(sheet.sheet_name.as_deref(), Some("登记表"));
        assert_eq!(sheet.header_line, 3);
        assert_eq!(sheet.preamble[0].cell(0), FORM_TITLE);
        let map = columns::match_headers(&sheet.headers).expect("matches");
        assert_eq!(map.positions.len(), columns::columns().len());
        assert!(map.unknown.is_empty());
        assert_eq!(sheet.rows.count(), 0);

        let mut back: Xlsx<_> = open_workbook(&out).expect("opens");
        assert_eq!(back.sheet_names(), vec!["登记表", "填写说明"]);
        let help = back.worksheet_range("填写说明").expect("help");
        let text: Vec<String> = help.rows().flat_map(|r| r.iter().map(|c| c.to_string())).collect();
        let all = text.join("\n");
        assert!(all.contains("监护情况较好"), "{all}");
        assert!(all.contains("未入园"), "{all}");
        assert!(all.contains("必填"));
    }

    #[test]
    fn error_column_and_cells() {
        let h = |v: &[&str]| v.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        assert_eq!(error_column(&h(&["a", "b", "", " "])), 2);
        assert_eq!(error_column(&h(&[])), 0);
        assert_eq!(with_message(["a", "b", "c"].into_iter(), 2, Some("m")), vec!["a", "b", "m", "c"]);
        assert_eq!(with_message(["a"].into_iter(), 3, None), vec!["a", "", "", ""]);
        assert_eq!(cell_text(&"字".repeat(40_000)).chars().count(), MAX_CELL_CHARS);
    }
}
