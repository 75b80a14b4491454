//! The frame every chart shares (line charts, histograms, Pareto plots), so they read alike at
//! any size: text in CSS pixels times the canvas's devicePixelRatio (`scale`), never below
//! [`FONT`] CSS px; axis label areas sized from the labels they hold (tick labels, then the
//! axis name, with a gap: the name no longer runs into the ticks); as many tick labels as fit
//! side by side; a title wrapped to the canvas's width; and the legend in the corner of the
//! plot that covers the fewest drawn points (matplotlib's `loc="best"`, Hunter 2007).

use super::chart::{px, Legend};
use plotters::coord::ranged1d::{BoldPoints, Ranged};
use plotters::coord::types::RangedCoordf32;
use plotters::coord::Shift;
use plotters::element::MultiLineText;
use plotters::prelude::*;
use plotters::style::text_anchor::{HPos, Pos, VPos};

/// Tick labels, axis names, legends and point labels, in CSS pixels: the smallest text any
/// chart draws.
pub const FONT: f32 = 12.0;
/// A title that fits on one line; a longer one wraps, at [`FONT`].
pub const TITLE: f32 = 14.0;
/// Tick mark length; plotters puts the tick labels two tick lengths from the axis.
const TICK: f32 = 4.0;
/// Between the tick labels and the axis name, and between neighbouring tick labels (twice).
const GAP: f32 = 4.0;
/// Around the plot.
const MARGIN: f32 = 8.0;
/// Between the legend box and the plot's edges.
const INSET: f32 = 5.0;
/// Line height over font size, for the heights reserved for text.
const LINE: f32 = 1.25;

/// Estimated advance width of `c` in ems for a sans-serif font, on the wide side so that space
/// reserved from it holds the real text (Arial's digits are 0.556 em, CJK ideographs 1 em).
fn em(c: char) -> f32 {
    match c {
        '\u{1100}'..='\u{115F}'
        | '\u{2190}'..='\u{21FF}'
        | '\u{2E80}'..='\u{A4CF}'
        | '\u{AC00}'..='\u{D7A3}'
        | '\u{F900}'..='\u{FAFF}'
        | '\u{FE30}'..='\u{FE4F}'
        | '\u{FF00}'..='\u{FF60}'
        | '\u{FFE0}'..='\u{FFE6}' => 1.0,
        '.' | ',' | ':' | ';' | '!' | '|' | '\'' | '(' | ')' | '[' | ']' | ' ' | 'i' | 'j'
        | 'l' | 'I' | 'f' | 't' | 'r' => 0.36,
        'm' | 'w' | 'M' | 'W' | '%' | '@' | '—' => 0.9,
        c if c.is_ascii_uppercase() => 0.7,
        _ => 0.6,
    }
}

/// Estimated width of `text` at `size` pixels (see [`em`]). The same estimate natively and in
/// the browser, so the native tests check the layout the page gets; measuring in the DOM would
/// cost a page layout per label at every redraw.
pub fn text_width(text: &str, size: f32) -> f32 {
    text.chars().map(em).sum::<f32>() * size
}

/// A CJK character, which a line may break before or after.
fn is_cjk(c: char) -> bool {
    em(c) >= 1.0 && !('\u{2190}'..='\u{21FF}').contains(&c)
}

/// Closing punctuation that stays on the line of the character before it.
fn closes(c: char) -> bool {
    matches!(
        c,
        '，' | '。' | '：' | '；' | '）' | '、' | '！' | '？' | '」' | '』'
    )
}

/// Opening punctuation that stays on the line of the character after it.
fn opens(c: char) -> bool {
    matches!(c, '（' | '「' | '『' | '“')
}

/// `text` in lines no wider than `width` at `size` pixels: breaks at spaces, and between CJK
/// characters (not before closing punctuation). A word wider than `width` gets a line of its own.
pub fn wrap(text: &str, width: f32, size: f32) -> Vec<String> {
    // Tokens: a word (a run of non-space, non-CJK characters) or one CJK character with any
    // closing punctuation after it; `true` when a space comes before it.
    let mut tokens: Vec<(bool, String)> = Vec::new();
    let mut space = false;
    let mut word = String::new();
    for c in text.chars() {
        let push_word = |tokens: &mut Vec<(bool, String)>, word: &mut String, space: &mut bool| {
            if !word.is_empty() {
                tokens.push((*space, std::mem::take(word)));
                *space = false;
            }
        };
        if c.is_whitespace() {
            push_word(&mut tokens, &mut word, &mut space);
            space = true;
        } else if closes(c) && word.is_empty() && !tokens.is_empty() {
            if let Some(last) = tokens.last_mut() {
                last.1.push(c);
            }
        } else if opens(c) {
            // Starts a token that takes the next character too.
            push_word(&mut tokens, &mut word, &mut space);
            word.push(c);
        } else if is_cjk(c) {
            if word.chars().all(opens) {
                // An opening bracket and this character: one token.
                word.push(c);
                tokens.push((space, std::mem::take(&mut word)));
            } else {
                push_word(&mut tokens, &mut word, &mut space);
                tokens.push((space, c.to_string()));
            }
            space = false;
        } else {
            word.push(c);
        }
    }
    if !word.is_empty() {
        tokens.push((space, word));
    }
    let mut lines: Vec<String> = Vec::new();
    let mut line = String::new();
    for (space, tok) in tokens {
        let joined = if line.is_empty() {
            tok.clone()
        } else if space {
            format!("{line} {tok}")
        } else {
            format!("{line}{tok}")
        };
        if line.is_empty() || text_width(&joined, size) <= width {
            line = joined;
        } else {
            lines.push(std::mem::replace(&mut line, tok));
        }
    }
    if !line.is_empty() {
        lines.push(line);
    }
    lines
}

/// Draws `title` across the top of `area` (centred, wrapped to its width: at [`TITLE`] CSS px
/// when it fits on one line, else at [`FONT`]) and returns the area below it. An empty title
/// takes no room.
///
/// # Errors
/// The backend's, if drawing fails.
pub fn title<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    title: &str,
    scale: f32,
) -> Result<DrawingArea<DB, Shift>, DrawingAreaErrorKind<DB::ErrorType>> {
    if title.trim().is_empty() {
        return Ok(area.clone());
    }
    let (w, _) = area.dim_in_pixel();
    let room = w.saturating_sub(2 * px(scale, MARGIN)) as f32;
    let big = px(scale, TITLE) as f32;
    let (size, lines) = if text_width(title, big) <= room {
        (big, vec![title.to_string()])
    } else {
        let small = px(scale, FONT) as f32;
        (small, wrap(title, room, small))
    };
    let line = (size * LINE).ceil() as i32;
    let top = px(scale, 6.0) as i32;
    let style = TextStyle::from(("sans-serif", f64::from(size)).into_font())
        .pos(Pos::new(HPos::Center, VPos::Top));
    for (i, l) in lines.iter().enumerate() {
        area.draw_text(l, &style, (w as i32 / 2, top + i as i32 * line))?;
    }
    let used = top + lines.len() as i32 * line + px(scale, 2.0) as i32;
    Ok(area.split_vertically(used).1)
}

/// One axis' tick labels for a label-count hint: (position along the axis in 0..=1, text).
pub type Ticks<'a> = &'a dyn Fn(usize) -> Vec<(f32, String)>;

/// The tick labels plotters draws on a linear f32 axis over `lo..hi` for `hint`, as text.
pub fn linear_ticks(
    lo: f32,
    hi: f32,
    hint: usize,
    label: impl Fn(f32) -> String,
) -> Vec<(f32, String)> {
    let range = RangedCoordf32::from(lo..hi);
    let span = (hi - lo).max(f32::MIN_POSITIVE);
    range
        .key_points(BoldPoints(hint))
        .into_iter()
        .map(|v| ((v - lo) / span, label(v)))
        .collect()
}

/// What a chart's axes hold, for [`Frame::new`].
pub struct Axes<'a> {
    /// X axis name ("" for none).
    pub x_desc: &'a str,
    /// Y axis name ("" for none).
    pub y_desc: &'a str,
    /// X tick labels for a count hint.
    pub x_ticks: Ticks<'a>,
    /// Y tick labels for a count hint (0 at the bottom).
    pub y_ticks: Ticks<'a>,
}

/// Sizes of a chart's text and axes in device pixels.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Frame {
    /// Device pixels per CSS pixel, as given.
    pub scale: f32,
    /// Font size of tick labels, axis names and legends.
    pub font: u32,
    /// Tick mark length.
    pub tick: i32,
    /// Margin around the plot (top, left, bottom).
    pub margin: u32,
    /// Right margin: at least half the last x tick label, which plotters centres on the edge.
    pub margin_right: u32,
    /// Height of the x label area (ticks, labels, gap, axis name).
    pub x_area: u32,
    /// Width of the y label area (axis name, gap, labels, ticks).
    pub y_area: u32,
    /// X label count hint (plotters' `x_labels`, 11 by default): as many as fit side by side.
    pub x_labels: usize,
    /// Y label count hint: as many as fit one above the other.
    pub y_labels: usize,
}

impl Frame {
    /// The frame of a chart whose plot, axes and labels fill `size` device pixels (the area
    /// left under its title).
    pub fn new(size: (u32, u32), scale: f32, axes: &Axes) -> Frame {
        let p = |css: f32| px(scale, css);
        let font = p(FONT);
        let f = font as f32;
        let text_h = (f * LINE).ceil() as u32;
        let tick = p(TICK) as i32;
        let margin = p(MARGIN);
        let gap = p(GAP);
        let desc = |d: &str| if d.trim().is_empty() { 0 } else { gap + text_h };
        let x_area = 2 * tick as u32 + text_h + desc(axes.x_desc) + p(2.0);
        let (w, h) = (size.0 as f32, size.1 as f32);

        // Y: as many labels as stand one above the other with a gap; the area as wide as the
        // widest of them.
        let plot_h = (h - (2 * margin + x_area) as f32).max(1.0);
        let y_fits = |t: &[(f32, String)]| spaced(t, plot_h, |_, _| text_h as f32 + gap as f32);
        let (y_labels, y_texts) = fitting(axes.y_ticks, y_fits);
        let widest = y_texts
            .iter()
            .map(|(_, s)| text_width(s, f))
            .fold(0.0f32, f32::max)
            .ceil() as u32;
        let y_area = 2 * tick as u32 + widest + desc(axes.y_desc) + p(2.0);

        // X: as many labels as stand side by side with two gaps between neighbours; the right
        // margin holds half of a label at the right edge.
        let right = |t: &[(f32, String)]| {
            t.iter()
                .filter(|(at, _)| *at > 0.95)
                .map(|(_, s)| (text_width(s, f) / 2.0).ceil() as u32 + p(2.0))
                .fold(margin, u32::max)
        };
        let plot_w = |t: &[(f32, String)]| (w - (y_area + margin + right(t)) as f32).max(1.0);
        let x_fits = |t: &[(f32, String)]| {
            spaced(t, plot_w(t), |a, b| {
                (text_width(a, f) + text_width(b, f)) / 2.0 + 2.0 * gap as f32
            })
        };
        let (x_labels, x_texts) = fitting(axes.x_ticks, x_fits);
        Frame {
            scale,
            font,
            tick,
            margin,
            margin_right: right(&x_texts),
            x_area,
            y_area,
            x_labels,
            y_labels,
        }
    }

    /// The tick, label and axis-name font.
    pub fn font(&self) -> (&'static str, u32) {
        ("sans-serif", self.font)
    }

    /// `css` pixels at this frame's scale.
    pub fn px(&self, css: f32) -> u32 {
        px(self.scale, css)
    }

    /// A chart builder on `area` with this frame's margins and label areas.
    pub fn builder<'a, 'b, DB: DrawingBackend>(
        &self,
        area: &'a DrawingArea<DB, Shift>,
    ) -> ChartBuilder<'a, 'b, DB> {
        let mut b = ChartBuilder::on(area);
        b.margin(self.margin)
            .margin_right(self.margin_right)
            .x_label_area_size(self.x_area)
            .y_label_area_size(self.y_area);
        b
    }
}

/// Do neighbouring labels of `t` (positions 0..=1 along `len` pixels) stand `need(a, b)` apart?
fn spaced(t: &[(f32, String)], len: f32, need: impl Fn(&str, &str) -> f32) -> bool {
    let mut sorted: Vec<&(f32, String)> = t.iter().collect();
    sorted.sort_by(|a, b| a.0.total_cmp(&b.0));
    sorted
        .windows(2)
        .all(|p| (p[1].0 - p[0].0) * len >= need(&p[0].1, &p[1].1))
}

/// The largest count hint from plotters' default (11) down to 2 whose labels `fit`, with those
/// labels (the hint 2 ones when none fits).
fn fitting(ticks: Ticks, fit: impl Fn(&[(f32, String)]) -> bool) -> (usize, Vec<(f32, String)>) {
    for n in (3..=11).rev() {
        let t = ticks(n);
        if fit(&t) {
            return (n, t);
        }
    }
    (2, ticks(2))
}

/// The corners in the order tried after the preferred one.
const CORNERS: [Legend; 4] = [
    Legend::LowerRight,
    Legend::UpperRight,
    Legend::UpperLeft,
    Legend::LowerLeft,
];

/// Top-left corner of a legend box of `size` placed at `corner` of a plot of `plot` pixels,
/// `inset` from its edges.
pub fn corner_at(corner: Legend, size: (i32, i32), plot: (i32, i32), inset: i32) -> (i32, i32) {
    let right = (plot.0 - size.0 - inset).max(0);
    let bottom = (plot.1 - size.1 - inset).max(0);
    match corner {
        Legend::UpperLeft => (inset, inset),
        Legend::UpperRight => (right, inset),
        Legend::LowerLeft => (inset, bottom),
        Legend::LowerRight | Legend::Hidden => (right, bottom),
    }
}

/// Where a legend box of `size` goes in a plot of `plot` pixels: `prefer`red corner, unless
/// another corner covers fewer of `marks` (drawn pixels, relative to the plot's top left; the
/// box counts `pad` pixels wider on every side). Returns the corner and the box's top left.
pub fn place_legend(
    prefer: Legend,
    size: (i32, i32),
    plot: (i32, i32),
    inset: i32,
    pad: i32,
    marks: &[(i32, i32)],
) -> (Legend, (i32, i32)) {
    let covered = |at: (i32, i32)| {
        marks
            .iter()
            .filter(|&&(x, y)| {
                x >= at.0 - pad
                    && x <= at.0 + size.0 + pad
                    && y >= at.1 - pad
                    && y <= at.1 + size.1 + pad
            })
            .count()
    };
    let mut best: Option<(usize, Legend, (i32, i32))> = None;
    for corner in std::iter::once(prefer).chain(CORNERS) {
        let at = corner_at(corner, size, plot, inset);
        let n = covered(at);
        if best.is_none_or(|(m, _, _)| n < m) {
            best = Some((n, corner, at));
        }
    }
    best.map_or((prefer, (inset, inset)), |(_, c, at)| (c, at))
}

/// Pixels along the polyline `pts` every `step` pixels (its vertices included): what a line
/// covers, for [`place_legend`].
pub fn trace(pts: &[(i32, i32)], step: i32) -> Vec<(i32, i32)> {
    let step = step.max(1) as f32;
    let mut out: Vec<(i32, i32)> = pts.first().copied().into_iter().collect();
    for w in pts.windows(2) {
        let (a, b) = (w[0], w[1]);
        let (dx, dy) = ((b.0 - a.0) as f32, (b.1 - a.1) as f32);
        let n = ((dx.hypot(dy) / step).ceil() as usize).clamp(1, 10_000);
        for i in 1..=n {
            let t = i as f32 / n as f32;
            out.push((a.0 + (dx * t).round() as i32, a.1 + (dy * t).round() as i32));
        }
    }
    out
}

/// Draws the legend of `c`'s labelled series (`names`, in drawing order) in the corner that
/// covers the fewest `marks` (pixels relative to the plot's top left), starting with `prefer`.
/// Plotters' own corner positions ignore what is under them (the Low-rank spectrum's legend
/// sat on the end of its curve).
///
/// # Errors
/// The backend's, if drawing fails.
pub fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    c: &mut ChartContext<'a, DB, CT>,
    frame: &Frame,
    prefer: Legend,
    names: &[&str],
    marks: &[(i32, i32)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if prefer == Legend::Hidden || names.is_empty() {
        return Ok(());
    }
    let font = ("sans-serif", frame.font).into_font();
    // The box plotters draws (SeriesLabelStyle::draw): the text block, the swatch area and a
    // margin all round, measured the same way.
    let mut text = MultiLineText::<_, &str>::new((0, 0), font.clone());
    for n in names {
        text.push_line(*n);
    }
    let (tw, th) = text.estimate_dimension().unwrap_or((0, 0));
    let (swatch, margin) = (frame.px(22.0), frame.px(6.0));
    let size = (tw + (swatch + 2 * margin) as i32, th + 2 * margin as i32);
    let (pw, ph) = c.plotting_area().dim_in_pixel();
    let inset = frame.px(INSET) as i32;
    let (_, (x, y)) = place_legend(
        prefer,
        size,
        (pw as i32, ph as i32),
        inset,
        frame.px(3.0) as i32,
        marks,
    );
    c.configure_series_labels()
        .position(SeriesLabelPosition::Coordinate(x, y))
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(font)
        .legend_area_size(swatch)
        .margin(margin)
        .draw()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wraps_at_spaces_and_between_cjk_characters() {
        let size = 10.0;
        let w = text_width("layer 1, neuron", size);
        let lines = wrap("layer 1, neuron 291 (its own scale)", w, size);
        assert_eq!(lines[0], "layer 1, neuron");
        assert_eq!(lines.join(" "), "layer 1, neuron 291 (its own scale)");
        let zh = wrap("第 1 层：浮点（灰），量化后（蓝）", 6.0 * size, size);
        assert!(zh.len() > 1, "{zh:?}");
        assert!(
            zh.iter().all(|l| text_width(l, size) <= 6.0 * size),
            "{zh:?}"
        );
        assert!(
            zh.iter()
                .all(|l| !l.starts_with('，') && !l.starts_with('）')),
            "{zh:?}"
        );
        // A word wider than the line gets a line of its own; nothing is lost.
        assert_eq!(
            wrap("a verylongword b", 3.0 * size, size),
            ["a", "verylongword", "b"]
        );
        assert!(wrap("", 100.0, size).is_empty());
    }

    #[test]
    fn legend_goes_to_the_emptiest_corner() {
        let (plot, size) = ((300, 200), (80, 30));
        // A curve falling from top left to bottom right: the preferred lower right is taken.
        let falling = trace(&[(0, 0), (150, 120), (300, 190)], 2);
        let (corner, at) = place_legend(Legend::LowerRight, size, plot, 5, 3, &falling);
        assert_eq!(corner, Legend::UpperRight);
        assert_eq!(at, (215, 5));
        // Nothing under the preferred corner: it stays.
        let rising = trace(&[(0, 190), (100, 20), (300, 10)], 2);
        assert_eq!(
            place_legend(Legend::LowerRight, size, plot, 5, 3, &rising).0,
            Legend::LowerRight
        );
        assert_eq!(corner_at(Legend::LowerLeft, size, plot, 5), (5, 165));
        // Every corner covered: the least covered one (a dense line along the top, a sparse
        // one along the bottom).
        let mut marks = trace(&[(0, 20), (300, 20)], 1);
        marks.extend(trace(&[(0, 180), (300, 180)], 40));
        assert!(matches!(
            place_legend(Legend::UpperRight, size, plot, 5, 3, &marks).0,
            Legend::LowerRight | Legend::LowerLeft
        ));
    }

    #[test]
    fn x_labels_thin_out_on_a_narrow_chart() {
        let label = |v: f32| format!("{v:.2}");
        let x = |n: usize| linear_ticks(0.0, 2.0, n, label);
        let y = |n: usize| linear_ticks(0.75, 1.0, n, label);
        let axes = Axes {
            x_desc: "epoch",
            y_desc: "accuracy",
            x_ticks: &x,
            y_ticks: &y,
        };
        let wide = Frame::new((700, 220), 1.0, &axes);
        let phone = Frame::new((336, 220), 1.0, &axes);
        assert!(phone.x_labels < wide.x_labels, "{phone:?} {wide:?}");
        // Twice the pixels at devicePixelRatio 2: the same layout, doubled.
        let hi = Frame::new((672, 440), 2.0, &axes);
        assert_eq!((hi.x_labels, hi.y_labels), (phone.x_labels, phone.y_labels));
        assert_eq!(hi.font, 2 * phone.font);
        assert!(
            hi.x_area.abs_diff(2 * phone.x_area) <= 2,
            "{hi:?} {phone:?}"
        );
    }
}

/// Reading a chart's SVG back, for the layout tests of every chart.
#[cfg(test)]
pub(crate) mod svg {
    use super::{text_width, FONT};

    /// One `<text>` element.
    #[derive(Debug)]
    pub struct Text {
        pub x: f32,
        pub y: f32,
        /// Font size in pixels as drawn (the SVG backend writes size / 1.24).
        pub size: f32,
        pub anchor: String,
        pub dy: String,
        pub rotated: bool,
        pub text: String,
    }

    fn attr(tag: &str, name: &str) -> Option<String> {
        let key = format!(" {name}=\"");
        Some(tag.split(&key).nth(1)?.split('"').next()?.to_string())
    }

    /// Every `<text>` of `svg`.
    pub fn texts(svg: &str) -> Vec<Text> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let (tag, rest) = t.split_once('>')?;
                let num = |n: &str| attr(tag, n)?.parse::<f32>().ok();
                Some(Text {
                    x: num("x")?,
                    y: num("y")?,
                    size: num("font-size")? * 1.24,
                    anchor: attr(tag, "text-anchor")?,
                    dy: attr(tag, "dy")?,
                    rotated: tag.contains("transform=\"rotate"),
                    text: rest.split('<').next()?.trim().to_string(),
                })
            })
            .collect()
    }

    /// (top, bottom) of an unrotated text.
    fn rows(t: &Text) -> (f32, f32) {
        match t.dy.as_str() {
            "0.76em" => (t.y, t.y + t.size),
            "-0.5ex" => (t.y - t.size, t.y),
            _ => (t.y - t.size / 2.0, t.y + t.size / 2.0),
        }
    }

    /// Checks what every chart promises: no text under [`FONT`] CSS px at `scale`; the x axis
    /// name below its tick labels, not on them; the y tick labels right of the y axis name.
    pub fn check_layout(svg: &str, scale: f32, x_desc: &str, y_desc: &str) {
        let all = texts(svg);
        for t in &all {
            assert!(
                t.size >= FONT * scale - 0.01,
                "{:?} is under {FONT} CSS px",
                t
            );
        }
        let height = attr(svg, "height")
            .and_then(|h| h.parse::<f32>().ok())
            .unwrap_or(0.0);
        let xd = all
            .iter()
            .find(|t| t.text == x_desc && !t.rotated)
            .expect("x axis name");
        let x_ticks: Vec<&Text> = all
            .iter()
            .filter(|t| {
                t.anchor == "middle" && t.dy == "0.76em" && !t.rotated && t.y > height / 2.0
            })
            .collect();
        assert!(!x_ticks.is_empty(), "no x tick labels in {svg}");
        for t in &x_ticks {
            assert!(
                rows(t).1 <= rows(xd).0 + 0.5,
                "x axis name {xd:?} overlaps tick label {t:?}"
            );
        }
        let yd = all
            .iter()
            .find(|t| t.text == y_desc && t.rotated)
            .expect("y axis name");
        for t in all.iter().filter(|t| t.anchor == "end" && !t.rotated) {
            let left = t.x - text_width(&t.text, t.size);
            assert!(
                left >= yd.x + yd.size - 0.5,
                "y tick label {t:?} runs into the axis name {yd:?}"
            );
        }
    }

    /// The legend's box (the only rectangle filled at 85 % opacity): x, y, width, height.
    pub fn legend_box(svg: &str) -> Option<(f32, f32, f32, f32)> {
        svg.split("<rect")
            .skip(1)
            .find(|r| r.contains("opacity=\"0.85\""))
            .and_then(|r| {
                let n = |k: &str| attr(r, k)?.parse::<f32>().ok();
                Some((n("x")?, n("y")?, n("width")?, n("height")?))
            })
    }

    /// The points of the polylines of three or more points stroked in `color` (`#RRGGBB`, as
    /// the SVG writes it): a series' line, not its two-point swatch in the legend.
    pub fn line_points(svg: &str, color: &str) -> Vec<(f32, f32)> {
        svg.split("<polyline")
            .skip(1)
            .filter(|p| p.contains(&format!("stroke=\"{color}\"")))
            .filter_map(|p| attr(p, "points"))
            .map(|pts| {
                pts.split_whitespace()
                    .filter_map(|xy| {
                        let (x, y) = xy.split_once(',')?;
                        Some((x.parse().ok()?, y.parse().ok()?))
                    })
                    .collect::<Vec<_>>()
            })
            .filter(|line| line.len() >= 3)
            .flatten()
            .collect()
    }
}
