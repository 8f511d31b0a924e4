//! Places a template's blocks on A4 pages: lines of text, wrapped paragraphs, table rows
//! with borders, signature and seal blanks. The result is a list of drawing operations per
//! page, written to PDF by `pdf.rs` once the page count is known (for "第 n 页 共 N 页").

use crate::font;
use crate::template::{Align, Block, Cell, MissingValue, Values, fill};
use std::collections::BTreeMap;

/// A4 in points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 56.0;
/// The side margins of a landscape page: a wide table needs the room.
const MARGIN_X_LANDSCAPE: f32 = 36.0;
const MARGIN_TOP: f32 = 44.0;
/// Room kept at the bottom for the footer (number, code, page).
const MARGIN_BOTTOM: f32 = 54.0;
const BODY: f32 = 11.0;
const TITLE: f32 = 18.0;
const CELL: f32 = 9.5;
const CELL_PAD: f32 = 3.0;
const LINE: f32 = 1.5;

#[derive(Debug, Clone, PartialEq)]
pub enum Op {
    /// Text with its baseline at `y` (from the top); `bold` strokes the outline as well.
    Text {
        x: f32,
        y: f32,
        size: f32,
        text: String,
        bold: bool,
    },
    Line {
        x1: f32,
        y1: f32,
        x2: f32,
        y2: f32,
        width: f32,
    },
    Rect {
        x: f32,
        y: f32,
        w: f32,
        h: f32,
        width: f32,
    },
}

#[derive(Debug)]
pub struct Page {
    pub ops: Vec<Op>,
    /// The page's size in points: A4, portrait or landscape.
    pub w: f32,
    pub h: f32,
}

impl Default for Page {
    fn default() -> Self {
        Page { ops: Vec::new(), w: PAGE_W, h: PAGE_H }
    }
}

/// A cell that spans rows (`text^N`), drawn once its last row is laid out.
struct Span {
    /// The first column it covers and how many.
    col: usize,
    ncols: usize,
    x: f32,
    w: f32,
    top: f32,
    lines: Vec<String>,
    /// Rows still to be laid out beside it.
    rows_left: usize,
}

/// The pages laid out so far, and where the next block goes.
pub struct Layout {
    pub pages: Vec<Page>,
    y: f32,
    cols: Vec<f32>,
    /// The size of the pages to come.
    landscape: bool,
    /// The size of the text in table cells.
    cell: f32,
    spans: Vec<Span>,
    /// A table's head, laid out again at the top of every page the table continues on.
    head: Option<(Vec<Block>, Values)>,
    in_head: bool,
}

impl Default for Layout {
    fn default() -> Self {
        Layout {
            pages: Vec::new(),
            y: f32::MAX,
            cols: vec![1.0],
            landscape: false,
            cell: CELL,
            spans: Vec::new(),
            head: None,
            in_head: false,
        }
    }
}

/// Characters that may not begin a line (避头点): they stay at the end of the line before.
fn no_line_start(c: char) -> bool {
    "，。、；：？！）》」』】〕”’%,.;:?!)".contains(c)
}

/// Breaks `text` into lines no wider than `max` at `size`: anywhere between ideographs,
/// between words in Latin text, never before closing punctuation. `\n` breaks a line.
pub fn wrap(text: &str, size: f32, max: f32) -> Vec<String> {
    let mut lines = Vec::new();
    for para in text.split('\n') {
        let mut line = String::new();
        let mut w = 0.0;
        for c in para.chars() {
            let cw = font::char_width(c, size);
            if w + cw > max && !line.is_empty() && !no_line_start(c) {
                // Keep a Latin word or number whole when the line has room to break before it.
                let cut = if c.is_ascii_alphanumeric() {
                    line.char_indices().rev().take_while(|(_, ch)| ch.is_ascii_alphanumeric()).last().map(|(i, _)| i)
                } else {
                    None
                };
                match cut {
                    Some(i) if i > 0 => {
                        let tail = line.split_off(i);
                        lines.push(std::mem::take(&mut line));
                        w = font::width(&tail, size);
                        line = tail;
                    }
                    _ => {
                        lines.push(std::mem::take(&mut line));
                        w = 0.0;
                    }
                }
            }
            line.push(c);
            w += cw;
        }
        lines.push(line);
    }
    lines
}

impl Layout {
    fn page_w(&self) -> f32 {
        if self.landscape { PAGE_H } else { PAGE_W }
    }

    fn page_h(&self) -> f32 {
        if self.landscape { PAGE_W } else { PAGE_H }
    }

    fn margin_x(&self) -> f32 {
        if self.landscape { MARGIN_X_LANDSCAPE } else { MARGIN_X }
    }

    fn content_w(&self) -> f32 {
        self.page_w() - 2.0 * self.margin_x()
    }

    fn bottom(&self) -> f32 {
        self.page_h() - MARGIN_BOTTOM
    }

    /// Starts a new page: the next child's form in a ledger's PDF begins on its own page.
    pub fn new_page(&mut self) {
        self.flush_spans();
        self.pages.push(Page { ops: Vec::new(), w: self.page_w(), h: self.page_h() });
        self.y = MARGIN_TOP;
    }

    /// Starts a section (a child's form, a document): a new page, no table head repeated.
    pub fn section(&mut self) {
        self.head = None;
        self.new_page();
    }

    fn ensure(&mut self, h: f32) {
        if self.pages.is_empty() || self.y + h > self.bottom() {
            self.new_page();
            // A table that goes on to the next page takes its head along.
            if !self.in_head
                && let Some((blocks, values)) = self.head.clone()
            {
                self.in_head = true;
                // The head was filled once already: it cannot miss a value now.
                let _ = self.blocks(&blocks, &values, None);
                self.in_head = false;
            }
        }
    }

    /// Sets the page orientation; the current page follows while nothing is on it.
    fn orient(&mut self, landscape: bool) {
        self.landscape = landscape;
        let (w, h) = (self.page_w(), self.page_h());
        if let Some(p) = self.pages.last_mut()
            && p.ops.is_empty()
        {
            (p.w, p.h) = (w, h);
        }
    }

    /// Draws the cells spanning rows that are still open, down to the current line.
    fn flush_spans(&mut self) {
        for s in std::mem::take(&mut self.spans) {
            self.draw_span(&s);
        }
    }

    fn draw_span(&mut self, s: &Span) {
        let h = self.y - s.top;
        let cell = self.cell;
        let line_h = cell * 1.35;
        self.ops().push(Op::Rect { x: s.x, y: s.top, w: s.w, h, width: 0.6 });
        let block_h = s.lines.len() as f32 * line_h;
        let mut baseline = s.top + (h - block_h) / 2.0 + cell * 1.05;
        for l in s.lines.clone() {
            let lx = s.x + (s.w - font::width(&l, cell)) / 2.0;
            self.text(lx, baseline, cell, l, false);
            baseline += line_h;
        }
    }

    fn ops(&mut self) -> &mut Vec<Op> {
        if self.pages.is_empty() {
            self.new_page();
        }
        let last = self.pages.len() - 1;
        &mut self.pages[last].ops
    }

    fn text(&mut self, x: f32, baseline: f32, size: f32, text: String, bold: bool) {
        if text.is_empty() {
            return;
        }
        if !text.contains(font::TICKED) {
            self.ops().push(Op::Text { x, y: baseline, size, text, bold });
            return;
        }
        // ☑ is drawn as □ with a √ over it (the font has no ☑).
        let mut at = x;
        let mut ticks = Vec::new();
        for c in text.chars() {
            if c == font::TICKED {
                ticks.push(Op::Text {
                    x: at + size * 0.12,
                    y: baseline - size * 0.06,
                    size: size * 0.85,
                    text: "√".into(),
                    bold: true,
                });
            }
            at += font::char_width(c, size);
        }
        let boxed = text.replace(font::TICKED, "□");
        self.ops().push(Op::Text { x, y: baseline, size, text: boxed, bold });
        self.ops().extend(ticks);
    }

    fn line_at(&mut self, align: Align, size: f32, text: String, bold: bool) {
        for l in wrap(&text, size, self.content_w()) {
            let h = size * LINE;
            self.ensure(h);
            let w = font::width(&l, size);
            let x = match align {
                Align::Left => self.margin_x(),
                Align::Center => self.margin_x() + (self.content_w() - w) / 2.0,
                Align::Right => self.page_w() - self.margin_x() - w,
            };
            let baseline = self.y + size * 1.1;
            self.text(x, baseline, size, l, bold);
            self.y += h;
        }
    }

    /// Lays out `blocks` filled from `values` (and the current list item).
    pub fn blocks(
        &mut self,
        blocks: &[Block],
        values: &Values,
        item: Option<&BTreeMap<String, String>>,
    ) -> Result<(), MissingValue> {
        for b in blocks {
            match b {
                Block::Title(t) => {
                    let t = fill(t, values, item)?;
                    self.line_at(Align::Center, TITLE, t, true);
                    self.y += 6.0;
                }
                Block::Line(a, t) => {
                    let t = fill(t, values, item)?;
                    self.line_at(*a, BODY, t, false);
                }
                Block::Split(l, r) => {
                    let (l, r) = (fill(l, values, item)?, fill(r, values, item)?);
                    let h = BODY * LINE;
                    self.ensure(h);
                    let baseline = self.y + BODY * 1.1;
                    self.text(self.margin_x(), baseline, BODY, l, false);
                    let x = self.page_w() - self.margin_x() - font::width(&r, BODY);
                    self.text(x, baseline, BODY, r, false);
                    self.y += h;
                }
                Block::Para(t) => {
                    let t = fill(t, values, item)?;
                    for p in t.split('\n') {
                        // First-line indent of two characters, as Chinese prose is set.
                        let indented = format!("\u{3000}\u{3000}{}", p.trim_start_matches('\u{3000}'));
                        for l in wrap(&indented, BODY, self.content_w()) {
                            let h = BODY * 1.8;
                            self.ensure(h);
                            let baseline = self.y + BODY * 1.2;
                            self.text(self.margin_x(), baseline, BODY, l, false);
                            self.y += h;
                        }
                    }
                }
                Block::Gap(g) => {
                    self.y += g;
                }
                Block::Cols(c) => self.cols = c.clone(),
                Block::Orient(landscape) => self.orient(*landscape),
                Block::CellSize(size) => self.cell = *size,
                Block::Head(inner) => {
                    self.head = Some((inner.clone(), values.clone()));
                    self.in_head = true;
                    let res = self.blocks(inner, values, item);
                    self.in_head = false;
                    res?;
                }
                Block::EndHead => self.head = None,
                Block::Row { min_height, cells } => self.row(*min_height, cells, values, item)?,
                Block::Sign(labels) => {
                    let labels: Vec<String> = labels.iter().map(|l| fill(l, values, item)).collect::<Result<_, _>>()?;
                    self.sign(&labels);
                }
                Block::Seal(lines) => {
                    let lines: Vec<String> = lines.iter().map(|l| fill(l, values, item)).collect::<Result<_, _>>()?;
                    self.seal(&lines);
                }
                Block::Each(list, inner) => {
                    if let Some(items) = values.lists.get(list) {
                        for it in items {
                            self.blocks(inner, values, Some(it))?;
                        }
                    }
                }
            }
        }
        Ok(())
    }

    fn row(
        &mut self,
        min_height: f32,
        cells: &[Cell],
        values: &Values,
        item: Option<&BTreeMap<String, String>>,
    ) -> Result<(), MissingValue> {
        let total: f32 = self.cols.iter().sum();
        let unit = self.content_w() / total.max(0.001);
        let x_of = |cols: &[f32], col: usize| cols.iter().take(col).sum::<f32>() * unit;
        let covered = |spans: &[Span], col: usize| spans.iter().any(|s| col >= s.col && col < s.col + s.ncols);
        let cell = self.cell;
        let mut col = 0;
        let mut placed = Vec::new();
        let mut opened = Vec::new();
        for c in cells {
            // Columns taken by a cell above that spans down into this row are skipped.
            while covered(&self.spans, col) {
                col += 1;
            }
            let w: f32 = self.cols.iter().cycle().skip(col).take(c.span).sum::<f32>() * unit;
            let x = self.margin_x() + x_of(&self.cols, col);
            let text = fill(&c.text, values, item)?;
            let room = w - 2.0 * CELL_PAD;
            // A number too wide for its cell is set smaller rather than broken.
            let (size, lines) = if text.is_ascii() && !text.contains(' ') && font::width(&text, cell) > room {
                (cell * room / font::width(&text, cell), vec![text])
            } else {
                (cell, wrap(&text, cell, room))
            };
            if c.rows > 1 {
                opened.push(Span { col, ncols: c.span, x, w, top: 0.0, lines, rows_left: c.rows });
            } else {
                placed.push((x, w, size, lines));
            }
            col += c.span;
        }
        let line_h = cell * 1.35;
        let need = placed.iter().map(|(_, _, _, l)| l.len() as f32 * line_h).fold(0.0, f32::max) + 2.0 * CELL_PAD;
        let h = need.max(if min_height > 0.0 { min_height } else { 19.0 });
        self.ensure(h);
        let top = self.y;
        for s in &mut opened {
            s.top = top;
        }
        self.spans.extend(opened);
        for (x, w, size, lines) in placed {
            self.ops().push(Op::Rect { x, y: top, w, h, width: 0.6 });
            let block_h = lines.len() as f32 * line_h;
            let mut baseline = top + (h - block_h) / 2.0 + cell * 1.05;
            let one = lines.len() == 1;
            for l in lines {
                // A single line is centred as a form's cell is; wrapped text starts at the left.
                let lx = if one { x + (w - font::width(&l, size)) / 2.0 } else { x + CELL_PAD };
                self.text(lx, baseline, size, l, false);
                baseline += line_h;
            }
        }
        self.y += h;
        for s in &mut self.spans {
            s.rows_left -= 1;
        }
        let (done, open): (Vec<Span>, Vec<Span>) =
            std::mem::take(&mut self.spans).into_iter().partition(|s| s.rows_left == 0);
        self.spans = open;
        for s in done {
            self.draw_span(&s);
        }
        Ok(())
    }

    /// Labels each followed by a blank to sign on, evenly across the line.
    fn sign(&mut self, labels: &[String]) {
        let h = 30.0;
        self.ensure(h);
        let each = self.content_w() / labels.len().max(1) as f32;
        let baseline = self.y + h - 8.0;
        for (i, l) in labels.iter().enumerate() {
            let x = self.margin_x() + i as f32 * each;
            let lw = font::width(l, BODY);
            self.text(x, baseline, BODY, l.clone(), false);
            let (x1, x2) = (x + lw + 2.0, x + each - 12.0);
            if x2 > x1 {
                self.ops().push(Op::Line { x1, y1: baseline + 2.0, x2, y2: baseline + 2.0, width: 0.5 });
            }
        }
        self.y += h;
    }

    /// The seal blank at the right: room for a 42 mm seal, the unit's name with （盖章）, the
    /// date below it.
    fn seal(&mut self, lines: &[String]) {
        let h = 60.0 + lines.len() as f32 * BODY * LINE;
        self.ensure(h);
        self.y += 60.0;
        for l in lines {
            let w = font::width(l, BODY);
            let baseline = self.y + BODY * 1.1;
            self.text(self.page_w() - self.margin_x() - w - 24.0, baseline, BODY, l.clone(), false);
            self.y += BODY * LINE;
        }
    }

    /// The footer of every page: the number and verification code at the left, the page at
    /// the right.
    pub fn footers(&mut self, left: &str, page_label: impl Fn(usize, usize) -> String) {
        self.flush_spans();
        let n = self.pages.len();
        for (i, p) in self.pages.iter_mut().enumerate() {
            let y = p.h - 34.0;
            let margin = if p.w > p.h { MARGIN_X_LANDSCAPE } else { MARGIN_X };
            p.ops.push(Op::Line { x1: margin, y1: y - 12.0, x2: p.w - margin, y2: y - 12.0, width: 0.3 });
            for (j, l) in wrap(left, 8.0, (p.w - 2.0 * margin) * 0.84).into_iter().enumerate() {
                p.ops.push(Op::Text { x: margin, y: y + j as f32 * 10.0, size: 8.0, text: l, bold: false });
            }
            let label = page_label(i + 1, n);
            let x = p.w - margin - font::width(&label, 8.0);
            p.ops.push(Op::Text { x, y, size: 8.0, text: label, bold: false });
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lines_break_between_ideographs_and_keep_punctuation_and_words() {
        let l = wrap("一二三四五六七八九十", 10.0, 45.0);
        assert_eq!(l, vec!["一二三四", "五六七八", "九十"]);
        let l = wrap("一二三四，五", 10.0, 40.0);
        assert_eq!(l[0], "一二三四，", "a comma never starts a line");
        let l = wrap("编号 120114", 10.0, 40.0);
        assert_eq!(l, vec!["编号 ", "120114"], "a number stays whole");
        assert_eq!(wrap("甲\n乙", 10.0, 100.0), vec!["甲", "乙"]);
    }

    #[test]
    fn a_full_page_flows_onto_the_next() {
        let mut lay = Layout::default();
        let v = Values::default();
        let blocks: Vec<Block> = (0..80).map(|_| Block::Line(Align::Left, "行".into())).collect();
        lay.blocks(&blocks, &v, None).expect("lays out");
        assert!(lay.pages.len() >= 2, "{} pages", lay.pages.len());
        lay.footers("文号", |i, n| format!("{i}/{n}"));
        assert!(lay.pages[1].ops.iter().any(|o| matches!(o, Op::Text { text, .. } if text == "2/2")));
    }
}
