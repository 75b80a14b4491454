//! The frame every chart shares (line charts, histograms, Pareto plots), so they read alike at
//! any size: text in CSS pixels times the canvas's devicePixelRatio (`scale`), never below
//! [`FONT`] CSS px; axis label areas sized from the labels they hold (tick labels, then the
//! axis name, with a gap: the name no longer runs into the ticks); as many tick labels as fit
//! side by side; a title wrapped to the canvas's width (`text`). The legend's corner is
//! `legend`'s.

use super::chart::px;
use super::text::{text_width, wrap};
use plotters::coord::ranged1d::{BoldPoints, Ranged};
use plotters::coord::types::RangedCoordf32;
use plotters::coord::Shift;
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
pub(super) const INSET: f32 = 5.0;
/// Line height over font size, for the heights reserved for text.
const LINE: f32 = 1.25;

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

#[cfg(test)]
mod tests {
    use super::*;

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
