//! Weight histograms before and after quantization, drawn with plotters on any backend: grey
//! bars for the float weights, blue bars for the quantized ones (they pile up on the grid), and
//! one thin orange line per quantization level. Counts use a √ scale so the tails stay visible.
//! Also the |w − q(w)| error heatmap (sequential palette, one pixel per weight).

use super::chart::{linear_label, parse_color, px};
use super::frame::{self, Frame};
use super::heatmap::Image;
use super::palette::sequential;
use crate::error::{Error, Result};
use crate::error::{Reason, Setting};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

/// `s`, or `default` when `s` is empty.
fn or<'a>(s: &'a str, default: &'a str) -> &'a str {
    if s.is_empty() {
        default
    } else {
        s
    }
}

/// A before/after histogram with level markers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct HistogramChart {
    /// Caption.
    pub title: String,
    /// Range of the bins.
    pub lo: f32,
    /// Upper end of the bins.
    pub hi: f32,
    /// Counts of the float weights, equal-width bins over [lo, hi].
    pub before: Vec<u32>,
    /// Counts of the quantized weights, same bins.
    pub after: Vec<u32>,
    /// Quantization levels (vertical lines).
    pub levels: Vec<f32>,
    /// Device pixels per CSS pixel (see `LineChart::scale`); 0 (absent) means 1.
    pub scale: f32,
    /// Axis names in the page's language; empty (absent) means "weight" and "√count".
    pub x_label: String,
    /// See `x_label`.
    pub y_label: String,
}

/// Counts of finite `values` in `bins` equal bins over [lo, hi] (outside values are clamped
/// into the end bins).
pub fn counts(values: impl Iterator<Item = f32>, lo: f32, hi: f32, bins: usize) -> Vec<u32> {
    let mut c = vec![0u32; bins.max(1)];
    let width = (hi - lo).max(f32::MIN_POSITIVE);
    let last = c.len() - 1;
    for v in values.filter(|v| v.is_finite()) {
        let i = (((v - lo) / width) * c.len() as f32).floor();
        let i = if i < 0.0 { 0 } else { (i as usize).min(last) };
        c[i] += 1;
    }
    c
}

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::data(format!("histogram drawing failed: {e:?}"))
}

/// Draws `h` onto `area` (clearing it first).
///
/// # Errors
/// `BadData` if the backend fails or the range is not finite.
pub fn draw_histogram<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    h: &HistogramChart,
) -> Result<()> {
    area.fill(&WHITE).map_err(draw_err)?;
    if !(h.lo.is_finite() && h.hi.is_finite() && h.hi > h.lo) {
        return Err(Error::param(
            Setting::HistogramRange,
            format!("[{}, {}]", h.lo, h.hi),
            Reason::MustBeFiniteAndIncreasing,
        ));
    }
    let root = |c: u32| (c as f32).sqrt();
    let ymax = h
        .before
        .iter()
        .chain(&h.after)
        .map(|&c| root(c))
        .fold(1.0f32, f32::max)
        * 1.05;
    let rest = frame::title(area, &h.title, h.scale).map_err(draw_err)?;
    let (x_desc, y_desc) = (or(&h.x_label, "weight"), or(&h.y_label, "√count"));
    let x_text = |v: f32| linear_label(v, h.hi - h.lo);
    let y_text = |v: f32| linear_label(v, ymax);
    let x_ticks = |n: usize| frame::linear_ticks(h.lo, h.hi, n, x_text);
    let y_ticks = |n: usize| frame::linear_ticks(0.0, ymax, n, y_text);
    let axes = frame::Axes {
        x_desc,
        y_desc,
        x_ticks: &x_ticks,
        y_ticks: &y_ticks,
    };
    let f = Frame::new(rest.dim_in_pixel(), h.scale, &axes);
    let mut c = f
        .builder(&rest)
        .build_cartesian_2d(h.lo..h.hi, 0f32..ymax)
        .map_err(draw_err)?;
    c.configure_mesh()
        .x_desc(x_desc)
        .y_desc(y_desc)
        .label_style(f.font())
        .set_all_tick_mark_size(f.tick)
        .x_labels(f.x_labels)
        .y_labels(f.y_labels)
        .x_label_formatter(&|v| x_text(*v))
        .y_label_formatter(&|v| y_text(*v))
        .light_line_style(WHITE.mix(0.0))
        .draw()
        .map_err(draw_err)?;
    let bars = |counts: &[u32], color: RGBAColor| {
        let n = counts.len().max(1) as f32;
        let w = (h.hi - h.lo) / n;
        counts
            .iter()
            .enumerate()
            .filter(|(_, &k)| k > 0)
            .map(move |(i, &k)| {
                let x0 = h.lo + w * i as f32;
                Rectangle::new([(x0, 0.0), (x0 + w, root(k))], color.filled())
            })
            .collect::<Vec<_>>()
    };
    let grey = parse_color("#9a9a9a").mix(0.55);
    let blue = parse_color("#1f5fbf").mix(0.85);
    c.draw_series(bars(&h.before, grey)).map_err(draw_err)?;
    let orange = parse_color("#e8710a");
    for &l in h
        .levels
        .iter()
        .filter(|l| l.is_finite() && **l >= h.lo && **l <= h.hi)
    {
        c.draw_series(LineSeries::new(
            [(l, 0.0), (l, ymax)],
            orange.mix(0.6).stroke_width(px(h.scale, 1.0)),
        ))
        .map_err(draw_err)?;
    }
    c.draw_series(bars(&h.after, blue)).map_err(draw_err)?;
    Ok(())
}

/// Renders a histogram to an SVG string (tests).
///
/// # Errors
/// As [`draw_histogram`].
pub fn to_svg(h: &HistogramChart, width: u32, height: u32) -> Result<String> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_histogram(&area, h)?;
        area.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// |a − b| per weight as an image (`cols` wide), scaled so `max_err` is the darkest colour.
///
/// # Errors
/// `ShapeMismatch` if the lengths differ or are not a multiple of `cols`.
pub fn error_heatmap(a: &[f32], b: &[f32], cols: usize, max_err: f32) -> Result<Image> {
    if a.len() != b.len() || cols == 0 || !a.len().is_multiple_of(cols) {
        return Err(Error::shape("error heatmap", a.len(), b.len()));
    }
    let rows = a.len() / cols;
    let s = if max_err > 0.0 && max_err.is_finite() {
        max_err
    } else {
        1.0
    };
    let mut rgba = Vec::with_capacity(a.len() * 4);
    for (x, y) in a.iter().zip(b) {
        rgba.extend_from_slice(&sequential(((x - y).abs() / s).clamp(0.0, 1.0)));
    }
    Ok(Image {
        width: cols,
        height: rows,
        rgba,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn counts_and_svg_with_one_line_per_level() {
        assert_eq!(
            counts([0.0, 0.1, 0.9, 1.0, 5.0, f32::NAN].into_iter(), 0.0, 1.0, 2),
            vec![2, 3]
        );
        let h = HistogramChart {
            lo: -1.0,
            hi: 1.0,
            before: vec![1, 4, 9, 4, 1],
            after: vec![0, 8, 0, 8, 0],
            levels: (0..16).map(|i| -1.0 + 2.0 * i as f32 / 15.0).collect(),
            ..Default::default()
        };
        let svg = to_svg(&h, 300, 200).unwrap();
        assert!(svg.matches("<polyline").count() >= 16, "{svg}");
        // Axis names: English by default, the page's words when it gives them.
        assert!(svg.contains("weight") && svg.contains("√count"), "{svg}");
        let named = HistogramChart {
            x_label: "权重值".into(),
            y_label: "√个数".into(),
            ..h.clone()
        };
        let svg = to_svg(&named, 300, 200).unwrap();
        assert!(svg.contains("权重值") && svg.contains("√个数"), "{svg}");
        assert!(!svg.contains("weight") && !svg.contains("√count"), "{svg}");
        assert!(to_svg(
            &HistogramChart {
                lo: 1.0,
                hi: 0.0,
                ..h
            },
            300,
            200
        )
        .is_err());
    }

    #[test]
    fn axis_names_clear_their_tick_labels_at_every_size() {
        // The Quantize panel's histogram: weights of one neuron in about [-0.35, 0.17].
        let before: Vec<u32> = (0..120).map(|i| ((i * 7) % 23) as u32).collect();
        for scale in [1.0f32, 2.0] {
            for (w, title) in [(720.0f32, "layer 1, neuron 291 (its own scale): float (grey), quantized (blue), 256 levels (orange)"), (336.0, "第 1 层第 291 个神经元（其自身的缩放因子）：浮点（灰），量化后（蓝），256 个量化级（橙）")] {
                let h = HistogramChart {
                    title: title.into(),
                    lo: -0.35,
                    hi: 0.17,
                    before: before.clone(),
                    after: before.iter().map(|c| c / 2).collect(),
                    levels: vec![-0.2, 0.0, 0.1],
                    scale,
                    ..Default::default()
                };
                let svg = to_svg(&h, (w * scale) as u32, (240.0 * scale) as u32).unwrap();
                crate::render::svg_check::check_layout(&svg, scale, "weight", "√count");
                // The title wraps to the width instead of running off both sides.
                for t in crate::render::svg_check::texts(&svg).iter().filter(|t| t.y < 40.0 * scale) {
                    let half = crate::render::text::text_width(&t.text, t.size) / 2.0;
                    assert!(t.x - half >= 0.0 && t.x + half <= w * scale, "{t:?} is wider than {w}");
                }
            }
        }
    }

    #[test]
    fn error_heatmap_shape() {
        let img = error_heatmap(&[0.0, 1.0, 2.0, 3.0], &[0.0, 1.0, 2.0, 2.0], 2, 1.0).unwrap();
        assert_eq!((img.width, img.height), (2, 2));
        assert_eq!(img.get(1, 1), sequential(1.0));
        assert!(error_heatmap(&[0.0], &[0.0, 1.0], 1, 1.0).is_err());
    }
}
