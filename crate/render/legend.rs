//! The legend in the corner of the plot that covers the fewest drawn pixels, the asked corner
//! first (matplotlib's `loc="best"`, Hunter 2007): plotters' corners ignore what is under them,
//! and the Low-rank spectrum's legend sat on the end of its curve.

use super::chart::Legend;
use super::frame::{Frame, INSET};
use plotters::prelude::*;

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

/// What a legend row shows left of its name.
#[derive(Clone, Copy, Debug)]
pub enum Swatch {
    /// A short stroke of the series' line: colour and stroke width.
    Line(RGBColor, u32),
    /// A filled dot: colour and radius.
    Dot(RGBColor, u32),
}

/// One row of a legend.
pub struct Entry<'e> {
    pub name: &'e str,
    pub swatch: Swatch,
}

/// Draws a legend of `entries` in the corner of `c`'s plot that covers the fewest `marks`
/// (pixels relative to the plot's top left), starting with `prefer`. Plotters' own corner
/// positions ignore what is under them (the Low-rank spectrum's legend sat on the end of its
/// curve).
///
/// Drawn here rather than by plotters' `configure_series_labels`, which measures each name
/// twice through its font code: in a browser that is a `<span>` added to the page and its
/// `offsetHeight` read, a layout of the whole page per name at every redraw. Names are
/// measured by the backend (`estimate_text_size`: the canvas's `measureText` on the page).
/// The box is plotters' box: names in rows 1.25 font sizes apart, a swatch area of 22 px and
/// a 6 px margin all round, a translucent white fill with a grey border.
///
/// # Errors
/// The backend's, if measuring or drawing fails.
pub fn legend<'a, DB: DrawingBackend + 'a, CT: plotters::coord::CoordTranslate>(
    c: &mut ChartContext<'a, DB, CT>,
    frame: &Frame,
    prefer: Legend,
    entries: &[Entry<'_>],
    marks: &[(i32, i32)],
) -> Result<(), DrawingAreaErrorKind<DB::ErrorType>> {
    if prefer == Legend::Hidden || entries.is_empty() {
        return Ok(());
    }
    let area = c.plotting_area().strip_coord_spec();
    let style: TextStyle = ("sans-serif", frame.font).into_font().color(&BLACK);
    let row = (f64::from(frame.font) * 1.25) as i32;
    let sizes = entries
        .iter()
        .map(|e| area.estimate_text_size(e.name, &style))
        .collect::<Result<Vec<_>, _>>()?;
    let (mut tw, mut th) = (0, 0);
    for (i, &(w, h)) in sizes.iter().enumerate() {
        tw = tw.max(w as i32);
        th = th.max(i as i32 * row + h as i32);
    }
    let (swatch, margin) = (frame.px(22.0) as i32, frame.px(6.0) as i32);
    let size = (tw + swatch + 2 * margin, th + 2 * margin);
    let (pw, ph) = area.dim_in_pixel();
    let (_, (x, y)) = place_legend(
        prefer,
        size,
        (pw as i32, ph as i32),
        frame.px(INSET) as i32,
        frame.px(3.0) as i32,
        marks,
    );
    let corners = [(x, y), (x + size.0, y + size.1)];
    area.draw(&Rectangle::new(corners, WHITE.mix(0.85).filled()))?;
    area.draw(&Rectangle::new(corners, RGBColor(200, 200, 200)))?;
    let stroke = frame.px(14.0) as i32;
    for (i, (e, &(_, h))) in entries.iter().zip(&sizes).enumerate() {
        let top = y + margin + i as i32 * row;
        area.draw(&Text::new(
            e.name,
            (x + margin + swatch, top),
            style.clone(),
        ))?;
        let (left, mid) = (x + margin, top + h as i32 / 2);
        match e.swatch {
            Swatch::Line(color, width) => area.draw(&PathElement::new(
                [(left, mid), (left + stroke, mid)],
                color.stroke_width(width),
            ))?,
            Swatch::Dot(color, r) => {
                area.draw(&Circle::new((left + stroke / 2, mid), r, color.filled()))?
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

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
}
