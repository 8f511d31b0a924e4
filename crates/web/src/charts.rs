//! Charts drawn on the server as inline SVG (issue 20, decision 157): horizontal bars for
//! categories and columns for months, with Chinese labels as real text (the page's fonts
//! draw them, a screen reader reads them), a `viewBox` and no fixed size, so a chart is as
//! wide as its card on a 360-px phone and on a desktop. No script, no third-party code.
//!
//! The label of a bar is written above it, full width: Chinese labels are long (the
//! report situations run to dozens of characters) and a label column beside the bars
//! would leave the bars no room on a phone. A label wider than the chart is cut with "…";
//! the full label is the bar's `<title>` and is in the table beside every chart.

use shouhu_domain::msg;
use std::fmt::Write;

/// The drawing's width in user units; everything scales with the card.
const WIDTH: f64 = 320.0;
const FONT: f64 = 13.0;
const SMALL: f64 = 11.0;
const BAR: f64 = 14.0;
/// A label line, the bar under it and the gap to the next.
const ROW: f64 = FONT + 4.0 + BAR + 10.0;
/// Room right of the longest bar for its value.
const VALUE_ROOM: f64 = 56.0;
const COLOUR: &str = "#2f6f9f";

/// One bar: its label and value.
pub struct Datum<'a> {
    pub label: &'a str,
    pub value: i64,
}

/// Text made safe for SVG (as for HTML).
fn escape(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => out.push_str("&amp;"),
            '<' => out.push_str("&lt;"),
            '>' => out.push_str("&gt;"),
            '"' => out.push_str("&quot;"),
            '\'' => out.push_str("&#39;"),
            c => out.push(c),
        }
    }
    out
}

/// The width of a text in user units at `size`: a Chinese character (and any other wide
/// one) is about an em, a Latin letter or digit about half.
fn text_width(s: &str, size: f64) -> f64 {
    s.chars().map(|c| if c.is_ascii() { 0.56 } else { 1.0 }).sum::<f64>() * size
}

/// `s` cut to fit `width` at `size`, ending in "…" when cut.
fn fit(s: &str, width: f64, size: f64) -> String {
    if text_width(s, size) <= width {
        return s.to_string();
    }
    let mut out = String::new();
    for c in s.chars() {
        let next = format!("{out}{c}…");
        if text_width(&next, size) > width {
            break;
        }
        out.push(c);
    }
    out.push('…');
    out
}

fn open(out: &mut String, id: &str, title: &str, height: f64) {
    let _ = write!(
        out,
        "<svg class=\"chart\" id=\"{id}\" viewBox=\"0 0 {WIDTH} {height}\" width=\"100%\" role=\"img\" \
         aria-labelledby=\"{id}-t\" preserveAspectRatio=\"xMinYMin meet\" font-size=\"{FONT}\">\
         <title id=\"{id}-t\">{}</title>",
        escape(title)
    );
}

/// Horizontal bars, one per datum in order, each with its label above and its value at its
/// end. `id` names the chart (and its title) in the page.
pub fn bars(id: &str, title: &str, data: &[Datum<'_>]) -> String {
    let max = data.iter().map(|d| d.value).max().unwrap_or(0).max(1) as f64;
    let height = (data.len().max(1) as f64 * ROW).ceil();
    let mut out = String::with_capacity(256 + data.len() * 320);
    open(&mut out, id, title, height);
    let room = WIDTH - VALUE_ROOM;
    if data.is_empty() {
        let _ = write!(out, "<text x=\"0\" y=\"{FONT}\" fill=\"currentColor\">{}</text>", msg::STATISTICS_EMPTY);
    }
    for (i, d) in data.iter().enumerate() {
        let y = i as f64 * ROW;
        let w = if d.value > 0 { (d.value as f64 / max * room).max(2.0) } else { 0.0 };
        let _ = write!(
            out,
            "<g><title>{label}：{value}</title>\
             <text x=\"0\" y=\"{ty}\" fill=\"currentColor\">{short}</text>\
             <rect x=\"0\" y=\"{by}\" width=\"{w:.1}\" height=\"{BAR}\" rx=\"2\" fill=\"{COLOUR}\"/>\
             <text x=\"{vx:.1}\" y=\"{vy}\" fill=\"currentColor\" font-size=\"{SMALL}\">{value}</text></g>",
            label = escape(d.label),
            value = d.value,
            ty = y + FONT,
            short = escape(&fit(d.label, WIDTH, FONT)),
            by = y + FONT + 4.0,
            vx = w + 4.0,
            vy = y + FONT + 4.0 + BAR - 3.0,
        );
    }
    out.push_str("</svg>");
    out
}

/// Columns, one per datum in order (months), the value above each and the label under it.
pub fn columns(id: &str, title: &str, data: &[Datum<'_>]) -> String {
    let max = data.iter().map(|d| d.value).max().unwrap_or(0).max(1) as f64;
    let (top, plot, bottom) = (SMALL + 4.0, 120.0, SMALL + 8.0);
    let height = top + plot + bottom;
    let n = data.len().max(1) as f64;
    let slot = WIDTH / n;
    let col = (slot * 0.7).min(36.0);
    // Labels of many months would overlap: every second or third then.
    let every = if slot >= 26.0 {
        1
    } else if slot >= 13.0 {
        2
    } else {
        3
    };
    let mut out = String::with_capacity(256 + data.len() * 300);
    open(&mut out, id, title, height);
    let _ = write!(
        out,
        "<line x1=\"0\" y1=\"{base}\" x2=\"{WIDTH}\" y2=\"{base}\" stroke=\"currentColor\" stroke-opacity=\"0.3\"/>",
        base = top + plot
    );
    for (i, d) in data.iter().enumerate() {
        let cx = slot * (i as f64 + 0.5);
        let h = if d.value > 0 { (d.value as f64 / max * plot).max(2.0) } else { 0.0 };
        let _ = write!(
            out,
            "<g><title>{label}：{value}</title>\
             <rect x=\"{x:.1}\" y=\"{y:.1}\" width=\"{col:.1}\" height=\"{h:.1}\" rx=\"2\" fill=\"{COLOUR}\"/>\
             <text x=\"{cx:.1}\" y=\"{vy:.1}\" text-anchor=\"middle\" fill=\"currentColor\" font-size=\"{SMALL}\">{value}</text>",
            label = escape(d.label),
            value = d.value,
            x = cx - col / 2.0,
            y = top + plot - h,
            vy = top + plot - h - 3.0,
        );
        if i % every == 0 {
            // "2027年3月" under its column as "3月"; the year is in the title and the table.
            let short = d.label.split_once('年').map_or(d.label, |(_, m)| m);
            let _ = write!(
                out,
                "<text x=\"{cx:.1}\" y=\"{ly:.1}\" text-anchor=\"middle\" fill=\"currentColor\" font-size=\"{SMALL}\">{}</text>",
                escape(short),
                ly = top + plot + SMALL + 4.0,
            );
        }
        out.push_str("</g>");
    }
    out.push_str("</svg>");
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_bar_chart_scales_and_names_every_bar() {
        let data = [Datum { label: "父母均外出务工", value: 30 }, Datum { label: "<b>", value: 15 }];
        let svg = bars("c", "按留守类型", &data);
        assert!(svg.starts_with("<svg") && svg.ends_with("</svg>"));
        assert!(svg.contains("viewBox=\"0 0 320 ") && svg.contains("width=\"100%\""));
        assert!(!svg.contains("height=\"100"), "no fixed size");
        assert!(svg.contains("父母均外出务工：30") && svg.contains("&lt;b&gt;") && !svg.contains("<b>"));
        // The longest bar fills the room left of the value; half the value, half the width.
        assert!(svg.contains("width=\"264.0\"") && svg.contains("width=\"132.0\""));
    }

    #[test]
    fn long_labels_are_cut_to_the_width_with_the_full_label_kept() {
        let long = "多处损伤、严重营养不良、意识不清，存在或疑似存在家庭暴力、欺凌、虐待、殴打或被人麻醉等情形";
        let svg = bars("s", "情形", &[Datum { label: long, value: 1 }]);
        let cut = fit(long, WIDTH, FONT);
        assert!(cut.ends_with('…') && text_width(&cut, FONT) <= WIDTH);
        assert!(svg.contains(&format!("{long}：1")), "the full label in the title");
    }

    #[test]
    fn columns_label_months_and_empty_data_draws_nothing_wrong() {
        let data: Vec<Datum> =
            (1..=12).map(|m| Datum { label: if m == 3 { "2027年3月" } else { "x" }, value: m }).collect();
        let svg = columns("m", "按月份", &data);
        assert!(svg.contains(">3月</text>"));
        assert!(bars("e", "空", &[]).contains(msg::STATISTICS_EMPTY));
        assert!(columns("e", "空", &[]).ends_with("</svg>"));
    }

    /// The render time of a page's charts (decision 157): `cargo test -p shouhu-web --release
    /// render_time -- --ignored --nocapture`.
    #[test]
    #[ignore]
    fn render_time() {
        let labels: Vec<String> = (0..19).map(|i| format!("疑似遭受家庭暴力或其他情形{i}")).collect();
        let data: Vec<Datum> =
            labels.iter().enumerate().map(|(i, l)| Datum { label: l, value: i as i64 * 37 }).collect();
        let reps = 1000;
        let t = std::time::Instant::now();
        let mut bytes = 0;
        for _ in 0..reps {
            // A page: eight bar charts of up to 19 bars and the months' columns.
            for _ in 0..8 {
                bytes += bars("c", "标题", &data).len();
            }
            bytes += columns("m", "按月份", &data[..12]).len();
        }
        let per_page = t.elapsed() / reps;
        println!("nine charts: {per_page:?} per page, {} bytes", bytes / reps as usize);
    }
}
