//! The line chart's tests: layout rules read back from the SVG it draws (text sizes, label
//! areas, legend placement) and the colour parser.

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
