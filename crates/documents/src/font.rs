//! The one embedded font (fonts/README.md): which characters it has and how wide they are.
//! Each PDF embeds only the glyphs it uses (krilla subsets on writing).

use skrifa::instance::{LocationRef, Size};
use skrifa::metrics::GlyphMetrics;
use skrifa::{FontRef, GlyphId, MetadataProvider, charmap::Charmap};
use std::sync::LazyLock;

/// Noto Sans CJK SC, subset (fonts/README.md has the command and the coverage).
pub static FONT_DATA: &[u8] = include_bytes!("../fonts/NotoSansCJKsc-Regular-shouhu.otf");

pub(crate) struct Face {
    charmap: Charmap<'static>,
    metrics: GlyphMetrics<'static>,
    units_per_em: f32,
}

pub(crate) static FACE: LazyLock<Option<Face>> = LazyLock::new(|| {
    let font = FontRef::from_index(FONT_DATA, 0).ok()?;
    let units_per_em = f32::from(font.metrics(Size::unscaled(), LocationRef::default()).units_per_em);
    Some(Face {
        charmap: font.charmap(),
        metrics: font.glyph_metrics(Size::unscaled(), LocationRef::default()),
        units_per_em,
    })
});

/// The ticked box: Noto has no ☑, so the layout draws it as □ with √ over it.
pub const TICKED: char = '☑';

impl Face {
    fn glyph(&self, c: char) -> Option<GlyphId> {
        let c = if c == TICKED { '□' } else { c };
        self.charmap.map(c).filter(|g| g.to_u32() != 0)
    }

    /// The advance of `c` at 1 pt; a character the font lacks counts as one em (it is
    /// refused before layout anyway, see [`first_missing`]).
    pub(crate) fn advance(&self, c: char) -> f32 {
        self.glyph(c).and_then(|g| self.metrics.advance_width(g)).map_or(1.0, |w| w / self.units_per_em)
    }
}

/// Whether the font draws `c` (control characters and line breaks are not drawn).
pub fn has_glyph(c: char) -> bool {
    if c.is_control() {
        return true;
    }
    FACE.as_ref().is_some_and(|f| f.glyph(c).is_some())
}

/// The first character of `text` the font lacks.
pub fn first_missing(text: &str) -> Option<char> {
    text.chars().find(|c| !has_glyph(*c))
}

/// The width of `text` at `size` pt.
pub(crate) fn width(text: &str, size: f32) -> f32 {
    match FACE.as_ref() {
        Some(f) => text.chars().map(|c| f.advance(c)).sum::<f32>() * size,
        None => text.chars().count() as f32 * size,
    }
}

pub(crate) fn char_width(c: char, size: f32) -> f32 {
    FACE.as_ref().map_or(size, |f| f.advance(c) * size)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_font_has_the_national_standard_set_and_rare_name_characters() {
        assert!(FACE.is_some(), "the embedded font parses");
        // GB 2312 level 1 and 2, punctuation, the form's check boxes.
        for c in "农村留守儿童信息登记表，。：；（）〔〕〇☑□√—　".chars() {
            assert!(has_glyph(c), "{c}");
        }
        // Outside GB 2312, in names: 喆 堃 玥 昇 犇 珺 (URO), 㛃 (Extension A), 𠇔 (Extension B,
        // one Noto has).
        for c in "喆堃玥昇犇珺㛃𠇔".chars() {
            assert!(has_glyph(c), "{c} U+{:04X}", c as u32);
        }
        // Most of Extension B and all beyond are not: the document is refused naming it.
        assert_eq!(first_missing("张𠀀明"), Some('𠀀'));
        assert_eq!(first_missing("李𬌗"), Some('𬌗'), "Extension C");
        assert_eq!(first_missing("张三\n"), None);
    }

    #[test]
    fn widths_are_those_of_the_font() {
        let han = width("留守", 10.0);
        assert!((han - 20.0).abs() < 0.01, "ideographs are one em: {han}");
        assert!(width("1", 10.0) < 10.0, "digits are narrower");
    }
}
