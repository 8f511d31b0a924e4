//! Writes laid-out pages with krilla (decision 160): one embedded font, subset to the glyphs
//! the document uses; lines and rectangles as paths.

use crate::font::FONT_DATA;
use crate::layout::{Op, Page};
use krilla::Document;
use krilla::geom::{PathBuilder, Point, Rect};
use krilla::metadata::Metadata;
use krilla::page::PageSettings;
use krilla::paint::{Fill, Stroke};
use krilla::text::{Font, TextDirection};

pub(crate) fn write(pages: &[Page], title: &str) -> Result<Vec<u8>, String> {
    let font = Font::new(FONT_DATA.into(), 0).ok_or("the embedded font cannot be read")?;
    let mut doc = Document::new();
    doc.set_metadata(Metadata::new().title(title.to_string()).language("zh-CN".into()).creator("shouhu".into()));
    for p in pages {
        let settings = PageSettings::from_wh(p.w, p.h).ok_or("page size")?;
        let mut page = doc.start_page_with(settings);
        let mut s = page.surface();
        for op in &p.ops {
            match op {
                Op::Text { x, y, size, text, bold } => {
                    s.set_fill(Some(Fill::default()));
                    // The one font has one weight: a title is made bold by stroking its outline.
                    s.set_stroke(bold.then(|| Stroke { width: size * 0.035, ..Stroke::default() }));
                    s.draw_text(Point::from_xy(*x, *y), font.clone(), *size, text, false, TextDirection::LeftToRight);
                }
                Op::Line { x1, y1, x2, y2, width } => {
                    let mut pb = PathBuilder::new();
                    pb.move_to(*x1, *y1);
                    pb.line_to(*x2, *y2);
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke { width: *width, ..Stroke::default() }));
                        s.draw_path(&path);
                    }
                }
                Op::Rect { x, y, w, h, width } => {
                    let mut pb = PathBuilder::new();
                    if let Some(r) = Rect::from_xywh(*x, *y, *w, *h) {
                        pb.push_rect(r);
                    }
                    if let Some(path) = pb.finish() {
                        s.set_fill(None);
                        s.set_stroke(Some(Stroke { width: *width, ..Stroke::default() }));
                        s.draw_path(&path);
                    }
                }
            }
        }
        s.finish();
        page.finish();
    }
    doc.finish().map_err(|e| format!("{e:?}"))
}
