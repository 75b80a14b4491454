//! Rendering: a fixed diverging palette, weight heatmaps as RGBA bytes (pure, testable), and
//! charts drawn with plotters on any backend (a canvas in the page, SVG in tests), all in one
//! frame (`frame`: text sizes in CSS pixels, label areas; `legend`: its corner; `text`:
//! widths and wrapping).

pub mod chart;
pub mod frame;
pub mod heatmap;
pub mod histogram;
pub mod legend;
pub mod palette;
pub mod pareto;
#[cfg(test)]
pub(crate) mod svg_check;
pub mod text;
