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
        let (width, swatch) = (f.px(2.0), f.px(14.0) as i32);
        c.draw_series(LineSeries::new(pts.clone(), color.stroke_width(width)))
            .map_err(draw_err)?
            .label(s.name.clone())
            .legend(move |(x, y)| {
                PathElement::new([(x, y), (x + swatch, y)], color.stroke_width(width))
            });
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
    let names: Vec<&str> = chart.series.iter().map(|s| s.name.as_str()).collect();
    legend::legend(c, f, chart.legend, &names, marks).map_err(draw_err)
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
mod tests {
    use super::*;

    #[test]
    fn draws_lines_and_legend_to_svg() {
        let chart = LineChart {
            title: "loss".into(),
            series: vec![Series {
                name: "train".into(),
                color: "#d62728".into(),
                points: vec![(0.0, 2.3), (1.0, 0.5), (2.0, f32::NAN)],
                markers: true,
            }],
            ..Default::default()
        };
        let svg = to_svg(&chart, 300, 200).unwrap();
        assert!(
            svg.contains("<svg") && svg.contains("train") && svg.contains("polyline"),
            "{svg}"
        );
        let log = LineChart {
            log_y: true,
            v_lines: vec![1.0],
            ..chart
        };
        assert!(to_svg(&log, 300, 200).unwrap().contains("<svg"));
    }

    #[test]
    fn legend_can_move_or_hide() {
        let chart = LineChart {
            series: vec![Series {
                name: "only-in-legend".into(),
                color: "#000000".into(),
                points: vec![(0.0, 1.0), (1.0, 0.5)],
                markers: false,
            }],
            legend: Legend::UpperRight,
            ..Default::default()
        };
        assert!(to_svg(&chart, 300, 200).unwrap().contains("only-in-legend"));
        let hidden = LineChart {
            legend: Legend::Hidden,
            ..chart
        };
        assert!(!to_svg(&hidden, 300, 200)
            .unwrap()
            .contains("only-in-legend"));
    }

    /// The y tick labels of a chart's SVG: `<text>` elements left of the plot.
    fn y_labels(svg: &str) -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| {
                let x: f32 = t.split("x=\"").nth(1)?.split('"').next()?.parse().ok()?;
                let text = t.split('>').nth(1)?.split('<').next()?.trim().to_string();
                (x < 50.0 && text.parse::<f32>().is_ok()).then_some(text)
            })
            .collect()
    }

    #[test]
    fn log_axis_labels_do_not_pile_up() {
        // A loss falling from 2.3 to 0.05 (the Train panel's shape).
        let chart = LineChart {
            log_y: true,
            series: vec![Series {
                name: "loss".into(),
                color: "#e4572e".into(),
                points: vec![(0.0, 2.3), (0.5, 0.3), (1.0, 0.05)],
                markers: false,
            }],
            ..Default::default()
        };
        let labels = y_labels(&to_svg(&chart, 360, 220).unwrap());
        assert!(labels.len() >= 3 && labels.len() <= 8, "{labels:?}");
        for l in ["0.05", "0.1", "1", "2"] {
            assert!(labels.iter().any(|x| x == l), "{l} missing from {labels:?}");
        }
        assert!(!labels.iter().any(|x| x == "9.0" || x == "3"), "{labels:?}");
    }

    #[test]
    fn log_ticks_are_one_two_five_or_decades() {
        let close = |got: Vec<f32>, want: &[f32]| {
            got.len() == want.len()
                && got
                    .iter()
                    .zip(want)
                    .all(|(a, b)| (a / b - 1.0).abs() < 1e-5)
        };
        assert!(close(
            log_ticks(0.04, 2.9),
            &[0.05, 0.1, 0.2, 0.5, 1.0, 2.0]
        ));
        assert!(close(
            log_ticks(1e-4, 10.0),
            &[1e-4, 1e-3, 1e-2, 0.1, 1.0, 10.0]
        ));
        assert!(close(log_ticks(1.1, 1.5), &[1.1, 1.5]));
        assert!(log_ticks(0.0, 1.0).is_empty() && log_ticks(2.0, 1.0).is_empty());
        assert_eq!(tick_label(0.05), "0.05");
        assert_eq!(tick_label(2.0), "2");
        assert_eq!(tick_label(0.0001), "1e-4");
        assert_eq!(linear_label(-6e-17, 0.5), "0");
        assert_eq!(linear_label(0.05, 0.5), "0.05");
    }

    #[test]
    fn scale_draws_bigger_text_for_high_dpi() {
        let chart = LineChart {
            series: vec![Series {
                name: "s".into(),
                color: "#000000".into(),
                points: vec![(0.0, 1.0), (1.0, 0.5)],
                markers: false,
            }],
            ..Default::default()
        };
        let sizes = |svg: &str| -> Vec<f32> {
            svg.split("font-size=\"")
                .skip(1)
                .filter_map(|t| t.split('"').next()?.parse().ok())
                .collect()
        };
        let one = to_svg(&chart, 360, 220).unwrap();
        let two = to_svg(
            &LineChart {
                scale: 2.0,
                ..chart.clone()
            },
            720,
            440,
        )
        .unwrap();
        let (a, b) = (sizes(&one), sizes(&two));
        assert!(!a.is_empty() && a.len() == b.len(), "{a:?} {b:?}");
        for (x, y) in a.iter().zip(&b) {
            assert!(
                (y / x - 2.0).abs() < 0.05,
                "font {x} at 1× became {y} at 2×"
            );
        }
        // Absent or nonsense scales draw at 1×.
        let bad = to_svg(
            &LineChart {
                scale: f32::NAN,
                ..chart
            },
            360,
            220,
        )
        .unwrap();
        assert_eq!(bad, one);
    }

    /// The Distill panel's chart: two rising accuracy curves with markers.
    fn rising(scale: f32) -> LineChart {
        let curve = |name: &str, color: &str, lift: f32| Series {
            name: name.into(),
            color: color.into(),
            points: (1..=8)
                .map(|i| {
                    (
                        i as f32 / 4.0,
                        0.75 + lift + 0.12 * (1.0 - (-(i as f32)).exp()),
                    )
                })
                .collect(),
            markers: true,
        };
        LineChart {
            x_label: "epoch".into(),
            y_label: "test accuracy".into(),
            x_range: Some((0.0, 2.0)),
            y_range: Some((0.74, 1.0)),
            series: vec![
                curve("from scratch", "#e4572e", 0.0),
                curve("distilled", "#4f46e5", 0.03),
            ],
            scale,
            ..Default::default()
        }
    }

    /// The Low-rank panel's spectrum: singular values falling over 300 indices, steeply at the
    /// end, on a log axis.
    fn spectrum(scale: f32) -> LineChart {
        LineChart {
            title: "layer 1: 784 → 300".into(),
            x_label: "index i".into(),
            y_label: "σᵢ".into(),
            log_y: true,
            v_lines: vec![32.5],
            series: vec![Series {
                name: "singular values".into(),
                color: "#4f46e5".into(),
                points: (1..=300)
                    .map(|i| {
                        let t = i as f32 / 300.0;
                        (i as f32, 3.5 * (-1.2 * t).exp() * (1.0 - 0.75 * t.powi(8)))
                    })
                    .collect(),
                markers: false,
            }],
            scale,
            ..Default::default()
        }
    }

    #[test]
    fn text_has_a_floor_and_axis_names_clear_their_tick_labels() {
        // A phone's column (336 CSS px) and a wide one, at devicePixelRatio 1 and 2.
        for scale in [1.0f32, 2.0] {
            for w in [336.0f32, 380.0, 700.0] {
                let (w, h) = ((w * scale) as u32, (220.0 * scale) as u32);
                let svg = to_svg(&rising(scale), w, h).unwrap();
                super::super::svg_check::check_layout(&svg, scale, "epoch", "test accuracy");
                let svg = to_svg(&spectrum(scale), w, h).unwrap();
                super::super::svg_check::check_layout(&svg, scale, "index i", "σᵢ");
            }
        }
    }

    #[test]
    fn legend_never_covers_a_series() {
        for (chart, color) in [
            (spectrum(1.0), "#4F46E5"),
            (rising(1.0), "#E4572E"),
            (rising(1.0), "#4F46E5"),
        ] {
            for w in [336, 380, 700] {
                let svg = to_svg(&chart, w, 220).unwrap();
                let (x, y, bw, bh) = super::super::svg_check::legend_box(&svg).expect("a legend");
                let pts = super::super::svg_check::line_points(&svg, color);
                assert!(pts.len() >= 2, "{svg}");
                let inside: Vec<_> = pts
                    .iter()
                    .filter(|(px, py)| *px >= x && *px <= x + bw && *py >= y && *py <= y + bh)
                    .collect();
                assert!(
                    inside.is_empty(),
                    "legend {:?} covers {inside:?} at {w} px",
                    (x, y, bw, bh)
                );
            }
        }
        // Where nothing is under it, the legend keeps its corner: lower right for rising curves.
        let svg = to_svg(&rising(1.0), 700, 220).unwrap();
        let (x, y, bw, bh) = super::super::svg_check::legend_box(&svg).unwrap();
        assert!(x + bw > 600.0 && y + bh > 150.0, "{:?}", (x, y, bw, bh));
    }

    #[test]
    fn tick_labels_drop_trailing_zeros() {
        let svg = to_svg(&spectrum(1.0), 380, 220).unwrap();
        let labels: Vec<String> = super::super::svg_check::texts(&svg)
            .into_iter()
            .map(|t| t.text)
            .collect();
        assert!(labels.iter().any(|l| l == "100"), "{labels:?}");
        assert!(!labels.iter().any(|l| l.ends_with(".0")), "{labels:?}");
    }

    #[test]
    fn colors_parse_or_fall_back() {
        assert_eq!(parse_color("#102030"), RGBColor(16, 32, 48));
        assert_eq!(parse_color("nonsense"), RGBColor(128, 128, 128));
    }
}
