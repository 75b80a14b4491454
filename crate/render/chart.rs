//! Charts drawn with plotters on any `DrawingBackend`: the page passes a canvas backend
//! (plotters-canvas), tests pass an SVG string backend. A chart is plain data (`LineChart`), so
//! the page describes what to draw and Rust draws it the same way everywhere.

use super::frame::{self, Frame};
use super::legend;
use crate::error::{Error, Result};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

/// One line on a chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Series {
    /// Legend label.
    pub name: String,
    /// `#rrggbb` colour.
    pub color: String,
    /// (x, y) points; non-finite points are skipped.
    pub points: Vec<(f32, f32)>,
    /// Draw markers at the points as well as the line.
    #[serde(default)]
    pub markers: bool,
}

/// A line chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct LineChart {
    /// Caption above the plot.
    pub title: String,
    /// X axis label.
    pub x_label: String,
    /// Y axis label.
    pub y_label: String,
    /// The lines.
    pub series: Vec<Series>,
    /// Fixed y range, or None to fit the data.
    pub y_range: Option<(f32, f32)>,
    /// Fixed x range, or None to fit the data.
    pub x_range: Option<(f32, f32)>,
    /// Logarithmic y axis (for spectra).
    pub log_y: bool,
    /// Vertical marker lines (e.g. a rank cut), drawn dashed-grey.
    pub v_lines: Vec<f32>,
    /// The legend's preferred corner, or hidden. It moves to another corner when one covers
    /// fewer of the drawn points (`legend::place_legend`).
    pub legend: Legend,
    /// Device pixels per CSS pixel (`devicePixelRatio`): the canvas holds `scale` times as many
    /// pixels as it shows, so fonts, margins, strokes and markers grow by `scale` and the chart
    /// is crisp on high-DPI screens. 0 (absent) means 1.
    pub scale: f32,
}

/// `css` pixels at `scale` device pixels per CSS pixel, the scale clamped to 1..=4 (absent,
/// zero or non-finite -> 1), for fonts, margins and strokes.
pub fn px(scale: f32, css: f32) -> u32 {
    let s = if scale.is_finite() {
        scale.clamp(1.0, 4.0)
    } else {
        1.0
    };
    (css * s).round() as u32
}

/// Labelled ticks for a log axis over `[lo, hi]`: the 1-2-5 sequence, thinned to decades when
/// it would give more than 8 labels. Plotters' own log ticks label every integer multiple
/// (1, 2, …, 9 per decade), which piled up as "10.0 9.0 8.0 …" at the top of the loss chart.
pub fn log_ticks(lo: f32, hi: f32) -> Vec<f32> {
    if !(lo.is_finite() && hi.is_finite() && lo > 0.0 && hi > lo) {
        return vec![];
    }
    let (d0, d1) = (lo.log10().floor() as i32, hi.log10().ceil() as i32);
    let within = |v: &f32| *v >= lo * 0.999 && *v <= hi * 1.001;
    let decades = || (d0..=d1).map(|d| 10f32.powi(d));
    let ticks: Vec<f32> = decades()
        .flat_map(|p| [p, 2.0 * p, 5.0 * p])
        .filter(within)
        .collect();
    if ticks.len() <= 8 {
        if ticks.len() >= 2 {
            return ticks;
        }
        // Less than one 1-2-5 step in range: label its two ends instead.
        return vec![lo, hi];
    }
    decades().filter(within).collect()
}

/// A tick label on a linear axis spanning `span`: as [`tick_label`], and 0 for the tick that
/// only rounding keeps off zero (plotters' −0.05 + 0.05 printed as "-6e-17").
pub fn linear_label(v: f32, span: f32) -> String {
    if v.abs() <= span.abs() * 1e-4 {
        return "0".into();
    }
    tick_label(v)
}

/// A tick label without trailing zeros: 0.05, 0.1, 2, 1e-4.
pub fn tick_label(v: f32) -> String {
    if v != 0.0 && (v.abs() < 1e-3 || v.abs() >= 1e5) {
        return format!("{v:.0e}");
    }
    let s = format!("{v:.3}");
    s.trim_end_matches('0').trim_end_matches('.').to_string()
}

/// Legend placement inside the plot.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum Legend {
    /// Bottom right (rising curves, such as accuracy, leave it free).
    #[default]
    LowerRight,
    /// Top right (falling curves, such as a loss).
    UpperRight,
    /// Top left.
    UpperLeft,
    /// Bottom left.
    LowerLeft,
    /// No legend.
    Hidden,
}

impl Legend {
    /// Where plotters puts the legend box, or None when it is hidden.
    pub fn position(self) -> Option<SeriesLabelPosition> {
        match self {
            Legend::Hidden => None,
            Legend::LowerRight => Some(SeriesLabelPosition::LowerRight),
            Legend::UpperRight => Some(SeriesLabelPosition::UpperRight),
            Legend::UpperLeft => Some(SeriesLabelPosition::UpperLeft),
            Legend::LowerLeft => Some(SeriesLabelPosition::LowerLeft),
        }
    }
}

/// Parses `#rrggbb`; anything else is grey.
pub fn parse_color(hex: &str) -> RGBColor {
    let h = hex.trim_start_matches('#');
    let byte = |i: usize| h.get(i..i + 2).and_then(|s| u8::from_str_radix(s, 16).ok());
    match (h.len(), byte(0), byte(2), byte(4)) {
        (6, Some(r), Some(g), Some(b)) => RGBColor(r, g, b),
        _ => RGBColor(128, 128, 128),
    }
}

fn fit(points: impl Iterator<Item = f32>, log: bool) -> (f32, f32) {
    let (mut lo, mut hi) = (f32::INFINITY, f32::NEG_INFINITY);
    for v in points.filter(|v| v.is_finite() && (!log || *v > 0.0)) {
        lo = lo.min(v);
        hi = hi.max(v);
    }
    if !lo.is_finite() {
        return if log { (0.1, 10.0) } else { (0.0, 1.0) };
    }
    if hi - lo < 1e-6 {
        return if log {
            (lo / 2.0, hi * 2.0)
        } else {
            (lo - 0.5, hi + 0.5)
        };
    }
    if log {
        (lo * 0.8, hi * 1.25)
    } else {
        let pad = 0.05 * (hi - lo);
        (lo - pad, hi + pad)
    }
}

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::data(format!("chart drawing failed: {e:?}"))
}

/// Draws `chart` onto `area` (clearing it first), in the shared [`Frame`]: text at
/// [`frame::FONT`] CSS px or more, label areas that hold their labels, the legend in the
/// emptiest corner.
///
/// # Errors
/// `BadData` if the backend fails.
pub fn draw_line_chart<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &LineChart,
) -> Result<()> {
    area.fill(&WHITE).map_err(draw_err)?;
    let xs = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.0));
    let ys = chart
        .series
        .iter()
        .flat_map(|s| s.points.iter().map(|p| p.1));
    let (x0, x1) = chart.x_range.unwrap_or_else(|| fit(xs, false));
    let (y0, y1) = chart.y_range.unwrap_or_else(|| fit(ys, chart.log_y));
    let rest = frame::title(area, &chart.title, chart.scale).map_err(draw_err)?;
    let x_text = |v: f32| linear_label(v, x1 - x0);
    let x_ticks = |n: usize| frame::linear_ticks(x0, x1, n, x_text);
    if chart.log_y {
        let lo = y0.max(1e-12);
        let ticks = log_ticks(lo, y1);
        let (llo, lhi) = (lo.ln(), y1.ln().max(lo.ln() + f32::MIN_POSITIVE));
        let y_ticks = |_: usize| {
            ticks
                .iter()
                .map(|&v| ((v.ln() - llo) / (lhi - llo), tick_label(v)))
                .collect()
        };
        let f = Frame::new(
            rest.dim_in_pixel(),
            chart.scale,
            &axes(chart, &x_ticks, &y_ticks),
        );
        let mut c = f
            .builder(&rest)
            .build_cartesian_2d(x0..x1, (lo..y1).log_scale().with_key_points(ticks.clone()))
            .map_err(draw_err)?;
        c.configure_mesh()
            .x_desc(&chart.x_label)
            .y_desc(&chart.y_label)
            .label_style(f.font())
            .set_all_tick_mark_size(f.tick)
            .x_labels(f.x_labels)
            .x_label_formatter(&|v| x_text(*v))
            .y_label_formatter(&|v| tick_label(*v))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        let marks = draw_series(&mut c, chart, &f, lo, y1)?;
        draw_legend(&mut c, chart, &f, &marks)
    } else {
        let y_text = |v: f32| linear_label(v, y1 - y0);
        let y_ticks = |n: usize| frame::linear_ticks(y0, y1, n, y_text);
        let f = Frame::new(
            rest.dim_in_pixel(),
            chart.scale,
            &axes(chart, &x_ticks, &y_ticks),
        );
        let mut c = f
            .builder(&rest)
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(draw_err)?;
        c.configure_mesh()
            .x_desc(&chart.x_label)
            .y_desc(&chart.y_label)
            .label_style(f.font())
            .set_all_tick_mark_size(f.tick)
            .x_labels(f.x_labels)
            .y_labels(f.y_labels)
            .x_label_formatter(&|v| x_text(*v))
            .y_label_formatter(&|v| y_text(*v))
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        let marks = draw_series(&mut c, chart, &f, y0, y1)?;
        draw_legend(&mut c, chart, &f, &marks)
    }
}

fn axes<'a>(chart: &'a LineChart, x: frame::Ticks<'a>, y: frame::Ticks<'a>) -> frame::Axes<'a> {
    frame::Axes {
        x_desc: &chart.x_label,
        y_desc: &chart.y_label,
        x_ticks: x,
        y_ticks: y,
    }
}

type Chart2d<'a, DB, Y> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf32, Y>>;

/// Draws the marker lines and the series; returns the pixels they cover (relative to the
/// plot's top left), for the legend's placement.
fn draw_series<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f32>>(
    c: &mut Chart2d<'a, DB, Y>,
    chart: &LineChart,
    f: &Frame,
    y0: f32,
    y1: f32,
) -> Result<Vec<(i32, i32)>> {
    let base = c.plotting_area().get_base_pixel();
    let to_px = |c: &Chart2d<'a, DB, Y>, p: &(f32, f32)| {
        let (x, y) = c.backend_coord(p);
        (x - base.0, y - base.1)
    };
    let step = f.px(2.0) as i32;
    let mut marks = Vec::new();
    for &x in &chart.v_lines {
        c.draw_series(LineSeries::new(
            [(x, y0), (x, y1)],
            RGBColor(120, 120, 120).stroke_width(f.px(1.0)),
        ))
        .map_err(draw_err)?;
        marks.extend(legend::trace(
            &[to_px(c, &(x, y0)), to_px(c, &(x, y1))],
            step,
        ));
    }
    for s in &chart.series {
        let color = parse_color(&s.color);
        let pts: Vec<(f32, f32)> = s
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite() && (!chart.log_y || *y > 0.0))
            .collect();
        c.draw_series(LineSeries::new(pts.clone(), color.stroke_width(f.px(2.0))))
            .map_err(draw_err)?;
        if s.markers {
            let r = f.px(3.0);
            c.draw_series(pts.iter().map(|&p| Circle::new(p, r, color.filled())))
                .map_err(draw_err)?;
        }
        let line: Vec<(i32, i32)> = pts.iter().map(|p| to_px(c, p)).collect();
        marks.extend(legend::trace(&line, step));
    }
    Ok(marks)
}

fn draw_legend<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f32>>(
    c: &mut Chart2d<'a, DB, Y>,
    chart: &LineChart,
    f: &Frame,
    marks: &[(i32, i32)],
) -> Result<()> {
    let entries: Vec<legend::Entry<'_>> = chart
        .series
        .iter()
        .map(|s| legend::Entry {
            name: &s.name,
            swatch: legend::Swatch::Line(parse_color(&s.color), f.px(2.0)),
        })
        .collect();
    legend::legend(c, f, chart.legend, &entries, marks).map_err(draw_err)
}

/// Renders a chart to an SVG string (native tests, CLI reports).
///
/// # Errors
/// `BadData` if drawing fails.
pub fn to_svg(chart: &LineChart, width: u32, height: u32) -> Result<String> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_line_chart(&area, chart)?;
        area.present().map_err(draw_err)?;
    }
    Ok(out)
}

#[cfg(test)]
mod tests;
