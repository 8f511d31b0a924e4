//! The template language: one text file per document (templates/*.tpl), a line per block.
//!
//! ```text
//! # a comment
//! title 农村留守儿童信息登记表          the title, centred, large
//! center … / left … / right …          one line
//! split 左边的字|右边的字               one line, its two ends
//! para 正文 {field} …                  a paragraph, wrapped, first line indented
//! gap 12                               vertical space, pt
//! cols 3 5 2 2                         the columns of the rows below (relative widths)
//! row | 姓名 | {name}*3 | …            a table row; `*N` spans N columns, `^N` N rows (`合计*1^2`);
//!                                       `row 40 | …` sets its least height in pt
//! cellsize 7                           the text size in the table cells below (9.5 by default)
//! page landscape                       A4 across (`page portrait` back), for a wide table
//! head … end                           a table's head: laid out again at the top of each page the
//!                                       table continues on, until `endhead`
//! sign 委托人签字|日期                  signature blanks on one line
//! seal {unit}|{date}                   the seal blank, at the right: unit, （盖章）, date
//! each LIST … end                      the blocks between, once per item of LIST
//! ```
//!
//! `{key}` is replaced by the value of `key`; inside `each`, by the item's value first.

use std::collections::BTreeMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Align {
    Left,
    Center,
    Right,
}

#[derive(Debug, Clone, PartialEq)]
pub enum Block {
    Title(String),
    Line(Align, String),
    Split(String, String),
    Para(String),
    Gap(f32),
    Cols(Vec<f32>),
    Row {
        min_height: f32,
        cells: Vec<Cell>,
    },
    CellSize(f32),
    /// `true` for landscape.
    Orient(bool),
    Head(Vec<Block>),
    EndHead,
    Sign(Vec<String>),
    Seal(Vec<String>),
    Each(String, Vec<Block>),
}

/// A table cell: its text, the columns it spans and the rows it spans.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Cell {
    pub text: String,
    pub span: usize,
    pub rows: usize,
}

impl Cell {
    /// `text`, `text*cols`, `text^rows` or `text*cols^rows`.
    fn parse(c: &str) -> Cell {
        let c = c.trim();
        let (c, rows) = match c.rsplit_once('^') {
            Some((t, n)) if n.parse::<usize>().is_ok() => (t, n.parse::<usize>().unwrap_or(1).max(1)),
            _ => (c, 1),
        };
        let (text, span) = match c.rsplit_once('*') {
            Some((t, n)) if n.parse::<usize>().is_ok() => (t.trim(), n.parse::<usize>().unwrap_or(1).max(1)),
            _ => (c, 1),
        };
        Cell { text: text.to_string(), span, rows }
    }
}

/// The stack name of a `head` block (a list is never named so).
const HEAD: &str = "\u{0}head";

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("template line {line}: {what}")]
pub struct TemplateError {
    pub line: usize,
    pub what: String,
}

/// Parses a template (the templates are the repository's; an error is a programming error
/// caught by the tests that render each).
pub fn parse(src: &str) -> Result<Vec<Block>, TemplateError> {
    let mut stack: Vec<(String, Vec<Block>)> = vec![(String::new(), Vec::new())];
    for (i, raw) in src.lines().enumerate() {
        let line = raw.trim_end();
        let err = |what: &str| TemplateError { line: i + 1, what: what.into() };
        if line.trim().is_empty() || line.trim_start().starts_with('#') {
            continue;
        }
        let line = line.trim_start();
        let (word, rest) = line.split_once(' ').unwrap_or((line, ""));
        let rest = rest.trim();
        let block = match word {
            "title" => Block::Title(rest.into()),
            "center" => Block::Line(Align::Center, rest.into()),
            "left" => Block::Line(Align::Left, rest.into()),
            "right" => Block::Line(Align::Right, rest.into()),
            "split" => {
                let (l, r) = rest.split_once('|').ok_or_else(|| err("split needs left|right"))?;
                Block::Split(l.trim().into(), r.trim().into())
            }
            "para" => Block::Para(rest.into()),
            "gap" => Block::Gap(rest.parse().map_err(|_| err("gap needs a number"))?),
            "cols" => Block::Cols(
                rest.split_whitespace()
                    .map(|w| w.parse::<f32>().map_err(|_| err("cols needs numbers")))
                    .collect::<Result<_, _>>()?,
            ),
            "row" => {
                let (h, cells) = rest.split_once('|').ok_or_else(|| err("row needs cells"))?;
                let min_height =
                    if h.trim().is_empty() { 0.0 } else { h.trim().parse().map_err(|_| err("row height"))? };
                let cells = cells.split('|').map(Cell::parse).collect();
                Block::Row { min_height, cells }
            }
            "cellsize" => Block::CellSize(rest.parse().map_err(|_| err("cellsize needs a number"))?),
            "page" => match rest {
                "landscape" => Block::Orient(true),
                "portrait" => Block::Orient(false),
                _ => return Err(err("page needs landscape or portrait")),
            },
            "head" => {
                stack.push((HEAD.to_string(), Vec::new()));
                continue;
            }
            "endhead" => Block::EndHead,
            "sign" => Block::Sign(rest.split('|').map(|s| s.trim().to_string()).collect()),
            "seal" => Block::Seal(rest.split('|').map(|s| s.trim().to_string()).collect()),
            "each" => {
                stack.push((rest.to_string(), Vec::new()));
                continue;
            }
            "end" => {
                if stack.len() < 2 {
                    return Err(err("end without each"));
                }
                let (name, blocks) = stack.pop().ok_or_else(|| err("end without each"))?;
                if name == HEAD { Block::Head(blocks) } else { Block::Each(name, blocks) }
            }
            _ => return Err(err(&format!("unknown directive {word}"))),
        };
        if let Some(top) = stack.last_mut() {
            top.1.push(block);
        }
    }
    if stack.len() != 1 {
        return Err(TemplateError { line: src.lines().count(), what: "each without end".into() });
    }
    Ok(stack.pop().map(|s| s.1).unwrap_or_default())
}

/// What fills a template's `{key}`s: text values, and lists of items for `each`.
#[derive(Debug, Clone, Default)]
pub struct Values {
    pub text: BTreeMap<String, String>,
    pub lists: BTreeMap<String, Vec<BTreeMap<String, String>>>,
}

impl Values {
    pub fn set(&mut self, key: &str, value: impl Into<String>) -> &mut Self {
        self.text.insert(key.to_string(), value.into());
        self
    }

    pub fn push_item(&mut self, list: &str, item: BTreeMap<String, String>) {
        self.lists.entry(list.to_string()).or_default().push(item);
    }

    /// Every value with its key, items' keys as `list.key`: what the font must cover.
    pub fn all(&self) -> Vec<(String, &str)> {
        let mut out: Vec<(String, &str)> = self.text.iter().map(|(k, v)| (k.clone(), v.as_str())).collect();
        for (list, items) in &self.lists {
            for item in items {
                out.extend(item.iter().map(|(k, v)| (format!("{list}.{k}"), v.as_str())));
            }
        }
        out
    }
}

/// A placeholder no value was given for (a programming error: the tests render every
/// template with its builder's values).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("no value for {{{0}}}")]
pub struct MissingValue(pub String);

/// `text` with its `{key}`s replaced: from `item` first, then from `values`.
pub fn fill(text: &str, values: &Values, item: Option<&BTreeMap<String, String>>) -> Result<String, MissingValue> {
    let mut out = String::with_capacity(text.len());
    let mut rest = text;
    while let Some(start) = rest.find('{') {
        out.push_str(&rest[..start]);
        let after = &rest[start + 1..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let key = &after[..end];
        let v = item.and_then(|i| i.get(key)).or_else(|| values.text.get(key));
        out.push_str(v.ok_or_else(|| MissingValue(key.to_string()))?);
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_rows_spans_and_lists_parse() {
        let t = parse(
            "# comment\ntitle 表\ncols 1 2 1\nrow 30 | 姓名 | {name}*2\nrow | a | b | c\neach items\npara {x}\nend\nseal 单位|日期\n",
        )
        .expect("parses");
        assert_eq!(t[0], Block::Title("表".into()));
        let cell = |t: &str, span, rows| Cell { text: t.into(), span, rows };
        assert_eq!(t[2], Block::Row { min_height: 30.0, cells: vec![cell("姓名", 1, 1), cell("{name}", 2, 1)] });
        assert!(matches!(&t[4], Block::Each(n, b) if n == "items" && b.len() == 1));
        assert!(parse("each x\npara y\n").is_err());
        assert!(parse("end\n").is_err());
        assert!(parse("bogus x\n").is_err());
        let h = parse("page landscape\ncellsize 7\nhead\nrow | 合计^2 | 年龄段*3\nend\nendhead\n").expect("parses");
        assert_eq!(h[0], Block::Orient(true));
        assert_eq!(h[1], Block::CellSize(7.0));
        assert!(matches!(&h[2], Block::Head(b) if matches!(&b[0], Block::Row { cells, .. }
            if cells[0] == cell("合计", 1, 2) && cells[1] == cell("年龄段", 3, 1))));
        assert_eq!(h[3], Block::EndHead);
    }

    #[test]
    fn placeholders_fill_from_the_item_then_the_values() {
        let mut v = Values::default();
        v.set("name", "张三").set("x", "全局");
        let item: BTreeMap<String, String> = [("x".to_string(), "条目".to_string())].into();
        assert_eq!(fill("{name}：{x}", &v, Some(&item)).as_deref(), Ok("张三：条目"));
        assert_eq!(fill("{name}：{x}", &v, None).as_deref(), Ok("张三：全局"));
        assert_eq!(fill("{nope}", &v, None), Err(MissingValue("nope".into())));
        assert_eq!(fill("无括号 {", &v, None).as_deref(), Ok("无括号 {"));
    }
}
