//! Reading a chart's SVG back, for the layout tests of every chart (test builds only).

use super::frame::FONT;
use super::text::text_width;

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
        .filter(|t| t.anchor == "middle" && t.dy == "0.76em" && !t.rotated && t.y > height / 2.0)
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
