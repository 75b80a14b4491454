//! Charts drawn with plotters on any `DrawingBackend`: the page passes a canvas backend
//! (plotters-canvas), tests pass an SVG string backend. A chart is plain data (`LineChart`), so
//! the page describes what to draw and Rust draws it the same way everywhere.

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
    /// Where the legend goes (out of the way of the curves), or hidden.
    pub legend: Legend,
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

/// Draws `chart` onto `area` (clearing it first).
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
    let mut builder = ChartBuilder::on(area);
    builder
        .margin(8)
        // Room for the last x tick label, which plotters centres on the plot's right edge.
        .margin_right(18)
        .x_label_area_size(30)
        .y_label_area_size(44);
    if !chart.title.is_empty() {
        builder.caption(&chart.title, ("sans-serif", 14));
    }
    let font = ("sans-serif", 11);
    if chart.log_y {
        let mut c = builder
            .build_cartesian_2d(x0..x1, (y0.max(1e-12)..y1).log_scale())
            .map_err(draw_err)?;
        c.configure_mesh()
            .x_desc(&chart.x_label)
            .y_desc(&chart.y_label)
            .label_style(font)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        draw_series(&mut c, chart, y0.max(1e-12), y1)?;
        legend(&mut c, chart.legend)
    } else {
        let mut c = builder
            .build_cartesian_2d(x0..x1, y0..y1)
            .map_err(draw_err)?;
        c.configure_mesh()
            .x_desc(&chart.x_label)
            .y_desc(&chart.y_label)
            .label_style(font)
            .light_line_style(WHITE.mix(0.0))
            .draw()
            .map_err(draw_err)?;
        draw_series(&mut c, chart, y0, y1)?;
        legend(&mut c, chart.legend)
    }
}

type Chart2d<'a, DB, Y> =
    ChartContext<'a, DB, Cartesian2d<plotters::coord::types::RangedCoordf32, Y>>;

fn draw_series<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f32>>(
    c: &mut Chart2d<'a, DB, Y>,
    chart: &LineChart,
    y0: f32,
    y1: f32,
) -> Result<()> {
    for &x in &chart.v_lines {
        c.draw_series(LineSeries::new(
            [(x, y0), (x, y1)],
            RGBColor(120, 120, 120).stroke_width(1),
        ))
        .map_err(draw_err)?;
    }
    for s in &chart.series {
        let color = parse_color(&s.color);
        let pts: Vec<(f32, f32)> = s
            .points
            .iter()
            .copied()
            .filter(|(x, y)| x.is_finite() && y.is_finite())
            .collect();
        c.draw_series(LineSeries::new(pts.clone(), color.stroke_width(2)))
            .map_err(draw_err)?
            .label(s.name.clone())
            .legend(move |(x, y)| PathElement::new([(x, y), (x + 14, y)], color.stroke_width(2)));
        if s.markers {
            c.draw_series(pts.iter().map(|&p| Circle::new(p, 3, color.filled())))
                .map_err(draw_err)?;
        }
    }
    Ok(())
}

fn legend<'a, DB: DrawingBackend + 'a, Y: Ranged<ValueType = f32>>(
    c: &mut Chart2d<'a, DB, Y>,
    place: Legend,
) -> Result<()> {
    let position = match place {
        Legend::Hidden => return Ok(()),
        Legend::LowerRight => SeriesLabelPosition::LowerRight,
        Legend::UpperRight => SeriesLabelPosition::UpperRight,
        Legend::UpperLeft => SeriesLabelPosition::UpperLeft,
        Legend::LowerLeft => SeriesLabelPosition::LowerLeft,
    };
    c.configure_series_labels()
        .position(position)
        .background_style(WHITE.mix(0.85))
        .border_style(RGBColor(200, 200, 200))
        .label_font(("sans-serif", 11))
        .draw()
        .map_err(draw_err)
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

    #[test]
    fn colors_parse_or_fall_back() {
        assert_eq!(parse_color("#102030"), RGBColor(16, 32, 48));
        assert_eq!(parse_color("nonsense"), RGBColor(128, 128, 128));
    }
}
