//! Reading a census workbook: .xlsx or CSV (UTF-8, GB18030/GBK, UTF-16), whatever the file's
//! name, as a stream of rows of text.
//!
//! The header row is looked for among the first rows (census sheets have a title row and a
//! unit and date row above it). Rows after it come from a background thread through a small
//! bounded channel, so that memory stays the same however long the file is, and reading
//! goes on while the caller checks the rows it already has.
//!
//! An .xlsx is checked before it is opened: the sizes in the zip's directory (which also
//! bound what the zip reader will inflate), the compression ratio of each part, and the
//! dimension of each worksheet that is read.

use crate::columns::{self, HeaderError};
use crate::table::RawRow;
use calamine::{DataRef, Reader, SheetType, Xlsx, XlsxCellReader, XlsxError};
use std::fmt;
use std::fs::File;
use std::io::{self, BufReader, Read, Seek};
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, SyncSender, sync_channel};

/// An .xlsx whose parts inflate to more than this is refused (it bounds the time spent).
pub const MAX_XLSX_UNCOMPRESSED: u64 = 1024 * 1024 * 1024;
/// Parts other than worksheets (shared strings, styles) are loaded whole: each is bounded.
pub const MAX_XLSX_PART: u64 = 256 * 1024 * 1024;
/// A part larger than [`BOMB_MIN_SIZE`] compressed more than this many times is a zip bomb.
pub const BOMB_RATIO: u64 = 200;
pub const BOMB_MIN_SIZE: u64 = 10 * 1024 * 1024;
/// Rows a worksheet may have (title and header rows included).
pub const MAX_XLSX_ROWS: usize = 1_000_000;
/// A CSV line longer than this is refused (a file that is not text, or not split in lines).
pub const MAX_CSV_LINE: usize = 1024 * 1024;
/// The header row is looked for among this many non-blank rows at the top of a sheet.
pub const HEADER_SEARCH_ROWS: usize = 10;

/// How much of a CSV is looked at to tell its encoding and delimiter.
const SNIFF_BYTES: usize = 64 * 1024;
/// Batches of rows that may wait in the channel from the reading thread.
const BATCHES_IN_FLIGHT: usize = 4;
/// Cells right of this many columns (AMJ) are ignored: a census sheet has about 55, and a
/// row of thousands of empty cells would only cost time.
pub const MAX_COLUMNS: u32 = 1024;

/// What a file is, told from its content rather than its name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Csv,
    Xlsx,
}

/// Why a file cannot be read; [`ReadError::message`] says it in Chinese.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ReadError {
    #[error("cannot read the file: {0}")]
    Io(String),
    #[error("the file is empty")]
    Empty,
    #[error("a binary file that is neither CSV nor .xlsx")]
    NotATable,
    #[error("a legacy .xls workbook")]
    Xls,
    #[error("a password-protected workbook")]
    Encrypted,
    #[error("not a readable .xlsx: {0}")]
    Corrupt(String),
    #[error("the workbook inflates to {size} bytes, over the limit of {limit}")]
    TooLarge { size: u64, limit: u64 },
    #[error("part {part} inflates to {size} bytes, over the limit of {limit}")]
    PartTooLarge { part: String, size: u64, limit: u64 },
    #[error("zip bomb: part {part} inflates from {compressed} to {size} bytes")]
    ZipBomb { part: String, size: u64, compressed: u64 },
    #[error("sheet {sheet} has {rows} rows, over the limit of {limit}")]
    TooManyRows { sheet: String, rows: usize, limit: usize },
    #[error("the workbook has no worksheet")]
    NoSheet,
    #[error("not a census sheet: {0}")]
    NotCensus(HeaderError),
    #[error("row {line}, column {col}: not valid {encoding} text")]
    Encoding { line: usize, col: usize, encoding: &'static str },
    #[error("row {line} is longer than {limit} bytes")]
    LineTooLong { line: usize, limit: usize },
    #[error("row {line}: the sheet cannot be read further: {detail}")]
    CorruptAt { line: usize, detail: String },
    #[error("the file changed since it was checked")]
    Changed,
    #[error("cannot write the file: {0}")]
    Write(String),
}

impl ReadError {
    /// What to tell the user, in Chinese, naming the row and column where there is one.
    pub fn message(&self) -> String {
        match self {
            ReadError::Io(_) => "无法读取上传的文件，请重新上传".into(),
            ReadError::Empty => "文件是空的，没有任何内容".into(),
            ReadError::NotATable => "这不是 .xlsx 或 CSV 表格文件，请上传摸底排查登记表（.xlsx 或 .csv）".into(),
            ReadError::Xls => "这是旧版 Excel 文件（.xls），无法直接读取：请在 Excel 中打开，\
                 “另存为”Excel 工作簿（.xlsx）或 CSV 文件后再上传"
                .into(),
            ReadError::Encrypted => "工作簿设有打开密码，无法读取：请在 Excel 中取消密码并保存后再上传".into(),
            ReadError::Corrupt(_) => "文件已损坏或不是 .xlsx 文件：请在 Excel 中打开，\
                 确认内容无误后重新保存为 .xlsx 再上传"
                .into(),
            ReadError::TooLarge { size, limit } => format!(
                "文件过大：解压后共 {} MiB，超过 {} MiB 的上限。请拆分成几个文件分批上传",
                group(size.div_ceil(1024 * 1024)),
                group(limit / (1024 * 1024))
            ),
            ReadError::PartTooLarge { size, limit, .. } => format!(
                "文件过大：其中的共享文字或样式部分解压后有 {} MiB，超过 {} MiB 的上限。\
                 请拆分成几个文件分批上传",
                group(size.div_ceil(1024 * 1024)),
                group(limit / (1024 * 1024))
            ),
            ReadError::ZipBomb { part, .. } => format!(
                "文件异常，已拒绝读取：其中的“{part}”压缩比异常（可能是恶意构造的压缩文件）。\
                 请在 Excel 中打开并重新保存后再上传"
            ),
            ReadError::TooManyRows { sheet, rows, limit } => format!(
                "工作表“{sheet}”有 {} 行，超过 {} 行的上限：请删除表格下方多余的行（含空白但设置了格式的行），\
                 或拆分成几个文件分批上传",
                group(*rows as u64),
                group(*limit as u64)
            ),
            ReadError::NoSheet => "工作簿中没有工作表".into(),
            ReadError::NotCensus(e) => format!(
                "{}。请使用摸底排查登记表的表头（可下载空白模板），表头须在前 {} 行内",
                e.message(),
                HEADER_SEARCH_ROWS
            ),
            ReadError::Encoding { line, col, .. } => format!(
                "第{line}行{}列：文字编码无法识别。请在 Excel 中“另存为”“CSV UTF-8（逗号分隔）”\
                 或 .xlsx 后再上传",
                column_letter(*col)
            ),
            ReadError::LineTooLong { line, limit } => {
                format!("第{line}行过长（超过 {} MiB），文件可能不是 CSV 表格", limit / (1024 * 1024))
            }
            ReadError::CorruptAt { line, .. } => {
                format!("第{line}行：文件已损坏，无法继续读取。请在 Excel 中打开并重新保存后再上传")
            }
            ReadError::Changed => "文件在检查之后被改动过，请重新上传".into(),
            ReadError::Write(_) => "无法生成文件，请稍后重试".into(),
        }
    }
}

impl From<io::Error> for ReadError {
    fn from(e: io::Error) -> Self {
        ReadError::Io(e.to_string())
    }
}

/// 1048576 → "1,048,576".
fn group(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::with_capacity(s.len() + s.len() / 3);
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// Excel's name of a 0-based column: A … Z, AA ….
pub fn column_letter(mut i: usize) -> String {
    let mut s = Vec::new();
    loop {
        s.push(b'A' + (i % 26) as u8);
        if i < 26 {
            break;
        }
        i = i / 26 - 1;
    }
    s.reverse();
    String::from_utf8(s).unwrap_or_default()
}

/// The data rows of a sheet, read as they are asked for.
pub type Rows = Box<dyn Iterator<Item = Result<RawRow, ReadError>> + Send>;

/// A census sheet: its header row and a stream of the rows after it.
pub struct Sheet {
    pub format: Format,
    /// The name of the worksheet read (an .xlsx may have several); `None` for CSV.
    pub sheet_name: Option<String>,
    /// The header row's cells as written in the file.
    pub headers: Vec<String>,
    /// The header's row number as Excel shows it (1-based).
    pub header_line: usize,
    /// The non-blank rows above the header (a title, a unit and date row), as they are.
    pub preamble: Vec<RawRow>,
    /// The rows after the header, blank ones included ([`RawRow::is_blank`]), numbered as
    /// Excel numbers them. A row's cells may be fewer than the headers: a missing cell is
    /// empty. An .xlsx row with no value in it may be left out. After an `Err` the stream
    /// ends.
    pub rows: Rows,
}

impl fmt::Debug for Sheet {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Sheet")
            .field("format", &self.format)
            .field("sheet_name", &self.sheet_name)
            .field("headers", &self.headers)
            .field("header_line", &self.header_line)
            .field("preamble", &self.preamble)
            .finish_non_exhaustive()
    }
}

/// Tells an .xlsx from a CSV by the file's first bytes; an .xls is refused.
pub fn format_of(path: &Path) -> Result<Format, ReadError> {
    let mut head = [0u8; 8];
    let n = read_up_to(&mut File::open(path)?, &mut head)?;
    format_of_bytes(path, &head[..n])
}

fn format_of_bytes(path: &Path, head: &[u8]) -> Result<Format, ReadError> {
    if head.starts_with(b"PK\x03\x04") {
        Ok(Format::Xlsx)
    } else if head.starts_with(&[0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1]) {
        // An OLE container: an .xls, or an .xlsx encrypted with a password.
        Err(if is_encrypted_ooxml(path) { ReadError::Encrypted } else { ReadError::Xls })
    } else if head.starts_with(b"PK") {
        // An empty or spanned zip: not something Excel writes.
        Err(ReadError::Corrupt("not a zip that Excel writes".into()))
    } else {
        Ok(Format::Csv)
    }
}

fn is_encrypted_ooxml(path: &Path) -> bool {
    let Ok(f) = File::open(path) else {
        return false;
    };
    matches!(Xlsx::<_>::new(BufReader::new(f)).map(|_| ()), Err(XlsxError::Password))
}

/// Opens a census sheet: the first worksheet of an .xlsx (or the first with a census header),
/// or a CSV; finds its header row and returns the rows after it as a stream.
pub fn open(path: &Path) -> Result<Sheet, ReadError> {
    match format_of(path)? {
        Format::Xlsx => open_xlsx(path),
        Format::Csv => open_csv(path),
    }
}

fn read_up_to(r: &mut impl Read, buf: &mut [u8]) -> io::Result<usize> {
    let mut n = 0;
    while n < buf.len() {
        match r.read(&mut buf[n..]) {
            Ok(0) => break,
            Ok(k) => n += k,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
            Err(e) => return Err(e),
        }
    }
    Ok(n)
}

// ---------------------------------------------------------------------------------------
// Finding the header

/// How many cells of a row name a census column.
fn matched_columns(cells: &[String], known: &[String]) -> usize {
    cells.iter().map(|c| columns::normalise_header(c)).filter(|n| !n.is_empty() && known.iter().any(|k| k == n)).count()
}

/// Normalised headers and paths of the census columns.
fn known_headers() -> Vec<String> {
    columns::columns().into_iter().flat_map(|c| [columns::normalise_header(&c.header), c.path.to_string()]).collect()
}

enum Scan {
    Found {
        headers: Vec<String>,
        line: usize,
        preamble: Vec<RawRow>,
    },
    /// No header among the first rows: the row that came closest, if any row had content.
    NotFound(Option<(usize, HeaderError)>),
}

/// Reads rows until the header row (the first that [`columns::match_headers`] accepts) among
/// the first [`HEADER_SEARCH_ROWS`] non-blank rows; the iterator is left just after it.
fn scan_header<I>(rows: &mut I) -> Result<Scan, ReadError>
where
    I: Iterator<Item = Result<RawRow, ReadError>>,
{
    let known = known_headers();
    let mut best: Option<(usize, HeaderError)> = None;
    let mut preamble = Vec::new();
    let mut seen = 0;
    for row in rows.by_ref() {
        let row = row?;
        if row.is_blank() {
            // A sheet of blank rows is not searched to its end.
            if row.line > 1000 {
                break;
            }
            continue;
        }
        let cells = row.to_strings();
        match columns::match_headers(&cells) {
            Ok(_) => {
                return Ok(Scan::Found { headers: cells, line: row.line, preamble });
            }
            Err(e) => {
                let score = matched_columns(&cells, &known);
                if best.as_ref().is_none_or(|(s, _)| score > *s) {
                    best = Some((score, e));
                }
            }
        }
        preamble.push(row);
        seen += 1;
        if seen >= HEADER_SEARCH_ROWS {
            break;
        }
    }
    Ok(Scan::NotFound(best))
}

fn not_found(best: Option<(usize, HeaderError)>) -> ReadError {
    match best {
        Some((_, e)) => ReadError::NotCensus(e),
        None => ReadError::Empty,
    }
}

// ---------------------------------------------------------------------------------------
// Rows in batches

/// Rows packed in one buffer: the reading thread fills it without allocating for each cell,
/// and the cells become `String`s on the thread that reads the rows (allocating and freeing
/// on the same thread is much cheaper than freeing another thread's allocations).
#[derive(Default)]
struct Batch {
    text: String,
    /// (column, start, end) in `text` of each non-empty cell.
    cells: Vec<(u32, usize, usize)>,
    /// (row number, end of the row's cells in `cells`, number of cells).
    rows: Vec<(usize, usize, usize)>,
}

/// A batch is sent when it has this many rows or this much text.
const BATCH_ROWS: usize = 1024;
const BATCH_BYTES: usize = 1024 * 1024;

impl Batch {
    fn with_capacity() -> Batch {
        Batch {
            text: String::with_capacity(BATCH_BYTES + 64 * 1024),
            cells: Vec::with_capacity(BATCH_ROWS * 32),
            rows: Vec::with_capacity(BATCH_ROWS),
        }
    }

    fn push_cell(&mut self, col: u32, s: &str) {
        if !s.is_empty() {
            let start = self.text.len();
            self.text.push_str(s);
            self.cells.push((col, start, self.text.len()));
        }
    }

    /// A cell in a legacy encoding, decoded through `scratch` (malformed bytes become
    /// U+FFFD). (Decoding straight into `text` would have the decoder clear all of its spare
    /// room at every cell.)
    fn push_decoded(&mut self, col: u32, bytes: &[u8], enc: &'static encoding_rs::Encoding, scratch: &mut Vec<u8>) {
        if bytes.is_empty() {
            return;
        }
        let mut decoder = enc.new_decoder_without_bom_handling();
        let need = decoder.max_utf8_buffer_length(bytes.len()).unwrap_or(bytes.len() * 3 + 4);
        if scratch.len() < need {
            scratch.resize(need, 0);
        }
        let (_, _, written, _) = decoder.decode_to_utf8(bytes, &mut scratch[..need], true);
        if let Ok(t) = std::str::from_utf8(&scratch[..written]) {
            self.push_cell(col, t);
        }
    }

    fn end_row(&mut self, line: usize, width: usize) {
        self.rows.push((line, self.cells.len(), width));
    }

    fn full(&self) -> bool {
        self.rows.len() >= BATCH_ROWS || self.text.len() >= BATCH_BYTES
    }

    fn is_empty(&self) -> bool {
        self.rows.is_empty()
    }

    fn clear(&mut self) {
        self.text.clear();
        self.cells.clear();
        self.rows.clear();
    }

    /// The `i`th row, whose cells start at `cells[first]`. A cell given twice or out of
    /// order (a sheet written oddly) is placed by its column; the last one counts.
    fn row(&self, i: usize, first: usize) -> RawRow {
        let (line, end, width) = self.rows[i];
        let cells = &self.cells[first..end];
        let columns = cells.iter().map(|c| c.0 as usize + 1).max().unwrap_or(0).max(width);
        let mut texts = vec![""; columns];
        for &(col, s, e) in cells {
            texts[col as usize] = &self.text[s..e];
        }
        RawRow::new(line, texts)
    }
}

/// Something that reads rows into a batch: one or more rows a call, `None` at the end.
trait Source {
    fn next_into(&mut self, batch: &mut Batch) -> Option<Result<(), ReadError>>;
}

/// A source's rows one by one (for the header search, on the calling thread).
struct Unpacked<S> {
    src: S,
    batch: Batch,
    row: usize,
    cell: usize,
    done: bool,
}

impl<S: Source> Unpacked<S> {
    fn new(src: S) -> Self {
        Unpacked { src, batch: Batch::default(), row: 0, cell: 0, done: false }
    }

    /// The source, and the rows read from it that were not given yet.
    fn into_parts(self) -> (S, Batch) {
        let mut rest = Batch::default();
        let mut first = self.cell;
        for i in self.row..self.batch.rows.len() {
            let r = self.batch.row(i, first);
            first = self.batch.rows[i].1;
            for (c, v) in r.cells().enumerate() {
                rest.push_cell(c as u32, v);
            }
            rest.end_row(r.line, r.len());
        }
        (self.src, rest)
    }
}

impl<S: Source> Iterator for Unpacked<S> {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.row < self.batch.rows.len() {
                let r = self.batch.row(self.row, self.cell);
                self.cell = self.batch.rows[self.row].1;
                self.row += 1;
                return Some(Ok(r));
            }
            if self.done {
                return None;
            }
            self.batch.clear();
            (self.row, self.cell) = (0, 0);
            match self.src.next_into(&mut self.batch) {
                None => self.done = true,
                Some(Err(e)) => {
                    self.done = true;
                    return Some(Err(e));
                }
                Some(Ok(())) => {}
            }
        }
    }
}

// ---------------------------------------------------------------------------------------
// The reading thread

enum Msg {
    Header { sheet_name: Option<String>, headers: Vec<String>, line: usize, preamble: Vec<RawRow> },
    Rows(Batch),
    Failed(ReadError),
    Done,
}

/// The channel to the reading thread's consumer, and back the batches it has read, to be
/// filled again (so that no large buffer is allocated or freed while reading).
struct Pipe {
    tx: SyncSender<Msg>,
    spent: Receiver<Batch>,
}

impl Pipe {
    fn fresh(&self) -> Batch {
        match self.spent.try_recv() {
            Ok(mut b) => {
                b.clear();
                b
            }
            Err(_) => Batch::with_capacity(),
        }
    }
}

/// A channel for rows, and its consumer's end.
fn pipe() -> (Pipe, Receiver<Msg>, SyncSender<Batch>) {
    let (tx, rx) = sync_channel(BATCHES_IN_FLIGHT);
    let (spent_tx, spent) = sync_channel(BATCHES_IN_FLIGHT + 1);
    (Pipe { tx, spent }, rx, spent_tx)
}

/// Reads the source to its end in batches and sends them, starting with `first` (rows read
/// already), until the end, an error, or the receiver is gone.
fn pump<S: Source>(mut src: S, first: Batch, pipe: &Pipe) {
    let mut batch = first;
    loop {
        let step = if batch.full() { Some(Ok(())) } else { src.next_into(&mut batch) };
        match step {
            Some(Ok(())) if !batch.full() => {}
            Some(Ok(())) => {
                let full = std::mem::replace(&mut batch, pipe.fresh());
                if pipe.tx.send(Msg::Rows(full)).is_err() {
                    return;
                }
            }
            end => {
                if !batch.is_empty() && pipe.tx.send(Msg::Rows(batch)).is_err() {
                    return;
                }
                let _ = pipe.tx.send(match end {
                    Some(Err(e)) => Msg::Failed(e),
                    _ => Msg::Done,
                });
                return;
            }
        }
    }
}

/// The receiving end: rows as they arrive. Ends with an error when the thread stopped
/// without saying it was done (a panic), so that rows are never silently lost.
struct ChannelRows {
    rx: Receiver<Msg>,
    spent: SyncSender<Batch>,
    batch: Batch,
    row: usize,
    cell: usize,
    header_line: usize,
    finished: bool,
}

impl Iterator for ChannelRows {
    type Item = Result<RawRow, ReadError>;

    fn next(&mut self) -> Option<Self::Item> {
        loop {
            if self.row < self.batch.rows.len() {
                let r = self.batch.row(self.row, self.cell);
                self.cell = self.batch.rows[self.row].1;
                self.row += 1;
                return Some(Ok(r));
            }
            if self.finished {
                return None;
            }
            match self.rx.recv() {
                Ok(Msg::Rows(b)) => {
                    let spent = std::mem::replace(&mut self.batch, b);
                    if spent.text.capacity() > 0 {
                        let _ = self.spent.try_send(spent);
                    }
                    (self.row, self.cell) = (0, 0);
                }
                Ok(Msg::Failed(e)) => {
                    self.finished = true;
                    return Some(Err(e));
                }
                Ok(Msg::Done) => {
                    self.finished = true;
                    return None;
                }
                Ok(Msg::Header { .. }) => {}
                Err(_) => {
                    // The reading thread stopped without a word: it panicked on the file.
                    self.finished = true;
                    let line = self.batch.rows.last().map_or(self.header_line, |r| r.0) + 1;
                    return Some(Err(ReadError::CorruptAt { line, detail: "the reading thread stopped".into() }));
                }
            }
        }
    }
}

fn channel_rows(rx: Receiver<Msg>, spent: SyncSender<Batch>, header_line: usize) -> Rows {
    Box::new(ChannelRows { rx, spent, batch: Batch::default(), row: 0, cell: 0, header_line, finished: false })
}

fn spawn(name: &str, f: impl FnOnce() + Send + 'static) -> Result<(), ReadError> {
    std::thread::Builder::new().name(name.into()).spawn(f).map(|_| ()).map_err(ReadError::from)
}

// ---------------------------------------------------------------------------------------
// CSV

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Encoding {
    /// UTF-8, with `bom` bytes to skip.
    Utf8 {
        bom: usize,
    },
    Gb18030,
    /// UTF-16 with a byte order mark (Excel's "Unicode text").
    Utf16,
}

impl Encoding {
    fn name(self) -> &'static str {
        match self {
            Encoding::Utf8 { .. } => "UTF-8",
            Encoding::Gb18030 => "GB18030",
            Encoding::Utf16 => "UTF-16",
        }
    }
}

/// UTF-8 when the first bytes are UTF-8 (a character cut at the end of the sample is
/// allowed), UTF-16 by its byte order mark, GB18030 (which includes GBK and GB2312)
/// otherwise.
fn detect_encoding(sample: &[u8], whole_file: bool) -> Encoding {
    if sample.starts_with(&[0xEF, 0xBB, 0xBF]) {
        return Encoding::Utf8 { bom: 3 };
    }
    if sample.starts_with(&[0xFF, 0xFE]) || sample.starts_with(&[0xFE, 0xFF]) {
        return Encoding::Utf16;
    }
    match std::str::from_utf8(sample) {
        Ok(_) => Encoding::Utf8 { bom: 0 },
        Err(e) if e.error_len().is_none() && !whole_file => Encoding::Utf8 { bom: 0 },
        Err(_) => Encoding::Gb18030,
    }
}

/// The sample as text, cut after its last line break.
fn decode_sample(sample: &[u8], enc: Encoding) -> String {
    let text = match enc {
        Encoding::Utf8 { bom } => String::from_utf8_lossy(&sample[bom..]).into_owned(),
        Encoding::Gb18030 => encoding_rs::GB18030.decode_without_bom_handling(sample).0.into_owned(),
        Encoding::Utf16 => encoding_rs::Encoding::for_bom(sample)
            .map(|(e, n)| e.decode_without_bom_handling(&sample[n..]).0.into_owned())
            .unwrap_or_default(),
    };
    match text.rfind('\n') {
        Some(i) if text.len() >= SNIFF_BYTES / 2 => text[..=i].to_string(),
        _ => text,
    }
}

/// The delimiter under which the sample's first rows hold a census header, or under which
/// they come closest to one: comma, tab or semicolon.
fn detect_delimiter(text: &str) -> u8 {
    let known = known_headers();
    let mut best = (b',', 0usize, false);
    for delim in [b',', b'\t', b';'] {
        let mut rdr = csv_builder(delim).from_reader(text.as_bytes());
        let mut score = 0;
        let mut matched = false;
        let mut rec = csv::StringRecord::new();
        let mut seen = 0;
        while seen < HEADER_SEARCH_ROWS && rdr.read_record(&mut rec).unwrap_or(false) {
            let cells: Vec<String> = rec.iter().map(str::to_string).collect();
            if cells.iter().all(|c| c.trim().is_empty()) {
                continue;
            }
            seen += 1;
            if columns::match_headers(&cells).is_ok() {
                matched = true;
                break;
            }
            score = score.max(matched_columns(&cells, &known));
        }
        if matched && !best.2 {
            best = (delim, usize::MAX, true);
        } else if !best.2 && score > best.1 {
            best = (delim, score, false);
        }
    }
    best.0
}

fn csv_builder(delim: u8) -> csv::ReaderBuilder {
    let mut b = csv::ReaderBuilder::new();
    b.delimiter(delim)
        .has_headers(false)
        .flexible(true)
        // Lines end at '\n' only, so that every record but perhaps the last one consumes
        // its line break and the lines it covers can be counted; a '\r' before it is
        // trimmed from the last cell.
        .terminator(csv::Terminator::Any(b'\n'))
        .buffer_capacity(64 * 1024);
    b
}

/// The text of a CSV as UTF-8, with counts that let the rows be numbered as Excel does.
struct Guard {
    inner: Box<dyn Read + Send>,
    /// Bytes since the last '\n'.
    run: usize,
    delivered: u64,
    eof: bool,
    last_byte: u8,
}

impl Read for Guard {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        if n == 0 {
            self.eof = true;
            return Ok(0);
        }
        let chunk = &buf[..n];
        self.delivered += n as u64;
        self.last_byte = chunk[n - 1];
        match chunk.iter().rposition(|&b| b == b'\n') {
            Some(i) => self.run = n - i - 1,
            None => self.run += n,
        }
        if self.run > MAX_CSV_LINE {
            return Err(io::Error::other(LineTooLongMarker));
        }
        Ok(n)
    }
}

#[derive(Debug)]
struct LineTooLongMarker;

impl fmt::Display for LineTooLongMarker {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("line too long")
    }
}

impl std::error::Error for LineTooLongMarker {}

/// The rows of a CSV, numbered as Excel numbers them: blank lines (which the csv reader
/// skips) are given back as blank rows, and a cell with line breaks in it does not count
/// as several rows.
struct CsvRows {
    rdr: csv::Reader<Guard>,
    rec: csv::ByteRecord,
    encoding: Encoding,
    /// The Excel row number of the next row.
    next_line: usize,
    /// The csv reader's line count after the last record.
    lines_before: u64,
    /// Room to decode a cell into.
    scratch: Vec<u8>,
}

impl CsvRows {
    fn open(path: &Path, enc: Encoding, delim: u8) -> Result<CsvRows, ReadError> {
        let mut file = File::open(path)?;
        let inner: Box<dyn Read + Send> = match enc {
            Encoding::Utf8 { bom } => {
                file.seek(io::SeekFrom::Start(bom as u64))?;
                Box::new(file)
            }
            // GB18030 is parsed as it is (a delimiter, quote or line break byte is never part
            // of a multi-byte character) and each cell decoded into the batch.
            Encoding::Gb18030 => Box::new(file),
            Encoding::Utf16 => Box::new(encoding_rs_io::DecodeReaderBytesBuilder::new().bom_sniffing(true).build(file)),
        };
        let guard = Guard { inner, run: 0, delivered: 0, eof: false, last_byte: 0 };
        Ok(CsvRows {
            rdr: csv_builder(delim).from_reader(guard),
            rec: csv::ByteRecord::new(),
            encoding: enc,
            next_line: 1,
            lines_before: 1,
            scratch: Vec::new(),
        })
    }

    fn error(&self, e: csv::Error, line: usize) -> ReadError {
        match e.kind() {
            csv::ErrorKind::Io(io) if io.get_ref().is_some_and(|i| i.is::<LineTooLongMarker>()) => {
                ReadError::LineTooLong { line, limit: MAX_CSV_LINE }
            }
            csv::ErrorKind::Io(io) => ReadError::Io(io.to_string()),
            _ => ReadError::CorruptAt { line, detail: e.to_string() },
        }
    }
}

impl Source for CsvRows {
    /// Reads one record, and the blank lines before it, into the batch.
    fn next_into(&mut self, batch: &mut Batch) -> Option<Result<(), ReadError>> {
        match self.rdr.read_byte_record(&mut self.rec) {
            Ok(true) => {}
            Ok(false) => return None,
            Err(e) => return Some(Err(self.error(e, self.next_line))),
        }
        // The lines the record covered: the blank lines before it, the line breaks in its
        // cells and its own line break (which the last line of a file may not have).
        let lines_after = self.rdr.position().line();
        let covered = lines_after.saturating_sub(self.lines_before);
        self.lines_before = lines_after;
        let bytes = self.rec.as_slice();
        let guard = self.rdr.get_ref();
        let at_end = guard.eof && self.rdr.position().byte() == guard.delivered;
        let own_break = u64::from(!at_end || guard.last_byte == b'\n');
        let blanks = if covered <= own_break {
            0
        } else {
            let inner = bytes.iter().filter(|&&b| b == b'\n').count() as u64;
            covered.saturating_sub(inner + own_break) as usize
        };
        for _ in 0..blanks {
            batch.end_row(self.next_line, 0);
            self.next_line += 1;
        }
        let line = self.next_line;
        self.next_line += 1;

        if bytes.is_empty() || bytes == b"\r" {
            batch.end_row(line, 0);
            return Some(Ok(()));
        }
        let n = self.rec.len().min(MAX_COLUMNS as usize);
        if self.encoding == Encoding::Gb18030 {
            for i in 0..n {
                let Some(mut r) = self.rec.range(i) else { continue };
                if i + 1 == self.rec.len() && bytes[r.clone()].ends_with(b"\r") {
                    r.end -= 1;
                }
                batch.push_decoded(i as u32, &bytes[r], encoding_rs::GB18030, &mut self.scratch);
            }
            batch.end_row(line, n);
            return Some(Ok(()));
        }
        let text = match std::str::from_utf8(bytes) {
            Ok(t) => t,
            Err(e) => {
                let at = e.valid_up_to();
                let col = (0..self.rec.len()).position(|i| self.rec.range(i).is_some_and(|r| r.end > at));
                return Some(Err(ReadError::Encoding { line, col: col.unwrap_or(0), encoding: self.encoding.name() }));
            }
        };
        for i in 0..n {
            let Some(mut r) = self.rec.range(i) else { continue };
            // Lines end at '\n' only: a '\r' before it ends the last cell.
            if i + 1 == self.rec.len() && text[r.clone()].ends_with('\r') {
                r.end -= 1;
            }
            batch.push_cell(i as u32, &text[r]);
        }
        batch.end_row(line, n);
        Some(Ok(()))
    }
}

/// Everything needed to read a CSV again the same way.
#[derive(Debug, Clone, Copy)]
struct CsvKind {
    encoding: Encoding,
    delimiter: u8,
}

fn sniff_csv(path: &Path) -> Result<CsvKind, ReadError> {
    let mut sample = vec![0u8; SNIFF_BYTES];
    let n = read_up_to(&mut File::open(path)?, &mut sample)?;
    sample.truncate(n);
    if n == 0 {
        return Err(ReadError::Empty);
    }
    let encoding = detect_encoding(&sample, n < SNIFF_BYTES);
    if encoding != Encoding::Utf16 && sample.contains(&0) {
        return Err(ReadError::NotATable);
    }
    let text = decode_sample(&sample, encoding);
    Ok(CsvKind { encoding, delimiter: detect_delimiter(&text) })
}

fn open_csv(path: &Path) -> Result<Sheet, ReadError> {
    let kind = sniff_csv(path)?;
    let mut rows = Unpacked::new(CsvRows::open(path, kind.encoding, kind.delimiter)?);
    match scan_header(&mut rows)? {
        Scan::Found { headers, line, preamble } => {
            let (pipe, rx, spent) = pipe();
            let (src, rest) = rows.into_parts();
            spawn("census-csv", move || pump(src, rest, &pipe))?;
            let rows = channel_rows(rx, spent, line);
            Ok(Sheet { format: Format::Csv, sheet_name: None, headers, header_line: line, preamble, rows })
        }
        Scan::NotFound(best) => Err(not_found(best)),
    }
}

// ---------------------------------------------------------------------------------------
// XLSX

/// Refuses a zip whose parts inflate to too much in all, a part that inflates absurdly
/// (a zip bomb), or a part loaded whole that is too large. The zip reader stops inflating
/// a part at the size its directory gives, so these sizes bound what will be read.
pub(crate) fn check_zip(path: &Path) -> Result<(), ReadError> {
    let bad = |e: zip::result::ZipError| ReadError::Corrupt(e.to_string());
    let mut zip = zip::ZipArchive::new(BufReader::new(File::open(path)?)).map_err(bad)?;
    let mut total: u64 = 0;
    let mut shared_strings = None;
    for i in 0..zip.len() {
        let entry = zip.by_index_data(i).map_err(bad)?;
        let name = entry.name().map(|n| n.into_owned()).unwrap_or_default();
        let size = entry.size();
        let compressed = entry.compressed_size().max(1);
        if size > BOMB_MIN_SIZE && size / compressed > BOMB_RATIO {
            return Err(ReadError::ZipBomb { part: name, size, compressed });
        }
        let lower = name.to_ascii_lowercase();
        let loaded_whole = !lower.contains("worksheets/") && lower.ends_with(".xml");
        if loaded_whole && size > MAX_XLSX_PART {
            return Err(ReadError::PartTooLarge { part: name, size, limit: MAX_XLSX_PART });
        }
        if lower.ends_with("sharedstrings.xml") {
            shared_strings = Some((i, size));
        }
        total = total.saturating_add(size);
    }
    if total > MAX_XLSX_UNCOMPRESSED {
        return Err(ReadError::TooLarge { size: total, limit: MAX_XLSX_UNCOMPRESSED });
    }
    // The reader reserves room for the count of shared strings the part claims: a count
    // the part cannot hold (at least 5 bytes a string, "<si/>") is refused before that.
    if let Some((i, size)) = shared_strings {
        let mut head = vec![0u8; 4096];
        let n = read_up_to(&mut zip.by_index(i).map_err(bad)?, &mut head)?;
        let head = String::from_utf8_lossy(&head[..n]);
        let count = head.split_once("uniqueCount=").and_then(|(_, rest)| {
            let digits: String = rest.chars().skip(1).take_while(char::is_ascii_digit).collect();
            digits.parse::<u64>().ok().or(Some(u64::MAX))
        });
        if count.is_some_and(|c| c > size / 5 + 1) {
            return Err(ReadError::Corrupt("sharedStrings claims more strings than it holds".into()));
        }
    }
    Ok(())
}

fn open_xlsx(path: &Path) -> Result<Sheet, ReadError> {
    check_zip(path)?;
    let (pipe, rx, spent) = pipe();
    let path = path.to_path_buf();
    spawn("census-xlsx", move || xlsx_worker(path, &pipe))?;
    match rx.recv() {
        Ok(Msg::Header { sheet_name, headers, line, preamble }) => {
            let rows = channel_rows(rx, spent, line);
            Ok(Sheet { format: Format::Xlsx, sheet_name, headers, header_line: line, preamble, rows })
        }
        Ok(Msg::Failed(e)) => Err(e),
        // The thread stopped before it found a header: calamine panicked on the file.
        Ok(_) | Err(_) => Err(ReadError::Corrupt("the reading thread stopped".into())),
    }
}

fn corrupt(e: XlsxError) -> ReadError {
    match e {
        XlsxError::Password => ReadError::Encrypted,
        e => ReadError::Corrupt(e.to_string()),
    }
}

/// Opens the workbook, finds the first worksheet with a census header and sends its rows.
fn xlsx_worker(path: PathBuf, pipe: &Pipe) {
    let failed = |e| {
        let _ = pipe.tx.send(Msg::Failed(e));
    };
    let file = match File::open(&path) {
        Ok(f) => f,
        Err(e) => return failed(e.into()),
    };
    let mut wb: Xlsx<_> = match Xlsx::new(BufReader::with_capacity(64 * 1024, file)) {
        Ok(wb) => wb,
        Err(e) => return failed(corrupt(e)),
    };
    let names: Vec<String> =
        wb.sheets_metadata().iter().filter(|s| s.typ == SheetType::WorkSheet).map(|s| s.name.clone()).collect();
    if names.is_empty() {
        return failed(ReadError::NoSheet);
    }
    let mut best: Option<(usize, HeaderError)> = None;
    for name in names {
        let mut reader = match wb.worksheet_cells_reader(&name) {
            Ok(r) => r,
            Err(e) => return failed(corrupt(e)),
        };
        let rows = reader.dimensions().end.0 as usize + 1;
        if rows > MAX_XLSX_ROWS {
            return failed(ReadError::TooManyRows { sheet: name, rows, limit: MAX_XLSX_ROWS });
        }
        let mut rows = Unpacked::new(XlsxRows::new(&mut reader, &name));
        match scan_header(&mut rows) {
            Err(e) => return failed(e),
            Ok(Scan::Found { headers, line, preamble }) => {
                let header = Msg::Header { sheet_name: Some(name.clone()), headers, line, preamble };
                if pipe.tx.send(header).is_ok() {
                    let (src, rest) = rows.into_parts();
                    pump(src, rest, pipe);
                }
                return;
            }
            Ok(Scan::NotFound(candidate)) => {
                if let Some((score, e)) = candidate
                    && best.as_ref().is_none_or(|(s, _)| score > *s)
                {
                    best = Some((score, e));
                }
            }
        }
    }
    failed(not_found(best))
}

/// The rows of a worksheet, from calamine's cell stream: cells without a value are not
/// kept, and rows without any are not given.
struct XlsxRows<'a, 'b, RS: Read + Seek> {
    reader: &'b mut XlsxCellReader<'a, RS>,
    sheet: &'b str,
    /// Where the first cell of the next row is, read past the end of the current one, and
    /// its text.
    pending: Option<(u32, u32)>,
    pending_text: String,
    text: String,
    /// An error met after the last row given, to give next.
    failed: Option<ReadError>,
    done: bool,
}

impl<'a, 'b, RS: Read + Seek> XlsxRows<'a, 'b, RS> {
    fn new(reader: &'b mut XlsxCellReader<'a, RS>, sheet: &'b str) -> Self {
        XlsxRows {
            reader,
            sheet,
            pending: None,
            pending_text: String::new(),
            text: String::new(),
            failed: None,
            done: false,
        }
    }

    fn too_many(&mut self, r: u32) -> Option<Result<(), ReadError>> {
        self.done = true;
        Some(Err(ReadError::TooManyRows { sheet: self.sheet.to_string(), rows: r as usize + 1, limit: MAX_XLSX_ROWS }))
    }
}

impl<RS: Read + Seek> Source for XlsxRows<'_, '_, RS> {
    /// Reads one row into the batch.
    fn next_into(&mut self, batch: &mut Batch) -> Option<Result<(), ReadError>> {
        if let Some(e) = self.failed.take() {
            return Some(Err(e));
        }
        if self.done {
            return None;
        }
        let mut row: Option<u32> = None;
        let mut width = 0;
        if let Some((r, c)) = self.pending.take() {
            if r as usize >= MAX_XLSX_ROWS {
                return self.too_many(r);
            }
            row = Some(r);
            batch.push_cell(c, &self.pending_text);
            width = c as usize + 1;
        }
        loop {
            match self.reader.next_cell() {
                Ok(Some(cell)) => {
                    let (r, c) = cell.get_position();
                    if c >= MAX_COLUMNS {
                        continue;
                    }
                    self.text.clear();
                    render_into(cell.get_value(), &mut self.text);
                    if self.text.is_empty() {
                        continue;
                    }
                    match row {
                        Some(cur) if cur != r => {
                            self.pending = Some((r, c));
                            std::mem::swap(&mut self.pending_text, &mut self.text);
                            break;
                        }
                        Some(_) => {}
                        None if r as usize >= MAX_XLSX_ROWS => return self.too_many(r),
                        None => row = Some(r),
                    }
                    batch.push_cell(c, &self.text);
                    width = width.max(c as usize + 1);
                }
                Ok(None) => {
                    self.done = true;
                    break;
                }
                Err(e) => {
                    // The row read so far is given first, then the error.
                    self.done = true;
                    let line = row.map_or(1, |r| r as usize + 2);
                    let err = ReadError::CorruptAt { line, detail: e.to_string() };
                    if row.is_none() {
                        return Some(Err(err));
                    }
                    self.failed = Some(err);
                    break;
                }
            }
        }
        let r = row?;
        batch.end_row(r as usize + 1, width);
        Some(Ok(()))
    }
}

/// A cell as text: strings as they are; whole numbers without ".0" (a phone number stored
/// as a number reads as its digits); other numbers to Excel's 15 significant digits; cells
/// with a date format as YYYY-MM-DD; booleans 是/否; formulas by their cached result; errors
/// as Excel shows them ("#N/A").
fn render_into(v: &DataRef<'_>, out: &mut String) {
    use std::fmt::Write as _;
    match v {
        DataRef::Empty => {}
        DataRef::String(s) => out.push_str(s),
        DataRef::SharedString(s) => out.push_str(s),
        DataRef::Int(i) => {
            let _ = write!(out, "{i}");
        }
        DataRef::Float(f) => push_number(*f, out),
        DataRef::Bool(b) => out.push_str(if *b { "是" } else { "否" }),
        DataRef::DateTime(dt) if dt.is_datetime() => {
            let (y, mo, d, h, mi, s, _) = dt.to_ymd_hms_milli();
            let _ = if dt.as_f64() < 1.0 {
                write!(out, "{h:02}:{mi:02}:{s:02}")
            } else if (h, mi, s) == (0, 0, 0) {
                write!(out, "{y:04}-{mo:02}-{d:02}")
            } else {
                write!(out, "{y:04}-{mo:02}-{d:02} {h:02}:{mi:02}:{s:02}")
            };
        }
        DataRef::DateTime(dt) => push_number(dt.as_f64(), out),
        DataRef::DateTimeIso(s) => out.push_str(&s.strip_suffix("T00:00:00").unwrap_or(s).replace('T', " ")),
        DataRef::DurationIso(s) => out.push_str(s),
        DataRef::Error(e) => {
            let _ = write!(out, "{e}");
        }
    }
}

fn push_number(f: f64, out: &mut String) {
    use std::fmt::Write as _;
    if f.is_finite() && f.fract() == 0.0 && f.abs() < 1e15 {
        let _ = write!(out, "{}", f as i64);
        return;
    }
    // Excel keeps 15 significant digits: 0.1 + 0.2 reads 0.3.
    let rounded = format!("{f:.14e}");
    match rounded.parse::<f64>() {
        Ok(g) => {
            let _ = write!(out, "{g}");
        }
        Err(_) => out.push_str(&rounded),
    }
}

/// A number as the sheet shows it (a school's roll reads its cells so too).
pub(crate) fn render_number(f: f64) -> String {
    let mut s = String::new();
    push_number(f, &mut s);
    s
}

#[cfg(test)]
mod tests {
    use super::*;
    use rust_xlsxwriter::{ExcelDateTime, Format as XFormat, Formula, Workbook};
    use std::io::Write;

    fn all_rows(sheet: Sheet) -> Vec<RawRow> {
        sheet.rows.collect::<Result<Vec<_>, _>>().expect("rows read")
    }

    fn headers() -> Vec<&'static str> {
        vec!["序号", "姓名", "性别", "出生日期", "身份证号码", "现居住地址", "所在村（居）", "父亲联系电话"]
    }

    const CSV_BODY: &str = "农村留守儿童信息登记表,,,,,,,\n\
        填报单位：某镇,,,,填报日期：2016年8月,,,\n\
        序号,姓名,性别,出生日期,身份证号码,现居住地址,所在村（居）,父亲联系电话\n\
        1,张小明,男,2015-03-08,,\"天津市宝坻区某村\n3号\",120224001001,13812345678\n\
        \n\
        2,李小红,女,2012/5/1,,某村5号,120224001001,\n";

    fn write(dir: &Path, name: &str, bytes: &[u8]) -> PathBuf {
        let p = dir.join(name);
        std::fs::write(&p, bytes).expect("write fixture");
        p
    }

    fn check_csv_body(sheet: Sheet) {
        assert_eq!(sheet.format, Format::Csv);
        assert_eq!(sheet.header_line, 3);
        assert_eq!(sheet.headers, headers());
        assert_eq!(sheet.preamble.len(), 2);
        assert_eq!(sheet.preamble[0].cell(0), "农村留守儿童信息登记表");
        let rows = all_rows(sheet);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].cell(1), "张小明");
        assert_eq!(rows[0].cell(5), "天津市宝坻区某村\n3号");
        assert_eq!(rows[0].cell(7), "13812345678");
        // The address covers two lines of the file but one row of the sheet.
        assert_eq!(rows[1].line, 5);
        assert!(rows[1].is_blank());
        assert_eq!(rows[2].line, 6);
        assert_eq!(rows[2].cell(1), "李小红");
        assert_eq!(rows[2].cell(3), "2012/5/1");
    }

    #[test]
    fn utf8_csv_with_a_bom_and_title_rows() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut bytes = vec![0xEF, 0xBB, 0xBF];
        bytes.extend_from_slice(CSV_BODY.as_bytes());
        let p = write(dir.path(), "upload.bin", &bytes);
        check_csv_body(open(&p).expect("opens"));
    }

    #[test]
    fn utf8_csv_without_a_bom_with_crlf_and_no_final_line_break() {
        let dir = tempfile::tempdir().expect("tempdir");
        // The address keeps its own line break as written, "\r\n".
        let body = CSV_BODY.replace('\n', "\r\n");
        let body = body.trim_end();
        let p = write(dir.path(), "a.csv", body.as_bytes());
        let sheet = open(&p).expect("opens");
        assert_eq!(sheet.header_line, 3);
        let rows = all_rows(sheet);
        assert_eq!(rows.len(), 3, "{rows:?}");
        assert_eq!(rows[0].line, 4);
        assert_eq!(rows[0].cell(5), "天津市宝坻区某村\r\n3号");
        assert_eq!(rows[0].cell(7), "13812345678", "no '\\r' left on the last cell");
        assert_eq!(rows[2].line, 6);
        assert_eq!(rows[2].len(), 8);
        assert_eq!(rows[2].cell(7), "");
    }

    #[test]
    fn blank_lines_before_a_last_line_without_a_line_break_are_counted() {
        let dir = tempfile::tempdir().expect("tempdir");
        let body = "姓名,性别,出生日期,现居住地址,所在村（居）\n张三,男,2015-01-01,某村,120224001001\n\n\n李四,女,2015-01-02,某村,120224001001";
        let p = write(dir.path(), "a.csv", body.as_bytes());
        let rows = all_rows(open(&p).expect("opens"));
        let lines: Vec<usize> = rows.iter().map(|r| r.line).collect();
        assert_eq!(lines, vec![2, 3, 4, 5]);
        assert_eq!(rows[3].cell(0), "李四");
    }

    #[test]
    fn gb18030_csv() {
        let dir = tempfile::tempdir().expect("tempdir");
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(CSV_BODY);
        assert!(!unmappable);
        assert!(std::str::from_utf8(&bytes).is_err(), "really not UTF-8");
        let p = write(dir.path(), "gbk.csv", &bytes);
        check_csv_body(open(&p).expect("opens"));
    }

    #[test]
    fn gb18030_four_byte_characters_quotes_and_crlf() {
        let dir = tempfile::tempdir().expect("tempdir");
        let body =
            "姓名,性别,出生日期,现居住地址,所在村（居）\r\n王𠮷,女,2015-01-01,\"某村,\"\"东头\"\"\",120224001001\r\n";
        let (bytes, _, unmappable) = encoding_rs::GB18030.encode(body);
        assert!(!unmappable);
        let p = write(dir.path(), "a.csv", &bytes);
        let rows = all_rows(open(&p).expect("opens"));
        assert_eq!(
            rows[0].cells().collect::<Vec<_>>(),
            vec!["王𠮷", "女", "2015-01-01", "某村,\"东头\"", "120224001001"]
        );
    }

    #[test]
    fn utf16_tab_separated_text_as_excel_saves_unicode_text() {
        let dir = tempfile::tempdir().expect("tempdir");
        let tsv = CSV_BODY.replace(',', "\t");
        let mut bytes = vec![0xFF, 0xFE];
        for u in tsv.encode_utf16() {
            bytes.extend_from_slice(&u.to_le_bytes());
        }
        let p = write(dir.path(), "unicode.txt", &bytes);
        check_csv_body(open(&p).expect("opens"));
    }

    #[test]
    fn tsv_and_semicolons() {
        let dir = tempfile::tempdir().expect("tempdir");
        for delim in ["\t", ";"] {
            let p = write(dir.path(), "a.tsv", CSV_BODY.replace(',', delim).as_bytes());
            check_csv_body(open(&p).expect("opens"));
        }
    }

    #[test]
    fn reordered_full_width_and_spaced_headers() {
        let dir = tempfile::tempdir().expect("tempdir");
        let body = " 性 别 ,所在村(居),姓名（必填）,现居住地址,出生日期　,ｎａｍｅ２\n男,120224001001,张三,某村,2015-01-01,x\n";
        let p = write(dir.path(), "a.csv", body.as_bytes());
        let sheet = open(&p).expect("opens");
        assert_eq!(sheet.header_line, 1);
        let map = columns::match_headers(&sheet.headers).expect("matches");
        assert_eq!(map.positions[0], (0, "sex"));
        assert_eq!(map.positions[2], (2, "name"));
        assert_eq!(all_rows(sheet)[0].cell(2), "张三");
    }

    #[test]
    fn a_sheet_that_is_not_a_census_sheet_says_what_is_missing() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(dir.path(), "a.csv", "品名,数量,单价\n苹果,3,2.5\n".as_bytes());
        let e = open(&p).expect_err("not census");
        let m = e.message();
        assert!(m.contains("这不是摸底排查登记表"), "{m}");
        assert!(m.contains("姓名"), "{m}");

        // The closest row is the one reported: here the one missing only the address.
        let p = write(dir.path(), "b.csv", "标题\n姓名,性别\n姓名,性别,出生日期,所在村（居）\n".as_bytes());
        let m = open(&p).expect_err("not census").message();
        assert!(m.contains("现居住地址"), "{m}");
        assert!(!m.contains("出生日期"), "{m}");
    }

    #[test]
    fn empty_and_binary_files() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = write(dir.path(), "empty.csv", b"");
        assert_eq!(open(&p).expect_err("empty"), ReadError::Empty);
        let p = write(dir.path(), "blank.csv", b",,,\n\n,,\n");
        assert_eq!(open(&p).expect_err("blank"), ReadError::Empty);
        let p = write(dir.path(), "x.pdf", b"%PDF-1.4\n\x00\x01\x02binary");
        let e = open(&p).expect_err("binary");
        assert_eq!(e, ReadError::NotATable);
        assert!(e.message().contains(".xlsx"));
    }

    #[test]
    fn invalid_utf8_after_the_sample_names_the_row_and_column() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut body = String::from("姓名,性别,出生日期,现居住地址,所在村（居）\n");
        while body.len() < SNIFF_BYTES + 100 {
            body.push_str("张三,男,2015-01-01,某村,120224001001\n");
        }
        let rows_before = body.lines().count();
        let mut bytes = body.into_bytes();
        bytes.extend_from_slice(b"\xD5\xC5,\xC4\xD0,2015-01-01,x,120224001001\n");
        let p = write(dir.path(), "a.csv", &bytes);
        let sheet = open(&p).expect("opens");
        let err = sheet.rows.filter_map(Result::err).next().expect("an error");
        assert_eq!(err, ReadError::Encoding { line: rows_before + 1, col: 0, encoding: "UTF-8" });
        assert!(err.message().starts_with(&format!("第{}行A列", rows_before + 1)));
    }

    #[test]
    fn a_file_without_line_breaks_is_refused_with_bounded_memory() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut body = String::from("姓名,性别,出生日期,现居住地址,所在村（居）\n张三");
        body.push_str(&"x".repeat(MAX_CSV_LINE + 10));
        let p = write(dir.path(), "a.csv", body.as_bytes());
        let sheet = open(&p).expect("opens");
        let err = sheet.rows.filter_map(Result::err).next().expect("an error");
        assert_eq!(err, ReadError::LineTooLong { line: 2, limit: MAX_CSV_LINE });
    }

    #[test]
    fn an_xls_file_is_asked_to_be_saved_as_xlsx() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut bytes = vec![0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1];
        bytes.extend_from_slice(&[0u8; 504]);
        let p = write(dir.path(), "old.xls", &bytes);
        let e = open(&p).expect_err("xls");
        assert_eq!(e, ReadError::Xls);
        assert!(e.message().contains("另存为"), "{}", e.message());
        assert!(e.message().contains(".xlsx"), "{}", e.message());
    }

    // -- .xlsx ---------------------------------------------------------------------------

    fn census_workbook(path: &Path) {
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("登记表").expect("name");
        let bold = XFormat::new().set_bold();
        ws.merge_range(0, 0, 0, 7, "农村留守儿童信息登记表", &bold).expect("merge");
        ws.write(1, 0, "填报单位：某镇").expect("w");
        for (i, h) in headers().iter().enumerate() {
            ws.write(2, i as u16, *h).expect("w");
        }
        let date = XFormat::new().set_num_format("yyyy-mm-dd");
        let cn_date = XFormat::new().set_num_format("yyyy\"年\"m\"月\"d\"日\"");
        // Row 4: a date cell, numbers for the village code and the phone.
        ws.write(3, 0, 1).expect("w");
        ws.write(3, 1, "张小明").expect("w");
        ws.write(3, 2, "男").expect("w");
        let d = ExcelDateTime::from_ymd(2015, 3, 8).expect("date");
        ws.write_datetime_with_format(3, 3, &d, &date).expect("w");
        ws.write(3, 4, 110105194912310025.0).expect("w");
        ws.write(3, 5, "某村3号").expect("w");
        ws.write(3, 6, 120224001001.0).expect("w");
        ws.write(3, 7, 1.3812345678E10).expect("w");
        // Row 5 blank; row 6: a date as text, a Chinese date format, a formula, a merged cell.
        ws.write(5, 0, 2).expect("w");
        ws.write(5, 1, "李小红").expect("w");
        ws.write(5, 2, "女").expect("w");
        ws.write(5, 3, "2012/5/1").expect("w");
        let d2 = ExcelDateTime::from_ymd(2010, 12, 31).expect("date");
        ws.write_datetime_with_format(6, 3, &d2, &cn_date).expect("w");
        ws.merge_range(5, 5, 6, 5, "两行合并的地址", &XFormat::new()).expect("merge");
        ws.write_formula(5, 6, Formula::new("=\"1202240\"&\"01001\"").set_result("120224001001")).expect("w");
        ws.write(5, 7, true).expect("w");
        ws.write(6, 1, "王五").expect("w");
        ws.write(6, 7, 0.1 + 0.2).expect("w");
        wb.save(path).expect("save");
    }

    #[test]
    fn xlsx_cells_become_text_as_the_checks_expect() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("upload.dat");
        census_workbook(&p);
        assert_eq!(format_of(&p).expect("format"), Format::Xlsx);
        let sheet = open(&p).expect("opens");
        assert_eq!(sheet.format, Format::Xlsx);
        assert_eq!(sheet.sheet_name.as_deref(), Some("登记表"));
        assert_eq!(sheet.header_line, 3);
        assert_eq!(sheet.headers, headers());
        assert_eq!(sheet.preamble.len(), 2);
        assert_eq!(sheet.preamble[0].line, 1);
        assert_eq!(sheet.preamble[0].cell(0), "农村留守儿童信息登记表");
        let rows = all_rows(sheet);
        assert_eq!(rows.len(), 3, "{rows:?}");
        let r = &rows[0];
        assert_eq!(r.line, 4);
        assert_eq!(r.cell(0), "1");
        assert_eq!(r.cell(3), "2015-03-08", "a date cell");
        assert_eq!(r.cell(4), "110105194912310000", "an ID typed as a number has lost digits: the checks will say so");
        assert_eq!(r.cell(6), "120224001001");
        assert_eq!(r.cell(7), "13812345678", "1.3812345678E10 is a phone number");
        let r = &rows[1];
        assert_eq!(r.line, 6, "the blank row 5 is not given");
        assert_eq!(r.cell(3), "2012/5/1", "a date as text stays text");
        assert_eq!(r.cell(5), "两行合并的地址");
        assert_eq!(r.cell(6), "120224001001", "a formula's cached result");
        assert_eq!(r.cell(7), "是");
        let r = &rows[2];
        assert_eq!(r.line, 7);
        assert_eq!(r.cell(1), "王五");
        assert_eq!(r.cell(3), "2010-12-31", "a date in a Chinese date format");
        assert_eq!(r.cell(5), "", "the merged cell's value is in its top-left cell only");
        assert_eq!(r.cell(7), "0.3");
    }

    #[test]
    fn the_first_worksheet_with_a_census_header_is_read() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("two.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.set_name("说明").expect("name");
        ws.write(0, 0, "填表说明：……").expect("w");
        let ws = wb.add_worksheet();
        ws.set_name("名单").expect("name");
        for (i, h) in ["姓名", "性别", "出生日期", "现居住地址", "所在村（居）"].iter().enumerate() {
            ws.write(0, i as u16, *h).expect("w");
        }
        ws.write(1, 0, "张三").expect("w");
        wb.save(&p).expect("save");
        let sheet = open(&p).expect("opens");
        assert_eq!(sheet.sheet_name.as_deref(), Some("名单"));
        assert_eq!(all_rows(sheet)[0].cell(0), "张三");
    }

    #[test]
    fn a_workbook_that_is_not_a_census_sheet() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("sales.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        ws.write(0, 0, "品名").expect("w");
        ws.write(0, 1, "姓名").expect("w");
        ws.write(1, 0, "苹果").expect("w");
        wb.save(&p).expect("save");
        let e = open(&p).expect_err("not census");
        assert!(matches!(e, ReadError::NotCensus(HeaderError::Missing(_))));
        let m = e.message();
        assert!(m.contains("这不是摸底排查登记表"), "{m}");
        assert!(m.contains("性别") && !m.contains("姓名、"), "{m}");

        let p = dir.path().join("empty.xlsx");
        let mut wb = Workbook::new();
        wb.add_worksheet();
        wb.save(&p).expect("save");
        assert_eq!(open(&p).expect_err("empty"), ReadError::Empty);
    }

    #[test]
    fn a_truncated_xlsx_is_corrupt() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("ok.xlsx");
        census_workbook(&p);
        let bytes = std::fs::read(&p).expect("read");
        for cut in [bytes.len() / 2, bytes.len() - 10, 30] {
            let q = write(dir.path(), "cut.xlsx", &bytes[..cut]);
            let e = open(&q).expect_err("corrupt");
            assert!(matches!(e, ReadError::Corrupt(_)), "{cut}: {e:?}");
            assert!(e.message().contains("文件已损坏或不是 .xlsx 文件"));
        }
        // A zip that is not a workbook (a .docx, say).
        let q = dir.path().join("not-a-workbook.zip");
        let mut z = zip::ZipWriter::new(File::create(&q).expect("create"));
        z.start_file("word/document.xml", zip::write::SimpleFileOptions::default()).expect("start");
        z.write_all(b"<w:document/>").expect("write");
        z.finish().expect("finish");
        assert!(matches!(open(&q).expect_err("not xlsx"), ReadError::Corrupt(_)));
    }

    #[test]
    fn a_zip_bomb_is_refused_before_it_is_inflated() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("bomb.xlsx");
        let mut z = zip::ZipWriter::new(File::create(&p).expect("create"));
        let opts = zip::write::SimpleFileOptions::default()
            .compression_method(zip::CompressionMethod::Deflated)
            .large_file(true);
        z.start_file("[Content_Types].xml", opts).expect("start");
        z.write_all(b"<Types/>").expect("write");
        z.start_file("xl/worksheets/sheet1.xml", opts).expect("start");
        let zeros = vec![b'0'; 1024 * 1024];
        for _ in 0..300 {
            z.write_all(&zeros).expect("write");
        }
        z.finish().expect("finish");
        let compressed = std::fs::metadata(&p).expect("meta").len();
        assert!(compressed < 2 * 1024 * 1024, "{compressed}");
        let e = open(&p).expect_err("bomb");
        assert!(matches!(e, ReadError::ZipBomb { .. }), "{e:?}");
        assert!(e.message().contains("压缩比异常"), "{}", e.message());
        assert!(e.message().contains("sheet1.xml"), "{}", e.message());
    }

    #[test]
    fn too_much_in_all_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("big.xlsx");
        // Stored, not compressed, so the ratio is 1: a workbook that is simply too big,
        // faked with a directory entry whose sizes claim it (the reader stops at them).
        let mut z = zip::ZipWriter::new(File::create(&p).expect("create"));
        let opts = zip::write::SimpleFileOptions::default().compression_method(zip::CompressionMethod::Stored);
        z.start_file("xl/worksheets/sheet1.xml", opts).expect("start");
        z.write_all(b"<worksheet/>").expect("write");
        z.finish().expect("finish");
        // Patch the central directory's sizes: compressed and uncompressed 1.5 GiB.
        let mut bytes = std::fs::read(&p).expect("read");
        let cd = bytes.windows(4).rposition(|w| w == b"PK\x01\x02").expect("central directory");
        let big = (1536u32 * 1024 * 1024).to_le_bytes();
        bytes[cd + 20..cd + 24].copy_from_slice(&big);
        bytes[cd + 24..cd + 28].copy_from_slice(&big);
        let p = write(dir.path(), "big2.xlsx", &bytes);
        let e = open(&p).expect_err("too big");
        assert!(matches!(e, ReadError::TooLarge { .. }), "{e:?}");
        assert!(e.message().contains("文件过大"), "{}", e.message());
        assert!(e.message().contains("1,024 MiB"), "{}", e.message());
    }

    #[test]
    fn a_sheet_claiming_a_million_rows_is_refused_before_reading() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("tall.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (i, h) in ["姓名", "性别", "出生日期", "现居住地址", "所在村（居）"].iter().enumerate() {
            ws.write(0, i as u16, *h).expect("w");
        }
        ws.write(1_048_575, 0, "末行").expect("w");
        wb.save(&p).expect("save");
        let e = open(&p).expect_err("too many rows");
        assert_eq!(e, ReadError::TooManyRows { sheet: "Sheet1".into(), rows: 1_048_576, limit: MAX_XLSX_ROWS });
        let m = e.message();
        assert!(m.contains("1,048,576 行"), "{m}");
        assert!(m.contains("1,000,000 行的上限"), "{m}");
    }

    #[test]
    fn a_sheet_whose_dimension_lies_is_stopped_at_the_limit() {
        // A sheet written without a <dimension>: the limit holds while streaming.
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("src.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (i, h) in ["姓名", "性别", "出生日期", "现居住地址", "所在村（居）"].iter().enumerate() {
            ws.write(0, i as u16, *h).expect("w");
        }
        ws.write(1, 0, "张三").expect("w");
        ws.write(1_000_500, 0, "远处").expect("w");
        wb.save(&src).expect("save");
        let p = dir.path().join("nodim.xlsx");
        rewrite_zip(&src, &p, |name, data| {
            if name == "xl/worksheets/sheet1.xml" {
                let s = String::from_utf8(data).expect("utf8");
                let start = s.find("<dimension").expect("dimension");
                let end = start + s[start..].find("/>").expect("end") + 2;
                format!("{}{}", &s[..start], &s[end..]).into_bytes()
            } else {
                data
            }
        });
        let sheet = open(&p).expect("opens: the dimension does not tell");
        let rows: Vec<_> = sheet.rows.collect();
        assert_eq!(rows[0].as_ref().expect("row").cell(0), "张三");
        assert!(matches!(rows[1], Err(ReadError::TooManyRows { rows: 1_000_501, .. })), "{:?}", rows[1]);
        assert_eq!(rows.len(), 2);
    }

    /// Copies a zip, passing each part through `f`.
    fn rewrite_zip(src: &Path, dst: &Path, f: impl Fn(&str, Vec<u8>) -> Vec<u8>) {
        let mut zin = zip::ZipArchive::new(File::open(src).expect("open")).expect("zip");
        let mut zout = zip::ZipWriter::new(File::create(dst).expect("create"));
        for i in 0..zin.len() {
            let mut e = zin.by_index(i).expect("entry");
            let name = e.name().expect("name").to_string();
            let mut data = Vec::new();
            e.read_to_end(&mut data).expect("read");
            zout.start_file(name.clone(), zip::write::SimpleFileOptions::default()).expect("start");
            zout.write_all(&f(&name, data)).expect("write");
        }
        zout.finish().expect("finish");
    }

    #[test]
    fn a_corrupt_sheet_stops_with_the_row() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("src.xlsx");
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet();
        for (i, h) in ["姓名", "性别", "出生日期", "现居住地址", "所在村（居）"].iter().enumerate() {
            ws.write(0, i as u16, *h).expect("w");
        }
        for r in 1..2000u32 {
            ws.write(r, 0, format!("孩子{r}")).expect("w");
        }
        wb.save(&src).expect("save");
        let p = dir.path().join("bad.xlsx");
        rewrite_zip(&src, &p, |name, data| {
            if name == "xl/worksheets/sheet1.xml" {
                let s = String::from_utf8(data).expect("utf8");
                let cut = s.find("<row r=\"1500\"").expect("row 1500");
                format!("{}<row r=\"1500\"><c r=\"A1500\" t=\"s\"><v>", &s[..cut]).into_bytes()
            } else {
                data
            }
        });
        let sheet = open(&p).expect("opens");
        let rows: Vec<_> = sheet.rows.collect();
        let err = rows.last().expect("some").clone().expect_err("an error at the end");
        assert!(matches!(err, ReadError::CorruptAt { .. }), "{err:?}");
        assert!(err.message().contains("文件已损坏"), "{}", err.message());
        assert_eq!(rows.iter().filter(|r| r.is_ok()).count(), 1498);
    }

    #[test]
    fn a_shared_strings_count_that_cannot_be_true_is_refused() {
        let dir = tempfile::tempdir().expect("tempdir");
        let src = dir.path().join("src.xlsx");
        census_workbook(&src);
        let p = dir.path().join("count.xlsx");
        rewrite_zip(&src, &p, |name, data| {
            if name == "xl/sharedStrings.xml" {
                let s = String::from_utf8(data).expect("utf8");
                let start = s.find("uniqueCount=\"").expect("count") + 13;
                let end = start + s[start..].find('"').expect("end");
                format!("{}99999999999{}", &s[..start], &s[end..]).into_bytes()
            } else {
                data
            }
        });
        let e = open(&p).expect_err("refused");
        assert!(matches!(e, ReadError::Corrupt(_)), "{e:?}");
    }

    #[test]
    fn reading_can_stop_early_without_leaving_the_thread_blocked() {
        let dir = tempfile::tempdir().expect("tempdir");
        let mut body = String::from("姓名,性别,出生日期,现居住地址,所在村（居）\n");
        for i in 0..100_000 {
            body.push_str(&format!("孩子{i},男,2015-01-01,某村,120224001001\n"));
        }
        let p = write(dir.path(), "a.csv", body.as_bytes());
        for _ in 0..20 {
            let sheet = open(&p).expect("opens");
            let first: Vec<_> = sheet.rows.take(3).collect();
            assert_eq!(first.len(), 3);
        }
    }

    #[test]
    fn numbers_render_as_excel_shows_them() {
        assert_eq!(render_number(13812345678.0), "13812345678");
        assert_eq!(render_number(1.0), "1");
        assert_eq!(render_number(-2.0), "-2");
        assert_eq!(render_number(2.5), "2.5");
        assert_eq!(render_number(0.1 + 0.2), "0.3");
        assert_eq!(render_number(1.1010519491231e17), "110105194912310000");
        assert_eq!(group(1_048_576), "1,048,576");
        assert_eq!(group(999), "999");
        assert_eq!(column_letter(0), "A");
        assert_eq!(column_letter(5), "F");
        assert_eq!(column_letter(26), "AA");
    }

    /// Generates `n` census rows of realistic width as CSV.
    pub(crate) fn census_csv(n: usize) -> String {
        let head: Vec<String> = columns::columns().into_iter().map(|c| c.header).collect();
        let mut s = head.join(",");
        s.push('\n');
        for i in 0..n {
            s.push_str(&format!(
                "张{i},男,汉族,2015-03-08,12022420150308{:04},是,天津市宝坻区,是,\
                 天津市宝坻区某镇某村{i}号,120224001001,健康,,,,否,小学,某小学,\
                 张父,1985-01-01,120224198501010011,广东省,深圳市,13812345678,是,是,\
                 李母,1986-02-02,120224198602020022,广东省,深圳市,13912345678,是,是,\
                 张祖父,1955-01-01,王祖母,1956-01-01,,,,,张祖父,,13712345678,祖父母,某村,\
                 2016-08-01,否,监护情况较好,否,否,务工收入,,\n",
                i % 10_000
            ));
        }
        s
    }

    /// CSV reading throughput: `cargo test -p shouhu-census --release -- --ignored --nocapture read_rate`.
    #[test]
    #[ignore]
    fn csv_read_rate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let n = 1_000_000;
        let body = census_csv(n);
        let utf8 = write(dir.path(), "big.csv", body.as_bytes());
        let (gb, _, _) = encoding_rs::GB18030.encode(&body);
        let gbk = write(dir.path(), "big-gbk.csv", &gb);
        drop(body);
        for (name, p) in [("UTF-8", utf8), ("GB18030", gbk)] {
            let size = std::fs::metadata(&p).expect("meta").len();
            // The best of three, the machine being shared; and the CPU time of the thread
            // reading the rows and of the whole process (the reading thread's is the rest),
            // which the load of others does not change much.
            let mut best = (f64::MAX, 0.0, 0.0);
            for _ in 0..3 {
                let (cpu0, mine0) = (cpu_seconds("/proc/self/stat"), cpu_seconds("/proc/thread-self/stat"));
                let t = std::time::Instant::now();
                let sheet = open(&p).expect("opens");
                let mut rows = 0usize;
                for r in sheet.rows {
                    let r = r.expect("row");
                    rows += 1;
                    std::hint::black_box(&r);
                }
                let wall = t.elapsed().as_secs_f64();
                std::thread::sleep(std::time::Duration::from_millis(50));
                let mine = cpu_seconds("/proc/thread-self/stat") - mine0;
                let other = cpu_seconds("/proc/self/stat") - cpu0 - mine;
                if wall < best.0 {
                    best = (wall, mine, other);
                }
                assert_eq!(rows, n);
            }
            let (wall, mine, other) = best;
            println!(
                "{name}: {n} rows of 54 cells ({} MiB) in {wall:.2} s: {:.0} rows/s; CPU: {mine:.2} s taking the rows, \
                 {other:.2} s reading them: {:.0} rows/s on two free cores",
                size / (1024 * 1024),
                n as f64 / wall,
                n as f64 / mine.max(other)
            );
        }
    }

    /// utime + stime of a /proc stat file, in seconds.
    fn cpu_seconds(path: &str) -> f64 {
        let s = std::fs::read_to_string(path).unwrap_or_default();
        let after = s.rsplit_once(')').map(|(_, r)| r).unwrap_or("");
        let f: Vec<f64> = after.split_whitespace().map(|x| x.parse().unwrap_or(0.0)).collect();
        // Fields 14 and 15 of the file: the 12th and 13th after the command name.
        (f.get(11).unwrap_or(&0.0) + f.get(12).unwrap_or(&0.0)) / 100.0
    }

    /// .xlsx reading throughput for 100,000 census rows.
    #[test]
    #[ignore]
    fn xlsx_read_rate() {
        let dir = tempfile::tempdir().expect("tempdir");
        let p = dir.path().join("big.xlsx");
        let n = 100_000;
        let body = census_csv(n);
        let mut wb = Workbook::new();
        let ws = wb.add_worksheet_with_constant_memory().expect("ws");
        for (r, line) in body.lines().enumerate() {
            for (c, v) in line.split(',').enumerate() {
                if !v.is_empty() {
                    ws.write(r as u32, c as u16, v).expect("w");
                }
            }
        }
        let t = std::time::Instant::now();
        wb.save(&p).expect("save");
        println!("written in {:.2} s", t.elapsed().as_secs_f64());
        let t = std::time::Instant::now();
        let sheet = open(&p).expect("opens");
        let rows = sheet.rows.inspect(|r| assert!(r.is_ok(), "{r:?}")).count();
        let secs = t.elapsed().as_secs_f64();
        assert_eq!(rows, n);
        println!("xlsx: {rows} rows in {secs:.2} s: {:.0} rows/s", rows as f64 / secs);
    }
}
