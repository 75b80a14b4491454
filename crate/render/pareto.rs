//! The accuracy-against-cost chart of the Compare panel: every version a point coloured by its
//! method, the Pareto frontier drawn through the versions no other version beats on both axes
//! (fewer bytes or less time, and at least as accurate), x on a log scale. A point p is on the
//! frontier iff no q has x_q ≤ x_p and y_q ≥ y_p with one strict (Deb 2001, ch. 2).

use super::chart::{parse_color, Legend};
use super::frame::{self, Frame};
use super::{legend, text};
use crate::error::{Error, Result};
use plotters::coord::combinators::LogCoord;
use plotters::coord::ranged1d::{BoldPoints, Ranged};
use plotters::coord::Shift;
use plotters::prelude::*;
use serde::{Deserialize, Serialize};

/// One version on the chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Point {
    /// Cost (true bytes, or ms per batch): > 0, drawn on a log axis.
    pub x: f32,
    /// Test accuracy in percent.
    pub y: f32,
    /// Short label drawn next to the point (the version's id).
    pub label: String,
    /// `#rrggbb`, the method's colour.
    pub color: String,
}

/// One legend entry (a method and its colour).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Key {
    pub name: String,
    pub color: String,
}

/// A Pareto chart.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, rename_all = "camelCase")]
pub struct ParetoChart {
    pub title: String,
    pub x_label: String,
    pub y_label: String,
    pub points: Vec<Point>,
    /// Methods and their colours, for the legend.
    pub keys: Vec<Key>,
    /// Name of the frontier in the legend.
    pub frontier_label: String,
    pub legend: Legend,
    /// How x tick labels read: `bytes` (kB = 1000 B, as the page) or `ms`.
    pub x_unit: XUnit,
    /// Device pixels per CSS pixel (see `LineChart::scale`); 0 (absent) means 1.
    pub scale: f32,
}

/// The unit of the x axis.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "camelCase")]
pub enum XUnit {
    #[default]
    Bytes,
    Ms,
}

/// A tick label: 1000 → "1 kB", 1e6 → "1 MB"; 0.1 → "0.1 ms".
pub fn tick(v: f32, unit: XUnit) -> String {
    let short = |x: f32| {
        let s = format!("{x:.3}");
        s.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    match unit {
        XUnit::Ms => format!("{} ms", short(v)),
        XUnit::Bytes if v >= 1e6 => format!("{} MB", short(v / 1e6)),
        XUnit::Bytes if v >= 1e3 => format!("{} kB", short(v / 1e3)),
        XUnit::Bytes => format!("{} B", short(v)),
    }
}

/// The whole decades around [lo, hi] (at least one), so a log axis always has labelled ticks.
fn decades(lo: f32, hi: f32) -> (f32, f32) {
    let a = lo.log10().floor();
    let mut b = hi.log10().ceil();
    if b <= a {
        b = a + 1.0;
    }
    (10f32.powf(a), 10f32.powf(b))
}

/// Indices of the points on the frontier (lower x, higher y is better), sorted by x.
/// Non-finite points and x ≤ 0 are ignored.
pub fn frontier(points: &[(f32, f32)]) -> Vec<usize> {
    let mut idx: Vec<usize> = (0..points.len())
        .filter(|&i| points[i].0.is_finite() && points[i].1.is_finite() && points[i].0 > 0.0)
        .collect();
    // Cheapest first; among equal cost, the most accurate first.
    idx.sort_by(|&a, &b| {
        points[a]
            .0
            .total_cmp(&points[b].0)
            .then(points[b].1.total_cmp(&points[a].1))
    });
    let mut best = f32::NEG_INFINITY;
    let mut out = Vec::new();
    for i in idx {
        if points[i].1 > best {
            best = points[i].1;
            out.push(i);
        }
    }
    out
}

fn draw_err<E: std::fmt::Debug>(e: E) -> Error {
    Error::data(format!("chart drawing failed: {e:?}"))
}

/// Draws `chart` onto `area` (clearing it first).
///
/// # Errors
/// `BadData` if the backend fails.
pub fn draw_pareto<DB: DrawingBackend>(
    area: &DrawingArea<DB, Shift>,
    chart: &ParetoChart,
) -> Result<()> {
    area.fill(&WHITE).map_err(draw_err)?;
    let pts: Vec<&Point> = chart
        .points
        .iter()
        .filter(|p| p.x.is_finite() && p.y.is_finite() && p.x > 0.0)
        .collect();
    let (mut x0, mut x1, mut y0, mut y1) =
        (f32::INFINITY, 0.0f32, f32::INFINITY, f32::NEG_INFINITY);
    for p in &pts {
        x0 = x0.min(p.x);
        x1 = x1.max(p.x);
        y0 = y0.min(p.y);
        y1 = y1.max(p.y);
    }
    if pts.is_empty() {
        (x0, x1, y0, y1) = (1.0, 10.0, 0.0, 100.0);
    }
    let (x0, x1) = decades(x0 / 1.3, x1 * 1.3);
    let pad = ((y1 - y0) * 0.08).max(0.2);
    let (y0, y1) = (y0 - pad, (y1 + pad).min(100.5));
    let rest = frame::title(area, &chart.title, chart.scale).map_err(draw_err)?;
    let (lx0, lx1) = (x0.ln(), x1.ln());
    let log_x = LogCoord::from((x0..x1).log_scale());
    // Plotters' log axis with at most 6 labels (decades and their 2s and 5s), fewer if narrow.
    let x_ticks = |n: usize| {
        log_x
            .key_points(BoldPoints(n.min(6)))
            .into_iter()
            .map(|v| ((v.ln() - lx0) / (lx1 - lx0), tick(v, chart.x_unit)))
            .collect()
    };
    let decimals = y_decimals(y1 - y0);
    let y_text = |v: f32| format!("{v:.decimals$}");
    let y_ticks = |n: usize| frame::linear_ticks(y0, y1, n, y_text);
    let axes = frame::Axes {
        x_desc: &chart.x_label,
        y_desc: &chart.y_label,
        x_ticks: &x_ticks,
        y_ticks: &y_ticks,
    };
    let f = Frame::new(rest.dim_in_pixel(), chart.scale, &axes);
    let mut c = f
        .builder(&rest)
        .build_cartesian_2d((x0..x1).log_scale(), y0..y1)
        .map_err(draw_err)?;
    c.configure_mesh()
        .x_desc(&chart.x_label)
        .y_desc(&chart.y_label)
        .label_style(f.font())
        .set_all_tick_mark_size(f.tick)
        .light_line_style(WHITE.mix(0.0))
        .bold_line_style(RGBColor(232, 232, 232))
        .x_labels(f.x_labels.min(6))
        .y_labels(f.y_labels)
        .x_label_formatter(&|v| tick(*v, chart.x_unit))
        .y_label_formatter(&|v| y_text(*v))
        .draw()
        .map_err(draw_err)?;
    let xy: Vec<(f32, f32)> = pts.iter().map(|p| (p.x, p.y)).collect();
    let front: Vec<(f32, f32)> = frontier(&xy).into_iter().map(|i| xy[i]).collect();
    let ink = RGBColor(60, 60, 60);
    let line = f.px(2.0);
    let (dot, ring) = (f.px(5.0), f.px(7.0));
    c.draw_series(LineSeries::new(front.clone(), ink.stroke_width(line)))
        .map_err(draw_err)?;
    // Frontier points get a dark ring so they read as "on the line" in any colour.
    c.draw_series(
        front
            .iter()
            .map(|&p| Circle::new(p, ring, ink.stroke_width(line))),
    )
    .map_err(draw_err)?;
    let label_font = ("sans-serif", f.font).into_font().color(&ink);
    for p in &pts {
        let color = parse_color(&p.color);
        c.draw_series(std::iter::once(Circle::new(
            (p.x, p.y),
            dot,
            color.filled(),
        )))
        .map_err(draw_err)?;
        c.draw_series(std::iter::once(Text::new(
            p.label.clone(),
            (p.x, p.y),
            label_font.clone(),
        )))
        .map_err(draw_err)?;
    }
    // What the legend should not hide: the points, their labels (drawn to the right of and
    // below each point) and the frontier.
    let base = c.plotting_area().get_base_pixel();
    let to_px = |p: &(f32, f32)| {
        let (x, y) = c.backend_coord(p);
        (x - base.0, y - base.1)
    };
    let step = f.px(2.0) as i32;
    let mut marks = legend::trace(&front.iter().map(to_px).collect::<Vec<_>>(), step);
    for p in &pts {
        let (x, y) = to_px(&(p.x, p.y));
        let w = text::text_width(&p.label, f.font as f32) as i32;
        marks.extend(legend::trace(
            &[(x, y), (x + w, y), (x + w, y + f.font as i32)],
            step,
        ));
    }
    let mut entries = vec![legend::Entry {
        name: &chart.frontier_label,
        swatch: legend::Swatch::Line(ink, line),
    }];
    entries.extend(chart.keys.iter().map(|k| legend::Entry {
        name: &k.name,
        swatch: legend::Swatch::Dot(parse_color(&k.color), f.px(4.0)),
    }));
    legend::legend(&mut c, &f, chart.legend, &entries, &marks).map_err(draw_err)
}

/// Renders a Pareto chart to an SVG string (native tests).
///
/// # Errors
/// `BadData` if drawing fails.
pub fn to_svg(chart: &ParetoChart, width: u32, height: u32) -> Result<String> {
    let mut out = String::new();
    {
        let area = SVGBackend::with_string(&mut out, (width, height)).into_drawing_area();
        draw_pareto(&area, chart)?;
        area.present().map_err(draw_err)?;
    }
    Ok(out)
}

/// Decimals for the accuracy axis: enough that neighbouring ticks (about ten over `span`
/// percentage points) never print the same text, as "86.3, 86.3" did on a narrow range.
fn y_decimals(span: f32) -> usize {
    let step = span / 10.0;
    if !(step.is_finite() && step > 0.0) {
        return 1;
    }
    ((-step.log10()).ceil().max(1.0) as usize).min(3)
}

#[cfg(test)]
mod tests {

    #[test]
    fn y_ticks_get_enough_decimals_to_differ() {
        assert_eq!(super::y_decimals(100.0), 1);
        assert_eq!(super::y_decimals(2.0), 1);
        assert_eq!(super::y_decimals(0.6), 2);
        assert_eq!(super::y_decimals(0.05), 3);
        assert_eq!(super::y_decimals(f32::NAN), 1);
    }
    use super::*;

    #[test]
    fn frontier_keeps_only_undominated_points() {
        // (bytes, accuracy): #1 dense, #2 smaller and as good, #3 dominated by #2, #4 tiny.
        let p = [
            (1000.0, 98.0),
            (100.0, 98.0),
            (200.0, 97.0),
            (10.0, 90.0),
            (f32::NAN, 99.0),
        ];
        assert_eq!(frontier(&p), vec![3, 1]);
        let q = [(50.0, 91.0), (100.0, 95.0), (400.0, 97.5)];
        assert_eq!(frontier(&q), vec![0, 1, 2]);
        assert!(frontier(&[]).is_empty());
    }

    #[test]
    fn ticks_read_in_the_page_units_and_axes_span_decades() {
        assert_eq!(tick(1e6, XUnit::Bytes), "1 MB");
        assert_eq!(tick(47_248.0, XUnit::Bytes), "47.248 kB");
        assert_eq!(tick(100.0, XUnit::Bytes), "100 B");
        assert_eq!(tick(0.1, XUnit::Ms), "0.1 ms");
        assert_eq!(decades(2.1, 5.5), (1.0, 10.0));
        let (a, b) = decades(40_000.0, 1.1e6);
        assert!((a - 1e4).abs() < 1.0 && (b - 1e7).abs() < 10.0);
    }

    #[test]
    fn text_has_a_floor_and_the_legend_covers_no_point() {
        let points: Vec<Point> = [
            (1.07e6, 98.3),
            (1.6e5, 97.9),
            (2.7e5, 98.2),
            (4.5e4, 96.8),
            (2.1e5, 96.3),
        ]
        .iter()
        .enumerate()
        .map(|(i, &(x, y))| Point {
            x,
            y,
            label: format!(" #{}", i + 1),
            color: "#1f77b4".into(),
        })
        .collect();
        for scale in [1.0f32, 2.0] {
            for w in [336.0f32, 560.0] {
                let chart = ParetoChart {
                    title: "accuracy against true bytes".into(),
                    x_label: "true bytes (log)".into(),
                    y_label: "test accuracy (%)".into(),
                    points: points.clone(),
                    keys: vec![Key {
                        name: "prune".into(),
                        color: "#d62728".into(),
                    }],
                    frontier_label: "frontier".into(),
                    legend: Legend::LowerRight,
                    scale,
                    ..Default::default()
                };
                let svg = to_svg(&chart, (w * scale) as u32, (360.0 * scale) as u32).unwrap();
                crate::render::svg_check::check_layout(
                    &svg,
                    scale,
                    "true bytes (log)",
                    "test accuracy (%)",
                );
                let (x, y, bw, bh) = crate::render::svg_check::legend_box(&svg).unwrap();
                for p in crate::render::svg_check::line_points(&svg, "#3C3C3C") {
                    assert!(
                        !(p.0 > x && p.0 < x + bw && p.1 > y && p.1 < y + bh),
                        "legend covers the frontier at {p:?}"
                    );
                }
            }
        }
    }

    #[test]
    fn draws_points_frontier_and_legend_to_svg() {
        let chart = ParetoChart {
            title: "accuracy vs bytes".into(),
            points: vec![
                Point {
                    x: 1e6,
                    y: 98.0,
                    label: "#1".into(),
                    color: "#1f77b4".into(),
                },
                Point {
                    x: 1e5,
                    y: 97.9,
                    label: "#2".into(),
                    color: "#d62728".into(),
                },
            ],
            keys: vec![Key {
                name: "prune".into(),
                color: "#d62728".into(),
            }],
            frontier_label: "frontier".into(),
            ..Default::default()
        };
        let svg = to_svg(&chart, 400, 300).unwrap();
        assert!(
            svg.contains("#2") && svg.contains("prune") && svg.contains("frontier"),
            "{svg}"
        );
        assert!(to_svg(&ParetoChart::default(), 200, 100)
            .unwrap()
            .contains("<svg"));
    }
}
