//! Places a template's blocks on A4 pages: lines of text, wrapped paragraphs, table rows
//! with borders, signature and seal blanks. The result is a list of drawing operations per
//! page, written to PDF by `pdf.rs` once the page count is known (for "第 n 页 共 N 页").

use crate::font;
use crate::template::{Align, Block, MissingValue, Values, fill};
use std::collections::BTreeMap;

/// A4 in points.
pub const PAGE_W: f32 = 595.28;
pub const PAGE_H: f32 = 841.89;
const MARGIN_X: f32 = 56.0;
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

#[derive(Debug, Default)]
pub struct Page {
    pub ops: Vec<Op>,
}

/// The pages laid out so far, and where the next block goes.
pub struct Layout {
    pub pages: Vec<Page>,
    y: f32,
    cols: Vec<f32>,
}

impl Default for Layout {
    fn default() -> Self {
        Layout { pages: Vec::new(), y: f32::MAX, cols: vec![1.0] }
    }
}

fn content_w() -> f32 {
    PAGE_W - 2.0 * MARGIN_X
}

fn bottom() -> f32 {
    PAGE_H - MARGIN_BOTTOM
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
    /// Starts a new page: the next child's form in a ledger's PDF begins on its own page.
    pub fn new_page(&mut self) {
        self.pages.push(Page::default());
        self.y = MARGIN_TOP;
    }

    fn ensure(&mut self, h: f32) {
        if self.pages.is_empty() || self.y + h > bottom() {
            self.new_page();
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
        for l in wrap(&text, size, content_w()) {
            let h = size * LINE;
            self.ensure(h);
            let w = font::width(&l, size);
            let x = match align {
                Align::Left => MARGIN_X,
                Align::Center => MARGIN_X + (content_w() - w) / 2.0,
                Align::Right => PAGE_W - MARGIN_X - w,
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
                    self.text(MARGIN_X, baseline, BODY, l, false);
                    let x = PAGE_W - MARGIN_X - font::width(&r, BODY);
                    self.text(x, baseline, BODY, r, false);
                    self.y += h;
                }
                Block::Para(t) => {
                    let t = fill(t, values, item)?;
                    for p in t.split('\n') {
                        // First-line indent of two characters, as Chinese prose is set.
                        let indented = format!("\u{3000}\u{3000}{}", p.trim_start_matches('\u{3000}'));
                        for l in wrap(&indented, BODY, content_w()) {
                            let h = BODY * 1.8;
                            self.ensure(h);
                            let baseline = self.y + BODY * 1.2;
                            self.text(MARGIN_X, baseline, BODY, l, false);
                            self.y += h;
                        }
                    }
                }
                Block::Gap(g) => {
                    self.y += g;
                }
                Block::Cols(c) => self.cols = c.clone(),
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
        cells: &[(String, usize)],
        values: &Values,
        item: Option<&BTreeMap<String, String>>,
    ) -> Result<(), MissingValue> {
        let total: f32 = self.cols.iter().sum();
        let unit = content_w() / total.max(0.001);
        let mut col = 0;
        let mut placed = Vec::new();
        for (text, span) in cells {
            let w: f32 = self.cols.iter().cycle().skip(col).take(*span).sum::<f32>() * unit;
            col += span;
            let text = fill(text, values, item)?;
            let lines = wrap(&text, CELL, w - 2.0 * CELL_PAD);
            placed.push((w, lines));
        }
        let line_h = CELL * 1.35;
        let need = placed.iter().map(|(_, l)| l.len() as f32 * line_h).fold(0.0, f32::max) + 2.0 * CELL_PAD;
        let h = need.max(if min_height > 0.0 { min_height } else { 19.0 });
        self.ensure(h);
        let mut x = MARGIN_X;
        let top = self.y;
        for (w, lines) in placed {
            self.ops().push(Op::Rect { x, y: top, w, h, width: 0.6 });
            let block_h = lines.len() as f32 * line_h;
            let mut baseline = top + (h - block_h) / 2.0 + CELL * 1.05;
            let one = lines.len() == 1;
            for l in lines {
                // A single line is centred as a form's cell is; wrapped text starts at the left.
                let lx = if one { x + (w - font::width(&l, CELL)) / 2.0 } else { x + CELL_PAD };
                self.text(lx, baseline, CELL, l, false);
                baseline += line_h;
            }
            x += w;
        }
        self.y += h;
        Ok(())
    }

    /// Labels each followed by a blank to sign on, evenly across the line.
    fn sign(&mut self, labels: &[String]) {
        let h = 30.0;
        self.ensure(h);
        let each = content_w() / labels.len().max(1) as f32;
        let baseline = self.y + h - 8.0;
        for (i, l) in labels.iter().enumerate() {
            let x = MARGIN_X + i as f32 * each;
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
            self.text(PAGE_W - MARGIN_X - w - 24.0, baseline, BODY, l.clone(), false);
            self.y += BODY * LINE;
        }
    }

    /// The footer of every page: the number and verification code at the left, the page at
    /// the right.
    pub fn footers(&mut self, left: &str, page_label: impl Fn(usize, usize) -> String) {
        let n = self.pages.len();
        let y = PAGE_H - 34.0;
        for (i, p) in self.pages.iter_mut().enumerate() {
            p.ops.push(Op::Line { x1: MARGIN_X, y1: y - 12.0, x2: PAGE_W - MARGIN_X, y2: y - 12.0, width: 0.3 });
            for (j, l) in wrap(left, 8.0, content_w() * 0.84).into_iter().enumerate() {
                p.ops.push(Op::Text { x: MARGIN_X, y: y + j as f32 * 10.0, size: 8.0, text: l, bold: false });
            }
            let label = page_label(i + 1, n);
            let x = PAGE_W - MARGIN_X - font::width(&label, 8.0);
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
